"""One frozen dataclass per statement kind, with symmetric ``to_dict``/``from_dict``.

``from_dict(to_dict(s)) == s`` for every statement, and ``to_dict(from_dict(d)) == d`` for every
schema-valid statement document ``d`` (whose ``created`` is a real time): an optional field is
absent from the document exactly when it is None here, and a field that the schema requires but
allows to be null (``seen_head``, an export's ``request``, an adoption's ``previous``) is always
written. The JSON Schema (``approval/schemas/statement.schema.json``) and these classes are
checked against each other by ``tests/statements/test_kinds.py``.

Adding a kind is one class here (listed in ``CLASSES``) and its branch in the schema. The
documents a statement carries whole (an adoption's policy and roster, a request's scan summary)
stay plain JSON values: what is signed is exactly what was read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from datetime import datetime
from typing import Any, ClassVar, TypeVar

from approval.statements import STATEMENT_TYPE, format_time, parse_statement_time

_COMMON = ("type", "kind", "created", "seen_head")
_R = TypeVar("_R")
_new = object.__new__
_set = object.__setattr__


def built(cls: type[_R], fields: dict[str, Any]) -> _R:
    """``cls(**fields)`` for a dataclass given every one of its fields, in order, without a
    frozen dataclass's ``object.__setattr__`` per field (~2 us a sign-off; replay builds a
    record per statement, and a checkpoint's rebuild one per record). Only for classes that
    check nothing in ``__init__`` (no ``__post_init__``); ``fields`` becomes the object's
    ``__dict__``, not a copy. A test compares each with what ``__init__`` makes."""
    made = _new(cls)
    _set(made, "__dict__", fields)
    return made


@dataclass(frozen=True, kw_only=True)
class Artifact:
    """The bytes a statement is about: sha256, size and the file's base name."""

    sha256: str
    size: int
    name: str

    def to_dict(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "size": self.size, "name": self.name}

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Artifact:
        _exact(doc, {"sha256", "size", "name"}, "artifact")
        # Replay reads one for half its statements.
        return built(cls, {"sha256": doc["sha256"], "size": doc["size"], "name": doc["name"]})


@dataclass(frozen=True, kw_only=True)
class PolicyRef:
    """The policy a statement was made under, and the adoption that put it in force."""

    id: str
    version: int
    adoption: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "adoption": self.adoption}

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> PolicyRef:
        _exact(doc, {"id", "version", "adoption"}, "policy")
        return cls(id=doc["id"], version=doc["version"], adoption=doc["adoption"])


@dataclass(frozen=True, kw_only=True)
class Exposure:
    """Which persons a request's or an export's bytes hold, readable by the privacy officers
    only (``approval.exposure``): the age ciphertext (base64) of their identity keys, bound by
    its sha256, the fingerprints of the keys it was encrypted to, and how many persons."""

    record_sha256: str
    recipients: tuple[str, ...]
    count: int
    record: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "record_sha256": self.record_sha256,
            "recipients": list(self.recipients),
            "count": self.count,
            "record": self.record,
        }

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Exposure:
        _exact(doc, {"record_sha256", "recipients", "count", "record"}, "exposure")
        return cls(
            record_sha256=doc["record_sha256"],
            recipients=tuple(doc["recipients"]),
            count=doc["count"],
            record=doc["record"],
        )


def _exact(doc: Mapping[str, Any], names: set[str], what: str) -> None:
    if not isinstance(doc, Mapping) or set(doc) != names:
        raise ValueError(f"{what} must have exactly the fields {', '.join(sorted(names))}")


# How one field is written to and read from a statement document.
_Codec = tuple[Callable[[Any], Any], Callable[[Any], Any]]
_PLAIN: _Codec = (lambda v: v, lambda v: v)
_ARTIFACT: _Codec = (Artifact.to_dict, Artifact.from_dict)
_POLICY: _Codec = (PolicyRef.to_dict, PolicyRef.from_dict)
_STRINGS: _Codec = (list, tuple)
_EXPOSURE: _Codec = (Exposure.to_dict, Exposure.from_dict)


# Field metadata naming the codec of a field that is not written as it is.
_AN_ARTIFACT = {"codec": _ARTIFACT}
_A_POLICY = {"codec": _POLICY}
_A_LIST = {"codec": _STRINGS}
_AN_EXPOSURE = {"codec": _EXPOSURE}


S = TypeVar("S", bound="Statement")


@dataclass(frozen=True, kw_only=True)
class Statement:
    """What every statement says: when it was made and the ledger head its signer saw."""

    KIND: ClassVar[str] = ""
    created: datetime
    seen_head: str | None  # None only for the first adoption

    def to_dict(self) -> dict[str, Any]:
        """The statement document: what is signed (as canonical JSON) and stored."""
        doc: dict[str, Any] = {
            "type": STATEMENT_TYPE,
            "kind": self.KIND,
            "created": format_time(self.created),
            "seen_head": self.seen_head,
        }
        for f in fields(self):
            if f.name in _COMMON:
                continue
            value = getattr(self, f.name)
            if value is None and f.default is None:  # an optional field that is absent
                continue
            encode, _ = f.metadata.get("codec", _PLAIN)
            doc[f.name] = encode(value)
        return doc

    @classmethod
    def from_dict(cls: type[S], doc: Mapping[str, Any]) -> S:
        """The statement in ``doc``; ``ValueError`` (or ``KeyError`` for a missing field) when
        it is not one of this kind. Values are checked by the schema, not here."""
        if doc.get("type") != STATEMENT_TYPE or doc.get("kind") != cls.KIND:
            raise ValueError(f"not a {cls.KIND} statement")
        known = {f.name for f in fields(cls)}
        unknown = set(doc) - known - {"type", "kind"}
        if unknown:
            raise ValueError(f"a {cls.KIND} has no field {sorted(unknown)[0]!r}")
        values: dict[str, Any] = {"created": parse_statement_time(doc["created"])}
        for f in fields(cls):
            if f.name == "created":
                continue
            if f.name in doc:
                _, decode = f.metadata.get("codec", _PLAIN)
                values[f.name] = decode(doc[f.name])
            elif f.default is MISSING:
                raise KeyError(f.name)
        return cls(**values)

    @classmethod
    def required(cls) -> frozenset[str]:
        """The fields every document of this kind has (common ones included)."""
        own = {f.name for f in fields(cls) if f.default is MISSING}
        return frozenset(own | {"type", "kind"})

    @classmethod
    def optional(cls) -> frozenset[str]:
        return frozenset(f.name for f in fields(cls) if f.default is not MISSING)


@dataclass(frozen=True, kw_only=True)
class Adoption(Statement):
    """A policy and roster put in force by the admin threshold (of both rosters, after the
    first). The documents are kept as read: they are what the admins signed."""

    KIND: ClassVar[str] = "adoption"
    policy: dict[str, Any] = field(hash=False)
    roster: dict[str, Any] = field(hash=False)
    previous: str | None  # the adoption this one replaces; None for the first


@dataclass(frozen=True, kw_only=True)
class Request(Statement):
    """A publisher asks to export one artifact, with the scan summary (never a value)."""

    KIND: ClassVar[str] = "request"
    signer: str
    artifact: Artifact = field(metadata=_AN_ARTIFACT)
    policy: PolicyRef = field(metadata=_A_POLICY)
    purpose: str
    destination: str
    scan: dict[str, Any] = field(hash=False)
    again: str | None = None  # why a new request was made for bytes with a live one
    exposure: Exposure | None = field(default=None, metadata=_AN_EXPOSURE)  # the persons, sealed


@dataclass(frozen=True, kw_only=True)
class SignOff(Statement):
    """An official's approve or reject of one request, under one role."""

    KIND: ClassVar[str] = "signoff"
    signer: str
    request: str
    artifact_sha256: str
    decision: str  # approve | reject
    role: str
    comment: str | None = None
    rescanned: bool | None = None  # absent in sign-offs made before clients rescanned
    summary_sha256: str | None = None


@dataclass(frozen=True, kw_only=True)
class Revocation(Statement):
    """The withdrawal of a request or a sign-off."""

    KIND: ClassVar[str] = "revocation"
    signer: str
    target: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class Export(Statement):
    """An artifact left through the gate, to where, on which sign-offs."""

    KIND: ClassVar[str] = "export"
    signer: str
    artifact: Artifact = field(metadata=_AN_ARTIFACT)
    destination: str
    request: str | None  # None: the exporter found that the file needed no approval
    signoffs: tuple[str, ...] = field(metadata=_A_LIST)
    policy: PolicyRef = field(metadata=_A_POLICY)
    exposure: Exposure | None = field(default=None, metadata=_AN_EXPOSURE)  # the persons, sealed


@dataclass(frozen=True, kw_only=True)
class Redaction(Statement):
    """A derivative made from an artifact, with what was removed (descriptions, no values)."""

    KIND: ClassVar[str] = "redaction"
    signer: str
    source: Artifact = field(metadata=_AN_ARTIFACT)
    derivative: Artifact = field(metadata=_AN_ARTIFACT)
    removed: tuple[str, ...] = field(metadata=_A_LIST)


@dataclass(frozen=True, kw_only=True)
class Blocked(Statement):
    """A gate refused an artifact (``approval serve``: the web server's door held), signed by
    the service's own official (role ``service``). A record only: it changes no decision. It
    names the bytes (sha256, size, the safe base name), the verdict and the decision's facts,
    and the site: never the file's content or a person's name."""

    KIND: ClassVar[str] = "blocked"
    signer: str
    artifact: Artifact = field(metadata=_AN_ARTIFACT)
    verdict: str  # protected | unscannable
    site: str  # which door: the service's site name
    reason: str | None = None  # the category of refusal, in the decision's words (no names)


# An incident (issue 16): a privacy officer runs it in the ledger, one signed statement per
# action. Each names the bytes it is about (``artifact_sha256``): the incident's own slice of the
# saved state (``approval.ledger.snapshot``) holds it. Counts, ids and hashes only, never a
# person or anything read from the file.


@dataclass(frozen=True, kw_only=True)
class IncidentOpen(Statement):
    """An incident opened on bytes found exposed: known to the ledger (``source`` ``ledger``),
    refused at a gate (``blocked``, naming that statement) or found outside it (``found``)."""

    KIND: ClassVar[str] = "incident-open"
    signer: str
    artifact_sha256: str
    size: int
    source: str  # ledger | blocked | found
    found_time: str  # when it was found (statement time format)
    found_at: str | None = None  # where: a URL or a place, as the officer wrote it
    blocked: str | None = None  # the ``blocked`` statement it was opened from
    persons: int | None = None  # how many persons the found copy holds, when scanned


@dataclass(frozen=True, kw_only=True)
class IncidentScope(Statement):
    """What an incident reaches: the exports of the same bytes, the other exports holding any
    of the same persons (ids), and how many persons (counts; None when no record says)."""

    KIND: ClassVar[str] = "incident-scope"
    signer: str
    incident: str
    artifact_sha256: str
    exports: tuple[str, ...] = field(metadata=_A_LIST)
    related: tuple[str, ...] = field(metadata=_A_LIST)
    persons: int | None = None
    shared: int | None = None  # persons the related exports hold too


@dataclass(frozen=True, kw_only=True)
class IncidentStep(Statement):
    """A containment or notification step, when it was taken and who recorded it."""

    KIND: ClassVar[str] = "incident-step"
    signer: str
    incident: str
    artifact_sha256: str
    step: str  # see approval.trust.incidents.STEPS
    taken_at: str  # when it was done (statement time format)
    text: str | None = None
    count: int | None = None  # persons notified, letters sent...


@dataclass(frozen=True, kw_only=True)
class IncidentClose(Statement):
    """The end of an incident, with a summary: nothing more may be recorded on it."""

    KIND: ClassVar[str] = "incident-close"
    signer: str
    incident: str
    artifact_sha256: str
    summary: str


@dataclass(frozen=True, kw_only=True)
class Checkpoint(Statement):
    """A witness vouches for the verified state at ``head`` (the ``count``-th entry): the sha256
    of its canonical serialization (:mod:`approval.trust.checkpoint`), the serialization itself
    in ``state`` when this checkpoint is the one that carries it (a cosignature leaves it out).
    A fresh clone starts from it (``approval.ledger.checkpoints``); ``audit`` checks it."""

    KIND: ClassVar[str] = "checkpoint"
    signer: str
    head: str
    count: int
    format: str
    state_sha256: str
    state: str | None = field(default=None, hash=False, repr=False)


# Every kind, in the order of ``approval.statements.KINDS``.
CLASSES: tuple[type[Statement], ...] = (
    Adoption,
    Request,
    SignOff,
    Revocation,
    Export,
    Redaction,
    Blocked,
    IncidentOpen,
    IncidentScope,
    IncidentStep,
    IncidentClose,
    Checkpoint,
)
BY_KIND: dict[str, type[Statement]] = {cls.KIND: cls for cls in CLASSES}


def from_dict(doc: Mapping[str, Any]) -> Statement:
    """The typed statement of a document of any kind (``ValueError`` for an unknown kind)."""
    cls = BY_KIND.get(str(doc.get("kind")))
    if cls is None:
        raise ValueError(f"unknown statement kind {str(doc.get('kind'))[:40]!r}")
    return cls.from_dict(doc)


__all__ = [
    "BY_KIND",
    "CLASSES",
    "Adoption",
    "Artifact",
    "Blocked",
    "Checkpoint",
    "Export",
    "IncidentClose",
    "IncidentOpen",
    "IncidentScope",
    "IncidentStep",
    "PolicyRef",
    "Redaction",
    "Request",
    "Revocation",
    "SignOff",
    "Statement",
    "from_dict",
]
