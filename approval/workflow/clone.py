"""``approval clone``: a new clone of a shared ledger, verified as an audit verifies it before
it appears."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from approval.errors import IntegrityError, UsageError
from approval.ledger import Ledger
from approval.ledger import remote as git_remote
from approval.workflow.audit import replay_ledger

if TYPE_CHECKING:
    from approval.ledger.git import Progress


@dataclass(frozen=True)
class Cloned:
    path: Path
    remote: str
    head: str
    statements: int
    signatures: int
    policy: str


def clone_ledger(remote_url: str, path: Path, *, progress: Progress | None = None) -> Cloned:
    """``approval clone``: fetch the shared ledger into a new bare repository and verify its
    whole history as `approval audit` does (no cache) before the directory appears at
    ``path``; a failure leaves nothing behind (IntegrityError, exit 3, when it does not
    verify). With ``progress``, the fetch reports git's progress to it (through GitPython)."""
    import secrets
    import shutil

    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise UsageError(
            f"cannot clone into {path}: it exists and is not empty", hint="choose a new directory"
        )
    remote_url = git_remote.normalize_url(remote_url)
    building = path.parent / f".{path.name}.cloning-{secrets.token_hex(4)}"
    try:
        with Ledger.create(building) as ledger:
            git_remote.set_url(ledger, remote_url)
            head = git_remote.fetch(ledger, remote_url, progress=progress)
            if head is None:
                raise UsageError(
                    f"{remote_url} holds no ledger (it has no `ledger` branch)",
                    hint="create one there with `approval init --remote URL`",
                )
            report, state = replay_ledger(ledger, head)
            if report.failure is not None:
                raise IntegrityError(
                    f"refusing to clone {remote_url}: {report.failure.message}",
                    hint="nothing was cloned; the ledger there does not verify",
                ) from report.failure
            if not ledger.set_head(head, expect=None):
                raise UsageError(f"{building} changed while it was being cloned")
            git_remote.mark_verified(ledger, head, None)
        building.rename(path)  # onto a missing or empty directory: atomic
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return Cloned(
        path,
        remote_url,
        head,
        len(state),
        report.signatures,
        state.current.label if state.adoptions else "none",
    )
