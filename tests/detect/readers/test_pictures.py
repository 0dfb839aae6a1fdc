"""A picture inside a document is an unread part that does not block, so it must be a picture
and only that (reviewer G's findings, round 6): a PNG whose chunks lead to its IEND at the end,
a JPEG read past its scans, a BMP, WebP or EMF as long as its header says, and no ZIP's end
record in its tail (a picture that is also an archive: any unzip tool lists its files). The
text a picture carries is read wherever it sits: a private PNG chunk, a comment after the first
scan, a picture embedded as base64 in XML."""

from __future__ import annotations

import base64
import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from approval.detect.readers._members import ends_as_image, image_text
from approval.detect.scan import scan_file
from approval.policy import Policy
from tests.corpus.carriers import payload_csv
from tests.corpus.inject.package import JPEG, png


def chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def with_chunk(picture: bytes, kind: bytes, data: bytes) -> bytes:
    """``picture`` (a PNG) with one more chunk before its IEND."""
    return picture[:-12] + chunk(kind, data) + picture[-12:]


def archive(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zipped:
        zipped.writestr("list.csv", data)
    return out.getvalue()


def polyglot(picture: bytes, data: bytes) -> bytes:
    """A PNG whose private chunk holds a ZIP, its end record's comment swallowing the IEND:
    a picture to a viewer, an archive to ``unzip``."""
    zipped = archive(data)
    iend = picture[-12:]
    comment = struct.pack("<H", len(iend) + 12)  # the chunk's CRC, then the IEND
    body = zipped[:-2] + comment
    return picture[:-12] + struct.pack(">I", len(body)) + b"prIv" + body + bytes(4) + iend


LIST = payload_csv()


def test_a_picture_and_only_a_picture_ends_as_one() -> None:
    assert ends_as_image(png())
    assert ends_as_image(with_chunk(png(), b"prIv", b"anything"))  # its text is read below
    assert not ends_as_image(png() + LIST)  # glued after the IEND
    assert not ends_as_image(png()[:-12] + LIST + png()[-12:])  # not a chunk
    assert not ends_as_image(polyglot(png(), LIST))
    assert zipfile.ZipFile(io.BytesIO(polyglot(png(), LIST))).namelist() == ["list.csv"]


@pytest.mark.parametrize(
    ("header", "ok"),
    [
        (lambda size: b"BM" + struct.pack("<I", size) + bytes(8), True),
        (lambda size: b"BM" + struct.pack("<I", size - 9) + bytes(8), False),  # 9 bytes glued
        (lambda size: b"RIFF" + struct.pack("<I", size - 8) + b"WEBP" + bytes(4), True),
        (lambda size: b"RIFF" + struct.pack("<I", size - 20) + b"WEBP" + bytes(4), False),
    ],
)
def test_a_bmp_or_webp_is_as_long_as_its_header_says(header: object, ok: bool) -> None:
    size = 64
    data = header(size)  # type: ignore[operator]
    data += bytes(size - len(data))
    assert ends_as_image(data) is ok


def test_the_text_of_a_private_chunk_and_of_a_comment_after_the_scan_is_read() -> None:
    hidden = with_chunk(png(), b"prIv", b"Garcia, Ana A212345678")
    assert "Garcia, Ana A212345678" in image_text(hidden)
    comment = b"Lopez, Juan A087654321"
    scan = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" + b"\x12\xff\x00\x34\xff\xd0\x56"
    after = JPEG[:20] + scan + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
    assert ends_as_image(after + b"\xff\xd9")
    assert "Lopez, Juan A087654321" in image_text(after + b"\xff\xd9")


def _html(picture: bytes) -> bytes:
    uri = "data:image/png;base64," + base64.b64encode(picture).decode()
    return f'<html><body><p>Facility report</p><img src="{uri}"></body></html>'.encode()


def _flat_odt(picture: bytes) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
        'office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>'
        "<text:p>Facility report</text:p><draw:frame><draw:image><office:binary-data>"
        + base64.b64encode(picture).decode()
        + "</office:binary-data></draw:image></draw:frame></office:text></office:body>"
        "</office:document>"
    ).encode()


@pytest.mark.parametrize(("name", "build"), [("page.html", _html), ("report.fodt", _flat_odt)])
def test_pictures_inside_documents(
    tmp_path: Path, policy: Policy, name: str, build: object
) -> None:
    def scan(picture: bytes) -> str:
        path = tmp_path / name
        path.write_bytes(build(picture))  # type: ignore[operator]
        return scan_file(path, policy).verdict

    assert scan(png()) == "clean"
    assert scan(with_chunk(png(), b"prIv", LIST)) == "protected"
    assert scan(png(text=LIST.decode())) == "protected"  # an iTXt chunk, in XML too
    assert scan(polyglot(png(), LIST)) != "clean"


def gif(comment: bytes, step: int, application: bytes = b"") -> bytes:
    """A 1x1 GIF whose comment extension holds ``comment`` in sub-blocks of ``step`` bytes
    (a writer may cut them anywhere up to 255), and an application extension holding
    ``application`` in sub-blocks of 7 bytes."""

    def blocks(data: bytes, size: int) -> bytes:
        pieces = (data[at : at + size] for at in range(0, len(data), size))
        return b"".join(bytes([len(p)]) + p for p in pieces) + b"\x00"

    head = b"GIF89a" + struct.pack("<HH", 1, 1) + b"\x80\x00\x00" + b"\x00\x00\x00\xff\xff\xff"
    extra = b"\x21\xff\x0bXMP DataXMP" + blocks(application, 7) if application else b""
    image = b"\x2c" + struct.pack("<HHHH", 0, 0, 1, 1) + b"\x00" + b"\x02\x02\x44\x01\x00"
    return head + b"\x21\xfe" + blocks(comment, step) + extra + image + b";"


def extended_xmp(text: bytes, piece: int) -> bytes:
    """A JPEG whose extended XMP (``text``) is cut into APP1 segments of ``piece`` bytes, as
    Adobe's writers cut one of more than 64 KiB."""
    guid = b"0123456789ABCDEF0123456789ABCDEF"
    segments = b""
    for offset in range(0, len(text), piece):
        body = (
            b"http://ns.adobe.com/xmp/extension/\x00"
            + guid
            + struct.pack(">II", len(text), offset)
            + text[offset : offset + piece]
        )
        segments += b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body
    return JPEG[:20] + segments + JPEG[20:]


@pytest.mark.parametrize("step", [3, 5, 255])
def test_a_gif_comment_is_read_with_its_sub_blocks_joined(step: int) -> None:
    lines = image_text(gif(LIST, step, application=b"<x:xmpmeta>" + LIST))
    joined = "\n".join(lines)
    assert "Name,A-Number,Date of birth,Country,Claim" in joined
    assert joined.count(LIST.decode().splitlines()[1]) >= 2  # the comment and the XMP


def test_extended_xmp_is_read_joined_across_its_segments() -> None:
    first = LIST.decode().splitlines()[1]
    lines = image_text(extended_xmp(b"<rdf:Description>" + LIST, 5))
    assert first in lines


@pytest.mark.parametrize(
    "picture", [gif(LIST, 5), extended_xmp(b"<rdf:Description>" + LIST, 7)], ids=["gif", "jpeg"]
)
def test_a_list_cut_into_a_pictures_blocks_blocks_a_document(
    tmp_path: Path, policy: Policy, picture: bytes
) -> None:
    path = tmp_path / "report.fodt"
    path.write_bytes(_flat_odt(picture))
    assert scan_file(path, policy).verdict == "protected"
