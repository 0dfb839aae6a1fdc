"""Email (RFC 5322 / MIME, and MHTML web archives), with the stdlib ``email`` package.

The subject is the title of every body part: "Re: credible fear interview" governs the names in
the message as a heading governs a list. So does the thread a message belongs to: what it quotes
of earlier messages ("> ..." lines, the text under "On ... wrote:", "-----Original Message-----"
or a forwarded message's header) titles its body too, so that a person a reply adds inherits the
claim of the message it answers; in a mailbox, what earlier messages of the same thread said
(their subjects and the start of their bodies, by In-Reply-To, References or the subject
without "Re:") titles the replies (``Thread``).

Bodies come out as ``Text`` (``text/plain``) or through the HTML reader (``text/html``: tables
as tables). Every attachment, and every attached message (``message/rfc822``), is a ``Nested``
source that the scanner reads with the reader for its format: a CSV or a workbook attached, an
email forwarded as an attachment, an archive holding more email, each within
``Limits.max_depth``.

Everything else a mail client or a script recovers is read too, as hidden units after the
bodies: every header of the message and of each part (``X-`` headers included, RFC 2047
decoded) as ``Name: value`` lines under the subject, except the address headers (From, To, Cc,
Received...), which are read in a unit of their own without the subject: they name the
correspondents, staff far more often than the persons a message is about, and the subject's
context would tie every official who writes about asylum to a protection claim, while a list
hidden in them is still read; the preamble and epilogue of every multipart. A part whose
Content-Transfer-Encoding is unknown, or whose base64 does not decode, is an unread part that
blocks: its bytes mean nothing until decoded. The encoding is taken as clients take it, trimmed
and lower-cased (``base64 ``). A text part is decoded in its charset as clients know the label
(``readers._charsets``: ``unicode`` and ``ucs-2`` are UTF-16LE, ``x-sjis`` Shift_JIS...); a
label no client knows blocks, and a part without one is sniffed as a text file is
(``textio.sniff_encoding``). A ``format=flowed`` body (RFC 3676) is read joined as Thunderbird
shows it, and with ``delsp=yes`` its lines as sent as well. Files uuencoded in a text body
are ``Nested``.
A fragment of a message split across mails (``message/partial``) blocks: it is read only whole.
A body that holds ciphertext in ASCII armour (``readers._armor``) is ``encrypted``.
An attached message or a multipart sent with a transfer encoding (base64 or quoted-printable:
MIME forbids it, Outlook writes it, Thunderbird decodes it) is decoded first and then read as a
message (``_decoded_entity``): the parser would take the encoded text for the message itself.
``Part`` units name each MIME part (``part 1.2``), the headers, preambles and epilogues. A
part whose bytes are a picture (PNG, JPEG, GIF...) is named and its pixels not read, and does
not block, as pictures everywhere (the text it carries is read); a binary signature (S/MIME)
likewise.

Content decides: a source is mail when it opens with a block of header lines that includes a
header mail carries (``accepts``), whatever its name; an mbox is the mbox reader's, which reads
each of its messages with ``message_units``.

A message is parsed whole, so files over ``MAX_BYTES`` are ``Unscannable("too large: ...")``.
"""

from __future__ import annotations

import binascii
import io
import mimetypes
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.errors import InvalidBase64LengthDefect, MessageError
from typing import TYPE_CHECKING

from approval.detect.readers._armor import encrypted
from approval.detect.readers._carriers import picture
from approval.detect.readers._charsets import UNLABELLED, codec_for, decode
from approval.detect.readers._members import PICTURE_FILE_REASON, PICTURE_REASON
from approval.detect.readers.html import html_units
from approval.detect.readers.zip import child_part
from approval.detect.textio import FALLBACK, sniff_encoding
from approval.detect.units import (
    PARSED,
    UNREAD,
    Limits,
    Nested,
    Part,
    Probe,
    Source,
    Text,
    Unit,
    Unscannable,
    Where,
)

if TYPE_CHECKING:
    from email.message import Message

MAX_BYTES = 100 * 1024 * 1024
_HEADER_LINE = re.compile(rb"^([!-9;-~]{1,76}):")
# Headers that mail systems write, or that mail carries and few other texts open with.
_MAIL_HEADERS = frozenset(
    {b"message-id", b"mime-version", b"received", b"return-path", b"content-type"}
    | {b"delivered-to", b"dkim-signature", b"x-mailer", b"in-reply-to", b"references"}
    | {b"content-transfer-encoding", b"snapshot-content-location", b"x-mimeole"}
)
_COMMON_HEADERS = frozenset({b"from", b"to", b"subject", b"date", b"cc", b"bcc", b"reply-to"})
# Headers that name correspondents: read apart, without the subject's context.
_ADDRESS_HEADERS = frozenset(
    {"from", "to", "cc", "bcc", "reply-to", "sender", "delivered-to", "return-path", "received"}
    | {"resent-from", "resent-to", "resent-cc", "resent-sender", "x-original-to", "envelope-to"}
)
_KNOWN_ENCODINGS = frozenset(
    {"", "7bit", "8bit", "binary", "base64", "quoted-printable", "uuencode", "x-uuencode"}
    | {"uue", "x-uue"}
)
_IDENTITY = frozenset({"", "7bit", "8bit", "binary"})
_PARSE_ERRORS = (MessageError, ValueError, LookupError, TypeError, AttributeError, IndexError)
_SLICE_LINES = 2_000
# Signatures (S/MIME, PGP) are not read: they are opaque bytes with no text of the message.
_SIGNATURES = frozenset(
    {"application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature"}
)
_SIGNATURE_BYTES = 64 * 1024
_CONTAINER_MAGIC = (
    b"PK", b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"7z\xbc\xaf", b"Rar!", b"%PDF", b"\xd0\xcf\x11\xe0"
)  # fmt: skip
_UU_BEGIN = re.compile(r"begin [0-7]{3,4} (.{1,255})$")
# What a thread passes on to a reply, at most (characters): context, not content.
THREAD_CHARS = 2_000
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|fwd?|aw|wg|tr|rv|sv|vs)\s*(?:\[\d+\])?\s*:\s*)+", re.I)
# Where the quoted part of a body starts, when it is not quoted with ">".
_QUOTE_START = re.compile(
    r"\s*(?:-{2,}\s*(?:original message|forwarded message|mensaje original|message d'origine)"
    r"|on\b.{3,300}\bwrote:\s*$|el\b.{3,300}\bescribi[óo]:\s*$|from:\s)",
    re.I,
)


@dataclass
class Thread:
    """What the messages of one mailbox said so far, by thread (mutable, one per read): a
    message's subject and the start of its body, under its Message-ID and its subject without
    "Re:", passed on to the replies."""

    said: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def keys(message: Message) -> tuple[list[str], list[str]]:
        """The keys a message is known by (its id, its subject), and those of what it answers."""
        own, answers = [], []
        subject = _REPLY_PREFIX.sub("", _subject(message)).strip().lower()
        if subject:
            own.append(f"subject:{subject}")
            answers.append(f"subject:{subject}")
        for name, into in (("message-id", own), ("in-reply-to", answers), ("references", answers)):
            into += [f"id:{v}" for v in _header(message, name).split()[:20]]
        return own, answers

    def before(self, message: Message) -> str:
        """What the thread said before this message."""
        _, answers = self.keys(message)
        said = dict.fromkeys(self.said[k] for k in answers if k in self.said)
        return " / ".join(said)[:THREAD_CHARS]

    def remember(self, message: Message, before: str, body: str) -> None:
        own, _ = self.keys(message)
        text = " / ".join(t for t in (before, _subject(message), body) if t)[-THREAD_CHARS:]
        for key in own:
            self.said[key] = text


def looks_like_mail(head: bytes) -> bool:
    """Whether bytes open with a mail header block: every line of the first block is a header
    or its continuation, and one of them is a header mail carries."""
    head = head.removeprefix(b"\xef\xbb\xbf")
    block = re.split(rb"\r?\n\r?\n", head, maxsplit=1)[0]
    lines = block.splitlines()
    if len(block) == len(head) and len(head) >= 8192:
        lines = lines[:-1]  # the last line may be cut by the head's end
    if not lines or not _HEADER_LINE.match(lines[0]):
        return False
    names: set[bytes] = set()
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            continue
        match = _HEADER_LINE.match(line)
        if match is None:
            return False
        names.add(match.group(1).lower())
    return bool(names & _MAIL_HEADERS) or len(names & _COMMON_HEADERS) >= 2


class EmlReader:
    """``max_bytes``: larger files are refused, since a message is parsed whole."""

    name = "eml"

    def __init__(self, max_bytes: int = MAX_BYTES):
        self.max_bytes = max_bytes

    def accepts(self, probe: Probe) -> bool:
        return looks_like_mail(probe.head)

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        with source.open() as stream:
            data = stream.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            raise Unscannable(f"too large: email over {_size(self.max_bytes)}")
        yield from message_units(data, source, limits)


def message_units(
    data: bytes, source: Source, limits: Limits, prefix: str = "", thread: Thread | None = None
) -> Iterator[Unit]:
    """The units of one message; ``prefix`` names it within its file (``message 3`` of an
    mbox), for its parts and its nested sources; ``thread`` what earlier messages of the same
    mailbox said."""
    # The mail library (~10 ms of imports) loads when a message is read, not with the registry.
    from email import policy
    from email.parser import BytesParser

    try:
        message = BytesParser(policy=policy.default).parsebytes(data)
    except RecursionError as exc:
        raise _too_deep(limits) from exc
    except _PARSE_ERRORS as exc:
        raise Unscannable("corrupt: unreadable email") from exc
    del data
    before = thread.before(message) if thread is not None else ""
    walk = _Walk(source, limits, _subject(message), prefix, before)
    try:
        yield from walk.part(message, 0, "")
        yield from walk.carriers()
        if thread is not None:
            thread.remember(message, before, walk.said)
    except RecursionError as exc:
        raise _too_deep(limits) from exc
    except _PARSE_ERRORS as exc:
        raise Unscannable("corrupt: unreadable email part") from exc


class _Walk:
    def __init__(
        self, source: Source, limits: Limits, subject: str, prefix: str = "", thread: str = ""
    ):
        self.source = source
        self.limits = limits
        self.subject = subject
        self.prefix = prefix
        self.thread = thread  # what earlier messages of the thread said
        self.said = ""  # the start of this message's own text, for the replies
        self.count = 0  # parts seen, to name the nameless
        # Hidden carriers, read after the bodies: part name -> lines.
        self.headers: list[str] = []
        self.addresses: list[str] = []
        self.around: list[tuple[str, list[str]]] = []  # preambles and epilogues
        self.unread_headers = 0  # size of the headers with encoded words no client decodes

    def _name(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def part(self, part: Message, depth: int, path: str) -> Iterator[Unit]:
        from email.message import Message

        if depth > self.limits.max_nesting:
            raise _too_deep(self.limits)
        self.count += 1
        if self.count > self.limits.max_entries:
            raise Unscannable(
                f"too many MIME parts: more than {self.limits.max_entries} (limits.max_entries)"
            )
        self._headers(part, path)
        # "message" for a single-part message: "body" would merge with the text reader's.
        label = self._name(f"part {path}" if path else "message")
        kind = part.get_content_type()
        filename = _filename(part)
        attached = filename is not None or part.get_content_disposition() == "attachment"
        encoding = _transfer_encoding(part)
        if not part.is_multipart() and encoding not in _KNOWN_ENCODINGS:
            size = len(str(part.get_payload()))
            reason = "unknown transfer encoding: its bytes cannot be decoded"
            yield Part(label, kind, size, UNREAD, reason)
            return
        if kind.startswith(("message/", "multipart/")) and encoding not in _IDENTITY:
            decoded = _decoded_entity(part, kind, encoding)
            if decoded is None:
                size = len(part.as_bytes())
                reason = f"{encoding} {kind} that does not decode: its bytes cannot be read"
                yield Part(label, kind, size, UNREAD, reason)
                return
            yield Part(label, kind, len(decoded), PARSED, f"decoded from {encoding}")
            yield self._nested(filename or f"message-{self.count}.eml", decoded)
            return
        if kind == "message/partial":
            # One fragment of a message split across mails (RFC 2046, 5.2.2): no fragment is
            # a message of its own, and the whole is read only reassembled. Blocks.
            size = len(str(part.get_payload()))
            reason = "message/partial: a fragment of a message split across mails, not read"
            yield Part(label, kind, size, UNREAD, reason)
            return
        if kind == "message/rfc822" or (kind.startswith("message/") and attached):
            inner = part.get_payload(0) if part.is_multipart() else None
            payload = inner.as_bytes() if isinstance(inner, Message) else _payload(part)
            yield Part(label, kind, len(payload), PARSED)
            yield self._nested(filename or f"message-{self.count}.eml", payload)
        elif part.is_multipart():
            self._around(part, path)
            children = part.get_payload()
            for number, child in enumerate(children if isinstance(children, list) else [], 1):
                if isinstance(child, Message):
                    inner = f"{path}.{number}" if path else str(number)
                    yield from self.part(child, depth + 1, inner)
        elif kind in _SIGNATURES and _is_signature(payload := _payload(part)):
            reason = "signature: a cryptographic signature, no text of the message"
            yield Part(label, kind, len(payload), UNREAD, reason, blocks=False)
        elif (carried := picture(payload := _payload(part))) is not None:
            # Pixels are not read. A picture attached as a file is a file of its own, and
            # blocks as a picture file does at the top level (a scanned list travels as one);
            # a picture shown in the message or a saved page (inline) is read as a document's
            # pictures are: named, not blocking. The text a picture carries is read either way.
            # Content decides: a workbook named chart.png is no picture.
            if part.get_content_disposition() == "attachment":
                yield Part(label, "image", len(payload), UNREAD, PICTURE_FILE_REASON)
            else:
                yield Part(label, "image", len(payload), UNREAD, PICTURE_REASON, blocks=False)
            if carried:
                yield Text(Where(part=label, hidden=True), carried, self.subject)
        elif attached or kind not in ("text/plain", "text/html"):
            payload = _payload(part)
            yield _coverage(label, kind, len(payload), part)
            yield self._nested(filename or f"part-{self.count}{_extension(kind)}", payload)
        elif (codec := _codec(part)) is None:
            # A charset no client knows: the bytes cannot be read as any client shows them.
            reason = "unknown charset: its text cannot be decoded as shown"
            yield Part(label, kind, len(_payload(part)), UNREAD, reason)
        elif (armour := encrypted(text := _text(part, codec))) is not None:
            raise Unscannable(armour)  # ciphertext in ASCII armour (``readers._armor``)
        elif kind == "text/html":
            yield _coverage(label, kind, len(text), part)
            where = Where(part=self._name("html body"))
            title = " / ".join(t for t in (self.subject, self.thread) if t)
            yield from html_units([text], where, title, limits=self.limits, source=self.source)
        else:
            yield _coverage(label, kind, len(text), part)
            lines = text.splitlines()
            flowed, delsp = _flowed(part)
            if flowed:
                # RFC 3676: a line that ends in a space goes on in the next, as Thunderbird and
                # Apple Mail show it; with delsp=yes that space is not part of the text. A
                # client that ignores format=flowed shows the lines as sent: read as well.
                stored, lines = lines, _unflowed(lines, delsp=delsp)
                if delsp and stored != lines:
                    hidden = Where(part=self._name("lines as sent"), hidden=True)
                    yield Text(hidden, stored, self.subject)
            if any(line.strip() for line in lines):
                own, quoted = _own_and_quoted(lines)
                if not self.said:
                    self.said = own
                title = " / ".join(t for t in (self.subject, self.thread, quoted) if t)
                yield Text(Where(part=self.prefix or None), lines, title)
            # Files pasted in the body uuencoded, which mail clients show as attachments.
            for name, payload in _uuencoded(lines):
                yield Part(self._name(f"uuencoded {name}"), "attachment", len(payload), PARSED)
                yield self._nested(name, payload)

    def _headers(self, part: Message, path: str) -> None:
        """Every header of a part, decoded, as ``Name: value`` lines."""
        for name, raw in part.raw_items():
            try:
                value: object = part.policy.header_fetch_parse(name, raw)
            except _PARSE_ERRORS:  # a header the policy cannot parse is read as it stands
                value = raw
            text = _header_text(value)
            if "=?" in raw:
                # Encoded words (RFC 2047) in a charset the mail library reads otherwise than
                # clients, or not at all: ``unicode``, ``x-sjis``... (``readers._charsets``).
                decoded = _client_decoded(raw)
                if decoded is None:
                    self.unread_headers += len(raw)
                elif decoded:
                    text = decoded
            if name.lower() in ("content-disposition", "content-type") and "*" in raw:
                # An RFC 2231 file name in a charset the mail library reads otherwise.
                extended = _extended_name(" ".join(raw.split()))
                text += f" (name: {extended})" if extended else ""
            if not text:
                continue
            line = f"{name}: {text}"
            (self.addresses if name.lower() in _ADDRESS_HEADERS else self.headers).append(line)
        self.headers.append("")

    def _around(self, part: Message, path: str) -> None:
        where = f"part {path}" if path else "message"
        for name, text in (("preamble", part.preamble), ("epilogue", part.epilogue)):
            lines = [line.rstrip() for line in (text or "").splitlines()]
            if any(lines):
                self.around.append((self._name(f"{where} {name}"), lines))

    def carriers(self) -> Iterator[Unit]:
        """The headers, preambles and epilogues met, as hidden units with their parts."""
        if self.unread_headers:
            reason = "unknown charset: encoded words in headers cannot be decoded as shown"
            yield Part(self._name("encoded headers"), "header", self.unread_headers, UNREAD, reason)
        for part, lines, title in (
            (self._name("headers"), self.headers, self.subject),
            (self._name("address headers"), self.addresses, ""),
            *((part, lines, self.subject) for part, lines in self.around),
        ):
            while lines and not lines[-1]:
                lines.pop()
            if not lines:
                continue
            yield Part(part, "header" if "header" in part else "text", sum(map(len, lines)), PARSED)
            for start in range(0, len(lines), _SLICE_LINES):
                slice_ = lines[start : start + _SLICE_LINES]
                yield Text(Where(part=part, hidden=True), slice_, title)

    def _nested(self, name: str, payload: bytes) -> Nested:
        if self.source.depth >= self.limits.max_depth:
            raise Unscannable(
                f"too deeply nested: attachments more than {self.limits.max_depth} deep"
            )
        # Attachment names come from the sender; keep them to one path segment.
        name = name.replace("/", "_").replace("\\", "_") or f"part-{self.count}"
        inner = self._name(name)
        return Nested(
            source=Source(
                name=name,
                open=lambda: io.BytesIO(payload),
                size=len(payload),
                depth=self.source.depth + 1,
                part=child_part(self.source, inner),
                # The subject (and the thread) say what an attached list is.
                context=" / ".join(t for t in (self.subject, self.thread) if t),
            ),
            where=Where(part=inner),
        )


def _own_and_quoted(lines: list[str]) -> tuple[str, str]:
    """The start of what a body says itself, and of what it quotes of earlier messages (the
    thread's context), each up to ``THREAD_CHARS``."""
    own: list[str] = []
    quoted: list[str] = []
    sizes = [0, 0]
    below = False  # under a reply's or a forward's header: all of it is quoted
    for line in lines:
        text = line.strip()
        if not text:
            continue
        if not below and _QUOTE_START.match(text):
            below = True
        into = 1 if below or text.startswith(">") else 0
        if sizes[into] >= THREAD_CHARS:
            if min(sizes) >= THREAD_CHARS:
                break
            continue
        text = text.lstrip("> ").strip()
        (quoted if into else own).append(text)
        sizes[into] += len(text) + 1
    return " ".join(own)[:THREAD_CHARS], " ".join(quoted)[:THREAD_CHARS]


def _coverage(label: str, kind: str, size: int, part: Message) -> Part:
    """A leaf part read; unread, and blocking, when its base64 body does not decode (what is
    read then is the encoded text, not what the part holds)."""
    if any(isinstance(defect, InvalidBase64LengthDefect) for defect in part.defects):
        return Part(label, kind, size, UNREAD, "body does not decode from base64")
    return Part(label, kind, size, PARSED)


def _is_signature(payload: bytes) -> bool:
    """Whether a signature part's bytes are binary and no other format (a signature is DER,
    opaque): text, or a file that opens as something (a ZIP, a PDF...), is read instead."""
    return (
        0 < len(payload) <= _SIGNATURE_BYTES
        and sniff_encoding(payload[:8192]) is None
        and not payload.startswith(_CONTAINER_MAGIC)
    )


def _uuencoded(lines: list[str]) -> Iterator[tuple[str, bytes]]:
    """The files uuencoded in a text body: ``begin 644 name`` ... ``end``."""
    name: str | None = None
    data = bytearray()
    for line in lines:
        if name is None:
            match = _UU_BEGIN.match(line)
            if match:
                name, data = match.group(1).strip() or "uuencoded", bytearray()
            continue
        if line.strip() == "end":
            yield name, bytes(data)
            name = None
            continue
        data += _uu_line(line)
    if name is not None:  # no "end": what came is still the file's
        yield name, bytes(data)


def _uu_line(line: str) -> bytes:
    raw = line.rstrip("\r\n").encode("latin-1", "replace")
    if not raw or raw in (b"`", b" "):
        return b""
    try:
        return binascii.a2b_uu(raw)
    except binascii.Error:
        # Encoders that drop trailing spaces: decode the bytes the length character promises.
        count = (((raw[0] - 32) & 63) * 4 + 5) // 3
        try:
            return binascii.a2b_uu(raw[:count])
        except binascii.Error:
            return b""


def _header_text(value: object) -> str:
    """A header's value, decoded (RFC 2047 words, folded lines), on one line."""
    try:
        text = str(value)
    except _PARSE_ERRORS:
        text = ""
    return " ".join(text.split())


def _header(message: Message, name: str) -> str:
    """A header's text, or "" where the mail library cannot parse it: a mangled Message-ID
    raises from inside ``get`` (IndexError as well as its own errors), and a header is only
    context here, never a reason to refuse the mail."""
    try:
        return _header_text(message.get(name, ""))
    except _PARSE_ERRORS:
        return ""


def _subject(message: Message) -> str:
    try:
        raw = next((v for k, v in message.raw_items() if k.lower() == "subject"), "")
        decoded = _client_decoded(raw) if "=?" in raw else ""
        return decoded or " ".join(str(message.get("subject", "")).split())
    except _PARSE_ERRORS:
        return ""


_ENCODED_WORD = re.compile(r"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bBqQ])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"(?<=\?=)\s+(?==\?)")


def _client_decoded(raw: object) -> str | None:
    """A header's value with its encoded words decoded as mail clients decode them, on one
    line: "" when the mail library decodes them alike (its text stands), None when one names a
    charset no client knows (the header cannot be read as shown)."""
    text = str(raw)
    labels = {match.group(1).lower() for match in _ENCODED_WORD.finditer(text)}
    codecs_ = {label: codec_for(label) for label in labels}
    if None in codecs_.values():
        return None
    if all(_same_codec(label, codec or "") for label, codec in codecs_.items()):
        return ""
    joined = _BETWEEN_WORDS.sub("", " ".join(text.split()))
    return _ENCODED_WORD.sub(_decoded_word, joined)


def _same_codec(label: str, codec: str) -> bool:
    """Whether Python's codec for ``label`` is ``codec``: the mail library decodes by it."""
    import codecs

    try:
        return codecs.lookup(label).name == codecs.lookup(codec).name
    except LookupError:
        return False


def _decoded_word(match: re.Match[str]) -> str:
    codec = codec_for(match.group(1)) or "utf-8"
    payload = match.group(3).encode("ascii", "replace")
    try:
        if match.group(2) in "bB":
            data = binascii.a2b_base64(payload + b"=" * (-len(payload) % 4))
        else:
            data = quopri.decodestring(payload.replace(b"_", b" "), header=True)
    except (binascii.Error, ValueError):
        return match.group(0)
    return " ".join(decode(data, codec).split())


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except _PARSE_ERRORS:
        return None
    if name is None:
        return None
    for header, raw in part.raw_items():  # as sent: the parsed header renders it decoded
        if header.lower() not in ("content-disposition", "content-type") or "*" not in raw:
            continue
        if (extended := _extended_name(" ".join(raw.split()))) is not None:
            name = extended  # what clients decode (a charset label Python does not know)
            break
    return str(name).strip() or None


def _extended_name(raw: str) -> str | None:
    """A name given by RFC 2231 parameters (``filename*=``, ``filename*0*=``...), decoded in
    their charset as clients decode it, when the charset is one the mail library reads
    otherwise (``ucs-2``, ``x-sjis``); None when it reads it alike, or there is none. The mail
    library joins and unquotes the parameters: its compat32 ``Message`` gives them as sent."""
    from email.message import Message

    header = Message()
    header["content-type"] = raw
    try:
        params = [header.get_param(name) for name in ("filename", "name")]
    except _PARSE_ERRORS:
        return None
    value = next((p for p in params if isinstance(p, tuple)), None)
    if value is None:
        return None
    label, text = value[0] or "", value[2]
    codec = codec_for(label)
    if codec is None or _same_codec(label, codec):
        return None
    return decode(text.encode("latin-1", "replace"), codec)


def _payload(part: Message) -> bytes:
    """The decoded body (base64, quoted-printable); as is when its encoding is broken."""
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def _decoded_entity(part: Message, kind: str, encoding: str) -> bytes | None:
    """A message or multipart part sent with a transfer encoding, decoded, as a message to read
    (a multipart keeps its Content-Type, which names its boundary); None when it does not
    decode. The parser took the encoded text for the entity's content: its body is that text
    as the part's bytes give it back, after the part's own headers."""
    raw = part.as_bytes()
    cut = raw.find(b"\n\n")
    body = raw[cut + 2 :] if cut >= 0 else b""
    try:
        if encoding == "base64":
            decoded = binascii.a2b_base64(body)
        elif encoding == "quoted-printable":
            decoded = quopri.decodestring(body)
        else:
            return None
    except (binascii.Error, ValueError):
        return None
    if kind.startswith("multipart/"):
        header = str(part.get("content-type", kind)).encode("utf-8", "surrogateescape")
        return b"MIME-Version: 1.0\r\nContent-Type: " + header + b"\r\n\r\n" + decoded
    return decoded


def _transfer_encoding(part: Message) -> str:
    """A part's Content-Transfer-Encoding as mail clients take it: trimmed and lower-cased
    (``base64 ``, ``Quoted-Printable\t``). The header is rewritten so: the mail library's
    decoding compares the value as sent and would give back the encoded text as the body."""
    raw = str(part.get("content-transfer-encoding", ""))
    encoding = raw.strip().lower()
    if raw != encoding and encoding in _KNOWN_ENCODINGS and encoding:
        part.replace_header("content-transfer-encoding", encoding)
    return encoding


def _codec(part: Message) -> str | None:
    """The codec of a text part's charset (``readers._charsets``): "" when it names none (the
    bytes are sniffed), None when no client knows the label it names."""
    label = part.get_content_charset()
    return "" if label is None or label.strip() in UNLABELLED else codec_for(label)


def _text(part: Message, codec: str) -> str:
    data = _payload(part)
    if not codec:
        # No charset: what the bytes are, as a client's detection takes them (UTF-8, a
        # legacy CJK encoding, Windows-1252), read leniently.
        return data.decode(sniff_encoding(data[:8192]) or "utf-8", FALLBACK)
    return decode(data, codec)


def _flowed(part: Message) -> tuple[bool, bool]:
    """Whether a text part is ``format=flowed`` (RFC 3676), and whether ``delsp=yes``."""
    try:
        flowed = str(part.get_param("format", "")).strip().lower() == "flowed"
        delsp = str(part.get_param("delsp", "")).strip().lower() == "yes"
    except _PARSE_ERRORS:
        return False, False
    return flowed, delsp


def _unflowed(lines: list[str], *, delsp: bool) -> list[str]:
    """Flowed lines joined as a client shows them (RFC 3676, 4.2 and 4.5): a line that ends in
    a space (but the signature separator "-- ") is joined to the next of the same quote depth,
    without that space under ``delsp``; a space stuffed at a line's start is removed."""
    out: list[str] = []
    held: list[str] = []  # the pieces of the paragraph being joined
    held_depth = 0
    for line in lines:
        body = line.lstrip(">")
        depth = len(line) - len(body)
        body = body.removeprefix(" ")
        if held and depth != held_depth:
            out.append(_quoted(held_depth, "".join(held)))
            held = []
        if body.endswith(" ") and body != "-- ":
            held.append(body[:-1] if delsp else body)
            held_depth = depth
            continue
        out.append(_quoted(depth, "".join(held) + body))
        held = []
    if held:
        out.append(_quoted(held_depth, "".join(held)))
    return out


def _quoted(depth: int, text: str) -> str:
    return ">" * depth + " " + text if depth else text


def _extension(kind: str) -> str:
    """An extension for a nameless part, so that the scanner's format sniffing has a name."""
    return mimetypes.guess_extension(kind, strict=False) or ".bin"


def _too_deep(limits: Limits) -> Unscannable:
    return Unscannable(f"too deeply nested: more than {limits.max_nesting} MIME levels")


def _size(count: int) -> str:
    return f"{count / 1024**2:g} MiB" if count >= 1024**2 else f"{count} bytes"


READER = EmlReader()
