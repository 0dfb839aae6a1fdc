"""``approval exposure``: which exports exposed these persons; which persons an export exposed.
For privacy officers, with their own key file (records are encrypted to them alone)."""

from __future__ import annotations

from pathlib import Path

import click

from approval.cli.options import examples, key_option, ledger_option, offline_option
from approval.cli.output import output_options


@click.command(
    short_help="Which exports exposed a person; whom an export exposed.",
    epilog=examples(
        "approval exposure --person A012345678 --key ~/.ssh/privacy_ed25519",
        "approval exposure --person-file notified.csv --key ~/.ssh/privacy_ed25519",
        "approval exposure --artifact stats.xlsx --out persons.txt --key ~/.ssh/privacy_ed25519",
    ),
)
@ledger_option
@offline_option()
@click.option(
    "--person", "persons", multiple=True, metavar="A-NUMBER", help="A person's A-number (repeat)."
)
@click.option(
    "--person-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A CSV of persons: an a_number column, or name (or first and last names) with birthdate.",
)
@click.option(
    "--artifact", metavar="SHA256|FILE", help="The persons the exports of these bytes exposed."
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="With --artifact: write the persons, one a line, to this new file (mode 0600).",
)
@click.option("--force", is_flag=True, help="With --out: replace an existing file.")
@key_option()
@output_options
def exposure(
    ledger: Path | None,
    persons: tuple[str, ...],
    person_file: Path | None,
    artifact: str | None,
    out: Path | None,
    force: bool,
    key: Path | None,
    passphrase_env: str | None,
) -> None:
    """List the exports that exposed the persons given (--person, --person-file): when, where,
    by whom and on whose sign-offs; or, with --artifact, how many persons the exports of a
    file exposed (the persons themselves only into a 0600 file, with --out).

    Exposure records are encrypted to the privacy officers of the roster in force when each
    was made: --key must be a privacy officer's key file (ssh-ed25519 or ssh-rsa; ssh-agent
    cannot decrypt). Nothing is printed that names a person.
    """
    from approval.cli.output import emit, json_wanted
    from approval.cli.render import outcome, shown_path
    from approval.cli.screen import say
    from approval.errors import EXIT_OK, UsageError
    from approval.statements import format_time, short_id
    from approval.workflow import exposure as flow

    if key is None:
        raise UsageError(
            f"{flow.CANNOT_READ}: no key given",
            hint="give a privacy officer's key file with --key PATH",
        )
    if (artifact is None) == (not persons and person_file is None):
        raise UsageError("give persons (--person, --person-file) or --artifact, not both")
    if out is not None and artifact is None:
        raise UsageError("--out goes with --artifact")
    if artifact is not None:
        answer = flow.artifact_exposure(ledger, artifact, key, passphrase_env, out, force)
        outcome(EXIT_OK)
        if json_wanted():
            emit(
                "exposure artifact",
                {
                    "artifact": answer.sha256,
                    "exports": list(answer.exports),
                    "persons": answer.persons,
                    "by_kind": answer.by_kind,
                    "out": str(answer.out) if answer.out else None,
                },
            )
            return
        kinds = ", ".join(f"{n} by {kind}" for kind, n in sorted(answer.by_kind.items()))
        say(
            f"{answer.sha256[:12]}: {answer.persons} persons ({kinds or 'none'}) in "
            f"{len(answer.exports)} export(s)"
        )
        for export in answer.exports:
            say(f"  export {short_id(export)}")
        if answer.out is not None:
            say(f"persons written to {shown_path(answer.out)} (mode 0600)")
        return
    found = flow.persons_exposures(ledger, persons, person_file, key, passphrase_env)
    outcome(EXIT_OK)
    if json_wanted():
        emit(
            "exposure",
            {
                "asked": found.asked,
                "exports_searched": found.exports,
                "unreadable_records": found.unreadable,
                "exports": [
                    {
                        "export": h.export,
                        "artifact": h.artifact_sha256,
                        "name": h.artifact_name,
                        "destination": h.destination,
                        "created": format_time(h.created),
                        "exporter": h.exporter,
                        "request": h.request,
                        "signoffs": [
                            {"id": s.id, "signer": s.signer, "role": s.role} for s in h.signoffs
                        ],
                        "matched": h.matched,
                        "persons": h.persons,
                    }
                    for h in found.hits
                ],
            },
        )
        return
    say(
        f"{len(found.hits)} of {found.exports} exports exposed some of the {found.asked} "
        "person(s) asked about"
    )
    for h in found.hits:
        signers = ", ".join(f"{s.signer} ({s.role})" for s in h.signoffs) or "no sign-off"
        say(
            f"  {format_time(h.created)}  export {short_id(h.export)}  {h.artifact_name} -> "
            f"{h.destination}  by {h.exporter}, on {signers}: {h.matched} of them "
            f"({h.persons} persons in all)"
        )
    if found.unreadable:
        say(f"{found.unreadable} record(s) were made for other keys and were not searched")
