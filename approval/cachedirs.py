"""Where this user's caches of approval live: ``$XDG_CACHE_HOME/approval``, by default
``~/.cache/approval``. Below every layer, since both the ledger's caches
(``ledger/usercache.py``) and the policy's schema markers (``policy/schemacache.py``) live there,
each checking for itself that its directories are private to the user."""

from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path | None:
    """The user's cache directory for approval, or None when there is none to be had."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home directory
            return None
    return Path(base) / "approval"
