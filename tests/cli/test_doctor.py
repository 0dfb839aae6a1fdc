"""``approval doctor`` on real machines' mistakes: a key others can read, a shared bare remote
owned by another user (git's safe.directory), a remote gone; and ``init --remote`` pointing the
bare remote's HEAD at the ledger, so that a plain ``git clone`` of it shows the files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from approval.ledger.remote import local_path
from approval.statements import now
from approval.workflow.checkpoint import make_checkpoint
from tests.support import KeyMaker, run_approval
from tests.workflow.test_checkpoint import _build, _request
from tests.world import World


def _init_shared(world: World, remote: Path) -> None:
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    keys: list[str | Path] = []
    for admin in ("a.admin", "b.admin"):
        keys += ["--key", world.key(admin).private]
    result = world.run(
        "init", "--policy", world.policy(), "--roster", world.roster(), *keys, "--remote", remote
    )
    assert result.code == 0, result.output


@pytest.fixture
def shared(tmp_path: Path, make_key: KeyMaker) -> tuple[World, Path]:
    world = World(tmp_path, make_key)
    remote = tmp_path / "shared.git"
    _init_shared(world, remote)
    return world, remote


def _doctor(world: World, *args: str | Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    result = run_approval(
        "doctor", "--ledger", world.ledger, *args, "--format", "json", cwd=world.root, env=env
    )
    document = json.loads(result.stdout)
    assert document["schema"] == "approval/doctor/v1"
    assert result.code == (0 if document["ok"] else 1), result.output
    return {c["check"]: c for c in document["checks"]}


def test_a_machine_set_up_right_is_all_ok(shared: tuple[World, Path]) -> None:
    world, _ = shared
    key = world.key("o.privacy").private
    key.chmod(0o600)
    result = world.run("doctor", "--key", key)
    assert result.code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(line.startswith("ok  ") for line in lines), result.stdout
    checks = _doctor(world, "--key", key)
    assert list(checks) == [
        "git",
        "openssh",
        "ledger",
        "checkpoint",
        "ledger directory",
        "remote",
        "remote directory",
        f"key {key}",
        "cache",
    ]
    assert len(lines) == len(checks), "one line per check"
    assert (
        checks["ledger"]["status"] == "ok" and "1 statement verified" in checks["ledger"]["detail"]
    )
    assert checks["remote"]["status"] == "ok" and "reachable" in checks["remote"]["detail"]


def test_a_key_others_can_read_fails_with_the_fix(shared: tuple[World, Path]) -> None:
    world, _ = shared
    key = world.root / "loose-key"
    shutil.copy(world.key("o.privacy").private, key)
    key.chmod(0o644)
    checks = _doctor(world, "--key", key)
    found = checks[f"key {key}"]
    assert found["status"] == "fail" and "0644" in found["detail"]
    assert found["hint"] == f"chmod 600 {key}"


def test_a_remote_that_is_gone_fails(shared: tuple[World, Path]) -> None:
    world, remote = shared
    shutil.rmtree(remote)
    checks = _doctor(world)
    assert checks["remote"]["status"] == "fail"


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a directory to another user needs root")
def test_a_shared_remote_of_another_user_needs_safe_directory(
    shared: tuple[World, Path], tmp_path: Path
) -> None:
    world, remote = shared
    for path in [remote, *remote.rglob("*")]:
        os.lchown(path, 65534, 65534)
    checks = _doctor(world)
    found = checks["remote directory"]
    assert found["status"] == "fail" and "dubious ownership" in found["detail"]
    assert found["hint"] == f"git config --global --add safe.directory {remote.resolve()}"

    config = tmp_path / "gitconfig"
    config.write_text(f"[safe]\n\tdirectory = {remote.resolve()}\n")
    checks = _doctor(world, env={"GIT_CONFIG_GLOBAL": str(config)})
    assert checks["remote directory"]["status"] == "ok"


def test_init_remote_points_the_bare_remotes_head_at_the_ledger(
    shared: tuple[World, Path], tmp_path: Path
) -> None:
    _world, remote = shared
    head = subprocess.run(
        ["git", "--git-dir", str(remote), "symbolic-ref", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert head == "refs/heads/ledger"
    # A plain clone checks the ledger's files out, and audits as a ledger.
    plain = tmp_path / "plain"
    subprocess.run(["git", "clone", "-q", str(remote), str(plain)], check=True)
    assert list((plain / "entries").rglob("*-adoption-*.json")), "nothing checked out"
    audit = run_approval("audit", "--ledger", plain)
    assert audit.code == 0, audit.output


def test_only_a_remote_on_this_machine_is_pointed() -> None:
    assert local_path("/srv/ledger.git") == Path("/srv/ledger.git")
    assert local_path("file:///srv/ledger.git") == Path("/srv/ledger.git")
    for url in (
        "ssh://git.example.gov/ledger.git",
        "git@git.example.gov:ledger.git",
        "https://git.example.gov/ledger.git",
    ):
        assert local_path(url) is None, url


def test_a_due_checkpoint_warns_without_failing(tmp_path: Path, make_key: KeyMaker) -> None:
    world = World(tmp_path, make_key)
    _build(world, every=3, requests=3)
    due = _doctor(world)["checkpoint"]
    assert due["status"] == "warn", due
    assert due["detail"] == "a checkpoint is due: 4 entries and none yet (policy: every 3)"
    assert due["hint"] == "a witness runs `approval checkpoint`"
    text = world.run("doctor")
    assert text.code == 0, text.output  # a warning never changes the exit code
    assert "warn  checkpoint" in text.stdout
    make_checkpoint(world.ledger, world.key("w.witness").private, None)
    fresh = _doctor(world)["checkpoint"]
    assert fresh["status"] == "ok", fresh
    assert "1 entry ago" in fresh["detail"] and "every 3" in fresh["detail"]
    for n in range(2):  # two more: three since the checkpointed head
        _request(world, now(), 9 + n, _first(world))
    again = _doctor(world)["checkpoint"]
    assert again["status"] == "warn"
    assert again["detail"] == "a checkpoint is due: 3 entries since the last (policy: every 3)"


def _first(world: World) -> str:
    from approval.ledger import Ledger

    with Ledger.open(world.ledger) as ledger:
        return next(iter(ledger.entries())).envelope.id


def test_a_checkpoint_short_of_its_witnesses_warns(tmp_path: Path, make_key: KeyMaker) -> None:
    world = World(tmp_path, make_key)
    _build(world, every=100, requests=1, threshold=2)
    assert _doctor(world)["checkpoint"]["status"] == "ok"  # 2 entries of 100
    make_checkpoint(world.ledger, world.key("w.witness").private, None)
    short = _doctor(world)["checkpoint"]
    assert short["status"] == "warn", short
    assert "signed by 1 of the 2 witnesses" in short["detail"]
    assert "cosign" in short["hint"]
