"""The audit's faster ways of writing what it wrote before: the JSON timeline without the
events' dicts, the index's event JSON without deleting keys, the ledger's identity from the
replay instead of a walk of its history. Each is held to the plain way it replaced, on the
story's ledger and on events shaped to take the fallbacks."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from approval.cli.audit import _timeline
from approval.cli.jsontext import Written
from approval.cli.output import indented
from approval.ledger import Ledger
from approval.report.event import Event
from approval.report.index import _CORE, _compact
from approval.workflow.audit import _know_genesis, audit_ledger


@pytest.fixture
def events(ledger: Path) -> list[Event]:
    report = audit_ledger(ledger)
    assert report.intact and len(report.events) == 13
    return list(report.events)


def _odd(events: list[Event]) -> list[Event]:
    """Events the fast paths hand over: a detail named like an event key (it takes that key's
    place in ``to_dict``), values that are not plain strings, an entry that is a bool."""
    first = events[1]
    return [
        dataclasses.replace(first, details={**first.details, "text": "a detail named text"}),
        dataclasses.replace(first, details={"who": ["x"], "id": 7, "entry": None}),
        dataclasses.replace(first, who=("a.chen", 3)),  # type: ignore[arg-type]
        dataclasses.replace(first, details={"nested": {"é": [1, {"k": None}], "e": {}}}),
        dataclasses.replace(first, position=True),
    ]


def _plain(events: list[Event]) -> str:
    body = {"before": 1, "timeline": [e.to_dict() for e in events], "after": [None]}
    return json.dumps(body, indent=2, ensure_ascii=False)


def test_the_timeline_is_the_events_dicts_byte_for_byte(events: list[Event]) -> None:
    for chosen in (events, _odd(events), events[:1], []):
        body = {"before": 1, "timeline": _timeline(chosen), "after": [None]}
        assert indented(body) == _plain(chosen)


def test_a_written_value_is_put_at_its_depth() -> None:
    list_of_one = Written(lambda newline: f"[{newline}  1{newline}]")
    assert indented({"a": {"b": list_of_one}}) == json.dumps({"a": {"b": [1]}}, indent=2)


def test_the_index_keeps_each_event_less_its_columns(events: list[Event]) -> None:
    for event in [*events, *_odd(events)[:2]]:
        expected = {"who": list(event.who), "artifacts": list(event.artifacts), **event.details}
        for key in _CORE:
            expected.pop(key, None)
        text = _compact(event)
        assert json.loads(text) == expected
        assert text == json.dumps(expected, ensure_ascii=False, separators=(",", ":"))


def test_the_identity_from_the_replay_is_the_one_git_gives(ledger: Path) -> None:
    report = audit_ledger(ledger)
    with Ledger.open(ledger) as told, Ledger.open(ledger) as walked:
        _know_genesis(told, report)
        assert told.identity() == walked.identity() == report.events[0].id
        assert told.cache_dir == walked.cache_dir


def test_a_broken_replay_tells_no_identity(ledger: Path) -> None:
    report = audit_ledger(ledger)
    broken = dataclasses.replace(report, events=report.events[1:])  # no first entry
    with Ledger.open(ledger) as told:
        _know_genesis(told, broken)
        assert told.identity() == report.events[0].id  # git's answer: nothing was told
