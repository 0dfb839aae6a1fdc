"""The PDF reader: the text layer page by page, form fields, notes and attachments; encrypted,
scanned and broken files refused with their reason."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approval.detect.readers import csv as csv_reader
from approval.detect.readers.pdf import READER
from approval.detect.scan import scan_file
from approval.detect.units import Limits, Nested, Part, Probe, Text
from approval.policy import Policy
from tests.corpus import carriers
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
    ("head", "tail", "accepted"),
    [
        (b"%PDF-1.7\n", b"", True),
        (b"\r\n  junk before the header %PDF-1.4\n", b"", True),
        # A polyglot: a CSV whose header cell holds the header, a PDF appended.
        (b"x" * 2000 + b"%PDF-1.4", b"1 0 obj\n<< >>\nendobj\n%%EOF", True),
        (b"x" * 2000 + b"%PDF-1.4\n3 0 obj", b"", True),
        # A note that names the header is no PDF.
        (b"x" * 2000 + b"%PDF-1.4", b"", False),
        (b"PK\x03\x04", b"", False),
        (b"", b"", False),
    ],
)
def test_accepts_pdf_by_its_header_never_by_name(head: bytes, tail: bytes, accepted: bool) -> None:
    assert READER.accepts(Probe(head=head, size=len(head), tail=tail)) is accepted


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
        ),
        ("text", "Interview schedule", "document info", True, ["Title: Interview schedule"]),
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

    units = [
        u
        for u in READER.read(source(out.getvalue(), "i589.pdf"), Limits())
        if not isinstance(u, Part)
    ]

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
    # Attached files' names are text of the file; the file itself is a source of its own.
    assert dump(units[3:4]) == [
        ("text", "", "objects", True, ["F: dependents.csv", "Names: dependents.csv"])
    ]
    attachment = units[4]
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


def test_scanned_pages_among_text_pages_are_named_and_block() -> None:
    # A scanned list slipped into a report between text pages is how such lists travel: a page
    # that is only a picture blocks, while the pictures themselves (counted in the sweep) do not.
    units = list(
        READER.read(
            source(minimal_pdf([["Cover letter"], None, ["Page three"], None]), "x.pdf"), Limits()
        )
    )

    pictures = [
        (u.part, u.read, u.blocks) for u in units if isinstance(u, Part) and u.kind == "image"
    ]
    assert pictures == [
        ("page 2", "unread", True),
        ("page 4", "unread", True),
        ("images", "unread", False),
    ]
    assert all(
        "scanned page" in u.reason
        for u in units
        if isinstance(u, Part) and u.kind == "image" and u.blocks
    )
    assert [u[4] for u in dump(units)] == [["Cover letter"], ["Page three"]]


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
REASONS = ("corrupt", "encrypted", "no text layer (image-only PDF)", "too large")


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


# Every text carrier of a PDF (issue 12): a list of asylum seekers hidden in any of them is
# found by the PDF reader itself, not only by a fallback that reads raw bytes.


@pytest.mark.parametrize("place", sorted(carriers.PDF_ATTACKS))
def test_no_text_carrier_of_a_pdf_lets_a_list_through(
    place: str, tmp_path: Path, policy: Policy
) -> None:
    path = tmp_path / "facilities.pdf"
    path.write_bytes(carriers.PDF_ATTACKS[place]())

    report = scan_file(path, policy)
    # The PDF reader alone (with the CSV reader for the files a PDF attaches).
    alone = scan_file(path, policy, readers=(READER, csv_reader.READER))

    assert report.verdict == "protected", report.reason
    assert alone.verdict == "protected", alone.reason
    assert alone.classes["protected-person"] == len(carriers.payload_persons())


def test_a_file_attached_to_a_pdf_is_read_by_its_own_content() -> None:
    data = carriers.pdf_file_attachment_annotation(carriers.payload_csv(), name="chart.png")

    units = list(READER.read(source(data, "x.pdf"), Limits()))

    (attached,) = [u for u in units if isinstance(u, Nested)]
    assert (attached.source.name, attached.source.part) == ("chart.png", "x.pdf/chart.png")
    with attached.source.open() as stream:
        assert stream.read() == carriers.payload_csv()
    assert (
        Part("attachment chart.png", "attachment", len(carriers.payload_csv()), "parsed") in units
    )


def test_each_carrier_is_a_part_and_an_ordinary_pdf_reads_whole(
    tmp_path: Path, policy: Policy
) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(carriers.ordinary_pdf())

    report = scan_file(path, policy)

    assert report.verdict == "clean", report.reason
    read = {p.part: p.read for p in report.coverage}
    assert {"page 1", "page 2", "/Info", "bookmarks"} <= read.keys()
    assert set(read.values()) <= {"parsed", "text"}


def test_pictures_are_counted_not_read_and_do_not_block(tmp_path: Path, policy: Policy) -> None:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject, NumberObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(minimal_pdf([carriers.COVER]))))
    thumbnail = DecodedStreamObject()
    thumbnail.set_data(bytes([0, 255, 255, 0]))
    for key, value in {"/Width": 2, "/Height": 2, "/BitsPerComponent": 8}.items():
        thumbnail[NameObject(key)] = NumberObject(value)
    thumbnail[NameObject("/ColorSpace")] = NameObject("/DeviceGray")
    writer.pages[0][NameObject("/Thumb")] = writer._add_object(thumbnail)
    path = tmp_path / "thumb.pdf"
    with path.open("wb") as out:
        writer.write(out)

    report = scan_file(path, policy)

    assert report.verdict == "clean", report.reason
    (images,) = [p for p in report.coverage if p.kind == "image"]
    assert (images.read, images.blocks, images.reason) == (
        "unread",
        False,
        "image: pictures are not read",
    )


def test_a_stream_of_unknown_binary_data_blocks(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(carriers.pdf_binary_stream())

    report = scan_file(path, policy)

    assert report.verdict == "unscannable"
    assert report.reason is not None and "object-" in report.reason


def test_an_encrypted_pdf_stays_unscannable_through_the_scanner(
    tmp_path: Path, policy: Policy
) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(encrypted_pdf(carriers.pdf_bookmarks(carriers.payload_lines())))

    report = scan_file(path, policy)

    assert (report.verdict, report.reason) == ("unscannable", "encrypted")


def test_strings_and_names_anywhere_in_the_file_are_read() -> None:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(minimal_pdf([carriers.COVER]))))
    writer._root_object[NameObject("/Alt")] = TextStringObject("GARCIA, Ana A212345678")
    writer._root_object[NameObject("/Ana Diaz A212345679")] = NameObject("/Yes")
    out = io.BytesIO()
    writer.write(out)

    units = dump(READER.read(source(out.getvalue(), "x.pdf"), Limits()))

    assert (
        "text",
        "",
        "objects",
        True,
        ["Alt: GARCIA, Ana A212345678", "Ana Diaz A212345679"],
    ) in units


def test_scripts_are_read_for_their_string_literals() -> None:
    data = carriers.pdf_javascript(["GARCIA, Ana A212345678", "LI, Bo A212345679"])

    units = dump(READER.read(source(data, "x.pdf"), Limits()))

    scripts = [u for u in units if str(u[2]).startswith("script")]
    assert scripts == [
        ("text", "", scripts[0][2], True, ["applicants: GARCIA, Ana A212345678, LI, Bo A212345679"])
    ]


def test_an_earlier_revision_is_read_for_what_the_update_took_away() -> None:
    lines = ["GARCIA, Ana A212345678 asylum", "LI, Bo A212345679 CAT"]

    units = dump(READER.read(source(carriers.pdf_redacted_by_update(lines), "x.pdf"), Limits()))

    assert units[0] == ("text", "", "page 1", False, ["Quarterly facilities report"])
    assert ("text", "", "revision 1 page 1", True, lines) in units


def test_a_linearized_first_part_is_listed_and_does_not_block() -> None:
    # The first "revision" of this file is a header and a stray %%EOF: no document.
    data = b"%PDF-1.4\n%%EOF\n" + minimal_pdf([carriers.COVER])[9:]

    units = list(READER.read(source(data, "x.pdf"), Limits()))

    (revision,) = [u for u in units if isinstance(u, Part) and u.kind == "revision"]
    assert (revision.part, revision.read, revision.blocks) == ("revision 1", "unread", False)


def test_a_page_whose_content_does_not_decode_blocks(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(carriers.pdf_undecodable_page(carriers.payload_lines()))

    report = scan_file(path, policy)

    assert report.verdict == "unscannable"
    assert "page 2 content" in str(report.reason)
    assert "a content stream does not decode" in str(report.reason)


# The carriers' code on mangled files: a PDF with every carrier, bytes changed or cut.

RICH_SEED = carriers.pdf_redacted_by_update(["GARCIA, Ana A212345678"])


@settings(max_examples=100, deadline=None)
@given(
    edits=st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), max_size=6),
    keep=st.integers(0, 1 << 20),
    seed=st.sampled_from(sorted(carriers.PDF_ATTACKS)),
)
def test_a_mangled_file_with_every_carrier_is_read_or_refused(
    edits: list[tuple[int, int]], keep: int, seed: str
) -> None:
    data = carriers.PDF_ATTACKS[seed]() if seed != "earlier revision" else RICH_SEED

    refused = read_or_refuse(READER, mangle(data, edits, keep), NAME)

    assert refused is None or refused.split(":")[0] in REASONS


def test_the_text_a_jpeg_in_the_pdf_carries_is_read() -> None:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject, NumberObject

    from tests.corpus.inject.package import jpeg

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(minimal_pdf([carriers.COVER]))))
    photo = DecodedStreamObject()
    photo.set_data(jpeg("GARCIA, Ana A212345678"))
    for key, value in {"/Width": 1, "/Height": 1, "/BitsPerComponent": 8}.items():
        photo[NameObject(key)] = NumberObject(value)
    photo[NameObject("/Subtype")] = NameObject("/Image")
    photo[NameObject("/Filter")] = NameObject("/DCTDecode")
    writer.pages[0][NameObject("/Thumb")] = writer._add_object(photo)
    out = io.BytesIO()
    writer.write(out)

    units = dump(READER.read(source(out.getvalue(), "x.pdf"), Limits()))

    assert [u[4] for u in units if str(u[2]).startswith("picture text")] == [
        ["JFIF", "GARCIA, Ana A212345678"]  # the JFIF segment's printable run, and the comment
    ]


def test_pages_and_their_notes_are_one_flow_of_text() -> None:
    """A heading on page 1 governs the table that goes on over page 2 (``Text.flow``)."""
    data = minimal_pdf([["Credible fear referrals"], ["GARCIA, Ana A212345678"]], notes=["LI, Bo"])
    texts = [u for u in READER.read(docs.source(data, "x.pdf"), Limits()) if isinstance(u, Text)]
    flows = [(t.where.part, t.flow, t.continues) for t in texts if t.flow]
    assert flows == [
        ("page 1", "pages", False),
        ("page 1 annotations", "pages", True),
        ("page 2", "pages", True),
    ]


def test_a_heading_on_one_page_governs_the_next(tmp_path: Path, policy: Policy) -> None:
    persons = docs.PERSONS[:20]
    rows = [f"{p.last_first}    {p.a_number}" for p in persons]
    data = minimal_pdf([["Credible fear referrals, week 45", *rows[:10]], rows[10:]])
    path = tmp_path / "referrals.pdf"
    path.write_bytes(data)
    assert dict(scan_file(path, policy).classes) == {"protected-person": 20}
