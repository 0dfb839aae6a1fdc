"""The verified state as a canonical document (approval.trust.checkpoint): replayed from real
ledgers, serialized, rebuilt and compared; and what is not a state document is refused."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest

from approval.errors import IntegrityError
from approval.ledger import Ledger
from approval.ledger.verifying import replay_from_first
from approval.statements import now
from approval.trust.checkpoint import (
    HEADER,
    Digest,
    record_line,
    state_digest,
    state_from_document,
    state_to_document,
)
from approval.trust.decision import decide
from approval.trust.state import LedgerState
from tests.audit.conftest import Story


def _replayed(ledger: Path) -> LedgerState:
    with Ledger.open(ledger) as opened:
        head = opened.head()
        assert head is not None
        return replay_from_first(opened, head).state


def test_a_replayed_state_survives_its_document(ledger: Path, story: Story) -> None:
    state = _replayed(ledger)
    document = state_to_document(state)
    rebuilt = state_from_document(document)
    assert rebuilt.records() == state.records()
    assert rebuilt.latest == state.latest
    assert state_to_document(rebuilt) == document  # one state, one document
    assert len(document.splitlines()) == len(state) + 1
    when = now()
    for sha in (story.sha256, "ab" * 32, "cd" * 32):
        assert decide(rebuilt, sha, when) == decide(state, sha, when)
    # The indexes the decisions and commands read are rebuilt too.
    assert rebuilt.current.id == state.current.id
    assert rebuilt.requests_for("ab" * 32) == state.requests_for("ab" * 32)


def test_the_digest_is_computed_record_by_record(ledger: Path) -> None:
    state = _replayed(ledger)
    records = state.records()
    digest = Digest()
    middle = len(records) // 2
    early = digest.at(middle, state.records)
    assert early == state_digest(HEADER + b"".join(record_line(r) for r in records[:middle]))
    assert digest.at(len(records), state.records) == state_digest(state_to_document(state))
    assert digest.at(middle, state.records) == early  # remembered
    assert digest.at(2, state.records) == state_digest(
        HEADER + b"".join(record_line(r) for r in records[:2])
    )


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.replace(b"approval-state/1", b"approval-state/9", 1),  # another format
        lambda d: d + b'{"$record":"Nothing"}\n',  # not a record
        lambda d: d + d.splitlines(keepends=True)[1],  # a record twice
        lambda d: d.rstrip(b"\n"),  # cut short
        lambda d: d.replace(b'"purpose":', b'"porpoise":', 1),  # a field its class lacks
        lambda d: d.replace(b"[", b"{", 1),  # not JSON
        lambda d: d + b"[1, 2]\n",  # a JSON value that is not an object
        lambda d: d + b"\n",  # an empty line
        lambda d: d + d.splitlines(keepends=True)[1].replace(b"\n", b" 1\n"),  # two values
        lambda d: d + b'{"$record":"\xff"}\n',  # not UTF-8
        lambda d: d.replace(b'"at":"', b'"at":"T', 1),  # a time not in the statements' form
    ],
)
def test_what_is_not_a_state_document_is_refused(ledger: Path, change: object) -> None:
    document = state_to_document(_replayed(ledger))
    with pytest.raises(IntegrityError):
        state_from_document(change(document))  # type: ignore[operator]


def test_the_carried_state_unpacks_to_exactly_one_bounded_document() -> None:
    import base64
    import zlib

    from approval.trust.witness import carried, carry

    document = HEADER + b'{"$record":"x"}\n' * 1000
    assert carried(carry(document)) == document
    packed = zlib.compress(document)
    for bad in (
        "not base64!",
        base64.b64encode(b"not zlib").decode(),
        base64.b64encode(packed + b"more").decode(),  # something after the document
        base64.b64encode(packed[:-4]).decode(),  # cut short
    ):
        with pytest.raises(IntegrityError):
            carried(bad)


@pytest.mark.parametrize("collecting", [True, False])
def test_the_parse_leaves_the_collector_as_it_found_it(ledger: Path, collecting: bool) -> None:
    """The parse pauses the cyclic collector (a 100k state: more than half its time), and
    sets it back, refused document or not."""
    document = state_to_document(_replayed(ledger))
    was = gc.isenabled()
    try:
        (gc.enable if collecting else gc.disable)()
        assert len(state_from_document(document)) == len(document.splitlines()) - 1
        assert gc.isenabled() is collecting
        with pytest.raises(IntegrityError):
            state_from_document(document + b"[]\n")
        assert gc.isenabled() is collecting
    finally:
        (gc.enable if was else gc.disable)()


def test_a_restored_state_is_freed_without_the_cyclic_collector(ledger: Path) -> None:
    """A state holds no reference to itself: dropped, it is freed at once, not by a full
    collection that walks every record (at the exit of a command on a 100k ledger: ~1 s)."""
    state = state_from_document(state_to_document(_replayed(ledger)))
    gone = weakref.ref(state)
    was = gc.isenabled()
    gc.disable()
    try:
        del state
        assert gone() is None
    finally:
        if was:
            gc.enable()
