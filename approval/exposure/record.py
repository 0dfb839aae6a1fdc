"""An exposure record as a request or an export carries it: pure.

Design (why a field, not a statement kind of its own). The record rides in the ``exposure``
field of the very ``request`` and ``export`` statement it is about (``approval.statements.kinds
.Exposure``): the ciphertext, base64, with its sha256, the fingerprints of the keys it was
encrypted to, and the count. So:

- it is bound by the same signature as the export it describes, admitted by the one verifier
  with it (schema, signature, signer in the roster, the export rule), with no rule to add: a
  separate statement would need its own "names a real export, by its exporter" rule, and could
  go missing (a crash between two appends, a patched client that skips it) without the export
  saying so. Here an export of protected bytes without a record is visible in the export itself;
- it costs one append, not two (one signature, one commit, one push), which keeps the record
  inside the overhead budget of ``request`` and ``export``;
- the ledger keeps one readable JSON file per statement (DESIGN.md): a blob beside the entry
  would be a second file kind that replay, sync, clone and ``audit --export`` all must learn.
  Age ciphertext of 6,252 persons is ~40 KB of base64: small beside git's per-commit cost.

The request's record is the persons the publisher's scan found, encrypted to the privacy
officers in force when it was made; the export's record is the persons of the very bytes the
gate copied out, from the gate's own scan, encrypted to the privacy officers in force at the
export: after a roster change, new records go to the new officers, and an export never depends
on a record made for another roster. The plaintext is never hashed, only encrypted (see
``sealing``): no field is a function of a person that can be computed without a private key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from approval.errors import IntegrityError
from approval.exposure.sealing import encrypt, groups, recipients_usable
from approval.policy.model import Roster
from approval.statements.kinds import Exposure

DEFAULT_ROLE = "privacy-officer"


def settings(policy_document: dict[str, Any] | None) -> tuple[str, bool]:
    """The policy's ``exposure`` settings: the role records are encrypted to, and whether
    exports that need no approval are recorded (sha256, size, destination)."""
    doc = (policy_document or {}).get("exposure") or {}
    return str(doc.get("role", DEFAULT_ROLE)), bool(doc.get("record_clean_exports", True))


def recipient_keys(roster: Roster, role: str, at: datetime) -> list[str]:
    """The public keys of the officials holding ``role`` at ``at`` that age can encrypt to,
    each once, in roster order (a key reported compromised is left out)."""
    lines: list[str] = []
    for official in roster.holders(role):
        if not official.valid_at(at):
            continue
        for line in official.keys:
            bare = " ".join(line.split()[:2])
            if bare not in lines and roster.compromised_at(bare, at) is None:
                lines.append(bare)
    usable, _ = recipients_usable(lines)
    return usable


def seal_persons(persons: Iterable[str | Sequence[str]], public_lines: list[str]) -> Exposure:
    """The ``exposure`` field for ``persons`` (each a key, or a person's keys strongest first:
    ``FileReport.identity_groups``), encrypted to ``public_lines``; its count is the number of
    distinct persons, not of keys."""
    from approval.signing.keys import fingerprint

    distinct = groups(persons)
    ciphertext = encrypt(distinct, public_lines)
    return Exposure(
        record_sha256=hashlib.sha256(ciphertext).hexdigest(),
        recipients=tuple(sorted({fingerprint(line) for line in public_lines})),
        count=len(distinct),
        record=base64.b64encode(ciphertext).decode("ascii"),
    )


def ciphertext(doc: dict[str, Any], label: str) -> bytes:
    """The ciphertext of an ``exposure`` field as stored, checked against its sha256: an
    ``IntegrityError`` (exit 3) when the signed hash and the bytes disagree."""
    try:
        data = base64.b64decode(doc["record"], validate=True)
    except (binascii.Error, KeyError, TypeError, ValueError) as e:
        raise IntegrityError(f"{label}: its exposure record is not base64") from e
    if hashlib.sha256(data).hexdigest() != doc.get("record_sha256"):
        raise IntegrityError(f"{label}: its exposure record does not match its sha256")
    return data


def exposure_for(
    policy_document: dict[str, Any] | None,
    roster: Roster,
    persons: Iterable[str | Sequence[str]],
    at: datetime,
) -> Exposure:
    """The record of ``persons`` for a statement made at ``at``, encrypted to the officials
    holding the policy's exposure role in ``roster`` (the roster in force). Fails closed
    (``ExposureError``, exit 2) when none has a key age can encrypt to: a protected file is
    never requested or exported without its record."""
    role, _ = settings(policy_document)
    return seal_persons(persons, recipient_keys(roster, role, at))
