"""Replay: verify each commit's entry from the first, in order, against every rule.

For each commit read by :mod:`approval.ledger.history` (which has already checked that it adds
one new entry file on the previous commit), in this order, stopping at the first failure:

1. the file is JSON, a valid statement (schema), in canonical form;
2. it is the statement its path and commit message name (kind, time, id);
3. every signature verifies over the statement's exact signed bytes with the key it names;
4. the ``seen_head`` it names is an earlier commit of this same history (a rewritten past
   leaves later statements naming commits that are no longer there);
5. the trust rules of :class:`approval.trust.state.LedgerState` (signer in the roster in force and
   valid at ``created``, adoptions by the admin threshold of both rosters, versions rising...);
6. an export was allowed by :func:`approval.trust.decision.decide` at its own time, for its
   artifact and the classes its request's scan found, on the sign-offs it names.

Pure apart from reading the commits it is handed: no git, no files, no cache.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from approval.errors import IntegrityError
from approval.signing import SignatureError, verify
from approval.statements import NAMESPACE, Envelope, Signature, format_time, now, short_id
from approval.statements.paths import path_for
from approval.trust.decision import decide
from approval.trust.entry import Commit
from approval.trust.failure import AuditFailure, Rule
from approval.trust.shape import check_entry, parse
from approval.trust.state import Export, LedgerState, Record, SignOff, day

_ENVELOPE_KEYS = frozenset({"signatures", "statement"})


@dataclass(frozen=True)
class Verified:
    """One statement that passed every check, and what it became in the state."""

    position: int
    commit: str
    id: str
    envelope: Envelope
    signed: bytes  # the exact bytes every signature covers
    record: Record


class Replay:
    """The verifier's memory: the state so far and where each commit and statement is."""

    def __init__(self) -> None:
        self.state = LedgerState()
        self.commits: dict[str, int] = {}  # commit id -> position
        self.positions: dict[str, int] = {}  # statement id -> position
        self.signatures = 0
        # The auditor's clock: a statement dated further ahead is a forgery (or a broken clock)
        # that would block every later append.
        self.now = now()

    def run(self, commits: Iterable[Commit]) -> Iterator[Verified]:
        """Verify ``commits`` in order; ``AuditFailure`` at the first broken rule.

        The cyclic garbage collector is paused meanwhile: replay only adds records that live
        as long as the state, and each full collection walks all of them again (measured:
        ~25% of the replay at 10k statements, more as the ledger grows)."""
        paused = gc.isenabled()
        gc.disable()
        try:
            for commit in commits:
                yield self.verify(commit)
        finally:
            if paused:
                gc.enable()

    def verify(self, commit: Commit) -> Verified:
        oid, position = commit.oid, commit.position
        statement_id: str | None = None
        kind: str | None = None
        try:
            envelope, signed, statement_id, kind = self._read(commit)
            self._check_signatures(envelope, signed, oid, position)
            self._check_seen_head(envelope, oid, position)
            try:
                record = self.state.check(envelope, statement_id, now=self.now)
                if kind == "export":  # judged before it is added: a refusal leaves the state
                    assert isinstance(record, Export)
                    problem = self._export_problem(record, envelope)
                    if problem is not None:
                        raise AuditFailure(Rule.EXPORT, problem, oid, position)
                self.state.add(record)
            except IntegrityError as e:
                if isinstance(e, AuditFailure):
                    raise
                raise AuditFailure(Rule.TRUST, _without_label(e.message), oid, position) from e
        except AuditFailure as failure:
            if statement_id is not None and failure.statement is None:
                raise failure.at(statement_id, _kind_word(kind)) from failure
            raise
        self.commits[oid] = position
        self.positions[statement_id] = position
        self.signatures += len(envelope.signatures)
        return Verified(position, oid, statement_id, envelope, signed, record)

    # -- the checks -------------------------------------------------------------------------

    def _read(self, commit: Commit) -> tuple[Envelope, bytes, str, str]:
        oid, position = commit.oid, commit.position
        try:
            parsed = parse(commit.raw)
            check_entry(parsed.doc)
        except IntegrityError as e:
            raise AuditFailure(Rule.SCHEMA, f"{commit.path}: {e.message}", oid, position) from e
        doc = parsed.doc
        statement = doc["statement"]
        try:
            signed = parsed.canonical(statement)
            signatures = parsed.canonical(doc["signatures"])
        except IntegrityError as e:
            raise AuditFailure(Rule.CANONICAL, f"{commit.path} {e.message}", oid, position) from e
        canonical = b'{"signatures":%s,"statement":%s}\n' % (signatures, signed)
        if doc.keys() != _ENVELOPE_KEYS or commit.raw != canonical:
            raise AuditFailure(
                Rule.CANONICAL,
                f"{commit.path} is not in canonical form (RFC 8785 and one newline): "
                "the same statement would be stored as different bytes",
                oid,
                position,
            )
        statement_id = hashlib.sha256(signed).hexdigest()
        kind: str = statement["kind"]
        expected = path_for(statement["created"], kind, statement_id)
        problem = None
        if commit.path != expected:
            problem = (
                f"{commit.path} holds {_kind_word(kind)} {short_id(statement_id)} made "
                f"{statement['created']}, which belongs at {expected}: the file was changed "
                "after it was written"
            )
        elif commit.subject != f"{kind} {statement_id}":
            problem = f"its message names {commit.subject[:90]!r}, not the statement it adds"
        if problem is not None:
            failure = AuditFailure(Rule.ENTRY_FILE, problem, oid, position)
            raise failure.at(statement_id, _kind_word(kind))
        signers = tuple(
            [Signature(s["signer"], s["key"], s["signature"]) for s in doc["signatures"]]
        )
        envelope = Envelope(statement, signers)
        return envelope, signed, statement_id, kind

    def _check_signatures(self, envelope: Envelope, signed: bytes, oid: str, position: int) -> None:
        for signature in envelope.signatures:
            try:
                verify(signed, signature.signature, signature.key, NAMESPACE)
            except SignatureError as e:
                raise AuditFailure(
                    Rule.SIGNATURE,
                    f"the signature of {signature.signer} does not verify: {e.message}",
                    oid,
                    position,
                ) from e

    def _check_seen_head(self, envelope: Envelope, oid: str, position: int) -> None:
        seen = envelope.statement["seen_head"]
        if seen is None:
            if position != 1:
                raise AuditFailure(
                    Rule.SEEN_HEAD,
                    "names no ledger head, which only the first statement may do",
                    oid,
                    position,
                )
            return
        if seen not in self.commits:
            raise AuditFailure(
                Rule.SEEN_HEAD,
                f"was signed on ledger head {seen[:12]}, which is not an earlier commit of this "
                "history: the history it was signed on has been rewritten (entries changed, "
                "removed or reordered before it)",
                oid,
                position,
            )

    def _export_problem(self, export: Export, envelope: Envelope) -> str | None:
        """Why ``export`` was not allowed when it was made, or None (see the module doc)."""
        state = self.state
        name = export.artifact.name
        if export.request is None:
            # The exporter said the file needed no approval: the ledger must not know better.
            adoption = state.adoption_at(export.at)
            for request in state.requests_for(export.artifact.sha256):
                if (
                    request.at <= export.at
                    and adoption
                    and adoption.policy.rules_for(request.classes)
                ):
                    return (
                        f"exported {name} naming no request, but request {short_id(request.id)} "
                        f"recorded it as holding {', '.join(request.classes)}, which needs "
                        f"sign-offs under {adoption.label}"
                    )
            return None
        decision = decide(state, export.artifact.sha256, export.at, request_id=export.request)
        if not decision.allowed:
            why = "; ".join(decision.reasons) or "blocked"
            return f"exported {name} to {export.destination} when it was not allowed: {why}"
        for signoff_id in export.signoffs:
            signoff = state.get(signoff_id)
            assert isinstance(signoff, SignOff)  # the state checked that it is one
            if not signoff.approves:
                return f"names sign-off {short_id(signoff_id)}, a refusal, as one it used"
            if signoff.at > export.at:
                return f"names sign-off {short_id(signoff_id)}, made after the export"
            revoked = state.revocation_of(signoff_id, export.at)
            if revoked is not None:
                return (
                    f"names sign-off {short_id(signoff_id)}, which {revoked.signer} had revoked "
                    f"on {day(revoked.at)}"
                )
        # The exporter decided on the ledger at its seen head. A sign-off of the same request
        # appended after that head (a concurrent clone) may change which ones the decision
        # picks: then the named ones were checked above, and that must do.
        seen = self.commits.get(envelope.statement["seen_head"], 0)
        later = any(self.positions[s.id] > seen for s in state.signoffs_for(export.request))
        named = set(export.signoffs)
        unnamed = [s for s in decision.used if s.id not in named]
        if unnamed and not later:
            first = unnamed[0]
            return (
                f"does not name the sign-offs the decision used at {format_time(export.at)}: "
                f"{first.signer}'s approval as {first.role} ({short_id(first.id)}) is missing"
            )
        return None


def _kind_word(kind: str | None) -> str:
    return {"signoff": "sign-off"}.get(kind or "", kind or "statement")


def _without_label(message: str) -> str:
    """LedgerState's messages start ``<kind> <id12>: ``; the failure names the statement."""
    head, sep, rest = message.partition(": ")
    words = head.split(" ")
    if sep and len(words) == 2 and len(words[1]) == 12:
        return rest
    return message


__all__ = ["Replay", "Verified"]
