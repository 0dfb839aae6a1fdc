"""Who an export exposed, readable by the privacy officers only: age encryption to their SSH keys.

An exposure record lists the identity keys of the persons a file holds (an A-number; else a
name with a birthdate; else a name with a facility), so that after a leak the privacy office can
find every export that exposed a person, and notify them. Nobody else may read it: the ledger is
cloned by every publisher, and a 9-digit A-number space is small enough to try in full against
any plain or unkeyed hash. So the record is encrypted, never hashed: age (https://age-encryption.org,
through ``pyrage``) to the SSH public keys the roster in force gives the privacy officers
(``ssh-ed25519`` and ``ssh-rsa``; age has no ECDSA recipient, which the roster check says).
A publisher's client encrypts to keys it only has the public half of, and cannot decrypt what it
wrote: only the ciphertext and its sha256 leave the client.

The plaintext is ``{"v": 2, "persons": [["A012345678", "N:garcia maria|B:1990-04-02"], ...]}``
as canonical JSON: one list per person, their strongest key first, then every other key the
file linked to them (``FileReport.identity_groups``), so that a query by the A-number or by the
name with the birthdate finds the same export; sorted, each person once, compressed: small,
and the same persons always make the same plaintext, so that nothing but the ciphertext's
length (the count is in the request's scan summary anyway) depends on them.
age's own file key is random per record, so two records of the same persons share no bytes.
Version 1 records (``{"v": 1, "persons": ["A012345678", ...]}``: the strongest key only) are
still read, each person a group of one.

Decryption needs the officer's private key in a file (age reads no ssh-agent): a key held in
hardware can sign but not decrypt, so a privacy officer who reads exposure records keeps an
``ssh-ed25519`` file key for it (README, "Exposure records").
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Sequence

from approval.errors import UsageError
from approval.signing import PrivateKey

VERSION = 2
_READABLE = (1, 2)
Group = tuple[str, ...]  # one person's keys, strongest first
# A record decompresses to at most this much: 2.64 million persons of ~40 bytes fit, and a
# record made to expand without end (a compression bomb signed by a rogue client) stops here.
MAX_PLAINTEXT = 256 * 1024 * 1024
AGE_SSH_TYPES = ("ssh-ed25519", "ssh-rsa")


class ExposureError(UsageError):
    """A record that cannot be made or read (exit 2): never a person's data in the message."""


def recipients_usable(public_lines: Iterable[str]) -> tuple[list[str], list[str]]:
    """The roster keys age can encrypt to, and those it cannot (by type)."""
    usable: list[str] = []
    unusable: list[str] = []
    for line in public_lines:
        (usable if line.split(" ", 1)[0] in AGE_SSH_TYPES else unusable).append(line)
    return usable, unusable


def groups(persons: Iterable[str | Sequence[str]]) -> list[Group]:
    """Each person once (by their strongest key, their other keys merged), sorted: a key
    alone is a person known by that key only."""
    merged: dict[str, set[str]] = {}
    for person in persons:
        first, *more = (person,) if isinstance(person, str) else person
        merged.setdefault(first, set()).update(more)
    return [(first, *sorted(more - {first})) for first, more in sorted(merged.items())]


def plaintext(persons: Iterable[str | Sequence[str]]) -> bytes:
    """The record's plaintext: each person's keys (``groups``), compressed."""
    document = {"v": VERSION, "persons": [list(g) for g in groups(persons)]}
    raw = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return zlib.compress(raw.encode(), 9)


def encrypt(persons: Iterable[str | Sequence[str]], public_lines: Sequence[str]) -> bytes:
    """Encrypt ``persons`` to every usable key in ``public_lines`` (the privacy officers')."""
    import pyrage

    usable, _ = recipients_usable(public_lines)
    if not usable:
        raise ExposureError(
            "no privacy officer in the roster has a key that exposure records can be "
            "encrypted to (ssh-ed25519 or ssh-rsa)",
            hint="add an ssh-ed25519 key for a privacy officer to the roster",
        )
    try:
        recipients = [pyrage.ssh.Recipient.from_str(_bare(line)) for line in usable]
        return bytes(pyrage.encrypt(plaintext(persons), recipients))
    except (pyrage.RecipientError, pyrage.EncryptError) as e:
        raise ExposureError(f"cannot encrypt an exposure record: {e}") from e


def decrypt(ciphertext: bytes, key: PrivateKey) -> list[str]:
    """The persons in a record, each by their strongest identity key, with a privacy
    officer's private key (a file key)."""
    return [g[0] for g in decrypt_groups(ciphertext, key)]


def decrypt_groups(ciphertext: bytes, key: PrivateKey) -> list[Group]:
    """The persons in a record, each with all their identity keys, strongest first."""
    import pyrage
    from cryptography.hazmat.primitives import serialization

    if key.in_agent:
        raise ExposureError(
            f"key {key.source or key.fingerprint} is held by ssh-agent, which cannot decrypt",
            hint="use the privacy officer's key file (--key PATH) to read exposure records",
        )
    secret = key.key.private_bytes(  # type: ignore[union-attr]
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )
    try:
        identity = pyrage.ssh.Identity.from_buffer(secret)
        compressed = bytes(pyrage.decrypt(ciphertext, [identity]))
    except (pyrage.IdentityError, pyrage.DecryptError) as e:
        raise ExposureError(
            "this key cannot read the exposure record (it was encrypted to other keys, or "
            "it is damaged)"
        ) from e
    return _persons(compressed)


def _persons(compressed: bytes) -> list[Group]:
    inflate = zlib.decompressobj()
    try:
        raw = inflate.decompress(compressed, MAX_PLAINTEXT)
    except zlib.error as e:
        raise ExposureError("an exposure record is damaged (not compressed data)") from e
    if inflate.unconsumed_tail:
        raise ExposureError(f"an exposure record expands past {MAX_PLAINTEXT} bytes")
    try:
        document = json.loads(raw)
        persons = document["persons"]
        version = document.get("v")
        if version not in _READABLE or not isinstance(persons, list):
            raise ValueError
        found = [(p,) if version == 1 else tuple(p) for p in persons]
        if not all(g and all(isinstance(k, str) for k in g) for g in found):
            raise ValueError
    except (ValueError, KeyError, TypeError) as e:
        raise ExposureError("an exposure record is damaged (not a list of persons)") from e
    return found


def _bare(line: str) -> str:
    """``type base64`` of a roster line (age's parser wants no comment)."""
    return " ".join(line.split()[:2])
