"""Where entries live and how trees are read and written: pure functions, checked against git."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from approval.ledger import entry_path
from approval.ledger.layout import (
    ENTRY_PATH,
    TreeEntry,
    commit_message,
    parse_tree,
    path_for,
    with_entry,
)
from tests.ledger.conftest import MakeStatement
from tests.ledger.envelopes import at


def test_the_path_comes_from_created_kind_and_id(statement: MakeStatement) -> None:
    envelope = statement("p", created=at("2026-01-09T08:07:06"))
    path = entry_path(envelope)
    assert path == f"entries/2026/01/09/20260109T080706Z-revocation-{envelope.id[:12]}.json"
    assert path == path_for("2026-01-09T08:07:06Z", "revocation", envelope.id)
    assert ENTRY_PATH.match(path)
    assert commit_message(envelope, path) == (
        f"revocation {envelope.id}\n\nApproval-Entry: {path}\n"
    )


@pytest.mark.parametrize(
    "path",
    [
        "entries/2026/01/09/20260110T080706Z-revocation-0123456789ab.json",  # another day
        "entries/2026/01/09/20260109T080706Z-gossip-0123456789ab.json",  # unknown kind
        "entries/2026/01/09/20260109T080706Z-revocation-0123456789AB.json",  # upper case
        "entries/2026/01/20260109T080706Z-revocation-0123456789ab.json",  # flat month
        "entries/2026/01/09/../20260109T080706Z-revocation-0123456789ab.json",
        "README.md",
    ],
)
def test_what_is_not_an_entry_path(path: str) -> None:
    assert not ENTRY_PATH.match(path)


def test_trees_round_trip_through_git(tmp_path: Path) -> None:
    repo = tmp_path / "repo.git"
    subprocess.run(["git", "init", "-q", "--bare", str(repo)], check=True)

    def git(*args: str, input: bytes | None = None) -> bytes:
        done = subprocess.run(
            ["git", "--git-dir", str(repo), *args], input=input, capture_output=True, check=True
        )
        return done.stdout

    blob = git("hash-object", "-w", "--stdin", input=b"{}\n").decode().strip()
    entries = [TreeEntry(b"100644", blob, name.encode()) for name in ("b.json", "a.json")]
    inner = git("mktree", "-z", input=b"".join(e.mktree_record() for e in entries))
    tree = TreeEntry(b"40000", inner.decode().strip(), b"09")
    outer = git("mktree", "-z", input=tree.mktree_record()).decode().strip()
    raw = git("cat-file", "tree", inner.decode().strip())
    assert sorted(parse_tree(raw, 20), key=lambda e: e.name) == sorted(
        entries, key=lambda e: e.name
    )
    assert parse_tree(git("cat-file", "tree", outer), 20) == [tree]
    assert tree.is_tree and not entries[0].is_tree
    with pytest.raises(ValueError, match="truncated"):
        parse_tree(raw[:-3], 20)


def test_with_entry_adds_or_replaces_by_name() -> None:
    a, b = TreeEntry(b"100644", "1" * 40, b"a"), TreeEntry(b"100644", "2" * 40, b"b")
    newer = TreeEntry(b"100644", "3" * 40, b"a")
    assert with_entry([a], b) == [a, b]
    assert with_entry([a, b], newer) == [b, newer]
