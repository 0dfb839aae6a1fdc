"""The one thin wrapper around the ``ssh-keygen`` program.

The tool signs and verifies in process; ``ssh-keygen`` is used only to decrypt a
passphrase-protected OpenSSH key when the ``bcrypt`` module is missing, and by the tests and
benchmarks that prove our signatures interoperate with it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from approval.errors import UsageError

PROGRAM = "ssh-keygen"


def run_ssh_keygen(
    args: Sequence[str | Path],
    *,
    input: bytes | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``ssh-keygen ARGS`` without a shell; the caller reads ``returncode`` and ``stderr``.

    Without ``input`` its standard input is empty, so it can never wait on a terminal.
    """
    try:
        return subprocess.run(
            [PROGRAM, *map(str, args)],
            input=input if input is not None else b"",
            capture_output=True,
            env=dict(env) if env is not None else None,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError as e:
        raise UsageError(f"{PROGRAM} not found", hint="install OpenSSH's client tools") from e
    except subprocess.TimeoutExpired as e:
        raise UsageError(f"{PROGRAM} did not finish within {timeout:g} s") from e


def last_line(stderr: bytes) -> str:
    """The last non-empty line ``ssh-keygen`` wrote to stderr: its reason for failing."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    return next((line for line in reversed(lines) if line), "no message")
