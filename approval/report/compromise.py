"""Statements signed with a key that a later roster names compromised from before they were
made: what the audit warns of, without making it a failure.

The ledger refuses a statement signed with a key the roster in force names compromised
(``approval.trust.state``). A theft is often found later: a roster adopted afterwards names the
key compromised since an earlier time, and what the key signed in between stays in the ledger,
rightly (it was valid when it was appended, and history is not rewritten). Decisions made after
that adoption give such a request, sign-off or revocation no weight
(``LedgerState.compromised``), but an export, a redaction, an incident's record or an adoption's
signature made then are facts an auditor must see flagged: the act may not have been the
official's. So the audit names each one, with the key and the time (``warnings`` in its JSON),
and the ledger stays intact (exit 0).

Kept during the replay: per key, the position, id, kind, time and signer of what it signed (a
few dozen bytes a statement, most keys never named), checked once at the end against every
adopted roster's ``compromised:`` list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from approval.signing import fingerprint, key_identity
from approval.statements import format_time, short_id

if TYPE_CHECKING:
    from approval.trust.state import Adoption
    from approval.trust.verifier import Verified

_WORDS = {"signoff": "sign-off"}


@dataclass(frozen=True)
class KeyWarning:
    """A statement signed with a key named compromised since before it was made."""

    position: int
    id: str
    kind: str
    signer: str
    key: str  # the key's identity
    since: datetime

    @property
    def message(self) -> str:
        return (
            f"entry {self.position}, {self.kind} {short_id(self.id)}: signed by {self.signer} "
            f"with key {fingerprint(self.key)}, which a later roster names compromised since "
            f"{format_time(self.since)}: it may not have been {self.signer}'s act"
        )

    def to_dict(self) -> dict[str, Any]:
        # The keys of the audit's other warnings (``approval.report.personal``), so that a
        # reader of ``warnings`` takes every kind alike.
        return {
            "entry": self.position,
            "id": self.id,
            "kind": self.kind,
            "field": "signature",
            "found": ["compromised-key"],
            "message": self.message,
        }


class Signatures:
    """Who signed what in a replay, for ``warnings`` at its end."""

    def __init__(self) -> None:
        self._identities: dict[str, str] = {}  # key line -> identity (a few distinct lines)
        self._by_key: dict[str, list[tuple[int, str, str, datetime, str]]] = {}

    def note(self, verified: Verified) -> None:
        statement = verified.envelope.statement
        kind = _WORDS.get(statement.get("kind", ""), statement.get("kind", ""))
        at: datetime = verified.record.at
        for signature in verified.envelope.signatures:
            identity = self._identities.get(signature.key)
            if identity is None:
                identity = self._identities[signature.key] = key_identity(signature.key)
            self._by_key.setdefault(identity, []).append(
                (verified.position, verified.id, kind, at, signature.signer)
            )

    def warnings(self, adoptions: tuple[Adoption, ...]) -> list[KeyWarning]:
        """A warning for each statement signed, at or after its compromise time, with a key any
        adopted roster names compromised; in ledger order."""
        from approval.report.bundle import compromised_keys

        found = [
            KeyWarning(position, ident, kind, signer, identity, since)
            for identity, since in compromised_keys(adoptions).items()
            for position, ident, kind, at, signer in self._by_key.get(identity, ())
            if at >= since
        ]
        return sorted(found, key=lambda w: w.position)


__all__ = ["KeyWarning", "Signatures"]
