"""``approval policy``: check and adopt policies and rosters."""

from __future__ import annotations

from pathlib import Path

import click

from approval.errors import ProblemsError


@click.group(
    epilog="Example: approval policy check policies/8cfr208.6.yaml policies/roster.example.yaml"
)
def policy() -> None:
    """Check policies and rosters, and adopt new versions into the ledger."""


@policy.command(
    epilog="Example: approval policy check policies/8cfr208.6.yaml policies/roster.example.yaml"
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
def check(files: tuple[Path, ...]) -> None:
    """Validate policy and roster FILES; policies are checked against the rosters given.

    Prints one line per valid file; exits 2 with every problem as file:line:col when any is
    wrong.
    """
    from approval.workflow.policy_check import check_files

    results = check_files(list(files))
    problems: list[str] = []
    for result in results:
        if result.ok:
            click.echo(f"{result.path}: ok: {result.summary}")
        else:
            problems += result.problems
    if problems:
        raise ProblemsError(problems)
