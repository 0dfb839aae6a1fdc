"""The PDF reader: the text layer page by page, form fields, notes and attachments; encrypted,
scanned and broken files refused with their reason."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approval.detect.readers.pdf import READER
from approval.detect.units import Limits, Nested, Text
from tests.corpus import documents as docs
from tests.corpus.documents import (
    dump,
    encrypted_pdf,
    mangle,
    minimal_pdf,
    read_or_refuse,
    reason,
    source,
)


def _read(data: bytes, name: str = "doc.pdf") -> list[tuple[object, ...]]:
    return dump(READER.read(source(data, name), Limits()))


@pytest.mark.parametrize(
    ("head", "accepted"),
    [
        (b"%PDF-1.7\n", True),
        (b"\r\n  junk before the header %PDF-1.4\n", True),
        (b"x" * 2000 + b"%PDF-1.4", False),
        (b"PK\x03\x04", False),
        (b"", False),
    ],
)
def test_accepts_pdf_by_its_header(head: bytes, accepted: bool) -> None:
    assert READER.accepts(head, "whatever.bin") is accepted


def test_each_page_is_text_titled_by_the_document(tmp_path: Path) -> None:
    built = docs.pdf_text(tmp_path)
    persons = docs.PERSONS[27:31]

    assert _read(built.path.read_bytes()) == [
        (
            "text",
            "Interview schedule",
            "page 1",
            False,
            [line for line in docs.schedule_lines(persons) if line],
        )
    ]


def test_pages_are_numbered_and_blank_pages_pass() -> None:
    data = minimal_pdf([["GARCIA, Ana (asylum)"], [], ["LI, Bo (CAT)"]])

    assert _read(data) == [
        ("text", "", "page 1", False, ["GARCIA, Ana (asylum)"]),
        ("text", "", "page 3", False, ["LI, Bo (CAT)"]),
    ]


def test_form_fields_notes_and_attachments_are_read() -> None:
    from pypdf import PdfReader, PdfWriter

    plain = minimal_pdf(
        [["Form I-589"]],
        fields={"Applicant name": "Ana Diaz", "A-Number": "A212345678", "Empty": ""},
        notes=["Reviewer: A212345679 withdrew"],
    )
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain)))
    writer.add_attachment("dependents.csv", b"Name,A-Number\nLuis Diaz,A212345680\n")
    out = io.BytesIO()
    writer.write(out)

    units = list(READER.read(source(out.getvalue(), "i589.pdf"), Limits()))

    assert dump(units[:3]) == [
        ("text", "", "page 1", False, ["Form I-589"]),
        ("text", "", "page 1 annotations", True, ["Reviewer: A212345679 withdrew"]),
        (
            "records",
            "",
            "form fields",
            False,
            [{"Applicant name": "Ana Diaz", "A-Number": "A212345678"}],
        ),
    ]
    attachment = units[3]
    assert isinstance(attachment, Nested)
    assert (attachment.source.name, attachment.source.part, attachment.source.depth) == (
        "dependents.csv",
        "i589.pdf/dependents.csv",
        1,
    )
    with attachment.source.open() as stream:
        assert stream.read() == b"Name,A-Number\nLuis Diaz,A212345680\n"


def test_an_encrypted_pdf_is_unscannable(tmp_path: Path) -> None:
    built = docs.pdf_encrypted(tmp_path)

    assert reason(READER.read(source(built.path.read_bytes(), "x.pdf"), Limits())) == "encrypted"


def test_a_pdf_that_opens_with_the_empty_password_is_read() -> None:
    data = encrypted_pdf(minimal_pdf([["GARCIA, Ana (asylum)"]]), user_password="")

    assert _read(data) == [("text", "", "page 1", False, ["GARCIA, Ana (asylum)"])]


def test_a_scanned_pdf_has_no_text_layer(tmp_path: Path) -> None:
    built = docs.pdf_image_only(tmp_path)

    assert reason(READER.read(source(built.path.read_bytes(), "x.pdf"), Limits())) == (
        "no text layer (image-only PDF)"
    )


def test_scanned_pages_among_text_pages_are_named() -> None:
    units = READER.read(
        source(minimal_pdf([["Cover letter"], None, ["Page three"], None]), "x.pdf"), Limits()
    )

    first = next(units)
    assert isinstance(first, Text)
    assert reason(units) == "no text layer on pages 2, 4 (scanned images)"
    one = READER.read(source(minimal_pdf([["Cover letter"], None]), "x.pdf"), Limits())
    assert reason(one) == "no text layer on page 2 (scanned images)"


@pytest.mark.parametrize(
    "data",
    [
        minimal_pdf([["GARCIA, Ana A212345678"]])[:200],
        b"%PDF-1.4\n",
        b"%PDF-1.4\n" + bytes(range(256)) * 20,
        minimal_pdf([["x"]]).replace(b"/Type /Pages", b"/Type /Nothing"),
    ],
)
def test_a_broken_pdf_is_corrupt_and_quiet(data: bytes, capfd: pytest.CaptureFixture[str]) -> None:
    refused = reason(READER.read(source(data, "x.pdf"), Limits()))

    assert refused.startswith("corrupt: ")
    assert "A212345678" not in refused
    assert capfd.readouterr().err == ""  # pypdf's complaints stay off the terminal


def test_attachments_at_the_depth_limit_are_refused() -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(minimal_pdf([["x"]]))))
    writer.add_attachment("a.csv", b"a,b\n")
    out = io.BytesIO()
    writer.write(out)

    assert reason(READER.read(source(out.getvalue(), "x.pdf", depth=4), Limits())) == (
        "too deeply nested: attachments more than 4 deep"
    )


# Mangled files: whatever bytes change or go missing, the reader reads or refuses with a reason.

SEED = minimal_pdf([["GARCIA, Ana (asylum)"], None], title="t", fields={"a": "b"}, notes=["n"])
NAME = "x.pdf"
REASONS = (
    "corrupt",
    "encrypted",
    "no text layer (image-only PDF)",
    "no text layer on page 2 (scanned images)",
    "too large",
)


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
