"""Personal data in a statement's text: what the audit warns of, without making it a failure.

The writer refuses a purpose, destination, comment or reason that seems to hold a person's name
or an A-number (``approval.freetext.free_text``), and redacts such words in what comes with a
file (its name, a destination path, what a redaction removed: ``safe_text``), so an honest
client never records one. A rogue client can. Whether a string holds personal data is a
detector's judgement, which improves from release to release: were it a ledger rule, a better
detector would make old, honest ledgers fail their audit. So the audit reports it as a
warning, naming the statement and the field, never the text, and the ledger stays intact
(exit 0): the privacy office decides what to do with the statement.

Checked per statement with the policy in force, by the same test as the writer's
(``approval.detect.strings.identifying``; typed text as typed, names from files as names
from files), each distinct text once (a purpose is often repeated): ~25-50 us a new text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from approval.detect.strings import Place, file_strings, identifying
from approval.policy import Policy
from approval.statements import short_id

# Fields people type (checked as ``free_text`` checks them), by statement kind.
_TYPED = {
    "request": ("purpose", "destination", "again"),
    "signoff": ("comment",),
    "revocation": ("reason",),
    "incident-open": ("found_at",),
    "incident-step": ("text",),
    "incident-close": ("summary",),
    "blocked": ("site",),
}
_WORDS = {"a-number": "an A-number", "number": "an 8-9 digit number", "person-name": "a name"}


@dataclass(frozen=True)
class TextWarning:
    """A field of a statement whose text seems to hold personal data."""

    position: int
    id: str
    kind: str
    field: str
    found: tuple[str, ...]  # what it seems to hold: a-number, number, person-name

    @property
    def message(self) -> str:
        what = " and ".join(_WORDS.get(k, k) for k in self.found)
        return (
            f"entry {self.position}, {self.kind} {short_id(self.id)}: its {self.field} seems to "
            f"hold personal data ({what})"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "entry": self.position,
            "id": self.id,
            "kind": self.kind,
            "field": self.field,
            "found": list(self.found),
            "message": self.message,
        }


class PersonalData:
    """Finds the fields of statements whose text seems to hold personal data, remembering the
    answer for each text it has seen (under one policy: a new policy starts afresh)."""

    def __init__(self) -> None:
        self._policy: Policy | None = None
        self._seen: dict[tuple[str, bool], tuple[str, ...]] = {}

    def warnings(
        self, statement: dict[str, Any], statement_id: str, position: int, policy: Policy
    ) -> list[TextWarning]:
        """The warnings for one verified statement (none for an adoption)."""
        if policy is not self._policy:
            self._policy, self._seen = policy, {}
        kind = statement.get("kind", "")
        found = []
        for field, text, from_file in _texts(statement, kind):
            kinds = self._found(text, from_file, policy)
            if kinds:
                found.append(TextWarning(position, statement_id, _word(kind), field, kinds))
        return found

    def _found(self, text: str, from_file: bool, policy: Policy) -> tuple[str, ...]:
        key = (text, from_file)
        kinds = self._seen.get(key)
        if kinds is None:
            spans = identifying(text, policy, from_file=from_file)
            kinds = tuple(dict.fromkeys(span.kind for span in spans))
            self._seen[key] = kinds
        return kinds


def _texts(statement: dict[str, Any], kind: str) -> Iterator[tuple[str, str, bool]]:
    """(field, text, from a file) of each string checked."""
    for field in _TYPED.get(kind, ()):
        value = statement.get(field)
        if isinstance(value, str):
            yield field, value, False
    # What comes with a file: the writer's own list (``safe_statement`` makes these safe).
    for place, text, _, _ in file_strings(statement):
        yield _field(place), text, True


def _field(place: Place) -> str:
    """``scan.findings[2].location.sheet``"""
    return "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in place)[1:]


def _word(kind: str) -> str:
    return {"signoff": "sign-off"}.get(kind, kind)


__all__ = ["PersonalData", "TextWarning"]
