"""The one root exception: a message, a hint and an exit code, caught in one place in the CLI.

Exit codes are pinned by DESIGN.md: 0 ok, 1 blocked or needs approval, 2 bad input or usage,
3 ledger integrity failure. Messages must never carry protected data (redacted samples only).
"""

from __future__ import annotations

from collections.abc import Iterable

EXIT_OK = 0
EXIT_BLOCKED = 1
EXIT_USAGE = 2
EXIT_INTEGRITY = 3


class ApprovalError(Exception):
    """An error the user can act on. ``str()`` is the one-line message."""

    exit_code: int = EXIT_USAGE

    def __init__(self, message: str, *, hint: str | None = None, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        if exit_code is not None:
            self.exit_code = exit_code

    @property
    def details(self) -> list[str]:
        """Lines that come before the message (each problem of several)."""
        return []

    def diagnostics(self) -> list[str]:
        """Lines for the user: the message, then the hint if there is one."""
        lines = [self.message]
        if self.hint:
            lines.append(f"hint: {self.hint}")
        return lines


class UsageError(ApprovalError):
    """Bad input or usage (exit 2)."""

    exit_code = EXIT_USAGE


class BlockedError(ApprovalError):
    """The gate said no, or approval is needed (exit 1)."""

    exit_code = EXIT_BLOCKED


class IntegrityError(ApprovalError):
    """The ledger is not what it claims to be (exit 3)."""

    exit_code = EXIT_INTEGRITY


class ProblemsError(UsageError):
    """Several problems found at once (a policy check); each is one line."""

    def __init__(self, problems: Iterable[str], *, hint: str | None = None):
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} found", hint=hint)

    @property
    def details(self) -> list[str]:
        return self.problems


# -- errors named by cause (issue 14): the exit code is an attribute of the cause ---------------


class LedgerNotWritable(UsageError):
    """The ledger's directory cannot be written (permission, a read-only file system, a full
    disk, a file size limit): exit 2, since nothing about the ledger's integrity is in doubt."""

    exit_code = EXIT_USAGE


class GitMissing(UsageError):
    """git, which the ledger needs, is not installed or cannot be run (exit 2)."""

    exit_code = EXIT_USAGE


class HistoryRewritten(IntegrityError):
    """The ledger's head does not descend from the head this clone last verified for the same
    ledger (a rewind, a rewritten history): exit 3 until the new history is accepted."""

    exit_code = EXIT_INTEGRITY

    def __init__(self, message: str, *, verified: str, found: str | None, hint: str | None = None):
        self.verified = verified
        self.found = found
        super().__init__(message, hint=hint)
