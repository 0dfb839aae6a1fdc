"""The README's transcripts are what the commands print today.

A transcript is a ```console block right after an HTML comment that says where it comes from:

- ``<!-- transcript: demo step N -->``: step N of ``approval demo`` (its world is the README's
  /tmp/demo); one demo run serves the whole session (tests/demo/transcript.py);
- ``<!-- transcript: repo -->``: each ``$ approval ...`` line run in the repository's root.

Only what varies from run to run is normalised: ids, hashes, times, sizes of the generated
workbook and the world's directory. Every other command line shown in the README must name a
real command and real options.
"""

from __future__ import annotations

import difflib
import re
import shlex
from dataclasses import dataclass

import click
import pytest

from approval.cli import cli
from tests.demo.transcript import DemoRun, demo_run, normalise
from tests.support import ROOT, run_approval

README = ROOT / "README.md"
MARKER = re.compile(r"<!-- transcript: (demo step (\d+)|repo) -->\n+```console\n(.*?)```", re.S)
BLOCK = re.compile(r"```(sh|console|bash)\n(.*?)```", re.S)


@dataclass(frozen=True)
class Transcript:
    source: str  # "demo step N" or "repo"
    step: int | None
    commands: list[str]  # continuation lines joined
    outputs: list[str]  # the output after each command
    line: int  # where it starts in the README


def _join(lines: list[str]) -> list[str]:
    """Lines with shell continuations (a trailing backslash) joined into one."""
    joined: list[str] = []
    carry = ""
    for line in lines:
        if line.endswith("\\"):
            carry += line[:-1].rstrip() + " "
            continue
        joined.append(carry + line.strip() if carry else line)
        carry = ""
    return joined


def transcripts(text: str) -> list[Transcript]:
    found = []
    for match in MARKER.finditer(text):
        commands: list[str] = []
        outputs: list[list[str]] = []
        lines = match.group(3).rstrip("\n").split("\n")
        for line in _join(lines):
            if line.startswith("$ "):
                commands.append(line[2:])
                outputs.append([])
            elif outputs:
                outputs[-1].append(line)
        step = int(match.group(2)) if match.group(2) else None
        found.append(
            Transcript(
                match.group(1),
                step,
                commands,
                ["\n".join(o) for o in outputs],
                text.count("\n", 0, match.start()) + 1,
            )
        )
    return found


TRANSCRIPTS = transcripts(README.read_text(encoding="utf-8"))


def _diff(name: str, expected: str, actual: str) -> str:
    lines = difflib.unified_diff(
        expected.splitlines(), actual.splitlines(), "README", name, lineterm=""
    )
    return "\n".join(lines)


def test_the_readme_has_transcripts_for_each_journey() -> None:
    steps = {t.step for t in TRANSCRIPTS if t.step is not None}
    assert len(steps) >= 12, steps
    text = README.read_text(encoding="utf-8")
    for journey in ("### Publishers", "### Officials", "### Auditors"):
        section = text.split(journey, 1)[1].split("\n### ", 1)[0]
        assert "<!-- transcript: demo step" in section, f"{journey} shows no real output"


@pytest.fixture(scope="module")
def demo() -> DemoRun:
    run = demo_run()
    assert run.result.code == 0, run.result.output[-2000:]
    return run


@pytest.mark.parametrize(
    "transcript",
    [t for t in TRANSCRIPTS if t.step is not None],
    ids=lambda t: f"README:{t.line} {t.source}",
)
def test_demo_transcript(demo: DemoRun, transcript: Transcript) -> None:
    assert transcript.step is not None
    assert len(transcript.commands) == 1, "one demo step per transcript"
    steps = demo.steps
    assert transcript.step <= len(steps), f"the demo has {len(steps)} steps"
    step = demo.step(transcript.step)
    world = demo.root.resolve()
    assert normalise(transcript.commands[0]) == normalise(step.command, world), (
        f"README line {transcript.line} says step {transcript.step} is "
        f"`{transcript.commands[0]}`, but the demo's step {transcript.step} is `{step.command}`"
    )
    expected = normalise(transcript.outputs[0])
    actual = normalise(step.output, world)
    fresh = "\n".join(["$ " + step.command, step.output]).replace(str(world), "/tmp/demo")
    assert expected == actual, (
        f"README line {transcript.line} no longer matches demo step {transcript.step}:\n"
        + _diff(f"step {transcript.step}", expected, actual)
        + f"\n\nWhat the demo prints today:\n{fresh}"
    )


@pytest.mark.parametrize(
    "transcript",
    [t for t in TRANSCRIPTS if t.step is None],
    ids=lambda t: f"README:{t.line} {t.source}",
)
def test_repo_transcript(transcript: Transcript) -> None:
    for command, output in zip(transcript.commands, transcript.outputs, strict=True):
        argv = shlex.split(command)
        assert argv[0] == "approval"
        result = run_approval(*argv[1:], cwd=ROOT)
        assert result.code == 0, result.output
        assert normalise(output) == normalise(result.output), _diff(
            command, normalise(output), normalise(result.output)
        )


def _command_lines(text: str) -> list[tuple[int, str]]:
    """Every `approval ...` command the README shows in sh/console blocks, with its line."""
    found = []
    for match in BLOCK.finditer(text):
        start = text.count("\n", 0, match.start()) + 2
        console = match.group(1) == "console"
        for offset, line in enumerate(_join(match.group(2).split("\n"))):
            line = line.strip()
            if console:
                # In a transcript only prompts are commands (also the ones an output suggests).
                if not line.startswith("$ "):
                    continue
                line = line[2:]
            if not line.startswith("approval "):
                continue
            # Up to the first shell operator; comments dropped.
            words = shlex.split(line, comments=True)
            for stop, word in enumerate(words):
                if word in ("&&", "||", "|", ">", ";"):
                    words = words[:stop]
                    break
            found.append((start + offset, shlex.join(words)))
    return found


COMMAND_LINES = _command_lines(README.read_text(encoding="utf-8"))


def test_the_readme_shows_commands() -> None:
    assert len(COMMAND_LINES) >= 30


@pytest.mark.parametrize(("line", "command"), COMMAND_LINES, ids=lambda v: str(v))
def test_every_command_shown_exists_with_its_options(line: int, command: str) -> None:
    words = shlex.split(command)[1:]
    group: click.Command = cli
    path = ["approval"]
    ctx = click.Context(cli)
    while isinstance(group, click.Group) and words and not words[0].startswith("-"):
        sub = group.get_command(ctx, words[0])
        assert sub is not None, f"README line {line}: no command `{' '.join([*path, words[0]])}`"
        group, path, words = sub, [*path, words[0]], words[1:]
    options = {opt for param in group.params for opt in (*param.opts, *param.secondary_opts)}
    options |= {"--help", "-h"}
    for word in words:
        if word.startswith("-") and word != "-":
            name = word.split("=", 1)[0]
            assert name in options, f"README line {line}: `{' '.join(path)}` has no {name}"
