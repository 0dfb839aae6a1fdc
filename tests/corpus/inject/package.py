"""Helpers for ZIP-based packages (OOXML, ODF): rewrite members, add parts, content types,
relationships and document properties."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape

from tests.corpus.inject.content import Build, Content

DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
OOXML = "http://schemas.openxmlformats.org"
REL = f"{OOXML}/officeDocument/2006/relationships"
RELS_CT = "application/vnd.openxmlformats-package.relationships+xml"


def x(text: str) -> str:
    return escape(text)


Edit = Callable[[bytes], bytes]


def rewrite_zip(
    data: bytes, add: Sequence[tuple[str, bytes]] = (), edit: dict[str, Edit] | None = None
) -> bytes:
    """``data`` (a ZIP) with members changed by ``edit`` (name -> function of the old bytes)
    and ``add`` appended; member order kept."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            body = old.read(info.filename)
            if edit and info.filename in edit:
                body = edit[info.filename](body)
            new.writestr(info, body, compress_type=info.compress_type)
        for name, body in add:
            new.writestr(
                zipfile.ZipInfo(name, (2022, 11, 28, 12, 0, 0)), body, zipfile.ZIP_DEFLATED
            )
    return out.getvalue()


def insert(xml: bytes, before: bytes, snippet: str) -> bytes:
    """``snippet`` inserted before the last ``before`` in ``xml``."""
    at = xml.rindex(before)
    return xml[:at] + snippet.encode() + xml[at:]


def content_type(name: str, content_type: str) -> Callable[[bytes], bytes]:
    def edit(xml: bytes) -> bytes:
        return insert(
            xml, b"</Types>", f'<Override PartName="/{name}" ContentType="{content_type}"/>'
        )

    return edit


def relationship(rid: str, kind: str, target: str, mode: str = "") -> Callable[[bytes], bytes]:
    def edit(xml: bytes) -> bytes:
        extra = f' TargetMode="{mode}"' if mode else ""
        return insert(
            xml,
            b"</Relationships>",
            f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"{extra}/>',
        )

    return edit


def chain(*edits: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    def edit(xml: bytes) -> bytes:
        for one in edits:
            xml = one(xml)
        return xml

    return edit


def _props_custom(c: Content) -> bytes:
    return (
        DECL + f'<Properties xmlns="{OOXML}/officeDocument/2006/custom-properties"'
        ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Reviewed list">'
        f"<vt:lpwstr>{x(c.line())}</vt:lpwstr></property></Properties>"
    ).encode()


def _props_core(c: Content) -> bytes:
    return (
        DECL + f'<cp:coreProperties xmlns:cp="{OOXML}/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{x(c.title)}</dc:title><dc:description>{x(c.line())}</dc:description>"
        f"<cp:keywords>{x(c.line())}</cp:keywords></cp:coreProperties>"
    ).encode()


_CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CORE_CT = "application/vnd.openxmlformats-package.core-properties+xml"
_CUSTOM_REL = f"{REL}/custom-properties"
_CORE_REL = f"{OOXML}/package/2006/relationships/metadata/core-properties"


def _with_props(data: bytes, c: Content, which: str) -> bytes:
    """An OOXML package with custom or core properties holding the content."""
    if which == "custom":
        name, body, ct, rel = "docProps/custom.xml", _props_custom(c), _CUSTOM_CT, _CUSTOM_REL
    else:
        name, body, ct, rel = "docProps/core.xml", _props_core(c), _CORE_CT, _CORE_REL
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        exists = name in z.namelist()
    if exists:
        return rewrite_zip(data, edit={name: lambda _old: body})
    return rewrite_zip(
        data,
        add=[(name, body)],
        edit={
            "[Content_Types].xml": content_type(name, ct),
            "_rels/.rels": relationship("rIdX9", rel, name),
        },
    )


def custom_xml_item(c: Content) -> bytes:
    rows = "".join(
        "<record>" + "".join(f"<field>{x(v)}</field>" for v in row) + "</record>" for row in c.rows
    )
    return (DECL + f'<records xmlns="urn:example:records"><title>{x(c.title)}</title>'
            f"{rows}</records>").encode()  # fmt: skip


def ooxml_member(base: Build, name: str, body: Callable[[Content], bytes]) -> Build:
    """An extra member no relationship points to: ``unzip`` gives it back all the same."""
    return lambda c: rewrite_zip(base(c), add=[(name, body(c))])


def ooxml_props(base: Build, which: str) -> Build:
    return lambda c: _with_props(base(c), c, which)


def embedded(base: Build, folder: str, name: str, inner: Build) -> Build:
    """An embedded package (``xl/embeddings/``, ``word/embeddings/``, ``ppt/embeddings/``):
    an OLE object's native data, as Office stores a chart's workbook or a pasted file."""
    return lambda c: rewrite_zip(base(c), add=[(f"{folder}/embeddings/{name}", inner(c))])


# The start and end of a JPEG (a thumbnail, to a reader: an image with no text).
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + bytes(64)
    + b"\xff\xd9"
)


def png(width: int = 2, height: int = 2, text: str = "") -> bytes:
    """A valid, tiny grey PNG: what a logo, a thumbnail or a chart image is to a reader;
    ``text`` goes in an iTXt chunk (``Description``), which ``exiftool`` and image viewers'
    property panes show, as charting tools write their metadata."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x80" * width for _ in range(height)))
    itxt = chunk(b"iTXt", b"Description\x00\x00\x00\x00\x00" + text.encode()) if text else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + itxt
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def jpeg(comment: str = "") -> bytes:
    """A JPEG's start, a comment segment (COM) holding ``comment``, and its end."""
    import struct

    data = comment.encode()
    com = b"\xff\xfe" + struct.pack(">H", len(data) + 2) + data if comment else b""
    return JPEG[:20] + com + JPEG[20:]


def with_binary_parts(base: Build, parts: Sequence[tuple[str, bytes, str]]) -> Build:
    """``base`` with binary parts every real package carries (images, thumbnails, printer
    settings, fonts), each with its content type: they hold no text, and must not block."""

    def build(c: Content) -> bytes:
        data = base(c)
        types = {name.rsplit(".", 1)[1]: kind for name, _, kind in parts}
        defaults = "".join(
            f'<Default Extension="{ext}" ContentType="{kind}"/>' for ext, kind in types.items()
        )
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            ooxml = "[Content_Types].xml" in package.namelist()
        edit = (
            {"[Content_Types].xml": lambda xml: insert(xml, b"</Types>", defaults)} if ooxml else {}
        )
        return rewrite_zip(data, add=[(name, body) for name, body, _ in parts], edit=edit)

    return build
