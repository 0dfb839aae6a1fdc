"""The HTML reader: tables as tables under their caption or heading, the rest as paragraphs, and
what a reader of the file recovers besides (comments, JSON data blocks)."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import BinaryIO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approval.detect.readers import csv as csv_reader
from approval.detect.readers.html import READER, SPAN_CELLS, TABLE_SLICE_ROWS, html_units
from approval.detect.scan import scan_file
from approval.detect.units import Limits, Nested, Part, Probe, Source, Where
from approval.policy import Policy
from tests.corpus import carriers
from tests.corpus import documents as docs
from tests.corpus.documents import dump, mangle, read_or_refuse, source
from tests.corpus.inject.package import png


def _read(
    html: str | bytes, name: str = "page.html", *, attributes: bool = False
) -> list[tuple[object, ...]]:
    """The units, without the attribute values unless ``attributes`` (most tests are about
    the rest, and every page has some)."""
    data = html.encode() if isinstance(html, str) else html
    units = dump(READER.read(source(data, name), Limits()))
    return [unit for unit in units if attributes or unit[2] != "attributes"]


@pytest.mark.parametrize(
    ("head", "accepted"),
    [
        (b"<!DOCTYPE html><html>", True),
        (b"\n  <html lang='en'>", True),
        (b"\xef\xbb\xbf<!doctype html>", True),
        ("<html><body>".encode("utf-16"), True),
        (b"<table><tr><td>1</td></tr></table>", True),
        (b"<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'>", True),
        # Liberal: a fragment, a page after a preamble, a note that holds a tag.
        (b"Saved page\n\n<div class='x'>Ana</div>", True),
        (b"<!-- saved -->\n<input type=hidden value=x>", True),
        (b"Use <b>bold</b> for emphasis.", True),
        # Content only: a name is nothing, and bytes that hold no tag are no page.
        (b"anything", False),
        (b"<?xml version='1.0'?><Types/>", False),
        (b"name,a_number\n", False),
        (b"PK\x03\x04\x00\x00<html>\x00\x01\x02", False),
    ],
)
def test_accepts_html_by_its_tags_never_by_name(head: bytes, accepted: bool) -> None:
    assert READER.accepts(Probe(head=head, size=len(head))) is accepted


def test_a_table_is_titled_by_its_heading_and_the_sentence_before_it(tmp_path: Path) -> None:
    built = docs.html_asylum_table(tmp_path)

    units = _read(built.path.read_bytes())

    persons = docs.PERSONS[10:14]
    assert units == [
        (
            "text",
            "Detention statistics — November 2022",
            None,
            False,
            ["Average daily population: 25,118."],
        ),
        (
            "table",
            "Detention statistics — November 2022 / Asylum applicants",
            None,
            False,
            [["Name", "A-Number", "Date of birth", "Country"]]
            + [[p.name, p.a_number, p.birthdate.isoformat(), p.nationality] for p in persons],
        ),
    ]


def test_a_caption_titles_its_table_and_an_introduction_joins_the_heading() -> None:
    html = (
        "<h2>Interviews</h2><p>The following persons were screened:</p>"
        "<table><tr><td>Ana Diaz</td></tr></table>"
        "<table><caption>Credible fear results</caption><tr><td>Bo Li</td></tr></table>"
    )

    assert _read(html) == [
        ("text", "Interviews", None, False, ["The following persons were screened:"]),
        ("table", "Interviews: The following persons were screened:", None, False, [["Ana Diaz"]]),
        ("table", "Credible fear results", None, False, [["Bo Li"]]),
    ]


def test_spans_keep_cells_under_their_headers() -> None:
    html = (
        "<table><tr><th>Name</th><th>A-Number</th><th>Claim</th><th>Facility</th></tr>"
        "<tr><td rowspan='2'>Ana Diaz</td><td>A212345678</td><td colspan=2>Asylum</td></tr>"
        "<tr><td>A212345679</td><td>CAT</td><td>Otay Mesa</td></tr>"
        "<tr><td>Bo Li</td><td rowspan=0>A1</td><td colspan='x'>CAT</td></tr></table>"
    )

    ((_, _, _, _, rows),) = _read(html)

    assert rows == [
        ["Name", "A-Number", "Claim", "Facility"],
        ["Ana Diaz", "A212345678", "Asylum", ""],
        ["Ana Diaz", "A212345679", "CAT", "Otay Mesa"],
        ["Bo Li", "A1", "CAT"],
    ]


def test_a_table_in_a_cell_is_a_table_of_its_own() -> None:
    html = (
        "<table><tr><td>Ana Diaz</td><td>"
        "<table><caption>Dependents</caption><tr><td>Luis Diaz</td></tr></table>"
        "with dependents</td></tr></table>"
    )

    assert _read(html) == [
        ("table", "Dependents", None, False, [["Luis Diaz"]]),
        ("table", "", None, False, [["Ana Diaz", "with dependents"]]),
    ]


def test_text_comes_out_as_paragraphs_lists_and_headings() -> None:
    html = (
        "<html><head><title>Case notes</title></head><body>"
        "<p>Before any heading,<br>one paragraph.</p>"
        "<h1>Asylum applicants</h1><p>The following persons applied:</p>"
        "<ul><li>GARCIA, Ana &ndash; A212345678</li><li>LI, Bo &#8211; A212345679</li></ul>"
        "<h2>Detained</h2><div>DIAZ, Luis</div>"
        "<pre>line one\nline two</pre>"
        "<h1>Other</h1><p>Closing &amp; signature.</p></body></html>"
    )

    assert _read(html) == [
        # A line break ends a line, not the paragraph (a list may be written with them).
        ("text", "Case notes", None, False, ["Before any heading,", "one paragraph."]),
        (
            "text",
            "Asylum applicants",
            None,
            False,
            [
                "The following persons applied:",
                "",
                "- GARCIA, Ana – A212345678",
                "",
                "- LI, Bo – A212345679",
            ],
        ),
        (
            "text",
            "Asylum applicants / Detained",
            None,
            False,
            ["DIAZ, Luis", "", "line one", "line two"],
        ),
        ("text", "Other", None, False, ["Closing & signature."]),
    ]


def test_scripts_styles_data_and_comments_are_read_as_hidden_units() -> None:
    html = (
        "<html><head><title>Report</title><style>p { color: red } /* Bo Li */</style>"
        "<script>var officer = 'Alice Chen';</script>"
        '<script type="application/json">{"a_number": "A212345678"}</script></head>'
        "<body><p>Visible.</p><!-- removed: GARCIA, Ana A212345679 --></body></html>"
    )

    assert _read(html) == [
        ("records", "", "scripts", True, [{"a_number": "A212345678"}]),
        ("text", "Report", None, False, ["Visible."]),
        ("text", "Report", "scripts", True, ["officer: Alice Chen"]),
        ("text", "Report", "styles", True, ["Bo Li"]),
        ("text", "Report", "comments", True, ["removed: GARCIA, Ana A212345679"]),
    ]


@pytest.mark.parametrize(
    "data",
    [
        "<html><meta charset='windows-1252'><p>José</p>".encode("cp1252"),
        '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><p>José'.encode(
            "latin-1"
        ),
        "<html><p>José</p>".encode("cp1252"),  # undeclared, and not UTF-8
        "<html><p>José</p>".encode("utf-16"),
        "\ufeff<html><p>José</p>".encode(),
        "<html><meta charset='no-such-charset'><p>José</p>".encode(),
    ],
)
def test_encodings(data: bytes) -> None:
    assert _read(data) == [("text", "", None, False, ["José"])]


def test_a_long_table_comes_out_in_slices_with_its_header() -> None:
    rows = "".join(f"<tr><td>Person {n}</td></tr>" for n in range(TABLE_SLICE_ROWS + 5))
    html = f"<h2>Applicants</h2><table><tr><th>Name</th></tr>{rows}</table>"

    first, second = _read(html)

    assert len(first[4]) == TABLE_SLICE_ROWS  # type: ignore[arg-type]
    assert second[4] == [["Name"]] + [
        [f"Person {n}"] for n in range(TABLE_SLICE_ROWS - 1, TABLE_SLICE_ROWS + 5)
    ]
    assert first[1] == second[1] == "Applicants"


def test_units_come_out_while_the_file_is_read() -> None:
    data = ("<p>GARCIA, Ana</p>" * 100_000).encode()
    read: list[int] = []

    class Counting(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            chunk = super().read(size)
            read.append(len(chunk))
            return chunk

    def open_counting() -> BinaryIO:
        return Counting(data)

    units = READER.read(Source("big.html", open_counting, len(data)), Limits())
    next(units)

    assert sum(read) < len(data) // 4


def test_broken_html_never_raises() -> None:
    assert _read(b"<table><tr><td>unclosed <b>cell") == [
        ("table", "", None, False, [["unclosed cell"]])
    ]
    assert _read(b"</td></tr></table><td>stray</p>") == [("text", "", None, False, ["stray"])]
    assert _read(b"") == []
    assert _read(b"<p>x</p><!-- -->") == [("text", "", None, False, ["x"])]
    garbage = bytes(range(256)) * 40
    assert all(unit[0] == "text" for unit in _read(garbage, "noise.html"))


def test_html_units_takes_a_title_for_pages_without_one() -> None:
    units = html_units(["<p>Ana Diaz</p>"], Where(part="html body"), "Re: credible fear")

    assert dump(units) == [("text", "Re: credible fear", "html body", False, ["Ana Diaz"])]


def test_an_unclosed_title_or_heading_does_not_swallow_the_page() -> None:
    body = "GARCIA, Ana A212345678 applied for asylum. " * 200

    ((_, title, _, _, lines),) = _read(f"<title>Report<p>{body}")
    assert title == ""
    assert lines == [f"Report{body}".strip()]
    assert _read("<h1>Asylum applicants<p>GARCIA, Ana") == [
        ("text", "", None, False, ["Asylum applicants GARCIA, Ana"])
    ]


# Mangled files: whatever bytes change or go missing, the reader reads or refuses with a reason.

SEED = (
    b"<h1>x</h1><table><tr><th>a</th></tr><tr><td rowspan=2>b</td></tr></table><p>c</p><!-- d -->"
)
NAME = "x.html"
# The standard library asserts on some malformed declarations; the reader says "corrupt".
REASONS = ("corrupt",)


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


def test_a_malformed_marked_section_is_corrupt_not_a_crash() -> None:
    refused = read_or_refuse(READER, b"<html><body><![-x</body></html>", NAME)

    assert refused == "corrupt: malformed HTML declaration"


def test_a_span_bomb_adds_a_bounded_number_of_cells() -> None:
    cells = "<td colspan=1000 rowspan=65534>A212345678</td><td rowspan=65534>x</td>" * 50
    html = f"<table><tr>{cells}</tr>" + "<tr><td>y</td></tr>" * 3000 + "</table>"

    units = _read(html)

    total = sum(len(row) for unit in units for row in unit[4])  # type: ignore[attr-defined,misc]
    assert total <= SPAN_CELLS + 2 * 50 * 1000
    assert units[0][4][0][0] == "A212345678"  # type: ignore[index]


# Every carrier of a page (issue 12): attribute values, comments, scripts, templates, styles,
# data URIs. The HTML reader alone finds the list (with the CSV reader for a CSV in a data URI),
# not only a fallback that reads the markup as text.


@pytest.mark.parametrize("place", sorted(carriers.html_attacks()))
def test_no_carrier_of_a_page_lets_a_list_through(
    place: str, tmp_path: Path, policy: Policy
) -> None:
    path = tmp_path / "facilities.html"
    path.write_bytes(carriers.html_attacks()[place])

    report = scan_file(path, policy)
    alone = scan_file(path, policy, readers=(READER, csv_reader.READER))

    assert report.verdict == "protected", report.reason
    assert alone.verdict == "protected", alone.reason
    assert alone.classes["protected-person"] == len(carriers.payload_persons())


def test_every_attribute_value_is_read_with_its_name_as_label() -> None:
    html = (
        "<p title='GARCIA, Ana' data-a-number='A212345678' aria-label='asylum'>x</p>"
        "<form><input type=hidden name=a_number value=A212345679>"
        "<input placeholder='LI, Bo'></form>"
        "<meta property='og:description' content='credible fear list'>"
        "<a href='/case?name=Luis+Diaz&amp;a=A212345680#sec%201'>case</a>"
    )

    (attributes,) = [u for u in _read(html, attributes=True) if u[2] == "attributes"]

    assert attributes == (
        "text",
        "",
        "attributes",
        True,
        [
            "title: GARCIA, Ana",
            "data-a-number: A212345678",
            "aria-label: asylum",
            "",
            "type: hidden",
            "a_number: A212345679",
            "",
            "placeholder: LI, Bo",
            "",
            "og:description: credible fear list",
            "",
            "href: /case?name=Luis+Diaz&a=A212345680#sec%201",
            "name: Luis Diaz",
            "a: A212345680",
            "sec 1",
        ],
    )


def test_script_literals_templates_and_other_script_types_are_read() -> None:
    html = (
        '<script>const people = [{"name": "GARCIA, Ana", a: "A21234\\u0035678"}];'
        "// reviewed: LI, Bo</script>"
        '<script type="text/x-template"><li>DIAZ, Luis A212345680</li></script>'
        '<script type="application/ld+json">[{"name": "Ana"}, {"name": "Bo"}]</script>'
        "<template><p>KIM, Jo</p></template><noscript>ORTIZ, Eva</noscript>"
    )

    units = _read(html)

    assert units == [
        ("records", "", "scripts", True, [{"name": "Ana"}, {"name": "Bo"}]),
        ("text", "", None, False, ["ORTIZ, Eva"]),
        ("text", "", "hidden text", True, ["KIM, Jo"]),
        (
            "text",
            "",
            "scripts",
            True,
            [
                "name: GARCIA, Ana, a: A212345678",
                "reviewed: LI, Bo",
                "",
                "nameGARCIA, AnaA212345678",  # every literal joined (``computed_literals``)
                "",
                "DIAZ, Luis A212345680",
            ],
        ),
    ]


def test_a_data_uri_is_a_nested_source_and_a_picture_is_counted() -> None:
    csv_uri = "data:text/csv;base64," + base64.b64encode(b"a,b\n1,2\n").decode()
    image = base64.b64encode(png(text="Bo Li")).decode()
    html = f"<a href='{csv_uri}'>x</a><img src='data:image/png;base64,{image}'>"

    units = list(READER.read(source(html.encode(), "page.html"), Limits()))

    (nested,) = [u for u in units if isinstance(u, Nested)]
    assert (nested.source.name, nested.source.part) == ("a-href-1", "page.html/a-href-1")
    with nested.source.open() as stream:
        assert stream.read() == b"a,b\n1,2\n"
    (images,) = [u for u in units if isinstance(u, Part) and u.kind == "image"]
    assert (images.read, images.blocks) == ("unread", False)
    # Pixels are not read; the text the picture carries is.
    assert ("text", "", "attributes", True, ["Description:  Bo Li"]) in dump(units)


def test_parts_name_what_was_read_and_an_ordinary_page_is_clean(
    tmp_path: Path, policy: Policy
) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(carriers.ordinary_html())

    report = scan_file(path, policy)

    assert report.verdict == "clean", report.reason
    parts = {p.part: (p.read, p.blocks) for p in report.coverage}
    for carrier in ("html body", "attributes", "scripts", "styles"):
        assert parts[carrier] == ("parsed", True)
    assert parts["images"] == ("unread", False)


def test_hidden_elements_are_read_and_marked_hidden() -> None:
    html = (
        "<p>Visible</p><div hidden><div>Ana <b>Diaz</b></div><p>A212345678</p>after</div>"
        "<p>shown</p><div style='display: none'><table><tr><td>x</td></tr></table>y</div>"
        "<section style='visibility:hidden'>Bo Li"  # never closed
    )

    assert _read(html) == [
        ("text", "", None, False, ["Visible", "", "shown"]),
        ("table", "shown", None, False, [["x"]]),  # a table stays a table, hidden or not
        (
            "text",
            "",
            "hidden text",
            True,
            ["Ana Diaz", "A212345678", "after", "", "y", "", "Bo Li"],
        ),
    ]


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("ab \\\"'`/*\n:=;{}[]<>!-?&#%,.data:base64")))
def test_carrier_helpers_take_any_text(text: str) -> None:
    from approval.detect.readers._carriers import data_uri, markup_lines, script_lines, url_lines

    for lines in (script_lines(text), markup_lines(text), url_lines(text)):
        assert all(isinstance(line, str) and line for line in lines)
    found = data_uri(text)
    assert found is None or isinstance(found[1], bytes)
