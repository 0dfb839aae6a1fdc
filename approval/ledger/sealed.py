"""Caches that cannot change a decision: what a command saved is used only when this user's
own key says it saved it.

The caches (the saved verified state, the entries found valid, the scans, the highest verified
head) live in the user's cache directory. That directory is not a safe place: CI systems restore
it from a shared cache that a pull request can write (cache poisoning), home directories are
copied between machines, and a cache file is easy to edit. A state saved there holds sign-offs
that were verified when they were saved; an edited one could hold a sign-off nobody made.

So each saved value carries an HMAC-SHA256 tag under a key that is *not* in the cache directory:
``$XDG_STATE_HOME/approval/cache.key`` (default ``~/.local/state``), 32 random bytes made on
first use, readable by this user only. The tag covers what the value is about (its context: the
ledger's identity, the head, the cache's name) as well as its bytes, so a value cannot be moved
from one ledger or head to another either. A value whose tag does not verify is taken as
absent: it costs time, never a decision. Where no key can be kept (a read-only home), each
process makes its own, so nothing saved by another process is ever trusted.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import cache
from pathlib import Path

KEY_FILE = "cache.key"
KEY_BYTES = 32
TAG_BYTES = 32  # HMAC-SHA256, whole: a tag is per saved value, not per row of data


def state_home() -> Path:
    """``$XDG_STATE_HOME/approval`` (default ``~/.local/state/approval``)."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "approval"


@cache
def _key() -> bytes:
    path = state_home() / KEY_FILE
    try:
        key = path.read_bytes()
        if len(key) == KEY_BYTES and path.stat().st_uid == os.getuid():
            return key
    except OSError:
        pass
    key = secrets.token_bytes(KEY_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_name(f".{KEY_FILE}.{os.getpid()}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, key)
        finally:
            os.close(fd)
        # Two processes making the key at once: the first one linked wins, both then read it.
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink(missing_ok=True)
        stored = path.read_bytes()
        return stored if len(stored) == KEY_BYTES else key
    except OSError:
        return key  # no place for a key: this process trusts only what it saved itself


def tag(context: str, payload: bytes) -> bytes:
    """The tag of ``payload`` saved about ``context``."""
    return hmac.new(_key(), context.encode() + b"\x00" + payload, hashlib.sha256).digest()


def seal(context: str, payload: bytes) -> bytes:
    """``payload`` with its tag in front, to be saved in a cache."""
    return tag(context, payload) + payload


def unseal(context: str, sealed: bytes) -> bytes | None:
    """The payload of a value sealed about ``context`` by this user, or None (absent)."""
    if len(sealed) < TAG_BYTES:
        return None
    payload = sealed[TAG_BYTES:]
    return payload if hmac.compare_digest(sealed[:TAG_BYTES], tag(context, payload)) else None
