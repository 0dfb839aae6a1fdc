"""A file is read by what its bytes are, not by what it says of them: PDF streams that claim
to be pictures, fonts, functions or tables; byte-order marks the bytes belie; ciphertext in
ASCII armour; mail fragments. Each lie is found, and each honest claim still passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.readers import _pdfkinds
from approval.detect.scan import scan_file
from approval.detect.textio import sniff_encoding
from approval.policy import Policy
from tests.corpus import carriers, claims


def _scan(tmp_path: Path, policy: Policy, data: bytes, name: str) -> tuple[str, str]:
    path = tmp_path / name
    path.write_bytes(data)
    report = scan_file(path, policy)
    return report.verdict, report.reason or ""


@pytest.mark.parametrize("case", sorted(claims.lying_pdfs()))
def test_a_pdf_stream_is_read_by_its_bytes_not_its_claims(
    tmp_path: Path, policy: Policy, case: str
) -> None:
    verdict, reason = _scan(tmp_path, policy, claims.lying_pdfs()[case], "report.pdf")
    # Compressed behind a claim: read by its content, or blocked where no reader knows it.
    expected = ("protected", "unscannable") if "compressed" in case else ("protected",)
    assert verdict in expected, (case, reason)


@pytest.mark.parametrize("case", sorted(claims.honest_pdfs()))
def test_true_claims_are_counted_and_pass(tmp_path: Path, policy: Policy, case: str) -> None:
    verdict, reason = _scan(tmp_path, policy, claims.honest_pdfs()[case], "report.pdf")
    assert verdict == "clean", (case, reason)


@pytest.mark.parametrize(
    ("data", "content"),
    [
        (b"q 1 0 0 1 0 0 cm BT /F1 12 Tf 72 720 Td (Hello) Tj ET Q", True),
        (b"BT [(A) -20 (B)] TJ ET BI /W 2 /H 1 /BPC 8 /CS /G ID \x00\xff EI Q", True),
        (b"BT (x) Tj ET\nName,A-Number\nAna Garcia,A123456789\n", False),
        (b"Ana Garcia applied for asylum", False),
        (b"", False),
    ],
)
def test_drawing_operators_throughout(data: bytes, content: bool) -> None:
    assert _pdfkinds.is_content(data) is content


@pytest.mark.parametrize("case", sorted(claims.mismatched_marks()))
def test_a_mark_or_an_encoding_the_bytes_belie_does_not_hide_them(
    tmp_path: Path, policy: Policy, case: str
) -> None:
    verdict, reason = _scan(tmp_path, policy, claims.mismatched_marks()[case], "list.csv")
    assert verdict != "clean", (case, reason)


@pytest.mark.parametrize("case", sorted(claims.honest_wide_text()))
def test_utf16_text_in_any_script_is_still_utf16(tmp_path: Path, policy: Policy, case: str) -> None:
    data = claims.honest_wide_text()[case]
    assert sniff_encoding(data[:8192]) == "utf-16"
    verdict, reason = _scan(tmp_path, policy, data, "list.txt")
    assert verdict == "clean", (case, reason)


def test_a_mark_before_utf8_text_is_read_as_8_bit() -> None:
    assert sniff_encoding(b"\xff\xfe" + carriers.payload_csv()) == "utf-8"
    assert sniff_encoding("\ufeffName,Count\r\n".encode("utf-16-le")) == "utf-16"


@pytest.mark.parametrize("case", sorted(claims.armoured()))
def test_ciphertext_in_ascii_armour_blocks(tmp_path: Path, policy: Policy, case: str) -> None:
    name = "list.eml" if "mail" in case else "list.csv" if "cells" in case else "list.asc"
    verdict, reason = _scan(tmp_path, policy, claims.armoured()[case], name)
    assert verdict == "unscannable", case
    assert reason.startswith("encrypted"), reason


def test_a_message_signed_in_clear_is_read(tmp_path: Path, policy: Policy) -> None:
    verdict, reason = _scan(tmp_path, policy, claims.signed_in_clear(), "note.asc")
    assert verdict == "clean", reason


@pytest.mark.parametrize("number", [1, 2])
def test_a_message_fragment_blocks(tmp_path: Path, policy: Policy, number: int) -> None:
    verdict, reason = _scan(tmp_path, policy, claims.message_fragment(number), "part.eml")
    assert verdict == "unscannable"
    assert "message/partial" in reason


def test_a_contact_photo_is_named_and_the_card_passes(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "desk.vcf"
    path.write_bytes(claims.contact_with_photo())
    report = scan_file(path, policy)
    assert report.verdict == "clean", report.reason
    assert "vcard" in report.format
    # A "photo" that is a picture and more is read as what it is: never a clean pass.
    path.write_bytes(claims.contact_with_photo(glued=carriers.payload_csv()))
    assert scan_file(path, policy).verdict != "clean"


def test_a_long_quoted_printable_value_is_unfolded_whole(tmp_path: Path, policy: Policy) -> None:
    """20,000 soft line breaks in one value: joined once (it was quadratic: minutes)."""
    value = "=\r\n".join(["Open 9 to 5."] * 20_000)
    card = f"BEGIN:VCARD\r\nVERSION:2.1\r\nNOTE;ENCODING=QUOTED-PRINTABLE:{value}\r\nEND:VCARD\r\n"
    path = tmp_path / "desk.vcf"
    path.write_bytes(card.encode())
    report = scan_file(path, policy)
    assert report.verdict == "clean", report.reason
    from approval.detect.readers.vcard import _unfolded

    (line,) = [x for x in _unfolded(iter(card.split("\r\n")), ldif=False) if x.startswith("NOTE")]
    assert line.endswith("Open 9 to 5." * 20_000)


def test_a_font_or_profile_claim_over_readable_text_is_not_believed() -> None:
    """Reviewer round 6: a font's magic, or an ICC profile's ``acsp``, then a list in plain
    text, is text behind a claim (read as such), where glyphs and curves are binary."""
    text = carriers.payload_csv() * 4
    assert not _pdfkinds.is_font_program(b"%!PS-AdobeFont-1.0: X\ncurrentfile eexec\n" + text)
    hex_glyphs = b"%!PS-AdobeFont-1.0: X\ncurrentfile eexec\n" + b"d9d66f633b846a989b9974b0" * 90
    assert _pdfkinds.is_font_program(hex_glyphs)
    assert _pdfkinds.is_font_program(b"%!PS-AdobeFont-1.0: X\neexec\n" + bytes(range(256)) * 8)
    assert not _pdfkinds.is_font_program(b"\x00\x01\x00\x00" + bytes(92) + text)
    icc = b"\x00" * 36 + b"acsp" + text
    assert not _pdfkinds.is_graphics({}, icc)
    assert not _pdfkinds.is_opaque(icc)
    binary = bytes(range(256)) * 16
    profile = len(binary).to_bytes(4, "big") + binary[4:36] + b"acsp" + binary[40:]
    assert _pdfkinds.is_graphics({}, profile)
