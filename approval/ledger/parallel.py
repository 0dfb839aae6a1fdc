"""Signatures verified ahead, on the machine's other cores, while the verifier applies the
order-dependent rules in ledger order (issue 17).

A replay spends about half its time in Ed25519 verification, which needs nothing from the
entries before it. Worker processes take the entries a few batches ahead of the verifier, find
each one's signed bytes and signatures in the stored file as it is (canonical form puts the
statement last: ``{"signatures":[...],"statement":{...}}``), and check them with
:func:`approval.signing.verify`, the verifier's own check. What passed goes into the
verifier's ``verified_ahead`` set just before the verifier reaches those entries; the verifier
skips only an identical (bytes, signature, key) there and checks everything else in place. A
worker's failure, or a file that is not canonical, is simply not in the set: the verifier meets
it in order and refuses it with the same error at the same entry as a replay on one core.

Processes, not threads: cryptography releases the GIL in ``verify`` (two threads doing
nothing else verify 1.7x as fast as one), but beside a verifier that holds the GIL for its own
Python the worker thread waits for it after every signature, and a replay with one measured no
faster than without (2.9 s against 3.0 s at 19k entries). The workers come from a fork server
(``forkserver``): a plain fork would hand them this process's pipes to git, and ``cat-file``
would then never see its input end. Starting one costs ~0.2 s with our imports, so a read of
fewer than ``THRESHOLD`` entries (a command's catch-up) starts none and verifies in place.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from itertools import islice
from typing import TYPE_CHECKING

from approval.signing import SignatureError, verify
from approval.statements import NAMESPACE

if TYPE_CHECKING:  # the workers import this module: only what they need at run time
    from approval.trust.entry import Commit
    from approval.trust.verifier import Verifier

BATCH = 512  # entries per task
THRESHOLD = 4096  # entries below which no worker starts (its start-up would cost more)
DEPTH = 4  # batches in flight ahead of the verifier
_START = b'{"signatures":'
_SPLIT = b'],"statement":'  # the first: a signature's strings hold no raw quote
_Done = tuple[bytes, str, str]


def workers() -> int:
    """Threads to verify with: the cores this process may use, less the verifier's own."""
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
) -> Iterator[Commit]:
    """``commits`` as they come, their signatures checked ahead into ``verifier``. An error
    raised while reading them (a broken history) is raised after every commit read before it
    was handed on, as without the workers."""
    source = iter(commits)
    error: BaseException | None = None

    def take(count: int) -> list[Commit]:
        nonlocal error
        taken: list[Commit] = []
        if error is None:
            try:
                taken.extend(islice(source, count))
            except Exception as e:  # handed on in order, after what came before it
                error = e
        return taken

    first = take(max(threshold, 1))
    pool = _pool() if len(first) >= threshold and error is None else None
    if pool is None:  # small, or no workers here: every signature in place
        yield from first
        if error is not None:
            raise error
        return
    pending: deque[tuple[list[Commit], Future[list[_Done]] | None]] = deque()

    def ask(part: list[Commit]) -> Future[list[_Done]] | None:
        try:
            return pool.submit(_verified, [c.raw for c in part])
        except Exception:  # a broken pool: the verifier checks in place
            return None

    for start in range(0, len(first), batch):
        part = first[start : start + batch]
        pending.append((part, ask(part)))
    try:
        while pending:
            while len(pending) < DEPTH and (more := take(batch)):
                pending.append((more, ask(more)))
            chunk, future = pending.popleft()
            try:
                if future is not None:
                    verifier.verified_ahead.update(future.result())
            except Exception:  # noqa: S110 - a lost worker: the verifier checks in place
                pass
            yield from chunk
        if error is not None:
            raise error
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        verifier.verified_ahead.clear()


def _pool() -> Executor | None:
    """Worker processes from a fork server, or None where there are none to have."""
    try:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        return ProcessPoolExecutor(workers(), mp_context=context)
    except (OSError, ValueError, NotImplementedError):
        return None


def _verified(chunk: list[bytes]) -> list[_Done]:
    """The (signed bytes, signature, key) of the entry files ``chunk`` that verify; anything
    else is left out, for the verifier to meet in order."""
    done: list[_Done] = []
    for raw in chunk:
        split = raw.find(_SPLIT)
        if not raw.startswith(_START) or split < 0 or not raw.endswith(b"}\n"):
            continue
        signed = raw[split + len(_SPLIT) : -2]
        try:
            signatures = json.loads(raw[len(_START) : split + 1])
            for signature in signatures:
                armored, key = signature["signature"], signature["key"]
                if type(armored) is not str or type(key) is not str:
                    break
                verify(signed, armored, key, NAMESPACE)
                done.append((signed, armored, key))
        except (SignatureError, ValueError, KeyError, TypeError, IndexError):
            continue
    return done


__all__ = ["BATCH", "THRESHOLD", "verify_ahead", "workers"]
