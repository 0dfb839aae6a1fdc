"""A claim stated once, anywhere in a file, about the persons it lists (a closing paragraph,
a line under a CSV, a legend under a names-only table, a Readme sheet, a paragraph far above
the table) makes each of them a protected person (``Classifier.finish``,
``claimants.states_claim``); claims said of nobody in particular, and staff, stay as they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.claimants import states_claim
from approval.detect.classify import Engine
from approval.detect.scan import scan_file
from approval.policy import Policy
from tests.corpus.statements import CLEAN, Case, stated_elsewhere

CASES = stated_elsewhere()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_claim_stated_elsewhere(tmp_path: Path, policy: Policy, case: Case) -> None:
    path = tmp_path / case.name
    path.write_bytes(case.data)
    report = scan_file(path, policy)
    classes = dict(report.classes)
    if case.want == CLEAN:
        assert classes == {}, classes
        return
    assert next(iter(classes)) == case.want, classes
    assert classes[case.want] == case.persons
    if case.want == "protected-person":
        # The statement is shown as the context that made the persons protected.
        assert any(f.location.get("context") == "statement" for f in report.findings)


@pytest.mark.parametrize(
    ("text", "stated"),
    [
        ("All persons listed above applied for asylum.", True),
        ("This workbook lists the credible fear interviews held in November.", True),
        ("Legend: 1 = positive credible fear determination", True),
        ("* 1 = positive credible fear, 2 = negative credible fear", True),
        ("These individuals were referred after a positive credible fear interview.", True),
        ("Las personas listadas arriba solicitaron asilo.", True),
        ("Asylum seekers from Honduras cite threats by gangs.", False),
        ("All asylum seekers are entitled to a hearing.", False),
        ("We completed more credible fear interviews this quarter than ever.", False),
        ("Asylum statistics, November", False),
    ],
)
def test_states_claim(engine: Engine, text: str, stated: bool) -> None:
    claim = engine.detectors["protection-claim"]
    spans = claim.find(text)
    assert spans, "the case must hold a claim"
    assert (states_claim(text, spans) is not None) is stated
