"""How reviews, decisions and statuses look: built from workflow results into ``Section``s."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from approval.cli.screen import Section
from approval.words import plural


def _where(location: dict[str, Any]) -> str:
    parts = []
    for key in ("part", "sheet", "column", "row", "line", "key"):
        if location.get(key) not in (None, ""):
            parts.append(f"{key} {location[key]}")
    return ", ".join(parts) or "(whole file)"


def _hidden_part(location: dict[str, Any]) -> str:
    """The hidden thing a reviewer should open: the sheet or part, not every column of it."""
    for key in ("part", "sheet"):
        if location.get(key):
            return f"{key} {location[key]}"
    return _where(location)


def scan_section(scan: dict[str, Any], title: str = "What the scan found") -> Section:
    classes = scan.get("classes", {})
    facts = [("verdict", str(scan.get("verdict")))]
    if scan.get("reason"):
        facts.append(("why unscannable", str(scan["reason"])))
    for cls, info in classes.items():
        facts.append((cls, plural(info.get("records", 0), "distinct person")))
    hidden = sorted(
        {
            _hidden_part(f["location"])
            for f in scan.get("findings", [])
            if f["location"].get("hidden")
        }
    )
    if hidden:
        facts.append(("hidden parts", "; ".join(hidden)))
    rows = [
        (
            f["class"],
            f["detector"],
            _where(f["location"]),
            "yes" if f["location"].get("hidden") else "",
            str(f["count"]),
        )
        for f in scan.get("findings", [])
    ]
    return Section(
        title,
        facts,
        ("class", "found", "where", "hidden", "count") if rows else (),
        rows,
        style="red" if scan.get("verdict") != "clean" else "green",
    )


def review_sections(review: Any) -> list[Section]:
    """The review screen an official sees before signing (``show`` and ``sign``)."""
    from approval.statements import format_time

    request = review.request
    artifact = request.artifact
    head = Section(
        f"Request {review.short}",
        [
            ("file", artifact.name),
            ("sha256", artifact.sha256),
            ("size", f"{artifact.size:,} bytes"),
            ("requester", f"{review.requester_name} ({request.requester})"),
            ("requested", format_time(request.at)),
            ("purpose", request.purpose),
            ("destination", request.destination),
            (
                "policy",
                f"{request.policy_id} v{request.policy_version} (in force: {review.policy})",
            ),
            ("request id", request.id),
        ],
    )
    sections = [head]
    seen = review.rescan
    if seen is None:
        sections.append(scan_section(request.scan))
    elif not seen.done:
        sections.append(scan_section(request.scan, "What the request says the scan found"))
        sections.append(
            Section(
                "Not rescanned: this screen shows the requester's description only",
                notes=[seen.note],
                style="yellow",
            )
        )
    elif not seen.differences:
        sections.append(scan_section(seen.summary, "What the scan found (your own rescan)"))
        sections.append(
            Section(
                "Rescanned: the request describes the bytes as your client reads them",
                [("file", str(seen.path)), ("found", seen.note)],
                style="green",
            )
        )
    else:
        sections.append(scan_section(request.scan, "What the request says the scan found"))
        sections.append(scan_section(seen.summary, "What your rescan of the bytes found"))
        contradicted = bool(seen.understated)
        title = (
            "Rescanned: the request does NOT describe the bytes; do not approve it"
            if contradicted
            else "Rescanned: the request names more than the bytes hold"
        )
        sections.append(
            Section(
                title,
                [("file", str(seen.path)), ("found", seen.note)],
                notes=[d.words for d in seen.differences],
                style="red" if contradicted else "yellow",
            )
        )
    coverage = (seen.summary if seen is not None and seen.done else request.scan).get("coverage")
    if coverage:
        sections.append(coverage_section(coverage))
    sections.append(decision_section(review.decision, review.signoffs))
    return [*sections, *refused_sections(review.refused_before)]


def refused_sections(lines: Sequence[str]) -> list[Section]:
    """The earlier refusals of files like this one (``approval.trust.refusals``): none, or one
    section for the official to read before they sign. Information, not a block."""
    if not lines:
        return []
    return [Section("Refused before: a file like this one", notes=list(lines), style="yellow")]


def coverage_section(coverage: list[dict[str, Any]]) -> Section:
    """Every part of the file the scan met: read, read as text, or unread (and why)."""
    unread = [p for p in coverage if p.get("read") == "unread"]
    # A long list ends in one "N more parts" entry (read, not listed): counted as N.
    total = sum(_more(p) if p.get("kind") == "more" else 1 for p in coverage)
    facts = [
        ("parts", str(total)),
        ("read", str(total - len(unread))),
        ("unread", str(len(unread))),
    ]
    rows = [
        (str(p.get("part", "?")), str(p.get("kind", "")), str(p.get("reason", ""))) for p in unread
    ]
    return Section(
        "Parts of the file",
        facts,
        ("unread part", "kind", "why") if rows else (),
        rows,
        style="red" if unread else "green",
    )


def _aside(line: Any) -> str:
    """Said only of the exceptions, so that the column stays narrow: a refusal blocks (the notes
    say so); an approval that is not counted says so."""
    if line.revoked:
        return " (revoked)"
    if line.signoff.decision == "approve" and not line.counted:
        return " (not counted)"
    return ""


def decision_section(decision: Any, signoffs: Any = ()) -> Section:
    from approval.statements import format_time, short_id

    rows = [
        (
            line.name + f" ({line.signoff.signer})",
            line.signoff.role,
            line.signoff.decision + _aside(line),
            format_time(line.signoff.at),
            short_id(line.signoff.id),
        )
        for line in signoffs
    ]
    title = "Sign-offs: allowed" if decision.allowed else "Sign-offs: blocked"
    # The missing roles are listed once, as a fact; the other reasons explain themselves.
    notes = [r for r in decision.reasons if not r.startswith("missing: ")]
    if decision.allowed and decision.expires is not None:
        notes.append(f"approval valid until {format_time(decision.expires)}")
    return Section(
        title,
        [("missing", ", ".join(decision.missing))] if decision.missing else [],
        ("official", "role", "decision", "at", "id") if rows else (),
        rows,
        notes,
        style="green" if decision.allowed else "yellow",
    )


def _more(part: dict[str, Any]) -> int:
    words = str(part.get("part", "")).split()
    return int(words[0]) if words and words[0].isdigit() else 1


def review_document(review: Any) -> dict[str, Any]:
    """The review screen as data (``show --format json``; ``sign`` may share it)."""
    from approval.statements import format_time

    request = review.request
    seen = review.rescan
    rescan: dict[str, Any] | None = None
    if seen is not None:
        rescan = {
            "done": seen.done,
            "file": seen.path,
            "note": seen.note,
            "differences": [d.words for d in seen.differences],
            "understated": bool(seen.understated),
            "summary": seen.summary,
        }
    return {
        "request": {
            "id": request.id,
            "file": request.artifact.name,
            "sha256": request.artifact.sha256,
            "size": request.artifact.size,
            "requester": request.requester,
            "requester_name": review.requester_name,
            "requested": format_time(request.at),
            "purpose": request.purpose,
            "destination": request.destination,
            "policy": {"id": request.policy_id, "version": request.policy_version},
            "scan": request.scan,
        },
        "policy_in_force": review.policy,
        "rescan": rescan,
        "refused_before": list(review.refused_before),
        "signoffs": [
            {
                "id": line.signoff.id,
                "signer": line.signoff.signer,
                "name": line.name,
                "role": line.signoff.role,
                "decision": line.signoff.decision,
                "at": format_time(line.signoff.at),
                "comment": line.signoff.comment,
                "counted": line.counted,
                "revoked": line.revoked,
            }
            for line in review.signoffs
        ],
        "decision": review.decision.to_dict(),
    }
