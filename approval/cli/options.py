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
