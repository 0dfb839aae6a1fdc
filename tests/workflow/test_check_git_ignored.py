"""What git ignores is not checked by default (a repository's ``.venv`` would be scanned in every
CI run) but never passes unsaid: every git-ignored file, or ignored directory once, is named,
whichever rule ignores it (``.gitignore``, ``.git/info/exclude``, the user's
``core.excludesFile``); ``--include-ignored`` checks them as any other file, which a web root
deployed as a git checkout needs, since the web server serves them (finding f_gitignore).

Git's ignore rules are the user's only in the checkout the check runs in (finding
f_planted_git): these tests run inside it; tests/workflow/test_check_untrusted_tree.py checks
a work tree from outside."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from approval.workflow.check import check
from tests.corpus.tabular import detainee_sheet
from tests.workflow.checking import git, statuses

pytestmark = pytest.mark.usefixtures("no_ledger")


def people_csv(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return detainee_sheet(4).write_csv(path)


@pytest.fixture
def webroot(here: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A web root deployed as a git checkout: an index page committed, and protected files that
    git ignores by each of its three rules, which the web server serves all the same. The check
    runs in it, as a deploy job in the checkout does."""
    root = here / "www"
    root.mkdir()
    git(root, "init", "-q")
    (root / "index.html").write_text("<html>Detention statistics</html>\n")
    (root / ".gitignore").write_text("uploads/\n")
    people_csv(root / "uploads" / "detention-stats.csv")
    people_csv(root / "local-only.csv")
    (root / ".git" / "info" / "exclude").write_text("local-only.csv\n")
    excludes = here / "global-ignore"
    excludes.write_text("*.bak\n")
    people_csv(root / "stats.csv.bak")
    config = here / "gitconfig"
    config.write_text(
        f"{Path(os.environ['GIT_CONFIG_GLOBAL']).read_text()}[core]\n\texcludesFile = {excludes}\n"
    )
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    os.chdir(root)  # the ``here`` fixture restores the directory
    return root


def test_git_ignored_files_are_named_whichever_rule_ignores_them(webroot: Path) -> None:
    """And scanned: a protected one blocks (a web server serves it), named with the rule that
    left it out; a clean one is only named."""
    (webroot / "uploads" / "logo.txt").write_text("a logo\n")
    result = check(None, [Path()])
    left = "left-out-file"
    assert {f.path: (f.status, f.report.format) for f in result.files} == {
        ".gitignore": ("clean", "text"),
        "index.html": ("clean", "html"),
        "local-only.csv": ("blocked", left),
        "stats.csv.bak": ("blocked", left),
        "uploads/detention-stats.csv": ("blocked", left),
    }
    rules = {f.path: (f.refusal or "").partition(", but")[0] for f in result.files}
    assert rules["local-only.csv"] == "left out by .git/info/exclude:1: local-only.csv"
    assert rules["stats.csv.bak"] == f"left out by {webroot.parent / 'global-ignore'}:1: *.bak"
    assert rules["uploads/detention-stats.csv"] == "left out by .gitignore:1: uploads/"
    assert result.exit_code == 1
    assert result.git_ignored == ("local-only.csv", "stats.csv.bak", "uploads/")
    document = result.to_dict()
    assert document["git_ignored"] == list(result.git_ignored)
    assert document["summary"]["git_ignored"] == 3
    assert document["ignored"] == [] and document["summary"]["ignored"] == 0  # unchanged meaning
    entry = next(f for f in document["files"] if f["path"] == "local-only.csv")
    assert (entry["format"], entry["status"]) == (left, "blocked")
    assert entry["reason"].startswith("left out by .git/info/exclude:1")
    # Clean files left out stay merely named: the checkout's .venv passes.
    for path in ("local-only.csv", "stats.csv.bak", "uploads/detention-stats.csv"):
        (webroot / path).write_text("figures\n")
    clean = check(None, [Path()])
    assert (clean.exit_code, len(clean.files)) == (0, 2)
    assert clean.git_ignored == result.git_ignored


def test_include_ignored_checks_them_as_any_other_file(webroot: Path) -> None:
    result = check(None, [Path()], include_ignored=True)
    assert result.exit_code == 1
    assert statuses(result) == {
        # The checkout's own repository is served too (GET /.git/config): blocked as content.
        ".git": "blocked",
        ".gitignore": "clean",
        "index.html": "clean",
        "local-only.csv": "blocked",
        "stats.csv.bak": "blocked",
        "uploads/detention-stats.csv": "blocked",
    }
    assert result.git_ignored == ()
    # .approvalignore still applies, and is still named.
    (webroot / ".approvalignore").write_text("*.bak\n")
    kept = check(None, [Path()], include_ignored=True)
    assert kept.left_out == ("stats.csv.bak",)
    # Left out, and protected: blocked all the same, as left out.
    assert {f.path: f.report.format for f in kept.files}["stats.csv.bak"] == "left-out-file"
    # Left out by .approvalignore like anything else (a deploy that never copies it).
    (webroot / ".approvalignore").write_text("*.bak\n.git\n")
    assert ".git" not in statuses(check(None, [Path()], include_ignored=True))


def test_an_ignored_directory_is_named_once_and_a_tracked_file_in_it_is_checked(
    here: Path,
) -> None:
    git(here, "init", "-q")
    (here / ".gitignore").write_text("build/\n__pycache__/\n*.log\n")
    (here / "build").mkdir()
    (here / "build" / "keep.txt").write_text("kept\n")
    git(here, "add", "-f", "build/keep.txt")  # tracked: published whatever .gitignore says
    people_csv(here / "build" / "out.csv")
    (here / "pkg" / "__pycache__").mkdir(parents=True)
    (here / "pkg" / "__pycache__" / "m.pyc").write_bytes(b"\x00")
    (here / "pkg" / "m.py").write_text("x = 1\n")
    (here / "pkg" / "run.log").write_text("ok\n")
    (here / "empty" / "__pycache__").mkdir(parents=True)  # serves nothing: not named
    result = check(None, [Path()])
    assert "build/keep.txt" in statuses(result)
    assert result.git_ignored == ("build/out.csv", "pkg/__pycache__/", "pkg/run.log")
    # Narrowed to a directory, only what is ignored under it.
    assert check(None, [Path("pkg")]).git_ignored == ("pkg/__pycache__/", "pkg/run.log")


def test_the_ignored_directory_the_user_stands_in_is_named_dot(webroot: Path) -> None:
    os.chdir(webroot / "uploads")  # the ``here`` fixture restores it
    result = check(None, [Path("..")])
    assert "./" in result.git_ignored
    assert "" not in result.git_ignored


def test_a_nested_repository_is_checked_whole_its_ignore_rules_not_used(here: Path) -> None:
    """A repository inside the checkout that is not one of its submodules is not the user's
    checkout: anyone who could write there could have made it, its ignore rules included."""
    git(here, "init", "-q")
    (here / "index.html").write_text("<html></html>\n")
    nested = here / "vendor"
    nested.mkdir()
    git(nested, "init", "-q")
    (nested / ".gitignore").write_text("dump.csv\n")
    people_csv(nested / "dump.csv")
    (nested / "readme.txt").write_text("a vendored tool\n")
    for result in (check(None, [Path()]), check(None, [Path()], include_ignored=True)):
        assert result.git_ignored == ()
        assert statuses(result)["vendor/dump.csv"] == "blocked"
        assert statuses(result)["vendor/.git"] == "blocked"
        assert statuses(result)["vendor/readme.txt"] == "clean"


def test_the_cli_names_them_and_tells_web_roots_what_to_do(webroot: Path) -> None:
    for n in range(25):
        (webroot / f"note{n:02}.txt").write_text("figures\n")
    (webroot / ".gitignore").write_text("uploads/\nnote*.txt\n")
    env = {k: v for k, v in os.environ.items() if k != "APPROVAL_LEDGER"}
    command = [sys.executable, "-m", "approval", "check", "."]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    blocked = lines.index(
        "local-only.csv: BLOCKED (left out by .git/info/exclude:1: local-only.csv, but it holds "
        "protected data (protected-person): a web server serves it all the same)"
    )
    assert lines[blocked + 1] == (
        "  hint: approve it, remove it, or move it out of the published tree"
    )
    named = [line for line in lines if line.endswith(": left out: ignored by git")]
    assert len(named) == 20
    assert "local-only.csv: left out: ignored by git" in named
    assert "... and 8 more ignored by git (--format json lists them all)" in lines
    assert any("--include-ignored" in line for line in lines if line.startswith("hint:"))
    assert lines[-1].startswith(
        "5 files: 2 clean, 0 approved, 3 blocked; 28 ignored by git (scanned: protected ones block)"
    )
    as_json = subprocess.run([*command, "--format", "json"], env=env, text=True,
                             capture_output=True, check=False)  # fmt: skip
    document = json.loads(as_json.stdout)
    assert len(document["git_ignored"]) == document["summary"]["git_ignored"] == 28
    assert "uploads/" in document["git_ignored"]  # the directory, once


def test_include_ignored_with_staged_is_a_usage_error(webroot: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "approval", "check", "--staged", "--include-ignored"],
        cwd=webroot,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == (
        "error: --include-ignored checks a tree, not the staged files"
    )
