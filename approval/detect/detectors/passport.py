"""A passport number, under a header or a label only (``Passport No.``, ``Pasaporte``).

Countries number passports differently (``G31234567``, ``123456789``, ``AB1234567``,
``P1234567A``), and no shape among them is a passport's alone: without a label such a value is
a part, an order or a serial number as often. A value counts when it is one token of six to
twelve letters and digits, most of them digits, and no date or amount.
"""

from __future__ import annotations

import re

from approval.detect.detectors.base import Element
from approval.detect.textnorm import is_null, redact_middle

_TOKEN = re.compile(r"[A-Za-z0-9]{6,12}")
_GROUPED = re.compile(r"[A-Za-z0-9]{1,6}(?:[- ][A-Za-z0-9]{1,7}){1,2}")
_DATE = re.compile(r"\d{1,4}([-/. ])\d{1,2}\1\d{1,4}")


class Passport(Element):
    id = "passport-number"

    def canonical(self, value: str) -> str | None:
        value = value.strip()
        if is_null(value) or len(value) > 16 or _DATE.fullmatch(value):
            return None
        if _GROUPED.fullmatch(value):
            value = value.replace("-", "").replace(" ", "")
        if not _TOKEN.fullmatch(value):
            return None
        digits = sum(c.isdigit() for c in value)
        letters = len(value) - digits
        if digits < 5 or letters > 3:
            return None
        return value.upper()

    def redact(self, canonical: str) -> str:
        return redact_middle(canonical)
