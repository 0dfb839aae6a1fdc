"""The PowerPoint reader: slides in the deck's order, tables as tables, notes, and every other
member of the package accounted for; decks built by tests/corpus/packages.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.readers.pptx import READER
from approval.detect.scan import scan_file
from approval.detect.units import AS_TEXT, PARSED, UNREAD, Limits, Probe, Unscannable
from approval.policy import Policy
from tests.corpus import packages as pk
from tests.corpus.documents import docx_bytes, dump, encrypted_office_package, reason, source

GROUP = pk.persons(6, seed=21)
ROWS = [list(pk.HEADER), *([p.last_first, p.a_number, p.nationality, p.claim] for p in GROUP)]


def _read(data: bytes) -> list[tuple[object, ...]]:
    """What the PowerPoint-specific code yields (the fallback's text is located at a part)."""
    units = dump(READER.read(source(data, "deck.pptx"), Limits()))
    return [u for u in units if u[0] == "nested" or not _member(str(u[2]))]


def _member(part: str) -> bool:
    return "/" in part or part.endswith((".xml", ".rels"))


@pytest.mark.parametrize(
    ("data", "accepted"),
    [
        (pk.pptx_bytes([("Title", ["x"])]), True),
        (docx_bytes([("p", "x")]), False),
        (encrypted_office_package(), False),  # the scanner calls it encrypted
        (b"%PDF-1.4", False),
    ],
)
def test_accepts_decks_by_content(data: bytes, accepted: bool) -> None:
    assert READER.accepts(Probe(head=data[:8192], size=len(data), tail=data[-8192:])) is accepted


def test_slides_tables_and_notes() -> None:
    deck = pk.pptx_bytes(
        [("Case review", ["First point", "Second point"]), ("Next steps", ["Schedule"])],
        table=ROWS,
        notes=["Read out the names"],
    )
    assert _read(deck) == [
        ("table", "Case review", "slide 1", False, ROWS),
        ("text", "Case review", "slide 1", False, ["Case review", "First point", "Second point"]),
        ("text", "Next steps", "slide 2", False, ["Next steps", "Schedule"]),
        ("text", "", "notes 1", True, ["Read out the names"]),
    ]


def test_slides_come_in_the_decks_order_and_unlisted_slides_are_read() -> None:
    deck = pk.pptx_bytes([("One", ["a"]), ("Two", ["b"])])
    deck = pk.edit_member(
        deck,
        "ppt/presentation.xml",
        {b'<p:sldId id="257" r:id="rId1"/><p:sldId id="258" r:id="rId2"/>': b""},
    )
    deck = pk.edit_member(
        deck,
        "ppt/presentation.xml",
        {b"<p:sldIdLst>": b'<p:sldIdLst><p:sldId id="9" r:id="rId2"/>'},
    )
    assert [u[4] for u in _read(deck)] == [["Two", "b"], ["One", "a"]]


def test_every_member_is_accounted_for(tmp_path: Path, policy: Policy) -> None:
    deck = pk.pptx_bytes(
        [("Statistics", ["Book-ins rose"])],
        members={
            "ppt/media/image1.png": pk.PNG,
            "ppt/charts/chart1.xml": pk.chart_xml(["Mexico", "Guatemala"]),
            "docProps/app.xml": b"<Properties><Company>Agency</Company></Properties>",
        },
    )
    report = scan_file(pk.write(tmp_path, "deck.pptx", deck), policy)
    assert (report.format, report.verdict) == ("pptx", "clean"), report.reason
    reads = {p.part: (p.read, p.blocks) for p in report.coverage}
    assert reads["ppt/slides/slide1.xml"] == (PARSED, True)  # and the rest of it as text
    assert reads["ppt/charts/chart1.xml"] == (AS_TEXT, True)
    assert reads["ppt/media/image1.png"] == (UNREAD, False)
    assert len(reads) == 8


@pytest.mark.parametrize(
    "deck",
    [
        pytest.param(lambda: pk.pptx_bytes([("Cases", pk.record_lines(GROUP))]), id="slide text"),
        pytest.param(lambda: pk.pptx_bytes([("Cases", ["See below"])], table=ROWS), id="table"),
        pytest.param(
            lambda: pk.pptx_bytes([("Statistics", ["x"])], notes=pk.record_lines(GROUP)),
            id="notes",
        ),
        pytest.param(
            lambda: pk.pptx_bytes(
                [("Statistics", ["x"])],
                members={"ppt/comments/comment1.xml": pk.comment_list_xml(pk.record_lines(GROUP))},
            ),
            id="comments",
        ),
        pytest.param(
            lambda: pk.pptx_bytes(
                [("Statistics", ["x"])],
                members={"ppt/embeddings/people.csv": pk.csv_bytes(GROUP)},
            ),
            id="embedded file",
        ),
        pytest.param(
            lambda: pk.pptx_bytes(
                [("Statistics", ["x"])],
                members={"ppt/charts/chart1.xml": pk.chart_xml([pk.one_line(GROUP)])},
            ),
            id="chart cache",
        ),
        pytest.param(
            lambda: pk.edit_member(
                pk.pptx_bytes([("Statistics", ["x"])]),
                "ppt/slides/slide1.xml",
                {b'name="Content 2"': f'name="Content 2" descr="{pk.one_line(GROUP)}"'.encode()},
            ),
            id="alternative text",
        ),
    ],
)
def test_every_place_in_a_deck_is_read(deck: object, tmp_path: Path, policy: Policy) -> None:
    data = deck()  # type: ignore[operator]
    report = scan_file(pk.write(tmp_path, "deck.bin", data), policy)
    assert report.verdict == "protected", report.reason
    assert report.classes["protected-person"] == len(GROUP)


def test_a_deck_is_no_longer_blocked_for_being_a_deck(tmp_path: Path, policy: Policy) -> None:
    deck = pk.pptx_bytes([("Detention statistics", ["Book-ins rose 4%", "Average stay 31 days"])])
    report = scan_file(pk.write(tmp_path, "stats.pptx", deck), policy)
    assert (report.format, report.verdict) == ("pptx", "clean"), report.reason


def test_broken_decks_are_refused_with_a_reason() -> None:
    broken = pk.edit_member(
        pk.pptx_bytes([("Title", ["x"])]), "ppt/slides/slide1.xml", {b"</p:sld>": b""}
    )
    assert reason(READER.read(source(broken, "deck.pptx"), Limits())) == (
        "corrupt: invalid XML in the PowerPoint package"
    )
    bomb = pk.edit_member(
        pk.pptx_bytes([("Title", ["x"])]),
        "ppt/slides/slide1.xml",
        {b"<p:sld ": b'<!DOCTYPE x [<!ENTITY a "aaaa">]><p:sld '},
    )
    with pytest.raises(Unscannable, match="DTD or entity"):
        dump(READER.read(source(bomb, "deck.pptx"), Limits()))


def test_a_hidden_slide_is_read_and_flagged() -> None:
    deck = pk.edit_member(
        pk.pptx_bytes([("Shown", ["a"]), ("Hidden", ["b"])]),
        "ppt/slides/slide2.xml",
        {b"<p:sld ": b'<p:sld show="0" '},
    )
    assert [(u[2], u[3]) for u in _read(deck)] == [("slide 1", False), ("slide 2", True)]
