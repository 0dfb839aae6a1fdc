"""Fixtures for features/: the same real keys, isolated git and CLI runner as tests/ (see
tests/support.py), and the steps several feature files share. pytest finds fixtures (steps are
fixtures too) by name among this module's globals; a module's own step of the same words wins."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_bdd import given, parsers

from approval.demo.synthetic import detention_workbook
from tests.conftest import *  # noqa: F403
from tests.support import KeyMaker
from tests.world import World


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    """A world of its own for each scenario (a feature module may give its own)."""
    return World(tmp_path, make_key)


@pytest.fixture
def story() -> dict[str, object]:
    """What a scenario's steps hand on to the next ones."""
    return {}


@given("a ledger adopted by two admins under the 8 CFR 208.6 policy")
def adopted(world: World) -> None:
    result = world.init()
    assert result.code == 0, result.output


@given(
    parsers.parse(
        "a detention-statistics workbook whose hidden second sheet lists {count:d} asylum seekers"
    )
)
def workbook(world: World, story: dict[str, object], count: int) -> None:
    path = world.root / "detention-stats.xlsx"
    detention_workbook(path, count=count)
    story["file"], story["count"] = path, count
