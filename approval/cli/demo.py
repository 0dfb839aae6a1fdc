"""``approval demo``: the whole story on synthetic data, in a temporary directory."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from approval.cli.options import examples, shell_lines
from approval.cli.output import quiet_option

if TYPE_CHECKING:
    from approval.demo.story import Echo


@click.command(
    short_help="The whole story on synthetic data, step by step.",
    epilog=examples("approval demo", "approval demo --keep /tmp/approval-world"),
)
@click.option(
    "--keep",
    type=click.Path(path_type=Path, file_okay=False),
    help="Build the world in DIR (must not exist or be empty) and keep it to explore.",
)
@quiet_option
def demo(keep: Path | None) -> None:
    """Run the whole story on synthetic data: scan, a refused export, request, review, sign,
    export, a changed byte refused, redact, the CI gate, audit, and ssh-keygen verifying.

    Every step prints the command a user would type and its real output. Exits 0 only when
    every step behaved as it should (exit codes, and what the step did to the files).
    """
    import shutil
    import sys
    import tempfile

    from approval.demo.story import run_story
    from approval.errors import BlockedError, UsageError

    # On a terminal each step's screens are drawn as they would be for the user (tables,
    # panels); piped, they are the plain text the README's transcripts show.
    width = min(shutil.get_terminal_size().columns, 100) if sys.stdout.isatty() else None
    echo = _printer(width)
    if keep is not None:
        if keep.exists() and any(keep.iterdir()):
            raise UsageError(f"{keep}: not empty", hint="give a new or empty directory to --keep")
        keep.mkdir(parents=True, exist_ok=True)
        ok = run_story(keep.resolve(), echo, terminal_width=width)
    else:
        with tempfile.TemporaryDirectory(prefix="approval-demo-") as tmp:
            ok = run_story(Path(tmp), echo, terminal_width=width)
    if not ok:
        raise BlockedError("the demo did not tell the story it should")
    if keep is not None:
        where = keep.resolve()
        click.echo(f"The world is in {where}. To explore it:")
        click.echo(f"  cd {where} && export APPROVAL_LEDGER=$PWD/ledger && approval audit")
    else:
        click.echo("The world was temporary; run `approval demo --keep DIR` to explore it.")


def _printer(width: int | None) -> Echo:
    """Echo the story's lines. On a terminal (``width``) the demo's own lines are wrapped at
    words, commands with shell continuations, and styled unless NO_COLOR; piped, each is one
    line as it is (tests/test_readme.py reads them)."""
    import os
    import re
    import textwrap

    colour = width is not None and not os.environ.get("NO_COLOR")
    styles: dict[str, dict[str, Any]] = {
        "intro": {"bold": True},
        "say": {"fg": "cyan", "bold": True},
        "command": {"fg": "green"},
        "ok": {"dim": True},
        "problem": {"fg": "red", "bold": True},
    }

    def echo(text: str, kind: str) -> None:
        if width is not None and kind == "command":
            text = " \\\n    ".join(_wrap_command(text, width - 6))
        elif width is not None and kind != "output" and len(text) > width:
            number = re.match(r"# \d+\. ", text)  # "# 12. ": the sentence hangs after it
            indent = " " * (number.end() if number else 0)
            text = textwrap.fill(text, width, subsequent_indent=indent, break_on_hyphens=False)
        if colour and kind in styles and text:
            text = click.style(text, **styles[kind])
        click.echo(text)

    return echo


# The demo wraps its commands as the help's examples do (tests/demo calls it by this name).
_wrap_command = shell_lines
