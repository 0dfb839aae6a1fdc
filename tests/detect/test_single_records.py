"""One person's record on one line or in one short paragraph, without the verb a sentence
would tie them with: a one-line CSV or TSV (a header-less table of one row), ``Re: NAME -
credible fear interview negative``, ``NAME (Honduras) - fear interview positive``, a name /
nationality / "Credible fear: positive" block (``claimants.record_subject``). Officials,
speakers, labels of a moderator and running prose stay clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.readers.csv import is_tabular
from approval.detect.scan import scan_file
from approval.policy import Policy
from tests.corpus.statements import CLEAN, Case, single_records

CASES = single_records()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_single_record(tmp_path: Path, policy: Policy, case: Case) -> None:
    path = tmp_path / case.name
    path.write_bytes(case.data)
    classes = dict(scan_file(path, policy).classes)
    if case.want == CLEAN:
        assert classes == {}, classes
    else:
        assert classes == {case.want: case.persons}


@pytest.mark.parametrize(
    ("text", "tabular"),
    [
        ("Ana Perez,1999-03-14,Asylum\n", True),
        ("Ana Perez\tHonduras\tCredible fear - positive\n", True),
        ("We met, as planned, to discuss asylum, and then left.\n", False),
        ("A212345678,1999-03-14,Asylum\n", True),
        ("Ana Perez,Asylum\n", False),  # two fields: read as a line of text
        ("Re: A.N. 212,345,678 - credible fear found.\n", False),  # a number's commas
        (
            "**Ana Perez** (China) — CFI positive; paroled.\n\n**Luis Ruiz** (Peru) — CFI; ok.\n",
            False,
        ),
    ],
)
def test_one_row_is_a_table(text: str, tabular: bool) -> None:
    assert is_tabular(text, whole=True) is tabular
