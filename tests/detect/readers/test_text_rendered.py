"""Text with markup in it read also as a renderer shows it (GitHub's Markdown, a browser):
character references decoded, comments and tags inside words left out, wherever they stand."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.readers import csv as csv_reader
from approval.detect.readers import text as text_reader
from approval.detect.readers.html import RENDER_TAG_CHARS, markdown_shown, rendered
from approval.detect.scan import scan_file, subsume
from approval.detect.units import Limits, Source, Text
from approval.policy import Policy

SENTENCE = (
    "Maria Gonzalez, A212345678, born 1985-03-14, a national of Honduras, was granted asylum."
)


def refs(text: str, form: str = "&#{};") -> str:
    return "".join(form.format(ord(c) if "x" not in form else f"{ord(c):x}") for c in text)


def split(marker: str) -> str:
    """The sentence with ``marker`` inside its A-number, birthdate and claim word."""
    return (
        f"Maria Gonzalez, A2123{marker}45678, born 1985-03{marker}-14, a national of Honduras,"
        f" was granted asy{marker}lum."
    )


CASES = {
    "decimal references in prose": (
        f"# Case notes\n\nMaria Gonzalez, {refs('A212345678')}, born {refs('1985-03-14')}, a"
        f" national of Honduras, was granted {refs('asylum')}.\n"
    ),
    "hexadecimal references": f"# Notes\n\n{refs(SENTENCE, '&#x{};')}\n",
    "a file of references only (a ';' table to the CSV sniffer)": refs(SENTENCE) + "\n",
    "named references": "# Notes\n\nMaria Gonz&aacute;lez, A212345678, born 1985-03-14,"
    " a national of Honduras, was granted asy&shy;lum.\n",
    "empty comments inside words": f"# Case notes\n\n{split('<!---->')}\n",
    "a comment across lines": "# Case notes\n\n" + split("<!--\n\n-->") + "\n",
    "wbr": f"# Case notes\n\n{split('<wbr>')}\n",
    "tags no list knows": f"# Case notes\n\n{split('<x-y></x-y>')}\n",
    "inline tags": f"# Case notes\n\n{split('<ins></ins>')}\n",
    "markup past the head": "\n" * 9_000 + f"{split('<mark></mark>')}\n",
    "references past the head": "Notes.\n" * 2_000 + f"\n{refs(SENTENCE)}\n",
    "a page past the head": "\n" * 9_000 + f"<html><body><p>{split('<b></b>')}</p></body></html>\n",
    "emphasis inside words": f"# Case notes\n\n{split('**')}**\n",
    "code marks inside words": f"# Case notes\n\n{split('`')}`\n",
    "strike-through inside words": f"# Case notes\n\n{split('~~')}~~\n",
    "emphasis past the head": "Notes.\n" * 2_000 + f"\n{split('*')}*\n",
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("suffix", [".md", ".html", ".txt"])
def test_markup_is_read_as_shown(tmp_path: Path, policy: Policy, case: str, suffix: str) -> None:
    path = tmp_path / f"notes{suffix}"
    path.write_text(CASES[case], encoding="utf-8")
    report = scan_file(path, policy)
    assert report.verdict == "protected", report.format
    assert "protected-person" in dict(report.classes)


def test_utf16_references_are_read_as_shown(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "notes.md"
    path.write_text(CASES["decimal references in prose"], encoding="utf-16")
    assert scan_file(path, policy).verdict == "protected"


def test_a_file_of_references_is_a_table_read_also_as_shown(tmp_path: Path, policy: Policy) -> None:
    # The CSV reader subsumes the text reader, and its cells hold the references as stored:
    # the text reader's reading as shown is still made.
    path = tmp_path / "notes.md"
    path.write_text(refs(SENTENCE) + "\n")
    report = scan_file(path, policy)
    assert report.format == "csv"
    assert report.verdict == "protected"


def test_a_subsumed_text_reader_still_reads_as_shown() -> None:
    rest = text_reader.READER.subsumed_rest
    assert subsume([csv_reader.READER, text_reader.READER]) == [csv_reader.READER, rest]


@pytest.mark.parametrize(
    "doc",
    [
        "# Smith &amp; Jones\n\nWe&nbsp;help with asylum applications &mdash; call us.\n\n"
        "## Team\n\nMaria Lopez &amp; John Smith, partners since 1985.<br>\n"
        "<!-- badges -->\nContact: &lt;office@example.com&gt; &copy; 2024\n",
        "Prices: 3 < 4 & 5 > 2. AT&T, R&D, a<b.\n\nMaria Lopez leads the asylum clinic.\n",
    ],
)
def test_ordinary_markup_stays_clean(tmp_path: Path, policy: Policy, doc: str) -> None:
    path = tmp_path / "readme.md"
    path.write_text(doc)
    assert scan_file(path, policy).verdict == "clean"


def _units(path: Path) -> list[object]:
    source = Source(path.name, lambda: path.open("rb"), path.stat().st_size)
    return list(text_reader.READER.read(source, Limits()))


def test_text_without_markup_is_read_once(tmp_path: Path) -> None:
    path = tmp_path / "plain.txt"
    path.write_text("Plain words; no markup at all (a < b).\n" * 1_000)
    assert len(_units(path)) == 2  # the part and the text: no second reading


def test_markdown_between_blanks_is_read_once(tmp_path: Path) -> None:
    # Marks that join nothing (a bold word, a code span, a bullet) need no second reading.
    path = tmp_path / "plain.md"
    path.write_text("* A **bold** word, `code` and ~~struck~~ words; snake_case_name.\n" * 1_000)
    assert len(_units(path)) == 2


def test_the_reading_as_shown_takes_markdown_marks_out(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("Born 1985\\-03\\-14, A2123**45678**, a `b` c, snake_case, _it_.\n")
    *_, shown = _units(path)
    assert isinstance(shown, Text)
    assert list(shown.lines) == ["Born 1985-03-14, A212345678, a b c, snake_case, it."]


def test_the_reading_as_shown_keeps_lines_and_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# Title &amp; more\n\nA2123<!-- x -->45678\nnext<details>block</details>end\n")
    *_, shown = _units(path)
    assert isinstance(shown, Text)
    assert list(shown.lines) == [
        "# Title & more",
        "",
        "A212345678",
        "next",
        "",
        "block",
        "",
        "end",
    ]


def _rendered(text: str, size: int | None = None) -> str:
    step = size or len(text) or 1
    return "".join(rendered([text[i : i + step] for i in range(0, len(text), step)]))


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("A2123<!---->45678 asy<wbr>lum", "A212345678 asylum"),
        ("&#65;&#x32;1&amp; &eacute &copy;", "A21& é ©"),
        ("A2123<b title=\"a>b\" c='>' d=e>45678", "A212345678"),
        ("A2123<span\n class=x\n>45678", "A212345678"),
        ("A2123<script>var x = '<b>';</script>45678", "A212345678"),
        ("A2123<style>p::after { content: '</b>' }</style>45678", "A212345678"),
        ("<!doctype html>A<?php x ?>B</3>C<!-->D<!--->E", "ABCDE"),
        ("a<p>b</p>c<br>d", "a\n\nb\n\nc\nd"),
        ("if a<b then c", "if a<b then c"),  # never ended: text
        ("x < y & z > w", "x < y & z > w"),
        ("if a<b then c > d", "if a d"),  # a browser's tag, up to ``>``
        ("x<script>never closed &#65; y", "xnever closed A y"),
    ],
)
def test_rendered_is_the_same_whatever_the_chunks(text: str, shown: str) -> None:
    for size in (None, 1, 2, 3, 5, 8):
        assert _rendered(text, size) == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("A2123**45678** 1985\\-03", "A212345678 1985&#45;03"),  # ``rendered`` decodes
        ("a*b*c ~~d~~e `f` \\<b>", "abc de f &#60;b>"),
        ("snake_case _it_ __init__ a__b_", "snake_case it init a__b"),
        ("x\\\\*y*", "x&#92;y"),
    ],
)
def test_markdown_shown_is_the_same_whatever_the_chunks(text: str, shown: str) -> None:
    for size in (len(text), 1, 2, 3, 5):
        chunks = [text[i : i + size] for i in range(0, len(text), size)]
        assert "".join(markdown_shown(chunks)) == shown


def test_markdown_shown_holds_little_of_a_long_line() -> None:
    # A line with no blank: cut between letters, so that what is held stays small.
    text = "A2123**45678**" + "x" * 100_000
    pieces = list(markdown_shown([text[i : i + 1000] for i in range(0, len(text), 1000)]))
    assert "".join(pieces) == "A212345678" + "x" * 100_000
    assert len(pieces) > 90


def test_a_tag_that_never_ends_is_text() -> None:
    text = "a<b " + "x" * RENDER_TAG_CHARS + " &#65;<i>z</i>"
    for size in (64 * 1024, 1_000_003, None):
        assert _rendered(text, size).endswith(" Az")
