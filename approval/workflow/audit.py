"""``approval audit``: replay and verify the whole ledger, time travel, and the stock-tool bundle.

``audit_ledger`` replays every statement from the first, verified, without any cache (the
index and the snapshots of other commands are never read), and refreshes the audit index;
``audited`` does the same, finishing the index in a thread while the caller writes the report.
``state_as_of`` and ``artifact_history`` answer from that index, which the same full replay
rebuilds whenever it is missing, stale (built for another head) or not intact. ``export_bundle``
writes what ``ssh-keygen`` alone needs to check every signature, after an intact replay.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from approval.errors import UsageError
from approval.ledger import Ledger
from approval.report.index import ArtifactHistory, AsOf, Index, at_once
from approval.trust.failure import AuditFailure, Rule

if TYPE_CHECKING:
    # Answering from the index needs none of these (nor the policy, state and crypto code
    # behind them): imported where a replay runs.
    from approval.ledger.setaside import Held
    from approval.report.bundle import Bundle
    from approval.report.compromise import KeyWarning
    from approval.report.event import Event
    from approval.report.personal import TextWarning
    from approval.trust.replay import Verified
    from approval.trust.state import LedgerState

    AuditWarning = TextWarning | KeyWarning


@dataclass(frozen=True)
class AuditReport:
    """What a full replay found: the timeline to the end, or to the first failure."""

    ledger: str
    head: str | None
    events: tuple[Event, ...]
    failure: AuditFailure | None
    signatures: int
    seconds: float
    adoptions: int
    # Statements whose text seems to hold personal data (``approval.report.personal``): a
    # detector's judgement; and statements signed with a key a later roster names compromised
    # since before them (``approval.report.compromise``). Reported, never an integrity failure
    # (the exit code stays 0).
    warnings: tuple[AuditWarning, ...] = ()
    # Statements kept outside the branch under refs/approval/rejected/ (``approval sync`` set
    # them aside), each verified on its own history (approval.ledger.setaside): an export
    # among them is a file that left without a record the ledger admits. Reported, never an
    # integrity failure (the ledger itself is intact).
    set_aside: tuple[Held, ...] = ()
    # The texts warned of (``PersonalData.withheld``): no event shows them, nor the index.
    withheld: tuple[str, ...] = ()

    @property
    def intact(self) -> bool:
        return self.failure is None

    @property
    def exports(self) -> int:
        return sum(1 for event in self.events if event.kind == "export")


def replay_ledger(
    ledger: Ledger, head: str | None, sink: Callable[[Verified], None] | None = None
) -> tuple[AuditReport, LedgerState]:
    """Verify every statement up to ``head`` (each handed to ``sink`` too); never raises for a
    broken ledger: the report says where it broke."""
    from approval.ledger.history import read_history
    from approval.ledger.parallel import verify_ahead
    from approval.report.compromise import Signatures
    from approval.report.personal import PersonalData, withhold_event
    from approval.report.timeline import describe
    from approval.trust.replay import Replay

    start = time.perf_counter()
    replay = Replay()
    events: list[Event] = []
    warnings: list[AuditWarning] = []
    personal = PersonalData()
    signatures = Signatures()
    failure: AuditFailure | None = None
    if head is not None:
        try:
            commits = verify_ahead(read_history(ledger, head), replay)  # signatures: all cores
            for verified in replay.run(commits):
                events.append(
                    describe(verified.record, replay.state, verified.position, verified.commit)
                )
                warnings += personal.warnings(
                    verified.envelope.statement,
                    verified.id,
                    verified.position,
                    replay.state.current.policy,
                )
                signatures.note(verified)
                if sink is not None:
                    sink(verified)
        except AuditFailure as e:
            failure = e
        # What a key signed after a roster (adopted later) says it was stolen: known only now.
        warnings += signatures.warnings(replay.state.adoptions)
        warnings.sort(key=lambda w: w.position)
    withheld = personal.withheld
    if withheld:  # a rogue statement's text, wherever an event shows it (never when honest)
        events = [withhold_event(event, withheld) for event in events]
    report = AuditReport(
        str(ledger.path),
        head,
        tuple(events),
        failure,
        replay.signatures,
        time.perf_counter() - start,
        len(replay.state.adoptions),
        tuple(warnings),
        withheld=withheld,
    )
    return report, replay.state


# Runs the end of the index's write (``Index.refresh``): at once, or handed to a thread.
Finish = Callable[[Callable[[], None]], None]


def _refresh_index(
    ledger: Ledger, report: AuditReport, state: LedgerState, finish: Finish = at_once
) -> AuditFailure | None:
    from approval.ledger.snapshot import code_digest
    from approval.report.index import rows_for

    assert report.head is not None
    _know_genesis(ledger, report)
    events = report.events
    return Index.refresh(
        ledger.cache_dir,
        report.head,
        (event.id for event in events),
        lambda: rows_for(events, state, report.withheld),
        lambda: _set_aside(ledger),
        finish,
        rules=code_digest(),
    )


def _know_genesis(ledger: Ledger, report: AuditReport) -> None:
    """Tell ``ledger`` its identity (what its cache directory is keyed by) from an intact
    replay: the statement of its first entry, the root of a history without merges (the replay
    refuses one). Else git walks the whole history again for it (``Ledger.genesis``: 0.1 s of
    CPU at 20k entries, 0.4 s at 100k)."""
    if report.failure is None and report.head is not None and report.events:
        first = report.events[0]
        if first.position == 1:
            ledger.genesis(report.head, listed=f"commit {first.commit}\n{first.kind} {first.id}\n")


def _set_aside(ledger: Ledger) -> set[str]:
    """Statements this clone keeps outside its branch on purpose, so they are not "gone":
    its own statements the shared ledger refused (``approval sync`` keeps each under
    ``refs/approval/rejected/<id>``) and a local history an admin replaced by accepting a
    rewritten remote (kept whole under ``refs/approval/replaced/``)."""
    from approval.ledger.git import Git
    from approval.ledger.remote import REJECTED, REPLACED

    git = Git(ledger.git_dir)
    refs = git.output(["for-each-ref", "--format=%(refname)", REJECTED, REPLACED]).split()
    kept = {ref.removeprefix(REJECTED) for ref in refs if ref.startswith(REJECTED)}
    for ref in refs:
        if ref.startswith(REPLACED):
            subjects = git.output(["log", "--first-parent", "--format=%s", ref, "--"])
            kept.update(line.partition(" ")[2] for line in subjects.splitlines())
    return kept


def set_aside_statements(path: Path | None) -> tuple[Held, ...]:
    """Every statement set aside under refs/approval/rejected/, verified at the ledger's head
    (``audit --artifact`` shows the exports of its file among them)."""
    with Ledger.open(path) as ledger:
        head = ledger.head()
        if head is None:
            return ()
        from approval.ledger.setaside import examine, held_refs

        if not held_refs(ledger):
            return ()
        return examine(ledger, head, None)


def audit_ledger(path: Path | None) -> AuditReport:
    """Replay and verify every statement; refresh the index when the ledger is intact.

    Fails too (exit 3) when a statement that this machine's index held is gone: a history reset
    under a clone (a force-push) that no later statement's seen head can show."""
    return _audit(path, at_once)


@contextlib.contextmanager
def audited(path: Path | None) -> Iterator[AuditReport]:
    """``audit_ledger``, the index finished in a thread while the caller uses the report:
    sorting the index's indexes, its digest and putting it in place (~0.4 s at 100k
    statements) leave the GIL, and writing the report is Python's work. The report, its
    failure included (a statement the old index held is gone), is whole before the caller gets
    it; the index is in place, or left out, when the caller's block ends, however it ends."""
    from concurrent.futures import Future, ThreadPoolExecutor

    pending: list[Future[None]] = []
    with ThreadPoolExecutor(1, thread_name_prefix="audit-index") as pool:

        def beside(work: Callable[[], None]) -> None:
            try:
                pending.append(pool.submit(work))
            except RuntimeError:  # no thread to be had (the interpreter is ending)
                work()

        yield _audit(path, beside)
    for done in pending:
        done.result()  # what the work raised, as if it had run here


def _audit(path: Path | None, finish: Finish) -> AuditReport:
    with Ledger.open(path) as ledger:
        report, state = replay_ledger(ledger, ledger.head())
        if report.head is None:
            # Nothing verified is no proof of anything: a ledger always starts with an
            # adoption, so no branch means a ledger never set up, or one whose branch was
            # deleted (the objects may all still be there).
            empty = AuditFailure(
                Rule.KEPT,
                "the ledger holds no statements: its branch refs/heads/ledger does not exist, "
                "so no policy is in force and there is nothing to verify",
                hint="a ledger starts with `approval init`; if this one held statements, its "
                "branch was deleted: compare it with another clone",
            )
            return replace(report, failure=empty)
        if report.failure is None:
            report = replace(report, set_aside=_held(ledger, report.head, state))
            failure = _refresh_index(ledger, report, state, finish)
            if failure is not None:
                report = replace(report, failure=failure)
    return report


def _held(ledger: Ledger, head: str, state: LedgerState) -> tuple[Held, ...]:
    """Every statement set aside under refs/approval/rejected/, verified; () at the cost of
    one ``for-each-ref`` when there is none."""
    from approval.ledger.setaside import examine, held_refs

    if not held_refs(ledger):
        return ()
    return examine(ledger, head, state)


def _index(ledger: Ledger) -> Index:
    """The intact index for the ledger's head, rebuilt by a full verified replay if need be."""
    from approval.ledger.snapshot import code_digest  # the rules the index must be built by

    head = ledger.head()
    if head is None:
        raise UsageError("the ledger is empty", hint="create it with `approval init`")
    index = Index.open(ledger.cache_dir, head, code_digest())
    if index is not None:
        return index
    report, state = replay_ledger(ledger, head)
    if report.failure is not None:
        raise report.failure
    failure = _refresh_index(ledger, report, state)
    if failure is not None:
        raise failure
    index = Index.open(ledger.cache_dir, head, code_digest())
    if index is None:  # a cache directory we cannot write: answer from memory
        from approval.report.index import rows_for

        index = Index.in_memory(head, rows_for(report.events, state, report.withheld))
    return index


def state_as_of(path: Path | None, when: str) -> AsOf:
    """The policy and roster in force, open requests, valid approvals and exports at ``when``."""
    from approval.report.index import parse_moment

    moment = parse_moment(when)
    with Ledger.open(path) as ledger:
        index = _index(ledger)
        try:
            return index.as_of(moment)
        finally:
            index.close()


def artifact_history(path: Path | None, subject: str, as_of: str | None = None) -> ArtifactHistory:
    """Everything the ledger says about one file (a path, hashed now, or a sha256), up to
    ``as_of`` when given."""
    from approval.report.index import parse_moment, resolve_artifact

    sha256, name = resolve_artifact(subject)
    moment = parse_moment(as_of) if as_of is not None else None
    with Ledger.open(path) as ledger:
        index = _index(ledger)
        try:
            return index.artifact(sha256, name, moment)
        finally:
            index.close()


def export_bundle(path: Path | None, directory: Path) -> Bundle:
    """Replay and verify, writing each statement and signature as it passes; then the
    allowed-signers file, ``verify.sh`` and a README. Nothing is left if the replay fails."""
    from approval.report.bundle import BundleWriter

    with Ledger.open(path) as ledger:
        head = ledger.head()
        if head is None:
            raise UsageError("the ledger is empty: nothing to export")
        writer = BundleWriter(directory)
        try:
            report, state = replay_ledger(ledger, head, writer.add)
            if report.failure is not None:
                raise report.failure
            return writer.finish(state.adoptions, head)
        except BaseException:
            writer.abort()
            raise
