"""``approval show``, ``status`` and ``sign``: what officials review, and their sign-offs.

They answer from the verified ledger's adoptions and the slice about one file (see snapshot.py),
never restoring the whole state: a request's id names its file, whose slice holds the request,
its sign-offs and their revocations, every other request for the same file with its sign-offs,
its exports and redactions: all that ``decide``, ``check_signoff`` and the review screen read,
beside the policy and roster in force and the whole ledger's latest time. A new sign-off is
checked against that same state before it is appended, by compare-and-swap on the head it was
read at (sync.py): the rules of ``LedgerState.check`` for a sign-off look at its request (in the
slice), at its duplicate (its id covers the file's sha256: in the slice too), at the roster in
force and at the latest time, so it passes or fails there exactly as against the whole state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from approval.errors import BlockedError, UsageError
from approval.freetext import free_text
from approval.ledger.session import gate, opened, read_key, sign_and_append
from approval.policy import Policy
from approval.statements import kinds, now, short_id
from approval.trust.decision import RESCANNED, Decision, check_signoff, decide, live_requests
from approval.trust.state import LedgerState, Request, SignOff, identify
from approval.trust.summaries import Difference, compare, summary_digest

if TYPE_CHECKING:
    from approval.ledger import Ledger
    from approval.ledger.snapshot import View
    from approval.workflow.checkpoint import Notice


@dataclass(frozen=True)
class SignOffLine:
    signoff: SignOff
    name: str
    counted: bool
    revoked: bool


@dataclass(frozen=True)
class Rescan:
    """The official's own scan of the bytes under review (DESIGN.md invariant 10), or why
    there is none. ``summary`` is made safe to show as a request's is."""

    path: str | None  # the file rescanned, as shown (names that identify a person redacted)
    summary: dict[str, Any] | None
    differences: tuple[Difference, ...]
    note: str  # how the file was found, or why it was not

    @property
    def done(self) -> bool:
        return self.summary is not None

    @property
    def understated(self) -> tuple[Difference, ...]:
        """What the request leaves out of what the bytes hold: refuses an approval."""
        return tuple(d for d in self.differences if d.understates)


def rescan(request: Request, policy: Policy, file: Path | None, search: Path | None) -> Rescan:
    """Scan the bytes of ``request`` with this client: ``file`` (refused when it holds other
    bytes), else the file under ``search`` with its sha256 (see locate.py), else nothing."""
    from approval.detect.scan import scan_file
    from approval.detect.strings import safe_scan, safe_text
    from approval.files.locate import find_by_digest, sha256_of
    from approval.workflow.export import require_file

    short = short_id(request.id)
    if file is not None:
        require_file(file)
        try:
            same = (
                file.stat().st_size == request.artifact.size and sha256_of(file) == request.sha256
            )
        except OSError as e:
            raise UsageError(f"{file}: {(e.strerror or type(e).__name__).lower()}") from e
        if not same:
            raise UsageError(
                f"{safe_text(str(file), policy)} is not the file of request {short}: its bytes "
                "differ",
                hint=f"give the file whose sha256 is {request.sha256}",
            )
        path, note = file, "the file given with --file"
    elif search is not None:
        located = find_by_digest(search, request.sha256, request.artifact.size)
        if located.path is None:
            return Rescan(None, None, (), f"{located.note}: pass --file PATH")
        path, note = located.path, located.note
    else:
        return Rescan(None, None, (), "no file given: pass --file PATH")
    report = scan_file(path, policy)
    if report.sha256 != request.sha256:
        raise UsageError(
            f"{safe_text(str(path), policy)} changed while it was rescanned",
            hint="run the command again once nothing writes to it",
        )
    summary = safe_scan(report.summary(), policy)
    shown = safe_text(str(path), policy)
    return Rescan(shown, summary, compare(request.scan, summary), note)


@dataclass(frozen=True)
class Review:
    """Everything the review screen shows about one request."""

    request: Request
    requester_name: str
    policy: str
    decision: Decision
    signoffs: tuple[SignOffLine, ...]
    at: datetime
    rescan: Rescan | None = None  # None: the review did not try to rescan
    # "refused before: ..." lines (trust/refusals.py), as a screen may show them.
    refused_before: tuple[str, ...] = ()

    @property
    def short(self) -> str:
        return short_id(self.request.id)


def refused_lines(
    view: View,
    *,
    name: str,
    sha256: str,
    scan: dict[str, Any] | None,
    at: datetime,
    request_id: str | None = None,
) -> tuple[str, ...]:
    """The earlier refusals of files like this one (:func:`refused_in`), from the slices of
    the refused files only, never the whole state."""
    refused = view.refused_artifacts()
    if not refused:
        return ()
    state = view.state_for([*refused, sha256])
    return refused_in(state, name=name, sha256=sha256, scan=scan, at=at, request_id=request_id)


def refused_in(
    state: LedgerState,
    *,
    name: str,
    sha256: str,
    scan: dict[str, Any] | None,
    at: datetime,
    request_id: str | None = None,
) -> tuple[str, ...]:
    """The earlier refusals in ``state`` of files like this one
    (``trust.refusals.refused_before``), one line each, the file name and the official's
    reason withheld where a screen would withhold them (``show``, ``status``, ``inbox``)."""
    from approval.report.personal import shown_request, shown_signoff
    from approval.trust.refusals import refused_before

    policy = state.current.policy
    return tuple(
        prior.line(
            shown_request(prior.request, policy).artifact.name,
            shown_signoff(prior.signoff, policy).comment,
        )
        for prior in refused_before(
            state, name=name, sha256=sha256, scan=scan, at=at, request_id=request_id
        )
    )


def _refused_for(view: View, request: Request, at: datetime) -> tuple[str, ...]:
    return refused_lines(
        view,
        name=request.artifact.name,
        sha256=request.sha256,
        scan=request.scan,
        at=at,
        request_id=request.id,
    )


def build_review(
    state: LedgerState,
    request: Request,
    at: datetime,
    seen: Rescan | None = None,
    refused: tuple[str, ...] = (),
) -> Review:
    from approval.report.personal import shown_request, shown_signoff

    decision = decide(state, request.sha256, at, request_id=request.id)
    roster = state.current.roster
    # What the screen shows: text a rogue client recorded that the audit would warn of is
    # withheld (the decision above is made from the statements as recorded).
    policy = state.current.policy
    used = {s.id for s in decision.used}
    lines = tuple(
        SignOffLine(
            shown_signoff(s, policy),
            (o.name if (o := roster.official(s.signer)) else s.signer),
            s.id in used,
            state.is_revoked(s.id),
        )
        for s in state.signoffs_for(request.id)
    )
    requester = roster.official(request.requester)
    return Review(
        shown_request(request, policy),
        requester.name if requester else request.requester,
        state.current.label,
        decision,
        lines,
        at,
        seen,
        refused,
    )


def show_request(
    ledger: Path | None, ref: str, *, file: Path | None = None, search: Path | None = None
) -> Review:
    """The review screen's content for request ``ref`` (full id or unique prefix), with this
    client's rescan of ``file`` or of the file found under ``search`` (see ``rescan``); with
    neither, the review holds no rescan."""
    with opened(ledger) as (_, view):
        request, state = view.request(ref)
        seen = None
        if file is not None or search is not None:
            seen = rescan(request, state.current.policy, file, search)
        at = now()
        return build_review(state, request, at, seen, _refused_for(view, request, at))


@dataclass(frozen=True)
class Status:
    """Where a file or request stands, and what to do next."""

    subject: str  # the file or request asked about, as shown (a name in it redacted)
    sha256: str
    decision: Decision
    verdict: str | None  # the fresh scan's verdict, when a file was given
    next_steps: tuple[str, ...]
    # A checkpoint due, or the newest short of its witnesses (as `approval doctor` warns).
    checkpoint: Notice | None = None
    refused_before: tuple[str, ...] = ()  # as on the review screen (``refused_lines``)


def status(ledger: Path | None, subject: str) -> Status:
    """The decision for a file (scanned now) or a request, with the exact next commands."""
    from approval.detect.scan import scan_file
    from approval.detect.strings import safe_text

    at = now()
    with opened(ledger) as (opened_ledger, view):
        path = Path(subject)
        policy = view.state_for(()).current.policy
        if path.is_file():
            report = scan_file(path, policy)
            state = view.state_for([report.sha256])
            # Held to what its request describes, as export holds it (``held_to``).
            decision = decide(state, report.sha256, at, found=report.summary())
            sha, verdict, file = report.sha256, report.verdict, subject
            refused = refused_lines(view, name=path.name, sha256=sha, scan=report.summary(), at=at)
        elif path.suffix and not path.exists() and not _looks_like_id(subject):
            raise UsageError(f"{safe_text(subject, policy)}: no such file")
        else:
            request, state = view.request(subject)
            decision = decide(state, request.sha256, at, request_id=request.id)
            sha, verdict, file = request.sha256, None, None
            refused = _refused_for(view, request, at)
        steps = _next_steps(decision, state, at, file, policy)
        checkpoint = _checkpoint_notice(opened_ledger, view, policy)
    return Status(safe_text(subject, policy), sha, decision, verdict, steps, checkpoint, refused)


def _checkpoint_notice(ledger: Ledger, view: View, policy: Policy) -> Notice | None:
    """``approval doctor``'s checkpoint warning (``workflow.checkpoint.notice``), from the
    adoptions and the checkpoints' slice: never the whole state."""
    from approval.ledger.snapshot import CHECKPOINTS
    from approval.workflow.checkpoint import notice, standing

    rule = policy.checkpoints
    if rule is None or view.head is None:
        return None
    state = view.state_for([CHECKPOINTS])
    if view.whole is not None:
        count: int | None = len(view.whole)
    else:
        # Counted by git from the newest checkpoint's head (an ancestor: the verifier admitted
        # it), or up to `every` commits when there is none: a whole count of a 100k history
        # is half a second, paid only when a checkpoint is due and there is none yet.
        found = state.checkpoints()
        if found:
            since = _commits(ledger, f"{found[-1].head}..{view.head}")
            count = None if since is None else found[-1].count + since
        elif rule.every is None:
            return None  # nothing to be due, and no checkpoint to lack witnesses
        else:
            count = _commits(ledger, view.head, limit=rule.every)
            if count == rule.every:
                count = _commits(ledger, view.head)
    if count is None:
        return None  # information only: git that cannot count changes no decision
    return notice(standing(state, count))


def _commits(ledger: Ledger, revisions: str, *, limit: int | None = None) -> int | None:
    """How many first-parent commits ``git rev-list`` counts in ``revisions`` (at most
    ``limit``); None when git cannot say."""
    from approval.ledger.git import Git, GitError

    bound = [f"--max-count={limit}"] if limit is not None else []
    try:
        out = Git(ledger.git_dir).output(
            ["rev-list", "--count", "--first-parent", *bound, revisions, "--"]
        )
        return int(out.strip())
    except (GitError, ValueError):
        return None


def _looks_like_id(text: str) -> bool:
    return len(text) >= 4 and all(c in "0123456789abcdef" for c in text.lower())


def _next_steps(
    decision: Decision, state: LedgerState, at: datetime, file: str | None, policy: Policy
) -> tuple[str, ...]:
    """Commands that would succeed, with FILE, DEST, KEY and "..." to fill in. A file whose
    path identifies a person is FILE too: what status prints names no one."""
    from approval.detect.strings import personal_data_in
    from approval.workflow.export import next_steps

    if file is not None and personal_data_in(file, policy):
        file = None
    name = file or "FILE"
    if decision.allowed:
        return (f"approval export {_quote(name)} --to DEST --key KEY",)
    request = decision.request
    if request is not None and state.revocation_of(request.id, at) is not None:
        # Asked about a withdrawn request: the live one for the same bytes, if any, is the
        # one to work on.
        live = live_requests(state, request.sha256, at)
        if live:
            return (
                f"approval status {short_id(live[-1].id)}   # {short_id(request.id)} was "
                "withdrawn; this is the live request for the same bytes",
            )
    return next_steps(decision, Path(name), Path("DEST"), Path("KEY"), state=state, at=at)


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


@dataclass(frozen=True)
class Signed:
    id: str
    request: str
    signer: str
    role: str
    decision: str
    after: Decision
    rescan: Rescan | None = None


Confirm = Callable[[Review, str], str | None]
"""Shown the review and the role, returns the comment to record (or raises to abort)."""


def sign_request(
    ledger: Path | None,
    ref: str,
    key_file: Path,
    passphrase_env: str | None,
    *,
    role: str | None,
    reject: bool,
    comment: str | None,
    confirm: Confirm,
    file: Path | None = None,
    search: Path | None = None,
) -> Signed:
    """Approve or reject request ``ref`` under one role, after ``confirm`` (the review screen).

    The bytes are rescanned first (``file``, else the file under ``search`` with the request's
    sha256): an approval of a request whose summary says less than the bytes hold is refused
    (``BlockedError``), and so is an approval without a rescan where a rule that applies needs
    one. A rejection is recorded either way. The sign-off says whether its signer rescanned,
    and the digest of the summary they checked."""
    decision_word = "reject" if reject else "approve"
    key = read_key(key_file, passphrase_env)
    with gate(ledger) as (session, view):
        at = now()
        official = identify(session.state, key.public_line, at)
        found, state = view.request(ref)
        # The state the sign-off is checked against before, and appended on (see the module doc).
        session.state = state
        request, chosen = check_signoff(
            state, found.id, official.id, role, decision_word, at, comment
        )
        policy = state.current.policy
        seen = rescan(request, policy, file, search)
        if not reject:
            _may_approve(request, policy, chosen, seen)
        review = build_review(state, request, at, seen, _refused_for(view, request, at))
        comment = confirm(review, chosen)
        if reject and not comment:
            raise UsageError("a rejection needs a reason", hint="pass --comment TEXT")
        if comment:
            comment = free_text("the comment", comment, policy)
        statement = kinds.SignOff(
            created=now(),
            seen_head=session.head,
            signer=official.id,
            request=request.id,
            artifact_sha256=request.sha256,
            decision=decision_word,
            role=chosen,
            comment=comment or None,
            rescanned=seen.done,
            summary_sha256=summary_digest(request.scan),
        )
        envelope = sign_and_append(session, statement, [(key, official.id)])
        # The session's state: a lost race replaces it with the state at the new tip.
        after = decide(session.state, request.sha256, now(), request_id=request.id)
    return Signed(envelope.id, request.id, official.id, chosen, decision_word, after, seen)


def _may_approve(request: Request, policy: Policy, role: str, seen: Rescan) -> None:
    """Refuse an approval the rescan contradicts, or one a rule would not count."""
    short = short_id(request.id)
    if seen.understated:
        raise BlockedError(
            f"request {short} does not describe its file: {seen.understated[0].words}; "
            "nothing was signed",
            hint=f'refuse it: approval sign {short} --reject --comment "the description does '
            'not match the bytes" (the publisher must request again)',
        )
    if seen.done:
        return
    needing = [
        r.id for r in policy.rules_for(request.classes) if r.require_rescan and role in r.roles
    ]
    if needing:
        raise UsageError(
            f"{', '.join(needing)} counts only {RESCANNED} as {role}, and {seen.note}",
            hint=f"sign where the file is, or give it: approval sign {short} --file PATH",
        )
