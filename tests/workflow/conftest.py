"""Fixtures of the workflow tests that run ``approval check`` on trees of files."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def no_ledger(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a ledger a protected file is blocked: all the check tests need to see (used
    by a module as ``pytestmark = pytest.mark.usefixtures("no_ledger")``)."""
    monkeypatch.delenv("APPROVAL_LEDGER", raising=False)


@pytest.fixture
def here(tmp_path: Path) -> Iterator[Path]:
    """The test's directory as the current one (git's rules are those of where one stands)."""
    before = Path.cwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(before)
