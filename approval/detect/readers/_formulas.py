"""Spreadsheet formulas, as far as a gate needs them: what text a formula shows.

A generator (openpyxl, many scripts) writes formulas without the value they compute; Excel
computes them when the file is opened (and recomputes every formula of a workbook that asks for
a full calculation on load, whatever value is saved). So a formula is read three ways:

- its string literals are scanned as text, always (``literals``);
- a simple formula is evaluated (``evaluate``): string and number literals, ``&``,
  ``CONCATENATE``/``CONCAT``/``TEXTJOIN``, ``UPPER``/``LOWER``/``PROPER``/``TRIM``, ``MID``/
  ``LEFT``/``RIGHT``/``SUBSTITUTE``/``CHAR``/``UNICHAR``/``REPT``, ``TEXT`` through a number
  format (not a date's), and references to cells of the same sheet (resolved by
  the caller, recursively, within a bound);
- a formula with string literals is read as the text of its cell besides its saved value
  (``literal_text``): each literal, their concatenation, and its value when it is made of
  constants, since Excel recalculates a workbook that asks for it on load;
- a formula that cannot be evaluated is still covered (``derives_no_text``) when it can only
  show a number or a value already in the workbook: its functions are aggregates, logic,
  lookups or dates (``SUM``, ``IF``, ``VLOOKUP``, ``INDEX``...), with no ``&``. Anything else
  (``CHAR``, ``TEXT``, ``MID``, ``INDIRECT``, an external reference...) can build text that
  is nowhere in the file: without a saved value, that cell is unread, and blocks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from approval.detect.numfmt import compile_format, render

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>"(?:[^"]|"")*")
    | (?P<ext>\[\d+\])
    | (?P<func>(?:_xlfn\.|_xlws\.)?[A-Za-z][\w.]*(?=\())
    | (?P<ref>\$?[A-Za-z]{1,3}\$?\d+(?![\w(]))
    | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)
    | (?P<name>[A-Za-z_\\][\w.]*|'(?:[^']|'')+')
    | (?P<error>\#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A))
    | (?P<op><=|>=|<>|[&(),:;+\-*/^<>=%{}!@$])
    )""",
    re.VERBOSE,
)
_STRING = re.compile(r'"((?:[^"]|"")*)"')
_REF = re.compile(r"(\$?)([A-Za-z]{1,3})(\$?)(\d+)")

# Functions whose result is a number, a truth value, or a value taken whole from cells or
# arguments of the workbook (which are read): no new text.
_NO_NEW_TEXT = frozenset(
    """SUM SUMIF SUMIFS SUMPRODUCT COUNT COUNTA COUNTBLANK COUNTIF COUNTIFS AVERAGE AVERAGEA
    AVERAGEIF AVERAGEIFS MIN MINA MINIFS MAX MAXA MAXIFS MEDIAN MODE STDEV STDEVP STDEV.S
    STDEV.P VAR VARP VAR.S VAR.P PRODUCT ROUND ROUNDUP ROUNDDOWN INT TRUNC ABS SIGN MOD
    POWER SQRT CEILING FLOOR CEILING.MATH FLOOR.MATH PI RAND RANDBETWEEN SUBTOTAL AGGREGATE
    IF IFS IFERROR IFNA AND OR NOT XOR TRUE FALSE ISBLANK ISNUMBER ISTEXT ISERROR ISNA
    ISERR ISLOGICAL LEN
    VLOOKUP HLOOKUP XLOOKUP LOOKUP INDEX MATCH XMATCH CHOOSE ROW ROWS COLUMN COLUMNS
    TODAY NOW DATE YEAR MONTH DAY HOUR MINUTE SECOND WEEKDAY WEEKNUM EDATE EOMONTH DATEDIF
    DAYS NETWORKDAYS WORKDAY DATEVALUE TIME PERCENTILE QUARTILE RANK RANK.EQ LARGE SMALL
    N NA""".split()  # noqa: SIM905 - a table of names reads better as words
)
_TEXT_FUNCTIONS: dict[str, Callable[[str], str]] = {
    "UPPER": str.upper,
    "LOWER": str.lower,
    "PROPER": str.title,
    "TRIM": lambda s: " ".join(s.split()),
    "T": lambda s: s,
}
_MAX_TOKENS = 4096
_MAX_RESULT = 32 * 1024


def literals(formula: str) -> list[str]:
    """The formula's string literals, unescaped."""
    return [m.group(1).replace('""', '"') for m in _STRING.finditer(formula)]


def literal_text(formula: str, found: list[str]) -> str:
    """What a formula whose string ``found`` literals are given may show, as one line: the
    literals, their concatenation (a name split into pieces, ``="Ru"&"by Stephens"``), and
    the formula's value where it is made of constants only (``=PROPER("ruby stephens")``,
    ``=MID("xRuby Stephens",2,100)``). The saved value is read besides: Excel shows this one
    when it recalculates (a workbook may ask for that on load), and the formula bar always
    shows the formula."""
    texts = list(found)
    if len(found) > 1:
        texts.append("".join(found))
    value = evaluate(formula, _no_reference)
    if value and value not in texts:
        texts.append(value)
    return " ; ".join(texts)


def cell_text(formula: str, found: list[str]) -> str:
    """What a formula with the string literals ``found`` shows once recalculated, as far as
    can be told without the workbook: its value when it is made of constants, else its
    literals joined (a name split in pieces shows whole: ``=IF(A1,"Ru"&"by S","")``)."""
    value = evaluate(formula, _no_reference)
    return value if value is not None else "".join(found)


def _no_reference(row: int, column: int) -> str | None:
    return None


def _tokens(formula: str) -> list[tuple[str, str]] | None:
    out: list[tuple[str, str]] = []
    at = 0
    formula = formula.strip().removeprefix("=")
    while at < len(formula):
        match = _TOKEN.match(formula, at)
        if match is None or match.end() == at:
            if formula[at:].strip() == "":
                break
            return None
        kind = match.lastgroup or ""
        out.append((kind, match.group(kind)))
        at = match.end()
        if len(out) > _MAX_TOKENS:
            return None
    return out


def derives_no_text(formula: str) -> bool:
    """Whether the formula can only show a number or a value already in the workbook."""
    tokens = _tokens(formula)
    if tokens is None:
        return False
    for kind, text in tokens:
        if kind == "ext" or (kind == "op" and text == "&"):
            return False
        name = text.upper().removeprefix("_XLFN.").removeprefix("_XLWS.")
        if kind == "func" and name not in _NO_NEW_TEXT:
            return False
    return True


Resolve = Callable[[int, int], "str | None"]  # (row, column), 0-based -> the cell's text


@dataclass
class _Parser:
    tokens: list[tuple[str, str]]
    resolve: Resolve
    at: int = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def concat(self) -> str | None:
        value = self.term()
        while value is not None and self.peek() == ("op", "&"):
            self.take()
            right = self.term()
            if right is None:
                return None
            value += right
            if len(value) > _MAX_RESULT:
                return None
        return value

    def term(self) -> str | None:
        token = self.peek()
        if token is None:
            return None
        kind, text = self.take()
        if kind == "string":
            return text[1:-1].replace('""', '"')
        if kind == "number":
            number = float(text)
            return str(int(number)) if number.is_integer() else text
        if kind == "ref":
            ref = _REF.fullmatch(text)
            if ref is None:
                return None
            return self.resolve(int(ref.group(4)) - 1, column(ref.group(2)))
        if kind == "op" and text == "(":
            value = self.concat()
            return value if self.peek() == ("op", ")") and self.take() else None
        if kind == "func":
            return self.call(text.upper().removeprefix("_XLFN."))
        if kind == "name" and text.upper() in ("TRUE", "FALSE"):
            return text.upper()
        return None

    def call(self, name: str) -> str | None:
        if self.peek() != ("op", "("):
            return None
        self.take()
        args: list[str] = []
        while True:
            if self.peek() == ("op", ")"):
                self.take()
                break
            value = self.concat()
            if value is None:
                return None
            args.append(value)
            token = self.peek()
            if token == ("op", ","):
                self.take()
            elif token != ("op", ")"):
                return None
        if name in ("CONCATENATE", "CONCAT"):
            return "".join(args)
        if name == "HYPERLINK" and len(args) in (1, 2):
            return args[-1]  # the cell shows the link's friendly name, else its address
        if name in _TEXT_FUNCTIONS and len(args) == 1:
            return _TEXT_FUNCTIONS[name](args[0])
        return _cut(name, args)


def _cut(name: str, args: list[str]) -> str | None:
    """The text functions that take pieces of a text or build one from character codes: a
    name hidden in a longer literal (``MID("xRuby Stephens",2,100)``) is shown whole."""
    try:
        if name == "MID" and len(args) == 3:
            start, count = int(float(args[1])), int(float(args[2]))
            return args[0][start - 1 : start - 1 + count] if start >= 1 and count >= 0 else None
        if name in ("LEFT", "RIGHT") and len(args) in (1, 2):
            count = int(float(args[1])) if len(args) == 2 else 1
            if count < 0:
                return None
            return args[0][:count] if name == "LEFT" else args[0][len(args[0]) - count :]
        if name == "SUBSTITUTE" and len(args) == 3:
            text, old, new = args
            if not old:
                return text
            # Its length before it is made: a short text with many matches of a long
            # replacement would otherwise be built whole (gigabytes) to be refused.
            grown = len(text) + text.count(old) * (len(new) - len(old))
            return text.replace(old, new) if grown <= _MAX_RESULT else None
        if name == "CHAR" and len(args) == 1:
            code = int(float(args[0]))
            return bytes([code]).decode("cp1252", "replace") if 1 <= code <= 255 else None
        if name == "UNICHAR" and len(args) == 1:
            code = int(float(args[0]))
            return chr(code) if 1 <= code <= 0x10FFFF else None
        if name == "REPT" and len(args) == 2:
            times = int(float(args[1]))
            return args[0] * times if times >= 0 and len(args[0]) * times <= _MAX_RESULT else None
        if name == "TEXTJOIN" and len(args) >= 3:
            skip = args[1].upper() in ("TRUE", "1")
            return args[0].join(a for a in args[2:] if a or not skip)
        if name == "TEXT" and len(args) == 2:
            return _text(args[0], args[1])
    except (ValueError, OverflowError):  # int(float("1E+999")): infinity
        return None
    return None


# What a TEXT format shows that this module cannot render, once quoted and escaped text is
# out: letters, which are dates and times (a birthdate kept as its serial number 31120 shows
# as 1985-03-14), or shown as they are (``A000000000``) where numfmt would drop them.
_QUOTED = re.compile(r'"[^"]*"?|\\.|\[[^\]]*\]')
_LETTERS = re.compile(r"[A-Za-z]")


def _text(value: str, code: str) -> str | None:
    """``TEXT(value, code)``: a number through the format (``"A"000000000``, ``0000-00-00``),
    a text through its text section; None for a date or time format."""
    try:
        number = float(value)
    except ValueError:
        compiled = compile_format(code)
        return value if compiled is None else compiled.render_text(value)
    if code.strip().upper() == "GENERAL":
        return render(number, None)
    if _LETTERS.search(_QUOTED.sub("", code)):
        return None
    return render(number, code)


def evaluate(formula: str, resolve: Resolve) -> str | None:
    """The text the formula shows, or None when it is not one this module evaluates."""
    tokens = _tokens(formula)
    if not tokens:
        return None
    parser = _Parser(tokens, resolve)
    try:
        value = parser.concat()
    except (IndexError, ValueError, RecursionError):
        return None
    return value if parser.at == len(tokens) else None


def computed(formula: str, resolve: Resolve, saved: bool = False) -> tuple[str | None, bool]:
    """A formula cell as a spreadsheet shows it once it computes it on opening: its value
    (None when ``evaluate`` cannot tell), and whether the cell is unread, for a value neither
    computed nor ``saved`` with it, where the formula may build text (``derives_no_text``)."""
    value = evaluate(formula, resolve)
    return value, value is None and not saved and not derives_no_text(formula)


def unread_reason(count: int) -> str:
    """Why ``count`` formula cells (see ``computed``) leave their part unread."""
    return f"{count} formula(s) that may build text, with no saved value"


def read_so_far(rows: Sequence[Sequence[object]], row: Sequence[object]) -> Resolve:
    """Resolve references from a sheet streamed in order: the rows before (``rows``) and the
    row being read (``row``, next after them); a cell not read yet, or not text, is None."""
    here = len(rows)

    def resolve(r: int, c: int) -> str | None:
        cells = row if r == here else rows[r] if r < here else ()
        value = cells[c] if c < len(cells) else None
        return value if isinstance(value, str) else None

    return resolve


def references(formula: str) -> list[tuple[int, int]]:
    """The same-sheet cells the formula refers to, 0-based (row, column)."""
    tokens = _tokens(formula) or []
    out = []
    for kind, text in tokens:
        ref = _REF.fullmatch(text) if kind == "ref" else None
        if ref is not None:
            out.append((int(ref.group(4)) - 1, column(ref.group(2))))
    return out


def shift(formula: str, rows: int, columns: int) -> str:
    """A shared formula as written at a cell ``rows`` and ``columns`` away from its master:
    relative references move, ``$``-anchored parts stay."""
    tokens = _tokens(formula)
    if tokens is None:
        return formula
    out = []
    for kind, text in tokens:
        if kind == "ref" and (ref := _REF.fullmatch(text)):
            col_fixed, letters, row_fixed, number = ref.groups()
            col = column(letters) + (0 if col_fixed else columns)
            row = int(number) + (0 if row_fixed else rows)
            if col < 0 or row < 1:
                return formula
            text = f"{col_fixed}{letter(col)}{row_fixed}{row}"
        out.append(text)
    return "".join(out)


# An R1C1 reference (SYLK, SpreadsheetML): ``R``/``C`` each with an absolute number, a
# bracketed offset, or nothing (this row, this column); not inside a name.
_R1C1 = re.compile(r"(?<![\w.])R(\[-?\d+\]|\d+)?C(\[-?\d+\]|\d+)?(?![\w(])")


def from_r1c1(formula: str, row: int, column: int) -> str:
    """``formula`` with its R1C1 references written as A1 ones, from the cell at ``row``,
    ``column`` (1-based), so that this module reads them."""

    def one(match: re.Match[str]) -> str:
        r = _axis(match.group(1), row)
        c = _axis(match.group(2), column)
        return f"{letter(max(c, 1) - 1)}{max(r, 1)}"

    return _R1C1.sub(one, formula)


def _axis(spec: str | None, here: int) -> int:
    if not spec:
        return here
    if spec[0] == "[":
        return here + int(spec[1:-1])
    return int(spec)


# OpenFormula, the formulas of ODF spreadsheets (ODS, flat ODS).
_ODF_REFERENCE = re.compile(
    r"\[\$?(?:'?([^'\].]*)'?)?\.\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?\.?\$?([A-Za-z]{1,3})\$?(\d+))?\]"
)
_ODF_STRING = re.compile(r'("(?:[^"]|"")*")')


def openformula(formula: str) -> str:
    """An OpenFormula (``of:=[.A1]&" "&CONCATENATE([.B1];"x")``) in the spreadsheet syntax
    ``_formulas`` reads (``A1&" "&CONCATENATE(B1,"x")``); string literals are left as they are."""
    body = (
        formula.split(":", 1)[1]
        if formula[:6].lower().startswith(("of:", "oooc:", "msoxl:"))
        else formula
    )
    out = []
    for piece in _ODF_STRING.split(body.removeprefix("=")):
        if piece.startswith('"'):
            out.append(piece)
            continue

        def cell(match: re.Match[str]) -> str:
            sheet, letters, number, end_letters, end_number = match.groups()
            ref = f"{letters}{number}" + (f":{end_letters}{end_number}" if end_letters else "")
            return f"'{sheet}'!{ref}" if sheet else ref

        out.append(_ODF_REFERENCE.sub(cell, piece).replace(";", ","))
    return "".join(out)


def column(letters: str) -> int:
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


def letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ---------------------------------------------------------------------------------------------
# Cells of a CSV opened in a spreadsheet

# What starts a formula when Excel or LibreOffice opens a CSV: ``=``, and ``+ - @`` (Lotus
# habits that Excel keeps: ``+A1``, ``@SUM(...)``).
FORMULA_LEADS = "=+-@"
_LITERAL_ONLY = re.compile(r'=\s*"((?:[^"]|"")*)"\s*')


@dataclass(frozen=True)
class Typed:
    """What a spreadsheet makes of a formula typed in a cell (or opened from a CSV): ``shown``,
    the text the cell shows (its value, or the formula as written where it has none that can
    be told); ``line``, its string literals as ``literal_text`` gives them when they say more
    than ``shown`` ("" otherwise); ``unread``, whether it may show text that is neither of
    those (a function that builds text from what cannot be evaluated here)."""

    shown: str
    line: str
    unread: bool


def typed(text: str) -> Typed | None:
    """What a spreadsheet shows for a CSV cell ``text`` that it takes as a formula, or None
    when the cell shows nothing but ``text`` itself: not a formula (``-5``, ``+1 555 0100``,
    ``@handle`` and ``=`` alone are numbers, errors or the text as typed), or a formula that
    can only show a number or a value of another cell, which is read where it is.

    A unary ``+`` or ``@`` shows its operand; a ``-`` before a formula that builds text is read
    as a ``-`` before that text (Excel shows an error or the text with its sign: reading the
    text is the safe side). Without the workbook around it, a reference has no value: a formula
    that joins one to something (``=A2&B2``) may build text, and is ``unread``."""
    lead = text[:1]
    if len(text) < 2 or lead not in FORMULA_LEADS:
        return None
    if lead == "=" and (only := _LITERAL_ONLY.fullmatch(text)) is not None:
        # ``="00123"``, the usual way to keep leading zeros, often in every row: its literal.
        return Typed(only[1].replace('""', '"'), "", False)
    formula = "=" + text[1:]
    tokens = _tokens(formula)
    if tokens is None:
        # Not a formula a spreadsheet takes: shown as typed. An "=" cell with the makings of
        # text (a literal, a join, a call) may be one in a dialect this reader does not know;
        # so may any formula too long for this reader to take apart.
        long = len(text) > _MAX_TOKENS
        if (lead == "=" or long) and any(sign in text for sign in '"&('):
            return Typed(text, "", True)
        return None
    if not tokens:
        return None
    found = literals(text)
    value = evaluate(formula, _no_reference)
    if value is None and ("op", ";") in tokens:
        # Arguments split by ";", as Excel writes them where "," is the decimal sign and as
        # LibreOffice does everywhere.
        commas = "".join("," if token == ("op", ";") else token[1] for token in tokens)
        value = evaluate("=" + commas, _no_reference)
    if value is not None:
        shown = "-" + value if lead == "-" else value
        line = literal_text(formula, found) if found else ""
        if shown == text and not line:
            return None
        return Typed(shown, "" if line in (shown, value) else line, False)
    unread = _may_build_text(tokens)
    line = literal_text(formula, found) if found else ""
    if not unread and not line:
        return None
    return Typed(text, line, unread)


def _may_build_text(tokens: list[tuple[str, str]]) -> bool:
    """Whether a formula that cannot be evaluated may show text that is in no cell: it calls a
    function that makes text, refers outside the file, or joins (``&``) a literal, a cell or a
    call to something. Names alone (``- Smith & Co``) are errors in a CSV, which defines none."""
    joins = ("op", "&") in tokens
    for kind, text in tokens:
        if kind == "ext":
            return True
        if kind == "func":
            name = text.upper().removeprefix("_XLFN.").removeprefix("_XLWS.")
            if name not in _NO_NEW_TEXT or joins:
                return True
        if joins and kind in ("string", "ref", "number"):
            return True
    return False
