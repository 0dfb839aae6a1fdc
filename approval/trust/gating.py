"""What a gate makes of a scan and the ledger's decision, shared by ``approval check`` and
``approval serve``: the classes the decision is asked about, the status the file gets, and
until when a decision taken now stands (``next_change``).

``decide`` is a pure function of (policy, roster, statements, artifact, time): a gate that
keeps a decision must know the next moment at which the time alone could change it. The time
enters ``decide`` only through comparisons with

- a statement's own time: a request, a sign-off, a revocation or an adoption dated ahead of the
  decision (a clock up to ``CLOCK_SKEW`` ahead is accepted) counts from that moment, and the
  adoption in force decides which roster names a key compromised;
- an official's ``valid_from`` and ``valid_until`` in a roster;
- a sign-off's time plus a rule's validity: an approval expires.

``next_change`` is the earliest of those after the decision's time. It may be earlier than the
decision's real change (a sign-off the rules would not count, an official who signed nothing):
deciding again too early costs one decision; too late would keep an approval that is gone.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from approval.detect.report import CLEAN, UNSCANNABLE, FileReport

if TYPE_CHECKING:
    from approval.trust.decision import Decision
    from approval.trust.state import LedgerState

CLEAN_WORD, APPROVED, BLOCKED = "clean", "approved", "blocked"


def classes_of(report: FileReport) -> list[str]:
    """The classes a gate asks the decision about: the scan's, and ``unscannable`` for a file
    the scanner could not read (it has rules of its own: fail closed)."""
    return [*report.classes, *([UNSCANNABLE] if report.verdict == UNSCANNABLE else [])]


def status_of(report: FileReport, decision: Decision | None) -> str:
    """A file's status at a gate: ``clean`` (no approval needed), ``approved`` (the decision
    allows it) or ``blocked`` (no ledger, or the ledger does not allow it)."""
    if report.verdict == CLEAN:
        return CLEAN_WORD
    if decision is not None and decision.allowed:
        return APPROVED
    return BLOCKED


def next_change(state: LedgerState, at: datetime) -> datetime | None:
    """The earliest moment after ``at`` at which ``decide`` on ``state`` (any artifact whose
    statements ``state`` holds) could answer otherwise than at ``at``; None when no time
    ahead can change it (see the module doc). ``state`` may be a slice: it holds every
    adoption and the statements about its artifacts."""
    return min(_moments_after(state, at), default=None)


def _moments_after(state: LedgerState, at: datetime) -> Iterator[datetime]:
    from approval.trust.state import SignOff

    adoptions = state.adoptions
    validities = {rule.validity for adoption in adoptions for rule in adoption.policy.rules}
    for adoption in adoptions:
        for official in adoption.roster.officials:
            for edge in (official.valid_from, official.valid_until):
                if edge is not None and edge > at:
                    yield edge
    for record in state.records():
        if record.at > at:
            yield record.at
        if isinstance(record, SignOff) and record.approves:
            for validity in validities:
                if record.at + validity > at:
                    yield record.at + validity
