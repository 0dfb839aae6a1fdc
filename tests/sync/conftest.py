"""Offices sharing one ledger: a bare git repository on the local filesystem as the remote, a
ledger made with ``approval init --remote`` in the first office, ``approval clone`` in the
others, and the real CLI in each (subprocesses), as the offices would run it."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from approval.demo.synthetic import detention_workbook
from approval.ledger import Ledger
from approval.ledger import remote as git_remote
from approval.signing import PrivateKey
from tests.ledger.envelopes import load_key
from tests.support import CliResult, KeyMaker, run_approval
from tests.world import World


def git(repo: Path, *args: str) -> str:
    """Stock git on the git directory ``repo``, as an administrator would run it."""
    done = subprocess.run(
        ["git", "--git-dir", str(repo), *args], capture_output=True, check=True, env=os.environ
    )
    return done.stdout.decode().strip()


def subjects(repo: Path, ref: str = "refs/heads/ledger") -> list[str]:
    """``<kind> <statement id>`` of every entry on ``ref``, oldest first."""
    out = git(repo, "log", "--first-parent", "--reverse", "--format=%s", ref)
    return out.splitlines()


@dataclass
class Office:
    """One office's clone of the ledger, and the CLI run against it."""

    name: str
    path: Path
    world: World

    def run(self, *args: str | Path, as_: str | None = None) -> CliResult:
        extra: list[str | Path] = ["--key", self.world.key(as_).private] if as_ else []
        return run_approval(
            *args, *extra, cwd=self.world.root, env={"APPROVAL_LEDGER": str(self.path)}
        )

    def request(self, file: Path, as_: str = "p.publisher", *extra: str) -> str:
        result = self.run(
            "request", file, "--purpose", "FY2022 statistics", "--destination", "www", *extra,
            as_=as_,
        )  # fmt: skip
        assert result.code == 0, result.output
        return result.stdout.strip().splitlines()[-1]

    def sign(self, request: str, as_: str, *extra: str) -> CliResult:
        return self.run("sign", request, "--yes", *extra, as_=as_)

    def head(self) -> str:
        return git(self.path, "rev-parse", "refs/heads/ledger")

    def statements(self) -> list[str]:
        return subjects(self.path)


@dataclass
class Shared:
    """The remote and the offices that share it."""

    world: World
    remote: Path
    offices: dict[str, Office] = field(default_factory=dict)

    def clone(self, name: str) -> Office:
        path = self.world.root / name
        result = run_approval("clone", self.remote, path, cwd=self.world.root)
        assert result.code == 0, result.output
        self.offices[name] = Office(name, path, self.world)
        return self.offices[name]

    def remote_head(self) -> str:
        return git(self.remote, "rev-parse", "refs/heads/ledger")

    def remote_statements(self) -> list[str]:
        return subjects(self.remote)

    def workbook(self, name: str = "detention-stats.xlsx", count: int = 12) -> Path:
        path = self.world.root / name
        detention_workbook(path, count=count)
        return path


def bare_remote(path: Path) -> Path:
    """An empty bare repository, as an administrator makes one (no approval settings)."""
    subprocess.run(["git", "init", "--quiet", "--bare", str(path)], check=True)
    return path


# A stand-in for ssh to a git server: git passes the host and then the command it asks the
# server to run (``git-receive-pack '/path'``), and this runs it here. The remote's hooks run
# on the "server", as a forge's do: what a test needs to make a remote refuse or hold a push,
# since a remote reached as a local path runs without its hooks (``remote._no_remote_hooks``).
_FAKE_SSH = """#!/bin/sh
for last; do :; done
exec sh -c "$last"
"""


@pytest.fixture
def over_ssh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], str]:
    """``over_ssh(remote)``: an ``ssh://`` URL that reaches the bare repository ``remote``
    through the stand-in server (``GIT_SSH_COMMAND``, which ledger git commands keep)."""
    script = tmp_path / "fake-ssh"
    script.write_text(_FAKE_SSH)
    script.chmod(0o755)
    monkeypatch.setenv("GIT_SSH_COMMAND", str(script))
    return lambda remote: f"ssh://server{remote.absolute()}"


def server_hook(remote: Path, body: str | bytes, name: str = "pre-receive") -> None:
    """A hook of the bare repository ``remote``, as its server's administrator installs one."""
    hook = remote / "hooks" / name
    hook.parent.mkdir(exist_ok=True)
    if isinstance(body, str):
        hook.write_text(body)
    else:
        hook.write_bytes(body)
    hook.chmod(0o755)


@pytest.fixture
def shared(tmp_path: Path, make_key: KeyMaker) -> Iterator[Shared]:
    """Headquarters made the ledger with ``init --remote``; no other office yet."""
    world = World(tmp_path, make_key)
    remote = bare_remote(tmp_path / "remote.git")
    result = world.run(
        "init", "--policy", world.policy(), "--roster", world.roster(),
        "--key", world.key("a.admin").private, "--key", world.key("b.admin").private,
        "--remote", remote,
    )  # fmt: skip
    assert result.code == 0, result.output
    office = Office("hq", world.ledger, world)
    yield Shared(world, remote, {"hq": office})


# One office with its own ledger whose remote is a fresh bare repository, and a signer: the
# git mechanics under sync (test_remote.py, test_transfer.py).
@pytest.fixture
def key(make_key: KeyMaker) -> PrivateKey:
    return load_key(make_key("clerk").private)


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    return bare_remote(tmp_path / "remote.git")


@pytest.fixture
def office(tmp_path: Path, remote: Path) -> Iterator[Ledger]:
    with Ledger.create(tmp_path / "office") as ledger:
        git_remote.set_url(ledger, str(remote))
        yield ledger
