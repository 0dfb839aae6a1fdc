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

# What people (and word processors) put between the parts of a number: every dash (Unicode
# category Pd, and the minus sign), slashes, dots and middle dots, underscores, and spaces other
# than a line break (a column's values are joined by line breaks), zero-width ones included.
DASHES = (
    "\\-\u058a\u05be\u1400\u1806\u2010-\u2015\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u2e5d\u301c"
    "\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d\U00010ead\u2212\u2043\u02d7"
)
_MARKS = "/\u2044\u2215\uff0f.\u00b7\u2027\u2022\u2219\u22c5\u30fb\uff0e\uff65_\uff3f"
_BLANKS = " \u00a0\u1680\u2000-\u200d\u202f\u205f\u2060\u3000\ufeff"  # no tab
_SPACES = "\t" + _BLANKS
_SEP = f"[{DASHES}{_MARKS}{_SPACES}]"
_SPACE = f"[{_SPACES}]"
_TIGHT = f"[{DASHES}{_MARKS}#:]"  # a separator that is no space
# Between the prefix and the digits: one space at most on either side of up to three marks,
# ``#`` and ``:`` among them (``A#-``, ``A-No.: ``, ``Alien # ``). A run of spaces is the gap
# between the cells of a table printed as text (``Category A   120 340 560``), not a prefix.
_JOIN = f"(?:{_SPACE}?(?:{_TIGHT}{{1,3}}{_SPACE}?)?)"
# The letter A and the letters it is confused with (Cyrillic А, Greek Α, full-width Ａ).
_A_UPPER = "[AАΑＡ]"
_A_LOWER = "[aаαａ]"
# Labels written before the digits, in any case: ``A-No.``, ``A Nbr``, ``Alien #``,
# ``Alien Reg. No.``, ``Alien Registration Number``.
_NO = r"(?:no|nbr|num(?:ber)?)\.?"
_LABEL = (
    f"(?i:alien(?:{_SEP}{{0,2}}reg(?:istration)?\\.?)?(?:{_SEP}{{0,2}}{_NO})?"
    f"|{_A_LOWER}{_SEP}{{0,2}}{_NO})"
)
# Digits in groups as people write them: 8-9 together, or 2-3 + 3 + 3 with exactly one
# separator between groups. Not a tab, nor two spaces: columns of figures in a table printed as
# text (``120   340   560``, ``120\t340\t560``) are three numbers, not one.
_GROUP = f"[{DASHES}{_MARKS}{_BLANKS}]"
_DIGITS = rf"(\d{{2,3}}(?:{_GROUP}\d{{3}}){{2}}|\d{{8,9}})"
# Not inside a word or a longer number (``A12345678.5``, ``A212-345-678-9``). The A is upper
# case in prose unless no space follows it (a lower-case "a" is an article far too often:
# ``a218343183`` and ``a-218-343-183`` are numbers, "a 12345678" is not). A comma and digits
# after it are the next field of a comma-separated line (``A212345678,11/04/2024``).
SPELLED = re.compile(
    rf"(?<![\w{DASHES}])(?:{_LABEL}{_JOIN}|{_A_UPPER}{_JOIN}|{_A_LOWER}{_TIGHT}{{0,3}})"
    + _DIGITS
    + rf"(?![\w{DASHES}]|[{_MARKS}]\d)"
)
# Under a header or a label, the prefix is optional and may be in any case, and any run of
# separators will do: the header vouches for the number (``A  212 345 678``, ``212\t345\t678``
# typed into a form's boxes).
_LABELLED = re.compile(
    rf"(?:{_LABEL}|(?i:{_A_LOWER}))?[{DASHES}{_MARKS}{_SPACES}#:]{{0,4}}"
    rf"(\d{{2,3}}(?:{_SEP}{{1,3}}\d{{3}}){{2}}|\d{{8,9}})"
)
# A column of clean values ("A212345678" or, under a header, "212345678"), checked in one go.
_COLUMN = re.compile(r"(?:[Aa]?\d{8,9}\n)*[Aa]?\d{8,9}")
# The same for ASCII digits, possessive (nothing to backtrack into): ten times faster, and it
# matches only what ``_COLUMN`` matches, so it is tried first and ``_COLUMN`` decides the rest.
COLUMN_ASCII = re.compile(r"(?:[Aa]?+[0-9]{8,9}+\n)*+[Aa]?+[0-9]{8,9}+")


# ``prefilter`` in parts (see ``ANumber.may_find``): the upper-case A and its labels
# (``A-No.``, ``Alien Registration Number``), then the lower-case a glued to its digits or
# starting a label, then the look-alike letters.
_UPPER_HINT = re.compile(
    r"A(?:[^\w\n]|_){0,4}\d{2}"
    r"|A(?:[^\w\n]|_){0,2}(?i:n(?:o|br|um))[^\d\n]{0,12}?\d{2}|A(?i:lien)[^\d\n]{0,30}?\d{2}"
)
_LOWER_HINT = re.compile(r"a(?:(?:[^\w\s]|_){0,4}\d|lien|(?:[^\w\n]|_){0,2}n(?:o|br|um))")
_LOOK_ALIKES = "АаΑαＡａ"


def _has_digit(text: str) -> bool:
    return any(d in text for d in "0123456789")


def canonical_digits(digits: str) -> str:
    """``A`` and the 9 digits, whatever separated them and whatever script wrote them."""
    return "A" + "".join(str(int(c)) for c in digits if c.isdigit()).zfill(9)


def person_key(canonical: str) -> int:
    """The number itself: small, exact, and the same for every spelling."""
    return int(canonical[1:])


class ANumber(Element):
    id = "a-number"
    # Every A, its look-alikes in either case, and the labels: what ``find`` could match, in
    # one regex (``may_find`` tests the same in cheaper steps).
    prefilter = re.compile(
        rf"(?i:{_A_LOWER}{_JOIN}\d{{2}}|(?:alien|{_A_LOWER}{_SEP}{{0,2}}n)[^\d\n]{{0,30}}\d{{2}})"
    )

    def may_find(self, text: str) -> bool:
        """Cheap first: a regex that starts with a literal letter is searched at memchr speed,
        a class of letters is not (ten times slower over a column of counts). A lower-case a
        needs digits too, and the look-alike letters are looked for only in non-ASCII text."""
        if "A" in text and _UPPER_HINT.search(text):
            return True
        if "a" in text and _has_digit(text) and _LOWER_HINT.search(text):
            return True
        return (
            not text.isascii()
            and any(c in text for c in _LOOK_ALIKES)
            and self.prefilter.search(text) is not None
        )

    def column(self, values: Sequence[str], joined: str) -> list[bool] | None:
        if COLUMN_ASCII.fullmatch(joined) or (not joined.isascii() and _COLUMN.fullmatch(joined)):
            return None
        return [self.canonical(v) is not None for v in values]

    def canonical(self, value: str) -> str | None:
        value = value.strip()
        if len(value) > 40 or is_null(value):
            return None
        if value.endswith(".0"):  # a number that went through a spreadsheet as a float
            value = value[:-2]
        match = _LABELLED.fullmatch(value)
        return canonical_digits(match.group(1)) if match else None

    def looks_like(self, value: str) -> bool:
        return SPELLED.fullmatch(value.strip()) is not None

    def find(self, text: str) -> list[Found]:
        return [
            Found(canonical_digits(m.group(1)), m.start(), m.end()) for m in SPELLED.finditer(text)
        ]

    def redact(self, canonical: str) -> str:
        return redact_middle(canonical)
