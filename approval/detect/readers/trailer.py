"""Text after the end of a binary file: a CSV appended to a workbook, a ZIP archive's comment,
notes after an image. Whatever reads the binary format stops where its structure ends; a text
editor, ``tail`` or a spreadsheet opening the file shows the rest. This reader reads it.

A binary source (its first bytes are not text) whose last lines are text (no control byte, and
ASCII, UTF-8 or nine in ten ASCII), at least ``MIN_BYTES`` of them, has a trailer: it is
copied out and read as a nested source, by every reader that accepts its bytes (a CSV is read
as a table). A PDF's own trailer (``startxref ... %%EOF``, ending the file) is the PDF
reader's, and is left to it; text after it is read here. Coverage: the trailing bytes,
parsed (as a nested part the core records).

It reads nothing of a text file (the text readers read all of it), and comes after the format
readers: the report's ``format`` leaves it out when another reader read the file too.

It reads only the trailer: the binary bytes before it are accounted for by the scanner
(``approval.detect.scan``), not here. When a reader of their format read the file too (a
workbook, an archive, a PDF: ``readers.structured``), they are that reader's; otherwise they
are an unread part that blocks (a SQLite database, a zstd stream, a picture with notes after
it), named with the format its first bytes show.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import IO, BinaryIO

from approval.detect.readers._expand import copied_out
from approval.detect.textio import sniff_encoding
from approval.detect.units import PARSED, Limits, Nested, Part, Probe, Source, Unit, Where

MIN_BYTES = 16
_CONTROL = frozenset(range(32)) - frozenset(b"\t\n\r\f\v\x1b") | {0x7F}
_CHUNK = 64 * 1024
_NAME = "trailing text"


def _text_line(line: bytes) -> bool:
    if not _CONTROL.isdisjoint(line):
        return False
    if line.isascii():
        return True
    try:
        line.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return sum(1 for b in line if b < 0x80) >= 0.9 * len(line)


def _text_start(data: bytes) -> int:
    """Where the text lines at the end of ``data`` start (0: all of it is text). The line
    where text begins may start with binary (a ZIP comment follows the directory's last
    field): its ASCII after the last other byte is text too."""
    end = len(data)
    while True:
        start = data.rfind(b"\n", 0, end) + 1  # the line that ends at ``end``
        line = data[start:end]
        if not _text_line(line):
            binary = max(i for i, b in enumerate(line) if b in _CONTROL or b >= 0x80)
            return start + binary + 1
        if start == 0:
            return 0
        end = start - 1


def _is_text(data: bytes) -> bool:
    return len(data.strip()) >= MIN_BYTES and not data.rstrip().endswith(b"%%EOF")


class TrailerReader:
    name = "trailer"

    def accepts(self, probe: Probe) -> bool:
        if sniff_encoding(probe.head) is not None:
            return False
        end = probe.tail or probe.head
        return _is_text(end[_text_start(end) :])

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        with source.open() as f:
            start = _trailer_start(f)
            size = f.seek(0, os.SEEK_END) - start

        def write(out: IO[bytes]) -> int:
            with source.open() as f:
                f.seek(start)
                shutil.copyfileobj(f, out, _CHUNK)
            return size

        yield Part(_NAME, "trailer", size, PARSED)
        with copied_out(write) as (opener, copied):
            part = f"{source.part or source.name}/{_NAME}"
            yield Nested(
                Source(_NAME, opener, copied, depth=source.depth + 1, part=part),
                Where(part=part),
            )


def _trailer_start(f: BinaryIO) -> int:
    """The offset where the text at the end of ``f`` starts, reading back block by block."""
    at = f.seek(0, os.SEEK_END)
    data = b""
    while at > 0:
        begin = max(0, at - _CHUNK)
        f.seek(begin)
        data = f.read(at - begin) + data
        cut = _text_start(data)
        if cut > 0:
            return begin + cut
        at = begin
    return 0


READER = TrailerReader()
