"""The ledger as the service follows it: the verified view at the current head, polled for a
new head every second or so (a sync, an append by another command, a revocation), and the
decisions taken from it.

All of it runs on one thread of its own (``Follower.run`` in the service's ledger executor):
the ledger's git processes and the view's SQLite connection are not thread-safe, and one
thread keeps decisions in ledger order. A decision is ``approval check``'s: the scan's classes
(and ``unscannable``) handed to ``decide`` on the state about the file's sha256, at the time
of the request. A clean file needs no decision: the adoption in force is enough.

The time is part of every decision: a statement dated ahead of now (the ledger accepts a clock
a few minutes ahead), an adoption dated ahead, an official's ``valid_until``, an approval's
expiry. The follower looks again at the adoption in force when the next one dated ahead comes
into force (``due``, ``turn``), and every decision comes with the moment it could change
(``Decided.until``, ``approval.trust.gating.next_change``), at which the gate decides again.

A ledger that fails verification (a rewritten history, a corrupt entry) stops every answer
(``broken``): the gate decides from a verified ledger or not at all.

A clone with a remote, fetched every ``fetch_every`` seconds, is only as fresh as its last
fetch that succeeded (``fetched``): a remote that cannot be reached is not a ledger looked at,
and a revocation pushed there would never be seen. The gate counts it stale past its limit
(``Gate.stale``): no approval stands until a fetch succeeds again.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from approval.detect.report import FileReport
from approval.errors import ApprovalError
from approval.statements import now
from approval.trust.decision import Decision, decide
from approval.trust.gating import classes_of, next_change

if TYPE_CHECKING:
    from approval.ledger import Ledger
    from approval.ledger.snapshot import View
    from approval.policy import Policy

log = logging.getLogger("approval.serve")


@dataclass(frozen=True)
class Generation:
    """What a decision was taken on: the ledger head, and the adoption in force with its
    policy (scans are made under it). One object, replaced whole, so that a reader on another
    thread never pairs one adoption with another's policy. ``number`` grows with each new head
    seen, and each adoption dated ahead that comes into force (``Follower.turn``)."""

    number: int
    head: str | None
    adoption: str  # "" without a ledger (the bundled default policy)
    policy: Policy | None = None  # None: a ledger that adopted none (yet)
    turns: float | None = None  # epoch seconds: when an adoption dated ahead comes into force


@dataclass(frozen=True)
class Decided:
    """A decision and the first moment it could change by the time alone (epoch seconds;
    None: never, until the ledger moves)."""

    decision: Decision | None
    until: float | None


class Follower:
    """The verified ledger at its newest head (see the module doc). Use from one thread."""

    def __init__(self, path: Path | None, *, fetch_every: float = 0.0):
        self.path = path
        self.fetch_every = fetch_every
        self._ledger: Ledger | None = None
        self._view: View | None = None
        self._fetched = 0.0
        self.generation = Generation(0, None, "")
        self.broken: str | None = None
        # When the head was last looked at, successfully (monotonic seconds): the gate stops
        # trusting approvals when this grows old (a fetch or a git that hangs).
        self.checked = time.monotonic()
        # With a remote to fetch from: when a fetch last succeeded (monotonic seconds; None
        # before the first), and why the last one failed. ``fetching`` is whether the ledger
        # has a remote and fetches are asked for.
        self.fetching = False
        self.fetched: float | None = None
        self.fetch_problem: str | None = None

    # -- opening and following ----------------------------------------------------------------

    def open(self) -> Generation:
        """Open the ledger and verify it to its head (``ApprovalError`` when it cannot be)."""
        if self.path is None:
            from approval.policy import default_policy

            self.generation = Generation(0, None, "", default_policy())
            return self.generation
        from approval.ledger import Ledger

        self._ledger = Ledger.open(self.path)
        self._fetch(force=True)
        self._move(self._current_head())
        self.checked = time.monotonic()
        return self.generation

    def poll(self) -> bool:
        """Look for a new head (and fetch from the remote when due); whether it moved."""
        if self._ledger is None or self.broken is not None:
            return False
        try:
            self._fetch()
            head = self._current_head()
            if head == self.generation.head:
                self.checked = time.monotonic()
                return self.turn()
            self._move(head)
            self.checked = time.monotonic()
        except ApprovalError as e:
            # Fail closed: nothing more is allowed until the service is restarted on a ledger
            # that verifies. The message names heads and paths, never file content.
            self.broken = e.message
        except Exception as e:
            # Not following the ledger any more, the gate could not see a revocation: closed.
            self.broken = f"cannot follow the ledger ({type(e).__name__})"
        else:
            return True
        log.error("ledger: %s; refusing every request", self.broken)
        return True

    def _current_head(self) -> str | None:
        from approval.ledger import verified

        if self._ledger is None:
            raise RuntimeError("the ledger is not open")
        return verified.current_head(self._ledger)

    def _fetch(self, *, force: bool = False) -> None:
        if self.fetch_every <= 0 or self._ledger is None:
            return
        moment = time.monotonic()
        if not force and moment - self._fetched < self.fetch_every:
            return
        self._fetched = moment
        from approval.errors import UsageError
        from approval.ledger import remote as git_remote
        from approval.ledger.remote import Unreachable
        from approval.ledger.replication import Mode, refresh, using

        if git_remote.url(self._ledger) is None:
            self.fetching = False  # a ledger of its own: what it holds is all there is
            return
        self.fetching = True
        try:
            # Required: an unreachable remote is an error here, told apart from a fetch that
            # worked, so that only a fetch that worked counts as fresh (``fetched``).
            with using(Mode(online=True, required=True, warn=lambda m: log.warning("%s", m))):
                refresh(self._ledger)
        except UsageError as e:
            cause = e if isinstance(e, Unreachable) else e.__cause__
            if not isinstance(cause, Unreachable):
                raise
            self.fetch_problem = cause.message
            log.warning("ledger: cannot fetch: %s", self.fetch_problem)
            return
        self.fetched = time.monotonic()
        self.fetch_problem = None

    def _move(self, head: str | None) -> None:
        from approval.ledger.snapshot import open_view

        if self._ledger is None:
            raise RuntimeError("the ledger is not open")
        view = open_view(self._ledger, head)
        old, self._view = self._view, view
        if old is not None:
            old.close()  # its read snapshot would keep the cache's log from being checkpointed
        self._adopt(view, head)

    def _adopt(self, view: View, head: str | None) -> None:
        """The adoption in force now at ``head``, and when the next one dated ahead (the
        ledger accepts a clock a few minutes ahead) comes into force: a new generation."""
        state = view.state_for(())
        at = now()
        adoption = state.adoption_at(at)
        ahead = [a.at for a in state.adoptions if a.at > at]
        self.generation = Generation(
            self.generation.number + 1,
            head,
            adoption.id if adoption is not None else "",
            adoption.policy if adoption is not None else None,
            min(ahead).timestamp() if ahead else None,
        )

    def due(self) -> bool:
        """Whether an adoption dated ahead has come into force since the adoption in force
        was last looked at (``turn`` it). One comparison: asked at every request."""
        turns = self.generation.turns
        return turns is not None and time.time() >= turns

    def turn(self) -> bool:
        """When ``due``: the adoption in force now, in a new generation; whether it moved."""
        if not self.due() or self._view is None or self.broken is not None:
            return False
        try:
            self._adopt(self._view, self.generation.head)
        except Exception as e:
            # The view no longer answers: the gate could not know the policy in force. Closed.
            self.broken = f"cannot follow the ledger ({type(e).__name__})"
            log.error("ledger: %s; refusing every request", self.broken)
        return True

    def close(self) -> None:
        if self._view is not None:
            self._view.close()
        if self._ledger is not None:
            with contextlib.suppress(Exception):
                self._ledger.close()

    # -- deciding -------------------------------------------------------------------------------

    @property
    def policy(self) -> Policy | None:
        """The policy files are scanned under (None: a ledger that adopted none)."""
        return self.generation.policy

    def decide(self, report: FileReport) -> Decided:
        """The ledger's decision now for the bytes ``report`` describes (a scan that is not
        clean: a clean one needs none), with the moment it could change; no decision without
        a ledger."""
        if self._view is None:
            return Decided(None, None)
        at = now()
        state = self._view.state_for({report.sha256})
        decision = decide(
            state, report.sha256, at, classes=classes_of(report), found=report.summary()
        )
        change = next_change(state, at)
        return Decided(decision, change.timestamp() if change is not None else None)
