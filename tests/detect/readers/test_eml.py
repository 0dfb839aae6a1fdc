"""The email reader: bodies under the subject, every attachment a nested source, recursively."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approval.detect.readers import zip as zip_reader
from approval.detect.readers.eml import READER, EmlReader
from approval.detect.units import Limits, Nested, Source
from tests.corpus import documents as docs
from tests.corpus.documents import dump, eml_bytes, mangle, read_or_refuse, reason, source


def _read(data: bytes, name: str = "message.eml", depth: int = 0) -> list[tuple[object, ...]]:
    return dump(READER.read(source(data, name, depth=depth), Limits()))


@pytest.mark.parametrize(
    ("head", "name", "accepted"),
    [
        (b"anything", "message.eml", True),
        (b"anything", "page.MHT", True),
        (docs.credible_fear_email(docs.PERSONS[0]), "no-extension", True),
        (
            b"Received: from mx.agency.example\r\nFrom: a@b\r\nTo: c@d\r\nSubject: x\r\n\r\nbody",
            "message.txt",
            True,
        ),
        # A memo typed as text has the headers people type, not those mail systems write.
        (
            b"To: Director\nFrom: Records Unit\nSubject: asylum statistics\nDate: today\n\n",
            "memo",
            False,
        ),
        (b"Name: Ana Diaz\nA-Number: A212345678\n", "notes.txt", False),
        (b"%PDF-1.4", "message", False),
    ],
)
def test_accepts_email_by_name_or_by_mail_headers(head: bytes, name: str, accepted: bool) -> None:
    assert READER.accepts(head, name) is accepted


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

    units = list(READER.read(source(built.path.read_bytes(), built.path.name), Limits()))

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

    outer = list(READER.read(source(built.path.read_bytes(), built.path.name), Limits()))
    archive = outer[1]
    assert isinstance(archive, Nested)
    members = list(zip_reader.READER.read(archive.source, Limits()))
    receipt = members[0]
    assert isinstance(receipt, Nested)
    assert receipt.source.part == "forwarded-case-files.eml/case-files.zip/case-notes/receipt.eml"
    assert receipt.source.depth == 2

    assert dump(READER.read(receipt.source, Limits())) == [
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

    units = list(READER.read(source(data, "outer.eml"), Limits()))

    assert dump(units[:2]) == [
        ("text", "Outer subject", None, False, ["Plain body"]),
        ("table", "Applicants", "html body", False, [["Name"], ["Ana Diaz"]]),
    ]
    attached = units[2]
    assert isinstance(attached, Nested)
    assert attached.source.name.endswith(".eml")
    assert dump(READER.read(attached.source, Limits())) == [
        ("text", "Inner subject", None, False, ["Inner body"])
    ]


def test_nameless_parts_get_a_name_for_their_format() -> None:
    data = (
        b"From: a@b\r\nTo: c@d\r\nSubject: scans\r\nMessage-ID: <1@b>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nsee scan\r\n"
        b"--b\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"iVBORw0KGgo=\r\n"
        b"--b\r\nContent-Type: application/x-no-such-type\r\n\r\nxyz\r\n--b--\r\n"
    )

    units = _read(data)

    assert units[0] == ("text", "scans", None, False, ["see scan"])
    assert [(u[0], u[1]) for u in units[1:]] == [("nested", "part-3.png"), ("nested", "part-4.bin")]


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

    assert units[0][4] == ["José"]
    assert units[1][:2] == ("nested", "a.csv")
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
    nested = [u for u in READER.read(source(data, "m.eml"), Limits()) if isinstance(u, Nested)]
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
