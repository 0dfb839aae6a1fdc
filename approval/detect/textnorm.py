"""Small text helpers shared by detectors and the classifier: folding, header normalisation,
null markers, and redaction of samples.

Nothing here knows a data element; it only knows how people write things in tables and text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# What people type in a cell to say "nothing here". Kept raw (not folded) so that a column can
# be tested with one C-level set operation; the variants are few.
NULLS = frozenset(
    {
        "",
        "-",
        "--",
        "---",
        "?",
        "n/a",
        "N/A",
        "NA",
        "na",
        "N.A.",
        "none",
        "None",
        "NONE",
        "null",
        "NULL",
        "Null",
        "nil",
        "unknown",
        "Unknown",
        "UNKNOWN",
        "unk",
        "UNK",
        "desconocido",
        "Desconocido",
        "nan",
        "NaN",
    }
)

# Cell values that answer "no": a claim column saying "No" ties nobody to a claim.
NEGATIONS = frozenset(
    {
        "no",
        "n",
        "false",
        "0",
        "none",
        "no claim",
        "not applicable",
        "n/a",
        "na",
        "-",
    }
)

_COMBINING = re.compile(r"[\u0300-\u036f]")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_DROP = re.compile(r"[.'’]")
_PUNCT = re.compile(r"[^\w#]+|_")
_SPACES = re.compile(r"\s+")


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``: word lists stay readable in the source."""
    return frozenset(text.split())


def fold(text: str) -> str:
    """Lower case without accents: ``Número`` -> ``numero``."""
    text = unicodedata.normalize("NFKD", text)
    return _COMBINING.sub("", text).lower()


@lru_cache(maxsize=4096)
def norm_header(text: str) -> str:
    """A header or label as loose words: ``Alien No.`` -> ``alien no``, ``A#`` -> ``a #``,
    ``dateOfBirth`` -> ``date of birth``, ``D.O.B.`` -> ``dob``."""
    text = _CAMEL.sub(" ", text)
    text = fold(text).replace("#", " # ")
    text = _DROP.sub("", text)
    text = _PUNCT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def is_null(value: str) -> bool:
    return value.strip() in NULLS


_COUNT = re.compile(r"[+-]?(?:\d{1,3}(?:[, ]\d{3})+|\d+)(?:\.\d+)?\s?%?")


def is_count(value: str) -> bool:
    """Whether a cell is a number or a percentage: an aggregate, not a fact about one person
    (a date is not a count)."""
    return _COUNT.fullmatch(value.strip()) is not None


def redact_tokens(text: str) -> str:
    """Each word's first character, the rest as ``*``: ``Juan PEREZ`` -> ``J*** P****``."""
    out = []
    for token in text.split(" "):
        out.append(token[:1] + "*" * (len(token) - 1) if token else token)
    return " ".join(out)[:40]


def redact_middle(text: str, keep: int = 2) -> str:
    """Keep ``keep`` characters at each end: ``A212345678`` -> ``A2******78``."""
    if len(text) <= 2 * keep + 1:
        return text[:1] + "*" * (len(text) - 1)
    return text[:keep] + "*" * (len(text) - 2 * keep) + text[-keep:]


def redact_digits(text: str, keep: int = 2) -> str:
    """Every digit after the first ``keep`` digits as ``*``: ``1985-03-02`` -> ``19**-**-**``;
    letters as in ``redact_tokens``."""
    out = []
    seen = 0
    for ch in text:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen <= keep else "*")
        else:
            out.append(ch)
    shown = "".join(out)
    return re.sub(r"[^\W\d_]+", lambda m: m.group()[0] + "*" * (len(m.group()) - 1), shown)[:40]
