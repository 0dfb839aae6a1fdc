"""The bytes of a ZIP file that no record of the archive holds.

A ZIP reader (and every package reader: xlsx, docx...) reads the members its central
directory names, found from the end of the file: bytes before the first member, between
members, or after the end record are read by no one, yet ``unzip`` ignores them and anything
else may read them (a zstd stream glued between the archive and a text trailer, a list
prepended to a workbook). The scanner reads each such range as a file of its own
(``approval.detect.scan``), so that text in it is read and binary data in it blocks.

Held by the archive: each member's local header, its compressed data up to where the stream
really ends (a payload after the end of a deflate stream, inside a compressed size raised to
hold it, is read by no decompressor), its data descriptor, and everything from the central
directory to the end of the fixed 22 bytes of the end record. The archive's comment is a gap
like any other: text in it is read, binary data in it blocks.

``outside`` answers None when the bytes are no archive ``zipfile`` opens, and raises
``Unaccounted`` when they are one but a record cannot be found where the directory says (the
scanner then blocks: bytes it cannot place are bytes it did not read).
"""

from __future__ import annotations

import bz2
import lzma
import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping
from typing import IO, BinaryIO

_LOCAL = b"PK\x03\x04"
_END = b"PK\x05\x06"
_DESCRIPTOR = b"PK\x07\x08"
_END_SEARCH = 22 + 65535 + 20
_CHUNK = 64 * 1024
_OUT = 1024 * 1024  # bytes of output at most per call
_ENCRYPTED = 0x01


class Unaccounted(Exception):
    """A ZIP archive whose records are not where its directory says: its bytes cannot all be
    placed."""


def outside(
    f: BinaryIO, size: int, known: Mapping[int, int] | None = None
) -> list[tuple[int, int]] | None:
    """The ranges ``[start, end)`` of ``f`` that the archive does not hold, or None when the
    bytes are not a ZIP archive zipfile opens; ``Unaccounted`` when they are one whose records
    cannot all be found. ``known``: where a reader already found members' streams to end (a
    local header offset -> the compressed bytes the stream used; see ``stream_used``)."""
    try:
        with zipfile.ZipFile(f) as archive:
            infos = archive.infolist()
            directory = int(getattr(archive, "start_dir", 0))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error):
        return None
    end = _end_of_end_record(f, size)
    if end is None:
        raise Unaccounted("no end record")
    held = [(directory, end)]
    for info in infos:
        spans = _member_spans(f, info, (known or {}).get(info.header_offset))
        if spans is None:
            raise Unaccounted("a member's local header is not where the directory says")
        held += spans
    gaps = []
    at = 0
    for start, stop in sorted(held):
        if start > at:
            gaps.append((at, start))
        at = max(at, stop)
    if at < size:
        gaps.append((at, size))
    return gaps


def _end_of_end_record(f: BinaryIO, size: int) -> int | None:
    """Where the fixed part of the end record ends, found as ``zipfile`` finds it: at the very
    end when there is no comment, else the last signature in the last 64 KiB."""
    start = max(0, size - _END_SEARCH)
    f.seek(start)
    data = f.read(size - start)
    if data[-22:-18] == _END and data[-2:] == b"\0\0":
        return size
    at = data.rfind(_END)
    if at < 0 or len(data) - at < 22:
        return None
    return start + at + 22


def _member_spans(
    f: BinaryIO, info: zipfile.ZipInfo, used: int | None = None
) -> list[tuple[int, int]] | None:
    if info.header_offset < 0:  # a directory offset raised past the archive's start
        return None
    f.seek(info.header_offset)
    header = f.read(30)
    if len(header) < 30 or not header.startswith(_LOCAL):
        return None
    name_length, extra_length = struct.unpack_from("<HH", header, 26)
    extra = f.read(name_length + extra_length)[name_length:]
    data = info.header_offset + 30 + name_length + extra_length
    stop = data + info.compress_size
    if used is None or not 0 <= used <= info.compress_size:
        used = _stream_length(f, data, info)
    spans = [(info.header_offset, data + used)]
    if info.flag_bits & 0x08:
        # A data descriptor follows the data: CRC and sizes (8 bytes each in ZIP64: the
        # local header then has a ZIP64 extra field), with or without its signature.
        f.seek(stop)
        wide = _has_zip64(extra) or max(info.compress_size, info.file_size) >= 0xFFFFFFFF
        signed = f.read(4) == _DESCRIPTOR
        stop += (4 if signed else 0) + (20 if wide else 12)
    spans.append((data + info.compress_size, stop))
    return spans


def _stream_length(f: BinaryIO, data: int, info: zipfile.ZipInfo) -> int:
    """How many of a member's ``compress_size`` bytes its compressed stream really uses: a
    stored member its size, a compressed one up to the end of its stream. All of them when
    that cannot be told (encrypted data; a method read by no reader; a stream that does not
    end, which its reader then fails to read): the reader's own failure says so."""
    if info.flag_bits & _ENCRYPTED:
        return info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        return min(info.compress_size, info.file_size)
    feed = _FEEDERS.get(info.compress_type)
    if feed is None:
        return info.compress_size
    f.seek(data)
    left = info.compress_size
    used = 0
    try:
        step = feed()
        while left > 0 and (chunk := f.read(min(left, _CHUNK))):
            unused = step(chunk)
            if unused is not None:
                # What the decompressor did not take of this chunk lies past the stream.
                return used + len(chunk) - unused
            used += len(chunk)
            left -= len(chunk)
    except (OSError, ValueError, EOFError, zlib.error, lzma.LZMAError):
        pass
    return info.compress_size


def stream_used(member: IO[bytes], info: zipfile.ZipInfo) -> int | None:
    """``compress_size`` when a deflated member, read to its end through ``zipfile``, used
    all of its compressed bytes: what ``_stream_length`` finds by inflating the member once
    more (a workbook's sheet: 45 ms for 47 MB of XML), told by the state of the decompressor
    that just did. None otherwise, and the accounting inflates the member itself: bytes left
    past the stream (exactly how many is not told reliably: ``flush`` adds what input is left
    to ``unused_data`` a second time), a stream that did not end, another method, a stream not
    read to its end, or a ``zipfile`` that keeps its state elsewhere (these are its private
    attributes, the same since Python 3.6: ``test_unheld_bytes`` pins them)."""
    decompressor = getattr(member, "_decompressor", None)
    if (
        info.compress_type == zipfile.ZIP_DEFLATED
        and not info.flag_bits & _ENCRYPTED
        and getattr(member, "_eof", False) is True
        and getattr(member, "_compress_left", None) == 0
        and getattr(decompressor, "eof", False) is True
        and getattr(decompressor, "unused_data", None) == b""
        and getattr(decompressor, "unconsumed_tail", None) == b""
    ):
        # Every byte read from the archive was fed to the decompressor, which took them all
        # and ended its stream.
        return info.compress_size
    return None


# Each feeds a decompressor one chunk at a time, its output bounded (a member may be a
# compression bomb) and dropped, and answers None until the stream ends, then how many bytes
# of the chunk it did not use.
_Step = Callable[[bytes], "int | None"]


def _deflate() -> _Step:
    d = zlib.decompressobj(-15)

    def step(chunk: bytes) -> int | None:
        d.decompress(chunk, _OUT)
        while not d.eof and d.unconsumed_tail:
            d.decompress(d.unconsumed_tail, _OUT)
        return len(d.unused_data) if d.eof else None

    return step


def _bzip2() -> _Step:
    d = bz2.BZ2Decompressor()

    def step(chunk: bytes) -> int | None:
        d.decompress(chunk, _OUT)
        while not d.eof and not d.needs_input:
            d.decompress(b"", _OUT)
        return len(d.unused_data) if d.eof else None

    return step


def _lzma() -> _Step:
    # zipfile's LZMA: a 4-byte header (version, size of the properties), the properties, then
    # a raw LZMA1 stream.
    head = bytearray()
    state: list[lzma.LZMADecompressor] = []

    def step(chunk: bytes) -> int | None:
        if not state:
            head.extend(chunk)
            if len(head) < 4 or len(head) < 4 + int.from_bytes(head[2:4], "little"):
                return None
            props = 4 + int.from_bytes(head[2:4], "little")
            decode = lzma._decode_filter_properties  # type: ignore[attr-defined]
            filters = [decode(lzma.FILTER_LZMA1, bytes(head[4:props]))]
            state.append(lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=filters))
            chunk = bytes(head[props:])
        d = state[0]
        d.decompress(chunk, _OUT)
        while not d.eof and not d.needs_input:
            d.decompress(b"", _OUT)
        return len(d.unused_data) if d.eof else None

    return step


_FEEDERS: dict[int, Callable[[], _Step]] = {
    zipfile.ZIP_DEFLATED: _deflate,
    zipfile.ZIP_BZIP2: _bzip2,
    zipfile.ZIP_LZMA: _lzma,
}


def _has_zip64(extra: bytes) -> bool:
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, at)
        if kind == 0x0001:
            return True
        at += 4 + length
    return False
