"""The bytes of a ZIP file that no record of the archive holds.

A ZIP reader (and every package reader: xlsx, docx...) reads the members its central
directory names, found from the end of the file: bytes before the first member, between
members, or after the end record are read by no one, yet ``unzip`` ignores them and anything
else may read them (a zstd stream glued between the archive and a text trailer, a list
prepended to a workbook). The scanner reads each such range as a file of its own
(``approval.detect.scan``), so that text in it is read and binary data in it blocks.

Held by the archive: each member's local header, its data and its data descriptor, and
everything from the central directory to the end of the end record (its comment included,
which the ``trailer`` reader reads).
"""

from __future__ import annotations

import struct
import zipfile
from typing import BinaryIO

_LOCAL = b"PK\x03\x04"
_END = b"PK\x05\x06"
_DESCRIPTOR = b"PK\x07\x08"
_END_SEARCH = 22 + 65535 + 20


def outside(f: BinaryIO, size: int) -> list[tuple[int, int]] | None:
    """The ranges ``[start, end)`` of ``f`` that the archive does not hold, or None when the
    bytes are not a ZIP archive zipfile opens."""
    try:
        with zipfile.ZipFile(f) as archive:
            infos = archive.infolist()
            directory = int(getattr(archive, "start_dir", 0))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error):
        return None
    end = _end_of_end_record(f, size)
    if end is None:
        return None
    held = [(directory, end)]
    for info in infos:
        span = _member_span(f, info)
        if span is None:
            return None  # a member the reader cannot open either: it fails on its own
        held.append(span)
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
    start = max(0, size - _END_SEARCH)
    f.seek(start)
    data = f.read(size - start)
    at = data.rfind(_END)
    if at < 0 or len(data) - at < 22:
        return None
    comment = int.from_bytes(data[at + 20 : at + 22], "little")
    return min(size, start + at + 22 + comment)


def _member_span(f: BinaryIO, info: zipfile.ZipInfo) -> tuple[int, int] | None:
    f.seek(info.header_offset)
    header = f.read(30)
    if len(header) < 30 or not header.startswith(_LOCAL):
        return None
    name_length, extra_length = struct.unpack_from("<HH", header, 26)
    extra = f.read(name_length + extra_length)[name_length:]
    stop = info.header_offset + 30 + name_length + extra_length + info.compress_size
    if info.flag_bits & 0x08:
        # A data descriptor follows the data: CRC and sizes (8 bytes each in ZIP64: the
        # local header then has a ZIP64 extra field), with or without its signature.
        f.seek(stop)
        wide = _has_zip64(extra) or max(info.compress_size, info.file_size) >= 0xFFFFFFFF
        signed = f.read(4) == _DESCRIPTOR
        stop += (4 if signed else 0) + (20 if wide else 12)
    return info.header_offset, stop


def _has_zip64(extra: bytes) -> bool:
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, at)
        if kind == 0x0001:
            return True
        at += 4 + length
    return False
