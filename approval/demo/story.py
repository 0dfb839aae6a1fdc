"""The demo's story: each step is a command a user would type, run for real, with its output.

The story is data (a list of ``Step``), so later chapters (request, sign, export, audit) are
added as steps; ``run_story`` checks each step's exit code and stops at the first surprise.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from approval.policy import default_policy_path

PEOPLE = ("admin1", "admin2", "publisher", "privacy", "senior")


@dataclass(frozen=True)
class Step:
    """One command of the story and what must happen."""

    say: str  # one sentence telling the reader what happens and why
    argv: tuple[str, ...]
    expect: int  # the exit code the story needs
    check: Callable[[str], str | None] | None = None  # output -> problem, or None when fine


@dataclass
class World:
    """The demo's temporary directory: keys, roster, files."""

    root: Path
    keys: dict[str, Path] = field(default_factory=dict)

    def rel(self, path: Path) -> str:
        return str(path.relative_to(self.root))


def build_world(root: Path, log: Callable[[str], None]) -> World:
    """Keys for five people, a roster naming them, and the files to publish."""
    from approval.demo.synthetic import aggregate_csv, detention_workbook

    world = World(root)
    (root / "keys").mkdir(parents=True, exist_ok=True)
    for person in PEOPLE:
        key = root / "keys" / person
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{person}@demo", "-f", key],
            check=True,
            capture_output=True,
        )
        world.keys[person] = key
    roster = [
        ("a.admin", "Ada Admin", "[admin]", "admin1"),
        ("b.admin", "Ben Admin", "[admin]", "admin2"),
        ("p.publisher", "Pat Publisher", "[publisher]", "publisher"),
        ("o.privacy", "Olu Privacy", "[privacy-officer]", "privacy"),
        ("s.senior", "Sam Senior", "[senior-official]", "senior"),
    ]
    lines = ["version: 1", "officials:"]
    for official, name, roles, person in roster:
        public = (root / "keys" / f"{person}.pub").read_text().strip()
        lines += [
            f"  - id: {official}",
            f"    name: {name}",
            f"    roles: {roles}",
            f'    keys: ["{public}"]',
        ]
    lines += ["admins:", "  threshold: 2"]
    (root / "roster.yaml").write_text("\n".join(lines) + "\n")
    (root / "policy.yaml").write_bytes(default_policy_path().read_bytes())
    (root / "site").mkdir(exist_ok=True)
    detention_workbook(root / "detention-stats.xlsx")
    aggregate_csv(root / "aggregates.csv")
    log(
        f"Made a world in {root}: SSH keys for two admins, a publisher, a privacy officer and "
        "a senior official; their roster; the default 8 CFR 208.6 policy; a detention-statistics "
        "workbook whose hidden second sheet lists 3,000 synthetic asylum seekers; and a CSV of "
        "aggregate figures."
    )
    return world


def chapters(world: World) -> list[Step]:
    """The story so far. Later chapters add export, redaction and audit."""
    key = {person: world.rel(path) for person, path in world.keys.items()}
    return [
        Step(
            "An administrator checks the policy and the roster before adopting them.",
            ("policy", "check", "policy.yaml", "roster.yaml"),
            0,
        ),
        Step(
            "Two admins create the ledger and adopt the policy and roster, each with their key.",
            ("init", "--policy", "policy.yaml", "--roster", "roster.yaml",
             "--key", key["admin1"], "--key", key["admin2"]),
            0,
        ),
        Step(
            "The publisher scans the aggregate figures: nothing personal, nothing to approve.",
            ("scan", "aggregates.csv"),
            0,
        ),
        Step(
            "The publisher scans the workbook: the hidden second sheet holds protected persons.",
            ("scan", "detention-stats.xlsx"),
            1,
            lambda out: None if "protected" in out else "the scan did not report protected data",
        ),
        Step(
            "The publisher asks for approval; the request records what was found, never a value.",
            ("request", "detention-stats.xlsx", "--purpose", "FY2022 detention statistics",
             "--destination", "www.example.gov/detention", "--key", key["publisher"]),
            0,
        ),
        Step(
            "Where the file stands: two sign-offs are missing.",
            ("status", "detention-stats.xlsx"),
            1,
        ),
        Step(
            "The privacy officer reviews the request and approves it.",
            ("sign", "{request}", "--key", key["privacy"], "--yes"),
            0,
        ),
        Step(
            "The senior official, the Secretary's designee, approves it too.",
            ("sign", "{request}", "--key", key["senior"], "--yes"),
            0,
        ),
        Step(
            "Now the file may leave, for 30 days.",
            ("status", "detention-stats.xlsx"),
            0,
        ),
    ]  # fmt: skip


def run_story(root: Path, echo: Callable[[str], None]) -> bool:
    """Build the world in ``root`` and run every step; True when each behaved as it should."""
    world = build_world(root, echo)
    env = {**os.environ, "APPROVAL_LEDGER": str(root / "ledger"), "COLUMNS": "100"}
    found: dict[str, str] = {}
    for number, step in enumerate(chapters(world), 1):
        argv = [arg.format(**found) if "{" in arg else arg for arg in step.argv]
        echo("")
        echo(f"# {number}. {step.say}")
        echo(f"$ approval {shlex.join(argv)}")
        done = subprocess.run(
            [sys.executable, "-m", "approval", *argv],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        output = (done.stdout + done.stderr).rstrip()
        if output:
            echo(output)
        problem = None
        if done.returncode != step.expect:
            problem = f"exit code {done.returncode}, expected {step.expect}"
        elif step.check is not None:
            problem = step.check(output)
        if problem:
            echo(f"demo: step {number} did not behave as it should: {problem}")
            return False
        if step.argv[0] == "request":
            # The request id is the last line; later steps name it by its short form.
            found["request"] = done.stdout.strip().splitlines()[-1][:12]
        echo(f"(exit {done.returncode}, as expected)")
    return True
