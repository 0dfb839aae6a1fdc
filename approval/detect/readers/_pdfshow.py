"""What a PDF page shows, read as a person reads it, beside the text pypdf extracts.

pypdf extracts text in the order the content stream draws it, invisible text included. A page
can draw each word or glyph right to left, each placed by its own ``Tm`` (the screen shows
``Ruby Stephens``, the stream says ``StephensRuby``), or slip invisible characters into a
visible value (render mode 3 or 7, zero size, zero horizontal scaling, no opacity, the colour
of what lies under it): the screen shows ``A218343183``, the stream ``A218999343183``.

``Page`` follows the same parse of the content stream as pypdf's text extraction (its
operator visitors: the stream is parsed once) with the state a viewer keeps (matrices, text
state, colours, rectangles painted, clipping rectangles, form XObjects), and records:

- every string shown, as a run placed on the page (origin, advance, size, visible or not);
  ``lines()`` orders the runs by line and along each line and joins them, invisible runs
  taking their room but giving no text;
- glyphs of a font that maps them to no Unicode (a Type 3 font with private glyph names, a
  composite font with no ``ToUnicode``, codes that decode to control characters): text a
  viewer shows that no one reads (``unmapped``);
- the area of the page that pictures cover (image XObjects and inline images, clipped to
  the page and to rectangular clipping paths), and the characters shown on it (``chars``):
  a page that is mostly one picture with little text is scanned paper.

Every step is linear in the content stream; the records are bounded per page.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from typing import Any, NamedTuple

_WHITE = (1.0, 1.0, 1.0)
MAX_RUNS = 200_000  # runs kept per page; more and the reading says it is incomplete
MAX_PAINTED = 5_000  # painted rectangles and pictures kept per page, to tell backgrounds
MAX_WALKED, MAX_NESTED = 1_000, 12  # forms walked here (not by pypdf), and their nesting
_KERN = 300  # a TJ adjustment that moves back more than this (thousandths of an em) splits
_WORD_GAP = 150  # one that moves forward more than this is a space between words
_TINY = 1.0  # glyphs smaller than this (in points, either way) show nothing readable
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
# A font whose shown codes map to text that cannot be what they show (``_Font.misread``): this
# many distinct codes mapped to blanks, to private-use characters, or to one letter or digit.
_MISREAD_SPACES, _MISREAD_NOTHING, _MISREAD_PRIVATE, _MISREAD_SHARED = 8, 5, 8, 4
_MISREAD_BLANKS = 12  # of those first three together
_MAX_CODES = 65536
MISREAD_REASON = (
    "text in a font that maps many of the glyphs it shows to one letter, to blanks or to"
    " private-use characters: what it shows is not read"
)
_GLYPH_IDS = frozenset({"/Identity-H", "/Identity-V"})


def _decoded_cmap(encoding: Any) -> bool:
    """Whether a composite font's CMap is one pypdf decodes to text by itself (a Unicode or a
    legacy predefined CMap); Identity gives glyph ids, which are no text."""
    from pypdf._cmap import _predefined_cmap

    if not isinstance(encoding, str) or encoding in _GLYPH_IDS:
        return False
    return encoding in _predefined_cmap or "-UCS2-" in encoding


def _mult(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    return (
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    )


def _numbers(operands: Any, count: int) -> tuple[float, ...] | None:
    try:
        values = tuple(map(float, operands[:count]))
    except (TypeError, ValueError):
        return None
    # An infinity or a NaN among them makes the sum no finite number.
    if len(values) != count or not math.isfinite(sum(values)):
        return None
    return values


def _box(m: tuple[float, ...], x0: float, y0: float, x1: float, y1: float) -> tuple[float, ...]:
    """The device-space bounding box of a rectangle under matrix ``m``."""
    xs = [x * m[0] + y * m[2] + m[4] for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))]
    ys = [x * m[1] + y * m[3] + m[5] for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))]
    return (min(xs), min(ys), max(xs), max(ys))


def _meet(a: tuple[float, ...] | None, b: tuple[float, ...] | None) -> tuple[float, ...] | None:
    if a is None:
        return b
    if b is None:
        return a
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))


def _inside(box: tuple[float, ...], x: float, y: float, margin: float) -> bool:
    return box[0] - margin <= x <= box[2] + margin and box[1] - margin <= y <= box[3] + margin


def _area(box: tuple[float, ...] | None) -> float:
    if box is None:
        return 0.0
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def _colour(values: tuple[float, ...]) -> tuple[float, ...] | None:
    """A colour as RGB from gray, RGB or CMYK components (rounded), None when unknown."""
    if len(values) == 1:
        rgb = (values[0],) * 3
    elif len(values) == 3:
        rgb = values
    elif len(values) == 4:
        c, m, y, k = values
        rgb = ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    else:
        return None
    return tuple(round(min(1.0, max(0.0, v)), 2) for v in rgb)


class Run(NamedTuple):
    """One string (or glyph) shown: where it starts and how far it goes, in device space."""

    text: str
    x: float
    y: float
    dx: float
    dy: float
    size: float  # the em, in device units
    visible: bool
    turn: int = 0  # the direction of its baseline, in degrees (multiples of 15)


def _glyph_name_text(name: str) -> str | None:
    """The Unicode of a glyph name by the Adobe Glyph List's rules: a suffix after a dot is
    dropped, components joined by ``_`` are each mapped (``f_i``, ``a.sc``, ``uni0041``)."""
    from pypdf._cmap import _glyph_name_to_unicode

    base = name.removeprefix("/").split(".", 1)[0]
    if not base:
        return None
    pieces = []
    for component in base.split("_"):
        text = _glyph_name_to_unicode(f"/{component}") if component else None
        if not text:
            return None
        pieces.append(text)
    return "".join(pieces)


def _unmapped(text: str) -> bool:
    """Whether what a glyph decodes to is no text: a glyph name left as it is, a control
    character (C0 or C1: codes an encoding leaves undefined), the replacement character."""
    if len(text) > 1:
        return text.startswith("/")
    return text == "\ufffd" or (text < " " and text not in "\t\n\r") or "\x7f" <= text <= "\x9f"


class _Font:
    """A font as text: each code's Unicode and advance (text space units per unit size)."""

    def __init__(self, resource: Any):
        from pypdf.generic._font import Font

        self.font = Font.from_font_resource(resource)
        subtype = resource.get("/Subtype")
        self.scale = 0.001
        if subtype == "/Type3":
            matrix = _numbers(resource.get("/FontMatrix") or (), 6)
            self.scale = matrix[0] if matrix is not None and matrix[0] else 0.001
        # A composite font without ToUnicode whose codes are no text pypdf decodes (glyph ids,
        # an embedded CMap, a CMap it does not know): what its glyphs are is in the font
        # program only, which is not read here.
        self.glyph_ids = subtype == "/Type0" and not self.font.character_map
        self.glyph_ids = self.glyph_ids and not _decoded_cmap(resource.get("/Encoding"))
        self.widths = self.font.character_widths
        self.default = float(self.widths.get("default", 500) or 0)
        self.cache: dict[bytes, tuple[str, float, int, int, float, int]] = {}
        # The codes of this font shown where people see them, and the text each maps to,
        # across the document (``misread``).
        self.shown: dict[str, str] = {}
        self.seen: set[bytes] = set()
        self.last = b""  # the string noted last (once per glyph when drawn glyph by glyph)
        self.blanks = [0, 0, 0]  # distinct codes shown mapped to spaces, nothing, private use
        self.targets: dict[str, int] = {}  # distinct codes shown mapped to each letter or digit
        self.table: tuple[dict[int, str], list[float], bytes] | None = None
        if isinstance(self.font.encoding, dict):
            # A simple font: one byte, one glyph; its text and advance by table, so a string
            # is measured at C speed (str.translate, map).
            glyphs = self.glyphs(bytes(range(256)))
            self.table = (
                {code: glyph[0] for code, glyph in enumerate(glyphs)},
                [glyph[1] for glyph in glyphs],
                bytes(code for code, glyph in enumerate(glyphs) if glyph[3]),
            )

    def glyphs(self, raw: bytes) -> list[tuple[str, float, bool, bool]]:
        """Each glyph: its text, advance, whether it is code 32 (word spacing), unmapped."""
        font = self.font
        if isinstance(font.encoding, str):
            try:
                codes = raw.decode(font.encoding, "surrogatepass")
            except (UnicodeDecodeError, LookupError):
                codes = raw.decode("latin-1")
            named = list(codes)
            spaces = [False] * len(codes)
        else:
            table = font.encoding
            codes = raw.decode("latin-1")
            named = [table.get(byte, chr(byte)) for byte in raw]
            spaces = [byte == 32 for byte in raw]
        mapping = font.character_map
        out = []
        for code, name, space in zip(codes, named, spaces, strict=True):
            text = mapping.get(name, name)
            if not isinstance(text, str):
                text = ""
            unmapped = self.glyph_ids or _unmapped(text)
            if unmapped and text.startswith("/"):
                named_text = _glyph_name_text(text)
                if named_text is not None:
                    text, unmapped = named_text, self.glyph_ids
            width = self.widths.get(code, self.default)
            advance = float(width) * self.scale if isinstance(width, (int, float)) else 0.0
            out.append(("" if unmapped else text, advance, space, unmapped))
        return out

    def saw(self, raw: bytes) -> None:
        """Note the codes of a string shown visibly, and what each new one maps to."""
        if raw == self.last or raw in self.seen or len(self.shown) >= _MAX_CODES:
            return
        self.last = raw
        if len(self.seen) < 8192:
            self.seen.add(raw)
        font = self.font
        if isinstance(font.encoding, str):
            try:
                codes = raw.decode(font.encoding, "surrogatepass")
            except (UnicodeDecodeError, LookupError):
                codes = raw.decode("latin-1")
            named: list[Any] = list(codes)
        else:
            codes = raw.decode("latin-1")
            named = [font.encoding.get(byte, chr(byte)) for byte in raw]
        mapping, shown = font.character_map, self.shown
        for code, name in zip(codes, named, strict=True):
            if code in shown:
                continue
            text = mapping.get(name, name)
            text = text if isinstance(text, str) else ""
            if text.startswith("/"):
                text = _glyph_name_text(text) or text
            shown[code] = text
            self._count(text)

    def _count(self, text: str) -> None:
        """Count what a newly shown code maps to (``misread``)."""
        if text.startswith("/") or (text and _unmapped(text)):
            return  # no text at all: counted as unmapped glyphs
        kinds = {unicodedata.category(c) for c in text}
        if not text or kinds <= {"Cf"}:
            self.blanks[1] += 1
        elif not text.strip() or kinds <= {"Zs", "Cf"}:
            self.blanks[0] += 1
        elif kinds == {"Co"}:
            self.blanks[2] += 1
        elif len(text) == 1 and text.isascii() and text.isalnum():
            self.targets[text] = self.targets.get(text, 0) + 1

    def misread(self) -> bool:
        """Whether the text this font's shown codes map to cannot be what they show: many
        distinct codes mapped to one letter or digit (every glyph of a name to ``x``), to
        spaces, to nothing (no text, format characters) or to private-use characters. An
        ordinary font maps each glyph it shows to its own character; a few share one (a space
        and a no-break space, a letter and its small capital, an Arabic letter's forms, which
        are no Latin letter); a typeset text shows a few kinds of space and symbol fonts put a
        few bullets in the private-use area."""
        spaces, nothing, private = self.blanks
        return (
            spaces >= _MISREAD_SPACES
            or nothing >= _MISREAD_NOTHING
            or private >= _MISREAD_PRIVATE
            or spaces + nothing + private >= _MISREAD_BLANKS
            or max(self.targets.values(), default=0) >= _MISREAD_SHARED
        )

    def measure(self, raw: bytes) -> tuple[str, float, int, int, float, int]:
        """The string's text, summed advance, word spaces, unmapped glyphs, smallest advance
        and glyph count; memoised (the same words recur)."""
        known = self.cache.get(raw)
        if known is not None:
            return known
        if self.table is not None:
            texts, advances, lost = self.table
            result = (
                raw.decode("latin-1").translate(texts),
                sum(map(advances.__getitem__, raw)),
                raw.count(32),
                len(raw) - len(raw.translate(None, lost)) if lost else 0,
                min(map(advances.__getitem__, raw), default=0.0),
                len(raw),
            )
            if len(self.cache) < 8192:
                self.cache[raw] = result
            return result
        glyphs = self.glyphs(raw)
        result = (
            "".join(g[0] for g in glyphs),
            sum(g[1] for g in glyphs),
            sum(1 for g in glyphs if g[2]),
            sum(1 for g in glyphs if g[3]),
            min((g[1] for g in glyphs), default=0.0),
            len(glyphs),
        )
        if len(self.cache) < 8192:
            self.cache[raw] = result
        return result


@dataclass
class _State:
    """The graphics state a viewer keeps that decides where and whether text shows."""

    ctm: tuple[float, ...] = _IDENTITY
    resources: Any = None
    font: _Font | None = None
    size: float = 0.0
    char_spacing: float = 0.0
    word_spacing: float = 0.0
    scale: float = 1.0
    leading: float = 0.0
    rise: float = 0.0
    mode: int = 0
    fill: tuple[float, ...] | None = (0.0, 0.0, 0.0)
    stroke: tuple[float, ...] | None = (0.0, 0.0, 0.0)
    fill_alpha: float = 1.0
    stroke_alpha: float = 1.0
    fill_space: str = "/DeviceGray"
    stroke_space: str = "/DeviceGray"
    clip: tuple[float, ...] | None = None
    form: bool = False  # pushed by a form XObject's Do (popped by the visitor after it)
    hidden: bool = False  # in a form of a layer that is off


@dataclass
class Page:
    """The page as shown, built while pypdf's text extraction parses its content."""

    resources: Any
    box: tuple[float, ...]
    # Fonts by the identity of their dictionary (kept beside, so the identity stays its own),
    # shared by the pages of one document.
    fonts: dict[int, tuple[Any, _Font | None]]
    runs: list[Run] = field(default_factory=list)
    unmapped: int = 0  # glyphs shown (visibly) that map to no text
    pending: list[bytes] = field(default_factory=list)  # strings measured, not yet placed
    used: dict[int, _Font] = field(default_factory=dict)  # fonts shown visibly on the page
    chars: int = 0  # characters shown on the page, visible or not (an OCR layer counts)
    image_area: float = 0.0
    visited: bool = False
    complete: bool = True
    state: _State = field(default_factory=_State)
    stack: list[_State] = field(default_factory=list)
    # Each Do under way: for a form, the depth of the stack, the form and the operators seen.
    forms: list[tuple[int, Any, int] | None] = field(default_factory=list)
    operators: int = 0
    walked: int = 0  # forms walked here rather than by pypdf
    # Optional content (layers) the document's default configuration turns off, by object
    # number; and the marked content open on the page, each True where it is such a layer.
    layers_off: frozenset[int] = frozenset()
    marked: list[bool] = field(default_factory=list)
    matrix: tuple[float, ...] = _IDENTITY  # text matrix
    device: tuple[float, ...] | None = None  # text matrix x CTM, while both hold
    line: tuple[float, ...] = _IDENTITY  # text line matrix
    path: list[tuple[float, ...]] = field(default_factory=list)  # rectangles of the path
    curved: bool = False  # the path has more than rectangles
    painted: list[tuple[tuple[float, ...], tuple[float, ...] | None]] = field(default_factory=list)
    colours: set[tuple[float, ...]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.state.resources = self.resources

    # The visitors pypdf calls around each operator.

    def before(self, operator: bytes, operands: Any, _cm: Any, _tm: Any) -> None:
        self.visited = True
        self.operators += 1
        if operator not in _KEEPS_DEVICE:
            self.device = None
        if operator == b"Do":
            self.forms.append(None)  # set to the depth of the stack if it draws a form
        handler = _HANDLERS.get(operator)
        if handler is None:
            return
        try:
            handler(self, operands)
        except Exception:  # a reading that went wrong is incomplete, never a crash
            self.complete = False

    def after(self, operator: bytes, _operands: Any, _cm: Any, _tm: Any) -> None:
        if operator == b"Do" and self.forms:
            try:
                self._done()
            except Exception:  # a reading that went wrong is incomplete, never a crash
                self.complete = False

    def _done(self) -> None:
        """After a Do: a form's state is left, whatever it left unbalanced."""
        if self.forms:
            self.device = None
            drawn = self.forms[-1]
            if drawn is not None and drawn[2] == self.operators:
                # pypdf did not go into the form (it has no resources of its own, or pypdf's
                # bound on forms was reached): walked here, within bounds of our own.
                self._walk_form(drawn[1])
            self.forms.pop()
            depth = drawn[0] if drawn is not None else None
            if depth is not None and depth < len(self.stack):
                # Back to the state before the form, whatever the form left unbalanced.
                self.state = self.stack[depth]
                del self.stack[depth:]

    # Graphics state.

    def _q(self, _operands: Any) -> None:
        if len(self.stack) < 256:
            self.stack.append(self.state)
            self.state = _copy(self.state, form=False)

    def _big_q(self, _operands: Any) -> None:
        # A Q that would close the form's own state is ignored, as viewers do.
        if self.stack and not self.state.form:
            self.state = self.stack.pop()

    def _cm(self, operands: Any) -> None:
        values = _numbers(operands, 6)
        if values is not None:
            self.state.ctm = _mult(values, self.state.ctm)

    def _gs(self, operands: Any) -> None:
        graphics = _resource(self.state.resources, "/ExtGState", operands)
        if graphics is None:
            return
        for key, attribute in (("/ca", "fill_alpha"), ("/CA", "stroke_alpha")):
            value = graphics.get(key)
            if isinstance(value, (int, float)):
                setattr(self.state, attribute, float(value))
        font = graphics.get("/Font")
        if font is not None and len(font) == 2:
            self._set_font(font[0].get_object(), font[1])

    # Colours (what can be told: gray, RGB, CMYK, and spaces of as many components).

    def _fill(self, values: tuple[float, ...] | None, space: str | None = None) -> None:
        self.state.fill = _colour(values) if values is not None else None
        if space is not None:
            self.state.fill_space = space

    def _stroke(self, values: tuple[float, ...] | None, space: str | None = None) -> None:
        self.state.stroke = _colour(values) if values is not None else None
        if space is not None:
            self.state.stroke_space = space

    def _g(self, operands: Any) -> None:
        self._fill(_numbers(operands, 1), "/DeviceGray")

    def _rg(self, operands: Any) -> None:
        self._fill(_numbers(operands, 3), "/DeviceRGB")

    def _k(self, operands: Any) -> None:
        self._fill(_numbers(operands, 4), "/DeviceCMYK")

    def _big_g(self, operands: Any) -> None:
        self._stroke(_numbers(operands, 1), "/DeviceGray")

    def _big_rg(self, operands: Any) -> None:
        self._stroke(_numbers(operands, 3), "/DeviceRGB")

    def _big_k(self, operands: Any) -> None:
        self._stroke(_numbers(operands, 4), "/DeviceCMYK")

    def _cs(self, operands: Any) -> None:
        self.state.fill_space = str(operands[0]) if operands else ""
        self.state.fill = None if self.state.fill_space != "/DeviceGray" else (0.0, 0.0, 0.0)

    def _big_cs(self, operands: Any) -> None:
        self.state.stroke_space = str(operands[0]) if operands else ""
        self.state.stroke = None if self.state.stroke_space != "/DeviceGray" else (0.0,) * 3

    def _sc(self, operands: Any) -> None:
        self.state.fill = _space_colour(self.state.fill_space, operands)

    def _big_sc(self, operands: Any) -> None:
        self.state.stroke = _space_colour(self.state.stroke_space, operands)

    # Paths: rectangles filled (backgrounds) and clipping rectangles.

    def _re(self, operands: Any) -> None:
        values = _numbers(operands, 4)
        if values is not None:
            x, y, w, h = values
            self.path.append(_box(self.state.ctm, x, y, x + w, y + h))

    def _segment(self, _operands: Any) -> None:
        self.curved = True

    def _paint(self, _operands: Any) -> None:
        if not self.curved and self.state.fill_alpha > 0:
            colour = self.state.fill
            for box in self.path:
                self._painted(box, colour)
        self._end_path(_operands)

    def _clip(self, _operands: Any) -> None:
        # The clip applies when the path ends; a rectangle clip is the one told apart.
        if not self.curved and len(self.path) == 1:
            self.state.clip = _meet(self.state.clip, self.path[0])

    def _end_path(self, _operands: Any) -> None:
        self.path.clear()
        self.curved = False

    def _painted(self, box: tuple[float, ...], colour: tuple[float, ...] | None) -> None:
        if len(self.painted) < MAX_PAINTED:
            self.painted.append((box, colour))
            if colour is not None:
                self.colours.add(colour)

    # Pictures and forms.

    def _do(self, operands: Any) -> None:
        xobject = _resource(self.state.resources, "/XObject", operands)
        if xobject is None:
            return
        subtype = xobject.get("/Subtype")
        off = self._off(_raw_get(xobject, "/OC"))
        if subtype == "/Image" and not off and not self.state.hidden:
            self._image()
        elif subtype == "/Form":
            if self.forms:
                self.forms[-1] = (len(self.stack), xobject, self.operators)
            self.stack.append(self.state)
            state = _copy(self.state, form=True)
            matrix = _numbers(xobject.get("/Matrix") or _IDENTITY, 6) or _IDENTITY
            state.ctm = _mult(matrix, state.ctm)
            bbox = _numbers(xobject.get("/BBox") or (), 4)
            if bbox is not None:
                state.clip = _meet(state.clip, _box(state.ctm, *bbox))
            resources = xobject.get("/Resources")
            if resources is not None:
                state.resources = resources.get_object()
            state.hidden = state.hidden or off
            self.state = state

    # Optional content: what a layer that is off draws, no one sees.

    def _bdc(self, operands: Any) -> None:
        off = False
        if len(operands) >= 2 and operands[0] == "/OC":
            group = operands[1]
            if isinstance(group, str):
                group = _raw_get(_resource_group(self.state.resources, "/Properties"), group)
            off = self._off(group)
        if len(self.marked) < 256:
            self.marked.append(off)

    def _bmc(self, _operands: Any) -> None:
        if len(self.marked) < 256:
            self.marked.append(False)

    def _emc(self, _operands: Any) -> None:
        if self.marked:
            self.marked.pop()

    def _off(self, reference: Any) -> bool:
        """Whether an optional content group (or a membership dictionary of groups) is off."""
        if reference is None or not self.layers_off:
            return False
        number = getattr(reference, "idnum", None)
        if number is not None and number in self.layers_off:
            return True
        group = reference.get_object() if hasattr(reference, "get_object") else reference
        if not hasattr(group, "get") or group.get("/Type") != "/OCMD":
            return False
        members = _raw_get(group, "/OCGs")
        members = members.get_object() if hasattr(members, "get_object") else members
        members = list(members) if isinstance(members, list) else [members]
        states = [getattr(m, "idnum", None) not in self.layers_off for m in members if m]
        if not states:
            return False
        policy = group.get("/P", "/AnyOn")
        shown = {
            "/AllOn": all(states),
            "/AnyOff": not all(states),
            "/AllOff": not any(states),
        }.get(str(policy), any(states))
        return not shown

    def _shading(self, _operands: Any) -> None:
        box = _meet(self.state.clip, self.box)
        if box is not None and _area(box) > 0:
            self._painted(box, None)

    def _walk_form(self, xobject: Any) -> None:
        from pypdf.generic import ContentStream

        self.walked += 1
        if self.walked > MAX_WALKED or len(self.forms) > MAX_NESTED:
            self.complete = False
            return
        try:
            operations = ContentStream(xobject, None, "bytes").operations
        except Exception:  # a form that does not parse is a part of the page not followed
            self.complete = False
            return
        for operands, operator in operations:
            self.before(operator, operands, None, None)
            self.after(operator, operands, None, None)

    def _inline(self, _operands: Any) -> None:
        self._image()

    def _image(self) -> None:
        box = _meet(_meet(_box(self.state.ctm, 0, 0, 1, 1), self.state.clip), self.box)
        self.image_area += _area(box)
        if box is not None and _area(box) > 0:
            self._painted(box, None)

    # Text.

    def _bt(self, _operands: Any) -> None:
        self.matrix = self.line = _IDENTITY

    def _tf(self, operands: Any) -> None:
        if len(operands) >= 2:
            self._set_font(_resource(self.state.resources, "/Font", operands), operands[1])

    def _set_font(self, resource: Any, size: Any) -> None:
        self.state.size = float(size) if isinstance(size, (int, float)) else self.state.size
        if not hasattr(resource, "get"):
            # A font the page does not have: viewers draw the codes in a font of their own.
            resource = _fallback_font()
        key = id(resource)
        if key not in self.fonts:
            try:
                font: _Font | None = _Font(resource)
            except Exception:  # a font that does not load shows glyphs no one reads
                font = None
            self.fonts[key] = (resource, font)
        self.state.font = self.fonts[key][1]

    def _tc(self, operands: Any) -> None:
        self.state.char_spacing = (_numbers(operands, 1) or (0.0,))[0]

    def _tw(self, operands: Any) -> None:
        self.state.word_spacing = (_numbers(operands, 1) or (0.0,))[0]

    def _tz(self, operands: Any) -> None:
        self.state.scale = (_numbers(operands, 1) or (100.0,))[0] / 100

    def _tl(self, operands: Any) -> None:
        self.state.leading = (_numbers(operands, 1) or (0.0,))[0]

    def _ts(self, operands: Any) -> None:
        self.state.rise = (_numbers(operands, 1) or (0.0,))[0]

    def _tr(self, operands: Any) -> None:
        values = _numbers(operands, 1)
        self.state.mode = int(values[0]) if values is not None else 0

    def _td(self, operands: Any) -> None:
        values = _numbers(operands, 2)
        if values is not None:
            self.line = _mult((1.0, 0.0, 0.0, 1.0, values[0], values[1]), self.line)
            self.matrix = self.line

    def _big_td(self, operands: Any) -> None:
        values = _numbers(operands, 2)
        if values is not None:
            self.state.leading = -values[1]
        self._td(operands)

    def _tm(self, operands: Any) -> None:
        values = _numbers(operands, 6)
        if values is not None:
            self.matrix = self.line = values

    def _t_star(self, _operands: Any) -> None:
        self._td((0.0, -self.state.leading))

    def _tj(self, operands: Any) -> None:
        if operands and isinstance(operands[0], bytes):
            self._show(bytes(operands[0]))

    def _quote(self, operands: Any) -> None:
        self._t_star(())
        self._tj(operands)

    def _double_quote(self, operands: Any) -> None:
        if len(operands) >= 3:
            self._tw(operands[:1])
            self._tc(operands[1:2])
            self._quote(operands[2:])

    def _big_tj(self, operands: Any) -> None:
        """The strings of a ``TJ`` as one run while its adjustments move forward or kern a
        little back (a gap of a word's room is a space); one that moves further back starts
        another run, where it is drawn."""
        if not operands or not isinstance(operands[0], list):
            return
        state = self.state
        em = state.size * state.scale / 1000
        measure = self._measure
        texts: list[str] = []
        room, unmapped = 0.0, 0
        for item in operands[0]:
            if isinstance(item, bytes):
                measured = measure(item)
                if measured is None:  # glyphs that go backwards: drawn one by one
                    self._flush(texts, room, unmapped)
                    texts, room, unmapped = [], 0.0, 0
                    self._show(item)
                    continue
                texts.append(measured[0])
                room += measured[1]
                unmapped += measured[2]
            elif isinstance(item, (int, float)):
                number = float(item)
                if not texts or number > _KERN:
                    self._flush(texts, room, unmapped)
                    texts, room, unmapped = [], 0.0, 0
                    self._advance(-number * em)
                    continue
                room -= number * em
                if number < -_WORD_GAP and texts[-1][-1:] != " ":
                    texts.append(" ")
        self._flush(texts, room, unmapped)

    def _flush(self, texts: list[str], room: float, unmapped: int) -> None:
        if texts:
            self._run("".join(texts), room, unmapped)

    def _advance(self, tx: float) -> None:
        m = self.matrix
        self.matrix = (m[0], m[1], m[2], m[3], m[4] + tx * m[0], m[5] + tx * m[1])
        d = self.device
        if d is not None:  # the same move in device space
            self.device = (d[0], d[1], d[2], d[3], d[4] + tx * d[0], d[5] + tx * d[1])

    def _measure(self, raw: bytes) -> tuple[str, float, int] | None:
        """A string's text, the room it takes (text space) and its glyphs that map to no
        text; None when its glyphs do not all move forward."""
        state = self.state
        font = state.font
        if font is None:
            return "", 0.0, len(raw)  # a font no one can read: every code unread
        self.pending.append(raw)
        text, width, spaces, unmapped, smallest, count = font.measure(raw)
        size, th = state.size, state.scale
        if count > 1 and (th <= 0 or smallest * size + state.char_spacing <= 0):
            return None
        tx = (width * size + state.char_spacing * count + state.word_spacing * spaces) * th
        return text, tx, unmapped

    def _show(self, raw: bytes) -> None:
        measured = self._measure(raw)
        if measured is not None:
            self._run(*measured)
            return
        # Glyphs that go backwards (negative spacing, mirrored scaling, widths of no room):
        # each is a run of its own, where it is drawn.
        state = self.state
        assert state.font is not None  # _measure said so
        for glyph, advance, space, lost in state.font.glyphs(raw):
            self.pending.append(raw)
            tx = advance * state.size + state.char_spacing + state.word_spacing * space
            self._run(glyph, tx * state.scale, int(lost))

    def _run(self, text: str, tx: float, unmapped: int) -> None:
        state = self.state
        size, th = state.size, state.scale
        m = self.device
        if m is None:
            m = self.device = _mult(self.matrix, state.ctm)
        dx, dy = tx * m[0], tx * m[1]
        x = m[4] + state.rise * m[2]
        y = m[5] + state.rise * m[3]
        em = abs(size) * math.hypot(m[2], m[3])
        clip = state.clip
        visible = (
            self._visible(m)
            and em >= _TINY
            and abs(size * th) * math.hypot(m[0], m[1]) >= _TINY
            # Outside the page or a clipping rectangle, it is not drawn where anyone sees.
            and _inside(self.box, x, y, em)
            and (clip is None or _inside(clip, x, y, em))
        )
        if visible and (
            state.fill in self.colours
            or state.stroke in self.colours
            or _WHITE in (state.fill, state.stroke)
        ):
            visible = self._shows_against(x + dx / 2, y + dy / 2 + em * 0.3)
        if unmapped and visible:
            self.unmapped += unmapped
        if self.pending:
            if visible and state.font is not None:
                self.used[id(state.font)] = state.font
                for raw in self.pending:
                    state.font.saw(raw)
            self.pending.clear()
        box = self.box
        if text and box[0] - 1 <= x <= box[2] + 1 and box[1] - 1 <= y <= box[3] + 1:
            self.chars += len(text) - text.count(" ")
        turn = 0
        if m[1] or m[0] < 0 or size * th < 0:
            # Turned or mirrored text: its lines run along the glyphs' own baseline (not the
            # way they advance, which may go backwards).
            sign = -1.0 if size * th < 0 else 1.0
            angle = math.degrees(math.atan2(m[1] * sign, m[0] * sign))
            turn = round(angle / 15) * 15 % 360
        if len(self.runs) < MAX_RUNS:
            self.runs.append(Run(text, x, y, dx, dy, em, visible, turn))
        else:
            self.complete = False
        self._advance(tx)

    def _visible(self, m: tuple[float, ...]) -> bool:
        """Whether the render mode paints the glyphs at all (not 3, not 7), with opacity."""
        state = self.state
        mode = state.mode
        fills = mode in (0, 2, 4, 6) and state.fill_alpha > 0
        strokes = mode in (1, 2, 5, 6) and state.stroke_alpha > 0
        shown = (fills or strokes) and state.size != 0 and state.scale != 0 and any(m[:4])
        return shown and not state.hidden and not any(self.marked)

    def _shows_against(self, x: float, y: float) -> bool:
        """Whether text in the current colours differs from what lies under it (the page is
        white; a picture under it may be anything)."""
        state = self.state
        colours = {
            0: [state.fill],
            1: [state.stroke],
            2: [state.fill, state.stroke],
        }.get(state.mode % 4, [state.fill])
        if None in colours:
            return True  # a colour that cannot be told
        background: tuple[float, ...] | None = _WHITE
        for box, colour in reversed(self.painted):
            if box[0] <= x <= box[2] and box[1] <= y <= box[3]:
                background = colour
                break
        return background is None or any(c != background for c in colours)

    # The reading.

    def misread(self) -> int:
        """The fonts shown on the page whose codes map to text that cannot be what they show
        (``_Font.misread``, over what the document showed so far)."""
        return sum(1 for font in self.used.values() if font.misread())

    def lines(self) -> list[str]:
        """The runs as lines: grouped by direction, ordered by line from the top and along
        each line; a gap wider than a space's room is a space."""
        groups: dict[int, list[tuple[float, float, float, Run]]] = {}
        upright = groups.setdefault(0, [])
        for run in self.runs:
            if not run.text and run.visible:
                continue
            if not run.turn and not run.dy:  # most text: upright
                start, stop = run.x, run.x + run.dx
                upright.append((run.y, min(start, stop), max(start, stop), run))
                continue
            bucket = run.turn
            cos, sin = math.cos(math.radians(bucket)), math.sin(math.radians(bucket))
            u0 = run.x * cos + run.y * sin
            u1 = u0 + run.dx * cos + run.dy * sin
            v = -run.x * sin + run.y * cos
            groups.setdefault(bucket, []).append((v, min(u0, u1), max(u0, u1), run))
        out: list[str] = []
        for bucket in sorted(groups):
            items = sorted(groups[bucket], key=lambda item: -item[0])
            line: list[tuple[float, float, float, Run]] = []
            for item in items:
                if line and abs(line[0][0] - item[0]) > 0.5 * max(line[0][3].size, item[3].size):
                    out.append(_join(line))
                    line = []
                line.append(item)
            if line:
                out.append(_join(line))
        return [text for text in out if text]


def _join(line: list[tuple[float, float, float, Run]]) -> str:
    items = sorted(line, key=lambda item: item[1])
    spaced = any(" " in item[3].text for item in items if item[3].visible)
    ratio = 0.6 if spaced else 0.15
    pieces: list[str] = []
    end: float | None = None
    previous: Run | None = None
    for _v, start, stop, run in items:
        if (
            previous is not None
            and run.text
            and (run.text, run.visible) == (previous.text, previous.visible)
            and abs(run.x - previous.x) + abs(run.y - previous.y) < 0.3 * run.size
        ):
            continue  # the same string drawn again over itself (fake bold, a shadow)
        if end is not None and start - end > ratio * max(run.size, 1e-9):
            pieces.append(" ")
        if run.visible:
            pieces.append(run.text)
        end = stop if end is None else max(end, stop)
        previous = run
    return " ".join("".join(pieces).split())


_FALLBACK: list[Any] = []


def _fallback_font() -> Any:
    from pypdf.generic import DictionaryObject, NameObject

    if not _FALLBACK:
        font = {"/Type": "/Font", "/Subtype": "/Type1", "/BaseFont": "/Helvetica"}
        font["/Encoding"] = "/WinAnsiEncoding"
        _FALLBACK.append(DictionaryObject({NameObject(k): NameObject(v) for k, v in font.items()}))
    return _FALLBACK[0]


def _copy(state: _State, *, form: bool) -> _State:
    from dataclasses import replace

    return replace(state, form=form)


def _resource(resources: Any, kind: str, operands: Any) -> Any:
    if resources is None or not operands or not isinstance(operands[0], str):
        return None  # no name: nothing a viewer draws
    reference = resources.get(kind)
    group: Any = reference.get_object() if reference is not None else None
    if not hasattr(group, "get"):
        return None
    value = group.get(operands[0])
    return value.get_object() if value is not None else None


def _resource_group(resources: Any, kind: str) -> Any:
    if resources is None:
        return None
    reference = resources.get(kind)
    return reference.get_object() if reference is not None else None


def _raw_get(dictionary: Any, key: str) -> Any:
    """A dictionary's value as it is stored: a reference keeps its object number."""
    if not hasattr(dictionary, "raw_get"):
        return None
    try:
        return dictionary.raw_get(key)
    except KeyError:
        return None


def _space_colour(space: str, operands: Any) -> tuple[float, ...] | None:
    if space in ("/Pattern", "/Separation", "/DeviceN", "/Indexed"):
        return None
    values = _numbers(operands, len(operands)) if operands else None
    return _colour(values) if values is not None else None


# Operators that change neither the text matrix nor the CTM (the rest reset ``Page.device``).
_KEEPS_DEVICE = frozenset({b"Tj", b"TJ", b"Tf", b"Tc", b"Tw", b"Tz", b"Tr", b"Ts", b"TL"})

_HANDLERS = {
    b"q": Page._q,
    b"Q": Page._big_q,
    b"cm": Page._cm,
    b"gs": Page._gs,
    b"g": Page._g,
    b"rg": Page._rg,
    b"k": Page._k,
    b"G": Page._big_g,
    b"RG": Page._big_rg,
    b"K": Page._big_k,
    b"cs": Page._cs,
    b"CS": Page._big_cs,
    b"sc": Page._sc,
    b"scn": Page._sc,
    b"SC": Page._big_sc,
    b"SCN": Page._big_sc,
    b"re": Page._re,
    b"m": Page._segment,
    b"l": Page._segment,
    b"c": Page._segment,
    b"v": Page._segment,
    b"y": Page._segment,
    b"h": Page._segment,
    b"f": Page._paint,
    b"F": Page._paint,
    b"f*": Page._paint,
    b"B": Page._paint,
    b"B*": Page._paint,
    b"b": Page._paint,
    b"b*": Page._paint,
    b"W": Page._clip,
    b"W*": Page._clip,
    b"n": Page._end_path,
    b"S": Page._end_path,
    b"s": Page._end_path,
    b"Do": Page._do,
    b"INLINE IMAGE": Page._inline,
    b"sh": Page._shading,
    b"BT": Page._bt,
    b"BDC": Page._bdc,
    b"BMC": Page._bmc,
    b"EMC": Page._emc,
    b"Tf": Page._tf,
    b"Tc": Page._tc,
    b"Tw": Page._tw,
    b"Tz": Page._tz,
    b"TL": Page._tl,
    b"Ts": Page._ts,
    b"Tr": Page._tr,
    b"Td": Page._td,
    b"TD": Page._big_td,
    b"Tm": Page._tm,
    b"T*": Page._t_star,
    b"Tj": Page._tj,
    b"'": Page._quote,
    b'"': Page._double_quote,
    b"TJ": Page._big_tj,
}
