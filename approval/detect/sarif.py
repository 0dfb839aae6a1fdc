"""Scan reports as SARIF 2.1.0, for code-scanning dashboards.

One rule per data class of the policy (and one for unscannable files); one result per file and
class, whose message says how many persons and where, with redacted samples only.

Coverage travels as tool execution notifications of the run's invocation: per file, a note of
how many parts were read, and one notification per unread part (``error`` when it made the file
unscannable, ``note`` when it holds no data: a symbolic link, a class name).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from approval import __version__
from approval.detect.report import PROTECTED, UNSCANNABLE, FileReport, Finding
from approval.detect.units import UNREAD
from approval.policy import Policy

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def describe(location: dict[str, Any]) -> str:
    """A finding's location in words: ``sheet Detainees, column B (A-Number), hidden``."""
    parts = []
    if "part" in location:
        parts.append(str(location["part"]))
    if "sheet" in location:
        parts.append(f"sheet {location['sheet']}")
    if "column" in location:
        header = location.get("header")
        parts.append(f"column {location['column']}" + (f" ({header})" if header else ""))
    if "key" in location:
        parts.append(f"key {location['key']}")
    if "context" in location:
        parts.append(f"{location['context']}")
    if "line" in location:
        parts.append(f"line {location['line']}")
    if location.get("hidden"):
        parts.append("hidden")
    return ", ".join(parts) or "file"


def _uri(path: str) -> str:
    return PurePath(path).as_posix()


def _rules(policy: Policy) -> list[dict[str, Any]]:
    rules = [
        {
            "id": c.id,
            "name": "".join(w.capitalize() for w in c.id.split("-")),
            "shortDescription": {"text": f"File holds {c.id} data ({c.cite})"},
            "fullDescription": {"text": c.rationale},
            "help": {"text": f"{c.cite}. Request approval with `approval request FILE`."},
            "defaultConfiguration": {"level": "error"},
        }
        for c in policy.classes
    ]
    rules.append(
        {
            "id": UNSCANNABLE,
            "name": "Unscannable",
            "shortDescription": {"text": "File could not be scanned; treated as protected"},
            "fullDescription": {"text": "A file the scanner cannot read may hold anything."},
            "help": {"text": f"Unscannable files are treated as {policy.unscannable_as}."},
            "defaultConfiguration": {"level": "error"},
        }
    )
    return rules


def _message(report: FileReport, cls: str, findings: Sequence[Finding]) -> str:
    persons = report.classes.get(cls, 0)
    where = "; ".join(
        f"{f.detector} in {describe(dict(f.location))} ({f.count}, e.g. {f.sample})"
        for f in findings
    )
    noun = "person" if persons == 1 else "persons"
    return f"{persons} {noun} in {cls} records: {where}"


def _region(findings: Sequence[Finding]) -> dict[str, Any]:
    lines = [f.location["line"] for f in findings if isinstance(f.location.get("line"), int)]
    return {"startLine": min(lines) if lines else 1}


def notifications(reports: Sequence[FileReport]) -> list[dict[str, Any]]:
    """Coverage as SARIF tool execution notifications: what was read of each file."""
    out: list[dict[str, Any]] = []
    for report in reports:
        if not report.coverage:
            continue
        location = [{"physicalLocation": {"artifactLocation": {"uri": _uri(report.path)}}}]
        unread = [p for p in report.coverage if p.read == UNREAD]
        read = len(report.coverage) - len(unread)
        out.append(
            {
                "descriptor": {"id": "coverage"},
                "level": "note",
                "message": {"text": f"{read} of {len(report.coverage)} parts read"},
                "locations": location,
            }
        )
        for part in unread:
            out.append(
                {
                    "descriptor": {"id": "unread-part"},
                    "level": "error" if part.blocks else "note",
                    "message": {"text": f"not read: {part.part} ({part.kind}): {part.reason}"},
                    "locations": location,
                    "properties": {"part": part.part, "kind": part.kind, "bytes": part.bytes},
                }
            )
    return out


def to_sarif(reports: Sequence[FileReport], policy: Policy) -> dict[str, Any]:
    rules = _rules(policy)
    index = {r["id"]: i for i, r in enumerate(rules)}
    results: list[dict[str, Any]] = []
    for report in reports:
        location = {"physicalLocation": {"artifactLocation": {"uri": _uri(report.path)}}}
        if report.verdict == UNSCANNABLE:
            results.append(
                {
                    "ruleId": UNSCANNABLE,
                    "ruleIndex": index[UNSCANNABLE],
                    "level": "error",
                    "message": {"text": f"unscannable: {report.reason}"},
                    "locations": [location],
                }
            )
        if report.verdict not in (PROTECTED, UNSCANNABLE):
            continue
        for cls in report.classes:
            findings = [f for f in report.findings if f.cls == cls]
            physical = {**location["physicalLocation"], "region": _region(findings)}
            results.append(
                {
                    "ruleId": cls,
                    "ruleIndex": index.get(cls, 0),
                    "level": "error",
                    "message": {"text": _message(report, cls, findings)},
                    "locations": [{"physicalLocation": physical}],
                    "properties": {
                        "records": report.classes[cls],
                        "findings": [f.to_dict() for f in findings],
                    },
                }
            )
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "approval",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "artifacts": [
                    {
                        "location": {"uri": _uri(r.path)},
                        "length": r.size,
                        **({"hashes": {"sha-256": r.sha256}} if r.sha256 else {}),
                    }
                    for r in reports
                ],
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": notifications(reports),
                    }
                ],
                "results": results,
            }
        ],
    }
