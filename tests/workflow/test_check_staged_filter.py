"""``check --staged`` and clean filters (Git LFS): the staged blob of a filtered file is the
filter's output, a pointer, while the bytes pushed to the LFS store and checked out everywhere
are the work tree's. Such a file is checked by its work-tree bytes when the same filter makes
exactly the staged blob of them, and blocked otherwise: never passed on a pointer (finding
f_lfs_staged). A pointer with nothing behind it is blocked in a plain check too.

A filter is a command: the gate runs one only when it is configured outside the checked
repository (the user's global configuration, where ``git lfs install`` puts it), never one the
repository's own configuration defines (finding f_planted_git)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from approval.demo.synthetic import aggregate_csv
from approval.files.worktree import FILTERED, LFS_POINTER, LOCAL_FILTER
from approval.workflow.check import CheckResult, check
from tests.corpus.tabular import detainee_sheet
from tests.workflow.checking import git

# A clean filter that does what git-lfs's does to the blob (git-lfs is not needed): the content
# is replaced by a pointer naming its hash.
_CLEAN = (
    "printf 'version https://git-lfs.github.com/spec/v1\\noid sha1:%s\\n' "
    '"$(git hash-object --stdin)"'
)


pytestmark = pytest.mark.usefixtures("no_ledger")


def global_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A global git configuration of the test's own (``git config --global`` writes there)."""
    config = tmp_path / "gitconfig"
    config.write_text(Path(os.environ["GIT_CONFIG_GLOBAL"]).read_text())
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A repository whose CSV files are stored through an LFS-style clean filter, configured
    where ``git lfs install`` configures it: the user's global configuration."""
    global_config(tmp_path, monkeypatch)
    git(tmp_path, "config", "--global", "filter.lfs.clean", _CLEAN)
    git(tmp_path, "config", "--global", "filter.lfs.smudge", "cat")
    git(tmp_path, "config", "--global", "filter.lfs.required", "true")
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    (root / ".gitattributes").write_text("*.csv filter=lfs diff=lfs merge=lfs -text\n")
    git(root, "add", ".gitattributes")
    before = Path.cwd()
    os.chdir(root)
    yield root
    os.chdir(before)


def by_path(result: CheckResult) -> dict[str, tuple[str, str | None]]:
    return {f.path: (f.status, f.refusal) for f in result.files}


def test_the_work_tree_bytes_are_checked_not_the_pointer(repo: Path) -> None:
    people = detainee_sheet(4).write_csv(repo / "stats.csv")
    git(repo, "add", "stats.csv")
    staged_blob = subprocess.run(
        ["git", "cat-file", "-p", ":stats.csv"], cwd=repo, capture_output=True, check=True
    ).stdout
    assert staged_blob.startswith(b"version https://git-lfs.github.com/spec/v1")
    result = check(None, [], staged=True)
    assert result.exit_code == 1
    (checked,) = [f for f in result.files if f.path == "stats.csv"]
    assert checked.status == "blocked" and checked.refusal is None  # scanned, and protected
    assert checked.report.verdict == "protected"
    assert checked.report.sha256 == hashlib.sha256(people.read_bytes()).hexdigest()


def test_a_clean_file_through_the_filter_passes(repo: Path) -> None:
    aggregate_csv(repo / "figures.csv")
    git(repo, "add", "figures.csv")
    result = check(None, [Path("figures.csv")], staged=True)
    assert by_path(result) == {"figures.csv": ("clean", None)}


def test_a_work_tree_that_is_not_what_was_staged_blocks(repo: Path) -> None:
    """The committed content is then nowhere to read: the work tree holds other bytes."""
    detainee_sheet(4).write_csv(repo / "stats.csv")
    git(repo, "add", "stats.csv")
    aggregate_csv(repo / "stats.csv")  # clean now; what was staged is not
    result = check(None, [], staged=True)
    status, reason = by_path(result)["stats.csv"]
    assert status == "blocked"
    assert reason is not None and reason.startswith(f"{FILTERED} 'lfs'")
    assert "not what was staged" in reason
    (repo / "stats.csv").unlink()
    status, reason = by_path(check(None, [], staged=True))["stats.csv"]
    assert status == "blocked" and reason is not None and "not in the work tree" in reason


def test_a_pointer_staged_without_a_filter_is_not_content(repo: Path) -> None:
    """A pointer committed as it is (the attribute dropped): nothing behind it can be read."""
    (repo / ".gitattributes").write_text("")
    git(repo, "add", ".gitattributes")
    (repo / "stats.csv").write_text(
        "version https://git-lfs.github.com/spec/v1\noid sha256:" + "0" * 64 + "\nsize 9000\n"
    )
    git(repo, "add", "stats.csv")
    status, reason = by_path(check(None, [], staged=True))["stats.csv"]
    assert (status, reason) == ("blocked", LFS_POINTER)


def test_a_work_tree_pointer_staged_again_through_the_filter_blocks(repo: Path) -> None:
    """A checkout without LFS content (GIT_LFS_SKIP_SMUDGE): the filter keeps the pointer as
    it is, so the staged blob matches, and still nothing real was read."""
    pointer = "version https://git-lfs.github.com/spec/v1\noid sha1:" + "1" * 40 + "\n"
    (repo / "stats.csv").write_text(pointer)
    # git-lfs's clean passes a pointer through
    git(repo, "config", "--global", "filter.lfs.clean", "cat")
    git(repo, "add", "stats.csv")
    status, reason = by_path(check(None, [], staged=True))["stats.csv"]
    assert (status, reason) == ("blocked", LFS_POINTER)


def test_a_pointer_in_a_checked_tree_blocks(tmp_path: Path) -> None:
    """CI checked out without LFS files: the pointers are not what the repository publishes."""
    (tmp_path / "stats.csv").write_text(
        "version https://git-lfs.github.com/spec/v1\noid sha256:" + "0" * 64 + "\nsize 9000\n"
    )
    (tmp_path / "notes.txt").write_text("version https://git-lfs.github.com/spec/v1 is a URL\n")
    result = check(None, [tmp_path])
    statuses = {Path(f.path).name: (f.status, f.refusal) for f in result.files}
    assert statuses["stats.csv"] == ("blocked", LFS_POINTER)
    assert statuses["notes.txt"] == ("clean", None)  # no oid line: not a pointer, scanned
    big = tmp_path / "big.txt"
    big.write_text("version https://git-lfs.github.com/spec/v1\n" + "figures\n" * 200)
    assert {Path(f.path).name: f.status for f in check(None, [big]).files} == {"big.txt": "clean"}


@pytest.mark.parametrize("setting", ["clean", "process"])
def test_a_filter_the_repository_defines_is_not_run(repo: Path, setting: str) -> None:
    """A repository's own configuration (a planted one, or one that came with the tree) names
    the command; the gate does not run it, and blocks the file it would have read."""
    detainee_sheet(4).write_csv(repo / "stats.csv")
    git(repo, "add", "stats.csv")  # staged through the user's filter
    ran = repo.parent / "ran"
    git(repo, "config", f"filter.lfs.{setting}", f"touch {ran}; cat")
    result = check(None, [], staged=True)
    assert not ran.exists()
    status, reason = by_path(result)["stats.csv"]
    assert status == "blocked"
    assert reason == (
        f"{FILTERED} 'lfs', which this repository's own git configuration defines: not run"
    )
    assert {f.path: f.report.format for f in result.files}["stats.csv"] == LOCAL_FILTER


def test_the_users_own_filter_set_in_the_repository_too_is_run(repo: Path) -> None:
    """``git lfs install --local`` where git-lfs is also installed globally: the command is
    the user's, wherever else it is written."""
    detainee_sheet(4).write_csv(repo / "stats.csv")
    git(repo, "add", "stats.csv")
    git(repo, "config", "filter.lfs.clean", _CLEAN)
    (checked,) = [f for f in check(None, [], staged=True).files if f.path == "stats.csv"]
    assert (checked.status, checked.refusal, checked.report.verdict) == (
        "blocked", None, "protected"
    )  # fmt: skip


def test_the_cli_says_why_and_what_to_do(repo: Path) -> None:
    detainee_sheet(4).write_csv(repo / "stats.csv")
    git(repo, "add", "stats.csv")
    (repo / "stats.csv").unlink()
    env = {k: v for k, v in os.environ.items() if k != "APPROVAL_LEDGER"}
    done = subprocess.run(
        [sys.executable, "-m", "approval", "check", "--staged"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == (
        f"stats.csv: BLOCKED ({FILTERED} 'lfs', and not in the work tree: no content to read)"
    )
    assert (
        lines[1]
        == "  hint: stage it again (git add), so that the work tree holds what is committed"
    )
