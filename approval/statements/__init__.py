"""Ledger statements as plain values, and the one place their signed bytes are made.

A ledger entry is an *envelope*: ``{"statement": {...}, "signatures": [...]}``. What is signed
is the statement's canonical JSON (RFC 8785), and a statement's id is the sha256 of exactly
those bytes: nothing stored next to a statement can change what it says or which id it has.

Kinds (``statement["kind"]``):

- ``adoption``: a policy and roster document, signed by the admin threshold;
- ``request``: a publisher asks to export one artifact (sha256, size, name);
- ``signoff``: an official's ``approve`` or ``reject`` of one request, under one role;
- ``revocation``: withdrawal of a sign-off or a request;
- ``export``: an artifact left through the gate, to where, on which sign-offs;
- ``redaction``: a derivative was made from an artifact, with what was removed;
- ``blocked``: a gate (``approval serve``) refused an artifact, signed by a ``service`` key;
  a record only, it changes no decision.
- ``incident-open``, ``incident-scope``, ``incident-step``, ``incident-close``: a privacy
  officer's incident on exposed bytes (issue 16); counts, ids and hashes only.

Every statement names ``seen_head``: the ledger head its signer saw (DESIGN.md invariant 4).
No statement ever holds protected data: counts, column names and locations only.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from approval.errors import IntegrityError, UsageError

STATEMENT_TYPE = "https://approval.invalid/statement/v1"
KINDS = (
    "adoption",
    "request",
    "signoff",
    "revocation",
    "export",
    "redaction",
    "blocked",
    "incident-open",
    "incident-scope",
    "incident-step",
    "incident-close",
    "checkpoint",
)
# The SSH signature namespace: a signature made for this tool is never valid for another use.
NAMESPACE = "approval-ledger-v1@approval.invalid"


def canonical_json(value: Any) -> bytes:
    """RFC 8785 canonical JSON; a value it cannot represent is bad input (exit 2)."""
    import rfc8785

    try:
        data: bytes = rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as e:
        raise UsageError(f"cannot be signed as canonical JSON: {e}") from e
    return data


def signed_bytes(statement: dict[str, Any]) -> bytes:
    """The canonical JSON (RFC 8785) of a statement: the exact bytes every signature covers."""
    return canonical_json(statement)


def statement_id(statement: dict[str, Any]) -> str:
    """A statement's id: the hex sha256 of its signed bytes."""
    return hashlib.sha256(signed_bytes(statement)).hexdigest()


def short_id(full_id: str) -> str:
    """The 12-character prefix people read and type."""
    return full_id[:12]


def now() -> datetime:
    """The current time in UTC, to the second (statements carry no finer time)."""
    return datetime.now(UTC).replace(microsecond=0)


def format_time(when: datetime) -> str:
    """``2026-11-21T06:14:44Z``: the one time format in statements. Written field by field:
    ``strftime("%Y")`` gives year 1 as ``1`` on glibc, not ``0001``."""
    t = when.astimezone(UTC)
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}Z"


_STATEMENT_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


def parse_statement_time(text: str) -> datetime:
    """``ValueError`` unless ``text`` is a real UTC time in exactly the statement format.
    A pattern and ``fromisoformat`` (which reads the ``Z`` as UTC since Python 3.11): ~0.4 us
    against ~13 us for ``strptime``, which replay otherwise pays for every statement."""
    if not isinstance(text, str) or not _STATEMENT_TIME.fullmatch(text):
        raise ValueError(f"time data {text!r} does not match format '%Y-%m-%dT%H:%M:%SZ'")
    return datetime.fromisoformat(text)


@dataclass(frozen=True, slots=True)
class Signature:
    """One SSH signature over a statement's signed bytes."""

    signer: str  # official id, as the signer claimed it; verified against the roster
    key: str  # OpenSSH public key line
    signature: str  # armored SSHSIG ("-----BEGIN SSH SIGNATURE-----...")

    def to_dict(self) -> dict[str, str]:
        return {"signer": self.signer, "key": self.key, "signature": self.signature}

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> Signature:
        return cls(doc["signer"], doc["key"], doc["signature"])


@dataclass(frozen=True, slots=True)
class Envelope:
    """A statement and its signatures: one ledger entry."""

    statement: dict[str, Any]
    signatures: tuple[Signature, ...] = field(default=())

    @property
    def id(self) -> str:
        return statement_id(self.statement)

    @property
    def kind(self) -> str:
        kind: str = self.statement["kind"]
        return kind

    @property
    def created(self) -> datetime:
        return parse_statement_time(self.statement["created"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "signatures": [s.to_dict() for s in self.signatures],
        }

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> Envelope:
        """Build from a parsed entry, validating it against the statement schema."""
        validate_envelope(doc)
        return cls(doc["statement"], tuple(Signature.from_dict(s) for s in doc["signatures"]))

    def to_json(self) -> bytes:
        """The entry file's bytes: canonical, so the same entry is always the same blob."""
        return canonical_json(self.to_dict()) + b"\n"


def validate_envelope(doc: Any) -> None:
    """Raise ``IntegrityError`` when ``doc`` is not a valid ledger entry."""
    import jsonschema

    from approval.schemas import validator

    errors = list(validator("statement").iter_errors(doc))
    if errors:
        # A field that fails its kind's subschema is also "unevaluated" at the top; name the
        # real cause (a string too long), the deepest error that is not that side effect.
        real = [e for e in errors if e.validator != "unevaluatedProperties"] or errors
        error = jsonschema.exceptions.best_match([max(real, key=lambda e: len(e.absolute_path))])
        where = "/".join(map(str, error.absolute_path)) or "(top)"
        raise IntegrityError(f"invalid ledger entry at {where}: {_describe(error)}")


def _describe(error: Any) -> str:
    """What is wrong, without quoting the value: an entry may hold what it should not."""
    limit = error.validator_value
    described = {
        "maxLength": f"is longer than {limit} characters",
        "minLength": f"is shorter than {limit} characters",
        "pattern": "does not have the expected form",
        "enum": f"is not one of {limit}",
        "const": f"is not {limit!r}",
        "type": f"is not of type {limit}",
        "minimum": f"is less than {limit}",
        "maximum": f"is more than {limit}",
        "minItems": f"has fewer than {limit} items",
    }
    # "required" and the property checks name keys from the schema, never values.
    return described.get(error.validator, str(error.message)[:300])
