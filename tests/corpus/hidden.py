"""Documents whose text is hidden by formatting inside or between visible text (the "hidden
filler" class), written as each format's usual tool writes it: a value shown whole on screen
(``A218343183``) with hidden characters stored in the middle of it, and ordinary documents with
hidden parts that hold nothing personal, to show they stay clean."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape

from tests.corpus.documents import docx_bytes
from tests.corpus.people import Person


def split(value: str, filler: str, at: int = 4) -> tuple[str, str, str]:
    """A value cut at ``at`` with ``filler`` to go between its halves."""
    return value[:at], filler, value[at:]


# HTML


def html_table(persons: Sequence[Person], cell: Callable[[str], str], head: str = "") -> str:
    """A table of names, A-numbers and birthdates whose name and A-number cells are
    ``cell(value)`` (markup)."""
    rows = "".join(
        f"<tr><td>{cell(p.name)}</td><td>{cell(p.a_number)}</td><td>{p.birthdate}</td></tr>"
        for p in persons
    )
    return (
        f"<html><head>{head}</head><body><table><tr><th>Client</th><th>Ref</th><th>Born</th>"
        f"</tr>{rows}</table></body></html>"
    )


def html_ordinary_page() -> str:
    """A page with a hidden drop-down menu, a hidden dialog, a style sheet that hides and
    reverses, and Arabic and Hebrew text in right-to-left blocks: nothing personal."""
    return (
        "<html><head><title>Field office hours</title><style>"
        ".menu ul{display:none} .menu:hover ul{display:block} .sr-only{font-size:0}"
        ".fade{opacity:0} [data-tip]{visibility:hidden}</style></head><body>"
        "<nav class=menu><a href=/>Home</a><ul><li>Press releases</li><li>Statistics</li>"
        "</ul></nav><div hidden><p>Sign in to continue</p></div>"
        "<h1>Office hours</h1><p>Monday to Friday, 9:00 to 16:00.<span class=sr-only>"
        " (opens in a new window)</span></p>"
        "<p dir=rtl lang=ar>ساعات العمل من الاثنين إلى الجمعة</p>"
        "<p dir=rtl lang=he>שעות הפעילות: ראשון עד חמישי</p>"
        "<p><bdo dir=rtl>.sruoh eciffO</bdo></p>"
        "<table><tr><th>Office</th><th>Hours</th></tr><tr><td>Miami"
        "<span style='display:none'> (closed)</span></td><td>9-16</td></tr></table>"
        "</body></html>"
    )


# DOCX: runs with properties


def docx_runs(paragraphs: Sequence[Sequence[tuple[str, str]]], styles: str = "") -> bytes:
    """A document of paragraphs, each a sequence of (text, run properties XML) runs;
    ``styles`` is extra ``w:style`` XML for styles.xml."""
    body = "".join(
        "<w:p>"
        + "".join(
            f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}"
            f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
            for text, props in runs
        )
        + "</w:p>"
        for runs in paragraphs
    )
    data = docx_bytes([("xml", body)])
    if not styles:
        return data
    return _edit_member(
        data, "word/styles.xml", lambda xml: xml.replace("</w:styles>", f"{styles}</w:styles>")
    )


def _edit_member(data: bytes, name: str, edit: Callable[[str], str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == name:
                content = edit(content.decode()).encode()
            dst.writestr(info.filename, content)
    return out.getvalue()


# ODT

_ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"'
)


def odt_bytes(body: str, automatic: str = "", named: str = "") -> bytes:
    """A text document: ``body`` in office:text, ``automatic`` styles in content.xml,
    ``named`` styles in styles.xml."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODF_NS} '
        f'office:version="1.2"><office:automatic-styles>{automatic}</office:automatic-styles>'
        f"<office:body><office:text>{body}</office:text></office:body>"
        "</office:document-content>"
    )
    styles = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {_ODF_NS} '
        f'office:version="1.2"><office:styles>{named}</office:styles></office:document-styles>'
    )
    manifest = (
        '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
        'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.text"/></manifest:manifest>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", content)
        zf.writestr("styles.xml", styles)
        zf.writestr("META-INF/manifest.xml", manifest)
    return out.getvalue()


def odt_text_style(name: str, properties: str) -> str:
    return (
        f'<style:style style:name="{name}" style:family="text">'
        f"<style:text-properties {properties}/></style:style>"
    )


# RTF


def rtf_bytes(lines: Sequence[str]) -> bytes:
    """Paragraphs of RTF source (control words as written)."""
    body = "".join(f"{line}\\par\n" for line in lines)
    return ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}}\n" + body + "}").encode()


# PPTX

_PRESENTATION_NS = (
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
)


def pptx_run(text: str, properties: str = "", children: str = "") -> str:
    return (
        f'<a:r><a:rPr lang="en-US" {properties}>{children}</a:rPr><a:t>{escape(text)}</a:t></a:r>'
    )


def pptx_paragraphs(paragraphs: Sequence[str]) -> bytes:
    """A one-slide deck whose one text box holds ``paragraphs`` (each ``a:p``'s runs XML)."""
    shape = (
        '<p:sp><p:nvSpPr><p:cNvPr id="2" name="t"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr/>'
        "<p:txBody><a:bodyPr/>"
        + "".join(f"<a:p>{p}</a:p>" for p in paragraphs)
        + "</p:txBody></p:sp>"
    )
    slide = (
        f'<?xml version="1.0" encoding="UTF-8"?><p:sld {_PRESENTATION_NS}><p:cSld><p:spTree>'
        '<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>'
        f"<p:grpSpPr/>{shape}</p:spTree></p:cSld></p:sld>"
    )
    ct = "http://schemas.openxmlformats.org/package/2006"
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    members = {
        "[Content_Types].xml": f'<?xml version="1.0"?><Types xmlns="{ct}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.presentationml.presentation.main+xml"/>'
        '<Override PartName="/ppt/slides/slide1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.presentationml.slide+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="{ct}/relationships">'
        f'<Relationship Id="rId1" Type="{office}/officeDocument" '
        'Target="ppt/presentation.xml"/></Relationships>',
        "ppt/presentation.xml": f'<?xml version="1.0"?><p:presentation {_PRESENTATION_NS}>'
        '<p:sldIdLst><p:sldId id="256" r:id="rId2"/></p:sldIdLst></p:presentation>',
        "ppt/_rels/presentation.xml.rels": f'<?xml version="1.0"?><Relationships '
        f'xmlns="{ct}/relationships"><Relationship Id="rId2" Type="{office}/slide" '
        'Target="slides/slide1.xml"/></Relationships>',
        "ppt/slides/slide1.xml": slide,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return out.getvalue()
