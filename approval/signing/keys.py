"""SSH keys: loading a private key file to sign with, and naming public keys.

Supported: ed25519, ecdsa-sha2-nistp256 and RSA of 2048 bits or more (signing rsa-sha2-512),
the key types the roster schema accepts. Private keys come from OpenSSH key files (what
``ssh-keygen`` writes) or PEM files that ``cryptography`` reads, optionally passphrase-protected.

Nothing here ever puts key material or a passphrase into a message.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from approval.errors import UsageError
from approval.signing._wire import Reader, WireError
from approval.signing.agent import AgentKey

# What cryptography may hand back for a key file: its SSH loader's types (which grew in 51 to
# include hybrid post-quantum keys) and its PEM loader's. We accept a few of them.
AnyPrivateKey = PrivateKeyTypes | serialization.SSHPrivateKeyTypes

ED25519 = "ssh-ed25519"
ECDSA_P256 = "ecdsa-sha2-nistp256"
RSA = "ssh-rsa"
# FIDO security keys (OpenSSH's PROTOCOL.u2f): they sign only through ssh-agent or ssh-keygen
# with the hardware present; the tool verifies their signatures in process.
SK_ED25519 = "sk-ssh-ed25519@openssh.com"
SK_ECDSA_P256 = "sk-ecdsa-sha2-nistp256@openssh.com"
SK_TYPES = (SK_ED25519, SK_ECDSA_P256)
KEY_TYPES = (ED25519, ECDSA_P256, RSA, *SK_TYPES)
MIN_RSA_BITS = 2048
SUPPORTED = (
    f"{ED25519}, {ECDSA_P256}, {RSA} of {MIN_RSA_BITS} bits or more, or a FIDO key "
    f"({SK_ED25519}, {SK_ECDSA_P256}) held in ssh-agent"
)

SigningKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

_OPENSSH_BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----"
_OPENSSH_END = "-----END OPENSSH PRIVATE KEY-----"
_OPENSSH_MAGIC = b"openssh-key-v1\0"
_PEM_PRIVATE = re.compile(r"-----BEGIN (?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY-----")
_PUBLIC_STARTS = ("ssh-", "ecdsa-", "sk-", "-----BEGIN SSH2 PUBLIC KEY", "-----BEGIN PUBLIC KEY")
# A private key file is a few kilobytes; anything much larger is not one, so never read it all.
_MAX_KEY_FILE = 1 << 20
_PROMPT_TRIES = 3


class KeyFormatError(ValueError):
    """A public key that is malformed or of an unsupported type; ``str()`` says which."""


def key_identity(line: str) -> str:
    """An OpenSSH public key line without its comment: ``type base64``."""
    parts = line.split()
    if len(parts) < 2:
        raise KeyFormatError("not an OpenSSH public key line ('type base64 [comment]')")
    return f"{parts[0]} {parts[1]}"


def public_key_blob(line: str) -> bytes:
    """The wire-format blob of a supported public key line (checked, comment ignored)."""
    key_type, encoded = key_identity(line).split(" ")
    try:
        blob = base64.b64decode(encoded, validate=True)
    except binascii.Error as e:
        raise KeyFormatError("public key is not valid base64") from e
    check_public_blob(blob, key_type)
    return blob


def check_public_blob(blob: bytes, claimed_type: str | None = None) -> str:
    """The type of a supported public key blob; ``KeyFormatError`` when malformed or unsupported.

    Parsed by hand, before ``cryptography`` sees it, so that a DSA or security-key blob is
    named in the message instead of failing somewhere deeper.
    """
    reader = Reader(blob)
    try:
        key_type = reader.text()
        if claimed_type is not None and key_type != claimed_type:
            raise KeyFormatError(f"public key says {claimed_type} but holds a {key_type} key")
        if key_type == ED25519:
            if len(reader.string()) != 32:
                raise KeyFormatError("ed25519 public key is not 32 bytes")
        elif key_type == ECDSA_P256:
            if reader.text() != "nistp256":
                raise KeyFormatError(f"{ECDSA_P256} public key names another curve")
            reader.string()
        elif key_type == RSA:
            reader.mpint()
            bits = reader.mpint().bit_length()
            if bits < MIN_RSA_BITS:
                raise KeyFormatError(f"an RSA key of {bits} bits is too short (use {SUPPORTED})")
        elif key_type == SK_ED25519:
            if len(reader.string()) != 32:
                raise KeyFormatError("ed25519 public key is not 32 bytes")
            reader.text()  # the FIDO application, "ssh:" unless chosen otherwise
        elif key_type == SK_ECDSA_P256:
            if reader.text() != "nistp256":
                raise KeyFormatError(f"{SK_ECDSA_P256} public key names another curve")
            reader.string()
            reader.text()
        else:
            raise KeyFormatError(f"keys of type {key_type} are not supported (use {SUPPORTED})")
        reader.end()
    except WireError as e:
        raise KeyFormatError(f"malformed public key ({e})") from e
    return key_type


def fingerprint(line_or_blob: str | bytes) -> str:
    """``SHA256:...``, as ``ssh-keygen -l`` prints it: names a key without showing it."""
    blob = line_or_blob if isinstance(line_or_blob, bytes) else _decode_line(line_or_blob)
    digest = base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii")
    return "SHA256:" + digest.rstrip("=")


def _decode_line(line: str) -> bytes:
    try:
        return base64.b64decode(key_identity(line).split(" ")[1], validate=True)
    except binascii.Error as e:
        raise KeyFormatError("public key is not valid base64") from e


@dataclass(frozen=True)
class PrivateKey:
    """A key ready to sign: in memory, or held by ssh-agent (``AgentKey``). Its repr and
    equality use the public side only."""

    key: SigningKey | AgentKey = field(repr=False, compare=False)
    public_line: str  # "type base64", no comment: what statements and rosters compare
    source: str = field(default="", compare=False)  # where it was loaded from, for messages
    public_blob: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "public_blob", public_key_blob(self.public_line))

    @property
    def algorithm(self) -> str:
        """The key type: ``ssh-ed25519``, ``ecdsa-sha2-nistp256`` or ``ssh-rsa``."""
        return self.public_line.split(" ", 1)[0]

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_blob)

    @property
    def in_agent(self) -> bool:
        return isinstance(self.key, AgentKey)

    @classmethod
    def from_key(cls, key: AnyPrivateKey, source: str = "") -> PrivateKey:
        """Wrap a ``cryptography`` private key; ``UsageError`` when its type is not supported."""
        where = source or "(in memory)"
        key = _signing_key(key, where)
        line = key.public_key().public_bytes(
            serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
        )
        try:
            return cls(key, line.decode("ascii"), source)
        except KeyFormatError as e:
            raise UsageError(f"key {where}: {e}") from e


def load_private_key(
    path: Path, *, passphrase_env: str | None = None, interactive: bool | None = None
) -> PrivateKey:
    """Load a private key file to sign with.

    A passphrase-protected key takes its passphrase from the environment variable named by
    ``passphrase_env`` when given, else asks on the terminal (``interactive``; ``None`` means
    "when standard input is a terminal"), else fails with a ``UsageError`` that says how.
    """
    path = Path(path)
    text = _read_key_text(path)
    asker = _Passphrases(path, passphrase_env, interactive)
    if text.startswith(_OPENSSH_BEGIN):
        warn_if_unprotected(path)
        key = _load_openssh(path, text, asker)
    elif _PEM_PRIVATE.match(text):
        warn_if_unprotected(path)
        key = _load_pem(path, text.encode("ascii"), asker)
    elif text.startswith(_PUBLIC_STARTS):
        return agent_key(path, text)
    else:
        raise UsageError(f"key {path} is not an SSH private key")
    return PrivateKey.from_key(key, str(path))


def public_line_of(path: Path) -> str:
    """The public key (``type base64``) of a key file, private or public, without decrypting
    anything: an OpenSSH private key file holds its public key in clear; a PEM one is read
    (and asks for its passphrase when it has one)."""
    path = Path(path)
    text = _read_key_text(path)
    if text.startswith(_PUBLIC_STARTS):
        return _public_line(path, text)
    if text.startswith(_OPENSSH_BEGIN):
        try:
            blob = _openssh_header(text)[1]
            key_type = check_public_blob(blob)
        except (WireError, KeyFormatError) as e:
            raise UsageError(f"key {path} is damaged or of an unsupported type ({e})") from e
        return f"{key_type} {base64.b64encode(blob).decode('ascii')}"
    return load_private_key(path).public_line


def _public_line(path: Path, text: str) -> str:
    line = text.splitlines()[0] if text else ""
    try:
        identity = key_identity(line)
        public_key_blob(identity)
    except KeyFormatError as e:
        raise UsageError(f"key {path}: {e}") from e
    return identity


def agent_key(path: Path, text: str) -> PrivateKey:
    """The key held in ssh-agent whose public key is the one in ``path`` (a ``.pub`` file)."""
    from approval.signing import agent

    line = _public_line(path, text)
    socket_path = agent.socket_path()
    held = agent.find(socket_path, public_key_blob(line))
    if held is None:
        raise agent.AgentError(
            f"ssh-agent does not hold key {path} ({fingerprint(line)})",
            hint=f"add it with `ssh-add` (the private key beside {path.name}), or give the "
            "private key file with --key",
        )
    return PrivateKey(held, line, str(path))


def warn_if_unprotected(path: Path) -> None:
    """One line on stderr when a private key file is readable or writable by others.

    OpenSSH refuses such a file ("UNPROTECTED PRIVATE KEY FILE!"). We warn and go on: the key
    may already have been copied, refusing it now protects nothing that its owner cannot fix
    with chmod, and an automated publisher whose secret store mounts files 0644 would be stopped
    at the gate with no way to fix it in the job. The warning names the fix.
    """
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        return
    if mode & 0o077:
        print(
            f"warning: UNPROTECTED PRIVATE KEY FILE: {path} is accessible by others "
            f"(mode {mode:04o}); run `chmod 600 {path}`",
            file=sys.stderr,
        )


def _read_key_text(path: Path) -> str:
    try:
        if path.is_dir():
            raise UsageError(f"key {path} is a directory, not a key file")
        if path.stat().st_size > _MAX_KEY_FILE:
            raise UsageError(f"key {path} is not an SSH private key (far too large)")
        data = path.read_bytes()
    except FileNotFoundError as e:
        raise UsageError(f"key {path} does not exist") from e
    except OSError as e:
        raise UsageError(f"cannot read key {path}: {e.strerror}") from e
    try:
        return data.decode("ascii").strip()
    except UnicodeDecodeError as e:
        raise UsageError(f"key {path} is not an SSH private key") from e


@dataclass(frozen=True)
class _Passphrases:
    """Where a passphrase comes from: an environment variable, else the terminal, else nowhere."""

    path: Path
    env: str | None
    interactive: bool | None

    def __iter__(self) -> Iterator[str]:
        if self.env is not None:
            value = os.environ.get(self.env)
            if value is None:
                raise UsageError(
                    f"key {self.path} is passphrase-protected and ${self.env} is not set"
                )
            yield value
            return
        interactive = self.interactive
        if interactive is None:
            interactive = sys.stdin is not None and sys.stdin.isatty()
        if not interactive:
            raise UsageError(
                f"key {self.path} is passphrase-protected: "
                "run on a terminal or pass --passphrase-env VAR"
            )
        import click

        for attempt in range(_PROMPT_TRIES):
            if attempt:
                click.echo("wrong passphrase, try again", err=True)
            # click turns Ctrl-C and end of input into click.Abort, which the CLI reports.
            yield str(click.prompt(f"Passphrase for key {self.path}", hide_input=True, err=True))

    def wrong(self) -> UsageError:
        origin = f" (from ${self.env})" if self.env is not None else ""
        return UsageError(f"wrong passphrase for key {self.path}{origin}")


def _load_openssh(path: Path, text: str, passphrases: _Passphrases) -> SigningKey:
    try:
        cipher, public_blob = _openssh_header(text)
    except WireError as e:
        raise UsageError(f"key {path} is damaged or truncated ({e})") from e
    try:
        # Refuse an unsupported type before asking for its passphrase.
        key_type = check_public_blob(public_blob)
    except KeyFormatError as e:
        raise UsageError(f"key {path}: {e}") from e
    if key_type in SK_TYPES:
        raise UsageError(
            f"key {path} is a FIDO security key ({key_type}): it signs on its device only",
            hint=f"add it to ssh-agent (`ssh-add {path}`) and pass --key {path}.pub",
        )
    data = text.encode("ascii") + b"\n"  # ssh-keygen needs the final newline
    if cipher == "none":
        return _signing_key(_parse_openssh(path, data, None), path)
    for passphrase in passphrases:
        plain = _decrypt_openssh(path, data, passphrase)
        if plain is not None:
            return _signing_key(plain, path)
    raise passphrases.wrong()


def _openssh_header(text: str) -> tuple[str, bytes]:
    """The cleartext part of an OpenSSH key file: its cipher name and its public key blob."""
    body, end, _ = text.removeprefix(_OPENSSH_BEGIN).partition(_OPENSSH_END)
    if not end:
        raise WireError(f"no {_OPENSSH_END} line")
    try:
        raw = base64.b64decode("".join(body.split()), validate=True)
    except binascii.Error as e:
        raise WireError("not base64") from e
    if not raw.startswith(_OPENSSH_MAGIC):
        raise WireError("not an openssh-key-v1 key")
    reader = Reader(raw[len(_OPENSSH_MAGIC) :])
    cipher = reader.text()
    reader.text()  # kdf name
    reader.string()  # kdf options
    if reader.uint32() != 1:
        raise WireError("a key file must hold exactly one key")
    public_blob = reader.string()
    reader.string()  # the private part, encrypted or not
    reader.end()
    return cipher, public_blob


def _parse_openssh(path: Path, data: bytes, password: bytes | None) -> AnyPrivateKey:
    try:
        return serialization.load_ssh_private_key(data, password)
    except (ValueError, UnsupportedAlgorithm) as e:
        raise UsageError(f"key {path} is damaged or truncated") from e


def _decrypt_openssh(path: Path, data: bytes, passphrase: str) -> AnyPrivateKey | None:
    """The decrypted key, or None when the passphrase is wrong."""
    try:
        return serialization.load_ssh_private_key(data, passphrase.encode("utf-8"))
    except UnsupportedAlgorithm as e:
        # OpenSSH's key derivation needs bcrypt, which cryptography[ssh] installs.
        raise UsageError(
            f"cannot decrypt key {path}: {e}",
            hint="reinstall the tool with its dependencies (cryptography[ssh] brings bcrypt)",
        ) from e
    except ValueError:
        return None


def _load_pem(path: Path, data: bytes, passphrases: _Passphrases) -> SigningKey:
    try:
        return _signing_key(serialization.load_pem_private_key(data, None), path)
    except TypeError:
        pass  # encrypted: needs a passphrase
    except (ValueError, UnsupportedAlgorithm) as e:
        raise UsageError(f"key {path} is not a private key this tool can read") from e
    for passphrase in passphrases:
        try:
            key = serialization.load_pem_private_key(data, passphrase.encode("utf-8"))
        except ValueError:
            continue
        return _signing_key(key, path)
    raise passphrases.wrong()


def _signing_key(key: AnyPrivateKey, where: Path | str) -> SigningKey:
    if isinstance(key, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        return key
    name = type(key).__name__.removesuffix("PrivateKey").lower()
    raise UsageError(f"key {where} is a {name} key: use {SUPPORTED}")
