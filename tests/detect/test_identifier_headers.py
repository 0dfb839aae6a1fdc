"""Bare 8-9 digit numbers under a header: the policy's A-number headers (``AR number``,
``EOIR case``, ``Alien File No.``) name the A-number wherever they stand; a header that only
says "a record's number" (``File number``, ``Case No.``, ``Registration number``) names it in
a table that also holds a claim, names or birthdates (``vocabulary.identifier_columns``), and
an order, a budget or a count never."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from approval.detect.scan import scan_file
from approval.detect.vocabulary import HeaderIndex, identifier_columns, names_identifier
from approval.policy import Policy

CLAIMS = ["credible fear found", "credible fear negative", "asylum pending"]


@pytest.mark.parametrize(
    ("header", "detector"),
    [
        ("AR number", "a-number"),
        ("A.R. No.", "a-number"),
        ("AR #", "a-number"),
        ("EOIR case", "a-number"),
        ("EOIR Case #", "a-number"),
        ("EOIR number", "a-number"),
        ("Alien File No.", "a-number"),
        ("alien file", "a-number"),
        ("A-File #", "a-number"),
        ("USCIS No.", "a-number"),
        ("A.N.", "a-number"),  # its loose words are "an": the label decides
        ("A. N. #", "a-number"),
        ("An", None),
        ("an overview", None),
        # Generic: no element on its own (see ``identifier_columns``).
        ("file number", None),
        ("case number", None),
        ("registration number", None),
        ("Order number", None),
        ("AR", None),
        ("Year number", None),
    ],
)
def test_a_number_headers_of_the_policy(policy: Policy, header: str, detector: str | None) -> None:
    assert HeaderIndex.from_policy(policy).match(header) == detector


@pytest.mark.parametrize(
    ("header", "named"),
    [
        ("file number", True),
        ("File No.", True),
        ("case number", True),
        ("Case #", True),
        ("caseNumber", True),
        ("case_no", True),
        ("registration number", True),
        ("Reg. No.", True),
        ("Record ID", True),
        ("Order number", False),
        ("Invoice number", False),
        ("number of cases", False),
        ("Case", False),
        ("Case count", False),
        ("Total case number", False),
    ],
)
def test_headers_that_name_a_records_number(header: str, named: bool) -> None:
    assert names_identifier(header) is named


def _read(text: str) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    return header, [[r[c] for r in body] for c in range(len(header))]


def test_identifier_columns_takes_a_column_of_8_9_digit_numbers() -> None:
    header, columns = _read(
        "case number,file no,registration number,notes\n"
        "212345678,2023-0001,212 345 678,x\n"
        "212345679,2023-0002,A21234 5679,y\n"
        "212345680,2023-0003,N/A,z\n"
        "212345681,2023-0004,212.345.681,w\n"
        "212345682,2023-0005,212345682.0,v\n"
    )
    # The second column holds no A-numbers; a column another header explained stays its own.
    assert identifier_columns(header, columns, {}) == [0, 2]
    assert identifier_columns(header, columns, {0: "person-name"}) == [2]


def _csv(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_a_policy_header_over_bare_numbers_beside_a_claim_is_protected(
    tmp_path: Path, policy: Policy
) -> None:
    rows = "".join(f"{212345678 + i},{c}\n" for i, c in enumerate(CLAIMS))
    for header in ("AR number", "EOIR case"):
        report = scan_file(_csv(tmp_path / "t.csv", f"{header},fear_result\n{rows}"), policy)
        assert report.verdict == "protected", header
        assert report.classes.get("protected-person") == 3


@pytest.mark.parametrize("header", ["file number", "registration number", "case number"])
def test_a_generic_number_header_beside_a_claim_is_protected(
    tmp_path: Path, policy: Policy, header: str
) -> None:
    rows = "".join(f"{212345678 + i},{c}\n" for i, c in enumerate(CLAIMS))
    report = scan_file(_csv(tmp_path / "t.csv", f"{header},fear_result\n{rows}"), policy)
    assert report.verdict == "protected"
    assert report.classes.get("protected-person") == 3


@pytest.mark.parametrize(
    "text",
    [
        # Orders, budgets and counts: no claim, no name, no birthdate beside the number.
        'order number,item,amount\n212345678,paper,"212,345,678"\n212345679,toner,12\n',
        "case number,status,office\n212345678,closed,Houston\n212345679,open,Miami\n",
        "file number,pages\n212345678,12\n212345679,30\n",
        "registration number,vehicle\n212345678,truck\n212345679,van\n",
        'program,budget\nasylum processing,"212,345,678"\ncredible fear,"98,765,432"\n',
    ],
)
def test_numbers_in_tables_without_persons_or_claims_stay_clean(
    tmp_path: Path, policy: Policy, text: str
) -> None:
    assert scan_file(_csv(tmp_path / "t.csv", text), policy).verdict == "clean"


def test_an_order_number_beside_a_claim_column_is_not_an_a_number(
    tmp_path: Path, policy: Policy
) -> None:
    # "Order" files nobody's record: even beside claim words the table names no person.
    text = "order number,program\n212345678,credible fear\n212345679,asylum\n212345680,asylum\n"
    report = scan_file(_csv(tmp_path / "t.csv", text), policy)
    assert "protected-person" not in report.classes
