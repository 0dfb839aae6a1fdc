"""Tab completes what officials type most: request ids (from this clone's verified ledger, no
fetch) and the roles of the roster in force; as bash asks click for them."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.support import CliResult, KeyMaker, run_approval
from tests.world import World

ONE_PERSON = "Name,A-Number\nMaria Lopez Garcia,A123456789\n"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, make_key: KeyMaker) -> World:
    world = World(tmp_path_factory.mktemp("agency"), make_key)
    assert world.init().code == 0
    return world


def _complete(world: World, words: str) -> tuple[CliResult, list[tuple[str, str]]]:
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    result = run_approval(
        env={
            "_APPROVAL_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(cword),
            "APPROVAL_LEDGER": str(world.ledger),
        },
        cwd=world.root,
    )
    offered = [line.split(",", 1) for line in result.stdout.splitlines() if line]
    return result, [(kind, value) for kind, value in offered]


def test_request_ids_complete_for_show_status_and_sign(world: World) -> None:
    file = world.root / "one.csv"
    file.write_text(ONE_PERSON)
    request = world.request(file)
    for command in ("show", "status", "sign"):
        result, offered = _complete(world, f"approval {command} {request[:2]}")
        assert result.code == 0, result.output
        assert ("plain", request[:12]) in offered, (command, offered)
    _, none = _complete(world, "approval show zz")
    assert none == []


def test_a_withdrawn_request_is_not_offered(world: World) -> None:
    file = world.root / "two.csv"
    file.write_text(ONE_PERSON.replace("Maria", "Mario"))
    request = world.request(file)
    revoked = world.run("revoke", request, "--reason", "wrong file", as_="p.publisher")
    assert revoked.code == 0, revoked.output
    _, offered = _complete(world, "approval show ")
    assert ("plain", request[:12]) not in offered


def test_roles_complete_from_the_roster_in_force(world: World) -> None:
    result, offered = _complete(world, "approval sign 0000 --role p")
    assert result.code == 0, result.output
    assert {value for _, value in offered} == {"privacy-officer", "publisher"}


def test_completion_without_a_ledger_offers_nothing_and_fails_not(tmp_path: Path) -> None:
    result = run_approval(
        env={
            "_APPROVAL_COMPLETE": "bash_complete",
            "COMP_WORDS": "approval show ab",
            "COMP_CWORD": "2",
            "APPROVAL_LEDGER": str(tmp_path / "none"),
        }
    )
    assert (result.code, result.stdout.strip(), result.stderr) == (0, "", "")


def test_completion_is_fast(world: World) -> None:
    start = time.perf_counter()
    result, _ = _complete(world, "approval show ")
    assert result.code == 0
    assert time.perf_counter() - start < 2.0
