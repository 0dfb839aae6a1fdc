"""Any well-formed XML: records as tables, everything else as text.

The bytes decide: a source is XML when it starts (after a byte order mark and white space)
with an XML declaration, or with a root element (or a comment or DOCTYPE before it) whose first
8 KiB expat parses without error; a page whose root is ``html`` is the HTML reader's. Parsing is
``_xmlwalk.walk``'s: streamed, entity declarations refused, nothing external fetched, character
references decoded. A document that turns out not to be well-formed is ``Unscannable`` ("corrupt:
XML is not well-formed (line N)"), never read as raw markup: that read is what made XML records
clean (no column headers, values among tags), so a broken closing tag would otherwise be a way
through the gate. The plain-text reader still reads the same bytes, as it reads any text.
Documents back to back (an XML log: a declaration and a root element per entry) are read one
after the other, each parsed as a document of its own; anything else after the root element
is not well-formed. An element's attribute values are bounded as text is
(``limits.max_string_chars``).

How a document becomes units, chosen by its root element:

- a flat OpenDocument file (``office:document``: .fods, .fodt, .fodp) and ODF parts
  (``office:document-content`` / ``-styles``): ``_xmlwalk.OdfWalker``, tables as tables;
- WordprocessingML outside a package (Word 2003 XML, Flat OPC, a lone ``document.xml``):
  ``_xmlwalk.WordWalker``, paragraphs as lines and tables as tables;
- an Excel 2003 XML workbook (SpreadsheetML: ``Workbook/Worksheet/Table/Row/Cell/Data``, often
  saved as .xls): one ``Table`` per worksheet, hidden worksheets, rows and columns flagged,
  cell comments as text;
- anything else, generically, as the JSON reader flattens objects: an element's attributes, and
  the text of its children that hold only text, make its record (``name``, ``dob``,
  ``name.lang``); a child met once that is itself a record is flattened into it
  (``address.city``), a few repeated text children are indexed (``alias[1]``). Repeated sibling
  records (``<person>`` after ``<person>``) become the rows of a ``Table`` whose header row is
  their keys, so the header detectors see ``name``, ``dob``, ``nationality``; a big group is
  emitted in chunks as it streams. An element holding both text and elements (prose with
  markup) is a line of ``Text``, as are comments and processing instructions. Every text node
  and attribute value ends up in a cell or a line.

A document that names a stylesheet in an ``xml-stylesheet`` processing instruction is shown by
a browser through it, not as its tree: XSLT (``type="text/xsl"``, ``text/xml``,
``application/xml``, ``application/xslt+xml`` and the other types browsers take for XSLT) is a
program over the document, which can join fragments (``<k v="Ma"/><k v="ria"/>`` shown
``Maria``), reorder them (``xsl:sort``), cut them (``substring``) or map their characters
(``translate``: a cipher whose key is the stylesheet), and CSS (``text/css``, or no type) can
show attribute values (``content: attr(v)``) and move pieces (``order``, positioning). The
scanner has no XSLT engine and does not lay out CSS, and the stylesheet is usually another file,
so no reading of the document alone can say what it shows: such a document is an unread part
that blocks (``stylesheet``), whether the stylesheet is embedded (``href="#id"``) or not.
Nothing tells a trivial stylesheet from one that deciphers: blocking every styled XML is the
sound answer, at the cost of XSLT-styled sitemaps and feeds, which need approval of their
bytes, or the instruction taken out (crawlers and feed readers ignore it; it only prettifies
the file for people). Its text and attribute values are also read joined end to end in
document order, with nothing between them (``text joined in document order``), as a
stylesheet that joins every fragment shows them: what that finds is in the report too.
An XSLT file on its own (``xsl:stylesheet`` as its root) is read as any XML: its literal text
and attribute values are what applying it can add.

Coverage: one part, ``body``, parsed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from xml.parsers import expat

from approval.detect.readers._formulas import (
    computed,
    from_r1c1,
    literal_text,
    literals,
    read_so_far,
    unread_reason,
)
from approval.detect.readers._xmlwalk import (
    FLAT_OPC,
    NOISE,
    OFFICE,
    TEXT_SLICE,
    WORD_NAMESPACES,
    Buffer,
    OdfWalker,
    Walker,
    WordWalker,
    local,
    walk,
)
from approval.detect.units import (
    PARSED,
    UNREAD,
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

_ROOT = re.compile(r"<(?![?!])([\w.:-]+)")
_LAST_ROW = 1_048_575  # the last row of a sheet in Excel, 0-based
# An XML declaration, a processing instruction (``<?xml-stylesheet?>`` may come first, with no
# declaration), a comment, a DOCTYPE or a root element.
_START = re.compile(r"<(?:\?[A-Za-z_]|!--|!DOCTYPE\s|[A-Za-z_])")
_ODF_ROOTS = frozenset(
    OFFICE + name for name in ("document", "document-content", "document-styles")
)
_SS = "urn:schemas-microsoft-com:office:spreadsheet}"
_EXCEL = "urn:schemas-microsoft-com:office:excel}"
_CHUNK_ROWS = 2_000  # rows of one group held before they are emitted as a table
_INDEXED = 50  # repeated text children of one record flattened as name[i] up to this many
_MAX_DEPTH = 1_000
_MAX_PIECES = 1 << 20  # characters of a structural element's children kept for its prose line


def _decoded_head(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head[2:].decode("utf-16-le" if head[0] == 0xFF else "utf-16-be", "ignore")
    try:
        return head.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:  # a multi-byte character cut at the end of the head
        if exc.start < len(head) - 8:
            return head.decode("latin-1") if b"<?xml" in head[:64] else None
        return head[: exc.start].decode("utf-8", "ignore")


def looks_like_xml(head: bytes) -> bool:
    """An XML declaration, or a root element whose first bytes are well-formed; not a page."""
    text = _decoded_head(head)
    if text is None:
        return False
    text = text.lstrip(" \t\r\n\ufeff")
    if not _START.match(text):
        return False
    root = _ROOT.search(text)
    if root is not None and root.group(1).rpartition(":")[2].lower() == "html":
        return False
    if text.startswith("<?xml"):
        return True
    parser = expat.ParserCreate()
    try:
        parser.Parse(text.encode("utf-8"), False)
    except expat.ExpatError:
        return False
    return root is not None


class XmlReader:
    name = "xml"

    def accepts(self, probe: Probe) -> bool:
        return looks_like_xml(probe.head)

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        def choose(root: str) -> Walker:
            if root in _ODF_ROOTS:
                return OdfWalker(source, source.part, limits)
            if root == _SS + "Workbook":
                return _SpreadsheetML(limits)
            if root == FLAT_OPC or root.rpartition("}")[0] + "}" in WORD_NAMESPACES:
                return WordWalker(source, source.part, limits)
            return _Generic(limits)

        def shown(root: str) -> Walker:
            return _Shown(choose(root), limits)

        with source.open() as stream:
            yield from walk(stream, shown, "XML", limits, sequence=True)
        yield Part("body", "xml", source.size, PARSED)


READER = XmlReader()


# ---------------------------------------------------------------------------------------------
# Stylesheets a browser shows the document through

# The types Chromium and Firefox apply as XSLT; CSS is ``text/css`` or no type at all.
_XSLT_TYPES = frozenset(
    {"text/xsl", "text/xml", "application/xml", "application/xslt+xml", "application/xhtml+xml"}
    | {"application/rss+xml", "application/atom+xml"}
)
_PSEUDO = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_SPACE = re.compile(r"\s+")
_JOINED_LINE = 4_000  # characters of the joined text per line, cut at a space where one is
_JOINED_CUT = 64_000  # cut anyway (an overlap carried on) when no space comes
_OVERLAP = 64


def stylesheet(instruction: str) -> str | None:
    """``XSLT`` or ``CSS`` for a processing instruction (``target data``) that makes a browser
    show the document through a stylesheet; None for any other."""
    target, _, data = instruction.partition(" ")
    if target != "xml-stylesheet":
        return None
    pseudo = {m.group(1).lower(): m.group(2) or m.group(3) or "" for m in _PSEUDO.finditer(data)}
    kind = pseudo.get("type", "").split(";")[0].strip().lower()
    if kind in _XSLT_TYPES or "xsl" in kind:
        return "XSLT"
    return "CSS" if kind in ("", "text/css") else None


class _Shown:
    """A walker's document, watched for a stylesheet a browser shows it through
    (``stylesheet``): the text and attribute values joined end to end in document order are
    read as well, and the stylesheet, which the scanner cannot apply, is an unread part."""

    # The parser's handlers: the inner walker's own until a stylesheet is named (a document
    # without one pays nothing per element), then ones that also join the text.
    start: Callable[[str, dict[str, str]], None]
    end: Callable[[str], None]
    data: Callable[[str], None]

    def __init__(self, inner: Walker, limits: Limits):
        self.inner = inner
        self.out = inner.out
        self.limits = limits
        self.kinds: dict[str, int] = {}  # the stylesheets named, with their instructions' size
        self.run: list[str] = []  # text since the last tag
        self.pending = ""  # joined text not yet cut into a line
        self.lines: list[str] = []
        self.start, self.end, self.data = inner.start, inner.end, inner.data

    def other(self, text: str) -> None:
        kind = stylesheet(text)
        if kind is not None:
            self.kinds[kind] = self.kinds.get(kind, 0) + len(text)
            self.start, self.end, self.data = self._start, self._end, self._data
        self.inner.other(text)

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        self._flush_run()
        for value in attributes.values():
            self._add(_SPACE.sub(" ", value))
        self.inner.start(name, attributes)

    def _end(self, name: str) -> None:
        self._flush_run()
        self.inner.end(name)

    def _data(self, text: str) -> None:
        self.run.append(text)
        self.inner.data(text)

    def finish(self) -> None:
        self.inner.finish()
        if not self.kinds:
            return
        self._flush_run()
        if self.pending:
            self.lines.append(self.pending)
        self._flush_lines()
        for kind, size in self.kinds.items():
            reason = (
                "shown through an XSLT stylesheet the scanner cannot apply: it may join, "
                "reorder, cut or map the text"
                if kind == "XSLT"
                else "shown through a CSS stylesheet the scanner cannot apply: it may show "
                "attribute values and move the text"
            )
            self.out.append(Part(f"stylesheet ({kind})", "stylesheet", size, UNREAD, reason))

    def _flush_run(self) -> None:
        """The text between two tags: a run of white space alone is layout, not text."""
        if self.run:
            text = "".join(self.run)
            self.run.clear()
            if text.strip():
                self._add(_SPACE.sub(" ", text))

    def _add(self, text: str) -> None:
        self.pending += text
        while len(self.pending) >= _JOINED_LINE:
            cut = self.pending.rfind(" ", 0, _JOINED_CUT)
            if cut > 0:
                self.lines.append(self.pending[:cut])
                self.pending = self.pending[cut + 1 :]
            elif len(self.pending) >= _JOINED_CUT:
                # No space: cut, and carry the end on, so that no value is split unseen.
                self.lines.append(self.pending[:_JOINED_CUT])
                self.pending = self.pending[_JOINED_CUT - _OVERLAP :]
            else:
                break
        if len(self.lines) >= TEXT_SLICE:
            self._flush_lines()

    def _flush_lines(self) -> None:
        if self.lines:
            where = Where(part="text joined in document order")
            self.out.append(Text(where, list(self.lines)))
            self.lines.clear()


# ---------------------------------------------------------------------------------------------
# Any XML


@dataclass
class _Node:
    tag: str
    attributes: dict[str, str]
    own: Buffer  # text directly inside
    pieces: list[str] = field(default_factory=list)  # own and children's text, in order
    size: int = 0
    children: bool = False
    complex: bool = False  # something under it was emitted on its own
    groups: dict[str, list[dict[str, Cell]]] = field(default_factory=dict)
    tabled: set[str] = field(default_factory=set)


class _Generic:
    def __init__(self, limits: Limits):
        self.out: list[Unit] = []
        self.limits = limits
        self.stack: list[_Node] = []
        self.lines: list[str] = []

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if len(self.stack) >= _MAX_DEPTH:
            raise Unscannable(f"XML nests deeper than {_MAX_DEPTH} elements")
        if self.stack:
            self.stack[-1].children = True
        attrs = {local(k): v for k, v in attributes.items()}
        self.stack.append(_Node(local(name), attrs, Buffer(self.limits)))

    def data(self, text: str) -> None:
        node = self.stack[-1]
        node.own.add(text)
        self._piece(node, text)

    def other(self, text: str) -> None:
        if text.strip():
            self._line(text)

    def end(self, name: str) -> None:
        node = self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        own = " ".join(node.own.take().split())
        if node.children and own:  # prose with markup: one line, and its parts as records
            text = " ".join("".join(node.pieces).split())
            self._line(text)
            record = self._record(node)
            self._lines(str(v) for v in record.values() if v is not None)
            if parent is not None:
                parent.complex = True
                self._piece(parent, " " + text + " ")
            return
        record = self._record(node)
        if not node.children and own:
            record = {"": own, **record}
        if parent is not None:
            self._piece(parent, " " + own + " " if own else " ")
        if parent is None and not node.children:  # a document that is one text
            self._lines([own, *(str(v) for v in record.values() if v is not None)])
            return
        if parent is None or node.complex:
            if record:
                self._table(self._path(node), node.tag, [record])
            if parent is not None:
                parent.complex = True
            return
        if not record:
            return
        group = parent.groups.setdefault(node.tag, [])
        group.append(record)
        if len(group) >= _CHUNK_ROWS:
            self._table(self._path(node), node.tag, group)
            group.clear()
            parent.tabled.add(node.tag)
            parent.complex = True

    def finish(self) -> None:
        self._flush_lines()

    # records

    def _record(self, node: _Node) -> dict[str, Cell]:
        """The node's own record: its attributes and its children's, flattened; repeated
        children records go to tables of their own."""
        record: dict[str, Cell] = dict(node.attributes)
        for tag, items in node.groups.items():
            single = len(items) == 1 and tag not in node.tabled
            values = all(set(item) <= {""} for item in items)
            if single:
                for key, value in items[0].items():
                    record[f"{tag}.{key}" if key else tag] = value
            elif values and len(items) <= _INDEXED and tag not in node.tabled:
                for index, item in enumerate(items):
                    record[f"{tag}[{index}]"] = item[""]
            elif items:
                self._table(self._path(node) + " / " + tag, tag, items)
                node.complex = True
            elif tag in node.tabled:
                node.complex = True
        node.groups.clear()
        return record

    def _table(self, title: str, tag: str, items: list[dict[str, Cell]]) -> None:
        keys: dict[str, None] = {}
        for item in items:
            keys.update(dict.fromkeys(item))
        header: list[Cell] = [key or tag for key in keys]
        rows: list[list[Cell]] = [header]
        rows.extend([item.get(key) for key in keys] for item in items)
        self._flush_lines()
        self.out.append(Table(Where(), rows, title))

    def _path(self, node: _Node) -> str:
        return " / ".join([n.tag for n in self.stack] + [node.tag])

    # text

    def _piece(self, node: _Node, text: str) -> None:
        if node.size < _MAX_PIECES:
            node.pieces.append(text)
            node.size += len(text)

    def _line(self, text: str) -> None:
        self.lines.append(" ".join(text.split()))
        if len(self.lines) >= TEXT_SLICE:
            self._flush_lines()

    def _lines(self, texts: Iterator[str] | list[str]) -> None:
        for text in texts:
            if text.strip() and not NOISE.fullmatch(text):
                self._line(text)

    def _flush_lines(self) -> None:
        if self.lines:
            self.out.append(Text(Where(), list(self.lines)))
            self.lines.clear()


# ---------------------------------------------------------------------------------------------
# Excel 2003 XML (SpreadsheetML)


@dataclass
class _Sheet:
    name: str
    rows: list[list[Cell]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    hidden: bool = False
    comments: list[str] = field(default_factory=list)
    column: int = 0


class _SpreadsheetML:
    def __init__(self, limits: Limits):
        self.out: list[Unit] = []
        self.limits = limits
        self.sheet: _Sheet | None = None
        self.row: list[Cell] | None = None
        self.cell: Buffer | None = None
        self.column = 0
        self.merge = 0
        self.comment: Buffer | None = None
        self.visible: Buffer | None = None
        self.loose = Buffer(limits)
        self.lines: list[str] = []
        self.attributes: list[str] = []
        # Excel computes a cell's ``ss:Formula`` (R1C1) when it opens the file: its value is
        # the cell's text; what no one can compute, with no saved value, is unread.
        self.formula: str | None = None
        self.formula_lines: list[str] = []
        self.unread_formulas = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        for key, value in attributes.items():
            if local(key) not in ("Type", "Index", "StyleID") and not NOISE.fullmatch(value):
                self.attributes.append(" ".join(value.split()))
        self._flush_loose()
        sheet = self.sheet
        if name == _SS + "Worksheet":
            self.sheet = _Sheet(attributes.get(_SS + "Name", ""))
        elif sheet is None:
            return
        elif name == _SS + "Column":
            at = _index(attributes, sheet.column)
            span = 1 + _number(attributes.get(_SS + "Span"), 0)
            if attributes.get(_SS + "Hidden") == "1":
                sheet.hidden_columns.update(range(at, at + min(span, 16_384)))
            sheet.column = at + span
        elif name == _SS + "Row":
            # The rows skipped before it, blank; never past Excel's last row (the bound taken
            # once: measured against the growing list it never stopped).
            at = min(_index(attributes, len(sheet.rows)), _LAST_ROW)
            sheet.rows.extend([] for _ in range(at - len(sheet.rows)))
            if attributes.get(_SS + "Hidden") == "1":
                sheet.hidden_rows.add(len(sheet.rows))
            self.row, self.column = [], 0
        elif name == _SS + "Cell" and self.row is not None:
            self.column = min(_index(attributes, self.column), 16_383)
            self.merge = min(_number(attributes.get(_SS + "MergeAcross"), 0), 16_384)
            self.cell = Buffer(self.limits)
            self.formula = attributes.get(_SS + "Formula")
        elif name == _SS + "Comment":
            self.comment = Buffer(self.limits)
        elif name == _EXCEL + "Visible":
            self.visible = Buffer(self.limits)

    def end(self, name: str) -> None:
        sheet = self.sheet
        if self.comment is not None and name == _SS + "Comment":
            text = " ".join(self.comment.take().split())
            if text and sheet is not None:
                sheet.comments.append(text)
            self.comment = None
        elif self.visible is not None and name == _EXCEL + "Visible":
            if sheet is not None and "hidden" in self.visible.take().lower():
                sheet.hidden = True
            self.visible = None
        elif self.cell is not None and name == _SS + "Cell" and self.row is not None:
            text = self.cell.take().strip()
            if self.formula and sheet is not None:
                text = self._computed(sheet, self.row, self.formula, text)
                self.formula = None
            while len(self.row) < self.column:
                self.row.append(None)
            self.row.append(text or None)
            self.column += 1 + self.merge
            self.cell = None
        elif self.row is not None and name == _SS + "Row" and sheet is not None:
            while self.row and self.row[-1] is None:
                self.row.pop()
            sheet.rows.append(self.row)
            self.row = None
        elif name == _SS + "Worksheet" and sheet is not None:
            self._emit(sheet)
            self.sheet = None
        else:
            self._flush_loose()

    def data(self, text: str) -> None:
        if self.comment is not None:
            self.comment.add(text)
        elif self.visible is not None:
            self.visible.add(text)
        elif self.cell is not None:
            self.cell.add(text)
        else:
            self.loose.add(text)

    def other(self, text: str) -> None:
        if text.strip():
            self.lines.append(" ".join(text.split()))

    def finish(self) -> None:
        self._flush_loose()
        if self.sheet is not None:
            self._emit(self.sheet)
        if self.lines:
            self.out.append(Text(Where(), list(self.lines)))
            self.lines.clear()
        if self.attributes:
            self.out.append(Text(Where(part="attributes", hidden=True), list(self.attributes)))
        if self.formula_lines:
            where = Where(part="formulas", hidden=True)
            self.out.append(Text(where, list(self.formula_lines)))
        if self.unread_formulas:
            why = unread_reason(self.unread_formulas)
            self.out.append(Part("formulas", "formula", 0, UNREAD, why))

    def _computed(self, sheet: _Sheet, row: list[Cell], formula: str, saved: str) -> str:
        """A formula cell's text as Excel shows it once computed: its value when this module
        can compute it (from the cells before it), else the value saved with it."""
        # 1-based: the row being read is not in ``rows`` yet.
        a1 = from_r1c1(formula, len(sheet.rows) + 1, self.column + 1)
        value, unread = computed(a1, read_so_far(sheet.rows, row), bool(saved))
        self.unread_formulas += unread
        if found := literals(a1):
            self.formula_lines.append(literal_text(a1, found))
        return value if value else saved

    def _emit(self, sheet: _Sheet) -> None:
        where = Where(sheet=sheet.name or None, hidden=sheet.hidden)
        while sheet.rows and not sheet.rows[-1]:
            sheet.rows.pop()
        if sheet.rows:
            self.out.append(
                Table(
                    where,
                    sheet.rows,
                    sheet.name,
                    hidden_rows=frozenset(sheet.hidden_rows),
                    hidden_columns=frozenset(sheet.hidden_columns),
                )
            )
        if sheet.comments:
            comments = Where(part="comments", sheet=sheet.name or None, hidden=sheet.hidden)
            self.out.append(Text(comments, sheet.comments, sheet.name))

    def _flush_loose(self) -> None:
        text = " ".join(self.loose.take().split())
        if text:
            self.lines.append(text)


def _number(value: str | None, default: int) -> int:
    return int(value) if value is not None and value.isdigit() else default


def _index(attributes: dict[str, str], current: int) -> int:
    """The 0-based position an ``ss:Index`` (1-based) moves to; ``current`` without one."""
    at = _number(attributes.get(_SS + "Index"), 0)
    return at - 1 if at > current else current
