"""SSHSIG signatures: interoperability with the real ssh-keygen both ways, and every way a
signature can be wrong failing ours and theirs alike."""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from approval.errors import EXIT_INTEGRITY, IntegrityError
from approval.signing import PrivateKey, SignatureError, fingerprint, sign, verify
from approval.signing._wire import WireError, ssh_string
from approval.signing.sshsig import _read_fields, _sshsig_fields, armor, dearmor
from approval.statements import NAMESPACE
from tests.conftest import KeyPair
from tests.signing.conftest import SshKeygen

Loaded = Callable[..., tuple[KeyPair, PrivateKey]]

DATA = b'{"kind":"request","note":"r\xc3\xa9sum\xc3\xa9"}\n\x00\xff binary too'


def test_our_signature_verifies_with_ssh_keygen(
    loaded: Loaded, kind: str, ssh_keygen: SshKeygen
) -> None:
    pair, key = loaded("alice", kind)
    armored = sign(DATA, key)
    done = ssh_keygen.verify(pair.public, DATA, armored)
    assert done.returncode == 0, done.stderr.decode()
    assert b'Good "approval-ledger-v1@approval.invalid" signature for signer' in done.stdout


@pytest.mark.parametrize("hash_option", [(), ("hashalg=sha512",), ("hashalg=sha256",)])
def test_ssh_keygen_signature_verifies_with_ours(
    loaded: Loaded, kind: str, ssh_keygen: SshKeygen, hash_option: tuple[str, ...]
) -> None:
    pair, _ = loaded("alice", kind)
    armored = ssh_keygen.sign(pair.private, DATA, NAMESPACE, *hash_option)
    verify(DATA, armored, pair.public)  # the .pub line, comment and all


@pytest.mark.parametrize(
    "data", [b"", b"x", DATA, bytes(range(256)) * 300], ids=["empty", "one", "json", "76k"]
)
def test_ed25519_signature_is_byte_identical_to_ssh_keygen(
    loaded: Loaded, ssh_keygen: SshKeygen, data: bytes
) -> None:
    # Ed25519 is deterministic: the same key, data and namespace give the same signature.
    pair, key = loaded("alice", "ed25519")
    assert sign(data, key, "file") == ssh_keygen.sign(pair.private, data, "file")
    assert sign(data, key) == ssh_keygen.sign(pair.private, data, NAMESPACE)


def test_armor_is_wrapped_at_70_columns_like_ssh_keygen(loaded: Loaded) -> None:
    _, key = loaded("alice", "rsa")
    armored = sign(DATA, key)
    lines = armored.split("\n")
    assert lines[0] == "-----BEGIN SSH SIGNATURE-----"
    assert lines[-2:] == ["-----END SSH SIGNATURE-----", ""]
    body = lines[1:-2]
    assert len(body) > 5
    assert all(len(line) == 70 for line in body[:-1])
    assert 0 < len(body[-1]) <= 70


def test_changed_byte_fails_ours_and_theirs(
    loaded: Loaded, kind: str, ssh_keygen: SshKeygen
) -> None:
    pair, key = loaded("alice", kind)
    changed = bytearray(DATA)
    changed[7] ^= 0x01
    for armored in (sign(DATA, key), ssh_keygen.sign(pair.private, DATA)):
        with pytest.raises(SignatureError, match="does not match the signed data"):
            verify(bytes(changed), armored, pair.public)
        assert not ssh_keygen.accepts(pair.public, bytes(changed), armored)
        # The unchanged data still verifies: the failure is the changed byte alone.
        verify(DATA, armored, pair.public)
        assert ssh_keygen.accepts(pair.public, DATA, armored)


def test_wrong_namespace_fails_ours_and_theirs(
    loaded: Loaded, kind: str, ssh_keygen: SshKeygen
) -> None:
    pair, key = loaded("alice", kind)
    for armored in (sign(DATA, key, "git"), ssh_keygen.sign(pair.private, DATA, "git")):
        with pytest.raises(SignatureError, match="namespace 'git', not 'approval-ledger-v1@"):
            verify(DATA, armored, pair.public)
        assert not ssh_keygen.accepts(pair.public, DATA, armored, NAMESPACE)
        verify(DATA, armored, pair.public, "git")


def test_another_key_fails_ours_and_theirs(
    loaded: Loaded, kind: str, ssh_keygen: SshKeygen
) -> None:
    alice, alice_key = loaded("alice", kind)
    bob, _ = loaded("bob", kind)
    for armored in (sign(DATA, alice_key), ssh_keygen.sign(alice.private, DATA)):
        with pytest.raises(SignatureError) as caught:
            verify(DATA, armored, bob.public)
        assert str(caught.value) == (
            f"signature was made with key {fingerprint(alice.public)}, "
            f"not the expected {fingerprint(bob.public)}"
        )
        assert not ssh_keygen.accepts(bob.public, DATA, armored)


def _flip_last_signature_byte(armored: str) -> str:
    blob = bytearray(dearmor(armored))
    blob[-1] ^= 0x40
    return armor(bytes(blob))


GARBLINGS: dict[str, Callable[[str], str]] = {
    "empty": lambda a: "",
    "truncated": lambda a: a[: len(a) // 2],
    "last line lost": lambda a: "\n".join(a.split("\n")[:2] + a.split("\n")[-2:]),
    "no END line": lambda a: a.replace("-----END SSH SIGNATURE-----", ""),
    "no BEGIN line": lambda a: a.replace("-----BEGIN SSH SIGNATURE-----\n", ""),
    "not base64": lambda a: a[:40] + "!" + a[41:],
    "not ASCII": lambda a: a[:40] + "\u00e9" + a[41:],
    "signature byte flipped": _flip_last_signature_byte,
    "trailing bytes": lambda a: armor(dearmor(a) + b"\0"),
    "signature message": lambda a: (
        "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n"
    ),
}


@pytest.mark.parametrize("garble", GARBLINGS.values(), ids=GARBLINGS.keys())
def test_garbled_armor_fails_ours_and_theirs(
    loaded: Loaded, ssh_keygen: SshKeygen, garble: Callable[[str], str]
) -> None:
    pair, key = loaded("alice", "ed25519")
    armored = sign(DATA, key)
    assert ssh_keygen.accepts(pair.public, DATA, armored)
    garbled = garble(armored)
    with pytest.raises(
        SignatureError, match=r"^(malformed SSH signature|signature does not match)"
    ):
        verify(DATA, garbled, pair.public)
    assert not ssh_keygen.accepts(pair.public, DATA, garbled)


def _crafted(
    key: PrivateKey,
    *,
    magic: bytes = b"SSHSIG",
    version: int = 1,
    reserved: bytes = b"",
    hash_name: str = "sha512",
    digest: Callable[[bytes], bytes] = lambda d: hashlib.sha512(d).digest(),
    sign_raw: Callable[[bytes], bytes] | None = None,
) -> str:
    """A signature built field by field, truly signed, with one field off the standard."""
    signed = b"".join(
        (
            b"SSHSIG",
            ssh_string(NAMESPACE.encode()),
            ssh_string(b""),
            ssh_string(hash_name.encode()),
            ssh_string(digest(DATA)),
        )
    )
    if sign_raw is None:
        assert isinstance(key.key, ed25519.Ed25519PrivateKey)
        raw = ssh_string(b"ssh-ed25519") + ssh_string(key.key.sign(signed))
    else:
        raw = sign_raw(signed)
    blob = b"".join(
        (
            magic,
            struct.pack(">I", version),
            ssh_string(key.public_blob),
            ssh_string(NAMESPACE.encode()),
            ssh_string(reserved),
            ssh_string(hash_name.encode()),
            ssh_string(raw),
        )
    )
    return armor(blob)


def test_crafted_standard_signature_is_accepted(loaded: Loaded, ssh_keygen: SshKeygen) -> None:
    # The crafting helper below is right: with nothing off, it makes a good signature.
    pair, key = loaded("alice", "ed25519")
    armored = _crafted(key)
    verify(DATA, armored, pair.public)
    assert armored == sign(DATA, key)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"magic": b"SSHSIH"}, "does not start with SSHSIG"),
        ({"version": 2}, "version 2, not 1"),
        ({"reserved": b"x"}, "reserved field is not empty"),
        (
            {"hash_name": "sha1", "digest": lambda d: hashlib.sha1(d).digest()},  # noqa: S324
            "unsupported hash 'sha1'",
        ),
    ],
    ids=["magic", "version", "reserved", "sha1-hash"],
)
def test_crafted_nonstandard_signatures_are_refused(
    loaded: Loaded, fields: dict[str, Any], message: str
) -> None:
    pair, key = loaded("alice", "ed25519")
    with pytest.raises(SignatureError, match=message):
        verify(DATA, _crafted(key, **fields), pair.public)


def test_rsa_signature_with_sha1_is_refused(loaded: Loaded) -> None:
    # Plain "ssh-rsa" signatures hash with SHA-1; OpenSSH refuses them in SSHSIG, so do we.
    pair, key = loaded("alice", "rsa")
    assert isinstance(key.key, rsa.RSAPrivateKey)
    private = key.key

    def sign_sha1(signed: bytes) -> bytes:
        raw = private.sign(signed, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303
        return ssh_string(b"ssh-rsa") + ssh_string(raw)

    with pytest.raises(SignatureError, match="ssh-rsa signature from an ssh-rsa key"):
        verify(DATA, _crafted(key, sign_raw=sign_sha1), pair.public)


def test_rsa_signature_without_its_leading_zero_still_verifies(loaded: Loaded) -> None:
    # RSA signatures are as long as the modulus; some signers drop leading zero bytes.
    pair, key = loaded("alice", "rsa")
    for n in range(5000):
        data = b"%d" % n
        blob = dearmor(sign(data, key))
        if blob[-384] == 0:  # the first byte of a 3072-bit signature
            break
    else:
        pytest.fail("no signature with a leading zero byte in 5000 tries")
    # Rebuild the signature string around the raw signature without its zero byte.
    head = blob[: -(4 + 4 + 12 + 4 + 384)]
    raw = ssh_string(b"rsa-sha2-512") + ssh_string(blob[-383:])
    shortened = head + ssh_string(raw)
    verify(data, armor(shortened), pair.public)
    with pytest.raises(SignatureError):
        verify(data + b"!", armor(shortened), pair.public)


def test_expected_key_comment_is_ignored_and_garbage_key_refused(
    loaded: Loaded, keygen_file: Callable[..., Path]
) -> None:
    _, key = loaded("alice", "ecdsa")
    armored = sign(DATA, key)
    verify(DATA, armored, key.public_line)
    verify(DATA, armored, key.public_line + " somebody else's comment")
    with pytest.raises(SignatureError, match="cannot check a signature against this key"):
        verify(DATA, armored, "ssh-ed25519")
    with pytest.raises(SignatureError, match="cannot check a signature against this key"):
        verify(DATA, armored, "ecdsa-sha2-nistp256 AAAA")
    dsa = keygen_file("dsa", "-t", "dsa", "-N", "").with_suffix(".pub").read_text()
    with pytest.raises(SignatureError, match="keys of type ssh-dss are not supported"):
        verify(DATA, armored, dsa)


def test_signature_error_is_an_integrity_failure() -> None:
    error = SignatureError("x")
    assert isinstance(error, IntegrityError)
    assert error.exit_code == EXIT_INTEGRITY == 3


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=2048), position=st.integers(min_value=0))
def test_any_data_round_trips_and_any_changed_byte_fails(
    loaded: Loaded, data: bytes, position: int
) -> None:
    pair, key = loaded("alice", "ed25519")
    armored = sign(data, key)
    verify(data, armored, pair.public)
    if data:
        changed = bytearray(data)
        changed[position % len(data)] ^= 0xFF
        with pytest.raises(SignatureError):
            verify(bytes(changed), armored, pair.public)
    with pytest.raises(SignatureError):
        verify(data + b"\n", armored, pair.public)


def _outcome(read: Callable[[Any], Any], value: Any) -> Any:
    try:
        return read(value)
    except (SignatureError, WireError) as e:
        return type(e)


@settings(max_examples=300, deadline=None)
@given(
    cut=st.integers(min_value=0, max_value=400),
    position=st.integers(min_value=0, max_value=400),
    byte=st.integers(min_value=0, max_value=255),
    extra=st.binary(max_size=8),
)
def test_the_one_pass_field_reader_agrees_with_the_careful_one(
    loaded: Loaded, cut: int, position: int, byte: int, extra: bytes
) -> None:
    """Replay reads every signature's fields in one pass; whatever it accepts the field by
    field reader accepts with the same fields, and whatever it refuses that reader refuses
    too, saying why."""
    _, key = loaded("alice", "ed25519")
    blob = dearmor(sign(DATA, key))
    changed = bytearray(blob)
    changed[position % len(blob)] = byte
    for variant in (blob, bytes(changed), blob[:cut], blob + extra, bytes(changed) + extra):
        fast = _sshsig_fields(variant)
        careful = _outcome(_read_fields, variant)
        assert fast == (None if careful is SignatureError else careful)
        if variant == blob:
            assert fast is not None


@settings(max_examples=300, deadline=None)
@given(
    newline=st.sampled_from(["\n", "\r\n"]),
    margin=st.sampled_from(["", " ", "\t", "\n"]),
    width=st.sampled_from([70, 64, 1, 1000]),
    blank=st.booleans(),
    noise=st.sampled_from(["", "!", "=", " ", "\u00e9", "-----END SSH SIGNATURE-----"]),
    position=st.integers(min_value=0, max_value=500),
)
def test_reading_the_armor_as_written_agrees_with_the_tolerant_reading(
    loaded: Loaded, newline: str, margin: str, width: int, blank: bool, noise: str, position: int
) -> None:
    """The armor as ``sign`` and ssh-keygen write it is read in one slice; any other layout
    goes line by line. Both give the same blob, or both refuse."""
    _, key = loaded("alice", "ed25519")
    encoded = armor(dearmor(sign(DATA, key))).split("\n")[1:-2]
    body = "".join(encoded)
    at = position % (len(body) + 1)
    body = body[:at] + noise + body[at:]
    lines = [body[i : i + width] for i in range(0, len(body), width)] + ([""] if blank else [])
    armored = newline.join(
        ["-----BEGIN SSH SIGNATURE-----", *lines, "-----END SSH SIGNATURE-----", ""]
    )
    for variant in (armored, margin + armored + margin):
        # A leading space always takes the line by line reading, which strips it.
        assert _outcome(dearmor, variant) == _outcome(dearmor, " " + variant)
