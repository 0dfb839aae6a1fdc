"""Reading the history: the streamed ``git log`` output splits the same however it arrives, and
the one-match reading of a usual commit agrees with taking it apart field by field."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from approval.ledger import BRANCH, Ledger
from approval.ledger.git import Git
from approval.ledger.history import (
    _USUAL,
    _careful_entry,
    _entry,
    _records,
    log_arguments,
    read_history,
)
from approval.trust.failure import AuditFailure
from tests.audit.conftest import Story


@pytest.fixture(scope="module")
def output(story: Story) -> bytes:
    """What ``read_history`` reads from git for the story's ledger: every kind of statement,
    the first commit without a parent."""
    done = Git(story.world.ledger).run(log_arguments(BRANCH))
    return done.stdout


def _outcome(read: Callable[..., Any], *args: Any) -> Any:
    try:
        return read(*args)
    except AuditFailure as e:
        return e.rule, e.problem, e.commit, e.position


@pytest.mark.parametrize("block_size", [1, 2, 3, 7, 41, 100, 4096, 1 << 16])
def test_records_split_the_same_whatever_blocks_the_output_comes_in(
    output: bytes, block_size: int
) -> None:
    assert output.startswith(b"\x01")
    expected = output.split(b"\x01")[1:]
    assert list(_records(io.BytesIO(output), block_size)) == expected


def test_output_that_does_not_start_with_a_record_is_refused() -> None:
    with pytest.raises(AuditFailure, match="unexpected git log output"):
        list(_records(io.BytesIO(b"warning: something\n\x01abc"), 4))
    assert list(_records(io.BytesIO(b""))) == []


def test_every_commit_of_a_well_kept_ledger_is_read_in_one_match(output: bytes) -> None:
    records = output.split(b"\x01")[1:]
    assert len(records) > 10
    assert all(_USUAL.fullmatch(record) for record in records)


def _mutations(record: bytes, other: bytes) -> list[bytes]:
    """Records one change away from a usual one: each field changed, a second file, another
    status or mode, a merge, a missing blank line, text after the change."""
    oid, parent = record[:40], record[41:81]
    changed = [
        record.replace(b" A\t", b" M\t"),
        record.replace(b" A\t", b" D\t"),
        record.replace(b":000000 100644", b":000000 100755"),
        record.replace(b":000000 100644", b":000000 120000"),
        record.replace(b"\x00entries/", b"\x00entries/x", 1),  # the trailer
        record.replace(b"\tentries/", b"\tentries/../", 1),  # the path
        record.replace(b"\tentries/", b"\tother/", 1),
        record.replace(parent, other, 1),
        record.replace(parent, parent + b" " + other, 1),  # a merge
        record.replace(oid, oid.upper(), 1),
        record.replace(b"\n\n", b"\n", 1),
        record + b":000000 100644 " + b"0" * 40 + b" " + b"1" * 40 + b" A\tentries/x.json\n",
        record + b"trailing words\n",
        record.rstrip(b"\n"),
        record[: len(record) // 2],
        record.replace(b"json\n", b"json\xff\n"),
    ]
    return [c for c in changed if c != record]


def test_the_one_match_reading_agrees_with_the_careful_one(output: bytes) -> None:
    records = output.split(b"\x01")[1:]
    compared = 0
    previous: str | None = None
    for position, record in enumerate(records, start=1):
        other = records[position % len(records)][:40]
        for candidate in [record, *_mutations(record, other)]:
            for after in (previous, None, other.decode()):
                fast = _outcome(_entry, candidate, position, after)
                careful = _outcome(_careful_entry, candidate, position, after)
                assert fast == careful, (candidate, after)
                compared += 1
        previous = _entry(record, position, previous)[1]
    assert compared > 500


def test_the_history_read_through_a_small_pipe_is_the_whole_history(story: Story) -> None:
    with Ledger.open(story.world.ledger) as ledger:
        head = ledger.head()
        assert head is not None
        commits = list(read_history(ledger, head))
    assert [c.position for c in commits] == list(range(1, len(commits) + 1))
    assert commits[-1].oid == head and commits[0].parents == ()
    assert all(c.raw.endswith(b"}\n") for c in commits)


def test_reading_a_long_history_keeps_cat_file_one_chunk_ahead(tmp_path: Path) -> None:
    """More commits than one chunk of blob requests: each chunk is asked for while the one
    before is verified, and every blob comes back with its own commit."""
    from approval.ledger.history import _CHUNK

    Ledger.create(tmp_path / "many").close()
    stream = bytearray()
    count = 2 * _CHUNK + 3
    for n in range(count):
        path = f"entries/2024/01/01/20240101T000000Z-request-{n:012x}.json"
        body = b'{"n":%d}\n' % n
        stream += b"commit %s\n" % BRANCH.encode()
        stream += b"committer a <a@b> %d +0000\n" % (1704067200 + n)
        message = f"request {n:064x}\n\nApproval-Entry: {path}\n".encode()
        stream += b"data %d\n%s\n" % (len(message), message)
        stream += b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(body), body)
    with Ledger.open(tmp_path / "many") as ledger:
        Git(ledger.git_dir).run(["fast-import", "--quiet"], input=bytes(stream))
        head = ledger.head()
        assert head is not None
        commits = list(read_history(ledger, head))
    assert [c.raw for c in commits] == [b'{"n":%d}\n' % n for n in range(count)]
    assert [c.subject for c in commits] == [f"request {n:064x}" for n in range(count)]
