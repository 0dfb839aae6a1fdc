"""More of the claim's vocabulary (red-team round 7, finding 7): the screening under the
Migrant Protection Protocols, non-refoulement, EOIR's case type ``ASY``, codes written as one
word or with a sign (``CFPOS``, ``CF+``), Portuguese, Spanish and Haitian Creole; and the rule
that a claim word beside one other word heads a claim's column whatever that word is, unless
it makes the header an office, a unit or a job."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.detectors import Element
from approval.detect.scan import scan_file
from approval.detect.vocabulary import HeaderIndex
from approval.policy import Policy
from tests.corpus.accuracy._files import csv_file, text_file
from tests.corpus.people import people

CLAIM = "protection-claim"
_PERSONS = people(8, seed=7_2026_1208)


@pytest.fixture(scope="module")
def index(policy: Policy) -> HeaderIndex:
    return HeaderIndex.from_policy(policy)


@pytest.mark.parametrize(
    "header",
    [
        "Non-refoulement",
        "Nonrefoulement result",
        "MPP fear",
        "Fear (MPP)",
        "MPP Fear Result",
        "Torture Conv.",
        "Asy App",
        "ASY",
        "Protection screening",
        "Persecution",
        "Solicitação de refúgio",
        "Medo de perseguição",
        "Protección solicitada",
        "Mande pwoteksyon",
        "Refúgio",
        # A claim word beside any one other word.
        "Refugee app",
        "Asylee flag",
        "CFI date",
        "Fear (RF)",
    ],
)
def test_a_claim_header(index: HeaderIndex, header: str) -> None:
    assert index.match(header) == CLAIM


@pytest.mark.parametrize(
    "header",
    [
        # The neighbour makes it an office, a unit or a job, or a not-term covers it.
        "Asylum office",
        "Asylum Offices",
        "Asylum Director",
        "Refugee Affairs",
        "Refugee Services",
        "CAT Team",
        "Credible Fear Unit",
        "Asylum Dept",
        # Words that mean something else beside another, and phrases of their own.
        "TB Screening",
        "Job Interview",
        "Tax withholding",
        "Fear of flying",
        "Cat food",
        "Department",
        "Director",
    ],
)
def test_not_a_claim_header(index: HeaderIndex, header: str) -> None:
    assert index.match(header) is None


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("Refúgio", "refúgio"),
        ("Solicitação de refúgio", "solicitação de refúgio"),
        ("Medo de perseguição", "medo de perseguição"),
        ("Protección solicitada", "protección solicitada"),
        ("Mande pwoteksyon", "mande pwoteksyon"),
        ("li te demann pwoteksyon", "demann pwoteksyon"),
        ("ASY", "ASY"),
        ("ASY-D", "ASY-D"),
        ("CFPOS", "CFPOS"),
        ("RFNEG", "RFNEG"),
        ("CF+", "CF+"),
        ("RFI+", "RFI+"),
        ("two CF interviews this week", "CF interviews"),
        ("RF screening scheduled", "RF screening"),
    ],
)
def test_a_claim_value(detectors: dict[str, Element], value: str, term: str) -> None:
    found = detectors[CLAIM].find(value)
    assert [f.value for f in found] == [term]


@pytest.mark.parametrize(
    "value",
    ["Asy", "asy-d", "CF", "CF-1", "CFPOSTAL", "cf+", "pwoteksyon sivil", "Easy", "Fantasy"],
)
def test_not_a_claim_value(detectors: dict[str, Element], value: str) -> None:
    assert not detectors[CLAIM].find(value)


@pytest.mark.parametrize(
    ("header", "values"),
    [
        ("MPP fear", ["Pos", "Neg"]),
        ("Non-refoulement", ["Positive", "Negative"]),
        ("Torture Conv.", ["Y", "N"]),
        ("Asy App", ["Y", "N"]),
        ("Solicitação de refúgio", ["Sim", "Não"]),
        ("Mande pwoteksyon", ["Wi", "Non"]),
        ("Case Type", ["ASY", "ASY-D"]),
        ("Tipo de pedido", ["Refúgio", "Refúgio"]),
        ("Result", ["CFPOS", "CF+"]),
    ],
)
def test_a_sheet_of_names_with_the_claim_is_protected(
    tmp_path: Path, policy: Policy, header: str, values: list[str]
) -> None:
    rows = [["Name", header]] + [[p.name, values[i % 2]] for i, p in enumerate(_PERSONS)]
    path = tmp_path / "cases.csv"
    csv_file(rows)(path)
    classes = scan_file(path, policy).classes
    assert classes.get("protected-person", 0) >= len(_PERSONS) // 2


# The names a list under a heading is read with (the default seed's: some names of other seeds
# are not read from a bare list at all, whatever its heading says).
_LISTED = people(8)


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("## CF interviews", {"protected-person": len(_LISTED)}),
        ("## RF screenings", {"protected-person": len(_LISTED)}),
        ("# CFIs this week", {"protected-person": len(_LISTED)}),
        ("## Staff interviews", {}),
        ("## CF meeting notes", {}),
    ],
)
def test_a_heading_by_its_code_ties_the_names_under_it(
    tmp_path: Path, policy: Policy, heading: str, expected: dict[str, int]
) -> None:
    path = tmp_path / "list.md"
    text_file([heading, "", *(f"- {p.name}" for p in _LISTED)])(path)
    assert scan_file(path, policy).classes == expected


def test_a_statistics_table_by_claim_type_stays_clean(tmp_path: Path, policy: Policy) -> None:
    rows = [["Country", "Case Type", "MPP fear", "Non-refoulement", "Asylum grants"]]
    rows += [
        [c, "ASY", str(10 + i), str(3 + i), f"{20 + i}%"]
        for i, c in enumerate(["Mexico", "Honduras", "Guatemala", "El Salvador", "Haiti", "Cuba"])
    ]
    path = tmp_path / "stats.csv"
    csv_file(rows)(path)
    assert scan_file(path, policy).classes == {}


@pytest.mark.parametrize("header", ["Asylum centre", "Asylum center", "Refugee camp"])
def test_a_place_where_claimants_are_still_names_the_claim(index: HeaderIndex, header: str) -> None:
    assert index.match(header) == CLAIM
