"""The git mechanics under sync, against real bare repositories: fetch into a private ref,
push fast-forward only, the refs a clone keeps. Nothing here verifies a signature."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from approval.errors import UsageError
from approval.ledger import Ledger
from approval.ledger import remote as git_remote
from approval.ledger.remote import Unreachable
from approval.signing import PrivateKey
from tests.ledger.envelopes import revocation
from tests.sync.conftest import git, server_hook


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("ssh://git.example.gov/ledger.git", True),
        ("https://github.com/agency/ledger.git", True),
        ("git@github.com:agency/ledger.git", True),
        ("file:///srv/ledger.git", True),
        ("ledger.git", False),
        ("../shared/ledger.git", False),
    ],
)
def test_a_local_path_is_recorded_absolute_and_a_url_as_given(url: str, kept: bool) -> None:
    recorded = git_remote.normalize_url(url)
    assert (recorded == url) is kept
    if not kept:
        assert Path(recorded).is_absolute()
        assert recorded == str(Path(url).resolve())


def test_an_empty_url_is_refused() -> None:
    with pytest.raises(UsageError):
        git_remote.normalize_url("  ")


def test_fetching_a_remote_without_a_ledger_branch_gives_none(office: Ledger) -> None:
    assert git_remote.fetch(office, str(office.path)) is None
    assert git_remote.ref(office, git_remote.FETCHED) is None


def test_push_then_fetch_moves_only_the_private_ref(
    office: Ledger, remote: Path, tmp_path: Path, key: PrivateKey
) -> None:
    head = office.append(revocation(key, "one"))
    assert git_remote.push(office, str(remote), head).ok
    assert git(remote, "rev-parse", "refs/heads/ledger") == head
    with Ledger.create(tmp_path / "other") as other:
        git_remote.set_url(other, str(remote))
        assert git_remote.fetch(other, str(remote)) == head
        assert other.head() is None  # fetching moves nothing but refs/approval/fetched
        assert git_remote.ref(other, git_remote.TRACKING) is None
        assert git_remote.mark_verified(other, head, None)
        assert git_remote.ref(other, git_remote.VERIFIED) == head
        assert git_remote.ref(other, git_remote.TRACKING) == head
        assert not git_remote.mark_verified(other, head, "0" * 40)  # compare-and-swap


def test_a_push_that_is_not_a_fast_forward_is_refused_for_a_retry(
    office: Ledger, remote: Path, tmp_path: Path, key: PrivateKey
) -> None:
    first = office.append(revocation(key, "one"))
    assert git_remote.push(office, str(remote), first).ok
    with Ledger.create(tmp_path / "other") as other:
        git_remote.set_url(other, str(remote))
        git_remote.fetch(other, str(remote))
        assert other.set_head(first, expect=None)
        theirs = other.append(revocation(key, "theirs"))
        assert git_remote.push(other, str(remote), theirs).ok
    mine = office.append(revocation(key, "mine"))
    pushed = git_remote.push(office, str(remote), mine)
    assert not pushed.ok
    assert "fetch first" in pushed.reason or "non-fast-forward" in pushed.reason
    assert git(remote, "rev-parse", "refs/heads/ledger") == theirs  # never forced


def test_a_push_a_server_hook_declines_is_a_final_error(
    office: Ledger, remote: Path, key: PrivateKey, over_ssh: Callable[[Path], str]
) -> None:
    server_hook(remote, "#!/bin/sh\necho 'ledger is frozen' >&2\nexit 1\n")
    url = over_ssh(remote)
    git_remote.set_url(office, url)
    head = office.append(revocation(key, "one"))
    with pytest.raises(UsageError) as refused:
        git_remote.push(office, url, head)
    assert "refused the push" in refused.value.message
    assert "hook declined" in refused.value.message


@pytest.mark.parametrize("name", ["pre-receive", "update", "post-receive", "reference-transaction"])
def test_no_hook_of_a_remote_on_this_machine_runs_as_the_official(
    office: Ledger, remote: Path, key: PrivateKey, tmp_path: Path, name: str
) -> None:
    """A remote on a file share is run by git here, as this user: its hooks (which anyone who
    can write the share can fill) never run, on a push or a fetch, as a path or a file URL;
    nor does a remote-side program the ledger's own config names."""
    ran = tmp_path / "ran"
    server_hook(remote, f"#!/bin/sh\ntouch {ran}\n", name)
    git(office.git_dir, "config", "remote.origin.receivepack", f"touch {ran}; git-receive-pack")
    git(office.git_dir, "config", "remote.origin.uploadpack", f"touch {ran}; git-upload-pack")
    for url in (str(remote), f"file://{remote}"):
        git_remote.set_url(office, url)
        head = office.append(revocation(key, url))
        assert git_remote.push(office, url, head).ok
        assert git_remote.fetch(office, url) == head
    assert git(remote, "rev-parse", "refs/heads/ledger") == head
    assert not ran.exists()


def test_no_hook_of_the_ledger_directory_runs(
    office: Ledger, key: PrivateKey, tmp_path: Path
) -> None:
    """A ledger directory copied from someone else carries its hooks: none runs on an append."""
    ran = tmp_path / "ran"
    for name in ("reference-transaction", "post-commit", "pre-auto-gc"):
        server_hook(office.git_dir, f"#!/bin/sh\ntouch {ran}\n", name)
    office.append(revocation(key, "one"))
    assert not ran.exists()


def test_an_unreachable_remote_says_so_in_one_line(office: Ledger, tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere.git")
    git_remote.set_url(office, missing)
    with pytest.raises(Unreachable) as unreachable:
        git_remote.fetch(office, missing)
    assert unreachable.value.message.startswith(f"cannot fetch the shared ledger at {missing}: ")
    assert "\n" not in unreachable.value.message
    with pytest.raises(Unreachable):
        git_remote.remote_head(tmp_path / "no-repository", missing)


def test_the_first_parent_log_names_every_entry_in_order(office: Ledger, key: PrivateKey) -> None:
    envelopes = [revocation(key, tag) for tag in ("one", "two", "three")]
    commits = [office.append(envelope) for envelope in envelopes]
    log = git_remote.first_parent_log(office, commits[-1])
    assert [commit for commit, _ in log] == commits
    assert [subject for _, subject in log] == [f"revocation {e.id}" for e in envelopes]
    assert git_remote.first_parent_log(office, commits[-1], commits[0]) == log[1:]
    assert git_remote.merge_base(office, commits[0], commits[2]) == commits[0]


@pytest.mark.parametrize(
    "setting", ["core.sshCommand", "credential.helper", "credential.https://x.example.helper"]
)
def test_a_program_named_in_the_ledgers_own_config_is_refused(
    office: Ledger, remote: Path, key: PrivateKey, tmp_path: Path, setting: str
) -> None:
    """A ledger directory copied from someone else carries its config: a program it names for
    fetches and pushes is refused, never run (the user's global config is where it belongs)."""
    ran = tmp_path / "ran"
    url = f"ssh://server{remote}"
    git_remote.set_url(office, url)
    git(office.git_dir, "config", setting, f"touch {ran}; false")
    head = office.append(revocation(key, "one"))
    for attempt in (
        lambda: git_remote.fetch(office, url),
        lambda: git_remote.push(office, url, head),
    ):
        with pytest.raises(UsageError, match="runs a program on every fetch and push"):
            attempt()
    assert not ran.exists()
