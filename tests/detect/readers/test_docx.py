"""The DOCX reader: paragraphs under their headings, tables under their heading and introduction,
and the parts a reader of the file recovers besides the body."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approval.detect.readers.docx import READER, TEXT_SLICE_LINES
from approval.detect.scan import scan_file
from approval.detect.units import Limits, Nested, Probe
from approval.policy import Policy
from tests.corpus import documents as docs
from tests.corpus.documents import (
    docx_bytes,
    dump,
    encrypted_office_package,
    mangle,
    read_or_refuse,
    reason,
    source,
    zip_bytes,
)

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _read(data: bytes, name: str = "memo.docx", **kwargs: object) -> list[tuple[object, ...]]:
    """What the Word-specific code yields: the generic fallback's text of the package's other
    parts (located at the part's name) is tested on its own."""
    units = dump(READER.read(source(data, name, **kwargs), Limits()))  # type: ignore[arg-type]
    return [u for u in units if u[0] == "nested" or not _member_name(u[2])]


def _member_name(part: object) -> bool:
    return isinstance(part, str) and (part.endswith((".xml", ".rels")) or "/" in part)


def _cell(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


@pytest.mark.parametrize(
    ("data", "accepted"),
    [
        (docx_bytes([("p", "x")]), True),
        (zip_bytes([("xl/workbook.xml", b"<x/>")]), False),
        (zip_bytes([("a.csv", b"x")]), False),
        (zip_bytes([("word/report.txt", b"x")]), False),  # a folder named word/ is not Word
        (encrypted_office_package(), False),  # the scanner calls it encrypted
        (b"%PDF-1.4", False),
    ],
)
def test_accepts_word_packages_by_content(data: bytes, accepted: bool) -> None:
    assert READER.accepts(Probe(head=data[:8192], size=len(data), tail=data[-8192:])) is accepted


def test_a_table_comes_with_its_heading_and_introduction(tmp_path: Path) -> None:
    built = docs.docx_applicants(tmp_path)
    persons = docs.PERSONS[31:35]
    # The document's title and its footer (a running head) govern the body, then the heading.
    heading = "November interviews / For official use only / Asylum applicants"

    assert _read(built.path.read_bytes()) == [
        (
            "text",
            heading,
            None,
            False,
            ["# Asylum applicants", "", "The following persons were interviewed in November 2022:"],
        ),
        (
            "table",
            f"{heading}: The following persons were interviewed in November 2022:",
            None,
            False,
            [["Name", "A-Number", "Date of birth", "Nationality"]]
            + [[p.name, p.a_number, docs.us(p), p.nationality] for p in persons],
        ),
        ("text", heading, None, False, ["Prepared by the records unit."]),
        ("text", "November interviews", "footer", False, ["For official use only"]),
        ("text", "November interviews", "properties", True, ["November interviews"]),
    ]


def test_paragraphs_are_records_and_headings_nest() -> None:
    data = docx_bytes(
        [
            ("p", "Before any heading."),
            ("h1", "Asylum applicants"),
            ("p", "The following persons applied:"),
            ("item", "GARCIA, Ana - A212345678"),
            ("item", "LI, Bo - A212345679"),
            ("h2", "Detained"),
            ("p", "DIAZ, Luis"),
            ("h1", "Closing"),
            ("p", "Signed."),
        ],
        title="Case memo",
    )

    assert _read(data)[:4] == [
        ("text", "Case memo", None, False, ["Before any heading."]),
        (
            "text",
            "Case memo / Asylum applicants",
            None,
            False,
            [
                "# Asylum applicants",
                "",
                "The following persons applied:",
                "",
                "- GARCIA, Ana - A212345678",
                "",
                "- LI, Bo - A212345679",
            ],
        ),
        # Each heading is read as its section's first line, as well as titling it.
        (
            "text",
            "Case memo / Asylum applicants / Detained",
            None,
            False,
            ["## Detained", "", "DIAZ, Luis"],
        ),
        ("text", "Case memo / Closing", None, False, ["# Closing", "", "Signed."]),
    ]


def test_headers_comments_and_tracked_deletions_are_read() -> None:
    data = docx_bytes(
        [("p", "Body."), ("deleted", "GARCIA, Ana A212345678"), ("p", "More.")],
        header=["Asylum Division - internal"],
        comments=["Remove LI, Bo before release"],
    )

    # What the header says is on every page: it governs the body and what was deleted from it;
    # so do the comments and the deletions (issue 19).
    running = "Asylum Division - internal / Remove LI, Bo before release / GARCIA, Ana A212345678"
    assert _read(data) == [
        ("text", running, None, False, ["Body.", "", "More."]),
        ("text", running, "body tracked deletions", True, ["GARCIA, Ana A212345678"]),
        ("text", "", "header", False, ["Asylum Division - internal"]),
        ("text", running, "comments", True, ["Remove LI, Bo before release"]),
    ]


@pytest.mark.parametrize(
    ("blocks", "comments"),
    [
        # A claim sentence struck out as a tracked change, before or after the table.
        ([("deleted", "All of them passed the credible fear screening."), ("table", None)], []),
        ([("table", None), ("deleted", "These are the asylum cases.")], []),
        # A reviewer's comment on the document.
        ([("table", None)], ["These three are the CAT cases - do not release."]),
    ],
)
def test_deletions_and_comments_give_their_context_to_the_table(
    tmp_path: Path, policy: Policy, blocks: list[tuple[str, object]], comments: list[str]
) -> None:
    persons = docs.PERSONS[40:43]
    table = [["Name", "A-Number"]] + [[p.name, p.a_number] for p in persons]
    filled = [(kind, table if value is None else value) for kind, value in blocks]
    path = tmp_path / "hold.docx"
    path.write_bytes(docx_bytes([("p", "Hold list."), *filled], comments=comments))

    assert scan_file(path, policy).classes == {"protected-person": 3}


def test_a_document_without_a_claim_aside_is_not_protected(tmp_path: Path, policy: Policy) -> None:
    persons = docs.PERSONS[40:43]
    table = [["Name", "A-Number"]] + [[p.name, p.a_number] for p in persons]
    path = tmp_path / "hold.docx"
    blocks = [("p", "Hold list."), ("deleted", "Check the dates."), ("table", table)]
    path.write_bytes(docx_bytes(blocks, comments=["Send by Friday."]))

    assert scan_file(path, policy).classes == {"personal-data": 3}


def test_merged_cells_keep_their_columns() -> None:
    table = (
        "<w:tbl><w:tr>"
        + _cell("Name")
        + _cell("Claim", '<w:gridSpan w:val="2"/>')
        + _cell("A-Number")
        + "</w:tr><w:tr>"
        + _cell("Ana Diaz", '<w:vMerge w:val="restart"/>')
        + _cell("Asylum")
        + _cell("CAT")
        + _cell("A212345678")
        + "</w:tr><w:tr>"
        + _cell("", "<w:vMerge/>")
        + _cell("Withholding")
        + _cell("")
        + _cell("A212345679")
        + "</w:tr></w:tbl>"
    )

    ((_, _, _, _, rows),) = _read(docx_bytes([("xml", table)]))

    assert rows == [
        ["Name", "Claim", "", "A-Number"],
        ["Ana Diaz", "Asylum", "CAT", "A212345678"],
        ["Ana Diaz", "Withholding", "", "A212345679"],
    ]


def test_text_boxes_are_read_once() -> None:
    box = (
        "<w:p><w:r><w:t>Anchor.</w:t></w:r><w:r>"
        '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        "<mc:Choice><w:drawing><w:txbxContent><w:p><w:r><w:t>GARCIA, Ana</w:t></w:r></w:p>"
        "</w:txbxContent></w:drawing></mc:Choice>"
        "<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>GARCIA, Ana</w:t></w:r></w:p>"
        "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )

    assert _read(docx_bytes([("xml", box)])) == [
        ("text", "", None, False, ["GARCIA, Ana", "", "Anchor."])
    ]


def test_runs_tabs_and_breaks_make_one_line() -> None:
    paragraph = (
        '<w:p><w:r><w:t xml:space="preserve">GARCIA, </w:t></w:r><w:r><w:t>Ana</w:t><w:tab/>'
        "<w:t>A212</w:t><w:noBreakHyphen/><w:t>345</w:t><w:br/><w:t>asylum</w:t>"
        '<w:instrText xml:space="preserve"> HYPERLINK "x" </w:instrText></w:r></w:p>'
    )

    assert _read(docx_bytes([("xml", paragraph)])) == [
        ("text", "", None, False, ["GARCIA, Ana A212-345 asylum"])
    ]


def test_embedded_files_are_nested_sources() -> None:
    workbook = zip_bytes([("xl/workbook.xml", b"<workbook/>")])
    data = docx_bytes([("p", "See the embedded sheet.")], embedded=[("Sheet1.xlsx", workbook)])

    units = list(READER.read(source(data, "memo.docx"), Limits()))

    embedded = units[-1]
    assert isinstance(embedded, Nested)
    assert (embedded.source.name, embedded.source.part, embedded.source.depth) == (
        "word/embeddings/Sheet1.xlsx",
        "memo.docx/word/embeddings/Sheet1.xlsx",
        1,
    )
    with embedded.source.open() as stream:
        assert stream.read() == workbook
    # One level deeper than the document: the scanner refuses past ``Limits.max_depth``.
    deeper = list(READER.read(source(data, "memo.docx", depth=4), Limits()))
    assert [u.source.depth for u in deeper if isinstance(u, Nested)] == [5]


def test_strict_ooxml_and_a_renamed_main_part_are_read() -> None:
    strict = 'xmlns:w="http://purl.oclc.org/ooxml/wordprocessingml/main"'
    data = zip_bytes(
        [
            (
                "_rels/.rels",
                b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                b'<Relationship Id="r" Target="/word/document2.xml" '
                b'Type="http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"/>'
                b"</Relationships>",
            ),
            (
                "word/document2.xml",
                f"<w:document {strict}><w:body><w:p><w:r><w:t>Strict.</w:t></w:r></w:p>"
                "</w:body></w:document>".encode(),
            ),
        ]
    )

    assert _read(data) == [("text", "", None, False, ["Strict."])]


def test_an_encrypted_word_file_is_unscannable(tmp_path: Path) -> None:
    built = docs.docx_encrypted(tmp_path)

    assert reason(READER.read(source(built.path.read_bytes(), "x.docx"), Limits())) == "encrypted"
    legacy = encrypted_office_package().replace(
        "EncryptedPackage".encode("utf-16-le"), "WordDocument0000".encode("utf-16-le")
    )
    assert reason(READER.read(source(legacy, "x.docx"), Limits())) == (
        "unsupported format: legacy Word document (OLE) named .docx"
    )


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
            b"<w:document "
            + W.encode()
            + b"><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>",
            "corrupt: a DTD or entity declaration in the Word package",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><x>&ext;</x>',
            "corrupt: a DTD or entity declaration in the Word package",
        ),
        (
            b"<w:document " + W.encode() + b"><w:body><w:p>GARCIA",
            "corrupt: invalid XML in the Word package",
        ),
        (b"not xml at all", "corrupt: invalid XML in the Word package"),
    ],
)
def test_hostile_xml_is_refused(document: bytes, expected: str) -> None:
    data = zip_bytes([("word/document.xml", document)])

    refused = reason(READER.read(source(data, "x.docx"), Limits()))

    assert refused == expected
    assert "GARCIA" not in refused


def test_broken_packages_are_refused() -> None:
    no_main = zip_bytes([("word/styles.xml", b"<styles/>")])
    assert reason(READER.read(source(no_main, "x.docx"), Limits())) == (
        "corrupt: no main document part in the Word package"
    )
    truncated = docx_bytes([("p", "x")])[:100]
    assert reason(READER.read(source(truncated, "x.docx"), Limits())).startswith("corrupt: ")

    twice = zip_bytes(
        [
            ("word/document.xml", f"<w:document {W}/>".encode()),
            ("word/document.xml", f"<w:document {W}><w:body/></w:document>".encode()),
        ]
    )
    assert reason(READER.read(source(twice, "x.docx"), Limits())) == (
        "corrupt: two parts of the Word package share a name"
    )
    bomb = docx_bytes([("p", "x" * 2_000_000)])
    assert reason(READER.read(source(bomb, "x.docx"), Limits())).startswith("zip bomb: ")


def test_a_long_document_comes_out_in_slices() -> None:
    data = docx_bytes([("p", f"Paragraph {n}.") for n in range(TEXT_SLICE_LINES)])

    units = _read(data)

    assert len(units) == 2
    lines = [line for unit in units for line in unit[4] if line]  # type: ignore[attr-defined]
    assert lines == [f"Paragraph {n}." for n in range(TEXT_SLICE_LINES)]


# Mangled files: whatever bytes change or go missing, the reader reads or refuses with a reason.

SEED = docx_bytes([("h1", "A"), ("p", "b"), ("table", [["c", "d"]])], title="t", comments=["x"])
NAME = "x.docx"
REASONS = (
    "corrupt",
    "zip bomb",
    "encrypted",
    "unsupported format",
    "too large",
    "too deeply nested",
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


@pytest.mark.parametrize("simple", [True, False])
def test_a_merge_field_labels_its_value(simple: bool) -> None:
    """Mail merge: the field's name says what the value is, where the letter does not."""
    if simple:
        field = (
            '<w:fldSimple w:instr=" MERGEFIELD CFI_Outcome "><w:r><w:t>Positive</w:t></w:r>'
            "</w:fldSimple>"
        )
    else:
        field = (
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            "<w:r><w:instrText> MERGEFIELD CFI_Outcome \\* MERGEFORMAT </w:instrText></w:r>"
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Positive</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        )
    data = docx_bytes([("xml", f"<w:p><w:r><w:t>GARCIA, Ana - </w:t></w:r>{field}</w:p>")])
    (body,) = [u for u in _read(data) if u[0] == "text" and u[2] is None]
    assert body[4] == ["GARCIA, Ana - CFI Outcome: Positive"]


def test_the_footer_governs_the_body(tmp_path: Path, policy: Policy) -> None:
    rows = [["Name", "A-Number"], ["GARCIA, Ana", "A212345678"], ["LI, Bo", "A212345679"]]
    for footer, cls in (
        ("Credible fear referrals", "protected-person"),
        ("Bed list", "personal-data"),
    ):
        path = tmp_path / "memo.docx"
        path.write_bytes(docx_bytes([("table", rows)], footer=[footer]))
        assert dict(scan_file(path, policy).classes) == {cls: 2}


@pytest.mark.parametrize(
    ("between", "header", "continued"),
    [
        ([("xml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>')], ["Name", "A-Number"], True),
        ([("p", "(continued)")], ["Name", "A-Number"], True),
        ([("p", "Transport list")], ["Bus", "Seat"], False),
        ([("p", "One."), ("p", "Two.")], ["Name", "A-Number"], False),
    ],
)
def test_a_table_broken_over_pages_goes_on_under_its_title(
    between: list[tuple[str, object]], header: list[str], continued: bool
) -> None:
    first = [["Name", "A-Number"], ["GARCIA, Ana", "A212345678"]]
    second = [header, ["LI, Bo", "A212345679"]]
    data = docx_bytes(
        [("p", "Credible fear referrals"), ("table", first), *between, ("table", second)]
    )
    titles = [u[1] for u in _read(data) if u[0] == "table"]
    assert titles[0] == "Credible fear referrals"
    assert (titles[1].startswith("Credible fear referrals")) is continued


def test_a_deletion_far_into_a_long_document_titles_it() -> None:
    # Past the first chunk of the main part: the deletion is found all the same.
    filler = [
        ("p", f"Paragraph {n} of the routine hearing notes, nothing to see.") for n in range(1500)
    ]
    data = docx_bytes([*filler, ("deleted", "All of them claimed asylum."), ("p", "End.")])

    titles = {u[1] for u in _read(data) if u[2] is None}
    assert titles == {"All of them claimed asylum."}
