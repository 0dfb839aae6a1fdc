"""Fixtures for the signing tests: keys of every supported kind, loaded once, and the real
``ssh-keygen -Y sign`` / ``-Y verify`` to check our signatures against."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from approval.signing import PrivateKey, key_identity, load_private_key
from approval.signing.ssh_keygen import run_ssh_keygen
from approval.statements import NAMESPACE
from tests.conftest import KeyMaker, KeyPair

KINDS = ("ed25519", "ecdsa", "rsa")


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    """Each supported key kind, as ``make_key`` names it."""
    kind: str = request.param
    return kind


@pytest.fixture(scope="session")
def loaded(make_key: KeyMaker) -> Callable[..., tuple[KeyPair, PrivateKey]]:
    """``loaded(name, kind)``: a key made by ssh-keygen and loaded by us, once per session."""
    cache: dict[tuple[str, str], tuple[KeyPair, PrivateKey]] = {}

    def load(name: str, kind: str = "ed25519") -> tuple[KeyPair, PrivateKey]:
        if (name, kind) not in cache:
            pair = make_key(name, kind)
            cache[name, kind] = (pair, load_private_key(pair.private))
        return cache[name, kind]

    return load


@pytest.fixture(scope="session")
def keygen_file(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """``keygen_file(name, *ssh_keygen_args)``: a private key file ssh-keygen writes with those
    arguments (for the kinds ``make_key`` does not make: PEM files, other sizes and curves)."""
    directory = tmp_path_factory.mktemp("odd-keys")

    def make(name: str, *args: str) -> Path:
        path = directory / name
        if not path.exists():
            done = run_ssh_keygen(["-q", "-C", f"{name}@test", *args, "-f", path])
            assert done.returncode == 0, done.stderr.decode()
        return path

    return make


@dataclass(frozen=True)
class SshKeygen:
    """The real ``ssh-keygen -Y``, working on files in one directory."""

    directory: Path

    def sign(self, key: Path, data: bytes, namespace: str = NAMESPACE, *options: str) -> str:
        message = self.directory / "message"
        message.write_bytes(data)
        signature = message.with_name("message.sig")
        signature.unlink(missing_ok=True)
        extra = [arg for option in options for arg in ("-O", option)]
        done = run_ssh_keygen(["-Y", "sign", "-f", key, "-n", namespace, *extra, message])
        assert done.returncode == 0, done.stderr.decode()
        return signature.read_text()

    def verify(
        self, public_key: str, data: bytes, armored: str, namespace: str = NAMESPACE
    ) -> subprocess.CompletedProcess[bytes]:
        """Verify as an auditor would: an allowed-signers file naming the one expected key."""
        allowed = self.directory / "allowed_signers"
        allowed.write_text(f'signer namespaces="{namespace}" {key_identity(public_key)}\n')
        signature = self.directory / "checked.sig"
        signature.write_text(armored)
        args: list[str | Path] = [
            "-Y",
            "verify",
            "-f",
            allowed,
            "-I",
            "signer",
            "-n",
            namespace,
            "-s",
            signature,
        ]
        return run_ssh_keygen(args, input=data)

    def accepts(
        self, public_key: str, data: bytes, armored: str, namespace: str = NAMESPACE
    ) -> bool:
        return self.verify(public_key, data, armored, namespace).returncode == 0


@pytest.fixture
def ssh_keygen(tmp_path: Path) -> SshKeygen:
    return SshKeygen(tmp_path)
