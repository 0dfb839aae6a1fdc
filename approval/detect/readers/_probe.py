"""What readers may look at to choose themselves: a source's first and last bytes and, for a
ZIP, its members' names (below the scanner, so that a reader may probe a source too)."""

from __future__ import annotations

import os
import struct
from typing import BinaryIO

from approval.detect.units import Probe, Source

HEAD_BYTES = 8192
TAIL_BYTES = 8192
# A ZIP's end of central directory record is at most this far from the end (a 64 KiB comment).
_EOCD_SEARCH = 22 + 65535 + 20
# Member names read from a central directory for a probe, at most: enough for any reader to
# tell a package from a plain archive; the reader itself reads the whole directory.
_PROBE_MEMBERS = 100_000
_PROBE_DIRECTORY_BYTES = 64 * 1024 * 1024


def probe(source: Source) -> Probe:
    """What readers may look at: the bytes of ``source``, never its name."""
    with source.open() as f:
        head = f.read(HEAD_BYTES)
        size = source.size
        tail = b""
        members = None
        if f.seekable():
            size = f.seek(0, os.SEEK_END)
            if size > len(head):
                f.seek(max(len(head), size - TAIL_BYTES))
                tail = f.read(TAIL_BYTES)
            members = zip_members(f, size)
    return Probe(head=head, size=size, tail=tail, members=members)


def zip_members(f: BinaryIO, size: int) -> frozenset[str] | None:
    """The member names in a ZIP's central directory, found from the end of the bytes as a ZIP
    reader finds it (so also when something is prepended to the archive), or None."""
    start = max(0, size - _EOCD_SEARCH)
    f.seek(start)
    end = f.read(size - start)
    at = end.rfind(b"PK\x05\x06")
    if at < 0 or len(end) - at < 22:
        return None
    count, directory_size, directory_offset = struct.unpack_from("<HII", end, at + 10)
    eocd = start + at
    if count == 0xFFFF or 0xFFFFFFFF in (directory_size, directory_offset):
        # Without a ZIP64 record, zipfile takes the end record's fields as they are (the count
        # it ignores): so does the probe.
        zip64 = end.rfind(b"PK\x06\x06", 0, at)
        if zip64 >= 0 and len(end) - zip64 >= 56:
            count, directory_size = struct.unpack_from("<QQ", end, zip64 + 32)
            eocd = start + zip64
    if count > _PROBE_MEMBERS or directory_size > min(eocd, _PROBE_DIRECTORY_BYTES):
        return None
    f.seek(eocd - directory_size)
    directory = f.read(directory_size)
    names: set[str] = set()
    at = 0
    while at + 46 <= len(directory) and directory[at : at + 4] == b"PK\x01\x02":
        flags = struct.unpack_from("<H", directory, at + 8)[0]
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", directory, at + 28)
        raw = directory[at + 46 : at + 46 + name_length]
        names.add(raw.decode("utf-8" if flags & 0x800 else "cp437", "replace"))
        at += 46 + name_length + extra_length + comment_length
    return frozenset(names) if names else None


__all__ = ["HEAD_BYTES", "TAIL_BYTES", "probe", "zip_members"]
