"""``approval serve --key``: each file's first refusal recorded in the ledger as a signed
``blocked`` statement by the service's own official (issue 18 item 3), in the background,
rate-limited, never changing an answer; and ``approval doctor --service``."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from approval.demo.synthetic import aggregate_csv, detention_workbook
from approval.serve.gate import Answer
from approval.serve.record import BlockedRecorder
from approval.signing import load_private_key
from tests.serve.servers import Service, socket_dir
from tests.support import KeyMaker
from tests.world import CAST, World

GATE = "w.gate"


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    world = World(tmp_path, make_key)
    officials = {official: roles for official, (_, roles) in CAST.items()}
    roster = world.roster({**officials, GATE: ("service",)})
    keys: list[str | Path] = []
    for admin in ("a.admin", "b.admin"):
        keys += ["--key", world.key(admin).private]
    result = world.run("init", "--policy", world.policy(), "--roster", roster, *keys)
    assert result.code == 0, result.output
    (tmp_path / "www").mkdir()
    aggregate_csv(tmp_path / "www" / "aggregates.csv")
    detention_workbook(tmp_path / "www" / "stats.xlsx", count=3)
    return world


def _blocked_events(world: World) -> list[dict[str, object]]:
    result = world.run("audit", "--format", "json")
    assert result.code == 0, result.output
    events = json.loads(result.stdout)["timeline"]
    return [e for e in events if e["kind"] == "blocked"]


def _wait_for(world: World, count: int, limit: float = 20.0) -> list[dict[str, object]]:
    deadline = time.monotonic() + limit
    while True:
        found = _blocked_events(world)
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_a_protected_file_refused_twice_is_recorded_once_and_audited(world: World) -> None:
    www = world.root / "www"
    shutil.copy(www / "stats.xlsx", www / "copy-of-stats.xlsx")  # the same bytes elsewhere
    key = world.key(GATE).private
    with Service(www, world.ledger, extra=("--key", str(key), "--site", "www")) as service:
        assert service.ask("/stats.xlsx") == (403, "protected")
        assert service.ask("/stats.xlsx") == (403, "protected")
        assert service.ask("/copy-of-stats.xlsx") == (403, "protected")
        assert service.ask("/aggregates.csv") == (200, "clean")  # nothing recorded for it
        found = _wait_for(world, 1)
        time.sleep(0.5)  # a second statement, were one coming, would be on its way by now
        found = _blocked_events(world)
        assert service.ask("/stats.xlsx") == (403, "protected")  # the ledger moved: same answer
        stderr = service.stderr.read_text()
    assert len(found) == 1, stderr
    event = found[0]
    assert "the web gate at www refused stats.xlsx (sha256" in str(event["text"])
    assert "protected without approval" in str(event["text"])
    assert event["who"] == [GATE]
    assert event["verdict"] == "protected" and event["site"] == "www"
    assert "recorded the refusal" in stderr
    # The whole audit verifies, signatures and trust rules, with the blocked statement in it.
    audit = world.run("audit")
    assert audit.code == 0, audit.output
    assert "the web gate at www refused stats.xlsx" in audit.stdout


def test_a_key_that_is_not_a_service_key_does_not_start_the_service(world: World) -> None:
    directory = socket_dir()
    result = world.run(
        "serve", "--no-store", "--root", world.root / "www", "--listen",
        f"unix:{directory}/gate.sock", "--key", world.key("p.publisher").private,
    )  # fmt: skip
    shutil.rmtree(directory, ignore_errors=True)
    assert result.code == 2, result.output
    assert "does not hold the role 'service'" in result.stderr
    assert "Traceback" not in result.output


def test_check_config_names_the_service_official(world: World) -> None:
    result = world.run(
        "serve", "--no-store", "--root", world.root / "www", "--check-config",
        "--key", world.key(GATE).private, "--site", "www",
    )  # fmt: skip
    assert result.code == 0, result.output
    assert f"signed by {GATE}" in result.stdout


def test_a_service_key_signs_nothing_else(world: World) -> None:
    result = world.run(
        "request", world.root / "www" / "stats.xlsx", "--purpose", "stats", "--destination",
        "www", as_=GATE,
    )  # fmt: skip
    assert result.code == 2, result.output
    assert "signs nothing else" in result.stderr


def _answer(n: int, word: str = "protected") -> Answer:
    return Answer(False, word, f"f{n}.xlsx", f"{n:064x}", 10, "no request")


def test_the_recorder_records_each_sha256_once_and_at_most_n_a_minute(
    world: World,
) -> None:
    moment = [0.0]
    recorder = BlockedRecorder(
        world.ledger, load_private_key(world.key(GATE).private), "www", per_minute=2,
        clock=lambda: moment[0],
    )  # fmt: skip
    for n in (1, 1, 2, 3, 4):  # not started: what it would record waits on its queue
        recorder(_answer(n), f"f{n}.xlsx")
    recorder(_answer(5, "outside"), "x")  # not about a file's bytes: only logged
    assert recorder._queue.qsize() == 2
    assert recorder.skipped == 2  # 3 and 4: past 2 a minute
    moment[0] = 61.0
    recorder(_answer(6), "f6.xlsx")
    recorder(_answer(3), "f3.xlsx")  # seen before, though not recorded: not again
    assert recorder._queue.qsize() == 3
    recorder.start()
    recorder.stop()
    assert (recorder.recorded, recorder.failed) == (3, 0)
    assert len(_blocked_events(world)) == 3


def test_a_failure_to_record_is_logged_and_raises_nothing(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = BlockedRecorder(
        world.root / "no-ledger", load_private_key(world.key(GATE).private), "www"
    )
    recorder.start()
    recorder(_answer(1), "f1.xlsx")
    recorder.stop()
    assert (recorder.recorded, recorder.failed) == (0, 1)
    assert "could not record the refusal" in caplog.text


def test_doctor_checks_the_service(world: World) -> None:
    directory = socket_dir()
    down = world.run("doctor", "--service", f"unix:{directory}/none.sock")
    directory.rmdir()
    assert down.code == 1
    assert "not answering" in down.stdout
    with Service(world.root / "www", world.ledger) as service:
        up = world.run("doctor", "--service", f"unix:{service.socket}", "--format", "json")
    checks = {c["check"]: c for c in json.loads(up.stdout)["checks"]}
    assert checks["service"]["status"] == "ok", checks["service"]
    assert "answering (ledger at" in checks["service"]["detail"]
    bad = world.run("doctor", "--service", "nowhere")
    assert bad.code == 1 and "not HOST:PORT" in bad.stdout
