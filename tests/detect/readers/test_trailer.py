"""Text after the end of a binary file is read: a CSV appended to a workbook, a ZIP comment."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from approval.detect.readers.trailer import READER
from approval.detect.scan import scan_file
from approval.detect.units import Probe
from approval.policy import Policy

PERSON_CSV = b"A-Number,Name,Claim Type\nA212345678,Juan Perez,Asylum\nA213456789,Ana Ruiz,CAT\n"


def _zip(comment: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("stats.txt", "Monthly statistics.\n" * 20)
        archive.comment = comment
    return buffer.getvalue()


def probe_of(data: bytes) -> Probe:
    return Probe(head=data[:8192], size=len(data), tail=data[-8192:] if len(data) > 8192 else b"")


def test_accepts_binary_files_that_end_in_text_only() -> None:
    assert READER.accepts(probe_of(_zip() + PERSON_CSV))
    assert READER.accepts(probe_of(_zip(comment=b"Prepared by the records office.")))
    assert not READER.accepts(probe_of(_zip()))
    assert not READER.accepts(probe_of(PERSON_CSV))  # a text file: the text readers read it
    assert not READER.accepts(probe_of(b"%PDF-1.7\n\x00\x01\x02\ntrailer\nstartxref\n9\n%%EOF\n"))


def test_a_csv_appended_to_an_archive_is_read_as_a_table(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "stats.zip"
    padding = b"".join(b"2022-%02d,total,%d\n" % (m % 12 + 1, m) for m in range(600))
    path.write_bytes(_zip() + PERSON_CSV + padding)  # longer than the probe's tail
    report = scan_file(path, policy)
    assert report.verdict == "protected"
    parts = {(p.part, p.kind, p.read) for p in report.coverage}
    assert ("trailing text", "trailer", "parsed") in parts
    assert ("trailing text/body", "table", "parsed") in parts


def test_an_archive_comment_is_read(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "stats.zip"
    path.write_bytes(_zip(comment=b"GARCIA, Maria A212345678 asylum seeker"))
    assert scan_file(path, policy).verdict == "protected"


def test_text_after_a_pdf_is_read(tmp_path: Path, policy: Policy) -> None:
    from pypdf import PdfWriter
    from pypdf.generic import ContentStream

    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    content = ContentStream(None, writer)
    content.set_data(b"BT /F1 12 Tf 72 712 Td (Monthly statistics) Tj ET" * 20)
    page.replace_contents(content)
    page.compress_content_streams()  # a deflated stream: binary before the PDF's trailer
    pdf = io.BytesIO()
    writer.write(pdf)
    assert not READER.accepts(probe_of(pdf.getvalue()))  # the PDF's own trailer
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.getvalue() + PERSON_CSV)
    report = scan_file(path, policy)
    assert report.verdict == "protected"
    assert "trailing text" in {p.part for p in report.coverage}
