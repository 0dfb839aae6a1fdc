"""Personal data in short strings that are not file content but travel with it: a file's name,
a sheet, part or column name, the reason a member could not be read, the purpose a publisher
types. These are shown in reports and go into the ledger, which must never hold protected data
(DESIGN.md invariant 7), so they pass through here first.

What identifies a person on its own, in a few words, is what the scanner's detectors call one:

- an A-number, spelled with its ``A`` (``A212345678``, ``A-212-345-678``);
- a bare 8-9 digit number (``212345678``, ``212-345-678``): in a file name or a purpose there is
  no header to say what it is, and an A-file is named by its number. A date written without
  separators (``20221128``, ``11282022``) is a date;
- a person's name: ``LAST, First`` in capitals (``PersonName.find``), or two to four
  capitalised words that are not a place, an office, a common word or a term of the policy
  (``claimants`` finds the runs, ``PersonName.looks_like`` decides), so that ``Maria Garcia`` is
  a name and ``Weekly Statistics`` or ``Public Affairs`` is not.

File names join words with ``_ - . /``; they are read as spaces, character for character, so
that what is found maps back onto the original string.

Free text is refused when it holds one of these (``approval.workflow.text.free_text``); a string
that comes from a file is redacted instead (``safe_text``), because the publisher cannot always
choose it: the identifying words become ``[redacted]`` and the rest (``sheet``, ``.csv``,
``asylum/``) stays, so that people can still find the place.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from approval.detect.detectors.a_number import SPELLED
from approval.detect.detectors.person_name import PersonName
from approval.policy import Policy

REDACTED = "[redacted]"
# Kinds of identifying text, in words for a message that must not quote the text itself.
KINDS = {
    "a-number": "an A-number",
    "number": "an 8-9 digit number, which may be an A-number",
    "person-name": (
        "a person's name (LAST, First in capitals, or capitalised words that are not a place, "
        "an office or a term of the policy)"
    ),
}
# Location values that are names from the file (numbers and letters like "B" are positions),
# and the longest each may be (``$defs/scan_summary`` in the statement schema).
NAMED_LIMITS = {"sheet": 200, "part": 500, "header": 200, "key": 200, "column": 200}

# File and sheet names join words with these; detectors look for words.
_SEPARATORS = str.maketrans(dict.fromkeys("_-./\\", " "))
# Bare numbers: 8-9 digits together, or in three groups as A-numbers are written.
_BARE = re.compile(r"(?<!\d)(?:\d{8,9}|\d{2,3}[-.]\d{3}[-.]\d{3})(?!\d)")
_DATE = re.compile(
    r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"  # YYYYMMDD
    r"|(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:19|20)\d\d"  # MMDDYYYY
)
# Words next to an identifier that belong to the same name: ``A212345678_Garcia_Maria``.
_NEXT_WORD = re.compile(r"[ _-]+(?=[^\W_])([^\W_]+)")
_PREVIOUS_WORD = re.compile(r"([^\W_]+)[ _-]+$")
# Characters that would fake a line or hide text on a screen.
_INVISIBLE = ("Cc", "Cf", "Zl", "Zp", "Cs")
_ENGINES: dict[tuple[str, int], object] = {}


@dataclass(frozen=True)
class Span:
    """Identifying text at ``text[start:end]``; ``kind`` is a key of ``KINDS``."""

    start: int
    end: int
    kind: str


def identifying(text: str, policy: Policy) -> list[Span]:
    """Where ``text`` identifies a person (see the module doc), in order."""
    spaced = text.translate(_SEPARATORS)
    spans: list[Span] = []
    for candidate in dict.fromkeys((text, spaced)):
        spans += [Span(*m.span(), "a-number") for m in SPELLED.finditer(candidate)]
    for m in _BARE.finditer(text):
        # The digits of a spelled A-number are that A-number, not a second finding.
        inside = any(s.start <= m.start() and m.end() <= s.end for s in spans)
        if not inside and not _DATE.fullmatch(m.group()):
            spans.append(Span(*m.span(), "number"))
    names = _names(policy)
    if names is not None:
        from approval.detect.claimants import name_candidates

        for candidate in dict.fromkeys((text, spaced)):
            spans += [Span(f.start, f.end, "person-name") for f in names.find(candidate)]
        for found in name_candidates(spaced, names.stop):
            if names.looks_like(found.value):
                spans.append(Span(found.start, found.end, "person-name"))
    return sorted(set(spans), key=lambda s: (s.start, s.end, s.kind))


def personal_data_in(text: str, policy: Policy) -> tuple[str, ...]:
    """The kinds of identifying text in ``text`` (``a-number``, ``number``, ``person-name``)."""
    return tuple(dict.fromkeys(span.kind for span in identifying(text, policy)))


def printable(text: str) -> str:
    """``text`` with what cannot be signed or shown replaced by U+FFFD: bytes of a file name
    that are not UTF-8 (Python keeps them as lone surrogates), control and format characters."""
    if text.isprintable() and text.isascii():
        return text
    return "".join("\ufffd" if unicodedata.category(c) in _INVISIBLE else c for c in text)


def safe_text(text: str, policy: Policy, limit: int | None = None) -> str:
    """A string from a file (a name, a location, a reason that names a member) that can be
    shown and signed: identifying words redacted, printable, at most ``limit`` characters."""
    text = printable(text)
    spans = identifying(text, policy)
    if spans:
        out = []
        at = 0
        for start, end in _merge(_widen(text, s.start, s.end) for s in spans):
            out += [text[at:start], REDACTED]
            at = end
        out.append(text[at:])
        text = "".join(out)
    if limit is not None and len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def safe_location(location: Mapping[str, Any], policy: Policy) -> dict[str, Any]:
    """A finding's location whose names from the file (sheet, part, header, key, column) are
    safe to show; positions (column letters, rows, lines) as they are."""
    out = dict(location)
    for key, limit in NAMED_LIMITS.items():
        value = out.get(key)
        if isinstance(value, str):
            out[key] = safe_text(value, policy, limit)
    return out


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """The span grown to whole words, then over the capitalised words and numbers joined to it
    by spaces, ``_`` or ``-``: the rest of the same name (``A212345678 Garcia``), but not the
    lower-case words of a sentence around it (``sheet``, ``of``) nor past ``( , . /``."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    while (m := _NEXT_WORD.match(text, end)) and _name_like(m.group(1)):
        end = m.end()
    while (m := _PREVIOUS_WORD.search(text, 0, start)) and _name_like(m.group(1)):
        start = m.start()
    return start, end


def _name_like(word: str) -> bool:
    return word[0].isupper() or word[0].isdigit()


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _names(policy: Policy, fallback: bool = True) -> PersonName | None:
    """The policy's person-name detector; the default policy's when it has none (a name is
    personal data whatever the policy calls it)."""
    from approval.detect.classify import Engine

    key = (policy.id, policy.version)
    engine = _ENGINES.get(key)
    if not isinstance(engine, Engine) or engine.policy is not policy:
        engine = Engine(policy)
        _ENGINES[key] = engine
    names = engine.detectors.get("person-name")
    if isinstance(names, PersonName):
        return names
    if not fallback:
        return None
    from approval.policy import default_policy

    return _names(default_policy(), fallback=False)
