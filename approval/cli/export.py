"""``approval export``: copy a file out through the gate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from approval.cli.options import examples, key_option, ledger_option, offline_option
from approval.cli.output import output_options


@click.command(
    short_help="Copy a file out through the gate.",
    epilog=examples("approval export stats.xlsx --to /srv/www/detention/ --key KEY"),
)
@ledger_option
@offline_option(fresh=True)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--to",
    "dest",
    required=True,
    type=click.Path(path_type=Path),
    help="A directory (the file keeps its name) or a file path.",
)
@key_option()
@output_options
def export(
    ledger: Path | None, file: Path, dest: Path, key: Path, passphrase_env: str | None
) -> None:
    """Copy FILE to DEST if it is clean, or if the ledger allows its exact bytes now.

    The copy is scanned and decided on before it replaces anything: a refused or failed export
    leaves DEST as it was. An export that needed approval is recorded in the ledger, signed
    with your key, naming DEST's directory as it was opened before the decision; the bytes go
    into that very directory or nowhere. DEST inside the ledger or a .git directory is refused
    (exit 2). A target path whose file name or folders hold protected data (a person's name
    with an A-number or a claim) is refused whatever the file holds, as check and serve refuse
    it (exit 1). Exits 0 when exported, 1 when refused.
    """
    from approval.cli.gateview import roles_section, scan_words
    from approval.cli.output import emit, json_wanted
    from approval.cli.render import outcome
    from approval.cli.screen import Section, say, show
    from approval.errors import EXIT_BLOCKED, EXIT_OK, UsageError
    from approval.statements import short_id
    from approval.workflow.export import export_file

    if str(dest) == "-":
        # An export records where the bytes went; "standard output" names no place an auditor
        # could check, and a file named "-" is what nobody means.
        raise UsageError(
            "--to -: an export goes to a file or directory the ledger can name, never to "
            "standard output",
            hint="give a directory or a file path (a file named - by its full path: $PWD/-)",
        )
    if str(file) == "-":
        raise UsageError(
            "export reads a file: standard input has no name or bytes to approve",
            hint="save it to a file first (a file named - by its full path: $PWD/-)",
        )
    done = export_file(ledger, file, dest, key, passphrase_env)
    outcome(EXIT_OK if done.exported else EXIT_BLOCKED)
    report = done.report
    source, target = _shown(file, done), _shown(done.target, done)
    if json_wanted():
        emit(
            "export",
            {
                "exported": done.exported,
                "file": source,
                "to": target,
                "sha256": report.sha256,
                "size": report.size,
                "verdict": report.verdict,
                "statement": done.statement,
                "decision": done.decision.to_dict(),
                "next": list(done.next_steps),
            },
        )
        if not done.exported:
            raise SystemExit(EXIT_BLOCKED)
        return
    if done.exported:
        say(f"exported {source} to {target} ({report.size:,} bytes, sha256 {report.sha256})")
        if not done.needed_approval:
            statement = done.statement
            recorded = f"; export recorded as {short_id(statement)}" if statement else ""
            say(f"{scan_words(report)}: no approval needed{recorded}")
        else:
            assert done.decision.request is not None and done.statement is not None
            signers = ", ".join(f"{s.signer} ({s.role})" for s in done.decision.used)
            say(
                f"approved by {signers} on request {short_id(done.decision.request.id)}; "
                f"export recorded as {short_id(done.statement)}"
            )
        return
    head = Section(
        f"{source}: export refused, {target} left as it was",
        [("sha256", report.sha256), ("scan", scan_words(report))],
        style="red",
    )
    next_section = Section("Next", notes=[f"$ {step}" for step in done.next_steps])
    show([head, roles_section(done.decision), next_section])
    raise SystemExit(EXIT_BLOCKED)


def _shown(path: Path, done: Any) -> str:
    """A path as the screen prints it: a name in it that identifies a person redacted (CI
    logs keep what is printed)."""
    from approval.cli.render import shown_path

    adoption = done.decision.adoption
    return shown_path(path, adoption.policy if adoption is not None else None)
