"""The ledger's storage: a bare git repository whose branch ``ledger`` holds one commit per
signed statement, each adding exactly one JSON file.

Appending uses git's plumbing, never an index: write the blob, rebuild only the five trees on
the entry's path (root, ``entries``, year, month, day), make the commit, then move the branch by
compare-and-swap. Whatever happens before the ref moves leaves the ledger as it was (the objects
already written are unreachable and harmless), so a crash never leaves half an entry. One
append costs three short git processes (hash-object, commit-tree, update-ref) and round trips
to two long-lived ones (cat-file, mktree); none of it grows with the ledger. Writers on one
machine also queue on a lock file, so that they do not keep losing the swap to each other.

Signatures are not verified here: replay does that. Every entry is checked against the schema
on write and on read, and against its place in history (one parent, one new file, named after
the statement it holds).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import random
import re
import secrets
import time
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path

from approval.errors import IntegrityError, LedgerNotWritable, UsageError
from approval.ledger import layout
from approval.ledger.cache import ValidEntries
from approval.ledger.git import Git, GitError, GitObject, ObjectReader, TooLarge, TreeWriter
from approval.ledger.layout import TreeEntry
from approval.ledger.locks import turn
from approval.ledger.usercache import clone_dir, ledger_cache_dir
from approval.statements import (
    Envelope,
    Signature,
    canonical_json,
    parse_statement_time,
    short_id,
    signed_bytes,
    validate_envelope,
)
from approval.statements.limits import kind_in_path, max_entry_bytes, oversize

LEDGER_ENV = "APPROVAL_LEDGER"
OPEN_HINT = "create one with 'approval init ...' or pass --ledger DIR"

# Set on create, for stock git run on the ledger (a push into it, a gc). Our own commands also
# pass the fsync settings on their command line (git.py), which a clone does not copy.
CONFIG = (
    # Neither git nor libgit2 fsyncs loose objects or refs by default ("committed,-loose-object"
    # is the platform default): an append that returned must survive a power cut.
    ("core.fsync", "committed"),
    ("core.fsyncMethod", "fsync"),
    # Pushing into a ledger may only add to its history (invariant 4).
    ("receive.denyNonFastForwards", "true"),
    ("receive.denyDeletes", "true"),
    ("approval.ledger", "1"),
)

# A writer loses the compare-and-swap only when another one wins, so it does not retry for
# ever; the bound stops a writer stuck behind a stale ref lock file. Measured without the local
# writers' lock below: three processes appending flat out lost up to 32 times in a row.
MAX_ATTEMPTS = 100
MAX_BACKOFF = 0.1
# Local writers queue on an advisory lock (flock) instead of racing: a writer that keeps
# losing wastes a commit per loss and can starve. The compare-and-swap still decides; the lock
# only spares the losses, and a writer that cannot get it within LOCK_WAIT goes ahead anyway.
LOCK_FILE = "approval-append.lock"
LOCK_WAIT = 30.0
# One repack at a time on this machine: a second one is skipped, not queued. Two geometric
# repacks at once each delete packs the other is still reading from or merging.
REPACK_LOCK_FILE = "approval-repack.lock"

# Plumbing never triggers git's automatic repack, so loose objects (seven per append) would pile
# up without end: a directory entry and an inode each, ~3 KB per append instead of ~1 KB. Like
# `git gc --auto`, estimate their number from one of the 256 fan-out directories, and repack
# past ~7000 of them (about every 1000 appends).
REPACK_SAMPLE_DIR = "17"
REPACK_SAMPLE_LIMIT = 7000 // 256
# The scheduled repacks above are incremental and reuse the deltas of the small packs they
# merge, which were found among few objects: a ledger grown by real appends stays near 1,800 B
# an entry even after `git gc`, which reuses them too. A full repack that recomputes deltas
# (`-f`, git's default window) brings it to ~1,090 B (bench_ledger.py). It runs when the packed
# objects have grown by a tenth since the last one, so its cost stays proportional to the
# appends (amortised O(1) each: at most eleven times the final size in all), detached like
# `git gc --auto`, since at 100k entries it takes a minute. A tenth: what came after the last
# full repack packs at ~2,170 B an entry after `git gc`, so the worst case, just before the
# next full repack, is ~1,190 B an entry. Measured on 100k real appends then 26k more: 1,313 B
# at a quarter (just before the full repack it would schedule), 1,324 B at a doubling.
FULL_REPACK_FILE = "approval-full-repack"  # packed objects at the last full repack
FULL_REPACK_MIN_OBJECTS = 5000  # about 700 entries: below this the small packs are fine
FULL_REPACK_GROWTH = 1.1  # the packed objects' growth that schedules the next full repack

# The header line of each commit in `git log` output: \x01 cannot occur in a commit id.
_LOG_FORMAT = (
    f"%x01%H%x00%P%x00%ct%x00%s%x00%(trailers:key={layout.TRAILER},valueonly,separator=%x2C)"
)
_RAW_LINE = re.compile(rb"^:0{6} 100644 (0+) ([0-9a-f]+) A\t(.*)$")
_HEX_ID = re.compile(r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")
_LOST_RACE = ("but expected", "reference already exists", "File exists")


class Tip(Enum):
    """``append``'s default expectation: whatever the tip is when the entry goes in."""

    ANY = "any"


class HeadMoved(Exception):
    """``append(expect=...)`` found the branch elsewhere: another writer appended first, so the
    statement must be checked again against what came in (it was not appended).

    Control flow between the store and the append that retries (``ledger.replication``), never
    shown to anyone: not an :class:`~approval.errors.ApprovalError`, so it has no exit code,
    and a caller that forgot to catch it fails loudly in the tests instead of exiting 2."""

    def __init__(self, expected: str | None, found: str | None):
        self.expected = expected
        self.found = found
        super().__init__(f"the ledger branch moved from {expected} to {found}")


@dataclass(frozen=True)
class StoredEntry:
    """One ledger entry as read back: the commit that added it and the exact file bytes."""

    commit: str
    path: str
    raw: bytes
    envelope: Envelope
    commit_time: datetime
    blob: str = ""  # the entry file's object id


@dataclass(frozen=True)
class _Commit:
    """A header line of `git log` and the raw diff lines that follow it."""

    oid: str
    parents: tuple[str, ...]
    time: int
    subject: str
    trailer: str
    raw: tuple[bytes, ...]


class Ledger:
    """One ledger directory. Holds two long-lived git processes: :meth:`close` them, or use
    the ledger as a context manager. Not thread-safe; separate processes may share a ledger."""

    # Loose objects in the sampled fan-out directory past which an append repacks.
    repack_sample_limit: int = REPACK_SAMPLE_LIMIT
    # Packed objects below which no full repack is scheduled (see FULL_REPACK_FILE).
    full_repack_min_objects: int = FULL_REPACK_MIN_OBJECTS
    # Entry files requested from cat-file at once when reading: 256 x 41 bytes of requests stay
    # well under a pipe's 64 KiB, so neither side can block the other.
    read_chunk: int = 256
    # Whether appends from this machine queue on LOCK_FILE (tests turn it off to race).
    queue_writers: bool = True
    # Attempts at the compare-and-swap before giving up (see MAX_ATTEMPTS).
    max_attempts: int = MAX_ATTEMPTS

    def __init__(self, path: Path, git_dir: Path):
        self.path = path
        self.git_dir = git_dir
        self._git = Git(git_dir)
        self._reader: ObjectReader | None = None
        self._writer: TreeWriter | None = None
        self._open: list[ObjectReader | TreeWriter] = []
        self._finalizer = weakref.finalize(self, _close_all, self._open)
        self._trees: dict[str, list[TreeEntry]] = {}
        self._identities: dict[str, str] = {}  # head -> identity (see identity())
        self._roots: dict[str, str] = {}  # head -> its root commit's statement (genesis())
        self._ancestry: set[tuple[str, str]] = set()  # (ancestor, descendant) pairs found

    # -- creating and opening -------------------------------------------------------------

    @classmethod
    def create(cls, path: Path) -> Ledger:
        """A new, empty ledger at ``path`` (which must not exist, or be an empty directory).

        Built in a hidden sibling directory and renamed into place, so an interrupted create
        leaves no half-configured ledger behind."""
        path = Path(path)
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise UsageError(
                f"cannot create a ledger at {path}: it exists and is not empty",
                hint="choose a new directory for the ledger",
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            building = path.parent / f".{path.name}.creating-{secrets.token_hex(4)}"
            building.mkdir()
        except OSError as e:
            raise UsageError(f"cannot create a ledger at {path}: {e.strerror}") from e
        try:
            git = Git(building)
            git.run(["init", "--quiet", "--bare", "--template=", "--initial-branch=ledger"])
            for key, value in CONFIG:
                git.run(["config", key, value])
            building.rename(path)  # onto a missing or empty directory: atomic
        except BaseException as e:
            _remove_tree(building)
            if isinstance(e, OSError):
                raise UsageError(f"cannot create a ledger at {path}: {e.strerror}") from e
            raise
        _fsync_dir(path.parent)
        ledger = cls(path, path)
        from approval.ledger.verified import forget

        forget(ledger)  # a new ledger here: what this user pinned for the directory before is gone
        return ledger

    @classmethod
    def open(cls, path: Path | None = None) -> Ledger:
        """The ledger at ``path``, else at ``$APPROVAL_LEDGER``: a bare ledger or a clone."""
        if path is None:
            named = os.environ.get(LEDGER_ENV, "")
            if not named:
                raise UsageError(f"no ledger given (--ledger DIR or ${LEDGER_ENV})", hint=OPEN_HINT)
            path = Path(named)
        path = Path(path)
        if not path.exists():
            raise UsageError(f"no ledger at {path}", hint=OPEN_HINT)
        for git_dir in (path, path / ".git"):
            if _is_ledger_dir(git_dir):
                return cls(path, git_dir)
        raise UsageError(f"{path} is not a ledger", hint=OPEN_HINT)

    def close(self) -> None:
        """Stop the long-lived git processes (they restart on next use)."""
        _close_all(self._open)
        self._reader = self._writer = None

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Ledger({str(self.path)!r})"

    @property
    def cache_dir(self) -> Path:
        """Local, rebuildable caches: in the user's private cache directory, never in the
        ledger directory, which others may be able to write (see usercache.py); one directory
        per ledger identity (:meth:`identity`), never per path alone."""
        directory = ledger_cache_dir(self.git_dir, self.identity())
        with contextlib.suppress(OSError):
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        return directory

    @property
    def clone_dir(self) -> Path:
        """The user's private directory for this clone (see usercache.py)."""
        return clone_dir(self.git_dir)

    def identity(self, head: str | None = None) -> str:
        """The ledger's identity: the id of its first statement (the genesis adoption), read
        from the history up to ``head`` (default: the current tip); ``"empty"`` for a ledger
        with no entry yet. A head that descends from one this clone verified has that one's
        identity (one ``merge-base``); else the root commit is read (``rev-list``, rare)."""
        tip = head if head is not None else self.head()
        if tip is None:
            return "empty"
        if tip in self._identities:
            return self._identities[tip]
        from approval.ledger.verified import VerifiedHeads

        found = None
        for genesis, verified in VerifiedHeads(self.clone_dir).items():
            if verified == tip or self.is_ancestor(verified, tip):
                found = genesis
                break
        if found is None:
            found = self.genesis(tip)
        self._identities[tip] = found
        return found

    def genesis(self, tip: str, *, listed: str | None = None) -> str:
        """The statement id named by the root commit of ``tip``'s history: a walk of the whole
        history by git (0.4 s at 100k), kept per tip. ``listed``: the output of
        ``git`` :func:`roots_of` ``tip``, run by a caller that overlaps it with other work
        (``checkpoints.read_ahead`` on a fresh clone); :meth:`identity` then finds it done."""
        if tip not in self._roots:
            out = listed if listed is not None else self._git.output(roots_of(tip))
            self._roots[tip] = _root_statement(tip, out)
        return self._roots[tip]

    # -- reading --------------------------------------------------------------------------

    def head(self) -> str | None:
        """The commit id at the tip of the ledger branch; None for an empty ledger."""
        commit = self._head_commit()
        return commit.oid if commit else None

    def resolve(self, name: str) -> str | None:
        """The commit a ref (or any revision) names, or None: read through the long-lived
        ``cat-file``, no process spawned."""
        found = self._get(name)
        return found.oid if found is not None and found.type == "commit" else None

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        """Whether commit ``ancestor`` is ``descendant`` or in its history. False when either
        is not a commit of this ledger."""
        for oid in (ancestor, descendant):
            if not _HEX_ID.match(oid):
                return False
            found = self._get(oid)
            if found is None or found.type != "commit":
                return False
        if ancestor == descendant or (ancestor, descendant) in self._ancestry:
            return True
        done = self._git.run(["merge-base", "--is-ancestor", ancestor, descendant], check=False)
        if done.returncode == 0:
            # Commits are immutable: once in a commit's history, always in it. (A "no" is not
            # kept: the objects may still be arriving.)
            if len(self._ancestry) > 64:
                self._ancestry.clear()
            self._ancestry.add((ancestor, descendant))
        if done.returncode in (0, 1):
            return done.returncode == 0
        raise GitError(["merge-base"], done.returncode, done.stderr.decode("utf-8", "replace"))

    def entries(
        self, head: str | None = None, *, since: str | None = None, use_cache: bool = True
    ) -> Iterator[StoredEntry]:
        """Every entry, oldest first, up to ``head`` (default: the current tip); with
        ``since`` (an ancestor of ``head``: check with :meth:`is_ancestor`), only those after it.

        One `git log` names each commit's parents, time, message and the one file it added; one
        `git cat-file --batch` reads those files. Raises :class:`IntegrityError`, naming the
        commit, at the first entry that is not one schema-valid statement added by a commit
        with the previous entry as its only parent, in a file named after it. With
        ``use_cache``, files already found valid (by blob id) skip the schema (see cache.py)."""
        tip = head if head is not None else self.head()
        if tip is None:
            return
        for oid in (tip, since or tip):
            if not _HEX_ID.match(oid):
                raise UsageError(f"not a commit id: {oid!r}")
        valid = ValidEntries(self.cache_dir) if use_cache else None
        log = self._git.popen(
            [
                "log",
                "--reverse",
                "--root",
                "--raw",
                "--no-abbrev",
                "--no-renames",
                "--no-relative",
                "--no-color",
                "--no-show-signature",
                f"--format={_LOG_FORMAT}",
                f"{since}..{tip}" if since else tip,
                "--",
            ]
        )
        # The first entry after ``since`` must sit on it, as each entry on the one before.
        previous: str | None = since
        try:
            chunk: list[_Commit] = []
            for commit in _parse_log(log.lines()):
                chunk.append(commit)
                if len(chunk) == self.read_chunk:
                    yield from self._read_chunk(chunk, previous, valid)
                    previous, chunk = chunk[-1].oid, []
            yield from self._read_chunk(chunk, previous, valid)
            log.finish()
        finally:
            log.close()
            if valid is not None:
                valid.save()

    def _read_chunk(
        self, chunk: list[_Commit], previous: str | None, valid: ValidEntries | None
    ) -> list[StoredEntry]:
        if not chunk:
            return []
        files = []
        for commit in chunk:
            expected = (previous,) if previous else ()
            if commit.parents != expected:
                problem = "a merge" if len(commit.parents) > 1 else "not on the previous entry"
                raise _corrupt(commit.oid, f"history is not linear ({problem})")
            files.append(_added_file(commit))
            previous = commit.oid
        # All requests first, then all answers: one pipe round trip per chunk, not per entry.
        self._objects.request([blob for _, blob in files])
        asked = list(zip(chunk, files, strict=True))
        blobs = [self._entry_file(commit, path) for commit, (path, _) in asked]
        if None in blobs:  # perhaps a concurrent repack: ask a fresh cat-file (see _get)
            blobs = [
                found or self._entry_file(commit, path, blob)
                for found, (commit, (path, blob)) in zip(blobs, asked, strict=True)
            ]
        return [
            _entry(commit, path, blob, found, valid)
            for commit, (path, blob), found in zip(chunk, files, blobs, strict=True)
        ]

    def _entry_file(self, commit: _Commit, path: str, blob: str = "") -> GitObject | None:
        """The long-lived reader's next answer, or with ``blob`` that object (:meth:`_get`),
        never read past the cap of the kind ``path`` names (limits.py)."""
        kind = kind_in_path(path)
        limit = max_entry_bytes(kind)
        try:
            return self._get(blob, limit) if blob else self._objects.response(limit)
        except TooLarge as e:  # the reader closed itself: the next read opens another
            self._drop_reader()
            raise _corrupt(commit.oid, f"{path}: {oversize(kind, e.size)}") from e

    # -- appending ------------------------------------------------------------------------

    def append(self, envelope: Envelope, *, expect: str | Tip | None = Tip.ANY) -> str:
        """Add one statement as one commit; return the commit id.

        Refuses an invalid statement, and one already in the ledger (same path: same created
        time, kind and id). With ``expect`` (a commit id, or None for an empty ledger), the
        entry goes in only on that tip, else :class:`HeadMoved`: a caller that checked the
        statement against the state at ``expect`` must check it again against what came in.
        Without it, when another writer moved the branch first, the same entry is rebuilt on
        the new tip and tried again: the statement keeps the ``seen_head`` its signer saw, only
        the commit's parent changes (storage tests and tools that check nothing use this)."""
        path = _path_to_write(envelope)
        data = envelope.to_json()
        _check_size(envelope, data)
        with self._writing():
            blob = self._git.output(["hash-object", "-w", "--stdin"], input=data)
            with self._writers_queue():
                return self._publish(envelope, path, blob, expect)

    def commit_entry(self, envelope: Envelope, parent: str | None, *, blob: str = "") -> str:
        """A commit adding ``envelope``'s entry on ``parent``, moving no ref: sync rebuilds
        local entries on the remote's tip with it, and checks them before any ref moves.
        ``blob``: the entry file's id when it is already stored (an entry read back)."""
        path = _path_to_write(envelope)
        with self._writing():
            if not blob:
                data = envelope.to_json()
                _check_size(envelope, data)
                blob = self._git.output(["hash-object", "-w", "--stdin"], input=data)
            found = self._get(parent) if parent else None
            if parent and (found is None or found.type != "commit"):
                raise IntegrityError(f"ledger commit {parent[:12]} is missing or not a commit")
            return self._make_commit(envelope, path, blob, found)

    def set_head(self, commit: str, *, expect: str | None) -> bool:
        """Compare-and-swap the branch from ``expect`` (None: no branch yet) to ``commit``,
        durably; False when the branch is elsewhere (or another writer holds its lock)."""
        with self._writing(), self._writers_queue():
            if not self._move_branch(commit, expect):
                return False
            _fsync_dir(self.git_dir / "refs" / "heads")
            return True

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Writes to the ledger's directory: a failure to write (permission, a read-only file
        system, a full disk, a file size limit) is named as such, exit 2, never as a damaged
        ledger (exit 3): an auditor reads exit 3 as tampering."""
        try:
            yield
        except (GitError, OSError) as e:
            cause = _write_failure(e)
            if cause is None:
                raise
            raise LedgerNotWritable(
                f"the ledger at {self.path} is not writable: {cause}",
                hint="nothing was recorded; check the directory's owner and permissions and the "
                "free space on its disk, then try again",
            ) from e

    def _publish(self, envelope: Envelope, path: str, blob: str, expect: str | Tip | None) -> str:
        for attempt in range(self.max_attempts):
            parent = self._head_commit()
            tip = parent.oid if parent else None
            if expect is not Tip.ANY and tip != expect:
                raise HeadMoved(expect, tip)
            commit = self._make_commit(envelope, path, blob, parent)
            if self._move_branch(commit, tip):
                # git (core.fsync=committed) fsyncs every object file and the ref's lock file,
                # but not the directories it renames them into. One fsync of the ref's
                # directory makes the move itself durable; on a journalling file system
                # (ext4, xfs, btrfs) it also commits every earlier rename, the objects', in
                # order. A fsync per object directory, as strict POSIX would have it, cost
                # ~2 ms each here (up to 8 per append) under load, for no gain on those.
                _fsync_dir(self.git_dir / "refs" / "heads")
                self._maybe_repack()
                return commit
            time.sleep(random.uniform(0, min(MAX_BACKOFF, 0.001 * 2**attempt)))  # noqa: S311
        lock = self.git_dir / "refs" / "heads" / "ledger.lock"
        if lock.exists():
            raise UsageError(
                f"could not append statement {short_id(envelope.id)}: the ledger branch stayed "
                f"locked ({self.max_attempts} attempts)",
                hint=f"if no other approval or git command is running, remove {lock}",
            )
        raise UsageError(
            f"could not append statement {short_id(envelope.id)}: "
            f"the ledger kept changing ({self.max_attempts} attempts)",
            hint="try again",
        )

    @contextlib.contextmanager
    def _writers_queue(self) -> Iterator[None]:
        """Take this machine's writers' turn (see LOCK_FILE), or go ahead without it: on a
        read-only ledger, or after LOCK_WAIT behind a writer that hung (the swap decides)."""
        if not self.queue_writers:
            yield
            return
        with turn(self.git_dir / LOCK_FILE, wait=LOCK_WAIT):
            yield

    def repack(self) -> None:
        """Pack loose objects, merging packs geometrically (each pack at least twice the next
        smaller), so that both the number of packs and the work per repack stay logarithmic.
        Unreachable objects (from lost races or crashes) are kept: pruning them safely is
        `git gc`'s job, with its grace period for concurrent writers."""
        self._git.run(["repack", "-d", "-q", "--geometric=2", "--no-write-bitmap-index"])

    def _maybe_repack(self) -> None:
        sample = self.git_dir / "objects" / REPACK_SAMPLE_DIR
        loose = sum(1 for _ in sample.iterdir()) if sample.is_dir() else 0
        if loose <= self.repack_sample_limit:
            return
        with turn(self.git_dir / REPACK_LOCK_FILE, wait=0) as ours:
            if not ours:
                return  # another process is repacking right now (or the ledger is read-only)
            # The entry is already in; should a writer elsewhere (another machine on a file
            # share) repack at the same time, loose objects are merely slower: the next append
            # tries again.
            with contextlib.suppress(GitError):
                self.repack()
        self._maybe_full_repack()

    def _maybe_full_repack(self) -> None:
        """Recompute every delta, in a detached git, when the packed objects have grown by
        ``FULL_REPACK_GROWTH`` since the last time (see ``FULL_REPACK_FILE``). The repack lock
        is held by that git until it exits, so no scheduled repack runs beside it; a failed run
        is tried again at the next scheduled repack, since the count is written only when it is
        started."""
        with contextlib.suppress(GitError, OSError, ValueError):
            counts = dict(
                line.split(": ", 1)
                for line in self._git.output(["count-objects", "-v"]).splitlines()
                if ": " in line
            )
            packed = int(counts.get("in-pack", "0"))
            marker = self.git_dir / FULL_REPACK_FILE
            last = int(marker.read_text() or "0") if marker.exists() else 0
            if packed < max(self.full_repack_min_objects, FULL_REPACK_GROWTH * last):
                return
            fd = os.open(self.git_dir / REPACK_LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o664)
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    return  # a repack runs now; the next scheduled one looks again
                marker.write_text(f"{packed}\n")
                self._git.detach(
                    ["repack", "-a", "-d", "-f", "-q", "--no-write-bitmap-index"], keep_fd=fd
                )
            finally:
                os.close(fd)  # the lock stays held by the detached git's copy

    def _make_commit(
        self, envelope: Envelope, path: str, blob: str, parent: GitObject | None
    ) -> str:
        """The commit adding ``path`` to ``parent``'s tree."""
        *directories, name = path.split("/")
        # The trees from the root down to the entry's day, as they are in the parent.
        levels: list[list[TreeEntry]] = []
        oid = _tree_of(parent) if parent else None
        for depth in range(len(directories) + 1):
            entries = self._tree(oid) if oid else []
            levels.append(entries)
            if depth < len(directories):
                found = layout.find(entries, directories[depth].encode())
                if found and not found.is_tree:
                    raise _corrupt(parent.oid if parent else "", f"{found.name!r} is not a tree")
                oid = found.oid if found else None
        if layout.find(levels[-1], name.encode()):
            raise UsageError(f"statement {short_id(envelope.id)} is already in the ledger")
        tree = ""
        child = TreeEntry(layout.FILE_MODE, blob, name.encode())
        for depth in reversed(range(len(levels))):
            entries = layout.with_entry(levels[depth], child)
            tree = self._tree_writer.write([entry.mktree_record() for entry in entries])
            self._remember_tree(tree, entries)
            if depth:
                child = TreeEntry(layout.TREE_MODE, tree, directories[depth - 1].encode())
        created = int(envelope.created.timestamp())
        identity = {
            "GIT_AUTHOR_NAME": layout.IDENTITY_NAME,
            "GIT_AUTHOR_EMAIL": layout.IDENTITY_EMAIL,
            # Author date = when the statement was made; committer date = when it landed.
            "GIT_AUTHOR_DATE": f"@{created} +0000",
            "GIT_COMMITTER_NAME": layout.IDENTITY_NAME,
            "GIT_COMMITTER_EMAIL": layout.IDENTITY_EMAIL,
        }
        return self._git.output(
            [
                "commit-tree",
                "--no-gpg-sign",
                *(["-p", parent.oid] if parent else []),
                "-F",
                "-",
                tree,
            ],
            input=layout.commit_message(envelope, path).encode(),
            env=identity,
        )

    def _move_branch(self, new: str, old: str | None) -> bool:
        """Compare-and-swap the branch from ``old`` (None: must not exist yet) to ``new``.
        False when another writer got there first (or holds the ref's lock right now)."""
        done = self._git.run(["update-ref", layout.BRANCH, new, old or "0" * len(new)], check=False)
        if done.returncode == 0:
            return True
        stderr = done.stderr.decode("utf-8", "replace")
        if any(sign in stderr for sign in _LOST_RACE):
            return False
        raise GitError(["update-ref"], done.returncode, stderr)

    # -- objects --------------------------------------------------------------------------

    @property
    def _objects(self) -> ObjectReader:
        if self._reader is None:
            self._reader = ObjectReader(self._git)
            self._open.append(self._reader)
        return self._reader

    @property
    def _tree_writer(self) -> TreeWriter:
        if self._writer is None:
            self._writer = TreeWriter(self._git)
            self._open.append(self._writer)
        return self._writer

    def _get(self, name: str, limit: int | None = None) -> GitObject | None:
        """An object by id or ref name, asking a fresh ``cat-file`` before calling it missing;
        ``TooLarge`` for one over ``limit`` (the caller then drops the reader, ``_drop_reader``).

        A long-lived ``cat-file`` can miss an object that exists: another writer's geometric
        repack may, between its lookups, move the object from a loose file or a pack it knew
        into a pack it has not yet seen, and delete the old copy. A new process sees the
        repository as it is now. A truly missing object is missing twice."""
        found = self._objects.get(name, limit)
        if found is None:
            self._drop_reader()
            found = self._objects.get(name, limit)
        return found

    def _drop_reader(self) -> None:
        """Close the long-lived ``cat-file`` (again, when it closed itself): the next read
        opens another."""
        if self._reader is not None:
            self._reader.close()
            self._open.remove(self._reader)
            self._reader = None

    def _head_commit(self) -> GitObject | None:
        found = self._objects.get(layout.BRANCH)
        if found is None:
            # No commit: an empty ledger, or a branch whose commit is gone. The second must
            # never read as "empty" (an audit of nothing passes).
            named = self._git.run(["rev-parse", "-q", "--verify", layout.BRANCH], check=False)
            if named.returncode == 0 and named.stdout.strip():
                oid = named.stdout.decode("ascii", "replace").strip()
                found = self._get(oid)
                if found is None:
                    raise IntegrityError(
                        f"{layout.BRANCH} points at commit {oid[:12]}, which is not in the ledger"
                    )
            elif self._branch_written():
                raise IntegrityError(f"{layout.BRANCH} is damaged: it names no commit")
        if found is not None and found.type != "commit":
            raise IntegrityError(f"{layout.BRANCH} points at a {found.type}, not a commit")
        return found

    def _branch_written(self) -> bool:
        """Whether the branch exists as a file or in packed-refs, resolvable or not: a ref
        that holds garbage must not read as "no branch yet", an empty ledger."""
        if (self.git_dir / layout.BRANCH).exists():
            return True
        try:
            packed = (self.git_dir / "packed-refs").read_bytes()
        except FileNotFoundError:
            return False
        except OSError as e:
            raise IntegrityError(f"cannot read the ledger's packed-refs: {e.strerror}") from e
        return any(line.split(b" ")[-1] == layout.BRANCH.encode() for line in packed.splitlines())

    def _tree(self, oid: str) -> list[TreeEntry]:
        """A tree's entries. Trees are immutable, so a cache by id is never stale."""
        if oid not in self._trees:
            found = self._get(oid)
            if found is None or found.type != "tree":
                raise IntegrityError(f"ledger tree {oid[:12]} is missing or not a tree")
            try:
                self._remember_tree(oid, layout.parse_tree(found.data, len(oid) // 2))
            except ValueError as e:
                raise IntegrityError(f"ledger tree {oid[:12]} is corrupt: {e}") from e
        return self._trees[oid]

    def _remember_tree(self, oid: str, entries: list[TreeEntry]) -> None:
        if len(self._trees) > 256:
            self._trees.clear()  # only the trees on the last few entries' paths are reused
        self._trees[oid] = entries


# -- helpers ------------------------------------------------------------------------------


def roots_of(tip: str) -> list[str]:
    """The git arguments listing the root commits of ``tip``'s history with their subjects."""
    return ["rev-list", "--max-parents=0", "--format=%s", tip, "--"]


def _root_statement(tip: str, out: str) -> str:
    subjects = [line for line in out.splitlines() if not line.startswith("commit ")]
    statement = (subjects[0] if len(subjects) == 1 else "").partition(" ")[2]
    if not re.fullmatch(r"[0-9a-f]{64}", statement):
        raise _corrupt(tip, "its first commit does not name a statement")
    return statement


def _check_size(envelope: Envelope, data: bytes) -> None:
    """Refuse an entry file over its kind's cap (limits.py): no reader would admit it."""
    problem = oversize(envelope.kind, len(data))
    if problem is not None:
        raise UsageError(
            f"refusing to append this {envelope.kind}: {problem}", hint="shorten its texts or lists"
        )


def _path_to_write(envelope: Envelope) -> str:
    """Validate a statement before it is written; its entry path."""
    try:
        validate_envelope(envelope.to_dict())
        parse_statement_time(envelope.statement["created"])  # the schema checks only a pattern
    except (IntegrityError, ValueError) as e:
        reason = e.message if isinstance(e, IntegrityError) else str(e)
        raise UsageError(f"refusing to append an invalid statement: {reason}") from e
    return layout.entry_path(envelope)


# What git or the OS says when a write fails for want of permission or space (git's own words,
# "unable to create temporary file", "insufficient permission", "cannot lock ref", follow).
_NOT_WRITABLE = (
    ("Permission denied", "permission denied"),
    ("insufficient permission", "permission denied"),
    ("Operation not permitted", "permission denied"),
    ("Read-only file system", "a read-only file system"),
    ("No space left on device", "the disk is full"),
    ("Disk quota exceeded", "the disk quota is exceeded"),
    ("File too large", "a file size limit was reached (a full disk?)"),
)


def _write_failure(error: GitError | OSError) -> str | None:
    """Why a write failed, in words, when it was for want of permission or space; None when it
    was something else (which stays what it was)."""
    import errno
    import signal

    if isinstance(error, OSError):
        causes = {
            errno.EACCES: "permission denied",
            errno.EPERM: "permission denied",
            errno.EROFS: "a read-only file system",
            errno.ENOSPC: "the disk is full",
            errno.EDQUOT: "the disk quota is exceeded",
            errno.EFBIG: "a file size limit was reached (a full disk?)",
        }
        return causes.get(error.errno or 0)
    if error.returncode == -signal.SIGXFSZ:  # killed for writing past RLIMIT_FSIZE
        return "a file size limit was reached (a full disk?)"
    for sign, cause in _NOT_WRITABLE:
        if sign in error.stderr:
            return cause
    return None


def _tree_of(commit: GitObject) -> str:
    first = commit.data.split(b"\n", 1)[0]
    if not first.startswith(b"tree "):
        raise _corrupt(commit.oid, "commit has no tree")
    return first[5:].decode()


def _parse_log(lines: Iterable[bytes]) -> Iterator[_Commit]:
    """`git log --raw` output in our format -> one :class:`_Commit` per commit."""
    header: list[bytes] | None = None
    raw: list[bytes] = []
    for line in lines:
        line = line.rstrip(b"\n")
        if line.startswith(b"\x01"):
            if header is not None:
                yield _commit_from(header, raw)
            header, raw = line[1:].split(b"\x00"), []
        elif line.startswith(b":"):
            raw.append(line)
        elif line and header is not None:
            raise _corrupt(header[0].decode(), "unexpected git log output")
    if header is not None:
        yield _commit_from(header, raw)


def _commit_from(header: list[bytes], raw: list[bytes]) -> _Commit:
    if len(header) != 5:
        raise IntegrityError("cannot read the ledger's history (unexpected git log output)")
    oid, parents, when, subject, trailer = (part.decode("utf-8", "replace") for part in header)
    return _Commit(oid, tuple(parents.split()), int(when), subject, trailer, tuple(raw))


def _added_file(commit: _Commit) -> tuple[str, str]:
    """The (path, blob id) of the one file ``commit`` adds; anything else is corruption."""
    if len(commit.raw) != 1:
        raise _corrupt(commit.oid, f"changes {len(commit.raw)} files, not exactly one new entry")
    match = _RAW_LINE.match(commit.raw[0])
    if not match or len(match[1]) != len(match[2]):
        raise _corrupt(commit.oid, "does not add exactly one new entry file")
    path = match[3].decode("utf-8", "replace")
    if not layout.ENTRY_PATH.match(path):
        raise _corrupt(commit.oid, f"adds {path!r}, which is not an entry path")
    if commit.trailer != path:
        raise _corrupt(commit.oid, f"its {layout.TRAILER} trailer does not name {path}")
    return path, match[2].decode()


def _entry(
    commit: _Commit, path: str, blob: str, found: GitObject | None, valid: ValidEntries | None
) -> StoredEntry:
    if found is None or found.type != "blob":
        raise _corrupt(commit.oid, f"{path} is missing from the repository")
    try:
        envelope, statement = _parse_entry(found.data, blob, valid)
    except IntegrityError as e:
        raise _corrupt(commit.oid, f"{path}: {e.message}") from e
    expected = layout.path_for(envelope.statement["created"], envelope.kind, statement)
    if path != expected:
        raise _corrupt(commit.oid, f"{path} holds statement {short_id(statement)}, at {expected}")
    if commit.subject != f"{envelope.kind} {statement}":
        raise _corrupt(commit.oid, f"its message does not name the statement in {path}")
    when = datetime.fromtimestamp(commit.time, UTC)
    return StoredEntry(commit.oid, path, found.data, envelope, when, blob)


def _parse_entry(raw: bytes, blob: str, valid: ValidEntries | None) -> tuple[Envelope, str]:
    """The envelope in an entry file and its statement id; IntegrityError when it is not a
    canonical, schema-valid entry. A file the cache knows skips the schema and the canonical
    re-encoding (see cache.py): those two cost ~1.3 ms of the ~1.4 ms an entry takes."""
    try:
        doc = json.loads(raw)
    except ValueError as e:  # also undecodable UTF-8
        raise IntegrityError(f"not JSON ({e})") from e
    if valid is not None and blob in valid:
        try:
            signatures = tuple(Signature.from_dict(s) for s in doc["signatures"])
            return Envelope(doc["statement"], signatures), _statement_id_in(raw)
        except (KeyError, TypeError, ValueError) as e:  # a forged cache line: no entry at all
            raise IntegrityError("not a ledger entry") from e
    envelope = Envelope.from_dict(doc)
    # The envelope's canonical form, built around the statement's own canonical bytes so that
    # the statement (a 9 MB checkpoint's state, say) is encoded once, not twice: RFC 8785 puts
    # "signatures" before "statement" and writes the object without whitespace.
    signed = signed_bytes(envelope.statement)
    signed_by = canonical_json([s.to_dict() for s in envelope.signatures])
    if raw != b'{"signatures":' + signed_by + b',"statement":' + signed + b"}\n":
        raise IntegrityError("not in canonical form (RFC 8785 and one newline)")
    statement = hashlib.sha256(signed).hexdigest()
    if _statement_id_in(raw) != statement:  # cannot happen for a canonical entry; keeps it so
        raise IntegrityError("statement bytes are not where canonical form puts them")
    if valid is not None:
        valid.add(blob)
    return envelope, statement


_STATEMENT_KEY = b',"statement":'


def _statement_id_in(raw: bytes) -> str:
    """The statement id of a canonical entry file, without re-encoding it.

    RFC 8785 sorts keys and nests canonically, so a canonical envelope is
    ``{"signatures":[...],"statement":<the statement's canonical JSON>}`` and one newline: the
    signed bytes are a slice of the file (a signature holds no quote, so the first
    ``,"statement":`` is the envelope's own key). Hashing the slice costs ~2 us against ~100 us
    for ``rfc8785.dumps``, which would otherwise be most of the cost of reading an entry."""
    at = raw.find(_STATEMENT_KEY)
    if at < 0 or not raw.endswith(b"}\n"):
        raise ValueError("not a canonical envelope")
    return hashlib.sha256(raw[at + len(_STATEMENT_KEY) : -2]).hexdigest()


def _corrupt(commit: str, problem: str) -> IntegrityError:
    return IntegrityError(
        f"ledger commit {commit[:12]}: {problem}",
        hint="the ledger's history was changed outside approval; compare it with another clone",
    )


def _is_ledger_dir(git_dir: Path) -> bool:
    """A git directory whose HEAD names the ledger branch (ours, or a clone of ours)."""
    try:
        head = (git_dir / "HEAD").read_text("utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return False
    return head == f"ref: {layout.BRANCH}" and (git_dir / "objects").is_dir()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_tree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def _close_all(processes: list[ObjectReader | TreeWriter]) -> None:
    while processes:
        processes.pop().close()
