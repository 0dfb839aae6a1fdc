"""The incident view (pure): time to contain and to notify, each copy's exposure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from approval.incident.timeline import duration, view
from approval.trust.incidents import IncidentClose, IncidentOpen, IncidentStep
from approval.trust.state import LedgerState

FOUND = datetime(2022, 11, 28, 19, 5, tzinfo=UTC)
SHA = "ab" * 32


def _open() -> IncidentOpen:
    return IncidentOpen(
        "i" * 64, "o.privacy", SHA, 10, "found", FOUND, "https://x.invalid", None, 6252,
        FOUND + timedelta(minutes=3),
    )  # fmt: skip


def _step(step: str, after: timedelta, n: int) -> IncidentStep:
    taken = FOUND + after
    return IncidentStep(f"{n}" * 64, "o.privacy", "i" * 64, SHA, step, taken, None, None, taken)


def test_times_are_measured_from_when_the_bytes_were_found() -> None:
    records = (
        _open(),
        _step("persons-notified", timedelta(days=3, hours=2), 2),
        _step("taken-down", timedelta(hours=5, minutes=12), 1),
        _step("taken-down", timedelta(hours=9), 3),  # a second take-down: the first counts
    )
    incident = view(records, LedgerState(), FOUND + timedelta(days=10))
    assert incident.time_to_contain == timedelta(hours=5, minutes=12)
    assert incident.time_to_notify == timedelta(days=3, hours=2)
    assert [s.step for s in incident.steps] == ["taken-down", "taken-down", "persons-notified"]
    (copy,) = incident.copies
    assert copy.exposed == timedelta(hours=5, minutes=12) and not copy.ongoing
    assert incident.status == "open"


def test_a_copy_not_taken_down_is_exposed_until_now() -> None:
    now = FOUND + timedelta(hours=30)
    closed = IncidentClose("c" * 64, "o.privacy", "i" * 64, SHA, "done", now)
    incident = view((_open(), closed), LedgerState(), now)
    assert incident.time_to_contain is None and incident.time_to_notify is None
    (copy,) = incident.copies
    assert copy.ongoing and copy.exposed == timedelta(hours=30)
    assert incident.status == "closed"


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (timedelta(seconds=40), "40 s"),
        (timedelta(minutes=12), "12 min"),
        (timedelta(hours=5), "5 h"),
        (timedelta(hours=5, minutes=12, seconds=59), "5 h 12 min"),
        (timedelta(days=3, hours=2), "3 d 2 h"),
        (timedelta(days=2), "2 d"),
        (timedelta(seconds=-5), "0 s"),
    ],
)
def test_durations_read_as_short_as_they_can(span: timedelta, text: str) -> None:
    assert duration(span) == text
