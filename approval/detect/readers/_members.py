"""What a member of an archive or a package is, from its bytes: the checks the ZIP reader and
the package readers (``_package``) share to account for a member no code reads as text.

Pictures and fonts hold no text a gate can read; they are reported as unread parts that do not
block (the lead's decision: blocking every logo would make the gate unusable). So that this
cannot be used to slip text through, a picture must end where its format ends it (data glued
after a PNG's IEND is something else), and a member that looks like text or starts with the
magic of a container is never taken for a font, whatever a package declares.
"""

from __future__ import annotations

import re

from approval.detect.readers._metafile import is_emf, is_wmf, metafile_text
from approval.detect.textio import sniff_encoding
from approval.detect.units import Unscannable

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
VBA_PROJECT = "_VBA_PROJECT".encode("utf-16-le")
HEAD = 96  # bytes of a member these checks look at
MAX_IMAGE = 64 << 20  # a bigger "picture" is read as a file of its own
PICTURE_REASON = "image: pictures are not read (the text they carry is)"
# A picture that is a file of its own (an archive member, a mail attachment) is treated as a
# picture file at the top level is: unscannable, since what it shows may be a scanned list.
PICTURE_FILE_REASON = "image file: pictures are not read (the text they carry is)"
_FONT_TABLE_TAG = re.compile(rb"[A-Za-z0-9/ ]{4}")
_CONTAINERS = (
    b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"(\xb5/\xfd",
    b"7z\xbc\xaf\x27\x1c", b"Rar!", OLE_MAGIC, b"%PDF", b"ustar",
)  # fmt: skip


def is_xml(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe<\x00", b"\xfe\xff\x00<")):
        return True
    return head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"<")


def is_image(head: bytes) -> bool:
    return (
        head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a"))
        or head.startswith((b"II*\x00", b"MM\x00*", b"\xd7\xcd\xc6\x9a", b"\x00\x00\x01\x00"))
        or (head.startswith(b"BM") and head[6:10] == bytes(4))
        or (head.startswith(b"RIFF") and head[8:12] == b"WEBP")
        or (head.startswith(b"\x01\x00\x00\x00") and head[40:44] == b" EMF")
        or (head[:2] in (b"\x01\x00", b"\x02\x00") and head[2:4] == b"\x09\x00")  # WMF
    )


def ends_as_image(data: bytes) -> bool:
    """Whether a picture is a picture and only that: it ends where its format ends it (a PNG's
    chunks lead to its IEND at the end; a JPEG ends in EOI; a GIF in its trailer; a BMP, WebP
    or EMF is as long as its header says), and no ZIP's end record sits in its tail. Bytes
    appended after the picture (a CSV glued to a logo), or a picture that is also a ZIP (a
    private chunk holding an archive whose end record swallows the IEND: any unzip tool lists
    its files), make the member something else, read as such."""
    if _ZIP_END in data[-_ZIP_TAIL:]:
        return False
    if data.startswith(b"\x89PNG"):
        return _png_chunks(data) is not None
    if data.startswith(b"\xff\xd8\xff"):
        return data.rstrip(b"\x00")[-2:] == b"\xff\xd9"
    if data.startswith(b"GIF8"):
        return data.endswith(b";")
    if data.startswith(b"BM"):
        return int.from_bytes(data[2:6], "little") == len(data)
    if data.startswith(b"RIFF"):
        declared = int.from_bytes(data[4:8], "little") + 8
        return len(data) in (declared, declared + (declared & 1))  # a pad byte after odd
    if data.startswith(b"\x01\x00\x00\x00") and data[40:44] == b" EMF":
        return int.from_bytes(data[48:52], "little") == len(data)
    return True


# A ZIP's end of central directory record, and how far from the end it may sit (its comment is
# at most 65,535 bytes).
_ZIP_END = b"PK\x05\x06"
_ZIP_TAIL = 22 + 0xFFFF

# The chunk types of PNG (ISO/IEC 15948, the PNG 3rd edition, APNG) and the extensions that
# registered writers use: pixels, colour and layout. Text chunks and Exif are read as such; any
# other chunk (a private one: a lower-case second letter) is read for the text it holds.
_PNG_KNOWN = frozenset(
    b"IHDR PLTE IDAT IEND tRNS cHRM gAMA iCCP sBIT sRGB cICP mDCV cLLI mDCv bKGD hIST "
    b"pHYs sPLT tIME acTL fcTL fdAT oFFs pCAL sCAL sTER gIFg dSIG tEXt zTXt iTXt eXIf".split()
)


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]] | None:
    """A PNG's chunks (type, body), to its IEND, which must end the data; None when the
    chunks do not lead there (a length running past the end, bytes after IEND)."""
    chunks: list[tuple[bytes, bytes]] = []
    at = 8
    while at + 12 <= len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        kind = data[at + 4 : at + 8]
        end = at + 12 + length
        if end > len(data):
            return None
        chunks.append((kind, data[at + 8 : at + 8 + length]))
        at = end
        if kind == b"IEND":
            return chunks if at == len(data) else None
    return None


def is_font(head: bytes, size: int) -> bool:
    if head.startswith((b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf", b"wOFF", b"wOF2")):
        return True
    # Word obfuscates an embedded font by XORing its first 32 bytes with a key; the table
    # records from byte 32 on are plain: sorted four-letter tags (cmap, glyf, head...), each
    # with a big-endian offset and length inside the file (which text never spells).
    if len(head) < 80:
        return False
    tags = [head[at : at + 4] for at in (44, 60)]
    spans = [int.from_bytes(head[at : at + 4], "big") for at in (52, 56, 68, 72)]
    return (
        all(_FONT_TABLE_TAG.fullmatch(tag) for tag in tags)
        and tags[0] < tags[1]
        and all(0 < value <= size for value in spans)
    )


def is_binary_blob(head: bytes) -> bool:
    """Bytes that are neither text nor a container some reader opens: what a package may
    declare a font or printer settings to be and have it taken at its word."""
    return not head.startswith(_CONTAINERS) and not is_xml(head) and sniff_encoding(head) is None


def is_devmode(head: bytes, size: int) -> bool:
    """Windows printer settings (DEVMODEW): the device name, then a structure whose own size
    fields (dmSize at byte 68, dmDriverExtra at 70) add up to the member's size."""
    if len(head) < 72:
        return False
    fixed = int.from_bytes(head[68:70], "little")
    extra = int.from_bytes(head[70:72], "little")
    return 120 <= fixed <= 512 and fixed + extra == size


_UTF16_RUN = re.compile(rb"(?:[\x20-\x7e]\x00){4,}")
_ASCII_RUN = re.compile(rb"[\x20-\x7e]{4,}")


def strings(data: bytes) -> list[str]:
    """Printable runs, as ``strings`` finds them, in UTF-16LE and in ASCII."""
    found = [m.group().decode("utf-16-le") for m in _UTF16_RUN.finditer(data)]
    found += [m.group().decode("ascii") for m in _ASCII_RUN.finditer(data)]
    return [line for line in (" ".join(s.split()) for s in found) if line]


_MAX_METADATA = 16 << 20  # characters of text taken from one picture's metadata


def image_text(data: bytes) -> list[str]:
    """The text a picture carries besides its pixels, which any viewer's "properties" shows:
    a PNG's text chunks (tEXt, zTXt, iTXt) and Exif, a JPEG's comments and APPn segments
    (Exif, XMP, extended XMP joined across its segments), a GIF's comment, plain-text and
    application extensions (their sub-blocks joined, as every GIF reader joins them: a
    length byte every few characters must not cut the text), an EMF's or WMF's text records
    laid out as drawn (``_metafile``: text drawn by glyph index makes it unscannable). Lines
    as in a text file."""
    if data.startswith(b"\x89PNG"):
        found = _png_text(data)
    elif data.startswith(b"\xff\xd8\xff"):
        found = _jpeg_text(data)
    elif data.startswith((b"GIF87a", b"GIF89a")):
        found = _gif_text(data) + strings(data)
    elif is_emf(data) or is_wmf(data):  # the text records as drawn, and whatever is printable
        found = metafile_text(data) + strings(data)
    else:  # TIFF, BMP, WebP, ICO: whatever is printable
        found = strings(data)
    lines = [line for text in found for line in text.splitlines() if line.strip()]
    if sum(map(len, lines)) > _MAX_METADATA:
        raise Unscannable(
            f"too large: a picture carries more than {_MAX_METADATA >> 20} MiB of text"
        )
    return lines


def _png_text(data: bytes) -> list[str]:
    out: list[str] = []
    for kind, body in _png_chunks(data) or ():
        if kind == b"tEXt":
            out.append(body.replace(b"\x00", b": ", 1).decode("latin-1"))
        elif kind == b"zTXt":
            keyword, _, rest = body.partition(b"\x00")
            out.append(keyword.decode("latin-1") + ": " + _inflate(rest[1:]).decode("latin-1"))
        elif kind == b"iTXt":
            keyword, _, rest = body.partition(b"\x00")
            compressed, rest = rest[:1] == b"\x01", rest[2:]
            _language, _, rest = rest.partition(b"\x00")
            translated, _, text = rest.partition(b"\x00")
            value = _inflate(text) if compressed else text
            out.append(
                f"{keyword.decode('latin-1')}: {translated.decode('utf-8', 'replace')} "
                f"{value.decode('utf-8', 'replace')}"
            )
        elif kind in (b"eXIf", b"iCCP") or kind not in _PNG_KNOWN:
            out.extend(strings(body))  # a private chunk: whatever text it holds
    return out


def _gif_text(data: bytes) -> list[str]:
    """The text of a GIF's extensions, each one's sub-blocks joined; the pixels' sub-blocks
    skipped. What cannot be walked (a broken GIF) is left to ``strings`` of the whole file."""
    out: list[str] = []
    at = 13
    if len(data) >= at and data[10] & 0x80:  # a global colour table
        at += 3 << ((data[10] & 0x07) + 1)
    while at < len(data):
        block = data[at]
        if block == 0x3B:  # trailer
            break
        if block == 0x2C:  # an image: descriptor, colour table, LZW code size, pixels
            if at + 10 > len(data):
                break
            flags = data[at + 9]
            at += 10 + ((3 << ((flags & 0x07) + 1)) if flags & 0x80 else 0) + 1
            _, at = _sub_blocks(data, at)
            continue
        if block != 0x21 or at + 2 > len(data):
            break
        label = data[at + 1]
        joined, at = _sub_blocks(data, at + 2)
        if label == 0x01:  # plain text: a 12-byte grid header, then the text
            joined = joined[12:]
        if label in (0x01, 0xFE):
            out.append(joined.decode("utf-8", "replace"))
        elif label == 0xFF:  # an application's data (XMP, ICC, private)
            out.extend(strings(joined))
    return out


def _sub_blocks(data: bytes, at: int) -> tuple[bytes, int]:
    """The data of the sub-blocks from ``at`` joined, and where they end."""
    pieces: list[bytes] = []
    while at < len(data) and (size := data[at]):
        pieces.append(data[at + 1 : at + 1 + size])
        at += 1 + size
    return b"".join(pieces), at + 1


_EXTENDED_XMP = b"http://ns.adobe.com/xmp/extension/\x00"


def _jpeg_text(data: bytes) -> list[str]:
    """The comments and APPn segments of a JPEG, those between and after its scans included (a
    progressive JPEG has several; a comment may follow the last one). Extended XMP, cut into
    APP1 segments of 64 KiB, is joined again (by its GUID, at each piece's offset) as XMP
    readers do: a segment boundary must not cut a name."""
    out: list[str] = []
    extended: dict[bytes, dict[int, bytes]] = {}
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            break
        marker = data[at + 1]
        if marker == 0xD9:  # end of image
            break
        if 0xD0 <= marker <= 0xD7 or marker in (0x01, 0xFF):
            at += 1 if marker == 0xFF else 2  # fill bytes, markers without a length
            continue
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        body = data[at + 4 : at + 2 + length]
        if marker == 0xFE:  # COM
            out.append(body.decode("utf-8", "replace"))
        elif marker == 0xE1 and body.startswith(_EXTENDED_XMP) and len(body) >= 75:
            guid, offset = body[35:67], int.from_bytes(body[71:75], "big")
            extended.setdefault(guid, {})[offset] = body[75:]
        elif 0xE0 <= marker <= 0xEF:  # APPn: JFIF, Exif, XMP, Photoshop IRB
            out.extend(strings(body))
        at += 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data to the next marker
            at = _next_marker(data, at)
    return out + _joined_xmp(extended)


def _joined_xmp(extended: dict[bytes, dict[int, bytes]]) -> list[str]:
    return [
        line
        for pieces in extended.values()
        for line in strings(b"".join(pieces[offset] for offset in sorted(pieces)))
    ]


def _next_marker(data: bytes, at: int) -> int:
    """Where the next marker starts after entropy-coded data: an 0xFF that is neither a stuffed
    zero (FF 00) nor a restart marker (FF D0-D7), which belong to the scan."""
    while (at := data.find(b"\xff", at)) >= 0 and at + 1 < len(data):
        follower = data[at + 1]
        if follower != 0x00 and not 0xD0 <= follower <= 0xD7:
            return at
        at += 2
    return len(data)


def _inflate(raw: bytes) -> bytes:
    import zlib

    inflater = zlib.decompressobj()
    try:
        return inflater.decompress(raw, _MAX_METADATA)
    except zlib.error:
        return b""
