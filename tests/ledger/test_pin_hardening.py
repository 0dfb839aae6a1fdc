"""The clone's ledger-identity pin holds against whoever can write the git directory: a link
planted where the pin is written is replaced, never followed; deleting the pin does not undo it
(this user's private cache keeps it too, by the git directory's path and by its inode, which
``mv`` keeps); and a ledger this user made anew there (``approval init``) is still a new one."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from approval.ledger import Ledger, verified
from tests.ledger.conftest import git
from tests.ledger.test_never_back import BRANCH, _approved, _signoff_of
from tests.support import KeyMaker
from tests.world import World


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    world = World(tmp_path, make_key)
    assert world.init().code == 0, world.last and world.last.output
    return world


def _pins(world: World) -> list[Path]:
    return sorted(world.ledger.glob(f"{verified.PIN_PREFIX}*"))


def _swap(world: World, other: World) -> None:
    """Another ledger's objects and refs copied over this one's (whoever can write it can)."""
    for part in ("objects", "refs"):
        shutil.rmtree(world.ledger / part)
        shutil.copytree(other.ledger / part, world.ledger / part, symlinks=True)
    (world.ledger / "packed-refs").unlink(missing_ok=True)
    if (other.ledger / "packed-refs").exists():
        shutil.copy(other.ledger / "packed-refs", world.ledger / "packed-refs")


def test_a_link_planted_where_the_pin_is_written_is_never_followed(
    world: World, tmp_path: Path
) -> None:
    path, _ = _approved(world)
    assert world.run("check", path).code == 0
    (pin,) = _pins(world)
    victim = tmp_path / "victim.txt"
    victim.write_text("the victim's own file\n")
    pin.unlink()
    pin.symlink_to(victim)  # at the pin's own name: whatever a temporary name would be
    for n in range(64):  # and at the names the pin's temporary files had before
        (world.ledger / f".{pin.name}.{n}").symlink_to(victim)
    with Ledger.open(world.ledger) as ledger:
        assert verified.read_pin(ledger) is None  # a link is not read through either
        verified.record(ledger, ledger.head())
        assert verified.read_pin(ledger) is not None
    assert victim.read_text() == "the victim's own file\n"
    assert not pin.is_symlink() and oct(pin.stat().st_mode & 0o777) == "0o600"


def test_the_pin_is_a_file_of_its_own_in_the_git_directory(world: World) -> None:
    """No directory of the first user's to make (a shared clone: others could not write it)."""
    path, _ = _approved(world)
    assert world.run("check", path).code == 0
    assert [p.name for p in _pins(world)] == [f"{verified.PIN_PREFIX}{os.getuid()}"]
    assert not (world.ledger / "approval").exists()


def test_a_swapped_ledger_is_refused_even_with_the_pin_deleted(
    world: World, tmp_path: Path, make_key: KeyMaker
) -> None:
    path, _ = _approved(world)
    assert world.run("check", path).code == 0
    (tmp_path / "other").mkdir()
    other = World(tmp_path / "other", make_key)
    assert other.init().code == 0
    _swap(world, other)
    for pin in _pins(world):
        pin.unlink()  # whoever swapped objects/ can do this too
    done = world.run("check", path)
    assert done.code == 3, done.output
    assert "not the ledger this clone verified" in done.output


def test_a_moved_rewound_clone_is_refused_even_with_the_pin_deleted(world: World) -> None:
    path, request = _approved(world)
    revoked = world.run(
        "revoke", _signoff_of(world, request, "s.senior"), "--reason", "x", as_="s.senior"
    )
    assert revoked.code == 0, revoked.output
    assert world.run("check", path).code == 1
    longer = git(world.ledger, "rev-parse", BRANCH)
    git(world.ledger, "update-ref", BRANCH, f"{longer}~1")  # the revocation is gone
    for pin in _pins(world):
        pin.unlink()
    moved = world.root.with_name(world.root.name + "-moved")
    world.root.rename(moved)  # mv keeps the inode: the cache's record by inode holds
    world.root = moved
    done = world.run("check", moved / path.name)
    assert done.code == 3, done.output
    assert "does not descend" in done.output


def test_init_into_a_fresh_directory_where_a_ledger_was_makes_a_new_ledger(
    world: World,
) -> None:
    _approved(world)
    assert world.run("audit").code == 0
    first = git(world.ledger, "rev-parse", BRANCH)
    shutil.rmtree(world.ledger)
    assert world.init().code == 0, world.last and world.last.output
    assert git(world.ledger, "rev-parse", BRANCH) != first
    assert world.run("audit").code == 0
    with Ledger.open(world.ledger) as ledger:
        head = ledger.head()
        assert head is not None
        assert verified.read_pins(ledger)  # the new ledger is pinned, in the cache too
        assert all(p == (ledger.identity(head), head) for p in verified.read_pins(ledger))


def test_clone_into_a_fresh_directory_where_another_ledger_was_makes_a_new_ledger(
    world: World, tmp_path: Path, make_key: KeyMaker
) -> None:
    from approval.workflow.clone import clone_ledger

    _approved(world)
    (tmp_path / "other").mkdir()
    other = World(tmp_path / "other", make_key)
    assert other.init().code == 0
    target = tmp_path / "office"
    clone_ledger(str(world.ledger), target, full=True)
    with Ledger.open(target) as ledger:
        verified.current_head(ledger)
        assert verified.read_pins(ledger)
    shutil.rmtree(target)
    cloned = clone_ledger(str(other.ledger), target, full=True)
    with Ledger.open(target) as ledger:
        assert verified.current_head(ledger) == cloned.head  # not refused as a swap
        assert {p[0] for p in verified.read_pins(ledger)} == {ledger.identity(cloned.head)}
