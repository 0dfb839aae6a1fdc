"""``approval check`` does not trust the tree it checks (finding f_planted_git): whoever can
write to a web root or an upload directory can put a ``.git`` there, with ignore rules that
leave every file out and a configuration that names commands for git to run.

- git runs nothing that the checked repository's configuration names (``core.fsmonitor``, a
  lazy fetch through ``remote.*.uploadpack``);
- a work tree decides what is left out only when the check runs in it (the user's checkout);
  any other is walked as a plain directory, every file checked, its ``.git`` blocked;
- a directory under which files were left out and none checked is blocked.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from approval.files.worktree import FOREIGN_REPOSITORY, REPOSITORY, nothing_checked
from approval.workflow.check import CheckResult, check, left_out_refusal
from tests.corpus.tabular import detainee_sheet
from tests.workflow.checking import git, statuses

pytestmark = pytest.mark.usefixtures("no_ledger")


def refusals(result: CheckResult) -> dict[str, str]:
    return {f.path: f.refusal for f in result.files if f.refusal is not None}


@pytest.fixture
def planted(here: Path) -> Path:
    """A plain web root holding a list of asylum seekers, and a ``.git`` someone put there: an
    info/exclude of ``*``, and a ``core.fsmonitor`` that git runs as a shell command."""
    www = here / "www"
    www.mkdir()
    detainee_sheet(4).write_csv(www / "stats.csv")
    git(www, "init", "-q")
    (www / ".git" / "info" / "exclude").write_text("*\n")
    git(www, "config", "core.fsmonitor", f"touch {here / 'ran'}; false #")
    # The attack is live with this git: a plain ls-files runs the command.
    git(www, "ls-files", "--others", "--exclude-standard")
    assert (here / "ran").exists()
    (here / "ran").unlink()
    return www


def test_a_planted_git_checked_from_outside_is_a_plain_directory(planted: Path) -> None:
    result = check(None, [Path("www")])
    assert not (planted.parent / "ran").exists()
    assert result.exit_code == 1
    assert statuses(result) == {"www/stats.csv": "blocked", "www/.git": "blocked"}
    assert refusals(result) == {"www/.git": FOREIGN_REPOSITORY}
    assert result.git_ignored == ()
    assert {f.path: f.report.format for f in result.files}["www/.git"] == "foreign-repository"
    # Named below its top, the work tree is no more the user's: every file is checked.
    (planted / "sub").mkdir()
    detainee_sheet(4).write_csv(planted / "sub" / "more.csv")
    assert statuses(check(None, [Path("www/sub")])) == {"www/sub/more.csv": "blocked"}
    assert not (planted.parent / "ran").exists()


def test_standing_in_a_planted_git_runs_nothing_and_checking_nothing_blocks(
    planted: Path,
) -> None:
    """Where the check runs, git's answer stands (git would trust it too): its ignore rules
    apply, but a directory where they left every file out is blocked, the files named."""
    os.chdir(planted)
    for staged in (False, True):
        check(None, [Path()] if not staged else [], staged=staged)
    assert not (planted.parent / "ran").exists()
    result = check(None, [Path()])
    assert result.exit_code == 1
    assert refusals(result) == {
        ".": nothing_checked(1, 0),
        # Left out, and scanned: served all the same.
        "stats.csv": left_out_refusal(".git/info/exclude:1: *", result.files[0].report),
    }
    assert result.git_ignored == ("stats.csv",)
    assert {f.path: f.report.format for f in result.files}["."] == "left-out"
    assert not (planted.parent / "ran").exists()
    included = check(None, [Path()], include_ignored=True)
    assert statuses(included) == {"stats.csv": "blocked", ".git": "blocked"}


def test_a_checkout_of_ones_own_runs_no_fsmonitor_either(here: Path) -> None:
    """Also where the configuration is the user's: the gate needs no command from it."""
    git(here, "init", "-q")
    (here / "index.md").write_text("# Figures\n")
    git(here, "add", "index.md")
    git(here, "config", "core.fsmonitor", f"touch {here / 'ran'}; false #")
    assert statuses(check(None, [Path()])) == {"index.md": "clean"}
    assert statuses(check(None, [], staged=True)) == {"index.md": "clean"}
    assert statuses(check(None, [Path("index.md")], staged=True)) == {"index.md": "clean"}
    assert not (here / "ran").exists()


def test_a_partial_clone_never_fetches_a_missing_blob(here: Path) -> None:
    """A lazy fetch runs the repository's ``remote.<name>.uploadpack``: never; the blob that
    is not here cannot be read, and is blocked."""
    source = here / "source"
    source.mkdir()
    git(source, "init", "-q")
    detainee_sheet(4).write_csv(source / "stats.csv")
    git(source, "add", "stats.csv")
    git(source, "commit", "-q", "-m", "stats")
    git(source, "config", "uploadpack.allowFilter", "true")
    clone = here / "clone"
    git(here, "clone", "-q", "--filter=blob:none", "--no-checkout", source.as_uri(), str(clone))
    git(clone, "config", "remote.origin.uploadpack", f"touch {here / 'ran'}; git-upload-pack")
    git(clone, "read-tree", "HEAD")  # staged, and not here
    (clone / "stats.csv").write_text("")  # the work tree's copy is not what is read
    os.chdir(clone)
    result = check(None, [Path("stats.csv")], staged=True)
    assert not (here / "ran").exists()
    assert refusals(result) == {"stats.csv": "the staged content cannot be read from the index"}


def test_a_submodule_whose_git_points_elsewhere_is_walked(here: Path) -> None:
    """A submodule's ``.git`` that is not git's pointer into the checkout's own repository
    (here: into one that ignores everything) is not the user's: every file is checked."""
    elsewhere = here / "elsewhere"
    elsewhere.mkdir()
    git(elsewhere, "init", "-q")
    (elsewhere / ".git" / "info" / "exclude").write_text("*\n")
    project = here / "project"
    project.mkdir()
    git(project, "init", "-q")
    commit = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # a gitlink's id is not read
    git(project, "update-index", "--add", "--cacheinfo", f"160000,{commit},lib")
    (project / "lib").mkdir()
    (project / "lib" / ".git").write_text(f"gitdir: {elsewhere / '.git'}\n")
    detainee_sheet(4).write_csv(project / "lib" / "people.csv")
    os.chdir(project)
    result = check(None, [Path()])
    assert statuses(result)["lib/people.csv"] == "blocked"
    assert result.git_ignored == ()


def test_a_repository_nested_in_the_checkout_is_walked(here: Path) -> None:
    git(here, "init", "-q")
    (here / "index.md").write_text("# Figures\n")
    uploads = here / "uploads"
    uploads.mkdir()
    git(uploads, "init", "-q")
    (uploads / ".git" / "info" / "exclude").write_text("*\n")
    git(uploads, "config", "core.fsmonitor", f"touch {here / 'ran'}; false #")
    detainee_sheet(4).write_csv(uploads / "stats.csv")
    result = check(None, [Path()])
    assert statuses(result) == {
        "index.md": "clean",
        "uploads/stats.csv": "blocked",
        "uploads/.git": "blocked",
    }
    assert refusals(result)["uploads/.git"] == REPOSITORY
    assert not (here / "ran").exists()


def test_a_directory_whose_files_are_all_left_out_is_blocked(here: Path) -> None:
    """Whichever rules leave them out: the user's .gitignore in their checkout, or an
    .approvalignore in a plain directory. A file named alone and left out stays left out."""
    git(here, "init", "-q")
    (here / ".gitignore").write_text("*.log\n")
    (here / "index.md").write_text("# Figures\n")
    (here / "logs").mkdir()
    (here / "logs" / "run.log").write_text("ok\n")
    assert check(None, [Path()]).exit_code == 0  # files were checked: named, not blocking
    logs = check(None, [Path("logs")])
    assert refusals(logs) == {"logs": nothing_checked(1, 0)}
    assert logs.git_ignored == ("logs/",)  # the ignored directory, once
    assert statuses(check(None, [Path("logs")], include_ignored=True)) == {"logs/run.log": "clean"}
    drop = here / "drop"
    drop.mkdir()
    (drop / ".approvalignore").write_text("*\n")
    detainee_sheet(4).write_csv(drop / "stats.csv")
    (here / ".gitignore").write_text("*.log\ndrop/\n")  # a plain directory, named on purpose
    result = check(None, [Path("drop")])
    assert set(refusals(result)) == {"drop", "drop/stats.csv"}
    assert refusals(result)["drop"] == nothing_checked(0, 2)
    assert set(result.left_out) == {"drop/.approvalignore", "drop/stats.csv"}
    # Named alone and left out, it is still scanned: protected, it blocks.
    alone = check(None, [Path("drop/stats.csv")])
    assert (alone.exit_code, alone.left_out) == (1, ("drop/stats.csv",))
    assert refusals(alone)["drop/stats.csv"].startswith("left out by drop/.approvalignore:1")
    # An empty directory left nothing out: nothing to say.
    (here / "empty").mkdir()
    assert check(None, [Path("empty")]).exit_code == 0
