"""The Alien Registration Number: ``A`` and 8 or 9 digits, in every common spelling.

Spelled with its ``A`` or a label (``A212345678``, ``A-212-345-678``, ``A# 212 345 678``,
``A21234 5678``, ``A 2 1 2 3 4 5 6 7 8``, ``A.N. 212,345,678``, ``Alien File No. 212-345-678``)
it is recognised anywhere (``spelled``), with any look-alike of the letter A (``A_LIKE_UPPER``),
and glued to the words of a file's name (``Stephens_Ruby_A218343183_I-589.pdf``, ``glued``).
Spread over three cells by a CSV reader (``A218,343,183``) it is found row by row
(``spread_over_cells``). A bare 8-9 digit number is one only under a header or a label that
says so (``canonical``): otherwise invoice, phone and case numbers would be A-numbers.
Canonical form: ``A`` and 9 digits, so that ``A12345678`` and ``A012345678`` are the same
person.

This module is the one recogniser of A-number spellings: the scanner's detector, and the checks
of what people type and what files are called (``approval.detect.strings``, ``bare_numbers``),
use the same rules.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from itertools import pairwise

from approval.detect.detectors.base import Element, Found
from approval.detect.textnorm import is_null, redact_middle, word_set

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
# The letters confused with A: every entry of Unicode's confusables.txt (UTS #39,
# https://www.unicode.org/Public/security/latest/confusables.txt) whose target is LATIN CAPITAL
# LETTER A (0041) or LATIN SMALL LETTER A (0061), by the case they read as; and the small
# capital ᴀ, which reads as an A in any font. A table, not letters added one at a time as
# they are found. The mathematical letters are 13 styles of one alphabet, 52 code points apart.
_MATH_A = 0x1D400  # MATHEMATICAL BOLD CAPITAL A; its small a is 26 further
_MATH_ALPHA = (0x1D6A8, 0x1D6E2, 0x1D71C, 0x1D756, 0x1D790)  # capital alpha; small is 26 further
A_LIKE_UPPER = (
    "\u0391"  # GREEK CAPITAL LETTER ALPHA
    "\u0410"  # CYRILLIC CAPITAL LETTER A
    "\u13aa"  # CHEROKEE LETTER GO
    "\u15c5"  # CANADIAN SYLLABICS CARRIER GHO
    "\u1d00"  # LATIN LETTER SMALL CAPITAL A
    "\ua4ee"  # LISU LETTER A
    "\uff21"  # FULLWIDTH LATIN CAPITAL LETTER A
    "\U000102a0"  # CARIAN LETTER A
    "\U00016f40"  # MIAO LETTER ZZYA
    + "".join(chr(_MATH_A + 52 * k) for k in range(13))
    + "".join(map(chr, _MATH_ALPHA))
)
A_LIKE_LOWER = (
    "\u0251"  # LATIN SMALL LETTER ALPHA
    "\u03b1"  # GREEK SMALL LETTER ALPHA
    "\u0430"  # CYRILLIC SMALL LETTER A
    "\u237a"  # APL FUNCTIONAL SYMBOL ALPHA
    "\uff41"  # FULLWIDTH LATIN SMALL LETTER A
    + "".join(chr(_MATH_A + 26 + 52 * k) for k in range(13))
    + "".join(chr(c + 26) for c in _MATH_ALPHA)
)
_A_UPPER = f"[A{A_LIKE_UPPER}]"
_A_LOWER = f"[a{A_LIKE_LOWER}]"
_A_LOWER_SET = frozenset("a" + A_LIKE_LOWER)
# Labels written before the digits, in any case: ``A-No.``, ``A Nbr``, ``A number``,
# ``Alien #``, ``Alien Reg. No.``, ``Alien Registration Number``, ``Alien File No.``,
# ``AR No.`` and ``A.R. #`` (Alien Registration), ``USCIS #`` and ``EOIR case no.`` (both
# systems file a person under the A-number). ``A.N.`` and ``A-File`` / ``A File`` take their
# capital A (or the dots, the hyphen): in lower case they are the words "an" and "a file".
_NO = r"(?:no|nbr|num(?:ber)?)\.?"
_NO_OR_HASH = f"(?:{_NO}|#)"
_LABEL = (
    f"(?i:alien(?:{_SEP}{{0,2}}reg(?:istration)?\\.?)?(?:{_SEP}{{0,2}}file)?"
    f"(?:{_SEP}{{0,2}}{_NO})?"
    f"|{_A_LOWER}{_SEP}{{0,2}}{_NO}"
    f"|{_A_LOWER}\\.?r\\.?{_SEP}{{0,2}}{_NO_OR_HASH}"
    f"|uscis{_SEP}{{0,2}}{_NO_OR_HASH}"
    f"|eoir(?:{_SEP}{{0,2}}case)?{_SEP}{{0,2}}{_NO_OR_HASH}"
    f"|{_A_LOWER}\\.{_SPACE}?n\\.)"
    f"|{_A_UPPER}{_SEP}{{0,2}}(?i:file)(?:{_SEP}{{0,2}}(?i:{_NO_OR_HASH}))?"
    f"|{_A_UPPER}\\.R\\."  # A.R., Alien Registration, with both its dots (``AR`` is a state)
    f"|{_A_LOWER}-(?i:file)(?:{_SEP}{{0,2}}(?i:{_NO_OR_HASH}))?"
)
# One separator between two groups of digits: a dash, a mark or a space; not a tab, nor two
# spaces (columns of figures in a table printed as text, ``120   340   560``, are three numbers).
# A comma is one only in thousands (``212,345,678``) and only after a label: without one, that
# is an amount.
_GROUP = f"[{DASHES}{_MARKS}{_BLANKS}'\u2019]"  # and the apostrophe: ``218'343'183``
_THOUSANDS = r"\d{2,3},\d{3},\d{3}(?![\d,])"
# A candidate: a prefix, then digits in groups, however many (``_accept`` decides from the
# groups and the prefix whether they are an A-number), not inside a word. The A is upper case
# in prose unless no space follows it (a lower-case "a" is an article far too often:
# ``a218343183`` and ``a-218-343-183`` are numbers, "a 12345678" is not).
SPELLED = re.compile(
    rf"(?<![\w{DASHES}])(?:(?P<label>{_LABEL}){_JOIN}|{_A_UPPER}(?P<join>{_JOIN})"
    rf"|(?P<lower>{_A_LOWER}){_TIGHT}{{0,3}})"
    rf"(?P<digits>{_THOUSANDS}|\d+(?:{_GROUP}\d+)*)"
)
_RUN = re.compile(r"\d+")
_DASH = re.compile(f"[{DASHES}]")
_APOSTROPHE = re.compile("['\u2019]")
_SPACE_RE = re.compile(_SPACE)
# Not inside a word or a longer number (``A12345678.5``, ``A212-345-678-9x``).
_END = re.compile(rf"[\w{DASHES}]|[{_MARKS}]\d")
# Words that name one of a series by a letter: ``Row A 1 2 3 4 5 6 7 8 9`` (seats),
# ``Category A 21234 5678`` (two figures). After one of them and a space, only the spellings
# that need no context (all digits together, 3-3-3) are an A-number.
_SERIES_WORDS = word_set(
    """
    row rows seat seats grade category table part schedule section zone group block type
    class level tier form plan appendix annex exhibit attachment column item line option phase
    round team unit building floor wing gate area region sector box lot list step figure fig
    panel tab sheet page vol volume division district ward pod bay bed dorm housing suite room
    tower hall plate model series version chart map grid track lane court field stage test
    sample batch plot site cluster set tabla fila grupo anexo
    """
)
_WORD_BEFORE = re.compile(r"([^\W\d_]+)\.?[^\S\n]{1,3}$")


_LABEL_ALONE = re.compile(rf"[{_SPACES}]*(?:{_LABEL})[{_SPACES}#:.]*")


def is_label(text: str) -> bool:
    """Whether ``text`` is an A-number's label and nothing else (``A.N.``, ``AR #``): a header
    whose loose words lose what makes it one (``A.N.`` is the word "an" without its dots)."""
    return len(text) < 40 and _LABEL_ALONE.fullmatch(text) is not None


def _year(digits: str) -> bool:
    return len(digits) == 4 and digits[:2] in ("19", "20")


def _shape(groups: list[str], seps: list[str], prefix: str) -> bool:
    """Whether digits in these groups are an A-number after this kind of prefix: after a label
    (or ``A#``) in any grouping; after a plain A as people write one: together, 2-3-3 or 3-3-3,
    5+4 or 4+5 (not a year and a number: ``A-2023-00451`` is a purchase order), one digit at a
    time; after a lower-case a, or a label that starts with the article ("a number", "a no."),
    together, 3-3-3 or 5+4."""
    sizes = [len(g) for g in groups]
    if len(groups) == 1 or (len(groups) == 3 and sizes[0] in (2, 3) and sizes[1:] == [3, 3]):
        return True
    if prefix == "label":
        return True
    two = len(groups) == 2 and (sizes == [5, 4] or (sizes == [4, 5] and not _year(groups[0])))
    if prefix == "lower":
        return two
    # Dashes in other places after the A (``A212-345678``, ``A21-234-5678``): one kind of dash,
    # two or three groups of two or more, not a year first (``A-2023-00451``).
    dashed = (
        len(groups) in (2, 3)
        and min(sizes) >= 2
        and len(set(seps)) == 1
        and _DASH.fullmatch(seps[0]) is not None
        and not _year(groups[0])
    )
    return two or dashed or (max(sizes) == 1 and len(set(seps)) == 1)


def _accept(text: str, m: re.Match[str]) -> tuple[str, int] | None:
    """The canonical A-number of the candidate ``m`` and where it ends, or None."""
    digits = m.group("digits")
    if len(digits) < 8:  # a cell reference (``A12``), a year (``A 2023``)
        return None
    at = m.start("digits")
    join = m.group("join")
    label = m.group("label")
    if label is not None and label[:1] in _A_LOWER and label[1:2].isspace():
        prefix = "lower"  # "a number 12,345,678": the article, then a count
    elif label is not None or (join is not None and "#" in join):
        prefix = "label"
    elif m.group("lower") is not None:
        prefix = "lower"
    else:
        prefix = "upper"
    if digits.isdigit():  # the common case, one run: 8-9 digits or not an A-number at all
        if len(digits) > 9 or _END.match(text, m.end()):
            return None
        return canonical_digits(digits), m.end()
    if prefix != "label" and join and _APOSTROPHE.search(digits) and _SPACE_RE.search(join):
        # Swiss thousands after an A and a space are an amount (``Part A: 12'345'678``), as
        # commas are; tight to its A (``A-218'343'183``) or after a label, an A-number.
        return None
    if "," in digits:  # thousands: a label's only (without one it is an amount)
        if prefix != "label":
            return None
        end = m.end()
        groups = digits.split(",")
        seps = [","] * 2
    else:
        runs = list(_RUN.finditer(digits))
        groups = [r.group() for r in runs]
        seps = [digits[a.end() : b.start()] for a, b in pairwise(runs)]
        # The most groups that make 8 or 9 digits; a longer run of groups may go on after a
        # space with something else (``A212345678 03/02/1985``), never with more of the same
        # (``A 212 345 678 910``, ``A 1 2 3 4 5 6 7 8 9 0`` are longer numbers).
        total, take = 0, 0
        for k, g in enumerate(groups, 1):
            total += len(g)
            if total in (8, 9):
                take = k
            elif total > 9:
                break
        if not take:
            return None
        if take == 1 and len(groups) == 2 and len(groups[1]) == 2 and _DASH.fullmatch(seps[0]):
            # ``A218343183-01``: a two-digit suffix (a family member's file, a copy) after the
            # digits together; the A-number is the run before it.
            end = at + runs[1].end()
            groups, seps = groups[:1], []
        else:
            if take < len(groups):
                if not seps[take - 1].isspace():
                    return None
                if (
                    take > 1
                    and len(groups[take]) == len(groups[take - 1])
                    and seps[take - 1] == seps[take - 2]
                    and (take + 1 == len(groups) or seps[take] == seps[take - 1])
                ):
                    return None
                groups, seps = groups[:take], seps[: take - 1]
            end = at + runs[take - 1].end()
    if _END.match(text, end):
        return None
    if not _shape(groups, seps, prefix):
        return None
    if prefix == "upper" and join and (len(groups) > 1 and not _plain(groups)):
        # ``Row A 1 2 3 4 5 6 7 8 9``: a letter that names one of a series, then figures.
        before = _WORD_BEFORE.search(text, max(0, m.start() - 40), m.start())
        if before is not None and before.group(1).lower() in _SERIES_WORDS:
            return None
    return canonical_digits("".join(groups)), end


def _plain(groups: list[str]) -> bool:
    """Whether groups are the 2-3-3 or 3-3-3 of the usual spelling."""
    return len(groups) == 3 and len(groups[0]) in (2, 3)


def spelled(text: str) -> list[Found]:
    """Every A-number written with its ``A`` or a label, in any of the groupings people use
    (see ``_shape``), or glued to the words around it (``glued``), with its canonical value:
    the one recogniser of spelled A-numbers that the scanner (``ANumber.find``) and the
    checks of free text (``approval.detect.strings``) share. Combining marks on the A or the
    digits (``A\u0301218343183``) are read through (``_marked``)."""
    if not text.isascii() and _marked(text):
        return _unmarked_spelled(text)
    return _spelled(text)


def _spelled(text: str) -> list[Found]:
    found: list[Found] = []
    for m in SPELLED.finditer(text):
        accepted = _accept(text, m)
        if accepted is not None:
            found.append(Found(accepted[0], m.start(), accepted[1]))
    for g in glued(text):
        if not any(f.start < g.end and g.start < f.end for f in found):
            found.append(g)
    if len(found) > 1:
        found.sort(key=lambda f: f.start)
    return found


# -- broken over lines: a number that a line break cuts (``A2183-`` at the end of one line,
# ``43183`` at the start of the next: a word processor's hyphenation, a wrapped column of a
# report printed as text). The lines are joined where the first ends in digits (or digits and
# a dash) and the next starts with digits: with nothing between where the digits are glued to
# their A (or a dash ends the line), else with a space, as between groups; what ``spelled``
# finds across the join is the line's A-number.
_BROKEN = re.compile(rf"\d[{DASHES}\u00ad]?[^\S\n]*\n[^\S\n]*\d")
_LINE_END = re.compile(rf"[{DASHES}\u00ad]$")
_GLUED_END = re.compile(r"[^\W\d_][^\w\s]?\d+$")  # ``A2183``, ``A#2183``: the A on its digits


def broken_over_lines(lines: Sequence[tuple[int, str]], joined: str) -> list[tuple[int, str]]:
    """A-numbers cut by a line break, as (the number of the line they start on, canonical
    A-number); ``joined`` is the lines joined by newlines (a cheap test first)."""
    if _BROKEN.search(joined) is None:
        return []
    found: list[tuple[int, str]] = []
    for (number, line), (_, after) in pairwise(lines):
        head, tail = line.rstrip(), after.lstrip()
        if not (tail[:1].isdigit() and head and (head[-1].isdigit() or _LINE_END.search(head))):
            continue
        bare = _LINE_END.sub("", head)
        if bare != head:
            joins = [bare + tail, head + tail]
        elif _GLUED_END.search(head):
            joins = [head + tail, f"{head} {tail}"]
        else:  # digits apart from their A: a space between the parts, as between groups
            joins = [f"{head} {tail}"]
        for text in joins:
            cut = len(head) if text.startswith(head) else len(bare)
            hits = [f for f in spelled(text) if f.start < cut < f.end]
            if hits:
                found.append((number, hits[0].value))
                break
    return found


# -- combining marks: a mark (Unicode categories Mn and Me: an accent U+0301, a strike-through
# U+0336, a slash U+0338, an enclosing circle U+20DD) renders over the character before it and
# leaves an A and its digits readable on screen, while every pattern above sees a character
# between them. The marks are dropped before an A-number is looked for, the way readers drop
# the invisible characters (``textio.visible``); in text, where one stands after a digit or
# before one (``_marked``), and the spans found are those of the text as it was. A reader
# that composes text (NFC) turns A and U+0301 into one letter, Á: the letters that decompose
# into an A and marks are read as that A.


@functools.cache
def _mark_class() -> str:
    """Every combining mark (Mn, Me) as one character class, from this Python's Unicode
    database: built once, when a value or a text first holds a mark (25 to 80 ms; the marks
    of planes 0, 1 and 14, where all of them are), not at import."""
    ranges: list[tuple[int, int]] = []
    category = unicodedata.category
    for code in (*range(0x20000), *range(0xE0000, 0xE1000)):
        if category(chr(code)) in ("Mn", "Me"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)


@functools.cache
def _accented_a() -> dict[int, str]:
    """The letters that decompose into an A (or an a) and marks (À, Á, Ä, Å, Ǎ, Ạ...), each
    to its A: one character for one, so that positions stay."""
    table: dict[int, str] = {}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        base = unicodedata.normalize("NFD", chr(code))
        if len(base) > 1 and base[0] in "Aa":
            table[code] = base[0]
    return table


@functools.cache
def _marks() -> re.Pattern[str]:
    return re.compile(f"[{_mark_class()}]+")


# Where a mark may matter: a character beyond ASCII after a digit, or before one (a few marks
# or separators between). Two regexes that each start with a small class, skipped at C speed:
# one that starts with the class of every mark is ten times slower over a page of accented
# prose. What they find is checked one character at a time.
_AFTER_DIGIT = re.compile(r"[0-9][^\x00-\x7f]")
_BEFORE_DIGIT = re.compile(r"[^\x00-\x7f][^\w\n]{0,4}[0-9]")
_MARK_CATEGORIES = ("Mn", "Me")


def _marked(text: str) -> bool:
    """Whether a combining mark stands after a digit or before one (on the A, between the
    digits), or an accented A before digits: ``text`` is beyond ASCII."""
    if not _has_digit(text):
        return False
    accented = _accented_a()
    category = unicodedata.category
    for m in _AFTER_DIGIT.finditer(text):
        if category(m.group()[1]) in _MARK_CATEGORIES:
            return True
    for m in _BEFORE_DIGIT.finditer(text):
        char = m.group()[0]
        if category(char) in _MARK_CATEGORIES or ord(char) in accented:
            return True
    return False


def without_marks(value: str) -> str:
    """``value`` without its combining marks (see ``_mark_class``), decomposed first (Á is A
    and a mark): a cell's value."""
    if value.isascii():
        return value
    return _marks().sub("", unicodedata.normalize("NFD", value))


def _unmarked_spelled(text: str) -> list[Found]:
    """``_spelled`` over ``text`` without its marks, with the spans mapped back to ``text``."""
    text = text.translate(_accented_a())  # one for one: the spans stay
    kept: list[tuple[int, int]] = []  # (position in the stripped text, in ``text``)
    pieces: list[str] = []
    at = length = 0
    for m in _marks().finditer(text):
        if m.start() > at:
            kept.append((length, at))
            pieces.append(text[at : m.start()])
            length += m.start() - at
        at = m.end()
    if at < len(text):
        kept.append((length, at))
        pieces.append(text[at:])
    starts = [k[0] for k in kept]

    def where(pos: int) -> int:
        k = bisect_right(starts, pos) - 1
        return kept[k][1] + pos - kept[k][0]

    return [Found(f.value, where(f.start), where(f.end - 1) + 1) for f in _spelled("".join(pieces))]


# -- glued: an A-number that is one word with its neighbours, the way case files are named
# (``Stephens_Ruby_A218343183_I-589.pdf``, ``Ruby-Stephens-A218343183``,
# ``StephensRubyA218343183``, ``A218343183_2023-01-05.pdf``), and one written with thousands
# commas and no space after its A (``A218,343,183``: an amount has a currency sign between,
# ``A$218,343,183``). The A and its digits are together (or joined by one mark) and in the
# usual shapes; what decides is around them: glued after a letter only as an upper-case A,
# after a word that holds no digit and is not a hex number (``f0a218343183``,
# ``DEADBEEFA218343183``, ``x9A21834318`` are digests and codes); never followed by a letter or
# a digit (``SKU-A218343183X``, ``a218343183f0``), nor by more digits after a mark but a year
# (``A218343183-2023-01-05``; ``A21834318.5``, ``A21834318-001`` are other numbers).
_GLUE_MARKS = f"{DASHES}_.#"
# Searched from the character after the A (a look-behind): a class of letters with astral
# characters in it, tried at every position, is four times slower.
_GLUED = re.compile(
    rf"(?<=[Aa{A_LIKE_UPPER}{A_LIKE_LOWER}])(?:(?P<commas>\d{{2,3}},\d{{3}},\d{{3}}(?![\d,]))"
    rf"|[{_GLUE_MARKS}]?(?P<digits>\d{{8,9}}|\d{{2,3}}(?P<s>[{DASHES}_.])\d{{3}}(?P=s)\d{{3}}))"
)
_HEX_LETTERS = frozenset("abcdefABCDEF")
_LETTERS_BEFORE = re.compile(r"[^\W\d_]+$")
# What may not follow: a letter or a digit; a mark and digits but a year (the next field);
# a comma and three digits (more thousands). A comma and a figure is the next cell of a CSV.
_NOT_AFTER = re.compile(rf"[^\W_]|[{_GLUE_MARKS}{_MARKS}](?!(?:19|20)\d\d(?!\d))\d|,\d{{3}}(?!\d)")
_BASE64_AFTER = frozenset("+=")


def glued(text: str) -> list[Found]:
    """A-numbers glued to the words around them (see ``_GLUED``)."""
    found: list[Found] = []
    for m in _GLUED.finditer(text):
        start, end = m.start() - 1, m.end()
        upper = text[start] not in _A_LOWER_SET
        after_letter = start > 0 and text[start - 1].isalpha()
        if m.group("commas") is not None and not upper:
            continue
        if start > 0 and text[start - 1].isdigit():
            continue
        if after_letter and not (upper and _word_before(text, start)):
            continue
        if _NOT_AFTER.match(text, end) or (after_letter and text[end : end + 1] in _BASE64_AFTER):
            continue
        digits = m.group("commas") or m.group("digits")
        found.append(Found(canonical_digits(digits), start, end))
    return found


def _word_before(text: str, at: int) -> bool:
    """Whether the letters glued before an A at ``at`` are a word (``Ruby``, ``Wu``,
    ``STEPHENS``): not the end of a code with digits in it, nor two capitals (``QA``), nor hex
    letters in one case (a digest)."""
    run = _LETTERS_BEFORE.search(text, max(0, at - 64), at)
    if run is None:
        return False
    if run.start() > 0 and text[run.start() - 1].isdigit():
        return False
    letters = run.group()
    if letters.isupper() and len(letters) < 3:
        return False  # a code's letters (``QA218343183``, ``CA21834318``), not a word
    return not (_HEX_LETTERS.issuperset(letters) and (letters.isupper() or letters.islower()))


# -- spread over cells: ``A218,343,183`` in an unquoted CSV line is read as three cells, ``A218``,
# ``343`` and ``183`` (a spreadsheet shows three cells too; a text editor, the A-number). Three
# cells side by side that read an upper-case A (or a look-alike) and 2-3 digits at the end of
# the first (``Maria Garcia   A218`` when a table printed as text is read as CSV), exactly 3
# digits, then 3 digits at the start of the third are one A-number; not when a fourth cell of 3
# digits follows (``A218,343,183,456`` is a longer figure), nor with spaces after the commas
# (``A12, 345, 678`` is a list). A header that names the second and third columns says the
# cells are three values (``Section,Count,Total`` over ``A12,345,678``), unless it names the
# first an A-number's: then the row is wider than what it describes.
_SPREAD_FIRST = re.compile(rf"(?<![^\W_])[A{A_LIKE_UPPER}]\d{{2,3}}\Z")
_SPREAD_HINT = re.compile(rf"(?<![^\W_])[A{A_LIKE_UPPER}]\d{{2,3}}(?:\n|\Z)")
_SPREAD_HINT_ASCII = re.compile(r"A[0-9]{2,3}(?:\n|\Z)")
_SPREAD_MIDDLE = re.compile(r"\d{3}")
_SPREAD_LAST = re.compile(r"\d{3}(?!\d|[.,]\d)")


def spread_over_cells(
    column: Callable[[int], tuple[Sequence[str], str]],
    width: int,
    header: Sequence[str] | None = None,
    whole: Callable[[int], bool] | None = None,
) -> list[tuple[int, int, str]]:
    """A-numbers spread over three cells of a row (see ``_SPREAD_FIRST``), or split over
    cells by the table's own layout (``_split_over_cells``), as (row, column of the first
    cell, canonical A-number). ``column(c)`` is column ``c``'s values and the same joined by
    newlines (one regex per column skips those that start none); ``header``, the table's
    header row if it has one; ``whole(c)``, whether column ``c`` is known to hold an
    A-number in every row (none of them is broken)."""
    found = _split_over_cells(column, width, header, whole)
    apart = _apart(tuple(header)) if header is not None else frozenset()
    for c in range(width - 2):
        if c in apart:
            continue
        values, joined = column(c)
        if joined.isascii():
            if "A" not in joined or not _SPREAD_HINT_ASCII.search(joined):
                continue  # the common case, at memchr speed: a regex that starts with a literal
        elif not _SPREAD_HINT.search(joined):
            continue
        middles, lasts = column(c + 1)[0], column(c + 2)[0]
        fourths = column(c + 3)[0] if c + 3 < width else None
        for i, value in enumerate(values):
            first = _SPREAD_FIRST.search(value)
            if (
                first is not None
                and _SPREAD_MIDDLE.fullmatch(middles[i])
                and _SPREAD_LAST.match(lasts[i])
                and not (
                    fourths is not None
                    and _SPREAD_MIDDLE.fullmatch(lasts[i])
                    and _SPREAD_MIDDLE.fullmatch(fourths[i])
                )
            ):
                digits = first.group()[1:] + middles[i] + lasts[i][:3]
                found.append((i, c, canonical_digits(digits)))
    return found


# -- split over cells: the letter in one cell and the digits in the next (``A | 218343183``, a
# form's box for the letter); the digits in two or three columns that the header names as
# parts of an A-number (``A-Number (1) | A-Number (2) | A-Number (3)`` over ``218 | 343 |
# 183``); under an A-number's header, a number broken over two rows (``A2183`` above
# ``43183``: a wrapped cell exported line by line). A letter cell beside a number is one only
# where no header names the two columns as something else (``Grade | Amount``).
_LETTER_CELL = re.compile(rf"[A{A_LIKE_UPPER}][{DASHES}#:.]?")
_LETTER_HINT = re.compile(rf"(?:^|\n)[A{A_LIKE_UPPER}][{DASHES}#:.]?(?:\n|$)")
_PART = re.compile(r"\d{2,6}")
_ROW_HEAD = re.compile(
    rf"[A{A_LIKE_UPPER}][{DASHES}#:.]?(?P<d>\d{{2,7}})[{DASHES}]?|(?P<e>\d{{2,7}})[{DASHES}]"
)
_ROW_TAIL = re.compile(r"\d{1,7}")


def _split_over_cells(
    column: Callable[[int], tuple[Sequence[str], str]],
    width: int,
    header: Sequence[str] | None,
    whole: Callable[[int], bool] | None,
) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    parts, under = _headed_parts(tuple(header)) if header is not None else ((), ())
    for c in range(width - 1):
        values, joined = column(c)
        # A column of letters is two characters a row: tested by its length first, since
        # any search of every column's text costs more than all of this (a table's scan).
        if len(joined) > 3 * len(values) or not _LETTER_HINT.search(joined):
            continue
        if header is not None and not _letter_headed(tuple(header), c):
            continue
        digits = column(c + 1)[0]
        for i, value in enumerate(values):
            if _LETTER_CELL.fullmatch(value.strip()) and _PLAIN_VALUE.fullmatch(digits[i].strip()):
                found.append((i, c, canonical_digits(digits[i])))
    for first, count in parts:
        cells = [column(c)[0] for c in range(first, first + count)]
        for i, row in enumerate(zip(*cells, strict=True)):
            row = tuple(v.strip() for v in row)
            if all(_PART.fullmatch(v) for v in row) and sum(map(len, row)) in (8, 9):
                found.append((i, first, canonical_digits("".join(row))))
    for c in under:
        if c >= width or (whole is not None and whole(c)):
            continue  # every row an A-number: none broken
        values = column(c)[0]
        for i in range(len(values) - 1):
            head = _ROW_HEAD.fullmatch(values[i].strip())
            tail = values[i + 1].strip()
            if head is not None and _ROW_TAIL.fullmatch(tail):
                number = (head.group("d") or head.group("e")) + tail
                if len(number) in (8, 9):
                    found.append((i, c, canonical_digits(number)))
    return found


@functools.lru_cache(maxsize=64)
def _headed_parts(
    header: tuple[object, ...],
) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...]]:
    """Under ``header``: the runs of two or three columns each headed as an A-number's (its
    parts), and every column headed as one (where a number may break over two rows)."""
    named = [isinstance(h, str) and _A_LABEL_HEADER.search(h) is not None for h in header]
    runs: list[tuple[int, int]] = []
    c = 0
    while c < len(named):
        n = 0
        while c + n < len(named) and named[c + n]:
            n += 1
        if n in (2, 3):
            runs.append((c, n))
        c += max(n, 1)
    return tuple(runs), tuple(c for c, yes in enumerate(named) if yes)


@functools.lru_cache(maxsize=256)
def _letter_headed(header: tuple[object, ...], c: int) -> bool:
    """Whether the header over a letter cell and the cell after it lets them be one A-number:
    it names either as an A-number's (``A | Number``), or names neither with words."""
    if c + 1 >= len(header):
        return True
    pair = [str(h).strip() if h is not None else "" for h in header[c : c + 2]]
    if any(_A_HEADER.search(h) for h in pair) or is_label(" ".join(pair)):
        return True
    return not any(_WORDED.search(h) and not is_null(h) for h in pair)


@functools.lru_cache(maxsize=64)
def _apart(header: tuple[object, ...]) -> frozenset[int]:
    """The columns ``_headed_apart`` rules out under ``header``: once per table, not per batch
    of its rows."""
    return frozenset(c for c in range(len(header)) if _headed_apart(header, c))


def _headed_apart(header: Sequence[object], c: int) -> bool:
    """Whether a header names columns ``c + 1`` and ``c + 2`` on their own, and ``c`` as no
    A-number's."""
    named = [str(h).strip() if h is not None else "" for h in header[c : c + 3]]
    return (
        len(named) == 3
        and all(_WORDED.search(h) and not is_null(h) for h in named[1:])
        and not _A_HEADER.search(named[0])
    )


_WORDED = re.compile(r"[^\W\d_]")  # a header names with words; figures are a row of data


# A header that names an A-number (``A-Number``, ``A #``, ``Alien No.``, ``A.N.``); one
# that names it by a label, not a bare letter (``A-Number (2)``, not ``Grade A``).
_A_HEADER = re.compile(rf"(?:^|[^\w])(?:{_LABEL}|{_A_UPPER})(?:[^\w]|$)")
_A_LABEL_HEADER = re.compile(rf"(?:^|[^\w])(?:{_LABEL})(?:[^\w]|$)")


# Under a header or a label, the prefix is optional and may be in any case, and the digits may
# be grouped any way, with runs of separators and thousands commas: the header vouches for the
# number (``A  212 345 678``, ``212\t345\t678`` typed into a form's boxes, ``212,345,678`` from
# a spreadsheet's number format). A date is still a date.
_LABELLED_PREFIX = re.compile(rf"(?:{_LABEL}|(?i:{_A_LOWER}))?[{DASHES}{_MARKS}{_SPACES}#:]{{0,4}}")
_LABELLED_DIGITS = re.compile(rf"\d+(?:[{DASHES}{_MARKS}{_SPACES},'\u2019]{{1,3}}\d+)*")
_DATE_SHAPE = re.compile(r"\d{4}(?P<s>\D)\d{1,2}(?P=s)\d{1,2}|\d{1,2}(?P<t>\D)\d{1,2}(?P=t)\d{4}")
# A column of clean values ("A212345678" or, under a header, "212345678"), checked in one go.
_COLUMN = re.compile(r"(?:[Aa]?\d{8,9}\n)*[Aa]?\d{8,9}")
# The same for ASCII digits, possessive (nothing to backtrack into): ten times faster, and it
# matches only what ``_COLUMN`` matches, so it is tried first and ``_COLUMN`` decides the rest.
COLUMN_ASCII = re.compile(r"(?:[Aa]?+[0-9]{8,9}+\n)*+[Aa]?+[0-9]{8,9}+")


# ``may_find`` in parts: the upper-case A and its labels (``A-No.``, ``A.N.``, ``AR #``,
# ``A-File``, ``Alien Registration Number``), then the lower-case a glued to its digits or
# starting a label, then the systems' names, then the look-alike letters.
_UPPER_HINT = re.compile(
    r"A(?:[^\w\n]|_){0,4}\d"
    r"|A(?:[^\w\n]|_){0,2}(?i:n(?:o|br|um)|n\.|r\W|file)[^\d\n]{0,12}?\d"
    r"|A(?i:lien)[^\d\n]{0,30}?\d"
)
_LOWER_HINT = re.compile(
    r"a(?:(?:[^\w\s]|_){0,4}\d|lien|(?:[^\w\n]|_){0,2}n(?:o|br|um)|\.?r\.?[^\w\n]{0,2}[n#]"
    r"|-file|\.\s?n\.)"
)
_SYSTEMS = ("USCIS", "uscis", "Uscis", "EOIR", "eoir", "Eoir")
_LOOK_ALIKES = A_LIKE_UPPER + A_LIKE_LOWER
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")  # digits of other scripts (full-width ２１２...)


def _has_digit(text: str) -> bool:
    return any(d in text for d in "0123456789")


def canonical_digits(digits: str) -> str:
    """``A`` and the 9 digits, whatever separated them and whatever script wrote them."""
    if digits.isascii():
        return "A" + "".join(c for c in digits if c.isdigit()).zfill(9)
    return "A" + "".join(str(int(c)) for c in digits if c.isdigit()).zfill(9)


def person_key(canonical: str) -> int:
    """The number itself: small, exact, and the same for every spelling."""
    return int(canonical[1:])


# How a cell hands over a number that went through a spreadsheet: with the prefix that keeps
# it text (``'218343183``), as a float (``218343183.0``), in scientific notation
# (``2.18343183E+08``, or ``2.18343E+08`` where the format kept six figures: still the column
# of A-numbers, some digits lost).
_E_NOTATION = re.compile(r"\d(?:[.,]\d{1,8})?[eE]\+?0?[78]")
_TEXT_PREFIX = ("'", "\u2019")
_PARENS = re.compile(r"\((\d{2,3})\)\s?")
# After the digits, under a header: a two-digit suffix (``-01``, a family member's or a
# copy's) or one letter (``218343183X``).
_SUFFIX = re.compile(rf"(?P<number>.*\d)(?:[{DASHES}]\d\d|[A-Za-z])")


def _cell(value: str) -> str:
    """A cell's value as the number it renders (see ``_E_NOTATION``), its marks dropped."""
    value = without_marks(value.strip())
    if value[:1] in _TEXT_PREFIX:
        value = value[1:]
    if value.endswith(".0"):
        return value[:-2]
    if _E_NOTATION.fullmatch(value):
        try:
            number = Decimal(value.replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern is a decimal's
            return value
        if number == number.to_integral_value():
            return str(int(number))
    return value


def labelled(value: str) -> str | None:
    """The canonical A-number of a value that a header or a label says is one, or None."""
    value = _cell(value)
    if len(value) > 40 or is_null(value):
        return None
    prefix = _LABELLED_PREFIX.match(value)
    rest = value[prefix.end() :] if prefix else value
    if rest[:1] == "(":  # ``(218) 343-183``: a phone's shape, nine digits (a phone has ten)
        rest = _PARENS.sub(r"\1 ", rest, count=1)
    found = _labelled_digits(rest)
    if found is None and (suffixed := _SUFFIX.fullmatch(rest)) is not None:
        found = _labelled_digits(suffixed.group("number"))
    return found


def _labelled_digits(rest: str) -> str | None:
    if not _LABELLED_DIGITS.fullmatch(rest) or _DATE_SHAPE.fullmatch(rest):
        return None
    if "," in rest and not re.fullmatch(r"\d{2,3},\d{3},\d{3}", rest):
        return None  # commas only as thousands: ``212345678,212345679`` is two numbers
    groups = _RUN.findall(rest)
    if len(groups) > 1 and _year(groups[0]):
        return None  # a year and a serial: ``2023-000451`` files a case, not a person
    digits = sum(map(len, groups))
    return canonical_digits(rest) if digits in (8, 9) else None


_PLAIN_VALUE = re.compile(rf"\d{{8,9}}|\d{{2,3}}(?P<s>{_GROUP})\d{{3}}(?P=s)\d{{3}}")


def plain_value(value: str) -> str | None:
    """The canonical A-number of a cell under a header that says only "a record's number"
    (``Case No.``): 8-9 digits together or 3-3-3 (through a spreadsheet as a float, in
    scientific notation, as text: ``_cell``), or spelled with its A; a case system's own
    shapes (``2023-0001``) are not."""
    value = _cell(value)
    if _PLAIN_VALUE.fullmatch(value):
        return canonical_digits(value)
    found = spelled(value)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(value):
        return found[0].value
    return None


# -- bare numbers: what may be an A-number without its A, in a short text (a purpose, a file's
# name) where no header says what it is. Not a date (``20221128``), a ZIP+4 (``20529-2100``),
# an amount (``212,345,678``), a phone number or an SSN (3-2-4): 8-9 digits together, 2-3-3 or
# 3-3-3 with one separator, 5+4 or 4+5 with a space or ``_``, or one digit at a time (but for
# counting, ``1 2 3 4 5 6 7 8 9``); never one of a longer run of the same groups
# (``120 340 560 780`` is four figures). Run over the text as it is: file names join words with
# ``_``, which it takes as a space, and a dash is not a space (``20529-2100`` is a ZIP+4).
_B = "[-. _\u00a0]"
BARE = re.compile(
    r"(?<![\d,])(?<!\d[-. _\u00a0])"
    r"(?:\d{8,9}"
    rf"|\d{{2,3}}(?P<s>{_B})\d{{3}}(?P=s)\d{{3}}"
    r"|\d{5}[ _]\d{4}|\d{4}[ _]\d{5}"
    rf"|\d(?P<t>{_B})\d(?:(?P=t)\d){{6,7}})"
    rf"(?!\d|,\d|{_B}\d)"
)
_DATE = re.compile(
    r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"  # YYYYMMDD
    r"|(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:19|20)\d\d"  # MMDDYYYY
)


def bare_numbers(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds a number that may be an A-number without its A (see ``BARE``)."""
    return [
        m.span()
        for m in BARE.finditer(text)
        if not _DATE.fullmatch(m.group()) and not _counting(m.group())
    ]


def _counting(text: str) -> bool:
    """``1 2 3 4 5 6 7 8 9``: one digit at a time, counting up, is a count, not a number."""
    digits = [int(c) for c in text if c.isdigit()]
    return len(digits) == len(text) // 2 + 1 and all(b == a + 1 for a, b in pairwise(digits))


class ANumber(Element):
    id = "a-number"
    # Every A, its look-alikes in either case, the labels and the systems' names: what
    # ``find`` could match, in one regex (``may_find`` tests the same in cheaper steps).
    prefilter = re.compile(
        rf"(?i:[{A_LIKE_UPPER}]{_JOIN}\d|{_A_LOWER}{_JOIN}\d"
        rf"|(?:alien|{_A_LOWER}[^\w\n]{{0,2}}(?:n|r|file)|uscis|eoir)"
        r"[^\d\n]{0,30}\d)"
    )

    def may_find(self, text: str) -> bool:
        """Cheap first: a regex that starts with a literal letter is searched at memchr speed,
        a class of letters is not (ten times slower over a column of counts). A lower-case a
        needs digits too, and the look-alike letters are looked for only in non-ASCII text."""
        if "A" in text and _UPPER_HINT.search(text):
            return True
        if _has_digit(text):
            if "a" in text and _LOWER_HINT.search(text):
                return True
            if any(s in text for s in _SYSTEMS):
                return True
        if text.isascii():
            return False
        if _marked(text):
            return True  # an A or digits under combining marks (``spelled`` reads through them)
        return (
            any(c in text for c in _LOOK_ALIKES) or _OTHER_DIGIT.search(text) is not None
        ) and self.prefilter.search(text) is not None

    def column(self, values: Sequence[str], joined: str) -> list[bool] | None:
        if COLUMN_ASCII.fullmatch(joined) or (not joined.isascii() and _COLUMN.fullmatch(joined)):
            return None
        return [self.canonical(v) is not None for v in values]

    def canonical(self, value: str) -> str | None:
        return labelled(value)

    def looks_like(self, value: str) -> bool:
        value = value.strip()
        found = spelled(value)
        return len(found) == 1 and found[0].start == 0 and found[0].end == len(value)

    def find(self, text: str) -> list[Found]:
        return spelled(text)

    def redact(self, canonical: str) -> str:
        return redact_middle(canonical)
