"""Records split over sheets joined by a key the header vocabulary does not name ("Case",
"Idx", "Row"): any column whose values are unique per row joins, where two tables share most of
its values; a row index beside counts of claims shares few and joins nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.policy import Policy
from tests.corpus import table_shapes as shapes
from tests.corpus.accuracy._files import xlsx_file

PERSONS = shapes.PERSONS[:8]


@pytest.mark.parametrize(
    ("key", "keys"),
    [
        ("Case", [f"HOU-{k:04d}" for k in range(1, 9)]),
        ("Idx", list(range(1, 9))),
        ("Row", list(range(1, 9))),
        ("Ref. ID", [f"R{k}" for k in range(1, 9)]),  # a key the vocabulary names, as before
    ],
)
def test_sheets_joined_by_any_unique_key(
    tmp_path: Path, policy: Policy, key: str, keys: list[object]
) -> None:
    make = shapes.split_sheets(PERSONS, key, keys)
    assert shapes.scan(tmp_path, policy, "split.xlsx", make) == {"protected-person": 8}


def test_only_the_shared_keys_join(tmp_path: Path, policy: Policy) -> None:
    """Most keys shared: the persons whose keys the other sheet holds are joined, no more."""
    people: list[list[object]] = [["Case", "Name"]]
    people += [[f"C{k}", p.name] for k, p in enumerate(PERSONS)]
    results: list[list[object]] = [["Case", "Result"]]
    results += [[f"C{k}", "Credible fear positive"] for k in range(6)]
    make = xlsx_file([("People", people), ("Screening", results)])
    assert shapes.scan(tmp_path, policy, "subset.xlsx", make) == {"protected-person": 6}


def test_tables_sharing_few_values_are_not_joined(tmp_path: Path, policy: Policy) -> None:
    assert shapes.scan(tmp_path, policy, "unrelated.xlsx", shapes.unrelated_sheets(PERSONS)) == {}


def test_a_key_that_repeats_is_no_key(tmp_path: Path, policy: Policy) -> None:
    people: list[list[object]] = [["Unit", "Name"]]
    people += [[f"U{k % 2}", p.name] for k, p in enumerate(PERSONS)]
    results: list[list[object]] = [["Unit", "Result"], ["U0", "Credible fear positive"]]
    results.append(["U1", "Credible fear negative"])
    make = xlsx_file([("People", people), ("Screening", results)])
    assert shapes.scan(tmp_path, policy, "units.xlsx", make) == {}


def test_numbered_counts_of_claims_are_no_records(tmp_path: Path, policy: Policy) -> None:
    """A small roster numbered 1..n beside a summary of claims numbered 1..3 with their counts:
    the summary is an aggregate, its numbers nobody's key."""
    roster: list[list[object]] = [["Row", "Name", "DOB"]]
    roster += [[k, p.name, p.birthdate.isoformat()] for k, p in enumerate(PERSONS[:4], 1)]
    summary: list[list[object]] = [["Row", "Relief", "Applications"]]
    summary += [[1, "Asylum", 40], [2, "Withholding of removal", 12], [3, "CAT", 3]]
    make = xlsx_file([("Roster", roster), ("Summary", summary)])
    assert shapes.scan(tmp_path, policy, "summary.xlsx", make) == {"personal-data": 4}
