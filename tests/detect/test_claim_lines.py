"""A name and a claim on one short line or in one cell (red-team finding 3): ``Ana Perez -
asylum pending``, ``PEREZ, Ana (CF POS)``, ``Asylum: Ana Perez``, a cell of two lines; and the
prose that ties them without a claimant's verb: ``X is an asylum seeker``, ``Asylum granted to
X``, ``X won her asylum case``, a letter ``Dear X, / Your Form I-589 ...``. An official beside
a claim word stays clean."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from approval.detect.claimants import addressed_claim, claim_line, persons, salutation
from approval.detect.detectors import Element
from approval.detect.detectors.countries import COUNTRY_NAMES
from approval.detect.detectors.person_name import PersonName
from approval.detect.detectors.protection_claim import ProtectionClaim
from approval.detect.scan import scan_file
from approval.detect.textnorm import fold
from approval.policy import Policy
from tests.corpus.people import people

PERSONS = people(6, seed=7102)


@pytest.fixture(scope="module")
def names(detectors: dict[str, Element]) -> PersonName:
    found = detectors["person-name"]
    assert isinstance(found, PersonName)
    return found


@pytest.fixture(scope="module")
def claim(detectors: dict[str, Element]) -> ProtectionClaim:
    found = detectors["protection-claim"]
    assert isinstance(found, ProtectionClaim)
    return found


def _line(text: str, names: PersonName, claim: ProtectionClaim) -> list[str]:
    spans = claim.spans(text) if claim.may_find(text) else []
    return [f.value for f in claim_line(text, spans, names, lambda v: fold(v) in COUNTRY_NAMES)]


LINES = [
    ("Ruby Stephens - asylum pending", ["Ruby Stephens"]),
    ("Ruby Stephens (asylum)", ["Ruby Stephens"]),
    ("Ruby Stephens / Asylum", ["Ruby Stephens"]),
    ("Ruby Stephens | CFI POS", ["Ruby Stephens"]),
    ("Ruby Stephens: asylum granted", ["Ruby Stephens"]),
    ("Stephens, Ruby (CF POS)", ["Stephens, Ruby"]),
    ("STEPHENS, Ruby -- asylee", ["STEPHENS, Ruby"]),
    ("STEPHENS, Ruby: CF positive", ["STEPHENS, Ruby"]),
    ("Ruby Stephens (Mexico) - asylum", ["Ruby Stephens"]),
    ("- Ruby Stephens (asylum)", ["Ruby Stephens"]),
    ("Re: Ruby Stephens - asylum", ["Ruby Stephens"]),
    ("Ruby Stephens\nAsylum - pending", ["Ruby Stephens"]),
    ("Asylum: Ruby Stephens", ["Ruby Stephens"]),
    ("Granted asylum: Ruby Stephens, Omar Haddad", ["Ruby Stephens", "Omar Haddad"]),
    ("Asylum seekers: Ruby Stephens and Omar Haddad", ["Ruby Stephens", "Omar Haddad"]),
    ("Ruby Stephens - Asylum Pending", ["Ruby Stephens"]),
    ("Ruby Stephens - asylum seeker", ["Ruby Stephens"]),
    ('"Ruby Stephens / Asylum"', ["Ruby Stephens"]),
    ("**Stephens**, Ruby - asylum", ["Stephens, Ruby"]),
]

OFFICIAL_LINES = [
    "Jane Roe - Asylum Officer",
    "Judge Jane Roe - asylum granted",
    "Director, Asylum Division: Jane Roe",
    "Asylum Officer: Jane Roe",
    "Asylum office staff: Jane Roe, John Smith",
    "Jane Roe | Asylum Policy Expert",
    "Jane Roe (asylum expert)",
    "Jane Roe: asylum policy is changing",
    "Jane Roe - Refugee Council USA",
    "Refugee Council: Jane Roe",
    "Asylum statistics: Jane Roe",
    "From: Jane Roe - asylum",
    "Paris, France - asylum",
    "Jane Roe spoke about asylum",
    # A book's or an article's title after its author; a quote about a group.
    "Jane Roe - Asylum in America",
    "Jane Roe — Refugee Stories",
    "Jane Roe: asylum seekers wait at the border",
    # A label's words joined as a tool's or a file's name: no person's name after the label.
    "Asylum: Data-Export Tool",
    "Asylum seekers: Asylum-Tracker Stephens",
]


@pytest.mark.parametrize(("text", "expected"), LINES)
def test_a_name_joined_to_a_claim_by_a_mark_is_a_record(
    names: PersonName, claim: ProtectionClaim, text: str, expected: list[str]
) -> None:
    assert _line(text, names, claim) == expected


@pytest.mark.parametrize("text", OFFICIAL_LINES)
def test_officials_bodies_and_sentences_are_no_records(
    names: PersonName, claim: ProtectionClaim, text: str
) -> None:
    assert _line(text, names, claim) == []


PROSE = [
    ("Ruby Stephens is an asylum seeker from Mexico.", ["Ruby Stephens"]),
    ("Ruby Stephens was a refugee.", ["Ruby Stephens"]),
    ("Asylum granted to Ruby Stephens on 2024-03-01.", ["Ruby Stephens"]),
    ("Ruby Stephens won her asylum case.", ["Ruby Stephens"]),
    ("Jane Roe is an asylum expert at Cornell.", []),
    ("Jane Roe is the asylum director.", []),
    ("Judge Jane Roe granted asylum in 12 cases.", []),
    ("Jane Roe won her case about asylum.", []),
    ("Ruby Stephens pediu refúgio no Brasil.", ["Ruby Stephens"]),
    ("Ruby Stephens te mande azil nan Etazini.", ["Ruby Stephens"]),
]


@pytest.mark.parametrize(("text", "expected"), PROSE)
def test_prose_that_says_what_the_person_is_or_won(
    names: PersonName, claim: ProtectionClaim, text: str, expected: list[str]
) -> None:
    spans = claim.spans(text) if claim.may_find(text) else []
    assert [f.value for f in persons(text, spans, (), names)] == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Dear Ruby Stephens,", "Ruby Stephens"),
        ("Dear Ms. Stephens:", "Stephens"),
        ("Dear Judge Roe,", None),
        ("Dear colleagues,", None),
        ("Dear Ruby Stephens, thank you", None),
    ],
)
def test_a_salutation_names_the_addressee(
    names: PersonName, line: str, expected: str | None
) -> None:
    found = salutation(line, names)
    assert (found.value if found else None) == expected


@pytest.mark.parametrize(
    ("text", "addressed"),
    [
        ("Your Form I-589 has been received.", True),
        ("You were granted asylum on 3 March.", True),
        ("Thank you for your letter about asylum policy.", False),
        ("The asylum backlog fell this year.", False),
    ],
)
def test_a_claim_told_to_the_reader(claim: ProtectionClaim, text: str, addressed: bool) -> None:
    assert (addressed_claim(text, claim.spans(text)) is not None) is addressed


def _xlsx(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FILES = [
    ("lines.txt", "".join(f"{p.name} - asylum pending\n" for p in PERSONS).encode()),
    ("paren.txt", "".join(f"{p.name} (asylum)\n" for p in PERSONS).encode()),
    ("cf.txt", "".join(f"{p.last}, {p.first} (CF POS)\n" for p in PERSONS).encode()),
    ("one-column.csv", ("Record\n" + "".join(f'"{p.name} / Asylum"\n' for p in PERSONS)).encode()),
    ("label.csv", ("Record\n" + "".join(f'"Asylum: {p.name}"\n' for p in PERSONS)).encode()),
    (
        "two-lines.csv",
        ("Record\n" + "".join(f'"{p.name}\nAsylum - pending"\n' for p in PERSONS)).encode(),
    ),
    (
        "comments.csv",
        (
            "ID,Comments\n" + "".join(f"{i},{p.name} (asylum)\n" for i, p in enumerate(PERSONS))
        ).encode(),
    ),
    ("cells.xlsx", _xlsx([["Record"], *([f"{p.name}\nAsylum - pending"] for p in PERSONS)])),
    ("cf-cells.xlsx", _xlsx([["Record"], *([f"{p.last}, {p.first} (CF POS)"] for p in PERSONS)])),
    ("seeker.txt", "".join(f"{p.name} is an asylum seeker from Peru.\n" for p in PERSONS).encode()),
    (
        "granted.txt",
        "".join(f"Asylum granted to {p.name} on 2024-03-01.\n" for p in PERSONS).encode(),
    ),
    ("won.txt", "".join(f"{p.name} won her asylum case.\n" for p in PERSONS).encode()),
    ("letter.txt", f"Dear {PERSONS[0].name},\n\nYour Form I-589 has been received.\n".encode()),
]

CLEAN_FILES = [
    ("officers.txt", "".join(f"{p.name} - Asylum Officer\n" for p in PERSONS).encode()),
    (
        "judges.txt",
        "".join(f"Judge {p.name} granted asylum in 12 cases.\n" for p in PERSONS).encode(),
    ),
    (
        "staff.csv",
        ("Record\n" + "".join(f'"{p.name} - Asylum Officer"\n' for p in PERSONS)).encode(),
    ),
    (
        "reply.txt",
        f"Dear {PERSONS[0].name},\n\nThank you for your letter about asylum policy.\n".encode(),
    ),
    (
        "grants.csv",
        b"Judge,Office,Grant rate\nJane Roe,Newark,41%\nJohn Smith,Houston,12%\n",
    ),
]


@pytest.mark.parametrize(("name", "data"), FILES, ids=[f[0] for f in FILES])
def test_files_of_name_and_claim_records_are_protected(
    tmp_path: Path, policy: Policy, name: str, data: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    report = scan_file(path, policy)
    assert report.verdict == "protected"
    assert report.classes.get("protected-person", 0) >= 1


@pytest.mark.parametrize(("name", "data"), CLEAN_FILES, ids=[f[0] for f in CLEAN_FILES])
def test_officials_beside_claims_stay_clean(
    tmp_path: Path, policy: Policy, name: str, data: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert "protected-person" not in scan_file(path, policy).classes
