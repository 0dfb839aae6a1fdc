"""Appending and reading back: one statement, one commit, one readable JSON file, in a layout
that stock git shows as it is."""

from __future__ import annotations

import itertools
import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from approval.errors import EXIT_USAGE, UsageError
from approval.ledger import Ledger, entry_path
from approval.statements import Envelope, short_id
from tests.ledger.conftest import MakeStatement, git
from tests.ledger.envelopes import at


def test_entries_come_back_oldest_first_exactly_as_appended(
    ledger: Ledger, statement: MakeStatement
) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    appended = []
    for tag in ("a", "b", "c"):
        envelope = statement(tag, seen_head=ledger.head())
        appended.append((ledger.append(envelope), envelope))
    entries = list(ledger.entries())
    assert [(e.commit, e.envelope) for e in entries] == appended
    assert ledger.head() == appended[-1][0] == git(ledger.path, "rev-parse", "refs/heads/ledger")
    for entry, (_, envelope) in zip(entries, appended, strict=True):
        assert entry.raw == envelope.to_json()
        assert entry.path == entry_path(envelope)
        assert before <= entry.commit_time <= datetime.now(UTC) + timedelta(seconds=1)
    # Each statement names the head its signer saw: the previous entry.
    assert entries[1].envelope.statement["seen_head"] == entries[0].commit


def test_layout_is_sharded_by_the_statement_date(ledger: Ledger, statement: MakeStatement) -> None:
    envelope = statement("dated", created=at("2024-02-29T23:59:58"))
    ledger.append(envelope)
    assert entry_path(envelope) == (
        f"entries/2024/02/29/20240229T235958Z-revocation-{short_id(envelope.id)}.json"
    )
    assert git(ledger.path, "ls-tree", "-r", "--name-only", "refs/heads/ledger") == entry_path(
        envelope
    )


def test_each_commit_adds_exactly_one_file_and_says_which(
    ledger: Ledger, statement: MakeStatement
) -> None:
    first = statement("first", created=at("2025-01-01T10:00:00"))
    second = statement("second", created=at("2025-03-07T09:00:00"))
    ledger.append(first)
    commit = ledger.append(second)
    changed = git(ledger.path, "diff-tree", "-r", "--no-commit-id", "--name-status", commit)
    assert changed == f"A\t{entry_path(second)}"
    assert git(ledger.path, "rev-list", "--count", commit) == "2"
    message = git(ledger.path, "log", "-1", "--format=%B", commit)
    assert message.splitlines()[0] == f"revocation {second.id}"
    trailer = git(
        ledger.path, "log", "-1", "--format=%(trailers:key=Approval-Entry,valueonly)", commit
    )
    assert trailer == entry_path(second)


def test_commits_carry_the_tool_identity_whatever_the_user_configured(
    ledger: Ledger, statement: MakeStatement, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Mallory")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "mallory@example.org")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2001-01-01T00:00:00Z")
    envelope = statement("who", created=at("2025-05-05T05:05:05"))
    commit = ledger.append(envelope)
    shown = git(ledger.path, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%at", commit)
    tool = "approval <ledger@approval.invalid>"
    assert shown == f"{tool}|{tool}|{int(envelope.created.timestamp())}"
    # Committer date: when it landed, not what the environment said.
    committed = int(git(ledger.path, "log", "-1", "--format=%ct", commit))
    assert abs(committed - datetime.now(UTC).timestamp()) < 60


def test_a_git_hook_environment_does_not_redirect_the_ledger(
    ledger: Ledger, statement: MakeStatement, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pre-commit gate runs inside a hook, with GIT_DIR and GIT_INDEX_FILE set for the
    project's repository."""
    project = tmp_path / "project"
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    monkeypatch.setenv("GIT_DIR", str(project / ".git"))
    monkeypatch.setenv("GIT_INDEX_FILE", str(project / ".git" / "index"))
    monkeypatch.setenv("GIT_WORK_TREE", str(project))
    commit = ledger.append(statement("hooked"))
    assert [e.commit for e in ledger.entries()] == [commit]
    monkeypatch.delenv("GIT_DIR")
    monkeypatch.delenv("GIT_INDEX_FILE")
    monkeypatch.delenv("GIT_WORK_TREE")
    assert (
        subprocess.run(
            ["git", "-C", str(project), "rev-parse", "--verify", "-q", "HEAD"], check=False
        ).returncode
        != 0
    )


def test_a_plain_git_clone_is_a_complete_readable_ledger(
    ledger: Ledger, statement: MakeStatement, tmp_path: Path
) -> None:
    envelopes = [statement(tag) for tag in ("x", "y")]
    for envelope in envelopes:
        ledger.append(envelope)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ledger.path), str(clone)], check=True)
    for envelope in envelopes:
        file = clone / entry_path(envelope)
        assert file.read_bytes() == envelope.to_json()
        assert json.loads(file.read_text("utf-8"))["statement"]["kind"] == "revocation"
    log = subprocess.run(
        ["git", "-C", str(clone), "log", "--format=%s"], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert log[:2] == [f"revocation {envelopes[1].id}", f"revocation {envelopes[0].id}"]
    with Ledger.open(clone) as copy:
        assert [e.envelope for e in copy.entries()] == envelopes


def test_the_same_statement_twice_is_refused(ledger: Ledger, statement: MakeStatement) -> None:
    envelope = statement("once")
    head = ledger.append(envelope)
    with pytest.raises(UsageError, match=rf"statement {short_id(envelope.id)} is already in"):
        ledger.append(envelope)
    assert ledger.head() == head


def test_an_invalid_statement_is_refused_before_anything_is_written(
    ledger: Ledger, statement: MakeStatement
) -> None:
    good = statement("good")
    bad = Envelope({**good.statement, "reason": ""}, good.signatures)  # reason: minLength 1
    with pytest.raises(UsageError, match="refusing to append an invalid statement") as raised:
        ledger.append(bad)
    assert raised.value.exit_code == EXIT_USAGE
    no_date = Envelope({**good.statement, "created": "2025-02-30T00:00:00Z"}, good.signatures)
    with pytest.raises(UsageError, match="invalid statement"):
        ledger.append(no_date)
    assert ledger.head() is None


def test_is_ancestor_follows_the_history(ledger: Ledger, statement: MakeStatement) -> None:
    first = ledger.append(statement("1"))
    second = ledger.append(statement("2"))
    assert ledger.is_ancestor(first, second)
    assert ledger.is_ancestor(second, second)
    assert not ledger.is_ancestor(second, first)
    assert not ledger.is_ancestor("0" * 40, second)
    assert not ledger.is_ancestor("refs/heads/ledger", second)
    tree = git(ledger.path, "rev-parse", f"{second}^{{tree}}")
    assert not ledger.is_ancestor(tree, second)


def test_reading_up_to_an_earlier_head(ledger: Ledger, statement: MakeStatement) -> None:
    first = ledger.append(statement("1"))
    ledger.append(statement("2"))
    assert [e.commit for e in ledger.entries(first)] == [first]


def test_reading_only_what_came_after_a_known_entry(
    ledger: Ledger, statement: MakeStatement
) -> None:
    first, second, third = (ledger.append(statement(tag)) for tag in "123")
    assert [e.commit for e in ledger.entries(since=first)] == [second, third]
    assert [e.commit for e in ledger.entries(third, since=third)] == []
    assert [e.commit for e in ledger.entries(second, since=first)] == [second]
    with pytest.raises(UsageError, match="not a commit id"):
        list(ledger.entries(since="HEAD~1"))


def test_a_reader_and_a_writer_can_interleave(ledger: Ledger, statement: MakeStatement) -> None:
    """Appending while iterating: the shared cat-file process must not mix up the answers."""
    ledger.read_chunk = 4
    for tag in range(10):  # more than one read chunk
        ledger.append(statement(f"r{tag}"))
    seen = []
    for entry in ledger.entries():
        if len(seen) == 5:
            ledger.append(statement("during"))
        seen.append(entry.envelope.statement["reason"])
    assert seen == [f"withdrawn (r{tag})" for tag in range(10)]
    assert len(list(ledger.entries())) == 11


def test_repacking_keeps_every_entry_and_leaves_no_loose_objects(
    ledger: Ledger, statement: MakeStatement
) -> None:
    ledger.repack_sample_limit = -1  # repack after every append
    for tag in range(3):
        ledger.append(statement(f"p{tag}"))
    counts = dict(line.split(": ") for line in git(ledger.path, "count-objects", "-v").splitlines())
    assert counts["count"] == "0"
    assert int(counts["in-pack"]) >= 3 * 7
    assert len(list(ledger.entries(use_cache=False))) == 3
    git(ledger.path, "fsck", "--strict")


def test_a_full_repack_recomputing_deltas_is_scheduled_as_the_packed_objects_grow(
    ledger: Ledger, statement: MakeStatement
) -> None:
    import time

    from approval.ledger.storage import FULL_REPACK_FILE, FULL_REPACK_GROWTH, REPACK_LOCK_FILE

    ledger.repack_sample_limit = -1  # a scheduled repack after every append
    ledger.full_repack_min_objects = 20
    marker = ledger.git_dir / FULL_REPACK_FILE

    def settled() -> None:  # the detached git holds the repack lock until it exits
        from approval.ledger.locks import turn

        for _ in range(600):
            with turn(ledger.git_dir / REPACK_LOCK_FILE, wait=0) as free:
                if free:
                    return
            time.sleep(0.05)
        raise AssertionError("the detached repack did not finish")

    packs = ledger.git_dir / "objects" / "pack"
    started: list[int] = []  # the packed objects each full repack was started at
    for tag in range(12):
        ledger.append(statement(f"p{tag}"))
        if marker.exists() and (not started or int(marker.read_text()) != started[-1]):
            started.append(int(marker.read_text()))
            settled()
            # Right after it, before the next append: one pack holds every object.
            assert len(list(packs.glob("*.pack"))) == 1
    # 7 objects an entry: the first at the minimum, each next one a tenth past the one before.
    assert len(started) >= 3
    assert started[0] >= 20
    assert all(
        later >= FULL_REPACK_GROWTH * earlier for earlier, later in itertools.pairwise(started)
    )
    settled()
    assert len(list(ledger.entries(use_cache=False))) == 12
    git(ledger.path, "fsck", "--strict")
