"""A submodule the work tree does not hold (a CI clone without ``--recursive``, a
``git submodule deinit``) is not skipped (finding attack_gate #4): a deploy that recurses
(``git clone --recursive``, GitHub Pages) publishes the files of the commit it pins. They are
checked from git's objects where that commit is here (the submodule's repository under
``.git/modules`` stays after a deinit), and the submodule is blocked where it is not;
``.approvalignore`` can leave it out, named."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from approval.files.worktree import UNREAD_SUBMODULE, submodule_not_here
from approval.workflow.check import check
from tests.corpus.tabular import detainee_sheet
from tests.support import run_approval
from tests.workflow.checking import commit, git, repository, statuses

pytestmark = pytest.mark.usefixtures("no_ledger")


@pytest.fixture
def library(here: Path) -> tuple[Path, str]:
    """A repository whose commit holds a clean page and a protected table."""
    library = repository(here / "library", {"README.md": "# Shared pages\n"})
    detainee_sheet(4).write_csv(library / "people.csv")
    return library, commit(library, "data")


@pytest.fixture
def project(here: Path, library: tuple[Path, str]) -> Path:
    """A site with the library as its submodule ``lib``, committed."""
    project = repository(here / "project", {"index.md": "# Detention statistics\n"})
    git(project, "submodule", "add", "-q", str(library[0]), "lib")
    commit(project, "lib")
    return project


def test_a_clone_without_its_submodules_is_blocked(
    here: Path, project: Path, library: tuple[Path, str]
) -> None:
    git(here, "clone", "-q", str(project), "ci")  # as actions/checkout does by default
    os.chdir(here / "ci")
    assert not any((here / "ci" / "lib").iterdir())
    result = check(None, [Path()])
    assert result.exit_code == 1
    (blocked,) = [f for f in result.files if f.refusal]
    assert blocked.path == "lib"
    assert blocked.refusal == submodule_not_here(library[1])
    assert blocked.report.format == UNREAD_SUBMODULE
    assert "git submodule update --init" in blocked.refusal
    assert "lib" not in {n.path for n in result.skipped}


def test_a_deinitialised_submodule_is_checked_at_the_commit_it_pins(
    project: Path, library: tuple[Path, str]
) -> None:
    git(project, "submodule", "deinit", "-q", "-f", "lib")
    os.chdir(project)
    result = check(None, [Path()])
    pinned = f"submodule commit {library[1][:12]}"
    assert statuses(result) == {
        ".gitmodules": "clean",
        "index.md": "clean",
        f"lib/README.md ({pinned})": "clean",
        f"lib/people.csv ({pinned})": "blocked",
    }
    assert result.exit_code == 1


def test_a_submodule_removed_from_the_work_tree_is_checked_at_its_commit(
    project: Path, library: tuple[Path, str]
) -> None:
    """Not even an empty directory (a sparse checkout, ``rm -rf lib``): still published."""
    git(project, "submodule", "deinit", "-q", "-f", "lib")
    (project / "lib").rmdir()
    os.chdir(project)
    blocked = {f.path for f in check(None, [Path()]).files if f.status == "blocked"}
    assert blocked == {f"lib/people.csv (submodule commit {library[1][:12]})"}


def test_a_clean_submodule_not_checked_out_passes(here: Path) -> None:
    clean = repository(here / "theme", {"style.css": "body { margin: 0 }\n"})
    project = repository(here / "project", {"index.md": "# Statistics\n"})
    git(project, "submodule", "add", "-q", str(clean), "theme")
    commit(project, "theme")
    git(project, "submodule", "deinit", "-q", "-f", "theme")
    os.chdir(project)
    result = check(None, [Path()])
    assert result.exit_code == 0
    assert any(f.path.startswith("theme/style.css (submodule commit ") for f in result.files)


def test_a_submodule_within_an_unread_submodule_is_blocked(
    here: Path, library: tuple[Path, str]
) -> None:
    inner = repository(here / "inner", {"a.md": "a\n"})
    outer = repository(here / "outer", {"b.md": "b\n"})
    git(outer, "submodule", "add", "-q", str(inner), "deep")
    commit(outer, "deep")
    project = repository(here / "project", {"index.md": "# Statistics\n"})
    git(project, "submodule", "add", "-q", str(outer), "outer")
    commit(project, "outer")
    git(project, "submodule", "deinit", "-q", "-f", "outer")
    os.chdir(project)
    result = check(None, [Path()])
    inner_commit = git(inner, "rev-parse", "HEAD").decode().strip()
    # The outer repository is under .git/modules (its files are read); the inner one never
    # was checked out here: nothing says what it publishes.
    assert {f.path: f.refusal for f in result.files if f.refusal} == {
        "outer/deep": submodule_not_here(inner_commit)
    }
    assert result.exit_code == 1


def test_approvalignore_leaves_an_unread_submodule_out_by_name(here: Path, project: Path) -> None:
    git(here, "clone", "-q", str(project), "ci")
    os.chdir(here / "ci")
    Path(".approvalignore").write_text("lib/\n")
    result = check(None, [Path()])
    assert result.exit_code == 0
    assert "lib" in result.left_out


def test_the_cli_says_how_to_read_it(here: Path, project: Path) -> None:
    git(here, "clone", "-q", str(project), "ci")
    done = run_approval("check", ".", cwd=here / "ci", env={"APPROVAL_LEDGER": ""})
    assert done.code == 1, done.output
    assert "lib: BLOCKED (a submodule that is not checked out: its commit " in done.stdout
    assert "hint: check the submodules out (git submodule update --init --recursive" in done.stdout
