"""CSV and TSV: delimiter (comma, semicolon, tab, pipe) and quoting sniffed, encoding detected
(UTF-8 with or without BOM, UTF-16, Windows-1252), streamed row by row.

The bytes decide, never the name: a source is a table when it decodes as text and its first
lines are tabular (every line, or nine in ten, splits into the same number of fields by one
delimiter: three or more fields, or two with a delimiter other than a comma, or two split by
commas with no space after them, as prose writes commas). Excel's "Unicode text" export is a
UTF-16 TSV. Whether the first row is a header is for the classifier to decide.

Reports put lines above the table (a title, a run date, "Prepared by", blank lines) and below
it (a total, "End of report"): the lines above, narrower than the table, are not counted when
judging it; they title the table (its context, as a title row of a sheet is) and are read as
text as well, so that what they say counts. A few narrower lines at the end of the sample are
not counted either. A file that is no table by any delimiter is left to the text reader.

Every character of the text is in some cell, so a CSV read covers the plain-text read of the
same bytes (``subsumes = {"text"}``). Coverage: one part, ``body``, parsed. A field longer than
``Limits.max_string_chars`` makes the file unscannable.

A quoted cell may hold line breaks: a whole record (``Name: ...`` on one line, ``A-Number: ...``
on the next) in one cell, which a spreadsheet shows as lines and a table classifier would see as
one odd value. When the parse took more physical lines than it gave rows (counted at C speed, so
ordinary files pay nothing per row), the file is read a second time for those cells only, and
each such cell is read as prose (a paragraph of its own), as the text reader would have read it.

A cell that starts with ``=`` (or ``+ - @``) is a formula to Excel and LibreOffice, which
evaluate it when they open the file: ``=CHAR(65)&218343183`` shows an A-number that is nowhere
in the bytes as such. Such a cell is read as it shows (``_formulas.typed``: evaluated where it
can be, its string literals read besides, as a sheet's formulas are), and a formula that may
build text that cannot be evaluated here (``=A2&B2``, ``=TEXT(...)``) is an unread part that
blocks. Cells are looked at only in rows parsed from a chunk of text that holds a field start
with one of those characters (``_Formulas.watch``, at C speed per chunk); other rows cost
nothing.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import IO

from approval.detect.blobs import MIN_CHARS, may_carry, may_hold_uri
from approval.detect.readers._formulas import FORMULA_LEADS, typed
from approval.detect.textio import (
    open_text,
    sniff_encoding,
    text_encoding,
    text_prefix,
    visible,
)
from approval.detect.units import (
    AS_TEXT,
    PARSED,
    UNREAD,
    Bound,
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

# The longest field the redactor copies (approval.redact.csv); the scan's bound is
# ``Limits.max_string_chars``, set before every read (the module's bound is process-wide).
FIELD_LIMIT = 64 * 1024 * 1024
DELIMITERS = ("\t", ";", "|", ",")  # in order of preference when equally consistent
_SAMPLE_BYTES = 64 * 1024
_CHUNK_CHARS = 1 << 20  # text read at a time (see ``_visible_lines``)
_MARKDOWN_RULE = re.compile(r"[\s:-]*-{3,}[\s:-]*")
_FOOTER_ROWS = 3  # narrower lines at the end of a sample that do not break its table
_ROW_BATCH = 256  # rows parsed before any is passed on (see ``_rows``)
_MAX_FORMULA_TEXT = 16 << 20  # characters of formula literals read from one file


def sniff_delimiter(sample: str) -> tuple[str, float, int]:
    """The delimiter whose rows have the most consistent number of fields in ``sample``;
    with that consistency (0-1) and the usual number of fields."""
    delimiter, consistency, width, _ = sniff_layout(sample)
    return delimiter, consistency, width


# Excel's first line ``sep=<c>``: any one character (a letter too) is the delimiter of the rows
# below it, and the line is no row. Written as Excel and the tools that write for it do: after
# a byte order mark, in any case, quoted as a field (``"sep=,"``), padded with delimiters to
# the table's width (``sep=;;;``).
_DIRECTIVE = re.compile(r'\ufeff?"?sep=([^\r\n])"?(?:\1|")*[ \t]*(?:\r\n?|\n|\Z)', re.I)


def directive(sample: str) -> str | None:
    """The delimiter a first line ``sep=<c>`` names, or None."""
    match = _DIRECTIVE.match(sample)
    return match.group(1) if match else None


def sniff_layout(sample: str) -> tuple[str, float, int, int]:
    """``sniff_delimiter``'s answer, and the number of rows (blank ones included) before the
    table: title and preamble lines (a report's name, its date, "Prepared by", blank lines)
    are narrower than the table, and do not make its rows less consistent. Narrower lines at
    the end (a total, a footer) do not either. A first line ``sep=<c>`` (``directive``) names
    the delimiter, and is a line before the table."""
    named = directive(sample)
    if named is None:
        return _layout(sample, DELIMITERS)
    match = _DIRECTIVE.match(sample)
    rest = sample[match.end() :] if match else sample
    _, consistency, width, lead = _layout(rest, (named,))
    return named, consistency, width, lead + 1


def _layout(sample: str, delimiters: Sequence[str]) -> tuple[str, float, int, int]:
    best = (delimiters[0] if len(delimiters) == 1 else ",", 0.0, 1, 0)
    for delimiter in delimiters:
        if delimiter not in sample:
            continue
        try:
            every = list(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter))
        except csv.Error:
            continue
        wide = Counter(len(r) for r in every if len(r) > 1)
        if not wide:
            continue
        width = wide.most_common(1)[0][0]
        lead = 0
        while lead < len(every) and len(every[lead]) < width:
            lead += 1
        rows = [r for r in every[lead:] if r]
        footer = 0
        while len(rows) > 1 and len(rows[-1]) < width and footer < _FOOTER_ROWS:
            rows.pop()  # a total or a footer line
            footer += 1
        if not rows:
            continue
        consistency = sum(1 for r in rows if len(r) == width) / len(rows)
        if (consistency, width) > (best[1], best[2]):
            best = (delimiter, consistency, width, lead)
    return best


def _sample(head: bytes, encoding: str) -> str:
    text = head.decode(encoding, errors="approval-cp1252")
    # The head may end in the middle of a line: keep whole lines only.
    cut = max(text.rfind("\n"), text.rfind("\r"))
    # As the rows are read (``_rows``), so that the lines above the table are the same rows.
    return visible(text[:cut] if cut > 0 and len(head) >= 8192 else text)


def is_tabular(sample: str, whole: bool = False) -> bool:
    """Whether ``sample`` (the first lines of a text; ``whole`` when it is all of it) reads as
    a table, below any title lines."""
    delimiter, consistency, width, lead = sniff_layout(sample)
    try:
        rows = [r for r in itertools.islice(_sample_rows(sample, delimiter), lead, None) if r]
    except csv.Error:
        return False
    # The rows as wide as the table (a title above it or a footer below are not rows of it).
    if whole and not lead and len(rows) == 1 and width >= 3 and consistency >= 0.9:
        # One record on one line (``NAME,1999-03-14,Asylum``): a table of one row without a
        # header; not a sentence (a space after most commas, a field of many words) nor a
        # number with thousands commas (``212,345,678``), which the text reader reads.
        fields = rows[0]
        return not (
            sum(1 for f in fields[1:] if f[:1].isspace()) * 2 >= width - 1
            or any(len(f.split()) > 5 for f in fields)
            or any(
                f[:3].isdigit() and not f[3:4].isdigit() and fields[k][-1:].isdigit()
                for k, f in enumerate(fields[1:])
            )
        )
    if sum(1 for r in rows if len(r) == width) < (2 if whole else 3) or consistency < 0.9:
        return False
    if delimiter == "|" and any(_MARKDOWN_RULE.fullmatch("".join(r)) for r in rows[1:2]):
        return False  # a Markdown table: text, which the text reader reads as a table
    if width >= 3 or (width == 2 and delimiter not in ",;"):
        return True
    # Two fields split by a comma (or a semicolon): a table when the marks are not a
    # sentence's (a space after them). Commas inside quoted fields (``"Wednesday, March 14,
    # 1999"``) are no delimiters, and say nothing either way.
    spaced = sum(1 for r in rows if len(r) == 2 and r[1][:1].isspace())
    return width == 2 and consistency == 1.0 and spaced * 2 < len(rows)


class CsvReader:
    name = "csv"
    subsumes = frozenset({"text"})

    def accepts(self, probe: Probe) -> bool:
        head = probe.head
        whole = probe.size <= len(head)
        if sniff_encoding(head) is None:
            # Text lines and then something else (a PDF appended to a CSV): judge the lines.
            head, whole = text_prefix(head), False
        encoding = sniff_encoding(head) if head else None
        if encoding is None:
            return False
        sample = _sample(head, encoding)
        # A first line ``sep=<c>``: a table to Excel, whatever the rest looks like.
        return directive(sample) is not None or is_tabular(sample, whole)

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        with source.open() as f:
            head = f.read(_SAMPLE_BYTES)
        encoding = text_encoding(head[:8192])
        if encoding is None:
            raise Unscannable("corrupt: not text")
        sample = _sample(head, encoding)
        delimiter, _, _, lead = sniff_layout(sample)
        yield Part("body", "table", source.size, PARSED)
        yield from _table(source, limits, encoding, sample, delimiter, lead)
        if directive(sample) is not None:
            # Read as well as a reader that ignores the line does (LibreOffice, pandas, Excel
            # with a byte order mark before it, in some versions), when it splits otherwise.
            other, _, _, other_lead = _layout(sample, DELIMITERS)
            if other != delimiter:
                yield from _table(source, limits, encoding, sample, other, other_lead, False)


def _table(
    source: Source,
    limits: Limits,
    encoding: str,
    sample: str,
    delimiter: str,
    lead: int,
    named: bool = True,
) -> Iterator[Unit]:
    """The source read as a table split by ``delimiter`` below ``lead`` lines; ``named``: as
    its first line ``sep=<c>`` says, if it has one (that line is no title)."""
    title = ""
    if lead:
        # Lines above the table (a title, a date, "Prepared by"): they govern the table
        # as its title, and are read as text too, since what they say counts.
        above = [delimiter.join(r) for r in itertools.islice(_sample_rows(sample, delimiter), lead)]
        if named and directive(sample) is not None:
            above = above[1:]  # ``sep=<c>``: one character, and a setting
        title = " / ".join(line.strip() for line in above if line.strip())
        if above:
            yield Part("lines above the table", "text", sum(map(len, above)), AS_TEXT)
            yield Text(Where(part=source.part), above)
    shape = _Shape(formulas=_Formulas(delimiter))
    rows = _rows(source, encoding, delimiter, limits.max_string_chars, shape)
    if lead:
        rows = itertools.islice(rows, lead, None)
    formulas = shape.formulas
    yield Table(
        where=Where(part=source.part), rows=rows, title=title, carries=lambda: formulas.carries
    )
    if shape.formulas.lines:
        lines = shape.formulas.lines
        yield Part("formula literals", "formulas", sum(map(len, lines)), AS_TEXT)
        yield Text(Where(part=source.part), lines, title)
    if shape.formulas.unread:
        yield Part(
            "formulas",
            "formulas",
            0,
            UNREAD,
            f"{shape.formulas.unread} formula cells may build text that cannot be evaluated",
        )
    if shape.lines > shape.rows:
        lines = list(_broken_cells(source, encoding, delimiter, limits.max_string_chars))
        if lines:
            yield Part("cells with line breaks", "text", sum(map(len, lines)), AS_TEXT)
            yield Text(Where(part=source.part), lines)


def _sample_rows(sample: str, delimiter: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)


@dataclass
class _Formulas:
    """The cells a spreadsheet would take as formulas (see the module's docstring): which
    chunks of text may hold one (``watch``, per chunk), and what was found in the rows
    (``read``): literals to read as text, and how many formulas could not be evaluated."""

    delimiter: str
    chunks: int = 0  # chunks of text passed to the parser so far
    hot: int = -2  # the last of them that holds a field start that may be a formula
    carries: bool = False  # whether any chunk so far may carry a file (``blobs.may_carry``)
    _chunk: str = ""  # the chunk being cut into lines
    lines: list[str] = field(default_factory=list)
    chars: int = 0
    unread: int = 0

    def watch(self, chunk: str) -> str:
        self.chunks += 1
        # "=" anywhere, or "+ - @" with a join or a call after it: no other cell builds text.
        # One-character tests run at memory speed; the pattern only on chunks that pass them.
        if ("=" in chunk or (("&" in chunk or "(" in chunk) and _any_lead(chunk))) and (
            _candidates(self.delimiter).search(chunk)
        ):
            self.hot = self.chunks - 1
            self.carries = True  # a formula may build a data URI
        if not self.carries:
            self.carries = may_hold_uri(chunk)
        self._chunk = chunk
        return chunk

    def cut(self, lines: Iterable[str]) -> Iterable[str]:
        """A chunk's lines as ``_chunk_lines`` cut them: a line long enough to hold a base64
        file is looked at (a list's lengths cost one C pass; a ``StringIO``'s chunk is looked
        at whole)."""
        if not self.carries:
            if not isinstance(lines, list):
                self.carries = may_carry(self._chunk)
            elif lines and max(map(len, lines)) >= MIN_CHARS:
                self.carries = any(map(may_carry, lines))
        return lines

    def read(self, batch: list[list[str]]) -> None:
        for row in batch:
            for index, cell in enumerate(row):
                lead = cell[:1]
                if not lead or lead not in FORMULA_LEADS:
                    continue
                # "+ - @" with no join and no call shows a number, an error or the text as
                # written (``-5``, ``+1 555 0100``): skipped at the cost of two searches.
                if lead != "=" and "&" not in cell and "(" not in cell:
                    continue
                if (found := typed(cell)) is not None:
                    row[index] = found.shown
                    self.unread += found.unread
                    if found.line:
                        self.chars += len(found.line)
                        if self.chars > _MAX_FORMULA_TEXT:
                            raise Unscannable(
                                f"too large: formulas hold more than {_MAX_FORMULA_TEXT >> 20}"
                                " MiB of text"
                            )
                        self.lines.append(found.line)


def _any_lead(chunk: str) -> bool:
    return "-" in chunk or "+" in chunk or "@" in chunk


@cache
def _candidates(delimiter: str) -> re.Pattern[str]:
    """A field that may be a formula: ``=`` at the start of a field (after the delimiter, a
    line break or an opening quote); ``+ - @`` there with ``&`` or ``(`` later on the line, or
    at the start of a quoted field (which may go on over more lines)."""
    start = re.escape(delimiter)
    return re.compile(
        rf'(?:^|[{start}\r"])=|"[-+@]|(?:^|[{start}\r])[-+@][^\r\n&(]*[&(]', re.MULTILINE
    )


@dataclass
class _Shape:
    """Rows the parse gave and physical lines it read, known once the rows are consumed; and
    the formulas met in them."""

    rows: int = 0
    lines: int = 0
    formulas: _Formulas = field(default_factory=lambda: _Formulas(","))


def _rows(
    source: Source, encoding: str, delimiter: str, longest: int, shape: _Shape | None = None
) -> Iterator[Sequence[str]]:
    # Rows passed on a batch at a time by C iterators: a Python step per row (a generator's
    # ``yield``) costs a few percent of a whole CSV scan.
    return itertools.chain.from_iterable(_row_batches(source, encoding, delimiter, longest, shape))


def _row_batches(
    source: Source, encoding: str, delimiter: str, longest: int, shape: _Shape | None
) -> Iterator[list[list[str]]]:
    # The module's bound is process-wide; every scan sets the one it needs before it reads.
    csv.field_size_limit(longest)
    with source.open() as raw:
        text = open_text(raw, encoding, newline="")
        formulas = shape.formulas if shape is not None else None
        watch = formulas.watch if formulas is not None else None
        cut = formulas.cut if formulas is not None else None
        reader = csv.reader(_visible_lines(text, watch, cut), delimiter=delimiter)
        rows = 0
        lines = 0  # physical lines the parser had read when the last batch ended
        current = 0  # the chunk being parsed when the last batch ended
        try:
            while batch := list(itertools.islice(reader, _ROW_BATCH)):
                rows += len(batch)
                if formulas is not None:
                    if not formulas.carries and reader.line_num - lines > len(batch):
                        # A row over several lines: a quoted cell with line breaks, which may
                        # hold base64 wrapped as encoders write it (76 columns a line), no line
                        # of it long enough for ``cut`` to notice. Free to tell, per batch.
                        formulas.carries = True
                    lines = reader.line_num
                    # The batch's rows come from the chunks parsed since the last one ended.
                    if formulas.hot >= current - 1:
                        formulas.read(batch)
                    current = formulas.chunks - 1
                yield batch
            if shape is not None:
                shape.rows, shape.lines = rows, reader.line_num
        except csv.Error as e:
            if "field larger than field limit" in str(e):
                raise Bound(
                    f"a field longer than {longest} characters", "max_string_chars"
                ) from None
            # The module's message names no content, but says little to a user either.
            raise Unscannable(f"corrupt: malformed CSV near line {reader.line_num}") from None


def _visible_lines(
    text: IO[str],
    watch: Callable[[str], str] | None = None,
    cut: Callable[[Iterable[str]], Iterable[str]] | None = None,
) -> Iterator[str]:
    """The lines of ``text`` as a reader sees them, as prose is (``textio.visible``): zero-width
    spaces between the letters of a name do not hide it. Read in chunks cut after a line
    break, so that no Python step runs per line (ASCII chunks pass as they are); ``watch``
    sees each chunk before its lines are parsed, ``cut`` its lines."""
    chunks = map(visible, _chunks(text))
    if watch is not None:
        chunks = map(watch, chunks)
    lines = map(_chunk_lines, chunks)
    if cut is not None:
        lines = map(cut, lines)
    return itertools.chain.from_iterable(lines)


# Line breaks of ``str.splitlines`` that a CSV line does not end at (ASCII ones; the others are
# not in an ASCII chunk).
_OTHER_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e")


def _chunk_lines(chunk: str) -> Iterable[str]:
    """The lines of a chunk with their line breaks, as a text file read with ``newline=""``
    gives them (``\n``, ``\r\n``, ``\r``). ``splitlines`` cuts an ASCII chunk in one C call,
    several times faster than a ``StringIO`` (which copies the chunk to four bytes a character)
    but it also cuts at form feeds and the like: a chunk with any of those, or with any other
    character than ASCII, is cut by a ``StringIO``."""
    if chunk.isascii() and not any(b in chunk for b in _OTHER_BREAKS):
        return chunk.splitlines(keepends=True)
    return io.StringIO(chunk, newline="")


def _chunks(text: IO[str]) -> Iterator[str]:
    carry = ""
    while True:
        chunk = text.read(_CHUNK_CHARS)
        if not chunk:
            if carry:
                yield carry
            return
        chunk = carry + chunk
        # After the last "\n", else after the last "\r" that is not the chunk's last character
        # (it may be the first half of "\r\n"): a line break split in two would be two.
        cut = chunk.rfind("\n") + 1 or chunk.rfind("\r", 0, len(chunk) - 1) + 1
        if cut:
            yield chunk[:cut]
            carry = chunk[cut:]
        else:
            carry = chunk  # a line longer than a chunk: the field bound stops a long one


def _broken_cells(source: Source, encoding: str, delimiter: str, longest: int) -> Iterator[str]:
    """The lines of every cell that holds a line break, a blank line after each cell."""
    for row in _rows(source, encoding, delimiter, longest):
        for cell in row:
            if "\n" in cell or "\r" in cell:
                yield from cell.splitlines()
                yield ""


READER = CsvReader()
