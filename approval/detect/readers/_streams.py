"""Concatenated compressed streams (xz, bzip2), decoded one after the other as ``xz -dc`` and
``bunzip2`` write them out, and what is after the last of them.

Python's ``LZMAFile`` and ``BZ2File`` stop at the first bytes that do not start a stream and
drop the rest as trailing garbage, silently: xz's stream padding (zero bytes between streams,
which the xz format allows) ends an ``LZMAFile``, and a second stream after it is never read,
though ``xz -dc`` and ``tar xJf`` write it out. Here zero bytes between and after streams are
skipped, every stream that follows is read, and whatever else is left is counted
(``Streams.left``), for the reader to name as an unread part that blocks: bytes that no
decompressor reads may still be what some tool shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO, Protocol

from approval.detect.readers._expand import content, inner_name
from approval.detect.units import UNREAD, Limits, Part, Source, Unit

_CHUNK = 256 * 1024


class Decompressor(Protocol):
    """What ``lzma.LZMADecompressor`` and ``bz2.BZ2Decompressor`` have in common."""

    @property
    def eof(self) -> bool: ...
    @property
    def unused_data(self) -> bytes: ...
    @property
    def needs_input(self) -> bool: ...
    def decompress(self, data: bytes, max_length: int = -1) -> bytes: ...


class Streams:
    """The decompressed bytes of every stream of ``raw`` (``read``, chunk by chunk), and once
    everything has been read, ``left``: how many bytes after the streams are neither a stream
    nor zero padding (counted to the end of the file).

    ``starts`` says whether bytes begin a stream; ``decompressor`` makes one for a stream. A
    stream cut short raises ``EOFError`` (the caller's "corrupt")."""

    def __init__(
        self,
        raw: BinaryIO,
        decompressor: Callable[[], Decompressor],
        starts: Callable[[bytes], bool],
    ):
        self.raw = raw
        self.left = 0
        self._new = decompressor
        self._starts = starts
        self._chunks = self._streams()

    def read(self, size: int = -1) -> bytes:
        return next(self._chunks, b"")

    def _streams(self) -> Iterator[bytes]:
        pending = b""
        while True:
            stream = self._new()
            while not stream.eof:
                if stream.needs_input:
                    data = pending or self.raw.read(_CHUNK)
                    pending = b""
                    if not data:
                        raise EOFError("compressed stream ended before its end marker")
                else:
                    data = b""
                out = stream.decompress(data, _CHUNK)
                if out:
                    yield out
            pending = after_padding(stream.unused_data, self.raw, 16)
            if not pending:
                return
            if not self._starts(pending):
                self.left = len(pending) + count_rest(self.raw)
                return


def after_padding(data: bytes, raw: BinaryIO, head: int) -> bytes:
    """What follows a stream's end (``data``, then the rest of ``raw``) after zero padding
    (xz's stream padding; a tape's or a disk image's blocks): at least ``head`` bytes of it
    when the file has them, enough to tell whether another stream starts; ``b""`` at the
    file's end."""
    while not (data := data.lstrip(b"\0")):
        data = raw.read(_CHUNK)
        if not data:
            return b""
    while len(data) < head and (more := raw.read(_CHUNK)):
        data += more
    return data


def count_rest(raw: BinaryIO) -> int:
    """The bytes left in ``raw``, read chunk by chunk."""
    total = 0
    while chunk := raw.read(_CHUNK):
        total += len(chunk)
    return total


def read_streams(
    source: Source,
    limits: Limits,
    decompressor: Callable[[], Decompressor],
    starts: Callable[[bytes], bool],
    errors: tuple[type[BaseException], ...],
    label: str,
    suffixes: dict[str, str],
) -> Iterator[Unit]:
    """The units of a file of ``label`` streams (``xz``, ``bzip2``): their content read as a
    file of its own (``_expand.content``), then what is after the last stream, when anything
    is, as an unread part that blocks."""
    opened: list[Streams] = []

    def decompress(raw: BinaryIO) -> BinaryIO:
        opened.append(Streams(raw, decompressor, starts))
        return opened[-1]  # type: ignore[return-value]  # read() is all that is used

    yield from content(
        source, decompress, limits, errors, label, inner_name(source.name, suffixes, "decompressed")
    )
    if opened and opened[-1].left:
        reason = f"bytes after the last {label} stream that are no {label} stream: not read"
        yield Part(f"after the {label} streams", "trailing data", opened[-1].left, UNREAD, reason)
