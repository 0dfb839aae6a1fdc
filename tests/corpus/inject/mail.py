"""Mail carriers: bodies, headers, preamble and epilogue, attachments, attached messages, mbox."""

from __future__ import annotations

from collections.abc import Sequence
from email import policy as email_policy
from email.message import EmailMessage
from email.parser import BytesParser

from approval.detect.units import Limits
from tests.corpus.inject.content import HARMLESS, Build, Case, Content
from tests.corpus.inject.text import csv_file
from tests.corpus.inject.web import html_table


def _message(
    body: str = "Please find the monthly statistics below.\n",
    *,
    headers: Sequence[tuple[str, str]] = (),
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Records Unit <records@agency.example>"
    message["To"] = "exports@agency.example"
    message["Subject"] = "Monthly statistics"
    message["Date"] = "Mon, 19 Dec 2022 10:15:00 -0500"
    message["Message-ID"] = "<20221219101500.7@agency.example>"
    for name, value in headers:
        message[name] = value
    message.set_content(body)
    return message


def _header(name: str) -> Build:
    def build(c: Content) -> bytes:
        return bytes(_message(headers=[(name, c.line())]))

    return build


def eml_subject(c: Content) -> bytes:
    message = _message()
    message.replace_header("Subject", c.line())
    return bytes(message)


def eml_to_names(c: Content) -> bytes:
    """Each record as the quoted display name of a recipient, one per folded line (written by
    hand: the standard library's folding drops the quotes of such long names)."""
    message = _message()
    del message["To"]
    names = ",\n ".join(
        f'"{line.replace(chr(34), "")}" <r{n}@mail.example>' for n, line in enumerate(c.labelled())
    )
    return f"To: {names}\n".encode() + bytes(message)


def eml_body(c: Content) -> bytes:
    return bytes(_message(c.text()))


def eml_html_body(c: Content) -> bytes:
    message = _message("See the HTML version.\n")
    message.add_alternative(html_table(c).decode(), subtype="html")
    return bytes(message)


def eml_quoted_printable(c: Content) -> bytes:
    message = _message()
    message.set_content(c.text(), cte="quoted-printable")
    return bytes(message)


def _multipart(preamble: str = "", epilogue: str = "") -> bytes:
    """A multipart message with text outside its parts, which mail clients do not show but
    ``cat`` and a forwarding client's "view source" do (8-bit, as most mail is sent today)."""
    message = _message()
    message.add_attachment(b"1,2\r\n", maintype="text", subtype="plain", filename="n.txt")
    data = bytes(message)
    boundary = b"--" + str(message.get_boundary()).encode()
    first = data.index(boundary)
    data = data[:first] + preamble.encode() + b"\n" + data[first:]
    return data + epilogue.encode()


def eml_preamble(c: Content) -> bytes:
    return _multipart(preamble=c.text())


def eml_epilogue(c: Content) -> bytes:
    return _multipart(epilogue=c.text())


def eml_attachment(data: bytes, filename: str, kind: str = "application/octet-stream") -> bytes:
    message = _message()
    maintype, subtype = kind.split("/")
    message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return bytes(message)


def eml_rfc822(inner: bytes, levels: int = 1) -> bytes:
    for _ in range(levels):
        message = _message("Forwarded message attached.\n")
        attached = BytesParser(policy=email_policy.default).parsebytes(inner)
        message.add_attachment(attached)
        inner = bytes(message)
    return inner


def mbox(messages: Sequence[bytes]) -> bytes:
    out = bytearray()
    for message in messages:
        out += b"From records@agency.example Mon Dec 19 10:15:00 2022\n"
        body = message.replace(b"\r\n", b"\n")
        # mboxrd quoting of body lines starting with "From "
        body = b"\n".join(b">" + line if line.startswith(b"From ") else line
                          for line in body.split(b"\n"))  # fmt: skip
        out += body.rstrip(b"\n") + b"\n\n"
    return bytes(out)


DEPTH = Limits().max_depth


def eml_base64(c: Content) -> bytes:
    message = _message()
    message.set_content(c.text(), cte="base64")
    return bytes(message)


def eml_encoded_subject(c: Content) -> bytes:
    """The subject as RFC 2047 encoded words (base64), folded, as clients write non-ASCII."""
    import base64

    data = c.line().encode()
    words = [
        "=?utf-8?b?" + base64.b64encode(data[i : i + 45]).decode() + "?="
        for i in range(0, len(data), 45)
    ]
    message = _message()
    del message["Subject"]
    return ("Subject: " + "\n ".join(words) + "\n").encode() + bytes(message)


def eml_html_only(c: Content) -> bytes:
    message = _message()
    message.set_content(html_table(c).decode(), subtype="html")
    return bytes(message)


def eml_part_description(c: Content) -> bytes:
    """A MIME part's own header (Content-Description), which clients show as a tooltip."""
    message = _message()
    message.add_attachment(b"1,2\r\n", maintype="text", subtype="plain", filename="n.txt")
    attachment = next(message.iter_attachments())
    attachment["Content-Description"] = c.line()
    return bytes(message)


def eml_signed(c: Content) -> bytes:
    """A signed message (multipart/signed, S/MIME): the body is the first part."""
    inner = EmailMessage()
    inner.set_content(c.text())
    signature = EmailMessage()
    signature.set_content(
        bytes(range(256)), maintype="application", subtype="pkcs7-signature", filename="smime.p7s"
    )
    message = _message()
    message.clear_content()
    message.set_type("multipart/signed")
    message.set_param("protocol", "application/pkcs7-signature")
    message.set_param("micalg", "sha-256")
    message.attach(inner)
    message.attach(signature)
    return bytes(message)


def eml_calendar(c: Content) -> bytes:
    """A meeting invitation: the text/calendar part's DESCRIPTION, folded as RFC 5545 says."""
    description = "\\n".join(c.lines()).replace(",", "\\,").replace(";", "\\;")
    folded = "\r\n ".join(description[i : i + 70] for i in range(0, len(description), 70))
    calendar = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Agency//Calendar//EN\r\nMETHOD:REQUEST\r\n"
        "BEGIN:VEVENT\r\nUID:20221219T101500-7@agency.example\r\nDTSTAMP:20221219T101500Z\r\n"
        "DTSTART:20221220T150000Z\r\nSUMMARY:Hearing schedule\r\n"
        f"DESCRIPTION:{folded}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    message = _message("Invitation: hearing schedule\n")
    message.add_alternative(
        calendar.encode(), maintype="text", subtype="calendar", params={"method": "REQUEST"}
    )
    return bytes(message)


def eml_uuencoded(c: Content) -> bytes:
    """An attachment uuencoded into the body, as old gateways and some scripts still send."""
    import binascii

    data = c.csv().encode()
    lines = "".join(binascii.b2a_uu(data[i : i + 45]).decode() for i in range(0, len(data), 45))
    return bytes(_message(f"List attached.\n\nbegin 644 list.csv\n{lines}`\nend\n"))


def eml_attachment_names(c: Content) -> bytes:
    """Attachments named after the records (the files themselves empty): every client lists
    the names."""
    message = _message()
    for line in c.labelled():
        name = line.replace("/", "-").replace(":", "").replace(";", "") + ".pdf"
        message.add_attachment(b"", maintype="application", subtype="pdf", filename=name)
    return bytes(message)


CASES: list[Case] = [
    Case("eml", "body", ".eml", eml_body),
    Case("eml", "body quoted-printable", ".eml", eml_quoted_printable),
    Case("eml", "HTML body", ".eml", eml_html_body),
    Case("eml", "Subject", ".eml", eml_subject),
    Case("eml", "X- header", ".eml", _header("X-Reviewed-List")),
    Case("eml", "Comments header", ".eml", _header("Comments")),
    Case("eml", "Keywords header", ".eml", _header("Keywords")),
    Case("eml", "To display names", ".eml", eml_to_names),
    Case("eml", "preamble", ".eml", eml_preamble),
    Case("eml", "epilogue", ".eml", eml_epilogue),
    Case("eml", "attached message", ".eml", lambda c: eml_rfc822(eml_body(c))),
    Case(
        "eml",
        f"messages attached to depth {DEPTH}",
        ".eml",
        lambda c: eml_rfc822(eml_body(c), DEPTH),
    ),
    Case(
        "eml",
        f"messages attached past depth {DEPTH}",
        ".eml",
        lambda c: eml_rfc822(eml_body(c), DEPTH + 1),
        ordinary=False,
    ),
    Case("mbox", "first message", ".mbox", lambda c: mbox([eml_body(c), eml_body(HARMLESS)])),
    Case("mbox", "later message", ".mbox", lambda c: mbox([eml_body(HARMLESS), eml_body(c)])),
    Case(
        "mbox",
        "attachment",
        ".mbox",
        lambda c: mbox([eml_body(HARMLESS), eml_attachment(csv_file(c), "list.csv", "text/csv")]),
    ),
    Case("eml", "body base64", ".eml", eml_base64),
    Case("eml", "Subject RFC 2047", ".eml", eml_encoded_subject),
    Case("eml", "HTML-only body", ".eml", eml_html_only),
    Case("eml", "part Content-Description", ".eml", eml_part_description),
    Case("eml", "S/MIME signed body", ".eml", eml_signed),
    Case("eml", "calendar invitation", ".eml", eml_calendar),
    Case("eml", "uuencoded attachment in the body", ".eml", eml_uuencoded),
    Case("eml", "file names of attachments", ".eml", eml_attachment_names),
]
