"""One function over many items on the machine's cores: results in the items' order, a bounded
number of items in flight, and every failure named for the item it failed on.

This process works too: it takes items from the same queue as the worker processes, from the
first moment, so that starting the pool (a new interpreter importing the task's modules, about
0.3 s of CPU) delays no item; ``jobs`` 2 is this process and one worker. A thread hands the
workers their items, at most two per worker at a time, so that what is in flight (items'
bytes, workers' memory) stays bounded whatever the number of items.

Workers are new processes (``forkserver``, else ``spawn``), never forks of this one: the
caller holds open pipes to git children and sqlite handles, which a forked worker would inherit
(a git child whose stdin a worker still holds never sees its end; a forked sqlite handle is
undefined behaviour), and forking a process that runs threads (the pool's own) can copy a lock
that is never released. A new process inherits only the descriptors it is given.

Fail closed, whatever happens in a worker: a call that raises gives :class:`Failed` for its item
(naming the exception's type only: its message may quote the item's contents), here as in a
worker; a worker that dies (killed, out of memory, a crash in a C extension) breaks the pool,
the items it had are tried again one at a time in a pool of one worker (never here: an item that
kills a worker would kill the caller), and an item that ends its worker alone is
:class:`Failed`. A pool that cannot start (no semaphores, no processes left, a worker that
cannot set up) costs only speed: the items run here. The caller turns ``Failed`` into its own
refusal; nothing here drops an item or reports a result for one it did not run.

Nothing here knows what the items are: the caller passes a module-level ``task(shared, item)``
(sent to workers by name) and ``shared`` (sent once to each worker as it starts, so that what is
built from it, a policy's compiled detectors for instance, is built once per worker).
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

T = TypeVar("T")
S = TypeVar("S")
R = TypeVar("R")

# Below this many items, no pool: starting one costs more than it could save on two.
MIN_ITEMS = 3
# Items handed to a worker and not yet finished, per worker: one running, one waiting for it.
_IN_FLIGHT_PER_WORKER = 2
DIED = "its process ended while working on it"
# Seconds that Ctrl-C waits for a pool that is starting to shut down cleanly.
_STOP_WAIT = 10.0
# Named, not imported: only a fork server imports it (it sets that process's excepthook).
QUIET_START = "approval.files.quiet_start"


@dataclass(frozen=True)
class Failed:
    """An item that gave no result: why, in words that quote nothing from the item."""

    reason: str


def default_jobs() -> int:
    """The cores this process may run on (its CPU affinity, which a container or ``taskset``
    narrows), not the machine's count."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # no affinity on this platform
        return max(1, os.cpu_count() or 1)


def map_ordered(
    task: Callable[[S, T], R],
    shared: S,
    items: Sequence[T],
    *,
    jobs: int,
    sizes: Sequence[int] | None = None,
    preload: Sequence[str] = (),
) -> list[R | Failed]:
    """``task(shared, item)`` for each item, in the items' order, here and on up to ``jobs - 1``
    worker processes (here alone for ``jobs`` 1 or fewer than :data:`MIN_ITEMS` items).

    ``task`` must be a module-level function and ``shared``, the items and the results
    picklable. ``sizes`` (one per item) start the largest first, so that the run does not end
    on one large item while the others idle. ``preload`` names modules a worker process
    imports before its first item (with ``forkserver``, once for all workers)."""
    if jobs <= 1 or len(items) < MIN_ITEMS:
        return [_here(task, shared, item) for item in items]
    order = list(range(len(items)))
    if sizes is not None:
        order.sort(key=lambda i: -sizes[i])
    runner = _Runner(task, shared, items, preload, order)
    runner.run(min(jobs, len(items)) - 1)
    # Every item has its result by now; should one ever be missing, it fails, never passes.
    return [runner.results.get(i, Failed(DIED)) for i in range(len(items))]


def _here(task: Callable[[S, T], R], shared: S, item: T) -> R | Failed:
    try:
        return task(shared, item)
    except Exception as e:  # any failure fails this item closed, as in a worker
        return _failed(e)


def _failed(error: BaseException) -> Failed:
    return Failed(f"failed ({type(error).__name__})")


class _Runner(Generic[S, T, R]):
    """One :func:`map_ordered` call: the queue of items not yet taken (largest first), taken
    by this thread (run here) and by a feeder thread (handed to workers); results by index."""

    def __init__(
        self,
        task: Callable[[S, T], R],
        shared: S,
        items: Sequence[T],
        preload: Sequence[str],
        order: list[int],
    ) -> None:
        self.task = task
        self.shared = shared
        self.items = items
        self.preload = (*preload, task.__module__)
        self.results: dict[int, R | Failed] = {}
        self._waiting = deque(order)
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def run(self, workers: int) -> None:
        feeder = threading.Thread(target=self._feed, args=(workers,), daemon=True)
        feeder.start()
        try:
            while (index := self._take()) is not None:
                self.results[index] = _here(self.task, self.shared, self.items[index])
        except BaseException:
            # Ctrl-C: the feeder hands out nothing more. A pool still starting is let finish
            # and shut down (a while at most): a worker started after this process ended
            # would find its queues gone and print a traceback to the user's terminal.
            self._stop.set()
            feeder.join(_STOP_WAIT)
            raise
        feeder.join()

    def _take(self) -> int | None:
        with self._lock:
            return self._waiting.popleft() if self._waiting else None

    def _give_back(self, index: int) -> None:
        with self._lock:
            self._waiting.appendleft(index)

    # -- the feeder thread ----------------------------------------------------------------------

    def _feed(self, workers: int) -> None:
        _hold_interrupts()
        try:
            while self._waiting and not self._stop.is_set():
                suspects = self._pool(workers)
                if suspects is None:
                    return  # no pool to be had: the rest runs here
                for index in suspects:
                    if not self._stop.is_set():
                        self._alone(index)
        except Exception:  # noqa: S110 -- the items stay in the queue or fail, never pass
            # Whatever went wrong here (multiprocessing's own failures included), the items not
            # handed out run here, and those handed out and unfinished have no result, which
            # fails them (map_ordered); a traceback from this thread would reach the user.
            pass

    def _start(self, workers: int) -> ProcessPoolExecutor | None:
        """A pool whose workers are up (their set-up done), or None."""
        from concurrent.futures import ProcessPoolExecutor

        try:
            pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=_context(self.preload),
                initializer=_start_worker,
                initargs=(self.shared,),
            )
        except (OSError, NotImplementedError, ImportError, ValueError):
            return None
        # Started before any item is taken: meanwhile this process works on the items. Again
        # here: starting multiprocessing's resource tracker (above) unblocks SIGINT.
        _hold_interrupts()
        try:
            for ready in [pool.submit(_ready) for _ in range(workers)]:
                ready.result()
        except Exception:  # a worker that cannot start or set up: none of them is used
            pool.shutdown(wait=False, cancel_futures=True)
            return None
        return pool

    def _pool(self, workers: int) -> list[int] | None:
        """Hand items to a pool of ``workers`` until none is left: the items in flight when a
        worker died (any of them may have ended it), or None when no pool could start."""
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        pool = self._start(workers)
        if pool is None:
            return None
        running: dict[Future[Any], int] = {}
        try:
            while True:
                while len(running) < workers * _IN_FLIGHT_PER_WORKER and not self._stop.is_set():
                    index = self._take()
                    if index is None:
                        break
                    try:
                        future = pool.submit(_in_worker, self.task, self.items[index])
                    except (BrokenProcessPool, OSError, RuntimeError):
                        self._give_back(index)  # never ran: whoever takes it next runs it
                        return list(running.values())
                    running[future] = index
                if not running:
                    return []
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    index = running.pop(future)
                    error = future.exception()
                    if isinstance(error, BrokenProcessPool):
                        return [index, *running.values()]
                    self._finish(index, future, error)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _alone(self, index: int) -> None:
        """Run one item that was in flight when a worker died, alone in a pool of one: if its
        worker dies too, the item ended it."""
        from concurrent.futures import wait
        from concurrent.futures.process import BrokenProcessPool

        pool = self._start(1)
        if pool is None:
            self.results[index] = Failed(DIED)  # not here: it may end whatever runs it
            return
        try:
            future = pool.submit(_in_worker, self.task, self.items[index])
            wait([future])
            error = future.exception()
            if isinstance(error, BrokenProcessPool):
                self.results[index] = Failed(DIED)
            else:
                self._finish(index, future, error)
        except (BrokenProcessPool, OSError, RuntimeError):
            self.results[index] = Failed(DIED)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _finish(self, index: int, future: Future[Any], error: BaseException | None) -> None:
        if error is None:
            self.results[index] = future.result()
        elif isinstance(error, Exception):
            self.results[index] = _failed(error)
        else:
            # KeyboardInterrupt, SystemExit in a worker: no result, so the item fails.
            self._stop.set()


def _context(preload: Sequence[str]) -> Any:
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        # Imported once by the fork server, before it forks the workers: each worker starts
        # with the task's modules in memory (read only when the server starts, once a process).
        # quiet_start first: a worker that Ctrl-C leaves unable to start prints no traceback.
        context.set_forkserver_preload([QUIET_START, *preload])
        return context
    return multiprocessing.get_context("spawn")


def _hold_interrupts() -> None:
    """Ctrl-C is for the main thread of this process (it stops the run, exit 130), not this
    thread, nor the processes started from it, which inherit its signal mask: a fork server
    interrupted while importing would print a traceback to the user's terminal."""
    import signal

    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


# -- in a worker process ------------------------------------------------------------------------

_shared: Any = None


def _start_worker(shared: object) -> None:
    global _shared  # one per worker process, set once as it starts
    _shared = shared
    import signal

    # Ctrl-C ends a worker at once and quietly (a traceback is Python's default); the caller
    # stops with it, and an item it was running has no result, so it never passes.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _ready() -> bool:
    return True


def _in_worker(task: Callable[[Any, T], R], item: T) -> R:
    return task(_shared, item)
