"""A-numbers however people write them: with the letter A or a label, in any grouping (spaces,
commas, dots, dashes, one digit at a time, 5+4), in prose, in files; and the numbers that only
look like them (phone numbers, dates, ZIP+4, amounts, counts, SSNs, orders) left alone.

The scanner (``ANumber.find`` / ``canonical``) and the checks of free text
(``approval.detect.strings``) share one recogniser (``a_number.spelled``, ``bare_numbers``):
the tables here drive the recogniser, then real files through ``scan_file``."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from approval.detect.detectors import Element
from approval.detect.detectors.a_number import (
    bare_numbers,
    broken_over_lines,
    plain_value,
    spelled,
)
from approval.detect.scan import scan_file
from approval.policy import Policy

A = "A212345678"

# (text, the A-number found, or None)
SPELLINGS = [
    ("Re: A.N. 212,345,678 - credible fear found", A),
    ("A.N. 212345678", A),
    ("A. N. 212-345-678", A),
    ("A21234 5678", A),
    ("A-21234-5678", A),
    ("A2123 45678", A),
    ("A 2 1 2 3 4 5 6 7 8", A),
    ("A-2-1-2-3-4-5-6-7-8", A),
    ("A.2.1.2.3.4.5.6.7.8", A),
    ("A# 212,345,678", A),
    ("A-No. 21,234,567", "A021234567"),
    ("Alien No. 2 1 2 3 4 5 6 7 8", A),
    ("Alien File No. 212-345-678", A),
    ("A-File 212345678", A),
    ("A-file #212 345 678", A),
    ("AR No. 212345678", A),
    ("A.R. # 212-34-5678", A),  # after a label, any grouping
    ("USCIS # 212345678", A),
    ("USCIS No. 212 345 678", A),
    ("EOIR case no. 212-345-678", A),
    ("A number 212 345 678", A),
    ("A-number: 21234 5678", A),
    ("a21234 5678", A),  # a lower-case a glued to its digits
    ("A212345678 03/02/1985", A),  # a date after it is the next field
    ("GARCIA, Maria A 212 345 678 1985-03-02", A),
    ("Maria Garcia,A212345678,11/04/2024", A),
    ("A212-345678", A),  # dashes in other places: one kind, groups of two or more
    ("A21-234-5678", A),
    ("A212\u2011345678", A),  # Word's non-breaking hyphen
    # Not A-numbers.
    ("A2023-004512", None),  # a year first
    ("A2023-00451", None),  # nine digits: only the year tells it from A212-345678
    ("A1998-1234", None),
    ("A 2 1 2 3 4 5 6 7 8 9 0", None),  # ten digits, one at a time
    ("Row A 1 2 3 4 5 6 7 8 9", None),  # seats
    ("Category A 21234 5678", None),
    ("Table A 2 0 1 0 0 3 0 0 1", None),
    ("PO A-2023-00451", None),  # a year and a number
    ("Schedule A 2021 2022", None),
    ("A 212 345 678 910", None),  # four figures of a table printed as text
    ("A 212,345,678", None),  # an amount: commas only after a label
    ("Part A: $212,345,678", None),
    ("A21234 56789", None),  # ten digits
    ("a 2 1 2 3 4 5 6 7 8", None),  # "a" before a space is an article
    ("an 212345678", None),
    ("reached a number 12,345,678 in total", None),
    ("a no. 212345678", A),
    ("a file 212345678", None),  # "a file", not "A-File"
    ("A212345678.5", None),
    ("A212-345-678-9", None),
    ("(212) 345-6789", None),
    ("Invoice 212345678", None),
]


@pytest.mark.parametrize(("text", "expected"), SPELLINGS)
def test_spellings_in_text(detectors: dict[str, Element], text: str, expected: str | None) -> None:
    found = [f.value for f in detectors["a-number"].find(text)]
    assert found == ([expected] if expected else [])
    assert [f.value for f in spelled(text)] == found  # one recogniser for scanner and free text
    if expected:
        # The cheap test that lets a line through to ``find`` never says no to an A-number.
        assert detectors["a-number"].may_find(text)


def test_a_found_span_covers_the_digits_and_no_more() -> None:
    text = "Re: A.N. 212,345,678 - credible fear found"
    (found,) = spelled(text)
    assert text[found.start : found.end] == "A.N. 212,345,678"
    text = "file A21234 5678 1985-03-02"
    (found,) = spelled(text)
    assert text[found.start : found.end] == "A21234 5678"


# Under an A-number header (or a label), the number needs no A and may be grouped any way.
UNDER_A_HEADER = [
    ("212,345,678", A),
    ("2 1 2 3 4 5 6 7 8", A),
    ("21234 5678", A),
    ("212.345.678", A),
    ("A.N. 212345678", A),
    ("AR# 212-345-678", A),
    ("2022-11-28", None),  # a date is no A-number even under its header
    ("11/28/2022", None),
    ("2023-000451", None),  # a year and a serial: a case system's number
    ("212345678,212345679", None),  # two numbers
    ("2,123,456,789", None),
    ("1,234,567", None),
]


@pytest.mark.parametrize(("value", "expected"), UNDER_A_HEADER)
def test_values_under_an_a_number_header(
    detectors: dict[str, Element], value: str, expected: str | None
) -> None:
    assert detectors["a-number"].canonical(value) == expected


BARE = [
    ("212345678", True),
    ("212-345-678", True),
    ("212 345 678", True),
    ("212_345_678", True),
    ("2 1 2 3 4 5 6 7 8", True),
    ("21234 5678", True),
    ("20529-2100", False),  # ZIP+4
    ("(202) 555-0123", False),
    ("202-555-0123", False),
    ("212-34-5678", False),  # an SSN's shape
    ("212,345,678", False),  # an amount
    ("20221128", False),  # a date
    ("2022-11-28", False),
    ("120 340 560 780", False),  # figures of a table
    ("1234567", False),
    ("2123456789", False),
]


@pytest.mark.parametrize(("text", "flagged"), BARE)
def test_bare_numbers(text: str, flagged: bool) -> None:
    assert bool(bare_numbers(f"ref {text} ok")) == flagged


# --- real files --------------------------------------------------------------------------------

CLAIMS = ["credible fear found", "asylum pending", "credible fear negative"]


def _memo(path: Path, line: str) -> Path:
    path.write_text(f"Memo\nRe: {line} - credible fear found; asylum claim pending.\n")
    return path


PROSE_SPELLINGS = [
    "A.N. 212,345,678",
    "A21234 5678",
    "A 2 1 2 3 4 5 6 7 8",
    "Alien File No. 212-345-678",
    "AR # 212345678",
    "USCIS No. 212 345 678",
    "A-No. 212,345,678",
]


@pytest.mark.parametrize("spelling", PROSE_SPELLINGS)
def test_a_memo_with_a_spelled_a_number_and_a_claim_is_protected(
    tmp_path: Path, policy: Policy, spelling: str
) -> None:
    report = scan_file(_memo(tmp_path / "memo.txt", spelling), policy)
    assert report.verdict == "protected"
    assert report.classes.get("protected-person") == 1
    assert "212345678" not in str(report.to_dict())  # samples stay redacted


@pytest.mark.parametrize(
    "text",
    [
        "Budget: line A 212,345,678 dollars for credible fear processing.",
        "Call 202-555-0123 about asylum statistics; office at Washington, DC 20529-2100.",
        "Row A 1 2 3 4 5 6 7 8 9 seats are reserved for the asylum training.",
        "Report 2022-11-28: 212,345,678 dollars; 12,345 asylum cases; SSN format 212-34-5678.",
        "PO A-2023-00451 for the credible fear unit.",
    ],
)
def test_numbers_that_only_look_like_a_numbers_leave_prose_clean(
    tmp_path: Path, policy: Policy, text: str
) -> None:
    path = tmp_path / "note.txt"
    path.write_text(text + "\n")
    assert scan_file(path, policy).verdict == "clean"


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.mark.parametrize(
    "header",
    ["AR number", "A.R. No.", "EOIR case", "EOIR Case #", "Alien File No.", "A-File", "A.N."],
)
def test_a_column_under_an_a_number_header_beside_a_claim_is_protected(
    tmp_path: Path, policy: Policy, header: str
) -> None:
    rows = [[str(212345678 + i), claim] for i, claim in enumerate(CLAIMS)]
    report = scan_file(_csv(tmp_path / "t.csv", [header, "fear_result"], rows), policy)
    assert report.verdict == "protected"
    assert report.classes.get("protected-person") == 3


@pytest.mark.parametrize("value", ["212,345,678", "212 345 678", "21234 5678", "A.N. 212345678"])
def test_any_grouping_under_an_a_number_header(tmp_path: Path, policy: Policy, value: str) -> None:
    rows = [[value.replace("678", f"67{i}"), claim] for i, claim in enumerate(CLAIMS)]
    report = scan_file(_csv(tmp_path / "t.csv", ["A-Number", "Claim"], rows), policy)
    assert report.verdict == "protected"
    assert report.classes.get("protected-person") == 3


def test_a_workbook_of_a_numbers_formatted_with_thousands_separators(
    tmp_path: Path, policy: Policy
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["A-Number", "Fear result"])
    for i, claim in enumerate(CLAIMS):
        sheet.append([212345678 + i, claim])
        sheet.cell(row=i + 2, column=1).number_format = "#,##0"
    path = tmp_path / "book.xlsx"
    book.save(path)
    report = scan_file(path, policy)
    assert report.verdict == "protected"
    assert report.classes.get("protected-person") == 3


@pytest.mark.parametrize(
    ("header", "rows"),
    [
        # A budget: amounts with thousands commas, no person, no claim.
        (
            ["Program", "Amount"],
            [["Detention", "212,345,678"], ["Asylum processing", "98,765,432"]],
        ),
        (["Category", "Count"], [["Credible fear", "212345678"], ["Asylum", "12345678"]]),
        (["Order number", "Item"], [["212345678", "paper"], ["212345679", "toner"]]),
        (["Phone", "Office"], [["202-555-0123", "HQ"], ["(212) 345-6789", "NYC"]]),
        (["ZIP", "Office"], [["20529-2100", "HQ"], ["10007-1234", "NYC"]]),
        (["SSN format", "Note"], [["212-34-5678", "example"], ["123-45-6789", "example"]]),
        (["Date", "Asylum grants"], [["2022-11-28", "120"], ["20221129", "130"]]),
    ],
)
def test_tables_of_numbers_that_are_not_a_numbers_stay_clean(
    tmp_path: Path, policy: Policy, header: list[str], rows: list[list[str]]
) -> None:
    assert scan_file(_csv(tmp_path / "t.csv", header, rows), policy).verdict == "clean"


def test_a_budget_workbook_of_amounts_with_thousands_separators_stays_clean(
    tmp_path: Path, policy: Policy
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Asylum processing budget"
    sheet.append(["Line", "Amount", "Count"])
    for i, line in enumerate(["Credible fear interviews", "Asylum offices", "Detention"]):
        sheet.append([line, 212345678 + i, 12345678 + i])
        sheet.cell(row=i + 2, column=2).number_format = "#,##0"
    path = tmp_path / "budget.xlsx"
    book.save(path)
    assert scan_file(path, policy).verdict == "clean"


# --- typed, marked and split spellings (red team, finding 5) ----------------------------------

D = "218343183"
AD = "A" + D
# A combining mark renders over the character before it: the A and its digits still read.
# Every mark, not a list of the ones seen: those of other scripts' blocks too (Hebrew, Arabic,
# Devanagari, half marks, musical symbols, variation selectors).
MARKS = ["\u0300", "\u0301", "\u0308", "\u0332", "\u0336", "\u0338", "\u20dd", "\u034f", "\u0489"]
MARKS += ["\u0591", "\u064b", "\u093c", "\ufe20", "\U0001d167", "\U000e0100"]


@pytest.mark.parametrize("mark", MARKS)
def test_combining_marks_on_the_a_or_between_digits_are_read_through(
    detectors: dict[str, Element], mark: str
) -> None:
    on_a = f"A{mark}{D}"
    in_digits = "A" + mark.join(D) + mark
    for value in (on_a, in_digits):
        assert detectors["a-number"].canonical(value) == AD  # under a header
        text = f"Applicant {value} received a positive credible fear determination."
        assert detectors["a-number"].may_find(text)
        (found,) = spelled(text)
        assert found.value == AD
        assert text[found.start : found.end].startswith("A")  # the span is the text's own
        assert text[found.end :].startswith((mark + " ", " "))


@pytest.mark.parametrize("letter", ["\u00c0", "\u00c1", "\u00c4", "\u00c5", "\u01cd", "\u1ea0"])
def test_an_a_composed_with_its_mark_reads_as_an_a(letter: str) -> None:
    """A reader that composes text (NFC) makes A and U+0301 one letter, Á."""
    text = f"Applicant {letter}{D} received asylum."
    (found,) = spelled(text)
    assert (found.value, text[found.start : found.end]) == (AD, f"{letter}{D}")


# (value under an A-number header, the A-number or None)
TYPED_UNDER_A_HEADER = [
    (f"'{D}", AD),  # Excel's text prefix
    ("\u2019" + D, AD),
    ("2.18343183E+08", AD),  # scientific notation
    ("2.18343183e8", AD),
    ("2.18343E+08", "A218343000"),  # six figures kept: still the column's A-number
    (f"{D}.0", AD),
    (f"A{D}-01", AD),  # a family member's suffix
    (f"A{D}X", AD),
    ("218'343'183", AD),  # apostrophe grouping
    ("(218) 343-183", AD),
    ("2.5E+03", None),  # a small number in E-notation
    ("2.1834318345E+08", None),  # not an integer
    ("(212) 345-6789", None),  # a phone's ten digits
    ("2023-01-05", None),
    ("2023-0451-01", None),
    (f"A{D}-001", None),
    (f"A{D}XY", None),
]


@pytest.mark.parametrize(("value", "expected"), TYPED_UNDER_A_HEADER)
def test_typed_values_under_an_a_number_header(
    detectors: dict[str, Element], value: str, expected: str | None
) -> None:
    assert detectors["a-number"].canonical(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (f"'{D}", AD),
        ("2.18343183E+08", AD),
        (f"A\u0301{D}", AD),
        (f"A{D}-01", AD),
        ("2023-0001", None),
        ("2.5E+03", None),
        (f"{D}-01", None),  # a case system's suffix, without the A
    ],
)
def test_plain_values_under_a_record_number_header(value: str, expected: str | None) -> None:
    assert plain_value(value) == expected


PROSE_NEW = [
    ("Applicant A-218'343'183 received a positive credible fear determination.", AD),
    (f"Applicant A{D}-01 received a positive credible fear determination.", AD),
    (f"Applicant A.R. {D} received asylum.", AD),
    ("Applicant A218'343'183 received asylum.", AD),
    ("Kategorie A 12'345'678 CHF for asylum.", None),  # Swiss thousands: an amount
    ("Part A: 12'345'678 for asylum processing.", None),
    (f"Applicant A{D}-2 was heard.", None),  # one digit after: another number
    (f"Applicant A{D}-001 was heard.", None),
    ("Order A212-345-678-90 shipped.", None),
]


@pytest.mark.parametrize(("text", "expected"), PROSE_NEW)
def test_new_spellings_in_prose(text: str, expected: str | None) -> None:
    assert [f.value for f in spelled(text)] == ([expected] if expected else [])


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Applicant A2183-\n43183 received a positive credible fear determination.", AD),
        ("Applicant A-218-\n343-183 received asylum.", AD),
        ("Applicant A 218 343\n183 received asylum.", AD),
        ("Applicant A2183\n43183 received asylum.", AD),
        ("Table A 1234\n5678 persons were counted.", None),
        ("Category A 21234\n5678 in total.", None),
        ("Call 212-345-\n6789 about asylum.", None),
    ],
)
def test_a_number_broken_over_two_lines(text: str, found: str | None) -> None:
    lines = list(enumerate(text.split("\n")))
    assert broken_over_lines(lines, text) == ([(0, found)] if found else [])


def _rows(persons: int = 6) -> list[str]:
    return [str(218343183 + 7919 * i) for i in range(persons)]


SPLIT_TABLES = [
    # The letter in one column, the digits in the next.
    (["A", "Number", "CF Result"], [["A", d, "Positive"] for d in _rows()], 6),
    (["A #", "", "CF Result"], [["A", d, "Positive"] for d in _rows()], 6),
    (["A", "Registration", "CF Result"], [["\u0410", d, "Positive"] for d in _rows()], 6),
    # No header: the first row's claim makes it one (its person is not counted).
    (None, [["A", d, "credible fear positive"] for d in _rows()], 5),
    (None, [["A-", d, "asylum claimed"] for d in _rows()], 5),
    # The digits in three columns, each headed as an A-number's part.
    (
        ["A-Number (1)", "A-Number (2)", "A-Number (3)", "CF Result"],
        [[d[:3], d[3:6], d[6:], "Positive"] for d in _rows()],
        6,
    ),
    (
        ["Alien No. part 1", "Alien No. part 2", "CF Result"],
        [[d[:4], d[4:], "Positive"] for d in _rows()],
        6,
    ),
]


@pytest.mark.parametrize(("header", "rows", "persons"), SPLIT_TABLES)
def test_an_a_number_split_over_adjacent_columns_is_joined(
    tmp_path: Path, policy: Policy, header: list[str] | None, rows: list[list[str]], persons: int
) -> None:
    path = tmp_path / "t.csv"
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        if header is not None:
            writer.writerow(header)
        writer.writerows(rows)
    report = scan_file(path, policy)
    assert report.classes.get("protected-person") == persons
    assert D not in str(report.to_dict())


def test_an_a_number_split_over_two_rows_under_its_header(tmp_path: Path, policy: Policy) -> None:
    rows = []
    for d in _rows():
        rows += [["A" + d[:4], "Positive"], [d[4:], ""]]
    report = scan_file(_csv(tmp_path / "t.csv", ["A-Number", "CF Result"], rows), policy)
    assert report.classes.get("protected-person") == 6


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("A.R.", D),
        ("Número de extranjero (A)", D),
        ("A-Number", f"'{D}"),
        ("A-Number", "2.18343183E+08"),
        ("A-Number", f"A{D}-01"),
        ("A-Number", f"A{D}X"),
        ("A-Number", f"A\u0336{D}"),
        ("A-Number", "A" + "\u0332".join(D)),
        ("Case No", f"'{D}"),
        ("Case No", "2.18343183E+08"),
    ],
)
def test_new_spellings_in_a_table_beside_a_claim_are_protected(
    tmp_path: Path, policy: Policy, header: str, value: str
) -> None:
    # Three persons: the number's second digit changed, whatever is around it.
    rows = [[value.replace("1", str(i + 1), 1), "Positive"] for i in range(3)]
    report = scan_file(_csv(tmp_path / "t.csv", [header, "CF Result"], rows), policy)
    assert report.verdict == "protected"
    assert report.classes.get("protected-person") == 3


def test_scientific_notation_in_a_workbook_under_an_a_number_header(
    tmp_path: Path, policy: Policy
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["A-Number", "Fear result"])
    for i, claim in enumerate(CLAIMS):
        sheet.append([218343183 + i, claim])
        sheet.cell(row=i + 2, column=1).number_format = "0.00000000E+00"
    path = tmp_path / "book.xlsx"
    book.save(path)
    assert scan_file(path, policy).classes.get("protected-person") == 3


@pytest.mark.parametrize(
    ("header", "rows"),
    [
        # A letter grade beside an amount: a header names both columns as something else.
        (
            ["Grade", "Amount", "Program"],
            [["A", "218343183", "Asylum processing"], ["B", "118343183", "Credible fear"]],
        ),
        (["Schedule", "Total", "Note"], [["A", "212345678", "asylum"], ["B", "2345", "cf"]]),
        # Nine-digit IDs, E-notation amounts and quoted text under headers that are not an
        # A-number's stay what they are.
        (["ID", "Claim"], [["'218343183", "Asylum"], ["2.18343183E+08", "Asylum"]]),
        (["Amount", "Program"], [["2.18343183E+08", "Asylum"], ["'212345678", "CF"]]),
        (["Phone", "Office"], [["(218) 343-1830", "asylum office"], ["'202-555-0123", "HQ"]]),
        (["ZIP", "Office"], [["20529-2100", "asylum office"], ["'10007-1234", "HQ"]]),
        (["Year", "Asylum grants"], [["2022", "120"], ["2023", "130"]]),
        (["Invoice", "Item"], [["218343183-01", "asylum forms"], ["218343184-02", "toner"]]),
        # Parts of a figure in three columns under headers that are not an A-number's.
        (
            ["Part 1", "Part 2", "Part 3", "Claim"],
            [["218", "343", "183", "Asylum"], ["204", "953", "397", "Asylum"]],
        ),
    ],
)
def test_typed_and_split_numbers_that_are_not_a_numbers_stay_clean(
    tmp_path: Path, policy: Policy, header: list[str], rows: list[list[str]]
) -> None:
    assert scan_file(_csv(tmp_path / "t.csv", header, rows), policy).verdict == "clean"
