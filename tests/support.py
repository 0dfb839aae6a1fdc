"""Fixtures and helpers shared by tests/ and features/: real SSH keys from ssh-keygen, an
isolated git identity, and the real CLI run as a subprocess. Each conftest imports them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

# CI explores the same examples every run, so a submission never fails on a new random draw
# (a failure found locally is fixed and kept as an example instead). Locally, draws stay random.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def _isolated_git(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Git reads no user or system configuration: tests behave the same on every machine."""
    home = tmp_path_factory.mktemp("home")
    config = home / ".gitconfig"
    config.write_text(
        "[user]\n\tname = approval tests\n\temail = tests@approval.invalid\n"
        "[init]\n\tdefaultBranch = main\n"
    )
    names = ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM", "XDG_CACHE_HOME", "XDG_CONFIG_HOME")
    saved = {k: os.environ.get(k) for k in names}
    os.environ["GIT_CONFIG_GLOBAL"] = str(config)
    os.environ["GIT_CONFIG_NOSYSTEM"] = "1"
    # The user's caches (approval.ledger.snapshot) go to the session's home, not the real one.
    os.environ["XDG_CACHE_HOME"] = str(home / ".cache")
    # Nor the user's approval config (approval/config.py): a test sets its own when it needs one.
    os.environ["XDG_CONFIG_HOME"] = str(home / ".config")
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@dataclass(frozen=True)
class KeyPair:
    private: Path
    public: str  # the OpenSSH public key line

    @property
    def public_path(self) -> Path:
        return self.private.with_name(self.private.name + ".pub")


KeyMaker = Callable[..., KeyPair]


@pytest.fixture(scope="session")
def make_key(tmp_path_factory: pytest.TempPathFactory) -> KeyMaker:
    """``make_key(name, kind="ed25519", passphrase="")``: a real key made by ssh-keygen,
    cached for the session by its arguments."""
    directory = tmp_path_factory.mktemp("keys")
    cache: dict[tuple[str, str, str], KeyPair] = {}

    def make(name: str, kind: str = "ed25519", passphrase: str = "") -> KeyPair:
        wanted = (name, kind, passphrase)
        if wanted not in cache:
            path = directory / f"{name}-{kind}{'-pp' if passphrase else ''}"
            args = ["ssh-keygen", "-q", "-t", kind, "-N", passphrase, "-C", f"{name}@test"]
            if kind == "ecdsa":
                args += ["-b", "256"]
            if kind == "rsa":
                args += ["-b", "3072"]
            subprocess.run([*args, "-f", str(path)], check=True, capture_output=True)
            cache[wanted] = KeyPair(path, path.with_name(path.name + ".pub").read_text().strip())
        return cache[wanted]

    return make


@dataclass(frozen=True)
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_approval(
    *args: str | Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    input: str | None = None,
) -> CliResult:
    """Run the real CLI in a subprocess, as a user's shell would (no terminal)."""
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", **(env or {})}
    done = subprocess.run(
        [sys.executable, "-m", "approval", *map(str, args)],
        cwd=cwd,
        env=full_env,
        input=input,
        # Never the test runner's terminal: commands must behave as they do in CI.
        stdin=subprocess.DEVNULL if input is None else None,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return CliResult(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def approval() -> Callable[..., CliResult]:
    """The CLI as a function: ``approval("scan", path)`` -> ``CliResult``."""
    return run_approval
