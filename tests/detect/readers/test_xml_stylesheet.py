"""XML shown through a stylesheet (``<?xml-stylesheet?>``): what a browser shows is the
stylesheet's output, which the scanner cannot compute. The document's text and attributes are
read joined end to end as well, and the file blocks."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.readers.xml import READER, stylesheet
from approval.detect.scan import scan_file
from approval.detect.units import UNREAD, Limits, Part, Text
from approval.policy import Policy
from tests.corpus.documents import source

SENTENCE = (
    "Maria Gonzalez, A212345678, born 1985-03-14, a national of Honduras, was granted asylum."
)
SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
{pi}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://agency.example/statistics/2022</loc><lastmod>2022-12-01</lastmod></url>
</urlset>
"""


def _fragments(text: str, size: int = 4) -> str:
    return "".join(f'<k v="{text[n : n + size]}"/>' for n in range(0, len(text), size))


def _document(pi: str, body: str) -> bytes:
    return f'<?xml version="1.0"?>\n{pi}\n<doc>\n{body}\n</doc>\n'.encode()


@pytest.mark.parametrize(
    ("instruction", "kind"),
    [
        ('xml-stylesheet type="text/xsl" href="s.xsl"', "XSLT"),
        ("xml-stylesheet href='#s' type='text/xml'", "XSLT"),
        ('xml-stylesheet type="application/xslt+xml" href="s"', "XSLT"),
        ('xml-stylesheet type="TEXT/XSL; charset=utf-8" href="s"', "XSLT"),
        ('xml-stylesheet type="text/css" href="s.css"', "CSS"),
        ('xml-stylesheet href="s.css"', "CSS"),
        ('xml-stylesheet type="text/plain" href="s"', None),
        ('mso-application progid="Excel.Sheet"', None),
        ("xml-stylesheetx type='text/xsl'", None),
    ],
)
def test_which_instructions_name_a_stylesheet(instruction: str, kind: str | None) -> None:
    assert stylesheet(instruction) == kind


def test_fragments_are_read_joined_and_the_file_blocks(tmp_path: Path, policy: Policy) -> None:
    pi = '<?xml-stylesheet type="text/xsl" href="#s"?>'
    data = _document(pi, _fragments(SENTENCE))
    units = list(READER.read(source(data, "x.xml"), Limits()))
    joined = [line for u in units if isinstance(u, Text) for line in u.lines]
    assert SENTENCE in joined
    (part,) = (u for u in units if isinstance(u, Part) and u.read == UNREAD)
    assert part.part == "stylesheet (XSLT)" and part.blocks
    path = tmp_path / "x.xml"
    path.write_bytes(data)
    report = scan_file(path, policy)
    assert report.verdict == "unscannable"
    assert "XSLT stylesheet" in (report.reason or "")
    assert {f.detector for f in report.findings} >= {"a-number", "birthdate"}


def test_without_a_stylesheet_nothing_is_joined() -> None:
    units = list(READER.read(source(_document("", _fragments(SENTENCE)), "x.xml"), Limits()))
    assert not any(isinstance(u, Part) and u.read == UNREAD for u in units)
    assert SENTENCE not in [line for u in units if isinstance(u, Text) for line in u.lines]


def test_text_nodes_keep_their_spaces_and_layout_drops_out() -> None:
    body = "<p>Maria <b>Gonz</b>alez</p>\n  <p> A2123<i>45678</i></p>"
    pi = '<?xml-stylesheet type="text/css" href="s.css"?>'
    units = list(READER.read(source(_document(pi, body), "x.xml"), Limits()))
    joined = [line for u in units if isinstance(u, Text) and u.where.part for line in u.lines]
    assert joined == ["Maria Gonzalez A212345678"]


@pytest.mark.parametrize(
    "pi",
    [
        '<?xml-stylesheet type="text/xsl" href="/sitemap.xsl"?>\n',
        '<?xml-stylesheet type="text/css" href="/feed.css"?>\n',
    ],
)
def test_a_styled_sitemap_blocks_and_a_plain_one_passes(
    tmp_path: Path, policy: Policy, pi: str
) -> None:
    """The cost of the rule: a sitemap with a stylesheet needs approval, or its instruction
    taken out (crawlers ignore it)."""
    styled, plain = tmp_path / "sitemap.xml", tmp_path / "plain.xml"
    styled.write_text(SITEMAP.format(pi=pi))
    plain.write_text(SITEMAP.format(pi=""))
    assert scan_file(styled, policy).verdict == "unscannable"
    assert scan_file(plain, policy).verdict == "clean"


def test_a_long_joined_text_is_cut_without_losing_a_value() -> None:
    filler = "x" * 70_000  # no space: cut by force, an overlap carried on
    pi = '<?xml-stylesheet type="text/xsl" href="s.xsl"?>'
    body = f'<k v="{filler}"/>{_fragments("A212345678", 3)}<k v="{filler}"/>'
    units = list(READER.read(source(_document(pi, body), "x.xml"), Limits()))
    lines = [line for u in units if isinstance(u, Text) for line in u.lines]
    assert any("A212345678" in line for line in lines)
    assert max(map(len, lines)) <= 64_000


def test_a_stylesheet_with_no_declaration_before_it_blocks(tmp_path: Path, policy: Policy) -> None:
    # A browser applies it all the same; the file was read as text and passed.
    path = tmp_path / "no_decl.xml"
    path.write_text(
        '<?xml-stylesheet type="text/xsl" href="show.xsl"?>\n'
        '<r><k v="Ma"/><k v="ria Gon"/><k v="zalez A2123"/><k v="45678"/></r>\n'
    )
    report = scan_file(path, policy)
    assert report.verdict == "unscannable"
    assert "stylesheet" in (report.reason or "")
