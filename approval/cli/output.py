"""What every command that prints shares: ``--format text|json`` and ``-q/--quiet``.

The JSON a command prints is one document with a ``schema`` key, ``approval/<command>/v1``.
Within a version keys are only ever added, never renamed, removed or given another type; a
change that breaks a reader is a new version. The README's "Output for scripts" lists each
command's keys, and tests/cli/test_json_output.py holds every command to them.

``--quiet`` sends stdout nowhere for the command's run: errors still go to stderr, and the exit
code tells the rest, as ``git -q`` and ``grep -q`` do.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

_FORMAT = "approval.format"

# The schema version of every command's JSON; see the module's docstring for the rules.
VERSION = 1


def quiet_option(function: F) -> F:
    """``-q/--quiet``: nothing on stdout; errors on stderr; the exit code tells."""

    def enter(ctx: click.Context, _param: click.Parameter, quiet: bool) -> None:
        if quiet:
            ctx.with_resource(_silenced())

    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value=False,
        # Before the other options' callbacks, so that nothing they say reaches stdout.
        is_eager=True,
        callback=enter,
        help="Print nothing on stdout (errors still go to stderr); the exit code tells.",
    )(function)


def _configured_format() -> str:
    """``format`` in the config files (approval/config.py), else ``text``."""
    from approval.cli.options import configured

    return str(configured("format"))


def format_option(function: F) -> F:
    """``--format text|json`` for a command whose JSON is built by ``emit``."""

    def enter(ctx: click.Context, _param: click.Parameter, fmt: str) -> None:
        ctx.meta[_FORMAT] = fmt

    return click.option(
        "--format",
        type=click.Choice(["text", "json"]),
        default=_configured_format,
        show_default="text, or `format` in the config",
        expose_value=False,
        callback=enter,
        help="Words for people, or one JSON document for scripts (README: Output for scripts).",
    )(function)


def output_options(function: F) -> F:
    """Both ``--format`` and ``--quiet``."""
    return quiet_option(format_option(function))


def json_wanted() -> bool:
    """Whether the running command was asked for ``--format json``."""
    ctx = click.get_current_context(silent=True)
    # A context's meta is shared with the contexts nested in it (a group's subcommand).
    return ctx is not None and ctx.meta.get(_FORMAT) == "json"


def schema(command: str) -> str:
    """The schema name of ``command``'s JSON (``policy adopt`` -> ``approval/policy-adopt/v1``)."""
    return f"approval/{command.replace(' ', '-')}/v{VERSION}"


def document(command: str, body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with its schema named first."""
    return {"schema": schema(command), **body}


def emit(command: str, body: dict[str, Any]) -> None:
    """Print ``command``'s JSON document (UTF-8 as it is: file names stay readable; what a
    terminal would act on escaped, ``jsontext.inert_json``)."""
    from approval.cli.jsontext import inert_json

    click.echo(inert_json(indented(document(command, body))))


def indented(value: Any) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``, byte for byte, ~2x faster
    (:mod:`approval.cli.jsontext`, imported when a command writes JSON)."""
    from approval.cli.jsontext import encode

    return encode(value, "\n")


class _Nowhere(io.TextIOBase):
    """A stdout that keeps nothing and is not a terminal (so rich prints plain, to it)."""

    def write(self, text: str) -> int:
        return len(text)

    def isatty(self) -> bool:
        return False


@contextlib.contextmanager
def _silenced() -> Iterator[None]:
    with contextlib.redirect_stdout(_Nowhere()):
        yield
