"""xlsx formulas read for what Excel computes, not only for the value saved with them: a saved
value is the file's claim about what Excel shows, and Excel recalculates a workbook that asks
for it (``fullCalcOnLoad``, ``forceFullCalc``).

The attack this guards against: the pieces of a record in a hidden row, joined by formulas
(``=A1&B1&C1``) whose saved value is ``-``; Excel shows the whole record on opening."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from approval.detect.scan import scan_file
from approval.policy import Policy
from tests.corpus.people import people

PERSON = people(1, seed=2026_12_08)[0]
HEADER = ("Name", "A-Number", "Date of Birth", "Nationality", "Claim")
RECORD = (
    PERSON.name,
    PERSON.a_number,
    PERSON.birthdate.isoformat(),
    PERSON.nationality,
    PERSON.claim,
)
# What Excel 365 writes: its own engine, a calculation chain, no request to recalculate.
CURRENT = '<calcPr calcId="191029"/>'


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def _cell(ref: str, value: str) -> str:
    if value.startswith("="):
        return f'<c r="{ref}" t="str"><f>{_escape(value[1:])}</f><v>-</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{_escape(value)}</t></is></c>'


HIDDEN = ' hidden="1"'


def _book(rows: dict[int, list[str]], calc: str, *, chain: bool = True) -> bytes:
    """A workbook whose sheet holds ``rows`` (row number -> cells from column A), formulas
    (``=...``) each saved as ``-``; row 1 hidden; ``calc`` the workbook's ``calcPr``."""
    base = io.BytesIO()
    Workbook().save(base)
    cells = "".join(
        f'<row r="{number}"{HIDDEN if number == 1 else ""}>'
        + "".join(_cell(f"{chr(65 + i)}{number}", value) for i, value in enumerate(values))
        + "</row>"
        for number, values in sorted(rows.items())
    )
    out = io.BytesIO()
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<sheetData\s*/>", b"<sheetData></sheetData>", data)
                data = data.replace(b"</sheetData>", cells.encode() + b"</sheetData>")
            elif info.filename == "xl/workbook.xml":
                data = re.sub(rb"<calcPr[^>]*/>", calc.encode(), data)
            elif chain and info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdChain" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/>'
                    b"</Relationships>",
                )
            target.writestr(info.filename, data)
        if chain:
            target.writestr(
                "xl/calcChain.xml",
                '<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                '<c r="A4" i="1"/></calcChain>',
            )
    return out.getvalue()


def _pieces() -> list[str]:
    """Each value of the record in two pieces, in row 1: A1 B1 for the name, C1 D1..."""
    return [piece for value in RECORD for piece in (value[:3], value[3:])]


def _joined() -> dict[int, list[str]]:
    return {
        1: _pieces(),
        3: list(HEADER),
        4: [f"={chr(65 + 2 * i)}1&{chr(66 + 2 * i)}1" for i in range(len(RECORD))],
    }


def _scan(tmp_path: Path, policy: Policy, data: bytes) -> tuple[str, dict[str, int], str]:
    path = tmp_path / "stats.xlsx"
    path.write_bytes(data)
    report = scan_file(path, policy)
    classes = {name: found["records"] for name, found in report.to_dict()["classes"].items()}
    return report.verdict, classes, report.reason or ""


@pytest.mark.parametrize(
    "calc",
    [
        '<calcPr calcId="124519" fullCalcOnLoad="1"/>',  # openpyxl's, and the attack's
        '<calcPr calcId="191029" fullCalcOnLoad="1"/>',
        '<calcPr calcId="191029" forceFullCalc="1"/>',
        '<calcPr calcId="152511"/>',  # Excel 2016's engine: recalculated by a later one
        "",  # no calcPr: another writer's
        CURRENT,  # not recalculated on load: the computed value is read beside all the same
    ],
)
def test_joins_of_cells_are_read_as_computed_whatever_value_is_saved(
    tmp_path: Path, policy: Policy, calc: str
) -> None:
    verdict, classes, reason = _scan(tmp_path, policy, _book(_joined(), calc))
    assert verdict == "protected", reason
    assert classes.get("protected-person") == 1


def test_a_cell_that_shows_a_stale_join_is_read_as_computed(tmp_path: Path, policy: Policy) -> None:
    # The joins far from the record, a row each (rows 9, 11, ..., saved "-"): apart, no row
    # holds a record; the record's cells only point at them (``=A9``, ``=B11``...).
    rows = _joined()
    for i, join in enumerate(rows.pop(4)):
        rows[9 + 2 * i] = [""] * i + [join]
    rows[4] = [f"={chr(65 + i)}{9 + 2 * i}" for i in range(len(RECORD))]
    verdict, classes, reason = _scan(tmp_path, policy, _book(rows, CURRENT))
    assert verdict == "protected", reason
    assert classes.get("protected-person") == 1


def test_text_functions_over_cells_are_computed(tmp_path: Path, policy: Policy) -> None:
    # Row 1 holds no value whole: the digits alone, a name in lower case, a claim in pieces.
    first, last = PERSON.name.split(" ", 1)
    born = PERSON.birthdate.isoformat()
    claim = PERSON.claim
    rows = {
        1: [PERSON.a_number[1:], first.lower(), last.lower(), claim[:3], claim[3:], born[:4]],
        3: list(HEADER),
        4: [
            '=PROPER(B1)&" "&PROPER(C1)',
            '=TEXT(A1,"""A""000000000")',
            f'=F1&MID("x{born[4:]}",2,6)',
            f'=UPPER("{PERSON.nationality[:2]}")&LOWER("{PERSON.nationality[2:]}")',
            '=TEXTJOIN("",TRUE,D1,E1)',
        ],
    }
    verdict, classes, reason = _scan(tmp_path, policy, _book(rows, CURRENT))
    assert verdict == "protected", reason
    assert classes.get("protected-person") == 1


# A join that this reader cannot compute: IF with a comparison.
UNCOMPUTABLE = {1: ["x", "y"], 3: ["Total"], 4: ['=IF(A1="","",A1&B1)']}


@pytest.mark.parametrize(
    "calc",
    ['<calcPr calcId="124519" fullCalcOnLoad="1"/>', '<calcPr calcId="191029" forceFullCalc="1"/>'],
    ids=["full-calc-on-load", "force-full-calc"],
)
def test_a_join_that_cannot_be_computed_blocks_where_the_workbook_asks_to_recalculate(
    tmp_path: Path, policy: Policy, calc: str
) -> None:
    verdict, _, reason = _scan(tmp_path, policy, _book(UNCOMPUTABLE, calc))
    assert verdict == "unscannable"
    assert "1 formula cells are recalculated on load, their saved value unused" in reason


@pytest.mark.parametrize(
    ("calc", "chain"),
    [
        (CURRENT, True),
        (CURRENT, False),  # LibreOffice and other writers keep no calculation chain
        ('<calcPr calcId="171027"/>', True),  # Excel 2016's engine
        ("", True),  # no calcPr
    ],
    ids=["excel-365", "no-calc-chain", "excel-2016", "no-calc-pr"],
)
def test_a_join_that_cannot_be_computed_is_its_saved_value_unless_the_workbook_asks(
    tmp_path: Path, policy: Policy, calc: str, chain: bool
) -> None:
    # How honest workbooks are saved: a join of a lookup or another sheet is read as saved.
    verdict, _, reason = _scan(tmp_path, policy, _book(UNCOMPUTABLE, calc, chain=chain))
    assert verdict == "clean", reason


def test_numeric_formulas_need_no_computing(tmp_path: Path, policy: Policy) -> None:
    # Aggregates and arithmetic show numbers: not computed, and nothing unread.
    rows = {
        1: ["1", "2"],
        3: ["Total", "Twice", "Count"],
        4: ["=SUM(A1:B1)", "=A1*2", '=COUNTIF(A1:B1,">0")'],
    }
    verdict, _, reason = _scan(
        tmp_path, policy, _book(rows, '<calcPr calcId="124519" fullCalcOnLoad="1"/>')
    )
    assert verdict == "clean", reason
