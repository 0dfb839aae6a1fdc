"""Excel 2003 XML (SpreadsheetML): a cell's ``ss:Formula`` read as Excel shows it once computed.

Excel computes ``ss:Formula`` (R1C1 notation) on opening; read only as an attribute's text, a
name built by ``SUBSTITUTE`` or an A-number by ``CHAR(65)&...`` passed clean.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest

from approval.detect.report import FileReport
from approval.detect.scan import scan_file
from approval.policy import Policy

HEAD = (
    '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
    '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
    'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
    '<Worksheet ss:Name="S"><Table>'
)
TAIL = "</Table></Worksheet></Workbook>"


def _data(text: str) -> str:
    return f'<Cell><Data ss:Type="String">{text}</Data></Cell>'


def _formula(formula: str, saved: str = "") -> str:
    inner = f'<Data ss:Type="String">{saved}</Data>' if saved else ""
    return f"<Cell ss:Formula={quoteattr(formula)}>{inner}</Cell>"


def _book(*rows: list[str]) -> bytes:
    body = "".join("<Row>" + "".join(cells) + "</Row>" for cells in rows)
    return (HEAD + body + TAIL).encode()


HEADER = [_data("name"), _data("a_number"), _data("dob"), _data("status")]


def _shown_in(report: FileReport) -> set[tuple[str, str]]:
    """(detector, column) of the findings in the sheet's cells."""
    return {(f.detector, f.location["column"]) for f in report.findings if "column" in f.location}


@pytest.mark.parametrize(
    ("cells", "shown"),
    [
        # constants only: computed
        (
            [
                _formula('=SUBSTITUTE("MariaXLopez","X"," ")'),
                _formula('=CHAR(65)&"212345678"'),
                _data("1984-03-12"),
                _data("asylum pending"),
            ],
            {("person-name", "A"), ("a-number", "B")},
        ),
        # R1C1 references to cells before it, joined
        (
            [
                _data("Maria"),
                _data("Lopez"),
                _formula('=RC[-2]&" "&RC[-1]'),
                _data("A212345678"),
                _data("1984-03-12"),
                _data("asylum pending"),
            ],
            {("person-name", "C")},
        ),
    ],
)
def test_formulas_are_read_as_computed(
    tmp_path: Path, policy: Policy, cells: list[str], shown: set[tuple[str, str]]
) -> None:
    header = HEADER if len(cells) == 4 else [_data("given"), _data("family"), *HEADER]
    path = tmp_path / "book.xml"
    path.write_bytes(_book(header, cells))

    report = scan_file(path, policy)

    assert report.verdict == "protected", report.reason
    # In the formulas' own cells, not only in their literals or in the cells they join.
    assert shown <= _shown_in(report)


def test_a_formula_that_may_build_text_with_no_saved_value_blocks(
    tmp_path: Path, policy: Policy
) -> None:
    path = tmp_path / "opaque.xml"
    path.write_bytes(_book([_data("x")], [_formula('=INDIRECT("Z9")&"x"')]))

    report = scan_file(path, policy)

    assert report.verdict == "unscannable"
    assert "formula" in report.reason


@pytest.mark.parametrize(
    "cell",
    [
        _formula("=SUM(R[-1]C:R[-1]C)"),  # a number only
        _formula('=INDIRECT("Z9")&"x"', saved="431"),  # Excel's saved value is read
    ],
)
def test_statistics_stay_clean(tmp_path: Path, policy: Policy, cell: str) -> None:
    path = tmp_path / "stats.xml"
    path.write_bytes(_book([_data("Total detained")], [_data("12")], [cell]))

    assert scan_file(path, policy).verdict == "clean"


# Flat ODS (``.fods``): ``table:formula`` in OpenFormula, read the same way.
FODS = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2" '
    'office:mimetype="application/vnd.oasis.opendocument.spreadsheet"><office:body>'
    '<office:spreadsheet><table:table table:name="S">{rows}</table:table></office:spreadsheet>'
    "</office:body></office:document>"
)


def _fods(*rows: list[str]) -> bytes:
    body = "".join("<table:table-row>" + "".join(r) + "</table:table-row>" for r in rows)
    return FODS.format(rows=body).encode()


def _odf_text(text: str) -> str:
    return (
        f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
    )


def _odf_formula(formula: str) -> str:
    return f"<table:table-cell table:formula={quoteattr(formula)}/>"


ODF_HEADER = [_odf_text(t) for t in ("name", "a_number", "dob", "status")]


def test_flat_ods_formulas_are_read_as_computed(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "book.fods"
    path.write_bytes(
        _fods(
            ODF_HEADER,
            [
                _odf_formula('of:=SUBSTITUTE("MariaXLopez";"X";" ")'),
                _odf_formula('of:=CHAR(65)&"212345678"'),
                _odf_text("1984-03-12"),
                _odf_text("asylum pending"),
            ],
        )
    )

    report = scan_file(path, policy)

    assert report.verdict == "protected", report.reason
    assert {("person-name", "A"), ("a-number", "B")} <= _shown_in(report)


def test_a_flat_ods_formula_no_one_can_compute_blocks(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "opaque.fods"
    path.write_bytes(_fods([_odf_text("x")], [_odf_formula('of:=INDIRECT("Z9")&"x"')]))

    report = scan_file(path, policy)

    assert report.verdict == "unscannable"
    assert "formula" in report.reason


def test_flat_ods_sums_stay_clean(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "stats.fods"
    path.write_bytes(
        _fods([_odf_text("Total detained")], [_odf_text("12")], [_odf_formula("of:=SUM([.A2])")])
    )

    assert scan_file(path, policy).verdict == "clean"


# Excel's HTML (``.xls`` saved as a web page): a cell's ``x:fmla``, computed on opening.
def _excel_html(*rows: list[str]) -> bytes:
    body = "".join("<tr>" + "".join(r) + "</tr>" for r in rows)
    return (
        '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><body><table>'
        f"{body}</table></body></html>"
    ).encode()


def _td(text: str = "", formula: str = "") -> str:
    attribute = f" x:fmla={quoteattr(formula)}" if formula else ""
    return f"<td{attribute}>{text}</td>"


def test_excel_html_formulas_are_read_as_computed(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "book.xls"
    path.write_bytes(
        _excel_html(
            [_td(t) for t in ("name", "a_number", "dob", "status")],
            [
                _td(formula='=SUBSTITUTE("MariaXLopez","X"," ")'),
                _td(formula="=CHAR(65)&212345678"),
                _td("1984-03-12"),
                _td("asylum pending"),
            ],
        )
    )

    report = scan_file(path, policy)

    assert report.verdict == "protected", report.reason


@pytest.mark.parametrize(
    ("cell", "verdict"),
    [
        (_td(formula='=INDIRECT("Z9")&"x"'), "unscannable"),
        (_td(formula="=SUM(A1:A2)"), "clean"),
        (_td("431", formula='=INDIRECT("Z9")&"x"'), "clean"),  # the value Excel saved
    ],
)
def test_excel_html_formulas_no_one_can_compute(
    tmp_path: Path, policy: Policy, cell: str, verdict: str
) -> None:
    path = tmp_path / "stats.xls"
    path.write_bytes(_excel_html([_td("Total detained")], [cell]))

    assert scan_file(path, policy).verdict == verdict
