"""Workbook carriers, with openpyxl and by editing the package: sheets, hidden parts, formulas,
strings, comments, drawings, charts, links, properties, validation, headers, names, members."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence

from tests.corpus.inject.content import HARMLESS, Build, Case, Content
from tests.corpus.inject.package import (
    DECL,
    JPEG,
    OOXML,
    REL,
    Edit,
    chain,
    content_type,
    custom_xml_item,
    embedded,
    insert,
    ooxml_member,
    ooxml_props,
    png,
    relationship,
    rewrite_zip,
    with_binary_parts,
    x,
)
from tests.corpus.inject.text import csv_file


def _workbook(fill: Callable[[object, Content], object] | None, c: Content) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Summary"
    for row in HARMLESS.table():
        sheet.append(row)
    if fill is not None:
        fill(book, c)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def workbook_with(fill: Callable[[object, Content], object]) -> Build:
    return lambda c: _workbook(fill, c)


def sheet_with(c: Content, book: object, title: str = "Data") -> object:
    sheet = book.create_sheet(title)  # type: ignore[attr-defined]
    for row in c.table():
        sheet.append(row)
    return sheet


def xlsx_cells(c: Content) -> bytes:
    return _workbook(lambda book, c: sheet_with(c, book), c)


def _hidden_sheet(state: str) -> Build:
    def fill(book: object, c: Content) -> None:
        sheet_with(c, book).sheet_state = state  # type: ignore[attr-defined]

    return workbook_with(fill)


def _hidden_rows(book: object, c: Content) -> None:
    sheet = sheet_with(c, book)
    for row in range(2, len(c.table()) + 1):
        sheet.row_dimensions[row].hidden = True  # type: ignore[attr-defined]


def _stacked(book: object, c: Content) -> None:
    """A second table below the summary, on the same sheet, after a blank row."""
    sheet = book.active  # type: ignore[attr-defined]
    start = sheet.max_row + 2
    for n, row in enumerate(c.table()):
        for col, value in enumerate(row, 1):
            sheet.cell(start + n, col, value)


def _hidden_columns(book: object, c: Content) -> None:
    sheet = book.active  # type: ignore[attr-defined]
    for n, row in enumerate(c.table(), 1):
        for col, value in enumerate(row):
            sheet.cell(n, 10 + col, value)
    for col in range(10, 10 + len(c.header)):
        sheet.column_dimensions[_letter(col)].hidden = True


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(col))


def _formula_literal(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _formulas(book: object, c: Content) -> None:
    """Formulas without a cached value, as openpyxl and many generators write them: plain
    string literals, and concatenations Excel computes on opening."""
    sheet = book.create_sheet("Data")  # type: ignore[attr-defined]
    sheet.append(list(c.header))
    for row in c.rows:
        cells = []
        for value in row:
            half = len(value) // 2
            cells.append(f"={_formula_literal(value[:half])}&{_formula_literal(value[half:])}")
        sheet.append(cells)


def _formula_literals(book: object, c: Content) -> None:
    sheet = book.create_sheet("Data")  # type: ignore[attr-defined]
    for row in c.table():
        sheet.append([f"={_formula_literal(v)}" for v in row])


def _comments(book: object, c: Content) -> None:
    from openpyxl.comments import Comment

    sheet = book.active  # type: ignore[attr-defined]
    for n, line in enumerate(c.labelled(), 1):
        sheet.cell(n, 8).comment = Comment(line, "Records unit")


def _validation(book: object, c: Content) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet = book.active  # type: ignore[attr-defined]
    # A list validation holds at most 255 characters: one per record.
    for n, line in enumerate(c.labelled()):
        rule = DataValidation(type="list", formula1=_formula_literal(line[:250].replace(",", " ")))
        sheet.add_data_validation(rule)
        rule.add(f"H{n + 1}")


def _header_footer(book: object, c: Content) -> None:
    sheet = book.active  # type: ignore[attr-defined]
    lines = c.labelled()
    half = (len(lines) + 1) // 2
    sheet.oddHeader.center.text = "\n".join(lines[:half])
    sheet.oddFooter.center.text = "\n".join(lines[half:])


def _defined_names(book: object, c: Content) -> None:
    from openpyxl.workbook.defined_name import DefinedName

    for n, line in enumerate(c.labelled()):
        name = DefinedName(f"record_{n}", attr_text=_formula_literal(line[:250]))
        book.defined_names[name.name] = name  # type: ignore[attr-defined]


def _invisible_format(book: object, c: Content) -> None:
    sheet = sheet_with(c, book)
    for row in sheet.iter_rows():  # type: ignore[attr-defined]
        for cell in row:
            cell.number_format = ";;;"


def _hyperlinks(book: object, c: Content) -> None:
    from openpyxl.worksheet.hyperlink import Hyperlink

    sheet = book.active  # type: ignore[attr-defined]
    for n, line in enumerate(c.labelled(), 1):
        cell = sheet.cell(n, 8, "link")
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location="Summary!A1", tooltip=line[:250])


def _rich_text(book: object, c: Content) -> None:
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    sheet = book.create_sheet("Data")  # type: ignore[attr-defined]
    bold = InlineFont(b=True)
    for row in c.table():
        sheet.append(
            [CellRichText(TextBlock(bold, v[:3]), v[3:]) if len(v) > 3 else v for v in row]
        )


def _shared_strings(data: bytes, items: Sequence[str], sheet_rows: str = "") -> bytes:
    """A workbook with a shared-string table (as Excel writes one; openpyxl writes inline
    strings) holding ``items``, and ``sheet_rows`` added to sheet 1."""
    table = (
        DECL + f'<sst xmlns="{OOXML}/spreadsheetml/2006/main" count="{len(items)}"'
        f' uniqueCount="{len(items)}">'
        + "".join(f"<si><t>{x(v)}</t></si>" for v in items)
        + "</sst>"
    )
    edit: dict[str, Edit] = {
        "[Content_Types].xml": content_type(
            "xl/sharedStrings.xml",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
        ),
        "xl/_rels/workbook.xml.rels": relationship(
            "rIdS1", f"{REL}/sharedStrings", "sharedStrings.xml"
        ),
    }
    if sheet_rows:
        # Sheet 2 ("Data") is replaced by the rows given.
        edit["xl/worksheets/sheet2.xml"] = lambda xml: re.sub(
            rb"<sheetData>.*</sheetData>|<sheetData ?/>",
            f"<sheetData>{sheet_rows}</sheetData>".encode(),
            xml,
            flags=re.S,
        )
    return rewrite_zip(data, add=[("xl/sharedStrings.xml", table.encode())], edit=edit)


def xlsx_unused_shared_strings(c: Content) -> bytes:
    items = [v for row in c.table() for v in row]
    return _shared_strings(_workbook(None, c), items)


def xlsx_shared_strings(c: Content) -> bytes:
    """Cells that point into the shared-string table, as Excel writes them, on a sheet of
    their own."""
    items = [v for row in c.table() for v in row]
    width = len(c.header)
    rows = "".join(
        f'<row r="{r}">'
        + "".join(
            f'<c r="{_letter(col)}{r}" t="s"><v>{(r - 1) * width + col - 1}</v></c>'
            for col in range(1, width + 1)
        )
        + "</row>"
        for r in range(1, 1 + len(c.table()))
    )
    return _shared_strings(
        _workbook(lambda book, _c: sheet_with(_c, book, "Data"), HARMLESS), items, rows
    )


_DRAWING_NS = (
    'xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"'
    ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    ' xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"'
)


def _sheet_drawing(
    base: bytes, drawing: str, drawing_rels: str | None, extra: Sequence[tuple[str, bytes, str]]
) -> bytes:
    """Attach ``xl/drawings/drawing1.xml`` to sheet 1 (and ``extra`` parts with content types)."""
    rels = (
        DECL + f'<Relationships xmlns="{OOXML}/package/2006/relationships">'
        f'<Relationship Id="rIdD1" Type="{REL}/drawing" Target="../drawings/drawing1.xml"/>'
        "</Relationships>"
    )
    add = [
        ("xl/drawings/drawing1.xml", drawing.encode()),
        ("xl/worksheets/_rels/sheet1.xml.rels", rels.encode()),
    ]
    if drawing_rels is not None:
        add.append(("xl/drawings/_rels/drawing1.xml.rels", drawing_rels.encode()))
    types = [
        content_type(
            "xl/drawings/drawing1.xml", "application/vnd.openxmlformats-officedocument.drawing+xml"
        )
    ]
    for name, body, ct in extra:
        add.append((name, body))
        types.append(content_type(name, ct))

    def sheet(xml: bytes) -> bytes:
        xml = (
            xml.replace(b"<worksheet ", b'<worksheet xmlns:r="' + REL.encode() + b'" ', 1)
            if b"xmlns:r=" not in xml
            else xml
        )
        return insert(xml, b"</worksheet>", '<drawing r:id="rIdD1"/>')

    return rewrite_zip(
        base,
        add=add,
        edit={"[Content_Types].xml": chain(*types), "xl/worksheets/sheet1.xml": sheet},
    )


def _anchor(inner: str) -> str:
    return (
        "<xdr:twoCellAnchor><xdr:from><xdr:col>6</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1"
        "</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>14</xdr:col>"
        "<xdr:colOff>0</xdr:colOff><xdr:row>20</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
        f"{inner}<xdr:clientData/></xdr:twoCellAnchor>"
    )


def xlsx_text_box(c: Content) -> bytes:
    paragraphs = "".join(f"<a:p><a:r><a:t>{x(line)}</a:t></a:r></a:p>" for line in c.lines())
    shape = (
        '<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="2" name="TextBox 1"/>'
        '<xdr:cNvSpPr txBox="1"/></xdr:nvSpPr><xdr:spPr/>'
        f"<xdr:txBody><a:bodyPr/><a:lstStyle/>{paragraphs}</xdr:txBody></xdr:sp>"
    )
    drawing = DECL + f"<xdr:wsDr {_DRAWING_NS}>{_anchor(shape)}</xdr:wsDr>"
    return _sheet_drawing(_workbook(None, c), drawing, None, ())


def xlsx_chart_cache(c: Content) -> bytes:
    points = "".join(
        f'<c:pt idx="{n}"><c:v>{x(line)}</c:v></c:pt>' for n, line in enumerate(c.labelled())
    )
    values = "".join(f'<c:pt idx="{n}"><c:v>{n + 1}</c:v></c:pt>' for n in range(len(c.rows)))
    count = len(c.rows)
    chart = (
        DECL + f"<c:chartSpace {_DRAWING_NS}><c:chart><c:plotArea><c:barChart>"
        '<c:barDir val="col"/><c:ser><c:idx val="0"/><c:order val="0"/>'
        f"<c:cat><c:strRef><c:f>Deleted!$A$1:$A${count}</c:f><c:strCache>"
        f'<c:ptCount val="{count}"/>{points}</c:strCache></c:strRef></c:cat>'
        f"<c:val><c:numRef><c:f>Deleted!$B$1:$B${count}</c:f><c:numCache>"
        f'<c:ptCount val="{count}"/>{values}</c:numCache></c:numRef></c:val>'
        "</c:ser></c:barChart></c:plotArea></c:chart></c:chartSpace>"
    )
    frame = (
        '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="Chart 1"/>'
        "<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm/><a:graphic>"
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
        '<c:chart r:id="rIdC1"/></a:graphicData></a:graphic></xdr:graphicFrame>'
    )
    drawing = DECL + f"<xdr:wsDr {_DRAWING_NS}>{_anchor(frame)}</xdr:wsDr>"
    rels = (
        DECL + f'<Relationships xmlns="{OOXML}/package/2006/relationships">'
        f'<Relationship Id="rIdC1" Type="{REL}/chart" Target="../charts/chart1.xml"/>'
        "</Relationships>"
    )
    ct = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
    return _sheet_drawing(
        _workbook(None, c), drawing, rels, [("xl/charts/chart1.xml", chart.encode(), ct)]
    )


def xlsx_external_link(c: Content) -> bytes:
    """A link to another workbook keeps a cache of the linked cells' values."""
    rows = "".join(
        f'<row r="{r}">'
        + "".join(f'<cell r="{_letter(col)}{r}" t="str"><v>{x(v)}</v></cell>'
                  for col, v in enumerate(row, 1))
        + "</row>"
        for r, row in enumerate(c.table(), 1)
    )  # fmt: skip
    link = (
        DECL + f'<externalLink xmlns="{OOXML}/spreadsheetml/2006/main" xmlns:r="{REL}">'
        '<externalBook r:id="rId1"><sheetNames><sheetName val="Data"/></sheetNames>'
        f'<sheetDataSet><sheetData sheetId="0">{rows}</sheetData></sheetDataSet>'
        "</externalBook></externalLink>"
    )
    link_rels = (
        DECL + f'<Relationships xmlns="{OOXML}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/externalLinkPath" Target="file:///C:/data/list.xlsx"'
        ' TargetMode="External"/></Relationships>'
    )
    base = _workbook(None, c)
    return rewrite_zip(
        base,
        add=[
            ("xl/externalLinks/externalLink1.xml", link.encode()),
            ("xl/externalLinks/_rels/externalLink1.xml.rels", link_rels.encode()),
        ],
        edit={
            "[Content_Types].xml": content_type(
                "xl/externalLinks/externalLink1.xml",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml",
            ),
            "xl/_rels/workbook.xml.rels": relationship(
                "rIdE1", f"{REL}/externalLink", "externalLinks/externalLink1.xml"
            ),
            "xl/workbook.xml": lambda xml: insert(
                xml,
                b"</workbook>",
                f'<externalReferences><externalReference xmlns:r="{REL}" r:id="rIdE1"/>'
                "</externalReferences>",
            ),
        },
    )


def _xlsx_base(c: Content) -> bytes:
    return _workbook(None, c)


def xlsx_ole_object(c: Content) -> bytes:
    from tests.corpus.spreadsheets import ole_file

    ole = ole_file({"\x01Ole10Native": c.csv().encode()})
    return rewrite_zip(_workbook(None, c), add=[("xl/embeddings/oleObject1.bin", ole)])


def _number_format_literals(book: object, c: Content) -> None:
    """Number formats whose quoted literal is what the cell shows: Excel displays the text,
    the cell holds a number."""
    sheet = book.active  # type: ignore[attr-defined]
    for n, line in enumerate(c.labelled(), 1):
        cell = sheet.cell(n, 8, n)
        cell.number_format = '"' + line[:250].replace('"', "") + '"'


def _sheet_names(book: object, c: Content) -> None:
    for row in c.rows:
        name = f"{row[1]} {row[0]}".replace(":", " ")[:31]
        book.create_sheet(name).append(["see summary"])  # type: ignore[attr-defined]


def xlsx_threaded_comments(c: Content) -> bytes:
    """Modern Excel's threaded comments (``xl/threadedComments/``), a part of its own."""
    comments = "".join(
        f'<threadedComment ref="H{n}" dT="2022-12-19T10:15:00.00" personId="{{00000000-0000-'
        f'0000-0000-000000000001}}" id="{{00000000-0000-0000-0000-{n:012d}}}"><text>{x(line)}'
        "</text></threadedComment>"
        for n, line in enumerate(c.labelled(), 1)
    )
    part = (
        DECL + '<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/'
        f'2018/threadedcomments">{comments}</ThreadedComments>'
    )
    name = "xl/threadedComments/threadedComment1.xml"
    return rewrite_zip(
        _workbook(None, c),
        add=[(name, part.encode())],
        edit={
            "[Content_Types].xml": content_type(
                name, "application/vnd.ms-excel.threadedcomments+xml"
            )
        },
    )


def xlsx_vml_text_box(c: Content) -> bytes:
    """A legacy (VML) text box: a ``.vml`` part, XML that is not named ``.xml``."""
    lines = "<br/>".join(x(line) for line in c.lines())
    vml = (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:'
        'office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">'
        '<v:shape id="TextBox1" type="#_x0000_t202" style="position:absolute;width:400pt;'
        f'height:200pt"><v:textbox><div>{lines}</div></v:textbox>'
        '<x:ClientData ObjectType="Text"/></v:shape></xml>'
    )
    name = "xl/drawings/vmlDrawing9.vml"
    return rewrite_zip(
        _workbook(None, c),
        add=[(name, vml.encode())],
        edit={
            "[Content_Types].xml": lambda xml: insert(
                xml,
                b"</Types>",
                '<Default Extension="vml" ContentType="application/vnd.openxmlformats-'
                'officedocument.vmlDrawing"/>',
            )
        },
    )


def xlsx_app_properties(c: Content) -> bytes:
    """Extended properties (``docProps/app.xml``): Manager and Company, shown by File > Info."""

    def edit(xml: bytes) -> bytes:
        return insert(
            xml,
            b"</Properties>",
            f"<Manager>{x(c.line())}</Manager><Company>{x(c.title)}</Company>",
        )

    return rewrite_zip(_workbook(None, c), edit={"docProps/app.xml": edit})


_XLSX_BINARY = (
    ("xl/printerSettings/printerSettings1.bin", bytes(range(256)) * 4,
     "application/vnd.openxmlformats-officedocument.spreadsheetml.printerSettings"),
    ("xl/media/image1.png", png(), "image/png"),
    ("docProps/thumbnail.jpeg", JPEG, "image/jpeg"),
)  # fmt: skip


def _formatted_a_numbers(book: object, c: Content) -> None:
    """A-numbers stored as numbers, shown as ``A`` + 9 digits by a number format."""
    sheet = book.create_sheet("Data")  # type: ignore[attr-defined]
    sheet.append(list(c.header))
    for row in c.rows:
        values: list[object] = list(row)
        if row[1][:1] == "A" and row[1][1:].isdigit():
            values[1] = int(row[1][1:])
        sheet.append(values)
        sheet.cell(sheet.max_row, 2).number_format = '"A"000000000'


def _conditional_formats(book: object, c: Content) -> None:
    """Conditional-format rules whose formula is a string literal."""
    from openpyxl.formatting.rule import FormulaRule

    sheet = book.active  # type: ignore[attr-defined]
    for n, line in enumerate(c.labelled(), 1):
        rule = FormulaRule(formula=[f"A1={_formula_literal(line[:250])}"])
        sheet.conditional_formatting.add(f"H{n}", rule)


CASES: list[Case] = [
    Case("xlsx", "cells", ".xlsx", xlsx_cells),
    Case("xlsx", "hidden sheet", ".xlsx", _hidden_sheet("hidden")),
    Case("xlsx", "very hidden sheet", ".xlsx", _hidden_sheet("veryHidden")),
    Case("xlsx", "hidden rows", ".xlsx", workbook_with(_hidden_rows)),
    Case("xlsx", "hidden columns", ".xlsx", workbook_with(_hidden_columns)),
    Case("xlsx", "formulas without cached value", ".xlsx", workbook_with(_formula_literals)),
    Case("xlsx", "concatenation formulas", ".xlsx", workbook_with(_formulas)),
    Case("xlsx", "invisible number format", ".xlsx", workbook_with(_invisible_format)),
    Case("xlsx", "rich text", ".xlsx", workbook_with(_rich_text)),
    Case("xlsx", "second table below the summary", ".xlsx", workbook_with(_stacked)),
    Case("xlsx", "shared strings", ".xlsx", xlsx_shared_strings),
    Case("xlsx", "unused shared strings", ".xlsx", xlsx_unused_shared_strings),
    Case("xlsx", "comments", ".xlsx", workbook_with(_comments)),
    Case("xlsx", "text box", ".xlsx", xlsx_text_box),
    Case("xlsx", "chart cache", ".xlsx", xlsx_chart_cache),
    Case("xlsx", "external link cache", ".xlsx", xlsx_external_link),
    Case("xlsx", "custom properties", ".xlsx", ooxml_props(_xlsx_base, "custom")),
    Case("xlsx", "core properties", ".xlsx", ooxml_props(_xlsx_base, "core")),
    Case("xlsx", "data validation list", ".xlsx", workbook_with(_validation)),
    Case("xlsx", "header and footer", ".xlsx", workbook_with(_header_footer)),
    Case("xlsx", "defined names", ".xlsx", workbook_with(_defined_names)),
    Case("xlsx", "hyperlink tooltips", ".xlsx", workbook_with(_hyperlinks)),
    Case(
        "xlsx",
        "extra member people.csv",
        ".xlsx",
        ooxml_member(_xlsx_base, "people.csv", csv_file),
    ),
    Case(
        "xlsx",
        "extra member customXml",
        ".xlsx",
        ooxml_member(_xlsx_base, "customXml/item9.xml", custom_xml_item),
    ),
    Case(
        "xlsx",
        "embedded workbook",
        ".xlsx",
        embedded(_xlsx_base, "xl", "Microsoft_Excel_Worksheet1.xlsx", xlsx_cells),
    ),
    Case("xlsx", "embedded OLE object", ".xlsx", xlsx_ole_object, ordinary=False),
    Case("xlsx", "number format literals", ".xlsx", workbook_with(_number_format_literals)),
    Case("xlsx", "sheet names", ".xlsx", workbook_with(_sheet_names)),
    Case("xlsx", "threaded comments", ".xlsx", xlsx_threaded_comments),
    Case("xlsx", "legacy VML text box", ".xlsx", xlsx_vml_text_box),
    Case("xlsx", "app properties", ".xlsx", xlsx_app_properties),
    *(
        Case("xlsx", f"cells + {label}", ".xlsx", with_binary_parts(xlsx_cells, [part]))
        for label, part in zip(
            ["printer settings", "an image", "a thumbnail"], _XLSX_BINARY, strict=True
        )
    ),
    Case("xlsx", "A-numbers as formatted numbers", ".xlsx", workbook_with(_formatted_a_numbers)),
    Case("xlsx", "conditional formats", ".xlsx", workbook_with(_conditional_formats)),
]
