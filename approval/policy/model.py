"""The policy and roster as plain values: frozen dataclasses, no I/O.

A model is built from a document that has already passed its JSON Schema and the semantic
checks in ``approval.policy.validate``; ``to_dict`` returns that document unchanged, which is
what an adoption statement signs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

# The detector implementations the scanner provides; the policy decides their vocabulary.
KNOWN_DETECTORS = (
    "person-name",
    "a-number",
    "email",
    "ssn",
    "passport-number",
    "receipt-number",
    "phone",
    "fin",
    "birthdate",
    "nationality",
    "detention-facility",
    "protection-claim",
)

# Files the scanner cannot read are a pseudo-class with their own rules (fail closed).
UNSCANNABLE = "unscannable"


def parse_time(text: str, *, end_of_day: bool = False) -> datetime:
    """An ISO date or date-time as an aware UTC datetime.

    A bare date means the start of that day, or with ``end_of_day`` the start of the next one,
    so that ``valid_until: 2027-06-30`` covers all of the 30th (and ``9999-12-31``, which has no
    next day, runs to the end of time). Raises ``ValueError`` for anything that is not a real
    date or time in range, ``2026-02-30`` included: callers turn it into a problem at a line.
    """
    text = text.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            if not end_of_day:
                return start
            if day == date.max:
                return datetime.max.replace(tzinfo=UTC)
            return start + timedelta(days=1)
        value = datetime.fromisoformat(text.replace(" ", "T").replace("Z", "+00:00"))
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    except OverflowError as e:
        # An offset that pushes year 1 or 9999 out of range; one kind of error for callers.
        raise ValueError("out of the range of dates") from e


def key_identity(key: str) -> str:
    """An OpenSSH public key line without its comment: ``type base64``."""
    parts = key.split()
    return " ".join(parts[:2])


@dataclass(frozen=True)
class Official:
    id: str
    name: str
    roles: tuple[str, ...]
    keys: tuple[str, ...]
    valid_from: datetime | None = None
    valid_until: datetime | None = None  # exclusive

    def holds(self, role: str) -> bool:
        return role in self.roles

    def valid_at(self, when: datetime) -> bool:
        """Whether the official's keys may sign at ``when``."""
        if self.valid_from is not None and when < self.valid_from:
            return False
        return self.valid_until is None or when < self.valid_until

    def has_key(self, key: str) -> bool:
        wanted = key_identity(key)
        return any(key_identity(k) == wanted for k in self.keys)

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> Official:
        return cls(
            id=doc["id"],
            name=doc["name"],
            roles=tuple(doc["roles"]),
            keys=tuple(doc["keys"]),
            valid_from=parse_time(doc["valid_from"]) if "valid_from" in doc else None,
            valid_until=(
                parse_time(doc["valid_until"], end_of_day=True) if "valid_until" in doc else None
            ),
        )


@dataclass(frozen=True)
class Compromise:
    """A key reported lost or stolen (``compromised`` in the roster): from ``since`` on,
    nothing it signs counts; what it signed before keeps counting (OpenSSH's ``@revoked`` with
    a time, TUF's key revocation)."""

    key: str  # ``type base64``, without a comment
    since: datetime

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> Compromise:
        return cls(key=key_identity(doc["key"]), since=parse_time(doc["since"]))


@dataclass(frozen=True)
class Roster:
    officials: tuple[Official, ...]
    admin_threshold: int
    version: int = 1
    document: dict[str, Any] | None = None
    compromised: tuple[Compromise, ...] = ()

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> Roster:
        return cls(
            officials=tuple(Official.from_dict(o) for o in doc["officials"]),
            admin_threshold=doc["admins"]["threshold"],
            version=doc.get("version", 1),
            document=doc,
            compromised=tuple(Compromise.from_dict(c) for c in doc.get("compromised", ())),
        )

    def compromised_since(self, key: str) -> datetime | None:
        """When ``key`` (any comment) was reported compromised, or None: the earliest time
        the roster names for it."""
        wanted = key_identity(key)
        times = [c.since for c in self.compromised if c.key == wanted]
        return min(times) if times else None

    def compromised_at(self, key: str, when: datetime) -> datetime | None:
        """The compromise time of ``key`` when a statement made at ``when`` falls after it."""
        since = self.compromised_since(key)
        return since if since is not None and when >= since else None

    def to_dict(self) -> dict[str, Any]:
        if self.document is None:
            raise ValueError("a roster built by hand has no document")
        return self.document

    def official(self, official_id: str) -> Official | None:
        return next((o for o in self.officials if o.id == official_id), None)

    def by_key(self, key: str) -> Official | None:
        """The official who holds this public key, whatever the key's comment."""
        return next((o for o in self.officials if o.has_key(key)), None)

    def holders(self, role: str) -> tuple[Official, ...]:
        return tuple(o for o in self.officials if o.holds(role))

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r for o in self.officials for r in o.roles)


@dataclass(frozen=True)
class Role:
    id: str
    description: str


@dataclass(frozen=True)
class Detector:
    """The vocabulary one detector implementation is driven by."""

    id: str
    element: str  # identifier | attribute | context
    description: str
    headers: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    not_terms: tuple[str, ...] = ()
    # Words that, right after a term, make it an office, a unit or a job (Credible Fear Unit).
    offices: tuple[str, ...] = ()


def _vocabulary(detector: dict[str, Any], key: str) -> tuple[str, ...]:
    """A detector's phrases of one kind: its own, then each cited group's (``vocabulary``)."""
    phrases = list(detector.get(key, ()))
    for group in detector.get("vocabulary", ()):
        phrases += [p for p in group.get(key, ()) if p not in phrases]
    return tuple(phrases)


@dataclass(frozen=True)
class DataClass:
    id: str
    cite: str
    rationale: str
    identified_by: tuple[tuple[str, ...], ...]
    context: tuple[str, ...] = ()

    def identifies(self, found: Iterable[str]) -> bool:
        """Whether detectors ``found`` in a record identify a person for this class."""
        present = set(found)
        return any(present.issuperset(alternative) for alternative in self.identified_by)


@dataclass(frozen=True)
class Requirement:
    role: str
    count: int = 1


@dataclass(frozen=True)
class Rule:
    id: str
    applies_to: tuple[str, ...]
    cite: str
    rationale: str
    require: tuple[Requirement, ...]
    valid_days: int
    distinct_signers: bool = True
    requester_may_sign: bool = False
    rejection_blocks: bool = True
    # An approval counts only when its signer rescanned the bytes (``SignOff.rescanned``): the
    # scan summary in a request is whatever the requester's client wrote.
    require_rescan: bool = False

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(r.role for r in self.require)

    @property
    def validity(self) -> timedelta:
        return timedelta(days=self.valid_days)


@dataclass(frozen=True)
class CheckpointRule:
    """``checkpoints:`` in a policy: the role whose holders sign checkpoints, how many distinct
    ones must sign one head for a clone to start from it, and (optionally) after how many
    entries a new one is due."""

    role: str
    threshold: int = 1
    every: int | None = None

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> CheckpointRule:
        return cls(doc["role"], doc.get("threshold", 1), doc.get("every"))


@dataclass(frozen=True)
class Policy:
    id: str
    version: int
    title: str
    cite: str
    rationale: str
    roles: tuple[Role, ...]
    detectors: tuple[Detector, ...]
    classes: tuple[DataClass, ...]
    rules: tuple[Rule, ...]
    unscannable_as: str
    document: dict[str, Any] | None = None
    # Scan bounds (``limits`` in the document): names of ``approval.detect.units.Limits``
    # fields to their values; a bound not named keeps the scanner's default.
    limits: dict[str, float] = field(default_factory=dict)
    # Who vouches for the ledger's state at a head (``checkpoints`` in the document); None:
    # the policy names no one, and no checkpoint can be made.
    checkpoints: CheckpointRule | None = None

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> Policy:
        classes = tuple(
            DataClass(
                id=c["id"],
                cite=c["cite"],
                rationale=c["rationale"],
                identified_by=tuple(tuple(alt) for alt in c["identified_by"]),
                context=tuple(c.get("context", ())),
            )
            for c in doc["classes"]
        )
        return cls(
            id=doc["id"],
            version=doc["version"],
            title=doc["title"],
            cite=doc["cite"],
            rationale=doc["rationale"],
            roles=tuple(Role(r["id"], r["description"]) for r in doc["roles"]),
            detectors=tuple(
                Detector(
                    id=d["id"],
                    element=d["element"],
                    description=d["description"],
                    headers=_vocabulary(d, "headers"),
                    terms=_vocabulary(d, "terms"),
                    acronyms=_vocabulary(d, "acronyms"),
                    not_terms=_vocabulary(d, "not_terms"),
                    offices=_vocabulary(d, "offices"),
                )
                for d in doc["detectors"]
            ),
            classes=classes,
            rules=tuple(
                Rule(
                    id=r["id"],
                    applies_to=tuple(r["applies_to"]),
                    cite=r["cite"],
                    rationale=r["rationale"],
                    require=tuple(Requirement(q["role"], q.get("count", 1)) for q in r["require"]),
                    valid_days=r["valid_days"],
                    distinct_signers=r.get("distinct_signers", True),
                    requester_may_sign=r.get("requester_may_sign", False),
                    rejection_blocks=r.get("rejection_blocks", True),
                    require_rescan=r.get("require_rescan", False),
                )
                for r in doc["rules"]
            ),
            # Fail closed: without a word from the policy, an unreadable file is treated like
            # the first (strictest) class.
            unscannable_as=doc.get("unscannable", {}).get("treat_as", classes[0].id),
            document=doc,
            limits=dict(doc.get("limits", {})),
            checkpoints=(
                CheckpointRule.from_dict(doc["checkpoints"]) if "checkpoints" in doc else None
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        if self.document is None:
            raise ValueError("a policy built by hand has no document")
        return self.document

    def detector(self, detector_id: str) -> Detector | None:
        return next((d for d in self.detectors if d.id == detector_id), None)

    def data_class(self, class_id: str) -> DataClass | None:
        return next((c for c in self.classes if c.id == class_id), None)

    @property
    def role_ids(self) -> frozenset[str]:
        return frozenset(r.id for r in self.roles)

    def rules_for(self, classes: Iterable[str]) -> tuple[Rule, ...]:
        """Every rule that applies to a file holding ``classes`` (``unscannable`` included)."""
        wanted = {self.unscannable_as if c == UNSCANNABLE else c for c in classes}
        return tuple(r for r in self.rules if wanted.intersection(r.applies_to))
