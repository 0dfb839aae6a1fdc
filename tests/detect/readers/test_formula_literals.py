"""xlsx formulas with string literals are read for what they show once Excel recalculates
(a workbook may ask for that on load, and the formula bar shows them anyway), whatever value
is saved: the pieces, their concatenation, and the value of a formula of constants, in the
cell's place."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from approval.detect.readers._formulas import cell_text, evaluate, literal_text
from approval.detect.scan import scan_file
from approval.policy import Policy
from tests.corpus.people import people

PERSONS = people(6, seed=2026_12_07)
ROWS = [(p.name, p.a_number, p.birthdate.isoformat(), p.nationality, p.claim) for p in PERSONS]
HEADER = ("Name", "A-Number", "Date of Birth", "Nationality", "Claim")


@pytest.mark.parametrize(
    ("formula", "shown"),
    [
        ('="Ru"&"by Stephens"', "Ruby Stephens"),
        ('=MID("xRuby Stephens",2,100)', "Ruby Stephens"),
        ('=PROPER("ruby stephens")', "Ruby Stephens"),
        ('=LEFT("Ruby Stephensxx",13)', "Ruby Stephens"),
        ('=RIGHT("xxRuby Stephens",13)', "Ruby Stephens"),
        ('=SUBSTITUTE("Ruby#Stephens","#"," ")', "Ruby Stephens"),
        ("=CHAR(82)&CHAR(117)&CHAR(98)&CHAR(121)", "Ruby"),
        ('=UNICHAR(82)&UNICHAR(117)&REPT("b",1)&"y"', "Ruby"),
        ('=TEXTJOIN(" ",TRUE,"Ruby","","Stephens")', "Ruby Stephens"),
        ('=TEXT(212345678,"""A""000000000")', "A212345678"),
        ('=TEXT(19850314,"0000-00-00")', "1985-03-14"),
    ],
)
def test_a_constant_formula_is_evaluated(formula: str, shown: str) -> None:
    assert evaluate(formula, lambda row, column: None) == shown


@pytest.mark.parametrize(
    "formula",
    [
        '=MID("abc",1,1E+999)',  # int(float()) of infinity raises OverflowError
        '=LEFT("abc",1e400)',
        '=TEXT(31120,"yyyy-mm-dd")',  # a date format: not rendered here, so not computed
        '=REPT("abc",99999)',
        # Built whole it would be ~2 GB: refused by its length before it is made.
        '=SUBSTITUTE("' + "a" * 30000 + '","a","' + "b" * 30000 + '")',
    ],
)
def test_a_formula_past_the_limits_is_not_evaluated(formula: str) -> None:
    assert evaluate(formula, lambda row, column: None) is None


def test_literal_text_holds_the_pieces_their_concatenation_and_the_value() -> None:
    line = literal_text('="Ru"&"by Stephens"', ["Ru", "by Stephens"])
    assert line.split(" ; ") == ["Ru", "by Stephens", "Ruby Stephens"]
    assert literal_text('=IF(A1>0,"Yes","No")', ["Yes", "No"]).split(" ; ") == [
        "Yes",
        "No",
        "YesNo",
    ]


def _book(formula: Callable[[str], str], formulas: frozenset[int] = frozenset(range(5))) -> bytes:
    """A workbook of the persons, from row 10: the cells of the columns ``formulas`` are
    formulas over the values, each saved as ``-``; the others hold the values."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Summary"
    sheet.append(["Facility", "Detained"])
    buffer = io.BytesIO()
    book.save(buffer)
    cells = "".join(
        f'<row r="{10 + i}">'
        + "".join(
            f'<c r="{"ABCDE"[j]}{10 + i}" t="str"><f>{_escape(formula(value))}</f><v>-</v></c>'
            if j in formulas
            else f'<c r="{"ABCDE"[j]}{10 + i}" t="inlineStr"><is><t>{_escape(value)}</t></is></c>'
            for j, value in enumerate(row)
        )
        + "</row>"
        for i, row in enumerate([HEADER, *ROWS])
    )
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", cells.encode() + b"</sheetData>")
            target.writestr(info.filename, data)
    return out.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


FORMULAS: list[Callable[[str], str]] = [
    lambda v: f'"{v[:2]}"&"{v[2:]}"',  # ="Ru"&"by Stephens"
    lambda v: f'MID("x{v}",2,100)',
    lambda v: f'PROPER("{v.lower()}")',
]


@pytest.mark.parametrize("formula", FORMULAS, ids=["concatenated", "mid", "proper"])
def test_formulas_with_a_harmless_saved_value_are_read(
    tmp_path: Path, policy: Policy, formula: Callable[[str], str]
) -> None:
    path = tmp_path / "stats.xlsx"
    path.write_bytes(_book(formula))
    report = scan_file(path, policy)
    assert report.verdict == "protected", report.reason


@pytest.mark.parametrize("formula", FORMULAS, ids=["concatenated", "mid", "proper"])
def test_names_only_in_formulas_are_read_in_their_column(
    tmp_path: Path, policy: Policy, formula: Callable[[str], str]
) -> None:
    # The other columns hold their values; the names are read in their own column's place,
    # so that the persons are counted as the plain workbook's are.
    path = tmp_path / "stats.xlsx"
    path.write_bytes(_book(formula, frozenset({0})))
    report = scan_file(path, policy)
    assert report.verdict == "protected", report.reason
    assert report.classes["protected-person"] == len(ROWS)
    assert any(f.detector == "person-name" for f in report.findings)


def test_cell_text_is_the_value_or_the_pieces_joined() -> None:
    assert cell_text('=PROPER("ruby stephens")', ["ruby stephens"]) == "Ruby Stephens"
    assert cell_text('=IF(A1>0,"Ru","by")', ["Ru", "by"]) == "Ruby"
