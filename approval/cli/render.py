"""Terminal output: rich on a terminal, plain text when piped, ``NO_COLOR`` honoured.

Writing the output can fail: the reader of a pipe goes away (``approval audit | head``), or the
disk behind a redirection is full. The rule, the same for every command:

- a closed pipe ends the command quietly, with the exit code it had decided on before it began
  to print (``outcome``), else 2; never 1 on its own account, since 1 means "blocked";
- any other failure to write is one line, ``cannot write output: <reason>``, and exit 2.

``GuardedOutput`` makes such a failure an ``OutputError``, told apart from an ``OSError`` on an
input, and out of the reach of Click, whose own handling of a closed pipe exits 1.
"""

from __future__ import annotations

import contextlib
import os
import sys
from functools import cache
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rich.console import Console


class OutputError(Exception):
    """Writing to stdout failed; ``reason`` is the system's words (never the output itself)."""

    def __init__(self, error: OSError):
        super().__init__(error.strerror or type(error).__name__)
        self.errno = error.errno
        self.reason = error.strerror or type(error).__name__


class GuardedOutput:
    """A text stream (stdout) whose failures to write or flush raise ``OutputError``;
    everything else is the stream's own."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except OSError as e:
            raise OutputError(e) from e

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self.stream.flush()
        except OSError as e:
            raise OutputError(e) from e

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


# The exit code the running command has decided on, for a reader that closes the pipe early.
_outcome: list[int] = []


def outcome(code: int) -> None:
    """Record the exit code this command ends with, once it is known and before the answer
    is printed: ``approval audit | head`` then still exits 0 on an intact ledger."""
    _outcome[:] = [code]


def decided() -> int | None:
    """The code given to ``outcome`` in this run, if any."""
    return _outcome[0] if _outcome else None


def forget_outcome() -> None:
    _outcome.clear()


def discard(stream: TextIO) -> None:
    """After a failed write, send what ``stream`` still buffers nowhere: otherwise the
    interpreter's last flush fails again, prints an "Exception ignored" warning and exits 120."""
    try:
        target = os.open(os.devnull, os.O_WRONLY)
        os.dup2(target, stream.fileno())
        os.close(target)
    except (OSError, ValueError):
        pass  # no file descriptor (an in-process test's stream): nothing is flushed at exit


def terminal() -> bool:
    """Whether stdout gets the terminal's rendering (tables and panels), decided as rich decides
    it without importing rich: stdout is a terminal, or FORCE_COLOR asks for it (as
    ``approval demo`` does on a terminal, to show each step's screens as they would look)."""
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


@cache
def stdout() -> Console:
    from rich.console import Console

    # rich itself turns colour off when NO_COLOR is set or stdout is not a terminal.
    return Console(highlight=False, soft_wrap=False)


@cache
def stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def print_error(lines: list[str], details: list[str] | None = None) -> None:
    """Any detail lines, then the message prefixed ``error:`` and its hint, on stderr (unless
    stderr itself cannot be written: the exit code still tells)."""
    with contextlib.suppress(OSError):
        _print_error(lines, details)


def _print_error(lines: list[str], details: list[str] | None) -> None:
    first, *rest = lines or ["error"]
    if sys.stderr.isatty():
        console = stderr()
        for line in details or ():
            console.print(_escape(line))
        console.print(f"[bold red]error:[/] {_escape(first)}")
        for line in rest:
            console.print(_escape(line), style="dim" if line.startswith("hint:") else None)
    else:
        for line in details or ():
            print(line, file=sys.stderr)
        print(f"error: {first}", file=sys.stderr)
        for line in rest:
            print(line, file=sys.stderr)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
