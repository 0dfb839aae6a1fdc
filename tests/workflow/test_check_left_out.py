"""A file left out of the check by rules (git's ignore rules from any source, ``.approvalignore``)
is still a file a web server serves from that directory (reviewer B's findings on 86286a0):
every left-out regular file is scanned, and one holding protected or unscannable data blocks,
named with the rule that left it out; a clean one is only named, as before.

Also: git never runs a transport the checked repository's own configuration allows
(``protocol.ext.allow=always`` outranks ``protocol.allow=never``), whether or not this git
honours ``GIT_NO_LAZY_FETCH``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from approval.files.worktree import _command
from approval.workflow.check import LEFT_OUT_FILE, CheckResult, check
from tests.corpus.tabular import detainee_sheet
from tests.workflow.checking import git

pytestmark = pytest.mark.usefixtures("no_ledger")


def web_root(where: Path) -> Path:
    """A web root: an index page and a list of asylum seekers."""
    where.mkdir()
    (where / "index.html").write_text("<html>Detention statistics</html>\n")
    detainee_sheet(4).write_csv(where / "claimants.csv")
    return where


def blocked(result: CheckResult) -> dict[str, str]:
    """Each blocked left-out file and the rule that left it out."""
    return {
        f.path: (f.refusal or "").removeprefix("left out by ").partition(", but it ")[0]
        for f in result.files
        if f.report.format == LEFT_OUT_FILE
    }


def test_a_planted_exclude_where_the_check_runs_hides_nothing(here: Path) -> None:
    """``cd www && approval check .``: the planted repository's info/exclude applies there (git
    would trust it too), but the protected file it leaves out is scanned and blocks."""
    www = web_root(here / "www")
    git(www, "init", "-q")
    (www / ".git" / "info" / "exclude").write_text("# planted\nclaimants.csv\n")
    os.chdir(www)
    result = check(None, [Path()])
    assert result.exit_code == 1
    assert blocked(result) == {"claimants.csv": ".git/info/exclude:2: claimants.csv"}
    assert result.git_ignored == ("claimants.csv",)  # still named
    assert {f.path: f.status for f in result.files}["index.html"] == "clean"


def test_a_planted_approvalignore_in_a_plain_web_root_hides_nothing(here: Path) -> None:
    www = web_root(here / "www")
    (www / ".approvalignore").write_text("claimants.csv\n")
    result = check(None, [Path("www")])
    assert result.exit_code == 1
    assert result.left_out == ("www/claimants.csv",)
    assert blocked(result) == {"www/claimants.csv": "www/.approvalignore:1"}
    # The file's own scan is kept (classes, redacted findings), only its format says why.
    entry = next(f for f in result.to_dict()["files"] if f["path"] == "www/claimants.csv")
    assert (entry["status"], entry["format"], entry["verdict"]) == (
        "blocked",
        LEFT_OUT_FILE,
        "protected",
    )


def test_one_decoy_checked_file_does_not_turn_the_guard_off(here: Path) -> None:
    """info/exclude ``*`` with ``!keep.txt``: one clean file is checked, every other left out."""
    www = web_root(here / "www")
    (www / "keep.txt").write_text("figures\n")
    git(www, "init", "-q")
    (www / ".git" / "info" / "exclude").write_text("*\n!keep.txt\n")
    os.chdir(www)
    result = check(None, [Path()])
    assert result.exit_code == 1
    assert blocked(result) == {"claimants.csv": ".git/info/exclude:1: *"}


def test_a_gitignored_csv_in_ones_own_checkout_blocks_and_clean_ones_stay_named(
    here: Path,
) -> None:
    git(here, "init", "-q")
    (here / ".gitignore").write_text("*.csv\n")
    (here / "index.html").write_text("<html></html>\n")
    (here / "totals.csv").write_text("year,count\n2022,1204\n")
    detainee_sheet(4).write_csv(here / "claimants.csv")
    result = check(None, [Path()])
    assert result.exit_code == 1
    assert blocked(result) == {"claimants.csv": ".gitignore:1: *.csv"}
    assert result.git_ignored == ("claimants.csv", "totals.csv")
    assert "totals.csv" not in {f.path for f in result.files}  # clean: only named
    (here / "claimants.csv").unlink()
    # Compiled code and media the scanner cannot read, left out, are named, not blocked (an
    # ignored .venv is full of them); an encrypted or corrupt one still blocks (below).
    (here / ".gitignore").write_text("*.csv\n.venv/\n")
    (here / ".venv").mkdir()
    (here / ".venv" / "m.pyc").write_bytes(bytes(range(256)) * 4)
    (here / ".venv" / "lib.so").write_bytes(b"\x7fELF\x02\x01\x01" + bytes(512))
    assert check(None, [Path()]).exit_code == 0


def test_an_unscannable_left_out_file_blocks(here: Path) -> None:
    """What the gate cannot read, it blocks, left out or not."""
    www = web_root(here / "www")
    (www / "claimants.csv").unlink()
    (www / "stats.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    (www / ".approvalignore").write_text("*.xlsx\n")
    result = check(None, [Path("www")])
    assert blocked(result) == {"www/stats.xlsx": "www/.approvalignore:1"}
    assert result.files[-1].report.verdict == "unscannable"
    assert ", but it cannot be scanned (" in (result.files[-1].refusal or "")


def test_the_cli_names_the_rule_and_no_longer_says_cd_there(here: Path) -> None:
    www = web_root(here / "www")
    git(www, "init", "-q")
    (www / ".git" / "info" / "exclude").write_text("claimants.csv\n")
    env = {k: v for k, v in os.environ.items() if k != "APPROVAL_LEDGER"}
    command = [sys.executable, "-m", "approval", "check"]
    inside = subprocess.run([*command, "."], cwd=www, env=env, capture_output=True, text=True)
    assert inside.returncode == 1, inside.stderr
    lines = inside.stdout.splitlines()
    at = lines.index(
        "claimants.csv: BLOCKED (left out by .git/info/exclude:1: claimants.csv, but it holds "
        "protected data (protected-person): a web server serves it all the same)"
    )
    assert lines[at + 1] == "  hint: approve it, remove it, or move it out of the published tree"
    outside = subprocess.run([*command, "www"], cwd=here, env=env, capture_output=True, text=True)
    assert outside.returncode == 1
    hint = outside.stdout.splitlines().index(
        "www/.git: BLOCKED (a git repository this check does not run in: its ignore rules are "
        "not used, and its .git is content a server would serve)"
    )
    assert "cd there" not in outside.stdout.splitlines()[hint + 1]


def test_a_repository_that_allows_the_ext_transport_runs_no_command(here: Path) -> None:
    """A partial clone whose remote is ``ext::`` (a command) and whose own configuration allows
    it: a missing blob is never fetched, by the safe settings alone (no GIT_NO_LAZY_FETCH)."""
    source = here / "source"
    source.mkdir()
    git(source, "init", "-q")
    detainee_sheet(4).write_csv(source / "stats.csv")
    git(source, "add", "stats.csv")
    git(source, "commit", "-q", "-m", "stats")
    git(source, "config", "uploadpack.allowFilter", "true")
    clone = here / "clone"
    git(here, "clone", "-q", "--filter=blob:none", "--no-checkout", source.as_uri(), str(clone))
    ran = here / "ran"
    git(clone, "config", "remote.origin.url", f"ext::sh -c touch% {ran}")
    git(clone, "config", "protocol.ext.allow", "always")
    env = {k: v for k, v in os.environ.items() if k != "GIT_NO_LAZY_FETCH"}
    show = ["cat-file", "-p", "HEAD:stats.csv"]
    # The attack is live with this git: a plain read of the missing blob runs the command.
    subprocess.run(["git", *show], cwd=clone, capture_output=True, env=env, check=False)
    assert ran.exists()
    ran.unlink()
    done = subprocess.run(_command(show), cwd=clone, capture_output=True, env=env, check=False)
    assert done.returncode != 0
    assert not ran.exists()
    # And the gate itself, on the staged blob that is not here: blocked, nothing run.
    git(clone, "read-tree", "HEAD")
    (clone / "stats.csv").write_text("")  # the work tree's copy is not what is read
    os.chdir(clone)
    result = check(None, [Path("stats.csv")], staged=True)
    assert {f.path: f.refusal for f in result.files} == {
        "stats.csv": "the staged content cannot be read from the index"
    }
    assert not ran.exists()
