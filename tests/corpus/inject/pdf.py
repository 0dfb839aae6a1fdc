"""PDF carriers: page text, outlines, document information, XMP, forms, annotations, scripts,
incremental updates and attached files."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence

from pypdf import PdfReader, PdfWriter

from tests.corpus.documents import minimal_pdf
from tests.corpus.inject.content import Case, Content
from tests.corpus.inject.package import x


def _pdf_writer(
    pages: Sequence[Sequence[str]] = (("Monthly statistics", "See the tables."),),
) -> PdfWriter:

    return PdfWriter(clone_from=PdfReader(io.BytesIO(minimal_pdf(list(pages)))))


def _pdf_bytes(writer: object) -> bytes:
    out = io.BytesIO()
    writer.write(out)  # type: ignore[attr-defined]
    return out.getvalue()


def pdf_text(c: Content) -> bytes:
    return minimal_pdf([c.lines()])


def pdf_compressed(c: Content) -> bytes:
    writer = _pdf_writer([c.lines()])
    for page in writer.pages:
        page.compress_content_streams()
    return _pdf_bytes(writer)


def pdf_bookmarks(c: Content) -> bytes:
    writer = _pdf_writer()
    parent = writer.add_outline_item(title=c.title, page_number=0)
    for line in c.labelled():
        writer.add_outline_item(title=line, page_number=0, parent=parent)
    return _pdf_bytes(writer)


def pdf_info(c: Content) -> bytes:
    writer = _pdf_writer()
    writer.add_metadata({"/Title": c.title, "/Subject": c.line(), "/Keywords": c.line()})
    return _pdf_bytes(writer)


def pdf_info_custom(c: Content) -> bytes:
    writer = _pdf_writer()
    writer.add_metadata({"/ReviewedList": c.line()})
    return _pdf_bytes(writer)


def pdf_xmp(c: Content) -> bytes:
    from pypdf.generic import DecodedStreamObject, NameObject

    items = "".join(f"<rdf:li>{x(line)}</rdf:li>" for line in c.labelled())
    xmp = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF'
        ' xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{x(c.title)}</rdf:li></rdf:Alt>'
        f"</dc:title><dc:subject><rdf:Bag>{items}</rdf:Bag></dc:subject>"
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )
    writer = _pdf_writer()
    stream = DecodedStreamObject()
    stream.set_data(xmp.encode())
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    writer._root_object[NameObject("/Metadata")] = writer._add_object(stream)
    return _pdf_bytes(writer)


def pdf_form_field(c: Content) -> bytes:
    return minimal_pdf([["Application form"]], fields={"Reviewed": c.text()})


def pdf_annotation(c: Content) -> bytes:
    return minimal_pdf([["Monthly statistics"]], notes=[c.text()])


def pdf_freetext(c: Content) -> bytes:
    from pypdf.annotations import FreeText

    writer = _pdf_writer()
    writer.add_annotation(0, FreeText(text=c.text(), rect=(50, 50, 550, 300)))
    return _pdf_bytes(writer)


def pdf_embedded_file(data: bytes, filename: str) -> bytes:
    writer = _pdf_writer()
    writer.add_attachment(filename, data)
    return _pdf_bytes(writer)


def pdf_file_annotation(data: bytes, filename: str) -> bytes:
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        TextStringObject,
    )

    writer = _pdf_writer()
    stream = DecodedStreamObject()
    stream.set_data(data)
    stream[NameObject("/Type")] = NameObject("/EmbeddedFile")
    spec = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Filespec"),
            NameObject("/F"): TextStringObject(filename),
            NameObject("/UF"): TextStringObject(filename),
            NameObject("/EF"): DictionaryObject({NameObject("/F"): writer._add_object(stream)}),
        }
    )
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FileAttachment"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (72, 72, 90, 90)]),
            NameObject("/FS"): writer._add_object(spec),
            NameObject("/Contents"): TextStringObject("Attachment"),
        }
    )
    page = writer.pages[0]
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return _pdf_bytes(writer)


def pdf_javascript(c: Content) -> bytes:
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = _pdf_writer()
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject(f"var records = {json.dumps(c.labelled())};"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _pdf_bytes(writer)


def pdf_incremental(c: Content) -> bytes:
    """An incremental update (as a signing tool appends one) that adds the text page."""
    from pypdf import PdfReader, PdfWriter

    base = minimal_pdf([["Monthly statistics"]])
    writer = PdfWriter(io.BytesIO(base), incremental=True)
    writer.add_page(PdfReader(io.BytesIO(minimal_pdf([c.lines()]))).pages[0])
    return _pdf_bytes(writer)


def pdf_form_xobject(c: Content) -> bytes:
    """Text drawn from a form XObject, not the page's own content stream."""
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
    )

    writer = _pdf_writer()
    page = writer.pages[0]
    shows = " 0 -14 Td ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj"
        for line in c.lines()
    )
    form = DecodedStreamObject()
    form.set_data(f"BT /F1 10 Tf 72 600 Td {shows} ET".encode("latin-1", "replace"))
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([FloatObject(v) for v in (0, 0, 612, 792)]),
            NameObject("/Resources"): page["/Resources"].get_object(),
        }
    )
    ref = writer._add_object(form)
    resources = page["/Resources"].get_object()
    assert isinstance(resources, DictionaryObject)
    resources[NameObject("/XObject")] = DictionaryObject({NameObject("/Fm1"): ref})
    content = DecodedStreamObject()
    content.set_data(b"q /Fm1 Do Q")
    page[NameObject("/Contents")] = writer._add_object(content)
    return _pdf_bytes(writer)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _page_with(content: bytes) -> bytes:
    """A one-page PDF whose content stream is ``content`` (Helvetica as /F1)."""
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = _pdf_writer([["Monthly statistics"]])
    stream = DecodedStreamObject()
    stream.set_data(content)
    writer.pages[0][NameObject("/Contents")] = writer._add_object(stream)
    return _pdf_bytes(writer)


def pdf_kerning(c: Content) -> bytes:
    """Text in TJ arrays with kerning between pieces, as most generators write it."""
    shows = []
    for line in c.lines():
        pieces = [line[i : i + 3] for i in range(0, len(line), 3)]
        shows.append("[" + " -12 ".join(f"({_escape(p)})" for p in pieces) + "] TJ")
    content = "BT /F1 10 Tf 72 740 Td " + " 0 -14 Td ".join(shows) + " ET"
    return _page_with(content.encode("latin-1", "replace"))


def pdf_hex_text(c: Content) -> bytes:
    shows = " 0 -14 Td ".join(
        "<" + line.encode("latin-1", "replace").hex() + "> Tj" for line in c.lines()
    )
    return _page_with(f"BT /F1 10 Tf 72 740 Td {shows} ET".encode())


def pdf_owner_password_only(c: Content) -> bytes:
    """Encrypted with an empty user password: every viewer opens it without asking."""
    from tests.corpus.documents import encrypted_pdf

    return encrypted_pdf(pdf_text(c), user_password="")


def pdf_stamp_appearance(c: Content) -> bytes:
    """A stamp annotation whose text is drawn only by its appearance stream (``/AP``): every
    viewer shows it; it is in no content stream and no ``/Contents``."""
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
    )

    writer = _pdf_writer()
    page = writer.pages[0]
    shows = " 0 -12 Td ".join(f"({_escape(line)}) Tj" for line in c.lines())
    appearance = DecodedStreamObject()
    appearance.set_data(f"BT /F1 9 Tf 5 280 Td {shows} ET".encode("latin-1", "replace"))
    appearance.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([FloatObject(v) for v in (0, 0, 540, 300)]),
            NameObject("/Resources"): page["/Resources"].get_object(),
        }
    )
    stamp = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Stamp"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (36, 300, 576, 600)]),
            NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(appearance)}),
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(stamp)])
    return _pdf_bytes(writer)


def pdf_per_glyph(c: Content) -> bytes:
    """Every glyph placed on its own (``Td`` per character), as some printers' drivers write."""
    shows = []
    for n, line in enumerate(c.lines()):
        x, y = 72.0, 740.0 - 14 * n
        for ch in line:
            shows.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm ({_escape(ch)}) Tj")
            x += 5.6 if ch != " " else 2.8
    return _page_with(("BT /F1 10 Tf " + " ".join(shows) + " ET").encode("latin-1", "replace"))


def pdf_text_with_logo(c: Content) -> bytes:
    """A text page that also draws a small image (a logo), as most letters and reports do."""
    from pypdf.generic import (
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        StreamObject,
    )

    writer = _pdf_writer([c.lines()])
    page = writer.pages[0]
    image = DecodedStreamObject()
    image.set_data(bytes([0, 255, 255, 0]))
    image.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(2),
            NameObject("/Height"): NumberObject(2),
            NameObject("/ColorSpace"): NameObject("/DeviceGray"),
            NameObject("/BitsPerComponent"): NumberObject(8),
        }
    )
    resources = page["/Resources"].get_object()
    assert isinstance(resources, DictionaryObject)
    resources[NameObject("/XObject")] = DictionaryObject(
        {NameObject("/Logo"): writer._add_object(image)}
    )
    contents = page["/Contents"].get_object()
    assert isinstance(contents, StreamObject)
    text = contents.get_data()
    content = DecodedStreamObject()
    content.set_data(b"q 60 0 0 30 500 750 cm /Logo Do Q " + text)
    page[NameObject("/Contents")] = writer._add_object(content)
    return _pdf_bytes(writer)


def _field(writer: PdfWriter, entries: dict[str, object]) -> None:
    """Add one form field (``entries`` as PDF objects) to the AcroForm of ``writer``."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    field = writer._add_object(DictionaryObject({NameObject(k): v for k, v in entries.items()}))
    form = DictionaryObject({NameObject("/Fields"): ArrayObject([field])})
    writer._root_object[NameObject("/AcroForm")] = writer._add_object(form)


def pdf_field_tooltip(c: Content) -> bytes:
    """A form field's tooltip (``/TU``), shown on hover; the field itself is empty."""
    from pypdf.generic import NameObject, TextStringObject

    writer = _pdf_writer()
    _field(writer, {"/FT": NameObject("/Tx"), "/T": TextStringObject("notes"),
                    "/TU": TextStringObject(c.line())})  # fmt: skip
    return _pdf_bytes(writer)


def pdf_choice_options(c: Content) -> bytes:
    """A list box's options (``/Opt``), one record per option."""
    from pypdf.generic import ArrayObject, NameObject, TextStringObject

    writer = _pdf_writer()
    options = ArrayObject([TextStringObject(line) for line in c.labelled()])
    _field(writer, {"/FT": NameObject("/Ch"), "/T": TextStringObject("pick"), "/Opt": options})
    return _pdf_bytes(writer)


def pdf_actual_text(c: Content) -> bytes:
    """Marked content whose ``/ActualText`` (what copy and paste and screen readers give)
    replaces what is drawn, here a row of dots."""
    spans = []
    for line in c.lines():
        hexed = (b"\xfe\xff" + line.encode("utf-16-be")).hex()
        spans.append(f"/Span << /ActualText <{hexed}> >> BDC (.......) Tj EMC")
    content = "BT /F1 10 Tf 72 740 Td " + " 0 -14 Td ".join(spans) + " ET"
    return _page_with(content.encode())


def pdf_structure_alt(c: Content) -> bytes:
    """Alternate descriptions (``/Alt``) of figures in the structure tree, which screen
    readers speak."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = _pdf_writer()
    figures = ArrayObject(
        [
            writer._add_object(
                DictionaryObject(
                    {
                        NameObject("/Type"): NameObject("/StructElem"),
                        NameObject("/S"): NameObject("/Figure"),
                        NameObject("/Alt"): TextStringObject(line),
                    }
                )
            )
            for line in c.labelled()
        ]
    )
    root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot"),
                             NameObject("/K"): figures})  # fmt: skip
    writer._root_object[NameObject("/StructTreeRoot")] = writer._add_object(root)
    writer._root_object[NameObject("/MarkInfo")] = DictionaryObject(
        {NameObject("/Marked"): NameObject("/true")}
    )
    return _pdf_bytes(writer)


def pdf_link_uri(c: Content) -> bytes:
    """Link annotations whose URI carries the record in its query string."""
    from urllib.parse import quote

    from pypdf.annotations import Link

    writer = _pdf_writer()
    for n, line in enumerate(c.labelled()):
        rect = (72, 700 - 14 * n, 300, 712 - 14 * n)
        writer.add_annotation(0, Link(rect=rect, url=f"https://records.example/?q={quote(line)}"))
    return _pdf_bytes(writer)


CASES: list[Case] = [
    Case("pdf", "page text", ".pdf", pdf_text),
    Case("pdf", "page text compressed", ".pdf", pdf_compressed),
    Case("pdf", "form XObject", ".pdf", pdf_form_xobject),
    Case("pdf", "bookmarks", ".pdf", pdf_bookmarks),
    Case("pdf", "/Info", ".pdf", pdf_info),
    Case("pdf", "/Info custom key", ".pdf", pdf_info_custom),
    Case("pdf", "XMP", ".pdf", pdf_xmp),
    Case("pdf", "form field", ".pdf", pdf_form_field),
    Case("pdf", "annotation", ".pdf", pdf_annotation),
    Case("pdf", "FreeText annotation", ".pdf", pdf_freetext),
    Case("pdf", "JavaScript", ".pdf", pdf_javascript),
    Case("pdf", "incremental update", ".pdf", pdf_incremental),
    Case("pdf", "TJ with kerning", ".pdf", pdf_kerning),
    Case("pdf", "hex-string text", ".pdf", pdf_hex_text),
    Case("pdf", "encrypted with an empty user password", ".pdf", pdf_owner_password_only),
    Case("pdf", "stamp appearance stream", ".pdf", pdf_stamp_appearance),
    Case("pdf", "one text object per glyph", ".pdf", pdf_per_glyph),
    Case("pdf", "form field tooltip", ".pdf", pdf_field_tooltip),
    Case("pdf", "choice field options", ".pdf", pdf_choice_options),
    Case("pdf", "marked-content /ActualText", ".pdf", pdf_actual_text),
    Case("pdf", "structure /Alt text", ".pdf", pdf_structure_alt),
    Case("pdf", "link URIs", ".pdf", pdf_link_uri),
]
