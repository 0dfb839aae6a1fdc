"""``approval checkpoint``: vouch, as a witness, for the verified state at the ledger's head."""

from __future__ import annotations

from pathlib import Path

import click

from approval.cli.options import examples, ledger_option, offline_option
from approval.cli.output import output_options


@click.command(
    short_help="Vouch for the state at the head: new clones start there.",
    epilog=examples(
        "approval checkpoint --key ~/.ssh/witness_ed25519",
        "approval checkpoint --status",
    ),
)
@ledger_option
@offline_option()
@click.option(
    "--key",
    envvar="APPROVAL_KEY",
    show_envvar=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="A witness's OpenSSH private key file, or its .pub for a key held in ssh-agent "
    "(default: `key` in the config, see `approval config`).",
)
@click.option(
    "--passphrase-env",
    metavar="VAR",
    help="Read the key's passphrase from environment variable VAR (for automation).",
)
@click.option("--status", is_flag=True, help="Say where the checkpoints stand; sign nothing.")
@output_options
def checkpoint(
    ledger: Path | None, key: Path | None, passphrase_env: str | None, status: bool
) -> None:
    """Sign a checkpoint of the ledger's head: the count of entries and the digest of the state
    this client verified there, with the state itself, so that a fresh clone (a CI runner)
    verifies only the entries after it. When the newest checkpoint's head is still the head, a
    second witness cosigns it. `approval audit` checks every checkpoint against its own replay.
    With --status, say how many entries came after the newest checkpoint and whether the
    policy's `checkpoints.every` makes a new one due."""
    from approval.cli.options import configured
    from approval.cli.output import emit, json_wanted
    from approval.cli.render import outcome
    from approval.cli.screen import say
    from approval.errors import EXIT_OK
    from approval.statements import short_id
    from approval.workflow.checkpoint import checkpoint_status, make_checkpoint

    if status:
        standing = checkpoint_status(ledger)
        outcome(EXIT_OK)
        newest = standing.newest
        if json_wanted():
            emit(
                "checkpoint",
                {
                    "entries": standing.count,
                    "head": newest.head if newest else None,
                    "count": newest.count if newest else None,
                    "state_sha256": newest.state_sha256 if newest else None,
                    "signers": list(standing.signers),
                    "threshold": standing.threshold,
                    "every": standing.every,
                    "since": standing.since,
                    "due": standing.due,
                },
            )
            return
        if newest is None:
            say(f"no checkpoint yet; the ledger holds {standing.count} entries")
        else:
            say(
                f"newest checkpoint: ledger head {newest.head[:12]} (entry {newest.count}), "
                f"vouched for by {', '.join(standing.signers)} "
                f"({len(standing.signers)} of {standing.threshold or '?'} needed); "
                f"{standing.since} entries since"
            )
        if standing.threshold is None:
            say("the policy in force names no checkpoint role: no one can make one")
        elif standing.due:
            say(f"warning: a checkpoint is due (the policy asks for one every {standing.every})")
        return
    key = key or configured("key")
    if key is None:
        raise click.UsageError("no key: pass --key FILE, set APPROVAL_KEY, or use --status")
    made = make_checkpoint(ledger, Path(key), passphrase_env)
    outcome(EXIT_OK)
    if json_wanted():
        emit(
            "checkpoint",
            {
                "id": made.id,
                "signer": made.signer,
                "head": made.head,
                "count": made.count,
                "state_sha256": made.digest,
                "cosigned": made.cosigned,
                "signers": list(made.signers),
                "threshold": made.threshold,
            },
        )
        return
    what = "cosigned the checkpoint of" if made.cosigned else "vouched for"
    say(
        f"{made.signer} {what} ledger head {made.head[:12]} (entry {made.count}, state "
        f"sha256 {made.digest[:12]}) in checkpoint {short_id(made.id)}"
    )
    short = made.threshold - len(made.signers)
    if short > 0:
        say(f"{short} more witness signature{'s' if short > 1 else ''} needed before clones use it")
