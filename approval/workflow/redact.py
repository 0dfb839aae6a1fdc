"""``approval redact``: a derivative of a file without the protected data, that still serves the
publication, and that the gate lets out with no approval.

The source is first copied aside while it is hashed, so the bytes scanned, redacted and named in
the provenance are one and the same. The redactor for its format (``approval.redact``) writes the
derivative to a temporary file beside OUT; the derivative is scanned under the same policy and
must be clean, or nothing is written. With a key, a signed ``redaction`` statement records the
provenance (both artifacts, what was removed: places and counts, never values) before OUT is put
in place, as an export is.

The places a redactor names come from the file (a hidden sheet called ``A212345678 Garcia``), as
do both file names: they are shown and recorded through ``approval.freetext`` (names that
identify a person redacted), like everything a request records. OUT itself is published under
its path, so a path that holds protected data (its name or a directory in it) is refused (exit 1)
before anything is read or written, as an export's is (``workflow.export.refuse_named``).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from approval.detect.report import CLEAN, UNSCANNABLE, FileReport
from approval.errors import BlockedError, UsageError
from approval.statements import now, short_id

# The statement schema's limits for the removed list.
MAX_REMOVED_TEXT = 500


@dataclass(frozen=True)
class Redacted:
    source: Path
    out: Path
    source_report: FileReport
    report: FileReport  # the scan of the derivative: clean
    removed: tuple[str, ...]  # places and counts, names that identify a person redacted
    statement: str | None  # the redaction statement's id, with a key
    signer: str | None


def out_path(source: Path, out: Path) -> Path:
    """OUT, or OUT/<name> when OUT is a directory; it must keep the source's extension (the
    scanner and the people who open it recognise the format by it)."""
    from approval.workflow.export import refuse_special

    refuse_special(out)
    target = out / source.name if out.is_dir() else out
    refuse_special(target)
    if not target.parent.is_dir():
        raise UsageError(f"{target.parent}: no such directory")
    if target.exists() and target.resolve() == source.resolve():
        raise UsageError(f"{target} is the file itself", hint="write the derivative elsewhere")
    if target.suffix.lower() != source.suffix.lower():
        raise UsageError(
            f"{target.name} must keep the extension of {source.name} ({source.suffix or 'none'})"
        )
    return target


def redact_file(
    ledger: Path | None,
    file: Path,
    out: Path,
    key_file: Path | None = None,
    passphrase_env: str | None = None,
) -> Redacted:
    """Write a clean derivative of ``file`` to ``out`` (see the module doc)."""
    from approval.detect.scan import scan_file
    from approval.files.atomic import Staged, copy_hashing
    from approval.freetext import safe_name, safe_text
    from approval.ledger.session import read_key, sign_and_append
    from approval.ledger.storage import LEDGER_ENV
    from approval.policy import default_policy
    from approval.redact import plan_for, redactor
    from approval.statements import kinds
    from approval.trust.state import identify
    from approval.workflow.export import refuse_git_directory, refuse_named, require_file

    require_file(file)
    target = out_path(file, out)
    key = read_key(key_file, passphrase_env) if key_file is not None else None
    with contextlib.ExitStack() as stack:
        session = None
        if key is not None or ledger is not None or os.environ.get(LEDGER_ENV):
            from approval.ledger.session import gate

            session, _ = stack.enter_context(gate(ledger))
            policy = session.state.current.policy
        else:
            policy = default_policy()
        refuse_named(target, policy, verb="written")
        signer = identify(session.state, key.public_line, now()).id if session and key else None

        # The source's bytes, copied aside once and hashed as they are copied.
        private = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="approval-")))
        copy = private / file.name
        with copy.open("wb") as f:
            copy_hashing(file, f)
        source = scan_file(copy, policy, display_name=str(file))
        if source.verdict == UNSCANNABLE:
            raise UsageError(f"cannot redact {file}: it is unscannable ({source.reason})")
        if source.verdict == CLEAN:
            raise UsageError(
                f"{file} is clean: there is nothing to redact",
                hint=f"export it as it is: approval export {file} --to DEST --key KEY",
            )
        chosen = redactor(source.format)
        if chosen is None:
            raise UsageError(f"cannot redact {source.format} files")

        ledgers = (session.ledger.path, session.ledger.git_dir) if session is not None else ()
        refuse_git_directory(target.parent, target, ledgers)
        try:
            stage = Staged(target)
        except OSError as e:
            raise UsageError(f"cannot write in {target.parent}: {_why(e)}") from e
        stack.callback(stage.discard)
        # The directory actually opened: every write after goes through it (Staged).
        refuse_git_directory(stage.directory, target, ledgers)
        refuse_named(stage.target, policy, verb="written")
        # The redactor finds places by the names the file gives them, not the redacted ones.
        in_file = replace(source, findings=tuple(f.in_file() for f in source.findings))
        try:
            said = chosen.redact(copy, stage.file, plan_for(in_file, policy))
            stage.file.close()
        except UsageError:
            raise
        except OSError as e:
            raise UsageError(f"cannot write {target}: {_why(e)}") from e
        except Exception as e:
            # The message of a library's exception may quote the file: name its type only.
            raise UsageError(
                f"cannot redact {file}: {source.format} rewriting failed ({type(e).__name__})"
            ) from e
        removed = tuple(safe_text(line, policy, MAX_REMOVED_TEXT) for line in said)
        report = scan_file(stage.path, policy, display_name=str(target))
        if report.verdict != CLEAN:
            what = ", ".join(f"{c} ({n} persons)" for c, n in report.classes.items())
            raise BlockedError(
                f"the redacted {file.name} would still hold {what or report.verdict}: "
                f"{target} was not written",
                hint=f"see what is left with `approval scan`; redact {file} by hand",
            )
        statement_id = None
        if session is not None and key is not None and signer is not None:
            statement = kinds.Redaction(
                created=now(),
                seen_head=session.head,
                signer=signer,
                source=kinds.Artifact(
                    sha256=source.sha256, size=source.size, name=safe_name(file.name, policy)
                ),
                derivative=kinds.Artifact(
                    sha256=report.sha256, size=report.size, name=safe_name(target.name, policy)
                ),
                removed=tuple(removed),
            )
            statement_id = sign_and_append(session, statement, [(key, signer)]).id
        try:
            stage.commit()
        except OSError as e:
            recorded = f" (redaction {short_id(statement_id)} was recorded)" if statement_id else ""
            raise UsageError(f"cannot write {target}: {_why(e)}{recorded}") from e
    return Redacted(file, target, source, report, removed, statement_id, signer)


def _why(error: OSError) -> str:
    return (error.strerror or type(error).__name__).lower()
