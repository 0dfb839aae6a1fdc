"""``approval show``: the review screen of one request."""

from __future__ import annotations

from pathlib import Path

import click

from approval.cli.options import examples, ledger_option, offline_option


@click.command(
    short_help="The review screen of one request.",
    epilog=examples("approval show 3f9c2a7d41e0"),
)
@ledger_option
@offline_option()
@click.argument("request")
def show(ledger: Path | None, request: str) -> None:
    """Show REQUEST for review: what data, how many persons, which sheets and hidden parts,
    purpose, destination, requester, who has signed and what is missing."""
    from approval.cli.render import outcome
    from approval.cli.screen import show as render
    from approval.cli.views import review_sections
    from approval.errors import EXIT_OK
    from approval.workflow.review import show_request

    review = show_request(ledger, request)
    outcome(EXIT_OK)
    render(review_sections(review))
