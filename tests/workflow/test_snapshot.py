"""The saved ledger state: it gives what a full replay gives, catches up entry by entry with the
same checks, and is never trusted for a rewritten history or from a directory others can write."""

from __future__ import annotations

import hashlib
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from approval.errors import IntegrityError
from approval.ledger import Ledger, snapshot
from approval.ledger.session import replay_verified
from approval.statements import now
from approval.trust.decision import decide
from approval.trust.state import LedgerState
from approval.trust.summaries import summary_digest
from tests.support import KeyMaker
from tests.world import World

SCAN = {
    "verdict": "protected",
    "format": "xlsx",
    "classes": {"protected-person": {"records": 3}},
    "findings": [
        {
            "class": "protected-person",
            "detector": "a-number",
            "location": {"sheet": "Detainees", "column": "B", "hidden": True},
            "count": 3,
        }
    ],
}


def sha(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


class Agency:
    """A ledger made in process with real keys: requests and sign-offs at chosen times."""

    def __init__(self, world: World, start: datetime):
        self.world = world
        self.at = start
        self.adoption = world.init_at(start)

    def tick(self) -> datetime:
        self.at += timedelta(minutes=1)
        return self.at

    def request(self, name: str, who: str = "p.publisher") -> str:
        return self.world.append_at(
            "request",
            self.tick(),
            who,
            artifact={"sha256": sha(name), "size": 10, "name": f"{name}.xlsx"},
            policy={"id": "8cfr208.6", "version": 1, "adoption": self.adoption},
            purpose="statistics",
            destination="www",
            scan=SCAN,
        )

    def sign(self, request: str, name: str, who: str, role: str, decision: str = "approve") -> str:
        body: dict[str, Any] = {}
        if decision == "reject":
            body["comment"] = "names on the second sheet"
        return self.world.append_at(
            "signoff",
            self.tick(),
            who,
            request=request,
            artifact_sha256=sha(name),
            decision=decision,
            role=role,
            # As an official's client records it after rescanning the bytes (review.py).
            rescanned=True,
            summary_sha256=summary_digest(SCAN),
            **body,
        )

    def approve(self, name: str) -> tuple[str, str, str]:
        request = self.request(name)
        first = self.sign(request, name, "o.privacy", "privacy-officer")
        second = self.sign(request, name, "s.senior", "senior-official")
        return request, first, second

    def revoke(self, target: str, who: str, reason: str = "wrong file") -> str:
        return self.world.append_at("revocation", self.tick(), who, target=target, reason=reason)


@pytest.fixture
def agency(tmp_path: Path, make_key: KeyMaker) -> Agency:
    return Agency(World(tmp_path, make_key), now() - timedelta(days=2))


def _open(agency: Agency) -> Ledger:
    return Ledger.open(agency.world.ledger)


def _full(ledger: Ledger) -> LedgerState:
    return replay_verified(ledger, head=ledger.head())


def _same(a: LedgerState, b: LedgerState, names: list[str]) -> None:
    assert [r.id for r in a.records()] == [r.id for r in b.records()]
    assert a.latest == b.latest
    at = now()
    for name in names:
        assert decide(a, sha(name), at).to_dict() == decide(b, sha(name), at).to_dict()


def test_saved_state_is_the_replayed_state(agency: Agency) -> None:
    agency.approve("stats")
    request = agency.request("other")
    agency.sign(request, "other", "o.privacy", "privacy-officer", "reject")
    with _open(agency) as ledger:
        head = ledger.head()
        first = snapshot.open_view(ledger, head, min_entries=0)
        assert not first.from_cache and first.replayed == 6
        first.close()
        with snapshot.open_view(ledger, head, min_entries=0) as second:
            assert second.from_cache and second.replayed == 0
            _same(second.state(), _full(ledger), ["stats", "other", "none"])
            allowed = decide(second.state_for([sha("stats")]), sha("stats"), now())
            assert allowed.allowed and len(allowed.used) == 2
            refused = decide(second.state_for([sha("other")]), sha("other"), now())
            assert not refused.allowed and "rejected by o.privacy" in " ".join(refused.reasons)


def test_catching_up_verifies_only_the_new_entries(agency: Agency) -> None:
    _, first, _ = agency.approve("stats")
    with _open(agency) as ledger:
        snapshot.open_view(ledger, ledger.head(), min_entries=0).close()
    agency.revoke(first, "o.privacy")  # about "stats": its slice must see it
    agency.approve("new")
    with _open(agency) as ledger:
        head = ledger.head()
        with snapshot.open_view(ledger, head, min_entries=0) as view:
            assert view.from_cache and view.replayed == 4
            assert not decide(view.state_for([sha("stats")]), sha("stats"), now()).allowed
            assert decide(view.state_for([sha("new")]), sha("new"), now()).allowed
            _same(view.state(), _full(ledger), ["stats", "new"])
        with snapshot.open_view(ledger, head, min_entries=0) as again:
            assert again.replayed == 0  # the catch-up was saved


def test_a_forged_entry_after_the_snapshot_fails_as_a_replay_does(agency: Agency) -> None:
    agency.approve("stats")
    with _open(agency) as ledger:
        snapshot.open_view(ledger, ledger.head(), min_entries=0).close()
    # A request signed with a key outside the roster, appended straight into the ledger.
    agency.world.keys["p.publisher"] = agency.world.make_key("z.intruder")
    agency.request("forged")
    with _open(agency) as ledger:
        with pytest.raises(IntegrityError) as full:
            _full(ledger)
        with pytest.raises(IntegrityError) as cached:
            snapshot.open_view(ledger, ledger.head(), min_entries=0)
        assert cached.value.exit_code == 3
        assert cached.value.message == full.value.message


def test_the_whole_ledgers_clock_applies_to_a_slice(agency: Agency) -> None:
    agency.approve("stats")
    with _open(agency) as ledger:
        snapshot.open_view(ledger, ledger.head(), min_entries=0).close()
    agency.request("late")  # the latest entry, about another artifact
    agency.at -= timedelta(minutes=30)
    agency.request("backdated")  # 30 minutes before it: the ledger cannot go back in time
    with _open(agency) as ledger:
        with pytest.raises(IntegrityError, match="cannot go back in time"):
            _full(ledger)
        with pytest.raises(IntegrityError, match="cannot go back in time"):
            snapshot.open_view(ledger, ledger.head(), min_entries=0)


def test_a_rewritten_history_is_replayed_from_the_start(agency: Agency) -> None:
    agency.approve("stats")
    with _open(agency) as ledger:
        old_head = ledger.head()
        assert old_head is not None
        snapshot.open_view(ledger, old_head, min_entries=0).close()
        # Rewrite: the branch goes back before the sign-offs and takes another path.
        parent = subprocess.run(
            ["git", "--git-dir", str(ledger.git_dir), "rev-parse", f"{old_head}~2"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        subprocess.run(
            ["git", "--git-dir", str(ledger.git_dir), "update-ref", "refs/heads/ledger", parent],
            check=True,
        )
    agency.request("elsewhere")
    with _open(agency) as ledger:
        head = ledger.head()
        assert head is not None and not ledger.is_ancestor(old_head, head)
        with snapshot.open_view(ledger, head, min_entries=0) as view:
            assert not view.from_cache
            assert not decide(view.state_for([sha("stats")]), sha("stats"), now()).allowed
            _same(view.state(), _full(ledger), ["stats", "elsewhere"])


def test_a_damaged_database_is_rebuilt(agency: Agency) -> None:
    agency.approve("stats")
    with _open(agency) as ledger:
        head = ledger.head()
        snapshot.open_view(ledger, head, min_entries=0).close()
        path = snapshot.database_path(ledger)
        assert path is not None and path.exists()
        path.write_bytes(b"this is not a database" * 100)
        for suffix in ("-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        with snapshot.open_view(ledger, head, min_entries=0) as view:
            assert not view.from_cache
            _same(view.state(), _full(ledger), ["stats"])
        with snapshot.open_view(ledger, head, min_entries=0) as view:
            assert view.from_cache


def test_a_cache_others_can_write_is_not_used(agency: Agency, tmp_path: Path) -> None:
    agency.approve("stats")
    with _open(agency) as ledger:
        path = snapshot.database_path(ledger)
        assert path is not None
        path.parent.chmod(0o777)
        assert snapshot.database_path(ledger) is None
        with snapshot.open_view(ledger, ledger.head(), min_entries=0) as view:
            assert view.db is None and not view.from_cache
            assert decide(view.state_for([sha("stats")]), sha("stats"), now()).allowed
        path.parent.chmod(0o700)


def test_a_ledger_below_min_entries_is_not_saved(agency: Agency) -> None:
    agency.approve("stats")
    with _open(agency) as ledger:
        head = ledger.head()
        snapshot.open_view(ledger, head, min_entries=5).close()  # 4 entries
        with snapshot.open_view(ledger, head, min_entries=5) as view:
            assert not view.from_cache and view.replayed == 4
        snapshot.open_view(ledger, head).close()  # by default, any ledger is saved
        with snapshot.open_view(ledger, head) as view:
            assert view.from_cache and view.replayed == 0


def test_load_uses_the_saved_state(agency: Agency) -> None:
    from approval.ledger.session import load

    agency.approve("stats")
    with _open(agency) as ledger:
        snapshot.open_view(ledger, ledger.head(), min_entries=0).close()
    agency.approve("more")
    with load(agency.world.ledger) as session, _open(agency) as ledger:
        _same(session.state, _full(ledger), ["stats", "more"])


def test_an_adoption_after_the_snapshot_is_checked_and_applies(agency: Agency) -> None:
    from approval.policy import load_policy, load_roster

    agency.approve("stats")
    with _open(agency) as ledger:
        snapshot.open_view(ledger, ledger.head(), min_entries=0).close()
    world = agency.world
    roster = world.roster(version=2, name="roster2.yaml")
    policy = world.policy(version=2, name="policy2.yaml")
    world.append_at(
        "adoption",
        agency.tick(),
        "a.admin",
        "b.admin",
        policy=load_policy(policy, roster).to_dict(),
        roster=load_roster(roster).to_dict(),
        previous=agency.adoption,
    )
    with _open(agency) as ledger, snapshot.open_view(ledger, ledger.head(), min_entries=0) as view:
        assert view.from_cache and view.replayed == 1
        assert len(view.adoptions) == 2
        decision = decide(view.state_for([sha("stats")]), sha("stats"), now())
        assert not decision.allowed  # approved under v1; v2 is in force: request again
        assert "request again" in decision.reasons[0]
        _same(view.state(), _full(ledger), ["stats"])


def test_a_slice_that_does_not_load_is_replayed(agency: Agency) -> None:
    import sqlite3

    agency.approve("stats")
    with _open(agency) as ledger:
        head = ledger.head()
        snapshot.open_view(ledger, head, min_entries=0).close()
        path = snapshot.database_path(ledger)
        assert path is not None
        with sqlite3.connect(path) as db:
            db.execute(
                "UPDATE slices SET records = ? WHERE sha = ?", (b"not a pickle", sha("stats"))
            )
        with snapshot.open_view(ledger, head, min_entries=0) as view:
            assert view.from_cache
            assert decide(view.state_for([sha("stats")]), sha("stats"), now()).allowed
        with snapshot.open_view(ledger, head, min_entries=0) as view:  # saved again, whole
            assert decide(view.state_for([sha("stats")]), sha("stats"), now()).allowed
            _same(view.state(), _full(ledger), ["stats"])


def test_a_revocation_of_an_export_is_refused_as_a_replay_refuses_it(agency: Agency) -> None:
    request, first, second = agency.approve("stats")
    export = agency.world.append_at(
        "export",
        agency.tick(),
        "p.publisher",
        artifact={"sha256": sha("stats"), "size": 10, "name": "stats.xlsx"},
        destination="/srv/www",
        request=request,
        signoffs=[first, second],
        policy={"id": "8cfr208.6", "version": 1, "adoption": agency.adoption},
    )
    with _open(agency) as ledger:
        snapshot.open_view(ledger, ledger.head()).close()
    agency.revoke(export, "p.publisher")  # only requests and sign-offs can be revoked
    with _open(agency) as ledger:
        with pytest.raises(IntegrityError) as full:
            _full(ledger)
        with pytest.raises(IntegrityError) as cached:
            snapshot.open_view(ledger, ledger.head())
        assert "which is an export" in full.value.message
        assert cached.value.message == full.value.message


def test_a_statement_caught_up_while_the_database_is_busy_is_found_by_its_id(
    agency: Agency,
) -> None:
    import sqlite3

    agency.approve("stats")
    with _open(agency) as ledger:
        snapshot.open_view(ledger, ledger.head()).close()
        path = snapshot.database_path(ledger)
    assert path is not None
    late = agency.request("late")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process writing: the catch-up is not saved
    try:
        with _open(agency) as ledger, snapshot.open_view(ledger, ledger.head()) as view:
            assert view.replayed == 1
            request, state = view.request(late[:6])
            assert request.id == late and state.requests_for(sha("late")) == (request,)
    finally:
        other.execute("ROLLBACK")
        other.close()
    with _open(agency) as ledger, snapshot.open_view(ledger, ledger.head()) as view:
        assert view.replayed == 1  # not saved then: caught up again, and saved now
        assert view.request(late[:6])[0].id == late
    with _open(agency) as ledger, snapshot.open_view(ledger, ledger.head()) as view:
        assert view.replayed == 0
        assert view.request(late[:6])[0].id == late


def test_a_catch_up_reads_one_snapshot_while_another_command_saves(agency: Agency) -> None:
    """Issue 14: a command that read the saved head B, then the slices after another command
    had caught them up past B, applied those entries twice ("appears twice in the ledger",
    exit 3). The steps of ``open_view``, with the other command's save in between."""
    agency.approve("stats")
    with _open(agency) as ledger:
        snapshot.open_view(ledger, ledger.head(), min_entries=0).close()  # saved at B
    agency.approve("stats-2")  # three entries after B, one of them about a new slice
    agency.revoke(agency.request("stats"), "p.publisher")  # and one about the saved slice
    with _open(agency) as ledger:
        head = ledger.head()
        assert head is not None
        db = snapshot.connect(ledger)
        assert db is not None
        snapshot._begin_read(db)
        saved = snapshot._saved(db, ledger, head)
        assert saved is not None and saved[0] != head
        with _open(agency) as other:  # another command catches up to head and saves
            snapshot.open_view(other, head, min_entries=0).close()
        base, numbered, latest, count = saved
        view = snapshot.View(base, numbered, latest, db, from_cache=True, ledger=ledger)
        with view:
            snapshot._catch_up(view, ledger, head, count)
            _same(view.state(), _full(ledger), ["stats", "stats-2"])


def test_a_catch_up_applies_the_export_rule_as_the_audit_does(agency: Agency) -> None:
    """Regression: the catch-up from a saved state kept its own rule set, without the export
    rule, so an export the audit refuses (named no sign-offs, made while none counted) was taken
    into a command's state. It now goes through the one verifier."""
    from approval.trust.failure import AuditFailure, Rule

    request = agency.request("stats")
    with _open(agency) as ledger:
        snapshot.open_view(ledger, ledger.head(), min_entries=0).close()  # saved here
    agency.world.append_at(
        "export", agency.tick(), "p.publisher",
        artifact={"sha256": sha("stats"), "size": 10, "name": "stats.xlsx"},
        destination="www", request=request, signoffs=[],
        policy={"id": "8cfr208.6", "version": 1, "adoption": agency.adoption},
    )  # fmt: skip
    with _open(agency) as ledger:
        with pytest.raises(AuditFailure) as caught:
            snapshot.open_view(ledger, ledger.head(), min_entries=0)
        with pytest.raises(AuditFailure) as replayed:
            _full(ledger)
    assert caught.value.rule is replayed.value.rule is Rule.EXPORT
    assert caught.value.message == replayed.value.message


def test_a_catch_up_applies_the_seen_head_rule_as_the_audit_does(agency: Agency) -> None:
    """A statement naming a head that is not in this history is refused by the catch-up, as
    by a replay from the first entry (it used to be taken)."""
    from approval.ledger.session import new_statement
    from approval.signing import load_private_key, sign_statement
    from approval.statements import Envelope
    from approval.trust.failure import AuditFailure, Rule

    request = agency.request("stats")
    with _open(agency) as ledger:
        snapshot.open_view(ledger, ledger.head(), min_entries=0).close()
        statement = new_statement(
            "revocation", "f" * 40, agency.tick(), signer="p.publisher", target=request,
            reason="wrong file",
        )  # fmt: skip
        key = load_private_key(agency.world.key("p.publisher").private)
        ledger.append(Envelope(statement, (sign_statement(statement, key, "p.publisher"),)))
    with _open(agency) as ledger, pytest.raises(AuditFailure) as caught:
        snapshot.open_view(ledger, ledger.head(), min_entries=0)
    assert caught.value.rule is Rule.SEEN_HEAD
