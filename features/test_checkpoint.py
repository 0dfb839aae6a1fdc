"""Steps for checkpoints: the real CLI (``approval checkpoint``, ``check``, ``audit``) against a
real ledger; the ledger is grown through the ledger API (statements dated in the past), and a
fresh clone is a real ``git clone --bare`` with no saved state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from approval.statements import now
from tests.support import CliResult, KeyMaker, run_approval
from tests.workflow.test_checkpoint import _adoption, _build, _forge, _fresh_clone, _open, _request
from tests.world import World

scenarios("checkpoint.feature")


@pytest.fixture
def case(tmp_path: Path, make_key: KeyMaker) -> dict[str, Any]:
    return {"world": World(tmp_path, make_key)}


def _world(case: dict[str, Any]) -> World:
    world = case["world"]
    assert isinstance(world, World)
    return world


@given(parsers.parse("a ledger whose roster names a witness, with {count:d} requests in it"))
def ledger_with_witness(case: dict[str, Any], count: int) -> None:
    _build(_world(case), requests=count)


@when("the witness makes a checkpoint")
def witness_checkpoint(case: dict[str, Any]) -> None:
    made = _world(case).run("checkpoint", as_="w.witness")
    assert made.code == 0, made.output
    assert "w.witness vouched for ledger head" in made.stdout


@when("a publisher requests approval for another file")
def another_request(case: dict[str, Any]) -> None:
    world = _world(case)
    _request(world, now(), 99, _adoption(world))


@then(parsers.parse("the checkpoint status names the witness, with {since:d} entries since"))
def status_names_witness(case: dict[str, Any], since: int) -> None:
    status = _world(case).run("checkpoint", "--status")
    assert status.code == 0, status.output
    assert "vouched for by w.witness (1 of 1 needed)" in status.stdout
    assert f"; {since} entries since" in status.stdout


@then(parsers.parse("a fresh clone verifies only the {count:d} entries after the checkpoint"))
def fresh_clone_reads_after(case: dict[str, Any], count: int) -> None:
    _, replayed, held = _open(_fresh_clone(_world(case), "fresh.git"))
    assert replayed == count
    assert held == 6 + count


@then('a fresh clone passes "approval check" on a clean file')
def fresh_clone_checks(case: dict[str, Any]) -> None:
    world = _world(case)
    clone = _fresh_clone(world, "ci.git")
    clean = world.root / "clean.csv"
    clean.write_text("year,count\n2022,6252\n")
    checked = run_approval("check", clean, cwd=world.root, env={"APPROVAL_LEDGER": str(clone)})
    assert checked.code == 0, checked.output


@then("the audit passes")
def audit_passes(case: dict[str, Any]) -> None:
    audit = _world(case).run("audit")
    assert audit.code == 0, audit.output


@when("the publisher tries to make a checkpoint")
def publisher_checkpoint(case: dict[str, Any]) -> None:
    case["result"] = _world(case).run("checkpoint", as_="p.publisher")


@then(parsers.parse('it is refused with exit code {code:d}, saying "{words}"'))
def refused(case: dict[str, Any], code: int, words: str) -> None:
    result = case["result"]
    assert isinstance(result, CliResult)
    assert result.code == code, result.output
    assert words in result.stderr


@when("the witness signs a checkpoint of a state with one request left out")
def false_checkpoint(case: dict[str, Any]) -> None:
    _forge(_world(case), lambda records: records[:-1])


@then(parsers.parse('the audit fails with exit code {code:d}, saying "{words}"'))
def audit_fails(case: dict[str, Any], code: int, words: str) -> None:
    audit = _world(case).run("audit")
    assert audit.code == code, audit.output
    assert words in audit.stderr


@then(parsers.parse("a fresh clone refuses the ledger with exit code {code:d}"))
def fresh_clone_refuses(case: dict[str, Any], code: int) -> None:
    world = _world(case)
    clone = _fresh_clone(world, "refusing.git")
    clean = world.root / "clean.csv"
    clean.write_text("year,count\n2022,6252\n")
    checked = run_approval("check", clean, cwd=world.root, env={"APPROVAL_LEDGER": str(clone)})
    assert checked.code == code, checked.output
    assert "false checkpoint" in checked.stderr


@then(
    parsers.parse(
        '"approval clone --from-checkpoint" says it verified from the checkpoint at entry '
        "{count:d}, witnessed by {witness}"
    )
)
def clone_from_checkpoint(case: dict[str, Any], count: int, witness: str) -> None:
    world = _world(case)
    cloned = run_approval(
        "clone", "--from-checkpoint", world.ledger, world.root / "office", cwd=world.root
    )
    assert cloned.code == 0, cloned.output
    assert f"verified from the checkpoint at entry {count} (ledger head " in cloned.stdout
    assert f"witnessed by {witness}, then the 2 statements after it" in cloned.stdout


@then('"approval clone" says it verified every entry from the first')
def clone_full(case: dict[str, Any]) -> None:
    world = _world(case)
    cloned = run_approval("clone", world.ledger, world.root / "full", cwd=world.root)
    assert cloned.code == 0, cloned.output
    assert "8 statements and 9 signatures verified from the first entry;" in cloned.stdout


@then(parsers.parse('"approval clone" refuses it with exit code {code:d}, leaving nothing behind'))
def clone_refuses(case: dict[str, Any], code: int) -> None:
    world = _world(case)
    target = world.root / "office"
    cloned = run_approval("clone", world.ledger, target, cwd=world.root)
    assert cloned.code == code, cloned.output
    assert "refusing to clone" in cloned.stderr and "false checkpoint" in cloned.stderr
    assert not target.exists()
    assert not [p for p in world.root.iterdir() if p.name.startswith(".office.")]
