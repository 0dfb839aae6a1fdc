"""A client of ``ssh-agent`` (draft-miller-ssh-agent; OpenSSH's PROTOCOL.agent), in process.

Officials keep keys where they cannot be copied: in ``ssh-agent``, which also fronts PKCS#11
smart cards (PIV) and FIDO keys. The tool asks the agent at ``$SSH_AUTH_SOCK`` for its keys
(``SSH_AGENTC_REQUEST_IDENTITIES``) and for a signature (``SSH_AGENTC_SIGN_REQUEST``); the key
never leaves the agent. Every message is ``uint32 length, byte type, contents``.

The agent signs whatever bytes it is handed: ``sshsig.sign`` hands it the SSHSIG "signed data"
(magic, namespace, hash), exactly what ``ssh-keygen -Y sign`` hands it, so the result is an
ordinary SSH signature. A reply is checked before it is used: a misbehaving agent must not put
a signature into the ledger that fails verification later.
"""

from __future__ import annotations

import os
import socket
import struct
from dataclasses import dataclass

from approval.errors import UsageError
from approval.signing._wire import Reader, WireError, ssh_string

SSH_AGENT_FAILURE = 5
SSH_AGENTC_REQUEST_IDENTITIES = 11
SSH_AGENT_IDENTITIES_ANSWER = 12
SSH_AGENTC_SIGN_REQUEST = 13
SSH_AGENT_SIGN_RESPONSE = 14
SSH_AGENT_RSA_SHA2_512 = 4
ENV = "SSH_AUTH_SOCK"
# An agent that asks for confirmation (ssh-add -c) or a touch of a hardware key waits for a
# person; long enough for that, not forever.
TIMEOUT_S = 120.0
# OpenSSH's agent refuses messages over 256 KiB; a reply larger than that is not an agent's.
MAX_MESSAGE = 256 * 1024


class AgentError(UsageError):
    """The agent is missing, unreachable, or refused (exit 2): the user can fix it."""


@dataclass(frozen=True)
class Identity:
    """A key the agent holds: its public key blob and the comment ``ssh-add`` gave it."""

    blob: bytes
    comment: str


def socket_path(env: dict[str, str] | None = None) -> str:
    """``$SSH_AUTH_SOCK``, or ``AgentError`` saying how to start an agent."""
    path = (env if env is not None else os.environ).get(ENV, "")
    if not path:
        raise AgentError(
            f"no ssh-agent: ${ENV} is not set",
            hint="start one (eval $(ssh-agent)) and `ssh-add` your key, or give the private key "
            "file with --key",
        )
    return path


def _exchange(path: str, message_type: int, body: bytes) -> tuple[int, bytes]:
    """Send one request, read one reply: its type and contents."""
    request = bytes([message_type]) + body
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(TIMEOUT_S)
            conn.connect(path)
            conn.sendall(struct.pack(">I", len(request)) + request)
            size = struct.unpack(">I", _receive(conn, 4))[0]
            if not 0 < size <= MAX_MESSAGE:
                raise AgentError(f"ssh-agent at {path} sent a reply of {size} bytes")
            reply = _receive(conn, size)
    except TimeoutError as e:
        raise AgentError(f"ssh-agent at {path} did not answer within {TIMEOUT_S:g} s") from e
    except OSError as e:
        raise AgentError(
            f"cannot reach ssh-agent at {path}: {e.strerror or e}",
            hint=f"is the agent running? check ${ENV}",
        ) from e
    return reply[0], reply[1:]


def _receive(conn: socket.socket, size: int) -> bytes:
    chunks: list[bytes] = []
    left = size
    while left:
        chunk = conn.recv(min(left, 65536))
        if not chunk:
            raise AgentError("ssh-agent closed the connection in the middle of a reply")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def identities(path: str) -> tuple[Identity, ...]:
    """The keys the agent at ``path`` holds."""
    kind, body = _exchange(path, SSH_AGENTC_REQUEST_IDENTITIES, b"")
    if kind != SSH_AGENT_IDENTITIES_ANSWER:
        raise AgentError(f"ssh-agent at {path} refused to list its keys")
    try:
        reader = Reader(body)
        found = []
        for _ in range(reader.uint32()):
            blob = reader.string()
            comment = reader.string().decode("utf-8", "replace")
            found.append(Identity(blob, comment))
        reader.end()
    except WireError as e:
        raise AgentError(f"ssh-agent at {path} sent a malformed list of keys ({e})") from e
    return tuple(found)


def sign(path: str, blob: bytes, data: bytes, flags: int = 0) -> bytes:
    """The agent's SSH signature blob (``string algorithm, string signature[, ...]``) of
    ``data`` with the key ``blob``."""
    kind, body = _exchange(
        path,
        SSH_AGENTC_SIGN_REQUEST,
        ssh_string(blob) + ssh_string(data) + struct.pack(">I", flags),
    )
    if kind == SSH_AGENT_FAILURE:
        raise AgentError(
            f"ssh-agent at {path} refused to sign",
            hint="was the confirmation declined, the key locked, or the hardware key not touched?",
        )
    if kind != SSH_AGENT_SIGN_RESPONSE:
        raise AgentError(f"ssh-agent at {path} sent an unexpected reply ({kind})")
    try:
        reader = Reader(body)
        signature = reader.string()
        reader.end()
    except WireError as e:
        raise AgentError(f"ssh-agent at {path} sent a malformed signature ({e})") from e
    return signature


@dataclass(frozen=True)
class AgentKey:
    """A key held by the agent at ``path``: signs there, never loaded here."""

    path: str
    blob: bytes

    def sign(self, data: bytes, flags: int = 0) -> bytes:
        return sign(self.path, self.blob, data, flags)


def find(path: str, blob: bytes) -> AgentKey | None:
    """The agent's key whose public key is ``blob``, or None when it does not hold it."""
    if any(identity.blob == blob for identity in identities(path)):
        return AgentKey(path, blob)
    return None
