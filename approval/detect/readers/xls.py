"""Legacy Excel (.xls, BIFF8 in an OLE2 compound file): every sheet, hidden parts flagged.

Cell values and sheet visibility come from python-calamine. One pass over the BIFF records
(the ``Workbook`` stream) adds what calamine does not give: hidden rows (``ROW`` with a zero
height flag) and columns (``COLINFO``), and the cells shown through a number format with
literal text (``FORMAT`` / ``XF`` / the cell's XF index), rendered as a reader sees them.

A workbook with a ``FILEPASS`` record (password to open, RC4 or XOR) and an OLE2 file holding
an encrypted OOXML package are ``Unscannable("encrypted")``. Comments (``NOTE`` / ``TXO``) and
pivot caches of .xls files are not read.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field

from approval.detect.readers._spreadsheet import (
    OLE_MAGIC,
    CompoundFile,
    NumberFormat,
    Overlay,
    compile_format,
    is_hidden,
    open_calamine,
    opened,
    sheet_table,
)
from approval.detect.units import Limits, Source, Unit, Unscannable

_EXTENSIONS = (".xls", ".xlt", ".xla", ".xlw")
# Other formats in OLE2 containers, which an .xls reader must leave to others (or to
# "unsupported format"): Word, PowerPoint, Outlook, installers, and encrypted OOXML.
_OTHER = (".doc", ".dot", ".ppt", ".pot", ".pps", ".msg", ".msi", ".vsd", ".pub", ".docx",
          ".docm", ".pptx", ".xlsx", ".xlsm")  # fmt: skip
_WORKBOOK_ENTRY = "Workbook".encode("utf-16-le")


class XlsReader:
    name = "xls"

    def accepts(self, head: bytes, name: str) -> bool:
        if not head.startswith(OLE_MAGIC):
            return False
        lower = name.lower()
        if lower.endswith(_EXTENSIONS):
            return True
        # No telling name: a directory entry "Workbook" in the first sectors says Excel.
        return not lower.endswith(_OTHER) and _WORKBOOK_ENTRY in head

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        with opened(source) as (stream, path):
            data = stream.read()
        compound = CompoundFile(data)
        if compound.encrypted_package:
            raise Unscannable("encrypted")
        entry = next((n for n in ("Workbook", "Book") if n in compound.names), None)
        if entry is None:
            raise Unscannable("unsupported format: OLE2 compound file without a workbook")
        sheets = _scan_biff(compound.stream(entry))
        book = open_calamine(path, io.BytesIO(data), (".xls", ".xla"))
        for index, meta in enumerate(book.sheets_metadata):
            # calamine lists the sheets in BOUNDSHEET order, as the scan does.
            marks = sheets[index] if index < len(sheets) else _Marks()
            table = sheet_table(
                book,
                meta.name,
                hidden=is_hidden(meta.visible),
                hidden_rows=marks.rows,
                hidden_columns=marks.columns,
                overlay=marks.overlay,
            )
            if table is not None:
                yield table


READER = XlsReader()


# ---------------------------------------------------------------------------------------------
# BIFF8 records [MS-XLS]

_BOF, _EOF, _FILEPASS, _BOUNDSHEET = 0x0809, 0x000A, 0x002F, 0x0085
_FORMAT, _XF, _ROW, _COLINFO = 0x041E, 0x00E0, 0x0208, 0x007D
_NUMBER, _RK, _MULRK, _FORMULA = 0x0203, 0x027E, 0x00BD, 0x0006
_ROW_HIDDEN = 0x20  # ROW.fDyZero: the row has zero height
_COLUMN_HIDDEN = 0x1  # COLINFO.fHidden


@dataclass
class _Marks:
    rows: set[int] = field(default_factory=set)
    columns: set[int] = field(default_factory=set)
    overlay: Overlay = field(default_factory=Overlay)


def _records(stream: bytes, at: int) -> Iterator[tuple[int, bytes]]:
    """(type, body) from offset ``at`` to the substream's EOF record."""
    end = len(stream)
    while at + 4 <= end:
        kind, size = struct.unpack_from("<HH", stream, at)
        body = stream[at + 4 : at + 4 + size]
        at += 4 + size
        yield kind, body
        if kind == _EOF:
            return


def _string(body: bytes, at: int, length_size: int) -> str:
    """An XLUnicodeString (``length_size`` 2) or ShortXLUnicodeString (1) at ``at``."""
    count = int.from_bytes(body[at : at + length_size], "little")
    flags = body[at + length_size] if at + length_size < len(body) else 0
    start = at + length_size + 1
    if flags & 0x1:
        return body[start : start + 2 * count].decode("utf-16-le", "replace")
    return body[start : start + count].decode("latin-1")


def _scan_biff(stream: bytes) -> list[_Marks]:
    """Per sheet, in BOUNDSHEET order: hidden rows and columns, cells with literal formats."""
    formats: dict[int, NumberFormat] = {}
    xf_formats: list[int] = []
    offsets: list[int] = []
    biff8 = True
    try:
        for kind, body in _records(stream, 0):
            if kind == _FILEPASS:
                raise Unscannable("encrypted")
            if kind == _BOF:
                biff8 = body[:2] == b"\x00\x06"
            elif kind == _FORMAT and biff8 and len(body) >= 5:
                fmt = compile_format(_string(body, 2, 2))
                if fmt is not None:
                    formats[int.from_bytes(body[:2], "little")] = fmt
            elif kind == _XF and len(body) >= 4:
                xf_formats.append(int.from_bytes(body[2:4], "little"))
            elif kind == _BOUNDSHEET and len(body) >= 4:
                offsets.append(int.from_bytes(body[:4], "little"))
        if any(offset + 4 > len(stream) for offset in offsets):
            raise Unscannable("corrupt: a sheet starts beyond the workbook stream")
        if not biff8:
            # BIFF5 and older lay records out differently; calamine still reads the values.
            return []
        styles = {i: formats[f] for i, f in enumerate(xf_formats) if f in formats}
        return [_scan_sheet(stream, offset, styles) for offset in offsets]
    except (struct.error, IndexError, ValueError, OverflowError) as e:
        raise Unscannable("corrupt: malformed workbook records") from e


def _scan_sheet(stream: bytes, offset: int, styles: dict[int, NumberFormat]) -> _Marks:
    marks = _Marks()
    if offset >= len(stream):
        return marks
    for kind, body in _records(stream, offset):
        if kind == _ROW and len(body) >= 16:
            if struct.unpack_from("<H", body, 12)[0] & _ROW_HIDDEN:
                marks.rows.add(struct.unpack_from("<H", body)[0])
        elif kind == _COLINFO and len(body) >= 10:
            first, last, _, _, flags = struct.unpack_from("<HHHHH", body)
            if flags & _COLUMN_HIDDEN:
                marks.columns.update(range(first, min(last, 16383) + 1))
        elif not styles:
            continue
        elif kind in (_NUMBER, _RK, _FORMULA) and len(body) >= 6:
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
