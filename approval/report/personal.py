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
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from approval.detect.strings import Place, file_strings, identifying
from approval.policy import Policy
from approval.report.event import Event
from approval.statements import short_id

if TYPE_CHECKING:
    from approval.trust.state import Request, SignOff

# What every view of the ledger shows instead of a text the audit warns of: the text itself
# would hand the very data the warning is about to whoever reads the report.
WITHHELD = "[withheld: seems to hold personal data]"

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
        # Every text warned of so far, under whichever policy: withheld wherever it shows.
        self._withheld: dict[str, None] = {}

    @property
    def withheld(self) -> tuple[str, ...]:
        """The texts warned of, longest first (so a longer text goes whole, not in pieces)."""
        return tuple(sorted(self._withheld, key=len, reverse=True))

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
                self._withheld[text] = None
        return found

    def texts(self, statement: dict[str, Any], policy: Policy) -> tuple[str, ...]:
        """The texts of one statement that seem to hold personal data, longest first."""
        self.warnings(statement, "", 0, policy)
        kind = statement.get("kind", "")
        found = {
            text for _, text, from_file in _texts(statement, kind) if self._seen[text, from_file]
        }
        return tuple(sorted(found, key=len, reverse=True))

    def _found(self, text: str, from_file: bool, policy: Policy) -> tuple[str, ...]:
        key = (text, from_file)
        kinds = self._seen.get(key)
        if kinds is None:
            spans = identifying(text, policy, from_file=from_file)
            kinds = tuple(dict.fromkeys(span.kind for span in spans))
            self._seen[key] = kinds
        return kinds


def withhold(text: str, withheld: tuple[str, ...]) -> str:
    """``text`` with each of the ``withheld`` texts in it (``PersonalData.withheld``) replaced by
    :data:`WITHHELD`: a sentence names a request's destination or file, a row its file's name."""
    for secret in withheld:
        if secret in text:
            text = text.replace(secret, WITHHELD)
    return text


def withhold_event(event: Event, withheld: tuple[str, ...]) -> Event:
    """``event`` as a report may show it: the ``withheld`` texts gone from its sentence and from
    every string of its facts (a purpose, a comment, a file or sheet name), wherever they are;
    the same event when none is in it (every event of an honest ledger)."""
    if not withheld:
        return event
    text = withhold(event.text, withheld)
    details = _withhold_value(event.details, withheld)
    if text is event.text and details is event.details:
        return event
    return Event(
        event.position,
        event.commit,
        event.id,
        event.kind,
        event.at,
        event.who,
        text,
        event.artifacts,
        details,
    )


def _withhold_value(value: Any, withheld: tuple[str, ...]) -> Any:
    """``value`` (JSON-like) with the ``withheld`` texts replaced; the same object if none is in
    it, so that an untouched event is not copied."""
    if isinstance(value, str):
        shown = withhold(value, withheld)
        return value if shown == value else shown
    if isinstance(value, dict):
        items = {k: _withhold_value(v, withheld) for k, v in value.items()}
        if all(items[k] is v for k, v in value.items()):
            return value
        return items
    if isinstance(value, list | tuple):
        parts = [_withhold_value(v, withheld) for v in value]
        if all(p is v for p, v in zip(parts, value, strict=True)):
            return value
        return type(value)(parts)
    return value


# Screens (``show``, ``inbox``) judge the few statements they show, each distinct text once.
_SCREENS = PersonalData()


def shown_request(request: Request, policy: Policy) -> Request:
    """``request`` as a screen shows it: any text of it the audit would warn of (its purpose,
    destination, file name, a sheet or part name of its scan) withheld. Display only: the
    decision and the sign-off are made from the request as recorded."""
    statement = {
        "kind": "request",
        "purpose": request.purpose,
        "destination": request.destination,
        "artifact": {"name": request.artifact.name},
        "scan": request.scan,
    }
    withheld = _SCREENS.texts(statement, policy)
    if not withheld:
        return request
    return replace(
        request,
        purpose=withhold(request.purpose, withheld),
        destination=withhold(request.destination, withheld),
        artifact=replace(request.artifact, name=withhold(request.artifact.name, withheld)),
        scan=_withhold_value(request.scan, withheld),
    )


def shown_signoff(signoff: SignOff, policy: Policy) -> SignOff:
    """``signoff`` as a screen shows it: a comment the audit would warn of withheld."""
    if not signoff.comment:
        return signoff
    withheld = _SCREENS.texts({"kind": "signoff", "comment": signoff.comment}, policy)
    return replace(signoff, comment=WITHHELD) if withheld else signoff


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


__all__ = [
    "WITHHELD",
    "PersonalData",
    "TextWarning",
    "shown_request",
    "shown_signoff",
    "withhold",
    "withhold_event",
]
