"""What the CLI does when its output cannot be written, and the small things people read:
counts in words, years with four digits, a directory named where a file is wanted.

A closed pipe is a real pipe whose reading end is closed before the command writes; a full
disk is Linux's /dev/full given as the command's stdout (never as a file it creates).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import click
import pytest

from tests.support import KeyMaker, run_approval
from tests.world import World

ONE_PERSON = "Name,A-Number,Date of Birth,Claim\nMaria Lopez Garcia,A123456789,1990-01-02,asylum\n"


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    world = World(tmp_path, make_key)
    result = world.init()
    assert result.code == 0, result.output
    return world


def _into_closed_pipe(args: Sequence[str | Path], world: World) -> tuple[int, str]:
    """Run the CLI with stdout on a pipe nobody reads any more; (exit code, stderr)."""
    read_end, write_end = os.pipe()
    env = {**os.environ, "APPROVAL_LEDGER": str(world.ledger), "NO_COLOR": "1"}
    child = subprocess.Popen(
        [sys.executable, "-m", "approval", *map(str, args)],
        cwd=world.root,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=write_end,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(write_end)
    os.close(read_end)  # the reader is gone before the first line is written: always EPIPE
    _, stderr = child.communicate(timeout=120)
    return child.returncode, stderr


def test_a_closed_pipe_ends_quietly_with_the_audits_own_code(world: World) -> None:
    """`approval audit | head -c 10` on an intact ledger: 0, not 1 ("blocked")."""
    for args in (["audit"], ["audit", "--format", "json"], ["audit", "--as-of", "2030-01-01"]):
        assert _into_closed_pipe(args, world) == (0, ""), args


def test_a_closed_pipe_keeps_a_blocked_answer_and_says_nothing(world: World) -> None:
    (world.root / "one.csv").write_text(ONE_PERSON)
    assert _into_closed_pipe(["status", "one.csv"], world) == (1, "")


def test_a_closed_pipe_keeps_the_gates_answer(world: World) -> None:
    site = world.root / "site"
    site.mkdir()
    (site / "notes.md").write_text("# Week 3\n")
    assert _into_closed_pipe(["check", site], world) == (0, "")
    (site / "one.csv").write_text(ONE_PERSON)
    for output in ("text", "json", "sarif"):
        assert _into_closed_pipe(["check", site, "--format", output], world) == (1, ""), output


def test_a_closed_pipe_before_anything_was_decided_is_2(world: World) -> None:
    # --help decides nothing: the reader left, so the command did not do what it was asked.
    assert _into_closed_pipe(["--help"], world) == (2, "")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_a_full_disk_is_one_line_and_exit_2(world: World) -> None:
    env = {**os.environ, "APPROVAL_LEDGER": str(world.ledger), "NO_COLOR": "1"}
    with Path("/dev/full").open("w") as full:  # as stdout only: opening it replaces nothing
        done = subprocess.run(
            [sys.executable, "-m", "approval", "audit"],
            cwd=world.root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    assert (done.returncode, done.stderr) == (
        2,
        "error: cannot write output: No space left on device\n",
    )


def test_guarded_output_turns_a_closed_pipe_into_an_output_error() -> None:
    import errno

    from approval.cli.render import GuardedOutput, OutputError

    read_end, write_end = os.pipe()
    os.close(read_end)
    with os.fdopen(write_end, "w") as stream:
        guarded = GuardedOutput(stream)
        with pytest.raises(OutputError) as caught:
            guarded.write("x" * 100_000)
            guarded.flush()
        assert caught.value.errno == errno.EPIPE
        assert caught.value.reason == "Broken pipe"
        # What is still buffered must not fail again when the stream is closed.
        from approval.cli.render import discard

        discard(stream)


def test_a_pipe_to_a_helper_that_closes_is_never_exit_1() -> None:
    """Click exits 1 on any EPIPE it sees; from a helper process's pipe it is an error."""
    from approval.cli import HelperPipeClosed, LazyGroup

    @click.command()
    def feed() -> None:
        helper = subprocess.Popen(["true"], stdin=subprocess.PIPE)
        helper.wait()
        assert helper.stdin is not None
        helper.stdin.write(b"x" * 1_000_000)
        helper.stdin.flush()

    group = LazyGroup(commands={"feed": feed})
    with pytest.raises(HelperPipeClosed):
        group.main(["feed"], standalone_mode=False)


# -- what people read -----------------------------------------------------------------------


def test_the_first_year_is_written_with_four_digits(world: World) -> None:
    from approval.statements import format_time

    assert format_time(datetime(1, 1, 1, tzinfo=UTC)) == "0001-01-01T00:00:00Z"
    result = world.run("audit", "--as-of", "0001-01-01")
    assert result.code == 0, result.output
    assert result.stdout.splitlines()[0] == "The ledger as of 0001-01-01T23:59:59Z"


def test_one_person_is_one_person(world: World) -> None:
    (world.root / "one.csv").write_text(ONE_PERSON)
    world.request(world.root / "one.csv")
    assert world.last is not None
    assert "(protected-person: 1 person)" in world.last.stdout
    result = world.run("audit")
    assert result.code == 0, result.output
    assert "(protected; protected-person 1 person)" in result.stdout
    assert "roster v1 (8 officials, 2 admin signatures to change)" in result.stdout
    history = world.run("audit", "--artifact", "one.csv")
    assert "scan: protected (csv), protected-person: 1 person, 4 findings" in history.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("status", "."), "error: .: is a directory"),
        (("audit", "--artifact", "."), "error: .: is a directory"),
    ],
)
def test_a_directory_is_called_a_directory(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = run_approval(*args, cwd=tmp_path, env={"APPROVAL_LEDGER": str(tmp_path / "l")})
    assert result.code == 2
    assert result.stderr.splitlines()[0] == message
