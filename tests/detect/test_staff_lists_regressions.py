"""Regressions of the staff-list round (review 8): an office or unit word anywhere in a claim
column's header cancelled the claim ("Asylum decision (field office)"), and one column headed
by a staff role ("Field Office Director") or of units ("Department" holding ``Asylum``) turned
a claimant table into a staff directory. A unit cancels a claim only as one compound with it
("Asylum office"); a table is a directory only when its names are the staff's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.scan import scan_file
from approval.detect.vocabulary import HeaderIndex, is_staff_directory
from approval.policy import Policy
from tests.corpus.accuracy._files import csv_file
from tests.corpus.people import people

_PEOPLE = people(4, seed=8_2026_1207)
_NAMES = [p.name for p in _PEOPLE]
_STAFF = [p.name for p in people(4, seed=8_2026_1208)]
_BIRTHS = [p.birthdate.isoformat() for p in _PEOPLE]
_COUNTRIES = ["Honduras", "Guatemala", "El Salvador", "Mexico"]
_CASES = ["Asylum", "Withholding of removal", "Asylum", "Credible fear"]
_UNITS = ["Asylum", "Credible Fear", "CAT", "Asylum"]
_RESULTS = ["Granted", "Denied", "Pending", "Granted"]


@pytest.fixture(scope="module")
def index(policy: Policy) -> HeaderIndex:
    return HeaderIndex.from_policy(policy)


def _with(*columns: list[str]) -> list[list[str]]:
    return [list(row) for row in zip(*columns, strict=True)]


@pytest.mark.parametrize(
    "header",
    [
        "Asylum decision (field office)",
        "Asylum status (head of household)",
        "Fear claim - deputy review",
        "Refugee status (department)",
        "Asylum claim (HQ review)",
        "Asylum office decision",
        "Credible fear result (unit)",
        "Credible fear outcome - supervisor",
        "Asylum (field office)",
    ],
)
def test_a_unit_word_apart_from_the_claim_keeps_the_claim(index: HeaderIndex, header: str) -> None:
    assert index.match(header) == "protection-claim"


@pytest.mark.parametrize(
    "header",
    [
        "Asylum office",
        "Asylum Office Director",
        "Refugee Affairs",
        "CAT Team",
        "Asylum Director",
        "Credible Fear Unit",
        "Refugee Officer",
        "Department of Asylum",
    ],
)
def test_a_unit_compounded_with_the_claim_names_none(index: HeaderIndex, header: str) -> None:
    assert index.match(header) is None


@pytest.mark.parametrize(
    ("header", "columns"),
    [
        (["Detainee", "Case type", "Field Office Director"], [_NAMES, _CASES, _STAFF]),
        (["Name", "Date of Birth", "Country", "Case type", "Field Office Director"], None),
        (["Respondent", "Department", "Hearing date"], [_NAMES, _UNITS, _BIRTHS]),
        (["Name", "Date of Birth", "Country", "Unit"], [_NAMES, _BIRTHS, _COUNTRIES, _UNITS]),
        (["Detainee", "Country", "Claim", "Instructor"], [_NAMES, _COUNTRIES, _UNITS, _STAFF]),
        (["Applicant", "Trainer"], [_NAMES, _STAFF]),
        (["Name", "Country", "Team"], [_NAMES, _COUNTRIES, _UNITS]),
    ],
    ids=["fod-detainee", "fod-name", "dept", "unit", "instructor", "trainer", "team-country"],
)
def test_a_staff_column_beside_claimants_is_no_directory(
    index: HeaderIndex, header: list[str], columns: list[list[str]] | None
) -> None:
    columns = columns or [_NAMES, _BIRTHS, _COUNTRIES, _CASES, _STAFF]
    assert is_staff_directory(header, _with(*columns), index) is False


def _classes(tmp_path: Path, policy: Policy, rows: list[list[str]]) -> dict[str, int]:
    path = tmp_path / "table.csv"
    csv_file(rows)(path)
    return dict(scan_file(path, policy).classes)


@pytest.mark.parametrize(
    "rows",
    [
        [["Name", "Asylum decision (field office)"], *_with(_NAMES, _RESULTS)],
        [["Name", "Asylum status (head of household)"], *_with(_NAMES, _RESULTS)],
        [["Name", "Fear claim - deputy review"], *_with(_NAMES, _RESULTS)],
        [["Name", "Refugee status (department)"], *_with(_NAMES, _RESULTS)],
        [["Detainee", "Case type", "Field Office Director"], *_with(_NAMES, _CASES, _STAFF)],
        [["Detainee", "Case type"], *_with(_NAMES, _CASES)],
        [["Respondent", "Department", "Hearing date"], *_with(_NAMES, _UNITS, _BIRTHS)],
        [
            ["Name", "Date of Birth", "Country", "Case type", "Field Office Director"],
            *_with(_NAMES, _BIRTHS, _COUNTRIES, _CASES, _STAFF),
        ],
        [
            ["Name", "Date of Birth", "Country", "Unit"],
            *_with(_NAMES, _BIRTHS, _COUNTRIES, _UNITS),
        ],
    ],
    ids=[
        "h2-field",
        "h2-head",
        "fear-deputy",
        "refugee-dept",
        "p16-fod",
        "p16-ctrl",
        "p5-dept",
        "p2-fod",
        "p4-unit",
    ],
)
def test_claimant_tables_stay_protected(
    tmp_path: Path, policy: Policy, rows: list[list[str]]
) -> None:
    assert _classes(tmp_path, policy, rows).get("protected-person", 0) >= 3


def test_a_directory_of_staff_by_unit_stays_clean(tmp_path: Path, policy: Policy) -> None:
    rows = [["Name", "Department", "Office", "Email"]]
    rows += _with(_STAFF, _UNITS, ["Houston"] * 4, ["unit@uscis.dhs.gov"] * 4)
    assert _classes(tmp_path, policy, rows) == {}
