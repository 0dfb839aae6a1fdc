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

An ``O`` record with ``L`` (A1 mode) switches the formulas after it to A1 notation (``A1&B1``;
a shared formula moves with its cell), as Gnumeric reads them, and a file LibreOffice wrote
(``ID;PCALCOOO32``, ``ID;PSCALC3``) has them from the start, as LibreOffice reads its own.
Microsoft's notes say SYLK expressions stay R1C1 whatever the mode, so a formula in A1 mode is
read both ways: the cell shows the first reading that can be computed, the other's value is
read besides (part "formulas", hidden), and a reading that may build text it cannot compute,
with no saved value, blocks as above. A defined name (``NN;Nfull;E"Ma"&"ria"``) that a formula
uses is computed through its expression, as the spreadsheet does; one that cannot be (a name
deeper than a few names of names) is a formula that may build text, and one whose names
expand past 32 KiB (names of names multiply) is unread whatever value is saved.
``P`` records are number formats (``P;P"A"000000000``): their literal text is read as
hidden text, as the other spreadsheets' formats are.

The text readers read the same bytes as lines besides; this one adds what a spreadsheet shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from approval.detect.numfmt import format_literals
from approval.detect.readers._formulas import (
    computed,
    from_r1c1,
    literal_text,
    literals,
    shift,
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
# Producers (``ID;P...``) whose SYLK formulas are in A1 notation: LibreOffice's own files.
_A1_PRODUCERS = frozenset({"CALCOOO32", "SCALC3"})


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
        formulas: list[_Formula] = []
        defined: dict[tuple[int, int], _Formula] = {}  # each formula by its cell, for sharing
        a1 = False  # formulas in A1 notation (``O;L``, LibreOffice's own files)
        names: dict[str, str] = {}  # defined names (``NN;Nname;Eexpression``), upper case
        orphans = 0  # cells sharing the formula of a cell that has none, with no saved value
        shown_formats: list[str] = []
        other: list[str] = []  # comments, names, records of kinds not read as cells
        row = column = 1
        for record in text.splitlines():
            fields = _fields(record)
            kind = fields[0]
            if kind == "ID":
                a1 = a1 or any(f[:1] == "P" and f[1:] in _A1_PRODUCERS for f in fields[1:])
            elif kind == "O":
                # Options: ``L`` is A1 mode, for the formulas from here on.
                a1 = a1 or any(f[:1] == "L" for f in fields[1:])
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
                    this: _Formula | None = None
                    if formula is not None:
                        this = _Formula(row, column, formula, saved is not None, a1)
                    elif shared:
                        # The formula of the cell that defines it, as written there: R1C1
                        # reads the same from any cell, A1 references move with the cell.
                        master = defined.get((origin[0], origin[1]))
                        if master is not None:
                            this = _Formula(
                                row, column, master.text, saved is not None, master.a1, master
                            )
                        orphans += master is None and saved is None
                    if this is not None:
                        defined[(row, column)] = this.master or this
                        formulas.append(this)
            elif kind == "P":
                for field in fields[1:]:
                    if field[:1] == "P":
                        shown_formats += format_literals(field[1:])
            elif kind not in _LAYOUT and record.strip():
                if kind == "NN":
                    named = {f[:1]: f[1:] for f in fields[1:] if f[:1] in ("N", "E")}
                    # A name that reads as a cell (``A1``, ``R1C1``) is none Excel keeps.
                    if named.get("N") and "E" in named and not _CELL.fullmatch(named["N"]):
                        names[named["N"].upper()] = named["E"]
                # Names (``NN``), links, records this reader does not know: read as text, so
                # that nothing in the file goes unread.
                other.append(record)
        if len(formulas) > _MAX_FORMULAS:
            raise Bound(f"more than {_MAX_FORMULAS} formulas", "max_cells")
        yield Part("sheet", "sheet", source.size, PARSED)
        unread = orphans
        too_long = 0  # formulas whose names expand past the cap, unread whatever is saved
        formula_lines: list[str] = []
        for entry in formulas:
            expanded = [_with_names(reading, names) for reading in entry.readings()]
            readings = [reading for reading in expanded if reading is not None]
            values: list[str] = []
            unseen = False
            for reading in readings:
                value, missed = computed(
                    reading, lambda rr, cc: cells.get((rr + 1, cc + 1)), entry.saved
                )
                unseen = unseen or missed
                if value is not None and value not in values:
                    values.append(value)
            if values:
                # What Excel shows once it has computed the formula on opening; what the
                # other reading computes is read besides.
                cells[(entry.row, entry.column)] = values[0]
                formula_lines.extend(values[1:])
            if len(readings) < len(expanded):
                too_long += 1
            else:
                unread += unseen
            if readings and (found := literals(entry.text)):
                formula_lines.append(literal_text(readings[0], found))
        if unread or too_long:
            reasons = [unread_reason(unread)] if unread else []
            if too_long:
                reasons.append(
                    f"{too_long} formula(s) whose defined names expand past"
                    f" {_MAX_EXPANDED >> 10} KiB"
                )
            yield Part("formulas", "formula", 0, UNREAD, "; ".join(reasons))
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


_STRING = re.compile(r'("(?:[^"]|"")*")')
_NAME = re.compile(r"(?<![\w.$'])[A-Za-z_\\][\w.]*(?![\w(!])")
_CELL = re.compile(r"[A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*")
_NAME_DEPTH = 4  # names whose expressions use names, followed this deep
# The most characters a formula may grow to as its names are replaced: each level can multiply
# it (a name used k times in a name used k times...: k**4), and a 6 KB file took a minute.
_MAX_EXPANDED = 32 * 1024


def _with_names(formula: str, names: dict[str, str]) -> str | None:
    """``formula`` with each defined name it uses replaced by the name's expression, in
    brackets, as a spreadsheet computes it (``=full`` where ``full`` is ``"Ma"&"ria"``
    shows "Maria"); names deeper than ``_NAME_DEPTH`` are left, which cannot be computed.
    None when it grows past ``_MAX_EXPANDED`` characters, counted as names are replaced."""
    if not names:
        return formula
    for _ in range(_NAME_DEPTH):
        out: list[str] = []
        size = len(formula)
        changed = False
        for index, piece in enumerate(_STRING.split(formula)):
            at = 0
            for match in _NAME.finditer(piece) if index % 2 == 0 else ():  # not in literals
                expression = names.get(match.group(0).upper())
                if expression is None:
                    continue
                size += len(expression) + 2 - len(match.group(0))
                if size > _MAX_EXPANDED:
                    return None
                out += (piece[at : match.start()], "(", expression, ")")
                at = match.end()
                changed = True
            out.append(piece[at:])
        if not changed:
            break
        formula = "".join(out)
    return formula


@dataclass(frozen=True)
class _Formula:
    """A cell's formula as the file writes it, in A1 notation or R1C1; ``master``, the cell
    whose formula it shares (``C;S;R2;C1``)."""

    row: int
    column: int
    text: str
    saved: bool  # a value is saved with it
    a1: bool
    master: _Formula | None = None

    def readings(self) -> list[str]:
        """The formula in the A1 notation ``_formulas`` reads: in R1C1 mode its R1C1
        reading; in A1 mode its A1 reading (moved from its master's cell), then the R1C1
        one, where they differ."""
        r1c1 = from_r1c1(self.text, self.row, self.column)
        if not self.a1:
            return [r1c1]
        a1 = self.text
        if self.master is not None:
            a1 = shift(self.text, self.row - self.master.row, self.column - self.master.column)
        return [a1] if r1c1 == a1 else [a1, r1c1]
