"""A USCIS receipt number: three letters naming the office that took the filing, and ten
digits (``ZLA2412345678``, ``EAC-24-123-45678``).

Under a header or a label (``Receipt #``, ``Receipt Number``) any three letters count. Without
one, only the prefixes of the offices that file persons' benefits and claims do: the service
centers (``EAC``, ``WAC``, ``LIN``, ``SRC``), the National Benefits Center (``NBC``,
``MSC``), the Potomac and Texas centers (``YSC``, ``IOE``, the electronic filing's), and the
asylum offices (``Z`` and two letters: ``ZLA``, ``ZAR``, ``ZNY``...). Ten digits after one of
them point to one filing, hence one person, on their own.
"""

from __future__ import annotations

import re

from approval.detect.detectors.a_number import DASHES
from approval.detect.detectors.base import Element, Found
from approval.detect.textnorm import is_null, redact_middle

CENTERS = ("EAC", "WAC", "LIN", "SRC", "NBC", "MSC", "YSC", "IOE", "TSC", "CSC", "NSC", "VSC")
_SEP = f"[{DASHES} ]"
# Ten digits together or as the printed notice groups them (2-3-5: fiscal year, day, serial).
_DIGITS = rf"\d{{10}}|\d{{2}}{_SEP}?\d{{3}}{_SEP}?\d{{5}}"
_KNOWN = rf"(?:{'|'.join(CENTERS)}|Z[A-Z]{{2}})"
_FIRST_LETTERS = "".join(sorted({center[0] for center in CENTERS} | {"Z"}))
_ZEROS = str.maketrans("123456789", "000000000")
_IN_TEXT = re.compile(rf"(?<![\w{DASHES}])({_KNOWN}){_SEP}?({_DIGITS})(?![\w{DASHES}]|\.\d)")
_LABELLED = re.compile(rf"([A-Za-z]{{3}})[{DASHES} #:]{{0,2}}({_DIGITS})")


def _canonical(letters: str, digits: str) -> str:
    return letters.upper() + "".join(c for c in digits if c.isdigit())


class ReceiptNumber(Element):
    id = "receipt-number"
    prefilter = re.compile(rf"{_KNOWN}{_SEP}?\d{{2}}")

    def may_find(self, text: str) -> bool:
        """C-speed passes first: the first letters of the prefixes (a column of counts has
        none), then a run of five digits (the serial's; a column of words, years or counts has
        none); the regex only then."""
        return (
            any(c in text for c in _FIRST_LETTERS)
            # Five digits in a row (every number's serial has them), or digits of another script.
            and ("00000" in text.translate(_ZEROS) or not text.isascii())
            and self.prefilter.search(text) is not None
        )

    def canonical(self, value: str) -> str | None:
        value = value.strip()
        if is_null(value) or len(value) > 24:
            return None
        m = _LABELLED.fullmatch(value)
        return _canonical(*m.groups()) if m is not None else None

    def looks_like(self, value: str) -> bool:
        value = value.strip()
        m = _IN_TEXT.fullmatch(value)
        return m is not None

    def find(self, text: str) -> list[Found]:
        return [Found(_canonical(*m.groups()), m.start(), m.end()) for m in _IN_TEXT.finditer(text)]

    def redact(self, canonical: str) -> str:
        return redact_middle(canonical, 3)
