"""``approval config``: each setting, its value, and where it came from."""

from __future__ import annotations

from pathlib import Path

import click

from approval.cli.options import examples
from approval.cli.output import output_options


@click.command(
    "config",
    short_help="Where each setting comes from: option, env, project, user file.",
    epilog=examples("approval config", "approval config --format json"),
)
@output_options
def config() -> None:
    """Show each setting (ledger, key, role, remote, format, hooks), its value, and where it
    came from: the environment (APPROVAL_LEDGER, APPROVAL_KEY), the project's .approval.toml
    (in this directory or the nearest one above it), the user's
    $XDG_CONFIG_HOME/approval/config.toml, or the default. An option given on a command line
    comes before all of these.

    Exits 2, naming the file and line, when a config file cannot be used.
    """
    from approval.cli.output import emit, json_wanted
    from approval.config import PROJECT_FILE, SETTINGS, USER_FILE, load

    loaded = load()
    settings = [loaded.setting(name) for name in SETTINGS]
    if json_wanted():
        emit(
            "config",
            {"settings": [s.to_dict() for s in settings], "files": loaded.files()},
        )
        return
    from approval.cli.screen import print_line as echo  # values are the config files'

    for setting in settings:
        value = setting.value
        if setting.name == "hooks":
            events = sorted(value.commands) if value else []
            shown = ", ".join(events) + f" (timeout {value.timeout:g} s)" if events else "none"
        else:
            shown = "-" if value is None else str(value)
        echo(f"{setting.name:<7} {shown}  [{setting.source}]")
    echo("files:")
    project = loaded.project.path if loaded.project is not None else None
    echo(f"  project  {project or f'none ({PROJECT_FILE} here or in a directory above)'}")
    # Named as the variable when it is set: the same words on every machine (and in README).
    xdg = loaded.env.get("XDG_CONFIG_HOME", "")
    where = "$XDG_CONFIG_HOME/" if xdg and Path(xdg).is_absolute() else "~/.config/"
    state = "" if loaded.user is not None else " (not found)"
    echo(f"  user     {where}{USER_FILE}{state}")
