"""A fresh clone reads the history, its root and the newest checkpoint's state ahead
(``checkpoints.read_ahead``, used by ``snapshot.open_view``): the same start, the same identity."""

from __future__ import annotations

import gc
import subprocess
from pathlib import Path

import pytest

from approval.ledger import Ledger
from approval.ledger.checkpoints import _parsed, _walked, read_ahead, start
from approval.ledger.verifying import replay_from_first
from approval.statements import now
from approval.trust.checkpoint import state_to_document
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


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=T", "-c", "user.email=t@example.invalid",
         *args],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout.strip()


def test_one_walk_reads_what_the_two_walks_read(tmp_path: Path) -> None:
    """``_walked`` turns one ``git log`` of every commit into the first-parent history and the
    roots, as ``git log --first-parent`` and ``git rev-list --max-parents=0`` print them: here
    on a history with a second, unrelated root merged in (which ``Ledger.genesis`` refuses)."""
    repo = tmp_path / "repo"
    _git(tmp_path, "init", "--quiet", str(repo))
    for n in range(3):
        _git(repo, "commit", "--quiet", "--allow-empty", "-m", f"request {n:064x}")
    main = _git(repo, "rev-parse", "HEAD")
    _git(repo, "checkout", "--quiet", "--orphan", "other")
    _git(repo, "commit", "--quiet", "--allow-empty", "-m", "adoption with spaces\tand a tab")
    other = _git(repo, "rev-parse", "HEAD")
    merge = _git(repo, "commit-tree", "-p", main, "-p", other, "-m", "merge", "HEAD^{tree}")
    out = _git(repo, "log", "--no-color", "--format=%H%x00%P%x00%s", merge, "--")
    walked = _walked(out, merge)
    assert walked is not None
    roots, log = walked
    first_parent = _git(repo, "log", "--first-parent", "--reverse", "--format=%H %s", merge)
    assert log == [tuple(line.split(" ", 1)) for line in first_parent.splitlines()]
    listed = _git(repo, "rev-list", "--max-parents=0", "--format=%s", merge, "--")
    assert sorted(roots.splitlines()) == sorted(listed.splitlines())
    assert len(roots.splitlines()) == 4  # two roots, each as "commit <id>" and its subject
    # A walk that does not reach the head's whole first-parent history is not taken.
    assert _walked(out, "0" * 40) is None
    assert _walked("\n".join(out.splitlines()[:-1]), merge) is None


def test_the_state_parsed_ahead_is_set_aside_only_when_the_caller_set_its_own(
    world: World,
) -> None:
    """``cli.check`` sets its objects aside from the cyclic collector for its run (and back
    after): the state parsed ahead is set aside with them; anyone else's collector is left
    as it was."""
    _build(world, requests=3)
    with Ledger.open(world.ledger) as ledger:
        head = ledger.head()
        assert head is not None
        document = state_to_document(replay_from_first(ledger, head).state)
    assert gc.get_freeze_count() == 0  # nothing set aside by another test
    alone = _parsed(document)
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        aside = _parsed(document)
        assert gc.get_freeze_count() >= before + len(aside) and gc.isenabled()
    finally:
        gc.unfreeze()
    assert alone.records() == aside.records()
