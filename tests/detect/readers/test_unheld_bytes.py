"""Bytes that a structured reader's format holds but that no reader of it reads: a ZIP whose
records cannot all be placed, a payload after the end of a member's deflate stream or in the
archive comment; bytes after a tar's end-of-archive blocks or in a member's padding; bytes after
a PDF's last ``%%EOF``. Each is read as a file of its own (text is read, binary blocks) or
blocks. And the text rule (``readers._binary``): a short compressed blob in UTF-8 text blocks;
text in an 8-bit encoding and a trailing run of padding bytes do not."""

from __future__ import annotations

import csv
import io
import re
import struct
import tarfile
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest

from approval.detect.readers._zipspan import _stream_length, stream_used
from approval.detect.report import FileReport
from approval.policy import Policy
from tests.corpus.documents import minimal_pdf
from tests.corpus.people import people
from tests.detect.readers.bytefiles import HARMLESS
from tests.detect.readers.bytefiles import scan_bytes as _scan
from tests.detect.readers.bytefiles import zip_of as _zip

PERSONS = people(4, seed=2026_12_07)
CSV = "\n".join(f"{p.name},{p.a_number},{p.nationality}" for p in PERSONS).encode() + b"\n"
STREAM = zlib.compress(CSV * 3, 9)[2:-4]  # raw deflate: no reader knows it


def _deflated_zip(name: bytes, content: bytes, extra: bytes) -> bytes:
    """One deflated member whose compressed size also covers ``extra`` after its stream."""
    return _deflated_members([(name, content, extra)])


def _deflated_members(members: list[tuple[bytes, bytes, bytes]]) -> bytes:
    """Deflated members (name, content, extra), each one's compressed size also covering its
    ``extra`` after its stream."""
    body, directory = b"", b""
    for name, content, extra in members:
        stream = zlib.compress(content, 9)[2:-4] + extra
        crc, sizes = zlib.crc32(content), (len(stream), len(content), len(name))
        local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, *sizes, 0)
        central = struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, *sizes, 0, 0, 0, 0, 0,
            len(body),
        )  # fmt: skip
        body, directory = body + local + name + stream, directory + central + name
    count = len(members)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), len(body), 0)
    return body + directory + end


def _blocked(report: FileReport, words: str) -> None:
    assert report.verdict == "unscannable", report.verdict
    assert report.reason is not None and words in report.reason, report.reason


# ZIP


def test_a_zip_whose_records_cannot_be_placed_blocks(tmp_path: Path, policy: Policy) -> None:
    data = bytearray(STREAM + _zip(("stats.txt", HARMLESS), ("d/", b"")))
    # The directory's entry for d/ points at no local header.
    entry = data.rfind(b"PK\x01\x02")
    struct.pack_into("<L", data, entry + 42, 7)
    report = _scan(tmp_path, policy, bytes(data), "stats.zip")
    _blocked(report, "cannot account for the archive's bytes")


def test_a_payload_after_a_member_stream_inside_its_size_is_read(
    tmp_path: Path, policy: Policy
) -> None:
    data = _deflated_zip(b"stats.txt", HARMLESS, STREAM)
    assert zipfile.ZipFile(io.BytesIO(data)).read("stats.txt") == HARMLESS  # unzip sees this
    report = _scan(tmp_path, policy, data, "stats.zip")
    _blocked(report, "outside the archive")
    text = _scan(tmp_path, policy, _deflated_zip(b"stats.txt", HARMLESS, CSV), "text.zip")
    assert text.verdict == "protected"


def test_an_honest_deflated_member_leaves_nothing_outside(tmp_path: Path, policy: Policy) -> None:
    report = _scan(tmp_path, policy, _deflated_zip(b"stats.txt", HARMLESS, b""), "stats.zip")
    assert report.verdict == "clean", report.reason
    assert not any("outside the archive" in p.part for p in report.coverage)


def _workbook_hiding(extra: bytes) -> bytes:
    """A harmless workbook whose sheet's compressed size also covers ``extra`` after its
    deflate stream: Excel and calamine read the sheet and never see it."""
    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    for row in csv.reader(io.StringIO(HARMLESS.decode())):
        book.active.append(row)
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return _deflated_members(
            [
                (name.encode(), archive.read(name), extra if name.endswith("sheet1.xml") else b"")
                for name in archive.namelist()
            ]
        )


@pytest.mark.parametrize(("extra", "verdict"), [(STREAM, "unscannable"), (CSV, "protected")])
def test_a_payload_after_a_sheet_stream_is_read(
    tmp_path: Path, policy: Policy, extra: bytes, verdict: str
) -> None:
    # The sheet pass inflates the sheet and tells the accounting where its stream ended
    # (``Source.stream_ends``): the accounting must still find what lies past it.
    data = _workbook_hiding(extra)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"2022-03" in archive.read("xl/worksheets/sheet1.xml")
    report = _scan(tmp_path, policy, data, "stats.xlsx")
    assert report.verdict == verdict, report.reason
    assert any("outside the archive" in part.part for part in report.coverage)
    clean = _scan(tmp_path, policy, _workbook_hiding(b""), "clean.xlsx")
    assert clean.verdict == "clean", clean.reason


@pytest.mark.parametrize("extra", [b"", STREAM])
def test_a_member_read_to_its_end_tells_whether_its_stream_used_it_all(extra: bytes) -> None:
    # ``stream_used`` reads zipfile's private state: pinned here against the inflation it
    # saves, with and without bytes past the stream (then it cannot tell, and says None); and
    # None for a member not read to its end.
    data = _deflated_members([(b"a.txt", HARMLESS * 5000, extra), (b"b.txt", HARMLESS, b"")])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            with archive.open(info) as member:
                member.read(10)  # all of b.txt's stream (zipfile reads 4 KiB at least)
                assert (stream_used(member, info) is None) == (info.filename == "a.txt")
                while member.read(4096):
                    pass
                used = stream_used(member, info)
            at = info.header_offset + 30 + len(info.filename)
            length = _stream_length(io.BytesIO(data), at, info)
            if info.filename == "a.txt" and extra:
                assert used is None
                assert length == info.compress_size - len(extra)
            else:
                assert used == length == info.compress_size


def _zip_with_gap(gap: bytes, count: int) -> bytes:
    """Two members with ``gap`` between them; the end record says ``count`` entries."""
    data = bytearray(_zip(("a.txt", HARMLESS), ("b.txt", HARMLESS)))
    second = data.index(b"PK\x03\x04", 4)
    data[second:second] = gap
    entry = data.rindex(b"PK\x01\x02")
    offset = struct.unpack_from("<L", data, entry + 42)[0]
    struct.pack_into("<L", data, entry + 42, offset + len(gap))
    end = data.rindex(b"PK\x05\x06")
    directory = struct.unpack_from("<L", data, end + 16)[0]
    struct.pack_into(
        "<HHL", data, end + 8, count, count, struct.unpack_from("<L", data, end + 12)[0]
    )
    struct.pack_into("<L", data, end + 16, directory + len(gap))
    return bytes(data)


@pytest.mark.parametrize("count", [2, 0xFFFF])
def test_bytes_between_members_are_read_whatever_the_entry_count(
    tmp_path: Path, policy: Policy, count: int
) -> None:
    # zipfile ignores the end record's count (0xFFFF without a ZIP64 record is no ZIP64):
    # the members are read, and so must the bytes between them be.
    data = _zip_with_gap(CSV, count)
    assert zipfile.ZipFile(io.BytesIO(data)).read("b.txt") == HARMLESS
    assert _scan(tmp_path, policy, data, "t.zip").verdict == "protected"
    _blocked(_scan(tmp_path, policy, _zip_with_gap(STREAM, count), "s.zip"), "outside the archive")
    report = _scan(tmp_path, policy, _zip_with_gap(b"", count), "c.zip")
    assert report.verdict == "clean", report.reason


def _stored_pdf_zip_with_gap(gap: bytes) -> bytes:
    """A stored PDF first (``%PDF-`` near the start: the PDF reader accepts the archive too),
    ``gap`` before the second member."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("a.pdf", minimal_pdf([["Annual totals 2023"]]))
        archive.writestr("b.txt", HARMLESS)
    data = bytearray(buffer.getvalue())
    second = data.index(b"PK\x03\x04", 4)
    data[second:second] = gap
    entry = data.rindex(b"PK\x01\x02")
    struct.pack_into(
        "<L", data, entry + 42, struct.unpack_from("<L", data, entry + 42)[0] + len(gap)
    )
    end = data.rindex(b"PK\x05\x06")
    struct.pack_into("<L", data, end + 16, struct.unpack_from("<L", data, end + 16)[0] + len(gap))
    return bytes(data)


def test_a_zip_that_is_a_pdf_to_the_pdf_reader_too_has_its_gaps_read(
    tmp_path: Path, policy: Policy
) -> None:
    # Both readers take it; the PDF reader leaves the bytes around a PDF that does not start
    # the file to the archive's accounting, which must then run.
    assert _scan(tmp_path, policy, _stored_pdf_zip_with_gap(CSV), "t.zip").verdict == "protected"
    _blocked(_scan(tmp_path, policy, _stored_pdf_zip_with_gap(STREAM), "s.zip"), "outside")
    report = _scan(tmp_path, policy, _stored_pdf_zip_with_gap(b""), "c.zip")
    assert report.verdict == "clean", report.reason


@pytest.mark.parametrize(
    ("comment", "verdict"),
    [(STREAM, "unscannable"), (CSV, "protected"), (b"Prepared by the records office.", "clean")],
)
def test_the_archive_comment_is_read_as_a_file_of_its_own(
    tmp_path: Path, policy: Policy, comment: bytes, verdict: str
) -> None:
    report = _scan(tmp_path, policy, _zip(("stats.txt", HARMLESS), comment=comment), "s.zip")
    assert report.verdict == verdict, report.reason


# tar


def _tar(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _tar_hiding(kind: str, hidden: bytes) -> bytes:
    """A tar whose extended header (a GNU long name, or pax records) says ``notes.txt``, then a
    NUL, then ``hidden``, where tarfile stops reading."""
    buffer = io.BytesIO()
    form = tarfile.GNU_FORMAT if kind == "gnu" else tarfile.PAX_FORMAT
    with tarfile.open(fileobj=buffer, mode="w", format=form) as archive:
        info = tarfile.TarInfo("x" * (len(hidden) + 120))  # long: an extended header
        info.size = len(HARMLESS)
        archive.addfile(info, io.BytesIO(HARMLESS))
    data = bytearray(buffer.getvalue())
    payload = (b"notes.txt" if kind == "gnu" else b"18 path=notes.txt\n") + b"\0" + hidden
    data[512 : 512 + len(payload)] = payload  # the extended header's data block
    return bytes(data)


@pytest.mark.parametrize("kind", ["gnu", "pax"])
def test_what_an_extended_tar_header_hides_after_a_nul_is_read(
    tmp_path: Path, policy: Policy, kind: str
) -> None:
    archive = _tar_hiding(kind, CSV)
    with tarfile.open(fileobj=io.BytesIO(archive)) as opened:
        assert opened.getnames() == ["notes.txt"]  # what tarfile reads stops at the NUL
    report = _scan(tmp_path, policy, archive, "h.tar")
    # Read: every person of the list is found in it, which then blocks (a NUL before it).
    assert report.verdict == "unscannable", report.verdict
    assert dict(report.classes) == {"personal-data": len(PERSONS)}
    assert any("extended headers" in part.part for part in report.coverage)


def test_ordinary_extended_headers_are_no_finding(tmp_path: Path, policy: Policy) -> None:
    for form in (tarfile.GNU_FORMAT, tarfile.PAX_FORMAT):
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w", format=form) as archive:
            for name in ("d/" + "long_directory_name_" * 8 + "stats.csv", "short.csv"):
                info = tarfile.TarInfo(name)
                info.size = len(HARMLESS)
                info.mtime = 1_700_000_000.5  # a pax record for every member
                archive.addfile(info, io.BytesIO(HARMLESS))
        report = _scan(tmp_path, policy, buffer.getvalue(), "ok.tar")
        assert report.verdict == "clean", report.reason
        assert not any("extended headers" in part.part for part in report.coverage)


def test_bytes_after_the_end_of_a_tar_are_read(tmp_path: Path, policy: Policy) -> None:
    archive = _tar(("stats.csv", HARMLESS))
    _blocked(_scan(tmp_path, policy, archive + STREAM, "s.tar"), "outside the tar members")
    assert _scan(tmp_path, policy, archive + CSV, "t.tar").verdict == "protected"
    assert _scan(tmp_path, policy, archive + bytes(10240), "z.tar").verdict == "clean"


def test_bytes_in_a_tar_member_padding_are_read(tmp_path: Path, policy: Policy) -> None:
    data = bytearray(_tar(("stats.csv", HARMLESS), ("more.csv", HARMLESS)))
    padding = 512 + len(HARMLESS)  # the first member's data ends here; its block at 1024
    assert not any(data[padding:1024])
    payload = STREAM[: 1024 - padding]
    data[padding : padding + len(payload)] = payload
    with tarfile.open(fileobj=io.BytesIO(bytes(data))) as archive:  # tar reads it as before
        assert archive.getnames() == ["stats.csv", "more.csv"]
    _blocked(_scan(tmp_path, policy, bytes(data), "s.tar"), "outside the tar members")


# PDF


def test_bytes_after_the_end_of_a_pdf_are_read(tmp_path: Path, policy: Policy) -> None:
    pdf = minimal_pdf([["Annual totals 2023"]])
    assert _scan(tmp_path, policy, pdf + b"\r\n  \n", "a.pdf").verdict == "clean"
    _blocked(_scan(tmp_path, policy, pdf + b"\n" + STREAM, "b.pdf"), "after the end of the PDF")
    assert _scan(tmp_path, policy, pdf + b"\n" + CSV, "c.pdf").verdict == "protected"


def test_the_marker_line_after_a_crlf_header_is_part_of_the_format(
    tmp_path: Path, policy: Policy
) -> None:
    # As Word writes them: the header ends in CRLF, the marker's bytes are ones Windows-1252
    # leaves undefined. The same length as the LF header and its marker, so no offset moves.
    pdf = minimal_pdf([["Annual totals 2023"]])
    assert pdf.startswith(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    word = b"%PDF-1.4\r\n%\x81\x8d\x8f\x9d" + pdf[len(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3") :]
    report = _scan(tmp_path, policy, word, "word.pdf")
    assert report.verdict == "clean", report.coverage
    assert len(report.coverage) == len(_scan(tmp_path, policy, pdf, "plain.pdf").coverage)


def _insert_after_first_object(pdf: bytes, payload: bytes) -> bytes:
    """``payload`` between the PDF's first two objects, every offset after it moved on."""
    at = pdf.index(b"endobj\n") + len(b"endobj\n")
    table = pdf.rindex(b"\nxref\n") + 1

    def moved(match: re.Match[bytes]) -> bytes:
        offset = int(match.group(1))
        return b"%010d" % (offset + len(payload) if offset >= at else offset) + match.group(2)

    head, tail = pdf[:table], pdf[table:]
    tail = re.sub(rb"(\d{10})( \d{5} n)", moved, tail)
    tail = re.sub(rb"startxref\n(\d+)", lambda m: b"startxref\n%d" % (table + len(payload)), tail)
    return head[:at] + payload + head[at:] + tail


def test_bytes_between_pdf_objects_are_read(tmp_path: Path, policy: Policy) -> None:
    pdf = minimal_pdf([["Annual totals 2023"]])
    comment = _insert_after_first_object(pdf, b"% a comment between objects\n")
    assert _scan(tmp_path, policy, comment, "a.pdf").verdict == "clean"
    binary = _insert_after_first_object(pdf, STREAM + b"\n")
    _blocked(_scan(tmp_path, policy, binary, "b.pdf"), "between the PDF's objects")
    text = _insert_after_first_object(pdf, CSV)
    assert _scan(tmp_path, policy, text, "c.pdf").verdict == "protected"
    # A comment holds anything up to the end of its line: it is read as the rest is.
    line = b"%" + STREAM.replace(b"\n", b"").replace(b"\r", b"") + b"\n"
    _blocked(_scan(tmp_path, policy, _insert_after_first_object(pdf, line), "d.pdf"), "between")


def _stream_object(filters: bytes, data: bytes) -> bytes:
    head = b"99 0 obj\n<< /Length %d /Filter %s >>\nstream\n" % (len(data), filters)
    return head + data + b"\nendstream\nendobj\n"


@pytest.mark.parametrize(
    ("filters", "encoded"),
    [
        (b"/FlateDecode", zlib.compress(b"BT ET", 9)),
        (b"[/FlateDecode /ASCIIHexDecode]", zlib.compress(b"4254204554>", 9)),
        (b"/ASCIIHexDecode", b"4254204554>"),
        (b"/ASCII85Decode", b"6<#'r;u~>"),
    ],
)
def test_bytes_after_the_end_of_a_stream_inside_its_length_are_read(
    tmp_path: Path, policy: Policy, filters: bytes, encoded: bytes
) -> None:
    # The decoder stops at the end of its data: what follows inside /Length is read by no one.
    pdf = minimal_pdf([["Annual totals 2023"]])

    def scan(payload: bytes, name: str) -> FileReport:
        pdf_with = _insert_after_first_object(pdf, _stream_object(filters, encoded + payload))
        return _scan(tmp_path, policy, pdf_with, name)

    assert scan(CSV, "t.pdf").verdict == "protected"
    _blocked(scan(STREAM, "s.pdf"), "between the PDF's objects")
    for payload in (b"", b"\r\n \n"):
        report = scan(payload, "c.pdf")
        assert report.verdict == "clean", report.reason


def test_pdfs_inside_a_tar_or_a_stored_zip_are_no_gaps(tmp_path: Path, policy: Policy) -> None:
    # The PDF reader reads these too (a header in the first KiB): the archive's reader accounts
    # for the bytes around the member, the member for its own.
    pdf = minimal_pdf([["Annual totals 2023"]])
    archive = _tar(("a.pdf", pdf), ("b.pdf", pdf), ("c.csv", HARMLESS))
    assert _scan(tmp_path, policy, archive, "r.tar").verdict == "clean"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as stored:
        stored.writestr("a.pdf", pdf)
        stored.writestr("c.csv", HARMLESS)
    report = _scan(tmp_path, policy, buffer.getvalue(), "r.zip")
    assert report.verdict == "clean", report.reason


# Text


def test_a_compressed_blob_in_utf8_text_blocks(tmp_path: Path, policy: Policy) -> None:
    # A few records compressed, after an ASCII start: found by the control and undefined bytes
    # among its bytes that are not UTF-8. (One record alone, ~60 bytes, may hold too few of
    # them to tell from Windows-1252 text; like base64, a deliberate encoding, not a slip.)
    records = b"".join(
        b"Name: Maria Lopez %d, A-Number: A1234567%02d, asylum claim\n" % (i, i) for i in range(8)
    )
    blob = zlib.compress(records, 9)[2:-4]
    assert len(blob) < 200
    data = b"Quarterly report\nAll figures are totals.\n" + blob + b"\nEnd of report\n"
    _blocked(_scan(tmp_path, policy, data, "report.txt"), "binary data after byte")


@pytest.mark.parametrize(
    "data",
    [
        # An ASCII head, then names in Windows-1252 (read as such).
        HARMLESS * 300 + "Müller, Jérôme, Genève, née à Zürich\n".encode("cp1252") * 20,
        "Nationalité,Total\nFrançaise,5\nPérou,3\nSão Tomé,1\n".encode("latin-1") * 50,
        "Nationalité,Total\nFrançaise,5\n".encode() * 50,
        HARMLESS * 300 + "‘It’s’ – “São João”… JOSÉ NÚÑEZ, Ação\n".encode("cp1252") * 20,
        HARMLESS * 300 + "NÚÑEZ, Ação, informação, situação\n".encode("cp1252") * 20,
        # As Excel saves a CSV on Windows: symbols and quotes beside each other.
        HARMLESS * 300 + "Shelf 12½” x 3¼”, “Deluxe”…”, 90°\n".encode("cp1252") * 20,
        HARMLESS * 300 + "Tõnis Šõõrmaa, Jõgeva, Pärnu, Žukovski\n".encode("cp1252") * 20,
    ],
)
def test_text_in_an_8_bit_encoding_is_text(tmp_path: Path, policy: Policy, data: bytes) -> None:
    assert _scan(tmp_path, policy, data, "n.txt").verdict == "clean"


@pytest.mark.parametrize("pad", [b"\0", b"\xff", b" "])
def test_a_trailing_run_of_one_byte_is_padding(tmp_path: Path, policy: Policy, pad: bytes) -> None:
    assert _scan(tmp_path, policy, HARMLESS + pad * 200, "n.csv").verdict == "clean"
    assert _scan(tmp_path, policy, CSV + pad * 200, "p.csv").verdict == "protected"


def test_padding_in_the_middle_is_not_padding(tmp_path: Path, policy: Policy) -> None:
    report = _scan(tmp_path, policy, HARMLESS + bytes(200) + STREAM, "n.csv")
    _blocked(report, "binary data")
