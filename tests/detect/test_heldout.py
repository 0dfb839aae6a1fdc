"""The second held-out set (``tests.detect.heldout``): each case, written from issue 19's text
in wording and layouts the fixture corpus does not use, gets its verdict, its strictest class
and its count of distinct persons within tolerance (2%, or one person on small files, exact
when clean). Cases the scanner still gets wrong are listed in ``KNOWN_GAPS`` with the reason
and left out."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.scan import scan_file
from approval.policy import Policy
from tests.corpus.accuracy import Case
from tests.detect.accuracy import outcome
from tests.detect.heldout import CASES, KNOWN_GAPS

PASSING = [case for case in CASES if case.name not in KNOWN_GAPS]


@pytest.mark.parametrize("case", PASSING, ids=[case.name for case in PASSING])
def test_heldout_case(case: Case, policy: Policy, tmp_path: Path) -> None:
    path = tmp_path / case.filename
    case.make(path)
    report = scan_file(path, policy)
    got = outcome(case, report, [c.id for c in policy.classes])
    assert report.verdict == ("clean" if case.cls is None else "protected")
    assert got.got == got.expected, f"got {got.got}, want {got.expected}"
    assert got.persons_ok, f"{got.persons_got} persons, want {got.persons_expected}"


def test_the_set_covers_every_verdict_and_known_gaps_are_cases() -> None:
    names = {case.name for case in CASES}
    assert set(KNOWN_GAPS) <= names
    assert len(names) == len(CASES)
    classes = {case.cls for case in PASSING}
    assert classes == {"protected-person", "personal-data", None}
