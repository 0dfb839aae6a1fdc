"""The Alien Registration Number: ``A`` and 8 or 9 digits, in every common spelling.

Spelled with its ``A`` (``A212345678``, ``A-212-345-678``, ``A# 212 345 678``,
``A 212345678``) it is recognised anywhere. A bare 8-9 digit number is one only under a header
or a label that says so (``canonical``): otherwise invoice, phone and case numbers would be
A-numbers. Canonical form: ``A`` and 9 digits, so that ``A12345678`` and ``A012345678`` are the
same person.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from approval.detect.detectors.base import Element, Found
from approval.detect.textnorm import is_null, redact_middle

# Digits in groups as people write them: 8-9 together, or 2-3 + 3 + 3 with one separator.
_DIGITS = r"(\d{2,3}(?:[- .]\d{3}){2}|\d{8,9})"
# Not inside a word or a longer number (``A12345678.5``); the A is upper case in prose (a
# lower-case "a" is an article far too often). A comma and digits after it are the next field
# of a comma-separated line (``A212345678,11/04/2024``), not more of the number.
SPELLED = re.compile(r"(?<![\w-])A(?:[-#.:]\s?|\s|#-|\s#\s?)?" + _DIGITS + r"(?![\w-]|\.\d)")
_LABELLED = re.compile(r"[Aa]?(?:[-#.:]\s?|\s|#-|\s#\s?)?" + _DIGITS)
# A column of clean values ("A212345678" or, under a header, "212345678"), checked in one go.
_COLUMN = re.compile(r"(?:[Aa]?\d{8,9}\n)*[Aa]?\d{8,9}")
# The same for ASCII digits, possessive (nothing to backtrack into): ten times faster, and it
# matches only what ``_COLUMN`` matches, so it is tried first and ``_COLUMN`` decides the rest.
COLUMN_ASCII = re.compile(r"(?:[Aa]?+[0-9]{8,9}+\n)*+[Aa]?+[0-9]{8,9}+")


def canonical_digits(digits: str) -> str:
    return "A" + digits.replace("-", "").replace(" ", "").replace(".", "").zfill(9)


def person_key(canonical: str) -> int:
    """The number itself: small, exact, and the same for every spelling."""
    return int(canonical[1:])


class ANumber(Element):
    id = "a-number"
    prefilter = re.compile(r"A[-#.: ]{0,3}\d{2}")
    gate = "A"

    def column(self, values: Sequence[str], joined: str) -> list[bool] | None:
        if COLUMN_ASCII.fullmatch(joined) or (not joined.isascii() and _COLUMN.fullmatch(joined)):
            return None
        return [self.canonical(v) is not None for v in values]

    def canonical(self, value: str) -> str | None:
        value = value.strip()
        if len(value) > 20 or is_null(value):
            return None
        if value.endswith(".0"):  # a number that went through a spreadsheet as a float
            value = value[:-2]
        match = _LABELLED.fullmatch(value)
        return canonical_digits(match.group(1)) if match else None

    def looks_like(self, value: str) -> bool:
        return SPELLED.fullmatch(value.strip()) is not None

    def find(self, text: str) -> list[Found]:
        if "A" not in text:
            return []
        return [
            Found(canonical_digits(m.group(1)), m.start(), m.end()) for m in SPELLED.finditer(text)
        ]

    def redact(self, canonical: str) -> str:
        return redact_middle(canonical)
