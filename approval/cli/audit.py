"""``approval audit``: verify the whole ledger, see it at any moment, follow one file, or export
it for ``ssh-keygen`` alone."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from approval.cli.options import examples, ledger_option
from approval.cli.output import quiet_option

if TYPE_CHECKING:
    from approval.cli.jsontext import Written
    from approval.report.event import Event

# Rows shown in a table on screen; --format json always lists everything.
SHOWN = 50


@click.command(
    short_help="Verify the whole ledger; see it at a moment; follow one file.",
    epilog=examples(
        "approval audit",
        "approval audit --as-of 2026-11-21",
        "approval audit --artifact stats.xlsx",
        "approval audit --export audit-2026/",
        "approval audit --html audit-2026.html",
    ),
)
@ledger_option
@click.option(
    "--as-of",
    "as_of",
    metavar="TIME",
    help="Show the state at TIME: an ISO date (its end, UTC) or date-time.",
)
@click.option(
    "--artifact",
    metavar="FILE|SHA256",
    help="Show one file's whole history (the file is hashed, or give its sha256).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Words for people, or one JSON document for scripts (README: Output for scripts).",
)
@click.option(
    "--export",
    "export_dir",
    metavar="DIR",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write every statement, its signatures, allowed_signers and verify.sh to DIR.",
)
@click.option(
    "--expect-head",
    "expect_head",
    metavar="ID",
    help="A head taken from elsewhere (another clone, an earlier report): exit 3 unless the "
    "ledger's head is that commit or descends from it.",
)
@click.option(
    "--html",
    "html_file",
    metavar="FILE",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the audit as one self-contained HTML document for people (a judge, an "
    "inspector): verdict, policies and rosters, each file's chain, refusals, timeline, and "
    "how to verify it independently. Written even when the ledger is not intact.",
)
@quiet_option
def audit(
    ledger: Path | None,
    as_of: str | None,
    artifact: str | None,
    fmt: str,
    export_dir: Path | None,
    expect_head: str | None = None,
    html_file: Path | None = None,
) -> None:
    """Replay the ledger from its first statement and verify everything: each statement's
    schema and signatures, each signer against the roster in force, the chain of policy
    adoptions, the append-only history, and that each export was allowed when it was made.

    Prints the timeline. Exits 0 when the ledger is intact, 3 when anything is wrong, naming
    the commit, the statement and the rule broken.
    """
    from approval.cli.render import outcome
    from approval.errors import EXIT_OK, UsageError

    if export_dir is not None and (as_of or artifact):
        raise UsageError("--export writes the whole ledger: it takes no --as-of or --artifact")
    if html_file is not None and (as_of or artifact or export_dir):
        raise UsageError(
            "--html reports on the whole ledger: it takes no --as-of, --artifact or --export"
        )
    if html_file is not None and str(html_file) == "-":
        raise UsageError("--html writes a file", hint="give a file name, e.g. --html audit.html")
    if artifact is not None and Path(artifact).is_dir():
        raise UsageError(
            f"{artifact}: is a directory", hint="give --artifact one file, or its sha256"
        )
    if expect_head is not None:
        from approval.ledger import Ledger
        from approval.ledger.verified import expect_head as check_expected

        with Ledger.open(ledger) as opened:
            check_expected(opened, expect_head)
    if export_dir is not None:
        from approval.workflow.audit import export_bundle

        bundle = export_bundle(ledger, export_dir)
        outcome(EXIT_OK)
        _render_bundle(bundle, fmt)
    elif artifact is not None:
        from approval.workflow.audit import artifact_history, set_aside_statements

        history = artifact_history(ledger, artifact, as_of)
        held = [h for h in set_aside_statements(ledger) if h.export]
        outcome(EXIT_OK)
        _render_artifact(history, fmt, [h for h in held if h.artifact == history.sha256])
    elif as_of is not None:
        from approval.workflow.audit import state_as_of

        state = state_as_of(ledger, as_of)
        outcome(EXIT_OK)
        _render_as_of(state, fmt)
    else:
        from approval.workflow.audit import audited

        # The replay pauses the cyclic collector (``Replay.run``); kept paused until the
        # report is out: the index rows, the events' dicts and the JSON made after it would
        # otherwise set off collections that walk the whole replayed state again (the events'
        # dicts: 13 -> 5 us a statement at 20k statements, more as the ledger grows). Set back
        # after, for a caller that goes on (tests, CliRunner).
        collecting = gc.isenabled()
        gc.disable()
        kept: list[object] = []
        try:
            # The index is finished in a thread while the report is written.
            with audited(ledger) as report:
                kept.append(report)
                if html_file is not None:
                    _write_html(report, html_file)
                # Decided before the timeline is printed: `approval audit | head` still says
                # intact.
                outcome(EXIT_OK if report.failure is None else report.failure.exit_code)
                _render_report(report, fmt, html_file)
        finally:
            if collecting:
                _freeze_if_ending(kept)
                gc.enable()
        if report.failure is not None:
            raise report.failure


def _freeze_if_ending(kept: list[object]) -> None:
    """In the ``approval`` process itself (its entry point guards stdout), which ends after
    this command: everything the replay made is frozen (``gc.freeze``), left out of the
    collections that follow and of the full one at exit, each of which would walk it all
    again (~0.2 s each at 20k statements: the replayed state is in reference cycles). ``kept``
    (the report) is frozen in a cycle of its own, so never freed either: else its events go
    one by one as the command returns (~0.2 s of CPU at 100k statements), just before the
    process ends and its memory goes back whole. A caller that goes on (tests, CliRunner)
    collects it all as usual."""
    from approval.cli.render import GuardedOutput

    if isinstance(sys.stdout, GuardedOutput):
        kept.append(kept)
        gc.freeze()


def _json(body: Any, command: str) -> None:
    from approval.cli.output import emit

    emit(command, body)


# The keys ``Event.to_dict`` puts before an event's details: a detail of the same name would
# take its key's place there, so such an event is written from its dict.
_EVENT_KEYS = frozenset(("entry", "commit", "id", "kind", "at", "who", "text", "artifacts"))


def _timeline(events: Sequence[Event]) -> Written:
    """The timeline as one value that writes itself (what ``_emit_timeline`` writes in
    pieces)."""
    from approval.cli.jsontext import Written

    return Written(lambda newline: "".join(_timeline_pieces(events, newline)))


# Events a piece of the streamed timeline holds (~1 MB of JSON).
_PIECE = 1024


def _timeline_pieces(events: Sequence[Event], newline: str, size: int = _PIECE) -> Iterator[str]:
    """``[event.to_dict() for event in events]`` as ``indented`` writes it at the depth whose
    lines start with ``newline``, in pieces of ``size`` events, without the dicts: one
    f-string an event, its details written by ``members`` (the timeline is most of an audit's
    JSON: ~12 -> ~9.5 us a statement at 20k statements)."""
    from approval.cli.jsontext import encode, members
    from approval.cli.jsontext import quoted as string

    if not events:
        yield "[]"
        return
    inner = newline + "  "
    key = inner + "  "
    commit, ident, kind = (f',{key}"{name}": ' for name in ("commit", "id", "kind"))
    at, who, text, artifacts = (f',{key}"{name}": ' for name in ("at", "who", "text", "artifacts"))
    entry = f'{{{key}"entry": '
    between = "," + inner
    opening = "[" + inner
    for start in range(0, len(events), size):
        parts = []
        for event in events[start : start + size]:
            details = event.details
            try:
                if type(event.position) is not int or not details.keys().isdisjoint(_EVENT_KEYS):
                    raise TypeError
                parts.append(
                    f"{entry}{event.position}{commit}{string(event.commit)}{ident}"
                    f"{string(event.id)}{kind}{string(event.kind)}{at}{string(event.when)}"
                    f"{who}{encode(event.who, key)}{text}{string(event.text)}{artifacts}"
                    f"{encode(event.artifacts, key)}{members(details, key)}{inner}}}"
                )
            except TypeError:  # not the usual shape: as ``indented`` writes its dict
                parts.append(encode(event.to_dict(), inner))
        yield (between if start else opening) + between.join(parts)
    yield newline + "]"


# Where the timeline goes in the rest of the document: never in what ``indented`` writes,
# which escapes a NUL in a string (``\u0000``).
_MARK = "\0timeline\0"


def _emit_timeline(command: str, body: dict[str, Any], events: Sequence[Event]) -> None:
    """``emit(command, body)``, ``body["timeline"]`` (``None`` there) written in pieces as they
    are made: at 100k statements the timeline is ~100 MB of JSON, which as one string was made,
    copied whole three more times (joined into the document, a newline added, encoded) and
    searched for ANSI codes (``click.echo``: JSON has none, it escapes ESC): ~30% of the JSON's
    CPU. The same bytes."""
    from approval.cli.jsontext import Written, inert_json
    from approval.cli.output import document, indented

    depth: list[str] = []

    def mark(newline: str) -> str:
        depth.append(newline)
        return _MARK

    text = indented(document(command, {**body, "timeline": Written(mark)}))
    before, after = text.split(_MARK)  # exactly one: the rest holds no NUL
    stream = sys.stdout
    if stream is None:  # started with no stdout at all (``>&-``): as ``click.echo`` does
        return
    stream.write(inert_json(before))
    for piece in _timeline_pieces(events, depth[0]):
        stream.write(inert_json(piece))
    stream.write(inert_json(after) + "\n")
    stream.flush()


def _write_html(report: Any, target: Path) -> None:
    """The HTML report, put in place whole (a reader never sees half of it)."""
    from approval import __version__
    from approval.errors import UsageError
    from approval.files.atomic import staged
    from approval.report.html import AuditFacts, render
    from approval.statements import NAMESPACE, now

    facts = AuditFacts(
        ledger=report.ledger,
        head=report.head,
        events=report.events,
        failure=report.failure.to_dict() if report.failure else None,
        signatures=report.signatures,
        generated=now(),
        version=__version__,
        namespace=NAMESPACE,
    )
    text = render(facts)
    try:
        with staged(target) as stage:
            stage.file.write(text.encode("utf-8"))
            stage.commit()
    except OSError as e:
        raise UsageError(f"cannot write {target}: {e.strerror or type(e).__name__}") from e


def _render_report(report: Any, fmt: str, html_file: Path | None = None) -> None:
    if fmt == "json":
        _emit_timeline(
            "audit",
            {
                "ledger": report.ledger,
                "head": report.head,
                "intact": report.intact,
                "statements": len(report.events),
                "signatures": report.signatures,
                "problem": report.failure.to_dict() if report.failure else None,
                "flags": [
                    {"entry": e.position, "id": e.id, "flag": e.details["flag"]}
                    for e in report.events
                    if e.details.get("flag")
                ],
                "warnings": [w.to_dict() for w in report.warnings],
                "set_aside": [held.to_dict() for held in report.set_aside],
                "timeline": None,
                "html": str(html_file) if html_file is not None else None,
            },
            report.events,
        )
        return
    from approval.cli.render import shown_path
    from approval.cli.screen import Section, show, show_timeline

    show_timeline(
        [(e.when, e.position, e.text) for e in report.events], empty="(the ledger is empty)"
    )
    click.echo("")
    facts = [
        ("ledger", report.ledger),
        ("head", report.head or "(none)"),
        ("statements", f"{len(report.events)} verified"),
        ("signatures", f"{report.signatures} verified"),
        ("policies adopted", str(report.adoptions)),
    ]
    if report.failure is None:
        facts.append(("exports", f"{report.exports}, each allowed when it was made"))
        # Set aside by a sync (refs/approval/rejected/): an export there is a file that left.
        facts += [("SET ASIDE", held.words) for held in report.set_aside]
        # Text that seems to hold personal data: a detector's judgement, not a failure.
        facts += [("warning", w.message) for w in report.warnings[:10]]
        if len(report.warnings) > 10:
            facts.append(("warnings", f"{len(report.warnings) - 10} more (--format json)"))
        flagged = [str(e.position) for e in report.events if e.details.get("flag")]
        if flagged:
            facts.append(
                (
                    "flagged",
                    f"{len(flagged)} approval(s) made without a rescan of the bytes where the "
                    f"policy required one (entries {', '.join(flagged)}): they do not count",
                )
            )
        if html_file is not None:
            facts.append(("report", f"written to {shown_path(html_file)}"))
        show([Section("Audit: the ledger is intact", facts, style="green")])
    else:
        failure = report.failure
        facts += [
            ("broken rule", f"{failure.rule.value}: {failure.rule.words}"),
            ("where", f"commit {failure.commit or '?'}, entry {failure.position or '?'}"),
        ]
        if failure.statement:
            facts.append(("statement", f"{failure.kind} {failure.statement}"))
        if html_file is not None:
            facts.append(("report", f"written to {shown_path(html_file)}"))
        show([Section("Audit: the ledger is NOT intact", facts, style="red")])


def _line_rows(lines: Any, columns: list[str]) -> list[list[str]]:
    from approval.statements import short_id

    rows = []
    for line in lines:
        values = line.to_dict()
        row = []
        for column in columns:
            value = values.get(column, "")
            if column in ("id", "request") and value:
                value = short_id(value)
            row.append(str(value))
        rows.append(row)
    return rows


def _render_as_of(result: Any, fmt: str) -> None:
    from approval.cli.screen import Section, show
    from approval.statements import format_time, short_id
    from approval.words import plural

    if fmt == "json":
        _json(result.to_dict(), "audit as-of")
        return
    sections = []
    head = Section(
        f"The ledger as of {format_time(result.moment)}",
        [("statements by then", str(result.statements)), ("ledger head now", result.head)],
    )
    adoption = result.adoption
    if adoption is None:
        head.notes.append("no policy was in force yet")
        show([head])
        return
    policy, roster = adoption.details["policy"], adoption.details["roster"]
    head.facts += [
        (
            "policy in force",
            f"{policy['id']} v{policy['version']} (adoption {short_id(adoption.id)}, "
            f"{adoption.when}, signed by {', '.join(adoption.who)})",
        ),
        (
            "roster in force",
            f"v{roster['version']}: {plural(len(roster['officials']), 'official')}, "
            f"{plural(roster['admin_threshold'], 'admin signature')} to change it",
        ),
    ]
    sections.append(head)
    sections.append(
        Section(
            "Officials",
            columns=("id", "name", "roles", "valid"),
            rows=[
                (
                    o["id"],
                    o["name"],
                    ", ".join(o["roles"]),
                    " ".join(
                        part
                        for part in (
                            f"from {o['valid_from']}" if o.get("valid_from") else "",
                            f"until {o['valid_until']}" if o.get("valid_until") else "",
                        )
                        if part
                    )
                    or "always",
                )
                for o in roster["officials"]
            ],
        )
    )
    tables = (
        ("Open requests", result.open_requests, ["id", "name", "signer", "at", "destination"]),
        (
            "Valid approvals",
            result.approvals,
            ["id", "request", "name", "signer", "role", "at", "expires"],
        ),
        ("Refusals standing", result.refusals, ["id", "request", "name", "signer", "role", "at"]),
        ("Exports so far", result.exports, ["at", "name", "destination", "signer", "request"]),
    )
    for title, lines, columns in tables:
        shown = lines[-SHOWN:]
        section = Section(f"{title} ({len(lines)})", columns=columns if shown else ())
        section.rows = _line_rows(shown, columns)
        if not lines:
            section.notes.append("none")
        elif len(lines) > len(shown):
            section.notes.append(
                f"the last {len(shown)} of {len(lines)}; --format json lists them all"
            )
        sections.append(section)
    show(sections)


def _render_artifact(history: Any, fmt: str, held: Sequence[Any] = ()) -> None:
    """``held``: this file's exports a sync set aside (verified): it left all the same."""
    from approval.cli.screen import Section, show

    if fmt == "json":
        body = history.to_dict()
        body["set_aside"] = [one.to_dict() for one in held]
        _json(body, "audit artifact")
        return
    facts = [("sha256", history.sha256)]
    if history.name:
        facts.insert(0, ("file", history.name))
    names = sorted(history.names)
    if names:
        facts.append(("known as", ", ".join(names)))
    exports = [e for e in history.events if e.kind == "export"]
    facts.append(("statements", str(len(history.events))))
    facts.append(("exports", str(len(exports))))
    if held:
        facts.append(("exports set aside", f"{len(held)}: the file left all the same"))
        facts += [("SET ASIDE", one.words) for one in held]
    title = f"History of {history.name or history.sha256[:12]}"
    if history.moment is not None:
        from approval.statements import format_time

        title += f" up to {format_time(history.moment)}"
    notes = []
    for event in history.events:
        notes.append(f"{event.when}  {event.text}")
        notes += [f"    {detail}" for detail in _event_details(event)]
    if not history.events:
        notes.append("the ledger holds nothing about this file")
    show([Section(title, facts), Section("Timeline", notes=notes)])


def _event_details(event: Any) -> list[str]:
    from approval.words import plural

    details = event.details
    if event.kind == "request":
        scan = details["scan"]
        lines = [f"purpose: {details['purpose']}"]
        classes = ", ".join(f"{c}: {plural(n, 'person')}" for c, n in scan["classes"].items())
        lines.append(
            f"scan: {scan['verdict']} ({scan['format']}), {classes or 'nothing found'}, "
            f"{plural(scan['findings'], 'finding')}"
            + (f", hidden: {', '.join(scan['hidden'])}" if scan["hidden"] else "")
        )
        return lines
    if event.kind == "redaction":
        return [f"removed: {', '.join(details['removed']) or 'nothing'}"]
    return []


def _render_bundle(bundle: Any, fmt: str) -> None:
    if fmt == "json":
        _json(
            {
                "directory": str(bundle.directory),
                "head": bundle.head,
                "statements": bundle.statements,
                "signatures": bundle.signatures,
                "allowed_signers": bundle.keys,
            },
            "audit export",
        )
        return
    from approval.cli.render import shown_path
    from approval.cli.screen import say
    from approval.words import plural

    directory = shown_path(bundle.directory)  # the user's: a name in it is not for a log
    say(
        f"exported {plural(bundle.statements, 'statement')} and "
        f"{plural(bundle.signatures, 'signature')} to {directory} "
        f"({plural(bundle.keys, 'key')} in allowed_signers)"
    )
    say(f"check them with ssh-keygen alone: sh {shown_path(bundle.directory / 'verify.sh')}")
