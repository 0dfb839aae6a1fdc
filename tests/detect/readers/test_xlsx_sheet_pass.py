"""The xlsx reader's own pass over a sheet's XML: the shared strings its cells use, found
without collecting every reference (``_UsedStrings``), and the attributes that hide a row or
a column, found in one pass; and calamine's values cleaned a column at a time. Each is checked
against the plain way of doing the same, on workbooks written as raw XML (as Excel writes
them: one string table, cells pointing into it) or by openpyxl."""

from __future__ import annotations

import datetime
import random
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from approval.detect.readers._spreadsheet import clean_row
from approval.detect.readers.xlsx import (
    _CHUNK,
    _MAX_GAPS,
    _STRING_INDEX,
    READER,
    _news,
    _UsedStrings,
)
from approval.detect.units import Limits, Source, Table, Text

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _cells(indices: list[bytes]) -> list[bytes]:
    return [b'<c r="A%d" t="s"><v>%s</v></c>' % (n, i) for n, i in enumerate(indices, start=1)]


def _tally(chunks: list[bytes]) -> _UsedStrings:
    used = _UsedStrings()
    for chunk in chunks:
        used.note(chunk)
    return used


def _every(chunks: list[bytes]) -> set[int]:
    return {int(i) for chunk in chunks for i in _STRING_INDEX.findall(chunk)}


def _chunked(cells: list[bytes], size: int) -> list[bytes]:
    return [b"".join(cells[i : i + size]) for i in range(0, len(cells), size)]


@pytest.mark.parametrize("top", [-1, 0, 7, 9, 10, 99, 100, 190, 1999, 20309])
def test_news_are_exactly_the_indices_above_the_top_or_with_a_leading_zero(top: int) -> None:
    pattern = _news(top, ())
    for number in [*range(0, 2100), 20308, 20309, 20310, 99999, 10**9]:
        cell = b'<c r="B2" t="s"><v>%d</v></c>' % number
        assert (pattern.findall(cell) == [b"%d" % number]) == (number > top or number == 0)
    assert pattern.findall(b'<c r="B2" t="s"><v>007</v></c>') == [b"007"]


ORDERS = {
    # Excel's order: each string numbered when a cell first uses it, later cells reuse it.
    "first use": [b"0", b"1", b"0", b"2", b"1", b"3", b"4", b"2", b"5"],
    # An index skipped over in one chunk and used in a later one (a gap, then filled).
    "gap filled later": [b"0", b"1", b"3", b"4", b"0", b"5", b"2", b"6", b"2"],
    # A gap never filled: string 2 is used by no cell.
    "gap left": [b"0", b"1", b"3", b"4", b"5", b"6", b"1"],
    # Leading zeros name the same strings (0002 is 2), whatever the top.
    "leading zeros": [b"0", b"01", b"002", b"3", b"0004", b"5", b"0002"],
    # A reversed table: the first cell jumps far past the top, too many gaps to track.
    "reversed": [b"%d" % i for i in range(_MAX_GAPS + 40, -1, -1)],
    # An index past the end of any table, then small ones.
    "far index": [b"0", b"900000000", b"1", b"2"],
}


@pytest.mark.parametrize("order", list(ORDERS))
@pytest.mark.parametrize("size", [1, 2, 3, 100])
def test_the_tally_finds_the_same_indices_as_collecting_every_reference(
    order: str, size: int
) -> None:
    chunks = _chunked(_cells(ORDERS[order]), size)
    assert _tally(chunks).indices == _every(chunks)


def test_a_table_in_another_order_falls_back_to_collecting_everything() -> None:
    rng = random.Random(17)
    indices = [b"%d" % rng.randrange(5000) for _ in range(3000)]
    chunks = _chunked(_cells(indices), 97)
    used = _tally(chunks)
    assert used.every
    assert used.indices == _every(chunks)


def test_the_first_use_order_is_followed_without_falling_back() -> None:
    rng = random.Random(3)
    indices: list[bytes] = []
    for new in range(2000):  # a unique value per row, then values of a few earlier rows
        indices += [b"%d" % new, *(b"%d" % rng.randrange(new + 1) for _ in range(5))]
    chunks = _chunked(_cells(indices), 250)
    used = _tally(chunks)
    assert not used.every and not used.gaps
    assert used.indices == _every(chunks) == set(range(2000))


def test_random_references_in_random_chunks_match_every_reference() -> None:
    rng = random.Random(11)
    for _ in range(25):
        count = rng.randint(1, 300)
        indices: list[bytes] = []
        for new in range(count):
            if rng.random() < 0.95:
                indices.append(b"%d" % new)
            indices += [b"%d" % rng.randrange(new + 1) for _ in range(rng.randint(0, 2))]
        cells = _cells(indices)
        chunks, at = [], 0
        while at < len(cells):
            step = rng.randint(1, 40)
            chunks.append(b"".join(cells[at : at + step]))
            at += step
        assert _tally(chunks).indices == _every(chunks)


# ---------------------------------------------------------------------------------------------
# Whole workbooks, as the reader reads them


def _workbook(path: Path, sheet: str, strings: list[str]) -> Path:
    table = "".join(f"<si><t>{s}</t></si>" for s in strings)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
            '.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats'
            '-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>'
            '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
        z.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{_NS}">{sheet}</worksheet>')
        z.writestr("xl/sharedStrings.xml", f'<sst xmlns="{_NS}">{table}</sst>')
    return path


def _read(path: Path) -> tuple[list[Table], list[Text]]:
    source = Source(path.name, lambda: path.open("rb"), path.stat().st_size)
    units = list(READER.read(source, Limits()))
    tables = [u for u in units if isinstance(u, Table)]
    texts = [u for u in units if isinstance(u, Text) and u.where.part == "unused shared strings"]
    return tables, texts


def test_strings_skipped_in_one_chunk_and_used_in_a_later_one_are_not_unused(
    tmp_path: Path,
) -> None:
    # Row r uses string r, except that string 1 is first used in the last row, past the first
    # 1 MiB chunk of the sheet, and string 2 is used by no cell at all.
    rows = 30_000
    strings = [f"Value {i}" for i in range(rows + 1)]
    strings[2] = "Unused Person"
    order = [0, *range(3, rows + 1), 1]
    sheet = "<sheetData>" + "".join(
        f'<row r="{r}"><c r="A{r}" t="s"><v>{i}</v></c></row>' for r, i in enumerate(order, start=1)
    )
    sheet += "</sheetData>"
    assert len(sheet) > _CHUNK  # the tally runs over more than one chunk
    path = _workbook(tmp_path / "book.xlsx", sheet, strings)
    tables, unused = _read(path)
    (table,) = tables
    cells = [row[0] for row in table.rows]
    assert cells[-1] == "Value 1" and len(cells) == rows
    assert [line for text in unused for line in text.lines] == ["Unused Person"]


ROW_CASES = [
    ('<row r="2" ht="0" customHeight="1">', True),
    ('<row r="2" ht="0.00">', True),
    ('<row hidden="true" r="2">', True),
    ('<row r="2" customHeight="0">', False),
    ('<row r="2" ht="0.5">', False),
    ('<row r="2" x14ac:depth="0" xmlns:x14ac="urn:x14ac">', False),
]


@pytest.mark.parametrize(("tag", "hidden"), ROW_CASES)
def test_rows_hidden_by_any_of_the_attributes_and_only_those(
    tag: str, hidden: bool, tmp_path: Path
) -> None:
    sheet = (
        '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>'
        f'{tag}<c r="A2" t="s"><v>1</v></c></row></sheetData>'
    )
    (table,), _ = _read(_workbook(tmp_path / "rows.xlsx", sheet, ["Name", "Maria Lopez"]))
    assert table.hidden_rows == (frozenset({1}) if hidden else frozenset())


COLUMN_CASES = [
    ('<col min="2" max="3" width="0"/>', {1, 2}),
    ('<col min="2" max="2" width="0.0" customWidth="1"/>', {1}),
    ('<col min="2" max="2" hidden="1" width="9"/>', {1}),
    ('<col min="2" max="2" width="9" outlineDepth="0"/>', set()),
    ('<col min="2" max="2" width="0.25"/>', set()),
]


@pytest.mark.parametrize(("tag", "hidden"), COLUMN_CASES)
def test_columns_hidden_by_any_of_the_attributes_and_only_those(
    tag: str, hidden: set[int], tmp_path: Path
) -> None:
    sheet = (
        f'<cols>{tag}</cols><sheetData><row r="1">'
        + "".join(f'<c r="{c}1" t="s"><v>0</v></c>' for c in "ABC")
        + "</row></sheetData>"
    )
    (table,), _ = _read(_workbook(tmp_path / "cols.xlsx", sheet, ["Name"]))
    assert table.hidden_columns == frozenset(hidden)


# ---------------------------------------------------------------------------------------------
# Cell values, a column at a time


def test_values_cleaned_a_column_at_a_time_are_those_of_clean_row(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["A-Number", "Born", "Seen", "Amount", "Flag", "Note", "Big"])
    for i in range(700):  # several batches; types change inside columns and between batches
        sheet.append(
            [
                f"A{200_000_000 + i}" if i % 50 else 200_000_000 + i,
                datetime.date(1980, 1, 1) + datetime.timedelta(days=i),
                datetime.datetime(2024, 5, 1, i % 24, 30) if i % 3 else datetime.time(9, i % 60),
                i * 1.5 if i > 400 else float(i),
                bool(i % 2),
                None if i % 7 else "see file",
                1e16 + i if i % 5 == 0 else i,
            ]
        )
    path = tmp_path / "types.xlsx"
    book.save(path)
    expected = [
        clean_row(list(row))
        for row in CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Sheet").iter_rows()
    ]
    (table,), _ = _read(path)
    rows = [list(row) for row in table.rows]
    # Types too: 1.0 == 1, but an A-number must come out as 200000001, never 200000001.0.
    assert [[(type(v), v) for v in row] for row in rows] == [
        [(type(v), v) for v in row] for row in expected
    ]
    assert rows[2][:2] == ["A200000001", "1980-01-02"] and rows[1][0] == 200_000_000
