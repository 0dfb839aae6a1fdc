"""The verified state as a document: canonical, versioned, not pickle, and its digest. Pure.

A checkpoint (:mod:`approval.trust.witness`) names the sha256 of the state at a ledger head in
this serialization, and carries it whole, so that a fresh clone can start from it
(``approval.ledger.checkpoints``) and an audit can check it against its own replay.

The document is text, one canonical JSON value (RFC 8785) per line:

- the first line is the header ``{"format":"approval-state/1"}``;
- then one line per record of the state, in ledger order: the record's fields (a time as the
  statements write it, an artifact as its three fields, a tuple as a list, an adoption's policy
  and roster as the documents the admins signed) and ``"$record"``, its class.

Nothing else: the number of entries is the number of record lines, and the state's latest time
is the latest record's (a verified replay's state holds every entry up to its head). Each line is
canonical, so one state has one document, and a state's digest can be computed record by record
as a replay admits them (:class:`Digest`): the audit pays for the serialization once, however
many checkpoints it checks. ``state_from_document`` rebuilds records equal to the replay's
(``tests/trust/test_checkpoint.py`` replays real ledgers, serializes, rebuilds and compares);
it re-validates each adoption's policy and roster, as the replay did, and trusts the rest: the
caller checked the digest a witness signed.
"""

from __future__ import annotations

import gc
import hashlib
import json
import typing
from collections.abc import Callable, Iterable
from dataclasses import fields, is_dataclass
from datetime import datetime
from functools import cache
from types import UnionType
from typing import Any

from approval.errors import IntegrityError
from approval.statements import format_time, parse_statement_time
from approval.statements.kinds import Artifact, built
from approval.trust.shape import canonical
from approval.trust.state import Adoption, LedgerState, Record, parse_adoption_documents
from approval.trust.witness import FORMAT

HEADER = canonical({"format": FORMAT}) + b"\n"
_TAG = "$record"


@cache
def _classes() -> dict[str, type]:
    """Every record class by name: the members of ``Record``."""
    return {cls.__name__: cls for cls in typing.get_args(Record)}


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, datetime):
        text = format_time(value)
        if parse_statement_time(text) != value:
            raise ValueError(f"a time with more than the statements' precision: {value!r}")
        return text
    if isinstance(value, Artifact):
        return value.to_dict()
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return value  # a document as it was signed (a request's scan summary)
    raise ValueError(f"a record field of type {type(value).__name__} has no serialization")


def record_to_dict(record: Record) -> dict[str, Any]:
    """One record as the document's line holds it (before canonical JSON)."""
    doc: dict[str, Any] = {_TAG: type(record).__name__}
    for f in fields(record):
        value = getattr(record, f.name)
        if isinstance(record, Adoption) and f.name in ("policy", "roster"):
            doc[f.name] = value.to_dict()
        else:
            doc[f.name] = _encode(value)
    return doc


def _decoder(hint: Any) -> Callable[[Any], Any] | None:
    """How a field of type ``hint`` is read back from its JSON value (None: as it is)."""
    options = typing.get_args(hint) if isinstance(hint, UnionType) else (hint,)
    optional = type(None) in options
    wanted = [o for o in options if o is not type(None)]
    base = wanted[0] if len(wanted) == 1 else None
    if base is datetime:
        decode: Callable[[Any], Any] = parse_statement_time
    elif base is Artifact:
        decode = _artifact
    elif typing.get_origin(base) is tuple:
        decode = tuple
    else:
        return None
    if optional:
        return lambda v: None if v is None else decode(v)
    return decode


_ARTIFACT_FIELDS = frozenset(f.name for f in fields(Artifact))


def _artifact(doc: Any) -> Artifact:
    """``Artifact.from_dict`` (exactly its three fields) without its frozen ``__init__``: half
    the records of a ledger hold one, and the line's digest was checked."""
    if not isinstance(doc, dict) or doc.keys() != _ARTIFACT_FIELDS:
        raise ValueError("an artifact with other fields than sha256, size and name")
    artifact = object.__new__(Artifact)
    artifact.__dict__.update(doc)
    return artifact


@cache
def _decoders(cls: type) -> tuple[frozenset[str], tuple[tuple[str, Callable[[Any], Any]], ...]]:
    """A record class's field names, and the decoders of those not read as they are."""
    hints = typing.get_type_hints(cls)
    decoders = ((f.name, _decoder(hints[f.name])) for f in fields(cls))
    names = frozenset(f.name for f in fields(cls))
    return names, tuple((name, d) for name, d in decoders if d is not None)


def record_from_dict(doc: dict[str, Any]) -> Record:
    """The record a document's line holds (``ValueError``/``KeyError`` when it holds none)."""
    return _record(dict(doc))  # the caller's document is left as it was


@cache
def _readers() -> dict[str, tuple[type, frozenset[str], tuple[tuple[str, Any], ...]]]:
    """Every record class by its ``$record`` name, with its field names and decoders."""
    return {name: (cls, *_decoders(cls)) for name, cls in _classes().items() if is_dataclass(cls)}


def _record(values: dict[str, Any]) -> Record:
    """``record_from_dict`` on a document of its own, which becomes the record's fields."""
    if not isinstance(values, dict):
        raise ValueError("not a JSON object")
    tag = values.pop(_TAG, None)
    found = _readers().get(tag)
    if found is None:
        raise ValueError(f"unknown record {str(tag)[:40]!r}")
    cls, names, decoders = found
    if names != values.keys():
        raise ValueError(f"a {cls.__name__} record has other fields than its class")
    for name, decode in decoders:
        values[name] = decode(values[name])
    if cls is Adoption:
        values["policy"], values["roster"] = parse_adoption_documents(
            values["policy"], values["roster"], f"checkpoint state adoption {values['id'][:12]}"
        )
    # Every field is given (record_to_dict writes them all) and the record classes check
    # nothing in ``__post_init__``: filled as ``__init__`` would, without a frozen dataclass's
    # ``object.__setattr__`` per field (a third of the rebuild at 100k records); the document
    # parsed for it is its ``__dict__``, not copied.
    return typing.cast(Record, built(cls, values))


def record_line(record: Record) -> bytes:
    """One record's line of the document (canonical JSON and a newline)."""
    return canonical(record_to_dict(record)) + b"\n"


def records_to_document(records: Iterable[Record]) -> bytes:
    """The document of a state holding ``records`` (in ledger order)."""
    return HEADER + b"".join(record_line(r) for r in records)


def state_to_document(state: LedgerState) -> bytes:
    """The canonical serialization of a whole verified state (see the module doc)."""
    return records_to_document(state.records())


def state_digest(document: bytes) -> str:
    return hashlib.sha256(document).hexdigest()


def state_from_document(document: bytes) -> LedgerState:
    """The state a document serializes; ``IntegrityError`` when it is not one (a format this
    code does not read, a line that is not a record, lines not in canonical form)."""
    # The cyclic collector is paused meanwhile (as ``Verifier.run`` pauses it for a replay):
    # the parse makes only trees (JSON values, records), and every collection it would set off
    # walks all that it made so far again (measured: more than half its CPU time at 100k).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _state_from_document(document)
    finally:
        if collecting:
            gc.enable()


def _state_from_document(document: bytes) -> LedgerState:
    if not document.endswith(b"\n") or not document.startswith(HEADER):
        raise IntegrityError(f"a checkpoint's state is not in the format {FORMAT}")
    count = document.count(b"\n") - 1  # record lines
    try:
        # One parse of every line at once (100k calls of json.loads cost a third more), the
        # lines joined by commas where their newlines were: no list of 100k lines to join,
        # and each copy of the text freed as soon as the next is made.
        body = memoryview(document)[len(HEADER) : -1]
        docs = json.loads("[" + str(body, "utf-8").replace("\n", ",") + "]") if count else []
    except ValueError as e:
        raise IntegrityError(f"a checkpoint's state is not JSON lines ({e})") from e
    if not isinstance(docs, list) or len(docs) != count:  # a line holding two values, or none
        raise IntegrityError("a checkpoint's state is not one record per line")
    records: list[Record] = []
    for number, doc in enumerate(docs, start=2):
        try:
            records.append(_record(doc))
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise IntegrityError(
                f"line {number} of a checkpoint's state is not a record ({e})"
            ) from e
    latest = max((r.at for r in records), default=None)
    state = LedgerState.restore(records, latest)
    if len(state) != len(records):
        raise IntegrityError("a checkpoint's state holds a record twice")
    return state


class Digest:
    """The digest of the state at any count, computed as records are added in ledger order: a
    replay that meets several checkpoints serializes each record once (see the module doc)."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256(HEADER)
        self._count = 0
        self._at: dict[int, str] = {0: self._hash.hexdigest()}

    @property
    def count(self) -> int:
        return self._count

    def know(self, count: int, digest: str) -> None:
        """Remember the digest at ``count`` (a state restored from a checked checkpoint)."""
        self._at[count] = digest

    def at(self, count: int, records: Callable[[], tuple[Record, ...]]) -> str:
        """The digest of the first ``count`` of ``records()`` (the whole state's, in order)."""
        known = self._at.get(count)
        if known is not None:
            return known
        everything = records()
        if count < self._count:  # a head before what was digested: once, from the start
            return state_digest(records_to_document(everything[:count]))
        for record in everything[self._count : count]:
            self._hash.update(record_line(record))
        self._count = count
        digest = self._hash.hexdigest()
        self._at[count] = digest
        return digest


__all__ = [
    "FORMAT",
    "HEADER",
    "Digest",
    "record_from_dict",
    "record_to_dict",
    "records_to_document",
    "state_digest",
    "state_from_document",
    "state_to_document",
]
