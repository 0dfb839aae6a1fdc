"""The text a Windows metafile draws, as a person sees it: EMF (MS-EMF), its EMF+ records
(MS-EMFPLUS, carried in EMR_COMMENT) and WMF (MS-WMF, placeable or not).

A metafile is a list of drawing records; the text records draw strings at reference points. A
writer may draw a word or a glyph per record, in any order, in UTF-16 that ``strings`` cuts,
so the strings are taken from the records and laid out where they land: the mapping (window
and viewport origins and extents, map mode, world transform, saved and restored states), the
text alignment and the current position are followed, pieces on one baseline are joined left to
right, and a gap wider than a space becomes one. Text drawn by glyph index (``ETO_GLYPH_INDEX``,
an EMF+ driver string without its character lookup) is shown and read by no one: the picture is
unscannable, as are records that run past their end, a metafile with no end record, and nesting,
record counts or bytes walked beyond the caps (metafiles embedded in comments are read too; one
embedded again and again, each format of a comment pointing at the same bytes, is walked no
more than the nesting allows a picture's own bytes to be).
"""

from __future__ import annotations

import heapq
import math
import struct
from dataclasses import dataclass, field, replace

from approval.detect.units import Unscannable

MAX_RECORDS = 1 << 22
MAX_NESTING = 4
MAX_PIECES = 1 << 20
GLYPHS_REASON = "unread: a picture (metafile) draws text by glyph index, which no one reads"

_ETO_OPAQUE, _ETO_CLIPPED, _ETO_GLYPH_INDEX = 0x2, 0x4, 0x10
_ETO_NO_RECT, _ETO_SMALL_CHARS = 0x100, 0x200
_TA_UPDATECP, _TA_HORIZONTAL, _TA_RIGHT, _TA_CENTER = 1, 6, 2, 6
_TA_VERTICAL, _TA_BOTTOM, _TA_BASELINE = 24, 8, 24
_PIXEL_MM = 25.4 / 96
# Logical units of the fixed map modes, in pixels (their y axis points up).
_FIXED = {2: 0.1, 3: 0.01, 4: 0.254, 5: 0.0254, 6: 25.4 / 1440}
# A font's character set (LOGFONT lfCharSet) and the code page its 8-bit strings are in.
_CODEPAGES = {
    77: "mac_roman", 128: "cp932", 129: "cp949", 130: "johab", 134: "gbk", 136: "cp950",
    161: "cp1253", 162: "cp1254", 163: "cp1258", 177: "cp1255", 178: "cp1256", 186: "cp1257",
    204: "cp1251", 222: "cp874", 238: "cp1250", 255: "cp437",
}  # fmt: skip

_I2 = struct.Struct("<2i")
_U2 = struct.Struct("<2I")
_F6 = struct.Struct("<6f")
_H3 = struct.Struct("<IH")


@dataclass(frozen=True)
class _Piece:
    x: float  # left end, baseline, in the layout's units
    y: float
    width: float
    em: float
    text: str
    turn: int  # the baseline's angle, counterclockwise, in degrees


@dataclass
class _State:
    """A device context's mapping, alignment and font: what SaveDC saves."""

    world: tuple[float, ...] = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    mode: int = 1
    window: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)  # origin, extent
    viewport: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)
    align: int = 0
    height: float = 16.0
    width: float = 0.0
    charset: int = 0
    escapement: float = 0.0  # tenths of a degree, counterclockwise
    mirrored: bool = False

    def scale(self) -> tuple[float, float]:
        if self.mode in _FIXED:
            unit = _FIXED[self.mode] / _PIXEL_MM
            return unit, -unit
        if self.mode in (7, 8):
            return (
                _ratio(self.viewport[2], self.window[2]),
                _ratio(self.viewport[3], self.window[3]),
            )
        return 1.0, 1.0

    def select(self, font: tuple[float, float, int, float]) -> None:
        """A font chosen: its height, average width, character set and escapement."""
        self.height, self.width, self.charset, self.escapement = font

    def frame(self, viewport: bool, origin: bool, first: float, second: float) -> None:
        """The window's or the viewport's origin or extent set."""
        old = self.viewport if viewport else self.window
        new = (first, second, old[2], old[3]) if origin else (old[0], old[1], first, second)
        if viewport:
            self.viewport = new
        else:
            self.window = new

    def scale_extent(self, viewport: bool, xn: int, xd: int, yn: int, yd: int) -> None:
        """The window's or the viewport's extent scaled by xn/xd and yn/yd."""
        old = self.viewport if viewport else self.window
        self.frame(viewport, False, old[2] * _ratio(xn, xd), old[3] * _ratio(yn, yd))

    def device(self, x: float, y: float) -> tuple[float, float]:
        m11, m12, m21, m22, dx, dy = self.world
        wx, wy = m11 * x + m21 * y + dx, m12 * x + m22 * y + dy
        sx, sy = self.scale()
        out = (wx - self.window[0]) * sx + self.viewport[0], (wy - self.window[1]) * sy
        if self.mirrored:
            return -out[0], out[1] + self.viewport[1]
        return out[0], out[1] + self.viewport[1]


def _ratio(num: float, den: float) -> float:
    return num / den if den and num else 1.0


@dataclass
class _Layout:
    """Pieces drawn in one coordinate space, laid out as lines."""

    drawn: list[int]  # the pieces drawn in all the picture's layouts, one count they share
    pieces: list[_Piece] = field(default_factory=list)

    def draw(self, state: _State, x: float, y: float, text: str, advance: float) -> None:
        """``text`` drawn at logical (x, y) under ``state``; ``advance`` its logical width
        (0: estimated from the font)."""
        if not text.strip():
            return
        self.drawn[0] += 1
        if self.drawn[0] > MAX_PIECES:
            raise Unscannable(f"too large: a picture draws more than {MAX_PIECES} strings")
        em = abs(state.height) or 16.0
        advance = _advance(state, text, advance)
        dx, dy = state.device(x, y)
        m11, m12, m21, m22 = state.world[:4]
        sx, sy = state.scale()
        unit_x, unit_y = math.hypot(m11 * sx, m12 * sy), math.hypot(m21 * sx, m22 * sy)
        width, em_dev = advance * unit_x, em * unit_y
        # Turned text (the font's escapement, a rotating transform) runs along its own
        # baseline: placed in a frame turned with it, in steps of 15 degrees.
        axis = math.degrees(math.atan2(-m12 * sy, m11 * sx)) if unit_x else 0.0
        turn = round((state.escapement / 10 + axis) / 15) * 15 % 360 if math.isfinite(axis) else 0
        cos, sin = math.cos(math.radians(turn)), math.sin(math.radians(turn))
        ox, oy = dx * cos - dy * sin, dx * sin + dy * cos
        horizontal = state.align & _TA_HORIZONTAL
        if horizontal == _TA_CENTER:
            ox -= width / 2
        elif horizontal == _TA_RIGHT:
            ox -= width
        vertical = state.align & _TA_VERTICAL
        if vertical == 0:  # top
            oy += 0.8 * em_dev
        elif vertical == _TA_BOTTOM:
            oy -= 0.2 * em_dev
        if math.isfinite(ox) and math.isfinite(oy) and math.isfinite(width + em_dev):
            self.pieces.append(_Piece(ox, oy, width, em_dev, text, turn))
        else:
            self.pieces.append(_Piece(0.0, 0.0, 0.0, 1.0, text, 0))

    def lines(self) -> list[str]:
        out: list[str] = []
        row: list[_Piece] = []
        for piece in sorted(self.pieces, key=lambda p: (p.turn, p.y, p.x)):
            if row and (
                piece.turn != row[0].turn or piece.y - row[0].y > 0.5 * max(piece.em, row[0].em)
            ):
                out.append(_joined(row))
                row = []
            row.append(piece)
        if row:
            out.append(_joined(row))
        return [line for line in out if line]


@dataclass
class _Plus:
    """The EMF+ records of one EMF: their own transform, fonts and coordinate space."""

    layout: _Layout
    state: _State = field(default_factory=_State)
    fonts: dict[int, float] = field(default_factory=dict)


def _joined(row: list[_Piece]) -> str:
    """Pieces on one baseline, left to right: touching pieces joined, a gap wider than a
    quarter of an em (a space) made one space; a piece drawn again over itself (a shadow, a
    bold made by drawing twice) taken once."""
    row.sort(key=lambda p: p.x)
    text, end, last = "", -math.inf, None
    for piece in row:
        if last and piece.text == last.text and abs(piece.x - last.x) < 0.15 * piece.em:
            continue
        if text and piece.x - end > 0.25 * max(piece.em, 1e-9):
            text += " "
        text += piece.text
        end = max(end, piece.x + piece.width)
        last = piece
    return " ".join(text.split())


def is_emf(data: bytes) -> bool:
    return data[:4] == b"\x01\x00\x00\x00" and data[40:44] == b" EMF"


def is_wmf(data: bytes) -> bool:
    return data[:4] == b"\xd7\xcd\xc6\x9a" or (
        data[:2] in (b"\x01\x00", b"\x02\x00") and data[2:4] == b"\x09\x00"
    )


def metafile_text(data: bytes) -> list[str]:
    """The lines an EMF or WMF draws (and an EMF's description). Raises ``Unscannable`` for
    text shown that no one reads and for a metafile that cannot be walked to its end."""
    walk = _Walk(len(data))
    if is_emf(data):
        walk.emf(data, 0)
    elif is_wmf(data):
        walk.wmf(data, 0)
    return walk.lines()


def _save(saved: list[_State], state: _State) -> None:
    """A SAVEDC: a copy of ``state`` kept, up to a cap."""
    if len(saved) < 1024:
        saved.append(replace(state))


def _restored(saved: list[_State], level: int, state: _State) -> _State:
    """The state a RESTOREDC brings back (``level`` below 0: that many saves back; above 0: the
    save of that number), the saves after it dropped; ``state`` when there is no such save."""
    keep = len(saved) + level if level < 0 else level - 1
    if 0 <= keep < len(saved):
        state = saved[keep]
        del saved[keep:]
    return state


def _truncated() -> Unscannable:
    return Unscannable("corrupt: a picture (metafile) is truncated or a record runs past its end")


class _Walk:
    def __init__(self, size: int) -> None:
        self.layouts: list[_Layout] = []
        self.drawn = [0]
        self.extra: list[str] = []
        self.records = 0
        # Metafiles nested in one another each lie within the one around them: walked once
        # each, their bytes come to at most this.
        self.budget = (MAX_NESTING + 1) * size

    def lines(self) -> list[str]:
        return self.extra + [line for layout in self.layouts for line in layout.lines()]

    def _layout(self) -> _Layout:
        """A coordinate space of its own, its pieces counted with the picture's."""
        layout = _Layout(self.drawn)
        self.layouts.append(layout)
        return layout

    def _count(self) -> None:
        self.records += 1
        if self.records > MAX_RECORDS:
            raise Unscannable(f"too large: a picture has more than {MAX_RECORDS} records")

    def _enter(self, data: bytes, depth: int) -> None:
        """A metafile about to be walked, ``depth`` deep: within the nesting and the bytes."""
        if depth > MAX_NESTING:
            raise Unscannable(f"too deeply nested: metafiles more than {MAX_NESTING} deep")
        self.budget -= len(data)
        if self.budget < 0:
            raise Unscannable("too large: a picture (metafile) embeds the same bytes over again")

    # EMF ----------------------------------------------------------------------------------

    def emf(self, data: bytes, depth: int) -> None:
        self._enter(data, depth)
        if len(data) < 88:
            raise _truncated()
        total = int.from_bytes(data[48:52], "little")
        if total > len(data) or total < 88:
            raise _truncated()
        layout, plus = self._layout(), _Plus(self._layout())
        state, saved = _State(), list[_State]()
        fonts: dict[int, tuple[float, float, int, float]] = {}
        cursor = (0.0, 0.0)
        at = 0
        while True:
            if at + 8 > total:
                raise _truncated()
            kind, size = _U2.unpack_from(data, at)
            if size < 8 or size % 4 or at + size > total:
                raise _truncated()
            self._count()
            record = data[at : at + size]
            at += size
            if kind == 14:  # EMR_EOF
                return
            if kind == 1 and size >= 88:  # header: the description
                count, offset = _U2.unpack_from(record, 60)
                if count and offset + 2 * count <= size:
                    raw = record[offset : offset + 2 * count]
                    self.extra.append(raw.decode("utf-16-le", "replace").replace("\x00", "\n"))
            elif kind in (83, 84) and size >= 60:  # EMR_EXTTEXTOUTA/W
                cursor = self._emrtext(record, 36, kind == 84, state, layout, cursor)
            elif kind in (96, 97) and size >= 40:  # EMR_POLYTEXTOUTA/W
                strings, at_text = int.from_bytes(record[36:40], "little"), 40
                for _ in range(strings):
                    cursor = self._emrtext(record, at_text, kind == 97, state, layout, cursor)
                    at_text += _emrtext_size(record, at_text)
            elif kind == 108 and size >= 36:  # EMR_SMALLTEXTOUT
                x, y = _I2.unpack_from(record, 8)
                chars, options = _U2.unpack_from(record, 16)
                start = 36 if options & _ETO_NO_RECT else 52
                wide = not options & _ETO_SMALL_CHARS
                raw = record[start : start + chars * (2 if wide else 1)]
                if len(raw) < chars * (2 if wide else 1):
                    raise _truncated()
                text = _string(raw, wide, options, state.charset)
                cursor = self._text(state, layout, cursor, x, y, text, 0.0)
            elif kind == 70 and size >= 12:  # EMR_COMMENT
                length = int.from_bytes(record[8:12], "little")
                if 12 + length > size:
                    raise _truncated()
                self._comment(record[12 : 12 + length], depth, plus)
            elif kind == 82 and size >= 40:  # EMR_EXTCREATEFONTINDIRECTW
                handle = int.from_bytes(record[8:12], "little")
                height, width = _I2.unpack_from(record, 12)
                turned = int.from_bytes(record[20:24], "little", signed=True)
                fonts[handle] = (float(height), float(width), record[35], float(turned))
            elif kind == 37 and size >= 12:  # EMR_SELECTOBJECT
                if chosen := fonts.get(int.from_bytes(record[8:12], "little")):
                    state.select(chosen)
            elif kind == 40 and size >= 12:  # EMR_DELETEOBJECT
                fonts.pop(int.from_bytes(record[8:12], "little"), None)
            elif kind == 27 and size >= 16:  # EMR_MOVETOEX
                x, y = _I2.unpack_from(record, 8)
                cursor = (float(x), float(y))
            elif kind == 33:  # EMR_SAVEDC
                _save(saved, state)
            elif kind == 34 and size >= 12:  # EMR_RESTOREDC
                state = _restored(saved, int.from_bytes(record[8:12], "little", signed=True), state)
            elif size >= 12:
                self._mapping(kind, record + bytes(4), state)

    def _mapping(self, kind: int, record: bytes, state: _State) -> None:
        first, second = _I2.unpack_from(record, 8)
        if kind == 17:  # EMR_SETMAPMODE
            state.mode = first
        elif kind == 22:  # EMR_SETTEXTALIGN
            state.align = first
        elif kind == 115:  # EMR_SETLAYOUT
            state.mirrored = bool(first & 1)
        elif kind in (9, 10, 11, 12):  # window/viewport extent/origin
            state.frame(kind in (11, 12), kind in (10, 12), float(first), float(second))
        elif kind in (31, 32) and len(record) >= 24:  # EMR_SCALEVIEWPORTEXTEX / WINDOW
            xn, xd, yn, yd = struct.unpack_from("<4i", record, 8)
            state.scale_extent(kind == 31, xn, xd, yn, yd)
        elif kind in (35, 36) and len(record) >= 32:  # EMR_SET/MODIFYWORLDTRANSFORM
            given = _F6.unpack_from(record, 8)
            how = int.from_bytes(record[32:36], "little") if kind == 36 else 4
            state.world = _combine(state.world, given, how)

    def _emrtext(
        self,
        record: bytes,
        at: int,
        wide: bool,
        state: _State,
        layout: _Layout,
        cursor: tuple[float, float],
    ) -> tuple[float, float]:
        end = at + _emrtext_size(record, at)
        if end > len(record):
            raise _truncated()
        x, y = _I2.unpack_from(record, at)
        chars, offset = _U2.unpack_from(record, at + 8)
        options = int.from_bytes(record[at + 16 : at + 20], "little")
        dx_at = int.from_bytes(record[end - 4 : end], "little")
        length = chars * (2 if wide else 1)
        if chars and (offset < 8 or offset + length > len(record)):
            raise _truncated()
        text = _string(record[offset : offset + length], wide, options, state.charset)
        advance = 0.0
        step = 8 if options & 0x2000 else 4  # ETO_PDY: x and y advances
        if dx_at >= 8 and dx_at + step * chars <= len(record):
            values = struct.unpack_from(f"<{chars * step // 4}i", record, dx_at)
            advance = float(sum(values[:: step // 4]))
        return self._text(state, layout, cursor, x, y, text, advance)

    def _text(
        self,
        state: _State,
        layout: _Layout,
        cursor: tuple[float, float],
        x: float,
        y: float,
        text: str,
        advance: float,
    ) -> tuple[float, float]:
        """Draw ``text``; the current position after it (moved only under TA_UPDATECP)."""
        if not state.align & _TA_UPDATECP:
            layout.draw(state, x, y, text, advance)
            return cursor
        layout.draw(state, cursor[0], cursor[1], text, advance)
        width = _advance(state, text, advance)
        horizontal = state.align & _TA_HORIZONTAL
        if horizontal == _TA_RIGHT:
            return cursor[0] - width, cursor[1]
        if horizontal == _TA_CENTER:
            return cursor
        return cursor[0] + width, cursor[1]

    def _comment(self, data: bytes, depth: int, plus: _Plus) -> None:
        if data[:4] == b"EMF+":
            self._emfplus(data, 4, plus)
        elif data[:4] == b"GDIC" and len(data) >= 8:
            kind = int.from_bytes(data[4:8], "little")
            if kind == 0x40000004 and len(data) >= 28:  # EMR_COMMENT_MULTIFORMATS
                formats = int.from_bytes(data[24:28], "little")
                if 28 + 16 * formats > len(data):
                    raise _truncated()
                for index in range(formats):
                    signature, _version, size, offset = struct.unpack_from(
                        "<4I", data, 28 + 16 * index
                    )
                    if offset + size > len(data):
                        raise _truncated()
                    if signature == 0x464D4520:  # " EMF"
                        self.emf(data[offset : offset + size], depth + 1)
            elif kind == 0x80000001 and len(data) >= 20:  # EMR_COMMENT_WINDOWS_METAFILE
                size = int.from_bytes(data[16:20], "little")
                if 20 + size > len(data):
                    raise _truncated()
                self.wmf(data[20 : 20 + size], depth + 1)

    def _emfplus(self, data: bytes, at: int, plus: _Plus) -> None:
        """EMF+ records: DrawString and DrawDriverString, in the EMF+ world transform."""
        state, fonts, layout = plus.state, plus.fonts, plus.layout
        while at + 12 <= len(data):
            kind, flags = struct.unpack_from("<HH", data, at)
            size, length = _U2.unpack_from(data, at + 4)
            if size < 12 or at + size > len(data) or length > size - 12:
                raise _truncated()
            self._count()
            body = data[at + 12 : at + 12 + length]
            at += size
            if kind == 0x4008 and (flags >> 8) & 0x7F == 6 and len(body) >= 8:  # a font
                fonts[flags & 0xFF] = struct.unpack_from("<f", body, 4)[0]
            elif kind == 0x401C and len(body) >= 28:  # DrawString
                count = int.from_bytes(body[8:12], "little")
                x, y = struct.unpack_from("<2f", body, 12)
                raw = body[28 : 28 + 2 * count]
                if len(raw) < 2 * count:
                    raise _truncated()
                state.height = fonts.get(flags & 0xFF, 16.0)
                state.align = 0  # the layout rectangle's top left
                layout.draw(state, x, y, _utf16(raw), 0.0)
            elif kind == 0x4036 and len(body) >= 16:  # DrawDriverString
                options, _matrix, count = struct.unpack_from("<3I", body, 4)
                glyphs_end = 16 + 2 * count
                if glyphs_end + 8 * count > len(body):
                    raise _truncated()
                if count and not options & 1:  # glyph ids, no character lookup
                    raise Unscannable(GLYPHS_REASON)
                codes = body[16:glyphs_end]
                state.height = fonts.get(flags & 0xFF, 16.0)
                state.align = _TA_BASELINE
                if options & 4:  # realized advance: one position, the font's advances
                    x, y = struct.unpack_from("<2f", body, glyphs_end)
                    layout.draw(state, x, y, _utf16(codes), 0.0)
                    continue
                for index in range(count):
                    x, y = struct.unpack_from("<2f", body, glyphs_end + 8 * index)
                    layout.draw(state, x, y, _utf16(codes[2 * index : 2 * index + 2]), 0.0)
            elif kind == 0x402A and len(body) >= 24:  # SetWorldTransform
                state.world = _F6.unpack_from(body, 0)
            elif kind == 0x402B:  # ResetWorldTransform
                state.world = _State().world
            elif kind == 0x402C and len(body) >= 24:  # MultiplyWorldTransform
                state.world = _combine(state.world, _F6.unpack_from(body, 0), _order(flags))
            elif kind == 0x402D and len(body) >= 8:  # TranslateWorldTransform
                tx, ty = struct.unpack_from("<2f", body, 0)
                step = (1.0, 0.0, 0.0, 1.0, tx, ty)
                state.world = _combine(state.world, step, _order(flags))
            elif kind == 0x402E and len(body) >= 8:  # ScaleWorldTransform
                sx, sy = struct.unpack_from("<2f", body, 0)
                step = (sx, 0.0, 0.0, sy, 0.0, 0.0)
                state.world = _combine(state.world, step, _order(flags))

    # WMF ----------------------------------------------------------------------------------

    def wmf(self, data: bytes, depth: int) -> None:
        self._enter(data, depth)
        at = 22 if data[:4] == b"\xd7\xcd\xc6\x9a" else 0
        if len(data) < at + 18 or data[at + 2 : at + 4] != b"\x09\x00":
            raise _truncated()
        at += 18
        layout = self._layout()
        state, saved = _State(), list[_State]()
        # The object table: a new object takes the lowest free index.
        objects: dict[int, tuple[float, float, int, float] | None] = {}
        freed: list[int] = []
        cursor = (0.0, 0.0)
        embedded: list[bytes] = []
        while True:
            if at + 6 > len(data):
                raise _truncated()
            words, kind = _H3.unpack_from(data, at)
            size = 2 * words
            if words < 3 or at + size > len(data):
                raise _truncated()
            self._count()
            record = data[at : at + size]
            at += size
            if kind == 0:  # META_EOF
                break
            if kind == 0x0521 and size >= 8:  # META_TEXTOUT
                length = int.from_bytes(record[6:8], "little")
                end = 8 + length + (length & 1)
                if end + 4 > size:
                    raise _truncated()
                y, x = struct.unpack_from("<2h", record, end)
                text = _ansi(record[8 : 8 + length], state.charset)
                cursor = self._text(state, layout, cursor, x, y, text, 0.0)
            elif kind == 0x0A32 and size >= 14:  # META_EXTTEXTOUT
                y, x, length, options = struct.unpack_from("<2hHH", record, 6)
                start = 14 + (8 if options & (_ETO_OPAQUE | _ETO_CLIPPED) else 0)
                if start + length > size:
                    raise _truncated()
                text = _string(record[start : start + length], False, options, state.charset)
                dx_at = start + length + (length & 1)
                advance = 0.0
                if dx_at + 2 * length <= size:
                    advance = float(sum(struct.unpack_from(f"<{length}h", record, dx_at)))
                cursor = self._text(state, layout, cursor, x, y, text, advance)
            elif kind in (0x02FA, 0x02FB, 0x02FC, 0x01F9, 0x0142, 0x00F7, 0x06FF):
                free = heapq.heappop(freed) if freed else len(objects)
                font = None
                if kind == 0x02FB and size >= 20:
                    height, width, turned = struct.unpack_from("<3h", record, 6)
                    font = (float(height), float(width), record[19], float(turned))
                objects[free] = font
            elif kind == 0x012D and size >= 8:  # META_SELECTOBJECT
                if chosen := objects.get(int.from_bytes(record[6:8], "little")):
                    state.select(chosen)
            elif kind == 0x01F0 and size >= 8:  # META_DELETEOBJECT
                index = int.from_bytes(record[6:8], "little")
                if index in objects:
                    del objects[index]
                    heapq.heappush(freed, index)
            elif kind == 0x001E:  # META_SAVEDC
                _save(saved, state)
            elif kind == 0x0127 and size >= 8:  # META_RESTOREDC
                state = _restored(saved, int.from_bytes(record[6:8], "little", signed=True), state)
            elif kind == 0x0626 and size >= 10:  # META_ESCAPE
                function, count = struct.unpack_from("<HH", record, 6)
                body = record[10 : 10 + count]
                if function == 0x000F and body[:4] == b"WMFC" and len(body) >= 34:
                    embedded.append(body[34:])
            elif size >= 8:
                cursor = self._wmf_mapping(kind, record, state, cursor)
        if embedded:
            self.emf(b"".join(embedded), depth + 1)

    @staticmethod
    def _wmf_mapping(
        kind: int, record: bytes, state: _State, cursor: tuple[float, float]
    ) -> tuple[float, float]:
        if kind == 0x0103:  # META_SETMAPMODE
            state.mode = int.from_bytes(record[6:8], "little")
        elif kind == 0x012E:  # META_SETTEXTALIGN
            state.align = int.from_bytes(record[6:8], "little")
        elif len(record) >= 10:
            second, first = (float(v) for v in struct.unpack_from("<2h", record, 6))
            if kind == 0x0214:  # META_MOVETO
                return first, second
            if kind in (0x020B, 0x020C, 0x020D, 0x020E):  # META_SETWINDOW/VIEWPORTORG/EXT
                state.frame(kind >= 0x020D, kind in (0x020B, 0x020D), first, second)
            elif kind in (0x020F, 0x0211):  # META_OFFSETWINDOWORG / VIEWPORTORG
                old = state.viewport if kind == 0x0211 else state.window
                state.frame(kind == 0x0211, True, old[0] + first, old[1] + second)
            elif kind in (0x0410, 0x0412) and len(record) >= 14:  # META_SCALE*EXT
                yd, yn, xd, xn = struct.unpack_from("<4h", record, 6)
                state.scale_extent(kind == 0x0412, xn, xd, yn, yd)
        return cursor


def _emrtext_size(record: bytes, at: int) -> int:
    """The size of an EMRTEXT: its bounding rectangle is left out under ETO_NO_RECT."""
    if at + 20 > len(record):
        raise _truncated()
    return 24 if int.from_bytes(record[at + 16 : at + 20], "little") & _ETO_NO_RECT else 40


def _advance(state: _State, text: str, advance: float) -> float:
    """A string's logical width: its advances when the record gives them, else estimated
    from the font (its average width, or half its height)."""
    if advance > 0:
        return advance
    return len(text) * (abs(state.width) or (abs(state.height) or 16.0) * 0.5)


def _order(flags: int) -> int:
    """How an EMF+ transform record combines: post-multiplied (flag 0x2000) or pre-."""
    return 3 if flags & 0x2000 else 2


def _combine(world: tuple[float, ...], given: tuple[float, ...], how: int) -> tuple[float, ...]:
    """MWT_IDENTITY (1), MWT_LEFTMULTIPLY (2: given x world), MWT_RIGHTMULTIPLY (3: world x
    given), MWT_SET (4), on GDI's row-vector matrices (eM11 eM12 eM21 eM22 eDx eDy)."""
    if how == 1:
        return _State().world
    if how == 4:
        return given
    first, second = (given, world) if how == 2 else (world, given)
    a11, a12, a21, a22, adx, ady = first
    b11, b12, b21, b22, bdx, bdy = second
    return (
        a11 * b11 + a12 * b21,
        a11 * b12 + a12 * b22,
        a21 * b11 + a22 * b21,
        a21 * b12 + a22 * b22,
        adx * b11 + ady * b21 + bdx,
        adx * b12 + ady * b22 + bdy,
    )


def _string(raw: bytes, wide: bool, options: int, charset: int) -> str:
    """A text record's string, in UTF-16 or the font's code page; ``Unscannable`` when it
    is drawn by glyph index (``ETO_GLYPH_INDEX``)."""
    if raw and options & _ETO_GLYPH_INDEX:
        raise Unscannable(GLYPHS_REASON)
    return _utf16(raw) if wide else _ansi(raw, charset)


def _utf16(raw: bytes) -> str:
    return raw.decode("utf-16-le", "replace").replace("\x00", "")


def _ansi(raw: bytes, charset: int) -> str:
    return raw.decode(_CODEPAGES.get(charset, "cp1252"), "replace").replace("\x00", "")
