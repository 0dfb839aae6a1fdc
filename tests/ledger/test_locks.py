"""The advisory lock that appends, syncs and repacks on one machine take in turn."""

from __future__ import annotations

import time
from pathlib import Path

from approval.ledger.locks import turn


def test_a_second_taker_waits_its_turn_then_goes_ahead_without_it(tmp_path: Path) -> None:
    lock = tmp_path / "approval-append.lock"
    with turn(lock, wait=0) as first:
        assert first
        with turn(lock, wait=0) as second:  # another open file: as another process would
            assert not second
        started = time.monotonic()
        with turn(lock, wait=0.05) as third:
            assert not third  # a holder that hung is waited for only so long
        assert time.monotonic() - started >= 0.05
    with turn(lock, wait=0) as after:
        assert after  # released when the block ends


def test_a_lock_that_cannot_be_created_is_not_an_error(tmp_path: Path) -> None:
    with turn(tmp_path / "no-such-directory" / "x.lock", wait=1) as held:
        assert not held
