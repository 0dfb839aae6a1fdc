"""``approval clone`` verifies every entry from the first by default; with
``--from-checkpoint`` it starts from the newest checkpoint enough witnesses signed, as a fresh
clone's first command does (ledger/checkpoints.py), and says so; a checkpoint that does not
serve falls back to the full verification, a false one refuses the clone (exit 3, nothing left
behind), exactly as the first command would.

Real ledgers grown through the ledger API (tests/workflow/test_checkpoint.py), real keys, real
git: the "remote" is the world's ledger directory, cloned through git's file transport."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from approval.errors import IntegrityError
from approval.ledger import Ledger
from approval.ledger.snapshot import open_view
from approval.statements import now
from approval.workflow.checkpoint import make_checkpoint
from approval.workflow.clone import clone_ledger
from tests.ledger.envelopes import load_key, revocation
from tests.support import KeyMaker, run_approval
from tests.workflow.test_checkpoint import _adoption, _build, _forge, _request
from tests.world import World


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    return World(tmp_path, make_key)


def _checkpointed(world: World, *, before: int = 12, after: int = 3) -> None:
    """``before`` requests, a witness's checkpoint of that head, then ``after`` requests."""
    _build(world, requests=before)
    made = make_checkpoint(world.ledger, world.key("w.witness").private, None)
    assert made.count == before + 1
    adoption = _adoption(world)
    for n in range(after):
        _request(world, now(), 40 + n, adoption)


def _leftovers(target: Path) -> list[Path]:
    return [p for p in target.parent.iterdir() if p.name.startswith(f".{target.name}.")]


def test_clone_starts_from_the_witnessed_checkpoint(world: World) -> None:
    _checkpointed(world)
    cloned = clone_ledger(str(world.ledger), world.root / "office", full=False)
    assert cloned.checkpoint is not None
    assert (cloned.checkpoint.count, cloned.checkpoint.witnesses) == (13, ("w.witness",))
    assert cloned.statements == 13 + 1 + 3
    # The checkpoint entry and the three requests after its head: never the twelve before.
    assert (cloned.verified, cloned.signatures) == (4, 4)
    assert not cloned.full
    # The clone saved what it verified for itself: its first command replays nothing.
    with Ledger.open(cloned.path) as ledger, open_view(ledger, ledger.head()) as view:
        assert view.from_cache and view.replayed == 0
        assert len(view.state()) == 17


def test_full_verifies_every_entry_from_the_first(world: World) -> None:
    _checkpointed(world)
    cloned = clone_ledger(str(world.ledger), world.root / "office", full=True)
    assert cloned.checkpoint is None and cloned.full
    # Every entry; the adoption has two admins' signatures.
    assert (cloned.statements, cloned.verified, cloned.signatures) == (17, 17, 18)


def test_a_checkpoint_short_of_its_witnesses_is_not_started_from(world: World) -> None:
    _build(world, threshold=2, requests=5)
    make_checkpoint(world.ledger, world.key("w.witness").private, None)
    cloned = clone_ledger(str(world.ledger), world.root / "one", full=False)
    assert cloned.checkpoint is None and not cloned.full
    assert cloned.verified == cloned.statements == 7
    make_checkpoint(world.ledger, world.key("x.witness").private, None)  # the cosignature
    cloned = clone_ledger(str(world.ledger), world.root / "two", full=False)
    assert cloned.checkpoint is not None
    assert cloned.checkpoint.witnesses == ("w.witness", "x.witness")
    assert (cloned.checkpoint.count, cloned.verified) == (6, 2)


def test_a_false_checkpoint_refuses_the_clone_and_leaves_nothing(world: World) -> None:
    _build(world, requests=3)
    _forge(world, lambda records: records[:-1])  # a witness vouches for a request left out
    for full in (False, True):  # from the checkpoint, or replaying it all: refused either way
        target = world.root / f"office-{full}"
        with pytest.raises(IntegrityError, match="false checkpoint") as refused:
            clone_ledger(str(world.ledger), target, full=full)
        assert refused.value.message.startswith(f"refusing to clone {world.ledger}")
        assert not target.exists() and not _leftovers(target)


def test_a_checkpoint_by_no_witness_falls_back_to_the_full_verification(world: World) -> None:
    from approval.ledger.verifying import replay_from_first
    from approval.trust.checkpoint import records_to_document, state_digest
    from approval.trust.witness import FORMAT, carry

    _build(world, requests=2)
    with Ledger.open(world.ledger) as ledger:
        head = ledger.head()
        assert head is not None
        state = replay_from_first(ledger, head).state
    document = records_to_document(state.records())
    world.append_at(
        "checkpoint", now(), "p.publisher", head=head, count=len(state), format=FORMAT,
        state_sha256=state_digest(document), state=carry(document),
    )  # fmt: skip
    target = world.root / "office"
    # Not counted as a checkpoint; the full verification reaches it and refuses its signer.
    with pytest.raises(IntegrityError, match="does not hold the role 'witness'"):
        clone_ledger(str(world.ledger), target, full=False)
    assert not target.exists() and not _leftovers(target)


def test_an_entry_after_the_checkpoint_is_verified_as_any_other(world: World) -> None:
    _checkpointed(world, before=3, after=1)
    stranger = load_key(world.key("z.stranger").private)
    with Ledger.open(world.ledger) as ledger:  # storage takes any well-formed entry
        ledger.append(revocation(stranger, "forged", seen_head=ledger.head(), signer="z.stranger"))
    target = world.root / "office"
    with pytest.raises(IntegrityError, match="not in the roster"):
        clone_ledger(str(world.ledger), target, full=False)
    assert not target.exists() and not _leftovers(target)


def test_clone_says_how_it_verified(world: World) -> None:
    _checkpointed(world, before=4, after=2)
    text = run_approval(
        "clone", "--from-checkpoint", world.ledger, world.root / "a", cwd=world.root
    )
    assert text.code == 0, text.output
    assert "8 statements, verified from the checkpoint at entry 5 (ledger head " in text.stdout
    assert "witnessed by w.witness, then the 3 statements after it (3 signatures)" in text.stdout
    full = run_approval("clone", world.ledger, world.root / "b", "--format", "json", cwd=world.root)
    assert full.code == 0, full.output
    document = json.loads(full.stdout)
    assert document["schema"] == "approval/clone/v1"
    assert (document["from_checkpoint"], document["verified"]) == (None, 8)
    started = json.loads(
        run_approval(
            "clone",
            "--from-checkpoint",
            world.ledger,
            world.root / "c",
            "--format",
            "json",
            cwd=world.root,
        ).stdout
    )
    assert started["from_checkpoint"]["count"] == 5
    assert started["from_checkpoint"]["witnesses"] == ["w.witness"]
    assert (started["statements"], started["verified"]) == (8, 3)
