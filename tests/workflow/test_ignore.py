"""The .approvalignore matcher: gitignore's syntax, checked against a table and against git."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from approval.files.ignore import IgnoreFileError, Matcher, parse

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
    # Found by the generated test below, where pathspec alone differs from git:
    ("a[!a]b", "a/b", False),  # a class never matches "/"
    ("[]a]", "]", True),
    ("docs/**\n!docs/keep.md", "docs/keep.md", False),  # "docs/**" leaves docs itself alone
    ("a\n!/", "b/a", True),  # "/" matches nothing
    ("*", "x/y.md", True),
    ("a*/", "b/a/c.md", True),
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


# -- against git, on generated patterns ------------------------------------------------------

# A small tree: files and directories whose names the generated patterns can reach.
TREE = (
    "a.csv", "b.md", "ab", "x/a.csv", "x/y/b.md", "x/y/z/ab", "docs/a.csv", "docs/x/b.md", "ba",
    "a]/b.md", "[a]/z.csv", "-/a", "z/docs/a.csv", "x/ab/x", "b/a/b/a.csv",
)  # fmt: skip
_PIECES = st.sampled_from(
    ["a", "b", "x", "docs", "ab", "*", "**", "?", "/", "[ab]", "[!a]", "[]a]", "[a-c]", "!",
     "[%-0]", "\\", ".csv", ".md", "[", "]", "-", " "]
)  # fmt: skip
_LINE = st.lists(_PIECES, min_size=1, max_size=5).map("".join)


def _git_ignored(root: Path, text: str, paths: Sequence[str]) -> set[str]:
    (root / ".gitignore").write_text(text + "\n")
    done = subprocess.run(
        ["git", "check-ignore", "--no-index", "--stdin", "-z"],
        cwd=root,
        input="\0".join(paths).encode() + b"\0",
        capture_output=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return {p for p in done.stdout.decode().split("\0") if p}


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ignore-tree")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    for name in TREE:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x\n")
    return root


def _paths() -> list[str]:
    """Every file of the tree, and every directory on the way (as git names them)."""
    directories = {name.rsplit("/", i)[0] for name in TREE for i in range(1, name.count("/") + 1)}
    return sorted({*TREE, *directories})


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=st.lists(_LINE, min_size=1, max_size=3))
def test_generated_patterns_match_as_git_does(tree: Path, lines: list[str]) -> None:
    """Whatever git does with a pattern, we do too, or we refuse the line with file:line."""
    text = "\n".join(lines)
    try:
        matcher = Matcher(parse(text))
    except IgnoreFileError as e:
        assert re.match(r"\.approvalignore:\d+: this pattern cannot be used", e.message)
        return
    paths = _paths()
    expected = _git_ignored(tree, text, paths)
    directories = {p for p in paths if (tree / p).is_dir()}
    ours = {p for p in paths if matcher.ignored(p, directory=p in directories)}
    assert ours == expected, text


@pytest.mark.parametrize(
    "line", ["[z-a]", "a\\", "[[:alpha:]]", "a**/b", "x/**b", "[/]a", "[\\/]a"]
)
def test_a_pattern_that_cannot_be_used_names_its_file_and_line(line: str) -> None:
    with pytest.raises(IgnoreFileError) as caught:
        parse(f"# fixtures\n*.tmp\n{line}\n", "data", "data/.approvalignore")
    assert caught.value.message.startswith("data/.approvalignore:3: this pattern cannot be used")
    assert caught.value.exit_code == 2
    assert line not in caught.value.message.split("(")[0]  # the line itself is not quoted
