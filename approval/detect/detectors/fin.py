"""A biometric or criminal-history record number, under a header or a label only: DHS's
Fingerprint Identification Number (``FIN``, ten digits) and the FBI's number (``FBI No.``,
``UCN``: up to nine letters and digits, ``123456AB1``). Each files one person's fingerprints.

Neither shape is the number's alone, so a value counts only where a header says what it is:
one token of seven to twelve letters and digits, six of them digits at least, and no date
(``Fin`` also heads a column of end dates in French and Spanish).
"""

from __future__ import annotations

import re

from approval.detect.detectors.base import Element, grouped_token
from approval.detect.textnorm import redact_middle

_TOKEN = re.compile(r"[A-Za-z0-9]{7,12}")
_GROUPED = re.compile(r"[A-Za-z0-9]{2,6}(?:[- ][A-Za-z0-9]{2,6}){1,3}")
_DATE = re.compile(r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")


class FingerprintNumber(Element):
    id = "fin"

    def canonical(self, value: str) -> str | None:
        token = grouped_token(value, 20, _GROUPED, _TOKEN)
        if token is None or _DATE.fullmatch(token) or sum(c.isdigit() for c in token) < 6:
            return None
        return token.upper()

    def redact(self, canonical: str) -> str:
        return redact_middle(canonical)
