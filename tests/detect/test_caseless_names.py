"""Names typed without the case that shows one (``maria lopez``, ``MARIA LOPEZ``), or surname
first (``Lopez, Maria``), in a table's cells: a column of them under a header outside the
vocabulary, a cell that joins one to a claim (``maria lopez - asylum granted``), rows below
the sample, records. A common given name and surname count as a line of text counts them
(``claimants.gazetteer_name``), in every table format; words that are no such pair (``rosa
luz``, ``grace and mercy``, places, officials, products) stay what they were, and a staff
list stays clean in any case."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from approval.detect.claimants import gazetteer_name
from approval.detect.detectors import Element
from approval.detect.detectors.person_name import PersonName
from approval.detect.gazetteer import full_name
from approval.detect.scan import scan_file
from approval.detect.textnorm import fold
from approval.policy import Policy
from tests.corpus.accuracy._files import (
    Make,
    Rows,
    csv_file,
    docx_file,
    html_file,
    html_table,
    xlsx_file,
)

NAMES = ["Maria Lopez", "Jose Perez", "Ana Garcia", "Luis Ramirez", "Carmen Torres", "Juan Soto"]
CLAIMS = ["asylum granted", "credible fear found", "asylum pending"] * 2
CASES: dict[str, Callable[[str], str]] = {"lower": str.lower, "upper": str.upper, "title": str}


def _html(rows: Rows) -> Make:
    head, *body = rows
    return html_file("Cases", html_table("Cases", [str(h) for h in head], body))


def _docx(rows: Rows) -> Make:
    return docx_file([("table", [[str(v) for v in row] for row in rows])])


FORMATS: dict[str, tuple[str, Callable[[Rows], Make]]] = {
    "csv": ("csv", csv_file),
    "tsv": ("tsv", lambda rows: csv_file(rows, delimiter="\t")),
    "xlsx": ("xlsx", lambda rows: xlsx_file([("Cases", rows)])),
    "html": ("html", _html),
    "docx": ("docx", _docx),
}


def _scan(tmp_path: Path, policy: Policy, rows: Rows, fmt: str = "csv") -> dict[str, int]:
    suffix, make = FORMATS[fmt]
    path = tmp_path / f"table.{suffix}"
    make(rows)(path)
    return dict(scan_file(path, policy).classes)


def _with(*columns: list[str]) -> list[list[str]]:
    return [list(row) for row in zip(*columns, strict=True)]


def _comma(name: str) -> str:
    first, last = name.split()
    return f"{last}, {first}"


SHAPES: dict[str, Callable[[Callable[[str], str]], list[list[str]]]] = {
    # A column of names whose header says nothing known, beside a column of claims.
    "column": lambda case: [
        ["id", "who", "outcome"],
        *([str(i), case(n), c] for i, (n, c) in enumerate(zip(NAMES, CLAIMS, strict=True))),
    ],
    "column-surname-first": lambda case: [
        ["id", "who", "outcome"],
        *([str(i), case(_comma(n)), c] for i, (n, c) in enumerate(zip(NAMES, CLAIMS, strict=True))),
    ],
    # A name joined to its claim in one cell of free text.
    "cell": lambda case: [
        ["id", "detail"],
        *([str(i), f"{case(n)} - {c}"] for i, (n, c) in enumerate(zip(NAMES, CLAIMS, strict=True))),
    ],
    "cell-surname-first": lambda case: [
        ["id", "detail"],
        *(
            [str(i), f"{case(_comma(n))} - {c}"]
            for i, (n, c) in enumerate(zip(NAMES, CLAIMS, strict=True))
        ),
    ],
}


def test_the_names_are_common_given_names_and_surnames() -> None:
    assert all(full_name(fold(n).split()) for n in NAMES)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_names_in_any_case_are_persons_in_every_table_format(
    tmp_path: Path, policy: Policy, fmt: str, shape: str, case: str
) -> None:
    rows = SHAPES[shape](CASES[case])
    assert _scan(tmp_path, policy, rows, fmt) == {"protected-person": len(NAMES)}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_table_without_a_header(tmp_path: Path, policy: Policy, fmt: str, case: str) -> None:
    # The first row is data, not a header with a claim word in it (``_is_header``).
    rows = [[str(i), CASES[case](n), c] for i, (n, c) in enumerate(zip(NAMES, CLAIMS, strict=True))]
    assert _scan(tmp_path, policy, rows, fmt) == {"protected-person": len(NAMES)}


@pytest.mark.parametrize("case", CASES)
def test_names_below_the_sample_are_judged_row_by_row(
    tmp_path: Path, policy: Policy, case: str
) -> None:
    # The sample holds no names in the column: its rows below are judged by their values.
    filler = [[str(i), "see case file", "asylum granted"] for i in range(300)]
    late = _with([str(300 + i) for i in range(6)], [CASES[case](n) for n in NAMES], CLAIMS)
    rows = [["id", "who", "outcome"], *filler, *late]
    assert _scan(tmp_path, policy, rows) == {"protected-person": len(NAMES)}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("filler", [0, 250])
def test_records_under_a_key_outside_the_vocabulary(
    tmp_path: Path, policy: Policy, case: str, filler: int
) -> None:
    records = [{"id": i, "who": "see file", "outcome": "asylum granted"} for i in range(filler)]
    records += [
        {"id": filler + i, "who": CASES[case](n), "outcome": c}
        for i, (n, c) in enumerate(zip(NAMES, CLAIMS, strict=True))
    ]
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    assert dict(scan_file(path, policy).classes) == {"protected-person": len(NAMES)}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("shape", [str, _comma], ids=["given-first", "surname-first"])
def test_a_key_that_names_its_person(
    tmp_path: Path, policy: Policy, case: str, shape: Callable[[str], str]
) -> None:
    # ``{"lopez, maria": {...}}``: a key is a record's label as a cell is a column's value.
    path = tmp_path / "cases.json"
    record = {"status": "asylum pending", "country": "Honduras"}
    path.write_text(json.dumps({"cases": {CASES[case](shape(NAMES[0])): record}}))
    report = scan_file(path, policy)
    assert dict(report.classes) == {"protected-person": 1}
    keys = {f.location.get("key") for f in report.findings}
    assert keys == {"cases.<name>.status", "cases.<name>.country"}


# Words of the gazetteer that are no given name and surname, officials, places and things.
NOT_NAMES = [
    "rosa luz",
    "grace and mercy",
    "san jose",
    "santa maria",
    "judge maria lopez",
    "officer jose perez",
    "john deere tractor",
    "paris, france",
    "asylum office",
    "maria",
    "lopez garcia",
    "juan carlos",
]


def test_lower_case_words_that_are_no_names_stay_clean_in_a_column(
    tmp_path: Path, policy: Policy
) -> None:
    ids = [str(i) for i in range(len(NOT_NAMES))]
    rows = [["id", "who", "outcome"], *_with(ids, NOT_NAMES, ["asylum granted"] * len(ids))]
    assert _scan(tmp_path, policy, rows) == {}


@pytest.mark.parametrize("value", NOT_NAMES)
def test_lower_case_words_that_are_no_names_stay_clean_in_a_cell(
    tmp_path: Path, policy: Policy, value: str
) -> None:
    rows = [["id", "detail"], *([str(i), f"{value} - asylum granted"] for i in range(4))]
    assert _scan(tmp_path, policy, rows) == {}


@pytest.mark.parametrize(
    "rows",
    [
        [["Name", "Department"], *_with(NAMES, ["Asylum", "Refugee Affairs", "CAT"] * 2)],
        [["Asylum office", "Director"], *_with(["Houston", "Newark", "Miami"] * 2, NAMES)],
        [["Trainer", "Course"], *_with(NAMES, ["Credible fear"] * 6)],
        [["Judge", "Asylum"], *([n, str(100 + i)] for i, n in enumerate(NAMES))],
    ],
    ids=["departments", "office-directors", "trainers", "judge-counts"],
)
@pytest.mark.parametrize("case", CASES)
def test_a_staff_list_stays_clean_in_any_case(
    tmp_path: Path, policy: Policy, rows: list[list[str]], case: str
) -> None:
    cased = [list(rows[0]), *([CASES[case](v) if v in NAMES else v for v in r] for r in rows[1:])]
    assert _scan(tmp_path, policy, cased) == {}


@pytest.fixture(scope="module")
def names(detectors: dict[str, Element]) -> PersonName:
    found = detectors["person-name"]
    assert isinstance(found, PersonName)
    return found


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("maria lopez", "maria lopez"),
        ("MARIA LOPEZ", "MARIA LOPEZ"),
        ("Maria lopez", "Maria lopez"),
        ("jose luis ramirez", "jose luis ramirez"),
        ("jose de la cruz", "jose de la cruz"),
        ("  maria   lopez ", "maria lopez"),
        ("lopez, maria", "lopez, maria"),
        ("garcia lopez, maria", "garcia lopez, maria"),
        ("Maria Lopez", None),  # title case: judged by its shape (``looks_like``)
        ("Lopez, Maria", "Lopez, Maria"),  # which refuses the comma
        ("Toronto, Ontario", None),  # title case takes any words: the gazetteer decides
        ("Smith, Maria Jose", "Smith, Maria Jose"),
        ("maria lopez - asylum", None),  # not the whole value
        ("maria lopez said", None),
        *((v, None) for v in NOT_NAMES),
    ],
)
def test_gazetteer_name(names: PersonName, value: str, expected: str | None) -> None:
    found = gazetteer_name(value, names)
    assert (found.value if found else None) == expected
