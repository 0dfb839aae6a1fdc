"""One way to show structured output: rich panels and tables on a terminal, plain lines when
piped (so scripts and logs get text they can grep, and ``NO_COLOR`` is honoured by rich).

Every string given here is made ``inert`` before it is laid out (``approval.cli.render``): a
purpose, a name or a comment from the ledger cannot move the cursor, restyle or reorder the
screen, nor fake a line. A screen built from these (``show``, ``say``, ``print_line``,
``show_timeline``) needs nothing more; one that prints by other means must do the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import click

from approval.cli.render import inert, stdout

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


@dataclass
class Section:
    """A titled block: key/value facts, then an optional table, then notes."""

    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    columns: Sequence[str] = ()
    rows: Sequence[Sequence[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    style: str = "cyan"


# A panel never grows wider than this, however wide the terminal: lines stay readable.
MAX_WIDTH = 100


def show(sections: Sequence[Section]) -> None:
    sections = [_inert(section) for section in sections]
    console = stdout()
    if not console.is_terminal:
        _plain(sections)
        return
    from rich.console import Group
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table

    width = min(console.width, MAX_WIDTH)
    for section in sections:
        parts: list[RenderableType] = []
        title = section.title
        if len(title) > width - 6 and ": " in title:
            # A panel crops its title: a long one goes on as the panel's first line.
            title, rest = title.split(": ", 1)
            parts.append(f"[bold]{escape(rest)}[/]")
        if section.facts:
            facts = Table.grid(padding=(0, _gap(section.facts, width - 4)))
            facts.add_column(style="bold", no_wrap=True)
            facts.add_column(overflow="fold")
            for key, value in section.facts:
                facts.add_row(escape(key), escape(value))
            parts.append(facts)
        if section.columns:
            parts.append(_table(console, section, width - 4))
        parts += [_note(note) for note in section.notes]
        console.print(
            Panel(
                Group(*parts),
                title=escape(title),
                title_align="left",
                border_style=section.style,
                padding=(0, 1),
                width=width,
            )
        )


def _inert(section: Section) -> Section:
    """``section`` with each of its strings ``inert``: one line each, nothing a terminal acts
    on."""
    return replace(
        section,
        title=inert(section.title),
        facts=[(inert(key), inert(value)) for key, value in section.facts],
        columns=[inert(name) for name in section.columns],
        rows=[[inert(cell) for cell in row] for row in section.rows],
        notes=[inert(note) for note in section.notes],
    )


def _table(console: Console, section: Section, room: int) -> RenderableType:
    """The rows as a table when it fits in ``room`` columns without cutting an id, a time or a
    path; otherwise each row as its own small list of ``column  value`` lines."""
    from rich import box
    from rich.console import Group
    from rich.markup import escape
    from rich.measure import Measurement
    from rich.table import Table

    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
        header_style="bold",
    )
    for index, name in enumerate(section.columns):
        cells = [str(row[index]) for row in section.rows]
        # An id, a time or a role is one token: never broken across lines.
        token = all(" " not in cell and len(cell) <= 20 for cell in cells)
        numeric = bool(cells) and all(cell.isdigit() for cell in cells)
        table.add_column(
            escape(name),
            no_wrap=token,
            overflow="ellipsis" if token else "fold",
            justify="right" if numeric else "left",
        )
    for row in section.rows:
        table.add_row(*(escape(str(cell)) for cell in row))
    # Measured without a limit: rich clamps a measurement to the width it is given.
    unbounded = console.options.update_width(10_000)
    if Measurement.get(console, unbounded, table).minimum <= room:
        return table
    stacked: list[RenderableType] = []
    for number, row in enumerate(section.rows):
        record = Table.grid(padding=(0, 2))
        record.add_column(style="bold", no_wrap=True)
        record.add_column(overflow="fold")
        for name, cell in zip(section.columns, row, strict=True):
            record.add_row(escape(name), escape(str(cell)))
        stacked += [""] if number else []
        stacked.append(record)
    return Group(*stacked)


def say(line: str = "") -> None:
    """One line of a command's answer: wrapped at words (indent kept) on a terminal, as it is
    when piped, so that a log keeps one line per fact."""
    line = inert(line)
    console = stdout()
    if not console.is_terminal:
        click.echo(line)
        return
    console.print(_note(line), width=min(console.width, MAX_WIDTH))


def print_line(text: str = "") -> None:
    """One line as it is, on a terminal too (no wrapping), made ``inert``: for plain lists
    (``inbox``) whose lines hold values from the ledger."""
    click.echo(inert(text))


def show_timeline(rows: Sequence[tuple[str, int, str]], empty: str) -> None:
    """``when  n  what`` lines: on a terminal ``what`` wraps at words in its own column, piped
    each event is one line (grep-able)."""
    console = stdout()
    if not rows:
        click.echo(empty)
        return
    rows = [(inert(when), position, inert(text)) for when, position, text in rows]
    if not console.is_terminal:
        width = len(str(max(position for _, position, _ in rows)))
        click.echo("\n".join(f"{when}  {n:>{width}}  {text}" for when, n, text in rows))
        return
    from rich.markup import escape
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(overflow="fold")
    for when, position, text in rows:
        grid.add_row(escape(when), str(position), escape(text))
    console.print(grid, width=min(console.width, MAX_WIDTH))


def _note(note: str) -> RenderableType:
    """A note; one that starts indented keeps its indent on every line it wraps to."""
    from rich.markup import escape
    from rich.padding import Padding

    text = note.lstrip(" ")
    indent = len(note) - len(text)
    return Padding(escape(text), (0, 0, 0, indent)) if indent else escape(note)


def _gap(facts: Sequence[tuple[str, str]], room: int) -> int:
    """Two spaces between key and value, or one when that keeps the longest value (a sha256,
    say) on one line in an 80-column terminal."""
    keys = max(len(key) for key, _ in facts)
    values = max(len(value) for _, value in facts)
    return 2 if keys + 2 + values <= room or keys + 1 + values > room else 1


def _plain(sections: Sequence[Section]) -> None:
    for index, section in enumerate(sections):
        if index:
            click.echo("")
        click.echo(f"{section.title}")
        width = max((len(k) for k, _ in section.facts), default=0)
        for key, value in section.facts:
            click.echo(f"  {key + ':':<{width + 1}} {value}")
        if section.columns:
            widths = [
                max(len(str(c)), *(len(str(r[i])) for r in section.rows))
                if section.rows
                else len(c)
                for i, c in enumerate(section.columns)
            ]
            click.echo(
                "  "
                + "  ".join(
                    c.ljust(w) for c, w in zip(section.columns, widths, strict=True)
                ).rstrip()
            )
            for row in section.rows:
                click.echo(
                    "  "
                    + "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
                )
        for note in section.notes:
            click.echo(f"  {note}")
