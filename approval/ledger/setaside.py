"""Statements kept outside the ledger's branch: what ``approval sync`` set aside.

A statement of a clone that the shared ledger refused once it held what other offices recorded
first (an offline export dated more than 5 minutes before an entry that landed first, a sign-off
whose signer left the roster meanwhile) is kept under ``refs/approval/rejected/<id>``: the
commit that held it on the clone's own line, its history with it. The ledger's rules stay as
they are (the replay refuses it), but what it records may have happened: an export set aside
means a file left without a record the ledger admits. ``audit``, ``doctor`` and ``sync`` report
each one from here.

A ref in that namespace is a claim, not evidence (``sync`` copies the remote's, which anyone
who can push there can fill): :func:`examine` verifies each statement on its own history, with
the one verifier, from the newest commit that history shares with the ledger's branch (so
under the roster of its time, on the chain of trust from the first adoption); one that does
not verify is reported as such, never as an export.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from approval.errors import IntegrityError
from approval.ledger import remote as git_remote
from approval.statements import short_id

if TYPE_CHECKING:
    from approval.ledger.storage import Ledger
    from approval.trust.entry import Commit
    from approval.trust.state import LedgerState
    from approval.trust.verifier import Verifier

_ID = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Held:
    """One statement kept under ``refs/approval/rejected/<id>``, as :func:`examine` found it.

    ``genuine``: it verifies on its own history (its signatures against the roster of its
    time); else ``problem`` says why not, and nothing else it claims is to be believed.
    ``reason``: the rule that refuses it on the ledger's branch now."""

    id: str
    ref: str
    kind: str
    signer: str
    created: str
    genuine: bool
    reason: str
    artifact: str | None = None  # an export's file (sha256)
    problem: str | None = None

    @property
    def export(self) -> bool:
        return self.genuine and self.kind == "export"

    @property
    def words(self) -> str:
        if not self.genuine:
            return (
                f"a statement kept under {self.ref} does not verify ({self.problem}): not a "
                "record of anything; whoever put it there must explain it"
            )
        what = (
            f"{_word(self.kind)} {short_id(self.id)} signed by {self.signer} at {self.created} "
            f"is set aside, outside the shared ledger (refused: {self.reason})"
        )
        if self.export:
            return (
                f"{what}: file sha256:{self.artifact} left without a record the ledger "
                "admits; open an incident for it: approval incident open --artifact "
                f"{self.artifact} --key KEY"
            )
        return f"{what}: it is not in force"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "ref": self.ref,
            "kind": self.kind if self.genuine else None,
            "signer": self.signer if self.genuine else None,
            "created": self.created if self.genuine else None,
            "verified": self.genuine,
            "refused": self.reason if self.genuine else None,
            "problem": self.problem,
            "artifact": self.artifact if self.export else None,
            "file_left_unrecorded": self.export,
        }


def held_refs(ledger: Ledger) -> dict[str, str]:
    """Statement id -> commit of every ref under ``refs/approval/rejected/``."""
    return git_remote.rejected(ledger)


def examine(ledger: Ledger, head: str | None, state: LedgerState | None) -> tuple[Held, ...]:
    """Every statement held under ``refs/approval/rejected/``, verified (see the module doc);
    ``state`` is the verified state at ``head`` (None: restored from the verified caches).
    Never raises for what it finds: a problem is the answer."""
    from approval.ledger.verifying import resume

    found = []
    now: Verifier | None = None
    for statement, commit in sorted(held_refs(ledger).items()):
        ref = f"{git_remote.REJECTED}{statement}"
        held, last = _verified(ledger, head, statement, commit, ref)
        if held.genuine and last is not None and head is not None:
            try:
                if now is None:
                    if state is None:
                        from approval.ledger.snapshot import restore

                        state = restore(ledger, head)
                    now = resume(ledger, head, _copy(state))  # the verifier takes it over
                reason = _refused_now(now, last)
                if reason is None:  # admitted: the verifier moved on; a fresh one for the next
                    now = None
                    reason = "none now, but it was refused when it was shared"
                held = dataclasses.replace(held, reason=reason)
            except IntegrityError as e:
                held = dataclasses.replace(held, reason=f"cannot tell: {e.message}")
        found.append(held)
    return tuple(found)


def _verified(
    ledger: Ledger, head: str | None, statement: str, commit: str, ref: str
) -> tuple[Held, Commit | None]:
    from approval.ledger.history import read_history
    from approval.ledger.snapshot import restore
    from approval.ledger.verifying import resume
    from approval.statements import Envelope

    def forged(problem: str) -> tuple[Held, None]:
        return Held(statement, ref, "", "", "", False, "", problem=problem), None

    if not _ID.fullmatch(statement):
        return forged("its name is not a statement id")
    if head is None:
        return forged("the ledger has no branch to verify it against")
    base = (
        git_remote.merge_base(ledger, head, commit) if ledger.is_ancestor(commit, commit) else None
    )
    if base is None:
        return forged("it shares no history with this ledger")
    if base == commit:
        return forged("it is on the ledger's branch, not set aside")
    try:
        verifier = resume(ledger, base, restore(ledger, base))
        commits = list(read_history(ledger, commit, since=base, count=verifier.count))
        for _ in verifier.run(iter(commits)):
            pass
    except IntegrityError as e:  # an AuditFailure, or a history that cannot be read
        return forged(e.message)
    last = commits[-1]
    envelope = Envelope.from_dict(_json(last.raw))
    if envelope.id != statement:
        return forged(f"its commit holds statement {short_id(envelope.id)}, not the one named")
    body = envelope.statement
    artifact = body.get("artifact", {}).get("sha256") if envelope.kind == "export" else None
    signer = ", ".join(s.signer for s in envelope.signatures)
    created = envelope.created.strftime("%Y-%m-%dT%H:%M:%SZ")
    held = Held(statement, ref, envelope.kind, signer, created, True, "", artifact)
    return held, last


def _refused_now(verifier: Verifier, last: Commit) -> str | None:
    """The rule that refuses the statement on top of the branch (the verifier is left as it
    was); None when it admits it (the verifier then holds it: discard it)."""
    from approval.trust.failure import AuditFailure

    try:
        verifier.admit(dataclasses.replace(last, position=verifier.count + 1))
    except AuditFailure as failure:
        return failure.problem
    return None


def _copy(state: LedgerState) -> LedgerState:
    from approval.trust.state import LedgerState

    records = state.records()
    return LedgerState.restore(records, max((r.at for r in records), default=None))


def _json(raw: bytes) -> dict[str, Any]:
    import json

    doc: dict[str, Any] = json.loads(raw)
    return doc


def _word(kind: str) -> str:
    return {"signoff": "sign-off"}.get(kind, kind)


__all__ = ["Held", "examine", "held_refs"]
