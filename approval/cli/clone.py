"""``approval clone``: a new clone of a shared ledger, verified before it is trusted."""

from __future__ import annotations

from pathlib import Path

import click

from approval.cli.options import examples
from approval.cli.output import output_options


@click.command(
    short_help="Clone a shared ledger, verifying its whole history first.",
    epilog=examples("approval clone ssh://git.example.gov/ledger.git ~/ledger"),
)
@click.argument("url")
@click.argument("directory", metavar="DIR", type=click.Path(path_type=Path, file_okay=False))
@output_options
def clone(url: str, directory: Path) -> None:
    """Clone the shared ledger at URL into DIR (a bare git repository).

    Every statement is verified first, as `approval audit` does, from the first entry and
    without any cache; if anything fails, DIR is not created and the exit is 3.
    """
    from approval.cli.output import emit, json_wanted
    from approval.cli.progress import transfer_progress
    from approval.cli.render import outcome
    from approval.errors import EXIT_OK
    from approval.words import plural
    from approval.workflow.clone import clone_ledger

    with transfer_progress() as progress:
        done = clone_ledger(url, directory, progress=progress)
    outcome(EXIT_OK)
    if json_wanted():
        emit(
            "clone",
            {
                "path": str(done.path),
                "remote": done.remote,
                "head": done.head,
                "statements": done.statements,
                "signatures": done.signatures,
                "policy": done.policy,
            },
        )
        return
    statements = plural(done.statements, "statement")
    signatures = plural(done.signatures, "signature")
    click.echo(
        f"cloned {done.remote} into {done.path}: {statements} and {signatures} verified; "
        f"{done.policy} in force"
    )
    click.echo(f"use it with --ledger {done.path} (or APPROVAL_LEDGER)")
