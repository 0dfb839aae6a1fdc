"""``approval watch``: the ledger's new events, as they arrive by sync, one JSON object each.

Each poll fetches (the usual refresh), verifies what arrived (the verified view), and gives an
event (approval/hooks.py ``event_of``) for each entry after the last head this user's watch
reported for this ledger. That position is kept per ledger identity in the user's cache
(``watch.json`` in the ledger's cache directory), so ``--once`` from cron prints each event once.
A first run with no position starts at the current head (nothing old is printed) unless asked
to start from the first entry.

With ``expiring_days``, an allowed request whose approvals lapse within that many days gives an
``expiring`` event, once per request; those events also run the user's ``expiring`` hooks, since
no statement is recorded for them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from approval.hooks import event_of, expiring_event, run_hooks

POSITION_FILE = "watch.json"
POSITION_FORMAT = 1


@dataclass
class Position:
    """Where the last watch of this ledger stopped."""

    head: str | None = None
    told_expiring: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, path: Path) -> Position:
        """The saved position; a missing or unreadable one is no position (a cache, not truth:
        the worst case is starting at the current head again)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict) or data.get("format") != POSITION_FORMAT:
            return cls()
        head = data.get("head")
        told = data.get("told_expiring")
        return cls(
            head if isinstance(head, str) else None,
            {t for t in told if isinstance(t, str)} if isinstance(told, list) else set(),
        )

    def write(self, path: Path) -> None:
        document = {
            "format": POSITION_FORMAT,
            "head": self.head,
            "told_expiring": sorted(self.told_expiring),
        }
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_name(path.name + f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(document), encoding="utf-8")
        temporary.replace(path)


def poll(
    ledger_path: Path | None,
    *,
    from_start: bool = False,
    expiring_days: int | None = None,
) -> Iterator[dict[str, Any]]:
    """The events since this user's last watch of the ledger (one poll), oldest first; the
    position moves on once they have all been handed out."""
    from approval.ledger.session import opened
    from approval.statements import now

    with opened(ledger_path) as (ledger, view):
        position_file = ledger.cache_dir / POSITION_FILE
        position = Position.read(position_file)
        head = view.head
        since = position.head
        if since is None and not from_start:
            since = head
        elif (
            since is not None
            and head is not None
            and since != head
            and not ledger.is_ancestor(since, head)
        ):
            # A history this clone accepted as rewritten: its entries from the start.
            since = None
        events: list[dict[str, Any]] = []
        if head is not None and since != head:
            for entry in ledger.entries(head, since=since):
                record, state = view.resolve(entry.envelope.id)
                event = event_of(record, state)
                if event is not None:
                    events.append(event)
        if expiring_days is not None and head is not None:
            from approval.workflow.inbox import inbox_of, state_of_candidates

            at = now()
            state = state_of_candidates(ledger, view, at)
            soon = inbox_of(state, None, at, expiring_days).expiring or ()
            for item in soon:
                if item.request.id in position.told_expiring:
                    continue
                event = expiring_event(item.request, item.expires, list(item.signers))
                events.append(event)
                position.told_expiring.add(item.request.id)
                _run_expiring_hooks(event)
        yield from events
        position.head = head
        position.write(position_file)


def _run_expiring_hooks(event: dict[str, Any]) -> None:
    from approval.config import load

    hooks = load().hooks
    if hooks:
        run_hooks(hooks, event)
