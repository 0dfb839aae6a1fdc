"""Replay: the audit's reading of the ledger, every commit from the first through the one
:class:`approval.trust.verifier.Verifier`, which holds the rules (this module keeps the names
the audit and its benchmark use)."""

from __future__ import annotations

from approval.trust.entry import Commit
from approval.trust.verifier import Verified, Verifier


class Replay(Verifier):
    """A verifier that starts at the first entry, as an audit does (no saved state, no cache)."""

    def verify(self, commit: Commit) -> Verified:
        """The next commit, admitted (``AuditFailure`` at a broken rule, the state unchanged)."""
        return self.admit(commit)


__all__ = ["Replay", "Verified"]
