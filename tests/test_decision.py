"""The decision, with plain values: every rule of 8 CFR 208.6's sign-off, and its properties.

The default policy's protected-person rule needs a privacy-officer and a senior-official,
distinct, not the requester, approvals valid 30 days, a rejection blocks until revoked.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approval.errors import EXIT_BLOCKED, BlockedError, IntegrityError, UsageError
from approval.statements import short_id
from approval.trust.decision import RESCANNED, Decision, check_signoff, decide, live_requests
from approval.trust.state import Request, SignOff
from tests.test_state import (
    OFFICIALS,
    SHA_A,
    SHA_B,
    T0,
    Book,
    key,
    new_book,
    policy_doc,
    roster_doc,
    rotated,
)

PO = "privacy-officer"
SO = "senior-official"
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)
PERSONAL_SCAN: dict[str, Any] = {
    "verdict": "protected",
    "format": "csv",
    "classes": {"personal-data": {"records": 12}},
    "findings": [],
}


def approved() -> tuple[Book, Request, SignOff, SignOff]:
    """A request by c.ruiz, approved by a.chen (privacy-officer) and b.okafor (senior)."""
    book = new_book()
    request = book.request()
    chen = book.sign("a.chen", request, PO, T0 + HOUR)
    okafor = book.sign("b.okafor", request, SO, T0 + 2 * HOUR)
    return book, request, chen, okafor


def custom_book(**rule: Any) -> Book:
    """A ledger under a policy whose protected-person rule is changed by ``rule``."""
    policy = policy_doc()
    policy["rules"][0].update(rule)
    book = Book()
    book.adopt(policy)
    return book


# -- allowed ------------------------------------------------------------------------------------


def test_both_roles_by_distinct_officials_allow() -> None:
    book, request, chen, okafor = approved()
    decision = decide(book.state, SHA_A, T0 + 3 * HOUR)
    assert decision.allowed
    assert decision.request == request
    assert decision.used == (chen, okafor)
    assert decision.missing == () and decision.reasons == ()
    assert decision.expires == chen.at + timedelta(days=30)  # the earliest used approval
    assert [r.id for r in decision.rules] == ["protected-person-release"]


def test_clean_file_is_allowed_without_a_request() -> None:
    decision = decide(new_book().state, SHA_B, T0 + HOUR, classes=[])
    assert decision.allowed and decision.request is None and decision.used == ()
    assert decision.reasons == (
        "no approval needed: no rule of policy 8cfr208.6 v1 applies to this file",
    )


def test_personal_data_needs_only_a_privacy_officer() -> None:
    book = new_book()
    request = book.request(scan=PERSONAL_SCAN)
    assert not decide(book.state, SHA_A, T0 + HOUR).allowed
    chen = book.sign("a.chen", request, PO, T0 + HOUR)
    decision = decide(book.state, SHA_A, T0 + 2 * HOUR)
    assert decision.allowed and decision.used == (chen,)


def test_the_gates_fresh_scan_decides_which_rules_apply() -> None:
    book = new_book()
    request = book.request(scan=PERSONAL_SCAN)
    book.sign("a.chen", request, PO, T0 + HOUR)
    at = T0 + 2 * HOUR
    assert decide(book.state, SHA_A, at).allowed
    decision = decide(book.state, SHA_A, at, classes=["protected-person"])
    assert not decision.allowed and decision.missing == (SO,)


def test_one_official_may_count_for_two_different_rules() -> None:
    book, _, chen, okafor = approved()
    both = ["protected-person", "personal-data"]
    decision = decide(book.state, SHA_A, T0 + 3 * HOUR, classes=both)
    assert decision.allowed and decision.used == (chen, okafor)
    assert len(decision.rules) == 2


def test_matching_finds_distinct_officials_when_one_holds_both_roles() -> None:
    """f.silva holds both roles and signed last; only a proper matching sees that she must be
    the senior official, and a.chen the privacy officer."""
    book = new_book()
    request = book.request()
    chen = book.sign("a.chen", request, PO, T0 + HOUR)
    book.sign("f.silva", request, PO, T0 + 2 * HOUR)
    silva_so = book.sign("f.silva", request, SO, T0 + 2 * HOUR)
    decision = decide(book.state, SHA_A, T0 + 3 * HOUR)
    assert decision.allowed
    assert decision.used == (chen, silva_so)


# -- blocked --------------------------------------------------------------------------------------


def test_no_request_for_this_file() -> None:
    decision = decide(new_book().state, SHA_A, T0 + HOUR, classes=["protected-person"])
    assert not decision.allowed
    assert decision.missing == (PO, SO)
    assert decision.reasons == (
        "no request for this file",
        "missing: a sign-off as privacy-officer",
        "missing: a sign-off as senior-official",
    )


def test_unscannable_file_needs_what_a_protected_file_needs() -> None:
    decision = decide(new_book().state, SHA_A, T0 + HOUR, classes=["unscannable"])
    assert not decision.allowed and decision.missing == (PO, SO)


def test_requester_cannot_approve() -> None:
    book = new_book()
    request = book.request(by="e.nguyen")  # a privacy officer asks to publish
    book.sign("e.nguyen", request, PO, T0 + HOUR)
    book.sign("b.okafor", request, SO, T0 + 2 * HOUR)
    decision = decide(book.state, SHA_A, T0 + 3 * HOUR)
    assert not decision.allowed and decision.missing == (PO,)
    assert "e.nguyen's approval does not count: the requester cannot approve their own request" in (
        decision.reasons
    )
    with pytest.raises(BlockedError, match=r"^e.nguyen made this request and cannot approve it$"):
        check_signoff(book.state, request.id, "e.nguyen", PO, "approve", T0 + 3 * HOUR)


def test_one_role_is_not_enough() -> None:
    book = new_book()
    request = book.request()
    chen = book.sign("a.chen", request, PO, T0 + HOUR)
    decision = decide(book.state, SHA_A, T0 + 2 * HOUR)
    assert not decision.allowed
    assert decision.missing == (SO,)
    assert decision.reasons == ("missing: a sign-off as senior-official",)
    assert decision.used == (chen,) and decision.expires is None


def test_official_without_the_role_cannot_fill_it() -> None:
    book = new_book()
    request = book.request()
    with pytest.raises(UsageError, match=r"^b.okafor does not hold the role 'privacy-officer'$"):
        check_signoff(book.state, request.id, "b.okafor", PO, "approve", T0 + HOUR)
    with pytest.raises(IntegrityError, match=r"does not hold the role 'privacy-officer'"):
        book.sign("b.okafor", request, PO, T0 + HOUR)
    assert not decide(book.state, SHA_A, T0 + 2 * HOUR).allowed


def test_one_official_holding_both_roles_cannot_fill_both() -> None:
    book = new_book()
    request = book.request()
    book.sign("f.silva", request, PO, T0 + HOUR)
    book.sign("f.silva", request, SO, T0 + HOUR)
    decision = decide(book.state, SHA_A, T0 + 2 * HOUR)
    assert not decision.allowed and len(decision.missing) == 1
    assert len({s.signer for s in decision.used}) == 1
    assert any(
        "does not count: f.silva already counts as" in r
        and "each required role needs a distinct official" in r
        for r in decision.reasons
    )


def test_rejection_blocks_and_its_revocation_unblocks() -> None:
    book = new_book()
    request = book.request()
    book.sign("a.chen", request, PO, T0 + HOUR)
    rejection = book.sign(
        "b.okafor", request, SO, T0 + 2 * HOUR, reject=True, comment="names visible on sheet 2"
    )
    book.sign("f.silva", request, SO, T0 + 3 * HOUR)
    decision = decide(book.state, SHA_A, T0 + 4 * HOUR)
    assert not decision.allowed and decision.missing == ()
    assert decision.reasons == (
        "rejected by b.okafor (senior-official) on 2026-11-20: names visible on sheet 2",
    )
    book.revoke("b.okafor", rejection.id, T0 + 5 * HOUR, reason="fixed in the new file")
    decision = decide(book.state, SHA_A, T0 + 6 * HOUR)
    assert decision.allowed
    assert (
        "b.okafor's rejection (senior-official) was withdrawn by b.okafor on 2026-11-20: "
        in (decision.reasons[0])
    )
    # As of before the revocation, the rejection still blocked.
    assert not decide(book.state, SHA_A, T0 + 4 * HOUR).allowed


def test_rejection_blocks_every_request_for_the_same_file() -> None:
    """Asking again does not get round a refusal: only a changed file is a new artifact."""
    book = new_book()
    first = book.request()
    book.sign("b.okafor", first, SO, T0 + HOUR, reject=True)
    second = book.request(at=T0 + 2 * HOUR)
    book.sign("a.chen", second, PO, T0 + 3 * HOUR)
    book.sign("f.silva", second, SO, T0 + 3 * HOUR)
    decision = decide(book.state, SHA_A, T0 + 4 * HOUR, request_id=second.id)
    assert not decision.allowed
    assert decision.reasons == (
        f"rejected by b.okafor (senior-official) on 2026-11-20 on request {short_id(first.id)}",
    )


def test_expired_approval_blocks() -> None:
    book = new_book()
    request = book.request()
    chen = book.sign("a.chen", request, PO, T0 + HOUR)
    book.sign("b.okafor", request, SO, T0 + 20 * DAY)
    before = decide(book.state, SHA_A, T0 + 29 * DAY)
    assert before.allowed and before.expires == chen.at + 30 * DAY
    after = decide(book.state, SHA_A, chen.at + 30 * DAY)
    assert not after.allowed and after.missing == (PO,)
    assert after.reasons == (
        "a.chen's approval expired on 2026-12-20 (valid 30 days)",
        "missing: a sign-off as privacy-officer",
    )


def test_revoked_signoff_no_longer_counts() -> None:
    book, _, chen, _ = approved()
    book.revoke("a.chen", chen.id, T0 + 3 * HOUR, reason="signed the wrong file")
    decision = decide(book.state, SHA_A, T0 + 4 * HOUR)
    assert not decision.allowed and decision.missing == (PO,)
    assert decision.reasons[0] == (
        "a.chen's approval as privacy-officer was revoked by a.chen on 2026-11-20: "
        "signed the wrong file"
    )
    assert decide(book.state, SHA_A, T0 + 3 * HOUR - timedelta(seconds=1)).allowed


def test_revoked_request_blocks() -> None:
    book, request, _, _ = approved()
    book.revoke("c.ruiz", request.id, T0 + 3 * HOUR, reason="wrong destination")
    decision = decide(book.state, SHA_A, T0 + 4 * HOUR)
    assert not decision.allowed and decision.used == ()
    assert decision.reasons[0].endswith("was withdrawn by c.ruiz on 2026-11-20: wrong destination")


def test_signoff_for_a_changed_byte_does_not_count() -> None:
    book, request, _, _ = approved()
    changed = decide(book.state, SHA_B, T0 + 3 * HOUR, classes=["protected-person"])
    assert not changed.allowed and changed.reasons[0] == "no request for this file"
    pinned = decide(book.state, SHA_B, T0 + 3 * HOUR, request_id=request.id)
    assert not pinned.allowed
    assert (
        "is for another file (stats.xlsx): a sign-off binds the exact bytes" in (pinned.reasons[0])
    )


def test_a_new_policy_version_needs_a_new_request() -> None:
    book, request, _, _ = approved()
    book.adopt(policy_doc(2), at=T0 + 3 * HOUR)
    decision = decide(book.state, SHA_A, T0 + 4 * HOUR)
    assert not decision.allowed and decision.missing == (PO, SO)
    assert decision.reasons == (
        "approved under policy 8cfr208.6 v1; v2 is now in force: request again",
    )
    # The auditor's view of the moment before v2: it was allowed then.
    assert decide(book.state, SHA_A, T0 + 3 * HOUR - timedelta(seconds=1)).allowed
    with pytest.raises(UsageError, match=r"v2 is now in force"):
        check_signoff(book.state, request.id, "f.silva", SO, "approve", T0 + 4 * HOUR)


def test_statements_after_the_moment_do_not_count() -> None:
    book, _, chen, _ = approved()
    decision = decide(book.state, SHA_A, T0 + HOUR + timedelta(minutes=30))
    assert not decision.allowed and decision.used == (chen,) and decision.missing == (SO,)
    early = decide(book.state, SHA_A, T0 + timedelta(seconds=30), classes=["protected-person"])
    assert early.reasons[0] == "no request for this file"


def test_no_policy_in_force() -> None:
    book = new_book()
    decision = decide(book.state, SHA_A, T0 - DAY, classes=[])
    assert not decision.allowed and decision.adoption is None
    assert decision.reasons[0].startswith("no policy was in force on 2026-11-19T09:00:00Z")


# -- several requests ---------------------------------------------------------------------------


def test_of_several_requests_the_one_that_allows_is_used() -> None:
    book, request, _, _ = approved()
    book.request(at=T0 + 3 * HOUR)  # a later request nobody signed
    decision = decide(book.state, SHA_A, T0 + 4 * HOUR)
    assert decision.allowed and decision.request == request
    assert (
        decision.reasons[0] == f"allowed by request {short_id(request.id)}, one of 2 for this file"
    )


def test_of_several_blocked_requests_the_most_recent_is_shown() -> None:
    book = new_book()
    book.request()
    latest = book.request(at=T0 + HOUR)
    decision = decide(book.state, SHA_A, T0 + 2 * HOUR)
    assert not decision.allowed and decision.request == latest
    assert decision.reasons[0] == (
        f"2 requests for this file and none allows it; this is the most recent, "
        f"{short_id(latest.id)}"
    )


def test_a_withdrawn_duplicate_is_not_the_request_shown() -> None:
    """Issue 13: the live request, not a later duplicate that was withdrawn, is the one whose
    missing sign-offs a status names."""
    book = new_book()
    live = book.request()
    duplicate = book.request(at=T0 + HOUR)
    book.sign("a.chen", live, PO, T0 + HOUR)
    book.revoke("c.ruiz", duplicate.id, T0 + 2 * HOUR)
    decision = decide(book.state, SHA_A, T0 + 3 * HOUR)
    assert decision.request == live and decision.missing == (SO,)
    assert decision.reasons[0] == (
        f"2 requests for this file and none allows it; this is the live one, {short_id(live.id)}"
    )
    assert live_requests(book.state, SHA_A, T0 + 3 * HOUR) == (live,)


def test_live_requests_leave_out_withdrawn_outdated_and_lapsed_ones() -> None:
    book = new_book()
    first = book.request()
    assert live_requests(book.state, SHA_A, T0 + HOUR) == (first,)
    assert live_requests(book.state, SHA_A, T0) == ()  # not yet made
    book.sign("a.chen", first, PO, T0 + HOUR)
    assert live_requests(book.state, SHA_A, T0 + 31 * DAY) == ()  # its approval lapsed
    book.revoke("c.ruiz", first.id, T0 + 2 * HOUR)
    assert live_requests(book.state, SHA_A, T0 + 3 * HOUR) == ()
    second = book.request(at=T0 + 4 * HOUR)
    book.adopt(policy_doc(version=2), at=T0 + 5 * HOUR)
    assert live_requests(book.state, SHA_A, T0 + 4 * HOUR + SECOND) == (second,)
    assert live_requests(book.state, SHA_A, T0 + 6 * HOUR) == ()  # made under v1


def test_an_approval_made_without_a_rescan_does_not_count_where_the_rule_needs_one() -> None:
    book = new_book()
    request = book.request()
    book.sign("a.chen", request, PO, T0 + HOUR, rescanned=False)
    book.sign("b.okafor", request, SO, T0 + HOUR)
    decision = decide(book.state, SHA_A, T0 + 2 * HOUR)
    assert not decision.allowed and decision.missing == (PO,)
    assert (
        "a.chen's approval as privacy-officer does not count: protected-person-release needs "
        f"{RESCANNED}, and a.chen signed without one"
    ) in decision.reasons


def test_a_sign_off_from_before_rescans_counts_as_made_without_one() -> None:
    book = new_book()
    request = book.request()
    old = book.sign("a.chen", request, PO, T0 + HOUR, rescanned=None)
    assert old.rescanned is False and old.summary_sha256 is None
    book.sign("b.okafor", request, SO, T0 + HOUR)
    assert not decide(book.state, SHA_A, T0 + 2 * HOUR).allowed


def test_a_rule_without_require_rescan_counts_any_approval() -> None:
    book = custom_book(require_rescan=False)
    request = book.request()
    book.sign("a.chen", request, PO, T0 + HOUR, rescanned=False)
    book.sign("b.okafor", request, SO, T0 + HOUR, rescanned=False)
    assert decide(book.state, SHA_A, T0 + 2 * HOUR).allowed


def test_decide_resolves_a_short_request_id() -> None:
    book, request, _, _ = approved()
    assert decide(book.state, SHA_A, T0 + 3 * HOUR, request_id=short_id(request.id)).allowed
    with pytest.raises(UsageError, match=r"no request 000000000000 in the ledger"):
        decide(book.state, SHA_A, T0 + 3 * HOUR, request_id="000000000000")


# -- rules written differently --------------------------------------------------------------------


def test_a_role_required_twice_needs_two_distinct_officials() -> None:
    book = custom_book(require=[{"role": PO, "count": 2}])
    request = book.request()
    book.sign("a.chen", request, PO, T0 + HOUR)
    decision = decide(book.state, SHA_A, T0 + 2 * HOUR)
    assert not decision.allowed and decision.missing == (PO,)
    book.sign("e.nguyen", request, PO, T0 + 2 * HOUR)
    assert decide(book.state, SHA_A, T0 + 3 * HOUR).allowed


def test_a_role_missing_twice_is_said_in_words() -> None:
    book = custom_book(require=[{"role": PO, "count": 2}])
    book.request()
    decision = decide(book.state, SHA_A, T0 + 2 * HOUR)
    assert decision.missing == (PO, PO)
    assert decision.reasons == ("missing: 2 sign-offs as privacy-officer",)


def test_requester_may_sign_where_the_rule_says_so() -> None:
    book = custom_book(requester_may_sign=True)
    request = book.request(by="e.nguyen")
    book.sign("e.nguyen", request, PO, T0 + HOUR)
    book.sign("b.okafor", request, SO, T0 + HOUR)
    assert decide(book.state, SHA_A, T0 + 2 * HOUR).allowed


def test_without_distinct_signers_one_official_may_fill_both_roles() -> None:
    book = custom_book(distinct_signers=False)
    request = book.request()
    book.sign("f.silva", request, PO, T0 + HOUR)
    book.sign("f.silva", request, SO, T0 + HOUR)
    assert decide(book.state, SHA_A, T0 + 2 * HOUR).allowed


def test_a_rejection_need_not_block_where_the_rule_says_so() -> None:
    book = custom_book(rejection_blocks=False)
    request = book.request()
    book.sign("b.okafor", request, SO, T0 + HOUR, reject=True)
    book.sign("a.chen", request, PO, T0 + HOUR)
    book.sign("f.silva", request, SO, T0 + HOUR)
    assert decide(book.state, SHA_A, T0 + 2 * HOUR).allowed


def test_decision_as_json() -> None:
    book, request, _, _ = approved()
    data = decide(book.state, SHA_A, T0 + 3 * HOUR).to_dict()
    assert data["allowed"] is True and data["request"] == request.id
    assert data["policy"] == {"id": "8cfr208.6", "version": 1}
    assert [u["signer"] for u in data["used"]] == ["a.chen", "b.okafor"]
    assert data["expires"] == "2026-12-20T10:00:00Z"


# -- the pre-check before signing ---------------------------------------------------------------


def test_check_signoff_picks_the_one_role_needed() -> None:
    book = new_book()
    request = book.request()
    at = T0 + HOUR
    assert check_signoff(book.state, short_id(request.id), "a.chen", None, "approve", at) == (
        request,
        PO,
    )
    assert check_signoff(book.state, request.id, "b.okafor", None, "approve", at)[1] == SO


def test_check_signoff_asks_for_a_role_when_several_are_open() -> None:
    book = new_book()
    request = book.request()
    with pytest.raises(UsageError, match=r"f.silva holds several roles") as caught:
        check_signoff(book.state, request.id, "f.silva", None, "approve", T0 + HOUR)
    assert caught.value.hint == "choose one with --role"
    book.sign("a.chen", request, PO, T0 + HOUR)
    assert check_signoff(book.state, request.id, "f.silva", None, "approve", T0 + HOUR)[1] == SO


@pytest.mark.parametrize(
    ("official", "role", "decision", "message"),
    [
        ("c.ruiz", None, "approve", "^c.ruiz made this request and cannot approve it$"),
        ("c.ruiz", None, "reject", "c.ruiz made this request and cannot reject it"),
        ("d.patel", None, "approve", "d.patel holds none of the roles this request needs"),
        ("a.chen", "admin", "approve", "this request needs no sign-off as admin"),
        ("a.chen", PO, "approve", "^a.chen already signed this request as privacy-officer$"),
        ("zed", PO, "approve", "zed is not in the roster in force"),
        ("g.ito", PO, "approve", "g.ito's key is not valid on 2026-11-20"),
        ("e.nguyen", PO, "maybe", "approves or rejects"),
    ],
)
def test_check_signoff_refuses(
    official: str, role: str | None, decision: str, message: str
) -> None:
    book = new_book()
    request = book.request()
    book.sign("a.chen", request, PO, T0 + HOUR)
    with pytest.raises((UsageError, BlockedError), match=message) as caught:
        check_signoff(book.state, request.id, official, role, decision, T0 + 2 * HOUR)
    expected = EXIT_BLOCKED if "cannot approve" in message else 2
    assert caught.value.exit_code == expected


def test_check_signoff_refuses_a_withdrawn_request() -> None:
    book = new_book()
    request = book.request()
    book.revoke("c.ruiz", request.id, T0 + HOUR)
    with pytest.raises(UsageError, match=r"was withdrawn by c.ruiz"):
        check_signoff(book.state, request.id, "a.chen", PO, "approve", T0 + 2 * HOUR)


# -- properties ---------------------------------------------------------------------------------

REVIEWERS = {"a.chen": (PO,), "b.okafor": (SO,), "e.nguyen": (PO,), "f.silva": (PO, SO)}
REQUESTERS = ["c.ruiz", "e.nguyen", "f.silva"]
VALIDITY = timedelta(days=30)


@dataclass(frozen=True)
class Event:
    """One sign-off in a generated ledger."""

    official: str
    role: str
    reject: bool
    seconds: int  # after the request; under 5 minutes, so any order is a valid ledger
    revoked: bool


@st.composite
def events(draw: st.DrawFn) -> list[Event]:
    out = []
    for _ in range(draw(st.integers(0, 6))):
        official = draw(st.sampled_from(sorted(REVIEWERS)))
        out.append(
            Event(
                official,
                draw(st.sampled_from(REVIEWERS[official])),
                draw(st.integers(0, 3)) == 0,  # one sign-off in four rejects
                draw(st.integers(0, 240)),
                draw(st.integers(0, 4)) == 0,
            )
        )
    return out


def build(requester: str, scenario: list[Event]) -> tuple[Book, Request]:
    book = new_book(validate=False)
    request = book.request(by=requester)
    start = request.at + timedelta(minutes=1)
    signed = [
        book.sign(
            e.official, request, e.role, start + timedelta(seconds=e.seconds), reject=e.reject
        )
        for e in scenario
    ]
    revoke_at = start + timedelta(minutes=5)
    for event, signoff in zip(scenario, signed, strict=True):
        if event.revoked:
            book.revoke(event.official, signoff.id, revoke_at)
    return book, request


def model_allows(requester: str, scenario: list[Event], at: datetime) -> bool:
    """The rule stated plainly: no live rejection, and two distinct eligible officials."""
    start = T0 + timedelta(minutes=2)
    live = [e for e in scenario if not e.revoked]
    if any(e.reject for e in live):
        return False
    eligible = {
        (e.official, e.role)
        for e in live
        if e.official != requester and at < start + timedelta(seconds=e.seconds) + VALIDITY
    }
    officials = {o for o, _ in eligible}
    return any(
        (a, PO) in eligible and (b, SO) in eligible for a, b in itertools.permutations(officials, 2)
    )


ages = st.integers(0, 40 * 24).map(lambda hours: T0 + timedelta(minutes=10, hours=hours))


def same(a: Decision, b: Decision) -> bool:
    return (
        a.allowed == b.allowed
        and a.missing == b.missing
        # Ids differ (each statement names the head its signer saw); what was signed does not.
        and {(s.signer, s.role, s.at) for s in a.used} == {(s.signer, s.role, s.at) for s in b.used}
        and a.expires == b.expires
        and set(a.reasons) == set(b.reasons)
    )


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(REQUESTERS), events(), ages)
def test_decision_matches_the_rule_stated_plainly(
    requester: str, scenario: list[Event], at: datetime
) -> None:
    book, _ = build(requester, scenario)
    decision = decide(book.state, SHA_A, at)
    assert decision.allowed == model_allows(requester, scenario, at)
    if decision.allowed:
        # Never with fewer distinct approvers than required slots, never the requester's.
        assert len({s.signer for s in decision.used}) >= 2
        assert {s.role for s in decision.used} == {PO, SO}
        assert all(s.approves and s.signer != requester for s in decision.used)
        assert decision.expires is not None and at < decision.expires
        assert decision.missing == ()
    else:
        assert decision.missing or any(r.startswith("rejected by") for r in decision.reasons)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(REQUESTERS), events(), ages, st.sampled_from(sorted(REVIEWERS)))
def test_adding_a_rejection_never_unblocks(
    requester: str, scenario: list[Event], at: datetime, rejecter: str
) -> None:
    book, request = build(requester, scenario)
    before = decide(book.state, SHA_A, at)
    role = REVIEWERS[rejecter][0]
    book.sign(rejecter, request, role, T0 + timedelta(minutes=9), reject=True)
    after = decide(book.state, SHA_A, at)
    assert not after.allowed
    assert before.allowed or not after.allowed


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(REQUESTERS), events(), ages, st.integers(0, 40 * 24))
def test_time_moving_on_never_unblocks(
    requester: str, scenario: list[Event], at: datetime, hours: int
) -> None:
    book, _ = build(requester, scenario)
    later = at + timedelta(hours=hours)
    if decide(book.state, SHA_A, later).allowed:
        assert decide(book.state, SHA_A, at).allowed


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(REQUESTERS), events(), ages, st.randoms(use_true_random=False))
def test_the_order_of_independent_signoffs_does_not_matter(
    requester: str, scenario: list[Event], at: datetime, random: Any
) -> None:
    book, _ = build(requester, scenario)
    shuffled = list(scenario)
    random.shuffle(shuffled)
    other, _ = build(requester, shuffled)
    assert same(decide(book.state, SHA_A, at), decide(other.state, SHA_A, at))


# -- found in review: each was a way to be allowed when the policy says no ----------------------


def test_one_officials_duplicate_signoffs_do_not_fill_a_role_required_twice() -> None:
    book = custom_book(require=[{"role": SO, "count": 2}], distinct_signers=False)
    request = book.request()
    book.sign("b.okafor", request, SO, T0 + HOUR)
    book.sign("b.okafor", request, SO, T0 + 2 * HOUR)  # a clone's duplicate, or a second try
    decision = decide(book.state, SHA_A, T0 + 3 * HOUR)
    assert not decision.allowed
    assert decision.missing == (SO,)


def test_an_approval_stops_counting_when_the_appointment_ends() -> None:
    # g.ito's window ended on 2026-10-31: an approval dated inside it never counts later.
    book = Book()
    book.adopt(at=datetime(2026, 10, 1, tzinfo=T0.tzinfo))
    request = book.request(at=datetime(2026, 10, 2, tzinfo=T0.tzinfo))
    book.sign("g.ito", request, PO, datetime(2026, 10, 3, tzinfo=T0.tzinfo))
    book.sign("b.okafor", request, SO, datetime(2026, 10, 3, tzinfo=T0.tzinfo))
    inside = decide(book.state, SHA_A, datetime(2026, 10, 20, tzinfo=T0.tzinfo))
    assert inside.allowed
    after = decide(book.state, SHA_A, datetime(2026, 11, 2, tzinfo=T0.tzinfo))
    assert not after.allowed
    assert "g.ito is no longer a designated official" in " ".join(after.reasons)


# -- key rotation: roster-only adoptions and compromised keys (issue 14, item 6) --------------


def test_a_roster_only_adoption_keeps_standing_approvals() -> None:
    book, request, chen, okafor = approved()
    book.adopt(policy_doc(), rotated("b.okafor"), at=T0 + 3 * HOUR)
    decision = decide(book.state, SHA_A, T0 + 4 * HOUR)
    assert decision.allowed and decision.used == (chen, okafor)
    assert decision.reasons == ()
    assert live_requests(book.state, SHA_A, T0 + 4 * HOUR) == (request,)
    # The request stays open to sign under the new roster (a policy change would refuse it).
    assert check_signoff(book.state, request.id, "f.silva", SO, "reject", T0 + 4 * HOUR) == (
        request,
        SO,
    )


def test_a_new_key_signs_a_request_made_before_the_rotation() -> None:
    book = new_book()
    request = book.request()
    book.sign("a.chen", request, PO, T0 + HOUR)
    book.adopt(policy_doc(), rotated("b.okafor", since=T0 + 2 * HOUR), at=T0 + 3 * HOUR)
    okafor = book.sign("b.okafor", request, SO, T0 + 4 * HOUR, key_of="b.okafor.new")
    decision = decide(book.state, SHA_A, T0 + 5 * HOUR)
    assert decision.allowed and okafor in decision.used


def test_approvals_by_a_compromised_key_count_before_the_stated_time_and_not_after() -> None:
    book = new_book()
    before = book.request()
    book.sign("a.chen", before, PO, T0 + HOUR)
    book.sign("b.okafor", before, SO, T0 + HOUR)
    after = book.request(sha256=SHA_B, at=T0 + 2 * HOUR)
    book.sign("a.chen", after, PO, T0 + 3 * HOUR)
    stolen = book.sign("b.okafor", after, SO, T0 + 3 * HOUR)  # the laptop went at T0+2h
    assert decide(book.state, SHA_B, T0 + 4 * HOUR).allowed  # nobody knew yet
    book.adopt(policy_doc(), rotated("b.okafor", since=T0 + 2 * HOUR), at=T0 + 4 * HOUR)
    assert decide(book.state, SHA_A, T0 + 5 * HOUR).allowed
    decision = decide(book.state, SHA_B, T0 + 5 * HOUR)
    assert not decision.allowed and decision.missing == (SO,)
    assert (
        "b.okafor's approval as senior-official does not count: made on 2026-11-20T12:00:00Z "
        "with a key reported compromised since 2026-11-20T11:00:00Z"
    ) in decision.reasons
    # The auditor's view of the moment before the roster named it: allowed then.
    assert decide(book.state, SHA_B, T0 + 4 * HOUR - SECOND).allowed
    # b.okafor signs again with the new key: the thief's sign-off does not stand in the way.
    assert check_signoff(book.state, after.id, "b.okafor", SO, "approve", T0 + 5 * HOUR)
    assert book.state.compromised(stolen) == T0 + 2 * HOUR


def test_an_official_removed_from_the_roster_keeps_approvals_until_they_expire() -> None:
    """Not compromised, only removed: she signs nothing new, and what she approved while
    designated stands until it expires (a privacy officer revokes it to end it sooner)."""
    book, _, chen, okafor = approved()
    without = roster_doc({k: v for k, v in OFFICIALS.items() if k != "b.okafor"}, version=2)
    book.adopt(policy_doc(), without, at=T0 + 3 * HOUR)
    decision = decide(book.state, SHA_A, T0 + 4 * HOUR)
    assert decision.allowed and decision.used == (chen, okafor)
    expired = decide(book.state, SHA_A, okafor.at + 30 * DAY)
    assert not expired.allowed and "b.okafor's approval expired on" in " ".join(expired.reasons)
    with pytest.raises(IntegrityError, match="which is not in the roster in force"):
        book.sign("b.okafor", book.request(sha256=SHA_B, at=T0 + 5 * HOUR), SO, T0 + 6 * HOUR)


def test_a_rejection_by_a_compromised_key_after_the_stated_time_does_not_block() -> None:
    book = new_book()
    request = book.request()
    book.sign("b.okafor", request, SO, T0 + 3 * HOUR, reject=True)  # the thief, at T0+3h
    assert not decide(book.state, SHA_A, T0 + 3 * HOUR).allowed
    book.adopt(policy_doc(), rotated("b.okafor", since=T0 + 2 * HOUR), at=T0 + 4 * HOUR)
    book.sign("a.chen", request, PO, T0 + 5 * HOUR)
    book.sign("f.silva", request, SO, T0 + 5 * HOUR)
    decision = decide(book.state, SHA_A, T0 + 6 * HOUR)
    assert decision.allowed
    assert (
        "b.okafor's rejection (senior-official) does not count: made on 2026-11-20T12:00:00Z "
        "with a key reported compromised since 2026-11-20T11:00:00Z"
    ) in decision.reasons


def test_a_request_made_with_a_compromised_key_after_the_stated_time_blocks() -> None:
    book = new_book()
    request = book.request(at=T0 + 3 * HOUR)  # c.ruiz's laptop went at T0+2h
    book.sign("a.chen", request, PO, T0 + 3 * HOUR)
    book.sign("b.okafor", request, SO, T0 + 3 * HOUR)
    book.adopt(policy_doc(), rotated("c.ruiz", since=T0 + 2 * HOUR), at=T0 + 4 * HOUR)
    decision = decide(book.state, SHA_A, T0 + 5 * HOUR)
    assert not decision.allowed
    assert decision.reasons[0] == (
        f"request {short_id(request.id)} was made on 2026-11-20T12:00:00Z with a key reported "
        "compromised since 2026-11-20T11:00:00Z: request again"
    )
    assert live_requests(book.state, SHA_A, T0 + 5 * HOUR) == ()
    assert key("c.ruiz") == request.key
