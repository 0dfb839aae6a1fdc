"""One way to show structured output: rich panels and tables on a terminal, plain lines when
piped (so scripts and logs get text they can grep, and ``NO_COLOR`` is honoured by rich)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import click

from approval.cli.render import stdout


@dataclass
class Section:
    """A titled block: key/value facts, then an optional table, then notes."""

    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    columns: Sequence[str] = ()
    rows: Sequence[Sequence[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    style: str = "cyan"


def show(sections: Sequence[Section]) -> None:
    console = stdout()
    if not console.is_terminal:
        _plain(sections)
        return
    from rich.console import Group, RenderableType
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table

    for section in sections:
        parts: list[RenderableType] = []
        if section.facts:
            facts = Table.grid(padding=(0, 2))
            facts.add_column(style="bold")
            facts.add_column(overflow="fold")
            for key, value in section.facts:
                facts.add_row(escape(key), escape(value))
            parts.append(facts)
        if section.columns:
            table = Table(*section.columns, expand=False, show_edge=False, pad_edge=False)
            for row in section.rows:
                table.add_row(*(escape(cell) for cell in row))
            parts.append(table)
        parts += [escape(note) for note in section.notes]
        console.print(
            Panel(
                Group(*parts),
                title=escape(section.title),
                title_align="left",
                border_style=section.style,
                width=min(console.width, 100),
            )
        )


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
