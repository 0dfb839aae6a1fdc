"""Word (.docx, .docm): paragraphs as ``Text``, tables as ``Table``, streamed from the XML parts.

The package is a ZIP, checked against the same ``Limits`` as any archive before a byte is
expanded; each XML part is streamed through expat (what ``xml.etree`` parses with) as events,
building no tree, so memory stays flat on any document. A part that declares a DTD or an
entity is refused: OOXML has no use for them, and they are how XML bombs and external entity
attacks start (the defusedxml approach, without the dependency).

- A paragraph is a line, and a record: paragraphs are separated by blank lines, list
  paragraphs start with "- ", as the text classifier reads prose. A heading (a style named
  "heading n" or "Title", or an outline level) starts a section; the open headings, outermost
  first, title it. A table's title is the heading above it and the paragraph that introduces
  it. Merged cells keep their columns: ``gridSpan`` pads, a vertical
  merge repeats the value, as the reader sees it.
- Text hidden by formatting (``w:vanish``, a hidden character or paragraph style, a run under
  a point high, a ruby's annotation, white space condensed or scaled to nothing) is left out
  of the line as Word shows it, the visible runs joined (a hidden paragraph mark, or a drop
  cap's frame, runs the paragraph into the next); a bidirectional override (``w:bdo``) shows
  its runs in its direction: "876543212A" right to left is "A212345678". All of the
  paragraph's text, as stored, is read too, as the hidden part "<part> hidden text". Symbols
  (``w:sym``) are their characters. Both sides of an ``mc:AlternateContent`` are read: what
  the Fallback says that its Choice does not is read as hidden text.
- A field is read as Word shows it once it computes it (on opening, for a field marked dirty
  or a document whose settings ask to update fields; on F9 or printing; LibreOffice shows
  SYMBOL's character as it opens the file): SYMBOL's character, QUOTE's text, an ``=``
  formula of numbers through its picture (``\\# "'A'000000000"``), a document property
  (DOCPROPERTY, AUTHOR...) and a bookmark's text (REF) are computed and read in the result's
  place, the saved result kept in the paragraph's stored text (hidden text). A field Word
  computes anew that this reader cannot compute, and that may show text (DOCVARIABLE,
  INCLUDETEXT, IF...), makes the part ``<part> fields`` unread, which blocks.
- A numbered paragraph starts with the label Word draws for it (``numbering.xml``: the level's
  lvlText, its counters in their formats, restarts and redefined levels, list styles, the
  suffix), as Word shows it: "A2183431%1." started at 83 is "A218343183.".
- What a reader of the file recovers besides the body comes out too: headers and footers,
  footnotes and endnotes, comments and tracked deletions (hidden), text boxes, the document
  properties (hidden).
- Every other member is accounted for by ``_package.account`` (the reader accepts a package by
  its ``word/document.xml``, never by its name, and subsumes the plain ZIP reader): the
  attributes and field codes of the parts read here (image alternative text, hyperlink
  tooltips, ``instrText``), styles, settings and document variables, glossary, charts,
  custom XML and docProps as text; embedded files (a workbook pasted into a memo) and altChunk
  imports as ``Nested``; pictures and fonts as non-blocking unread parts; macros as unread.

A .docx that is an OLE container is an encrypted Office document ("Agile encryption" wraps the
package in an ``EncryptedPackage`` stream): ``Unscannable("encrypted")``.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
import zlib
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import islice, pairwise, takewhile
from pathlib import PurePosixPath
from typing import IO
from xml.parsers import expat

from approval.detect.numfmt import place_digits
from approval.detect.readers._numbering import LEVELS, Counters, Level, count
from approval.detect.readers._package import DOCX, account, package_kinds, safe_parser
from approval.detect.readers.zip import check_members, open_archive
from approval.detect.units import (
    UNREAD,
    Cell,
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

TABLE_SLICE_ROWS = 10_000
TABLE_SLICE_CELLS = 1_000_000
TEXT_SLICE_LINES = 2_000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAIN = "word/document.xml"
_CHUNK = 64 * 1024
_SMALL_PART = 4 * 1024 * 1024  # styles, properties, relationships: read whole
_EXTRA_PARTS = (
    (re.compile(r"header\d*\.xml"), "header", False),
    (re.compile(r"footer\d*\.xml"), "footer", False),
    (re.compile(r"footnotes\.xml"), "footnotes", False),
    (re.compile(r"endnotes\.xml"), "endnotes", False),
    (re.compile(r"comments\.xml"), "comments", True),
)
_WHITESPACE = re.compile(r"\s+")
_INTEGER = re.compile(r"-?[0-9]{1,7}")
_MERGEFIELD = re.compile(r"\s*MERGEFIELD\s+(\"[^\"]{1,80}\"|[^\s\\]{1,80})", re.IGNORECASE)
_RUNNING_CHARS = 600  # of the headers' and footers' text, as the body's context
# What ``_read_part`` reads of a part: the text of its runs (and of deleted runs).
_RUNS = (frozenset({"t", "delText"}), frozenset[str]())
_TITLE_CHARS = 300
# Paragraphs between two tables ("(continued)"), at most, for the second to go on under the
# first's title when it repeats its header row; with none between (a page break), it does.
_CONTINUED_PARAGRAPHS = 1
_ENCRYPTED_NAME = "EncryptedPackage".encode("utf-16-le")


class _DocxReader:
    name = "docx"
    # Every member of the package is accounted for (``_package.account``): reading the same
    # bytes as a plain ZIP would add nothing.
    subsumes = frozenset({"zip"})

    def accepts(self, probe: Probe) -> bool:
        # A package with a main document part, whatever the file is called. (A password-
        # protected .docx is an OLE2 file: the scanner calls it encrypted.)
        return DOCX in package_kinds(probe)

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        with source.open() as stream:
            if stream.read(len(OLE_MAGIC)) == OLE_MAGIC:
                stream.seek(0)
                raise _ole_problem(stream)
            stream.seek(0)
            with open_archive(stream) as archive:
                members = archive.infolist()
                check_members(members, limits)
                names = {info.filename for info in members}
                if len(names) < len(members):
                    # A package has one part per name (OPC); a second one would hide from
                    # whoever reads the first.
                    raise Unscannable("corrupt: two parts of the Word package share a name")
                main = _main_part(archive, names)
                folder = str(PurePosixPath(main).parent)
                headings = _heading_styles(archive, f"{folder}/styles.xml", names)
                unshown, drop_caps = _shown_styles(archive, f"{folder}/styles.xml", names)
                lists = _word_lists(archive, main, folder, names)
                properties = _properties(archive, names)
                title = properties[0] if properties else ""
                # Headers and footers are on every page: what they say governs the body (a
                # "Credible fear referrals" running head over a table of names).
                running = _running_heads(archive, folder, names)
                # What was said about the document and taken out of it, its comments and
                # tracked deletions, governs it as well: a "these three are the CAT cases"
                # comment over a table of names (issue 19).
                asides = _asides(archive, main, folder, names)
                body_title = " / ".join(t for t in (title, running, asides) if t)
                fields = _Fields(
                    _update_fields(archive, main, names), _field_properties(archive, names)
                )
                # The parts read here hold more than their text runs: image alternative text,
                # hyperlink tooltips, field codes. The fallback reads them, and not the runs.
                partly = {main: _RUNS}
                outline: list[str] = []  # the body's headings, as met
                yield from _read_part(
                    archive,
                    main,
                    Where(),
                    headings,
                    body_title,
                    outline,
                    unshown,
                    lists,
                    drop_caps,
                    fields,
                )
                # Comments and notes sit in the body: what titles it titles them.
                noted = " / ".join(dict.fromkeys(t for t in (body_title, *outline) if t))
                for pattern, label, hidden in _EXTRA_PARTS:
                    for name in sorted(names):
                        parent, _, base = name.rpartition("/")
                        if parent == folder and pattern.fullmatch(base):
                            partly[name] = _RUNS
                            where = Where(part=label, hidden=hidden)
                            part_title = title if label in ("header", "footer") else noted
                            part_title = part_title[:_RUNNING_CHARS]
                            yield from _read_part(
                                archive,
                                name,
                                where,
                                headings,
                                part_title,
                                None,
                                unshown,
                                lists,
                                drop_caps,
                                fields,
                            )
                if properties:
                    yield Text(Where(part="properties", hidden=True), properties, title)
                # Everything else (styles, properties, text boxes' drawings, charts, custom
                # XML, embedded files, pictures) is accounted for member by member.
                yield from account(source, archive, limits, {}, partly)


def _ole_problem(stream: IO[bytes]) -> Unscannable:
    """An OLE container named .docx: encrypted if it holds an ``EncryptedPackage`` stream."""
    tail = b""
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        if _ENCRYPTED_NAME in tail + chunk:
            return Unscannable("encrypted")
        tail = chunk[-len(_ENCRYPTED_NAME) :]
    return Unscannable("unsupported format: legacy Word document (OLE) named .docx")


def _main_part(archive: zipfile.ZipFile, names: set[str]) -> str:
    """The main document part, as the package relationships name it."""
    for event, tag, attributes, _ in _small_part(archive, "_rels/.rels", names):
        if event == "start" and tag == "Relationship":
            target = attributes.get("Target", "").lstrip("/")
            if attributes.get("Type", "").endswith("/officeDocument") and target in names:
                return target
    if _MAIN in names:
        return _MAIN
    raise Unscannable("corrupt: no main document part in the Word package")


def _heading_styles(archive: zipfile.ZipFile, name: str, names: set[str]) -> dict[str, int]:
    """Style ids that make a paragraph a heading, with its level (Title 0, heading n n): by
    the style's name ("heading 1", "Title"), whatever its id (ids are localised:
    "berschrift1"), or by its outline level."""
    found: dict[str, int] = {}
    style_id = ""
    for event, tag, attributes, _ in _small_part(archive, name, names):
        if event != "start":
            continue
        value = attributes.get("val", "").lower()
        if tag == "style":
            style_id = attributes.get("styleId", "")
        elif tag == "name" and value == "title":
            found[style_id] = 0
        elif tag == "name" and value.startswith("heading"):
            level = value.removeprefix("heading").strip()
            found[style_id] = int(level) if level.isdigit() else 1
        elif tag == "outlineLvl" and value.isdigit() and int(value) < 9:
            found.setdefault(style_id, int(value) + 1)
    found.pop("", None)
    return found


def _shown_styles(
    archive: zipfile.ZipFile, name: str, names: set[str]
) -> tuple[frozenset[str], frozenset[str]]:
    """Style ids whose text Word does not show (``w:vanish`` in the style's run properties),
    and paragraph style ids whose frame is a drop cap (``w:framePr w:dropCap``), each with
    the styles based on one (unless their own frame says otherwise): one pass over the part."""
    hidden: dict[str, bool] = {}
    drop_caps: dict[str, bool] = {}
    based: dict[str, str] = {}
    style_id = ""
    in_ppr = False
    for event, tag, attributes, _ in _small_part(archive, name, names):
        if tag == "pPr":
            in_ppr = event == "start"
        elif event != "start":
            continue
        elif tag == "style":
            style_id = attributes.get("styleId", "")
        elif tag == "basedOn" and style_id:
            based[style_id] = attributes.get("val", "")
        elif tag in ("vanish", "specVanish") and style_id and not in_ppr and _on(attributes):
            hidden[style_id] = True
        elif tag == "framePr" and style_id:
            drop_caps[style_id] = attributes.get("dropCap") in ("drop", "margin")
    return _inherited(hidden, based), _inherited(drop_caps, based)


def _inherited(own: dict[str, bool], based: dict[str, str]) -> frozenset[str]:
    """The styles for which ``own`` (what a style says itself) is true, for itself or for
    the nearest style it is based on that says."""
    found: set[str] = set()
    for style in {*own, *based}:
        seen: set[str] = set()
        parent = style
        while parent not in own and parent in based and parent not in seen:
            seen.add(parent)
            parent = based[parent]
        if own.get(parent):
            found.add(style)
    return frozenset(found)


@dataclass(frozen=True)
class _WordLists:
    """What Word numbers paragraphs with: the abstract lists' levels; each list instance's
    abstract list, restarts (``startOverride``) and redefined levels; the list a paragraph
    style numbers its paragraphs in (style id: numId, level)."""

    abstract: dict[str, dict[int, Level]] = field(default_factory=dict)
    nums: dict[str, tuple[str, dict[int, int], dict[int, Level]]] = field(default_factory=dict)
    styles: dict[str, tuple[str, int]] = field(default_factory=dict)
    # An abstract list that is a numbering style's (``numStyleLink``): the style's list
    # defines its levels.
    links: dict[str, str] = field(default_factory=dict)


def _word_lists(archive: zipfile.ZipFile, main: str, folder: str, names: set[str]) -> _WordLists:
    """The numbering definitions (the part the main part's relationships call numbering,
    else ``numbering.xml``) and the styles' list numbering."""
    name = _related(archive, main, "/numbering", names) or f"{folder}/numbering.xml"
    lists = _WordLists()
    levels: dict[int, Level] = {}  # of the abstract list or override being read
    level: dict[str, str] = {}  # the level being read: ilvl, start, numFmt, lvlText, ...
    num = abstract = ""
    override = -1
    for event, tag, attributes, _ in _small_part(archive, name, names):
        value = attributes.get("val", "")
        if event == "start" and tag == "abstractNum":
            levels, num = {}, ""
            abstract = attributes.get("abstractNumId", "")
            lists.abstract[abstract] = levels
        elif event == "start" and tag == "numStyleLink" and not num:
            lists.links[abstract] = value
        elif event == "start" and tag == "num":
            levels, num = {}, attributes.get("numId", "")
            lists.nums[num] = ("", {}, levels)
        elif event == "start" and tag == "abstractNumId" and num in lists.nums:
            lists.nums[num] = (value, *lists.nums[num][1:])
        elif event == "start" and tag == "lvlOverride":
            override = count(attributes.get("ilvl", ""))
        elif event == "start" and tag == "startOverride" and num in lists.nums:
            lists.nums[num][1][override] = count(value)
        elif event == "start" and tag == "lvl":
            level = {"ilvl": attributes.get("ilvl", "") or str(override)}
        elif event == "start" and tag in ("start", "numFmt", "lvlText") and level:
            level[tag] = value
        elif event == "start" and tag == "suff" and level:
            level[tag] = {"space": " ", "nothing": ""}.get(value, "\t")
        elif event == "start" and tag == "isLgl" and level:
            level[tag] = "1" if _on(attributes) else ""
        elif event == "end" and tag == "lvl" and level:
            levels[count(level["ilvl"])] = Level(
                count(level.get("start", "0")),
                level.get("numFmt", "decimal"),
                level.get("lvlText", ""),
                bool(level.get("isLgl")),
                level.get("suff", "\t"),
            )
            level = {}
    styles = f"{folder}/styles.xml"
    style_id = ""
    for event, tag, attributes, _ in _small_part(archive, styles, names):
        if event == "start" and tag == "style":
            style_id = attributes.get("styleId", "")
        elif event == "start" and tag in ("numId", "ilvl") and style_id:
            num_id, ilvl = lists.styles.get(style_id, ("", 0))
            if tag == "numId":
                num_id = attributes.get("val", "")
            else:
                ilvl = count(attributes.get("val", ""))
            lists.styles[style_id] = (num_id, ilvl)
    return lists


def _related(archive: zipfile.ZipFile, main: str, kind: str, names: set[str]) -> str:
    """The part the main part's relationships name with a type ending in ``kind``."""
    folder, _, base = main.rpartition("/")
    rels = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
    for event, tag, attributes, _ in _small_part(archive, rels, names):
        if event == "start" and tag == "Relationship" and attributes.get("Type", "").endswith(kind):
            target = attributes.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}"
            return posixpath.normpath(path)
    return ""


def _on(attributes: dict[str, str]) -> bool:
    """A toggle property (``<w:vanish/>``, ``w:val="true"``) that is on."""
    return attributes.get("val", "true").lower() not in ("0", "false", "off")


def _properties(archive: zipfile.ZipFile, names: set[str]) -> list[str]:
    """Title first, then subject, description and keywords, from docProps/core.xml."""
    wanted = ("title", "subject", "description", "keywords")
    values = {
        tag: " ".join(text.split())
        for event, tag, _, text in _small_part(archive, "docProps/core.xml", names)
        if event == "end" and tag in wanted
    }
    return [values[key] for key in wanted if values.get(key)]


def _running_heads(archive: zipfile.ZipFile, folder: str, names: set[str]) -> str:
    """The text of the headers and footers, short: the context they give the body."""
    texts: list[str] = []
    for name in sorted(names):
        parent, _, base = name.rpartition("/")
        if parent != folder or not _RUNNING.fullmatch(base):
            continue
        if archive.getinfo(name).file_size > _SMALL_PART:
            continue  # read as a part of its own all the same, but too long to be a title
        for event, tag, _, text in _small_part(archive, name, names):
            if event == "end" and tag == "t" and text.strip():
                texts.append(text.strip())
    return _collapse(" ".join(dict.fromkeys(texts)))[:_RUNNING_CHARS]


_RUNNING = re.compile(r"(?:header|footer)\d*\.xml")
# A deleted run's text, found in the raw XML without a second parse of the whole part.
# (The end of a paragraph separates its words from the next one's.)
_DELETED_RUN = re.compile(rb"<(?:[\w.-]+:)?delText(?:\s[^>]*)?>([^<]*)<|</(?:[\w.-]+:)?p>")
_OVERLAP = 4096  # bytes kept from one chunk to the next, so a run split between them is seen


def _asides(archive: zipfile.ZipFile, main: str, folder: str, names: set[str]) -> str:
    """The start of the comments' text and of the main part's tracked deletions."""
    comments: list[str] = []
    name = f"{folder}/comments.xml"
    if name in names and archive.getinfo(name).file_size <= _SMALL_PART:
        for event, tag, _, text in _small_part(archive, name, names):
            if event == "end" and tag == "t" and text.strip():
                comments.append(text.strip())
                if sum(map(len, comments)) > _RUNNING_CHARS:
                    break
    return " / ".join(
        t for t in (_collapse(" ".join(comments))[:_RUNNING_CHARS], _deletions(archive, main)) if t
    )


def _deletions(archive: zipfile.ZipFile, main: str) -> str:
    deleted: list[str] = []
    size = 0
    tail = b""
    with _part_errors(), archive.open(main) as stream:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            buffer = tail + chunk
            done = 0
            for match in _DELETED_RUN.finditer(buffer):
                run = match.group(1)
                done = match.end()
                if run is None:  # a paragraph's end
                    if deleted and deleted[-1] != " ":
                        deleted.append(" ")
                    continue
                text = html.unescape(run.decode("utf-8", "replace"))
                deleted.append(text)
                size += len(text)
            if size > _RUNNING_CHARS:
                break
            tail = buffer[max(done, len(buffer) - _OVERLAP) :]
    return _collapse("".join(deleted))[:_RUNNING_CHARS]


def _small_part(
    archive: zipfile.ZipFile, name: str, names: set[str]
) -> Iterator[tuple[str, str, dict[str, str], str]]:
    if name not in names:
        return
    if archive.getinfo(name).file_size > _SMALL_PART:
        raise Unscannable(f"too large: a Word package part is over {_SMALL_PART // 1024**2} MiB")
    with _part_errors(), archive.open(name) as stream:
        for batch in _xml_events(stream):
            yield from batch


def _read_part(
    archive: zipfile.ZipFile,
    name: str,
    where: Where,
    headings: dict[str, int],
    title: str,
    outline: list[str] | None = None,
    hidden: frozenset[str] = frozenset(),
    lists: _WordLists | None = None,
    drop_caps: frozenset[str] = frozenset(),
    fields: _Fields | None = None,
) -> Iterator[Unit]:
    """The units of one part; ``outline`` collects the text of its headings; ``hidden``
    names the styles whose text is not shown; ``lists`` numbers its list paragraphs;
    ``drop_caps`` names the paragraph styles that make a drop cap; ``fields`` what Word
    computes fields from."""
    flow = _Flow(where, headings, title, hidden, lists, drop_caps, fields)
    with _part_errors(), archive.open(name) as stream:
        for batch in _xml_events(stream):
            for event, tag, attributes, text in batch:
                if event == "start":
                    flow.start(tag, attributes)
                else:
                    flow.end(tag, attributes, text)
            yield from flow.drain()
    flow.finish()
    yield from flow.drain()
    if flow.unread_fields:
        reason = (
            f"{flow.unread_fields} field(s) that Word computes anew on opening (marked dirty, or"
            " the document asks to update fields) and that may show text; not computed here"
        )
        yield Part(f"{name} fields", "fields", 0, UNREAD, reason)
    if outline is not None:
        outline += flow.outline


Event = tuple[str, str, dict[str, str], str]  # (start|end, local tag, attributes, text)


def _xml_events(stream: IO[bytes]) -> Iterator[list[Event]]:
    """Expat events in batches, one batch per chunk read: ``("start", tag, attributes, "")``
    and ``("end", tag, attributes, text)``, names without namespaces, ``text`` the character
    data since the previous event (an element's text, for the leaves that have one)."""
    batch: list[Event] = []
    text: list[str] = []
    opened: list[dict[str, str]] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        local = {_local(key): value for key, value in attributes.items()}
        opened.append(local)
        text.clear()
        batch.append(("start", _local(name), local, ""))

    def end(name: str) -> None:
        batch.append(("end", _local(name), opened.pop(), "".join(text)))
        text.clear()

    def refuse(*_: object) -> None:
        raise Unscannable("corrupt: a DTD or entity declaration in the Word package")

    parser = safe_parser(refuse)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text.append
    for chunk in iter(lambda: stream.read(_CHUNK), b""):
        parser.Parse(chunk, False)
        yield batch
        batch = []
    parser.Parse(b"", True)
    yield batch


@contextmanager
def _part_errors() -> Iterator[None]:
    try:
        yield
    except expat.ExpatError as exc:
        raise Unscannable("corrupt: invalid XML in the Word package") from exc
    except (
        zipfile.BadZipFile, OSError, EOFError, zlib.error, ValueError, NotImplementedError,
        RuntimeError,
    ) as exc:  # fmt: skip
        # As for any archive member (see zip.py): offsets before the file's start, local
        # headers that disagree with the directory.
        raise Unscannable("corrupt: a Word package part cannot be expanded") from exc


@dataclass
class _Paragraph:
    text: list[str] = field(default_factory=list)  # all of its text, hidden runs too
    shown: list[str] = field(default_factory=list)  # what Word shows on the line
    hidden_style: bool = False  # its paragraph style hides its runs
    mark_hidden: bool = False  # a hidden paragraph mark: Word runs it into the next one
    drop_cap: bool = False  # a drop cap's frame: shown as the next paragraph's first letters
    deleted: list[str] = field(default_factory=list)
    level: int | None = None  # a heading's
    item: bool = False  # a list paragraph
    style: str = ""
    num_id: str | None = None  # its list (w:numPr), if it says
    ilvl: int | None = None  # its level in that list


@dataclass
class _Table:
    title: str
    rows: list[list[Cell]] = field(default_factory=list)
    previous: list[Cell] = field(default_factory=list)  # the row above, for vertical merges
    row: list[Cell] | None = None
    cell: list[str] | None = None
    span: int = 1
    merged: bool = False  # a vertical merge continues the cell above
    first: list[Cell] | None = None  # repeated atop each later slice: it may be the header
    going_on: str = ""  # the previous table's title, if this one repeats its header row
    cells: int = 0  # in the current slice


class _Flow:
    """WordprocessingML events in, units out."""

    def __init__(
        self,
        where: Where,
        headings: dict[str, int],
        title: str,
        hidden: frozenset[str] = frozenset(),
        lists: _WordLists | None = None,
        drop_caps: frozenset[str] = frozenset(),
        fields: _Fields | None = None,
    ):
        self.where = where
        # Fields (``w:fldChar`` begin, instruction, separate, result, end; ``w:fldSimple``):
        # Word shows the result saved with a field until it computes the field anew, which it
        # does on opening for a field marked dirty or a document that asks to update fields,
        # and on F9 or printing; LibreOffice shows SYMBOL's character itself. A field this
        # reader computes is read in its result's place, the saved result kept in the
        # paragraph's stored text (read as hidden text); one it cannot compute that Word
        # computes anew, and that may show text, leaves the part unread.
        self.fields = fields or _Fields()
        self.open_fields: list[_Field] = []
        self.bookmarks: dict[str, str] = {}  # name (lower case) -> the text it marks
        self.open_marks: dict[str, tuple[str, list[str]]] = {}  # id -> name, text so far
        self.unread_fields = 0
        self.drop_caps = drop_caps
        # Numbered paragraphs: Word draws each one's label from the list's definition and
        # counters, and shows it before the text ("A2183431" + "83" + "." from lvlText
        # "A2183431%1." started at 83): the label is read as the line's start.
        self.lists = lists or _WordLists()
        self.counters: dict[str, Counters] = {}
        self.headings = headings
        self.hidden_styles = hidden
        # Text hidden by formatting (``w:vanish``, a 1-point size, a hidden style, a ruby's
        # annotation) inside or between visible text: the line is read as Word shows it, and
        # all of its text, the hidden runs joined in, is read as the hidden part "hidden text".
        self.hidden_lines: list[str] = []
        self.run_hidden = False
        # A run condensed (w:spacing) or scaled (w:w) so far that its spaces have no width.
        self.run_squeezed = False
        self.in_ppr = False
        # Inside w:rPrChange or w:pPrChange: the formatting before a tracked change, not what
        # Word shows.
        self.changed = 0
        self.ruby_text = 0  # inside w:rt: shown above the base, not on the line
        # Open w:bdo elements (bidirectional overrides): the paragraph, whether the override
        # is left to right, where its shown text starts.
        self.overrides: list[tuple[_Paragraph, bool, int]] = []
        self.carried = ""  # a paragraph whose mark is hidden: shown as the next one's start
        # Both sides of an mc:AlternateContent are read: Word 2010 shows the Choice, older
        # Word and other tools the Fallback (the same text box, as VML), and the two need not
        # say the same thing. Per open AlternateContent: the Choice's paragraphs, and whether
        # the Choice is the side being read; what the Fallback adds is read as hidden text.
        self.choices: list[tuple[set[str], bool]] = []
        self.default_title = title
        self.out: deque[Unit] = deque()
        self.open_headings: list[tuple[int, str]] = []
        self.intro = ""
        self.lines: list[str] = []
        self.deletions: list[str] = []
        self.paragraphs: list[_Paragraph] = []
        self.tables: list[_Table] = []
        # The title of the last table, and the paragraphs since: a table that follows after a
        # page break or a "(continued)" line goes on under its title.
        self.outline: list[str] = []  # headings met, up to ``_RUNNING_CHARS``
        self.continued = ""
        self.continued_header: list[Cell] | None = None
        self.between = 0

    def drain(self) -> Iterator[Unit]:
        while self.out:
            yield self.out.popleft()

    def start(self, tag: str, attributes: dict[str, str] | None = None) -> None:
        if tag == "r":
            self.run_hidden = self.run_squeezed = False
        elif tag == "pPr":
            self.in_ppr = True
        elif tag == "rt":
            self.ruby_text += 1
        elif tag == "bdo" and self.paragraphs:
            paragraph = self.paragraphs[-1]
            ltr = (attributes or {}).get("val", "ltr") != "rtl"
            self.overrides.append((paragraph, ltr, len(paragraph.shown)))
        elif tag in ("rPrChange", "pPrChange"):
            self.changed += 1
        elif tag == "AlternateContent":
            self.choices.append((set(), False))
        elif tag in ("Choice", "Fallback") and self.choices:
            self.choices[-1] = (self.choices[-1][0], tag == "Choice")
        elif tag == "p":
            self.paragraphs.append(_Paragraph())
        elif tag == "fldSimple" and self.paragraphs and attributes:
            self._merge_field(self.paragraphs[-1], attributes.get("instr", ""))
            paragraph = self.paragraphs[-1]
            self.open_fields.append(
                _Field(
                    [attributes.get("instr", "")],
                    _on_attribute(attributes, "dirty"),
                    paragraph,
                    len(paragraph.shown),
                )
            )
        elif tag == "tbl":
            self._start_table()
        elif tag == "tr" and self.tables:
            self.tables[-1].row = []
        elif tag == "tc" and self.tables:
            table = self.tables[-1]
            table.cell, table.span, table.merged = [], 1, False
            if table.row is None:
                table.row = []

    def _add(self, paragraph: _Paragraph, text: str) -> None:
        for _, marked in self.open_marks.values():
            if sum(map(len, marked)) < _MARK_CHARS:
                marked.append(text)
        paragraph.text.append(text)
        squeezed = self.run_squeezed and not text.strip()
        if not (self.run_hidden or self.ruby_text or paragraph.hidden_style or squeezed):
            paragraph.shown.append(text)

    def end(self, tag: str, attributes: dict[str, str], text: str) -> None:
        paragraph = self.paragraphs[-1] if self.paragraphs else None
        if tag == "t" and paragraph is not None:
            self._add(paragraph, text)
        elif tag == "sym" and paragraph is not None:
            self._add(paragraph, _symbol(attributes.get("char", "")))
        elif tag == "pPr":
            self.in_ppr = False
        elif tag == "rt":
            self.ruby_text -= self.ruby_text > 0
        elif tag == "bdo" and self.overrides:
            self._override(*self.overrides.pop())
        elif tag in ("rPrChange", "pPrChange"):
            self.changed -= self.changed > 0
        elif tag == "AlternateContent" and self.choices:
            self.choices.pop()
        elif tag == "Choice" and self.choices:
            self.choices[-1] = (self.choices[-1][0], False)
        elif self.changed and tag in (
            "vanish", "specVanish", "rStyle", "sz", "pStyle", "numId", "ilvl", "framePr",
            "spacing", "w",
        ):  # fmt: skip
            pass
        elif tag in ("vanish", "specVanish") and _on(attributes):
            if self.in_ppr and paragraph is not None:
                paragraph.mark_hidden = True
            elif not self.in_ppr:
                self.run_hidden = True
        elif tag == "rStyle" and not self.in_ppr:
            self.run_hidden |= (attributes.get("val") or "") in self.hidden_styles
        elif tag == "sz" and not self.in_ppr:
            # Half-points: 2 is a 1-point run, a line no one reads.
            size = attributes.get("val") or ""
            self.run_hidden |= size.isdigit() and int(size) <= 2
        elif tag in ("spacing", "w") and not self.in_ppr:
            # A space condensed by 2 points or more (twentieths of a point), or scaled under a
            # fifth of its width, is drawn as nothing: "A212" " " "345678" reads A212345678.
            value = attributes.get("val") or ""
            number = int(value) if _INTEGER.fullmatch(value) else None
            if number is not None:
                self.run_squeezed |= number <= -40 if tag == "spacing" else number < 20
        elif tag == "delText" and paragraph is not None:
            paragraph.deleted.append(text)
        elif tag == "instrText" and paragraph is not None:
            self._merge_field(paragraph, text)
            if self.open_fields and self.open_fields[-1].paragraph is None:
                self.open_fields[-1].instruction.append(text)
        elif tag == "fldChar" and paragraph is not None:
            self._field_char(paragraph, attributes)
        elif tag == "fldSimple" and self.open_fields:
            self._end_field(self.open_fields.pop())
        elif tag == "bookmarkStart" and len(self.open_marks) < _OPEN_MARKS:
            name = attributes.get("name") or ""
            if name:
                self.open_marks[attributes.get("id") or ""] = (name, [])
        elif tag == "bookmarkEnd" and (attributes.get("id") or "") in self.open_marks:
            name, marked = self.open_marks.pop(attributes.get("id") or "")
            self.bookmarks[name.lower()] = "".join(marked)[:_MARK_CHARS]
        elif tag in ("tab", "ptab") and paragraph is not None:
            self._add(paragraph, "\t")
        elif tag in ("br", "cr") and paragraph is not None:
            self._add(paragraph, " ")
        elif tag == "noBreakHyphen" and paragraph is not None:
            self._add(paragraph, "-")
        elif tag == "pStyle" and paragraph is not None:
            style = attributes.get("val") or ""
            paragraph.style = style
            paragraph.hidden_style = style in self.hidden_styles
            paragraph.drop_cap = style in self.drop_caps  # the paragraph's own frame decides
            if style in self.headings:
                paragraph.level = self.headings[style]
            paragraph.item |= style.lower().startswith("list")
        elif tag == "framePr" and paragraph is not None and self.in_ppr:
            # A drop cap: Word stores the big first letter as a paragraph of its own, in a
            # frame, and shows it as the start of the next paragraph's first line.
            paragraph.drop_cap = attributes.get("dropCap") in ("drop", "margin")
        elif tag == "outlineLvl" and paragraph is not None:
            level = attributes.get("val") or ""
            if level.isdigit() and int(level) < 9:
                paragraph.level = int(level) + 1
        elif tag == "numPr" and paragraph is not None:
            paragraph.item = True
        elif tag == "numId" and paragraph is not None and self.in_ppr:
            paragraph.num_id = attributes.get("val") or ""
        elif tag == "ilvl" and paragraph is not None and self.in_ppr:
            paragraph.ilvl = count(attributes.get("val") or "")
        elif tag == "p" and paragraph is not None:
            self._label(paragraph)
            self._end_paragraph(self.paragraphs.pop())
        elif tag == "gridSpan" and self.tables:
            self.tables[-1].span = _span(attributes.get("val"))
        elif tag == "vMerge" and self.tables:
            self.tables[-1].merged = (attributes.get("val") or "continue") == "continue"
        elif tag == "tc" and self.tables:
            self._end_cell(self.tables[-1])
        elif tag == "tr" and self.tables:
            self._end_row(self.tables[-1])
        elif tag == "tbl" and self.tables:
            self._end_table()

    def _override(self, paragraph: _Paragraph, ltr: bool, start: int) -> None:
        """The end of a ``w:bdo``: its runs' characters are shown in its direction, whatever
        their own (a right-to-left override shows "876543212A" as "A212345678"). Read as
        shown; the stored order stays in the paragraph's text, read as hidden text."""
        outer = self.overrides[-1][1] if self.overrides else True
        if ltr != outer:  # inside an override the other way, its reversal undoes this one
            paragraph.shown[start:] = ["".join(paragraph.shown[start:])[::-1]]

    def _label(self, paragraph: _Paragraph) -> None:
        """Put the paragraph's list label, as Word draws it, before its text."""
        num_id, ilvl = self.lists.styles.get(paragraph.style, ("", 0))
        num_id = num_id if paragraph.num_id is None else paragraph.num_id
        ilvl = min(ilvl if paragraph.ilvl is None else paragraph.ilvl, LEVELS - 1)
        if not num_id or num_id == "0" or num_id not in self.lists.nums:
            return  # numId 0 takes a style's numbering away
        abstract, restarts, redefined = self.lists.nums[num_id]
        linked = self.lists.styles.get(self.lists.links.get(abstract, ""), ("", 0))[0]
        if linked in self.lists.nums:  # one step: a style's list is not a link again
            abstract = self.lists.nums[linked][0]
        levels = self.lists.abstract.get(abstract, {}) | redefined
        for restarted, start in restarts.items():
            levels[restarted] = replace(levels.get(restarted, Level()), start=start)
        # Instances of one abstract list number on together; one that restarts a level
        # counts on its own.
        key = f"num {num_id}" if restarts or redefined else f"abstract {abstract}"
        counters = self.counters.setdefault(key, Counters())
        counters.advance(ilvl, levels)
        label = counters.word_label(ilvl, levels)
        if label:
            paragraph.item = True
            # What follows the label: a tab, a space or nothing (w:suff), as Word shows it.
            label += levels.get(ilvl, Level()).suffix
            paragraph.text.insert(0, label)
            if not paragraph.hidden_style:
                paragraph.shown.insert(0, label)

    @staticmethod
    def _merge_field(paragraph: _Paragraph, instruction: str) -> None:
        """A mail-merge field's name says what the value after it is (``CFI_Outcome``,
        ``A_Number``) where the letter's words do not: it is read as the value's label."""
        field = _MERGEFIELD.match(instruction)
        if field:
            label = field.group(1).strip('"').replace("_", " ")
            paragraph.text.append(f" {label}: ")
            paragraph.shown.append(f" {label}: ")

    def _field_char(self, paragraph: _Paragraph, attributes: dict[str, str]) -> None:
        kind = attributes.get("fldCharType")
        if kind == "begin":
            if len(self.open_fields) < _NESTED_FIELDS:
                self.open_fields.append(_Field([], _on_attribute(attributes, "dirty")))
            else:  # too deep to follow: Word computes what this reader does not
                self.unread_fields += 1
        elif kind == "separate" and self.open_fields and self.open_fields[-1].paragraph is None:
            self.open_fields[-1].paragraph = paragraph
            self.open_fields[-1].start = len(paragraph.shown)
        elif kind == "end" and self.open_fields:
            field = self.open_fields.pop()
            if field.paragraph is None:  # no result saved: Word shows what it computes
                field.paragraph, field.start = paragraph, len(paragraph.shown)
                field.dirty = True
            self._end_field(field)

    def _end_field(self, field: _Field) -> None:
        """A field's end: its computed value in its result's place; its value (or its saved
        result) in the instruction of a field it is nested in."""
        instruction = "".join(field.instruction)
        value = _field_value(instruction, self.fields.properties, self.bookmarks)
        paragraph = field.paragraph
        saved = "".join(paragraph.shown[field.start :]) if paragraph is not None else ""
        parent = self.open_fields[-1] if self.open_fields else None
        if parent is not None and parent.paragraph is None:
            # Part of the instruction, which Word does not show: its result is not shown.
            parent.instruction.append(saved if value is None else value)
            if paragraph is not None and self.paragraphs and paragraph is self.paragraphs[-1]:
                del paragraph.shown[field.start :]
            return
        if value is None:
            if (field.dirty or self.fields.update) and _may_show_text(instruction):
                self.unread_fields += 1
            return
        if paragraph is not None and self.paragraphs and paragraph is self.paragraphs[-1]:
            paragraph.shown[field.start :] = [value]
        elif value:  # a result over paragraphs: its value read beside
            self._hidden_line(value)

    def finish(self) -> None:
        if self.carried:  # the last paragraph's mark hidden: nothing to run into
            self._end_paragraph(_Paragraph())
        while self.tables:
            self._end_table()
        self._flush_section()
        while self.hidden_lines and not self.hidden_lines[-1]:
            self.hidden_lines.pop()
        if self.hidden_lines:
            where = Where(part=f"{self.where.part or 'body'} hidden text", hidden=True)
            self.out.append(Text(where, self.hidden_lines, self._title()))
            self.hidden_lines = []
        while self.deletions and not self.deletions[-1]:
            self.deletions.pop()
        if self.deletions:
            where = Where(part=f"{self.where.part or 'body'} tracked deletions", hidden=True)
            self.out.append(Text(where, self.deletions, self._title()))
            self.deletions = []

    def _end_paragraph(self, paragraph: _Paragraph) -> None:
        everything = _collapse("".join(paragraph.text))
        shown = "".join(paragraph.shown)
        deleted = _collapse("".join(paragraph.deleted))
        if deleted:
            self.deletions += [deleted, ""]
        in_cell = self.tables and self.tables[-1].cell is not None
        if (paragraph.mark_hidden or paragraph.drop_cap) and not in_cell:
            self.carried += shown
            if paragraph.mark_hidden and everything:
                self.hidden_lines += [everything, ""]
            elif everything and everything != _collapse(shown):
                self._hidden_line(everything)
            return
        text = _collapse(self.carried + shown)
        self.carried = ""
        if everything and everything != text:
            self._hidden_line(everything)
        if self.choices and self.choices[-1][1]:
            self.choices[-1][0].add(text)
        elif self.choices:  # a Fallback: what its Choice did not say, read as hidden text
            if text and text not in self.choices[-1][0]:
                self._hidden_line(text)
            return
        if not text:
            return
        table = self.tables[-1] if self.tables else None
        if table is not None and table.cell is not None:
            table.cell.append(text)
        elif paragraph.level is not None:
            self._flush_section()
            while self.open_headings and self.open_headings[-1][0] >= paragraph.level:
                self.open_headings.pop()
            self.open_headings.append((paragraph.level, text[:_TITLE_CHARS]))
            if sum(map(len, self.outline)) < _RUNNING_CHARS:
                self.outline.append(text[:_TITLE_CHARS])
            # Read as well as it titles its section: a heading is text a reader sees and may
            # name a person; written as the heading line a Markdown reader knows.
            self.lines += [f"{'#' * min(max(paragraph.level, 1), 6)} {text}", ""]
            self.intro = ""
            self.continued = ""
        else:
            self.lines += [f"- {text}" if paragraph.item else text, ""]
            self.intro = text
            self.between += 1
            if len(self.lines) >= TEXT_SLICE_LINES:
                self._flush_section()

    def _hidden_line(self, text: str) -> None:
        self.hidden_lines += [text, ""]
        if len(self.hidden_lines) >= TEXT_SLICE_LINES:
            where = Where(part=f"{self.where.part or 'body'} hidden text", hidden=True)
            self.out.append(Text(where, self.hidden_lines, self._title()))
            self.hidden_lines = []

    def _flush_section(self) -> None:
        while self.lines and not self.lines[-1]:
            self.lines.pop()
        if self.lines:
            self.out.append(Text(self.where, self.lines, self._title()))
        self.lines = []

    def _title(self) -> str:
        # The document's title and running heads govern the whole body, its headings their
        # sections.
        headings = [text for _, text in self.open_headings]
        return " / ".join(t for t in (self.default_title, *headings) if t)

    def _start_table(self) -> None:
        if self.carried and not self.tables:  # a hidden paragraph mark does not run into it
            self._end_paragraph(_Paragraph())
        if not self.tables:
            self._flush_section()
        heading = self._title()
        intro = self.intro if self.intro != heading else ""
        self.intro = ""
        title = ": ".join(part[:_TITLE_CHARS] for part in (heading, intro) if part)
        table = _Table(title=title)
        if self.continued and not self.tables:
            going_on = " / ".join(t for t in (self.continued, intro) if t)[: 2 * _TITLE_CHARS]
            if self.between == 0:  # nothing but a page break between them
                table.title = going_on
            elif self.between <= _CONTINUED_PARAGRAPHS:  # if its header row is repeated
                table.going_on = going_on
        self.tables.append(table)

    def _end_cell(self, table: _Table) -> None:
        if table.cell is None or table.row is None:
            return
        value: Cell = " ".join(table.cell)
        column = len(table.row)
        if table.merged and column < len(table.previous):
            value = table.previous[column]
        table.row.extend([value] + [""] * (table.span - 1))
        table.cell = None

    def _end_row(self, table: _Table) -> None:
        self._end_cell(table)
        if table.row is None:
            return
        row, table.row = table.row, None
        table.previous = row
        if any(value != "" for value in row):
            table.rows.append(row)
            if table.first is None:
                table.first = row
                if table.going_on and row == self.continued_header:
                    table.title = table.going_on
        table.cells += len(row)
        if len(table.rows) >= TABLE_SLICE_ROWS or table.cells >= TABLE_SLICE_CELLS:
            self._emit_rows(table)

    def _emit_rows(self, table: _Table) -> None:
        rows, table.rows, table.cells = table.rows, [], 0
        if rows and table.first is not None and rows[0] is not table.first:
            rows.insert(0, table.first)
        if rows:
            self.out.append(Table(self.where, rows, table.title))

    def _end_table(self) -> None:
        table = self.tables[-1]
        self._end_row(table)
        self._emit_rows(table)
        self.tables.pop()
        if not self.tables:
            self.continued, self.between = table.title, 0
            self.continued_header = table.first


# ---------------------------------------------------------------------------------------------
# Fields

_MARK_CHARS = 4096  # of a bookmark's text kept for the fields that refer to it
_OPEN_MARKS = 256
_NESTED_FIELDS = 32
_FIELD_TOKEN = re.compile(r'"([^"]*)"?|(\\\S)|([^\s"\\]+)')


@dataclass
class _Field:
    instruction: list[str]
    dirty: bool  # Word computes it anew on opening
    paragraph: _Paragraph | None = None  # where its result starts (None: in its instruction)
    start: int = 0  # in the paragraph's shown pieces


@dataclass(frozen=True)
class _Fields:
    """What fields are computed from: whether the document asks Word to update them on
    opening (``w:updateFields`` in settings), and the document's properties by name."""

    update: bool = False
    properties: dict[str, str] = field(default_factory=dict)


def _on_attribute(attributes: dict[str, str], name: str) -> bool:
    return attributes.get(name, "false").lower() in ("1", "true", "on")


def _update_fields(archive: zipfile.ZipFile, main: str, names: set[str]) -> bool:
    """Whether the settings ask Word to update the fields when it opens the document."""
    folder = str(PurePosixPath(main).parent)
    settings = _related(archive, main, "/settings", names) or f"{folder}/settings.xml"
    return any(
        event == "start" and tag == "updateFields" and _on(attributes)
        for event, tag, attributes, _ in _small_part(archive, settings, names)
    )


# Field names that show a property, by the property's name in docProps.
_PROPERTY_FIELDS = {
    "AUTHOR": "creator",
    "TITLE": "title",
    "SUBJECT": "subject",
    "KEYWORDS": "keywords",
    "COMMENTS": "description",
    "LASTSAVEDBY": "lastmodifiedby",
}
_PROPERTY_NAMES = {
    "author": "creator",
    "comments": "description",
    "last saved by": "lastmodifiedby",
}


def _field_properties(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """The document's properties (core, extended, custom), by lower-case name."""
    found: dict[str, str] = {}
    for part in ("docProps/core.xml", "docProps/app.xml"):
        for event, tag, _, text in _small_part(archive, part, names):
            if event == "end" and text.strip():
                found.setdefault(tag.lower(), text)
    custom = ""
    for event, tag, attributes, text in _small_part(archive, "docProps/custom.xml", names):
        if event == "start" and tag == "property":
            custom = attributes.get("name", "").lower()
        elif event == "end" and tag != "property" and custom:
            found.setdefault(custom, text)
    return found


# Fields that show no text of the document's own when computed: numbers, dates, a page,
# the text of their own instruction (read with the part's field codes: an ADDIN's citation
# data), a paragraph's text the document already shows (STYLEREF), a picture
# (INCLUDEPICTURE), what the result already says (a hyperlink's or a form field's), or what
# the person opening it types.
_NO_TEXT_FIELDS = frozenset(
    """STYLEREF ADDIN INCLUDEPICTURE
    PAGE NUMPAGES SECTIONPAGES SECTION DATE TIME CREATEDATE SAVEDATE PRINTDATE EDITTIME
    NUMWORDS NUMCHARS REVNUM SEQ PAGEREF NOTEREF TOC TOA INDEX XE TC TA RD HYPERLINK
    MERGEFIELD MERGEREC MERGESEQ NEXT NEXTIF SKIPIF FORMTEXT FORMCHECKBOX FORMDROPDOWN LISTNUM
    AUTONUM AUTONUMLGL AUTONUMOUT BIDIOUTLINE GOTOBUTTON MACROBUTTON ADVANCE EQ PRIVATE SET
    USERNAME USERINITIALS USERADDRESS FILENAME FILESIZE TEMPLATE ASK FILLIN""".split()  # noqa: SIM905
)


def _field_words(instruction: str) -> list[tuple[str, bool]]:
    """The instruction's words: (text, quoted), a switch as ``\\x``."""
    return [
        (match[1], True) if match[1] is not None else (match[2] or match[3], False)
        for match in islice(_FIELD_TOKEN.finditer(instruction), 256)
    ]


def _may_show_text(instruction: str) -> bool:
    words = _field_words(instruction)
    if not words:
        return False
    name = words[0][0].upper()
    return name.startswith("=") or name not in _NO_TEXT_FIELDS


def _field_value(
    instruction: str, properties: dict[str, str], bookmarks: dict[str, str]
) -> str | None:
    """What Word shows for the field, where this reader can tell: SYMBOL's character,
    QUOTE's text, an ``=`` formula of numbers through its picture (``\\# "'A'000000000"``), a
    property (DOCPROPERTY, AUTHOR, TITLE...), a bookmark's text (REF, or its bare name) with
    a case switch (``\\* Upper``); else None."""
    stripped = instruction.strip()
    if stripped.startswith("="):
        return _formula_field(stripped[1:])
    words = _field_words(stripped)
    if not words:
        return None
    name = words[0][0].upper()
    # The arguments come before the switches (whose values are not arguments).
    args = [text for text, _ in takewhile(lambda w: w[1] or not w[0].startswith("\\"), words[1:])]
    value: str | None = None
    if name == "SYMBOL" and args:
        return _symbol_field(args[0], {text for text, _ in words[1:]})
    if name == "QUOTE":
        value = " ".join(args)
    elif name == "DOCPROPERTY" and args:
        key = args[0].lower()
        value = properties.get(_PROPERTY_NAMES.get(key, key))
    elif name == "INFO" and args:
        key = args[0].upper()
        value = properties.get(_PROPERTY_FIELDS.get(key, key.lower()))
    elif name in _PROPERTY_FIELDS:
        value = properties.get(_PROPERTY_FIELDS[name], "")
    elif name == "REF" and args:
        value = bookmarks.get(args[0].lower())
    elif name.lower() in bookmarks and name not in _NO_TEXT_FIELDS:
        value = bookmarks[name.lower()]
    if value is None:
        return None
    return _case_switch(value, words)


def _case_switch(value: str, words: list[tuple[str, bool]]) -> str:
    for (switch, _), (format_, _) in pairwise(words):
        if switch == "\\*":
            mode = format_.upper()
            if mode == "UPPER":
                value = value.upper()
            elif mode == "LOWER":
                value = value.lower()
            elif mode == "CAPS":
                value = value.title()
            elif mode == "FIRSTCAP":
                value = value[:1].upper() + value[1:]
    return value


def _symbol_field(code: str, switches: set[str]) -> str | None:
    """SYMBOL's character: its code decimal or hex (``0x4D``), Unicode with ``\\u``,
    Shift-JIS with ``\\j``, else the ANSI code page. Whatever font ``\\f`` names, the
    character is read as the letter of its code: a symbol font draws another glyph for it,
    and reading the letter is the safe side."""
    try:
        number = int(code, 16) if code.lower().startswith("0x") else int(code)
    except ValueError:
        return None
    if 0xF000 <= number <= 0xF0FF:  # a symbol font's private-use codes
        number -= 0xF000
    if "\\u" in switches or number < 0x80:
        return chr(number) if 0 < number <= 0x10FFFF else None
    if "\\j" in switches and 0x100 <= number <= 0xFFFF:
        return number.to_bytes(2, "big").decode("cp932", "replace")
    if number <= 0xFF:
        return bytes([number]).decode("cp1252", "replace")
    return chr(number) if number <= 0x10FFFF else None


_FORMULA_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d*)?|\.\d+)|([-+*/^()%]))")


def _formula_field(text: str) -> str | None:
    """An ``=`` field of numbers and arithmetic, through its numeric picture (``\\#``)."""
    expression, _, switches = text.partition("\\")
    tokens: list[str] = []
    at = 0
    while at < len(expression.rstrip()):
        match = _FORMULA_TOKEN.match(expression, at)
        if match is None or len(tokens) > 256:
            return None
        tokens.append(match.group(0).strip())
        at = match.end()
    number = _arithmetic(tokens)
    if number is None:
        return None
    picture = None
    if switches.startswith("#"):
        words = _field_words("\\" + switches)
        picture = words[1][0] if len(words) > 1 else None
    return _picture(number, picture)


def _arithmetic(tokens: list[str]) -> float | None:
    """The value of ``tokens`` (numbers, + - * / ^ %, parentheses), or None."""
    at = 0

    def peek() -> str:
        return tokens[at] if at < len(tokens) else ""

    def take() -> str:
        nonlocal at
        at += 1
        return tokens[at - 1]

    def atom() -> float:
        piece = take() if at < len(tokens) else ""
        if piece == "(":
            value = sum_()
            if take() != ")":
                raise ValueError
        elif piece in ("-", "+"):
            value = -atom() if piece == "-" else atom()
        else:
            value = float(piece)
        while peek() == "%":
            take()
            value /= 100
        return value

    def power() -> float:
        value = atom()
        while peek() == "^":
            take()
            value = value ** atom()
        return value

    def product() -> float:
        value = power()
        while peek() in ("*", "/"):
            value = value * power() if take() == "*" else value / power()
        return value

    def sum_() -> float:
        value = product()
        while peek() in ("+", "-"):
            value = value + product() if take() == "+" else value - product()
        return value

    try:
        value = sum_()
    except (ValueError, IndexError, ZeroDivisionError, OverflowError, RecursionError):
        return None
    if at != len(tokens) or value != value or abs(value) > 1e15:
        return None
    return value


def _picture(number: float, picture: str | None) -> str:
    """``number`` through a Word numeric picture: ``0`` a digit, ``#`` a digit or a space,
    ``x`` a digit (those left of it dropped), ``.`` the decimal point, ``'text'`` literal
    text; sections for positive;negative;zero. Without one, the number as Word shows it."""
    if not picture:
        return str(int(number)) if float(number).is_integer() else f"{number:g}"
    sections = re.split(r";(?=(?:[^']*'[^']*')*[^']*$)", picture)
    section = sections[0]
    if number < 0 and len(sections) > 1:
        section, number = sections[1], -number
    elif number == 0 and len(sections) > 2:
        section = sections[2]
    pieces = re.findall(r"'[^']*'?|.", section)
    point = next((i for i, p in enumerate(pieces) if p == "."), len(pieces))
    decimals = sum(1 for p in pieces[point:] if p in ("0", "#", "x"))
    whole, _, fraction = f"{abs(number):.{decimals}f}".partition(".")
    sign = "-" if number < 0 else ""
    out = [p[1:].rstrip("'") if p.startswith("'") else p for p in pieces]
    slots = [i for i in range(point) if pieces[i] in ("0", "#", "x")]
    rest = place_digits(
        out, slots, whole.lstrip("0"), lambda slot: "0" if pieces[slot] == "0" else " "
    )
    if rest and slots and "x" not in pieces[: slots[0] + 1]:  # "x" drops the digits left of it
        out[slots[0]] = rest + out[slots[0]]
    for slot, digit in zip(
        (i for i in range(point + 1, len(pieces)) if pieces[i] in ("0", "#", "x")),
        fraction,
        strict=False,
    ):
        out[slot] = digit
    out = [piece for piece in out if piece != ","]
    return sign + "".join(out)


def _local(tag: str) -> str:
    """A tag without its namespace: transitional and strict OOXML use different ones."""
    return tag.rpartition("}")[2]


def _symbol(code: str) -> str:
    """The character of a ``w:sym``: its code in hex; a symbol font's private-use codes
    (U+F020-U+F0FF) stand for the font's single-byte codes, which in a text font such as
    Arial are the plain letters."""
    try:
        number = int(code, 16)
    except ValueError:
        return ""
    if 0xF000 <= number <= 0xF0FF:
        number -= 0xF000
    return chr(number) if 0 < number <= 0x10FFFF else ""


def _span(value: str | None) -> int:
    return min(max(int(value), 1), 64) if value and value.isdigit() else 1


def _collapse(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


READER = _DocxReader()
