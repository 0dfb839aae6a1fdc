"""The lock's record of what it was resolved from, so that a changed range cannot go unseen.

``make lock`` writes, as the lock's first line, the sha256 of every requirement it resolved
(pyproject.toml's dependencies and test extra, and requirements/build.in); ``make test``
(tests/test_lock.py) checks that the line still matches and that every pin satisfies its range.
A range changed without ``make lock`` fails the suite instead of installing something else.
Standard library only: it runs before any venv exists.
"""

from __future__ import annotations

import hashlib
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "# resolved from: sha256:"


def requirements(root: Path = ROOT) -> list[str]:
    """Every requirement the lock must satisfy, as written."""
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    build = (root / "requirements" / "build.in").read_text().splitlines()
    found = list(project["dependencies"]) + list(project["optional-dependencies"]["test"])
    return found + [line.strip() for line in build if line.strip() and not line.startswith("#")]


def digest(root: Path = ROOT) -> str:
    return hashlib.sha256("\n".join(sorted(requirements(root))).encode()).hexdigest()


def recorded(lock: Path) -> str | None:
    first = lock.read_text().split("\n", 1)[0]
    return first.removeprefix(PREFIX) if first.startswith(PREFIX) else None


def write(lock: Path) -> None:
    lines = lock.read_text().split("\n")
    if lines and lines[0].startswith(PREFIX):
        lines = lines[1:]
    lock.write_text("\n".join([PREFIX + digest(), *lines]))


if __name__ == "__main__":
    write(Path(sys.argv[1]))
