"""The demo's story: each step is a command a user would type, run for real, with its output.

The story is data (a list of ``Step``): ``run_story`` prints each step's sentence and command,
runs it as a subprocess in the world's directory, prints its real output, and checks its exit
code and, where the story depends on it, what it did to the world. It stops at the first step
that did not behave, so the demo exits 0 only when the whole story held.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from approval.policy import default_policy_path

PEOPLE = ("admin1", "admin2", "publisher", "privacy", "senior")
WORKBOOK = "detention-stats.xlsx"
CHANGED = "detention-stats-v2.xlsx"
PUBLIC = "detention-stats-public.xlsx"
SITE = "site"

# ``Step.program`` for a shell line: argv holds the one line, run by sh and shown as typed.
SHELL = "sh -c"

# The kinds of line ``run_story`` emits, for a printer that styles them on a terminal.
Echo = Callable[[str, str], None]  # (text, kind); kind is one of KINDS
KINDS = ("intro", "say", "command", "output", "ok", "problem")

ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

# Children run without a terminal (their output is captured), so they print plain text; the
# width is fixed so that a transcript is the same on every machine.
COLUMNS = "80"


@dataclass(frozen=True)
class Step:
    """One command of the story and what must happen."""

    say: str  # one sentence telling the reader what happens and why
    argv: tuple[str, ...]  # "{request}" is replaced by the request's short id once known
    expect: int  # the exit code the story needs
    check: Callable[[str], str | None] | None = None  # output -> problem, or None when fine
    program: str = "approval"  # or any program on PATH, or SHELL
    # Start in a later second than the previous step ended: statements are dated to the second,
    # and two sign-offs in the same second are listed in an order that varies from run to run.
    later_second: bool = False

    def line(self, argv: list[str]) -> str:
        """The command as a user would type it."""
        if self.program == SHELL:
            return argv[0]
        return shlex.join([self.program, *argv])

    def command(self, argv: list[str]) -> list[str]:
        if self.program == "approval":
            # The same interpreter and package as the demo itself, installed or not.
            return [sys.executable, "-m", "approval", *argv]
        if self.program == SHELL:
            return ["sh", "-c", argv[0]]
        return [self.program, *argv]


@dataclass
class World:
    """The demo's directory: keys, roster, policy, files, and later the ledger and the site."""

    root: Path
    keys: dict[str, Path] = field(default_factory=dict)

    def rel(self, path: Path) -> str:
        return str(path.relative_to(self.root))

    @property
    def ledger(self) -> Path:
        return self.root / "ledger"

    @property
    def site(self) -> Path:
        return self.root / SITE


def build_world(root: Path, echo: Echo) -> World:
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
    world.site.mkdir(exist_ok=True)
    detention_workbook(root / WORKBOOK)
    aggregate_csv(root / "aggregates.csv")
    echo(
        f"Made a world in {root}: SSH keys for two admins, a publisher, a privacy officer and "
        "a senior official; their roster; the default 8 CFR 208.6 policy; a detention-statistics "
        "workbook whose hidden second sheet lists 3,000 synthetic asylum seekers; a CSV of "
        "aggregate figures; and an empty site/ to publish to. Every command below runs there, "
        "with APPROVAL_LEDGER=ledger.",
        "intro",
    )
    return world


def _says(*words: str) -> Callable[[str], str | None]:
    """A check that the output names each of ``words``, as plain text or drawn for a terminal
    (escape codes, borders and line breaks do not count)."""

    def check(output: str) -> str | None:
        text = " ".join(ESCAPES.sub("", output).replace("│", " ").split())
        missing = [w for w in words if " ".join(w.split()) not in text]
        return f"the output does not say {', '.join(map(repr, missing))}" if missing else None

    return check


def chapters(world: World) -> list[Step]:
    """The whole story: set-up, scan, a refused export, request, review, sign-offs, export,
    a changed byte refused, redaction, the CI gate, and the audit down to ``ssh-keygen``."""
    key = {person: world.rel(path) for person, path in world.keys.items()}
    site = world.site

    def site_is_empty(_output: str) -> str | None:
        left = sorted(p.name for p in site.iterdir())
        return f"the refused export left {', '.join(left)} in {SITE}/" if left else None

    def copy_is_identical(_output: str) -> str | None:
        copy = site / WORKBOOK
        if not copy.is_file():
            return f"{SITE}/{WORKBOOK} was not written"
        if copy.read_bytes() != (world.root / WORKBOOK).read_bytes():
            return f"{SITE}/{WORKBOOK} is not a byte-identical copy"
        return None

    def one_byte_differs(_output: str) -> str | None:
        before = (world.root / WORKBOOK).read_bytes()
        after = (world.root / CHANGED).read_bytes()
        same_size = len(before) == len(after)
        changed = same_size and sum(a != b for a, b in zip(before, after, strict=True))
        return None if changed == 1 else f"{CHANGED} should differ from {WORKBOOK} in one byte"

    def changed_not_exported(_output: str) -> str | None:
        return f"{SITE}/{CHANGED} was written" if (site / CHANGED).exists() else None

    def public_exported(_output: str) -> str | None:
        copy = site / PUBLIC
        if not copy.is_file() or copy.read_bytes() != (world.root / PUBLIC).read_bytes():
            return f"{SITE}/{PUBLIC} is not a copy of {PUBLIC}"
        return None

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
            _says("clean"),
        ),
        Step(
            "The publisher scans the workbook: the hidden second sheet holds protected persons.",
            ("scan", WORKBOOK),
            1,
            _says("PROTECTED", "hidden", "3000 persons"),
        ),
        Step(
            "Publishing it as it is, as happened in 2022, is refused: nothing reaches the site.",
            ("export", WORKBOOK, "--to", f"{SITE}/", "--key", key["publisher"]),
            1,
            lambda out: _says("export refused", "MISSING")(out) or site_is_empty(out),
        ),
        Step(
            "The publisher asks for approval; the request records what was found, never a value.",
            ("request", WORKBOOK, "--purpose", "FY2022 detention statistics",
             "--destination", "www.example.gov/detention", "--key", key["publisher"]),
            0,
        ),
        Step(
            "Where the file stands: two sign-offs are missing.",
            ("status", WORKBOOK),
            1,
            _says("missing", "privacy-officer, senior-official"),
        ),
        Step(
            "The privacy officer opens the review screen: their own client rescans the file "
            "(found here by its sha256) and checks the request's description against it.",
            ("show", "{request}"),
            0,
            _says("Sheet2", "protected-person", "Rescanned: the request describes the bytes"),
        ),
        Step(
            "The privacy officer approves it with their own key, after that rescan.",
            ("sign", "{request}", "--key", key["privacy"], "--yes"),
            0,
            _says("after a rescan of the bytes"),
        ),
        Step(
            "The senior official, the Secretary's designee, approves it too, naming the file.",
            ("sign", "{request}", "--file", WORKBOOK, "--key", key["senior"], "--yes"),
            0,
            _says("after a rescan of the bytes"),
            later_second=True,
        ),
        Step(
            "Now the file may leave, for 30 days.",
            ("status", WORKBOOK),
            0,
        ),
        Step(
            "The publisher exports it: the ledger records who sent what, where, on whose word.",
            ("export", WORKBOOK, "--to", f"{SITE}/", "--key", key["publisher"]),
            0,
            copy_is_identical,
        ),
        Step(
            "A copy is saved with one byte changed (a timestamp inside the zip): the same "
            "3,000 persons, different bytes.",
            (f"cp {WORKBOOK} {CHANGED} && "
             f"printf '\\037' | dd of={CHANGED} bs=1 seek=10 conv=notrunc 2>/dev/null",),
            0,
            one_byte_differs,
            program=SHELL,
        ),
        Step(
            "The sign-offs were for the other bytes: this file needs its own request.",
            ("export", CHANGED, "--to", f"{SITE}/", "--key", key["publisher"]),
            1,
            lambda out: _says("no request for this file")(out) or changed_not_exported(out),
        ),
        Step(
            "What the public needs is the first sheet: redaction drops the persons, and says how.",
            ("redact", WORKBOOK, "--out", PUBLIC, "--key", key["publisher"]),
            0,
            _says("clean under the policy in force"),
        ),
        Step(
            "The redacted workbook is clean, so it leaves without anyone's approval.",
            ("export", PUBLIC, "--to", f"{SITE}/", "--key", key["publisher"]),
            0,
            lambda out: _says("no approval needed")(out) or public_exported(out),
        ),
        Step(
            "The CI gate over the site: every file is clean or approved for its exact bytes.",
            ("check", f"{SITE}/"),
            0,
            _says("1 clean, 1 approved, 0 blocked"),
        ),
        Step(
            "The auditor replays the ledger and verifies every signature and the whole history.",
            ("audit",),
            0,
            _says("the ledger is intact"),
        ),
        Step(
            "One file's whole story: who asked, who approved, where it went, what was redacted.",
            ("audit", "--artifact", WORKBOOK),
            0,
            _says("exported", "redacted"),
        ),
        Step(
            "The auditor exports each signed statement with its signatures, for stock tools.",
            ("audit", "--export", "bundle/"),
            0,
        ),
        Step(
            "And checks them with ssh-keygen alone: no trust in this tool is needed.",
            ("bundle/verify.sh",),
            0,
            _says(" 0 failures"),
            program="sh",
        ),
    ]  # fmt: skip


def run_story(
    root: Path,
    echo: Echo,
    story: Callable[[World], list[Step]] = chapters,
    terminal_width: int | None = None,
) -> bool:
    """Build the world in ``root`` and run every step of ``story``; True when each behaved as
    it should, False (after saying why) at the first that did not.

    With ``terminal_width`` (the demo runs on a terminal), each command draws its screens as it
    would on a terminal that wide (FORCE_COLOR; NO_COLOR still honoured); otherwise it prints
    the plain text a pipe gets, 80 columns, no colour: the README's transcripts.
    """
    started = time.monotonic()
    world = build_world(root, echo)
    env = {**os.environ, "APPROVAL_LEDGER": str(world.ledger), "COLUMNS": COLUMNS}
    # Not the user's config (approval/config.py): its output format, key or hooks (which would
    # announce the demo's synthetic requests) must not change the story.
    env["XDG_CONFIG_HOME"] = str(world.root / ".config")
    env.pop("APPROVAL_KEY", None)
    if terminal_width is None:
        env["NO_COLOR"] = "1"
        env.pop("FORCE_COLOR", None)
    else:
        env.update(FORCE_COLOR="1", COLUMNS=str(terminal_width))
    found: dict[str, str] = {}
    ended = time.time()
    steps = story(world)
    for number, step in enumerate(steps, 1):
        argv = [arg.format(**found) if "{" in arg and step.program != SHELL else arg
                for arg in step.argv]  # fmt: skip
        echo("", "output")
        echo(f"# {number}. {step.say}", "say")
        echo(f"$ {step.line(argv)}", "command")
        if step.later_second:
            time.sleep(max(0.0, int(ended) + 1 - time.time()))
        done = subprocess.run(
            step.command(argv),
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        ended = time.time()
        output = (done.stdout + done.stderr).rstrip()
        if output:
            echo(output, "output")
        problem = None
        if done.returncode != step.expect:
            problem = f"exit code {done.returncode}, expected {step.expect}"
        elif step.check is not None:
            problem = step.check(output)
        if problem:
            echo(f"demo: step {number} did not behave as it should: {problem}", "problem")
            return False
        if step.program == "approval" and step.argv[0] == "request":
            # The request id is the last line; later steps name it by its short form.
            found["request"] = done.stdout.strip().splitlines()[-1][:12]
        echo(f"(exit {done.returncode}, as expected)", "ok")
    echo("", "output")
    echo(
        f"All {len(steps)} steps behaved as they should ({time.monotonic() - started:.1f} s).",
        "intro",
    )
    return True
