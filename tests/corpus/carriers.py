"""Files that carry a list of protected persons in a place a reader may not look: PDF bookmarks,
document info, XMP, form fields, XFA, annotations, attached files, JavaScript; HTML attributes,
comments, scripts, templates, style sheets, data URIs; mail headers, preambles, epilogues,
attached messages, MHTML and mbox. Each builder takes the payload as lines and returns bytes;
each file shows nothing protected where a plain reader of its main text looks.

``ordinary_*`` builders make the everyday files of each format, which must stay scannable.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from typing import Any

from tests.corpus.documents import PERSONS, eml_bytes, minimal_pdf, us
from tests.corpus.inject.package import png
from tests.corpus.people import Person

COVER = ["Quarterly facilities report", "", "Bed space rose by 4% over the quarter."]


def payload_persons() -> list[Person]:
    return PERSONS[40:46]


def payload_lines(persons: Sequence[Person] | None = None) -> list[str]:
    """A list of asylum seekers as a memo writes it: each line a person, under a heading that
    says what the list is."""
    persons = payload_persons() if persons is None else persons
    return ["Asylum applicants - credible fear interviews"] + [
        f"{p.last_first} {p.a_number} DOB {us(p)} {p.nationality} {p.claim}" for p in persons
    ]


def payload_csv(persons: Sequence[Person] | None = None) -> bytes:
    persons = payload_persons() if persons is None else persons
    rows = ["Name,A-Number,Date of birth,Country,Claim"]
    rows += [f"{p.name},{p.a_number},{us(p)},{p.nationality},{p.claim}" for p in persons]
    return ("\n".join(rows) + "\n").encode()


# PDF: a cover page of harmless text; the payload elsewhere.


def _writer(pages: Sequence[Sequence[str] | None] = (COVER,)) -> Any:
    from pypdf import PdfReader, PdfWriter

    return PdfWriter(clone_from=PdfReader(io.BytesIO(minimal_pdf(pages))))


def _written(writer: Any) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _stream(writer: Any, data: bytes, entries: dict[str, Any] | None = None) -> Any:
    """An indirect stream object of ``writer`` holding ``data``."""
    from pypdf.generic import DecodedStreamObject, NameObject

    stream = DecodedStreamObject()
    stream.set_data(data)
    for key, value in (entries or {}).items():
        stream[NameObject(key)] = value
    return writer._add_object(stream)


def pdf_bookmarks(lines: Sequence[str]) -> bytes:
    writer = _writer()
    parent = writer.add_outline_item(title=lines[0], page_number=0)
    for line in lines[1:]:
        writer.add_outline_item(title=line, page_number=0, parent=parent)
    return _written(writer)


def pdf_info(lines: Sequence[str]) -> bytes:
    writer = _writer()
    writer.add_metadata({"/Keywords": lines[0], "/X-Reviewed": "; ".join(lines[1:])})
    return _written(writer)


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def pdf_xmp(lines: Sequence[str]) -> bytes:
    from pypdf.generic import NameObject

    items = "".join(f"<rdf:li>{_xml_escape(line)}</rdf:li>" for line in lines)
    xmp = (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><rdf:Description rdf:about="">'
        f"<dc:subject><rdf:Bag>{items}</rdf:Bag></dc:subject>"
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()
    writer = _writer()
    reference = _stream(
        writer, xmp, {"/Type": NameObject("/Metadata"), "/Subtype": NameObject("/XML")}
    )
    writer._root_object[NameObject("/Metadata")] = reference
    return _written(writer)


def pdf_form_fields(persons: Sequence[Person] | None = None) -> bytes:
    persons = payload_persons() if persons is None else persons
    fields = {"Form": "I-589 Application for Asylum and for Withholding of Removal"}
    for n, p in enumerate(persons, 1):
        fields[f"applicant {n} name"] = p.name
        fields[f"applicant {n} a-number"] = p.a_number
    return minimal_pdf([COVER], fields=fields)


def pdf_xfa(lines: Sequence[str]) -> bytes:
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    rows = "".join(f"<applicant>{_xml_escape(line)}</applicant>" for line in lines)
    xdp = f'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><xfa:datasets><data>{rows}</data></xfa:datasets></xdp:xdp>'
    writer = _writer()
    reference = _stream(writer, xdp.encode())
    form = DictionaryObject()
    form[NameObject("/Fields")] = ArrayObject()
    form[NameObject("/XFA")] = ArrayObject([TextStringObject("datasets"), reference])
    writer._root_object[NameObject("/AcroForm")] = writer._add_object(form)
    return _written(writer)


def _annotate(writer: Any, annotation: dict[str, Any]) -> None:
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    body = DictionaryObject()
    body[NameObject("/Type")] = NameObject("/Annot")
    body[NameObject("/Rect")] = ArrayObject([])
    for key, value in annotation.items():
        body[NameObject(key)] = value
    page = writer.pages[0]
    annots = page.get("/Annots")
    if annots is None:
        page[NameObject("/Annots")] = annots = ArrayObject()
    annots.get_object().append(writer._add_object(body))


def pdf_annotation_contents(lines: Sequence[str]) -> bytes:
    """A sticky note and its pop-up, with the list in the note's rich text."""
    from pypdf.generic import NameObject, TextStringObject

    writer = _writer()
    rich = "<body><p>" + "</p><p>".join(_xml_escape(line) for line in lines) + "</p></body>"
    _annotate(
        writer,
        {
            "/Subtype": NameObject("/Text"),
            "/Contents": TextStringObject("see attached list"),
            "/RC": TextStringObject(rich),
        },
    )
    return _written(writer)


def pdf_link_uri(persons: Sequence[Person] | None = None) -> bytes:
    from urllib.parse import urlencode

    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    persons = payload_persons() if persons is None else persons
    query = urlencode(
        [("report", "asylum applicants credible fear")]
        + [(f"applicant{n}", f"{p.name} {p.a_number}") for n, p in enumerate(persons)]
    )
    writer = _writer()
    action = DictionaryObject()
    action[NameObject("/S")] = NameObject("/URI")
    action[NameObject("/URI")] = TextStringObject(f"https://cases.example/view?{query}")
    _annotate(writer, {"/Subtype": NameObject("/Link"), "/A": action})
    return _written(writer)


def pdf_file_attachment_annotation(data: bytes, name: str = "applicants.csv") -> bytes:
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = _writer()
    embedded = _stream(writer, data, {"/Type": NameObject("/EmbeddedFile")})
    files = DictionaryObject()
    files[NameObject("/F")] = embedded
    spec = DictionaryObject()
    spec[NameObject("/Type")] = NameObject("/Filespec")
    spec[NameObject("/F")] = TextStringObject(name)
    spec[NameObject("/EF")] = files
    _annotate(writer, {"/Subtype": NameObject("/FileAttachment"), "/FS": spec})
    return _written(writer)


def pdf_embedded_file(data: bytes, name: str = "applicants.csv") -> bytes:
    writer = _writer()
    writer.add_attachment(name, data)
    return _written(writer)


def pdf_javascript(lines: Sequence[str]) -> bytes:
    """A document-level script (the JavaScript name tree, as Acrobat writes it) that lists the
    persons in a string array; the script is a stream."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = _writer()
    script = _stream(writer, f"var applicants = {json.dumps(list(lines))};".encode())
    action = DictionaryObject()
    action[NameObject("/S")] = NameObject("/JavaScript")
    action[NameObject("/JS")] = script
    tree = DictionaryObject()
    tree[NameObject("/Names")] = ArrayObject([TextStringObject("init"), writer._add_object(action)])
    names = DictionaryObject()
    names[NameObject("/JavaScript")] = writer._add_object(tree)
    writer._root_object[NameObject("/Names")] = names
    return _written(writer)


def pdf_private_stream(data: bytes) -> bytes:
    """A stream only a program finds: under a private key of the catalog."""
    from pypdf.generic import NameObject

    writer = _writer()
    writer._root_object[NameObject("/AgencyPrivate")] = _stream(writer, data)
    return _written(writer)


def pdf_private_string(lines: Sequence[str]) -> bytes:
    from pypdf.generic import NameObject, TextStringObject

    writer = _writer()
    writer._root_object[NameObject("/AgencyNote")] = TextStringObject("\n".join(lines))
    return _written(writer)


def pdf_binary_stream() -> bytes:
    """A stream of bytes that are neither text nor any kind of stream PDF defines."""
    return pdf_private_stream(bytes(range(256)) * 8)


def pdf_redacted_by_update(lines: Sequence[str]) -> bytes:
    """The list on page 1, "redacted" by an incremental update that replaces the page's text:
    the original revision is still in the file, and any tool opens the file as it was."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter(io.BytesIO(minimal_pdf([list(lines)])), incremental=True)
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 11 Tf 72 740 Td (Quarterly facilities report) Tj ET")
    writer.pages[0][NameObject("/Contents")] = writer._add_object(content)
    return _written(writer)


def pdf_undecodable_page(lines: Sequence[str]) -> bytes:
    """Page 2's content stream claims Flate compression and holds bytes that do not inflate:
    pypdf extracts nothing from it, quietly."""
    data = minimal_pdf([COVER, list(lines)])
    start = data.rindex(b"<< /Length", 0, data.index(b"BT /F1 11 Tf", data.index(b"Bed space")))
    end = data.index(b"endstream", start)
    garbage = b"<< /Filter /FlateDecode /Length 30 >>\nstream\n" + b"x" * 30 + b"\n"
    return data[:start] + garbage + data[end:]


PDF_ATTACKS: dict[str, Callable[[], bytes]] = {
    "earlier revision": lambda: pdf_redacted_by_update(payload_lines()),
    "bookmarks": lambda: pdf_bookmarks(payload_lines()),
    "info": lambda: pdf_info(payload_lines()),
    "xmp": lambda: pdf_xmp(payload_lines()),
    "form fields": lambda: pdf_form_fields(),
    "xfa": lambda: pdf_xfa(payload_lines()),
    "annotation rich text": lambda: pdf_annotation_contents(payload_lines()),
    "link uri": lambda: pdf_link_uri(),
    "file attachment annotation": lambda: pdf_file_attachment_annotation(payload_csv()),
    "embedded file": lambda: pdf_embedded_file(payload_csv()),
    "javascript": lambda: pdf_javascript(payload_lines()),
    "private stream": lambda: pdf_private_stream(payload_csv()),
    "private string": lambda: pdf_private_string(payload_lines()),
}


def ordinary_pdf() -> bytes:
    """A report with a title, an author, a bookmark and a link, as office suites write them."""
    writer = _writer([COVER, ["Annex: bed space by facility", "Otay Mesa 1,200"]])
    writer.add_metadata({"/Title": "Quarterly facilities report", "/Author": "Records Unit"})
    writer.add_outline_item(title="Annex", page_number=1)
    return _written(writer)


# HTML: a press release on the page; the payload where the page does not show it.


def _page(inside: str, head: str = "") -> bytes:
    return (
        "<!DOCTYPE html><html><head><title>Facilities</title>"
        f"{head}</head><body><h1>Facilities</h1><p>Bed space rose by 4%.</p>{inside}</body></html>"
    ).encode()


def _persons_html(render: Callable[[Person], str]) -> str:
    return "".join(render(p) for p in payload_persons())


def html_attacks() -> dict[str, bytes]:
    def attr(p: Person) -> str:
        return f"{p.last_first} {p.a_number} {p.claim}"

    lines = payload_lines()
    csv_uri = "data:text/csv;base64," + base64.b64encode(payload_csv()).decode()
    return {
        "title": _page(_persons_html(lambda p: f'<span title="{attr(p)}">*</span>')),
        "alt": _page(_persons_html(lambda p: f'<img src="x.png" alt="{attr(p)}">')),
        "data-*": _page(
            _persons_html(
                lambda p: (
                    f'<tr data-name="{p.name}" data-a-number="{p.a_number}" '
                    f'data-claim="{p.claim}"></tr>'
                )
            ).join(["<table>", "</table>"])
        ),
        "hidden input": _page(
            "<form>"
            + _persons_html(
                lambda p: f'<input type="hidden" name="asylum_applicant" value="{attr(p)}">'
            )
            + "</form>"
        ),
        "meta content": _page(
            "",
            _persons_html(lambda p: f'<meta name="asylum-applicant" content="{attr(p)}">'),
        ),
        "placeholder and aria": _page(
            _persons_html(lambda p: f'<input placeholder="{p.name}" aria-label="{attr(p)}">')
        ),
        "href query": _page(
            _persons_html(
                lambda p: (
                    f'<a href="/case?name={p.name.replace(" ", "+")}&amp;a={p.a_number}'
                    f'&amp;claim={p.claim}">case</a>'
                )
            )
        ),
        "comment": _page("<!--\n" + "\n".join(lines) + "\n-->"),
        "script literals": _page(f"<script>var applicants = {json.dumps(lines)};</script>"),
        "json script": _page(
            '<script type="application/json">'
            + json.dumps(
                {
                    "report": "asylum applicants",
                    "applicants": [
                        {"name": p.name, "a_number": p.a_number, "claim": p.claim}
                        for p in payload_persons()
                    ],
                }
            )
            + "</script>"
        ),
        "template": _page("<template>" + "<br>".join(lines) + "</template>"),
        "noscript": _page("<noscript>" + "<br>".join(lines) + "</noscript>"),
        "textarea": _page("<textarea hidden>" + "\n".join(lines) + "</textarea>"),
        "style": _page("", "<style>/*\n" + "\n".join(lines) + "\n*/</style>"),
        "display none": _page('<div style="display:none">' + "<br>".join(lines) + "</div>"),
        "data uri": _page(f'<a href="{csv_uri}" download>download</a>'),
    }


def ordinary_html() -> bytes:
    return _page(
        '<p><a href="/press?year=2022&amp;month=11">November</a> <img src="data:image/png;base64,'
        + base64.b64encode(png()).decode()
        + '" alt="chart of bed space"></p><script>var year = "2022"; // analytics</script>',
        '<meta name="description" content="Detention statistics"><style>p{color:red}</style>',
    )


# Mail: a harmless body; the payload in a header, a preamble, an epilogue, an attached message.


def _multipart(preamble: str = "", epilogue: str = "") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Records Unit <records@agency.example>"
    message["To"] = "exports@agency.example"
    message["Subject"] = "Facilities report"
    message["Date"] = "Mon, 19 Dec 2022 10:15:00 -0500"
    message["Message-ID"] = "<1@agency.example>"
    message.set_content("Bed space rose by 4% over the quarter.\n")
    message.add_alternative("<p>Bed space rose by 4% over the quarter.</p>", subtype="html")
    message.preamble = preamble or None
    message.epilogue = epilogue or None
    return message


def mail_x_headers(lines: Sequence[str]) -> bytes:
    headers = [f"X-Case-List: {lines[0]}"]
    for n, line in enumerate(lines[1:], 1):
        # RFC 2047 encoded words, as clients write non-ASCII headers.
        encoded = base64.b64encode(line.encode()).decode()
        headers.append(f"X-Applicant-{n}: =?utf-8?b?{encoded}?=")
    return "\n".join(headers).encode() + b"\n" + bytes(_multipart())


def _around(where: str, lines: Sequence[str]) -> bytes:
    # The generator writes ASCII only; names are not: put the UTF-8 text in after.
    mark = f"{where.upper()}-GOES-HERE"
    data = bytes(_multipart(**{where: mark + "\n"}))
    return data.replace(mark.encode(), "\n".join(lines).encode())


def mail_preamble(lines: Sequence[str]) -> bytes:
    return _around("preamble", lines)


def mail_epilogue(lines: Sequence[str]) -> bytes:
    return _around("epilogue", lines)


def mail_attached_message(lines: Sequence[str]) -> bytes:
    inner = eml_bytes("Fwd: list", "\n".join(lines) + "\n")
    return eml_bytes("Facilities report", "Bed space rose by 4%.\n", messages=[inner])


def mail_part_headers(lines: Sequence[str]) -> bytes:
    message = _multipart()
    message.add_attachment(
        b"<p>Bed space by facility.</p>\n", maintype="text", subtype="html", filename="a.html"
    )
    part = next(iter(message.iter_attachments()))
    part["Content-Description"] = "; ".join(lines)
    return bytes(message)


def mhtml(lines: Sequence[str]) -> bytes:
    """A web page saved by a browser: multipart/related with the page and its parts."""
    page = "<html><body><p>Bed space rose.</p><!-- " + " | ".join(lines) + " --></body></html>"
    return (
        "From: <Saved by Blink>\r\n"
        "Snapshot-Content-Location: https://agency.example/stats\r\n"
        "Subject: Facilities\r\n"
        "Date: Mon, 19 Dec 2022 10:15:00 -0000\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/related; type="text/html"; boundary="----B"\r\n\r\n'
        "------B\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable\r\n"
        "Content-Location: https://agency.example/stats\r\n\r\n"
        f"{page}\r\n------B--\r\n"
    ).encode()


def mbox(messages: Sequence[bytes]) -> bytes:
    out = bytearray()
    for message in messages:
        out += b"From records@agency.example Mon Dec 19 10:15:00 2022\n"
        body = message.replace(b"\r\n", b"\n")
        body = b"\n".join(
            b">" + line if line.startswith(b"From ") else line for line in body.split(b"\n")
        )
        out += body.rstrip(b"\n") + b"\n\n"
    return bytes(out)


def mail_unknown_encoding(lines: Sequence[str]) -> bytes:
    body = base64.b64encode(("\n".join(lines)).encode()).decode()
    return (
        "From: a@agency.example\r\nTo: b@agency.example\r\nSubject: x\r\n"
        "Message-ID: <2@agency.example>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain\r\nContent-Transfer-Encoding: x-agency-pack\r\n\r\n"
        f"{body}\r\n"
    ).encode()


def mail_attacks() -> dict[str, bytes]:
    lines = payload_lines()
    return {
        "x headers": mail_x_headers(lines),
        "preamble": mail_preamble(lines),
        "epilogue": mail_epilogue(lines),
        "attached message": mail_attached_message(lines),
        "part headers": mail_part_headers(lines),
        "mhtml": mhtml(lines),
        "mbox": mbox([bytes(_multipart()), eml_bytes("Fwd: list", "\n".join(lines) + "\n")]),
        "unknown transfer encoding": mail_unknown_encoding(lines),
    }


def ordinary_mail() -> bytes:
    return bytes(_multipart())
