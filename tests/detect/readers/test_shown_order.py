"""Text a word processor shows joined or in another order than it stores it: a bidirectional
override (``w:bdo``) shows its runs reversed, a drop cap's paragraph is the first letter of the
next one (Word and RTF), a ruby's annotation is drawn above its base (ODF), a space condensed
to nothing joins what it stood between (Word). Each reader reads the line as shown; ordinary
right-to-left text and ordinary drop caps stay clean."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from approval.detect.readers.docx import READER as DOCX
from approval.detect.readers.odt import READER as ODT
from approval.detect.readers.rtf import READER as RTF
from approval.detect.readers.xml import READER as XML
from approval.detect.scan import scan_file
from approval.detect.units import Limits, Text
from approval.policy import Policy
from tests.corpus import hidden as hd
from tests.corpus.documents import docx_bytes, source
from tests.corpus.people import people

PERSONS = people(6)
BIG = '<w:sz w:val="96"/>'
_MEMBERS = (".xml", ".rels")  # the package's members, as the generic fallback reads them


def _scan(tmp_path: Path, policy: Policy, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return scan_file(path, policy).verdict


def _lines(reader: object, data: bytes, name: str) -> tuple[list[str], list[str]]:
    """The shown lines and the hidden ones, of the parts the reader itself reads."""
    shown: list[str] = []
    hidden: list[str] = []
    for unit in reader.read(source(data, name), Limits()):  # type: ignore[attr-defined]
        if not isinstance(unit, Text):
            continue
        part = unit.where.part or ""
        if part == "content.xml" or not part.endswith(_MEMBERS):
            (hidden if unit.where.hidden else shown).extend(line for line in unit.lines if line)
    return shown, hidden


def _run(text: str, props: str = "") -> str:
    return f"<w:r><w:rPr>{props}</w:rPr><w:t xml:space='preserve'>{text}</w:t></w:r>"


def _docx(body: str) -> bytes:
    return docx_bytes([("p", "Client list"), ("xml", body)])


def _with_styles(data: bytes, styles: str) -> bytes:
    """The package with ``styles`` (``w:style`` elements) added to its styles part."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == "word/styles.xml":
                content = content.replace(b"</w:styles>", styles.encode() + b"</w:styles>")
            dst.writestr(info.filename, content)
    return out.getvalue()


# Word: bidirectional overrides


def test_docx_override_is_read_as_shown_and_as_stored(tmp_path: Path, policy: Policy) -> None:
    body = "".join(
        f"<w:p><w:bdo w:val='rtl'>{_run(p.name[::-1])}</w:bdo>{_run(f', born {p.birthdate}, ')}"
        f"<w:bdo w:val='rtl'>{_run(p.a_number[6:][::-1])}{_run(p.a_number[:6][::-1])}</w:bdo>"
        "</w:p>"
        for p in PERSONS
    )
    shown, hidden = _lines(DOCX, _docx(body), "o.docx")

    first = PERSONS[0]
    assert shown[1] == f"{first.name}, born {first.birthdate}, {first.a_number}"
    assert any(first.a_number[::-1] in line for line in hidden)  # the stored order
    assert _scan(tmp_path, policy, "bdo.docx", _docx(body)) == "protected"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # Nested the other way: the inner runs keep their order inside the reversed outer one.
        (
            "<w:bdo w:val='rtl'>" + _run("XY") + "<w:bdo w:val='ltr'>" + _run("ab") + _run("c")
            + "</w:bdo>" + _run("Z") + "</w:bdo>",
            "ZabcYX",
        ),
        ("<w:bdo w:val='rtl'><w:bdo w:val='rtl'>" + _run("321") + "</w:bdo></w:bdo>", "123"),
        ("<w:bdo w:val='ltr'>" + _run("abc") + "</w:bdo>", "abc"),
        # w:dir is an embedding, not an override: Latin letters and digits keep their order.
        ("<w:dir w:val='rtl'>" + _run("876543212A", "<w:rtl/>") + "</w:dir>", "876543212A"),
        # A hidden run inside an override stays out of the line.
        ("<w:bdo w:val='rtl'>" + _run("cb") + _run("99", "<w:vanish/>") + _run("a") + "</w:bdo>",
         "abc"),
    ],
)  # fmt: skip
def test_docx_override_directions(body: str, expected: str) -> None:
    shown, _ = _lines(DOCX, _docx(f"<w:p>{body}</w:p>"), "o.docx")

    assert shown[1] == expected


def test_docx_right_to_left_text_stays_clean(tmp_path: Path, policy: Policy) -> None:
    body = (
        "<w:p><w:pPr><w:bidi/></w:pPr>"
        + _run("משרד השדה פתוח מראשון עד חמישי 9:00-16:00", "<w:rtl/>")
        + "</w:p><w:p><w:pPr><w:bidi/></w:pPr><w:dir w:val='rtl'>"
        + _run("ساعات العمل من الاثنين إلى الجمعة", "<w:rtl/>")
        + "</w:dir></w:p>"
    )

    assert _scan(tmp_path, policy, "rtl.docx", _docx(body)) == "clean"


# Drop caps


@pytest.mark.parametrize("kind", ["drop", "margin"])
def test_docx_drop_cap_starts_the_next_paragraph(kind: str, tmp_path: Path, policy: Policy) -> None:
    body = "".join(
        f"<w:p><w:pPr><w:framePr w:dropCap='{kind}' w:lines='3' w:wrap='around'/></w:pPr>"
        f"{_run(p.a_number[0], BIG)}</w:p>"
        f"<w:p>{_run(f'{p.a_number[1:]} is the file of {p.name}, born {p.birthdate}.')}</w:p>"
        for p in PERSONS
    )
    shown, _ = _lines(DOCX, _docx(body), "cap.docx")

    assert shown[1].startswith(f"{PERSONS[0].a_number} is the file")
    assert _scan(tmp_path, policy, "cap.docx", _docx(body)) == "protected"


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        ("<w:framePr w:dropCap='drop'/>", ["Client list", "The office opens at nine."]),
        ("<w:framePr w:dropCap='none'/>", ["Client list", "T", "he office opens at nine."]),
        ("<w:framePr w:w='2000' w:h='300'/>", ["Client list", "T", "he office opens at nine."]),
    ],
)
def test_docx_only_a_drop_cap_runs_on(frame: str, expected: list[str]) -> None:
    body = (
        f"<w:p><w:pPr>{frame}</w:pPr>{_run('T')}</w:p><w:p>{_run('he office opens at nine.')}</w:p>"
    )

    assert _lines(DOCX, _docx(body), "cap.docx")[0] == expected


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        ("", ["Client list", "The office opens at nine."]),
        ("<w:framePr w:dropCap='none'/>", ["Client list", "T", "he office opens at nine."]),
    ],
)
def test_docx_drop_cap_by_paragraph_style(frame: str, expected: list[str]) -> None:
    styles = (
        '<w:style w:type="paragraph" w:styleId="Cap"><w:pPr><w:framePr w:dropCap="drop"/>'
        '</w:pPr></w:style><w:style w:type="paragraph" w:styleId="BigCap"><w:basedOn '
        'w:val="Cap"/></w:style>'
    )
    body = (
        f"<w:p><w:pPr><w:pStyle w:val='BigCap'/>{frame}</w:pPr>{_run('T')}</w:p>"
        f"<w:p>{_run('he office opens at nine.')}</w:p>"
    )
    data = _with_styles(_docx(body), styles)

    assert _lines(DOCX, data, "cap.docx")[0] == expected


def test_rtf_drop_cap_starts_the_next_paragraph(tmp_path: Path, policy: Policy) -> None:
    lines = ["Client list"]
    for p in PERSONS:
        lines += [
            f"\\pard\\dropcapli3\\dropcapt1\\absw0\\fs72 {p.a_number[0]}",
            f"\\pard\\fs24 {p.a_number[1:]} is the file of {p.name}, born {p.birthdate}.",
        ]
    data = hd.rtf_bytes(lines)
    shown, _ = _lines(RTF, data, "cap.rtf")

    assert shown[1].startswith(f"{PERSONS[0].a_number} is the file")
    assert _scan(tmp_path, policy, "cap.rtf", data) == "protected"


def test_rtf_drop_cap_in_a_group_and_ordinary_prose(tmp_path: Path, policy: Policy) -> None:
    data = (
        b"{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}}{\\pard\\dropcapli2\\dropcapt2\\fs72 T\\par}"
        b"\\pard\\fs24 he office opens at nine.\\par\\pard\\dropcapli0 Closed on Sunday.\\par"
        b"\\pard Bring a form.\\par}"
    )

    assert _lines(RTF, data, "cap.rtf")[0] == [
        "The office opens at nine.",
        "Closed on Sunday.",
        "Bring a form.",
    ]
    assert _scan(tmp_path, policy, "cap.rtf", data) == "clean"


def test_odt_drop_cap_is_a_style_of_its_own_paragraph(tmp_path: Path, policy: Policy) -> None:
    style = (
        "<style:style style:name='P1' style:family='paragraph'><style:paragraph-properties>"
        "<style:drop-cap style:length='1' style:lines='3'/></style:paragraph-properties>"
        "</style:style>"
    )
    body = "".join(
        f"<text:p text:style-name='P1'>{p.a_number} is the file of {p.name}, born "
        f"{p.birthdate}.</text:p>"
        for p in PERSONS
    )
    shown, _ = _lines(ODT, hd.odt_bytes(body, style), "cap.odt")

    assert f"{PERSONS[0].a_number} is the file of {PERSONS[0].name}" in shown[0]
    assert _scan(tmp_path, policy, "cap.odt", hd.odt_bytes(body, style)) == "protected"


# ODF ruby


def test_odt_ruby_annotation_is_a_line_of_its_own(tmp_path: Path, policy: Policy) -> None:
    body = "".join(
        f"<text:p>Case <text:ruby><text:ruby-base>{p.a_number}</text:ruby-base>"
        f"<text:ruby-text>file</text:ruby-text></text:ruby> opened.</text:p>"
        for p in PERSONS
    )
    shown, _ = _lines(ODT, hd.odt_bytes(body), "ruby.odt")

    assert shown[:2] == ["file", f"Case {PERSONS[0].a_number} opened."]
    assert _scan(tmp_path, policy, "ruby.odt", hd.odt_bytes(body)) == "protected"


def test_odt_ordinary_ruby_stays_clean(tmp_path: Path, policy: Policy) -> None:
    body = (
        "<text:p>The <text:ruby><text:ruby-base>東京</text:ruby-base><text:ruby-text>とうきょう"
        "</text:ruby-text></text:ruby> office opens at nine.</text:p>"
    )

    assert _scan(tmp_path, policy, "ruby.odt", hd.odt_bytes(body)) == "clean"


# Word: spaces drawn as nothing


@pytest.mark.parametrize(
    ("props", "joined"),
    [
        ('<w:spacing w:val="-200"/>', True),
        ('<w:spacing w:val="-40"/>', True),
        ('<w:w w:val="1"/>', True),
        ('<w:spacing w:val="-10"/>', False),  # condensed a little: still a space
        ('<w:spacing w:val="20"/>', False),
        ('<w:w w:val="90"/>', False),
        ('<w:spacing w:val="--5"/>', False),  # not a number: nothing
    ],
)
def test_docx_a_space_condensed_to_nothing_joins(
    props: str, joined: bool, tmp_path: Path, policy: Policy
) -> None:
    body = "".join(
        f"<w:p>{_run(f'{p.name}  {p.a_number[:4]}')}{_run(' ', props)}"
        f"{_run(f'{p.a_number[4:]}  {p.birthdate}')}</w:p>"
        for p in PERSONS
    )
    shown, hidden = _lines(DOCX, _docx(body), "sp.docx")
    first = PERSONS[0]

    assert (first.a_number in shown[1]) is joined
    assert (f"{first.a_number[:4]} {first.a_number[4:]}" in " ".join(hidden)) is joined
    if joined:
        assert _scan(tmp_path, policy, "sp.docx", _docx(body)) == "protected"


def test_docx_condensed_letters_keep_their_text() -> None:
    condensed = '<w:spacing w:val="-60"/>'
    body = f"<w:p>{_run('Office', condensed)}{_run(' hours')}</w:p>"

    assert _lines(DOCX, _docx(body), "sp.docx")[0] == ["Client list", "Office hours"]


@pytest.mark.parametrize(
    ("squeeze", "joined"),
    [
        ("\\expndtw-200", True),
        ("\\expnd-10", True),
        ("\\charscalex5", True),
        ("\\expndtw-10", False),
        ("\\expnd-2", False),
        ("\\charscalex90", False),
    ],
)
def test_rtf_a_space_condensed_to_nothing_joins(
    squeeze: str, joined: bool, tmp_path: Path, policy: Policy
) -> None:
    # The first space after the control word ends it; the second is the text.
    lines = ["Client list"] + [
        f"{p.name}  {p.a_number[:4]}{{{squeeze}  }}{p.a_number[4:]}  {p.birthdate}" for p in PERSONS
    ]
    data = hd.rtf_bytes(lines)
    shown, hidden = _lines(RTF, data, "sp.rtf")
    first = PERSONS[0]

    assert (first.a_number in shown[1]) is joined
    assert (f"{first.a_number[:4]} {first.a_number[4:]}" in " ".join(hidden)) is joined
    if joined:
        assert _scan(tmp_path, policy, "sp.rtf", data) == "protected"


def test_flat_word_xml_ruby_annotation_is_a_line_of_its_own(tmp_path: Path, policy: Policy) -> None:
    body = "".join(
        f"<w:p><w:r><w:t xml:space='preserve'>Case </w:t></w:r><w:r><w:ruby><w:rt><w:r>"
        f"<w:t>No7</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>{p.a_number}</w:t></w:r>"
        "</w:rubyBase></w:ruby></w:r><w:r><w:t xml:space='preserve'> opened.</w:t></w:r></w:p>"
        for p in PERSONS
    )
    data = (
        "<?xml version='1.0'?><w:document xmlns:w='http://schemas.openxmlformats.org/"
        f"wordprocessingml/2006/main'><w:body>{body}</w:body></w:document>"
    ).encode()
    shown, _ = _lines(XML, data, "document.xml")

    assert shown[:2] == ["No7", f"Case {PERSONS[0].a_number} opened."]
    assert _scan(tmp_path, policy, "document.xml", data) == "protected"


def test_flat_word_xml_override_is_read_as_shown(tmp_path: Path, policy: Policy) -> None:
    body = "".join(
        f"<w:p>{_run(f'{p.name}, born {p.birthdate}, ')}<w:bdo w:val='rtl'>"
        f"{_run(p.a_number[::-1])}</w:bdo></w:p>"
        for p in PERSONS
    )
    data = (
        "<?xml version='1.0'?><w:document xmlns:w='http://schemas.openxmlformats.org/"
        f"wordprocessingml/2006/main'><w:body>{body}</w:body></w:document>"
    ).encode()
    shown, hidden = _lines(XML, data, "document.xml")
    first = PERSONS[0]

    assert shown[0] == f"{first.name}, born {first.birthdate}, {first.a_number}"
    assert any(first.a_number[::-1] in line for line in hidden)
    assert _scan(tmp_path, policy, "document.xml", data) == "protected"
