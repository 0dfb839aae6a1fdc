"""``approval request``: a publisher asks to export one file, with the scan summary attached."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from approval.detect.strings import personal_data_in
from approval.errors import BlockedError, UsageError
from approval.exposure.record import exposure_for
from approval.freetext import free_text, safe_name, safe_summary
from approval.ledger.session import gate, read_key, sign_and_append
from approval.policy import Policy
from approval.statements import format_time, kinds, now, short_id
from approval.trust.decision import decide, live_requests
from approval.trust.state import LedgerState, Request, check_request, identify
from approval.words import plural


@dataclass(frozen=True)
class Requested:
    id: str
    file: str
    sha256: str
    requester: str
    roles: tuple[str, ...]  # the sign-offs it needs
    persons: dict[str, int]  # class -> distinct persons
    verdict: str

    @property
    def short(self) -> str:
        return short_id(self.id)


def request_approval(
    ledger: Path | None,
    file: Path,
    purpose: str,
    destination: str,
    key_file: Path,
    passphrase_env: str | None,
    again: str | None = None,
) -> Requested:
    """Scan ``file`` under the policy in force and record a signed request for it.

    A clean file needs no approval and is refused with a word to export it directly. The
    request carries the scan summary (classes, persons, where, hidden parts) but never a value
    from the file. Bytes that already have a live request (``live_requests``) are refused
    (exit 1, naming it) unless ``again`` gives the reason for a new one, which it records.
    """
    from approval.detect.scan import scan_file
    from approval.workflow.export import require_file

    require_file(file)
    key = read_key(key_file, passphrase_env)
    with gate(ledger) as (session, view):
        state = session.state  # the adoptions: the policy to scan under, the roster
        at = now()
        official = identify(state, key.public_line, at)
        adoption = state.current
        policy = adoption.policy
        # Checked before the scan, which may take a while: a typo should not cost that.
        purpose = free_text("--purpose", purpose, policy)
        destination = free_text("--destination", destination, policy)
        if again is not None:
            again = free_text("--reason", again, policy)
        # With the persons' identity keys: the exposure record (approval.exposure.record).
        report = scan_file(file, policy, identities=True)
        if not report.sha256:
            raise UsageError(f"{file}: could not be read to the end (did it change or vanish?)")
        classes = [*report.classes, *(["unscannable"] if report.verdict == "unscannable" else [])]
        # The adoptions and the file's slice: the request is checked against it before it is
        # appended, and its duplicate, if any, is there (its id covers the sha256).
        state = session.state = view.state_for([report.sha256])
        if report.verdict == "clean":
            raise UsageError(
                f"{file} is clean under {adoption.label}: no approval is needed",
                hint=f"export it directly: approval export {file} --to DEST --key KEY",
            )
        rules = check_request(state, official.id, classes, at)
        if again is None:
            _refuse_duplicate(state, report.sha256, at, file, policy)
        statement = kinds.Request(
            created=at,
            seen_head=session.head,
            signer=official.id,
            artifact=kinds.Artifact(
                sha256=report.sha256, size=report.size, name=safe_name(file.name, policy)
            ),
            policy=kinds.PolicyRef(
                id=adoption.policy.id, version=adoption.policy.version, adoption=adoption.id
            ),
            purpose=purpose,
            destination=destination,
            scan=safe_summary(report.summary(), policy),
            again=again,
            exposure=exposure_for(policy.document, adoption.roster, report.identity_groups, at),
        )
        envelope = sign_and_append(session, statement, [(key, official.id)])
    return Requested(
        envelope.id,
        str(file),
        report.sha256,
        official.id,
        tuple(dict.fromkeys(role for rule in rules for role in rule.roles)),
        dict(report.classes),
        report.verdict,
    )


def _refuse_duplicate(
    state: LedgerState, sha256: str, at: datetime, file: Path, policy: Policy
) -> None:
    """``BlockedError`` naming the live request for these bytes, if there is one: officials
    would sign one and the gate decide on the other."""
    live = live_requests(state, sha256, at)
    if not live:
        return
    request = live[-1]
    short = short_id(request.id)
    # A hint names no person: a path that would is FILE (the publisher knows which).
    shown = "FILE" if personal_data_in(str(file), policy) else shlex.quote(str(file))
    raise BlockedError(
        f"these bytes already have request {short} ({_standing(state, request, at)}, "
        f"made by {request.requester} on {format_time(request.at)}): no new request was made",
        hint=f"follow it with: approval status {short}; or, to make a new one on purpose: "
        f'approval request {shown} ... --again --reason "..."',
    )


def _standing(state: LedgerState, request: Request, at: datetime) -> str:
    if decide(state, request.sha256, at, request_id=request.id).allowed:
        return "approved"
    signoffs = [s for s in state.signoffs_for(request.id) if not state.is_revoked(s.id, at)]
    if any(not s.approves for s in signoffs):
        return "refused"
    return f"open, {plural(len(signoffs), 'approval')} so far"
