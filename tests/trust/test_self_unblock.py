"""An admin may not overrule the rejection that blocks their own request.

A rejection blocks the bytes (every request for their sha256), so an admin who requests the same
bytes again (``--again``) is a requester of what it blocks: withdrawing someone else's
rejection of them is refused on admission (exit 3) and by the pre-check (exit 2), and a
withdrawal made before the admin's request stops counting once the request is made. Statements
are signed with the officials' real keys and handed to the verifier as a rogue client's append.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from approval.errors import UsageError
from approval.statements import now
from approval.trust.decision import decide
from approval.trust.failure import AuditFailure, Rule
from approval.trust.state import check_revocation
from approval.trust.verifier import Verifier
from tests.audit.conftest import Story
from tests.trust.rogue import Rogue

SHA = "34" * 32
FILE = {"sha256": SHA, "size": 10, "name": "interviews.csv"}


@pytest.fixture(scope="module")
def rogue(story: Story) -> Rogue:
    return Rogue.of(story)


def _rejected(rogue: Rogue) -> tuple[Verifier, str]:
    """The publisher's request for the file, rejected by the senior official: (verifier, the
    rejection's id)."""
    verifier = rogue.fresh()
    request = rogue.say(verifier, "request", "p.publisher", **rogue.request(artifact=FILE))
    rejection = rogue.say(
        verifier, "signoff", "s.senior", request=request.id, artifact_sha256=SHA,
        decision="reject", role="senior-official", comment="names inside",
    )  # fmt: skip
    return verifier, rejection.id


def _again(rogue: Rogue, verifier: Verifier, who: str, **when: object) -> str:
    body = rogue.request(artifact=FILE, again="asking again")
    return rogue.say(verifier, "request", who, **body, **when).id


def test_an_admin_who_requested_the_bytes_may_not_withdraw_their_rejection(rogue: Rogue) -> None:
    verifier, rejection = _rejected(rogue)
    _again(rogue, verifier, "a.admin")
    count = verifier.count
    with pytest.raises(UsageError, match=r"a\.admin requested the same file and may not withdraw"):
        check_revocation(verifier.state, rejection, "a.admin", now())
    with pytest.raises(AuditFailure) as refused:
        rogue.say(verifier, "revocation", "a.admin", target=rejection, reason="overruled")
    assert refused.value.rule is Rule.TRUST
    assert "a.admin requested the same file and may not withdraw s.senior's rejection" in (
        refused.value.problem
    )
    assert verifier.count == count
    decision = decide(verifier.state, SHA, now())
    assert not decision.allowed
    assert [s.id for s in decision.rejections] == [rejection]


def test_another_admin_may_withdraw_it(rogue: Rogue) -> None:
    """The escape hatch stays: an admin who asked for nothing withdraws the rejection."""
    verifier, rejection = _rejected(rogue)
    _again(rogue, verifier, "a.admin")
    check_revocation(verifier.state, rejection, "b.admin", now())
    rogue.say(verifier, "revocation", "b.admin", target=rejection, reason="official left")
    decision = decide(verifier.state, SHA, now() + timedelta(seconds=1))
    assert decision.rejections == ()
    assert any("withdrawn by b.admin" in reason for reason in decision.reasons)


def test_a_withdrawal_made_before_the_admins_request_stops_counting_then(rogue: Rogue) -> None:
    """Withdraw first, request after: admitted (the admin had asked for nothing), and the
    rejection blocks again from the admin's request on; before it, it was withdrawn."""
    verifier, rejection = _rejected(rogue)
    start = now()
    rogue.say(verifier, "revocation", "a.admin", target=rejection, reason="overruled", at=start)
    later = start + timedelta(minutes=1)
    _again(rogue, verifier, "a.admin", at=later)

    before = decide(verifier.state, SHA, start + timedelta(seconds=30))
    assert before.rejections == ()
    after = decide(verifier.state, SHA, later)
    assert not after.allowed
    assert [s.id for s in after.rejections] == [rejection]
    assert (
        "a.admin's withdrawal of s.senior's rejection does not count: a.admin requested this file"
        in after.reasons
    )
    # Nor does it count as a withdrawal for the pre-check: another admin may still withdraw it.
    assert check_revocation(verifier.state, rejection, "b.admin", later).id == rejection


def test_the_rejecting_official_may_withdraw_their_own_rejection_of_bytes_they_requested(
    rogue: Rogue,
) -> None:
    """Only someone else's rejection is at stake: q.publisher (also a privacy officer) rejects
    the file, requests it too, and withdraws their own rejection: it counts."""
    verifier = rogue.fresh()
    request = rogue.say(verifier, "request", "p.publisher", **rogue.request(artifact=FILE))
    rejection = rogue.say(
        verifier, "signoff", "q.publisher", request=request.id, artifact_sha256=SHA,
        decision="reject", role="privacy-officer", comment="names inside",
    )  # fmt: skip
    _again(rogue, verifier, "q.publisher")
    rogue.say(verifier, "revocation", "q.publisher", target=rejection.id, reason="my mistake")
    assert verifier.state.revocation_of(rejection.id) is not None
