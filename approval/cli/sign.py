"""``approval sign``: an official approves or refuses a request, with their own key."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from approval.cli.complete import complete_request, complete_role
from approval.cli.options import configured, examples, key_option, ledger_option, offline_option
from approval.cli.output import output_options


@click.command(
    short_help="Approve or refuse a request with your own key.",
    epilog=examples(
        "approval sign 3f9c2a7d41e0 --key ~/.ssh/id_ed25519 --role privacy-officer",
        "approval sign 3f9c2a7d41e0 --file stats.xlsx --key ~/.ssh/id_ed25519",
        'approval sign 3f9c2a7d41e0 --key ~/.ssh/id_ed25519 --reject --comment "names visible"',
    ),
)
@ledger_option
@offline_option()
@click.argument("request", shell_complete=complete_request)
@key_option()
@click.option(
    "--role",
    shell_complete=complete_role,
    help="The role you sign under (needed only if you hold several; default: `role` in the "
    "config).",
)
@click.option("--reject", is_flag=True, help="Refuse the request (a reason is required).")
@click.option("--comment", help="A comment; for --reject, the reason.")
@click.option("--yes", is_flag=True, help="Sign without the typed confirmation (automation).")
@click.option(
    "--file",
    "file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The file under review, rescanned here (default: found under the current directory "
    "by its sha256).",
)
@output_options
def sign(
    ledger: Path | None,
    request: str,
    key: Path,
    passphrase_env: str | None,
    role: str | None,
    reject: bool,
    comment: str | None,
    yes: bool,
    file: Path | None,
) -> None:
    """Approve REQUEST (or refuse it with --reject) under one role.

    The file's bytes are rescanned with this client (--file, or the file with the request's
    sha256 under the current directory). An approval is refused (exit 1) when the request says
    less than the bytes hold, and when a rule needs a rescan and none was possible.

    Shows the review screen, then asks you to type the request's short id. Without a terminal
    it refuses unless --yes is given.

    --key may name the .pub file of a key held in ssh-agent ($SSH_AUTH_SOCK): the agent signs,
    so smart-card (PKCS#11, PIV) and FIDO keys added to it sign too.
    """
    from approval.cli.render import inert
    from approval.cli.screen import say, show
    from approval.cli.views import decision_section, review_sections
    from approval.errors import UsageError
    from approval.workflow.review import Review, sign_request

    role = configured("role", role)
    interactive = sys.stdin.isatty() and not yes
    if not yes and not sys.stdin.isatty():
        raise UsageError(
            "signing needs a typed confirmation on a terminal",
            hint="run it on a terminal, or pass --yes to sign without one",
        )
    if reject and yes and not comment:
        raise UsageError("a rejection needs a reason", hint="pass --comment TEXT")

    def confirm(review: Review, chosen: str) -> str | None:
        if not interactive:
            return comment
        show(review_sections(review))
        reason = comment
        if reject and not reason:
            reason = click.prompt("Why do you refuse it", type=str).strip()
        verb = "refuse" if reject else "approve"
        # The role is the roster's word (from the ledger): inert, as the screen above is.
        typed = click.prompt(
            inert(f"Type {review.short} to {verb} it as {chosen}"), default="", show_default=False
        )
        if typed.strip() != review.short:
            raise UsageError("the id typed does not match: nothing was signed")
        return reason

    done: Any = sign_request(
        ledger,
        request,
        key,
        passphrase_env,
        role=role,
        reject=reject,
        comment=comment,
        confirm=confirm,
        file=file,
        search=None if file else Path.cwd(),
    )
    from approval.cli.render import outcome
    from approval.errors import EXIT_OK

    outcome(EXIT_OK)  # signed and recorded, whoever reads what follows
    from approval.cli.output import emit, json_wanted

    if json_wanted():
        emit("sign", _signed(done))
        return
    verb = "refused" if done.decision == "reject" else "approved"
    from approval.statements import short_id

    request_short, signoff_short = short_id(done.request), short_id(done.id)
    say(f"{done.signer} {verb} {request_short} as {done.role}: sign-off {signoff_short}")
    if done.rescan is not None and done.rescan.done:
        match = (
            "the request names more than they hold"
            if done.rescan.differences
            else ("they match the request")
        )
        say(f"after a rescan of the bytes ({done.rescan.note}): {match}")
    elif done.rescan is not None:
        say(f"without a rescan of the bytes: {done.rescan.note}")
    show([decision_section(done.after)])


def _signed(done: Any) -> dict[str, Any]:
    """A sign-off as ``sign --format json`` prints it (README: Output for scripts)."""
    rescan = done.rescan
    return {
        "id": done.id,
        "request": done.request,
        "signer": done.signer,
        "role": done.role,
        "decision": done.decision,
        "rescanned": rescan is not None and rescan.done,
        "rescan_note": rescan.note if rescan is not None else None,
        "decision_after": done.after.to_dict(),
    }
