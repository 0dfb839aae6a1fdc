"""What a key signed after the moment a later roster says it was stolen is an audit warning:
the ledger stays intact (it was valid when appended), and the auditor is told which statements
the thief may have made (``approval.report.compromise``)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.audit.conftest import Audit
from tests.rotation import SENIOR, lost_laptop
from tests.support import KeyMaker
from tests.world import World


def test_the_audit_names_what_a_lost_key_signed_after_the_loss(
    tmp_path: Path, make_key: KeyMaker, audit: Audit
) -> None:
    world = World(tmp_path / "agency", make_key)
    world.root.mkdir()
    story = lost_laptop(world)
    before = json.loads(audit(world.ledger, "--format", "json").stdout)
    assert before["warnings"] == []  # nobody has said the key was stolen yet
    assert story.adopt_new_roster().code == 0

    result = audit(world.ledger, "--format", "json")
    assert result.code == 0, result.output  # a warning, never an integrity failure
    document = json.loads(result.stdout)
    assert document["intact"] is True
    (warning,) = document["warnings"]
    assert warning["id"] == story.thief_signoff  # not her sign-off of last week
    assert (warning["kind"], warning["field"], warning["found"]) == (
        "sign-off", "signature", ["compromised-key"]
    )  # fmt: skip
    assert f"signed by {SENIOR} with key SHA256:" in warning["message"]
    assert "it may not have been s.senior's act" in warning["message"]

    text = audit(world.ledger)
    assert text.code == 0
    assert f"sign-off {story.thief_signoff[:12]}: signed by {SENIOR}" in text.stdout
