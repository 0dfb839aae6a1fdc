"""``approval scan``: scan files and directories under a policy.

The policy is the caller's choice: the one a ledger has adopted (passed in as ``policy`` once
the ledger exists), a policy file given with ``--policy``, or the bundled default.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from approval.detect.report import CLEAN, UNSCANNABLE, FileReport
from approval.detect.scan import limits_for, scan_file, scan_paths
from approval.errors import EXIT_BLOCKED, EXIT_OK, UsageError
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
    paths: Sequence[Path | str],
    *,
    policy: Policy | None = None,
    policy_file: Path | None = None,
    progress: Callable[[Path], None] | None = None,
    stdin: BinaryIO | None = None,
) -> ScanResult:
    """Scan every file under ``paths``; raise ``UsageError`` for a path that does not exist.
    The string ``"-"`` is the bytes of ``stdin``, reported as ``<stdin>``; a ``Path`` is always
    a file (``Path("-")`` one named ``-``)."""
    chosen = choose_policy(policy, policy_file)
    dashes = sum(1 for path in paths if _is_stdin(path))
    if dashes > 1:
        raise UsageError("- (standard input) can be read once only")
    if dashes and stdin is None:
        raise UsageError("- (standard input) is not readable here")
    for path in paths:
        if not _is_stdin(path) and not os.path.lexists(path):
            raise UsageError(f"{path}: no such file or directory")
    reports: list[FileReport] = []
    for path in paths:
        if _is_stdin(path):
            assert stdin is not None  # checked above
            reports.append(scan_stream(stdin, chosen))
        else:
            reports += scan_paths([Path(path)], chosen, progress=progress)
    return ScanResult(chosen, tuple(reports))


def _is_stdin(path: Path | str) -> bool:
    return isinstance(path, str) and path == STDIN


STDIN = "-"
STDIN_NAME = "<stdin>"


def scan_stream(stream: BinaryIO, policy: Policy) -> FileReport:
    """Scan the bytes of ``stream`` (standard input) as one file named ``<stdin>``.

    The readers need a file they can seek in, so the bytes go to a private temporary file
    first (0600, removed after). Fails closed like any file: a stream that cannot be read, or
    longer than the policy lets one file expand to, is unscannable."""
    cap = limits_for(policy).max_expanded_bytes
    directory = tempfile.mkdtemp(prefix="approval-stdin-")
    try:
        path = Path(directory) / "stdin"
        try:
            with path.open("xb") as out:
                copied = _copy(stream, out, cap)
        except OSError as e:
            reason = f"cannot read: {(e.strerror or type(e).__name__).lower()}"
            return FileReport(STDIN_NAME, "", 0, "unknown", UNSCANNABLE, reason=reason)
        if copied > cap:
            reason = f"more than {cap} bytes (limits.max_expanded_bytes)"
            return FileReport(STDIN_NAME, "", 0, "unknown", UNSCANNABLE, reason=reason)
        return scan_file(path, policy, display_name=STDIN_NAME)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _copy(stream: BinaryIO, out: BinaryIO, cap: int) -> int:
    """Copy up to ``cap`` + 1 bytes; how many were copied (more than ``cap``: too long)."""
    copied = 0
    while copied <= cap:
        chunk = stream.read(min(1 << 20, cap + 1 - copied))
        if not chunk:
            break
        out.write(chunk)
        copied += len(chunk)
    return copied
