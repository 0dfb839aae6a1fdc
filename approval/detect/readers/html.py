"""HTML: tables as ``Table`` units, the rest as ``Text``, with the stdlib ``html.parser``.

- A table's title is its ``<caption>``, else the heading above it, followed by the sentence that
  introduces it ("The following persons were interviewed:") when there is one. ``colspan`` and
  ``rowspan`` keep cells under their headers. Tables nested in a cell are tables of their own.
- Text is cut into lines at block elements, and into sections at headings; a section's title is
  its heading, else the page ``<title>``. Character references are decoded.
- Scripts and styles are not text and are skipped, except JSON data blocks
  (``<script type="application/json">``), which hold data a reader of the file recovers, as
  do comments: both come out as hidden ``Text``.

The parser is fed in chunks and units come out as their end tags arrive; a long table comes out
in slices of ``TABLE_SLICE_ROWS`` rows (its header row repeated), a long section in slices of
``TEXT_SLICE_LINES`` lines, so memory stays flat on any page.
"""

from __future__ import annotations

import codecs
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import BinaryIO

from approval.detect.units import Cell, Limits, Source, Table, Text, Unit, Unscannable, Where

TABLE_SLICE_ROWS = 10_000
TABLE_SLICE_CELLS = 1_000_000
# Cells that colspan and rowspan add (padding, repeated values): a few bytes of markup can ask
# for millions. Past this budget spans are ignored: alignment suffers, no value is lost.
SPAN_CELLS = 5_000_000
TEXT_SLICE_LINES = 2_000
_CHUNK = 64 * 1024
_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
_STARTS = ("<!doctype html", "<html", "<head", "<body", "<table")
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I
)
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "details", "dialog", "div",
        "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hr", "li",
        "main", "nav", "ol", "p", "pre", "section", "summary", "ul", "option", "legend",
    }
)  # fmt: skip
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_DATA_SCRIPTS = frozenset({"application/json", "application/ld+json"})
_WHITESPACE = re.compile(r"\s+")
_MAX_COLSPAN = 1_000  # the limits HTML itself sets
_MAX_ROWSPAN = 65_534
_TITLE_CHARS = 300
_CONTEXT_CHARS = 4_000


def html_units(chunks: Iterable[str], where: Where, title: str = "") -> Iterator[Unit]:
    """The units of an HTML document given as text chunks. ``title`` is the context when the
    page gives none (an email's subject)."""
    parser = _Parser(where, title)
    try:
        for chunk in chunks:
            parser.feed(chunk)
            yield from parser.drain()
        parser.close()
    except AssertionError as e:
        # The standard library's markup base asserts on some malformed declarations
        # (``<![-``) instead of raising a parse error.
        raise Unscannable("corrupt: malformed HTML declaration") from e
    yield from parser.drain()


class _HtmlReader:
    name = "html"

    def accepts(self, head: bytes, name: str) -> bool:
        if PurePosixPath(name.lower()).suffix in _SUFFIXES:
            return True
        text = head[:1024].decode(_bom_encoding(head) or "latin-1", "ignore")
        text = text.lstrip("\ufeff \t\r\n").lower()
        if text.startswith(("<?xml", "<!--")):
            return "<html" in head[:8192].decode("latin-1").lower()
        return text.startswith(_STARTS)

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        with source.open() as stream:
            head = stream.read(_CHUNK)
            decoder = codecs.getincrementaldecoder(_encoding(head))("replace")
            chunks = _decoded(decoder, head, stream)
            yield from html_units(chunks, Where())


def _decoded(decoder: codecs.IncrementalDecoder, head: bytes, stream: BinaryIO) -> Iterator[str]:
    yield decoder.decode(head)
    for data in iter(lambda: stream.read(_CHUNK), b""):
        yield decoder.decode(data)
    yield decoder.decode(b"", final=True)


def _bom_encoding(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _encoding(head: bytes) -> str:
    """The byte order mark, else ``<meta charset>``, else UTF-8 if the head is UTF-8, else
    cp1252 (which browsers use for latin-1 too)."""
    bom = _bom_encoding(head)
    if bom:
        return bom
    declared = _META_CHARSET.search(head[:4096])
    if declared:
        try:
            name = codecs.lookup(declared.group(1).decode("ascii")).name
        except LookupError:
            name = ""
        if name and name not in ("utf-16-le", "utf-16-be", "utf-16"):  # a lie in an 8-bit file
            return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not a character cut by the read
            return "cp1252"
    return "utf-8"


@dataclass
class _Table:
    title: str
    rows: list[list[Cell]] = field(default_factory=list)
    row: list[Cell] | None = None
    row_all_th: bool = True
    cell: list[str] | None = None
    cell_th: bool = False
    colspan: int = 1
    rowspan: int = 1
    # Cells of rows above that span into this row: column -> (rows left, this one included;
    # value); and those that cells of this row start, for the rows below.
    spans: dict[int, tuple[int, Cell]] = field(default_factory=dict)
    new_spans: dict[int, tuple[int, Cell]] = field(default_factory=dict)
    header: list[Cell] | None = None  # the first row, when it is all <th>
    rows_seen: int = 0
    cells: int = 0  # in the current slice
    caption: list[str] | None = None
    emitted: bool = False


class _Parser(HTMLParser):
    def __init__(self, where: Where, title: str):
        super().__init__(convert_charrefs=True)
        self._where = where
        self._default_title = title
        self._out: deque[Unit] = deque()
        self._page_title: list[str] | None = None
        self._page_title_text = ""
        self._heading: list[str] | None = None
        self._held = 0  # characters in the open title, caption or heading
        self._span_cells = SPAN_CELLS
        self._headings: list[tuple[int, str]] = []  # the open headings: (level, text)
        self._intro = ""  # the last line since the heading: it may introduce a table
        self._line: list[str] = []
        self._lines: list[str] = []
        self._item = False  # the next line is a list item
        self._pre = 0
        self._skip: str | None = None  # inside <script> or <style>
        self._data_script: list[str] | None = None
        self._hidden: list[str] = []  # comments and data scripts
        self._tables: list[_Table] = []

    def drain(self) -> Iterator[Unit]:
        while self._out:
            yield self._out.popleft()

    def close(self) -> None:
        super().close()
        # A title, caption or heading never closed is text like any other.
        for held in (self._page_title, self._heading):
            self._line += held or []
        while self._tables:
            self._end_table()
        self._flush_line()
        self._flush_section()
        self._flush_hidden(0)

    def _flush_hidden(self, at_least: int = TEXT_SLICE_LINES) -> None:
        if len(self._hidden) < max(at_least, 1):
            return
        while self._hidden and not self._hidden[-1]:
            self._hidden.pop()
        if self._hidden:
            where = Where(part="comments and data", hidden=True)
            title = self._page_title_text or self._default_title
            self._out.append(Text(where, self._hidden, title))
        self._hidden = []

    # Events.

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip:
            return
        if tag in ("script", "style"):
            self._skip = tag
            kind = (dict(attrs).get("type") or "").strip().lower()
            self._data_script = [] if tag == "script" and kind in _DATA_SCRIPTS else None
        elif tag == "title" and not self._tables:
            self._page_title, self._held = [], 0
        elif tag in _HEADINGS and not self._cell_open():
            self._end_block()
            self._heading, self._held = [], 0
        elif tag == "table":
            self._start_table()
        elif self._tables and tag in ("tr", "td", "th", "caption"):
            self._table_tag(tag, attrs)
        elif tag == "br":
            self._space()
        elif tag in _BLOCKS:
            self._end_block()
            self._pre += tag == "pre"
            self._item = tag == "li" and not self._cell_open()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._space()
        elif tag in _BLOCKS:
            self._end_block()
        else:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if tag == self._skip:
                if self._data_script is not None:
                    self._hidden.extend([*_lines("".join(self._data_script)), ""])
                    self._flush_hidden()
                self._skip = self._data_script = None
            return
        if tag == "title" and self._page_title is not None:
            self._page_title_text = _collapse("".join(self._page_title))
            self._page_title = None
        elif tag in _HEADINGS and self._heading is not None:
            heading = _collapse("".join(self._heading))[:_TITLE_CHARS]
            self._heading = None
            if heading:
                self._flush_section()
                level = int(tag[1])
                while self._headings and self._headings[-1][0] >= level:
                    self._headings.pop()
                self._headings.append((level, heading))
                self._intro = ""
        elif tag == "table" and self._tables:
            self._end_table()
        elif self._tables and tag in ("tr", "td", "th", "caption"):
            self._table_end_tag(tag)
        elif tag in _BLOCKS:
            self._end_block()
            if tag == "pre" and self._pre:
                self._pre -= 1

    def handle_data(self, data: str) -> None:
        if self._skip:
            if self._data_script is not None:
                self._data_script.append(data)
            return
        if self._page_title is not None:
            self._page_title.append(data)
            if self._overflows(data):
                self._line += self._page_title
                self._page_title = None
        elif self._tables and self._tables[-1].caption is not None:
            self._tables[-1].caption.append(data)
            if self._overflows(data):
                self._line += self._tables[-1].caption
                self._tables[-1].caption = None
        elif self._cell_open():
            cell = self._tables[-1].cell
            if cell is not None:
                cell.append(data)
        elif self._heading is not None:
            self._heading.append(data)
            if self._overflows(data):
                self._line += self._heading
                self._heading = None
        elif self._pre:
            first, *rest = data.split("\n")
            self._line.append(first)
            for piece in rest:
                self._flush_line()
                self._line.append(piece)
        else:
            self._line.append(data)

    def handle_comment(self, data: str) -> None:
        self._hidden.extend([*_lines(data), ""])
        self._flush_hidden()

    def _overflows(self, data: str) -> bool:
        """Whether a title, caption or heading has grown too long to be one: left unclosed,
        it would swallow the page."""
        self._held += len(data)
        return self._held > _CONTEXT_CHARS

    # Text, as the text classifier reads it: a blank line ends a paragraph (a record), "- "
    # starts a list item, a line break within a paragraph is a space.

    def _space(self) -> None:
        cell = self._tables[-1].cell if self._tables else None
        held = self._heading if self._heading is not None else cell
        (held if held is not None else self._line).append(" ")

    def _end_block(self) -> None:
        if self._cell_open() or self._heading is not None:
            self._space()
            return
        self._flush_line()
        if self._lines and self._lines[-1]:
            self._lines.append("")

    def _flush_line(self) -> None:
        line = _collapse("".join(self._line))
        self._line.clear()
        if line:
            if self._item:
                line, self._item = f"- {line}", False
            self._lines.append(line)
            self._intro = line
            if len(self._lines) >= TEXT_SLICE_LINES:
                self._flush_section()

    def _flush_section(self) -> None:
        while self._lines and not self._lines[-1]:
            self._lines.pop()
        if self._lines:
            self._out.append(Text(self._where, self._lines, self._title()))
        self._lines = []

    def _title(self) -> str:
        """The open headings, outermost first; else the page title; else the given one."""
        headings = " / ".join(text for _, text in self._headings)
        return headings or self._page_title_text or self._default_title

    # Tables.

    def _cell_open(self) -> bool:
        return bool(self._tables) and self._tables[-1].cell is not None

    def _start_table(self) -> None:
        if not self._tables:  # a table in a cell is a table of its own; the cell goes on after
            self._flush_line()
            self._flush_section()
        heading = self._title()
        intro = self._intro if self._intro != heading else ""
        title = ": ".join(part[:_TITLE_CHARS] for part in (heading, intro) if part)
        self._intro = ""
        self._tables.append(_Table(title=title))

    def _table_tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        table = self._tables[-1]
        if tag == "caption":
            table.caption, self._held = [], 0
        elif tag == "tr":
            self._end_row(table)
            table.row = []
        else:
            self._end_cell(table)
            if table.row is None:
                table.row = []
            values = dict(attrs)
            table.cell = []
            table.cell_th = tag == "th"
            table.colspan = _span(values.get("colspan"), _MAX_COLSPAN)
            table.rowspan = _span(values.get("rowspan"), _MAX_ROWSPAN)

    def _table_end_tag(self, tag: str) -> None:
        table = self._tables[-1]
        if tag == "caption" and table.caption is not None:
            caption = _collapse("".join(table.caption))[:_TITLE_CHARS]
            table.title = caption or table.title
            table.caption = None
        elif tag == "tr":
            self._end_row(table)
        elif tag in ("td", "th"):
            self._end_cell(table)

    def _end_cell(self, table: _Table) -> None:
        if table.cell is None or table.row is None:
            return
        value = _collapse("".join(table.cell))
        table.cell = None
        table.row_all_th &= table.cell_th
        row = table.row
        while len(row) in table.spans:  # cells from above come first
            row.append(table.spans[len(row)][1])
        column = len(row)
        colspan = self._spend(table.colspan - 1) + 1
        row.extend([value] + [""] * (colspan - 1))
        if table.rowspan > 1 and self._spend(colspan * (table.rowspan - 1)):
            for offset in range(colspan):
                table.new_spans[column + offset] = (table.rowspan - 1, "" if offset else value)

    def _spend(self, cells: int) -> int:
        """``cells`` from the span budget, or 0 when it cannot pay for them all."""
        if cells > self._span_cells:
            self._span_cells = 0
            return 0
        self._span_cells -= cells
        return cells

    def _end_row(self, table: _Table) -> None:
        self._end_cell(table)
        row = table.row
        if row is None:
            return
        table.row = None
        if table.spans:
            last = max(table.spans)
            while len(row) <= last:
                span = table.spans.get(len(row))
                row.append(span[1] if span else "")
        table.spans = {
            column: (left - 1, value) for column, (left, value) in table.spans.items() if left > 1
        }
        table.spans.update(table.new_spans)
        table.new_spans = {}
        if not row:
            return
        if table.rows_seen == 0 and table.row_all_th:
            table.header = row
        table.row_all_th = True
        table.rows_seen += 1
        table.rows.append(row)
        table.cells += len(row)
        if len(table.rows) >= TABLE_SLICE_ROWS or table.cells >= TABLE_SLICE_CELLS:
            self._emit_rows(table)

    def _emit_rows(self, table: _Table) -> None:
        rows, table.rows, table.cells = table.rows, [], 0
        if rows and table.emitted and table.header is not None:
            rows.insert(0, table.header)
        if rows:
            self._out.append(Table(self._where, rows, table.title))
            table.emitted = True

    def _end_table(self) -> None:
        table = self._tables[-1]
        if table.caption is not None:
            self._table_end_tag("caption")
        self._end_row(table)
        self._emit_rows(table)
        self._tables.pop()


def _span(value: str | None, limit: int) -> int:
    try:
        number = int((value or "1").strip())
    except ValueError:
        return 1
    return min(max(number, 1), limit)


def _collapse(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def _lines(text: str) -> list[str]:
    return [line for line in (_collapse(piece) for piece in text.splitlines()) if line]


READER = _HtmlReader()
