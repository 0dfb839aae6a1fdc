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
    "approval.detect.readers.odt",  # OpenDocument text, presentations, drawings
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
    "approval.detect.readers.xml",  # any XML: records as tables (flat ODF, SpreadsheetML)
    "approval.detect.readers.rtf",  # Rich Text Format: text and tables, revisions
    "approval.detect.readers.ipynb",  # Jupyter notebooks: strings joined as viewers join them
    "approval.detect.readers.json",  # JSON and NDJSON
    "approval.detect.readers.yaml",
    "approval.detect.readers.sylk",  # SYLK: the sheet Excel shows, its formulas computed
    "approval.detect.readers.csv",  # CSV / TSV, delimiter and encoding sniffed
    "approval.detect.readers.vcard",  # vCard, iCalendar, LDIF: unfolded, values decoded
    "approval.detect.readers.delimited",  # Ctrl-A (Hive) and unit-separator delimited text
    "approval.detect.readers.trailer",  # text after the end of a binary file
    "approval.detect.readers.text",  # plain text and Markdown (last: the fallback for text)
)

# Readers that parse a format's structure and account for every byte of what they accept (a
# part they do not know they report unread). A source that none of them read was read only by
# readers that decode bytes as text (or read a text trailer), which say nothing of binary data
# in it: the scanner then requires it to be text throughout (``readers._binary``). A reader
# left out of this list fails closed: binary bytes it reads make the source unscannable.
STRUCTURED: frozenset[str] = frozenset(
    {"xlsx", "ods", "odt", "xls", "docx", "pptx", "pdf", "zip", "gzip", "bz2", "xz", "tar"}
    | {"delimited"}
    | {"rtf", "xml"}  # expat checks every byte of XML; rtf hands back what it does not read
)
# pdf and tar hand back the bytes their format holds but no reader of it reads (between a PDF's
# objects and after its last %%EOF; a tar's padding and what follows its end) as files of their
# own (``readers._pdfspan``, ``readers._ranges``); the ZIP readers' gaps are the scanner's.


# The structured readers that read a ZIP archive by its central directory: the bytes outside
# the archive's records are read as files of their own, unless a reader of another format read
# the source too (a PDF that embeds a workbook is a ZIP to them, and the rest is the PDF's).
ARCHIVES: frozenset[str] = frozenset({"zip", "xlsx", "docx", "pptx", "ods", "odt"})


def structured(reader: object) -> bool:
    """Whether a reader accounts for every byte of what it accepts: listed in ``STRUCTURED``,
    or declaring ``structured = True`` (a format plugged in outside the registry, by a test)."""
    return getattr(reader, "name", None) in STRUCTURED or getattr(reader, "structured", 0) is True


@cache
def readers() -> tuple[Reader, ...]:
    """The readers, in order."""
    return tuple(importlib.import_module(name).READER for name in READER_MODULES)
