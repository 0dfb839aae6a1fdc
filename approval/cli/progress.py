"""The progress of ``sync`` and ``clone`` on a terminal: git's own counts for each stage of a
fetch or a push (objects received, deltas resolved, objects written), as bars on stderr that
go away when the command is done. Off a terminal nothing is drawn."""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from approval.ledger.git import Progress, Quiet

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID


class Bars:
    """One bar per stage of the transfer under way (a :class:`~approval.ledger.git.Progress`)."""

    def __init__(self, bars: RichProgress):
        self._bars = bars
        self._tasks: dict[str, TaskID] = {}
        # GitPython calls from its reader thread; a fetch and a push never overlap, but a
        # stage's first report must not add its bar twice.
        self._lock = threading.Lock()

    def update(self, stage: str, done: int, total: int | None) -> None:
        with self._lock:
            task = self._tasks.get(stage)
            if task is None:
                task = self._tasks[stage] = self._bars.add_task(stage, total=total)
        self._bars.update(task, completed=done, total=total)


@contextlib.contextmanager
def transfer_progress() -> Iterator[Progress]:
    """Bars on stderr while the block runs when stderr is a terminal, else a quiet progress."""
    if not sys.stderr.isatty():
        yield Quiet()
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
    from rich.progress import Progress as RichProgress

    from approval.cli.render import stderr

    bars = RichProgress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=stderr(),
        transient=True,
    )
    with bars:
        yield Bars(bars)
