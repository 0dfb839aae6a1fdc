"""List labels read as the application draws them: Word's numbering (``numbering.xml``: lvlText,
counters, restarts, redefined levels, styles' numbering, the suffix) and LibreOffice's list
styles (prefix, number, suffix, bullet) put an identifier before a name that neither part
holds whole. Each labelled form is scanned beside its control (the same data typed out), and
ordinary numbered and bulleted lists stay clean. Packages are made here by code."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from approval.detect.readers._numbering import number
from approval.detect.readers.docx import READER as DOCX
from approval.detect.readers.odt import READER as ODT
from approval.detect.scan import scan_file
from approval.detect.units import Limits, Source, Text
from approval.policy import Policy
from tests.corpus.documents import docx_bytes
from tests.corpus.packages import add_members
from tests.corpus.people import Person, people

PERSONS = people(8)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
STAFF = ["Dana Whitfield", "Marcus Ortega", "Priya Raman", "Tom Becker", "Lena Fischer"]


def _scan(tmp_path: Path, policy: Policy, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return scan_file(path, policy).verdict


def _shown(reader: object, data: bytes, name: str) -> list[str]:
    """The lines of the document's body as the reader reads them."""
    source = Source(name=name, open=lambda: io.BytesIO(data), size=len(data))
    units = reader.read(source, Limits())  # type: ignore[attr-defined]
    return [
        line
        for unit in units
        if isinstance(unit, Text) and unit.where.part in (None, "content.xml")
        for line in unit.lines
        if line
    ]


# ---------------------------------------------------------------------------------------------
# Word


def _lvl(ilvl: int, start: int, fmt: str, text: str, extra: str = "") -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{escape(text)}"/>{extra}</w:lvl>'
    )


def _abstract(index: int, *levels: str) -> str:
    return f'<w:abstractNum w:abstractNumId="{index}">{"".join(levels)}</w:abstractNum>'


def _num(num_id: int, abstract: int, override: str = "") -> str:
    return f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract}"/>{override}</w:num>'


def _item(text: str, num_id: int | None = 1, ilvl: int = 0, style: str = "") -> str:
    numbered = (
        f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
        if num_id is not None
        else ""
    )
    styled = f'<w:pStyle w:val="{style}"/>' if style else ""
    return (
        f"<w:p><w:pPr>{styled}{numbered}</w:pPr>"
        f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
    )


def _docx(
    body: Sequence[str],
    numbering: str,
    *,
    part: str = "word/numbering.xml",
    styles: str = "",
) -> bytes:
    data = docx_bytes([("p", "Client list"), *(("xml", p) for p in body)])
    members = {part: f'<w:numbering xmlns:w="{_W}">{numbering}</w:numbering>'.encode()}
    if part != "word/numbering.xml":  # named by the main part's relationships only
        members["word/_rels/document.xml.rels"] = (
            f'<Relationships xmlns="{_PKG}"><Relationship Id="rId9" '
            f'Type="{_REL}/numbering" Target="{part.removeprefix("word/")}"/></Relationships>'
        ).encode()
    if styles:
        members["word/styles.xml"] = f'<w:styles xmlns:w="{_W}">{styles}</w:styles>'.encode()
    return add_members(data, members)


def _split_lvltext(group: Sequence[Person]) -> bytes:
    """The probe's form: lvlText "A2183431%1." in decimalZero from the last two digits."""
    return _docx(
        [_item(p.name, n + 1) for n, p in enumerate(group)],
        "".join(
            _abstract(n, _lvl(0, int(p.a_number[-2:]), "decimalZero", f"{p.a_number[:-2]}%1."))
            for n, p in enumerate(group)
        )
        + "".join(_num(n + 1, n) for n in range(len(group))),
    )


def _whole_counter(group: Sequence[Person]) -> bytes:
    """lvlText "A%1": the counter is the A-number's digits."""
    return _docx(
        [_item(p.name, n + 1) for n, p in enumerate(group)],
        "".join(
            _abstract(n, _lvl(0, int(p.a_number[1:]), "decimal", "A%1"))
            for n, p in enumerate(group)
        )
        + "".join(_num(n + 1, n) for n in range(len(group))),
    )


def _start_override(group: Sequence[Person]) -> bytes:
    """One abstract list, an instance per person restarting it (``startOverride``), in a
    numbering part under another name."""
    prefix = group[0].a_number[:4]
    kept = [p for p in group if p.a_number.startswith(prefix)] or group[:1]
    return _docx(
        [_item(p.name, n + 1) for n, p in enumerate(kept)],
        _abstract(0, _lvl(0, 1, "decimal", f"{prefix}%1"))
        + "".join(
            _num(
                n + 1,
                0,
                f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{p.a_number[4:]}"/>'
                "</w:lvlOverride>",
            )
            for n, p in enumerate(kept)
        ),
        part="word/lists.xml",
    )


def _level_override(group: Sequence[Person]) -> bytes:
    """An instance redefines its level: the lvlText is the override's."""
    return _docx(
        [_item(p.name, n + 1) for n, p in enumerate(group)],
        _abstract(0, _lvl(0, 1, "decimal", "%1."))
        + "".join(
            _num(
                n + 1,
                0,
                '<w:lvlOverride w:ilvl="0">'
                + _lvl(0, int(p.a_number[-3:]), "decimal", f"{p.a_number[:-3]}%1")
                + "</w:lvlOverride>",
            )
            for n, p in enumerate(group)
        ),
    )


def _style_numbered(group: Sequence[Person]) -> bytes:
    """The paragraphs' style numbers them; the label's suffix is nothing, and the text goes
    on with the A-number's last digits."""
    return _docx(
        [_item(f"{p.a_number[-2:]} {p.name}", None, style=f"Case{n}") for n, p in enumerate(group)],
        "".join(
            _abstract(n, _lvl(0, 1, "none", p.a_number[:-2], '<w:suff w:val="nothing"/>'))
            for n, p in enumerate(group)
        )
        + "".join(_num(n + 1, n) for n in range(len(group))),
        styles="".join(
            f'<w:style w:type="paragraph" w:styleId="Case{n}"><w:pPr><w:numPr>'
            f'<w:numId w:val="{n + 1}"/></w:numPr></w:pPr></w:style>'
            for n in range(len(group))
        ),
    )


def _two_levels(group: Sequence[Person]) -> bytes:
    """A level-2 label made of both levels' numbers ("A%1%2"), the outer one counted by a
    heading-like item above each name."""
    body: list[str] = []
    for n, p in enumerate(group):
        body += [_item("Case", n + 1, 0), _item(p.name, n + 1, 1)]
    digits = [p.a_number[1:] for p in group]
    return _docx(
        body,
        "".join(
            _abstract(
                n, _lvl(0, int(d[:4]), "decimal", "%1"), _lvl(1, int(d[4:]), "decimal", "A%1%2")
            )
            for n, d in enumerate(digits)
            if not d[4:].startswith("0")
        )
        + "".join(_num(n + 1, n) for n in range(len(group))),
    )


def _style_linked(group: Sequence[Person]) -> bytes:
    """A list style (``numStyleLink``): the paragraphs' list has no levels of its own, the
    numbering style's list defines them."""
    count = len(group)
    return _docx(
        [_item(p.name, n + 1) for n, p in enumerate(group)],
        "".join(
            f'<w:abstractNum w:abstractNumId="{n}"><w:numStyleLink w:val="Cases{n}"/>'
            "</w:abstractNum>"
            + _abstract(
                count + n, _lvl(0, int(p.a_number[-2:]), "decimalZero", f"{p.a_number[:-2]}%1")
            )
            for n, p in enumerate(group)
        )
        + "".join(_num(n + 1, n) + _num(count + n + 1, count + n) for n in range(count)),
        styles="".join(
            f'<w:style w:type="numbering" w:styleId="Cases{n}"><w:pPr><w:numPr>'
            f'<w:numId w:val="{count + n + 1}"/></w:numPr></w:pPr></w:style>'
            for n in range(count)
        ),
    )


def _docx_control(group: Sequence[Person]) -> bytes:
    return docx_bytes([("p", "Client list"), *(("p", f"{p.a_number}. {p.name}") for p in group)])


WORD_FORMS: dict[str, Callable[[Sequence[Person]], bytes]] = {
    "lvltext split": _split_lvltext,
    "whole counter": _whole_counter,
    "start override, renamed part": _start_override,
    "level override": _level_override,
    "style numbering, no suffix": _style_numbered,
    "two levels": _two_levels,
    "numbering style link": _style_linked,
}


def test_the_word_control_is_protected(tmp_path: Path, policy: Policy) -> None:
    assert _scan(tmp_path, policy, "plain.docx", _docx_control(PERSONS)) == "protected"


@pytest.mark.parametrize("form", WORD_FORMS)
def test_word_list_labels_are_read_before_their_text(
    tmp_path: Path, policy: Policy, form: str
) -> None:
    data = WORD_FORMS[form](PERSONS)
    # The body's lines hold A-numbers whole, as Word shows them, which no part holds.
    body = " ".join(_shown(DOCX, data, "list.docx"))
    assert any(p.a_number in body for p in PERSONS)
    assert _scan(tmp_path, policy, "list.docx", data) == "protected"


def test_a_word_label_is_the_start_of_its_line() -> None:
    person = PERSONS[0]
    lines = _shown(DOCX, _split_lvltext([person]), "list.docx")
    assert lines == ["Client list", f"- {person.a_number}. {person.name}"]


def test_word_numbering_counts_on_and_restarts_inner_levels() -> None:
    numbering = (
        _abstract(
            0, _lvl(0, 1, "decimal", "%1."), _lvl(1, 1, "lowerLetter", "%1.%2)", "<w:isLgl/>")
        )
        + _num(1, 0)
        + _num(2, 0)
    )
    body = [
        _item("Scope", 1),
        _item("Intake", 1, 1),
        _item("Review", 1, 1),
        _item("Records", 2),  # another instance of the same list numbers on
        _item("Retention", 2, 1),
        _item("Unnumbered", 0),  # numId 0: no label
    ]
    assert _shown(DOCX, _docx(body, numbering), "list.docx")[1:] == [
        "- 1. Scope",
        "- 1.1) Intake",  # isLgl: its numbers in decimal
        "- 1.2) Review",
        "- 2. Records",
        "- 2.1) Retention",
        "- Unnumbered",
    ]


def _word_near_misses() -> dict[str, bytes]:
    decimal = _abstract(0, _lvl(0, 1, "decimal", "%1.")) + _num(1, 0)
    bullets = _abstract(0, _lvl(0, 1, "bullet", "\u2022")) + _num(1, 0)
    padded = _abstract(0, _lvl(0, 7, "decimalZero", "Step %1:")) + _num(1, 0)
    return {
        "numbered staff": _docx([_item(s) for s in STAFF], decimal),
        "bulleted staff": _docx([_item(s) for s in STAFF], bullets),
        "numbered memo steps": _docx(
            [_item(t) for t in ("Scan the file", "Request approval", "Wait for sign-off")],
            padded,
        ),
        "reviewer comments": docx_bytes(
            [("p", "Quarterly office statistics"), ("p", "Grants rose in the third quarter.")],
            comments=["Check the totals, Dana Whitfield", "Fine by me. Marcus Ortega"],
        ),
    }


@pytest.mark.parametrize("case", _word_near_misses())
def test_ordinary_word_lists_stay_clean(tmp_path: Path, policy: Policy, case: str) -> None:
    assert _scan(tmp_path, policy, "memo.docx", _word_near_misses()[case]) == "clean"


# ---------------------------------------------------------------------------------------------
# OpenDocument

_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
)


def _odt(styles: str, body: str, named: str = "") -> bytes:
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS}>'
        f"<office:automatic-styles>{styles}</office:automatic-styles>"
        f"<office:body><office:text><text:p>Client list</text:p>{body}</office:text>"
        "</office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        if named:
            archive.writestr(
                "styles.xml",
                f"<office:document-styles {_NS}><office:styles>{named}</office:styles>"
                "</office:document-styles>",
            )
    return buffer.getvalue()


def _number_style(name: str, prefix: str, start: int, fmt: str = "1", suffix: str = " ") -> str:
    return (
        f'<text:list-style style:name="{name}"><text:list-level-style-number text:level="1" '
        f'style:num-prefix="{escape(prefix)}" style:num-suffix="{escape(suffix)}" '
        f'style:num-format="{fmt}" text:start-value="{start}"/></text:list-style>'
    )


def _list(style: str, items: Sequence[str], attributes: str = "") -> str:
    named = f' text:style-name="{style}"' if style else ""
    return (
        f"<text:list{named}{attributes}>"
        + "".join(f"<text:list-item><text:p>{escape(t)}</text:p></text:list-item>" for t in items)
        + "</text:list>"
    )


def _odt_prefix_split(group: Sequence[Person]) -> bytes:
    """The probe's form: prefix "A2183431", numbered from the last two digits."""
    kept = [p for p in group if not p.a_number[-2:].startswith("0")]
    return _odt(
        "".join(
            _number_style(f"L{n}", p.a_number[:-2], int(p.a_number[-2:]))
            for n, p in enumerate(kept)
        ),
        "".join(_list(f"L{n}", [p.name]) for n, p in enumerate(kept)),
    )


def _odt_named_style(group: Sequence[Person]) -> bytes:
    """The list style in styles.xml, the number from the item's own start value."""
    kept = [p for p in group if not p.a_number[-3:].startswith("0")]
    return _odt(
        "",
        "".join(
            f'<text:list text:style-name="Cases{n}"><text:list-item text:start-value='
            f'"{int(p.a_number[-3:])}"><text:p>{escape(p.name)}</text:p></text:list-item>'
            "</text:list>"
            for n, p in enumerate(kept)
        ),
        named="".join(_number_style(f"Cases{n}", p.a_number[:-3], 1) for n, p in enumerate(kept)),
    )


def _odt_bullet(group: Sequence[Person]) -> bytes:
    """A bullet style with no bullet, the prefix and suffix two pieces of the A-number, the
    label followed by nothing: the item's text goes on with the last digits."""
    return _odt(
        "".join(
            f'<text:list-style style:name="B{n}"><text:list-level-style-bullet text:level="1" '
            f'text:bullet-char="" style:num-prefix="{p.a_number[:5]}" '
            f'style:num-suffix="{p.a_number[5:8]}"><style:list-level-properties>'
            '<style:list-level-label-alignment text:label-followed-by="nothing"/>'
            "</style:list-level-properties></text:list-level-style-bullet></text:list-style>"
            for n, p in enumerate(group)
        ),
        "".join(_list(f"B{n}", [f"{p.a_number[8:]} {p.name}"]) for n, p in enumerate(group)),
    )


def _odt_continued(group: Sequence[Person]) -> bytes:
    """One style; the lists after the first continue its numbering (the prefix shared)."""
    base = int(group[0].a_number[-2:]) if group[0].a_number[-2] != "0" else 10
    prefix = group[0].a_number[:-2]
    names = [p.name for p in group[:3]]
    lists = _list("L", names[:1]) + "".join(
        _list("L", [name], ' text:continue-numbering="true"') for name in names[1:]
    )
    return _odt(_number_style("L", prefix, base), lists)


def _odt_outline(group: Sequence[Person]) -> bytes:
    """Headings numbered by the outline style ("A" and a number), each restarting at the
    A-number's digits."""
    return _odt(
        "",
        "".join(
            f'<text:h text:outline-level="1" text:restart-numbering="true" '
            f'text:start-value="{int(p.a_number[1:])}">{escape(p.name)}</text:h>'
            for p in group
        ),
        named='<text:outline-style style:name="Outline"><text:outline-level-style '
        'text:level="1" style:num-prefix="A" style:num-format="1"/></text:outline-style>',
    )


ODF_FORMS: dict[str, Callable[[Sequence[Person]], bytes]] = {
    "prefix split": _odt_prefix_split,
    "named style, item start": _odt_named_style,
    "bullet halves": _odt_bullet,
    "continued numbering": _odt_continued,
}


def test_the_odf_control_is_protected(tmp_path: Path, policy: Policy) -> None:
    plain = "".join(f"<text:p>{p.a_number} {escape(p.name)}</text:p>" for p in PERSONS)
    assert _scan(tmp_path, policy, "plain.odt", _odt("", plain)) == "protected"


@pytest.mark.parametrize("form", ODF_FORMS)
def test_odf_list_labels_are_read_before_their_text(
    tmp_path: Path, policy: Policy, form: str
) -> None:
    data = ODF_FORMS[form](PERSONS)
    body = " ".join(_shown(ODT, data, "list.odt"))
    assert any(p.a_number in body for p in PERSONS)
    assert _scan(tmp_path, policy, "list.odt", data) == "protected"


def test_odf_labels_count_on_and_nest() -> None:
    styles = (
        '<text:list-style style:name="L"><text:list-level-style-number text:level="1" '
        'style:num-suffix="." style:num-format="1"/><text:list-level-style-number '
        'text:level="2" style:num-suffix=")" style:num-format="a" text:display-levels="2"/>'
        "</text:list-style>"
    )
    body = (
        '<text:list text:style-name="L"><text:list-item><text:p>Scope</text:p>'
        "<text:list><text:list-item><text:p>Intake</text:p></text:list-item>"
        "<text:list-item><text:p>Review</text:p></text:list-item></text:list></text:list-item>"
        "<text:list-header><text:p>Between</text:p></text:list-header>"
        "<text:list-item><text:p>Records</text:p></text:list-item></text:list>"
        + _list("L", ["Again"])  # a new list numbers from its start
    )
    assert _shown(ODT, _odt(styles, body), "x.odt") == [
        "Client list",
        "1. Scope",
        "1.a) Intake",
        "1.b) Review",
        "Between",
        "2. Records",
        "1. Again",
    ]


def test_odf_headings_numbered_by_the_outline_read_as_their_control(
    tmp_path: Path, policy: Policy
) -> None:
    data = _odt_outline(PERSONS)
    plain = "".join(
        f'<text:h text:outline-level="1">{p.a_number} {escape(p.name)}</text:h>' for p in PERSONS
    )
    control = _odt("", plain)
    assert _shown(ODT, data, "x.odt") == _shown(ODT, control, "x.odt")
    assert _scan(tmp_path, policy, "a.odt", data) == _scan(tmp_path, policy, "b.odt", control)


def _odf_near_misses() -> dict[str, bytes]:
    bullets = (
        '<text:list-style style:name="B"><text:list-level-style-bullet text:level="1" '
        'text:bullet-char="\u2022"/></text:list-style>'
    )
    return {
        "numbered staff": _odt(_number_style("L", "", 1, suffix="."), _list("L", STAFF)),
        "bulleted staff": _odt(bullets, _list("B", STAFF)),
        "numbered steps": _odt(
            _number_style("L", "Step ", 1, "i", ":"),
            _list("L", ["Scan the file", "Request approval", "Wait for sign-off"]),
        ),
        "outline memo": _odt(
            _number_style("L", "Section ", 2022),
            _list("L", ["Grants by country", "Grants by office", "Pending claims"]),
        ),
    }


@pytest.mark.parametrize("case", _odf_near_misses())
def test_ordinary_odf_lists_stay_clean(tmp_path: Path, policy: Policy, case: str) -> None:
    assert _scan(tmp_path, policy, "memo.odt", _odf_near_misses()[case]) == "clean"


@pytest.mark.parametrize(
    ("value", "style", "written"),
    [
        (7, "decimal", "7"),
        (7, "decimalZero", "07"),
        (83, "decimalZero", "83"),
        (28, "upperLetter", "BB"),
        (3, "a", "c"),
        (14, "upperRoman", "XIV"),
        (9, "i", "ix"),
        (5, "none", ""),
        (5, "", ""),
        (218343183, "ordinal", "218343183"),  # any other style: its digits
        (10**12, "upperLetter", "1000000000000"),  # not a trillion-letter label
    ],
)
def test_numbers_are_written_as_the_list_says(value: int, style: str, written: str) -> None:
    assert number(value, style) == written


def test_odd_numbering_values_are_read_not_raised() -> None:
    """Start values in other digits, huge or missing, levels past the ninth: read as far as
    they go, never an exception."""
    numbering = (
        _abstract(0, _lvl(0, 1, "decimal", "%1.").replace('w:val="1"', 'w:val="\u00b2"'))
        + _abstract(1, _lvl(8, 10**20, "lowerLetter", "%9"))
        + _num(1, 0)
        + _num(2, 1)
        + _num(3, 7)  # an abstract list that does not exist
    )
    body = [_item("One", 1), _item("Two", 2, 99), _item("Three", 3), _item("Four", 9)]
    assert _shown(DOCX, _docx(body, numbering), "list.docx")[1:] == [
        "- 0. One",
        "- 0 Two",  # a start value past 15 digits counts from 0; level 99 is the ninth
        "- Three",
        "- Four",
    ]
