"""The audit as one HTML document a person reads (``approval audit --html FILE``). Pure: the
audit's findings in, one string out.

Self-contained: the CSS is inline, there is no script, no font, no image and no link out, so
the file reads the same on an air-gapped laptop, in a court's document system and on paper.
A Content-Security-Policy forbids anything else being loaded or run, should a browser find
something to load anyway. Every text that comes from the ledger (file names, purposes,
comments: what publishers and officials typed) is escaped where it is written, by ``_text``,
and only there: no other function writes ledger text into the page.

Accessible as a document: one ``h1``, an ``h2`` per part and ``h3`` within; every table has a
caption and header cells with their scope; colours are never the only sign (words say "intact"
and "NOT intact"), and every pair of text and background colours has a contrast of at least
7:1 (WCAG AAA). It prints well: no navigation on paper, table headers repeated on each page,
rows never cut in two.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from approval.report.event import Event
from approval.statements import format_time, short_id
from approval.words import plural


@dataclass(frozen=True)
class AuditFacts:
    """What the HTML report is made from: a full verified replay's findings."""

    ledger: str
    head: str | None
    events: tuple[Event, ...]
    failure: dict[str, Any] | None  # AuditFailure.to_dict(), when the ledger is not intact
    signatures: int
    generated: datetime
    version: str  # of the approval tool that verified it
    namespace: str  # the SSH signature namespace of the ledger's statements

    @property
    def intact(self) -> bool:
        return self.failure is None


# -- building blocks: the only functions that write markup ------------------------------------


def _text(value: object) -> str:
    """Any value as text in the page: escaped, quotes included (it may go in an attribute)."""
    return html.escape(str(value), quote=True)


def _tag(name: str, body: str = "", **attributes: str) -> str:
    """``<name attributes>body</name>``; attribute values escaped, the body as given (markup
    built by these functions, or ``_text``)."""
    attrs = "".join(
        f' {key.rstrip("_").replace("_", "-")}="{_text(value)}"'
        for key, value in attributes.items()
    )
    return f"<{name}{attrs}>{body}</{name}>"


def _table(
    caption: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    row_headers: bool = False,
    class_: str = "",
) -> str:
    """A table with a caption and column headers; cells are markup (escape with ``_text``).
    With ``row_headers`` each row's first cell is the header of its row."""
    head = _tag("tr", "".join(_tag("th", _text(c), scope="col") for c in columns))
    # Plain f-strings here: a ledger's timeline is 100k rows (no attribute to escape).
    first = '<th scope="row">' if row_headers else "<td>"
    close = "</th>" if row_headers else "</td>"
    body = [
        f"<tr>{first}{row[0]}{close}{''.join(f'<td>{cell}</td>' for cell in row[1:])}</tr>"
        for row in rows
    ]
    attributes = {"class_": class_} if class_ else {}
    return _tag(
        "table",
        _tag("caption", _text(caption)) + _tag("thead", head) + _tag("tbody", "".join(body)),
        **attributes,
    )


def _facts(caption: str, facts: Sequence[tuple[str, str]]) -> str:
    """Key/value facts as a two-column table whose keys head their rows (values are markup)."""
    return _table(caption, ("Fact", "Value"), ([_text(k), v] for k, v in facts), row_headers=True)


def _code(value: object) -> str:
    return _tag("code", _text(value))


def _id(value: str) -> str:
    """A statement id or commit: short on screen, whole in the tooltip and on paper."""
    return _tag("code", _text(short_id(value)), title=value)


# -- the document ------------------------------------------------------------------------------


def render(facts: AuditFacts) -> str:
    """The whole report as one HTML document."""
    events = facts.events
    sections = [
        _verdict(facts),
        _policies(events),
        _artifacts(events),
        _refusals(events),
        _incidents(events),
        _timeline(events),
        _verify(facts),
    ]
    title = f"Audit of the approval ledger: {'intact' if facts.intact else 'NOT intact'}"
    nav = _tag(
        "nav",
        _tag("h2", "Contents", id="contents")
        + _tag(
            "ol",
            "".join(
                _tag("li", _tag("a", _text(label), href=f"#{anchor}")) for anchor, label in _PARTS
            ),
        ),
        aria_labelledby="contents",
    )
    body = (
        _tag(
            "header",
            _tag("h1", _text(title))
            + _tag(
                "p",
                f"Ledger {_code(facts.ledger)}, verified from its first statement by approval "
                f"{_text(facts.version)} on {_text(format_time(facts.generated))}.",
                class_="lead",
            ),
        )
        + nav
        + _tag("main", "".join(sections))
    )
    return (
        "<!DOCTYPE html>\n"
        + _tag(
            "html",
            _tag(
                "head",
                '<meta charset="utf-8">'
                '<meta name="viewport" content="width=device-width, initial-scale=1">'
                # Nothing may load or run, whatever the page holds.
                '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
                "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">"
                '<meta name="generator" content="approval audit --html">'
                + _tag("title", _text(title))
                + _tag("style", _CSS),
            )
            + _tag("body", body),
            lang="en",
        )
        + "\n"
    )


_PARTS = (
    ("verdict", "Verdict"),
    ("policies", "Policies and rosters"),
    ("artifacts", "Files: from request to export"),
    ("refusals", "Refusals and revocations"),
    ("incidents", "Incidents"),
    ("timeline", "Timeline"),
    ("verify", "Verify it yourself"),
)


def _section(anchor: str, body: str) -> str:
    label = dict(_PARTS)[anchor]
    return _tag("section", _tag("h2", _text(label), id=anchor) + body, aria_labelledby=anchor)


def _verdict(facts: AuditFacts) -> str:
    events = facts.events
    counts = {kind: sum(1 for e in events if e.kind == kind) for kind in _KINDS}
    rows = [
        ("Ledger", _code(facts.ledger)),
        ("Head (last commit verified)", _code(facts.head or "none")),
        ("Statements verified", _text(len(events))),
        ("Signatures verified", _text(facts.signatures)),
        *((_KINDS[kind], _text(counts[kind])) for kind in _KINDS),
    ]
    flagged = [e for e in events if e.details.get("flag")]
    if facts.failure is None:
        status = _tag(
            "p",
            _tag("strong", "The ledger is intact.")
            + " Every statement's schema and signatures were verified, each signer against the "
            "roster in force when it signed, the chain of policy adoptions, the append-only "
            "history, and that each export was allowed by the sign-offs it names when it was "
            "made.",
            class_="status ok",
        )
    else:
        failure = facts.failure
        status = _tag(
            "p",
            _tag("strong", "The ledger is NOT intact.")
            + " Verification stopped at the first broken rule; what follows covers the "
            "statements before it only.",
            class_="status fail",
        )
        rows += [
            ("Broken rule", _text(f"{failure.get('rule')}: {failure.get('rule_text')}")),
            ("Problem", _text(failure.get("message") or failure.get("problem") or "")),
            ("Commit", _code(failure.get("commit") or "?")),
            ("Entry", _text(failure.get("entry") or "?")),
            ("Statement", _code(failure.get("statement") or "?")),
        ]
    body = status + _facts("What was verified", rows)
    if flagged:
        body += _tag(
            "p",
            _text(
                f"{plural(len(flagged), 'approval')} made without a rescan of the bytes where "
                "the policy required one: flagged, and not counted by any decision."
            ),
            class_="status warn",
        )
        body += _table(
            "Flagged approvals",
            ("Entry", "Time (UTC)", "Official", "What", "Why"),
            (
                [
                    _text(e.position),
                    _text(e.when),
                    _text(", ".join(e.who)),
                    _text(e.text),
                    _text(e.details["flag"]),
                ]
                for e in flagged
            ),
        )
    return _section("verdict", body)


_KINDS = {
    "adoption": "Policy adoptions",
    "request": "Requests",
    "signoff": "Sign-offs",
    "revocation": "Revocations",
    "export": "Exports",
    "redaction": "Redactions",
    "blocked": "Refused at the web gate",
    "incident-open": "Incidents opened",
    "incident-close": "Incidents closed",
}


def _policies(events: Sequence[Event]) -> str:
    adoptions = [e for e in events if e.kind == "adoption"]
    if not adoptions:
        return _section("policies", _tag("p", "No policy was ever adopted."))
    parts = []
    before: dict[str, dict[str, Any]] = {}
    for event in adoptions:
        policy, roster = event.details["policy"], event.details["roster"]
        officials = {o["id"]: o for o in roster["officials"]}
        heading = (
            f"Policy {policy['id']} v{policy['version']}, roster v{roster['version']}: "
            f"adopted {event.when}"
        )
        changes = []
        if before:
            added = sorted(set(officials) - set(before))
            removed = sorted(set(before) - set(officials))
            changed = sorted(i for i in set(officials) & set(before) if officials[i] != before[i])
            for words, ids in (("added", added), ("removed", removed), ("changed", changed)):
                if ids:
                    changes.append(f"{words}: {', '.join(ids)}")
        summary = [
            ("Signed by", _text(", ".join(event.who))),
            ("Statement", _id(event.id)),
            ("Entry", _text(event.position)),
            ("Admin signatures to change it", _text(roster["admin_threshold"])),
            ("Officials", _text(len(officials))),
            (
                "Changes to the roster",
                _text("; ".join(changes) or ("none" if before else "the first roster")),
            ),
        ]
        table = _table(
            f"Roster v{roster['version']}: officials",
            ("Official", "Name", "Roles", "Valid from", "Valid until"),
            (
                [
                    _code(o["id"]),
                    _text(o["name"]),
                    _text(", ".join(o["roles"])),
                    _text(o.get("valid_from") or "always"),
                    _text(o.get("valid_until") or "no end"),
                ]
                for o in roster["officials"]
            ),
        )
        parts.append(
            _tag(
                "article",
                _tag("h3", _text(heading)) + _facts("The adoption", summary) + table,
                class_="adoption",
            )
        )
        before = officials
    return _section("policies", "".join(parts))


def _artifacts(events: Sequence[Event]) -> str:
    """Each file the ledger speaks of, with every statement about it in order: requests,
    sign-offs, revocations of either, exports and redactions."""
    by_sha: dict[str, list[Event]] = {}
    names: dict[str, str] = {}
    targets: dict[str, str] = {}  # statement id -> the file it is about (for revocations)
    for event in events:
        if event.kind == "adoption":
            continue
        for sha in event.artifacts:
            by_sha.setdefault(sha, []).append(event)
            targets.setdefault(event.id, sha)
        artifact = event.details.get("artifact") or event.details.get("source")
        if isinstance(artifact, dict) and artifact.get("sha256") and artifact.get("name"):
            names.setdefault(artifact["sha256"], artifact["name"])
        derivative = event.details.get("derivative")
        if isinstance(derivative, dict) and derivative.get("name"):
            names.setdefault(derivative["sha256"], derivative["name"])
    if not by_sha:
        return _section("artifacts", _tag("p", "No file was ever requested or exported."))
    parts = []
    for sha, chain in by_sha.items():
        exports = sum(1 for e in chain if e.kind == "export")
        heading = f"{names.get(sha, 'a file')}: {plural(exports, 'export')}"
        rows = (
            [
                _text(e.position),
                _text(e.when),
                _text(_STEP.get(e.kind, e.kind)),
                _text(", ".join(e.who)),
                _text(e.text),
                _id(e.id),
            ]
            for e in chain
        )
        parts.append(
            _tag(
                "article",
                _tag("h3", _text(heading))
                + _tag("p", "sha256 " + _code(sha), class_="sha")
                + _table(
                    "Every statement about this file, in ledger order",
                    ("Entry", "Time (UTC)", "Step", "By", "What", "Statement"),
                    rows,
                ),
                class_="artifact",
            )
        )
    return _section("artifacts", "".join(parts))


_STEP = {
    "request": "request",
    "signoff": "sign-off",
    "revocation": "revocation",
    "export": "export",
    "redaction": "redaction",
    "blocked": "refused at the gate",
}


def _refusals(events: Sequence[Event]) -> str:
    refusals = [e for e in events if e.kind == "signoff" and e.details.get("decision") == "reject"]
    revocations = [e for e in events if e.kind == "revocation"]
    body = ""
    if not refusals and not revocations:
        body = _tag("p", "No official refused a request, and nothing was revoked.")
    if refusals:
        body += _table(
            "Refusals",
            ("Entry", "Time (UTC)", "Official", "Role", "Request", "Comment"),
            (
                [
                    _text(e.position),
                    _text(e.when),
                    _text(", ".join(e.who)),
                    _text(e.details.get("role", "")),
                    _id(e.details.get("request", "")),
                    _text(e.details.get("comment") or ""),
                ]
                for e in refusals
            ),
        )
    if revocations:
        body += _table(
            "Revocations",
            ("Entry", "Time (UTC)", "By", "What", "Reason"),
            (
                [
                    _text(e.position),
                    _text(e.when),
                    _text(", ".join(e.who)),
                    _text(e.text),
                    _text(e.details.get("reason", "")),
                ]
                for e in revocations
            ),
        )
    return _section("refusals", body)


def _incidents(events: Sequence[Event]) -> str:
    """Each incident: when found, time to contain and to notify, and its statements."""
    from approval.incident.timeline import duration

    by_incident: dict[str, list[Event]] = {}
    for e in events:
        if e.kind.startswith("incident-"):
            by_incident.setdefault(str(e.details["incident"]), []).append(e)
    if not by_incident:
        return _section("incidents", _tag("p", "No incident was opened."))
    parts = []
    for incident, own in by_incident.items():
        found = str(own[0].details["found"])
        spans: dict[str, str] = {}
        for e in own:
            step, after = e.details.get("step"), e.details.get("after_found_seconds")
            if step in ("taken-down", "persons-notified") and step not in spans:
                spans[str(step)] = duration(timedelta(seconds=int(after or 0)))
        closed = [e for e in own if e.kind == "incident-close"]
        facts = [
            ("Found", _text(found)),
            ("Status", _text("closed" if closed else "open")),
            ("Time to contain (found to taken down)", _text(spans.get("taken-down", "-"))),
            (
                "Time to notify (found to persons notified)",
                _text(spans.get("persons-notified", "-")),
            ),
        ]
        rows = (
            [_text(e.position), _text(e.when), _text(", ".join(e.who)), _text(e.text)] for e in own
        )
        parts.append(
            _facts(f"Incident {short_id(incident)}", facts)
            + _table(
                f"Incident {short_id(incident)}: its statements",
                ("Entry", "Time (UTC)", "By", "What"),
                rows,
            )
        )
    return _section("incidents", "".join(parts))


def _timeline(events: Sequence[Event]) -> str:
    if not events:
        return _section("timeline", _tag("p", "The ledger holds no statements."))
    table = _table(
        "Every statement, in ledger order",
        ("Entry", "Time (UTC)", "Kind", "By", "What", "Statement"),
        (
            [
                _text(e.position),
                _text(e.when),
                _text(e.kind),
                _text(", ".join(e.who)),
                _text(e.text),
                _id(e.id),
            ]
            for e in events
        ),
        class_="timeline",
    )
    return _section("timeline", table)


def _verify(facts: AuditFacts) -> str:
    head = facts.head or "HEAD"
    steps = [
        (
            "Check every signature with OpenSSH alone (8.9 or newer), without this tool: export "
            "the statements, their signatures and the officials' keys, then run the script "
            "that calls ssh-keygen -Y verify on each.",
            "approval audit --export audit-bundle/\nsh audit-bundle/verify.sh",
        ),
        (
            "Or check one statement by hand: each line of verify.sh is this command, with the "
            "signer, the signature and the time the statement says it was made.",
            f"ssh-keygen -Y verify -f allowed_signers -I SIGNER -n {facts.namespace} \\\n"
            "    -s NNNNNN-KIND-ID.json.sig -Overify-time=TIME < NNNNNN-KIND-ID.json",
        ),
        (
            "Replay every rule (roles, thresholds, policy versions, the append-only history) "
            "on a copy of the ledger, and pin the head this report was made at: the command "
            "fails if the copy's history does not contain it.",
            f"git clone --mirror LEDGER-URL ledger-copy.git\n"
            f"approval audit --ledger ledger-copy.git --expect-head {head}",
        ),
        (
            "Read the history with git alone: each statement is one JSON file, each commit "
            "one statement.",
            "git --git-dir ledger-copy.git log --stat refs/heads/ledger",
        ),
    ]
    items = "".join(
        _tag("li", _tag("p", _text(words)) + _tag("pre", _tag("code", _text(command))))
        for words, command in steps
    )
    return _section(
        "verify",
        _tag(
            "p",
            f"This report was made from the ledger at commit {_code(head)}. Anyone can check "
            "what it says without trusting it, or this tool:",
        )
        + _tag("ol", items),
    )


# Colours: every text/background pair has a contrast of at least 7:1.
_CSS = """
:root { color-scheme: light; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a;
  background: #ffffff; margin: 0 auto; max-width: 72rem; padding: 1.5rem; }
h1 { font-size: 1.8rem; margin: 0 0 .5rem; }
h2 { font-size: 1.4rem; margin: 2rem 0 .75rem; border-bottom: 2px solid #1a1a1a; }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; overflow-wrap: anywhere; }
.lead { color: #333333; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  font-size: .9em; overflow-wrap: anywhere; }
pre { background: #f3f3f3; color: #1a1a1a; padding: .75rem; white-space: pre-wrap; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border: 1px solid #6b6b6b; padding: .3rem .5rem; text-align: left;
  vertical-align: top; overflow-wrap: anywhere; }
thead th { background: #e6e6e6; color: #1a1a1a; }
tbody th { background: #f3f3f3; color: #1a1a1a; font-weight: 600; width: 16rem; }
.status { padding: .75rem 1rem; border-left: .5rem solid; }
.ok { background: #e6f4ea; color: #0b3d1a; border-color: #0b3d1a; }
.fail { background: #fde8ea; color: #5c0010; border-color: #5c0010; }
.warn { background: #fff4d6; color: #3d2c00; border-color: #3d2c00; }
a { color: #00338a; }
nav ol { columns: 2; }
article { page-break-inside: auto; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  .status, thead th, tbody th, pre { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: #1a1a1a; text-decoration: none; }
}
@page { margin: 15mm; }
"""
