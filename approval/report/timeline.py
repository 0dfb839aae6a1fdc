"""The ledger told as events an auditor reads: who did what, when, to which file. Pure.

``describe`` turns one verified record into an :class:`Event`: a sentence (``o.privacy approved
request 3f9c2a7d41e0 (stats.xlsx) as privacy-officer``) and the facts behind it as JSON-ready
data. Events are what the timeline prints, what ``--format json`` lists and what the index
stores for ``--artifact``. They never hold a value from a scanned file: the ledger holds none.
"""

from __future__ import annotations

from typing import Any

from approval.report.event import Event
from approval.statements import format_time, short_id
from approval.trust.incidents import RECORDS as INCIDENT_RECORDS
from approval.trust.state import (
    Adoption,
    Artifact,
    Blocked,
    Export,
    LedgerState,
    Record,
    Redaction,
    Request,
    Revocation,
    SignOff,
)
from approval.trust.witness import Checkpoint
from approval.words import plural


def describe(record: Record, state: LedgerState, position: int, commit: str) -> Event:
    """The event for ``record`` (already applied to ``state``)."""
    if isinstance(record, Adoption):
        return _adoption(record, state, position, commit)
    if isinstance(record, Request):
        return _request(record, position, commit)
    if isinstance(record, SignOff):
        return _signoff(record, state, position, commit)
    if isinstance(record, Revocation):
        return _revocation(record, state, position, commit)
    if isinstance(record, Export):
        return _export(record, state, position, commit)
    if isinstance(record, Blocked):
        return _blocked(record, position, commit)
    if isinstance(record, INCIDENT_RECORDS):
        from approval.report.incident import describe_incident

        return describe_incident(record, state, position, commit)
    if isinstance(record, Checkpoint):
        return _checkpoint(record, position, commit)
    return _redaction(record, position, commit)


def _checkpoint(record: Checkpoint, position: int, commit: str) -> Event:
    text = (
        f"{record.signer} vouched for the ledger's state at head {record.head[:12]} "
        f"(entry {record.count}, state sha256 {short_id(record.state_sha256)})"
    )
    details = {"head": record.head, "count": record.count, "state_sha256": record.state_sha256}
    return Event(
        position, commit, record.id, "checkpoint", record.at, (record.signer,), text, (), details
    )


def _file(artifact: Artifact) -> dict[str, Any]:
    return artifact.to_dict()


def _adoption(record: Adoption, state: LedgerState, position: int, commit: str) -> Event:
    policy, roster = record.policy, record.roster
    replaces = ""
    if record.previous is not None:
        previous = state.get(record.previous)
        if isinstance(previous, Adoption):
            replaces = f", replacing {previous.label}"
    text = (
        f"{', '.join(record.signers)} adopted {record.label} with roster v{roster.version} "
        f"({plural(len(roster.officials), 'official')}, "
        f"{plural(roster.admin_threshold, 'admin signature')} to change){replaces}"
    )
    details = {
        "policy": {"id": policy.id, "version": policy.version},
        "roster": {
            "version": roster.version,
            "admin_threshold": roster.admin_threshold,
            "officials": [
                {
                    "id": o.id,
                    "name": o.name,
                    "roles": list(o.roles),
                    "valid_from": format_time(o.valid_from) if o.valid_from else None,
                    "valid_until": format_time(o.valid_until) if o.valid_until else None,
                }
                for o in roster.officials
            ],
        },
        "previous": record.previous,
    }
    return Event(
        position, commit, record.id, "adoption", record.at, record.signers, text, (), details
    )


def scan_words(scan: dict[str, Any], hidden: list[str] | None = None) -> str:
    """``protected: protected-person 12 persons; hidden: sheet Sheet2`` (``hidden``: its
    ``hidden_parts``, when the caller has them)."""
    parts = [str(scan.get("verdict"))]
    classes = scan.get("classes", {})
    if classes:
        parts.append(
            ", ".join(
                f"{c} {plural(info.get('records', 0), 'person')}" for c, info in classes.items()
            )
        )
    if hidden is None:
        hidden = hidden_parts(scan)
    if hidden:
        parts.append("hidden: " + ", ".join(hidden))
    if scan.get("reason"):
        parts.append(str(scan["reason"]))
    return "; ".join(parts)


def hidden_parts(scan: dict[str, Any]) -> list[str]:
    """The hidden sheets or parts where the scan found something."""
    found: dict[str, None] = {}
    for finding in scan.get("findings", []):
        location = finding.get("location", {})
        if location.get("hidden"):
            for key in ("part", "sheet"):
                if location.get(key):
                    found[f"{key} {location[key]}"] = None
                    break
    return list(found)


def _request(record: Request, position: int, commit: str) -> Event:
    artifact = record.artifact
    scan = record.scan
    hidden = hidden_parts(scan)
    text = (
        f"{record.requester} requested approval to export {artifact.name} "
        f"(sha256 {short_id(artifact.sha256)}) to {record.destination}: request "
        f"{short_id(record.id)} ({scan_words(scan, hidden)})"
    )
    details = {
        "artifact": _file(artifact),
        "purpose": record.purpose,
        "destination": record.destination,
        "policy": {"id": record.policy_id, "version": record.policy_version},
        "scan": {
            "verdict": scan.get("verdict"),
            "format": scan.get("format"),
            "classes": {c: info.get("records", 0) for c, info in scan.get("classes", {}).items()},
            "hidden": hidden,
            "findings": len(scan.get("findings", [])),
            **({"reason": scan["reason"]} if scan.get("reason") else {}),
        },
    }
    return Event(
        position,
        commit,
        record.id,
        "request",
        record.at,
        (record.requester,),
        text,
        (artifact.sha256,),
        details,
    )


def _request_name(state: LedgerState, request_id: str) -> str:
    request = state.get(request_id)
    return request.artifact.name if isinstance(request, Request) else "?"


def _signoff(record: SignOff, state: LedgerState, position: int, commit: str) -> Event:
    name = _request_name(state, record.request)
    on = f"request {short_id(record.request)} ({name}) as {record.role}"
    text = f"{record.signer} {'approved' if record.approves else 'refused'} {on}"
    if record.comment:
        text += f": {record.comment}"
    details: dict[str, Any] = {
        "request": record.request,
        "artifact": {"sha256": record.artifact_sha256, "name": name},
        "decision": record.decision,
        "role": record.role,
        "comment": record.comment,
        "rescanned": record.rescanned,
    }
    flag = unrescanned_flag(record, state)
    if flag is not None:
        text += f" [FLAG: {flag}]"
        details["flag"] = flag
    return Event(
        position,
        commit,
        record.id,
        "signoff",
        record.at,
        (record.signer,),
        text,
        (record.artifact_sha256,),
        details,
    )


def unrescanned_flag(record: SignOff, state: LedgerState) -> str | None:
    """Why an approval made without a rescan of the bytes is flagged: a rule of the policy in
    force when it was made, for its request's classes and role, needs one (so it never
    counts); None when nothing needed one."""
    request = state.get(record.request)
    if not record.approves or record.rescanned or not isinstance(request, Request):
        return None
    if not state.adoptions:
        return None
    rules = [
        rule.id
        for rule in state.current.policy.rules_for(request.classes)
        if rule.require_rescan and record.role in rule.roles
    ]
    if not rules:
        return None
    return (
        f"approved without a rescan of the bytes, where {', '.join(rules)} requires one: "
        "it does not count"
    )


def _revocation(record: Revocation, state: LedgerState, position: int, commit: str) -> Event:
    target = state.get(record.target)
    if isinstance(target, SignOff):
        word = "approval" if target.approves else "refusal"
        whose = "their own" if target.signer == record.signer else f"{target.signer}'s"
        what = (
            f"{whose} {word} ({short_id(target.id)}) of request "
            f"{short_id(target.request)} ({_request_name(state, target.request)})"
        )
        sha = target.artifact_sha256
    elif isinstance(target, Request):
        whose = "their own" if target.requester == record.signer else f"{target.requester}'s"
        what = f"{whose} request {short_id(target.id)} ({target.artifact.name})"
        sha = target.sha256
    else:  # the state refuses any other target
        what, sha = short_id(record.target), ""
    text = f"{record.signer} revoked {what}: {record.reason}"
    details = {"target": record.target, "reason": record.reason}
    return Event(
        position,
        commit,
        record.id,
        "revocation",
        record.at,
        (record.signer,),
        text,
        (sha,) if sha else (),
        details,
    )


def _export(record: Export, state: LedgerState, position: int, commit: str) -> Event:
    artifact = record.artifact
    used = [s for i in record.signoffs if isinstance(s := state.get(i), SignOff)]
    # By time, then ledger order (statements carry whole seconds): the same as the decision's.
    order = {s.id: i for i, s in enumerate(state.signoffs_for(record.request or ""))}
    used.sort(key=lambda s: (s.at, order.get(s.id, 0), s.id))
    signers = [f"{s.signer} ({s.role})" for s in used]
    text = (
        f"{record.signer} exported {artifact.name} (sha256 {short_id(artifact.sha256)}) "
        f"to {record.destination}"
    )
    if record.request is None:
        text += ", needing no approval"
    else:
        text += f" on request {short_id(record.request)}"
        if signers:
            text += f", approved by {', '.join(signers)}"
    details = {
        "artifact": _file(artifact),
        "destination": record.destination,
        "request": record.request,
        "signoffs": list(record.signoffs),
        "policy": {"id": record.policy_id, "version": record.policy_version},
    }
    return Event(
        position,
        commit,
        record.id,
        "export",
        record.at,
        (record.signer,),
        text,
        (artifact.sha256,),
        details,
    )


def _redaction(record: Redaction, position: int, commit: str) -> Event:
    source, derivative = record.source, record.derivative
    removed = f"removing {plural(len(record.removed), 'part')}"
    text = (
        f"{record.signer} redacted {source.name} (sha256 {short_id(source.sha256)}) into "
        f"{derivative.name} (sha256 {short_id(derivative.sha256)}), {removed}"
    )
    details = {
        "source": _file(source),
        "derivative": _file(derivative),
        "removed": list(record.removed),
    }
    return Event(
        position,
        commit,
        record.id,
        "redaction",
        record.at,
        (record.signer,),
        text,
        (source.sha256, derivative.sha256),
        details,
    )


def _blocked(record: Blocked, position: int, commit: str) -> Event:
    artifact = record.artifact
    why = f"{record.verdict}" + (f": {record.reason}" if record.reason else "")
    if record.verdict == "protected" and record.reason:
        why = f"protected without approval: {record.reason}"
    text = (
        f"the web gate at {record.site} refused {artifact.name} "
        f"(sha256 {short_id(artifact.sha256)}; {why}), recorded by {record.signer}"
    )
    details = {
        "artifact": _file(artifact),
        "verdict": record.verdict,
        "site": record.site,
        "reason": record.reason,
    }
    return Event(
        position,
        commit,
        record.id,
        "blocked",
        record.at,
        (record.signer,),
        text,
        (artifact.sha256,),
        details,
    )
