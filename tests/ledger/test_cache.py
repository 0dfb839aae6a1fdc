"""The local record of entry files found valid: it only ever saves time."""

from __future__ import annotations

import os
from pathlib import Path

from approval.ledger import Ledger
from approval.ledger.cache import ValidEntries
from tests.ledger.conftest import MakeStatement, git


def test_known_blobs_survive_a_reload_and_garbage_lines_are_ignored(tmp_path: Path) -> None:
    cache = ValidEntries(tmp_path)
    cache.add("a" * 40)
    cache.save()
    with cache.path.open("ab") as file:
        file.write(b"not a blob id\n" + b"b" * 40 + b" trailing\n" + b"c" * 20)  # torn write
    again = ValidEntries(tmp_path)
    assert "a" * 40 in again
    assert "b" * 40 not in again
    assert "c" * 20 not in again


def test_a_cache_that_cannot_be_read_or_written_only_costs_time(
    ledger: Ledger, statement: MakeStatement
) -> None:
    ledger.append(statement("one"))
    blocked = ValidEntries(ledger.cache_dir).path
    blocked.mkdir()  # neither readable nor writable as a file, even for root
    assert len(list(ledger.entries())) == 1
    assert len(list(ledger.entries())) == 1
    assert blocked.is_dir()


def test_the_first_read_fills_the_cache_and_later_reads_agree(
    ledger: Ledger, statement: MakeStatement
) -> None:
    for tag in ("one", "two"):
        ledger.append(statement(tag))
    assert not list(ledger.cache_dir.glob("valid-entries-*"))
    uncached = list(ledger.entries(use_cache=False))
    assert not list(ledger.cache_dir.glob("valid-entries-*"))
    first = list(ledger.entries())
    [cache] = ledger.cache_dir.glob("valid-entries-*")
    blobs = {git(ledger.path, "rev-parse", f"refs/heads/ledger:{e.path}") for e in first}
    assert {line.split()[0] for line in cache.read_text().splitlines()} == blobs
    assert list(ledger.entries()) == first == uncached


def test_stopping_early_leaves_the_ledger_usable(ledger: Ledger, statement: MakeStatement) -> None:
    for tag in ("one", "two", "three"):
        ledger.append(statement(tag))
    reading = ledger.entries()
    first = next(reading)
    reading.close()  # the git log behind it is stopped, not left running
    assert first.envelope.statement["reason"] == "withdrawn (one)"
    ledger.append(statement("four"))
    assert len(list(ledger.entries())) == 4


def test_a_line_not_tagged_by_this_users_key_is_not_trusted(tmp_path: Path) -> None:
    from approval.ledger import sealed

    cache = ValidEntries(tmp_path)
    cache.add("a" * 40)
    cache.save()
    # Lines copied from another machine's cache (another key), or forged with a made-up tag.
    with cache.path.open("ab") as file:
        file.write(b"b" * 40 + b" " + b"0" * 32 + b"\n")
        other = sealed.tag("another ledger's context", b"c" * 40).hex()[:32].encode()
        file.write(b"c" * 40 + b" " + other + b"\n")
    again = ValidEntries(tmp_path)
    assert "a" * 40 in again
    assert "b" * 40 not in again
    assert "c" * 40 not in again


def test_the_cache_key_lives_outside_the_cache_readable_by_its_owner_only(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    def seal_in(state: str) -> str:
        """``seal('x', b'y')`` in a fresh process with its own state and cache homes."""
        env = {"XDG_STATE_HOME": str(tmp_path / state), "XDG_CACHE_HOME": str(tmp_path / "cache"),
               "PATH": os.environ["PATH"]}  # fmt: skip
        code = "from approval.ledger import sealed; print(sealed.seal('x', b'y').hex())"
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    first, again, elsewhere = seal_in("state"), seal_in("state"), seal_in("other-state")
    assert first == again  # the same key in both processes of one user
    assert first != elsewhere  # another key: what one saved, the other does not trust
    key = tmp_path / "state" / "approval" / "cache.key"
    assert key.stat().st_mode & 0o077 == 0 and len(key.read_bytes()) == 32
    assert not (tmp_path / "cache").exists()  # nothing of the key in the cache directory
