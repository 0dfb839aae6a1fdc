"""Signing with a key held in a real ``ssh-agent`` (started per module with ``-D -a SOCK``),
chosen by its ``.pub`` file; the signatures are ordinary SSHSIG that ``ssh-keygen`` accepts."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from approval.errors import EXIT_USAGE, UsageError
from approval.signing import load_private_key, sign, verify
from approval.signing.agent import AgentError, identities
from approval.statements import NAMESPACE
from tests.signing.conftest import SshKeygen
from tests.support import KeyMaker

DATA = b'{"kind":"request"}'


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A real ssh-agent listening on a socket of its own; stopped after the module."""
    if shutil.which("ssh-agent") is None:
        pytest.skip("ssh-agent is not installed")
    sock = tmp_path_factory.mktemp("agent") / "sock"
    process = subprocess.Popen(
        ["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(200):
            if sock.exists():
                break
            time.sleep(0.01)
        assert sock.exists(), "ssh-agent did not start"
        yield sock
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


def add(agent: Path, private: Path) -> None:
    done = subprocess.run(
        ["ssh-add", "-q", str(private)],
        env={**os.environ, "SSH_AUTH_SOCK": str(agent)},
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()


@pytest.fixture
def with_agent(agent: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SSH_AUTH_SOCK", str(agent))
    return agent


@pytest.mark.parametrize("kind", ["ed25519", "ecdsa", "rsa"])
def test_a_key_in_the_agent_signs_what_ssh_keygen_verifies(
    with_agent: Path, make_key: KeyMaker, ssh_keygen: SshKeygen, kind: str
) -> None:
    pair = make_key("agent-user", kind)
    add(with_agent, pair.private)
    key = load_private_key(pair.public_path)
    assert key.in_agent
    armored = sign(DATA, key, NAMESPACE)
    verify(DATA, armored, pair.public, NAMESPACE)
    done = ssh_keygen.verify(pair.public, DATA, armored)
    assert done.returncode == 0, done.stderr.decode()


def test_ed25519_through_the_agent_is_byte_identical_to_the_key_file(
    with_agent: Path, make_key: KeyMaker
) -> None:
    pair = make_key("agent-identical")
    add(with_agent, pair.private)
    from_agent = sign(DATA, load_private_key(pair.public_path), NAMESPACE)
    from_file = sign(DATA, load_private_key(pair.private), NAMESPACE)
    assert from_agent == from_file


def test_the_agent_lists_what_was_added(with_agent: Path, make_key: KeyMaker) -> None:
    pair = make_key("agent-listed")
    add(with_agent, pair.private)
    comments = {identity.comment for identity in identities(str(with_agent))}
    assert "agent-listed@test" in comments


def test_a_key_the_agent_does_not_hold(with_agent: Path, make_key: KeyMaker) -> None:
    pair = make_key("never-added")
    with pytest.raises(AgentError, match=r"ssh-agent does not hold key .*never-added") as caught:
        load_private_key(pair.public_path)
    assert caught.value.exit_code == EXIT_USAGE
    assert "ssh-add" in (caught.value.hint or "")


def test_no_agent(make_key: KeyMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    with pytest.raises(UsageError, match=r"^no ssh-agent: \$SSH_AUTH_SOCK is not set$"):
        load_private_key(make_key("alice").public_path)


def test_an_agent_that_is_gone(
    make_key: KeyMaker, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SSH_AUTH_SOCK", str(tmp_path / "no-such-socket"))
    with pytest.raises(UsageError, match=r"^cannot reach ssh-agent at .*no-such-socket"):
        load_private_key(make_key("alice").public_path)


def test_a_private_key_readable_by_others_is_used_with_a_warning(
    make_key: KeyMaker, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = make_key("careless").private
    exposed = tmp_path / "id_ed25519"
    exposed.write_bytes(source.read_bytes())
    exposed.chmod(0o644)
    key = load_private_key(exposed)
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("warning: UNPROTECTED PRIVATE KEY FILE: ")
    assert "(mode 0644)" in err and f"chmod 600 {exposed}" in err
    assert key.public_line == load_private_key(source).public_line
    assert capsys.readouterr().err == ""  # the 0600 original: no warning


def test_an_official_signs_through_the_agent_from_the_command_line(
    with_agent: Path, tmp_path: Path, make_key: KeyMaker
) -> None:
    """`approval sign --key id.pub`: the agent signs, the ledger verifies and counts it."""
    import json

    from approval.demo.synthetic import detention_workbook
    from tests.world import World

    world = World(tmp_path, make_key)
    assert world.init().code == 0
    workbook = tmp_path / "stats.xlsx"
    detention_workbook(workbook, count=6)
    request = world.request(workbook)
    add(with_agent, world.key("o.privacy").private)
    signed = world.run("sign", request, "--yes", "--key", world.key("o.privacy").public_path)
    assert signed.code == 0, signed.output
    status = world.run("status", request[:12], "--format", "json")
    used = json.loads(status.stdout)["used"]
    assert [(u["signer"], u["role"]) for u in used] == [("o.privacy", "privacy-officer")]


class MisbehavingAgent:
    """An agent that holds one key and answers every sign request with ``reply``: the agent
    protocol spoken by a small server of our own, for what a real agent will not do."""

    def __init__(self, path: Path, blob: bytes, reply: bytes) -> None:
        import socket
        import threading

        self.path = path
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(str(path))
        self.server.listen()
        self.blob = blob
        self.reply = reply
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        import struct

        from approval.signing._wire import ssh_string

        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                size = struct.unpack(">I", conn.recv(4))[0]
                request = b""
                while len(request) < size:
                    request += conn.recv(size - len(request))
                if request[0] == 11:  # SSH_AGENTC_REQUEST_IDENTITIES
                    body = bytes([12]) + struct.pack(">I", 1) + ssh_string(self.blob)
                    body += ssh_string(b"fake")
                else:
                    body = self.reply
                conn.sendall(struct.pack(">I", len(body)) + body)

    def close(self) -> None:
        self.server.close()


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (bytes([5]), "refused to sign"),  # SSH_AGENT_FAILURE
        (
            bytes([14]) + b"\0\0\0\x53" + b"\0\0\0\x0bssh-ed25519" + b"\0\0\0\x40" + bytes(64),
            "returned a signature that does not verify",
        ),
        (bytes([14]) + b"\0\0\0\xff", "sent a malformed signature"),
    ],
    ids=["refused", "wrong signature", "malformed"],
)
def test_an_agent_that_misbehaves_never_yields_a_signature(
    make_key: KeyMaker, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, reply: bytes, message: str
) -> None:
    pair = make_key("fooled")
    blob = load_private_key(pair.private).public_blob
    fake = MisbehavingAgent(tmp_path / "agent.sock", blob, reply)
    try:
        monkeypatch.setenv("SSH_AUTH_SOCK", str(fake.path))
        key = load_private_key(pair.public_path)
        with pytest.raises(AgentError, match=message):
            sign(DATA, key, NAMESPACE)
    finally:
        fake.close()
