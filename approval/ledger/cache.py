"""A local record of entry files already found valid, so that reading the ledger again does not
validate every entry against the JSON Schema again.

Validating one entry with jsonschema costs ~1.2 ms (the statement schema's ``if/then`` and
``unevaluatedProperties``), which would cap a replay at ~800 entries/s. A git blob id names
exact bytes, so "blob B is a canonical, schema-valid entry" stays true for as long as the
schema is the same: the file is keyed by the schema's digest and a format version. It lives in
the ledger's untracked cache directory and is never cloned; a missing, unreadable or partly
written file only costs time (lines that do not parse are ignored).

Whoever can write the ledger's directory can write this file too, so it only ever skips the
shape check: the reader still checks that each file holds the statement its name says.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from functools import cache
from pathlib import Path

from approval.schemas import load_schema

_FORMAT = 1
_LINE = re.compile(rb"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")


@cache
def _schema_digest() -> str:
    schema = json.dumps(load_schema("statement"), sort_keys=True).encode()
    return hashlib.sha256(b"%d\n" % _FORMAT + schema).hexdigest()[:16]


class ValidEntries:
    """Blob ids of entry files that passed the schema and are in canonical form."""

    def __init__(self, directory: Path):
        self.path = directory / f"valid-entries-{_schema_digest()}"
        self._known: set[bytes] | None = None
        self._new: list[bytes] = []

    def _load(self) -> set[bytes]:
        if self._known is None:
            try:
                data = self.path.read_bytes()
            except OSError:
                data = b""
            self._known = {line for line in data.splitlines() if _LINE.match(line)}
        return self._known

    def __contains__(self, blob: str) -> bool:
        return blob.encode() in self._load()

    def add(self, blob: str) -> None:
        self._load().add(blob.encode())
        self._new.append(blob.encode() + b"\n")

    def save(self) -> None:
        """Append what was learnt since the last save. One ``write`` with O_APPEND, so that
        processes saving at once do not interleave lines; failures are ignored (a read-only
        ledger simply has no cache)."""
        if not self._new:
            return
        data, self._new = b"".join(self._new), []
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError:
            return
        try:
            os.write(fd, data)
        except OSError:
            pass  # a full disk leaves a partial line, which the loader skips
        finally:
            os.close(fd)
