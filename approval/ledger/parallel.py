"""Signatures verified ahead, on the machine's other cores, while the verifier applies the
order-dependent rules in ledger order (issue 17).

A replay spends about half its time in Ed25519 verification, which needs nothing from the
entries before it. Worker processes take the entries a few batches ahead of the verifier, find
each one's signed bytes and signatures in the stored file as it is (canonical form puts the
statement last: ``{"signatures":[...],"statement":{...}}``), and check them with
:func:`approval.signing.verify`, the verifier's own check. A worker answers with numbers only
(which entries of the batch, and where each one's signatures array ends), not bytes: pickling
the signed bytes back cost the verifier's process more than it saved. The verifier's process
puts each such entry's file (the bytes it holds already, hashed once) with that end into the
verifier's ``verified_ahead`` just before the verifier reaches it; the verifier skips the
check only for an entry whose file is exactly those bytes, found canonical, with its own
signatures array ending there (so its signed bytes and signatures are the ones the worker
checked), and checks everything else in place. A worker's failure, or a file
that is not canonical, is simply not there: the verifier meets it in order and refuses it
with the same error at the same entry as a replay on one core.

The workers check signatures only: the schema and canonical checks of an entry need its whole
file parsed, which the verifier does anyway; done ahead too, they moved ~20 us an entry off the
verifier's core for ~20 us more on the other (a second parse), and on two cores both are busy
already (below), so it bought no time for 5% more CPU.

Both cores stay busy: each batch is claimed once (a slot per batch in shared memory), by a
worker when it starts on it, or by the verifier's process, which checks in place a batch that
no worker has started when the verifier reaches it (at start-up, while the fork server loads),
and, rather than wait while a worker is on the batch it needs next, checks ahead on its own
core the furthest batch in flight that no worker has started. Whoever claims a batch checks its
signatures and the other does not, so none is checked twice.

Processes, not threads: cryptography releases the GIL in ``verify`` (two threads doing
nothing else verify 1.7x as fast as one), but beside a verifier that holds the GIL for its own
Python the worker thread waits for it after every signature, and a replay with one measured no
faster than without (2.9 s against 3.0 s at 19k entries). The workers come from a fork server
(``forkserver``): a plain fork would hand them this process's pipes to git, and ``cat-file``
would then never see its input end. Starting one costs ~0.2 s with our imports, so a read of
fewer than ``THRESHOLD`` entries (a command's catch-up) starts none and verifies in place.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from itertools import count, islice
from typing import TYPE_CHECKING, Any

from approval.errors import IntegrityError
from approval.signing import verify
from approval.statements import NAMESPACE
from approval.trust.shape import SIGNATURES_AT, STATEMENT_AFTER

if TYPE_CHECKING:  # the workers import this module: only what they need at run time
    from approval.trust.entry import Commit
    from approval.trust.verifier import Verifier

BATCH = 512  # entries per task
THRESHOLD = 4096  # entries below which no worker starts (its start-up would cost more)
DEPTH = 4  # batches in flight ahead of the verifier
# Claim slots, one per batch number modulo RING: far more than the batches in flight.
RING = 64
_SPLIT = b'],"statement":'  # the first: a signature's strings hold no raw quote
# (index in the batch, where its signatures array ends): every signature of that entry verified.
_Done = tuple[int, int]
_decode = json.JSONDecoder().decode  # json.loads on bytes first guesses their encoding
_claims: Any = None  # in a worker: the claim slots it shares with the verifier's process


def workers() -> int:
    """Processes to verify with: the cores this process may use, less the verifier's own."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores - 1, 7))


def verify_ahead(
    commits: Iterable[Commit],
    verifier: Verifier,
    *,
    batch: int = BATCH,
    threshold: int = THRESHOLD,
    share: bool = True,
) -> Iterator[Commit]:
    """``commits`` as they come, their signatures checked ahead into ``verifier``. An error
    raised while reading them (a broken history) is raised after every commit read before it
    was handed on, as without the workers. ``share``: this core takes its part of the work
    (a batch no worker has started when the verifier reaches it is checked in place; while a
    worker is on the next one, this core checks ahead a later one that none has started);
    False: it waits for the workers."""
    source = iter(commits)
    error: BaseException | None = None

    def take(size: int) -> list[Commit]:
        nonlocal error
        taken: list[Commit] = []
        if error is None:
            try:
                taken.extend(islice(source, size))
            except Exception as e:  # handed on in order, after what came before it
                error = e
        return taken

    first = take(max(threshold, 1))
    started = _pool() if len(first) >= threshold and error is None else None
    if started is None:  # small, or no workers here: every signature in place
        yield from first
        if error is not None:
            raise error
        return
    pool, claims = started
    numbers = count()
    pending: deque[_Batch] = deque()

    def ask(part: list[Commit]) -> None:
        number = next(numbers)
        try:
            future: Future[list[_Done]] | None = pool.submit(
                _verified, [c.raw for c in part], number
            )
        except Exception:  # a broken pool: the verifier checks in place
            future = None
        pending.append(_Batch(part, number, future))

    def top_up() -> None:
        while len(pending) < DEPTH and (more := take(batch)):
            ask(more)

    def spare() -> _Batch | None:
        """The batch furthest ahead that no worker has started, claimed here."""
        for later in reversed(pending):
            if later.done is None and later.future is not None and not later.future.done():
                if _claim(claims, later.number):
                    return later
                return None  # the workers have reached it, and all before it
        return None

    for start in range(0, len(first), batch):
        ask(first[start : start + batch])
    ahead = verifier.verified_ahead
    try:
        while pending:
            top_up()
            current = pending.popleft()
            future = current.future
            done = current.done
            if done is None and future is not None and share and not future.done():
                if _claim(claims, current.number):  # no worker started it: in place, here
                    future.cancel()
                    future = None
                else:
                    # A worker is on it: rather than wait, check ahead here a batch that no
                    # worker has started, from the far end of those in flight.
                    while not future.done() and (later := spare()) is not None:
                        assert later.future is not None
                        later.future.cancel()
                        later.done = _verified([c.raw for c in later.commits])
                        top_up()
            if done is None and future is not None:
                with contextlib.suppress(Exception):  # lost: then all in place
                    done = future.result()  # a worker's answer
            commits = current.commits
            for index, end in done or ():
                ahead[commits[index].raw] = end
            yield from current.commits
        if error is not None:
            raise error
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        ahead.clear()


class _Batch:
    """Entries handed to the workers together; ``done`` when checked ahead on the verifier's
    own core instead."""

    __slots__ = ("commits", "done", "future", "number")

    def __init__(self, commits: list[Commit], number: int, future: Future[list[_Done]] | None):
        self.commits = commits
        self.number = number
        self.future = future
        self.done: list[_Done] | None = None


def _pool() -> tuple[Executor, Any] | None:
    """Worker processes from a fork server and the claim slots they share with this
    process, or None where there are none to have."""
    try:
        context = multiprocessing.get_context("forkserver")
        # quiet_start first: a worker that Ctrl-C leaves unable to start prints no traceback.
        context.set_forkserver_preload(["approval.files.quiet_start", __name__])
        claims = context.Array("q", RING)
        pool = ProcessPoolExecutor(
            workers(), mp_context=context, initializer=_share, initargs=(claims,)
        )
    except (OSError, ValueError, NotImplementedError):
        return None
    return pool, claims


def _share(claims: Any) -> None:
    """A worker's start: the claim slots."""
    global _claims
    _claims = claims


def _claim(claims: Any, number: int) -> bool:
    """Claim batch ``number`` for the caller: False when someone else already has it."""
    slot = number % len(claims)
    lock = claims.get_lock()
    # Never wait for ever: a worker killed while holding the lock (the pool ends the others
    # when one dies) would hold it for good. Not claimed is safe on both sides: the worker
    # returns nothing, the verifier waits on the batch's future or checks it in place.
    if not lock.acquire(timeout=1):
        return False
    try:
        if claims[slot] == number + 1:
            return False
        claims[slot] = number + 1
        return True
    finally:
        lock.release()


def _verified(chunk: list[bytes], number: int | None = None) -> list[_Done]:
    """Which entry files of ``chunk`` (batch ``number``, claimed first when there is one to
    claim: none when the verifier took it) verify, with where each one's signatures array
    ends; anything else is left out, for the verifier to meet in order."""
    if number is not None and _claims is not None and not _claim(_claims, number):
        return []
    done: list[_Done] = []
    for index, raw in enumerate(chunk):
        split = raw.find(_SPLIT)
        if not raw.startswith(b'{"signatures":') or split < 0 or not raw.endswith(b"}\n"):
            continue
        end = split + 1
        signed = raw[end + STATEMENT_AFTER : -2]
        try:
            signatures = _decode(raw[SIGNATURES_AT:end].decode("utf-8"))
            if type(signatures) is not list or not signatures:
                continue
            for signature in signatures:
                armored, key = signature["signature"], signature["key"]
                if type(armored) is not str or type(key) is not str:
                    raise TypeError(armored, key)
                verify(signed, armored, key, NAMESPACE)
        except (IntegrityError, ValueError, KeyError, TypeError, IndexError, RecursionError):
            continue  # SignatureError is an IntegrityError
        done.append((index, end))
    return done


__all__ = ["BATCH", "THRESHOLD", "verify_ahead", "workers"]
