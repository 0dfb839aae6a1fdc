"""A date of birth: a date in any common format with a plausible birth year.

Under a header or label (``DOB``, ``Fecha de nacimiento``, ``born``) a date from 1900 to this
year is a birthdate, including a spreadsheet serial number and ``YYYYMMDD``. Without one, a date
is a birthdate only in a table column whose values all look like birthdates of people at least
a few years old (a calendar of this year's hearings is not a list of birthdays). Prose dates
without a label are never birthdates; with one (the policy's headers, or a birth verb:
``born``, ``nacida el``, ``nascido em``, ``née le``, ``F. nac.``) they are, in figures or written
out in words (``born on the third of March 1990``, ``date of birth is March third, nineteen
ninety``, ``nacida el tres de marzo de 1987``, ``nascido a vinte e um de março``, ``née le
premier août mil neuf cent quatre-vingt-cinq``), with a place of birth between (``née à
Kinshasa le``). Canonical form: ISO ``YYYY-MM-DD``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from functools import cache

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
    **dict.fromkeys(("fevereiro", "fevrier", "fev", "fevr"), 2),
    **dict.fromkeys(("marco", "mars"), 3),
    **dict.fromkeys(("avril", "avr"), 4),
    **dict.fromkeys(("maio", "mai"), 5),
    **dict.fromkeys(("junho", "juin"), 6),
    **dict.fromkeys(("julho", "juillet", "juil"), 7),
    **dict.fromkeys(("aout",), 8),
    **dict.fromkeys(("setembro", "septembre"), 9),
    **dict.fromkeys(("outubro", "octobre", "out"), 10),
    **dict.fromkeys(("novembro", "novembre"), 11),
    **dict.fromkeys(("dezembro", "decembre", "dez"), 12),
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


# The same in Spanish, Portuguese and French records (``nacida el tres de marzo``, ``nascido a
# vinte e um de maio``, ``né le premier mars``): every spelling of a day 1-31, folded, with one
# space between its words (``dix-sept``, ``vingt-et-un`` and ``veinte y uno`` are written both
# ways), and the words of a year (``mil novecientos ochenta y siete``, ``dix-neuf cent
# quatre-vingt-sept``), which are added up (``_romance_number``).
def _romance_days() -> dict[str, int]:
    es = "uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince"
    pt = "um dois tres quatro cinco seis sete oito nove dez onze doze treze catorze quinze"
    fr = "un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze"
    days: dict[str, int] = {}
    for words in (es, pt, fr):
        days |= {w: n for n, w in enumerate(words.split(), 1)}
    days |= dict.fromkeys(("un", "primero", "primer", "primeiro", "premier"), 1)
    teens = {
        16: ("dieciseis", "diez y seis", "dezasseis", "dezesseis", "dezaseis", "seize"),
        17: ("diecisiete", "diez y siete", "dezassete", "dezessete", "dezasete", "dix sept"),
        18: ("dieciocho", "diez y ocho", "dezoito", "dix huit"),
        19: ("diecinueve", "diez y nueve", "dezanove", "dezenove", "dix neuf"),
    }
    for n, spellings in teens.items():
        days |= dict.fromkeys(spellings, n)
    es_units, pt_units, fr_units = (words.split()[:9] for words in (es, pt, fr))
    days |= {"veinte": 20, "vinte": 20, "vingt": 20, "treinta": 30, "trinta": 30, "trente": 30}
    for k in range(9):
        n = 21 + k
        days[f"veinte y {es_units[k]}"] = n
        days["veinti" + es_units[k]] = n
        days[f"vinte e {pt_units[k]}"] = n
        days[f"vingt {'et ' if k == 0 else ''}{fr_units[k]}"] = n
    days |= {"veintiun": 21, "vingt un": 21, "treinta y uno": 31, "treinta y un": 31}
    days |= {"trinta e um": 31, "trente et un": 31, "trente un": 31}
    return days


_ROMANCE_DAYS = _romance_days()
# Words of a year, beside the day words: tens, hundreds and thousands.
_ROMANCE_TENS = {
    **dict.fromkeys(("cuarenta", "quarenta", "quarante"), 40),
    **dict.fromkeys(("cincuenta", "cinquenta", "cinquante"), 50),
    **dict.fromkeys(("sesenta", "sessenta", "soixante"), 60),
    **dict.fromkeys(("setenta", "septante"), 70),
    **dict.fromkeys(("ochenta", "oitenta", "huitante", "octante", "quatre vingt"), 80),
    "quatre vingts": 80,
    **dict.fromkeys(("noventa", "nonante"), 90),
}
_ROMANCE_HUNDREDS = {
    **dict.fromkeys(("cien", "ciento", "cem", "cento"), 100),
    **dict.fromkeys(("doscientos", "duzentos"), 200),
    **dict.fromkeys(("trescientos", "trezentos"), 300),
    **dict.fromkeys(("cuatrocientos", "quatrocentos"), 400),
    **dict.fromkeys(("quinientos", "quinhentos"), 500),
    **dict.fromkeys(("seiscientos", "seiscentos"), 600),
    **dict.fromkeys(("setecientos", "setecentos"), 700),
    **dict.fromkeys(("ochocientos", "oitocentos"), 800),
    **dict.fromkeys(("novecientos", "novecentos"), 900),
}
_ROMANCE_VALUES = _ROMANCE_DAYS | _ROMANCE_TENS | _ROMANCE_HUNDREDS
# Words that multiply what comes before them (``dos mil``, ``neuf cent``) and the ``and`` of
# each language (``ochenta y siete``, ``oitenta e sete``, ``vingt et un``).
_ROMANCE_TIMES = {"mil": 1000, "mille": 1000, "cent": 100, "cents": 100}
_ROMANCE_AND = {"y", "e", "et"}


def _words_alt(phrases: Iterable[str]) -> str:
    """An accent- and spacing-blind alternation of phrases, longest first."""
    return "|".join(accent_blind(p) for p in sorted(set(phrases), key=len, reverse=True))


# Weekdays before a date, as long date formats write them (Excel's "Long Date", which a sheet
# saved as CSV keeps: ``Wednesday, March 14, 1999``, ``miércoles, 14 de marzo de 1999``,
# ``Wed 14/03/1999``): skipped, whatever day they name.
_WEEKDAY_NAMES = (
    *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    *("mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"),
    *("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    *("lun", "mié", "jue", "vie", "sáb", "dom"),
    *("segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira"),
    *("segunda", "terça", "quarta", "quinta", "sexta", "seg", "ter", "qua", "qui", "sex"),
    *("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    *("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
)
_WEEKDAY_TEXT = rf"(?:{_words_alt(_WEEKDAY_NAMES)})\.?,?\s+"
# In a value: a word, then its name is looked up (an alternation of every spelling, accent-blind,
# costs a few microseconds on every name cell of a table).
_WEEKDAY = re.compile(r"([^\W\d_]{3,9}(?:-feira)?)\.?,?\s+")
_WEEKDAYS = frozenset(fold(name).rstrip(".") for name in _WEEKDAY_NAMES)
_ROMANCE_DAY_TEXT = f"(?:{_words_alt(_ROMANCE_DAYS)})"
_ROMANCE_WORD = _words_alt([*_ROMANCE_VALUES, *_ROMANCE_TIMES])
_ROMANCE_YEAR_TEXT = (
    rf"(?:(?:{_ROMANCE_WORD})(?:(?:[\s-]+(?:y|e|et))?[\s-]+(?:{_ROMANCE_WORD}))*)(?![\w-])"
)
# A day: 3, 3rd, third, twenty-third, the third; a year: 1990, nineteen ninety, nineteen
# eighty-five, two thousand and one, two thousand five.
_NUM_WORDS = rf"(?:(?:{_WORD_ALT})(?:(?:\s+and)?[\s-]+(?:{_WORD_ALT}))*)"
# A day in figures may carry its ordinal mark: 3rd, 1er, 1º, 1.º, 1o, 1ro.
_DAY_TEXT = (
    r"(?:the\s+)?(?:\d{1,2}(?:st|nd|rd|th|ero|er|ro|o|\.?[ºª°])?"
    rf"|{_NUM_WORDS}|{_ROMANCE_DAY_TEXT})"
)
_YEAR_TEXT = rf"(?:\d{{4}}|{_NUM_WORDS}|{_ROMANCE_YEAR_TEXT})"
# Up to ten letters: septiembre.
_MONTH_TEXT = r"[^\W\d_]{3,10}\.?"
# Dates in words: large patterns (every spelling of a number in four languages, accent-blind)
# that take a quarter of a second to compile, so they are compiled when first needed
# (``_written``): most files have no date in words, and a CSV of dates never asks.
_DAY_FIRST_TEXT = (
    rf"({_DAY_TEXT})\s+(?:of\s+|de\s+)?({_MONTH_TEXT}),?\s+(?:of\s+|del?\s+|in\s+)?"
    rf"({_YEAR_TEXT})"
)
_MONTH_FIRST_TEXT = rf"({_MONTH_TEXT})\s+({_DAY_TEXT}),?\s+(?:of\s+|in\s+)?({_YEAR_TEXT})"


@cache
def _written() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The day-first and month-first patterns of a date with its month in letters."""
    return (
        re.compile(_DAY_FIRST_TEXT, re.IGNORECASE),
        re.compile(_MONTH_FIRST_TEXT, re.IGNORECASE),
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
    # The nouns alone and their abbreviations, as forms and notes write them (``F. nac.:``,
    # ``Data nasc.:``, ``Naissance :``).
    "nacimiento",
    "nascimento",
    "naissance",
    "f. nac.",
    "fecha nac.",
    "fec. nac.",
    "data nasc.",
    "dt. nasc.",
    "nasc.",
    "date naiss.",
    "naiss.",
)
# A label's gender mark (``né(e)``, ``nacido/a``, ``nascido(a)``), the separator, the place of
# birth (``born in Lagos on``, ``nacida en San Pedro Sula el``, ``née à Kinshasa, le``: capitalised
# words after in/en/em/à), then a few small words (``born on``, ``date of birth is``, ``nacida el
# día``, ``nascido no dia``, ``née le``) before the date.
_UPPER_WORD = r"(?-i:[A-ZÀ-ÖØ-Þ])[^\W\d_]*"
_PLACE = (
    rf"(?:(?:in|en|em|à|a|au|no|na)\s+{_UPPER_WORD}"
    rf"(?:,?[\s-]+(?:{_UPPER_WORD}|de|do|da|del|la)){{0,3}},?\s+)?"
)
_FILLER = (
    r"(?:\((?:e|a|o|s|es|as|os)\)|/(?:e|a|o|as|os))?(?:\s*[:=#-]\s*|\s+)"
    + _PLACE
    + r"(?:(?:on|in|is|was|el|en|em|le|a|de|no|d[ií]a|:)\s+){0,2}"
    + rf"(?:{_WEEKDAY_TEXT})?"
)


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
    if not _ENGLISH.issuperset(words):
        return _romance_number(words)
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


_ENGLISH = frozenset({*_NUMBER, *_ORDINAL, "hundred", "thousand"})


def _romance_number(words: list[str]) -> int | None:
    """A day or a year in Spanish, Portuguese or French words (folded): ``veintitres`` -> 23,
    ``vingt et un`` -> 21, ``mil novecientos ochenta y siete`` -> 1987, ``dix neuf cent quatre
    vingt sept`` -> 1987; None when a word is none of these numbers."""
    phrase = " ".join(words)
    if phrase in _ROMANCE_DAYS:
        return _ROMANCE_DAYS[phrase]
    phrase = re.sub(r"\bquatre vingts?\b", "quatre-vingt", phrase)
    total = current = 0
    for word in phrase.split():
        if word in _ROMANCE_AND:
            continue
        if word in _ROMANCE_TIMES:
            # mil and mille close a thousand (dos mil, mil novecientos); cent multiplies the
            # hundreds before it (neuf cent, dix-neuf cent).
            if _ROMANCE_TIMES[word] == 1000:
                total += max(current, 1) * 1000
                current = 0
            else:
                current = max(current, 1) * 100
        elif word == "quatre-vingt":
            current += 80
        elif word in _ROMANCE_VALUES:
            current += _ROMANCE_VALUES[word]
        else:
            return None
    return total + current


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
# The same for ASCII digits, possessive (no step can give back what it took and still match):
# several times faster, and it matches only what ``_COLUMN`` matches, so it is tried first.
_TIME_ASCII = (
    r"(?:[T ][0-9]{1,2}+:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]++)?+)?+(?:Z|[+-][0-9]{2}:?+[0-9]{2})?+)?+"
)
_NUMERIC_ASCII = r"[0-9]{1,4}+[-/.][0-9]{1,2}+[-/.][0-9]{2,4}+" + _TIME_ASCII
_COLUMN_ASCII = re.compile(f"(?:{_NUMERIC_ASCII}\n)*+{_NUMERIC_ASCII}")
_EXCEL_EPOCH = date(1899, 12, 30)

# The fewest characters a labelled birthdate in prose takes, from the label's first character:
# the label, a separator, and the shortest date the pattern accepts (``1-2-85``).
_LABELLED_MIN_CHARS = 1 + 1 + 6

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
    weekday = _WEEKDAY.match(text)
    if weekday is not None and weekday.end() < len(text) and fold(weekday[1]) in _WEEKDAYS:
        # "Mar" is a weekday (mardi, martes) and a month: a date either way.
        found = parse_date(text[weekday.end() :], labelled=labelled)
        if found is not None:
            return found
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
    return parse_date(text) or _written_date(text)


def _written_date(text: str) -> date | None:
    """A date with its month in letters, its day and year in figures or words."""
    if not 6 <= len(text) <= 120:
        return None
    weekday = _WEEKDAY.match(text)
    if weekday is not None and weekday.end() < len(text) and fold(weekday[1]) in _WEEKDAYS:
        found = _written_date(text[weekday.end() :])
        if found is not None:
            return found
    day_first, month_first = _written()
    for pattern, day_at, month_at in ((day_first, 1, 2), (month_first, 2, 1)):
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
            rf"({_NUMERIC_TEXT.pattern}|{_DAY_FIRST_TEXT}|{_MONTH_FIRST_TEXT})"
            if alternatives
            else r"(?!x)x"
        )
        # A birth label, then (a few small words on) a date: one regex per policy, compiled
        # when a text first has a label with room for a date after it (``find``): it takes a
        # third of a second to compile, and most files (a table's headers, a CSV of dates)
        # never need it.
        self._labels = re.compile(
            r"(?<![\w.])(?:" + by_first_letter(alternatives) + r")(?![\w])", re.IGNORECASE
        )
        self.prefilter = self._labels
        self._labelled_text = self._labels.pattern + _FILLER + value
        self._labelled: re.Pattern[str] | None = None

    def find(self, text: str) -> list[Found]:
        """Birthdates in prose: a birth label, then a date in figures or in words."""
        # The labelled pattern starts with the labels': a match of it starts where a label
        # does, at the first one or later, and needs a label (a character at least), a
        # separator (one) and a date (six: ``1-2-85``; a date in words is longer) from there.
        # A text that has no such room cannot hold one.
        label = self._labels.search(text)
        if label is None or len(text) - label.start() < _LABELLED_MIN_CHARS:
            return []
        labelled = self._labelled
        if labelled is None:
            labelled = self._labelled = re.compile(self._labelled_text, re.IGNORECASE)
        found = []
        for match in labelled.finditer(text):
            day = prose_date(match.group(1))
            if day is not None and plausible(day):
                found.append(Found(day.isoformat(), match.start(1), match.end(1)))
        return found

    def column(self, values: Sequence[str], joined: str) -> list[bool] | None:
        if _COLUMN_ASCII.fullmatch(joined) or (not joined.isascii() and _COLUMN.fullmatch(joined)):
            return None
        return [self.canonical(v) is not None for v in values]

    def canonical(self, value: str) -> str | None:
        if is_null(value):
            return None
        # Under a birth header the value is labelled: the months of every records' language
        # and dates in words count, as after a label in prose (``3 de março de 1987``).
        day = parse_date(value) or _written_date(value.strip().rstrip(".,;"))
        return day.isoformat() if day is not None and plausible(day) else None

    def looks_like(self, value: str) -> bool:
        day = parse_date(value, labelled=False)
        return day is not None and plausible(day, labelled=False)

    def redact(self, canonical: str) -> str:
        return redact_digits(canonical)
