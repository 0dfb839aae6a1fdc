"""``approval policy``: check and adopt policies and rosters."""

from __future__ import annotations

from pathlib import Path

import click

from approval.cli.options import examples, key_option, ledger_option, offline_option
from approval.errors import ProblemsError


@click.group(
    short_help="Check policies and rosters; adopt new versions.",
    epilog=examples("approval policy check policies/8cfr208.6.yaml policies/roster.example.yaml"),
)
def policy() -> None:
    """Check policies and rosters, and adopt new versions into the ledger."""


@policy.command(
    short_help="Validate policy and roster files.",
    epilog=examples("approval policy check policies/8cfr208.6.yaml policies/roster.example.yaml"),
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
def check(files: tuple[Path, ...]) -> None:
    """Validate policy and roster FILES; policies are checked against the rosters given.

    Prints one line per valid file; exits 2 with every problem as file:line:col when any is
    wrong.
    """
    from approval.cli.render import outcome
    from approval.cli.screen import say
    from approval.errors import EXIT_OK, EXIT_USAGE
    from approval.workflow.policy_check import check_files

    results = check_files(list(files))
    outcome(EXIT_OK if all(result.ok for result in results) else EXIT_USAGE)
    problems: list[str] = []
    for result in results:
        if result.ok:
            say(f"{result.path}: ok: {result.summary}")
        else:
            problems += result.problems
    if problems:
        raise ProblemsError(problems)


@policy.command(
    short_help="Adopt a new policy and roster version (admin threshold).",
    epilog=examples(
        "approval policy adopt policies/8cfr208.6.yaml --roster roster.yaml "
        "--key admin1.key --key admin2.key"
    ),
)
@ledger_option
@offline_option()
@click.argument("policy_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--roster",
    "roster_file",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The roster to adopt with it (repeat the one in force if it does not change).",
)
@key_option(multiple=True)
def adopt(
    ledger: Path | None,
    policy_file: Path,
    roster_file: Path,
    keys: tuple[Path, ...],
    passphrase_env: str | None,
) -> None:
    """Adopt a new version of the policy and roster into the ledger.

    Needs the admin threshold of the roster in force and of the new roster, and a policy
    version higher than the one in force: an older policy can never be re-adopted.
    """
    from approval.cli.render import outcome
    from approval.cli.screen import say
    from approval.errors import EXIT_OK
    from approval.workflow.adopt import adopt_policy

    adopted = adopt_policy(ledger, policy_file, roster_file, list(keys), passphrase_env)
    outcome(EXIT_OK)
    say(adopted.summary)
