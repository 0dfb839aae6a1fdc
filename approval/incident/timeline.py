"""An incident as a privacy officer and an auditor read it: its steps in time, how long it took
to contain and to notify, and how long each copy was out. Pure: verified records in, a view out.

- time to contain: from when the bytes were found to the first ``taken-down`` step;
- time to notify: from when they were found to the first ``persons-notified`` step;
- each copy's exposure: from its export to the first take-down, or to ``now`` when none is
  recorded (a copy found outside the ledger: from when it was found, the least it was out).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from approval.trust.incidents import (
    CONTAINED,
    NOTIFIED,
    IncidentClose,
    IncidentOpen,
    IncidentRecord,
    IncidentScope,
    IncidentStep,
)
from approval.trust.state import Export, LedgerState


@dataclass(frozen=True)
class Copy:
    """One place the bytes (or persons of them) went, and for how long."""

    export: str | None  # the export statement; None for the copy found outside the ledger
    destination: str
    since: datetime
    until: datetime
    same_bytes: bool  # False: another export holding some of the same persons
    ongoing: bool  # no take-down recorded yet

    @property
    def exposed(self) -> timedelta:
        return self.until - self.since


@dataclass(frozen=True)
class Incident:
    opened: IncidentOpen
    scope: IncidentScope | None  # the latest scope
    steps: tuple[IncidentStep, ...]  # in the order taken
    closed: IncidentClose | None
    copies: tuple[Copy, ...]

    @property
    def id(self) -> str:
        return self.opened.id

    @property
    def status(self) -> str:
        return "closed" if self.closed is not None else "open"

    def first(self, step: str) -> IncidentStep | None:
        return next((s for s in self.steps if s.step == step), None)

    @property
    def time_to_contain(self) -> timedelta | None:
        taken = self.first(CONTAINED)
        return None if taken is None else taken.taken - self.opened.found_time

    @property
    def time_to_notify(self) -> timedelta | None:
        notified = self.first(NOTIFIED)
        return None if notified is None else notified.taken - self.opened.found_time


def view(records: tuple[IncidentRecord, ...], state: LedgerState, now: datetime) -> Incident:
    """The incident whose records (its opening first) are ``records``; ``state`` holds the
    exports its scope names (those it does not hold are left out of the copies)."""
    opened = records[0]
    assert isinstance(opened, IncidentOpen)  # LedgerState.incident_records starts with it
    scopes = [r for r in records if isinstance(r, IncidentScope)]
    steps = sorted((r for r in records if isinstance(r, IncidentStep)), key=lambda s: s.taken)
    closed = next((r for r in records if isinstance(r, IncidentClose)), None)
    scope = scopes[-1] if scopes else None
    taken = next((s.taken for s in steps if s.step == CONTAINED), None)
    until = taken or now
    copies: list[Copy] = []
    if opened.source == "found":
        where = opened.found_at or "found outside the ledger"
        copies.append(Copy(None, where, opened.found_time, until, True, taken is None))
    named = (scope.exports, scope.related) if scope else ((), ())
    for same, ids in ((True, named[0]), (False, named[1])):
        for export_id in ids:
            export = state.get(export_id)
            if isinstance(export, Export):
                end = max(until, export.at)
                copies.append(
                    Copy(export.id, export.destination, export.at, end, same, taken is None)
                )
    return Incident(opened, scope, tuple(steps), closed, tuple(copies))


def incidents(state: LedgerState, now: datetime) -> tuple[Incident, ...]:
    """Every incident in the ledger, in the order opened."""
    return tuple(view(state.incident_records(o.id), state, now) for o in state.incidents())


def duration(span: timedelta) -> str:
    """``5 h 12 min``, ``3 d 2 h``, ``40 s``: as long as it reads, no longer."""
    seconds = max(0, int(span.total_seconds()))
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min"
    return f"{seconds} s"


__all__ = ["Copy", "Incident", "duration", "incidents", "view"]
