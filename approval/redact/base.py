"""What a redactor removes, taken from the scan of the source: the plan, and the interface.

A finding is identifying when its detector recognises an identifier (a name, an A-number) or an
attribute (a birthdate, a nationality, a facility) in records of a data class: those columns or
keys go. Context (a protection claim) stays: without anybody identified it discloses nothing about
a person, and it is often what the publication is about (how many claims, by nationality).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from approval.detect.report import FileReport, Finding
from approval.policy import Policy

IDENTIFYING = frozenset({"identifier", "attribute"})
MARK = "[REDACTED]"


@dataclass(frozen=True)
class Plan:
    """The identifying findings of one scan, and the policy it was made under."""

    findings: tuple[Finding, ...]
    policy: Policy

    def columns(self, sheet: str | None = None) -> dict[str, str | None]:
        """Column letter -> header (None when unknown) of the identifying columns of
        ``sheet`` (None: a table without sheets, such as a CSV)."""
        out: dict[str, str | None] = {}
        for finding in self.findings:
            where = finding.location
            if where.get("sheet") != sheet or not where.get("column") or where.get("part"):
                continue
            letter = str(where["column"])
            header = where.get("header")
            out[letter] = out.get(letter) or (str(header) if header else None)
        return out

    def keys(self) -> set[str]:
        """Key paths of the identifying values in records (JSON), without array indices."""
        return {strip_indices(str(f.location["key"])) for f in self.findings if "key" in f.location}

    def detectors(self) -> set[str]:
        return {f.detector for f in self.findings}


def plan_for(report: FileReport, policy: Policy) -> Plan:
    """The plan for a scanned file: its identifying findings."""
    elements = {d.id: d.element for d in policy.detectors}
    found = tuple(f for f in report.findings if elements.get(f.detector) in IDENTIFYING)
    return Plan(found, policy)


def strip_indices(key: str) -> str:
    """``aliases[0]`` -> ``aliases``; ``a[1].b`` -> ``a.b``."""
    out = []
    depth = 0
    for ch in key:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(0, depth - 1)
        elif not depth:
            out.append(ch)
    return "".join(out)


def column_words(letter: str, header: str | None, sheet: str | None = None) -> str:
    """``column B (A-Number) of sheet Detainees``: how provenance names a column."""
    words = f"column {letter}" + (f" ({header})" if header else "")
    return words + (f" of sheet {sheet}" if sheet is not None else "")


def column_index(letters: str) -> int:
    """A -> 0, AA -> 26."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


class Redactor(Protocol):
    """One file format."""

    name: str

    def redact(self, source: Path, out: BinaryIO, plan: Plan) -> list[str]:
        """Write the derivative of ``source`` to ``out``; what was removed, in words that
        name places (columns, keys, sheets, parts) and counts, never a value."""
        ...


def location_words(location: Mapping[str, Any]) -> str:
    parts = [f"{k} {location[k]}" for k in ("part", "sheet", "column", "key") if k in location]
    return ", ".join(parts) or "the file"
