"""A telephone number, under a header or a label only (``Phone``, ``Tel.``, ``Teléfono``).

Offices, hotlines and legal-aid providers publish their numbers beside the word "asylum" all
the time, so a number's shape says nothing of whose it is: only a column or a label says it is
the person's. A value counts when it has 7 to 15 digits (E.164's most) in the groups people
write (``+1 202 555 0100``, ``(202) 555-0100``, ``202.555.0100``, ``0044 20 7946 0000``),
an extension after it or not; a date, an amount or a count is not one, nor a number that
several rows of a table share (an office's).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

from approval.detect.detectors.a_number import DASHES
from approval.detect.detectors.base import Element
from approval.detect.textnorm import is_null

_PHONE = re.compile(
    rf"(?:\+|00)?\d{{0,3}}[{DASHES} .]?(?:\(\d{{1,5}}\)|\d{{1,5}})"
    rf"(?:[{DASHES} .]?\d{{2,5}}){{1,4}}"
    r"(?:\s*(?:x|ext\.?|extension|#)\s*\d{1,6})?",
    re.IGNORECASE,
)
_DATE_OR_AMOUNT = re.compile(
    r"\d{1,4}([./-])\d{1,2}\1\d{1,4}|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d{1,2}"
)
_EXTENSION = re.compile(r"(?i)\s*(?:x|ext\.?|extension|#)\s*\d{1,6}$")
# A contact that this many rows of one batch share is an office's (a statistics table's
# "Contact" column, a hotline), not a person's: a household shares one, not a table.
SHARED = 3


def own(values: Sequence[str], canonical: Callable[[str], str | None]) -> list[bool]:
    """Which values of a column are a person's own contact: of the shape, and not shared by
    ``SHARED`` rows of the batch or more."""
    found = [canonical(v) for v in values]
    counts = Counter(c for c in found if c is not None)
    return [c is not None and counts[c] < SHARED for c in found]


class Phone(Element):
    id = "phone"

    def canonical(self, value: str) -> str | None:
        value = value.strip()
        if is_null(value) or len(value) > 32 or not _PHONE.fullmatch(value):
            return None
        if _DATE_OR_AMOUNT.fullmatch(value):
            return None
        number = _EXTENSION.sub("", value)
        digits = "".join(c for c in number if c.isdigit())
        if not 7 <= len(digits) <= 15:
            return None
        return ("+" if number.startswith("+") else "") + digits

    def column(self, values: Sequence[str], joined: str) -> list[bool] | None:
        return own(values, self.canonical)

    def redact(self, canonical: str) -> str:
        return "*" * (len(canonical) - 2) + canonical[-2:]
