"""The ledger: a git repository of signed statements, one commit and one JSON file each.

See :mod:`approval.ledger.storage` for how entries are written and read, and
:mod:`approval.ledger.layout` for where they live.
"""

from __future__ import annotations

from approval.ledger.layout import BRANCH, entry_path
from approval.ledger.storage import LEDGER_ENV, Ledger, StoredEntry

__all__ = ["BRANCH", "LEDGER_ENV", "Ledger", "StoredEntry", "entry_path"]
