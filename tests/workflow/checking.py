"""What the tests of ``approval check`` on work trees share: git run in a directory, a commit,
a small repository, and each file's status."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from approval.workflow.check import CheckResult


def git(where: Path, *args: str, env: dict[str, str] | None = None) -> bytes:
    """``git ARGS`` in ``where`` (local submodules allowed), its output; a failure raises."""
    command = ["git", "-c", "protocol.file.allow=always", *args]
    return subprocess.run(command, cwd=where, check=True, capture_output=True, env=env).stdout


def commit(where: Path, message: str) -> str:
    """Everything in ``where`` committed (by a test identity, no hooks); the commit's id."""
    git(where, "add", "-A")
    identity = ("-c", "user.email=check@test.invalid", "-c", "user.name=check")
    git(where, *identity, "commit", "-q", "--no-verify", "-m", message)
    return git(where, "rev-parse", "HEAD").decode().strip()


def repository(where: Path, files: dict[str, str]) -> Path:
    """A new repository at ``where`` whose first commit holds ``files`` (path: text)."""
    where.mkdir(parents=True)
    git(where, "init", "-q")
    for name, text in files.items():
        (where / name).parent.mkdir(parents=True, exist_ok=True)
        (where / name).write_text(text)
    commit(where, "first")
    return where


def statuses(result: CheckResult) -> dict[str, str]:
    """Each file's status by its path shown."""
    return {f.path: f.status for f in result.files}
