"""One run of ``approval demo --keep DIR`` per test session, and its output as steps.

tests/demo/ checks the world the demo leaves; tests/test_readme.py compares the README's
transcripts with the steps' output. Both call ``demo_run()``, which runs the demo once per
process (about 12 s) and removes its world when the process ends.
"""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tests.support import CliResult, run_approval

STEP = re.compile(r"^# (\d+)\. (.*)$")
END = re.compile(r"^\(exit (\d+), as expected\)$")

# What legitimately differs from one run to the next, and how a transcript writes it.
VARYING = (
    (re.compile(r"\b[0-9a-f]{64}\b"), "<sha256>"),
    (re.compile(r"\b[0-9a-f]{40}\b"), "<commit>"),
    (re.compile(r"\b[0-9a-f]{12}\b"), "<id>"),
    (re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\b"), "<time>"),
    # The workbook holds its own creation time, so its size moves by a byte or two.
    (re.compile(r"\b\d[\d,]* bytes\b"), "<n> bytes"),
)

# Where the README's transcripts say the demo's world is.
README_WORLD = "/tmp/demo"


@dataclass(frozen=True)
class DemoStep:
    number: int
    say: str
    command: str  # as printed, without the "$ "
    output: str
    code: int


@dataclass(frozen=True)
class DemoRun:
    root: Path
    result: CliResult

    @property
    def steps(self) -> list[DemoStep]:
        return parse_steps(self.result.stdout)

    def step(self, number: int) -> DemoStep:
        return self.steps[number - 1]


@cache
def demo_run() -> DemoRun:
    """The demo, run once for the whole session in a directory kept until the process ends."""
    root = Path(tempfile.mkdtemp(prefix="approval-demo-test-")) / "world"
    atexit.register(shutil.rmtree, root.parent, ignore_errors=True)
    return DemoRun(root, run_approval("demo", "--keep", root, cwd=root.parent))


def parse_steps(stdout: str) -> list[DemoStep]:
    """The numbered steps of the demo's output: sentence, command, output, exit code."""
    steps: list[DemoStep] = []
    lines = stdout.splitlines()
    index = 0
    while index < len(lines):
        start = STEP.match(lines[index])
        if not start:
            index += 1
            continue
        command = lines[index + 1].removeprefix("$ ")
        body: list[str] = []
        index += 2
        while index < len(lines) and not END.match(lines[index]):
            body.append(lines[index])
            index += 1
        end = END.match(lines[index]) if index < len(lines) else None
        steps.append(
            DemoStep(
                int(start.group(1)),
                start.group(2),
                command,
                "\n".join(body),
                int(end.group(1)) if end else -1,
            )
        )
    return steps


def normalise(text: str, world: Path | None = None) -> str:
    """``text`` with run-specific values replaced by placeholders, trailing spaces dropped."""
    if world is not None:
        text = text.replace(str(world), README_WORLD)
    for pattern, placeholder in VARYING:
        text = pattern.sub(placeholder, text)
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())
