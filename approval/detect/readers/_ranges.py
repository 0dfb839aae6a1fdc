"""Byte ranges of a source that its format's reader does not read, handed back to the scanner
as files of their own (``Nested``): text in them is read, binary data in them blocks. Bytes
after a tar's end-of-archive blocks or in a member's padding, bytes after a PDF's last
``%%EOF``.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import IO, BinaryIO

from approval.detect.readers._expand import copied_out
from approval.detect.units import Nested, Source, Where

_CHUNK = 1024 * 1024


def nonzero(f: BinaryIO, start: int, end: int) -> tuple[int, int] | None:
    """The smallest range within ``[start, end)`` of ``f`` that holds every byte that is not
    zero, or None when all are zero."""
    first = last = -1
    f.seek(start)
    at = start
    while at < end and (chunk := f.read(min(_CHUNK, end - at))):
        stripped = chunk.lstrip(b"\0")
        if stripped:
            if first < 0:
                first = at + len(chunk) - len(stripped)
            last = at + len(chunk.rstrip(b"\0"))
        at += len(chunk)
    return None if first < 0 else (first, last)


def copy_range(source: Source, start: int, end: int, out: IO[bytes]) -> int:
    """Bytes ``[start, end)`` of ``source`` written to ``out``; how many there were."""
    with source.open() as f:
        f.seek(start)
        left = end - start
        while left > 0 and (chunk := f.read(min(left, _CHUNK))):
            out.write(chunk)
            left -= len(chunk)
    return end - start - left


def as_files(source: Source, ranges: list[tuple[int, int]], what: str) -> Iterator[Nested]:
    """Each range of ``source`` as a nested source, labelled ``bytes START-END {what}``."""
    for start, end in ranges:
        label = f"bytes {start}-{end} {what}"
        part = f"{source.part}/{label}" if source.part is not None else label

        with copied_out(partial(copy_range, source, start, end)) as (opener, size):
            inner = Source(label, opener, size, source.depth + 1, part, source.context)
            yield Nested(inner, Where(part=part))
