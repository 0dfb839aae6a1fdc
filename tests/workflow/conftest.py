"""Fixtures of the workflow tests: a ledger initialised by the real CLI and a web root beside it
(a module that needs another ``world`` defines its own), and those that run ``approval check``
on trees of files."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import KeyMaker
from tests.world import World


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


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    """A ledger made with ``approval init`` by the whole cast (``tests.world``)."""
    world = World(tmp_path, make_key)
    result = world.init()
    assert result.code == 0, result.output
    return world


@pytest.fixture
def www(tmp_path: Path) -> Path:
    """An empty web root to export to."""
    directory = tmp_path / "www"
    directory.mkdir()
    return directory
