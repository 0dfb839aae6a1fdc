"""What the trust core verifies: one commit of the ledger branch and the file it added.

The ledger (:mod:`approval.ledger.history`) reads these from git; the trust core takes them as
plain values, so that it never reads git itself.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Commit:
    """One commit of the ledger branch, in order, with the file it added."""

    position: int  # 1 for the first commit
    oid: str
    parents: tuple[str, ...]
    subject: str
    path: str
    blob: str
    raw: bytes
