"""The lazy command registry stays complete and every command has help with an example."""

from __future__ import annotations

import importlib

import click
import pytest

from approval.cli import COMMANDS, cli
from tests.conftest import run_approval


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_registered_command_imports(name: str) -> None:
    module, attribute = COMMANDS[name].split(":")
    command = getattr(importlib.import_module(module), attribute)
    assert isinstance(command, click.Command)
    assert command.name == name


def test_version() -> None:
    from approval import __version__

    result = run_approval("--version")
    assert result.code == 0
    assert result.stdout.strip() == f"approval, version {__version__}"


def test_top_level_help_lists_every_command() -> None:
    result = run_approval("--help")
    assert result.code == 0
    for name in COMMANDS:
        assert f"  {name}" in result.stdout


def test_unknown_command_exits_2() -> None:
    result = run_approval("frobnicate")
    assert result.code == 2
    assert "No such command 'frobnicate'" in result.stderr


def test_help_does_not_import_heavy_modules() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from approval.cli import main\n"
        "try: main(['--help'])\n"
        "except SystemExit: pass\n"
        "heavy = {'git', 'jsonschema', 'cryptography', 'python_calamine', 'openpyxl', 'pypdf'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_group_is_lazy() -> None:
    assert sorted(cli.list_commands(click.Context(cli))) == sorted(COMMANDS)
