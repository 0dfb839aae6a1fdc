"""Word fields read for what Word computes, not only for the result saved with them: Word
computes a field anew on opening when it is marked dirty or the document asks to update fields
(and on F9 or printing), and LibreOffice shows SYMBOL's character itself. The attack: a name
spelt as SYMBOL fields letter by letter and an A-number made by an ``=`` field's picture, each
saved as ``-``."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from approval.detect.readers.docx import READER, _field_value
from approval.detect.scan import scan_file
from approval.detect.units import UNREAD, Limits, Part, Source, Text
from approval.policy import Policy
from tests.corpus.people import people

PERSON = people(1, seed=2026_12_10)[0]
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
A_DIGITS = PERSON.a_number[1:]


def _field(instruction: str, *, dirty: bool = True, saved: str = "-") -> str:
    mark = ' w:dirty="true"' if dirty else ""
    return (
        f'<w:r><w:fldChar w:fldCharType="begin"{mark}/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {escape(instruction)} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r><w:t>{escape(saved)}</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def _run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _symbols(text: str, dirty: bool = True) -> str:
    return "".join(_field(f'SYMBOL {ord(c)} \\f "Arial"', dirty=dirty) for c in text)


def _docx(
    paragraphs: list[str], *, update: bool = False, custom: dict[str, str] | None = None
) -> bytes:
    body = "".join(f"<w:p>{p}</w:p>" for p in paragraphs)
    document = f"<w:document {W}><w:body>{body}</w:body></w:document>"
    flag = '<w:updateFields w:val="true"/>' if update else ""
    settings = f"<w:settings {W}>{flag}</w:settings>"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        package.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        package.writestr("word/document.xml", document)
        package.writestr(
            "word/_rels/document.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/settings" Target="settings.xml"/>'
            "</Relationships>",
        )
        package.writestr("word/settings.xml", settings)
        if custom:
            properties = "".join(
                f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{i + 2}"'
                f' name="{escape(name)}"><vt:lpwstr>{escape(value)}</vt:lpwstr></property>'
                for i, (name, value) in enumerate(custom.items())
            )
            package.writestr(
                "docProps/custom.xml",
                '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
                'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
                f'2006/docPropsVTypes">{properties}</Properties>',
            )
    return out.getvalue()


def _read(data: bytes) -> tuple[list[str], list[str], list[Part]]:
    """The body's lines, its hidden text's lines, and the unread parts."""
    source = Source(name="memo.docx", open=lambda: io.BytesIO(data), size=len(data))
    shown: list[str] = []
    hidden: list[str] = []
    unread: list[Part] = []
    for unit in READER.read(source, Limits()):
        if isinstance(unit, Text) and unit.where.part is None:
            shown += [line for line in unit.lines if line]
        elif isinstance(unit, Text) and unit.where.part == "body hidden text":
            hidden += [line for line in unit.lines if line]
        elif isinstance(unit, Part) and unit.read == UNREAD and unit.blocks:
            unread.append(unit)
    return shown, hidden, unread


ATTACK = [
    _run("Name: ") + _symbols(PERSON.name),
    _run("A-Number: ") + _field(f"= {A_DIGITS} \\# \"'A'000000000\""),
    _run("Status: ") + _symbols(PERSON.claim),
]


@pytest.mark.parametrize(("dirty", "update"), [(True, False), (False, True), (False, False)])
def test_fields_are_read_as_computed_and_as_saved(dirty: bool, update: bool) -> None:
    paragraphs = [
        _run("Name: ") + _symbols(PERSON.name, dirty),
        _run("A-Number: ") + _field(f"= {A_DIGITS} \\# \"'A'000000000\"", dirty=dirty),
    ]
    shown, hidden, unread = _read(_docx(paragraphs, update=update))
    assert shown == [f"Name: {PERSON.name}", f"A-Number: {PERSON.a_number}"]
    assert hidden == ["Name: " + "-" * len(PERSON.name), "A-Number: -"]
    assert not unread


def test_the_attack_does_not_scan_clean(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "memo.docx"
    path.write_bytes(_docx(ATTACK, update=True))
    report = scan_file(path, policy)
    assert report.verdict == "protected", report.reason
    assert any(finding.detector == "a-number" for finding in report.findings)


@pytest.mark.parametrize(
    ("instruction", "value"),
    [
        ('SYMBOL 77 \\f "Arial"', "M"),
        ("SYMBOL 0x4D", "M"),
        ("SYMBOL 0xF04D \\f Symbol", "M"),  # a symbol font's code: read as its letter
        ("SYMBOL 233 \\a", "é"),
        ("SYMBOL 1052 \\u", "М"),
        ('QUOTE "maria" \\* Upper', "MARIA"),
        ("= 19850314 \\# \"0000'-'00'-'00\"", "1985-03-14"),
        ("= (200000000 + 12345678) * 1 \\# \"'A'000000000\"", "A212345678"),
        ("= 7 \\# 000", "007"),
        ("= 212345678 \\# \"'A'0\"", "A212345678"),  # more digits than the picture's
        ('= -5 \\# "0;(0)"', "(5)"),
        ("= 10 / 4", "2.5"),
        ('DOCPROPERTY "Case Owner"', "Maria Lopez"),
        ("REF caseowner \\h", "Maria Lopez"),
        ("caseowner \\* Upper", "MARIA LOPEZ"),
    ],
)
def test_field_values(instruction: str, value: str) -> None:
    properties = {"case owner": "Maria Lopez"}
    assert _field_value(instruction, properties, {"caseowner": "Maria Lopez"}) == value


@pytest.mark.parametrize(
    "instruction", ["PAGE", "= Price * 2", "REF later", "DOCVARIABLE x", "= 1 / 0", "SYMBOL x"]
)
def test_fields_not_computed(instruction: str) -> None:
    assert _field_value(instruction, {}, {}) is None


@pytest.mark.parametrize(
    ("instruction", "dirty", "update", "blocks"),
    [
        ("DOCVARIABLE claimant", True, False, True),
        ('INCLUDETEXT "C:\\\\cases\\\\list.docx"', False, True, True),
        ('IF 1 = 1 "x" "y"', True, False, True),
        ("DOCVARIABLE claimant", False, False, False),  # Word shows the saved result
        ("PAGE", True, True, False),  # a number
        ("MERGEFIELD A_Number", True, True, False),  # the merge data is not in the file
        ('STYLEREF "Heading 1"', True, True, False),  # a paragraph the document shows
        ('ADDIN ZOTERO_ITEM CSL_CITATION {"citationID":"x"}', True, True, False),
        ('INCLUDEPICTURE "chart.png" \\* MERGEFORMAT', True, True, False),
    ],
)
def test_a_field_word_recomputes_and_this_reader_cannot_blocks(
    instruction: str, dirty: bool, update: bool, blocks: bool
) -> None:
    _, _, unread = _read(_docx([_run("x ") + _field(instruction, dirty=dirty)], update=update))
    assert bool(unread) == blocks
    if blocks:
        assert unread[0].part == "word/document.xml fields"


def test_fields_from_elsewhere_in_the_file() -> None:
    first, last = PERSON.name.split(" ", 1)
    paragraphs = [
        # The pieces, bookmarked in a paragraph of their own.
        '<w:bookmarkStart w:id="1" w:name="p1"/>'
        + _run(first)
        + '<w:bookmarkEnd w:id="1"/>'
        + _run(" ; ")
        + '<w:bookmarkStart w:id="2" w:name="p2"/>'
        + _run(last)
        + '<w:bookmarkEnd w:id="2"/>',
        _run("Name: ") + _field("REF p1") + _run(" ") + _field("p2") + _field("QUOTE x"),
        _run("Claim: ") + _field('DOCPROPERTY "Claim"'),
        # A field in another's instruction: its value is part of the instruction.
        _run("A-Number: ")
        + '<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
        + '<w:r><w:instrText xml:space="preserve"> = </w:instrText></w:r>'
        + _field(f"QUOTE {A_DIGITS}")
        + '<w:r><w:instrText xml:space="preserve"> \\# "\'A\'000000000" </w:instrText></w:r>'
        + '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>-</w:t></w:r>'
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
        # A simple field.
        _run("Again: ")
        + f'<w:fldSimple w:instr="SYMBOL 77" w:dirty="true">{_run("-")}</w:fldSimple>',
    ]
    shown, _, unread = _read(_docx(paragraphs, custom={"Claim": PERSON.claim}))
    assert shown[1:] == [
        f"Name: {first} {last}x",
        f"Claim: {PERSON.claim}",
        f"A-Number: {PERSON.a_number}",
        "Again: M",
    ]
    assert not unread
