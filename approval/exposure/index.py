"""A privacy officer's index of exposure records: which exports hold a person, without
decrypting 10,000 records per question. Pure: statements in, bytes out; the workflow keeps the
bytes in the officer's cache directory.

Decrypting every record per query costs ~0.3 ms each (age's X25519 and the inflate): seconds
over 10,000 exports. So each record is decrypted once, when the index first meets it, and the
index keeps, per export, what a query prints (when, where, who, on which sign-offs), and one
row per identity key of a person and export: the key's keyed fingerprint
(``OfficerKeys.fingerprint``, an HMAC under a key derived from the officer's private key), the
export's number and the person's number in its record. Every key a record gives a person (the
A-number, the name with the birthdate...) has its row, so a query by any finds the export; the
person's number counts a person asked about by two of their keys once. Rows are kept in
sorted segments (a new segment per update, merged when there are many), so a lookup is a binary
search per segment, and an update after a few new exports sorts only their rows. The persons
themselves are kept too (compressed, per record: a line per person, their keys
tab-separated, strongest first), for ``persons_of``.

The whole index is encrypted (ChaCha20-Poly1305, key derived from the private key), with the
ledger's identity, its head and the officer's key fingerprint as associated data: a file that
does not open is rebuilt, which costs time and never an answer (a cache is speed only).
"""

from __future__ import annotations

import json
import os
import struct
import zlib
from bisect import bisect_left
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from approval.exposure.officer import FINGERPRINT_BYTES, OfficerKeys

VERSION = 2  # 2: a row per key of a person, with the person's number; v1 caches are rebuilt
# fingerprint, export number, person number in the record (big-endian: rows sort by bytes)
_ROW = FINGERPRINT_BYTES + 8
_MAX_SEGMENTS = 8
_NONCE = 12


@dataclass(frozen=True)
class IndexedExport:
    """One export as the index keeps it (ids and metadata only; never a person)."""

    id: str
    created: str
    destination: str
    exporter: str
    artifact_sha256: str
    artifact_name: str
    request: str | None
    signoffs: tuple[str, ...]
    record_sha256: str | None  # None: the export carries no record (needed no approval)
    count: int | None
    readable: bool  # this officer's key is among the record's recipients

    def to_list(self) -> list[Any]:
        return [
            self.id,
            self.created,
            self.destination,
            self.exporter,
            self.artifact_sha256,
            self.artifact_name,
            self.request,
            list(self.signoffs),
            self.record_sha256,
            self.count,
            self.readable,
        ]

    @classmethod
    def from_list(cls, row: list[Any]) -> IndexedExport:
        return cls(
            id=row[0],
            created=row[1],
            destination=row[2],
            exporter=row[3],
            artifact_sha256=row[4],
            artifact_name=row[5],
            request=row[6],
            signoffs=tuple(row[7]),
            record_sha256=row[8],
            count=row[9],
            readable=row[10],
        )


@dataclass
class ExposureIndex:
    """The index at one ledger head (mutable while it is brought up to date, then saved)."""

    ledger: str  # the ledger's identity
    head: str | None
    exports: list[IndexedExport] = field(default_factory=list)
    signoffs: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (signer, role)
    # artifact sha256 -> [(statement id, kind, record number)] of every record about it
    records_of: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    unreadable_records: int = 0
    segments: list[bytes] = field(default_factory=list)
    persons: list[bytes] = field(default_factory=list)  # compressed "\n"-joined, per record
    _pending: list[bytes] = field(default_factory=list, repr=False)

    # -- building ------------------------------------------------------------------------------

    def add(
        self,
        statement_id: str,
        statement: dict[str, Any],
        keys: OfficerKeys,
        read: Any,
    ) -> None:
        """Take in one verified statement, in ledger order. ``read(statement, label)`` returns
        the persons of its exposure record (each their keys, strongest first), or None when
        this key cannot read it."""
        kind = statement.get("kind")
        if kind == "signoff":
            self.signoffs[statement_id] = (statement["signer"], statement["role"])
            return
        if kind not in ("request", "export"):
            return
        exposure = statement.get("exposure")
        persons: list[tuple[str, ...]] | None = None
        if exposure is not None:
            readable = keys.key_fingerprint in exposure["recipients"]
            persons = read(statement, f"{kind} {statement_id[:12]}") if readable else None
            if persons is None:
                self.unreadable_records += 1
            else:
                number = len(self.persons)
                lines = "\n".join("\t".join(g) for g in persons)
                self.persons.append(zlib.compress(lines.encode(), 1))
                sha = statement["artifact"]["sha256"]
                self.records_of.setdefault(sha, []).append((statement_id, kind, number))
        if kind != "export":
            return
        position = len(self.exports)
        self.exports.append(
            IndexedExport(
                id=statement_id,
                created=statement["created"],
                destination=statement["destination"],
                exporter=statement["signer"],
                artifact_sha256=statement["artifact"]["sha256"],
                artifact_name=statement["artifact"]["name"],
                request=statement["request"],
                signoffs=tuple(statement["signoffs"]),
                record_sha256=exposure["record_sha256"] if exposure else None,
                count=exposure["count"] if exposure else None,
                readable=persons is not None,
            )
        )
        if persons:
            pending = self._pending
            for n, group in enumerate(persons):
                tail = struct.pack(">II", position, n)
                pending.extend(keys.fingerprint(k) + tail for k in group)

    def settle(self) -> None:
        """File the rows added since the last call as a sorted segment (merging when many)."""
        if self._pending:
            self.segments.append(b"".join(sorted(self._pending)))
            self._pending = []
        if len(self.segments) > _MAX_SEGMENTS:
            rows = [s[i : i + _ROW] for s in self.segments for i in range(0, len(s), _ROW)]
            self.segments = [b"".join(sorted(rows))]

    # -- asking ----------------------------------------------------------------------------------

    def exports_holding(self, fingerprints: Collection[bytes]) -> dict[int, int]:
        """Export number -> how many of its persons ``fingerprints`` (of any of their keys)
        name: a person named by two of their keys counts once."""
        found: dict[int, set[int]] = {}
        for segment in self.segments:
            rows = _Rows(segment)
            for fp in fingerprints:
                i = bisect_left(rows, fp)
                while i < len(rows) and rows[i] == fp:
                    at = i * _ROW + FINGERPRINT_BYTES
                    number, person = struct.unpack_from(">II", segment, at)
                    found.setdefault(number, set()).add(person)
                    i += 1
        return {number: len(persons) for number, persons in found.items()}

    def persons_of_record(self, number: int) -> list[str]:
        """The persons of record ``number``, each by their strongest key."""
        return [g[0] for g in self.groups_of_record(number)]

    def groups_of_record(self, number: int) -> list[tuple[str, ...]]:
        """The persons of record ``number``, each with all their keys, strongest first."""
        text = zlib.decompress(self.persons[number]).decode()
        return [tuple(line.split("\t")) for line in text.split("\n")] if text else []

    # -- saving ----------------------------------------------------------------------------------

    def to_bytes(self, keys: OfficerKeys) -> bytes:
        """The index encrypted under the officer's keys (see the module doc)."""
        from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

        self.settle()
        header = {
            "v": VERSION,
            "ledger": self.ledger,
            "head": self.head,
            "exports": [e.to_list() for e in self.exports],
            "signoffs": {k: list(v) for k, v in self.signoffs.items()},
            "records_of": {k: [list(r) for r in v] for k, v in self.records_of.items()},
            "unreadable": self.unreadable_records,
            "segments": [len(s) for s in self.segments],
            "persons": [len(p) for p in self.persons],
        }
        head = json.dumps(header, separators=(",", ":")).encode()
        plain = b"".join([struct.pack(">Q", len(head)), head, *self.segments, *self.persons])
        nonce = os.urandom(_NONCE)
        sealed = ChaCha20Poly1305(keys.seal).encrypt(nonce, plain, _context(self.ledger, keys))
        return nonce + sealed

    @classmethod
    def from_bytes(cls, data: bytes, ledger: str, keys: OfficerKeys) -> ExposureIndex | None:
        """The index saved in ``data`` for ``ledger`` by this officer's key, or None."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

        try:
            plain = ChaCha20Poly1305(keys.seal).decrypt(
                data[:_NONCE], data[_NONCE:], _context(ledger, keys)
            )
            (size,) = struct.unpack(">Q", plain[:8])
            header = json.loads(plain[8 : 8 + size])
            if header["v"] != VERSION or header["ledger"] != ledger:
                return None
            at = 8 + size
            segments, persons = [], []
            for length in header["segments"]:
                segments.append(plain[at : at + length])
                at += length
            for length in header["persons"]:
                persons.append(plain[at : at + length])
                at += length
            return cls(
                ledger=ledger,
                head=header["head"],
                exports=[IndexedExport.from_list(r) for r in header["exports"]],
                signoffs={k: (v[0], v[1]) for k, v in header["signoffs"].items()},
                records_of={
                    k: [(r[0], r[1], r[2]) for r in v] for k, v in header["records_of"].items()
                },
                unreadable_records=header["unreadable"],
                segments=segments,
                persons=persons,
            )
        except (InvalidTag, ValueError, KeyError, TypeError, IndexError, struct.error):
            return None


class _Rows(Sequence[bytes]):
    """A segment's fingerprints as a sorted sequence, for ``bisect`` (no copy of the rows)."""

    def __init__(self, segment: bytes):
        self._segment = segment
        self._count = len(segment) // _ROW

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, i: Any) -> Any:
        start = i * _ROW
        return self._segment[start : start + FINGERPRINT_BYTES]


def _context(ledger: str, keys: OfficerKeys) -> bytes:
    return f"approval exposure index v{VERSION}\x00{ledger}\x00{keys.key_fingerprint}".encode()


def build(
    ledger: str,
    head: str | None,
    statements: Iterable[tuple[str, dict[str, Any]]],
    keys: OfficerKeys,
    read: Any,
    *,
    start: ExposureIndex | None = None,
) -> ExposureIndex:
    """``start`` (or a new index) brought up to ``head`` with ``statements`` (id, document),
    the verified statements after ``start.head``, in order."""
    index = start if start is not None else ExposureIndex(ledger=ledger, head=None)
    for statement_id, statement in statements:
        index.add(statement_id, statement, keys, read)
    index.head = head
    index.settle()
    return index
