"""``check --staged`` and symbolic links (finding f_dangling_link): a commit holds a link as its
text, and what it serves is whatever the text names where the tree is published (``rsync -L``,
nginx). A staged link is checked by what it reaches in the work tree when the link there is
the one staged and it resolves inside the checkout; anything else (dangling, absolute, leaving
the checkout) is blocked. ``.approvalignore`` is the explicit way to leave one out."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from approval.demo.synthetic import aggregate_csv
from approval.files.worktree import dangling
from approval.workflow.check import CheckResult, check
from tests.corpus.tabular import detainee_sheet
from tests.workflow.checking import git

pytestmark = pytest.mark.usefixtures("no_ledger")


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    """A checkout whose private/ is git-ignored (never committed, here on the publisher's
    machine), a clean figures file, and a site/ to link from."""
    root = tmp_path / "repo"
    (root / "site").mkdir(parents=True)
    (root / "private").mkdir()
    detainee_sheet(4).write_csv(root / "private" / "people.csv")
    aggregate_csv(root / "figures.csv")
    (root / ".gitignore").write_text("private/\n")
    git(root, "init", "-q")
    git(root, "add", ".gitignore", "figures.csv")
    git(root, "commit", "-q", "-m", "start")
    before = Path.cwd()
    os.chdir(root)
    yield root
    os.chdir(before)


def stage_link(repo: Path, name: str, target: str | Path) -> None:
    (repo / name).symlink_to(target)
    git(repo, "add", name)


def by_path(result: CheckResult) -> dict[str, tuple[str, str | None]]:
    return {f.path: (f.status, f.refusal) for f in result.files}


def test_a_staged_link_to_a_protected_file_is_checked_and_blocked(repo: Path) -> None:
    stage_link(repo, "site/stats.csv", "../private/people.csv")
    result = check(None, [], staged=True)
    assert by_path(result) == {"site/stats.csv": ("blocked", None)}
    assert result.files[0].report.verdict == "protected"
    # Named by pre-commit, too.
    assert by_path(check(None, [Path("site/stats.csv")], staged=True)) == by_path(result)


def test_a_staged_link_to_a_clean_file_in_the_tree_passes(repo: Path) -> None:
    stage_link(repo, "site/figures.csv", "../figures.csv")
    result = check(None, [], staged=True)
    assert by_path(result) == {"site/figures.csv": ("clean", None)}
    assert result.exit_code == 0


def test_a_staged_link_to_a_directory_is_walked(repo: Path) -> None:
    (repo / "site" / "data").symlink_to("../private", target_is_directory=True)
    git(repo, "add", "site/data")
    assert by_path(check(None, [], staged=True)) == {"site/data/people.csv": ("blocked", None)}


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("../private/gone.csv", dangling("../private/gone.csv")),
        ("../../outside.csv", "a link to ../../outside.csv, which leads out of the checkout: "
         "it cannot be checked here"),
    ],
)  # fmt: skip
def test_a_staged_link_that_cannot_be_read_here_is_blocked(
    repo: Path, target: str, reason: str
) -> None:
    aggregate_csv(repo.parent / "outside.csv")  # there, and clean: still not the checkout's
    stage_link(repo, "site/stats.csv", target)
    result = check(None, [], staged=True)
    assert by_path(result) == {"site/stats.csv": ("blocked", reason)}
    assert result.files[0].report.format == "unresolved-link"


def test_a_staged_link_to_an_absolute_path_is_blocked(repo: Path) -> None:
    """It serves what each host holds at that path: here a clean file, on the deploy host
    perhaps the list of people."""
    target = repo / "figures.csv"
    stage_link(repo, "site/stats.csv", target)
    status, reason = by_path(check(None, [], staged=True))["site/stats.csv"]
    assert status == "blocked"
    assert reason == (
        f"a link to {target}, an absolute path: it serves whatever each host holds there"
    )


def test_a_link_changed_since_it_was_staged_is_blocked(repo: Path) -> None:
    stage_link(repo, "site/stats.csv", "../private/people.csv")
    (repo / "site" / "stats.csv").unlink()
    (repo / "site" / "stats.csv").symlink_to("../figures.csv")  # clean, and not what is staged
    status, reason = by_path(check(None, [], staged=True))["site/stats.csv"]
    assert status == "blocked"
    assert reason == (
        "a link to ../private/people.csv, staged, while the work tree holds something else there"
    )


def test_approvalignore_leaves_a_staged_link_out(repo: Path) -> None:
    (repo / ".approvalignore").write_text("site/stats.csv\n")
    git(repo, "add", ".approvalignore")
    stage_link(repo, "site/stats.csv", "../private/gone.csv")
    result = check(None, [], staged=True)
    assert result.exit_code == 0
    assert result.left_out == ("site/stats.csv",)


def test_a_left_out_link_is_checked_by_what_it_reaches(repo: Path) -> None:
    """Left out by the staged .approvalignore, a link that resolves here is committed and
    serves its target all the same: what it reaches is scanned, and blocks with the rule."""
    (repo / ".approvalignore").write_text("site/\n")
    git(repo, "add", ".approvalignore")
    stage_link(repo, "site/stats.csv", "../private/people.csv")
    result = check(None, [], staged=True)
    assert result.exit_code == 1
    status, refusal = by_path(result)["site/stats.csv"]
    assert status == "blocked"
    assert (refusal or "").startswith("left out by .approvalignore (staged):1, but it holds")


def test_a_left_out_file_whose_staged_bytes_cannot_be_read_is_blocked(repo: Path) -> None:
    (repo / ".approvalignore").write_text("site/\n")
    (repo / "site" / "people.csv").write_bytes((repo / "private" / "people.csv").read_bytes())
    git(repo, "add", ".approvalignore", "site/people.csv")
    blob = git(repo, "rev-parse", ":site/people.csv").decode().strip()
    (repo / ".git" / "objects" / blob[:2] / blob[2:]).unlink()  # a partial clone's lost blob
    result = check(None, [], staged=True)
    assert result.exit_code == 1
    assert by_path(result)["site/people.csv"][0] == "blocked"


def test_the_cli_says_why_and_what_to_do(repo: Path) -> None:
    stage_link(repo, "site/stats.csv", "../private/gone.csv")
    env = {k: v for k, v in os.environ.items() if k != "APPROVAL_LEDGER"}
    done = subprocess.run(
        [sys.executable, "-m", "approval", "check", "--staged"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[:2] == [
        "site/stats.csv: BLOCKED (a link to ../private/gone.csv that cannot be read here)",
        "  hint: check it where it resolves, or remove it (or leave it out with .approvalignore)",
    ]
