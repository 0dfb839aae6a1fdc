"""Every (format, place): the inner formats each container holds, the polyglots, and ``CASES``."""

from __future__ import annotations

import bz2
import json
import lzma
import zipfile
from collections.abc import Callable

from approval.detect.units import Limits
from tests.corpus.documents import minimal_pdf, zip_bytes
from tests.corpus.inject import docx, mail, odf, pdf, pptx, text, web, xlsx
from tests.corpus.inject.archives import (
    gzip_comment,
    gzip_multimember,
    gzip_of,
    tar_member_names,
    tar_of,
    tar_pax_global,
    tar_pax_header,
    zip_archive_comment,
    zip_duplicate_member,
    zip_member_comment,
    zip_member_names,
    zip_nested,
    zip_of,
)
from tests.corpus.inject.content import HARMLESS, Build, Case, Content
from tests.corpus.inject.docx import docx_base, docx_table
from tests.corpus.inject.mail import eml_attachment, eml_body
from tests.corpus.inject.odf import ods_cells
from tests.corpus.inject.package import embedded, jpeg, png
from tests.corpus.inject.pdf import (
    pdf_embedded_file,
    pdf_file_annotation,
    pdf_text,
    pdf_text_with_logo,
)
from tests.corpus.inject.pptx import pptx_table
from tests.corpus.inject.text import csv_file, json_array, text_file, yaml_list
from tests.corpus.inject.web import html_paragraphs, html_table
from tests.corpus.inject.xlsx import xlsx_cells

INNER: tuple[tuple[str, str, Build], ...] = (
    ("csv", ".csv", csv_file),
    ("text", ".txt", text_file),
    ("json", ".json", json_array),
    ("yaml", ".yaml", yaml_list),
    ("html", ".html", html_table),
    ("eml", ".eml", eml_body),
    ("pdf", ".pdf", pdf_text),
    ("xlsx", ".xlsx", xlsx_cells),
    ("docx", ".docx", docx_table),
    ("pptx", ".pptx", pptx_table),
    ("ods", ".ods", ods_cells),
    ("zip", ".zip", lambda c: zip_of("list.csv", c.csv().encode())),
)
_INNER = {fmt: (suffix, build) for fmt, suffix, build in INNER}
_MIME = {
    "csv": "text/csv", "text": "text/plain", "json": "application/json",
    "yaml": "application/yaml", "html": "text/html", "eml": "message/rfc822",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "ods": "application/vnd.oasis.opendocument.spreadsheet", "zip": "application/zip",
}  # fmt: skip


def _each_inner(
    container: str, suffix: str, wrap: Callable[[str, bytes, str], bytes], label: str = "member"
) -> list[Case]:
    """One case per inner format: ``wrap(name, data, fmt)`` puts the inner file in the
    container; the place is ``label`` and the inner format."""
    cases = []
    for fmt, inner_suffix, build in INNER:

        def make(
            c: Content, build: Build = build, name: str = f"list{inner_suffix}", fmt: str = fmt
        ) -> bytes:
            return wrap(name, build(c), fmt)

        cases.append(Case(container, f"{label} {fmt}", suffix, make))
    return cases


def _file_annotation(fmt: str) -> Build:
    suffix, build = _INNER[fmt]
    return lambda c: pdf_file_annotation(build(c), f"list{suffix}")


def eml_with_logo(c: Content) -> bytes:
    from email import policy
    from email.parser import BytesParser

    message = BytesParser(policy=policy.default).parsebytes(eml_body(c))
    message.add_attachment(png(), maintype="image", subtype="png", filename="logo.png")
    return bytes(message)


def csv_then_pdf(c: Content) -> bytes:
    """A CSV whose first cell says %PDF- and a tiny PDF appended: Excel shows the rows."""
    return b"%PDF-1.4 export," + c.csv().encode() + minimal_pdf([["Monthly statistics"]])


def pdf_then_csv(c: Content) -> bytes:
    return minimal_pdf([["Monthly statistics"]]) + c.csv().encode()


def html_then_zip(c: Content) -> bytes:
    return html_paragraphs(HARMLESS) + zip_of("list.csv", c.csv().encode())


def text_then_zip(c: Content) -> bytes:
    return b"Monthly statistics, see below.\n" + zip_of("list.csv", c.csv().encode())


def zip_first_member_html(c: Content) -> bytes:
    """A ZIP whose first member is HTML, stored: the head of the file reads as a web page."""
    return zip_bytes(
        [("index.html", html_paragraphs(HARMLESS)), ("list.csv", c.csv().encode())],
        zipfile.ZIP_STORED,
    )


def png_then_zip(c: Content) -> bytes:
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)
    return png + zip_of("list.csv", c.csv().encode())


def text_then_gzip(c: Content) -> bytes:
    return b"Monthly statistics, see below.\n" + gzip_of(c.csv().encode())


def json_then_pdf(c: Content) -> bytes:
    return json.dumps({"report": "monthly"}).encode() + b"\n" + pdf_text(c)


def csv_then_xlsx(c: Content) -> bytes:
    return HARMLESS.csv().encode() + _INNER["xlsx"][1](c)


def pdf_then_zip(c: Content) -> bytes:
    return pdf_text(HARMLESS) + zip_of("list.csv", c.csv().encode())


def xlsx_then_csv(c: Content) -> bytes:
    """Bytes after a ZIP's end: Excel and ``unzip`` ignore them, ``tail`` shows them."""
    return xlsx_cells(HARMLESS) + c.csv().encode()


def gif_then_zip(c: Content) -> bytes:
    gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
    return gif + zip_of("list.csv", c.csv().encode())


def eml_then_zip(c: Content) -> bytes:
    return eml_body(HARMLESS) + zip_of("list.csv", c.csv().encode())


def _cases() -> list[Case]:
    depth = Limits().max_depth
    cases = [*text.CASES, *web.CASES, *mail.CASES]
    cases.append(
        Case(
            "eml",
            "xlsx attached as image/png",
            ".eml",
            lambda c: eml_attachment(_INNER["xlsx"][1](c), "chart.png", "image/png"),
        )
    )
    # A saved message attached as a file (message/rfc822 parts are "attached message").
    cases += _each_inner(
        "eml",
        ".eml",
        lambda name, data, fmt: eml_attachment(
            data, name, "application/octet-stream" if fmt == "eml" else _MIME[fmt]
        ),
        "attachment",
    )
    cases.append(
        Case(
            "eml",
            "body + a PNG logo attached",
            ".eml",
            lambda c: eml_with_logo(c),
            # A picture that is a file of its own blocks, as at the top level.
            ordinary=False,
        )
    )
    cases += [
        Case(
            "eml",
            "text chunk of an attached PNG",
            ".eml",
            lambda c: eml_attachment(png(text=c.text()), "chart.png", "image/png"),
            ordinary=False,  # a picture file of its own blocks
        ),
        Case(
            "eml",
            "comment of an attached JPEG",
            ".eml",
            lambda c: eml_attachment(jpeg(c.text()), "photo.jpg", "image/jpeg"),
            ordinary=False,  # a picture file of its own blocks
        ),
    ]
    cases += pdf.CASES
    cases += [
        Case("pdf", "page text + a logo", ".pdf", pdf_text_with_logo),
        # A page that is only a picture may be a scanned list: the gate may rightly block it.
        Case(
            "pdf",
            "page text + a scanned page",
            ".pdf",
            lambda c: minimal_pdf([c.lines(), None]),
            ordinary=False,
        ),
    ]
    cases += _each_inner(
        "pdf", ".pdf", lambda name, data, fmt: pdf_embedded_file(data, name), "EmbeddedFiles"
    )
    cases += [
        Case("pdf", f"FileAttachment annotation {fmt}", ".pdf", _file_annotation(fmt))
        for fmt in ("csv", "xlsx", "pdf")
    ]
    cases += [*xlsx.CASES, *docx.CASES, *pptx.CASES, *odf.CASES]
    cases += _each_inner("zip", ".zip", lambda name, data, fmt: zip_of(name, data))
    cases += [
        Case(
            "zip",
            "stored member",
            ".zip",
            lambda c: zip_of("list.csv", csv_file(c), zipfile.ZIP_STORED),
        ),
        Case(
            "zip",
            "csv and PNG members",
            ".zip",
            lambda c: zip_bytes([("chart.png", png()), ("list.csv", csv_file(c))]),
            # A picture that is a file of its own blocks, as at the top level.
            ordinary=False,
        ),
        Case(
            "zip",
            "text chunk of a PNG member",
            ".zip",
            lambda c: zip_bytes([("chart.png", png(text=c.text()))]),
            ordinary=False,  # a picture file of its own blocks
        ),
        Case(
            "zip",
            "xlsx member named .png",
            ".zip",
            lambda c: zip_of("photo.png", _INNER["xlsx"][1](c)),
        ),
        Case(
            "zip",
            f"nested to depth {depth}",
            ".zip",
            lambda c: zip_nested(csv_file(c), "list.csv", depth),
        ),
        Case(
            "zip",
            f"nested past depth {depth}",
            ".zip",
            lambda c: zip_nested(csv_file(c), "list.csv", depth + 1),
            ordinary=False,
        ),
        Case(
            "zip",
            "bzip2-compressed member",
            ".zip",
            lambda c: zip_of("list.csv", csv_file(c), zipfile.ZIP_BZIP2),
        ),
        Case(
            "zip",
            "LZMA-compressed member",
            ".zip",
            lambda c: zip_of("list.csv", csv_file(c), zipfile.ZIP_LZMA),
        ),
        Case("zip", "duplicate member name", ".zip", zip_duplicate_member, ordinary=False),
        Case(
            "zip",
            "path outside the tree (../)",
            ".zip",
            lambda c: zip_of("../people.csv", csv_file(c)),
            ordinary=False,
        ),
        Case("zip", "archive comment", ".zip", zip_archive_comment),
        Case("zip", "names of members", ".zip", zip_member_names),
        Case("zip", "comment of a member", ".zip", zip_member_comment),
    ]
    cases += _each_inner("gzip", ".gz", lambda name, data, fmt: gzip_of(data, name))
    cases += [
        Case("gzip", "header comment", ".gz", gzip_comment),
        Case("gzip", "second member", ".gz", gzip_multimember),
    ]
    cases += _each_inner("bz2", ".bz2", lambda name, data, fmt: bz2.compress(data))
    cases += _each_inner("xz", ".xz", lambda name, data, fmt: lzma.compress(data))
    cases += _each_inner("tar", ".tar", lambda name, data, fmt: tar_of(name, data))
    cases += [
        Case("tar", "pax header", ".tar", tar_pax_header),
        Case("tar", "pax global header", ".tar", tar_pax_global),
        Case("tar", "names of members", ".tar", tar_member_names),
        Case(
            "tar.gz",
            "member zip",
            ".tar.gz",
            lambda c: tar_of("list.zip", _INNER["zip"][1](c), "w:gz"),
        ),
        Case("tar.gz", "member csv", ".tar.gz", lambda c: tar_of("list.csv", csv_file(c), "w:gz")),
        Case(
            "tar.gz",
            "member xlsx",
            ".tar.gz",
            lambda c: tar_of("list.xlsx", _INNER["xlsx"][1](c), "w:gz"),
        ),
        Case(
            "tar.bz2", "member csv", ".tar.bz2", lambda c: tar_of("list.csv", csv_file(c), "w:bz2")
        ),
        Case("tar.xz", "member csv", ".tar.xz", lambda c: tar_of("list.csv", csv_file(c), "w:xz")),
    ]
    cases += [
        Case("polyglot", "CSV + PDF appended", ".csv", csv_then_pdf, ordinary=False),
        Case("polyglot", "PDF + CSV appended", ".pdf", pdf_then_csv, ordinary=False),
        Case("polyglot", "HTML + ZIP appended", ".html", html_then_zip, ordinary=False),
        Case("polyglot", "text + ZIP appended", ".txt", text_then_zip, ordinary=False),
        Case("polyglot", "text + gzip appended", ".txt", text_then_gzip, ordinary=False),
        Case("polyglot", "ZIP whose first member is HTML", ".zip", zip_first_member_html),
        Case("polyglot", "PNG + ZIP appended", ".png", png_then_zip, ordinary=False),
        Case("polyglot", "JSON + PDF appended", ".json", json_then_pdf, ordinary=False),
        Case("polyglot", "CSV + XLSX appended", ".csv", csv_then_xlsx, ordinary=False),
        Case("polyglot", "mail + ZIP appended", ".eml", eml_then_zip, ordinary=False),
        Case("polyglot", "PDF + ZIP appended", ".pdf", pdf_then_zip, ordinary=False),
        Case("polyglot", "XLSX + CSV appended", ".xlsx", xlsx_then_csv, ordinary=False),
        Case("polyglot", "GIF + ZIP appended", ".gif", gif_then_zip, ordinary=False),
    ]
    cases += [
        Case(
            "nesting",
            "mail > zip > docx > embedded xlsx",
            ".eml",
            lambda c: eml_attachment(
                zip_of("report.docx", embedded(docx_base, "word", "Sheet1.xlsx", xlsx_cells)(c)),
                "report.zip",
                "application/zip",
            ),
        ),
        Case(
            "nesting",
            "gzip > tar > zip > eml > csv",
            ".tar.gz",
            lambda c: tar_of(
                "mail.zip",
                zip_of("mail.eml", eml_attachment(csv_file(c), "list.csv", "text/csv")),
                "w:gz",
            ),
        ),
    ]
    return cases


CASES: tuple[Case, ...] = tuple(_cases())
# The misleading names every produced file is also scanned under: content decides the reader.
RENAMES: tuple[str, ...] = (
    "chart.png",
    "message.eml",
    "page.html",
    "notes.txt",
    "data",
    "table.csv",
    "data.json",
)


def file_name(case: Case) -> str:
    return "list" + case.suffix
