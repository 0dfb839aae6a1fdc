"""``approval request``: ask the designated officials to approve one file for export."""

from __future__ import annotations

from pathlib import Path

import click

from approval.cli.options import examples, key_option, ledger_option, offline_option
from approval.cli.output import output_options


@click.command(
    short_help="Ask the officials to approve one file for export.",
    epilog=examples(
        'approval request stats.xlsx --purpose "FY2022 detention statistics" '
        '--destination "www.example.gov/detention" --key ~/.ssh/id_ed25519'
    ),
)
@ledger_option
@offline_option()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--purpose", required=True, help="Why the file must go out (officials read it).")
@click.option("--destination", required=True, help="Where it will be published or sent.")
@key_option()
@click.option(
    "--again",
    is_flag=True,
    help="Make a new request although these bytes already have a live one (needs --reason).",
)
@click.option("--reason", help="With --again: why a new request is needed (it is recorded).")
@output_options
def request(
    ledger: Path | None,
    file: Path,
    purpose: str,
    destination: str,
    key: Path,
    passphrase_env: str | None,
    again: bool,
    reason: str | None,
) -> None:
    """Request approval to export FILE; prints the request id on the last line.

    The file is scanned under the policy in force; the request records what was found (classes,
    persons, where, hidden parts), never a value from the file. Bytes that already have an open
    or approved request are refused (exit 1), naming it; --again --reason makes a new one.
    """
    from approval.cli import gateview
    from approval.cli.output import emit, json_wanted
    from approval.cli.render import outcome, shown_path
    from approval.cli.screen import say
    from approval.errors import EXIT_OK, UsageError
    from approval.workflow.request import request_approval

    if again and not reason:
        raise UsageError("--again needs --reason TEXT: say why a second request is needed")
    if reason and not again:
        raise UsageError("--reason goes with --again", hint="add --again, or leave --reason out")
    done = request_approval(
        ledger, file, purpose, destination, key, passphrase_env, reason if again else None
    )
    outcome(EXIT_OK)
    if json_wanted():
        emit(
            "request",
            {
                "id": done.id,
                "short": done.short,
                "file": done.file,
                "sha256": done.sha256,
                "requester": done.requester,
                "verdict": done.verdict,
                "persons": done.persons,
                "needs": list(done.roles),
            },
        )
        return
    persons = gateview.persons(done.persons) or done.verdict
    shown = shown_path(done.file)  # as the user named it: a name in it is not for a log
    say(f"requested approval for {shown} ({persons}); needs: {', '.join(done.roles)}")
    say(f"officials review it with: approval show {done.short}")
    click.echo(done.id)
