"""Signatures: SSH signatures (SSHSIG) over statements, made and checked in process.

``sign_statement`` and ``verify_signature`` are what the ledger uses: they sign the statement's
canonical bytes (``approval.statements.signed_bytes``) under the tool's namespace, so that
``ssh-keygen -Y verify -n NAMESPACE`` accepts them too.
"""

from __future__ import annotations

from typing import Any

from approval.signing.keys import (
    KEY_TYPES,
    SUPPORTED,
    KeyFormatError,
    PrivateKey,
    fingerprint,
    key_identity,
    load_private_key,
)
from approval.signing.sshsig import SignatureError, parse, sign, verify
from approval.statements import NAMESPACE, Signature, signed_bytes

__all__ = [
    "KEY_TYPES",
    "SUPPORTED",
    "KeyFormatError",
    "PrivateKey",
    "SignatureError",
    "fingerprint",
    "key_identity",
    "load_private_key",
    "parse",
    "sign",
    "sign_statement",
    "verify",
    "verify_signature",
]


def sign_statement(statement: dict[str, Any], key: PrivateKey, signer: str) -> Signature:
    """``signer``'s signature over ``statement``, made with ``key``."""
    armored = sign(signed_bytes(statement), key, NAMESPACE)
    return Signature(signer=signer, key=key.public_line, signature=armored)


def verify_signature(statement: dict[str, Any], signature: Signature) -> None:
    """Raise ``SignatureError`` unless ``signature`` signs ``statement`` with ``signature.key``.

    This proves only that the holder of ``signature.key`` signed; whether that key belongs to
    ``signature.signer`` and may sign is the roster's question, asked by the caller.
    """
    verify(signed_bytes(statement), signature.signature, signature.key, NAMESPACE)
