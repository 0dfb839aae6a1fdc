"""CSV and TSV: delimiter (comma, semicolon, tab, pipe) and quoting sniffed, encoding detected
(UTF-8 with or without BOM, UTF-16, Windows-1252), streamed row by row.

Files named ``.csv``/``.tsv``/``.tab``/``.psv`` are read as tables; so are ``.txt`` files and
files without a known extension whose first lines are clearly tabular (Excel's "Unicode text"
export is a UTF-16 TSV named ``.txt``). Whether the first row is a header is for the classifier
to decide.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import PurePath

from approval.detect.textio import open_text, sniff_encoding
from approval.detect.units import Limits, Source, Table, Unit, Unscannable, Where

EXTENSIONS = frozenset({".csv", ".tsv", ".tab", ".psv", ".dsv"})
# Extensions of text formats that are never tables, even when their lines hold delimiters.
NOT_TABLES = frozenset({".md", ".markdown", ".rst", ".json", ".ndjson", ".yaml", ".yml", ".xml"})
SNIFFABLE = frozenset({"", ".txt", ".dat", ".text", ".out", ".log"})
DELIMITERS = ("\t", ";", "|", ",")  # in order of preference when equally consistent
FIELD_LIMIT = 64 * 1024 * 1024  # a longer field is a corrupt file (memory stays bounded)
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


def _is_tabular(sample: str) -> bool:
    delimiter, consistency, width = sniff_delimiter(sample)
    lines = [line for line in sample.splitlines() if line.strip()]
    if len(lines) < 3 or consistency < 0.9:
        return False
    return width >= (3 if delimiter == "," else 2)


class CsvReader:
    name = "csv"

    def accepts(self, head: bytes, name: str) -> bool:
        suffix = PurePath(name).suffix.lower()
        if suffix in NOT_TABLES:
            return False
        encoding = sniff_encoding(head)
        if encoding is None:
            return False
        if suffix in EXTENSIONS:
            return True
        return suffix in SNIFFABLE and _is_tabular(_sample(head, encoding))

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        with source.open() as f:
            head = f.read(_SAMPLE_BYTES)
        encoding = sniff_encoding(head[:8192])
        if encoding is None:
            raise Unscannable("corrupt: not text")
        delimiter, _, _ = sniff_delimiter(_sample(head, encoding))
        yield Table(where=Where(part=source.part), rows=_rows(source, encoding, delimiter))


def _rows(source: Source, encoding: str, delimiter: str) -> Iterator[Sequence[str]]:
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
    with source.open() as raw:
        text = open_text(raw, encoding, newline="")
        reader = csv.reader(text, delimiter=delimiter)
        try:
            yield from reader
        except csv.Error:
            # The module's message names no content, but says little to a user either.
            raise Unscannable(f"corrupt: malformed CSV near line {reader.line_num}") from None


READER = CsvReader()
