"""``approval inbox``: the requests waiting for my sign-off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from approval.cli.options import examples, ledger_option, offline_option
from approval.cli.output import output_options


def _key_from_config(_ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
    from approval.cli.options import configured

    return value if value is not None else configured("key")


@click.command(
    short_help="Requests waiting for your sign-off, oldest first.",
    epilog=examples(
        "approval inbox --key ~/.ssh/id_ed25519.pub",
        "approval inbox --all --expiring 7",
        "approval inbox --format json",
    ),
)
@ledger_option
@offline_option()
@click.option(
    "--key",
    "key",
    envvar="APPROVAL_KEY",
    show_envvar=True,
    type=click.Path(path_type=Path, dir_okay=False),
    callback=_key_from_config,
    help="Your key (the private key file or its .pub: nothing is signed); default: `key` in "
    "the config.",
)
@click.option("--all", "everyone", is_flag=True, help="What waits for anyone in the office.")
@click.option(
    "--expiring",
    "days",
    type=click.IntRange(min=0, max=3650),
    metavar="DAYS",
    help="Also list approved requests whose approvals lapse within DAYS days.",
)
@output_options
def inbox(ledger: Path | None, key: Path | None, everyone: bool, days: int | None) -> None:
    """The requests waiting for a sign-off under your roles (your key's official in the roster
    in force), oldest first, after fetching the ledger: file, purpose, persons, hidden parts,
    age, and the roles they wait for. Requests that can no longer be signed (withdrawn, made
    under an older policy, approvals lapsed, refused, already allowed, already signed by you,
    your own when the rule forbids it) are not listed.

    Exits 0 when nothing waits, 1 when something does (with --expiring, also when an approval
    lapses within DAYS).
    """
    from approval.cli.output import emit, json_wanted
    from approval.cli.render import outcome
    from approval.errors import EXIT_BLOCKED, EXIT_OK
    from approval.workflow.inbox import inbox as get_inbox

    found = get_inbox(ledger, None if everyone else key, everyone=everyone, expiring_days=days)
    code = EXIT_OK if found.empty else EXIT_BLOCKED
    outcome(code)
    if json_wanted():
        emit("inbox", found.to_dict())
    else:
        _show(found)
    if code != EXIT_OK:
        raise SystemExit(code)


def _age(days: int) -> str:
    return "today" if days == 0 else "1 day" if days == 1 else f"{days} days"


def _show(found: Any) -> None:
    # Each line through ``print_line``: purposes, destinations and names come from the ledger.
    from approval.cli.screen import print_line as echo
    from approval.statements import format_time
    from approval.words import plural

    who = "the office" if found.official is None else f"{found.official} ({', '.join(found.roles)})"
    if not found.waiting:
        echo(f"Nothing waits for {who}.")
    else:
        echo(f"{plural(len(found.waiting), 'request')} waiting for {who}, oldest first:")
    for item in found.waiting:
        request = item.request
        echo("")
        echo(f"{item.to_dict()['short']}  {request.artifact.name}  ({_age(item.age.days)})")
        echo(f"  requested by {request.requester} on {format_time(request.at)}")
        echo(f"  purpose:     {request.purpose}")
        echo(f"  destination: {request.destination}")
        persons = "not recorded" if item.persons is None else plural(item.persons, "person")
        echo(f"  persons:     {persons}")
        echo(f"  hidden:      {', '.join(item.hidden) or 'none'}")
        if item.mine:
            echo(f"  you sign as: {', '.join(item.mine)}")
        echo(f"  waits for:   {', '.join(item.missing)}")
        for line in item.refused_before:
            echo(f"  {line}")
        echo(f"  $ approval show {item.to_dict()['short']}")
    if found.expiring is not None:
        echo("")
        if not found.expiring:
            echo("No approval lapses in the days asked for.")
        for entry in found.expiring:
            exported = "exported" if entry.exported else "not exported yet"
            echo(
                f"{entry.to_dict()['short']}  {entry.request.artifact.name}: approvals lapse "
                f"{format_time(entry.expires)} ({', '.join(entry.signers)}; {exported})"
            )
