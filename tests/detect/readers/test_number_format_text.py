"""What a spreadsheet shows through its number formats, not only what its cells store: literal
text in any section (a format that is only a name, a fourth section ``;;;"..."@``, conditional
sections), what a typed ODS cell shows beside its value, list validations, and the formats
and shared strings no cell uses, in xlsx, ods and xls workbooks built here."""

from __future__ import annotations

import io
import re
import struct
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from approval.detect.numfmt import compile_format, format_literals
from approval.detect.readers.ods import READER as ODS
from approval.detect.readers.xls import READER as XLS
from approval.detect.readers.xls import _shared_strings
from approval.detect.readers.xlsx import READER as XLSX
from approval.detect.scan import scan_file
from approval.detect.units import Cell, Limits, Source, Table, Text, Where
from approval.policy import Policy
from tests.corpus import spreadsheets as corpus
from tests.corpus.people import Person, people


def units(reader: object, path: Path) -> dict[Where, list[list[Cell]]]:
    """Each table's rows and each text's lines (one per row), by where they come from."""
    out: dict[Where, list[list[Cell]]] = {}
    source = Source(path.name, lambda: path.open("rb"), path.stat().st_size)
    for unit in reader.read(source, Limits()):  # type: ignore[attr-defined]
        if isinstance(unit, Table):
            out.setdefault(unit.where, []).extend(list(row) for row in unit.rows)
        elif isinstance(unit, Text):
            out.setdefault(unit.where, []).extend([line] for line in unit.lines)
    return out


# ---------------------------------------------------------------------------------------------
# Formats: the section that shows a value, and the text a format shows of its own


@pytest.mark.parametrize(
    ("code", "value", "shown"),
    [
        ('"Jose Ramirez"', 7, "Jose Ramirez"),
        ('"Jose Ramirez"', -7, "-Jose Ramirez"),
        (';;;"Maria Lopez, A212345678"@', 5, ""),
        (';;;"Maria Lopez, A212345678"@', "x", "Maria Lopez, A212345678x"),
        ('"A"@', "212345678", "A212345678"),
        ('"A"@', 5, "5"),  # a text format shows a number as it is
        ('0;0;0;"Ana Diaz"', "anything", "Ana Diaz"),  # a text section without @
        ('[>100]"Big";[<0]"Ana Diaz";0', 500, "Big"),
        ('[>100]"Big";[<0]"Ana Diaz";0', -3, "Ana Diaz"),
        ('[>100]"Big";[<0]"Ana Diaz";0', 7, "7"),
        ('[Red][<0]"Ana Diaz";"A"000000000', -1, "Ana Diaz"),
        ('[Red][<0]"Ana Diaz";"A"000000000', 212345678, "A212345678"),
        ('[>=1000000]"A"000000000;0', 212345678, "A212345678"),
        ('0.00" Luis Gomez"', 3.25, "3.25 Luis Gomez"),
        ('0;-0;"Rosa Perez"', 0, "Rosa Perez"),
    ],
)
def test_the_section_that_applies_shows_the_value(code: str, value: object, shown: str) -> None:
    fmt = compile_format(code)
    assert fmt is not None
    out = fmt.render_text(value) if isinstance(value, str) else fmt.render(value)  # type: ignore[arg-type]
    assert out == shown


@pytest.mark.parametrize(
    ("code", "literals"),
    [
        (';;;"Maria Lopez, A212345678"@', ["Maria Lopez, A212345678"]),
        ('[>100]"Jose Ramirez";[<0]"Ana Diaz";0', ["Jose Ramirez", "Ana Diaz"]),
        ('"Case "General', ["Case"]),
        ('yyyy-mm-dd" Luis Gomez"', ["Luis Gomez"]),
        ('"unterminated Rosa Perez', ["unterminated Rosa Perez"]),
        ("#,##0.00", []),
        ('"$"#,##0', []),
        ("[Red]-0.00", []),
        ("0%", []),
        ("mm/dd/yyyy", []),
        ("0;-0;;@", []),
    ],
)
def test_what_a_format_shows_of_its_own(code: str, literals: list[str]) -> None:
    assert format_literals(code) == literals


@pytest.mark.parametrize(
    "code", ["#,##0.00", '"$"#,##0', "[Red]-0.00", "0%", "mm/dd/yyyy", "0;-0;;@", "@", ";;;"]
)
def test_ordinary_formats_are_not_rendered(code: str) -> None:
    assert compile_format(code) is None


# ---------------------------------------------------------------------------------------------
# xlsx


def _names_by_format(path: Path, persons: list[Person], *, hide_column: bool = False) -> None:
    """A sheet of persons whose names are numbers shown through a format that is the name,
    and whose A-numbers are numbers shown through ``"A"000000000``."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Credible fear referrals"
    sheet.append(["Name", "A-Number", "Claim"])
    for index, person in enumerate(persons, start=2):
        sheet.append([index, int(person.a_number[1:]), person.claim])
        sheet.cell(index, 1).number_format = f'"{person.name}"'
        sheet.cell(index, 2).number_format = '"A"000000000'
    if hide_column:
        sheet.column_dimensions["A"].hidden = True
    book.save(path)


def test_a_format_that_is_a_name_is_what_the_cell_shows(tmp_path: Path, policy: Policy) -> None:
    persons = people(6, seed=31)
    path = tmp_path / "referrals.xlsx"
    _names_by_format(path, persons)
    read = units(XLSX, path)
    table = read[Where(sheet="Credible fear referrals")]
    assert [row[0] for row in table[1:]] == [p.name for p in persons]
    assert [row[1] for row in table[1:]] == [p.a_number for p in persons]
    # What the cells store is read too, as hidden: a number no one sees.
    stored = read[Where("stored values", "Credible fear referrals", hidden=True)]
    assert [row[0] for row in stored[1:]] == list(range(2, 8))
    # Each format's text once, at its first cell.
    assert read[Where("number format at A2", "Credible fear referrals")] == [[persons[0].name]]
    report = scan_file(path, policy)
    assert report.verdict == "protected"
    assert report.classes.get("protected-person") == len(persons)
    names = [f for f in report.findings if f.detector == "person-name"]
    assert any(f.location.get("column") == "A" for f in names)


def test_a_text_section_shows_an_a_number_in_every_text_cell(
    tmp_path: Path, policy: Policy
) -> None:
    """``"A"@`` turns the text 212345678 into the A-number a reader sees; a fourth section
    that is only a literal shows it in every text cell, whatever the cell holds."""
    persons = people(4, seed=32)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Asylum cases"
    sheet.append(["Name", "A-Number", "Claim"])
    for index, person in enumerate(persons, start=2):
        sheet.append([person.name, person.a_number[1:], person.claim])
        sheet.cell(index, 2).number_format = '"A"@'
    sheet["D1"] = "note"
    sheet["D1"].number_format = f';;;"{persons[0].name}, {persons[0].a_number}"'
    path = tmp_path / "cases.xlsx"
    book.save(path)
    read = units(XLSX, path)
    table = read[Where(sheet="Asylum cases")]
    assert [row[1] for row in table[1:]] == [p.a_number for p in persons]
    assert table[0][3] == f"{persons[0].name}, {persons[0].a_number}"
    stored = read[Where("stored values", "Asylum cases", hidden=True)]
    assert stored[0][3] == "note"
    report = scan_file(path, policy)
    assert report.classes.get("protected-person") == len(persons)


def _add_format(path: Path, code: str) -> None:
    """Define one more number format in the workbook's styles, applied to no cell."""
    with zipfile.ZipFile(path) as old:
        members = {info.filename: old.read(info) for info in old.infolist()}
    styles = members["xl/styles.xml"].decode()
    entry = f'<numFmt numFmtId="190" formatCode={quoteattr(code)}/>'
    styles = re.sub(r"<numFmts[^>]*/>", "", styles)
    if "</numFmts>" in styles:
        styles = styles.replace("</numFmts>", entry + "</numFmts>")
    else:
        at = styles.index("<fonts")
        styles = styles[:at] + f'<numFmts count="1">{entry}</numFmts>' + styles[at:]
    members["xl/styles.xml"] = styles.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in members.items():
            new.writestr(name, data)


def test_formats_no_cell_uses_are_read_as_hidden_text(tmp_path: Path, policy: Policy) -> None:
    person = people(1, seed=33)[0]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Country", "Referrals"])
    sheet.append(["Honduras", 12])
    path = tmp_path / "counts.xlsx"
    book.save(path)
    _add_format(path, f';;;"Credible fear: {person.name}, {person.a_number}"@')
    read = units(XLSX, path)
    assert read[Where(part="number formats", hidden=True)] == [
        [f"Credible fear: {person.name}, {person.a_number}"]
    ]
    report = scan_file(path, policy)
    assert report.verdict == "protected"
    assert any(
        f.detector == "a-number" and f.location.get("part") == "number formats"
        for f in report.findings
    )


def _flagged(path: Path, code: str) -> Path:
    """A sheet "Referrals" whose B2:B40 show ``code`` where they equal 1 (a conditional
    format's number format), B2 holding 1."""
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles.differential import DifferentialStyle
    from openpyxl.styles.numbers import NumberFormat as Format

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Referrals"
    sheet.append(["Case", "Flag"])
    sheet.append([1, 1])
    rule = CellIsRule(operator="equal", formula=["1"])
    rule.dxf = DifferentialStyle(numFmt=Format(numFmtId=201, formatCode=code))
    sheet.conditional_formatting.add("B2:B40", rule)
    book.save(path)
    return path


def test_a_conditional_formats_text_is_shown_at_its_range(tmp_path: Path) -> None:
    person = people(1, seed=39)[0]
    path = _flagged(tmp_path / "flags.xlsx", f'"{person.name}"')
    read = units(XLSX, path)
    assert read[Where("number format at B2", "Referrals")] == [[person.name]]
    assert Where(part="number formats", hidden=True) not in read


def test_unclosed_conditional_formats_cost_no_more_than_their_bytes(tmp_path: Path) -> None:
    built = _flagged(tmp_path / "built.xlsx", '"asylum"')
    # 20,000 elements that never end, after the one that does (half a megabyte, 2 KB zipped).
    path = tmp_path / "unclosed.xlsx"
    with zipfile.ZipFile(built) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                unclosed = b"<x:conditionalFormatting>" * 20_000
                data = data.replace(b"</worksheet>", unclosed + b"</worksheet>")
            out.writestr(info, data)

    started = time.process_time()
    read = units(XLSX, path)

    assert time.process_time() - started < 5
    assert read[Where("number format at B2", "Referrals")] == [["asylum"]]


def test_a_list_validation_is_read_item_by_item(tmp_path: Path) -> None:
    names = [p.name for p in people(3, seed=34)]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Intake"
    sheet.append(["Officer", "Decision"])
    rule = DataValidation(type="list", formula1='"' + ",".join(names) + '"')
    sheet.add_data_validation(rule)
    rule.add("A2:A50")
    path = tmp_path / "intake.xlsx"
    book.save(path)
    read = units(XLSX, path)
    assert read[Where(part="data validation lists", sheet="Intake")] == [[n] for n in names]


def test_a_workbook_with_ordinary_formats_stays_clean(tmp_path: Path, policy: Policy) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Asylum by country"
    sheet.append(["Country", "Applications", "Share", "Cost", "Change", "Updated"])
    codes = ["@", "#,##0", "0%", '"$"#,##0', "[Red]-0.00", "mm/dd/yyyy"]
    for row, country in enumerate(("Honduras", "Guatemala", "Mexico"), start=2):
        sheet.append([country, 1200 * row, 0.25, 15000, -3.5, 45000])
        for column, code in enumerate(codes, start=1):
            sheet.cell(row, column).number_format = code
    sheet["G2"] = 12.5
    sheet["G2"].number_format = "#,##0.00"
    path = tmp_path / "stats.xlsx"
    book.save(path)
    read = units(XLSX, path)
    assert not [w for w in read if w.part and w.part.startswith(("number format", "stored"))]
    assert scan_file(path, policy).verdict == "clean"


# ---------------------------------------------------------------------------------------------
# ods


def _ods(path: Path, cells: list[str], styles: str = "", common: str = "") -> None:
    """A one-sheet ODS of ``cells`` (each a row's cells), with ``styles`` among the automatic
    styles of content.xml and ``common`` as the common styles of styles.xml."""
    rows = "".join(f"<table:table-row>{cell}</table:table-row>" for cell in cells)
    sheet = corpus.OdsSheet("Referrals", [])
    data = corpus.ods_file([sheet])
    with zipfile.ZipFile(io.BytesIO(data)) as old:
        members = {info.filename: old.read(info) for info in old.infolist()}
    content = members["content.xml"].decode()
    content = content.replace("</table:table>", rows + "</table:table>", 1)
    content = content.replace("</office:automatic-styles>", styles + "</office:automatic-styles>")
    members["content.xml"] = content.encode()
    if common:
        namespaces = corpus._ODS_NAMESPACES
        members["styles.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles {namespaces}>'
            f"<office:styles>{common}</office:styles></office:document-styles>"
        ).encode()
    with zipfile.ZipFile(path, "w") as new:
        for name, member in members.items():
            kind = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            new.writestr(name, member, kind)


def _cell(kind: str, value: str, shown: str) -> str:
    attribute = {"float": "value", "string": "string-value", "date": "date-value",
                 "boolean": "boolean-value"}[kind]  # fmt: skip
    return (
        f'<table:table-cell office:value-type="{kind}" office:{attribute}={quoteattr(value)}>'
        f"<text:p>{escape(shown)}</text:p></table:table-cell>"
    )


def test_ods_cells_show_their_text_and_store_their_value(tmp_path: Path, policy: Policy) -> None:
    persons = people(3, seed=35)
    header = "".join(_cell("string", h, h) for h in ("Name", "A-Number", "DOB", "Claim"))
    cells = [header]
    for person in persons:
        cells.append(
            _cell("float", "7", person.name)  # a style's literal text, or a writer's
            + _cell("string", "see file", person.a_number)
            + _cell("date", person.birthdate.isoformat(), f"{person.birthdate:%m/%d/%Y}")
            + _cell("string", person.claim, person.claim)
        )
    path = tmp_path / "referrals.ods"
    _ods(path, cells)
    read = units(ODS, path)
    table = read[Where(sheet="Referrals")]
    assert [row[:3] for row in table[1:]] == [
        [p.name, p.a_number, p.birthdate.isoformat()] for p in persons
    ]
    stored = read[Where("stored values", "Referrals", hidden=True)]
    assert [row[:2] for row in stored[1:]] == [[7, "see file"]] * len(persons)
    report = scan_file(path, policy)
    assert report.verdict == "protected"
    assert report.classes.get("protected-person") == len(persons)


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        (_cell("float", "1200", "1,200"), 1200),
        (_cell("float", "0.25", "25%"), 0.25),
        (_cell("date", "1990-03-04", "March 4, 1990"), "1990-03-04"),
        (_cell("boolean", "true", "TRUE"), True),
        (_cell("string", "Honduras", "Honduras"), "Honduras"),
    ],
)
def test_ods_renderings_of_a_value_are_not_texts_of_their_own(
    tmp_path: Path, cell: str, shown: Cell
) -> None:
    path = tmp_path / "stats.ods"
    _ods(path, [cell])
    read = units(ODS, path)
    assert read[Where(sheet="Referrals")] == [[shown]]
    assert Where("stored values", "Referrals", hidden=True) not in read


def _styled(style: str, kind: str, value: str, shown: str) -> str:
    attribute = "value" if kind == "float" else "string-value"
    value_attribute = f" office:{attribute}={quoteattr(value)}" if kind == "float" else ""
    return (
        f'<table:table-cell table:style-name="{style}" office:value-type="{kind}"'
        f"{value_attribute}><text:p>{escape(shown)}</text:p></table:table-cell>"
    )


def test_ods_cells_are_shown_through_their_data_style(tmp_path: Path, policy: Policy) -> None:
    """LibreOffice shows a value through its cell's data style, whatever text the file saved:
    ``"A"`` + 9 digits over a number saved as its digits, ``"A"`` + the text over a text cell
    (a style in styles.xml), and a style whose text is a name, once at its first cell."""
    persons = people(3, seed=38)
    common = (
        '<number:text-style style:name="T1"><number:text>A</number:text>'
        "<number:text-content/></number:text-style>"
        '<style:style style:name="Aid" style:family="table-cell" style:data-style-name="T1"/>'
        f'<number:number-style style:name="N9"><number:text>{escape(persons[0].name)}'
        "</number:text></number:number-style>"
        '<style:style style:name="Named" style:family="table-cell" style:data-style-name="N9"/>'
    )
    # An automatic style that inherits its data style from the named one.
    automatic = (
        '<style:style style:name="Who" style:family="table-cell" style:parent-style-name="Named"/>'
    )
    header = "".join(_cell("string", h, h) for h in ("A-Number", "Case", "Claim", "Name"))
    cells = [header]
    for person in persons:
        digits = person.a_number[1:]
        cells.append(
            _styled("Aid", "string", "", digits)
            + _styled("ce1", "float", digits, digits)
            + _cell("string", person.claim, person.claim)
            + _styled("Who", "float", "1", "1")
        )
    path = tmp_path / "cases.ods"
    _ods(path, cells, styles=automatic, common=common)
    read = units(ODS, path)
    table = read[Where(sheet="Referrals")]
    assert [row[:2] for row in table[1:]] == [[p.a_number, p.a_number] for p in persons]
    assert [row[3] for row in table[1:]] == [persons[0].name] * len(persons)
    stored = read[Where("stored values", "Referrals", hidden=True)]
    assert [row[3] for row in stored[1:]] == [1] * len(persons)
    assert read[Where("number format at D2", "Referrals")] == [[persons[0].name]]
    report = scan_file(path, policy)
    assert report.classes.get("protected-person") == len(persons)


# ---------------------------------------------------------------------------------------------
# xls


def _record(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _wide(text: str, length_size: int = 2) -> bytes:
    return len(text).to_bytes(length_size, "little") + b"\x01" + text.encode("utf-16-le")


def _sst(strings: list[str], split: int) -> bytes:
    """An SST record whose character data is cut after ``split`` bytes into a CONTINUE, as
    Excel cuts a table longer than a record."""
    body = struct.pack("<II", len(strings), len(strings)) + b"".join(map(_wide, strings))
    head = body[:split]
    rest = body[split:]
    # Cut inside a string's characters (past its 3-byte header): the rest starts with a flag.
    return _record(0x00FC, head) + _record(0x003C, b"\x01" + rest)


def _validation(items: list[str]) -> bytes:
    listed = "\0".join(items)
    formula = b"\x17" + _wide(listed, 1)
    strings = b"".join(_wide(t) for t in ("\0", "\0", "Pick the officer", "\0"))
    body = struct.pack("<I", 3) + strings + struct.pack("<HH", len(formula), 0) + formula
    body += struct.pack("<HH", 0, 0) + struct.pack("<HHHHH", 1, 1, 50, 0, 0)
    return _record(0x01BE, body)


def _xls(path: Path, persons: list[Person], unused: str, unapplied: str) -> None:
    """Names in the SST used by LABELSST cells, a name no cell uses, A-numbers as numbers in
    ``"A"000000000``, a claim column whose format is a conditional literal, a list
    validation, and a format no cell uses."""
    strings = ["Name", "A-Number", "Claim", *[p.name for p in persons], unused]
    formats = {164: '"A"000000000', 165: '[=1]"asylum";0', 166: unapplied}
    head = [
        _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 6)),
        _record(0x0042, struct.pack("<H", 1200)),
        *(_record(0x041E, struct.pack("<H", n) + _wide(code)) for n, code in formats.items()),
        *(_record(0x00E0, struct.pack("<HH", 0, n) + bytes(16)) for n in (0, 164, 165, 166)),
    ]
    sst = _sst(strings, 43)  # two bytes into "Claim"
    cells = [_record(0x00FD, struct.pack("<HHHI", 0, c, 0, c)) for c in range(3)]
    for row, person in enumerate(persons, start=1):
        cells.append(_record(0x00FD, struct.pack("<HHHI", row, 0, 0, 2 + row)))
        number = float(person.a_number[1:])
        cells.append(_record(0x0203, struct.pack("<HHHd", row, 1, 1, number)))
        cells.append(_record(0x0203, struct.pack("<HHHd", row, 2, 2, 1.0)))
    bof = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 6))
    sheet = b"".join([bof, *cells, _validation([p.name for p in persons]), _record(0x000A, b"")])

    def bound(offset: int) -> bytes:
        return _record(0x0085, struct.pack("<IBB", offset, 0, 0) + _wide("Referrals", 1))

    size = sum(map(len, head)) + len(sst) + len(bound(0)) + 4
    stream = b"".join([*head, sst, bound(size), _record(0x000A, b""), sheet])
    path.write_bytes(corpus.ole_file({"Workbook": stream}))


def test_xls_formats_validations_and_unused_strings(tmp_path: Path, policy: Policy) -> None:
    persons = people(4, seed=36)
    extra = people(5, seed=37)[4]
    path = tmp_path / "referrals.xls"
    _xls(path, persons, unused=f"{extra.name} {extra.a_number}", unapplied='"Jose Ramirez"@')
    read = units(XLS, path)
    table = read[Where(sheet="Referrals")]
    assert table == [
        ["Name", "A-Number", "Claim"],
        *([p.name, p.a_number, "asylum"] for p in persons),
    ]
    assert read[Where("number format at C2", "Referrals")] == [["asylum"]]
    assert read[Where("stored values", "Referrals", hidden=True)][1][2] == 1
    assert read[Where("data validation lists", "Referrals")] == [
        ["Pick the officer"],
        *([p.name] for p in persons),
        [""],
    ]
    assert read[Where("number formats", hidden=True)] == [["Jose Ramirez"]]
    assert read[Where("unused shared strings", hidden=True)] == [[f"{extra.name} {extra.a_number}"]]
    report = scan_file(path, policy)
    assert report.verdict == "protected"
    assert report.classes.get("protected-person") == len(persons)


@pytest.mark.parametrize(
    ("strings", "split", "declared", "flag"),
    [
        (["Name", "A-Number", "Claim"], 43, 3, True),  # characters cut: a flags byte first
        (["Name", "A-Number", "Claim"], 38, 3, False),  # cut between two strings
        (["Name", "Ana Díaz"], 1000, 5, False),  # fewer strings than the count says
    ],
)
def test_shared_strings_across_continue_records(
    strings: list[str], split: int, declared: int, flag: bool
) -> None:
    body = struct.pack("<II", declared, declared) + b"".join(map(_wide, strings))
    head, rest = body[:split], body[split:]
    pieces = [head, (b"\x01" if flag else b"") + rest] if rest else [head]
    assert _shared_strings(pieces) == strings


def test_shared_strings_that_end_the_stream_are_read(tmp_path: Path) -> None:
    # No EOF record: the workbook's records run on through its sheet into an SST and its
    # CONTINUE, the last records of the stream, with no record after them.
    bof = struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 6)
    head = _record(0x0809, bof) + _record(0x0042, struct.pack("<H", 1200))
    sheet_bof = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 6))
    sheet = sheet_bof + _record(0x00FD, struct.pack("<HHHI", 0, 0, 0, 0))
    bound_size = 4 + 6 + len(_wide("S", 1))
    boundsheet = _record(0x0085, struct.pack("<IBB", len(head) + bound_size, 0, 0) + _wide("S", 1))
    sst = _sst(["Name", "Maria Lopez"], 30)
    path = tmp_path / "tail.xls"
    path.write_bytes(corpus.ole_file({"Workbook": head + boundsheet + sheet + sst}))

    read = units(XLS, path)

    assert read[Where("unused shared strings", hidden=True)] == [["Maria Lopez"]]
