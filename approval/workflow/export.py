"""``approval export``: the gate in the publishing path. A file leaves only when it is clean, or
when the ledger allows its exact bytes at this moment.

The order is what makes it safe:

1. the file is copied into a temporary file in the destination's directory, and hashed as it
   is copied: one read, so the bytes hashed are the bytes copied;
2. that copy is scanned, so the bytes scanned are the bytes that will be published, and the
   decision is taken for their sha256 from the ledger (clean: nothing to decide);
3. refused, or anything fails: the temporary file is removed, the destination is as it was;
4. allowed where approval was needed: a signed ``export`` statement is appended *first*, then
   the copy is flushed to disk and renamed over the destination. A crash between the two leaves
   a recorded export that did not happen, which an auditor can see and which harms nobody; the
   other order could leave a published file that no record accounts for.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from approval.decision import Decision, decide
from approval.detect.report import UNSCANNABLE, FileReport
from approval.errors import ApprovalError, UsageError
from approval.signing import PrivateKey
from approval.state import identify
from approval.statements import now, short_id
from approval.workflow.atomic import Staged, copy_hashing
from approval.workflow.ledger import Session, new_statement, read_key, sign_and_append

# The statement schema's limit for free text.
MAX_TEXT = 2000


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
    cannot be written to."""
    target = dest / source.name if dest.is_dir() else dest
    if target.is_dir():
        raise UsageError(f"{target} is a directory", hint="give a directory or a file path")
    if not target.parent.is_dir():
        raise UsageError(f"{target.parent}: no such directory")
    if target.exists() and target.resolve() == source.resolve():
        raise UsageError(f"{target} is the file itself", hint="export it to another place")
    return target


def export_file(
    ledger: Path | None, file: Path, dest: Path, key_file: Path, passphrase_env: str | None
) -> Exported:
    """Export ``file`` to ``dest`` if the gate allows it (see the module doc)."""
    from approval.detect.scan import scan_file
    from approval.workflow.snapshot import gate

    if not file.is_file():
        raise UsageError(f"{file}: no such file")
    target = target_path(file, dest)
    key = read_key(key_file, passphrase_env)
    with gate(ledger) as (session, view):
        at = now()
        exporter = identify(session.state, key.public_line, at)
        policy = session.state.current.policy
        try:
            stage = Staged(target)
        except OSError as e:
            raise UsageError(f"cannot write in {target.parent}: {_why(e)}") from e
        try:
            try:
                sha256, size = copy_hashing(file, stage.file)
            except OSError as e:
                raise UsageError(f"cannot copy {file} to {target.parent}: {_why(e)}") from e
            report = scan_file(stage.path, policy, display_name=str(file))
            if report.sha256 != sha256:
                raise UsageError(
                    f"the copy of {file} changed while it was scanned: nothing was exported",
                    hint="something else writes in the destination directory; try again",
                )
            classes = [*report.classes, *([UNSCANNABLE] if report.verdict == UNSCANNABLE else [])]
            session.state = view.state_for([sha256])
            decision = decide(session.state, sha256, at, classes=classes)
            if not decision.allowed:
                steps = next_steps(decision, file, target, key_file)
                return Exported(file, target, report, decision, exporter.id, False, None, steps)
            statement_id = None
            if decision.rules:
                artifact = {"sha256": sha256, "size": size, "name": file.name}
                statement_id = _record(session, decision, exporter.id, artifact, target, key)
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
    artifact: dict[str, object],
    target: Path,
    key: PrivateKey,
) -> str:
    """Append the signed export statement: which bytes, where, by whom, on which sign-offs."""
    # An allowed decision that needed approval names its request and adoption.
    assert decision.request is not None and decision.adoption is not None
    adoption = decision.adoption
    statement = new_statement(
        "export",
        session.head,
        now(),
        signer=exporter,
        artifact=artifact,
        destination=_text(str(target.resolve())),
        request=decision.request.id,
        signoffs=[s.id for s in decision.used],
        policy={
            "id": adoption.policy.id,
            "version": adoption.policy.version,
            "adoption": adoption.id,
        },
    )
    return sign_and_append(session, statement, [(key, exporter)]).id


def next_steps(decision: Decision, file: Path, target: Path, key_file: Path) -> tuple[str, ...]:
    """The exact commands that would let the file out."""
    if decision.request is None:
        return (
            f'approval request {_quote(str(file))} --purpose "..." '
            f"--destination {_quote(str(target))} --key {_quote(str(key_file))}",
        )
    short = short_id(decision.request.id)
    steps = [
        f"approval sign {short} --key KEY --role {role}" for role in dict.fromkeys(decision.missing)
    ]
    return tuple(steps) or (f"approval status {short}",)


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def _text(text: str) -> str:
    return text if len(text) <= MAX_TEXT else "..." + text[-(MAX_TEXT - 3) :]


def _why(error: OSError) -> str:
    return (error.strerror or type(error).__name__).lower()
