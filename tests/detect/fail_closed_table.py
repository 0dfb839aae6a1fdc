"""Print the README's "what the scanner reads" table: for each format and place of
``tests.corpus.inject``, whether the payload of protected records is read (``protected``),
blocked (``unscannable``) or leaks (``clean``); whether misleading names read the same; and
whether the same container with harmless statistics passes.

    .venv/bin/python -m tests.detect.fail_closed_table           # one row per format
    .venv/bin/python -m tests.detect.fail_closed_table --full    # one row per format and place
    .venv/bin/python -m tests.detect.fail_closed_table --xfail   # the cells that fail, as the
                                                                 # test's xfail tables
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from approval.detect.report import FileReport
from approval.detect.scan import scan_file
from approval.policy import Policy, default_policy
from tests.corpus.inject import CASES, HARMLESS, PAYLOAD, RENAMES, Case, Content, file_name

WORD = {"protected": "read", "unscannable": "blocked", "clean": "**LEAKS**"}
PROTECTED = "protected-person"


@dataclass(frozen=True)
class Cell:
    case: Case
    payload: FileReport
    renamed: dict[str, FileReport]  # misleading name -> report
    harmless: FileReport | None  # None when the harmless build is not an ordinary file

    @property
    def renamed_differ(self) -> list[str]:
        return [n for n, r in self.renamed.items() if r.verdict != self.payload.verdict]

    @property
    def ok(self) -> bool:
        return (
            self.payload.verdict != "clean"
            and not self.renamed_differ
            and all(r.verdict != "clean" for r in self.renamed.values())
            and (self.harmless is None or self.harmless.verdict == "clean")
        )


def _scan(
    directory: Path, case: Case, content: Content, names: Sequence[str], policy: Policy
) -> dict[str, FileReport]:
    directory.mkdir(parents=True)
    data = case.build(content)
    out = {}
    for name in names:
        (directory / name).write_bytes(data)
        out[name] = scan_file(directory / name, policy)
    return out


def run(policy: Policy, root: Path) -> list[Cell]:
    cells = []
    for n, case in enumerate(CASES):
        own = file_name(case)
        payload = _scan(root / "payload" / f"{n:03d}", case, PAYLOAD, (own, *RENAMES), policy)
        harmless = None
        if case.ordinary:
            harmless = _scan(root / "harmless" / f"{n:03d}", case, HARMLESS, (own,), policy)[own]
        cells.append(Cell(case, payload.pop(own), payload, harmless))
    return cells


def _why(report: FileReport) -> str:
    """Why: the reason a file is blocked, or the classes found (never a value from it)."""
    if report.verdict == "protected":
        return ", ".join(f"{c}: {n}" for c, n in report.classes.items())
    reason = (report.reason or "").replace("|", "/")
    return reason if len(reason) <= 70 else reason[:67] + "..."


def full_table(cells: Sequence[Cell]) -> str:
    lines = [
        "| format | place | payload | under another name | harmless build |",
        "|---|---|---|---|---|",
    ]
    for cell in cells:
        payload = WORD[cell.payload.verdict]
        if cell.payload.verdict == "unscannable" or (
            cell.payload.verdict == "protected" and PROTECTED not in cell.payload.classes
        ):
            payload += f" ({_why(cell.payload)})"
        differ = cell.renamed_differ
        renamed = (
            "same"
            if not differ
            else "differs: " + ", ".join(f"{n} {WORD[cell.renamed[n].verdict]}" for n in differ)
        )
        if cell.harmless is None:
            harmless = "n/a"
        elif cell.harmless.verdict == "clean":
            harmless = "passes"
        else:
            harmless = f"**{WORD[cell.harmless.verdict]}** ({_why(cell.harmless)})"
        lines.append(
            f"| {cell.case.fmt} | {cell.case.place} | {payload} | {renamed} | {harmless} |"
        )
    return "\n".join(lines)


_GROUPS = ("member ", "attachment ", "EmbeddedFiles ", "FileAttachment annotation ")


def _compact(places: Sequence[str]) -> str:
    """Places as a list, the inner formats of one kind of place folded together:
    ``member csv, member xlsx`` -> ``member: csv, xlsx``."""
    out: list[str] = []
    grouped: dict[str, list[str]] = {}
    for place in places:
        prefix = next((g for g in _GROUPS if place.startswith(g)), None)
        if prefix is None:
            out.append(place)
            continue
        if prefix not in grouped:
            grouped[prefix] = []
            out.append(prefix)  # a placeholder, filled in below
        grouped[prefix].append(place.removeprefix(prefix))
    return (
        ", ".join(f"{p.strip()} ({', '.join(grouped[p])})" if p in grouped else p for p in out)
        or "-"
    )


def summary_table(cells: Sequence[Cell]) -> str:
    lines = [
        "| format | read (protected) | blocked (unscannable) | leaks (clean) |",
        "|---|---|---|---|",
    ]
    formats = list(dict.fromkeys(c.case.fmt for c in cells))
    for fmt in formats:
        mine = [c for c in cells if c.case.fmt == fmt]
        by = {v: [c.case.place for c in mine if c.payload.verdict == v] for v in WORD}
        lines.append(
            f"| {fmt} | {_compact(by['protected'])} | {_compact(by['unscannable'])} | "
            f"{_compact(by['clean'])} |"
        )
    return "\n".join(lines)


def totals(cells: Sequence[Cell]) -> str:
    read = sum(c.payload.verdict == "protected" for c in cells)
    weaker = sum(
        c.payload.verdict == "protected" and PROTECTED not in c.payload.classes for c in cells
    )
    blocked = sum(c.payload.verdict == "unscannable" for c in cells)
    leaks = sum(c.payload.verdict == "clean" for c in cells)
    renamed = sum(len(c.renamed) for c in cells)
    renamed_clean = sum(r.verdict == "clean" for c in cells for r in c.renamed.values())
    renamed_differ = sum(len(c.renamed_differ) for c in cells)
    ordinary = [c for c in cells if c.harmless is not None]
    passes = sum(c.harmless.verdict == "clean" for c in ordinary if c.harmless is not None)
    return (
        f"{len(cells)} places: {read} read ({weaker} of them not as {PROTECTED}), "
        f"{blocked} blocked, {leaks} leak; "
        f"{renamed} renamed files: {renamed_clean} leak, {renamed_differ} read differently; "
        f"{len(ordinary)} harmless containers: {passes} pass, {len(ordinary) - passes} blocked "
        "or flagged"
    )


def _observed(report: FileReport) -> str:
    return f"{report.verdict} ({report.format}): {_why(report)}".rstrip(": ")


def xfails(cells: Sequence[Cell]) -> str:
    """The failing cells as the xfail tables of ``test_fail_closed_places``: observed verdict
    and reason (a report's reason and classes hold no value from the file)."""
    payload: dict[str, str] = {}
    harmless: dict[str, str] = {}
    for cell in cells:
        if cell.payload.verdict == "clean":
            payload[cell.case.id] = _observed(cell.payload)
        for name, report in cell.renamed.items():
            if report.verdict == "clean" or report.verdict != cell.payload.verdict:
                payload[f"{cell.case.id}@{name}"] = _observed(report)
        if cell.harmless is not None and cell.harmless.verdict != "clean":
            harmless[cell.case.id] = _observed(cell.harmless)

    def literal(name: str, table: dict[str, str]) -> str:
        rows = "".join(f"    {json.dumps(k)}: {json.dumps(v)},\n" for k, v in table.items())
        return f"{name}: dict[str, str] = {{\n{rows}}}"

    return literal("PAYLOAD_XFAIL", payload) + "\n" + literal("HARMLESS_XFAIL", harmless)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="one row per format and place")
    parser.add_argument("--xfail", action="store_true", help="the failing cells, as Python")
    args = parser.parse_args(argv)
    policy = default_policy()
    with tempfile.TemporaryDirectory(prefix="fail-closed-") as root:
        cells = run(policy, Path(root))
    if args.xfail:
        print(xfails(cells))
        return 0
    print(full_table(cells) if args.full else summary_table(cells))
    print()
    print(totals(cells))
    return 0 if all(c.ok for c in cells) else 1


if __name__ == "__main__":
    sys.exit(main())
