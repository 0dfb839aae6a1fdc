"""The privacy office's two questions, over an up-to-date index (pure): which exports exposed
these persons, and which persons did an export expose.

``approval.workflow.exposure.exposure_index(session, key)`` gives the index of an open ledger
(built or brought up to date in the officer's cache); ``approval incident`` and ``approval
exposure`` then ask it:

    index = exposure_index(session, key)
    hits = exposures_of(index, {"A012345678"}, key)           # list[ExposureHit]
    persons = persons_of(index, artifact_sha256, key)         # frozenset[str]
    groups = person_groups_of(index, artifact_sha256, key)    # frozenset[tuple[str, ...]]

A person is found by any identity key their record gives them (the A-number, the name with
the birthdate, the name with the facility); ``persons_of`` names each by their strongest key
(what an incident compares across files), ``person_groups_of`` with all their keys.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from approval.exposure.index import ExposureIndex
from approval.exposure.officer import OfficerKeys, officer_keys
from approval.signing import PrivateKey
from approval.statements import parse_statement_time


@dataclass(frozen=True)
class SignOffRef:
    """A sign-off an export named: its id, who signed and in which role."""

    id: str
    signer: str
    role: str


@dataclass(frozen=True)
class ExposureHit:
    """One export that exposed some of the persons asked about."""

    export: str  # the export statement's id
    artifact_sha256: str
    artifact_name: str
    destination: str
    created: datetime
    exporter: str
    request: str | None
    signoffs: tuple[SignOffRef, ...]
    matched: int  # how many of the persons asked about it holds
    persons: int  # how many persons it exposed in all


def _keys(key: PrivateKey | OfficerKeys) -> OfficerKeys:
    return key if isinstance(key, OfficerKeys) else officer_keys(key)


def exposures_of(
    index: ExposureIndex, persons: Collection[str], key: PrivateKey | OfficerKeys
) -> list[ExposureHit]:
    """Every export whose record holds any of ``persons`` (identity keys, as
    ``approval.detect.identity`` spells them: any key of a person), oldest first; ``matched``
    counts the record's persons found, each once whatever keys named them."""
    keys = _keys(key)
    found = index.exports_holding({keys.fingerprint(p) for p in persons})
    hits = []
    for number, matched in sorted(found.items()):
        export = index.exports[number]
        hits.append(
            ExposureHit(
                export=export.id,
                artifact_sha256=export.artifact_sha256,
                artifact_name=export.artifact_name,
                destination=export.destination,
                created=parse_statement_time(export.created),
                exporter=export.exporter,
                request=export.request,
                signoffs=tuple(
                    SignOffRef(s, *index.signoffs.get(s, ("?", "?"))) for s in export.signoffs
                ),
                matched=matched,
                persons=export.count or 0,
            )
        )
    return hits


def persons_of(
    index: ExposureIndex, artifact_sha256: str, key: PrivateKey | OfficerKeys
) -> frozenset[str]:
    """The persons the records about ``artifact_sha256`` hold (its exports', else its
    requests'), each by their strongest key: empty when no record this key can read is
    about it."""
    return frozenset(g[0] for g in person_groups_of(index, artifact_sha256, key))


def person_groups_of(
    index: ExposureIndex, artifact_sha256: str, key: PrivateKey | OfficerKeys
) -> frozenset[tuple[str, ...]]:
    """``persons_of`` with each person's keys, strongest first (one tuple per person)."""
    _keys(key)  # the same key checks as a query, though the index is already open
    records = index.records_of.get(artifact_sha256, [])
    chosen = [r for r in records if r[1] == "export"] or records
    merged: dict[str, set[str]] = {}
    for _, _, number in chosen:
        for first, *more in index.groups_of_record(number):
            merged.setdefault(first, set()).update(more)
    return frozenset((first, *sorted(more)) for first, more in merged.items())


def exports_of_artifact(index: ExposureIndex, artifact_sha256: str) -> list[str]:
    """The ids of the exports of ``artifact_sha256``, recorded or not."""
    return [e.id for e in index.exports if e.artifact_sha256 == artifact_sha256]
