"""``approval audit``: replay and verify the whole ledger, time travel, and the stock-tool bundle.

``audit_ledger`` replays every statement from the first, verified, without any cache, and
refreshes the local index. ``state_as_of`` and ``artifact_history`` answer from that index, which
is rebuilt by the same full replay whenever it is missing, stale (built for another head) or not
intact. ``export_bundle`` writes what ``ssh-keygen`` alone needs to check every signature.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from approval.audit.failure import AuditFailure
from approval.audit.index import ArtifactHistory, AsOf, Index, IndexRow, rows_for
from approval.audit.replay import Replay, Verified
from approval.audit.timeline import Event, describe
from approval.errors import UsageError
from approval.ledger import Ledger
from approval.state import LedgerState


@dataclass(frozen=True)
class AuditReport:
    """What a full replay found: the timeline up to the end, or up to the first failure."""

    ledger: str
    head: str | None
    events: tuple[Event, ...]
    failure: AuditFailure | None
    signatures: int
    seconds: float
    adoptions: int
    exports: int

    @property
    def intact(self) -> bool:
        return self.failure is None


@dataclass
class _Replayed:
    report: AuditReport
    state: LedgerState
    rows: list[IndexRow]


def _replay(ledger: Ledger, head: str | None, *, keep: bool = False) -> tuple[_Replayed, list[Verified]]:
    from approval.audit.history import read_history

    start = time.perf_counter()
    replay = Replay()
    events: list[Event] = []
    kept: list[Verified] = []
    failure: AuditFailure | None = None
    if head is not None:
        try:
            for verified in replay.run(read_history(ledger, head)):
                events.append(describe(verified.record, replay.state, verified.position, verified.commit))
                if keep:
                    kept.append(verified)
        except AuditFailure as e:
            failure = e
    state = replay.state
    report = AuditReport(
        str(ledger.path),
        head,
        tuple(events),
        failure,
        replay.signatures,
        time.perf_counter() - start,
        len(state.adoptions),
        sum(1 for e in events if e.kind == "export"),
    )
    return _Replayed(report, state, []), kept


def replay_ledger(ledger: Ledger, head: str | None) -> AuditReport:
    """The full verified replay of ``ledger`` up to ``head`` (the bench calls this alone)."""
    replayed, _ = _replay(ledger, head)
    return replayed.report


def audit_ledger(path: Path | None) -> AuditReport:
    """Replay and verify every statement; refresh the index when the ledger is intact.

    Also fails (exit 3) when a statement this machine's last index held is gone: a history
    reset under a clone (a force-push) that no later signature can show."""
    with Ledger.open(path) as ledger:
        head = ledger.head()
        replayed, _ = _replay(ledger, head)
        report = replayed.report
        if report.failure is None and head is not None:
            failure = Index.refresh(ledger.cache_dir, head, rows_for(report.events, replayed.state))
            if failure is not None:
                report = AuditReport(**{**report.__dict__, "failure": failure})
    return report


def _index(ledger: Ledger) -> Index:
    """The intact index for the ledger's head, rebuilt by a full verified replay if need be."""
    head = ledger.head()
    if head is None:
        raise UsageError("the ledger is empty", hint="create it with `approval init`")
    index = Index.open(ledger.cache_dir, head)
    if index is not None:
        return index
    replayed, _ = _replay(ledger, head)
    if replayed.report.failure is not None:
        raise replayed.report.failure
    failure = Index.refresh(ledger.cache_dir, head, rows_for(replayed.report.events, replayed.state))
    if failure is not None:
        raise failure
    index = Index.open(ledger.cache_dir, head)
    if index is None:  # a cache directory we cannot write: answer from memory instead
        index = Index.in_memory(head, rows_for(replayed.report.events, replayed.state))
    return index


def state_as_of(path: Path | None, when: str) -> AsOf:
    """The policy, roster, open requests, valid approvals and exports at ``when``."""
    from approval.audit.index import parse_moment

    moment = parse_moment(when)
    with Ledger.open(path) as ledger:
        index = _index(ledger)
        try:
            return index.as_of(moment)
        finally:
            index.close()


def artifact_history(path: Path | None, subject: str, as_of: str | None = None) -> ArtifactHistory:
    """Everything the ledger says about one file (a path, hashed now, or a sha256)."""
    from approval.audit.index import parse_moment, resolve_artifact

    sha256, name = resolve_artifact(subject)
    moment = parse_moment(as_of) if as_of is not None else None
    with Ledger.open(path) as ledger:
        index = _index(ledger)
        try:
            return index.artifact(sha256, name, moment)
        finally:
            index.close()


def export_bundle(path: Path | None, directory: Path) -> object:
    """Replay and verify, then write the bundle ``ssh-keygen`` alone can check."""
    from approval.audit.bundle import write_bundle

    with Ledger.open(path) as ledger:
        head = ledger.head()
        replayed, verified = _replay(ledger, head, keep=True)
        if replayed.report.failure is not None:
            raise replayed.report.failure
        return write_bundle(directory, verified, replayed.state, head)
