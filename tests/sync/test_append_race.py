"""Check-then-commit: a statement checked against the ledger at one head goes in on that head
only; when another writer got there first, it is checked again against what came in, with the
audit's rules, and refused if the ledger now refuses it. Before this, the lost compare-and-swap
rebuilt the entry on the new tip unchecked, and every later replay stopped on it (exit 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.ledger import Ledger
from approval.ledger.replication import Refused
from approval.ledger.session import Session, load, new_statement, sign_and_append
from approval.ledger.storage import HeadMoved
from approval.signing import PrivateKey
from approval.statements import now
from approval.workflow.audit import replay_ledger
from tests.ledger.envelopes import load_key, revocation
from tests.support import KeyMaker
from tests.sync.conftest import subjects
from tests.world import CAST, World


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    world = World(tmp_path, make_key)
    assert world.init().code == 0
    return world


def _key(world: World, official: str) -> PrivateKey:
    return load_key(world.key(official).private)


def _signoff(session: Session, request: str, who: str, role: str) -> dict[str, object]:
    return new_statement(
        "signoff", session.head, now(), signer=who, request=request,
        artifact_sha256=session.state.request(request).sha256, decision="approve", role=role,
    )  # fmt: skip


def _intact(world: World) -> int:
    """Entries in the ledger, after a full verified replay (as `approval audit`) passes."""
    with Ledger.open(world.ledger) as ledger:
        report, state = replay_ledger(ledger, ledger.head())
    assert report.failure is None, report.failure.message
    return len(state)


# -- storage: append on an expected tip ---------------------------------------------------------


def test_append_on_an_expected_tip_refuses_a_moved_one(tmp_path: Path, make_key: KeyMaker) -> None:
    key = load_key(make_key("clerk").private)
    with Ledger.create(tmp_path / "ledger") as ledger:
        first = ledger.append(revocation(key, "one"), expect=None)
        second = ledger.append(revocation(key, "two"))
        with pytest.raises(HeadMoved) as moved:
            ledger.append(revocation(key, "three"), expect=first)
        assert (moved.value.expected, moved.value.found) == (first, second)
        assert ledger.head() == second
        third = ledger.append(revocation(key, "three"), expect=second)
        assert [e.commit for e in ledger.entries()] == [first, second, third]


def test_a_commit_made_on_a_parent_moves_nothing_until_swapped_in(
    tmp_path: Path, make_key: KeyMaker
) -> None:
    key = load_key(make_key("clerk").private)
    with Ledger.create(tmp_path / "ledger") as ledger:
        first = ledger.append(revocation(key, "one"))
        made = ledger.commit_entry(revocation(key, "two"), first)
        assert ledger.head() == first
        assert not ledger.set_head(made, expect=None)  # the branch is not where we said
        assert ledger.set_head(made, expect=first)
        assert [e.envelope.statement["reason"] for e in ledger.entries()] == [
            "withdrawn (one)",
            "withdrawn (two)",
        ]


# -- the workflow: check, append, and check again after a lost race ------------------------------


def test_a_statement_the_ledger_refuses_after_a_concurrent_adoption_is_not_appended(
    world: World,
) -> None:
    file = world.root / "stats.xlsx"
    from approval.demo.synthetic import detention_workbook

    detention_workbook(file, count=4)
    request = world.request(file)
    with load(world.ledger) as session:
        statement = _signoff(session, request, "o.privacy", "privacy-officer")
        # While o.privacy reviews, the admins adopt a roster without o.privacy.
        without = {k: roles for k, (_, roles) in CAST.items() if k != "o.privacy"}
        adopted = world.run(
            "policy", "adopt", world.policy(version=2, name="policy2.yaml"),
            "--roster", world.roster(without, version=2, name="roster2.yaml"),
            "--key", world.key("a.admin").private, "--key", world.key("b.admin").private,
        )  # fmt: skip
        assert adopted.code == 0, adopted.output
        with pytest.raises(Refused) as refused:
            sign_and_append(session, statement, [(_key(world, "o.privacy"), "o.privacy")])
        assert refused.value.exit_code == 1
        assert "was not recorded" in refused.value.message
        assert "not in the roster in force" in refused.value.message
    assert subjects(world.ledger)[-1].startswith("adoption ")
    assert _intact(world) == 3  # adoption, request, adoption: and it replays


def test_an_export_decided_before_a_concurrent_revocation_is_refused(world: World) -> None:
    """The state alone would take it (an export names sign-offs that exist); the audit's rule,
    that the export was allowed when it was made, refuses it, so it never lands to fail every
    later audit."""
    from approval.demo.synthetic import detention_workbook
    from approval.trust.decision import decide

    file = world.root / "stats.xlsx"
    detention_workbook(file, count=4)
    request = world.request(file)
    assert world.sign(request, "o.privacy").code == 0
    assert world.sign(request, "s.senior").code == 0
    with load(world.ledger) as session:
        at = now()
        sha = session.state.request(request).sha256
        decision = decide(session.state, sha, at, request_id=request)
        assert decision.allowed
        withdrawn = decision.used[0]
        revoked = world.run("revoke", withdrawn.id, "--reason", "wrong sheet", as_=withdrawn.signer)
        assert revoked.code == 0, revoked.output
        adoption = session.state.current
        # Recorded as the export command does, at the moment it appends: after the revocation.
        statement = new_statement(
            "export", session.head, now(), signer="p.publisher",
            artifact={"sha256": sha, "size": file.stat().st_size, "name": file.name},
            destination="/srv/www/stats.xlsx", request=request,
            signoffs=[s.id for s in decision.used],
            policy={"id": adoption.policy.id, "version": adoption.policy.version,
                    "adoption": adoption.id},
        )  # fmt: skip
        with pytest.raises(Refused) as refused:
            sign_and_append(session, statement, [(_key(world, "p.publisher"), "p.publisher")])
        assert "revoked" in refused.value.message
    assert subjects(world.ledger)[-1].startswith("revocation ")
    assert _intact(world) == 5


def test_a_statement_still_valid_after_a_lost_race_lands_on_the_new_tip(world: World) -> None:
    from approval.demo.synthetic import detention_workbook

    file = world.root / "stats.xlsx"
    detention_workbook(file, count=4)
    request = world.request(file)
    with load(world.ledger) as session:
        seen = session.head
        statement = _signoff(session, request, "o.privacy", "privacy-officer")
        assert world.sign(request, "s.senior").code == 0  # lands first
        envelope = sign_and_append(session, statement, [(_key(world, "o.privacy"), "o.privacy")])
        assert envelope.statement["seen_head"] == seen  # what its signer saw, unchanged
        with Ledger.open(world.ledger) as ledger:
            assert session.head == ledger.head()
        assert len(session.state.signoffs_for(request)) == 2
    assert subjects(world.ledger)[-1] == f"signoff {envelope.id}"
    assert _intact(world) == 4
