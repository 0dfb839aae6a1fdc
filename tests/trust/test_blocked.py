"""The ``blocked`` statement's trust rule: only an official holding the role ``service`` makes
one, it changes no decision, and a service key signs nothing else (issue 18 item 3)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from approval.errors import ProblemsError, UsageError
from approval.policy import document_from_data, parse_policy, parse_roster
from approval.trust.decision import decide
from approval.trust.state import Blocked, identify, replay
from tests.test_state import (
    OFFICIALS,
    SHA_A,
    T0,
    Book,
    envelope,
    integrity,
    key,
    policy_doc,
    roster_doc,
)

GATE = "w.gate"
WITH_GATE = {**OFFICIALS, GATE: ("service",)}


def _book() -> Book:
    book = Book()
    book.adopt(roster=roster_doc(WITH_GATE))
    return book


def _blocked(book: Book, by: str = GATE, at_minutes: int = 5, **changes: Any) -> Blocked:
    statement = book.statement(
        "blocked",
        T0 + timedelta(minutes=at_minutes),
        signer=by,
        artifact={"sha256": SHA_A, "size": 1234, "name": "stats.xlsx"},
        verdict="protected",
        site="www",
        reason="no request",
        **changes,
    )
    record: Blocked = book.add(envelope(statement, [by]))
    return record


def test_the_service_records_a_refusal_and_it_changes_no_decision() -> None:
    book = _book()
    request = book.request()
    book.sign("a.chen", request, "privacy-officer", T0 + timedelta(minutes=2))
    at = T0 + timedelta(minutes=10)
    before = decide(book.state, SHA_A, at, classes=["protected-person"])
    record = _blocked(book)
    after = decide(book.state, SHA_A, at, classes=["protected-person"])
    assert record.signer == GATE and record.site == "www" and record.verdict == "protected"
    assert book.state.blocked_for(SHA_A) == (record,)
    facts = ("allowed", "missing", "used", "reasons")
    assert [getattr(before, f) for f in facts] == [getattr(after, f) for f in facts]
    assert replay(book.envelopes).blocked_for(SHA_A) == (record,)


@pytest.mark.parametrize("by", ["c.ruiz", "a.chen", "b.okafor"])
def test_no_one_but_a_service_key_records_a_refusal(by: str) -> None:
    book = _book()
    with integrity("does not hold the role 'service'"):
        _blocked(book, by=by)
    assert book.state.blocked_for(SHA_A) == ()


def test_a_service_key_cannot_request_sign_revoke_export_or_redact() -> None:
    book = _book()
    request = book.request()
    refused = "holds the role 'service'"
    with integrity(refused):
        book.request(by=GATE, sha256="c" * 64)
    with integrity(refused):
        book.sign(GATE, request, "service", T0 + timedelta(minutes=2))
    with integrity(refused):
        book.sign(GATE, request, "privacy-officer", T0 + timedelta(minutes=2), reject=True)
    with integrity(refused):
        book.revoke(GATE, request.id, T0 + timedelta(minutes=2))
    with integrity(refused):
        book.export(GATE, None, [], T0 + timedelta(minutes=2))
    redaction = book.statement(
        "redaction", T0 + timedelta(minutes=2), signer=GATE,
        source={"sha256": SHA_A, "size": 1, "name": "a.xlsx"},
        derivative={"sha256": "d" * 64, "size": 1, "name": "b.xlsx"}, removed=[],
    )  # fmt: skip
    with integrity(refused):
        book.add(envelope(redaction, [GATE]))
    assert len(book.state) == 2  # the adoption and the publisher's request


def test_a_blocked_statement_by_an_official_removed_from_the_roster_is_refused() -> None:
    book = _book()
    book.adopt(roster=roster_doc(OFFICIALS, version=2), at=T0 + timedelta(minutes=1))
    with integrity("not in the roster in force"):
        _blocked(book)


def test_commands_identify_a_service_key_only_as_a_service() -> None:
    book = _book()
    at = T0 + timedelta(minutes=1)
    assert identify(book.state, key(GATE), at, service=True).id == GATE
    with pytest.raises(UsageError, match="signs nothing else"):
        identify(book.state, key(GATE), at)
    with pytest.raises(UsageError, match="does not hold the role 'service'"):
        identify(book.state, key("c.ruiz"), at, service=True)


def test_a_roster_gives_the_service_role_alone() -> None:
    doc = roster_doc({**OFFICIALS, GATE: ("service", "publisher")})
    with pytest.raises(ProblemsError) as refused:
        parse_roster(document_from_data(doc, "roster"))
    assert "held alone" in " ".join(refused.value.problems)
    parse_roster(document_from_data(roster_doc(WITH_GATE), "roster"))


def test_no_rule_may_require_the_service_role() -> None:
    policy = policy_doc()
    policy["rules"][0]["require"] = [{"role": "service"}]
    roster = document_from_data(roster_doc(WITH_GATE), "roster")
    with pytest.raises(ProblemsError) as refused:
        parse_policy(document_from_data(policy, "policy"), roster)
    assert "no rule may require it" in " ".join(refused.value.problems)
