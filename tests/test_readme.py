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
from pathlib import Path

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


# -- shell transcripts: the setting-up steps, run in order in one empty directory -------------

SHELL = re.compile(r"<!-- transcript: shell -->\n+```console\n(.*?)```", re.S)
PUBLIC_KEY = re.compile(r"\b((?:ssh|sk-ssh|ecdsa|sk-ecdsa)-[a-z0-9@.-]+) AAAA[0-9A-Za-z+/=]+")


def test_shell_transcripts(tmp_path: Path) -> None:
    """Each ``<!-- transcript: shell -->`` block, in README order, in one bash session started in
    an empty directory (``/home/you/office`` in the README): every command exits 0 and prints
    what the README shows (public keys shown as ``AAAA...``)."""
    import subprocess
    import sys

    text = README.read_text(encoding="utf-8")
    blocks = [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in SHELL.finditer(text)]
    assert len(blocks) >= 4, "the setting-up steps are shown as shell transcripts"
    steps: list[tuple[int, str, str]] = []
    for line, body in blocks:
        for command, output in _prompts(body.rstrip("\n").split("\n")):
            steps.append((line, command, output))
    home = tmp_path / "you"
    office = home / "office"
    office.mkdir(parents=True)
    (home / ".gitconfig").write_text("[user]\n\tname = You\n\temail = you@agency.example\n")
    script = ["set +e"]
    for n, (_, command, _) in enumerate(steps):
        script += [f"printf '@@@ {n}\\n'", f"{{ {command}\n}} 2>&1", 'printf "\\n@@@ rc $?\\n"']
    bin_dir = Path(sys.executable).parent
    env = {
        "PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "NO_COLOR": "1",
        "COLUMNS": "100",
        "LC_ALL": "C.UTF-8",
    }
    done = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=office,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    outputs = re.split(r"^@@@ \d+\n", done.stdout, flags=re.M)[1:]
    assert len(outputs) == len(steps), done.stdout + done.stderr
    for (line, command, expected), output in zip(steps, outputs, strict=True):
        body, _, code = output.rstrip("\n").rpartition("\n@@@ rc ")
        shown = PUBLIC_KEY.sub(r"\1 AAAA...", body.replace(str(home), "/home/you"))
        assert code == "0", f"README line {line}: `{command}` exited {code}:\n{body}"
        assert normalise(expected) == normalise(shown), f"README line {line}:\n" + _diff(
            command, normalise(expected), normalise(shown)
        )


def _prompts(lines: list[str]) -> list[tuple[str, str]]:
    """(command, the output after it) for each ``$ `` line."""
    found: list[tuple[str, list[str]]] = []
    for line in _join(lines):
        if line.startswith("$ "):
            found.append((line[2:], []))
        elif found:
            found[-1][1].append(line)
    return [(command, "\n".join(output)) for command, output in found]
