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

from approval.detect.readers._streams import read_streams
from approval.detect.units import Limits, Probe, Source, Unit

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
        return read_streams(
            source, limits, lzma.LZMADecompressor, _starts, _ERRORS, "xz", _SUFFIXES
        )


READER = XzReader()
