"""``approval watch``: new ledger events as they arrive, one JSON line each."""

from __future__ import annotations

from pathlib import Path

import click

from approval.cli.options import examples, ledger_option


@click.command(
    short_help="Print new ledger events as they arrive (one JSON line each).",
    epilog=examples(
        "approval watch --interval 60 | chat-bot --channel privacy",
        "approval watch --once --expiring 7",
    ),
)
@ledger_option
@click.option(
    "--interval",
    type=click.IntRange(min=1, max=86400),
    default=60,
    show_default=True,
    metavar="SECONDS",
    help="Seconds between polls of the ledger's remote.",
)
@click.option("--once", is_flag=True, help="Print what is new since the last run, then exit.")
@click.option(
    "--from-start",
    is_flag=True,
    help="With no position remembered for this ledger, start at its first entry (default: now).",
)
@click.option(
    "--expiring",
    "days",
    type=click.IntRange(min=0, max=3650),
    metavar="DAYS",
    help="Also an `expiring` event (once per request) when approvals lapse within DAYS days; "
    "runs the `expiring` hooks of your config.",
)
def watch(
    ledger: Path | None, interval: int, once: bool, from_start: bool, days: int | None
) -> None:
    """Print each new event of the ledger (request, signoff, refusal, revocation, export,
    expiring) as one JSON line, after fetching and verifying it: for chat bots and mail
    gateways. The position is remembered per ledger in your cache, so `--once` from cron prints
    each event once. Events hold ids, kinds, officials, roles, the file name as recorded and
    counts; never purposes, comments or data.

    Runs until interrupted (exit 130) unless --once.
    """
    import json
    import sys
    import time

    from approval.cli.jsontext import inert_json
    from approval.workflow.watch import poll

    while True:
        for event in poll(ledger, from_start=from_start, expiring_days=days):
            click.echo(inert_json(json.dumps(event, sort_keys=True, ensure_ascii=False)))
        if once:
            return
        # stdout may be a pipe to a bot: each event is out before the wait.
        sys.stdout.flush()
        time.sleep(interval)
