"""PowerPoint (.pptx, .pptm, .potx, .ppsx): what an audience and a reader of the deck see.

- Each slide, in the deck's order: its text as ``Text`` (one line per paragraph, runs joined,
  titled with the slide's title), its tables as ``Table`` units (a cell per ``a:tc``, its
  paragraphs joined). The slide's other XML (alternative text of pictures, shape names,
  hyperlinks and their tooltips, custom data) is read by the generic text fallback, which skips
  only the runs' text read here.
- Runs no one can read on the slide (under a point high, ``a:noFill``) are left out of their
  line, the visible runs joined; the whole paragraph is read too, as "<slide> hidden text".
- Speaker notes, the same way (hidden: the audience does not see them).
- Everything else is accounted for by ``_package.account``: comments, charts and their cached
  data, SmartArt data, slide layouts and masters, document properties and custom XML as text;
  embedded objects (a workbook pasted onto a slide) as ``Nested`` sources; pictures and fonts
  as non-blocking unread parts; macros as unread and blocking.

The package is a ZIP checked against the same ``Limits`` as any archive before a byte is
expanded; each XML part is streamed through expat. A DTD or an entity declaration is refused.
A password-protected deck is an OLE2 file, which the scanner calls encrypted.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from xml.parsers import expat

from approval.detect.readers._package import (
    PPTX,
    account,
    check_unique,
    package_kinds,
    safe_parser,
)
from approval.detect.readers._spreadsheet import ZIP_ERRORS
from approval.detect.readers.zip import check_members, open_archive
from approval.detect.units import (
    Cell,
    Limits,
    Probe,
    Source,
    Table,
    Text,
    Unit,
    Unscannable,
    Where,
)

_CHUNK = 64 * 1024
_SLIDE = re.compile(r"(?i)^ppt/slides/slide(\d+)\.xml$")
_NOTES = re.compile(r"(?i)^ppt/notesSlides/notesSlide(\d+)\.xml$")
_TITLES = frozenset({"title", "ctrTitle"})
_MAX_CELLS = 1_000_000  # of one table: a bigger one is a bomb, not a slide
# Read here: the text of runs (in text bodies and table cells). The fallback reads the rest of a
# slide's XML, attributes within text bodies included (a hyperlink's tooltip).
_READ_HERE = frozenset({"t"})


class _PptxReader:
    name = "pptx"
    # Every member of the package is accounted for (``_package.account``): reading the same
    # bytes as a plain ZIP would add nothing.
    subsumes = frozenset({"zip"})

    def accepts(self, probe: Probe) -> bool:
        return PPTX in package_kinds(probe)

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        with source.open() as stream, open_archive(stream) as archive:
            check_members(archive.infolist(), limits)
            check_unique(archive)
            names = set(archive.namelist())
            slides = _in_order(archive, names)
            partly: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
            for number, slide in enumerate(slides, start=1):
                yield from _read_slide(archive, slide, Where(part=f"slide {number}"))
                partly[slide] = (_READ_HERE, frozenset())
            notes = sorted((n for n in names if _NOTES.match(n)), key=_number)
            for name in notes:
                where = Where(part=f"notes {_number(name)}", hidden=True)
                yield from _read_slide(archive, name, where)
                partly[name] = (_READ_HERE, frozenset())
            yield from account(source, archive, limits, {}, partly)


def _number(name: str) -> int:
    digits = re.search(r"(\d+)\.xml$", name)
    return int(digits.group(1)) if digits else 0


def _in_order(archive: zipfile.ZipFile, names: set[str]) -> list[str]:
    """The slides as the deck shows them (presentation.xml's list), then any slide part the
    list does not name (a slide dropped from the list is still in the file)."""
    listed: list[str] = []
    rels = "ppt/_rels/presentation.xml.rels"
    targets: dict[str, str] = {}
    if rels in names:
        for start, attributes in _starts(archive, rels):
            if start == "Relationship" and attributes.get("Type", "").endswith("/slide"):
                target = attributes.get("Target", "")
                resolved = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join("ppt", target))
                )
                targets[attributes.get("Id", "")] = resolved
    if "ppt/presentation.xml" in names:
        for start, attributes in _starts(archive, "ppt/presentation.xml"):
            if start == "sldId":
                slide = targets.get(attributes.get("id", ""), "")
                if slide in names and slide not in listed:
                    listed.append(slide)
    rest = sorted((n for n in names if _SLIDE.match(n) and n not in listed), key=_number)
    return listed + rest


def _starts(archive: zipfile.ZipFile, name: str) -> Iterator[tuple[str, dict[str, str]]]:
    """Start tags of a (small) part: local name and attributes by local name."""
    found: list[tuple[str, dict[str, str]]] = []
    parser = _parser()
    parser.StartElementHandler = lambda tag, attributes: found.append(
        (_local(tag), {_local(k): v for k, v in attributes.items()})
    )
    with _errors(), archive.open(name) as stream:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            parser.Parse(chunk, False)
            yield from found
            found.clear()
        parser.Parse(b"", True)
    yield from found


@dataclass
class _Slide:
    where: Where
    lines: list[str] = field(default_factory=list)
    title: list[str] = field(default_factory=list)
    paragraph: list[str] | None = None
    # Runs PowerPoint draws so that no one reads them (under a point high, ``a:noFill``),
    # inside or between visible ones: the line is read as shown, without them, and all of
    # its text is read too, as the hidden part "<slide> hidden text".
    shown: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    run_hidden: bool = False
    properties: int = 0  # depth inside the run's a:rPr (its direct children are at 1)
    title_shape: bool = False
    tables: list[list[list[Cell]]] = field(default_factory=list)
    row: list[Cell] | None = None
    cell: list[str] | None = None
    cells: int = 0
    out: list[Unit] = field(default_factory=list)

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == "sld" and attributes.get("show") in ("0", "false"):
            self.where = replace(
                self.where, hidden=True
            )  # a hidden slide: in the file all the same
        elif tag == "sp":
            self.title_shape = False
        elif tag == "ph" and attributes.get("type") in _TITLES:
            self.title_shape = True
        elif self.properties:
            self.properties += 1
            if tag == "noFill" and self.properties == 2:  # the text's fill, not its outline's
                self.run_hidden = True
        elif tag == "r":
            self.run_hidden = False
        elif tag == "rPr":
            self.properties = 1
            size = attributes.get("sz", "")
            self.run_hidden = size.isdigit() and int(size) <= 100  # hundredths of a point
        elif tag == "p":
            self.paragraph, self.shown = [], []
        elif tag == "br" and self.paragraph is not None:
            self.paragraph.append(" ")
            self.shown.append(" ")
        elif tag == "tbl":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.row = []
        elif tag == "tc" and self.row is not None:
            self.cell = []

    def text(self, data: str) -> None:
        if self.paragraph is not None:
            self.paragraph.append(data)
            if not self.run_hidden:
                self.shown.append(data)

    def end(self, tag: str) -> None:
        if self.properties:
            self.properties -= 1
            return
        if tag == "r":
            self.run_hidden = False
        elif tag == "p" and self.paragraph is not None:
            everything = " ".join("".join(self.paragraph).split())
            line = " ".join("".join(self.shown).split())
            self.paragraph, self.shown = None, []
            if everything != line:
                self.hidden.append(everything)
            if not line:
                return
            if self.cell is not None:
                self.cell.append(line)
            elif self.title_shape:
                self.title.append(line)
            else:
                self.lines.append(line)
        elif tag == "t":
            return
        elif tag == "tc" and self.cell is not None and self.row is not None:
            self.row.append(" ".join(self.cell))
            self.cell = None
            self.cells += 1
            if self.cells > _MAX_CELLS:
                raise Unscannable(f"too large: a slide table of more than {_MAX_CELLS} cells")
        elif tag == "tr" and self.row is not None and self.tables:
            if any(value != "" for value in self.row):
                self.tables[-1].append(self.row)
            self.row = None
        elif tag == "tbl" and self.tables:
            rows = self.tables.pop()
            if rows:
                self.out.append(Table(self.where, rows, " / ".join(self.title)))
        elif tag == "sp":
            self.title_shape = False


def _read_slide(archive: zipfile.ZipFile, name: str, where: Where) -> Iterator[Unit]:
    slide = _Slide(where)
    parser = _parser()
    parser.StartElementHandler = lambda tag, attributes: slide.start(
        _local(tag), {_local(k): v for k, v in attributes.items()}
    )
    parser.EndElementHandler = lambda tag: slide.end(_local(tag))
    parser.CharacterDataHandler = slide.text
    with _errors(), archive.open(name) as stream:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            parser.Parse(chunk, False)
            yield from slide.out
            slide.out.clear()
        parser.Parse(b"", True)
    yield from slide.out
    title = " / ".join(slide.title)
    lines = [*slide.title, *slide.lines]
    if lines:
        yield Text(slide.where, lines, title)
    if slide.hidden:
        where = replace(slide.where, part=f"{slide.where.part} hidden text", hidden=True)
        yield Text(where, slide.hidden, title)


def _parser() -> expat.XMLParserType:
    def refuse(*_: object) -> None:
        raise Unscannable("corrupt: a DTD or entity declaration in the PowerPoint package")

    return safe_parser(refuse)


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except expat.ExpatError as exc:
        raise Unscannable("corrupt: invalid XML in the PowerPoint package") from exc
    except (*ZIP_ERRORS, RuntimeError) as exc:
        raise Unscannable("corrupt: a PowerPoint package part cannot be expanded") from exc


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


READER = _PptxReader()
