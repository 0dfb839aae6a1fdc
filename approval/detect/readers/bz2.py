"""bzip2 streams: the content is a nested source, read as a file is read, within the limits
(``approval.detect.readers._expand``); a ``.tar.bz2`` holds a tar archive. Concatenated streams
are one, as ``bunzip2`` writes them out, zero padding between them skipped (``_streams``:
``BZ2File`` drops whatever follows bytes that start no stream). Bytes after the last stream
that are neither a stream nor zero padding are an unread part that blocks.

The bytes decide: ``BZh``, a block size digit and the block magic (the digits of pi).
Coverage: the compressed stream, parsed, and the content as a nested part.
"""

from __future__ import annotations

import bz2
import re
from collections.abc import Iterator
from typing import BinaryIO

from approval.detect.readers._expand import content, inner_name
from approval.detect.readers._streams import Streams
from approval.detect.units import UNREAD, Limits, Part, Probe, Source, Unit

# An empty stream has the end-of-stream magic (sqrt(pi)) where the first block would be.
_MAGIC = re.compile(rb"\ABZh[1-9](?:\x31\x41\x59\x26\x53\x59|\x17\x72\x45\x38\x50\x90)")
_SUFFIXES = {".tbz2": ".tar", ".tbz": ".tar", ".bz2": "", ".bz": ""}
_ERRORS = (OSError, EOFError, ValueError)


def _starts(data: bytes) -> bool:
    return _MAGIC.match(data) is not None


class Bz2Reader:
    name = "bz2"

    def accepts(self, probe: Probe) -> bool:
        return _MAGIC.match(probe.head) is not None

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        inner = inner_name(source.name, _SUFFIXES, "decompressed")
        opened: list[Streams] = []

        def decompress(raw: BinaryIO) -> BinaryIO:
            opened.append(Streams(raw, bz2.BZ2Decompressor, _starts))
            return opened[-1]  # type: ignore[return-value]  # read() is all that is used

        yield from content(source, decompress, limits, _ERRORS, "bzip2", inner)
        if opened and opened[-1].left:
            reason = "bytes after the last bzip2 stream that are no bzip2 stream: not read"
            yield Part("after the bzip2 streams", "trailing data", opened[-1].left, UNREAD, reason)


READER = Bz2Reader()
