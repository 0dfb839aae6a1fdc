"""Fixtures for tests/: see tests/support.py (features/conftest.py imports the same)."""

from tests.support import (
    ROOT,
    CliResult,
    KeyMaker,
    KeyPair,
    _isolated_git,
    approval,
    make_key,
    run_approval,
)

__all__ = [
    "ROOT",
    "CliResult",
    "KeyMaker",
    "KeyPair",
    "_isolated_git",
    "approval",
    "make_key",
    "run_approval",
]
