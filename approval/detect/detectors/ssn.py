"""The US Social Security Number: 3-2-4 digits.

Under a header or a label (``SSN``, ``Social Security No.``) the digits may be together or
grouped by any separator; without one, only ``NNN-NN-NNNN`` counts: a bare run of nine digits
is an A-number, an order or an amount as often. Either way only numbers the Social Security
Administration issues (the area is not 000, 666 or 900-999; the group not 00; the serial not
0000) count, and no example of the format (``123-45-6789``, ``078-05-1120``), so that
placeholders in forms and guides and the 9xx range of ITINs stay out.
"""

from __future__ import annotations

import re
from itertools import pairwise

from approval.detect.detectors.a_number import DASHES
from approval.detect.detectors.base import Element, Found
from approval.detect.textnorm import is_null

_SEP = f"[{DASHES} .]"
_LABELLED = re.compile(rf"(\d{{3}})(?:{_SEP}?)(\d{{2}})(?:{_SEP}?)(\d{{4}})")
_IN_TEXT = re.compile(rf"(?<![\w{DASHES}.])(\d{{3}})-(\d{{2}})-(\d{{4}})(?![\w{DASHES}]|\.\d)")


# Numbers printed as examples: the SSA's own list of numbers never to use (the Woolworth
# wallet card's, an advertisement's), and the ones people type for a format.
_EXAMPLES = frozenset({"078051120", "219099999", "457555462"})
_RUN = 6  # digits counting up or down in a row: ``123-45-6789``, ``212-34-5678``


def issued(area: str, group: str, serial: str) -> bool:
    """Whether the parts are of a number the SSA issues, and no example of the format."""
    if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
        return False
    return not example(area + group + serial)


def example(digits: str) -> bool:
    """Whether nine digits are an example's: a listed one, one digit nine times, or a run of
    ``_RUN`` digits counting up or down (a real number holds one by chance once in 20,000)."""
    if digits in _EXAMPLES or len(set(digits)) == 1:
        return True
    up = down = 1
    for a, b in pairwise(digits):
        step = int(b) - int(a)
        up = up + 1 if step == 1 else 1
        down = down + 1 if step == -1 else 1
        if up >= _RUN or down >= _RUN:
            return True
    return False


def _canonical(m: re.Match[str]) -> str | None:
    area, group, serial = m.groups()
    return f"{area}-{group}-{serial}" if issued(area, group, serial) else None


class SSN(Element):
    id = "ssn"
    gate = "-"
    # The middle of the number first: a pattern that starts with a literal is searched at
    # memchr speed; ``find`` checks the rest.
    prefilter = re.compile(r"-\d\d-\d{4}")

    def canonical(self, value: str) -> str | None:
        value = value.strip()
        if is_null(value) or len(value) > 15:
            return None
        m = _LABELLED.fullmatch(value)
        return _canonical(m) if m is not None else None

    def looks_like(self, value: str) -> bool:
        found = self.find(value.strip())
        return len(found) == 1 and found[0].end - found[0].start == len(value.strip())

    def find(self, text: str) -> list[Found]:
        found = []
        for m in _IN_TEXT.finditer(text):
            canonical = _canonical(m)
            if canonical is not None:
                found.append(Found(canonical, m.start(), m.end()))
        return found

    def redact(self, canonical: str) -> str:
        return "***-**-" + canonical[-2:].rjust(4, "*")
