"""Files carried in any text a reader hands over: ``data:`` URIs and bare base64
(``approval.detect.blobs``) in a Markdown image or link, a JSON or YAML value, a mail's plain
text, an XML text node, a line of a text file, a cell of a CSV file or a workbook.

Browsers, editors and Markdown viewers decode ``data:`` URIs (RFC 2397) wherever they stand:
``[list](data:text/csv;base64,...)`` is a file a reader of the page gets with a click; a cell
of base64 is a file to anyone with ``base64 -d``. The HTML, SVG, PDF and vCard readers decode
the URIs their format places; this module finds them in every other text the scan core reads
(``approval.detect.scan`` hands each line, string value and batch of table rows to a
``Carrier``, behind one cheap test, ``blobs.may_hold``), and says what each payload is to be
read as: a picture for the text it carries (not blocking, as pictures in documents are), a font
as an unread part (not blocking), anything else as a file of its own, read by the reader its
bytes call for, and blocking when none knows it. A payload found in a cell is named for it
(``data-uri-1 in cell C5``, ``base64-2 in cell B9``: the row counted in the table's rows).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

from approval.detect.blobs import (
    MIN_CHARS,
    WRAP_CHARS,
    decode,
    may_hold,
    may_hold_uri,
    runs,
)
from approval.detect.readers._carriers import data_uri, nested, picture
from approval.detect.readers._formulas import letter
from approval.detect.readers._members import PICTURE_REASON, is_font
from approval.detect.units import (
    UNREAD,
    Bound,
    Cell,
    Limits,
    Part,
    Source,
    Table,
    Text,
    Unit,
    Where,
)

# ``data:`` not inside a word (``metadata:``), in any case (a URL's scheme is), a media type
# and parameters without spaces, the comma, then a payload long enough to hold anything (a
# shorter one is read as the text it is); a line break may stand in it (base64 as ``base64``
# writes it: 76 columns a line), which every consumer of the URI removes.
_URI = re.compile(
    r"(?<![\w.-])data:[\w.+-]*(?:/[\w.+-]+)?(?:;[\w.+-]+(?:=[\w.+-]*)?)*?"
    # base64: white space in it is dropped by every decoder (WHATWG's forgiving-base64)
    r"(?:;base64,(?:[A-Za-z0-9+/=%]|[ \t\r\n]+(?=[A-Za-z0-9+/])){16,}"
    r"|,(?:[A-Za-z0-9+/=%._~!$&'*:@-]|\r?\n[ \t]*){16,})",
    re.IGNORECASE,
)
# How a base64 payload the line before ended with may go on at the start of a line.
_BASE64_RUN = re.compile(r"[ \t]*([A-Za-z0-9+/=]+)")
# A line of bare base64 and nothing else, in either alphabet (``blobs.decode`` tells them).
_BASE64_LINE = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")
_HEAD = 64


@dataclass(frozen=True)
class Found:
    """A file found in a unit's text: a data URI whole, or the bytes of a bare base64 run."""

    uri: str | None
    data: bytes
    place: str  # the cell that holds it (``cell B7``), or ""


class Carrier:
    """The data URIs and bare base64 files (``approval.detect.blobs``) of one file's lines,
    string values and table cells, as they stream to the classifier.

    A base64 payload that reaches the end of its line goes on in the lines after it that are
    base64 and nothing else (a reader's line cut at its length limit goes on the same way), up
    to ``max_string_chars``: a URI is never read in part. Bare base64 wrapped over lines of
    ``WRAP_CHARS`` or more (``base64``, MIME, PEM) is joined the same way, until a shorter line,
    its padding, or a line of anything else ends it. More than ``max_entries`` files, or
    more than ``max_expanded_bytes`` of them waiting to be read, stop the scan (``Bound``)."""

    def __init__(self, limits: Limits):
        self.found: list[Found] = []  # to be read
        self.count = 0
        self._limits = limits
        self._held = 0  # characters and bytes in ``found``
        self._open: list[str] | None = None  # a base64 URI that may go on in the next line
        self._size = 0
        self._wrapped: list[str] | None = None  # lines of bare base64 that may go on

    @property
    def waiting(self) -> bool:
        """Whether a URI or wrapped base64 may go on in the next line (which must then be
        handed over)."""
        return self._open is not None or self._wrapped is not None

    def take(self) -> list[Found]:
        """The files found since last asked."""
        found, self.found, self._held = self.found, [], 0
        return found

    def line(self, text: str) -> None:
        if (self._wrapped is not None or len(text) >= WRAP_CHARS) and self._wrap(text.strip()):
            return
        if self._open is not None:
            run = _BASE64_RUN.match(text)
            if run is not None and self._size < self._limits.max_string_chars:
                self._open.append(run.group(1))
                self._size += len(run.group(1))
                if run.end() >= len(text.rstrip()):
                    return  # base64 to its end: it may go on again
                text = text[run.end() :]
            self.close()
        if may_hold(text):
            self._find(text, "", at_line_end=True)

    def value(self, text: str, place: str = "") -> None:
        if may_hold(text):
            self._find(text, place, at_line_end=False)

    def cells(self, table: Table) -> Callable[[list[Sequence[Cell]]], None]:
        """What hands one table's rows over, a batch at a time (``approval.detect.scan``)."""
        return _Cells(self, table.column_names, table.carries)

    def close(self) -> None:
        """The end of a unit's lines: a URI or wrapped base64 still open is whole."""
        self._unwrap()
        if self._open is not None:
            uri = "".join(self._open)
            self._open = None
            self._add(Found(uri, b"", ""), len(uri))

    def _wrap(self, line: str) -> bool:
        """Take ``line`` as one of bare base64 wrapped over lines, if it is one; say whether
        it was taken (the line then holds nothing else)."""
        if self._open is not None or _BASE64_LINE.fullmatch(line) is None:
            self._unwrap()
            return False
        if self._wrapped is None:
            if len(line) < WRAP_CHARS or line.endswith("="):
                return False  # one line alone: read as any line is
            self._wrapped, self._size = [], 0
        self._wrapped.append(line)
        self._size += len(line)
        if (
            len(line) < WRAP_CHARS
            or line.endswith("=")
            or (self._size >= self._limits.max_string_chars)
        ):
            self._unwrap()  # its last line
        return True

    def _unwrap(self) -> None:
        wrapped, self._wrapped = self._wrapped, None
        if wrapped is not None and len(wrapped) > 1 and self._size >= MIN_CHARS:
            self._find("".join(wrapped), "", at_line_end=False)
        elif wrapped:
            self._find(wrapped[0], "", at_line_end=False)

    def _find(self, text: str, place: str, *, at_line_end: bool) -> None:
        if "a:" in text or "A:" in text:
            end = len(text.rstrip())
            found = False
            for match in _URI.finditer(text):
                uri, found = match.group(), True
                if at_line_end and match.end() >= end and ";base64," in uri[:200].lower():
                    self._open, self._size = [uri], len(uri)
                else:
                    self._add(Found(uri, b"", place), len(uri))
            if found:  # a URI's payload is no bare run of its own
                text = _URI.sub(" ", text)
        for run in runs(text):
            data = decode(run)
            if data is not None:
                self._add(Found(None, data, place), len(data))

    def _add(self, found: Found, size: int) -> None:
        limits = self._limits
        self.count += 1
        self.found.append(found)
        self._held += size
        if self.count > limits.max_entries:
            raise Bound(f"more than {limits.max_entries} data URIs and base64 files", "max_entries")
        if self._held > limits.max_expanded_bytes:
            raise Bound(
                f"expands to more than {limits.max_expanded_bytes} bytes", "max_expanded_bytes"
            )


class _Cells:
    """One table's cells, handed to a ``Carrier`` a batch of rows at a time.

    Every row of every table passes here. A reader that parsed the cells from text it watched
    says whether any of that text may carry a file (``Table.carries``, ``blobs.may_carry``);
    else a batch is first tested whole, in C: its rows joined (``a:`` or ``A:`` for a URI's
    scheme, as ``blobs.may_hold`` tests a cell) and their lengths (a base64 file is long). Only
    a batch that may carry something is looked at, a row and then a cell at a time."""

    def __init__(
        self,
        carrier: Carrier,
        columns: Sequence[str] | None,
        carries: Callable[[], bool] | None,
    ):
        self._carrier = carrier
        self._columns = columns
        self._carries = carries
        self._row = 0

    def __call__(self, batch: list[Sequence[Cell]]) -> None:
        first = self._row
        self._row += len(batch)
        if self._carries is not None and not self._carries():
            return  # the reader watched the text these cells came from: none may carry
        rows: list[str] | None
        try:
            rows = list(map("".join, cast(list[Sequence[str]], batch)))
            texts = rows
        except TypeError:  # numbers among the cells: only the text cells can carry
            rows = None
            texts = [cell for row in batch for cell in row if isinstance(cell, str)]
        if not texts or (max(map(len, texts)) < MIN_CHARS and not may_hold_uri("".join(texts))):
            return
        carrier = self._carrier
        for at, row in enumerate(batch):
            if rows is not None and not may_hold(rows[at]):
                continue
            for col, cell in enumerate(row):
                if isinstance(cell, str) and may_hold(cell):
                    carrier.value(cell, f"cell {self._column(col)}{first + at + 1}")

    def _column(self, col: int) -> str:
        columns = self._columns
        if columns is not None and col < len(columns):
            return columns[col]
        return letter(col)


def payload_units(source: Source, limits: Limits, found: Found, number: int) -> list[Unit]:
    """What the scan reads of the ``number``-th file found in ``source``'s text, named for
    where it stood."""
    place = f" in {found.place}" if found.place else ""
    if found.uri is None:
        media, data = "application/octet-stream", found.data
        name = f"base64-{number}{place}"
    else:
        decoded = data_uri(found.uri)
        if decoded is None:
            return []
        media, data = decoded
        name = f"data-uri-{number}{place}"
    carried = picture(data)
    if carried is not None:  # pixels are not read; the text a picture carries is
        return [
            Part(name, "image", len(data), UNREAD, PICTURE_REASON, blocks=False),
            Text(Where(part=name, hidden=True), carried, ""),
        ]
    if is_font(data[:_HEAD], len(data)):
        return [Part(name, "font", len(data), UNREAD, f"a font ({media[:40]}): not read", False)]
    return [nested(source, limits, name, data)]


__all__ = ["Carrier", "Found", "payload_units"]
