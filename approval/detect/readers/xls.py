"""Legacy Excel (.xls, BIFF8 in an OLE2 compound file): every sheet, hidden parts flagged.

Cell values and sheet visibility come from python-calamine. One pass over the BIFF records
(the ``Workbook`` stream) adds what calamine does not give: hidden rows (``ROW`` with a zero
height flag) and columns (``COLINFO``), and the cells shown through a number format with
literal text (``FORMAT`` / ``XF`` / the cell's XF index), rendered as a reader sees them.

The same pass reads the text that calamine does not give: comments and text boxes (``TXO``
with its ``CONTINUE`` records), page headers and footers (``HEADER`` / ``FOOTER``).

The document properties (the ``SummaryInformation`` and ``DocumentSummaryInformation``
property sets: title, author, the sheet-name list, and the custom properties File > Properties
> Custom shows) are parsed by ``_propset``, every byte: values as text (a custom property as
``name: value``, part "custom properties"), a thumbnail as a picture, other blobs and clipboard
data as files of their own, and anything not understood unread and blocking.

The bytes decide, never the name: an OLE2 compound file whose directory (in the first or last
8 KiB) holds a ``Workbook`` or ``Book`` stream. Legacy Word and PowerPoint files are left to
"unsupported format". A workbook with a ``FILEPASS`` record (password to open, RC4 or XOR) and
an OLE2 file holding an encrypted OOXML package are ``Unscannable("encrypted")``.

What the number formats show (``approval.detect.numfmt``): a cell's number or text through
the section that applies to it, in the table; each applied format's own text once, at its
first cell (part "number format at B2"); the sheet's stored values again, hidden (part
"stored values"), when a format shows less than a cell stores; the text of the ``FORMAT``
records no cell uses (part "number formats", hidden). List validations (``DV``: the items
typed into the rule, its prompt and error messages) as text (part "data validation lists"),
and the shared strings (``SST``, across its ``CONTINUE`` records) that no ``LABELSST`` cell
uses (part "unused shared strings", hidden).

Coverage: every stream of the compound file is a part: the workbook stream and each sheet
parsed, the property sets parsed (what of one is not read a part of its own), the ``CompObj``
class name's strings read (bytes after them read as a file of its own; a stream not laid out
so unread and blocking), an ``\x01Ole`` header of an embedded object without a link parsed
(it holds flags and zeros), and any other stream (macros, embedded objects, controls, an
``\x01Ole`` with a moniker) unread and blocking.

Every byte of the workbook stream: the globals and each sheet's substream (to the EOF that
closes its BOF, through the substreams nested in it: an embedded chart, whose series names and
cached values are read as text, since calamine skips them). What lies outside them (a
substream no ``BOUNDSHEET`` points to, bytes after the last sheet) is read as a file of its
own, so text is read and records block; the zeros writers pad the stream with are nothing.
Not read, and not yet reported as unread: hyperlinks, and a BIFF5 workbook's nested charts.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import partial

from approval.detect.numfmt import NumberFormat, compile_format, format_literals
from approval.detect.readers._carriers import picture
from approval.detect.readers._members import PICTURE_REASON
from approval.detect.readers._propset import read_property_set
from approval.detect.readers._spreadsheet import (
    OLE_MAGIC,
    CompoundFile,
    Overlay,
    column_letter,
    is_hidden,
    open_calamine,
    opened,
    sheet_table,
)
from approval.detect.units import (
    PARSED,
    UNREAD,
    Limits,
    Nested,
    Part,
    Probe,
    Source,
    Text,
    Unit,
    Unscannable,
    Where,
)

# Directory entries: a name in UTF-16, NUL-terminated, at the start of a 128-byte entry.
_WORKBOOK_ENTRIES = tuple(f"{n}\0".encode("utf-16-le") for n in ("Workbook", "Book"))
_PROPERTY_SETS = frozenset({"\x05SummaryInformation", "\x05DocumentSummaryInformation"})
_CLASS_NAME = "\x01CompObj"
_OLE_HEADER = "\x01Ole"
_OLE_VERSION = 0x02000001
_UNICODE_MARKER = 0x71B239F4
_OTHER_FORMATS = (
    ("WordDocument", "legacy Word document (.doc)"),
    ("PowerPoint Document", "legacy PowerPoint presentation (.ppt)"),
)


class XlsReader:
    name = "xls"

    def accepts(self, probe: Probe) -> bool:
        if not probe.head.startswith(OLE_MAGIC) or len(probe.head) < 512:
            return False
        if any(e in probe.head or e in probe.tail for e in _WORKBOOK_ENTRIES):
            return True
        # The directory's first sector: when the probe sees it and it names no workbook, this
        # is another OLE2 format; when it does not, read, and let the directory tell.
        shift, start = struct.unpack_from("<H", probe.head, 30)[0], probe.head[48:52]
        offset = 512 + int.from_bytes(start, "little") * (1 << min(shift, 16))
        seen_in_head = offset + 128 <= len(probe.head)
        seen_in_tail = probe.tail and offset >= probe.size - len(probe.tail)
        return not (seen_in_head or seen_in_tail)

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        with opened(source) as (stream, path):
            data = stream.read()
        compound = CompoundFile(data)
        if compound.encrypted_package:
            raise Unscannable("encrypted")
        entry = next((n for n in ("Workbook", "Book") if n in compound.names), None)
        if entry is None:
            for other, what in _OTHER_FORMATS:
                if other in compound.names:
                    raise Unscannable(f"unsupported format: {what}")
            raise Unscannable("unsupported format: OLE2 compound file without a workbook")
        workbook = compound.stream(entry)
        biff = _scan_biff(workbook)
        yield Part(entry, "workbook", len(workbook), PARSED)
        for start, end in biff.unreached:
            # Bytes outside the globals and every sheet's substream: no spreadsheet program
            # shows them, calamine does not read them. Text is read; records block.
            name = f"{entry} bytes {start}-{end} outside its substreams"
            yield Part(name, "unreached bytes", end - start, PARSED, "read as a file of its own")
            yield _nested(source, name, workbook[start:end])
        yield from _streams(source, compound, entry)
        if biff.texts:
            yield Text(Where(part=source.part), biff.texts, title="comments, text boxes, headers")
        book = open_calamine(path, io.BytesIO(data), (".xls", ".xla"))
        applied: set[NumberFormat] = set()
        for index, meta in enumerate(book.sheets_metadata):
            # calamine lists the sheets in BOUNDSHEET order, as the scan does.
            marks = biff.sheets[index] if index < len(biff.sheets) else _Marks()
            hidden = is_hidden(meta.visible)
            read = partial(
                sheet_table,
                book,
                meta.name,
                hidden=hidden,
                hidden_rows=marks.rows,
                hidden_columns=marks.columns,
            )
            table = read(overlay=marks.overlay)
            yield Part(f"sheet {index + 1}", "sheet", 0, PARSED)
            if table is not None:
                yield table
            for fmt, (row, column) in marks.overlay.applied().items():
                applied.add(fmt)
                if fmt.literals:
                    at = f"number format at {column_letter(column)}{row + 1}"
                    yield Text(Where(part=at, sheet=meta.name, hidden=hidden), fmt.literals)
            if marks.overlay.hides:
                # A format that shows no digits or no text: the stored values, as hidden.
                stored = read()
                if stored is not None:
                    yield replace(stored, where=Where("stored values", meta.name, hidden=True))
            if marks.validations:
                where = Where(part="data validation lists", sheet=meta.name, hidden=hidden)
                yield Text(where, marks.validations, meta.name)
            if marks.embedded:
                where = Where(part="embedded charts", sheet=meta.name, hidden=hidden)
                yield Text(where, marks.embedded, meta.name)
        shown = {fmt.code for fmt in applied}
        unapplied = [
            line for code, found in biff.literals.items() if code not in shown for line in found
        ]
        if unapplied:
            yield Text(Where(part="number formats", hidden=True), list(dict.fromkeys(unapplied)))
        if biff.unused:
            yield Text(Where(part="unused shared strings", hidden=True), biff.unused)


READER = XlsReader()


def _nested(source: Source, name: str, data: bytes) -> Nested:
    """``data`` from inside the file, read as a file of its own (by its content)."""
    return Nested(
        Source(
            name=name,
            open=lambda: io.BytesIO(data),
            size=len(data),
            depth=source.depth + 1,
            part=f"{source.part}/{name}" if source.part else name,
            context=source.context,
        ),
        Where(part=name),
    )


def _streams(source: Source, compound: CompoundFile, workbook: str) -> Iterator[Unit]:
    """A part for every stream but the workbook's; the text of the property sets and of the
    class name stream."""
    for name in sorted(compound.names - {workbook}):
        shown = name.lstrip("\x01\x05")
        data = compound.stream(name)
        if name in _PROPERTY_SETS:
            yield Part(shown, "properties", len(data), PARSED)
            yield from _properties(source, shown, data)
        elif name == _CLASS_NAME and (found := class_names(data)) is not None:
            strings, end = found
            yield Part(shown, "class name", len(data), PARSED)
            if strings:
                yield Text(Where(part="class name", hidden=True), strings)
            if data[end:].strip(b"\0"):
                after = f"{shown} bytes {end}-{len(data)} after its strings"
                yield Part(
                    after, "class name", len(data) - end, PARSED, "read as a file of its own"
                )
                yield _nested(source, after, data[end:])
        elif name == _OLE_HEADER and _empty_ole_header(data):
            yield Part(
                shown, "object header", len(data), PARSED, "embedded, no link: holds nothing"
            )
        else:
            yield Part(shown, "stream", len(data), UNREAD, "OLE stream this reader does not read")


def class_names(data: bytes) -> tuple[list[str], int] | None:
    """The strings of a ``CompObj`` stream [MS-OLEDS 2.3.8] (the program's name for the
    document, the clipboard format, the ProgID; in ANSI, then maybe again in UTF-16) and the
    offset after them; None when the stream is not laid out so."""
    strings: list[str] = []

    def string(at: int, wide: bool, clipboard: bool) -> int:
        size: int = struct.unpack_from("<I", data, at)[0]
        at += 4
        if clipboard and size in (0xFFFFFFFF, 0xFFFFFFFE):
            return at + 4  # a standard clipboard format: a number
        end = at + size * (2 if wide else 1)
        if end > len(data):
            raise ValueError("a string beyond the stream")
        raw = data[at:end]
        text = raw.decode("utf-16-le", "replace") if wide else raw.decode("cp1252", "replace")
        text = " ".join(text.replace("\0", " ").split())  # a NUL ends it for Windows only
        if text:
            strings.append(text)
        return end

    try:
        at = string(28, wide=False, clipboard=False)  # after the header: AnsiUserType
        at = string(at, wide=False, clipboard=True)
        if at + 4 <= len(data):  # Reserved1: the ProgID, absent in some writers' streams
            at = string(at, wide=False, clipboard=False)
        if at + 4 <= len(data) and struct.unpack_from("<I", data, at)[0] == _UNICODE_MARKER:
            at = string(at + 4, wide=True, clipboard=False)
            at = string(at, wide=True, clipboard=True)
            at = string(at, wide=True, clipboard=False)
    except (struct.error, ValueError):
        return None
    return strings, at


def _empty_ole_header(data: bytes) -> bool:
    """Whether an ``\x01Ole`` stream [MS-OLEDS 2.3.3] is the header of an embedded (not
    linked) object, with no moniker: version, flags and zeros, nothing else."""
    if len(data) < 20:
        return False
    version, _, _, _, moniker = struct.unpack_from("<IIIII", data)
    return (
        version == _OLE_VERSION
        and moniker == 0
        and not data[12:16].strip(b"\0")
        and (not data[20:].strip(b"\0"))
    )


def _properties(source: Source, shown: str, data: bytes) -> Iterator[Unit]:
    """A property set stream (``_propset``): the values as text (the named, custom ones as
    ``name: value``), what its blobs and clipboard data carry (a thumbnail as a picture, anything
    else as a file of its own), and a blocking part for each thing not read."""
    found = read_property_set(data)
    if found.values:
        yield Text(Where(part="document properties"), found.values)
    if found.named:
        yield Text(Where(part="custom properties"), found.named)
    if found.padding:
        yield Text(Where(part="document properties padding", hidden=True), found.padding)
    for carried in found.carried:
        name = f"{shown} {carried.name}"
        lines = picture(carried.data)
        if lines is None:
            yield Part(name, "property", len(carried.data), PARSED, "read as a file of its own")
            yield _nested(source, name, carried.data)
            continue
        yield Part(name, "image", len(carried.data), UNREAD, PICTURE_REASON, blocks=False)
        if lines:
            yield Text(Where(part=name, hidden=True), lines)
    for unread in found.unread:
        yield Part(f"{shown} {unread.name}", "property", unread.size, UNREAD, unread.reason)


# ---------------------------------------------------------------------------------------------
# BIFF8 records [MS-XLS]

_BOF, _EOF, _FILEPASS, _BOUNDSHEET = 0x0809, 0x000A, 0x002F, 0x0085
_TXO, _CONTINUE, _HEADER, _FOOTER = 0x01B6, 0x003C, 0x0014, 0x0015
_FORMAT, _XF, _ROW, _COLINFO = 0x041E, 0x00E0, 0x0208, 0x007D
_NUMBER, _RK, _MULRK, _FORMULA = 0x0203, 0x027E, 0x00BD, 0x0006
_SST, _LABELSST, _DV, _LABEL = 0x00FC, 0x00FD, 0x01BE, 0x0204
_MAX_STRINGS = 1 << 22  # shared strings in one workbook (Excel's own limit is near this)
_RSTRING, _STRING, _SERIESTEXT = 0x00D6, 0x0207, 0x100D
_ROW_HIDDEN = 0x20  # ROW.fDyZero: the row has zero height
_COLUMN_HIDDEN = 0x1  # COLINFO.fHidden


@dataclass
class _Marks:
    rows: set[int] = field(default_factory=set)
    columns: set[int] = field(default_factory=set)
    overlay: Overlay = field(default_factory=Overlay)
    validations: list[str] = field(default_factory=list)  # list items, prompts, messages
    embedded: list[str] = field(default_factory=list)  # embedded charts' text and values


@dataclass
class _Biff:
    """What one pass over the workbook stream found."""

    sheets: list[_Marks]  # per sheet, in BOUNDSHEET order
    texts: list[str]  # comments, text boxes, headers and footers
    literals: dict[str, list[str]]  # format code -> the text it shows of its own
    unused: list[str]  # shared strings no cell uses
    unreached: list[tuple[int, int]]  # bytes outside every substream, not zero


def _records(stream: bytes, at: int) -> Iterator[tuple[int, bytes, int]]:
    """(type, body, depth) from offset ``at`` to the EOF record that closes the substream
    there. A substream nested in it (an embedded chart's BOF ... EOF inside a worksheet) is
    walked through, its records at depth 2 or more: stopping at its EOF would leave the rest
    of the sheet (its validations, its later drawings) unread."""
    end = len(stream)
    depth = 0
    while at + 4 <= end:
        kind, size = struct.unpack_from("<HH", stream, at)
        body = stream[at + 4 : at + 4 + size]
        at += 4 + size
        if kind == _BOF:
            depth += 1
        yield kind, body, max(depth, 1)
        if kind == _EOF:
            depth -= 1
            if depth <= 0:
                return


def _substream_end(stream: bytes, at: int) -> int:
    """The offset after the EOF record that closes the substream at ``at``."""
    end = len(stream)
    depth = 0
    while at + 4 <= end:
        kind, size = struct.unpack_from("<HH", stream, at)
        at += 4 + size
        if kind == _BOF:
            depth += 1
        elif kind == _EOF:
            depth -= 1
            if depth <= 0:
                break
    return min(at, end)


def _unreached(stream: bytes, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ranges of ``stream`` outside every substream (``spans``) that hold a byte other
    than zero, each trimmed of the zeros at its ends. Writers pad the stream with zeros (to
    4096 bytes, out of the mini stream); Excel writes nothing else there, so whatever else
    is there was put there, and is read as a file of its own."""
    out: list[tuple[int, int]] = []
    at = 0
    for start, end in [*sorted(spans), (len(stream), len(stream))]:
        if start > at:
            gap = stream[at:start]
            kept = gap.lstrip(b"\0")
            if kept:
                out.append((start - len(kept), at + len(gap.rstrip(b"\0"))))
        at = max(at, end)
    return out


def _string(body: bytes, at: int, length_size: int) -> str:
    """An XLUnicodeString (``length_size`` 2) or ShortXLUnicodeString (1) at ``at``."""
    count = int.from_bytes(body[at : at + length_size], "little")
    flags = body[at + length_size] if at + length_size < len(body) else 0
    start = at + length_size + 1
    if flags & 0x1:
        return body[start : start + 2 * count].decode("utf-16-le", "replace")
    return body[start : start + count].decode("latin-1")


def _scan_biff(stream: bytes) -> _Biff:
    """Per sheet, in BOUNDSHEET order: hidden rows and columns, cells with literal formats,
    list validations; the text of comments, text boxes, headers and footers anywhere in the
    stream; every format's literal text; the shared strings no cell uses."""
    texts = _texts(stream)
    formats: dict[int, NumberFormat] = {}
    literals: dict[str, list[str]] = {}
    xf_formats: list[int] = []
    offsets: list[int] = []
    strings: list[str] = []
    sst: list[bytes] = []  # the SST record and the CONTINUE records after it
    biff8 = True
    try:
        for kind, body, _ in _records(stream, 0):
            if sst and kind == _CONTINUE:
                sst.append(body)
                continue
            if sst:
                strings, sst = _shared_strings(sst), []
            if kind == _FILEPASS:
                raise Unscannable("encrypted")
            if kind == _BOF:
                biff8 = body[:2] == b"\x00\x06"
            elif kind == _FORMAT and biff8 and len(body) >= 5:
                code = _string(body, 2, 2)
                if found := format_literals(code):
                    literals[code] = found
                fmt = compile_format(code)
                if fmt is not None:
                    formats[int.from_bytes(body[:2], "little")] = fmt
            elif kind == _XF and len(body) >= 4:
                xf_formats.append(int.from_bytes(body[2:4], "little"))
            elif kind == _BOUNDSHEET and len(body) >= 4:
                offsets.append(int.from_bytes(body[:4], "little"))
            elif kind == _SST and biff8 and len(body) >= 8:
                sst = [body]
        if sst:  # the last records of the stream: no record after them flushed the table
            strings = _shared_strings(sst)
        if any(offset + 4 > len(stream) for offset in offsets):
            raise Unscannable("corrupt: a sheet starts beyond the workbook stream")
        spans = [(at, _substream_end(stream, at)) for at in (0, *offsets)]
        unreached = _unreached(stream, spans)
        if not biff8:
            # BIFF5 and older lay records out differently; calamine still reads the values.
            return _Biff([], texts, literals, [], unreached)
        styles = {i: formats[f] for i, f in enumerate(xf_formats) if f in formats}
        used: set[int] = set()
        sheets = [_scan_sheet(stream, offset, styles, used) for offset in offsets]
        unused = [
            " ".join(text.split())
            for index, text in enumerate(strings)
            if index not in used and text.strip()
        ]
        return _Biff(sheets, texts, literals, unused, unreached)
    except (struct.error, IndexError, ValueError, OverflowError) as e:
        raise Unscannable("corrupt: malformed workbook records") from e


def _shared_strings(pieces: list[bytes]) -> list[str]:
    """The SST's strings [MS-XLS 2.4.265], read across the ``CONTINUE`` records after it
    (``pieces``). A string's characters cut by a record boundary go on after a new flags byte
    (1: UTF-16); its formatting runs and phonetic data do not."""
    body = pieces[0]
    count = min(struct.unpack_from("<I", body, 4)[0], _MAX_STRINGS)
    out: list[str] = []
    piece, at = 0, 8
    data = pieces[0]

    def advance() -> None:
        nonlocal piece, at, data
        piece += 1
        if piece >= len(pieces):
            raise ValueError("SST runs past its records")
        data, at = pieces[piece], 0

    def skip(size: int) -> None:
        nonlocal at
        while size > 0:
            if at >= len(data):
                advance()
            step = min(size, len(data) - at)
            at += step
            size -= step

    for _ in range(count):
        if at >= len(data) and piece == len(pieces) - 1:
            break  # fewer strings than the count says: the table ends with its records
        if at + 3 > len(data):
            if at < len(data):
                raise ValueError("a string header split across records")
            advance()
        chars, flags = struct.unpack_from("<HB", data, at)
        at += 3
        runs = ext = 0
        if flags & 0x8:
            runs = struct.unpack_from("<H", data, at)[0]
            at += 2
        if flags & 0x4:
            ext = struct.unpack_from("<I", data, at)[0]
            at += 4
        wide = flags & 0x1
        parts: list[str] = []
        while chars > 0:
            if at >= len(data):
                advance()
                wide = data[0] & 0x1
                at = 1
            width = 2 if wide else 1
            take = min(chars, (len(data) - at) // width)
            if take <= 0:
                raise ValueError("a character cut in half")
            raw = data[at : at + take * width]
            parts.append(raw.decode("utf-16-le", "replace") if wide else raw.decode("latin-1"))
            at += take * width
            chars -= take
        skip(4 * runs + ext)
        out.append("".join(parts))
    return out


def _texts(stream: bytes) -> list[str]:
    """Comment and text box text (a TXO record, its characters in the CONTINUE records after
    it, each starting with a flag byte: 1 for UTF-16), header and footer strings."""
    texts: list[str] = []
    at = 0
    end = len(stream)
    pending = 0  # characters of a TXO still to read
    piece: list[str] = []
    try:
        while at + 4 <= end:
            kind, size = struct.unpack_from("<HH", stream, at)
            body = stream[at + 4 : at + 4 + size]
            at += 4 + size
            if kind == _TXO and len(body) >= 12:
                pending = struct.unpack_from("<H", body, 10)[0]
                piece = []
            elif kind == _CONTINUE and pending and body:
                wide = body[0] & 0x1
                chunk = body[1:]
                text = chunk.decode("utf-16-le", "replace") if wide else chunk.decode("latin-1")
                text = text[:pending]
                piece.append(text)
                pending -= len(text)
                if pending <= 0:
                    texts.append("".join(piece))
                    pending = 0
            elif kind in (_HEADER, _FOOTER) and len(body) >= 3:
                text = _string(body, 0, 2)
                if text.strip():
                    texts.append(text)
            elif pending and kind != _CONTINUE:
                texts.append("".join(piece))  # a TXO whose text ran short: keep what there is
                pending = 0
    except (struct.error, UnicodeDecodeError) as e:
        raise Unscannable("corrupt: malformed workbook records") from e
    return [line for text in texts for line in text.splitlines()]


def _scan_sheet(
    stream: bytes, offset: int, styles: dict[int, NumberFormat], used: set[int]
) -> _Marks:
    marks = _Marks()
    if offset >= len(stream):
        return marks
    for kind, body, depth in _records(stream, offset):
        if depth > 1:
            # An embedded chart (or other substream in the sheet), which calamine skips: its
            # title and series names, and the cached values of its series.
            marks.embedded.extend(_embedded_text(kind, body))
        elif kind == _ROW and len(body) >= 16:
            if struct.unpack_from("<H", body, 12)[0] & _ROW_HIDDEN:
                marks.rows.add(struct.unpack_from("<H", body)[0])
        elif kind == _COLINFO and len(body) >= 10:
            first, last, _, _, flags = struct.unpack_from("<HHHHH", body)
            if flags & _COLUMN_HIDDEN:
                marks.columns.update(range(first, min(last, 16383) + 1))
        elif kind == _LABELSST and len(body) >= 10:
            row, column, xf, index = struct.unpack_from("<HHHI", body)
            used.add(index)
            if xf in styles:
                marks.overlay.add(row, column, styles[xf])
        elif kind == _DV:
            marks.validations.extend(_validation(body))
        elif not styles:
            continue
        elif kind in (_NUMBER, _RK, _FORMULA, _LABEL) and len(body) >= 6:
            row, column, xf = struct.unpack_from("<HHH", body)
            if xf in styles:
                marks.overlay.add(row, column, styles[xf])
        elif kind == _MULRK and len(body) >= 6:
            row, column = struct.unpack_from("<HH", body)
            for at in range(4, len(body) - 2, 6):
                xf = struct.unpack_from("<H", body, at)[0]
                if xf in styles:
                    marks.overlay.add(row, column, styles[xf])
                column += 1
    return marks


def _embedded_text(kind: int, body: bytes) -> list[str]:
    """The text of one record of a substream nested in a sheet (an embedded chart: its cached
    series values, Number / Label / RK cells after SIIndex, and its titles and series names,
    SeriesText), which calamine skips: the numbers as digits, the strings as they are."""
    if kind in (_LABEL, _RSTRING) and len(body) >= 9:
        text = _string(body, 6, 2)
    elif kind == _STRING and len(body) >= 3:
        text = _string(body, 0, 2)
    elif kind == _SERIESTEXT and len(body) >= 4:
        text = _string(body, 2, 1)
    elif kind == _NUMBER and len(body) >= 14:
        text = _number(struct.unpack_from("<d", body, 6)[0])
    elif kind == _RK and len(body) >= 10:
        text = _number(_rk(struct.unpack_from("<I", body, 6)[0]))
    else:
        return []
    return [text] if text.strip() else []


def _rk(value: int) -> float:
    """An RkNumber [MS-XLS 2.5.217]: a 30-bit integer or the high bits of a double, maybe /100."""
    if value & 0x2:
        number = float(struct.unpack("<i", struct.pack("<I", value & 0xFFFFFFFC))[0] >> 2)
    else:
        number = struct.unpack("<d", struct.pack("<Q", (value & 0xFFFFFFFC) << 32))[0]
    return number / 100 if value & 0x1 else number


def _number(value: float) -> str:
    """A cached number as a cell shows it by default: whole numbers without a decimal point."""
    if value != value or value in (float("inf"), float("-inf")):
        return ""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _validation(body: bytes) -> list[str]:
    """A data validation's text [MS-XLS 2.4.117]: its prompt and error titles and messages,
    and a list typed into the rule (a ``PtgStr`` in its first formula, items between NULs),
    one line each, a blank line after the rule's."""
    at = 4  # dwDvFlags
    lines: list[str] = []
    for _ in range(4):  # PromptTitle, ErrorTitle, Prompt, Error: XLUnicodeString
        text, at = _unicode_string(body, at, 2)
        if text.strip("\0 "):
            lines.append(" ".join(text.split()))
    size = struct.unpack_from("<H", body, at)[0]
    formula = body[at + 4 : at + 4 + size]
    if formula[:1] == b"\x17":  # PtgStr: a ShortXLUnicodeString
        text, _ = _unicode_string(formula, 1, 1)
        lines.extend(item.strip() for item in text.split("\0") if item.strip())
    return [*lines, ""] if lines else []


def _unicode_string(body: bytes, at: int, length_size: int) -> tuple[str, int]:
    """``_string``, and the offset after it."""
    count = int.from_bytes(body[at : at + length_size], "little")
    if at + length_size >= len(body):
        raise ValueError("a string beyond its record")
    wide = body[at + length_size] & 0x1
    start = at + length_size + 1
    end = start + count * (2 if wide else 1)
    raw = body[start:end]
    return (raw.decode("utf-16-le", "replace") if wide else raw.decode("latin-1")), end
