"""Man pages for every command, made from the click CLI itself (``make man``).

The help a command prints and its page say the same things, since both come from the same
click objects: synopsis, description, options (with their environment variables and
defaults), examples and exit status. One page per command, ``approval-policy-adopt.1`` for a
subcommand, as git names its pages. The pages carry the version, not a date, so that making
them again changes nothing until the CLI does; tests/cli/test_manpages.py fails when the
committed pages in docs/man/ are not what this module makes now.

Usage: python -m approval.cli.manpages DIR
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import click

from approval import __version__

SECTION = "1"
EXIT_STATUS = (
    ("0", "ok: clean, allowed, valid, intact"),
    ("1", "blocked, or needs approval (protected or unscannable data)"),
    ("2", "bad input or usage, one line on stderr saying what is wrong"),
    ("3", "ledger integrity failure: tampered, rewritten or rewound history"),
    ("130", "interrupted (^C)"),
)


def commands(root: click.Command) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command under ``root`` (groups included), with its path, in name order."""
    ctx = click.Context(root, info_name="approval")

    def walk(
        path: tuple[str, ...], command: click.Command
    ) -> Iterator[tuple[tuple[str, ...], click.Command]]:
        yield path, command
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                if sub is not None and not sub.hidden:
                    yield from walk((*path, name), sub)

    yield from walk(("approval",), root)


def page_name(path: tuple[str, ...]) -> str:
    return f"{'-'.join(path)}.{SECTION}"


def pages(root: click.Command) -> dict[str, str]:
    """File name -> roff text, for every command."""
    everything = list(commands(root))
    names = [page_name(path) for path, _ in everything]
    return {page_name(path): page(path, command, names) for path, command in everything}


def page(path: tuple[str, ...], command: click.Command, all_pages: list[str]) -> str:
    title = "-".join(path)
    ctx = _context(path)
    lines = [
        f'.TH "{title.upper()}" "{SECTION}" "" "approval {__version__}" "approval manual"',
        ".SH NAME",
        f"{_escape(title)} \\- {_escape(command.get_short_help_str(limit=200))}",
        ".SH SYNOPSIS",
        f".B {_escape(' '.join(path))}",
        _escape(" ".join(command.collect_usage_pieces(ctx))),
        ".SH DESCRIPTION",
        *_paragraphs(command.help or ""),
    ]
    if isinstance(command, click.Group):
        lines.append(".SH COMMANDS")
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            lines += [
                ".TP",
                f".B {_escape(name)}",
                _escape(sub.get_short_help_str(limit=200)),
                f"See \\fB{_escape('-'.join((*path, name)))}\\fR({SECTION}).",
            ]
    options = [p for p in command.get_params(ctx) if isinstance(p, click.Option) and not p.hidden]
    if options:
        lines.append(".SH OPTIONS")
        for option in options:
            lines += _option(option, ctx)
    if command.epilog:
        lines.append(".SH EXAMPLES")
        lines += _examples(command.epilog)
    lines.append(".SH EXIT STATUS")
    for code, words in EXIT_STATUS:
        lines += [".TP", f".B {code}", _escape(words)]
    # The root page names every page; the others, the root and their group's page: a new
    # command then changes two pages, not all of them.
    if len(path) == 1:
        related = [p for p in all_pages if p != page_name(path)]
    else:
        related = [page_name(path[:n]) for n in range(1, len(path))]
    if related:
        lines.append(".SH SEE ALSO")
        lines.append(
            ",\n".join(f"\\fB{_escape(p.rsplit('.', 1)[0])}\\fR({SECTION})" for p in related)
        )
    return "\n".join(lines) + "\n"


def _context(path: tuple[str, ...]) -> click.Context:
    """The context ``path`` runs in, its parents' settings included (``-h`` as well as
    ``--help``), as when the command is typed."""
    from approval.cli import cli

    ctx = click.Context(cli, info_name=path[0], **cli.context_settings)
    command: click.Command = cli
    for name in path[1:]:
        assert isinstance(command, click.Group)
        found = command.get_command(ctx, name)
        assert found is not None
        command = found
        ctx = click.Context(command, info_name=name, parent=ctx)
    return ctx


def _option(option: click.Option, ctx: click.Context) -> list[str]:
    record = option.get_help_record(ctx)
    if record is None:
        return []
    names, help_text = record
    return [".TP", f".B {_escape(names)}", _escape(help_text) or "\\&"]


def _paragraphs(text: str) -> list[str]:
    """Click help text (paragraphs, ``\\b`` for a block kept as written) as roff."""
    lines: list[str] = []
    for block in _blocks(text):
        if block.startswith("\b"):
            lines += [
                ".PP",
                ".nf",
                *(_escape(line) for line in block[1:].strip("\n").split("\n")),
                ".fi",
            ]
        else:
            lines += [".PP", _escape(" ".join(block.split()))]
    return lines


def _examples(epilog: str) -> list[str]:
    lines = []
    for block in _blocks(epilog):
        body = block.removeprefix("\b").strip("\n").split("\n")
        body = [line for line in body if line.strip() not in ("Example:", "Examples:")]
        lines += [".PP", ".nf", ".RS 4", *(_escape(line.strip()) for line in body), ".RE", ".fi"]
    return lines


def _blocks(text: str) -> list[str]:
    import inspect

    return [b for b in inspect.cleandoc(text).split("\n\n") if b.strip()]


def _escape(text: str) -> str:
    """Text as roff shows it: backslashes and hyphens literal, no line read as a request."""
    out = text.replace("\\", "\\e").replace("-", "\\-")
    return "\n".join(
        f"\\&{line}" if line.startswith((".", "'")) else line for line in out.split("\n")
    )


def write(directory: Path) -> list[Path]:
    """Write every page to ``directory`` (removing pages of commands that are gone)."""
    from approval.cli import cli

    directory.mkdir(parents=True, exist_ok=True)
    made = pages(cli)
    for old in directory.glob(f"approval*.{SECTION}"):
        if old.name not in made:
            old.unlink()
    written = []
    for name, text in made.items():
        target = directory / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m approval.cli.manpages DIR")
    for path in write(Path(sys.argv[1])):
        print(path)
