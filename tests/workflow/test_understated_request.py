"""A request counts only for what it describes: every gate holds the bytes to it.

The attack reproduced: a patched requester's client records a request whose scan summary
understates the file (1 person where the bytes hold 40, a class left out). Officials approve
that description; a privacy officer may do so without the bytes at hand (the personal-data rule
needs no rescan). ``decide``, given the gate's own scan, refuses to let more out than the
request described, so check, status, serve and export say the same. Real ledger, real keys,
the request appended with the requester's own key as the patched client would.
"""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from approval.demo.synthetic import people
from approval.detect.scan import scan_file
from approval.ledger import Ledger
from approval.policy import default_policy
from approval.serve.follower import Follower
from approval.serve.gate import Gate
from approval.statements import now
from approval.trust.summaries import summary_digest
from approval.workflow.check import check
from approval.workflow.export import export_file
from approval.workflow.review import status
from tests.support import KeyMaker
from tests.world import World

PERSONS = 40
Summary = dict[str, Any]


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    root = tmp_path / "office"
    root.mkdir()
    world = World(root, make_key)
    assert world.init().code == 0
    (root / "site").mkdir()
    return world


def staff_csv(path: Path, count: int = PERSONS) -> Path:
    """Names with birthdates: personal-data (one privacy officer, no rescan required)."""
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["name", "birthdate", "department"])
        for p in people(count, seed=7):
            out.writerow([p.name, p.birthdate.isoformat(), "operations"])
    return path


def claims_csv(path: Path, count: int = PERSONS) -> Path:
    """A-numbers with fear-interview results: protected-person (two roles, with rescans)."""
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["Name", "A-Number", "Nationality", "Fear Result"])
        for p in people(count, seed=11):
            out.writerow([p.name, p.a_number, p.nationality, p.fear_result])
    return path


# -- what a patched client writes into the request -------------------------------------------


def honest(summary: Summary) -> Summary:
    return summary


def one_person(summary: Summary) -> Summary:
    """Every class scaled down to one person (the red team's rogue client)."""
    return {
        **summary,
        "classes": {c: {**v, "records": 1} for c, v in summary["classes"].items()},
        "findings": [{**f, "count": 1} for f in summary["findings"]],
    }


def fewer(summary: Summary) -> Summary:
    """One person fewer than the bytes hold: the smallest lie is still one."""
    return {
        **summary,
        "classes": {c: {**v, "records": v["records"] - 1} for c, v in summary["classes"].items()},
    }


def no_class(summary: Summary) -> Summary:
    """The classes left out altogether; the verdict kept."""
    return {**summary, "classes": {}, "findings": []}


def more(summary: Summary) -> Summary:
    """More persons than the bytes hold (another scanner version): approving more than was
    there lets nothing out the officials did not approve."""
    return {
        **summary,
        "classes": {c: {**v, "records": v["records"] + 60} for c, v in summary["classes"].items()},
    }


def _adoption(world: World) -> str:
    with Ledger.open(world.ledger) as ledger:
        return next(e.envelope.id for e in ledger.entries() if e.envelope.kind == "adoption")


def request_as(world: World, path: Path, describe: Callable[[Summary], Summary]) -> str:
    """A request for the real bytes of ``path``, whose summary ``describe`` writes, signed
    with the publisher's own key; the id."""
    report = scan_file(path, default_policy())
    return world.append_at(
        "request", now(), "p.publisher",
        artifact={"sha256": report.sha256, "size": report.size, "name": path.name},
        policy={"id": "8cfr208.6", "version": 1, "adoption": _adoption(world)},
        purpose="FY2022 statistics", destination="www",
        scan=describe(report.summary()),
    )  # fmt: skip


def approve(world: World, request: str, path: Path) -> None:
    """Every role the bytes' rules need, approved by its official (with a rescan recorded
    where the rule needs one, as a client that checked the request's own summary would)."""
    report = scan_file(path, default_policy())
    with Ledger.open(world.ledger) as ledger:
        scan = next(
            e.envelope.statement["scan"] for e in ledger.entries() if e.envelope.id == request
        )
    roles = [("o.privacy", "privacy-officer")]
    if "protected-person" in report.classes:
        roles.append(("s.senior", "senior-official"))
    sha = report.sha256
    for who, role in roles:
        world.append_at(
            "signoff", now(), who, request=request, artifact_sha256=sha, decision="approve",
            role=role, rescanned=True, summary_sha256=summary_digest(scan),
        )  # fmt: skip


def served(world: World, site: Path, name: str) -> bool:
    """Whether ``approval serve`` lets ``/name`` out of ``site``."""

    async def main() -> bool:
        gate = Gate(site, Follower(world.ledger))
        await gate.start()
        try:
            return (await gate.answer(f"/{name}".encode())).allowed
        finally:
            await gate.stop()

    return asyncio.run(main())


def gates(world: World, path: Path, tmp_path: Path) -> dict[str, bool]:
    """Whether each gate lets the file out: check, status, serve, export."""
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    exported = export_file(world.ledger, path, out, world.key("p.publisher").private, None)
    return {
        "check": check(world.ledger, [path], jobs=1).exit_code == 0,
        "status": status(world.ledger, str(path)).decision.allowed,
        "serve": served(world, path.parent, path.name),
        "export": exported.exported,
    }


EVERYWHERE = {"check": True, "status": True, "serve": True, "export": True}
NOWHERE = {"check": False, "status": False, "serve": False, "export": False}


@pytest.mark.parametrize("make", [staff_csv, claims_csv], ids=["personal-data", "protected"])
@pytest.mark.parametrize(
    ("describe", "allowed"),
    [(one_person, False), (fewer, False), (no_class, False), (honest, True), (more, True)],
    ids=["one-person", "one-fewer", "class-left-out", "honest", "says-more"],
)
def test_every_gate_holds_the_bytes_to_what_the_approved_request_describes(
    world: World,
    tmp_path: Path,
    make: Callable[[Path], Path],
    describe: Callable[[Summary], Summary],
    allowed: bool,
) -> None:
    path = make(world.root / "site" / f"{make.__name__.split('_')[0]}.csv")
    approve(world, request_as(world, path, describe), path)
    assert gates(world, path, tmp_path) == (EVERYWHERE if allowed else NOWHERE)


def test_an_honest_request_for_the_same_bytes_still_lets_them_out(
    world: World, tmp_path: Path
) -> None:
    path = staff_csv(world.root / "site" / "staff.csv")
    rogue = request_as(world, path, one_person)
    approve(world, rogue, path)
    assert gates(world, path, tmp_path) == NOWHERE
    # The honest request made after the rogue one, and approved: the most recent allowing
    # request counts, the rogue one allows nothing.
    approve(world, request_as(world, path, honest), path)
    assert gates(world, path, tmp_path) == EVERYWHERE


def test_the_cli_says_why_and_what_to_do_and_exits_1(world: World) -> None:
    path = staff_csv(world.root / "site" / "staff.csv")
    request = request_as(world, path, one_person)
    approve(world, request, path)
    why = (
        f"the file holds more than request {request[:12]} describes, which is what its "
        f"officials approved: {PERSONS} persons of personal-data, where the request names "
        "1 person"
    )
    checked = world.run("check", path)
    assert checked.code == 1, checked.output
    assert why in " ".join(checked.stdout.split())
    shown = world.run("status", path)
    assert shown.code == 1, shown.output
    assert why in " ".join(shown.stdout.split())
    assert f"approval revoke {request[:12]}" in shown.stdout  # the request must go
    exported = world.run("export", path, "--to", world.root, as_="p.publisher")
    assert exported.code == 1, exported.output
    assert why in " ".join(exported.stdout.split())


def test_sign_with_the_file_refuses_the_understated_request(world: World, tmp_path: Path) -> None:
    """Officials who rescan are not fooled in the first place: ``sign --file`` refuses."""
    desk = tmp_path / "desk"
    desk.mkdir()
    for make, who in ((staff_csv, "o.privacy"), (claims_csv, "s.senior")):
        path = make(desk / f"{make.__name__}.csv")
        request = request_as(world, path, one_person)
        refused = world.sign(request[:12], who, "--file", str(path))
        assert refused.code == 1, refused.output
        assert f"request {request[:12]} does not describe its file" in refused.stderr
        assert "Traceback" not in refused.stderr
