"""Fixtures for features/: the same real keys, isolated git and CLI runner as tests/."""

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
