"""Every reader, listed explicitly, in the order formats are tried.

Each module defines ``READER``, an object implementing ``approval.detect.units.Reader``.
Container formats built on ZIP (xlsx, ods, docx) come before plain ZIP; the plain-text reader
comes last. A source no reader accepts is ``unscannable`` ("unsupported format: ...").
Modules are imported on first use so that start-up stays fast.
"""

from __future__ import annotations

import importlib
from functools import cache

from approval.detect.units import Reader

READER_MODULES: tuple[str, ...] = (
    "approval.detect.readers.xlsx",  # .xlsx / .xlsm: every sheet, hidden parts, pivot caches
    "approval.detect.readers.ods",  # OpenDocument spreadsheets (python-calamine)
    "approval.detect.readers.xls",  # legacy Excel (python-calamine)
    "approval.detect.readers.docx",  # Word: paragraphs and tables
    "approval.detect.readers.pdf",  # the text layer (pypdf)
    "approval.detect.readers.eml",  # email: MIME parts and attachments, recursively
    "approval.detect.readers.zip",  # archives, recursively, within Limits
    "approval.detect.readers.html",  # tables as tables, the rest as text
    "approval.detect.readers.json",  # JSON and NDJSON
    "approval.detect.readers.yaml",
    "approval.detect.readers.csv",  # CSV / TSV, delimiter and encoding sniffed
    "approval.detect.readers.text",  # plain text and Markdown (last: the fallback for text)
)


@cache
def readers() -> tuple[Reader, ...]:
    """The readers, in order."""
    return tuple(importlib.import_module(name).READER for name in READER_MODULES)
