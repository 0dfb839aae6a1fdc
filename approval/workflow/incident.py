"""``approval incident``: run an incident from the ledger, each action a signed statement.

A privacy officer opens an incident on exposed bytes (known to the ledger, refused at a gate,
or a copy found outside it), scopes it (every export of the same bytes; every other export
holding any of the same persons, through the exposure records only the privacy office can
read), records containment and notification steps as they happen, writes the list of persons
to notify to a 0600 file, and closes it. The statements hold counts, ids and hashes only; the
persons are read with the officer's key, in memory, and leave this process only in the
``notify-list`` file.

Where the persons come from: a copy found outside the ledger is scanned again (``--file``,
the found copy: its hash must be the incident's), with the scanner's identities
(``scan_file(identities=True)``); bytes exported through the gate are read from their
exposure records (``approval.exposure``). Without either, scope and notify-list refuse: an
incident is not scoped on a guess.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from approval.errors import UsageError
from approval.freetext import free_text
from approval.incident.timeline import Incident, incidents, view
from approval.ledger.session import Session, load, read_key, sign_and_append
from approval.statements import format_time, kinds, now, short_id
from approval.trust.incidents import ROLE, STEPS
from approval.trust.state import Blocked, Export, IncidentOpen, LedgerState, identify

if TYPE_CHECKING:
    from approval.detect.report import FileReport
    from approval.policy import Official
    from approval.signing import PrivateKey

_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Recorded:
    """A statement an incident action appended, and the incident as it now stands."""

    id: str
    incident: Incident
    signer: str


@dataclass(frozen=True)
class NotifyList:
    recorded: Recorded
    path: Path
    persons: int


# -- reading ------------------------------------------------------------------------------------


def list_incidents(ledger: Path | None) -> tuple[Incident, ...]:
    """Every incident in the ledger (counts and times only: anyone who reads the ledger may)."""
    with load(ledger) as session:
        return incidents(session.state, now())


def show_incident(ledger: Path | None, ref: str | None) -> Incident:
    with load(ledger) as session:
        every = session.state.incidents()
        closed = all(session.state.incident_closed(o.id) for o in every)
        # With none open, the latest closed one: what was just run is what one looks at.
        opened = every[-1] if ref is None and every and closed else _incident(session.state, ref)
        return view(session.state.incident_records(opened.id), session.state, now())


@dataclass(frozen=True)
class _Acting:
    """A privacy officer at work: their key, the loaded ledger, who they are, and when."""

    session: Session
    key: PrivateKey
    official: Official
    at: datetime

    def unpacked(self) -> tuple[Session, LedgerState, PrivateKey, Official, datetime]:
        return self.session, self.session.state, self.key, self.official, self.at

    def append(self, statement: kinds.Statement, incident: str | None = None) -> Recorded:
        """Sign ``statement`` as this officer, append it, and give the incident (``incident``,
        or the one the statement opens) as it now stands."""
        envelope = sign_and_append(self.session, statement, [(self.key, self.official.id)])
        return _recorded(self.session, envelope.id, incident or envelope.id, self.official.id)


@contextlib.contextmanager
def _acting(ledger: Path | None, key_file: Path, passphrase_env: str | None) -> Iterator[_Acting]:
    """Load the ledger as the privacy officer whose key this is (refused for anyone else)."""
    key = read_key(key_file, passphrase_env)
    with load(ledger) as session:
        at = now()
        yield _Acting(session, key, _officer(session.state, key, at), at)


# -- the actions --------------------------------------------------------------------------------


def open_incident(
    ledger: Path | None,
    key_file: Path,
    passphrase_env: str | None,
    *,
    artifact: str | None = None,
    found_copy: Path | None = None,
    blocked: str | None = None,
    found_at: str | None = None,
    found_time: str | None = None,
) -> Recorded:
    """Open an incident on one of: ``artifact`` (a sha256 the ledger knows, or a file whose hash
    it knows), ``found_copy`` (a file found anywhere: a leaked copy, a page archive) or
    ``blocked`` (a gate's refusal)."""
    if sum(x is not None for x in (artifact, found_copy, blocked)) != 1:
        raise UsageError("give exactly one of --artifact, --file and --blocked")
    with _acting(ledger, key_file, passphrase_env) as acting:
        session, state, _, official, at = acting.unpacked()
        persons: int | None = None
        blocked_id: str | None = None
        if blocked is not None:
            refusal = state.resolve(blocked, (Blocked,))
            assert isinstance(refusal, Blocked)
            sha, size, source, blocked_id = (
                refusal.artifact.sha256,
                refusal.artifact.size,
                "blocked",
                refusal.id,
            )
        elif found_copy is not None:
            report = _scan(found_copy, session)
            sha, size = report.sha256, report.size
            source = "ledger" if state.knows_artifact(sha) else "found"
            persons = report.persons
        else:
            assert artifact is not None
            sha, size = _artifact(state, artifact)
            source = "ledger"
        for earlier in state.incidents():
            if earlier.sha256 == sha and not state.incident_closed(earlier.id):
                raise UsageError(
                    f"incident {short_id(earlier.id)} on these bytes is still open",
                    hint=f"record on it: approval incident step STEP {short_id(earlier.id)}",
                )
        found = _moment(found_time) if found_time else at
        if found > at:
            raise UsageError(f"--found-time {format_time(found)} is in the future")
        place = free_text("--found-at", found_at, state.current.policy) if found_at else None
        statement = kinds.IncidentOpen(
            created=at,
            seen_head=session.head,
            signer=official.id,
            artifact_sha256=sha,
            size=size,
            source=source,
            found_time=format_time(found),
            found_at=place or None,
            blocked=blocked_id,
            persons=persons,
        )
        return acting.append(statement)


def scope_incident(
    ledger: Path | None,
    ref: str | None,
    key_file: Path,
    passphrase_env: str | None,
    *,
    found_copy: Path | None = None,
) -> Recorded:
    """Record what the incident reaches: the exports of its bytes, the other exports holding
    any of its persons, and how many persons (read with the privacy officer's key)."""
    with _acting(ledger, key_file, passphrase_env) as acting:
        session, state, key, official, at = acting.unpacked()
        opened = _open(state, ref)
        same = tuple(e.id for e in state.exports_for(opened.sha256))
        persons = _known_persons(session, opened, key, found_copy)
        related, shared = _related(session, opened.sha256, persons, key, same)
        statement = kinds.IncidentScope(
            created=at,
            seen_head=session.head,
            signer=official.id,
            incident=opened.id,
            artifact_sha256=opened.sha256,
            exports=same,
            related=related,
            persons=len(persons),
            shared=shared,
        )
        return acting.append(statement, opened.id)


def record_step(
    ledger: Path | None,
    ref: str | None,
    key_file: Path,
    passphrase_env: str | None,
    *,
    step: str,
    at: str | None = None,
    text: str | None = None,
    count: int | None = None,
) -> Recorded:
    """Record one containment or notification step, taken at ``at`` (default now)."""
    if step not in STEPS:
        raise UsageError(f"no step {step!r}", hint=f"one of: {', '.join(STEPS)}")
    if step == "other" and not text:
        raise UsageError("a step 'other' needs --text saying what was done")
    if count is not None and count < 0:
        raise UsageError("--count cannot be negative")
    with _acting(ledger, key_file, passphrase_env) as acting:
        session, state, _, official, created = acting.unpacked()
        opened = _open(state, ref)
        taken = _moment(at) if at else created
        if taken > created:
            raise UsageError(
                f"--at {format_time(taken)} is in the future: record a step once taken"
            )
        if taken < opened.found_time:
            raise UsageError(
                f"--at {format_time(taken)} is before the bytes were found "
                f"({format_time(opened.found_time)})"
            )
        note = free_text("--text", text, state.current.policy) if text else None
        statement = kinds.IncidentStep(
            created=created,
            seen_head=session.head,
            signer=official.id,
            incident=opened.id,
            artifact_sha256=opened.sha256,
            step=step,
            taken_at=format_time(taken),
            text=note or None,
            count=count,
        )
        return acting.append(statement, opened.id)


def notify_list(
    ledger: Path | None,
    ref: str | None,
    key_file: Path,
    passphrase_env: str | None,
    out: Path,
    *,
    force: bool = False,
    found_copy: Path | None = None,
    with_related: bool = False,
) -> NotifyList:
    """Write the persons to notify (one identity a line) to ``out``, created 0600, and record
    that the list was made (with its count). ``with_related``: the persons of the related
    exports too, not only those of the incident's bytes."""
    if out.exists() and not force:
        raise UsageError(f"{out} exists", hint="give another --out, or --force to replace it")
    with _acting(ledger, key_file, passphrase_env) as acting:
        session, state, key, official, at = acting.unpacked()
        opened = _open(state, ref)
        everyone = set(_known_persons(session, opened, key, found_copy))
        scope = view(state.incident_records(opened.id), state, at).scope
        if with_related and scope is not None and scope.related:
            records = _exposure(session, key)
            assert records is not None  # required
            for export_id in scope.related:
                export = state.get(export_id)
                if isinstance(export, Export):
                    everyone |= records.persons_of(export.artifact.sha256)
        _write_private(out, sorted(everyone), force=force)
        statement = kinds.IncidentStep(
            created=at,
            seen_head=session.head,
            signer=official.id,
            incident=opened.id,
            artifact_sha256=opened.sha256,
            step="notify-list-made",
            taken_at=format_time(at),
            count=len(everyone),
        )
        return NotifyList(acting.append(statement, opened.id), out, len(everyone))


def close_incident(
    ledger: Path | None, ref: str | None, key_file: Path, passphrase_env: str | None, summary: str
) -> Recorded:
    with _acting(ledger, key_file, passphrase_env) as acting:
        session, state, _, official, at = acting.unpacked()
        opened = _open(state, ref)
        text = free_text("--summary", summary, state.current.policy)
        if not text:
            raise UsageError("--summary is empty: say how the incident ended")
        statement = kinds.IncidentClose(
            created=at,
            seen_head=session.head,
            signer=official.id,
            incident=opened.id,
            artifact_sha256=opened.sha256,
            summary=text,
        )
        return acting.append(statement, opened.id)


# -- helpers ------------------------------------------------------------------------------------


def _officer(state: LedgerState, key: PrivateKey, at: datetime) -> Official:
    official = identify(state, key.public_line, at)
    if not official.holds(ROLE):
        raise UsageError(
            f"{official.id} does not hold the role {ROLE!r}: only a privacy officer runs an "
            "incident and reads whom it exposed",
            hint="ask a privacy officer (see the roster in force)",
        )
    return official


def _incident(state: LedgerState, ref: str | None) -> IncidentOpen:
    """The incident ``ref`` (an id or unique prefix), or the one open incident when None."""
    if ref is not None:
        try:
            found = state.resolve(ref, (IncidentOpen,))
        except UsageError as e:  # resolve's hint names `approval status`, which lists none
            raise UsageError(
                e.message, hint="see the incidents with `approval incident list`"
            ) from None
        assert isinstance(found, IncidentOpen)
        return found
    live = [o for o in state.incidents() if not state.incident_closed(o.id)]
    if len(live) == 1:
        return live[0]
    if not live:
        raise UsageError("no incident is open", hint="open one: approval incident open ...")
    raise UsageError(
        f"{len(live)} incidents are open: say which",
        hint="see them with `approval incident list`",
    )


def _open(state: LedgerState, ref: str | None) -> IncidentOpen:
    opened = _incident(state, ref)
    if state.incident_closed(opened.id):
        raise UsageError(
            f"incident {short_id(opened.id)} is closed: nothing more is recorded on it"
        )
    return opened


def _recorded(session: Session, statement: str, incident: str, signer: str) -> Recorded:
    state = session.state
    return Recorded(statement, view(state.incident_records(incident), state, now()), signer)


def _artifact(state: LedgerState, subject: str) -> tuple[str, int]:
    path = Path(subject)
    if path.is_file():
        sha, size = _hash(path)
    elif _SHA256.fullmatch(subject.strip().lower()):
        sha, size = subject.strip().lower(), -1
    else:
        raise UsageError(
            f"{subject}: no such file, and not a sha256",
            hint="give the file itself or its 64-character sha256",
        )
    if not state.knows_artifact(sha):
        raise UsageError(
            f"the ledger holds nothing about bytes {short_id(sha)}",
            hint="for a copy found outside the ledger, give it with --file",
        )
    if size < 0:
        known = [r.artifact for r in state.requests_for(sha)] + [
            e.artifact for e in state.exports_for(sha)
        ]
        size = known[0].size if known else 0
    return sha, size


def _hash(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as file:
            while chunk := file.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
    except OSError as e:
        raise UsageError(f"cannot read {path}: {(e.strerror or type(e).__name__).lower()}") from e
    return digest.hexdigest(), size


def _moment(text: str) -> datetime:
    """A time as the user typed it (ISO; UTC unless it says), as ``audit --as-of`` reads it."""
    from approval.report.index import parse_moment

    return parse_moment(text)


def _scan(path: Path, session: Session, *, identities: bool = False) -> FileReport:
    """The scan of a found copy under the policy in force (with its persons' identities), its
    hash and size the ones the scan read: the copy is read once, not hashed apart first."""
    from approval.detect.scan import scan_file

    report = scan_file(path, session.state.current.policy, identities=identities)
    if not report.sha256:
        # Unreadable, or not a regular file (a pipe would never end): one line, as `_hash`'s.
        reason = (report.reason or "unreadable").removeprefix("cannot read: ")
        raise UsageError(f"cannot read {path}: {reason}")
    return report


class _Exposure:
    """The exposure records of an open ledger, read with a privacy officer's key
    (``approval.exposure.query`` over the index ``approval.workflow.exposure`` keeps)."""

    def __init__(self, session: Session, key: PrivateKey):
        from approval.exposure import query
        from approval.workflow.exposure import exposure_index

        self._query = query
        self._key = key
        self._index = exposure_index(session, key)

    def persons_of(self, sha256: str) -> frozenset[str]:
        return frozenset(self._query.persons_of(self._index, sha256, self._key))

    def keys_of(self, sha256: str) -> frozenset[str]:
        """Every identity key of the persons of ``sha256`` (a person by any of their keys)."""
        groups = self._query.person_groups_of(self._index, sha256, self._key)
        return frozenset(k for group in groups for k in group)

    def exposures_of(self, persons: frozenset[str]) -> list[Any]:
        return list(self._query.exposures_of(self._index, persons, self._key))


def _exposure(session: Session, key: PrivateKey, *, required: bool = True) -> _Exposure | None:
    """The exposure records, or a clean error (None when not ``required``) where this version
    cannot read them."""
    try:
        return _Exposure(session, key)
    except ImportError as e:
        if not required:
            return None
        raise UsageError(
            "this version cannot read exposure records",
            hint="give the found copy with --file to scan it for persons",
        ) from e


def _persons(
    session: Session, opened: IncidentOpen, key: PrivateKey, found_copy: Path | None
) -> frozenset[str] | None:
    """The identities the incident's bytes hold: from the found copy when given (its hash must
    be the incident's), else from the exposure records of its exports; None when neither."""
    if found_copy is not None:
        report = _scan(found_copy, session, identities=True)
        if report.sha256 != opened.sha256:
            raise UsageError(
                f"{found_copy} is not the incident's bytes (sha256 {short_id(report.sha256)}, "
                f"not {short_id(opened.sha256)})"
            )
        return frozenset(report.identities)
    records = _exposure(session, key)
    assert records is not None  # required
    persons = records.persons_of(opened.sha256)
    return persons or None


def _known_persons(
    session: Session, opened: IncidentOpen, key: PrivateKey, found_copy: Path | None
) -> frozenset[str]:
    """``_persons``, or a clean error when nothing says who the bytes hold: an incident is
    not scoped on a guess."""
    persons = _persons(session, opened, key, found_copy)
    if persons is None:
        raise UsageError(
            f"no exposure record says which persons incident {short_id(opened.id)} exposed",
            hint="give the bytes with --file (the found copy) so that they are scanned",
        )
    return persons


def _related(
    session: Session,
    sha: str,
    persons: frozenset[str],
    key: PrivateKey,
    same: Iterable[str],
) -> tuple[tuple[str, ...], int | None]:
    """The other exports holding any of ``persons``, and how many of them they hold (None:
    not searched, as this version cannot read exposure records)."""
    if not persons:
        return (), 0
    records = _exposure(session, key, required=False)
    if records is None:
        return (), None
    state = session.state
    skip = set(same)
    related: list[str] = []
    shared: set[str] = set()
    for hit in records.exposures_of(persons):
        export = state.get(str(hit.export))
        if not isinstance(export, Export) or export.id in skip or export.artifact.sha256 == sha:
            continue
        if export.id not in related:
            related.append(export.id)
            shared |= persons & records.keys_of(export.artifact.sha256)
    return tuple(related), len(shared)


def _write_private(out: Path, persons: list[str], *, force: bool) -> None:
    """``out``, created 0600 whole or not at all, through its directory opened once; an
    existing file only with ``force``."""
    from approval.files.atomic import write_private

    body = "".join(f"{p}\n" for p in persons).encode()
    try:
        write_private(out, body, force=force)
    except FileExistsError as e:
        raise UsageError(f"{out} exists", hint="give another --out, or --force") from e
    except OSError as e:
        raise UsageError(f"cannot write {out}: {(e.strerror or type(e).__name__).lower()}") from e


__all__ = [
    "NotifyList",
    "Recorded",
    "close_incident",
    "list_incidents",
    "notify_list",
    "open_incident",
    "record_step",
    "scope_incident",
    "show_incident",
]
