"""``approval check`` looks where a web server looks: links to files and directories are
followed (loops end; links leaving the tree are named), submodules' and nested repositories'
work trees are checked, a repository inside the tree is blocked, and everything not checked is
named. Each of these passed silently before (issue 13)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from approval.errors import UsageError
from approval.files.worktree import LINK_LOOP, OWN_REPOSITORY, REPOSITORY, dangling
from approval.workflow.check import check
from tests.corpus.tabular import detainee_sheet
from tests.support import ROOT
from tests.workflow.checking import git, statuses

pytestmark = pytest.mark.usefixtures("no_ledger")


def people_csv(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return detainee_sheet(4).write_csv(path)


def site_with_index(root: Path) -> Path:
    site = root / "site"
    site.mkdir()
    (site / "index.md").write_text("# Detention statistics\n\nFigures by nationality.\n")
    return site


def reasons(notes: object) -> dict[str, str]:
    return {n.path: n.reason for n in notes}  # type: ignore[attr-defined]


def test_a_linked_directory_outside_the_tree_is_checked_and_named(here: Path) -> None:
    people_csv(here / "elsewhere" / "people.csv")
    site = site_with_index(here)
    (site / "data").symlink_to(here / "elsewhere", target_is_directory=True)
    result = check(None, [Path("site")])
    assert result.exit_code == 1
    assert statuses(result)["site/data/people.csv"] == "blocked"
    (note,) = result.outside
    assert note.path == "site/data"
    assert note.reason == f"-> {(here / 'elsewhere').resolve()}: outside the checked tree"


def test_a_linked_directory_in_a_work_tree_is_followed(here: Path) -> None:
    """Git keeps the link as a link; the server follows it."""
    people_csv(here / "private" / "people.csv")
    site = site_with_index(here)
    (site / "data").symlink_to("../private", target_is_directory=True)
    (here / ".gitignore").write_text("private/\n")
    git(here, "init", "-q")
    git(here, "add", ".")
    result = check(None, [Path("site")])
    assert statuses(result)["site/data/people.csv"] == "blocked"
    assert [n.path for n in result.outside] == ["site/data"]


def test_a_link_to_a_file_is_checked(here: Path) -> None:
    people_csv(here / "private.csv")
    site = site_with_index(here)
    (site / "people.csv").symlink_to(here / "private.csv")
    assert statuses(check(None, [site]))[str(site / "people.csv")] == "blocked"


def test_loops_of_links_end_and_are_named(here: Path) -> None:
    site = site_with_index(here)
    people_csv(site / "data" / "people.csv")
    (site / "data" / "again").symlink_to("..", target_is_directory=True)  # site/data/again -> site
    result = check(None, [Path("site")])
    assert statuses(result) == {"site/data/people.csv": "blocked", "site/index.md": "clean"}
    skipped = reasons(result.skipped)
    assert skipped["site/data/again"] == "the same directory as site: checked there"


def test_a_loop_that_never_resolves_is_blocked(here: Path) -> None:
    """Nothing it names can be read here (ELOOP): where it is published it may resolve."""
    site = site_with_index(here)
    (site / "self").symlink_to("self")
    result = check(None, [Path("site")])
    assert {f.path: f.refusal for f in result.files if f.refusal} == {"site/self": LINK_LOOP}
    assert result.exit_code == 1


def test_a_dangling_link_is_blocked_unless_left_out(here: Path) -> None:
    """A link to a file that is not here may resolve where the tree is published (finding
    f_dangling_link): blocked, named with what it points to; ``.approvalignore`` is the
    explicit way to leave one out."""
    site = site_with_index(here)
    (site / "gone.csv").symlink_to(here / "nowhere.csv")
    (site / "private.csv").symlink_to("../private/people.csv")
    result = check(None, [Path("site")])
    assert result.exit_code == 1
    refused = {f.path: (f.refusal, f.report.format) for f in result.files if f.refusal}
    assert refused == {
        "site/gone.csv": (dangling(str(here / "nowhere.csv")), "unresolved-link"),
        "site/private.csv": (dangling("../private/people.csv"), "unresolved-link"),
    }
    assert dangling("../private/people.csv") == (
        "a link to ../private/people.csv that cannot be read here"
    )
    alone = check(None, [Path("site/gone.csv")])
    assert [(f.path, f.status) for f in alone.files] == [("site/gone.csv", "blocked")]
    (site / ".approvalignore").write_text("gone.csv\nprivate.csv\n")
    left_out = check(None, [Path("site")])
    assert left_out.exit_code == 0
    assert set(left_out.left_out) == {"site/gone.csv", "site/private.csv"}


def test_a_tracked_dangling_link_named_alone_is_blocked(here: Path) -> None:
    """git is asked about the link, not its target (asked about a target that is not there, it
    listed nothing, and nothing was checked)."""
    git(here, "init", "-q")
    site = site_with_index(here)
    (site / "stats.csv").symlink_to("../exports/people.csv")  # not ignored: just not here
    git(here, "add", ".")
    for named in (Path("site/stats.csv"), Path("site")):
        result = check(None, [named])
        assert {f.path: f.status for f in result.files if f.refusal} == {
            "site/stats.csv": "blocked"
        }


def test_a_git_directory_or_a_bare_repository_in_a_plain_tree_is_blocked(here: Path) -> None:
    site = site_with_index(here)
    git(site / "..", "init", "-q", "--bare", str(site / "backup.git"))
    (site / "vendor").mkdir()
    git(site / "vendor", "init", "-q")
    (site / "old" / ".svn").mkdir(parents=True)
    result = check(None, [Path("site")])
    blocked = {f.path: f.refusal for f in result.files if f.refusal}
    assert blocked == {
        "site/backup.git": REPOSITORY,
        "site/vendor/.git": REPOSITORY,
        "site/old/.svn": REPOSITORY,
    }
    assert result.exit_code == 1
    # Nothing inside a repository is checked as a file of its own.
    assert not [f for f in result.files if "backup.git/" in f.path or ".git/" in f.path]


def test_a_bare_repository_in_a_work_tree_is_blocked(here: Path) -> None:
    """git lists an untracked bare repository file by file: it is still one repository."""
    site = site_with_index(here)
    git(here, "init", "-q")
    git(here, "init", "-q", "--bare", str(site / "ledger"))
    git(
        here,
        "--git-dir",
        str(site / "ledger"),
        "commit-tree",
        "-m",
        "x",
        "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
    )  # fmt: skip - one object in it
    result = check(None, [Path("site")])
    assert {f.path: f.refusal for f in result.files if f.refusal} == {"site/ledger": REPOSITORY}
    assert set(statuses(result)) == {"site/index.md", "site/ledger"}


def test_a_nested_repository_is_blocked_and_its_files_are_checked(here: Path) -> None:
    site = site_with_index(here)
    git(here, "init", "-q")
    nested = site / "archive"
    nested.mkdir()
    git(nested, "init", "-q")
    people_csv(nested / "people.csv")
    result = check(None, [Path("site")])
    assert statuses(result) == {
        "site/index.md": "clean",
        "site/archive/people.csv": "blocked",
        "site/archive/.git": "blocked",
    }


def test_a_submodule_is_checked_as_checked_out(here: Path) -> None:
    library = here / "library"
    library.mkdir()
    git(library, "init", "-q")
    people_csv(library / "data" / "people.csv")
    git(library, "add", ".")
    git(library, "commit", "-q", "-m", "data")
    project = here / "project"
    project.mkdir()
    site = site_with_index(project)
    git(project, "init", "-q")
    git(project, "submodule", "add", "-q", str(library), "site/lib")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "site")
    os.chdir(project)
    result = check(None, [Path()])
    assert statuses(result)["site/lib/data/people.csv"] == "blocked"
    assert ".gitmodules" in statuses(result)
    # The submodule's .git is a pointer to the superproject's .git/modules: nothing to refuse.
    assert not [f for f in result.files if f.refusal]
    assert reasons(result.skipped) == {".git": OWN_REPOSITORY}
    assert site.is_dir()


def test_a_submodule_that_is_not_checked_out_is_checked_at_its_commit(here: Path) -> None:
    """Not skipped: a deploy that recurses publishes it (test_check_unread_submodule)."""
    library = here / "library"
    library.mkdir()
    git(library, "init", "-q")
    (library / "a.md").write_text("a\n")
    git(library, "add", ".")
    git(library, "commit", "-q", "-m", "a")
    project = here / "project"
    project.mkdir()
    git(project, "init", "-q")
    git(project, "submodule", "add", "-q", str(library), "lib")
    git(project, "commit", "-q", "-m", "lib")
    git(project, "submodule", "deinit", "-q", "-f", "lib")
    os.chdir(project)
    result = check(None, [Path()])
    assert "lib" not in reasons(result.skipped)
    assert any(f.path.startswith("lib/a.md (submodule commit ") for f in result.files)


def test_approvalignore_can_leave_out_a_repository(here: Path) -> None:
    site = site_with_index(here)
    git(site, "init", "-q", "--bare", "backup.git")
    (site / ".approvalignore").write_text("backup.git/\n")
    result = check(None, [Path("site")])
    assert result.exit_code == 0
    assert result.left_out == ("site/backup.git",)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any directory")
def test_a_directory_that_cannot_be_read_is_blocked(here: Path) -> None:
    site = site_with_index(here)
    locked = site / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        result = check(None, [Path("site")])
    finally:
        locked.chmod(0o700)
    assert {f.path: f.status for f in result.files if f.refusal} == {"site/locked": "blocked"}


@pytest.mark.parametrize("line", ["[z-a]", "a\\", "[[:alpha:]]"])
def test_an_unusable_ignore_pattern_is_a_file_line_error(here: Path, line: str) -> None:
    site = site_with_index(here)
    (site / "data").mkdir()
    (site / "data" / ".approvalignore").write_text(f"# fixtures\n*.tmp\n{line}\n")
    with pytest.raises(UsageError, match=r"^site/data/\.approvalignore:3: this pattern cannot"):
        check(None, [Path("site")])


def test_the_cli_names_everything_not_checked(here: Path) -> None:
    people_csv(here / "elsewhere" / "people.csv")
    site = site_with_index(here)
    (site / "data").symlink_to(here / "elsewhere", target_is_directory=True)
    (site / "gone.csv").symlink_to(here / "nowhere.csv")
    (site / "again").symlink_to(".", target_is_directory=True)
    git(site, "init", "-q", "--bare", "backup.git")
    (site / "notes.tmp").write_text("draft\n")
    (site / ".approvalignore").write_text("*.tmp\n")
    env = {k: v for k, v in os.environ.items() if k != "APPROVAL_LEDGER"}
    command = [sys.executable, "-m", "approval", "check", "site"]
    text = subprocess.run(command, cwd=here, env=env, capture_output=True, text=True, check=False)
    assert text.returncode == 1, text.stderr
    lines = text.stdout.splitlines()
    assert f"site/data -> {(here / 'elsewhere').resolve()}: outside the checked tree" in lines[0]
    assert f"site/backup.git: BLOCKED ({REPOSITORY})" in lines
    gone = lines.index(f"site/gone.csv: BLOCKED ({dangling(str(here / 'nowhere.csv'))})")
    assert lines[gone + 1] == (
        "  hint: check it where it resolves, or remove it (or leave it out with .approvalignore)"
    )
    assert "site/again: skipped (the same directory as site: checked there)" in lines
    assert "site/notes.tmp: left out by .approvalignore" in lines
    assert lines[-1] == (
        "5 files: 2 clean, 0 approved, 3 blocked; 1 left out by .approvalignore; 1 skipped; "
        "1 link outside the checked tree (4 scanned, 0 unchanged)"  # notes.tmp: left out, scanned
    )
    as_json = subprocess.run(
        [*command, "--format", "json"], cwd=here, env=env, capture_output=True, text=True
    )
    document = json.loads(as_json.stdout)
    assert document["summary"] | {"scanned": 0} == {
        "files": 5, "clean": 2, "approved": 0, "blocked": 3, "ignored": 1, "skipped": 1,
        "outside": 1, "scanned": 0, "git_ignored": 0,
    }  # fmt: skip
    assert document["skipped"] == [
        {"path": "site/again", "reason": "the same directory as site: checked there"}
    ]
    (link,) = [f for f in document["files"] if f["path"] == "site/gone.csv"]
    assert (link["status"], link["format"]) == ("blocked", "unresolved-link")
    assert document["ignored"] == ["site/notes.tmp"]
    assert document["outside"][0]["path"] == "site/data"
    (repository,) = [f for f in document["files"] if f["path"] == "site/backup.git"]
    assert repository["status"] == "blocked" and repository["reason"] == REPOSITORY
    # A pattern that cannot be used: one line naming file:line, exit 2, no traceback.
    (site / ".approvalignore").write_text("*.tmp\n[z-a]\n")
    bad = subprocess.run(command, cwd=here, env=env, capture_output=True, text=True, check=False)
    assert bad.returncode == 2
    assert bad.stderr.splitlines()[0] == (
        "error: site/.approvalignore:2: this pattern cannot be used (bad character range z-a)"
    )
    assert "Traceback" not in bad.stderr
    assert ROOT.is_dir()


def test_a_staged_submodule_is_named(here: Path) -> None:
    """A commit holds a submodule as a commit id: not content to scan as staged, and not
    passed unsaid (staged links: tests/workflow/test_check_staged_links.py)."""
    git(here, "init", "-q")
    commit = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # any id: a gitlink is not read
    git(here, "update-index", "--add", "--cacheinfo", f"160000,{commit},lib")
    result = check(None, [], staged=True)
    # Read at the staged commit in its repository, or blocked (test_check_staged_submodule).
    from approval.files.worktree import unread_submodule

    assert {f.path: f.refusal for f in result.files} == {"lib": unread_submodule(commit)}


def test_a_clean_report_with_parts_comes_back_from_the_cache_whole() -> None:
    """The cache keeps a clean file's parts in a line read without JSON; a part whose name
    holds a separator is kept as JSON; both give back the report that was saved."""
    from approval.detect.report import FileReport
    from approval.detect.units import Part
    from approval.workflow.check import _from_cache, _Item, _to_cache

    for part in ("body", "sheet\tone", "xl/a\x1fb.xml"):
        report = FileReport(
            "a.csv", "ab" * 32, 343, "csv", "clean",
            coverage=(
                Part(part, "table", 343, "parsed"), Part("x", "image", 9, "unread", "ok", False)
            ),
        )  # fmt: skip
        line = _to_cache(report)
        assert line.startswith("clean csv 343\t") == (part == "body")
        back = _from_cache(line, _Item("a.csv", ".csv", "ab" * 32, 343))
        assert back == report
        assert _from_cache(line, _Item("a.csv", ".csv", "cd" * 32, 344)) is None  # other bytes
    assert _from_cache("clean csv 343\tbody\x1ftable", _Item("a", ".csv", "ab" * 32, 343)) is None


def test_a_link_to_a_directory_holding_the_tree_is_refused_not_walked(here: Path) -> None:
    """``site/all -> /`` would publish the whole machine: blocked at once, not walked."""
    site = site_with_index(here)
    (site / "all").symlink_to("/", target_is_directory=True)
    (site / "home").symlink_to("../..", target_is_directory=True)
    result = check(None, [Path("site")])
    refused = {f.path: f.refusal for f in result.files if f.refusal}
    assert set(refused) == {"site/all", "site/home"}
    assert (
        refused["site/all"] == "a link to /, which holds the checked tree: it publishes all of it"
    )
    assert len(result.files) == 3


def test_a_ledger_inside_the_published_tree_is_blocked_unless_left_out(here: Path) -> None:
    """Before, every git directory was skipped silently, the ledger's included. A ledger in
    the web root is served like any repository: blocked, unless git does not publish it (a
    .gitignore'd one in a work tree) or .approvalignore leaves it out."""
    from approval.ledger import Ledger

    site = site_with_index(here)
    Ledger.create(site / "ledger").close()
    result = check(None, [Path("site")])
    assert {f.path: f.refusal for f in result.files if f.refusal} == {"site/ledger": REPOSITORY}
    git(here, "init", "-q")
    (here / ".gitignore").write_text("site/ledger/\n")
    assert check(None, [Path("site")]).exit_code == 0
    (here / ".gitignore").unlink()
    (site / ".approvalignore").write_text("/ledger/\n")
    assert check(None, [Path("site")]).exit_code == 0
