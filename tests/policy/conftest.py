from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT

POLICY = ROOT / "policies" / "8cfr208.6.yaml"
ROSTER = ROOT / "policies" / "roster.example.yaml"


@pytest.fixture
def edited(tmp_path: Path) -> Callable[[Path, str, str], Path]:
    """A copy of a shipped file with one exact substitution (which must match)."""

    def edit(source: Path, old: str, new: str) -> Path:
        text = source.read_text()
        assert old in text, f"{old!r} not in {source.name}"
        target = tmp_path / source.name
        target.write_text(text.replace(old, new, 1))
        return target

    return edit
