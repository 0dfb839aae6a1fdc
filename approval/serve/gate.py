"""The decisions the service answers with, cached so that a warm answer costs a ``stat``.

A file's decision is kept under what it was computed from:

- the file: its path resolved, and ``(device, inode, size, mtime_ns, ctime_ns)``. A file
  replaced in place (a new inode by rename, or new bytes in the same inode, which moves its
  ctime, which no one can set back) has another key and is decided again before it is served;
- the bytes: the scan is kept under their sha256 (and the name's suffix), so a copy of a file
  already scanned is hashed, not scanned;
- the ledger: the head it was decided at. When the follower sees a new head, the files that
  needed approval are decided again at once (no scan: their scan stands); a clean file needs
  no approval and stands while the adoption in force does (a new policy clears everything);
- the time: an approval expires, and its decision with it.

A cold decision is taken once per file (single flight: concurrent requests for it wait on the
same scan), in a bounded pool of scan threads, so other requests go on meanwhile. A request
waits for it at most ``wait`` seconds, then is answered 403 ``scanning``: a file is never
served before it is decided. After the scan the file is looked at again, by its open
descriptor and by its path: a file that changed while it was scanned is not approved
(``changed``), and decided again on the next request.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import stat
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from approval.detect.report import CLEAN, UNSCANNABLE, FileReport
from approval.serve.follower import Follower
from approval.serve.paths import INDEX, MISSING, SPECIAL, Mapped, Unmapped, locate
from approval.serve.store import CopyChanged, ensure_copy, remove_copy, store_name

if TYPE_CHECKING:
    from approval.policy import Policy
    from approval.trust.decision import Decision

# Words an answer is given in (the X-Approval-Verdict header, the log).
APPROVED = "approved"
CHANGED = "changed"  # changed while scanned, or replaced by a link: decided again next time
SCANNING = "scanning"  # not decided yet: asked again, it is
BUSY = "busy"  # too many files waiting for a scan
NO_POLICY = "no-policy"  # the ledger adopted no policy yet
LEDGER_FAILURE = "ledger-failure"  # the ledger failed verification: nothing is allowed

_HASH_CHUNK = 1024 * 1024
_REPORTS = 100_000  # scans kept by sha256 (a clean report is a few hundred bytes)
_PROC_FD = "/proc/self/fd"


class StatKey(NamedTuple):
    dev: int
    ino: int
    size: int
    mtime_ns: int
    ctime_ns: int


def stat_key(st: os.stat_result) -> StatKey:
    return StatKey(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


@dataclass(frozen=True)
class Answer:
    """What the service says about one request: 2xx when ``allowed``, else 403."""

    allowed: bool
    word: str
    relative: str = ""  # the path asked (for the log, made safe there)
    sha256: str = ""
    size: int = 0
    reason: str = ""  # why, for the log: scanner and decision words, no file content
    file: str = ""  # allowed, with a store: the copy the web server serves (store.py)


@dataclass(frozen=True)
class _Known:
    key: StatKey
    report: FileReport
    answer: Answer
    generation: int  # the follower's generation number it was decided at
    adoption: str
    until: float | None  # epoch seconds: when an approval used expires


class _Changed(Exception):
    """The file is not the one the request's stat saw (see the module doc)."""


def answer_for(relative: str, report: FileReport, decision: Decision | None) -> Answer:
    """``approval check``'s status of a file (``Checked.status``) as an answer."""
    if report.verdict == CLEAN:
        return Answer(True, CLEAN, relative, report.sha256, report.size)
    if decision is not None and decision.allowed:
        return Answer(True, APPROVED, relative, report.sha256, report.size)
    if report.verdict == UNSCANNABLE:
        reason = report.reason or ""
    elif decision is None:
        reason = "no ledger is configured"
    else:
        reason = "; ".join(r for r in decision.reasons if not r.startswith("missing: "))
        missing = ", ".join(decision.missing)
        reason = "; ".join(x for x in (reason, f"missing: {missing}" if missing else "") if x)
    return Answer(False, report.verdict, relative, report.sha256, report.size, reason)


def scan_exact(real: str, key: StatKey, policy: Policy, known: dict[str, FileReport]) -> FileReport:
    """The scan of the file at ``real`` whose stat was ``key``: those very bytes, read through
    one open descriptor; ``_Changed`` when the file is another one or changes meanwhile.
    ``known`` holds scans by ``<sha256>:<suffix>``, consulted and filled."""
    from approval.detect.scan import scan_file

    try:
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as e:
        raise _Changed from e  # gone, or a link put in its place
    try:
        if stat_key(os.fstat(fd)) != key:
            raise _Changed
        os.set_blocking(fd, True)
        sha256 = _hash(fd)
        suffix = os.path.splitext(real)[1].lower()  # noqa: PTH122
        cache_key = f"{sha256}:{suffix}"
        report = known.get(cache_key)
        if report is None:
            # The descriptor's own path in /proc: the scanner reads the inode opened here,
            # whatever is renamed onto ``real`` meanwhile.
            through = Path(f"{_PROC_FD}/{fd}") if Path(_PROC_FD).is_dir() else Path(real)
            report = scan_file(through, policy, display_name=Path(real).name)
            if report.sha256 != sha256:
                raise _Changed
            if report.verdict != UNSCANNABLE:
                if len(known) >= _REPORTS:
                    for old in list(known)[: _REPORTS // 10]:
                        known.pop(old, None)
                known[cache_key] = report
        if stat_key(os.fstat(fd)) != key or _lstat_key(real) != key:
            raise _Changed
        return report
    finally:
        os.close(fd)


def _lstat_key(real: str) -> StatKey | None:
    try:
        return stat_key(os.stat(real, follow_symlinks=False))  # noqa: PTH116
    except OSError:
        return None


def _hash(fd: int) -> str:
    import hashlib

    digest = hashlib.sha256()
    offset = 0
    while chunk := os.pread(fd, _HASH_CHUNK, offset):
        digest.update(chunk)
        offset += len(chunk)
    return digest.hexdigest()


class Gate:
    """Answers for request targets (see the module doc). ``start`` and ``answer`` run on one
    event loop; scans run on ``scans`` threads; the ledger on one thread of its own."""

    def __init__(
        self,
        root: Path,
        follower: Follower,
        *,
        index: str = INDEX,
        scans: int = 2,
        wait: float = 5.0,
        poll: float = 1.0,
        waiting: int = 256,
        remember: int = 100_000,
        on_refusal: Callable[[Answer], None] | None = None,
        store: str | None = None,
    ):
        self.root = os.path.realpath(root)
        self.store = store
        self._copies: set[str] = set()
        self.follower = follower
        self.index = index
        self.wait = wait
        self.poll = poll
        self.waiting = waiting
        self.remember = remember
        self.on_refusal = on_refusal
        self._scan_pool = ThreadPoolExecutor(max(1, scans), thread_name_prefix="approval-scan")
        self._ledger_pool = ThreadPoolExecutor(1, thread_name_prefix="approval-ledger")
        self._known: dict[str, _Known] = {}
        self._reports: dict[str, FileReport] = {}
        self._pending: dict[str, tuple[StatKey, asyncio.Future[Answer]]] = {}
        self._poller: asyncio.Task[None] | None = None
        self.decided = 0  # cold decisions taken (scans and re-decisions), for tests and health

    # -- life -----------------------------------------------------------------------------------

    async def start(self) -> None:
        """Open and verify the ledger, load the scanner, and follow the ledger."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._ledger_pool, self.follower.open)
        await loop.run_in_executor(self._scan_pool, _warm_up)
        self._poller = asyncio.create_task(self._follow())

    async def stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
        self._scan_pool.shutdown(wait=True, cancel_futures=True)
        self._ledger_pool.submit(self.follower.close).result()
        self._ledger_pool.shutdown(wait=True)

    async def _follow(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.poll)
            try:
                await loop.run_in_executor(self._ledger_pool, self._poll_once)
            except Exception as e:
                # A gate that stops following the ledger would miss a revocation: closed.
                self.follower.broken = f"cannot follow the ledger ({type(e).__name__})"

    def _poll_once(self) -> None:
        before = self.follower.generation
        if not self.follower.poll():
            return
        after = self.follower.generation
        if after.adoption != before.adoption:
            # Another policy: every scan was made under the old one.
            self._reports.clear()
            self._known.clear()
            return
        # Decide again, now, each file that needed approval: a revocation stops it at once.
        for real, known in list(self._known.items()):
            if known.answer.word != CLEAN:
                answer = self._decide(
                    real, known.key, known.report, known.answer.relative, after.adoption
                )
                if known.answer.file and not answer.allowed and self.store is not None:
                    # No longer allowed: its copy goes (it would be served by no answer, but
                    # protected bytes are not kept where a web server reads).
                    self._copies.discard(known.answer.file)
                    remove_copy(self.store, known.answer.file)

    # -- answering ----------------------------------------------------------------------------

    async def answer(self, target: bytes) -> Answer:
        answer = await self._answer(target)
        if answer.allowed and self.store is not None and not self._stored(answer.file):
            answer = await self._copied(target, answer)
        if not answer.allowed and self.on_refusal is not None:
            self.on_refusal(answer)
        return answer

    async def _answer(self, target: bytes) -> Answer:
        if self.follower.broken is not None:
            return Answer(False, LEDGER_FAILURE)
        mapped = locate(self.root, target, self.index)
        if isinstance(mapped, Unmapped):
            return Answer(False, mapped.reason, mapped.relative)
        try:
            st = os.stat(mapped.real, follow_symlinks=False)  # noqa: PTH116 - strings
        except OSError:
            return Answer(False, MISSING, mapped.relative)
        if stat.S_ISLNK(st.st_mode):
            return Answer(False, CHANGED, mapped.relative)  # a link put in place since
        if not stat.S_ISREG(st.st_mode):
            return Answer(False, SPECIAL, mapped.relative)
        key = stat_key(st)
        generation = self.follower.generation
        known = self._known.get(mapped.real)
        if known is not None and known.key == key:
            if self._current(known):
                return known.answer
            # The same bytes, another ledger head: decided again, not scanned.
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(
                self._ledger_pool,
                self._decide,
                mapped.real,
                key,
                known.report,
                mapped.relative,
                generation.adoption,
            )
        return await self._cold(mapped, key)

    async def _copied(self, target: bytes, answer: Answer) -> Answer:
        """``answer`` naming the store's copy of the decided bytes, made now if missing; 403
        ``changed`` when the file no longer holds them (see store.py)."""
        assert self.store is not None
        mapped = locate(self.root, target, self.index)
        if isinstance(mapped, Unmapped):
            return Answer(False, mapped.reason, mapped.relative)
        name = store_name(answer.sha256, mapped.real)
        if name not in self._copies or not self._stored(name):
            loop = asyncio.get_running_loop()
            try:
                await loop.run_in_executor(
                    self._scan_pool,
                    ensure_copy,
                    self.store,
                    name,
                    mapped.real,
                    answer.sha256,
                    answer.size,
                )
            except CopyChanged:
                return Answer(False, CHANGED, mapped.relative)
            self._copies.add(name)
        served = replace(answer, file=name)
        known = self._known.get(mapped.real)
        if known is not None and known.answer.sha256 == answer.sha256 and known.answer.allowed:
            self._known[mapped.real] = replace(known, answer=served)
        return served

    def _stored(self, name: str) -> bool:
        """Whether the store holds the copy ``name`` (someone may have cleaned the store: a
        warm answer naming a copy that is gone would refuse the file until it changed)."""
        return bool(name) and os.path.exists(f"{self.store}/{name}")  # noqa: PTH110

    def _current(self, known: _Known) -> bool:
        generation = self.follower.generation
        if known.until is not None and time.time() >= known.until:
            return False
        if known.answer.word == CLEAN:
            return known.adoption == generation.adoption
        return known.generation == generation.number

    async def _cold(self, mapped: Mapped, key: StatKey) -> Answer:
        pending = self._pending.get(mapped.real)
        if pending is None or pending[0] != key:
            if len(self._pending) >= self.waiting:
                return Answer(False, BUSY, mapped.relative)
            future = asyncio.ensure_future(self._scan_and_decide(mapped, key))
            pending = (key, future)
            self._pending[mapped.real] = pending
        try:
            return await asyncio.wait_for(asyncio.shield(pending[1]), self.wait)
        except TimeoutError:
            return Answer(False, SCANNING, mapped.relative)

    async def _scan_and_decide(self, mapped: Mapped, key: StatKey) -> Answer:
        loop = asyncio.get_running_loop()
        try:
            policy = self.follower.policy
            adoption = self.follower.generation.adoption
            if policy is None:
                return Answer(False, NO_POLICY, mapped.relative)
            try:
                report = await loop.run_in_executor(
                    self._scan_pool, scan_exact, mapped.real, key, policy, self._reports
                )
            except _Changed:
                return Answer(False, CHANGED, mapped.relative)
            return await loop.run_in_executor(
                self._ledger_pool, self._decide, mapped.real, key, report, mapped.relative, adoption
            )
        finally:
            current = self._pending.get(mapped.real)
            if current is not None and current[0] == key:
                del self._pending[mapped.real]

    def _decide(
        self, real: str, key: StatKey, report: FileReport, relative: str, adoption: str
    ) -> Answer:
        """On the ledger thread: the decision for ``report``, remembered for ``real``."""
        generation = self.follower.generation
        if generation.adoption != adoption:
            return Answer(False, CHANGED, relative)  # scanned under a policy no longer in force
        if self.follower.broken is not None:
            return Answer(False, LEDGER_FAILURE, relative)
        decision = None if report.verdict == CLEAN else self.follower.decide(report)
        answer = answer_for(relative, report, decision)
        until = decision.expires.timestamp() if decision and decision.expires else None
        if len(self._known) >= self.remember:
            for old in list(self._known)[: max(1, self.remember // 10)]:
                self._known.pop(old, None)
        self._known[real] = _Known(key, report, answer, generation.number, adoption, until)
        self.decided += 1
        return answer


def _warm_up() -> None:
    """Load the scanner and its readers before the first request needs them (a cold decision
    would otherwise pay their imports, ~0.7 s)."""
    import importlib
    import tempfile

    from approval.detect.scan import scan_file
    from approval.policy import default_policy

    with tempfile.TemporaryDirectory(prefix="approval-serve-") as directory:
        sample = Path(directory) / "warm-up.csv"
        sample.write_text("Nationality,Book-ins\nMexico,12\n", encoding="utf-8")
        scan_file(sample, default_policy())
    with contextlib.suppress(ImportError):
        importlib.import_module("python_calamine")  # the spreadsheet reader's library
