"""Office packages and ZIP: every member accounted for, and the attacks of issue 12 that went
through them, each built by code and scanned with the default policy. None may scan clean;
ordinary workbooks and documents must scan as before, with no unread part that blocks."""

from __future__ import annotations

import io
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from approval.detect.readers._formulas import letter
from approval.detect.readers._package import account, package_kinds, xml_text
from approval.detect.report import FileReport
from approval.detect.scan import scan_file
from approval.detect.units import AS_TEXT, PARSED, UNREAD, Limits, Nested, Part, Probe, Text
from approval.policy import Policy
from tests.corpus import documents as docs
from tests.corpus import packages as pk
from tests.corpus import spreadsheets as sheets
from tests.corpus.documents import source

GROUP = pk.persons(6)


def scan(tmp_path: Path, policy: Policy, data: bytes, name: str = "stats.xlsx") -> FileReport:
    return scan_file(pk.write(tmp_path, name, data), policy)


def blocked(report: FileReport) -> bool:
    return report.verdict in ("protected", "unscannable")


def workbook_bytes(build: Callable[[Workbook], None] | None = None) -> bytes:
    """An ordinary statistics workbook, as openpyxl writes it, changed by ``build``."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Statistics"
    sheet.append(["Country of citizenship", "Book-ins", "Book-outs"])
    for country, ins, outs in (("Mexico", 120, 98), ("Guatemala", 75, 70), ("Honduras", 64, 61)):
        sheet.append([country, ins, outs])
    sheet["A6"] = "Total"
    sheet["B6"] = "=SUM(B2:B4)"  # no saved value, as openpyxl writes it: a number, covered
    if build is not None:
        build(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ods_bytes() -> bytes:
    return sheets.ods_file(sheets._ods_sheets(pk.persons(3))[:1])


# ---------------------------------------------------------------------------------------------
# Ordinary files: clean or protected as before, every member accounted for


def _members(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as package:
        return {i.filename for i in package.infolist() if not i.filename.endswith("/")}


@pytest.mark.parametrize(
    "build",
    [
        sheets.build_clean_aggregates,
        sheets.build_2022_leak,
        sheets.build_comments,
        sheets.build_orphan_pivot_cache,
        sheets.build_ods_clean,
        sheets.build_ods,
        docs.docx_applicants,
        docs.docx_staff_directory,
    ],
)
def test_ordinary_packages_account_for_every_member_and_nothing_blocks(
    build: Callable[[Path], sheets.Built | docs.Built], tmp_path: Path, policy: Policy
) -> None:
    built = build(tmp_path)
    report = scan_file(built.path, policy)
    verdict = built.truth.verdict if isinstance(built, sheets.Built) else built.verdict
    assert report.verdict == verdict, report.reason
    covered = {p.part for p in report.coverage}
    # Names the scanner redacts (a member named like a person) are the only exception.
    assert {m for m in _members(built.path) if "Content_Types" not in m} <= covered
    assert not [p for p in report.coverage if p.read == UNREAD and p.blocks]


def test_an_openpyxl_workbook_with_a_sum_and_no_saved_value_is_clean(
    tmp_path: Path, policy: Policy
) -> None:
    report = scan(tmp_path, policy, workbook_bytes())
    assert (report.format, report.verdict) == ("xlsx", "clean"), report.reason
    reads = {p.part: p.read for p in report.coverage}
    assert reads["xl/worksheets/sheet1.xml"] == PARSED
    assert reads["docProps/core.xml"] == AS_TEXT
    assert reads["xl/styles.xml"] == AS_TEXT


def test_pictures_and_fonts_are_unread_but_do_not_block(tmp_path: Path, policy: Policy) -> None:
    # An obfuscated font: its first 32 bytes scrambled, its table records plain after them.
    font = bytes(44) + b"cmap" + bytes(4)
    font += (200).to_bytes(4, "big") + (20).to_bytes(4, "big") + b"glyf" + bytes(4)
    font += (220).to_bytes(4, "big") + (20).to_bytes(4, "big") + bytes(180)
    data = pk.add_members(
        workbook_bytes(), {"xl/media/image1.png": pk.PNG, "xl/fonts/font1.odttf": font}
    )
    report = scan(tmp_path, policy, data)
    assert report.verdict == "clean", report.reason
    unread = {p.part: (p.kind, p.blocks) for p in report.coverage if p.read == UNREAD}
    assert unread == {
        "xl/media/image1.png": ("image", False),
        "xl/fonts/font1.odttf": ("font", False),
    }


# ---------------------------------------------------------------------------------------------
# A member nobody knows: read by its own content


@pytest.mark.parametrize(
    ("package", "name"),
    [
        (workbook_bytes, "stats.xlsx"),
        (lambda: docs.docx_bytes([("p", "Quarterly statistics.")]), "memo.docx"),
        (ods_bytes, "stats.ods"),
        (lambda: pk.pptx_bytes([("Statistics", ["Book-ins rose."])]), "deck.pptx"),
    ],
)
def test_an_extra_csv_member_is_read(
    package: Callable[[], bytes], name: str, tmp_path: Path, policy: Policy
) -> None:
    clean = scan(tmp_path, policy, package(), name)
    assert clean.verdict == "clean", clean.reason
    data = pk.add_members(package(), {"people.csv": pk.csv_bytes(GROUP)})
    report = scan(tmp_path, policy, data, name)
    assert report.verdict == "protected", report.reason
    assert report.classes["protected-person"] == len(GROUP)


def test_a_plain_zip_that_looks_like_an_office_package_is_read_member_by_member(
    tmp_path: Path, policy: Policy
) -> None:
    members = [
        ("[Content_Types].xml", b"<Types/>"),
        ("xl/styles.xml", b"<styleSheet/>"),
        ("people.csv", pk.csv_bytes(GROUP)),
    ]
    report = scan(tmp_path, policy, docs.zip_bytes(members), "stats.xlsx")
    assert report.verdict == "protected", report.reason
    assert report.classes["protected-person"] == len(GROUP)


def test_a_package_reader_takes_a_zip_from_the_plain_zip_reader_only_by_its_members() -> None:
    def kinds(names: set[str], head: bytes = b"PK\x03\x04") -> frozenset[str]:
        return package_kinds(Probe(head=head, size=1000, members=frozenset(names)))

    assert kinds({"xl/workbook.xml", "people.csv"}) == {"xlsx"}
    assert kinds({"word/document.xml"}) == {"docx"}
    assert kinds({"ppt/presentation.xml"}) == {"pptx"}
    assert kinds({"[Content_Types].xml", "xl/styles.xml"}) == frozenset()
    assert kinds({"xl/workbook.xml", "word/document.xml"}) == {"xlsx", "docx"}  # both read


def test_account_names_every_member_once() -> None:
    data = pk.add_members(
        workbook_bytes(),
        {"xl/media/image1.png": pk.PNG, "people.csv": b"a,b\n", "custom/": b""},
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        units = list(account(source(data, "s.xlsx"), archive, Limits(), {"xl/workbook.xml": "x"}))
        names = [i.filename for i in archive.infolist()]
    parts = [u for u in units if isinstance(u, Part)]
    assert sorted(p.part for p in parts) == sorted(names)
    assert [u.source.name for u in units if isinstance(u, Nested)] == ["people.csv"]


# ---------------------------------------------------------------------------------------------
# Places nobody read


def _xlsx_with(members: dict[str, bytes]) -> bytes:
    return pk.add_members(workbook_bytes(), members)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            lambda: _xlsx_with(
                {"xl/drawings/drawing1.xml": pk.drawing_xml(pk.record_lines(GROUP))}
            ),
            id="text box",
        ),
        pytest.param(
            lambda: _xlsx_with({"xl/charts/chart1.xml": pk.chart_xml([pk.one_line(GROUP)])}),
            id="chart cache",
        ),
        pytest.param(
            lambda: _xlsx_with(
                {"docProps/custom.xml": pk.custom_properties_xml(pk.one_line(GROUP))}
            ),
            id="custom property",
        ),
        pytest.param(
            lambda: _xlsx_with({"docProps/core.xml": pk.core_properties_xml(pk.one_line(GROUP))}),
            id="core property",
        ),
        pytest.param(
            lambda: _xlsx_with({"customXml/item1.xml": pk.core_properties_xml(pk.one_line(GROUP))}),
            id="custom XML",
        ),
        pytest.param(
            lambda: (
                docs.docx_bytes([("p", "Statistics.")])
                and pk.add_members(
                    docs.docx_bytes([("p", "Statistics.")]),
                    {"word/charts/chart1.xml": pk.chart_xml([pk.one_line(GROUP)])},
                )
            ),
            id="docx chart",
        ),
    ],
)
def test_text_in_any_xml_part_is_read(
    data: Callable[[], bytes], tmp_path: Path, policy: Policy
) -> None:
    report = scan(tmp_path, policy, data(), "file.bin")
    assert report.verdict == "protected", report.reason


def test_headers_and_footers_and_validation_lists_are_read(tmp_path: Path, policy: Policy) -> None:
    def header(book: Workbook) -> None:
        book.active.oddHeader.center.text = pk.one_line(GROUP)

    def validation(book: Workbook) -> None:
        names = ",".join(f"{p.name} {p.a_number} {p.claim}" for p in GROUP[:2])
        rule = DataValidation(type="list", formula1=f'"{names}"')
        rule.add("D2:D9")
        book.active.add_data_validation(rule)

    for build in (header, validation):
        report = scan(tmp_path, policy, workbook_bytes(build))
        assert report.verdict == "protected", (build.__name__, report.reason)


def test_shared_strings_no_cell_uses_are_read(tmp_path: Path, policy: Policy) -> None:
    strings = "".join(f"<si><t>{line}</t></si>" for line in pk.record_lines(GROUP))
    data = _xlsx_with(
        {
            "xl/sharedStrings.xml": (
                '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                f"<si><t>Used</t></si>{strings}</sst>"
            ).encode(),
        }
    )
    data = pk.edit_member(
        data,
        "xl/_rels/workbook.xml.rels",
        {
            b"</Relationships>": b'<Relationship Id="rId99" Type="http://schemas.openxmlformats'
            b'.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            b"</Relationships>"
        },
    )
    data = pk.edit_member(
        data,
        "xl/worksheets/sheet1.xml",
        {b'<c r="A6" t="inlineStr"><is><t>Total</t></is></c>': b'<c r="A6" t="s"><v>0</v></c>'},
    )
    report = scan(tmp_path, policy, data)
    assert report.verdict == "protected", report.reason


# ---------------------------------------------------------------------------------------------
# Formulas: what Excel shows when it opens the file


def _formula_book(cells: dict[str, str]) -> Callable[[Workbook], None]:
    def build(book: Workbook) -> None:
        sheet = book.create_sheet("Cases")
        sheet.append(list(pk.HEADER))
        for ref, value in cells.items():
            sheet[ref] = value

    return build


def test_formulas_without_a_saved_value_are_evaluated(tmp_path: Path, policy: Policy) -> None:
    cells: dict[str, str] = {}
    for row, p in enumerate(GROUP, start=2):
        cells[f"A{row}"] = f'="{p.first}"&" "&"{p.last}"'
        cells[f"B{row}"] = f'=CONCATENATE("A", "{p.a_digits}")'
        cells[f"C{row}"] = p.nationality
        cells[f"D{row}"] = f'=UPPER(C{row})&" - {p.claim}"'
    report = scan(tmp_path, policy, workbook_bytes(_formula_book(cells)))
    assert report.verdict == "protected", report.reason
    assert report.classes["protected-person"] == len(GROUP)


def test_a_plain_literal_formula_is_read(tmp_path: Path, policy: Policy) -> None:
    p = GROUP[0]
    cells = {"A2": f'="{p.name}"', "B2": f'="{p.a_number}"', "D2": f'="{p.claim}"'}
    report = scan(tmp_path, policy, workbook_bytes(_formula_book(cells)))
    assert report.verdict == "protected", report.reason


def test_a_formula_that_builds_text_unseen_blocks(tmp_path: Path, policy: Policy) -> None:
    # CHAR of a constant is evaluated; of a number computed from the sheet, it is not.
    cells = {"A2": "=CHAR(ROW()+76)&CHAR(97)", "B2": '=TEXT(212345678,"A000000000")'}
    report = scan(tmp_path, policy, workbook_bytes(_formula_book(cells)))
    assert report.verdict == "unscannable"
    assert report.reason is not None
    assert report.reason.endswith(
        "formulas: 2 formula cells have no saved value and cannot be evaluated"
    )


def test_literals_of_formulas_with_a_saved_value_are_read_too(
    tmp_path: Path, policy: Policy
) -> None:
    p = GROUP[0]
    # A saved value of 0, and a workbook that Excel recalculates on load: it shows the name.
    cells = {"A2": f'=IF(FALSE,0,"{p.name} {p.a_number} {p.claim}")'}
    data = workbook_bytes(_formula_book(cells))
    data = (
        pk.edit_member(data, "xl/worksheets/sheet2.xml", {b"<v></v>": b"<v>0</v>"})
        if (b"<v></v>" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet2.xml"))
        else pk.edit_member(data, "xl/worksheets/sheet2.xml", {b"<v />": b"<v>0</v>"})
    )
    report = scan(tmp_path, policy, data)
    assert report.verdict == "protected", report.reason


# ---------------------------------------------------------------------------------------------
# Macros, pictures that are more than pictures


def test_a_vba_project_blocks(tmp_path: Path, policy: Policy) -> None:
    vba = sheets.ole_file({"_VBA_PROJECT": b"\x00" * 64, "dir": b"\x00" * 64})
    report = scan(tmp_path, policy, _xlsx_with({"xl/vbaProject.bin": vba}))
    assert report.verdict == "unscannable"
    assert report.reason is not None and "macros" in report.reason


def test_a_picture_with_data_after_its_end_is_not_a_picture(tmp_path: Path, policy: Policy) -> None:
    data = _xlsx_with({"xl/media/image1.png": pk.PNG + pk.csv_bytes(GROUP)})
    assert blocked(scan(tmp_path, policy, data))


def test_printer_settings_are_read_as_text() -> None:
    devmode = "HP LaserJet".encode("utf-16-le").ljust(64, b"\x00") + bytes(4)
    devmode += (156).to_bytes(2, "little") + (0).to_bytes(2, "little")
    devmode = devmode.ljust(156, b"\x00")
    data = _xlsx_with({"xl/printerSettings/printerSettings1.bin": devmode})
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        units = list(account(source(data, "s.xlsx"), archive, Limits(), {}))
    (part,) = [u for u in units if isinstance(u, Part) and "printer" in u.part]
    assert (part.kind, part.read) == ("printer settings", AS_TEXT)
    (text,) = [u for u in units if isinstance(u, Text) and "printer" in (u.where.part or "")]
    assert "HP LaserJet" in list(text.lines)


def test_a_part_that_is_not_xml_after_all_is_read_as_what_it_is(
    tmp_path: Path, policy: Policy
) -> None:
    lines = "\n".join(pk.record_lines(GROUP))
    broken = f"<p>{lines}<br></p>".encode()  # HTML, not XML: read by the scanner's readers
    report = scan(tmp_path, policy, _xlsx_with({"xl/drawings/drawing1.xml": broken}))
    assert report.verdict == "protected", report.reason
    parts = [p for p in report.coverage if p.part == "xl/drawings/drawing1.xml"]
    assert ("embedded", PARSED) in [(p.kind, p.read) for p in parts]


def test_zip_comments_are_read(tmp_path: Path, policy: Policy) -> None:
    for data in (
        docs.zip_bytes([("stats.csv", b"Country,Count\r\nMexico,12\r\n")]),
        workbook_bytes(),
    ):
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w") as new:
            for info in old.infolist():
                info.comment = pk.one_line(GROUP[:3]).encode()
                new.writestr(info, old.read(info))
        report = scan(tmp_path, policy, out.getvalue(), "stats.bin")
        assert report.verdict == "protected", report.reason


def test_the_fallback_reads_text_and_attribute_values_but_not_markup_noise() -> None:
    xml = (
        b'<w xmlns="urn:x" xmlns:r="urn:r"><p id="12" r:id="rId3" descr="Photo of Ana Diaz">'
        b"<r><t>Ana </t></r><r><t>Diaz</t></r></p><p>A212345678</p></w>"
    )
    lines = [line for batch in xml_text(io.BytesIO(xml)) for line in batch]
    assert lines == ["Photo of Ana Diaz", "Ana Diaz", "A212345678"]


@pytest.mark.parametrize(
    "formatting",
    [
        '<a:solidFill><a:srgbClr val="1F2F3F"/></a:solidFill>',  # DrawingML: text boxes, charts
        '<a:latin typeface="Calibri"/><a:hlinkClick r:id="rId4"/>',
        '<w:b/><w:color w:val="FF0000"/>',  # WordprocessingML
    ],
)
def test_a_value_split_across_formatted_runs_is_read_as_one_line(formatting: str) -> None:
    """A run's formatting elements are inside the run: they must not cut the line, or a name
    and an A-number split across runs (as every editor splits them) are read in pieces."""
    pieces = ["Ma", "ria Gar", "cia A2123", "45678"]
    runs = "".join(
        f'<a:r><a:rPr lang="en-US">{formatting}</a:rPr><a:t>{piece}</a:t></a:r>' for piece in pieces
    )
    xml = (
        '<a:txBody xmlns:a="urn:a" xmlns:w="urn:w" xmlns:r="urn:r"><a:p>'
        f'{runs}<a:endParaRPr lang="en-US">{formatting}</a:endParaRPr></a:p>'
        "<a:p><a:r><a:t>next</a:t></a:r></a:p></a:txBody>"
    ).encode()
    lines = [line for batch in xml_text(io.BytesIO(xml)) for line in batch]
    assert "Maria Garcia A212345678" in lines
    assert lines[-1] == "next"  # a paragraph still ends its line


# ---------------------------------------------------------------------------------------------
# Decoded bounds: cells that look empty


def _sheet_xml(rows: str, dimension: str = "A1") -> bytes:
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    ).encode()


def test_two_far_apart_cells_are_refused_before_anything_is_laid_out(
    tmp_path: Path, policy: Policy
) -> None:
    rows = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>y</t></is></c></row>'
    )
    data = pk.add_members(workbook_bytes(), {"xl/worksheets/sheet1.xml": _sheet_xml(rows)})
    started = time.monotonic()
    report = scan(tmp_path, policy, data)
    assert time.monotonic() - started < 2
    assert report.verdict == "unscannable"
    assert report.reason is not None and "cells" in report.reason


def test_a_declared_dimension_allocates_nothing(tmp_path: Path, policy: Policy) -> None:
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>Statistics</t></is></c></row>'
    sheet = _sheet_xml(rows, dimension="A1:XFD1048576")
    data = pk.add_members(workbook_bytes(), {"xl/worksheets/sheet1.xml": sheet})
    started = time.monotonic()
    assert scan(tmp_path, policy, data).verdict == "clean"
    assert time.monotonic() - started < 2


def test_rows_of_empty_looking_cells_are_bounded(tmp_path: Path, policy: Policy) -> None:
    rows = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{letter(c)}{r}" t="str"><v></v></c>' for c in range(16384))
        + "</row>"
        for r in range(1, 9)
    )
    data = pk.add_members(workbook_bytes(), {"xl/worksheets/sheet1.xml": _sheet_xml(rows)})
    started = time.monotonic()
    limits = Limits(max_cells=100_000)
    report = scan_file(pk.write(tmp_path, "wide.xlsx", data), policy, limits=limits)
    assert time.monotonic() - started < 5
    assert report.verdict == "unscannable"
    assert report.reason is not None and "limits.max_cells" in report.reason


def test_a_second_table_below_the_first_is_read_with_its_own_header(
    tmp_path: Path, policy: Policy
) -> None:
    def stacked(book: Workbook) -> None:
        sheet = book.active
        assert sheet is not None
        start = sheet.max_row + 2  # after a blank row
        for n, row in enumerate(
            [list(pk.HEADER), *([p.name, p.a_number, p.nationality, p.claim] for p in GROUP)]
        ):
            for column, value in enumerate(row, start=1):
                sheet.cell(start + n, column, value)

    report = scan(tmp_path, policy, workbook_bytes(stacked))
    assert report.verdict == "protected", report.reason
    assert report.classes["protected-person"] == len(GROUP)


def test_parts_a_package_declares_fonts_or_printer_settings_do_not_block(
    tmp_path: Path, policy: Policy
) -> None:
    blob = bytes(range(256)) * 4  # neither text nor a container: taken at the package's word
    types = (
        b'<Default Extension="odttf" ContentType="application/vnd.openxmlformats-officedocument'
        b'.obfuscatedFont"/><Default Extension="bin" ContentType="application/vnd.openxmlformats'
        b'-officedocument.spreadsheetml.printerSettings"/></Types>'
    )
    data = _xlsx_with({"xl/fonts/font1.odttf": blob, "xl/printerSettings/p1.bin": blob})
    data = pk.edit_member(data, "[Content_Types].xml", {b"</Types>": types})
    assert scan(tmp_path, policy, data).verdict == "clean"
    # A CSV declared a font is read all the same: the declaration does not hide text.
    data = pk.edit_member(
        pk.add_members(data, {"xl/fonts/font2.odttf": pk.csv_bytes(GROUP)}),
        "[Content_Types].xml",
        {b"</Types>": b"</Types>"},
    )
    assert scan(tmp_path, policy, data).verdict == "protected"


def _png_with_text(text: str) -> bytes:
    body = b"iTXt" + b"Description\x00\x00\x00\x00\x00" + text.encode()
    chunk = len(body[4:]).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")
    return pk.PNG[:33] + chunk + pk.PNG[33:]


def _jpeg_with_comment(text: str) -> bytes:
    data = text.encode()
    return b"\xff\xd8\xff\xfe" + (len(data) + 2).to_bytes(2, "big") + data + b"\xff\xd9"


@pytest.mark.parametrize("picture", [_png_with_text, _jpeg_with_comment])
def test_the_text_a_picture_carries_is_read(
    picture: Callable[[str], bytes], tmp_path: Path, policy: Policy
) -> None:
    text = "\n".join(pk.record_lines(GROUP))
    in_package = _xlsx_with({"xl/media/image1.bin": picture(text)})
    in_archive = docs.zip_bytes([("stats.csv", b"Country,Count\r\n"), ("logo.bin", picture(text))])
    report = scan(tmp_path, policy, in_package, "file.bin")
    assert report.verdict == "protected", report.reason
    # A picture that is a member of an archive is a file of its own: it blocks, as a picture
    # file does at the top level, and the text it carries is read all the same.
    report = scan(tmp_path, policy, in_archive, "file.bin")
    assert report.verdict == "unscannable"
    assert "protected-person" in report.classes
    harmless = docs.zip_bytes([("stats.csv", b"Country,Count\r\n"), ("logo", picture("Logo"))])
    report = scan(tmp_path, policy, harmless, "file.bin")
    assert report.verdict == "unscannable"
    assert report.reason is not None and "image file" in report.reason
    assert not report.classes


def _ods_with_formulas(formulas: dict[str, str]) -> bytes:
    """An ODS whose placeholder cells hold formulas without a value, as a generator writes."""
    rows = [list(pk.HEADER), [f"@{ref}" for ref in formulas]]
    data = sheets.ods_file([sheets.OdsSheet("Cases", rows)])
    edits = {
        f'<table:table-cell office:value-type="string"><text:p>@{ref}</text:p>'
        "</table:table-cell>".encode(): (
            f'<table:table-cell table:formula="{escape(formula, {chr(34): "&quot;"})}"/>'
        ).encode()
        for ref, formula in formulas.items()
    }
    return pk.edit_member(data, "content.xml", edits)


def test_ods_formulas_without_a_value_are_evaluated_or_block(
    tmp_path: Path, policy: Policy
) -> None:
    p = GROUP[0]
    evaluated = _ods_with_formulas(
        {
            "A": f'of:="{p.first}"&" "&"{p.last}"',
            "B": f'of:=CONCATENATE("A";"{p.a_digits}")',
            "C": f'of:="{p.nationality}"',
            "D": f'of:=[.C2]&" - {p.claim}"',
        }
    )
    report = scan(tmp_path, policy, evaluated, "cases.ods")
    assert report.verdict == "protected", report.reason
    blocked_ = _ods_with_formulas({"A": "of:=CHAR(ROW()+76)", "B": "of:=SUM([.B1:.B1])"})
    report = scan(tmp_path, policy, blocked_, "cases.ods")
    assert report.verdict == "unscannable"
    assert report.reason is not None
    assert "1 formula cells have no saved value" in report.reason
