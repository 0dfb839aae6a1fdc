"""``approval scan``: scan files and directories under a policy.

The policy is the caller's choice: the one a ledger has adopted (passed in as ``policy`` once
the ledger exists), a policy file given with ``--policy``, or the bundled default.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from approval.detect.report import CLEAN, FileReport
from approval.detect.scan import scan_paths
from approval.errors import EXIT_BLOCKED, EXIT_OK
from approval.policy import Policy, default_policy, load_policy


@dataclass(frozen=True)
class ScanResult:
    policy: Policy
    reports: tuple[FileReport, ...]

    @property
    def exit_code(self) -> int:
        """0 when every file is clean; 1 when any is protected or unscannable."""
        return EXIT_OK if all(r.verdict == CLEAN for r in self.reports) else EXIT_BLOCKED

    def to_dict(self) -> dict[str, object]:
        """The scan JSON pinned by DESIGN.md."""
        return {"files": [r.to_dict() for r in self.reports]}


def choose_policy(policy: Policy | None = None, policy_file: Path | None = None) -> Policy:
    """The policy to scan under: the one given, else the file, else the bundled default."""
    if policy is not None:
        return policy
    if policy_file is not None:
        return load_policy(policy_file)
    return default_policy()


def scan(
    paths: Sequence[Path],
    *,
    policy: Policy | None = None,
    policy_file: Path | None = None,
    progress: Callable[[Path], None] | None = None,
) -> ScanResult:
    """Scan every file under ``paths``; raise ``UsageError`` for a path that does not exist."""
    chosen = choose_policy(policy, policy_file)
    reports = scan_paths(list(paths), chosen, progress=progress)
    return ScanResult(chosen, tuple(reports))
