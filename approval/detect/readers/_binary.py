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

In text read as UTF-8, byte sequences that are not UTF-8 count too, where they are not what
text in Windows-1252 after a UTF-8 head looks like (the reader reads that as Windows-1252):
a byte Windows-1252 leaves undefined, or a bad byte beside a control byte or such a byte.
``INVALID`` of them (control bytes included) in a ``WINDOW`` are binary. Bad bytes beside
other bytes above 0x7F do not count: Excel's CSVs on Windows put symbols and quotes side by
side (``12½” x 3¼”``, ``…”``), Estonian ``šõ``. A compressed run of a few hundred bytes is still
found; one of ~60 bytes (a single record) may not be, which, like base64, is a deliberate
encoding rather than a slip.

A run of one repeated byte that ends the source (NUL bytes after a fixed-length or
preallocated export, 0xFF from erased flash) is padding: it holds nothing but its length.

UTF-16 and UTF-32 text is judged as characters: a control character, a code unit that does
not decode (an unpaired surrogate), a private-use character or a non-character counts (random
bytes decode to one of those about one character in eight).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from approval.detect.readers._armor import encrypted, encrypted_bytes
from approval.detect.textio import is_cjk, sniff_encoding, text_prefix
from approval.detect.units import Source, Unscannable

WINDOW = 64  # bytes ...
THRESHOLD = 4  # ... holding this many control bytes are binary
INVALID = 6  # ... or, in UTF-8 text, this many of them and bad bytes that count
WIDE_WINDOW = 256  # characters of UTF-16/32 text
_CHUNK = 1024 * 1024
_TAIL = 64 * 1024
_ARMOUR_TAIL = 64  # bytes kept from one chunk to the next: an armour line's start
_CONTROL = bytes(sorted(frozenset(range(32)) - frozenset(b"\t\n\r\f\v\x1b") | {0x7F}))
_TEXT_BYTES = bytes(b for b in range(256) if b not in _CONTROL)
_CONTROL_AT = re.compile(b"[" + re.escape(_CONTROL) + b"]")
# Windows-1252 leaves these undefined: the text reader reads them as C1 control characters.
_CP1252_HOLES = b"\x81\x8d\x8f\x90\x9d"
_TEXT_BYTES_CP1252 = bytes(b for b in _TEXT_BYTES if b not in _CP1252_HOLES)
_CONTROL_AT_CP1252 = re.compile(b"[" + re.escape(_CONTROL + _CP1252_HOLES) + b"]")
# In UTF-16/32: controls, code units that do not decode, private use (a tenth of what random
# bytes decode to), and the non-characters.
_CONTROL_CHAR = re.compile(
    "[" + re.escape(_CONTROL.decode("ascii")) + "\ue000-\uf8ff\ufffd\ufffe\uffff]"
)
_WIDE = ("utf-16", "utf-32")
# In UTF-16, a run of printable ASCII bytes (and tabs and line breaks) is 8-bit text: UTF-16
# text of any script has a zero or a control byte within a few characters (Latin, Cyrillic,
# Arabic...: its high bytes; CJK: about one code unit in five has two printable bytes), while
# UTF-8 text decoded as UTF-16 is CJK throughout, with nothing a detector finds. A switch of
# encoding mid-file (UTF-16 rows, then UTF-8 ones) blocks there, as binary data would.
NARROW_RUN = 48
_NARROW_RUN = re.compile(rb"[\t\n\r\x20-\x7e]{%d}" % NARROW_RUN)
# A byte that is not UTF-8, decoded as a lone surrogate (U+DC80-U+DCFF), counts when it is
# one Windows-1252 leaves undefined, or sits beside a control byte or such a byte. Not beside
# any byte above 0x7F: a CSV saved by Excel on Windows after an ASCII start (`12½” x 3¼”`,
# `…”`, Estonian `šõ`) is text in Windows-1252 throughout, which the text reader reads, and
# random bytes hold enough controls and undefined bytes to be found in a few dozen bytes.
_C = re.escape(_CONTROL.decode("ascii"))
_HOLES = "\udc81\udc8d\udc8f\udc90\udc9d"
_ODD_BYTE = re.compile(
    f"[{_HOLES}]|(?<=[{_C}{_HOLES}])[\udc80-\udcff]|[\udc80-\udcff](?=[{_C}{_HOLES}])"
)


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
    # In Shift_JIS, EUC, GB18030 and Big5 the bytes Windows-1252 leaves undefined are lead
    # and trail bytes of characters: only control bytes say binary there.
    return _narrow_start(source, utf8=encoding.startswith("utf-8"), holes=not is_cjk(encoding))


def _narrow_start(source: Source, *, utf8: bool, holes: bool = True) -> int | None:
    end = _padding_start(source)
    text_bytes, control_at = (
        (_TEXT_BYTES, _CONTROL_AT)
        if utf8 or not holes
        else (
            _TEXT_BYTES_CP1252,
            _CONTROL_AT_CP1252,
        )
    )
    held: list[int] = []  # offsets of the last control bytes seen, at most THRESHOLD - 1
    invalid: list[int] = []  # offsets of the last sequences that are not UTF-8
    carry = b""  # a UTF-8 sequence cut by the end of a chunk
    offset = 0
    tail = b""  # the end of the last chunk, for armour across the boundary
    with source.open() as f:
        while offset < end and (chunk := f.read(min(_CHUNK, end - offset))):
            _check_armour(tail + chunk)
            tail = chunk[-_ARMOUR_TAIL:]
            found: list[int] = []
            # Most text holds no control byte at all: one pass in C says so.
            if len(chunk.translate(None, text_bytes)) or held:
                at = _first_window(_positions(chunk, offset, control_at), held)
                if at is not None:
                    found.append(at)
            if utf8 and (carry or not chunk.isascii()):
                final = offset + len(chunk) >= end
                data = carry + chunk
                positions, used = _invalid_utf8(data, offset - len(carry), final=final)
                carry = data[used:]
                controls = [offset + m.start() for m in control_at.finditer(chunk)]
                merged = iter(sorted({*positions, *controls}))
                at = _first_window(merged, invalid, threshold=INVALID)
                if at is not None:
                    found.append(at)
            if found:
                return min(found)
            offset += len(chunk)
    return None


def _check_armour(data: bytes) -> None:
    """Ciphertext in ASCII armour is text no one reads as such: it blocks, ``encrypted``
    (``readers._armor``), whichever text reader read the source (a CSV's cell too)."""
    if (reason := encrypted_bytes(data)) is not None:
        raise Unscannable(reason)


def _padding_start(source: Source) -> int:
    """Where the run of one repeated byte that ends ``source`` starts (its size if none)."""
    end = source.size
    with source.open() as f:
        if not f.seekable() or end == 0:
            return end
        f.seek(end - 1)
        last = f.read(1)
        while end > 0:
            start = max(0, end - _TAIL)
            f.seek(start)
            block = f.read(end - start)
            kept = len(block.rstrip(last))
            if kept:
                return start + kept
            end = start
    return 0


def _invalid_utf8(data: bytes, offset: int, *, final: bool) -> tuple[list[int], int]:
    """The offsets of the bytes of ``data`` that are not UTF-8 and sit beside a byte that marks
    them as binary (``_ODD_BYTE``), and how many of its bytes were judged (an incomplete
    sequence at the end of a chunk waits for the next). Decoded in C, bad bytes kept as lone
    surrogates: linear, however many bad bytes (text in Windows-1252 has one a word)."""
    try:  # most text is UTF-8 throughout
        return [], codecs.utf_8_decode(data, "strict", final)[1]
    except UnicodeDecodeError:
        pass
    text, used = codecs.utf_8_decode(data, "surrogateescape", final)
    found: list[int] = []
    chars = nbytes = 0
    for match in _ODD_BYTE.finditer(text):
        nbytes += len(text[chars : match.start()].encode("utf-8", "surrogateescape"))
        chars = match.start()
        found.append(offset + nbytes)
    return found, used


def _positions(chunk: bytes, offset: int, control_at: re.Pattern[bytes]) -> Iterator[int]:
    return (offset + m.start() for m in control_at.finditer(chunk))


def _first_window(
    positions: Iterator[int], held: list[int], window: int = WINDOW, threshold: int = THRESHOLD
) -> int | None:
    """The start of the first ``window`` with ``threshold`` positions, counting the ``held``
    ones from before (updated for the next chunk)."""
    for at in positions:
        held.append(at)
        if len(held) >= threshold:
            if held[-1] - held[-threshold] < window:
                return held[-threshold]
            del held[: len(held) - threshold + 1]
    return None


def _wide_start(source: Source, encoding: str) -> int | None:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    held: list[int] = []
    chars = 0
    offset = 0
    carry = b""  # the end of the last chunk, for a run of 8-bit text across the boundary
    with source.open() as f:
        while True:
            chunk = f.read(_CHUNK)
            if encoding.startswith("utf-16"):
                narrow = _NARROW_RUN.search(carry + chunk)
                if narrow is not None:
                    return offset - len(carry) + narrow.start()
                carry = chunk[-NARROW_RUN:]
                offset += len(chunk)
            text = decoder.decode(chunk, final=not chunk)
            if (reason := encrypted(text)) is not None:
                raise Unscannable(reason)
            # A byte-order mark decodes to nothing; U+FFFE or U+FFFF is not text either.
            positions = (chars + m.start() for m in _CONTROL_CHAR.finditer(text))
            found = _first_window(positions, held, WIDE_WINDOW)
            if found is not None:
                width = 2 if encoding.startswith("utf-16") else 4
                return found * width
            chars += len(text)
            if not chunk:
                return None
