"""Where binary data starts in a source that text readers read.

A text reader decodes bytes as characters: binary data in the middle of a source (a zstd
stream after two text lines, a SQLite database before its last row's text, a git pack after a
bundle's header) comes out as a few odd characters, in which no detector finds anything, and
the file would pass as clean with its content unread. So a source that only text readers read
(``approval.detect.readers.STRUCTURED`` names the readers that account for every byte of what
they accept themselves) must be text throughout, or what is not text is an unread part that
blocks (``approval.detect.scan``).

Binary is told from text by control bytes (C0 but tab, line and page breaks and escape, and
DEL): text may carry a stray one (a DOS end-of-file mark, a form feed from a printer), binary
data has them everywhere, about one byte in nine. ``WINDOW`` bytes holding ``THRESHOLD`` of
them are binary: a compressed stream of a few hundred bytes has many such windows. A text
whose records are separated by control characters (Hive's Ctrl-A) is read by a reader of its
own (``delimited``), which accounts for those bytes itself.

UTF-16 and UTF-32 text is judged as characters: a control character, a code unit that does
not decode (an unpaired surrogate), a private-use character or a non-character counts (random
bytes decode to one of those about one character in eight).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from approval.detect.textio import sniff_encoding, text_prefix
from approval.detect.units import Source

WINDOW = 64  # bytes ...
THRESHOLD = 4  # ... holding this many control bytes are binary
WIDE_WINDOW = 256  # characters of UTF-16/32 text
_CHUNK = 1024 * 1024
_CONTROL = bytes(sorted(frozenset(range(32)) - frozenset(b"\t\n\r\f\v\x1b") | {0x7F}))
_TEXT_BYTES = bytes(b for b in range(256) if b not in _CONTROL)
_CONTROL_AT = re.compile(b"[" + re.escape(_CONTROL) + b"]")
# In UTF-16/32: controls, code units that do not decode, private use (a tenth of what random
# bytes decode to), and the non-characters.
_CONTROL_CHAR = re.compile(
    "[" + re.escape(_CONTROL.decode("ascii")) + "\ue000-\uf8ff\ufffd\ufffe\uffff]"
)
_WIDE = ("utf-16", "utf-32")


def binary_start(source: Source) -> int | None:
    """The offset (in bytes; for UTF-16/32, about where) at which binary data starts in
    ``source``, or None if all of it is text."""
    with source.open() as f:
        head = f.read(8192)
    encoding = sniff_encoding(head)
    if encoding is None:
        prefix = text_prefix(head)
        if not prefix:
            return 0  # not text from its first bytes
        encoding = sniff_encoding(prefix) or "utf-8"
    if encoding.startswith(_WIDE):
        return _wide_start(source, encoding)
    return _narrow_start(source)


def _narrow_start(source: Source) -> int | None:
    held: list[int] = []  # offsets of the last control bytes seen, at most THRESHOLD - 1
    offset = 0
    with source.open() as f:
        while chunk := f.read(_CHUNK):
            # Most text holds no control byte at all: one pass in C says so.
            if len(chunk.translate(None, _TEXT_BYTES)) or held:
                found = _first_window(_positions(chunk, offset), held)
                if found is not None:
                    return found
            offset += len(chunk)
    return None


def _positions(chunk: bytes, offset: int) -> Iterator[int]:
    return (offset + m.start() for m in _CONTROL_AT.finditer(chunk))


def _first_window(positions: Iterator[int], held: list[int], window: int = WINDOW) -> int | None:
    """The start of the first ``WINDOW`` with ``THRESHOLD`` control positions, counting the
    ``held`` ones from before (updated for the next chunk)."""
    for at in positions:
        held.append(at)
        if len(held) >= THRESHOLD:
            if held[-1] - held[-THRESHOLD] < window:
                return held[-THRESHOLD]
            del held[: len(held) - THRESHOLD + 1]
    return None


def _wide_start(source: Source, encoding: str) -> int | None:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    held: list[int] = []
    chars = 0
    with source.open() as f:
        while True:
            chunk = f.read(_CHUNK)
            text = decoder.decode(chunk, final=not chunk)
            # A byte-order mark decodes to nothing; U+FFFE or U+FFFF is not text either.
            positions = (chars + m.start() for m in _CONTROL_CHAR.finditer(text))
            found = _first_window(positions, held, WIDE_WINDOW)
            if found is not None:
                width = 2 if encoding.startswith("utf-16") else 4
                return found * width
            chars += len(text)
            if not chunk:
                return None
