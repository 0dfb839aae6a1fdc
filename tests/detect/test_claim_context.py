"""A claim stated once governs the persons it is about: a list of names under a heading or an
introducing line that states a claim ("Asylum seekers detained at Port Isabel:") ties each
name to the claim, as a sheet's title governs its rows, in text, Markdown, Word and HTML
(``Classifier._listed``, ``claimants.listed_name``); lists of officials, speakers, authors
and countries under a claim stay clean."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from approval.detect.report import FileReport
from approval.detect.scan import scan_file
from approval.policy import Policy
from tests.corpus.documents import docx_bytes
from tests.corpus.people import people

PERSONS = people(8, seed=41)
NAMES = [p.name for p in PERSONS]
CLAIM = "Credible fear interviews scheduled this week (asylum seekers)"


def scan(tmp_path: Path, policy: Policy, name: str, data: str | bytes) -> FileReport:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return scan_file(path, policy)


def txt_intro(head: str, items: list[str]) -> str:
    return head + ":\n" + "".join(f"- {item}\n" for item in items)


def txt_plain(head: str, items: list[str]) -> str:
    return head + "\n\n" + "".join(f"{item}\n" for item in items)


def md_heading(head: str, items: list[str]) -> str:
    return f"# Weekly report\n\n## {head}\n\n" + "".join(f"* {item}\n" for item in items)


def docx_lead(head: str, items: list[str]) -> bytes:
    return docx_bytes([("p", head), *(("p", item) for item in items)])


def docx_heading(head: str, items: list[str]) -> bytes:
    return docx_bytes([("h2", head), *(("item", item) for item in items)])


def html_heading(head: str, items: list[str]) -> str:
    lis = "".join(f"<li>{item}</li>" for item in items)
    return f"<html><body><h2>{head}</h2><ul>{lis}</ul></body></html>"


def html_intro(head: str, items: list[str]) -> str:
    lis = "".join(f"<li>{item}</li>" for item in items)
    return f"<html><body><h1>Update</h1><p>{head}:</p><ol>{lis}</ol></body></html>"


BUILDERS: dict[str, Callable[[str, list[str]], str | bytes]] = {
    "intro.txt": txt_intro,
    "plain.txt": txt_plain,
    "heading.md": md_heading,
    "lead.docx": docx_lead,
    "heading.docx": docx_heading,
    "heading.html": html_heading,
    "intro.html": html_intro,
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_names_under_a_claim_are_protected_persons(
    tmp_path: Path, policy: Policy, name: str
) -> None:
    report = scan(tmp_path, policy, name, BUILDERS[name](CLAIM, NAMES))
    assert dict(report.classes) == {"protected-person": len(NAMES)}


@pytest.mark.parametrize("name", ["intro.txt", "heading.md", "lead.docx", "heading.html"])
def test_names_with_a_nationality_under_a_claim(tmp_path: Path, policy: Policy, name: str) -> None:
    items = [f"{p.name} ({p.nationality})" for p in PERSONS[:4]]
    items += [f"{p.name}, {p.nationality}" for p in PERSONS[4:]]
    head = "Asylum seekers detained at Port Isabel"
    report = scan(tmp_path, policy, name, BUILDERS[name](head, items))
    assert dict(report.classes) == {"protected-person": len(PERSONS)}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_the_same_names_under_no_claim_are_clean(tmp_path: Path, policy: Policy, name: str) -> None:
    report = scan(tmp_path, policy, name, BUILDERS[name]("Holiday party volunteers", NAMES))
    assert report.verdict == "clean"


OFFICIALS = ["Alice Chen", "Robert Miller", "Jane Roe", "David Okafor"]


@pytest.mark.parametrize(
    ("head", "items"),
    [
        ("Asylum Office staff", OFFICIALS),
        ("Refugee policy conference speakers", OFFICIALS),
        ("Refugee policy conference", OFFICIALS),
        ("Asylum law reading list", [f"{n}, Refugee Law in Practice" for n in OFFICIALS]),
        ("Asylum law reading list (authors)", OFFICIALS),
        ("Asylum applications by country", ["El Salvador", "Guatemala", "New Zealand"]),
        ("Asylum division contacts", [f"{n}, Supervisory Asylum Officer" for n in OFFICIALS]),
    ],
)
@pytest.mark.parametrize("name", ["intro.txt", "heading.md", "heading.docx", "heading.html"])
def test_lists_of_officials_and_things_under_a_claim_stay_clean(
    tmp_path: Path, policy: Policy, name: str, head: str, items: list[str]
) -> None:
    report = scan(tmp_path, policy, name, BUILDERS[name](head, items))
    assert report.verdict == "clean"


def test_a_name_after_prose_under_a_claim_is_no_list(tmp_path: Path, policy: Policy) -> None:
    """The heading governs the list that follows it; a memo's signature after its paragraphs
    is no claimant."""
    text = (
        "## Asylum processing update\n\n"
        "The office completed 40 credible fear interviews this week.\n\n"
        "Alice Chen\n"
    )
    assert scan(tmp_path, policy, "memo.md", text).verdict == "clean"


def test_a_claimant_noun_wins_over_an_officials_word(tmp_path: Path, policy: Policy) -> None:
    head = "Asylum seekers interviewed by the officers"
    report = scan(tmp_path, policy, "by.txt", txt_intro(head, NAMES))
    assert dict(report.classes) == {"protected-person": len(NAMES)}


def test_an_inner_heading_keeps_the_outer_claim(tmp_path: Path, policy: Policy) -> None:
    text = "# Asylum seekers\n\n## Monday\n\n" + "".join(f"- {n}\n" for n in NAMES)
    report = scan(tmp_path, policy, "nested.md", text)
    assert dict(report.classes) == {"protected-person": len(NAMES)}


# --- a claim in a column the sample gave another role ----------------------------------------

HEADER = "Name,A-Number,DOB,Nationality,Facility\n"


def rows_csv(hide: dict[int, tuple[int, str]]) -> str:
    """Rows of detained persons; ``hide``: row -> (column, claim written after its value)."""
    people = people_rows()
    out = []
    for k, row in enumerate(people):
        cells = list(row)
        if k in hide:
            col, claim = hide[k]
            cells[col] = f"{cells[col]} {claim}"
        out.append(",".join(cells))
    return HEADER + "\n".join(out) + "\n"


def people_rows() -> list[tuple[str, ...]]:
    many = people(30, seed=43)
    return [(p.name, p.a_number, p.birthdate.isoformat(), p.nationality, p.facility) for p in many]


def test_rows_of_detained_persons_are_personal_data(tmp_path: Path, policy: Policy) -> None:
    report = scan(tmp_path, policy, "control.csv", rows_csv({}))
    assert dict(report.classes) == {"personal-data": 30}


def test_a_claim_in_another_roles_column_makes_the_row_protected(
    tmp_path: Path, policy: Policy
) -> None:
    hide = {
        3: (3, "- asylum seeker"),
        17: (4, "(credible fear pending)"),
        22: (2, "CFI positive"),
        29: (3, "(asylee)"),
    }
    report = scan(tmp_path, policy, "hidden.csv", rows_csv(hide))
    assert dict(report.classes) == {"protected-person": 4, "personal-data": 26}
    claims = [f for f in report.findings if f.detector == "protection-claim"]
    assert {f.location["header"] for f in claims} == {"Nationality", "Facility", "DOB"}


def test_a_claim_in_another_column_of_a_workbook(tmp_path: Path, policy: Policy) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    for k, row in enumerate(people_rows()):
        cells = list(row)
        if k == 5:
            cells[4] = "Asylum seeker - " + cells[4]
        sheet.append(cells)
    book.save(tmp_path / "hidden.xlsx")
    report = scan_file(tmp_path / "hidden.xlsx", policy)
    assert dict(report.classes) == {"protected-person": 1, "personal-data": 29}


# --- records split over tables joined by a key ------------------------------------------------

SPLIT = people(12, seed=47)


def split_book(path: Path, cases: str = "Claim", offset: int = 0, key: str = "Person ID") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "People"
    sheet.append(["ID", "Name"])
    for i, p in enumerate(SPLIT):
        sheet.append([i + 1, p.name])
    other = book.create_sheet("Cases")
    other.append([key, cases, "Country of nationality"])
    for i, p in enumerate(SPLIT):
        other.append([i + 1 + offset, p.claim if cases == "Claim" else "1200", p.nationality])
    book.save(path)
    return path


def test_names_and_claims_on_two_sheets_joined_by_id(tmp_path: Path, policy: Policy) -> None:
    report = scan_file(split_book(tmp_path / "joined.xlsx"), policy)
    assert dict(report.classes) == {"protected-person": len(SPLIT)}
    sheets = {f.location.get("sheet") for f in report.findings}
    assert sheets == {"People", "Cases"}


def test_claims_sheet_first_then_people(tmp_path: Path, policy: Policy) -> None:
    """The join holds in either order; with the sheets in the book reversed."""
    path = split_book(tmp_path / "reversed.xlsx")
    book = openpyxl.load_workbook(path)
    book.move_sheet("Cases", offset=-1)
    book.save(path)
    report = scan_file(path, policy)
    assert dict(report.classes) == {"protected-person": len(SPLIT)}


def test_persons_and_cases_csv_in_one_archive(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "persons.csv",
            "id,name\n" + "".join(f"{i + 1},{p.name}\n" for i, p in enumerate(SPLIT)),
        )
        archive.writestr(
            "cases.csv",
            "person_id,case_type,nationality\n"
            + "".join(f"{i + 1},{p.claim},{p.nationality}\n" for i, p in enumerate(SPLIT)),
        )
    report = scan_file(path, policy)
    assert dict(report.classes) == {"protected-person": len(SPLIT)}


def test_keys_that_do_not_meet_join_no_one(tmp_path: Path, policy: Policy) -> None:
    report = scan_file(split_book(tmp_path / "apart.xlsx", offset=1000), policy)
    assert report.verdict == "clean"


def test_a_sheet_of_names_beside_one_without_claims_is_clean(
    tmp_path: Path, policy: Policy
) -> None:
    report = scan_file(split_book(tmp_path / "budget.xlsx", cases="Amount"), policy)
    assert report.verdict == "clean"


def test_detained_persons_joined_to_their_claims_are_protected(
    tmp_path: Path, policy: Policy
) -> None:
    """A table of persons by A-number (personal data alone) and one of claims by the same
    ID: the persons are protected, each counted once."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Detainees"
    sheet.append(["Record ID", "A-Number", "Facility"])
    for i, p in enumerate(SPLIT):
        sheet.append([f"R{i:04d}", p.a_number, p.facility])
    other = book.create_sheet("Claims")
    other.append(["Record ID", "Fear claim"])
    for i, p in enumerate(SPLIT[:5]):
        other.append([f"R{i:04d}", p.claim])
    book.save(tmp_path / "detainees.xlsx")
    report = scan_file(tmp_path / "detainees.xlsx", policy)
    assert dict(report.classes) == {"protected-person": 5, "personal-data": len(SPLIT) - 5}
