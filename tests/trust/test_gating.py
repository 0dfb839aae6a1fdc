"""What a gate makes of a scan and a decision (``approval.trust.gating``), on plain values: the
status ``approval check`` and ``approval serve`` share, and the next moment at which the time
alone could change a decision (each way the time enters ``decide``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from approval.detect.report import CLEAN, PROTECTED, UNSCANNABLE, FileReport
from approval.policy import Official, Roster, default_policy
from approval.statements.kinds import Artifact
from approval.trust.decision import Decision
from approval.trust.gating import (
    APPROVED,
    BLOCKED,
    CLEAN_WORD,
    classes_of,
    next_change,
    status_of,
)
from approval.trust.state import Adoption, LedgerState, Record, Request, Revocation, SignOff

AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # the decision's time
SHA = "ab" * 32
POLICY = default_policy()
VALIDITY = timedelta(days=30)  # every rule of the default policy


def officials(**windows: tuple[datetime | None, datetime | None]) -> Roster:
    cast = {"o.privacy": "privacy-officer", "s.senior": "senior-official"}
    return Roster(
        officials=tuple(
            Official(who, who, (role,), ("ssh-ed25519 AAAA",), *windows.get(who, (None, None)))
            for who, role in cast.items()
        ),
        admin_threshold=1,
    )


def adoption(id: str, at: datetime, roster: Roster | None = None) -> Adoption:
    return Adoption(id, POLICY, roster or officials(), at, None, ("a.admin",))


REQUEST = Request(
    "rq1", "p.publisher", Artifact(sha256=SHA, size=10, name="people.csv"), "8cfr208.6", 1, "ad1",
    "statistics", "www", {"classes": {"protected-person": 2}}, AT - timedelta(hours=2),
)  # fmt: skip
APPROVAL = SignOff(
    "so1", "rq1", SHA, "o.privacy", "privacy-officer", "approve", None, AT - timedelta(hours=1)
)


def state(*extra: Record, roster: Roster | None = None) -> LedgerState:
    records = [adoption("ad1", AT - timedelta(days=1), roster), REQUEST, APPROVAL, *extra]
    return LedgerState.restore(records, max(r.at for r in records))


def test_with_nothing_ahead_the_next_change_is_the_approval_s_expiry() -> None:
    assert next_change(state(), AT) == APPROVAL.at + VALIDITY


SOON = AT + timedelta(seconds=20)

AHEAD = {
    "a revocation dated ahead": state(Revocation("rv1", "so1", "o.privacy", "mistake", SOON)),
    "a rejection dated ahead": state(
        SignOff("so2", "rq1", SHA, "s.senior", "senior-official", "reject", None, SOON)
    ),
    "an adoption dated ahead": state(adoption("ad2", SOON)),
    "an appointment ending": state(roster=officials(**{"s.senior": (None, SOON)})),
    "an appointment starting": state(roster=officials(**{"s.senior": (SOON, None)})),
    "an approval expiring": state(
        SignOff("so3", "rq1", SHA, "s.senior", "senior-official", "approve", None, SOON - VALIDITY),
    ),
}


@pytest.mark.parametrize("ledger", list(AHEAD.values()), ids=list(AHEAD))
def test_each_way_the_time_enters_a_decision_is_a_next_change(ledger: LedgerState) -> None:
    assert next_change(ledger, AT) == SOON


def test_what_is_at_or_before_the_decision_is_no_change_ahead() -> None:
    ledger = state(
        Revocation("rv1", "so1", "o.privacy", "mistake", AT),
        adoption("ad2", AT - timedelta(seconds=1)),
        roster=officials(**{"s.senior": (AT - timedelta(days=9), AT)}),
    )
    assert next_change(ledger, AT) == APPROVAL.at + VALIDITY
    # A rejection never expires: only approvals do.
    rejection = SignOff("so2", "rq1", SHA, "s.senior", "senior-official", "reject", None, AT)
    assert next_change(state(rejection), AT) == APPROVAL.at + VALIDITY


def test_a_ledger_with_nothing_that_lapses_never_changes_by_the_time() -> None:
    first = adoption("ad1", AT - timedelta(days=1))
    assert next_change(LedgerState.restore([first], first.at), AT) is None


ALLOWED = Decision(True, None, (), (), ("approved",))
REFUSED = Decision(False, None, (), ("senior-official",), ("missing",))


@pytest.mark.parametrize(
    ("verdict", "classes", "decision", "status", "asked"),
    [
        (CLEAN, {}, None, CLEAN_WORD, []),
        (CLEAN, {}, REFUSED, CLEAN_WORD, []),  # a clean file needs no decision
        (PROTECTED, {"protected-person": 2}, ALLOWED, APPROVED, ["protected-person"]),
        (PROTECTED, {"protected-person": 2}, REFUSED, BLOCKED, ["protected-person"]),
        (PROTECTED, {"protected-person": 2}, None, BLOCKED, ["protected-person"]),  # no ledger
        (UNSCANNABLE, {}, None, BLOCKED, [UNSCANNABLE]),
        (UNSCANNABLE, {}, ALLOWED, APPROVED, [UNSCANNABLE]),
    ],
)
def test_the_status_a_gate_gives(
    verdict: str,
    classes: dict[str, int],
    decision: Decision | None,
    status: str,
    asked: list[str],
) -> None:
    report = FileReport("f", SHA, 10, "csv", verdict, classes=classes)  # type: ignore[arg-type]
    assert status_of(report, decision) == status
    assert classes_of(report) == asked
