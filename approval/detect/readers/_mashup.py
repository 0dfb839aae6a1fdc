"""Power Query in a workbook: the DataMashup a ``customXml`` part holds ([MS-QDEFF]).

Excel keeps each query of Data > Get & Transform in a ``customXml/itemN.xml`` part: a
``<DataMashup>`` element whose text is base64 of a binary stream, little-endian lengths before
each piece:

- a version (4 bytes, 0);
- the package parts: a ZIP (``Formulas/Section1.m``, the queries' M code; ``Config/...``);
- the permissions: XML;
- the metadata: a version, then the XML's length and the XML (query names, descriptions, the
  columns and the time of the last refresh), then the content's length and a ZIP;
- the permission bindings: a checksum of the above, protected by Windows (DPAPI), or nothing.

Excel shows the queries, their code and their results under Queries & Connections, even after
the sheet a query filled is deleted; and data typed into a query ("Enter Data") is kept in its
code as a literal: ``Binary.Decompress(Binary.FromText("i45W...", BinaryEncoding.Base64),
Compression.Deflate)``, a table as deflated JSON. So every ZIP and XML of the stream is read as a
file of its own, and so is every ``Binary.FromText`` literal of the M code, decoded (and
inflated, when that is what it holds). Bytes that are not where the structure says, or left
over after it, are an unread part that blocks; the permission bindings, a checksum, are an
unread part that does not.
"""

from __future__ import annotations

import base64
import binascii
import re
import zipfile
import zlib
from collections.abc import Iterator
from io import BytesIO
from xml.etree import ElementTree

from approval.detect.readers._carriers import nested
from approval.detect.units import PARSED, UNREAD, Limits, Part, Source, Unit

_ROOT = "{http://schemas.microsoft.com/DataMashup}DataMashup"
# The M code's binary literals: Binary.FromText("...") with the default (base64) or an explicit
# encoding. Hex literals are decoded too.
_FROM_TEXT = re.compile(
    r'Binary\.FromText\(\s*"([^"]*)"\s*(?:,\s*BinaryEncoding\.(Base64|Hex)\s*)?\)', re.IGNORECASE
)
_MAX_INFLATED = 64 << 20  # decoded literals of one workbook's queries, in all
_MAX_CODE = 16 << 20  # M code of one workbook's queries, in all
_CALLS = re.compile(r"Binary\.FromText\(", re.IGNORECASE)


class _Broken(Exception):
    """The stream is not laid out as [MS-QDEFF] says."""


def mashup(source: Source, limits: Limits, name: str, data: bytes) -> list[Unit] | None:
    """The units of the ``customXml`` part ``name`` (its bytes ``data``) when it is a
    DataMashup; None when it is not (the generic fallback reads it as any XML)."""
    if b"DataMashup" not in data and "DataMashup".encode("utf-16-le") not in data:
        return None
    try:
        root = ElementTree.fromstring(data)  # noqa: S314 - expat refuses entity expansion bombs
    except ElementTree.ParseError:
        return None
    if root.tag != _ROOT:
        return None
    units: list[Unit] = [Part(name, "power query", len(data), PARSED)]
    try:
        stream = base64.b64decode("".join((root.text or "").split()), validate=True)
        pieces = _pieces(stream)
    except (binascii.Error, ValueError, _Broken) as e:
        reason = f"corrupt: {e}" if isinstance(e, _Broken) else "corrupt: not base64"
        units.append(Part(f"{name}/mashup", "power query", len(data), UNREAD, reason))
        return units
    for label, piece in pieces:
        if label == "permission bindings":
            if piece:
                why = "a checksum of the queries protected by Windows: no data"
                units.append(Part(f"{name}/{label}", "checksum", len(piece), UNREAD, why, False))
            continue
        units.append(nested(source, limits, f"power query {label}", piece))
        if label == "package parts":
            units.extend(_literals(source, limits, name, piece))
    return units


def _pieces(stream: bytes) -> list[tuple[str, bytes]]:
    """The stream's pieces, named; ``_Broken`` when they do not fit it exactly."""
    at = 0

    def take(count: int) -> bytes:
        nonlocal at
        if count < 0 or at + count > len(stream):
            raise _Broken("a length past the end of the stream")
        piece = stream[at : at + count]
        at += count
        return piece

    def sized() -> bytes:
        return take(int.from_bytes(take(4), "little"))

    if int.from_bytes(take(4), "little") != 0:
        raise _Broken("a DataMashup version Excel does not write")
    pieces = [("package parts", sized()), ("permissions.xml", sized())]
    metadata = sized()
    pieces.append(("permission bindings", sized()))
    if at != len(stream):
        raise _Broken(f"{len(stream) - at} bytes after the permission bindings")
    at, stream = 0, metadata
    try:
        take(4)  # the metadata's version
        inner = [("metadata.xml", sized()), ("metadata content", sized())]
        if at != len(stream):
            raise _Broken("bytes after the metadata content")
    except _Broken:
        inner = [("metadata", metadata)]  # not laid out as written: read whole, as it is
    return pieces + inner


def _literals(source: Source, limits: Limits, name: str, parts: bytes) -> Iterator[Unit]:
    """Each binary literal of the package's M code, decoded, as a file of its own: one member
    at a time, within ``_MAX_CODE`` of code and ``_MAX_INFLATED`` of decoded literals in all
    (past either, or a member that inflates beyond the policy's ratio: an unread part that
    blocks, before anything is read); a ``Binary.FromText`` call whose literal is not one
    quoted string (two joined with ``&``) is an unread part that blocks too."""
    try:
        with zipfile.ZipFile(BytesIO(parts)) as archive:
            code_left, decoded_left, count = _MAX_CODE, _MAX_INFLATED, 0
            for info in archive.infolist():
                if not info.filename.lower().endswith(".m"):
                    continue
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > code_left or (
                    info.file_size > 1 << 20 and ratio > limits.max_ratio
                ):
                    why = "too large: the queries' code expands beyond the limits"
                    yield Part(f"{name}/code", "power query", info.file_size, UNREAD, why)
                    return
                with archive.open(info) as member:
                    raw = member.read(code_left + 1)
                code_left -= len(raw)
                if code_left < 0:
                    why = "too large: the queries' code expands beyond the limits"
                    yield Part(f"{name}/code", "power query", len(raw), UNREAD, why)
                    return
                text = raw.decode("utf-8", "replace")
                matches = list(_FROM_TEXT.finditer(text))
                if len(_CALLS.findall(text)) > len(matches):
                    why = "a binary literal that is not one quoted string cannot be decoded"
                    yield Part(f"{info.filename} literals", "power query", len(raw), UNREAD, why)
                for match in matches:
                    count += 1
                    label = f"power query literal {count}"
                    data = _decoded(match)
                    if data is None:
                        yield Part(label, "power query", len(match[1]), UNREAD, "corrupt literal")
                        continue
                    data = _inflated(data, decoded_left)
                    decoded_left -= len(data)
                    if decoded_left < 0:
                        why = "too large: the queries' literals expand beyond the limits"
                        yield Part(label, "power query", len(data), UNREAD, why)
                        return
                    yield nested(source, limits, label, data)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, zlib.error):
        return  # the package is read as a file of its own: its own reader says what is wrong


def _decoded(match: re.Match[str]) -> bytes | None:
    try:
        if (match.group(2) or "base64").lower() == "hex":
            return bytes.fromhex(match.group(1))
        return base64.b64decode("".join(match.group(1).split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def _inflated(data: bytes, most: int) -> bytes:
    """``data`` inflated when it is exactly one raw deflate stream (``Compression.Deflate``,
    which "Enter Data" writes), else as it is: its readers tell what else it is (a gzip is
    read by the gzip reader). Inflated output stops past ``most`` bytes: the caller, seeing
    more than it allows, refuses it as too large."""
    decompressor = zlib.decompressobj(-15)
    try:
        out = decompressor.decompress(data, max(most, 0) + 1)
    except zlib.error:
        return data
    if decompressor.unconsumed_tail:  # stopped at ``most``: at least that large
        return out
    if decompressor.eof and not decompressor.unused_data:
        return out
    return data
