"""The gate's decisions and the time: a decision is kept until the first moment it could change
by the time alone, and taken again then, before it is served (the red-team round on the gate).

The ledger accepts a clock a few minutes ahead, so a revocation, a rejection, a sign-off or an
adoption may be dated ahead of now, and counts from its own moment; an official's appointment
and an approval end at theirs. Each one here comes into force two seconds after the gate took
its decision, with the gate polling nothing (``poll`` of an hour): only the time moves.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from approval.detect.scan import scan_file
from approval.policy import default_policy, load_policy, load_roster
from approval.serve.follower import Follower
from approval.serve.gate import APPROVED, Gate
from approval.statements import now
from approval.trust.summaries import summary_digest
from tests.serve.servers import run
from tests.support import KeyMaker
from tests.world import POLICY, World

AHEAD = timedelta(seconds=2)  # how far ahead of the decision a statement is dated
PROTECTED_CSV = (
    "name,a_number,birthdate,case_status\n"
    "Maria Garcia,A212345678,1985-03-02,credible fear found\n"
    "Jose Hernandez,A212345679,1990-07-14,credible fear pending\n"
)
CASES_CSV = "A-Number,Case\nA212345678,asylum claim pending\nA212345679,asylum claim granted\n"


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    world = World(tmp_path, make_key)
    world.roster()  # every key made now: the moments ahead are counted from after the setup
    return world


@pytest.fixture
def site(world: World) -> Path:
    site = world.root / "www"
    site.mkdir()
    (site / "people.csv").write_text(PROTECTED_CSV)
    return site


async def until(moment: datetime) -> None:
    """Sleep until the clock has passed ``moment`` (statements carry whole seconds)."""
    await asyncio.sleep(max(0.0, moment.timestamp() - time.time()) + 0.05)


def adopt(
    world: World, at: datetime, policy: Path | None = None, roster: Path | None = None
) -> str:
    roster = roster or world.roster()
    return world.append_at(
        "adoption",
        at,
        "a.admin",
        "b.admin",
        policy=load_policy(policy or world.policy(), roster).to_dict(),
        roster=load_roster(roster).to_dict(),
        previous=None,
    )


def requested(world: World, path: Path, adoption: str, at: datetime) -> str:
    report = scan_file(path, default_policy())
    return world.append_at(
        "request", at, "p.publisher",
        artifact={"sha256": report.sha256, "size": report.size, "name": path.name},
        policy={"id": "8cfr208.6", "version": 1, "adoption": adoption},
        purpose="FY2022 statistics", destination="www", scan=report.summary(),
    )  # fmt: skip


def signed(
    world: World, path: Path, request: str, who: str, role: str, at: datetime, decision: str
) -> str:
    report = scan_file(path, default_policy())
    return world.append_at(
        "signoff", at, who, request=request, artifact_sha256=report.sha256,
        decision=decision, role=role, rescanned=True,
        summary_sha256=summary_digest(report.summary()),
    )  # fmt: skip


def approved(
    world: World, path: Path, start: datetime, signed_at: datetime, roster: Path | None = None
) -> tuple[str, str, list[str]]:
    """A ledger adopted at ``start``, a request for ``path`` a second later, and both sign-offs
    at ``signed_at``: the adoption's, the request's and the sign-offs' ids."""
    adoption = adopt(world, start, roster=roster)
    request = requested(world, path, adoption, start + timedelta(seconds=1))
    signoffs = [
        signed(world, path, request, who, role, signed_at, "approve")
        for who, role in (("o.privacy", "privacy-officer"), ("s.senior", "senior-official"))
    ]
    return adoption, request, signoffs


def roster_ending(world: World, official: str, at: datetime) -> Path:
    """The whole cast, ``official``'s appointment ending at ``at``."""
    path = world.roster(name="roster-ending.yaml")
    text = path.read_text()
    entry = f"  - id: {official}\n"
    path.write_text(text.replace(entry, f'{entry}    valid_until: "{at.isoformat()}"\n'))
    return path


def answers_around(world: World, site: Path, moment: datetime) -> tuple[list[str], int]:
    """The gate's words for people.csv before ``moment`` (twice: the second warm) and just
    after it, polling nothing; and how many decisions it took."""

    async def body(gate: Gate) -> tuple[list[str], int]:
        words = [(await gate.answer(b"/people.csv")).word for _ in range(2)]
        await until(moment)
        words.append((await gate.answer(b"/people.csv")).word)
        return words, gate.decided

    return run(Gate(site, Follower(world.ledger), poll=3600.0, racy=0.0), body)


# -- what the time alone takes away ----------------------------------------------------------


def _revoke_signoff(world: World, path: Path, request: str, signoffs: list[str]) -> datetime:
    at = now() + AHEAD
    world.append_at("revocation", at, "o.privacy", target=signoffs[0], reason="by mistake")
    return at


def _withdraw_request(world: World, path: Path, request: str, signoffs: list[str]) -> datetime:
    at = now() + AHEAD
    world.append_at("revocation", at, "p.publisher", target=request, reason="wrong file")
    return at


def _reject(world: World, path: Path, request: str, signoffs: list[str]) -> datetime:
    at = now() + AHEAD
    signed(world, path, request, "t.senior", "senior-official", at, "reject")
    return at


CHANGES = {
    "a revocation of a sign-off": _revoke_signoff,
    "a withdrawal of the request": _withdraw_request,
    "a rejection": _reject,
}


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
def test_a_statement_dated_ahead_blocks_at_its_moment_without_a_poll(
    world: World, site: Path, change: str
) -> None:
    start = now() - timedelta(seconds=10)
    _, request, signoffs = approved(world, site / "people.csv", start, start + timedelta(seconds=2))
    moment = CHANGES[change](world, site / "people.csv", request, signoffs)
    words, decided = answers_around(world, site, moment)
    # Allowed before its moment (the decision at that time says so), refused from it on.
    assert words == [APPROVED, APPROVED, "protected"]
    assert decided == 2  # taken once, kept while warm, taken again at the moment


def test_an_appointment_that_ends_takes_its_approval_with_it(world: World, site: Path) -> None:
    start = now() - timedelta(seconds=10)
    moment = now() + AHEAD
    roster = roster_ending(world, "s.senior", moment)
    approved(world, site / "people.csv", start, start + timedelta(seconds=2), roster=roster)
    assert answers_around(world, site, moment)[0] == [APPROVED, APPROVED, "protected"]


def test_an_approval_that_expires_stops_at_its_moment(world: World, site: Path) -> None:
    # The default policy's approvals last 30 days: signed 30 days ago, less two seconds.
    moment = now() + AHEAD
    start = moment - timedelta(days=30, minutes=5)
    approved(world, site / "people.csv", start, moment - timedelta(days=30))
    assert answers_around(world, site, moment)[0] == [APPROVED, APPROVED, "protected"]


# -- what the time alone brings --------------------------------------------------------------


def test_a_sign_off_dated_ahead_counts_from_its_moment_not_before(world: World, site: Path) -> None:
    start = now() - timedelta(seconds=10)
    path = site / "people.csv"
    adoption = adopt(world, start)
    request = requested(world, path, adoption, start + timedelta(seconds=1))
    earlier = start + timedelta(seconds=2)
    signed(world, path, request, "o.privacy", "privacy-officer", earlier, "approve")
    moment = now() + AHEAD
    signed(world, path, request, "s.senior", "senior-official", moment, "approve")
    assert answers_around(world, site, moment)[0] == ["protected", "protected", APPROVED]


def _lenient_policy(world: World) -> Path:
    """The default policy, but an A-number alone identifies no one: CASES_CSV is clean."""
    doc: dict[str, Any] = yaml.safe_load(POLICY.read_text())
    for c in doc["classes"]:
        c["identified_by"] = [ids for ids in c["identified_by"] if ids != ["a-number"]]
    path = world.root / "lenient.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def test_a_stricter_policy_dated_ahead_is_in_force_at_its_moment(world: World, site: Path) -> None:
    (site / "cases.csv").write_text(CASES_CSV)
    roster = world.roster()
    first = adopt(world, now() - timedelta(seconds=10), _lenient_policy(world), roster)
    moment = now() + AHEAD
    world.append_at(
        "adoption",
        moment,
        "a.admin",
        "b.admin",
        policy=load_policy(world.policy(version=2), roster).to_dict(),
        roster=load_roster(roster).to_dict(),
        previous=first,
    )

    async def body(gate: Gate) -> list[tuple[str, int | None]]:
        def version() -> int | None:
            policy = gate.follower.policy
            return policy.version if policy is not None else None

        words = [((await gate.answer(b"/cases.csv")).word, version()) for _ in range(2)]
        await until(moment)
        words.append(((await gate.answer(b"/cases.csv")).word, version()))
        return words

    gate = Gate(site, Follower(world.ledger), poll=3600.0, racy=0.0)
    assert run(gate, body) == [("clean", 1), ("clean", 1), ("protected", 2)]


# -- near misses: what does not change --------------------------------------------------------


def test_a_statement_dated_ahead_about_other_bytes_changes_nothing_here(
    world: World, site: Path
) -> None:
    start = now() - timedelta(seconds=10)
    adoption, _, _ = approved(world, site / "people.csv", start, start + timedelta(seconds=2))
    other = site / "other.csv"
    other.write_text(PROTECTED_CSV.replace("Maria", "Ana"))
    moment = now() + AHEAD
    requested(world, other, adoption, moment)
    words, decided = answers_around(world, site, moment)
    assert words == [APPROVED] * 3
    assert decided == 1  # its decision could not change: not taken again


def test_a_warm_approval_is_not_decided_again_at_each_request(world: World, site: Path) -> None:
    start = now() - timedelta(seconds=10)
    approved(world, site / "people.csv", start, start + timedelta(seconds=2))

    async def body(gate: Gate) -> tuple[set[str], int]:
        words = {(await gate.answer(b"/people.csv")).word for _ in range(200)}
        return words, gate.decided

    gate = Gate(site, Follower(world.ledger), poll=3600.0, racy=0.0)
    assert run(gate, body) == ({APPROVED}, 1)


# -- the store's copies ------------------------------------------------------------------------


def test_a_copy_goes_from_the_store_when_a_revocation_dated_ahead_comes_into_force(
    world: World, site: Path
) -> None:
    start = now() - timedelta(seconds=10)
    _, request, signoffs = approved(world, site / "people.csv", start, start + timedelta(seconds=2))
    moment = _revoke_signoff(world, site / "people.csv", request, signoffs)
    store = world.root / "store"
    store.mkdir()

    async def body(gate: Gate) -> tuple[str, bool, bool]:
        answer = await gate.answer(b"/people.csv")
        there = (store / answer.file).exists()
        await until(moment)
        await asyncio.sleep(0.3)  # a few polls; no request
        return answer.word, there, (store / answer.file).exists()

    gate = Gate(site, Follower(world.ledger), poll=0.05, racy=0.0, store=str(store))
    assert run(gate, body) == (APPROVED, True, False)
