"""HTML description lists (``<dl><dt>Name</dt><dd>Ruby Stephens</dd>...``): a reviewer found
them read as clean, each term and each description a paragraph of its own. A term and its
description are one line, ``Name: Ruby Stephens``, and the pairs of one list one record. A
glossary or a contact card of an official stays clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.readers.html import html_units
from approval.detect.report import FileReport
from approval.detect.scan import scan_file
from approval.detect.units import Text, Where
from approval.policy import Policy
from tests.corpus.people import LISTED_NAMES

NAMES = list(LISTED_NAMES[:6])


def scan(tmp_path: Path, html: str, policy: Policy) -> FileReport:
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    return scan_file(path, policy)


def page(body: str) -> str:
    return f"<!doctype html><html><body>{body}</body></html>"


def pairs(name: str, relief: str = "Asylum", close: bool = True) -> str:
    end_dt, end_dd = ("</dt>", "</dd>") if close else ("", "")
    return f"<dt>Name{end_dt}<dd>{name}{end_dd}<dt>Relief{end_dt}<dd>{relief}{end_dd}"


@pytest.mark.parametrize(
    "body",
    [
        "<dl>" + "".join(pairs(n) for n in NAMES) + "</dl>",
        "".join(f"<dl>{pairs(n)}</dl>" for n in NAMES),
        "<dl>" + "".join(pairs(n, close=False) for n in NAMES) + "</dl>",  # end tags left out
        "<h2>Credible fear referrals</h2><dl>"
        + "".join(f"<dt>Name:</dt><dd>{n}</dd><dt>Country</dt><dd>Haiti</dd>" for n in NAMES)
        + "</dl>",
        "<dl>"
        + "".join(f"<div><dt>Name</dt><dd>{n}</dd><dt>Relief</dt><dd>CAT</dd></div>" for n in NAMES)
        + "</dl>",
    ],
    ids=["one-list", "list-per-person", "no-end-tags", "claim-in-heading", "div-groups"],
)
def test_description_lists_are_label_value_pairs(tmp_path: Path, policy: Policy, body: str) -> None:
    report = scan(tmp_path, page(body), policy)

    assert report.verdict == "protected"
    assert report.classes == {"protected-person": len(NAMES)}


@pytest.mark.parametrize(
    "body",
    [
        "<h1>Glossary</h1><dl><dt>Asylum</dt><dd>Protection granted to a person who fears"
        " persecution</dd><dt>Credible fear</dt><dd>A screening of a fear of return</dd></dl>",
        "<h2>Contact</h2><dl><dt>Name</dt><dd>Maria Lopez</dd><dt>Title</dt>"
        "<dd>Supervisory Asylum Officer</dd><dt>Office</dt><dd>Houston Asylum Office</dd></dl>",
    ],
    ids=["glossary", "official"],
)
def test_description_lists_without_persons_of_record_stay_clean(
    tmp_path: Path, policy: Policy, body: str
) -> None:
    assert scan(tmp_path, page(body), policy).verdict == "clean"


def lines(body: str) -> list[str]:
    texts = [u for u in html_units([page(body)], Where()) if isinstance(u, Text)]
    return [line for unit in texts if not unit.where.hidden for line in unit.lines]


def test_a_term_and_its_description_are_one_line() -> None:
    body = "<p>Intro</p><dl><dt>Name</dt><dd>Ana</dd><dt>Note</dt><dd>one</dd><dd>two</dd>"
    body += "<dt>Alone</dt></dl><p>After</p>"

    assert lines(body) == ["Intro", "", "Name: Ana", "Note: one", "two", "Alone:", "", "After"]
