"""The gate's decisions in process: cached by the file's stat key, decided again when the file
changes, scanned once for concurrent requests, never allowed before decided, never allowed
when the file changed while scanned. Without a ledger (the bundled policy): clean files pass,
protected ones do not."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest

from approval.demo.synthetic import aggregate_csv, detention_workbook
from approval.policy import default_policy
from approval.serve.app import App
from approval.serve.follower import Follower
from approval.serve.gate import CHANGED, SCANNING, Gate, StatKey, _Changed, scan_exact, stat_key
from approval.serve.refusals import RefusalLog

T = TypeVar("T")


@pytest.fixture(scope="module")
def small_workbook(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("wb") / "stats.xlsx"
    detention_workbook(path, count=40)
    return path.read_bytes()


@pytest.fixture
def site(tmp_path: Path, small_workbook: bytes) -> Path:
    site = tmp_path / "www"
    site.mkdir()
    aggregate_csv(site / "aggregates.csv")
    (site / "stats.xlsx").write_bytes(small_workbook)
    return site


def run(site: Path, body: Callable[[Gate], Awaitable[T]], **options: float) -> T:
    """Start a gate on ``site`` without a ledger, run ``body``, stop it."""

    async def main() -> T:
        gate = Gate(site, Follower(None), **options)  # type: ignore[arg-type]
        await gate.start()
        try:
            return await body(gate)
        finally:
            await gate.stop()

    return asyncio.run(main())


def test_clean_passes_protected_does_not_and_a_warm_answer_is_not_decided_again(
    site: Path,
) -> None:
    async def body(gate: Gate) -> list[tuple[bool, str]]:
        answers = [await gate.answer(b"/aggregates.csv") for _ in range(3)]
        answers += [await gate.answer(b"/stats.xlsx") for _ in range(3)]
        assert gate.decided == 2  # one cold decision per file
        return [(a.allowed, a.word) for a in answers]

    # racy=0: the files were just written (see test_attacks for a decision taken too soon)
    assert run(site, body, racy=0.0) == [(True, "clean")] * 3 + [(False, "protected")] * 3


def test_a_file_replaced_in_place_is_decided_again_before_it_is_served(
    site: Path, small_workbook: bytes
) -> None:
    target = site / "aggregates.csv"

    async def body(gate: Gate) -> list[str]:
        words = [(await gate.answer(b"/aggregates.csv")).word]
        # Same inode, new bytes (truncated and written, as an upload form does).
        with target.open("r+b") as f:
            f.truncate(0)
            f.write(small_workbook)
        words.append((await gate.answer(b"/aggregates.csv")).word)
        # A new inode renamed over it, with the clean bytes back.
        staged = site / "staged.tmp"
        aggregate_csv(staged)
        staged.replace(target)
        words.append((await gate.answer(b"/aggregates.csv")).word)
        return words

    assert run(site, body) == ["clean", "protected", "clean"]


def test_concurrent_requests_for_a_cold_file_share_one_scan(site: Path) -> None:
    async def body(gate: Gate) -> tuple[set[str], int]:
        answers = await asyncio.gather(*(gate.answer(b"/stats.xlsx") for _ in range(20)))
        return {a.word for a in answers}, gate.decided

    words, decided = run(site, body)
    assert words == {"protected"}
    assert decided == 1


def test_a_request_that_waits_too_long_is_refused_and_the_scan_goes_on(site: Path) -> None:
    async def body(gate: Gate) -> tuple[str, str]:
        first = await gate.answer(b"/stats.xlsx")  # a zero wait: not decided yet
        for _ in range(200):
            if gate.decided:
                break
            await asyncio.sleep(0.02)
        gate.wait = 5.0
        later = await gate.answer(b"/stats.xlsx")
        return first.word, later.word

    assert run(site, body, wait=0.0) == (SCANNING, "protected")


def test_a_file_that_is_not_what_was_looked_at_is_not_scanned_as_it(site: Path) -> None:
    real = str(site / "aggregates.csv")
    key = stat_key(Path(real).stat())
    older = StatKey(key.dev, key.ino, key.size, key.mtime_ns - 1, key.ctime_ns)
    with pytest.raises(_Changed):
        scan_exact(real, older, default_policy(), {}, adoption="")
    report = scan_exact(real, key, default_policy(), {}, adoption="")
    assert report.verdict == "clean"


def test_a_link_put_in_place_of_a_decided_file_is_refused(site: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.csv"
    aggregate_csv(outside)

    async def body(gate: Gate) -> list[str]:
        words = [(await gate.answer(b"/aggregates.csv")).word]
        (site / "aggregates.csv").unlink()
        (site / "aggregates.csv").symlink_to(outside)
        words.append((await gate.answer(b"/aggregates.csv")).word)
        return words

    assert run(site, body) == ["clean", "outside"]
    assert CHANGED == "changed"


def test_the_first_refusal_of_each_file_is_logged_once_without_names(site: Path) -> None:
    stream = io.StringIO()
    follower = Follower(None)
    name = "HERNANDEZ-Maria-asylum.xlsx"
    (site / name).write_bytes((site / "stats.xlsx").read_bytes())

    async def main() -> None:
        gate = Gate(site, follower, on_refusal=RefusalLog(stream, lambda: follower.policy))
        await gate.start()
        try:
            for _ in range(3):
                await gate.answer(f"/{name}".encode())
                await gate.answer(b"/stats.xlsx")
                await gate.answer(b"/../etc/passwd")
                await gate.answer(b"/missing.csv")
        finally:
            await gate.stop()

    asyncio.run(main())
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    # The same bytes under a second name are the same file: one line.
    assert [line["verdict"] for line in lines] == ["protected", "dot-segment"]
    assert lines[0]["path"].endswith(".xlsx") and len(lines[0]["sha256"]) == 64
    assert "HERNANDEZ" not in stream.getvalue() and "Maria" not in stream.getvalue()
    assert "A2" not in stream.getvalue()


def test_the_app_takes_the_target_from_the_web_servers_header(site: Path) -> None:
    async def ask(app: App, headers: list[tuple[bytes, bytes]], path: str = "/auth") -> int:
        sent: list[dict[str, object]] = []

        async def receive() -> dict[str, object]:
            return {"type": "http.request", "body": b""}

        async def send(message: dict[str, object]) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode()}
        scope["headers"] = headers
        await app(scope, receive, send)  # type: ignore[arg-type]
        status = sent[0]["status"]
        assert isinstance(status, int)
        return status

    async def body(gate: Gate) -> list[int]:
        app = App(gate)
        return [
            await ask(app, [(b"x-original-uri", b"/aggregates.csv")]),
            await ask(app, [(b"x-forwarded-uri", b"/aggregates.csv")]),
            await ask(app, [(b"x-original-uri", b"/stats.xlsx")]),
            await ask(app, [], "/aggregates.csv"),  # a plain path
            # Two targets in one question: refused.
            await ask(app, [(b"x-original-uri", b"/aggregates.csv")] * 2),
            await ask(app, [], "/.approval-serve/health"),
            # The health path through a web server's header is a hidden path, not health.
            await ask(app, [(b"x-original-uri", b"/.approval-serve/health")]),
        ]

    assert run(site, body) == [200, 200, 403, 200, 403, 200, 403]


def test_with_a_store_the_answer_names_a_copy_of_the_decided_bytes(
    site: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    store.mkdir()
    target = site / "aggregates.csv"
    decided = target.read_bytes()

    async def main() -> list[str]:
        gate = Gate(site, Follower(None), store=str(store))
        await gate.start()
        try:
            first = await gate.answer(b"/aggregates.csv")
            copy = store / first.file
            assert first.file.endswith(".csv") and copy.read_bytes() == decided
            # The document root changes after the answer: the copy does not.
            target.write_bytes(b"Name,A-Number\n")
            assert copy.read_bytes() == decided
            copy.unlink()  # the store cleaned: made again on the next request
            target.write_bytes(decided)
            again = await gate.answer(b"/aggregates.csv")
            assert (store / again.file).read_bytes() == decided
            refused = await gate.answer(b"/stats.xlsx")
            return [first.word, again.word, refused.word, refused.file]
        finally:
            await gate.stop()

    assert asyncio.run(main()) == ["clean", "clean", "protected", ""]
    assert len(list(store.rglob("*.*"))) == 1  # no copy of the protected workbook


def test_a_store_others_can_write_is_refused(tmp_path: Path) -> None:
    from approval.errors import UsageError
    from approval.serve.store import open_store

    store = tmp_path / "store"
    assert open_store(store) == str(store.resolve())  # made, 0755
    store.chmod(0o775)
    with pytest.raises(UsageError, match="others can write"):
        open_store(store)


def test_files_waiting_for_a_scan_are_bounded(site: Path, small_workbook: bytes) -> None:
    for n in range(3):
        (site / f"copy-{n}.xlsx").write_bytes(small_workbook + bytes([n]))

    async def body(gate: Gate) -> list[str]:
        answers = await asyncio.gather(*(gate.answer(f"/copy-{n}.xlsx".encode()) for n in range(3)))
        return sorted(a.word for a in answers)

    # One file may wait for a scan; the others are refused at once, never allowed.
    assert run(site, body, wait=0.0, waiting=1) == ["busy", "busy", "scanning"]


def test_the_store_is_emptied_of_copies_at_start_and_of_nothing_else(tmp_path: Path) -> None:
    from approval.serve.store import clear_store

    store = tmp_path / "store"
    (store / "ab").mkdir(parents=True)
    copy = store / "ab" / ("ab" + "0" * 62 + ".xlsx")
    copy.write_text("x")
    other = store / "ab" / "notes.txt"
    other.write_text("x")
    (store / "README").write_text("x")
    assert clear_store(str(store)) == 1
    assert not copy.exists() and other.exists() and (store / "README").exists()
