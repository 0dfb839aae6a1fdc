"""XLSX / XLSM: every sheet, and every place in the workbook a reader could recover data from.

The 2022 leak was a second sheet; the 2023 Northern Ireland leak a hidden one. So this reader
yields, in order:

- every sheet, whatever its state (visible, hidden, veryHidden: ``Where.hidden``), as a
  ``Table`` titled with the sheet name and the text of its print headers and footers (Excel's
  ``&`` codes taken out: "Credible fear referrals" printed above every page is as much the
  table's context as a title row), with its hidden rows and columns and the sheet's column
  letters; cell values as a reader of the file sees them (see ``_spreadsheet``): a number shown
  through ``"A"000000000`` is the text ``A212345678``, a date is ``1990-03-04``;
- what the number formats show (``approval.detect.numfmt``): a cell's number or text through
  the section that applies to it, in the table (``"Jose Ramirez"`` shows that name, ``"A"@``
  puts an A before a text); each applied format's own text once, at its first cell (part
  "number format at B2", and a conditional format's at the first cell of its range); the
  sheet's stored values again, hidden (part "stored values"), when a format shows less than
  a cell stores; the text of the formats no cell uses (part "number formats", hidden: anyone
  who opens the file can apply them);
- each sheet's list validations, one item a line (part "data validation lists");
- each sheet's cell comments, as ``Text`` (part "comments"), one paragraph per comment;
- defined names holding constants (part "defined names"): ``"text"`` and numbers as ``Text``
  lines ``name: value``, array constants ``{..;..}`` as a ``Table``;
- pivot caches (part "pivot cache N", hidden): the field names as a header row and the cached
  source records, which a pivot table keeps even after its source sheet is deleted;
- cached values of external links (part "external link N", hidden);
- formulas (see ``_formulas``): the string literals of every formula as ``Text`` (part
  "formulas"), whatever value is saved (a workbook may ask Excel to recalculate on load); a
  formula without a saved value (openpyxl writes them so) evaluated when it is simple
  (literals, ``&``, ``CONCATENATE``, references to cells of the sheet) and its result put in
  the sheet's table where Excel shows it; one that cannot be evaluated and may build text
  that is nowhere in the file (``CHAR``, ``TEXT``, ``MID``...) makes an unread, blocking part
  ``<sheet part> formulas``. A saved value is only the file's claim about what Excel shows:
  a formula that may build text (a join, a text function, literals, or ``=Z100``) is
  computed from its cells whatever value is saved, and the sheet read again with what it
  computes where that differs (``=A1&B1`` over a hidden row, saved as ``-``). In a workbook
  Excel recalculates on load (``fullCalcOnLoad``, ``forceFullCalc``, an older ``calcId``, no
  calculation chain) one that cannot be computed is unread in the same part;
- the text of each sheet's XML outside its cells (headers and footers, data validation
  lists, filter values, hyperlinks, conditional formats, extensions), as ``Text`` located at
  the sheet's part, through the generic XML fallback;
- shared strings that no cell uses (part "unused shared strings", hidden);
- Power Query queries (``_mashup``): their M code, the data typed into them and their
  metadata, from the ``customXml`` part where Excel keeps them;
- every other member of the package, accounted for by ``_package.account``: drawings and
  text boxes, charts and their caches, comments' authors, docProps (core, app, custom),
  customXml, styles, relationships as text; embedded files as ``Nested``; pictures and fonts
  as non-blocking unread parts; a VBA project as an unread part that blocks.

Cell values come from python-calamine (fast, and it reports sheet visibility). The sheet XML
is read once more, streamed, by bytes regexes, for what calamine does not give: hidden rows
and columns, cells shown through a literal number format, formulas, the shared strings used,
the XML outside ``<sheetData>`` (kept, small, and parsed), and the sheet's extent. The
extent is checked before calamine reads the sheet: calamine lays a sheet's used range out
densely, so two cells at A1 and XFD1048576 would make it allocate 17 billion cells (it
aborts the process); a used range past ``_DENSE_CELLS`` (or ``Limits.max_cells``) is refused
with the bound named, and the pass stops reading as soon as it knows. The generic fallback
never re-reads a sheet: it reads the parts not already parsed.

A password-protected workbook is an OLE2 compound file (``EncryptionInfo`` and
``EncryptedPackage`` streams): ``Unscannable("encrypted")``. A legacy .xls given to this
reader is read as an .xls. Binary .xlsb workbooks get calamine's values and visibility only
(their parts are binary: no extent check, no formulas, no outside text; other binary parts
are nested and, having no reader, make the file unscannable).

Known gaps: a cell or row without an ``r`` attribute is not located (its formula is not
evaluated, its hidden flag not seen), though its extent is counted.
"""

from __future__ import annotations

import bisect
import functools
import html
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import islice
from typing import IO
from xml.etree import ElementTree

from approval.detect.numfmt import NumberFormat, compile_format, format_literals
from approval.detect.readers._formulas import literal_text, literals, shift
from approval.detect.readers._mashup import mashup
from approval.detect.readers._package import (
    XLSX,
    Malformed,
    account,
    check_unique,
    is_encrypted_package,
    package_kinds,
    xml_text,
)
from approval.detect.readers._spreadsheet import (
    OLE_MAGIC,
    ZIP_ERRORS,
    CompoundFile,
    Overlay,
    builds_text,
    column_index,
    column_letter,
    formula_values,
    forwards,
    is_hidden,
    open_calamine,
    opened,
    sheet_table,
)
from approval.detect.readers._zipspan import stream_used
from approval.detect.units import (
    UNREAD,
    Bound,
    Cell,
    Limits,
    Part,
    Probe,
    Source,
    Table,
    Text,
    Unit,
    Unscannable,
    Where,
)

_CHUNK = 1 << 20
_ParseError = ElementTree.ParseError


# The XML parsers: expat (2.4.1 and later, bundled with Python 3.11) refuses the exponential
# entity expansion of a "billion laughs" document, and ElementTree never fetches external
# entities, which are the attacks defusedxml guards against.
def _parse(data: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(data)  # noqa: S314


def _iterparse(stream: IO[bytes]) -> Iterator[tuple[str, ElementTree.Element]]:
    return ElementTree.iterparse(stream, events=("end",))  # noqa: S314


class XlsxReader:
    name = "xlsx"
    # Every member of the package is accounted for (``_package.account``): reading the same
    # bytes as a plain ZIP would add nothing.
    subsumes = frozenset({"zip"})

    def accepts(self, probe: Probe) -> bool:
        # A package with a workbook part; Office saves a password-protected workbook as an
        # OLE2 file wrapping the encrypted package, which is "encrypted", never passed.
        return XLSX in package_kinds(probe) or is_encrypted_package(probe)

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        with opened(source) as (stream, path):
            if stream.read(8).startswith(OLE_MAGIC):
                stream.seek(0)
                if CompoundFile(stream.read()).encrypted_package:
                    raise Unscannable("encrypted")
                from approval.detect.readers.xls import READER as XLS

                yield from XLS.read(source, limits)
                return
            stream.seek(0)
            try:
                package = zipfile.ZipFile(stream)
            except ZIP_ERRORS as e:
                raise Unscannable("corrupt: not a valid zip container") from e
            with package:
                yield from _read_package(package, path, stream, limits, source)


READER = XlsxReader()


# ---------------------------------------------------------------------------------------------
# The package: parts, relationships, workbook.xml, styles.xml


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: ElementTree.Element, name: str) -> Iterator[ElementTree.Element]:
    """Descendants named ``name`` in any namespace (transitional or strict OOXML)."""
    return (e for e in element.iter() if _local(e.tag) == name)


def _rid(element: ElementTree.Element) -> str | None:
    for key, value in element.attrib.items():
        if key.startswith("{") and _local(key) == "id":
            return value
    return None


@dataclass(frozen=True)
class _Rel:
    type: str  # the last segment: "worksheet", "comments", "pivotCacheDefinition", ...
    target: str  # the part's name in the zip


class _Package:
    def __init__(self, package: zipfile.ZipFile, limits: Limits):
        self.zip = package
        infos = package.infolist()
        if len(infos) > limits.max_entries:
            raise Unscannable("corrupt: too many parts in the package")
        expanded = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise Unscannable("encrypted")
            expanded += info.file_size
            # Small parts compress very well legitimately; only a big one is a bomb.
            if info.file_size > 1 << 20 and info.file_size > limits.max_ratio * max(
                info.compress_size, 1
            ):
                raise Unscannable("corrupt: a part expands beyond the limits")
        if expanded > limits.max_expanded_bytes:
            raise Unscannable("corrupt: the package expands beyond the limits")
        self.names = {info.filename for info in infos}
        self.lower = {name.lower(): name for name in self.names}

    def part(self, name: str) -> str | None:
        """The zip entry for part ``name`` (part names are case-insensitive in OPC)."""
        return name if name in self.names else self.lower.get(name.lower())

    def xml(self, name: str, what: str) -> ElementTree.Element | None:
        entry = self.part(name)
        if entry is None:
            return None
        try:
            return _parse(self.zip.read(entry))
        except (_ParseError, *ZIP_ERRORS) as e:
            raise Unscannable(f"corrupt: malformed {what}") from e

    def rels(self, name: str) -> dict[str, _Rel]:
        """Relationships of part ``name``, by id, targets resolved to zip entry names."""
        folder, base = posixpath.split(name)
        root = self.xml(posixpath.join(folder, "_rels", base + ".rels"), "relationships part")
        out: dict[str, _Rel] = {}
        if root is None:
            return out
        for rel in _children(root, "Relationship"):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External" or not target:
                continue
            if target.startswith("/"):
                resolved = target.lstrip("/")
            else:
                resolved = posixpath.normpath(posixpath.join(folder, target))
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            out[rel.get("Id", "")] = _Rel(kind, resolved)
        return out


def _workbook_part(package: _Package) -> str | None:
    for rel in package.rels("").values():
        if rel.type == "officeDocument":
            return rel.target
    for name in ("xl/workbook.xml", "xl/workbook.bin"):
        if package.part(name):
            return name
    return None


@dataclass(frozen=True)
class _Styles:
    by_id: dict[int, NumberFormat]  # numFmtId -> a format that changes what is seen (pivots)
    by_style: dict[int, NumberFormat]  # cell style index (the ``s`` of a cell) -> that format
    # The literal text of every format the styles define, applied or not, by format code.
    literals: dict[str, list[str]] = field(default_factory=dict)
    default: NumberFormat | None = None  # style 0's, shown by every cell without a style
    # The format code of each differential format (dxf) by index: what a conditional format
    # (``<cfRule dxfId="0">``) shows a cell through when its rule holds.
    dxf_codes: list[str | None] = field(default_factory=list)


def _recalculates(root: ElementTree.Element) -> bool:
    """Whether the workbook asks Excel to compute its formulas anew when it opens it, so that
    it shows their computed values, not the saved ones (``fullCalcOnLoad``,
    ``forceFullCalc``). Excel also recalculates a workbook an older engine calculated, or one
    without a calculation chain, but that is how Excel 2016 and LibreOffice save every
    workbook: a join this reader cannot compute there (a lookup, another sheet, a defined
    name) made honest workbooks unscannable, so there its saved value is read, and every join
    it can compute is read as computed beside it whatever the workbook says."""
    calc = next(_children(root, "calcPr"), None)
    return calc is not None and any(
        calc.get(flag) in ("1", "true") for flag in ("fullCalcOnLoad", "forceFullCalc")
    )


def _styles(package: _Package, rels: dict[str, _Rel]) -> _Styles:
    target = next((r.target for r in rels.values() if r.type == "styles"), None)
    root = package.xml(target, "styles part") if target else None
    if root is None:
        return _Styles({}, {})
    by_id: dict[int, NumberFormat] = {}
    literals: dict[str, list[str]] = {}
    # Every numFmt, those of conditional formats (dxf) too: a rule shows them when it holds.
    for element in _children(root, "numFmt"):
        code = element.get("formatCode", "")
        if found := format_literals(code):
            literals[code] = found
        fmt = compile_format(code)
        if fmt is not None and (number := element.get("numFmtId", "")).isdigit():
            by_id.setdefault(int(number), fmt)
    by_style: dict[int, NumberFormat] = {}
    if by_id:
        for container in _children(root, "cellXfs"):
            for index, xf in enumerate(e for e in container if _local(e.tag) == "xf"):
                number = xf.get("numFmtId", "0")
                if number.isdigit() and int(number) in by_id:
                    by_style[index] = by_id[int(number)]
    # A cell with no style attribute has style 0; were style 0 given a literal format (a
    # changed Normal style) such cells would need a full scan of every cell tag. Nobody does
    # that to the Normal style, so style 0 is left out rather than slow every workbook; what
    # it shows of its own is read as shown (see ``_format_texts``).
    default = by_style.pop(0, None)
    dxf_codes: list[str | None] = []
    for container in _children(root, "dxfs"):
        for dxf in (e for e in container if _local(e.tag) == "dxf"):
            numbers = next(_children(dxf, "numFmt"), None)
            dxf_codes.append(numbers.get("formatCode") if numbers is not None else None)
    return _Styles(by_id, by_style, literals, default, dxf_codes)


# A conditional format's range and its rules' differential formats, in the sheet's XML outside
# its cells: <conditionalFormatting sqref="B2:B40"><cfRule type="cellIs" dxfId="0" ...>. An
# element is found by its start, then its end, not by one lazy pattern from start to end:
# over starts with no end, that pattern searched to the end from each (a minute for 200 KB).
_CONDITIONAL_START = re.compile(rb"<(?:\w+:)?conditionalFormatting\b")
_CONDITIONAL_END = re.compile(rb"</(?:\w+:)?conditionalFormatting>")
_SQREF = re.compile(rb'\ssqref="\$?([A-Za-z]{1,3})\$?(\d+)')
_DXF_ID = re.compile(rb'<(?:\w+:)?cfRule\b[^<>]*?\sdxfId="(\d+)"')  # within its tag


def _conditional_blocks(outside: bytes | bytearray) -> Iterator[bytes | bytearray]:
    """Each ``conditionalFormatting`` element of the sheet's XML outside its cells."""
    at = 0
    while (start := _CONDITIONAL_START.search(outside, at)) is not None:
        end = _CONDITIONAL_END.search(outside, start.end())
        if end is None:
            return
        yield outside[start.start() : end.end()]
        at = end.end()


def _conditional_formats(
    outside: bytes | bytearray, styles: _Styles, sheet: str, hidden: bool, shown: set[str]
) -> Iterator[Unit]:
    """What the number formats of the sheet's conditional formats show of their own, once per
    format, at the first cell of the range it applies to (``shown`` collects their codes)."""
    if not styles.dxf_codes or b"onditionalFormatting" not in outside:
        return
    for block in _conditional_blocks(outside):
        where = _SQREF.search(block)
        for hit in _DXF_ID.finditer(block):
            index = int(hit.group(1))
            code = styles.dxf_codes[index] if index < len(styles.dxf_codes) else None
            if code is None or code in shown or not (found := styles.literals.get(code)):
                continue
            shown.add(code)
            at = f"{where.group(1).decode().upper()}{int(where.group(2))}" if where else "sheet"
            yield Text(Where(f"number format at {at}", sheet, hidden), found, sheet)


def _format_texts(
    sheet: str, hidden: bool, overlay: Overlay, applied: set[NumberFormat]
) -> Iterator[Unit]:
    """What the formats applied to the sheet's cells show of their own, once per format, at
    its first cell: a section a cell's value does not reach shows its text to other values
    (and a format may show it whatever the cell holds)."""
    for fmt, (row, column) in overlay.applied().items():
        applied.add(fmt)
        if fmt.literals:
            where = Where(part=f"number format at {column_letter(column)}{row + 1}", sheet=sheet,
                          hidden=hidden)  # fmt: skip
            yield Text(where, fmt.literals, sheet)


def _unapplied_formats(
    styles: _Styles, applied: set[NumberFormat], conditional: set[str]
) -> Iterator[Unit]:
    """The literal text of the formats no cell was seen to use, as hidden text: a style can be
    applied by anyone who opens the file. Style 0's is shown by every unstyled cell."""
    shown = {fmt.code for fmt in applied} | conditional
    if styles.default is not None and styles.default.literals:
        yield Text(Where(part="number format of unstyled cells"), styles.default.literals, "")
        shown.add(styles.default.code)
    lines = [line for code, found in styles.literals.items() if code not in shown for line in found]
    if lines:
        yield Text(Where(part="number formats", hidden=True), list(dict.fromkeys(lines)), "")


def _read_package(
    zipped: zipfile.ZipFile,
    path: str | None,
    stream: IO[bytes],
    limits: Limits,
    source: Source,
) -> Iterator[Unit]:
    package = _Package(zipped, limits)
    check_unique(zipped)
    workbook = _workbook_part(package)
    if workbook is None:
        raise Unscannable("corrupt: no workbook in the package")
    book = open_calamine(path, stream, (".xlsx", ".xlsm", ".xlsb"))
    binary = workbook.lower().endswith(".bin")
    root = None if binary else package.xml(workbook, "workbook part")
    rels = package.rels(workbook)
    sheet_parts: dict[str, str] = {}
    if root is not None:
        for sheet in _children(root, "sheet"):
            rel = rels.get(_rid(sheet) or "")
            if rel is not None:
                sheet_parts[sheet.get("name", "")] = rel.target
    styles = _Styles({}, {}) if binary else _styles(package, rels)
    recalculates = root is not None and _recalculates(root)
    # Parts read here, not by the generic fallback (``_package.account``): the sheets, whose
    # cells calamine reads and whose other elements the pass over the sheet reads as text.
    parsed: dict[str, str] = {}
    if binary:
        # calamine reads the binary parts it knows; every other part is accounted for below.
        parsed.update(
            (name, "binary part")
            for name in package.names
            if re.fullmatch(
                r"(?i)xl/(?:worksheets/sheet\d*|sharedStrings|workbook|styles)\.bin", name
            )
        )
    cells = min(limits.max_cells, _DENSE_CELLS)
    strings = next((r.target for r in rels.values() if r.type == "sharedStrings"), None)
    # One tally for the whole workbook: a string is used if a cell of any sheet uses it.
    strings_used = _UsedStrings() if strings is not None else None
    applied: set[NumberFormat] = set()  # formats a cell of some sheet shows its value through
    conditional: set[str] = set()  # format codes a sheet's conditional formats apply

    for meta in book.sheets_metadata:
        hidden = is_hidden(meta.visible)
        part = sheet_parts.get(meta.name)
        entry = package.part(part) if part else None
        if entry is None and not binary:
            # calamine would read a sheet whose XML was never checked for its extent.
            raise Unscannable("corrupt: a sheet the workbook lists has no part")
        marks = (
            _scan_sheet(package, entry, styles.by_style, cells, strings_used, source.stream_ends)
            if entry
            else _Marks()
        )
        if entry:
            parsed[entry] = "sheet"
            if marks.extent() > cells:
                if cells == limits.max_cells:
                    raise Bound(f"a sheet spans more than {cells} cells", "max_cells")
                # calamine lays out a sheet's used range densely, 32 bytes a cell: past this,
                # reading it would take more memory than a scan may (512 MB).
                raise Unscannable(f"too large: a sheet's used range spans more than {cells} cells")
        values = formula_values(
            book, meta.name, marks.uncached, marks.saved + marks.forwards, recalculates
        )
        extra = values.extra
        title = " / ".join([meta.name, *_print_titles(marks.outside)])
        read = partial(
            sheet_table,
            book,
            meta.name,
            hidden=hidden,
            hidden_rows=marks.rows,
            hidden_columns=marks.columns,
            overlay=marks.overlay,
            title=title,
        )
        table = read(extra=extra)
        if table is not None:
            yield table
            if marks.blocks:
                again = read(extra=extra)
                if again is not None:
                    yield from _stacked(again, sorted(set(marks.blocks)))
        if values.shown:
            # Excel recalculates on load when the workbook asks it to (and on F9): what the
            # formulas show then is read in place, beside the saved values read above (the
            # whole sheet, and its stacked tables, as above).
            shown = values.recomputed()
            for stacked in (False, True) if marks.blocks else (False,):
                recalculated = read(extra=shown)
                if recalculated is not None and stacked:
                    yield from _stacked(recalculated, sorted(set(marks.blocks)))
                elif recalculated is not None:
                    yield recalculated
        if marks.overlay:
            yield from _format_texts(meta.name, hidden, marks.overlay, applied)
            if marks.overlay.hides:
                # A format that shows no digits ("Jose Ramirez", ;;;"..."@) or no text: what
                # the cells store is in the file all the same, read as hidden.
                stored = read(extra=extra, overlay=None)
                if stored is not None:
                    yield replace(stored, where=Where("stored values", meta.name, hidden=True))
        if marks.literals:
            where = Where(part="formulas", sheet=meta.name, hidden=hidden)
            yield Text(where, marks.literals, meta.name)
        if entry:
            yield from _outside_cells(entry, marks, meta.name, hidden)
            yield from _validation_lists(marks.outside, meta.name, hidden)
            yield from _conditional_formats(marks.outside, styles, meta.name, hidden, conditional)
            if marks.forwards_dropped and values.shown:
                # Cells that show other cells, too many to keep: some may show a formula
                # whose saved value is not what it computes.
                values = replace(values, stale=values.stale + 1)
            if reason := values.reason():
                yield Part(f"{entry} formulas", "formulas", 0, UNREAD, reason)
        if part:
            comments = _comments(package, part)
            if comments:
                yield Text(
                    Where(part="comments", sheet=meta.name, hidden=hidden), comments, meta.name
                )

    if root is not None:
        sheet_names = [sheet.get("name", "") for sheet in _children(root, "sheet")]
        yield from _defined_names(root, sheet_names)
    yield from _unapplied_formats(styles, applied, conditional)
    if not binary:
        yield from _pivot_caches(package, rels, styles.by_id, parsed)
        yield from _external_links(package)
        entry = package.part(strings) if strings else None
        if entry is not None and strings_used is not None:
            parsed[entry] = "shared strings"
            yield from _unused_strings(package, entry, strings_used.indices, source.stream_ends)
        yield from _power_queries(package, source, limits, parsed)
    yield from account(source, zipped, limits, parsed)


_CUSTOM_XML = re.compile(r"(?i)customXml/item\d*\.xml")


def _power_queries(
    package: _Package, source: Source, limits: Limits, parsed: dict[str, str]
) -> Iterator[Unit]:
    """The workbook's Power Query queries (``_mashup``), in the custom XML parts where Excel
    keeps them; other custom XML is left to the generic fallback."""
    for name in sorted(package.names):
        if name in parsed or not _CUSTOM_XML.fullmatch(name):
            continue
        try:
            data = package.zip.read(name)
        except ZIP_ERRORS as e:
            raise Unscannable("corrupt: unreadable custom XML part") from e
        units = mashup(source, limits, name, data)
        if units is not None:
            parsed[name] = "power query"
            yield from units


# ---------------------------------------------------------------------------------------------
# One pass over a sheet's XML: hidden rows and columns, cells shown through literal formats,
# the sheet's extent, its formulas, the shared strings it uses, and everything outside its
# cells (headers and footers, data validation lists, filters, hyperlinks...) as XML to read

# Each pattern starts with a literal, which the regex engine finds at memchr speed; one
# alternation of them all runs 15 times slower. A zero height or width hides a row or a
# column as well as hidden="1" does: the three attributes are found in one pass from the
# "h" they share (hidden="1", ht="0", widt-h="0"), a letter no cell's markup has.
_HIDING = re.compile(rb'h(?:idden="(?:1|true)"|t="0(?:\.0*)?"|="0(?:\.0*)?")')
_TAG = re.compile(rb"<(?:[\w.-]+:)?(\w+)")  # <x:row ...> in prefixed documents
_ROW_NUMBER = re.compile(rb'\sr="(\d+)"')
_CELL_REF = re.compile(rb'\sr="([A-Za-z]{1,3})(\d+)"')
_COL_MIN = re.compile(rb'\smin="(\d+)"')
_COL_MAX = re.compile(rb'\smax="(\d+)"')
_MAX_COLUMNS = 16384
# The extent calamine will lay out. Rows: every row tag, with its number when it comes first
# (a row without one is placed after the row before it). Columns: one search for a cell tag
# that is not ``<c r="`` followed by a column already known (see ``_beyond``): most sheets
# have none after their first row, so the search is one pass at memchr speed.
_ROWS = re.compile(rb'<row(?: r="(\d+)")?')
_ROWS_PREFIXED = re.compile(rb'<(?:\w+:)?row(?:\s+r="(\d+)")?[\s>/]')
_ROW_SPLIT = re.compile(rb"</(?:\w+:)?row>")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
_REF_FIRST = re.compile(rb'<(?:\w+:)?c\sr="([A-Za-z]{1,3})\d')  # a cell tag, its reference first
# Possessive: no step can give back what it took and still match (a shared-string workbook
# has a hit in nearly every cell).
_STRING_INDEX = re.compile(rb't="s"[^>]*+>\s*+<(?:\w+:)?+v>(\d++)<')
_MAX_GAPS = 64  # indices skipped over that ``_UsedStrings`` still looks for one by one
# Literals looked for in every chunk of a sheet (megabytes of XML): a compiled regex finds a
# literal several times faster than ``bytes.find`` or ``in`` here, whose skip table is of
# little use when the needle ends in a character as common in XML as ``"`` or ``>``.
_SHARED_CELL = re.compile(rb't="s"')
_FORMULA_END = re.compile(rb"</f>")
_PREFIXED_FORMULA_END = re.compile(rb":f>")
_SHEET_DATA_END = re.compile(rb"sheetData>")
_FORMULA = re.compile(rb"<((?:\w+:)?)f(\s[^>]*)?(?:/>|>([^<]*)</\1f>)")
_CACHED = re.compile(rb"\s*<(?:\w+:)?v>([^<]+)</")
_SHARED_INDEX = re.compile(rb'\ssi="(\d+)"')
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData(?=[\s>/])")
# calamine's layout of a sheet (a sparse list, then a dense range: some 70 bytes a cell, and
# Python's rows of them after): a used range past this many cells is refused before calamine
# allocates it, whatever the policy's ``max_cells`` (a file's total), so that peak memory stays
# near 300 MB. A 200,000-row sheet of 20 columns is within it.
_DENSE_CELLS = 4_000_000
_MAX_OUTSIDE = 16 << 20  # bytes of a sheet's XML outside its cells
_MAX_LITERALS = 16 << 20  # characters of formula literals in one sheet
_MAX_UNCACHED = 1_000_000  # formula cells without a saved value in one sheet
# A block of rows after blank rows is read once more as a table of its own: a person reading
# the sheet sees a second table with its own header, where the classifier, reading the sheet
# as one table, takes the first header it finds for every row.
_STACKED_AFTER = 1


@dataclass
class _UsedStrings:
    """The shared-string indices the cells use, without a bytes object per cell.

    A shared-string sheet names an index in most of its cells (600,000 of them in 100,000
    rows of 8 columns), mostly the same few strings again (a country, a facility). Writers
    (Excel, openpyxl) number the strings in the order the cells first use them, row by row,
    so each chunk is searched only for the indices that can still be news: those above
    ``top``, and the few at or below it that no cell has used yet (``gaps``). Every other
    index is already in ``indices``, so the set is the same as collecting every reference;
    an index with a leading zero (``007``) is always taken. When too many indices were
    skipped over (a table in another order), every reference is collected, as before.
    """

    indices: set[int] = field(default_factory=set)
    top: int = -1  # every index up to ``top`` is in ``indices`` or in ``gaps``
    gaps: set[int] = field(default_factory=set)
    every: bool = False  # collect every reference (too many gaps)

    def note(self, buffer: bytes) -> None:
        if self.every:
            self.indices.update(map(int, _STRING_INDEX.findall(buffer)))
            return
        found = set(map(int, _news(self.top, tuple(sorted(self.gaps))).findall(buffer)))
        if not found:
            return
        self.indices |= found
        self.gaps -= found
        ordered = sorted(found)
        top = ordered[-1]
        if top > self.top:
            # The indices above the old top that this chunk did not use.
            skipped = top - self.top - (len(ordered) - bisect.bisect_right(ordered, self.top))
            if skipped + len(self.gaps) > _MAX_GAPS:
                self.every = True
                return
            if skipped:
                self.gaps |= set(range(self.top + 1, top)).difference(found)
            self.top = top


def _news(top: int, gaps: tuple[int, ...]) -> re.Pattern[bytes]:
    """``_STRING_INDEX`` for the indices above ``top``, the ``gaps``, and any with a leading
    zero: decimal numbers above ``top`` spelt out as a regex (more digits; or as many, and a
    larger digit after a common start)."""
    digits = str(top) if top >= 0 else ""
    above = [rb"0\d*+", rb"[1-9]\d{%d,}+" % len(digits)]
    for i, ch in enumerate(digits):
        if ch < "9":
            rest = len(digits) - i - 1
            above.append(
                digits[:i].encode()
                + b"[%c-9]" % (ord(ch) + 1)
                + (rb"\d{%d}" % rest if rest else b"")
            )
    numbers = b"|".join([*above, *(b"%d" % g for g in gaps)])
    return re.compile(rb't="s"[^>]*+>\s*+<(?:\w+:)?+v>(' + numbers + rb")<")


@dataclass
class _Marks:
    rows: set[int] = field(default_factory=set)
    columns: set[int] = field(default_factory=set)
    overlay: Overlay = field(default_factory=Overlay)
    last_row: int = 0  # 1-based, the largest row number met
    unnumbered_rows: int = 0
    last_column: int = -1  # 0-based, the largest column a cell is (or may be) placed in
    prefixed: bool | None = None  # whether the sheet's elements have a prefix (x:c)
    strings: _UsedStrings | None = None  # the workbook's shared strings used (None: it has none)
    previous_row: int = 0  # the last row number met
    blocks: list[int] = field(default_factory=list)  # see ``_gaps``
    literals: list[str] = field(default_factory=list)
    literal_chars: int = 0
    masters: dict[bytes, tuple[int, int, str]] = field(default_factory=dict)
    uncached: list[tuple[int, int, str]] = field(default_factory=list)
    # Formulas with a saved value that may build text (a join, a text function, literals):
    # computed from their cells whatever value is saved (``formula_values``).
    saved: list[tuple[int, int, str]] = field(default_factory=list)
    # ``=Z100`` with a saved value: computed too, in case Z100 is a text formula whose
    # saved value is stale; past ``_MAX_UNCACHED`` of them, no longer kept (noted).
    forwards: list[tuple[int, int, str]] = field(default_factory=list)
    forwards_dropped: bool = False
    outside: bytearray = field(default_factory=bytearray)
    phase: int = 0  # 0 before <sheetData>, 1 inside, 2 after

    def extent(self) -> int:
        """How many cells calamine may lay out for the sheet (an upper bound)."""
        return (self.last_row + self.unnumbered_rows) * (self.last_column + 1)


def _scan_sheet(
    package: _Package,
    entry: str,
    styles: dict[int, NumberFormat],
    cells: int,
    strings: _UsedStrings | None,
    stream_ends: dict[int, int],
) -> _Marks:
    """What the sheet holds besides calamine's values, in one streamed pass.

    Bytes regexes over the decompressed XML, streamed in 1 MiB chunks cut after a row (or at
    least a tag) so that no cell is split; each hit is checked against the tag it sits in, so
    text that merely looks like an attribute cannot count. Rows and cells without an ``r``
    attribute (allowed, rare) are not located and so not flagged; nor are style attributes
    preceded by a tab or a newline instead of a space. Where the sheet's compressed stream ends
    goes into ``stream_ends`` (``Source.stream_ends``), for the scanner's accounting of the
    archive's bytes.
    """
    marks = _Marks(strings=strings)
    try:
        with package.zip.open(entry) as xml:
            tail = b""
            while chunk := xml.read(_CHUNK):
                buffer = tail + chunk
                cut = _cut(buffer)
                _scan_chunk(buffer[:cut], styles, marks)
                if marks.extent() > cells:
                    break  # refused by the caller: reading on would only cost time
                tail = buffer[cut:]
                if len(tail) > 64 * _CHUNK:  # no tag is 64 MiB long
                    raise Unscannable("corrupt: malformed sheet part")
            else:
                _scan_chunk(tail, styles, marks)
                info = package.zip.getinfo(entry)
                if (used := stream_used(xml, info)) is not None:
                    stream_ends[info.header_offset] = used
    except ZIP_ERRORS as e:
        raise Unscannable("corrupt: unreadable sheet part") from e
    return marks


def _cut(buffer: bytes) -> int:
    """Where to end a chunk: after its last row, else after its last cell, else its last tag."""
    for end_tag in (b"</row>", b":row>", b"</c>", b":c>", b">"):
        at = buffer.rfind(end_tag)
        if at >= 0:
            return at + len(end_tag)
    return 0


def _scan_chunk(buffer: bytes, styles: dict[int, NumberFormat], marks: _Marks) -> None:
    if not buffer:
        return
    _outside(buffer, marks)
    for hit in _HIDING.finditer(buffer):
        at, kind = hit.start(), buffer[hit.start() + 1 : hit.start() + 2]
        if kind == b"t" and not buffer[at - 1 : at].isspace():
            continue  # customHeight="0", not ht="0"
        if kind == b"=" and not (
            buffer[at - 4 : at] == b"widt" and buffer[at - 5 : at - 4].isspace()
        ):
            continue  # another name ending in h, not width="0"
        start = buffer.rfind(b"<", 0, hit.start())
        end = buffer.find(b">", hit.end())
        tag = _TAG.match(buffer, start) if start >= 0 else None
        if tag is None or tag.group(1) not in (b"row", b"col"):
            continue
        if tag.group(1) == b"row":
            if number := _ROW_NUMBER.search(buffer, start, end):
                marks.rows.add(int(number.group(1)) - 1)
        else:
            low, high = _COL_MIN.search(buffer, start, end), _COL_MAX.search(buffer, start, end)
            if low and high:
                first, last = int(low.group(1)), min(int(high.group(1)), _MAX_COLUMNS)
                marks.columns.update(range(first - 1, last))
    if styles:
        _styled_cells(buffer, styles, marks.overlay)
    _extent(buffer, marks)
    if marks.strings is not None and _SHARED_CELL.search(buffer):
        marks.strings.note(buffer)
    # A formula with text ends in </f>; one without (a shared formula's other cells) follows
    # one with it, earlier in the sheet.
    if _FORMULA_END.search(buffer) or (marks.prefixed and _PREFIXED_FORMULA_END.search(buffer)):
        _formulas(buffer, marks)


def _gaps(numbers: list[bytes], marks: _Marks) -> None:
    """Where a block of rows starts after blank rows (0-based), past the first rows: a second
    table stacked under the first one on the same sheet."""
    previous = marks.previous_row
    for number in map(int, numbers):
        if number > previous + 1 and previous > 0 and number - 1 >= _STACKED_AFTER:
            marks.blocks.append(number - 1)
        previous = number


def _extent(buffer: bytes, marks: _Marks) -> None:
    """The rows and columns calamine will lay out for the cells of ``buffer``."""
    if marks.prefixed is None:
        marks.prefixed = re.search(rb"<\w+:worksheet[\s>]", buffer) is not None
    rows = _ROWS_PREFIXED.findall(buffer) if marks.prefixed else _ROWS.findall(buffer)
    numbers = [number for number in rows if number]
    if numbers:
        marks.last_row = max(marks.last_row, max(map(int, numbers)))
        first, last = int(numbers[0]), int(numbers[-1])
        if first != marks.previous_row + 1 or last - first + 1 != len(numbers):
            _gaps(numbers, marks)  # blank rows between these (rare: one check per chunk)
        marks.previous_row = last
    marks.unnumbered_rows += len(rows) - len(numbers)
    at = 0
    while hit := _beyond(marks.last_column, bool(marks.prefixed)).search(buffer, at):
        ref = _CELL_REF.match(buffer, hit.end() - 1)
        if ref is not None:  # a cell in a column further right
            # The rightmost of the rest of the chunk's cells at once: stepping one column at a
            # time would compile a pattern for each column of a 16,384-column row (3 s).
            widest = (column_index(r) for r in _REF_FIRST.findall(buffer, hit.start()))
            marks.last_column = max(marks.last_column, column_index(ref.group(1)), *widest)
            at = hit.end()
        else:  # a cell without its reference first: placed after the cell before it
            _unnumbered_cells(buffer, marks)
            return


@functools.cache
def _beyond(column: int, prefixed: bool) -> re.Pattern[bytes]:
    """A cell tag that does not start with a reference to a column up to ``column``: the
    reference comes first in the tag as every writer puts it, and the letters are spelt out
    as a regex of what is not past ``column``, so that a search finds only news."""
    letters = column_letter(column) if column >= 0 else ""
    within = [f"[A-Z]{{1,{len(letters) - 1}}}"] if len(letters) > 1 else []
    for i, ch in enumerate(letters):
        rest = len(letters) - i - 1
        tail = f"[A-Z]{{{rest}}}" if rest else ""
        if ch > "A":
            within.append(f"{letters[:i]}[A-{chr(ord(ch) - 1)}]{tail}")
    within.append(letters)
    known = "|".join(w for w in within if w) or "(?!)"
    tag = rb"<(?:\w+:)?c" if prefixed else rb"<c"
    return re.compile(tag + rb'(?:>|/>|\s(?!r="(?:' + known.encode() + rb")\d))")


def _unnumbered_cells(buffer: bytes, marks: _Marks) -> None:
    """Row by row, for a chunk that has cells without a leading reference: a row of them is
    as wide as it is long (or its references say more)."""
    for row in _ROW_SPLIT.split(buffer):
        refs = [column_index(letters) for letters, _ in _CELL_REF.findall(row)]
        width = max(len(_CELL_TAG.findall(row)), max(refs, default=-1) + 1)
        marks.last_column = max(marks.last_column, min(width, _MAX_COLUMNS) - 1)


def _stacked(table: Table, starts: list[int]) -> Iterator[Table]:
    """The blocks of ``table`` that start at ``starts`` (row indices), each a table of its
    own, from one pass over its rows (the scanner reads a unit before it asks for the next)."""
    rows = iter(table.rows)
    at = [0]  # rows taken from ``rows`` so far

    def take(count: int | None) -> Iterator[Sequence[Cell]]:
        for row in rows if count is None else islice(rows, count):
            at[0] += 1
            yield row

    for number, start in enumerate(starts):
        for _ in take(start - at[0]):
            pass
        end = starts[number + 1] if number + 1 < len(starts) else None
        yield replace(
            table,
            where=replace(table.where, part="stacked table"),
            rows=take(None if end is None else end - start),
            hidden_rows=frozenset(r - start for r in table.hidden_rows if r >= start),
        )


def _outside(buffer: bytes, marks: _Marks) -> None:
    """Keep the sheet's XML outside ``<sheetData>``: its start and end tags with everything
    but the cells make a small document of their own, which the generic fallback reads."""
    if marks.phase == 0:
        opening = _SHEET_DATA.search(buffer)
        if opening is None:
            marks.outside += buffer
        else:
            marks.outside += buffer[: opening.start()]
            close = buffer.find(b">", opening.end())
            if close > 0 and buffer[close - 1 : close] == b"/":  # <sheetData/>
                marks.phase = 2
                marks.outside += buffer[close + 1 :]
            else:
                marks.phase = 1
                _outside(buffer[opening.end() :], marks)
    elif marks.phase == 1:
        end = _SHEET_DATA_END.search(buffer)
        if end is not None:
            marks.phase = 2
            marks.outside += buffer[end.end() :]
    else:
        marks.outside += buffer
    if len(marks.outside) > _MAX_OUTSIDE:
        raise Unscannable(
            f"too large: a sheet holds more than {_MAX_OUTSIDE >> 20} MiB outside its cells"
        )


def _formulas(buffer: bytes, marks: _Marks) -> None:
    """Every formula of the chunk: its literals as text, and those without a saved value
    (``<v>`` missing or empty) kept with their cell, to be evaluated."""
    for hit in _FORMULA.finditer(buffer):
        start = max(buffer.rfind(b"<c ", 0, hit.start()), buffer.rfind(b":c ", 0, hit.start()))
        ref = _CELL_REF.search(buffer, start, buffer.find(b">", start)) if start >= 0 else None
        if ref is None:
            continue
        row, column = int(ref.group(2)) - 1, column_index(ref.group(1))
        attributes = hit.group(2) or b""
        formula = html.unescape(hit.group(3).decode("utf-8", "replace")) if hit.group(3) else ""
        shared = _SHARED_INDEX.search(attributes) if b"shared" in attributes else None
        if shared is not None:
            if formula:
                marks.masters[shared.group(1)] = (row, column, formula)
            elif (master := marks.masters.get(shared.group(1))) is not None:
                formula = shift(master[2], row - master[0], column - master[1])
        if not formula:
            continue
        found = literals(formula)
        if found:
            line = literal_text(formula, found)
            marks.literal_chars += len(line)
            if marks.literal_chars > _MAX_LITERALS:
                raise Unscannable(
                    f"too large: a sheet's formulas hold more than {_MAX_LITERALS >> 20} MiB"
                    " of text"
                )
            marks.literals.append(line)
        if _CACHED.match(buffer, hit.end()) is None:
            marks.uncached.append((row, column, formula))
            if len(marks.uncached) > _MAX_UNCACHED:
                raise Unscannable(
                    f"too large: more than {_MAX_UNCACHED} formulas without a saved value"
                )
        elif found or builds_text(formula):
            marks.saved.append((row, column, formula))
            if len(marks.saved) > _MAX_UNCACHED:
                raise Unscannable(f"too large: more than {_MAX_UNCACHED} formulas that build text")
        elif forwards(formula):
            # ``=Z100``: what Z100 shows, which may be a text formula computed anew.
            if len(marks.forwards) < _MAX_UNCACHED:
                marks.forwards.append((row, column, formula))
            else:
                marks.forwards_dropped = True


# A sheet's print headers and footers (<headerFooter>: oddHeader, oddFooter, evenHeader,
# evenFooter, firstHeader, firstFooter), whose text has no child elements. Excel's codes in
# them: &L &C &R start the left, centre and right sections; &P &N &D &T &F &A &Z &G are the
# page, pages, date, time, file, sheet, path and picture; &B &I &U &E &S &X &Y &O &H styles;
# &"font,style" a font, &12 a size, &K colours (&KFF0000, or a theme: &K01+000); && is "&".
_HEADER_FOOTER = re.compile(
    rb"<((?:\w+:)?(?:odd|even|first)(?:Header|Footer))(?:\s[^>]*)?>([^<]*)</\1\s*>"
)
_PRINT_CODE = re.compile(
    r'&(?:(&)|([LCRlcr])|"[^"]*"?|[Kk](?:[0-9A-Fa-f]{6}|\d\d[+-]\d{3})|\d+'
    r"|[PNDTFAZGBIUESXYOHpndtfazgbiuesxyoh])"
)


def _print_titles(outside: bytes | bytearray) -> list[str]:
    """The text of the sheet's print headers and footers (from its XML outside the cells),
    one item per section, Excel's codes taken out: printed on every page above and below the
    table, it titles the table as a sheet name does ("Credible fear referrals")."""
    start = outside.find(b"headerFooter")  # their parent: the search starts there
    if start < 0:
        return []
    titles: list[str] = []
    for hit in _HEADER_FOOTER.finditer(outside, start):
        text = html.unescape(hit.group(2).decode("utf-8", "replace"))
        text = _PRINT_CODE.sub(lambda m: "&" if m.group(1) else "\n" if m.group(2) else " ", text)
        for section in text.split("\n"):
            words = " ".join(section.split())
            # What codes alone leave ("&D / &F": a slash) titles nothing.
            if any(ch.isalnum() for ch in words) and words not in titles:
                titles.append(words)
    return titles


def _outside_cells(entry: str, marks: _Marks, sheet: str, hidden: bool) -> Iterator[Unit]:
    """The text of the sheet's XML outside its cells: headers and footers, data validation
    lists, filter values, hyperlinks, conditional formats, extensions."""
    try:
        lines = [line for batch in xml_text(io.BytesIO(bytes(marks.outside))) for line in batch]
    except Malformed:
        yield Part(entry, "sheet", len(marks.outside), UNREAD, "malformed XML outside the cells")
        return
    if lines:
        yield Text(Where(part=entry, sheet=sheet, hidden=hidden), lines, sheet)


# A list validation's items, typed into the rule: <formula1>"A,B,C"</formula1>, or
# <x14:formula1><xm:f>"A,B,C"</xm:f></x14:formula1> in the extension Excel 2010 writes.
_VALIDATION_LIST = re.compile(rb'<((?:\w+:)?(?:formula1|f))>\s*"([^<]*)"\s*</\1>')


def _validation_lists(outside: bytes | bytearray, sheet: str, hidden: bool) -> Iterator[Unit]:
    """The items of the sheet's list validations, one line each, as the dropdown shows them
    (the XML outside the cells is read as text too, where they are one line of commas)."""
    if b"ormula1" not in outside:
        return
    lines: list[str] = []
    for hit in _VALIDATION_LIST.finditer(outside):
        text = html.unescape(hit.group(2).decode("utf-8", "replace")).replace('""', '"')
        lines.extend(item.strip() for item in text.split(",") if item.strip())
        lines.append("")
    if lines:
        where = Where(part="data validation lists", sheet=sheet, hidden=hidden)
        yield Text(where, lines[:-1], sheet)


def _unused_strings(
    package: _Package, entry: str, indices: set[int], stream_ends: dict[int, int]
) -> Iterator[Unit]:
    """Shared strings no cell uses, as text: a writer may leave a list of names there after
    deleting the cells, and the file still carries it. Where the part's compressed stream
    ends goes into ``stream_ends``, as ``_scan_sheet`` does."""
    try:
        with package.zip.open(entry) as xml:
            count = 0
            tail = b""
            while chunk := xml.read(_CHUNK):
                # The needles are 4 bytes: 3 carried over find one that straddles two chunks,
                # and cannot hold a whole one that was counted already.
                buffer = tail + chunk
                count += sum(buffer.count(n) for n in (b"<si>", b"<si ", b":si>", b":si "))
                tail = buffer[-3:]
            info = package.zip.getinfo(entry)
            if (used := stream_used(xml, info)) is not None:
                stream_ends[info.header_offset] = used
        # Every string used (the indices past the table, which a cell may name, left out).
        below = (
            len(indices)
            if not indices or max(indices) < count
            else sum(1 for i in indices if i < count)
        )
        if count <= below:
            return
        lines: list[str] = []
        with package.zip.open(entry) as xml:
            index = 0
            for _, element in _iterparse(xml):
                if _local(element.tag) != "si":
                    continue
                if index not in indices:
                    text = "".join(_comment_text(element)).strip()
                    if text:
                        lines.append(" ".join(text.split()))
                element.clear()
                index += 1
    except (_ParseError, *ZIP_ERRORS) as e:
        raise Unscannable("corrupt: malformed shared strings") from e
    if lines:
        yield Text(Where(part="unused shared strings", hidden=True), lines, "")


def _styled_cells(buffer: bytes, styles: dict[int, NumberFormat], overlay: Overlay) -> None:
    """Add the cells of ``buffer`` whose style shows numbers through a literal format.

    Writers put ``r`` right before ``s`` (``<c r="B2" s="3" t="n">``). Searched forwards, the
    only literal to anchor on is ``<c r="``, which every cell has; searched in the reversed
    buffer, the pattern starts with the rare ``"3"=s``, which the regex engine skips to at
    memchr speed (a 200,000-row column costs 0.05 s instead of 0.25 s). When a plain count of
    the style attribute says some cells were missed (another attribute order, or a row
    style), the chunk is checked hit by hit instead.
    """
    backwards = buffer[::-1]
    found: list[tuple[list[tuple[bytes, bytes]], NumberFormat]] = []
    for style, fmt in styles.items():
        hits = _reversed_cell_pattern(style).findall(backwards)
        if len(hits) != buffer.count(b' s="%d"' % style):
            _styled_cells_slowly(buffer, styles, overlay)
            return
        found.append((hits, fmt))
    for hits, fmt in found:
        columns = {letters for _, letters in hits}
        if len(columns) == 1:
            # One column, hits in reverse order: consecutive rows are one run, known from the
            # first and last row alone (a cell appears once in a sheet).
            first, last = int(hits[-1][0][::-1]) - 1, int(hits[0][0][::-1]) - 1
            if last - first + 1 == len(hits):
                overlay.add(first, column_index(hits[0][1][::-1]), fmt, last)
                continue
        for letters in columns:
            column = column_index(letters[::-1])
            for row, at in reversed(hits):
                if at == letters:
                    overlay.add(int(row[::-1]) - 1, column, fmt)


@functools.cache
def _reversed_cell_pattern(style: int) -> re.Pattern[bytes]:
    """``<c r="B2" s="3"`` spelt backwards, capturing the row and column, both reversed."""
    return re.compile(rb'"%d"=s "(\d+)([A-Z]{1,3})"=r c<' % int(str(style)[::-1]))


def _styled_cells_slowly(buffer: bytes, styles: dict[int, NumberFormat], overlay: Overlay) -> None:
    styled = re.compile(rb' s="(' + b"|".join(b"%d" % s for s in styles) + rb')"')
    for hit in styled.finditer(buffer):
        start = buffer.rfind(b"<", 0, hit.start())
        if start < 0 or _tag_name(buffer, start) != b"c":
            continue
        ref = _CELL_REF.search(buffer, start, buffer.find(b">", hit.end()))
        if ref is not None:
            overlay.add(
                int(ref.group(2)) - 1, column_index(ref.group(1)), styles[int(hit.group(1))]
            )


def _tag_name(buffer: bytes, start: int) -> bytes | None:
    tag = _TAG.match(buffer, start)
    return tag.group(1) if tag else None


# ---------------------------------------------------------------------------------------------
# Comments

_SPACES = re.compile(r"\s+")


def _comments(package: _Package, sheet_part: str) -> list[str]:
    """One line per comment, a blank line between comments (each is its own paragraph)."""
    rels = package.rels(sheet_part).values()
    legacy = [r.target for r in rels if r.type == "comments"]
    threaded = [r.target for r in rels if r.type == "threadedComment"]
    lines: list[str] = []
    # Excel writes a threaded comment twice: as itself and as a legacy note; read one of them.
    for target in legacy or threaded:
        root = package.xml(target, "comments part")
        if root is None:
            continue
        for comment in _children(root, "comment" if legacy else "threadedComment"):
            text = "".join(_comment_text(comment))
            text = _SPACES.sub(" ", text).strip()
            if text:
                lines.extend((text, ""))
    return lines[:-1]


def _comment_text(comment: ElementTree.Element) -> Iterator[str]:
    # Phonetic guides (<rPh>, over Japanese text) repeat the text they annotate: skipped.
    skipped = {id(e) for r in comment.iter() if _local(r.tag) == "rPh" for e in r.iter()}
    for element in comment.iter():
        if id(element) in skipped or not element.text:
            continue
        tag = _local(element.tag)
        if tag == "t" or (tag == "text" and len(element) == 0):  # threaded: text directly
            yield element.text


# ---------------------------------------------------------------------------------------------
# Defined names

_STRING = re.compile(r'"((?:[^"]|"")*)"')
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _defined_names(root: ElementTree.Element, sheet_names: list[str]) -> Iterator[Unit]:
    lines: list[str] = []
    for element in _children(root, "definedName"):
        name, formula = element.get("name", ""), (element.text or "").strip()
        formula = formula.removeprefix("=")
        local = element.get("localSheetId", "")
        sheet = (
            sheet_names[int(local)] if local.isdigit() and int(local) < len(sheet_names) else None
        )
        array = _array_constant(formula)
        if array is not None:
            where = Where(part="defined names", sheet=sheet, hidden=True)
            yield Table(where=where, rows=array, title=name)
            continue
        constants = [m.group(1).replace('""', '"') for m in _STRING.finditer(formula)]
        if not constants and _NUMBER.fullmatch(formula):
            constants = [formula]
        if constants:
            lines.extend((f"{name}: {' '.join(constants)}", ""))
    if lines:
        yield Text(Where(part="defined names", hidden=True), lines[:-1], "defined names")


_ARRAY_TOKEN = re.compile(r'"(?:[^"]|"")*"|[;,]|[^;,"]+')


def _array_constant(formula: str) -> list[list[Cell]] | None:
    """``{"a",1;"b",2}`` as rows, else None. Commas separate columns, semicolons rows."""
    if not (formula.startswith("{") and formula.endswith("}")):
        return None
    rows: list[list[Cell]] = [[]]
    for piece in _ARRAY_TOKEN.findall(formula[1:-1]):
        if piece == ";":
            rows.append([])
        elif piece.startswith('"'):
            rows[-1].append(piece[1:-1].replace('""', '"'))
        elif piece != "," and (piece := piece.strip()):
            upper = piece.upper()
            rows[-1].append(upper == "TRUE" if upper in ("TRUE", "FALSE") else _number(piece))
    return rows


def _number(token: str) -> Cell:
    """A number from XML text, whole numbers as ints; anything else stays text."""
    try:
        value = float(token)
    except ValueError:
        return token
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


# ---------------------------------------------------------------------------------------------
# Pivot caches

_PIVOT_DEFINITION = re.compile(r"(?i)(?:^|/)pivotCacheDefinition(\d*)\.xml$")


@dataclass
class _CacheField:
    name: str
    items: list[Cell]
    fmt: NumberFormat | None


def _pivot_caches(
    package: _Package,
    rels: dict[str, _Rel],
    formats: dict[int, NumberFormat],
    parsed: dict[str, str],
) -> Iterator[Unit]:
    """Every pivot cache definition in the package, whether workbook.xml lists it or not: the
    records stay in the file after the source sheet, or the pivot table itself, is gone."""
    listed = [r.target for r in rels.values() if r.type == "pivotCacheDefinition"]
    found = sorted(
        (n for n in package.names if _PIVOT_DEFINITION.search(n)), key=lambda n: (len(n), n)
    )
    definitions = list(dict.fromkeys([*(p for p in listed if package.part(p)), *found]))
    for number, definition in enumerate(definitions, start=1):
        yield from _pivot_cache(package, definition, number, formats, parsed)


def _pivot_cache(
    package: _Package,
    definition: str,
    number: int,
    formats: dict[int, NumberFormat],
    parsed: dict[str, str],
) -> Iterator[Unit]:
    root = package.xml(definition, "pivot cache")
    if root is None:
        return
    source = next(_children(root, "worksheetSource"), None)
    sheet = source.get("sheet") or source.get("name") if source is not None else None
    fields: list[_CacheField] = []
    for element in _children(root, "cacheField"):
        # Calculated fields (a formula, or databaseField="0") are not in the records.
        if element.get("formula") or element.get("databaseField") in ("0", "false"):
            continue
        shared = next((e for e in element if _local(e.tag) == "sharedItems"), None)
        items = [_cache_value(e) for e in shared] if shared is not None else []
        number_format = element.get("numFmtId", "0")
        fmt = formats.get(int(number_format)) if number_format.isdigit() else None
        fields.append(_CacheField(element.get("name", ""), items, fmt))
    records = next(
        (r.target for r in package.rels(definition).values() if r.type == "pivotCacheRecords"),
        None,
    )
    if records is None:
        guess = definition.replace("pivotCacheDefinition", "pivotCacheRecords")
        records = guess if guess != definition and package.part(guess) else None
    where = Where(part=f"pivot cache {number}", sheet=sheet, hidden=True)
    header: list[Cell] = [f.name for f in fields]
    entry = package.part(records) if records is not None else None
    if entry is not None:
        # Every value of the records part is in the rows read here (the definition, which
        # holds more than its fields, is read by the generic fallback too).
        parsed[entry] = "pivot cache records"
        rows = _cache_records(package, entry, fields)
    else:
        # No records saved: the distinct values of each field are all that is left. They are
        # laid side by side, which pairs values that were not in one record; it is still every
        # value a reader of the file can recover.
        depth = max((len(f.items) for f in fields), default=0)
        rows = iter(
            [[f.items[i] if i < len(f.items) else None for f in fields] for i in range(depth)]
        )
    yield Table(where=where, rows=_with_header(header, rows), title=sheet or "")


def _with_header(header: list[Cell], rows: Iterator[list[Cell]]) -> Iterator[list[Cell]]:
    yield header
    yield from rows


def _cache_value(element: ElementTree.Element) -> Cell:
    kind, value = _local(element.tag), element.get("v")
    if kind == "m" or value is None:
        return None
    if kind == "n":
        return _number(value)
    if kind == "b":
        return value in ("1", "true")
    if kind == "d":
        return value[:10] if value.endswith("T00:00:00") else value.replace("T", " ")
    return value  # s (string), e (error)


def _cache_records(package: _Package, part: str, fields: list[_CacheField]) -> Iterator[list[Cell]]:
    """The records, streamed: ``<r>`` holds one value per field, inline or as ``<x v="i"/>``,
    an index into that field's shared items."""
    entry = package.part(part)
    assert entry is not None
    try:
        with package.zip.open(entry) as xml:
            for _, element in _iterparse(xml):
                if _local(element.tag) != "r":
                    continue
                row: list[Cell] = []
                for position, child in enumerate(element):
                    f = fields[position] if position < len(fields) else None
                    if _local(child.tag) == "x":
                        index = int(child.get("v", "0"))
                        value = f.items[index] if f and 0 <= index < len(f.items) else None
                    else:
                        value = _cache_value(child)
                    # A format that hides the number (its own text alone) leaves it: the
                    # text is read with the formats no cell uses.
                    if f and f.fmt and not f.fmt.hides and type(value) in (int, float):
                        value = f.fmt.render(value)  # type: ignore[arg-type]
                    row.append(value)
                element.clear()
                yield row
    except (_ParseError, *ZIP_ERRORS) as e:
        raise Unscannable("corrupt: malformed pivot cache") from e


# ---------------------------------------------------------------------------------------------
# External links: cached copies of other workbooks' cells

_EXTERNAL_LINK = re.compile(r"(?i)(?:^|/)externalLink(\d*)\.xml$")
_REF = re.compile(r"([A-Za-z]{1,3})(\d+)")


def _external_links(package: _Package) -> Iterator[Unit]:
    parts = sorted(
        (n for n in package.names if _EXTERNAL_LINK.search(n)), key=lambda n: (len(n), n)
    )
    for number, part in enumerate(parts, start=1):
        root = package.xml(part, "external link")
        if root is None:
            continue
        names = [e.get("val", "") for e in _children(root, "sheetName")]
        for data in _children(root, "sheetData"):
            sheet_id = data.get("sheetId", "")
            sheet = (
                names[int(sheet_id)] if sheet_id.isdigit() and int(sheet_id) < len(names) else None
            )
            rows = _sparse_rows(data)
            if rows:
                where = Where(part=f"external link {number}", sheet=sheet, hidden=True)
                yield Table(where=where, rows=rows, title=sheet or "")


def _sparse_rows(data: ElementTree.Element) -> list[list[Cell]]:
    """The cached cells, one list per cached row, each as wide as its last cell."""
    rows: dict[int, dict[int, Cell]] = {}
    for cell in _children(data, "cell"):
        ref = _REF.fullmatch(cell.get("r", ""))
        value = next((e.text for e in cell if _local(e.tag) == "v"), None)
        if ref is None or value is None:
            continue
        kind = cell.get("t", "n")
        cells = rows.setdefault(int(ref.group(2)), {})
        cells[column_index(ref.group(1))] = _number(value) if kind == "n" else value
    return [[cells.get(c) for c in range(max(cells) + 1)] for _, cells in sorted(rows.items())]
