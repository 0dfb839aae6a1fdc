"""Detection gaps an attacker review found (headers outside the vocabulary, prose read as
comma-separated records, A-numbers spelled otherwise), each closed for its class: a header the
policy does not know never makes a column less suspicious than no header at all; text read as
records is read as prose too when its records are sentences; every separator and look-alike
letter of an A-number is one."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import openpyxl
import pytest

from approval.detect.classify import Classifier, Engine
from approval.detect.report import Tally
from approval.detect.scan import scan_file
from approval.detect.units import Cell, Records, Table, Text, Where
from approval.policy import Policy
from tests.corpus.documents import docx_bytes
from tests.corpus.people import Person, people

PERSONS = people(12, seed=71)


def classify(engine: Engine, *units: Table | Records | Text) -> dict[str, int]:
    tally = Tally(c.id for c in engine.policy.classes)
    classifier = Classifier(engine, tally)
    for unit in units:
        classifier.unit(unit)
    return dict(tally.classes())


def roster(header: str | None, persons: Sequence[Person] = PERSONS) -> list[list[Cell]]:
    body: list[list[Cell]] = [
        [p.name, p.birthdate.isoformat(), p.nationality, p.claim] for p in persons
    ]
    return body if header is None else [[header, "DOB", "Nationality", "Claim"], *body]


# Headers a publisher writes over a column of names: none is (or need be) in the policy's list.
UNKNOWN = [
    "Names",
    "Claimant",
    "Alien",  # an A-number header over names: the values decide
    "Person",
    "People",
    "Detainees",
    "Applicants",
    "Asylum seekers",  # a claim header over names: persons who claimed
    "Full names",
    "Surnames",
    "Respondents",
    "ФИО",
    "Col1",
    "",
]


@pytest.mark.parametrize("header", UNKNOWN)
def test_an_unknown_header_is_no_less_suspicious_than_none(engine: Engine, header: str) -> None:
    assert classify(engine, Table(where=Where(), rows=roster(None))) == {"protected-person": 12}
    rows = roster(header)
    assert classify(engine, Table(where=Where(), rows=rows)) == {"protected-person": 12}


@pytest.mark.parametrize("header", ["Requester", "Interpreter", "Asylum Officer", "Reviewed by"])
def test_a_header_naming_someone_else_explains_names(engine: Engine, header: str) -> None:
    """Names beside a FOIA request's subject or an interview's outcome, under a header that
    names an official or an outsider, are not the persons the records are about."""
    rows: list[list[Cell]] = [[header, "Subject", "Received"]]
    rows += [
        [p.name, "Records on credible fear processing times", f"2024-0{n % 9 + 1}-15"]
        for n, p in enumerate(PERSONS)
    ]
    assert classify(engine, Table(where=Where(), rows=rows)) == {}


def test_split_names_under_unknown_headers_are_found(engine: Engine) -> None:
    rows: list[list[Cell]] = [["Apellido paterno", "Primer nombre", "DOB", "Claim"]]
    rows += [[p.last.upper(), p.first, p.birthdate.isoformat(), "Asylum"] for p in PERSONS]
    assert classify(engine, Table(where=Where(), rows=rows)) == {"protected-person": 12}


def test_json_keys_outside_the_vocabulary_are_judged_by_their_values(engine: Engine) -> None:
    records: list[dict[str, Cell]] = [
        {"claimant": p.name, "dob": p.birthdate.isoformat(), "fearResult": p.claim} for p in PERSONS
    ]
    assert classify(engine, Records(where=Where(), records=records)) == {"protected-person": 12}
    staff: list[dict[str, Cell]] = [
        {"requester": p.name, "subject": "Credible fear processing times"} for p in PERSONS
    ]
    assert classify(engine, Records(where=Where(), records=staff)) == {}


def test_every_format_of_the_review(tmp_path: Path, policy: Policy) -> None:
    """The reviewer's files: CSV, a Word table, JSON, a hidden second sheet."""
    table = [["Names", "DOB", "Nationality", "Facility", "Fear Result"]]
    table += [
        [p.name, p.birthdate.isoformat(), p.nationality, p.facility, p.claim] for p in PERSONS
    ]
    (tmp_path / "a.csv").write_text("\n".join(",".join(r) for r in table) + "\n")
    (tmp_path / "b.docx").write_bytes(docx_bytes([("p", "Attachment B"), ("table", table)]))
    keys = ["names", "dob", "nationality", "facility", "fearResult"]
    (tmp_path / "c.json").write_text(
        json.dumps([dict(zip(keys, r, strict=True)) for r in table[1:]])
    )
    book = openpyxl.Workbook()
    summary = book.active
    assert summary is not None
    summary.append(["Facility", "Detained"])
    summary.append(["All", 6252])
    hidden = book.create_sheet("Sheet2")
    hidden.sheet_state = "hidden"
    for row in table:
        hidden.append(row)
    book.save(tmp_path / "d.xlsx")
    for name in ("a.csv", "b.docx", "c.json", "d.xlsx"):
        report = scan_file(tmp_path / name, policy)
        assert (name, dict(report.classes)) == (name, {"protected-person": 12})


# --- prose read as records -------------------------------------------------------------------


def test_sentences_split_at_their_commas_are_read_as_prose(tmp_path: Path, policy: Policy) -> None:
    lines = [
        f"Credible fear interview: {p.name}, born {p.birthdate}, {p.nationality}." for p in PERSONS
    ]
    path = tmp_path / "schedule.txt"
    path.write_text("\n".join(lines) + "\n")
    assert dict(scan_file(path, policy).classes) == {"protected-person": 12}


def test_sentences_with_commas_and_nobody_in_them_stay_clean(
    tmp_path: Path, policy: Policy
) -> None:
    lines = [
        f"The office reviewed the figures for week {n}, found no backlog, and closed the file."
        for n in range(40)
    ]
    path = tmp_path / "notes.txt"
    path.write_text("\n".join(lines) + "\n")
    assert scan_file(path, policy).verdict == "clean"


def test_a_calendar_of_interviews(tmp_path: Path, policy: Policy) -> None:
    """Lines without full stops make one "sentence" too long to read: read line by line."""
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:{n}@agency\r\nSUMMARY:Credible fear interview\r\n"
        f"DESCRIPTION:{p.name}\\, born {p.birthdate}\\, {p.nationality}\r\nEND:VEVENT\r\n"
        for n, p in enumerate(PERSONS * 4)
    )
    path = tmp_path / "interviews.ics"
    path.write_bytes(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{events}END:VCALENDAR\r\n".encode())
    assert dict(scan_file(path, policy).classes) == {"protected-person": 12}


def test_a_table_after_a_long_preface_is_found(tmp_path: Path, policy: Policy) -> None:
    preface = "".join(
        f"This report describes detention statistics for fiscal year 2022, paragraph {n}, "
        "with aggregate figures only.\n"
        for n in range(120)
    )
    table = [["Name", "DOB", "Nationality", "Claim"]]
    table += [[p.name, p.birthdate.isoformat(), p.nationality, p.claim] for p in PERSONS]
    path = tmp_path / "report.txt"
    path.write_text(preface + "\n" + "\n".join(",".join(r) for r in table) + "\n")
    assert len(preface) > 8192
    assert dict(scan_file(path, policy).classes) == {"protected-person": 12}


# --- A-numbers ---------------------------------------------------------------------------------

DIGITS = "218343183"


def grouped(sep: str, prefix: str = "A") -> Callable[[str], str]:
    return lambda d: prefix + sep + sep.join((d[:3], d[3:6], d[6:]))


def glued(prefix: str) -> Callable[[str], str]:
    return lambda d: prefix + d


SPELLINGS: dict[str, Callable[[str], str]] = {
    "lower-case": glued("a"),
    "slashes": grouped("/"),
    "en-dash": grouped("\u2013"),
    "em-dash": grouped("\u2014"),
    "non-breaking-hyphen": grouped("\u2011"),
    "minus-sign": grouped("\u2212"),
    "middle-dot": grouped("\u00b7"),
    "no-break-space": grouped("\u00a0"),
    "lower-case-hyphens": grouped("-", "a"),
    "lower-case-dots": grouped(".", "a"),  # a glued to its digits: a number, never an article
    "underscore": glued("A_"),
    "cyrillic": glued("\u0410"),
    "greek": glued("\u0391"),
    "full-width": glued("\uff21"),
    "a-no": glued("A-No. "),
    "a-no-spaced": glued("A No "),
    "a-number-colon": glued("A-Number: "),
    "alien-hash": glued("Alien# "),
    "alien-no": glued("Alien No. "),
    "alien-reg-no": glued("ALIEN REG. NO. "),
    "alien-registration-number": glued("Alien Registration Number "),
}
NOT_A_NUMBERS = [
    "a " + DIGITS,  # an article before a number
    "A218-343-183-9",  # a longer number
    "A" + DIGITS + ".5",
    "QA" + DIGITS,
    "Plan A 2023",
    "Invoice 212345678",
    "Alienation 2023",
    # Columns of figures in a table printed as text: one separator between groups, at most
    # one space after the A.
    "Category A   120 340 560",
    "Category A\t120\t340\t560",
    "A 120  340 560",
    "A120\t340\t560",
    "A  218343183",
]


@pytest.mark.parametrize("spell", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_every_spelling_of_an_a_number(engine: Engine, spell: Callable[[str], str]) -> None:
    detector = engine.detectors["a-number"]
    line = f"{spell(DIGITS)}, Credible Fear - Positive"
    assert detector.may_find(line)
    assert [f.value for f in detector.find(line)] == ["A" + DIGITS]
    assert detector.canonical(spell(DIGITS)) == "A" + DIGITS


@pytest.mark.parametrize("text", NOT_A_NUMBERS)
def test_numbers_that_are_no_a_numbers(engine: Engine, text: str) -> None:
    assert engine.detectors["a-number"].find(text) == []


@pytest.mark.parametrize("spell", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_a_spelled_a_number_alone_identifies_in_prose_and_in_cells(
    engine: Engine, spell: Callable[[str], str]
) -> None:
    lines = [f"{spell(p.a_digits)}, {p.claim}" for p in PERSONS]
    assert classify(engine, Text(where=Where(), lines=lines)) == {"protected-person": 12}
    rows: list[list[Cell]] = [[spell(p.a_digits), p.claim] for p in PERSONS]
    assert classify(engine, Table(where=Where(), rows=rows)) == {"protected-person": 12}


@pytest.mark.parametrize("header", ["Interpreter", "Asylum Officer"])
def test_names_with_birthdates_are_persons_whatever_the_header(engine: Engine, header: str) -> None:
    """Officials are listed without birthdates: a header naming one over rows that give
    birthdates is a disguise, and the rows are about the persons they name."""
    rows = roster(header)
    assert classify(engine, Table(where=Where(), rows=rows)) == {"protected-person": 12}


def test_names_in_capitals_under_an_unknown_header(engine: Engine) -> None:
    body: list[list[Cell]] = [[p.name.upper(), p.birthdate.isoformat(), p.claim] for p in PERSONS]
    for rows in (body, [["CLAIMANT", "DOB", "CLAIM"], *body]):
        assert classify(engine, Table(where=Where(), rows=rows)) == {"protected-person": 12}


def test_a_column_of_categories_in_title_case_is_no_names(engine: Engine) -> None:
    """Statistics: an unknown header over categories that have a name's shape ("Non
    Criminal") beside nationalities and fear results: words no name holds."""
    categories = ["Non Criminal", "Convicted Criminal", "PENDING CRIMINAL CHARGES"]
    rows: list[list[Cell]] = [["Criminality", "Nationality", "Fear Result", "Book-ins"]]
    rows += [
        [categories[n % 3], ["Mexico", "Haiti", "Cuba"][n % 2], "Credible Fear - Positive", n]
        for n in range(60)
    ]
    assert classify(engine, Table(where=Where(), rows=rows)) == {}
    assert classify(engine, Table(where=Where(), rows=rows[1:])) == {}


def test_a_header_in_capitals_is_still_a_header(engine: Engine) -> None:
    rows: list[list[Cell]] = [["A NUMBER", "ARREST METHOD", "BOND AMOUNT", "FEAR RESULT"]]
    rows += [[p.a_digits, "CUSTODIAL ARREST", "1500", p.claim] for p in PERSONS]
    assert classify(engine, Table(where=Where(), rows=rows)) == {"protected-person": 12}
