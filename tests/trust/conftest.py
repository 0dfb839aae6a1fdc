"""The audit's story ledger serves the trust core's tests too."""

from tests.audit.conftest import audit, ledger, story

__all__ = ["audit", "ledger", "story"]
