"""Recording a refusal in the ledger: a signed ``blocked`` statement by the service's official.

``approval serve --key FILE`` signs, with a key the roster in force gives to an official holding
the role ``service`` (and no other: ``approval.trust.state``), one ``blocked`` statement for the
first refusal of each file's bytes in a run of the service, so that an auditor replaying the
ledger sees that the door held, and an incident can start from it.

- What it holds: the bytes' sha256 and size, the file's base name made safe (the refusal log's
  ``safe_path``: a name that identifies a person is redacted), the verdict (``protected`` or
  ``unscannable``), the decision's facts or the scanner's reason (made safe again here), and
  the site. Never the file's content, a finding's sample or a person's name. Refusals that are
  not about a file's bytes (a path outside the root, a missing file, ``scanning``) are only
  logged.
- Once per sha256 per run of the service (up to ``remember`` files; past that it starts again).
- Rate-limited: at most ``per_minute`` statements in any 60 seconds, and at most ``backlog``
  waiting; the refusals past either are logged ("not recorded") and not recorded, so a flood of
  refused files cannot flood the ledger (each statement is a commit, pushed to the remote).
- Never in the way of an answer: the gate's event loop only puts the refusal on a queue; one
  thread of the recorder's own opens the ledger, signs and appends through the ordinary
  session (``sign_and_append``: the trust rules checked before the append, compare-and-swap,
  push). A failure is logged (one line, no content) and changes no answer.
"""

from __future__ import annotations

import collections
import logging
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from approval.detect.report import PROTECTED, UNSCANNABLE
from approval.errors import ApprovalError
from approval.serve.gate import Answer

if TYPE_CHECKING:
    from datetime import datetime

    from approval.ledger.session import Session
    from approval.signing import PrivateKey
    from approval.statements.kinds import Blocked

KIND = "blocked"
SERVICE_ROLE = "service"
RECORDED = frozenset({PROTECTED, UNSCANNABLE})  # verdicts about a file's bytes
MAX_REASON = 500
PER_MINUTE = 30
BACKLOG = 256

log = logging.getLogger("approval.serve")


def blocked_statement(
    answer: Answer,
    *,
    signer: str,
    site: str,
    name: str,
    seen_head: str | None,
    at: datetime,
) -> Blocked:
    """The ``blocked`` statement for a refusal. ``name`` is the file's base name, already made
    safe (``refusals.safe_path``); the reason is made safe when signed (``safe_reason``)."""
    from approval.detect.strings import printable
    from approval.statements.kinds import Artifact, Blocked

    if answer.word not in RECORDED or not answer.sha256:
        raise ValueError(f"a {answer.word!r} refusal is not about a file's bytes")
    return Blocked(
        created=at,
        seen_head=seen_head,
        signer=signer,
        artifact=Artifact(sha256=answer.sha256, size=answer.size, name=name or "[unnamed]"),
        verdict=answer.word,
        # One line of plain text, as the ledger admits (approval.trust.text): ``--site`` is typed.
        site=printable(site)[:200] or "[unnamed site]",
        reason=answer.reason[:MAX_REASON] or None,
    )


def validate(statement: Blocked | dict[str, Any]) -> list[str]:
    """What is wrong with the statement (or its document) by ``blocked.schema.json`` (empty:
    nothing)."""
    from approval.schemas import validator

    doc = statement if isinstance(statement, dict) else statement.to_dict()
    return [e.message for e in validator(KIND).iter_errors(doc)]


def identify_service(session: Session, key: PrivateKey) -> str:
    """The official of the roster in force whose key ``key`` is, holding the role ``service``
    (``UsageError`` otherwise: the service says so at start, exit 2)."""
    from approval.statements import now
    from approval.trust.state import identify

    return identify(session.state, key.public_line, now(), service=True).id


class BlockedRecorder:
    """Records first refusals as ``blocked`` statements, from a thread of its own (see the
    module doc). ``__call__`` never blocks: it is called on the gate's event loop."""

    def __init__(
        self,
        ledger: Path | None,
        key: PrivateKey,
        site: str,
        *,
        per_minute: int = PER_MINUTE,
        backlog: int = BACKLOG,
        remember: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.ledger = ledger
        self.key = key
        self.site = site
        self.per_minute = per_minute
        self.remember = remember
        self.clock = clock
        self._queue: queue.Queue[tuple[Answer, str] | None] = queue.Queue(maxsize=backlog)
        self._seen: set[str] = set()
        self._times: collections.deque[float] = collections.deque()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.recorded = 0  # statements appended
        self.skipped = 0  # refusals not recorded: over the rate or the backlog
        self.failed = 0  # appends that failed (logged)

    # -- the event loop's side ----------------------------------------------------------------

    def __call__(self, answer: Answer, name: str) -> None:
        if answer.word not in RECORDED or not answer.sha256:
            return
        with self._lock:
            if answer.sha256 in self._seen:
                return
            if len(self._seen) >= self.remember:
                self._seen.clear()
            self._seen.add(answer.sha256)
            moment = self.clock()
            while self._times and moment - self._times[0] >= 60.0:
                self._times.popleft()
            if len(self._times) >= self.per_minute:
                self._skip(answer, f"more than {self.per_minute} a minute")
                return
            try:
                self._queue.put_nowait((answer, name))
            except queue.Full:
                self._skip(answer, "too many waiting")
                return
            self._times.append(moment)

    def _skip(self, answer: Answer, why: str) -> None:
        self.skipped += 1
        log.warning("refusal of sha256 %s not recorded in the ledger (%s)", answer.sha256, why)

    # -- the recorder's thread ----------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="approval-record", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Record what is waiting (for up to ``timeout`` seconds), then stop."""
        if self._thread is None:
            return
        try:
            self._queue.put(None, timeout=timeout)
        except queue.Full:
            return  # the daemon thread ends with the process
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            answer, name = item
            try:
                statement_id = self.record(answer, name)
            except Exception as e:
                self.failed += 1
                # An ApprovalError's message names heads, officials and rules, never content;
                # another error only by its type (its message could quote anything).
                why = e.message if isinstance(e, ApprovalError) else type(e).__name__
                log.warning("could not record the refusal of sha256 %s: %s", answer.sha256, why)
            else:
                self.recorded += 1
                log.info("recorded the refusal of sha256 %s as %s", answer.sha256, statement_id)

    def record(self, answer: Answer, name: str) -> str:
        """Sign and append the ``blocked`` statement for ``answer``; its id. Opens the ledger
        each time (a refusal is rare, and the ledger moves meanwhile): the roster in force
        then, the trust rules at its head."""
        from approval.detect.strings import safe_text
        from approval.ledger.session import gate, sign_and_append
        from approval.statements import now

        with gate(self.ledger) as (session, view):
            session.state = view.state_for({answer.sha256})
            official = identify_service(session, self.key)
            policy = session.state.current.policy
            reason = safe_text(answer.reason, policy, MAX_REASON) if answer.reason else ""
            statement = blocked_statement(
                Answer(False, answer.word, "", answer.sha256, answer.size, reason),
                signer=official,
                site=self.site,
                name=name,
                seen_head=session.head,
                at=now(),
            )
            return sign_and_append(session, statement, [(self.key, official)]).id
