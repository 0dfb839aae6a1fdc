"""The decisions the service answers with, cached so that a warm answer costs a ``stat``.

A file's decision is kept under what it was computed from:

- the file: its path resolved, and ``(device, inode, size, mtime_ns, ctime_ns)``. A file
  replaced in place (a new inode by rename, or new bytes in the same inode, which moves its
  ctime, which no one can set back) has another key and is decided again before it is served;
- the bytes: the scan is kept under their sha256 (and the name's suffix) and the adoption
  whose policy it was made under, so a copy of a file already scanned is hashed, not scanned,
  and a scan made under a policy no longer in force is never found (a scan that ends after a
  new adoption cleared the reports leaves its report under the old adoption's key);
- the ledger: the head it was decided at. When the follower sees a new head, the files that
  needed approval are decided again at once (no scan: their scan stands); a clean file needs
  no approval and stands while the adoption in force does (a new policy clears everything);
- the time: a decision is kept until the first moment it could change by the time alone (a
  revocation, a sign-off or an adoption dated ahead of now, an official's ``valid_until``, an
  approval's expiry: ``approval.trust.gating.next_change``), and taken again then, before it
  is served; an adoption dated ahead is put in force (``Follower.turn``) before any request
  is answered from that moment on. And a decision whose bytes were read within ``racy``
  seconds of the file's last change is not reused on the stat key (file times tick coarsely:
  a rewrite in the same tick keeps the key), but hashed again;
- the follower: when it has not looked at the ledger for ``stale_after`` seconds (a fetch
  that hangs), or, with a remote to fetch from, no fetch has succeeded for
  ``fetch_stale_after`` seconds (a remote it cannot reach: a revocation pushed there is not
  seen), no approval stands (``ledger-stale``); clean files are still served.

The file is opened from the root with no link followed on the way (``paths.open_beneath``),
hashed to the size its stat showed and within the policy's ``max_seconds``; the store's copy
is made the same way and kept only if its hash is the decided one (store.py). A scan that
raises is a refusal (``scan-failed``), for every request waiting on it.

A cold decision is taken once per file (single flight: concurrent requests for it wait on the
same scan), in a bounded pool of scan threads, so other requests go on meanwhile. A request
waits for it at most ``wait`` seconds, then is answered 403 ``scanning``: a file is never
served before it is decided. After the scan the file is looked at again, by its open
descriptor and by its path: a file that changed while it was scanned is not approved
(``changed``), and decided again on the next request.

Without a store, a request for a file is also one for each precompressed sibling the web
server may send in its place (``X.gz`` for ``X``: ``paths.precompressed``). Each that is there
is decided as a file of its own, and cached so, at the same time as the file; one that is not
allowed refuses the request, and the answer names it (its path, sha256 and verdict). With a
store this cannot happen: the web server serves a copy named by its hash, which has no
siblings.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import stat
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from approval.detect.report import CLEAN, PROTECTED, UNSCANNABLE, FileReport
from approval.serve.follower import Decided, Follower, Generation
from approval.serve.paths import (
    INDEX,
    MISSING,
    SPECIAL,
    UNREADABLE,
    Mapped,
    Unmapped,
    locate,
    open_beneath,
    precompressed,
)
from approval.serve.store import CopyChanged, clear_store, ensure_copy, remove_copy, store_name
from approval.trust.gating import APPROVED as _APPROVED_STATUS
from approval.trust.gating import CLEAN_WORD, status_of

if TYPE_CHECKING:
    from approval.detect.units import Reader
    from approval.policy import Policy
    from approval.trust.decision import Decision

# Words an answer is given in (the X-Approval-Verdict header, the log).
APPROVED = "approved"
CHANGED = "changed"  # changed while scanned, or replaced by a link: decided again next time
SCANNING = "scanning"  # not decided yet: asked again, it is
BUSY = "busy"  # too many files waiting for a scan
NO_POLICY = "no-policy"  # the ledger adopted no policy yet
LEDGER_FAILURE = "ledger-failure"  # the ledger failed verification: nothing is allowed
SCAN_FAILED = "scan-failed"  # the scan raised: closed
CANNOT_READ = "cannot read: permission denied"  # the reason of an unreadable file
STALE = "ledger-stale"  # the ledger has not been looked at for too long: no approval stands

# Why the file asked is refused for a sibling's sake (the sibling's own path is the answer's).
_VARIANT = (
    "a precompressed variant the web server may send in place of the file asked "
    "(gzip_static, precompressed) is not allowed"
)

log = logging.getLogger("approval.serve")

_HASH_CHUNK = 1024 * 1024
_REPORTS = 100_000  # scans kept by sha256 (a clean report is a few hundred bytes)


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
    until: float | None  # epoch seconds: when the decision could change by the time alone
    read_at: int  # epoch nanoseconds, at or before the bytes were read (see ``Gate._racy``)


class _Changed(Exception):
    """The file is not the one the request's stat saw (see the module doc)."""


class _Unreadable(Exception):
    """The file is there but the service may not read it (permissions)."""


def answer_for(relative: str, report: FileReport, decision: Decision | None) -> Answer:
    """``approval check``'s status of a file (``approval.trust.gating.status_of``) as an
    answer."""
    status = status_of(report, decision)
    if status == CLEAN_WORD:
        return Answer(True, CLEAN, relative, report.sha256, report.size)
    if status == _APPROVED_STATUS:
        return Answer(True, APPROVED, relative, report.sha256, report.size)
    if report.verdict == UNSCANNABLE:
        reason = report.reason or ""
    elif decision is None:
        reason = "no ledger is configured"
    else:
        # Facts, not the decision's sentences: those name the officials who signed and quote
        # their free-text comments and reasons, which have no place in a web server's log
        # (``approval status FILE`` tells the whole of it to whoever may read the ledger).
        facts = [
            "no request" if decision.request is None else "",
            f"{len(decision.rejections)} rejection(s)" if decision.rejections else "",
            f"{len(decision.expired)} expired approval(s)" if decision.expired else "",
            f"{len(decision.unrescanned)} approval(s) without a rescan"
            if decision.unrescanned
            else "",
            f"missing: {', '.join(decision.missing)}" if decision.missing else "",
        ]
        reason = "; ".join(f for f in facts if f) or "not approved"
    return Answer(False, report.verdict, relative, report.sha256, report.size, reason)


def scan_exact(
    real: str,
    key: StatKey,
    policy: Policy,
    known: dict[str, FileReport],
    root: str | None = None,
    readers: Sequence[Reader] | None = None,
    *,
    adoption: str,
) -> FileReport:
    """The scan of the file at ``real`` whose stat was ``key``: those very bytes, read through
    one descriptor opened from ``root`` (default: the file's directory) with no link followed
    on the way (``paths.open_beneath``); ``_Changed`` when the file is another one or changes
    meanwhile. ``known`` holds scans by ``<adoption>:<sha256>:<suffix>``, consulted and
    filled: ``adoption`` is the one whose policy ``policy`` is, so that a scan is only ever
    found under the policy it was made under. (The scanner's code is the process's own, the
    same for every key: the reports live in memory only.) ``readers`` replaces the scanner's
    registry (tests plug in a fake format)."""
    from approval.detect.scan import limits_for, scan_fd

    try:
        fd = open_beneath(root or os.path.dirname(real), real)  # noqa: PTH120
    except PermissionError as e:
        raise _Unreadable from e  # there, but not ours to read: closed, and said so
    except OSError as e:
        raise _Changed from e  # gone, or a link put in its place or on its way
    try:
        opened = os.fstat(fd)
        if stat_key(opened) != key or not stat.S_ISREG(opened.st_mode):
            raise _Changed
        os.set_blocking(fd, True)
        # Bounded in time as the scan is (a sparse file of terabytes reads as zeros for a day,
        # holding a scan thread): past the policy's max_seconds, refused (``scan-failed``).
        sha256 = _hash(fd, key.size, time.monotonic() + limits_for(policy).max_seconds)
        suffix = os.path.splitext(real)[1].lower()  # noqa: PTH122
        cache_key = f"{adoption}:{sha256}:{suffix}"
        report = known.get(cache_key)
        fresh = report is None
        if report is None:
            # Through this descriptor: the scanner hashes and parses the inode opened here,
            # whatever is renamed onto ``real`` meanwhile, and reports a file that moved under
            # it as changed (no sha256: not the bytes hashed here).
            name = os.path.basename(real)  # noqa: PTH119
            report = scan_fd(fd, policy, name=name, readers=readers)
            if report.sha256 != sha256:
                raise _Changed
        if stat_key(os.fstat(fd)) != key or _lstat_key(real) != key:
            raise _Changed
        # Kept by sha256 only now, once the file is known to have held those bytes
        # throughout: a report kept before this check would speak for bytes nobody parsed.
        if fresh and report.verdict != UNSCANNABLE:
            if len(known) >= _REPORTS:
                for old in list(known)[: _REPORTS // 10]:
                    known.pop(old, None)
            known[cache_key] = report
        return report
    finally:
        os.close(fd)


def _named(mapped: Mapped, root: str, policy: Policy) -> str | None:
    """Why the path asked, or the path it resolves to under ``root``, may not be served for
    its name (``detect.names``), or None."""
    from approval.detect.names import spelling_holds_data

    real = mapped.real[len(root) + 1 :] if mapped.real.startswith(root + "/") else ""
    named = spelling_holds_data((mapped.relative, real), policy)
    return named.reason if named is not None else None


def _dir_id(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)  # noqa: PTH116 - strings
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _lstat_key(real: str) -> StatKey | None:
    try:
        return stat_key(os.stat(real, follow_symlinks=False))  # noqa: PTH116
    except OSError:
        return None


def _hash(fd: int, size: int, deadline: float = float("inf")) -> str:
    """The sha256 of the first ``size`` bytes (the size the request's stat saw): a file that
    keeps growing while it is read (an upload, or a writer that never stops) is read to that
    size, not for ever, and the ``fstat`` after the scan sees that it changed."""
    import hashlib

    digest = hashlib.sha256()
    offset = 0
    while offset < size:
        chunk = os.pread(fd, min(_HASH_CHUNK, size - offset), offset)
        if not chunk:
            raise _Changed  # shorter than it was: truncated meanwhile
        if time.monotonic() > deadline:
            raise TimeoutError("hashing took longer than the policy's max_seconds")
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
        stale_after: float | None = None,
        fetch_stale_after: float | None = None,
        racy: float = 2.0,
        readers: Sequence[Reader] | None = None,
    ):
        # The root as given, and where it leads now: a link (``/srv/www -> releases/42``, an
        # atomic deploy) is followed at each request as nginx follows it (``_follow_root``).
        self.given_root = os.path.abspath(root)  # noqa: PTH100
        self.root = os.path.realpath(root)
        self._root_id = _dir_id(self.root)
        self.store = store
        # The copies in the store of approved bytes (not clean ones: they stand while the
        # adoption does, and a new adoption empties the store), each with the scan of its
        # bytes, the adoption it was decided under and when its decision could change by the
        # time alone: re-decided whenever the ledger moves or that moment passes, whichever
        # path asked for them (a path since replaced, or forgotten from ``_known``, still has
        # its copy).
        self._copies: dict[str, tuple[FileReport, str, float | None]] = {}
        # A follower stuck (a fetch that hangs, a git that never answers) would keep every
        # approval of its last head for ever, revoked or not: past this, none stands.
        self.stale_after = stale_after if stale_after is not None else max(60.0, 10 * poll)
        # Fetches that fail, one after another, for this long (three missed fetches, a
        # minute at least): the clone may miss a revocation, and no approval stands.
        self.fetch_stale_after = (
            fetch_stale_after
            if fetch_stale_after is not None
            else max(self.stale_after, 3 * follower.fetch_every)
        )
        self._inflight = 0  # scans submitted and not finished, whatever their path
        self.racy_ns = int(racy * 1e9)
        self.follower = follower
        self.index = index
        self.wait = wait
        self.poll = poll
        self.waiting = waiting
        self.remember = remember
        self.on_refusal = on_refusal
        self.readers = readers  # the scanner's registry replaced (tests plug in a fake format)
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
        if self.follower.poll():
            self._moved(before)
        else:
            self._recheck_copies(time.time())

    def _turn(self) -> None:
        """On the ledger thread: an adoption dated ahead that has come into force is put in
        force before anything more is decided (``Follower.turn``)."""
        before = self.follower.generation
        if self.follower.turn():
            self._moved(before)

    def _moved(self, before: Generation) -> None:
        """On the ledger thread, after the follower moved from ``before`` (a new head, or an
        adoption dated ahead come into force): what was decided is decided again."""
        after = self.follower.generation
        if after.adoption != before.adoption or self.follower.broken is not None:
            # Another policy: every scan was made under the old one (or no ledger to decide
            # by): nothing decided stands, and no copy stays where the web server reads.
            self._reports.clear()
            self._known.clear()
            self._copies.clear()
            if self.store is not None:
                clear_store(self.store)
            return
        # Decide again, now, each file that needed approval: a revocation stops it at once.
        for real, known in list(self._known.items()):
            if known.answer.word != CLEAN:
                self._decide(
                    real,
                    known.key,
                    known.report,
                    known.answer.relative,
                    after.adoption,
                    known.read_at,
                )
        # And each copy of bytes that needed approval, whichever path it was made for: no
        # longer allowed, it goes (no answer would name it, but protected bytes are not kept
        # where a web server reads).
        self._recheck_copies(None)

    def _recheck_copies(self, moment: float | None) -> None:
        """On the ledger thread: each copy in the store decided again (only those whose
        decision could have changed by ``moment``, epoch seconds; all when None); one no
        longer allowed is removed."""
        for name, (report, adoption, until) in list(self._copies.items()):
            if moment is not None and (until is None or moment < until):
                continue
            allowed, until = self._still_allowed(report, adoption)
            if allowed:
                self._copies[name] = (report, adoption, until)
            else:
                self._copies.pop(name, None)
                if self.store is not None:
                    remove_copy(self.store, name)

    def _still_allowed(self, report: FileReport, adoption: str) -> tuple[bool, float | None]:
        """On the ledger thread: whether bytes scanned as ``report`` under ``adoption`` may
        still be served, and until when that could not change by the time alone."""
        generation = self.follower.generation
        if self.follower.broken is not None or adoption != generation.adoption:
            return False, None
        if report.verdict == CLEAN:
            return True, generation.turns
        decided = self.follower.decide(report)
        allowed = decided.decision is not None and decided.decision.allowed
        return allowed, _earliest(decided.until, generation.turns)

    def _keep_copy(self, name: str, report: FileReport, adoption: str) -> bool:
        """On the ledger thread, after a copy was made: kept (and followed) when its bytes
        are still allowed, else removed. On the ledger thread, so that a revocation polled
        while the copy was being made is seen here, or sees the copy there."""
        self._turn()
        allowed, until = self._still_allowed(report, adoption)
        if not allowed:
            self._copies.pop(name, None)
            if self.store is not None:
                remove_copy(self.store, name)
            return False
        if report.verdict != CLEAN:
            self._copies[name] = (report, adoption, until)
        return True

    def stale(self) -> bool:
        return self.staleness() is not None

    def staleness(self) -> str | None:
        """Why no approval stands now (the ledger is stale), or None. Not looked at for
        ``stale_after`` seconds (its thread stuck); or, fetching from a remote, no fetch has
        succeeded for ``fetch_stale_after`` seconds (or none yet): an office's revocation is
        pushed to the remote, and a clone that cannot reach it would never see it."""
        moment = time.monotonic()
        if moment - self.follower.checked > self.stale_after:
            return f"the ledger has not been looked at for {self.stale_after:g} s"
        follower = self.follower
        if follower.fetching:
            if follower.fetched is None:
                return "no fetch from the ledger's remote has succeeded yet"
            if moment - follower.fetched > self.fetch_stale_after:
                return (
                    f"no fetch from the ledger's remote has succeeded for "
                    f"{self.fetch_stale_after:g} s"
                )
        return None

    # -- answering ----------------------------------------------------------------------------

    async def answer(self, target: bytes) -> Answer:
        if self.follower.due():
            # An adoption dated ahead came into force: in force before this is answered (its
            # policy may make protected what the one before passed as clean).
            loop = asyncio.get_running_loop()
            turned = loop.run_in_executor(self._ledger_pool, self._turn)
            try:
                await asyncio.wait_for(turned, self.wait)
            except TimeoutError:
                return self._refused(Answer(False, SCANNING))
        answer = await self._answer(target)
        if answer.allowed and answer.word != CLEAN and self.stale():
            answer = Answer(False, STALE, answer.relative, answer.sha256, answer.size)
        if answer.allowed and self.store is not None and not self._stored(answer.file):
            answer = await self._copied(target, answer)
        return self._refused(answer)

    def _refused(self, answer: Answer) -> Answer:
        if not answer.allowed and self.on_refusal is not None:
            self.on_refusal(answer)
        return answer

    def _follow_root(self) -> None:
        """Where the root leads now: one ``stat`` per request; when the link was switched to
        another directory, resolved again, and nothing decided under the old one stands."""
        now = _dir_id(self.given_root)
        if now is None or now == self._root_id:
            return
        real = os.path.realpath(self.given_root)
        self.root, self._root_id = real, _dir_id(real)
        self._known.clear()
        log.info("document root now leads to %s: deciding again", real)

    async def _answer(self, target: bytes) -> Answer:
        if self.follower.broken is not None:
            return Answer(False, LEDGER_FAILURE)
        self._follow_root()
        mapped = locate(self.root, target, self.index)
        if isinstance(mapped, Unmapped):
            return Answer(False, mapped.reason, mapped.relative)
        if self.store is not None:
            # The web server serves the store's copy, named ``<sha256><suffix>``: no
            # ``.gz`` sibling of a copy can be there for it to send instead.
            return await self._decided(mapped)
        variants = precompressed(self.root, mapped)
        if not variants:
            return await self._decided(mapped)  # the common case: one stat per name
        answers = await asyncio.gather(self._decided(mapped), *(self._variant(v) for v in variants))
        if not answers[0].allowed:
            return answers[0]
        for answer in answers[1:]:
            if answer.allowed and answer.word != CLEAN and self.stale():
                answer = Answer(False, STALE, answer.relative, answer.sha256, answer.size)
            if not answer.allowed:
                why = answer.reason or answer.word
                return replace(answer, reason=f"{_VARIANT}: {why}")
        return answers[0]

    async def _variant(self, variant: Mapped | Unmapped) -> Answer:
        """The answer for a precompressed sibling the web server may send in place of the
        file asked (``paths.precompressed``): a file of its own, decided (and cached) as if
        it were asked for; one that cannot be decided is refused."""
        if isinstance(variant, Mapped):
            return await self._decided(variant)
        if variant.reason == UNREADABLE:
            return Answer(False, UNSCANNABLE, variant.relative, reason=CANNOT_READ)
        if variant.reason == MISSING:
            return Answer(False, CHANGED, variant.relative)  # gone since its stat
        return Answer(False, variant.reason, variant.relative)

    async def _decided(self, mapped: Mapped) -> Answer:
        """The answer for the file ``mapped``: cached on its stat key, else decided."""
        try:
            st = os.stat(mapped.real, follow_symlinks=False)  # noqa: PTH116 - strings
        except PermissionError:
            return Answer(False, UNSCANNABLE, mapped.relative, reason=CANNOT_READ)
        except OSError:
            return Answer(False, MISSING, mapped.relative)
        if stat.S_ISLNK(st.st_mode):
            return Answer(False, CHANGED, mapped.relative)  # a link put in place since
        if not stat.S_ISREG(st.st_mode):
            return Answer(False, SPECIAL, mapped.relative)
        key = stat_key(st)
        generation = self.follower.generation
        known = self._known.get(mapped.real)
        if known is not None and known.key == key and not self._racy(known):
            if self._current(known):
                return known.answer
            # The same bytes, another ledger head: decided again, not scanned.
            if self.stale():
                return Answer(False, STALE, mapped.relative)  # its thread may be stuck
            loop = asyncio.get_running_loop()
            decided = loop.run_in_executor(
                self._ledger_pool,
                self._decide,
                mapped.real,
                key,
                known.report,
                mapped.relative,
                generation.adoption,
                known.read_at,
            )
            try:
                return await asyncio.wait_for(decided, self.wait)
            except TimeoutError:
                return Answer(False, SCANNING, mapped.relative)
        return await self._cold(mapped, key)

    async def _copied(self, target: bytes, answer: Answer) -> Answer:
        """``answer`` naming the store's copy of the decided bytes, made now if missing; 403
        ``changed`` when the file no longer holds them (see store.py)."""
        if self.store is None:
            return answer  # no store: the web server serves the file itself
        mapped = locate(self.root, target, self.index)
        if isinstance(mapped, Unmapped):
            return Answer(False, mapped.reason, mapped.relative)
        known = self._known.get(mapped.real)
        if known is None or known.answer.sha256 != answer.sha256 or not known.answer.allowed:
            return Answer(False, CHANGED, mapped.relative)  # decided again meanwhile
        name = store_name(answer.sha256, mapped.real)
        if not self._stored(name):
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
                    self.root,
                )
            except CopyChanged:
                return Answer(False, CHANGED, mapped.relative)
            kept = await loop.run_in_executor(
                self._ledger_pool, self._keep_copy, name, known.report, known.adoption
            )
            if not kept:
                return Answer(False, CHANGED, mapped.relative)
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
        """Whether ``known`` may be answered as it is: taken at the ledger's head (or, clean,
        under the adoption in force), and no moment that could change it has passed."""
        generation = self.follower.generation
        if known.until is not None and time.time() >= known.until:
            return False
        if known.answer.word == CLEAN:
            return known.adoption == generation.adoption
        return known.generation == generation.number

    async def _cold(self, mapped: Mapped, key: StatKey) -> Answer:
        pending = self._pending.get(mapped.real)
        if pending is None or pending[0] != key:
            # Bounded by scans in flight, not by paths: a path whose bytes keep changing
            # starts a new scan with each new key while the old ones still run.
            if self._inflight >= self.waiting:
                return Answer(False, BUSY, mapped.relative)
            self._inflight += 1
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
            # One read: the adoption and its policy together (another thread replaces both).
            generation = self.follower.generation
            policy, adoption = generation.policy, generation.adoption
            if policy is None:
                return Answer(False, NO_POLICY, mapped.relative)
            # A file whose name is the data (``claims/<name> <A-number> asylum.txt``) is
            # refused before its bytes are read: listed and served under that name, it
            # discloses whatever it holds (``detect.names``).
            named = await loop.run_in_executor(self._scan_pool, _named, mapped, self.root, policy)
            if named is not None:
                return Answer(False, PROTECTED, mapped.relative, reason=named)
            read_at = time.time_ns()  # before the scan opens the file: on the safe side
            try:
                scan = functools.partial(
                    scan_exact,
                    mapped.real,
                    key,
                    policy,
                    self._reports,
                    self.root,
                    self.readers,
                    adoption=adoption,
                )
                report = await loop.run_in_executor(self._scan_pool, scan)
            except _Changed:
                return Answer(False, CHANGED, mapped.relative)
            except _Unreadable:
                # Not a change, and not to be decided again at each request as one: the
                # service's user may not read it (a web server running as another user may).
                return Answer(False, UNSCANNABLE, mapped.relative, reason=CANNOT_READ)
            except Exception as e:
                # A scan that fails (an I/O error, a reader's bug, memory): refused, for every
                # request waiting on it, and logged by the error's type alone: its message
                # could quote the file.
                log.warning("scan failed (%s); refusing the file", type(e).__name__)
                return Answer(False, SCAN_FAILED, mapped.relative)
            return await loop.run_in_executor(
                self._ledger_pool,
                self._decide,
                mapped.real,
                key,
                report,
                mapped.relative,
                adoption,
                read_at,
            )
        finally:
            self._inflight -= 1
            current = self._pending.get(mapped.real)
            if current is not None and current[0] == key:
                del self._pending[mapped.real]

    def _racy(self, known: _Known) -> bool:
        """Whether the bytes were read so soon after the file's last change that another
        change could leave the same stat key: file times come from a coarse clock (a tick of
        1 to 10 ms, seconds on some file systems), so a rewrite within the tick of the last
        one, its mtime set back, keeps size, mtime and ctime. Such a decision is not reused on
        the stat key alone; the next request hashes the bytes again (not scanned: the scan is
        kept by sha256), until one reads them a safe while after the change (git's "racily
        clean" entries, the same problem)."""
        return known.read_at - known.key.ctime_ns < self.racy_ns

    def _decide(
        self,
        real: str,
        key: StatKey,
        report: FileReport,
        relative: str,
        adoption: str,
        read_at: int,
    ) -> Answer:
        """On the ledger thread: the decision for ``report``, remembered for ``real`` until
        the ledger moves or the moment it could change by the time alone."""
        self._turn()
        generation = self.follower.generation
        if generation.adoption != adoption:
            return Answer(False, CHANGED, relative)  # scanned under a policy no longer in force
        if self.follower.broken is not None:
            return Answer(False, LEDGER_FAILURE, relative)
        decided = Decided(None, None) if report.verdict == CLEAN else self.follower.decide(report)
        answer = answer_for(relative, report, decided.decision)
        # A clean file stands while its adoption does: until the next one dated ahead.
        until = _earliest(decided.until, generation.turns)
        if len(self._known) >= self.remember:
            for old in list(self._known)[: max(1, self.remember // 10)]:
                self._known.pop(old, None)
        self._known[real] = _Known(key, report, answer, generation.number, adoption, until, read_at)
        self.decided += 1
        return answer


def _earliest(*moments: float | None) -> float | None:
    return min((m for m in moments if m is not None), default=None)


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
