"""A fresh clone reads the history, its root and the newest checkpoint's state ahead
(``checkpoints.read_ahead``, used by ``snapshot.open_view``): the same start, the same identity."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.ledger import Ledger
from approval.ledger.checkpoints import read_ahead, start
from approval.statements import now
from approval.workflow.checkpoint import make_checkpoint
from tests.support import KeyMaker
from tests.workflow.test_checkpoint import _adoption, _build, _fresh_clone, _open, _request
from tests.world import World


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    return World(tmp_path, make_key)


def test_the_start_read_ahead_is_the_start_read_in_place(world: World) -> None:
    _build(world, requests=5)
    make_checkpoint(world.ledger, world.key("w.witness").private, None)
    adoption = _adoption(world)
    _request(world, now(), 60, adoption)
    with Ledger.open(_fresh_clone(world, "ahead.git")) as ledger:
        head = ledger.head()
        assert head is not None
        read = read_ahead(ledger, head)
        assert read.log is not None and read.prepared is not None
        ahead, in_place = start(ledger, head, read=read), start(ledger, head, ahead=False)
        # The root the read ahead walked to is the ledger's first statement: its identity.
        assert ledger.identity(head) == adoption
    assert ahead is not None and in_place is not None
    assert (ahead.head, ahead.count, ahead.digest) == (
        in_place.head,
        in_place.count,
        in_place.digest,
    )
    assert ahead.state.records() == in_place.state.records()


def test_a_read_ahead_of_another_head_is_not_taken(world: World) -> None:
    _build(world, requests=3)
    make_checkpoint(world.ledger, world.key("w.witness").private, None)
    with Ledger.open(world.ledger) as ledger:
        before = ledger.head()
    assert before is not None
    for n in range(2):
        _request(world, now(), 70 + n, _adoption(world))
    made = make_checkpoint(world.ledger, world.key("w.witness").private, None)
    with Ledger.open(_fresh_clone(world, "other.git")) as ledger:
        head = ledger.head()
        assert head is not None and head != before
        found = start(ledger, head, read=read_ahead(ledger, before))
    # The newest checkpoint up to the head asked for, not the one the stale read saw.
    assert found is not None and found.count == made.count


def test_a_fresh_clone_opened_with_the_read_ahead_holds_every_entry(world: World) -> None:
    _build(world, requests=4)
    make_checkpoint(world.ledger, world.key("w.witness").private, None)
    _request(world, now(), 80, _adoption(world))
    handed, replayed, held = _open(_fresh_clone(world, "opened.git"))
    assert (replayed, held) == (2, 1 + 4 + 1 + 1)
    assert handed <= 1 + 1 + 2
