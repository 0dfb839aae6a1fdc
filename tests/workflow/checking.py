"""What the tests of ``approval check`` on work trees share: git run in a directory."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git(where: Path, *args: str, env: dict[str, str] | None = None) -> bytes:
    """``git ARGS`` in ``where`` (local submodules allowed), its output; a failure raises."""
    command = ["git", "-c", "protocol.file.allow=always", *args]
    return subprocess.run(command, cwd=where, check=True, capture_output=True, env=env).stdout
