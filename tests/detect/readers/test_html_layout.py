"""The HTML reader reads what CSS and layout show: text generated around an element's own
(``::before``/``::after`` content, quotes, string list markers, counters, a declarative shadow
root), right-to-left overrides set by inheritance, pieces that layout may show in another
order (flex, grid, floats, SVG positions) and spaces a negative spacing closes."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.readers.html import LAYOUT_PIECES, READER
from approval.detect.scan import scan_file
from approval.detect.units import Limits
from approval.policy import Policy
from tests.corpus.documents import dump, source


def _page(body: str, head: str = "") -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'
    )


def _texts(html: str) -> tuple[list[str], list[str]]:
    """The page's lines as shown, and its hidden text's lines."""
    units = dump(READER.read(source(html.encode(), "page.html"), Limits()))
    shown = [line for u in units if u[0] == "text" and not u[3] for line in u[4]]
    hidden = [line for u in units if u[0] == "text" and u[2] == "hidden text" for line in u[4]]
    return shown, hidden


def _spans(text: str) -> str:
    return "".join(f"<span>{c}</span>" for c in text)


_STYLE = "<style>{}</style>"
# (page, line as shown): generated text is read in place, joined to the element's own.
GENERATED = {
    "before": (_STYLE.format('.x::before{content:"A212"}'), '<p class="x">345678</p>'),
    "single colon": (_STYLE.format('.x:before{content:"A212"}'), '<p class="x">345678</p>'),
    "after": (_STYLE.format('p.x::after{content:"678"}'), '<p class="x">A212345</p>'),
    "around": (
        _STYLE.format('.x::before{content:"A212"}.x::after{content:"678"}'),
        '<p class="x">345</p>',
    ),
    "strings": (_STYLE.format('.x::before{content:"A212" "345678"}'), '<p class="x"></p>'),
    "escapes": (_STYLE.format('.x::after{content:"\\41 212345678"}'), '<p class="x"></p>'),
    "attribute": (
        _STYLE.format(".x::before{content:attr(data-p)}"),
        '<p class="x" data-p="A212">345678</p>',
    ),
    "quotes": (_STYLE.format('q{quotes:"A212" "678"}'), "<p><q>345</q></p>"),
    "open-quote": (
        _STYLE.format('.x{quotes:"A212" ""}.x::before{content:open-quote}'),
        '<p class="x">345678</p>',
    ),
    "list marker": (_STYLE.format('li{list-style-type:"A212"}'), "<ul><li>345678</li></ul>"),
    "inherited marker": (_STYLE.format('ul{list-style:"A212" inside}'), "<ul><li>345678</li></ul>"),
    "counter style": (
        _STYLE.format(
            '@counter-style an{system:cyclic;symbols:"212";prefix:"A";suffix:""}'
            "ul{list-style-type:an}"
        ),
        "<ul><li>345678</li></ul>",
    ),
    "::marker": (_STYLE.format('li::marker{content:"A212"}'), "<ul><li>345678</li></ul>"),
    # A ``::before`` is drawn after the marker, whatever its content: it does not replace it.
    "marker and an empty ::before": (
        _STYLE.format('li{list-style-type:"A212"} li::before{content:""}'),
        "<ul><li>345678</li></ul>",
    ),
    "::marker then ::before": (
        _STYLE.format('li::before{content:"12"} li::marker{content:"A2"}'),
        "<ul><li>345678</li></ul>",
    ),
    "counter": (
        _STYLE.format(
            'body{counter-reset:n 212345677}p{counter-increment:n}p::before{content:"A" counter(n)}'
        ),
        "<p></p>",
    ),
    "selector read as any": (
        _STYLE.format(
            '*,*::before{box-sizing:border-box;content:""}:is(p)::before{content:"A212"}'
        ),
        "<p>345678</p>",
    ),
    "shadow root": (
        "",
        '<div><template shadowrootmode="open">A212<slot></slot></template>345678</div>',
    ),
}


@pytest.mark.parametrize("case", sorted(GENERATED))
def test_generated_text_is_read_in_place(case: str) -> None:
    head, body = GENERATED[case]

    shown, _ = _texts(_page(body, head))

    assert any("A212345678" in line for line in shown), shown


def test_a_style_sheets_escapes_are_read_as_css_decodes_them() -> None:
    # No element shows it: the sheet's strings are read as a carrier, decoded as CSS decodes
    # them ("\41 " is "A"; JavaScript's "\41" is "!").
    page = _page("", _STYLE.format('.none::before{content:"\\41 212" "\\33 45678"}'))

    units = dump(READER.read(source(page.encode(), "page.html"), Limits()))

    styles = [line for u in units if u[0] == "text" and u[2] == "styles" for line in u[4]]
    assert "A212 345678" in styles, styles


# (page, where the reading is): what is shown, or an alternative reading in the hidden text.
LAYOUT = {
    "inherited override": (
        _STYLE.format("div{direction:rtl} span{unicode-bidi:bidi-override}"),
        "<div><span>876543212A</span></div>",
        "shown",
    ),
    "inherited dir attribute": (
        _STYLE.format(".o{unicode-bidi:bidi-override}"),
        '<div dir="rtl"><p><b class="o">876543212A</b></p></div>',
        "shown",
    ),
    "svg presentation attributes": (
        "",
        '<svg><text x="10" y="20" direction="rtl" unicode-bidi="bidi-override">876543212A'
        "</text></svg>",
        "shown",
    ),
    "row-reverse": (
        "",
        f'<div style="display:flex;flex-direction:row-reverse">{_spans("876543212A")}</div>',
        "hidden",
    ),
    "row-reverse in a sheet": (
        _STYLE.format(".r{display:flex;flex-flow:row-reverse wrap}"),
        f'<div class="r">{_spans("876543212A")}</div>',
        "hidden",
    ),
    "order": (
        "",
        '<div style="display:flex"><span style="order:2">345678</span>'
        '<span style="order:1">A212</span></div>',
        "hidden",
    ),
    "flex of blocks": (
        "",
        '<div style="display:flex"><div>A212</div><div>345678</div></div>',
        "hidden",
    ),
    "float right": (
        "",
        '<div><span style="float:right">345678</span><span style="float:right">A212</span></div>',
        "hidden",
    ),
    "grid": (
        "",
        '<div style="display:grid"><span style="grid-column:2;grid-row:1">345678</span>'
        '<span style="grid-column:1;grid-row:1">A212</span></div>',
        "hidden",
    ),
    "svg x list": (
        "",
        '<svg><text y="20" x="100 90 80 70 60 50 40 30 20 10">876543212A</text></svg>',
        "hidden",
    ),
    "svg tspans": (
        "",
        '<svg><text y="20"><tspan x="48.4">345678</tspan><tspan x="10">A212</tspan></text></svg>',
        "hidden",
    ),
    "word-spacing": ("", '<p style="word-spacing:-0.28em">A212 345678</p>', "hidden"),
    # Tailwind Typography's backticks around <code>: a rule read as any element's, whose text
    # is read in place, and its line also without it.
    "rule read as any": (
        _STYLE.format(
            '.prose :where(code):not(:where([class~="not-prose"] *))::after{content:"`"}'
        ),
        '<div class="prose"><p>Case <b>A212</b>345678 opened.</p></div>',
        "hidden",
    ),
    "letter-spacing": ("", '<p>A212 <b style="letter-spacing:-1em">345678</b></p>', "hidden"),
    "negative margin": (
        "",
        '<p>A212 <span style="margin-left:-0.28em">345678</span></p>',
        "hidden",
    ),
}


@pytest.mark.parametrize("case", sorted(LAYOUT))
def test_what_layout_shows_is_read(case: str) -> None:
    head, body, where = LAYOUT[case]

    shown, hidden = _texts(_page(body, head))

    assert any("A212345678" in line for line in shown if where == "shown") or any(
        "A212345678" in line for line in hidden if where == "hidden"
    ), (shown, hidden)
    assert not any("A212345678" in line for line in shown if where == "hidden")


def test_a_piece_keeps_its_ends_and_a_container_its_pieces() -> None:
    long = "x" * 5_000
    items = "".join(f"<span>{i}</span>" for i in range(LAYOUT_PIECES * 3))
    body = (
        f'<div style="display:flex;flex-direction:row-reverse"><span>345678 {long}</span>'
        f"<span>{long} A212</span></div>"
        f'<div style="display:flex">{items}</div>'
    )

    _, hidden = _texts(_page(body))

    assert any("A212345678" in line for line in hidden)
    assert max(map(len, hidden)) < 2_000
    assert not any(str(LAYOUT_PIECES * 2) in line for line in hidden)


def test_a_large_page_of_containers_costs_bounded_hidden_text() -> None:
    row = f'<div style="display:flex;flex-direction:row-reverse">{_spans("abcdefghij" * 10)}</div>'
    html = _page(row * 1_000)

    _, hidden = _texts(html)

    assert sum(map(len, hidden)) < 2 * len(html)


CLEAN = {
    "arrow bullets": (
        _STYLE.format('.post li::before{content:"\\2192  "} a::after{content:" ↗"}'),
        '<ul class="post"><li>Read the <a href="/a">release notes</a></li><li>Upgrade</li></ul>'
        "<p>We shipped version 2.4 on Monday.</p>",
    ),
    "reset and section signs": (
        _STYLE.format('*::before,*::after{content:none} :where(h2)::before{content:"§ "}'),
        "<h2>Install</h2><p>Run the installer, then restart.</p>",
    ),
    "flex menu": (
        _STYLE.format("nav{display:flex;flex-direction:row-reverse} nav a{order:2}"),
        '<nav><a href="/">Home</a><a href="/docs">Docs</a><a href="/blog">Blog</a></nav>'
        "<p>Welcome to the project site.</p>",
    ),
    "arabic page": (
        _STYLE.format("body{direction:rtl} .n{unicode-bidi:isolate}"),
        '<h1 dir="rtl">مرحبا بكم</h1><p dir="rtl">هذه صفحة <span class="n">عربية</span> '
        "عن البرنامج.</p>",
    ),
}


@pytest.mark.parametrize("case", sorted(CLEAN))
def test_clean_pages_stay_clean(case: str, tmp_path: Path, policy: Policy) -> None:
    head, body = CLEAN[case]
    path = tmp_path / "page.html"
    path.write_text(_page(body, head), encoding="utf-8")

    report = scan_file(path, policy)

    assert report.verdict == "clean", report.reason
