"""Configuration files (approval/config.py) and ``approval config``: precedence, sources, and
one-line errors naming the file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from approval.config import ConfigError, Hooks, load, parse
from approval.errors import EXIT_USAGE
from tests.support import run_approval


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def homes(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """A user config directory, a project directory with a subdirectory to run in, an env."""
    xdg = tmp_path / "xdg"
    project = tmp_path / "project"
    (project / "deep" / "er").mkdir(parents=True)
    return xdg, project, {"XDG_CONFIG_HOME": str(xdg)}


def test_precedence_option_env_project_user_default(
    homes: tuple[Path, Path, dict[str, str]],
) -> None:
    xdg, project, env = homes
    write(xdg / "approval" / "config.toml", 'ledger = "/user/ledger"\nkey = "/user/key"\n')
    write(project / ".approval.toml", 'ledger = "shared/ledger"\nrole = "privacy-officer"\n')
    found = load(project / "deep" / "er", env)
    assert found.setting("ledger").value == project / "shared" / "ledger"
    assert found.setting("ledger").source == f"{project / '.approval.toml'}:1"
    assert found.setting("key").source == f"{xdg / 'approval' / 'config.toml'}:2"
    assert found.setting("role").value == "privacy-officer"
    assert (found.setting("remote").value, found.setting("remote").source) == (None, "default")
    assert found.setting("format").value == "text"
    with_env = load(project, {**env, "APPROVAL_LEDGER": "/env/ledger", "APPROVAL_KEY": "/env/k"})
    assert with_env.setting("ledger").value == Path("/env/ledger")
    assert with_env.setting("ledger").source == "env APPROVAL_LEDGER"
    assert with_env.setting("key").source == "env APPROVAL_KEY"
    assert with_env.setting("ledger", Path("/opt")).source == "option"


def test_user_file_defaults_to_dot_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    write(tmp_path / ".config" / "approval" / "config.toml", 'remote = "git@host:ledger.git"\n')
    assert load(tmp_path, {"XDG_CONFIG_HOME": "relative/is/ignored"}).value("remote") == (
        "git@host:ledger.git"
    )


def test_hooks_parse_into_argument_lists() -> None:
    found = parse(
        '[hooks]\nrequest = "notify --to \'privacy office\'"\nany = ["a", "b c"]\ntimeout = 2.5\n',
        Path("/c.toml"),
    )
    hooks = found.values["hooks"]
    assert isinstance(hooks, Hooks) and hooks.timeout == 2.5
    assert hooks.for_event("request") == (("notify", "--to", "privacy office"), ("a",), ("b", "c"))
    assert hooks.for_event("export") == (("a",), ("b", "c"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('ledger = "x"\nledgr = "y"\n', "/c.toml:2: unknown setting 'ledgr'"),
        ('key = "x\n', "/c.toml:1: not valid TOML"),
        ("\n\nrole = 3\n", "/c.toml:3: role must be a non-empty string"),
        ('format = "yaml"\n', "/c.toml:1: format must be one of text, json, not 'yaml'"),
        ('[hooks]\nrequest = "x"\nsigned = "y"\n', "/c.toml:3: unknown hook event 'signed'"),
        ("[hooks]\ntimeout = -1\n", "/c.toml:2: hooks.timeout must be a positive number"),
        ('[hooks]\nrequest = "\'unclosed"\n', "/c.toml:2: hooks.request: not a command line"),
        ('hooks = "x"\n', "/c.toml:1: hooks must be a table"),
    ],
)
def test_a_bad_file_is_one_line_naming_file_and_line(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse(text, Path("/c.toml"))
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)
    assert caught.value.exit_code == EXIT_USAGE


def test_a_project_file_cannot_name_hooks(homes: tuple[Path, Path, dict[str, str]]) -> None:
    """A project file comes with someone else's repository: it must not run commands here."""
    _xdg, project, env = homes
    write(project / ".approval.toml", '\n[hooks]\nrequest = "curl evil.invalid"\n')
    with pytest.raises(ConfigError, match=r"\.approval\.toml:2: hooks run commands"):
        load(project / "deep", env)


def test_approval_config_shows_each_value_and_its_source(
    homes: tuple[Path, Path, dict[str, str]],
) -> None:
    xdg, project, env = homes
    write(xdg / "approval" / "config.toml", '[hooks]\nexport = "mail-gw"\n')
    write(project / ".approval.toml", 'ledger = "ledger"\n')
    result = run_approval("config", "--format", "json", cwd=project / "deep", env=env)
    assert result.code == 0, result.output
    settings = {s["name"]: s for s in json.loads(result.stdout)["settings"]}
    assert settings["ledger"]["value"] == str(project / "ledger")
    assert settings["ledger"]["source"] == f"{project / '.approval.toml'}:1"
    assert settings["hooks"]["value"]["export"] == [["mail-gw"]]
    assert settings["key"] == {"name": "key", "value": None, "source": "default"}
    text = run_approval("config", cwd=project / "deep", env={**env, "APPROVAL_KEY": "/k"})
    assert "key     /k  [env APPROVAL_KEY]" in text.stdout


def test_a_bad_file_stops_a_command_with_exit_2(homes: tuple[Path, Path, dict[str, str]]) -> None:
    _xdg, project, env = homes
    write(project / ".approval.toml", "ledger = \n")
    result = run_approval("status", "abcdef123456", cwd=project, env=env)
    assert result.code == EXIT_USAGE
    assert result.stderr.startswith(f"error: {project / '.approval.toml'}:1: not valid TOML")
    assert "Traceback" not in result.output


def test_the_output_format_comes_from_the_config_unless_given(
    homes: tuple[Path, Path, dict[str, str]],
) -> None:
    xdg, project, env = homes
    write(xdg / "approval" / "config.toml", 'format = "json"\n')
    configured = run_approval("config", cwd=project, env=env)
    assert configured.code == 0, configured.output
    assert json.loads(configured.stdout)["schema"] == "approval/config/v1"
    given = run_approval("config", "--format", "text", cwd=project, env=env)
    assert given.stdout.startswith("ledger  -  [default]")


def test_a_project_file_another_user_owns_is_ignored(
    homes: tuple[Path, Path, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    """A .approval.toml planted in a shared directory above (/tmp) must not pick the ledger."""
    import os

    _xdg, project, env = homes
    planted = write(project / ".approval.toml", 'ledger = "/srv/attacker"\n')
    try:
        os.chown(planted, os.getuid() + 4242, -1)
    except PermissionError:
        pytest.skip("changing a file's owner needs root")
    found = load(project / "deep", env)
    assert found.project is None and found.value("ledger") is None
    assert f"warning: ignoring {planted}: it belongs to another user" in capsys.readouterr().err
