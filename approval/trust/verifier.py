"""The one verifier: every rule a ledger entry must keep to enter the trusted state, once.

Whoever reads the ledger (the audit's replay, a command's first replay and its catch-up from a
saved state, sync, clone, the retry of an append that lost a race) hands each commit, in order,
to :meth:`Verifier.admit`, which checks it against these rules, in this order, and stops at the
first that fails (:class:`~approval.trust.failure.AuditFailure`, exit 3):

1. shape: the file is JSON, a valid statement (schema);
2. canonical bytes: it is stored in canonical form (RFC 8785 and one newline), and it is the
   statement its path and commit message name (kind, time, id);
3. signatures: each verifies over the statement's exact signed bytes with the key it names;
4. seen head: the ledger head it names is an earlier commit of this same history (a rewritten
   past leaves later statements naming commits that are no longer there);
5. time: not dated ahead of the verifier's clock, nor back before the latest entry
   (``LedgerState.check`` makes these checks first, with the rest of the trust rules);
6. trust rules: :class:`approval.trust.state.LedgerState` (signer in the roster in force and
   valid at ``created``, adoptions by the admin threshold of both rosters, versions rising,
   text plain and exposure records sealed...; the text is checked on the canonical bytes first,
   so that most statements skip the walk over their strings: ``approval.trust.text``);
7. the export rule: an export was allowed by :func:`approval.trust.decision.decide` at its own
   time, for its artifact and the classes its request's scan found, on the sign-offs it names.

A checkpoint (:mod:`approval.trust.witness`) meets rule 6 when the head it names is the entry
it says, and, where the verifier holds the whole state (a replay from the first entry, as the
audit's), when the state there has the digest it names (:mod:`approval.trust.checkpoint`): a
false checkpoint is an integrity failure. A catch-up on slices cannot compute the digest; the
fresh clone that starts from a checkpoint checks it otherwise (``approval.ledger.checkpoints``).

As python-tuf's trusted metadata set does, the verifier is the only place these rules live,
works on bytes it is handed (no git, no files, no cache), takes its clock once when it is made,
and changes its state only when an entry passed every rule: a refused entry leaves it as it was,
so a caller may go on with the next candidate (sync sets a refused statement aside).

A verifier starts at the first entry (``Verifier()``) or resumes at a head whose state was
verified before (:meth:`Verifier.resume`, from a saved state, its entry count and head): what it
needs to know of the commits before that head (where a seen head or a sign-off is) it asks a
:class:`History`, which the ledger answers from git.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from approval.errors import IntegrityError
from approval.signing import SignatureError, verify
from approval.statements import NAMESPACE, Envelope, Signature, format_time, now, short_id
from approval.statements.paths import path_for
from approval.trust.checkpoint import Digest
from approval.trust.decision import decide
from approval.trust.entry import Commit
from approval.trust.failure import AuditFailure, Rule
from approval.trust.shape import SIGNATURES_AT, check_entry, envelope_bytes, parse
from approval.trust.state import Export, LedgerState, Record, SignOff, day
from approval.trust.witness import Checkpoint

# The rules, in the order ``admit`` applies them (the time checks are ``Rule.TRUST``'s first).
ORDER = (
    Rule.SCHEMA,
    Rule.CANONICAL,
    Rule.ENTRY_FILE,
    Rule.SIGNATURE,
    Rule.SEEN_HEAD,
    Rule.TRUST,
    Rule.EXPORT,
)


class History(Protocol):
    """What a resumed verifier asks about the commits before the head it resumed at."""

    def commit_position(self, commit: str) -> int | None:
        """The position (1 for the first) of ``commit`` in the history up to the head the
        verifier resumed at, or None when it is not in it."""

    def statement_position(self, statement_id: str) -> int | None:
        """The position of the entry that holds ``statement_id``, or None."""


class _Nothing:
    """The history before the first entry: empty."""

    def commit_position(self, commit: str) -> int | None:
        return None

    def statement_position(self, statement_id: str) -> int | None:
        return None


@dataclass(frozen=True)
class _Upto:
    """``history`` cut at ``count`` entries: a verifier taken back to an earlier head must not
    find commits that are no longer before it."""

    history: History
    count: int

    def commit_position(self, commit: str) -> int | None:
        found = self.history.commit_position(commit)
        return found if found is not None and found <= self.count else None

    def statement_position(self, statement_id: str) -> int | None:
        found = self.history.statement_position(statement_id)
        return found if found is not None and found <= self.count else None


@dataclass(frozen=True, slots=True)
class Verified:
    """One statement that passed every rule, and what it became in the state."""

    position: int
    commit: str
    id: str
    envelope: Envelope
    signed: bytes  # the exact bytes every signature covers
    record: Record


# Why an export was not allowed when it was made, or None: (verifier, export, its envelope).
ExportRule = Callable[["Verifier", Export, Envelope], "str | None"]


class Verifier:
    """The trusted state of a ledger and the rules every next entry must keep to join it."""

    def __init__(self, *, now: datetime | None = None, export_rule: ExportRule | None = None):
        self._state = LedgerState()
        self._count = 0
        self._head: str | None = None
        self._commits: dict[str, int] = {}  # commit id -> position, of the entries admitted here
        self._positions: dict[str, int] = {}  # statement id -> position, likewise
        self._earlier: History = _Nothing()
        self._export_rule: ExportRule = export_rule or export_problem
        self.signatures = 0
        # Entry files (their bytes) every one of whose signatures ``approval.signing.verify``
        # already accepted under NAMESPACE, ahead of order on another core
        # (ledger/parallel.py), each with where its signatures array ends: the worker read the
        # array from ``raw[SIGNATURES_AT:end]`` and checked it over ``raw[end +
        # STATEMENT_AFTER:-2]``. The same check, not another one. The verifier skips it only
        # for an entry whose bytes are these and that it found canonical, with its own
        # signatures array ending at ``end``: then its signed bytes and signatures are exactly
        # those slices (the key binds every input the check read). Anything else is verified
        # in place, so a failure is found, and worded, at the same entry as without it.
        self.verified_ahead: dict[bytes, int] = {}
        # The state's digest at each count, for the checkpoints (approval.trust.checkpoint).
        self.digests = Digest()
        # The verifier's clock: a statement dated further ahead is a forgery (or a broken
        # clock) that would block every later append.
        self.now = now if now is not None else _now()

    @classmethod
    def resume(
        cls,
        state: LedgerState,
        *,
        count: int,
        head: str | None,
        history: History,
        now: datetime | None = None,
        export_rule: ExportRule | None = None,
    ) -> Verifier:
        """A verifier at ``head``, the ``count``-th entry, whose verified state is ``state``
        (a whole state, or the slice of one that the next entries are about: see
        ``approval.ledger.snapshot``); ``history`` answers for the commits up to ``head``.
        The verifier takes ``state`` over: what it admits is added to it."""
        if (head is None) != (count == 0):
            raise IntegrityError(f"a verified state of {count} entries needs a head")
        verifier = cls(now=now, export_rule=export_rule)
        verifier._state = state
        verifier._count = count
        verifier._head = head
        verifier._earlier = history
        return verifier

    @property
    def state(self) -> LedgerState:
        """The verified state (share it read-only: only ``admit`` may change it)."""
        return self._state

    @property
    def count(self) -> int:
        """Entries verified up to ``head`` (those before a resume included)."""
        return self._count

    @property
    def head(self) -> str | None:
        """The commit the verified state is at."""
        return self._head

    def back(self, drop: int, head: str | None) -> Verifier:
        """This verifier as it was ``drop`` entries ago, at ``head`` (the state at an ancestor
        is a prefix of the records: a verified replay adds them in order)."""
        if not drop:
            return self
        count = self._count - drop
        kept = self._state.records()[:-drop]
        if count < 0 or len(kept) != len(self._state) - drop:
            raise IntegrityError(f"cannot go back {drop} entries from entry {self._count}")
        if (self.commit_position(head) if head else 0) != count:
            raise IntegrityError(f"ledger commit {(head or '')[:12]} is not entry {count} here")
        latest = max((record.at for record in kept), default=None)
        back = Verifier.resume(
            LedgerState.restore(kept, latest),
            count=count,
            head=head,
            history=_Upto(self._earlier, count),
            now=self.now,
            export_rule=self._export_rule,
        )
        back._commits = {c: n for c, n in self._commits.items() if n <= count}
        back._positions = {s: n for s, n in self._positions.items() if n <= count}
        back.signatures = self.signatures
        return back

    def commit_position(self, commit: str) -> int | None:
        """Where ``commit`` is in the verified history, or None."""
        found = self._commits.get(commit)
        return found if found is not None else self._earlier.commit_position(commit)

    def statement_position(self, statement_id: str) -> int | None:
        """Where the entry holding ``statement_id`` is in the verified history, or None."""
        found = self._positions.get(statement_id)
        return found if found is not None else self._earlier.statement_position(statement_id)

    # -- admitting entries --------------------------------------------------------------------

    def run(self, commits: Iterable[Commit]) -> Iterator[Verified]:
        """Admit ``commits`` in order; ``AuditFailure`` at the first broken rule.

        The cyclic garbage collector is paused meanwhile: replay only adds records that live
        as long as the state, and each full collection walks all of them again (measured:
        ~25% of the replay at 10k statements, more as the ledger grows)."""
        paused = gc.isenabled()
        gc.disable()
        try:
            for commit in commits:
                yield self.admit(commit)
        finally:
            if paused:
                gc.enable()

    def admit(self, commit: Commit) -> Verified:
        """Check ``commit`` (the next entry after ``head``) against every rule, in order; add it
        to the state and return it, or raise ``AuditFailure`` leaving the state as it was."""
        oid = commit.oid
        position = self._count + 1
        statement_id: str | None = None
        kind: str | None = None
        try:
            envelope, signed, signatures, statement_id, kind = self._read(commit, position)
            self._check_signatures(envelope, commit.raw, signed, signatures, oid, position)
            self._check_seen_head(envelope, oid, position)
            try:
                record = self._state.check(envelope, statement_id, now=self.now, signed=signed)
                if isinstance(record, Export):  # judged before it is added
                    problem = self._export_rule(self, record, envelope)
                    if problem is not None:
                        raise AuditFailure(Rule.EXPORT, problem, oid, position)
                elif isinstance(record, Checkpoint):  # the head and digest it vouches for
                    problem = self._checkpoint_problem(record)
                    if problem is not None:
                        raise AuditFailure(Rule.TRUST, problem, oid, position)
            except IntegrityError as e:
                if isinstance(e, AuditFailure):
                    raise
                raise AuditFailure(Rule.TRUST, _without_label(e.message), oid, position) from e
        except AuditFailure as failure:
            if statement_id is not None and failure.statement is None:
                raise failure.at(statement_id, _kind_word(kind)) from failure
            raise
        # Every rule passed: only now does anything change.
        self._state.add(record)
        self._commits[oid] = position
        self._positions[statement_id] = position
        self._count, self._head = position, oid
        self.signatures += len(envelope.signatures)
        return Verified(position, oid, statement_id, envelope, signed, record)

    # -- the rules ----------------------------------------------------------------------------

    def _checkpoint_problem(self, checkpoint: Checkpoint) -> str | None:
        """Rule 6 for a checkpoint: its head is the ``count``-th entry of this history, and,
        when this verifier holds the whole state (a replay, not a catch-up on slices), the
        state there has the digest it names: a false checkpoint is an integrity failure."""
        head, count = checkpoint.head, checkpoint.count
        found = self.commit_position(head)
        if found is None:
            return f"vouches for ledger head {head[:12]}, which is not an earlier commit here"
        if found != count:
            return f"says ledger head {head[:12]} is entry {count}, but it is entry {found}"
        if len(self._state) != self._count:
            return None  # a slice: the audit and every full replay check the digest
        digest = self.digests.at(count, self._state.records)
        if digest != checkpoint.state_sha256:
            return (
                f"vouches for a state at {head[:12]} whose sha256 is "
                f"{checkpoint.state_sha256[:12]}, but the verified state there is "
                f"{digest[:12]}: a false checkpoint"
            )
        return None

    def _read(self, commit: Commit, position: int) -> tuple[Envelope, bytes, bytes, str, str]:
        """Rules 1 and 2: shape, canonical bytes, and the entry file's name and message; the
        envelope, its signed bytes and its signatures array, each in canonical form."""
        oid = commit.oid
        raw = commit.raw
        try:
            parsed = parse(raw)
            check_entry(parsed.doc)
        except IntegrityError as e:
            raise AuditFailure(Rule.SCHEMA, f"{commit.path}: {e.message}", oid, position) from e
        doc = parsed.doc
        statement = doc["statement"]
        try:
            parts = envelope_bytes(raw, parsed)
        except IntegrityError as e:
            raise AuditFailure(Rule.CANONICAL, f"{commit.path} {e.message}", oid, position) from e
        if parts is None:
            raise AuditFailure(
                Rule.CANONICAL,
                f"{commit.path} is not in canonical form (RFC 8785 and one newline): "
                "the same statement would be stored as different bytes",
                oid,
                position,
            )
        signed, signatures = parts
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
        return Envelope(statement, signers), signed, signatures, statement_id, kind

    def _check_signatures(
        self,
        envelope: Envelope,
        raw: bytes,
        signed: bytes,
        signatures: bytes,
        oid: str,
        position: int,
    ) -> None:
        """Rule 3 (``raw``: the entry file, found canonical, which is ``{"signatures":``,
        ``signatures``, ``,"statement":``, ``signed``, ``}`` and a newline)."""
        ahead = self.verified_ahead
        # Every one of these verified over these bytes already (see ``verified_ahead``).
        if ahead and ahead.pop(raw, None) == SIGNATURES_AT + len(signatures):
            return
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
        """Rule 4."""
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
        if self.commit_position(seen) is None:
            raise AuditFailure(
                Rule.SEEN_HEAD,
                f"was signed on ledger head {seen[:12]}, which is not an earlier commit of this "
                "history: the history it was signed on has been rewritten (entries changed, "
                "removed or reordered before it)",
                oid,
                position,
            )


def export_problem(verifier: Verifier, export: Export, envelope: Envelope) -> str | None:
    """Rule 7: why ``export`` was not allowed when it was made, or None (see the module doc)."""
    state = verifier.state
    name = export.artifact.name
    if export.request is None:
        # The exporter said the file needed no approval: the ledger must not know better.
        adoption = state.adoption_at(export.at)
        for request in state.requests_for(export.artifact.sha256):
            if request.at <= export.at and adoption and adoption.policy.rules_for(request.classes):
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
    # appended after that head (a concurrent clone) may change which ones the decision picks:
    # then the named ones were checked above, and that must do.
    named = set(export.signoffs)
    unnamed = [s for s in decision.used if s.id not in named]
    if unnamed and not _signed_later(verifier, export, envelope):
        first = unnamed[0]
        return (
            f"does not name the sign-offs the decision used at {format_time(export.at)}: "
            f"{first.signer}'s approval as {first.role} ({short_id(first.id)}) is missing"
        )
    return None


def _signed_later(verifier: Verifier, export: Export, envelope: Envelope) -> bool:
    """Whether a sign-off of the export's request entered the ledger after the head the
    exporter saw (asked only when the decision used one the export does not name)."""
    assert export.request is not None
    seen = verifier.commit_position(envelope.statement["seen_head"]) or 0
    return any(
        (verifier.statement_position(s.id) or 0) > seen
        for s in verifier.state.signoffs_for(export.request)
    )


def _now() -> datetime:
    return now()


def _kind_word(kind: str | None) -> str:
    return {"signoff": "sign-off"}.get(kind or "", kind or "statement")


def _without_label(message: str) -> str:
    """LedgerState's messages start ``<kind> <id12>: ``; the failure names the statement."""
    head, sep, rest = message.partition(": ")
    words = head.split(" ")
    if sep and len(words) == 2 and len(words[1]) == 12:
        return rest
    return message


__all__ = ["ORDER", "ExportRule", "History", "Verified", "Verifier", "export_problem"]
