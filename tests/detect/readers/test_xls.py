"""The xls reader, on legacy workbooks written record by record (BIFF8 in an OLE2 file) by
tests/corpus/spreadsheets.py, and the OLE2 compound-file parser under it."""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from approval.detect.readers._spreadsheet import CompoundFile
from approval.detect.readers.xls import READER
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
