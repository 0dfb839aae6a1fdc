"""approval: policy-as-code disclosure approval with a signed, git-backed, append-only ledger."""

__version__ = "0.1.0"
