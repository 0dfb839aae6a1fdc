"""A date of birth: a date in any common format with a plausible birth year.

Under a header or label (``DOB``, ``Fecha de nacimiento``, ``born``) a date from 1900 to this
year is a birthdate, including a spreadsheet serial number and ``YYYYMMDD``. Without one, a date
is a birthdate only in a table column whose values all look like birthdates of people at least
a few years old (a calendar of this year's hearings is not a list of birthdays). Prose dates
without a label are never birthdates. Canonical form: ISO ``YYYY-MM-DD``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

from approval.detect.detectors.base import Element
from approval.detect.textnorm import fold, is_null, redact_digits

MONTHS = {
    **dict.fromkeys(("january", "jan", "enero", "ene"), 1),
    **dict.fromkeys(("february", "feb", "febrero"), 2),
    **dict.fromkeys(("march", "mar", "marzo"), 3),
    **dict.fromkeys(("april", "apr", "abril", "abr"), 4),
    **dict.fromkeys(("may", "mayo"), 5),
    **dict.fromkeys(("june", "jun", "junio"), 6),
    **dict.fromkeys(("july", "jul", "julio"), 7),
    **dict.fromkeys(("august", "aug", "agosto", "ago"), 8),
    **dict.fromkeys(("september", "sep", "sept", "septiembre", "setiembre", "set"), 9),
    **dict.fromkeys(("october", "oct", "octubre"), 10),
    **dict.fromkeys(("november", "nov", "noviembre"), 11),
    **dict.fromkeys(("december", "dec", "diciembre", "dic"), 12),
}

_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME)
_NUMERIC = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})" + _TIME)
_DAY_MONTH = re.compile(
    r"(\d{1,2})(?:st|nd|rd|th)?(?:[-\s./]+|\s+de\s+)([^\W\d_]{3,10})\.?(?:[-\s.,/]+|\s+de\s+)(\d{4}|\d{2})",
)
_MONTH_DAY = re.compile(r"([^\W\d_]{3,10})\.?[-\s]+(\d{1,2})(?:st|nd|rd|th)?,?[-\s]+(\d{4})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SERIAL = re.compile(r"(\d{4,5})(?:\.0+)?")
# A column of numeric dates, checked in one go; other formats fall back to one by one.
_NUMERIC_ANY = r"\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}" + _TIME
_COLUMN = re.compile(f"(?:{_NUMERIC_ANY}\n)*{_NUMERIC_ANY}")
_EXCEL_EPOCH = date(1899, 12, 30)

# Without a label, a birthdate belongs to someone at least this old.
_UNLABELLED_MIN_AGE = 5


def parse_date(text: str, *, labelled: bool = True) -> date | None:
    """A date in any format we know, or None. Numeric day/month order: US (month first)
    unless the first number cannot be a month."""
    text = text.strip()
    if not 4 <= len(text) <= 40:
        return None
    if text[0].isdigit():
        if m := _ISO.fullmatch(text):
            return _make(int(m[1]), int(m[2]), int(m[3]))
        if m := _NUMERIC.fullmatch(text):
            first, second, year = int(m[1]), int(m[2]), _year(m[3])
            if first > 12:
                return _make(year, second, first)
            return _make(year, first, second) or _make(year, second, first)
        if m := _DAY_MONTH.fullmatch(text):
            month = MONTHS.get(fold(m[2]))
            return _make(_year(m[3]), month, int(m[1])) if month else None
        if labelled and (m := _COMPACT.fullmatch(text)):
            return _make(int(m[1]), int(m[2]), int(m[3]))
        if labelled and (m := _SERIAL.fullmatch(text)):
            serial = int(m[1])
            return _EXCEL_EPOCH + timedelta(days=serial) if 366 < serial < 80_000 else None
        return None
    if m := _MONTH_DAY.fullmatch(text):
        month = MONTHS.get(fold(m[1]))
        return _make(int(m[3]), month, int(m[2])) if month else None
    return None


def _year(text: str) -> int:
    if len(text) == 4:
        return int(text)
    # A two-digit birth year is in the past: 85 is 1985, 07 is 2007.
    year = 2000 + int(text)
    return year if year <= date.today().year else year - 100


def _make(year: int, month: int | None, day: int) -> date | None:
    if month is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def plausible(day: date, *, labelled: bool = True) -> bool:
    today = date.today()
    latest = today.year if labelled else today.year - _UNLABELLED_MIN_AGE
    return 1900 <= day.year <= latest and day <= today


class Birthdate(Element):
    id = "birthdate"

    def column(self, values: Sequence[str], joined: str) -> list[bool] | None:
        if _COLUMN.fullmatch(joined):
            return None
        return [self.canonical(v) is not None for v in values]

    def canonical(self, value: str) -> str | None:
        if is_null(value):
            return None
        day = parse_date(value)
        return day.isoformat() if day is not None and plausible(day) else None

    def looks_like(self, value: str) -> bool:
        day = parse_date(value, labelled=False)
        return day is not None and plausible(day, labelled=False)

    def redact(self, canonical: str) -> str:
        return redact_digits(canonical)
