"""The trust rules of an incident's statements, and the records they become. Pure.

An incident (issue 16) is run by privacy officers: every statement of one is signed by an
official holding the role ``privacy-officer`` in the roster in force (an incident's records
lead to the persons exposed: a publisher neither opens nor steers one). The rules:

- ``incident-open`` names bytes the ledger knows (``source: ledger``: a request, export,
  redaction or refusal of that sha256), or a ``blocked`` statement of those bytes
  (``source: blocked``), or bytes found outside it (``source: found``); it was found no later
  than it is recorded;
- ``incident-scope``, ``incident-step`` and ``incident-close`` name an incident opened before
  them, and its bytes, and come before its close: nothing is recorded on a closed incident;
- a scope's ``exports`` are exports of the incident's bytes; its ``related`` ones are export ids
  whose persons only the privacy office can read (exposure records), so only their form is
  checked here (a replay of one artifact's slice cannot see other files' exports);
- a step was taken no later than it is recorded, and not before the bytes were found.

``LedgerState`` calls :func:`check` with the official ``_signed_by`` found; this module knows
the state only through :class:`Known`, so that it does not import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from approval.errors import IntegrityError
from approval.policy import Official
from approval.statements import format_time, parse_statement_time, short_id

ROLE = "privacy-officer"  # who runs an incident: the default policy's role of that name
KINDS = ("incident-open", "incident-scope", "incident-step", "incident-close")
SOURCES = ("ledger", "blocked", "found")
# Containment and notification steps, in the words a privacy officer records them with.
STEPS = (
    "taken-down",
    "access-logs-reviewed",
    "claw-back-sent",
    "removal-hold-placed",
    "persons-notified",
    "notify-list-made",
    "other",
)
CONTAINED = "taken-down"  # time to contain: found -> this step
NOTIFIED = "persons-notified"  # time to notify: found -> this step
# As far ahead of ``created`` as a time in a statement may be (the ledger's clock skew).
_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class IncidentOpen:
    id: str
    signer: str
    sha256: str
    size: int
    source: str
    found_time: datetime
    found_at: str | None
    blocked: str | None
    persons: int | None
    at: datetime


@dataclass(frozen=True)
class IncidentScope:
    id: str
    signer: str
    incident: str
    sha256: str
    exports: tuple[str, ...]
    related: tuple[str, ...]
    persons: int | None
    shared: int | None
    at: datetime


@dataclass(frozen=True)
class IncidentStep:
    id: str
    signer: str
    incident: str
    sha256: str
    step: str
    taken: datetime  # when the step was taken (``taken_at`` in the statement)
    text: str | None
    count: int | None
    at: datetime  # when it was recorded


@dataclass(frozen=True)
class IncidentClose:
    id: str
    signer: str
    incident: str
    sha256: str
    summary: str
    at: datetime


IncidentRecord = IncidentOpen | IncidentScope | IncidentStep | IncidentClose
RECORDS = (IncidentOpen, IncidentScope, IncidentStep, IncidentClose)
WORDS: dict[type, str] = {
    IncidentOpen: "incident",
    IncidentScope: "incident scope",
    IncidentStep: "incident step",
    IncidentClose: "incident close",
}


class Known(Protocol):
    """What the rules ask of the state."""

    def get(self, statement_id: str) -> object | None: ...

    def knows_artifact(self, sha256: str) -> bool: ...

    def incident_closed(self, incident: str) -> bool: ...


def check(
    statement: dict[str, Any],
    statement_id: str,
    label: str,
    created: datetime,
    official: Official,
    known: Known,
) -> IncidentRecord:
    """The record of an incident statement, or ``IntegrityError`` naming the rule broken."""
    if not official.holds(ROLE):
        raise IntegrityError(
            f"{label}: {official.id} does not hold the role {ROLE!r} in the roster in force: "
            "only a privacy officer runs an incident"
        )
    kind = statement["kind"]
    sha = statement["artifact_sha256"]
    if kind == "incident-open":
        return _open(statement, statement_id, label, created, official, known)
    opened = _open_incident(statement["incident"], sha, label, known)
    if kind == "incident-scope":
        for export_id in statement["exports"]:
            export = known.get(export_id)
            if getattr(getattr(export, "artifact", None), "sha256", None) != sha:
                raise IntegrityError(
                    f"{label}: names {short_id(export_id)} as an export of the incident's bytes, "
                    "which it is not"
                )
        return IncidentScope(
            statement_id,
            official.id,
            opened.id,
            sha,
            tuple(statement["exports"]),
            tuple(statement["related"]),
            statement.get("persons"),
            statement.get("shared"),
            created,
        )
    if kind == "incident-step":
        taken = parse_statement_time(statement["taken_at"])
        if taken > created + _SKEW:
            raise IntegrityError(
                f"{label}: a step taken {statement['taken_at']} cannot be recorded before, at "
                f"{format_time(created)}"
            )
        if taken < opened.found_time:
            raise IntegrityError(
                f"{label}: a step taken {statement['taken_at']}, before the bytes were found "
                f"({format_time(opened.found_time)})"
            )
        return IncidentStep(
            statement_id,
            official.id,
            opened.id,
            sha,
            statement["step"],
            taken,
            statement.get("text"),
            statement.get("count"),
            created,
        )
    return IncidentClose(statement_id, official.id, opened.id, sha, statement["summary"], created)


def _open(
    statement: dict[str, Any],
    statement_id: str,
    label: str,
    created: datetime,
    official: Official,
    known: Known,
) -> IncidentOpen:
    sha = statement["artifact_sha256"]
    source = statement["source"]
    blocked = statement.get("blocked")
    if (source == "blocked") != (blocked is not None):
        raise IntegrityError(f"{label}: names a blocked statement exactly when opened from one")
    if source == "blocked":
        refusal = known.get(str(blocked))
        if getattr(getattr(refusal, "artifact", None), "sha256", None) != sha or not hasattr(
            refusal, "verdict"
        ):
            raise IntegrityError(
                f"{label}: opened from {short_id(str(blocked))}, which is not a gate's refusal "
                "of these bytes"
            )
    elif source == "ledger" and not known.knows_artifact(sha):
        raise IntegrityError(
            f"{label}: opened on bytes {short_id(sha)} as known to the ledger, which holds "
            "nothing about them"
        )
    found = parse_statement_time(statement["found_time"])
    if found > created + _SKEW:
        raise IntegrityError(
            f"{label}: found {statement['found_time']}, after it was recorded "
            f"({format_time(created)})"
        )
    return IncidentOpen(
        statement_id,
        official.id,
        sha,
        statement["size"],
        source,
        found,
        statement.get("found_at"),
        blocked,
        statement.get("persons"),
        created,
    )


def _open_incident(incident: str, sha: str, label: str, known: Known) -> IncidentOpen:
    opened = known.get(incident)
    if not isinstance(opened, IncidentOpen) or opened.sha256 != sha:
        raise IntegrityError(
            f"{label}: names incident {short_id(incident)} on bytes {short_id(sha)}, which the "
            "ledger has not opened"
        )
    if known.incident_closed(incident):
        raise IntegrityError(
            f"{label}: incident {short_id(incident)} is closed: nothing more is recorded on it"
        )
    return opened


__all__ = [
    "CONTAINED",
    "KINDS",
    "NOTIFIED",
    "RECORDS",
    "ROLE",
    "SOURCES",
    "STEPS",
    "IncidentClose",
    "IncidentOpen",
    "IncidentRecord",
    "IncidentScope",
    "IncidentStep",
    "Known",
    "check",
]
