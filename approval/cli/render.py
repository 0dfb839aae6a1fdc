"""Terminal output: rich on a terminal, plain text when piped, ``NO_COLOR`` honoured."""

from __future__ import annotations

import os
import sys
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


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
    """Any detail lines, then the message prefixed ``error:`` and its hint, on stderr."""
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
