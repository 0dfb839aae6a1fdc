"""``approval status``: where a file or request stands, and the next command to run."""

from __future__ import annotations

from pathlib import Path

import click

from approval.cli.complete import complete_request
from approval.cli.options import examples, ledger_option, offline_option
from approval.cli.output import quiet_option


@click.command(
    short_help="Present and missing sign-offs of a file or request.",
    epilog=examples("approval status stats.xlsx", "approval status 3f9c2a7d41e0"),
)
@ledger_option
@offline_option()
@click.argument("subject", metavar="FILE|REQUEST", shell_complete=complete_request)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Words for people, or one JSON document for scripts (README: Output for scripts).",
)
@quiet_option
def status(ledger: Path | None, subject: str, fmt: str) -> None:
    """Present and missing sign-offs for FILE (scanned now) or REQUEST, in words; and, as
    `approval doctor` does, a note when a checkpoint of the ledger is due (the policy's
    `checkpoints.every`) or the newest is short of its witnesses.

    Exits 0 when the file may be exported, 1 when it is blocked (the note changes neither).
    """
    from approval.cli.render import outcome
    from approval.cli.screen import Section, show
    from approval.cli.views import decision_section, refused_sections
    from approval.errors import EXIT_BLOCKED, EXIT_OK, UsageError
    from approval.workflow.review import status as get_status

    if Path(subject).is_dir() and not _hex(subject):
        raise UsageError(f"{subject}: is a directory", hint="give one file, or a request id")
    result = get_status(ledger, subject)
    outcome(EXIT_OK if result.decision.allowed else EXIT_BLOCKED)
    request = result.decision.request
    # A request's verdict is its scan's as recorded; a file's, the scan made now.
    verdict = result.verdict
    if verdict is None and request is not None:
        verdict = request.scan.get("verdict")
    if fmt == "json":
        from approval.cli.output import emit

        emit(
            "status",
            {
                "subject": result.subject,
                "sha256": result.sha256,
                "verdict": verdict,
                "scanned": "now" if result.verdict is not None else "by the request",
                **result.decision.to_dict(),
                "next": list(result.next_steps),
                "checkpoint": result.checkpoint.to_dict() if result.checkpoint else None,
                "refused_before": list(result.refused_before),
            },
        )
    else:
        facts = [("sha256", result.sha256)]
        if result.verdict is not None:
            facts.append(("scan", result.verdict))
        if result.decision.request is not None:
            facts.append(("request", result.decision.request.id))
        head = Section(
            f"{result.subject}: {'allowed' if result.decision.allowed else 'blocked'}", facts
        )
        nxt = Section("Next", notes=[f"$ {step}" for step in result.next_steps])
        sections = [head, decision_section(result.decision), nxt]
        sections[1:1] = refused_sections(result.refused_before)
        if result.checkpoint is not None:
            # About the ledger, not the file: said after it, and the exit code stays the file's.
            notice = result.checkpoint
            sections.append(
                Section(
                    "Ledger checkpoint",
                    notes=[notice.detail, f"hint: {notice.hint}"],
                    style="yellow",
                )
            )
        show(sections)
    if not result.decision.allowed:
        raise SystemExit(EXIT_BLOCKED)


def _hex(text: str) -> bool:
    """Whether ``text`` could be a request id: a directory of that name does not hide it."""
    return all(c in "0123456789abcdef" for c in text.lower())
