"""Small text helpers shared by detectors and the classifier: folding, header normalisation,
null markers, and redaction of samples.

Nothing here knows a data element; it only knows how people write things in tables and text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import product

from approval.detect.confusables import CONFUSABLE_CHARS, CONFUSABLES

# Marks that stand where someone removed a value (``[REDACTED]``, ``XXXXX``, FOIA exemption
# ``(b)(6)``): a redacted cell is an empty cell, not a person's name. The common spellings are
# listed raw, so that a column is still tested with one C-level set operation; the rest (any
# length of ``X`` or ``*``, several exemptions together) are recognised by ``is_redaction``.
# A bare "Removed" or "Withheld" is not among them: under a claim header it is an outcome.
_MARK_WORDS = (
    *("redacted", "[redacted]", "[removed]", "[withheld]"),
    *("[deleted]", "(redacted)", "<redacted>", "{redacted}", "[name redacted]", "name redacted"),
    *("b6", "b7c", "b6, b7c", "(b)(6)", "(b)(7)(c)", "(b)(6), (b)(7)(c)", "(b)(6); (b)(7)(c)"),
    *("(b)(6) (b)(7)(c)", "pii redacted", "pii withheld", "name withheld", "[name withheld]"),
    *("[pii redacted]", "[pii withheld]", "redacted per foia", "withheld per foia"),
)
REDACTION_MARKS = frozenset(
    {
        " ".join(words)
        for mark in _MARK_WORDS
        for spelling in (mark, mark.replace("(c)", "(C)"))
        # every mix of lower, upper and capitalised words: "PII withheld", "Name Redacted"
        for words in product(*[(w, w.upper(), w.capitalize()) for w in spelling.split(" ")])
    }
    | {c * n for c in "Xx*#_█" for n in range(2, 21)}
    | {"X" + "x" * n for n in range(2, 20)}
    | {"XXX-XX-XXXX", "xxx-xx-xxxx", "XX/XX/XXXX", "xx/xx/xxxx"}
)

# What people type in a cell to say "nothing here". Kept raw (not folded) so that a column can
# be tested with one C-level set operation; the variants are few.
NULLS = REDACTION_MARKS | frozenset(
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
# A word starts at a capital after a small letter (``dateOfBirth``), before a capital and a
# small letter (``CFResult``), and after a digit (``i589Filed``: a form's number, then a word).
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z0-9])(?=[A-Z][a-z])")
_DROP = re.compile(r"[.'’]")
_PUNCT = re.compile(r"[^\w#]+|_")
_SPACES = re.compile(r"\s+")


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``: word lists stay readable in the source."""
    return frozenset(text.split())


def fold(text: str) -> str:
    """Lower case without accents, look-alike letters read as Latin: ``Número`` -> ``numero``,
    ``аsylum`` (a Cyrillic ``а``) -> ``asylum`` (``unconfuse``)."""
    if text.isascii():
        return text.lower()  # ASCII has no decomposition and no combining mark: 8x faster
    if _SUSPECT.isdisjoint(text):
        return fold_accents(text)
    if len(text) <= _SHORT:
        return _fold_confused(text)  # a word, a name, a label: the same ones come back
    return fold_accents(unconfuse(text)[0])


# A text this short is a word or a field, worth remembering (a detector folds each word of
# a name, a header, a value); a paragraph is not.
_SHORT = 64


@lru_cache(maxsize=16384)
def _fold_confused(text: str) -> str:
    return fold_accents(unconfuse(text)[0])


def fold_accents(text: str) -> str:
    """Lower case without accents, and nothing more: a Cyrillic ``е`` stays one (``fold`` reads
    a word of look-alikes as Latin; a letter of a policy's Russian term must not)."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    return _COMBINING.sub("", text).lower()


# Combining marks, which a font draws over the letter before them (``a\u0332`` is an
# underlined a): stripped from a word that reads as Latin, they leave its letters.
_MARK_RANGES = (
    *((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF)),
    (0xFE20, 0xFE2F),
)
_MARKS = "".join(f"\\u{first:04x}-\\u{last:04x}" for first, last in _MARK_RANGES)
_MARK = re.compile(f"[{_MARKS}]")
# The cheap gate, a set test at C speed: a text without a look-alike letter or a combining
# mark is left as it is. (A regex class of the look-alikes costs a microsecond a character:
# ``re`` tests the ~870 of them outside the Basic Multilingual Plane one by one.)
_MARK_CHARS = frozenset(
    chr(code) for first, last in _MARK_RANGES for code in range(first, last + 1)
)
_SUSPECT = CONFUSABLE_CHARS | _MARK_CHARS
# Latin letters, accented ones included: a word may mix them with look-alikes (``rеfugié``).
_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_ASTRAL = "\U00010000-\U0010ffff"


def _reads_latin(lookalikes: str) -> re.Pattern[str]:
    """A whole word of Latin letters, ``lookalikes`` and marks, with at least one look-alike
    or mark: the words a reader takes for Latin. A word with any other letter (``убежище``,
    ``Сергей``) is written in its own script and is left alone."""
    return re.compile(
        f"(?<![^\\W\\d_])[{_LATIN}]*[{lookalikes}{_MARKS}][{_LATIN}{lookalikes}{_MARKS}]*"
        "(?![^\\W\\d_])"
    )


# The words themselves, exactly.
_READS_LATIN = _reads_latin(re.escape("".join(sorted(CONFUSABLES))))
# A superset of them that ``re`` tests at C speed (one table for the Basic Multilingual Plane,
# one range beyond it): every word of ``_READS_LATIN`` lies inside one of its matches, and a
# match holding no character beyond the plane is one (the two classes agree there).
_MAY_READ_LATIN = _reads_latin(
    re.escape("".join(sorted(c for c in CONFUSABLES if c <= "\uffff"))) + _ASTRAL
)
_TO_LATIN = str.maketrans(CONFUSABLES)
_HAS_ASTRAL = re.compile(f"[{_ASTRAL}]")


# A batch's text is read by several detectors in turn (each claim term's first test, then its
# spans): the words are found once. A few texts, never written anywhere.
@lru_cache(maxsize=8)
def _words_reading_latin(text: str) -> tuple[tuple[int, int], ...]:
    """The spans of ``text``'s words that read as Latin (``_READS_LATIN``'s matches), found
    with the fast superset; in a text holding characters beyond the Basic Multilingual Plane
    (an emoji, a mathematical letter), a candidate holding one is tested again with the exact
    pattern, over the candidate alone."""
    if _HAS_ASTRAL.search(text) is None:
        return tuple(m.span() for m in _MAY_READ_LATIN.finditer(text))
    spans: list[tuple[int, int]] = []
    for candidate in _MAY_READ_LATIN.finditer(text):
        start, end = candidate.span()
        if _HAS_ASTRAL.search(text, start, end) is None:
            spans.append((start, end))
        else:
            # The exact words inside it: its lookbehind sees the text before ``start``, and
            # the character at ``end`` is no letter, as the end of the string is not.
            spans.extend(word.span() for word in _READS_LATIN.finditer(text, start, end))
    return tuple(spans)


def unconfuse(text: str) -> tuple[str, list[int] | None]:
    """``text`` with each word that reads as Latin written in Latin letters (UTS #39's
    look-alikes of ``confusables``, case kept: ``CΑT`` with a Greek Alpha -> ``CAT``) and
    without its combining marks (``a\u0301sylum`` -> ``asylum``); and, when marks were
    removed, where each character of the result (and its end) stands in ``text``, else None
    (the positions are the same). Only those words are converted, one by one: a text
    without a look-alike or a mark costs one set test."""
    if text.isascii() or _SUSPECT.isdisjoint(text):
        return text, None
    spans = _words_reading_latin(text)
    if not spans:
        return text, None
    pieces: list[str] = []
    where: list[int] | None = None
    last = 0
    for start, end in spans:
        pieces.append(text[last:start])
        latin = text[start:end].translate(_TO_LATIN)
        if not _MARK_CHARS.isdisjoint(latin):
            if where is None:
                where = list(range(start))
            else:
                where.extend(range(last, start))
            kept = [i for i, ch in enumerate(latin, start) if ch not in _MARK_CHARS]
            where.extend(kept)
            latin = _MARK.sub("", latin)
        elif where is not None:
            where.extend(range(last, end))
        pieces.append(latin)
        last = end
    pieces.append(text[last:])
    if where is not None:
        where.extend(range(last, len(text) + 1))
    return "".join(pieces), where


@lru_cache(maxsize=4096)
def norm_header(text: str) -> str:
    """A header or label as loose words: ``Alien No.`` -> ``alien no``, ``A#`` -> ``a #``,
    ``dateOfBirth`` -> ``date of birth``, ``D.O.B.`` -> ``dob``."""
    text = _CAMEL.sub(" ", text)
    text = fold(text).replace("#", " # ")
    text = _DROP.sub("", text)
    text = _PUNCT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


# Words of a redaction mark, folded; qualifiers may stand beside them (``[NAME REDACTED per
# FOIA]``) but do not make a mark on their own. The weak words are also outcomes of a case
# ("Removed", "Withheld"): alone they are values, in brackets or with a qualifier marks.
_REDACTION_WORDS = word_set("redacted redaction redactado redactada censored expunged")
_WEAK_REDACTION_WORDS = word_set(
    "removed withheld deleted suppressed omitted sanitized sanitised tachado eliminado suprimido"
)
_QUALIFIERS = word_set(
    """
    name names pii per foia exemption exemptions exempt privacy by under and data info
    information value text content personal
    """
)
# One token of a mark: an exemption (``(b)(7)(C)``, ``b(6)``), a word, a run of mask characters,
# or any other character (a bracket, a separator; anything else means real content).
_MARK_TOKEN = re.compile(
    r"\(\s*b\s*\)\s*\((?:\s*7\s*\)\s*\(\s*[a-f]|\s*[1-9])\s*\)"
    r"|b\s*\((?:\s*7\s*\)\s*\(\s*[a-f]|\s*[1-9])\s*\)"
    r"|[^\W_]+|\*+|#+|_+|[█▇■▓▒░]+|\S",
    re.IGNORECASE,
)
_MASK_WORD = re.compile(r"x{2,}|b[1-9]|b7[a-f]")  # XXXXX; b6, b7c (folded)
# What a mark starts with (a mark word, a mask, an exemption, a qualifier): most values are
# ruled out by their first characters, without a regex.
_MARK_FIRST = frozenset("[({<*#_█▇■▓▒░")
_MARK_PREFIXES = (
    *("redact", "remov", "withh", "delet", "censor", "suppress", "omit", "expung", "saniti"),
    *("tachad", "elimin", "suprim", "xx", "b(", "b (", *(f"b{d}" for d in range(1, 10))),
    *("name ", "names ", "pii ", "foia ", "personal ", "privacy ", "exempt", "data ", "info"),
    *("value ", "text ", "content "),
)
_BLOCKS = "█▇■▓▒░"
_MARK_SEPARATORS = frozenset("[](){}<>,;:/&+.|-–—*")


def is_redaction(value: str) -> bool:
    """Whether a value is only a redaction mark: ``[REDACTED]``, ``XXXXX``, ``***``,
    ``[removed]``, ``(b)(6)``, ``(b)(6), (b)(7)(C)``, ``REDACTED - (b)(6)``. A value with
    anything else in it (``Maria XXXXX``) is not: what is left may still identify."""
    value = value.strip()
    if value in REDACTION_MARKS:
        return True
    if not value or len(value) > 100:
        return False
    if value[0] not in _MARK_FIRST and not value[:12].lower().startswith(_MARK_PREFIXES):
        return False
    marks = weak = context = 0
    for token in _MARK_TOKEN.findall(value):
        first = token[0]
        if first.isalnum():  # a word, or an exemption written b(6)
            word = fold(token)
            if "(" in token or word in _REDACTION_WORDS or _MASK_WORD.fullmatch(word):
                marks += 1
            elif word in _WEAK_REDACTION_WORDS:
                weak += 1
            elif word in _QUALIFIERS:
                context += 1
            else:
                return False
        elif len(token) > 1 or first in _BLOCKS:
            marks += 1  # (b)(6); ***, ###, ___; blocks
        elif first in _MARK_SEPARATORS:
            context += first in "[]{}<>"
        else:
            return False
    return marks > 0 or (weak > 0 and context > 0)


def is_null(value: str) -> bool:
    """Whether a cell says nothing: empty, a null marker, or a redaction mark."""
    value = value.strip()
    return value in NULLS or is_redaction(value)


def may_hold_redactions(joined: str) -> bool:
    """Whether a column's values (``joined`` by newlines) may hold a redaction mark that is not
    one of the raw ``NULLS``: single-character tests at memchr speed, so that a column of
    plain values keeps its one-call fast path. (Lower-case ``x`` is in too many words to test
    for here: runs of it are in ``NULLS`` up to 20 long.)"""
    return (
        "[" in joined
        or "(" in joined
        or "*" in joined
        or "#" in joined
        or "<" in joined
        or "{" in joined
        or "█" in joined
        or "▇" in joined
        or "■" in joined
        or "▓" in joined
        or "▒" in joined
        or "░" in joined
        or ("X" in joined and ("XXX" in joined or "Xxx" in joined))
    )


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
