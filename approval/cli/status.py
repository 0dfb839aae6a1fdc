"""``approval status``: where a file or request stands, and the next command to run."""

from __future__ import annotations

import json
from pathlib import Path

import click

from approval.cli.options import ledger_option, offline_option


@click.command(
    short_help="Present and missing sign-offs of a file or request.",
    epilog="Example: approval status stats.xlsx",
)
@ledger_option
@offline_option()
@click.argument("subject", metavar="FILE|REQUEST")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def status(ledger: Path | None, subject: str, fmt: str) -> None:
    """Present and missing sign-offs for FILE (scanned now) or REQUEST, in words.

    Exits 0 when the file may be exported, 1 when it is blocked.
    """
    from approval.cli.screen import Section, show
    from approval.cli.views import decision_section
    from approval.errors import EXIT_BLOCKED
    from approval.workflow.review import status as get_status

    result = get_status(ledger, subject)
    if fmt == "json":
        document = {
            "subject": subject,
            "sha256": result.sha256,
            "verdict": result.verdict,
            **result.decision.to_dict(),
            "next": list(result.next_steps),
        }
        click.echo(json.dumps(document, indent=2))
    else:
        facts = [("sha256", result.sha256)]
        if result.verdict is not None:
            facts.append(("scan", result.verdict))
        if result.decision.request is not None:
            facts.append(("request", result.decision.request.id))
        head = Section(f"{subject}: {'allowed' if result.decision.allowed else 'blocked'}", facts)
        nxt = Section("Next", notes=[f"$ {step}" for step in result.next_steps])
        show([head, decision_section(result.decision), nxt])
    if not result.decision.allowed:
        raise SystemExit(EXIT_BLOCKED)
