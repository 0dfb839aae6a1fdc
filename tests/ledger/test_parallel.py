"""Signatures verified ahead on other cores (approval/ledger/parallel.py): the same verdict,
the same failure at the same entry, as a replay that verifies every signature in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.ledger import Ledger
from approval.ledger.history import read_history
from approval.ledger.parallel import _verified, verify_ahead
from approval.trust.failure import AuditFailure
from approval.trust.replay import Replay
from tests.audit.conftest import Story, ledger, story
from tests.audit.test_tamper import CASES, Tamper

__all__ = ["ledger", "story"]


def _replay(path: Path, *, batch: int | None) -> tuple[int, tuple[str, int | None, str] | None]:
    """(statements admitted, (rule, entry, message) of the failure or None); ``batch`` None:
    every signature in order, no threads."""
    with Ledger.open(path) as opened:
        head = opened.head()
        assert head is not None
        replay = Replay()
        commits = read_history(opened, head)
        source = (
            commits if batch is None else verify_ahead(commits, replay, batch=batch, threshold=2)
        )
        count = 0
        try:
            for _ in replay.run(source):
                count += 1
        except AuditFailure as failure:
            return count, (failure.rule.value, failure.position, failure.message)
        assert not replay.verified_ahead  # nothing left over for a later use
        return count, None


def test_an_intact_ledger_verifies_ahead_every_signature(ledger: Path) -> None:
    with Ledger.open(ledger) as opened:
        head = opened.head()
        assert head is not None
        commits = list(read_history(opened, head))
    done = _verified([c.raw for c in commits])
    assert [index for index, _ in done] == list(range(len(commits)))
    assert _replay(ledger, batch=2) == _replay(ledger, batch=None)
    assert _replay(ledger, batch=2)[1] is None


@pytest.mark.parametrize(("tamper", "rule", "why"), CASES, ids=[c[0].__name__ for c in CASES])
def test_a_failure_is_the_same_at_the_same_entry(
    ledger: Path, story: Story, tmp_path: Path, tamper: Tamper, rule: str, why: str
) -> None:
    position = tamper(ledger, story, tmp_path / "scratch")
    alone = _replay(ledger, batch=None)
    for batch in (1, 3):  # workers started, the broken entry at each place of a batch
        assert _replay(ledger, batch=batch) == alone
    assert alone[1] is not None and alone[1][:2] == (rule, position), alone


def test_a_forged_signature_is_not_taken_ahead(ledger: Path, story: Story, tmp_path: Path) -> None:
    from tests.audit.test_tamper import forged_signature_bytes

    position = forged_signature_bytes(ledger, story, tmp_path / "scratch")
    with Ledger.open(ledger) as opened:
        head = opened.head()
        assert head is not None
        commits = list(read_history(opened, head))
    forged = commits[position - 1]
    raws = [c.raw for c in commits]
    assert not _verified([forged.raw])
    assert len(_verified(raws)) == len(_verified(raws[: position - 1])) + len(
        _verified(raws[position:])
    )


class _Counted(dict[bytes, int]):
    """The verifier's entries whose signatures were verified ahead, counting those it took."""

    taken = 0

    def pop(self, raw: bytes, default: object = None) -> object:  # type: ignore[override]
        found = super().pop(raw, default)
        self.taken += found is not default
        return found


def test_the_workers_verify_and_the_verifier_takes_their_work(ledger: Path) -> None:
    with Ledger.open(ledger) as opened:
        head = opened.head()
        assert head is not None
        replay = Replay()
        counted = _Counted()
        replay.verified_ahead = counted
        commits = verify_ahead(
            read_history(opened, head), replay, batch=2, threshold=2, share=False
        )
        assert sum(1 for _ in replay.run(commits)) > 4
    assert counted.taken == replay.count  # every entry checked by a worker, none twice


def test_a_batch_is_verified_by_whoever_claims_it_first(ledger: Path) -> None:
    """The verifier claims a batch that no worker has started, and the worker that then
    reaches it checks nothing there; a batch a worker claimed is the verifier's no more."""
    import multiprocessing

    from approval.ledger import parallel

    with Ledger.open(ledger) as opened:
        head = opened.head()
        assert head is not None
        raws = [c.raw for c in read_history(opened, head)]
    claims = multiprocessing.get_context("spawn").Array("q", parallel.RING)
    parallel._share(claims)
    try:
        assert parallel._claim(claims, 5)  # the verifier's now
        assert parallel._verified(raws, 5) == []
        assert len(parallel._verified(raws, 6)) == len(raws)  # a worker's
        assert not parallel._claim(claims, 6)
        assert parallel._claim(claims, 6 + parallel.RING)  # the slot, used again later
    finally:
        parallel._share(None)


def test_an_entry_ahead_with_another_end_is_verified_in_place(
    ledger: Path, story: Story, tmp_path: Path
) -> None:
    """The verifier skips a signature check only for an entry whose file a worker checked
    with the signatures array ending where its own canonical one does: a forged entry put in
    ``verified_ahead`` with any other end is checked in place, and fails there as alone."""
    from tests.audit.test_tamper import forged_signature_bytes

    position = forged_signature_bytes(ledger, story, tmp_path / "scratch")
    alone = _replay(ledger, batch=None)
    with Ledger.open(ledger) as opened:
        head = opened.head()
        assert head is not None
        commits = list(read_history(opened, head))
    raw = commits[position - 1].raw
    true_end = raw.find(b'],"statement":') + 1
    for end in (true_end - 1, true_end + 1, 0, len(raw)):
        replay = Replay()
        replay.verified_ahead[bytes(raw)] = end  # the same bytes, another object
        with pytest.raises(AuditFailure) as failure:
            for _ in replay.run(commits):
                pass
        assert alone[1] == (failure.value.rule.value, failure.value.position, failure.value.message)
        assert failure.value.rule.value == "signature" and failure.value.position == position
        assert not replay.verified_ahead  # taken, not trusted
