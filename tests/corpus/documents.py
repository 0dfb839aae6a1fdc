"""Documents of every format the document readers handle, built from the synthetic persons of
``tests.corpus.people``, each with its ground truth: the verdict a scan must give, the distinct
persons per data class, and for an unscannable file how its reason starts.

Everything is made by hand or with the standard library (and pypdf to encrypt a PDF), small
and deterministic: zip bombs are a few KiB on disk, the deep JSON is 200 KB.

Ground truth counts a person once, under the strictest class their record falls in
(``protected-person`` before ``personal-data``), as ``FileReport.classes`` does.
"""

from __future__ import annotations

import io
import json
import random
import struct
import warnings
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from xml.sax.saxutils import escape

from approval.detect.units import (
    Limits,
    Nested,
    Part,
    Reader,
    Records,
    Source,
    Table,
    Text,
    Unit,
    Unscannable,
)
from tests.corpus.people import Person, people

PROTECTED = "protected-person"
PERSONAL = "personal-data"

PERSONS = people(60)


@dataclass(frozen=True)
class Built:
    """A file on disk and what a scan of it must say."""

    path: Path
    verdict: str  # "clean", "protected" or "unscannable"
    persons: dict[str, int] = field(default_factory=dict)  # class id -> distinct persons
    reason: str = ""  # how an unscannable file's reason starts


def us(person: Person) -> str:
    """A birthdate as US forms write it."""
    return person.birthdate.strftime("%m/%d/%Y")


# Email.


def eml_bytes(
    subject: str,
    body: str,
    *,
    sender: str = "Records Unit <records@agency.example>",
    to: str = "exports@agency.example",
    html: str | None = None,
    attachments: Sequence[tuple[str, bytes, str]] = (),
    messages: Sequence[bytes] = (),
) -> bytes:
    """An RFC 5322 message; ``attachments`` are (filename, data, media type); ``messages`` are
    whole messages attached as message/rfc822."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = "Mon, 19 Dec 2022 10:15:00 -0500"
    message["Message-ID"] = f"<{abs(hash(subject)) % 10**8}@agency.example>"
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for name, data, kind in attachments:
        maintype, subtype = kind.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    for raw in messages:
        message.add_attachment(_parse(raw))
    return bytes(message)


def _parse(raw: bytes) -> EmailMessage:
    from email import policy
    from email.parser import BytesParser

    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(parsed, EmailMessage)
    return parsed


def credible_fear_email(person: Person) -> bytes:
    return eml_bytes(
        "Follow-up: credible fear interview",
        "Hello,\n\n"
        f"{person.name} (A# {person.a_number}) had a credible fear interview on 3 November\n"
        f"2022 at {person.facility}. The officer found a positive fear; please schedule the\n"
        "next hearing.\n\nRegards,\nScheduling unit\n",
    )


# PDF, written by hand: one Helvetica text layer per page, or one image.


def _pdf_string(text: str) -> bytes:
    out = bytearray(b"(")
    for byte in text.encode("cp1252", "replace"):
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif 32 <= byte < 127:
            out.append(byte)
        else:
            out += b"\\%03o" % byte
    return bytes(out + b")")


def minimal_pdf(
    pages: Sequence[Sequence[str] | None],
    title: str | None = None,
    *,
    fields: dict[str, str] | None = None,
    notes: Sequence[str] = (),
) -> bytes:
    """A valid PDF: each page is lines of text (Helvetica, WinAnsi), or ``None`` for a page
    that is a single scanned image with no text, or ``[]`` for a blank page. ``fields`` are
    filled-in form fields (name: value); ``notes`` are comment annotations on the first page."""
    objects: list[bytes] = []  # object n is objects[n - 1]

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    tree = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    annotations = [
        add(b"<< /Type /Annot /Subtype /Text /Rect [72 72 90 90] /Contents %s >>" % _pdf_string(n))
        for n in notes
    ]
    for number, lines in enumerate(pages):
        if lines is None:
            pixels = bytes([0, 255, 255, 0])
            image = add(
                b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray"
                b" /BitsPerComponent 8 /Length 4 >>\nstream\n" + pixels + b"\nendstream"
            )
            content = b"q 612 0 0 792 0 0 cm /Im1 Do Q"
            resources = b"<< /XObject << /Im1 %d 0 R >> >>" % image
        else:
            shows = b" 0 -16 Td ".join(_pdf_string(line) + b" Tj" for line in lines)
            content = b"BT /F1 11 Tf 72 740 Td " + shows + b" ET" if lines else b""
            resources = b"<< /Font << /F1 %d 0 R >> >>" % font
        stream = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        annots = b" ".join(b"%d 0 R" % a for a in annotations) if number == 0 else b""
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources %s"
                b" /Contents %d 0 R /Annots [%s] >>" % (tree, resources, stream, annots)
            )
        )
    form = b""
    if fields:
        refs = [
            add(b"<< /FT /Tx /T %s /V %s >>" % (_pdf_string(name), _pdf_string(value)))
            for name, value in fields.items()
        ]
        form = b" /AcroForm << /Fields [%s] >>" % b" ".join(b"%d 0 R" % r for r in refs)
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R%s >>" % (tree, form)
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )
    info = add(b"<< /Title %s >>" % _pdf_string(title)) if title else None
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"/Size %d /Root %d 0 R" % (len(objects) + 1, catalog)
    if info:
        trailer += b" /Info %d 0 R" % info
    out += b"trailer\n<< " + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def encrypted_pdf(plain: bytes, user_password: str = "s3cret") -> bytes:  # noqa: S107
    """``plain`` encrypted with pypdf (AES-128); an empty ``user_password`` restricts
    permissions only, and any viewer opens the file."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def schedule_lines(persons: Sequence[Person]) -> list[str]:
    lines = ["Credible fear interview schedule - week of 5 December 2022", ""]
    lines += [
        f"{p.last_first}    {p.a_number}    DOB {us(p)}    {p.nationality}    {p.claim}"
        for p in persons
    ]
    return lines


# DOCX, written by hand: the few parts Word needs, and the ones a reader may miss.

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_OOXML = "http://schemas.openxmlformats.org"
_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"
# ("h1".."h9" | "p" | "item" | "deleted" | "xml", text or raw WordprocessingML) or
# ("table", rows)
Block = tuple[str, object]


def _run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _paragraph(text: str, style: str | None = None, item: bool = False) -> str:
    props = f'<w:pStyle w:val="{style}"/>' if style else ""
    if item:
        props += '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{_run(text)}</w:p>"


def _docx_table(rows: Sequence[Sequence[str]]) -> str:
    cells = (
        "<w:tr>" + "".join(f"<w:tc><w:tcPr/>{_paragraph(c)}</w:tc>" for c in row) + "</w:tr>"
        for row in rows
    )
    return f"<w:tbl><w:tblPr/>{''.join(cells)}</w:tbl>"


def docx_bytes(
    blocks: Sequence[Block],
    *,
    title: str | None = None,
    header: Sequence[str] = (),
    footer: Sequence[str] = (),
    comments: Sequence[str] = (),
    embedded: Sequence[tuple[str, bytes]] = (),
) -> bytes:
    body = []
    for kind, value in blocks:
        if kind == "table":
            body.append(_docx_table(value))  # type: ignore[arg-type]
        elif kind == "item":
            body.append(_paragraph(str(value), item=True))
        elif kind == "xml":
            body.append(str(value))
        elif kind == "deleted":
            body.append(
                '<w:p><w:del w:id="9" w:author="editor">'
                f"<w:r><w:delText>{escape(str(value))}</w:delText></w:r></w:del></w:p>"
            )
        elif kind.startswith("h"):
            body.append(_paragraph(str(value), style=f"Heading{kind[1:]}"))
        else:
            body.append(_paragraph(str(value)))
    declaration = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    parts = {
        "[Content_Types].xml": declaration + f'<Types xmlns="{_OOXML}/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="{_RELS_TYPE}"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{_MAIN_TYPE}"/>'
        "</Types>",
        "_rels/.rels": declaration + f'<Relationships xmlns="{_OOXML}/package/2006/relationships">'
        f'<Relationship Id="rId1" Target="word/document.xml" Type="{_OOXML}/officeDocument/'
        '2006/relationships/officeDocument"/></Relationships>',
        "word/document.xml": declaration
        + f'<w:document xmlns:w="{_W}"><w:body>{"".join(body)}<w:sectPr/></w:body></w:document>',
        "word/styles.xml": declaration
        + f'<w:styles xmlns:w="{_W}">'
        + "".join(
            f'<w:style w:type="paragraph" w:styleId="Heading{n}"><w:name w:val="heading {n}"/>'
            f'<w:pPr><w:outlineLvl w:val="{n - 1}"/></w:pPr></w:style>'
            for n in (1, 2, 3)
        )
        + '<w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
        "</w:styles>",
    }
    if title:
        parts["docProps/core.xml"] = (
            declaration + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
            'package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:title>{escape(title)}</dc:title></cp:coreProperties>"
        )
    if header:
        parts["word/header1.xml"] = (
            f'{declaration}<w:hdr xmlns:w="{_W}">{"".join(map(_paragraph, header))}</w:hdr>'
        )
    if footer:
        parts["word/footer1.xml"] = (
            f'{declaration}<w:ftr xmlns:w="{_W}">{"".join(map(_paragraph, footer))}</w:ftr>'
        )
    if comments:
        parts["word/comments.xml"] = (
            f'{declaration}<w:comments xmlns:w="{_W}">'
            + "".join(
                f'<w:comment w:id="{n}" w:author="reviewer">{_paragraph(text)}</w:comment>'
                for n, text in enumerate(comments)
            )
            + "</w:comments>"
        )
    members = [(name, text.encode()) for name, text in parts.items()]
    members += [(f"word/embeddings/{name}", data) for name, data in embedded]
    return zip_bytes(members)


def encrypted_office_package() -> bytes:
    """A minimal, valid OLE compound file with the two streams of an encrypted OOXML package
    (``EncryptionInfo``, ``EncryptedPackage``), as Office writes a password-protected .docx."""
    sector = 512
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    stream_sectors = 8  # 4096 bytes each: at the mini-stream cutoff, so in the regular FAT
    fat = [fat_sector, end]
    for start in (2, 2 + stream_sectors):
        fat += [*range(start + 1, start + stream_sectors), end]
    fat += [free] * (sector // 4 - len(fat))
    header = bytearray(sector)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<I", header, 76, 0)  # the one FAT sector
    header[80:512] = b"\xff" * (512 - 80)

    def entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int):
        raw = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\0\0"
        raw[: len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded), kind, 1)
        struct.pack_into("<III", raw, 68, left, right, child)
        struct.pack_into("<II", raw, 116, start, size)
        return bytes(raw)

    nobody = 0xFFFFFFFF
    directory = (
        entry("Root Entry", 5, nobody, nobody, 1, end, 0)
        + entry("EncryptionInfo", 2, nobody, 2, nobody, 2, 4096)
        + entry("EncryptedPackage", 2, nobody, nobody, nobody, 2 + stream_sectors, 4096)
        + bytes(128)
    )
    noise = random.Random(6).randbytes(2 * stream_sectors * sector)
    return bytes(header) + struct.pack(f"<{len(fat)}I", *fat) + directory + noise


# ZIP.


def zip_bytes(members: Sequence[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # duplicate names are wanted, in hostile cases
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name, (2022, 11, 28, 12, 0, 0)), data, method)
    return out.getvalue()


def with_encrypted_flag(data: bytes) -> bytes:
    """Sets the "encrypted" bit of every member, in its local header and in the directory, as
    the standard library cannot write an encrypted archive."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            out[info.header_offset + 6] |= 0x01
        directory = archive.start_dir
    position = out.find(b"PK\x01\x02", directory)
    while position != -1:
        out[position + 8] |= 0x01
        position = out.find(b"PK\x01\x02", position + 46)
    return bytes(out)


def csv_bytes(persons: Sequence[Person]) -> bytes:
    rows = ["Name,A-Number,DOB,Country of Citizenship,Facility,Fear Result"]
    rows += [
        f'"{p.last_first}",{p.a_number},{us(p)},{p.nationality},{p.facility},{p.claim}'
        for p in persons
    ]
    return ("\r\n".join(rows) + "\r\n").encode()


# The builders: each writes one file in ``directory`` and says what a scan must find.


def email_credible_fear(directory: Path) -> Built:
    path = directory / "credible-fear-follow-up.eml"
    path.write_bytes(credible_fear_email(PERSONS[0]))
    return Built(path, "protected", {PROTECTED: 1})


def email_to_foreign_government(directory: Path) -> Built:
    """The second 2022 disclosure: a plain email confirming to a foreign government that
    deportees had sought protection."""
    persons = PERSONS[1:4]
    listed = "\n".join(
        f"{n}. {p.last_first} - {p.a_number} - born {us(p)}" for n, p in enumerate(persons, 1)
    )
    path = directory / "removal-flight-confirmation.eml"
    path.write_bytes(
        eml_bytes(
            "Removal flight of 14 December 2022 - passenger confirmation",
            "Dear Consul,\n\n"
            "As your office requested, we confirm that the following passengers on the removal\n"
            "flight of 14 December 2022 had applied for asylum or withholding of removal in the\n"
            "United States before their removal:\n\n"
            f"{listed}\n\nSincerely,\nRemoval Operations\n",
            sender="Removal Operations <ero@agency.example>",
            to="consular.section@embassy.example",
        )
    )
    return Built(path, "protected", {PROTECTED: 3})


def email_confirming_in_prose(directory: Path) -> Built:
    """The same disclosure in running prose: names in title case, no label, no A-number, and
    a named official beside them who is no claimant."""
    a, b = PERSONS[30:32]
    path = directory / "re-passengers.eml"
    path.write_bytes(
        eml_bytes(
            "RE: passengers",
            "Dear Consul,\n\n"
            f"We can confirm that {a.name} and {b.name} had sought asylum before their\n"
            "removal. Deputy Director Robert Miller will call you on Monday.\n\nRegards\n",
            sender="Removal Operations <ero@agency.example>",
            to="consular.section@embassy.example",
        )
    )
    return Built(path, "protected", {PROTECTED: 2})


def email_press_office(directory: Path) -> Built:
    """Negative: a press office email that names officials and mentions asylum in aggregate."""
    path = directory / "press-office.eml"
    path.write_bytes(
        eml_bytes(
            "Media advisory: new asylum processing figures",
            "Good morning,\n\n"
            "Director Alice Chen will brief reporters on Thursday at 10:00 on the agency's\n"
            "fiscal year 2022 figures, including 241,280 affirmative asylum applications.\n\n"
            "Please RSVP to Robert Miller, Office of Public Affairs, 202-555-0142.\n",
            sender="Office of Public Affairs <press@agency.example>",
            to="newsdesk@paper.example",
        )
    )
    return Built(path, "clean")


def email_with_csv(directory: Path) -> Built:
    path = directory / "weekly-report.eml"
    path.write_bytes(
        eml_bytes(
            "Weekly detention report",
            "Hello,\n\nPlease find the weekly report attached.\n\nThanks\n",
            attachments=[("detainees.csv", csv_bytes(PERSONS[4:9]), "text/csv")],
        )
    )
    return Built(path, "protected", {PROTECTED: 5})


def email_zip_email(directory: Path) -> Built:
    """An .eml inside a zip inside an .eml."""
    person = PERSONS[9]
    inner = eml_bytes(
        "Asylum application received",
        f"We received the asylum application (Form I-589) of {person.name},\n"
        f"A-Number {person.a_number}, on 2 December 2022.\n",
    )
    archive = zip_bytes([("case-notes/receipt.eml", inner), ("case-notes/README.txt", b"notes\n")])
    path = directory / "forwarded-case-files.eml"
    path.write_bytes(
        eml_bytes(
            "Fwd: case files",
            "See the archive.\n",
            attachments=[("case-files.zip", archive, "application/zip")],
        )
    )
    return Built(path, "protected", {PROTECTED: 1})


def html_asylum_table(directory: Path) -> Built:
    persons = PERSONS[10:14]
    rows = "".join(
        f"<tr><td>{escape(p.name)}</td><td>{p.a_number}</td><td>{p.birthdate.isoformat()}</td>"
        f"<td>{escape(p.nationality)}</td></tr>"
        for p in persons
    )
    path = directory / "applicants.html"
    path.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Detention statistics</title>"
        "</head><body><h1>Detention statistics &mdash; November 2022</h1>"
        "<p>Average daily population: 25,118.</p>"
        "<h2>Asylum applicants</h2><table><thead><tr><th>Name</th><th>A-Number</th>"
        f"<th>Date of birth</th><th>Country</th></tr></thead><tbody>{rows}</tbody></table>"
        "</body></html>",
        encoding="utf-8",
    )
    return Built(path, "protected", {PROTECTED: 4})


def html_press_release(directory: Path) -> Built:
    """Negative: a press release that names officials."""
    path = directory / "press-release.html"
    path.write_text(
        "<!DOCTYPE html><html><head><title>Press release</title></head><body>"
        "<h1>Agency extends hours at processing centers</h1>"
        "<p>WASHINGTON &ndash; Director Alice Chen announced today that three processing "
        "centers will extend their public hours from January 2023.</p>"
        "<p>&ldquo;Shorter waits serve everyone,&rdquo; said Deputy Director Robert Miller.</p>"
        "<p>In fiscal year 2022 the agency received 241,280 affirmative asylum applications, "
        "up 8 percent from the year before.</p>"
        "<p>Media contact: Office of Public Affairs, 202-555-0142.</p></body></html>",
        encoding="utf-8",
    )
    return Built(path, "clean")


def json_records(directory: Path) -> Built:
    persons = PERSONS[14:20]
    document = {
        "report": "Credible fear screenings, November 2022",
        "generated": "2022-11-28",
        "records": [
            {
                "subject": {"last_name": p.last, "first_name": p.first},
                "dob": p.birthdate.isoformat(),
                "a_number": int(p.a_digits),  # a number, as exports often have it
                "citizenship": p.nationality,
                "fear_result": "Positive" if n % 2 else "Negative",
            }
            for n, p in enumerate(persons)
        ],
    }
    path = directory / "screenings.json"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    return Built(path, "protected", {PROTECTED: 6})


def ndjson_records(directory: Path) -> Built:
    persons = PERSONS[20:24]
    lines = [
        json.dumps(
            {
                "alien_no": int(p.a_digits),
                "subj_nm": p.last_first,
                "dob": us(p),
                "relief_sought": "Asylum",
            },
            ensure_ascii=False,
        )
        for p in persons
    ]
    path = directory / "relief.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Built(path, "protected", {PROTECTED: 4})


def json_aggregate(directory: Path) -> Built:
    """Negative: aggregate statistics that mention asylum and countries."""
    document = {
        "title": "Affirmative asylum applications by country, FY2022",
        "rows": [
            {"country": "Honduras", "applications": 12034, "median_days": 412},
            {"country": "Guatemala", "applications": 10511, "median_days": 398},
            {"country": "Venezuela", "applications": 24170, "median_days": 377},
        ],
    }
    path = directory / "asylum-by-country.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return Built(path, "clean")


def json_detainees(directory: Path) -> Built:
    """Personal data without any protection claim: a detention roster."""
    document = [
        {"a_number": p.a_number, "name": p.name, "facility": p.facility, "book_in": "2022-11-01"}
        for p in PERSONS[45:48]
    ]
    path = directory / "roster.json"
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return Built(path, "protected", {PERSONAL: 3})


def yaml_records(directory: Path) -> Built:
    persons = PERSONS[24:27]
    cases = "".join(
        f"  - name: {p.name}\n"
        f"    a_number: {p.a_number}\n"
        f"    date_of_birth: {p.birthdate.isoformat()}\n"
        f"    nationality: {p.nationality}\n"
        f"    fear_result: Reasonable Fear - Positive\n"
        for p in persons
    )
    path = directory / "referrals.yaml"
    path.write_text(f"title: Reasonable fear referrals\ncases:\n{cases}", encoding="utf-8")
    return Built(path, "protected", {PROTECTED: 3})


def yaml_alias_bomb(directory: Path) -> Built:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [{','.join([f'*{previous}'] * 9)}]")
        previous = name
    path = directory / "billion-laughs.yaml"
    path.write_text("\n".join(lines) + "\n")
    return Built(path, "unscannable", reason="alias bomb")


def pdf_text(directory: Path) -> Built:
    path = directory / "schedule.pdf"
    path.write_bytes(minimal_pdf([schedule_lines(PERSONS[27:31])], title="Interview schedule"))
    return Built(path, "protected", {PROTECTED: 4})


def pdf_encrypted(directory: Path) -> Built:
    path = directory / "schedule-encrypted.pdf"
    path.write_bytes(encrypted_pdf(minimal_pdf([schedule_lines(PERSONS[27:31])])))
    return Built(path, "unscannable", reason="encrypted")


def pdf_image_only(directory: Path) -> Built:
    path = directory / "scanned.pdf"
    path.write_bytes(minimal_pdf([None, None]))
    return Built(path, "unscannable", reason="no text layer (image-only PDF)")


def pdf_corrupt(directory: Path) -> Built:
    path = directory / "broken.pdf"
    path.write_bytes(minimal_pdf([schedule_lines(PERSONS[27:28])])[:200])
    return Built(path, "unscannable", reason="corrupt")


def docx_applicants(directory: Path) -> Built:
    persons = PERSONS[31:35]
    rows = [["Name", "A-Number", "Date of birth", "Nationality"]]
    rows += [[p.name, p.a_number, us(p), p.nationality] for p in persons]
    path = directory / "applicants.docx"
    path.write_bytes(
        docx_bytes(
            [
                ("h1", "Asylum applicants"),
                ("p", "The following persons were interviewed in November 2022:"),
                ("table", rows),
                ("p", "Prepared by the records unit."),
            ],
            title="November interviews",
            footer=["For official use only"],
        )
    )
    return Built(path, "protected", {PROTECTED: 4})


def docx_staff_directory(directory: Path) -> Built:
    """Negative: a staff directory whose titles say "Asylum Officer"."""
    rows = [
        ["Name", "Title", "Phone"],
        ["Alice Chen", "Supervisory Asylum Officer", "202-555-0101"],
        ["Robert Miller", "Asylum Officer", "202-555-0102"],
        ["Dana Whitfield", "Asylum Officer", "202-555-0103"],
    ]
    path = directory / "asylum-office-staff.docx"
    path.write_bytes(docx_bytes([("h1", "Asylum Office staff directory"), ("table", rows)]))
    return Built(path, "clean")


def docx_truncated(directory: Path) -> Built:
    data = docx_bytes([("h1", "Asylum applicants"), ("p", PERSONS[48].name)])
    path = directory / "truncated.docx"
    path.write_bytes(data[: len(data) // 2])
    return Built(path, "unscannable", reason="corrupt")


def docx_encrypted(directory: Path) -> Built:
    path = directory / "protected-memo.docx"
    path.write_bytes(encrypted_office_package())
    return Built(path, "unscannable", reason="encrypted")


def zip_with_csv(directory: Path) -> Built:
    path = directory / "export.zip"
    path.write_bytes(
        zip_bytes(
            [("README.txt", b"Weekly export\n"), ("data/detainees.csv", csv_bytes(PERSONS[35:38]))]
        )
    )
    return Built(path, "protected", {PROTECTED: 3})


def zip_ratio_bomb(directory: Path) -> Built:
    path = directory / "ratio-bomb.zip"
    path.write_bytes(zip_bytes([("zeros.csv", b"0" * (8 * 1024 * 1024))]))
    return Built(path, "unscannable", reason="zip bomb")


def zip_entries_bomb(directory: Path) -> Built:
    path = directory / "entries-bomb.zip"
    path.write_bytes(zip_bytes([(f"f{n}.txt", b"") for n in range(10_001)], zipfile.ZIP_STORED))
    return Built(path, "unscannable", reason="zip bomb")


def zip_depth_bomb(directory: Path) -> Built:
    data = csv_bytes(PERSONS[38:39])
    name = "detainees.csv"
    for level in range(6):
        data, name = zip_bytes([(name, data)]), f"level{level}.zip"
    path = directory / "deep.zip"
    path.write_bytes(data)
    return Built(path, "unscannable", reason="zip bomb")


def zip_encrypted(directory: Path) -> Built:
    path = directory / "encrypted.zip"
    path.write_bytes(with_encrypted_flag(zip_bytes([("detainees.csv", csv_bytes(PERSONS[39:41]))])))
    return Built(path, "unscannable", reason="encrypted")


def zip_truncated(directory: Path) -> Built:
    data = zip_bytes([("detainees.csv", csv_bytes(PERSONS[41:45]))])
    path = directory / "truncated.zip"
    path.write_bytes(data[: len(data) // 2])
    return Built(path, "unscannable", reason="corrupt")


def random_bytes(directory: Path) -> Built:
    path = directory / "random.bin"
    path.write_bytes(random.Random(2086).randbytes(4096))
    return Built(path, "unscannable", reason="unsupported format")


def deep_json(directory: Path) -> Built:
    path = directory / "deep.json"
    path.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    return Built(path, "unscannable", reason="too deeply nested")


def empty_json(directory: Path) -> Built:
    path = directory / "empty.json"
    path.write_bytes(b"")
    return Built(path, "clean")


BUILDERS: tuple[Callable[[Path], Built], ...] = (
    email_credible_fear,
    email_to_foreign_government,
    email_confirming_in_prose,
    email_press_office,
    email_with_csv,
    email_zip_email,
    html_asylum_table,
    html_press_release,
    json_records,
    ndjson_records,
    json_aggregate,
    json_detainees,
    yaml_records,
    yaml_alias_bomb,
    pdf_text,
    pdf_encrypted,
    pdf_image_only,
    pdf_corrupt,
    docx_applicants,
    docx_staff_directory,
    docx_truncated,
    docx_encrypted,
    zip_with_csv,
    zip_ratio_bomb,
    zip_entries_bomb,
    zip_depth_bomb,
    zip_encrypted,
    zip_truncated,
    random_bytes,
    deep_json,
    empty_json,
)


def build_all(directory: Path) -> list[Built]:
    """Every document, written into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    return [build(directory) for build in BUILDERS]


# For reader tests: a source over bytes, and units as plain values to compare.


def source(data: bytes, name: str, *, depth: int = 0, part: str | None = None) -> Source:
    return Source(name=name, open=lambda: io.BytesIO(data), size=len(data), depth=depth, part=part)


def dump(units: Iterable[Unit]) -> list[tuple[object, ...]]:
    """Units as tuples: ("table", title, part, hidden, rows), ("records", title, part, hidden,
    records), ("text", title, part, hidden, lines), ("nested", name, part, depth, where part).
    Each unit is consumed before the next is asked for, as the scanner does."""
    out: list[tuple[object, ...]] = []
    for unit in units:
        if isinstance(unit, Table):
            rows = [list(row) for row in unit.rows]
            out.append(("table", unit.title, unit.where.part, unit.where.hidden, rows))
        elif isinstance(unit, Records):
            records = [dict(r) for r in unit.records]
            out.append(("records", unit.title, unit.where.part, unit.where.hidden, records))
        elif isinstance(unit, Text):
            lines = list(unit.lines)
            out.append(("text", unit.title, unit.where.part, unit.where.hidden, lines))
        elif isinstance(unit, Part):  # coverage, not content: tests of coverage read it apart
            continue
        else:
            s = unit.source
            out.append(("nested", s.name, s.part, s.depth, unit.where.part))
    return out


def reason(units: Iterable[Unit]) -> str:
    """The reason a reader gives up, after consuming what it yields first."""
    try:
        dump(units)
    except Unscannable as exc:
        return exc.reason
    raise AssertionError("the reader did not refuse the source")


def read_or_refuse(reader: Reader, data: bytes, name: str) -> str | None:
    """Read everything a reader yields, opening every nested source: ``None`` when it all
    reads, the reason when the reader refuses. Any other exception is a bug, and escapes."""
    try:
        for unit in reader.read(source(data, name), Limits()):
            if isinstance(unit, Nested):
                with unit.source.open() as stream:
                    stream.read()
            else:
                dump([unit])
    except Unscannable as exc:
        return exc.reason
    return None


def mangle(data: bytes, edits: Sequence[tuple[int, int]], keep: int) -> bytes:
    """``data`` with bytes overwritten at (position, value) and cut to ``keep`` bytes."""
    out = bytearray(data)
    for position, value in edits:
        out[position % len(out)] = value
    return bytes(out[:keep])


HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def pdf_stream(data: bytes, entries: bytes = b"") -> bytes:
    """The body of a stream object (stored as it is, not compressed)."""
    return b"<< /Length %d %s>>\nstream\n" % (len(data), entries) + data + b"\nendstream"


def drawn_pdf(
    pages: Sequence[bytes],
    *,
    resources: bytes = b"<< /Font << /F1 3 0 R >> >>",
    objects: Sequence[bytes] = (HELVETICA,),
    media: tuple[int, int] = (612, 792),
    catalog: bytes = b"",
    page: bytes = b"",
) -> bytes:
    """A PDF whose pages draw the given content streams, all with the same ``resources``
    (``catalog``, ``page``: more entries of the catalog, such as ``/OCProperties``, and of
    each page, such as ``/Annots``).
    ``objects`` are numbered from 3 (1 is the catalog, 2 the page tree), so that resources
    and the objects themselves can refer to one another; by default object 3 is Helvetica
    (WinAnsi), ``/F1``."""
    bodies: list[bytes] = [b"", b""]
    bodies += objects
    kids = []
    for content in pages:
        bodies.append(pdf_stream(content))
        bodies.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources %s /Contents %d 0 R"
            b" %s>>" % (*media, resources, len(bodies), page)
        )
        kids.append(len(bodies))
    bodies[0] = b"<< /Type /Catalog /Pages 2 0 R %s>>" % catalog
    bodies[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(bodies, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(bodies) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def pdf_literal(text: str) -> bytes:
    """A PDF literal string (WinAnsi) for a content stream."""
    return _pdf_string(text)
