"""``approval sync``: share this clone's statements with the remote and take in the others'."""

from __future__ import annotations

from pathlib import Path

import click

from approval.cli.options import examples, ledger_option


@click.command(
    short_help="Share this clone's statements with the remote; take in the others'.",
    epilog=examples("approval sync --ledger ~/ledger"),
)
@ledger_option
@click.option(
    "--accept-rewrite",
    is_flag=True,
    help="Only for an admin who knows why the history was rewritten (a rollback the "
    "offices agreed on): accept the remote's new history, or this clone's own branch moved "
    "behind the head it last verified, after verifying all of it from the first entry. "
    "Without it a rewritten or rolled-back ledger is refused (exit 3).",
)
def sync(ledger: Path | None, accept_rewrite: bool) -> None:
    """Fetch the shared ledger, put this clone's new statements on top, push, retry.

    What came in is verified as an audit would; each statement of this clone that the remote
    lacks is checked again on top of it before it goes out, and one that the shared ledger now
    refuses is kept out (under refs/approval/rejected/) and named. Pushes are fast-forward
    only, retried with back-off while other offices push first. Exits 0 when all is shared,
    1 when a statement was refused, 3 when the remote's history was rewritten or does not
    verify.
    """
    from approval.cli.progress import transfer_progress
    from approval.cli.render import outcome
    from approval.errors import EXIT_BLOCKED, EXIT_OK
    from approval.ledger.replication import Synced, sync_ledger

    with transfer_progress() as progress:
        done = sync_ledger(ledger, accept_rewrite=accept_rewrite, progress=progress)
    outcome(EXIT_BLOCKED if done.set_aside else EXIT_OK)
    if not done.remote:  # a ledger without a remote: its own rewrite accepted, nothing shared
        click.echo(
            f"accepted this ledger's head {(done.head or 'an empty ledger')[:12]} (verified in "
            "full); the head it replaces is kept under refs/approval/replaced/"
        )
        return
    if done.rewrite_accepted:
        click.echo(f"accepted the rewritten history of {done.remote} (verified in full)")
    click.echo(f"came in: {Synced.counts(done.came_in)}")
    click.echo(f"went out: {Synced.counts(done.went_out)}")
    click.echo(f"in sync with {done.remote} at {(done.head or 'an empty ledger')[:12]}")
    for aside in done.set_aside:
        click.echo(f"refused: {aside.words}", err=True)
    if done.set_aside:
        raise SystemExit(EXIT_BLOCKED)
