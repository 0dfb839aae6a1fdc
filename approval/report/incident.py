"""An incident's statements as the auditor reads them (``approval audit``, the HTML report).

Counts, ids, times and the officials' own words only: an incident's statements hold no person.
A step says how long after the bytes were found it was taken, so that time to contain
(``taken-down``) and time to notify (``persons-notified``) read straight off the timeline; a
close says both.
"""

from __future__ import annotations

from typing import Any

from approval.incident.timeline import duration, view
from approval.report.event import Event
from approval.statements import format_time, short_id
from approval.trust.incidents import (
    CONTAINED,
    NOTIFIED,
    IncidentOpen,
    IncidentRecord,
    IncidentScope,
    IncidentStep,
)
from approval.trust.state import LedgerState
from approval.words import plural

_STEP_WORDS = {
    "taken-down": "took the copy down",
    "access-logs-reviewed": "reviewed the access logs",
    "claw-back-sent": "sent claw-back letters",
    "removal-hold-placed": "placed removal holds",
    "persons-notified": "notified the persons",
    "notify-list-made": "made the list of persons to notify",
    "other": "recorded a step",
}
_MEASURES = {CONTAINED: "time to contain", NOTIFIED: "time to notify"}


def step_words(step: str) -> str:
    return _STEP_WORDS.get(step, step)


def describe_incident(
    record: IncidentRecord, state: LedgerState, position: int, commit: str
) -> Event:
    """The event of one incident statement (already applied to ``state``)."""
    incident = record.id if isinstance(record, IncidentOpen) else record.incident
    opened = state.get(incident)
    assert isinstance(opened, IncidentOpen)  # the rules admit nothing else
    name = f"incident {short_id(incident)}"
    details: dict[str, Any] = {"incident": incident, "found": format_time(opened.found_time)}
    if isinstance(record, IncidentOpen):
        where = f" at {record.found_at}" if record.found_at else ""
        source = {
            "ledger": "bytes the ledger knows",
            "blocked": f"bytes the web gate refused ({short_id(record.blocked or '')})",
            "found": "a copy found outside the ledger",
        }[record.source]
        persons = f"; {plural(record.persons, 'person')}" if record.persons is not None else ""
        text = (
            f"{record.signer} opened {name} on {source} (sha256 {short_id(record.sha256)}), "
            f"found{where} {format_time(record.found_time)}{persons}"
        )
        details |= {"source": record.source, "found_at": record.found_at,
                    "persons": record.persons, "blocked": record.blocked}  # fmt: skip
        kind = "incident-open"
    elif isinstance(record, IncidentScope):
        persons = (
            plural(record.persons, "person") if record.persons is not None else "persons unknown"
        )
        shared = (
            f", sharing {plural(record.shared, 'person')}"
            if record.shared is not None
            else " (other exports not searched: no exposure records)"
        )
        text = (
            f"{record.signer} scoped {name}: {persons}; "
            f"{plural(len(record.exports), 'export')} of the same bytes; "
            f"{plural(len(record.related), 'other export')} holding the same persons{shared}"
        )
        details |= {"exports": list(record.exports), "related": list(record.related),
                    "persons": record.persons, "shared": record.shared}  # fmt: skip
        kind = "incident-scope"
    elif isinstance(record, IncidentStep):
        after = record.taken - opened.found_time
        measure = _MEASURES.get(record.step)
        why = f" ({measure})" if measure else ""
        note = f": {record.text}" if record.text else ""
        count = f" ({record.count})" if record.count is not None else ""
        text = (
            f"{record.signer} {step_words(record.step)}{count} for {name} at "
            f"{format_time(record.taken)}, {duration(after)} after it was found{why}{note}"
        )
        details |= {"step": record.step, "taken": format_time(record.taken),
                    "after_found_seconds": int(after.total_seconds()),
                    "text": record.text, "count": record.count}  # fmt: skip
        kind = "incident-step"
    else:
        whole = view(state.incident_records(incident), state, record.at)
        contain, notify = whole.time_to_contain, whole.time_to_notify
        text = (
            f"{record.signer} closed {name}: {record.summary} (time to contain "
            f"{duration(contain) if contain is not None else 'not recorded'}, time to notify "
            f"{duration(notify) if notify is not None else 'not recorded'})"
        )
        details |= {
            "summary": record.summary,
            "time_to_contain_seconds": int(contain.total_seconds()) if contain else None,
            "time_to_notify_seconds": int(notify.total_seconds()) if notify else None,
        }
        kind = "incident-close"
    return Event(
        position,
        commit,
        record.id,
        kind,
        record.at,
        (record.signer,),
        text,
        (opened.sha256,),
        details,
    )


__all__ = ["describe_incident", "step_words"]
