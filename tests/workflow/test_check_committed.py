"""The git side of the gate checks what git publishes, not only what the work tree shows
(finding attack_F holes 1 and 2).

- A staged change to a ``.gitattributes`` (at any depth, a removal too) changes how files
  committed earlier leave (``export-subst``, filters, eol): ``--staged`` checks every file under
  its directory as a staged file, so an attribute-only commit that makes ``git archive`` fill a
  committed ``$Format:%B$`` with the commit message is blocked.
- A tracked file that is not in the work tree (a sparse checkout, a deletion not staged), or
  that is marked skip-worktree or assume-unchanged, is checked from its index blob, and its HEAD
  blob where that differs, shown with where the bytes came from; never skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.files.worktree import COMMITTED, GONE, SUBSTITUTED
from approval.workflow.check import CheckResult, check
from tests.corpus.tabular import detainee_sheet
from tests.workflow.checking import git

pytestmark = pytest.mark.usefixtures("no_ledger")

PLACEHOLDER = "report\n$Format:%B$\n"
TABLE = "Nationality,Book-ins\nMexico,12\nGuatemala,9\n"


def repository(here: Path) -> None:
    git(here, "init", "-q")
    git(here, "config", "user.email", "gate@example.org")
    git(here, "config", "user.name", "Gate")


def commit(here: Path, *paths: str) -> None:
    git(here, "add", *paths)
    git(here, "commit", "-q", "--no-verify", "-m", "files")


def statuses(result: CheckResult) -> dict[str, str]:
    return {f.path: f.status for f in result.files}


def refusals(result: CheckResult) -> dict[str, str]:
    return {f.path: f.refusal or "" for f in result.files if f.refusal}


# -- hole 1: a commit that changes only attributes --------------------------------------------


@pytest.mark.parametrize("directory", ["", "site/", "site/deep/"])
def test_an_attribute_only_commit_rechecks_the_files_it_affects(here: Path, directory: str) -> None:
    repository(here)
    (here / "site" / "deep").mkdir(parents=True)
    (here / "site" / "deep" / "notes.txt").write_text(PLACEHOLDER)
    commit(here, "site")
    assert check(None, [], staged=True).exit_code == 0  # nothing staged yet
    (here / f"{directory}.gitattributes").write_text("notes.txt export-subst\n")
    git(here, "add", f"{directory}.gitattributes")
    result = check(None, [], staged=True)
    assert result.exit_code == 1
    assert refusals(result) == {"site/deep/notes.txt": SUBSTITUTED}


@pytest.mark.parametrize("staged", [True, False])
def test_export_subst_is_found_under_literal_pathspecs(
    here: Path, monkeypatch: pytest.MonkeyPatch, staged: bool
) -> None:
    """A hook run by ``git --literal-pathspecs commit`` (magit commits so) inherits
    GIT_LITERAL_PATHSPECS=1: the attribute pathspecs find the marked file all the same, in the
    staged change of attributes and in the tree."""
    repository(here)
    (here / "site").mkdir()
    (here / "site" / "notes.txt").write_text(PLACEHOLDER)
    commit(here, "site")
    (here / "site" / ".gitattributes").write_text("notes.txt export-subst\n")
    git(here, "add", "site/.gitattributes")
    monkeypatch.setenv("GIT_LITERAL_PATHSPECS", "1")
    result = check(None, [], staged=True) if staged else check(None, [Path()])
    assert result.exit_code == 1
    assert refusals(result) == {"site/notes.txt": SUBSTITUTED}


def test_removing_a_gitattributes_rechecks_the_files_under_it(here: Path) -> None:
    """``* export-subst`` at the root, unset below: removing the lower file sets it there."""
    repository(here)
    (here / ".gitattributes").write_text("*.txt export-subst\n")
    (here / "site").mkdir()
    (here / "site" / ".gitattributes").write_text("*.txt -export-subst\n")
    (here / "site" / "notes.txt").write_text(PLACEHOLDER)
    commit(here, ".")
    git(here, "rm", "-q", "site/.gitattributes")
    result = check(None, [], staged=True)
    assert refusals(result) == {"site/notes.txt": SUBSTITUTED}


def test_an_attribute_change_rechecks_committed_data_under_it_and_nothing_else(
    here: Path,
) -> None:
    repository(here)
    (here / "site").mkdir()
    detainee_sheet(3).write_csv(here / "site" / "people.csv")
    detainee_sheet(3).write_csv(here / "elsewhere.csv")
    commit(here, ".")
    (here / "site" / ".gitattributes").write_text("*.csv eol=crlf\n")
    git(here, "add", "site/.gitattributes")
    result = check(None, [], staged=True)
    assert statuses(result) == {"site/people.csv": "blocked", "site/.gitattributes": "clean"}


def test_a_commit_without_attribute_changes_checks_only_what_it_changes(here: Path) -> None:
    repository(here)
    (here / ".gitattributes").write_text("notes.txt export-subst\n")
    (here / "notes.txt").write_text("no placeholder\n")
    detainee_sheet(3).write_csv(here / "people.csv")
    commit(here, ".")
    (here / "stats.csv").write_text(TABLE)
    git(here, "add", "stats.csv")
    assert statuses(check(None, [], staged=True)) == {"stats.csv": "clean"}


# -- hole 2: tracked files the work tree does not show ----------------------------------------


def test_a_sparse_checkout_is_checked_from_the_index(here: Path) -> None:
    repository(here)
    (here / "docs").mkdir()
    (here / "docs" / "a.txt").write_text("hello\n")
    (here / "data").mkdir()
    detainee_sheet(3).write_csv(here / "data" / "cases.csv")
    commit(here, ".")
    git(here, "sparse-checkout", "set", "docs")
    assert not (here / "data" / "cases.csv").exists()
    result = check(None, [Path()])
    assert result.exit_code == 1
    assert statuses(result)["data/cases.csv (index)"] == "blocked"
    assert not [note for note in result.skipped if note.reason == GONE]


@pytest.mark.parametrize("flag", ["--skip-worktree", "--assume-unchanged"])
def test_a_flagged_file_is_checked_from_the_index_and_head(here: Path, flag: str) -> None:
    repository(here)
    detainee_sheet(3).write_csv(here / "c.csv")
    commit(here, "c.csv")  # HEAD holds the list
    (here / "c.csv").write_text(TABLE)
    git(here, "add", "c.csv")  # the index a clean table
    git(here, "update-index", flag, "c.csv")
    (here / "c.csv").write_text("name,count\n")  # and the work tree something else again
    result = check(None, [Path()])
    assert statuses(result) == {
        "c.csv": "clean",
        "c.csv (index)": "clean",
        "c.csv (HEAD)": "blocked",
    }


def test_a_file_deleted_but_not_staged_is_checked_from_the_index(here: Path) -> None:
    repository(here)
    (here / "index.md").write_text("# Site\n")
    detainee_sheet(3).write_csv(here / "people.csv")
    commit(here, ".")
    (here / "people.csv").unlink()
    assert statuses(check(None, [Path()])) == {"index.md": "clean", "people.csv (index)": "blocked"}


def test_clean_committed_copies_pass_and_a_placeholder_is_refused(here: Path) -> None:
    repository(here)
    (here / ".gitattributes").write_text("notes.txt export-subst\n")
    (here / "notes.txt").write_text(PLACEHOLDER)
    (here / "stats.csv").write_text(TABLE)
    commit(here, ".")
    git(here, "update-index", "--skip-worktree", "stats.csv", "notes.txt")
    (here / "notes.txt").unlink()
    result = check(None, [Path()])
    assert statuses(result)["stats.csv (index)"] == "clean"
    assert refusals(result) == {"notes.txt (index)": SUBSTITUTED}


def test_an_unreadable_blob_is_refused(here: Path) -> None:
    """A blob git cannot read (gone from the object store: a partial clone) blocks."""
    repository(here)
    (here / "stats.csv").write_text(TABLE)
    commit(here, "stats.csv")
    blob = git(here, "rev-parse", ":stats.csv").decode().strip()
    (here / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    (here / "stats.csv").unlink()
    result = check(None, [Path()])
    assert result.exit_code == 1
    assert "content cannot be read" in refusals(result)["stats.csv (index)"]
    assert [f.report.format for f in result.files if f.refusal] == [COMMITTED]
