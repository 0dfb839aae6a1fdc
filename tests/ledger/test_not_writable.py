"""Errors by cause (issue 14): a ledger that cannot be written (permission, a full disk) is exit 2,
"the ledger at ... is not writable: ...", never exit 3, which tells an auditor the ledger was
tampered with. Tests run as root, where file modes stop no write: the ledger is made immutable
(``chattr +i``, which stops root too), and a full disk is a file size limit (RLIMIT_FSIZE)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from approval.demo.synthetic import detention_workbook
from approval.errors import EXIT_USAGE, LedgerNotWritable
from approval.ledger import Ledger
from approval.statements import Envelope
from tests.ledger.conftest import MakeStatement
from tests.support import KeyMaker
from tests.world import World


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    world = World(tmp_path, make_key)
    assert world.init().code == 0, world.last and world.last.output
    detention_workbook(tmp_path / "stats.xlsx", count=3)
    return world


def _chattr(path: Path, flag: str) -> bool:
    done = subprocess.run(["chattr", "-R", flag, str(path)], capture_output=True, check=False)
    return done.returncode == 0


@pytest.fixture
def immutable(world: World) -> Iterator[Path]:
    if not _chattr(world.ledger, "+i"):
        pytest.skip("chattr +i is not available here")
    try:
        yield world.ledger
    finally:
        _chattr(world.ledger, "-i")


def test_a_ledger_that_cannot_be_written_is_exit_2_not_integrity(
    world: World, immutable: Path
) -> None:
    done = world.run(
        "request", world.root / "stats.xlsx", "--purpose", "stats", "--destination", "www",
        as_="p.publisher",
    )  # fmt: skip
    assert done.code == 2, done.output
    assert f"the ledger at {immutable} is not writable: permission denied" in done.stderr
    # Reading it still works: the ledger is intact, and says so.
    assert world.run("audit").code == 0


def test_a_full_disk_is_exit_2_not_integrity(world: World) -> None:
    # A file size limit (prlimit(1)), inherited by git, which the kernel stops as a full disk.
    if subprocess.run(["prlimit", "--fsize=200", "--", "true"], check=False).returncode != 0:
        pytest.skip("prlimit is not available here")
    env = {**os.environ, "NO_COLOR": "1", "APPROVAL_LEDGER": str(world.ledger)}
    done = subprocess.run(
        ["prlimit", "--fsize=200", "--", sys.executable, "-m", "approval", "request",
         str(world.root / "stats.xlsx"), "--purpose", "stats", "--destination", "www",
         "--key", str(world.key("p.publisher").private)],
        cwd=world.root, env=env, capture_output=True, text=True, check=False,
        stdin=subprocess.DEVNULL, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert f"the ledger at {world.ledger} is not writable: a file size limit" in done.stderr
    assert world.run("audit").code == 0


def test_the_ledger_api_names_the_cause(ledger: Ledger, statement: MakeStatement) -> None:
    first: Envelope = statement("one")
    ledger.append(first)
    if not _chattr(ledger.git_dir, "+i"):
        pytest.skip("chattr +i is not available here")
    try:
        with pytest.raises(LedgerNotWritable) as raised:
            ledger.append(statement("two"))
    finally:
        _chattr(ledger.git_dir, "-i")
    assert raised.value.exit_code == EXIT_USAGE
    assert "not writable" in raised.value.message
    assert [e.envelope.id for e in ledger.entries()] == [first.id]


def test_a_missing_git_is_exit_2_naming_git(world: World, tmp_path: Path) -> None:
    # A PATH with nothing on it: the interpreter is named by its full path, git is not found.
    empty = tmp_path / "empty-path"
    empty.mkdir()
    env = {"PATH": str(empty), "NO_COLOR": "1", "APPROVAL_LEDGER": str(world.ledger),
           "HOME": os.environ.get("HOME", str(tmp_path))}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "approval", "status", str(world.root / "stats.xlsx")],
        cwd=world.root, env=env, capture_output=True, text=True, check=False,
        stdin=subprocess.DEVNULL, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "cannot run git" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_moved_head_is_a_signal_to_the_appender_not_an_error_with_an_exit_code() -> None:
    from approval.errors import ApprovalError
    from approval.ledger.storage import HeadMoved

    # Control flow between the store and the append that retries: never shown, never an exit.
    assert not issubclass(HeadMoved, ApprovalError)
