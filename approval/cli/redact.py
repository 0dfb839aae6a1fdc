"""``approval redact``: a derivative without the protected data, which needs no approval."""

from __future__ import annotations

from pathlib import Path

import click

from approval.cli.options import examples, ledger_option
from approval.cli.output import output_options


@click.command(
    short_help="Write a copy without the protected data (needs no approval).",
    epilog=examples("approval redact stats.xlsx --out stats-public.xlsx --key KEY"),
)
@ledger_option
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--out", required=True, type=click.Path(path_type=Path), help="Where to write the derivative."
)
@click.option(
    "--key",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Your OpenSSH private key: record the redaction in the ledger, signed.",
)
@click.option("--passphrase-env", metavar="VAR", help="Read the key's passphrase from VAR.")
@output_options
def redact(
    ledger: Path | None, file: Path, out: Path, key: Path | None, passphrase_env: str | None
) -> None:
    """Write to OUT a copy of FILE without the columns, keys, sheets and parts that identify
    persons (xlsx, csv, json), or with identifiers replaced by [REDACTED] (text).

    The copy is scanned and must be clean, or nothing is written (exit 1); so is an OUT whose
    file name or folders hold protected data, as check and serve refuse it (exit 1). Prints its
    provenance: both sha256s and what was removed (places and counts, never values).
    """
    from approval.cli.output import emit, json_wanted
    from approval.cli.render import outcome, shown_path
    from approval.cli.screen import say
    from approval.errors import EXIT_OK
    from approval.statements import short_id
    from approval.workflow.redact import redact_file

    done = redact_file(ledger, file, out, key, passphrase_env)
    outcome(EXIT_OK)
    if json_wanted():
        emit(
            "redact",
            {
                "out": str(done.out),
                "source": {
                    "sha256": done.source_report.sha256,
                    "size": done.source_report.size,
                },
                "derivative": {"sha256": done.report.sha256, "size": done.report.size},
                "verdict": done.report.verdict,
                "removed": list(done.removed),
                "statement": done.statement,
                "signer": done.signer,
            },
        )
        return
    say(f"redacted {shown_path(file)} -> {shown_path(done.out)} (clean under the policy in force)")
    say(f"  source:     sha256 {done.source_report.sha256} ({done.source_report.size:,} bytes)")
    say(f"  derivative: sha256 {done.report.sha256} ({done.report.size:,} bytes)")
    say("  removed:")
    for line in done.removed or ("nothing by name (the rescan found it clean)",):
        say(f"    - {line}")
    if done.statement is not None:
        say(f"recorded by {done.signer} as redaction {short_id(done.statement)}")
