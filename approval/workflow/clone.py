"""``approval clone``: a new clone of a shared ledger, verified before it appears.

It verifies every entry from the first, as an audit does (``full``, the default: DESIGN pins
a clone that verifies its whole history before it is trusted). Without ``full`` (``approval
clone --from-checkpoint``) it verifies as a fresh clone's first command would
(``ledger/checkpoints.py``): from the newest checkpoint enough witnesses of the roster in force
signed, then every entry after it, taking the records before it on the witnesses' word (their
kinds and ids are checked against the history; their content is what the witnesses vouch
for, and what ``approval audit`` checks); from the first entry when no checkpoint serves.
The verified state is then saved for the new clone (its cache, keyed by its path), so that its
first command does not verify it all again."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from approval.errors import IntegrityError, UsageError
from approval.ledger import Ledger
from approval.ledger import remote as git_remote
from approval.ledger.replication import verify_clone

if TYPE_CHECKING:
    from approval.ledger.git import Progress
    from approval.trust.state import LedgerState


@dataclass(frozen=True)
class FromCheckpoint:
    """The checkpoint a clone started from: the ledger head it vouches for (the ``count``-th
    entry), the state's digest, and the witnesses who signed it."""

    head: str
    count: int
    state_sha256: str
    witnesses: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "head": self.head,
            "count": self.count,
            "state_sha256": self.state_sha256,
            "witnesses": list(self.witnesses),
        }


@dataclass(frozen=True)
class Cloned:
    path: Path
    remote: str
    head: str
    statements: int
    signatures: int  # verified by the clone (after the checkpoint, when it started from one)
    policy: str
    verified: int = 0  # entries the clone verified one by one
    checkpoint: FromCheckpoint | None = None  # None: verified from the first entry
    full: bool = False  # asked to verify from the first entry


def clone_ledger(
    remote_url: str, path: Path, *, progress: Progress | None = None, full: bool = True
) -> Cloned:
    """``approval clone``: fetch the shared ledger into a new bare repository and verify it
    (see the module doc) before the directory appears at ``path``; a failure leaves nothing
    behind (IntegrityError, exit 3, when it does not verify, or its newest witnessed checkpoint
    is false). With ``progress``, the fetch reports git's progress to it (through GitPython)."""
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
            try:
                checked = verify_clone(ledger, head, full=full)
            except IntegrityError as e:
                raise IntegrityError(
                    f"refusing to clone {remote_url}: {e.message}",
                    hint="nothing was cloned; the ledger there does not verify"
                    + (f" ({e.hint})" if e.hint else ""),
                ) from e
            if not ledger.set_head(head, expect=None):
                raise UsageError(f"{building} changed while it was being cloned")
            git_remote.mark_verified(ledger, head, None)
        building.rename(path)  # onto a missing or empty directory: atomic
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    state = checked.state
    _remember(path, head, state)
    started = checked.checkpoint
    return Cloned(
        path,
        remote_url,
        head,
        len(state),
        checked.signatures,
        state.current.label if state.adoptions else "none",
        checked.verified,
        FromCheckpoint(started.head, started.count, started.digest, started.signers)
        if started is not None
        else None,
        full,
    )


def _remember(path: Path, head: str, state: LedgerState) -> None:
    """Record ``head`` as verified by the clone at ``path`` (it never goes back behind it) and
    save the state verified there for its commands: both are kept per clone path, so only
    once the clone is in place. A cache: failing to save costs the first command time only."""
    import sqlite3

    from approval.errors import ApprovalError
    from approval.ledger import verified
    from approval.ledger.snapshot import remember

    try:
        with Ledger.open(path) as ledger:
            verified.forget(ledger)  # made anew: pins of what was at this path before go
            verified.record(ledger, head)
            remember(ledger, head, state)
    except (ApprovalError, OSError, sqlite3.Error):
        return
