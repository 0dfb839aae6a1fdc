"""OLE property set streams [MS-OLEPS] built value by value, as Excel and LibreOffice write
them into legacy files (``\\x05SummaryInformation``, ``\\x05DocumentSummaryInformation``), for
the property set parser's tests and the xls reader's."""

from __future__ import annotations

import datetime
import struct
import uuid

SUMMARY = uuid.UUID("F29F85E0-4FF9-1068-AB91-08002B27B3D9")
DOC_SUMMARY = uuid.UUID("D5CDD502-2E9C-101B-9397-08002B2CF9AE")
USER_DEFINED = uuid.UUID("D5CDD505-2E9C-101B-9397-08002B2CF9AE")
UNICODE = 1200


def padded(raw: bytes) -> bytes:
    return raw + bytes(-len(raw) % 4)


def typed(kind: int, value: bytes) -> bytes:
    """A TypedPropertyValue: type, two bytes of padding, the value padded to 4 bytes."""
    return padded(struct.pack("<HH", kind, 0) + value)


def code_page_string(text: str, encoding: str = "cp1252") -> bytes:
    raw = (text + "\0").encode(encoding)
    return padded(struct.pack("<I", len(raw)) + raw)


def unicode_string(text: str) -> bytes:
    return padded(struct.pack("<I", len(text) + 1) + (text + "\0").encode("utf-16-le"))


def lpstr(text: str, encoding: str = "cp1252") -> bytes:
    return typed(0x1E, code_page_string(text, encoding))


def lpwstr(text: str) -> bytes:
    return typed(0x1F, unicode_string(text))


def i2(value: int) -> bytes:
    return typed(0x02, struct.pack("<h", value))


def i4(value: int) -> bytes:
    return typed(0x03, struct.pack("<i", value))


def r8(value: float) -> bytes:
    return typed(0x05, struct.pack("<d", value))


def boolean(value: bool) -> bytes:
    return typed(0x0B, struct.pack("<H", 0xFFFF if value else 0))


def filetime(when: datetime.datetime) -> bytes:
    ticks = (when - datetime.datetime(1601, 1, 1)) // datetime.timedelta(microseconds=1) * 10
    return typed(0x40, struct.pack("<Q", ticks))


def ole_date(when: datetime.date) -> bytes:
    return typed(0x07, struct.pack("<d", (when - datetime.date(1899, 12, 30)).days))


def vector(kind: int, elements: list[bytes]) -> bytes:
    """VT_VECTOR | kind: a count, then the elements (each already padded when its type is)."""
    return typed(0x1000 | kind, struct.pack("<I", len(elements)) + b"".join(elements))


def blob(data: bytes) -> bytes:
    return typed(0x41, struct.pack("<I", len(data)) + data)


def clipboard(data: bytes, tag: int = 0xFFFFFFFF, fmt: int | None = 3) -> bytes:
    """VT_CF: a format tag (-1: a Windows clipboard format ``fmt``), then the data."""
    body = struct.pack("<I", tag) + (b"" if fmt is None else struct.pack("<I", fmt)) + data
    return typed(0x47, struct.pack("<I", len(body)) + body)


def dictionary(names: dict[int, str], codepage: int = 1252) -> bytes:
    """Property names: ANSI names unpadded, Unicode ones each padded to 4 bytes."""
    out = struct.pack("<I", len(names))
    for pid, name in names.items():
        if codepage == UNICODE:
            raw = (name + "\0").encode("utf-16-le")
            out += struct.pack("<II", pid, len(name) + 1) + padded(raw)
        else:
            raw = (name + "\0").encode(f"cp{codepage}")
            out += struct.pack("<II", pid, len(raw)) + raw
    return padded(out)


def section(
    properties: dict[int, bytes], names: dict[int, str] | None = None, codepage: int = 1252
) -> bytes:
    """A section: the code page (property 1), the dictionary (property 0) when ``names``,
    then ``properties`` (identifier -> typed value), laid out after the offsets table."""
    values: dict[int, bytes] = {1: i2(codepage - 65536 if codepage > 32767 else codepage)}
    if names is not None:
        values[0] = dictionary(names, codepage)
    values.update(properties)
    table = 8 + 8 * len(values)
    ids, body = b"", b""
    for pid, value in values.items():
        ids += struct.pack("<II", pid, table + len(body))
        body += value
    return struct.pack("<II", table + len(body), len(values)) + ids + body


def property_set(*sections: tuple[uuid.UUID, bytes]) -> bytes:
    """A property set stream: the header, the sections' FMTIDs and offsets, the sections."""
    header = struct.pack("<HHI", 0xFFFE, 0, 0x00020006) + bytes(16)
    header += struct.pack("<I", len(sections))
    at = len(header) + 20 * len(sections)
    table, body = b"", b""
    for fmtid, data in sections:
        table += fmtid.bytes_le + struct.pack("<I", at + len(body))
        body += data
    return header + table + body


def excel_summary(author: str = "Jane Smith", thumbnail: bytes | None = None) -> bytes:
    """``\\x05SummaryInformation`` as Excel writes it: author, last author, application,
    creation and save times, security; a thumbnail (a metafile) when given."""
    saved = datetime.datetime(2024, 5, 2, 14, 31, 7)
    properties = {
        4: lpstr(author),
        8: lpstr(author),
        18: lpstr("Microsoft Excel"),
        12: filetime(saved - datetime.timedelta(days=3)),
        13: filetime(saved),
        19: i4(0),
    }
    if thumbnail is not None:
        properties[17] = clipboard(struct.pack("<hhhH", 8, 0, 0, 0) + thumbnail)
    return property_set((SUMMARY, section(properties)))


def excel_doc_summary(
    sheets: list[str],
    custom: dict[str, bytes] | None = None,
    codepage: int = 1252,
) -> bytes:
    """``\\x05DocumentSummaryInformation`` as Excel writes it: company, the sheet-name list
    (HeadingPairs, TitlesOfParts), flags, the application version; and the custom properties
    (name -> typed value) in a second, user-defined section named by its dictionary."""
    heading = vector(0x0C, [lpstr("Worksheets"), i4(len(sheets))])
    titles = vector(0x1E, [code_page_string(name) for name in sheets])
    first = section(
        {
            15: lpstr("Agency"),
            11: boolean(False),
            16: boolean(False),
            13: titles,
            12: heading,
            19: boolean(False),
            22: boolean(False),
            23: i4(0x000C0000),
        }
    )
    if not custom:
        return property_set((DOC_SUMMARY, first))
    names = {2 + i: name for i, name in enumerate(custom)}
    values = {2 + i: value for i, value in enumerate(custom.values())}
    second = section(values, names, codepage)
    return property_set((DOC_SUMMARY, first), (USER_DEFINED, second))


def wmf(text: str) -> bytes:
    """A small Windows metafile (a thumbnail) that draws ``text`` (META_TEXTOUT)."""
    raw = text.encode("cp1252")
    raw += bytes(len(raw) % 2)
    textout = struct.pack("<IH", (6 + 2 + len(raw) + 4) // 2, 0x0521)
    textout += struct.pack("<H", len(text)) + raw + struct.pack("<hh", 10, 10)
    eof = struct.pack("<IH", 3, 0)
    records = textout + eof
    size = (18 + len(records)) // 2
    header = struct.pack("<HHHIHIH", 1, 9, 0x0300, size, 0, 9, 0)
    return header + records
