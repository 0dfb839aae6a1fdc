"""The trust rules of a ``checkpoint`` statement, and the record it becomes. Pure.

A checkpoint is signed by an official holding the role the policy in force names in its
``checkpoints`` section (``witness`` in the default policy); a policy without that section lets
no one make one. It names an earlier ledger head, the count of entries up to it, the format and
the sha256 of the verified state there (:mod:`approval.trust.checkpoint`), and, when it is the
one that carries it, the serialized state itself, whose sha256 must be the one it names.

The state is carried zlib-compressed and base64-encoded (:func:`carry`): a JSON string of JSON
lines would escape every quote, and RFC 8785 escaping of tens of megabytes costs more than the
replay it saves; compressed, it is also a tenth of the size in the ledger. The digest is of the
document itself, uncompressed: what a witness vouches for is the state, not one encoding of it.

Where the named head sits, and whether the digest is the state's at that head, the verifier
checks (:meth:`approval.trust.verifier.Verifier.admit`): it knows the history's commits and,
when it holds the whole state, the state. ``LedgerState`` calls :func:`check` with the official
``_signed_by`` found.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import zlib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from approval.errors import IntegrityError
from approval.policy import Official, Policy

KIND = "checkpoint"
FORMAT = "approval-state/1"
# The largest state document a checkpoint may unpack to: far above a 100k ledger's (~60 MB),
# far below what would exhaust a CI runner's memory (a compressed bomb is refused).
MAX_STATE_BYTES = 2**31


def carry(document: bytes) -> str:
    """The state ``document`` as a checkpoint carries it (compressed, base64)."""
    return base64.b64encode(zlib.compress(document, 6)).decode("ascii")


# The last one kept: a fresh clone's first command unpacks the newest checkpoint's state three
# times otherwise (parsed ahead, checked, caught up: ~0.13 s each at 100k entries).
@lru_cache(maxsize=1)
def carried(state: str) -> bytes:
    """The state document a checkpoint carries; ``IntegrityError`` when it holds none."""
    try:
        packed = base64.b64decode(state, validate=True)
        unpacker = zlib.decompressobj()
        document = unpacker.decompress(packed, MAX_STATE_BYTES)
    except (binascii.Error, ValueError, zlib.error) as e:
        raise IntegrityError(f"the state it carries is not readable ({e})") from e
    if unpacker.unconsumed_tail or not unpacker.eof or unpacker.unused_data:
        raise IntegrityError("the state it carries is not one compressed document of bounded size")
    return document


@lru_cache(maxsize=1)
def carried_sha256(state: str) -> str:
    """The sha256 of the state document a checkpoint carries (what it names); kept as
    :func:`carried` keeps the document: the checkpoint's check and the parse ahead of it
    (``ledger.checkpoints``) both need it. ``IntegrityError`` when it carries none."""
    return hashlib.sha256(carried(state)).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    """A witness's word on the verified state at ``head`` (the ``count``-th entry)."""

    id: str
    signer: str
    head: str
    count: int
    state_sha256: str
    carries_state: bool  # the serialization is in the statement (not kept in the record)
    at: datetime
    key: str | None = None  # the key it was signed with (``type base64``)


def check(
    statement: dict[str, Any],
    statement_id: str,
    label: str,
    created: datetime,
    official: Official,
    policy: Policy,
    key: str,
) -> Checkpoint:
    """The record of a checkpoint ``official`` signed under ``policy`` (the policy in force);
    ``IntegrityError`` when the policy names no checkpoint role, the official does not hold it,
    the format is unknown, or the carried state is not the one whose digest it names."""
    rule = policy.checkpoints
    if rule is None:
        raise IntegrityError(
            f"{label}: policy {policy.id} v{policy.version} names no checkpoint role: no one "
            "may vouch for the ledger's state under it"
        )
    if not official.holds(rule.role):
        raise IntegrityError(
            f"{label}: {official.id} does not hold the role {rule.role!r} in the roster in "
            "force: only a witness may sign a checkpoint"
        )
    if statement["format"] != FORMAT:
        raise IntegrityError(f"{label}: unknown state format {str(statement['format'])[:40]!r}")
    state = statement.get("state")
    if state is not None:
        try:
            digest = carried_sha256(state)
        except IntegrityError as e:
            raise IntegrityError(f"{label}: {e.message}") from e
        if digest != statement["state_sha256"]:
            raise IntegrityError(
                f"{label}: carries a state whose sha256 is {digest[:12]}, not the "
                f"{str(statement['state_sha256'])[:12]} it names"
            )
    return Checkpoint(
        id=statement_id,
        signer=official.id,
        head=statement["head"],
        count=int(statement["count"]),
        state_sha256=statement["state_sha256"],
        carries_state=state is not None,
        at=created,
        key=key,
    )


__all__ = [
    "FORMAT",
    "KIND",
    "MAX_STATE_BYTES",
    "Checkpoint",
    "carried",
    "carried_sha256",
    "carry",
    "check",
]
