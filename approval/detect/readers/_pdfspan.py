"""The bytes of a PDF that none of its objects, cross-reference tables and trailers hold.

A PDF reader follows the cross-reference table to the objects it names: bytes between objects
(a compressed list glued after an ``endobj``) are read by no one, yet every viewer opens the
file. The file is walked from its first byte, token by token as a PDF's body is laid out:
white space, the header and ``%%EOF``, indirect objects (``12 0 obj ... endobj``,
parsed by pypdf, streams by their length, objects of earlier revisions and objects no table
names included), ``xref`` tables, ``trailer`` dictionaries and ``startxref``. What is none of
these, up to the next such token, is a gap; so is every other comment (a comment holds any
bytes up to the end of its line). The reader reads each gap as a file of its own (text in it
is read, binary data in it blocks).
"""

from __future__ import annotations

import re
import zlib
from typing import Any, BinaryIO

_WHITE = b"\0\t\n\f\r "
_PEEK = 64
_MARKER = 16  # bytes at most on the line after the header
_CHUNK = 1024 * 1024
_OBJECT = re.compile(
    rb"\d{1,10}[\0\t\n\f\r ]+\d{1,5}[\0\t\n\f\r ]+obj(?![^\0\t\n\f\r ()<>\[\]{}/%])"
)
_TOKEN = re.compile(
    rb"\d{1,10}[\0\t\n\f\r ]+\d{1,5}[\0\t\n\f\r ]+obj\b|xref\b|trailer\b|startxref\b|%"
)
_NOT_TABLE = re.compile(rb"[^0-9fn\0\t\n\f\r ]")  # what no xref table holds
_STREAM = re.compile(rb"stream *(?:\r\n|\n|\r)")
_OUT = 1024 * 1024  # bytes of output at most per call (a stream may be a compression bomb)
_FLATE = frozenset({"/FlateDecode", "/Fl"})
# Filters whose data ends at a marker: what follows it inside the stream is decoded by no one.
_MARKED = {"/ASCIIHexDecode": b">", "/AHx": b">", "/ASCII85Decode": b"~>", "/A85": b"~>"}


def gaps(stream: BinaryIO, end: int, pdf: Any) -> list[tuple[int, int]]:
    """The ranges ``[start, stop)`` before ``end`` that no object, table or trailer holds."""
    from pypdf.generic import read_object

    found: list[tuple[int, int]] = []
    at = 0
    header = -1  # where the line after the header starts
    while at < end:
        at = _skip_white(stream, at, end)
        if at >= end:
            break
        stream.seek(at)
        peek = stream.read(_PEEK)
        stop: int | None = None
        try:
            if peek.startswith(b"%"):
                stop = _line_end(stream, at, end)
                if not _marker(peek, at, header):
                    found.append((at, stop))  # a comment holds anything: read as the rest is
                elif peek.startswith(b"%PDF-"):
                    # Where the next line starts: after a CRLF too (Word ends lines with one).
                    header = _skip_white(stream, stop, end)
            elif match := _OBJECT.match(peek):
                stream.seek(_skip_white(stream, at + match.end(), end))
                value = read_object(stream, pdf)
                stop = _endobj(stream, stream.tell(), end)
                if stop is not None:
                    found += _after_stream(stream, at, stop, value)
            elif peek.startswith(b"xref"):
                stop = _table_end(stream, at + 4, end)
            elif peek.startswith(b"trailer"):
                stream.seek(_skip_white(stream, at + 7, end))
                read_object(stream, pdf)
                stop = stream.tell()
            elif peek.startswith(b"startxref"):
                stop = _digits_end(stream, _skip_white(stream, at + 9, end), end)
        except Exception:
            stop = None
        if stop is None or stop <= at or stop > end:
            stop = _next_token(stream, at + 1, end)
            found.append((at, stop))
        at = stop
    return _merged(found)


def _marker(peek: bytes, at: int, header: int) -> bool:
    """A comment that is part of the format: the header, the line of a few high bytes after it
    (which tells a transfer program the file is binary), ``%%EOF``."""
    if peek.startswith((b"%PDF-", b"%%EOF")):
        return True
    line = peek.split(b"\n", 1)[0].split(b"\r", 1)[0]
    return at == header and len(line) <= _MARKER


def _skip_white(stream: BinaryIO, at: int, end: int) -> int:
    stream.seek(at)
    while at < end and (chunk := stream.read(min(_PEEK * 16, end - at))):
        kept = len(chunk.lstrip(_WHITE))
        at += len(chunk) - kept
        if kept:
            break
    return at


def _line_end(stream: BinaryIO, at: int, end: int) -> int:
    stream.seek(at)
    while at < end and (chunk := stream.read(min(_PEEK * 16, end - at))):
        cut = min((i for i in (chunk.find(b"\n"), chunk.find(b"\r")) if i >= 0), default=-1)
        if cut >= 0:
            return at + cut + 1
        at += len(chunk)
    return at


def _endobj(stream: BinaryIO, at: int, end: int) -> int | None:
    at = _skip_white(stream, at, end)
    while True:
        stream.seek(at)
        peek = stream.read(_PEEK)
        if peek.startswith(b"%"):  # a comment before endobj
            at = _skip_white(stream, _line_end(stream, at, end), end)
            continue
        return at + 6 if peek.startswith(b"endobj") else None


def _table_end(stream: BinaryIO, at: int, end: int) -> int:
    stream.seek(at)
    while at < end and (chunk := stream.read(min(_CHUNK, end - at))):
        if match := _NOT_TABLE.search(chunk):
            return at + match.start()
        at += len(chunk)
    return at


def _after_stream(stream: BinaryIO, at: int, stop: int, value: Any) -> list[tuple[int, int]]:
    """The bytes of a stream's data, inside its ``/Length``, after its encoded data ends (a
    payload after the end of a deflate stream): its decoder drops them, so no one reads them.
    Nothing when the end cannot be told (a deflate stream that does not end is its decoder's
    failure to report)."""
    from pypdf.generic import StreamObject

    if not isinstance(value, StreamObject):
        return []
    data = bytes(getattr(value, "_data", b"") or b"")
    filters = _resolved(value.get("/Filter"))
    first = _resolved(filters[0] if isinstance(filters, list) and filters else filters)
    if first in _FLATE:
        used = _flate_used(data)
    elif isinstance(first, str) and first in _MARKED:
        marker = _MARKED[first]
        cut = data.find(marker)
        used = cut + len(marker) if cut >= 0 else None
    else:
        return []
    if used is None or not data[used:].strip(_WHITE):
        return []
    stream.seek(at)
    region = stream.read(stop - at)
    for match in _STREAM.finditer(region):
        if region.startswith(data, match.end()):
            start = at + match.end()
            return [(start + used, start + len(data))]
    return []


def _resolved(value: Any) -> Any:
    """What a reference (``5 0 R``) names, or the value itself."""
    try:
        return value.get_object() if hasattr(value, "get_object") else value
    except Exception:  # a broken reference: the stream's reader reports it, not the walk
        return None


def _flate_used(data: bytes) -> int | None:
    """How many bytes of ``data`` its zlib stream uses, or None when it does not end."""
    d = zlib.decompressobj()
    try:
        d.decompress(data, _OUT)
        while not d.eof and d.unconsumed_tail:
            d.decompress(d.unconsumed_tail, _OUT)
    except zlib.error:
        return None
    return len(data) - len(d.unused_data) if d.eof else None


def _digits_end(stream: BinaryIO, at: int, end: int) -> int | None:
    stream.seek(at)
    peek = stream.read(min(_PEEK, end - at))
    match = re.match(rb"\d+", peek)
    return at + match.end() if match else None


def _next_token(stream: BinaryIO, at: int, end: int) -> int:
    """Where the next thing a PDF's body is made of starts (``end`` if none)."""
    stream.seek(at)
    while at < end and (chunk := stream.read(min(_CHUNK, end - at))):
        match = _TOKEN.search(chunk)
        if match:
            return at + match.start()
        # A token cut by the end of the chunk is found by the next read.
        step = max(1, len(chunk) - _PEEK)
        at += step
        stream.seek(at)
        if step == len(chunk):
            break
    return end


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, stop in ranges:
        if merged and merged[-1][1] == start:
            merged[-1] = (merged[-1][0], stop)
        else:
            merged.append((start, stop))
    return merged
