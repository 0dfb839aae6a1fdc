"""Imported first by the fork servers that start our worker processes (named first in their
preload): a worker that fails before it runs anything prints no traceback.

A worker begins by unpickling its process object from the command that asked for it. When
Ctrl-C ends the command at that moment, the command's semaphores are already unlinked and the
unpickling raises ``FileNotFoundError``, which multiprocessing's fork server prints in full with
``sys.excepthook`` to the user's terminal, after the command itself has exited quietly with
130. The command already treats a worker that never started as a broken pool (its items run
elsewhere, or fail closed), so such a traceback tells the user nothing they can act on.

Only a fork server imports this module (its preload names it as a string): the hook is the
server's and, since it forks them, its workers'. A worker's tasks never reach it (the pool
catches what a task raises and sends it back), only what fails around them.
"""

from __future__ import annotations

import sys
from types import TracebackType

# The command going away under a starting worker: its semaphores unlinked (FileNotFoundError
# as one is rebuilt), its pipes closed (EOFError mid-pickle, BrokenPipeError and the other
# ConnectionErrors), Ctrl-C itself. Any other OSError (no file descriptors or memory left, a
# permission) is a worker that could not start while the command may still run: one line.
_PARENT_GONE = (FileNotFoundError, ConnectionError, EOFError, KeyboardInterrupt)


def _quiet(kind: type[BaseException], value: BaseException, _: TracebackType | None) -> None:
    if issubclass(kind, _PARENT_GONE):
        return
    # Anything else is ours to hear of, in one line and by type only: a message may quote data.
    sys.stderr.write(f"approval: a worker process failed to start ({kind.__name__})\n")


sys.excepthook = _quiet
