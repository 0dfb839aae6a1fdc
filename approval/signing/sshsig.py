"""SSH signatures in the SSHSIG format that ``ssh-keygen -Y sign`` writes (OpenSSH's
PROTOCOL.sshsig), made and checked in process.

The signature blob is::

    byte[6] "SSHSIG"  uint32 1  string publickey  string namespace  string reserved
    string hash_algorithm  string signature

and what the key signs is::

    byte[6] "SSHSIG"  string namespace  string reserved  string hash_algorithm  string H(message)

The namespace keeps a signature made for one purpose from being valid for another.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import struct
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from approval.errors import IntegrityError
from approval.signing._wire import Reader, WireError, ssh_mpint, ssh_string
from approval.signing.agent import SSH_AGENT_RSA_SHA2_512, AgentKey
from approval.signing.keys import (
    ECDSA_P256,
    ED25519,
    RSA,
    SK_ED25519,
    SK_TYPES,
    KeyFormatError,
    PrivateKey,
    check_public_blob,
    fingerprint,
    key_identity,
)
from approval.statements import NAMESPACE

MAGIC = b"SSHSIG"
VERSION = 1
BEGIN = "-----BEGIN SSH SIGNATURE-----"
END = "-----END SSH SIGNATURE-----"
LINE_WIDTH = 70  # as ssh-keygen wraps its base64
SIGN_HASH = "sha512"  # what ssh-keygen uses; sha256 is accepted on verify
HASHES: dict[str, Callable[[bytes], hashlib._Hash]] = {
    "sha512": hashlib.sha512,
    "sha256": hashlib.sha256,
}
RSA_SIGNATURES = {"rsa-sha2-512": hashes.SHA512, "rsa-sha2-256": hashes.SHA256}
# An RSA-16384 signature armors to under 5 KB; refuse to parse anything far larger.
MAX_ARMORED = 16 * 1024

# A FIDO key signs a digest of its application, flags, counter and the data's digest
# (PROTOCOL.u2f); without the "user present" flag OpenSSH refuses the signature unless the
# allowed-signers line says no-touch-required, and so do we.
SK_USER_PRESENT = 0x01


@dataclass(frozen=True)
class SkKey:
    """A FIDO public key: the curve key and the application it was made for."""

    key_type: str
    key: ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey
    application: bytes


VerifyKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey | SkKey

_SSHSIG_HEADER = MAGIC + struct.pack(">I", VERSION)
_UINT32 = struct.Struct(">I").unpack_from
_ARMOR_HEAD = BEGIN + "\n"
_ARMOR_TAIL = "\n" + END + "\n"
_ED25519_SIGNATURE = ssh_string(ED25519.encode("ascii")) + struct.pack(">I", 64)


class SignatureError(IntegrityError):
    """A signature that is malformed, or does not match the data, key or namespace (exit 3)."""


def sign(data: bytes, key: PrivateKey, namespace: str = NAMESPACE) -> str:
    """The armored SSH signature of ``data``, as ``ssh-keygen -Y sign -n NAMESPACE`` writes it."""
    if not namespace:
        raise ValueError("an SSH signature needs a namespace")
    digest = hashlib.sha512(data).digest()
    signature = _sign_raw(key, _signed_data(namespace, SIGN_HASH, digest))
    blob = b"".join(
        (
            MAGIC,
            struct.pack(">I", VERSION),
            ssh_string(key.public_blob),
            ssh_string(namespace.encode("ascii")),
            ssh_string(b""),
            ssh_string(SIGN_HASH.encode("ascii")),
            ssh_string(signature),
        )
    )
    return armor(blob)


def verify(data: bytes, armored: str, public_key: str, namespace: str = NAMESPACE) -> None:
    """Check that ``armored`` signs ``data`` under ``namespace`` with ``public_key``.

    ``public_key`` is an OpenSSH public key line (its comment is ignored): the signature must
    have been made with exactly that key, never merely "some valid key". Raises
    ``SignatureError`` on any mismatch.
    """
    public_blob, signed_namespace, hash_algorithm, signature = _fields(armored)
    if signed_namespace != namespace:
        raise SignatureError(
            f"signature is for namespace {signed_namespace[:80]!r}, not {namespace!r}"
        )
    try:
        expected_blob, verifier = _line_verifier(public_key)
    except KeyFormatError as e:
        raise SignatureError(f"cannot check a signature against this key: {e}") from e
    if public_blob != expected_blob:
        raise SignatureError(
            f"signature was made with key {fingerprint(public_blob)}, "
            f"not the expected {fingerprint(expected_blob)}"
        )
    hash_function = HASHES.get(hash_algorithm)
    if hash_function is None:
        raise SignatureError(f"signature uses unsupported hash {hash_algorithm[:40]!r}")
    signed = _signed_prefix(namespace, hash_algorithm) + ssh_string(hash_function(data).digest())
    try:
        _verify_raw(verifier, signature, signed)
    except InvalidSignature as e:
        raise SignatureError("signature does not match the signed data") from e
    except WireError as e:
        raise SignatureError(f"malformed SSH signature ({e})") from e


@dataclass(frozen=True)
class ParsedSignature:
    """The fields of an SSHSIG blob; nothing in it is checked against data or key yet."""

    public_blob: bytes
    namespace: str
    hash_algorithm: str
    signature: bytes  # string sig-algorithm, string sig-bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_blob)


def parse(armored: str) -> ParsedSignature:
    """Parse an armored SSH signature; ``SignatureError`` when it is not a well-formed one."""
    return ParsedSignature(*_fields(armored))


def _fields(armored: str) -> tuple[bytes, str, str, bytes]:
    """(public key blob, namespace, hash algorithm, signature) of an armored signature."""
    try:
        blob = dearmor(armored)
    except WireError as e:
        raise SignatureError(f"malformed SSH signature ({e})") from e
    fields = _sshsig_fields(blob)
    if fields is not None:
        return fields
    return _read_fields(blob)  # malformed somewhere: read it field by field to say where


def _read_fields(blob: bytes) -> tuple[bytes, str, str, bytes]:
    """What :func:`_sshsig_fields` reads, field by field; ``SignatureError`` naming the first
    that is wrong."""
    try:
        reader = Reader(blob)
        if reader.raw(len(MAGIC)) != MAGIC:
            raise WireError("does not start with SSHSIG")
        version = reader.uint32()
        if version != VERSION:
            raise WireError(f"version {version}, not {VERSION}")
        public_blob = reader.string()
        namespace = reader.text()
        # ssh-keygen always writes it empty and never reads it; a non-empty one is not ours.
        if reader.string():
            raise WireError("reserved field is not empty")
        hash_algorithm = reader.text()
        signature = reader.string()
        reader.end()
    except WireError as e:
        raise SignatureError(f"malformed SSH signature ({e})") from e
    return public_blob, namespace, hash_algorithm, signature


def armor(blob: bytes) -> str:
    """``-----BEGIN SSH SIGNATURE-----``, base64 in lines of 70, the END line, a newline."""
    encoded = base64.b64encode(blob).decode("ascii")
    lines = [encoded[i : i + LINE_WIDTH] for i in range(0, len(encoded), LINE_WIDTH)]
    return "\n".join((BEGIN, *lines, END)) + "\n"


def _sshsig_fields(blob: bytes) -> tuple[bytes, str, str, bytes] | None:
    """(public key blob, namespace, hash algorithm, signature) of a well-formed SSHSIG blob
    in one pass (replay parses one per statement), or None if anything is off: then
    :func:`_fields` reads it again with :class:`Reader` to name what."""
    if blob[:10] != _SSHSIG_HEADER:
        return None
    # Each string is a uint32 size and that many bytes. A size running past the end leaves a
    # short slice here, and the end check below refuses it; a size field past the end raises.
    try:
        at = 14 + _UINT32(blob, 10)[0]
        public_blob = blob[14:at]
        end = at + 4 + _UINT32(blob, at)[0]
        namespace = blob[at + 4 : end]
        at = end + 4 + _UINT32(blob, end)[0]
        reserved = blob[end + 4 : at]
        end = at + 4 + _UINT32(blob, at)[0]
        hash_algorithm = blob[at + 4 : end]
        at = end + 4 + _UINT32(blob, end)[0]
        signature = blob[end + 4 : at]
    except struct.error:
        return None
    if at != len(blob) or reserved or not (namespace.isascii() and hash_algorithm.isascii()):
        return None
    return public_blob, namespace.decode("ascii"), hash_algorithm.decode("ascii"), signature


def dearmor(armored: str) -> bytes:
    """The blob inside an armored signature (line endings and surrounding blanks tolerated)."""
    if len(armored) > MAX_ARMORED:
        raise WireError("far too long")
    if armored.startswith(_ARMOR_HEAD) and armored.endswith(_ARMOR_TAIL):
        # As sign() and ssh-keygen write it. The same bytes as the tolerant reading below
        # whenever the base64 is clean; anything else is read that way.
        body = armored[len(_ARMOR_HEAD) : -len(_ARMOR_TAIL)]
        if body:
            with contextlib.suppress(ValueError):
                return _b64decode(body.replace("\n", ""))
    lines = [line.strip() for line in armored.strip().splitlines()]
    if len(lines) < 3 or lines[0] != BEGIN or lines[-1] != END:
        raise WireError(f"no {BEGIN} ... {END} block")
    try:
        return _b64decode("".join(lines[1:-1]))
    except ValueError as e:  # binascii.Error, and text that is not ASCII
        raise WireError("not base64") from e


def _b64decode(text: str) -> bytes:
    """``base64.b64decode(text, validate=True)`` without its Python-level wrapper."""
    return binascii.a2b_base64(text, strict_mode=True)


def _signed_data(namespace: str, hash_algorithm: str, digest: bytes) -> bytes:
    return _signed_prefix(namespace, hash_algorithm) + ssh_string(digest)


@lru_cache(maxsize=64)
def _signed_prefix(namespace: str, hash_algorithm: str) -> bytes:
    """What the key signs, up to the message hash: the same for every statement."""
    return b"".join(
        (
            MAGIC,
            ssh_string(namespace.encode("ascii")),
            ssh_string(b""),
            ssh_string(hash_algorithm.encode("ascii")),
        )
    )


def _sign_raw(key: PrivateKey, data: bytes) -> bytes:
    """An SSH signature blob: ``string algorithm, string signature``."""
    private = key.key
    if isinstance(private, AgentKey):
        return _agent_sign(key, private, data)
    if isinstance(private, ed25519.Ed25519PrivateKey):
        return ssh_string(ED25519.encode()) + ssh_string(private.sign(data))
    if isinstance(private, ec.EllipticCurvePrivateKey):
        r, s = decode_dss_signature(private.sign(data, ec.ECDSA(hashes.SHA256())))
        return ssh_string(ECDSA_P256.encode()) + ssh_string(ssh_mpint(r) + ssh_mpint(s))
    signature = private.sign(data, padding.PKCS1v15(), hashes.SHA512())
    return ssh_string(b"rsa-sha2-512") + ssh_string(signature)


def _agent_sign(key: PrivateKey, agent: AgentKey, data: bytes) -> bytes:
    """The agent's signature of ``data``, checked here before it is used."""
    from approval.signing.agent import AgentError

    flags = SSH_AGENT_RSA_SHA2_512 if key.algorithm == RSA else 0
    signature = agent.sign(data, flags)
    try:
        _verify_raw(_line_verifier(key.public_line)[1], signature, data)
    except (InvalidSignature, WireError, KeyFormatError) as e:
        raise AgentError(
            f"ssh-agent returned a signature that does not verify with key {key.fingerprint}"
        ) from e
    return signature


@lru_cache(maxsize=4096)
def _line_verifier(line: str) -> tuple[bytes, VerifyKey]:
    """``_verifier`` by the whole key line as a statement carries it: replay asks for the same
    few lines every time, and a lookup costs less than taking the line apart."""
    return _verifier(key_identity(line))


# Parsing a key costs more than checking an ed25519 signature; a ledger has few keys.
@lru_cache(maxsize=4096)
def _verifier(identity: str) -> tuple[bytes, VerifyKey]:
    """The blob and loaded key of a public key line ``type base64`` (no comment)."""
    key_type, encoded = identity.split(" ")
    try:
        blob = base64.b64decode(encoded, validate=True)
    except binascii.Error as e:
        raise KeyFormatError("public key is not valid base64") from e
    check_public_blob(blob, key_type)
    if key_type in SK_TYPES:
        return blob, _sk_key(blob)
    try:
        key = serialization.load_ssh_public_key(identity.encode("ascii"))
    except (ValueError, TypeError) as e:
        raise KeyFormatError("malformed public key") from e
    if not isinstance(key, ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey):
        raise KeyFormatError(f"keys of type {key_type} are not supported")
    verifier: VerifyKey = key
    return blob, verifier


def _sk_key(blob: bytes) -> SkKey:
    """A FIDO public key blob (already checked by ``check_public_blob``), loaded."""
    reader = Reader(blob)
    key_type = reader.text()
    if key_type == SK_ED25519:
        point = reader.string()
        application = reader.string()
        try:
            return SkKey(key_type, ed25519.Ed25519PublicKey.from_public_bytes(point), application)
        except ValueError as e:
            raise KeyFormatError("malformed public key") from e
    reader.text()  # nistp256
    point = reader.string()
    application = reader.string()
    try:
        curve_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError as e:
        raise KeyFormatError("malformed public key") from e
    return SkKey(key_type, curve_key, application)


def sk_signed_data(application: bytes, flags: int, counter: int, data: bytes) -> bytes:
    """What a FIDO key signs for ``data`` (PROTOCOL.u2f): sha256(application), flags, counter,
    no extensions, sha256(data)."""
    return b"".join(
        (
            hashlib.sha256(application).digest(),
            bytes([flags]),
            struct.pack(">I", counter),
            hashlib.sha256(data).digest(),
        )
    )


def _verify_sk(key: SkKey, signature: bytes, data: bytes) -> None:
    reader = Reader(signature)
    algorithm = reader.text()
    if algorithm != key.key_type:
        raise WireError(f"{algorithm[:40]} signature from an {key.key_type} key")
    raw = reader.string()
    flags = reader.raw(1)[0]
    counter = reader.uint32()
    reader.end()
    if not flags & SK_USER_PRESENT:
        raise InvalidSignature  # made without a touch: OpenSSH refuses it too
    signed = sk_signed_data(key.application, flags, counter, data)
    if isinstance(key.key, ed25519.Ed25519PublicKey):
        key.key.verify(raw, signed)
        return
    numbers = Reader(raw)
    r, s = numbers.mpint(), numbers.mpint()
    numbers.end()
    key.key.verify(encode_dss_signature(r, s), signed, ec.ECDSA(hashes.SHA256()))


def _verify_raw(key: VerifyKey, signature: bytes, data: bytes) -> None:
    """Raise ``InvalidSignature`` or ``WireError`` unless ``key`` signed ``data``."""
    if isinstance(key, SkKey):
        _verify_sk(key, signature, data)
        return
    if (
        len(signature) == len(_ED25519_SIGNATURE) + 64
        and signature.startswith(_ED25519_SIGNATURE)
        and isinstance(key, ed25519.Ed25519PublicKey)
    ):
        # string "ssh-ed25519", then a string of 64 bytes: what the reading below accepts
        # for an ed25519 key, read in one slice (replay checks one per statement).
        key.verify(signature[len(_ED25519_SIGNATURE) :], data)
        return
    reader = Reader(signature)
    algorithm = reader.text()
    raw = reader.string()
    reader.end()
    if isinstance(key, ed25519.Ed25519PublicKey):
        if algorithm != ED25519:
            raise WireError(f"{algorithm[:40]} signature from an {ED25519} key")
        key.verify(raw, data)
    elif isinstance(key, ec.EllipticCurvePublicKey):
        if algorithm != ECDSA_P256:
            raise WireError(f"{algorithm[:40]} signature from an {ECDSA_P256} key")
        numbers = Reader(raw)
        r, s = numbers.mpint(), numbers.mpint()
        numbers.end()
        key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
    else:
        # Plain "ssh-rsa" signatures hash with SHA-1, which OpenSSH refuses too.
        hash_class = RSA_SIGNATURES.get(algorithm)
        if hash_class is None:
            raise WireError(f"{algorithm[:40]} signature from an {RSA} key")
        size = (key.key_size + 7) // 8
        if len(raw) > size:
            raise InvalidSignature
        # Some signers drop leading zero bytes; OpenSSH pads them back, and so do we.
        key.verify(raw.rjust(size, b"\0"), data, padding.PKCS1v15(), hash_class())
