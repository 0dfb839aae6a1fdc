"""What a PDF stream's bytes are, checked against what the file claims it is.

A stream the PDF reader counts and does not read (a picture, a font, a colour profile, a
function, a cross-reference table) is passed over on the strength of a claim: a key that
refers to it (``/Thumb``, ``/FontFile2``) or a key in its own dictionary (``/Width``,
``/Length1``, ``/FunctionType``). A claim costs nothing to make, so each one is checked here
against the decoded bytes; a stream whose bytes do not bear its claim out is read as a file of
its own (its content decides), and a stream some page draws is read as drawing operators only
when its bytes are drawing operators throughout. Every check is one pass in C (a regular
expression or a length), so a large stream costs no more than decoding it.
"""

from __future__ import annotations

import re
import zlib
from typing import Any

from approval.detect.readers._members import (
    HEAD,
    ends_as_image,
    is_binary_blob,
    is_font,
)

_PIECE = 1 << 20  # bytes inflated at a time when a picture is only measured
_SLACK = 8  # bytes a writer may leave after picture or sample data (a newline, padding)
_COMPONENTS = {
    "/DeviceGray": 1, "/CalGray": 1, "/Indexed": 1, "/Separation": 1, "/G": 1, "/I": 1,
    "/DeviceRGB": 3, "/CalRGB": 3, "/Lab": 3, "/RGB": 3,
    "/DeviceCMYK": 4, "/CMYK": 4,
}  # fmt: skip
# Picture data whose layout only its decoder knows: the stored bytes carry the format's magic
# where it has one; JBIG2 and CCITT fax have none, and pass when they are opaque binary.
_CODED = {"/DCTDecode", "/DCT", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode", "/CCF"}
_JPX = (b"\x00\x00\x00\x0cjP  \r\n\x87\n", b"\xffO\xffQ")

# PDF content: operands and the operators PDF defines, nothing else (prose and CSV fail on their
# first word or comma). Inline picture data (``ID ... EI``) is cut out before the check.
_OPERATORS = (
    "b*", "b", "B*", "B", "BDC", "BI", "BMC", "BT", "BX", "c", "cm", "CS", "cs", "d", "d0", "d1",
    "Do", "DP", "EI", "EMC", "ET", "EX", "f*", "f", "F", "g", "G", "gs", "h", "i", "ID", "j", "J",
    "K", "k", "l", "m", "M", "MP", "n", "q", "Q", "re", "RG", "rg", "ri", "s", "S", "SC", "sc",
    "SCN", "scn", "sh", "T*", "Tc", "Td", "TD", "Tf", "TJ", "Tj", "TL", "Tm", "Tr", "Ts", "Tw",
    "Tz", "v", "w", "W*", "W", "y", "'", '"', "true", "false", "null",
)  # fmt: skip
_WORD = "|".join(re.escape(op) for op in sorted(_OPERATORS, key=len, reverse=True))
_STRING = r"\((?:\\[\s\S]|[^\\()]|\((?:\\[\s\S]|[^\\()]|\((?:\\[\s\S]|[^\\()])*\))*\))*\)"
_CONTENT = re.compile(
    rb"(?:(?>\s+|%[^\r\n]*|"
    + _STRING.encode()
    + rb"|<<|>>|<[0-9A-Fa-f\s]*>|[\[\]{}]|/[^\s/\[\]()<>{}%]*"
    + rb"|[+-]?(?:\d+\.?\d*|\.\d+)(?![A-Za-z])|(?:"
    + _WORD.encode()
    + rb")(?![A-Za-z0-9*])))*+"
)
_INLINE_START = re.compile(rb"\bID\s")
_INLINE_END = re.compile(rb"\sEI(?![^\s/\[\]()<>{}%])")
# A type 4 function: PostScript calculator code, its operators only.
_CALCULATOR_WORDS = (
    "abs", "add", "atan", "ceiling", "cos", "cvi", "cvr", "div", "exp", "floor", "idiv", "ln",
    "log", "mod", "mul", "neg", "round", "sin", "sqrt", "sub", "truncate", "and", "bitshift",
    "eq", "false", "ge", "gt", "le", "lt", "ne", "not", "or", "true", "xor", "if", "ifelse",
    "copy", "dup", "exch", "index", "pop", "roll",
)  # fmt: skip
_CALCULATOR = re.compile(
    rb"\s*\{(?:(?>\s+|[{}]|[+-]?(?:\d+\.?\d*|\.\d+)(?![a-z])|(?:"
    + "|".join(sorted(_CALCULATOR_WORDS, key=len, reverse=True)).encode()
    + rb")(?![a-z])))*+\}\s*"
)
# A CMap (ToUnicode, an embedded encoding): PostScript tokens and the CMap vocabulary.
_CMAP_WORDS = (
    "begincmap", "endcmap", "begincodespacerange", "endcodespacerange", "beginbfchar",
    "endbfchar", "beginbfrange", "endbfrange", "begincidchar", "endcidchar", "begincidrange",
    "endcidrange", "beginnotdefchar", "endnotdefchar", "beginnotdefrange", "endnotdefrange",
    "usecmap", "usefont", "def", "dict", "begin", "end", "findresource", "defineresource", "pop",
    "currentdict", "CMapName", "CMapType", "dup", "exch", "known", "not", "if", "ifelse",
    "userdict", "true", "false",
)  # fmt: skip
_CMAP = re.compile(
    rb"(?:(?>\s+|%[^\r\n]*|"
    + _STRING.encode()
    + rb"|<<|>>|<[0-9A-Fa-f\s]*>|[\[\]{}]|/[^\s/\[\]()<>{}%]*"
    + rb"|[+-]?(?:\d+\.?\d*|\.\d+)(?![A-Za-z])|(?:"
    + "|".join(sorted(_CMAP_WORDS, key=len, reverse=True)).encode()
    + rb")(?![A-Za-z0-9])))*+"
)


def is_content(data: bytes) -> bool:
    """Whether ``data`` is PDF drawing operators and their operands throughout."""
    if not data.strip():
        return False
    pieces: list[bytes] = []
    at = 0
    while (start := _INLINE_START.search(data, at)) is not None:
        end = _INLINE_END.search(data, start.end())
        if end is None:
            return False  # picture data that never ends
        pieces.append(data[at : start.start()])
        at = end.end()
    pieces.append(data[at:])
    return all(_CONTENT.fullmatch(piece) is not None for piece in pieces)


def is_cmap(data: bytes) -> bool:
    return b"begincmap" in data and _CMAP.fullmatch(data) is not None


def _number(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _filters(stream: Any) -> list[str]:
    filters = stream.get("/Filter")
    if isinstance(filters, list):
        return [str(f) for f in filters]
    return [str(filters)] if filters is not None else []


def _components(stream: Any) -> tuple[int, ...]:
    space = stream.get("/ColorSpace")
    try:
        space = space.get_object() if space is not None else None
    except Exception:
        return (1, 3, 4)
    if isinstance(space, list) and space:
        family = str(space[0])
        if family == "/ICCBased" and len(space) > 1:
            try:
                return (_number(space[1].get_object().get("/N"), 3),)
            except Exception:
                return (1, 3, 4)
        if family == "/DeviceN" and len(space) > 1:
            try:
                return (len(space[1].get_object()),)
            except Exception:
                return (1, 3, 4)
        if family in ("/Indexed", "/I", "/Separation", "/CalGray", "/Pattern"):
            return (1,)
        if family in ("/CalRGB", "/Lab"):
            return (3,)
        return (1, 3, 4)
    if space is not None and str(space) in _COMPONENTS:
        return (_COMPONENTS[str(space)],)
    return (1, 3, 4)  # unknown or absent: any of the usual ones


def is_picture(stream: Any, data: bytes) -> bool:
    """Whether decoded ``data`` is the picture its dictionary describes: the magic of the
    coding it names, or exactly the samples ``/Width`` x ``/Height`` x components x
    ``/BitsPerComponent`` make."""
    coded = [f for f in _filters(stream) if f in _CODED]
    if coded:
        if coded[-1] in ("/DCTDecode", "/DCT"):
            return data.startswith(b"\xff\xd8\xff") and ends_as_image(data)
        if coded[-1] == "/JPXDecode":
            return data.startswith(_JPX)
        return is_binary_blob(data[:HEAD])
    return picture_size(stream, len(data))


def picture_size(stream: Any, size: int, *, png_rows: bool = False) -> bool:
    """Whether ``size`` bytes are the samples the picture's dictionary describes (with
    ``png_rows``: each row led by the byte of a PNG predictor, as Flate data before the
    predictor is undone)."""
    width = _number(stream.get("/Width") or stream.get("/W"))
    height = _number(stream.get("/Height") or stream.get("/H"))
    if width <= 0 or height <= 0:
        return False
    if stream.get("/ImageMask") is True or stream.get("/IM") is True:
        sizes: tuple[tuple[int, int], ...] = ((1, 1),)
    else:
        bits = _number(stream.get("/BitsPerComponent") or stream.get("/BPC"), 8)
        sizes = tuple((bits, n) for n in _components(stream))
    for bits, count in sizes:
        row = (width * bits * count + 7) // 8 + (1 if png_rows else 0)
        if row * height <= size <= row * height + _SLACK:
            return True
    return False


def stored_picture(stream: Any, raw: bytes, limit: int) -> bool:
    """Whether a picture's stored bytes bear out its dictionary without decoding them whole:
    a JPEG, JPEG 2000, JBIG2 or fax picture stored as such (its bytes are the picture), or one
    stored with Flate alone, whose samples are measured by inflating in pieces without keeping
    them (a large picture is neither held in memory nor bounded by the PDF library's limit on
    one decoded stream). False means: decode it and look."""
    filters = _filters(stream)
    if len(filters) == 1 and filters[0] in _CODED:
        return is_picture(stream, raw)
    if filters != ["/FlateDecode"]:
        return False
    parms = stream.get("/DecodeParms")
    try:
        predictor = _number(parms.get("/Predictor"), 1) if parms is not None else 1
    except Exception:
        return False
    inflate = zlib.decompressobj()
    size = 0
    try:
        for start in range(0, len(raw), _PIECE):
            pending = raw[start : start + _PIECE]
            while pending:
                size += len(inflate.decompress(pending, 4 * _PIECE))
                pending = inflate.unconsumed_tail
                if size > limit:
                    return False
        size += len(inflate.flush())
    except zlib.error:
        return False
    return picture_size(stream, size, png_rows=predictor >= 10)


def is_font_program(data: bytes) -> bool:
    """A TrueType/OpenType, Type 1 or CFF font program, by its magic and by what follows it:
    glyph data is binary, or (Type 1) encrypted after ``eexec`` as binary or hex; a magic
    followed by readable text is text behind a claim, read as such."""
    head = data[:HEAD]
    if head.startswith(b"%!"):  # Type 1: PostScript whose glyphs are encrypted (eexec)
        at = data.find(b"eexec", 0, _PIECE)
        encrypted = data[at + 5 : at + 5 + _SAMPLE].strip() if at >= 0 else b""
        return bool(encrypted) and (
            _HEX.fullmatch(encrypted) is not None or not _mostly_printable(encrypted)
        )
    if is_font(head, len(data)) or head.startswith(b"\x80\x01"):  # sfnt, or Type 1 as PFB
        return not _mostly_printable(data)
    # CFF: major version 1, minor 0, a 4-byte header, offsets of 1 to 4 bytes; CFF2.
    return (
        len(head) >= 4
        and (
            (head[0] == 1 and head[1] == 0 and head[2] == 4 and 1 <= head[3] <= 4)
            or (head[0] == 2 and head[1] == 0 and head[2] == 5)
        )
        and not _mostly_printable(data)
    )


_SAMPLE = 4096  # bytes looked at after eexec
_HEX = re.compile(rb"[0-9A-Fa-f\s]+")
_PRINTABLE = bytes(range(0x20, 0x7F)) + b"\t\r\n"


def _mostly_printable(data: bytes) -> bool:
    """Whether nine bytes in ten are printable ASCII: text, where a font's glyphs or a
    colour profile's curves are binary (their few text tags, a name or a copyright, are a
    small part of them)."""
    if not data:
        return False
    binary = len(data.translate(None, _PRINTABLE))
    return binary * 10 < len(data)


def is_graphics(stream: Any, data: bytes) -> bool:
    """Whether ``data`` is the colour profile, function, shading or halftone its dictionary
    says: an ICC profile's ``acsp`` signature, a sampled function's exact size, calculator
    code, or (shading meshes, halftone thresholds) opaque binary."""
    function = stream.get("/FunctionType")
    if function is not None:
        if _number(function, -1) == 4:
            return _CALCULATOR.fullmatch(data) is not None
        if _number(function, -1) != 0:
            return False
        try:
            size = 1
            for n in stream.get("/Size"):
                size *= _number(n)
            outputs = len(stream.get("/Range")) // 2
        except Exception:
            return False
        bits = _number(stream.get("/BitsPerSample"))
        expected = (size * outputs * bits + 7) // 8
        return 0 < expected <= len(data) <= expected + _SLACK
    # An ICC profile (ICCBased, an output intent), or a palette, shading mesh or halftone.
    profile = data[36:40] == b"acsp" and int.from_bytes(data[:4], "big") == len(data)
    return (profile and not _mostly_printable(data)) or is_opaque(data)


def is_opaque(data: bytes) -> bool:
    """Binary tables no one reads as text (a palette, a shading mesh, a CID set, JBIG2
    globals): neither text, nor a container some reader opens, nor zlib data that inflates
    (a compressed file behind a claim); nor text behind a binary head (``_mostly_printable``
    over the whole)."""
    if not is_binary_blob(data[:HEAD]) or _mostly_printable(data):
        return False
    if len(data) > 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0:
        try:
            if zlib.decompressobj().decompress(data[:_PIECE], 64):
                return False
        except zlib.error:
            pass
    return True


def is_glyph_data(stream: Any, data: bytes) -> bool:
    """What a font dictionary refers to as a font: a font program or a CMap."""
    return is_font_program(data) or is_cmap(data)


def is_xref(stream: Any, data: bytes) -> bool:
    """A cross-reference stream's data: ``/W``-wide entries, as many as ``/Index`` (or
    ``/Size``) says, each of type 0, 1 or 2."""
    try:
        widths = [_number(w) for w in stream.get("/W")]
        index = stream.get("/Index")
        if index is None:
            count = _number(stream.get("/Size"))
        else:
            count = sum(_number(n) for n in list(index)[1::2])
    except Exception:
        return False
    if len(widths) != 3 or widths[0] < 1 or min(widths) < 0 or count <= 0:
        return False
    entry = sum(widths)
    if len(data) != entry * count:
        return False
    if widths[0] == 1:
        types = data[0::entry]
    else:  # a wider type field: its leading bytes are zero
        starts = range(0, len(data), entry)
        if any(data[at : at + widths[0] - 1].strip(b"\0") for at in starts):
            return False
        types = bytes(data[at + widths[0] - 1] for at in starts)
    return not types.translate(None, b"\0\1\2")
