"""The first refusal of each file, written down: one JSON line per refusal, so that a web team
sees what the door held and an incident can start from it.

A line holds the time, the verdict word, the file's sha256 and size, and its path under the
root made safe (each segment through the ledger's own file-name sanitiser: a segment that
identifies a person is redacted); for a file that could not be scanned, the scanner's reason
(itself made safe by the scanner). Never the file's content, a finding's sample, or a person's
name. "First" is per file bytes and verdict (a file refused a thousand times is one line; the
same path with new bytes is a new one), and per path for requests that map to no file (a
``..`` trick, a link leaving the root); a missing file is not written down (robots ask for
thousands). What was seen is bounded: past ``remember`` refusals it starts again.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from approval.serve.gate import Answer
from approval.serve.paths import QUIET

if TYPE_CHECKING:
    from approval.policy import Policy


def safe_path(relative: str, policy: Policy | None) -> str:
    """``relative`` with each segment made safe to keep (see the module doc)."""
    from approval.detect.strings import printable, safe_file_name

    if policy is None:
        return "[path not shown: no policy to check it with]" if relative else ""
    return "/".join(safe_file_name(printable(part), policy) for part in relative.split("/"))


def refusal_line(answer: Answer, policy: Policy | None, at: datetime) -> dict[str, Any]:
    line: dict[str, Any] = {
        "time": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "event": "refused",
        "verdict": answer.word,
        "path": safe_path(answer.relative, policy),
    }
    if answer.sha256:
        line["sha256"] = answer.sha256
        line["size"] = answer.size
    if answer.reason:
        line["reason"] = answer.reason[:500]
    return line


class RefusalLog:
    """Writes the first refusal of each file to ``stream`` (see the module doc)."""

    def __init__(
        self,
        stream: TextIO,
        policy: Callable[[], Policy | None],
        *,
        remember: int = 100_000,
        record: Callable[[Answer, str], object] | None = None,
    ):
        self.stream = stream
        self.policy = policy
        self.remember = remember
        self.record = record  # the ledger recorder (approval.serve.record), with --key
        self._seen: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self.written = 0

    def __call__(self, answer: Answer) -> None:
        if answer.allowed or answer.word in QUIET:
            return
        first = (answer.sha256, answer.word) if answer.sha256 else (answer.word, answer.relative)
        with self._lock:
            if first in self._seen:
                return
            if len(self._seen) >= self.remember:
                self._seen.clear()
            self._seen.add(first)
            line = refusal_line(answer, self.policy(), datetime.now(UTC))
            name = line["path"].rsplit("/", 1)[-1]
            self.stream.write(json.dumps(line, ensure_ascii=False) + "\n")
            self.stream.flush()
            self.written += 1
        if self.record is not None and answer.sha256:
            self.record(answer, name)
