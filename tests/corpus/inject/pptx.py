"""PowerPoint carriers, written by hand: slides, tables, hidden slides, notes, comments, layouts."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import quoteattr

from tests.corpus.documents import zip_bytes
from tests.corpus.inject.content import Case, Content
from tests.corpus.inject.package import (
    DECL,
    OOXML,
    REL,
    RELS_CT,
    content_type,
    custom_xml_item,
    embedded,
    ooxml_member,
    ooxml_props,
    png,
    rewrite_zip,
    with_binary_parts,
    x,
)
from tests.corpus.inject.text import csv_file
from tests.corpus.inject.xlsx import xlsx_cells

_P = f"{OOXML}/presentationml/2006/main"
_PNS = f'xmlns:p="{_P}" xmlns:a="{OOXML}/drawingml/2006/main" xmlns:r="{REL}"'
_PT = "application/vnd.openxmlformats-officedocument.presentationml"


def _shape(n: int, lines: Sequence[str]) -> str:
    paragraphs = "".join(
        f'<a:p><a:r><a:rPr lang="en-US"/><a:t>{x(t)}</a:t></a:r></a:p>' for t in lines
    )
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{n}" name="Text {n}"/><p:cNvSpPr txBox="1"/><p:nvPr/>'
        "</p:nvSpPr><p:spPr/>"
        f"<p:txBody><a:bodyPr/><a:lstStyle/>{paragraphs}</p:txBody></p:sp>"
    )


def _ptable(rows: Sequence[Sequence[str]]) -> str:
    grid = "".join('<a:gridCol w="1000000"/>' for _ in rows[0])
    body = "".join(
        '<a:tr h="300000">'
        + "".join(
            f"<a:tc><a:txBody><a:bodyPr/><a:p><a:r><a:t>{x(v)}</a:t></a:r></a:p></a:txBody>"
            "<a:tcPr/></a:tc>"
            for v in row
        )
        + "</a:tr>"
        for row in rows
    )  # fmt: skip
    return (
        '<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="4" name="Table 1"/>'
        "<p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr><p:xfrm/><a:graphic>"
        f'<a:graphicData uri="{OOXML}/drawingml/2006/table"><a:tbl><a:tblGrid>{grid}'
        f"</a:tblGrid>{body}</a:tbl></a:graphicData></a:graphic></p:graphicFrame>"
    )


def _slide(shapes: str, show: bool = True) -> str:
    hidden = "" if show else ' show="0"'
    return (
        f'<p:sld {_PNS}{hidden}><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/>'
        f"<p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>{shapes}</p:spTree></p:cSld>"
        "</p:sld>"
    )


def pptx(
    slides: Sequence[str],
    *,
    notes: str | None = None,
    comments: str | None = None,
    layout_text: Sequence[str] = (),
) -> bytes:
    """A PowerPoint deck: ``slides`` are whole ``p:sld`` documents; ``notes`` are lines of
    speaker notes on slide 1; ``comments`` a ``p:cmLst`` body for slide 1."""
    members: list[tuple[str, str]] = []
    overrides = [("ppt/presentation.xml", f"{_PT}.presentation.main+xml")]
    pres_rels = [
        ("rId1", f"{REL}/slideMaster", "slideMasters/slideMaster1.xml"),
        ("rId2", f"{REL}/theme", "theme/theme1.xml"),
    ]
    slide_ids = ""
    for n, slide in enumerate(slides, 1):
        members.append((f"ppt/slides/slide{n}.xml", DECL + slide))
        overrides.append((f"ppt/slides/slide{n}.xml", f"{_PT}.slide+xml"))
        pres_rels.append((f"rId{10 + n}", f"{REL}/slide", f"slides/slide{n}.xml"))
        slide_ids += f'<p:sldId id="{255 + n}" r:id="rId{10 + n}"/>'
        rels = [("rId1", f"{REL}/slideLayout", "../slideLayouts/slideLayout1.xml")]
        if n == 1 and notes is not None:
            rels.append(("rId2", f"{REL}/notesSlide", "../notesSlides/notesSlide1.xml"))
        if n == 1 and comments is not None:
            rels.append(("rId3", f"{REL}/comments", "../comments/comment1.xml"))
        members.append((f"ppt/slides/_rels/slide{n}.xml.rels", _rels_xml(rels)))
    if notes is not None:
        body = (
            _slide(_shape(2, notes.splitlines()))
            .replace("p:sld ", "p:notes ")
            .replace("</p:sld>", "</p:notes>")
        )
        members.append(("ppt/notesSlides/notesSlide1.xml", DECL + body))
        overrides.append(("ppt/notesSlides/notesSlide1.xml", f"{_PT}.notesSlide+xml"))
        members.append(
            (
                "ppt/notesSlides/_rels/notesSlide1.xml.rels",
                _rels_xml([("rId1", f"{REL}/slide", "../slides/slide1.xml")]),
            )
        )
    if comments is not None:
        members.append(
            ("ppt/comments/comment1.xml", DECL + f"<p:cmLst {_PNS}>{comments}</p:cmLst>")
        )
        overrides.append(("ppt/comments/comment1.xml", f"{_PT}.comments+xml"))
        members.append(
            (
                "ppt/commentAuthors.xml",
                DECL + f'<p:cmAuthorLst {_PNS}><p:cmAuthor id="0" name="Reviewer" initials="R"'
                ' lastIdx="1" clrIdx="0"/></p:cmAuthorLst>',
            )
        )
        overrides.append(("ppt/commentAuthors.xml", f"{_PT}.commentAuthors+xml"))
        pres_rels.append(("rId3", f"{REL}/commentAuthors", "commentAuthors.xml"))
    layout = (
        f'<p:sldLayout {_PNS}><p:cSld name="Title"><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/>'
        "<p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>"
        f"{_shape(2, layout_text) if layout_text else ''}"
        "</p:spTree></p:cSld></p:sldLayout>"
    )
    master = (
        f'<p:sldMaster {_PNS}><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/>'
        "<p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/></p:spTree></p:cSld>"
        '<p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/></p:sldLayoutIdLst>'
        "</p:sldMaster>"
    )
    theme = (
        f'<a:theme xmlns:a="{OOXML}/drawingml/2006/main" name="Office Theme"><a:themeElements>'
        '<a:clrScheme name="Office"><a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1>'
        '<a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1></a:clrScheme>'
        '<a:fontScheme name="Office"><a:majorFont><a:latin typeface="Calibri Light"/></a:majorFont>'
        '<a:minorFont><a:latin typeface="Calibri"/></a:minorFont></a:fontScheme>'
        "</a:themeElements></a:theme>"
    )
    members += [
        ("ppt/slideLayouts/slideLayout1.xml", DECL + layout),
        (
            "ppt/slideLayouts/_rels/slideLayout1.xml.rels",
            _rels_xml([("rId1", f"{REL}/slideMaster", "../slideMasters/slideMaster1.xml")]),
        ),
        ("ppt/slideMasters/slideMaster1.xml", DECL + master),
        (
            "ppt/slideMasters/_rels/slideMaster1.xml.rels",
            _rels_xml(
                [
                    ("rId1", f"{REL}/slideLayout", "../slideLayouts/slideLayout1.xml"),
                    ("rId2", f"{REL}/theme", "../theme/theme1.xml"),
                ]
            ),
        ),
        ("ppt/theme/theme1.xml", DECL + theme),
    ]
    overrides += [
        ("ppt/slideLayouts/slideLayout1.xml", f"{_PT}.slideLayout+xml"),
        ("ppt/slideMasters/slideMaster1.xml", f"{_PT}.slideMaster+xml"),
        ("ppt/theme/theme1.xml", "application/vnd.openxmlformats-officedocument.theme+xml"),
    ]
    presentation = (
        f'<p:presentation {_PNS}><p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/>'
        f"</p:sldMasterIdLst><p:sldIdLst>{slide_ids}</p:sldIdLst>"
        '<p:sldSz cx="12192000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/>'
        "</p:presentation>"
    )
    types = (
        DECL + f'<Types xmlns="{OOXML}/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="{RELS_CT}"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="/{n}" ContentType="{t}"/>' for n, t in overrides)
        + "</Types>"
    )
    return zip_bytes(
        [
            ("[Content_Types].xml", types.encode()),
            (
                "_rels/.rels",
                _rels_xml([("rId1", f"{REL}/officeDocument", "ppt/presentation.xml")]).encode(),
            ),
            ("ppt/presentation.xml", (DECL + presentation).encode()),
            ("ppt/_rels/presentation.xml.rels", _rels_xml(pres_rels).encode()),
            *((name, body.encode()) for name, body in members),
        ]
    )


def _rels_xml(rels: Sequence[tuple[str, str, str]]) -> str:
    return (
        DECL
        + f'<Relationships xmlns="{OOXML}/package/2006/relationships">'
        + "".join(f'<Relationship Id="{i}" Type="{t}" Target="{g}"/>' for i, t, g in rels)
        + "</Relationships>"
    )


_COVER = _slide(_shape(2, ["Monthly statistics", "Asylum office, December 2022"]))


def pptx_slide(c: Content) -> bytes:
    return pptx([_COVER, _slide(_shape(2, c.lines()))])


def pptx_table(c: Content) -> bytes:
    return pptx([_COVER, _slide(_shape(2, [c.title]) + _ptable(c.table()))])


def pptx_hidden_slide(c: Content) -> bytes:
    return pptx([_COVER, _slide(_shape(2, c.lines()), show=False)])


def pptx_notes(c: Content) -> bytes:
    return pptx([_COVER], notes="\n".join(c.lines()))


def pptx_comments(c: Content) -> bytes:
    comments = "".join(
        f'<p:cm authorId="0" dt="2022-12-19T10:15:00" idx="{n}"><p:pos x="10" y="10"/>'
        f"<p:text>{x(line)}</p:text></p:cm>"
        for n, line in enumerate(c.labelled(), 1)
    )
    return pptx([_COVER], comments=comments)


def pptx_layout(c: Content) -> bytes:
    return pptx([_COVER], layout_text=c.lines())


def _pptx_base(c: Content) -> bytes:
    return pptx([_COVER])


def pptx_alt_text(c: Content) -> bytes:
    pictures = "".join(
        f'<p:pic><p:nvPicPr><p:cNvPr id="{10 + n}" name="Picture {n}" descr={quoteattr(line)}/>'
        "<p:cNvPicPr/><p:nvPr/></p:nvPicPr><p:blipFill/><p:spPr/></p:pic>"
        for n, line in enumerate(c.labelled())
    )
    return pptx([_COVER, _slide(_shape(2, ["Charts"]) + pictures)])


def pptx_smartart(c: Content) -> bytes:
    """A SmartArt diagram's data part (``ppt/diagrams/data1.xml``), where its text lives."""
    points = "".join(
        f'<dgm:pt modelId="{n}"><dgm:t><a:bodyPr/><a:p><a:r><a:t>{x(line)}</a:t></a:r></a:p>'
        "</dgm:t></dgm:pt>"
        for n, line in enumerate(c.labelled(), 1)
    )
    data = (
        DECL + '<dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/'
        f'diagram" xmlns:a="{OOXML}/drawingml/2006/main"><dgm:ptLst>{points}</dgm:ptLst>'
        "</dgm:dataModel>"
    )
    name = "ppt/diagrams/data1.xml"
    return rewrite_zip(
        _pptx_base(c),
        add=[(name, data.encode())],
        edit={
            "[Content_Types].xml": content_type(
                name, "application/vnd.openxmlformats-officedocument.drawingml.diagramData+xml"
            )
        },
    )


_PPTX_BINARY = (
    ("ppt/media/image1.png", png(), "image/png"),
    ("ppt/fonts/font1.fntdata", bytes(range(256)) * 8, "application/x-fontdata"),
)


def pptx_split_runs(c: Content) -> bytes:
    paragraphs = "".join(
        "<a:p>" + "".join(f"<a:r><a:t>{x(ch)}</a:t></a:r>" for ch in line) + "</a:p>"
        for line in c.lines()
    )
    shape = (
        '<p:sp><p:nvSpPr><p:cNvPr id="2" name="Text 2"/><p:cNvSpPr txBox="1"/><p:nvPr/>'
        f"</p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/>{paragraphs}</p:txBody></p:sp>"
    )
    return pptx([_COVER, _slide(shape)])


def pptx_link_tooltips(c: Content) -> bytes:
    runs = "".join(
        f'<a:p><a:r><a:rPr><a:hlinkClick r:id="" action="ppaction://noaction"'
        f" tooltip={quoteattr(line)}/></a:rPr><a:t>link {n}</a:t></a:r></a:p>"
        for n, line in enumerate(c.labelled())
    )
    shape = (
        '<p:sp><p:nvSpPr><p:cNvPr id="2" name="Text 2"/><p:cNvSpPr txBox="1"/><p:nvPr/>'
        f"</p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/>{runs}</p:txBody></p:sp>"
    )
    return pptx([_COVER, _slide(shape)])


def pptx_chart_cache(c: Content) -> bytes:
    """A chart's cached category labels (``ppt/charts/chart1.xml``)."""
    points = "".join(
        f'<c:pt idx="{n}"><c:v>{x(line)}</c:v></c:pt>' for n, line in enumerate(c.labelled())
    )
    chart = (
        DECL + '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart">'
        '<c:chart><c:plotArea><c:barChart><c:ser><c:idx val="0"/><c:order val="0"/><c:cat>'
        f'<c:strRef><c:f>Sheet1!$A$2:$A$13</c:f><c:strCache><c:ptCount val="{len(c.rows)}"/>'
        f"{points}</c:strCache></c:strRef></c:cat></c:ser></c:barChart></c:plotArea>"
        "</c:chart></c:chartSpace>"
    )
    name = "ppt/charts/chart1.xml"
    return rewrite_zip(
        _pptx_base(c),
        add=[(name, chart.encode())],
        edit={
            "[Content_Types].xml": content_type(
                name, "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
            )
        },
    )


def pptx_group(c: Content) -> bytes:
    """The text box inside a group of shapes (``p:grpSp``), as grouping on a slide leaves it."""
    group = (
        '<p:grpSp><p:nvGrpSpPr><p:cNvPr id="5" name="Group 5"/><p:cNvGrpSpPr/><p:nvPr/>'
        f"</p:nvGrpSpPr><p:grpSpPr/>{_shape(6, c.lines())}</p:grpSp>"
    )
    return pptx([_COVER, _slide(group)])


CASES: list[Case] = [
    Case("pptx", "slide", ".pptx", pptx_slide),
    Case("pptx", "table", ".pptx", pptx_table),
    Case("pptx", "hidden slide", ".pptx", pptx_hidden_slide),
    Case("pptx", "notes", ".pptx", pptx_notes),
    Case("pptx", "comments", ".pptx", pptx_comments),
    Case("pptx", "slide layout", ".pptx", pptx_layout),
    Case("pptx", "custom properties", ".pptx", ooxml_props(_pptx_base, "custom")),
    Case(
        "pptx",
        "extra member people.csv",
        ".pptx",
        ooxml_member(_pptx_base, "people.csv", csv_file),
    ),
    Case(
        "pptx",
        "extra member customXml",
        ".pptx",
        ooxml_member(_pptx_base, "customXml/item1.xml", custom_xml_item),
    ),
    Case(
        "pptx",
        "embedded workbook",
        ".pptx",
        embedded(_pptx_base, "ppt", "Microsoft_Excel_Worksheet1.xlsx", xlsx_cells),
    ),
    Case("pptx", "image alt text", ".pptx", pptx_alt_text),
    Case("pptx", "SmartArt data", ".pptx", pptx_smartart),
    *(
        Case("pptx", f"slide + {label}", ".pptx", with_binary_parts(pptx_slide, [part]))
        for label, part in zip(["an image", "an embedded font"], _PPTX_BINARY, strict=True)
    ),
    Case("pptx", "one run per character", ".pptx", pptx_split_runs),
    Case("pptx", "hyperlink tooltips", ".pptx", pptx_link_tooltips),
    Case("pptx", "chart cache", ".pptx", pptx_chart_cache),
    Case("pptx", "group shape", ".pptx", pptx_group),
]
