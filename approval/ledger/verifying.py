"""The ledger's side of the one verifier (:mod:`approval.trust.verifier`): it hands the verifier
the commits git reads, and answers, from git, where the commits before a resumed verifier's head
are. Every reader of the ledger goes through here: a command's first replay and its catch-up
(session.py, snapshot.py), sync, clone and the retry of an append (replication.py); the audit
reads its commits with :mod:`approval.ledger.history` and hands them to the same verifier.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime

from approval.errors import IntegrityError
from approval.ledger.git import Git, GitError
from approval.ledger.storage import Ledger, StoredEntry, _statement_id_in
from approval.trust.entry import Commit
from approval.trust.state import LedgerState
from approval.trust.verifier import History, Verified, Verifier


def commit_of(entry: StoredEntry, position: int) -> Commit:
    """The verifier's view of an entry ``Ledger.entries`` read (which checked its commit's
    parent and message already: the message is ``<kind> <statement id>``)."""
    try:
        subject = f"{entry.envelope.kind} {_statement_id_in(entry.raw)}"
    except ValueError:
        subject = ""  # not a canonical entry: the verifier says why
    return Commit(position, entry.commit, (), subject, entry.path, entry.blob, entry.raw)


class LedgerHistory:
    """Positions in the ledger's history up to ``head``, the ``count``-th entry, asked of git
    when a verifier needs one (a seen head, a sign-off's place): a catch-up of a few entries
    never reads the whole log. ``statements`` are positions already known (a saved slice's)."""

    def __init__(
        self,
        ledger: Ledger,
        head: str | None,
        count: int,
        statements: Mapping[str, int] | None = None,
    ):
        self._ledger = ledger
        self._head = head
        self._count = count
        self._commits: dict[str, int | None] = {}
        self._statements = dict(statements or {})
        self._whole_log = False

    def commit_position(self, commit: str) -> int | None:
        if self._head is None:
            return None
        if commit in self._commits:
            return self._commits[commit]
        found: int | None = None
        if commit == self._head:
            found = self._count
        elif self._ledger.is_ancestor(commit, self._head):
            try:
                # Linear history (the readers refuse merges): the distance is the position.
                out = Git(self._ledger.git_dir).output(
                    ["rev-list", "--count", "--first-parent", f"{commit}..{self._head}", "--"]
                )
                found = self._count - int(out.strip())
            except (GitError, ValueError):
                found = None
        if found is not None and found < 1:
            found = None
        self._commits[commit] = found
        return found

    def statement_position(self, statement_id: str) -> int | None:
        found = self._statements.get(statement_id)
        if found is None and not self._whole_log and self._head is not None:
            self._read_log()
            found = self._statements.get(statement_id)
        return found

    def _read_log(self) -> None:
        """Every statement's position, from one ``git log`` (only when a rule asks for a
        statement that no saved slice placed)."""
        from approval.ledger.remote import first_parent_log

        assert self._head is not None
        log = first_parent_log(self._ledger, self._head)
        offset = self._count - len(log)
        for position, (commit, subject) in enumerate(log, start=1 + offset):
            self._statements.setdefault(subject.partition(" ")[2], position)
            self._commits.setdefault(commit, position)
        self._whole_log = True


def count_entries(ledger: Ledger, head: str | None) -> int:
    """How many entries the history up to ``head`` holds (one ``git rev-list``)."""
    if head is None:
        return 0
    try:
        out = Git(ledger.git_dir).output(["rev-list", "--count", "--first-parent", head, "--"])
        return int(out.strip())
    except (GitError, ValueError) as e:
        raise IntegrityError(f"cannot count the entries up to ledger commit {head[:12]}") from e


def resume(
    ledger: Ledger,
    head: str | None,
    state: LedgerState,
    *,
    now: datetime | None = None,
    history: History | None = None,
) -> Verifier:
    """The verifier at ``head``, whose whole verified state is ``state``."""
    count = count_entries(ledger, head)
    if count != len(state):
        raise IntegrityError(
            f"the ledger at {head[:12] if head else 'its start'} holds {count} commits "
            f"but its verified state {len(state)} statements",
            hint="run `approval audit`",
        )
    return Verifier.resume(
        state,
        count=count,
        head=head,
        history=history or LedgerHistory(ledger, head, count),
        now=now,
    )


def admit_entries(
    verifier: Verifier, ledger: Ledger, head: str, *, since: str | None = None
) -> Iterator[Verified]:
    """Admit the entries after ``since`` (the verifier's head) up to ``head``, one by one."""
    if since != verifier.head:
        raise IntegrityError("the entries to verify do not start at the verifier's head")
    from approval.ledger.history import read_history
    from approval.ledger.parallel import verify_ahead

    # Read once, verify once: the entry files as git holds them, parsed and checked by the
    # verifier alone (``Ledger.entries`` would parse and validate each a first time); their
    # signatures checked ahead on the other cores.
    commits = read_history(ledger, head, since=since, count=verifier.count)
    yield from verifier.run(verify_ahead(commits, verifier))


def replay_from_first(ledger: Ledger, head: str) -> Verifier:
    """The verifier at ``head``, every entry admitted from the first, as an audit reads them
    (:mod:`approval.ledger.history`, no cache)."""
    from approval.ledger.history import read_history
    from approval.ledger.parallel import verify_ahead

    verifier = Verifier()
    for _ in verifier.run(verify_ahead(read_history(ledger, head), verifier)):
        pass
    return verifier


__all__ = [
    "LedgerHistory",
    "admit_entries",
    "commit_of",
    "count_entries",
    "replay_from_first",
    "resume",
]


def replay_verified(
    ledger: Ledger,
    state: LedgerState | None = None,
    *,
    head: str | None = None,
    since: str | None = None,
) -> LedgerState:
    """Admit every entry (up to ``head``, after ``since``) through the one verifier
    (:mod:`approval.trust.verifier`), from the first entry, or resumed at ``since`` from
    ``state``, the verified state there."""
    if since is None and state is None:
        verifier = Verifier()
    else:
        verifier = resume(ledger, since, state if state is not None else LedgerState())
    tip = head if head is not None else ledger.head()
    if tip is not None:
        for _ in admit_entries(verifier, ledger, tip, since=since):
            pass
    return verifier.state
