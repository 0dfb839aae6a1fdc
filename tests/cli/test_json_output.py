"""Scripts read every command: ``--format json`` gives one document whose keys are the ones the
README's "Output for scripts" lists, named by its ``schema``; ``-q`` prints nothing on stdout
and the exit code still tells; ``scan -`` reads standard input; ``export --to -`` is refused.

One small agency (tests/world.py) runs one journey through the real CLI, in a subprocess.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest

from approval.cli import cli
from tests.support import ROOT, KeyMaker, run_approval
from tests.world import World

ONE_PERSON = "Name,A-Number,Date of Birth,Claim\nMaria Lopez Garcia,A123456789,1990-01-02,asylum\n"
BY_ROLE = {"privacy-officer": "o.privacy", "senior-official": "s.senior"}
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> Iterator[tuple[str, click.Command]]:
    ctx = click.Context(cli)
    stack: list[tuple[str, click.Command]] = [("", cli)]
    while stack:
        path, command = stack.pop()
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None
                stack.append((f"{path} {name}".strip(), sub))
        else:
            yield path, command


COMMANDS = sorted(_commands())
# Every command, including those added later, is held to the rule, but for these: the demo is a
# story told to people (it has --quiet, no JSON); a service and a stream of JSON lines are their
# output (nothing to quiet, no other format).
NO_JSON = {"demo"}
EXEMPT = {"serve", "watch"}


def _options(command: click.Command) -> dict[str, click.Parameter]:
    return {opt: p for p in command.params for opt in p.opts}


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_has_quiet_and_json(name: str, command: click.Command) -> None:
    if name in EXEMPT:
        pytest.skip(f"approval {name} runs on: its output is what it is for")
    options = _options(command)
    assert "-q" in options and "--quiet" in options, f"approval {name} has no -q/--quiet"
    if name in NO_JSON:
        return
    assert "--format" in options, f"approval {name} has no --format"
    choice = options["--format"].type
    assert isinstance(choice, click.Choice) and "json" in choice.choices, name


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, make_key: KeyMaker) -> World:
    world = World(tmp_path_factory.mktemp("agency"), make_key)
    result = world.init()
    assert result.code == 0, result.output
    (world.root / "one.csv").write_text(ONE_PERSON)
    (world.root / "site").mkdir()
    return world


def _json(world: World, *args: str | Path, as_: str | None = None, code: int = 0) -> Any:
    result = world.run(*args, "--format", "json", as_=as_)
    assert result.code == code, result.output
    document = json.loads(result.stdout)
    name = " ".join(str(a) for a in args[:2] if not str(a).startswith("-"))
    return document, name


def _documented(schema: str) -> set[str]:
    """The keys the README lists for ``schema`` (a line `approval/<cmd>/v1`: key, key...; what
    is in parentheses describes the key before it)."""
    found = re.search(rf"`{re.escape(schema)}`: ([^\n]+)", README)
    assert found, f"README's Output for scripts does not list {schema}"
    return set(re.findall(r"`([a-z0-9_]+)`", re.sub(r"\([^)]*\)", "", found.group(1))))


def _check(document: dict[str, Any], schema: str) -> None:
    assert document["schema"] == schema
    assert set(document) - {"schema"} == _documented(schema), schema


def test_the_journey_in_json(world: World) -> None:
    file = world.root / "one.csv"
    scan, _ = _json(world, "scan", file, code=1)
    _check(scan, "approval/scan/v1")
    assert scan["files"][0]["verdict"] == "protected"

    requested, _ = _json(
        world, "request", file, "--purpose", "stats", "--destination", "www", as_="p.publisher"
    )
    _check(requested, "approval/request/v1")
    assert requested["needs"] and requested["verdict"] == "protected"
    request = requested["id"]

    shown, _ = _json(world, "show", request[:12], "--file", file)
    _check(shown, "approval/show/v1")
    assert shown["request"]["id"] == request
    assert shown["decision"]["allowed"] is False and shown["contradicted"] is False

    status, _ = _json(world, "status", request[:12], code=1)
    _check(status, "approval/status/v1")
    assert status["verdict"] == "protected", "a request's status names its scan's verdict"
    assert status["request"] == request and status["missing"]

    refused, _ = _json(
        world, "export", file, "--to", world.root / "site", as_="p.publisher", code=1
    )
    _check(refused, "approval/export/v1")
    assert refused["exported"] is False and refused["next"]
    assert not (world.root / "site" / "one.csv").exists()

    for role in status["missing"]:
        signed = world.sign(
            request, BY_ROLE[role], "--role", role, "--file", str(file), "--format", "json"
        )
        assert signed.code == 0, signed.output
        signoff = json.loads(signed.stdout)
        _check(signoff, "approval/sign/v1")
        assert (signoff["request"], signoff["role"], signoff["decision"]) == (
            request,
            role,
            "approve",
        )
        assert signoff["rescanned"] is True

    exported, _ = _json(world, "export", file, "--to", world.root / "site", as_="p.publisher")
    assert exported["exported"] is True and exported["statement"]
    assert (world.root / "site" / "one.csv").read_text() == ONE_PERSON

    audit, _ = _json(world, "audit")
    _check(audit, "approval/audit/v1")
    assert audit["intact"] is True and audit["statements"] >= 4

    revoked, _ = _json(
        world,
        "revoke",
        exported["decision"]["used"][0]["id"][:12],
        "--reason",
        "wrong file",
        as_=BY_ROLE[exported["decision"]["used"][0]["role"]],
    )
    _check(revoked, "approval/revoke/v1")
    assert revoked["what"] == "sign-off"


def test_redact_policy_and_check_in_json(world: World) -> None:
    out = world.root / "public.csv"
    redacted, _ = _json(world, "redact", world.root / "one.csv", "--out", out)
    _check(redacted, "approval/redact/v1")
    assert redacted["verdict"] == "clean" and redacted["removed"] and out.exists()

    checked, _ = _json(world, "policy", "check", ROOT / "policies" / "8cfr208.6.yaml")
    _check(checked, "approval/policy-check/v1")
    assert [f["ok"] for f in checked["files"]] == [True]

    shown, _ = _json(world, "policy", "show")
    _check(shown, "approval/policy-show/v1")
    assert shown["source"].startswith("adoption ") and shown["id"] == "8cfr208.6"

    gate, _ = _json(world, "check", out)
    _check(gate, "approval/check/v1")


def test_the_bundled_policy_prints_as_shipped() -> None:
    result = run_approval("policy", "show", "--default")
    assert result.code == 0, result.output
    assert result.stdout == (ROOT / "policies" / "8cfr208.6.yaml").read_text(encoding="utf-8")


def test_quiet_prints_nothing_and_the_code_tells(world: World) -> None:
    file = world.root / "one.csv"
    for args, code in (
        (["scan", file], 1),
        (["scan", world.root / "public.csv"], 0),
        (["status", file], 1),
        (["audit"], 0),
        (["policy", "show"], 0),
        (["doctor"], 0),
    ):
        result = world.run(*args, "-q")
        assert (result.code, result.stdout) == (code, ""), (args, result.output)
    missing = world.run("scan", world.root / "nothing.csv", "--quiet")
    assert missing.code == 2 and missing.stdout == ""
    assert "error: " in missing.stderr, "errors still reach stderr"


def test_quiet_wins_over_json(world: World) -> None:
    result = world.run("audit", "--format", "json", "-q")
    assert (result.code, result.stdout) == (0, "")


def test_scan_reads_stdin_as_dash(world: World) -> None:
    result = run_approval("scan", "-", "--format", "json", input=ONE_PERSON)
    assert result.code == 1, result.output
    (report,) = json.loads(result.stdout)["files"]
    assert report["path"] == "<stdin>" and report["verdict"] == "protected"
    clean = run_approval("scan", "-", input="Country,Count\nMexico,3\n")
    assert clean.code == 0 and clean.stdout.startswith("<stdin>: clean")
    twice = run_approval("scan", "-", "-", input="x")
    assert twice.code == 2 and "once" in twice.stderr


def test_a_file_named_dash_is_dot_slash_dash(tmp_path: Path) -> None:
    (tmp_path / "-").write_text(ONE_PERSON)
    result = run_approval("scan", "./-", cwd=tmp_path, input="")
    assert result.code == 1 and "PROTECTED" in result.stdout, result.output


def test_export_to_dash_is_refused_and_writes_no_file(world: World) -> None:
    result = world.run("export", world.root / "one.csv", "--to", "-", as_="p.publisher", input="")
    assert result.code == 2 and "standard output" in result.stderr, result.output
    assert not (world.root / "-").exists()


def test_bare_approval_is_help_and_success() -> None:
    result = run_approval()
    assert result.code == 0, result.output
    assert "Usage: approval" in result.stdout and "Commands:" in result.stdout


def test_init_clone_and_sync_in_json(tmp_path: Path, make_key: KeyMaker) -> None:
    import subprocess

    world = World(tmp_path, make_key)
    remote = tmp_path / "shared.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    keys: list[str | Path] = []
    for admin in ("a.admin", "b.admin"):
        keys += ["--key", world.key(admin).private]
    init = world.run(
        "init", "--policy", world.policy(), "--roster", world.roster(), *keys,
        "--remote", remote, "--format", "json",
    )  # fmt: skip
    assert init.code == 0, init.output
    created = json.loads(init.stdout)
    _check(created, "approval/init/v1")
    assert created["remote"] == str(remote) and created["signers"] == ["a.admin", "b.admin"]

    office = tmp_path / "office"
    cloned = run_approval("clone", remote, office, "--format", "json")
    assert cloned.code == 0, cloned.output
    document = json.loads(cloned.stdout)
    _check(document, "approval/clone/v1")
    assert document["statements"] == 1 and document["head"]

    synced = run_approval("sync", "--ledger", office, "--format", "json")
    assert synced.code == 0, synced.output
    document = json.loads(synced.stdout)
    _check(document, "approval/sync/v1")
    assert document["came_in"] == [] and document["went_out"] == [] and document["refused"] == []
