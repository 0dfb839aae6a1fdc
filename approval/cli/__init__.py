"""The command line. Each command parses, calls one workflow function, and renders.

Commands live in their own modules and are imported only when invoked, so that
``approval --help`` starts fast (git, spreadsheet and crypto libraries load lazily).
"""

from __future__ import annotations

import errno
import importlib
import os
import sys
from typing import TYPE_CHECKING, Any, TextIO, cast

import click

from approval import __version__
from approval.cli.options import examples
from approval.errors import EXIT_USAGE, ApprovalError

# ^C: 128 + SIGINT, the code a shell reports for a command the user interrupted.
EXIT_INTERRUPTED = 130

if TYPE_CHECKING:
    from approval.cli.render import OutputError

# name -> "module:attribute"; one line per command. tests/cli/test_registry.py keeps it complete.
COMMANDS: dict[str, str] = {
    "init": "approval.cli.init:init",
    "clone": "approval.cli.clone:clone",
    "sync": "approval.cli.sync:sync",
    "policy": "approval.cli.policy:policy",
    "scan": "approval.cli.scan:scan",
    "request": "approval.cli.request:request",
    "show": "approval.cli.show:show",
    "sign": "approval.cli.sign:sign",
    "revoke": "approval.cli.revoke:revoke",
    "status": "approval.cli.status:status",
    "export": "approval.cli.export:export",
    "check": "approval.cli.check:check",
    "redact": "approval.cli.redact:redact",
    "audit": "approval.cli.audit:audit",
    "demo": "approval.cli.demo:demo",
    "doctor": "approval.cli.doctor:doctor",
    "config": "approval.cli.config:config",
    "inbox": "approval.cli.inbox:inbox",
    "watch": "approval.cli.watch:watch",
    "serve": "approval.cli.serve:serve",
    "exposure": "approval.cli.exposure:exposure",
    "incident": "approval.cli.incident:incident",
    "checkpoint": "approval.cli.checkpoint:checkpoint",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lazy = lazy or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module_name, attribute = self.lazy[cmd_name].split(":")
            command: click.Command = getattr(importlib.import_module(module_name), attribute)
            return command
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OSError as e:
            if e.errno != errno.EPIPE:
                raise
            # Not stdout (that is an OutputError): a pipe to a helper process (git, ssh-keygen)
            # closed. Click would exit 1, which means "blocked"; it is an internal error.
            raise HelperPipeClosed() from e


class HelperPipeClosed(Exception):
    """A helper process closed its pipe while we wrote to it."""


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 80},
    epilog=examples("approval scan stats.xlsx", "approval COMMAND --help"),
)
@click.version_option(__version__, "--version", prog_name="approval")
@click.option("--debug", is_flag=True, help="Show the full traceback of an error.")
def cli(debug: bool) -> None:
    """Policy-as-code disclosure approval: files with protected-person data leave only with
    sign-offs from designated officials, recorded in a signed, append-only ledger.

    Exit codes: 0 ok, 1 blocked or needs approval, 2 bad input, 3 ledger integrity failure.
    """


def _debug_requested() -> bool:
    return "--debug" in sys.argv[1:] or bool(os.environ.get("APPROVAL_DEBUG"))


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn every error into one line and an exit code."""
    from approval.cli.render import GuardedOutput, OutputError, decided, forget_outcome

    forget_outcome()
    original = sys.stdout
    if original is None:  # started with stdout closed (`>&-`): nothing to guard or flush
        sys.exit(_run(argv))
    guarded = GuardedOutput(original)
    sys.stdout = cast(TextIO, guarded)
    code: int | None = None
    try:
        code = _run(argv)
        # Output to a file is buffered: a full disk may show only now.
        guarded.flush()
    except OutputError as e:
        code = _output_failed(e, original, code if code is not None else decided())
    finally:
        sys.stdout = original
    sys.exit(code)


def _output_failed(error: OutputError, stream: TextIO, known: int | None) -> int:
    """The rule of approval.cli.render: a closed pipe ends quietly with the code the command
    had decided on (else 2, never 1 for "blocked"); any other failure is one line and 2."""
    from approval.cli.render import discard, print_error

    discard(stream)
    if error.errno == errno.EPIPE:
        return known if known is not None else EXIT_USAGE
    print_error([f"cannot write output: {error.reason}"])
    return EXIT_USAGE


def _run(argv: list[str] | None) -> int:
    """Run the command; the exit code, after any error has been told in one line."""
    from approval.cli.render import OutputError, print_error

    try:
        code = cli.main(args=argv, prog_name="approval", standalone_mode=False)
    except OutputError:
        raise
    except SystemExit as e:
        # A command that ends with a code of its own (1 for blocked); the caller flushes.
        return e.code if isinstance(e.code, int) else (0 if e.code is None else EXIT_USAGE)
    except ApprovalError as e:
        if _debug_requested():
            raise
        print_error(e.diagnostics(), e.details)
        return e.exit_code
    except click.exceptions.Abort as e:
        # click turns both ^C and the end of input at a prompt into Abort; ^C is an interrupt.
        if isinstance(e.__context__, KeyboardInterrupt):
            return EXIT_INTERRUPTED
        print_error(["aborted"])
        return EXIT_USAGE
    except click.exceptions.NoArgsIsHelpError as e:
        if e.ctx is not None and e.ctx.parent is None:
            # `approval` alone is how people meet the tool (gh, cargo): its help on stdout, as
            # --help prints it, and success.
            click.echo(e.ctx.get_help())
            return 0
        # A group named alone (`approval policy`): its help is the answer, as click shows it,
        # and incomplete usage for a script.
        e.show()
        return e.exit_code
    except click.UsageError as e:
        # One line saying what is wrong, and where to look, instead of click's usage block.
        where = e.ctx.command_path if e.ctx is not None else "approval"
        print_error([e.format_message(), f"hint: see '{where} --help'"])
        return e.exit_code
    except click.ClickException as e:
        # Through our one error printer: the message may name a path the user gave.
        print_error([e.format_message()])
        return e.exit_code
    except KeyboardInterrupt:
        # The user pressed ^C: no traceback, never exit 0, and the shell's code for SIGINT.
        return EXIT_INTERRUPTED
    except Exception as e:
        if _debug_requested():
            raise
        # The message of a foreign exception may quote file content; name only its type.
        print_error(
            [f"internal error ({type(e).__name__})", "hint: run again with --debug for details"]
        )
        return EXIT_USAGE
    return code if isinstance(code, int) else 0
