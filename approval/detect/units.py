"""The contract between readers and the rest of the scanner.

A reader turns one source (a file, an archive member, an attachment) into a stream of units:

- ``Table``: rows of cells (a CSV, a sheet, an HTML or DOCX table, a pivot cache);
- ``Records``: key/value records (JSON objects, YAML mappings, NDJSON lines);
- ``Text``: lines of prose (plain text, Markdown, an email body, PDF text, DOCX paragraphs,
  cell comments);
- ``Nested``: another source inside this one (a ZIP member, an email attachment, the content of
  a gzip stream), which the scanner reads as it reads a file (every reader that accepts its
  bytes), within the depth and size ``Limits``;
- ``Part``: coverage, not content: one part, member, stream, property or attribute group the
  reader met, with its size and how it was read (``parsed``, ``text`` by a generic fallback, or
  ``unread`` with a reason). Every byte of a file belongs to some part a reader names: a part
  the reader does not know is reported ``unread``, and an unread part that may hold text makes
  the file ``unscannable`` (fail closed by construction, not by a list of known places).

Units are streamed: a reader yields rows and lines lazily, so memory does not grow with the
file. A reader that cannot read a source raises ``Unscannable`` with a short reason that never
quotes the file's content ("encrypted", "corrupt: truncated zip", "unsupported format:
image/png").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO, Literal, Protocol

Cell = str | int | float | bool | None


class Unscannable(Exception):
    """The source cannot be read; ``reason`` is shown to people and must hold no file content."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Limits:
    """Bounds that keep hostile input (zip bombs, deep nesting, cell bombs) from exhausting the
    machine. Each is also a key of the policy's ``limits`` (same name, same meaning), and a
    file past one is ``unscannable`` with a reason that names it: ``more than 5000000 rows
    (limits.max_rows)``.

    The scan core enforces the bounds on what is decoded, for every reader alike, as units
    stream through it (``approval.detect.scan``): rows and cells of every ``Table`` (and
    records and values of ``Records``), the characters of ``Text`` lines and ``Records``
    strings, the time spent, the nesting of sources and the bytes they expand to. Readers
    enforce what only they can see before anything is decoded (a ZIP directory's sizes, the
    nesting of a JSON document, the length of one CSV field)."""

    max_depth: int = 4  # archives / attachments / compressed streams inside each other
    max_entries: int = 10_000  # members of one archive
    max_ratio: float = 200.0  # decompressed / compressed size of an archive member or stream
    max_expanded_bytes: int = 2 * 1024**3  # everything expanded from one top-level file
    max_nesting: int = 64  # JSON / YAML nesting depth
    max_rows: int = 5_000_000  # rows of all tables and records of one file
    max_cells: int = 50_000_000  # cells of all tables and values of all records of one file
    max_string_chars: int = 16 * 1024**2  # one cell, value or JSON string
    max_text_chars: int = 1024**3  # prose lines and record strings of one file, in characters
    max_seconds: float = 300.0  # wall-clock time to scan one file


# The policy's ``limits`` keys, which are ``Limits``' fields.
LIMIT_NAMES: tuple[str, ...] = (
    "max_depth",
    "max_entries",
    "max_ratio",
    "max_expanded_bytes",
    "max_nesting",
    "max_rows",
    "max_cells",
    "max_string_chars",
    "max_text_chars",
    "max_seconds",
)


class Bound(Unscannable):
    """A source goes past one of the ``Limits``: the whole top-level file is unscannable (it is
    not one unread part among others), and the reason names the bound."""

    def __init__(self, what: str, limit: str):
        super().__init__(f"{what} (limits.{limit})")
        self.limit = limit


@dataclass(frozen=True)
class Source:
    """Something to read: a name (for locations and messages only: never to choose how it is
    read) and a way to open it, afresh at each call."""

    name: str
    open: Callable[[], BinaryIO]
    size: int
    depth: int = 0  # 0 for a file given on the command line
    part: str | None = None  # where inside the top-level file, e.g. "archive.zip/data.csv"
    # What governs everything read from it, as a title: the subject of the mail it is attached
    # to ("RFI negatives for review" over the attached list). Nested sources inherit it.
    context: str = ""
    # For a ZIP: where a reader that inflated a member to its end found its compressed stream
    # to end (the member's local header offset -> the compressed bytes its stream used), so
    # that the accounting of the bytes outside the archive (``readers._zipspan``) need not
    # inflate it again. A memo filled while the source is read, never a choice of readers.
    stream_ends: dict[int, int] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Where:
    """Where inside a file a unit comes from, as a report shows it."""

    part: str | None = None  # archive member, attachment, "comments", "pivot cache 1", ...
    sheet: str | None = None
    hidden: bool = False  # the whole unit is hidden from someone opening the file


@dataclass
class Table:
    """Rows of cells. The first row may or may not be a header: the classifier decides.

    ``title`` is the context that governs the table (sheet name, caption, the heading or
    sentence before it). ``hidden_rows`` / ``hidden_columns`` are 0-based indices into
    ``rows`` and into each row. ``formats`` maps a column index to a number format to apply
    to numeric cells of that column (``"A"000000000``), where the reader knows one.
    """

    where: Where
    rows: Iterable[Sequence[Cell]]
    title: str = ""
    hidden_rows: frozenset[int] = frozenset()
    hidden_columns: frozenset[int] = frozenset()
    column_names: Sequence[str] | None = None  # column letters (A, B, ...) where they exist
    formats: dict[int, str] = field(default_factory=dict)
    cell_formats: Callable[[int, int], str | None] | None = None  # (row, col) -> number format
    # Whether any text the cells were parsed from so far may carry a file (a data URI, a bare
    # base64 file: ``approval.detect.blobs.may_carry``), for a reader that watches its text;
    # None: every batch of cells is tested (``approval.detect.carried``).
    carries: Callable[[], bool] | None = None


@dataclass
class Records:
    """Key/value records: each is a flat mapping of a dotted key path to a scalar value.

    Nested objects are flattened (``applicant.name``); a list of objects yields one record
    per object, with the enclosing keys as ``title`` context. Integers stay integers: an
    A-number in JSON is often a number.
    """

    where: Where
    records: Iterable[dict[str, Cell]]
    title: str = ""


@dataclass
class Text:
    """Lines of prose. ``title`` is the governing context (subject, document title).

    The classifier reads Markdown structure in the lines, so a reader can express structure
    that way: ``# Heading`` lines govern what follows them (by level), a blank line ends a
    paragraph, ``- item`` / ``1. item`` lines are records of their own, a paragraph ending in
    ``:`` governs the block after it, and a ``| a | b |`` line followed by ``|---|---|`` starts
    a table. A line standing alone (no sentence, nobody named) governs what follows it as a
    heading does, until the next; a line of dashes under column headers starts a fixed-width
    table; quote marks of a reply (``> ``) are read through. Line numbers in findings count from
    1 within the unit.
    """

    where: Where
    lines: Iterable[str]
    title: str = ""
    # Units read in order that make one text (the pages of a PDF) share a ``flow`` name; a
    # unit that ``continues`` its flow starts under what governed the end of the previous
    # one (open headings, a heading line, the context of a paragraph cut by the page break).
    # A hidden unit of a flow (a page's notes) reads under it and leaves it as it was.
    flow: str = ""
    continues: bool = False


@dataclass
class Nested:
    """A source inside this one, read by the reader for its own format."""

    source: Source
    where: Where


ReadHow = Literal["parsed", "text", "unread"]
PARSED: ReadHow = "parsed"
AS_TEXT: ReadHow = "text"
UNREAD: ReadHow = "unread"


@dataclass(frozen=True)
class Part:
    """Coverage of one part of a source: scan JSON's ``files[].coverage[]`` entry.

    ``part`` is the name inside the source (``xl/drawings/drawing1.xml``, ``attachment 2``,
    ``/Info``, ``<input value>``); the scanner prefixes the nested source's own part, so that a
    report names every part relative to the file (``data.zip``'s ``people.csv/body``). ``kind``
    says what it is (``sheet``, ``drawing``, ``member``, ``attribute``, ``image``...). ``blocks``
    is whether an ``unread`` part makes the file unscannable: True unless the reader knows the
    part cannot carry text a person or program would read as such (a font, a thumbnail is still
    an image: readers decide, and say why in ``reason``).

    The scanner adds a part of kind ``nested`` for every nested source: read (when no reader
    names the member itself), or unread with the reason no reader could read it. Parts merge
    across the readers of a source: a part one reader read is read, whatever another says,
    except a nested source that could not be read."""

    part: str
    kind: str
    bytes: int
    read: ReadHow
    reason: str = ""
    blocks: bool = True


Unit = Table | Records | Text | Nested | Part


@dataclass(frozen=True)
class Probe:
    """What a reader may look at to say whether it reads a source: its bytes, never its name
    (nor the name of where it is going). Content decides; a renamed file reads the same."""

    head: bytes  # the first 8 KiB
    size: int
    tail: bytes = b""  # the last 8 KiB (a ZIP's directory, a PDF's trailer, an appended file)
    # A ZIP archive's member names, from its central directory, when the bytes are one.
    members: frozenset[str] | None = None


class Reader(Protocol):
    """One file format. Listed explicitly in ``approval.detect.readers.READER_MODULES``.

    Choosing readers (``approval.detect.scan``): the scanner builds one ``Probe`` of a source
    and asks every reader; every reader that accepts reads the source, into the same tally, so
    the worst verdict stands (a reader that fails makes the source unscannable, whatever the
    others found), and coverage merges (a part any reader read is read).

    ``subsumes`` (optional, default empty): names of readers whose reading of the same bytes
    this reader's reading covers, so that reading with them too would only cost time: when
    this reader and one it subsumes both accept a source, only this one reads it. A CSV read
    puts every character of the text in some cell, so ``csv`` subsumes ``text``; a JSON parse
    sees every character but whitespace as a token, key or value, so ``json`` subsumes
    ``text`` and ``yaml``. Declare it only where it holds for any bytes both accept: a reader
    that skips anything the other reads (comments, markup, an unknown member) must not claim
    it. A subsumed reader is still used wherever the subsuming reader does not accept.

    ``subsumed_rest`` (optional): a reader for what this reader still reads when it is
    subsumed, read in its place: the text reader's reading of markup as a renderer shows it,
    which a CSV's or a JSON document's cells, holding ``&#65;`` as stored, do not cover."""

    name: str  # the report's "format", e.g. "csv", "xlsx"

    def accepts(self, probe: Probe) -> bool:
        """Whether this reader can read a source with these bytes. Every reader that accepts
        a source reads it, and the worst verdict stands: accept whatever you can read, and
        nothing you would fail on only because it is not your format."""
        ...

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        """The source's units, lazily; raise ``Unscannable`` when it cannot be read. Yield a
        ``Part`` for every part met, read or not."""
        ...


def subsumed_by(reader: object) -> frozenset[str]:
    """A reader's ``subsumes``, empty when it declares none."""
    value: object = getattr(reader, "subsumes", frozenset())
    return frozenset(str(v) for v in value) if isinstance(value, frozenset) else frozenset()
