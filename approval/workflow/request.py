"""``approval request``: a publisher asks to export one file, with the scan summary attached."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from approval.errors import UsageError
from approval.state import check_request, identify
from approval.statements import now, short_id
from approval.workflow.ledger import new_statement, read_key, sign_and_append
from approval.workflow.snapshot import gate
from approval.workflow.text import free_text, safe_name, safe_summary


@dataclass(frozen=True)
class Requested:
    id: str
    file: str
    sha256: str
    requester: str
    roles: tuple[str, ...]  # the sign-offs it needs
    persons: dict[str, int]  # class -> distinct persons
    verdict: str

    @property
    def short(self) -> str:
        return short_id(self.id)


def request_approval(
    ledger: Path | None,
    file: Path,
    purpose: str,
    destination: str,
    key_file: Path,
    passphrase_env: str | None,
) -> Requested:
    """Scan ``file`` under the policy in force and record a signed request for it.

    A clean file needs no approval and is refused with a word to export it directly. The
    request carries the scan summary (classes, persons, where, hidden parts) but never a value
    from the file.
    """
    from approval.detect.scan import scan_file
    from approval.workflow.export import require_file

    require_file(file)
    key = read_key(key_file, passphrase_env)
    with gate(ledger) as (session, view):
        state = session.state  # the adoptions: the policy to scan under, the roster
        at = now()
        official = identify(state, key.public_line, at)
        adoption = state.current
        policy = adoption.policy
        # Checked before the scan, which may take a while: a typo should not cost that.
        purpose = free_text("--purpose", purpose, policy)
        destination = free_text("--destination", destination, policy)
        report = scan_file(file, policy)
        if not report.sha256:
            raise UsageError(f"{file}: could not be read to the end (did it change or vanish?)")
        classes = [*report.classes, *(["unscannable"] if report.verdict == "unscannable" else [])]
        # The adoptions and the file's slice: the request is checked against it before it is
        # appended, and its duplicate, if any, is there (its id covers the sha256).
        state = session.state = view.state_for([report.sha256])
        if report.verdict == "clean":
            raise UsageError(
                f"{file} is clean under {adoption.label}: no approval is needed",
                hint=f"export it directly: approval export {file} --to DEST --key KEY",
            )
        rules = check_request(state, official.id, classes, at)
        statement = new_statement(
            "request",
            session.head,
            at,
            signer=official.id,
            artifact={
                "sha256": report.sha256,
                "size": report.size,
                "name": safe_name(file.name, policy),
            },
            policy={
                "id": adoption.policy.id,
                "version": adoption.policy.version,
                "adoption": adoption.id,
            },
            purpose=purpose,
            destination=destination,
            scan=safe_summary(report.summary(), policy),
        )
        envelope = sign_and_append(session, statement, [(key, official.id)])
    return Requested(
        envelope.id,
        str(file),
        report.sha256,
        official.id,
        tuple(dict.fromkeys(role for rule in rules for role in rule.roles)),
        dict(report.classes),
        report.verdict,
    )
