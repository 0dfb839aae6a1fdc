"""``approval demo``: the whole story on synthetic data, in a temporary directory."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(epilog="Example: approval demo --keep /tmp/approval-world")
@click.option(
    "--keep",
    type=click.Path(path_type=Path, file_okay=False),
    help="Build the world in DIR (must not exist or be empty) and keep it to explore.",
)
def demo(keep: Path | None) -> None:
    """Run the whole story on synthetic data: scan, request, sign, export, audit.

    Every step prints the command a user would type and its real output. Exits 0 only when
    every step behaved as it should.
    """
    import tempfile

    from approval.demo.story import run_story
    from approval.errors import BlockedError, UsageError

    if keep is not None:
        if keep.exists() and any(keep.iterdir()):
            raise UsageError(f"{keep}: not empty", hint="give a new or empty directory to --keep")
        keep.mkdir(parents=True, exist_ok=True)
        ok = run_story(keep.resolve(), click.echo)
    else:
        with tempfile.TemporaryDirectory(prefix="approval-demo-") as tmp:
            ok = run_story(Path(tmp), click.echo)
    if not ok:
        raise BlockedError("the demo did not tell the story it should")
    click.echo("")
    click.echo(
        "The demo ran every step as it should." + (f" The world is in {keep}." if keep else "")
    )
