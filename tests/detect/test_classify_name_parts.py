"""Names split in parts (``GARCIA | Maria``) beside a claim, with no birthdate or A-number:
a column of claims anchors the parts when common given names or surnames are among them
(``gazetteer``); ``LN | FN`` and ``L | F`` head the parts as ``Last | First`` do. Single words
beside a claim that are no names (offices, unit codes) stay clean,."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.gazetteer import NAMES
from approval.detect.scan import scan_file
from approval.detect.textnorm import fold
from approval.policy import Policy
from tests.corpus import table_shapes as shapes
from tests.corpus.accuracy._files import Rows, csv_file

PERSONS = shapes.PERSONS[:8]


def scan(tmp_path: Path, policy: Policy, rows: Rows) -> dict[str, int]:
    path = tmp_path / "parts.csv"
    csv_file(rows)(path)
    return dict(scan_file(path, policy).classes)


def test_the_fixture_holds_common_names_and_others() -> None:
    known = [p for p in PERSONS if fold(p.first) in NAMES or fold(p.last) in NAMES]
    assert 3 * len(known) >= len(PERSONS) > len(known)


@pytest.mark.parametrize("header", [None, ["LN", "FN", "Claim"], ["L", "F", "Claim"]])
def test_split_names_beside_a_claim(
    tmp_path: Path, policy: Policy, header: list[str] | None
) -> None:
    rows = shapes.split_name_rows(PERSONS, header)
    assert scan(tmp_path, policy, rows) == {"protected-person": 8}


def test_single_words_that_are_no_names_stay_clean(tmp_path: Path, policy: Policy) -> None:
    assert scan(tmp_path, policy, shapes.offices_rows()) == {}
