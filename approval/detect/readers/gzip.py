"""gzip streams (RFC 1952): the content is a nested source, read as a file is read, within the
limits (``approval.detect.readers._expand``). A ``.tar.gz`` is a gzip stream holding a tar
archive, which the tar reader then reads.

Every member is read, as ``gunzip`` writes them out one after the other, and so is every header:
the original file name (``FNAME``), the comment (``FCOMMENT``) and the extra field (``FEXTRA``)
are text a tool shows, read as prose (the file name cut into words as archive member names
are: ``Stephens_Ruby_A218343183.csv``). Each member's CRC and length are checked. Zero padding
between and after members is skipped, and a member after padding is read (``gunzip`` stops
there; other tools go on). Bytes after the last member that are neither a member nor zero
padding are an unread part that blocks.

The bytes decide: the magic ``1f 8b`` and the deflate method. Coverage: the compressed stream,
parsed; its header fields, read as text; the content as a nested part.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import BinaryIO

from approval.detect.readers._expand import content, inner_name
from approval.detect.readers._names import name_words
from approval.detect.readers._streams import after_padding, count_rest
from approval.detect.units import (
    AS_TEXT,
    UNREAD,
    Limits,
    Part,
    Probe,
    Source,
    Text,
    Unit,
    Unscannable,
    Where,
)

_MAGIC = b"\x1f\x8b\x08"
_SUFFIXES = {".tgz": ".tar", ".gz": "", ".gzip": "", ".z": ""}
_FHCRC, _FEXTRA, _FNAME, _FCOMMENT = 0x02, 0x04, 0x08, 0x10
_CHUNK = 256 * 1024
_MAX_HEADER = 1024 * 1024  # a header field longer than this is not a file name or a comment


class _Members:
    """The decompressed bytes of every member of a gzip stream, chunk by chunk (``read``), and
    the text of their headers (``fields``, complete once everything has been read)."""

    def __init__(self, raw: BinaryIO):
        self.raw = raw
        self.buffer = b""
        self.fields: list[str] = []
        self.left = 0  # bytes after the members that are neither a member nor zero padding
        self._chunks = self._members()

    def read(self, size: int = -1) -> bytes:
        return next(self._chunks, b"")

    def _more(self, count: int) -> None:
        """At least ``count`` bytes in the buffer, or the stream is cut short."""
        while len(self.buffer) < count:
            chunk = self.raw.read(_CHUNK)
            if not chunk:
                raise Unscannable("corrupt: bad gzip stream")
            self.buffer += chunk

    def _field(self, at: int) -> tuple[str, int]:
        """A NUL-terminated header field from ``at``: its text, and where the next begins."""
        while (end := self.buffer.find(b"\0", at)) < 0:
            if len(self.buffer) - at > _MAX_HEADER:
                raise Unscannable("corrupt: bad gzip stream")
            self._more(len(self.buffer) + 1)
        return self.buffer[at:end].decode("latin-1"), end + 1

    def _header(self) -> None:
        self._more(10)
        if not self.buffer.startswith(_MAGIC):
            raise Unscannable("corrupt: bad gzip stream")
        flags = self.buffer[3]
        at = 10
        if flags & _FEXTRA:
            self._more(at + 2)
            length = int.from_bytes(self.buffer[at : at + 2], "little")
            self._more(at + 2 + length)
            self.fields.append(self.buffer[at + 2 : at + 2 + length].decode("latin-1"))
            at += 2 + length
        for flag in (_FNAME, _FCOMMENT):
            if flags & flag:
                text, at = self._field(at)
                self.fields.append(name_words(text) if flag == _FNAME else text)
        if flags & _FHCRC:
            at += 2
        self._more(at)
        self.buffer = self.buffer[at:]

    def _members(self) -> Iterator[bytes]:
        while True:
            self._header()
            inflate = zlib.decompressobj(-zlib.MAX_WBITS)
            crc = length = 0
            while not inflate.eof:
                if not self.buffer:
                    self._more(1)
                out = inflate.decompress(self.buffer, _CHUNK)
                self.buffer = inflate.unconsumed_tail
                if out:
                    crc, length = zlib.crc32(out, crc), length + len(out)
                    yield out
            # Everything passed in after the member's end (the tail may repeat part of it).
            self.buffer = inflate.unused_data
            self._more(8)
            if (
                int.from_bytes(self.buffer[:4], "little") != crc
                or int.from_bytes(self.buffer[4:8], "little") != length & 0xFFFFFFFF
            ):
                raise Unscannable("corrupt: bad gzip stream")
            # Zero padding, then another member or the end.
            self.buffer = after_padding(self.buffer[8:], self.raw, 2)
            if not self.buffer:
                return
            if not self.buffer.startswith(_MAGIC[:2]):
                self.left = len(self.buffer) + count_rest(self.raw)
                return


class GzipReader:
    name = "gzip"

    def accepts(self, probe: Probe) -> bool:
        return probe.head.startswith(_MAGIC)

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        inner = inner_name(source.name, _SUFFIXES, "decompressed")
        members: list[_Members] = []

        def decompress(raw: BinaryIO) -> BinaryIO:
            members.append(_Members(raw))
            return members[-1]  # type: ignore[return-value]  # read() is all that is used

        yield from content(source, decompress, limits, (zlib.error,), "gzip", inner)
        fields = (
            [line for text in members[-1].fields for line in text.splitlines()] if members else []
        )
        if fields:
            yield Part("header", "gzip header", sum(map(len, fields)), AS_TEXT)
            yield Text(Where(part=source.part), fields, title="gzip header")
        if members and members[-1].left:
            reason = "bytes after the last gzip member that are no gzip member: not read"
            yield Part("after the gzip members", "trailing data", members[-1].left, UNREAD, reason)


READER = GzipReader()
