"""A passport number, under a header or a label only (``Passport No.``, ``Pasaporte``).

Countries number passports differently (``G31234567``, ``123456789``, ``AB1234567``,
``P1234567A``), and no shape among them is a passport's alone: without a label such a value is
a part, an order or a serial number as often. A value counts when it is one token of six to
twelve letters and digits, most of them digits, and no date or amount.
"""

from __future__ import annotations

import re

from approval.detect.detectors.base import Element, grouped_token
from approval.detect.textnorm import redact_middle

_TOKEN = re.compile(r"[A-Za-z0-9]{6,12}")
_GROUPED = re.compile(r"[A-Za-z0-9]{1,6}(?:[- ][A-Za-z0-9]{1,7}){1,2}")
_DATE = re.compile(r"\d{1,4}([-/. ])\d{1,2}\1\d{1,4}")


class Passport(Element):
    id = "passport-number"

    def canonical(self, value: str) -> str | None:
        if _DATE.fullmatch(value.strip()):
            return None
        token = grouped_token(value, 16, _GROUPED, _TOKEN)
        if token is None:
            return None
        digits = sum(c.isdigit() for c in token)
        if digits < 5 or len(token) - digits > 3:
            return None
        return token.upper()

    def redact(self, canonical: str) -> str:
        return redact_middle(canonical)
