"""Options shared by the commands that use the ledger or sign."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def configured(name: str, option: Any = None) -> Any:
    """``name``'s value: ``option`` when given, else the environment, the project's
    ``.approval.toml``, the user's config file, the default (``approval config`` shows which)."""
    from approval.config import load

    return load().value(name, option)


def _ledger_from_config(_ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
    # click has read --ledger and $APPROVAL_LEDGER already; the config files come after them.
    return value if value is not None else configured("ledger")


def ledger_option(function: F) -> F:
    """``--ledger DIR``, else ``$APPROVAL_LEDGER``, else ``ledger`` in the config files."""
    return click.option(
        "--ledger",
        "ledger",
        type=click.Path(path_type=Path, file_okay=False),
        envvar="APPROVAL_LEDGER",
        show_envvar=True,
        callback=_ledger_from_config,
        help="The ledger directory (default: `ledger` in the config, see `approval config`).",
    )(function)


def offline_option(*, fresh: bool = False) -> Callable[[F], F]:
    """``--offline``: do not fetch from the ledger's remote before deciding, nor push after.
    With ``fresh`` (the gate), a remote that cannot be reached is an error unless it is given;
    otherwise a warning. The mode holds for the command's run only (closed with its context)."""

    def enter(ctx: click.Context, _param: click.Parameter, offline: bool) -> None:
        from approval.ledger.replication import Mode, using

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
    from approval.cli.render import print_warning

    print_warning(message)  # it may hold what a remote said, or a path


def key_option(*, multiple: bool = False) -> Callable[[F], F]:
    """``--key FILE`` (an OpenSSH private key) and ``--passphrase-env VAR``."""

    def decorate(function: F) -> F:
        function = click.option(
            "--passphrase-env",
            metavar="VAR",
            help="Read the key's passphrase from environment variable VAR (for automation).",
        )(function)
        if multiple:
            return click.option(
                "--key",
                "keys",
                required=True,
                multiple=True,
                type=click.Path(path_type=Path, dir_okay=False),
                help="An admin's OpenSSH private key, or its .pub for a key held in ssh-agent "
                "(repeat for each admin signing).",
            )(function)
        return click.option(
            "--key",
            "key",
            envvar="APPROVAL_KEY",
            show_envvar=True,
            type=click.Path(path_type=Path, dir_okay=False),
            callback=_key_from_config,
            help="Your OpenSSH private key file, or its .pub for a key held in ssh-agent "
            "(default: `key` in the config, see `approval config`).",
        )(function)

    return decorate


def _key_from_config(ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
    if value is None:
        value = configured("key")
    if value is None:
        raise click.UsageError(
            "no key: pass --key FILE, set APPROVAL_KEY, or set `key` in the config file",
            ctx=ctx,
        )
    return value


# Help is at most 80 columns: the epilog is indented 2, each command 2 more.
EXAMPLE_WIDTH = 76


def examples(*commands: str) -> str:
    """A help epilog of example commands, shown exactly as written.

    Click re-wraps help text to the terminal's width, which cut a command in the middle of an
    option value (``--role privacy-`` / ``officer``); a paragraph that starts with ``\\b`` is
    left as it is. A command longer than the line is continued with a backslash, so that it
    can still be pasted into a shell.
    """
    lines = ["\b", "Example:" if len(commands) == 1 else "Examples:"]
    for command in commands:
        if len(command) <= EXAMPLE_WIDTH - 2:
            lines.append(f"  {command}")
            continue
        # Room for the continuation's indent (4) and the " \\" at the end of each piece.
        first, *rest = shell_lines(command, EXAMPLE_WIDTH - 8)
        pieces = [first, *("    " + piece for piece in rest)]
        lines += [f"  {piece} \\" for piece in pieces[:-1]] + [f"  {pieces[-1]}"]
    return "\n".join(lines)


def shell_lines(line: str, width: int) -> list[str]:
    """A shell line cut into pieces of at most ``width`` characters (when its words allow) at
    spaces outside quotes, so that the pieces joined by backslash-newlines run the same."""
    words: list[str] = []
    word, quote = "", ""
    for char in line:
        if char == " " and not quote:
            words.append(word)
            word = ""
            continue
        if quote and char == quote:
            quote = ""
        elif not quote and char in "'\"":
            quote = char
        word += char
    words.append(word)
    pieces = [words[0]]
    for word in words[1:]:
        if len(pieces[-1]) + 1 + len(word) > width:
            pieces.append(word)
        else:
            pieces[-1] += " " + word
    return pieces
