"""CSV and TSV: delimiter (comma, semicolon, tab, pipe) and quoting sniffed, encoding detected
(UTF-8 with or without BOM, UTF-16, Windows-1252), streamed row by row.

The bytes decide, never the name: a source is a table when it decodes as text and its first
lines are tabular (every line, or nine in ten, splits into the same number of fields by one
delimiter: three or more fields, or two with a delimiter other than a comma, or two split by
commas with no space after them, as prose writes commas). Excel's "Unicode text" export is a
UTF-16 TSV. Whether the first row is a header is for the classifier to decide.

Every character of the text is in some cell, so a CSV read covers the plain-text read of the
same bytes (``subsumes = {"text"}``). Coverage: one part, ``body``, parsed. A field longer than
``Limits.max_string_chars`` makes the file unscannable.

A quoted cell may hold line breaks: a whole record (``Name: ...`` on one line, ``A-Number: ...``
on the next) in one cell, which a spreadsheet shows as lines and a table classifier would see as
one odd value. When the parse took more physical lines than it gave rows (counted at C speed, so
ordinary files pay nothing per row), the file is read a second time for those cells only, and
each such cell is read as prose (a paragraph of its own), as the text reader would have read it.
"""

from __future__ import annotations

import csv
import io
import itertools
import operator
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from approval.detect.textio import open_text, sniff_encoding, text_encoding, text_prefix
from approval.detect.units import (
    AS_TEXT,
    PARSED,
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


def sniff_delimiter(sample: str) -> tuple[str, float, int]:
    """The delimiter whose rows have the most consistent number of fields in ``sample``;
    with that consistency (0-1) and the usual number of fields."""
    best = (",", 0.0, 1)
    for delimiter in DELIMITERS:
        if delimiter not in sample:
            continue
        try:
            rows = [r for r in csv.reader(io.StringIO(sample), delimiter=delimiter) if r]
        except csv.Error:
            continue
        if not rows:
            continue
        width, count = Counter(map(len, rows)).most_common(1)[0]
        consistency = count / len(rows)
        if width > 1 and (consistency, width) > (best[1], best[2]):
            best = (delimiter, consistency, width)
    return best


def _sample(head: bytes, encoding: str) -> str:
    text = head.decode(encoding, errors="approval-cp1252")
    # The head may end in the middle of a line: keep whole lines only.
    cut = max(text.rfind("\n"), text.rfind("\r"))
    return text[:cut] if cut > 0 and len(head) >= 8192 else text


def is_tabular(sample: str, whole: bool = False) -> bool:
    """Whether ``sample`` (the first lines of a text; ``whole`` when it is all of it) reads as
    a table."""
    delimiter, consistency, width = sniff_delimiter(sample)
    lines = [line for line in sample.splitlines() if line.strip()]
    if len(lines) < (2 if whole else 3) or consistency < 0.9:
        return False
    if width >= 3 or (width == 2 and delimiter != ","):
        return True
    # Two fields split by a comma: a table when the commas are not a sentence's.
    return width == 2 and consistency == 1.0 and sample.count(", ") * 2 < sample.count(",")


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
        return is_tabular(_sample(head, encoding), whole)

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        with source.open() as f:
            head = f.read(_SAMPLE_BYTES)
        encoding = text_encoding(head[:8192])
        if encoding is None:
            raise Unscannable("corrupt: not text")
        delimiter, _, _ = sniff_delimiter(_sample(head, encoding))
        yield Part("body", "table", source.size, PARSED)
        shape = _Shape()
        rows = _rows(source, encoding, delimiter, limits.max_string_chars, shape)
        yield Table(where=Where(part=source.part), rows=rows)
        if shape.lines > shape.rows:
            lines = list(_broken_cells(source, encoding, delimiter, limits.max_string_chars))
            if lines:
                yield Part("cells with line breaks", "text", sum(map(len, lines)), AS_TEXT)
                yield Text(Where(part=source.part), lines)


@dataclass
class _Shape:
    """Rows the parse gave and physical lines it read, known once the rows are consumed."""

    rows: int = 0
    lines: int = 0


def _rows(
    source: Source, encoding: str, delimiter: str, longest: int, shape: _Shape | None = None
) -> Iterator[Sequence[str]]:
    # The module's bound is process-wide; every scan sets the one it needs before it reads.
    csv.field_size_limit(longest)
    with source.open() as raw:
        text = open_text(raw, encoding, newline="")
        reader = csv.reader(text, delimiter=delimiter)
        # Rows counted by zip and itemgetter, in C: no Python step per row.
        counter = itertools.count()
        try:
            yield from map(operator.itemgetter(1), zip(counter, reader, strict=False))
            if shape is not None:
                shape.rows, shape.lines = next(counter) - 1, reader.line_num
        except csv.Error as e:
            if "field larger than field limit" in str(e):
                raise Bound(
                    f"a field longer than {longest} characters", "max_string_chars"
                ) from None
            # The module's message names no content, but says little to a user either.
            raise Unscannable(f"corrupt: malformed CSV near line {reader.line_num}") from None


def _broken_cells(source: Source, encoding: str, delimiter: str, longest: int) -> Iterator[str]:
    """The lines of every cell that holds a line break, a blank line after each cell."""
    for row in _rows(source, encoding, delimiter, longest):
        for cell in row:
            if "\n" in cell or "\r" in cell:
                yield from cell.splitlines()
                yield ""


READER = CsvReader()
