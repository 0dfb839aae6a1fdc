"""``approval watch --once``: each new event once, as one JSON line, the position remembered
per ledger in the user's cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from approval.demo.synthetic import detention_workbook
from tests.support import CliResult, KeyMaker, run_approval
from tests.world import World


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    world = World(tmp_path, make_key)
    assert world.init().code == 0
    return world


def watch(world: World, cache: Path, *args: str) -> tuple[CliResult, list[dict[str, object]]]:
    result = run_approval(
        "watch",
        "--once",
        *args,
        cwd=world.root,
        env={"APPROVAL_LEDGER": str(world.ledger), "XDG_CACHE_HOME": str(cache)},
    )
    assert result.code == 0, result.output
    return result, [json.loads(line) for line in result.stdout.splitlines()]


def test_each_event_is_printed_once(world: World, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert watch(world, cache)[1] == []  # the first run starts now
    workbook = world.root / "stats.xlsx"
    detention_workbook(workbook, count=7)
    request = world.request(workbook)
    _, seen = watch(world, cache)
    assert [(e["event"], e["id"]) for e in seen] == [("request", request)]
    assert watch(world, cache)[1] == []
    assert world.sign(request, "o.privacy").code == 0
    assert world.run("revoke", request, "--reason", "wrong", as_="p.publisher").code == 0
    _, seen = watch(world, cache)
    assert [e["event"] for e in seen] == ["signoff", "revocation"]
    assert seen[1]["target"] == request and seen[1]["target_kind"] == "request"
    # Another user's cache (or a lost one) starts where asked: here, the first entry.
    _, everything = watch(world, tmp_path / "other-cache", "--from-start")
    assert [e["event"] for e in everything] == ["request", "signoff", "revocation"]


def test_expiring_approvals_are_told_once(world: World, tmp_path: Path) -> None:
    workbook = world.root / "stats.xlsx"
    detention_workbook(workbook, count=7)
    request = world.request(workbook)
    for who in ("o.privacy", "s.senior"):
        assert world.sign(request, who).code == 0
    cache = tmp_path / "cache"
    _, seen = watch(world, cache, "--expiring", "60")
    assert [(e["event"], e["request"]) for e in seen] == [("expiring", request)]
    assert seen[0]["officials"] == ["o.privacy", "s.senior"]
    assert watch(world, cache, "--expiring", "60")[1] == []
    www = world.root / "www"
    www.mkdir()
    exported = world.run("export", workbook, "--to", www, as_="p.publisher")
    assert exported.code == 0, exported.output
    _, seen = watch(world, cache)
    assert [(e["event"], e["request"], e["official"]) for e in seen] == [
        ("export", request, "p.publisher")
    ]
    assert seen[0]["artifact"]["name"] == "stats.xlsx"  # type: ignore[index]
    assert len(seen[0]["signoffs"]) == 2  # type: ignore[arg-type]


def test_events_arrive_by_sync_from_another_office(tmp_path: Path, make_key: KeyMaker) -> None:
    """Headquarters records; a clone elsewhere watches: the poll fetches, verifies, prints."""
    from approval.workflow.clone import clone_ledger
    from tests.sync.conftest import bare_remote

    world = World(tmp_path / "hq", make_key)
    world.root.mkdir()
    remote = bare_remote(tmp_path / "remote.git")
    created = world.run(
        "init", "--policy", world.policy(), "--roster", world.roster(),
        "--key", world.key("a.admin").private, "--key", world.key("b.admin").private,
        "--remote", remote,
    )  # fmt: skip
    assert created.code == 0, created.output
    clone = clone_ledger(str(remote), tmp_path / "field-office").path
    cache = tmp_path / "cache"

    def watch_clone() -> list[dict[str, object]]:
        result = run_approval(
            "watch", "--once", "--ledger", clone, cwd=tmp_path,
            env={"XDG_CACHE_HOME": str(cache)},
        )  # fmt: skip
        assert result.code == 0, result.output
        return [json.loads(line) for line in result.stdout.splitlines()]

    assert watch_clone() == []
    workbook = world.root / "stats.xlsx"
    detention_workbook(workbook, count=4)
    request = world.request(workbook)
    assert [(e["event"], e["request"]) for e in watch_clone()] == [("request", request)]
    assert watch_clone() == []
