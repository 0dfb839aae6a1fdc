"""Creating and opening a ledger: a bare git repository on branch ``ledger``, found by path or
$APPROVAL_LEDGER, with one clear line when it is not there."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from approval.errors import EXIT_USAGE, UsageError
from approval.ledger import LEDGER_ENV, Ledger
from tests.ledger.conftest import MakeStatement, git


def test_create_makes_an_empty_bare_repository_on_the_ledger_branch(tmp_path: Path) -> None:
    with Ledger.create(tmp_path / "new" / "ledger") as ledger:
        assert ledger.head() is None
        assert list(ledger.entries()) == []
    repo = tmp_path / "new" / "ledger"
    assert git(repo, "rev-parse", "--is-bare-repository") == "true"
    assert git(repo, "symbolic-ref", "HEAD") == "refs/heads/ledger"
    # An append that returned is on disk: git's default leaves loose objects and refs unsynced.
    assert git(repo, "config", "core.fsync") == "committed"
    assert git(repo, "config", "core.fsyncMethod") == "fsync"
    assert git(repo, "config", "receive.denyNonFastForwards") == "true"
    # Nothing left behind from building it aside.
    assert [p.name for p in (tmp_path / "new").iterdir()] == ["ledger"]


def test_create_accepts_an_existing_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with Ledger.create(tmp_path / "empty") as ledger:
        assert ledger.head() is None


@pytest.mark.parametrize("what", ["non-empty directory", "file"])
def test_create_refuses_what_exists(tmp_path: Path, what: str) -> None:
    target = tmp_path / "taken"
    if what == "file":
        target.write_text("x")
    else:
        target.mkdir()
        (target / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="exists and is not empty") as raised:
        Ledger.create(target)
    assert raised.value.exit_code == EXIT_USAGE
    assert (target / "notes.txt").exists() if what != "file" else target.read_text() == "x"


def test_open_finds_a_created_ledger_by_path_and_by_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Ledger.create(tmp_path / "ledger").close()
    with Ledger.open(tmp_path / "ledger") as ledger:
        assert ledger.path == tmp_path / "ledger"
    monkeypatch.setenv(LEDGER_ENV, str(tmp_path / "ledger"))
    with Ledger.open() as ledger:
        assert ledger.path == tmp_path / "ledger"
        assert ledger.head() is None


def test_open_without_path_or_environment_says_how(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(LEDGER_ENV, raising=False)
    with pytest.raises(UsageError, match=r"no ledger given") as raised:
        Ledger.open()
    assert raised.value.hint == "create one with 'approval init ...' or pass --ledger DIR"
    assert raised.value.exit_code == EXIT_USAGE


def test_open_a_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no ledger at") as raised:
        Ledger.open(tmp_path / "nowhere")
    assert "approval init" in (raised.value.hint or "")


@pytest.mark.parametrize("what", ["plain directory", "other git repository", "bare on main"])
def test_open_refuses_what_is_not_a_ledger(tmp_path: Path, what: str) -> None:
    target = tmp_path / "thing"
    target.mkdir()
    if what == "other git repository":
        subprocess.run(["git", "init", "-q", str(target)], check=True)
    if what == "bare on main":
        subprocess.run(["git", "init", "-q", "--bare", str(target)], check=True)
    with pytest.raises(UsageError, match="is not a ledger") as raised:
        Ledger.open(target)
    assert raised.value.exit_code == EXIT_USAGE
    assert "--ledger DIR" in (raised.value.hint or "")


def test_cache_dir_is_private_to_the_user_and_never_in_the_ledger(
    ledger: Ledger, statement: MakeStatement, tmp_path: Path
) -> None:
    ledger.append(statement("one"))
    (ledger.cache_dir / "probe").write_text("local")
    # A ledger directory may be shared; a cache others could write would be trusted by us.
    assert not ledger.cache_dir.is_relative_to(ledger.path)
    assert ledger.cache_dir.stat().st_mode & 0o077 == 0
    subprocess.run(["git", "clone", "-q", str(ledger.path), str(tmp_path / "copy")], check=True)
    assert not list((tmp_path / "copy").rglob("probe"))


def test_a_branch_whose_commit_is_missing_is_not_an_empty_ledger(
    ledger: Ledger, statement: MakeStatement
) -> None:
    from approval.errors import IntegrityError

    ledger.append(statement("one"))
    ledger.close()
    (ledger.git_dir / "refs" / "heads" / "ledger").write_text("1" * 40 + "\n")
    with pytest.raises(IntegrityError, match="which is not in the ledger"):
        Ledger.open(ledger.path).head()


@pytest.mark.parametrize("content", ["garbage\n", "", "ref: refs/heads/nowhere\n"])
def test_a_damaged_branch_is_not_an_empty_ledger(
    ledger: Ledger, statement: MakeStatement, content: str
) -> None:
    """A reviewer's find: a ref file of garbage read as "no branch yet", and audited intact."""
    from approval.errors import IntegrityError

    ledger.append(statement("one"))
    ledger.close()
    (ledger.git_dir / "refs" / "heads" / "ledger").write_text(content)
    with pytest.raises(IntegrityError, match="is damaged: it names no commit"):
        Ledger.open(ledger.path).head()


def test_a_packed_branch_is_read_and_a_damaged_one_is_caught(
    ledger: Ledger, statement: MakeStatement
) -> None:
    from approval.errors import IntegrityError

    head = ledger.append(statement("one"))
    git(ledger.path, "pack-refs", "--all")
    assert not (ledger.git_dir / "refs" / "heads" / "ledger").exists()
    assert Ledger.open(ledger.path).head() == head
    packed = ledger.git_dir / "packed-refs"
    packed.write_text(packed.read_text().replace(head, "z" * 40))
    with pytest.raises(IntegrityError, match="packed-refs"):  # git's own words: exit 3
        Ledger.open(ledger.path).head()


def test_without_git_the_message_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    with pytest.raises(UsageError, match="cannot run git") as raised:
        Ledger.create(tmp_path / "ledger")
    assert "install git" in (raised.value.hint or "")
    assert not (tmp_path / "ledger").exists()
    assert list(tmp_path.iterdir()) == []  # the half-built directory is gone too
