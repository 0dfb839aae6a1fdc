"""Signing ledger statements: the signature covers the canonical bytes, fits the entry schema,
and checks with stock ssh-keygen as ``approval audit --export`` will have auditors do."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from approval.signing import PrivateKey, SignatureError, sign_statement, verify_signature
from approval.statements import (
    NAMESPACE,
    STATEMENT_TYPE,
    Envelope,
    signed_bytes,
    validate_envelope,
)
from tests.conftest import KeyPair
from tests.signing.conftest import SshKeygen

Loaded = Callable[..., tuple[KeyPair, PrivateKey]]


def _signoff(**changes: Any) -> dict[str, Any]:
    statement = {
        "type": STATEMENT_TYPE,
        "kind": "signoff",
        "created": "2026-11-21T06:14:44Z",
        "seen_head": "a" * 40,
        "signer": "b.okafor",
        "request": "1" * 64,
        "artifact_sha256": "2" * 64,
        "decision": "approve",
        "role": "privacy-officer",
        "comment": "Zusammenfassung geprüft; 名前は含まれていません",
    }
    return {**statement, **changes}


def test_signed_statement_verifies_and_fits_the_schema(loaded: Loaded, kind: str) -> None:
    _, key = loaded("bob", kind)
    statement = _signoff()
    signature = sign_statement(statement, key, "b.okafor")
    assert signature.signer == "b.okafor"
    assert signature.key == key.public_line
    verify_signature(statement, signature)
    envelope = Envelope(statement, (signature,))
    validate_envelope(envelope.to_dict())
    # Key order does not matter: what is signed is the canonical form.
    verify_signature(dict(reversed(list(statement.items()))), signature)


@pytest.mark.parametrize(
    "change",
    [{"decision": "reject"}, {"role": "senior-official"}, {"seen_head": "b" * 40}, {"extra": 1}],
    ids=["decision", "role", "seen_head", "added field"],
)
def test_any_change_to_the_statement_breaks_its_signature(
    loaded: Loaded, change: dict[str, Any]
) -> None:
    _, key = loaded("bob", "ed25519")
    signature = sign_statement(_signoff(), key, "b.okafor")
    with pytest.raises(SignatureError, match="does not match the signed data"):
        verify_signature(_signoff(**change), signature)


def test_signature_claiming_another_key_fails(loaded: Loaded) -> None:
    _, bob = loaded("bob", "ed25519")
    _, mallory = loaded("mallory", "ed25519")
    statement = _signoff()
    forged = replace(sign_statement(statement, mallory, "b.okafor"), key=bob.public_line)
    with pytest.raises(SignatureError, match=re.escape(f"made with key {mallory.fingerprint},")):
        verify_signature(statement, forged)


def test_exported_statement_verifies_with_ssh_keygen(
    loaded: Loaded, kind: str, ssh_keygen: SshKeygen
) -> None:
    # What audit --export writes: the exact signed bytes, the signature beside them.
    _, key = loaded("bob", kind)
    statement = _signoff()
    signature = sign_statement(statement, key, "b.okafor")
    data = signed_bytes(statement)
    assert ssh_keygen.accepts(signature.key, data, signature.signature, NAMESPACE)
    assert not ssh_keygen.accepts(
        signature.key, signed_bytes(_signoff(role="admin")), signature.signature
    )
