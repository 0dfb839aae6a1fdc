"""The terminal experience, checked as a new user meets it: the real CLI on a pseudo-terminal
80 columns wide (rich panels and tables, colour unless NO_COLOR, a progress spinner, the typed
confirmation of ``sign``) and the same commands piped (plain text, no escape codes).

The commands run in the world that ``approval demo --keep`` leaves (one run per session, shared
with tests/demo and tests/test_readme.py); commands that would add to its ledger run in a copy.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from approval.demo.story import CHANGED, WORKBOOK
from tests.demo.transcript import DemoRun, demo_run
from tests.support import run_approval

pytestmark = pytest.mark.slow

ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# Select Graphic Rendition codes that set a colour (foreground, background, 256 and true colour).
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")
PANEL = "╭─"
BOX = set("╭╮╰╯│─┏┓┗┛┃━╇┡┩")


@dataclass(frozen=True)
class Screen:
    code: int
    raw: str  # what the terminal received, escape codes included

    @property
    def lines(self) -> list[str]:
        """The lines a user sees: escape codes gone, each line as its last redraw left it."""
        text = ESCAPE.sub("", self.raw).replace("\r\n", "\n")
        return [line.rsplit("\r", 1)[-1] for line in text.split("\n")]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def on_terminal(
    args: Sequence[str | Path],
    cwd: Path,
    env: dict[str, str] | None = None,
    columns: int = 80,
    answer: tuple[str, str] | None = None,
) -> Screen:
    """Run the CLI with stdin, stdout and stderr on a new pseudo-terminal ``columns`` wide.
    ``answer`` is (prompt, reply): the reply is typed once the prompt has been shown."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    full_env = {**os.environ, "TERM": "xterm-256color", **(env or {})}
    for name in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR"):
        if name not in (env or {}):
            full_env.pop(name, None)
    child = subprocess.Popen(
        [sys.executable, "-m", "approval", *map(str, args)],
        cwd=cwd,
        env=full_env,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
    )
    os.close(slave)
    received = b""
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            received += chunk
            if answer and answer[0].encode() in received:
                os.write(master, answer[1].encode() + b"\r")
                answer = None
    finally:
        os.close(master)
    return Screen(child.wait(timeout=60), received.decode("utf-8", errors="replace"))


@pytest.fixture(scope="module")
def world() -> DemoRun:
    run = demo_run()
    assert run.result.code == 0, run.result.output[-2000:]
    return run


def _request(world: DemoRun) -> str:
    line = next(s.command for s in world.steps if s.command.startswith("approval show "))
    return line.split()[-1]


def _screens(world: DemoRun) -> dict[str, list[str]]:
    """The main screens: what each journey shows, as the user types it."""
    return {
        "show": ["show", _request(world)],
        "status allowed": ["status", WORKBOOK],
        "status blocked": ["status", CHANGED],
        "export refused": ["export", CHANGED, "--to", "out/", "--key", "keys/publisher"],
        "scan": ["scan", WORKBOOK],
        "audit": ["audit"],
        "audit as of": ["audit", "--as-of", "2099-01-01"],
        "audit artifact": ["audit", "--artifact", WORKBOOK],
        "check": ["check", "site/"],
        "policy check": ["policy", "check", "policy.yaml", "roster.yaml"],
        "help": ["--help"],
    }


PANELLED = {"show", "status allowed", "status blocked", "export refused", "audit", "audit as of"}


def _env(world: DemoRun) -> dict[str, str]:
    return {"APPROVAL_LEDGER": str(world.root / "ledger")}


@pytest.mark.parametrize(
    "name",
    [
        "show",
        "status allowed",
        "status blocked",
        "export refused",
        "scan",
        "audit",
        "audit as of",
        "audit artifact",
        "check",
        "policy check",
        "help",
    ],
)
def test_main_screens_fit_80_columns_on_a_terminal(world: DemoRun, name: str) -> None:
    screen = on_terminal(_screens(world)[name], world.root, _env(world))
    assert screen.code in (0, 1), screen.text
    assert "Traceback" not in screen.text
    too_long = [line for line in screen.lines if len(line) > 80]
    assert not too_long, "\n".join(too_long)
    if name in PANELLED:
        assert PANEL in screen.text, f"{name}: no rich panel on a terminal"


def test_piped_output_is_plain_text(world: DemoRun) -> None:
    for name, args in _screens(world).items():
        result = run_approval(*args, cwd=world.root, env={**_env(world), "NO_COLOR": ""})
        assert result.code in (0, 1), (name, result.output)
        assert "\x1b" not in result.output, f"{name}: escape codes in piped output"
        assert not BOX & set(result.output), f"{name}: box drawing in piped output"


def test_review_screen_on_a_terminal_is_a_table_of_what_was_found(world: DemoRun) -> None:
    screen = on_terminal(["show", _request(world)], world.root, _env(world))
    text = screen.text
    assert "─ Request " in text
    assert "─ What the scan found " in text
    assert re.search(r"person-name\s+sheet Sheet2, column A\s+yes\s+3000", text)
    # A sha256 is never broken across lines, even at 80 columns.
    assert re.search(r"sha256\s+[0-9a-f]{64} ", text)


def test_colour_on_a_terminal_and_none_with_no_color(world: DemoRun) -> None:
    args = ["status", CHANGED]
    coloured = on_terminal(args, world.root, _env(world))
    assert COLOUR.search(coloured.raw)
    plain = on_terminal(args, world.root, {**_env(world), "NO_COLOR": "1"})
    assert not COLOUR.search(plain.raw), repr(COLOUR.search(plain.raw))
    assert PANEL in plain.text  # still a panel: NO_COLOR removes colour, not layout


def test_progress_only_on_a_terminal(world: DemoRun) -> None:
    screen = on_terminal(["scan", WORKBOOK], world.root)
    assert screen.code == 1
    assert f"scanning {WORKBOOK}" in screen.raw
    piped = run_approval("scan", WORKBOOK, cwd=world.root)
    assert piped.code == 1
    assert piped.stderr == ""
    assert "scanning" not in piped.stdout


def test_an_error_on_a_terminal_is_one_line_and_a_hint(world: DemoRun) -> None:
    screen = on_terminal(["status", "nowhere.xlsx"], world.root, _env(world))
    assert screen.code == 2
    lines = [line for line in screen.lines if line.strip()]
    assert lines[0].startswith("error: ")
    assert "Traceback" not in screen.text
    usage = on_terminal(["sign"], world.root, _env(world))
    assert usage.code == 2
    assert [line for line in usage.lines if line.strip()] == [
        "error: Missing argument 'REQUEST'.",
        "hint: see 'approval sign --help'",
    ]


@pytest.fixture
def copy(world: DemoRun, tmp_path: Path) -> Path:
    """A copy of the demo's world, for commands that add to the ledger."""
    root = tmp_path / "world"
    shutil.copytree(world.root, root, symlinks=True)
    return root


def _new_request(root: Path) -> str:
    done = run_approval(
        "request", CHANGED, "--purpose", "a corrected copy", "--destination", "site/",
        "--key", "keys/publisher", cwd=root, env={"APPROVAL_LEDGER": str(root / "ledger")},
    )  # fmt: skip
    assert done.code == 0, done.output
    return done.stdout.splitlines()[-1][:12]


def test_sign_on_a_terminal_asks_for_the_typed_id(copy: Path) -> None:
    request = _new_request(copy)
    env = {"APPROVAL_LEDGER": str(copy / "ledger")}
    screen = on_terminal(
        ["sign", request, "--key", "keys/privacy"], copy, env, answer=("to approve it", request)
    )
    assert screen.code == 0, screen.text
    assert "─ What the scan found " in screen.text  # the review came first
    assert f"Type {request} to approve it as privacy-officer" in screen.text
    assert f"o.privacy approved {request} as privacy-officer" in screen.text
    assert max(map(len, screen.lines)) <= 80


def test_sign_on_a_terminal_with_the_wrong_id_signs_nothing(copy: Path) -> None:
    request = _new_request(copy)
    env = {"APPROVAL_LEDGER": str(copy / "ledger")}
    screen = on_terminal(
        ["sign", request, "--key", "keys/privacy"], copy, env, answer=("to approve it", "nope")
    )
    assert screen.code == 2
    assert "error: the id typed does not match: nothing was signed" in screen.text
    status = run_approval("status", request, cwd=copy, env=env)
    assert status.code == 1
    assert "missing: privacy-officer, senior-official" in status.stdout
