"""Text hidden by formatting inside or between visible text: each reader reads the text as its
usual tool shows it (hidden runs left out, the visible pieces joined) and all of its text (the
hidden runs too, as a hidden part). A value with hidden filler in the middle of it is the value;
an ordinary document with hidden parts that hold nothing personal stays clean."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from approval.detect.readers.html import GROUP_MATCH_RULES, SELECTOR_CHECKS, html_units
from approval.detect.scan import scan_file
from approval.detect.units import Table, Text, Where
from approval.policy import Policy
from tests.corpus import hidden as hd
from tests.corpus.documents import docx_bytes
from tests.corpus.people import people

PERSONS = people(8)


def _scan(tmp_path: Path, policy: Policy, name: str, data: bytes | str) -> str:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return scan_file(path, policy).verdict


def _units(html: str) -> list[tuple[str, str | None, list[Any]]]:
    out: list[tuple[str, str | None, list[Any]]] = []
    for unit in html_units([html], Where()):
        if isinstance(unit, Table):
            out.append(("table", unit.where.part, [list(r) for r in unit.rows]))
        elif isinstance(unit, Text):
            out.append(("text", unit.where.part, list(unit.lines)))
    return out


# HTML

_HTML_FILLERS: dict[str, tuple[Callable[[str], str], str]] = {
    "display none": (lambda s: f"{s[:4]}<span style='display:none'>999</span>{s[4:]}", ""),
    "hidden attribute": (lambda s: f"{s[:4]}<span hidden>9x9</span>{s[4:]}", ""),
    "self-closed hidden": (lambda s: f"{s[:4]}<span hidden/>9x9</span>{s[4:]}", ""),
    "font size 0": (lambda s: f"{s[:4]}<span style='font-size:0'>99 77</span>{s[4:]}", ""),
    "opacity 0": (lambda s: f"{s[:4]}<span style='opacity: 0'>99 77</span>{s[4:]}", ""),
    "visibility, shown again": (
        lambda s: (
            f"{s[:4]}<span style='visibility:hidden'>99<b style='visibility:visible'>"
            f"{s[4:]}</b></span>"
        ),
        "",
    ),
    "class rule": (
        lambda s: f"{s[:4]}<i class=z>99 77</i>{s[4:]}",
        "<style>td .z, p.k{display:none}</style>",
    ),
    "screen reader only": (
        lambda s: f"{s[:4]}<span class=sr>99 77</span>{s[4:]}",
        "<style>.sr{position:absolute;width:1px;height:1px;overflow:hidden;"
        "clip:rect(0,0,0,0)}</style>",
    ),
    "negated class rule": (
        lambda s: f"{s[:4]}<i>99</i>{s[4:]}",
        "<style>td :is(p, div) i:not(.shown){display:none}</style>",
    ),
    "one pixel font": (lambda s: f"{s[:4]}<span style='font-size: 1px'>99</span>{s[4:]}", ""),
    "attribute rule": (
        lambda s: f"{s[:4]}<i data-f>99</i>{s[4:]}",
        "<style>@media screen{[data-f]{font-size:0px}}</style>",
    ),
}


@pytest.mark.parametrize("case", sorted(_HTML_FILLERS))
def test_html_filler_inside_a_value_is_left_out_of_it(
    case: str, tmp_path: Path, policy: Policy
) -> None:
    cell, head = _HTML_FILLERS[case]
    page = hd.html_table(PERSONS, cell, head)

    table = next(u for u in _units(page) if u[0] == "table")
    assert table[2][1][:2] == [PERSONS[0].name, PERSONS[0].a_number]
    assert _scan(tmp_path, policy, "filler.html", page) == "protected"


def test_html_prose_is_not_split_at_a_hidden_element_and_its_text_is_still_read() -> None:
    person = PERSONS[0]
    page = (
        f"<p>{person.first}<span style='display:none'>q</span> {person.last}, "
        f"{person.a_number[:4]}<b hidden>99</b>{person.a_number[4:]}</p>"
    )

    units = _units(page)
    assert ("text", None, [f"{person.name}, {person.a_number}"]) in units
    # The hidden pieces, and the line as stored with them in place (read too, as hidden text).
    stored = f"{person.first}q {person.last}, {person.a_number[:4]}99{person.a_number[4:]}"
    assert ("text", "hidden text", ["q", "", "99", "", stored]) in units


def test_html_hidden_element_in_a_cell_ends_with_the_cell() -> None:
    page = "<table><tr><td>A<span hidden>x<td>B</table><p>after</p>"

    assert _units(page) == [
        ("table", None, [["A", "B"]]),
        ("text", None, ["after"]),
        ("text", "hidden text", ["x", "", "Ax"]),  # the cell as stored, its hidden text in place
    ]


def test_html_ordinary_page_with_hidden_menus_stays_clean(tmp_path: Path, policy: Policy) -> None:
    page = hd.html_ordinary_page()

    units = _units(page)
    body = [
        line for kind, part, lines in units if kind == "text" and part is None for line in lines
    ]
    assert "ساعات العمل من الاثنين إلى الجمعة" in body  # right-to-left text as stored
    assert "Office hours." in body  # a bdo shown as the screen shows it
    assert _scan(tmp_path, policy, "ordinary.html", page) == "clean"


def _body_and_hidden(page: str) -> tuple[list[str], list[str]]:
    units = _units(page)
    body = [line for kind, part, lines in units if part is None for line in lines]
    hidden = [line for kind, part, lines in units if part == "hidden text" for line in lines]
    return body, hidden


def test_html_many_rules_under_one_class_are_taken_together() -> None:
    # Up to GROUP_MATCH_RULES rules under one class, each is matched; past it, an element with
    # the class takes what any of them does: its text is read, as hidden text.
    for rules, shown in ((GROUP_MATCH_RULES, True), (GROUP_MATCH_RULES + 1, False)):
        sheet = "".join(f".a.c{i}{{display:none}}" for i in range(rules))
        body, hidden = _body_and_hidden(f"<style>{sheet}</style><p class=a>shown</p>")
        assert ("shown" in body, "shown" in hidden) == (shown, not shown)


def test_html_thousands_of_rules_under_one_class_are_fast(tmp_path: Path, policy: Policy) -> None:
    # Each ".a" element checked all 4,000 rules that require ".a": 3,000 elements took seconds
    # (a 1 MB page, minutes).
    person = PERSONS[0]
    sheet = "".join(f".a.c{i}{{display:none}}" for i in range(4000))
    page = (
        f"<html><head><style>{sheet}</style></head><body>"
        + '<p class="a">x</p>' * 3000
        + f'<p class="a c7">{person.name}, {person.a_number}</p></body></html>'
    )
    start = time.monotonic()
    assert f"{person.name}, {person.a_number}" in _body_and_hidden(page)[1]
    assert _scan(tmp_path, policy, "rules.html", page) == "protected"
    assert time.monotonic() - start < 2


def test_html_selector_checks_past_the_budget_take_every_group_whole() -> None:
    # Groups under the size limit, but an element in each of them: 300 classes of 32 rules
    # each check 9,600 rules per element. Past SELECTOR_CHECKS, every group is taken whole.
    groups = 300
    sheet = "".join(
        f".g{g}.x{i}{{display:none}}" for g in range(groups) for i in range(GROUP_MATCH_RULES)
    )
    every = " ".join(f"g{g}" for g in range(groups))
    elements = SELECTOR_CHECKS // (groups * GROUP_MATCH_RULES) + 1
    page = (
        f"<style>{sheet}</style><p class=g0>early</p>"
        + f'<p class="{every}">x</p>' * elements
        + "<p class=g0>late</p>"
    )
    start = time.monotonic()
    body, hidden = _body_and_hidden(page)
    assert time.monotonic() - start < 2
    assert "early" in body and "early" not in hidden
    assert "late" in hidden and "late" not in body


# Bidi overrides


def test_html_overrides_are_read_as_shown_and_as_stored(tmp_path: Path, policy: Policy) -> None:
    bdo = (
        "<table>"
        + "".join(
            f"<tr><td><bdo dir=rtl>{p.name[::-1]}</bdo></td><td><bdo dir=rtl>{p.a_number[::-1]}"
            "</bdo></td></tr>"
            for p in PERSONS
        )
        + "</table>"
    )
    css = (
        "<style>.r{unicode-bidi:bidi-override;direction:rtl}</style><table>"
        + "".join(f"<tr><td class=r>{p.name[::-1]}<td class=r>{p.a_number[::-1]}" for p in PERSONS)
        + "</table>"
    )

    for page in (bdo, css):
        units = _units(page)
        assert units[0][2][0] == [PERSONS[0].name, PERSONS[0].a_number]
        hidden = [line for kind, part, lines in units if part == "hidden text" for line in lines]
        assert PERSONS[0].a_number[::-1] in hidden  # the stored order, as hidden text
        assert _scan(tmp_path, policy, "bidi.html", page) == "protected"


def test_text_overrides_are_read_as_shown(tmp_path: Path, policy: Policy) -> None:
    text = "Detainee list (credible fear)\n" + "".join(
        f"{p.name}  \u202e{p.a_number[::-1]}\u202c  {p.birthdate}\n" for p in PERSONS
    )

    assert _scan(tmp_path, policy, "rlo.txt", text) == "protected"


def test_right_to_left_text_without_overrides_stays_clean(tmp_path: Path, policy: Policy) -> None:
    text = (
        "\u200fמשרד השדה פתוח מראשון עד חמישי\u200f\n"
        "\u202bساعات العمل من الاثنين إلى الجمعة\u202c\n"
        "Hours: 9:00-16:00 \u2067עברית\u2069 and \u202dplain\u202c\n"
    )

    assert _scan(tmp_path, policy, "rtl.txt", text) == "clean"


# DOCX


def _a_number_runs(props: str) -> list[list[tuple[str, str]]]:
    return [[("Client / Ref / Born", "")]] + [
        [
            (f"{p.name}  {p.a_number[:4]}", ""),
            ("999", props),
            (f"{p.a_number[4:]}  {p.birthdate}  {p.nationality}", ""),
        ]
        for p in PERSONS
    ]


@pytest.mark.parametrize(
    ("props", "styles"),
    [
        ("<w:vanish/>", ""),
        ('<w:sz w:val="2"/>', ""),
        (
            '<w:rStyle w:val="Ghost"/>',
            '<w:style w:type="character" w:styleId="Hid"><w:rPr><w:vanish/></w:rPr></w:style>'
            '<w:style w:type="character" w:styleId="Ghost"><w:basedOn w:val="Hid"/></w:style>',
        ),
    ],
)
def test_docx_hidden_runs_inside_a_value(
    props: str, styles: str, tmp_path: Path, policy: Policy
) -> None:
    data = hd.docx_runs(_a_number_runs(props), styles)

    assert _scan(tmp_path, policy, "vanish.docx", data) == "protected"


def test_docx_formatting_before_a_tracked_change_does_not_hide(
    tmp_path: Path, policy: Policy
) -> None:
    # The filler is hidden; the rest of the value was hidden once (w:rPrChange) and is not now.
    runs = [
        [
            (f"{p.name}  {p.a_number[:4]}", ""),
            ("999", "<w:vanish/>"),
            (p.a_number[4:], '<w:rPrChange w:id="1"><w:rPr><w:vanish/></w:rPr></w:rPrChange>'),
        ]
        for p in PERSONS
    ]

    assert _scan(tmp_path, policy, "change.docx", hd.docx_runs(runs)) == "protected"


def test_docx_ruby_symbols_and_fallback(tmp_path: Path, policy: Policy) -> None:
    ruby = "".join(
        f"<w:p><w:r><w:t xml:space='preserve'>{p.name}  </w:t></w:r><w:r><w:ruby><w:rubyPr/>"
        f"<w:rt><w:r><w:t>x</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>{p.a_number[:4]}</w:t>"
        f"</w:r></w:rubyBase></w:ruby></w:r><w:r><w:t>{p.a_number[4:]}</w:t></w:r></w:p>"
        for p in PERSONS
    )
    symbols = "".join(
        "<w:p>"
        + "".join(
            f'<w:r><w:sym w:font="Symbol" w:char="{0xF000 + ord(c):04X}"/></w:r>'
            for c in f"{p.name} {p.a_number} {p.birthdate}"
        )
        + "</w:p>"
        for p in PERSONS
    )
    fallback = "".join(
        "<w:p><w:r><mc:AlternateContent xmlns:mc='http://schemas.openxmlformats.org/markup-"
        "compatibility/2006'><mc:Choice Requires='wps'><w:drawing/></mc:Choice><mc:Fallback>"
        f"<w:pict><w:txbxContent><w:p><w:r><w:t>{p.name} {p.a_number} {p.birthdate}</w:t>"
        "</w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
        for p in PERSONS
    )

    for name, body in (("ruby", ruby), ("sym", symbols), ("fallback", fallback)):
        data = docx_bytes([("p", "Client list"), ("xml", body)])
        assert _scan(tmp_path, policy, f"{name}.docx", data) == "protected", name


def test_docx_hidden_paragraph_mark_runs_into_the_next(tmp_path: Path, policy: Policy) -> None:
    body = "".join(
        f"<w:p><w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr><w:r><w:t>{p.name} {p.a_number[:4]}"
        f"</w:t></w:r></w:p><w:p><w:r><w:t>{p.a_number[4:]} {p.birthdate}</w:t></w:r></w:p>"
        for p in PERSONS
    )

    data = docx_bytes([("p", "Client list"), ("xml", body)])
    assert _scan(tmp_path, policy, "mark.docx", data) == "protected"


def test_docx_ordinary_hidden_paragraphs_stay_clean(tmp_path: Path, policy: Policy) -> None:
    runs = [
        [("Quarterly facilities report", "")],
        [("Reviewer note: check the totals before release.", "<w:vanish/>")],
        [("Beds in use rose 4", ""), ("", "<w:vanish/>"), ("% over the quarter.", "")],
    ]

    assert _scan(tmp_path, policy, "ordinary.docx", hd.docx_runs(runs)) == "clean"


# ODT, RTF, PPTX


@pytest.mark.parametrize(
    ("automatic", "named"),
    [
        (hd.odt_text_style("H", 'text:display="none"'), ""),
        ("", hd.odt_text_style("Tiny", 'fo:font-size="0.5pt"')),
    ],
)
def test_odt_hidden_span_inside_a_value(
    automatic: str, named: str, tmp_path: Path, policy: Policy
) -> None:
    style = "H" if automatic else "Tiny"
    body = "<text:p>Client Ref Born</text:p>" + "".join(
        f"<text:p>{p.name}  {p.a_number[:4]}<text:span text:style-name='{style}'>999"
        f"</text:span>{p.a_number[4:]}  {p.birthdate}</text:p>"
        for p in PERSONS
    )

    assert (
        _scan(tmp_path, policy, "hidden.odt", hd.odt_bytes(body, automatic, named)) == "protected"
    )


def test_odt_ordinary_hidden_span_stays_clean(tmp_path: Path, policy: Policy) -> None:
    body = (
        "<text:p>Office hours: 9:00<text:span text:style-name='H'> (draft)</text:span>"
        " to 16:00</text:p>"
    )
    data = hd.odt_bytes(body, hd.odt_text_style("H", 'text:display="none"'))

    assert _scan(tmp_path, policy, "ordinary.odt", data) == "clean"


@pytest.mark.parametrize("filler", ["{\\v 999}", "{\\fs0 999}", "{\\footnote 99}", "\\v 9\\v0 "])
def test_rtf_hidden_text_inside_a_value(filler: str, tmp_path: Path, policy: Policy) -> None:
    lines = ["Client Ref Born"] + [
        f"{p.name}  {p.a_number[:4]}{filler}{p.a_number[4:]}  {p.birthdate}" for p in PERSONS
    ]

    assert _scan(tmp_path, policy, "hidden.rtf", hd.rtf_bytes(lines)) == "protected"


def test_rtf_ordinary_hidden_text_stays_clean(tmp_path: Path, policy: Policy) -> None:
    lines = ["Office hours{\\v  draft} 9:00 to 16:00{\\footnote See the notice board.}"]

    assert _scan(tmp_path, policy, "ordinary.rtf", hd.rtf_bytes(lines)) == "clean"


@pytest.mark.parametrize(
    "filler",
    [
        hd.pptx_run("99", 'sz="100"'),
        hd.pptx_run("99", "", "<a:noFill/>"),
    ],
)
def test_pptx_hidden_run_inside_a_value(filler: str, tmp_path: Path, policy: Policy) -> None:
    paragraphs = [
        hd.pptx_run(f"{p.name}  {p.a_number[:4]}")
        + filler
        + hd.pptx_run(f"{p.a_number[4:]}  {p.birthdate}  {p.nationality}")
        for p in PERSONS
    ]

    assert _scan(tmp_path, policy, "hidden.pptx", hd.pptx_paragraphs(paragraphs)) == "protected"


def test_pptx_outline_without_fill_hides_nothing(tmp_path: Path, policy: Policy) -> None:
    # a:ln/a:noFill is the outline's: the text is shown, and read where it is.
    paragraphs = [
        hd.pptx_run(f"{p.name}  {p.a_number}", "", "<a:ln><a:noFill/></a:ln>") for p in PERSONS
    ]

    assert _scan(tmp_path, policy, "outline.pptx", hd.pptx_paragraphs(paragraphs)) == "protected"
    ordinary = [hd.pptx_run("Office hours"), hd.pptx_run(" (draft)", 'sz="100"')]
    assert _scan(tmp_path, policy, "ordinary.pptx", hd.pptx_paragraphs(ordinary)) == "clean"


# Data URIs in CSS, and text a script decodes


def test_css_data_uris_are_read(tmp_path: Path, policy: Policy) -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg">'
        + "".join(f"<text>{p.name} {p.a_number} {p.birthdate}</text>" for p in PERSONS)
        + "</svg>"
    )
    encoded = base64.b64encode(svg.encode()).decode()
    css = "".join(
        f".r{i}::before{{content:{json.dumps(p.name + ' ' + p.a_number)}}}"
        for i, p in enumerate(PERSONS)
    )
    pages = [
        f"<style>body{{background:url('data:image/svg+xml;base64,{encoded}')}}</style><p>.</p>",
        f'<div style="background-image: url(data:image/svg+xml;base64,{encoded})"></div>',
        "<style>@import 'data:text/css;base64,"
        + base64.b64encode(css.encode()).decode()
        + "';</style><p>.</p>",
    ]

    for page in pages:
        assert _scan(tmp_path, policy, "css.html", "<html>" + page + "</html>") == "protected"


def test_scripts_decode_their_literals_only_when_they_call_a_decoder(
    tmp_path: Path, policy: Policy
) -> None:
    text = "Name,A-Number,DOB\n" + "".join(
        f"{p.name},{p.a_number},{p.birthdate}\n" for p in PERSONS
    )
    encoded = base64.b64encode(text.encode()).decode()
    atob = f"<html><body><pre id=o></pre><script>o.textContent = atob('{encoded}');</script>"
    reverse = (
        f"<html><body><script>o.textContent={json.dumps(text[::-1])}"
        ".split('').reverse().join('');</script>"
    )

    assert _scan(tmp_path, policy, "atob.html", atob) == "protected"
    assert _scan(tmp_path, policy, "reverse.html", reverse) == "protected"
    plain = "<html><body><script>const logo = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB';</script><p>Hi</p>"
    units = [u for u in _units(plain) if u[1] == "scripts"]
    assert units == [("text", "scripts", ["logo: iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB"])]


@pytest.mark.parametrize(
    "body",
    [
        "<p>Re: A21<span class=a>83</span>43183 - credible fear found; asylum claim pending.</p>",
        "<table><tr><th>A-Number</th><th>Claim</th></tr>"
        "<tr><td>A21<span class=a>83</span>43183</td><td>credible fear</td></tr></table>",
        "<pre>Re: A21<span class=a>83</span>43183\ncredible fear found</pre>",
    ],
)
def test_a_value_split_by_a_rule_taken_too_widely_is_read_whole(
    tmp_path: Path, policy: Policy, body: str
) -> None:
    # ``.never .a`` hides nothing on this page (no ``.never``), but the reader takes every
    # ``.a`` for hidden: the line as stored, the span's text in place, is read as hidden text.
    page = f"<html><head><style>.never .a{{display:none}}</style></head><body>{body}</body></html>"
    path = tmp_path / "p.html"
    path.write_text(page)
    report = scan_file(path, policy)
    assert report.verdict == "protected", report.reason
    assert any(f.detector == "a-number" for f in report.findings)
