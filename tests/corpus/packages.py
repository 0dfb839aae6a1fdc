"""Office packages built by code for the package readers' tests: PowerPoint decks written by
hand (no library writes them here), members added to any package, and the payloads an
attacker hides in the places issue 12 lists.

Every builder returns bytes or writes a file; the persons are the synthetic ones of
``tests.corpus.people``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from tests.corpus.people import Person, people

PAYLOAD_TITLE = "Credible fear interviews, December 2022"
HEADER = ("Name", "A-Number", "Country of Citizenship", "Case Status")


def persons(count: int = 6, seed: int = 12) -> list[Person]:
    return people(count, seed=seed)


def record_lines(group: Sequence[Person]) -> list[str]:
    """One labelled record a line, as a person would type them into a text box."""
    return [
        f"Name: {p.name}; A-Number: {p.a_number}; Country of Citizenship: {p.nationality}; "
        f"Case Status: {p.claim}"
        for p in group
    ]


def one_line(group: Sequence[Person]) -> str:
    """Every record on one line, for places that hold one (a header, a property)."""
    return f"{PAYLOAD_TITLE}: " + " / ".join(record_lines(group))


def csv_bytes(group: Sequence[Person]) -> bytes:
    rows = [",".join(HEADER)]
    rows += [f'"{p.last_first}",{p.a_number},{p.nationality},{p.claim}' for p in group]
    return ("\r\n".join(rows) + "\r\n").encode()


def add_members(data: bytes, members: dict[str, bytes]) -> bytes:
    """The package with ``members`` added, or replaced where the name exists."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as old,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in old.infolist():
            if info.filename not in members:
                new.writestr(info, old.read(info))
        for name, body in members.items():
            new.writestr(name, body)
    return out.getvalue()


def edit_member(data: bytes, name: str, edit: dict[bytes, bytes]) -> bytes:
    """The package with each ``old -> new`` replacement made in member ``name``."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        body = package.read(name)
    for old, new in edit.items():
        assert old in body, old
        body = body.replace(old, new, 1)
    return add_members(data, {name: body})


def write(directory: Path, name: str, data: bytes) -> Path:
    path = directory / name
    path.write_bytes(data)
    return path


# --- places in an OOXML package ---------------------------------------------------------------

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_P = "http://schemas.openxmlformats.org/presentationml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PR = "http://schemas.openxmlformats.org/package/2006/relationships"


def _paragraphs(lines: Sequence[str]) -> str:
    return "".join(f"<a:p><a:r><a:t>{escape(line)}</a:t></a:r></a:p>" for line in lines)


def drawing_xml(lines: Sequence[str]) -> bytes:
    """A spreadsheet drawing with one text box."""
    return (
        '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/'
        f'spreadsheetDrawing" xmlns:a="{_A}"><xdr:twoCellAnchor><xdr:sp><xdr:txBody>'
        f"<a:bodyPr/>{_paragraphs(lines)}</xdr:txBody></xdr:sp></xdr:twoCellAnchor></xdr:wsDr>"
    ).encode()


def chart_xml(labels: Sequence[str]) -> bytes:
    """A chart whose category cache holds ``labels`` (the cells it was drawn from)."""
    points = "".join(
        f'<c:pt idx="{i}"><c:v>{escape(label)}</c:v></c:pt>' for i, label in enumerate(labels)
    )
    return (
        f'<c:chartSpace xmlns:c="{_C}"><c:chart><c:plotArea><c:barChart><c:ser><c:cat>'
        f'<c:strRef><c:f>Detainees!$A$2:$A$9</c:f><c:strCache><c:ptCount val="{len(labels)}"/>'
        f"{points}</c:strCache></c:strRef></c:cat></c:ser></c:barChart></c:plotArea></c:chart>"
        "</c:chartSpace>"
    ).encode()


def custom_properties_xml(value: str) -> bytes:
    return (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        'docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" '
        f'name="Reviewed cases"><vt:lpwstr>{escape(value)}</vt:lpwstr></property></Properties>'
    ).encode()


def core_properties_xml(value: str) -> bytes:
    return (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>Statistics</dc:title><dc:description>{escape(value)}</dc:description>"
        "</cp:coreProperties>"
    ).encode()


# A 1x1 PNG whose chunks lead to its IEND at the end, as a picture must (``ends_as_image``).
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfe\xa7\x9a"
    b"\xa0\xa0\x00\x00\x00\x00IEND\xaeB`\x82"
)


# --- PowerPoint -----------------------------------------------------------------------------


def _slide(lines: Sequence[str], title: str, table: Sequence[Sequence[str]] | None) -> bytes:
    frame = ""
    if table:
        rows = "".join(
            "<a:tr>"
            + "".join(f"<a:tc><a:txBody>{_paragraphs([v])}</a:txBody></a:tc>" for v in row)
            + "</a:tr>"
            for row in table
        )
        frame = (
            "<p:graphicFrame><a:graphic><a:graphicData><a:tbl>"
            f"{rows}</a:tbl></a:graphicData></a:graphic></p:graphicFrame>"
        )
    return (
        f'<p:sld xmlns:a="{_A}" xmlns:p="{_P}" xmlns:r="{_R}"><p:cSld><p:spTree>'
        '<p:sp><p:nvSpPr><p:cNvPr id="2" name="Title 1"/><p:nvPr><p:ph type="title"/></p:nvPr>'
        f"</p:nvSpPr><p:txBody>{_paragraphs([title])}</p:txBody></p:sp>"
        '<p:sp><p:nvSpPr><p:cNvPr id="3" name="Content 2"/><p:nvPr><p:ph idx="1"/></p:nvPr>'
        f"</p:nvSpPr><p:txBody>{_paragraphs(lines)}</p:txBody></p:sp>"
        f"{frame}</p:spTree></p:cSld></p:sld>"
    ).encode()


def _notes(lines: Sequence[str]) -> bytes:
    return (
        f'<p:notes xmlns:a="{_A}" xmlns:p="{_P}"><p:cSld><p:spTree><p:sp><p:txBody>'
        f"{_paragraphs(lines)}</p:txBody></p:sp></p:spTree></p:cSld></p:notes>"
    ).encode()


def pptx_bytes(
    slides: Sequence[tuple[str, Sequence[str]]],
    *,
    table: Sequence[Sequence[str]] | None = None,
    notes: Sequence[str] = (),
    members: dict[str, bytes] | None = None,
) -> bytes:
    """A deck: (title, lines) per slide, a table on the first slide, speaker notes on it."""
    ids = "".join(f'<p:sldId id="{256 + n}" r:id="rId{n}"/>' for n in range(1, len(slides) + 1))
    rels = "".join(
        f'<Relationship Id="rId{n}" Type="{_R}/slide" Target="slides/slide{n}.xml"/>'
        for n in range(1, len(slides) + 1)
    )
    parts: dict[str, bytes] = {
        "[Content_Types].xml": (
            b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Default Extension="xml" ContentType="application/xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PR}"><Relationship Id="rId1" '
            f'Type="{_R}/officeDocument" Target="ppt/presentation.xml"/></Relationships>'
        ).encode(),
        "ppt/presentation.xml": (
            f'<p:presentation xmlns:p="{_P}" xmlns:r="{_R}"><p:sldIdLst>{ids}</p:sldIdLst>'
            "</p:presentation>"
        ).encode(),
        "ppt/_rels/presentation.xml.rels": (
            f'<Relationships xmlns="{_PR}">{rels}</Relationships>'
        ).encode(),
    }
    for n, (title, lines) in enumerate(slides, start=1):
        parts[f"ppt/slides/slide{n}.xml"] = _slide(lines, title, table if n == 1 else None)
    if notes:
        parts["ppt/notesSlides/notesSlide1.xml"] = _notes(notes)
    parts.update(members or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, body in parts.items():
            package.writestr(name, body)
    return out.getvalue()


def comment_list_xml(lines: Sequence[str]) -> bytes:
    comments = "".join(
        f'<p:cm authorId="0" idx="{i}"><p:text>{escape(line)}</p:text></p:cm>'
        for i, line in enumerate(lines, start=1)
    )
    return f'<p:cmLst xmlns:p="{_P}">{comments}</p:cmLst>'.encode()
