"""Every reader, listed explicitly.

Each module defines ``READER``, an object implementing ``approval.detect.units.Reader``. The
bytes choose the readers (``Reader.accepts`` sees a ``Probe``, never a name): every reader that
accepts a source reads it, less those another accepting reader subsumes, and the worst verdict
stands. The order is only the order in which they read, and in which the report's ``format``
names them (``pdf+csv``). A source no reader accepts is ``unscannable`` ("unsupported format:
..."): 7z, rar, zstd, legacy Word and PowerPoint among others. Modules are imported on first
use so that start-up stays fast.
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
    "approval.detect.readers.pptx",  # PowerPoint: slides, tables, notes; every part accounted
    "approval.detect.readers.pdf",  # the text layer (pypdf)
    "approval.detect.readers.eml",  # email: MIME parts and attachments, recursively
    "approval.detect.readers.mbox",  # mailboxes: each message as the email reader reads it
    "approval.detect.readers.zip",  # archives, recursively, within Limits
    "approval.detect.readers.gzip",  # compressed streams: the content read as a file is
    "approval.detect.readers.bz2",
    "approval.detect.readers.xz",
    "approval.detect.readers.tar",  # tar archives (compressed ones via the three above)
    "approval.detect.readers.html",  # tables as tables, the rest as text
    "approval.detect.readers.json",  # JSON and NDJSON
    "approval.detect.readers.yaml",
    "approval.detect.readers.csv",  # CSV / TSV, delimiter and encoding sniffed
    "approval.detect.readers.trailer",  # text after the end of a binary file
    "approval.detect.readers.text",  # plain text and Markdown (last: the fallback for text)
)


@cache
def readers() -> tuple[Reader, ...]:
    """The readers, in order."""
    return tuple(importlib.import_module(name).READER for name in READER_MODULES)
