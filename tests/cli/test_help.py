"""Every command and subcommand explains itself: ``--help`` with an example that fits 80
columns, a short help in the command list that is not cut off, usage errors in one line with a
hint, ``--version``, shell completion, and a ``--help`` that starts fast."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest

from approval.cli import COMMANDS, cli
from tests.support import run_approval


def _paths() -> list[tuple[str, ...]]:
    """Every command path: ("scan",), ("policy",), ("policy", "check"), ..."""
    import importlib

    paths: list[tuple[str, ...]] = []
    for name in sorted(COMMANDS):
        module, attribute = COMMANDS[name].split(":")
        command = getattr(importlib.import_module(module), attribute)
        paths.append((name,))
        if isinstance(command, click.Group):
            paths += [(name, sub) for sub in sorted(command.commands)]
    return paths


PATHS = _paths()


def test_subcommands_are_found() -> None:
    assert ("policy", "check") in PATHS
    assert ("policy", "adopt") in PATHS
    assert ("policy", "show") in PATHS
    assert ("incident", "notify-list") in PATHS
    assert len(PATHS) == len(COMMANDS) + 3 + 7  # policy's and incident's subcommands


def _examples(help_text: str) -> list[str]:
    """The example commands of a help text, each continuation line joined to its command."""
    lines = help_text.splitlines()
    heads = [n for n, line in enumerate(lines) if line.strip() in ("Example:", "Examples:")]
    assert len(heads) == 1, help_text
    commands: list[str] = []
    continued = False
    for line in lines[heads[0] + 1 :]:
        if not line.strip():
            break
        piece = line.strip().removesuffix(" \\")
        if continued:
            commands[-1] += " " + piece
        else:
            commands.append(piece)
        continued = line.endswith(" \\")
    return commands


def _parse(command_line: str) -> None:
    """Parse an example as the CLI would: every option and argument must be real."""
    import shlex

    words = shlex.split(command_line, comments=True)  # `# why` after an example is the shell's
    for redirection in (">", "|", "<"):  # `> scan.sarif` is the shell's, not ours
        if redirection in words:
            words = words[: words.index(redirection)]
    first, *args = words
    assert first == "approval"
    command: click.Command = cli
    parent = cli.make_context("approval", [], resilient_parsing=True)
    while isinstance(command, click.Group) and args and args[0] in command.list_commands(parent):
        name, *args = args
        found = command.get_command(parent, name)
        assert found is not None
        command = found
        if isinstance(command, click.Group):
            parent = command.make_context(name, [], parent=parent, resilient_parsing=True)
    assert not isinstance(command, click.Group), command_line
    with command.make_context(command.name or "", args, parent=parent):
        pass


# Modules other hands edit: they take `epilog=examples(...)` from approval.cli.options.
NOT_YET_MARKED: set[tuple[str, ...]] = set()


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(
            path,
            marks=pytest.mark.xfail(
                strict=True, reason="epilog not yet built with approval.cli.options.examples"
            ),
        )
        if path in NOT_YET_MARKED
        else path
        for path in PATHS
    ],
    ids=" ".join,
)
def test_help_has_examples_that_run_and_fit_80_columns(path: tuple[str, ...]) -> None:
    result = run_approval(*path, "--help", env={"COLUMNS": "200"})
    assert result.code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Usage: approval {' '.join(path)} ")
    assert max(map(len, lines)) <= 80, [line for line in lines if len(line) > 80]
    commands = _examples(result.stdout)
    assert commands, f"approval {' '.join(path)} --help shows no example"
    for command in commands:
        assert command.startswith(f"approval {path[0]}"), command
        _parse(command)
    # Click re-wraps help to the terminal; examples are marked to be left as written.
    narrow = run_approval(*path, "--help", env={"COLUMNS": "50"})
    assert _examples(narrow.stdout) == commands


def test_the_command_list_is_not_cut_off() -> None:
    result = run_approval("--help")
    assert result.code == 0
    listed = result.stdout.split("Commands:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(listed) == len(COMMANDS)
    for line in listed:
        assert not line.endswith("..."), f"short help cut off: {line.strip()}"


@pytest.mark.parametrize(
    ("args", "message", "hint"),
    [
        (("show",), "error: Missing argument 'REQUEST'.", "hint: see 'approval show --help'"),
        (("frobnicate",), "error: No such command 'frobnicate'.", "hint: see 'approval --help'"),
        (
            ("scan", "--format", "xml", "x.csv"),
            "error: Invalid value for '--format': 'xml' is not one of 'text', 'json', 'sarif'.",
            "hint: see 'approval scan --help'",
        ),
        (
            ("policy", "adopt", "p.yaml"),
            "error: Missing option '--roster'.",
            "hint: see 'approval policy adopt --help'",
        ),
    ],
)
def test_usage_errors_are_one_line_and_a_hint(
    args: tuple[str, ...], message: str, hint: str
) -> None:
    result = run_approval(*args)
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [message, hint]


def test_a_group_alone_shows_its_help() -> None:
    result = run_approval("policy")
    assert result.code == 2
    assert "Usage: approval policy [OPTIONS] COMMAND" in result.output
    assert "adopt" in result.output
    assert "check" in result.output


def test_version() -> None:
    from approval import __version__

    result = run_approval("--version")
    assert (result.code, result.stdout) == (0, f"approval, version {__version__}\n")


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_completion_script(shell: str) -> None:
    result = run_approval(env={"_APPROVAL_COMPLETE": f"{shell}_source"})
    assert result.code == 0, result.output
    assert "_APPROVAL_COMPLETE" in result.stdout
    assert f"{shell}_complete" in result.stdout


def test_completion_offers_the_commands() -> None:
    """What bash gets back when the user types `approval s<TAB>`."""
    result = run_approval(
        env={"_APPROVAL_COMPLETE": "bash_complete", "COMP_WORDS": "approval s", "COMP_CWORD": "1"}
    )
    assert result.code == 0
    offered = {line.split(",", 1)[1] for line in result.stdout.splitlines()}
    assert offered == {name for name in COMMANDS if name.startswith("s")}
    assert {"scan", "show", "sign", "status"} <= offered


def test_every_command_module_imports_only_click_at_module_level() -> None:
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "from approval.cli import cli\n"
        "import click\n"
        "ctx = click.Context(cli)\n"
        "for name in cli.list_commands(ctx): cli.get_command(ctx, name)\n"
        "new = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        "import json; print(json.dumps(sorted(new)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(done.stdout)
    heavy = {"rich", "yaml", "jsonschema", "git", "cryptography", "openpyxl", "python_calamine"}
    assert not heavy & set(loaded), loaded
    assert isinstance(cli, click.Group)
