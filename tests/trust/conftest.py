"""The audit's story ledger serves the trust core's tests too."""

from tests.audit.conftest import ledger, story

__all__ = ["ledger", "story"]
