"""xz streams (and legacy .lzma): the content is a nested source, read as a file is read,
within the limits (``approval.detect.readers._expand``); a ``.tar.xz`` holds a tar archive.

Concatenated streams are one, as ``xz -dc`` writes them out, with the zero stream padding the
format allows between and after them (``_streams``: ``LZMAFile`` stops at padding and drops
the streams after it). Bytes after the last stream that are neither a stream nor padding are
an unread part that blocks.

The bytes decide: the xz magic ``fd 37 7a 58 5a 00``, or an LZMA-alone header (properties byte
0x5d, a power-of-two dictionary size). Coverage: the compressed stream, parsed, and the content
as a nested part.
"""

from __future__ import annotations

import lzma
from collections.abc import Iterator
from typing import BinaryIO

from approval.detect.readers._expand import content, inner_name
from approval.detect.readers._streams import Streams
from approval.detect.units import UNREAD, Limits, Part, Probe, Source, Unit

_MAGIC = b"\xfd7zXZ\x00"
_SUFFIXES = {".txz": ".tar", ".tlz": ".tar", ".xz": "", ".lzma": ""}
_ERRORS = (lzma.LZMAError, OSError, EOFError, ValueError)


def _starts(data: bytes) -> bool:
    return data.startswith(_MAGIC) or _lzma_alone(data)


def _lzma_alone(head: bytes) -> bool:
    """The .lzma header: properties 0x5d (lc=3 lp=0 pb=2, what every encoder writes), a
    dictionary size that is a power of two, and an uncompressed size (or -1 for unknown)."""
    if len(head) < 13 or head[0] != 0x5D:
        return False
    dictionary = int.from_bytes(head[1:5], "little")
    size = int.from_bytes(head[5:13], "little")
    power = dictionary & (dictionary - 1) == 0 and 4096 <= dictionary <= 1 << 30
    return power and (size == 2**64 - 1 or size < 1 << 48)


class XzReader:
    name = "xz"

    def accepts(self, probe: Probe) -> bool:
        return probe.head.startswith(_MAGIC) or _lzma_alone(probe.head)

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        inner = inner_name(source.name, _SUFFIXES, "decompressed")
        opened: list[Streams] = []

        def decompress(raw: BinaryIO) -> BinaryIO:
            opened.append(Streams(raw, lzma.LZMADecompressor, _starts))
            return opened[-1]  # type: ignore[return-value]  # read() is all that is used

        yield from content(source, decompress, limits, _ERRORS, "xz", inner)
        if opened and opened[-1].left:
            reason = "bytes after the last xz stream that are no xz stream: not read"
            yield Part("after the xz streams", "trailing data", opened[-1].left, UNREAD, reason)


READER = XzReader()
