"""The OpenDocument text/presentation reader: content.xml and styles.xml as LibreOffice shows
them, tables as tables, every other member accounted for. Packages are made here by code."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from approval.detect.readers.odt import READER
from approval.detect.report import FileReport
from approval.detect.scan import probe, scan_file
from approval.detect.units import Limits, Source, Table, Text, Unit, Unscannable
from approval.policy import Policy

NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"'
)
ROWS = [
    ["Name", "A-Number", "DOB", "Nationality", "Claim"],
    ["Juan Perez", "A212345678", "1990-03-04", "Honduras", "credible fear"],
    ["Ana Ruiz", "A213456789", "1985-11-02", "Guatemala", "asylum"],
]


def spans(value: str) -> str:
    """A value as LibreOffice often stores it: split by a span (an edit, a spell check)."""
    half = len(value) // 2
    return (
        f'{escape(value[:half])}<text:span text:style-name="T1">{escape(value[half:])}</text:span>'
    )


def table(rows: list[list[str]]) -> str:
    body = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{spans(v)}</text:p>'
            "</table:table-cell>"
            for v in row
        )
        + "</table:table-row>"
        for row in rows
    )
    return f'<table:table table:name="Table1">{body}</table:table>'


def package(kind: str, body: str, styles: str = "", manifest_extra: str = "") -> bytes:
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS}>'
        f"<office:body><office:{kind}>{body}</office:{kind}></office:body>"
        "</office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        mime = f"application/vnd.oasis.opendocument.{kind}"
        archive.writestr("mimetype", mime, zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        if styles:
            archive.writestr(
                "styles.xml",
                f'<?xml version="1.0"?><office:document-styles {NS}>{styles}'
                "</office:document-styles>",
            )
        archive.writestr(
            "meta.xml", f"<office:document-meta {NS}><office:meta/></office:document-meta>"
        )
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="'
            'urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mime}"/>'
            f"{manifest_extra}</manifest:manifest>",
        )
    return buffer.getvalue()


def units_of(data: bytes) -> list[Unit]:
    return list(READER.read(Source("x", lambda: io.BytesIO(data), len(data)), Limits()))


def lines(units: list[Unit], part: str = "content.xml") -> list[str]:
    return [
        line
        for unit in units
        if isinstance(unit, Text) and unit.where.part == part
        for line in unit.lines
    ]


def scan(tmp_path: Path, policy: Policy, data: bytes, name: str) -> FileReport:
    path = tmp_path / name
    path.write_bytes(data)
    return scan_file(path, policy)


@pytest.mark.parametrize(
    ("kind", "name"), [("text", "report.odt"), ("presentation", "deck.odp"), ("text", "x.zip")]
)
def test_tables_of_span_split_cells_are_protected(
    tmp_path: Path, policy: Policy, kind: str, name: str
) -> None:
    data = package(kind, "<text:h text:outline-level='1'>Referrals</text:h>" + table(ROWS))
    (found,) = [u for u in units_of(data) if isinstance(u, Table)]
    assert [list(r) for r in found.rows] == ROWS
    report = scan(tmp_path, policy, data, name)
    assert (report.format, report.verdict) == ("odt", "protected")
    assert report.classes["protected-person"] == 2
    assert all(part.read != "unread" for part in report.coverage)


def test_paragraph_spacing_tabs_breaks_notes_and_footers() -> None:
    body = (
        "<text:p>Juan<text:s/>Perez<text:tab/>A212345678<text:line-break/>second line</text:p>"
        "<text:p>Ana<text:s text:c='3'/>Ruiz</text:p>"
        "<draw:page><draw:frame><draw:text-box><text:p>On a slide</text:p></draw:text-box>"
        "</draw:frame><presentation:notes><draw:frame><draw:text-box><text:p>Speaker note</text:p>"
        "</draw:text-box></draw:frame></presentation:notes></draw:page>"
    )
    styles = (
        "<office:master-styles><style:footer><text:p>Footer: Ana Ruiz</text:p></style:footer>"
        "</office:master-styles>"
    )
    units = units_of(package("text", body, styles))
    text = lines(units)
    assert "Juan Perez A212345678" in text and "second line" in text
    assert "Ana Ruiz" in text  # text:s c=3 is three spaces, collapsed in the line
    assert {"On a slide", "Speaker note"} <= set(text)
    assert "Footer: Ana Ruiz" in lines(units, "styles.xml")


def test_accepts_text_presentation_and_graphics_not_spreadsheets(tmp_path: Path) -> None:
    for kind, accepted in (("text", True), ("presentation", True), ("graphics", True),
                           ("spreadsheet", False)):  # fmt: skip
        path = tmp_path / f"x.{kind}"
        path.write_bytes(package(kind, "<text:p>x</text:p>"))
        source = Source(path.name, lambda p=path: p.open("rb"), path.stat().st_size)  # type: ignore[misc]
        assert READER.accepts(probe(source)) is accepted, kind


def test_an_encrypted_package_is_unscannable(tmp_path: Path, policy: Policy) -> None:
    extra = (
        '<manifest:file-entry manifest:full-path="content.xml">'
        "<manifest:encryption-data/></manifest:file-entry>"
    )
    data = package("text", "<text:p>x</text:p>", manifest_extra=extra)
    with pytest.raises(Unscannable, match="encrypted"):
        units_of(data)
    assert scan(tmp_path, policy, data, "x.odt").verdict == "unscannable"


def test_a_malformed_body_is_unscannable_never_clean(tmp_path: Path, policy: Policy) -> None:
    # The body's last closing tag broken, the package otherwise sound (CRCs right).
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package("text", table(ROWS)))) as src,
        zipfile.ZipFile(buffer, "w") as out,
    ):
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "content.xml":
                body = body.replace(b"</table:table>", b"</table:tabl>")
            out.writestr(info, body)
    data = buffer.getvalue()
    with pytest.raises(Unscannable, match="not well-formed"):
        units_of(data)
    assert scan(tmp_path, policy, data, "x.odt").verdict == "unscannable"


def test_a_clean_document_is_clean(tmp_path: Path, policy: Policy) -> None:
    data = package("text", "<text:p>Monthly detention statistics: 6252 in custody.</text:p>")
    report = scan(tmp_path, policy, data, "stats.odt")
    assert report.verdict == "clean", report.reason


@pytest.mark.parametrize("value", ["A212345678", "212345678", "A-212-345-678"])
def test_an_attribute_shaped_like_an_a_number_is_read_not_taken_for_layout(value: str) -> None:
    """Style names (P1, T12) and lengths are layout noise; an A-number in an attribute (a list
    style's prefix, which LibreOffice prints before each item) is not."""
    styles = (
        '<office:styles><text:list-style style:name="L1"><text:list-level-style-number '
        f'text:level="1" style:num-prefix="{value}" style:num-format="1"/></text:list-style>'
        "</office:styles>"
    )
    units = units_of(package("text", '<text:p text:style-name="P1">Referrals</text:p>', styles))
    assert lines(units, "styles.xml attributes") == [value]  # not the style names L1, P1


@pytest.mark.parametrize(
    "aside",
    [
        "<office:annotation><dc:creator>Reviewer</dc:creator><dc:date>2026-11-30T10:00:00</dc:date>"
        "<text:p>check the spelling</text:p></office:annotation>",
        '<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation>'
        "<text:note-body><text:p>from the intake sheet</text:p></text:note-body></text:note>",
    ],
    ids=["comment", "footnote"],
)
def test_a_comment_or_note_anchored_in_a_word_leaves_the_word_whole(aside: str) -> None:
    """LibreOffice shows a comment in the margin and a note at the foot of the page: the words
    they are anchored between stay one line, and the comment or note is a line of its own."""
    body = f"<text:p>Juan Pe{aside}rez A212345678</text:p>".replace(
        "<office:annotation>",
        '<office:annotation xmlns:dc="http://purl.org/dc/elements/1.1/">',
    )
    text = lines(units_of(package("text", body)))
    assert "Juan Perez A212345678" in text
    assert any("check the spelling" in line or "from the intake sheet" in line for line in text)
