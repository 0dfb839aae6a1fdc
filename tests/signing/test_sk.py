"""FIDO security-key signatures (``sk-ssh-ed25519@openssh.com``, ``sk-ecdsa-sha2-nistp256@
openssh.com``), verified in process and by ``ssh-keygen -Y verify``.

No hardware: a software key signs what the device would (OpenSSH's PROTOCOL.u2f): sha256 of the
application, the flags byte, the counter, sha256 of the SSHSIG signed data; the signature blob
carries the flags and counter after the signature.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from approval.signing import SignatureError, verify
from approval.signing._wire import ssh_mpint, ssh_string
from approval.signing.sshsig import MAGIC, armor, sk_signed_data
from approval.statements import NAMESPACE
from tests.signing.conftest import SshKeygen
from tests.support import KeyMaker, KeyPair
from tests.world import CAST, World

SK_ED25519 = "sk-ssh-ed25519@openssh.com"
SK_ECDSA = "sk-ecdsa-sha2-nistp256@openssh.com"
USER_PRESENT = 0x01
DATA = b'{"kind":"signoff","request":"3f9c"}'


@dataclass(frozen=True)
class SoftSecurityKey:
    """A FIDO key made in software: signs as the device does."""

    key_type: str
    private: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey
    application: bytes = b"ssh:"

    @property
    def blob(self) -> bytes:
        if isinstance(self.private, ed25519.Ed25519PrivateKey):
            point = self.private.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
            return (
                ssh_string(self.key_type.encode())
                + ssh_string(point)
                + ssh_string(self.application)
            )
        point = self.private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return (
            ssh_string(self.key_type.encode())
            + ssh_string(b"nistp256")
            + ssh_string(point)
            + ssh_string(self.application)
        )

    @property
    def line(self) -> str:
        return f"{self.key_type} {base64.b64encode(self.blob).decode()}"

    def raw_signature(self, signed: bytes, flags: int, counter: int) -> bytes:
        device_data = sk_signed_data(self.application, flags, counter, signed)
        if isinstance(self.private, ed25519.Ed25519PrivateKey):
            inner = self.private.sign(device_data)
        else:
            r, s = decode_dss_signature(self.private.sign(device_data, ec.ECDSA(hashes.SHA256())))
            inner = ssh_mpint(r) + ssh_mpint(s)
        return (
            ssh_string(self.key_type.encode())
            + ssh_string(inner)
            + bytes([flags])
            + struct.pack(">I", counter)
        )

    def sshsig(
        self, data: bytes, namespace: str = NAMESPACE, flags: int = USER_PRESENT, counter: int = 7
    ) -> str:
        digest = hashlib.sha512(data).digest()
        signed = (
            MAGIC
            + ssh_string(namespace.encode())
            + ssh_string(b"")
            + ssh_string(b"sha512")
            + ssh_string(digest)
        )
        blob = (
            MAGIC
            + struct.pack(">I", 1)
            + ssh_string(self.blob)
            + ssh_string(namespace.encode())
            + ssh_string(b"")
            + ssh_string(b"sha512")
            + ssh_string(self.raw_signature(signed, flags, counter))
        )
        return armor(blob)


@pytest.fixture(params=[SK_ED25519, SK_ECDSA])
def security_key(request: pytest.FixtureRequest) -> SoftSecurityKey:
    if request.param == SK_ED25519:
        return SoftSecurityKey(SK_ED25519, ed25519.Ed25519PrivateKey.generate())
    return SoftSecurityKey(SK_ECDSA, ec.generate_private_key(ec.SECP256R1()))


def test_a_touched_signature_verifies_here_and_with_ssh_keygen(
    security_key: SoftSecurityKey, ssh_keygen: SshKeygen
) -> None:
    armored = security_key.sshsig(DATA)
    verify(DATA, armored, security_key.line, NAMESPACE)
    done = ssh_keygen.verify(security_key.line, DATA, armored)
    assert done.returncode == 0, done.stderr.decode()


def test_a_signature_made_without_a_touch_is_refused(security_key: SoftSecurityKey) -> None:
    """Stricter than ``ssh-keygen -Y verify`` (which accepts it, as OpenSSH 9.2 does): a key
    that signs without a touch could be made to sign by malware, unseen by its official.
    The ledger never holds such a signature, so the bundle's ssh-keygen never meets one."""
    armored = security_key.sshsig(DATA, flags=0)
    with pytest.raises(SignatureError, match="does not match"):
        verify(DATA, armored, security_key.line, NAMESPACE)
    # The same bytes with the flag set verify: only the missing touch was refused.
    verify(DATA, security_key.sshsig(DATA, flags=USER_PRESENT), security_key.line, NAMESPACE)


@pytest.mark.parametrize("change", ["data", "counter", "application", "namespace"])
def test_anything_changed_breaks_the_signature(security_key: SoftSecurityKey, change: str) -> None:
    armored = security_key.sshsig(DATA)
    if change == "data":
        with pytest.raises(SignatureError):
            verify(DATA + b" ", armored, security_key.line, NAMESPACE)
        return
    if change == "counter":
        # The counter is signed: a blob whose counter was rewritten fails.
        blob = base64.b64decode("".join(armored.splitlines()[1:-1]))
        forged = armor(blob[:-4] + struct.pack(">I", 8))
        with pytest.raises(SignatureError):
            verify(DATA, forged, security_key.line, NAMESPACE)
        return
    if change == "application":
        other = SoftSecurityKey(security_key.key_type, security_key.private, b"ssh:other")
        with pytest.raises(SignatureError, match="made with key"):
            verify(DATA, armored, other.line, NAMESPACE)
        # Signed for another application and presented with that key: the digest differs.
        with pytest.raises(SignatureError):
            verify(DATA, other.sshsig(DATA), security_key.line, NAMESPACE)
        return
    with pytest.raises(SignatureError, match="namespace"):
        verify(DATA, security_key.sshsig(DATA, "file"), security_key.line, NAMESPACE)


def test_a_plain_key_signature_is_not_a_security_key_signature() -> None:
    """The sk key's curve key signing the data directly (no flags, counter) does not verify."""
    private = ed25519.Ed25519PrivateKey.generate()
    sk = SoftSecurityKey(SK_ED25519, private)
    digest = hashlib.sha512(DATA).digest()
    signed = (
        MAGIC + ssh_string(NAMESPACE.encode()) + ssh_string(b"") + ssh_string(b"sha512")
        + ssh_string(digest)
    )  # fmt: skip
    plain = ssh_string(b"ssh-ed25519") + ssh_string(private.sign(signed))
    blob = (
        MAGIC + struct.pack(">I", 1) + ssh_string(sk.blob) + ssh_string(NAMESPACE.encode())
        + ssh_string(b"") + ssh_string(b"sha512") + ssh_string(plain)
    )  # fmt: skip
    with pytest.raises(SignatureError):
        verify(DATA, armor(blob), sk.line, NAMESPACE)


def test_an_official_with_a_security_key_signs_into_the_ledger_and_the_bundle(
    tmp_path: Path, make_key: KeyMaker
) -> None:
    """A FIDO key in the roster: its sign-off counts, replays, and the audit bundle's
    verify.sh (ssh-keygen alone) accepts it."""
    from approval.demo.synthetic import detention_workbook
    from approval.detect.scan import scan_file
    from approval.ledger import Ledger
    from approval.ledger.session import new_statement
    from approval.policy import default_policy
    from approval.statements import Envelope, Signature, now, signed_bytes
    from approval.trust.summaries import summary_digest

    fido = SoftSecurityKey(SK_ED25519, ed25519.Ed25519PrivateKey.generate())
    world = World(tmp_path, make_key)
    world.keys["f.fido"] = KeyPair(tmp_path / "no-private-file", fido.line + " f.fido@yubikey")
    officials = {who: roles for who, (_, roles) in CAST.items()} | {"f.fido": ("privacy-officer",)}
    keys: list[str | Path] = []
    for admin in ("a.admin", "b.admin"):
        keys += ["--key", world.key(admin).private]
    init = world.run("init", "--policy", world.policy(), "--roster", world.roster(officials), *keys)
    assert init.code == 0, init.output
    workbook = tmp_path / "stats.xlsx"
    detention_workbook(workbook, count=9)
    request = world.request(workbook)
    report = scan_file(workbook, default_policy())
    with Ledger.open(world.ledger) as ledger:
        statement = new_statement(
            "signoff", ledger.head(), now(), signer="f.fido", request=request,
            artifact_sha256=report.sha256, decision="approve", role="privacy-officer",
            rescanned=True, summary_sha256=summary_digest(report.summary()),
        )  # fmt: skip
        armored = fido.sshsig(signed_bytes(statement))
        ledger.append(Envelope(statement, (Signature("f.fido", fido.line, armored),)))
    status = world.run("status", request[:12], "--format", "json")
    assert status.code == 1, status.output
    used = json.loads(status.stdout)["used"]
    assert [(u["signer"], u["role"]) for u in used] == [("f.fido", "privacy-officer")]
    bundle = tmp_path / "bundle"
    exported = world.run("audit", "--export", bundle)
    assert exported.code == 0, exported.output
    checked = subprocess.run(
        ["sh", str(bundle / "verify.sh")], cwd=bundle, capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
