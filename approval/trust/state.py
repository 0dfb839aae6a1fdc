"""The ledger replayed into a state, and the trust rules every statement must keep.

``LedgerState.apply`` takes envelopes one at a time, in ledger order, whose signatures the
caller has already verified cryptographically; it checks who may say what (the chain of trust
from the first adoption, as python-tuf's ``TrustedMetadataSet`` does for its root), and raises
``IntegrityError`` (exit 3) naming the statement and the rule broken. Each statement costs O(1)
apart from its own content: replay scales to 100k statements. No I/O, no git, no crypto here.

Decisions taken here (the lead and auditors depend on them):

- *In force* for a statement means the latest adoption before it in ledger order, not the one
  in force at its ``created`` time: ``created`` is chosen by the signer, and an official removed
  by a new roster could otherwise backdate a statement to sign under the old one. Validity
  windows are checked at ``created``. The ledger must ``check`` (or ``apply``) a statement
  against the state before appending it, so a statement overtaken by a new adoption while it
  was being made is refused, never appended.
- ``created`` may not go back by more than ``CLOCK_SKEW`` (5 minutes) from the latest entry:
  clocks of several machines disagree a little, but a grossly backdated entry is a forgery.
- A later adoption needs the admin threshold of the roster in force and of the new roster, names
  the adoption in force as ``previous``, and either changes the policy, with a strictly higher
  policy version (an older policy can never be re-adopted) and a roster version no lower than
  the one in force, or repeats the policy in force byte for byte (canonical JSON) with a
  strictly higher roster version: a *roster-only* adoption, which keeps the requests and
  approvals made under the policy (``Adoption.policy_epoch``; key rotation, issue 14). The
  policy id may change; versions keep rising across ids. Every signature on it must be by an
  admin of either roster, valid at ``created``. A key the new roster names compromised still
  counts for the roster in force, as an old root key does in TUF's root rotation: the roster in
  force trusted it, a thief holding it alone is still short of the threshold, and admins who
  lost their other copies must be able to rotate away from it; the new roster cannot hold it.
  The new roster must go on naming every key the roster in force names compromised, from the
  same time or earlier: a compromise cannot be taken back.
- A roster's ``compromised`` keys (lost or stolen, each with a time; OpenSSH's ``@revoked``,
  TUF's key revocation) sign nothing more: once that roster is in force, a statement signed
  with one is refused. Statements it signed before were checked when they entered the ledger;
  the decision (``approval.trust.decision``) and ``revocation_of`` stop counting those made at
  or after the compromise time (``LedgerState.compromised``) and keep those made before.
- A revocation may withdraw the revoker's own request or sign-off. Someone else's request or
  approval may be revoked by a privacy-officer or an admin: that can only block, never unblock.
  Someone else's *rejection* only by an admin, the escape hatch when the refusing official is
  gone: anyone else could overrule a refusal by revoking it. Not by an admin who requested those
  bytes (any request for the rejection's sha256, since a rejection blocks them all): that would
  be overruling the refusal of one's own request. A withdrawal made before its signer requested
  the bytes is admitted, and stops counting once they do (``revocation_of``).
- Every string a statement carries is plain text: one line, without control or format
  characters (``approval.trust.text``); a request's or an export's exposure record is an age
  file encrypted to the keys it names (``approval.trust.agefile``). The writer only ever makes
  such statements; another one is a forgery (exit 3, naming the field, never the text).
- Any official in the roster in force may request, export or redact (no role is needed: the
  separation of duties is in who may approve). The requester's own sign-off is accepted into the
  ledger (a rule may allow it) and the decision never counts it where the rule forbids it.
- A request may name an adoption that is no longer in force (it raced a new adoption); it must
  name one the ledger holds. The decision does not count sign-offs on it.
- A ``blocked`` statement (a gate refused a file: ``approval serve``) is made only by an official
  holding the role ``service`` in the roster in force; it changes no decision. A holder of the
  role ``service`` signs nothing else: a web server's key, stolen, must not request, approve,
  revoke, export or redact (the roster check refuses the role combined with any other).
- An incident's statements (``incident-open``, ``-scope``, ``-step``, ``-close``) are signed
  by a privacy officer only, name an incident opened and not yet closed, and change no
  decision (``approval.trust.incidents`` holds their rules).
- Duplicate revocations and sign-offs are accepted (concurrent clones make them); the
  pre-checks below refuse them before a command appends one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from approval.errors import IntegrityError, ProblemsError, UsageError
from approval.policy import (
    Official,
    Policy,
    Roster,
    Rule,
    document_from_data,
    parse_policy,
    parse_roster,
)
from approval.policy.model import UNSCANNABLE, key_identity
from approval.policy.validate import SERVICE  # a gate's key: ``blocked`` statements only
from approval.statements import Envelope, format_time, short_id
from approval.statements.kinds import Artifact  # one value in statements and records
from approval.statements.kinds import built as _built
from approval.trust import agefile, incidents
from approval.trust import text as plaintext
from approval.trust.incidents import (
    IncidentClose,
    IncidentOpen,
    IncidentRecord,
    IncidentScope,
    IncidentStep,
)
from approval.trust.witness import Checkpoint

# How far back a statement's ``created`` may be from the latest entry's.
CLOCK_SKEW = timedelta(minutes=5)
ADMIN = "admin"
PRIVACY_OFFICER = "privacy-officer"
# A prefix shorter than this matches too much to be typed on purpose.
MIN_PREFIX = 4
_HEX = re.compile(r"[0-9a-f]+")
# ``key_identity`` of the key lines a replay meets, one or two per statement and few distinct:
# a pure function of the line, which is the whole key of its memo.
_identities = lru_cache(maxsize=1024)(key_identity)


def _identity(key: str) -> str:
    # Anything but a string (never, past the schema) fails as ``key_identity`` has it fail.
    return _identities(key) if key.__class__ is str else key_identity(key)


@dataclass(frozen=True)
class Adoption:
    id: str
    policy: Policy
    roster: Roster
    at: datetime
    previous: str | None
    signers: tuple[str, ...]  # the admins whose signatures counted, in signature order
    # A roster-only adoption: the adoption that adopted its (unchanged) policy; None when this
    # one adopted the policy. Requests and approvals made under either count under both.
    policy_since: str | None = None

    @property
    def label(self) -> str:
        return f"policy {self.policy.id} v{self.policy.version}"

    @property
    def policy_epoch(self) -> str:
        """The adoption that adopted this policy version: the same for every roster-only
        adoption after it, so a sign-off's request stays current across key rotations."""
        return self.policy_since or self.id

    @property
    def roster_only(self) -> bool:
        return self.policy_since is not None


@dataclass(frozen=True)
class Request:
    id: str
    requester: str
    artifact: Artifact
    policy_id: str
    policy_version: int
    adoption: str
    purpose: str
    destination: str
    # The scan summary as recorded (classes, persons, where): never raw values.
    scan: dict[str, Any] = field(hash=False)
    at: datetime
    key: str | None = None  # the key it was signed with (``type base64``)

    @property
    def sha256(self) -> str:
        return self.artifact.sha256

    @property
    def classes(self) -> tuple[str, ...]:
        """The data classes the scan found; ``unscannable`` when the scan could not read it."""
        found = tuple(self.scan.get("classes", {}))
        if self.scan.get("verdict") == UNSCANNABLE and UNSCANNABLE not in found:
            found += (UNSCANNABLE,)
        return found


@dataclass(frozen=True)
class SignOff:
    id: str
    request: str
    artifact_sha256: str
    signer: str
    role: str
    decision: str  # approve | reject
    comment: str | None
    at: datetime
    # Whether the signer's own client rescanned the bytes before signing, and the digest of the
    # request's scan summary it checked them against (``approval.trust.summaries``). Absent in
    # sign-offs made before clients rescanned: those count as made without a rescan.
    rescanned: bool = False
    summary_sha256: str | None = None
    key: str | None = None  # the key it was signed with (``type base64``)
    # The adoption in force when it entered the ledger: the roster it was checked against.
    under: str | None = None

    @property
    def approves(self) -> bool:
        return self.decision == "approve"


@dataclass(frozen=True)
class Revocation:
    id: str
    target: str
    signer: str
    reason: str
    at: datetime
    key: str | None = None  # the key it was signed with (``type base64``)


@dataclass(frozen=True)
class Export:
    id: str
    signer: str
    artifact: Artifact
    destination: str
    request: str | None
    signoffs: tuple[str, ...]
    policy_id: str
    policy_version: int
    adoption: str
    at: datetime


@dataclass(frozen=True)
class Redaction:
    id: str
    signer: str
    source: Artifact
    derivative: Artifact
    removed: tuple[str, ...]
    at: datetime


@dataclass(frozen=True)
class Blocked:
    """A gate refused an artifact (a record: it changes no decision)."""

    id: str
    signer: str
    artifact: Artifact
    verdict: str
    site: str
    reason: str | None
    at: datetime


Record = (
    Adoption
    | Request
    | SignOff
    | Revocation
    | Export
    | Redaction
    | Blocked
    | IncidentRecord
    | Checkpoint
)

_KIND_OF: dict[type, str] = {
    Adoption: "adoption",
    Request: "request",
    SignOff: "sign-off",
    Revocation: "revocation",
    Export: "export",
    Redaction: "redaction",
    Blocked: "blocked",
    **incidents.WORDS,
    Checkpoint: "checkpoint",
}


def kind_of(record: Record) -> str:
    """The word for a record's kind, as people read it (``sign-off``, ``request``...)."""
    return _KIND_OF[type(record)]


def a(word: str) -> str:
    """``a request``, ``an adoption``."""
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def fingerprint(key: str) -> str:
    """A public key's ``SHA256:...`` fingerprint, as ``ssh-keygen -l`` prints it."""
    try:
        blob = base64.b64decode(key.split()[1], validate=True)
    except (IndexError, binascii.Error):
        return "(not a public key)"
    digest = base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii")
    return "SHA256:" + digest.rstrip("=")


def day(when: datetime) -> str:
    """``2026-11-20``: how reasons name a day."""
    return when.astimezone(UTC).date().isoformat()


def _window(official: Official) -> str:
    parts = []
    if official.valid_from is not None:
        parts.append(f"from {day(official.valid_from)}")
    if official.valid_until is not None:
        # valid_until is exclusive (the start of the day after the one the roster names).
        parts.append(f"until {day(official.valid_until - timedelta(seconds=1))}")
    return "valid " + " ".join(parts)


def parse_adoption_documents(
    policy: dict[str, Any], roster: dict[str, Any], source: str
) -> tuple[Policy, Roster]:
    """Validate an adoption's policy and roster documents, each against the other.

    Raises ``ProblemsError`` (exit 2) with every problem; ``apply`` turns it into an
    ``IntegrityError``.
    """
    roster_doc = document_from_data(roster, f"{source} roster")
    policy_doc = document_from_data(policy, f"{source} policy")
    return parse_policy(policy_doc, roster_doc), parse_roster(roster_doc)


def _key_index(roster: Roster) -> dict[str, Official]:
    """Key identity -> official: a key lookup in O(1) however many officials sign."""
    return {key_identity(k): o for o in roster.officials for k in o.keys}


@dataclass(frozen=True)
class _AdminCount:
    """Who signed an adoption as an admin of one roster, and why others did not count."""

    name: str  # "the roster in force" | "the new roster"
    roster: Roster
    admins: tuple[str, ...]
    keys: frozenset[str]  # identities of the keys that counted
    # official id -> why their signature did not count for this roster
    refused: dict[str, str] = field(hash=False)

    @property
    def short(self) -> int:
        return self.roster.admin_threshold - len(self.admins)


def same_policy_document(policy: Policy, other: Policy) -> bool:
    """Whether two policies are the same document, by their canonical (signed) bytes."""
    from approval.statements import canonical_json

    return canonical_json(policy.to_dict()) == canonical_json(other.to_dict())


def adoption_refusal(current: Adoption, policy: Policy, roster: Roster) -> tuple[str, str] | None:
    """Why ``policy`` and ``roster`` may not replace the adoption ``current`` (a message and a
    hint), or None: the version and compromise rules of the module doc."""
    if same_policy_document(policy, current.policy):
        if roster.version <= current.roster.version:
            return (
                f"roster version {roster.version} is not higher than the version in force "
                f"({current.roster.version}) and the policy is unchanged "
                f"(v{policy.version}): an older policy can never be re-adopted, and a "
                "roster-only change needs a higher roster version",
                "raise `version:` in the roster file (or the policy's, for a new policy)",
            )
    elif policy.version <= current.policy.version:
        if policy.version == current.policy.version:
            return (
                f"policy version {policy.version} is the version in force, but the policy "
                "differs from it: a changed policy needs a higher version",
                "raise `version:` in the policy file, or repeat the policy in force unchanged "
                "for a roster-only change",
            )
        return (
            f"policy version {policy.version} is not higher than the version in force "
            f"({current.policy.version}): an older policy can never be re-adopted",
            "raise `version:` in the policy file",
        )
    elif roster.version < current.roster.version:
        return (
            f"roster version {roster.version} is lower than the version in force "
            f"({current.roster.version}): an older roster can never be re-adopted",
            "raise `version:` in the roster file",
        )
    for compromise in current.roster.compromised:
        since = roster.compromised_since(compromise.key)
        if since is None or since > compromise.since:
            return (
                f"the roster in force names key {fingerprint(compromise.key)} compromised since "
                f"{format_time(compromise.since)}, and the new roster "
                + ("does not" if since is None else f"says only since {format_time(since)}")
                + ": a compromise cannot be taken back",
                "copy the roster in force's `compromised:` entries into the new roster",
            )
    return None


def _count_admins(
    name: str, roster: Roster, signers: Sequence[tuple[str | None, str]], when: datetime
) -> _AdminCount:
    """Distinct admins of ``roster`` among ``(claimed signer, key)`` pairs, valid at ``when``
    (a key the roster itself names compromised never counts)."""
    index = _key_index(roster)
    admins: list[str] = []
    keys: set[str] = set()
    refused: dict[str, str] = {}
    for claimed, key in signers:
        official = index.get(key_identity(key))
        if official is None:
            continue
        if claimed is not None and claimed != official.id:
            raise IntegrityError(
                f"a signature names {claimed} but its key belongs to {official.id} in {name}"
            )
        if not official.holds(ADMIN):
            refused[official.id] = f"{official.id} is not an admin in {name}"
        elif not official.valid_at(when):
            refused[official.id] = (
                f"{official.id}'s key in {name} is not valid on {day(when)} ({_window(official)})"
            )
        elif (since := roster.compromised_at(key, when)) is not None:
            refused[official.id] = (
                f"{official.id}'s key {fingerprint(key)} is named compromised since "
                f"{format_time(since)}"
            )
        else:
            keys.add(key_identity(key))
            if official.id not in admins:
                admins.append(official.id)
    return _AdminCount(name, roster, tuple(admins), frozenset(keys), refused)


def _uncounted(counts: Sequence[_AdminCount], claimed: str | None, key: str) -> str | None:
    """Why a signature counted for no roster, or None when it counted."""
    if any(key_identity(key) in c.keys for c in counts):
        return None
    why = [c.refused[claimed] for c in counts if claimed is not None and claimed in c.refused]
    return "; ".join(why) or f"key {fingerprint(key)} is in neither roster"


class LedgerState:
    """Everything the ledger says so far, indexed for the queries commands and decisions make.

    Build it with ``replay(envelopes)`` or ``apply`` one envelope at a time. Records are frozen;
    the state itself grows as statements are applied.
    """

    def __init__(self) -> None:
        self._adoptions: list[Adoption] = []
        self._keys: dict[str, Official] = {}  # the roster in force, by key identity
        self._records: dict[str, Record] = {}
        self._requests_by_sha: dict[str, list[Request]] = {}
        self._signoffs_by_request: dict[str, list[SignOff]] = {}
        self._revocations: dict[str, list[Revocation]] = {}  # by target
        self._exports_by_sha: dict[str, list[Export]] = {}
        self._redactions_by_sha: dict[str, list[Redaction]] = {}  # by source and derivative
        self._blocked_by_sha: dict[str, list[Blocked]] = {}
        self._incidents: dict[str, list[IncidentRecord]] = {}  # by incident (open's id)
        self._checkpoints: list[Checkpoint] = []
        self._latest: datetime | None = None
        # Functions, not bound methods: a state holding its own methods is a reference cycle,
        # which only the cyclic collector frees (a 100k state: a full collection at exit).
        cls = LedgerState
        self._checkers: dict[str, Callable[[LedgerState, Envelope, str, str, datetime], Record]]
        self._checkers = {
            "adoption": cls._check_adoption,
            "request": cls._check_request,
            "signoff": cls._check_signoff,
            "revocation": cls._check_revocation,
            "export": cls._check_export,
            "redaction": cls._check_redaction,
            "blocked": cls._check_blocked,
            **dict.fromkeys(incidents.KINDS, cls._check_incident),
            "checkpoint": cls._check_checkpoint,
        }

    # -- applying statements ----------------------------------------------------------------

    def apply(
        self, envelope: Envelope, statement_id: str | None = None, *, now: datetime | None = None
    ) -> Record:
        """Check ``envelope`` against the trust rules and add it; return its record.

        ``statement_id`` is the id the caller already computed from the signed bytes it
        verified (``statements.statement_id``), saving a second canonicalisation; computed here
        when not given. ``now`` is the reader's clock: a statement from further in the future
        than ``CLOCK_SKEW`` is refused (it would block every later append, which may not go
        back in time). Raises ``IntegrityError`` and leaves the state unchanged when a rule is
        broken.
        """
        record = self.check(envelope, statement_id, now=now)
        self._add(record)
        return record

    def add(self, record: Record) -> None:
        """Add the record that ``check`` just returned, with nothing applied in between: what
        ``apply`` does after its check, for a caller that looks at the record before it
        enters the state (replay's export rule) without checking it twice."""
        self._add(record)

    def check(
        self,
        envelope: Envelope,
        statement_id: str | None = None,
        *,
        now: datetime | None = None,
        signed: bytes | None = None,
    ) -> Record:
        """What ``apply`` would add, without adding it: the check before an append.

        ``signed``, the statement's canonical bytes when the caller has them (a replay),
        spares most statements the walk over their strings (``text.may_hold``)."""
        try:
            statement_id = statement_id or envelope.id
            kind = envelope.kind
            created = envelope.created
        except (KeyError, TypeError, ValueError) as e:
            raise IntegrityError(f"a ledger entry is malformed ({e!r})") from e
        label = f"{kind} {short_id(statement_id)}"
        if now is not None and created > now + CLOCK_SKEW:
            raise IntegrityError(
                f"{label}: created {format_time(created)}, in the future "
                f"(now {format_time(now)}): a statement may not be dated ahead"
            )
        if statement_id in self._records:
            raise IntegrityError(f"{label}: appears twice in the ledger")
        if not envelope.signatures:
            raise IntegrityError(f"{label}: is not signed")
        if self._latest is not None and created < self._latest - CLOCK_SKEW:
            raise IntegrityError(
                f"{label}: created {format_time(created)}, more than 5 minutes before an "
                f"earlier entry ({format_time(self._latest)}): the ledger cannot go back in time"
            )
        if not self._adoptions:
            if kind != "adoption":
                raise IntegrityError(
                    f"{label}: the first ledger entry must adopt a policy and roster"
                )
        elif envelope.statement.get("seen_head") is None:
            raise IntegrityError(f"{label}: names no ledger head (only the first entry may)")
        checker = self._checkers.get(kind)
        if checker is None:
            raise IntegrityError(f"{label}: unknown statement kind")
        if signed is None or plaintext.may_hold(signed):
            not_plain = plaintext.problem(envelope.statement)
            if not_plain is not None:
                raise IntegrityError(f"{label}: {not_plain}")
        try:
            return checker(self, envelope, statement_id, label, created)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise IntegrityError(f"{label}: malformed statement ({e!r})") from e

    def _check_adoption(
        self, envelope: Envelope, statement_id: str, label: str, created: datetime
    ) -> Adoption:
        statement = envelope.statement
        try:
            policy, roster = parse_adoption_documents(
                statement["policy"], statement["roster"], label
            )
        except ProblemsError as e:
            raise IntegrityError(
                f"{label}: adopts an invalid policy or roster: {'; '.join(e.problems)}"
            ) from e
        current = self._adoptions[-1] if self._adoptions else None
        previous = statement["previous"]
        if current is None:
            if previous is not None:
                raise IntegrityError(f"{label}: the first adoption names a previous one")
        else:
            if previous != current.id:
                raise IntegrityError(
                    f"{label}: replaces {short_id(previous or 'nothing')}, but the adoption "
                    f"in force is {short_id(current.id)}"
                )
            refusal = adoption_refusal(current, policy, roster)
            if refusal is not None:
                raise IntegrityError(f"{label}: {refusal[0]}")
        pairs = [(s.signer, s.key) for s in envelope.signatures]
        try:
            counts = [_count_admins("the new roster", roster, pairs, created)]
            if current is not None:
                counts.insert(
                    0, _count_admins("the roster in force", current.roster, pairs, created)
                )
        except IntegrityError as e:
            raise IntegrityError(f"{label}: {e.message}") from e
        for signature in envelope.signatures:
            why = _uncounted(counts, signature.signer, signature.key)
            if why is not None:
                raise IntegrityError(
                    f"{label}: the signature of {signature.signer} does not count: {why}"
                )
        for count in counts:
            if count.short > 0:
                raise IntegrityError(
                    f"{label}: {count.roster.admin_threshold} admin signatures of "
                    f"{count.name} needed, {len(count.admins)} given"
                )
        signers = tuple(dict.fromkeys(s.signer for s in envelope.signatures))
        policy_since = None
        if current is not None and same_policy_document(policy, current.policy):
            policy_since = current.policy_epoch  # a roster-only adoption
        return Adoption(statement_id, policy, roster, created, previous, signers, policy_since)

    def _signed_by(
        self, envelope: Envelope, label: str, created: datetime, *, service: bool = False
    ) -> Official:
        """The official named in ``statement.signer``, who must hold every signature's key;
        a holder of the role ``service`` only for a ``blocked`` statement (``service``)."""
        name = envelope.statement["signer"]
        official: Official | None = None
        roster = self._adoptions[-1].roster if self._adoptions else None
        for signature in envelope.signatures:
            if signature.signer != name:
                raise IntegrityError(
                    f"{label}: a signature names {signature.signer}, the statement {name}"
                )
            if roster is not None and roster.compromised:
                since = roster.compromised_since(signature.key)
                if since is not None:
                    raise IntegrityError(
                        f"{label}: signed with key {fingerprint(signature.key)}, which the roster "
                        f"in force names compromised since {format_time(since)}"
                    )
            official = self._keys.get(_identity(signature.key))
            if official is None:
                raise IntegrityError(
                    f"{label}: signed by key {fingerprint(signature.key)}, which is not in the "
                    "roster in force"
                )
            if official.id != name:
                raise IntegrityError(
                    f"{label}: signed with {official.id}'s key but names {name} as its signer"
                )
            if not official.valid_at(created):
                raise IntegrityError(
                    f"{label}: {name}'s key was not valid on {format_time(created)} "
                    f"({_window(official)})"
                )
        if official is None:  # no signatures: refused in check() already
            raise IntegrityError(f"{label}: is not signed")
        if not service and official.holds(SERVICE):
            raise IntegrityError(
                f"{label}: {official.id} holds the role {SERVICE!r}: a service key records a "
                "gate's refusals and signs nothing else"
            )
        return official

    def _adoption_ref(self, ref: dict[str, Any], label: str) -> Adoption:
        adoption = self._records.get(ref["adoption"])
        if (
            not isinstance(adoption, Adoption)
            or adoption.policy.id != ref["id"]
            or adoption.policy.version != ref["version"]
        ):
            raise IntegrityError(
                f"{label}: names policy {ref['id']} v{ref['version']} under adoption "
                f"{short_id(str(ref['adoption']))}, which the ledger has not adopted"
            )
        return adoption

    def _check_request(
        self, envelope: Envelope, statement_id: str, label: str, created: datetime
    ) -> Request:
        statement = envelope.statement
        official = self._signed_by(envelope, label, created)
        ref = statement["policy"]
        self._adoption_ref(ref, label)
        _check_exposure(statement, label)
        return _built(
            Request,
            {
                "id": statement_id,
                "requester": official.id,
                "artifact": Artifact.from_dict(statement["artifact"]),
                "policy_id": ref["id"],
                "policy_version": ref["version"],
                "adoption": ref["adoption"],
                "purpose": statement["purpose"],
                "destination": statement["destination"],
                "scan": statement["scan"],
                "at": created,
                "key": _identity(envelope.signatures[0].key),
            },
        )

    def _check_signoff(
        self, envelope: Envelope, statement_id: str, label: str, created: datetime
    ) -> SignOff:
        statement = envelope.statement
        official = self._signed_by(envelope, label, created)
        request = self._records.get(statement["request"])
        if not isinstance(request, Request):
            raise IntegrityError(
                f"{label}: signs request {short_id(statement['request'])}, which the ledger "
                "does not hold"
            )
        if statement["artifact_sha256"] != request.sha256:
            raise IntegrityError(
                f"{label}: names file {short_id(statement['artifact_sha256'])} but request "
                f"{short_id(request.id)} is for file {short_id(request.sha256)}"
            )
        role = statement["role"]
        if not official.holds(role):
            raise IntegrityError(
                f"{label}: {official.id} does not hold the role {role!r} in the roster in force"
            )
        return _built(
            SignOff,
            {
                "id": statement_id,
                "request": request.id,
                "artifact_sha256": request.sha256,
                "signer": official.id,
                "role": role,
                "decision": statement["decision"],
                "comment": statement.get("comment"),
                "at": created,
                "rescanned": statement.get("rescanned", False),
                "summary_sha256": statement.get("summary_sha256"),
                "key": _identity(envelope.signatures[0].key),
                "under": self._adoptions[-1].id,
            },
        )

    def _check_revocation(
        self, envelope: Envelope, statement_id: str, label: str, created: datetime
    ) -> Revocation:
        statement = envelope.statement
        official = self._signed_by(envelope, label, created)
        target = self._records.get(statement["target"])
        if not isinstance(target, Request | SignOff):
            what = a(kind_of(target)) if target is not None else "not in the ledger"
            raise IntegrityError(
                f"{label}: revokes {short_id(statement['target'])}, which is {what}: only "
                "requests and sign-offs can be revoked"
            )
        refusal = revocation_refusal(official, target, *self._requesters_of(target))
        if refusal is not None:
            raise IntegrityError(f"{label}: {refusal}")
        return _built(
            Revocation,
            {
                "id": statement_id,
                "target": target.id,
                "signer": official.id,
                "reason": statement["reason"],
                "at": created,
                "key": _identity(envelope.signatures[0].key),
            },
        )

    def _requester_of(self, target: Request | SignOff) -> str | None:
        """Who made the request ``target`` is, or is a sign-off of."""
        request = target if isinstance(target, Request) else self._records.get(target.request)
        return request.requester if isinstance(request, Request) else None

    def _requesters_of(self, target: Request | SignOff) -> tuple[str | None, frozenset[str]]:
        """Who made the request ``target`` is (or is a sign-off of), and who made any request
        for the same bytes (a rejection blocks them all)."""
        sha256 = target.sha256 if isinstance(target, Request) else target.artifact_sha256
        others = frozenset(r.requester for r in self._requests_by_sha.get(sha256, ()))
        return self._requester_of(target), others

    def _requested_by(self, revocation: Revocation, at: datetime | None) -> bool:
        """Whether ``revocation`` withdraws someone else's rejection of bytes its signer
        requested (by ``at``, before or after the withdrawal): then it does not count."""
        target = self._records.get(revocation.target)
        if not isinstance(target, SignOff) or target.approves:
            return False
        if target.signer == revocation.signer:
            return False
        return any(
            r.requester == revocation.signer and (at is None or r.at <= at)
            for r in self._requests_by_sha.get(target.artifact_sha256, ())
        )

    def withdrawal_by_requester(
        self, signoff: SignOff, at: datetime | None = None
    ) -> Revocation | None:
        """A withdrawal of the rejection ``signoff`` that does not count because its signer
        requested those bytes (see ``revocation_of``), or None: for the decision's words."""
        for revocation in self._revocations.get(signoff.id, ()):
            if (at is None or revocation.at <= at) and self._requested_by(revocation, at):
                return revocation
        return None

    def _check_export(
        self, envelope: Envelope, statement_id: str, label: str, created: datetime
    ) -> Export:
        statement = envelope.statement
        official = self._signed_by(envelope, label, created)
        artifact = Artifact.from_dict(statement["artifact"])
        ref = statement["policy"]
        self._adoption_ref(ref, label)
        request_id = statement["request"]
        if request_id is not None:
            request = self._records.get(request_id)
            if not isinstance(request, Request) or request.sha256 != artifact.sha256:
                raise IntegrityError(
                    f"{label}: names request {short_id(request_id)}, which is not a request "
                    "for this file in the ledger"
                )
        for signoff_id in statement["signoffs"]:
            signoff = self._records.get(signoff_id)
            if not isinstance(signoff, SignOff) or signoff.request != request_id:
                raise IntegrityError(
                    f"{label}: names sign-off {short_id(signoff_id)}, which is not a sign-off "
                    "of its request in the ledger"
                )
        _check_exposure(statement, label)
        return _built(
            Export,
            {
                "id": statement_id,
                "signer": official.id,
                "artifact": artifact,
                "destination": statement["destination"],
                "request": request_id,
                "signoffs": tuple(statement["signoffs"]),
                "policy_id": ref["id"],
                "policy_version": ref["version"],
                "adoption": ref["adoption"],
                "at": created,
            },
        )

    def _check_redaction(
        self, envelope: Envelope, statement_id: str, label: str, created: datetime
    ) -> Redaction:
        statement = envelope.statement
        official = self._signed_by(envelope, label, created)
        return Redaction(
            id=statement_id,
            signer=official.id,
            source=Artifact.from_dict(statement["source"]),
            derivative=Artifact.from_dict(statement["derivative"]),
            removed=tuple(statement["removed"]),
            at=created,
        )

    def _check_blocked(
        self, envelope: Envelope, statement_id: str, label: str, created: datetime
    ) -> Blocked:
        statement = envelope.statement
        official = self._signed_by(envelope, label, created, service=True)
        if not official.holds(SERVICE):
            raise IntegrityError(
                f"{label}: {official.id} does not hold the role {SERVICE!r} in the roster in "
                "force: only a gate's service key records a refusal"
            )
        return Blocked(
            id=statement_id,
            signer=official.id,
            artifact=Artifact.from_dict(statement["artifact"]),
            verdict=statement["verdict"],
            site=statement["site"],
            reason=statement.get("reason"),
            at=created,
        )

    def _check_incident(
        self, envelope: Envelope, statement_id: str, label: str, created: datetime
    ) -> IncidentRecord:
        """The rules of ``approval.trust.incidents`` (a privacy officer's statements)."""
        official = self._signed_by(envelope, label, created)
        return incidents.check(envelope.statement, statement_id, label, created, official, self)

    def _check_checkpoint(
        self, envelope: Envelope, statement_id: str, label: str, created: datetime
    ) -> Checkpoint:
        """The rules of ``approval.trust.witness`` (the verifier checks the head and digest)."""
        from approval.trust import witness

        official = self._signed_by(envelope, label, created)
        return witness.check(
            envelope.statement,
            statement_id,
            label,
            created,
            official,
            self._adoptions[-1].policy,
            key_identity(envelope.signatures[0].key),
        )

    def _add(self, record: Record) -> None:
        self._records[record.id] = record
        if self._latest is None or record.at > self._latest:
            self._latest = record.at
        if isinstance(record, Adoption):
            self._adoptions.append(record)
            self._keys = _key_index(record.roster)
        elif isinstance(record, Request):
            self._requests_by_sha.setdefault(record.sha256, []).append(record)
        elif isinstance(record, SignOff):
            self._signoffs_by_request.setdefault(record.request, []).append(record)
        elif isinstance(record, Revocation):
            self._revocations.setdefault(record.target, []).append(record)
        elif isinstance(record, Export):
            self._exports_by_sha.setdefault(record.artifact.sha256, []).append(record)
        elif isinstance(record, Blocked):
            self._blocked_by_sha.setdefault(record.artifact.sha256, []).append(record)
        elif isinstance(record, incidents.RECORDS):
            opened = record.id if isinstance(record, IncidentOpen) else record.incident
            self._incidents.setdefault(opened, []).append(record)
        elif isinstance(record, Checkpoint):
            self._checkpoints.append(record)
        else:
            self._redactions_by_sha.setdefault(record.source.sha256, []).append(record)
            if record.derivative.sha256 != record.source.sha256:
                self._redactions_by_sha.setdefault(record.derivative.sha256, []).append(record)

    # -- snapshots ----------------------------------------------------------------------------

    @classmethod
    def restore(cls, records: Iterable[Record], latest: datetime | None) -> LedgerState:
        """A state holding ``records`` (in ledger order) as a verified replay produced them,
        without checking any rule again: a saved state, or the slice of one about some
        artifacts, with every adoption (``approval.ledger.snapshot``). ``latest`` is the
        whole ledger's, so that a statement checked against a slice cannot go back in time."""
        state = cls()
        for record in records:
            state._add(record)
        state._latest = latest
        return state

    def records(self) -> tuple[Record, ...]:
        """Every record, in ledger order."""
        return tuple(self._records.values())

    # -- queries ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._records)

    @property
    def latest(self) -> datetime | None:
        """The latest ``created`` time in the ledger (None when empty)."""
        return self._latest

    @property
    def adoptions(self) -> tuple[Adoption, ...]:
        return tuple(self._adoptions)

    @property
    def current(self) -> Adoption:
        """The adoption in force now (the latest); ``UsageError`` when the ledger is empty."""
        if not self._adoptions:
            raise UsageError(
                "the ledger holds no adopted policy", hint="create it with `approval init`"
            )
        return self._adoptions[-1]

    def adoption_at(self, when: datetime) -> Adoption | None:
        """The adoption in force at ``when``: the latest one created at or before it."""
        for adoption in reversed(self._adoptions):
            if adoption.at <= when:
                return adoption
        return None

    def get(self, statement_id: str) -> Record | None:
        """The record of a full statement id, or None."""
        return self._records.get(statement_id)

    def requests_for(self, sha256: str) -> tuple[Request, ...]:
        """Every request for one artifact, in ledger order."""
        return tuple(self._requests_by_sha.get(sha256, ()))

    def signoffs_for(self, request_id: str) -> tuple[SignOff, ...]:
        """Every sign-off of one request (revoked ones too), in ledger order."""
        return tuple(self._signoffs_by_request.get(request_id, ()))

    def revocations_of(self, statement_id: str) -> tuple[Revocation, ...]:
        return tuple(self._revocations.get(statement_id, ()))

    def revocation_of(self, statement_id: str, at: datetime | None = None) -> Revocation | None:
        """The first revocation of a statement (made at or before ``at`` when given) that
        counts: one made with a key compromised by then does not (``compromised``), nor an
        admin's withdrawal of someone else's rejection of bytes the admin requested by then
        (before or after the withdrawal: a request made later must not ride on it)."""
        for revocation in self._revocations.get(statement_id, ()):
            if (
                (at is None or revocation.at <= at)
                and self.compromised(revocation, at) is None
                and not self._requested_by(revocation, at)
            ):
                return revocation
        return None

    def compromised(
        self, record: Request | SignOff | Revocation, at: datetime | None = None
    ) -> datetime | None:
        """The compromise time of the key ``record`` was signed with, when ``record`` was made
        at or after it, by the roster in force at ``at`` (now when None); else None. Such a
        statement counts for nothing (see the module doc). A record built by hand, without
        its key, is never compromised."""
        if at is not None:
            adoption = self.adoption_at(at)
        else:
            adoption = self._adoptions[-1] if self._adoptions else None
        if adoption is None or not adoption.roster.compromised or record.key is None:
            return None
        return adoption.roster.compromised_at(record.key, record.at)

    def same_policy(self, adoption_id: str, adoption: Adoption) -> bool:
        """Whether the adoption ``adoption_id`` (a request's) is ``adoption`` or one of the same
        policy epoch: roster-only adoptions between them keep requests and approvals."""
        if adoption_id == adoption.id:
            return True
        named = self._records.get(adoption_id)
        return isinstance(named, Adoption) and named.policy_epoch == adoption.policy_epoch

    def is_revoked(self, statement_id: str, at: datetime | None = None) -> bool:
        return self.revocation_of(statement_id, at) is not None

    def exports_for(self, sha256: str) -> tuple[Export, ...]:
        return tuple(self._exports_by_sha.get(sha256, ()))

    def redactions_for(self, sha256: str) -> tuple[Redaction, ...]:
        """Redactions whose source or derivative is this artifact."""
        return tuple(self._redactions_by_sha.get(sha256, ()))

    def checkpoints(self) -> tuple[Checkpoint, ...]:
        """Every checkpoint (and cosignature), in ledger order."""
        return tuple(self._checkpoints)

    def blocked_for(self, sha256: str) -> tuple[Blocked, ...]:
        """Every recorded refusal of one artifact by a gate, in ledger order."""
        return tuple(self._blocked_by_sha.get(sha256, ()))

    def knows_artifact(self, sha256: str) -> bool:
        """Whether any request, export, redaction or refusal is about these bytes."""
        return any(
            sha256 in index
            for index in (
                self._requests_by_sha,
                self._exports_by_sha,
                self._redactions_by_sha,
                self._blocked_by_sha,
            )
        )

    def incidents(self) -> tuple[IncidentOpen, ...]:
        """Every incident opened, in ledger order."""
        opened = (records[0] for records in self._incidents.values())
        return tuple(r for r in opened if isinstance(r, IncidentOpen))

    def incident_records(self, incident: str) -> tuple[IncidentRecord, ...]:
        """An incident's statements, its opening first, in ledger order."""
        return tuple(self._incidents.get(incident, ()))

    def incident_closed(self, incident: str) -> bool:
        return any(isinstance(r, IncidentClose) for r in self._incidents.get(incident, ()))

    def request(self, ref: str) -> Request:
        """A request by full id or unique prefix (a 12-character short id); else ``UsageError``."""
        found = self._records.get(ref)
        if isinstance(found, Request):  # a full id, as a decision during replay names it
            return found
        record = self.resolve(ref, (Request,))
        assert isinstance(record, Request)  # resolve() returns only the kinds asked for
        return record

    def resolve(self, ref: str, kinds: tuple[type, ...] | None = None) -> Record:
        """A statement by full id or unique prefix, of one of ``kinds`` (any when None)."""
        wanted = tuple(kinds or _KIND_OF)
        what = " or ".join(_KIND_OF[k] for k in wanted) if kinds else "statement"
        text = ref.strip().lower()
        if len(text) < MIN_PREFIX or len(text) > 64 or not _HEX.fullmatch(text):
            raise UsageError(
                f"{ref!r} is not {a(what)} id",
                hint=f"give the id shown by `approval status` (at least {MIN_PREFIX} hex digits)",
            )
        if len(text) == 64:
            found = self._records.get(text)
            matches = [found] if found is not None else []
        else:
            matches = [r for i, r in self._records.items() if i.startswith(text)]
        right = [r for r in matches if isinstance(r, wanted)]
        if len(right) == 1:
            return right[0]
        if len(right) > 1:
            raise UsageError(
                f"{text} is ambiguous: {len(right)} statements start with it; give more of the id"
            )
        if matches:
            raise UsageError(f"{text} is {a(kind_of(matches[0]))}, not {a(what)}")
        raise UsageError(f"no {what} {text} in the ledger")


def replay(envelopes: Iterable[Envelope]) -> LedgerState:
    """The state after applying every envelope in ledger order (``IntegrityError`` on the first
    that breaks a trust rule)."""
    state = LedgerState()
    for envelope in envelopes:
        state.apply(envelope)
    return state


def revocation_refusal(
    official: Official,
    target: Request | SignOff,
    requester: str | None = None,
    others: Collection[str] = (),
) -> str | None:
    """Why ``official`` may not revoke ``target``, or None when they may (see the module doc).
    ``requester`` made the request ``target`` is about; ``others`` made any request for the
    same bytes."""
    owner = target.requester if isinstance(target, Request) else target.signer
    if owner == official.id:
        return None
    if isinstance(target, SignOff) and not target.approves:
        if requester is not None and requester == official.id:
            # An admin who asked for the file may not overrule the refusal of their own request.
            return f"{official.id} made this request and may not withdraw {owner}'s rejection of it"
        if official.id in others:
            # Nor by asking for the same bytes again (``--again``): the rejection blocks those.
            return (
                f"{official.id} requested the same file and may not withdraw {owner}'s "
                "rejection of it"
            )
        if official.holds(ADMIN):
            return None
        return f"{official.id} may not withdraw {owner}'s rejection: only {owner} or an admin may"
    if official.holds(ADMIN):
        return None
    if official.holds(PRIVACY_OFFICER):
        return None
    what = "request" if isinstance(target, Request) else "sign-off"
    return (
        f"{official.id} may not revoke {owner}'s {what}: only {owner}, a privacy-officer or an "
        "admin may"
    )


# -- pre-checks: the commands call these before appending, for a clear exit-1/2 message -------


def check_clock(state: LedgerState, at: datetime) -> None:
    """``UsageError`` when a statement made ``at`` would go back in time in this ledger."""
    latest = state.latest
    if latest is not None and at < latest - CLOCK_SKEW:
        raise UsageError(
            f"this computer's clock says {format_time(at)}, but the ledger already holds a "
            f"statement from {format_time(latest)}",
            hint="set the clock right and try again",
        )


def identify(state: LedgerState, key: str, at: datetime, *, service: bool = False) -> Official:
    """The official whose public ``key`` this is in the roster in force, valid at ``at``: one
    holding the role ``service`` when ``service`` (a gate's key), else one not holding it."""
    adoption = state.current
    since = adoption.roster.compromised_since(key)
    if since is not None:
        raise UsageError(
            f"key {fingerprint(key)} is named compromised since {format_time(since)} in the "
            f"roster in force ({adoption.label}): it can sign nothing more",
            hint="sign with the new key the roster gives you",
        )
    official = adoption.roster.by_key(key)
    if official is None:
        raise UsageError(
            f"key {fingerprint(key)} belongs to no official in the roster in force "
            f"({adoption.label})"
        )
    if not official.valid_at(at):
        raise UsageError(f"{official.id}'s key is not valid on {day(at)} ({_window(official)})")
    if official.holds(SERVICE) != service:
        if service:
            raise UsageError(
                f"{official.id} does not hold the role {SERVICE!r} in the roster in force "
                f"({adoption.label}): a gate records refusals with a service key",
                hint="add an official holding only the role service, with this key, to the roster",
            )
        raise UsageError(
            f"{official.id} holds the role {SERVICE!r}: a service key records a gate's "
            "refusals and signs nothing else",
            hint="sign with your own key",
        )
    return official


def active_official(state: LedgerState, official_id: str, at: datetime) -> Official:
    """The official ``official_id`` in the roster in force, valid at ``at``; else ``UsageError``."""
    official = state.current.roster.official(official_id)
    if official is None:
        raise UsageError(f"{official_id} is not in the roster in force")
    if not official.valid_at(at):
        raise UsageError(f"{official_id}'s key is not valid on {day(at)} ({_window(official)})")
    return official


def check_adoption(
    state: LedgerState, policy: Policy, roster: Roster, keys: Sequence[str], at: datetime
) -> tuple[str, ...]:
    """Whether the admins holding ``keys`` may adopt ``policy`` and ``roster`` at ``at``.

    Works for the first adoption (``approval init``, on an empty state) and later ones. Returns
    the official id for each key (for ``Signature.signer``). Raises ``ProblemsError`` when the
    documents are invalid, ``UsageError`` otherwise (version not higher, a key that is not an
    admin's, threshold not met).
    """
    check_clock(state, at)
    try:
        policy_doc, roster_doc = policy.to_dict(), roster.to_dict()
    except ValueError as e:
        raise UsageError("only a policy and roster read from files can be adopted") from e
    parse_adoption_documents(policy_doc, roster_doc, "the new")
    not_plain = plaintext.find(roster_doc, "roster")
    if not_plain is not None:  # the ledger would refuse it (``approval.trust.text``)
        raise UsageError(
            f"the {plaintext.describe(*not_plain)}: names and keys in a roster are one line of "
            "text without control or format characters",
            hint="edit the roster file",
        )
    current = state.current if state.adoptions else None
    if current is not None:
        refusal = adoption_refusal(current, policy, roster)
        if refusal is not None:
            raise UsageError(refusal[0], hint=refusal[1])
    rosters = [("the new roster", roster)]
    if current is not None:
        rosters.insert(0, ("the roster in force", current.roster))
    ids: list[str] = []
    for key in keys:
        owners = {o.id for _, r in rosters if (o := r.by_key(key)) is not None}
        if not owners:
            raise UsageError(
                f"key {fingerprint(key)} belongs to no admin of "
                + " or ".join(name for name, _ in rosters)
            )
        if len(owners) > 1:
            raise UsageError(
                f"key {fingerprint(key)} belongs to different officials in the two rosters "
                f"({', '.join(sorted(owners))})"
            )
        ids.append(owners.pop())
    pairs = [(None, k) for k in keys]
    counts = [_count_admins(name, r, pairs, at) for name, r in rosters]
    for official_id, key in zip(ids, keys, strict=True):
        why = _uncounted(counts, official_id, key)
        if why is not None:
            raise UsageError(why)
    for count in counts:
        if count.short > 0:
            where = f" ({count.name})" if current is not None else ""
            raise UsageError(
                f"{count.roster.admin_threshold} admin signatures needed{where}, "
                f"{len(count.admins)} given",
                hint="give one --key per admin",
            )
    return tuple(ids)


def check_request(
    state: LedgerState, official_id: str, classes: Iterable[str], at: datetime
) -> tuple[Rule, ...]:
    """The rules a new request for a file holding ``classes`` must satisfy.

    ``UsageError`` when the requester may not sign now, or when no rule applies (a clean file
    needs no approval: the command says so instead of recording a request).
    """
    check_clock(state, at)
    active_official(state, official_id, at)
    adoption = state.current
    rules = adoption.policy.rules_for(classes)
    if not rules:
        raise UsageError(
            f"no approval needed: no rule of {adoption.label} applies to this file",
            hint="export it with `approval export`",
        )
    return rules


def check_revocation(
    state: LedgerState, target_ref: str, official_id: str, at: datetime
) -> Request | SignOff:
    """The request or sign-off ``official_id`` may revoke at ``at`` (``UsageError`` if not)."""
    check_clock(state, at)
    official = active_official(state, official_id, at)
    target = state.resolve(target_ref, (Request, SignOff))
    assert isinstance(target, Request | SignOff)  # resolve() returns only the kinds asked for
    revoked = state.revocation_of(target.id)
    if revoked is not None:
        raise UsageError(
            f"{kind_of(target)} {short_id(target.id)} was already revoked by {revoked.signer} "
            f"on {day(revoked.at)}"
        )
    refusal = revocation_refusal(official, target, *state._requesters_of(target))
    if refusal is not None:
        raise UsageError(refusal)
    return target


__all__ = [
    "ADMIN",
    "CLOCK_SKEW",
    "PRIVACY_OFFICER",
    "SERVICE",
    "Adoption",
    "Artifact",
    "Blocked",
    "Export",
    "IncidentClose",
    "IncidentOpen",
    "IncidentRecord",
    "IncidentScope",
    "IncidentStep",
    "LedgerState",
    "Record",
    "Redaction",
    "Request",
    "Revocation",
    "SignOff",
    "a",
    "active_official",
    "adoption_refusal",
    "check_adoption",
    "check_clock",
    "check_request",
    "check_revocation",
    "day",
    "fingerprint",
    "identify",
    "kind_of",
    "parse_adoption_documents",
    "replay",
    "revocation_refusal",
    "same_policy_document",
]


def _check_exposure(statement: dict[str, Any], label: str) -> None:
    """An exposure record's ciphertext must be the bytes its signed sha256 names: checked when
    the statement is admitted, so that a record made not to match (by a rogue client) is refused
    by every replay, rather than stopping each privacy officer's later query."""
    exposure = statement.get("exposure")
    if exposure is None:
        return
    try:
        data = base64.b64decode(exposure["record"], validate=True)
    except (binascii.Error, ValueError, TypeError) as e:
        raise IntegrityError(f"{label}: its exposure record is not base64") from e
    if hashlib.sha256(data).hexdigest() != exposure["record_sha256"]:
        raise IntegrityError(f"{label}: its exposure record does not match its sha256")
    try:
        agefile.check(data, exposure["recipients"])
    except agefile.NotAge as e:
        # Invariant 7: the persons a file holds are in the ledger only encrypted.
        raise IntegrityError(
            f"{label}: its exposure record is not an age file encrypted to the keys it names "
            f"({e}): the persons it lists may be readable by anyone holding the ledger"
        ) from e
