"""Steps for what ``approval check`` finds in a published tree: links followed, repositories
blocked, what is not checked named. The real CLI against a real ledger; the website is a
directory such as a web server serves."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from tests.corpus.tabular import detainee_sheet
from tests.support import run_approval
from tests.world import World

scenarios("published_tree.feature")


@pytest.fixture
def site(world: World) -> Path:
    return world.root / "site"


@given("a website directory with an index page")
def website(site: Path) -> None:
    site.mkdir()
    (site / "index.md").write_text("# Detention statistics\n\nFigures by nationality.\n")


@given(parsers.parse("a directory outside the website holding a list of {count:d} asylum seekers"))
def elsewhere(world: World, count: int) -> None:
    (world.root / "elsewhere").mkdir()
    detainee_sheet(count).write_csv(world.root / "elsewhere" / "people.csv")


@given(parsers.parse('the website links to that directory as "{name}"'))
def link_directory(world: World, site: Path, name: str) -> None:
    (site / name).symlink_to(world.root / "elsewhere", target_is_directory=True)


@given(parsers.parse('the website links to a file that no longer exists as "{name}"'))
def link_dangling(world: World, site: Path, name: str) -> None:
    (site / name).symlink_to(world.root / "removed.csv")


@given("a backup repository inside the website")
def backup(site: Path) -> None:
    subprocess.run(
        ["git", "init", "-q", "--bare", "backup.git"], cwd=site, check=True, capture_output=True
    )


def git(where: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=where, check=True, capture_output=True)


@pytest.fixture
def repository(world: World) -> Path:
    return world.root / "repo"


@given(
    parsers.parse(
        'a repository whose website links "{name}" to a git-ignored list of {count:d} asylum '
        "seekers"
    )
)
def linked_ignored(repository: Path, name: str, count: int) -> None:
    (repository / "site").mkdir(parents=True)
    (repository / "private").mkdir()
    detainee_sheet(count).write_csv(repository / "private" / "people.csv")
    (repository / ".gitignore").write_text("private/\n")
    (repository / "site" / name).symlink_to("../private/people.csv")
    git(repository, "init", "-q")
    git(repository, "add", ".gitignore", "site")


@when("the pre-commit gate checks the staged files")
def pre_commit(world: World, repository: Path) -> None:
    env = {"APPROVAL_LEDGER": str(world.ledger)}
    world.last = run_approval("check", "--staged", cwd=repository, env=env)


@when("the link is committed and CI checks a fresh clone")
def ci_clone(world: World, repository: Path) -> None:
    git(repository, "commit", "-q", "-m", "site")
    clone = world.root / "ci"
    git(world.root, "clone", "-q", str(repository), str(clone))
    world.last = run_approval("check", ".", cwd=clone, env={"APPROVAL_LEDGER": str(world.ledger)})


@when("CI checks the website")
def ci_checks(world: World, site: Path) -> None:
    world.last = run_approval("check", ".", cwd=site, env={"APPROVAL_LEDGER": str(world.ledger)})


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


@then(parsers.parse('it says the link "{name}" leads outside the checked tree'))
def says_outside(world: World, name: str) -> None:
    assert world.last is not None
    target = (world.root / "elsewhere").resolve()
    assert f"{name} -> {target}: outside the checked tree" in world.last.stdout, world.last.output


@given(
    parsers.parse(
        'a repository with a list of {count:d} asylum seekers in "{data}", checked out without '
        '"{same}"'
    )
)
def sparse(repository: Path, count: int, data: str, same: str) -> None:
    (repository / "site").mkdir(parents=True)
    (repository / "site" / "index.md").write_text("# Detention statistics\n")
    (repository / data).mkdir()
    detainee_sheet(count).write_csv(repository / data / "people.csv")
    git(repository, "init", "-q")
    git(repository, "add", ".")
    identity = ("-c", "user.name=Publisher", "-c", "user.email=publisher@example.org")
    git(repository, *identity, "commit", "-q", "--no-verify", "-m", "site and data")
    git(repository, "sparse-checkout", "set", "site")
    assert not (repository / same).exists()


@when("CI checks the repository")
def ci_checks_repository(world: World, repository: Path) -> None:
    env = {"APPROVAL_LEDGER": str(world.ledger)}
    world.last = run_approval("check", ".", cwd=repository, env=env)


# -- the history a push publishes -------------------------------------------------------------


@pytest.fixture
def pushed(world: World) -> Path:
    """The repository a push went to (bare, as a forge holds it)."""
    return world.root / "pushed.git"


@given(
    parsers.parse(
        "a repository where one push added a list of {count:d} asylum seekers and then deleted it"
    )
)
def added_and_deleted(world: World, repository: Path, pushed: Path, count: int) -> None:
    identity = ("-c", "user.name=Publisher", "-c", "user.email=publisher@example.org")
    repository.mkdir()
    git(repository, "init", "-q")
    (repository / "index.md").write_text("# Detention statistics\n")
    git(repository, "add", ".")
    git(repository, *identity, "commit", "-q", "-m", "site")
    detainee_sheet(count).write_csv(repository / "detainees.csv")
    git(repository, "add", "detainees.csv")
    git(repository, *identity, "commit", "-q", "--no-verify", "-m", "figures")
    git(repository, "rm", "-q", "detainees.csv")
    git(repository, *identity, "commit", "-q", "-m", "oops")
    git(world.root, "init", "-q", "--bare", str(pushed))
    git(repository, "push", "-q", str(pushed), "HEAD:refs/heads/main")


@given("the officials approved that list")
def approved_in_history(world: World, repository: Path) -> None:
    copy = world.root / "detainees.csv"
    copy.write_bytes(
        subprocess.run(
            ["git", "show", "HEAD~1:detainees.csv"], cwd=repository, check=True, capture_output=True
        ).stdout
    )
    request = world.request(copy)
    for who in ("o.privacy", "s.senior"):
        assert world.sign(request, who).code == 0


def _clone_and_check(world: World, pushed: Path, *clone: str, commits: bool) -> None:
    ci = world.root / "ci"
    git(world.root, "clone", "-q", *clone, f"file://{pushed}", str(ci))
    # What GitHub gives as github.event.before on a branch's first push: git's zero id.
    pushed_range = ["--commits", f"{'0' * 40}..HEAD"] if commits else []
    env = {"APPROVAL_LEDGER": str(world.ledger)}
    world.last = run_approval("check", ".", *pushed_range, cwd=ci, env=env)


@when("CI checks a fresh clone")
def ci_checks_tree(world: World, pushed: Path) -> None:
    _clone_and_check(world, pushed, commits=False)


@when("CI checks a fresh clone with the commits pushed")
def ci_checks_commits(world: World, pushed: Path) -> None:
    if (world.root / "ci").exists():
        shutil.rmtree(world.root / "ci")
    _clone_and_check(world, pushed, commits=True)


@when("CI checks a shallow clone with the commits pushed")
def ci_checks_shallow(world: World, pushed: Path) -> None:
    _clone_and_check(world, pushed, "--depth", "1", commits=True)
