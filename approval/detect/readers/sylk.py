"""SYLK (SYmbolic LinK), the spreadsheet text format Excel and LibreOffice open as a sheet.

Excel opens any file that starts with ``ID;`` as SYLK, whatever its name (a ``.csv`` too), and
computes its formulas on opening: ``C;Y2;X1;E"Mar"&"ia Lo"&"pez"`` shows ``Maria Lopez``
though no line of the file says it. Read as text, such a file passes. This reader reads it as
the sheet Excel shows: ``C`` records place cells (``Y`` row, ``X`` column, kept from the record
before when left out, as ``F`` records also move them), ``K`` is a cell's saved value and ``E``
its formula (``M`` an array formula's; ``S`` shares the formula of the cell its ``R`` and ``C``
name), in R1C1 notation (``R[-1]C``: one row up), which is evaluated as the workbook readers
evaluate one (``readers._formulas``). A formula that may build text it cannot
evaluate, with no saved value, is a cell no one can vouch for: an unread part that blocks.
``P`` records are number formats (``P;P"A"000000000``): their literal text is read as
hidden text, as the other spreadsheets' formats are.

The text readers read the same bytes as lines besides; this one adds what a spreadsheet shows.
"""

from __future__ import annotations

from collections.abc import Iterator

from approval.detect.numfmt import format_literals
from approval.detect.readers._formulas import (
    computed,
    from_r1c1,
    literal_text,
    literals,
    unread_reason,
)
from approval.detect.units import (
    PARSED,
    UNREAD,
    Bound,
    Limits,
    Part,
    Probe,
    Source,
    Table,
    Text,
    Unit,
    Unscannable,
    Where,
)

_BOM = b"\xef\xbb\xbf"
_MAX_FORMULAS = 100_000  # formulas evaluated; past this the file is read as too many
# Records that only lay out the sheet (the header, its bounds, options, column widths, the
# end): no text of their own.
_LAYOUT = frozenset({"ID", "B", "O", "W", "E"})
_MAX_COLUMNS = 16_384  # Excel's last column


def _is_sylk(head: bytes) -> bool:
    return head.removeprefix(_BOM).startswith(b"ID;")


def _fields(record: str) -> list[str]:
    """A record's fields: ``;`` separates them, ``;;`` is a semicolon inside one."""
    return [f.replace("\0", ";") for f in record.replace(";;", "\0").split(";")]


def _value(raw: str) -> str:
    """A ``K`` value as a cell shows it: a string unquoted, a number or truth value as it is."""
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        return raw[1:-1].replace('""', '"')
    return raw


class SylkReader:
    name = "sylk"

    def accepts(self, probe: Probe) -> bool:
        return _is_sylk(probe.head)

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        with source.open() as f:
            data = f.read(limits.max_text_chars + 1)
        if len(data) > limits.max_text_chars:
            raise Bound(f"more than {limits.max_text_chars} characters of text", "max_text_chars")
        if not _is_sylk(data[:16]):
            raise Unscannable("corrupt: not a SYLK file")
        try:
            text = data.removeprefix(_BOM).decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")  # the ANSI code page Excel assumes
        cells: dict[tuple[int, int], str] = {}
        formulas: list[tuple[int, int, str, bool]] = []  # row, column, formula, saved value
        defined: dict[tuple[int, int], str] = {}  # each formula by its cell, for shared ones
        orphans = 0  # cells sharing the formula of a cell that has none, with no saved value
        shown_formats: list[str] = []
        other: list[str] = []  # comments, names, records of kinds not read as cells
        row = column = 1
        for record in text.splitlines():
            fields = _fields(record)
            kind = fields[0]
            if kind in ("C", "F"):
                saved: str | None = None
                formula: str | None = None
                shared = False
                origin = [0, 0]  # the cell a shared formula (``;S;R2;C1``) is taken from
                for field in fields[1:]:
                    tag, rest = field[:1], field[1:]
                    if tag == "Y" and rest.isdigit():
                        row = int(rest)
                    elif tag == "X" and rest.isdigit():
                        column = int(rest)
                    elif kind == "C" and tag == "K":
                        saved = _value(rest)
                    elif kind == "C" and tag in ("E", "M"):  # M: an array formula's
                        formula = rest
                    elif kind == "C" and tag == "S":
                        shared = True
                    elif kind == "C" and tag in ("R", "C") and rest.isdigit():
                        origin[tag == "C"] = int(rest)
                    elif kind == "C" and tag == "A":  # a cell's comment
                        other.append(_value(rest))
                if kind == "C":
                    if len(cells) >= limits.max_cells:
                        raise Bound(f"more than {limits.max_cells} cells", "max_cells")
                    if saved is not None:
                        cells[(row, column)] = saved
                    if shared and formula is None:
                        # R1C1 reads the same from any cell: the shared formula is the text
                        # of the cell that defines it.
                        formula = defined.get((origin[0], origin[1]))
                        orphans += formula is None and saved is None
                    if formula is not None:
                        defined[(row, column)] = formula
                        formulas.append((row, column, formula, saved is not None))
            elif kind == "P":
                for field in fields[1:]:
                    if field[:1] == "P":
                        shown_formats += format_literals(field[1:])
            elif kind not in _LAYOUT and record.strip():
                # Names (``NN``), links, records this reader does not know: read as text, so
                # that nothing in the file goes unread.
                other.append(record)
        if len(formulas) > _MAX_FORMULAS:
            raise Bound(f"more than {_MAX_FORMULAS} formulas", "max_cells")
        yield Part("sheet", "sheet", source.size, PARSED)
        unread = orphans
        formula_lines: list[str] = []
        for r, c, formula, has_saved in formulas:
            a1 = from_r1c1(formula, r, c)
            value, unseen = computed(a1, lambda rr, cc: cells.get((rr + 1, cc + 1)), has_saved)
            if value is not None:
                # What Excel shows once it has computed the formula on opening.
                cells[(r, c)] = value
            unread += unseen
            if found := literals(formula):
                formula_lines.append(literal_text(a1, found))
        if unread:
            yield Part("formulas", "formula", 0, UNREAD, unread_reason(unread))
        if cells:
            last_column = max(c for _, c in cells)
            if last_column > _MAX_COLUMNS:
                raise Unscannable(f"corrupt: a cell past column {_MAX_COLUMNS}")
            # Rows that hold a cell only: a row number far down names no row between.
            numbers = sorted({r for r, _ in cells})
            if len(numbers) * last_column > limits.max_cells:
                # A few records far apart (a cell at the last column, one per row) would lay
                # out billions of empty cells: refused before one is made.
                raise Bound(f"more than {limits.max_cells} cells", "max_cells")
            rows = ([cells.get((r, c), "") for c in range(1, last_column + 1)] for r in numbers)
            yield Table(where=Where(part=source.part), rows=rows)
        if formula_lines:
            yield Text(Where(part="formulas", hidden=True), formula_lines, "")
        if other:
            yield Text(Where(part="other records", hidden=True), other, "")
        if shown_formats:
            yield Text(Where(part="number formats", hidden=True), shown_formats, "")


READER = SylkReader()
