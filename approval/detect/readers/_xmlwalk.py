"""What the XML readers share: a hardened, streamed expat pass, and the OpenDocument body walker.

``walk`` feeds a stream to expat in chunks and hands every event to a ``Walker``, yielding the
units the walker has produced after each chunk, so memory stays near one record or table. The
parser is hardened as the package readers' fallback (``_package.xml_text``) is: an entity
declaration is refused (that is how XML bombs start, and an entity's text would be read by no
one), external entities and DTDs are never fetched (expat loads nothing unless asked), and a
document that is not well-formed raises ``Unscannable`` (after the units read so far): read as
raw markup it would come out clean, which is what an attacker who breaks a closing tag wants.
An element's attribute values, which expat hands over whole, are bounded by
``Limits.max_string_chars`` as character data is (``Buffer``).

``OdfWalker`` reads an OpenDocument body (``content.xml``, ``styles.xml``, or a flat
``office:document``): paragraphs and headings as lines of ``Text`` (``text:s``, ``text:tab``,
``text:line-break`` as LibreOffice shows them, spans joined), tables as ``Table`` units (cells'
paragraphs joined, repeated rows and columns expanded within bounds, hidden rows and columns and
hidden sheets flagged), every other text node as a line, every attribute value that could carry
text (``_package``'s rule) as a hidden line, embedded binary data (``office:binary-data``)
as a picture or a file of its own. A span whose text style hides it (``text:display="none"``,
a size under a point) is left out of its paragraph as shown, the rest joined; the whole
paragraph is read too, as the hidden part "<part> hidden text".
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import IO, Protocol
from xml.parsers import expat

from approval.detect.readers._formulas import computed, openformula, read_so_far, unread_reason
from approval.detect.readers._members import (
    MAX_IMAGE,
    PICTURE_REASON,
    ends_as_image,
    image_text,
    is_image,
)
from approval.detect.readers._numbering import LEVELS, Counters, Level, count
from approval.detect.readers._package import NOISE as NOISE  # the package readers' own
from approval.detect.readers._package import safe_parser
from approval.detect.units import (
    PARSED,
    UNREAD,
    Bound,
    Cell,
    Limits,
    Nested,
    Part,
    Source,
    Table,
    Text,
    Unit,
    Unscannable,
    Where,
)

CHUNK = 64 * 1024
# Layout values ODF repeats on every element: lengths, colours, style names like P1 or T12.
# Never seven digits or more: an A-number (A212345678, or bare) is not a style's name.
_ODF_NOISE = re.compile(
    r"-?(?:\d{1,6}(?:\.\d+)?|\.\d+)(?:cm|mm|in|pt|pc|px|em|%|deg)?|#[0-9a-fA-F]{6}"
    r"|[A-Za-z]{1,3}\d{1,6}"
)
TEXT_SLICE = 2_000  # lines per Text unit


class Walker(Protocol):
    out: list[Unit]

    def start(self, name: str, attributes: dict[str, str]) -> None: ...
    def end(self, name: str) -> None: ...
    def data(self, text: str) -> None: ...
    def other(self, text: str) -> None: ...  # a comment or a processing instruction
    def finish(self) -> None: ...


def walk(
    stream: IO[bytes],
    choose: Callable[[str], Walker],
    what: str,
    limits: Limits | None = None,
    sequence: bool = False,
) -> Iterator[Unit]:
    """The units of an XML stream; ``choose`` picks the walker by the root element's name
    (``namespace}local``). ``what`` names the document in reasons ("XML", "content part").
    With ``sequence``, documents back to back (an XML log: a declaration and a root element,
    again and again) are read one after the other, each with a parser of its own; anything
    else after the root element is not well-formed, as in a single document."""
    limit = (limits or Limits()).max_string_chars
    pending = b""  # the bytes of the stream from where the next document starts
    while True:
        document = _Document(choose, what, limit)
        rest = yield from document.parse(stream, pending, sequence)
        if rest is None:
            return
        pending = rest


class _Document:
    """One document's parse: a hardened expat parser and the walker its root chose."""

    def __init__(self, choose: Callable[[str], Walker], what: str, limit: int):
        self.choose = choose
        self.what = what
        self.limit = limit
        self.walker: list[Walker] = []
        self.early: list[str] = []  # comments and instructions before the root
        self.depth = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        # expat hands an element's attributes whole: they are bounded as its text is.
        if sum(map(len, attributes.values())) > self.limit:
            raise Bound(f"a value longer than {self.limit} characters", "max_string_chars")
        if not self.walker:
            self.walker.append(self.choose(name))
            for text in self.early:
                self.walker[0].other(text)
        self.depth += 1
        self.walker[0].start(name, attributes)

    def end(self, name: str) -> None:
        self.depth -= 1
        self.walker[0].end(name)

    def other(self, text: str) -> None:
        if self.walker:
            self.walker[0].other(text)
        elif text.strip():
            self.early.append(text)

    def refuse(self, *_: object) -> None:
        raise Unscannable(f"{self.what} declares entities, which are not expanded")

    # An entity a DTD we do not load would define: its name stands in for it (nothing hidden).
    def skipped(self, name: str, _is_parameter: bool) -> None:
        if self.walker:
            self.walker[0].data(f" {name} ")

    def parse(
        self, stream: IO[bytes], pending: bytes, sequence: bool
    ) -> Generator[Unit, None, bytes | None]:
        """Parse one document from ``pending`` then the stream; the bytes from where the next
        document starts (``sequence``), or None at the end of the stream."""
        parser = safe_parser(self.refuse, doctype=True)  # a DTD without entities is XML's own
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = lambda text: self.walker[0].data(text)
        parser.CommentHandler = self.other
        parser.ProcessingInstructionHandler = lambda target, data: self.other(f"{target} {data}")
        parser.SkippedEntityHandler = self.skipped
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        fed = 0  # bytes given to this parser before ``chunk``
        chunk, previous = pending, b""
        try:
            while True:
                if not chunk:
                    chunk = stream.read(CHUNK)
                    if not chunk:
                        break
                try:
                    parser.Parse(chunk, False)
                except expat.ExpatError as exc:
                    if not (sequence and self._next_document(exc)):
                        raise
                    at = parser.ErrorByteIndex - fed
                    if -at > len(previous):
                        raise
                    # The next document may start in the chunk before (a tag cut in two).
                    rest = previous[len(previous) + at :] + chunk if at < 0 else chunk[at:]
                    yield from self._finish()
                    return rest
                fed += len(chunk)
                chunk, previous = b"", chunk
                if self.walker and self.walker[0].out:
                    yield from self.walker[0].out
                    self.walker[0].out.clear()
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            line = getattr(exc, "lineno", "?")
            raise Unscannable(f"corrupt: {self.what} is not well-formed (line {line})") from exc
        except (LookupError, UnicodeError, ValueError) as exc:  # an encoding expat cannot take
            raise Unscannable(f"unsupported format: {self.what} in an unknown encoding") from exc
        yield from self._finish()
        return None

    def _next_document(self, exc: expat.ExpatError) -> bool:
        """Whether the parse stopped at another document after this one's root element."""
        junk = exc.code in (
            expat.errors.codes[expat.errors.XML_ERROR_JUNK_AFTER_DOC_ELEMENT],
            expat.errors.codes[expat.errors.XML_ERROR_MISPLACED_XML_PI],
        )
        return junk and bool(self.walker) and self.depth == 0

    def _finish(self) -> Iterator[Unit]:
        if not self.walker:
            raise Unscannable(f"corrupt: {self.what} has no root element")
        self.walker[0].finish()
        yield from self.walker[0].out
        self.walker[0].out.clear()


def local(name: str) -> str:
    return name.rpartition("}")[2]


class Buffer:
    """Text accumulating in one place, bounded by ``Limits.max_string_chars``."""

    def __init__(self, limits: Limits):
        self.parts: list[str] = []
        self.size = 0
        self.limit = limits.max_string_chars

    def add(self, text: str) -> None:
        self.size += len(text)
        if self.size > self.limit:
            raise Bound(f"a value longer than {self.limit} characters", "max_string_chars")
        self.parts.append(text)

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts.clear()
        self.size = 0
        return text


def binary_units(
    source: Source, encoded: str, index: int, where: Where, limits: Limits
) -> Iterator[Unit]:
    """Base64 data embedded in XML (a picture, an object): a picture is an unread part that
    does not block, the text it carries read (as in packages); anything else is read as a
    file of its own."""
    name = f"binary data {index}"
    try:
        data = base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError):
        yield Part(name, "embedded", len(encoded), UNREAD, "corrupt: not base64")
        return
    if is_image(data[:64]) and len(data) <= MAX_IMAGE and ends_as_image(data):
        yield Part(name, "image", len(data), UNREAD, PICTURE_REASON, False)
        if lines := image_text(data):
            yield Text(Where(part=name, hidden=True), lines, "")
        return
    yield Part(name, "embedded", len(data), PARSED, "read as a file of its own")
    yield Nested(
        Source(
            name=name,
            open=lambda: io.BytesIO(data),
            size=len(data),
            depth=source.depth + 1,
            part=f"{source.part}/{name}" if source.part else name,
            context=source.context,
        ),
        where,
    )


# ---------------------------------------------------------------------------------------------
# OpenDocument

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_INLINE = frozenset({"span", "a", "s", "tab", "line-break"})
# Anchored in a paragraph, shown elsewhere: a comment (in the margin), a footnote or endnote,
# a ruby's annotation (drawn small above its base, never on the line: "A212345678" annotated
# "file" does not read "A212345678file").
_ASIDE = frozenset({OFFICE + "annotation", _TEXT + "note", _TEXT + "ruby-text"})
_FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"
# A font size no one reads: "0pt", "0.5pt", "0%".
_TINY = re.compile(r"0*\.?\d*(?:pt|%|cm|mm|in|pc|px)?")
_MAX_REPEAT = 1_000  # repeated rows or columns that hold something, expanded at most this far
_MAX_COLUMNS = 16_384
_VALUE_ATTRIBUTES = tuple(
    OFFICE + name for name in ("value", "date-value", "time-value", "boolean-value", "string-value")
)


@dataclass
class _OdfTable:
    name: str
    hidden: bool
    rows: list[list[Cell]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    column: int = 0  # columns declared so far (table:table-column)
    row: list[Cell] = field(default_factory=list)
    row_repeat: int = 1
    row_hidden: bool = False
    cell: list[str] | None = None  # the paragraphs of the cell being read
    cell_repeat: int = 1
    cell_value: str = ""
    cell_formula: str = ""


@dataclass(frozen=True)
class ListLevel:
    """How LibreOffice labels an item at one level of a list style: ``prefix``, the number
    (``level``'s format and start; the last ``shown`` levels' numbers), ``suffix``, then a
    tab, a space or nothing (``text:label-followed-by``)."""

    level: Level
    prefix: str = ""
    suffix: str = ""
    shown: int = 1
    followed: str = "\t"


_LIST_LEVELS = frozenset(
    _TEXT + name
    for name in (
        "list-level-style-number",
        "list-level-style-bullet",
        "list-level-style-image",
        "outline-level-style",
    )
)
_NUMBERED = frozenset({_TEXT + "list-level-style-number", _TEXT + "outline-level-style"})
OUTLINE = "\0outline"  # the outline style's key among the list styles: it numbers headings
_FOLLOWED = {"listtab": "\t", "space": " ", "nothing": ""}


class ListStyles:
    """The list styles an OpenDocument part declares (``text:list-style``), read from its
    events: style name: level (0-based): ``ListLevel``."""

    def __init__(self, known: dict[str, dict[int, ListLevel]] | None = None):
        self.styles: dict[str, dict[int, ListLevel]] = dict(known or {})
        self.style: dict[int, ListLevel] | None = None
        self.level: dict[str, str] | None = None  # the level being declared

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == _TEXT + "list-style":
            self.style = self.styles[attributes.get(_STYLE + "name", "")] = {}
        elif name == _TEXT + "outline-style":
            self.style = self.styles[OUTLINE] = {}
        elif name in _LIST_LEVELS and self.style is not None:
            number = name in _NUMBERED
            # A bullet is drawn between the prefix and the suffix where a number would be.
            bullet = attributes.get(_TEXT + "bullet-char", "")[:1] if not number else ""
            self.level = {
                "level": attributes.get(_TEXT + "level", "1"),
                "prefix": attributes.get(_STYLE + "num-prefix", "") + bullet,
                "suffix": attributes.get(_STYLE + "num-suffix", ""),
                "format": attributes.get(_STYLE + "num-format", "") if number else "",
                "start": attributes.get(_TEXT + "start-value", "1"),
                "shown": attributes.get(_TEXT + "display-levels", "1"),
            }
        elif name == _STYLE + "list-level-label-alignment" and self.level is not None:
            self.level["followed"] = attributes.get(_TEXT + "label-followed-by", "listtab")

    def end(self, name: str) -> None:
        if name in (_TEXT + "list-style", _TEXT + "outline-style"):
            self.style = None
        elif name in _LIST_LEVELS and self.style is not None and self.level is not None:
            declared = self.level
            self.level = None
            start = declared["start"]
            level = Level(count(start, 1), declared["format"])
            self.style[_list_level(declared["level"]) - 1] = ListLevel(
                level,
                declared["prefix"],
                declared["suffix"],
                _list_level(declared["shown"]),
                _FOLLOWED.get(declared.get("followed", "listtab"), "\t"),
            )


def _list_level(value: str) -> int:
    return min(max(count(value, 1), 1), LEVELS)


def list_styles(stream: IO[bytes]) -> dict[str, dict[int, ListLevel]]:
    """The list styles of an OpenDocument part (``styles.xml``'s, for ``content.xml``'s
    lists), in a hardened parse as ``unshown_styles``."""
    styles = ListStyles()
    _parse_styles(stream, styles.start, styles.end)
    return styles.styles


def unshown_styles(stream: IO[bytes]) -> frozenset[str]:
    """The text styles of an OpenDocument part that hide their text, as ``OdfWalker``
    finds them (a hardened parse: entities refused, as ``walk`` refuses them)."""
    found: set[str] = set()
    style: list[str] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        if name == _STYLE + "style":
            style.append(attributes.get(_STYLE + "name", ""))
        elif name == _STYLE + "text-properties" and style and style[-1]:
            size = attributes.get(_FO + "font-size", "1pt").strip()
            tiny = _TINY.fullmatch(size) is not None and _points(size) < 1
            if attributes.get(_TEXT + "display") in ("none", "condition") or tiny:
                found.add(style[-1])

    def end(name: str) -> None:
        if name == _STYLE + "style" and style:
            style.pop()

    _parse_styles(stream, start, end)
    return frozenset(found)


def _parse_styles(
    stream: IO[bytes],
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None],
) -> None:
    """A hardened parse of an OpenDocument part for its styles: entities refused, as ``walk``
    refuses them; anything not well-formed unscannable."""

    def refuse(*_: object) -> None:
        raise Unscannable("styles declare entities, which are not expanded")

    parser = safe_parser(refuse, doctype=True)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        for chunk in iter(lambda: stream.read(CHUNK), b""):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise Unscannable("corrupt: styles are not well-formed") from exc


def _points(size: str) -> float:
    """A font size in points (a percentage as a share of 12 points)."""
    number = re.match(r"\d*\.?\d*", size)
    try:
        value = float(number.group(0)) if number and number.group(0) else 1.0
    except ValueError:
        return 1.0
    scale = {"cm": 28.35, "mm": 2.835, "in": 72.0, "pc": 12.0, "px": 0.75, "%": 0.12}
    return value * next((f for unit, f in scale.items() if size.endswith(unit)), 1.0)


def _repeat(attributes: dict[str, str], name: str) -> int:
    value = attributes.get(_TABLE + name, "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1


class OdfWalker:
    """The body of an OpenDocument part, as lines and tables (see the module's docstring)."""

    def __init__(
        self,
        source: Source,
        part: str | None,
        limits: Limits,
        unshown: frozenset[str] = frozenset(),
        lists: dict[str, dict[int, ListLevel]] | None = None,
    ):
        """``unshown``: the hidden text styles another part declares (``styles.xml``'s, for
        the spans of ``content.xml``); ``lists``: the list styles it declares."""
        self.out: list[Unit] = []
        self.source = source
        self.limits = limits
        self.where = Where(part=part)
        self.lines: list[str] = []
        self.attributes: list[str] = []
        self.paragraphs: list[Buffer] = []  # open text:p / text:h, innermost last
        self.loose = Buffer(limits)  # text outside any paragraph
        self.tables: list[_OdfTable] = []
        self.hidden_styles: set[str] = set()
        # Text styles that hide their text (``text:display="none"``, a size under a point):
        # a paragraph is read as shown, without their spans, and all of its text is read
        # too, as hidden lines (``hidden``).
        self.unshown_styles: set[str] = set(unshown)
        self.shown: list[Buffer] = []  # what is shown of each open paragraph
        self.spans: list[bool] = []  # open text:span elements: whether each hides its text
        self.hidden: list[str] = []
        self.style: str | None = None  # the table style being declared
        self.binary: Buffer | None = None
        self.binaries = 0
        # A list item's label is drawn by LibreOffice from its list style and a counter
        # ("A2183431" + "83" + " "), never stored with its text: it is read as the start of
        # the item's first paragraph. Per open text:list, its style; counters per style.
        self.list_styles = ListStyles(lists)
        self.open_lists: list[str] = []
        self.counters: dict[str, Counters] = {}
        self.label = ""  # of the list item whose first paragraph has not started yet
        self.unread_formulas = 0  # formula cells saved with no value that may build text

    # events

    def start(self, name: str, attributes: dict[str, str]) -> None:
        tag = local(name)
        for key, value in attributes.items():
            noise = NOISE.fullmatch(value) or _ODF_NOISE.fullmatch(value)
            # A cell's value attribute is in the table already (its text, or the value).
            if not noise and (key not in _VALUE_ATTRIBUTES or not self.tables):
                self.attributes.append(" ".join(value.split()))
        if name == _STYLE + "style":
            self.style = attributes.get(_STYLE + "name")
        elif name == _TABLE + "table" and self.style is None:
            self._flush_loose()
            style = attributes.get(_TABLE + "style-name", "")
            self.tables.append(
                _OdfTable(attributes.get(_TABLE + "name", ""), style in self.hidden_styles)
            )
        elif name.startswith(_STYLE) and tag == "table-properties" and self.style:
            if attributes.get(_TABLE + "display") == "false":
                self.hidden_styles.add(self.style)
        elif name == _STYLE + "text-properties" and self.style:
            size = attributes.get(_FO + "font-size", "1pt").strip()
            tiny = _TINY.fullmatch(size) is not None and _points(size) < 1
            if attributes.get(_TEXT + "display") in ("none", "condition") or tiny:
                self.unshown_styles.add(self.style)
        elif name == _TEXT + "span":
            style = attributes.get(_TEXT + "style-name", "")
            self.spans.append(bool(self.spans and self.spans[-1]) or style in self.unshown_styles)
        elif name == OFFICE + "binary-data":
            self.binary = Buffer(self.limits)
        elif name.startswith((_TEXT + "list", _TEXT + "outline")):
            self._list_start(name, attributes)
        elif name == _STYLE + "list-level-label-alignment":
            self.list_styles.start(name, attributes)
        elif name in _ASIDE:
            # A comment or a note anchored inside a paragraph is shown in the margin or at the
            # foot of the page: its text (author and date too) is a line of its own, never
            # spliced into the words it is anchored between.
            self.paragraphs.append(Buffer(self.limits))
            self.shown.append(Buffer(self.limits))
        elif self.tables and name.startswith(_TABLE):
            self._table_start(tag, attributes)
        elif name in (_TEXT + "p", _TEXT + "h"):
            if not self.paragraphs:
                self._flush_loose()
            self.paragraphs.append(Buffer(self.limits))
            self.shown.append(Buffer(self.limits))
            if name == _TEXT + "h" and not self._in_cell():
                level = attributes.get(_TEXT + "outline-level", "1")
                level = level if level.isdigit() and 0 < int(level) < 7 else "1"
                self.paragraphs[-1].add("#" * int(level) + " ")
                self.shown[-1].add("#" * int(level) + " ")
            if name == _TEXT + "h" and not self.label:
                self._heading_label(attributes)
            if self.label:
                self.paragraphs[-1].add(self.label)
                self.shown[-1].add(self.label)
                self.label = ""
        elif name == _TEXT + "s":
            count = attributes.get(_TEXT + "c", "1")
            self.data(" " * min(int(count) if count.isdigit() else 1, 64))
        elif name == _TEXT + "tab":
            self.data("\t")
        elif name == _TEXT + "line-break":
            self.data("\n")
        elif not self.paragraphs and not self._in_cell() and tag not in ("span", "a"):
            self._flush_loose()

    def end(self, name: str) -> None:
        if name == _STYLE + "style":
            self.style = None
        elif name == OFFICE + "binary-data" and self.binary is not None:
            self.binaries += 1
            self.out.extend(
                binary_units(
                    self.source, self.binary.take(), self.binaries, self.where, self.limits
                )
            )
            self.binary = None
        elif name == _TEXT + "span" and self.spans:
            self.spans.pop()
        elif name.startswith((_TEXT + "list", _TEXT + "outline")):
            self.list_styles.end(name)
            if name == _TEXT + "list" and self.open_lists:
                self.open_lists.pop()
            elif name == _TEXT + "list-item":
                self.label = ""
        elif name in _ASIDE and self.paragraphs:
            aside = self.paragraphs.pop().take()
            if self.shown:
                self.shown.pop()
            self._line(aside)
        elif name in (_TEXT + "p", _TEXT + "h") and self.paragraphs:
            everything = self.paragraphs.pop().take()
            text = self.shown.pop().take() if self.shown else everything
            if text != everything and everything.strip():
                self.hidden.append(" ".join(everything.split()))
            if self.paragraphs:  # a paragraph inside one (a text box, a note): its own line
                self._line(text)
            elif self._in_cell():
                cell = self.tables[-1].cell
                assert cell is not None
                cell.append(text)
            else:
                self._line(text)
                if not self.tables:
                    self._line("")
        elif self.tables and name.startswith(_TABLE):
            self._table_end(local(name))
        elif not (self.paragraphs or self._in_cell()) and local(name) not in _INLINE:
            self._flush_loose()
        if len(self.lines) >= TEXT_SLICE:
            self._flush_lines()

    def data(self, text: str) -> None:
        if self.binary is not None:
            self.binary.add(text)
        elif self.paragraphs:
            self.paragraphs[-1].add(text)
            if self.shown and not (self.spans and self.spans[-1]):
                self.shown[-1].add(text)
        else:  # inside a cell, taken by the cell at its end
            self.loose.add(text)

    def other(self, text: str) -> None:
        self._line(text)

    def finish(self) -> None:
        self._flush_loose()
        while self.tables:
            self._table_end("table")
        self._flush_lines()
        if self.attributes:
            where = Where(part=f"{self.where.part or ''} attributes".strip(), hidden=True)
            self.out.append(Text(where, list(self.attributes)))
            self.attributes.clear()
        if self.unread_formulas:
            part = f"{self.where.part or ''} formulas".strip()
            self.out.append(Part(part, "formula", 0, UNREAD, unread_reason(self.unread_formulas)))
            self.unread_formulas = 0
        if self.hidden:
            where = Where(part=f"{self.where.part or ''} hidden text".strip(), hidden=True)
            self.out.append(Text(where, list(self.hidden)))
            self.hidden.clear()

    # lists

    def _list_start(self, name: str, attributes: dict[str, str]) -> None:
        self.list_styles.start(name, attributes)
        if name == _TEXT + "list":
            # A list without a style of its own is numbered by the list it is in.
            inherited = self.open_lists[-1] if self.open_lists else ""
            style = attributes.get(_TEXT + "style-name") or inherited
            goes_on = attributes.get(_TEXT + "continue-numbering") == "true" or bool(
                attributes.get(_TEXT + "continue-list")
            )
            if not self.open_lists and not goes_on:
                self.counters.pop(style, None)  # a new list numbers from its start again
            self.open_lists.append(style)
        elif name == _TEXT + "list-item" and self.open_lists:
            style = self.open_lists[-1]
            levels = self.list_styles.styles.get(style, {})
            depth = min(len(self.open_lists), LEVELS) - 1
            start = attributes.get(_TEXT + "start-value", "")
            self._count(style, levels, depth, count(start, 1) if start else None)

    def _heading_label(self, attributes: dict[str, str]) -> None:
        """A heading outside a list item is numbered by the outline style, as a list."""
        levels = self.list_styles.styles.get(OUTLINE)
        if not levels or attributes.get(_TEXT + "is-list-header") == "true":
            return
        depth = _list_level(attributes.get(_TEXT + "outline-level", "1")) - 1
        start = attributes.get(_TEXT + "start-value", "")
        restart = attributes.get(_TEXT + "restart-numbering") == "true"
        self._count(OUTLINE, levels, depth, count(start, 1) if restart and start else None)

    def _count(
        self, style: str, levels: dict[int, ListLevel], depth: int, start: int | None
    ) -> None:
        """Count an item of the list ``style`` at ``depth``; its label is read next."""
        counters = self.counters.setdefault(style, Counters())
        numbered = {depth: level.level for depth, level in levels.items()}
        counters.advance(depth, numbered, start)
        if depth in levels:
            level = levels[depth]
            numbers = counters.odf_numbers(depth, numbered, level.shown)
            label = level.prefix + numbers + level.suffix
            self.label = label + level.followed if label else ""

    # tables

    def _in_cell(self) -> bool:
        return bool(self.tables) and self.tables[-1].cell is not None

    def _computed(self, table: _OdfTable) -> str:
        """A formula cell saved with no value, as LibreOffice shows it once computed (from the
        cells before it); one that may build text no one can compute here is unread."""
        formula = openformula(table.cell_formula)
        value, unread = computed(formula, read_so_far(table.rows, table.row))
        self.unread_formulas += unread
        return value or ""

    def _table_start(self, tag: str, attributes: dict[str, str]) -> None:
        table = self.tables[-1]
        invisible = attributes.get(_TABLE + "visibility", "visible") in ("collapse", "filter")
        if tag == "table-column":
            repeat = min(_repeat(attributes, "number-columns-repeated"), _MAX_COLUMNS)
            if invisible:
                table.hidden_columns.update(
                    range(table.column, min(table.column + repeat, _MAX_COLUMNS))
                )
            table.column += repeat
        elif tag == "table-row":
            table.row = []
            table.row_repeat = _repeat(attributes, "number-rows-repeated")
            table.row_hidden = invisible
        elif tag in ("table-cell", "covered-table-cell") and table.cell is None:
            table.cell = []
            table.cell_repeat = _repeat(attributes, "number-columns-repeated")
            value = next((attributes[k] for k in _VALUE_ATTRIBUTES if k in attributes), "")
            table.cell_value = value
            table.cell_formula = attributes.get(_TABLE + "formula", "")

    def _table_end(self, tag: str) -> None:
        table = self.tables[-1]
        if tag in ("table-cell", "covered-table-cell") and table.cell is not None:
            loose = self.loose.take().strip()
            text = "\n".join(p for p in table.cell if p.strip())
            text = " ".join(x for x in (text, loose) if x) or table.cell_value
            if table.cell_formula and not text:
                text = self._computed(table)
            table.cell = None
            if text or len(table.row) + table.cell_repeat <= _MAX_COLUMNS:
                repeat = min(table.cell_repeat, _MAX_REPEAT if text else _MAX_COLUMNS)
                table.row.extend([text or None] * repeat)
        elif tag == "table-row":
            row = table.row
            while row and row[-1] is None:
                row.pop()
            repeat = min(table.row_repeat, _MAX_REPEAT) if row else 1
            for _ in range(repeat):
                if table.row_hidden:
                    table.hidden_rows.add(len(table.rows))
                table.rows.append(list(row))
            table.row = []
        elif tag == "table":
            self.tables.pop()
            while table.rows and not table.rows[-1]:
                table.rows.pop()
            if table.rows:
                where = Where(part=self.where.part, sheet=table.name or None, hidden=table.hidden)
                self._flush_lines()
                self.out.append(
                    Table(
                        where,
                        table.rows,
                        table.name,
                        hidden_rows=frozenset(table.hidden_rows),
                        hidden_columns=frozenset(table.hidden_columns),
                    )
                )

    # lines

    def _line(self, text: str) -> None:
        for piece in text.split("\n"):
            self.lines.append(" ".join(piece.split()) if piece.strip() else "")

    def _flush_loose(self) -> None:
        text = self.loose.take()
        if text.strip():
            self._line(text)

    def _flush_lines(self) -> None:
        lines = [line for i, line in enumerate(self.lines) if line or (i and self.lines[i - 1])]
        self.lines.clear()
        if any(lines):
            self.out.append(Text(self.where, lines))


# ---------------------------------------------------------------------------------------------
# WordprocessingML outside a package: Word 2003 XML, Flat OPC (Word's "XML Document"), a
# stray document.xml. Its paragraphs, runs and tables are ODF's under other names: the same
# walker reads them, the names translated.

WORD_NAMESPACES = (
    "http://schemas.microsoft.com/office/word/2003/wordml}",
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main}",
    "http://purl.oclc.org/ooxml/wordprocessingml/main}",
)
FLAT_OPC = "http://schemas.microsoft.com/office/2006/xmlPackage}package"
_WORD_TAGS = {
    "p": _TEXT + "p",
    "tab": _TEXT + "tab",
    "br": _TEXT + "line-break",
    "cr": _TEXT + "line-break",
    "rt": _TEXT + "ruby-text",
    "tbl": _TABLE + "table",
    "tr": _TABLE + "table-row",
    "tc": _TABLE + "table-cell",
    "binData": OFFICE + "binary-data",
}
_BINARY_DATA = "http://schemas.microsoft.com/office/2006/xmlPackage}binaryData"


def _word_name(name: str) -> str:
    if name == _BINARY_DATA:
        return OFFICE + "binary-data"
    namespace, _, tag = name.rpartition("}")
    if namespace + "}" in WORD_NAMESPACES and tag in _WORD_TAGS:
        return _WORD_TAGS[tag]
    return name


class WordWalker(OdfWalker):
    """WordprocessingML read as ODF: ``w:p`` a paragraph, ``w:tbl``/``w:tr``/``w:tc`` a table,
    ``w:tab``/``w:br`` spacing, embedded binary data (``w:binData``, ``pkg:binaryData``) as
    pictures or files of their own. Tracked deletions (``w:delText``) join their paragraph.
    A bidirectional override (``w:bdo``) shows its runs in its direction: read so, the stored
    order read as hidden text, as the docx reader does."""

    def __init__(self, source: Source, part: str | None, limits: Limits):
        super().__init__(source, part, limits)
        # Open w:bdo elements: the paragraph's shown text, whether left to right, where its
        # text starts.
        self.overrides: list[tuple[Buffer, bool, int]] = []

    def start(self, name: str, attributes: dict[str, str]) -> None:
        namespace, _, tag = name.rpartition("}")
        if tag == "bdo" and namespace + "}" in WORD_NAMESPACES and self.shown:
            ltr = attributes.get(namespace + "}val", "ltr") != "rtl"
            self.overrides.append((self.shown[-1], ltr, len(self.shown[-1].parts)))
        super().start(_word_name(name), attributes)

    def end(self, name: str) -> None:
        namespace, _, tag = name.rpartition("}")
        if tag == "bdo" and namespace + "}" in WORD_NAMESPACES and self.overrides:
            shown, ltr, start = self.overrides.pop()
            outer = self.overrides[-1][1] if self.overrides else True
            if ltr != outer:  # inside an override the other way, its reversal undoes this one
                shown.parts[start:] = ["".join(shown.parts[start:])[::-1]]
        super().end(_word_name(name))
