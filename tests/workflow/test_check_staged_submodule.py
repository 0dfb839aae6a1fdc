"""``check --staged`` checks a staged submodule by the files of the commit it is staged at, read
in the submodule's repository (finding G1, f_staged_submodule): a CI checkout with submodules or
a deploy publishes them. A submodule whose staged commit cannot be read here is blocked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from approval.files.worktree import SUBMODULE, unread_submodule
from approval.workflow.check import check
from tests.corpus.tabular import detainee_sheet
from tests.workflow.checking import commit, git, repository, statuses

pytestmark = pytest.mark.usefixtures("no_ledger")


@pytest.fixture
def site(here: Path) -> Path:
    site = repository(here / "site", {"index.html": "<html>Detention statistics</html>\n"})
    os.chdir(site)
    return site


def test_a_staged_submodule_with_protected_data_blocks(here: Path, site: Path) -> None:
    sub = repository(here / "sub", {"README.md": "# Shared data\n"})
    detainee_sheet(4).write_csv(sub / "data.csv")
    commit(sub, "data")
    git(site, "submodule", "add", "-q", str(sub), "vendor")
    result = check(None, [], staged=True)
    assert result.exit_code == 1
    assert statuses(result) == {
        ".gitmodules": "clean",
        "vendor/README.md": "clean",
        "vendor/data.csv": "blocked",
    }
    named = check(None, [Path("vendor")], staged=True)
    assert statuses(named) == {"vendor/README.md": "clean", "vendor/data.csv": "blocked"}


def test_a_clean_submodule_passes(here: Path, site: Path) -> None:
    sub = repository(here / "sub", {"README.md": "# Shared styles\n", "css/site.css": "p{}\n"})
    git(site, "submodule", "add", "-q", str(sub), "vendor")
    result = check(None, [], staged=True)
    assert result.exit_code == 0
    assert set(statuses(result)) == {".gitmodules", "vendor/README.md", "vendor/css/site.css"}


def test_the_staged_commit_is_checked_not_the_submodules_work_tree(here: Path, site: Path) -> None:
    sub = repository(here / "sub", {"README.md": "# Shared data\n"})
    detainee_sheet(4).write_csv(sub / "data.csv")
    leaky = commit(sub, "data")
    git(site, "submodule", "add", "-q", str(sub), "vendor")
    vendor = site / "vendor"
    # The submodule's work tree moves on to a clean commit; the staged commit is the leaky one.
    (vendor / "data.csv").unlink()
    commit(vendor, "remove")
    git(site, "update-index", "--cacheinfo", f"160000,{leaky},vendor")
    assert statuses(check(None, [], staged=True))["vendor/data.csv"] == "blocked"
    # And the other way: a protected file only in its work tree is not in the commit.
    git(site, "add", "vendor")
    detainee_sheet(4).write_csv(vendor / "untracked.csv")
    assert check(None, [], staged=True).exit_code == 0


def test_a_nested_repository_staged_as_a_gitlink_is_read_too(here: Path, site: Path) -> None:
    """``git add dir`` of a repository inside the work tree (no .gitmodules) stages a gitlink."""
    nested = repository(site / "mirror", {"notes.txt": "mirror\n"})
    detainee_sheet(4).write_csv(nested / "people.csv")
    commit(nested, "people")
    git(site, "add", "mirror")
    assert statuses(check(None, [], staged=True)) == {
        "mirror/notes.txt": "clean",
        "mirror/people.csv": "blocked",
    }


def test_a_submodule_whose_commit_cannot_be_read_here_is_blocked(here: Path, site: Path) -> None:
    missing = "1" * 40
    git(site, "update-index", "--add", "--cacheinfo", f"160000,{missing},vendor")  # no work tree
    result = check(None, [], staged=True)
    assert result.exit_code == 1
    assert {f.path: f.refusal for f in result.files} == {"vendor": unread_submodule(missing)}
    assert {f.report.format for f in result.files} == {SUBMODULE}
    sub = repository(here / "sub", {"README.md": "# Shared data\n"})
    git(site, "rm", "-q", "--cached", "vendor")
    git(site, "submodule", "add", "-q", str(sub), "vendor")
    git(site, "update-index", "--cacheinfo", f"160000,{missing},vendor")  # not in its repository
    assert {f.path: f.refusal for f in check(None, [], staged=True).files if f.refusal} == {
        "vendor": unread_submodule(missing)
    }
