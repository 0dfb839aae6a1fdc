"""``approval revoke``: withdraw a sign-off or a request, with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from approval.freetext import free_text
from approval.ledger.session import gate, read_key, sign_and_append
from approval.statements import kinds, now
from approval.trust.state import Request, SignOff, check_revocation, identify, kind_of


@dataclass(frozen=True)
class Revoked:
    id: str
    target: str
    what: str  # "sign-off" or "request"
    signer: str


def revoke(
    ledger: Path | None, ref: str, key_file: Path, passphrase_env: str | None, reason: str
) -> Revoked:
    """Record a signed revocation of the sign-off or request ``ref``."""
    key = read_key(key_file, passphrase_env)
    with gate(ledger) as (session, view):
        reason = free_text("--reason", reason, session.state.current.policy)
        at = now()
        official = identify(session.state, key.public_line, at)
        found, state = view.resolve(ref, (Request, SignOff))
        # The adoptions and the slice of the target's file: it holds the target, the request of
        # a sign-off, their revocations, and the revocation's duplicate (its id covers the
        # target), all that the rules for a revocation read (see snapshot.py).
        session.state = state
        target = check_revocation(state, found.id, official.id, at)
        statement = kinds.Revocation(
            created=at, seen_head=session.head, signer=official.id, target=target.id, reason=reason
        )
        envelope = sign_and_append(session, statement, [(key, official.id)])
    return Revoked(envelope.id, target.id, kind_of(target), official.id)
