"""``approval init``: create the ledger and adopt the first policy and roster."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from approval.cli.options import configured, examples, key_option, ledger_option
from approval.cli.output import output_options


@click.command(
    short_help="Create a ledger and adopt its first policy and roster.",
    epilog=examples(
        "approval init --ledger ledger/ --policy policies/8cfr208.6.yaml "
        "--roster roster.yaml --key admin1.key --key admin2.key"
    ),
)
@ledger_option
@click.option(
    "--policy",
    "policy_file",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The policy to adopt.",
)
@click.option(
    "--roster",
    "roster_file",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The roster of officials to adopt.",
)
@key_option(multiple=True)
@click.option(
    "--remote",
    metavar="URL",
    default=lambda: configured("remote"),
    help="A git remote the offices share (an empty repository, or one without a `ledger` "
    "branch): recorded, and the first adoption pushed there.",
)
@output_options
def init(
    ledger: Path | None,
    policy_file: Path,
    roster_file: Path,
    keys: tuple[Path, ...],
    passphrase_env: str | None,
    remote: str | None,
) -> None:
    """Create a new ledger and adopt its first policy and roster.

    The adoption is signed by the roster's admins: give one --key per admin, at least the
    roster's admin threshold.
    """
    from approval.cli.output import emit, json_wanted
    from approval.cli.render import outcome, shown_path
    from approval.cli.screen import say
    from approval.errors import EXIT_OK, UsageError
    from approval.workflow.adopt import init_ledger

    if ledger is None:
        raise UsageError(
            "no ledger directory given", hint="pass --ledger DIR or set $APPROVAL_LEDGER"
        )
    adopted = init_ledger(
        ledger, policy_file, roster_file, list(keys), passphrase_env, remote=remote
    )
    outcome(EXIT_OK)
    if json_wanted():
        emit("init", _adopted(adopted))
        return
    say(f"created ledger {shown_path(adopted.ledger)}: {adopted.summary}")
    if adopted.remote:
        say(f"shared through {adopted.remote}: other offices run `approval clone`")


def _adopted(adopted: Any) -> dict[str, Any]:
    """An adoption as the JSON of ``init`` and ``policy adopt``."""
    return {
        "ledger": str(adopted.ledger),
        "statement": adopted.statement,
        "policy": adopted.policy,
        "signers": list(adopted.signers),
        "officials": adopted.officials,
        "remote": adopted.remote,
        "summary": adopted.summary,
    }
