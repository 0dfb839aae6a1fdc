"""PDF: the text layer page by page, and every other place a PDF carries text, with pypdf.

What a viewer shows or a program recovers, each read and named as a ``Part``:

- each page's text is one ``Text`` unit (``page 3``), titled by the document's title;
- each page's text as shown (``page 3 as shown``, ``readers._pdfshow``), from the same parse:
  the strings drawn, ordered by line and along each line as a person reads them, invisible
  ones (render mode 3 or 7, no size, no width, no opacity, the colour of what lies under
  them) leaving their room but no text; read where it says what the stream's order does not
  (words or glyphs drawn right to left, filler hidden inside a value): both readings are
  read, and the worst verdict stands;
- each page's annotations (comments, sticky notes, pop-ups, links' URIs and their query strings,
  rich text) are hidden ``Text`` (``page 3 annotations``);
- the document information dictionary (``/Info``: author, subject, keywords, any custom key);
- bookmarks (the outline), as a list of their titles;
- filled-in form fields (an I-589 is a PDF form): one record of field name to value;
- every other object of the file, swept: its strings (tooltips, options, default values,
  structure-tree alternate text, named destinations, page labels, private keys) are read as
  text, and so are unusual names; its streams are read by what they are: XMP metadata and XFA
  forms as the text of their XML, JavaScript as its string literals and comments, appearance
  streams, patterns and content no page uses any more as the strings they draw, attached files
  (the EmbeddedFiles name tree, FileAttachment annotations, any ``/EF``) as ``Nested`` sources
  the scanner reads by their own content; fonts, pictures, colour profiles and shading data
  are counted, not read (they carry no text a person reads as such; a JPEG's comments and Exif
  are read), and any other stream is a ``Nested`` source read by its content (a CSV hidden in
  a private stream is read as CSV; bytes no reader knows block). A stream is read in every
  role the file gives it (the keys that refer to it, its own dictionary), and a claim that it
  is a picture, a font, graphics data or the parser's own structure is believed only when its
  bytes bear it out (``readers._pdfkinds``): else it is read by its content;
- earlier revisions: an incremental update (a "redaction" saved over the original) leaves the
  original in the file, and any tool opens the file as it was: each earlier revision's pages
  are read for the lines the current one no longer has (``revision 1 page 2``).

Bytes no object holds: what follows the last ``%%EOF`` (beyond white space), and what lies
between the objects, tables and trailers other than white space (``readers._pdfspan``; a
comment is read too), are read as files of their own: text there is read, binary data blocks.
A file without ``%%EOF`` blocks (where it ends is unknown).

Fails closed: a PDF that does not open with the empty password is ``encrypted``; a PDF whose
pages are all pictures and no text is scanned paper the scanner cannot read: ``no text layer
(image-only PDF)``. A picture page among text pages is scanned paper too (a scanned list slipped
into a report is how such lists travel): an unread part that blocks, ``scanned page: no text
layer``, unlike a picture beside text, which is named and does not block. A text page is scanned
paper as well when pictures cover it nearly whole (``SCAN_COVER``) with little text on it (a
Bates number, a page number, a thin OCR layer: ``SCAN_TEXT``), or mostly (``FIGURE_COVER``) with
hardly a caption (``FIGURE_TEXT``): ``scanned page: pictures cover 83% of it ...`` (an OCR layer
counts as text: it is not checked against the picture). Text in a font whose glyphs map to no
Unicode (a Type 3 font with private glyph names, a composite font of glyph ids, codes that
decode to control characters, all without ``ToUnicode``) is shown by a viewer and read by no
one: an unread part that blocks (``page 3 glyphs``). A page with neither text nor images is
blank and passes. A page whose text cannot be extracted or whose content does not decode (pypdf
yields nothing for it, quietly), or an object that cannot be parsed, is an unread part that
blocks. Decompression is bounded by pypdf's own limits (75 MB per stream), reported as ``too
large``, and the streams swept by ``Limits.max_expanded_bytes``; the objects swept by
``MAX_OBJECTS``, the files attached by ``Limits.max_entries``, the revisions by
``MAX_REVISIONS``. Every scan of content written here is linear in its input.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from approval.detect.readers._carriers import markup_lines, nested, script_lines, url_lines
from approval.detect.readers._members import image_text
from approval.detect.readers._pdfkinds import (
    is_content,
    is_glyph_data,
    is_graphics,
    is_opaque,
    is_picture,
    is_xref,
    stored_picture,
)
from approval.detect.readers._pdfshow import MISREAD_REASON
from approval.detect.readers._pdfshow import Page as _Shown
from approval.detect.readers._pdfspan import gaps
from approval.detect.readers._ranges import as_files
from approval.detect.units import (
    AS_TEXT,
    PARSED,
    UNREAD,
    Cell,
    Limits,
    Part,
    Probe,
    Records,
    Source,
    Text,
    Unit,
    Unscannable,
    Where,
)

_SALVAGE_BYTES = 64 * 1024**2  # decoded from a damaged stream, at most
# A page that pictures cover this much (of its area) and with fewer characters of text than
# this is scanned paper: nearly all of it a picture, a stamp or an OCR layer too thin to
# stand for the page; or mostly pictures and hardly a caption. A chart in a report, within
# the page's margins (63% of a letter page inside one-inch margins), keeps its caption.
SCAN_COVER, SCAN_TEXT = 0.75, 400
FIGURE_COVER, FIGURE_TEXT = 0.5, 40
MAX_REVISIONS = 32  # earlier revisions read (incremental updates)
_TAIL_CHUNK = 1024 * 1024
_WHITE = b"\0\t\n\f\r "  # PDF's white space: what may follow the last %%EOF
MAX_OBJECTS = 2_000_000  # objects swept in one file; more is unscannable
_SLICE_LINES = 2_000
_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")
# Streams by the key that refers to them (anywhere on the path from the referring object).
_ROLE_BY_KEY = {
    "/EF": "embedded",
    "/JS": "script",
    "/XFA": "xfa",
    "/Metadata": "xmp",
    "/FontFile": "font",
    "/FontFile2": "font",
    "/FontFile3": "font",
    "/CIDSet": "opaque",
    "/CIDToGIDMap": "opaque",
    "/ToUnicode": "font",
    "/CharProcs": "form",
    "/AP": "form",
    "/Thumb": "image",
    "/JBIG2Globals": "opaque",
    "/SMask": "image",
    "/Mask": "image",
    "/ColorSpace": "graphics",
    "/Function": "graphics",
    "/Functions": "graphics",
    "/Shading": "graphics",
    "/TR": "graphics",
    "/TR2": "graphics",
    "/HT": "graphics",
    "/OutputIntents": "graphics",
}
# What is counted and not read, and why it may pass.
_UNREAD_KINDS = {
    "image": "image: pictures are not read",
    "font": "font: glyph programs and encodings, no text of the document",
    "graphics": "graphics: colour profiles, functions and shading data, no text",
    "opaque": "binary tables of pictures and fonts (JBIG2 globals, CID sets and maps), no text",
}
# The roles a stream is read in, the attached file and a file of its own first.
_READ_ORDER = ("embedded", "stream", "xmp", "xfa", "script", "form")
# Strings that are binary by design: keys, hashes, signatures.
_BINARY_KEYS = frozenset({"/ID", "/O", "/U", "/OE", "/UE", "/Perms", "/ByteRange", "/Cert"})
_LONG_DIGITS = re.compile(r"\d{6}")
_NAME_ESCAPE = re.compile(r"#([0-9A-Fa-f]{2})")
# Marked-content properties whose strings stand in for what is drawn (ISO 32000-1, 14.9).
_MARKED = re.compile(rb"/(?:ActualText|Alt|E)\b")
_STRING_START = re.compile(rb"<<|[(<]|\bET\b")
_LITERAL_TOKEN = re.compile(rb"\\[\s\S]?|[()]|[^\\()]+")
_HEX = re.compile(rb"[0-9A-Fa-f]+")
_PDF_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"", b"f": b""}


class _PdfReader:
    name = "pdf"

    def accepts(self, probe: Probe) -> bool:
        # Viewers look for the header in the first KiB, after junk; a polyglot hides it further.
        # An object in the head or the tail says it is a PDF and not a note that names one.
        if b"%PDF-" in probe.head[:1024]:
            return True
        if b"%PDF-" not in probe.head:
            return False
        return bool(_OBJECT.search(probe.head) or _OBJECT.search(probe.tail))

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        import logging  # with pypdf, on use: start-up stays fast

        from pypdf import PdfReader

        # pypdf logs what it recovers from in a broken file; the verdict says what matters,
        # and the user's terminal is no place for a parser's diary.
        logging.getLogger("pypdf").setLevel(logging.ERROR)

        with source.open() as stream:
            reader = _guard(PdfReader, stream, strict=False)
            _unlock(reader)
            pages = _guard(lambda: len(reader.pages))
            if not pages:
                raise Unscannable("corrupt: a PDF with no pages")
            document = _Document(reader, source, limits, _guard(_title, reader))
            document.layers = _layers_off(reader)
            yield from document.pages(pages)
            yield from document.info()
            yield from document.bookmarks()
            yield from document.fields()
            yield from document.sweep()
            yield from document.revisions(stream)
            stream.seek(0)
            embedded = not stream.read(5).startswith(b"%PDF-") and _held_by_another(source)
            end = None if embedded else _document_end(stream, source.size)
            between = [] if end is None else _guard(gaps, stream, end, reader)
        if end is None and not embedded:
            yield Part("end", "trailer", 0, UNREAD, "no %%EOF: where the document ends is unknown")
        yield from as_files(source, between, "between the PDF's objects")
        if end is not None and end < source.size:
            yield from as_files(source, [(end, source.size)], "after the end of the PDF")
        document.check_text_layer()


@dataclass
class _Document:
    reader: Any
    source: Source
    limits: Limits
    title: str
    said: set[str] = field(default_factory=set)  # strings already read, not to read twice
    done: set[int] = field(default_factory=set)  # objects whose streams are already read
    no_text: list[int] = field(default_factory=list)
    page_lines: set[str] = field(default_factory=set)  # the current text, to tell what changed
    marked: list[bytes] = field(default_factory=list)  # this page's streams with marked content
    any_text: bool = False
    any_shown: bool = False
    fonts: dict[int, Any] = field(default_factory=dict)  # fonts as text, by their dictionary
    layers: frozenset[int] = frozenset()  # optional content off by default (hidden layers)
    expanded: int = 0
    attached: int = 0

    def _say(self, texts: list[str]) -> list[str]:
        self.said.update(" ".join(text.split()) for text in texts)
        return texts

    def _fresh(self, label: str, text: str) -> list[str]:
        """A swept string as lines (the first under its key), unless a carrier above read it
        already."""
        pieces = [" ".join(piece.split()) for piece in text.splitlines() if piece.strip()]
        if not pieces or all(piece in self.said for piece in pieces):
            return []
        whole = " ".join(pieces)
        if whole in self.said or f"{label}: {whole}" in self.said:
            return []
        if label:
            pieces[0] = f"{label}: {pieces[0]}"
        return pieces

    # Pages: the text layer, pictures, annotations.

    def pages(self, count: int) -> Iterator[Unit]:
        for number in range(1, count + 1):
            page = _guard(lambda n=number: self.reader.pages[n - 1])
            damaged = self._contents(page)
            if damaged is not None:
                part = f"page {number} content"
                if not damaged:
                    yield Part(part, "page", 0, UNREAD, "a content stream does not decode")
                else:
                    # Text pypdf did not extract: the strings of what could be decoded.
                    lines = _drawn_strings(damaged)
                    yield Part(part, "page", len(damaged), AS_TEXT)
                    if lines:
                        yield Text(Where(part=part, hidden=True), lines, self.title)
            # One parse of the content gives both readings: pypdf's text in the order the
            # stream draws it, and the page as shown (``readers._pdfshow``).
            shown = _Shown(_resources(page), _page_box(page), self.fonts, layers_off=self.layers)
            try:
                text = _guard(
                    page.extract_text,
                    visitor_operand_before=shown.before,
                    visitor_operand_after=shown.after,
                )
                if not shown.visited:
                    _guard(_walk, self.reader, page, shown)  # no resources: pypdf stops early
            except Unscannable as exc:
                if not exc.reason.startswith("corrupt"):
                    raise
                yield Part(f"page {number}", "page", 0, UNREAD, "text extraction failed")
                continue
            lines = [line for line in (text or "").splitlines() if line.strip()]
            if lines:
                # The pages are one text: a heading on one governs the table that goes on
                # over the next (``Text.flow``).
                continues, self.any_text = self.any_text, True
                self.page_lines.update(" ".join(line.split()) for line in lines)
                yield Part(f"page {number}", "page", len(text or ""), PARSED)
                yield Text(Where(part=f"page {number}"), lines, self.title, "pages", continues)
                yield from self._scanned(number, shown)
            elif shown.image_area > 0 or _guard(_has_images, page):
                # A picture of a page is scanned paper: what it shows is not read, so it blocks.
                self.no_text.append(number)
                reason = "scanned page: no text layer (pictures are not read)"
                yield Part(f"page {number}", "image", 0, UNREAD, reason)
            else:
                yield Part(f"page {number}", "page", 0, PARSED)  # blank
            yield from self.as_shown(number, text or "", shown)
            yield from self.marked_content(number)
            notes = self._say(_guard(_annotations, page))
            if notes:
                part = f"page {number} annotations"
                yield Part(part, "annotation", sum(map(len, notes)), PARSED)
                # A comment on a page is read under what governs the page.
                flowing = self.any_text
                yield Text(Where(part=part, hidden=True), notes, self.title, "pages", flowing)
            yield from self.appearances(number, page)

    def appearances(self, number: int, page: Any) -> Iterator[Unit]:
        """What the page's annotations draw (their appearance streams), as shown: the sweep
        reads their strings in the order drawn; read here in the order seen where that says
        more, and glyphs that map to no text block as on the page."""
        part = f"page {number} annotations as shown"
        lines: list[str] = []
        unmapped, misread, complete = 0, 0, True
        for stream in _guard(_appearance_streams, page):
            box = _numbers_of(stream.get("/BBox")) or (-1e9, -1e9, 1e9, 1e9)
            shown = _Shown(_resources(stream), box, self.fonts, layers_off=self.layers)
            try:
                _guard(_walk, self.reader, stream, shown, own=True)
                drawn = shown.lines()
            except Unscannable:
                complete = False
                continue
            unmapped += shown.unmapped
            misread += shown.misread()
            complete = complete and shown.complete
            if _says_more(drawn, "".join(_drawn_strings(_guard(stream.get_data)))):
                lines += drawn
        if unmapped:
            reason = "text in a font whose glyphs map to no Unicode: not read"
            yield Part(f"page {number} annotation glyphs", "font", unmapped, UNREAD, reason)
        if misread:
            part = f"page {number} annotation font text"
            yield Part(part, "font", misread, UNREAD, MISREAD_REASON)
        if not complete:
            reason = "the text as shown cannot be followed"
            yield Part(f"page {number} annotations layout", "annotation", 0, UNREAD, reason)
        if lines:
            yield Part(part, "annotation", sum(map(len, lines)), PARSED)
            yield Text(Where(part=part, hidden=True), lines, self.title, "pages", self.any_text)

    def as_shown(self, number: int, text: str, shown: _Shown) -> Iterator[Unit]:
        """The page as a person sees it, where it says more than the stream's order: each
        line as shown that the extracted text does not hold (characters in another order,
        invisible ones left out) makes the whole page read again as shown, so that what
        governs its lines governs them there too. Glyphs that map to no text block."""
        part = f"page {number} as shown"
        if shown.unmapped:
            reason = "text in a font whose glyphs map to no Unicode: not read"
            yield Part(f"page {number} glyphs", "font", shown.unmapped, UNREAD, reason)
        if misread := shown.misread():
            reason = MISREAD_REASON
            yield Part(f"page {number} font text", "font", misread, UNREAD, reason)
        try:
            lines = shown.lines()
        except Exception:  # numbers past what floats hold: the page is not followed
            lines, shown.complete = [], False
        if not shown.complete:
            # Named apart from the reading: parts of one name merge, and a read one wins.
            reason = "the text as shown cannot be followed"
            yield Part(f"page {number} layout", "page", 0, UNREAD, reason)
        if _says_more(lines, text):
            continues, self.any_shown = self.any_shown, True
            yield Part(part, "page", sum(map(len, lines)), PARSED)
            yield Text(Where(part=part), lines, self.title, "pages as shown", continues)

    def _scanned(self, number: int, shown: _Shown) -> Iterator[Unit]:
        """A page that is mostly a picture and carries little text is scanned paper with a
        stamp on it (a Bates number, a page number): what the picture shows is not read. A
        chart with its caption is a smaller picture, or one with more text around it."""
        area = _area(shown.box)
        covered = min(1.0, shown.image_area / area) if area > 0 else 0.0
        covered = 1.0 if covered != covered else covered  # NaN: matrices made to overflow
        if (covered >= SCAN_COVER and shown.chars < SCAN_TEXT) or (
            covered >= FIGURE_COVER and shown.chars < FIGURE_TEXT
        ):
            reason = (
                f"scanned page: pictures cover {covered:.0%} of it beside"
                f" {shown.chars} characters of text (pictures are not read)"
            )
            yield Part(f"page {number} picture", "image", 0, UNREAD, reason)

    def _contents(self, page: Any) -> bytes | None:
        """The page's content streams are read by text extraction, not by the sweep. Returns
        None when every one decodes; else what could be salvaged of those that do not."""
        contents = page.get("/Contents")
        references = contents if isinstance(contents, list) else [contents]
        damaged: bytes | None = None
        for reference in references:
            idnum = getattr(reference, "idnum", None)
            if idnum is not None:
                self.done.add(idnum)
            stream = _guard(lambda r=reference: r.get_object() if r is not None else None)
            if stream is None or not hasattr(stream, "get_data"):
                continue
            try:
                data = _guard(stream.get_data)
            except Unscannable as exc:
                if not exc.reason.startswith("corrupt"):
                    raise
                data = b""
            if not data and _raw(stream):
                damaged = (damaged or b"") + _salvage(stream)
            elif _MARKED.search(data):
                self.marked.append(data)
        return damaged

    def marked_content(self, number: int) -> Iterator[Unit]:
        """Marked content that replaces what is drawn: ``/ActualText`` (what copy and paste and
        screen readers give), ``/Alt`` and ``/E``. Text extraction shows the drawing (a row of
        dots); the strings of the page's content are read for the lines it did not give."""
        streams, self.marked = self.marked, []
        lines = [
            line
            for data in streams
            for line in _drawn_strings(data)
            if " ".join(line.split()) not in self.page_lines
        ]
        if lines:
            part = f"page {number} marked content"
            yield Part(part, "page", sum(map(len, lines)), AS_TEXT)
            yield Text(Where(part=part, hidden=True), lines, self.title)

    def check_text_layer(self) -> None:
        """A PDF of scanned pages only is refused: there is nothing the scanner reads in it.
        Pictures among text pages are named in the coverage, not blocking (a chart, a logo, a
        signed last page), as pictures are everywhere else."""
        if self.no_text and not self.any_text:
            raise Unscannable("no text layer (image-only PDF)")

    # The document's own carriers.

    def info(self) -> Iterator[Unit]:
        lines = self._say(_guard(_info, self.reader))
        self._say([line.partition(": ")[2] for line in lines])
        if lines:
            yield Part("/Info", "property", sum(map(len, lines)), PARSED)
            yield Text(Where(part="document info", hidden=True), lines, self.title)

    def bookmarks(self) -> Iterator[Unit]:
        lines = _guard(_outline, self.reader)
        self._say([line.removeprefix("- ") for line in lines])
        if lines:
            yield Part("bookmarks", "outline", sum(map(len, lines)), PARSED)
            yield Text(Where(part="bookmarks"), lines, self.title)

    def fields(self) -> Iterator[Unit]:
        record, texts = _guard(_fields, self.reader)
        self._say(texts)
        if record:
            yield Part("form fields", "form", sum(len(str(v)) for v in record.values()), PARSED)
            yield Records(Where(part="form fields"), [record], self.title)

    # Every object, for what the carriers above do not read.

    def sweep(self) -> Iterator[Unit]:
        roles: dict[int, set[str]] = {}
        names: dict[int, str] = {}  # embedded file stream -> its file name
        streams: list[tuple[int, Any]] = []
        strings: list[tuple[str, str]] = []
        scripts: list[str] = []
        broken = 0
        encrypt = _guard(lambda: self.reader.trailer.get("/Encrypt"))
        skip = getattr(encrypt, "idnum", None)  # keys and hashes, no text
        for count, (idnum, generation) in enumerate(_object_ids(self.reader)):
            if count >= MAX_OBJECTS:
                raise Unscannable(f"too large: more than {MAX_OBJECTS} PDF objects")
            try:
                obj = self.reader.get_object(_reference(self.reader, idnum, generation))
            except Exception:  # a broken object is unread, and blocks below
                broken += 1
                continue
            if obj is None or idnum == skip:
                continue
            _Walk(roles, names, strings, scripts).object(obj)
            if hasattr(obj, "get_data"):
                streams.append((idnum, obj))
        fresh = [line for label, text in strings for line in self._fresh(label, text)]
        yield from self._lines("objects", "strings", AS_TEXT, fresh, hidden=True)
        yield from self._lines("scripts", "script", PARSED, scripts, hidden=True)
        if broken:
            yield Part("objects", "object", 0, UNREAD, f"{broken} objects cannot be parsed")
        counted: dict[str, int] = {}
        used = _guard(_structure, self.reader, streams)
        for idnum, stream in streams:
            if idnum in self.done:
                continue
            kinds = set(roles.get(idnum, ())) | {_own_kind(stream)}
            if len(kinds) > 1:
                kinds.discard("stream")  # nothing claimed by itself, something by a referrer
            if "structure" in kinds and idnum not in used:
                kinds.discard("structure")  # a claim the parser did not act on
                kinds.add("stream")
            yield from self._stream(idnum, stream, kinds, names, counted)
        for kind, size in counted.items():
            yield Part(f"{kind}s", kind, size, UNREAD, _UNREAD_KINDS[kind], blocks=False)

    def _lines(
        self, part: str, kind: str, how: Any, lines: list[str], *, hidden: bool
    ) -> Iterator[Unit]:
        fresh = [line for line in lines if line]
        if not fresh:
            return
        yield Part(part, kind, sum(map(len, fresh)), how)
        for start in range(0, len(fresh), _SLICE_LINES):
            where = Where(part=part, hidden=hidden)
            yield Text(where, fresh[start : start + _SLICE_LINES], self.title)

    def _stream(
        self,
        idnum: int,
        stream: Any,
        kinds: set[str],
        names: dict[int, str],
        counted: dict[str, int],
    ) -> Iterator[Unit]:
        """Read a stream in every role the file gives it (the keys that refer to it and its
        own dictionary): a claim that it is a picture, a font or graphics data is believed
        only when its decoded bytes bear it out, else the stream is read by its content."""
        if kinds == {"structure"}:  # the parser's own object and xref streams: swept already
            return
        raw = _raw(stream)
        if kinds == {"image"} and stored_picture(stream, raw, self.limits.max_expanded_bytes):
            counted["image"] = counted.get("image", 0) + len(raw)
            if raw.startswith(b"\xff\xd8\xff"):
                # A JPEG: its comments, Exif and XMP are text, read without the pixels.
                carried = image_text(raw)
                yield from self._lines(
                    f"picture text (object {idnum})", "image", PARSED, carried, hidden=True
                )
            return
        data = self._data(idnum, stream)
        if data is None:
            yield Part(f"object {idnum}", "stream", 0, UNREAD, "stream cannot be decoded")
            return
        for kind in ("image", "font", "graphics", "opaque"):
            if kind in kinds and not _bears_out(kind, stream, data):
                kinds.discard(kind)
                kinds.add("stream")
        if "form" in kinds and not is_content(data):
            kinds.add("stream")  # drawn by a page, yet not drawing operators throughout
        if "stream" in kinds and is_content(data):
            kinds.discard("stream")  # content no page uses any more: the strings it draws
            kinds.add("form")
        # Counted unread only when no role reads it (an attachment that is also a thumbnail is
        # read as the attachment).
        counted_only = not kinds - _UNREAD_KINDS.keys() - {"structure"}
        for kind in sorted(kinds & _UNREAD_KINDS.keys()) if counted_only else ():
            counted[kind] = counted.get(kind, 0) + int(stream.get("/Length", 0) or 0)
            if kind == "image" and data.startswith(b"\xff\xd8\xff"):
                # A JPEG: its comments, Exif and XMP are text, read without the pixels.
                carried = image_text(data)
                yield from self._lines(
                    f"picture text (object {idnum})", "image", PARSED, carried, hidden=True
                )
        for kind in _READ_ORDER:
            if kind in kinds:
                yield from self._read_as(kind, idnum, data, names)

    def _read_as(self, kind: str, idnum: int, data: bytes, names: dict[int, str]) -> Iterator[Unit]:
        part = f"object {idnum}"
        if kind == "embedded":
            self.attached += 1
            if self.attached > self.limits.max_entries:
                raise Unscannable(
                    f"too many attached files: more than {self.limits.max_entries}"
                    " (limits.max_entries)"
                )
            name = names.get(idnum) or f"attachment-{idnum}"
            yield Part(f"attachment {name}", "attachment", len(data), PARSED)
            yield nested(self.source, self.limits, name, data)
            return
        text = data.decode("utf-8", "replace") if kind in ("xmp", "xfa", "script") else None
        if kind in ("xmp", "xfa") and text is not None:
            label = {"xmp": "XMP metadata", "xfa": "XFA form"}[kind]
            yield from self._lines(
                f"{label} ({part})", kind, PARSED, markup_lines(text), hidden=True
            )
        elif kind == "script" and text is not None:
            lines = script_lines(text)
            yield from self._lines(f"script ({part})", "script", PARSED, lines, hidden=True)
        elif kind == "form":
            # An appearance, a pattern, a glyph, or a page's content no page uses any more.
            lines = _drawn_strings(data)
            yield from self._lines(f"drawing ({part})", "drawing", AS_TEXT, lines, hidden=True)
        elif kind == "stream":
            # A stream of no kind PDF defines (private data, an orphan): read as a file of its
            # own, by its content (a CSV as CSV); bytes no reader knows block there.
            yield Part(part, "stream", len(data), PARSED)
            yield nested(self.source, self.limits, f"object-{idnum}", data)

    # Earlier revisions: an incremental update (a "redaction" saved over the original) leaves
    # the original objects in the file, and any tool opens the file as it was.

    def revisions(self, stream: Any) -> Iterator[Unit]:
        from pypdf import PdfReader

        ends = _revision_ends(stream)[:-1]
        if len(ends) > MAX_REVISIONS:
            reason = f"more than {MAX_REVISIONS} earlier revisions: the oldest are not read"
            yield Part("revisions", "revision", ends[-MAX_REVISIONS], UNREAD, reason)
            ends = ends[-MAX_REVISIONS:]
        for number, end in enumerate(ends, 1):
            name = f"revision {number}"
            # The file as it was: its first ``end`` bytes, read in place (not copied).
            prefix = io.BufferedReader(_Prefix(stream, end))
            try:
                old = _guard(PdfReader, prefix, strict=False)
                _unlock(old)
                count = _guard(lambda reader=old: len(reader.pages))
            except Unscannable:
                # The first part of a linearized file ends in %%EOF and is no document of its
                # own: nothing there that the whole file does not hold.
                reason = "not a document of its own (the first part of a linearized file)"
                yield Part(name, "revision", end, UNREAD, reason, blocks=False)
                continue
            yield Part(name, "revision", end, PARSED)
            for page in range(count):
                try:
                    text = _guard(lambda n=page, reader=old: reader.pages[n].extract_text())
                except Unscannable:
                    yield Part(
                        f"{name} page {page + 1}", "page", 0, UNREAD, "text extraction failed"
                    )
                    continue
                lines = [" ".join(line.split()) for line in (text or "").splitlines()]
                changed = [line for line in lines if line and line not in self.page_lines]
                if changed:
                    where = Where(part=f"{name} page {page + 1}", hidden=True)
                    yield Text(where, changed, self.title)

    def _data(self, idnum: int, stream: Any) -> bytes | None:
        try:
            data = _guard(stream.get_data)
        except Unscannable as exc:
            if exc.reason.startswith("corrupt"):
                return None
            raise
        if not data and _raw(stream):
            # pypdf gives nothing for a stream it cannot decode (a truncated Flate stream,
            # which viewers show in part): decode what can be, or say it is not read.
            data = _salvage(stream)
            if not data:
                return None
        self.expanded += len(data)
        if self.expanded > self.limits.max_expanded_bytes:
            raise Unscannable(
                f"expands to more than {self.limits.max_expanded_bytes} bytes"
                " (limits.max_expanded_bytes)"
            )
        return bytes(data)


class _Walk:
    """One object's strings, scripts and the roles of the streams it refers to."""

    def __init__(
        self,
        roles: dict[int, set[str]],
        names: dict[int, str],
        strings: list[tuple[str, str]],
        scripts: list[str],
    ):
        self.roles, self.names, self.strings, self.scripts = roles, names, strings, scripts
        self.budget = 100_000  # direct values in one object

    def object(self, obj: Any) -> None:
        self.value(obj, (), 0)

    def value(self, value: Any, path: tuple[str, ...], depth: int) -> None:
        from pypdf.generic import (
            ArrayObject,
            ByteStringObject,
            DictionaryObject,
            IndirectObject,
            NameObject,
            TextStringObject,
        )

        self.budget -= 1
        if self.budget < 0 or depth > 64:
            return
        key = path[-1] if path else ""
        if isinstance(value, IndirectObject):
            role = next((_ROLE_BY_KEY[k] for k in reversed(path) if k in _ROLE_BY_KEY), None)
            if role is not None:
                self.roles.setdefault(value.idnum, set()).add(role)
        elif isinstance(value, DictionaryObject):
            self._filespec(value)
            for name, item in value.items():
                if _unusual_name(str(name)):
                    self.strings.append(("", _name_text(str(name))))
                self.value(item, (*path, str(name)), depth + 1)
        elif isinstance(value, ArrayObject):
            for item in value:
                self.value(item, path, depth + 1)
        elif isinstance(value, TextStringObject):
            if not str(value).strip() or key in _BINARY_KEYS:
                return
            if key == "/JS":
                self.scripts.extend(script_lines(str(value)))
            elif key == "/RC":
                self.strings.extend(("", line) for line in markup_lines(str(value)))
            else:
                self.strings.append((key[1:], str(value).strip()))
        elif isinstance(value, ByteStringObject):
            # Bytes that are no text in any encoding PDF knows (keys, hashes, signatures).
            if key == "/JS":
                self.scripts.extend(script_lines(bytes(value).decode("latin-1")))
        elif isinstance(value, NameObject) and _unusual_name(str(value)):
            self.strings.append(("", _name_text(str(value))))

    def _filespec(self, spec: Any) -> None:
        embedded = spec.get("/EF")
        if embedded is None:
            return
        try:
            embedded = embedded.get_object()
            name = next(
                (str(spec[k]) for k in ("/UF", "/F", "/DOS", "/Unix", "/Mac") if spec.get(k)),
                "",
            )
            for reference in embedded.values():
                idnum = getattr(reference, "idnum", None)
                if idnum is not None and name:
                    self.names.setdefault(idnum, name)
        except Exception:  # noqa: S110 - a nameless attachment is still read, by its number
            pass


def _raw(stream: Any) -> bytes:
    """A stream's bytes as stored (encoded)."""
    raw = getattr(stream, "_data", b"")
    return raw if isinstance(raw, bytes) else b""


def _salvage(stream: Any) -> bytes:
    """What a Flate stream that does not decode whole yields up to its damage, as viewers
    show it; nothing for any other filter."""
    filters = stream.get("/Filter")
    names = [str(f) for f in filters] if isinstance(filters, list) else [str(filters)]
    if names != ["/FlateDecode"] or stream.get("/DecodeParms"):
        return b""
    decompressor = zlib.decompressobj()
    out = bytearray()
    raw = _raw(stream)
    for start in range(0, len(raw), 1024):
        try:
            out += decompressor.decompress(raw[start : start + 1024], _SALVAGE_BYTES - len(out))
        except zlib.error:
            break
        if len(out) >= _SALVAGE_BYTES:
            break
    return bytes(out)


class _Prefix(io.RawIOBase):
    """The first ``end`` bytes of a seekable stream, as a stream of their own."""

    def __init__(self, stream: Any, end: int):
        self._stream, self._end, self._position = stream, end, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._end}[whence]
        self._position = max(0, min(self._end, base + offset))
        return self._position

    def readinto(self, buffer: Any) -> int:
        count = min(len(buffer), self._end - self._position)
        if count <= 0:
            return 0
        self._stream.seek(self._position)
        data = self._stream.read(count)
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)


def _held_by_another(source: Source) -> bool:
    """Whether a PDF that does not start the file is a member of a format another structured
    reader reads (a tar or a ZIP holding it): that reader accounts for the bytes around it, and
    the member, read as a file of its own, for its own."""
    from approval.detect.readers import readers, structured
    from approval.detect.readers._probe import probe

    seen = probe(source)
    return any(
        structured(other) and other.name != READER.name and other.accepts(seen)
        for other in readers()
    )


def _document_end(stream: Any, size: int) -> int | None:
    """Where the document ends: after its last ``%%EOF`` and the white space after it (None if
    it has none). What follows no PDF reader reads."""
    end = size
    while end > 0:
        start = max(0, end - _TAIL_CHUNK)
        stream.seek(start)
        data = stream.read(end - start + 4)  # a marker across the boundary
        at = data.rfind(b"%%EOF")
        if at >= 0:
            stop: int = start + at + 5
            stream.seek(stop)
            chunk: bytes
            while (chunk := stream.read(_TAIL_CHUNK)) and not chunk.strip(_WHITE):
                stop += len(chunk)
            return stop + len(chunk) - len(chunk.lstrip(_WHITE))
        end = start
    return None


def _revision_ends(stream: Any) -> list[int]:
    """Where each revision of the file ends: after each ``%%EOF`` marker."""
    ends: list[int] = []
    stream.seek(0)
    offset = 0
    tail = b""
    while chunk := stream.read(1024 * 1024):
        data = tail + chunk
        start = offset - len(tail)
        position = data.find(b"%%EOF")
        while position != -1:
            end = start + position + 5
            if not ends or ends[-1] != end:
                ends.append(end)
            position = data.find(b"%%EOF", position + 1)
        tail = data[-4:]
        offset += len(chunk)
    return ends


def _object_ids(reader: Any) -> Iterator[tuple[int, int]]:
    for generation, table in list(reader.xref.items()):
        for idnum in list(table):
            yield idnum, generation
    for idnum in list(reader.xref_objStm):
        yield idnum, 0


def _reference(reader: Any, idnum: int, generation: int) -> Any:
    from pypdf.generic import IndirectObject

    return IndirectObject(idnum, generation, reader)


def _bears_out(kind: str, stream: Any, data: bytes) -> bool:
    if kind == "image":
        return is_picture(stream, data)
    if kind == "font":
        return is_glyph_data(stream, data)
    if kind == "opaque":
        return is_opaque(data)
    return is_graphics(stream, data)


def _structure(reader: Any, streams: list[tuple[int, Any]]) -> frozenset[int]:
    """The object and cross-reference streams the parser read: those that hold an object it
    took from them, and those its chain of cross-reference sections (``startxref``, then
    ``/Prev`` and ``/XRefStm``) went through. A stream that only calls itself one is data."""
    used = {number for number, _index in reader.xref_objStm.values()}
    at: dict[int, tuple[int, Any]] = {}
    for generation, table in reader.xref.items():
        for idnum, offset in table.items():
            at[offset] = (idnum, generation)
    by_id = dict(streams)
    pending = [
        getattr(reader, "_startxref", None),
        reader.trailer.get("/Prev"),
        reader.trailer.get("/XRefStm"),
    ]
    seen: set[int] = set()
    while pending:
        offset = pending.pop()
        if not isinstance(offset, int) or offset in seen or offset not in at:
            continue
        seen.add(offset)
        idnum = at[offset][0]
        stream = by_id.get(idnum)
        if stream is None or stream.get("/Type") != "/XRef":
            continue
        used.add(idnum)
        pending += [stream.get("/Prev"), stream.get("/XRefStm")]
    for idnum, stream in streams:
        # Sections the parser reached another way (a rebuilt table): whose bytes are a table.
        if stream.get("/Type") == "/XRef" and idnum not in used:
            try:
                data = stream.get_data()
            except Exception:  # noqa: S112 - not decoded: read as a stream, and blocked, below
                continue
            if is_xref(stream, data):
                used.add(idnum)
    return frozenset(used)


def _own_kind(stream: Any) -> str:
    """What a stream is by its own dictionary, when nothing that refers to it said."""
    kind = stream.get("/Type")
    subtype = stream.get("/Subtype")
    if kind in ("/ObjStm", "/XRef"):
        return "structure"
    if kind == "/EmbeddedFile":
        return "embedded"
    if kind == "/Metadata" or subtype == "/XML":
        return "xmp"
    if subtype == "/Image" or ("/Width" in stream and "/Height" in stream):
        return "image"
    if subtype == "/Form" or "/BBox" in stream or "/PatternType" in stream:
        return "form"
    if any(k in stream for k in ("/Length1", "/Length2", "/Length3", "/CMapName")) or subtype in (
        "/Type1C",
        "/CIDFontType0C",
        "/OpenType",
    ):
        return "font"
    if kind == "/CMap":
        return "font"
    if any(k in stream for k in ("/FunctionType", "/ShadingType", "/HalftoneType", "/Alternate")):
        return "graphics"
    return "stream"


def _unusual_name(name: str) -> bool:
    """A PDF name that carries text rather than naming a key or a value: it holds a space or
    a run of digits (``/Ana#20Garcia``, ``/A212345678``)."""
    return " " in name or bool(_LONG_DIGITS.search(name))


def _name_text(name: str) -> str:
    text = _NAME_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), name.removeprefix("/"))
    return " ".join(text.split())


def _drawn_strings(content: bytes) -> list[str]:
    """The strings a content stream draws (appearance streams, patterns, Type 3 glyphs): each
    ``(...)`` or ``<...>`` operand, one line per text object; what a font re-encodes stays as
    it is, which is why this is read as ``text``. One pass, linear in the stream."""
    lines: list[str] = []
    pieces: list[str] = []

    def flush() -> None:
        line = " ".join("".join(pieces).split())
        if line:
            lines.append(line)
        pieces.clear()

    position = 0
    while (match := _STRING_START.search(content, position)) is not None:
        token = match.group(0)
        position = match.end()
        if token == b"ET":
            flush()
        elif token == b"<<":
            continue
        elif token == b"<":
            close = content.find(b">", position)
            close = len(content) if close == -1 else close
            digits = re.sub(rb"\s", b"", content[position:close])
            position = close + 1
            if digits and _HEX.fullmatch(digits):
                raw = bytes.fromhex(digits.decode("ascii") + ("0" if len(digits) % 2 else ""))
                pieces.append(_pdf_text(raw))
        else:  # "(": a literal string, balanced parentheses and escapes within
            depth, body = 1, bytearray()
            while depth and (part := _LITERAL_TOKEN.match(content, position)) is not None:
                position = part.end()
                piece = part.group(0)
                depth += {b"(": 1, b")": -1}.get(piece, 0)
                if depth:
                    body += piece
            pieces.append(_pdf_text(_unescape_literal(bytes(body))))
    flush()
    return lines


def _pdf_text(raw: bytes) -> str:
    utf16 = raw.startswith(b"\xfe\xff")
    text = raw.decode("utf-16", "replace") if utf16 else raw.decode("cp1252", "replace")
    return text.replace("\x00", "")  # two-byte codes of a font with no encoding told


def _unescape_literal(body: bytes) -> bytes:
    out = bytearray()
    index = 0
    while index < len(body):
        byte = body[index : index + 1]
        if byte != b"\\":
            out += byte
            index += 1
            continue
        escape = body[index + 1 : index + 2]
        octal = re.match(rb"[0-7]{1,3}", body[index + 1 : index + 4])
        if octal:
            out.append(int(octal.group(0), 8) & 0xFF)
            index += 1 + len(octal.group(0))
            continue
        out += _PDF_ESCAPES.get(escape, b"" if escape in (b"\n", b"\r") else escape)
        index += 2
    return bytes(out)


def _guard(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run one step of pypdf on hostile input: any failure is the file's, never ours to raise.

    pypdf raises its own errors for what it recognises as broken, and whatever Python raises
    (KeyError, ValueError, RecursionError, ...) for what it does not; none of their messages
    may reach the report, since they can quote the file."""
    from pypdf.errors import FileNotDecryptedError, LimitReachedError

    try:
        return call(*args, **kwargs)
    except Unscannable:
        raise
    except FileNotDecryptedError as exc:
        raise Unscannable("encrypted") from exc
    except LimitReachedError as exc:
        raise Unscannable("too large: a PDF stream expands beyond the decompression limit") from exc
    except RecursionError as exc:
        raise Unscannable("corrupt: PDF objects nested too deeply") from exc
    except MemoryError as exc:
        raise Unscannable("too large: PDF exhausts memory") from exc
    except Exception as exc:  # see the docstring
        raise Unscannable(f"corrupt: unreadable PDF ({type(exc).__name__})") from exc


def _unlock(reader: Any) -> None:
    """Opens a PDF encrypted with the empty user password (permissions only), as viewers do."""
    from pypdf import PasswordType

    if not _guard(getattr, reader, "is_encrypted"):
        return
    try:
        opened = reader.decrypt("")
    except Exception as exc:  # unsupported algorithms, broken dictionaries
        raise Unscannable("encrypted") from exc
    if opened == PasswordType.NOT_DECRYPTED:
        raise Unscannable("encrypted")


def _title(reader: Any) -> str:
    metadata = reader.metadata
    title = metadata.title if metadata is not None else None
    return " ".join(str(title).split()) if title else ""


def _info(reader: Any) -> list[str]:
    """Every text entry of the document information dictionary, as ``Key: value``."""
    reference = reader.trailer.get("/Info")
    info: Any = reference.get_object() if reference is not None else None
    if not hasattr(info, "items"):
        return []
    lines = []
    for key, value in info.items():
        value = value.get_object() if hasattr(value, "get_object") else value
        text = " ".join(str(value).split()) if isinstance(value, str) else ""
        if text:
            lines.append(f"{str(key).removeprefix('/')}: {text}")
    return lines


def _outline(reader: Any) -> list[str]:
    """Bookmark titles as a list, nested items indented; cycles and depth bounded."""
    reference = reader.trailer["/Root"].get_object().get("/Outlines")
    root: Any = reference.get_object() if reference is not None else None
    if not hasattr(root, "get"):
        return []
    lines: list[str] = []
    seen: set[int] = set()
    stack: list[tuple[Any, int]] = [(root.get("/First"), 0)]
    while stack and len(lines) < MAX_OBJECTS:
        reference, depth = stack.pop()
        idnum = getattr(reference, "idnum", None)
        if reference is None or idnum in seen or depth > 64:
            continue
        if idnum is not None:
            seen.add(idnum)
        item = reference.get_object()
        if not hasattr(item, "get"):
            continue
        title = " ".join(str(item.get("/Title", "")).split())
        if title:
            lines.append(f"- {title}")
        stack.append((item.get("/Next"), depth))
        stack.append((item.get("/First"), depth + 1))
    return lines


def _layers_off(reader: Any) -> frozenset[int]:
    """The optional content groups (layers) a viewer hides when it opens the file: its default
    configuration's ``/OFF``, or all but ``/ON`` when its base state is off. A configuration
    that cannot be read hides nothing (viewers show such content)."""
    try:
        catalog = reader.trailer["/Root"].get_object()
        reference = catalog.get("/OCProperties")
        properties: Any = reference.get_object() if reference is not None else None
        config: Any = properties.get("/D") if hasattr(properties, "get") else None
        if not hasattr(config, "get"):
            return frozenset()

        def numbers(key: str, where: Any = config) -> set[int]:
            items = where.get(key)
            items = items.get_object() if items is not None else []
            return (
                {i.idnum for i in items if hasattr(i, "idnum")}
                if isinstance(items, list)
                else set()
            )

        off = numbers("/OFF")
        if config.get("/BaseState") == "/OFF":
            off |= numbers("/OCGs", properties) - numbers("/ON")
        return frozenset(off)
    except Exception:
        return frozenset()


MAX_APPEARANCES = 10_000  # appearance streams read as shown, per page


def _appearance_streams(page: Any) -> list[Any]:
    """Each annotation's appearance streams (normal, rollover, down; each state of them)."""
    annotations = page.get("/Annots")
    annotations = annotations.get_object() if annotations is not None else None
    streams: list[Any] = []
    for reference in annotations if isinstance(annotations, list) else []:
        annotation = reference.get_object()
        found = annotation.get("/AP") if hasattr(annotation, "get") else None
        appearance: Any = found.get_object() if found is not None else None
        if not hasattr(appearance, "values"):
            continue
        for value in appearance.values():
            value = value.get_object()
            states = [value]
            if not hasattr(value, "get_data") and hasattr(value, "values"):
                states = [state.get_object() for state in value.values()]
            streams.extend(state for state in states if hasattr(state, "get_data"))
        if len(streams) > MAX_APPEARANCES:
            raise Unscannable(f"too large: more than {MAX_APPEARANCES} appearances on a page")
    return streams


def _numbers_of(value: Any) -> tuple[float, float, float, float] | None:
    try:
        a, b, c, d = (float(x) for x in value)
    except Exception:
        return None
    return (min(a, c), min(b, d), max(a, c), max(b, d))


def _resources(page: Any) -> Any:
    try:
        if hasattr(page, "get_inherited"):
            resources = page.get_inherited("/Resources", None)
        else:  # a form: its own
            resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else None
    except Exception:  # broken resources: text extraction says so, or finds nothing to draw
        return None
    return resources if hasattr(resources, "get") else None


def _page_box(page: Any) -> tuple[float, float, float, float]:
    """The part of the page a viewer shows (the crop box, within the media box); a letter
    page where the boxes cannot be read (pypdf's own default is no better)."""
    try:
        return _boxes(page)
    except Exception:
        return (0.0, 0.0, 612.0, 792.0)


def _boxes(page: Any) -> tuple[float, float, float, float]:
    crop, media = page.cropbox, page.mediabox
    boxes = [
        (min(b.left, b.right), min(b.bottom, b.top), max(b.left, b.right), max(b.bottom, b.top))
        for b in (crop, media)
    ]
    (a, b, c, d), (e, f, g, h) = boxes
    return (float(max(a, e)), float(max(b, f)), float(min(c, g)), float(min(d, h)))


def _area(box: tuple[float, ...]) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def _walk(reader: Any, page: Any, shown: _Shown, *, own: bool = False) -> None:
    """The page's operators, for a page pypdf's text extraction does not parse (one without
    resources, which can still draw inline pictures); or a stream's ``own``."""
    from pypdf.generic import ContentStream

    contents = page if own else page.get("/Contents")
    contents = contents.get_object() if contents is not None else None
    if contents is None:
        return
    for operands, operator in ContentStream(contents, reader, "bytes").operations:
        shown.before(operator, operands, None, None)
        shown.after(operator, operands, None, None)


def _has_images(page: Any, depth: int = 0) -> bool:
    """Whether a page draws images, directly or in a form XObject (one level of nesting is
    how scanners write them; more is bounded)."""
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    xobjects = resources.get("/XObject") if resources is not None else None
    if xobjects is None:
        return False
    for reference in xobjects.get_object().values():
        xobject = reference.get_object()
        subtype = xobject.get("/Subtype")
        if subtype == "/Image":
            return True
        if subtype == "/Form" and depth < 3 and _has_images(xobject, depth + 1):
            return True
    return False


def _annotations(page: Any) -> list[str]:
    """What a page's annotations say: contents, authors, subjects, rich text, links' URIs
    (and their query strings), pop-ups' text."""
    annotations = page.get("/Annots")
    if annotations is None:
        return []
    lines: list[str] = []
    for reference in annotations.get_object():
        annotation = reference.get_object()
        if not hasattr(annotation, "get"):
            continue
        for key in ("/Contents", "/T", "/Subj"):
            value = annotation.get(key)
            if value:
                lines.extend(line for line in str(value).splitlines() if line.strip())
        rich = annotation.get("/RC")
        if rich:
            rich = rich.get_object()
            text = (
                rich.get_data().decode("utf-8", "replace")
                if hasattr(rich, "get_data")
                else str(rich)
            )
            lines.extend(markup_lines(text))
        reference = annotation.get("/A")
        action: Any = reference.get_object() if reference is not None else None
        uri = action.get("/URI") if hasattr(action, "get") else None
        if uri:
            lines.append(f"URI: {uri}")
            lines.extend(url_lines(str(uri)))
    return lines


def _fields(reader: Any) -> tuple[dict[str, Cell], list[str]]:
    """Filled-in fields as one record, and every name and value met (read, so not swept)."""
    fields = reader.get_fields() or {}
    record: dict[str, Cell] = {}
    texts: list[str] = []
    for name, entry in fields.items():
        texts.append(str(name))
        partial = entry.get("/T")
        if partial:
            texts.append(f"T: {' '.join(str(partial).split())}")
        value = entry.get("/V")
        if value is None:
            continue
        if isinstance(value, list):  # a multiple choice: every value chosen
            value = "; ".join(str(item).removeprefix("/") for item in value)
        if isinstance(value, dict):
            continue
        text = str(value).removeprefix("/")  # checkbox and choice values are PDF names
        texts.append(f"V: {' '.join(text.split())}")
        if text and text != "Off":
            record[str(name)] = text
    return record, texts


def _says_more(lines: list[str], text: str) -> bool:
    """Whether lines as shown say what ``text`` (as extracted) does not: characters in
    another order, invisible ones left out, or a word the extracted text holds only in pieces
    (``A212 345678`` where a space squeezed to nothing or set in a tenth of a point shows
    ``A212345678``). Linear when the lines follow the extracted order: each is looked for
    from where the one before it was found, and a word that is a word of the text is in it."""
    extracted = text.split()
    flat, spaced, whole = "".join(extracted), " ".join(extracted), set(extracted)
    in_flat = in_spaced = 0
    for line in lines:
        shown = line.split()
        in_flat = _find(flat, "".join(shown), in_flat)
        if in_flat < 0:
            return True
        for word in shown:
            if word not in whole:
                in_spaced = _find(spaced, word, in_spaced)
                if in_spaced < 0:
                    return True
    return False


def _find(text: str, part: str, start: int) -> int:
    """Where ``part`` is in ``text``, looked for from ``start`` first; -1 if nowhere."""
    found = text.find(part, start)
    return found if found >= 0 else text.find(part)


READER = _PdfReader()
