"""The decision: may this artifact leave at this time? A pure function of the ledger state.

``decide`` returns ``Decision(allowed=True, used=...)`` with the sign-offs it counted, or
``allowed=False`` with each missing role, rejection and not-counted sign-off in words.

Rules, and the choices made where the issue left room:

- The policy and roster are the ones in force at ``at`` (``LedgerState.adoption_at``); only
  statements created at or before ``at`` count, so an auditor can ask about any past moment
  from one replayed state. A clock that lags fails closed (blocked a little longer).
- A sign-off binds one request, which binds the artifact's sha256 and the adoption it was made
  under (DESIGN.md invariant 2): approvals count only when that adoption is the one in force,
  or one that a roster-only adoption replaced (same policy: ``LedgerState.same_policy``), so
  that replacing a lost key keeps every standing approval (issue 14).
- Each sign-off is judged by the roster in force when it entered the ledger (``SignOff.under``):
  its official held the role there, with a valid key. An official a later roster removes signs
  nothing new (the ledger refuses it), but what they approved while designated keeps counting
  until it expires, as a removed key's past signatures do in TUF: a privacy officer expects an
  authorisation given in office to stand, and withdraws it on purpose (``approval revoke``, by a
  privacy-officer or an admin) or names the key compromised. An official still in the roster in
  force must still be valid at the decision's time: an approval dated back into a window that
  has ended must not count (the signer chooses ``created``; removal is a ledger event).
- A statement made with a key the roster in force names compromised, at or after the stated
  time, counts for nothing: not an approval, a rejection, a request, nor a revocation
  (``LedgerState.compromised``); what the key signed before counts as before.
- Each required slot is filled by an approval under that role from an official who held the
  role as above, not revoked, not older than ``rule.valid_days``, not the requester
  (unless ``rule.requester_may_sign``). With ``distinct_signers`` an official fills at most one
  slot per rule, found by a maximum bipartite matching (officials may hold several roles); the
  same official may count for two different rules.
- A rejection blocks the *artifact* (every request for the same sha256), not only its request,
  while it is not revoked: otherwise a publisher could request again and ask other officials.
  It blocks each applicable rule with ``rejection_blocks`` that requires the role it was made
  under. Rejections do not expire, and count whatever adoption their request was made under.
  A withdrawal of someone else's rejection by an official who requested those bytes (before or
  after withdrawing it) does not count (``LedgerState.revocation_of``): an admin may not
  overrule the refusal that blocks their own request.
- Several requests for one artifact: the most recent one that allows is used, else the most
  recent one, and a reason says so.
- Given the gate's own scan of the bytes (``found``: check, status, serve and export all pass
  it), a request counts only for what its summary describes: officials approve that
  description, and a patched requester's client writes what it likes there (one person where
  the bytes hold forty, a class left out). A request whose summary the scan exceeds
  (``summaries.exceeds``) allows nothing, whatever its sign-offs; another request for the same
  bytes that describes them still can. A decision without a scan (the ledger's replay of an
  export, the review of a request) has only the request's summary and judges by it.

``check_signoff`` is the pre-check ``approval sign`` makes before appending: the requester
trying to approve is refused with ``BlockedError`` (exit 1, the policy forbids it), every other
refusal is a ``UsageError`` (exit 2). The other pre-checks are in ``approval.trust.state``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from approval.errors import BlockedError, UsageError
from approval.policy import UNSCANNABLE, Rule
from approval.statements import format_time, short_id
from approval.statements.kinds import built as _built
from approval.trust.state import (
    Adoption,
    LedgerState,
    Request,
    SignOff,
    a,
    active_official,
    check_clock,
    day,
)
from approval.trust.summaries import exceeds
from approval.words import plural

# What a rule with ``require_rescan`` needs of each approval, in the words decisions use.
RESCANNED = "a sign-off made after a rescan of the bytes"

# How the reason begins when a file holds more than its request describes (``held_to``).
_BEYOND = "the file holds more than request"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    request: Request | None
    used: tuple[SignOff, ...]
    missing: tuple[str, ...]  # one role per slot still to fill
    reasons: tuple[str, ...]  # in words a user understands
    expires: datetime | None = None  # when allowed: the earliest expiry of a used approval
    adoption: Adoption | None = None  # the policy and roster the decision was made under
    rules: tuple[Rule, ...] = ()  # the rules that applied
    # The facts behind a refusal, which the hints that say what would unblock it read (never
    # working them out again): the rejections that block, the approvals that no longer count
    # for their age, and those that do not count for want of a rescan.
    rejections: tuple[SignOff, ...] = ()
    expired: tuple[SignOff, ...] = ()
    unrescanned: tuple[SignOff, ...] = ()
    # What the gate's scan found beyond the request's summary, when that is what refuses.
    beyond: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The decision as JSON-ready data (``status --format json``)."""
        return {
            "allowed": self.allowed,
            "request": self.request.id if self.request else None,
            "policy": (
                {"id": self.adoption.policy.id, "version": self.adoption.policy.version}
                if self.adoption
                else None
            ),
            "rules": [r.id for r in self.rules],
            "used": [
                {"id": s.id, "signer": s.signer, "role": s.role, "at": format_time(s.at)}
                for s in self.used
            ],
            "missing": list(self.missing),
            "reasons": list(self.reasons),
            "expires": format_time(self.expires) if self.expires else None,
        }


def _slots(rule: Rule) -> list[str]:
    return [q.role for q in rule.require for _ in range(q.count)]


def _missing_words(missing: Sequence[str]) -> list[str]:
    counts: dict[str, int] = {}
    for role in missing:
        counts[role] = counts.get(role, 0) + 1
    return [
        f"missing: a sign-off as {role}" if n == 1 else f"missing: {n} sign-offs as {role}"
        for role, n in counts.items()
    ]


def _merge_missing(per_rule: Iterable[Sequence[str]]) -> tuple[str, ...]:
    """One official may fill the same role in two rules: a role is missing as often as the rule
    that misses it most."""
    most: dict[str, int] = {}
    for missing in per_rule:
        for role in dict.fromkeys(missing):
            most[role] = max(most.get(role, 0), missing.count(role))
    return tuple(role for role, n in most.items() for _ in range(n))


def _match(rule: Rule, eligible: Sequence[SignOff]) -> list[SignOff | None]:
    """The sign-off filling each slot of ``rule`` (None: unfilled), most slots filled.

    Kuhn's augmenting paths over units: officials with ``distinct_signers``, else sign-offs.
    Units are tried newest first, so the approvals that expire last are used, and the result
    does not depend on ledger order.
    """
    units: dict[str, dict[str, SignOff]] = {}
    for signoff in eligible:
        # Without distinct signers one official may fill several slots, but each under a
        # different role: a second approval by the same official as the same role is a
        # duplicate (clones make them), never a second signature.
        unit = signoff.signer if rule.distinct_signers else f"{signoff.signer}\0{signoff.role}"
        held = units.setdefault(unit, {})
        best = held.get(signoff.role)
        if best is None or (signoff.at, signoff.id) > (best.at, best.id):
            held[signoff.role] = signoff
    order = sorted(units, key=lambda u: (max(s.at for s in units[u].values()), u), reverse=True)
    slots = _slots(rule)
    assigned: dict[str, int] = {}  # unit -> slot index

    def place(slot: int, visited: set[str]) -> bool:
        for unit in order:
            if unit in visited or slots[slot] not in units[unit]:
                continue
            visited.add(unit)
            if unit not in assigned or place(assigned[unit], visited):  # noqa: F821 - deleted after
                assigned[unit] = slot
                return True
        return False

    for slot in range(len(slots)):
        place(slot, set())
    # A function that calls itself holds itself (its closure cell): a cycle, with everything it
    # sees, that only the cyclic collector would free (~50k objects an audit of 20k statements).
    del place
    filled: list[SignOff | None] = [None] * len(slots)
    for unit, slot in assigned.items():
        filled[slot] = units[unit][slots[slot]]
    return filled


@dataclass(frozen=True)
class _RuleResult:
    used: tuple[tuple[SignOff, datetime], ...]  # sign-off and when it expires under the rule
    missing: tuple[str, ...]
    notes: tuple[str, ...]
    expired: tuple[SignOff, ...] = ()
    unrescanned: tuple[SignOff, ...] = ()


def _evaluate_rule(
    rule: Rule, request: Request, adoption: Adoption, approvals: Sequence[SignOff], at: datetime
) -> _RuleResult:
    notes: list[str] = []
    eligible: list[SignOff] = []
    expired: list[SignOff] = []
    unrescanned: list[SignOff] = []
    roles, validity = rule.roles, rule.validity  # properties, computed once here
    for signoff in approvals:
        if signoff.role not in roles:
            continue
        who = signoff.signer
        own = _own_approval(rule, request, signoff)
        if own is not None:
            notes.append(own)
            continue
        if at >= signoff.at + validity:
            notes.append(
                f"{who}'s approval expired on {day(signoff.at + validity)} "
                f"(valid {plural(rule.valid_days, 'day')})"
            )
            expired.append(signoff)
            continue
        unseen = _not_rescanned(rule, signoff)
        if unseen is not None:
            notes.append(unseen)
            unrescanned.append(signoff)
            continue
        eligible.append(signoff)
    filled = _match(rule, eligible)
    slots = _slots(rule)
    missing = tuple(role for role, s in zip(slots, filled, strict=True) if s is None)
    if rule.distinct_signers:
        by_signer = {s.signer: s for s in filled if s is not None}
        for signoff in eligible:
            taken = by_signer.get(signoff.signer)
            if signoff.role in missing and taken is not None and taken.role != signoff.role:
                notes.append(
                    f"{signoff.signer}'s approval as {signoff.role} does not count: "
                    f"{signoff.signer} already counts as {taken.role}, and each required role "
                    "needs a distinct official"
                )
    used = tuple((s, s.at + validity) for s in filled if s is not None)
    return _built(
        _RuleResult,
        {
            "used": used,
            "missing": missing,
            "notes": tuple(notes),
            "expired": tuple(expired),
            "unrescanned": tuple(unrescanned),
        },
    )


def _own_approval(rule: Rule, request: Request, signoff: SignOff) -> str | None:
    """Why a rule never counts the requester's own approval, or None."""
    if signoff.signer == request.requester and not rule.requester_may_sign:
        return (
            f"{signoff.signer}'s approval does not count: the requester cannot approve their "
            "own request"
        )
    return None


def _not_rescanned(rule: Rule, signoff: SignOff) -> str | None:
    """Why a rule never counts an approval made without a rescan, or None. The request's
    summary is what the requester's client wrote: only an official whose own client rescanned
    the bytes has seen what they approve."""
    if rule.require_rescan and not signoff.rescanned:
        return (
            f"{signoff.signer}'s approval as {signoff.role} does not count: {rule.id} needs "
            f"{RESCANNED}, and {signoff.signer} signed without one"
        )
    return None


def counts_until(state: LedgerState, signoff: SignOff) -> datetime:
    """When ``decide`` stops counting ``signoff`` for every rule of its request's policy,
    revocations aside (a report asks for those at its own moment): the latest end of validity
    among the rules that could count it (``_own_approval``, ``_not_rescanned``), cut at the end
    of its official's appointment in the roster it was signed under. ``signoff.at`` when it
    never counts (a refusal, the requester's own...). What the audit index stores."""
    request = state.get(signoff.request)
    adoption = state.get(request.adoption) if isinstance(request, Request) else None
    if not signoff.approves or not isinstance(request, Request):
        return signoff.at
    if not isinstance(adoption, Adoption):
        return signoff.at
    ends = [
        signoff.at + rule.validity
        for rule in adoption.policy.rules_for(request.classes)
        if signoff.role in rule.roles
        and _own_approval(rule, request, signoff) is None
        and _not_rescanned(rule, signoff) is None
    ]
    until = max(ends, default=signoff.at)
    signing = state.get(signoff.under) if signoff.under is not None else None
    roster = signing.roster if isinstance(signing, Adoption) else adoption.roster
    official = roster.official(signoff.signer)
    if official is not None and official.valid_until is not None:
        until = min(until, official.valid_until)
    return max(signoff.at, until)


def _not_standing(
    state: LedgerState, adoption: Adoption, signoff: SignOff, at: datetime
) -> str | None:
    """Why a sign-off counts for nothing at ``at`` whatever the rule (its key compromised, its
    official not designated: see the module doc), or None."""
    who, role = signoff.signer, signoff.role
    what = "approval" if signoff.approves else "rejection"
    since = state.compromised(signoff, at)
    if since is not None:
        return (
            f"{who}'s {what} as {role} does not count: made on {format_time(signoff.at)} with "
            f"a key reported compromised since {format_time(since)}"
        )
    signing = state.get(signoff.under) if signoff.under is not None else None
    roster = signing.roster if isinstance(signing, Adoption) else adoption.roster
    then = roster.official(who)
    if then is None or not then.holds(role) or not then.valid_at(signoff.at):
        return (
            f"{who}'s {what} as {role} does not count: {who} does not hold that role in the "
            "roster in force"
        )
    # Removed by a later roster: judged by the last roster that named them.
    official = adoption.roster.official(who) or then
    if not official.valid_at(at):
        # The signer chose ``created``: an appointment that has ended must not keep
        # counting through an approval dated back into it.
        return (
            f"{who}'s {what} does not count: {who} is no longer a designated official "
            "in the roster in force"
        )
    return None


def _rejection_words(signoff: SignOff, request: Request) -> str:
    words = f"rejected by {signoff.signer} ({signoff.role}) on {day(signoff.at)}"
    if signoff.request != request.id:
        words += f" on request {short_id(signoff.request)}"
    return words + (f": {signoff.comment}" if signoff.comment else "")


def _all_slots(rules: Sequence[Rule]) -> tuple[str, ...]:
    """Every role the rules need, as often as the rule that needs it most (what a refused
    request misses; only a refusal asks, so only a refusal computes it)."""
    return _merge_missing(_slots(r) for r in rules)


def _evaluate(
    state: LedgerState,
    adoption: Adoption,
    request: Request,
    classes: Sequence[str] | None,
    at: datetime,
) -> Decision:
    policy = adoption.policy
    rules = policy.rules_for(request.classes if classes is None else classes)
    if not rules:
        reason = f"no approval needed: no rule of {adoption.label} applies to this file"
        return Decision(True, request, (), (), (reason,), None, adoption, ())
    reasons: list[str] = []
    blocked = False
    blocking: list[SignOff] = []

    # Rejections of any request for this artifact (see the module doc).
    for other in state.requests_for(request.sha256):
        for signoff in state.signoffs_for(other.id):
            if signoff.approves or signoff.at > at:
                continue
            since = state.compromised(signoff, at)
            if since is not None:
                reasons.append(
                    f"{signoff.signer}'s rejection ({signoff.role}) does not count: made on "
                    f"{format_time(signoff.at)} with a key reported compromised since "
                    f"{format_time(since)}"
                )
                continue
            withdrawn = state.revocation_of(signoff.id, at)
            if withdrawn is not None:
                reasons.append(
                    f"{signoff.signer}'s rejection ({signoff.role}) was withdrawn by "
                    f"{withdrawn.signer} on {day(withdrawn.at)}: {withdrawn.reason}"
                )
            elif any(r.rejection_blocks and signoff.role in r.roles for r in rules):
                blocked = True
                blocking.append(signoff)
                reasons.append(_rejection_words(signoff, request))
                ignored = state.withdrawal_by_requester(signoff, at)
                if ignored is not None:
                    reasons.append(
                        f"{ignored.signer}'s withdrawal of {signoff.signer}'s rejection does not "
                        f"count: {ignored.signer} requested this file"
                    )

    revoked = state.revocation_of(request.id, at)
    if revoked is not None:
        reasons.insert(
            0,
            f"request {short_id(request.id)} was withdrawn by {revoked.signer} on "
            f"{day(revoked.at)}: {revoked.reason}",
        )
        return Decision(
            False, request, (), _all_slots(rules), tuple(reasons), None, adoption, rules,
            rejections=tuple(blocking),
        )  # fmt: skip
    since = state.compromised(request, at)
    if since is not None:
        reasons.insert(
            0,
            f"request {short_id(request.id)} was made on {format_time(request.at)} with a key "
            f"reported compromised since {format_time(since)}: request again",
        )
        return Decision(
            False, request, (), _all_slots(rules), tuple(reasons), None, adoption, rules,
            rejections=tuple(blocking),
        )  # fmt: skip

    signoffs = [s for s in state.signoffs_for(request.id) if s.at <= at]
    if not state.same_policy(request.adoption, adoption):
        verb = "approved" if any(s.approves for s in signoffs) else "requested"
        now = f"v{policy.version}" if policy.id == request.policy_id else adoption.label
        reasons.insert(
            0,
            f"{verb} under policy {request.policy_id} v{request.policy_version}; {now} is now "
            "in force: request again",
        )
        return Decision(
            False, request, (), _all_slots(rules), tuple(reasons), None, adoption, rules,
            rejections=tuple(blocking),
        )  # fmt: skip

    approvals: list[SignOff] = []
    for signoff in signoffs:
        if not signoff.approves:
            continue
        withdrawn = state.revocation_of(signoff.id, at)
        if withdrawn is not None:
            reasons.append(
                f"{signoff.signer}'s approval as {signoff.role} was revoked by "
                f"{withdrawn.signer} on {day(withdrawn.at)}: {withdrawn.reason}"
            )
        elif (why := _not_standing(state, adoption, signoff, at)) is not None:
            reasons.append(why)
        else:
            approvals.append(signoff)
    needed = {role for r in rules for role in r.roles}
    for signoff in approvals:
        if signoff.role not in needed:
            reasons.append(
                f"{signoff.signer}'s approval as {signoff.role} does not count: no rule that "
                f"applies needs {a(signoff.role)}"
            )

    results = [_evaluate_rule(rule, request, adoption, approvals, at) for rule in rules]
    missing = _merge_missing(r.missing for r in results)
    for result in results:
        reasons.extend(result.notes)
    reasons.extend(_missing_words(missing))
    expiry: dict[str, datetime] = {}
    by_id: dict[str, SignOff] = {}
    for result in results:
        for signoff, expires in result.used:
            by_id[signoff.id] = signoff
            expiry[signoff.id] = min(expires, expiry.get(signoff.id, expires))
    # Ties in time (statements carry whole seconds) go by ledger order, so output is stable.
    if len(by_id) > 1:
        position = {s.id: i for i, s in enumerate(state.signoffs_for(request.id))}
        used = tuple(sorted(by_id.values(), key=lambda s: (s.at, position.get(s.id, 0), s.id)))
    else:
        used = tuple(by_id.values())
    allowed = not blocked and not missing
    # Every field, in order (replay decides every export again: see ``_built``).
    return _built(
        Decision,
        {
            "allowed": allowed,
            "request": request,
            "used": used,
            "missing": missing,
            "reasons": tuple(dict.fromkeys(reasons)),  # a note made for two rules is said once
            "expires": min(expiry.values()) if allowed and expiry else None,
            "adoption": adoption,
            "rules": rules,
            "rejections": tuple(blocking),
            "expired": tuple(dict.fromkeys(s for r in results for s in r.expired)),
            "unrescanned": tuple(dict.fromkeys(s for r in results for s in r.unrescanned)),
            "beyond": (),
        },
    )


def classes_in(found: Mapping[str, Any]) -> tuple[str, ...]:
    """The classes a scan summary asks the decision about: its own, and ``unscannable`` for
    bytes the scanner could not read (fail closed: it has rules of its own)."""
    classes = tuple(str(c) for c in found.get("classes") or {})
    if found.get("verdict") == UNSCANNABLE and UNSCANNABLE not in classes:
        classes += (UNSCANNABLE,)
    return classes


def held_to(decision: Decision, found: Mapping[str, Any]) -> Decision:
    """``decision`` held to what its request describes: blocked when the scan summary
    ``found`` of the same bytes holds more (a class the request leaves out, more persons of a
    class, a worse verdict), since the officials approved the request's description. A
    decision blocked already keeps its reasons and gains this one."""
    request = decision.request
    if request is None or not decision.rules:
        return decision
    beyond = exceeds(request.scan, found)
    if not beyond:
        return decision
    why = (
        f"{_BEYOND} {short_id(request.id)} describes, which is what its officials approved: "
        f"{'; '.join(beyond)}"
    )
    if not decision.allowed:
        return dataclasses.replace(decision, reasons=(*decision.reasons, why))
    return dataclasses.replace(
        decision, allowed=False, used=(), expires=None, reasons=(why,), beyond=beyond
    )


def decide(
    state: LedgerState,
    artifact_sha256: str,
    at: datetime,
    *,
    classes: Iterable[str] | None = None,
    request_id: str | None = None,
    found: Mapping[str, Any] | None = None,
) -> Decision:
    """May the artifact ``artifact_sha256`` leave at ``at``?

    ``found`` is a fresh scan's summary of the bytes (``FileReport.summary()``; its
    ``verdict`` and ``classes`` are read): the gate's. It says which rules apply, and no
    request allows more than it describes (``held_to``). ``classes`` (default: those of
    ``found``) are the data classes to decide by; without either, each request's own scan
    summary says which rules apply. ``request_id`` (full or unique prefix) restricts the
    decision to one request; ``UsageError`` if it names no request.
    """
    at = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    if classes is None and found is not None:
        classes = classes_in(found)
    wanted = tuple(classes) if classes is not None else None
    adoption = state.adoption_at(at)
    if adoption is None:
        reason = f"no policy was in force on {format_time(at)}: the ledger adopted none by then"
        return Decision(False, None, (), (), (reason,))
    rules = adoption.policy.rules_for(wanted) if wanted is not None else None
    if rules == ():
        reason = f"no approval needed: no rule of {adoption.label} applies to this file"
        return Decision(True, None, (), (), (reason,), None, adoption, ())

    if request_id is not None:
        request = state.request(request_id)
        candidates: list[Request] = [request]
        problem = None
        if request.sha256 != artifact_sha256:
            problem = (
                f"request {short_id(request.id)} is for another file ({request.artifact.name}): "
                "a sign-off binds the exact bytes, so a changed file needs a new request"
            )
        elif request.at > at:
            problem = f"request {short_id(request.id)} was made after {format_time(at)}"
        if problem is not None:
            request_rules = rules or adoption.policy.rules_for(request.classes)
            missing = _merge_missing(_slots(r) for r in request_rules)
            return Decision(False, request, (), missing, (problem,), None, adoption, request_rules)
    else:
        candidates = [r for r in state.requests_for(artifact_sha256) if r.at <= at]

    if not candidates:
        missing = _merge_missing(_slots(r) for r in rules or ())
        reasons = ("no request for this file", *_missing_words(missing))
        return Decision(False, None, (), missing, reasons, None, adoption, rules or ())

    verdicts = [_evaluate(state, adoption, r, wanted, at) for r in candidates]
    if found is not None:
        verdicts = [held_to(v, found) for v in verdicts]
    allowing = [v for v in verdicts if v.allowed]
    if allowing:
        chosen = allowing[-1]
    else:
        # The live request, not a withdrawn or outdated duplicate made after it: the one whose
        # missing sign-offs are worth asking for (status, check and export name it).
        live = {r.id for r in live_requests(state, artifact_sha256, at)}
        chosen = max(
            reversed(verdicts),
            key=lambda v: v.request is not None and v.request.id in live,
        )
    if len(candidates) > 1 and chosen.request is not None:
        which = short_id(chosen.request.id)
        latest = chosen.request == candidates[-1]
        note = (
            f"allowed by request {which}, one of {len(candidates)} for this file"
            if chosen.allowed
            else f"{len(candidates)} requests for this file and none allows it; "
            + (f"this is the most recent, {which}" if latest else f"this is the live one, {which}")
        )
        # Every fact of the chosen verdict kept (the hints read its rejections, expired and
        # unrescanned approvals); only the note is added.
        chosen = dataclasses.replace(chosen, reasons=(note, *chosen.reasons))
    return chosen


def live_requests(state: LedgerState, artifact_sha256: str, at: datetime) -> tuple[Request, ...]:
    """The requests for an artifact that still stand at ``at``: not withdrawn, made under the
    adoption in force, and none of their approvals lapsed. One is enough: a second request for
    the same bytes is refused while one stands (``approval request --again`` makes one on
    purpose), since a duplicate splits the officials' sign-offs and the hints between two."""
    adoption = state.adoption_at(at)
    if adoption is None:
        return ()
    out = []
    for request in state.requests_for(artifact_sha256):
        if request.at > at or not state.same_policy(request.adoption, adoption):
            continue
        if state.compromised(request, at) is not None:
            continue
        if state.revocation_of(request.id, at) is not None:
            continue
        rules = adoption.policy.rules_for(request.classes)
        lapsed = any(
            signoff.approves
            and signoff.at <= at
            and not state.is_revoked(signoff.id, at)
            and any(signoff.role in r.roles and at >= signoff.at + r.validity for r in rules)
            for signoff in state.signoffs_for(request.id)
        )
        if not lapsed:
            out.append(request)
    return tuple(out)


def check_signoff(
    state: LedgerState,
    request_ref: str,
    official_id: str,
    role: str | None,
    decision: str,
    at: datetime,
    comment: str | None = None,
) -> tuple[Request, str]:
    """The request and role for a sign-off ``official_id`` is about to make, or why not.

    With ``role`` None, picks the one role the official holds that the request needs (preferring
    one still missing). ``BlockedError`` (exit 1) when the requester tries to approve their own
    request: the policy forbids it. ``UsageError`` (exit 2) for everything else: an unknown,
    revoked or outdated request, a role not held or not needed, a second sign-off.
    """
    if decision not in ("approve", "reject"):
        raise UsageError(f"a sign-off approves or rejects, not {decision!r}")
    check_clock(state, at)
    official = active_official(state, official_id, at)
    request = state.request(request_ref)
    label = f"request {short_id(request.id)}"
    revoked = state.revocation_of(request.id)
    if revoked is not None:
        raise UsageError(f"{label} was withdrawn by {revoked.signer} on {day(revoked.at)}")
    current = state.current
    if not state.same_policy(request.adoption, current):
        raise UsageError(
            f"{label} was made under policy {request.policy_id} v{request.policy_version}; "
            f"v{current.policy.version} is now in force",
            hint="the publisher must request again",
        )
    rules = current.policy.rules_for(request.classes)
    if official.id == request.requester and not any(r.requester_may_sign for r in rules):
        if decision == "approve":
            raise BlockedError(f"{official.id} made this request and cannot approve it")
        raise UsageError(
            f"{official.id} made this request and cannot reject it",
            hint=f"withdraw it with `approval revoke {short_id(request.id)}`",
        )
    needed = list(dict.fromkeys(q for r in rules for q in r.roles))
    if role is None:
        mine = [r for r in needed if official.holds(r)]
        if not mine:
            raise UsageError(
                f"{official.id} holds none of the roles this request needs "
                f"({', '.join(needed) or 'none'})"
            )
        if len(mine) > 1:
            still = set(decide(state, request.sha256, at, request_id=request.id).missing)
            open_roles = [r for r in mine if r in still]
            if len(open_roles) != 1:
                raise UsageError(
                    f"{official.id} holds several roles this request needs ({', '.join(mine)})",
                    hint="choose one with --role",
                )
            mine = open_roles
        role = mine[0]
    if not official.holds(role):
        raise UsageError(f"{official.id} does not hold the role {role!r}")
    if role not in needed:
        raise UsageError(
            f"this request needs no sign-off as {role} (it needs: {', '.join(needed)})"
        )
    for earlier in state.signoffs_for(request.id):
        if (
            earlier.signer == official.id
            and earlier.role == role
            and not state.is_revoked(earlier.id)
            and state.compromised(earlier) is None  # a stolen key's, which counts for nothing
        ):
            raise UsageError(
                f"{official.id} already signed this request as {role}",
                hint=f"revoke that sign-off first: `approval revoke {short_id(earlier.id)}`",
            )
    return request, role
