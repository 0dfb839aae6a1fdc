"""Tables in long format (``record | field | value``): one row per field of a record, which a
reviewer found read as clean, no row holding both a person's name and their claim. They are
read pivoted, one record per id (or, without an id, per run of fields), as the table they were
melted from (``approval.detect.long_format``); statistics in long format stay clean."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from approval.detect import long_format
from approval.detect.classify import cell_text
from approval.detect.report import FileReport
from approval.detect.scan import scan_file
from approval.policy import Policy
from tests.corpus.people import LISTED_NAMES

NAMES = list(LISTED_NAMES)
A_NUMBERS = [f"2{n:08d}" for n in (18343183, 4953397, 5164497, 14811693, 23160999, 12102290)]
CLAIMS = ["Asylum", "Credible Fear - Negative", "Withholding of Removal", "CAT", "I-589 pending"]


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    return path


def scan(path: Path, policy: Policy) -> FileReport:
    return scan_file(path, policy)


def eav(header: list[str] | None, fields: list[tuple[str, list[str]]]) -> list[list[str]]:
    """One row per (record, field), records one after the other."""
    rows = [header] if header else []
    for n in range(len(fields[0][1])):
        rows += [[str(n), label, values[n]] for label, values in fields]
    return rows


@pytest.mark.parametrize(
    ("header", "fields", "detector"),
    [
        (["record", "field", "value"], [("name", NAMES), ("claim", CLAIMS * 2)], "person-name"),
        (["id", "attr", "val"], [("Name", NAMES), ("Relief", CLAIMS * 2)], "person-name"),
        (["id", "attr", "val"], [("A-Number", A_NUMBERS), ("Relief", CLAIMS * 2)], "a-number"),
        (None, [("Full Name", NAMES), ("Relief Sought", CLAIMS * 2)], "person-name"),
        (
            ["case_id", "key", "value"],
            [
                ("Last Name", [n.split()[1] for n in NAMES]),
                ("First Name", [n.split()[0] for n in NAMES]),
                ("CFI Result", ["Positive"] * 8),
            ],
            "person-name",
        ),
    ],
)
def test_long_tables_are_read_one_record_per_id(
    tmp_path: Path,
    policy: Policy,
    header: list[str] | None,
    fields: list[tuple[str, list[str]]],
    detector: str,
) -> None:
    persons = min(len(v) for _, v in fields)
    fields = [(label, values[:persons]) for label, values in fields]
    report = scan(write(tmp_path / "long.csv", eav(header, fields)), policy)

    assert report.verdict == "protected"
    assert report.classes == {"protected-person": persons}
    found = {f.detector: f.location for f in report.findings}
    assert found[detector]["column"] == "C"  # the values' column of the long table


def test_records_sorted_by_field_are_joined_by_their_id(tmp_path: Path, policy: Policy) -> None:
    rows = [["id", "field", "value"]]
    rows += [[f"p{n}", "Name", name] for n, name in enumerate(NAMES)]
    rows += [[f"p{n}", "Relief", "Asylum"] for n in range(len(NAMES))]

    report = scan(write(tmp_path / "sorted.csv", rows), policy)

    assert report.classes == {"protected-person": len(NAMES)}


def test_pairs_without_an_id_are_records_where_a_field_comes_again(
    tmp_path: Path, policy: Policy
) -> None:
    # Longer than a table read sideways may be (a form of label/value pairs is short).
    names = [
        f"{first} {last}"
        for first in ("Ruby", "Megan", "Mark", "Luis")
        for last in (
            "Stephens",
            "Jones",
            "Smith",
            "Harper",
            "Gray",
            "Hill",
            "Torres",
            "Vargas",
            "Ortiz",
        )
    ] * 4
    rows = [["field", "value"]]
    for name in names:
        rows += [["name", name], ["relief sought", "Asylum"], ["country", "Honduras"]]

    report = scan(write(tmp_path / "pairs.csv", rows), policy)

    assert report.verdict == "protected"
    assert report.classes == {"protected-person": 36}


@pytest.mark.parametrize(
    "rows",
    [
        # Statistics in long format: counts per country and claim type.
        [["country", "measure", "value"]]
        + [
            [c, m, str(100 + 7 * n)]
            for n, c in enumerate(("Mexico", "Honduras", "Haiti", "Cuba"))
            for m in ("Asylum applications", "Credible fear referrals", "Nationality count")
        ],
        # A staff directory in long format.
        [["id", "field", "value"]]
        + [
            [str(n), f, v]
            for n, (name, title) in enumerate(
                [
                    ("Maria Lopez", "Supervisory Asylum Officer"),
                    ("John Smith", "Asylum Officer"),
                    ("Ana Garcia", "Asylum Officer"),
                    ("Robert Chen", "Director, Asylum Division"),
                ]
            )
            for f, v in (("Name", name), ("Title", title), ("Office", "Houston Asylum Office"))
        ],
        # Settings of a program, one per row.
        [["section", "key", "value"]]
        + [
            [s, k, v]
            for s in ("server", "worker")
            for k, v in (("name", "asylum-intake"), ("timeout", "30"), ("country", "US"))
        ],
    ],
    ids=["statistics", "staff", "settings"],
)
def test_long_tables_without_persons_of_record_stay_clean(
    tmp_path: Path, policy: Policy, rows: list[list[str]]
) -> None:
    assert scan(write(tmp_path / "long.csv", rows), policy).verdict == "clean"


def role(text: str) -> str | None:
    return {"name": "person-name", "relief": "protection-claim", "dob": "birthdate"}.get(
        text.lower()
    )


def test_shape_finds_the_labels_the_values_and_the_id() -> None:
    rows = [["id", "attr", "val"], ["0", "Name", "A"], ["0", "Relief", "B"]]
    rows += [["1", "Name", "C"], ["1", "Relief", "D"]]

    form = long_format.shape(rows, role)

    assert form == long_format.Shape(1, 2, 0, ("Name", "Relief"), "id")
    assert long_format.header(form) == ["id", "Name", "Relief"]


@pytest.mark.parametrize(
    "rows",
    [
        # A plain table: headers once, values below.
        [["Name", "Relief"], ["Ana Diaz", "Asylum"], ["Bo Li", "CAT"], ["Cy Ho", "Asylum"]],
        # One record: a form of label/value pairs (read sideways elsewhere).
        [["Name", "Ana Diaz"], ["Relief", "Asylum"], ["DOB", "1990-01-02"], ["Note", "x"]],
        # Labels naming one element only.
        [["0", "Name", "A"], ["0", "name", "B"], ["1", "Name", "C"], ["1", "name", "D"]],
    ],
)
def test_shape_refuses_tables_in_other_layouts(rows: list[list[str]]) -> None:
    assert long_format.shape(rows, role) is None


def test_pivot_keeps_memory_flat_and_loses_no_record() -> None:
    form = long_format.Shape(1, 2, 0, ("Name", "Relief"), "id")
    pivot = long_format.Pivot(form, cell_text, open_records=3)
    rows = [[str(n), "Name", f"N{n}"] for n in range(10)]
    rows += [[str(n), "Relief", f"R{n}"] for n in range(10)]

    done = [record for row in rows for record in pivot.add(row)] + pivot.rest()

    # Past the bound, the oldest records close half-done: 20, where an unbounded pivot has 10.
    assert len(done) == 20 and {r[0] for r in done} == {str(n) for n in range(10)}
    assert all(len(r) == 3 for r in done)
