"""The trust rules of an incident's statements (``approval.trust.incidents``), on plain values:
who may sign them, what an opening may name, and that nothing follows a close."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from approval.statements import format_time
from approval.trust.incidents import IncidentClose, IncidentOpen, IncidentScope, IncidentStep
from approval.trust.state import Blocked, replay
from tests.test_state import OFFICIALS, SHA_A, SHA_B, T0, Book, envelope, integrity, roster_doc

GATE = "w.gate"
OFFICER = "e.nguyen"


def _book() -> Book:
    book = Book()
    book.adopt(roster=roster_doc({**OFFICIALS, GATE: ("service",)}))
    return book


def _add(book: Book, kind: str, minutes: int, by: str = OFFICER, **fields: Any) -> Any:
    statement = book.statement(kind, T0 + timedelta(minutes=minutes), signer=by, **fields)
    return book.add(envelope(statement, [by]))


def _open(book: Book, minutes: int = 10, by: str = OFFICER, **fields: Any) -> IncidentOpen:
    body: dict[str, Any] = {
        "artifact_sha256": SHA_A, "size": 10, "source": "found",
        "found_time": format_time(T0 + timedelta(minutes=minutes - 5)),
    }  # fmt: skip
    record: IncidentOpen = _add(book, "incident-open", minutes, by, **{**body, **fields})
    return record


def _step(book: Book, incident: str, minutes: int, taken: int, **fields: Any) -> IncidentStep:
    record: IncidentStep = _add(
        book, "incident-step", minutes, incident=incident, artifact_sha256=SHA_A,
        step="taken-down", taken_at=format_time(T0 + timedelta(minutes=taken)), **fields,
    )  # fmt: skip
    return record


def test_a_privacy_officer_runs_an_incident_and_replay_agrees() -> None:
    book = _book()
    request = book.request()
    export = book.export(
        "c.ruiz", None, [], T0 + timedelta(minutes=2), artifact=request.artifact.to_dict()
    )
    opened = _open(book, source="ledger")
    scope = _add(
        book, "incident-scope", 11, incident=opened.id, artifact_sha256=SHA_A,
        exports=[export.id], related=["c" * 64], persons=6252, shared=103,
    )  # fmt: skip
    step = _step(book, opened.id, 12, 11)
    close = _add(book, "incident-close", 13, incident=opened.id, artifact_sha256=SHA_A, summary="x")
    assert isinstance(scope, IncidentScope) and isinstance(close, IncidentClose)
    assert book.state.incidents() == (opened,)
    assert book.state.incident_records(opened.id) == (opened, scope, step, close)
    assert book.state.incident_closed(opened.id)
    again = replay(book.envelopes)
    assert again.incident_records(opened.id) == (opened, scope, step, close)


@pytest.mark.parametrize("by", ["c.ruiz", "b.okafor", "d.patel"])
def test_no_one_but_a_privacy_officer_signs_an_incident_statement(by: str) -> None:
    book = _book()
    with integrity("does not hold the role 'privacy-officer'"):
        _open(book, by=by)
    opened = _open(book)
    with integrity("does not hold the role 'privacy-officer'"):
        _add(book, "incident-close", 11, by, incident=opened.id, artifact_sha256=SHA_A, summary="x")


def test_a_service_key_cannot_open_an_incident() -> None:
    with integrity("holds the role 'service'"):
        _open(_book(), by=GATE)


def test_an_opening_names_what_it_says() -> None:
    book = _book()
    with integrity("holds nothing about them"):
        _open(book, source="ledger")
    with integrity("exactly when opened from one"):
        _open(book, source="blocked")
    with integrity("not a gate's refusal"):
        _open(book, source="blocked", blocked="d" * 64)
    statement = book.statement(
        "blocked", T0 + timedelta(minutes=6), signer=GATE,
        artifact={"sha256": SHA_B, "size": 3, "name": "x.csv"}, verdict="protected", site="www",
    )  # fmt: skip
    refusal = book.add(envelope(statement, [GATE]))
    assert isinstance(refusal, Blocked)
    with integrity("not a gate's refusal"):  # a refusal of other bytes
        _open(book, source="blocked", blocked=refusal.id)
    opened = _open(book, artifact_sha256=SHA_B, source="blocked", blocked=refusal.id)
    assert opened.blocked == refusal.id
    with integrity("after it was recorded"):
        _open(book, minutes=20, found_time=format_time(T0 + timedelta(hours=2)))


def test_a_step_names_an_open_incident_and_a_time_it_could_be_taken() -> None:
    book = _book()
    opened = _open(book)  # found at T0 + 5 min
    with integrity("has not opened"):
        _step(book, "e" * 64, 11, 10)
    with integrity("before the bytes were found"):
        _step(book, opened.id, 11, 1)
    with integrity("cannot be recorded before"):
        _step(book, opened.id, 11, 30)
    with integrity("has not opened"):  # the incident, but other bytes
        _add(book, "incident-close", 11, incident=opened.id, artifact_sha256=SHA_B, summary="x")
    with integrity("as an export of the incident's bytes"):
        _add(
            book, "incident-scope", 11, incident=opened.id, artifact_sha256=SHA_A,
            exports=[opened.id], related=[],
        )  # fmt: skip
    _add(book, "incident-close", 12, incident=opened.id, artifact_sha256=SHA_A, summary="x")
    with integrity("is closed"):
        _step(book, opened.id, 13, 12)
    with integrity("is closed"):
        _add(book, "incident-close", 13, incident=opened.id, artifact_sha256=SHA_A, summary="y")
