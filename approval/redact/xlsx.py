"""XLSX: a new workbook rebuilt from what a reader of the original sees, minus the identifying
columns.

Rebuilt, not edited: loading the workbook with openpyxl, deleting parts and saving it would keep
everything openpyxl carries over and we did not think of (headers and footers, data validation
lists, print titles, custom properties), some of which the scanner does not read, so a clean
rescan could not vouch for them. Here only what is copied exists: for each visible sheet, the
values (formulas as their cached results) and number formats of its visible rows and columns,
without the columns whose findings identify persons, and the column widths. Hidden sheets,
hidden rows and columns, cell comments, defined names, pivot tables and their caches, external
links, charts, images and macros are not copied; provenance counts what that left out.

openpyxl, not python-calamine, reads the original: it knows hidden rows and columns and number
formats, which calamine does not give. It is slower (about 1 s for 6,000 rows), which a redaction
made once can afford.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

from approval.detect.strings import safe_text
from approval.errors import UsageError
from approval.redact.base import Plan, column_words


class XlsxRedactor:
    name = "xlsx"

    def redact(self, source: Path, out: BinaryIO, plan: Plan) -> list[str]:
        from openpyxl import Workbook, load_workbook
        from openpyxl.utils import get_column_letter

        if source.suffix.lower() == ".xlsb":
            raise UsageError("cannot redact xlsb files", hint="save the workbook as .xlsx first")
        # data_only: a formula's cached value, never the formula (it may name a hidden sheet).
        book = load_workbook(source, data_only=True, keep_vba=False)
        new = Workbook()
        new.remove(new.active)
        removed: list[str] = []
        left = _left_out(book)
        for sheet in book.chartsheets:
            removed.append(f"chart sheet {sheet.title}")
        for sheet in book.worksheets:
            if sheet.sheet_state != "visible":
                removed.append(f"sheet {sheet.title} ({sheet.sheet_state}), whole")
                continue
            drop = plan.columns(sheet.title)
            hidden_columns = _hidden_columns(sheet, get_column_letter)
            kept = [
                c
                for c in range(1, sheet.max_column + 1)
                if get_column_letter(c) not in drop and get_column_letter(c) not in hidden_columns
            ]
            named = safe_text(sheet.title, plan.policy) != sheet.title
            # A visible sheet named after a person ("GARCIA, Maria") would carry the name into
            # a clean derivative: the scanner reads titles as context, not as content.
            target = new.create_sheet(f"Sheet{len(new.worksheets) + 1}" if named else sheet.title)
            if named:
                removed.append(f"the title of visible sheet {target.title}, which named a person")
            for position, column in enumerate(kept, start=1):
                width = sheet.column_dimensions[get_column_letter(column)].width
                if width:
                    target.column_dimensions[get_column_letter(position)].width = width
            rows_out = 0
            hidden_rows = 0
            for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row):
                if not row:
                    continue
                if sheet.row_dimensions[row[0].row].hidden:
                    hidden_rows += 1
                    continue
                rows_out += 1
                for position, column in enumerate(kept, start=1):
                    cell = row[column - 1] if column - 1 < len(row) else None
                    if cell is None or cell.value is None:
                        continue
                    copy = target.cell(row=rows_out, column=position, value=_value(cell.value))
                    if cell.number_format and cell.number_format != "General":
                        copy.number_format = cell.number_format
            removed += [
                column_words(letter, header, sheet.title) for letter, header in sorted(drop.items())
            ]
            if hidden_columns:
                removed.append(
                    f"{len(hidden_columns)} hidden column{_s(hidden_columns)} of sheet "
                    f"{sheet.title} ({', '.join(sorted(hidden_columns, key=_column_order))})"
                )
            if hidden_rows:
                removed.append(f"{hidden_rows} hidden row{_s(hidden_rows)} of sheet {sheet.title}")
        if not new.worksheets:
            raise UsageError("cannot redact this workbook: it has no visible sheet to keep")
        new.save(out)
        # Parts the scan found persons in (a pivot cache whose table is gone, say) are named
        # even where openpyxl did not load them: the rebuild copies none of them.
        parts = {
            (str(f.location["part"]), f.location.get("sheet"))
            for f in plan.findings
            if f.location.get("part")
        }
        found = [
            f"{part}{f' of sheet {sheet}' if sheet else ''}: held identifying data"
            for part, sheet in sorted(parts, key=str)
        ]
        return removed + left + found


def _s(count: Any) -> str:
    return "" if (count if isinstance(count, int) else len(count)) == 1 else "s"


def _column_order(letter: str) -> tuple[int, str]:
    return len(letter), letter


def _value(value: Any) -> Any:
    # Error values and anything openpyxl cannot write back come out as their text.
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    import datetime

    if isinstance(value, datetime.datetime | datetime.date | datetime.time | datetime.timedelta):
        return value
    return str(value)


def _hidden_columns(sheet: Any, letter_of: Any) -> set[str]:
    hidden: set[str] = set()
    for dimension in sheet.column_dimensions.values():
        if dimension.hidden and dimension.min and dimension.max:
            hidden.update(letter_of(c) for c in range(dimension.min, dimension.max + 1))
    return hidden


def _left_out(book: Any) -> list[str]:
    """The parts of the workbook the rebuild does not copy, counted (never their content)."""
    comments = sum(
        1
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.comment is not None
    )
    names = len(book.defined_names) + sum(len(s.defined_names) for s in book.worksheets)
    pivots = sum(len(getattr(s, "_pivots", ())) for s in book.worksheets)
    links = len(getattr(book, "_external_links", ()))
    images = sum(
        len(getattr(s, "_images", ())) + len(getattr(s, "_charts", ())) for s in book.worksheets
    )
    counted = (
        (comments, "cell comment", "cell comments"),
        (names, "defined name", "defined names"),
        (pivots, "pivot table and its cache", "pivot tables and their caches"),
        (links, "external link", "external links"),
        (images, "image or chart", "images and charts"),
    )
    return [f"{n} {one if n == 1 else many}" for n, one, many in counted if n]


REDACTOR = XlsxRedactor()
