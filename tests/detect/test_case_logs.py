"""Tables that name a few persons over many rows (a case log, an interview schedule) and
tables whose rows are all in capitals: a reviewer found both read as clean, or short of a
person. A column of names is never taken for categories (a claim may come past the rows a
column is judged from), and an all-caps first row is a header only when nothing in it is a
value."""

from __future__ import annotations

import pytest

from approval.detect.classify import Classifier, Engine
from approval.detect.report import Tally
from approval.detect.units import Cell, Records, Table, Text, Where

# Persons listed many times each: few distinct names among many rows, as categories are.
LOG_NAMES = [
    "Maria Lopez Garcia",
    "Jose Hernandez",
    "Ana Martinez",
    "Luis Ramirez",
    "Carmen Flores",
]
# Names on no list of common given names and surnames: only their shape tells them.
RARE_NAMES = ["Temitope Okonkwo", "Boguslaw Kowalczyk", "Ruby Stephens"]


def classify(engine: Engine, *units: Table | Records | Text) -> dict[str, int]:
    tally = Tally(c.id for c in engine.policy.classes)
    classifier = Classifier(engine, tally)
    for unit in units:
        classifier.unit(unit)
    return dict(tally.classes())


def case_log(names: list[str], each: int, event: str = "asylum interview") -> list[list[Cell]]:
    return [
        [names[n % len(names)], event, f"2023-{n % 12 + 1:02d}-{n % 28 + 1:02d}", "Honduras"]
        for n in range(len(names) * each)
    ]


def test_a_case_log_without_a_header_names_its_persons(engine: Engine) -> None:
    rows = case_log(LOG_NAMES[:3], 10)
    assert classify(engine, Table(where=Where(), rows=rows)) == {"protected-person": 3}


@pytest.mark.parametrize(
    ("header", "persons"),
    [
        ("Client", 5),
        ("Individual", 5),
        ("Person", 5),
        ("Customer", 5),
        ("Interviewee", 5),
        ("Name", 5),
    ],
)
def test_a_case_log_under_any_header_names_its_persons(
    engine: Engine, header: str, persons: int
) -> None:
    """The reviewer's log: 5 persons x 12 rows under a header outside the vocabulary. A header
    row of words none of which the vocabulary knows ("Client", "Event") is a header all the
    same: labels over values of another shape (``Classifier._heads_columns``), no person."""
    rows = [[header, "Event", "Date", "Country"], *case_log(LOG_NAMES, 12)]
    assert classify(engine, Table(where=Where(), rows=rows)) == {"protected-person": persons}
    rows = [[header, "Event", "Date", "Nationality"], *case_log(LOG_NAMES, 12)]
    assert classify(engine, Table(where=Where(), rows=rows)) == {"protected-person": 5}


def test_names_on_no_list_repeated_in_a_claim_table_are_names(engine: Engine) -> None:
    rows = case_log(RARE_NAMES, 20)
    assert classify(engine, Table(where=Where(), rows=rows)) == {"protected-person": 3}
    header: list[Cell] = ["Interviewee", "Event", "Date", "Nationality"]
    assert classify(engine, Table(where=Where(), rows=[header, *rows])) == {"protected-person": 3}


def test_a_case_log_as_json_records_names_its_persons(engine: Engine) -> None:
    records: list[dict[str, Cell]] = [
        {"client": name, "event": event, "date": date, "country": country}
        for name, event, date, country in case_log(RARE_NAMES, 20)
    ]
    assert classify(engine, Records(where=Where(), records=records)) == {"protected-person": 3}


def test_names_a_claim_follows_past_the_sample_are_names(engine: Engine) -> None:
    """Nothing in the first rows says what the names are about; a later row does. Names a
    gazetteer knows are never categories, however often they repeat."""
    rows: list[list[Cell]] = [[LOG_NAMES[n % 3], "hearing", n] for n in range(210)]
    rows[-1][1] = "asylum interview"
    assert classify(engine, Table(where=Where(), rows=rows)) == {"protected-person": 1}


def test_names_repeated_in_a_log_with_the_claim_only_past_the_sample_are_persons(
    engine: Engine,
) -> None:
    """Three names on no list, repeated over 300 rows, and the claim in one late note (past
    the rows a column is judged from): the person that note is about is found, as with varied
    names. No rule takes a column of name-shaped values for categories from the sample."""
    names = ["Tsegaye Berhane", "Kidane Warsame", "Bishnu Thapa"]
    rows: list[list[Cell]] = [[names[n % 3], "", n] for n in range(300)]
    rows[250][1] = "Credible fear interview; claims asylum, fears return to Eritrea"
    assert classify(engine, Table(where=Where(), rows=rows)) == {"protected-person": 1}


def test_categories_beside_a_claim_are_read_as_names_a_false_alarm_never_a_miss(
    engine: Engine,
) -> None:
    categories = ["Single Adults", "Accompanied Minors", "Unaccompanied Minors"]
    rows: list[list[Cell]] = [[categories[n % 3], "asylum", n] for n in range(240)]
    assert classify(engine, Table(where=Where(), rows=rows)) == {"protected-person": 3}
    # With nothing the policy knows anywhere, name-shaped values alone are no finding.
    rows = [[categories[n % 3], "", n] for n in range(240)]
    assert classify(engine, Table(where=Where(), rows=rows)) == {}


# --- all-caps rows --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rows",
    [
        [["MARIA LOPEZ GARCIA", "ASYLUM"], ["JOSE PEREZ", "ASYLUM"]],
        [["MARIA LOPEZ GARCIA", "DEFENSIVE ASYLUM", "PENDING"], ["JOSE PEREZ", "ASYLUM", "DENIED"]],
        # Names on no list: the claim repeated under the first row says it is no header.
        [["TEMITOPE OKONKWO", "ASYLUM"], ["BOGUSLAW KOWALCZYK", "ASYLUM"]],
    ],
    ids=["known-names", "known-name-3-columns", "repeated-value"],
)
def test_an_all_caps_first_row_of_values_is_no_header(
    engine: Engine, rows: list[list[Cell]]
) -> None:
    assert classify(engine, Table(where=Where(), rows=rows)) == {"protected-person": 2}


def test_an_all_caps_header_over_all_caps_names_is_a_header(engine: Engine) -> None:
    rows: list[list[Cell]] = [["APPLICANT NAME", "CLAIM TYPE"]]
    rows += [[name.upper(), "ASYLUM"] for name in RARE_NAMES]
    assert classify(engine, Table(where=Where(), rows=rows)) == {"protected-person": 3}
