"""Power Query in a workbook (``readers._mashup``): the queries' code and the data typed into
them ("Enter Data": deflated JSON in a base64 literal) are read where Excel keeps them, a
``customXml`` part holding a DataMashup; a stream not laid out as Excel writes it blocks."""

from __future__ import annotations

import base64
import io
import json
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest

from approval.detect.scan import scan_file
from approval.policy import Policy
from tests.corpus.people import people

PERSONS = people(6, seed=2026_12_07)
TOTALS = [["2022-01", 5], ["2022-02", 7], ["2022-03", 9]]


def _sized(data: bytes) -> bytes:
    return len(data).to_bytes(4, "little") + data


def _package(code: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("Config/Package.xml", "<Package><Culture>en-US</Culture></Package>")
        archive.writestr("Formulas/Section1.m", code)
    return buffer.getvalue()


def _entered(rows: list[list[object]]) -> str:
    """M code for a table typed in with "Enter Data", as Excel writes it."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = deflate.compress(json.dumps(rows).encode()) + deflate.flush()
    literal = base64.b64encode(data).decode()
    return (
        "section Section1;\r\nshared Table1 = let Source = Table.FromRows(Json.Document("
        f'Binary.Decompress(Binary.FromText("{literal}", BinaryEncoding.Base64), '
        "Compression.Deflate))) in Source;\r\n"
    )


def _mashup(code: str, after: bytes = b"") -> bytes:
    """A DataMashup part laid out as [MS-QDEFF] says, ``after`` glued past its end."""
    metadata = (
        bytes(4)
        + _sized(b"<LocalPackageMetadataFile><Items/></LocalPackageMetadataFile>")
        + _sized(_package(""))
    )
    stream = (
        bytes(4)
        + _sized(_package(code))
        + _sized(
            b"<PermissionList><CanEvaluateFuturePackages>false</CanEvaluateFuturePackages>"
            b"</PermissionList>"
        )
        + _sized(metadata)
        + _sized(bytes(range(64)))  # the permission bindings: protected by Windows
        + after
    )
    xml = (
        '<?xml version="1.0" encoding="utf-16"?>'
        '<DataMashup xmlns="http://schemas.microsoft.com/DataMashup">'
        f"{base64.b64encode(stream).decode()}</DataMashup>"
    )
    return xml.encode("utf-16")


def _workbook(tmp_path: Path, custom: bytes, name: str = "book.xlsx") -> Path:
    book = openpyxl.Workbook()
    book.active.append(["Summary", "Total"])
    buffer = io.BytesIO()
    book.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as to:
        for info in source.infolist():
            to.writestr(info, source.read(info))
        to.writestr("customXml/item1.xml", custom)
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return path


def _rows() -> list[list[object]]:
    rows: list[list[object]] = [["Name", "A-Number", "Claim"]]
    return rows + [[p.name, p.a_number, p.claim] for p in PERSONS]


def test_data_typed_into_a_query_is_read(tmp_path: Path, policy: Policy) -> None:
    report = scan_file(_workbook(tmp_path, _mashup(_entered(_rows()))), policy)
    assert report.verdict == "protected", report.reason
    assert dict(report.classes) == {"protected-person": len(PERSONS)}
    assert all(f.location["part"] == "book.xlsx/power query literal 1" for f in report.findings)


def test_a_query_that_writes_the_table_in_its_code_is_read(tmp_path: Path, policy: Policy) -> None:
    rows = ",".join("{" + ",".join(json.dumps(str(v)) for v in row) + "}" for row in _rows()[1:])
    code = (
        f'section Section1;\r\nshared People = #table({{"Name","A-Number","Claim"}}, {{{rows}}});'
    )
    report = scan_file(_workbook(tmp_path, _mashup(code)), policy)
    assert report.verdict == "protected", report.reason
    assert dict(report.classes) == {"protected-person": len(PERSONS)}


def test_a_harmless_query_is_clean(tmp_path: Path, policy: Policy) -> None:
    report = scan_file(
        _workbook(tmp_path, _mashup(_entered([["Month", "Total"], *TOTALS]))), policy
    )
    assert report.verdict == "clean", report.reason
    kinds = {(part.part, part.kind, part.read) for part in report.coverage}
    assert ("customXml/item1.xml", "power query", "parsed") in kinds
    # The permission bindings are listed, unread, and do not block.
    assert any(part.kind == "checksum" and not part.blocks for part in report.coverage)


@pytest.mark.parametrize(
    ("custom", "words"),
    [
        (_mashup("section Section1;", after=b"\x00" * 8), "after the permission bindings"),
        (
            b'<DataMashup xmlns="http://schemas.microsoft.com/DataMashup">not base64!</DataMashup>',
            "not base64",
        ),
    ],
)
def test_a_mashup_not_laid_out_as_excel_writes_it_blocks(
    tmp_path: Path, policy: Policy, custom: bytes, words: str
) -> None:
    report = scan_file(_workbook(tmp_path, custom), policy)
    assert report.verdict == "unscannable", report.verdict
    assert report.reason is not None and words in report.reason, report.reason


def test_other_custom_xml_is_read_as_before(tmp_path: Path, policy: Policy) -> None:
    custom = b"<Notes><Note>See the DataMashup guide for refreshing.</Note></Notes>"
    report = scan_file(_workbook(tmp_path, custom), policy)
    assert report.verdict == "clean", report.reason
    assert not any(part.kind == "power query" for part in report.coverage)


def test_a_literal_that_is_not_one_quoted_string_blocks(tmp_path: Path, policy: Policy) -> None:
    code = 'shared T = Binary.FromText("aGVsbG8=" & "IHdvcmxk", BinaryEncoding.Base64);'
    report = scan_file(_workbook(tmp_path, _mashup(code)), policy)
    assert report.verdict == "unscannable", report.verdict
    assert report.reason is not None and "not one quoted string" in report.reason


def test_queries_whose_code_expands_beyond_the_limits_block_before_they_are_read(
    tmp_path: Path, policy: Policy
) -> None:
    # Members of 2 MiB of code, each compressed to almost nothing: refused by their sizes
    # before any is read (an 8 MB workbook of these once took 1.6 GB to scan).
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(20):
            archive.writestr(f"Formulas/Section{number}.m", "x" * (2 << 20))
    stream = (
        bytes(4)
        + _sized(buffer.getvalue())
        + _sized(b"<PermissionList/>")
        + _sized(bytes(4) + _sized(b"<LocalPackageMetadataFile/>") + _sized(b""))
        + _sized(b"")
    )
    custom = (
        '<DataMashup xmlns="http://schemas.microsoft.com/DataMashup">'
        f"{base64.b64encode(stream).decode()}</DataMashup>"
    ).encode()
    report = scan_file(_workbook(tmp_path, custom), policy)
    assert report.verdict == "unscannable", report.verdict
    refused = [p for p in report.coverage if p.kind == "power query" and p.read == "unread"]
    assert [p.reason for p in refused] == ["too large: the queries' code expands beyond the limits"]
