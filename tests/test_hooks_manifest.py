"""The shipped pre-commit hook (``.pre-commit-hooks.yaml``) sees every staged change (finding
G1): pre-commit's default file filter (``types: [file]``) drops staged symbolic links and
submodules, and a merge commit runs git's ``pre-merge-commit`` hook, never ``pre-commit``. The
hook passes no file names (``check --staged`` reads the index), always runs, and is offered for
merge commits; the README's local hook says the same."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.corpus.tabular import detainee_sheet
from tests.support import ROOT


def manifest() -> dict[str, Any]:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    return dict(hook)


def test_the_hook_reads_the_index_itself_and_runs_for_merges() -> None:
    hook = manifest()
    assert hook["id"] == "approval-check"
    assert shlex.split(hook["entry"]) == ["approval", "check", "--staged"]
    assert hook["pass_filenames"] is False  # links and submodules are not "files" to pre-commit
    assert hook["always_run"] is True  # a commit of only a link still runs the gate
    assert {"pre-commit", "pre-merge-commit"} <= set(hook["stages"])
    assert "types" not in hook and "files" not in hook  # nothing filters what it sees


def test_the_readme_local_hook_agrees_with_the_manifest() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.DOTALL)
    local = [b for b in blocks if "repo: local" in b and "approval-check" in b]
    assert len(local) == 1
    (repo,) = yaml.safe_load(local[0])["repos"]
    (hook,) = repo["hooks"]
    shipped = manifest()
    for key in ("id", "entry", "pass_filenames", "always_run", "require_serial", "stages"):
        assert hook[key] == shipped[key], key
    assert "pre-merge-commit" in readme.partition("### pre-commit")[2].partition("\n## ")[0]


def git(where: Path, *args: str) -> str:
    command = ["git", "-c", "user.email=a@b", "-c", "user.name=a", *args]
    return subprocess.run(command, cwd=where, check=True, capture_output=True, text=True).stdout


def run_entry(where: Path) -> subprocess.CompletedProcess[str]:
    """The hook's entry as pre-commit runs it with ``pass_filenames: false``: no names."""
    _, *args = shlex.split(manifest()["entry"])
    environment = {k: v for k, v in os.environ.items() if k != "APPROVAL_LEDGER"}
    return subprocess.run(
        [sys.executable, "-m", "approval", *args],
        cwd=where,
        env={**environment, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "web"
    (root / "site").mkdir(parents=True)
    (root / "site" / "index.html").write_text("<html>Detention statistics</html>\n")
    (root / "private").mkdir()
    detainee_sheet(4).write_csv(root / "private" / "people.csv")
    (root / ".gitignore").write_text("private/\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-qm", "init")
    return root


def test_a_commit_of_links_alone_is_gated(site: Path) -> None:
    (site / "site" / "people.csv").symlink_to("../private/people.csv")
    (site / "site" / "all.csv").symlink_to("/srv/shared/people.csv")
    git(site, "add", "site")
    done = run_entry(site)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "site/people.csv: BLOCKED" in done.stdout
    assert "site/all.csv: BLOCKED" in done.stdout


def test_a_merge_of_a_branch_committed_without_the_hook_is_gated(site: Path) -> None:
    git(site, "checkout", "-qb", "colleague")
    shutil.copy(site / "private" / "people.csv", site / "site" / "people.csv")
    git(site, "add", "site/people.csv")
    git(site, "commit", "-qm", "from a clone without the hook", "--no-verify")
    git(site, "checkout", "-q", "main")
    (site / "site" / "other.html").write_text("<html>More figures</html>\n")
    git(site, "add", "site/other.html")
    git(site, "commit", "-qm", "other")
    # What pre-merge-commit sees: the merge staged, not yet committed.
    git(site, "merge", "--no-commit", "--no-ff", "-q", "colleague")
    done = run_entry(site)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "site/people.csv: BLOCKED" in done.stdout
    git(site, "merge", "--abort")
    assert run_entry(site).returncode == 0  # nothing staged: nothing to block


@pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit is not installed")
def test_pre_commit_itself_runs_the_hook_for_a_staged_link(site: Path, tmp_path: Path) -> None:
    hook = {**manifest(), "language": "system"}
    hook["entry"] = f"{sys.executable} -m approval check --staged"
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    (site / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    git(site, "add", ".pre-commit-config.yaml")
    git(site, "commit", "-qm", "hooks", "--no-verify")
    (site / "site" / "people.csv").symlink_to("../private/people.csv")
    git(site, "add", "site/people.csv")
    environment = {k: v for k, v in os.environ.items() if k != "APPROVAL_LEDGER"}
    done = subprocess.run(
        ["pre-commit", "run", "--hook-stage", "pre-commit"],
        cwd=site,
        env={**environment, "PYTHONPATH": str(ROOT), "PRE_COMMIT_HOME": str(tmp_path / "pc")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "site/people.csv: BLOCKED" in done.stdout
