"""The ods reader, on OpenDocument spreadsheets written as XML by tests/corpus/spreadsheets.py."""

from __future__ import annotations

import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from approval.detect.readers.ods import READER, _needs_pass
from approval.detect.scan import probe, scan_file
from approval.detect.units import (
    Cell,
    Limits,
    Nested,
    Part,
    Probe,
    Source,
    Table,
    Text,
    Unscannable,
    Where,
)
from approval.policy import Policy
from tests.corpus import spreadsheets as corpus


def read(path: Path) -> list[Table | Text]:
    source = Source(path.name, lambda: path.open("rb"), path.stat().st_size)
    units = []
    for unit in READER.read(source, Limits()):
        assert isinstance(unit, Table | Text | Part | Nested)
        # The generic fallback's text of package parts is located at the part: tested apart.
        if isinstance(unit, Table | Text) and not (unit.where.part or "").endswith(".xml"):
            units.append(unit)
    return units


def rows(unit: Table) -> list[list[Cell]]:
    return [list(row) for row in unit.rows]


def test_accepts_by_the_stored_mimetype_never_by_name(tmp_path: Path) -> None:
    path = corpus.build_ods_clean(tmp_path).path
    assert READER.accepts(probe(Source("download", lambda: path.open("rb"), path.stat().st_size)))
    word = Probe(head=b"PK\x03\x04", size=100, members=frozenset({"word/document.xml"}))
    assert not READER.accepts(word)
    assert not READER.accepts(Probe(head=b"Country,Count\n", size=14))


def test_the_hidden_sheet_its_hidden_parts_and_its_comment(tmp_path: Path) -> None:
    built = corpus.build_ods(tmp_path, count=4)
    summary, detainees, shown, comments = read(built.path)
    assert isinstance(summary, Table) and isinstance(detainees, Table)
    # The A-number style's own text, once, at the first cell shown through it.
    assert isinstance(shown, Text)
    assert shown.where == Where(part="number format at B2", sheet="Detainees", hidden=True)
    assert list(shown.lines) == ["A"]
    assert summary.where == Where(sheet="Summary", hidden=False)
    assert detainees.where == Where(sheet="Detainees", hidden=True)
    assert detainees.title == "Detainees"
    assert detainees.column_names == list("ABCDE")
    assert detainees.hidden_rows == frozenset({2})
    assert detainees.hidden_columns == frozenset({2})
    assert rows(detainees) == [
        ["Name", "A-Number", "DOB", "Citizenship", "Claim"],
        *(
            [p.last_first, p.a_number, p.birthdate.isoformat(), p.nationality, p.claim]
            for p in built.people
        ),
    ]
    first = built.people[0]
    assert isinstance(comments, Text)
    assert comments.where == Where(part="comments", sheet="Detainees", hidden=True)
    assert list(comments.lines) == [f"{first.name}: credible fear interview positive"]


def test_numbers_keep_their_value_unless_the_text_shown_differs(tmp_path: Path) -> None:
    sheet = corpus.OdsSheet(
        "Counts",
        [["Country", "Count", "Case"], ["Cuba", 12, 212345678]],
        a_number_columns=frozenset({2}),
    )
    path = tmp_path / "counts.ods"
    path.write_bytes(corpus.ods_file([sheet]))
    table, shown = read(path)
    assert isinstance(table, Table)
    assert rows(table) == [["Country", "Count", "Case"], ["Cuba", 12, "A212345678"]]
    assert isinstance(shown, Text) and shown.where.part == "number format at C2"


def test_repeated_hidden_rows_are_counted_not_expanded_beyond_the_data(tmp_path: Path) -> None:
    path = tmp_path / "repeated.ods"
    path.write_bytes(corpus.ods_file([corpus.OdsSheet("S", [["a"], ["b"]])]))
    corpus._rewrite_zip(
        path,
        {
            "content.xml": lambda xml: xml.replace(
                b"<table:table-row>",
                b'<table:table-row table:visibility="collapse" table:number-rows-repeated="3">'
                b"<table:table-cell/></table:table-row><table:table-row>",
                1,
            )
        },
    )
    (table,) = read(path)
    assert isinstance(table, Table)
    assert rows(table) == [[""], [""], [""], ["a"], ["b"]]
    assert table.hidden_rows == frozenset({0, 1, 2})


def test_a_clean_spreadsheet_yields_one_visible_table(tmp_path: Path) -> None:
    (table,) = read(corpus.build_ods_clean(tmp_path).path)
    assert isinstance(table, Table)
    assert table.where == Where(sheet="Asylum by country")
    assert (table.hidden_rows, table.hidden_columns) == (frozenset(), frozenset())


def test_an_encrypted_spreadsheet_is_unscannable(tmp_path: Path) -> None:
    with pytest.raises(Unscannable, match=r"^encrypted$"):
        read(corpus.build_ods_encrypted(tmp_path).path)


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda data: data[: len(data) // 2], "corrupt: not a valid zip container"),
        (None, "corrupt: no content in the package"),
    ],
)
def test_a_damaged_spreadsheet_is_corrupt(tmp_path: Path, damage: object, reason: str) -> None:
    path = corpus.build_ods(tmp_path, count=3).path
    if callable(damage):
        path.write_bytes(damage(path.read_bytes()))
    else:
        with zipfile.ZipFile(path) as package:
            parts = {n: package.read(n) for n in package.namelist() if n != "content.xml"}
        with zipfile.ZipFile(path, "w") as package:
            for name, data in parts.items():
                package.writestr(name, data)
    with pytest.raises(Unscannable) as caught:
        read(path)
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("build", "verdict", "persons"),
    [(corpus.build_ods, "protected", 15), (corpus.build_ods_clean, "clean", 0),
     (corpus.build_ods_encrypted, "unscannable", 0)],
)  # fmt: skip
def test_scan_verdicts_and_person_counts(
    tmp_path: Path, build: object, verdict: str, persons: int, policy: Policy
) -> None:
    assert callable(build)
    built = build(tmp_path)
    assert (built.truth.verdict, built.truth.persons) == (verdict, persons)
    report = scan_file(built.path, policy)
    assert (report.format, report.verdict) == ("ods", verdict)
    assert report.classes.get("protected-person", 0) == persons


@pytest.mark.parametrize("build", [corpus.build_ods])
def test_damaged_files_are_read_or_unscannable_never_a_crash(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], build: Callable[[Path], corpus.Built]
) -> None:
    outcomes = corpus.mutation_outcomes(READER, build(tmp_path).path)
    assert "unscannable" in outcomes
    assert "panicked" not in capfd.readouterr().err


@pytest.mark.parametrize(
    "cell",
    [
        b'<c office:value-type="float"><text:p>1<a>',  # a paragraph with no letter, never closed
        b'<c office:value-type="float"><b>',  # elements, never a paragraph
        b'office:value-type="float',  # a tag never closed
    ],
)
def test_the_quick_look_for_shown_text_costs_no_more_than_its_bytes(
    tmp_path: Path, cell: bytes
) -> None:
    # Each typed cell's search stops at the next one: from each it ran to the chunk's end
    # (20 seconds for these 8,000).
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("content.xml", cell * 8_000)

    started = time.process_time()
    with zipfile.ZipFile(path) as package:
        needed = _needs_pass(package)

    assert time.process_time() - started < 2
    assert not needed


def test_the_quick_look_still_finds_a_number_shown_with_a_letter(tmp_path: Path) -> None:
    cell = (
        b'<table:table-cell office:value-type="float" office:value="212345678" '
        b'calcext:value-type="float"><text:p>A212345678</text:p></table:table-cell>'
    )
    plain = (
        b'<table:table-cell office:value-type="float" office:value="7" '
        b'calcext:value-type="float"><text:p>7</text:p></table:table-cell>'
    )
    path = tmp_path / "shown.zip"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("content.xml", plain * 1000 + cell)

    with zipfile.ZipFile(path) as package:
        assert _needs_pass(package)
