"""``approval inbox``: the requests waiting for my sign-off, oldest first.

Who "I" am comes from the key (its public half is enough: nothing is signed), looked up in the
roster in force. A request waits for me when it still stands (``live_requests``: not withdrawn,
made under the policy in force, no approval lapsed), is not yet allowed (``decide``), is not
blocked by a rejection, and I could sign it now under one of the roles it still misses
(``check_signoff``: not my own request when the rule forbids it, not already signed by me under
that role). The same functions decide ``status`` and ``sign``, so the inbox cannot disagree
with them.

``inbox_of`` is pure; ``inbox`` fetches first (the usual refresh) and reads the verified state.

Speed: restoring the whole state of a 100k-entry ledger costs seconds (every saved slice is
unpickled), yet only the artifacts with a live request matter, and those are few. So the inbox
keeps, per ledger in the user's cache, the artifacts that had a live request at a head
(``inbox-candidates.json``); the next run adds every artifact a later entry is about and
decides on the adoptions and those artifacts' slices only (``View.state_for``), which decide as
the whole state would. Time alone never makes a request live again (withdrawals and lapses are
final, and anything new is an entry), so the kept set is a superset of what can wait. A file
that is missing, damaged (its digest does not match), made by other code or at a head that is
not an ancestor is rebuilt from the whole state.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from approval.errors import BlockedError, UsageError
from approval.hooks import persons_of
from approval.policy import Official
from approval.statements import format_time, short_id
from approval.trust.decision import Decision, check_signoff, decide, live_requests
from approval.trust.incidents import RECORDS as INCIDENT_RECORDS
from approval.trust.state import (
    Adoption,
    Blocked,
    Export,
    LedgerState,
    Record,
    Redaction,
    Request,
    Revocation,
    SignOff,
    identify,
)
from approval.trust.summaries import hidden_parts

if TYPE_CHECKING:
    from approval.ledger import Ledger
    from approval.ledger.snapshot import View

SCHEMA_VERSION = 1
CANDIDATES_FILE = "inbox-candidates.json"
CANDIDATES_FORMAT = 1


@dataclass(frozen=True)
class Waiting:
    """A request that waits: for ``mine`` (the roles I can sign it under; empty with --all)
    and, in all, for one sign-off per role in ``missing``."""

    request: Request
    mine: tuple[str, ...]
    missing: tuple[str, ...]
    persons: int | None
    hidden: tuple[str, ...]
    age: timedelta
    # "refused before: ..." lines: earlier refusals of files like this one (trust/refusals.py).
    refused_before: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        request = self.request
        return {
            "id": request.id,
            "short": short_id(request.id),
            "file": request.artifact.name,
            "sha256": request.sha256,
            "requester": request.requester,
            "requested": format_time(request.at),
            "age_days": self.age.days,
            "purpose": request.purpose,
            "destination": request.destination,
            "classes": list(request.classes),
            "persons": self.persons,
            "hidden": list(self.hidden),
            "mine": list(self.mine),
            "missing": list(self.missing),
            "refused_before": list(self.refused_before),
        }


@dataclass(frozen=True)
class Expiring:
    """An allowed request whose approvals lapse within the days asked for."""

    request: Request
    expires: datetime
    signers: tuple[str, ...]
    exported: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.request.id,
            "short": short_id(self.request.id),
            "file": self.request.artifact.name,
            "sha256": self.request.sha256,
            "expires": format_time(self.expires),
            "signers": list(self.signers),
            "exported": self.exported,
        }


@dataclass(frozen=True)
class Inbox:
    official: str | None  # None: the whole office (--all)
    roles: tuple[str, ...]
    at: datetime
    waiting: tuple[Waiting, ...]
    expiring: tuple[Expiring, ...] | None  # None: not asked for

    @property
    def empty(self) -> bool:
        return not self.waiting and not self.expiring

    def to_dict(self) -> dict[str, Any]:
        return {
            "official": self.official,
            "roles": list(self.roles),
            "at": format_time(self.at),
            "waiting": [w.to_dict() for w in self.waiting],
            "expiring": None if self.expiring is None else [e.to_dict() for e in self.expiring],
        }


def _refused(state: LedgerState, decision: Decision, at: datetime) -> bool:
    """Whether a rejection of this artifact, not withdrawn, blocks a rule that applies (the
    rule ``decide`` states in its module doc): no sign-off can allow it until it is revoked."""
    request = decision.request
    if request is None:
        return False
    for other in state.requests_for(request.sha256):
        for signoff in state.signoffs_for(other.id):
            if signoff.approves or signoff.at > at or state.is_revoked(signoff.id, at):
                continue
            if any(r.rejection_blocks and signoff.role in r.roles for r in decision.rules):
                return True
    return False


def _my_roles(
    state: LedgerState,
    decision: Decision,
    request: Request,
    official: Official,
    at: datetime,
) -> tuple[str, ...]:
    """The missing roles ``official`` could sign ``request`` under now (``check_signoff``),
    and whose slot their sign-off would fill: where every rule needing the role wants distinct
    officials, one who already approved the request under another role would not count twice."""
    approved = any(
        s.signer == official.id and s.approves and not state.is_revoked(s.id, at)
        for s in state.signoffs_for(request.id)
    )
    mine = []
    for role in dict.fromkeys(decision.missing):
        if not official.holds(role):
            continue
        needing = [r for r in decision.rules if role in r.roles]
        if approved and needing and all(r.distinct_signers for r in needing):
            continue
        try:
            check_signoff(state, request.id, official.id, role, "approve", at)
        except (UsageError, BlockedError):
            continue
        mine.append(role)
    return tuple(mine)


def candidates_of(state: LedgerState, at: datetime) -> set[str]:
    """The artifacts with a request that still stands at ``at`` (``live_requests``)."""
    current = state.current
    shas = dict.fromkeys(
        r.sha256 for r in state.records() if isinstance(r, Request) and r.adoption == current.id
    )
    return {sha for sha in shas if live_requests(state, sha, at)}


def inbox_of(
    state: LedgerState,
    official: Official | None,
    at: datetime,
    expiring_days: int | None = None,
    refusals: LedgerState | None = None,
) -> Inbox:
    """What waits for ``official`` (for anyone with None) at ``at``, oldest first; with
    ``expiring_days``, also the allowed requests whose approvals lapse within that many days.
    ``refusals``: a state holding every refused file, where each waiting request's earlier
    refusals of files like it are looked up (``review.refused_in``); None when no file was
    ever refused (nothing to look up)."""
    from approval.report.personal import shown_request
    from approval.workflow.review import refused_in

    current = state.current
    waiting: list[Waiting] = []
    expiring: list[Expiring] = []
    horizon = at + timedelta(days=expiring_days) if expiring_days is not None else None
    artifacts = dict.fromkeys(
        r.sha256 for r in state.records() if isinstance(r, Request) and r.adoption == current.id
    )
    for sha in artifacts:
        for request in live_requests(state, sha, at):
            decision = decide(state, sha, at, request_id=request.id)
            if decision.allowed:
                expires = decision.expires
                if horizon is not None and expires is not None and expires <= horizon:
                    expiring.append(
                        Expiring(
                            shown_request(request, current.policy),
                            expires,
                            tuple(s.signer for s in decision.used),
                            any(e.request == request.id for e in state.exports_for(sha)),
                        )
                    )
                continue
            if not decision.missing or _refused(state, decision, at):
                continue
            mine: tuple[str, ...] = ()
            if official is not None:
                mine = _my_roles(state, decision, request, official, at)
                if not mine:
                    continue
            # Shown: text a rogue client recorded that the audit would warn of is withheld.
            shown = shown_request(request, current.policy)
            refused = (
                ()
                if refusals is None
                else refused_in(
                    refusals,
                    name=request.artifact.name,
                    sha256=sha,
                    scan=request.scan,
                    at=at,
                    request_id=request.id,
                )
            )
            waiting.append(
                Waiting(
                    shown,
                    mine,
                    decision.missing,
                    persons_of(shown.scan),
                    tuple(sorted(hidden_parts(shown.scan))),
                    at - request.at,
                    refused,
                )
            )
    # Statements carry whole seconds: ties keep ledger order (the sort is stable).
    waiting.sort(key=lambda w: w.request.at)
    expiring.sort(key=lambda e: (e.expires, e.request.id))
    roles = tuple(official.roles) if official is not None else ()
    return Inbox(
        official.id if official is not None else None,
        roles,
        at,
        tuple(waiting),
        tuple(expiring) if expiring_days is not None else None,
    )


def inbox(
    ledger: Path | None,
    key_file: Path | None,
    *,
    everyone: bool = False,
    expiring_days: int | None = None,
) -> Inbox:
    """The inbox of the official whose key is ``key_file`` (its public half suffices), from
    the ledger fetched first; ``everyone`` for the whole office."""
    from approval.ledger.session import opened
    from approval.statements import now

    public = None
    if not everyone:
        if key_file is None:
            raise UsageError(
                "no key: the inbox is found by your key",
                hint="pass --key FILE (or its .pub), set APPROVAL_KEY or `key` in the config, "
                "or use --all",
            )
        from approval.signing.keys import public_line_of

        public = public_line_of(key_file)
    with opened(ledger) as (opened_ledger, view):
        at = now()
        state = state_of_candidates(opened_ledger, view, at)
        official = identify(state, public, at) if public is not None else None
        refused = view.refused_artifacts()
        refusals = view.state_for(refused) if refused else None
        return inbox_of(state, official, at, expiring_days, refusals)


def state_of_candidates(ledger: Ledger, view: View, at: datetime) -> LedgerState:
    """The adoptions and the slices of every artifact that may have a live request (see the
    module doc), and the kept set brought up to the view's head."""
    from approval.ledger.snapshot import code_digest

    head = view.head
    if head is None:
        return view.state()
    path = ledger.cache_dir / CANDIDATES_FILE
    saved = _read_candidates(path, code_digest())
    if saved is not None and saved[0] == head:
        candidates = saved[1]
    elif saved is not None and ledger.is_ancestor(saved[0], head):
        candidates = set(saved[1])
        for entry in ledger.entries(head, since=saved[0]):
            candidates |= _about(view, entry.envelope.id)
    else:
        candidates = candidates_of(view.state(), at)
        _write_candidates(path, code_digest(), head, candidates)
        return view.state_for(candidates)
    state = view.state_for(candidates)
    live = candidates_of(state, at)
    if live != saved[1] or saved[0] != head:
        _write_candidates(path, code_digest(), head, live)
    return state


def _about(view: View, statement: str) -> set[str]:
    """The artifacts a statement is about (a revocation: those of what it revokes)."""
    record: Record = view.resolve(statement)[0]
    while isinstance(record, Revocation):  # a revocation of a revocation: what that one revoked
        record = view.resolve(record.target)[0]
    if isinstance(record, Request):
        return {record.sha256}
    if isinstance(record, SignOff):
        return {record.artifact_sha256}
    if isinstance(record, Export | Blocked):
        return {record.artifact.sha256}
    if isinstance(record, Redaction):
        return {record.source.sha256, record.derivative.sha256}
    if isinstance(record, INCIDENT_RECORDS):  # an incident's statement: about its bytes
        return {record.sha256}
    from approval.trust.witness import Checkpoint  # about no file: the ledger's state

    assert isinstance(record, Adoption | Checkpoint)
    return set()


def _digest(code: str, head: str, candidates: Iterable[str]) -> str:
    text = "\n".join([code, head, *sorted(candidates)])
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _read_candidates(path: Path, code: str) -> tuple[str, set[str]] | None:
    """(head, artifacts) as kept, or None when missing, damaged or made by other code."""
    try:
        data = json.loads(path.read_text(encoding="ascii"))
        head, shas, digest = data["head"], data["candidates"], data["digest"]
        if data["format"] != CANDIDATES_FORMAT or data["code"] != code:
            return None
        if not isinstance(head, str) or not all(isinstance(s, str) for s in shas):
            return None
        if digest != _digest(code, head, shas):
            return None
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
    return head, set(shas)


def _write_candidates(path: Path, code: str, head: str, candidates: set[str]) -> None:
    """Keep the set for the next run; a cache that cannot be written costs only speed."""
    from approval.ledger.usercache import cache_root, private_dir

    root = cache_root()
    if root is None or not path.parent.is_relative_to(root) or not private_dir(path.parent):
        return
    shas = sorted(candidates)
    document = {
        "format": CANDIDATES_FORMAT,
        "code": code,
        "head": head,
        "candidates": shas,
        "digest": _digest(code, head, shas),
    }
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(json.dumps(document), encoding="ascii")
        temporary.replace(path)
    except OSError:
        temporary.unlink(missing_ok=True)
