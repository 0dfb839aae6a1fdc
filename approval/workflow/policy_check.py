"""``approval policy check``: validate policy and roster files, each against the others."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from approval.errors import ProblemsError
from approval.policy import (
    Document,
    Policy,
    Roster,
    document_kind,
    parse_policy,
    parse_roster,
    read_document,
)
from approval.words import plural


@dataclass(frozen=True)
class CheckedFile:
    path: str
    kind: str  # policy | roster | unknown
    summary: str  # one line when ok
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _summary_policy(policy: Policy) -> str:
    return (
        f"policy {policy.id} v{policy.version}: {plural(len(policy.classes), 'data class')}, "
        f"{plural(len(policy.rules), 'rule')}, {plural(len(policy.detectors), 'detector')}, "
        f"unscannable files treated as {policy.unscannable_as}"
    )


def _summary_roster(roster: Roster) -> str:
    admins = len(roster.holders("admin"))
    return (
        f"roster v{roster.version}: {plural(len(roster.officials), 'official')}, "
        f"admin threshold {roster.admin_threshold} of {admins}"
    )


def check_files(paths: list[Path]) -> list[CheckedFile]:
    """Check every file; policies are cross-checked against every roster given alongside."""
    docs: list[tuple[Path, Document | None, tuple[str, ...]]] = []
    for path in paths:
        try:
            docs.append((path, read_document(path), ()))
        except ProblemsError as e:
            docs.append((path, None, tuple(e.problems)))

    rosters: list[Document] = []
    results: dict[Path, CheckedFile] = {}
    for path, doc, _ in docs:
        if doc is None or document_kind(doc) != "roster":
            continue
        try:
            roster = parse_roster(doc)
        except ProblemsError as e:
            results[path] = CheckedFile(str(path), "roster", "", tuple(e.problems))
        else:
            rosters.append(doc)
            results[path] = CheckedFile(str(path), "roster", _summary_roster(roster), ())

    for path, doc, problems in docs:
        if doc is None:
            results[path] = CheckedFile(str(path), "unknown", "", problems)
            continue
        if document_kind(doc) != "policy":
            continue
        found: list[str] = []
        policy = None
        candidates: list[Document | None] = [*rosters] if rosters else [None]
        for roster_doc in candidates:
            try:
                policy = parse_policy(doc, roster_doc)
            except ProblemsError as e:
                found += [p for p in e.problems if p not in found]
        summary = _summary_policy(policy) if policy is not None and not found else ""
        results[path] = CheckedFile(str(path), "policy", summary, tuple(found))
    return [results[path] for path, _, _ in docs]
