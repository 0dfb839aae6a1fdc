"""What a privacy officer's private key gives beyond decrypting records: the keys of their local
index, which nobody without that private key can make.

The index (``approval.exposure.index``) finds a person's exports without decrypting every
record. It lives in the officer's cache directory, but a cache directory is not a safe place
(``approval.ledger.sealed``): so it is encrypted, and the persons in it are looked up by a
keyed fingerprint (HMAC-SHA256), both under keys derived (HKDF-SHA256) from the officer's
private key. Its bytes hold nothing a publisher, or anyone who copies the file, can test an
A-number against: without the private key there is no HMAC key to try candidates with.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from approval.exposure.sealing import AGE_SSH_TYPES, ExposureError
from approval.signing import PrivateKey

FINGERPRINT_BYTES = 12  # 96 bits: a collision among 10^7 persons is ~10^-14 likely
_INFO = b"approval exposure index v1"


@dataclass(frozen=True)
class OfficerKeys:
    """The index keys of one officer key: ``seal`` (ChaCha20-Poly1305) and ``person`` (HMAC)."""

    key_fingerprint: str  # the public key's SHA256:... (public: names which key, not the keys)
    seal: bytes = field(repr=False)
    person: bytes = field(repr=False)

    def fingerprint(self, person: str) -> bytes:
        """The keyed fingerprint of one identity key (``A012345678``, ``N:...|B:...``)."""
        return hmac.new(self.person, person.encode(), hashlib.sha256).digest()[:FINGERPRINT_BYTES]


def usable_key(key: PrivateKey) -> None:
    """``ExposureError`` (exit 2) unless ``key`` can read exposure records at all."""
    if key.in_agent:
        raise ExposureError(
            "this key cannot read exposure records: it is held by ssh-agent, which cannot decrypt",
            hint="give the privacy officer's key file with --key PATH",
        )
    if key.algorithm not in AGE_SSH_TYPES:
        raise ExposureError(
            f"this key cannot read exposure records: {key.algorithm} keys cannot decrypt them",
            hint="records are encrypted to the privacy officers' ssh-ed25519 or ssh-rsa keys",
        )


def officer_keys(key: PrivateKey) -> OfficerKeys:
    """The index keys derived from ``key``'s private half (``ExposureError`` when unusable)."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    usable_key(key)
    private = key.key
    if isinstance(private, ed25519.Ed25519PrivateKey):
        secret = private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
    elif isinstance(private, rsa.RSAPrivateKey):
        d = private.private_numbers().d
        secret = d.to_bytes((d.bit_length() + 7) // 8, "big")
    else:  # pragma: no cover - usable_key refused the other types
        raise ExposureError("this key cannot read exposure records")
    material = HKDF(algorithm=hashes.SHA256(), length=64, salt=key.public_blob, info=_INFO).derive(
        secret
    )
    return OfficerKeys(key.fingerprint, material[:32], material[32:])
