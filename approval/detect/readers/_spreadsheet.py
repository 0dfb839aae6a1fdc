"""What the spreadsheet readers (xlsx, ods, xls) share.

- Cell values as a person opening the file sees them: a number shown through a number format
  with literal text comes out as that text (212345678 with ``"A"000000000`` is ``A212345678``),
  dates as ISO dates, whole floats as integers (``212345678``, not ``212345678.0``).
- python-calamine, opened from a path or from bytes, with its errors turned into
  ``Unscannable``; a calamine sheet turned into a ``Table`` whose row indices are the sheet's
  0-based row numbers.
- The OLE2 compound file that holds a legacy .xls workbook and also wraps password-encrypted
  OOXML files (an ``EncryptionInfo`` and an ``EncryptedPackage`` stream).

This module is not a reader: it is not listed in ``READER_MODULES``.
"""

from __future__ import annotations

import datetime
import io
import os
import re
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO

from approval.detect.numfmt import NumberFormat
from approval.detect.readers._formulas import (
    cell_text,
    computed,
    derives_no_text,
    evaluate,
    literals,
    references,
)
from approval.detect.units import Cell, Source, Table, Unscannable, Where

if TYPE_CHECKING:
    from python_calamine import CalamineSheet, CalamineWorkbook

ZIP_MAGIC = b"PK\x03\x04"
# What the standard library raises on a damaged zip, besides BadZipFile: a bad deflate stream
# (zlib.error), an unknown compression method (NotImplementedError), a bad CRC or a short
# member (BadZipFile, EOFError), a bad header field (ValueError, OSError).
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
              NotImplementedError, zlib.error)  # fmt: skip
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# ---------------------------------------------------------------------------------------------
# Cell values


def _temporal(value: object) -> str:
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)  # timedelta (durations), and anything a future calamine adds


def clean_row(row: list[Any]) -> list[Cell]:
    """Make one calamine row plain ``Cell`` values, in place: whole floats become ints (an
    A-number is 212345678, not 212345678.0), dates become ISO text.

    This runs once per cell of every sheet, so the common types are tested first and by
    identity: it is most of what the reader adds to calamine's own time. A very wide row loses
    its trailing empty cells (a row of 16,384 empty-looking cells is nothing to read).
    """
    if len(row) > _WIDE_ROW:
        end = len(row)
        while end and (row[end - 1] == "" or row[end - 1] is None):
            end -= 1
        del row[end:]
    for i, value in enumerate(row):
        kind = type(value)
        if kind is str:
            continue
        if kind is float:
            # Beyond 1e15 a float is not an identifier anyone typed, and int() would invent digits.
            if value.is_integer() and -1e15 < value < 1e15:
                row[i] = int(value)
        elif kind is _DATE:
            row[i] = value.isoformat()
        elif kind is not int and kind is not bool:
            row[i] = _temporal(value)
    return row


_DATE = datetime.date
_WIDE_ROW = 1024
_ROW_BATCH = 256  # rows read from calamine before any is passed on (see ``_calamine_rows``)


# ---------------------------------------------------------------------------------------------
# Number formats: ``approval.detect.numfmt``


@dataclass(slots=True)
class _Run:
    first: int
    last: int
    fmt: NumberFormat


@dataclass(slots=True)
class _Cursor:
    index: int  # the column's position in a calamine row
    runs: list[_Run]
    at: int = 0


class Overlay:
    """Which cells of one sheet show their value through a ``NumberFormat``, or show a text
    of their own (ODS keeps the text each cell shows beside the value it stores).

    Kept as runs of consecutive rows per column, so that a 200,000-row column of A-numbers
    costs a few objects, not 200,000.
    """

    def __init__(self) -> None:
        self._runs: dict[int, list[_Run]] = {}
        self._texts: dict[int, dict[int, str]] = {}  # row -> column -> text shown
        self._hiding = False  # a text shown in place of a value that it does not show

    def __bool__(self) -> bool:
        return bool(self._runs or self._texts)

    def show(self, row: int, column: int, text: str, *, hides: bool = False) -> None:
        """Cell (row, column) shows ``text`` in place of its value; ``hides``: the text does
        not show what the cell stores (the stored value is to be read as hidden)."""
        self._texts.setdefault(row, {})[column] = text
        self._hiding = self._hiding or hides

    @property
    def hides(self) -> bool:
        """Whether a cell may show less than it stores (see ``NumberFormat.hides``): the
        sheet's stored values are then read once more, as hidden."""
        return self._hiding or any(run.fmt.hides for runs in self._runs.values() for run in runs)

    def applied(self) -> dict[NumberFormat, tuple[int, int]]:
        """Each format applied to a cell, and its first cell (row, column)."""
        first: dict[NumberFormat, tuple[int, int]] = {}
        for column, runs in sorted(self._runs.items()):
            for run in runs:
                if run.fmt not in first or run.first < first[run.fmt][0]:
                    first[run.fmt] = (run.first, column)
        return first

    def add(self, row: int, column: int, fmt: NumberFormat, last: int | None = None) -> None:
        """Cell (row, column), or the cells of rows ``row`` to ``last`` in that column."""
        last = row if last is None else last
        runs = self._runs.setdefault(column, [])
        if runs and runs[-1].last + 1 == row and runs[-1].fmt is fmt:
            runs[-1].last = last
        else:
            runs.append(_Run(row, last, fmt))

    def apply(self, rows: Iterable[list[Cell]], first_column: int) -> Iterator[list[Cell]]:
        """``rows`` (row 0 first) with formatted values rendered; ``first_column`` is the
        sheet column of each row's first cell."""
        cursors = []
        for column, runs in self._runs.items():
            runs.sort(key=lambda run: run.first)
            cursors.append(_Cursor(column - first_column, runs))
        texts = self._texts
        if len(cursors) == 1 and not texts:
            yield from _apply_one(iter(rows), cursors[0])
            return
        for r, row in enumerate(rows):
            for cursor in cursors:
                runs, at = cursor.runs, cursor.at
                while at < len(runs) and runs[at].last < r:
                    at += 1
                cursor.at = at
                if at < len(runs) and runs[at].first <= r and 0 <= cursor.index < len(row):
                    value = row[cursor.index]
                    kind = type(value)
                    if kind is int or kind is float:
                        row[cursor.index] = runs[at].fmt.render(value)  # type: ignore[arg-type]
                    elif kind is str and runs[at].fmt.text is not None:
                        row[cursor.index] = runs[at].fmt.render_text(value)  # type: ignore[arg-type]
            if r in texts:
                for column, text in texts[r].items():
                    index = column - first_column
                    if 0 <= index < len(row) and row[index] is not None:
                        row[index] = text
            yield row


def _apply_one(rows: Iterator[list[Cell]], cursor: _Cursor) -> Iterator[list[Cell]]:
    """``Overlay.apply`` for one formatted column, the usual case (a column of A-numbers),
    with the current run in local variables: it runs once per row of the sheet."""
    index, runs = cursor.index, cursor.runs
    if index < 0 or not runs:
        yield from rows
        return
    at, first, last, fmt = 0, runs[0].first, runs[0].last, runs[0].fmt
    render, texts = fmt.render, fmt.text is not None
    for r, row in enumerate(rows):
        if r > last:
            while at < len(runs) and runs[at].last < r:
                at += 1
            if at == len(runs):
                yield row
                yield from rows  # no formatted cell below this row
                return
            first, last, fmt = runs[at].first, runs[at].last, runs[at].fmt
            render, texts = fmt.render, fmt.text is not None
        if r >= first and index < len(row):
            value = row[index]
            if type(value) is int or type(value) is float:
                row[index] = render(value)
            elif texts and type(value) is str:
                row[index] = fmt.render_text(value)
        yield row


# ---------------------------------------------------------------------------------------------
# Columns


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: bytes | str) -> int:
    """A -> 0, AA -> 26."""
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


# ---------------------------------------------------------------------------------------------
# python-calamine


@contextmanager
def silenced() -> Iterator[None]:
    """Around a call that parses a file in calamine: stderr (fd 2) goes to /dev/null.

    calamine panics on some malformed files (an index out of range); pyo3 turns the panic
    into an exception, which ``calamine_errors`` reports as corrupt. But Rust's panic hook
    first writes "thread panicked at ..." to fd 2, which would show a user a crash report
    for what is only a corrupt file. Whatever another thread writes to stderr meanwhile (a
    progress bar's refresh) is lost; the bar redraws on its next tick.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no fd 2, or a replaced sys.stderr
        yield
        return
    try:
        with Path(os.devnull).open("wb") as sink:
            os.dup2(sink.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)


@contextmanager
def calamine_errors() -> Iterator[None]:
    """Calamine's failures as ``Unscannable``, with no file content in the reason."""
    try:
        yield
    except Unscannable:
        raise
    except Exception as e:
        from python_calamine import PasswordError, ZipError

        if isinstance(e, PasswordError):
            raise Unscannable("encrypted") from e
        if isinstance(e, ZipError):
            raise Unscannable("corrupt: not a valid zip container") from e
        raise Unscannable(f"corrupt: unreadable workbook ({type(e).__name__})") from e
    except BaseException as e:
        # A Rust panic surfaces as pyo3's PanicException, which derives from BaseException.
        if type(e).__name__ == "PanicException":
            raise Unscannable("corrupt: unreadable workbook") from e
        raise


def open_calamine(
    path: str | None, data: IO[bytes], extensions: tuple[str, ...]
) -> CalamineWorkbook:
    """The workbook from its path when it is a file on disk whose name calamine maps to the
    format (it picks a parser by extension), else from the open stream (it sniffs content)."""
    from python_calamine import CalamineWorkbook

    with calamine_errors(), silenced():
        if path is not None and path.lower().endswith(extensions):
            return CalamineWorkbook.from_path(path)
        data.seek(0)
        return CalamineWorkbook.from_filelike(data)


@contextmanager
def opened(source: Source) -> Iterator[tuple[BinaryIO, str | None]]:
    """The source as a seekable stream, and its path when it is a file on disk."""
    with source.open() as stream:
        name = getattr(stream, "name", None)
        path = name if isinstance(name, str) and Path(name).is_file() else None
        if not stream.seekable():
            # An archive member that cannot seek: zip and calamine both need random access.
            yield io.BytesIO(stream.read()), None
        else:
            yield stream, path


def _calamine_rows(sheet: CalamineSheet) -> Iterator[list[Cell]]:
    # Rows passed on a batch at a time by C iterators: no generator step per row.
    return chain.from_iterable(_calamine_batches(sheet))


def _calamine_batches(sheet: CalamineSheet) -> Iterator[list[list[Cell]]]:
    with calamine_errors():
        if sheet.width > _WIDE_ROW:
            rows = map(clean_row, sheet.iter_rows())  # each row trimmed before the batch holds it
            while batch := list(islice(rows, _ROW_BATCH)):
                yield batch
            return
        raw: Iterator[list[Any]] = sheet.iter_rows()
        while chunk := list(islice(raw, _ROW_BATCH)):
            yield _clean_columns(chunk)


_KEPT = frozenset({str, int, bool})


def _clean_columns(rows: list[list[Any]]) -> list[list[Cell]]:
    """``clean_row`` over a batch of rows as wide as each other, a column at a time: a column
    mostly holds one type, so the types are tested in C and only a column holding something
    to convert (a number, a date) goes through ``clean_row``, which converts it cell by cell
    as it would the rows (the xlsx reader's largest cost per cell, after calamine's own). A
    column of a batch (``_ROW_BATCH`` cells) is never long enough for ``clean_row`` to trim."""
    if len(set(map(len, rows))) != 1:
        return [clean_row(row) for row in rows]
    for i, column in enumerate(zip(*rows, strict=True)):
        if not _KEPT.issuperset(map(type, column)):
            for row, value in zip(rows, clean_row(list(column)), strict=True):
                row[i] = value
    return rows


def sheet_table(
    book: CalamineWorkbook,
    name: str,
    *,
    hidden: bool,
    hidden_rows: Iterable[int] = (),
    hidden_columns: Iterable[int] = (),
    overlay: Overlay | None = None,
    extra: dict[int, dict[int, Cell]] | None = None,
    title: str | None = None,
) -> Table | None:
    """The sheet ``name`` as a ``Table`` (None when it holds no cells), titled ``title``
    (the sheet name when not given: a reader may add the sheet's print header to it).

    ``hidden_rows`` / ``hidden_columns`` and the overlay are in sheet coordinates (0-based row
    and column numbers). calamine yields rows from row 0 of the sheet but cells from the first
    used column, so columns are shifted here, and ``column_names`` keeps the true letters.
    """
    with calamine_errors(), silenced():
        sheet = book.get_sheet_by_name(name)
        start, end = sheet.start, sheet.end
    if extra:
        return _with_extra(
            sheet, start, end, name, hidden, hidden_rows, hidden_columns, overlay, extra, title
        )
    if start is None or end is None:
        return None
    first, last = start[1], end[1]
    rows: Iterable[list[Cell]] = _calamine_rows(sheet)
    if overlay:
        rows = overlay.apply(rows, first)
    return Table(
        where=Where(sheet=name, hidden=hidden),
        rows=rows,
        title=name if title is None else title,
        hidden_rows=frozenset(r for r in hidden_rows if 0 <= r <= end[0]),
        hidden_columns=frozenset(c - first for c in hidden_columns if first <= c <= last),
        column_names=[column_letter(c) for c in range(first, last + 1)],
    )


def _with_extra(
    sheet: CalamineSheet,
    start: tuple[int, int] | None,
    end: tuple[int, int] | None,
    name: str,
    hidden: bool,
    hidden_rows: Iterable[int],
    hidden_columns: Iterable[int],
    overlay: Overlay | None,
    extra: dict[int, dict[int, Cell]],
    title: str | None = None,
) -> Table:
    """``sheet_table`` with cells calamine does not give (formulas without a saved value,
    evaluated), which may lie outside calamine's range: the table spans both."""
    columns = [c for cells in extra.values() for c in cells]
    first = min([*columns, *([start[1]] if start else [])])
    last = max([*columns, *([end[1]] if end else [])])
    last_row = max([*extra, *([end[0]] if end else [])])
    shift = (start[1] - first) if start else 0
    width = last - first + 1

    def rows() -> Iterator[list[Cell]]:
        source: Iterator[list[Cell]] = iter(())
        if start is not None:
            source = _calamine_rows(sheet)
            if overlay:
                source = overlay.apply(source, start[1])
        for index in range(last_row + 1):
            row: list[Cell] = next(source, [])
            if shift:
                row = [None] * shift + row
            cells = extra.get(index)
            if cells:
                row = row + [None] * (width - len(row))
                for column, value in cells.items():
                    row[column - first] = value
            yield row

    return Table(
        where=Where(sheet=name, hidden=hidden),
        rows=rows(),
        title=name if title is None else title,
        hidden_rows=frozenset(r for r in hidden_rows if 0 <= r <= last_row),
        hidden_columns=frozenset(c - first for c in hidden_columns if first <= c <= last),
        column_names=[column_letter(c) for c in range(first, last + 1)],
    )


@dataclass
class FormulaValues:
    """What a sheet's formulas show once computed (``formula_values``)."""

    extra: dict[int, dict[int, Cell]]  # formulas without a saved value: row -> column -> text
    shown: dict[int, dict[int, Cell]]  # saved formulas that compute to another value
    unread: int  # formulas without a saved value that may build text and cannot be computed
    stale: int  # the same with a saved value, in a workbook that recalculates on load

    def reason(self) -> str:
        """Why the sheet's formulas leave it unread ("" when they do not)."""
        parts = []
        if self.unread:
            parts.append(f"{self.unread} formula cells have no saved value")
        if self.stale:
            parts.append(
                f"{self.stale} formula cells are recalculated on load, their saved value unused"
            )
        return " and ".join(parts) + " and cannot be evaluated" if parts else ""

    def recomputed(self) -> dict[int, dict[int, Cell]]:
        """What the formulas show once computed anew: ``extra`` with ``shown`` laid over it."""
        merged = {row: dict(cells) for row, cells in self.extra.items()}
        for row, cells in self.shown.items():
            merged.setdefault(row, {}).update(cells)
        return merged


def formula_values(
    book: CalamineWorkbook,
    sheet: str,
    uncached: list[tuple[int, int, str]],
    saved: list[tuple[int, int, str]] | None = None,
    recalculates: bool = False,
) -> FormulaValues:
    """What the formulas without a saved value (``uncached``: row, column, formula) show,
    and what the formulas with one (``saved``) compute to where that differs from the saved
    value: a saved value is the file's claim about what the application shows, and one that
    recalculates on load (``recalculates``) shows what it computes. A formula is computed
    from the cells it refers to (formulas among them computed in turn); one that cannot be
    and may build text (see ``_formulas.computed``) is unread when it has no saved value, or
    when the workbook ``recalculates``. A saved formula that cannot be computed reads as its
    saved value to the formulas that refer to it, or as its literals joined (``cell_text``)."""
    saved = saved or []
    if not uncached and not saved:
        return FormulaValues({}, {}, 0, 0)
    formulas = {(row, column): formula for row, column, formula in uncached}
    with_value = {(row, column): formula for row, column, formula in saved}
    wanted = {ref for formula in formulas.values() for ref in references(formula)}
    wanted.update(ref for formula in with_value.values() for ref in references(formula))
    wanted.difference_update(formulas)
    wanted.update(with_value)
    values = cell_values(book, sheet, wanted) if wanted else {}
    results: dict[tuple[int, int], str | None] = {}
    pending: set[tuple[int, int]] = set()

    def resolve(row: int, column: int) -> str | None:
        key = (row, column)
        if key in results:
            value = results[key]
        else:
            formula = formulas.get(key) or with_value.get(key)
            if formula is None:
                return values.get(key, "")
            if key in pending or len(pending) > 64:  # a cycle, or a chain too deep to follow
                return None
            pending.add(key)
            value = evaluate(formula, resolve)
            pending.discard(key)
            results[key] = value
        return values.get(key, "") if value is None and key in with_value else value

    out = FormulaValues({}, {}, 0, 0)
    for (row, column), formula in formulas.items():
        value, unread = computed(formula, resolve)
        if value:
            out.extra.setdefault(row, {})[column] = value
        out.unread += unread
    for (row, column), formula in with_value.items():
        value, unread = computed(formula, resolve, saved=not recalculates)
        if value is None and (found := literals(formula)):
            value = cell_text(formula, found)
        if value and value != values.get((row, column), ""):
            out.shown.setdefault(row, {})[column] = value
        out.stale += unread
    return out


def builds_text(formula: str) -> bool:
    """Whether a formula may show text other than a value of the workbook (``_formulas``):
    a join, or a call or reference that ``derives_no_text`` does not clear. The quick tests
    first: most formulas (``SUM(B2:B9)``, ``B2*C2``) are told apart without tokens."""
    if "&" in formula:
        return True
    return ("(" in formula or "[" in formula) and not derives_no_text(formula)


_BARE_REFERENCE = re.compile(r"\s*=?\s*\$?[A-Za-z]{1,3}\$?\d+\s*")


def forwards(formula: str) -> bool:
    """Whether the formula is one cell of the sheet (``=Z100``): it shows what that cell
    shows, which may be a text formula computed anew."""
    return _BARE_REFERENCE.fullmatch(formula) is not None


def cell_values(
    book: CalamineWorkbook, sheet: str, wanted: set[tuple[int, int]]
) -> dict[tuple[int, int], str]:
    """The text of the cells ``wanted`` (sheet coordinates), from calamine."""
    with calamine_errors(), silenced():
        data = book.get_sheet_by_name(sheet)
        start = data.start
    if start is None:
        return {}
    first = start[1]
    by_row: dict[int, list[int]] = {}
    for want_row, want_column in wanted:
        by_row.setdefault(want_row, []).append(want_column)
    last = max(by_row)
    out: dict[tuple[int, int], str] = {}
    with calamine_errors():
        for index, row in enumerate(data.iter_rows()):
            if index > last:
                break
            columns = by_row.get(index)
            if columns:
                cleaned = clean_row(row)
                for want_column in columns:
                    at = want_column - first
                    if 0 <= at < len(cleaned):
                        value = cleaned[at]
                        out[(index, want_column)] = "" if value is None else str(value)
    return out


def is_hidden(visibility: object) -> bool:
    """Whether calamine's ``SheetVisibleEnum`` says hidden or veryHidden."""
    from python_calamine import SheetVisibleEnum

    return bool(visibility != SheetVisibleEnum.Visible)


# ---------------------------------------------------------------------------------------------
# OLE2 compound files (MS-CFB)

_FREE, _END_OF_CHAIN = 0xFFFFFFFF, 0xFFFFFFFE
_ENCRYPTED_STREAMS = frozenset({"EncryptionInfo", "EncryptedPackage"})


class CompoundFile:
    """A read-only view of an OLE2 compound file held in memory: its streams by name.

    Only what the readers need: the directory, and the bytes of a stream (from the FAT or the
    mini stream). Every chain is bounded, so a hostile file cannot loop or read out of range.
    """

    def __init__(self, data: bytes):
        if len(data) < 512 or not data.startswith(OLE_MAGIC):
            raise Unscannable("corrupt: not an OLE2 compound file")
        try:
            self._parse(data)
        except (struct.error, ValueError, IndexError, OverflowError, MemoryError) as e:
            raise Unscannable("corrupt: malformed OLE2 file") from e

    def _parse(self, data: bytes) -> None:
        self._data = data
        shift, mini_shift = struct.unpack_from("<HH", data, 30)
        if shift not in (9, 12) or mini_shift != 6:
            raise Unscannable("corrupt: bad OLE2 header")
        self._size = 1 << shift
        self._count = (len(data) - 512 + self._size - 1) // self._size
        n_fat, dir_start = struct.unpack_from("<II", data, 44)
        self._cutoff, mini_fat_start, _, difat_start, n_difat = struct.unpack_from(
            "<IIIII", data, 56
        )
        fat_sectors = [s for s in struct.unpack_from("<109I", data, 76) if s != _FREE]
        sector = difat_start
        for _ in range(n_difat):
            if sector in (_FREE, _END_OF_CHAIN):
                break
            *ids, sector = struct.unpack(f"<{self._size // 4}I", self._sector(sector))
            fat_sectors.extend(s for s in ids if s != _FREE)
        fat_sectors = fat_sectors[:n_fat] if n_fat else fat_sectors
        fat = b"".join(self._sector(s) for s in fat_sectors)
        self._fat = struct.unpack(f"<{len(fat) // 4}I", fat)
        directory = self._chain(dir_start, self._fat, self._sector)
        self.entries: dict[str, tuple[int, int]] = {}  # stream name -> (start sector, size)
        root: tuple[int, int] | None = None
        for offset in range(0, len(directory) - 127, 128):
            name_len, kind = struct.unpack_from("<HB", directory, offset + 64)
            start, size = struct.unpack_from("<IQ", directory, offset + 116)
            if shift == 9:
                size &= 0xFFFFFFFF  # version 3 files leave the high half undefined
            name = directory[offset : offset + max(0, min(name_len, 64) - 2)].decode(
                "utf-16-le", "replace"
            )
            if kind == 5 and root is None:
                root = (start, size)
            elif kind == 2:
                self.entries.setdefault(name, (start, size))
        if root is None:
            raise Unscannable("corrupt: OLE2 file without a root directory")
        self._mini_fat: tuple[int, ...] = ()
        self._mini = b""
        if mini_fat_start not in (_FREE, _END_OF_CHAIN):
            raw = self._chain(mini_fat_start, self._fat, self._sector)
            self._mini_fat = struct.unpack(f"<{len(raw) // 4}I", raw[: len(raw) // 4 * 4])
            self._mini = self._chain(root[0], self._fat, self._sector)[: root[1]]

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.entries)

    @property
    def encrypted_package(self) -> bool:
        """An OOXML file (xlsx, docx, ...) encrypted with a password: Office wraps it so."""
        return self.names >= _ENCRYPTED_STREAMS

    def stream(self, name: str) -> bytes:
        start, size = self.entries[name]
        if size < self._cutoff:
            data = self._chain(start, self._mini_fat, self._mini_sector)
        else:
            data = self._chain(start, self._fat, self._sector)
        if len(data) < size:
            raise Unscannable("corrupt: OLE2 stream shorter than its size")
        return data[:size]

    def _sector(self, index: int) -> bytes:
        if index >= self._count:
            raise Unscannable("corrupt: OLE2 sector out of range")
        offset = 512 + index * self._size
        sector = self._data[offset : offset + self._size]
        if len(sector) < self._size:
            # A file cut short; refused here, because calamine panics on it.
            raise Unscannable("corrupt: truncated OLE2 file")
        return sector

    def _mini_sector(self, index: int) -> bytes:
        offset = index * 64
        if offset >= len(self._mini):
            raise Unscannable("corrupt: OLE2 mini sector out of range")
        return self._mini[offset : offset + 64].ljust(64, b"\0")

    @staticmethod
    def _chain(start: int, fat: tuple[int, ...], sector: Callable[[int], bytes]) -> bytes:
        parts: list[bytes] = []
        index = start
        while index not in (_END_OF_CHAIN, _FREE):
            if index >= len(fat) or len(parts) > len(fat):  # out of the table, or a loop
                raise Unscannable("corrupt: broken OLE2 sector chain")
            parts.append(sector(index))
            index = fat[index]
        return b"".join(parts)
