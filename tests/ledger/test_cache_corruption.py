"""Caches are speed only (issue 14): each file in the user's cache for a ledger (the saved state,
the entries found valid, the audit index, the scans, the verified-head record) is corrupted in
turn, and every decision stays the same: the gate's, the status, the audit's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from approval.demo.synthetic import detention_workbook
from tests.support import KeyMaker
from tests.world import World


def _decisions(world: World, approved: Path, pending: Path) -> list[tuple[int, str]]:
    done = []
    for args in (("check", approved, pending), ("status", pending), ("audit",)):
        result = world.run(*args)
        # The verdicts, without the timings and cache counts a cache may change.
        lines = [
            line for line in result.stdout.splitlines() if "BLOCKED" in line or "missing" in line
        ]
        done.append((result.code, "\n".join(lines)))
    return done


def _approved_and_pending(
    tmp_path: Path, make_key: KeyMaker, monkeypatch: pytest.MonkeyPatch
) -> tuple[World, Path, Path, list[tuple[int, str]]]:
    """A ledger with one approved and one pending workbook, caches in ``tmp_path``, and the
    decisions about them."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    world = World(tmp_path, make_key)
    assert world.init().code == 0
    approved, pending = tmp_path / "approved.xlsx", tmp_path / "pending.xlsx"
    detention_workbook(approved, count=3)
    detention_workbook(pending, count=4)
    request = world.request(approved)
    for who in ("o.privacy", "s.senior"):
        assert world.sign(request, who, "--file", str(approved)).code == 0
    world.request(pending)
    expected = _decisions(world, approved, pending)
    return world, approved, pending, expected


def test_each_cache_file_corrupted_changes_no_decision(
    tmp_path: Path, make_key: KeyMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    world, approved, pending, expected = _approved_and_pending(tmp_path, make_key, monkeypatch)
    assert [code for code, _ in expected] == [1, 1, 0]

    cache = Path(os.environ["XDG_CACHE_HOME"]) / "approval" / "ledgers"
    files = sorted(p for p in cache.rglob("*") if p.is_file() and not p.name.endswith(".lock"))
    names = {p.name for p in files}
    assert "state.sqlite" in names and "verified-heads.json" in names
    assert any(name.startswith("valid-entries-") for name in names)
    for path in files:
        if not path.exists():  # a sqlite side file, gone when the database was closed
            continue
        path.write_bytes(b"\x00garbage\n" * 64)
        assert _decisions(world, approved, pending) == expected, path.name


@pytest.mark.parametrize("missing", ["state.sqlite", "verified-heads.json"])
def test_a_removed_cache_file_changes_no_decision(
    tmp_path: Path, make_key: KeyMaker, missing: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    world = World(tmp_path, make_key)
    assert world.init().code == 0
    pending = tmp_path / "pending.xlsx"
    detention_workbook(pending, count=4)
    world.request(pending)
    before = world.run("status", pending)
    for path in (Path(os.environ["XDG_CACHE_HOME"]) / "approval").rglob(missing):
        path.unlink()
    after = world.run("status", pending)
    assert (after.code, after.stdout) == (before.code, before.stdout)


def test_a_saved_state_not_sealed_by_this_users_client_is_never_used(
    tmp_path: Path, make_key: KeyMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache restored from a shared CI cache or copied from elsewhere holds well-formed
    pickles (which would run code when loaded) that no key of this user tagged: the two files'
    slices are replaced by each other, untagged, and nothing changes; the same swap tagged as
    this client would tag it does change the decision, which is what the tag guards."""
    import hashlib
    import sqlite3

    from approval.ledger.sealed import TAG_BYTES, seal

    world, approved, pending, expected = _approved_and_pending(tmp_path, make_key, monkeypatch)
    [database] = (tmp_path / "cache").rglob("state.sqlite")
    db = sqlite3.connect(database)
    slices = dict(db.execute("SELECT sha, records FROM slices"))
    db.close()
    assert len(slices) == 2
    for sha in slices:
        db = sqlite3.connect(database)
        for other, blob in slices.items():
            if other != sha:  # the other file's records (the approved one's, or the reverse)
                db.execute("UPDATE slices SET records=? WHERE sha=?", (blob[TAG_BYTES:], sha))
        db.commit()
        db.close()
        assert _decisions(world, approved, pending) == expected
    # The control: tagged by this user's key, the swapped slices would be believed.
    db = sqlite3.connect(database)
    # The approved file's slice made of the pending file's records: its sign-offs gone.
    target = hashlib.sha256(approved.read_bytes()).hexdigest()
    (source,) = set(slices) - {target}
    forged = seal(f"slice {target}", slices[source][TAG_BYTES:])
    db.execute("UPDATE slices SET records=? WHERE sha=?", (forged, target))
    db.commit()
    db.close()
    assert _decisions(world, approved, pending) != expected
