"""Writers at once and writers that die: compare-and-swap on the branch, rebuild and retry, and
nothing reaches the ledger until the branch moves."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from approval.errors import UsageError
from approval.ledger import BRANCH, Ledger, entry_path
from approval.ledger.git import GitObject, ObjectReader
from approval.statements import Envelope
from tests.conftest import ROOT, KeyPair
from tests.ledger.conftest import MakeStatement, git

# A writer in its own process: appends COUNT revocations tagged NAME-i once GO exists, printing
# each commit id as its append returns, then how many compare-and-swaps it lost. QUEUE=0 turns
# off the local writers' lock, so that the writers race on the swap alone.
WRITER = """
import sys, time
from pathlib import Path
from approval.ledger import Ledger
from tests.ledger.envelopes import load_key, revocation

class Counting(Ledger):
    lost = 0

    def _move_branch(self, new, old):
        moved = super()._move_branch(new, old)
        Counting.lost += not moved
        return moved

ledger_dir, key_path, name, count, go, queue = sys.argv[1:]
key = load_key(key_path)
envelopes = [revocation(key, f"{name}-{i}") for i in range(int(count))]
while not Path(go).exists():
    time.sleep(0.002)
with Counting(Path(ledger_dir), Path(ledger_dir)) as ledger:
    ledger.queue_writers = queue == "1"
    for envelope in envelopes:
        print(ledger.append(envelope), flush=True)
print("lost", Counting.lost)
"""

# A writer that gets as far as the commit and stops just before moving the branch.
STALLED = """
import sys, time
from pathlib import Path
from approval.ledger import Ledger
from approval.ledger.storage import _path_to_write
from tests.ledger.envelopes import load_key, revocation

ledger_dir, key_path = sys.argv[1:]
envelope = revocation(load_key(key_path), "stalled")
with Ledger.open(Path(ledger_dir)) as ledger:
    path = _path_to_write(envelope)
    blob = ledger._git.output(["hash-object", "-w", "--stdin"], input=envelope.to_json())
    commit = ledger._make_commit(envelope, path, blob, ledger._head_commit())
    print(commit, flush=True)
    time.sleep(600)
"""


def start(script: str, *args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its git children share its process group: we wait for them
    )


def kill_and_wait(process: subprocess.Popen[str]) -> str:
    """SIGKILL the writer (not its git children, as a crash would), wait until every process
    of its group is gone, and return what it printed."""
    process.kill()
    out, _ = process.communicate(timeout=60)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.01)
    return out


def fsck(ledger: Ledger) -> None:
    git(ledger.path, "fsck", "--strict", "--no-dangling")


@pytest.mark.slow
@pytest.mark.parametrize("queued", [True, False], ids=["queued", "racing"])
def test_two_processes_appending_200_each_all_land(
    ledger: Ledger, clerk: KeyPair, tmp_path: Path, queued: bool
) -> None:
    go = tmp_path / "go"
    writers = [
        start(WRITER, ledger.path, clerk.private, name, 200, go, int(queued)) for name in "ab"
    ]
    go.touch()
    outputs = [w.communicate(timeout=600) for w in writers]
    for writer, (_, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err
    printed = [line for out, _ in outputs for line in out.splitlines()[:-1]]
    lost = sum(int(out.splitlines()[-1].removeprefix("lost ")) for out, _ in outputs)
    # Queued, local writers never collide; racing, they do, and every loss was retried.
    assert lost == 0 if queued else lost > 0
    entries = list(ledger.entries(use_cache=False))  # checks linearity, one file per commit
    assert len(entries) == 400
    assert {e.commit for e in entries} == set(printed)
    reasons = {e.envelope.statement["reason"] for e in entries}
    assert reasons == {f"withdrawn ({name}-{i})" for name in "ab" for i in range(200)}
    assert git(ledger.path, "rev-list", "--count", BRANCH) == "400"
    assert git(ledger.path, "rev-list", "--merges", BRANCH) == ""
    # Both writers really interleaved: neither appended all of its entries in one run.
    order = "".join(e.envelope.statement["reason"][11] for e in entries)
    assert "ab" in order and "ba" in order
    fsck(ledger)


class Interleaved(Ledger):
    """A ledger whose first attempt to move the branch loses to another writer, exactly as if
    that writer had appended between our reading the head and our compare-and-swap. The other
    writer does not queue with us: it stands for another machine, or a push."""

    queue_writers = False

    def __init__(self, path: Path, other: Ledger, sneak_in: Envelope):
        super().__init__(path, path)
        self.other, self.sneak_in = other, sneak_in
        self.attempts: list[tuple[str, str | None]] = []

    def _make_commit(
        self, envelope: Envelope, path: str, blob: str, parent: GitObject | None
    ) -> str:
        if not self.attempts:
            self.other.append(self.sneak_in)
        commit = super()._make_commit(envelope, path, blob, parent)
        self.attempts.append((commit, parent.oid if parent else None))
        return commit


@pytest.mark.parametrize("empty", [True, False], ids=["first-entry", "later-entry"])
def test_a_lost_compare_and_swap_is_rebuilt_on_the_new_head(
    ledger: Ledger, statement: MakeStatement, empty: bool
) -> None:
    if not empty:
        ledger.append(statement("earlier"))
    seen = ledger.head()
    theirs, ours = statement("theirs", seen_head=seen), statement("ours", seen_head=seen)
    with Interleaved(ledger.path, ledger, theirs) as racer:
        landed = racer.append(ours)
        assert len(racer.attempts) == 2
        (lost, lost_parent), (won, won_parent) = racer.attempts
    assert lost_parent == seen and won == landed
    entries = list(ledger.entries())
    assert [e.envelope for e in entries[-2:]] == [theirs, ours]
    assert won_parent == entries[-2].commit
    # Only the parent changed: the statement still names the head its signer saw.
    assert entries[-1].envelope.statement["seen_head"] == seen
    assert not ledger.is_ancestor(lost, landed)


def test_a_crash_before_the_branch_moves_leaves_the_ledger_as_it_was(
    ledger: Ledger, statement: MakeStatement, clerk: KeyPair
) -> None:
    first = ledger.append(statement("kept"))
    stalled = start(STALLED, ledger.path, clerk.private)
    assert stalled.stdout is not None
    orphan = stalled.stdout.readline().strip()
    assert len(orphan) == 40, stalled.stderr.read() if stalled.stderr else ""
    kill_and_wait(stalled)
    assert ledger.head() == first
    assert git(ledger.path, "cat-file", "-t", orphan) == "commit"  # written, never published
    assert [e.commit for e in ledger.entries()] == [first]
    fsck(ledger)
    after = ledger.append(statement("next"))
    assert git(ledger.path, "rev-parse", f"{after}^") == first


def test_a_writer_killed_at_a_random_moment_loses_at_most_its_last_append(
    ledger: Ledger, clerk: KeyPair, tmp_path: Path
) -> None:
    go = tmp_path / "go"
    go.touch()
    writer = start(WRITER, ledger.path, clerk.private, "k", 200, go, 1)
    assert writer.stdout is not None
    returned = [writer.stdout.readline().strip() for _ in range(random.randint(3, 8))]
    time.sleep(random.uniform(0, 0.03))
    returned += kill_and_wait(writer).split()
    entries = list(ledger.entries(use_cache=False))
    # Every append that returned is in, in order; at most one more landed unreported.
    assert [e.commit for e in entries[: len(returned)]] == returned
    assert len(entries) - len(returned) in (0, 1)
    assert ledger.head() == entries[-1].commit
    assert not (ledger.path / "refs" / "heads" / "ledger.lock").exists()
    fsck(ledger)


def test_the_branch_moves_only_by_compare_and_swap(
    ledger: Ledger, statement: MakeStatement
) -> None:
    """A stale view of the head never overwrites what another writer appended."""
    first = ledger.append(statement("one"))
    second = ledger.append(statement("two"))
    stale = statement("stale")
    blob = git(ledger.path, "hash-object", "-w", "--stdin", input=stale.to_json())
    commit = ledger._make_commit(stale, entry_path(stale), blob, None)
    assert not ledger._move_branch(commit, first)
    assert not ledger._move_branch(commit, None)
    assert ledger.head() == second


def test_a_stale_ref_lock_fails_in_one_line_after_bounded_retries(
    ledger: Ledger, statement: MakeStatement
) -> None:
    """A git process killed while holding the branch's lock leaves the lock file behind; git
    will not remove it for us, and neither will we: we stop and say which file it is."""
    first = ledger.append(statement("one"))
    (ledger.path / "refs" / "heads" / "ledger.lock").write_text(first + "\n")
    ledger.max_attempts = 3
    with pytest.raises(UsageError, match="stayed locked") as raised:
        ledger.append(statement("two"))
    assert str(ledger.path / "refs" / "heads" / "ledger.lock") in (raised.value.hint or "")
    assert ledger.head() == first


class StaleReader(ObjectReader):
    """A long-lived ``cat-file`` that cannot see some objects although they exist: what one
    sees for a moment when another process's repack moves objects into a pack it has not yet
    scanned and deletes the copies it knew."""

    def __init__(self, ledger: Ledger, unseen: set[str]):
        super().__init__(ledger._git)
        self.unseen = unseen
        self.asked: list[str] = []

    def request(self, names: Sequence[str]) -> None:
        self.asked = [*self.asked, *names]
        super().request(names)

    def response(self, limit: int | None = None) -> GitObject | None:
        found = super().response(limit)
        asked, self.asked = self.asked[0], self.asked[1:]
        return None if found is None or {asked, found.oid} & self.unseen else found


def give_stale_reader(ledger: Ledger, unseen: set[str]) -> StaleReader:
    ledger.close()
    stale = StaleReader(ledger, unseen)
    ledger._reader = stale
    ledger._open.append(stale)
    return stale


def test_a_stale_object_reader_is_replaced_before_an_object_is_called_missing(
    ledger: Ledger, statement: MakeStatement
) -> None:
    """The CI failure of 2026-11-21: a writer read "refs/heads/ledger points at a commit which
    is not in the ledger" while the other writer repacked. Asked again, a fresh process finds it."""
    ledger.append(statement("one"))
    head = ledger.append(statement("two"))
    stale = give_stale_reader(ledger, {head})
    assert ledger.head() == head
    assert ledger._reader is not stale  # replaced, and the fresh one kept
    ledger.append(statement("three"))
    # Reading entries back: a blob the stale reader cannot see is asked for again.
    blobs = [line.split()[2] for line in git(ledger.path, "ls-tree", "-r", BRANCH).splitlines()]
    give_stale_reader(ledger, {blobs[1]})
    assert len(list(ledger.entries(use_cache=False))) == 3
    fsck(ledger)


def test_a_repack_already_running_here_is_not_joined_by_a_second(
    ledger: Ledger, statement: MakeStatement
) -> None:
    import fcntl

    from approval.ledger.storage import REPACK_LOCK_FILE

    ledger.repack_sample_limit = -1  # every append wants to repack
    ledger.append(statement("one"))
    assert git(ledger.path, "count-objects", "-v").count("packs: 1") == 1
    with (ledger.git_dir / REPACK_LOCK_FILE).open("a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another process is repacking
        ledger.append(statement("two"))
        assert "count: 0" not in git(ledger.path, "count-objects", "-v")  # left loose
    ledger.append(statement("three"))
    assert git(ledger.path, "count-objects", "-v").startswith("count: 0")
