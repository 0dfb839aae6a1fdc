"""Opening the ledger as a verified state, and appending a statement to it safely.

Every command reads the ledger verified: each entry's signatures are verified cryptographically,
then the state applies the trust rules (who may say what). Nothing is decided from an entry that
has not passed both. ``load`` gives the whole state; a command about one file or one request
(export, check, request, show, status, sign, revoke) takes only the adoptions and that file's
records, from the same verified replay (``gate`` and ``opened`` below), which costs
the same at 100 entries and at 100k.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from approval.ledger import Ledger
from approval.ledger.verified import current_head

# The first replay lives with the verifier's ledger side; named here too, where commands and
# tests have always found it.
from approval.ledger.verifying import replay_verified
from approval.statements import STATEMENT_TYPE, Envelope, format_time
from approval.statements.kinds import Statement
from approval.trust.state import LedgerState

if TYPE_CHECKING:
    from approval.ledger.snapshot import View

    # Imported where used: the crypto libraries cost ~20 ms at start-up, and a command that
    # reads a saved state and signs nothing (show, status) never needs them.
    from approval.signing import PrivateKey

__all__ = [
    "Session",
    "gate",
    "load",
    "new_statement",
    "opened",
    "replay_verified",
    "sign_and_append",
]


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


def load(path: Path | None) -> Session:
    """Open the ledger at ``path`` (else ``$APPROVAL_LEDGER``) and replay it, verified; a
    ledger with a remote is synced with it first (see sync.py)."""
    from approval.ledger.replication import refresh

    ledger = Ledger.open(path)
    try:
        refresh(ledger)
        # Refused (exit 3) when it does not descend from the head this clone verified last.
        head = current_head(ledger)
        # A verified snapshot and the entries after it, verified now (see snapshot.py).
        from approval.ledger.snapshot import restore

        state = restore(ledger, head)
    except BaseException:
        ledger.close()
        raise
    return Session(ledger, state, head)


def new_statement(kind: str, seen_head: str | None, at: datetime, **body: Any) -> dict[str, Any]:
    """The document of a statement of ``kind`` (tests and tools that sign by hand): built
    through its class (:mod:`approval.statements.kinds`), so a field the kind does not have, or
    a missing one, is refused here. Commands build the typed statement themselves."""
    from approval.statements import kinds

    doc: dict[str, Any] = {
        "type": STATEMENT_TYPE,
        "kind": kind,
        "created": format_time(at),
        "seen_head": seen_head,
    }
    return kinds.from_dict({**doc, **body}).to_dict()


def read_key(path: Path, passphrase_env: str | None) -> PrivateKey:
    """Load a signing key (prompting for a passphrase on a terminal when needed)."""
    from approval.signing import load_private_key

    return load_private_key(path, passphrase_env=passphrase_env)


def sign_and_append(
    session: Session,
    typed: Statement | dict[str, Any],
    signers: list[tuple[PrivateKey, str]],
) -> Envelope:
    """Sign ``typed`` (a statement, or its document), check it against the trust rules,
    append it as one commit on the session's head (checked again if another writer got there
    first), and push it when the ledger has a remote (see replication.py)."""
    from approval.ledger import replication as sync
    from approval.signing import sign_statement

    statement = typed.to_dict() if isinstance(typed, Statement) else dict(typed)
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
    # Recorded (and shared when it could be): now the user's hooks hear of it (approval/hooks.py).
    from approval.hooks import notify

    notify(session.state.get(envelope.id), session.state)
    return envelope


# -- the gate's session, on the saved verified state (snapshot.py) -----------------------------


@contextlib.contextmanager
def opened(path: Path | None) -> Iterator[tuple[Ledger, View]]:
    """The ledger at ``path`` and its view at the current head, for reading."""
    from approval.ledger.replication import refresh
    from approval.ledger.snapshot import open_view

    ledger = Ledger.open(path)
    try:
        refresh(ledger)  # a ledger with a remote: fetch before deciding (see sync.py)
        with open_view(ledger, current_head(ledger)) as view:
            yield ledger, view
    finally:
        ledger.close()


@contextlib.contextmanager
def gate(path: Path | None) -> Iterator[tuple[Session, View]]:
    """The ledger at ``path`` opened for a command about a few files (the gate, a request, a
    sign-off, a revocation): a session whose state holds the adoptions only (the policy to scan
    under, the roster to identify with), and the view from which the state about those files is
    restored (``session.state = view.state_for(...)``, or ``view.resolve``) before anything is
    decided or appended."""
    with opened(path) as (ledger, view):
        yield Session(ledger, view.state_for(()), view.head), view
