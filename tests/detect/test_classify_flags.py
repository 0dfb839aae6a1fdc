"""Per-person pivots: a 1 under a claim header is a claim when the rows are distinct named
persons (``Name | CF POS | CF NEG``, an Excel pivot of names grouped under facilities); the same
numbers per facility, per country or per officer's caseload are counts, and stay clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.policy import Policy
from tests.corpus import table_shapes as shapes
from tests.corpus.accuracy._files import Make, csv_file, xlsx_file

PERSONS = shapes.PERSONS[:8]


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("pivot.xlsx", xlsx_file([("Pivot", shapes.pivot_rows(PERSONS))])),
        ("pivot.csv", csv_file(shapes.pivot_rows(PERSONS))),
        ("asylum.csv", csv_file([["Name", "Asylum"]] + [[p.name, 1] for p in PERSONS])),
        ("grouped.xlsx", xlsx_file([("Pivot", shapes.grouped_pivot_rows(PERSONS))])),
    ],
)
def test_a_one_under_a_claim_header_is_the_persons_claim(
    tmp_path: Path, policy: Policy, name: str, make: Make
) -> None:
    assert shapes.scan(tmp_path, policy, name, make) == {"protected-person": len(PERSONS)}


def test_a_zero_is_no_claim(tmp_path: Path, policy: Policy) -> None:
    rows = [["Name", "Asylum"]] + [[p.name, k % 2] for k, p in enumerate(PERSONS)]
    assert shapes.scan(tmp_path, policy, "half.csv", csv_file(rows)) == {"protected-person": 4}


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        ("facilities.csv", shapes.aggregate_rows()),
        ("caseload.csv", shapes.caseload_rows(PERSONS)),
        (
            "repeated.csv",
            [["Name", "Asylum"]] + [[PERSONS[0].name, k % 2] for k in range(8)],
        ),
        ("officers.csv", [["Officer", "Asylum"]] + [[p.name, 1] for p in PERSONS]),
    ],
)
def test_counts_that_are_no_flags_stay_clean(
    tmp_path: Path, policy: Policy, name: str, rows: list[list[object]]
) -> None:
    assert shapes.scan(tmp_path, policy, name, csv_file(rows)) == {}
