"""``approval export``: the gate in the publishing path. A file leaves only when it is clean, or
when the ledger allows its exact bytes at this moment.

The order is what makes it safe:

1. the file is copied into a staged file on the destination's file system that has no name
   in the destination until the decision (``approval.files.atomic``: an unnamed
   ``O_TMPFILE``, or a private 0700 directory), and hashed as it is copied: one read, so the
   bytes hashed are the bytes copied. A kill at any moment, SIGKILL included, leaves no byte of
   it that the web server could serve;
2. that copy is scanned, so the bytes scanned are the bytes that will be published, and the
   decision is taken for their sha256 from the ledger (clean: nothing to decide);
3. refused, or anything fails: the staged file goes, the destination is as it was. SIGTERM,
   SIGHUP and SIGINT clean up and exit 143, 129 and 130;
4. allowed where approval was needed: a signed ``export`` statement is appended *first*, then
   the copy is flushed to disk and renamed over the destination. A crash between the two leaves
   a recorded export that did not happen, which an auditor can see and which harms nobody; the
   other order could leave a published file that no record accounts for.

The destination directory is opened once, before the decision, and the bytes are put in place
through that descriptor, so they land in the directory the statement names (resolved then, never
again): a directory swapped before the statement is appended fails the export with nothing
recorded; one swapped after fails it with nothing written, and the error says the export was
recorded. DEST inside the ledger (its refs, objects, the directory itself: a file there could
move the branch back over the very record just made) or inside any git directory is refused
before anything is read, compared by device and inode along the resolved path.

DEST must be a directory, a regular file or nothing yet: a device or a pipe would be replaced by
the rename (``/dev/null`` becoming a file) or would swallow a recorded export, so it is refused
before anything is read or recorded. A target path that holds protected data (its file name,
or any directory in it: ``claims/Maria Lopez A212345678/stats.csv``) is refused (exit 1) before
anything is staged or recorded, by the rule ``approval check`` and ``approval serve`` apply to a
published path (``approval.detect.names``): a web server lists and serves the file under it,
whatever the bytes. The export statement records the file's name and the
destination as a request does (``approval.freetext``): a name that identifies a person is
redacted.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from approval.detect.report import FileReport
from approval.errors import ApprovalError, BlockedError, UsageError
from approval.exposure.record import exposure_for, settings
from approval.files.atomic import DestinationMoved, Staged, copy_hashing, signals
from approval.files.atomic import refuse_git_directory as refuse_git
from approval.freetext import MAX_TEXT, safe_name, safe_text
from approval.ledger.session import Session, read_key, sign_and_append
from approval.policy import Policy
from approval.signing import PrivateKey
from approval.statements import kinds, now, short_id
from approval.trust.decision import Decision, decide
from approval.trust.state import LedgerState, identify


@dataclass(frozen=True)
class Exported:
    """What the gate did with one file."""

    source: Path
    target: Path  # the final path: DEST itself, or DEST/<name>
    report: FileReport  # the scan of the copy
    decision: Decision
    exporter: str
    exported: bool
    statement: str | None  # the export statement's id, when approval was needed
    next_steps: tuple[str, ...]  # the commands to run when refused

    @property
    def needed_approval(self) -> bool:
        return bool(self.decision.rules)


def target_path(source: Path, dest: Path) -> Path:
    """DEST itself, or DEST/<source name> when DEST is a directory; ``UsageError`` when that
    cannot be written to, or is not a regular file (see the module doc)."""
    refuse_special(dest)
    target = dest / source.name if dest.is_dir() else dest
    refuse_special(target)
    if target.is_dir():
        raise UsageError(f"{target} is a directory", hint="give a directory or a file path")
    if not target.parent.is_dir():
        raise UsageError(f"{target.parent}: no such directory")
    if target.exists() and target.resolve() == source.resolve():
        raise UsageError(f"{target} is the file itself", hint="export it to another place")
    return target


def refuse_named(target: Path, policy: Policy, *, verb: str = "exported") -> None:
    """``BlockedError`` when the path a file is published under holds protected data, read as
    ``approval check`` and ``approval serve`` read a published path (``detect.names``): as
    given, and with its directory resolved (a link, or a relative path, can hide the folder
    that names a person). Every directory counts, not just the file name: the place under the
    web root is the publisher's choice, and persons are named across folders too. The error
    shows the path redacted."""
    from approval.detect.names import spelling_holds_data

    resolved = Path(os.path.realpath(target.parent)) / target.name
    named = spelling_holds_data((str(target), str(resolved)), policy)
    if named is not None:
        raise BlockedError(
            f"{named.path}: not {verb}: {named.reason}",
            hint="a web server shows a file's path to everyone who lists or fetches it; "
            "give one that names no one",
        )


def require_file(file: Path) -> None:
    """``UsageError`` unless ``file`` is a regular file to read, saying what it is instead."""
    try:
        mode = file.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        raise UsageError(f"{file}: no such file") from None
    except OSError as e:
        raise UsageError(f"{file}: {_why(e)}") from e
    if stat.S_ISDIR(mode):
        raise UsageError(f"{file}: is a directory", hint="give one file")
    if not stat.S_ISREG(mode):
        raise UsageError(f"{file}: is {_special(mode)}, not a regular file")


def refuse_special(path: Path) -> None:
    """``UsageError`` when ``path`` exists and is neither a regular file nor a directory (a
    device, a pipe, a socket, or a link to one): a file put in its place by rename would
    replace it, and one written into it would not be published."""
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        return  # nothing there yet: the export makes a file
    except OSError as e:
        raise UsageError(f"{path}: {_why(e)}") from e
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise UsageError(
            f"{path} is {_special(mode)}, not a regular file or a directory: nothing was exported",
            hint="export to a directory or to a file path",
        )


def _special(mode: int) -> str:
    for test, words in (
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return words
    return "a special file"


def refuse_git_directory(directory: Path, shown: Path, ledgers: Sequence[Path] = ()) -> None:
    """``UsageError`` (``shown`` is named) when ``directory`` is, or is inside, one of
    ``ledgers`` or any git directory (``.git``, or a bare repository such as the ledger):
    a file put there could replace a ref or an object of the ledger (moving its branch back
    over the record just appended) or of another repository, or leave protected data in the
    shared ledger. Compared by device and inode along the resolved path, not by its text."""
    protected = set()
    for ledger in ledgers:
        with contextlib.suppress(OSError):
            info = Path(ledger).stat()
            protected.add((info.st_dev, info.st_ino))
    here = Path(os.path.realpath(directory))
    for place in (here, *here.parents):
        try:
            info = place.stat()
        except OSError as e:
            raise UsageError(f"{place}: {_why(e)}: nothing was written") from e
        if (info.st_dev, info.st_ino) in protected:
            raise UsageError(
                f"{shown} is inside the ledger: nothing was written",
                hint="give a place outside the ledger",
            )
    refuse_git(here, shown)


def export_file(
    ledger: Path | None,
    file: Path,
    dest: Path,
    key_file: Path,
    passphrase_env: str | None,
    *,
    staging: Callable[[Path], Staged] = Staged,
) -> Exported:
    """Export ``file`` to ``dest`` if the gate allows it (see the module doc). ``staging``
    makes the staged file (tests pass one that swaps the destination at a chosen moment)."""
    from approval.detect.scan import scan_file
    from approval.ledger.session import gate

    require_file(file)
    target = target_path(file, dest)
    key = read_key(key_file, passphrase_env)
    with signals(), gate(ledger) as (session, view):
        ledgers = (session.ledger.path, session.ledger.git_dir)
        # Before anything is staged there, and again on the directory actually opened.
        refuse_git_directory(target.parent, target, ledgers)
        at = now()
        exporter = identify(session.state, key.public_line, at)
        policy = session.state.current.policy
        # Its path is published too: read as data before anything is staged or recorded.
        refuse_named(target, policy)
        try:
            stage = staging(target)
        except OSError as e:
            raise UsageError(f"cannot write in {target.parent}: {_why(e)}") from e
        try:
            refuse_git_directory(stage.directory, target, ledgers)
            refuse_named(stage.target, policy)
            try:
                sha256, size = copy_hashing(file, stage.file)
            except OSError as e:
                raise UsageError(f"cannot copy {file} to {target.parent}: {_why(e)}") from e
            # With the persons' identity keys: the export's own exposure record.
            report = scan_file(stage.path, policy, display_name=str(file), identities=True)
            if report.sha256 != sha256:
                raise UsageError(
                    f"the copy of {file} changed while it was scanned: nothing was exported",
                    hint="something else writes in the destination directory; try again",
                )
            session.state = view.state_for([sha256])
            # Its classes (and ``unscannable``) decide which rules apply, and no request allows
            # more than it describes (``held_to``): one rule with check, status and serve.
            decision = decide(session.state, sha256, at, found=report.summary())
            if not decision.allowed:
                steps = next_steps(decision, file, target, key_file, state=session.state, at=at)
                return Exported(file, target, report, decision, exporter.id, False, None, steps)
            # Checked again just before it counts: something may have appeared there since,
            # or the directory opened may no longer be the one the record will name.
            refuse_special(stage.target)
            try:
                stage.check_place()
            except DestinationMoved as e:
                raise UsageError(
                    f"{stage.directory}: {_why(e)}: nothing was exported or recorded",
                    hint="something moves directories there; export again",
                ) from e
            statement_id = None
            _, record_clean = settings(policy.document)
            if decision.rules or record_clean:
                # Exports that needed no approval are recorded too (the policy's
                # exposure.record_clean_exports): a scanner miss found later can be scoped.
                artifact = kinds.Artifact(
                    sha256=sha256, size=size, name=safe_name(file.name, policy)
                )
                statement_id = _record(
                    session,
                    decision,
                    exporter.id,
                    artifact,
                    _destination(stage.target, policy),
                    key,
                    report.identity_groups,
                )
            try:
                stage.commit()
            except OSError as e:
                if statement_id is None:
                    raise UsageError(f"cannot write {target}: {_why(e)}") from e
                raise ApprovalError(
                    f"export {short_id(statement_id)} was recorded, but {target} could not be "
                    f"written: {_why(e)}",
                    hint="the ledger now shows an export that did not happen; export again",
                ) from e
        finally:
            stage.discard()
    return Exported(file, target, report, decision, exporter.id, True, statement_id, ())


def _record(
    session: Session,
    decision: Decision,
    exporter: str,
    artifact: kinds.Artifact,
    destination: str,
    key: PrivateKey,
    persons: tuple[tuple[str, ...], ...] = (),
) -> str:
    """Append the signed export statement: which bytes, where, by whom, on which sign-offs,
    and the persons they hold, encrypted to the privacy officers in force (none: no record)."""
    at = now()
    if decision.rules:
        # An allowed decision that needed approval names its request and adoption.
        assert decision.request is not None and decision.adoption is not None
    adoption = decision.adoption or session.state.current
    needed = decision.rules or persons
    current = session.state.current
    statement = kinds.Export(
        created=at,
        seen_head=session.head,
        signer=exporter,
        artifact=artifact,
        destination=destination,
        request=decision.request.id if decision.rules and decision.request else None,
        signoffs=tuple(s.id for s in decision.used),
        policy=kinds.PolicyRef(
            id=adoption.policy.id, version=adoption.policy.version, adoption=adoption.id
        ),
        exposure=(
            exposure_for(current.policy.document, current.roster, persons, at) if needed else None
        ),
    )
    return sign_and_append(session, statement, [(key, exporter)]).id


def _destination(target: Path, policy: Policy) -> str:
    """Where the file went, as the ledger keeps it: ``target`` (the directory the staging opened,
    as resolved then, and the file's name), its names that identify a person redacted
    (DEST/<name> ends in the file's own name), the end kept when too long. Never resolved
    again: the bytes go to the directory opened, whatever a path says by now."""
    text = safe_text(str(target), policy)
    return text if len(text) <= MAX_TEXT else "..." + text[-(MAX_TEXT - 3) :]


def next_steps(
    decision: Decision,
    file: Path,
    target: Path,
    key_file: Path,
    *,
    state: LedgerState | None = None,
    at: datetime | None = None,
) -> tuple[str, ...]:
    """The commands that would let the file out, for what actually blocks it.

    Read from the decision's own facts (the rejections that block, the approvals too old or
    made without a rescan): the hints never judge the ledger a second time. ``state`` (the
    ledger's slice for the file) says whether the request was withdrawn, and whether it was
    made under a policy that is no longer in force. A path that names a person is FILE or
    DEST: what the screen prints names no one."""
    file, target = _shown(file, "FILE", decision), _shown(target, "DEST", decision)
    again = (
        f'approval request {_quote(str(file))} --purpose "..." '
        f"--destination {_quote(str(target))} --key {_quote(str(key_file))}"
    )
    request = decision.request
    if request is None:
        return (again,)
    short = short_id(request.id)
    if decision.beyond:
        # Approved for what the request said, not for what the bytes hold: it must go, and
        # a request that describes them must be made and signed.
        return (
            f'approval revoke {short} --key KEY --reason "..."   # by its requester, a '
            "privacy officer or an admin",
            again,
        )
    rejections = decision.rejections
    if rejections:
        # A rejection blocks these bytes under every request and policy until it is withdrawn:
        # neither a signature nor a new request for the same bytes lets them out.
        revokes = [
            f'approval revoke {short_id(r.id)} --key KEY --reason "..."   '
            f"# by {r.signer} or an admin who did not request it"
            for r in rejections
        ]
        return (*revokes, f"{again}   # once the file is changed: the rejection binds its bytes")
    if (
        decision.adoption is not None
        and request.adoption != decision.adoption.id
        and (state is None or not state.same_policy(request.adoption, decision.adoption))
    ):
        # Sign-offs bind the policy in force when they were made: none on it can count again.
        return (f"{again}   # {short} was made under an earlier policy",)
    if state is not None and state.revocation_of(request.id, at) is not None:
        return (f"{again}   # {short} was withdrawn",)
    # The official rescans the bytes they sign (``--file``): a rule may count nothing else.
    steps = [
        f"approval sign {short} --file {_quote(str(file))} --key KEY --role {role}"
        for role in dict.fromkeys(decision.missing)
    ]
    steps += [
        f'approval revoke {short_id(s.id)} --key KEY --reason "..."   # by {s.signer}, '
        "whose approval made without a rescan does not count; then sign again with --file"
        for s in decision.unrescanned
        if s.role in decision.missing
    ]
    if decision.expired:
        # An official cannot sign the same request twice: a new request starts afresh.
        steps.insert(0, f"{again}   # approvals of {short} expired")
    return tuple(steps) or (f"approval status {short}",)


def _shown(path: Path, placeholder: str, decision: Decision) -> Path:
    from approval.detect.strings import personal_data_in
    from approval.policy import default_policy

    policy = decision.adoption.policy if decision.adoption is not None else default_policy()
    return Path(placeholder) if personal_data_in(str(path), policy) else path


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def _why(error: OSError) -> str:
    return (error.strerror or type(error).__name__).lower()
