"""Hooks (approval/hooks.py): the user's commands hear of each statement after it is recorded,
with the event as JSON on stdin; a failing hook is one line on stderr and changes nothing else.

The world's commands take their ledger from a project ``.approval.toml`` and their key from
the user's config file, as an official's would."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from approval.demo.synthetic import detention_workbook
from tests.support import CliResult, KeyMaker, run_approval
from tests.world import World

HOOK = """import json, sys
event = json.load(sys.stdin)
with open(sys.argv[1], "a") as out:
    out.write(json.dumps(event) + "\\n")
"""


class Office:
    def __init__(self, world: World, xdg: Path) -> None:
        self.world = world
        self.xdg = xdg

    def configure(self, official: str, hooks: str) -> None:
        config = self.xdg / "approval" / "config.toml"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(f'key = "{self.world.key(official).private}"\n{hooks}')

    def run(self, *args: str | Path) -> CliResult:
        return run_approval(*args, cwd=self.world.root, env={"XDG_CONFIG_HOME": str(self.xdg)})


@pytest.fixture
def office(tmp_path: Path, make_key: KeyMaker) -> Office:
    world = World(tmp_path / "office", make_key)
    world.root.mkdir()
    assert world.init().code == 0
    (world.root / ".approval.toml").write_text('ledger = "ledger"\n')
    return Office(world, tmp_path / "xdg")


def hook_line(tmp_path: Path, name: str) -> tuple[str, Path]:
    script = tmp_path / f"{name}.py"
    script.write_text(HOOK)
    out = tmp_path / f"{name}.jsonl"
    return f'"{sys.executable} {script} {out}"', out


def events(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_each_statement_runs_its_hooks_with_the_event_on_stdin(
    office: Office, tmp_path: Path
) -> None:
    every, every_out = hook_line(tmp_path, "every")
    refusals, refusal_out = hook_line(tmp_path, "refusals")
    hooks = f"[hooks]\nany = {every}\nrefusal = {refusals}\n"
    workbook = office.world.root / "stats.xlsx"
    detention_workbook(workbook, count=12)

    office.configure("p.publisher", hooks)
    made = office.run("request", workbook, "--purpose", "Q3 secret plan", "--destination", "www")
    assert made.code == 0, made.output
    request = made.stdout.strip().splitlines()[-1]
    office.configure("o.privacy", hooks)
    assert office.run("sign", request, "--yes").code == 0
    office.configure("s.senior", hooks)
    rejected = office.run("sign", request, "--yes", "--reject", "--comment", "names visible")
    assert rejected.code == 0, rejected.output

    seen = events(every_out)
    assert [e["event"] for e in seen] == ["request", "signoff", "refusal"]
    first = seen[0]
    assert first["schema"] == "approval/event/v1"
    assert first["request"] == request and first["official"] == "p.publisher"
    assert first["artifact"] == {
        "name": "stats.xlsx",
        "sha256": first["artifact"]["sha256"],  # type: ignore[index]
        "size": workbook.stat().st_size,
    }
    assert first["persons"] == 12
    assert seen[1]["role"] == "privacy-officer" and seen[1]["artifact"]["name"] == "stats.xlsx"  # type: ignore[index]
    assert [e["event"] for e in events(refusal_out)] == ["refusal"]
    # Free text never reaches a hook: purposes, destinations, comments may quote anything.
    everything = every_out.read_text()
    for text in ("Q3 secret plan", "names visible", "www"):
        assert text not in everything


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (f"\"{sys.executable} -c 'import sys; sys.exit(3)'\"", "failed (exit 3)"),
        ('"/nonexistent/notify-bot"', "failed: command not found"),
        (f"\"{sys.executable} -c 'import time; time.sleep(5)'\"", "timed out after 0.5 s"),
    ],
    ids=["exit", "missing", "timeout"],
)
def test_a_failing_hook_is_reported_and_loses_nothing(
    office: Office, command: str, said: str
) -> None:
    office.configure("p.publisher", f"[hooks]\nrequest = {command}\ntimeout = 0.5\n")
    workbook = office.world.root / "stats.xlsx"
    detention_workbook(workbook, count=5)
    made = office.run("request", workbook, "--purpose", "stats", "--destination", "www")
    assert made.code == 0, made.output
    warnings = [line for line in made.stderr.splitlines() if line.startswith("warning: hook")]
    assert len(warnings) == 1 and said in warnings[0], made.stderr
    assert "the statement is recorded" in warnings[0]
    request = made.stdout.strip().splitlines()[-1]
    assert office.run("status", request[:12]).code == 1  # recorded: it waits for sign-offs
