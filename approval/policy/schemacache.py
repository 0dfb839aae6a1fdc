"""Remember which documents a JSON Schema has found valid, so that jsonschema is not imported
(~60-90 ms of CPU) by every command that reads the same policy again.

A marker is one fact: "the document whose canonical JSON is X is valid against the
schema whose canonical JSON is S". Its file name is the sha256 of both (and of this format's
version), so a marker can only say "valid" about exactly the data and rules it was made for: a
changed policy or a changed schema is a different key, and is validated afresh. Nothing is read
back from the cache but that yes: never the document, never anything deserialised (no pickle, no
data to substitute), and the semantic checks and the model's own checks run every time.

Markers live in the user's own cache directory (``$XDG_CACHE_HOME/approval/schema-valid``),
used only when it and its parent are the user's and nobody else can write them, as for the
ledger's caches (approval.ledger.usercache, which this layer may not import). On any doubt (no
such directory, wrong owner or mode, a symlink, a marker that does not name its own key, any
error) the answer is "not known", and the document goes through jsonschema as before: the
cache costs speed only, never an error message or a verdict.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import stat
from pathlib import Path
from typing import Any

from approval.cachedirs import private_dir

# Bump when what a marker means changes.
_VERSION = b"approval-schema-valid-v1\0"
_DIRECTORY = "schema-valid"
# Documents are small (policies and rosters at most 1 MB, nested at most 50 levels); beyond
# this a document is not remembered.
_MAX_DEPTH = 64


def key(schema: dict[str, Any], data: Any) -> str | None:
    """The marker name for ``data`` against ``schema``, or None when ``data`` holds anything
    but plain JSON values (a non-string key, a NaN, a subclass): two different documents must
    never share a key, and ``json.dumps`` would write ``{1: x}`` and ``{"1": x}`` the same."""
    if not _plain(data, 0):
        return None
    digest = hashlib.sha256(_VERSION)
    digest.update(_canonical(schema))
    digest.update(b"\0")
    digest.update(_canonical(data))
    return digest.hexdigest()


def known_valid(name: str) -> bool:
    """Whether a trustworthy marker says so; False on any doubt."""
    directory = _directory(create=False)
    if directory is None:
        return False
    path = directory / name
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
            return False
        if info.st_mode & 0o022 or info.st_size != len(name):
            return False
        return path.read_text("ascii") == name
    except (OSError, ValueError):
        return False


def remember(name: str) -> None:
    """Write the marker (atomically: a temporary file renamed); a failure only costs speed."""
    directory = _directory(create=True)
    if directory is None:
        return
    temporary = directory / f".{name}.{os.getpid()}.tmp"
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            os.write(fd, name.encode("ascii"))
        finally:
            os.close(fd)
        temporary.replace(directory / name)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()


def _directory(*, create: bool) -> Path | None:
    from approval.cachedirs import cache_root

    root = cache_root()
    if root is None:
        return None
    directory = root / _DIRECTORY
    if not (private_dir(root, create=create) and private_dir(directory, create=create)):
        return None
    return directory


def _canonical(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8", "surrogatepass")


def _plain(value: Any, depth: int) -> bool:
    """Only exact JSON types, string keys and finite floats: what ``_canonical`` writes one way."""
    if depth > _MAX_DEPTH:
        return False
    kind = value.__class__
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is float:
        return math.isfinite(value)
    if kind is list:
        return all(_plain(item, depth + 1) for item in value)
    if kind is dict:
        return all(k.__class__ is str and _plain(v, depth + 1) for k, v in value.items())
    return False
