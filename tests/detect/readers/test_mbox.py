"""The mbox reader: every message of a mailbox read as the email reader reads one message, by
content (a ``From `` separator), each message's parts and attachments named after it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approval.detect.readers import html as html_reader
from approval.detect.readers.mbox import READER, MboxReader
from approval.detect.scan import scan_file
from approval.detect.units import Limits, Nested, Part, Probe
from approval.policy import Policy
from tests.corpus import carriers
from tests.corpus.documents import dump, eml_bytes, mangle, read_or_refuse, reason, source


@pytest.mark.parametrize(
    ("head", "accepted"),
    [
        (b"From records@agency.example Mon Dec 19 10:15:00 2022\nSubject: x\n\nbody\n", True),
        (b"From MAILER-DAEMON Fri Jul  8 12:08:34 2011\n", True),
        (b"\xef\xbb\xbfFrom a@b Mon Dec 19 10:15:00 2022\n", True),
        # A message (its first line a header), prose that starts with "From", anything else.
        (b"From: a@b\nSubject: x\n\nbody\n", False),
        (b"From\n", False),
        (b"Dear all,\nFrom now on...\n", False),
        (b"From the desk of the director\n", False),
        (b"%PDF-1.4", False),
    ],
)
def test_accepts_a_mailbox_by_its_first_separator(head: bytes, accepted: bool) -> None:
    assert READER.accepts(Probe(head=head, size=len(head))) is accepted


def test_each_message_is_read_under_its_number() -> None:
    first = eml_bytes("Facilities", "Bed space rose.\n")
    second = eml_bytes(
        "Fwd: list",
        "From the records unit:\nGARCIA, Ana A212345678\n",
        attachments=[("list.csv", b"a,b\n", "text/csv")],
    )
    data = carriers.mbox([first, second])

    units = list(READER.read(source(data, "box.mbox"), Limits()))

    bodies = [
        u
        for u in dump(units)
        if u[0] == "text" and not str(u[2]).endswith("headers") and u[2] != "separator lines"
    ]
    assert bodies == [
        ("text", "Facilities", "message 1", False, ["Bed space rose."]),
        # ">From " quoting, which the mbox writer adds, is undone.
        (
            "text",
            "Fwd: list",
            "message 2",
            False,
            ["From the records unit:", "GARCIA, Ana A212345678"],
        ),
    ]
    (attached,) = [u for u in units if isinstance(u, Nested)]
    assert (attached.source.name, attached.source.part) == (
        "list.csv",
        "box.mbox/message 2/list.csv",
    )
    parts = [u.part for u in units if isinstance(u, Part)]
    assert parts[0] == "message 1" and "message 2" in parts and "message 2/headers" in parts


def test_a_list_in_any_message_is_found(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "archive.mbox"
    path.write_bytes(carriers.mail_attacks()["mbox"])

    report = scan_file(path, policy)
    alone = scan_file(path, policy, readers=(READER, html_reader.READER))

    assert report.verdict == "protected", report.reason
    assert alone.verdict == "protected", alone.reason
    assert alone.classes["protected-person"] == len(carriers.payload_persons())


def test_an_ordinary_mailbox_is_clean(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "archive.mbox"
    path.write_bytes(carriers.mbox([carriers.ordinary_mail(), carriers.ordinary_mail()]))

    report = scan_file(path, policy)

    assert report.verdict == "clean", report.reason
    assert not [p for p in report.coverage if p.read == "unread"]


def test_a_body_line_read_as_a_separator_is_read_too(tmp_path: Path, policy: Policy) -> None:
    """Unquoted "From " lines in a body (mboxo) start a message in every mail reader, and a
    person opening the file as text reads them: their text is read, not dropped."""
    lines = [f"From {p.name.replace(' ', '_')} {p.a_number} 2023-01-0{n}" for n, p in
             enumerate(carriers.payload_persons()[:3], 1)]  # fmt: skip
    data = (
        b"From records@agency.example Mon Dec 19 10:15:00 2022\n"
        b"Subject: deportees\n\nThese sought protection (credible fear):\n"
        + "\n".join(lines).encode("latin-1")
        + b"\n"
    )
    units = list(READER.read(source(data, "box.mbox"), Limits()))
    (separators,) = [u for u in dump(units) if u[2] == "separator lines"]
    assert separators[4][1:] == [line.removeprefix("From ") for line in lines]
    path = tmp_path / "box.mbox"
    path.write_bytes(data)
    assert scan_file(path, policy).verdict == "protected"
    assert reason(MboxReader(max_separators=80).read(source(data, "box"), Limits())) == (
        "too large: separator lines over 80 bytes"
    )


def test_too_many_messages_or_too_large_a_message_is_refused() -> None:
    data = carriers.mbox([eml_bytes("x", "y\n")] * 3)

    assert reason(READER.read(source(data, "box"), Limits(max_entries=2))) == (
        "too many messages: more than 2 (limits.max_entries)"
    )
    assert reason(MboxReader(max_bytes=50).read(source(data, "box"), Limits())) == (
        "too large: a message over 50 bytes"
    )


def test_a_broken_message_is_named() -> None:
    data = carriers.mbox([eml_bytes("x", "y\n"), carriers.mail_unknown_encoding(["z"])])

    units = list(READER.read(source(data, "box"), Limits()))

    unread = [u for u in units if isinstance(u, Part) and u.read == "unread"]
    assert [(u.part, u.blocks) for u in unread] == [("message 2/message", True)]


SEED = carriers.mbox([eml_bytes("a", "b\n"), carriers.mail_attacks()["x headers"]])


@settings(max_examples=100, deadline=None)
@given(
    edits=st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), max_size=6),
    keep=st.integers(0, 1 << 20),
)
def test_a_mangled_mailbox_is_read_or_refused_never_raises(
    edits: list[tuple[int, int]], keep: int
) -> None:
    refused = read_or_refuse(READER, mangle(SEED, edits, keep), "box")

    # A reason names where (``message 1: ``) and then why: one of the refusal categories.
    assert refused is None or {"corrupt", "too deeply nested", "too large"} & {
        part.split(":")[0] for part in refused.split(": ")
    }


def test_replies_are_read_under_what_their_thread_said(tmp_path: Path, policy: Policy) -> None:
    """The first message names the claim; a reply (by its subject) adds a person without it;
    an unrelated message stays apart."""
    first = eml_bytes("weekly list", "Referred for credible fear interviews:\n\nGARCIA, Ana\n")
    reply = eml_bytes("RE: weekly list", "Add LI, Bo A212345679.\n")
    other = eml_bytes("bed space", "Move DIAZ, Luis A212345670.\n")
    path = tmp_path / "thread.mbox"
    path.write_bytes(carriers.mbox([first, reply, other]))
    classes = dict(scan_file(path, policy).classes)
    assert classes == {"protected-person": 2, "personal-data": 1}
