"""A rogue client: statements signed with an official's real key, built without any of the
writer's checks, and handed to the verifier as the next ledger entry (as a ``git`` append would
make them arrive), on the audit's story ledger verified once per session."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from approval.ledger import Ledger, entry_path
from approval.ledger.history import read_history
from approval.ledger.layout import subject
from approval.statements import Envelope, now
from approval.trust.entry import Commit
from approval.trust.state import LedgerState
from approval.trust.verifier import Verified, Verifier
from tests.audit.conftest import Story


@dataclass
class Rogue:
    """The story's ledger, verified; each ``fresh`` verifier resumes at its head."""

    story: Story
    base: Verifier  # never admits anything more: the history every fresh one asks
    scan: dict[str, Any]  # the story workbook's scan summary, as a request records it

    @classmethod
    def of(cls, story: Story) -> Rogue:
        from tests.audit.conftest import scan_summary

        with Ledger.open(story.world.ledger) as ledger:
            head = ledger.head()
            assert head is not None
            base = Verifier()
            for _ in base.run(read_history(ledger, head)):
                pass
        return cls(story, base, scan_summary(story.workbook)[1])

    def fresh(self) -> Verifier:
        state = LedgerState.restore(self.base.state.records(), self.base.state.latest)
        return Verifier.resume(state, count=self.base.count, head=self.base.head, history=self.base)

    def envelope(
        self, verifier: Verifier, kind: str, *signers: str, at: datetime | None = None, **body: Any
    ) -> Envelope:
        """``kind`` with ``body``, signed by ``signers`` with their real keys (the first one
        named as the signer, but for an adoption), on the verifier's head."""
        from approval.ledger.session import new_statement
        from approval.signing import load_private_key, sign_statement

        if kind != "adoption":
            body["signer"] = signers[0]
        statement = new_statement(kind, verifier.head, at or now(), **body)
        keys = self.story.world
        return Envelope(
            statement,
            tuple(
                sign_statement(statement, load_private_key(keys.key(s).private), s) for s in signers
            ),
        )

    def admit(self, verifier: Verifier, envelope: Envelope) -> Verified:
        """``envelope`` as the verifier's next entry (``AuditFailure`` when refused)."""
        raw = envelope.to_json()
        commit = Commit(
            verifier.count + 1,
            hashlib.sha256(raw).hexdigest()[:40],  # a commit id of its own (no git here)
            (verifier.head or "",),
            subject(envelope),
            entry_path(envelope),
            "",
            raw,
        )
        return verifier.admit(commit)

    def say(self, verifier: Verifier, kind: str, *signers: str, **body: Any) -> Verified:
        """Sign ``kind`` and admit it."""
        return self.admit(verifier, self.envelope(verifier, kind, *signers, **body))

    def request(self, **changes: Any) -> dict[str, Any]:
        """A request's body for the story's other file under the policy in force."""
        body: dict[str, Any] = {
            "artifact": {"sha256": "ab" * 32, "size": 1234, "name": "fear-interviews.csv"},
            "policy": {"id": "8cfr208.6", "version": 2, "adoption": self.story.ids["adoption v2"]},
            "purpose": "answer to a records request",
            "destination": "records office",
            "scan": self.scan,
        }
        return {**body, **changes}
