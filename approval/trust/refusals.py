"""Refused before: the earlier refusals of a file like the one under review: pure.

An official refuses a file; the publisher changes one byte and asks again, and the new request
(other bytes, so another sha256) would look fresh to the next official. So a review, the inbox
and ``status`` say when an earlier request was refused for a file with the same name, or whose
scan found the same (the same data classes with the same person counts, and the same findings
by class, detector and count: what one changed byte that is not protected data leaves as it
was). It is information for the official, not a block: the regulation lets them approve a
corrected file. A rejection that was withdrawn is no longer a refusal, and a rejection of the
same bytes already blocks them (the decision says so), so neither is listed here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from approval.statements import short_id
from approval.trust.state import LedgerState, Request, SignOff

SAME_NAME = "same name"
SAME_FINDINGS = "same findings"


@dataclass(frozen=True)
class PriorRefusal:
    """An earlier request that was refused, and why it is like this one."""

    request: Request
    signoff: SignOff  # the rejection
    alike: tuple[str, ...]  # SAME_NAME, SAME_FINDINGS

    def line(self, name: str | None = None, reason: str | None = None) -> str:
        """``refused before: <name> <sha short> by <official> on <date>: <reason>``; ``name``
        and ``reason`` as a screen may show them (the recorded ones by default)."""
        shown = name if name is not None else self.request.artifact.name
        why = reason if reason is not None else self.signoff.comment
        return (
            f"refused before: {shown} {short_id(self.request.sha256)} by {self.signoff.signer} "
            f"on {self.signoff.at:%Y-%m-%d}: {why or 'no reason given'}"
        )


def findings_key(scan: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """What a scan found, without where: the classes with their person counts, and each
    finding's class, detector and count, as a sorted tuple; None when it found nothing to
    compare (a clean or unreadable summary), which matches nothing."""
    classes = scan.get("classes")
    findings = scan.get("findings")
    if not isinstance(classes, Mapping) or not isinstance(findings, list) or not findings:
        return None
    try:
        persons = tuple(sorted((str(c), int(v.get("records", 0))) for c, v in classes.items()))
        found = tuple(
            sorted((str(f["class"]), str(f["detector"]), int(f["count"])) for f in findings)
        )
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
    return (scan.get("verdict"), persons, found)


def refused_before(
    state: LedgerState,
    *,
    name: str,
    sha256: str,
    scan: Mapping[str, Any] | None,
    at: datetime,
    request_id: str | None = None,
) -> tuple[PriorRefusal, ...]:
    """The live rejections of earlier requests for other bytes with the same ``name`` or the
    same findings (:func:`findings_key` of ``scan``), oldest first, each rejection once.
    ``request_id``: the request under review, never its own refusal; ``at``: the time it is
    asked at (a rejection revoked by then is left out)."""
    key = findings_key(scan) if scan is not None else None
    found: list[PriorRefusal] = []
    for record in state.records():
        if not isinstance(record, SignOff) or record.approves or record.at > at:
            continue
        request = state.get(record.request)
        if not isinstance(request, Request):
            continue
        if request.id == request_id or request.sha256 == sha256:
            continue
        alike = tuple(
            why
            for why, same in (
                (SAME_NAME, request.artifact.name == name),
                (SAME_FINDINGS, key is not None and findings_key(request.scan) == key),
            )
            if same
        )
        if alike and not state.is_revoked(record.id, at):
            found.append(PriorRefusal(request, record, alike))
    return tuple(found)  # ledger order: oldest first
