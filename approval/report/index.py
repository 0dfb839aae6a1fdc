"""The audit index: what a full verified replay learnt, in SQLite, for ``--as-of`` and
``--artifact`` to answer in milliseconds instead of replaying 100k statements.

It lives in the ledger's local cache directory (``Ledger.cache_dir``, never committed or
cloned) as ``audit-index-<digest>.sqlite``, described by ``audit-index.json``: the format, the
head commit the replay stopped at, the digest of the rules that replay applied (an upgrade
that changes a rule must not answer from what the old rules admitted; one that leaves them
alone keeps the index), and the sha256 of the database file. It is used only when that head
is the ledger's head now, the rules are the ones running, and the file's digest matches;
anything else (missing, stale, partly written, changed) is rebuilt by a full verified
replay, never trusted. The digest proves the file is the one written, not who wrote it:
whoever can write the ledger directory can write this cache too, so an answer an auditor will
rely on should come from ``approval audit`` itself, which always replays.

No pickles: rows of plain columns and JSON events. Times are stored as
``YYYY-MM-DDTHH:MM:SSZ``, which sort as they compare.

Before a new index replaces an old one, every statement the old one held must still be in the
ledger: history reset under a clone (a force-push) that left no later statement to show it is
caught here, on the machine that had seen it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import secrets
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from approval.errors import UsageError
from approval.report.event import Event
from approval.statements import format_time, short_id
from approval.trust.failure import AuditFailure, Rule

if TYPE_CHECKING:
    # Only building the index needs them; answering from it must not load the policy code.
    from approval.trust.state import Adoption, LedgerState, Request, Revocation, SignOff

# 4: ``adoption`` holds the policy epoch (roster-only adoptions keep requests); 5: texts the
# audit warns of are withheld (an index made before may hold them: made again)
FORMAT = 5
META = "audit-index.json"
PREFIX = "audit-index-"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_SCHEMA = """
CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE statements (
    entry INTEGER PRIMARY KEY, commit_id TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL,
    at TEXT NOT NULL, signer TEXT NOT NULL, sha256 TEXT, sha256_b TEXT, name TEXT,
    request TEXT, target TEXT, decision TEXT, role TEXT, adoption TEXT, expires TEXT,
    destination TEXT, text TEXT NOT NULL, event TEXT NOT NULL
);
"""
# Made after the rows are in: one sort each instead of a B-tree insert a row per index. Partial
# where the queries look for some rows only: only revocations have a target, and ``by_request``
# is asked for exports only (``_OPEN_REQUESTS``): ~40% less sorting. An index file made before
# with whole indexes answers the same queries.
_INDEXES = """
CREATE INDEX by_sha ON statements (sha256);
CREATE INDEX by_sha_b ON statements (sha256_b) WHERE sha256_b IS NOT NULL;
CREATE INDEX by_kind_at ON statements (kind, at);
CREATE INDEX by_target ON statements (target, at) WHERE target IS NOT NULL;
CREATE INDEX by_request ON statements (request, at) WHERE kind = 'export';
"""
_INSERT = (
    "INSERT INTO statements (entry, commit_id, id, kind, at, signer, sha256, sha256_b, name, "
    "request, target, decision, role, adoption, expires, destination, text, event) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
# The queries of ``Index.as_of``; every ``?`` is the moment, but for the adoption in force. The
# subqueries name their index: left to itself, SQLite (no statistics) scans by kind and time,
# which made them quadratic (6 s at 10k statements).
# In force: the latest adoption in ledger order made at or before the moment, as
# ``LedgerState.adoption_at`` has it.
_IN_FORCE = (
    "SELECT entry, commit_id, id, kind, at, text, event FROM statements "
    "WHERE kind = 'adoption' AND at <= ? ORDER BY entry DESC LIMIT 1"
)
# Open: made under the adoption in force, neither withdrawn nor exported yet.
_OPEN_REQUESTS = (
    "SELECT entry, id, kind, at, signer, text, sha256, name, request, role, destination, "
    "expires FROM statements s WHERE kind = 'request' AND at <= ? AND adoption = ? "
    "AND NOT EXISTS (SELECT 1 FROM statements r INDEXED BY by_target WHERE r.target = s.id "
    "AND r.kind = 'revocation' AND r.at <= ?) "
    "AND NOT EXISTS (SELECT 1 FROM statements e INDEXED BY by_request WHERE e.request = s.id "
    "AND e.kind = 'export' AND e.at <= ?) ORDER BY entry"
)
# Valid: an approval of a request under the adoption in force, not expired, and neither it
# nor its request withdrawn.
_VALID_APPROVALS = (
    "SELECT entry, id, kind, at, signer, text, sha256, name, request, role, destination, "
    "expires FROM statements s WHERE kind = 'signoff' AND decision = 'approve' AND at <= ? "
    "AND expires > ? AND adoption = ? "
    "AND NOT EXISTS (SELECT 1 FROM statements r INDEXED BY by_target WHERE r.target = s.id "
    "AND r.kind = 'revocation' AND r.at <= ?) "
    "AND NOT EXISTS (SELECT 1 FROM statements r INDEXED BY by_target WHERE r.target = s.request "
    "AND r.kind = 'revocation' AND r.at <= ?) ORDER BY entry"
)
# Standing: a refusal not withdrawn (refusals block whatever adoption, and never expire).
_REFUSALS = (
    "SELECT entry, id, kind, at, signer, text, sha256, name, request, role, destination, "
    "expires FROM statements s WHERE kind = 'signoff' AND decision = 'reject' AND at <= ? "
    "AND NOT EXISTS (SELECT 1 FROM statements r INDEXED BY by_target WHERE r.target = s.id "
    "AND r.kind = 'revocation' AND r.at <= ?) ORDER BY entry"
)
_EXPORTS = (
    "SELECT entry, id, kind, at, signer, text, sha256, name, request, role, destination, "
    "expires FROM statements WHERE kind = 'export' AND at <= ? ORDER BY entry"
)


class IndexRow(NamedTuple):
    """One statement as the index holds it (the columns, in order). A named tuple, not a
    frozen dataclass: as immutable, what SQLite takes as it is, and a third of the cost to make
    (an audit makes one a statement)."""

    entry: int
    commit: str
    id: str
    kind: str
    at: str
    signer: str
    sha256: str | None
    sha256_b: str | None
    name: str | None
    request: str | None
    target: str | None
    decision: str | None
    role: str | None
    adoption: str | None
    expires: str | None
    destination: str | None
    text: str
    event: str


def rows_for(
    events: Iterable[Event], state: LedgerState, withheld: tuple[str, ...] = ()
) -> Iterator[IndexRow]:
    """The index rows of a verified replay's events (``state`` is the state at its end), made
    as the database takes them: each row is written while it is fresh in the CPU's caches and
    its memory serves the next, instead of 100k rows held at once (tens of MB, made, then read
    again from memory to be written). ``withheld``: texts the audit warns of
    (``approval.report.personal``), kept out of the columns too (the events are withheld)."""
    if withheld:
        from approval.report.personal import withhold

        for row in rows_for(events, state):
            yield row._replace(
                name=row.name and withhold(row.name, withheld),
                destination=row.destination and withhold(row.destination, withheld),
            )
        return
    from approval.trust.state import (
        Adoption,
        Blocked,
        Export,
        Redaction,
        Request,
        Revocation,
        SignOff,
    )

    get = state.get
    # The rosters that name a compromised key (``_expires``): usually none, then no approval
    # needs a look at every adoption.
    compromising = tuple(a for a in state.adoptions if a.roster.compromised)
    compact = _compact
    for event in events:
        record = get(event.id)
        head = (event.position, event.commit, event.id, event.kind, event.when, ",".join(event.who))
        tail = (event.text, compact(event))
        # The most frequent kinds first; the columns a kind has not are NULL.
        if isinstance(record, SignOff):
            yield IndexRow._make(head + _signoff_fields(record, state, compromising) + tail)
        elif isinstance(record, Request):
            yield IndexRow(*head, record.sha256, None, record.artifact.name, None, None, None,
                           None, _epoch(record.adoption, state), None, record.destination,
                           *tail)  # fmt: skip
        elif isinstance(record, Export):
            artifact = record.artifact
            yield IndexRow(*head, artifact.sha256, None, artifact.name, record.request, None,
                           None, None, None, None, record.destination, *tail)  # fmt: skip
        elif isinstance(record, Revocation):
            yield IndexRow._make(head + _revocation_fields(record, state) + tail)
        elif isinstance(record, Adoption):
            yield IndexRow(*head, *(None,) * 7, record.policy_epoch, None, None, *tail)
        elif isinstance(record, Redaction):
            yield IndexRow(*head, record.source.sha256, record.derivative.sha256,
                           record.source.name, *(None,) * 7, *tail)  # fmt: skip
        elif isinstance(record, Blocked):
            artifact = record.artifact
            yield IndexRow(*head, artifact.sha256, None, artifact.name, *(None,) * 6,
                           record.site, *tail)  # fmt: skip
        elif event.kind.startswith("incident-"):  # an incident on these bytes
            yield IndexRow(*head, event.artifacts[0], *(None,) * 9, *tail)
        else:
            yield IndexRow(*head, *(None,) * 10, *tail)


# The event's own fields that are columns too; the JSON keeps the rest (~40% of the index).
_CORE = ("entry", "commit", "id", "kind", "at", "text")
# The keys ``_compact`` writes before an event's details, or drops from them.
_PLACED = frozenset((*_CORE, "who", "artifacts"))


def _encoder() -> Callable[[Any], str]:
    """Compact JSON (UTF-8 as it is) by one C encoder made once: ``json.JSONEncoder.encode``
    makes a new one each call, most of the cost of a small document. The standard encoder
    where the C one is missing."""
    from json import encoder

    standard = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    c_make_encoder = getattr(encoder, "c_make_encoder", None)  # not in typeshed
    if c_make_encoder is None:  # pragma: no cover - CPython has it
        return standard

    def refuse(value: Any) -> Any:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    # No check for cycles (``markers``): an event's details are a tree of plain values.
    chunks = c_make_encoder(
        None, refuse, encoder.encode_basestring, None, ":", ",", False, False, True
    )
    return lambda value: "".join(chunks(value, 0))


_COMPACT = _encoder()


def _compact(event: Event) -> str:
    """``event.to_dict()`` less the ``_CORE`` keys, made without them (and without formatting
    the time): a detail named as a column is dropped, as deleting them from it would."""
    details = event.details
    if details.keys().isdisjoint(_PLACED):
        return _COMPACT({"who": event.who, "artifacts": event.artifacts, **details})
    document = {"who": list(event.who), "artifacts": list(event.artifacts), **details}
    for key in _CORE:
        document.pop(key, None)
    return _COMPACT(document)


def _event(row: tuple[Any, ...]) -> Event:
    """An event from ``entry, commit_id, id, kind, at, text, event`` columns."""
    document = json.loads(row[-1])
    document.update(zip(_CORE, row[:-1], strict=True))
    return Event.from_dict(document)


def _signoff_fields(
    record: SignOff, state: LedgerState, compromising: Sequence[Adoption]
) -> tuple[Any, ...]:
    """The columns ``sha256`` to ``destination`` of a sign-off's row."""
    from approval.trust.state import Request

    request = state.get(record.request)
    assert isinstance(request, Request)  # the state checked it
    expires = format_time(_expires(record, request, state, compromising))
    return (record.artifact_sha256, None, request.artifact.name, record.request, None,
            record.decision, record.role, _epoch(request.adoption, state), expires,
            None)  # fmt: skip


def _epoch(adoption_id: str, state: LedgerState) -> str:
    """The adoption that adopted the policy of ``adoption_id``: a roster-only adoption keeps
    the requests and approvals made before it (``Adoption.policy_epoch``)."""
    from approval.trust.state import Adoption

    adoption = state.get(adoption_id)
    return adoption.policy_epoch if isinstance(adoption, Adoption) else adoption_id


def _expires(
    signoff: SignOff, request: Request, state: LedgerState, compromising: Sequence[Adoption]
) -> datetime:
    """When an approval stops counting, as ``decide`` has it (``counts_until``: the index
    stores the decision's answer, never its own reading of the rules). ``compromising``: the
    adoptions whose rosters name a compromised key, in ledger order."""
    from approval.trust.decision import counts_until

    if not signoff.approves:
        return signoff.at
    expires = counts_until(state, signoff)
    # Made with a key a roster names compromised since before it: it stops counting when that
    # roster takes force (compromises are never taken back: ``approval.trust.state``).
    for later in compromising:
        since = later.roster.compromised_since(signoff.key) if signoff.key else None
        if since is not None and signoff.at >= since:
            return max(signoff.at, min(expires, later.at))
    return expires


def _revocation_fields(record: Revocation, state: LedgerState) -> tuple[Any, ...]:
    """The columns ``sha256`` to ``destination`` of a revocation's row."""
    from approval.trust.state import Request, SignOff

    target = state.get(record.target)
    if isinstance(target, SignOff):
        request = state.get(target.request)
        name = request.artifact.name if isinstance(request, Request) else None
        sha256, request_id = target.artifact_sha256, target.request
    elif isinstance(target, Request):
        sha256, name, request_id = target.sha256, target.artifact.name, target.id
    else:
        return (None, None, None, None, record.target, *(None,) * 5)
    return (sha256, None, name, request_id, record.target, *(None,) * 5)


# -- answers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """A statement in an answer: the sentence, and the columns a table shows."""

    entry: int
    id: str
    kind: str
    at: str
    signer: str
    text: str
    sha256: str | None = None
    name: str | None = None
    request: str | None = None
    role: str | None = None
    destination: str | None = None
    expires: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class AsOf:
    """The ledger's state at one moment: what was in force, open, valid and done by then."""

    moment: datetime
    head: str
    statements: int  # statements made by then
    adoption: Event | None  # the policy and roster in force
    open_requests: tuple[Line, ...]
    approvals: tuple[Line, ...]  # approvals that still counted
    refusals: tuple[Line, ...]  # refusals not withdrawn
    exports: tuple[Line, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": format_time(self.moment),
            "head": self.head,
            "statements": self.statements,
            "in_force": self.adoption.to_dict() if self.adoption else None,
            "open_requests": [r.to_dict() for r in self.open_requests],
            "valid_approvals": [a.to_dict() for a in self.approvals],
            "standing_refusals": [r.to_dict() for r in self.refusals],
            "exports": [e.to_dict() for e in self.exports],
        }


@dataclass(frozen=True)
class ArtifactHistory:
    """Everything the ledger says about one file, in ledger order."""

    sha256: str
    name: str | None  # the file's name when a path was given
    head: str
    moment: datetime | None  # up to this moment, when asked
    events: tuple[Event, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "file": self.name,
            "head": self.head,
            "as_of": format_time(self.moment) if self.moment else None,
            "names": sorted(self.names),
            "events": [e.to_dict() for e in self.events],
        }

    @property
    def names(self) -> set[str]:
        """The names the file went by in requests and exports."""
        found: set[str] = set()
        for event in self.events:
            for key in ("artifact", "source", "derivative"):
                part = event.details.get(key)
                if (
                    isinstance(part, dict)
                    and part.get("sha256") == self.sha256
                    and part.get("name")
                ):
                    found.add(part["name"])
        return found


# -- the index file ---------------------------------------------------------------------------


def at_once(work: Callable[[], None]) -> None:
    """Run ``work`` now: how ``Index.refresh`` finishes an index unless told to do it
    beside the caller's own work."""
    work()


class Index:
    """An open, intact index for one head."""

    def __init__(self, connection: sqlite3.Connection, head: str):
        self._db = connection
        self.head = head

    @classmethod
    def open(cls, directory: Path, head: str, rules: str) -> Index | None:
        """The index for ``head`` built under ``rules`` (their digest), if one is there and
        intact; else None (rebuild it)."""
        meta = _read_meta(directory)
        if meta is None or meta.get("head") != head or meta.get("rules") != rules:
            return None
        path = _intact(directory, meta)
        if path is None:
            return None
        try:
            uri = f"file:{path}?mode=ro&immutable=1"
            connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
            stored = connection.execute("SELECT v FROM meta WHERE k = 'head'").fetchone()
        except sqlite3.Error:
            return None
        if stored is None or stored[0] != head:
            connection.close()
            return None
        return cls(connection, head)

    @classmethod
    def in_memory(cls, head: str, rows: Iterable[IndexRow]) -> Index:
        """An index that is never saved (a ledger whose cache cannot be written)."""
        connection = sqlite3.connect(":memory:")
        _fill(connection, head, rows)
        return cls(connection, head)

    @staticmethod
    def refresh(
        directory: Path,
        head: str,
        ids: Iterable[str],
        rows: Callable[[], Iterable[IndexRow]],
        set_aside: Callable[[], set[str]] = set,
        finish: Callable[[Callable[[], None]], None] = at_once,
        *,
        rules: str,
    ) -> AuditFailure | None:
        """Save the index of an intact replay up to ``head`` under ``rules`` (their digest;
        its statements ``ids``, their rows made by ``rows``), unless the index already there
        held a statement that is gone: then that failure, decided before anything is written,
        and the old index stays as evidence. Statements ``set_aside`` names (kept by the
        ledger outside its branch, on purpose) are not gone. A cache that cannot be written is
        skipped (the answer comes from memory).

        The rows are written here; ``finish`` is handed the rest (sorting the indexes, the
        digest, putting the file in place: SQLite and hashlib, which leave the GIL while they
        work) to run at once, or in a thread beside the caller's own work (``approval audit``
        writes its report meanwhile), the caller then waiting for it before it ends."""
        meta = _read_meta(directory)
        old = _intact(directory, meta) if meta is not None else None
        if meta is not None and old is not None:
            if meta.get("head") == head and meta.get("rules") == rules:
                return None  # already there
            failure = _gone(old, meta, set(ids), set_aside)
            if failure is not None:
                return failure
        with contextlib.suppress(OSError, sqlite3.Error):
            finish(_save(directory, head, rules, rows()))
        return None

    def close(self) -> None:
        self._db.close()

    def _lines(self, query: str, *args: Any) -> tuple[Line, ...]:
        return tuple(Line(*row) for row in self._db.execute(query, args))

    def as_of(self, moment: datetime) -> AsOf:
        t = format_time(moment)
        count = self._db.execute("SELECT count(*) FROM statements WHERE at <= ?", (t,)).fetchone()
        found = self._db.execute(_IN_FORCE, (t,)).fetchone()
        adoption = _event(found) if found else None
        in_force = ""
        if adoption is not None:
            epoch = self._db.execute(
                "SELECT adoption FROM statements WHERE id = ?", (adoption.id,)
            ).fetchone()
            in_force = epoch[0] if epoch else adoption.id
        return AsOf(
            moment,
            self.head,
            count[0],
            adoption,
            self._lines(_OPEN_REQUESTS, t, in_force, t, t),
            self._lines(_VALID_APPROVALS, t, t, in_force, t, t),
            self._lines(_REFUSALS, t, t),
            self._lines(_EXPORTS, t),
        )

    def artifact(self, sha256: str, name: str | None, moment: datetime | None) -> ArtifactHistory:
        sql = (
            "SELECT entry, commit_id, id, kind, at, text, event FROM statements "
            "WHERE (sha256 = ? OR sha256_b = ?)"
        )
        args: list[Any] = [sha256, sha256]
        if moment is not None:
            sql += " AND at <= ?"
            args.append(format_time(moment))
        rows = self._db.execute(sql + " ORDER BY entry", args)
        events = tuple(_event(row) for row in rows)
        return ArtifactHistory(sha256, name, self.head, moment, events)


def _read_meta(directory: Path) -> dict[str, Any] | None:
    try:
        meta = json.loads((directory / META).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        return None
    return meta


def _intact(directory: Path, meta: dict[str, Any]) -> Path | None:
    """The database file ``meta`` names, if its bytes are the ones described."""
    name = meta.get("file")
    if not isinstance(name, str) or "/" in name or not name.startswith(PREFIX):
        return None
    path = directory / name
    digest = hashlib.sha256()
    try:
        with path.open("rb") as file:
            while chunk := file.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return path if digest.hexdigest() == meta.get("sha256") else None


def _gone(
    path: Path, meta: dict[str, Any], present: set[str], set_aside: Callable[[], set[str]]
) -> AuditFailure | None:
    """A failure naming the first statement the old index held that is no longer present."""
    aside: set[str] | None = None
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        try:
            for entry, commit, statement, kind, at, signer in connection.execute(
                "SELECT entry, commit_id, id, kind, at, signer FROM statements ORDER BY entry"
            ):
                if statement in present:
                    continue
                aside = set_aside() if aside is None else aside
                if statement not in aside:
                    word = "sign-off" if kind == "signoff" else kind
                    return AuditFailure(
                        Rule.KEPT,
                        f"{word} {short_id(statement)} by {signer}, made {at}, was entry "
                        f"{entry} (commit {commit[:12]}) when this ledger was last audited here "
                        f"(head {str(meta.get('head'))[:12]}), and is no longer in it: the "
                        "history was reset or rewritten (a force-push?)",
                        statement=statement,
                        kind=word,
                        hint=(
                            "compare with another clone; the index of the earlier history is "
                            f"kept in {path.parent} as evidence (remove {META} there to accept "
                            "the new history)"
                        ),
                    )
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    return None


def _fill(connection: sqlite3.Connection, head: str, rows: Iterable[IndexRow]) -> None:
    connection.executescript(_SCHEMA)
    connection.execute("INSERT INTO meta VALUES ('head', ?)", (head,))
    connection.executemany(_INSERT, rows)  # each row a tuple, the columns in order
    connection.executescript(_INDEXES)  # commits the rows too
    connection.commit()


def _save(directory: Path, head: str, rules: str, rows: Iterable[IndexRow]) -> Callable[[], None]:
    """Write the rows to a database beside the index's final name; what finishes it (below)."""
    directory.mkdir(parents=True, exist_ok=True)
    building = directory / f".{PREFIX}{secrets.token_hex(6)}.tmp"
    try:
        # Handed to the thread that finishes it, if any: used by one thread at a time.
        connection = sqlite3.connect(building, check_same_thread=False)
        try:
            # Rows of ~1 KB: large pages, all held in memory until the one commit (the file is
            # read back whole for its digest anyway); ~15% less CPU than SQLite's defaults.
            connection.execute("PRAGMA page_size = 65536")
            connection.execute("PRAGMA cache_size = -262144")  # KiB: up to 256 MiB
            connection.execute("PRAGMA temp_store = MEMORY")  # sorting for the indexes
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")  # a cache: rebuilt if torn
            connection.executescript(_SCHEMA)
            connection.execute("INSERT INTO meta VALUES ('head', ?)", (head,))
            # In this thread: SQLite leaves the GIL for every row it stores, and a thread
            # doing this beside Python work would wait for it again after each one.
            count = connection.executemany(_INSERT, rows).rowcount
        except BaseException:
            connection.close()
            raise
    except BaseException:
        building.unlink(missing_ok=True)
        raise

    def finish() -> None:
        """Sort the indexes, name the database by its digest, then write the meta file: a
        reader sees the old index or the new one, and checks the digest either way. A file
        that cannot be finished is left out, never half there."""
        placed: Path | None = None  # the database, once the meta file names it
        try:
            with contextlib.suppress(OSError, sqlite3.Error):
                try:
                    connection.executescript(_INDEXES)  # commits the rows too
                    connection.commit()
                finally:
                    connection.close()
                digest = hashlib.sha256(building.read_bytes()).hexdigest()
                final = directory / f"{PREFIX}{digest[:16]}.sqlite"
                building.replace(final)
                meta = {"format": FORMAT, "head": head, "rules": rules, "file": final.name,
                        "sha256": digest, "statements": count}  # fmt: skip
                staged = directory / f".{META}.{secrets.token_hex(6)}.tmp"
                staged.write_text(json.dumps(meta, indent=2) + "\n", "utf-8")
                staged.replace(directory / META)
                placed = final
        finally:
            building.unlink(missing_ok=True)
        if placed is not None:
            for old in directory.glob(f"{PREFIX}*.sqlite"):
                if old != placed:
                    with contextlib.suppress(OSError):
                        old.unlink(missing_ok=True)

    return finish


# -- reading what the user typed ------------------------------------------------------------


def parse_moment(text: str) -> datetime:
    """``--as-of``: an ISO date (the end of that day, UTC) or date-time (UTC unless it says)."""
    from approval.policy.model import parse_time

    value = text.strip()
    try:
        moment = parse_time(value, end_of_day=True)
    except ValueError as e:
        raise UsageError(
            f"not a date or time: {text!r}",
            hint="give an ISO date (2026-11-21, its end) or date-time (2026-11-21T06:14:44Z)",
        ) from e
    if len(value) == 10:
        moment -= timedelta(seconds=1)  # the last second of the day, not the next day's first
    return moment.astimezone(UTC).replace(microsecond=0)


def resolve_artifact(subject: str) -> tuple[str, str | None]:
    """(sha256, file name) for ``--artifact``: a file is hashed now; else a sha256."""
    path = Path(subject)
    if path.is_file():
        digest = hashlib.sha256()
        try:
            with path.open("rb") as file:
                while chunk := file.read(1 << 20):
                    digest.update(chunk)
        except OSError as e:
            raise UsageError(f"cannot read {subject}: {e.strerror}") from e
        return digest.hexdigest(), path.name
    text = subject.strip().lower()
    if _HEX64.match(text):
        return text, None
    raise UsageError(
        f"{subject}: no such file, and not a sha256",
        hint="give the file itself or its 64-character sha256",
    )
