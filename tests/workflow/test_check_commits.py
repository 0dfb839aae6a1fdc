"""``approval check --commits RANGE`` checks every blob a range of commits added or changed
(finding attack_gate #3): a push publishes every commit it carries, so a list committed and
deleted in the same push is blocked, named ``<commit>:<path>``; each blob is checked as a file
(scanned, the names-as-data rule on its path, ``.approvalignore`` as for a left-out file), a
link by its path and target as names; what cannot be read (a partial clone's missing blob, an
LFS pointer whose content is not here) is blocked, never fetched."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest

from approval.files.history import MISSING
from approval.workflow.check import check
from tests.corpus.tabular import detainee_sheet
from tests.support import run_approval
from tests.workflow.checking import commit, git, statuses

pytestmark = pytest.mark.usefixtures("no_ledger")

NAMED = "Maria Lopez A212345678 asylum granted.txt"


@pytest.fixture
def repo(here: Path) -> Path:
    """A repository with one clean commit, the current directory."""
    git(here, "init", "-q")
    (here / "index.md").write_text("# Detention statistics\n")
    commit(here, "site")
    return here


def added_and_deleted(repo: Path) -> tuple[str, str]:
    """The base, and the commit that added a protected list deleted by the next one."""
    base = git(repo, "rev-parse", "HEAD").decode().strip()
    detainee_sheet(4).write_csv(repo / "detainees.csv")
    added = commit(repo, "figures")
    (repo / "detainees.csv").unlink()
    commit(repo, "oops")
    return base, added


def test_a_list_added_and_deleted_in_the_range_is_blocked(repo: Path) -> None:
    base, added = added_and_deleted(repo)
    assert check(None, [Path()]).exit_code == 0  # the tree alone: nothing there
    result = check(None, [Path()], commits=[f"{base}..HEAD"])
    assert result.exit_code == 1
    assert statuses(result) == {"index.md": "clean", f"{added[:12]}:detainees.csv": "blocked"}
    assert result.commits == 2
    (blocked,) = [f for f in result.files if f.commit]
    assert blocked.commit == added
    out = result.to_dict()
    assert out["summary"]["commits"] == 2
    (entry,) = [f for f in out["files"] if "commit" in f]
    assert entry == {**entry, "path": f"{added[:12]}:detainees.csv", "commit": added}
    # Past the range, nothing.
    after = check(None, [], commits=[f"{added}..HEAD"])
    assert after.exit_code == 0 and after.commits == 1


def test_the_same_bytes_at_two_paths_are_each_decided(repo: Path) -> None:
    """Scanned once (``_scan_all``), reported under each path, with its own name."""
    base = git(repo, "rev-parse", "HEAD").decode().strip()
    detainee_sheet(4).write_csv(repo / "a.csv")
    detainee_sheet(4).write_csv(repo / "b.csv")
    added = commit(repo, "twice")
    result = check(None, [Path()], commits=[f"{base}..HEAD"])
    assert statuses(result) == {
        "index.md": "clean",
        "a.csv": "blocked",
        "b.csv": "blocked",
        f"{added[:12]}:a.csv": "blocked",
        f"{added[:12]}:b.csv": "blocked",
    }
    assert {f.report.path for f in result.files} == set(statuses(result))


def test_a_range_only_without_paths(repo: Path) -> None:
    _, added = added_and_deleted(repo)
    result = check(None, [], commits=["HEAD"])
    assert statuses(result) == {
        f"{git(repo, 'rev-list', '--max-parents=0', 'HEAD').decode()[:12]}:index.md": "clean",
        f"{added[:12]}:detainees.csv": "blocked",
    }


def test_a_name_that_holds_protected_data_is_blocked_in_the_history(repo: Path) -> None:
    base = git(repo, "rev-parse", "HEAD").decode().strip()
    (repo / NAMED).write_text("nothing here\n")
    commit(repo, "named")
    (repo / NAMED).unlink()
    commit(repo, "gone")
    result = check(None, [], commits=[f"{base}..HEAD"])
    assert result.exit_code == 1
    (blocked,) = result.files
    assert "its name holds protected data" in (blocked.refusal or "")
    assert "A212345678" not in blocked.path and "Lopez" not in json.dumps(result.to_dict())


def test_a_commit_id_is_not_read_as_a_name(repo: Path) -> None:
    """Only the path in the commit is a name: the commit's hex is the checker's."""
    for n in range(40):
        (repo / "figures.txt").write_text(f"detained: {n}\n")
        commit(repo, str(n))
    assert check(None, [], commits=["HEAD"]).exit_code == 0


def test_a_link_is_read_by_its_path_and_target_as_names(repo: Path) -> None:
    base = git(repo, "rev-parse", "HEAD").decode().strip()
    (repo / "stats.csv").symlink_to(f"/srv/uploads/{NAMED}")
    (repo / "latest.csv").symlink_to("figures/2022.csv")
    commit(repo, "links")
    result = check(None, [], commits=[f"{base}..HEAD"])
    assert result.exit_code == 1
    assert [f.path.endswith(":stats.csv") for f in result.files] == [True]


def test_the_work_trees_approvalignore_leaves_out_media_not_protected_data(repo: Path) -> None:
    base = git(repo, "rev-parse", "HEAD").decode().strip()
    (repo / "assets").mkdir()
    (repo / "assets" / "logo.bin").write_bytes(bytes(range(256)) * 8)
    detainee_sheet(4).write_csv(repo / "assets" / "people.csv")
    commit(repo, "assets")
    git(repo, "rm", "-q", "-r", "assets")
    (repo / ".approvalignore").write_text("assets/\n")
    commit(repo, "ignore")
    result = check(None, [], commits=[f"{base}..HEAD"])
    assert result.exit_code == 1
    assert {f.path.partition(":")[2]: f.status for f in result.files} == {
        "assets/people.csv": "blocked",  # left out, and protected: blocked all the same
        ".approvalignore": "clean",
    }
    # Both named as left out; only the media passes.
    assert sorted(p.partition(":")[2] for p in result.left_out) == [
        "assets/logo.bin",
        "assets/people.csv",
    ]


def test_a_missing_blob_of_a_partial_clone_is_blocked_not_fetched(repo: Path, here: Path) -> None:
    base, added = added_and_deleted(repo)
    git(repo, "config", "uploadpack.allowFilter", "true")
    git(here, "clone", "-q", "--no-local", "--filter=blob:none", f"file://{repo}", "partial")
    os.chdir(here / "partial")
    result = check(None, [], commits=[f"{base}..HEAD"])
    assert result.exit_code == 1
    assert {f.path: f.refusal for f in result.files} == {f"{added[:12]}:detainees.csv": MISSING}
    # Never fetched: the object is still missing after the check.
    blob = git(repo, "rev-parse", f"{added}:detainees.csv").decode().strip()
    env = {**os.environ, "GIT_NO_LAZY_FETCH": "1"}
    with pytest.raises(subprocess.CalledProcessError):
        git(here / "partial", "cat-file", "-e", blob, env=env)


def test_replaced_objects_are_not_what_is_read(repo: Path) -> None:
    """``git replace`` shows other bytes in place of the ones a push sends."""
    base, added = added_and_deleted(repo)
    blob = git(repo, "rev-parse", f"{added}:detainees.csv").decode().strip()
    clean = git(repo, "rev-parse", "HEAD:index.md").decode().strip()
    git(repo, "replace", blob, clean)
    assert check(None, [], commits=[f"{base}..HEAD"]).exit_code == 1


def test_an_lfs_pointer_is_checked_by_the_content_in_the_lfs_store(repo: Path) -> None:
    base = git(repo, "rev-parse", "HEAD").decode().strip()
    content = detainee_sheet(4).write_csv(repo / "content.csv").read_bytes()
    (repo / "content.csv").unlink()
    oid = hashlib.sha256(content).hexdigest()
    pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {len(content)}\n"
    (repo / "people.csv").write_text(pointer)
    commit(repo, "lfs")
    result = check(None, [], commits=[f"{base}..HEAD"])
    assert [f.report.format for f in result.files] == ["lfs-pointer"]
    store = repo / ".git" / "lfs" / "objects" / oid[:2] / oid[2:4]
    store.mkdir(parents=True)
    (store / oid).write_bytes(content)
    result = check(None, [], commits=[f"{base}..HEAD"])
    assert [(f.report.format, f.status) for f in result.files] == [("csv", "blocked")]


def test_in_a_bare_repository_as_a_pre_receive_hook_runs(repo: Path, here: Path) -> None:
    base, added = added_and_deleted(repo)
    git(here, "clone", "-q", "--bare", str(repo), "server.git")
    os.chdir(here / "server.git")
    result = check(None, [], commits=[f"{base}..{added}"])
    assert statuses(result) == {f"{added[:12]}:detainees.csv": "blocked"}


def test_literal_pathspecs_set_by_a_caller_change_nothing(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, _ = added_and_deleted(repo)
    monkeypatch.setenv("GIT_LITERAL_PATHSPECS", "1")
    assert check(None, [], commits=[f"{base}..HEAD"]).exit_code == 1


def test_the_cli(repo: Path) -> None:
    base, added = added_and_deleted(repo)
    env = {"APPROVAL_LEDGER": ""}
    done = run_approval("check", ".", "--commits", f"{base}..HEAD", cwd=repo, env=env)
    assert done.code == 1, done.output
    assert f"{added[:12]}:detainees.csv: BLOCKED (protected (csv)" in done.stdout
    assert "2 commits in the range" in done.stdout
    both = run_approval("check", "--staged", "--commits", "HEAD", cwd=repo, env=env)
    assert both.code == 2
    unset = run_approval("check", ".", "--commits", "..HEAD", cwd=repo, env=env)
    assert unset.code == 2 and "an end of the range empty" in unset.stderr
