"""A clone never goes back (DESIGN.md invariant 11, issue 14): a ledger branch moved back behind
the head this clone verified is refused (exit 3, naming both heads) by every command until
``approval sync --accept-rewrite`` verifies the new head; ``audit --expect-head`` pins a head
taken from elsewhere; a new ledger made where another one was is not a rewrite of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from approval.demo.synthetic import detention_workbook
from tests.ledger.conftest import git
from tests.support import KeyMaker
from tests.world import World

BRANCH = "refs/heads/ledger"


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    world = World(tmp_path, make_key)
    assert world.init().code == 0, world.last and world.last.output
    return world


def _approved(world: World, name: str = "stats.xlsx") -> tuple[Path, str]:
    path = world.root / name
    detention_workbook(path, count=4)
    request = world.request(path)
    for who in ("o.privacy", "s.senior"):
        signed = world.sign(request, who, "--file", str(path))
        assert signed.code == 0, signed.output
    return path, request


def _signoff_of(world: World, request: str, official: str) -> str:
    from approval.ledger.session import load

    with load(world.ledger) as session:
        (found,) = [s.id for s in session.state.signoffs_for(request) if s.signer == official]
    return found


def test_a_rewound_branch_that_drops_a_revocation_is_refused_until_accepted(
    world: World,
) -> None:
    path, request = _approved(world)
    revoked = world.run(
        "revoke", _signoff_of(world, request, "s.senior"), "--reason", "not cleared",
        as_="s.senior",
    )  # fmt: skip
    assert revoked.code == 0, revoked.output
    out = world.root / "out"
    out.mkdir()
    assert world.run("export", path, "--to", out, as_="p.publisher").code == 1  # revoked
    longer = git(world.ledger, "rev-parse", BRANCH)
    git(world.ledger, "update-ref", BRANCH, f"{longer}~1")  # the revocation is gone
    shorter = git(world.ledger, "rev-parse", BRANCH)

    for args, who in (
        (("export", path, "--to", out), "p.publisher"),
        (("check", path), None),
        (("status", path), None),
    ):
        refused = world.run(*args, as_=who)
        assert refused.code == 3, refused.output
        assert longer[:12] in refused.stderr and shorter[:12] in refused.stderr
        assert "--accept-rewrite" in refused.stderr
    assert not any(out.iterdir())

    accepted = world.run("sync", "--accept-rewrite")
    assert accepted.code == 0, accepted.output
    replaced = git(
        world.ledger, "for-each-ref", "--format=%(objectname)", "refs/approval/replaced/"
    )
    assert replaced == longer  # the dropped history is kept as evidence
    # Accepted knowingly: the commands decide on the shorter history again.
    assert world.run("check", path).code == 0
    assert world.run("sync", "--accept-rewrite").code == 2  # nothing to accept, no remote


def test_a_deleted_branch_is_refused_too(world: World) -> None:
    assert world.run("check", world.root / "roster.yaml").code == 0
    git(world.ledger, "update-ref", "-d", BRANCH)
    refused = world.run("check", world.root / "roster.yaml")
    assert refused.code == 3, refused.output
    assert "no ledger branch" in refused.stderr


def test_audit_expect_head_passes_the_pinned_head_and_its_descendants_only(world: World) -> None:
    pinned = git(world.ledger, "rev-parse", BRANCH)
    assert world.run("audit", "--expect-head", pinned).code == 0
    assert world.run("audit", "--expect-head", pinned[:12]).code == 0
    _approved(world)
    assert world.run("audit", "--expect-head", pinned).code == 0  # the ledger only grew
    later = git(world.ledger, "rev-parse", BRANCH)
    git(world.ledger, "update-ref", BRANCH, f"{later}~1")
    behind = world.run("audit", "--expect-head", later)
    assert behind.code == 3, behind.output
    assert later[:12] in behind.stderr
    unknown = world.run("audit", "--expect-head", "0" * 40)
    assert unknown.code == 3 and "does not hold" in unknown.stderr
    assert world.run("audit", "--expect-head", "HEAD~1").code == 2  # not a commit id


def test_a_new_ledger_where_another_was_is_not_a_rewrite_of_it(world: World) -> None:
    _approved(world)
    assert world.run("audit").code == 0
    first = git(world.ledger, "rev-parse", BRANCH)
    shutil.rmtree(world.ledger)
    assert world.init().code == 0, world.last and world.last.output
    assert git(world.ledger, "rev-parse", BRANCH) != first
    audit = world.run("audit")
    assert audit.code == 0, audit.output
    assert world.run("check", world.root / "roster.yaml").code == 0


@pytest.mark.slow
def test_the_demo_runs_twice_in_one_kept_directory(tmp_path: Path) -> None:
    from tests.support import run_approval

    kept = tmp_path / "demo"
    for _ in range(2):
        shutil.rmtree(kept, ignore_errors=True)
        done = run_approval("demo", "--keep", kept, cwd=tmp_path)
        assert done.code == 0, done.output[-2000:]


def test_a_moved_clone_still_refuses_a_rewound_branch(world: World) -> None:
    """The highest verified head is pinned inside the clone's git directory, so it moves with
    it: the path-keyed record in the user's cache is not the only one."""
    path, request = _approved(world)
    assert world.run("revoke", _signoff_of(world, request, "s.senior"), "--reason", "x",
                     as_="s.senior").code == 0  # fmt: skip
    assert world.run("check", path).code == 1
    longer = git(world.ledger, "rev-parse", BRANCH)
    git(world.ledger, "update-ref", BRANCH, f"{longer}~1")  # the revocation is gone
    moved = world.root.with_name(world.root.name + "-moved")
    world.root.rename(moved)
    world.root = moved
    refused = world.run("check", moved / path.name)
    assert refused.code == 3, refused.output
    assert longer[:12] in refused.stderr


def test_another_ledger_swapped_into_the_clone_directory_is_refused(
    world: World, tmp_path: Path, make_key: KeyMaker
) -> None:
    """Someone who can write the ledger directory swaps in a ledger of their own making (its
    own first adoption) over objects/ and refs/: not a new ledger, but not the one verified."""
    path, _ = _approved(world)
    assert world.run("check", path).code == 0
    (tmp_path / "other").mkdir()
    other = World(tmp_path / "other", make_key)
    assert other.init().code == 0
    for part in ("objects", "refs"):
        shutil.rmtree(world.ledger / part)
        shutil.copytree(other.ledger / part, world.ledger / part, symlinks=True)
    (world.ledger / "packed-refs").unlink(missing_ok=True)
    if (other.ledger / "packed-refs").exists():
        shutil.copy(other.ledger / "packed-refs", world.ledger / "packed-refs")
    refused = world.run("check", path)
    assert refused.code == 3, refused.output
    assert "not the ledger this clone verified" in refused.stderr
