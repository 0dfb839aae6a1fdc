"""``approval revoke``: withdraw a sign-off or a request."""

from __future__ import annotations

from pathlib import Path

import click

from approval.cli.options import examples, key_option, ledger_option, offline_option
from approval.cli.output import output_options


@click.command(
    short_help="Withdraw a sign-off or a request, with a reason.",
    epilog=examples('approval revoke 9d1e44a0b2c3 --key ~/.ssh/id_ed25519 --reason "wrong file"'),
)
@ledger_option
@offline_option()
@click.argument("statement", metavar="ID")
@key_option()
@click.option("--reason", required=True, help="Why it is withdrawn (auditors read it).")
@output_options
def revoke(
    ledger: Path | None, statement: str, key: Path, passphrase_env: str | None, reason: str
) -> None:
    """Withdraw the sign-off or request ID (full id or unique prefix), with a reason."""
    from approval.cli.output import emit, json_wanted
    from approval.cli.render import outcome
    from approval.cli.screen import say
    from approval.errors import EXIT_OK
    from approval.statements import short_id
    from approval.workflow.revoke import revoke as do_revoke

    done = do_revoke(ledger, statement, key, passphrase_env, reason)
    outcome(EXIT_OK)
    if json_wanted():
        emit(
            "revoke",
            {"id": done.id, "target": done.target, "what": done.what, "signer": done.signer},
        )
        return
    target, revocation = short_id(done.target), short_id(done.id)
    say(f"{done.signer} revoked {done.what} {target} (revocation {revocation})")
