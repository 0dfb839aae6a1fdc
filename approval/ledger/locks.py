"""An advisory lock (flock) on a file beside the ledger, for the work that processes on one
machine should take in turn: appending, syncing, repacking.

The lock only spares work, it never guards correctness: the branch moves by compare-and-swap
whatever happens. So a lock that cannot be had is not an error: a read-only ledger has no lock
file to create, and a holder that hangs is waited for only so long.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def turn(path: Path, *, wait: float, poll: float = 0.001) -> Iterator[bool]:
    """Hold the lock on ``path`` for the block, waiting up to ``wait`` seconds (0: try once).
    Yields whether it is held: False when the file cannot be opened, or the wait ran out."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o664)
    except OSError:
        yield False
        return
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                held = True
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    held = False
                    break
                time.sleep(poll)
        yield held
    finally:
        os.close(fd)  # releases the lock, as a crash would
