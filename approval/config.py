"""Configuration: what a user would otherwise type on every command.

Two TOML files, read with the standard library's ``tomllib``:

- the user's, ``$XDG_CONFIG_HOME/approval/config.toml`` (``~/.config/approval/config.toml``);
- the project's, ``.approval.toml`` in the current directory or the nearest one above it (found
  the way git finds ``.git``); one that another user owns is ignored, with a warning, as git
  ignores a repository another user owns.

Keys: ``ledger``, ``key``, ``role``, ``remote``, ``format`` and a ``[hooks]`` table. A value
comes from, in this order: the command-line option, the environment (``APPROVAL_LEDGER``,
``APPROVAL_KEY``), the project file, the user file, the default. Paths in a file are relative to
the file's directory (``~`` is expanded).

Hooks run commands, so they are taken from the user's own file only: a project file arrives
with a clone of someone else's repository, and running the commands it names would let that
repository run code on every official's machine (git never takes hooks from a clone either).

A file that does not parse, or that holds an unknown key or a value of the wrong type, is an
error naming the file and its line (exit 2): a typo must not silently change where the gate
looks for its ledger.

``parse`` is pure (text in, values out); ``load`` does the finding and reading.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from approval.errors import UsageError

PROJECT_FILE = ".approval.toml"
USER_FILE = Path("approval") / "config.toml"
# The variables that stand for a setting; the other settings have none.
ENVIRONMENT = {"ledger": "APPROVAL_LEDGER", "key": "APPROVAL_KEY"}
FORMATS = ("text", "json")
# Events a hook may name (approval.hooks makes them); "any" runs for every event.
EVENTS = ("request", "signoff", "refusal", "revocation", "export", "expiring", "any")
DEFAULT_HOOK_TIMEOUT = 10.0
# The settings `approval config` shows, in this order.
SETTINGS = ("ledger", "key", "role", "remote", "format", "hooks")
_PATHS = ("ledger", "key")
# A config file is a few lines; refuse to read a huge one.
_MAX_FILE = 1 << 20
_TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)")


class ConfigError(UsageError):
    """A configuration file that cannot be used (exit 2); the message names file and line."""


@dataclass(frozen=True)
class Hooks:
    """Commands to run per event: each an argument list, run without a shell."""

    commands: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    timeout: float = DEFAULT_HOOK_TIMEOUT

    def for_event(self, event: str) -> tuple[tuple[str, ...], ...]:
        return (*self.commands.get(event, ()), *self.commands.get("any", ()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "timeout": self.timeout,
            **{event: [list(c) for c in commands] for event, commands in self.commands.items()},
        }

    def __bool__(self) -> bool:
        return any(self.commands.values())


@dataclass(frozen=True)
class ConfigFile:
    """One file's settings, checked, with the line each was set on."""

    path: Path
    values: Mapping[str, Any]
    lines: Mapping[str, int]

    def where(self, name: str) -> str:
        line = self.lines.get(name)
        return f"{self.path}:{line}" if line else str(self.path)


@dataclass(frozen=True)
class Setting:
    """A value and where it came from: ``option``, ``env VAR``, ``FILE:LINE`` or ``default``."""

    name: str
    value: Any
    source: str

    def to_dict(self) -> dict[str, Any]:
        value = self.value
        if isinstance(value, Path):
            value = str(value)
        elif isinstance(value, Hooks):
            value = value.to_dict()
        return {"name": self.name, "value": value, "source": self.source}


def _line_of(text: str, name: str, table: str | None = None) -> int:
    """The line that sets ``name`` (in ``[table]`` when given); 0 when not found."""
    current: str | None = None
    pattern = re.compile(rf"^\s*(\"{re.escape(name)}\"|'{re.escape(name)}'|{re.escape(name)})\s*=")
    header = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")
    for number, line in enumerate(text.splitlines(), 1):
        found = header.match(line)
        if found:
            current = found.group(1).strip("\"'")
            if table is None and current == name:
                return number
            continue
        if current == table and pattern.match(line):
            return number
    return 0


def parse(text: str, path: Path, *, allow_hooks: bool = True) -> ConfigFile:
    """The settings in ``text`` (the contents of ``path``); ``ConfigError`` naming the line."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        found = _TOML_POSITION.search(str(e))
        where = f"{path}:{found.group(1)}" if found else str(path)
        reason = _TOML_POSITION.sub("", str(e)).strip()
        raise ConfigError(f"{where}: not valid TOML ({reason})") from e

    def fail(name: str, message: str, table: str | None = None) -> ConfigError:
        line = _line_of(text, name, table)
        return ConfigError(f"{path}:{line}: {message}" if line else f"{path}: {message}")

    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for name, value in document.items():
        if name not in SETTINGS:
            raise fail(name, f"unknown setting {name!r} (known: {', '.join(SETTINGS)})")
        lines[name] = _line_of(text, name)
        if name == "hooks":
            if not allow_hooks:
                raise fail(
                    name,
                    "hooks run commands and are taken from your own config file only "
                    f"($XDG_CONFIG_HOME/{USER_FILE}), never from a project's {PROJECT_FILE}",
                )
            values[name] = _hooks(value, fail)
            continue
        if not isinstance(value, str) or not value.strip():
            raise fail(name, f"{name} must be a non-empty string")
        if name in _PATHS:
            candidate = Path(value).expanduser()
            values[name] = candidate if candidate.is_absolute() else path.parent / candidate
        elif name == "format" and value not in FORMATS:
            raise fail(name, f"format must be one of {', '.join(FORMATS)}, not {value!r}")
        else:
            values[name] = value
    return ConfigFile(path, values, lines)


def _hooks(value: Any, fail: Any) -> Hooks:
    if not isinstance(value, dict):
        raise fail("hooks", 'hooks must be a table: [hooks] with event = "command"')
    commands: dict[str, tuple[tuple[str, ...], ...]] = {}
    timeout = DEFAULT_HOOK_TIMEOUT
    for event, entry in value.items():
        if event == "timeout":
            if not isinstance(entry, int | float) or isinstance(entry, bool) or entry <= 0:
                raise fail(event, "hooks.timeout must be a positive number of seconds", "hooks")
            timeout = float(entry)
            continue
        if event not in EVENTS:
            raise fail(event, f"unknown hook event {event!r} (known: {', '.join(EVENTS)})", "hooks")
        listed = [entry] if isinstance(entry, str) else entry
        if not isinstance(listed, list) or not listed:
            raise fail(event, f"hooks.{event} must be a command or a list of commands", "hooks")
        parsed = []
        for command in listed:
            argv = _split(command)
            if argv is None:
                raise fail(event, f"hooks.{event}: not a command line: {command!r}", "hooks")
            parsed.append(argv)
        commands[event] = tuple(parsed)
    return Hooks(commands, timeout)


def _split(command: object) -> tuple[str, ...] | None:
    """A command line split as a shell would split it (no shell runs it); None if it is not one."""
    import shlex

    if not isinstance(command, str):
        return None
    try:
        argv = tuple(shlex.split(command))
    except ValueError:
        return None
    return argv or None


def user_file(env: Mapping[str, str]) -> Path:
    """``$XDG_CONFIG_HOME/approval/config.toml``; ``~/.config`` when unset or relative (as the
    XDG base directory specification says)."""
    base = env.get("XDG_CONFIG_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / USER_FILE


def project_file(cwd: Path) -> Path | None:
    """``.approval.toml`` in ``cwd`` or the nearest directory above it."""
    for directory in (cwd, *cwd.parents):
        candidate = directory / PROJECT_FILE
        if candidate.is_file():
            return candidate
    return None


def _owner(path: Path) -> int | None:
    try:
        return path.stat().st_uid
    except OSError:
        return None


def read(path: Path, *, allow_hooks: bool) -> ConfigFile:
    """Read and parse one config file."""
    try:
        with path.open("rb") as handle:
            data = handle.read(_MAX_FILE + 1)
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror}") from e
    if len(data) > _MAX_FILE:
        raise ConfigError(f"{path}: far too large for a config file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 text") from e
    return parse(text, path, allow_hooks=allow_hooks)


@dataclass(frozen=True)
class Config:
    """The settings of the user file, the project file and the environment."""

    user: ConfigFile | None
    project: ConfigFile | None
    env: Mapping[str, str]
    user_path: Path | None = None  # where the user file is looked for, found or not

    def setting(self, name: str, option: Any = None) -> Setting:
        """``name``'s value and its source, ``option`` (given on the command line) first."""
        if option is not None:
            return Setting(name, option, "option")
        variable = ENVIRONMENT.get(name)
        if variable is not None and self.env.get(variable):
            return Setting(name, Path(self.env[variable]).expanduser(), f"env {variable}")
        for found in (self.project, self.user):
            if found is not None and name in found.values:
                return Setting(name, found.values[name], found.where(name))
        return Setting(name, _default(name), "default")

    def value(self, name: str, option: Any = None) -> Any:
        return self.setting(name, option).value

    @property
    def hooks(self) -> Hooks:
        found: Hooks = self.value("hooks")
        return found

    def files(self) -> list[dict[str, Any]]:
        """The files looked at, whether found (for `approval config`)."""
        return [
            {
                "scope": "project",
                "path": str(self.project.path) if self.project else None,
                "found": self.project is not None,
            },
            {
                "scope": "user",
                "path": str(self.user_path) if self.user_path else None,
                "found": self.user is not None,
            },
        ]


def _default(name: str) -> Any:
    if name == "format":
        return "text"
    if name == "hooks":
        return Hooks()
    return None


def load(cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """The configuration for a command run in ``cwd`` with environment ``env``."""
    env = os.environ if env is None else env
    cwd = Path.cwd() if cwd is None else cwd
    user_path = user_file(env)
    user = read(user_path, allow_hooks=True) if user_path.is_file() else None
    project_path = project_file(cwd)
    project = None
    if project_path is not None:
        owner = _owner(project_path)
        if owner is not None and owner != os.getuid():
            # As git refuses a repository another user owns: a .approval.toml planted in a
            # shared directory above this one (/tmp) must not choose this user's ledger.
            print(
                f"warning: ignoring {project_path}: it belongs to another user (uid {owner})",
                file=sys.stderr,
            )
        else:
            project = read(project_path, allow_hooks=False)
    return Config(user, project, dict(env), user_path)
