"""Tables in the shapes a publisher makes of records besides one row per person: turned sideways
(one record per column), a one-person form of label/value pairs, a pivot per person with 0/1
counts, records split over sheets joined by a key of any name, names split in parts without a
header; and the tables of the same shapes that must stay clean (blank forms, staff lists,
aggregates per facility or country, a data dictionary).

Each builder returns the ``make(path)`` of ``tests.corpus.accuracy._files``; persons are synthetic
(``tests.corpus.people``), with their own seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from approval.detect.scan import scan_file
from approval.policy import Policy
from tests.corpus.accuracy._files import Make, Rows, csv_file, docx_file, xlsx_file
from tests.corpus.people import Person, people

PERSONS = people(16, seed=6_2026)

FACILITIES = ("Otay Mesa", "Port Isabel", "Krome North", "Stewart")


def sideways_rows(persons: Sequence[Person], *, a_number: bool = False) -> list[list[str]]:
    """One record per column, the labels in the first: ``Name | p1 | p2 ...``."""
    rows = [["Name", *(p.name for p in persons)]]
    if a_number:
        rows.append(["A-Number", *(p.a_number for p in persons)])
    rows.append(["DOB", *(p.birthdate.isoformat() for p in persons)])
    rows.append(["Fear result", *("Negative" for _ in persons)])
    return rows


def form_rows(person: Person, outcome: str = "Positive credible fear") -> list[list[str]]:
    """A one-person form: label/value pairs."""
    return [
        ["Applicant", person.name],
        ["Date of birth", person.birthdate.isoformat()],
        ["Country", person.nationality],
        ["Outcome", outcome],
    ]


def html_form(person: Person) -> Make:
    cells = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in form_rows(person))

    def make(path: Path) -> None:
        path.write_text(f"<html><body><table>{cells}</table></body></html>", encoding="utf-8")

    return make


def sideways_csv(persons: Sequence[Person]) -> Make:
    return csv_file(sideways_rows(persons))


def sideways_docx(persons: Sequence[Person]) -> Make:
    return docx_file([("table", sideways_rows(persons))])


def form_docx(person: Person) -> Make:
    return docx_file([("table", form_rows(person))])


def form_csv(person: Person) -> Make:
    return csv_file(form_rows(person))


def blank_form_docx() -> Make:
    return docx_file(
        [
            ("h1", "Form I-589, Application for Asylum and for Withholding of Removal"),
            ("table", [["Applicant name", ""], ["A-Number", ""], ["Date of birth", ""]]),
        ]
    )


def data_dictionary_csv() -> Make:
    """Labels in the first column over descriptions, not values: a codebook."""
    return csv_file(
        [
            ["Field", "Type", "Description"],
            ["Name", "text", "full name of the applicant"],
            ["DOB", "date", "date of birth, as year-month-day"],
            ["A-Number", "text", "the alien registration number"],
            ["Fear result", "code", "outcome of the credible fear interview"],
        ]
    )


def staff_sideways_csv(persons: Sequence[Person]) -> Make:
    return csv_file(
        [["Name", *(p.name for p in persons)], ["Title", *("Asylum Officer" for _ in persons)]]
    )


# --- per-person pivots -------------------------------------------------------------------------


def pivot_rows(persons: Sequence[Person]) -> Rows:
    """``Name | CF POS | CF NEG | Total``, a 1 in one of the two per person."""
    return [["Name", "CF POS", "CF NEG", "Total"]] + [
        [p.name, k % 2, (k + 1) % 2, 1] for k, p in enumerate(persons)
    ]


def grouped_pivot_rows(persons: Sequence[Person]) -> Rows:
    """An Excel pivot: names grouped under facilities, a count of 1 per person and the
    facility's total on its own row."""
    rows: list[list[object]] = [["Row Labels", "Count of Credible Fear"]]
    for k, facility in enumerate(FACILITIES):
        group = persons[k::4]
        rows.append([facility, len(group)])
        rows += [[p.name, 1] for p in group]
    rows.append(["Grand Total", len(persons)])
    return rows


def aggregate_rows() -> Rows:
    """Counts per facility and per country: 0s and 1s among them, and nobody."""
    rows: list[list[object]] = [["Facility", "CF POS", "CF NEG", "Total"]]
    rows += [[f, k % 2, (k + 1) % 2, 1] for k, f in enumerate(FACILITIES)]
    return rows


def caseload_rows(persons: Sequence[Person]) -> Rows:
    """Officers with the cases each completed: counts, not flags."""
    return [["Name", "Asylum"]] + [[p.name, 3 + 7 * k] for k, p in enumerate(persons)]


# --- records split over sheets -------------------------------------------------------------------


def split_sheets(persons: Sequence[Person], key: str, keys: Sequence[object]) -> Make:
    """Names in one sheet, results in another, joined by ``key`` (``Case``, ``Idx``), whose
    values are ``keys`` (one per person, in order)."""
    people_rows: list[list[object]] = [[key, "Name"]]
    people_rows += [[k, p.name] for k, p in zip(keys, persons, strict=True)]
    results: list[list[object]] = [[key, "Result"]]
    results += [[k, "Credible fear positive"] for k in keys]
    return xlsx_file([("People", people_rows), ("Screening", results)])


def unrelated_sheets(persons: Sequence[Person]) -> Make:
    """A contact list numbered 1..n beside claims counted per relief: few values shared."""
    contacts: list[list[object]] = [["Idx", "Name"]]
    contacts += [[k, p.name] for k, p in enumerate(persons, 1)]
    counts: list[list[object]] = [["Relief", "Count"]]
    counts += [["Asylum", 40], ["Withholding of removal", 12], ["CAT", 3]]
    return xlsx_file([("Contacts", contacts), ("Relief", counts)])


# --- names split in parts ------------------------------------------------------------------------


def split_name_rows(persons: Sequence[Person], header: Sequence[str] | None) -> Rows:
    rows: list[list[object]] = [] if header is None else [list(header)]
    rows += [[p.last.upper(), p.first, "Asylum"] for p in persons]
    return rows


def offices_rows() -> Rows:
    """Single words beside a claim that are no names: offices and their unit codes."""
    return [
        [city, code, "Asylum"]
        for city, code in (
            ("Arlington", "ZAR"),
            ("Chicago", "ZCH"),
            ("Houston", "ZHN"),
            ("Miami", "ZMI"),
            ("Newark", "ZNK"),
            ("Boston", "ZBO"),
        )
    ]


def scan(tmp_path: Path, policy: Policy, name: str, make: Make) -> dict[str, int]:
    """The classes found in the file ``make`` writes as ``name``."""
    path = tmp_path / name
    make(path)
    return dict(scan_file(path, policy).classes)
