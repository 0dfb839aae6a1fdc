"""Email (.eml, RFC 5322 / MIME), with the stdlib ``email`` package and ``policy.default``.

The subject is the title of every body part: "Re: credible fear interview" governs the names in
the message as a heading governs a list. Bodies come out as ``Text`` (``text/plain``) or through
the HTML reader (``text/html``: tables as tables). Every attachment, and every attached message
(``message/rfc822``), is a ``Nested`` source that the scanner reads with the reader for its
format: a CSV or a workbook attached, an email forwarded as an attachment, an archive holding
more email, each within ``Limits.max_depth``.

The address headers (From, To, Cc) are not scanned: they name the correspondents, who are
staff far more often than the persons a message is about, and would tie every official who
writes about asylum to a protection claim.

A message is parsed whole, so files over ``MAX_BYTES`` are ``Unscannable("too large: ...")``.
"""

from __future__ import annotations

import io
import mimetypes
import re
from collections.abc import Iterator
from email import policy
from email.errors import MessageError
from email.message import Message
from email.parser import BytesParser
from pathlib import PurePosixPath

from approval.detect.readers.html import html_units
from approval.detect.readers.zip import child_part
from approval.detect.units import Limits, Nested, Source, Text, Unit, Unscannable, Where

MAX_BYTES = 100 * 1024 * 1024
_SUFFIXES = frozenset({".eml", ".mht", ".mhtml"})
_HEADER = re.compile(rb"^([A-Za-z][A-Za-z0-9-]{0,60}):", re.M)
# Headers that mail systems write and memos typed as text do not.
_MAIL_HEADERS = frozenset({b"message-id", b"mime-version", b"received", b"return-path"})
_COMMON_HEADERS = frozenset({b"from", b"to", b"subject", b"date", b"cc", b"content-type"})
_PARSE_ERRORS = (MessageError, ValueError, LookupError, TypeError, AttributeError, IndexError)


class EmlReader:
    """``max_bytes``: larger files are refused, since a message is parsed whole."""

    name = "eml"

    def __init__(self, max_bytes: int = MAX_BYTES):
        self.max_bytes = max_bytes

    def accepts(self, head: bytes, name: str) -> bool:
        if PurePosixPath(name.lower()).suffix in _SUFFIXES:
            return True
        block = head.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
        if not _HEADER.match(block):
            return False
        names = {match.group(1).lower() for match in _HEADER.finditer(block)}
        return bool(names & _MAIL_HEADERS) and len(names & (_MAIL_HEADERS | _COMMON_HEADERS)) >= 3

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        with source.open() as stream:
            data = stream.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            raise Unscannable(f"too large: email over {_size(self.max_bytes)}")
        try:
            message = BytesParser(policy=policy.default).parsebytes(data)
        except RecursionError as exc:
            raise _too_deep(limits) from exc
        except _PARSE_ERRORS as exc:
            raise Unscannable("corrupt: unreadable email") from exc
        del data
        walk = _Walk(source, limits, _subject(message))
        try:
            yield from walk.part(message, 0)
        except RecursionError as exc:
            raise _too_deep(limits) from exc
        except _PARSE_ERRORS as exc:
            raise Unscannable("corrupt: unreadable email part") from exc


class _Walk:
    def __init__(self, source: Source, limits: Limits, subject: str):
        self.source = source
        self.limits = limits
        self.subject = subject
        self.count = 0  # parts seen, to name the nameless

    def part(self, part: Message, depth: int) -> Iterator[Unit]:
        if depth > self.limits.max_nesting:
            raise _too_deep(self.limits)
        self.count += 1
        kind = part.get_content_type()
        filename = _filename(part)
        attached = filename is not None or part.get_content_disposition() == "attachment"
        if kind == "message/rfc822" or (kind.startswith("message/") and attached):
            inner = part.get_payload(0) if part.is_multipart() else None
            payload = inner.as_bytes() if isinstance(inner, Message) else _payload(part)
            yield self._nested(filename or f"message-{self.count}.eml", payload)
        elif part.is_multipart():
            children = part.get_payload()
            for child in children if isinstance(children, list) else []:
                if isinstance(child, Message):
                    yield from self.part(child, depth + 1)
        elif attached or kind not in ("text/plain", "text/html"):
            yield self._nested(filename or f"part-{self.count}{_extension(kind)}", _payload(part))
        elif kind == "text/html":
            yield from html_units([_text(part)], Where(part="html body"), self.subject)
        else:
            lines = _text(part).splitlines()
            if any(line.strip() for line in lines):
                yield Text(Where(), lines, self.subject)

    def _nested(self, name: str, payload: bytes) -> Nested:
        if self.source.depth >= self.limits.max_depth:
            raise Unscannable(
                f"too deeply nested: attachments more than {self.limits.max_depth} deep"
            )
        # Attachment names come from the sender; keep them to one path segment.
        name = name.replace("/", "_").replace("\\", "_") or f"part-{self.count}"
        return Nested(
            source=Source(
                name=name,
                open=lambda: io.BytesIO(payload),
                size=len(payload),
                depth=self.source.depth + 1,
                part=child_part(self.source, name),
            ),
            where=Where(part=name),
        )


def _subject(message: Message) -> str:
    try:
        return " ".join(str(message.get("subject", "")).split())
    except _PARSE_ERRORS:
        return ""


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except _PARSE_ERRORS:
        return None
    if name is None:
        return None
    return str(name).strip() or None


def _payload(part: Message) -> bytes:
    """The decoded body (base64, quoted-printable); as is when its encoding is broken."""
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def _text(part: Message) -> str:
    data = _payload(part)
    charset = part.get_content_charset() or "utf-8"
    try:
        return data.decode(charset, "replace")
    except LookupError:  # a charset Python does not know
        return data.decode("cp1252", "replace")


def _extension(kind: str) -> str:
    """An extension for a nameless part, so that the scanner's format sniffing has a name."""
    return mimetypes.guess_extension(kind, strict=False) or ".bin"


def _too_deep(limits: Limits) -> Unscannable:
    return Unscannable(f"too deeply nested: more than {limits.max_nesting} MIME levels")


def _size(count: int) -> str:
    return f"{count / 1024**2:g} MiB" if count >= 1024**2 else f"{count} bytes"


READER = EmlReader()
