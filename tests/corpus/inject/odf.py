"""OpenDocument carriers (spreadsheets, text, presentations) and the legacy OLE formats: .xls
(read) and .doc (no reader: blocked, so its harmless build is not asked to pass)."""

from __future__ import annotations

import io
import zipfile

from tests.corpus.inject.content import HARMLESS, Case, Content
from tests.corpus.inject.package import ooxml_member, png, rewrite_zip, with_binary_parts, x
from tests.corpus.inject.text import csv_file
from tests.corpus.spreadsheets import OdsSheet, XlsSheet, ods_file, ole_file, xls_workbook


def _ods_summary() -> OdsSheet:
    return OdsSheet("Summary", HARMLESS.table())


def ods_cells(c: Content) -> bytes:
    return ods_file([_ods_summary(), OdsSheet("Data", c.table())])


def ods_hidden_sheet(c: Content) -> bytes:
    return ods_file([_ods_summary(), OdsSheet("Data", c.table(), hidden=True)])


def ods_hidden_rows(c: Content) -> bytes:
    hidden = frozenset(range(1, len(c.table())))
    return ods_file([_ods_summary(), OdsSheet("Data", c.table(), hidden_rows=hidden)])


def ods_annotation(c: Content) -> bytes:
    notes = {(0, 0): "\n".join(c.labelled())}
    return ods_file([OdsSheet("Summary", HARMLESS.table(), notes=notes)])


def ods_meta(c: Content) -> bytes:
    meta = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta'
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.2"><office:meta>'
        f"<dc:title>{x(c.title)}</dc:title><dc:description>{x(c.text())}</dc:description>"
        f'<meta:user-defined meta:name="List">{x(c.line())}</meta:user-defined>'
        "</office:meta></office:document-meta>"
    )
    return rewrite_zip(ods_file([_ods_summary()]), add=[("meta.xml", meta.encode())])


def _ods_base(c: Content) -> bytes:
    return ods_file([_ods_summary()])


_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def ods_header_footer(c: Content) -> bytes:
    """A page header and footer, in ``styles.xml``: printed on every page."""
    lines = "".join(f"<text:p>{x(line)}</text:p>" for line in c.labelled())
    styles = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<office:document-styles xmlns:office="{_OFFICE}"'
        ' xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:master-styles><style:master-page style:name="Default">'
        f"<style:header>{lines}</style:header><style:footer><text:p>Page 1</text:p>"
        "</style:footer></style:master-page></office:master-styles></office:document-styles>"
    )
    return rewrite_zip(ods_file([_ods_summary()]), add=[("styles.xml", styles.encode())])


def ods_text_box(c: Content) -> bytes:
    """A text box drawn over the sheet (``table:shapes``)."""
    paragraphs = "".join(f"<text:p>{x(line)}</text:p>" for line in c.lines())
    shapes = (
        '<table:shapes><draw:frame xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:'
        'drawing:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"'
        ' svg:width="10cm" svg:height="5cm" svg:x="1cm" svg:y="1cm">'
        f"<draw:text-box>{paragraphs}</draw:text-box></draw:frame></table:shapes>"
    )

    def edit(xml: bytes) -> bytes:
        at = xml.index(b">", xml.index(b"<table:table ")) + 1
        return xml[:at] + shapes.encode() + xml[at:]

    return rewrite_zip(ods_file([_ods_summary()]), edit={"content.xml": edit})


_ODF_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
    ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
    ' manifest:media-type="{mime}"/><manifest:file-entry manifest:full-path="content.xml"'
    ' manifest:media-type="text/xml"/></manifest:manifest>'
)


def _odf(mime: str, body: str) -> bytes:
    """An OpenDocument package of ``mime`` whose ``office:body`` is ``body``."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content'
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
        ' xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"'
        ' xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"'
        ' xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"'
        f' office:version="1.2"><office:body>{body}</office:body></office:document-content>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("mimetype", mime)  # first and stored, as ODF requires
        package.writestr(
            "META-INF/manifest.xml", _ODF_MANIFEST.format(mime=mime), zipfile.ZIP_DEFLATED
        )
        package.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def odt_body(c: Content) -> bytes:
    paragraphs = "".join(f"<text:p>{x(line)}</text:p>" for line in c.lines())
    return _odf(
        "application/vnd.oasis.opendocument.text", f"<office:text>{paragraphs}</office:text>"
    )


def odp_slide(c: Content) -> bytes:
    paragraphs = "".join(f"<text:p>{x(line)}</text:p>" for line in c.lines())
    page = (
        '<draw:page draw:name="page1"><draw:frame svg:width="20cm" svg:height="10cm">'
        f"<draw:text-box>{paragraphs}</draw:text-box></draw:frame></draw:page>"
    )
    return _odf(
        "application/vnd.oasis.opendocument.presentation",
        f"<office:presentation>{page}</office:presentation>",
    )


def xls_cells(c: Content) -> bytes:
    """A legacy (BIFF8) workbook, with the payload on a hidden sheet."""
    sheets = [XlsSheet("Summary", HARMLESS.table()), XlsSheet("Data", c.table(), state=1)]
    return ole_file({"Workbook": xls_workbook(sheets)})


def doc_legacy(c: Content) -> bytes:
    """A legacy Word file: an OLE container whose WordDocument stream holds the text (here
    as the plain characters a .doc's piece table points at)."""
    return ole_file(
        {"WordDocument": b"\xec\xa5" + bytes(30) + c.text().encode("cp1252", "replace")}
    )


def ods_hidden_columns(c: Content) -> bytes:
    hidden = frozenset(range(len(c.header)))
    return ods_file([_ods_summary(), OdsSheet("Data", c.table(), hidden_columns=hidden)])


CASES: list[Case] = [
    Case("ods", "cells", ".ods", ods_cells),
    Case("ods", "hidden sheet", ".ods", ods_hidden_sheet),
    Case("ods", "hidden rows", ".ods", ods_hidden_rows),
    Case("ods", "annotation", ".ods", ods_annotation),
    Case("ods", "meta.xml", ".ods", ods_meta),
    Case(
        "ods",
        "extra member people.csv",
        ".ods",
        ooxml_member(_ods_base, "people.csv", csv_file),
    ),
    Case("ods", "header and footer", ".ods", ods_header_footer),
    Case("ods", "text box", ".ods", ods_text_box),
    Case(
        "ods",
        "cells + a thumbnail",
        ".ods",
        with_binary_parts(ods_cells, [("Thumbnails/thumbnail.png", png(), "image/png")]),
    ),
    Case(
        "ods",
        "cells + a picture",
        ".ods",
        with_binary_parts(ods_cells, [("Pictures/1.png", png(), "image/png")]),
    ),
    Case("odt", "body", ".odt", odt_body),
    Case("odp", "slide", ".odp", odp_slide),
    Case("xls", "hidden sheet", ".xls", xls_cells),
    Case("doc", "body", ".doc", doc_legacy, ordinary=False),
    Case("ods", "hidden columns", ".ods", ods_hidden_columns),
]
