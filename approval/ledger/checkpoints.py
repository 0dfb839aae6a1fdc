"""A fresh clone's first command starts from the newest checkpoint the witnesses signed.

Without a saved state (a new clone, a CI runner, a new release), a command would verify every
entry from the first. A checkpoint (:mod:`approval.trust.witness`) carries the verified state at
an earlier head, its digest signed by officials holding the role the policy names
(``checkpoints: {role: witness, threshold: N}``). :func:`start` finds the newest head that
enough distinct witnesses vouched for, and the caller (``snapshot.open_view``) saves that state
and catches up from it through the one verifier, as it catches up from a state it saved itself.

Why this is sound -- the chain of trust, from what a full replay trusts:

1. The anchor is the same as a full replay's: the ledger's first adoption (and, on a clone that
   verified before, the highest head it verified: ``verified.py`` refuses to go back, and an
   existing saved state is preferred to any checkpoint).
2. Every adoption up to the checkpoint's head is admitted by the one verifier (signatures, the
   admin threshold of the roster in force and of the new one, versions, compromised keys, seen
   heads), each on the adoptions before it: the roster in force at the head is the one the
   whole chain of adoptions put there, never one the checkpoint's own state claims.
3. Each checkpoint entry counted is admitted by the same verifier on that adoption chain: its
   signatures verify, its signer holds the policy's checkpoint role in that roster, valid and
   not compromised. Only entries made under the adoption in force at the head count, and
   ``threshold`` distinct signers must name the same head, count and digest.
4. The state carried is the one the digest names (checked by the verifier), its records are
   exactly the statements of the history up to the head, by id and kind and in order (each
   commit's subject is ``kind id``: one ``git log``), and its adoptions are exactly the chain
   verified in 2. The head's commit id binds every entry before it (git's hashes).
5. Every entry after the head is verified by the one verifier (the catch-up), checkpoints too.

What the clone takes on the witnesses' word is the content of the records before the head: the
threshold of witnesses of the roster in force vouches for it, as the admin threshold vouches for
a roster. ``approval audit`` never takes it: it replays every entry and checks every
checkpoint's digest against its own replay (a false one is an integrity failure, exit 3).

A checkpoint whose state contradicts the ledger (another count, other statements, another
chain of adoptions) is proof that the witnesses signed something false: the clone refuses with
exit 3 rather than fall back to a full replay, which reaches the same verdict minutes later (it
checks the digest when it admits the checkpoint), while skipping it quietly would leave a ledger
that fails its audit serving gates that never look. A checkpoint entry that does not verify
(a publisher's key, a bad signature) is not counted; the catch-up, or a full replay, refuses it
when it reaches it, exactly where a replay from the first entry would.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime

from approval.errors import IntegrityError
from approval.ledger.storage import Ledger, StoredEntry
from approval.ledger.verifying import LedgerHistory, admit_entries, commit_of
from approval.statements.limits import max_entry_bytes
from approval.trust.checkpoint import state_digest, state_from_document
from approval.trust.incidents import IncidentClose, IncidentOpen, IncidentScope, IncidentStep
from approval.trust.state import (
    Adoption,
    Blocked,
    Export,
    LedgerState,
    Record,
    Redaction,
    Request,
    Revocation,
    SignOff,
)
from approval.trust.verifier import Verifier
from approval.trust.witness import Checkpoint, carried, carried_sha256

# The statement kind each record is made from: a commit's subject names it (``kind id``).
STATEMENT_KIND: dict[type[Record], str] = {
    Adoption: "adoption",
    Request: "request",
    SignOff: "signoff",
    Revocation: "revocation",
    Export: "export",
    Redaction: "redaction",
    Blocked: "blocked",
    IncidentOpen: "incident-open",
    IncidentScope: "incident-scope",
    IncidentStep: "incident-step",
    IncidentClose: "incident-close",
    Checkpoint: "checkpoint",
}


@dataclass(frozen=True)
class Start:
    """The verified state at ``head`` (the ``count``-th entry), from a checkpoint."""

    head: str
    count: int
    digest: str
    state: LedgerState
    signers: tuple[str, ...]


@dataclass
class _Group:
    """The checkpoints naming one head, count and digest."""

    signers: set[str]
    carrier: str | None  # the state as carried (``witness.carry``), from the first carrier


@dataclass(frozen=True)
class ReadAhead:
    """What :func:`start` reads, read by :func:`read_ahead` before the caller knows it needs it."""

    head: str
    log: list[tuple[str, str]] | None  # None: git failed; start() walks again, and says why
    prepared: tuple[str, LedgerState] | None


def read_ahead(ledger: Ledger, head: str) -> ReadAhead:
    """The whole first-parent history up to ``head`` and the ledger's root (``Ledger.genesis``,
    the walk its identity needs), both from one walk by git from a thread on another core,
    while this thread unpacks and parses the newest checkpoint's state (the dearest step). For
    a fresh clone (``snapshot.open_view``): it needs the identity to find its cache before it
    can know that it has none, then the history to start from a checkpoint; this way the walk
    costs no wall time. Nothing here decides: :func:`start` checks it all as if it had read
    it."""
    from concurrent.futures import ThreadPoolExecutor

    def walks() -> list[tuple[str, str]] | None:
        # A failure is left to the call that needs it (Ledger.identity, start), where it is
        # raised as it would be without this.
        out = _git_to_file(ledger, ["log", "--no-color", "--format=%H%x00%P%x00%s", head, "--"])
        if out is None:
            return None
        walked = _walked(out, head)
        if walked is None:
            return None
        roots, log = walked
        with contextlib.suppress(IntegrityError):
            ledger.genesis(head, listed=roots)
        return log

    with ThreadPoolExecutor(1) as pool:
        walked = pool.submit(walks)
        prepared = _prepared(ledger, head)
        return ReadAhead(head, walked.result(), prepared)


def _walked(out: str, head: str) -> tuple[str, list[tuple[str, str]]] | None:
    """From one walk of every commit of ``head``'s history (``git log`` printing each commit,
    its parents and subject), what two walks would print: the root commits with their
    subjects as ``git`` :func:`roots_of` lists them (for ``Ledger.genesis``), and the
    first-parent history, oldest first, as ``remote.first_parent_log`` reads it. One walk of
    the whole history by git instead of two (~0.6 s of CPU each at 100k). None when the
    output does not hold the whole first-parent history of ``head``."""
    parents: dict[str, tuple[str, str]] = {}
    roots = []
    for line in out.splitlines():
        fields = line.split("\0", 2)
        if len(fields) != 3:
            return None
        commit, parent, subject = fields
        parents[commit] = (parent.partition(" ")[0], subject)
        if not parent:
            roots.append(f"commit {commit}\n{subject}")
    log = []
    at = head
    while at:
        found = parents.pop(at, None)
        if found is None:
            return None
        log.append((at, found[1]))
        at = found[0]
    log.reverse()
    return "\n".join(roots), log


def _git_to_file(ledger: Ledger, args: list[str]) -> str | None:
    """What read-only ``git <args>`` prints, written by git to a file, not a pipe: a thread
    reading a pipe needs the GIL for every 64 KiB while the parse holds it, so git would wait
    on the parse (measured: no overlap at all); None when git fails."""
    import subprocess
    import tempfile

    from approval.ledger.git import environment

    with tempfile.TemporaryFile() as out:
        try:
            done = subprocess.run(
                ["git", *args],
                stdout=out,
                stderr=subprocess.DEVNULL,
                env=environment(ledger.git_dir),
                check=False,
            )
        except OSError:
            return None
        if done.returncode != 0:
            return None
        out.seek(0)
        return out.read().decode().strip()


def start(
    ledger: Ledger,
    head: str,
    *,
    now: datetime | None = None,
    ahead: bool = True,
    read: ReadAhead | None = None,
) -> Start | None:
    """The newest checkpointed state up to ``head`` that enough witnesses signed (see the
    module doc), or None (no such checkpoint: the caller replays from the first entry).
    ``IntegrityError`` (exit 3) when the one it would start from contradicts the ledger.
    ``ahead``: parse the newest carried state while git walks the history (the same answer,
    sooner; tests compare the two). ``read``: the history and parsed state :func:`read_ahead`
    read for ``head``, used instead of reading them again."""
    from concurrent.futures import ThreadPoolExecutor

    from approval.ledger.remote import first_parent_log

    if read is not None and read.head == head and read.log is not None:
        log, prepared = read.log, read.prepared
    else:
        # The whole first-parent history (one ``git log`` of every commit, step 4 of the
        # module doc) is walked by git on one core while this one unpacks and parses the
        # newest checkpoint's state (the dearest step): the thread only waits on git's output.
        with ThreadPoolExecutor(1) as pool:
            walked = pool.submit(first_parent_log, ledger, head)
            prepared = _prepared(ledger, head) if ahead else None
            log = walked.result()
    kinds = [subject.partition(" ")[0] for _, subject in log]
    if "checkpoint" not in kinds or kinds[0] != "adoption":  # holding one, kinds is not empty
        return None
    adoptions = _adoption_chain(ledger, log, kinds, now)
    if adoptions is None:
        return None
    groups: dict[tuple[str, int, str], _Group] = {}
    for position in range(len(log), 0, -1):
        if kinds[position - 1] != "checkpoint":
            continue
        found = _admitted(ledger, log, position, adoptions, now)
        if found is None:
            continue
        checkpoint, under, carrier = found
        if _signer_compromised(checkpoint, adoptions):
            continue  # a stolen key's word counts for nothing, whenever the theft was found
        key = (checkpoint.head, checkpoint.count, checkpoint.state_sha256)
        if not 0 < checkpoint.count < position or log[checkpoint.count - 1][0] != checkpoint.head:
            continue  # the verifier refuses it when it reaches it
        at_head = _in_force(adoptions, checkpoint.count)
        if at_head is None or at_head.id != under.id:
            continue  # an adoption came between the head and the checkpoint: not counted
        rule = under.policy.checkpoints
        if rule is None:
            continue
        group = groups.setdefault(key, _Group(set(), None))
        group.signers.add(checkpoint.signer)
        if group.carrier is None and carrier is not None:
            group.carrier = carrier
        if len(group.signers) >= rule.threshold and group.carrier is not None:
            state = _checked_state(group.carrier, checkpoint, log, adoptions, prepared)
            return Start(
                checkpoint.head,
                checkpoint.count,
                checkpoint.state_sha256,
                state,
                tuple(sorted(group.signers)),
            )
    return None


def catch_up(ledger: Ledger, head: str, started: Start) -> Verifier:
    """A verifier resumed from the state ``started`` vouches for, caught up to ``head`` through
    the one verifier (``snapshot.open_view`` and ``approval clone`` both start so). :func:`start`
    found the checkpoint's head as the ``count``-th commit of the first-parent history and the
    state's records as those commits' statements: no ``rev-list --count``, and its digest is
    known (checked by ``start``), not serialized again."""
    verifier = Verifier.resume(
        started.state,
        count=started.count,
        head=started.head,
        history=LedgerHistory(ledger, started.head, started.count),
    )
    verifier.digests.know(started.count, started.digest)
    for _ in admit_entries(verifier, ledger, head, since=started.head):
        pass
    return verifier


def _entry(ledger: Ledger, log: list[tuple[str, str]], position: int) -> StoredEntry:
    commit = log[position - 1][0]
    since = log[position - 2][0] if position > 1 else None
    for entry in ledger.entries(commit, since=since):
        return entry
    raise IntegrityError(f"ledger commit {commit[:12]} holds no entry")


def _adoption_chain(
    ledger: Ledger, log: list[tuple[str, str]], kinds: list[str], now: datetime | None
) -> list[tuple[int, Adoption]] | None:
    """Every adoption of the history, each admitted by the one verifier on the ones before it
    (with their positions); None when one is refused (the full replay says why)."""
    from approval.trust.failure import AuditFailure

    chain: list[tuple[int, Adoption]] = []
    for position, kind in enumerate(kinds, start=1):
        if kind != "adoption":
            continue
        verifier = _verifier_at(ledger, log, position, chain, now)
        try:
            record = verifier.admit(commit_of(_entry(ledger, log, position), position)).record
        except (AuditFailure, IntegrityError):
            return None
        assert isinstance(record, Adoption)  # its subject named an adoption, its file too
        chain.append((position, record))
    return chain


def _verifier_at(
    ledger: Ledger,
    log: list[tuple[str, str]],
    position: int,
    chain: list[tuple[int, Adoption]],
    now: datetime | None,
) -> Verifier:
    """A verifier for the entry at ``position`` holding the adoptions before it."""
    if position == 1:
        return Verifier(now=now)
    before = [a for p, a in chain if p < position]
    parent = log[position - 2][0]
    latest = max((a.at for a in before), default=None)
    return Verifier.resume(
        LedgerState.restore(before, latest),
        count=position - 1,
        head=parent,
        history=LedgerHistory(ledger, parent, position - 1),
        now=now,
    )


def _signer_compromised(checkpoint: Checkpoint, chain: list[tuple[int, Adoption]]) -> bool:
    """Whether any roster of the verified adoption chain names the checkpoint's key
    compromised, whatever the time it gives: an admin's ``since`` is often when the loss was
    noticed, not when the key was stolen, so a false checkpoint signed before it must not seed
    clones either. Skipping an honest one only costs a full replay (which checks its digest)."""
    if not chain or checkpoint.key is None:
        return checkpoint.key is None  # no key known: nothing to clear it by
    key = checkpoint.key
    return any(adoption.roster.compromised_since(key) is not None for _, adoption in chain)


def _in_force(chain: list[tuple[int, Adoption]], count: int) -> Adoption | None:
    found = [a for p, a in chain if p <= count]
    return found[-1] if found else None


def _admitted(
    ledger: Ledger,
    log: list[tuple[str, str]],
    position: int,
    chain: list[tuple[int, Adoption]],
    now: datetime | None,
) -> tuple[Checkpoint, Adoption, str | None] | None:
    """The checkpoint at ``position`` admitted on the adoption chain, the adoption it was
    checked under, and the state it carries; None when the verifier refuses it."""
    from approval.trust.failure import AuditFailure

    verifier = _verifier_at(ledger, log, position, chain, now)
    try:
        entry = _entry(ledger, log, position)
        verified = verifier.admit(commit_of(entry, position))
    except (AuditFailure, IntegrityError):
        return None
    record = verified.record
    if not isinstance(record, Checkpoint):
        return None
    state = verified.envelope.statement.get("state")
    # Unpacked, and its digest checked against the one named, by the verifier: unpacked again
    # only when no state parsed ahead has that digest (``_checked_state``).
    return record, verifier.state.current, state if isinstance(state, str) else None


# How far back from the head the newest checkpoint is looked for ahead of the checks.
PREPARE_WITHIN = 1000


def _prepared(ledger: Ledger, head: str) -> tuple[str, LedgerState] | None:
    """The digest and the state of the state document carried by the newest checkpoint among
    the last ``PREPARE_WITHIN`` entries, parsed ahead of every check: a guess at what
    :func:`start` will use, taken by ``_checked_state`` only for a document of the very digest
    it checked (sha256: the same bytes, so the same state). None when there is none or it does
    not parse: the checked path then parses, and refuses, on its own."""
    from approval.ledger.git import Git, GitError

    try:
        out = Git(ledger.git_dir).output(
            ["log", "--first-parent", "--no-color", "--format=%H %s",
             f"-{PREPARE_WITHIN + 1}", head, "--"]
        )  # fmt: skip
        newest = [line.split(" ", 2) for line in out.splitlines()]
        for commit, kind, _ in newest[:-1]:
            if kind != "checkpoint":
                continue
            state = _carried_by(ledger, commit)
            if state is None:
                continue  # a cosignature: the carrier is further back
            return carried_sha256(state), _parsed(carried(state))
    except (GitError, IntegrityError, ValueError, RecursionError, MemoryError):
        # Only a guess: whatever it meets (a hostile blob nested past the stack, say) is left
        # to the checked path, which refuses it with exit 3.
        return None
    return None


def _parsed(document: bytes) -> LedgerState:
    """``state_from_document``, its objects set aside from the cyclic collector (``gc.freeze``)
    when the caller set its own aside for its run (``cli.check`` does, and sets them back
    after): the state lives as long as the command, and the collections its ~500k objects
    (at 100k entries) would otherwise set off at once walk them all, then again (measured:
    half as much CPU as the parse itself). Frozen before the collector runs again."""
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        state = state_from_document(document)
        if gc.get_freeze_count():
            gc.freeze()
        return state
    finally:
        if collecting:
            gc.enable()


def _carried_by(ledger: Ledger, commit: str) -> str | None:
    """The state the entry added by ``commit`` carries, read as it is: nothing here is taken
    on trust (see :func:`_prepared`), so not through ``Ledger.entries``, whose checks (the
    schema, the canonical form of a statement of megabytes, twice) the verifier makes when it
    admits the checkpoint, nor its cache of valid entries, keyed by the ledger's identity (the
    walk of the whole history the other thread is making). Git writes to files, not pipes
    (:func:`_git_to_file`)."""
    import json

    added = _git_to_file(
        ledger, ["diff-tree", "--no-commit-id", "-r", "--raw", "--no-abbrev", commit, "--"]
    )
    fields = (added or "").split()
    if len(fields) != 6 or fields[4] != "A":
        return None
    # Read ahead of the verifier: a file over the cap is left for it to refuse (limits.py).
    size = _git_to_file(ledger, ["cat-file", "-s", fields[3]])
    if not size or not size.isdigit() or int(size) > max_entry_bytes("checkpoint"):
        return None
    text = _git_to_file(ledger, ["cat-file", "blob", fields[3]])
    entry = json.loads(text) if text else None
    statement = entry.get("statement") if isinstance(entry, dict) else None
    state = statement.get("state") if isinstance(statement, dict) else None
    return state if isinstance(state, str) else None


def _checked_state(
    carrier: str,
    checkpoint: Checkpoint,
    log: list[tuple[str, str]],
    chain: list[tuple[int, Adoption]],
    prepared: tuple[str, LedgerState] | None = None,
) -> LedgerState:
    """The state ``carrier`` holds (as carried), when it is the one ``checkpoint`` vouches for
    and agrees with the ledger (module doc, step 4); else ``IntegrityError``. ``prepared``: a
    state parsed ahead (:func:`_prepared`), taken when its document has the digest the
    checkpoint names: the same bytes as the carried document (whose digest the verifier
    checked against the same name when it admitted the checkpoint), so the same state."""
    where = f"checkpoint {checkpoint.id[:12]} of ledger head {checkpoint.head[:12]}"
    if prepared is not None and prepared[0] == checkpoint.state_sha256:
        state = prepared[1]
    else:
        try:
            document = carried(carrier)
        except IntegrityError as e:
            raise IntegrityError(f"{where}: {e.message}") from e
        if state_digest(document) != checkpoint.state_sha256:
            raise IntegrityError(f"{where} carries a state that is not the one it vouches for")
        state = state_from_document(document)
    records = state.records()
    # Each record's kind and id against its commit's subject (``kind id``): a record carried
    # under a real statement's id but of another kind (a request's id holding a made-up
    # sign-off) is refused here; what a record of the right kind says is the witnesses' word
    # (module doc), which `approval audit` checks.
    expected = [subject for _, subject in log[: checkpoint.count]]
    named = [f"{STATEMENT_KIND.get(type(r), '?')} {r.id}" for r in records]
    # The adoptions whole (policy, roster, keys, roles, compromises, signers), not only their
    # ids: who may sign after the head comes from the chain of adoptions this clone verified
    # (module doc, step 2), never from what a witness carried.
    adopted = [a for p, a in chain if p <= checkpoint.count]
    if named != expected or list(state.adoptions) != adopted:
        raise IntegrityError(
            f"{where} vouches for a state that is not this ledger's: a false checkpoint",
            hint="run `approval audit`; the witnesses who signed it must answer for it",
        )
    return state


__all__ = ["ReadAhead", "Start", "catch_up", "read_ahead", "start"]
