"""Loading private keys: every kind ssh-keygen makes, passphrases from the environment or a
terminal, and one clear line (exit 2) for every kind of bad key file."""

from __future__ import annotations

import base64
import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ed448, x25519

from approval.errors import EXIT_USAGE, UsageError
from approval.signing import PrivateKey, fingerprint, key_identity, load_private_key, sign
from approval.signing._wire import ssh_string
from approval.signing.ssh_keygen import run_ssh_keygen
from tests.conftest import ROOT, KeyMaker
from tests.signing.conftest import SshKeygen

PASSPHRASE = "correct horse battery staple"
SUPPORTED = (
    "use ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa of 2048 bits or more, or a FIDO key "
    "(sk-ssh-ed25519@openssh.com, sk-ecdsa-sha2-nistp256@openssh.com) held in ssh-agent"
)
KeyFile = Callable[..., Path]


def test_loads_each_kind_made_by_ssh_keygen(make_key: KeyMaker, kind: str) -> None:
    pair = make_key("alice", kind)
    key = load_private_key(pair.private)
    assert key.public_line == key_identity(pair.public)
    assert key.algorithm == pair.public.split()[0]
    assert key.algorithm in ("ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa")
    listed = run_ssh_keygen(["-l", "-f", pair.public_path]).stdout.decode().split()
    assert key.fingerprint == fingerprint(pair.public) == listed[1]


@pytest.mark.parametrize(
    "args",
    [
        ("-t", "rsa", "-b", "2048", "-m", "PEM"),
        ("-t", "rsa", "-b", "2048", "-m", "PKCS8"),
        ("-t", "ecdsa", "-b", "256", "-m", "PEM"),
        ("-t", "ecdsa", "-b", "256", "-m", "PKCS8"),
    ],
    ids=["rsa-pem", "rsa-pkcs8", "ecdsa-pem", "ecdsa-pkcs8"],
)
def test_loads_pem_keys(keygen_file: KeyFile, ssh_keygen: SshKeygen, args: tuple[str, ...]) -> None:
    path = keygen_file("-".join(args[1::2]), *args, "-N", "")
    assert path.read_text().startswith("-----BEGIN ")
    assert "OPENSSH" not in path.read_text()
    key = load_private_key(path)
    public = path.with_name(path.name + ".pub").read_text()
    assert key.public_line == key_identity(public)
    assert ssh_keygen.accepts(public, b"data", sign(b"data", key))


def test_passphrase_from_environment(
    make_key: KeyMaker, kind: str, monkeypatch: pytest.MonkeyPatch, ssh_keygen: SshKeygen
) -> None:
    pair = make_key("carol", kind, passphrase=PASSPHRASE)
    monkeypatch.setenv("APPROVAL_TEST_PASSPHRASE", PASSPHRASE)
    key = load_private_key(pair.private, passphrase_env="APPROVAL_TEST_PASSPHRASE")
    assert key.public_line == key_identity(pair.public)
    assert ssh_keygen.accepts(pair.public, b"data", sign(b"data", key))


def test_passphrase_for_pem_key_from_environment(
    keygen_file: KeyFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = keygen_file("rsa-pem-pp", "-t", "rsa", "-b", "2048", "-m", "PEM", "-N", PASSPHRASE)
    assert "ENCRYPTED" in path.read_text()
    monkeypatch.setenv("PP", PASSPHRASE)
    key = load_private_key(path, passphrase_env="PP")
    assert key.public_line == key_identity(path.with_name(path.name + ".pub").read_text())
    monkeypatch.setenv("PP", "wrong")
    with pytest.raises(UsageError, match=f"^wrong passphrase for key {path} \\(from \\$PP\\)$"):
        load_private_key(path, passphrase_env="PP")


@pytest.mark.parametrize("kind", ["ed25519", "rsa"])
def test_wrong_passphrase_from_environment(
    make_key: KeyMaker, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pair = make_key("carol", kind, passphrase=PASSPHRASE)
    monkeypatch.setenv("KEY_PASSPHRASE", "not " + PASSPHRASE)
    with pytest.raises(UsageError) as caught:
        load_private_key(pair.private, passphrase_env="KEY_PASSPHRASE")
    assert str(caught.value) == f"wrong passphrase for key {pair.private} (from $KEY_PASSPHRASE)"
    assert caught.value.exit_code == EXIT_USAGE


def test_passphrase_variable_not_set(make_key: KeyMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    pair = make_key("carol", passphrase=PASSPHRASE)
    monkeypatch.delenv("NO_SUCH_VARIABLE", raising=False)
    with pytest.raises(UsageError) as caught:
        load_private_key(pair.private, passphrase_env="NO_SUCH_VARIABLE")
    expected = f"key {pair.private} is passphrase-protected and $NO_SUCH_VARIABLE is not set"
    assert str(caught.value) == expected


def test_passphrase_variable_is_ignored_for_a_key_without_one(make_key: KeyMaker) -> None:
    # Automation may set the option for every key; a key without a passphrase needs none.
    pair = make_key("alice")
    key = load_private_key(pair.private, passphrase_env="NO_SUCH_VARIABLE")
    assert key.public_line == key_identity(pair.public)


def test_protected_key_without_terminal_or_variable(make_key: KeyMaker) -> None:
    pair = make_key("carol", passphrase=PASSPHRASE)
    with pytest.raises(UsageError) as caught:
        load_private_key(pair.private, interactive=False)
    assert str(caught.value) == (
        f"key {pair.private} is passphrase-protected: "
        "run on a terminal or pass --passphrase-env VAR"
    )


_CHILD = """
import fcntl, sys, termios
from pathlib import Path
if sys.argv[2] == "tty":
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)  # the pty becomes our terminal, as at a login
from approval.errors import ApprovalError
from approval.signing import load_private_key
try:
    print("public:", load_private_key(Path(sys.argv[1])).public_line)
except ApprovalError as e:
    print("error:", e)
    sys.exit(e.exit_code)
"""


def _run_on_terminal(key: Path, answers: list[str]) -> tuple[int, str]:
    """Run a key load in a child whose terminal is a pty, typing ``answers`` at its prompts."""
    controller, terminal = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(key), "tty"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        cwd=ROOT,
        start_new_session=True,
    )
    os.close(terminal)
    output, pending, deadline = b"", list(answers), time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(controller, 4096)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                output += chunk
            if pending and output.count(b"Passphrase for key") > len(answers) - len(pending):
                os.write(controller, pending.pop(0).encode() + b"\n")
        code = child.wait(timeout=30)
    finally:
        os.close(controller)
        if child.poll() is None:
            child.kill()
    return code, output.decode(errors="replace")


def test_passphrase_typed_on_a_terminal(make_key: KeyMaker) -> None:
    pair = make_key("carol", passphrase=PASSPHRASE)
    code, output = _run_on_terminal(pair.private, [PASSPHRASE])
    assert code == 0, output
    assert f"Passphrase for key {pair.private}" in output
    assert f"public: {key_identity(pair.public)}" in output
    assert PASSPHRASE not in output  # typed without echo


def test_wrong_passphrase_on_a_terminal_three_times(make_key: KeyMaker) -> None:
    pair = make_key("carol", passphrase=PASSPHRASE)
    code, output = _run_on_terminal(pair.private, ["one", "two", "three"])
    assert code == EXIT_USAGE, output
    assert output.count("Passphrase for key") == 3
    assert output.count("wrong passphrase, try again") == 2
    assert f"error: wrong passphrase for key {pair.private}" in output


def test_second_try_on_a_terminal(make_key: KeyMaker) -> None:
    pair = make_key("carol", "ecdsa", passphrase=PASSPHRASE)
    code, output = _run_on_terminal(pair.private, ["typo", PASSPHRASE])
    assert code == 0, output
    assert f"public: {key_identity(pair.public)}" in output


def test_no_terminal_is_detected(make_key: KeyMaker) -> None:
    # interactive=None: a child whose standard input is not a terminal gets the hint at once.
    pair = make_key("carol", passphrase=PASSPHRASE)
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(pair.private), "no-tty"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == EXIT_USAGE
    assert "run on a terminal or pass --passphrase-env VAR" in done.stdout


def _sk_key_file(path: Path) -> Path:
    """An OpenSSH key file for a FIDO security key (no device needed to write one)."""
    public = ssh_string(b"sk-ssh-ed25519@openssh.com") + ssh_string(bytes(32)) + ssh_string(b"ssh:")
    body = b"openssh-key-v1\0" + ssh_string(b"none") + ssh_string(b"none") + ssh_string(b"")
    body += b"\0\0\0\1" + ssh_string(public) + ssh_string(bytes(64))
    encoded = base64.b64encode(body).decode()
    lines = [encoded[i : i + 70] for i in range(0, len(encoded), 70)]
    text = "\n".join(["-----BEGIN OPENSSH PRIVATE KEY-----", *lines])
    path.write_text(text + "\n-----END OPENSSH PRIVATE KEY-----\n")
    return path


def _cut(path: Path, keep: Callable[[list[str]], list[str]], out: Path) -> Path:
    out.write_text("\n".join(keep(path.read_text().splitlines())) + "\n")
    return out


BAD_KEYS: dict[str, tuple[Callable[[Path, KeyMaker, KeyFile], Path], str]] = {
    "missing": (lambda d, m, k: d / "nothing-here", "key {path} does not exist"),
    "directory": (lambda d, m, k: d, "key {path} is a directory, not a key file"),
    "empty": (lambda d, m, k: _write(d / "empty", b""), "key {path} is not an SSH private key"),
    "text": (
        lambda d, m, k: _write(d / "notes.txt", b"Dear colleague,\n"),
        "key {path} is not an SSH private key",
    ),
    "binary": (
        lambda d, m, k: _write(d / "photo.jpg", bytes(range(256))),
        "key {path} is not an SSH private key",
    ),
    "truncated": (
        lambda d, m, k: _cut(m("alice").private, lambda lines: lines[:3], d / "cut"),
        "key {path} is damaged or truncated (no -----END OPENSSH PRIVATE KEY----- line)",
    ),
    "line lost": (
        lambda d, m, k: _cut(m("alice").private, lambda ls: [*ls[:2], *ls[3:]], d / "hole"),
        "key {path} is damaged or truncated (not base64)",
    ),
    "two lines lost": (
        lambda d, m, k: _cut(m("alice").private, lambda ls: [*ls[:2], *ls[4:]], d / "holes"),
        "key {path} is damaged or truncated (ends too early)",
    ),
    "pem garbage": (
        lambda d, m, k: _write(
            d / "pem", b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
        ),
        "key {path} is not a private key this tool can read",
    ),
    "dsa": (
        lambda d, m, k: k("dsa", "-t", "dsa", "-N", ""),
        "key {path}: keys of type ssh-dss are not supported (" + SUPPORTED + ")",
    ),
    "dsa with passphrase": (
        lambda d, m, k: k("dsa-pp", "-t", "dsa", "-N", PASSPHRASE),
        "key {path}: keys of type ssh-dss are not supported (" + SUPPORTED + ")",
    ),
    "dsa pem": (
        lambda d, m, k: k("dsa-pem", "-t", "dsa", "-m", "PEM", "-N", ""),
        "key {path} is a dsa key: " + SUPPORTED,
    ),
    "ecdsa-384": (
        lambda d, m, k: k("ecdsa-384", "-t", "ecdsa", "-b", "384", "-N", ""),
        "key {path}: keys of type ecdsa-sha2-nistp384 are not supported (" + SUPPORTED + ")",
    ),
    "ecdsa-521 pem": (
        lambda d, m, k: k("ecdsa-521", "-t", "ecdsa", "-b", "521", "-m", "PEM", "-N", ""),
        "key {path}: keys of type ecdsa-sha2-nistp521 are not supported (" + SUPPORTED + ")",
    ),
    "rsa-1024": (
        lambda d, m, k: k("rsa-1024", "-t", "rsa", "-b", "1024", "-N", ""),
        "key {path}: an RSA key of 1024 bits is too short (" + SUPPORTED + ")",
    ),
    "security key": (
        lambda d, m, k: _sk_key_file(d / "id_ed25519_sk"),
        "key {path} is a FIDO security key (sk-ssh-ed25519@openssh.com): it signs on its "
        "device only",
    ),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", BAD_KEYS.values(), ids=BAD_KEYS.keys())
def test_bad_key_files_give_one_clear_line(
    tmp_path: Path,
    make_key: KeyMaker,
    keygen_file: KeyFile,
    case: tuple[Callable[[Path, KeyMaker, KeyFile], Path], str],
) -> None:
    build, message = case
    path = build(tmp_path, make_key, keygen_file)
    with pytest.raises(UsageError) as caught:
        load_private_key(path, interactive=False)
    assert str(caught.value) == message.format(path=path)
    assert caught.value.exit_code == EXIT_USAGE
    if path.is_file():
        # No line of the key file (its material) ever appears in the message.
        for line in path.read_text(errors="replace").splitlines():
            if len(line) > 20 and not line.startswith("-----"):
                assert line not in str(caught.value)


@pytest.mark.parametrize(
    ("key", "name"),
    [(ed448.Ed448PrivateKey.generate(), "ed448"), (x25519.X25519PrivateKey.generate(), "x25519")],
)
def test_in_memory_keys_of_unsupported_types_are_refused(key: object, name: str) -> None:
    with pytest.raises(UsageError, match=f"^key \\(in memory\\) is a {name} key: "):
        PrivateKey.from_key(key)  # type: ignore[arg-type]


def test_private_key_repr_names_only_the_public_side(make_key: KeyMaker) -> None:
    pair = make_key("alice")
    key = load_private_key(pair.private)
    assert repr(key) == (
        f"PrivateKey(public_line='{key_identity(pair.public)}', source='{pair.private}')"
    )
    assert key == load_private_key(pair.private)
