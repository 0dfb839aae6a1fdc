"""``approval check``: the gate over files and trees, for CI and pre-commit."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from approval.cli.options import ledger_option, offline_option

if TYPE_CHECKING:
    from approval.workflow.check import CheckResult


@click.command(
    short_help="The gate for CI and pre-commit: each file clean or approved.",
    epilog="Examples: approval check site/    approval check --staged    "
    "approval check . --format sarif > gate.sarif",
)
@ledger_option
@offline_option(fresh=True)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--staged", is_flag=True, help="Check the staged content of staged files (pre-commit)."
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json", "sarif"]),
    default="text",
    show_default=True,
    help="Blocked files in words, every file as JSON, or blocked files as SARIF 2.1.0.",
)
def check(ledger: Path | None, paths: tuple[Path, ...], staged: bool, output: str) -> int:
    """Exit 0 when every file under PATHS is clean or approved by the ledger, 1 otherwise.

    Directories are walked recursively; inside a git work tree, as git sees them (.gitignore
    honoured). Files matching .approvalignore patterns (gitignore syntax) are left out. With
    --staged, the staged bytes of the files a commit would add or change are checked (PATHS,
    if given, narrow them). Without a ledger, protected and unscannable files fail.
    """
    from approval.errors import UsageError
    from approval.workflow.check import check as run_check

    if not paths and not staged:
        raise UsageError("give the files or directories to check", hint="e.g. approval check .")
    result = run_check(ledger, list(paths), staged=staged)
    if output == "json":
        _json(result.to_dict())
    elif output == "sarif":
        from approval.detect.sarif import to_sarif

        _json(to_sarif([f.report for f in result.files if not f.passes], result.policy))
    else:
        _text(result)
    return result.exit_code


def _json(data: object) -> None:
    import json

    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _text(result: CheckResult) -> None:
    from approval.cli.gateview import scan_words
    from approval.cli.screen import say
    from approval.statements import short_id
    from approval.workflow.check import APPROVED, BLOCKED, CLEAN_WORD, NO_LEDGER, NO_LEDGER_HINT

    for item in result.files:
        if item.status == CLEAN_WORD:
            continue
        decision = item.decision
        if item.status == APPROVED and decision is not None and decision.request is not None:
            say(
                f"{item.path}: approved ({scan_words(item.report)}; request "
                f"{short_id(decision.request.id)})"
            )
            continue
        say(f"{item.path}: BLOCKED ({scan_words(item.report)})")
        if decision is None:
            say(f"  {NO_LEDGER}")
            say(f"  hint: {NO_LEDGER_HINT}")
            continue
        if decision.missing:
            say(f"  missing: {', '.join(decision.missing)}")
        for reason in decision.reasons:
            if not reason.startswith("missing: "):
                say(f"  {reason}")
        if decision.request is None:
            say(
                f'  next: approval request {item.path} --purpose "..." --destination "..." '
                "--key KEY  (or: approval redact)"
            )
        else:
            say(f"  next: approval status {short_id(decision.request.id)}")
    total = len(result.files)
    summary = (
        f"{total} file{'s' if total != 1 else ''}: {result.count(CLEAN_WORD)} clean, "
        f"{result.count(APPROVED)} approved, {result.count(BLOCKED)} blocked"
    )
    if result.ignored:
        summary += f"; {result.ignored} left out by .approvalignore"
    summary += f" ({result.scanned} scanned, {total - result.scanned} unchanged)"
    say(summary)
