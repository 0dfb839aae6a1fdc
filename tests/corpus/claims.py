"""Files whose own claims about their bytes are false: PDF streams that call themselves
pictures, fonts, functions or cross-reference tables, or that a page names as its thumbnail
or appearance; byte-order marks in front of text of another encoding; ciphertext in ASCII
armour; a mail split into fragments. Each with its honest control (the same claim, true)."""

from __future__ import annotations

import base64
import urllib.parse
import zlib
from typing import Any

from tests.corpus.carriers import _writer, _written, payload_csv, payload_lines
from tests.corpus.documents import us


def _flate(writer: Any, data: bytes, entries: dict[str, Any]) -> Any:
    """A FlateDecode stream of ``writer``, as every PDF writer stores streams."""
    from pypdf.generic import EncodedStreamObject, NameObject

    stream = EncodedStreamObject()
    stream._data = zlib.compress(data)
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    for key, value in entries.items():
        stream[NameObject(key)] = value
    return writer._add_object(stream)


def _names(**entries: Any) -> dict[str, Any]:
    from pypdf.generic import NameObject, NumberObject

    return {
        f"/{key}": NameObject(value) if isinstance(value, str) else NumberObject(value)
        for key, value in entries.items()
    }


def pdf_private(data: bytes, **entries: Any) -> bytes:
    """``data`` in a stream only a private key of the catalog names, its dictionary claiming
    ``entries`` (``Width=1, Height=1``; ``Type="/XRef"``)."""
    from pypdf.generic import NameObject

    writer = _writer()
    writer._root_object[NameObject("/AgencyPrivate")] = _flate(writer, data, _names(**entries))
    return _written(writer)


def pdf_under(key: str, data: bytes, **entries: Any) -> bytes:
    """``data`` in a stream the catalog refers to under ``key`` (``/AP``, ``/Thumb``,
    ``/FontFile2``, ``/ColorSpace``...), inside a private dictionary."""
    from pypdf.generic import DictionaryObject, NameObject

    writer = _writer()
    stream = _flate(writer, data, _names(**entries))
    holder = DictionaryObject({NameObject(key): stream})
    writer._root_object[NameObject("/AgencyPrivate")] = holder
    return _written(writer)


def pdf_attachment_also(key: str, data: bytes | None = None) -> bytes:
    """A file attached in the EmbeddedFiles tree (``applicants.csv``, listed by every viewer)
    that the first page also names under ``key`` (``/Thumb``, ``/AP``)."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = _writer()
    attached = _flate(writer, payload_csv() if data is None else data, _names(Type="/EmbeddedFile"))
    spec = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Filespec"),
            NameObject("/F"): TextStringObject("applicants.csv"),
            NameObject("/EF"): DictionaryObject({NameObject("/F"): attached}),
        }
    )
    tree = ArrayObject([TextStringObject("applicants.csv"), writer._add_object(spec)])
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/EmbeddedFiles"): DictionaryObject({NameObject("/Names"): tree})}
    )
    if key == "/AP":
        writer.pages[0][NameObject("/AP")] = DictionaryObject({NameObject("/N"): attached})
    else:
        writer.pages[0][NameObject(key)] = attached
    return _written(writer)


# True claims: what real PDFs hold, which is counted and not read.
RGB_PIXELS = bytes(range(36))  # 4 x 3 pixels, 8 bits, RGB
TRUETYPE = b"\x00\x01\x00\x00\x00\x04\x00\x40\x00\x02\x00\x00" + bytes(84)
ICC = bytes(36) + b"acsp" + bytes(88)
CALCULATOR = b"{ 2 copy mul exch dup mul add sqrt 1 exch sub }"
CIDSET = b"\xff\xff\xfe\x7f\x00\x00\xf0"
PALETTE = bytes([0, 0, 0, 255, 255, 255, 128, 0, 0, 0, 0, 128])  # an Indexed lookup table


def honest_pdfs() -> dict[str, bytes]:
    return {
        "picture": pdf_under("/Thumb", RGB_PIXELS, Width=4, Height=3, BitsPerComponent=8),
        "picture by itself": pdf_private(
            RGB_PIXELS,
            Subtype="/Image",
            Width=4,
            Height=3,
            BitsPerComponent=8,
            ColorSpace="/DeviceRGB",
        ),
        "font": pdf_under("/FontFile2", TRUETYPE, Length1=len(TRUETYPE)),
        "colour profile": pdf_under("/OutputIntents", ICC, N=3),
        "function": pdf_under("/Function", CALCULATOR, FunctionType=4),
        "cid set": pdf_under("/CIDSet", CIDSET),
        "palette": pdf_under("/ColorSpace", PALETTE),
        "appearance": pdf_under("/AP", b"q 0 0 1 rg 0 0 10 10 re f Q BT /F1 9 Tf (Page 1) Tj ET"),
    }


def lying_pdfs() -> dict[str, bytes]:
    t = payload_csv()
    return {
        "width and height": pdf_private(t, Width=1, Height=1),
        "length1": pdf_private(t, Length1=len(t)),
        "function type": pdf_private(t, FunctionType=4),
        "function type 0": pdf_private(t, FunctionType=0),
        "shading": pdf_private(t, ShadingType=4),
        "type xref": pdf_private(t, Type="/XRef"),
        "type objstm": pdf_private(t, Type="/ObjStm", N=1, First=4),
        "thumb": pdf_under("/Thumb", t),
        "font file": pdf_under("/FontFile2", t),
        "colour space": pdf_under("/ColorSpace", t, N=3),
        "shading, compressed": pdf_private(zlib.compress(t), ShadingType=4),
        "appearance": pdf_under("/AP", t),
        "attachment also thumb": pdf_attachment_also("/Thumb"),
        "attachment also appearance": pdf_attachment_also("/AP"),
    }


# Byte-order marks that the bytes after them belie, and a switch of encoding mid-file.


def _prose() -> bytes:
    return ("\n".join(payload_lines()) + "\n").encode()


def mismatched_marks() -> dict[str, bytes]:
    head16 = "Inventory,Count\r\n" + "".join(f"Widget {i},{i}\r\n" for i in range(600))
    wide = head16.encode("utf-16-le")
    return {
        "utf-16le mark, utf-8 csv": b"\xff\xfe" + payload_csv(),
        "utf-16be mark, utf-8 csv": b"\xfe\xff" + payload_csv(),
        "utf-16le mark, utf-8 prose": b"\xff\xfe" + _prose(),
        "utf-16le mark, odd length": b"\xff\xfe" + _prose() + b"x",
        "utf-16le mark, short windows-1252": b"\xff\xfe" + payload_csv()[:200] + b"Jos\xe9\n",
        "utf-16 with mark, then utf-8": b"\xff\xfe" + wide + payload_csv(),
        "utf-16 without mark, then utf-8": wide + payload_csv(),
    }


def honest_wide_text() -> dict[str, bytes]:
    """UTF-16 text as Excel and Notepad write it, in Latin and in CJK script."""
    cjk = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(3000)) + "\r\n"
    return {
        "utf-16 latin": ("\ufeffName,Count\r\n" + "Widget,3\r\n" * 400).encode("utf-16-le"),
        "utf-16 cjk": ("\ufeff" + cjk * 3).encode("utf-16-le"),
        "utf-16be cjk": ("\ufeff" + cjk * 3).encode("utf-16-be"),
    }


# Ciphertext in ASCII armour, as gpg, openssl and age write it (random bytes stand for the
# ciphertext: the armour is what the gate sees).


def _wrapped(data: bytes, width: int = 64) -> bytes:
    encoded = base64.b64encode(data)
    return b"\n".join(encoded[at : at + width] for at in range(0, len(encoded), width))


_CIPHER = bytes((i * 131 + 17) % 256 for i in range(400))


def armoured() -> dict[str, bytes]:
    pgp = b"-----BEGIN PGP MESSAGE-----\n\n" + _wrapped(b"\x8c\x0d" + _CIPHER)
    pgp += b"\n=AbCd\n-----END PGP MESSAGE-----\n"
    age = b"-----BEGIN AGE ENCRYPTED FILE-----\n" + _wrapped(b"age-encryption.org/v1\n" + _CIPHER)
    age += b"\n-----END AGE ENCRYPTED FILE-----\n"
    openssl = _wrapped(b"Salted__" + _CIPHER) + b"\n"
    cells = b"id,blob\n" + b"".join(
        b"%d,%s\n" % (n, base64.b64encode(b"Salted__" + _CIPHER[n : n + 40])) for n in range(5)
    )
    mail = (
        b"From: a@example.org\r\nTo: b@example.org\r\nSubject: weekly\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain\r\n\r\nSee below.\r\n\r\n" + pgp.replace(b"\n", b"\r\n")
    )
    cms = b"-----BEGIN CMS-----\n" + _wrapped(b"\x30\x82" + _CIPHER) + b"\n-----END CMS-----\n"
    return {
        "pgp": pgp,
        "age": age,
        "openssl": openssl,
        "openssl cells": cells,
        "pgp mail": mail,
        "cms": cms,
    }


def signed_in_clear() -> bytes:
    """A clear-signed message: text anyone reads, and a signature."""
    return (
        b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nBed space rose by 4%.\n"
        b"-----BEGIN PGP SIGNATURE-----\n\n" + _wrapped(_CIPHER[:100]) + b"\n"
        b"-----END PGP SIGNATURE-----\n"
    )


def message_fragment(number: int = 2) -> bytes:
    """One fragment of a message split across mails (``message/partial``), holding half of a
    base64 CSV attachment."""
    inner = (
        b"From: a@example.org\r\nSubject: list\r\nMIME-Version: 1.0\r\nContent-Type: text/csv\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(payload_csv()).replace(b"\n", b"\r\n")
    )
    cut = inner.find(b"\r\n", len(inner) // 2) + 2
    body = inner[:cut] if number == 1 else inner[cut:]
    return (
        b"From: a@example.org\r\nTo: b@example.org\r\nSubject: list (part %d of 2)\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: message/partial; id="abc@example.org";'
        b" number=%d; total=2\r\n\r\n" % (number, number)
    ) + body


# Contacts, calendars and directory exports: values folded and encoded as their tools write
# them (every address book and ``ldapsearch`` shows them decoded).


def _qp(text: str) -> str:
    return "".join(f"={byte:02X}" for byte in text.encode())


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def directory_files() -> dict[str, bytes]:
    from tests.corpus.carriers import payload_persons

    persons = payload_persons()

    def note(p: Any) -> str:
        return f"{p.a_number} born {us(p)}, {p.nationality}, {p.claim}"

    qp = "".join(
        "BEGIN:VCARD\r\nVERSION:2.1\r\n"
        f"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{_qp(p.last)};{_qp(p.first)}\r\n"
        f"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{_qp(p.name)}\r\n"
        f"NOTE;ENCODING=QUOTED-PRINTABLE:{_qp(note(p))[:60]}=\r\n{_qp(note(p))[60:]}\r\n"
        "END:VCARD\r\n"
        for p in persons
    )
    b64 = "".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN;ENCODING=b:{_b64(p.name)}\r\n"
        f"NOTE;ENCODING=b:{_b64(note(p))}\r\nEND:VCARD\r\n"
        for p in persons
    )
    ldif = "version: 1\n\n" + "".join(
        f"dn:: {_b64('cn=' + p.name + ',ou=cases,dc=example')}\ncn:: {_b64(p.name)}\n"
        f"description:: {_b64(note(p))}\n\n"
        for p in persons
    )
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
        + "".join(
            # Folded inside the claim's words and the A-number: read as stored, neither is there.
            f"BEGIN:VEVENT\r\nSUMMARY:Credible fe\r\n ar interview {p.name} {p.a_number[:5]}\r\n"
            f" {p.a_number[5:]} {p.nationality}\r\nEND:VEVENT\r\n"
            for p in persons
        )
        + "END:VCALENDAR\r\n"
    )
    return {
        "vcard 2.1 quoted-printable": qp.encode(),
        "vcard 3.0 base64": b64.encode(),
        "ldif base64": ldif.encode(),
        "icalendar folded": ics.encode(),
    }


def directory_carriers() -> dict[str, bytes]:
    """A list of claimants (``carriers.payload_csv``) carried in a directory file the ways its
    tools decode: in UTF-16 under base64 (Excel's "Unicode Text"), in a vCard 4.0 data URI,
    in an iCalendar attachment, and in a card behind a line or blank lines of its own."""
    table = payload_csv().decode()
    b8 = base64.b64encode(table.encode()).decode()
    b16 = base64.b64encode(table.encode("utf-16")).decode()
    b16le = base64.b64encode(table.encode("utf-16-le")).decode()

    def card(value_line: str, version: str = "3.0") -> str:
        return f"BEGIN:VCARD\r\nVERSION:{version}\r\nFN:Team\r\n{value_line}\r\nEND:VCARD\r\n"

    return {
        "note base64 utf-16": card("NOTE;ENCODING=b:" + b16).encode(),
        "note base64 utf-16le": card("NOTE;ENCODING=b:" + b16le).encode(),
        "ldif utf-16": f"version: 1\ndn: cn=x\ndescription:: {b16}\n".encode(),
        "key data uri": card("KEY:data:text/csv;base64," + b8, "4.0").encode(),
        "note data uri percent": card(
            "NOTE:data:text/plain," + urllib.parse.quote(table), "4.0"
        ).encode(),
        "ics attachment utf-16": (
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:meeting\r\n"
            f"ATTACH;FMTTYPE=text/csv;ENCODING=BASE64;VALUE=BINARY:{b16}\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n"
        ).encode(),
        "card after a line": b"Contacts exported 2022-11-28\r\n"
        + card("NOTE;ENCODING=b:" + b8).encode(),
        "card after blank lines": b"\r\n" * 300 + card("NOTE;ENCODING=b:" + b8).encode(),
    }


def contact_with_photo(glued: bytes = b"") -> bytes:
    """A harmless contact card with its photo, base64 as vCard 3.0 writes it; ``glued``
    after the picture's end (a list riding behind a PNG's signature)."""
    from tests.corpus.inject.package import png

    photo = base64.b64encode(png() + glued).decode()
    return (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Front Desk\r\nORG:Field Office\r\n"
        f"PHOTO;ENCODING=b;TYPE=PNG:{photo}\r\nNOTE;ENCODING=b:{_b64('Open 9 to 5')}\r\n"
        "END:VCARD\r\n"
    ).encode()
