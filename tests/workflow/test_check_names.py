"""``approval check`` over a tree reads the published paths as data, as the ZIP reader reads
its members' names: a file named after an asylum seeker is blocked, whatever it holds, and
its name is shown redacted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support import KeyMaker, run_approval
from tests.world import World

NAMES = (
    "Maria Garcia A212345678 credible fear interview.txt",
    "Jose Hernandez A212345679 asylum application.txt",
)


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    world = World(tmp_path, make_key)
    assert world.init().code == 0
    return world


def _site(root: Path) -> Path:
    site = root / "www"
    (site / "claims").mkdir(parents=True)
    (site / "index.html").write_text("<h1>Case files</h1>\n")
    for name in NAMES:
        (site / "claims" / name).write_text("Interview notes to follow.\n")
    return site


def test_files_named_after_protected_persons_are_blocked_and_not_named(world: World) -> None:
    site = _site(world.root)
    for _ in range(2):  # cold, then warm (the listing's result is not cached when it blocks)
        result = world.run("check", site, "--format", "json")
        assert result.code == 1, result.output
        files = {f["path"]: f for f in json.loads(result.stdout)["files"]}
        blocked = [f for f in files.values() if f["status"] == "blocked"]
        assert len(blocked) == 2
        assert all("its name holds protected data" in f["reason"] for f in blocked)
        assert "A212345678" not in result.output and "Maria Garcia" not in result.output
        assert any(p.endswith("index.html") for p in files)


def test_the_folders_above_the_tree_are_not_its_names(tmp_path: Path) -> None:
    # The checker's own folders are not published: a home directory named after a person
    # does not block the site inside it.
    above = tmp_path / "Maria Garcia A212345678 asylum"
    site = above / "www"
    site.mkdir(parents=True)
    (site / "index.html").write_text("<h1>Statistics</h1>\n")
    result = run_approval("check", site, env={"APPROVAL_LEDGER": ""})
    assert result.code == 0, result.output


def test_without_a_ledger_a_named_file_is_blocked_too(tmp_path: Path) -> None:
    site = _site(tmp_path)
    result = run_approval("check", site, env={"APPROVAL_LEDGER": ""})
    assert result.code == 1
    assert "[redacted]" in result.stdout
    assert "A212345679" not in result.output


def test_a_left_out_file_named_after_a_person_is_blocked_and_not_named(world: World) -> None:
    """Left out by .approvalignore (clean inside), it is served and listed under its name all
    the same: blocked, and named redacted in the list of left-out files too."""
    site = _site(world.root)
    (site / ".approvalignore").write_text("claims/\n")
    for form in ((), ("--format", "json")):
        result = world.run("check", site, *form)
        assert result.code == 1, result.output
        assert "A212345678" not in result.output and "Maria Garcia" not in result.output
        assert "A212345679" not in result.output
