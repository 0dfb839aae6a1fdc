"""The XML reader: records as tables, flat ODF and SpreadsheetML as sheets, fail closed on
anything not well-formed or declaring entities. Files are made here by code."""

from __future__ import annotations

import io
import time
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import escape

import pytest

from approval.detect.readers.xml import READER, looks_like_xml
from approval.detect.report import FileReport
from approval.detect.scan import scan_file
from approval.detect.units import Bound, Limits, Part, Probe, Source, Table, Text, Unit, Unscannable
from approval.policy import Policy

HEADER = ("name", "anumber", "dob", "nationality", "facility", "fearResult")
PERSONS = [
    ("Juan Perez", "A212345678", "1990-03-04", "Honduras", "Port Isabel", "credible fear"),
    ("Ана Руиз", "A213456789", "1985-11-02", "Guatemala", "Otay Mesa", "asylum pending"),
    ("Иван Петров", "A214567890", "1979-07-21", "Russia", "Krome", "credible fear"),
]
SS = "urn:schemas-microsoft-com:office:spreadsheet"
ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
)


def records_xml(indent: bool) -> bytes:
    """As ElementTree writes it by default: non-ASCII names as character references."""
    root = ElementTree.Element("detainees")
    for person in PERSONS:
        element = ElementTree.SubElement(root, "person", id=person[1])
        for tag, value in zip(HEADER, person, strict=True):
            ElementTree.SubElement(element, tag).text = value
    if indent:
        ElementTree.indent(root)
    data: bytes = ElementTree.tostring(root, encoding="us-ascii", xml_declaration=True)
    return data


def units_of(data: bytes, limits: Limits | None = None) -> list[Unit]:
    source = Source("x", lambda: io.BytesIO(data), len(data))
    return list(READER.read(source, limits or Limits()))


def tables(units: list[Unit]) -> list[list[list[object]]]:
    return [[list(row) for row in unit.rows] for unit in units if isinstance(unit, Table)]


def lines(units: list[Unit]) -> list[str]:
    return [line for unit in units if isinstance(unit, Text) for line in unit.lines]


def scan(tmp_path: Path, policy: Policy, name: str, data: bytes) -> FileReport:
    path = tmp_path / name
    path.write_bytes(data)
    return scan_file(path, policy)


@pytest.mark.parametrize("indent", [False, True])
def test_records_become_a_table_with_their_tags_as_header(indent: bool) -> None:
    data = records_xml(indent)
    assert b"&#1040;" in data or b"&#1048;" in data  # the names are character references
    (table,) = tables(units_of(data))
    assert table[0] == ["id", *HEADER]
    assert table[2][1] == "Ана Руиз"  # references decoded
    assert [row[2] for row in table[1:]] == [p[1] for p in PERSONS]


@pytest.mark.parametrize("indent", [False, True])
def test_records_are_protected_as_the_same_rows_in_csv_are(
    tmp_path: Path, policy: Policy, indent: bool
) -> None:
    report = scan(tmp_path, policy, "export.dat", records_xml(indent))
    assert report.verdict == "protected"
    assert "xml" in report.format.split("+")
    assert report.classes["protected-person"] == 3


def test_attributes_nested_records_and_prose() -> None:
    data = (
        b'<?xml version="1.0"?><cases title="Referrals">'
        b'<case name="Juan Perez" dob="1990-03-04"><address><city>Laredo</city></address>'
        b"<alias>JP</alias><alias>Juanito</alias></case>"
        b'<case name="Ana Ruiz" dob="1985-11-02"/>'
        b"<note>Interview of <b>Ana Ruiz</b> held</note><!-- kept: a comment --></cases>"
    )
    units = units_of(data)
    table = next(t for t in tables(units) if t[0][0] == "name")
    assert table[0] == ["name", "dob", "address.city", "alias[0]", "alias[1]"]
    assert table[1] == ["Juan Perez", "1990-03-04", "Laredo", "JP", "Juanito"]
    assert table[2][:2] == ["Ana Ruiz", "1985-11-02"]
    text = lines(units)
    assert "Interview of Ana Ruiz held" in text
    assert "kept: a comment" in text
    assert any(t[0] == ["title"] and t[1] == ["Referrals"] for t in tables(units))
    assert isinstance(units[-1], Part) and units[-1].read == "parsed"


def test_a_large_group_streams_in_chunks_with_every_row() -> None:
    rows = b"".join(b"<r><n>%d</n><v>x</v></r>" % i for i in range(5_000))
    found = tables(units_of(b"<rs>" + rows + b"</rs>"))
    assert len(found) >= 2 and all(t[0] == ["n", "v"] for t in found)
    assert sum(len(t) - 1 for t in found) == 5_000


def spreadsheetml() -> bytes:
    def row(values: tuple[str, ...]) -> str:
        cells = "".join(f'<Cell><Data ss:Type="String">{escape(v)}</Data></Cell>' for v in values)
        return f"<Row>{cells}</Row>"

    return (
        f'<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>'
        f'<Workbook xmlns="{SS}" xmlns:ss="{SS}" xmlns:x="urn:schemas-microsoft-com:office:excel">'
        f'<Worksheet ss:Name="Summary"><Table><Row><Cell><Data ss:Type="Number">3</Data></Cell>'
        f'<Cell ss:Index="3"><Data ss:Type="String">total</Data><Comment><Data>see tab 2</Data>'
        f"</Comment></Cell></Row></Table></Worksheet>"
        f'<Worksheet ss:Name="Sheet2"><Table><Column ss:Index="2" ss:Hidden="1"/>'
        + row(HEADER)
        + "".join(row(p) for p in PERSONS)
        + '</Table><WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel">'
        "<Visible>SheetHidden</Visible></WorksheetOptions></Worksheet></Workbook>"
    ).encode()


def test_spreadsheetml_worksheets_are_sheets_with_hidden_parts_flagged() -> None:
    units = units_of(spreadsheetml())
    summary, sheet2 = (u for u in units if isinstance(u, Table))
    assert [list(r) for r in summary.rows] == [["3", None, "total"]]
    assert summary.where.sheet == "Summary" and not summary.where.hidden
    assert sheet2.where.sheet == "Sheet2" and sheet2.where.hidden
    assert sheet2.hidden_columns == frozenset({1})
    assert [list(r) for r in sheet2.rows][1] == list(PERSONS[0])
    assert "see tab 2" in lines(units)


def test_spreadsheetml_saved_as_xls_is_protected(tmp_path: Path, policy: Policy) -> None:
    report = scan(tmp_path, policy, "detention-stats.xls", spreadsheetml())
    assert report.verdict == "protected"
    assert report.classes["protected-person"] == 3
    assert any(f.location.get("hidden") for f in report.findings)


def test_a_row_index_past_the_last_row_is_bounded() -> None:
    """``ss:Index`` far past Excel's last row, twice: the rows before it are padded up to that
    row only (the bound moved with the padding, and 300 bytes never finished reading)."""
    far = '<Row ss:Index="9999999999"><Cell><Data ss:Type="String">{}</Data></Cell></Row>'
    data = (
        f'<?xml version="1.0"?><Workbook xmlns="{SS}" xmlns:ss="{SS}"><Worksheet ss:Name="S">'
        f"<Table>{far.format('x')}{far.format('y')}</Table></Worksheet></Workbook>"
    ).encode()
    started = time.perf_counter()
    (table,) = (u for u in units_of(data) if isinstance(u, Table))
    rows = [list(r) for r in table.rows]
    assert len(rows) == 1_048_577
    assert [rows[-2], rows[-1]] == [["x"], ["y"]]
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("kind", ["spreadsheet", "text"])
def test_flat_opendocument_tables_are_tables(tmp_path: Path, policy: Policy, kind: str) -> None:
    def cell(value: str) -> str:
        half = len(value) // 2
        return (
            f'<table:table-cell office:value-type="string"><text:p>{escape(value[:half])}'
            f"<text:span>{escape(value[half:])}</text:span></text:p></table:table-cell>"
        )

    body = "".join(
        "<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>"
        for row in [HEADER, *PERSONS]
    )
    data = (
        f'<?xml version="1.0"?><office:document {ODF_NS}><office:body><office:{kind}>'
        f"<text:h>Fear referrals</text:h>"
        f'<table:table table:name="T1">{body}</table:table></office:{kind}></office:body>'
        f"</office:document>"
    ).encode()
    units = units_of(data)
    (table,) = tables(units)
    assert table[1] == list(PERSONS[0])
    assert "# Fear referrals" in lines(units)
    report = scan(tmp_path, policy, f"stats.f{kind[0]}d", data)
    assert (report.verdict, report.classes["protected-person"]) == ("protected", 3)


@pytest.mark.parametrize(
    "data",
    [
        records_xml(False)[:-12],  # truncated: the root never closes
        records_xml(False).replace(b"</dob>", b"</do>", 1),  # a tag broken on purpose
        b'<?xml version="1.0"?>\n<a>Juan Perez & co</a>',  # a bare ampersand
        records_xml(False) + b"Juan Perez A212345678",  # text after the root element
        records_xml(False) + b"<a/>junk",  # a second document, then junk
        b"<?xml version='1.0'?><a><?xml version='1.0'?></a>",  # a declaration inside the root
    ],
)
def test_xml_that_is_not_well_formed_is_unscannable(
    tmp_path: Path, policy: Policy, data: bytes
) -> None:
    with pytest.raises(Unscannable, match="not well-formed"):
        units_of(data)
    assert scan(tmp_path, policy, "x.xml", data).verdict == "unscannable"


@pytest.mark.parametrize(
    "doctype",
    [
        # billion laughs
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>',
        # XXE: an external entity, never fetched
        '<!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE r [<!ENTITY % remote SYSTEM "http://example.invalid/x.dtd"> %remote;]>',
    ],
)
def test_entity_declarations_are_refused_quickly(
    tmp_path: Path, policy: Policy, doctype: str
) -> None:
    data = f'<?xml version="1.0"?>{doctype}<r>&lol3;</r>'.encode()
    started = time.perf_counter()
    report = scan(tmp_path, policy, "bomb.xml", data)
    assert report.verdict == "unscannable"
    assert report.reason == "XML declares entities, which are not expanded"
    assert time.perf_counter() - started < 2


def test_a_doctype_without_entities_is_read() -> None:
    data = b'<?xml version="1.0"?><!DOCTYPE note SYSTEM "note.dtd"><note><to>Ana</to></note>'
    assert tables(units_of(data)) == [[["to"], ["Ana"]]]


@pytest.mark.parametrize(
    ("head", "accepted"),
    [
        (b'<?xml version="1.0"?><a/>', True),
        (b"\xef\xbb\xbf  <records><r a='1'/>", True),
        ("<?xml version='1.0'?><a/>".encode("utf-16"), True),
        (b"<!-- export --><rows><row>", True),
        (b"<html><body><p>hi", False),
        (b"<!DOCTYPE html><html><p>x<br></p>", False),
        (b"<john@example.org> wrote:\nhello", False),
        (b"<b>bold</b> then text outside any root", False),
        (b"name,dob\nJuan,1990", False),
        (b"{\\rtf1 <a>}", False),
    ],
)
def test_content_decides_what_is_xml(head: bytes, accepted: bool) -> None:
    assert looks_like_xml(head) is accepted
    assert READER.accepts(Probe(head=head, size=len(head))) is accepted


def test_clean_xml_stays_clean(tmp_path: Path, policy: Policy) -> None:
    data = (
        b'<?xml version="1.0"?><project><dependencies>'
        b"<dependency><groupId>org.example</groupId><artifactId>core</artifactId>"
        b"<version>1.2</version></dependency>"
        b"<dependency><groupId>org.example</groupId><artifactId>web</artifactId>"
        b"<version>1.3</version></dependency></dependencies></project>"
    )
    report = scan(tmp_path, policy, "pom.xml", data)
    assert report.verdict == "clean", report.reason


def word_2003(rows: list[tuple[str, ...]]) -> bytes:
    def cell(value: str) -> str:
        half = len(value) // 2  # a value split across runs, as Word's edit sessions leave it
        runs = "".join(f"<w:r><w:t>{escape(v)}</w:t></w:r>" for v in (value[:half], value[half:]))
        return f"<w:tc><w:p>{runs}</w:p></w:tc>"

    table = "".join("<w:tr>" + "".join(cell(v) for v in row) + "</w:tr>" for row in rows)
    return (
        '<?xml version="1.0"?><?mso-application progid="Word.Document"?>'
        '<w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml">'
        "<w:body><w:p><w:r><w:t>Fear</w:t></w:r><w:r><w:tab/><w:t>referrals</w:t></w:r></w:p>"
        f"<w:tbl>{table}</w:tbl></w:body></w:wordDocument>"
    ).encode()


def test_word_xml_paragraphs_and_tables(tmp_path: Path, policy: Policy) -> None:
    data = word_2003([HEADER, *PERSONS])
    units = units_of(data)
    (table,) = tables(units)
    assert table[0] == list(HEADER) and table[1] == list(PERSONS[0])
    assert "Fear referrals" in lines(units)
    report = scan(tmp_path, policy, "letter.doc", data)
    assert (report.verdict, report.classes["protected-person"]) == ("protected", 3)


def test_documents_back_to_back_are_read_one_after_the_other(
    tmp_path: Path, policy: Policy
) -> None:
    # An XML log: a declaration and a root element per entry. Many entries, so that documents
    # start across the parser's chunks, and an entry's tag is cut by a chunk's end.
    entries = [(f"Clerk {i}", f"{2000 + i}") for i in range(3_000)]
    log = b"".join(
        f'<?xml version="1.0"?>\n<entry><who>{who}</who><year>{year}</year></entry>\n'.encode()
        for who, year in entries
    )
    found = [row for table in tables(units_of(log)) for row in table[1:]]
    assert found == [list(entry) for entry in entries]
    persons = b"".join(
        b'<?xml version="1.0"?>\n' + records_xml(False).split(b"?>", 1)[1] + b"\n" for _ in range(2)
    )
    report = scan(tmp_path, policy, "log.xml", b'<?xml version="1.0"?><r>Totals</r>\n' + persons)
    assert (report.verdict, report.format) == ("protected", "xml")


def test_attribute_values_are_bounded_as_text_is() -> None:
    data = b'<?xml version="1.0"?><r><p a="' + b"x" * 600 + b'" b="' + b"y" * 600 + b'"/></r>'
    assert tables(units_of(data, Limits(max_string_chars=2_000)))
    with pytest.raises(Bound, match="max_string_chars"):
        units_of(data, Limits(max_string_chars=1_000))
