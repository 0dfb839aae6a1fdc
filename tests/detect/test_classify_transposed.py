"""Tables turned sideways (one record per column) and one-person forms of label/value pairs
are read transposed: their first column is the header, each other column a record. The
same content as "Label: value" text was caught already; the table must not be weaker."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.scan import scan_file
from approval.policy import Policy
from tests.corpus import table_shapes as shapes
from tests.corpus.accuracy._files import Make

PERSONS = shapes.PERSONS[:6]
ONE = shapes.PERSONS[6]


@pytest.mark.parametrize(
    ("name", "make", "persons"),
    [
        ("sideways.csv", shapes.sideways_csv(PERSONS), 6),
        ("sideways.docx", shapes.sideways_docx(PERSONS), 6),
        ("form.docx", shapes.form_docx(ONE), 1),
        ("form.csv", shapes.form_csv(ONE), 1),
        ("form.html", shapes.html_form(ONE), 1),
    ],
)
def test_a_table_turned_sideways_is_read_as_records(
    tmp_path: Path, policy: Policy, name: str, make: Make, persons: int
) -> None:
    assert shapes.scan(tmp_path, policy, name, make) == {"protected-person": persons}


def test_a_sideways_table_names_its_rows_in_findings(tmp_path: Path, policy: Policy) -> None:
    """Findings of the transposed reading say which row of the file holds the element (a
    column letter would point a redactor at a record, not a field)."""
    path = tmp_path / "sideways.csv"
    shapes.sideways_csv(PERSONS)(path)
    report = scan_file(path, policy)
    names = [f for f in report.findings if f.detector == "person-name"]
    assert [f.location.get("row") for f in names] == [1]
    assert all("column" not in f.location for f in names)


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("blank-form.docx", shapes.blank_form_docx()),
        ("codebook.csv", shapes.data_dictionary_csv()),
        ("staff.csv", shapes.staff_sideways_csv(PERSONS)),
    ],
)
def test_sideways_shapes_without_records_stay_clean(
    tmp_path: Path, policy: Policy, name: str, make: Make
) -> None:
    assert shapes.scan(tmp_path, policy, name, make) == {}
