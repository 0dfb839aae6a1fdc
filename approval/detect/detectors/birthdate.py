"""A date of birth: a date in any common format with a plausible birth year.

Under a header or label (``DOB``, ``Fecha de nacimiento``, ``born``) a date from 1900 to this
year is a birthdate, including a spreadsheet serial number and ``YYYYMMDD``. Without one, a date
is a birthdate only in a table column whose values all look like birthdates of people at least
a few years old (a calendar of this year's hearings is not a list of birthdays). Prose dates
without a label are never birthdates; with one (the policy's headers, or a birth verb:
``born``, ``nacida el``, ``nascido em``, ``née le``) they are, in figures or written out in
words (``born on the third of March 1990``, ``date of birth is March third, nineteen
ninety``). Canonical form: ISO ``YYYY-MM-DD``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

from approval.detect.detectors.base import Element, Found
from approval.detect.detectors.terms import accent_blind, by_first_letter
from approval.detect.textnorm import fold, is_null, norm_header, redact_digits
from approval.policy import Detector, Policy

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
# Month names of Portuguese and French records, for dates in prose only: in a table cell,
# "mars" or "mai" alone are words of other languages too often.
_PROSE_MONTHS = {
    **MONTHS,
    **dict.fromkeys(("janeiro", "janvier", "janv"), 1),
    **dict.fromkeys(("fevereiro", "fevrier", "fev"), 2),
    **dict.fromkeys(("marco", "mars"), 3),
    **dict.fromkeys(("avril", "avr"), 4),
    **dict.fromkeys(("maio", "mai"), 5),
    **dict.fromkeys(("junho", "juin"), 6),
    **dict.fromkeys(("julho", "juillet", "juil"), 7),
    **dict.fromkeys(("aout",), 8),
    **dict.fromkeys(("setembro", "septembre"), 9),
    **dict.fromkeys(("outubro", "octobre"), 10),
    **dict.fromkeys(("novembro", "novembre"), 11),
    **dict.fromkeys(("dezembro", "decembre"), 12),
}

# Numbers written out, as a birthdate in words needs them.
_UNITS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70}
_TENS |= {"eighty": 80, "ninety": 90}
_ORDINAL_UNITS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
]
_NUMBER = {w: n for n, w in enumerate(_UNITS, 1)} | _TENS | {"oh": 0, "zero": 0}
_ORDINAL = {w: n for n, w in enumerate(_ORDINAL_UNITS, 1)} | {"twentieth": 20, "thirtieth": 30}
_WORD_ALT = "|".join(sorted({*_NUMBER, *_ORDINAL, "hundred", "thousand"}, key=len, reverse=True))
# A day: 3, 3rd, third, twenty-third, the third; a year: 1990, nineteen ninety, nineteen
# eighty-five, two thousand and one, two thousand five.
_NUM_WORDS = rf"(?:(?:{_WORD_ALT})(?:(?:\s+and)?[\s-]+(?:{_WORD_ALT}))*)"
_DAY_TEXT = rf"(?:the\s+)?(?:\d{{1,2}}(?:st|nd|rd|th|er|º|°)?|{_NUM_WORDS})"
_YEAR_TEXT = rf"(?:\d{{4}}|{_NUM_WORDS})"
_MONTH_TEXT = r"[^\W\d_]{3,9}\.?"
_DAY_FIRST = re.compile(
    rf"({_DAY_TEXT})\s+(?:of\s+|de\s+)?({_MONTH_TEXT}),?\s+(?:of\s+|de\s+|in\s+)?({_YEAR_TEXT})",
    re.IGNORECASE,
)
_MONTH_FIRST = re.compile(
    rf"({_MONTH_TEXT})\s+({_DAY_TEXT}),?\s+(?:of\s+|in\s+)?({_YEAR_TEXT})", re.IGNORECASE
)
_NUMERIC_TEXT = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}")
# Words that say a date is someone's birth, beside the policy's headers (``DOB``, ``born``):
# the birth verbs of the records' languages.
_BIRTH_VERBS = (
    "born",
    "b.",
    "nacido",
    "nacida",
    "nació",
    "nascido",
    "nascida",
    "nasceu",
    "né",
    "née",
    "date de naissance",
    "data de nascimento",
    "lugar y fecha de nacimiento",
)
# Between the label and the date: ``born on``, ``date of birth is``, ``nacida el``, ``née le``.
_FILLER = r"(?:\s*[:=#-]\s*|\s+)(?:(?:on|in|is|was|el|en|em|le|a|de|:)\s+){0,2}"


def _label(label: str) -> str:
    """A birth label as a regex: accents, case and the dots of short words (``D.O.B.``) are
    free; a one-letter label keeps its dot (``b. 1990``)."""
    if label == "b.":
        return r"b\."
    parts = []
    for word in norm_header(label).split():
        if len(word) <= 4 and word.isalpha():
            parts.append(r"\.?".join(map(accent_blind, word)) + r"\.?")
        else:
            parts.append(accent_blind(word))
    return r"[\s._-]*".join(parts)


def words_number(text: str) -> int | None:
    """``twenty-third`` -> 23, ``nineteen ninety`` -> 1990, ``two thousand and five`` -> 2005,
    ``3rd`` -> 3, ``1990`` -> 1990; None when the words are no number we write dates with."""
    text = fold(text.strip())
    if text.startswith("the "):
        text = text[4:]
    digits = re.match(r"(\d+)", text)
    if digits:
        return int(digits.group(1))
    words = [w for w in re.split(r"[\s-]+", text) if w and w != "and"]
    if not words:
        return None
    if "thousand" in words:  # two thousand (and) five
        at = words.index("thousand")
        head = _small(words[:at])
        rest = _small(words[at + 1 :]) if words[at + 1 :] else 0
        return None if head is None or rest is None else head * 1000 + rest
    if "hundred" in words:  # nineteen hundred (and) ninety
        at = words.index("hundred")
        head = _small(words[:at])
        rest = _small(words[at + 1 :]) if words[at + 1 :] else 0
        return None if head is None or rest is None else head * 100 + rest
    if len(words) >= 2 and words[0] in _NUMBER and 10 <= _NUMBER[words[0]] <= 20:
        # nineteen ninety, nineteen eighty-five, nineteen oh five, twenty ten
        rest = _small(words[2:]) if words[1] == "oh" else _small(words[1:])
        if rest is not None and (words[1] == "oh" or rest >= 10):
            return _NUMBER[words[0]] * 100 + rest
    return _small(words)


def _small(words: list[str]) -> int | None:
    """A number below 100 (cardinal or ordinal) from its words."""
    total = 0
    for k, word in enumerate(words):
        value = _NUMBER.get(word, _ORDINAL.get(word))
        if value is None or (k and (total % 10 or total < 20 or value >= 10)):
            return None
        total += value
    return total if words else None


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


def prose_date(text: str) -> date | None:
    """A date as prose writes it after a birth label: in figures, or in words."""
    text = text.strip().rstrip(".,;")
    day = parse_date(text)
    if day is not None:
        return day
    for pattern, day_at, month_at in ((_DAY_FIRST, 1, 2), (_MONTH_FIRST, 2, 1)):
        m = pattern.fullmatch(text)
        if m is None:
            continue
        month = _PROSE_MONTHS.get(fold(m[month_at]).rstrip("."))
        number, year = words_number(m[day_at]), words_number(m[3])
        if month and number and year and 1 <= number <= 31 and year >= 1000:
            return _make(year, month, number)
    return None


class Birthdate(Element):
    id = "birthdate"
    gate = None

    def __init__(self, vocab: Detector, policy: Policy):
        super().__init__(vocab, policy)
        labels = {*vocab.headers, *_BIRTH_VERBS}
        alternatives = sorted(
            {(fold(label)[:1], len(label), _label(label)) for label in labels if label.strip(". ")}
        )
        value = (
            rf"({_NUMERIC_TEXT.pattern}|{_DAY_FIRST.pattern}|{_MONTH_FIRST.pattern})"
            if alternatives
            else r"(?!x)x"
        )
        # A birth label, then (a few small words on) a date: one regex, built once per policy.
        self.prefilter = re.compile(
            r"(?<![\w.])(?:" + by_first_letter(alternatives) + r")(?![\w])", re.IGNORECASE
        )
        self._labelled = re.compile(self.prefilter.pattern + _FILLER + value, re.IGNORECASE)

    def find(self, text: str) -> list[Found]:
        """Birthdates in prose: a birth label, then a date in figures or in words."""
        found = []
        for match in self._labelled.finditer(text):
            day = prose_date(match.group(1))
            if day is not None and plausible(day):
                found.append(Found(day.isoformat(), match.start(1), match.end(1)))
        return found

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
