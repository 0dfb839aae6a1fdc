"""``approval clone``: a new clone of a shared ledger, verified before it is trusted."""

from __future__ import annotations

from pathlib import Path

import click

from approval.cli.options import examples
from approval.cli.output import output_options


@click.command(
    short_help="Clone a shared ledger, verified before it appears.",
    epilog=examples(
        "approval clone ssh://git.example.gov/ledger.git ~/ledger",
        "approval clone --from-checkpoint ssh://git.example.gov/ledger.git ~/ledger",
    ),
)
@click.argument("url")
@click.argument("directory", metavar="DIR", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--from-checkpoint",
    "from_checkpoint",
    is_flag=True,
    help="Start from the newest checkpoint the witnesses signed (trusting them for the "
    "entries before it) instead of verifying every entry from the first.",
)
@output_options
def clone(url: str, directory: Path, from_checkpoint: bool) -> None:
    """Clone the shared ledger at URL into DIR (a bare git repository).

    Every statement is verified first, from the first entry, as `approval audit` does. With
    --from-checkpoint it is verified as a new clone's first command verifies it: from the
    newest checkpoint that enough witnesses of the roster in force signed (the chain of
    adoptions and the checkpoint checked, then every entry after it), taking the records
    before it on the witnesses' word; `approval audit` checks that word. A false checkpoint,
    or anything that does not verify: DIR is not created and the exit is 3.
    """
    from approval.cli.output import emit, json_wanted
    from approval.cli.progress import transfer_progress
    from approval.cli.render import outcome
    from approval.errors import EXIT_OK
    from approval.words import plural
    from approval.workflow.clone import clone_ledger

    with transfer_progress() as progress:
        done = clone_ledger(url, directory, progress=progress, full=not from_checkpoint)
    outcome(EXIT_OK)
    started = done.checkpoint
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
                "verified": done.verified,
                "from_checkpoint": started.to_dict() if started is not None else None,
            },
        )
        return
    from approval.cli.render import shown_path
    from approval.cli.screen import print_line as echo

    statements = plural(done.statements, "statement")
    signatures = plural(done.signatures, "signature")
    where = shown_path(done.path)  # the user's directory: a name in it is not for a log
    if started is None:
        echo(
            f"cloned {done.remote} into {where}: {statements} and {signatures} verified "
            f"from the first entry; {done.policy} in force"
        )
    else:
        echo(
            f"cloned {done.remote} into {where}: {statements}, verified from the "
            f"checkpoint at entry {started.count} (ledger head {started.head[:12]}) witnessed "
            f"by {', '.join(started.witnesses)}, then the {plural(done.verified, 'statement')} "
            f"after it ({signatures}); {done.policy} in force"
        )
    echo(f"use it with --ledger {where} (or APPROVAL_LEDGER)")
