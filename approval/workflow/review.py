"""``approval show``, ``status`` and ``sign``: what officials review, and their sign-offs.

They answer from the verified ledger's adoptions and the slice about one file (see snapshot.py),
never restoring the whole state: a request's id names its file, whose slice holds the request,
its sign-offs and their revocations, every other request for the same file with its sign-offs,
its exports and redactions: all that ``decide``, ``check_signoff`` and the review screen read,
beside the policy and roster in force and the whole ledger's latest time. A new sign-off is
checked against that same state before it is appended, by compare-and-swap on the head it was
read at (sync.py): the rules of ``LedgerState.check`` for a sign-off look at its request (in the
slice), at its duplicate (its id covers the file's sha256: in the slice too), at the roster in
force and at the latest time, so it passes or fails there exactly as against the whole state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from approval.decision import Decision, check_signoff, decide
from approval.errors import UsageError
from approval.state import LedgerState, Request, SignOff, identify
from approval.statements import now, short_id
from approval.workflow.ledger import new_statement, read_key, sign_and_append
from approval.workflow.snapshot import gate, opened
from approval.workflow.text import free_text


@dataclass(frozen=True)
class SignOffLine:
    signoff: SignOff
    name: str
    counted: bool
    revoked: bool


@dataclass(frozen=True)
class Review:
    """Everything the review screen shows about one request."""

    request: Request
    requester_name: str
    policy: str
    decision: Decision
    signoffs: tuple[SignOffLine, ...]
    at: datetime

    @property
    def short(self) -> str:
        return short_id(self.request.id)


def build_review(state: LedgerState, request: Request, at: datetime) -> Review:
    decision = decide(state, request.sha256, at, request_id=request.id)
    roster = state.current.roster
    used = {s.id for s in decision.used}
    lines = tuple(
        SignOffLine(
            s,
            (o.name if (o := roster.official(s.signer)) else s.signer),
            s.id in used,
            state.is_revoked(s.id),
        )
        for s in state.signoffs_for(request.id)
    )
    requester = roster.official(request.requester)
    return Review(
        request,
        requester.name if requester else request.requester,
        state.current.label,
        decision,
        lines,
        at,
    )


def show_request(ledger: Path | None, ref: str) -> Review:
    """The review screen's content for request ``ref`` (full id or unique prefix)."""
    with opened(ledger) as (_, view):
        request, state = view.request(ref)
        return build_review(state, request, now())


@dataclass(frozen=True)
class Status:
    """Where a file or request stands, and what to do next."""

    subject: str  # the file or request asked about
    sha256: str
    decision: Decision
    verdict: str | None  # the fresh scan's verdict, when a file was given
    next_steps: tuple[str, ...]


def status(ledger: Path | None, subject: str) -> Status:
    """The decision for a file (scanned now) or a request, with the exact next commands."""
    from approval.detect.scan import scan_file

    at = now()
    with opened(ledger) as (_, view):
        path = Path(subject)
        if path.is_file():
            report = scan_file(path, view.state_for(()).current.policy)
            classes = [*report.classes]
            if report.verdict == "unscannable":
                classes.append("unscannable")
            state = view.state_for([report.sha256])
            decision = decide(state, report.sha256, at, classes=classes)
            sha, verdict, name = report.sha256, report.verdict, subject
        elif path.suffix and not path.exists() and not _looks_like_id(subject):
            raise UsageError(f"{subject}: no such file")
        else:
            request, state = view.request(subject)
            decision = decide(state, request.sha256, at, request_id=request.id)
            sha, verdict, name = request.sha256, None, request.artifact.name
    return Status(subject, sha, decision, verdict, _next_steps(decision, name))


def _looks_like_id(text: str) -> bool:
    return len(text) >= 4 and all(c in "0123456789abcdef" for c in text.lower())


def _next_steps(decision: Decision, name: str) -> tuple[str, ...]:
    if decision.allowed:
        return (f"approval export {name} --to DEST --key KEY",)
    if decision.request is None:
        return (f'approval request {name} --purpose "..." --destination "..." --key KEY',)
    short = short_id(decision.request.id)
    steps = [
        f"approval sign {short} --key KEY --role {role}" for role in dict.fromkeys(decision.missing)
    ]
    return tuple(steps) or (f"approval show {short}",)


@dataclass(frozen=True)
class Signed:
    id: str
    request: str
    signer: str
    role: str
    decision: str
    after: Decision


Confirm = Callable[[Review, str], str | None]
"""Shown the review and the role, returns the comment to record (or raises to abort)."""


def sign_request(
    ledger: Path | None,
    ref: str,
    key_file: Path,
    passphrase_env: str | None,
    *,
    role: str | None,
    reject: bool,
    comment: str | None,
    confirm: Confirm,
) -> Signed:
    """Approve or reject request ``ref`` under one role, after ``confirm`` (the review screen)."""
    decision_word = "reject" if reject else "approve"
    key = read_key(key_file, passphrase_env)
    with gate(ledger) as (session, view):
        at = now()
        official = identify(session.state, key.public_line, at)
        found, state = view.request(ref)
        # The state the sign-off is checked against before, and appended on (see the module doc).
        session.state = state
        request, chosen = check_signoff(
            state, found.id, official.id, role, decision_word, at, comment
        )
        comment = confirm(build_review(state, request, at), chosen)
        if reject and not comment:
            raise UsageError("a rejection needs a reason", hint="pass --comment TEXT")
        if comment:
            comment = free_text("the comment", comment, state.current.policy)
        body: dict[str, object] = {
            "signer": official.id,
            "request": request.id,
            "artifact_sha256": request.sha256,
            "decision": decision_word,
            "role": chosen,
        }
        if comment:
            body["comment"] = comment
        statement = new_statement("signoff", session.head, now(), **body)
        envelope = sign_and_append(session, statement, [(key, official.id)])
        # The session's state: a lost race replaces it with the state at the new tip.
        after = decide(session.state, request.sha256, now(), request_id=request.id)
    return Signed(envelope.id, request.id, official.id, chosen, decision_word, after)
