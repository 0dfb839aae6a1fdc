"""The .approvalignore matcher: gitignore's syntax, checked against a table and against git."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from approval.workflow.ignore import Matcher, parse

# patterns, path, ignored
CASES = [
    ("*.log", "build.log", True),
    ("*.log", "deep/down/build.log", True),
    ("*.log", "build.logs", False),
    ("fixtures/", "fixtures/a.csv", True),
    ("fixtures/", "tests/fixtures/a.csv", True),
    ("fixtures/", "fixtures", False),  # a file named like the directory
    ("/fixtures", "tests/fixtures/a.csv", False),
    ("/fixtures", "fixtures/a.csv", True),
    ("tests/fixtures", "tests/fixtures/a.csv", True),
    ("tests/fixtures", "x/tests/fixtures/a.csv", False),  # a middle slash anchors
    ("**/fixtures", "x/tests/fixtures/a.csv", True),
    ("docs/**", "docs/a/b.md", True),
    ("docs/**", "docs", False),
    ("a/**/b.csv", "a/b.csv", True),
    ("a/**/b.csv", "a/x/y/b.csv", True),
    ("a/*/b.csv", "a/x/y/b.csv", False),
    ("data?.csv", "data1.csv", True),
    ("data?.csv", "data10.csv", False),
    ("data[0-9].csv", "data7.csv", True),
    ("data[!0-9].csv", "data7.csv", False),
    ("data[!0-9].csv", "dataX.csv", True),
    ("*.csv\n!keep.csv", "keep.csv", False),
    ("*.csv\n!keep.csv", "drop.csv", True),
    ("secret/\n!secret/keep.csv", "secret/keep.csv", True),  # not inside an excluded dir
    ("# a comment\n\n  \n*.tmp", "x.tmp", True),
    ("\\#hash", "#hash", True),
    ("\\!bang", "!bang", True),
    ("trailing   ", "trailing", True),
    ("with\\ ", "with ", True),
]


@pytest.mark.parametrize(("patterns", "path", "ignored"), CASES)
def test_matcher(patterns: str, path: str, ignored: bool) -> None:
    assert Matcher(parse(patterns)).ignored(path) is ignored


@pytest.mark.parametrize(("patterns", "path", "ignored"), CASES)
def test_git_agrees(tmp_path: Path, patterns: str, path: str, ignored: bool) -> None:
    """The same table through `git check-ignore --no-index`: our matcher is gitignore's."""
    (tmp_path / ".gitignore").write_text(patterns + "\n")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    done = subprocess.run(
        ["git", "check-ignore", "--no-index", "-q", path], cwd=tmp_path, check=False
    )
    assert (done.returncode == 0) is ignored


def test_deeper_files_override_shallower_ones() -> None:
    matcher = Matcher(parse("*.csv"))
    matcher.add(parse("!keep.csv", "data"))
    assert matcher.ignored("data/keep.csv") is False
    assert matcher.ignored("keep.csv") is True
    assert matcher.ignored("data/other.csv") is True


def test_patterns_of_a_subdirectory_apply_only_below_it() -> None:
    matcher = Matcher(parse("*.xlsx", "fixtures"))
    assert matcher.ignored("fixtures/a.xlsx")
    assert matcher.ignored("fixtures/deep/a.xlsx")
    assert not matcher.ignored("site/a.xlsx")
    assert not Matcher()
