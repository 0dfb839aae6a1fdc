"""CSV and TSV: the identifying columns dropped, everything else as it was read.

The delimiter and encoding are sniffed as the scanner's reader sniffs them, and kept: a
semicolon-separated Windows-1252 export stays one. Quoting is re-done minimally.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import BinaryIO

from approval.detect.readers.csv import FIELD_LIMIT, sniff_delimiter
from approval.detect.textio import open_text, sniff_encoding
from approval.redact.base import Plan, column_index, column_words

_SAMPLE_BYTES = 64 * 1024


class CsvRedactor:
    name = "csv"

    def redact(self, source: Path, out: BinaryIO, plan: Plan) -> list[str]:
        with source.open("rb") as f:
            head = f.read(_SAMPLE_BYTES)
        encoding = sniff_encoding(head[:8192]) or "utf-8"
        sample = head.decode(encoding, errors="replace")
        delimiter, _, _ = sniff_delimiter(sample)
        newline = "\r\n" if "\r\n" in sample else "\n"
        columns = plan.columns(None)
        drop = {column_index(letter) for letter in columns}
        if csv.field_size_limit() < FIELD_LIMIT:
            csv.field_size_limit(FIELD_LIMIT)
        # A BOM is written again by the same codec (utf-8-sig, utf-16): the file keeps it.
        text = io.TextIOWrapper(out, encoding=encoding, errors="replace", newline="")
        writer = csv.writer(text, delimiter=delimiter, lineterminator=newline)
        with source.open("rb") as raw:
            for row in csv.reader(open_text(raw, encoding, newline=""), delimiter=delimiter):
                writer.writerow([cell for i, cell in enumerate(row) if i not in drop])
        text.flush()
        text.detach()  # the caller owns ``out``
        return [column_words(letter, header) for letter, header in sorted(columns.items())]


REDACTOR = CsvRedactor()
