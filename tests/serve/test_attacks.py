"""The gate under attack by someone who can upload into the document root and send any request
(the security review of issue 18): each test is the regression test of one finding."""

from __future__ import annotations

import asyncio
import hashlib
import os
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from approval.demo.synthetic import aggregate_csv, detention_workbook
from approval.errors import UsageError
from approval.policy import default_policy
from approval.serve.app import App
from approval.serve.follower import Follower, Generation
from approval.serve.gate import (
    BUSY,
    SCAN_FAILED,
    STALE,
    Answer,
    Gate,
    _Changed,
    scan_exact,
    stat_key,
)
from approval.serve.paths import Mapped, locate, open_beneath
from approval.serve.store import CopyChanged, check_apart, ensure_copy
from tests.serve.servers import run
from tests.support import KeyMaker
from tests.world import World


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("wb") / "stats.xlsx"
    detention_workbook(path, count=40)
    return path.read_bytes()


@pytest.fixture
def site(tmp_path: Path, workbook: bytes) -> Path:
    site = tmp_path / "www"
    (site / "data").mkdir(parents=True)
    aggregate_csv(site / "data" / "aggregates.csv")
    (site / "data" / "stats.xlsx").write_bytes(workbook)
    return site


# -- the request target: the client cannot choose it --------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        # Caddy's forward_auth sets X-Forwarded-Uri and passes the client's own X-Original-URI.
        [(b"x-forwarded-uri", b"/data/stats.xlsx"), (b"x-original-uri", b"/data/aggregates.csv")],
        [(b"x-original-uri", b"/data/stats.xlsx"), (b"x-forwarded-uri", b"/data/aggregates.csv")],
        [(b"x-original-uri", b"/data/stats.xlsx"), (b"x-original-uri", b"/data/aggregates.csv")],
    ],
)
def test_a_second_target_header_from_the_client_is_refused_not_preferred(
    site: Path, headers: list[tuple[bytes, bytes]]
) -> None:
    async def body(gate: Gate) -> int:
        sent: list[dict[str, object]] = []

        async def receive() -> dict[str, object]:
            return {"type": "http.request", "body": b""}

        async def send(message: dict[str, object]) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "GET", "path": "/a", "raw_path": b"/a"}
        scope["headers"] = headers
        await App(gate)(scope, receive, send)  # type: ignore[arg-type]
        status = sent[0]["status"]
        assert isinstance(status, int)
        return status

    assert run(Gate(site, Follower(None)), body) == 403


# -- files: links swapped in, pipes, growing files ------------------------------------------------


def _swap_directory_for_link(directory: Path, to: Path) -> None:
    directory.rename(directory.with_name(directory.name + ".old"))
    directory.symlink_to(to, target_is_directory=True)


def test_a_directory_swapped_for_a_link_after_mapping_is_not_followed(
    site: Path, tmp_path: Path
) -> None:
    """The race: ``locate`` sees no link, then ``data`` becomes a link out of the root before
    the open. Opened by path, the service would read (and, with a store, copy and serve) a
    file outside the root with its own rights: its key, its ledger."""
    outside = tmp_path / "private"
    outside.mkdir()
    aggregate_csv(outside / "aggregates.csv")  # clean bytes outside the root
    root = os.path.realpath(site)
    mapped = locate(root, b"/data/aggregates.csv")
    assert isinstance(mapped, Mapped)
    _swap_directory_for_link(site / "data", outside)
    key = stat_key(Path(mapped.real).stat())  # what the path now reaches, through the link
    with pytest.raises(OSError):
        os.close(open_beneath(root, mapped.real))
    with pytest.raises(_Changed):
        scan_exact(mapped.real, key, default_policy(), {}, root, adoption="")
    store = tmp_path / "store"
    store.mkdir()
    sha = hashlib.sha256((outside / "aggregates.csv").read_bytes()).hexdigest()
    with pytest.raises(CopyChanged):
        ensure_copy(str(store), f"{sha[:2]}/{sha}.csv", mapped.real, sha, key.size, root)
    assert not list(store.rglob("*.csv"))


def test_a_pipe_put_in_place_of_a_file_does_not_hang_the_scan(site: Path) -> None:
    target = site / "data" / "aggregates.csv"
    key = stat_key(target.stat())
    target.unlink()
    os.mkfifo(target)
    started = time.monotonic()
    with pytest.raises(_Changed):
        scan_exact(str(target), key, default_policy(), {}, os.path.realpath(site), adoption="")
    assert time.monotonic() - started < 2

    async def body(gate: Gate) -> str:
        return (await asyncio.wait_for(gate.answer(b"/data/aggregates.csv"), 5)).word

    assert run(Gate(site, Follower(None)), body) == "not-a-file"


def test_a_file_that_keeps_growing_is_hashed_to_the_size_seen_not_for_ever(site: Path) -> None:
    """A writer appending faster than the hash reads kept it reading (and a scan thread busy)
    for as long as it wrote; now the hash stops at the size the request's stat saw."""
    target = site / "data" / "growing.csv"
    target.write_bytes(b"Nationality,Book-ins\nMexico,12\n")
    key = stat_key(target.stat())
    stop = threading.Event()
    growing = threading.Event()

    def grow() -> None:
        with target.open("ab") as f:
            while not stop.is_set():
                f.write(b"Mexico,12\n" * 10_000)
                f.flush()
                growing.set()

    writer = threading.Thread(target=grow)
    writer.start()
    try:
        # The file has grown past the request's stat before the scan starts: a scan that ran
        # first, on the small file, would find nothing changed (a race the test must not run).
        assert growing.wait(10)
        started = time.monotonic()
        with pytest.raises(_Changed):
            scan_exact(str(target), key, default_policy(), {}, os.path.realpath(site), adoption="")
        assert time.monotonic() - started < 5
    finally:
        stop.set()
        writer.join()


def test_scans_in_flight_are_bounded_whatever_their_path(site: Path, workbook: bytes) -> None:
    """One path whose bytes change before each request started a new scan each time (the
    bound counted paths); now it counts scans."""
    target = site / "data" / "changing.xlsx"

    async def body(gate: Gate) -> list[str]:
        busy = threading.Event()
        gate._scan_pool.submit(busy.wait, 10)  # the one scan thread, taken: scans queue
        words = []
        try:
            for n in range(4):
                target.write_bytes(workbook + bytes([n]))
                words.append((await gate.answer(b"/data/changing.xlsx")).word)
        finally:
            busy.set()
        return words

    words = run(Gate(site, Follower(None), wait=0.0, waiting=2, scans=1), body)
    assert words == ["scanning", "scanning", BUSY, BUSY]


def test_a_decision_read_within_the_file_times_tick_is_not_reused_on_its_stat_key(
    site: Path,
) -> None:
    """File times come from a coarse clock: a rewrite in the same tick as the last change,
    its mtime set back, keeps (dev, inode, size, mtime, ctime). A decision whose bytes were
    read that soon after the change is hashed again on the next request, until a read comes a
    safe while after it; then the stat key alone answers."""
    target = site / "data" / "fresh.csv"

    async def body(gate: Gate) -> list[int]:
        target.write_bytes(b"Nationality,Book-ins\nMexico,12\n")  # after the start's warm-up
        counts = []
        for pause in (0.0, 0.0, 0.35, 0.0, 0.0):
            await asyncio.sleep(pause)
            assert (await gate.answer(b"/data/fresh.csv")).allowed
            counts.append(gate.decided)
        return counts

    assert run(Gate(site, Follower(None), racy=0.3), body) == [1, 2, 3, 3, 3]


# -- the store ----------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["www/.store", "www/data/store", ".", "www"])
def test_a_store_that_overlaps_the_document_root_is_refused(tmp_path: Path, where: str) -> None:
    root = tmp_path / "www"
    root.mkdir()
    with pytest.raises(UsageError, match="overlap"):
        check_apart(str(tmp_path / where), str(root))
    check_apart(str(tmp_path / "store"), str(root))  # beside it: fine


def test_a_copy_holds_exactly_the_decided_bytes_of_a_file_that_grew(
    site: Path, tmp_path: Path
) -> None:
    source = site / "data" / "aggregates.csv"
    decided = source.read_bytes()
    sha = hashlib.sha256(decided).hexdigest()
    with source.open("ab") as f:
        f.write(b"Name,A-Number\n")  # appended after the decision
    store = tmp_path / "store"
    store.mkdir()
    name = f"{sha[:2]}/{sha}.csv"
    ensure_copy(str(store), name, str(source), sha, len(decided), os.path.realpath(site))
    assert (store / name).read_bytes() == decided
    source.write_bytes(b"Name,A-Number\n" + decided[14:])  # same size, other bytes
    (store / name).unlink()
    with pytest.raises(CopyChanged):
        ensure_copy(str(store), name, str(source), sha, len(decided), os.path.realpath(site))
    assert not (store / name).exists()


# -- the ledger: revocations reach every copy, a stuck follower stops approvals -------------------


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    world = World(tmp_path, make_key)
    assert world.init().code == 0
    return world


def test_a_revocation_removes_the_copy_of_a_path_since_replaced_and_a_stuck_ledger_stops_approvals(
    world: World, site: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    store.mkdir()
    workbook = site / "data" / "stats.xlsx"
    decided = workbook.read_bytes()
    request = world.request(workbook)
    for who in ("o.privacy", "s.senior"):
        assert world.sign(request, who).code == 0
    gate = Gate(site, Follower(world.ledger), store=str(store), poll=0.05)

    async def body(gate: Gate) -> list[str]:
        words = []
        first = await gate.answer(b"/data/stats.xlsx")
        words.append(first.word)
        assert (store / first.file).read_bytes() == decided
        # The path now holds other bytes: the approved copy is no longer any path's answer.
        aggregate_csv(workbook)
        words.append((await gate.answer(b"/data/stats.xlsx")).word)
        revoked = await asyncio.to_thread(
            world.run, "revoke", request, "--reason", "published by mistake", as_="o.privacy"
        )
        assert revoked.code == 0, revoked.output
        for _ in range(100):
            if not (store / first.file).exists():
                break
            await asyncio.sleep(0.05)
        words.append("removed" if not (store / first.file).exists() else "kept")
        # Approved again (a new request), then the follower stops looking at the ledger.
        workbook.write_bytes(decided)
        again = await asyncio.to_thread(
            world.run, "request", workbook, "--purpose", "FY2022", "--destination", "www",
            "--again", "--reason", "withdrawn", as_="p.publisher",
        )  # fmt: skip
        assert again.code == 0, again.output
        second = again.stdout.strip().splitlines()[-1]
        for who in ("o.privacy", "s.senior"):
            signed = await asyncio.to_thread(world.sign, second, who)
            assert signed.code == 0
        for _ in range(100):
            answer = await gate.answer(b"/data/stats.xlsx")
            if answer.allowed:
                break
            await asyncio.sleep(0.05)
        words.append(answer.word)
        if gate._poller is not None:
            gate._poller.cancel()  # its thread hangs: it looks no more
        # A poll already running in its thread may still end, and say it looked: let it.
        seen = None
        while seen != gate.follower.checked:
            seen = gate.follower.checked
            await asyncio.sleep(0.3)
        gate.follower.checked -= gate.stale_after + 1  # as if its thread hung that long
        words.append((await gate.answer(b"/data/stats.xlsx")).word)
        return words

    assert run(gate, body) == ["approved", "clean", "removed", "approved", STALE]


def test_a_refusal_logs_facts_not_the_officials_or_their_comments(world: World, site: Path) -> None:
    import io
    import json

    from approval.serve.refusals import RefusalLog

    workbook = site / "data" / "stats.xlsx"
    request = world.request(workbook)
    comment = "not before the Quetzaltenango office signs"
    rejected = world.sign(request, "s.senior", "--reject", "--comment", comment)
    assert rejected.code == 0, rejected.output
    stream = io.StringIO()
    follower = Follower(world.ledger)
    gate = Gate(site, follower, on_refusal=RefusalLog(stream, lambda: follower.policy))

    async def body(gate: Gate) -> str:
        return (await gate.answer(b"/data/stats.xlsx")).word

    assert run(gate, body) == "protected"
    line = json.loads(stream.getvalue().splitlines()[0])
    assert "1 rejection(s)" in line["reason"]
    assert "s.senior" not in stream.getvalue() and "Quetzaltenango" not in stream.getvalue()


class _FailingGate(Gate):
    """A gate whose decision raises, with a message quoting what it read."""

    async def answer(self, target: bytes) -> Answer:
        raise ValueError("cell B7: HERNANDEZ, Maria A123456789")


def test_an_error_while_deciding_is_a_403_and_logs_no_message(
    site: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sent: list[dict[str, object]] = []

    async def main() -> None:
        async def receive() -> dict[str, object]:
            return {"type": "http.request", "body": b""}

        async def send(message: dict[str, object]) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "GET", "path": "/a", "raw_path": b"/a"}
        scope["headers"] = [(b"x-original-uri", b"/data/aggregates.csv")]
        await App(_FailingGate(site, Follower(None)))(scope, receive, send)  # type: ignore[arg-type]

    with caplog.at_level("DEBUG"):
        asyncio.run(main())
    assert sent[0]["status"] == 403
    assert (b"x-approval-verdict", b"error") in sent[0]["headers"]  # type: ignore[operator]
    assert "ValueError" in caplog.text and "HERNANDEZ" not in caplog.text


class _HastyFollower(Follower):
    """No ledger, and the bundled policy with a scan bound of a fifth of a second."""

    def open(self) -> Generation:
        hasty = replace(default_policy(), limits={"max_seconds": 0.2})
        self.generation = replace(super().open(), policy=hasty)
        return self.generation


def test_a_huge_sparse_file_is_refused_in_the_scan_bound_not_hashed_for_a_day(
    site: Path,
) -> None:
    huge = site / "data" / "huge.csv"
    with huge.open("wb") as f:
        f.truncate(1 << 40)  # 1 TiB of holes: most of an hour of zeros to hash

    async def body(gate: Gate) -> str:
        return (await gate.answer(b"/data/huge.csv")).word

    started = time.monotonic()
    assert run(Gate(site, _HastyFollower(None), wait=5.0), body) == SCAN_FAILED
    assert time.monotonic() - started < 5
