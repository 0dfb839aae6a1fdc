"""The privacy office's two questions, over an up-to-date index (pure): which exports exposed
these persons, and which persons did an export expose.

``approval.workflow.exposure.exposure_index(session, key)`` gives the index of an open ledger
(built or brought up to date in the officer's cache); ``approval incident`` and ``approval
exposure`` then ask it:

    index = exposure_index(session, key)
    hits = exposures_of(index, {"A012345678"}, key)           # list[ExposureHit]
    persons = persons_of(index, artifact_sha256, key)         # frozenset[str]
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
    ``approval.detect.identity`` spells them), oldest first."""
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
    requests'): empty when no record this key can read is about it."""
    _keys(key)  # the same key checks as a query, though the index is already open
    records = index.records_of.get(artifact_sha256, [])
    chosen = [r for r in records if r[1] == "export"] or records
    persons: set[str] = set()
    for _, _, number in chosen:
        persons.update(index.persons_of_record(number))
    return frozenset(persons)


def exports_of_artifact(index: ExposureIndex, artifact_sha256: str) -> list[str]:
    """The ids of the exports of ``artifact_sha256``, recorded or not."""
    return [e.id for e in index.exports if e.artifact_sha256 == artifact_sha256]
