"""The xlsx reader: every sheet and every hidden place a reader of the file could recover data
from, asserted unit by unit on workbooks built by tests/corpus/spreadsheets.py; then the whole
scanner on the same workbooks, with exact verdicts and person counts."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook

from approval.detect.numfmt import compile_format
from approval.detect.readers.xlsx import READER
from approval.detect.scan import probe, scan_file
from approval.detect.units import (
    Cell,
    Limits,
    Nested,
    Part,
    Probe,
    Source,
    Table,
    Text,
    Unscannable,
    Where,
)
from approval.policy import Policy
from tests.corpus import spreadsheets as corpus
from tests.corpus.people import Person, people
from tests.corpus.tabular import staff_directory_sheet, staff_list_no_header_sheet


@dataclass
class Read:
    """A unit with its rows or lines read out."""

    where: Where
    title: str
    rows: list[list[Cell]]
    hidden_rows: frozenset[int] = frozenset()
    hidden_columns: frozenset[int] = frozenset()
    column_names: list[str] | None = None


def source(path: Path) -> Source:
    return Source(path.name, lambda: path.open("rb"), path.stat().st_size)


def read(path: Path, limits: Limits = Limits()) -> list[Read]:  # noqa: B008 - frozen
    out = []
    for unit in READER.read(source(path), limits):
        if isinstance(unit, Table):
            names = list(unit.column_names) if unit.column_names is not None else None
            out.append(
                Read(
                    unit.where,
                    unit.title,
                    [list(row) for row in unit.rows],
                    unit.hidden_rows,
                    unit.hidden_columns,
                    names,
                )
            )
        elif isinstance(unit, Text):
            if unit.where.part is None or unit.where.part in NAMED_PARTS:
                out.append(Read(unit.where, unit.title, [[line] for line in unit.lines]))
        elif not isinstance(unit, Part | Nested):  # coverage and members: tested below
            raise AssertionError(f"unexpected unit {unit!r}")
    return out


# Units the specific code yields; the others (text of package parts) are tested on their own.
NAMED_PARTS = frozenset({"comments", "defined names", "formulas", "unused shared strings"})


def detainee_rows(persons: tuple[Person, ...]) -> list[list[Cell]]:
    return [
        corpus.DETAINEE_HEADER,
        *(
            [
                p.last_first,
                p.a_number,
                p.birthdate.isoformat(),
                p.nationality,
                p.facility,
                p.claim,
                corpus.fear_result(p),
            ]
            for p in persons
        ),
    ]


def summary_rows(persons: tuple[Person, ...]) -> list[list[Cell]]:
    return [
        ["Detention statistics, fiscal year 2023", ""],
        ["Country of citizenship", "Book-ins"],
        *corpus._aggregate_rows(persons),  # type: ignore[list-item]
    ]


# ---------------------------------------------------------------------------------------------
# Which files the reader takes


def probe_of(path: Path) -> Probe:
    return probe(source(path))


def test_accepts_workbooks_by_content_never_by_name(tmp_path: Path) -> None:
    built = corpus.build_2022_leak(tmp_path, count=3)
    assert READER.accepts(probe_of(built.path))
    renamed = built.path.rename(tmp_path / "stats.eml")  # the name changes nothing
    assert READER.accepts(probe_of(renamed))
    # Without the scanner's directory listing, the head and tail of the bytes say it.
    data = renamed.read_bytes()
    assert READER.accepts(Probe(head=data[:8192], size=len(data), tail=data[-8192:]))
    ole = corpus.ole_file({"EncryptionInfo": b"x" * 64, "EncryptedPackage": b"y" * 64})
    assert READER.accepts(Probe(head=ole[:8192], size=len(ole), tail=ole[-8192:]))
    assert not READER.accepts(Probe(head=corpus.OLE_MAGIC + bytes(504), size=512))
    word = Probe(head=b"PK\x03\x04", size=100, members=frozenset({"word/document.xml"}))
    assert not READER.accepts(word)
    assert not READER.accepts(Probe(head=b"Name,A-Number\n", size=14))


def test_the_registry_picks_this_reader_and_not_plain_zip(tmp_path: Path, policy: Policy) -> None:
    built = corpus.build_2022_leak(tmp_path, count=3)
    report = scan_file(built.path, policy)
    assert report.format == "xlsx"  # zip accepts the bytes too, but xlsx accounts for them all


# ---------------------------------------------------------------------------------------------
# Sheets, hidden or not


def test_the_2022_shape_yields_the_hidden_second_sheet_with_every_value(tmp_path: Path) -> None:
    built = corpus.build_2022_leak(tmp_path, count=6)
    summary, detainees = read(built.path)
    assert summary.where == Where(sheet="Summary", hidden=False)
    assert summary.rows == summary_rows(built.people)
    assert detainees.where == Where(sheet="Detainees", hidden=True)
    assert detainees.title == "Detainees"
    assert detainees.column_names == list("ABCDEFG")
    assert detainees.rows == detainee_rows(built.people)
    assert (detainees.hidden_rows, detainees.hidden_columns) == (frozenset(), frozenset())


def test_xlsm_reads_like_xlsx(tmp_path: Path) -> None:
    built = corpus.build_2022_leak(tmp_path, count=4, suffix=".xlsm")
    units = read(built.path)
    assert [u.where for u in units] == [
        Where(sheet="Summary", hidden=False),
        Where(sheet="Detainees", hidden=True),
    ]
    assert units[1].rows == detainee_rows(built.people)


def test_a_very_hidden_sheet_is_read_and_flagged(tmp_path: Path) -> None:
    built = corpus.build_very_hidden(tmp_path, count=3)
    facilities, data = read(built.path)
    assert facilities.where == Where(sheet="Facilities", hidden=False)
    assert data.where == Where(sheet="Data", hidden=True)
    assert data.rows == detainee_rows(built.people)


def test_hidden_rows_are_listed_by_index(tmp_path: Path) -> None:
    built = corpus.build_hidden_rows(tmp_path, count=5)
    (cases,) = read(built.path)
    assert cases.where == Where(sheet="Cases", hidden=False)
    assert cases.hidden_rows == frozenset(range(1, 6))
    assert cases.hidden_columns == frozenset()
    assert cases.rows[0] == corpus.HIDDEN_ROWS_HEADER
    assert cases.rows[1] == [
        built.people[0].last_first,
        built.people[0].a_number,
        built.people[0].nationality,
        built.people[0].claim,
    ]
    assert cases.rows[-1] == ["Total", 5, "", ""]


def test_hidden_columns_are_listed_by_index(tmp_path: Path) -> None:
    built = corpus.build_hidden_columns(tmp_path, count=3)
    (roster,) = read(built.path)
    assert roster.hidden_columns == frozenset({0, 1})
    assert roster.hidden_rows == frozenset()
    assert [row[:2] for row in roster.rows[1:]] == [[p.name, p.a_number] for p in built.people]


def test_rows_and_columns_keep_sheet_coordinates_when_data_starts_late(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["C5"] = "A-Number"
    sheet["D5"] = "Name"
    sheet["E7"] = 3
    sheet.row_dimensions[6].hidden = True
    sheet.column_dimensions["D"].hidden = True
    sheet.column_dimensions["A"].hidden = True  # left of the data: nothing to flag
    path = tmp_path / "late.xlsx"
    book.save(path)
    (table,) = read(path)
    assert table.column_names == ["C", "D", "E"]
    assert table.hidden_rows == frozenset({5})  # sheet row 6, 0-based
    assert table.hidden_columns == frozenset({1})  # column D within C..E
    assert table.rows[4] == ["A-Number", "Name", ""]
    assert table.rows[6] == ["", "", 3]
    assert len(table.rows) == 7  # rows 1-4 are there, empty, so that indices are sheet rows


# ---------------------------------------------------------------------------------------------
# Values as a reader sees them


def test_a_numbers_stored_as_numbers_come_out_as_shown(tmp_path: Path) -> None:
    built = corpus.build_number_formats(tmp_path, count=4)
    (table,) = read(built.path)
    assert table.rows == [
        ["Applicant", "A-Number", "Claim", "Hearings"],
        *([p.name, p.a_number, p.claim, n] for n, p in enumerate(built.people, start=1)),
    ]


def test_dates_stored_as_serials_come_out_as_iso_dates(tmp_path: Path) -> None:
    built = corpus.build_date_serials(tmp_path, count=3)
    (table,) = read(built.path)
    assert [row[1] for row in table.rows] == [
        "DOB",
        *(p.birthdate.isoformat() for p in built.people),
    ]


def test_literal_formats_are_found_whatever_the_attribute_order(tmp_path: Path) -> None:
    built = corpus.build_number_formats(tmp_path, count=4)
    # Some writers put the style before the reference, and style whole rows: the fast search
    # misses those, and the reader must notice and look cell by cell.
    corpus._rewrite_zip(
        built.path,
        {
            "xl/worksheets/sheet1.xml": lambda xml: xml.replace(
                b'<c r="B3" s="1"', b'<c s="1" r="B3"'
            ).replace(b'<row r="4">', b'<row r="4" s="1" customFormat="1">')
        },
    )
    (table,) = read(built.path)
    assert [row[1] for row in table.rows[1:]] == [p.a_number for p in built.people]
    assert [row[3] for row in table.rows[1:]] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("code", "value", "shown"),
    [
        ('"A"000000000', 212345678, "A212345678"),
        ('"A"000000000', 12345678, "A012345678"),  # zero padding: an 8-digit A-number
        ('"A"000000000', 1212345678, "A1212345678"),  # extra digits go in the first place
        ('"A"000000000', 5.5, "A000000006"),  # Excel rounds half away from zero
        ('"A"000000000', -3, "-A000000003"),
        ("\\A000000000", 212345678, "A212345678"),
        ('"A-"000"-"000"-"000', 212345678, "A-212-345-678"),
        ('"A-"000"-"000"-"000', 1212345678, "A-1212-345-678"),  # the same, not padded alone
        ("000-00-0000", 23456789, "023-45-6789"),
        ('"A"#########', 212345678, "A212345678"),
        ('"A"#########', 0, "A"),
        ('[Red]"A"000000000;[Blue]"(A"000000000")"', -7, "(A000000007)"),
        ('"Case "General', 17, "Case 17"),
        ("[$A-409]000000000", 212345678, "A212345678"),
        ("000000000", 12345678, "012345678"),
    ],
)
def test_number_formats_render_as_excel_shows_them(code: str, value: float, shown: str) -> None:
    fmt = compile_format(code)
    assert fmt is not None
    assert fmt.render(value) == shown


@pytest.mark.parametrize(
    "code",
    ["General", "0", "#", "#,##0", "0.00", "0%", "0.00E+00", "mm/dd/yyyy", "h:mm", "@", ";;;",
     "# ?/?", "[>100]0;0", '"unterminated'],
)  # fmt: skip
def test_formats_that_change_nothing_about_an_identifier_are_not_rendered(code: str) -> None:
    assert compile_format(code) is None


# ---------------------------------------------------------------------------------------------
# Comments, defined names, pivot caches, external links


def test_comments_are_text_one_paragraph_each(tmp_path: Path) -> None:
    built = corpus.build_comments(tmp_path)
    summary, comments = read(built.path)
    assert summary.where == Where(sheet="Summary")
    assert comments.where == Where(part="comments", sheet="Summary", hidden=False)
    first, second = corpus.comment_texts(built.people)
    assert comments.rows == [[first], [""], [second]]


def test_threaded_comments_are_read_when_no_legacy_note_stands_for_them(tmp_path: Path) -> None:
    person = corpus.people(1, seed=31)[0]
    path = corpus.build_clean_aggregates(tmp_path).path
    comment = f"{person.name} {person.a_number} withholding of removal granted"
    corpus._rewrite_zip(
        path,
        {
            "xl/threadedComments/threadedComment1.xml": (
                '<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/'
                '2018/threadedcomments"><threadedComment ref="B3" id="{1}" personId="{2}">'
                f"<text>{comment}</text></threadedComment></ThreadedComments>"
            ).encode(),
            "xl/worksheets/_rels/sheet1.xml.rels": (
                b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                b'relationships"><Relationship Id="rId9" Type="http://schemas.microsoft.com/'
                b'office/2017/10/relationships/threadedComment"'
                b' Target="../threadedComments/threadedComment1.xml"/></Relationships>'
            ),
        },
    )
    _, comments, _ = read(path)
    assert comments.where == Where(part="comments", sheet="Asylum by country")
    assert comments.rows == [[comment]]


def _prefixed(xml: bytes) -> bytes:
    """The sheet as the Open XML SDK may write it: every element with an ``x:`` prefix."""
    xml = re.sub(rb"<(/?)([A-Za-z]\w*)", rb"<\1x:\2", xml)
    return xml.replace(b'<x:worksheet xmlns="', b'<x:worksheet xmlns:x="')


def test_prefixed_sheet_xml_is_read_the_same(tmp_path: Path) -> None:
    hidden = corpus.build_hidden_rows(tmp_path, count=3)
    formatted = corpus.build_number_formats(tmp_path, count=3)
    for built in (hidden, formatted):
        corpus._rewrite_zip(built.path, {"xl/worksheets/sheet1.xml": _prefixed})
    (cases,) = read(hidden.path)
    assert cases.hidden_rows == frozenset({1, 2, 3})
    (applicants,) = read(formatted.path)
    assert [row[1] for row in applicants.rows[1:]] == [p.a_number for p in formatted.people]


def test_a_workbook_without_a_telling_name_is_read(tmp_path: Path) -> None:
    built = corpus.build_2022_leak(tmp_path, count=3)
    renamed = built.path.rename(tmp_path / "download")
    assert READER.accepts(probe_of(renamed))
    assert read(renamed)[1].rows == detainee_rows(built.people)


def test_defined_names_yield_their_constants_not_their_references(tmp_path: Path) -> None:
    built = corpus.build_defined_names(tmp_path)
    _, array, scalars = read(built.path)
    first, *others = built.people
    assert array.where == Where(part="defined names", hidden=True)
    assert array.title == "Applicants"
    assert array.rows == [
        ["Name", "A-Number", "Claim"],
        *([p.last_first, p.a_number, p.claim] for p in others),
    ]
    assert scalars.where == Where(part="defined names", hidden=True)
    assert scalars.rows == [
        [f"Applicant: {first.last_first} {first.a_number} asylum claim pending"]
    ]


def test_a_pivot_cache_keeps_the_records_of_a_deleted_sheet(tmp_path: Path) -> None:
    built = corpus.build_orphan_pivot_cache(tmp_path, count=7)
    pivot, cache = read(built.path)
    assert pivot.where == Where(sheet="Pivot")
    assert cache.where == Where(part="pivot cache 1", sheet="Asylum detainees", hidden=True)
    assert cache.title == "Asylum detainees"
    assert cache.rows == corpus.pivot_records(built.people)


def test_a_pivot_cache_the_workbook_no_longer_lists_is_still_read(tmp_path: Path) -> None:
    built = corpus.build_orphan_pivot_cache(tmp_path, count=3)
    corpus._rewrite_zip(
        built.path,
        {"xl/workbook.xml": lambda xml: xml.split(b"<pivotCaches>")[0] + b"</workbook>"},
    )
    _, cache = read(built.path)
    assert cache.where.part == "pivot cache 1"
    assert cache.rows == corpus.pivot_records(built.people)


def test_a_pivot_cache_without_records_yields_its_shared_items(tmp_path: Path) -> None:
    built = corpus.build_orphan_pivot_cache(tmp_path, count=3)
    with zipfile.ZipFile(built.path) as package:
        parts = {i.filename: package.read(i) for i in package.infolist()}
    del parts["xl/pivotCache/pivotCacheRecords1.xml"]
    with zipfile.ZipFile(built.path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    _, cache = read(built.path)
    assert cache.rows[0] == corpus.PIVOT_FIELDS
    countries = sorted({p.nationality for p in built.people})
    assert [row[3] for row in cache.rows[1 : len(countries) + 1]] == countries


def test_external_link_caches_are_read(tmp_path: Path) -> None:
    person = corpus.people(1, seed=30)[0]
    built = corpus.build_clean_aggregates(tmp_path)
    link = (
        '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<externalBook><sheetNames><sheetName val="Detainees"/></sheetNames><sheetDataSet>'
        '<sheetData sheetId="0"><row r="1"><cell r="A1" t="str"><v>Name</v></cell>'
        '<cell r="B1" t="str"><v>A-Number</v></cell></row>'
        f'<row r="2"><cell r="A2" t="str"><v>{person.last_first}</v></cell>'
        f'<cell r="B2"><v>{person.a_digits}</v></cell></row>'
        "</sheetData></sheetDataSet></externalBook></externalLink>"
    )
    corpus._rewrite_zip(built.path, {"xl/externalLinks/externalLink1.xml": link.encode()})
    *_, cached = read(built.path)
    assert cached.where == Where(part="external link 1", sheet="Detainees", hidden=True)
    assert cached.rows == [["Name", "A-Number"], [person.last_first, int(person.a_digits)]]


def test_a_clean_workbook_yields_its_sheets_and_nothing_else(tmp_path: Path) -> None:
    units = read(corpus.build_clean_aggregates(tmp_path).path)
    assert [(u.where, u.title) for u in units] == [
        (Where(sheet="Asylum by country"), "Asylum by country"),
        (Where(sheet="Notes"), "Notes"),
    ]


# ---------------------------------------------------------------------------------------------
# Files that cannot be read: unscannable, saying why, quoting nothing


def _unscannable(path: Path, limits: Limits = Limits()) -> str:  # noqa: B008 - frozen
    with pytest.raises(Unscannable) as caught:
        read(path, limits)
    return caught.value.reason


def test_an_encrypted_workbook_is_unscannable(tmp_path: Path) -> None:
    assert _unscannable(corpus.build_encrypted(tmp_path).path) == "encrypted"


def test_a_truncated_workbook_is_corrupt(tmp_path: Path) -> None:
    reason = _unscannable(corpus.build_truncated(tmp_path).path)
    assert reason == "corrupt: not a valid zip container"


def test_a_broken_sheet_is_corrupt_and_the_reason_quotes_nothing(tmp_path: Path) -> None:
    built = corpus.build_corrupt_sheet(tmp_path)
    reason = _unscannable(built.path)
    assert reason.startswith("corrupt: ")
    for person in corpus.people(5):
        assert person.last.upper() not in reason.upper()
        assert person.a_digits not in reason


def test_a_zip_password_is_encrypted(tmp_path: Path) -> None:
    path = corpus.build_clean_aggregates(tmp_path).path
    data = bytearray(path.read_bytes())
    # Set the "encrypted" flag of every entry, in local headers and the central directory.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at >= 0:
            data[at + offset] |= 1
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    assert _unscannable(path) == "encrypted"


def test_a_part_that_expands_too_far_is_refused(tmp_path: Path) -> None:
    path = corpus.build_clean_aggregates(tmp_path).path
    corpus._rewrite_zip(path, {"xl/media/padding.bin": bytes(4 << 20)})
    assert _unscannable(path) == "corrupt: a part expands beyond the limits"
    assert read(path, Limits(max_ratio=1e9))  # within looser limits it reads


def test_too_many_parts_are_refused(tmp_path: Path) -> None:
    path = corpus.build_clean_aggregates(tmp_path).path
    assert _unscannable(path, Limits(max_entries=3)) == "corrupt: too many parts in the package"


def test_a_zip_that_is_not_a_workbook_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "not-a-workbook.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("readme.txt", "hello")
    assert _unscannable(path) == "corrupt: no workbook in the package"


def test_a_legacy_xls_named_xlsx_is_read_as_xls(tmp_path: Path) -> None:
    built = corpus.build_xls(tmp_path, count=3)
    renamed = built.path.with_suffix(".xlsx")
    built.path.rename(renamed)
    units = read(renamed)
    assert [u.where for u in units] == [
        Where(sheet="Summary"),
        Where(sheet="Detainees", hidden=True),
    ]
    assert [row[1] for row in units[1].rows[1:]] == [p.a_number for p in built.people]


# ---------------------------------------------------------------------------------------------
# The whole scanner on the corpus: exact verdicts and distinct person counts


CASES = {
    "2022 leak": corpus.build_2022_leak,
    "xlsm": lambda d: corpus.build_2022_leak(d, suffix=".xlsm"),
    "very hidden": corpus.build_very_hidden,
    "hidden rows": corpus.build_hidden_rows,
    "hidden columns": corpus.build_hidden_columns,
    "number formats": corpus.build_number_formats,
    "date serials": corpus.build_date_serials,
    "comments": corpus.build_comments,
    "defined names": corpus.build_defined_names,
    "pivot cache": corpus.build_orphan_pivot_cache,
    "clean aggregates": corpus.build_clean_aggregates,
    "encrypted": corpus.build_encrypted,
    "truncated": corpus.build_truncated,
    "corrupt sheet": corpus.build_corrupt_sheet,
}


@pytest.mark.parametrize("case", CASES)
def test_scan_verdicts_and_person_counts(case: str, tmp_path: Path, policy: Policy) -> None:
    built = CASES[case](tmp_path)
    report = scan_file(built.path, policy)
    assert report.format == "xlsx"
    assert report.verdict == built.truth.verdict, report.reason
    assert report.classes.get("protected-person", 0) == built.truth.persons
    if built.truth.reason:
        assert report.reason is not None
        assert report.reason.startswith(built.truth.reason)


def test_scan_reports_the_hidden_sheet_and_redacts_samples(tmp_path: Path, policy: Policy) -> None:
    built = corpus.build_2022_leak(tmp_path, count=20)
    report = scan_file(built.path, policy)
    located = {(f.location.get("sheet"), f.location.get("hidden")) for f in report.findings}
    assert ("Detainees", True) in located
    text = str(report.to_dict())
    for person in built.people:
        assert person.a_number not in text
        assert person.last_first not in text


def test_the_leak_sized_workbook_is_counted_exactly(tmp_path: Path, policy: Policy) -> None:
    built = corpus.build_2022_leak(tmp_path, count=6252)
    report = scan_file(built.path, policy)
    assert report.verdict == "protected"
    assert report.classes == {"protected-person": 6252}


@pytest.mark.parametrize(
    "build", [corpus.build_2022_leak, corpus.build_orphan_pivot_cache, corpus.build_comments]
)
def test_damaged_files_are_read_or_unscannable_never_a_crash(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], build: Callable[[Path], corpus.Built]
) -> None:
    outcomes = corpus.mutation_outcomes(READER, build(tmp_path).path)
    assert "unscannable" in outcomes
    assert "panicked" not in capfd.readouterr().err


# ---------------------------------------------------------------------------------------------
# Print headers and footers title the sheet's table (issue 19: context from a page header)

PRINT_SLOTS = ("oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter")


def _printed(path: Path, rows: list[list[Cell]], slot: str | None, section: str, text: str) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sheet1"
    if slot is not None:
        getattr(getattr(sheet, slot), section).text = text
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _names_and_a_numbers(count: int) -> list[list[Cell]]:
    persons = people(count, seed=4906)
    rows: list[list[Cell]] = [["Name", "A-Number", "Facility"]]
    return rows + [[p.name, p.a_number, p.facility] for p in persons]


@pytest.mark.parametrize("slot", PRINT_SLOTS)
def test_every_print_header_and_footer_titles_the_sheet_table(slot: str, tmp_path: Path) -> None:
    text = '&"Arial,Bold"&14Credible fear &&  reasonable fear&KFF0000 referrals, page &P of &N'
    path = _printed(tmp_path / "p.xlsx", _names_and_a_numbers(3), slot, "center", text)
    units = list(READER.read(source(path), Limits()))
    (table,) = [u for u in units if isinstance(u, Table)]
    assert table.title == "Sheet1 / Credible fear & reasonable fear referrals, page of"
    # Still read as text of its own too: a value written in the header counts.
    outside = [
        u for u in units if isinstance(u, Text) and u.where.part == "xl/worksheets/sheet1.xml"
    ]
    assert any("Credible fear" in line for u in outside for line in u.lines)


def test_each_section_of_a_print_header_is_a_title_of_its_own(tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.oddHeader.left.text = "&D &T"
    sheet.oddHeader.center.text = "Withholding docket"
    sheet.oddHeader.right.text = "&F / &A"
    sheet.evenFooter.right.text = "Withholding docket"
    sheet.append(["a", "b"])
    book.save(path)
    (table,) = [u for u in READER.read(source(path), Limits()) if isinstance(u, Table)]
    # Codes alone (a date, a file name) title nothing; a section repeated is given once.
    assert table.title == "Sheet / Withholding docket"


def test_a_sheet_without_print_headers_is_titled_by_its_name(tmp_path: Path) -> None:
    path = _printed(tmp_path / "p.xlsx", _names_and_a_numbers(2), None, "center", "")
    (table,) = [u for u in READER.read(source(path), Limits()) if isinstance(u, Table)]
    assert table.title == "Sheet1"


@pytest.mark.parametrize("slot", ["oddHeader", "evenFooter", "firstHeader"])
def test_a_claim_named_in_the_print_header_protects_the_names_under_it(
    slot: str, tmp_path: Path, policy: Policy
) -> None:
    rows = _names_and_a_numbers(5)
    bare = scan_file(_printed(tmp_path / "bare.xlsx", rows, None, "center", ""), policy)
    assert bare.classes == {"personal-data": 5}
    titled = scan_file(
        _printed(tmp_path / "cf.xlsx", rows, slot, "center", "&BCredible fear referrals&B"), policy
    )
    assert titled.classes == {"protected-person": 5}, titled.reason


@pytest.mark.parametrize("header", ["Page &P of &N", "&L&D&C&A&RPage &P", "Asylum Office staff"])
def test_a_print_header_over_a_staff_list_changes_nothing(
    header: str, tmp_path: Path, policy: Policy
) -> None:
    for case in (staff_directory_sheet(), staff_list_no_header_sheet()):
        rows: list[list[Cell]] = [list(r) for r in case.rows]
        bare = scan_file(_printed(tmp_path / "bare.xlsx", rows, None, "center", ""), policy)
        printed = scan_file(
            _printed(tmp_path / "p.xlsx", rows, "oddHeader", "center", header), policy
        )
        assert (printed.verdict, printed.classes) == (bare.verdict, bare.classes), case.name
        assert bare.verdict == case.verdict
