"""Options shared by the commands that use the ledger or sign."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def ledger_option(function: F) -> F:
    """``--ledger DIR``, else ``$APPROVAL_LEDGER``."""
    return click.option(
        "--ledger",
        "ledger",
        type=click.Path(path_type=Path, file_okay=False),
        envvar="APPROVAL_LEDGER",
        show_envvar=True,
        help="The ledger directory.",
    )(function)


def offline_option(*, fresh: bool = False) -> Callable[[F], F]:
    """``--offline``: do not fetch from the ledger's remote before deciding, nor push after.
    With ``fresh`` (the gate), a remote that cannot be reached is an error unless it is given;
    otherwise a warning. The mode holds for the command's run only (closed with its context)."""

    def enter(ctx: click.Context, _param: click.Parameter, offline: bool) -> None:
        from approval.workflow.sync import Mode, using

        ctx.with_resource(using(Mode(online=not offline, required=fresh, warn=_warn)))

    words = (
        "Decide on this clone's copy of the ledger, without fetching from or pushing to its "
        "remote: the decision may be stale (without it, an unreachable remote is an error)."
        if fresh
        else "Do not fetch from or push to the ledger's remote: the decision may be stale, and "
        "`approval sync` shares what is recorded later."
    )
    return click.option("--offline", is_flag=True, expose_value=False, callback=enter, help=words)


def _warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


def key_option(*, multiple: bool = False) -> Callable[[F], F]:
    """``--key FILE`` (an OpenSSH private key) and ``--passphrase-env VAR``."""

    def decorate(function: F) -> F:
        function = click.option(
            "--passphrase-env",
            metavar="VAR",
            help="Read the key's passphrase from environment variable VAR (for automation).",
        )(function)
        return click.option(
            "--key",
            "keys" if multiple else "key",
            required=True,
            multiple=multiple,
            type=click.Path(path_type=Path, dir_okay=False),
            help="Your OpenSSH private key"
            + (" (repeat for each admin signing)." if multiple else "."),
        )(function)

    return decorate
