"""``approval status`` says, as ``approval doctor`` warns, when a checkpoint is due (the policy's
``checkpoints.every``) or the newest is short of its witnesses: a note after the file's status,
and ``checkpoint`` in its JSON; the exit code is the file's, whatever the note says.

Real ledgers grown through the ledger API, real keys, the real CLI in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from approval.workflow.checkpoint import make_checkpoint
from tests.support import KeyMaker
from tests.workflow.test_checkpoint import _build
from tests.world import World


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    return World(tmp_path, make_key)


def _status(world: World, request: str) -> tuple[dict[str, Any], str]:
    """The JSON and the text of ``approval status REQUEST``: blocked (exit 1) either way."""
    document = world.run("status", request[:12], "--format", "json")
    assert document.code == 1, document.output
    text = world.run("status", request[:12])
    assert text.code == 1, text.output
    found = json.loads(document.stdout)
    assert found["schema"] == "approval/status/v1"
    assert found["allowed"] is False
    return found, text.stdout


def test_status_says_a_checkpoint_is_due_and_exits_as_before(world: World) -> None:
    request = _build(world, every=3, requests=3)
    due = "a checkpoint is due: 4 entries and none yet (policy: every 3)"
    # Twice: the first command replays the ledger (the whole state), the second starts from
    # its saved state (the adoptions and the checkpoints' slice): the same note.
    for _ in range(2):
        found, text = _status(world, request)
        assert found["checkpoint"] == {
            "kind": "due",
            "detail": due,
            "hint": "a witness runs `approval checkpoint`",
        }
        assert "Ledger checkpoint" in text and due in text
        assert "hint: a witness runs `approval checkpoint`" in text
        assert text.index("Next") < text.index("Ledger checkpoint")  # the file's status first
    # The same words as `approval doctor`'s warning: one function makes both.
    doctor = json.loads(world.run("doctor", "--format", "json").stdout)
    (check,) = [c for c in doctor["checks"] if c["check"] == "checkpoint"]
    assert (check["status"], check["detail"]) == ("warn", due)

    make_checkpoint(world.ledger, world.key("w.witness").private, None)
    found, text = _status(world, request)
    assert found["checkpoint"] is None
    assert "Ledger checkpoint" not in text


def test_status_says_the_newest_checkpoint_is_short_of_its_witnesses(world: World) -> None:
    request = _build(world, every=100, threshold=2, requests=1)
    found, _ = _status(world, request)
    assert found["checkpoint"] is None  # 2 entries of 100, and no checkpoint to cosign
    make_checkpoint(world.ledger, world.key("w.witness").private, None)
    found, text = _status(world, request)
    notice = found["checkpoint"]
    assert notice["kind"] == "witnesses"
    assert "signed by 1 of the 2 witnesses a clone needs to start from it" in notice["detail"]
    assert notice["hint"] == "another witness runs `approval checkpoint` to cosign it"
    assert notice["detail"] in text
    make_checkpoint(world.ledger, world.key("x.witness").private, None)
    assert _status(world, request)[0]["checkpoint"] is None


def test_status_of_an_allowed_file_still_exits_0_with_the_note(world: World) -> None:
    """A clean file is allowed: the note about the ledger does not block it."""
    _build(world, every=1, requests=1)
    clean = world.root / "clean.csv"
    clean.write_text("year,count\n2022,6252\n")
    result = world.run("status", clean, "--format", "json")
    assert result.code == 0, result.output
    found = json.loads(result.stdout)
    assert found["allowed"] is True and found["checkpoint"]["kind"] == "due"
