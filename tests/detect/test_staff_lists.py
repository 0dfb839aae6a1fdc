"""Staff lists that hold a claim's words (red-team round 7, finding 9): a directory of asylum
offices and their directors, staff by department (``Asylum``, ``CAT``, ``Credible Fear``),
trainers by course. The officials are nobody's claimants; the near misses (a case list with a
department of France, a caseworker column, a claim column in a staff table) still are, and
the public statistics stay clean as they were."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.scan import scan_file
from approval.detect.vocabulary import HeaderIndex, is_staff_directory
from approval.policy import Policy
from tests.corpus.accuracy._files import csv_file
from tests.corpus.people import people

_STAFF = people(6, seed=9_2026_1207)
_OFFICES = ["Arlington", "Houston", "Newark", "Chicago", "Miami", "Boston"]
_UNITS = ["Asylum", "Refugee Affairs", "Credible Fear", "Asylum", "CAT", "Asylum"]


@pytest.fixture(scope="module")
def index(policy: Policy) -> HeaderIndex:
    return HeaderIndex.from_policy(policy)


def _with(*columns: list[str]) -> list[list[str]]:
    return [list(row) for row in zip(*columns, strict=True)]


_NAMES = [p.name for p in _STAFF]
_EMAILS = [f"{p.first[0].lower()}{p.last.lower()}@lawfirm.com" for p in _STAFF]
_PRACTICES = ["asylum", "Asylum and withholding", "asylum", "Asylum; CAT", "asylum", "Asylum"]


@pytest.mark.parametrize(
    ("header", "rows", "expected"),
    [
        (["Asylum office", "Director"], _with(_OFFICES, _NAMES), True),
        (["Office", "Asylum Office Director"], _with(_OFFICES, _NAMES), True),
        (["Name", "Department"], _with(_NAMES, _UNITS), True),
        (["Name", "Dept."], _with(_NAMES, _UNITS), True),
        (["Name", "Team"], _with(_NAMES, ["CAT", "CAT", "RAIO", "CAT", "Asylum", "CAT"]), True),
        (["Trainer", "Course"], _with(_NAMES, ["Credible fear"] * 6), True),
        (["Name", "Course"], _with(_NAMES, ["Credible fear", "CAT basics"] * 3), True),
        (["Instructor", "Module"], _with(_NAMES, ["Asylum law"] * 6), True),
        # Not a directory: a department of France, a programme or a section of the law
        # beside a person, a caseworker beside applicants.
        (["Nom", "Département"], _with(_NAMES, ["Paris", "Gironde", "Nord"] * 2), False),
        (["Name", "Program"], _with(_NAMES, ["Refugee"] * 6), False),
        (["Name", "Section"], _with(_NAMES, ["241(b)(3)"] * 6), False),
        (["Applicant", "Case manager"], _with(_NAMES, _NAMES[::-1]), False),
        (["Name", "Department"], _with(_NAMES, ["Paris", "Lyon", "Asylum"] * 2), False),
        # A directory of lawyers by their practice, not a case list.
        (["Name", "Email", "Practice"], _with(_NAMES, _EMAILS, _PRACTICES), True),
        (["Attorney", "Email", "Practice area"], _with(_NAMES, _EMAILS, _PRACTICES), True),
        (["Attorney", "Client", "Claim"], _with(_NAMES, _NAMES[::-1], ["Asylum"] * 6), False),
        (["Name", "Email", "Practice"], _with(_NAMES, _EMAILS, ["asylum pending"] * 6), False),
    ],
)
def test_staff_directory(
    index: HeaderIndex, header: list[str], rows: list[list[str]], expected: bool
) -> None:
    assert is_staff_directory(header, rows, index) is expected


def test_without_the_policy_only_unit_words_name_a_unit() -> None:
    units = [["Jane Roe", "Asylum"], ["John Doe", "CAT"]]
    assert is_staff_directory(["Name", "Department"], units) is False
    units = [["Jane Roe", "Refugee Affairs Division"], ["John Doe", "Asylum Services"]]
    assert is_staff_directory(["Name", "Department"], units) is True


def _scan(tmp_path: Path, policy: Policy, rows: list[list[str]]) -> dict[str, int]:
    path = tmp_path / "table.csv"
    csv_file(rows)(path)
    return dict(scan_file(path, policy).classes)


@pytest.mark.parametrize(
    "rows",
    [
        [["Asylum office", "Director"], *_with(_OFFICES, _NAMES)],
        [["Asylum Office", "Deputy Director", "Phone"], *_with(_OFFICES, _NAMES, ["x100"] * 6)],
        [["Name", "Department"], *_with(_NAMES, _UNITS)],
        [["Name", "Team", "Email"], *_with(_NAMES, ["CAT"] * 6, ["team@uscis.dhs.gov"] * 6)],
        [["Trainer", "Course"], *_with(_NAMES, ["Credible fear"] * 6)],
        [["Instructor", "Module", "Date"], *_with(_NAMES, ["Asylum law"] * 6, ["2024-05-01"] * 6)],
        [["name", "email", "practice"], *_with(_NAMES, _EMAILS, _PRACTICES)],
        [["Attorney", "Email", "Practice area"], *_with(_NAMES, _EMAILS, _PRACTICES)],
        [["Email", "Areas of practice"], *_with(_EMAILS, _PRACTICES)],
        # One practice for all: only the header tells it from a column of claims (the mixed
        # practices above are no claims under any header).
        [["Email", "Areas of practice"], *_with(_EMAILS, ["Asylum"] * 6)],
    ],
    ids=[
        "office-directors",
        "deputies",
        "departments",
        "teams",
        "trainers",
        "instructors",
        "lawyers",
        "attorneys",
        "lawyers-by-email",
        "lawyers-one-practice",
    ],
)
def test_a_staff_list_is_clean(tmp_path: Path, policy: Policy, rows: list[list[str]]) -> None:
    assert _scan(tmp_path, policy, rows) == {}


@pytest.mark.parametrize(
    "rows",
    [
        # Applicants by French département, their claim in a column the header does not name.
        [
            ["Nom", "Département", "Statut"],
            *_with(_NAMES, ["Paris"] * 6, ["Demandeur d'asile"] * 6),
        ],
        # Applicants beside their caseworker: the notes tell the claim.
        [
            ["Applicant", "Notes", "Case manager"],
            *_with(_NAMES, ["applied for asylum in 2023"] * 6, _NAMES[::-1]),
        ],
        # A staff-shaped table with a claim column: the column still is one.
        [["Name", "Department", "Claim type"], *_with(_NAMES, _UNITS, ["Asylum"] * 6)],
        # Clients beside their attorney and the e-mail they were reached at.
        [
            ["Attorney", "Client", "Email", "Claim"],
            *_with(_NAMES, _NAMES[::-1], _EMAILS, ["Asylum"] * 6),
        ],
        [["Name", "Email", "Claim"], *_with(_NAMES, _EMAILS, ["Asylum"] * 6)],
    ],
    ids=["departement", "caseworker", "claim-column", "clients", "emails-and-claims"],
)
def test_a_case_list_that_looks_like_staff_is_protected(
    tmp_path: Path, policy: Policy, rows: list[list[str]]
) -> None:
    assert _scan(tmp_path, policy, rows).get("protected-person", 0) >= 3


@pytest.mark.parametrize(
    "rows",
    [
        [
            ["Immigration Judge", "Asylum grants", "Asylum denials", "Grant rate"],
            *[[n, str(100 + i), str(300 - i), f"{25 + i}%"] for i, n in enumerate(_NAMES)],
        ],
        [["Judge", "Asylum"], *[[n, str(100 + i)] for i, n in enumerate(_NAMES)]],
        [
            ["Country", "Claim type", "Cases"],
            *[[c, t, str(40 + i)] for i, (c, t) in enumerate(zip(_OFFICES, _UNITS, strict=True))],
        ],
        [["Asylum office", "Grant rate"], *[[o, f"{30 + i}%"] for i, o in enumerate(_OFFICES)]],
    ],
    ids=["judges", "judge-counts", "claim-types", "offices"],
)
def test_public_statistics_stay_clean(
    tmp_path: Path, policy: Policy, rows: list[list[str]]
) -> None:
    assert _scan(tmp_path, policy, rows) == {}
