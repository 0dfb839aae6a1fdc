"""Many offices, one ledger: sharing statements through a git remote without losing one.

Each office works in its own clone. ``exchange`` is the whole of sharing:

1. fetch the remote's branch (``refs/approval/fetched``);
2. refuse it unless it descends from the head this clone last verified
   (``refs/approval/verified``): anything else is a rollback or a rewritten history;
3. verify what came in, entry by entry, with the audit's own rules (signatures, seen heads,
   trust, exports allowed) on top of the verified state they share with this clone;
4. rebuild this clone's own statements that the remote lacks on the remote's tip, the same
   entry files in new commits, checking each again against everything before it: a statement
   the shared ledger now refuses (its signer left the roster meanwhile, the export it records is
   no longer allowed) is kept out, under ``refs/approval/rejected/<id>``, and the user is told;
5. move the local branch by compare-and-swap, and push it, fast-forward only; when someone
   else pushed first, back off (exponential, with jitter) and start again from 1.

A statement names the ledger head its signer saw. In a clone with a remote, that is the last
head the clone knows the remote holds (``refs/approval/verified``) when the clone has
statements of its own not shared yet: those get new commits when they are rebuilt on someone
else's, and a statement naming one of them could never be shared.

Commands share on their own (``load`` and the gate fetch before deciding, ``sign_and_append``
pushes after appending) unless the command runs ``--offline``; how they do is the :class:`Mode`
the CLI sets for the command.
"""

from __future__ import annotations

import contextlib
import dataclasses
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from approval.errors import BlockedError, IntegrityError, UsageError
from approval.ledger import Ledger, layout
from approval.ledger import remote as git_remote
from approval.ledger import verified as verified_heads
from approval.ledger.remote import Unreachable
from approval.ledger.storage import HeadMoved
from approval.statements import Envelope, short_id
from approval.trust.state import LedgerState
from approval.words import plural

if TYPE_CHECKING:
    from approval.ledger.checkpoints import Start
    from approval.ledger.git import Progress
    from approval.ledger.session import Session
    from approval.ledger.setaside import Held
    from approval.ledger.storage import StoredEntry
    from approval.trust.verifier import Verifier

# Rounds of fetch, rebuild and push before giving up, bounded in number and in time: a clone
# that cannot get its push in keeps its statements for the next sync. Every lost round means
# another office pushed, so the offices as a whole progress; jittered back-off keeps those that
# lost from colliding again at once. It stays short: a round takes a fraction of a second, and
# a clone that waits long while the others push only falls further behind (measured with four
# offices pushing flat out: a one-second cap starved one of them for 60 rounds).
MAX_ROUNDS = 1000
PATIENCE = 300.0
BACKOFF_BASE = 0.005
BACKOFF_CAP = 0.1
# Appends on one clone that lose the compare-and-swap to another process on the same clone.
MAX_APPENDS = 50


def _stderr(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


@dataclass(frozen=True)
class Mode:
    """How a command talks to the remote. ``online``: fetch before deciding, push after
    appending; ``required``: an unreachable remote is an error (the gate, which must decide on
    the shared ledger), not a warning; ``warn`` shows a warning to the user."""

    online: bool = True
    required: bool = False
    warn: Callable[[str], None] = _stderr


# A frozen dataclass: nothing can change the default through it.
_MODE: ContextVar[Mode] = ContextVar("approval_sync_mode", default=Mode())  # noqa: B039


@contextlib.contextmanager
def using(mode: Mode) -> Iterator[Mode]:
    """Run the block in ``mode`` (the CLI wraps each command in one)."""
    token = _MODE.set(mode)
    try:
        yield mode
    finally:
        _MODE.reset(token)


def current_mode() -> Mode:
    return _MODE.get()


# -- what a sync reports ----------------------------------------------------------------------


@dataclass(frozen=True)
class SetAside:
    """A statement of this clone that the shared ledger refuses, kept under ``ref``."""

    id: str
    kind: str
    reason: str
    ref: str

    @property
    def words(self) -> str:
        return (
            f"{_word(self.kind)} {short_id(self.id)} was not shared: the shared ledger refuses "
            f"it now that it holds what other offices recorded first ({self.reason}); it is kept "
            f"under {self.ref}"
        )


@dataclass(frozen=True)
class Synced:
    """What one sync did: the kinds of statements that came in and went out."""

    remote: str
    head: str | None
    came_in: tuple[str, ...]
    went_out: tuple[str, ...]
    set_aside: tuple[SetAside, ...] = ()
    rewrite_accepted: bool = False
    rounds: int = 1
    # Every statement this clone holds set aside (this sync's and earlier ones', this office's
    # and, fetched, the others'), verified: told on every sync while they stay outside.
    held: tuple[Held, ...] = ()

    @staticmethod
    def counts(kinds: tuple[str, ...]) -> str:
        """``3 statements (2 sign-offs, 1 request)``; ``nothing``."""
        if not kinds:
            return "nothing"
        parts = [plural(n, _word(kind)) for kind, n in Counter(kinds).most_common()]
        return f"{plural(len(kinds), 'statement')} ({', '.join(parts)})"


class RewriteRefused(IntegrityError):
    """The remote's head does not descend from the head this clone verified (exit 3)."""

    def __init__(self, remote_url: str, verified: str, found: str | None):
        self.verified = verified
        self.found = found
        if found is None:
            what = f"it no longer has a ledger branch (this clone last verified {verified[:12]})"
        else:
            what = (
                f"its head {found[:12]} does not descend from {verified[:12]}, the head this "
                "clone last verified there (a rollback, or a rewritten history)"
            )
        super().__init__(
            f"refusing the shared ledger at {remote_url}: {what}",
            hint="nothing was changed here; compare with the other offices' clones. An admin "
            "who knows why the history was rewritten can run `approval sync --accept-rewrite`",
        )


class Refused(BlockedError):
    """A statement that the ledger refuses once it holds what others appended first (exit 1):
    it was not recorded, or, when it had been recorded here, it is kept out and set aside."""


# -- appending, checked ---------------------------------------------------------------------


def shared_head(session: Session) -> str | None:
    """The head a new statement names (see the module doc): the session's head, or the last
    head the remote is known to hold when this clone has statements not shared yet."""
    head = session.head
    if head is None or git_remote.url(session.ledger) is None:
        return head
    verified = git_remote.ref(session.ledger, git_remote.VERIFIED)
    if verified is None or verified == head or not session.ledger.is_ancestor(verified, head):
        return head
    return verified


def append(session: Session, envelope: Envelope) -> str:
    """Check ``envelope`` against the session's state and append it on exactly the session's
    head. When another writer appended first, the state is brought up to the new tip (verified)
    and the statement checked again, with the audit's rules, before it goes in: a statement the
    ledger refuses now is never appended (:class:`Refused`). The session follows: its state
    holds the statement, its head is the new commit."""
    from approval.ledger.snapshot import restore
    from approval.trust.failure import AuditFailure

    ledger = session.ledger
    session.state.check(envelope)
    try:
        commit = ledger.append(envelope, expect=session.head)
    except HeadMoved as moved:
        head = moved.found
    else:
        session.state.apply(envelope)
        session.head = commit
        verified_heads.record(ledger, commit)  # the clone never goes back behind its own statement
        return commit
    path, raw = layout.entry_path(envelope), envelope.to_json()
    for _ in range(MAX_APPENDS):
        if head is None:
            raise IntegrityError("the ledger branch disappeared while a statement was appended")
        verifier = _at(ledger, head, restore(ledger, head))
        commit = ledger.commit_entry(envelope, head)
        try:
            _admit(verifier, commit, path, raw, envelope)
        except AuditFailure as failure:
            session.state, session.head = verifier.state, head
            raise Refused(
                f"{_word(envelope.kind)} {short_id(envelope.id)} was not recorded: the ledger "
                f"changed while it was being made, and now refuses it: {failure.problem}",
                hint="look at what changed (approval status ...) and try again",
            ) from failure
        if ledger.set_head(commit, expect=head):
            session.state, session.head = verifier.state, commit
            verified_heads.record(ledger, commit)
            return commit
        head = ledger.head()  # moved again (or its lock was held: the same head, again)
    raise UsageError(
        f"could not append {_word(envelope.kind)} {short_id(envelope.id)}: the ledger kept "
        f"changing ({MAX_APPENDS} attempts)",
        hint="try again",
    )


def share(session: Session, envelope: Envelope) -> None:
    """Push what the session appended, when the ledger has a remote and the command is online.
    An unreachable remote is a warning: the statement stays in this clone for the next sync.
    :class:`Refused` when the shared ledger refuses ``envelope`` itself."""
    mode = current_mode()
    ledger = session.ledger
    remote_url = git_remote.url(ledger)
    if not mode.online or remote_url is None or session.head is None:
        return
    try:
        verified = git_remote.ref(ledger, git_remote.VERIFIED)
        # Nobody pushed since the fetch before deciding: a fast-forward, nothing to check.
        if git_remote.push(ledger, remote_url, session.head).ok:
            git_remote.mark_verified(ledger, session.head, verified)
            return
        synced = exchange(ledger, remote_url)
    except Unreachable as e:
        mode.warn(
            f"{e.message}; {_word(envelope.kind)} {short_id(envelope.id)} is kept in this "
            "clone, and `approval sync` will share it"
        )
        return
    mine = envelope.id
    for aside in synced.set_aside:
        if aside.id != mine:
            mode.warn(aside.words)
    for aside in synced.set_aside:
        if aside.id == mine:
            raise Refused(aside.words, hint="look at what changed (approval status ...)")
    session.head = ledger.head()


def refresh(ledger: Ledger) -> Synced | None:
    """Before a command decides: share with the remote, if the ledger has one and the command
    is online. Unreachable: an error when the command needs a fresh ledger, else a warning."""
    mode = current_mode()
    remote_url = git_remote.url(ledger)
    if remote_url is None:
        return None
    if not mode.online:
        mode.warn(
            f"offline: deciding on this clone's copy of the ledger, not compared with "
            f"{remote_url}: it may be stale"
        )
        return None
    try:
        synced = exchange(ledger, remote_url)
    except Unreachable as e:
        if mode.required:
            raise UsageError(
                f"{e.message}: refusing to decide on this clone's copy, which may be stale",
                hint="try again when the remote can be reached, or pass --offline to decide on "
                "this clone's copy knowingly",
            ) from e
        mode.warn(f"{e.message}: deciding on this clone's copy, which may be stale")
        return None
    for aside in synced.set_aside:
        mode.warn(aside.words)
    return synced


# -- approval sync ------------------------------------------------------------------------------


def sync_ledger(
    path: Path | None, *, accept_rewrite: bool = False, progress: Progress | None = None
) -> Synced:
    """``approval sync``: fetch, rebuild this clone's statements on the remote's, push, retry.
    With ``progress``, fetches and pushes report git's progress to it (through GitPython)."""
    with Ledger.open(path) as ledger:
        remote_url = git_remote.url(ledger)
        local_accepted = accept_rewrite and accept_local_rewrite(ledger)
        if remote_url is None and local_accepted:
            return Synced("", ledger.head(), (), (), rewrite_accepted=True)
        if remote_url is None:
            raise UsageError(
                f"the ledger at {ledger.path} has no remote to sync with",
                hint="clone a shared ledger with `approval clone URL DIR`, or create one with "
                "`approval init --remote URL`",
            )
        synced = exchange(ledger, remote_url, accept_rewrite=accept_rewrite, progress=progress)
        if local_accepted and not synced.rewrite_accepted:
            synced = dataclasses.replace(synced, rewrite_accepted=True)
        return dataclasses.replace(synced, held=_held(ledger))


def _held(ledger: Ledger) -> tuple[Held, ...]:
    """The statements set aside that this clone holds, verified; none when there are none
    (one ``for-each-ref``)."""
    from approval.ledger.setaside import examine, held_refs

    if not held_refs(ledger):
        return ()
    return examine(ledger, ledger.head(), None)


def accept_local_rewrite(ledger: Ledger) -> bool:
    """``sync --accept-rewrite`` on this clone's own branch: when its head does not descend
    from the head this clone verified last (verified.py), verify the head from the first entry
    as an audit does (no cache), keep the old head under ``refs/approval/replaced/``, and
    record the new one. False when there was nothing to accept."""
    from approval.errors import HistoryRewritten

    try:
        verified_heads.current_head(ledger)
        return False
    except HistoryRewritten as rewritten:
        old, head = rewritten.verified, rewritten.found
    with verified_heads.moving(ledger):
        if ledger.head() != head:
            raise UsageError(
                "the ledger changed while its rewrite was being accepted", hint="try again"
            )
        if head is not None:
            _replayed(ledger, head)  # IntegrityError (exit 3) when it does not verify
        if ledger.is_ancestor(old, old):  # the old history's commits are still here: keep them
            git_remote.set_ref(ledger, f"{git_remote.REPLACED}{int(time.time())}-{old[:12]}", old)
        if head is not None:
            verified_heads.accept(ledger, head, locked=True)
    return True


def exchange(
    ledger: Ledger,
    remote_url: str,
    *,
    accept_rewrite: bool = False,
    progress: Progress | None = None,
) -> Synced:
    """Fetch, verify, rebuild, push; again after a back-off while someone else pushed first."""
    came_in: list[str] = []
    set_aside: list[SetAside] = []
    accepted = False
    # The verifier at the local head from the round before: a round that lost the push to
    # another office starts from it, instead of restoring the state and reading the history.
    known: Verifier | None = None
    rewritten = False  # this clone's entries got new commits: save their state at the end
    started = time.monotonic()
    with git_remote.sync_lock(ledger):
        for attempt in range(MAX_ROUNDS):
            fetched = git_remote.fetch(ledger, remote_url, progress=progress)
            step = _integrate(ledger, remote_url, fetched, known, accept_rewrite=accept_rewrite)
            if step is None:  # a local append moved the branch meanwhile: again, at once
                known = None
                continue
            known = step.verifier
            rewritten = rewritten or step.rewritten
            came_in += step.came_in
            set_aside += step.set_aside
            if step.rewrite_accepted:
                accepted, accept_rewrite = True, False  # the rewrite seen once, not any later
            done = not step.outgoing
            if not done:
                assert step.head is not None  # something goes out: the clone has a head
                done = git_remote.push(ledger, remote_url, step.head, progress=progress).ok
                if done:
                    git_remote.mark_verified(ledger, step.head, fetched)
            if done:
                if rewritten and known is not None and known.head and known.head == step.head:
                    from approval.ledger.snapshot import remember

                    remember(ledger, known.head, known.state)
                _share_set_aside(ledger, remote_url)
                return Synced(
                    remote_url, step.head, tuple(came_in), step.outgoing, tuple(set_aside),
                    accepted, attempt + 1,
                )  # fmt: skip
            if time.monotonic() - started > PATIENCE:
                break
            time.sleep(random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt)))  # noqa: S311
    raise UsageError(
        f"could not push to the shared ledger at {remote_url}: it kept changing "
        f"({attempt + 1} attempts in {time.monotonic() - started:.0f} s)",
        hint="nothing is lost: this clone keeps its statements; run `approval sync` again",
    )


def _share_set_aside(ledger: Ledger, remote_url: str) -> None:
    """Every office's clone holds every statement set aside (remote.py, INCOMING_REJECTED):
    take the ones the fetch brought, push this clone's the remote lacks. The branch is shared
    already: a failure here is a warning, and the next sync tries again."""
    try:
        git_remote.adopt_rejected(ledger)
        git_remote.publish_rejected(ledger, remote_url)
    except UsageError as e:  # Unreachable, or the remote refused the refs
        current_mode().warn(
            f"statements set aside here were not shared: {e.message}; the next sync tries again"
        )


@dataclass(frozen=True)
class _Step:
    """One round: the local head now, what came in, what the remote still lacks."""

    head: str | None
    came_in: tuple[str, ...] = ()
    outgoing: tuple[str, ...] = ()
    set_aside: tuple[SetAside, ...] = ()
    rewrite_accepted: bool = False
    verifier: Verifier | None = None  # at ``head``, when this round built one
    rewritten: bool = False  # this clone's own entries got new commits


def _integrate(
    ledger: Ledger,
    remote_url: str,
    fetched: str | None,
    known: Verifier | None,
    *,
    accept_rewrite: bool,
) -> _Step | None:
    """Bring the remote's ``fetched`` head into this clone (see the module doc, 2-5, but the
    push). None when the local branch moved meanwhile."""
    local = ledger.head()
    verified = git_remote.ref(ledger, git_remote.VERIFIED)
    base = git_remote.merge_base(ledger, local, fetched) if local and fetched else None
    # The remote must still hold the head this clone verified there. It is an ancestor of the
    # local head, so of the two heads' merge base when it is one of the remote's ancestors.
    rewrite = verified is not None and (
        fetched is None
        or (verified not in (base, fetched) and not ledger.is_ancestor(verified, fetched))
    )
    if rewrite:
        assert verified is not None
        if not accept_rewrite:
            raise RewriteRefused(remote_url, verified, fetched)
        if fetched is None:
            raise UsageError(
                f"the shared ledger at {remote_url} has no ledger branch: there is no history "
                "to accept",
                hint="push this clone's ledger there with git if that is what you want",
            )
        return _accept_rewrite(ledger, fetched, local, verified)
    if fetched is None or fetched == local:
        # An empty remote gets the whole ledger; an equal one needs nothing.
        if fetched is not None and verified != fetched:
            git_remote.mark_verified(ledger, fetched, verified)
        outgoing = _kinds(ledger, local) if fetched is None and local else ()
        return _Step(local, (), outgoing, verifier=known)
    if local is None:
        return _adopt_remote(ledger, fetched)
    if base is None:
        raise IntegrityError(
            f"the shared ledger at {remote_url} is a different ledger: it shares no history "
            "with this clone",
            hint="clone it into a new directory with `approval clone` instead",
        )
    if base == fetched:  # the remote is behind: what this clone has on top goes out as it is
        if verified != fetched:
            git_remote.mark_verified(ledger, fetched, verified)
        return _Step(local, (), _kinds(ledger, local, base), verifier=known)
    mine = list(ledger.entries(local, since=base)) if base != local else []
    if known is not None and known.head == local:
        verifier = known.back(len(mine), base)
    else:
        from approval.ledger.snapshot import restore

        verifier = _at(ledger, base, _truncate(restore(ledger, local), len(mine)))
    came = _take(verifier, ledger, fetched, since=base, remote_url=remote_url)
    if not mine:
        if not ledger.set_head(fetched, expect=local):
            return None
        git_remote.mark_verified(ledger, fetched, verified)
        return _Step(fetched, tuple(came.values()), verifier=verifier)
    return _rebuild(ledger, verifier, fetched, local, mine, set(came), came, verified, False)


def _accept_rewrite(ledger: Ledger, fetched: str, local: str | None, verified: str) -> _Step | None:
    """An admin accepts a rewritten remote: verify its whole history from the first entry, keep
    the old local history under ``refs/approval/replaced/``, and carry over only this clone's
    statements that were never shared (those after ``verified``)."""
    verifier = _replayed(ledger, fetched)
    there = {statement for _, statement in _subjects(ledger, fetched)}
    ours = {statement for _, statement in _subjects(ledger, local)} if local else set()
    came = {s: kind for kind, s in _subjects(ledger, fetched) if s not in ours}
    mine: list[StoredEntry] = []
    if local is not None:
        git_remote.set_ref(ledger, f"{git_remote.REPLACED}{int(time.time())}-{local[:12]}", local)
        if ledger.is_ancestor(verified, local) and verified != local:
            mine = list(ledger.entries(local, since=verified))
    return _rebuild(ledger, verifier, fetched, local, mine, there, came, verified, True)


def _adopt_remote(ledger: Ledger, fetched: str) -> _Step | None:
    """An empty clone takes the remote's history, verified from the first entry."""
    verifier = _replayed(ledger, fetched)
    if not ledger.set_head(fetched, expect=None):
        return None
    git_remote.mark_verified(ledger, fetched, None)
    return _Step(fetched, _kinds(ledger, fetched), verifier=verifier)


def _rebuild(
    ledger: Ledger,
    verifier: Verifier,
    onto: str,
    local: str | None,
    mine: list[StoredEntry],
    there: set[str],
    came: dict[str, str],
    verified: str | None,
    rewrite: bool,
) -> _Step | None:
    """Rebuild ``mine`` (this clone's entries the remote lacks) on ``onto``, each checked on
    everything before it; set aside what the shared ledger refuses; move the local branch."""
    from approval.trust.failure import AuditFailure

    tip = onto
    outgoing: list[str] = []
    aside: list[tuple[StoredEntry, str]] = []
    for entry in mine:
        envelope = entry.envelope
        statement = envelope.id
        if statement in there:  # already shared (a push that was cut off after it landed)
            continue
        commit = ledger.commit_entry(envelope, tip, blob=entry.blob)
        try:
            _admit(verifier, commit, entry.path, entry.raw, envelope)
        except AuditFailure as failure:
            aside.append((entry, failure.problem))
            continue
        tip = commit
        outgoing.append(envelope.kind)
    # The refused entries are kept before the branch moves off them: never dropped, even by a
    # crash between the two.
    kept = []
    made = []  # refs this round created (one already held, the same statement, stays as it is)
    for entry, reason in aside:
        name = f"{git_remote.REJECTED}{entry.envelope.id}"
        if git_remote.ref(ledger, name) is None:
            git_remote.set_ref(ledger, name, entry.commit)
            made.append(name)
        kept.append(SetAside(entry.envelope.id, entry.envelope.kind, reason, name))
    # This clone's own move off its line (a rebase, or an accepted rewrite): recorded as the
    # verified head with the move, under the lock commands read the head under (verified.py).
    with verified_heads.moving(ledger):
        if not ledger.set_head(tip, expect=local):
            for name in made:
                git_remote.delete_ref(ledger, name)
            return None
        if rewrite:
            verified_heads.accept(ledger, tip, locked=True)
        else:
            verified_heads.record(ledger, tip, replaces=local, locked=True)
    git_remote.mark_verified(ledger, onto, None if rewrite else verified)
    return _Step(
        tip, tuple(came.values()), tuple(outgoing), tuple(kept), rewrite, verifier, tip != onto
    )


# -- verifying entries: the one verifier ----------------------------------------------------------


def _at(ledger: Ledger, head: str | None, state: LedgerState) -> Verifier:
    """The one verifier (approval.trust.verifier) resumed at ``head``, whose verified state is
    ``state``: every entry admitted is checked by the rules an auditor's full replay applies."""
    from approval.ledger.verifying import resume

    return resume(ledger, head, state)


def _replayed(ledger: Ledger, head: str) -> Verifier:
    """At ``head``, verified from the first entry without any cache, as `approval audit`."""
    from approval.ledger.verifying import replay_from_first

    return replay_from_first(ledger, head)


def _take(
    verifier: Verifier, ledger: Ledger, head: str, *, since: str, remote_url: str
) -> dict[str, str]:
    """Admit the entries after ``since`` up to ``head`` (the remote's); statement id -> kind.
    ``IntegrityError`` (exit 3) at the first that does not verify."""
    from approval.ledger.verifying import admit_entries

    came: dict[str, str] = {}
    try:
        for verified in admit_entries(verifier, ledger, head, since=since):
            came[verified.id] = verified.envelope.kind
    except IntegrityError as failure:  # an AuditFailure, or a history read refused
        raise IntegrityError(
            f"refusing the shared ledger at {remote_url}: {failure.message}",
            hint="nothing was changed here; the office that pushed it must look at its "
            "clone (approval audit)",
        ) from failure
    return came


def _admit(verifier: Verifier, commit: str, path: str, raw: bytes, envelope: Envelope) -> None:
    """Verify one entry, committed but not on the branch yet, as the verifier's next;
    ``AuditFailure`` (the verifier is left as it was) when a rule refuses it."""
    from approval.trust.entry import Commit

    subject = layout.subject(envelope)
    verifier.admit(Commit(verifier.count + 1, commit, (), subject, path, "", raw))


# -- clone and init --remote --------------------------------------------------------------------


@dataclass(frozen=True)
class CloneVerified:
    """How ``approval clone`` verified the history it fetched."""

    state: LedgerState  # the whole verified state at the head
    verified: int  # entries admitted by the verifier here (all of them from the first)
    signatures: int  # signatures verified among those
    checkpoint: Start | None  # the checkpoint it started from; None: from the first entry


def verify_clone(ledger: Ledger, head: str, *, full: bool = False) -> CloneVerified:
    """The history up to ``head`` verified as a fresh clone's first command verifies it
    (``ledger/checkpoints.py``, as ``snapshot.open_view`` uses it): from the newest checkpoint
    that enough witnesses of the roster in force signed (the chain of adoptions, the witnesses'
    signatures and roles, the state against the history), then every entry after it through
    the one verifier. From the first entry, as `approval audit` verifies, when no checkpoint
    serves (none, too few witnesses, one the verifier refuses: the full replay then says why)
    or ``full``. ``IntegrityError`` (exit 3) when the history does not verify, or when the
    checkpoint it would start from contradicts the ledger: a false checkpoint is refused, as
    the first command refuses it, never stepped over."""
    from approval.ledger.checkpoints import catch_up, start

    started = None if full else start(ledger, head)
    if started is None:
        verifier = _replayed(ledger, head)
        return CloneVerified(verifier.state, verifier.count, verifier.signatures, None)
    verifier = catch_up(ledger, head, started)  # as ``snapshot._from_checkpoint``
    return CloneVerified(
        verifier.state, verifier.count - started.count, verifier.signatures, started
    )


def new_remote(path: Path, remote_url: str) -> str:
    """``approval init --remote URL``: the URL as it will be recorded, once it is known to be
    reachable and to hold no ledger yet (checked before anything is created)."""
    remote_url = git_remote.normalize_url(remote_url)
    head = git_remote.remote_head(path, remote_url)
    if head is not None:
        raise UsageError(
            f"{remote_url} already holds a ledger (head {head[:12]})",
            hint=f"clone it instead: approval clone {remote_url} DIR",
        )
    return remote_url


def attach(ledger: Ledger, remote_url: str) -> None:
    """Record ``remote_url`` as the ledger's remote: its first append pushes."""
    git_remote.set_url(ledger, remote_url)


# -- helpers ------------------------------------------------------------------------------------


def _truncate(state: LedgerState, drop: int) -> LedgerState:
    """The state without its last ``drop`` records: the state at an ancestor (a verified replay
    applies entries in order, so the state at an earlier head is a prefix of the records)."""
    if not drop:
        return state
    kept = state.records()[:-drop]
    latest = max((record.at for record in kept), default=None)
    return LedgerState.restore(kept, latest)


def _subjects(ledger: Ledger, head: str | None, since: str | None = None) -> list[tuple[str, str]]:
    """(kind, statement id) of every entry up to ``head`` (after ``since``), from `git log`."""
    if head is None:
        return []
    found = []
    for _, subject in git_remote.first_parent_log(ledger, head, since):
        kind, _, statement = subject.partition(" ")
        found.append((kind, statement))
    return found


def _kinds(ledger: Ledger, head: str | None, since: str | None = None) -> tuple[str, ...]:
    return tuple(kind for kind, _ in _subjects(ledger, head, since))


def _word(kind: str) -> str:
    return {"signoff": "sign-off"}.get(kind, kind)


__all__ = [
    "CloneVerified",
    "Mode",
    "Refused",
    "RewriteRefused",
    "SetAside",
    "Synced",
    "append",
    "exchange",
    "refresh",
    "share",
    "sync_ledger",
    "using",
    "verify_clone",
]
