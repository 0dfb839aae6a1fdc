"""XLSX / XLSM: every sheet, and every place in the workbook a reader could recover data from.

The 2022 leak was a second sheet; the 2023 Northern Ireland leak a hidden one. So this reader
yields, in order:

- every sheet, whatever its state (visible, hidden, veryHidden: ``Where.hidden``), as a
  ``Table`` titled with the sheet name, with its hidden rows and columns and the sheet's column
  letters; cell values as a reader of the file sees them (see ``_spreadsheet``): a number shown
  through ``"A"000000000`` is the text ``A212345678``, a date is ``1990-03-04``;
- each sheet's cell comments, as ``Text`` (part "comments"), one paragraph per comment;
- defined names holding constants (part "defined names"): ``"text"`` and numbers as ``Text``
  lines ``name: value``, array constants ``{..;..}`` as a ``Table``;
- pivot caches (part "pivot cache N", hidden): the field names as a header row and the cached
  source records, which a pivot table keeps even after its source sheet is deleted;
- cached values of external links (part "external link N", hidden).

Cell values come from python-calamine (fast, and it reports sheet visibility). The XML parts
are read only for what calamine does not give: one streaming pass over each sheet's XML finds
hidden rows and columns and, only when styles.xml defines a number format with literal text,
which cells use it. Everything else (comments, names, caches) is small or streamed.

A password-protected workbook is an OLE2 compound file (``EncryptionInfo`` and
``EncryptedPackage`` streams): ``Unscannable("encrypted")``. A legacy .xls named .xlsx is read
as an .xls. Binary .xlsb workbooks get calamine's values and visibility only.

Not read: charts' cached values, text boxes and shapes, headers and footers, data validation
lists, and worksheet parts that workbook.xml no longer lists.
"""

from __future__ import annotations

import functools
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO
from xml.etree import ElementTree

from approval.detect.readers._spreadsheet import (
    OLE_MAGIC,
    ZIP_ERRORS,
    ZIP_MAGIC,
    CompoundFile,
    NumberFormat,
    Overlay,
    column_index,
    compile_format,
    is_hidden,
    open_calamine,
    opened,
    sheet_table,
)
from approval.detect.units import Cell, Limits, Source, Table, Text, Unit, Unscannable, Where

_EXTENSIONS = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb")
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

    def accepts(self, head: bytes, name: str) -> bool:
        named = name.lower().endswith(_EXTENSIONS)
        if head.startswith(ZIP_MAGIC):
            # The first entries' names sit in the head: [Content_Types].xml, xl/workbook.xml...
            return named or b"xl/workbook." in head or b"xl/_rels/" in head
        # Office saves a password-protected workbook as an OLE2 file with the same name.
        return named and head.startswith(OLE_MAGIC)

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
                yield from _read_package(package, path, stream, limits)


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
    by_id: dict[int, NumberFormat]  # numFmtId -> a format with literal text (pivot caches)
    by_style: dict[int, NumberFormat]  # cell style index (the ``s`` of a cell) -> that format


def _styles(package: _Package, rels: dict[str, _Rel]) -> _Styles:
    target = next((r.target for r in rels.values() if r.type == "styles"), None)
    root = package.xml(target, "styles part") if target else None
    if root is None:
        return _Styles({}, {})
    by_id: dict[int, NumberFormat] = {}
    for element in _children(root, "numFmt"):
        fmt = compile_format(element.get("formatCode", ""))
        if fmt is not None and (number := element.get("numFmtId", "")).isdigit():
            by_id[int(number)] = fmt
    by_style: dict[int, NumberFormat] = {}
    if by_id:
        for container in _children(root, "cellXfs"):
            for index, xf in enumerate(e for e in container if _local(e.tag) == "xf"):
                number = xf.get("numFmtId", "0")
                if number.isdigit() and int(number) in by_id:
                    by_style[index] = by_id[int(number)]
    # A cell with no style attribute has style 0; were style 0 given a literal format (a
    # changed Normal style) such cells would need a full scan of every cell tag. Nobody does
    # that to the Normal style, so style 0 is left out rather than slow every workbook.
    by_style.pop(0, None)
    return _Styles(by_id, by_style)


def _read_package(
    zipped: zipfile.ZipFile, path: str | None, stream: IO[bytes], limits: Limits
) -> Iterator[Unit]:
    package = _Package(zipped, limits)
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

    for meta in book.sheets_metadata:
        hidden = is_hidden(meta.visible)
        part = sheet_parts.get(meta.name)
        marks = _scan_sheet(package, part, styles.by_style) if part else _Marks()
        table = sheet_table(
            book,
            meta.name,
            hidden=hidden,
            hidden_rows=marks.rows,
            hidden_columns=marks.columns,
            overlay=marks.overlay,
        )
        if table is not None:
            yield table
        if part:
            comments = _comments(package, part)
            if comments:
                yield Text(
                    Where(part="comments", sheet=meta.name, hidden=hidden), comments, meta.name
                )

    if root is not None:
        sheet_names = [sheet.get("name", "") for sheet in _children(root, "sheet")]
        yield from _defined_names(root, sheet_names)
    if not binary:
        yield from _pivot_caches(package, rels, styles.by_id)
        yield from _external_links(package)


# ---------------------------------------------------------------------------------------------
# One pass over a sheet's XML: hidden rows and columns, cells shown through literal formats

# Each pattern starts with a literal, which the regex engine finds at memchr speed; one
# alternation of them all runs 15 times slower. A zero height or width hides a row or a
# column as well as hidden="1" does.
_HIDDEN = re.compile(rb'hidden="(?:1|true)"')
_ZERO_HEIGHT = re.compile(rb'ht="0(?:\.0*)?"')
_ZERO_WIDTH = re.compile(rb'width="0(?:\.0*)?"')
_TAG = re.compile(rb"<(?:[\w.-]+:)?(\w+)")  # <x:row ...> in prefixed documents
_ROW_NUMBER = re.compile(rb'\sr="(\d+)"')
_CELL_REF = re.compile(rb'\sr="([A-Za-z]{1,3})(\d+)"')
_COL_MIN = re.compile(rb'\smin="(\d+)"')
_COL_MAX = re.compile(rb'\smax="(\d+)"')
_MAX_COLUMNS = 16384


@dataclass
class _Marks:
    rows: set[int] = field(default_factory=set)
    columns: set[int] = field(default_factory=set)
    overlay: Overlay = field(default_factory=Overlay)


def _scan_sheet(package: _Package, part: str, styles: dict[int, NumberFormat]) -> _Marks:
    """Hidden rows and columns (0-based) and the cells shown through a literal format.

    Bytes regexes over the decompressed XML, streamed in 1 MiB chunks cut after a ``>`` so
    that no tag is split; each hit is checked against the tag it sits in, so text that merely
    looks like an attribute cannot count. Rows and cells without an ``r`` attribute (allowed,
    rare) are not located and so not flagged; nor are style attributes preceded by a tab or
    a newline instead of a space.
    """
    marks = _Marks()
    entry = package.part(part)
    if entry is None:
        return marks
    try:
        with package.zip.open(entry) as xml:
            tail = b""
            while chunk := xml.read(_CHUNK):
                buffer = tail + chunk
                cut = buffer.rfind(b">") + 1
                _scan_chunk(buffer[:cut], styles, marks)
                tail = buffer[cut:]
                if len(tail) > 64 * _CHUNK:  # no tag is 64 MiB long
                    raise Unscannable("corrupt: malformed sheet part")
    except ZIP_ERRORS as e:
        raise Unscannable("corrupt: unreadable sheet part") from e
    return marks


def _scan_chunk(buffer: bytes, styles: dict[int, NumberFormat], marks: _Marks) -> None:
    hits = [*_HIDDEN.finditer(buffer)]
    for zero in (_ZERO_HEIGHT, _ZERO_WIDTH):  # not customHeight="0"
        hits += (h for h in zero.finditer(buffer) if buffer[h.start() - 1 : h.start()].isspace())
    for hit in hits:
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
    package: _Package, rels: dict[str, _Rel], formats: dict[int, NumberFormat]
) -> Iterator[Unit]:
    """Every pivot cache definition in the package, whether workbook.xml lists it or not: the
    records stay in the file after the source sheet, or the pivot table itself, is gone."""
    listed = [r.target for r in rels.values() if r.type == "pivotCacheDefinition"]
    found = sorted(
        (n for n in package.names if _PIVOT_DEFINITION.search(n)), key=lambda n: (len(n), n)
    )
    definitions = list(dict.fromkeys([*(p for p in listed if package.part(p)), *found]))
    for number, definition in enumerate(definitions, start=1):
        yield from _pivot_cache(package, definition, number, formats)


def _pivot_cache(
    package: _Package, definition: str, number: int, formats: dict[int, NumberFormat]
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
    if records is not None and package.part(records):
        rows = _cache_records(package, records, fields)
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
                    if f and f.fmt and type(value) in (int, float):
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
