"""``files.history``: which paths and blobs a range of commits put in a repository (finding
attack_gate #3), read with real git: each added or changed path and blob once, named by the
commit that first added it; merges against each parent; a shallow clone's cut, a submodule
whose commit is not here, and arguments that are not revisions refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.errors import UsageError
from approval.files.history import SHALLOW, History, Introduced, introduced, revisions
from approval.files.worktree import UNREAD_SUBMODULE, submodule_not_here
from tests.workflow.checking import commit, git

ZERO = "0" * 40


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (["main..HEAD"], ["main..HEAD"]),
        (["main...topic"], ["main...topic"]),
        ([f"{ZERO}..abc123"], ["abc123"]),  # a branch's first push: all of its history
        (["HEAD"], ["HEAD"]),
        (["--all"], ["--all"]),
        (
            ["--branches=release/*", "--not", "--remotes"],
            ["--branches=release/*", "--not", "--remotes"],
        ),
        (["--tags"], ["--tags"]),
    ],
)
def test_revisions_taken(given: list[str], expected: list[str]) -> None:
    assert revisions(given) == expected


@pytest.mark.parametrize(
    "given",
    [
        "..HEAD",  # an unset base: git would read HEAD..HEAD and check nothing
        "main..",
        "",
        " ",
        "--max-count=1",  # changes what is listed, not which commits
        "--output=/tmp/x",
        "-n1",
        "--no-walk",
    ],
)
def test_revisions_refused(given: str) -> None:
    with pytest.raises(UsageError):
        revisions([given])


def blob(where: Path, spec: str) -> str:
    return git(where, "rev-parse", spec).decode().strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "index.md").write_text("# Statistics\n")
    commit(repo, "first")
    return repo


def paths(history: History) -> dict[str, str]:
    return {f.path: f.commit for f in history.files}


def test_a_file_added_then_deleted_is_listed_with_the_commit_that_added_it(repo: Path) -> None:
    base = blob(repo, "HEAD")
    (repo / "detainees.csv").write_text("name\nMaria\n")
    added = commit(repo, "add")
    (repo / "detainees.csv").unlink()
    commit(repo, "remove")
    history = introduced(repo, [f"{base}..HEAD"])
    assert history.commits == 2
    assert history.files == (
        Introduced(added, "detainees.csv", "100644", blob(repo, f"{added}:detainees.csv")),
    )
    assert history.files[0].shown == f"{added[:12]}:detainees.csv"
    assert not history.refused


def test_each_path_and_blob_once_and_renames_as_additions(repo: Path) -> None:
    root = blob(repo, "HEAD")
    (repo / "a.txt").write_text("one\n")
    first = commit(repo, "a")
    (repo / "a.txt").rename(repo / "b.txt")
    moved = commit(repo, "rename")
    (repo / "a.txt").write_text("one\n")  # the same bytes under the first name, again
    commit(repo, "again")
    (repo / "b.txt").write_text("two\n")
    changed = commit(repo, "change")
    history = introduced(repo, ["HEAD"])
    assert sorted((f.path, f.commit) for f in history.files) == sorted(
        [("index.md", root), ("a.txt", first), ("b.txt", moved), ("b.txt", changed)]
    )


def test_a_merge_lists_what_it_adds_against_each_parent(repo: Path) -> None:
    base = blob(repo, "HEAD")
    git(repo, "checkout", "-q", "-b", "topic")
    (repo / "topic.txt").write_text("topic\n")
    commit(repo, "topic")
    git(repo, "checkout", "-q", "-")
    (repo / "main.txt").write_text("main\n")
    commit(repo, "main")
    git(repo, "merge", "-q", "--no-commit", "topic")
    # An evil merge: a file neither parent holds, added in the merge commit itself.
    (repo / "merge-only.csv").write_text("name\nMaria\n")
    merge = commit(repo, "merge")
    history = introduced(repo, [f"{base}..HEAD"])
    assert paths(history)["merge-only.csv"] == merge
    assert {"topic.txt", "main.txt"} <= set(paths(history))


def test_a_shallow_clone_is_refused_where_its_history_is_cut(repo: Path, tmp_path: Path) -> None:
    for n in range(3):
        (repo / f"{n}.txt").write_text(f"{n}\n")
        commit(repo, str(n))
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{repo}", "shallow")
    shallow = tmp_path / "shallow"
    history = introduced(shallow, ["HEAD"])
    cut = blob(shallow, "HEAD~1")
    assert [(n.path, n.kind) for n in history.refused] == [(cut[:12], SHALLOW)]
    assert "a shallow clone" in history.refused[0].reason
    # A range that stays inside what the clone holds is read whole.
    assert not introduced(shallow, ["HEAD~1..HEAD"]).refused


def test_a_commit_not_here_is_a_usage_error_that_says_to_fetch(repo: Path) -> None:
    with pytest.raises(UsageError) as raised:
        introduced(repo, [f"{'1' * 40}..HEAD"])
    assert "fetch-depth: 0" in (raised.value.hint or "")


@pytest.mark.parametrize("given", ["mian", "HAED..HEAD", "^mian", "HEAD~5..HEAD"])
def test_a_mistyped_name_is_told_to_look_at_the_names_not_to_fetch(repo: Path, given: str) -> None:
    # The whole history is here: fetching it again mends nothing.
    with pytest.raises(UsageError) as raised:
        introduced(repo, [given])
    assert raised.value.hint == (
        "name commits, branches or tags this repository holds (git log --oneline --all)"
    )


def test_a_name_past_a_shallow_clone_s_cut_says_to_fetch(repo: Path, tmp_path: Path) -> None:
    for n in range(3):
        (repo / f"{n}.txt").write_text(f"{n}\n")
        commit(repo, str(n))
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", "shallow")
    with pytest.raises(UsageError) as raised:
        introduced(tmp_path / "shallow", ["HEAD~2..HEAD"])
    assert "fetch-depth: 0" in (raised.value.hint or "")


def test_a_submodule_whose_commit_is_not_here_is_refused(repo: Path, tmp_path: Path) -> None:
    library = tmp_path / "library"
    library.mkdir()
    git(library, "init", "-q")
    (library / "people.csv").write_text("name\nMaria\n")
    pinned = commit(library, "data")
    base = blob(repo, "HEAD")
    git(repo, "submodule", "add", "-q", str(library), "lib")
    added = commit(repo, "lib")
    # Here, its repository is under .git/modules: the files of the commit are read.
    history = introduced(repo, [f"{base}..HEAD"])
    assert paths(history) == {".gitmodules": added, "lib/people.csv": added}
    # In a clone without --recursive, it is not.
    git(tmp_path, "clone", "-q", str(repo), "ci")
    history = introduced(tmp_path / "ci", [f"{base}..HEAD"])
    assert [(n.path, n.reason, n.kind) for n in history.refused] == [
        (f"{added[:12]}:lib", submodule_not_here(pinned), UNREAD_SUBMODULE)
    ]
