"""The audit's faster ways of writing what it wrote before: the JSON timeline without the
events' dicts, the index's event JSON without deleting keys, the ledger's identity from the
replay instead of a walk of its history. Each is held to the plain way it replaced, on the
story's ledger and on events shaped to take the fallbacks."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from approval.cli.audit import _emit_timeline, _timeline, _timeline_pieces
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


@pytest.mark.parametrize("size", [1, 2, 5, 1024])
def test_the_timeline_in_pieces_is_the_same_at_any_size(events: list[Event], size: int) -> None:
    for chosen in (events, _odd(events), events[:1], []):
        pieces = list(_timeline_pieces(chosen, "\n    ", size))
        assert len(pieces) == (-(-len(chosen) // size) + 1 if chosen else 1)
        expected = json.dumps([e.to_dict() for e in chosen], indent=2, ensure_ascii=False)
        assert "".join(pieces) == expected.replace("\n", "\n    ")


def test_the_streamed_report_is_the_document_byte_for_byte(
    events: list[Event], capsys: pytest.CaptureFixture[str]
) -> None:
    """``approval audit --format json`` writes its timeline in pieces: the same bytes as the
    whole document printed at once, whatever comes before and after it."""
    from approval.cli.output import emit

    for chosen in (events, _odd(events), []):
        body = {"head": "é\0", "timeline": None, "after": [None, {"nested": [1]}]}
        _emit_timeline("audit", body, chosen)
        streamed = capsys.readouterr().out
        emit("audit", {**body, "timeline": [e.to_dict() for e in chosen]})
        assert streamed == capsys.readouterr().out
        assert json.loads(streamed)["timeline"] == json.loads(_plain(chosen))["timeline"]


def test_the_ending_process_keeps_its_report_to_the_end(events: list[Event]) -> None:
    """In the ``approval`` process (its stdout guarded) the report is frozen in a cycle of its
    own, never freed one event at a time as the command returns; anywhere else it goes as
    usual."""
    import gc
    import sys
    import weakref

    from approval.cli.audit import _freeze_if_ending
    from approval.cli.render import GuardedOutput

    assert gc.get_freeze_count() == 0
    report = dataclasses.replace(events[0])
    gone = weakref.ref(report)
    _freeze_if_ending([report])  # stdout is pytest's: a caller that goes on
    del report
    assert gone() is None and gc.get_freeze_count() == 0

    report = dataclasses.replace(events[0])
    kept = weakref.ref(report)
    stdout = sys.stdout
    sys.stdout = GuardedOutput(stdout)
    try:
        _freeze_if_ending([report])
    finally:
        sys.stdout = stdout
    try:
        del report
        gc.collect()
        assert kept() is not None
    finally:
        gc.unfreeze()
        gc.collect()
    assert kept() is None


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
