"""Word carriers: body, tables, headers, footers, comments, notes, revisions, text boxes, fields,
variables, imported chunks, glossary, properties, members."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from tests.corpus.documents import zip_bytes
from tests.corpus.inject.content import Build, Case, Content
from tests.corpus.inject.package import (
    DECL,
    JPEG,
    OOXML,
    REL,
    RELS_CT,
    custom_xml_item,
    embedded,
    ooxml_member,
    ooxml_props,
    png,
    relationship,
    rewrite_zip,
    with_binary_parts,
    x,
)
from tests.corpus.inject.text import csv_file
from tests.corpus.inject.web import html_table
from tests.corpus.inject.xlsx import xlsx_cells

_W = f"{OOXML}/wordprocessingml/2006/main"
_WNS = (
    f'xmlns:w="{_W}" xmlns:r="{REL}"'
    ' xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
    ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    ' xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
    ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    ' xmlns:v="urn:schemas-microsoft-com:vml"'
)
_WT = "application/vnd.openxmlformats-officedocument.wordprocessingml"


def _wp(text: str, run_props: str = "") -> str:
    rpr = f"<w:rPr>{run_props}</w:rPr>" if run_props else ""
    return f'<w:p><w:r>{rpr}<w:t xml:space="preserve">{x(text)}</w:t></w:r></w:p>'


def _wtable(rows: Sequence[Sequence[str]]) -> str:
    cells = "".join(
        "<w:tr>" + "".join(f"<w:tc>{_wp(v)}</w:tc>" for v in row) + "</w:tr>" for row in rows
    )
    return f"<w:tbl><w:tblPr/>{cells}</w:tbl>"


@dataclass(frozen=True)
class _Part:
    name: str
    body: str
    content_type: str
    rel_type: str | None = None  # related from the main part
    rel_target: str | None = None


def docx(body: str, parts: Sequence[_Part] = (), settings: str = "") -> bytes:
    """A Word document: ``body`` is WordprocessingML inside ``w:body``."""
    overrides = [("word/document.xml", f"{_WT}.document.main+xml")]
    rels = []
    members = []
    for n, part in enumerate(parts, 10):
        overrides.append((part.name, part.content_type))
        members.append((part.name, (DECL + part.body).encode()))
        if part.rel_type:
            rels.append(
                (f"rId{n}", part.rel_type, part.rel_target or part.name.removeprefix("word/"))
            )
    if settings:
        overrides.append(("word/settings.xml", f"{_WT}.settings+xml"))
        members.append(
            ("word/settings.xml", (DECL + f"<w:settings {_WNS}>{settings}</w:settings>").encode())
        )
        rels.append(("rId9", f"{REL}/settings", "settings.xml"))
    types = (
        DECL + f'<Types xmlns="{OOXML}/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="{RELS_CT}"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="html" ContentType="text/html"/>'
        '<Default Extension="xlsx" ContentType="application/vnd.openxmlformats-officedocument'
        '.spreadsheetml.sheet"/>'
        + "".join(f'<Override PartName="/{n}" ContentType="{t}"/>' for n, t in overrides)
        + "</Types>"
    )
    root_rels = (
        DECL + f'<Relationships xmlns="{OOXML}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/>'
        "</Relationships>"
    )
    doc_rels = (
        DECL
        + f'<Relationships xmlns="{OOXML}/package/2006/relationships">'
        + "".join(f'<Relationship Id="{i}" Type="{t}" Target="{g}"/>' for i, t, g in rels)
        + "</Relationships>"
    )
    document = DECL + f"<w:document {_WNS}><w:body>{body}<w:sectPr/></w:body></w:document>"
    return zip_bytes(
        [
            ("[Content_Types].xml", types.encode()),
            ("_rels/.rels", root_rels.encode()),
            ("word/document.xml", document.encode()),
            ("word/_rels/document.xml.rels", doc_rels.encode()),
            *members,
        ]
    )


_INTRO = _wp("Monthly statistics: see the attached tables.")


def docx_body(c: Content) -> bytes:
    return docx(_INTRO + "".join(_wp(line) for line in c.lines()))


def docx_table(c: Content) -> bytes:
    return docx(_INTRO + _wtable(c.table()))


def _docx_story(tag: str, file: str, kind: str, rel: str) -> Build:
    def build(c: Content) -> bytes:
        text = "".join(_wp(line) for line in c.lines())
        part = _Part(
            f"word/{file}",
            f"<w:{tag} {_WNS}>{text}</w:{tag}>",
            f"{_WT}.{kind}+xml",
            f"{REL}/{rel}",
        )
        return docx(_INTRO, [part])

    return build


def docx_comments(c: Content) -> bytes:
    comments = "".join(
        f'<w:comment w:id="{n}" w:author="reviewer">{_wp(line)}</w:comment>'
        for n, line in enumerate(c.labelled())
    )
    part = _Part(
        "word/comments.xml",
        f"<w:comments {_WNS}>{comments}</w:comments>",
        f"{_WT}.comments+xml",
        f"{REL}/comments",
    )
    return docx(_INTRO, [part])


def _docx_notes(tag: str) -> Build:
    def build(c: Content) -> bytes:
        notes = "".join(
            f'<w:{tag} w:id="{n}">{_wp(line)}</w:{tag}>' for n, line in enumerate(c.labelled(), 1)
        )
        refs = "".join(
            f'<w:r><w:{tag}Reference w:id="{n}"/></w:r>' for n in range(1, len(c.rows) + 1)
        )
        body = f"<w:p><w:r><w:t>Sources</w:t></w:r>{refs}</w:p>"
        part = _Part(
            f"word/{tag}s.xml",
            f"<w:{tag}s {_WNS}>{notes}</w:{tag}s>",
            f"{_WT}.{tag}s+xml",
            f"{REL}/{tag}s",
        )
        return docx(body, [part])

    return build


def docx_deleted(c: Content) -> bytes:
    runs = "".join(
        f'<w:p><w:del w:id="{n}" w:author="editor"><w:r><w:delText xml:space="preserve">'
        f"{x(line)}</w:delText></w:r></w:del></w:p>"
        for n, line in enumerate(c.lines())
    )
    return docx(_INTRO + runs)


def docx_hidden_text(c: Content) -> bytes:
    return docx(_INTRO + "".join(_wp(line, "<w:vanish/>") for line in c.lines()))


def docx_text_box(c: Content) -> bytes:
    inner = "".join(_wp(line) for line in c.lines())
    box = (
        '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor>'
        '<wp:extent cx="5000000" cy="3000000"/><wp:docPr id="1" name="Text Box 1"/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/'
        f'wordprocessingShape"><wps:wsp><wps:txbx><w:txbxContent>{inner}</w:txbxContent>'
        "</wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor>"
        "</w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>"
        f"{inner}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r></w:p>"
    )
    return docx(_INTRO + box)


def docx_field_code(c: Content) -> bytes:
    """Text in a field instruction (``w:instrText``), which Word hides behind the result."""
    runs = "".join(
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
        f' MERGEFIELD "{x(line)}" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        for line in c.labelled()
    )
    return docx(_INTRO + runs)


def docx_doc_vars(c: Content) -> bytes:
    variables = "".join(
        f'<w:docVar w:name="r{n}" w:val={quoteattr(line)}/>' for n, line in enumerate(c.labelled())
    )
    return docx(_INTRO, settings=f"<w:docVars>{variables}</w:docVars>")


def docx_alt_chunk(c: Content) -> bytes:
    """An ``altChunk``: an HTML file Word imports into the body when it opens the document."""
    document = docx(_INTRO + '<w:altChunk r:id="rIdA1"/>')
    # The part is HTML, not XML (the package's default content type for .html is text/html).
    return rewrite_zip(
        document,
        add=[("word/afchunk.html", html_table(c))],
        edit={
            "word/_rels/document.xml.rels": relationship("rIdA1", f"{REL}/aFChunk", "afchunk.html")
        },
    )


def docx_glossary(c: Content) -> bytes:
    inner = "".join(_wp(line) for line in c.lines())
    glossary = (
        f'<w:glossaryDocument {_WNS}><w:docParts><w:docPart><w:docPartPr><w:name w:val="List"/>'
        f"</w:docPartPr><w:docPartBody>{inner}</w:docPartBody></w:docPart></w:docParts>"
        "</w:glossaryDocument>"
    )
    part = _Part("word/glossary/document.xml", glossary, f"{_WT}.document.glossary+xml",
                 f"{REL}/glossaryDocument", "glossary/document.xml")  # fmt: skip
    return docx(_INTRO, [part])


def docx_base(c: Content) -> bytes:
    return docx(_INTRO + _wp("No individual records are published."))


def docx_hyperlink_tooltips(c: Content) -> bytes:
    links = "".join(
        f'<w:p><w:hyperlink w:anchor="top" w:tooltip={quoteattr(line)}><w:r><w:t>link {n}'
        "</w:t></w:r></w:hyperlink></w:p>"
        for n, line in enumerate(c.labelled())
    )
    return docx(_INTRO + links)


def docx_image_alt_text(c: Content) -> bytes:
    pictures = "".join(
        f'<w:p><w:r><w:drawing><wp:inline><wp:extent cx="100" cy="100"/><wp:docPr id="{n}"'
        f' name="Picture {n}" descr={quoteattr(line)}/></wp:inline></w:drawing></w:r></w:p>'
        for n, line in enumerate(c.labelled(), 1)
    )
    return docx(_INTRO + pictures)


def docx_tracked_move(c: Content) -> bytes:
    moved = "".join(
        f'<w:p><w:moveFrom w:id="{n}" w:author="editor"><w:r><w:t xml:space="preserve">'
        f"{x(line)}</w:t></w:r></w:moveFrom></w:p>"
        for n, line in enumerate(c.lines(), 1)
    )
    return docx(_INTRO + moved)


_DOCX_BINARY = (
    ("word/media/image1.png", png(), "image/png"),
    ("word/fonts/font1.odttf", bytes(range(256)) * 8,
     "application/vnd.openxmlformats-officedocument.obfuscatedFont"),
    ("docProps/thumbnail.jpeg", JPEG, "image/jpeg"),
)  # fmt: skip


def docx_split_runs(c: Content) -> bytes:
    """Every character its own run, as editing and spell-checking leave a document."""
    paragraphs = "".join(
        "<w:p>"
        + "".join(f'<w:r><w:t xml:space="preserve">{x(ch)}</w:t></w:r>' for ch in line)
        + "</w:p>"
        for line in c.lines()
    )
    return docx(_INTRO + paragraphs)


def docx_simple_field(c: Content) -> bytes:
    """A simple field (``w:fldSimple``) whose instruction, an attribute, holds the text."""
    instructions = [' DOCPROPERTY "' + line + '" ' for line in c.labelled()]
    fields = "".join(
        f"<w:p><w:fldSimple w:instr={quoteattr(instruction)}><w:r><w:t>1"
        "</w:t></w:r></w:fldSimple></w:p>"
        for instruction in instructions
    )
    return docx(_INTRO + fields)


def docx_nested_table(c: Content) -> bytes:
    """The table inside a cell of another table."""
    outer = (
        "<w:tbl><w:tblPr/><w:tr><w:tc>"
        + _wp("Annex")
        + "</w:tc><w:tc>"
        + _wtable(c.table())
        + _wp("")
        + "</w:tc></w:tr></w:tbl>"
    )
    return docx(_INTRO + outer)


CASES: list[Case] = [
    Case("docx", "body", ".docx", docx_body),
    Case("docx", "table", ".docx", docx_table),
    Case("docx", "header", ".docx", _docx_story("hdr", "header1.xml", "header", "header")),
    Case("docx", "footer", ".docx", _docx_story("ftr", "footer1.xml", "footer", "footer")),
    Case("docx", "comments", ".docx", docx_comments),
    Case("docx", "footnotes", ".docx", _docx_notes("footnote")),
    Case("docx", "endnotes", ".docx", _docx_notes("endnote")),
    Case("docx", "tracked deletion", ".docx", docx_deleted),
    Case("docx", "hidden text", ".docx", docx_hidden_text),
    Case("docx", "text box", ".docx", docx_text_box),
    Case("docx", "field code", ".docx", docx_field_code),
    Case("docx", "document variables", ".docx", docx_doc_vars),
    Case("docx", "altChunk HTML", ".docx", docx_alt_chunk),
    Case("docx", "glossary", ".docx", docx_glossary),
    Case("docx", "custom properties", ".docx", ooxml_props(docx_base, "custom")),
    Case("docx", "core properties", ".docx", ooxml_props(docx_base, "core")),
    Case(
        "docx",
        "extra member people.csv",
        ".docx",
        ooxml_member(docx_base, "people.csv", csv_file),
    ),
    Case(
        "docx",
        "extra member customXml",
        ".docx",
        ooxml_member(docx_base, "customXml/item1.xml", custom_xml_item),
    ),
    Case(
        "docx",
        "embedded workbook",
        ".docx",
        embedded(docx_base, "word", "Microsoft_Excel_Worksheet1.xlsx", xlsx_cells),
    ),
    Case("docx", "hyperlink tooltips", ".docx", docx_hyperlink_tooltips),
    Case("docx", "image alt text", ".docx", docx_image_alt_text),
    Case("docx", "tracked move", ".docx", docx_tracked_move),
    *(
        Case("docx", f"body + {label}", ".docx", with_binary_parts(docx_body, [part]))
        for label, part in zip(
            ["an image", "an embedded font", "a thumbnail"], _DOCX_BINARY, strict=True
        )
    ),
    Case("docx", "one run per character", ".docx", docx_split_runs),
    Case(
        "docx",
        "text chunk of an image",
        ".docx",
        lambda c: with_binary_parts(
            docx_base, [("word/media/image1.png", png(text=c.text()), "image/png")]
        )(c),
    ),
    Case("docx", "simple field instruction", ".docx", docx_simple_field),
    Case("docx", "nested table", ".docx", docx_nested_table),
]
