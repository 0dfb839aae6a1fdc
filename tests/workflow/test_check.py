"""``approval check``: every file under the paths passes only when clean or approved; git's view
of a work tree and ``.approvalignore`` decide what is checked; ``--staged`` checks staged bytes;
scans are cached, decisions never are."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from approval.demo.synthetic import aggregate_csv, detention_workbook
from approval.errors import UsageError
from approval.workflow.check import LEFT_OUT_FILE, check
from approval.workflow.redact import redact_file
from tests.world import World


@pytest.fixture
def site(world: World) -> Path:
    """A site tree: two clean files and the 2022-shaped workbook."""
    site = world.root / "site"
    (site / "data").mkdir(parents=True)
    aggregate_csv(site / "data" / "aggregates.csv")
    (site / "index.md").write_text("# Detention statistics\n\nFigures by nationality.\n")
    detention_workbook(site / "data" / "stats.xlsx", count=5)
    return site


@pytest.fixture
def inside(site: Path) -> Iterator[Path]:
    """The current directory is the site (pre-commit and CI run there)."""
    before = Path.cwd()
    os.chdir(site)
    yield site
    os.chdir(before)


def git(site: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=site, check=True, capture_output=True)


def _status(result: object) -> dict[str, str]:
    return {f.path: f.status for f in result.files}  # type: ignore[attr-defined]


def test_a_tree_with_an_unapproved_protected_file_fails(world: World, site: Path) -> None:
    result = check(world.ledger, [site])
    assert result.exit_code == 1
    statuses = _status(result)
    assert statuses[str(site / "data" / "stats.xlsx")] == "blocked"
    assert statuses[str(site / "data" / "aggregates.csv")] == "clean"
    assert len(statuses) == 3


def test_it_passes_once_approved(world: World, site: Path) -> None:
    request = world.request(site / "data" / "stats.xlsx")
    for who in ("o.privacy", "s.senior"):
        assert world.sign(request, who).code == 0
    result = check(world.ledger, [site])
    assert result.exit_code == 0
    assert _status(result)[str(site / "data" / "stats.xlsx")] == "approved"


def test_it_passes_once_redacted(world: World, site: Path) -> None:
    workbook = site / "data" / "stats.xlsx"
    public = world.root / "stats.xlsx"
    redact_file(world.ledger, workbook, public)
    shutil.move(public, workbook)
    assert check(world.ledger, [site]).exit_code == 0


def test_scans_are_cached_decisions_are_not(world: World, site: Path) -> None:
    request = world.request(site / "data" / "stats.xlsx")
    signoffs = []
    for who in ("o.privacy", "s.senior"):
        assert world.sign(request, who).code == 0
    cold = check(world.ledger, [site])
    assert cold.exit_code == 0 and cold.scanned == 3
    warm = check(world.ledger, [site])
    assert warm.exit_code == 0 and warm.scanned == 0
    assert all(f.cached for f in warm.files)
    assert [f.report for f in warm.files] == [
        f.report for f in cold.files
    ]  # the same reports, from the cache
    from approval.ledger.session import load

    with load(world.ledger) as session:
        signoffs = [s.id for s in session.state.signoffs_for(request)]
    revoked = world.run("revoke", signoffs[0], "--reason", "wrong file", as_="o.privacy")
    assert revoked.code == 0, revoked.output
    after = check(world.ledger, [site])
    assert after.scanned == 0 and after.exit_code == 1  # decided again, from the ledger


def test_a_changed_file_is_scanned_again(world: World, site: Path) -> None:
    check(world.ledger, [site])
    (site / "index.md").write_text("# Changed\n")
    again = check(world.ledger, [site])
    assert again.scanned == 1


def test_without_a_ledger_protected_files_fail_with_a_hint(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("APPROVAL_LEDGER", raising=False)
    result = check(None, [site])
    assert result.exit_code == 1 and not result.with_ledger
    blocked = [f for f in result.files if not f.passes]
    assert [f.path for f in blocked] == [str(site / "data" / "stats.xlsx")]
    assert blocked[0].to_dict()["reason"].startswith("no ledger is configured")
    (site / "data" / "stats.xlsx").unlink()
    assert check(None, [site]).exit_code == 0


def test_gitignore_is_honoured_inside_a_work_tree(world: World, inside: Path) -> None:
    git(inside, "init", "-q")
    (inside / ".gitignore").write_text("*.md\n")
    result = check(world.ledger, [Path()])
    assert "index.md" not in _status(result)  # clean and ignored: named only
    assert result.git_ignored == ("index.md",)
    assert "data/aggregates.csv" in _status(result)  # untracked files are checked
    # Ignored, but protected: a web server serves it all the same (blocked, with the rule).
    (inside / ".gitignore").write_text("*.xlsx\n")
    left = {f.path: f for f in check(world.ledger, [Path()]).files}["data/stats.xlsx"]
    assert (left.status, left.report.format) == ("blocked", LEFT_OUT_FILE)
    assert left.refusal is not None and left.refusal.startswith("left out by .gitignore:1: *.xlsx")
    # A tracked file is published whatever .gitignore says.
    git(inside, "add", "-f", "data/stats.xlsx")
    assert check(world.ledger, [Path()]).exit_code == 1


def test_a_gitignored_directory_named_on_purpose_is_checked(world: World, inside: Path) -> None:
    """CI checks the build output, which git ignores: it must not pass unchecked."""
    git(inside, "init", "-q")
    (inside / ".gitignore").write_text("_site/\n")
    build = inside / "_site"
    build.mkdir()
    shutil.copy(inside / "data" / "stats.xlsx", build / "stats.xlsx")
    whole = {f.path: f for f in check(world.ledger, [Path()]).files}  # scanned as left out
    assert whole["_site/stats.xlsx"].report.format == LEFT_OUT_FILE
    result = check(world.ledger, [Path("_site")])
    assert _status(result) == {"_site/stats.xlsx": "blocked"}
    assert result.files[0].report.format == "xlsx"  # checked as any file
    (inside / ".approvalignore").write_text("_site/*.xlsx\n")  # .approvalignore still applies
    assert check(world.ledger, [Path("_site")]).ignored == 1


def test_approvalignore_leaves_files_out_and_says_so(world: World, site: Path) -> None:
    (site / ".approvalignore").write_text("# test fixtures\ndata/*.csv\n")
    result = check(world.ledger, [site])
    assert result.ignored == 1 and str(site / "data" / "aggregates.csv") not in _status(result)
    # A protected file left out is served all the same: blocked, the rule named.
    (site / ".approvalignore").write_text("# test fixtures\ndata/*.xlsx\n")
    result = check(world.ledger, [site])
    assert result.exit_code == 1 and result.ignored == 1
    (left,) = result.files[-1:]
    assert left.report.format == LEFT_OUT_FILE and left.refusal is not None
    assert left.refusal.startswith(f"left out by {site / '.approvalignore'}:2, but it holds")
    (site / "data" / ".approvalignore").write_text("!stats.xlsx\n")  # deeper file overrides
    result = check(world.ledger, [site])
    assert (result.exit_code, result.ignored) == (1, 0)
    assert {f.report.format for f in result.files} == {"csv", "text", "xlsx"}


def test_staged_checks_the_staged_bytes(world: World, inside: Path) -> None:
    git(inside, "init", "-q")
    workbook = Path("data/stats.xlsx")
    git(inside, "add", str(workbook))
    aggregate_csv(inside / workbook)  # the working copy is now clean; the index is not
    staged = check(world.ledger, [], staged=True)
    assert staged.exit_code == 1
    assert _status(staged) == {"data/stats.xlsx": "blocked"}  # only what is staged
    assert check(world.ledger, [workbook]).exit_code == 0  # the working copy passes
    git(inside, "add", str(workbook))
    assert check(world.ledger, [], staged=True).exit_code == 0


def test_staged_with_paths_checks_them_even_when_unchanged(world: World, inside: Path) -> None:
    """What pre-commit does with ``pre-commit run --all-files``: every file is passed."""
    git(inside, "init", "-q")
    git(inside, "add", ".")
    git(inside, "commit", "-q", "-m", "site")
    assert check(world.ledger, [], staged=True).files == ()  # nothing staged to change
    everything = check(world.ledger, [Path("data"), Path("index.md")], staged=True)
    assert _status(everything) == {
        "data/aggregates.csv": "clean",
        "data/stats.xlsx": "blocked",
        "index.md": "clean",
    }


def test_staged_honours_the_staged_approvalignore(world: World, inside: Path) -> None:
    """The staged ``.approvalignore`` leaves files out, as it will in the commit; a left-out
    file is committed and published all the same, so its staged bytes are scanned: a clean one
    is only named, a protected one blocks with the rule that left it out."""
    git(inside, "init", "-q")
    git(inside, "add", "data/stats.xlsx", "data/aggregates.csv")
    (inside / ".approvalignore").write_text("data/\n")
    assert check(world.ledger, [], staged=True).exit_code == 1  # not staged: not used
    git(inside, "add", ".approvalignore")
    result = check(world.ledger, [], staged=True)
    assert result.exit_code == 1 and result.ignored == 2
    (stats,) = [f for f in result.files if f.status == "blocked"]
    assert (stats.path, stats.report.format) == ("data/stats.xlsx", LEFT_OUT_FILE)
    assert stats.refusal == (
        "left out by .approvalignore (staged):1, but it holds protected data "
        "(protected-person): a web server serves it all the same"
    )
    (inside / "data" / "stats.xlsx").unlink()  # the staged bytes are what is committed
    assert check(world.ledger, [], staged=True).exit_code == 1
    git(inside, "rm", "-q", "--cached", "data/stats.xlsx")
    assert check(world.ledger, [], staged=True).exit_code == 0


def test_staged_outside_a_work_tree_is_a_usage_error(world: World, inside: Path) -> None:
    with pytest.raises(UsageError, match="needs a git work tree"):
        check(world.ledger, [], staged=True)


def test_a_missing_path_is_a_usage_error(world: World, site: Path) -> None:
    with pytest.raises(UsageError, match="no such file or directory"):
        check(world.ledger, [site / "nope"])


def test_the_cli_formats(world: World, site: Path) -> None:
    text = world.run("check", site)
    assert text.code == 1
    assert "stats.xlsx: BLOCKED (protected (xlsx); protected-person: 5 persons)" in text.stdout
    assert "3 files: 2 clean, 0 approved, 1 blocked" in text.stdout
    as_json = world.run("check", site, "--format", "json")
    assert as_json.code == 1
    document = json.loads(as_json.stdout)
    assert document["ok"] is False and document["summary"]["blocked"] == 1
    (blocked,) = [f for f in document["files"] if f["status"] == "blocked"]
    assert blocked["decision"]["missing"] == ["privacy-officer", "senior-official"]
    sarif = json.loads(world.run("check", site, "--format", "sarif").stdout)
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"protected-person"}
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(
        "stats.xlsx"
    )
    assert world.run("check").code == 2


def test_the_pre_commit_hook_definition_runs_the_staged_gate(world: World, inside: Path) -> None:
    """The hook as pre-commit runs it: its entry, then the staged file names."""
    import shlex
    import sys

    import yaml

    from tests.support import ROOT

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "approval-check" and hook["language"] == "python"
    assert hook["pass_filenames"] is False  # the index is read whole (test_hooks_manifest)
    command, *args = shlex.split(hook["entry"])
    assert command == "approval"
    git(inside, "init", "-q")
    git(inside, "add", ".")
    aggregate_csv(inside / "data" / "stats.xlsx")  # the working copy no longer holds it
    files = ["data/aggregates.csv", "data/stats.xlsx", "index.md"]
    done = subprocess.run(
        [sys.executable, "-m", "approval", *args, *files],
        cwd=inside,
        env={**os.environ, "APPROVAL_LEDGER": str(world.ledger)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "data/stats.xlsx: BLOCKED" in done.stdout


def _scan_rows(world: World) -> dict[str, str]:
    """The check's cached scans, key -> report (one scope: one policy and one scanner)."""
    from approval.ledger import Ledger
    from approval.ledger.snapshot import connect

    with Ledger.open(world.ledger) as ledger:
        db = connect(ledger)
        assert db is not None
        try:
            # Each report behind its tag (sealed.py), which is this user's client's; not the
            # result of reading the tree's file names (``names:<digest>``, detect/names.py).
            rows = db.execute(SCANS)
            return {key: saved[TAG_HEX:] for key, saved in rows if not key.startswith("names:")}
        finally:
            db.close()


def _replace_scan(world: World, key: str, report: str, *, seal: bool = True) -> None:
    """Replace a saved report, tagged as this user's client would tag it (or not at all)."""
    from approval.ledger import Ledger
    from approval.ledger.snapshot import _sealed, connect

    with Ledger.open(world.ledger) as ledger:
        db = connect(ledger)
        assert db is not None
        (scope,) = db.execute("SELECT scope FROM scan_cache WHERE key=?", (key,)).fetchone()
        saved = _sealed(scope, key, report) if seal else report
        db.execute("UPDATE scan_cache SET report=? WHERE key=?", (saved, key))
        db.close()


SCANS = "SELECT key, report FROM scan_cache"
TAG_HEX = 64


def test_a_cached_scan_not_saved_by_this_users_client_is_never_trusted(
    world: World, site: Path
) -> None:
    """A shared CI cache restored into the user's cache directory, or an edited one, calls the
    protected workbook clean: the report carries no tag of this user's key, so the file is
    scanned again and blocked."""
    assert check(world.ledger, [site]).exit_code == 1
    rows = _scan_rows(world)
    (workbook,) = [key for key in rows if key.endswith(":.xlsx")]
    size = json.loads(rows[workbook])["size"]
    forged = f"clean xlsx {size}"  # what a clean workbook of that size is saved as
    _replace_scan(world, workbook, forged)
    assert check(world.ledger, [site]).exit_code == 0  # the line is one this client trusts
    _replace_scan(world, workbook, forged, seal=False)  # the same line, not tagged by this key
    again = check(world.ledger, [site])
    assert again.exit_code == 1 and again.scanned == 1


def test_a_cached_scan_counts_only_for_the_bytes_it_was_made_of(world: World, site: Path) -> None:
    """The cache is keyed by the content's sha256; a saved line that does not describe those
    bytes (damaged, or from another file) is not trusted: the file is scanned again."""
    assert check(world.ledger, [site]).exit_code == 1
    rows = _scan_rows(world)
    assert len(rows) == 3 and all(key.count(":") == 1 for key in rows)  # "<sha256>:<suffix>"
    (workbook,) = [key for key in rows if key.endswith(":.xlsx")]
    assert rows[workbook].startswith("{")  # a protected file's whole report, as JSON
    clean_line = next(report for key, report in rows.items() if key != workbook)
    _replace_scan(world, workbook, clean_line)  # another file's report: not these bytes
    again = check(world.ledger, [site])
    assert again.exit_code == 1 and again.scanned == 1
    other = json.loads(rows[workbook]) | {"sha256": "0" * 64}
    _replace_scan(world, workbook, json.dumps(other))
    assert check(world.ledger, [site]).scanned == 1
    assert check(world.ledger, [site]).scanned == 0  # the fresh scans were saved again


def test_the_scan_cache_reads_a_scope_at_once_and_the_rest_by_key() -> None:
    """One ordered read of the scope's rows; past its bound (a scope that also holds many
    earlier versions of files), what was not reached is looked up by key."""
    import sqlite3

    from approval.ledger.snapshot import _SCHEMA, cached_scans, save_scans

    db = sqlite3.connect(":memory:", isolation_level=None)
    db.executescript(_SCHEMA)
    save_scans(db, "policy:1", {f"{n:064x}:.csv": f"clean csv {n}" for n in range(3000)})
    save_scans(db, "policy:2", {f"{n:064x}:.csv": "clean csv 0" for n in range(10)})
    wanted = {f"{n:064x}:.csv" for n in (1, 2999)} | {"f" * 64 + ":.md"}
    found = cached_scans(db, "policy:1", wanted)  # the bound (2 x 3 + 1000) is reached
    assert found == {f"{1:064x}:.csv": "clean csv 1", f"{2999:064x}:.csv": "clean csv 2999"}
    assert cached_scans(db, "policy:2", wanted) == {f"{1:064x}:.csv": "clean csv 0"}
    assert cached_scans(db, "policy:3", wanted) == {}
    assert cached_scans(None, "policy:1", wanted) == {}


def test_paths_are_shown_from_where_the_check_runs(world: World, inside: Path) -> None:
    """From a subdirectory, files below it are shown relative to it and the others in full;
    from above the work tree, relative to where it runs (checked there as a plain directory,
    its .git blocked: the work tree is not the one the check runs in)."""
    git(inside, "init", "-q")
    os.chdir(inside / "data")
    below = check(world.ledger, [Path("..")])
    assert set(_status(below)) == {
        "aggregates.csv",
        "stats.xlsx",
        str(inside.resolve() / "index.md"),
    }
    os.chdir(inside.parent)
    above = check(world.ledger, [Path(inside.name)])
    assert set(_status(above)) == {
        f"{inside.name}/.git",
        f"{inside.name}/data/aggregates.csv",
        f"{inside.name}/data/stats.xlsx",
        f"{inside.name}/index.md",
    }


def test_the_directories_whose_approvalignore_applies() -> None:
    from approval.files.worktree import _directories

    files = ["a/b/c.txt", "a/b/d.txt", "a/e.txt", "f.txt", "g/h/i/j.txt"]
    assert _directories(files) == {"", "a", "a/b", "g", "g/h", "g/h/i"}
    assert _directories([]) == {""}


def test_a_pipe_or_a_device_in_the_tree_fails_closed_and_never_hangs(
    world: World, site: Path
) -> None:
    """A reviewer's find: a named pipe (or a link to /dev/zero) made `check` wait for ever."""
    import sys

    from tests.conftest import ROOT

    os.mkfifo(site / "data" / "pipe.csv")
    (site / "data" / "zeros.csv").symlink_to("/dev/zero")  # only ever opened to be looked at
    done = subprocess.run(
        [sys.executable, "-m", "approval", "check", str(site), "--ledger", str(world.ledger)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    for name in ("pipe.csv", "zeros.csv"):
        line = next(line for line in done.stdout.splitlines() if f"{name}: BLOCKED" in line)
        assert "not a regular file" in line
