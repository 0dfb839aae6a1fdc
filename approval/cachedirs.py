"""Where this user's caches of approval live: ``$XDG_CACHE_HOME/approval``, by default
``~/.cache/approval``. Below every layer, since both the ledger's caches
(``ledger/usercache.py``) and the policy's schema markers (``policy/schemacache.py``) live there,
each checking that its directories are private to the user (:func:`private_dir`)."""

from __future__ import annotations

import os
import stat
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


def private_dir(path: Path, *, create: bool = True) -> bool:
    """Whether ``path`` is a real directory of this user that nobody else can write; made
    (0700) first when ``create``. A link is not one: whoever could plant it chose where the
    cache goes."""
    try:
        if create:
            path.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022
