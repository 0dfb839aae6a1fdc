"""OLE property set streams [MS-OLEPS]: every byte read as text, carried, or reported unread.

Any OLE2 format stores document properties so: ``\\x05SummaryInformation`` (title, author,
keywords, a thumbnail), ``\\x05DocumentSummaryInformation`` (company, manager, the sheet-name
list in ``HeadingPairs`` / ``TitlesOfParts``) and, in its second section, the user-defined
properties that File > Properties > Custom shows (Excel, LibreOffice), named by the section's
dictionary. A hider can put a person's record in a property's name, its value, an element of a
string vector or a blob; so the stream is walked as the format lays it out: the header, every
section (whatever its FMTID: the layout is the same), the dictionary (names in the section's
code page, or UTF-16 when that is 1200), and every typed value:

- strings (``VT_LPSTR`` / ``VT_BSTR`` in the code page, ``VT_LPWSTR``), to their full size:
  text after a NUL, which Windows does not show, is read too;
- numbers, booleans (``Yes`` / ``No``), dates: ``VT_FILETIME`` as ``YYYY-MM-DD`` (with the time
  of day when it has one; a named property's date, which Excel stores as a local midnight in
  UTC, as the date of the nearest midnight), ``VT_DATE`` likewise, so that a birthdate detector
  sees them;
- vectors of all of those and of ``VT_VARIANT``, element by element;
- ``VT_BLOB`` and ``VT_CF`` (clipboard data: a thumbnail) as bytes carried, to be read as a file
  of their own (a metafile or DIB thumbnail made a picture file: WMF, EMF, BMP).

What is not understood is reported unread: a type this module does not read (``VT_STREAM`` and
the other indirect types, arrays), a structure that does not add up (an offset or a size out of
its section or the stream), and any run of bytes that no part of the structure holds and is
not zero (between or after properties), but for the up to three bytes of a value's padding:
Excel leaves there what was in memory, so those are read as text (all of a stream's, joined:
a few bytes each could spell something together). Names of parts never carry the stream's
text: a property is named by its section and identifier. Some writers leave the strings of a
vector unpadded, or count one property more than their table holds (its "entry" is the first
value's bytes): both are read, since every byte still has to be held by a value or be zero.
"""

from __future__ import annotations

import codecs
import datetime
import struct
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

_BYTE_ORDER = 0xFFFE
_HEADER = 28  # byte order, version, system identifier, CLSID, number of sections
_CODEPAGE, _DICTIONARY = 1, 0
_LOCALE, _BEHAVIOR = 0x80000000, 0x80000003  # structure, not text: read, not shown
_UNICODE_PAGE = 1200
_MAX_DEPTH = 2  # a variant in a vector in a variant: deeper is not a layout writers use
_MAX_UNREAD = 64  # parts reported one by one; the rest of a broken stream as one more

_VT_VECTOR = 0x1000
_VT_I2, _VT_BSTR, _VT_BOOL, _VT_VARIANT, _VT_DECIMAL = 0x02, 0x08, 0x0B, 0x0C, 0x0E
_VT_LPSTR, _VT_LPWSTR, _VT_FILETIME, _VT_DATE = 0x1E, 0x1F, 0x40, 0x07
_VT_BLOB, _VT_BLOB_OBJECT, _VT_CF, _VT_CLSID = 0x41, 0x46, 0x47, 0x48
_VT_EMPTY, _VT_NULL, _VT_CY, _VT_R4, _VT_R8 = 0x00, 0x01, 0x06, 0x04, 0x05
# Fixed-size scalars: their struct format (packed so in a vector; padded to 4 bytes alone).
_SCALARS = {
    0x02: "<h", 0x03: "<i", 0x04: "<f", 0x05: "<d", 0x06: "<q", 0x07: "<d", 0x0A: "<I",
    0x0B: "<H", 0x10: "<b", 0x11: "<B", 0x12: "<H", 0x13: "<I", 0x14: "<q", 0x15: "<Q",
    0x16: "<i", 0x17: "<I", 0x40: "<Q",
}  # fmt: skip
_STRINGS = frozenset({_VT_BSTR, _VT_LPSTR, _VT_LPWSTR})
_CARRIERS = frozenset({_VT_BLOB, _VT_BLOB_OBJECT, _VT_CF})
_VECTOR_OF = frozenset(_SCALARS) | _STRINGS | {_VT_VARIANT, _VT_CF, _VT_CLSID}
_FILETIME_EPOCH = datetime.datetime(1601, 1, 1)
_OLE_EPOCH = datetime.datetime(1899, 12, 30)
_CODEPAGES = {
    65001: "utf-8", 1201: "utf-16-be", 10000: "mac_roman", 10007: "mac_cyrillic",
    20127: "ascii", 20866: "koi8_r", 21866: "koi8_u", 28591: "latin-1", 54936: "gb18030",
    50220: "iso2022_jp", 51932: "euc_jp", 51949: "euc_kr", 936: "gbk", 10001: "shift_jis",
    10002: "big5", 10003: "euc_kr", 10006: "mac_greek", 10008: "gb2312", 10029: "mac_latin2",
    10079: "mac_iceland", 10081: "mac_turkish",
    **{28590 + n: f"iso8859_{n}" for n in range(2, 16)},
}  # fmt: skip
# Windows clipboard formats a thumbnail comes in, made files a picture reader knows.
_CF_METAFILEPICT, _CF_DIB, _CF_ENHMETAFILE = 3, 8, 14


@dataclass(frozen=True)
class Carried:
    """Bytes a property holds (a blob, clipboard data), to read as a file of their own."""

    name: str  # "section 1 property 17": never the property's own name, which is text
    data: bytes


@dataclass(frozen=True)
class Unread:
    """Bytes of the stream not read: a property of a type not understood, a structure that
    does not add up, bytes that no property holds."""

    name: str
    size: int
    reason: str


@dataclass
class PropertySet:
    values: list[str] = field(default_factory=list)  # unnamed properties' values, as shown
    named: list[str] = field(default_factory=list)  # dictionary-named: "name: value"
    carried: list[Carried] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)
    padding: list[str] = field(default_factory=list)  # what is not zero in values' padding


class _Malformed(Exception):
    """A structure that does not add up, or a type not understood; the message is the reason."""


def read_property_set(data: bytes) -> PropertySet:
    """Every property of a property set stream, read or reported (see the module's doc)."""
    found = PropertySet()
    spans: list[tuple[int, int]] = []
    # Values may overlap (offsets are the writer's word), so a hostile stream could make every
    # property a long vector over the same bytes: the values read are bounded by the size.
    budget = [len(data) + 1024]
    if not data.strip(b"\0"):
        return found  # an empty stream holds nothing
    if len(data) < _HEADER + 20:
        found.unread.append(Unread("header", len(data), "a property set shorter than its header"))
        return found
    order, version = struct.unpack_from("<HH", data)
    count = struct.unpack_from("<I", data, 24)[0]
    if order != _BYTE_ORDER or version not in (0, 1) or _HEADER + 20 * count > len(data):
        found.unread.append(Unread("header", len(data), "not a property set stream"))
        return found
    spans.append((0, _HEADER + 20 * count))
    for number in range(count):
        offset = struct.unpack_from("<I", data, _HEADER + 20 * number + 16)[0]
        _section(data, offset, f"section {number + 1}", found, spans, budget)
    at = 0
    padding = bytearray()
    for start, end in [*sorted(spans), (len(data), len(data))]:
        if start > at and data[at:start].strip(b"\0"):
            if start - at < 4 and start % 4 == 0:
                padding += data[at:start]  # Excel leaves what was in memory in padding
            else:
                found.unread.append(
                    Unread(f"bytes {at}-{start}", start - at, "bytes that no property holds")
                )
        at = max(at, end)
    # All of it as one line: a few bytes each, but together they could spell something.
    found.padding = _lines(padding.replace(b"\0", b"").decode("cp1252", "replace"))
    if len(found.unread) > _MAX_UNREAD:
        rest = found.unread[_MAX_UNREAD - 1 :]
        found.unread[_MAX_UNREAD - 1 :] = [
            Unread("more", sum(u.size for u in rest), f"{len(rest)} more parts not read")
        ]
    return found


@dataclass
class _Section:
    data: bytes
    base: int
    end: int
    budget: list[int]
    encoding: str = "cp1252"
    unicode: bool = False

    def spend(self) -> None:
        self.budget[0] -= 1
        if self.budget[0] < 0:
            raise _Malformed("more values than the stream's size can hold")


def _section(
    data: bytes,
    base: int,
    name: str,
    found: PropertySet,
    spans: list[tuple[int, int]],
    budget: list[int],
) -> None:
    if base + 8 > len(data):
        found.unread.append(Unread(name, 0, "a section beyond the end of the stream"))
        return
    size, count = struct.unpack_from("<II", data, base)
    table = 8 + 8 * count
    if size < table or base + size > len(data):
        found.unread.append(Unread(name, len(data) - base, "a section whose size does not add up"))
        return
    entries: list[tuple[int, int]] = []
    first_value = size  # the lowest offset of a value so far: kept as it goes, not searched
    for k in range(count):
        if 8 + 8 * k >= first_value:
            # A writer that counts one property too many: the "entries" from here on are the
            # first value's bytes, read as such (or not zero, and unread).
            table = 8 + 8 * k
            break
        pid, offset = struct.unpack_from("<II", data, base + 8 + 8 * k)
        entries.append((pid, offset))
        if offset >= 8:
            first_value = min(first_value, offset)
    spans.append((base, base + table))
    offsets = sorted({offset for _, offset in entries} | {size})
    section = _Section(data, base, base + size, budget)
    valid: list[tuple[int, int]] = []
    for pid, offset in entries:
        if table <= offset and offset + 4 <= size:
            valid.append((pid, offset))
        else:
            found.unread.append(
                Unread(f"{name} property {pid}", 0, "a property offset out of its section")
            )
    # The code page first: it says how the dictionary and the 8-bit strings are encoded.
    for pid, offset in valid:
        typed = struct.unpack_from("<H", data, base + offset)[0]
        if pid == _CODEPAGE and typed == _VT_I2 and offset + 8 <= size:
            page = struct.unpack_from("<H", data, base + offset + 4)[0]
            section.unicode = page == _UNICODE_PAGE
            section.encoding = _encoding(page)
    names: dict[int, str] = {}
    for pid, offset in valid:
        if pid == _DICTIONARY:
            try:
                names.update(_dictionary(section, base + offset, spans))
            except (_Malformed, struct.error) as e:
                found.unread.append(Unread(f"{name} dictionary", 0, _reason(e)))
                spans.append((base + offset, base + _next(offsets, offset)))
    shown = {pid for pid, _ in valid}
    for pid, offset in valid:
        if pid == _DICTIONARY:
            continue
        at = base + offset
        label = f"{name} property {pid}"
        try:
            lines, carried, stop = _typed(section, at, pid in names, 0)
        except (_Malformed, struct.error) as e:
            # Up to the next property's value: the rest of what this one holds is unread.
            stop = base + _next(offsets, offset)
            found.unread.append(Unread(label, stop - at, _reason(e)))
            spans.append((at, stop))
            continue
        spans.append((at, stop))
        for index, blob in enumerate(carried):
            found.carried.append(
                Carried(label if len(carried) == 1 else f"{label} item {index + 1}", blob)
            )
        if pid in (_CODEPAGE, _LOCALE, _BEHAVIOR) and pid not in names:
            continue
        if pid in names:
            found.named.append(_labelled(names[pid], lines))
        else:
            found.values.extend(lines)
    # A name with no value (a dictionary entry for a property the section does not hold) is
    # still text in the file.
    found.named.extend(names[pid] for pid in names if pid not in shown)


def _next(offsets: list[int], offset: int) -> int:
    return next(o for o in offsets if o > offset)


def _reason(error: Exception) -> str:
    return str(error) if isinstance(error, _Malformed) else "a value beyond its section"


def _labelled(name: str, lines: list[str]) -> str:
    return f"{name}: {' '.join(lines)}" if lines else name


def _encoding(page: int) -> str:
    """The Python codec of a Windows code page; one Python does not know is read as cp1252,
    which keeps ASCII (the letters and digits a detector looks for) intact."""
    if page == _UNICODE_PAGE:
        return "utf-16-le"
    name = _CODEPAGES.get(page, f"cp{page}")
    try:
        codecs.lookup(name)
    except LookupError:
        return "cp1252"
    return name


def _dictionary(section: _Section, at: int, spans: list[tuple[int, int]]) -> dict[int, str]:
    """Property names [MS-OLEPS 2.17]: entries of identifier, length (characters, with the
    NUL) and name, in the code page or in UTF-16 (each entry then padded to 4 bytes)."""
    start = at
    count = _u32(section, at)
    at += 4
    if count > (section.end - at) // 8:
        raise _Malformed("a dictionary with more entries than its section holds")
    names: dict[int, str] = {}
    for _ in range(count):
        section.spend()
        pid, length = struct.unpack("<II", _take(section, at, 8))
        at += 8
        size = length * 2 if section.unicode else length
        raw = _take(section, at, size)
        spans.append((at - 8, at + size))
        at += size
        if section.unicode:
            at = _aligned(section, at, at - size - 8)
        names[pid] = " ".join(_lines(raw.decode(section.encoding, "replace"))) or f"#{pid}"
    spans.append((start, start + 4))
    return names


def _typed(
    section: _Section, at: int, named: bool, depth: int
) -> tuple[list[str], list[bytes], int]:
    """A TypedPropertyValue at ``at``: its lines as an application shows them, the bytes it
    carries, and where its bytes end (padding not included: it must be zero)."""
    section.spend()
    kind = struct.unpack("<H", _take(section, at, 2))[0]
    if kind & _VT_VECTOR and kind & ~_VT_VECTOR in _VECTOR_OF and depth <= _MAX_DEPTH:
        element = kind & ~_VT_VECTOR
        count = _u32(section, at + 4)
        pos = at + 8
        if count > section.end - pos:
            raise _Malformed("a vector with more elements than its section holds")
        lines: list[str] = []
        carried: list[bytes] = []
        for index in range(count):
            section.spend()
            if index:
                pos = _aligned(section, pos, at) if element not in _SCALARS else pos
            if element == _VT_VARIANT:
                more, blobs, pos = _typed(section, pos, named, depth + 1)
            else:
                more, blobs, pos = _value(section, element, pos, named)
            lines.extend(more)
            carried.extend(blobs)
        return lines, carried, pos
    if kind == _VT_DECIMAL:
        # DECIMAL [MS-OLEPS 2.8]: reserved, scale, sign, high 32 bits, low 64 bits.
        scale, sign, high, low = struct.unpack_from("<BBIQ", _take(section, at + 4, 16), 2)
        value = Decimal((high << 64) | low).scaleb(-scale) * (-1 if sign & 0x80 else 1)
        return [str(value)], [], at + 20
    if kind in (_VT_EMPTY, _VT_NULL):
        return [], [], at + 2
    if kind in _SCALARS or kind in _STRINGS or kind in _CARRIERS or kind == _VT_CLSID:
        return _value(section, kind, at + 4, named)
    raise _Malformed(f"a property of type 0x{kind:04X}, which is not read")


def _value(
    section: _Section, kind: int, at: int, named: bool
) -> tuple[list[str], list[bytes], int]:
    """One value of ``kind`` (no type field before it): lines, carried bytes, its end."""
    if kind in _SCALARS:
        fmt = _SCALARS[kind]
        size = struct.calcsize(fmt)
        number = struct.unpack(fmt, _take(section, at, size))[0]
        return [_shown(kind, number, named)], [], at + size
    if kind == _VT_CLSID:
        return [f"{{{uuid.UUID(bytes_le=_take(section, at, 16))}}}".upper()], [], at + 16
    size = _u32(section, at)
    if kind == _VT_LPWSTR:
        raw = _take(section, at + 4, size * 2)
        return _lines(raw.decode("utf-16-le", "replace")), [], at + 4 + size * 2
    raw = _take(section, at + 4, size)
    if kind in (_VT_LPSTR, _VT_BSTR):
        return _lines(raw.decode(section.encoding, "replace")), [], at + 4 + size
    if kind == _VT_CF:
        lines, payload = _clipboard(raw)
        return lines, [payload] if payload else [], at + 4 + size
    return [], [raw] if raw else [], at + 4 + size  # a blob


def _shown(kind: int, number: int | float, named: bool) -> str:
    """A number as a properties dialog shows it: dates as dates, booleans as Yes / No."""
    if kind == _VT_BOOL:
        return "Yes" if number else "No"
    if kind == _VT_CY:
        return str(Decimal(int(number)).scaleb(-4).normalize())
    if kind == _VT_FILETIME:
        return _filetime(int(number), named)
    if kind == _VT_DATE:
        try:
            when = _OLE_EPOCH + datetime.timedelta(days=float(number))
        except (OverflowError, ValueError):
            return repr(number)
        return _date(when)
    if isinstance(number, float):
        if number != number or number in (float("inf"), float("-inf")):
            return repr(number)
        return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)
    return str(number)


def _filetime(ticks: int, named: bool) -> str:
    """A FILETIME: 100-nanosecond ticks since 1601 (UTC). Small values are durations (a
    document's editing time); a named property's value is a date Excel stored as the user's
    local midnight, shown as the date of the nearest midnight."""
    span = datetime.timedelta(microseconds=ticks // 10)
    if span < datetime.timedelta(days=366):
        return str(span)
    try:
        when = _FILETIME_EPOCH + span
    except OverflowError:
        return str(ticks)
    if named:
        return (when + datetime.timedelta(hours=12)).date().isoformat()
    return _date(when)


def _date(when: datetime.datetime) -> str:
    if when.time() == datetime.time(0):
        return when.date().isoformat()
    return when.replace(microsecond=0).isoformat(sep=" ")


def _clipboard(raw: bytes) -> tuple[list[str], bytes]:
    """ClipboardData [MS-OLEPS 2.11]: a format tag, then the data. A thumbnail's metafile,
    enhanced metafile or DIB made a picture file; other data as it stands. A clipboard format
    given by name: the name as text."""
    if len(raw) < 4:
        raise _Malformed("clipboard data shorter than its format")
    tag = struct.unpack_from("<I", raw)[0]
    body = raw[4:]
    if tag == 0xFFFFFFFF and len(body) >= 4:  # a Windows clipboard format
        fmt, body = struct.unpack_from("<I", body)[0], body[4:]
        if fmt == _CF_METAFILEPICT and len(body) > 8:
            return [], body[8:]  # after METAFILEPICT's map mode, extents and handle: a WMF
        if fmt == _CF_DIB:
            return [], _bitmap_file(body)
        return [], body  # an EMF as it stands; other formats to be read by their bytes
    if tag == 0xFFFFFFFE:  # a Macintosh format (four characters)
        return [], body[4:]
    if tag == 0xFFFFFFFD:  # a format identifier (FMTID)
        return [], body[16:]
    if tag == 0:
        return [], body
    if tag > len(body):
        raise _Malformed("a clipboard format name beyond its data")
    return _lines(body[:tag].decode("cp1252", "replace")), body[tag:]


def _bitmap_file(dib: bytes) -> bytes:
    """A DIB (a BITMAPINFOHEADER, colours, pixels) with the file header a .bmp starts with."""
    if len(dib) < 40:
        return dib
    header, bits, compression, colours = struct.unpack_from("<I10xHI12xI", dib)
    if not colours and bits <= 8:
        colours = 1 << bits
    masks = 12 if compression == 3 and header == 40 else 0
    start = 14 + header + masks + 4 * colours
    return b"BM" + struct.pack("<IHHI", 14 + len(dib), 0, 0, start) + dib


def _u32(section: _Section, at: int) -> int:
    return int(struct.unpack("<I", _take(section, at, 4))[0])


def _take(section: _Section, at: int, size: int) -> bytes:
    if at + size > section.end:
        raise _Malformed("a value beyond its section")
    return section.data[at : at + size]


def _aligned(section: _Section, at: int, origin: int) -> int:
    """After padding to 4 bytes from ``origin``. Some writers do not pad the strings of a
    vector: only zero bytes are taken for padding (a byte that is not zero starts the next)."""
    while (at - origin) % 4 and at < section.end and section.data[at] == 0:
        at += 1
    return at


def _lines(text: str) -> list[str]:
    """A string's lines as text; a NUL ends a string for Windows only, so what follows one
    is read too, as a line of its own."""
    return [
        line for chunk in text.replace("\0", "\n").splitlines() if (line := " ".join(chunk.split()))
    ]
