"""Notifications: events made from verified ledger records, and the commands that hear them.

An event is a small JSON object about one statement (or an approval about to expire): its
kind, ids, the officials and roles involved, the file name and size as recorded, counts of
persons. Never the purpose, destination, comments or reasons (free text that may quote what it
should not), never a sample: a chat channel or a mail gateway is not cleared for the data.

``event_of`` is pure. ``run_hooks`` runs each command configured for the event (user config,
``[hooks]``; see approval/config.py) with the event on its standard input, no shell, after the
statement is recorded. A hook that fails (exits non-zero, times out, cannot be started) is
reported in one line on stderr and changes nothing else: the statement is already in the ledger
and the command's exit code stays what it was.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from approval.statements import format_time, short_id
from approval.trust.state import Export, LedgerState, Record, Request, Revocation, SignOff

if TYPE_CHECKING:
    from approval.config import Hooks

SCHEMA = "approval/event/v1"
EVENT_KINDS = ("request", "signoff", "refusal", "revocation", "export", "expiring")


def _artifact(name: str, sha256: str, size: int | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"name": name, "sha256": sha256}
    if size is not None:
        found["size"] = size
    return found


def persons_of(scan: dict[str, Any]) -> int | None:
    """Distinct persons a recorded scan summary counted (the most of any class), or None."""
    classes = scan.get("classes") if isinstance(scan, dict) else None
    if not isinstance(classes, dict):
        return None
    counts: list[int] = [
        value["records"]
        for value in classes.values()
        if isinstance(value, dict) and isinstance(value.get("records"), int)
    ]
    return max(counts) if counts else None


def event_of(record: Record, state: LedgerState) -> dict[str, Any] | None:
    """The event a newly recorded ``record`` makes (None: adoptions and redactions make none).

    ``state`` holds the records it refers to (the request a sign-off is about), when known."""
    base: dict[str, Any] = {"schema": SCHEMA, "id": record.id, "at": format_time(record.at)}
    if isinstance(record, Request):
        return {
            **base,
            "event": "request",
            "request": record.id,
            "official": record.requester,
            "artifact": _artifact(record.artifact.name, record.sha256, record.artifact.size),
            "persons": persons_of(record.scan),
        }
    if isinstance(record, SignOff):
        request = state.get(record.request)
        name = request.artifact.name if isinstance(request, Request) else None
        return {
            **base,
            "event": "signoff" if record.approves else "refusal",
            "request": record.request,
            "official": record.signer,
            "role": record.role,
            "decision": record.decision,
            "artifact": _artifact(name or "", record.artifact_sha256),
        }
    if isinstance(record, Revocation):
        target = state.get(record.target)
        return {
            **base,
            "event": "revocation",
            "target": record.target,
            "target_kind": type(target).__name__.lower() if target is not None else None,
            "official": record.signer,
        }
    if isinstance(record, Export):
        return {
            **base,
            "event": "export",
            "request": record.request,
            "official": record.signer,
            "artifact": _artifact(
                record.artifact.name, record.artifact.sha256, record.artifact.size
            ),
            "signoffs": list(record.signoffs),
        }
    return None


def expiring_event(request: Request, expires: datetime, signers: list[str]) -> dict[str, Any]:
    """The event for an allowed request whose approvals lapse at ``expires``."""
    return {
        "schema": SCHEMA,
        "event": "expiring",
        "id": request.id,
        "at": format_time(expires),
        "request": request.id,
        "officials": signers,
        "artifact": _artifact(request.artifact.name, request.sha256, request.artifact.size),
        "expires": format_time(expires),
    }


def run_hooks(hooks: Hooks, event: dict[str, Any]) -> int:
    """Run the commands configured for ``event``; how many failed (each told on stderr)."""
    commands = hooks.for_event(str(event.get("event")))
    if not commands:
        return 0
    payload = (json.dumps(event, sort_keys=True) + "\n").encode("utf-8")
    failed = 0
    for argv in commands:
        problem = _run_one(argv, payload, hooks.timeout)
        if problem is not None:
            failed += 1
            name = argv[0]
            print(
                f"warning: hook {name!r} for {event.get('event')} "
                f"{short_id(str(event.get('id', '')))} {problem}; the statement is recorded",
                file=sys.stderr,
            )
    return failed


def _run_one(argv: tuple[str, ...], payload: bytes, timeout: float) -> str | None:
    """None when the hook ran and exited 0, else what went wrong, in words."""
    try:
        done = subprocess.run(
            list(argv),
            input=payload,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError:
        return "failed: command not found"
    except PermissionError:
        return "failed: command not executable"
    except subprocess.TimeoutExpired:
        return f"timed out after {timeout:g} s"
    except OSError as e:
        return f"failed: {e.strerror or type(e).__name__}"
    if done.returncode != 0:
        lines = [line for line in done.stderr.decode("utf-8", "replace").splitlines() if line]
        said = f": {lines[-1][:200]}" if lines else ""
        return f"failed (exit {done.returncode}){said}"
    return None


def notify(record: Record | None, state: LedgerState) -> None:
    """After a statement is recorded: run the user's hooks for its event. Never raises for a
    hook or a config problem: the statement is recorded, and that is what the command says."""
    if record is None:
        return
    event = event_of(record, state)
    if event is None:
        return
    try:
        from approval.config import load

        hooks = load().hooks
    except Exception as e:  # a broken config file must not turn a recorded statement into an error
        print(f"warning: hooks not run: {e}", file=sys.stderr)
        return
    if hooks:
        run_hooks(hooks, event)
