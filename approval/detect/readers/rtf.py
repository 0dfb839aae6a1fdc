"""Rich Text Format (.rtf, and Word's "save as RTF" under any name): text and tables, as Word
shows them.

The bytes decide: a source is RTF when it starts with ``{\\rtf``. The file is tokenised
(groups, control words, control symbols, text); control words are dropped, and text is decoded
as Word decodes it: ``\\uN`` (a signed 16-bit code unit, surrogate pairs joined) skipping the
``\\ucN`` fallback characters that follow it, ``\\'hh`` and 8-bit text in the code page of the
current font's ``\\fcharset`` (or ``\\cpg``), else the document's ``\\ansicpg``; ``\\upr``'s
ANSI half yields to its ``\\ud`` Unicode half. Text continues across group boundaries, so a
value split by formatting or revision-session groups (``}{\\insrsid7220 ``) reads whole.

- Paragraphs (``\\par``, ``\\sect``, ``\\page``; ``\\line`` breaks a line) are lines of
  ``Text``, separated by blank lines; a drop cap's paragraph (``\\dropcapli``,
  ``\\dropcapt``) starts the next one's line, as Word shows it. Cells (``\\cell``,
  ``\\nestcell``) and rows (``\\row``, ``\\nestrow``) make ``Table`` units; a paragraph
  outside a table (no ``\\intbl``) ends one.
- Tracked revisions: the text is read as the final version Word shows (insertions,
  ``\\revised``, kept; deletions, ``\\deleted``, left out); a paragraph whose original version
  differs is also read as that (part "revisions", hidden), so deleted text is read too.
- Hidden text (``\\v``), text under a point high (``\\fs0``-``\\fs2``) and white space
  condensed to nothing (``\\expndtw-40``, ``\\charscalex10``) are left out of the line as Word
  shows it, the rest joined, and read in the paragraph's other version
  (part "revisions"); footnotes and annotations are read as hidden text, not in the line
  they are anchored in.
- Groups Word does not show are read as hidden text (part "hidden text"): the font table
  (also read for its code pages), colour table, stylesheet, revision and list tables, and
  the rest of ``_SKIP``, document properties (``\\info``), field instructions, the ANSI half
  of ``\\upr``, every other ignorable destination (``{\\*\\...}``), a picture's properties
  and any text among a picture's or object's hex digits.
- Binary destinations: a picture (``\\pict``, hex or ``\\bin``) that is a picture throughout
  (``_members``' magic and end checks; a metafile's own length) is an unread part that does
  not block, as pictures in packages are, and the text it carries is read; anything else is
  read as a file of its own. A theme or colour-scheme part is decoded and read as a file of
  its own; so is Word's data store, unless it is the empty compound file Word writes (then
  its printable strings are read). An embedded object's data (``\\objdata``, an OLE object)
  is an unread part that blocks (fail closed: its content is not read), and ``\\bin`` data
  anywhere but in a picture likewise. The object's result (what Word shows) is read.
- RTF is listed in ``readers.STRUCTURED``, so no rule checks its bytes after it: the reader
  accounts for all of them. Text holding control bytes (C0 but tab and line ends, written
  raw, as ``\\'hh`` or ``\\uN``) is binary data: an unread part that blocks. Bytes after
  the document's last brace, but white space, are read as a file of their own.

Unbalanced groups are ``Unscannable("corrupt: ...")``.
Coverage: ``body`` parsed, plus one part per picture, object, file of its own and binary part.
"""

from __future__ import annotations

import codecs
import copy
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from approval.detect.readers._members import (
    MAX_IMAGE,
    OLE_MAGIC,
    PICTURE_REASON,
    ends_as_image,
    image_text,
    is_image,
    strings,
)
from approval.detect.readers._xmlwalk import NOISE, TEXT_SLICE
from approval.detect.units import (
    AS_TEXT,
    PARSED,
    UNREAD,
    Bound,
    Cell,
    Limits,
    Nested,
    Part,
    Probe,
    Source,
    Table,
    Text,
    Unit,
    Unscannable,
    Where,
)

MAX_BYTES = 512 * 1024**2  # an RTF this large is read whole; a larger one is refused
_MAX_DEPTH = 10_000
_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?"  # control word, its parameter, its delimiter
    rb"|\\'([0-9a-fA-F]{2})"  # a byte in the code page
    rb"|\\(.)"  # control symbol
    rb"|([{}])"
    rb"|([^\\{}\r\n]+)"  # text
    rb"|[\r\n]+",  # line ends are not text in RTF
    re.S,
)
# Groups with no content a person reads (their text is names of fonts, styles, reviewers...).
_SKIP = frozenset(
    {
        "colortbl",
        "stylesheet",
        "revtbl",
        "rsidtbl",
        "listtable",
        "listoverridetable",
        "latentstyles",
        "generator",
        "xmlnstbl",
        "pgdsctbl",
        "filetbl",
        "defchp",
        "defpap",
        "mmathPr",
        "panose",
        "falt",
        "fname",
        "wgrffmtfilter",
        "sn",
        "blipuid",
        "listpicture",
        "fontemb",
        "fontfile",
        "bkmkend",
        "ftnsep",
        "ftnsepc",
        "aftnsep",
        "aftnsepc",
        "ftncn",
        "aftncn",
        "passwordhash",
        "protusertbl",
        "docvar",
        "template",
    }
)
_PICTURES = frozenset({"pict", "nonshppict"})
_LEVELS = frozenset({"leveltext", "levelnumbers"})
_LEVEL_BYTES = 10  # a length and nine placeholders, or nine offsets
_HEX = frozenset({"picture", "object", "nested", "strings"})  # destinations of hex data
_TEXTS = frozenset({"hidden", "skip", "fonts"})  # destinations whose text is hidden text
# C0 controls but tab and line ends: RTF text never holds them, binary data does.
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_PADDING = b" \t\r\n\f\v\x00"  # what may follow the document's last brace
_DIB_HEADERS = frozenset({12, 40, 52, 56, 64, 108, 124})  # BITMAPINFOHEADER and its versions
_EMPTY_COMPOUND = 3 * 512  # header, FAT and directory sectors: no room for a stream's data
_NESTED = frozenset({"themedata", "colorschememapping"})
_CHARS = {
    "tab": "\t", "emdash": "\u2014", "endash": "\u2013", "bullet": "\u2022",
    "lquote": "\u2018", "rquote": "\u2019", "ldblquote": "\u201c", "rdblquote": "\u201d",
    "emspace": " ", "enspace": " ", "qmspace": " ", "line": "\n", "softline": "\n",
    "zwj": "", "zwnj": "", "ltrmark": "", "rtlmark": "", "chpgn": "", "sectnum": "",
}  # fmt: skip
_SYMBOLS = {"~": "\u00a0", "-": "", "_": "-", "\\": "\\", "{": "{", "}": "}", ":": ":"}
_CHARSETS = {
    0: "cp1252", 2: "cp1252", 77: "mac_roman", 128: "cp932", 129: "cp949", 130: "johab",
    134: "gbk", 136: "big5", 161: "cp1253", 162: "cp1254", 163: "cp1258", 177: "cp1255",
    178: "cp1256", 186: "cp1257", 204: "cp1251", 222: "cp874", 238: "cp1250", 254: "cp437",
    255: "cp850",
}  # fmt: skip


class RtfReader:
    name = "rtf"

    def accepts(self, probe: Probe) -> bool:
        return probe.head.lstrip(b" \t\r\n").startswith(b"{\\rtf")

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        if source.size > MAX_BYTES:
            raise Unscannable(f"too large: an RTF file over {MAX_BYTES >> 20} MiB")
        with source.open() as stream:
            data = stream.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise Unscannable(f"too large: an RTF file over {MAX_BYTES >> 20} MiB")
        yield from _Parser(source, limits).parse(data)
        yield Part("body", "rtf", len(data), PARSED)


READER = RtfReader()


@dataclass
class _State:
    """What a group sets and its subgroups inherit."""

    dest: str = "body"  # body, hidden, skip, fonts, picture, object, nested, strings, upr
    uc: int = 1
    font: int | None = None
    deleted: bool = False
    revised: bool = False
    # Text Word does not show on the line: hidden (``\v``), or under a point high (``\fs0``
    # to ``\fs2``, in half-points). Left out of the line, as deletions are; read in the
    # paragraph's other version (part "revisions").
    invisible: bool = False
    tiny: bool = False
    # Condensed by 2 points or more (``\expndtw``, ``\expnd``), or scaled under a fifth of its
    # width (``\charscalex``): white space drawn as nothing, left out of the line.
    squeezed: bool = False
    intbl: bool = False
    # A drop cap (``\dropcapliN``, ``\dropcaptN``): Word shows the paragraph's letters, in a
    # frame, as the start of the next paragraph's first line; they are read there.
    drop_cap: bool = False
    sink: list[bytes | str] | None = None  # the destination's text, where it is not the body
    raw: list[bytes] | None = None  # a picture's \\bin data
    fresh: bool = True  # no control word yet in this group: the next one may name a destination
    ignorable: bool = False  # \* seen
    name: str = ""  # the destination's control word
    # Inside a list level's \leveltext or \levelnumbers: their \'hh bytes are a length and
    # placeholders (\'01, \'00), not binary data, in every list Word writes: so many of them
    # (a level's label has at most nine placeholders) are not counted as binary data.
    levels: int = 0


@dataclass
class _Paragraph:
    final: list[str] = field(default_factory=list)
    original: list[str] = field(default_factory=list)


class _Parser:
    def __init__(self, source: Source, limits: Limits):
        self.source = source
        self.limits = limits
        self.out: list[Unit] = []
        self.ansi = "cp1252"
        self.default_font: int | None = None
        self.fonts: dict[int, str] = {}
        self.font: int | None = None  # the font being declared in the font table
        self.paragraph = _Paragraph()
        self.pending = bytearray()  # bytes awaiting decoding in ``pending_codec``
        self.pending_codec = "cp1252"
        # (deleted, revised, squeezed) of the bytes
        self.pending_to: tuple[bool, bool, bool] = (False, False, False)
        self.high: int | None = None  # a high surrogate waiting for its pair
        self.lines: list[str] = []
        self.revisions: list[str] = []
        self.hidden: list[str] = []
        self.cells: list[Cell] = []
        self.cell: list[str] = []
        self.rows: list[list[Cell]] = []
        self.pictures = 0
        self.objects = 0
        self.size = 0
        self.controls = 0  # bytes of text tokens that hold control bytes (binary data)

    # -----------------------------------------------------------------------------------------

    def parse(self, data: bytes) -> Iterator[Unit]:
        state = _State()
        stack: list[_State] = []
        skip = 0  # fallback characters still to skip after \uN
        pos = 0
        match = _TOKEN.match
        while pos < len(data):
            token = match(data, pos)
            if token is None:  # a lone backslash at the very end
                break
            pos = token.end()
            word, param, hexa, symbol, brace, text = token.groups()
            if brace is not None:
                self._flush()
                skip = 0
                if brace == b"{":
                    if len(stack) >= _MAX_DEPTH:
                        raise Unscannable(f"corrupt: RTF groups nest deeper than {_MAX_DEPTH}")
                    stack.append(state)
                    parent, state = state, copy.copy(state)
                    state.fresh, state.ignorable, state.levels = True, False, 0
                    if parent.dest in _HEX:
                        # A group inside binary data (a picture's properties, its uid) is not
                        # the data: its text is hidden text, and never mixed into the data.
                        state.dest, state.sink, state.raw, state.name = "hidden", [], None, ""
                else:
                    if not stack:
                        raise Unscannable("corrupt: RTF closes a group it never opened")
                    closed, state = state, stack.pop()
                    if closed.sink is not None and closed.sink is not state.sink:
                        self._close(closed)
                    elif closed.sink is not None and closed.dest in _TEXTS:
                        closed.sink.append("\n")  # a property, a style, a font: a line each
                    if not stack:  # the end of the document: Word reads nothing after it
                        yield from self._after(data, pos)
                        pos = len(data)
                if self.out:
                    yield from self.out
                    self.out.clear()
                continue
            if text is not None:
                if _CONTROL.search(text):
                    self.controls += len(text)
                if skip:
                    cut = min(skip, len(text))
                    skip -= cut
                    text = text[cut:]
                if text:
                    self._bytes(state, text)
                state.fresh = False
                continue
            if hexa is not None:
                byte = bytes.fromhex(hexa.decode("ascii"))
                if _CONTROL.match(byte):
                    if state.levels:
                        state.levels -= 1  # a list level's length or placeholder
                    else:
                        self.controls += 1  # binary data spelled \\'hh by \\'hh
                if skip:
                    skip -= 1
                else:
                    self._bytes(state, byte)
                state.fresh = False
                continue
            if symbol is not None:
                if skip:
                    skip -= 1
                    continue
                sym = symbol.decode("latin-1")
                if sym == "*":
                    state.ignorable = True
                    continue
                state.fresh = False
                if sym in ("\n", "\r"):
                    self._par(state)
                elif sym in _SYMBOLS:
                    self._char(state, _SYMBOLS[sym])
                continue
            if word is None:  # line ends
                continue
            name = word.decode("ascii")
            number = int(param) if param is not None else None
            if name == "bin":
                length = max(number or 0, 0)
                chunk = data[token.end() : token.end() + length]
                if state.dest == "picture" and state.raw is not None:
                    state.raw.append(chunk)  # read when the picture closes, checked as one
                else:
                    self.objects += 1
                    self.out.append(
                        Part(
                            f"binary data {self.objects}",
                            "binary",
                            len(chunk),
                            UNREAD,
                            "binary data in the text is not read",
                        )
                    )
                pos = token.end() + length
                continue
            if skip:
                skip -= 1
                continue
            if state.fresh:
                state.fresh = False
                if name in _LEVELS:
                    state.levels = _LEVEL_BYTES
                if self._destination(state, name):
                    continue
            if (
                name == "u"
                and number is not None
                and 0 <= number < 32
                and number not in (9, 10, 13)
            ):
                self.controls += 1
            skip = self._word(state, name, number)
        self._flush()
        if stack:
            raise Unscannable("corrupt: RTF groups are not closed")
        if state.intbl and (self.paragraph.final or self.cell):  # a row left open
            self._cell(state)
        if self.paragraph.final or self.paragraph.original:
            self._end_table()
            self._end_paragraph(state)
        self._end_table()
        self._emit_lines()
        if self.revisions:
            self.out.append(Text(Where(part="revisions", hidden=True), list(self.revisions)))
        if self.hidden:
            self.out.append(Text(Where(part="hidden text", hidden=True), list(self.hidden)))
        if self.controls:
            self.out.append(
                Part(
                    "binary data in the text",
                    "binary",
                    self.controls,
                    UNREAD,
                    "control bytes in the text: binary data, which is not read",
                )
            )
        yield from self.out
        self.out.clear()

    def _after(self, data: bytes, start: int) -> Iterator[Unit]:
        """Bytes after the document's last brace, which Word ignores: anything but white space
        (a zlib stream, a second document) is read as a file of its own."""
        rest = data[start:]
        if rest.strip(_PADDING):
            name = f"bytes {start}-{len(data)} after the document"
            yield from self._nested(name, "trailer", rest)

    def _nested(self, name: str, kind: str, data: bytes) -> Iterator[Unit]:
        yield Part(name, kind, len(data), PARSED, "read as a file of its own")
        yield Nested(
            Source(
                name=name,
                open=lambda: io.BytesIO(data),
                size=len(data),
                depth=self.source.depth + 1,
                part=f"{self.source.part}/{name}" if self.source.part else name,
                context=self.source.context,
            ),
            Where(part=name),
        )

    # destinations

    def _destination(self, state: _State, name: str) -> bool:
        """Whether ``name``, first in its group, named a destination (and was handled)."""
        self._flush()
        if name == "fonttbl":
            state.dest, state.sink = "fonts", []
        elif name in _SKIP:
            state.dest, state.sink = "skip", []
        elif name in _PICTURES:
            state.dest, state.sink, state.raw = "picture", [], []
        elif name == "objdata":
            state.dest, state.sink = "object", []
        elif name in _NESTED:
            state.dest, state.sink, state.name = "nested", [], name
        elif name == "datastore":
            state.dest, state.sink = "strings", []
        elif name == "upr":
            state.dest, state.sink = "skip", []  # its \ud half is read
        elif name == "ud":
            state.dest, state.sink = "body", None
        elif name in ("footnote", "annotation", "atnid", "atnauthor"):
            # Shown at the foot of the page or in the margin, not where it is anchored.
            state.dest, state.sink = "hidden", []
        elif name == "info" or (state.ignorable and state.dest in ("body", "upr")):
            state.dest, state.sink = "hidden", []
        else:
            return False
        state.name = name
        return True

    def _close(self, closed: _State) -> None:
        """The end of a group that was a destination of its own."""
        sink = closed.sink or []
        if closed.dest in _TEXTS:
            self._hidden("".join(_text(x) for x in sink))
            return
        data, stray = _unhex(sink)
        self._hidden(stray)  # text among the hex digits is not data: it is read as text
        if closed.dest == "picture":
            data += b"".join(closed.raw or [])
            self.pictures += 1
            name = f"picture {self.pictures}"
            if not data or _is_picture(data):
                self.out.append(Part(name, "image", len(data), UNREAD, PICTURE_REASON, False))
                self.hidden.extend(image_text(data))
            else:  # not the picture it says it is (a gzip stream, a PNG with bytes after it)
                self.out.extend(self._nested(name, "embedded", data))
        elif closed.dest == "object":
            self.objects += 1
            self.out.append(
                Part(
                    f"object {self.objects}",
                    "embedded",
                    len(data),
                    UNREAD,
                    "embedded object: its data is not read",
                )
            )
        elif closed.dest == "strings" and _empty_store(data):
            # Word's data store: an OLE1 header and an empty compound file, which has no
            # room for a stream; its names (and any other printable run) are read.
            self.out.append(Part(closed.name, "data store", len(data), AS_TEXT))
            found = strings(data)
            if found:
                self.out.append(Text(Where(part=closed.name, hidden=True), found))
        else:  # a theme, a colour mapping, a data store that holds something: a file
            self.out.extend(self._nested(closed.name, "embedded", data))

    def _hidden(self, text: str) -> None:
        for line in text.split("\n"):
            line = " ".join(line.split())
            if line and not NOISE.fullmatch(line):
                self.hidden.append(line)

    # control words

    def _word(self, state: _State, name: str, number: int | None) -> int:
        """Apply a control word; the number of fallback characters to skip after it."""
        if name == "u" and number is not None:
            self._unicode(state, number)
            return state.uc
        if name in _CHARS:
            self._char(state, _CHARS[name])
        elif name in ("par", "sect", "page"):
            self._par(state)
        elif name in ("cell", "nestcell"):
            self._cell(state)
        elif name in ("row", "nestrow"):
            self._row(state)
        elif name == "uc" and number is not None:
            state.uc = max(number, 0)
        elif name == "intbl":
            state.intbl = True
        elif name == "pard":
            self._flush()
            state.intbl = state.drop_cap = False
        elif name in ("dropcapli", "dropcapt"):
            state.drop_cap = number is not None and number > 0
        elif name == "f" and number is not None:
            self._flush()
            if state.dest == "fonts":
                self.font = number
            else:
                state.font = number
        elif name == "fcharset" and number is not None and state.dest == "fonts":
            if self.font is not None and number in _CHARSETS:
                self.fonts.setdefault(self.font, _CHARSETS[number])
        elif name == "cpg" and number is not None and state.dest == "fonts":
            if self.font is not None and _known(f"cp{number}"):
                self.fonts[self.font] = f"cp{number}"
        elif name == "ansicpg" and number is not None and _known(f"cp{number}"):
            self.ansi = f"cp{number}"
        elif name in ("mac", "pc", "pca"):
            self.ansi = {"mac": "mac_roman", "pc": "cp437", "pca": "cp850"}[name]
        elif name == "deff" and number is not None:
            self.default_font = number
        elif name == "plain":
            self._flush()
            state.font = None
            state.deleted = state.revised = state.invisible = state.tiny = False
            state.squeezed = False
        elif name == "v":
            self._flush()
            state.invisible = number != 0
        elif name == "fs":
            self._flush()
            state.tiny = number is not None and number <= 2
        elif name in ("expndtw", "expnd"):  # twentieths of a point, quarter points
            self._flush()
            unit = 5 if name == "expnd" else 1
            state.squeezed = number is not None and number * unit <= -40
        elif name == "charscalex":  # percent of the width
            self._flush()
            state.squeezed = number is not None and 0 < number < 20
        elif name == "deleted":
            self._flush()
            state.deleted = number != 0
        elif name == "revised":
            self._flush()
            state.revised = number != 0
        return 0

    # text

    def _codec(self, state: _State) -> str:
        font = state.font if state.font is not None else self.default_font
        return self.fonts.get(font, self.ansi) if font is not None else self.ansi

    def _bytes(self, state: _State, data: bytes) -> None:
        if state.sink is not None:
            if state.dest in _HEX:
                state.sink.append(data)
            else:
                state.sink.append(data.decode(self._codec(state), "replace"))
            return
        codec = self._codec(state)
        to = (state.deleted or state.invisible or state.tiny, state.revised, state.squeezed)
        if self.pending and (codec != self.pending_codec or to != self.pending_to):
            self._flush()
        self.pending_codec, self.pending_to = codec, to
        self.pending += data

    def _flush(self) -> None:
        if self.pending:
            text = bytes(self.pending).decode(self.pending_codec, "replace")
            self.pending.clear()
            deleted, revised, squeezed = self.pending_to
            self._put(text, deleted or (squeezed and not text.strip()), revised)

    def _unicode(self, state: _State, number: int) -> None:
        code = number + 65536 if number < 0 else number
        if 0xD800 <= code < 0xDC00:
            self.high = code
            return
        if 0xDC00 <= code < 0xE000 and self.high is not None:
            code = 0x10000 + ((self.high - 0xD800) << 10) + (code - 0xDC00)
        self.high = None
        # A lone surrogate, or past the last code point (\u99999999999): no character.
        real = code < 0xD800 or 0xE000 <= code <= 0x10FFFF
        self._char(state, chr(code) if real else "\ufffd")

    def _char(self, state: _State, text: str) -> None:
        self._flush()
        if state.sink is not None:
            if state.dest in _TEXTS:
                state.sink.append(text)
            return
        unshown = state.deleted or state.invisible or state.tiny
        self._put(text, unshown or (state.squeezed and not text.strip()), state.revised)

    def _put(self, text: str, deleted: bool, revised: bool) -> None:
        self.size += len(text)
        if self.size > self.limits.max_string_chars:
            raise Bound(
                f"a value longer than {self.limits.max_string_chars} characters", "max_string_chars"
            )
        if not deleted:
            self.paragraph.final.append(text)
        if not revised:
            self.paragraph.original.append(text)

    # structure

    def _take(self) -> tuple[str, str]:
        final = "".join(self.paragraph.final)
        original = "".join(self.paragraph.original)
        self.paragraph = _Paragraph()
        self.size = 0
        return final, original

    def _revision(self, final: str, original: str) -> None:
        if " ".join(original.split()) != " ".join(final.split()) and original.strip():
            self.revisions.append(" ".join(original.split()))

    def _par(self, state: _State) -> None:
        self._flush()
        if state.sink is not None:
            if state.dest in _TEXTS:
                state.sink.append(" ")
            return
        if state.drop_cap:  # the paragraph runs on into the next one
            return
        if state.intbl:
            final, original = self._take()
            self.cell.append(final)
            self._revision(final, original)
            return
        self._end_table()
        self._end_paragraph(state)

    def _end_paragraph(self, state: _State) -> None:
        final, original = self._take()
        self._revision(final, original)
        for line in final.split("\n"):
            self.lines.append(" ".join(line.split()))
        self.lines.append("")
        if len(self.lines) >= TEXT_SLICE:
            self._emit_lines()

    def _cell(self, state: _State) -> None:
        self._flush()
        if state.sink is not None:
            return
        final, original = self._take()
        self._revision(final, original)
        self.cell.append(final)
        text = " ".join(" ".join(self.cell).split())
        self.cells.append(text or None)
        self.cell = []

    def _row(self, state: _State) -> None:
        self._flush()
        if state.sink is not None:
            return
        if self.cell or self.paragraph.final:  # text after the last \cell of the row
            self._cell(state)
        self._emit_lines()
        row = self.cells
        while row and row[-1] is None:
            row.pop()
        self.rows.append(row)
        self.cells = []

    def _end_table(self) -> None:
        if self.cells:
            self.rows.append(self.cells)
            self.cells = []
        if any(self.rows):
            self._emit_lines()
            self.out.append(Table(Where(), self.rows))
        self.rows = []

    def _emit_lines(self) -> None:
        lines = [x for i, x in enumerate(self.lines) if x or (i and self.lines[i - 1])]
        self.lines = []
        if any(lines):
            self.out.append(Text(Where(), lines))


def _text(item: bytes | str) -> str:
    return item if isinstance(item, str) else item.decode("latin-1")


def _unhex(sink: list[bytes | str]) -> tuple[bytes, str]:
    """The data a destination's hex digits spell, and its text when it holds anything but hex
    digits and white space (then all of it, as it was written: the digits may be words)."""
    raw = b"".join(x if isinstance(x, bytes) else x.encode("latin-1", "replace") for x in sink)
    digits = re.sub(rb"[^0-9a-fA-F]", b"", raw)
    stray = raw.decode("latin-1") if re.search(rb"[^0-9a-fA-F \t\r\n]", raw) else ""
    return bytes.fromhex(digits[: len(digits) // 2 * 2].decode("ascii")), stray


def _is_picture(data: bytes) -> bool:
    """A picture whose bytes are all the picture's (``_members``' checks, and for the formats
    that say how long they are, nothing but zeros after that length)."""
    head = data[:64]
    if len(data) > MAX_IMAGE or not (is_image(head) or _is_dib(head)) or not ends_as_image(data):
        return False
    if head[:2] in (b"\x01\x00", b"\x02\x00") and head[2:4] == b"\x09\x00":  # WMF: words
        return not data[int.from_bytes(head[6:10], "little") * 2 :].strip(b"\x00")
    if head[40:44] == b" EMF":
        return not data[int.from_bytes(head[48:52], "little") :].strip(b"\x00")
    return True


def _is_dib(head: bytes) -> bool:
    """A device-independent bitmap (``\\dibitmap``): a BITMAPINFOHEADER, one plane."""
    return (
        len(head) >= 16
        and int.from_bytes(head[:4], "little") in _DIB_HEADERS
        and head[12:14] == b"\x01\x00"
        and head[14] in (1, 4, 8, 16, 24, 32)
    )


def _empty_store(data: bytes) -> bool:
    """Word's data store: an OLE1 object header (version, format, then class, topic and item
    names, each length-prefixed), then the object's data, an OLE2 compound file too small to
    hold any stream (a header, one FAT sector and one directory sector), ending the data."""
    at = 8
    if not data.startswith(b"\x01\x05\x00\x00\x02\x00\x00\x00"):
        return False
    for _ in range(3):  # class, topic, item
        if at + 4 > len(data):
            return False
        at += 4 + int.from_bytes(data[at : at + 4], "little")
    size = int.from_bytes(data[at : at + 4], "little")
    native = data[at + 4 :]
    return (
        size == len(native)
        and size <= _EMPTY_COMPOUND
        and native.startswith(OLE_MAGIC)
        and native[30:32] == b"\x09\x00"  # 512-byte sectors
    )


def _known(codec: str) -> bool:
    try:
        codecs.lookup(codec)
    except LookupError:
        return False
    return True
