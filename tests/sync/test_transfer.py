"""Fetch and push with their progress reported (``approval sync`` and ``approval clone``): through
GitPython, with the same outcomes and the same errors as the quiet plain-git path the other
commands take, and a progress bar only on a terminal."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from approval.errors import UsageError
from approval.ledger import Ledger
from approval.ledger import remote as git_remote
from approval.ledger.git import GitError, Quiet, transfer
from approval.ledger.remote import Unreachable
from approval.signing import PrivateKey
from tests.cli.test_terminal import on_terminal
from tests.ledger.envelopes import revocation
from tests.support import run_approval
from tests.sync.conftest import Shared, bare_remote, git, server_hook

# Enough objects that git indexes the pack it receives (above transfer.unpackLimit, 100) and
# reports "Receiving objects" as it goes.
FILES = 150


class Recorder:
    """A progress that keeps what it was told."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int, int | None]] = []

    def update(self, stage: str, done: int, total: int | None) -> None:
        self.seen.append((stage, done, total))

    def stages(self) -> set[str]:
        return {stage for stage, _, _ in self.seen}


class Broken:
    """A progress display that fails."""

    def update(self, stage: str, done: int, total: int | None) -> None:
        raise RuntimeError("the display broke")


@pytest.fixture
def big(tmp_path: Path, office: Ledger) -> tuple[Path, str]:
    """A bare repository whose ``ledger`` branch is one commit of FILES files (git's
    transfer does not look at what the files hold), as the office's remote: the repository
    and the commit."""
    path = bare_remote(tmp_path / "big.git")
    stream = b"commit refs/heads/ledger\ncommitter t <t@t.invalid> 0 +0000\ndata 1\nx\n"
    for i in range(FILES):
        data = f"file {i}\n".encode() * 20
        stream += f"M 100644 inline f{i}\ndata {len(data)}\n".encode() + data + b"\n"
    subprocess.run(["git", "--git-dir", str(path), "fast-import", "--quiet"], input=stream)
    git_remote.set_url(office, str(path))
    return path, git(path, "rev-parse", "refs/heads/ledger")


def test_a_fetch_reports_each_stage_as_git_counts_it(office: Ledger, big: tuple[Path, str]) -> None:
    path, head = big
    progress = Recorder()
    assert git_remote.fetch(office, str(path), progress=progress) == head
    assert "receiving objects" in progress.stages()
    received = [
        (done, total) for stage, done, total in progress.seen if stage == "receiving objects"
    ]
    assert received[-1][0] == received[-1][1]  # it ends at the whole
    assert all(total and 0 <= done <= total for done, total in received)
    assert office.head() is None  # nothing but refs/approval/fetched moved


def test_a_push_reports_the_objects_it_writes(
    office: Ledger, big: tuple[Path, str], remote: Path
) -> None:
    path, head = big
    git_remote.fetch(office, str(path))  # quiet: nothing to report to
    git_remote.set_url(office, str(remote))
    progress = Recorder()
    assert git_remote.push(office, str(remote), head, progress=progress).ok
    assert "writing objects" in progress.stages()
    assert git(remote, "rev-parse", "refs/heads/ledger") == head


def test_with_progress_a_remote_without_a_ledger_branch_gives_none(office: Ledger) -> None:
    assert git_remote.fetch(office, str(office.path), progress=Recorder()) is None


def test_with_progress_a_push_that_is_not_a_fast_forward_is_refused_for_a_retry(
    office: Ledger, remote: Path, tmp_path: Path, key: PrivateKey
) -> None:
    first = office.append(revocation(key, "one"))
    assert git_remote.push(office, str(remote), first, progress=Recorder()).ok
    with Ledger.create(tmp_path / "other") as other:
        git_remote.set_url(other, str(remote))
        assert git_remote.fetch(other, str(remote), progress=Recorder()) == first
        assert other.set_head(first, expect=None)
        theirs = other.append(revocation(key, "theirs"))
        assert git_remote.push(other, str(remote), theirs, progress=Recorder()).ok
    mine = office.append(revocation(key, "mine"))
    pushed = git_remote.push(office, str(remote), mine, progress=Recorder())
    assert not pushed.ok
    assert "fetch first" in pushed.reason or "non-fast-forward" in pushed.reason
    assert git(remote, "rev-parse", "refs/heads/ledger") == theirs


def test_with_progress_a_declined_push_is_a_final_error_named_by_its_cause(
    office: Ledger, remote: Path, key: PrivateKey, over_ssh: Callable[[Path], str]
) -> None:
    server_hook(remote, "#!/bin/sh\necho 'ledger is frozen' >&2\nexit 1\n")
    url = over_ssh(remote)
    git_remote.set_url(office, url)
    head = office.append(revocation(key, "one"))
    with pytest.raises(UsageError) as refused:
        git_remote.push(office, url, head, progress=Recorder())
    assert "hook declined" in refused.value.message
    cause = refused.value.__cause__
    assert isinstance(cause, GitError)  # ours, made from GitPython's GitCommandError
    assert type(cause.__cause__).__name__ == "GitCommandError"


def test_a_remote_message_that_is_not_utf8_neither_stops_nor_garbles_the_push(
    office: Ledger,
    remote: Path,
    key: PrivateKey,
    capfd: pytest.CaptureFixture[str],
    over_ssh: Callable[[Path], str],
) -> None:
    server_hook(remote, b"#!/bin/sh\nprintf '\\377\\376 frozen\\n' >&2\nexit 1\n")
    url = over_ssh(remote)
    git_remote.set_url(office, url)
    head = office.append(revocation(key, "one"))
    with pytest.raises(UsageError) as refused:
        git_remote.push(office, url, head, progress=Recorder())
    assert "hook declined" in refused.value.message
    assert capfd.readouterr().err == ""  # GitPython's reader thread read it all, quietly


def test_with_progress_an_unreachable_remote_says_so_in_one_line(
    office: Ledger, tmp_path: Path
) -> None:
    missing = str(tmp_path / "nowhere.git")
    git_remote.set_url(office, missing)
    with pytest.raises(Unreachable) as unreachable:
        git_remote.fetch(office, missing, progress=Recorder())
    assert unreachable.value.message.startswith(f"cannot fetch the shared ledger at {missing}: ")
    assert "does not appear to be a git repository" in unreachable.value.message
    assert "\n" not in unreachable.value.message
    with pytest.raises(Unreachable):
        git_remote.push(office, missing, "0" * 40, progress=Recorder())


def test_a_failing_display_does_not_fail_the_transfer(
    office: Ledger, big: tuple[Path, str], capfd: pytest.CaptureFixture[str]
) -> None:
    path, head = big
    assert git_remote.fetch(office, str(path), progress=Broken()) == head
    assert capfd.readouterr().err == ""  # no traceback from GitPython's reader thread


def test_in_a_git_hook_the_transfer_runs_plain_git_on_the_ledger(
    office: Ledger, big: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hook's git variables name the project's repository (a server-side hook's
    GIT_OBJECT_DIRECTORY its quarantine). GitPython passes the caller's environment on whole,
    so the transfer goes quietly through plain git, which leaves them out: the objects and the
    ref land in the ledger, not in the project."""
    path, head = big
    project = bare_remote(tmp_path / "project.git")
    hook = {
        "GIT_DIR": str(project),
        "GIT_INDEX_FILE": str(tmp_path / "index"),
        "GIT_OBJECT_DIRECTORY": str(project / "objects"),
    }
    for name, value in hook.items():
        monkeypatch.setenv(name, value)
    progress = Recorder()
    assert git_remote.fetch(office, str(path), progress=progress) == head
    assert progress.seen == []
    for name in hook:
        monkeypatch.delenv(name)
    assert git(project, "for-each-ref") == ""
    assert git(project, "count-objects").startswith("0 objects")


def test_a_quiet_progress_still_goes_through_gitpython_and_fails_alike(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.git"
    bare_remote(ledger)
    with pytest.raises(GitError) as failed:
        transfer(ledger, ["fetch", str(tmp_path / "nowhere"), "ledger"], progress=Quiet())
    assert failed.value.message.startswith("git fetch failed: fatal: ")
    assert failed.value.returncode != 0


def _unpack_nothing(tmp_path: Path) -> dict[str, str]:
    """A git configuration under which every fetch indexes its pack (and so reports
    "Receiving objects"), however few objects come in."""
    config = tmp_path / "gitconfig"
    config.write_text("[fetch]\n\tunpackLimit = 1\n[transfer]\n\tunpackLimit = 1\n")
    return {"GIT_CONFIG_GLOBAL": str(config)}


def test_clone_on_a_terminal_shows_the_transfer_and_piped_shows_nothing(
    shared: Shared, tmp_path: Path
) -> None:
    env = _unpack_nothing(tmp_path)
    screen = on_terminal(["clone", shared.remote, tmp_path / "east"], tmp_path, env)
    assert screen.code == 0, screen.text
    assert "receiving objects" in screen.raw
    piped = run_approval("clone", shared.remote, tmp_path / "west", cwd=tmp_path, env=env)
    assert piped.code == 0, piped.output
    assert piped.stderr == ""
    assert "objects" not in piped.stdout


def test_sync_on_a_terminal_shows_the_push(shared: Shared, tmp_path: Path) -> None:
    east = shared.clone("east")
    assert east.run("sync").code == 0
    hq = shared.offices["hq"]
    request = hq.request(shared.workbook(), "p.publisher", "--offline")
    assert request
    env = {**_unpack_nothing(tmp_path), "APPROVAL_LEDGER": str(hq.path)}
    screen = on_terminal(["sync"], shared.world.root, env)
    assert screen.code == 0, screen.text
    assert "went out: 1 statement" in screen.text
    assert "writing objects" in screen.raw
    assert shared.remote_head() == hq.head()
