"""The email reader: bodies under the subject, every attachment a nested source, recursively."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approval.detect.readers import html as html_reader
from approval.detect.readers import zip as zip_reader
from approval.detect.readers.eml import READER, EmlReader
from approval.detect.scan import scan_file
from approval.detect.units import Limits, Nested, Part, Probe, Source, Text, Unit
from approval.policy import Policy
from tests.corpus import carriers
from tests.corpus import documents as docs
from tests.corpus.documents import dump, eml_bytes, mangle, read_or_refuse, reason, source
from tests.corpus.inject.package import png

_CARRIERS = ("headers", "address headers", "preamble", "epilogue")


def _units(data: bytes, name: str = "message.eml", depth: int = 0) -> list[Unit]:
    """The units, without coverage and without the hidden carriers (headers, preambles,
    epilogues) that every message has: most tests are about the rest."""
    return [
        unit
        for unit in READER.read(source(data, name, depth=depth), Limits())
        if not isinstance(unit, Part)
        and not (isinstance(unit, Text) and str(unit.where.part).endswith(_CARRIERS))
    ]


def _read(data: bytes, name: str = "message.eml", depth: int = 0) -> list[tuple[object, ...]]:
    return dump(_units(data, name, depth))


@pytest.mark.parametrize(
    ("head", "accepted"),
    [
        (docs.credible_fear_email(docs.PERSONS[0]), True),
        (
            b"Received: from mx.agency.example\r\nFrom: a@b\r\nTo: c@d\r\nSubject: x\r\n\r\nbody",
            True,
        ),
        # Liberal: a memo typed with mail's headers is read as mail too (and as text).
        (b"To: Director\nFrom: Records Unit\nSubject: asylum statistics\nDate: today\n\n", True),
        (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n\r\n", True),
        # Content only: a name is nothing; labelled notes and other formats are not mail.
        (b"anything", False),
        (b"Name: Ana Diaz\nA-Number: A212345678\n", False),
        (b"Subject: x\nthis line is no header\n\nbody", False),
        (b"From records@agency.example Mon Dec 19 10:15:00 2022\nSubject: x\n", False),
        (b"%PDF-1.4", False),
    ],
)
def test_accepts_email_by_its_header_block_never_by_name(head: bytes, accepted: bool) -> None:
    assert READER.accepts(Probe(head=head, size=len(head))) is accepted


def test_the_body_is_text_under_the_subject() -> None:
    person = docs.PERSONS[0]

    assert _read(docs.credible_fear_email(person)) == [
        (
            "text",
            "Follow-up: credible fear interview",
            None,
            False,
            [
                "Hello,",
                "",
                f"{person.name} (A# {person.a_number}) had a credible fear interview on 3 November",
                f"2022 at {person.facility}. The officer found a positive fear; please schedule "
                "the",
                "next hearing.",
                "",
                "Regards,",
                "Scheduling unit",
            ],
        )
    ]


def test_the_message_to_a_foreign_government_lists_its_passengers(tmp_path: Path) -> None:
    built = docs.email_to_foreign_government(tmp_path)

    ((kind, title, _, _, lines),) = _read(built.path.read_bytes())

    assert (kind, title) == ("text", "Removal flight of 14 December 2022 - passenger confirmation")
    for n, person in enumerate(docs.PERSONS[1:4], 1):
        assert f"{n}. {person.last_first} - {person.a_number} - born {docs.us(person)}" in lines  # type: ignore[operator]


def test_an_attachment_is_a_nested_source(tmp_path: Path) -> None:
    built = docs.email_with_csv(tmp_path)

    units = _units(built.path.read_bytes(), built.path.name)

    assert dump(units[:1]) == [
        (
            "text",
            "Weekly detention report",
            None,
            False,
            ["Hello,", "", "Please find the weekly report attached.", "", "Thanks"],
        )
    ]
    attachment = units[1]
    assert isinstance(attachment, Nested)
    assert (attachment.source.name, attachment.source.part, attachment.source.depth) == (
        "detainees.csv",
        "weekly-report.eml/detainees.csv",
        1,
    )
    with attachment.source.open() as stream:
        assert stream.read() == docs.csv_bytes(docs.PERSONS[4:9])
    assert attachment.source.size == len(docs.csv_bytes(docs.PERSONS[4:9]))


def test_an_email_in_a_zip_in_an_email_is_reached(tmp_path: Path) -> None:
    built = docs.email_zip_email(tmp_path)
    person = docs.PERSONS[9]

    outer = _units(built.path.read_bytes(), built.path.name)
    archive = outer[1]
    assert isinstance(archive, Nested)
    members = [
        u
        for u in zip_reader.READER.read(archive.source, Limits())
        if not isinstance(u, Part | Text)  # coverage, and the listing of member names
    ]
    receipt = members[0]
    assert isinstance(receipt, Nested)
    assert receipt.source.part == "forwarded-case-files.eml/case-files.zip/case-notes/receipt.eml"
    assert receipt.source.depth == 2

    assert dump(_units(receipt.source.open().read(), "receipt.eml")) == [
        (
            "text",
            "Asylum application received",
            None,
            False,
            [
                f"We received the asylum application (Form I-589) of {person.name},",
                f"A-Number {person.a_number}, on 2 December 2022.",
            ],
        )
    ]


def test_an_attached_message_is_nested_and_an_html_body_goes_through_the_html_reader() -> None:
    inner = eml_bytes("Inner subject", "Inner body\n")
    data = eml_bytes(
        "Outer subject",
        "Plain body\n",
        html="<h2>Applicants</h2><table><tr><th>Name</th></tr><tr><td>Ana Diaz</td></tr></table>",
        messages=[inner],
    )

    units = _units(data, "outer.eml")

    assert dump(units[:2]) == [
        ("text", "Outer subject", None, False, ["Plain body"]),
        ("table", "Applicants", "html body", False, [["Name"], ["Ana Diaz"]]),
    ]
    attached = units[2]
    assert isinstance(attached, Nested)
    assert attached.source.name.endswith(".eml")
    assert dump(_units(attached.source.open().read())) == [
        ("text", "Inner subject", None, False, ["Inner body"])
    ]


def test_nameless_parts_get_a_name_for_their_format() -> None:
    data = (
        b"From: a@b\r\nTo: c@d\r\nSubject: scans\r\nMessage-ID: <1@b>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nsee scan\r\n"
        b"--b\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"MSwy\r\n"  # "1,2": a PNG by name only, read by its content
        b"--b\r\nContent-Type: application/x-no-such-type\r\n\r\nxyz\r\n--b--\r\n"
    )

    units = _read(data)

    assert units[0] == ("text", "scans", None, False, ["see scan"])
    assert [(u[0], u[1]) for u in units[1:]] == [("nested", "part-3.png"), ("nested", "part-4.bin")]


def test_an_attached_picture_is_named_and_not_read_and_blocks() -> None:
    # An attached picture is a file of its own (a scanned list travels as one): it blocks, as a
    # picture file does at the top level. Pictures shown inline are a document's pictures.
    data = eml_bytes(
        "logo", "Hello\n", attachments=[("logo.png", png(text="GARCIA, Ana"), "image/png")]
    )

    units = list(READER.read(source(data, "m.eml"), Limits()))

    assert not [u for u in units if isinstance(u, Nested)]
    (picture,) = [u for u in units if isinstance(u, Part) and u.kind == "image"]
    assert (picture.part, picture.read, picture.blocks) == ("part 2", "unread", True)
    assert picture.reason.startswith("image file: pictures are not read")
    # The text a picture carries (a PNG's text chunk) is read.
    assert ("text", "logo", "part 2", True, ["Description:  GARCIA, Ana"]) in dump(units)


def test_attachments_at_the_depth_limit_are_refused() -> None:
    data = eml_bytes("x", "y\n", attachments=[("a.csv", b"a,b\n", "text/csv")])

    assert len(_read(data, depth=3)) == 2
    assert reason(READER.read(source(data, "m.eml", depth=4), Limits())) == (
        "too deeply nested: attachments more than 4 deep"
    )


def test_broken_mail_never_raises() -> None:
    broken_base64 = (
        b"From: a@b\r\nSubject: =?utf-8?b?broken?=\r\nMessage-ID: <1@b>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n\r\nJos\xe9\r\n"
        b"--b\r\nContent-Type: text/csv; name=a.csv\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"!!!not base64!!!\r\n--b"  # no closing boundary
    )

    units = _read(broken_base64)
    parts = [
        u for u in READER.read(source(broken_base64, "m.eml"), Limits()) if isinstance(u, Part)
    ]

    # A charset no client knows is not guessed at: the part is unread, and blocks.
    assert [(p.part, p.read, p.reason) for p in parts if p.read == "unread"] == [
        ("part 1", "unread", "unknown charset: its text cannot be decoded as shown"),
        ("part 2", "unread", "body does not decode from base64"),
    ]
    assert units[0][:2] == ("nested", "a.csv")
    assert _read(b"") == []
    assert _read(b"no headers at all\n\nbody") == [
        ("text", "", None, False, ["no headers at all", "", "body"])
    ]


def test_mime_nested_too_deep_is_refused() -> None:
    depth = 200
    head = b"From: a@b\r\nSubject: deep\r\nMIME-Version: 1.0\r\n"
    parts = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (n, n)
        for n in range(depth)
    )
    tail = b"Content-Type: text/plain\r\n\r\nleaf\r\n" + b"".join(
        b"--b%d--\r\n" % n for n in reversed(range(depth))
    )

    assert reason(READER.read(source(head + parts + tail, "deep.eml"), Limits())) == (
        "too deeply nested: more than 64 MIME levels"
    )


def test_a_message_over_the_size_limit_is_refused() -> None:
    data = docs.credible_fear_email(docs.PERSONS[0])

    assert reason(EmlReader(max_bytes=100).read(source(data, "m.eml"), Limits())) == (
        "too large: email over 100 bytes"
    )


def test_opening_a_nested_part_twice_gives_the_same_bytes() -> None:
    data = eml_bytes(
        "x", "y\n", attachments=[("a.bin", bytes(range(256)), "application/octet-stream")]
    )
    nested = [u for u in _units(data, "m.eml") if isinstance(u, Nested)]
    (attachment,) = nested
    assert isinstance(attachment.source, Source)

    with attachment.source.open() as first, attachment.source.open() as second:
        assert first.read() == second.read() == bytes(range(256))


# Mangled files: whatever bytes change or go missing, the reader reads or refuses with a reason.

SEED = eml_bytes("s", "body\n", attachments=[("a.csv", b"a,b\n", "text/csv")])
NAME = "x.eml"
REASONS = ("corrupt", "too deeply nested", "too large")


@settings(max_examples=150, deadline=None)
@given(
    edits=st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), max_size=6),
    keep=st.integers(0, 1 << 20),
)
def test_a_mangled_file_is_read_or_refused_never_raises(
    edits: list[tuple[int, int]], keep: int
) -> None:
    refused = read_or_refuse(READER, mangle(SEED, edits, keep), NAME)

    assert refused is None or refused.split(":")[0] in REASONS


# Every carrier of a message (issue 12): headers of the message and of its parts, preambles,
# epilogues, attached messages, MHTML pages. The mail reader finds the list itself (with the
# HTML reader for HTML bodies), not only a fallback that reads the raw message as text.

_MAIL_PLACES = sorted(set(carriers.mail_attacks()) - {"mbox", "unknown transfer encoding"})


@pytest.mark.parametrize("place", _MAIL_PLACES)
def test_no_carrier_of_a_message_lets_a_list_through(
    place: str, tmp_path: Path, policy: Policy
) -> None:
    path = tmp_path / "facilities.eml"
    path.write_bytes(carriers.mail_attacks()[place])

    report = scan_file(path, policy)
    alone = scan_file(path, policy, readers=(READER, html_reader.READER))

    assert report.verdict == "protected", report.reason
    assert alone.verdict == "protected", alone.reason
    assert alone.classes["protected-person"] == len(carriers.payload_persons())


def test_every_header_is_read_decoded_and_addresses_apart() -> None:
    data = carriers.mail_x_headers(["GARCIA, Ana A212345678", "LI, Bo A212345679"])

    units = dump(READER.read(source(data, "m.eml"), Limits()))

    (headers,) = [u for u in units if u[2] == "headers"]
    assert headers[:4] == ("text", "Facilities report", "headers", True)
    assert (
        headers[4][:2]  # type: ignore[index]
    ) == ["X-Case-List: GARCIA, Ana A212345678", "X-Applicant-1: LI, Bo A212345679"]
    (addresses,) = [u for u in units if u[2] == "address headers"]
    assert addresses == (
        "text",
        "",
        "address headers",
        True,
        ["From: Records Unit <records@agency.example>", "To: exports@agency.example"],
    )


def test_preamble_and_epilogue_are_read_and_every_part_is_listed() -> None:
    data = carriers.mail_epilogue(["GARCIA, Ana A212345678"])

    units = list(READER.read(source(data, "m.eml"), Limits()))

    assert ("text", "Facilities report", "message epilogue", True, ["GARCIA, Ana A212345678"]) in (
        dump(units)
    )
    parts = {u.part: u.read for u in units if isinstance(u, Part)}
    assert parts == {
        "part 1": "parsed",
        "part 2": "parsed",
        "headers": "parsed",
        "address headers": "parsed",
        "message epilogue": "parsed",
        "html body": "parsed",
    }


def test_a_part_in_an_unknown_transfer_encoding_blocks(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(carriers.mail_unknown_encoding(carriers.payload_lines()))

    report = scan_file(path, policy)

    assert report.verdict == "unscannable"
    assert str(report.reason).startswith("m.eml/message: ")
    assert "unknown transfer encoding" in str(report.reason)


def test_an_ordinary_message_is_clean(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(carriers.ordinary_mail())

    report = scan_file(path, policy)

    assert report.verdict == "clean", report.reason
    assert not [p for p in report.coverage if p.read == "unread"]


def test_a_renamed_workbook_is_not_read_as_mail(tmp_path: Path) -> None:
    """The attack that opened issue 12: ``export x.xlsx --to site/x.eml``."""
    from tests.corpus.spreadsheets import build_2022_leak

    built = build_2022_leak(tmp_path)
    head = built.path.read_bytes()[:8192]

    assert READER.accepts(Probe(head=head, size=built.path.stat().st_size)) is False


def test_a_file_uuencoded_in_the_body_is_a_nested_source() -> None:
    import binascii

    csv = b"Name,A-Number\nAna Diaz,A212345678\n"
    encoded = "".join(binascii.b2a_uu(csv[i : i + 45]).decode() for i in range(0, len(csv), 45))
    data = eml_bytes("list", f"See below.\n\nbegin 644 list.csv\n{encoded}`\nend\n")

    nested = [u for u in _units(data, "m.eml") if isinstance(u, Nested)]

    assert [(u.source.name, u.source.open().read()) for u in nested] == [("list.csv", csv)]


def test_a_body_that_does_not_decode_blocks() -> None:
    data = (
        b"From: a@b\r\nTo: c@d\r\nSubject: x\r\nMessage-ID: <1@b>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/csv\r\nContent-Transfer-Encoding: base64\r\n\r\nQUJDR\r\n"
    )

    units = list(READER.read(source(data, "m.eml"), Limits()))

    unread = [
        (u.part, u.reason, u.blocks) for u in units if isinstance(u, Part) and u.read == "unread"
    ]
    assert unread == [("message", "body does not decode from base64", True)]


def test_a_page_saved_with_its_pictures_reads_and_the_pictures_pass(
    tmp_path: Path, policy: Policy
) -> None:
    page = carriers.mhtml(["Bed space by facility"]).replace(
        b"------B--",
        b"------B\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
        b"Content-Location: https://agency.example/chart.png\r\n\r\n"
        + base64.b64encode(png())
        + b"\r\n------B--",
    )
    path = tmp_path / "stats.mht"
    path.write_bytes(page)

    report = scan_file(path, policy)

    assert report.verdict == "clean", report.reason
    (picture,) = [p for p in report.coverage if p.kind == "image"]
    assert (picture.read, picture.blocks) == ("unread", False)


def test_parts_past_the_entries_limit_are_refused() -> None:
    data = eml_bytes("x", "y\n", attachments=[(f"{n}.txt", b"z", "text/plain") for n in range(5)])

    assert reason(READER.read(source(data, "m.eml"), Limits(max_entries=3))) == (
        "too many MIME parts: more than 3 (limits.max_entries)"
    )


@pytest.mark.parametrize(
    "quote",
    [
        ["On Mon, Dec 19, 2022, Intake wrote:", "> Credible fear referrals:", "> GARCIA, Ana"],
        ["-----Original Message-----", "Credible fear referrals:", "GARCIA, Ana"],
    ],
)
def test_a_reply_is_titled_by_what_it_quotes(quote: list[str]) -> None:
    data = eml_bytes("Re: list", "\n".join(["Add LI, Bo A212345679.", "", *quote]) + "\n")
    units = READER.read(source(data, "reply.eml"), Limits())
    (body,) = [u for u in units if isinstance(u, Text) and not u.where.hidden]
    assert body.title.startswith("Re: list / ")
    assert body.title.endswith("Credible fear referrals: GARCIA, Ana")


def test_a_person_added_in_a_reply_inherits_the_quoted_claim(
    tmp_path: Path, policy: Policy
) -> None:
    quote = ["On Mon, Intake wrote:", "> Referred for credible fear interviews:", "> GARCIA, Ana"]
    data = eml_bytes("Re: list", "\n".join(["Add LI, Bo A212345679.", "", *quote]) + "\n")
    path = tmp_path / "reply.eml"
    path.write_bytes(data)
    assert dict(scan_file(path, policy).classes) == {"protected-person": 2}


@pytest.mark.parametrize(
    ("subject", "line"),
    [
        # Screening shorthand, inflected, in the subject of a thread: it governs the body.
        ("RE: CF positives to transfer", "{p.last_first} {p.a_number}"),
        ("Fwd: RF negatives", "{p.last_first} {p.a_number}"),
        # The same shorthand on a line of a terse reply.
        ("RE: transfers", "{p.last_first} {p.a_number} CF pos'd"),
        # A referral by an asylum officer, said in the body's lead sentence.
        ("Referrals", "AO referral to the immigration court: {p.last_first} {p.a_number}"),
    ],
)
def test_claim_shorthand_in_a_thread_governs_its_names(
    tmp_path: Path, policy: Policy, subject: str, line: str
) -> None:
    persons = docs.PERSONS[50:52]
    body = "Hi,\n\n" + "".join(line.format(p=p) + "\n" for p in persons) + "\nThanks\n"
    path = tmp_path / "reply.eml"
    path.write_bytes(eml_bytes(subject, body))

    assert scan_file(path, policy).classes == {"protected-person": 2}
