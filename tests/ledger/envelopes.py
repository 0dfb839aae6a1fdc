"""Statements for ledger tests, signed with a real key: storage does not check signatures,
but the entries should look like the real thing (sizes, armor). Also imported by the child
processes of the concurrency tests."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from approval.signing import PrivateKey, load_private_key, sign_statement
from approval.statements import STATEMENT_TYPE, Envelope, format_time, now


def revocation(
    key: PrivateKey,
    tag: str,
    *,
    created: datetime | None = None,
    seen_head: str | None = None,
    signer: str = "c.clerk",
) -> Envelope:
    """A signed revocation, unique by ``tag`` (it sets the target and the reason)."""
    statement = {
        "type": STATEMENT_TYPE,
        "kind": "revocation",
        "created": format_time(created or now()),
        "seen_head": seen_head,
        "signer": signer,
        "target": hashlib.sha256(tag.encode()).hexdigest(),
        "reason": f"withdrawn ({tag})",
    }
    return Envelope(statement, (sign_statement(statement, key, signer),))


def load_key(path: str | Path) -> PrivateKey:
    return load_private_key(Path(path), interactive=False)


def at(text: str) -> datetime:
    """``2025-01-02T03:04:05`` -> an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
