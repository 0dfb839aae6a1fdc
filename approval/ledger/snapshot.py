"""The verified ledger state, saved between commands, so that no command replays the whole ledger.

Replaying verifies every signature and rule: about 0.5 ms an entry, a minute at 100k entries, on
every command. After a verified replay the state is saved, keyed by the head commit it was built
at; the next command takes it and verifies and applies only the entries after that commit, and
only while that commit is an ancestor of the head: a rewritten history is never trusted from the
cache, it is replayed from the first entry (and fails there). A cache that is missing, corrupt,
made by other code or not on the current history is rebuilt. The audit never uses it.

The state is saved in slices, one per artifact (sha256): the records about it (its requests,
their sign-offs, the revocations of those, its exports and redactions), in ledger order, next to
every adoption. The gate decides for one file from the adoptions and that file's slice
(``View.state_for``), which costs the same at 100 entries and at 100k. A new entry is checked
against the adoptions and the slice it is about, with the whole ledger's latest time: every rule
of ``LedgerState.check`` looks only at those (the duplicate of a statement is in the same slice),
so it passes or fails exactly as it would against the whole state.

Officials name a statement by its id or a prefix of it (``approval show 3f9c2a7d``). An index
(``owners``) gives the slice that holds each statement but the adoptions, which every state
holds: a state with the slices of every statement whose id starts with the prefix holds every
statement the whole state would match, so ``LedgerState.resolve`` gives there the same answer,
or the same error (ambiguous, of another kind, not in the ledger), as on the whole state
(``View.resolve``).

Where: a SQLite database per ledger in the user's own cache directory
(``$XDG_CACHE_HOME/approval/ledgers/<clone>/ledger-<identity>/``, mode 0700: keyed by the ledger
as well as the path, see usercache.py), not in the ledger's git directory. The
slices are pickles, and unpickling runs code chosen by whoever wrote the file, while a forged
slice would approve anything: a shared ledger directory may be writable by others, the user's
cache directory is not (a directory that is not the user's own, or that others can write, is not
used). The same database caches ``approval check``'s scans. No usable cache directory: every
command replays, as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import pickle
import signal
import sqlite3
import time
from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from approval.ledger import Ledger, verified
from approval.ledger.sealed import TAG_BYTES, seal, tag, unseal
from approval.ledger.usercache import cache_root, private_dir
from approval.statements import now
from approval.trust.incidents import RECORDS as INCIDENT_RECORDS
from approval.trust.state import (
    MIN_PREFIX,
    Adoption,
    Blocked,
    Export,
    LedgerState,
    Record,
    Redaction,
    Request,
    Revocation,
    SignOff,
)
from approval.trust.witness import Checkpoint

if TYPE_CHECKING:
    from approval.ledger.checkpoints import ReadAhead
    from approval.ledger.verifying import LedgerHistory

FORMAT = 1
DATABASE = "state.sqlite"
# Entries below which a replayed state is not saved. Even a few entries are worth saving: the
# first adoption alone costs ~0.3 s to replay (validating its policy and roster documents).
MIN_ENTRIES = 1
# How long a writer waits for another one before giving up saving (it is only a cache).
BUSY_MS = 2000
# The code that decides what a replayed state holds: a cache made by other code is rebuilt.
_CODE = (
    "statements/*.py",
    "policy/*.py",
    "signing/*.py",
    "schemas/*.json",
    "trust/*.py",
    "ledger/session.py",
    "ledger/snapshot.py",
    "ledger/verifying.py",
    "ledger/history.py",
    "ledger/parallel.py",
    "ledger/checkpoints.py",  # a fresh clone's saved state may start from a checkpoint
)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v BLOB);
CREATE TABLE IF NOT EXISTS slices (sha TEXT PRIMARY KEY, records BLOB NOT NULL);
-- statement id -> the slice that holds it (every statement but the adoptions)
CREATE TABLE IF NOT EXISTS owners (id TEXT PRIMARY KEY, sha TEXT NOT NULL);
-- rejection id -> the slice that holds it: the files refused before (trust/refusals.py)
CREATE TABLE IF NOT EXISTS refusals (id TEXT PRIMARY KEY, sha TEXT NOT NULL);
-- approval check's scans: by scope (policy, adoption, scanner code), then "<sha256>:<suffix>"
CREATE TABLE IF NOT EXISTS scan_cache (
    scope TEXT NOT NULL, key TEXT NOT NULL, report TEXT NOT NULL, PRIMARY KEY (scope, key)
) WITHOUT ROWID;
"""

# The slice of the checkpoints (approval.trust.witness): not a sha256, so no file's.
CHECKPOINTS = "checkpoints"
# One saved record: its position in the ledger (to merge slices back in order) and the record.
Numbered = tuple[int, Record]


@cache
def code_digest() -> str:
    """A digest of the code and schemas that decide (``_CODE``): the rules' digest, not the
    package version, so an upgrade that leaves the rules alone keeps every saved state (a
    fresh replay of a 100k ledger is minutes), and one that changes a rule never reads a
    state the old rules built."""
    return rules_digest(Path(__file__).resolve().parent.parent)


def rules_digest(root: Path) -> str:
    """The digest of the files ``_CODE`` names under the package directory ``root``."""
    digest = hashlib.sha256(f"{FORMAT}\n".encode())
    for pattern in _CODE:
        for path in sorted(root.glob(pattern)):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def database_path(ledger: Ledger) -> Path | None:
    """Where this ledger's cache lives for this user; None when it cannot be kept safely."""
    root = cache_root()
    if root is None:
        return None
    directory = ledger.cache_dir
    if not directory.is_relative_to(root) or not private_dir(directory):
        return None
    return directory / DATABASE


def connect(ledger: Ledger) -> sqlite3.Connection | None:
    """This ledger's cache database, created if missing; None when it cannot be used."""
    path = database_path(ledger)
    if path is None:
        return None
    for _ in range(2):
        try:
            db = sqlite3.connect(path, timeout=BUSY_MS / 1000, isolation_level=None)
        except sqlite3.Error:
            return None
        try:
            if path.stat().st_uid != os.getuid():
                db.close()
                return None
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            return db
        except sqlite3.OperationalError:
            db.close()  # locked by another process for too long: no cache this time
            return None
        except sqlite3.DatabaseError:
            # Corrupt: a cache, so start again once.
            db.close()
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    path.with_name(path.name + suffix).unlink()
        except OSError:
            db.close()
            return None
    return None


def _sha_of(record: Record, owners: dict[str, str], lookup: Any) -> tuple[str, ...]:
    """The artifacts a record is about (none for an adoption); the first holds it."""
    if isinstance(record, Request):
        return (record.sha256,)
    if isinstance(record, SignOff):
        return (record.artifact_sha256,)
    if isinstance(record, Export | Blocked):
        return (record.artifact.sha256,)
    if isinstance(record, Redaction):
        return tuple(dict.fromkeys((record.source.sha256, record.derivative.sha256)))
    if isinstance(record, Revocation):
        sha = owners.get(record.target) or lookup(record.target)
        return (sha,) if sha else ()
    if isinstance(record, INCIDENT_RECORDS):  # an incident's statement: in its bytes' slice
        return (record.sha256,)
    if isinstance(record, Checkpoint):  # about no file: all in one slice of their own
        return (CHECKPOINTS,)
    return ()


@dataclass
class View:
    """The verified ledger at ``head``: its adoptions, its latest time, and the state about any
    artifacts, restored from the saved slices (or cut from a whole state just replayed)."""

    head: str | None
    numbered: tuple[Numbered, ...]  # the adoptions, with their places in the ledger
    latest: datetime | None
    db: sqlite3.Connection | None
    # The whole state when it was just replayed (or restored); slices are cut from it.
    whole: LedgerState | None = None
    ledger: Ledger | None = None  # to replay from, should a saved slice not load
    replayed: int = 0  # entries verified by this view (0: all came from the cache)
    from_cache: bool = False
    _slices: dict[str, list[Numbered]] = field(default_factory=dict)
    # Statement id -> its slice, for the entries caught up in memory (the database may have been
    # too busy to take them).
    _owners: dict[str, str] = field(default_factory=dict)

    @property
    def adoptions(self) -> tuple[Adoption, ...]:
        return tuple(a for _, a in self.numbered if isinstance(a, Adoption))

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def __enter__(self) -> View:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def state_for(self, artifacts: Iterable[str]) -> LedgerState:
        """A state with every adoption and the records about ``artifacts``: it decides for
        them, and checks a new statement about them, as the whole state would."""
        if self.whole is not None:
            return self._cut(self.whole, set(artifacts))
        records: dict[int, Record] = dict(self.numbered)
        try:
            for sha in dict.fromkeys(artifacts):
                records.update(self._slice(sha))
        except _Damaged:
            return self._cut(self._replay(), set(artifacts))
        return LedgerState.restore([records[n] for n in sorted(records)], self.latest)

    def resolve(
        self, ref: str, kinds: tuple[type, ...] | None = None
    ) -> tuple[Record, LedgerState]:
        """The statement ``ref`` names (a full id or a unique prefix, of one of ``kinds``), and
        the state about the artifacts it is about: ``LedgerState.resolve``'s answer and errors
        on the whole state (see the module doc), without restoring it."""
        if self.whole is not None:
            record = self.whole.resolve(ref, kinds)
        else:
            # Every statement the prefix matches is in these slices, or is an adoption.
            record = self.state_for(self._owners_of(ref)).resolve(ref, kinds)
        return record, self.state_for(_sha_of(record, self._owners, self._owner))

    def request(self, ref: str) -> tuple[Request, LedgerState]:
        """The request ``ref`` names (full id or unique prefix) and the state about its file."""
        record, state = self.resolve(ref, (Request,))
        assert isinstance(record, Request)  # resolve() returns only the kinds asked for
        return record, state

    def _owners_of(self, ref: str) -> list[str]:
        """The slices holding the statements whose ids start with ``ref``."""
        text = ref.strip().lower()
        if len(text) < MIN_PREFIX:
            return []  # not an id: resolve() says so; it would match much of the ledger
        found = [sha for ident, sha in self._owners.items() if ident.startswith(text)]
        if self.db is not None:
            # Ids are lowercase hex, and every hex digit sorts before "g".
            rows = self.db.execute(
                "SELECT DISTINCT sha FROM owners WHERE id >= ? AND id < ?", (text, text + "g")
            )
            found += [str(sha) for (sha,) in rows]
        return list(dict.fromkeys(found))

    def _owner(self, ident: str) -> str | None:
        """The slice holding the statement ``ident`` (None: an adoption, or not in the ledger)."""
        if ident in self._owners:
            return self._owners[ident]
        if self.db is None:
            return None
        found = self.db.execute("SELECT sha FROM owners WHERE id=?", (ident,)).fetchone()
        return str(found[0]) if found else None

    def state(self) -> LedgerState:
        """The whole state."""
        if self.whole is None:
            assert self.db is not None  # a view without a whole state reads its database
            records: dict[int, Record] = dict(self.numbered)
            # The slices caught up in memory are newer than the database when it was busy.
            try:
                for sha, blob in self.db.execute("SELECT sha, records FROM slices"):
                    if sha not in self._slices:
                        records.update(_loads(blob, sha))
            except _Damaged:
                return self._replay()
            for numbered in self._slices.values():
                records.update(numbered)
            ordered = [records[n] for n in sorted(records)]
            self.whole = LedgerState.restore(ordered, self.latest)
        return self.whole

    def _replay(self) -> LedgerState:
        """The whole state replayed (a saved slice did not load), saved again."""
        from approval.ledger.verifying import replay_verified

        assert self.ledger is not None and self.head is not None  # set on views from a cache
        self.whole = replay_verified(self.ledger, head=self.head)
        if self.db is not None:
            _save_whole(self.db, self.head, self.whole)
        return self.whole

    def refused_artifacts(self) -> tuple[str, ...]:
        """The files (sha256) any request of which was ever rejected: with ``state_for``, the
        state ``trust.refusals.refused_before`` looks in, without restoring the whole."""
        if self.whole is not None:
            return tuple(dict.fromkeys(_rejected(self.whole.records())))
        assert self.db is not None  # a view without a whole state reads its database
        found = [str(sha) for (sha,) in self.db.execute("SELECT DISTINCT sha FROM refusals")]
        # Slices caught up in memory are newer than the database when it was busy.
        for sha, numbered in self._slices.items():
            if any(True for _ in _rejected(r for _, r in numbered)):
                found.append(sha)
        return tuple(dict.fromkeys(found))

    def _slice(self, sha: str) -> list[Numbered]:
        if sha not in self._slices:
            found = None
            if self.db is not None:
                found = self.db.execute("SELECT records FROM slices WHERE sha=?", (sha,)).fetchone()
            self._slices[sha] = _loads(found[0], sha) if found else []
        return self._slices[sha]

    def _cut(self, whole: LedgerState, artifacts: set[str]) -> LedgerState:
        if not artifacts:  # about no file (a session's state): the adoptions, without a pass
            adoptions = [r for r in whole.records() if isinstance(r, Adoption)]
            return LedgerState.restore(adoptions, whole.latest)
        owners: dict[str, str] = {}
        kept: list[Record] = []
        for record in whole.records():
            if isinstance(record, Adoption):
                kept.append(record)
                continue
            about = _sha_of(record, owners, lambda _: None)
            if about:
                owners[record.id] = about[0]
            if artifacts.intersection(about):
                kept.append(record)
        return LedgerState.restore(kept, whole.latest)


def open_view(ledger: Ledger, head: str | None, *, min_entries: int = MIN_ENTRIES) -> View:
    """The verified ledger at ``head``: from the cache and the entries after it, else replayed.

    Raises ``IntegrityError`` (exit 3) exactly where a replay from the first entry would."""
    from approval.ledger.verifying import replay_verified

    read = _read_ahead(ledger, head)
    db = connect(ledger)
    try:
        if head is None:
            return View(None, (), None, db, LedgerState())
        if db is not None:
            _begin_read(db)
        saved = _saved(db, ledger, head) if db is not None else None
        if saved is None:  # a fresh clone: from the newest checkpoint, if any (checkpoints.py)
            started = _from_checkpoint(db, ledger, head, min_entries, read)
            if isinstance(started, View):
                return started
            saved = started
        if saved is not None:
            base, numbered, latest, count = saved
            view = View(base, numbered, latest, db, from_cache=True, ledger=ledger)
            if base != head:
                _catch_up(view, ledger, head, count)
            verified.record(ledger, head)  # verified: this clone never goes back behind it
            return view
        state = replay_verified(ledger, head=head)
        numbered = tuple((n, r) for n, r in enumerate(state.records()) if isinstance(r, Adoption))
        view = View(head, numbered, state.latest, db, state, ledger, len(state))
        if db is not None and len(state) >= min_entries:
            _save_whole(db, head, state)
        verified.record(ledger, head)
        return view
    except BaseException:
        if db is not None:
            db.close()
        raise


def _read_ahead(ledger: Ledger, head: str | None) -> ReadAhead | None:
    """On a clone that has verified nothing yet (a fresh clone: no saved state to start from),
    what a start from a checkpoint reads, read before the cache is opened: opening it needs the
    ledger's identity, a walk of the whole history to its root, which git then makes on the
    other core while this one parses the newest checkpoint's state (issue 17). None on a clone
    that verified a head: it has a saved state, or replays for another reason."""
    if head is None or verified.VerifiedHeads(ledger.clone_dir).items():
        return None
    from approval.ledger.checkpoints import read_ahead

    return read_ahead(ledger, head)


def _from_checkpoint(
    db: sqlite3.Connection | None,
    ledger: Ledger,
    head: str,
    min_entries: int,
    read: ReadAhead | None = None,
) -> View | tuple[str, tuple[Numbered, ...], datetime | None, int] | None:
    """A view caught up in memory from the state a checkpoint vouches for, then saved at
    ``head`` as if this clone had verified it all; None when no checkpoint serves (the caller
    replays every entry). Caught up on the whole state, not saved at the checkpoint's head
    and read back by slices: saving 100k records is the dearest step, paid once this way."""
    from approval.ledger.checkpoints import catch_up, start

    started = start(ledger, head, read=read)
    if started is None:
        return None
    state = catch_up(ledger, head, started).state
    numbered = tuple((n, r) for n, r in enumerate(state.records()) if isinstance(r, Adoption))
    view = View(head, numbered, state.latest, db, state, ledger, len(state) - started.count)
    if view.db is not None and len(state) >= min_entries:
        _save_detached(view, ledger, head, state)
    verified.record(ledger, head)
    return view


# A state started from a checkpoint with this many records or more is saved by a detached
# child: saving 100k records costs ~2 s, as much as the rest of a first check on a fresh clone
# (issue 17: under 5 s), and the command's answer does not depend on it.
DETACH_AT = 20_000
DETACHED_WAIT = 60.0  # seconds the child waits for the command to end before it writes
DETACHED_LIMIT = 300  # seconds it may then take to save, at the lowest priority


def _save_detached(
    view: View,
    ledger: Ledger,
    head: str,
    state: LedgerState,
    *,
    at: int = DETACH_AT,
    wait: float = DETACHED_WAIT,
) -> int | None:
    """Save ``state`` at ``head`` (``view``'s) from a child process that outlives this command
    (as ``git gc --auto`` detaches), and return its pid; None when it was saved here (fewer
    than ``at`` records, no ``fork``, a fork refused). The child is this process's copy: the
    verified state in memory and this user's cache key, nothing read again. It first closes
    every descriptor it inherited (the command's output, which a caller waits on to end; the
    pipes to ``git cat-file``, which would otherwise never see its input end), writes through a
    connection of its own, and leaves by ``os._exit``, running none of this process's handlers.
    SQLite's state must not cross a fork: the view's connection is closed before it and opened
    again after it. Killed or failed, the child leaves the saved state as it was (one
    transaction): the next command starts from the checkpoint again. A cache, so no decision
    waits on it."""
    assert view.db is not None  # only called with a database
    path = database_path(ledger)
    if len(state) < at or path is None or not hasattr(os, "fork"):
        _save_whole(view.db, head, state)
        return None
    view.close()
    parent = os.getpid()
    try:
        child = os.fork()
    except OSError:
        child = None
    if child != 0:
        view.db = connect(ledger)
        if view.db is not None:
            if child is None:
                _save_whole(view.db, head, state)
            _begin_read(view.db)
        return child
    status = 1
    try:
        os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        # Out of the command's way: the lowest priority, and no write (whose lock would hold
        # up the command saving its scans) until the command has ended, or a while has passed.
        os.nice(19)
        # A lock another thread held at the fork would hang it forever: killed instead.
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(int(wait) + DETACHED_LIMIT)
        deadline = time.monotonic() + wait
        while os.getppid() == parent and time.monotonic() < deadline:
            time.sleep(0.02)
        writer = sqlite3.connect(path, timeout=BUSY_MS / 1000, isolation_level=None)
        _save_whole(writer, head, state)
        writer.close()
        status = 0
    finally:
        os._exit(status)


def restore(ledger: Ledger, head: str | None, *, min_entries: int = MIN_ENTRIES) -> LedgerState:
    """The whole verified state at ``head`` (what ``approval.ledger.session.load`` uses)."""
    with open_view(ledger, head, min_entries=min_entries) as view:
        return view.state()


def remember(ledger: Ledger, head: str, state: LedgerState) -> None:
    """Save ``state``, which the caller verified at ``head``: sync rebuilds this clone's own
    entries on another office's (new commits), and the saved state of the old branch, no longer
    an ancestor, would otherwise cost the next command a replay from the first entry."""
    db = connect(ledger)
    if db is None:
        return
    try:
        if len(state) >= MIN_ENTRIES:
            _save_whole(db, head, state)
    finally:
        db.close()


# -- reading and writing the cache ------------------------------------------------------------


class _Damaged(Exception):
    """A saved slice that does not load (a damaged disk, another version's format)."""


def _loads(blob: bytes, sha: str) -> list[Numbered]:
    # Unpickled only when this user's client sealed it (sealed.py): a cache restored from a
    # shared CI cache, or copied, or edited, could otherwise run code or hold a forged sign-off.
    opened = unseal(f"slice {sha}", bytes(blob))
    if opened is None:
        raise _Damaged
    try:
        records: list[Numbered] = pickle.loads(opened)  # noqa: S301 - sealed by this user
    except Exception as e:
        raise _Damaged from e
    if not isinstance(records, list):
        raise _Damaged
    return records


def _dumps(records: list[Numbered], sha: str) -> bytes:
    return seal(f"slice {sha}", pickle.dumps(records, protocol=5))


def _meta(db: sqlite3.Connection) -> dict[str, Any]:
    return dict(db.execute("SELECT k, v FROM meta").fetchall())


def _saved(
    db: sqlite3.Connection, ledger: Ledger, head: str
) -> tuple[str, tuple[Numbered, ...], datetime | None, int] | None:
    """The saved state's head, adoptions, latest time and entry count, when it can be used
    for ``head``: made by this code, at ``head`` or at one of its ancestors."""
    try:
        meta = _meta(db)
        if meta.get("code") != code_digest() or "head" not in meta:
            return None
        base = str(meta["head"])
        if base != head and not ledger.is_ancestor(base, head):
            return None  # a rewritten history: replay it all
        opened = unseal(_adoptions_context(base, meta), bytes(meta["adoptions"]))
        if opened is None:  # not sealed by this user's client (sealed.py): rebuilt
            return None
        numbered, latest = pickle.loads(opened)  # noqa: S301 - sealed by this user
        return base, tuple(numbered), latest, int(meta["count"])
    except Exception:  # a cache made by other code or damaged: rebuilt
        return None


def _save_whole(db: sqlite3.Connection, head: str, state: LedgerState) -> None:
    """Replace the saved state with ``state`` at ``head`` (one transaction; skipped when
    another process holds the database too long)."""
    slices: dict[str, list[Numbered]] = {}
    owners: dict[str, str] = {}
    numbered: list[Numbered] = []
    for number, record in enumerate(state.records()):
        if isinstance(record, Adoption):
            numbered.append((number, record))
        about = _sha_of(record, owners, lambda _: None)
        if about:  # every statement but an adoption: resolve() finds it by its id
            owners[record.id] = about[0]
        for sha in about:
            slices.setdefault(sha, []).append((number, record))
    with _transaction(db) as w:
        if w is None:
            return
        w.execute("DELETE FROM slices")
        w.execute("DELETE FROM owners")
        w.execute("DELETE FROM refusals")
        w.executemany(
            "INSERT INTO slices VALUES (?, ?)", ((s, _dumps(r, s)) for s, r in slices.items())
        )
        w.executemany("INSERT INTO owners VALUES (?, ?)", owners.items())
        w.executemany("INSERT INTO refusals VALUES (?, ?)", _refusal_rows(state.records(), owners))
        _write_meta(w, head, tuple(numbered), state.latest, len(state))


def _rejected(records: Iterable[Record]) -> Iterator[str]:
    """The files the rejections among ``records`` are about."""
    for record in records:
        if isinstance(record, SignOff) and not record.approves:
            yield record.artifact_sha256


def _refusal_rows(records: Iterable[Record], owners: dict[str, str]) -> Iterator[tuple[str, str]]:
    for record in records:
        if isinstance(record, SignOff) and not record.approves:
            yield record.id, owners.get(record.id, record.artifact_sha256)


def _adoptions_context(head: str, meta: dict[str, Any]) -> str:
    """What the sealed adoptions are about: the head, count and code they were saved for, so
    that none of the three can be changed beside them."""
    return f"adoptions {head} {meta.get('count')} {meta.get('code')}"


def _write_meta(
    db: sqlite3.Connection,
    head: str,
    numbered: tuple[Numbered, ...],
    latest: datetime | None,
    count: int,
) -> None:
    rows = {
        "format": FORMAT,
        "code": code_digest(),
        "head": head,
        "adoptions": seal(
            _adoptions_context(head, {"count": count, "code": code_digest()}),
            pickle.dumps((list(numbered), latest), protocol=5),
        ),
        "count": count,
    }
    db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", rows.items())


def _begin_read(db: sqlite3.Connection) -> None:
    """Hold one consistent snapshot of the database for as long as the view reads it.

    The saved head, its adoptions, its slices and owners are only consistent with each other
    as one commit of the database wrote them. Read in separate statements, another command's
    catch-up could slip in between: a view at head B would load a slice already holding the
    entries after B, and apply them a second time ("appears twice in the ledger", exit 3, for
    statements that were never recorded). In WAL mode a read transaction sees one snapshot
    and blocks no writer; writes go through a second connection (:func:`_transaction`)."""
    with contextlib.suppress(sqlite3.Error):
        db.execute("BEGIN")


def _writer_for(db: sqlite3.Connection) -> sqlite3.Connection | None:
    """A second connection to ``db``'s file, for writing while ``db`` holds a read snapshot."""
    try:
        rows = db.execute("PRAGMA database_list").fetchall()
        path = next(str(file) for _, name, file in rows if name == "main")
        return sqlite3.connect(path, timeout=BUSY_MS / 1000, isolation_level=None)
    except (sqlite3.Error, StopIteration):
        return None


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection | None]:
    """A write transaction, on ``db`` or, when ``db`` holds a read snapshot, on a second
    connection to the same file; yields None (and writes nothing) when the database is busy or
    cannot be written: a cache is never worth failing a command for."""
    writer = _writer_for(db) if db.in_transaction else db
    if writer is None:
        yield None
        return
    try:
        try:
            writer.execute("BEGIN IMMEDIATE")
        except sqlite3.Error:
            yield None
            return
        try:
            yield writer
        except sqlite3.Error:
            with contextlib.suppress(sqlite3.Error):
                writer.execute("ROLLBACK")
            return
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                writer.execute("ROLLBACK")
            raise
        with contextlib.suppress(sqlite3.Error):
            writer.execute("COMMIT")
    finally:
        if writer is not db:
            writer.close()


def _catch_up(view: View, ledger: Ledger, head: str, count: int) -> None:
    """Admit the entries after the view's head through the one verifier, each resumed on the
    adoptions and the slice it is about (see the module doc), then save the slices they
    changed."""
    from approval.ledger.verifying import LedgerHistory, commit_of
    from approval.trust.verifier import Verifier

    clock = now()  # a statement dated further ahead is refused, as in a full replay
    assert view.db is not None and view.head is not None  # only a view read from the cache
    db = view.db
    base = view.head
    adoptions = list(view.numbered)
    latest = view.latest
    owners = view._owners
    lookup = view._owner
    changed: set[str] = set()
    # Where the commits and statements before each entry are: the ones caught up here, the
    # slice it is checked on, and git for the history up to the saved head.
    earlier = LedgerHistory(ledger, base, count)
    caught = _CaughtUp(earlier)

    number = count
    tip = base
    for entry in ledger.entries(head, since=base):
        statement = entry.envelope.statement
        about = () if entry.envelope.kind == "adoption" else _about(statement, owners, lookup)
        records: dict[int, Record] = dict(adoptions)
        for sha in about:
            records.update(view._slice(sha))
        ordered = [records[n] for n in sorted(records)]
        caught.slice = {record.id: n + 1 for n, record in records.items()}
        verifier = Verifier.resume(
            LedgerState.restore(ordered, latest), count=number, head=tip, history=caught, now=clock
        )
        record = verifier.admit(commit_of(entry, number + 1)).record
        caught.add(entry.commit, record.id, number + 1)
        if isinstance(record, Adoption):
            adoptions.append((number, record))
        else:
            about = _sha_of(record, owners, lookup)
            for sha in about:
                view._slice(sha).append((number, record))
                changed.add(sha)
            if about:
                owners[record.id] = about[0]
        latest = record.at if latest is None else max(latest, record.at)
        number += 1
        tip = entry.commit
    view.head, view.numbered, view.latest = head, tuple(adoptions), latest
    view.replayed = number - count
    slices = [(sha, _dumps(view._slice(sha), sha)) for sha in changed]
    with _transaction(db) as w:
        if w is None:
            return
        meta = _meta(w)
        if meta.get("head") != base or meta.get("code") != code_digest():
            return  # another process moved the saved state meanwhile: theirs stands
        w.executemany("INSERT OR REPLACE INTO slices VALUES (?, ?)", slices)
        w.executemany("INSERT OR REPLACE INTO owners VALUES (?, ?)", owners.items())
        refused = (r for sha in changed for _, r in view._slice(sha))
        w.executemany(
            "INSERT OR REPLACE INTO refusals VALUES (?, ?)", _refusal_rows(refused, owners)
        )
        _write_meta(w, head, view.numbered, latest, number)


class _CaughtUp:
    """The history a catch-up's verifiers ask: the entries caught up so far, the slice being
    checked on, and, for what is older, the ledger's history up to the saved head."""

    def __init__(self, earlier: LedgerHistory):
        self.earlier = earlier
        self.commits: dict[str, int] = {}
        self.statements: dict[str, int] = {}
        self.slice: dict[str, int] = {}

    def add(self, commit: str, statement: str, position: int) -> None:
        self.commits[commit] = position
        self.statements[statement] = position

    def commit_position(self, commit: str) -> int | None:
        found = self.commits.get(commit)
        return found if found is not None else self.earlier.commit_position(commit)

    def statement_position(self, statement_id: str) -> int | None:
        for known in (self.statements, self.slice):
            if statement_id in known:
                return known[statement_id]
        return self.earlier.statement_position(statement_id)


def _about(statement: dict[str, Any], owners: dict[str, str], lookup: Any) -> tuple[str, ...]:
    """The artifacts a statement (not yet checked) says it is about, to pick its slices.

    A statement that lies about its artifact is checked against a slice that does not hold
    what it refers to, and is refused there as the whole state would refuse it."""
    kind = statement.get("kind")
    try:
        if kind in ("request", "export", "blocked"):
            return (str(statement["artifact"]["sha256"]),)
        if kind == "checkpoint":
            return (CHECKPOINTS,)
        if kind == "signoff" or str(kind).startswith("incident-"):
            return (str(statement["artifact_sha256"]),)
        if kind == "redaction":
            return tuple(
                dict.fromkeys(
                    (str(statement["source"]["sha256"]), str(statement["derivative"]["sha256"]))
                )
            )
        if kind == "revocation":
            target = str(statement["target"])
            sha = owners.get(target) or lookup(target)
            return (sha,) if sha else ()
    except (KeyError, TypeError):
        return ()
    return ()


# -- the scan cache (approval check) ------------------------------------------------------------


def cached_scans(db: sqlite3.Connection | None, scope: str, keys: Set[str]) -> dict[str, str]:
    """Saved scan reports (text) by key, for the ``keys`` wanted under ``scope``.

    One ordered read of the scope's rows: a warm check wants most of them, and this costs a
    fraction of looking 5,000 keys up one by one. The read is bounded, since the scope also
    holds earlier versions of files (and other trees' files); what it did not reach is then
    looked up by key."""
    found: dict[str, str] = {}
    if db is None or not keys:
        return found
    limit = 2 * len(keys) + 1000
    # A cache: what cannot be read is scanned again.
    with contextlib.suppress(sqlite3.Error):
        rows = db.execute(
            "SELECT key, report FROM scan_cache WHERE scope=? LIMIT ?", (scope, limit)
        ).fetchall()
        found = {key: report for key, report in rows if key in keys}
        if len(rows) >= limit:
            missing = [key for key in keys if key not in found]
            for start in range(0, len(missing), 500):
                batch = missing[start : start + 500]
                marks = ",".join("?" * len(batch))
                found.update(
                    db.execute(
                        f"SELECT key, report FROM scan_cache WHERE scope=? AND key IN ({marks})",  # noqa: S608 - only placeholders
                        (scope, *batch),
                    )
                )
    # A report saved by anyone but this user's client (an edited cache, one restored from a
    # shared CI cache) could call a protected file clean: only tagged ones count (sealed.py).
    return {key: report for key, saved in found.items() if (report := _opened(scope, key, saved))}


TAG_HEX = 2 * TAG_BYTES


def _sealed(scope: str, key: str, report: str) -> str:
    return tag(f"scan {scope} {key}", report.encode()).hex() + report


def _opened(scope: str, key: str, saved: str) -> str | None:
    report = saved[TAG_HEX:]
    return report if hmac.compare_digest(_sealed(scope, key, report), saved) else None


def save_scans(db: sqlite3.Connection | None, scope: str, reports: dict[str, str]) -> None:
    """Save scan reports (text) by key under ``scope`` (skipped when the database is busy)."""
    if db is None or not reports:
        return
    with _transaction(db) as w:
        if w is not None:
            w.executemany(
                "INSERT OR REPLACE INTO scan_cache VALUES (?, ?, ?)",
                ((scope, key, _sealed(scope, key, report)) for key, report in reports.items()),
            )
