"""A local record of entry files already found valid, so that reading the ledger again does not
validate every entry against the JSON Schema again.

Validating one entry with jsonschema costs ~1.2 ms (the statement schema's ``if/then`` and
``unevaluatedProperties``), which would cap a replay at ~800 entries/s. A git blob id names
exact bytes, so "blob B is a canonical, schema-valid entry" stays true for as long as the
schema is the same: the file is keyed by the schema's digest and a format version. It lives in
the ledger's untracked cache directory and is never cloned; a missing, unreadable or partly
written file only costs time (lines that do not parse are ignored).

Each line carries a tag under this user's cache key (sealed.py), so a line written by anyone
else (an edited file, a cache restored from elsewhere) is ignored; and it only ever skips the
shape check: the reader still checks that each file holds the statement its name says.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from functools import cache
from pathlib import Path

from approval.ledger.sealed import tag
from approval.schemas import load_schema

_FORMAT = 2  # 2: each line tagged
_LINE = re.compile(rb"^([0-9a-f]{40}(?:[0-9a-f]{24})?) ([0-9a-f]{32})$")
_TAG_HEX = 32


@cache
def _schema_digest() -> str:
    schema = json.dumps(load_schema("statement"), sort_keys=True).encode()
    return hashlib.sha256(b"%d\n" % _FORMAT + schema).hexdigest()[:16]


class ValidEntries:
    """Blob ids of entry files that passed the schema and are in canonical form."""

    def __init__(self, directory: Path):
        self.path = directory / f"valid-entries-{_schema_digest()}"
        self._context = f"valid-entry {_schema_digest()}"
        self._known: dict[bytes, bytes] | None = None  # blob id -> its tag, as read
        self._trusted: set[bytes] = set()  # blob ids whose tag verified, or added here
        self._new: list[bytes] = []

    def _load(self) -> dict[bytes, bytes]:
        if self._known is None:
            try:
                data = self.path.read_bytes()
            except OSError:
                data = b""
            self._known = {}
            for line in data.splitlines():
                if found := _LINE.match(line):
                    self._known[found.group(1)] = found.group(2)
        return self._known

    def _tag(self, blob: bytes) -> bytes:
        return tag(self._context, blob).hex()[:_TAG_HEX].encode()

    def __contains__(self, blob: str) -> bool:
        key = blob.encode()
        if key in self._trusted:
            return True
        # Checked when asked, not when read: a command reads a few entries of a large file.
        found = self._load().get(key)
        if found is None or not hmac.compare_digest(found, self._tag(key)):
            return False
        self._trusted.add(key)
        return True

    def add(self, blob: str) -> None:
        key = blob.encode()
        line_tag = self._tag(key)
        self._load()[key] = line_tag
        self._trusted.add(key)
        self._new.append(key + b" " + line_tag + b"\n")

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
