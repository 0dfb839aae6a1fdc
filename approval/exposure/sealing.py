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

The plaintext is ``{"v": 1, "persons": [...]}`` as canonical JSON, sorted, each key once,
compressed: small, and the same persons always make the same plaintext, so that nothing but
the ciphertext's length (the count is in the request's scan summary anyway) depends on them.
age's own file key is random per record, so two records of the same persons share no bytes.

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

VERSION = 1
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


def plaintext(persons: Iterable[str]) -> bytes:
    """The record's plaintext: the sorted distinct identity keys, compressed."""
    document = {"v": VERSION, "persons": sorted(set(persons))}
    raw = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return zlib.compress(raw.encode(), 9)


def encrypt(persons: Iterable[str], public_lines: Sequence[str]) -> bytes:
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
    """The identity keys in a record, with a privacy officer's private key (a file key)."""
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


def _persons(compressed: bytes) -> list[str]:
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
        if document.get("v") != VERSION or not all(isinstance(p, str) for p in persons):
            raise ValueError
    except (ValueError, KeyError, TypeError) as e:
        raise ExposureError("an exposure record is damaged (not a list of persons)") from e
    return list(persons)


def _bare(line: str) -> str:
    """``type base64`` of a roster line (age's parser wants no comment)."""
    return " ".join(line.split()[:2])
