"""``approval show``: the review screen of one request."""

from __future__ import annotations

from pathlib import Path

import click

from approval.cli.complete import complete_request
from approval.cli.options import examples, ledger_option, offline_option
from approval.cli.output import output_options


@click.command(
    short_help="The review screen of one request.",
    epilog=examples("approval show 3f9c2a7d41e0", "approval show 3f9c2a7d41e0 --file stats.xlsx"),
)
@ledger_option
@offline_option()
@click.argument("request", shell_complete=complete_request)
@click.option(
    "--file",
    "file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The file under review, rescanned here (default: found under the current directory "
    "by its sha256).",
)
@output_options
def show(ledger: Path | None, request: str, file: Path | None) -> None:
    """Show REQUEST for review: what data, how many persons, which sheets and hidden parts,
    purpose, destination, requester, who has signed and what is missing.

    The bytes are rescanned with this client (--file, or the file with the request's sha256
    under the current directory) and compared with what the request says. Exits 1 when the
    request says less than the bytes hold.
    """
    from approval.cli.output import emit, json_wanted
    from approval.cli.render import outcome
    from approval.cli.screen import show as render
    from approval.cli.views import review_document, review_sections
    from approval.errors import EXIT_BLOCKED, EXIT_OK
    from approval.workflow.review import show_request

    review = show_request(ledger, request, file=file, search=None if file else Path.cwd())
    contradicted = review.rescan is not None and bool(review.rescan.understated)
    outcome(EXIT_BLOCKED if contradicted else EXIT_OK)
    if json_wanted():
        emit("show", {**review_document(review), "contradicted": contradicted})
    else:
        render(review_sections(review))
    if contradicted:
        raise SystemExit(EXIT_BLOCKED)
