"""Steps for ``approval check`` on a web root deployed from git: git-ignored files named and
checked with ``--include-ignored``; files staged through Git LFS checked by their real bytes.
The real CLI against a real ledger and real git repositories."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from tests.corpus.tabular import detainee_sheet
from tests.support import run_approval
from tests.world import World

scenarios("check_web_root.feature")

# What git-lfs's clean filter does to the staged blob (git-lfs itself is not needed).
_LFS_CLEAN = (
    "printf 'version https://git-lfs.github.com/spec/v1\\noid sha1:%s\\n' "
    '"$(git hash-object --stdin)"'
)


def git(where: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=where, check=True, capture_output=True)


@pytest.fixture
def webroot(world: World) -> Path:
    return world.root / "www"


@given(parsers.parse('a web root deployed as a git checkout that ignores "{pattern}"'))
def checkout(webroot: Path, pattern: str) -> None:
    webroot.mkdir()
    git(webroot, "init", "-q")
    (webroot / "index.html").write_text("<html>Detention statistics</html>\n")
    (webroot / ".gitignore").write_text(f"{pattern}\n")


@given(parsers.parse("the uploads hold a list of {count:d} asylum seekers"))
def uploads(webroot: Path, count: int) -> None:
    (webroot / "uploads").mkdir(exist_ok=True)
    detainee_sheet(count).write_csv(webroot / "uploads" / "people.csv")


@given("the uploads hold only figures")
def figures(webroot: Path) -> None:
    (webroot / "uploads").mkdir()
    (webroot / "uploads" / "figures.txt").write_text("detained in 2022: 1,204\n")


@given(parsers.parse('someone planted an .approvalignore there that names "{name}"'))
def planted_approvalignore(webroot: Path, name: str) -> None:
    (webroot / ".approvalignore").write_text(f"{name}\n")


@given("a repository that keeps CSV files in Git LFS")
def lfs_repository(world: World, webroot: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Where `git lfs install` configures the filter: the user's global git configuration (the
    # gate runs no filter that the checked repository's own configuration defines).
    config = world.root / "gitconfig"
    config.write_text(Path(os.environ["GIT_CONFIG_GLOBAL"]).read_text())
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    webroot.mkdir()
    git(webroot, "init", "-q")
    git(webroot, "config", "--global", "filter.lfs.clean", _LFS_CLEAN)
    git(webroot, "config", "--global", "filter.lfs.smudge", "cat")
    (webroot / ".gitattributes").write_text("*.csv filter=lfs diff=lfs merge=lfs -text\n")
    git(webroot, "add", ".gitattributes")


@given(parsers.parse('a list of {count:d} asylum seekers staged there as "{name}"'))
def staged_list(webroot: Path, count: int, name: str) -> None:
    detainee_sheet(count).write_csv(webroot / name)
    git(webroot, "add", name)


@given(
    parsers.parse("a web root that is a plain directory holding a list of {count:d} asylum seekers")
)
def plain_webroot(webroot: Path, count: int) -> None:
    webroot.mkdir()
    detainee_sheet(count).write_csv(webroot / "people.csv")


@given("someone planted a git repository there that ignores every file and names a command")
def planted(world: World, webroot: Path) -> None:
    git(webroot, "init", "-q")
    (webroot / ".git" / "info" / "exclude").write_text("*\n")
    # git runs core.fsmonitor as a shell command whenever it reads the index.
    git(webroot, "config", "core.fsmonitor", f"touch {world.root / 'ran'}; false #")


@then("the planted command did not run")
def not_run(world: World) -> None:
    assert not (world.root / "ran").exists()


@when("the deploy job checks the web root from the directory above it")
def deploy_checks(world: World, webroot: Path) -> None:
    env = {"APPROVAL_LEDGER": str(world.ledger)}
    world.last = run_approval("check", webroot.name, cwd=world.root, env=env)


@when("CI checks the web root")
def ci_checks(world: World, webroot: Path) -> None:
    world.last = run_approval("check", ".", cwd=webroot, env={"APPROVAL_LEDGER": str(world.ledger)})


@when(parsers.parse('CI checks the web root with "{option}"'))
def ci_checks_with(world: World, webroot: Path, option: str) -> None:
    env = {"APPROVAL_LEDGER": str(world.ledger)}
    world.last = run_approval("check", option, ".", cwd=webroot, env=env)


@when("the pre-commit gate checks the staged files")
def pre_commit(world: World, webroot: Path) -> None:
    env = {"APPROVAL_LEDGER": str(world.ledger)}
    world.last = run_approval("check", "--staged", cwd=webroot, env=env)


@then("the check fails")
def fails(world: World) -> None:
    assert world.last is not None and world.last.code == 1, world.last and world.last.output


@then("the check passes")
def passes(world: World) -> None:
    assert world.last is not None and world.last.code == 0, world.last and world.last.output


@then(parsers.parse('it says "{words}"'))
def says(world: World, words: str) -> None:
    assert world.last is not None
    assert words in world.last.stdout, world.last.output
