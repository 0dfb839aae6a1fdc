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

from approval.detect.readers._streams import read_streams
from approval.detect.units import Limits, Probe, Source, Unit

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
        return read_streams(
            source, limits, bz2.BZ2Decompressor, _starts, _ERRORS, "bzip2", _SUFFIXES
        )


READER = Bz2Reader()
