"""The xls reader, on legacy workbooks written record by record (BIFF8 in an OLE2 file) by
tests/corpus/spreadsheets.py, and the OLE2 compound-file parser under it."""

from __future__ import annotations

import datetime
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from approval.detect.readers._spreadsheet import CompoundFile
from approval.detect.readers.xls import READER
from approval.detect.report import FileReport
from approval.detect.scan import scan_file
from approval.detect.units import (
    Cell,
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
from approval.policy import Policy
from tests.corpus import spreadsheets as corpus
from tests.detect.readers import propsets


def read(path: Path) -> list[Table]:
    return [u for u in units_of(path) if isinstance(u, Table)]


def units_of(path: Path) -> list[Unit]:
    source = Source(path.name, lambda: path.open("rb"), path.stat().st_size)
    return list(READER.read(source, Limits()))


def probe_of(data: bytes) -> Probe:
    return Probe(head=data[:8192], size=len(data), tail=data[-8192:] if len(data) > 8192 else b"")


def rows(unit: Table) -> list[list[Cell]]:
    return [list(row) for row in unit.rows]


def test_accepts_ole_files_that_hold_a_workbook(tmp_path: Path) -> None:
    data = corpus.build_xls(tmp_path, count=3).path.read_bytes()
    assert READER.accepts(probe_of(data))  # the directory entry "Workbook", whatever the name
    assert not READER.accepts(probe_of(corpus.ole_file({"WordDocument": b"x" * 100})))
    assert not READER.accepts(probe_of(b"PK\x03\x04" + bytes(600)))


def test_a_directory_out_of_sight_is_read_to_find_out(tmp_path: Path) -> None:
    header = corpus.ole_file({"WordDocument": b"x" * 100})[:512]
    assert READER.accepts(probe_of(header + b"\xff" * 100))  # the directory is not there
    doc = tmp_path / "letter"
    doc.write_bytes(corpus.ole_file({"WordDocument": b"x" * 5000}))
    with pytest.raises(Unscannable, match=r"^unsupported format: legacy Word document"):
        units_of(doc)


def test_every_stream_is_a_part_and_properties_and_comments_are_read(tmp_path: Path) -> None:
    stream = corpus.xls_workbook(corpus._xls_sheets(corpus.people(3, seed=19)))
    # A comment's text box: TXO (12+ bytes, cchText at 10), its text in a CONTINUE record.
    note = "GARCIA, Maria A212345678"
    txo = corpus._record(0x01B6, bytes(10) + struct.pack("<H", len(note)) + bytes(6))
    text = corpus._record(0x003C, b"\x00" + note.encode("latin-1"))
    end = stream.rfind(corpus._record(0x000A, b""))
    stream = stream[:end] + txo + text + stream[end:]
    properties = _property_set(["Detainee list", "Jane Smith"])
    path = tmp_path / "book.xls"
    path.write_bytes(
        corpus.ole_file(
            {"Workbook": stream, "\x05SummaryInformation": properties, "Macros": b"x" * 80}
        )
    )
    units = units_of(path)
    parts = {(u.part, u.read) for u in units if isinstance(u, Part)}
    assert {("Workbook", "parsed"), ("SummaryInformation", "parsed"), ("Macros", "unread")} <= parts
    texts = [list(u.lines) for u in units if isinstance(u, Text)]
    assert [note] in texts
    assert ["Detainee list", "Jane Smith"] in texts


def _property_set(strings: list[str]) -> bytes:
    """A property set stream with one section of VT_LPSTR properties [MS-OLEPS]."""
    values = b""
    offsets = []
    at = 8 + 8 * len(strings)
    for value in strings:
        raw = value.encode("cp1252") + b"\0"
        raw += b"\0" * (-len(raw) % 4)
        offsets.append(at + len(values))
        values += struct.pack("<HHI", 0x1E, 0, len(value) + 1) + raw
    ids = b"".join(struct.pack("<II", 2 + i, o) for i, o in enumerate(offsets))
    section = struct.pack("<II", 8 + len(ids) + len(values), len(strings)) + ids + values
    header = struct.pack("<HHI", 0xFFFE, 0, 0) + bytes(16) + struct.pack("<I", 1)
    return header + bytes(16) + struct.pack("<I", len(header) + 20) + section


@pytest.mark.parametrize("count", [3, 120])  # a Workbook stream in the mini stream, and not
def test_the_hidden_sheet_with_hidden_parts_and_formatted_values(
    tmp_path: Path, count: int
) -> None:
    built = corpus.build_xls(tmp_path, count=count)
    summary, detainees = read(built.path)
    assert summary.where == Where(sheet="Summary", hidden=False)
    assert detainees.where == Where(sheet="Detainees", hidden=True)
    assert detainees.column_names == list("ABCDE")
    assert detainees.hidden_rows == frozenset({2})
    assert detainees.hidden_columns == frozenset({2})
    assert rows(detainees) == [
        ["Name", "A-Number", "DOB", "Citizenship", "Claim"],
        *(
            [p.last_first, p.a_number, p.birthdate.isoformat(), p.nationality, p.claim]
            for p in built.people
        ),
    ]


def test_a_password_to_open_is_encrypted(tmp_path: Path) -> None:
    with pytest.raises(Unscannable, match=r"^encrypted$"):
        read(corpus.build_xls_encrypted(tmp_path).path)


def test_an_encrypted_ooxml_package_named_xls_is_encrypted(tmp_path: Path) -> None:
    path = corpus.build_encrypted(tmp_path).path.rename(tmp_path / "protected.xls")
    with pytest.raises(Unscannable, match=r"^encrypted$"):
        read(path)


def test_a_broken_compound_file_is_corrupt(tmp_path: Path) -> None:
    with pytest.raises(Unscannable) as caught:
        read(corpus.build_xls_corrupt(tmp_path).path)
    assert caught.value.reason.startswith("corrupt: ")


def test_an_ole_file_without_a_workbook_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "letter.xls"
    path.write_bytes(corpus.ole_file({"Other": bytes(5000)}))
    with pytest.raises(Unscannable, match=r"^unsupported format: OLE2 compound file"):
        read(path)


def test_compound_file_streams_from_the_fat_and_the_mini_stream() -> None:
    small, large = b"tiny stream" * 10, bytes(range(256)) * 40
    compound = CompoundFile(corpus.ole_file({"Small": small, "Large": large}))
    assert compound.names == {"Small", "Large"}
    assert compound.stream("Small") == small
    assert compound.stream("Large") == large
    assert not compound.encrypted_package


def test_a_sector_chain_that_loops_is_corrupt() -> None:
    data = bytearray(corpus.ole_file({"Large": bytes(5000)}))
    fat_sector = struct.unpack_from("<I", data, 76)[0]
    fat_at = 512 + fat_sector * 512
    struct.pack_into("<I", data, fat_at + 4 * 9, 0)  # the stream's last sector points back
    with pytest.raises(Unscannable, match=r"^corrupt: "):
        CompoundFile(bytes(data)).stream("Large")


@pytest.mark.parametrize(
    "data",
    [b"", corpus.OLE_MAGIC, corpus.OLE_MAGIC + bytes(600), b"\x00" * 1024],
)
def test_garbage_is_corrupt_not_a_crash(data: bytes) -> None:
    with pytest.raises(Unscannable, match=r"^corrupt: "):
        CompoundFile(data)


@pytest.mark.parametrize(
    ("build", "verdict", "persons"),
    [(corpus.build_xls, "protected", 15), (corpus.build_xls_encrypted, "unscannable", 0),
     (corpus.build_xls_corrupt, "unscannable", 0)],
)  # fmt: skip
def test_scan_verdicts_and_person_counts(
    tmp_path: Path, build: object, verdict: str, persons: int, policy: Policy
) -> None:
    assert callable(build)
    built = build(tmp_path)
    assert (built.truth.verdict, built.truth.persons) == (verdict, persons)
    report = scan_file(built.path, policy)
    assert (report.format, report.verdict) == ("xls", verdict)
    assert report.classes.get("protected-person", 0) == persons


def test_a_calamine_panic_is_corrupt_and_prints_nothing(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    # A MERGECELLS record that claims five ranges and holds none: calamine indexes past its
    # end and panics; Rust's panic hook would write "thread panicked at ..." to stderr.
    stream = corpus.xls_workbook(corpus._xls_sheets(corpus.people(3, seed=19)))
    end = stream.rfind(corpus._record(0x000A, b""))
    stream = stream[:end] + corpus._record(0x00E5, struct.pack("<H", 5)) + stream[end:]
    path = tmp_path / "merged.xls"
    path.write_bytes(corpus.ole_file({"Workbook": stream}))
    with pytest.raises(Unscannable) as caught:
        read(path)
    assert caught.value.reason == "corrupt: unreadable workbook"
    assert capfd.readouterr().err == ""


def test_a_sheet_offset_beyond_the_stream_is_corrupt(tmp_path: Path) -> None:
    stream = bytearray(corpus.xls_workbook(corpus._xls_sheets(corpus.people(3, seed=19))))
    at = 0
    while struct.unpack_from("<H", stream, at)[0] != 0x0085:  # to the first BOUNDSHEET
        at += 4 + struct.unpack_from("<H", stream, at + 2)[0]
    struct.pack_into("<I", stream, at + 4, 10_000_000)
    path = tmp_path / "offset.xls"
    path.write_bytes(corpus.ole_file({"Workbook": bytes(stream)}))
    with pytest.raises(Unscannable, match=r"^corrupt: a sheet starts beyond"):
        read(path)


@pytest.mark.parametrize("build", [corpus.build_xls])
def test_damaged_files_are_read_or_unscannable_never_a_crash(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], build: Callable[[Path], corpus.Built]
) -> None:
    outcomes = corpus.mutation_outcomes(READER, build(tmp_path).path)
    assert "unscannable" in outcomes
    assert "panicked" not in capfd.readouterr().err


# ---------------------------------------------------------------------------------------------
# Every byte of the workbook stream and every stream of the file: read, or blocking

SUMMARY = corpus.XlsSheet("Summary", [["Month", "Total"], ["2022-01", 5], ["2022-02", 7]])
BOF_SHEET = corpus._record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 6))
BOF_CHART = corpus._record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0020, 0x0DBB, 0x07CC, 0, 6))
EOF = corpus._record(0x000A, b"")
# A CompObj stream as Excel 2003 writes it, and the \x01Ole stream of an embedded workbook.
COMPOBJ = bytes.fromhex(
    "0100feff030a0000ffffffff2008020000000000c0000000000000461f0000004d6963726f736f667420"
    "457863656c203230303320576f726b736865657400060000004269666638000e000000457863656c2e53"
    "686565742e3800f439b271000000000000000000000000"
)
OLE_HEADER = struct.pack("<IIIII", 0x02000001, 0, 0, 0, 0)


def _labels(persons: list[corpus.Person]) -> bytes:
    """LABEL cells: a header row, then each person's name, A-number and claim."""
    rows = [["Name", "A-Number", "Claim"], *([p.name, p.a_number, p.claim] for p in persons)]
    return b"".join(
        corpus._record(0x0204, struct.pack("<HHH", r, c, 0) + corpus._unicode(value))
        for r, row in enumerate(rows)
        for c, value in enumerate(row)
    )


def _after_globals(stream: bytes, data: bytes) -> bytes:
    """``data`` between the globals' EOF and the first sheet, the sheet offsets moved on."""
    out, at = bytearray(stream), 0
    while True:
        kind, size = struct.unpack_from("<HH", stream, at)
        if kind == 0x0085:
            offset = struct.unpack_from("<I", stream, at + 4)[0]
            struct.pack_into("<I", out, at + 4, offset + len(data))
        at += 4 + size
        if kind == 0x000A:
            return bytes(out[:at]) + data + bytes(out[at:])


def _scan(tmp_path: Path, policy: Policy, streams: dict[str, bytes]) -> FileReport:
    path = tmp_path / "book.xls"
    path.write_bytes(corpus.ole_file(streams))
    return scan_file(path, policy)


def _unread(report: FileReport) -> list[str]:
    return [p.part for p in report.coverage if p.read == "unread" and p.blocks]


PERSONS = corpus.people(4, seed=2026_12_08)


@pytest.mark.parametrize(
    "place",
    [
        lambda s, d: s + d,  # after the last sheet
        lambda s, d: s + bytes(300) + d + bytes(700),  # amid padding
        _after_globals,  # between the globals and the first sheet
    ],
    ids=["after", "in-padding", "between"],
)
def test_a_substream_no_sheet_points_to_blocks(
    tmp_path: Path, policy: Policy, place: Callable[[bytes, bytes], bytes]
) -> None:
    # A worksheet's records that no BOUNDSHEET names: calamine never reads them, and the
    # report said the workbook was parsed.
    stream = corpus.xls_workbook([SUMMARY])
    hidden = BOF_SHEET + _labels(PERSONS) + EOF
    report = _scan(tmp_path, policy, {"Workbook": place(stream, hidden)})
    assert report.verdict == "unscannable"
    [part] = _unread(report)
    assert part.startswith("Workbook bytes ") and "outside its substreams" in part


def test_text_outside_the_substreams_is_read_as_text(tmp_path: Path, policy: Policy) -> None:
    stream = corpus.xls_workbook([SUMMARY])
    lines = "".join(f"{p.name},{p.a_number},{p.claim}\n" for p in PERSONS)
    report = _scan(
        tmp_path, policy, {"Workbook": stream + ("Name,A-Number,Claim\n" + lines).encode()}
    )
    assert report.verdict == "protected"
    assert report.classes.get("protected-person") == len(PERSONS)


@pytest.mark.parametrize("size", [0, 4096, 9000])
def test_zero_padding_after_the_last_sheet_passes(
    tmp_path: Path, policy: Policy, size: int
) -> None:
    # Writers pad a small workbook stream with zeros to 4096 bytes, out of the mini stream.
    stream = corpus.xls_workbook([SUMMARY])
    stream += bytes(max(0, size - len(stream)))
    report = _scan(tmp_path, policy, {"Workbook": _after_globals(stream, bytes(64))})
    assert report.verdict == "clean", report.reason
    assert not any("outside" in p.part for p in report.coverage)


def test_an_embedded_chart_is_read_and_the_sheet_after_it(tmp_path: Path) -> None:
    # A chart inside a worksheet is a BOF ... EOF substream in the sheet's: calamine skips
    # it, and the sheet's records after its EOF (a validation list) were left unread.
    chart = (
        BOF_CHART
        + corpus._record(0x100D, struct.pack("<H", 0) + corpus._unicode("Referrals", 1))
        + _labels(PERSONS)
        + corpus._record(0x0203, struct.pack("<HHHd", 9, 1, 0, float(PERSONS[0].a_digits)))
        + EOF
    )
    validation = _dv_list(["Officer Smith", PERSONS[1].name])
    stream = corpus.xls_workbook([SUMMARY])
    end = stream.rfind(EOF)
    stream = stream[:end] + chart + validation + stream[end:]
    path = tmp_path / "chart.xls"
    path.write_bytes(corpus.ole_file({"Workbook": stream}))
    texts = {u.where.part: list(u.lines) for u in units_of(path) if isinstance(u, Text)}
    embedded = texts["embedded charts"]
    assert embedded[0] == "Referrals"
    assert {PERSONS[2].name, PERSONS[2].a_number, PERSONS[0].a_digits} <= set(embedded)
    assert PERSONS[1].name in texts["data validation lists"]


def _dv_list(items: list[str]) -> bytes:
    listed = "\0".join(items)
    formula = b"\x17" + corpus._unicode(listed, 1)
    strings = b"".join(corpus._unicode(t) for t in ("\0", "\0", "Pick one", "\0"))
    body = struct.pack("<I", 3) + strings + struct.pack("<HH", len(formula), 0) + formula
    body += struct.pack("<HH", 0, 0) + struct.pack("<HHHHH", 1, 1, 50, 0, 0)
    return corpus._record(0x01BE, body)


@pytest.mark.parametrize("layout", ["excel", "minimal"])
def test_the_usual_streams_of_an_excel_file_pass(
    tmp_path: Path, policy: Policy, layout: str
) -> None:
    stream = corpus.xls_workbook([SUMMARY])
    if layout == "excel":  # a thumbnail, the sheet-name list, custom properties
        custom = {
            "Department": propsets.lpwstr("Statistics"),
            "Reviewed": propsets.filetime(datetime.datetime(2024, 5, 1, 4)),
            "Version": propsets.i4(3),
            "Final": propsets.boolean(True),
        }
        summary = propsets.excel_summary(thumbnail=propsets.wmf("Monthly totals"))
        documents = propsets.excel_doc_summary(["Summary"], custom)
    else:
        summary = _property_set(["Monthly totals", "Jane Smith"])
        documents = _property_set(["Microsoft Excel"])
    streams = {
        "Workbook": stream + bytes(4096 - len(stream)),
        "\x05SummaryInformation": summary,
        "\x05DocumentSummaryInformation": documents,
        "\x01CompObj": COMPOBJ,
        "\x01Ole": OLE_HEADER,
    }
    report = _scan(tmp_path, policy, streams)
    assert report.verdict == "clean", report.reason
    read = {p.part: p.read for p in report.coverage}
    assert read["CompObj"] == read["Ole"] == "parsed"
    if layout == "excel":
        assert read["SummaryInformation section 1 property 17"] == "unread"  # a picture


RECORD = f"{PERSONS[0].name} {PERSONS[0].a_number} asylum granted"


@pytest.mark.parametrize(
    "documents",
    [
        propsets.excel_doc_summary(["Summary"], {RECORD: propsets.boolean(True)}),
        propsets.excel_doc_summary(["Summary"], {"Reviewer": propsets.lpstr(RECORD)}),
        propsets.excel_doc_summary(
            ["Summary"], {"Reviewer": propsets.lpwstr(RECORD)}, codepage=propsets.UNICODE
        ),
        propsets.excel_doc_summary(["Summary", RECORD]),
        propsets.excel_doc_summary(["Summary"], {"_PID_GUID": propsets.blob(RECORD.encode())}),
    ],
    ids=["name", "value", "unicode", "sheet-list", "blob"],
)
def test_a_custom_property_carrying_a_record_is_protected(
    tmp_path: Path, policy: Policy, documents: bytes
) -> None:
    # File > Properties > Custom shows these; calamine and the old reader read none of them.
    streams = {
        "Workbook": corpus.xls_workbook([SUMMARY]),
        "\x05SummaryInformation": propsets.excel_summary(),
        "\x05DocumentSummaryInformation": documents,
    }
    report = _scan(tmp_path, policy, streams)
    assert report.verdict == "protected", (report.reason, _unread(report))
    assert report.classes.get("protected-person") == 1


def test_a_record_drawn_in_the_thumbnail_is_protected(tmp_path: Path, policy: Policy) -> None:
    streams = {
        "Workbook": corpus.xls_workbook([SUMMARY]),
        "\x05SummaryInformation": propsets.excel_summary(thumbnail=propsets.wmf(RECORD)),
    }
    report = _scan(tmp_path, policy, streams)
    assert report.verdict == "protected", (report.reason, _unread(report))


def test_a_property_not_understood_blocks(tmp_path: Path, policy: Policy) -> None:
    stream = propsets.excel_doc_summary(
        ["Summary"], {"Notes": propsets.typed(0x42, propsets.code_page_string("Notes"))}
    )
    report = _scan(
        tmp_path,
        policy,
        {"Workbook": corpus.xls_workbook([SUMMARY]), "\x05DocumentSummaryInformation": stream},
    )
    assert report.verdict == "unscannable"
    assert _unread(report) == ["DocumentSummaryInformation section 2 property 2"]


def _compobj(user_type: bytes) -> bytes:
    """``COMPOBJ`` with another AnsiUserType string (the program's name for the document)."""
    rest = COMPOBJ[28 + 4 + struct.unpack_from("<I", COMPOBJ, 28)[0] :]
    return COMPOBJ[:28] + struct.pack("<I", len(user_type)) + user_type + rest


LINE = f"{PERSONS[0].name}, {PERSONS[0].a_number}, {PERSONS[0].claim}\n".encode()


@pytest.mark.parametrize(
    ("stream", "data", "verdict"),
    [
        ("\x01CompObj", COMPOBJ + bytes(8), "clean"),
        ("\x01CompObj", COMPOBJ + b"\n" + LINE, "protected"),  # text after its strings
        ("\x01CompObj", _compobj(LINE + b"\0"), "protected"),  # text as its strings
        ("\x01CompObj", COMPOBJ[:28] + struct.pack("<I", 4000) + LINE, "unscannable"),
        ("\x01Ole", OLE_HEADER[:16] + struct.pack("<I", len(LINE)) + LINE, "unscannable"),
        ("\x01Ole", OLE_HEADER + b"\x01", "unscannable"),
    ],
    ids=["padded", "after", "inside", "malformed", "moniker", "more"],
)
def test_class_name_and_object_streams_are_read_or_block(
    tmp_path: Path, policy: Policy, stream: str, data: bytes, verdict: str
) -> None:
    report = _scan(tmp_path, policy, {"Workbook": corpus.xls_workbook([SUMMARY]), stream: data})
    assert report.verdict == verdict, (report.reason, _unread(report))
    if verdict == "unscannable":
        assert _unread(report) == [stream.lstrip("\x01")]
