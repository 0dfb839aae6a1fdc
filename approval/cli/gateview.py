"""How the gate's answers look (export, check, redact): built into ``Section``s."""

from __future__ import annotations

from typing import Any

from approval.cli.screen import Section


def persons(classes: Any) -> str:
    """``protected-person: 40 persons``."""
    from approval.words import plural

    return "; ".join(f"{c}: {plural(n, 'person')}" for c, n in classes.items())


def scan_words(report: Any) -> str:
    """``protected (xlsx); protected-person: 40 persons`` / ``unscannable (encrypted)``."""
    if report.verdict == "unscannable":
        return f"unscannable ({report.reason})"
    words = f"{report.verdict} ({report.format})"
    return words + (f"; {persons(report.classes)}" if report.classes else "")


def roles_section(decision: Any, title: str = "Sign-offs, role by role") -> Section:
    """One row per required sign-off: who filled it, or that it is missing; then the reasons."""
    from approval.trust.state import day

    rows = [(s.role, f"signed by {s.signer} on {day(s.at)}") for s in decision.used]
    rows += [(role, "MISSING") for role in decision.missing]
    notes = [r for r in decision.reasons if not r.startswith("missing: ")]
    return Section(
        title,
        columns=("role", "sign-off") if rows else (),
        rows=rows,
        notes=notes,
        style="green" if decision.allowed else "yellow",
    )
