"""Find a file by its bytes: the copy of a request's artifact an official has at hand.

``approval show`` and ``sign`` rescan the bytes under review with the official's own client.
Given ``--file PATH`` they use that file (and refuse another file's bytes); without it they
look under the current directory for a file of the request's exact size and sha256.

The search is bounded, since it runs before every review: breadth first (the file an official
saved next to them is found first), no symbolic link to a directory followed, no directory
whose name starts with a dot (``.git``, ``.venv``) nor a few known trees of tools
(``node_modules``, ``__pycache__``), at most ``MAX_ENTRIES`` directory entries looked at, and
only files of exactly the request's size hashed, at most ``MAX_HASHED`` of them. What it did is
said in one line either way, so the screen can tell an official why it could not rescan.
"""

from __future__ import annotations

import hashlib
import os
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from approval.words import plural

MAX_ENTRIES = 20_000
MAX_HASHED = 32
SKIPPED = frozenset({"node_modules", "__pycache__", "site-packages"})
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Located:
    path: Path | None  # the file holding the bytes, or None
    note: str  # how it was found, or why not, in words


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def find_by_digest(root: Path, sha256: str, size: int) -> Located:
    """The first file under ``root`` (breadth first) whose bytes have ``sha256`` (see the
    module doc for the bounds)."""
    queue: deque[Path] = deque([root])
    entries = hashed = 0
    while queue:
        directory = queue.popleft()
        try:
            with os.scandir(directory) as listing:
                found = sorted(listing, key=lambda e: e.name)
        except OSError:
            continue  # unreadable: not where the official keeps the file
        for entry in found:
            entries += 1
            if entries > MAX_ENTRIES:
                return Located(
                    None,
                    f"looked at {MAX_ENTRIES:,} entries under {root} and stopped there "
                    f"({plural(hashed, 'file')} of the right size hashed)",
                )
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not entry.name.startswith(".") and entry.name not in SKIPPED:
                        queue.append(Path(entry.path))
                    continue
                if not entry.is_file() or entry.stat().st_size != size:
                    continue
                hashed += 1
                if sha256_of(Path(entry.path)) == sha256:
                    return Located(Path(entry.path), f"found under {root} by its sha256")
            except OSError:
                continue
            if hashed >= MAX_HASHED:
                return Located(
                    None,
                    f"hashed {MAX_HASHED} files of the right size under {root}, none with "
                    "these bytes, and stopped there",
                )
    return Located(
        None,
        f"no file under {root} has these bytes ({plural(entries, 'entry', 'entries')} looked "
        f"at, {plural(hashed, 'file')} of the right size hashed)",
    )
