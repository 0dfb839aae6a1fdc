"""An independent oracle: is the payload really in the bytes?"""

from __future__ import annotations

import base64
import binascii
import bz2
import contextlib
import gzip
import html
import io
import json
import lzma
import re
import tarfile
import unicodedata
import zipfile
import zlib
from email import policy as email_policy
from email.parser import BytesParser

_A_NUMBER = re.compile(rb"A\d{9}")
_A_NUMBER_UTF16 = re.compile(rb"A\x00(?:\d\x00){9}")
_HEX_STRING = re.compile(rb"<([0-9A-Fa-f\s]{8,})>")
_LITERAL = re.compile(rb"\(((?:\\.|[^\\)])*)\)")
_KERNING = re.compile(rb"\)\s*-?\d+\s*\(")
_BASE64 = re.compile(rb"base64,([A-Za-z0-9+/=]+)")
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def a_numbers_in(data: bytes, depth: int = 0) -> set[str]:
    """The A-numbers anywhere in ``data``, through every encoding and container this module
    writes (ZIP, gzip, bz2, xz, tar, MIME, PDF streams, UTF-16, base64 data URLs, formulas
    that split a value), by brute force rather than by the scanner's readers: a test that a
    produced file carries the payload must not share the scanner's blind spots."""
    if depth > 12:
        return set()
    text = data.replace(b'"&amp;"', b"").replace(b'"&"', b"").replace(b'""&""', b"")
    found = {m.group().decode() for m in _A_NUMBER.finditer(text)}
    # Rich-text runs split a value over several elements.
    found |= {m.group().decode() for m in _A_NUMBER.finditer(re.sub(rb"<[^>]*>", b"", text))}
    nested: list[bytes] = []
    # UTF-16 strings inside binary containers (OLE streams, BIFF records).
    found |= {m.group().decode("utf-16-le") for m in _A_NUMBER_UTF16.finditer(data)}
    decoded = data.decode("utf-8", "ignore")
    normal = unicodedata.normalize("NFKC", decoded.replace("\u200b", ""))
    if normal != decoded:  # zero-width characters, full-width forms
        nested.append(normal.encode())
    if b"\r\n " in data:  # folded lines (iCalendar, mail headers)
        nested.append(data.replace(b"\r\n ", b""))
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        nested.append(data.decode("utf-16").encode())
    for m in _HEX_STRING.finditer(data):
        raw = bytes.fromhex(m.group(1).decode())
        nested.append(
            raw.decode("utf-16-be", "replace").encode() if raw[:2] == b"\xfe\xff" else raw
        )
    if b"&#" in data or b"\\u00" in data:  # character references, JSON escapes
        nested.append(html.unescape(data.decode("utf-8", "replace")).encode())
        with contextlib.suppress(ValueError):
            nested.append(json.dumps(json.loads(data), ensure_ascii=False).encode())
    if b'"nbformat"' in data:  # a notebook: strings in pieces, which its viewers join
        with contextlib.suppress(ValueError):
            nested.append(json.dumps(_joined(json.loads(data)), ensure_ascii=False).encode())
    for m in _BASE64.finditer(data):
        with contextlib.suppress(ValueError):
            nested.append(base64.b64decode(m.group(1)))
    if b"PK\x05\x06" in data:
        with contextlib.suppress(Exception), zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [archive.read(info) for info in archive.infolist()]
            nested += members
            # A-numbers stored as numbers and shown by the number format "A"000000000.
            if any(b"&quot;A&quot;000000000" in m or b'"A"000000000' in m for m in members):
                found |= {
                    f"A{int(d):09d}" for m in members for d in re.findall(rb"<v>(\d{8,9})</v>", m)
                }
    for magic, decompress in ((b"\x1f\x8b\x08", gzip.decompress), (b"BZh", bz2.decompress),
                              (b"\xfd7zXZ\x00", lzma.decompress)):  # fmt: skip
        at = data.find(magic)
        if at != -1:
            with contextlib.suppress(Exception):
                nested.append(decompress(data[at:]))
    if len(data) >= 512 and data[257:262] == b"ustar":
        with contextlib.suppress(Exception), tarfile.open(fileobj=io.BytesIO(data)) as archive:
            for member in archive.getmembers():
                found |= {m.decode() for v in member.pax_headers.values()
                          for m in _A_NUMBER.findall(v.encode())}  # fmt: skip
                handle = archive.extractfile(member)
                if handle is not None:
                    nested.append(handle.read())
    if b"Content-Type:" in data or b"MIME-Version:" in data:
        with contextlib.suppress(Exception):
            for message in data.split(b"\nFrom "):
                if message.startswith((b"From ", b"records@")):  # an mbox separator line
                    message = message.split(b"\n", 1)[1]
                parsed = BytesParser(policy=email_policy.default).parsebytes(message)
                for part in parsed.walk():
                    nested += [str(value).encode() for value in part.values()]
                    payload = part.get_payload(decode=True)
                    if isinstance(payload, bytes):
                        nested.append(payload)
    if b"\nbegin 644 " in data:  # uuencoded
        block = data.split(b"\nbegin 644 ", 1)[1].split(b"\n", 1)[1].split(b"\nend", 1)[0]
        with contextlib.suppress(Exception):
            nested.append(b"".join(binascii.a2b_uu(line) for line in block.splitlines()))
    if b"%PDF" in data and b"/Encrypt" in data:
        with contextlib.suppress(Exception):
            from pypdf import PdfReader, PdfWriter

            reader = PdfReader(io.BytesIO(data))
            reader.decrypt("")
            out = io.BytesIO()
            PdfWriter(clone_from=reader).write(out)
            nested.append(out.getvalue())
    if b"%PDF" in data:
        for m in _STREAM.finditer(data):
            with contextlib.suppress(Exception):
                nested.append(zlib.decompress(m.group(1)))
            nested.append(_KERNING.sub(b"", m.group(1)))
            nested.append(b"".join(_LITERAL.findall(m.group(1))))  # glyph by glyph
    for inner in nested:
        if inner != data:
            found |= a_numbers_in(inner, depth + 1)
    return found


def _joined(value: object) -> object:
    """Every array of strings in a JSON value joined with nothing between its strings."""
    if isinstance(value, list):
        if value and all(isinstance(item, str) for item in value):
            return "".join(value)
        return [_joined(item) for item in value]
    if isinstance(value, dict):
        return {key: _joined(item) for key, item in value.items()}
    return value
