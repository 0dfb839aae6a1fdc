"""Bare base64: a file written as base64 with no ``data:`` in front of it, in a cell, a line or
a string value (an export's ``attachment`` column, a JSON field, a pasted blob).

Anyone decodes such a run with ``base64 -d``; a spreadsheet of many columns carries a whole
roster in one cell this way. A run is taken when it is long (``MIN_CHARS``), is base64 and
nothing else (the standard or the URL-safe alphabet, not both, padded where it ends), decodes
cleanly, and its bytes are a file: text in any encoding the scan reads (UTF-8, UTF-16,
Windows-1252, Shift_JIS...) or bytes that start with the signature of a known format (an
archive, a compressed stream, a PDF, an Office or OpenDocument file, a picture). Anything else
that decodes (a hash, a signature, a key, a token, ciphertext) is random bytes to every reader
and is left where it stands: it holds no file, and blocking it would block every export that
carries signatures.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator

from approval.detect.signatures import SIGNATURES
from approval.detect.textio import sniff_encoding

WRAP_CHARS = 40  # a line of base64 wrapped at this width or more goes on in the next one
MIN_CHARS = 200  # shorter runs are tokens, hashes and ids; 150 bytes is a few rows of a list
# A run of the base64 alphabets (both, told apart when decoding), not inside a longer word of
# them; possessive, and starting only where no alphabet character stands before it: linear.
_RUN = re.compile(
    rf"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{{{MIN_CHARS},}}+={{0,2}}+(?![A-Za-z0-9+/_=-])"
)
_HEX = re.compile(r"[0-9A-Fa-f]+")
_BREAK = re.compile(r"[ \t]*\r?\n[ \t]*")
_URL_SAFE = b"-_"
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_"
# Signatures of file formats: those the scan core names (``signatures``), which it reads or
# blocks as unsupported, and tar's and the web fonts' besides. Two-byte signatures that random
# bytes would show once in 65,536 blobs (``MZ``) are not taken; gzip is taken with its method
# byte.
_MAGIC = (
    *((at, magic) for at, magic, _ in SIGNATURES if len(magic) > 2),
    (0, b"\x1f\x8b\x08"),
    (257, b"ustar"),
    (0, b"wOFF"),
    (0, b"wOF2"),
)
# ``may_carry``: the base64 alphabets as one byte, anything else as another, for a run search.
_AS_RUNS = bytes(65 if chr(b) in _ALPHABET else 10 for b in range(256))
_LONG_RUN = b"A" * MIN_CHARS


def may_hold(text: str) -> bool:
    """Whether a cell, line or string value may carry a file (a ``data:`` URI, whose scheme in
    any case ends in ``a:`` or ``A:``, or a bare base64 file, which is long): the one cheap test
    before ``approval.detect.carried.Carrier`` looks, run on every line, value and cell that
    reaches it (``:`` by ``memchr`` first: most lines hold none)."""
    return len(text) >= MIN_CHARS or may_hold_uri(text)


def may_wrap(line: str) -> bool:
    """Whether a line may be one of a file written as base64 over several lines (76 columns a
    line as ``base64`` writes it, 64 as PEM does), which a line alone is too short to show:
    long, and no blank inside it (``memchr``: prose has one within a few characters)."""
    return len(line) >= WRAP_CHARS and " " not in line.strip()


def may_hold_uri(text: str) -> bool:
    """Whether a piece of text may hold a ``data:`` URI, at memory speed (``:`` by ``memchr``
    first): for readers that watch their text as they parse it (``Table.carries``)."""
    return ":" in text and ("a:" in text or "A:" in text)


def may_carry(chunk: str) -> bool:
    """Whether any cell of a piece of a text file (a chunk or a line a CSV reader parses) may
    carry a file, at memory speed: ``may_hold_uri``, or a long run of the base64 alphabets
    (one translation and one search)."""
    if may_hold_uri(chunk):
        return True
    if len(chunk) < MIN_CHARS:
        return False
    return _LONG_RUN in chunk.encode("latin-1", "replace").translate(_AS_RUNS)


def runs(text: str) -> Iterator[str]:
    """The runs of ``text`` that may be base64 files (see ``decode``); in a value or a cell of
    several lines, also the runs its lines make joined (base64 as ``base64`` and MIME write
    it: 76 columns a line, which every decoder joins)."""
    if len(text) >= MIN_CHARS:
        found = _RUN.findall(text)
        yield from found
        if "\n" in text:
            seen = set(found)
            yield from (run for run in _RUN.findall(unwrapped(text)) if run not in seen)


def unwrapped(text: str) -> str:
    """``text`` with its line breaks (and the blanks around them) taken out."""
    return _BREAK.sub("", text)


def decode(run: str) -> bytes | None:
    """The file a base64 run holds: its bytes when they are text or a known format, else
    None (not base64, or bytes that are no file)."""
    body = run.rstrip("=")
    if len(body) % 4 == 1 or (len(run) != len(body) and len(run) % 4):
        return None
    if _HEX.fullmatch(body):
        # Hexadecimal (an RTF picture, a digest, a hex dump): base64 of anything long has
        # letters past F (every one of 200 characters in 0-9A-Fa-f: one chance in 10^92).
        return None
    url_safe = "-" in body or "_" in body
    if url_safe and ("+" in body or "/" in body):
        return None  # two alphabets: no encoder writes that
    try:
        data = base64.b64decode(
            body + "=" * (-len(body) % 4), altchars=_URL_SAFE if url_safe else None, validate=True
        )
    except (binascii.Error, ValueError):
        return None
    return data if is_file(data) else None


def is_file(data: bytes) -> bool:
    """Whether decoded bytes are a file: text in any encoding the scan reads (Windows-1252 as
    Excel writes a CSV, Shift_JIS...: random bytes hold too many control bytes to pass), or a
    known format's signature."""
    if any(data[at : at + len(magic)] == magic for at, magic in _MAGIC):
        return True
    return sniff_encoding(data[:8192]) is not None


__all__ = [
    "MIN_CHARS",
    "WRAP_CHARS",
    "decode",
    "is_file",
    "may_carry",
    "may_hold",
    "may_hold_uri",
    "may_wrap",
    "runs",
    "unwrapped",
]
