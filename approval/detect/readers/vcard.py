"""Contacts, calendars and directory exports (vCard, iCalendar, LDIF) as their tools show them.

These formats fold long lines and encode values, and every address book, calendar and
``ldapsearch`` undoes both before showing a value: read as plain text, a name in quoted-
printable (``=41=6E=61``), in base64 (``FN;ENCODING=b:QW5h...``, LDIF's ``cn:: QW5h...``) or an
A-number cut by a fold is found by no detector. So each content line is unfolded (a line break
followed by a space or a tab is removed, RFC 6350 3.2, RFC 5545 3.1, RFC 2849; a quoted-
printable value's soft break ``=`` too) and its value decoded (``ENCODING=QUOTED-PRINTABLE``,
``ENCODING=b`` or ``BASE64``, LDIF ``::``, vCard 4.0's ``data:`` URIs, in the ``CHARSET`` it
names, or in UTF-16/32 when the bytes are: Excel's "Unicode Text"), then read as the line the
decoded file would hold (``NOTE:A123456789 born ...``). The plain-text reader reads the file as
stored too; the worst verdict stands. A card is known by its ``BEGIN:VCARD`` (or
``VCALENDAR``) line anywhere in the file's head, not only on its first line: a line in front of
it must not turn the decoding off.

A decoded value that is a picture (a contact's photo) is named and not read, as pictures in
documents are; one that is neither text nor a picture (an attached file) is read as a file of
its own, by its content, and blocks when no reader knows it. Decoded text of several lines (an
attached CSV, a long note) is read as a file of its own too, so that a table keeps its shape.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from collections.abc import Iterator

from approval.detect.readers._carriers import data_uri, nested, picture
from approval.detect.readers._charsets import codec_for, decode
from approval.detect.readers._members import PICTURE_REASON
from approval.detect.textio import FALLBACK, lines, open_text, sniff_encoding
from approval.detect.units import (
    PARSED,
    UNREAD,
    Limits,
    Part,
    Probe,
    Source,
    Text,
    Unit,
    Unscannable,
    Where,
)

_SLICE_LINES = 2_000  # lines read in one unit (a record is not cut: cards are short)
MAX_LOGICAL_CHARS = 16 * 1024 * 1024  # an unfolded line longer than this is read in pieces
# A card's first line, anywhere in the head (text in front of it must not hide the card).
_CARD = re.compile(
    rb"^(?:\xef\xbb\xbf)?[ \t]*BEGIN:(?:VCARD|VCALENDAR)[ \t\r]*$", re.IGNORECASE | re.M
)
_HEAD = 8192  # bytes of the head searched for a card's first line
_LDIF_START = re.compile(
    r"\A\ufeff?(?:#[^\n]*\n|[ \t\r]*\n)*(?:version:[ \t]*1[ \t\r]*$|dn::?[ \t])", re.M
)
# A content line: name and parameters (a quoted parameter may hold a colon), then the value.
_PROPERTY = re.compile(r'((?:[^:"]|"[^"]*")*):(.*)', re.S)
_LDIF = re.compile(r"([A-Za-z0-9;.\-]+)(::?)\s*(.*)", re.S)
_ESCAPE = re.compile(r"\\([nN,;:\\])")
_UNESCAPED = {"n": "\n", "N": "\n"}
_PARAMETER = re.compile(r";([^;=]+)(?:=((?:\"[^\"]*\"|[^;])*))?")
_FILE_LINES = 2  # decoded text with more lines than this is read as a file of its own


class DirectoryReader:
    name = "vcard"

    def accepts(self, probe: Probe) -> bool:
        head = probe.head
        encoding = sniff_encoding(head)
        if encoding is None:
            return False
        if not encoding.startswith("utf-8") and encoding != "cp1252":
            head = head.decode(encoding, "replace").encode("utf-8", "replace")
        if _CARD.search(head[:_HEAD]) is not None:
            return True
        return _LDIF_START.match(head[:4096].decode("utf-8", "replace")) is not None

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        with source.open() as f:
            head = f.read(_HEAD)
        encoding = sniff_encoding(head)
        if encoding is None:
            raise Unscannable("corrupt: not text")
        first = head.decode(encoding, "replace")
        card = _CARD.search(first.encode("utf-8", "replace")) is not None
        ldif = not card and _LDIF_START.match(first) is not None
        yield Part("values", "directory", source.size, PARSED, "unfolded and decoded")
        found: list[Unit] = []  # pictures and files found in values, as they are decoded
        held: list[str] = []
        with source.open() as raw:
            for line in _unfolded(lines(open_text(raw, encoding)), ldif=ldif):
                if ldif:
                    held.extend(_ldif_line(line, source, limits, found))
                else:
                    held.extend(_content_line(line, source, limits, found, encoding))
                if len(held) >= _SLICE_LINES or found:
                    yield Text(Where(part="values"), held)
                    yield from found
                    held, found = [], []
        if held:
            yield Text(Where(part="values"), held)


def _unfolded(physical: Iterator[str], *, ldif: bool) -> Iterator[str]:
    """Logical lines: a line that starts with a space (or, but in LDIF, a tab) continues the
    one before; a quoted-printable value that ends in ``=`` goes on in the next line."""
    # The pieces of the line being joined, and their length: joined once, when the line ends
    # (joining as they come copies the line so far for each piece: quadratic in its length).
    pieces: list[str] = []
    size = 0
    qp = False  # whether the held line's property is quoted-printable (asked once a line)
    for line in physical:
        if pieces and size < MAX_LOGICAL_CHARS:
            if line[:1] == " " or (not ldif and line[:1] == "\t"):
                pieces.append(line[1:])
                size += len(line) - 1
                continue
            if qp and pieces[-1].endswith("="):
                pieces[-1] = pieces[-1][:-1]
                pieces.append(line)
                size += len(line) - 1
                continue
        if pieces:
            yield "".join(pieces)
        pieces, size = [line], len(line)
        qp = not ldif and _quoted_printable(line)
    if pieces:
        yield "".join(pieces)


def _quoted_printable(line: str) -> bool:
    match = _PROPERTY.match(line)
    return match is not None and "QUOTED-PRINTABLE" in match.group(1).upper()


def _content_line(
    line: str, source: Source, limits: Limits, found: list[Unit], encoding: str
) -> Iterator[str]:
    """One logical line, decoded; ``encoding`` is the file's, which a raw 8-bit value's
    ``CHARSET`` (vCard 2.1) overrides."""
    match = _PROPERTY.match(line)
    if match is None:
        yield line
        return
    head, value = match.groups()
    name, _, _ = head.partition(";")
    if name.upper() in ("END", "BEGIN") and value.upper() in ("VCARD", "VEVENT", "VTODO"):
        yield line
        if name.upper() == "END":
            yield ""  # one record a paragraph
        return
    parameters = {key.strip().upper(): (v or "").strip('"') for key, v in _PARAMETER.findall(head)}
    coding = parameters.get("ENCODING", "").upper()
    if "QUOTED-PRINTABLE" in parameters or coding == "QUOTED-PRINTABLE":
        data: bytes | None = quopri.decodestring(value.encode("latin-1", "replace"))
    elif coding in ("B", "BASE64") or "BASE64" in parameters:
        data = _base64(value)
    elif (uri := data_uri(value)) is not None:
        # vCard 4.0 (RFC 6350) writes PHOTO, KEY, SOUND and LOGO as RFC 2397 data URIs.
        data = uri[1]
    elif (charset := parameters.get("CHARSET")) and not value.isascii():
        # vCard 2.1: 8-bit bytes in the charset the value names (Outlook, phones), which the
        # file's own encoding does not tell.
        yield from _in_charset(name, value, charset, encoding, found)
        return
    else:
        yield from f"{name}:{_unescaped(value)}".splitlines()
        return
    yield from _decoded(name, data, parameters.get("CHARSET", "utf-8"), source, limits, found)


def _ldif_line(line: str, source: Source, limits: Limits, found: list[Unit]) -> Iterator[str]:
    if not line.strip():
        yield ""
        return
    match = _LDIF.fullmatch(line)
    if match is None or line.startswith("#"):
        yield line
        return
    name, colons, value = match.groups()
    if colons == ":":
        yield f"{name}: {value}"
        return
    yield from _decoded(name, _base64(value), "utf-8", source, limits, found)


def _decoded(
    name: str,
    data: bytes | None,
    charset: str,
    source: Source,
    limits: Limits,
    found: list[Unit],
) -> Iterator[str]:
    label = f"{name} value"
    if data is None:
        found.append(Part(label, "value", 0, UNREAD, "value does not decode from base64"))
        return
    if (carried := picture(data)) is not None:
        # A picture and only that (``_carriers.picture``: it ends where its format ends it);
        # the text it carries is read. Anything else with a picture's magic is read below.
        found.append(Part(label, "image", len(data), UNREAD, PICTURE_REASON, blocks=False))
        if carried:
            found.append(Text(Where(part=label, hidden=True), carried, ""))
        return
    sniffed = sniff_encoding(data[:8192])
    if sniffed is None:
        # Neither text nor a picture: a file of its own, read by its content.
        found.append(Part(label, "attachment", len(data), PARSED))
        found.append(nested(source, limits, f"{name.lower()}-value", data))
        return
    codec = codec_for(charset)
    if sniffed.startswith(("utf-16", "utf-32")):
        codec = sniffed  # bytes that are UTF-16 or 32 are that, whatever CHARSET says
    if codec is None:
        found.append(Part(label, "value", len(data), UNREAD, _UNKNOWN_CHARSET))
        return
    text = decode(data, codec, FALLBACK)
    first, *rest = text.splitlines() or [""]
    if len(rest) >= _FILE_LINES:
        # An attached table or document: read as the file it is, so a CSV keeps its columns.
        found.append(Part(label, "attachment", len(data), PARSED))
        found.append(nested(source, limits, f"{name.lower()}-value", text.encode("utf-8")))
        return
    yield f"{name}:{first}"
    yield from rest


def _in_charset(
    name: str, value: str, charset: str, encoding: str, found: list[Unit]
) -> Iterator[str]:
    """A raw value in the ``CHARSET`` it names: its bytes (as the file's ``encoding`` read
    them) decoded again; a charset no address book knows is an unread value."""
    codec = codec_for(charset)
    if codec is None:
        found.append(Part(f"{name} value", "value", len(value), UNREAD, _UNKNOWN_CHARSET))
    elif not encoding.startswith(("utf-16", "utf-32")):  # 16-bit text holds no 8-bit bytes
        value = decode(_stored_bytes(value, encoding), codec, FALLBACK)
    yield from f"{name}:{_unescaped(value)}".splitlines()


def _stored_bytes(value: str, encoding: str) -> bytes:
    """The bytes that ``encoding`` (with ``textio.FALLBACK``) decoded to ``value``."""
    if encoding.startswith("utf-8"):
        return value.encode("utf-8", "surrogateescape")
    try:
        return value.encode(encoding)
    except UnicodeEncodeError:  # bytes the fallback read as Windows-1252 or Latin-1
        return b"".join(_stored_char(ch, encoding) for ch in value)


def _stored_char(ch: str, encoding: str) -> bytes:
    for codec in (encoding, "cp1252", "latin-1"):
        try:
            return ch.encode(codec)
        except UnicodeEncodeError:
            continue
    return b"?"


_UNKNOWN_CHARSET = "unknown charset: the value cannot be decoded as shown"


def _base64(value: str) -> bytes | None:
    compact = "".join(value.split())
    try:
        return base64.b64decode(compact + "=" * (-len(compact) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def _unescaped(value: str) -> str:
    if "\\" not in value:
        return value
    return _ESCAPE.sub(lambda m: _UNESCAPED.get(m.group(1), m.group(1)), value)


READER = DirectoryReader()
