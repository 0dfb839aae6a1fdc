"""``approval sync``: share this clone's statements with the remote and take in the others'."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from approval.cli.options import examples, ledger_option
from approval.cli.output import output_options

if TYPE_CHECKING:
    from approval.ledger.setaside import Held


@click.command(
    short_help="Share this clone's statements with the remote; take the others'.",
    epilog=examples(
        "approval sync --ledger ~/ledger",
        "approval sync --ledger ~/ledger --remote ssh://git.example.gov/srv/ledger.git",
    ),
)
@ledger_option
@click.option(
    "--remote",
    metavar="URL",
    help="Attach a ledger made without a remote to URL (an empty git repository, or one "
    "without a `ledger` branch), then share it. Recorded: later syncs need no --remote.",
)
@click.option(
    "--accept-rewrite",
    is_flag=True,
    help="Only for an admin who knows why the history was rewritten (a rollback the "
    "offices agreed on): accept the remote's new history, or this clone's own branch moved "
    "behind the head it last verified, after verifying all of it from the first entry. "
    "Without it a rewritten or rolled-back ledger is refused (exit 3).",
)
@output_options
def sync(ledger: Path | None, remote: str | None, accept_rewrite: bool) -> None:
    """Fetch the shared ledger, put this clone's new statements on top, push, retry.

    What came in is verified as an audit would; each statement of this clone that the remote
    lacks is checked again on top of it before it goes out, and one that the shared ledger now
    refuses is kept out (under refs/approval/rejected/) and named. Pushes are fast-forward
    only, retried with back-off while other offices push first. Exits 0 when all is shared,
    1 when a statement was refused, 3 when the remote's history was rewritten or does not
    verify.
    """
    from approval.cli.output import emit, json_wanted
    from approval.cli.progress import transfer_progress
    from approval.cli.render import outcome
    from approval.errors import EXIT_BLOCKED, EXIT_OK
    from approval.ledger.replication import Synced, sync_ledger

    if remote is not None:
        _attach(ledger, remote)
    with transfer_progress() as progress:
        done = sync_ledger(ledger, accept_rewrite=accept_rewrite, progress=progress)
    outcome(EXIT_BLOCKED if done.set_aside else EXIT_OK)
    if json_wanted():
        emit(
            "sync",
            {
                "remote": done.remote or None,
                "head": done.head,
                "came_in": list(done.came_in),
                "went_out": list(done.went_out),
                "refused": [
                    {"id": a.id, "kind": a.kind, "reason": a.reason, "ref": a.ref}
                    for a in done.set_aside
                ],
                "rewrite_accepted": done.rewrite_accepted,
                "set_aside": [held.to_dict() for held in done.held],
            },
        )
        _warn_held(done.held)
        if done.set_aside:
            raise SystemExit(EXIT_BLOCKED)
        return
    from approval.cli.render import inert
    from approval.cli.screen import print_line as echo

    # The remote's name and what it sent are not ours: each line made inert.
    if not done.remote:  # a ledger without a remote: its own rewrite accepted, nothing shared
        echo(
            f"accepted this ledger's head {(done.head or 'an empty ledger')[:12]} (verified in "
            "full); the head it replaces is kept under refs/approval/replaced/"
        )
        return
    if done.rewrite_accepted:
        echo(f"accepted the rewritten history of {done.remote} (verified in full)")
    echo(f"came in: {Synced.counts(done.came_in)}")
    echo(f"went out: {Synced.counts(done.went_out)}")
    echo(f"in sync with {done.remote} at {(done.head or 'an empty ledger')[:12]}")
    for aside in done.set_aside:
        click.echo(inert(f"refused: {aside.words}"), err=True)
    _warn_held(done.held)
    if done.set_aside:
        raise SystemExit(EXIT_BLOCKED)


def _warn_held(held: Sequence[Held]) -> None:
    """Every sync tells of each export set aside (a file that left without a record the
    ledger admits) and each set-aside statement that does not verify, until someone acts."""
    from approval.cli.render import inert

    for one in held:
        if one.export or not one.genuine:
            click.echo(inert(f"warning: {one.words}"), err=True)


def _attach(path: Path | None, url: str) -> None:
    """Record ``url`` as the remote of a ledger that has none; the sync that follows pushes
    it there (and points a bare remote's HEAD at it). The same remote again is no change."""
    from approval.errors import UsageError
    from approval.ledger import Ledger
    from approval.ledger import remote as git_remote
    from approval.ledger.replication import attach, new_remote

    with Ledger.open(path) as ledger:
        recorded = git_remote.url(ledger)
        wanted = git_remote.normalize_url(url)
        if recorded == wanted:
            return
        if recorded is not None:
            raise UsageError(
                f"this ledger already shares with {recorded}",
                hint="a clone has one remote; run `approval sync` without --remote",
            )
        attach(ledger, new_remote(ledger.git_dir, wanted))
