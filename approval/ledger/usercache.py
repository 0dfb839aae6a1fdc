"""Where a user's local caches of a ledger live: their own private cache directory.

Caches speed up reads (entries already found valid, the audit index, scans, the verified state)
and are trusted by the commands that use them. So they must not live where someone else can
write them: a ledger directory is often shared (a file share, a common checkout), and an entry
slipped into a shared cache would skip the schema check. ``$XDG_CACHE_HOME/approval`` (default
``~/.cache/approval``), each directory 0700 and owned by the user; when none can be had, a
private temporary directory for this process, so that caches only cost speed, never safety.
"""

from __future__ import annotations

import atexit
import hashlib
import shutil
import tempfile
from functools import cache
from pathlib import Path

from approval.cachedirs import cache_root as cache_root  # re-exported: where callers look
from approval.cachedirs import private_dir as private_dir


def clone_dir(git_dir: Path) -> Path:
    """This user's directory for the clone whose git directory is ``git_dir``: what the clone
    remembers about the ledgers it has held (``verified-heads.json``, see verified.py), and one
    cache directory per ledger identity (:func:`ledger_cache_dir`)."""
    ident = hashlib.sha256(str(git_dir.resolve()).encode()).hexdigest()[:24]
    root = cache_root()
    if root is not None:
        directory = root / "ledgers" / ident
        if private_dir(root) and private_dir(root / "ledgers") and private_dir(directory):
            return directory
    return _scratch() / ident


def ledger_cache_dir(git_dir: Path, identity: str) -> Path:
    """This user's cache directory for the ledger ``identity`` (its first statement's id) held
    at ``git_dir`` (``Ledger.cache_dir`` gives it for an open ledger). Keyed by the ledger, not
    only the path: a new ledger made where another one was (``approval demo --keep DIR``
    twice) gets caches of its own, and is never taken for a rewrite of the one before."""
    directory = clone_dir(git_dir) / f"ledger-{identity[:24]}"
    root = cache_root()
    if root is not None and directory.is_relative_to(root) and not private_dir(directory):
        return _scratch() / directory.parent.name / directory.name
    return directory


@cache
def _scratch() -> Path:
    directory = Path(tempfile.mkdtemp(prefix="approval-cache-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return directory
