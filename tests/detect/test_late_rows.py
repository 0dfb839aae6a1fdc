"""No row of a table goes unjudged: persons placed where the sample that plans a table does
not see them (after filler rows, in the middle, in the last rows, interleaved, a minority of
the sample itself) are found as they would be in a table of their own, in CSV, in a
workbook and in JSON records; and tables of statistics whose categories have a name's
shape stay clean (``Classifier._unplanned``)."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest

from approval.detect.classify import BATCH_ROWS, SAMPLE_ROWS
from approval.detect.report import FileReport
from approval.detect.scan import scan_file
from approval.policy import Policy

Row = Sequence[object]
HEADER = ("subject", "date", "status")  # no word of the vocabulary: the values decide
FIRST = ("Ana", "Luis", "Maria", "Jose", "Rosa", "Carlos", "Elena", "Jorge", "Carmen", "Miguel")
LAST = ("Flores", "Garcia", "Lopez", "Perez", "Torres", "Ramirez", "Sanchez", "Gonzalez")
# Names on no list of common names: found by their birthdates or by their number.
RARE_FIRST = ("Xochitl", "Tenoch", "Itzel", "Nayeli", "Quilla", "Amaru", "Citlali", "Yaretzi")
RARE_LAST = ("Quispe", "Mamani", "Huaman", "Condori", "Apaza", "Ticona", "Choque", "Colque")


def persons(count: int, *, rare: bool = False, born: bool = True, seed: int = 1) -> list[Row]:
    """Distinct persons: a name, a birthdate (or a date of nothing), a credible-fear result."""
    rng = random.Random(seed)
    first, last = (RARE_FIRST, RARE_LAST) if rare else (FIRST, LAST)
    names = [f"{f} {s}" for f in first for s in last]
    rng.shuffle(names)
    assert count <= len(names)
    return [
        (
            name,
            f"19{rng.randint(50, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
            if born
            else "2022-01-01",
            "credible fear found",
        )
        for name in names[:count]
    ]


def filler(count: int, start: int = 0) -> list[Row]:
    return [(f"item {i}", "2022-01-01", "open") for i in range(start, start + count)]


def write(path: Path, rows: Sequence[Row]) -> Path:
    if path.suffix == ".xlsx":
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("Data")
        for row in rows:
            sheet.append(list(row))
        book.save(path)
    else:
        path.write_text("".join(",".join(map(str, row)) + "\n" for row in rows))
    return path


def scan(tmp_path: Path, policy: Policy, name: str, rows: Sequence[Row]) -> FileReport:
    return scan_file(write(tmp_path / name, rows), policy)


def classes(report: FileReport) -> dict[str, int]:
    return dict(report.classes)


# --- persons where the sample does not see them ----------------------------------------------


def test_the_persons_alone_are_protected(tmp_path: Path, policy: Policy) -> None:
    """The control: the same rows as a table of their own."""
    report = scan(tmp_path, policy, "alone.csv", [HEADER, *persons(60)])
    assert classes(report) == {"protected-person": 60}


@pytest.mark.parametrize("before", [100, SAMPLE_ROWS + 10, BATCH_ROWS * 2 + 7, 10_000])
def test_persons_after_filler_rows(tmp_path: Path, policy: Policy, before: int) -> None:
    rows = [HEADER, *filler(before), *persons(60)]
    assert classes(scan(tmp_path, policy, "late.csv", rows)) == {"protected-person": 60}


def test_persons_after_filler_rows_in_a_workbook(tmp_path: Path, policy: Policy) -> None:
    rows = [HEADER, *filler(1000), *persons(60)]
    assert classes(scan(tmp_path, policy, "late.xlsx", rows)) == {"protected-person": 60}


def test_persons_in_the_last_rows(tmp_path: Path, policy: Policy) -> None:
    rows = [HEADER, *filler(3000), *persons(5)]
    assert classes(scan(tmp_path, policy, "last.csv", rows)) == {"protected-person": 5}


def test_persons_in_the_middle(tmp_path: Path, policy: Policy) -> None:
    rows = [HEADER, *filler(3000), *persons(30), *filler(3000, 3000)]
    assert classes(scan(tmp_path, policy, "middle.csv", rows)) == {"protected-person": 30}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_one_person_every_500_rows(tmp_path: Path, policy: Policy, suffix: str) -> None:
    """A row of a person alone among filler rows: a share of 1 in 500 in any block."""
    found = iter(persons(10))
    rows = [HEADER, *(next(found) if i % 500 == 499 else filler(1, i)[0] for i in range(5000))]
    report = scan(tmp_path, policy, "interleaved" + suffix, rows)
    assert classes(report) == {"protected-person": 10}


def test_rare_names_interleaved_are_found_by_their_birthdates(
    tmp_path: Path, policy: Policy
) -> None:
    found = iter(persons(10, rare=True))
    rows = [HEADER, *(next(found) if i % 500 == 499 else filler(1, i)[0] for i in range(5000))]
    assert classes(scan(tmp_path, policy, "rare.csv", rows)) == {"protected-person": 10}


@pytest.mark.parametrize("before", [10_000, BATCH_ROWS * 3 - 4])
def test_a_run_of_rare_names_without_birthdates(
    tmp_path: Path, policy: Policy, before: int
) -> None:
    """Nothing but names that differ, row after row (across the boundary of two batches of
    rows when ``before`` puts them there): a list of persons, as a table of its own is."""
    rows = [HEADER, *filler(before), *persons(20, rare=True, born=False)]
    report = scan(tmp_path, policy, "run.csv", rows)
    assert classes(report) == {"protected-person": 20}


def test_a_minority_of_the_sample_itself(tmp_path: Path, policy: Policy) -> None:
    """The attack as reported: 60 persons under 120 filler rows, all within the sample."""
    rows = [HEADER, *filler(120), *persons(60)]
    for name in ("minority.csv", "minority.xlsx"):
        assert classes(scan(tmp_path, policy, name, rows)) == {"protected-person": 60}


@pytest.mark.parametrize("above", [300, BATCH_ROWS - 1])
def test_a_second_table_after_blank_rows(tmp_path: Path, policy: Policy, above: int) -> None:
    """Its own header says what its rows do not ("positive" is a fear result). With
    ``BATCH_ROWS - 1`` rows above, the blank row ends one batch and the header starts the next
    (in the workbook, whose blank rows are as wide as the table)."""
    rows: list[Row] = [("Country", "Month", "Count")]
    rows += [("Mexico", "Oct", i) for i in range(above)]
    rows += [(), ("Name", "DOB", "Fear result")]
    rows += [(name, born, "positive") for name, born, _ in persons(20)]
    for name in ("second.csv", "second.xlsx"):
        assert classes(scan(tmp_path, policy, name, rows)) == {"protected-person": 20}


def test_names_in_a_column_the_sample_called_nationalities(tmp_path: Path, policy: Policy) -> None:
    rows: list[Row] = [("Country", "Claim")]
    rows += [("Mexico", "asylum")] * 300
    rows += [(name, "asylum") for name, _, _ in persons(10)]
    assert classes(scan(tmp_path, policy, "countries.csv", rows)) == {"protected-person": 10}


def test_a_numbers_in_a_column_the_sample_called_nationalities(
    tmp_path: Path, policy: Policy
) -> None:
    rows: list[Row] = [("Country", "Claim")]
    rows += [("Mexico", "asylum")] * 300
    rows += [(f"A2{12345670 + i:08d}", "asylum") for i in range(10)]
    assert classes(scan(tmp_path, policy, "numbers.csv", rows)) == {"protected-person": 10}


def test_json_records_after_filler_records(tmp_path: Path, policy: Policy) -> None:
    records = [dict(zip(HEADER, row, strict=True)) for row in filler(300)]
    records += [dict(zip(HEADER, row, strict=True)) for row in persons(20)]
    path = tmp_path / "late.json"
    path.write_text(json.dumps(records))
    assert classes(scan_file(path, policy)) == {"protected-person": 20}


# --- clean controls: statistics whose categories have a name's shape -------------------------


def test_demographic_categories_with_a_name_shape_stay_clean(
    tmp_path: Path, policy: Policy
) -> None:
    """ "Single Adults" and "Accompanied Minors" have a name's shape: two in five categories,
    repeated month after month, beside a month that could be a birthdate."""
    rows: list[Row] = [("Month", "Demographic", "Credible fear referrals")]
    categories = ("Single Adults", "UAC", "FMUA", "Family Units", "Accompanied Minors")
    rng = random.Random(2)
    for year in range(2012, 2024):
        for month in range(1, 13):
            rows += [(f"{year}-{month:02d}-01", c, rng.randint(0, 999)) for c in categories]
    report = scan(tmp_path, policy, "demographics.csv", rows)
    assert report.verdict == "clean", classes(report)


def test_asylum_offices_and_outcomes_stay_clean(tmp_path: Path, policy: Policy) -> None:
    offices = sorted(
        (
            "Arlington",
            "Baton Rouge",
            "Boston",
            "Chicago",
            "Corpus Christi",
            "Grand Rapids",
            "Houston",
            "Little Rock",
            "Los Angeles",
            "Miami",
            "Newark",
            "New York",
            "Puerto Rico",
            "San Francisco",
        )
    )
    rng = random.Random(3)
    monthly: list[Row] = [("Office", "Month", "Credible fear screenings")]
    monthly += [
        (office, f"{year}-{month:02d}", rng.randint(0, 999))
        for year in range(2018, 2024)
        for month in range(1, 13)
        for office in offices
    ]
    totals: list[Row] = [("Asylum office", "Credible fear screenings")]
    totals += [(office, rng.randint(0, 999)) for office in offices]
    outcomes: list[Row] = [("Outcome", "Asylum decisions FY2022")]
    outcomes += [
        (o, rng.randint(1, 9999))
        for o in (
            "Granted",
            "Denied",
            "Voluntary Departure",
            "Administrative Closure",
            "Abandoned",
            "Withdrawn",
            "Other",
        )
    ]
    by_country: list[Row] = [("Country of citizenship", "Asylum applications", "Month")]
    by_country += [
        (c, rng.randint(0, 999), f"2021-{m:02d}")
        for m in range(1, 13)
        for c in ("Costa Rica", "Sri Lanka", "El Salvador", "Burkina Faso", "Mexico", "India")
    ]
    for name, rows in (
        ("monthly.csv", monthly),
        ("totals.csv", totals),
        ("outcomes.csv", outcomes),
        ("countries.xlsx", by_country),
    ):
        report = scan(tmp_path, policy, name, rows)
        assert (name, report.verdict) == (name, "clean"), classes(report)


def test_names_under_a_header_for_someone_else_stay_unflagged(
    tmp_path: Path, policy: Policy
) -> None:
    """Interpreters below the sample are no more the subjects of the rows than above it."""
    rows: list[Row] = [("Interpreter", "Language", "Asylum interviews")]
    rows += [("TBD", "Spanish", 3)] * 300
    rows += [(name, "Spanish", 4) for name, _, _ in persons(10)]
    assert scan(tmp_path, policy, "interpreters.csv", rows).verdict == "clean"


def test_numbers_under_an_a_number_header_below_a_sample_of_none(
    tmp_path: Path, policy: Policy
) -> None:
    """The sample under "A-Number" held no number ("pending"), so the header was judged
    wrong; numbers below it are A-numbers all the same, as in a table of their own."""
    rows: list[Row] = [("A-Number", "Decision")]
    rows += [("pending", "asylum")] * 300
    rows += [(f"{212345670 + i}", "asylum") for i in range(10)]
    assert classes(scan(tmp_path, policy, "pending.csv", rows)) == {"protected-person": 10}


def test_three_tables_stacked_in_a_sheet(tmp_path: Path, policy: Policy) -> None:
    """Filler, then persons under their own header after a blank row, then a wider table
    after another: each is read, none is lost to the one before it."""
    rows: list[Row] = [*filler(50), ("", "", "")]
    rows += [("Name", "DOB", "Fear result")]
    rows += [(name, born, "positive") for name, born, _ in persons(10)]
    rows += [("", "", ""), ("A-Number", "Name", "DOB", "Claim")]
    rows += [(f"A2{12345670 + i:08d}", "", "", "asylum") for i in range(7)]
    report = scan(tmp_path, policy, "stacked.xlsx", rows)
    assert classes(report) == {"protected-person": 17}
