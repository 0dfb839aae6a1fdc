"""Opening the ledger as a verified state, and appending a statement to it safely.

Every command reads the ledger verified: each entry's signatures are verified cryptographically,
then the state applies the trust rules (who may say what). Nothing is decided from an entry that
has not passed both. ``load`` gives the whole state; a command about one file or one request
(export, check, request, show, status, sign, revoke) takes only the adoptions and that file's
records, from the same verified replay (``snapshot.gate`` and ``snapshot.opened``), which costs
the same at 100 entries and at 100k.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from approval.ledger import Ledger
from approval.statements import STATEMENT_TYPE, Envelope, format_time, now, statement_id
from approval.trust.state import LedgerState

if TYPE_CHECKING:
    # Imported where used: the crypto libraries cost ~20 ms at start-up, and a command that
    # reads a saved state and signs nothing (show, status) never needs them.
    from approval.signing import PrivateKey


@dataclass
class Session:
    """An open ledger and the verified state at its head."""

    ledger: Ledger
    state: LedgerState
    head: str | None

    def close(self) -> None:
        self.ledger.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def replay_verified(
    ledger: Ledger,
    state: LedgerState | None = None,
    *,
    head: str | None = None,
    since: str | None = None,
) -> LedgerState:
    """Verify every entry's signatures (up to ``head``, after ``since``) and apply it to a
    fresh (or the given) state."""
    from approval.signing import verify_signature

    state = state if state is not None else LedgerState()
    clock = now()
    for entry in ledger.entries(head, since=since):
        statement = entry.envelope.statement
        for signature in entry.envelope.signatures:
            verify_signature(statement, signature)
        # A statement dated ahead of this clock is refused: it would block every later append.
        state.apply(entry.envelope, statement_id(statement), now=clock)
    return state


def load(path: Path | None) -> Session:
    """Open the ledger at ``path`` (else ``$APPROVAL_LEDGER``) and replay it, verified; a
    ledger with a remote is synced with it first (see sync.py)."""
    from approval.ledger.replication import refresh

    ledger = Ledger.open(path)
    try:
        refresh(ledger)
        # Refused (exit 3) when it does not descend from the head this clone verified last.
        from approval.ledger.verified import current_head

        head = current_head(ledger)
        # A verified snapshot and the entries after it, verified now (see snapshot.py).
        from approval.ledger.snapshot import restore

        state = restore(ledger, head)
    except BaseException:
        ledger.close()
        raise
    return Session(ledger, state, head)


def new_statement(kind: str, seen_head: str | None, at: datetime, **body: Any) -> dict[str, Any]:
    """A statement of ``kind`` with the common fields every statement carries."""
    return {
        "type": STATEMENT_TYPE,
        "kind": kind,
        "created": format_time(at),
        "seen_head": seen_head,
        **body,
    }


def read_key(path: Path, passphrase_env: str | None) -> PrivateKey:
    """Load a signing key (prompting for a passphrase on a terminal when needed)."""
    from approval.signing import load_private_key

    return load_private_key(path, passphrase_env=passphrase_env)


def sign_and_append(
    session: Session, statement: dict[str, Any], signers: list[tuple[PrivateKey, str]]
) -> Envelope:
    """Sign ``statement``, check it against the trust rules, append it as one commit on the
    session's head (checked again if another writer got there first), and push it when the
    ledger has a remote (see sync.py)."""
    from approval.ledger import replication as sync
    from approval.signing import sign_statement

    if statement.get("kind") != "adoption":
        # The one place every string that came with a file is made safe to keep forever.
        from approval.detect.strings import safe_statement

        statement = safe_statement(statement, session.state.current.policy)
    if statement.get("seen_head") == session.head:
        statement["seen_head"] = sync.shared_head(session)
    envelope = Envelope(
        statement, tuple(sign_statement(statement, key, official) for key, official in signers)
    )
    # The same rules replay applies: a statement the ledger would refuse is never appended.
    sync.append(session, envelope)
    sync.share(session, envelope)
    return envelope
