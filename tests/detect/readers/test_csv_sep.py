"""Excel's first line ``sep=<c>``: any one character, a letter too, splits the rows below it,
and the line is no header. The CSV reader takes the file whatever the rest looks like, reads it
split as the line says, and also as its sniffer splits it when that differs."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.readers.csv import READER, directive, sniff_layout
from approval.detect.scan import scan_file
from approval.detect.units import Limits, Probe, Table
from approval.policy import Policy
from tests.corpus.documents import source

ROWS = [
    ["Name", "A-Number", "DOB", "Country", "Status"],
    ["Maria Gonzalez", "A212345678", "1985-03-14", "Honduras", "asylum granted"],
    ["Jose Ramirez", "A212345679", "1979-11-02", "Guatemala", "credible fear"],
]
STATISTICS = [
    ["Country", "Applications", "Granted"],
    ["Honduras", "9876", "987"],
    ["Guatemala", "12345", "1234"],
]


def _file(line: str, delimiter: str, rows: list[list[str]] = ROWS, end: str = "\n") -> str:
    return line + end + "".join(delimiter.join(row) + end for row in rows)


@pytest.mark.parametrize(
    ("sample", "named"),
    [
        ("sep=q\nNameqA\n", "q"),
        ("\ufeffsep=;\r\nA;B\r\n", ";"),
        ('"sep=,"\r\nA,B\r\n', ","),
        ("SEP=|\rA|B\r", "|"),
        ("sep=;;;;\nA;B;C;D\n", ";"),
        ("sep=\t\nA\tB\n", "\t"),
        ("sep=q", "q"),
        ("sep=ab\nA\n", None),
        ("sep=\nA\n", None),
        ("separator=q\nA\n", None),
        ("Name,sep=q\nA,B\n", None),
        ("\nsep=q\nA\n", None),  # not the first line
    ],
)
def test_the_first_line_names_the_delimiter(sample: str, named: str | None) -> None:
    assert directive(sample) == named


def test_the_line_is_above_the_table_not_its_header() -> None:
    assert sniff_layout(_file("sep=q", "q")) == ("q", 1.0, 5, 1)
    two = _file("sep=q", "q", [row[:2] for row in ROWS])  # as wide as the line itself
    assert sniff_layout(two) == ("q", 1.0, 2, 1)


@pytest.mark.parametrize("delimiter", ["q", "Q", "x", "é", ";", "\t", "~"])
@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_a_letter_delimiter_reads_as_the_table_excel_shows(
    tmp_path: Path, policy: Policy, delimiter: str, end: str
) -> None:
    text = _file(f"sep={delimiter}", delimiter, end=end)
    data = text.encode()
    assert READER.accepts(Probe(head=data, size=len(data)))
    tables = [u for u in READER.read(source(data, "x.csv"), Limits()) if isinstance(u, Table)]
    assert [list(row) for row in tables[0].rows] == ROWS
    path = tmp_path / "sep.csv"
    path.write_bytes(data)
    report = scan_file(path, policy)
    assert (report.verdict, report.format) == ("protected", "csv")
    headers = {f.location.get("header") for f in report.findings if f.detector == "a-number"}
    assert "A-Number" in headers  # under its header: the line above is no header


def test_read_both_ways_when_the_sniffer_splits_otherwise(tmp_path: Path) -> None:
    # A reader that ignores the line (LibreOffice, pandas) splits on commas; Excel on ";".
    data = _file("sep=;", ",").encode()
    tables = [u for u in READER.read(source(data, "x.csv"), Limits()) if isinstance(u, Table)]
    assert len(tables) == 2
    first, second = ([list(row) for row in table.rows] for table in tables)
    assert first == [[",".join(row)] for row in ROWS]  # one field a row, as Excel shows it
    assert second == ROWS  # the line above the table, as a title


def test_statistics_under_a_sep_line_pass(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "stats.csv"
    path.write_text(_file("sep=q", "q", STATISTICS))
    assert scan_file(path, policy).verdict == "clean"


def test_the_red_team_reproducer(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "sepq.csv"
    path.write_text(
        "sep=q\nNameqA-NumberqDOBqCountryqStatus\nMaria GonzalezqA212345678q1985-03-14q"
        "Hondurasqasylum granted\nJose RamirezqA212345679q1979-11-02qGuatemalaqcredible fear\n"
    )
    report = scan_file(path, policy)
    assert (report.verdict, dict(report.classes)) == ("protected", {"protected-person": 2})
