"""``approval checkpoint``: a witness vouches for the verified state at the ledger's head.

The witness's own client replays (or restores and catches up) the ledger, serializes the state
at the head (:mod:`approval.trust.checkpoint`) and signs its digest with the state beside it; a
fresh clone then starts from it (``approval.ledger.checkpoints``). When the newest checkpoint's
head is still the head (only checkpoints of it came after), a second witness cosigns it
instead: the same head, count and digest, computed from their own verified state, without a
second copy of the state. Without ``--key``, it says where the checkpoints stand and whether
one is due (the policy's ``checkpoints.every``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from approval.errors import IntegrityError, UsageError
from approval.ledger.replication import shared_head
from approval.ledger.session import load, read_key, sign_and_append
from approval.ledger.storage import Ledger
from approval.statements import kinds, now
from approval.trust.checkpoint import records_to_document, state_digest
from approval.trust.state import LedgerState, Record, identify
from approval.trust.witness import FORMAT, Checkpoint, carry


@dataclass(frozen=True)
class Standing:
    """Where the checkpoints stand at the head."""

    count: int  # entries in the ledger
    newest: Checkpoint | None  # the newest checkpoint's first statement
    signers: tuple[str, ...]  # distinct signers of the newest checkpointed head
    threshold: int | None  # None: the policy names no checkpoint role
    every: int | None
    since: int  # entries after the newest checkpointed head (all of them without one)

    @property
    def due(self) -> bool:
        return self.every is not None and self.since >= self.every


@dataclass(frozen=True)
class Made:
    id: str
    signer: str
    head: str
    count: int
    digest: str
    cosigned: bool  # a cosignature of a head another witness vouched for
    signers: tuple[str, ...]
    threshold: int
    state_bytes: int


def standing(state: LedgerState, count: int | None = None) -> Standing:
    """The newest checkpointed head, who vouched for it, and how far the ledger has gone since.
    ``count``: the entries in the ledger when ``state`` holds only some of them (the adoptions
    and the checkpoints a view restores: ``approval status``)."""
    count = len(state) if count is None else count
    rule = state.current.policy.checkpoints if state.adoptions else None
    found = state.checkpoints()
    newest = found[-1] if found else None
    if newest is not None:
        same = [c for c in found if (c.head, c.state_sha256) == (newest.head, newest.state_sha256)]
        newest = same[0]
        signers = tuple(dict.fromkeys(c.signer for c in same))
        since = count - newest.count
    else:
        signers, since = (), count
    return Standing(
        count,
        newest,
        signers,
        rule.threshold if rule else None,
        rule.every if rule else None,
        since,
    )


@dataclass(frozen=True)
class Notice:
    """What a person should hear about the checkpoints: ``due`` (the policy's
    ``checkpoints.every`` entries since the newest, or none yet) or ``witnesses`` (the newest
    signed by fewer witnesses than a clone needs to start from it). Information, never an
    error: without a checkpoint a fresh clone verifies more entries, and is as safe."""

    kind: str  # due | witnesses
    detail: str
    hint: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "detail": self.detail, "hint": self.hint}


def last_words(found: Standing) -> str:
    """Where the newest checkpoint is, in words: ``the last at 3f9c2a7d41e0, 2 entries ago``."""
    from approval.words import plural

    since = plural(found.since, "entry", "entries")
    if found.newest is None:
        return f"none yet, {since}"
    return f"the last at {found.newest.head[:12]}, {since} ago"


def notice(found: Standing) -> Notice | None:
    """A checkpoint due, or the newest short of its witnesses; None when neither (or the policy
    names no checkpoint role). The one wording ``approval doctor`` and ``approval status`` use."""
    if found.threshold is None:
        return None
    if found.due:
        return Notice(
            "due",
            f"a checkpoint is due: {found.since} entries "
            f"{'since the last' if found.newest is not None else 'and none yet'} "
            f"(policy: every {found.every})",
            "a witness runs `approval checkpoint`",
        )
    if found.newest is not None and len(found.signers) < found.threshold:
        return Notice(
            "witnesses",
            f"{last_words(found)}; signed by {len(found.signers)} of the {found.threshold} "
            "witnesses a clone needs to start from it",
            "another witness runs `approval checkpoint` to cosign it",
        )
    return None


def checkpoint_status(ledger: Path | None) -> Standing:
    """``approval checkpoint`` without a key: where the checkpoints stand."""
    with load(ledger) as session:
        return standing(session.state)


def _replayed_in_full(ledger: Ledger, head: str, state: LedgerState) -> tuple[Record, ...]:
    """The records at ``head`` as this client verifies them from the first entry: a witness
    vouches only for what it replayed itself. The session's state may have started from
    another witness's checkpoint (a fresh clone does), whose records before its head are that
    witness's word; signing their digest again would let one false (or stolen-key) checkpoint
    launder itself through every honest witness. Exit 3 when the two differ: the state this
    clone started from is not the ledger's."""
    from approval.ledger.verifying import replay_verified

    replayed = replay_verified(ledger, head=head).records()
    if replayed != state.records():
        raise IntegrityError(
            "the state this clone started from (a checkpoint) is not the one its own replay of "
            "the ledger gives: a false checkpoint; no checkpoint was signed",
            hint="run `approval audit`; the witnesses who signed it must answer for it",
        )
    return replayed


def make_checkpoint(ledger: Path | None, key_file: Path, passphrase_env: str | None) -> Made:
    """Sign a checkpoint of the head (or cosign the newest one, see the module doc)."""
    key = read_key(key_file, passphrase_env)
    with load(ledger) as session:
        state = session.state
        if session.head is None:
            raise UsageError("the ledger is empty: there is nothing to vouch for")
        if shared_head(session) != session.head:
            # Sync rebuilds unshared entries as new commits: a head only this clone holds could
            # vanish from the shared history, and the checkpoint with it.
            raise UsageError(
                "this clone holds entries the remote does not have yet: a checkpoint vouches "
                "for a head every office holds",
                hint="run `approval sync`, then `approval checkpoint` again",
            )
        at = now()
        official = identify(state, key.public_line, at)
        policy = state.current.policy
        rule = policy.checkpoints
        if rule is None:
            raise UsageError(
                f"policy {policy.id} v{policy.version} names no checkpoint role",
                hint="adopt a policy with a `checkpoints: {role: witness}` section",
            )
        if not official.holds(rule.role):
            raise UsageError(
                f"{official.id} does not hold the role {rule.role!r} in the roster in force: "
                "only a witness signs a checkpoint"
            )
        now_standing = standing(state)
        newest = now_standing.newest
        records = _replayed_in_full(session.ledger, session.head, state)
        cosign = newest is not None and all(
            isinstance(r, Checkpoint) and r.head == newest.head for r in records[newest.count :]
        )
        if cosign:
            assert newest is not None  # cosign is only true with one
            if official.id in now_standing.signers:
                raise UsageError(
                    f"{official.id} already vouched for ledger head {newest.head[:12]}",
                    hint="another witness may cosign it; a new checkpoint needs new entries",
                )
            head, count, document = newest.head, newest.count, None
            digest = state_digest(records_to_document(records[:count]))
            if digest != newest.state_sha256:
                raise IntegrityError(
                    f"checkpoint {newest.id[:12]} vouches for a state at {head[:12]} that is "
                    "not the one this client verified: a false checkpoint",
                    hint="run `approval audit`",
                )
        else:
            head, count = session.head, len(records)
            document = records_to_document(records)
            digest = state_digest(document)
        statement = kinds.Checkpoint(
            created=at,
            seen_head=session.head,
            signer=official.id,
            head=head,
            count=count,
            format=FORMAT,
            state_sha256=digest,
            state=carry(document) if document is not None else None,
        )
        envelope = sign_and_append(session, statement, [(key, official.id)])
        signers = (*now_standing.signers, official.id) if cosign else (official.id,)
    return Made(
        envelope.id,
        official.id,
        head,
        count,
        digest,
        cosign,
        signers,
        rule.threshold,
        len(document) if document is not None else 0,
    )


__all__ = [
    "Made",
    "Notice",
    "Standing",
    "checkpoint_status",
    "last_words",
    "make_checkpoint",
    "notice",
    "standing",
]
