"""``approval doctor``: is this machine set up right, one line per check."""

from __future__ import annotations

from pathlib import Path

import click

from approval.cli.options import examples, ledger_option
from approval.cli.output import output_options


@click.command(
    short_help="Check this machine: git, OpenSSH, ledger, remote, keys, caches.",
    epilog=examples(
        "approval doctor --ledger ~/ledger --key ~/.ssh/id_ed25519",
        "approval doctor --service unix:/run/approval/gate.sock",
    ),
)
@ledger_option
@click.option(
    "--key",
    "keys",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="A key to check (its file's permissions; a .pub: held in ssh-agent). Repeatable.",
)
@click.option(
    "--service",
    "services",
    multiple=True,
    metavar="HOST:PORT|unix:PATH",
    help="An `approval serve` to check: answering, and on which ledger head. Repeatable.",
)
@output_options
def doctor(ledger: Path | None, keys: tuple[Path, ...], services: tuple[str, ...]) -> None:
    """Check git and OpenSSH (versions), the ledger (found and verified; a warning when a
    checkpoint is due, the policy's `checkpoints.every`), its remote
    (reachable; git's safe.directory for one owned by another user), key files (private to
    you), the web gate (`approval serve`, with --service) and the caches. Nothing is changed.

    One line per check: ok, warn or fail, with what to do. Exits 0 when nothing fails, 1 when
    something does.
    """
    from approval.cli.output import emit, json_wanted
    from approval.cli.render import outcome
    from approval.errors import EXIT_BLOCKED, EXIT_OK
    from approval.workflow.doctor import diagnose

    found = diagnose(ledger, keys, services)
    code = EXIT_OK if found.ok else EXIT_BLOCKED
    outcome(code)
    if json_wanted():
        emit("doctor", {"ok": found.ok, "checks": [c.to_dict() for c in found.checks]})
    else:
        from approval.cli.screen import print_line as echo  # details quote remotes, files

        width = max(len(c.name) for c in found.checks)
        for check in found.checks:
            echo(f"{check.status:<4}  {check.name:<{width}}  {check.detail}")
            if check.hint and check.status != "ok":
                echo(f"{'':<4}  {'':<{width}}  hint: {check.hint}")
    if code:
        raise SystemExit(code)
