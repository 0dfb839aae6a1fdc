"""``approval demo --keep DIR`` end to end, then the world it leaves, checked with real tools."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from approval.demo.story import (
    CHANGED,
    ESCAPES,
    PUBLIC,
    SITE,
    WORKBOOK,
    Step,
    World,
    chapters,
    run_story,
)
from tests.demo.transcript import DemoRun, demo_run
from tests.support import run_approval

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run() -> DemoRun:
    return demo_run()


def test_demo_exits_0_and_tells_every_step(run: DemoRun) -> None:
    assert run.result.code == 0, run.result.output[-3000:]
    assert "Traceback" not in run.result.output
    steps = run.steps
    assert [s.number for s in steps] == list(range(1, len(steps) + 1))
    assert len(steps) >= 20
    assert all(s.code >= 0 for s in steps), "a step did not finish"
    assert f"All {len(steps)} steps behaved as they should" in run.result.stdout
    assert f"The world is in {run.root.resolve()}" in run.result.stdout


def test_the_story_runs_in_the_order_of_the_issue(run: DemoRun) -> None:
    commands = [s.command for s in run.steps]

    def first(prefix: str, after: int = -1) -> int:
        return next(i for i, c in enumerate(commands) if c.startswith(prefix) and i > after)

    scan = first(f"approval scan {WORKBOOK}")
    refused = first(f"approval export {WORKBOOK}", scan)
    request = first("approval request", refused)
    signed = first("approval sign", request)
    exported = first(f"approval export {WORKBOOK}", signed)
    changed = first(f"approval export {CHANGED}", exported)
    redacted = first("approval redact", changed)
    public = first(f"approval export {PUBLIC}", redacted)
    audited = first("approval audit", public)
    bundle = first("approval audit --export", audited)
    verified = first("sh bundle/verify.sh", bundle)
    assert verified == len(commands) - 1
    codes = {i: run.steps[i].code for i in (scan, refused, exported, changed, public, verified)}
    assert codes == {scan: 1, refused: 1, exported: 0, changed: 1, public: 0, verified: 0}


def test_each_step_shows_real_output(run: DemoRun) -> None:
    for step in run.steps:
        # Only the shell line that changes a byte is silent, as cp and dd are.
        if step.command.startswith(("approval", "sh ")):
            assert step.output.strip(), f"step {step.number} printed nothing"
    refused = next(s for s in run.steps if s.command.startswith(f"approval export {WORKBOOK}"))
    assert "export refused" in refused.output
    assert "MISSING" in refused.output


def test_the_ledger_left_behind_audits(run: DemoRun) -> None:
    ledger = run.root / "ledger"
    audit = run_approval("audit", "--ledger", ledger, "--format", "json")
    assert audit.code == 0, audit.output
    import json

    report = json.loads(audit.stdout)
    assert report["intact"] is True
    kinds = [event["kind"] for event in report["timeline"]]
    # The clean public workbook's export is recorded too (policy exposure.record_clean_exports).
    assert kinds == ["adoption", "request", "signoff", "signoff", "export", "redaction", "export"]


def test_the_site_holds_exactly_what_was_allowed(run: DemoRun) -> None:
    site = run.root / SITE
    assert sorted(p.name for p in site.iterdir()) == sorted([WORKBOOK, PUBLIC])
    assert (site / WORKBOOK).read_bytes() == (run.root / WORKBOOK).read_bytes()
    assert (site / PUBLIC).read_bytes() == (run.root / PUBLIC).read_bytes()
    public = run_approval("scan", site / PUBLIC)
    assert public.code == 0, public.output
    gate = run_approval("check", site, "--ledger", run.root / "ledger")
    assert gate.code == 0, gate.output


def test_the_bundle_verifies_with_ssh_keygen_alone(run: DemoRun) -> None:
    done = subprocess.run(
        ["sh", "bundle/verify.sh"], cwd=run.root, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "8 signatures verified, 0 failures" in done.stdout


def test_keep_refuses_a_directory_in_use(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    result = run_approval("demo", "--keep", tmp_path)
    assert result.code == 2
    assert result.stderr.splitlines()[0] == f"error: {tmp_path}: not empty"
    assert "hint:" in result.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine\n"


def _world(tmp_path: Path) -> tuple[World, list[str]]:
    from approval.demo.story import build_world

    lines: list[str] = []
    world = build_world(tmp_path, lambda text, _kind: lines.append(text))
    return world, lines


def test_the_story_stops_at_a_step_that_misbehaves(tmp_path: Path) -> None:
    lines: list[str] = []

    def wrong(world: World) -> list[Step]:
        # A protected workbook scanned with the expectation that it is clean.
        return [Step("The workbook is clean (it is not).", ("scan", WORKBOOK), 0)]

    assert not run_story(tmp_path, lambda text, _kind: lines.append(text), wrong)
    assert lines[-1] == "demo: step 1 did not behave as it should: exit code 1, expected 0"


def test_the_checks_see_what_a_step_did_to_the_world(tmp_path: Path) -> None:
    world, _ = _world(tmp_path)
    steps = {s.say: s for s in chapters(world)}
    refused = next(s for s in steps.values() if s.say.startswith("Publishing it as it is"))
    assert refused.check is not None
    output = "export refused ... MISSING"
    assert refused.check(output) is None
    (world.site / WORKBOOK).write_bytes(b"leaked")
    assert refused.check(output) == f"the refused export left {WORKBOOK} in {SITE}/"
    exported = next(s for s in steps.values() if s.say.startswith("The publisher exports it"))
    assert exported.check is not None
    assert exported.check("") == f"{SITE}/{WORKBOOK} is not a byte-identical copy"


def test_on_a_terminal_the_steps_draw_their_screens(tmp_path: Path) -> None:
    """`approval demo` on a terminal runs each command as a terminal would show it (panels),
    and the story's checks still read that output."""
    lines: list[str] = []

    def some(world: World) -> list[Step]:
        steps = chapters(world)
        return [steps[0], steps[1], steps[4]]  # policy check, init, the refused export

    assert run_story(tmp_path, lambda text, _kind: lines.append(text), some, terminal_width=80)
    output = ESCAPES.sub("", "\n".join(lines))
    assert "╭─ detention-stats.xlsx ─" in output
    assert "Sign-offs, role by role" in output
    assert not (tmp_path / SITE / WORKBOOK).exists()
    drawn = [line for line in output.splitlines() if line.startswith(("╭", "│", "╰"))]
    assert drawn
    assert all(len(line) == 80 for line in drawn), "panels are as wide as the terminal"


@pytest.mark.parametrize(
    "line",
    [
        "approval request detention-stats.xlsx --purpose 'FY2022 detention statistics' "
        "--destination www.example.gov/detention --key keys/publisher",
        f"cp {WORKBOOK} {CHANGED} && printf '\\037' | dd of={CHANGED} bs=1 seek=10 "
        "conv=notrunc 2>/dev/null",
    ],
)
def test_a_long_command_wraps_into_lines_that_run_the_same(line: str) -> None:
    from approval.cli.demo import _wrap_command

    pieces = _wrap_command(line, 40)
    assert len(pieces) > 1
    assert all(len(p) <= 40 for p in pieces if " " in p)

    def words(script: str) -> str:
        # What the shell makes of the line: each word it would pass, bracketed.
        shown = subprocess.run(
            ["sh", "-c", "printf '[%s]' " + script.replace("&&", "'&&'").replace("|", "'|'")],
            capture_output=True,
            text=True,
            check=True,
        )
        return shown.stdout

    assert words(" \\\n    ".join(pieces)) == words(line)
