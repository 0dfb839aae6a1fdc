"""One statement as the auditor reads it: when, who, what, in a sentence, and the facts behind it.

Kept apart from :mod:`approval.report.timeline`, which makes events from verified records, so that
answering from the index (``--as-of``, ``--artifact``) does not load the policy and state code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from approval.statements import format_time, parse_statement_time


@dataclass(frozen=True)
class Event:
    position: int  # 1 for the ledger's first statement
    commit: str
    id: str
    kind: str  # adoption | request | signoff | revocation | export | redaction
    at: datetime
    who: tuple[str, ...]
    text: str
    artifacts: tuple[str, ...]  # the sha256 of every file it is about
    details: dict[str, Any] = field(hash=False, compare=False)

    @cached_property
    def when(self) -> str:
        # Asked for two and three times an event by one audit (its index row, its JSON):
        # formatted once (kept in the instance's own dict: the dataclass stays frozen).
        return format_time(self.at)

    def to_dict(self) -> dict[str, Any]:
        return {
            "entry": self.position,
            "commit": self.commit,
            "id": self.id,
            "kind": self.kind,
            "at": self.when,
            "who": list(self.who),
            "text": self.text,
            "artifacts": list(self.artifacts),
            **self.details,
        }

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> Event:
        core = {"entry", "commit", "id", "kind", "at", "who", "text", "artifacts"}
        return cls(
            doc["entry"],
            doc["commit"],
            doc["id"],
            doc["kind"],
            parse_statement_time(doc["at"]),
            tuple(doc["who"]),
            doc["text"],
            tuple(doc["artifacts"]),
            {k: v for k, v in doc.items() if k not in core},
        )
