"""Decoding text sources: the encoding sniffed from the first bytes, lines read with a bound.

Agencies export text as UTF-8 (with or without a byte-order mark), UTF-16 (Excel's "Unicode
text") or Windows-1252. Text in a legacy CJK encoding is read as a Japanese or Chinese editor
detects it: ISO-2022 by its escapes (blocks when they are of a set no codec reads, or do not
decode), EUC-JP, GB18030, Shift_JIS or Big5 when the bytes are not UTF-8 and decode strictly to
CJK text (``legacy_cjk``). A byte that does not decode is read as Windows-1252 (or Latin-1 where
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
        if _eight_bit(head[2:]):
            # A mark that the bytes after it belie: 8-bit text (UTF-8, Windows-1252), which
            # cat, grep and a browser show as such and UTF-16 turns into CJK.
            return sniff_encoding(head[2:])
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
        encoding: str | None = "utf-8"
        if b"\x1b" in head:  # ISO-2022 text is 7-bit: its escapes say what it is
            encoding = _iso2022(head)
    except UnicodeDecodeError as e:
        # The head may end inside a multi-byte character; that is still UTF-8.
        encoding = "utf-8" if e.start >= len(head) - 3 and "end" in e.reason else "cp1252"
        if encoding == "cp1252":
            encoding = legacy_cjk(head) or encoding
    return encoding if encoding is not None and _is_text(head, encoding) else None


# ISO-2022 designations (escape sequences) and the codec that reads text using them; a
# designation no codec here reads (ISO-2022-CN) leaves the text unreadable.
_ISO2022 = re.compile(rb"\x1b(?:\$[@AB]|\$\([CDQ]|\([BIJ]|\$\)[ACEG]|\$\*H|\$\+[I-M]|\.[AF])")
_ISO2022_CODECS = (
    (re.compile(rb"\x1b\$\)[AEG]|\x1b\$[*+]"), None),  # ISO-2022-CN: no codec reads it
    (re.compile(rb"\x1b\$\)C"), "iso2022_kr"),
    (re.compile(rb"\x1b\(I"), "iso2022_jp_ext"),  # half-width katakana
    (re.compile(rb"\x1b\$\(Q"), "iso2022_jp_2004"),
    (re.compile(rb"."), "iso2022_jp_2"),  # JIS X 0208, 0212, GB 2312, KS C 5601, 8859
)


def _iso2022(head: bytes) -> str | None:
    """The codec of 7-bit text that holds ISO-2022 escapes (mail's ISO-2022-JP, Emacs' files):
    "utf-8" when it holds none (an escape of a terminal's colours is ASCII text), None when its
    escapes are of a set no codec here reads or it does not decode by them (unreadable: what an
    editor shows cannot be read)."""
    if _ISO2022.search(head) is None:
        return "utf-8"
    codec = next(codec for pattern, codec in _ISO2022_CODECS if pattern.search(head))
    if codec is None or _strict(head, codec) is None:
        return None
    return codec


# Legacy CJK encodings an editor in a Chinese, Taiwanese or Japanese locale detects, in the order
# taken when two read a text alike (full-width letters and digits, kana decode the same in all).
_CJK_CODECS = ("euc_jp", "gb18030", "cp932", "big5hkscs")
_CJK_MIN_CHARS = 4  # non-ASCII characters a text needs to be judged CJK
_CJK_RUNS = 0.6  # the share of them next to another: CJK text is runs of them, not a letter
_CJK_FIT = 0.9  # the share of them that a CJK text would hold


def legacy_cjk(head: bytes) -> str | None:
    """The codec of bytes that are not UTF-8 and read as CJK text (EUC-JP, GB18030/GBK,
    Shift_JIS), or None. A codec counts when it decodes the bytes strictly and what it gives
    is CJK text: ideographs, kana, full-width forms, CJK punctuation, in runs. Text in
    Windows-1252 does not: its accented letters, decoded as CJK, are lone ideographs between
    ASCII letters, or the decoding fails on an accent before a space or a digit. Of the codecs
    that fit, the one whose text holds most kana and full-width forms wins."""
    head = head[:8192]
    if len(head) - len(head.translate(None, _HIGH_BYTES)) < _CJK_MIN_CHARS:
        return None
    best, best_score = None, 0
    for codec in _CJK_CODECS:
        text = _strict(head, codec)
        if text is None:
            continue
        score = _cjk_score(text)
        if score > best_score:
            best, best_score = codec, score
    return best


def is_cjk(encoding: str) -> bool:
    """Whether ``encoding`` (as ``sniff_encoding`` names it) is a legacy CJK one: ISO-2022 by
    its escapes, or one ``legacy_cjk`` detects."""
    return encoding.startswith("iso2022") or encoding in _CJK_CODECS


def _strict(head: bytes, codec: str) -> str | None:
    """``head`` decoded strictly by ``codec`` (it may end inside a character), or None."""
    try:
        return codecs.getincrementaldecoder(codec)("strict").decode(head, final=False)
    except UnicodeDecodeError:
        return None


def _cjk_score(text: str) -> int:
    """How well ``text`` reads as CJK: 0 unless it is (``legacy_cjk``); kana, full-width forms
    and CJK punctuation count double, ideographs once. Counted by searches that run in C."""
    total = len(_NON_ASCII.findall(text))
    in_runs = sum(map(len, _NON_ASCII_RUNS.findall(text)))
    if total < _CJK_MIN_CHARS or in_runs < _CJK_RUNS * total:
        return 0
    wide = len(_WIDE_FORMS.findall(text))
    ideographs = len(_IDEOGRAPHS.findall(text))
    if wide + ideographs < _CJK_FIT * total:
        return 0
    return 2 * wide + ideographs


_NON_ASCII = re.compile("[^\x00-\x7f]")
_NON_ASCII_RUNS = re.compile("[^\x00-\x7f]{2,}")
_WIDE_FORMS = re.compile("[\u3000-\u30ff\uff01-\uff5e]")  # CJK punctuation, kana, full-width
_IDEOGRAPHS = re.compile("[\u4e00-\u9fff]")
_HIGH_BYTES = bytes(range(0x80, 0x100))


def _eight_bit(body: bytes) -> bool:
    """Whether bytes after a UTF-16 mark are 8-bit text, not UTF-16: UTF-16 text of any script
    has a zero byte (an ASCII character, a line break) or a control byte (the low byte of one
    code unit in ten) within a few dozen characters; 8-bit text has neither. A short body is
    8-bit only if it is UTF-8 as well (CJK in UTF-16 seldom is); one that is not is read as
    UTF-16 and blocks where its ASCII runs show (``readers._binary``)."""
    if not body or len(body.translate(None, _CONTROL_BYTES_BUT_TAB)) != len(body):
        return False
    if len(body) >= _EIGHT_BIT_MIN:
        return True
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as e:
        return e.start >= len(body) - 3 and "end" in e.reason
    return True


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
_CONTROL_BYTES_BUT_TAB = bytes(sorted(frozenset(range(32)) - frozenset(b"\t\n\r\f\v\x1b")))
_EIGHT_BIT_MIN = 1024  # bytes after a mark without a zero or control byte: 8-bit text


def _is_text(head: bytes, encoding: str) -> bool:
    text = head.decode(encoding, errors=FALLBACK)
    if not text:
        return True
    controls = sum(1 for ch in text[:8192] if ord(ch) in _CONTROL)
    return controls <= max(1, len(text) // 200)


# Characters that take no room on screen: Unicode's Default_Ignorable_Code_Point property (zero-
# width space and joiners, soft hyphen, direction marks and overrides, variation selectors, tag
# characters, the combining grapheme joiner, Hangul fillers...). Written between the letters of
# a name they hide it from every pattern and from no reader. The ranges are those of
# DerivedCoreProperties.txt, Unicode 15.1.0 (the same as 14.0, the version of this Python's
# ``unicodedata``); kept as the table's ranges so that it can be checked against the file.
_DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
    (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)  # fmt: skip
_INVISIBLE = dict.fromkeys(
    code for first, last in _DEFAULT_IGNORABLE for code in range(first, last + 1)
)

# The same characters as one class: a search runs in C at a few ns a character, where a
# ``translate`` of a chunk with any non-ASCII letter looks each character up in the table.
_INVISIBLE_FOUND = re.compile(
    "[" + "".join(f"\\U{first:08x}-\\U{last:08x}" for first, last in _DEFAULT_IGNORABLE) + "]"
)

# Explicit directional formatting (UAX #9): LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI.
_LRE, _RLE, _PDF, _LRO, _RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
_LRI, _RLI, _FSI, _PDI = "\u2066", "\u2067", "\u2068", "\u2069"
_OPENERS = frozenset((_LRE, _RLE, _LRO, _RLO, _LRI, _RLI, _FSI))
_OVERRIDES = re.compile("[\u202d\u202e]")
# Paragraph separators end every embedding (rule X8); segment separators (tabs) are laid out at
# the paragraph's level (L1), outside any override.
_PARAGRAPH_ENDS = frozenset("\n\r\x1c\x1d\x1e\x85\u2029")
_SEGMENT_ENDS = frozenset("\t\x0b\x1f")
_MAX_DEPTH = 125  # UAX #9's max_depth


def displayed(text: str) -> str:
    """``text`` in the order a screen shows it where directional overrides force it: the
    characters of a right-to-left override (U+202E ... U+202C) are laid out right to left,
    so ``\u202e987654321A\u202c`` shows as ``A123456789``. Only overridden characters move
    (rules X1-X8 and L2 of UAX #9, for explicit overrides): ordinary Arabic or Hebrew text is
    stored in reading order and stays as it is. The explicit formatting characters are
    dropped."""
    if _OVERRIDES.search(text) is None:
        return text
    out: list[str] = []
    run: list[tuple[int, str]] = []  # overridden characters and their levels
    stack: list[tuple[int, bool, bool]] = []  # (level, overriding, isolate)

    def level() -> int:
        return stack[-1][0] if stack else 0

    def end_run() -> None:
        if run:
            out.extend(_reordered(run))
            run.clear()

    for ch in text:
        if ch in _PARAGRAPH_ENDS:
            end_run()
            stack.clear()
            out.append(ch)
        elif ch in _OPENERS:
            odd = ch in (_RLE, _RLO, _RLI)
            new = level() + 1
            new += (new % 2 == 1) != odd
            if new <= _MAX_DEPTH:
                stack.append((new, ch in (_LRO, _RLO), ch in (_LRI, _RLI, _FSI)))
        elif ch == _PDF:
            if stack and not stack[-1][2]:
                stack.pop()
        elif ch == _PDI:
            while stack and not stack[-1][2]:
                stack.pop()
            if stack:
                stack.pop()
        elif stack and stack[-1][1] and ch not in _SEGMENT_ENDS:
            run.append((stack[-1][0], ch))
        else:
            end_run()
            out.append(ch)
    end_run()
    return "".join(out)


def _reordered(run: list[tuple[int, str]]) -> list[str]:
    """Rule L2 over one run of overridden characters: from the highest level down to the
    lowest odd one, every stretch at that level or higher is reversed."""
    levels = [lvl for lvl, _ in run]
    chars = [ch for _, ch in run]
    lowest_odd = min(levels) | 1
    for floor in range(max(levels), lowest_odd - 1, -1):
        i = 0
        while i < len(chars):
            if levels[i] < floor:
                i += 1
                continue
            j = i
            while j < len(chars) and levels[j] >= floor:
                j += 1
            chars[i:j] = chars[i:j][::-1]
            levels[i:j] = levels[i:j][::-1]
            i = j
    return chars


def visible(text: str) -> str:
    """``text`` as a reader sees it: invisible characters dropped, and spaces too narrow to
    see inside a number (``_NARROW_INSIDE``), compatibility forms
    (full-width letters and digits, ligatures) folded to the plain ones (NFKC), and a line
    that directional overrides reorder shown as the screen shows it, followed (on a line of
    its own) by the order it is stored in, which is what a program copying it gets."""
    if text.isascii():
        return text
    if _OVERRIDES.search(text) is not None:
        text = _both_orders(text)
    if _INVISIBLE_FOUND.search(text) is not None:
        text = text.translate(_INVISIBLE)
    if "\u2006" in text or "\u2009" in text or "\u200a" in text or "\u202f" in text:
        # Four ``in`` tests: none runs on Latin-1 text (CPython knows its widest character),
        # each is a fast scan on the rest; a class search costs a quarter of NFKC's time.
        text = _NARROW_INSIDE.sub("", text)
    return unicodedata.normalize("NFKC", text)


# Spaces narrower than a reader notices inside a token (a hair space is a pixel or two wide;
# six-per-em, thin and narrow no-break spaces a sixth or a fifth of an em): between digits, or
# a letter and a digit, "A212\u200a345678" is read as one number, not two, and NFKC would turn
# them into spaces that split it. Between two letters only a hair space goes: a thin space
# there may part two words, as a typesetter's word space.
_NARROW = "\u2006\u2009\u200a\u202f"
_NARROW_INSIDE = re.compile(
    rf"(?<=\d)[{_NARROW}]+(?=[^\W_])|(?<=[^\W_])[{_NARROW}]+(?=\d)"
    rf"|(?<=[^\W\d_])\u200a+(?=[^\W\d_])"
)


def _both_orders(text: str) -> str:
    """Each line of ``text`` that overrides reorder, as shown, then as stored."""
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        shown = displayed(body)
        stored = body.translate(_INVISIBLE)
        if shown.translate(_INVISIBLE) == stored:
            out.append(line)
            continue
        # The stored copy without double quotes: a delimited file's quoting stays as it was.
        out.append(shown + "\n" + stored.replace('"', "") + line[len(body) :])
    return "".join(out)


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
