"""What the Office Open XML (xlsx, docx, pptx) and OpenDocument (ods) readers share: knowing a
package from its bytes, and accounting for every member of it.

Which reader reads a ZIP (the design). A package reader accepts a ZIP when its members say it
is its kind (``xl/workbook.xml``, ``word/document.xml``, ``ppt/presentation.xml``, an ODF
spreadsheet's stored ``mimetype``), from the central directory's names (``Probe.members``, or
the names this module parses out of the probe's head and tail), never from the file's name.
The plain ZIP reader accepts every ZIP, packages included; each package reader declares that it
subsumes it (``subsumes = {"zip"}``), so that when a package reader accepts the bytes the
scanner reads them with it and not as a plain archive. That is sound only because every
package reader ends with ``account``: one ``Part`` for every member of the archive, read
specifically, read as text, read as a file of its own (``Nested``, exactly as the ZIP reader
would), or named unread with a reason. So a member no code knows (a ``people.csv`` dropped
into a workbook) is read by what its bytes are, never skipped; a ZIP that no package reader
accepts (an OpenDocument text, a package without its main part) is read member by member by
the ZIP reader; a ZIP that two package readers accept is read by both.

``account`` turns each member the reader did not read itself into units:

- an XML part, whatever its name (drawings and text boxes, charts and their caches,
  customXml, docProps core/app/custom, comments, styles, relationships, SmartArt data,
  glossaries...), is read by a generic fallback: every text node and every attribute value,
  streamed through expat, as ``Text`` units located at the part (``read="text"``). New places
  in a format fail safe without new code. A part the reader read in part (a Word document's
  runs, a slide's text bodies, an ODS content.xml's cells) is read by the fallback for the
  rest: image alternative text, tooltips, field codes, formulas. A "XML" part that is not
  well-formed (an HTML chunk) is read as a file of its own;
- a picture (PNG, JPEG, GIF, BMP, TIFF, WebP, EMF, WMF, ICO, by magic bytes, ending where its
  format ends) or a font (TrueType, OpenType, WOFF, Word's obfuscated fonts, or a binary part
  the package declares a font) is an ``unread`` part that does not block: the lead's decision,
  because blocking every logo would make the gate unusable (a picture on its own, as a
  top-level file, is still unscannable);
- Windows printer settings (a DEVMODE structure, known by its self-described size, or a binary
  part the package declares printer settings) are read as text: their printable strings;
- a VBA project (macros) is ``unread`` and blocks: code is not data we can read;
- anything else (an embedded workbook, CSV, OLE object, nested ZIP) is ``Nested``: the scanner
  reads it by its own content, and a member no reader can read makes the file unscannable;
- the archive's and the members' ZIP comments are read as text.

What a package declares (``[Content_Types].xml``) is believed only for bytes that are neither
text nor a container: a CSV declared a font is still read.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from typing import IO
from xml.parsers import expat

from approval.detect.readers._members import (
    HEAD,
    MAX_IMAGE,
    OLE_MAGIC,
    PICTURE_REASON,
    VBA_PROJECT,
    ends_as_image,
    image_text,
    is_binary_blob,
    is_devmode,
    is_font,
    is_image,
    is_xml,
    strings,
)
from approval.detect.readers._spreadsheet import ZIP_ERRORS
from approval.detect.readers.zip import child_part, comments, member_opener
from approval.detect.units import (
    AS_TEXT,
    PARSED,
    UNREAD,
    Limits,
    Nested,
    Part,
    Probe,
    ReadHow,
    Source,
    Text,
    Unit,
    Unscannable,
    Where,
)

ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"

# Package kinds, by the member that makes a ZIP one (OPC part names are case-insensitive).
XLSX, DOCX, PPTX, ODS = "xlsx", "docx", "pptx", "ods"
_MAIN_PARTS = {
    XLSX: ("xl/workbook.xml", "xl/workbook.bin"),
    DOCX: ("word/document.xml",),
    PPTX: ("ppt/presentation.xml",),
}


# ---------------------------------------------------------------------------------------------
# Knowing a package from its bytes


def zip_members(probe: Probe) -> frozenset[str] | None:
    """The ZIP's member names: the probe's when the scanner gave them, else those found in its
    head (local headers) and tail (the central directory); None when it is not a ZIP."""
    if probe.members is not None:
        return probe.members
    if not probe.head.startswith((ZIP_MAGIC, b"PK\x05\x06")):
        return None
    names: set[str] = set()
    _names_at(probe.head, b"PK\x03\x04", 26, 30, names)
    _names_at(probe.tail, b"PK\x01\x02", 28, 46, names)
    if probe.size <= len(probe.head):
        _names_at(probe.head, b"PK\x01\x02", 28, 46, names)
    return frozenset(names)


def _names_at(data: bytes, signature: bytes, length_at: int, name_at: int, out: set[str]) -> None:
    at = data.find(signature)
    while at >= 0 and at + name_at <= len(data):
        length = int.from_bytes(data[at + length_at : at + length_at + 2], "little")
        raw = data[at + name_at : at + name_at + length]
        if len(raw) == length:
            out.add(raw.decode("utf-8", "replace"))
        at = data.find(signature, at + 4)


def package_kinds(probe: Probe) -> frozenset[str]:
    """Which package readers read these bytes (none for a plain ZIP or anything else).

    Without a central directory (a truncated or damaged file), the members whose local
    headers are in the head decide: ``xl/...`` is a workbook that the xlsx reader will call
    corrupt, which is more use to a person than "unsupported format"."""
    members = zip_members(probe)
    if members is None:
        return frozenset()
    lower = {name.lower() for name in members}
    kinds = {kind for kind, mains in _MAIN_PARTS.items() if any(m in lower for m in mains)}
    if not kinds and probe.members is None and b"PK\x05\x06" not in probe.tail:
        folders = {name.split("/", 1)[0] for name in lower}
        kinds = {kind for kind, mains in _MAIN_PARTS.items() if mains[0].split("/")[0] in folders}
    # ODF: "mimetype" first and stored, so its content is in the head (ODF 1.2 part 3, 3.3).
    if "mimetype" in members and ODS_MIME in probe.head[:256]:
        kinds.add(ODS)
    return frozenset(kinds)


def is_encrypted_package(probe: Probe) -> bool:
    """An OOXML file saved with a password: an OLE2 file holding an ``EncryptedPackage``."""
    return probe.head.startswith(OLE_MAGIC) and (
        _ENCRYPTED_PACKAGE in probe.head or _ENCRYPTED_PACKAGE in probe.tail
    )


# ---------------------------------------------------------------------------------------------
# Accounting for every member


def check_unique(archive: zipfile.ZipFile) -> None:
    """One part per name (OPC): a second member of the same name would hide from the code
    that reads the first by name."""
    names = archive.namelist()
    if len(set(names)) < len(names):
        raise Unscannable("corrupt: two parts of the package share a name")


def account(
    source: Source,
    archive: zipfile.ZipFile,
    limits: Limits,
    parsed: Mapping[str, str],
    partly: Mapping[str, tuple[frozenset[str], frozenset[str]]] | None = None,
) -> Iterator[Unit]:
    """A ``Part`` for every member of ``archive``, and the units of those the reader did not
    read itself. ``parsed`` maps the members the reader read to their kind; ``partly`` maps
    XML members the reader read in part to the elements it read (``xml_text``'s ``skip``)
    and the attributes of those it did not (``keep``): the fallback reads the rest."""
    declared = content_types(archive)
    for index, info in enumerate(archive.infolist()):
        name = info.filename
        if name in parsed:
            yield Part(name, parsed[name], info.file_size, PARSED)
            continue
        if partly and name in partly:
            skip, keep = partly[name]
            try:
                yield from xml_part(archive, info, part_kind(name), skip, keep, PARSED)
            except Malformed:
                yield from _nested(source, limits, index, info)
            continue
        if name.endswith("/") and info.file_size == 0:
            yield Part(name, "folder", 0, PARSED, "an empty folder entry")
            continue
        yield from _member(source, archive, limits, index, info, declared(name))
    yield from comments(archive.infolist(), archive.comment)


def _member(
    source: Source,
    archive: zipfile.ZipFile,
    limits: Limits,
    index: int,
    info: zipfile.ZipInfo,
    declared: str,
) -> Iterator[Unit]:
    """One member no code read: as XML text, a picture, a font, printer settings, macros, or
    a file of its own. ``declared`` is its content type in ``[Content_Types].xml``."""
    name, size = info.filename, info.file_size
    try:
        with archive.open(info) as stream:
            head = stream.read(HEAD)
            if is_xml(head):
                stream.close()
                try:
                    yield from xml_part(archive, info, part_kind(name))
                    return
                except Malformed:
                    # Not XML after all (an HTML chunk, a text file that starts with "<"):
                    # read as what its bytes are, below.
                    pass
            elif is_image(head) and size <= MAX_IMAGE:
                data = head + stream.read()
                if ends_as_image(data):
                    yield from picture(name, size, data)
                    return
            elif is_font(head, size) or ("font" in declared.lower() and is_binary_blob(head)):
                yield Part(name, "font", size, UNREAD, "font: glyphs are not read", False)
                return
            elif head.startswith(OLE_MAGIC) and size <= 64 << 20:
                if VBA_PROJECT in head + stream.read():
                    yield Part(name, "macros", size, UNREAD, "macros: a VBA project is not read")
                    return
            elif size <= 1 << 20 and (
                is_devmode(head, size)
                or ("printersettings" in declared.lower() and is_binary_blob(head))
            ):
                lines = strings(head + stream.read())
                yield Part(name, "printer settings", size, AS_TEXT)
                if lines:
                    yield Text(Where(part=name, hidden=True), lines, "")
                return
    except ZIP_ERRORS as exc:
        raise Unscannable("corrupt: a package part cannot be expanded") from exc
    except RuntimeError as exc:  # zipfile's "password required"
        raise Unscannable("encrypted") from exc
    yield from _nested(source, limits, index, info)


def picture(name: str, size: int, data: bytes) -> Iterator[Unit]:
    """A picture: its pixels unread (not blocking), the text it carries read."""
    yield Part(name, "image", size, UNREAD, PICTURE_REASON, False)
    lines = image_text(data)
    if lines:
        yield Text(Where(part=name, hidden=True), lines, "")


def content_types(archive: zipfile.ZipFile) -> Callable[[str], str]:
    """The content type ``[Content_Types].xml`` declares for a member (OPC), "" when none."""
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    info = next((i for i in archive.infolist() if i.filename == "[Content_Types].xml"), None)
    if info is not None and info.file_size <= 4 << 20:

        def start(tag: str, attributes: dict[str, str]) -> None:
            kind = attributes.get("ContentType", "")
            if tag.endswith("Default"):
                defaults[attributes.get("Extension", "").lower()] = kind
            elif tag.endswith("Override"):
                overrides[attributes.get("PartName", "").lower()] = kind

        parser = safe_parser(_refuse)
        parser.StartElementHandler = start
        try:
            parser.Parse(archive.read(info), True)
        except (expat.ExpatError, Malformed, *ZIP_ERRORS):
            defaults.clear()
            overrides.clear()

    def declared(name: str) -> str:
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        return overrides.get("/" + name.lower()) or defaults.get(extension, "")

    return declared


def _refuse(*_: object) -> None:
    raise Malformed


def safe_parser(refuse: Callable[..., None], *, doctype: bool = False) -> expat.XMLParserType:
    """An expat parser (names split at ``}``) that never expands a declared entity: every
    entity declaration, and any DTD unless ``doctype``, calls ``refuse``, which raises. How
    every reader of XML in packages sets one up (expat refuses a "billion laughs"; these
    refuse the declarations that start one, and an external entity is never fetched)."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.EntityDeclHandler = parser.UnparsedEntityDeclHandler = refuse
    if not doctype:
        parser.StartDoctypeDeclHandler = refuse
    return parser


def _nested(source: Source, limits: Limits, index: int, info: zipfile.ZipInfo) -> Iterator[Unit]:
    name, size = info.filename, info.file_size
    yield Part(name, "embedded", size, PARSED, "read as a file of its own")
    yield Nested(
        source=Source(
            name=name,
            open=member_opener(source, index, limits),
            size=size,
            depth=source.depth + 1,
            part=child_part(source, name),
        ),
        where=Where(part=name),
    )


_KINDS = (
    (re.compile(r"(?i)(?:^|/)_rels/|\.rels$"), "relationships"),
    (re.compile(r"(?i)/slides/"), "slide"),
    (re.compile(r"(?i)/notesSlides/"), "notes"),
    (re.compile(r"(?i)/worksheets/"), "sheet"),
    (re.compile(r"(?i)^content\.xml$|/document\d*\.xml$"), "document"),
    (re.compile(r"(?i)^\[content_types\]\.xml$"), "content types"),
    (re.compile(r"(?i)^docprops/"), "properties"),
    (re.compile(r"(?i)^customxml/"), "custom XML"),
    (re.compile(r"(?i)/drawings?/|/diagrams/"), "drawing"),
    (re.compile(r"(?i)/charts?/"), "chart"),
    (re.compile(r"(?i)comment|/notes"), "comments"),
    (re.compile(r"(?i)header|footer"), "header or footer"),
    (re.compile(r"(?i)/theme/"), "theme"),
    (re.compile(r"(?i)styles"), "styles"),
    (re.compile(r"(?i)meta\.xml$|manifest\.xml$|settings\.xml$"), "properties"),
)


def part_kind(name: str) -> str:
    """What a part is, from where the package keeps it (for coverage only)."""
    return next((kind for pattern, kind in _KINDS if pattern.search(name)), "xml")


# ---------------------------------------------------------------------------------------------
# The generic fallback: the text of any XML part


TEXT_SLICE_LINES = 2_000
_CHUNK = 64 * 1024
_MAX_LINE = 64 * 1024  # a longer text node is cut into lines this long (memory stays flat)
# Elements that run inside a paragraph (OOXML runs, ODF spans): their text joins the line.
_INLINE = frozenset(
    {
        "r", "t", "rPr", "tab", "br", "sym", "hyperlink", "ins", "smartTag", "fldSimple",
        "proofErr", "bookmarkStart", "bookmarkEnd", "lastRenderedPageBreak", "softHyphen",
        "noBreakHyphen", "rt", "ruby", "rubyBase", "span", "s", "a", "line-break",
        "soft-page-break", "bookmark", "fld", "endParaRPr", "instrText", "fldChar",
    }
)  # fmt: skip
# Elements whose whole subtree runs inside the paragraph, whatever its elements are called: a
# run's formatting (``a:rPr`` holds ``a:solidFill``, ``a:latin``, ``a:hlinkClick``; ``w:rPr``
# holds ``w:b``, ``w:color``) must not cut the line a value split across runs is read from.
_RUNS = frozenset({"r", "rPr", "endParaRPr", "fld", "fldSimple", "hyperlink", "smartTag"})
# Attribute values that cannot carry a person's data: short numbers, relationship ids, the
# schema URIs every part repeats. Everything else is read.
NOISE = re.compile(r"[-+]?\d{0,6}(?:\.\d+)?%?|rId\d+|https?://(?:schemas|purl)\.\S*|urn:\S*|\W*")


def xml_part(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    kind: str,
    skip: frozenset[str] = frozenset(),
    keep: frozenset[str] = frozenset(),
    how: ReadHow = AS_TEXT,
) -> Iterator[Unit]:
    """The part's coverage and its text (``read="text"``, or ``how``); ``Malformed`` when it
    is not well-formed XML (after the text read so far). ``skip`` and ``keep`` are
    ``xml_text``'s."""
    name = info.filename
    hidden = kind not in ("drawing", "chart", "comments", "header or footer")
    try:
        with archive.open(info) as stream:
            for lines in xml_text(stream, skip, keep):
                yield Text(Where(part=name, hidden=hidden), lines, "")
    except ZIP_ERRORS as exc:
        raise Unscannable("corrupt: a package part cannot be expanded") from exc
    yield Part(name, kind, info.file_size, how)


class Malformed(Exception):
    """An XML part that is not well-formed, or that declares a DTD or an entity."""


def xml_text(
    stream: IO[bytes],
    skip: frozenset[str] = frozenset(),
    keep: frozenset[str] = frozenset(),
) -> Iterator[list[str]]:
    """Every text node and attribute value of an XML document, streamed, in slices of lines.

    Text inside a paragraph's runs (formatting and all) joins one line; every other element ends
    a line. Attribute values come as lines of their own. A DTD or entity declaration is refused
    (OOXML and ODF have no use for them; they are how XML bombs start), as is anything not
    well-formed.

    Elements named in ``skip`` (local names) are read by the caller: their subtree is left
    out, but for the attributes named in ``keep``."""
    parser = safe_parser(_refuse)
    lines: list[str] = []
    current: list[str] = []
    size = [0]
    skipping = [0]
    running = [0]  # depth inside a run (``_RUNS``): everything there is inline

    def flush() -> None:
        text = " ".join("".join(current).split())
        current.clear()
        size[0] = 0
        if text:
            lines.append(text)

    def start(name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition("}")[2]
        if skipping[0] or local in skip:
            skipping[0] += 1
            for key, value in attributes.items():
                if key.rpartition("}")[2] in keep and not NOISE.fullmatch(value):
                    lines.append(" ".join(value.split())[:_MAX_LINE])
            return
        if running[0] or local in _RUNS:
            running[0] += 1
        elif local not in _INLINE:
            flush()
        for value in attributes.values():
            if not NOISE.fullmatch(value):
                lines.append(" ".join(value.split())[:_MAX_LINE])

    def end(name: str) -> None:
        if skipping[0]:
            skipping[0] -= 1
        elif running[0]:
            running[0] -= 1
        elif name.rpartition("}")[2] not in _INLINE:
            flush()

    def data(text: str) -> None:
        if skipping[0]:
            return
        current.append(text)
        size[0] += len(text)
        if size[0] > _MAX_LINE:
            flush()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    try:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            parser.Parse(chunk, False)
            if len(lines) >= TEXT_SLICE_LINES:
                yield lines
                lines = []
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise Malformed from exc
    flush()
    if lines:
        yield lines
