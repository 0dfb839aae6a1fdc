"""``approval checkpoint``: witnesses vouch for the state at a head; a fresh clone starts there
and reads only what came after; the audit checks every checkpoint against its own replay; a
false checkpoint, or one signed by anyone but a witness, is refused."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from approval.errors import IntegrityError, UsageError
from approval.ledger import Ledger
from approval.ledger.snapshot import open_view
from approval.ledger.storage import StoredEntry
from approval.ledger.verifying import replay_from_first
from approval.policy import load_policy, load_roster
from approval.statements import now
from approval.trust.checkpoint import records_to_document, state_digest
from approval.trust.witness import FORMAT, carry
from approval.workflow.checkpoint import checkpoint_status, make_checkpoint
from tests.support import KeyMaker
from tests.world import CAST, World

WITNESSES = {"w.witness": ("witness",), "x.witness": ("witness",)}


class Counting(Ledger):
    """The ledger, counting the entries it hands out (to the verifier, through every path)."""

    handed = 0

    def entries(
        self, head: str | None = None, *, since: str | None = None, use_cache: bool = True
    ) -> Iterator[StoredEntry]:
        for entry in super().entries(head, since=since, use_cache=use_cache):
            self.handed += 1
            yield entry


def _build(world: World, *, threshold: int = 1, requests: int = 8, every: int | None = None) -> str:
    """An adoption whose roster has two witnesses (whose policy asks for a checkpoint every
    ``every`` entries, when given), then ``requests`` requests, in the past; the last
    request's id ("" without one). The one set-up ``approval status`` and ``doctor`` tests
    share."""
    roster = world.roster({**{k: roles for k, (_, roles) in CAST.items()}, **WITNESSES})
    policy = world.policy()
    text = policy.read_text()
    if every is not None:
        assert "  every: 10000" in text and "  threshold: 1\n" in text
        text = text.replace("  every: 10000", f"  every: {every}")
    policy.write_text(text.replace("  threshold: 1\n", f"  threshold: {threshold}\n"))
    start = now() - timedelta(days=1)
    adoption = world.append_at(
        "adoption", start, "a.admin", "b.admin",
        policy=load_policy(policy, roster).to_dict(), roster=load_roster(roster).to_dict(),
        previous=None,
    )  # fmt: skip
    made = [_request(world, start + timedelta(minutes=n + 1), n, adoption) for n in range(requests)]
    return made[-1] if made else ""


def _request(world: World, at: datetime, n: int, adoption: str) -> str:
    return world.append_at(
        "request", at, "p.publisher",
        artifact={"sha256": f"{n:02x}" * 32, "size": 10 + n, "name": f"file{n}.csv"},
        policy={"id": "8cfr208.6", "version": 1, "adoption": adoption},
        purpose="FY2022 statistics", destination="www",
        scan={
            "verdict": "protected", "format": "csv", "findings": [],
            "classes": {"protected-person": {"records": 3}},
        },
    )  # fmt: skip


def _adoption(world: World) -> str:
    with Ledger.open(world.ledger) as ledger:
        first = next(iter(ledger.entries()))
        return first.envelope.id


def _fresh_clone(world: World, name: str) -> Path:
    """A plain ``git clone --bare`` of the ledger: no saved state of its own (new path)."""
    path = world.root / name
    subprocess.run(["git", "clone", "--quiet", "--bare", str(world.ledger), str(path)], check=True)
    return path


def _open(path: Path) -> tuple[int, int, int]:
    """(entries handed out, entries the view verified, entries in the state) on ``path``."""
    ledger = Counting.open(path)
    assert isinstance(ledger, Counting)  # Ledger.open makes its own class
    with ledger, open_view(ledger, ledger.head()) as view:
        return ledger.handed, view.replayed, len(view.state())


def _head_count(path: Path) -> tuple[str, int]:
    with Ledger.open(path) as ledger:
        head = ledger.head()
        assert head is not None
        return head, len(replay_from_first(ledger, head).state)


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    return World(tmp_path, make_key)


def test_a_fresh_clone_reads_only_the_entries_after_the_checkpoint(world: World) -> None:
    _build(world, requests=12)
    made = make_checkpoint(world.ledger, world.key("w.witness").private, None)
    assert (made.count, made.cosigned, made.signers) == (13, False, ("w.witness",))
    adoption = _adoption(world)
    for n in range(3):  # after the checkpoint: now, not in the past
        _request(world, now(), 40 + n, adoption)
    total = 13 + 1 + 3
    handed, replayed, held = _open(_fresh_clone(world, "clone.git"))
    assert held == total
    # The adoption chain (1), the checkpoint (read once to check it, once caught up) and the
    # three after it: never the twelve requests before it.
    assert replayed == total - 13
    assert handed <= 1 + 1 + (total - 13)
    # Without a checkpoint the same ledger is read whole.
    plain = World(world.root / "plain", world.make_key)
    plain.root.mkdir()
    plain.keys = world.keys
    _build(plain, requests=12)
    handed, replayed, held = _open(_fresh_clone(plain, "plain.git"))
    assert (replayed, held) == (13, 13)
    assert world.run("audit").code == 0, world.last.output if world.last else ""


def test_the_threshold_counts_distinct_witnesses_before_a_clone_trusts_it(world: World) -> None:
    _build(world, threshold=2, requests=5)
    first = make_checkpoint(world.ledger, world.key("w.witness").private, None)
    assert first.signers == ("w.witness",) and not first.cosigned
    with pytest.raises(UsageError, match="already vouched"):
        make_checkpoint(world.ledger, world.key("w.witness").private, None)
    _, replayed, _ = _open(_fresh_clone(world, "one.git"))
    assert replayed == 7  # one witness of two: every entry is verified
    second = make_checkpoint(world.ledger, world.key("x.witness").private, None)
    assert second.cosigned and second.signers == ("w.witness", "x.witness")
    assert (second.head, second.count, second.digest) == (first.head, first.count, first.digest)
    _, replayed, held = _open(_fresh_clone(world, "two.git"))
    assert (replayed, held) == (2, 8)  # both checkpoints, after the head they vouch for
    standing = checkpoint_status(world.ledger)
    assert (standing.signers, standing.since, standing.due) == (
        ("w.witness", "x.witness"),
        2,
        False,
    )


def test_only_a_witness_may_sign_a_checkpoint(world: World) -> None:
    _build(world, requests=2)
    with pytest.raises(UsageError, match="witness"):
        make_checkpoint(world.ledger, world.key("p.publisher").private, None)
    # Signed by hand with a publisher's key: the verifier refuses it, the audit fails.
    head, count = _head_count(world.ledger)
    with Ledger.open(world.ledger) as ledger:
        state = replay_from_first(ledger, head).state
    document = records_to_document(state.records()).decode()
    world.append_at(
        "checkpoint", now(), "p.publisher", head=head, count=count, format=FORMAT,
        state_sha256=state_digest(document.encode()), state=carry(document.encode()),
    )  # fmt: skip
    audit = world.run("audit")
    assert audit.code == 3, audit.output
    assert "does not hold the role 'witness'" in audit.output
    with pytest.raises(IntegrityError, match="witness"):
        _open(_fresh_clone(world, "clone.git"))


def _forge(world: World, change: Any) -> str:
    """A witness signs a checkpoint of the head whose state ``change`` altered."""
    head, count = _head_count(world.ledger)
    with Ledger.open(world.ledger) as ledger:
        records = list(replay_from_first(ledger, head).state.records())
    document = records_to_document(change(records)).decode()
    return world.append_at(
        "checkpoint", now(), "w.witness", head=head, count=count, format=FORMAT,
        state_sha256=state_digest(document.encode()), state=carry(document.encode()),
    )  # fmt: skip


def test_a_checkpoint_of_another_state_fails_the_audit_and_the_clone(world: World) -> None:
    _build(world, requests=3)
    _forge(world, lambda records: records[:-1])  # a request left out
    audit = world.run("audit")
    assert audit.code == 3, audit.output
    assert "a false checkpoint" in audit.stderr
    assert len([line for line in audit.stderr.splitlines() if "false checkpoint" in line]) == 1
    with pytest.raises(IntegrityError, match="false checkpoint"):
        _open(_fresh_clone(world, "clone.git"))


def test_a_checkpoint_whose_records_lie_fails_the_audit(world: World) -> None:
    import dataclasses

    _build(world, requests=3)

    def lie(records: list[Any]) -> list[Any]:
        return [*records[:-1], dataclasses.replace(records[-1], destination="elsewhere")]

    _forge(world, lie)
    audit = world.run("audit")
    assert audit.code == 3, audit.output
    assert "a false checkpoint" in audit.stderr


def test_a_checkpoint_carrying_a_record_of_another_kind_fails_the_first_command(
    world: World,
) -> None:
    """A request's id holding a made-up revocation of the request before it: the ids still
    line up with the history, the kinds do not. The first command of a fresh clone refuses
    it, as `approval clone` (which verifies every entry) and the audit do."""
    from approval.trust.state import Request, Revocation

    _build(world, requests=3)

    def disguise(records: list[Any]) -> list[Any]:
        last, before = records[-1], records[-2]
        assert isinstance(last, Request) and isinstance(before, Request)
        made_up = Revocation(last.id, before.id, last.requester, "made up", last.at)
        return [*records[:-1], made_up]

    _forge(world, disguise)
    with pytest.raises(IntegrityError, match="false checkpoint"):
        _open(_fresh_clone(world, "clone.git"))
    audit = world.run("audit")
    assert audit.code == 3, audit.output


def test_every_record_kind_is_named_as_its_statements_are() -> None:
    """The map the first command checks kinds with covers every kind a statement can have,
    and every kind of record a state holds."""
    import typing

    from approval.ledger.checkpoints import STATEMENT_KIND
    from approval.statements import KINDS
    from approval.trust.state import Record

    assert sorted(STATEMENT_KIND.values()) == sorted(KINDS)
    assert set(STATEMENT_KIND) == set(typing.get_args(Record))


def test_a_checkpoint_naming_a_wrong_count_fails_the_audit(world: World) -> None:
    _build(world, requests=3)
    head, count = _head_count(world.ledger)
    with Ledger.open(world.ledger) as ledger:
        state = replay_from_first(ledger, head).state
    document = records_to_document(state.records()).decode()
    world.append_at(
        "checkpoint", now(), "w.witness", head=head, count=count + 1, format=FORMAT,
        state_sha256=state_digest(document.encode()), state=carry(document.encode()),
    )  # fmt: skip
    audit = world.run("audit")
    assert audit.code == 3, audit.output
    assert f"is entry {count}" in audit.stderr


def test_without_a_cache_the_clone_still_starts_from_the_checkpoint(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _build(world, requests=6)
    make_checkpoint(world.ledger, world.key("w.witness").private, None)
    make_checkpoint(world.ledger, world.key("x.witness").private, None)  # a cosignature after
    clone = _fresh_clone(world, "nocache.git")
    blocked = world.root / "not-a-directory"
    blocked.write_text("")  # the cache directory cannot be made: no saved state at all
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    _, replayed, held = _open(clone)
    assert (replayed, held) == (2, 9)


def test_a_checkpoint_of_a_head_not_in_the_history_fails_the_audit(world: World) -> None:
    _build(world, requests=2)
    head, count = _head_count(world.ledger)
    with Ledger.open(world.ledger) as ledger:
        state = replay_from_first(ledger, head).state
    document = records_to_document(state.records())
    elsewhere = "0123456789abcdef" * 2 + "01234567"  # a commit id this history never had
    world.append_at(
        "checkpoint", now(), "w.witness", head=elsewhere, count=count, format=FORMAT,
        state_sha256=state_digest(document), state=carry(document),
    )  # fmt: skip
    audit = world.run("audit")
    assert audit.code == 3, audit.output
    assert "which is not an earlier commit here" in audit.stderr
    # A fresh clone never starts from it: the ledger is replayed, and refused at it.
    with pytest.raises(IntegrityError, match="not an earlier commit"):
        _open(_fresh_clone(world, "clone.git"))


def test_a_large_state_is_saved_by_a_detached_child(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from approval.ledger.snapshot import View, _save_detached, _saved, connect
    from approval.trust.state import Adoption

    _build(world, requests=4)
    monkeypatch.setenv("XDG_CACHE_HOME", str(world.root / "fresh-cache"))
    with Ledger.open(world.ledger) as ledger:
        head = ledger.head()
        assert head is not None
        state = replay_from_first(ledger, head).state
        numbered = tuple((n, r) for n, r in enumerate(state.records()) if isinstance(r, Adoption))
        view = View(head, numbered, state.latest, connect(ledger), state, ledger)
        child = _save_detached(view, ledger, head, state, at=0, wait=0)
        assert child is not None
        _, status = os.waitpid(child, 0)
        assert status == 0
        assert view.db is not None  # opened again in this process, and usable
        assert view.db.execute("SELECT count(*) FROM meta").fetchone() is not None
        db = connect(ledger)
        assert db is not None
        saved = _saved(db, ledger, head)
        db.close()
        view.close()
    assert saved is not None
    assert (saved[0], saved[3]) == (head, len(state))


def test_the_newest_checkpoint_is_parsed_ahead_with_its_digest(world: World) -> None:
    from approval.ledger.checkpoints import _prepared

    _build(world, requests=5)
    made = make_checkpoint(world.ledger, world.key("w.witness").private, None)
    _request(world, now(), 50, _adoption(world))
    with Ledger.open(_fresh_clone(world, "ahead.git")) as ledger:
        head = ledger.head()
        assert head is not None
        prepared = _prepared(ledger, head)
        state = replay_from_first(ledger, made.head).state
    assert prepared is not None
    digest, parsed = prepared
    # The very digest the checked path compares before it takes the state parsed ahead.
    assert digest == state_digest(records_to_document(state.records()))
    assert [r.id for r in parsed.records()] == [r.id for r in state.records()]


def test_the_state_parsed_ahead_is_the_one_the_checked_path_parses(world: World) -> None:
    from approval.ledger.checkpoints import start

    _build(world, requests=5)
    make_checkpoint(world.ledger, world.key("w.witness").private, None)
    make_checkpoint(world.ledger, world.key("x.witness").private, None)  # a cosignature after
    with Ledger.open(_fresh_clone(world, "both.git")) as ledger:
        head = ledger.head()
        assert head is not None
        ahead, checked = start(ledger, head), start(ledger, head, ahead=False)
    assert ahead is not None and checked is not None
    assert (ahead.head, ahead.count, ahead.digest) == (checked.head, checked.count, checked.digest)
    assert ahead.state.records() == checked.state.records()
