"""``approval incident``: open, scope, record and close an incident, each a signed statement."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from approval.cli.options import examples, key_option, ledger_option, offline_option
from approval.cli.output import output_options

if TYPE_CHECKING:
    from approval.incident.timeline import Incident
    from approval.workflow.incident import Recorded

_STEPS = (
    "taken-down",
    "access-logs-reviewed",
    "claw-back-sent",
    "removal-hold-placed",
    "persons-notified",
    "other",
)
_FOUND_COPY = click.Path(path_type=Path, dir_okay=False)


@click.group(
    short_help="Run an incident from the ledger (privacy officers).",
    epilog=examples(
        "approval incident open --file leaked.xlsx --found-at https://example.gov/stats "
        "--found-time 2022-11-28T19:05Z --key po.key",
        "approval incident scope --file leaked.xlsx --key po.key",
        "approval incident step taken-down --at 2022-11-29T00:10Z --key po.key",
        "approval incident notify-list --file leaked.xlsx --out notify.txt --key po.key",
        'approval incident close --summary "contained; 6,252 persons notified" --key po.key',
    ),
)
def incident() -> None:
    """Run an incident on exposed bytes: open it, scope it (where the bytes went, who else
    holds the same persons), record each containment and notification step, list the persons
    to notify (privacy officers only, to a 0600 file), and close it.

    Each action is a statement signed by a privacy officer; it holds counts, ids and hashes,
    never a person. INCIDENT is an incident id or unique prefix: the open incident by default.
    """


@incident.command(
    "open",
    short_help="Open an incident on exposed bytes.",
    epilog=examples(
        "approval incident open --file leaked.xlsx --found-at https://www.example.gov/stats "
        "--found-time 2022-11-28T19:05Z --key po.key",
        "approval incident open --blocked 9d1e44a0b2c3 --key po.key",
    ),
)
@ledger_option
@offline_option()
@click.option("--artifact", metavar="SHA256|FILE", help="Bytes the ledger knows.")
@click.option("--file", "found_copy", type=_FOUND_COPY, help="A copy found anywhere.")
@click.option("--blocked", metavar="ID", help="A `blocked` statement of `approval serve`.")
@click.option("--found-at", metavar="WHERE", help="Where it was found: a URL or a place.")
@click.option("--found-time", metavar="TIME", help="When it was found (ISO, UTC; default now).")
@key_option()
@output_options
def open_(
    ledger: Path | None,
    artifact: str | None,
    found_copy: Path | None,
    blocked: str | None,
    found_at: str | None,
    found_time: str | None,
    key: Path,
    passphrase_env: str | None,
) -> None:
    """Open an incident on bytes the ledger knows (--artifact), a copy found outside it
    (--file: a leaked copy, a page archive; hashed and counted, never recorded) or a gate's
    refusal (--blocked)."""
    from approval.workflow.incident import open_incident

    done = open_incident(
        ledger,
        key,
        passphrase_env,
        artifact=artifact,
        found_copy=found_copy,
        blocked=blocked,
        found_at=found_at,
        found_time=found_time,
    )
    _recorded("incident open", done, f"{done.signer} opened incident", last_line=True)


@incident.command(
    short_help="Record where the bytes went and whom they exposed.",
    epilog=examples("approval incident scope --file leaked.xlsx --key po.key"),
)
@ledger_option
@offline_option()
@click.argument("ref", metavar="[INCIDENT]", required=False)
@click.option("--file", "found_copy", type=_FOUND_COPY, help="The found copy, to read its persons.")
@key_option()
@output_options
def scope(
    ledger: Path | None,
    ref: str | None,
    found_copy: Path | None,
    key: Path,
    passphrase_env: str | None,
) -> None:
    """Scope INCIDENT: every export of the same bytes, every other export holding any of the
    same persons (the privacy officer's key reads the exposure records), how many persons,
    and how long each copy was out."""
    from approval.workflow.incident import scope_incident

    done = scope_incident(ledger, ref, key, passphrase_env, found_copy=found_copy)
    _recorded("incident scope", done, f"{done.signer} scoped incident")


@incident.command(
    short_help="Record a containment or notification step.",
    epilog=examples(
        "approval incident step taken-down --at 2022-11-29T00:10Z --key po.key",
        "approval incident step claw-back-sent 3f9c2a7d41e0 --count 14 --key po.key",
    ),
)
@ledger_option
@offline_option()
@click.argument("step", type=click.Choice(_STEPS))
@click.argument("ref", metavar="[INCIDENT]", required=False)
@click.option("--at", "at", metavar="TIME", help="When it was done (ISO, UTC; default now).")
@click.option("--text", help="What was done (needed for `other`).")
@click.option("--count", type=int, help="How many: letters sent, persons notified, holds...")
@key_option()
@output_options
def step(
    ledger: Path | None,
    step: str,
    ref: str | None,
    at: str | None,
    text: str | None,
    count: int | None,
    key: Path,
    passphrase_env: str | None,
) -> None:
    """Record STEP of INCIDENT, done at --at, signed by the official who records it."""
    from approval.workflow.incident import record_step

    done = record_step(ledger, ref, key, passphrase_env, step=step, at=at, text=text, count=count)
    _recorded("incident step", done, f"{done.signer} recorded {step} on incident")


@incident.command(
    "notify-list",
    short_help="Write the persons to notify (0600).",
    epilog=examples(
        "approval incident notify-list --file leaked.xlsx --out notify.txt --key po.key"
    ),
)
@ledger_option
@offline_option()
@click.argument("ref", metavar="[INCIDENT]", required=False)
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True)
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@click.option("--file", "found_copy", type=_FOUND_COPY, help="The found copy, to read its persons.")
@click.option("--with-related", is_flag=True, help="The persons of the related exports too.")
@key_option()
@output_options
def notify_list(
    ledger: Path | None,
    ref: str | None,
    out: Path,
    force: bool,
    found_copy: Path | None,
    with_related: bool,
    key: Path,
    passphrase_env: str | None,
) -> None:
    """Write the persons INCIDENT exposed, one identity a line, to --out (created 0600; a
    privacy officer's key reads them), and record that the list was made, with its count."""
    from approval.cli.output import emit, json_wanted
    from approval.cli.render import outcome, shown_path
    from approval.cli.screen import say
    from approval.errors import EXIT_OK
    from approval.statements import short_id
    from approval.workflow.incident import notify_list as do_notify_list

    done = do_notify_list(
        ledger,
        ref,
        key,
        passphrase_env,
        out,
        force=force,
        found_copy=found_copy,
        with_related=with_related,
    )
    outcome(EXIT_OK)
    if json_wanted():
        emit(
            "incident notify-list",
            {
                "id": done.recorded.id,
                "incident": done.recorded.incident.id,
                "out": str(done.path),
                "persons": done.persons,
            },
        )
        return
    say(
        f"wrote {done.persons} persons to notify to {shown_path(done.path)} (0600) for incident "
        f"{short_id(done.recorded.incident.id)} (statement {short_id(done.recorded.id)})"
    )


@incident.command(
    short_help="Close an incident with a summary.",
    epilog=examples('approval incident close --summary "contained; notified" --key po.key'),
)
@ledger_option
@offline_option()
@click.argument("ref", metavar="[INCIDENT]", required=False)
@click.option("--summary", required=True, help="How it ended (auditors read it).")
@key_option()
@output_options
def close(
    ledger: Path | None, ref: str | None, summary: str, key: Path, passphrase_env: str | None
) -> None:
    """Close INCIDENT with a summary: nothing more is recorded on it."""
    from approval.workflow.incident import close_incident

    done = close_incident(ledger, ref, key, passphrase_env, summary)
    _recorded("incident close", done, f"{done.signer} closed incident")


@incident.command(
    "list",
    short_help="Every incident, open or closed.",
    epilog=examples("approval incident list --format json"),
)
@ledger_option
@offline_option()
@output_options
def list_(ledger: Path | None) -> None:
    """Every incident in the ledger: when found, status, time to contain and to notify."""
    from approval.cli.output import emit, json_wanted
    from approval.cli.render import outcome
    from approval.cli.screen import say
    from approval.errors import EXIT_OK
    from approval.workflow.incident import list_incidents

    found = list_incidents(ledger)
    outcome(EXIT_OK)
    if json_wanted():
        emit("incident list", {"incidents": [_document(i) for i in found]})
        return
    if not found:
        say("no incidents")
    for one in found:
        say(_line(one))


@incident.command(
    short_help="An incident's timeline.",
    epilog=examples("approval incident show 3f9c2a7d41e0"),
)
@ledger_option
@offline_option()
@click.argument("ref", metavar="[INCIDENT]", required=False)
@output_options
def show(ledger: Path | None, ref: str | None) -> None:
    """INCIDENT's timeline: found, scope, each step, close; each copy and how long it was out."""
    from approval.cli.output import emit, json_wanted
    from approval.cli.render import outcome
    from approval.errors import EXIT_OK
    from approval.workflow.incident import show_incident

    one = show_incident(ledger, ref)
    outcome(EXIT_OK)
    if json_wanted():
        emit("incident show", _document(one))
        return
    _timeline(one)


# -- rendering ---------------------------------------------------------------------------------


def _recorded(command: str, done: Recorded, what: str, *, last_line: bool = False) -> None:
    from approval.cli.output import emit, json_wanted
    from approval.cli.render import outcome
    from approval.cli.screen import say
    from approval.errors import EXIT_OK
    from approval.statements import short_id

    outcome(EXIT_OK)
    if json_wanted():
        emit(command, {"id": done.id, "signer": done.signer, **_document(done.incident)})
        return
    say(f"{what} {short_id(done.incident.id)} (statement {short_id(done.id)})")
    _timeline(done.incident)
    if last_line:  # the incident id alone, as `approval request` ends with its id
        click.echo(done.incident.id)


def _line(one: Incident) -> str:
    from approval.incident.timeline import duration
    from approval.statements import format_time, short_id

    contain, notify = one.time_to_contain, one.time_to_notify
    return (
        f"{short_id(one.id)}  {one.status:<6}  found {format_time(one.opened.found_time)}  "
        f"sha256 {short_id(one.opened.sha256)}  contain "
        f"{duration(contain) if contain is not None else '-'}  notify "
        f"{duration(notify) if notify is not None else '-'}"
    )


def _timeline(one: Incident) -> None:
    from approval.cli.screen import say
    from approval.incident.timeline import duration
    from approval.report.incident import step_words
    from approval.statements import format_time, short_id

    opened = one.opened
    where = f" at {opened.found_at}" if opened.found_at else ""
    persons = f", {opened.persons} persons" if opened.persons is not None else ""
    say(f"incident {short_id(one.id)} ({one.status}): sha256 {short_id(opened.sha256)}{persons}")
    say(f"  {format_time(opened.found_time)}  found{where} ({opened.source})")
    say(f"  {format_time(opened.at)}  opened by {opened.signer}")
    if one.scope is not None:
        s = one.scope
        shared = f", {s.shared} shared" if s.shared is not None else " (not searched)"
        say(
            f"  {format_time(s.at)}  scoped by {s.signer}: "
            f"{s.persons if s.persons is not None else 'unknown'} persons; "
            f"{len(s.exports)} exports of the same bytes; "
            f"{len(s.related)} other exports holding the same persons{shared}"
        )
    for taken in one.steps:
        note = f": {taken.text}" if taken.text else ""
        count = f" ({taken.count})" if taken.count is not None else ""
        say(
            f"  {format_time(taken.taken)}  {step_words(taken.step)}{count}, "
            f"recorded by {taken.signer}{note}"
        )
    if one.closed is not None:
        say(f"  {format_time(one.closed.at)}  closed by {one.closed.signer}: {one.closed.summary}")
    contain, notify = one.time_to_contain, one.time_to_notify
    say(f"  time to contain: {duration(contain) if contain is not None else 'not yet'}")
    say(f"  time to notify: {duration(notify) if notify is not None else 'not yet'}")
    for copy in one.copies:
        what = "same bytes" if copy.same_bytes else "same persons"
        name = short_id(copy.export) if copy.export else "found copy"
        still = ", still out" if copy.ongoing else ""
        say(f"  copy {name} ({what}) at {copy.destination}: out {duration(copy.exposed)}{still}")


def _document(one: Incident) -> dict[str, Any]:
    from approval.statements import format_time

    def seconds(span: Any) -> int | None:
        return None if span is None else int(span.total_seconds())

    opened, scope = one.opened, one.scope
    return {
        "incident": one.id,
        "status": one.status,
        "sha256": opened.sha256,
        "source": opened.source,
        "found_at": opened.found_at,
        "found_time": format_time(opened.found_time),
        "opened_by": opened.signer,
        "persons": scope.persons if scope is not None else opened.persons,
        "scope": None
        if scope is None
        else {
            "exports": list(scope.exports),
            "related": list(scope.related),
            "persons": scope.persons,
            "shared": scope.shared,
        },
        "steps": [
            {
                "step": s.step,
                "at": format_time(s.taken),
                "by": s.signer,
                "text": s.text,
                "count": s.count,
                "id": s.id,
            }
            for s in one.steps
        ],
        "closed": None
        if one.closed is None
        else {
            "at": format_time(one.closed.at),
            "by": one.closed.signer,
            "summary": one.closed.summary,
        },
        "time_to_contain_seconds": seconds(one.time_to_contain),
        "time_to_notify_seconds": seconds(one.time_to_notify),
        "copies": [
            {
                "export": c.export,
                "destination": c.destination,
                "same_bytes": c.same_bytes,
                "since": format_time(c.since),
                "exposed_seconds": seconds(c.exposed),
                "ongoing": c.ongoing,
            }
            for c in one.copies
        ],
    }
