"""Decoding text sources: the encoding sniffed from the first bytes, lines read with a bound.

Agencies export text as UTF-8 (with or without a byte-order mark), UTF-16 (Excel's "Unicode
text") or Windows-1252. A byte that does not decode is read as Windows-1252 (or Latin-1 where
that has no character) rather than dropped, so that a name in a mis-encoded file is still a
name. Binary data is not text: too many control characters and the reader declines it. A
source whose first lines are text and whose rest is not (``text_encoding``) is read as text
too: what follows the text is for other readers to read, and blocks when none of them reads
it (``readers._binary``).
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
from collections.abc import Iterator
from typing import IO, BinaryIO

FALLBACK = "approval-cp1252"
_CP1252_HOLES = frozenset(b"\x81\x8d\x8f\x90\x9d")
_CONTROL = frozenset(range(32)) - frozenset(b"\t\n\r\f\v\x1b") | {0x7F}
MAX_LINE_CHARS = 1024 * 1024  # a longer line is read in pieces of this size


def _fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    chunk = error.object[error.start : error.end]
    text = "".join(chr(b) if b in _CP1252_HOLES else bytes([b]).decode("cp1252") for b in chunk)
    return text, error.end


codecs.register_error(FALLBACK, _fallback)


def sniff_encoding(head: bytes) -> str | None:
    """The encoding of a source that starts with ``head``, or None if it is not text."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        # UTF-16 without a mark: ASCII text has a zero in every other byte.
        half = max(len(head) // 2, 1)
        zero_odd = head[1::2].count(0) / half
        zero_even = head[0::2].count(0) / half
        if zero_odd > 0.3 and zero_even < 0.05:
            return "utf-16-le" if _is_text(head, "utf-16-le") else None
        if zero_even > 0.3 and zero_odd < 0.05:
            return "utf-16-be" if _is_text(head, "utf-16-be") else None
        return None
    try:
        head.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError as e:
        # The head may end inside a multi-byte character; that is still UTF-8.
        encoding = "utf-8" if e.start >= len(head) - 3 and "end" in e.reason else "cp1252"
    return encoding if _is_text(head, encoding) else None


def text_encoding(head: bytes) -> str | None:
    """The encoding of a source that starts as text: all of ``head`` is text, or its first
    lines are and something else follows (a CSV with a PDF appended: the table is what a
    spreadsheet shows, so it must be read whatever comes after it). None when it is not text,
    or starts with the magic of a binary format (a PDF's first lines read as text too)."""
    encoding = sniff_encoding(head)
    if encoding is not None:
        return encoding
    prefix = text_prefix(head)
    return sniff_encoding(prefix) if prefix else None


def text_prefix(head: bytes) -> bytes:
    """The whole lines at the start of ``head`` before the first that holds a control byte;
    empty unless there are at least two, in an 8-bit encoding, and no binary magic."""
    if head.startswith(BINARY_MAGIC) or head.startswith(_BOMS):
        return b""
    cut = lines_seen = 0
    for line in head.split(b"\n")[:-1]:
        if not _CONTROL_BYTES.isdisjoint(line.rstrip(b"\r")):
            break
        cut += len(line) + 1
        lines_seen += 1
    return head[:cut] if lines_seen >= 2 else b""


# Formats that start with their magic and whose first lines may read as text.
BINARY_MAGIC = (b"%PDF-", b"%!PS", b"{\\rtf", b"\x1f\x8b", b"BZh", b"PK\x03\x04", b"\x89PNG")
_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
_CONTROL_BYTES = frozenset(range(32)) - frozenset(b"\t\f\v\x1b") | {0x7F}


def _is_text(head: bytes, encoding: str) -> bool:
    text = head.decode(encoding, errors=FALLBACK)
    if not text:
        return True
    controls = sum(1 for ch in text[:8192] if ord(ch) in _CONTROL)
    return controls <= max(1, len(text) // 200)


# Characters that take no room on screen (format characters: zero-width space and joiners, soft
# hyphen, direction marks, word joiner, byte-order mark): written between the letters of a name
# they hide it from every pattern and from no reader.
_INVISIBLE = dict.fromkeys(
    (0x00AD, 0x061C, 0x180E, 0xFEFF, *range(0x200B, 0x2010), *range(0x202A, 0x202F),
     *range(0x2060, 0x2065), *range(0x2066, 0x206A))
)  # fmt: skip


# The same characters as one class: a search runs in C at a few ns a character, where a
# ``translate`` of a chunk with any non-ASCII letter looks each character up in the table.
_INVISIBLE_FOUND = re.compile("[" + "".join(map(chr, _INVISIBLE)) + "]")


def visible(text: str) -> str:
    """``text`` as a reader sees it: invisible characters dropped, compatibility forms
    (full-width letters and digits, ligatures) folded to the plain ones (NFKC)."""
    if text.isascii():
        return text
    if _INVISIBLE_FOUND.search(text) is not None:
        text = text.translate(_INVISIBLE)
    return unicodedata.normalize("NFKC", text)


def open_text(stream: BinaryIO, encoding: str, *, newline: str | None = None) -> IO[str]:
    """A text view of a binary stream; undecodable bytes become Windows-1252 characters."""
    return io.TextIOWrapper(stream, encoding=encoding, errors=FALLBACK, newline=newline)


def lines(text: IO[str], max_chars: int = MAX_LINE_CHARS) -> Iterator[str]:
    """Lines without their line break; a line longer than ``max_chars`` comes in pieces."""
    while True:
        line = text.readline(max_chars)
        if not line:
            return
        yield line.rstrip("\r\n")
