"""In a git work tree, ``approval check`` does not take git's listing as complete: git leaves
things out without an error (finding G1). A ``.git`` file or a directory named ``.git`` that is
not the checkout's own, a directory git cannot open (it warns and exits 0), a git-ignored link:
each was passed in silence. After git's listing, the checked directories are walked again, and
whatever git did not account for is scanned or refused as in a plain directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from approval.files.worktree import (
    LINK_LOOP,
    OWN_REPOSITORY,
    REPOSITORY,
    UNREADABLE,
    _unopened,
    dangling,
    list_files,
)
from approval.workflow.check import CheckResult, check
from tests.corpus.tabular import detainee_sheet
from tests.support import ROOT
from tests.workflow.checking import git

pytestmark = pytest.mark.usefixtures("no_ledger")


def people_csv(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return detainee_sheet(4).write_csv(path)


def checkout(root: Path, ignore: str = "") -> Path:
    """A committed work tree at ``root`` with a site (an index page) and a .gitignore."""
    site = root / "site"
    site.mkdir(parents=True)
    (site / "index.html").write_text("<html>Detention statistics by nationality</html>\n")
    (site / ".gitignore").write_text(ignore)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "-c", "user.email=a@b", "-c", "user.name=a", "commit", "-qm", "site")
    return site


def statuses(result: CheckResult) -> dict[str, str]:
    """Each file's status (the checkout's .gitignore left aside)."""
    return {f.path: f.status for f in result.files if not f.path.endswith(".gitignore")}


def refusals(result: CheckResult) -> dict[str, str]:
    return {f.path: f.refusal or "" for f in result.files if f.refusal}


# -- what git skips by name: every ".git" ----------------------------------------------------


def test_a_dotgit_file_and_a_dotgit_directory_that_is_no_repository_are_checked(
    here: Path,
) -> None:
    site = checkout(here)
    people_csv(site / "sub" / "x.csv").rename(site / "sub" / ".git")  # a file, not a pointer
    people_csv(site / "junk" / ".git" / "people.csv")  # a directory that is no repository
    for include_ignored in (False, True):
        result = check(None, [Path("site")], include_ignored=include_ignored)
        assert result.exit_code == 1
        assert statuses(result) == {
            "site/index.html": "clean",
            "site/sub/.git": "blocked",
            "site/junk/.git": "blocked",
        }
        assert refusals(result)["site/junk/.git"] == REPOSITORY
    # The same tree as a plain directory says the same.
    shutil.copytree(site, here / "plain", symlinks=True)
    os.chdir(here / "plain")
    assert statuses(check(None, [Path()])) == {
        "index.html": "clean",
        "sub/.git": "blocked",
        "junk/.git": "blocked",
    }


def test_a_dotgit_directory_under_a_name_git_folds_is_checked(here: Path) -> None:
    """``core.ignorecase`` (the checked repository's own setting) makes git skip ``.GIT`` too."""
    site = checkout(here)
    git(here, "config", "core.ignorecase", "true")
    people_csv(site / "a" / ".GIT" / "people.csv")
    people_csv(site / "b" / ".Git")
    result = check(None, [Path("site")])
    assert result.exit_code == 1
    blocked = {p for p, s in statuses(result).items() if s == "blocked"}
    assert blocked == {"site/a/.GIT/people.csv", "site/b/.Git"}


def test_the_checkouts_own_git_and_a_submodules_pointer_stay_out(here: Path) -> None:
    """Near-misses: what git keeps out because it is the repository is not content."""
    lib = here / "lib"
    lib.mkdir()
    (lib / "README.md").write_text("# Shared styles\n")
    git(lib, "init", "-q")
    git(lib, "add", ".")
    git(lib, "-c", "user.email=a@b", "-c", "user.name=a", "commit", "-qm", "lib")
    web = here / "web"
    checkout(web)
    git(web, "submodule", "add", "-q", str(lib), "site/lib")
    os.chdir(web)
    result = check(None, [Path()])
    assert result.exit_code == 0
    assert set(statuses(result)) >= {"site/index.html", "site/lib/README.md", ".gitmodules"}
    assert not refusals(result)
    assert {n.path: n.reason for n in result.skipped} == {".git": OWN_REPOSITORY}


def test_what_git_does_not_list_at_all_is_refused(here: Path) -> None:
    """Git skips a named pipe in silence: a plain directory's check refuses it, and so does
    this one, untracked or git-ignored."""
    site = checkout(here, "*.fifo\n")
    os.mkfifo(site / "feed")
    os.mkfifo(site / "old.fifo")
    result = check(None, [Path("site")])
    assert result.exit_code == 1
    assert set(refusals(result)) == {"site/feed", "site/old.fifo"}
    assert {f.report.format for f in result.files if f.refusal} == {"special"}


# -- git-ignored links: followed as a server follows them -------------------------------------


def test_git_ignored_links_are_followed_wherever_they_lead(here: Path) -> None:
    people_csv(here / "private" / "people.csv")
    people_csv(here / "private" / "sub" / "more.csv")
    site = checkout(here / "web", "*.csv\ncache/\n")
    os.chdir(here / "web")
    (site / "abs.csv").symlink_to(here / "private" / "people.csv")
    (site / "rel.csv").symlink_to("../../private/people.csv")
    (site / "cache").mkdir()
    (site / "cache" / "dump").symlink_to(here / "private" / "sub", target_is_directory=True)
    (site / "cache" / "p.csv").symlink_to(here / "private" / "people.csv")
    result = check(None, [Path("site")])
    assert result.exit_code == 1
    blocked = {p for p, s in statuses(result).items() if s == "blocked"}
    assert blocked == {
        "site/abs.csv",
        "site/rel.csv",
        "site/cache/dump/more.csv",
        "site/cache/p.csv",
    }
    assert {n.path for n in result.outside} == {
        "site/abs.csv",
        "site/rel.csv",
        "site/cache/dump",
        "site/cache/p.csv",
    }


def test_git_ignored_links_that_cannot_be_resolved_are_refused(here: Path) -> None:
    site = checkout(here, "*.csv\ncache/\n")
    (site / "gone.csv").symlink_to("/nonexistent/people.csv")
    (site / "cache").mkdir()
    (site / "cache" / "a").symlink_to("b")
    (site / "cache" / "b").symlink_to("a")
    result = check(None, [Path("site")])
    assert result.exit_code == 1
    assert refusals(result) == {
        "site/gone.csv": dangling("/nonexistent/people.csv"),
        "site/cache/a": LINK_LOOP,
        "site/cache/b": LINK_LOOP,
    }


def test_a_git_ignored_link_to_a_clean_file_passes(here: Path) -> None:
    """Near-miss: the ignored link is followed, and what it reaches is clean."""
    (here / "totals.txt").write_text("year,count\n2022,1204\n")
    site = checkout(here / "web", "*.csv\n")
    os.chdir(here / "web")
    (site / "totals.csv").symlink_to(here / "totals.txt")
    result = check(None, [Path("site")])
    assert result.exit_code == 0
    assert result.git_ignored == ("site/totals.csv",)


# -- directories git cannot open ---------------------------------------------------------------


def test_git_warns_of_a_directory_it_cannot_open_and_that_is_a_refusal(here: Path) -> None:
    warned = (
        b"warning: could not open directory 'site/uploads/': Permission denied\n"
        b"warning: could not open directory 'a b/c\\'d/': Permission denied\n"
        b"warning: something else\n"
    )
    assert _unopened(here, warned, "w") == [
        ("w/site/uploads/", "site/uploads/"),
        ("w/a b/c\\'d/", "a b/c\\'d/"),
    ]
    assert _unopened(here, b"", None) == []


@contextmanager
def unreadable(directory: Path) -> Iterator[list[str]]:
    """``directory`` made unreadable to the checking user; yields the command prefix that runs
    as that user: root without its capabilities (setpriv), the directory owned by another user,
    as a web server's upload directory is; as anyone else, the directory at mode 0."""
    if os.geteuid() != 0:
        directory.chmod(0)
        try:
            yield []
        finally:
            directory.chmod(0o700)
        return
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: a directory cannot be made unreadable")
    os.chown(directory, 65534, 65534)
    directory.chmod(0o700)
    try:
        yield ["setpriv", "--inh-caps=-all", "--bounding-set=-all"]
    finally:
        os.chown(directory, 0, 0)


_LIST = """
import json, sys
from pathlib import Path
from approval.files.worktree import list_files
listed = list_files([Path("site")], include_ignored=sys.argv[1] == "1")
print(json.dumps({"refused": {n.path: n.reason for n in listed.refused},
                  "files": list(listed.files)}))
"""


def listed_as(user: list[str], include_ignored: bool) -> dict[str, object]:
    done = subprocess.run(
        [*user, sys.executable, "-c", _LIST, "1" if include_ignored else "0"],
        capture_output=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return dict(json.loads(done.stdout))


@pytest.mark.parametrize("ignore", ["uploads/\n", "", "*.csv\n"])
def test_a_directory_git_cannot_open_is_refused(here: Path, ignore: str) -> None:
    """Git-ignored, untracked or holding only ignored files; with and without
    --include-ignored; a plain directory does the same (test_check_tree)."""
    site = checkout(here, ignore)
    people_csv(site / "uploads" / "people.csv")
    with unreadable(site / "uploads") as user:
        for include_ignored in (False, True):
            listed = listed_as(user, include_ignored)
            assert listed["refused"] == {"site/uploads": UNREADABLE}
            assert set(listed["files"]) == {"site/index.html", "site/.gitignore"}  # type: ignore[arg-type]
    people_csv(site / "uploads" / "more.csv")  # readable again: read as any
    assert "site/uploads" not in {n.path for n in list_files([Path("site")]).refused}


def test_the_cli_blocks_a_git_ignored_directory_it_cannot_read(here: Path) -> None:
    site = checkout(here, "uploads/\n")
    people_csv(site / "uploads" / "people.csv")
    with unreadable(site / "uploads") as user:
        done = subprocess.run(
            [*user, sys.executable, "-m", "approval", "check", "site"],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"site/uploads: BLOCKED ({UNREADABLE})" in done.stdout
    assert "Traceback" not in done.stderr
