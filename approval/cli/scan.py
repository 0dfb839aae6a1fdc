"""``approval scan`` (placeholder until the scanner lands)."""

from __future__ import annotations

import click


@click.command()
def scan() -> None:
    """Scan files for protected-person data."""
