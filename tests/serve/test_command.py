"""``approval serve`` as a command: ``--check-config`` (exit 0 or 2), the health answer doctor
reads (``check_service``), the service answering on a Unix socket, and the ``blocked``
statement."""

from __future__ import annotations

import shutil
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from approval.demo.synthetic import aggregate_csv, detention_workbook
from approval.errors import UsageError
from approval.serve.gate import Answer
from approval.serve.record import blocked_statement, validate
from approval.workflow.serve import check_service, parse_listen
from tests.serve.servers import Service, socket_dir
from tests.support import KeyMaker, run_approval
from tests.world import World


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    world = World(tmp_path, make_key)
    assert world.init().code == 0
    (tmp_path / "www").mkdir()
    aggregate_csv(tmp_path / "www" / "aggregates.csv")
    return world


def test_check_config_passes_on_a_root_and_a_verified_ledger(world: World) -> None:
    result = world.run("serve", "--no-store", "--root", world.root / "www", "--check-config")
    assert result.code == 0, result.output
    assert "verified to" in result.stdout
    assert "8cfr208.6" in result.stdout
    assert "precompressed variants" in result.stdout  # without a store: X.gz is decided too
    assert result.stdout.strip().endswith("ready")


@pytest.mark.parametrize("root", ["missing", "www/aggregates.csv"])
def test_check_config_fails_with_2_on_a_bad_root(world: World, root: str) -> None:
    result = world.run("serve", "--no-store", "--root", world.root / root, "--check-config")
    assert result.code == 2
    assert "root" in result.stderr
    assert "Traceback" not in result.output


def test_check_config_fails_with_2_on_a_ledger_that_is_not_one(tmp_path: Path) -> None:
    (tmp_path / "www").mkdir()
    (tmp_path / "not-a-ledger").mkdir()
    result = run_approval(
        "serve", "--no-store", "--root", tmp_path / "www", "--ledger", tmp_path / "not-a-ledger",
        "--check-config",
    )  # fmt: skip
    assert result.code == 2
    assert "is not a ledger" in result.stderr


def test_check_config_without_a_ledger_says_only_clean_files_are_served(tmp_path: Path) -> None:
    (tmp_path / "www").mkdir()
    result = run_approval(
        "serve",
        "--no-store",
        "--root",
        tmp_path / "www",
        "--check-config",
        env={"APPROVAL_LEDGER": ""},
    )
    assert result.code == 0, result.output
    assert "only clean files are served" in result.stdout


@pytest.mark.parametrize("text", ["nothing", "host:port", "unix:", ":70000"])
def test_a_bad_listen_address_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError):
        parse_listen(text)


def test_doctor_learns_whether_a_service_answers(world: World) -> None:
    directory = socket_dir()
    down = check_service(f"unix:{directory}/none.sock", timeout=0.5)
    directory.rmdir()
    assert not down.ok and "not answering" in down.words
    with Service(world.root / "www", world.ledger) as service:
        health = check_service(f"unix:{service.socket}")
        assert health.ok, health.words
        assert health.head is not None and len(health.head) == 40
        assert service.ask("/aggregates.csv") == (200, "clean")
        assert service.ask("/aggregates.csv", header="X-Forwarded-Uri") == (200, "clean")
        assert service.ask("/nothing.csv") == (403, "missing")


def test_the_blocked_statement_holds_hashes_and_verdicts_only() -> None:
    answer = Answer(False, "protected", "data/stats.xlsx", "a" * 64, 1234, "missing: x")
    at = datetime(2026, 12, 7, tzinfo=UTC)
    statement = blocked_statement(
        answer, signer="web.gate", site="www.example.gov", name="stats.xlsx", seen_head=None, at=at
    ).to_dict()
    assert validate(statement) == []
    assert statement["kind"] == "blocked"
    assert statement["artifact"] == {"sha256": "a" * 64, "size": 1234, "name": "stats.xlsx"}
    statement["artifact"]["sample"] = "A1******89"
    assert validate(statement)  # nothing else may ride along
    with pytest.raises(ValueError, match="not about a file"):
        blocked_statement(
            Answer(False, "outside", "x"), signer="web.gate", site="s", name="x", seen_head=None,
            at=at,
        )  # fmt: skip


def test_a_service_that_cannot_verify_its_ledger_does_not_start(tmp_path: Path) -> None:
    (tmp_path / "www").mkdir()
    (tmp_path / "not-a-ledger").mkdir()
    directory = socket_dir()
    result = run_approval(
        "serve", "--no-store", "--root", tmp_path / "www", "--ledger", tmp_path / "not-a-ledger",
        "--listen", f"unix:{directory}/gate.sock",
    )  # fmt: skip
    shutil.rmtree(directory)
    assert result.code == 2
    assert "is not a ledger" in result.stderr
    assert "Traceback" not in result.output


def test_a_ledger_moved_back_under_the_service_stops_every_answer(world: World) -> None:
    """Invariant 11: a head that does not descend from the one verified is an integrity
    failure; the service then refuses everything, clean files too, and says why."""
    detention_workbook(world.root / "stats.xlsx", count=3)
    world.request(world.root / "stats.xlsx")  # one more entry, to move back from
    with Service(world.root / "www", world.ledger) as service:
        assert service.ask("/aggregates.csv") == (200, "clean")
        subprocess.run(
            ["git", "update-ref", "refs/heads/ledger", "refs/heads/ledger~1"],
            cwd=world.ledger, check=True, capture_output=True,
        )  # fmt: skip
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and service.ask("/aggregates.csv")[0] == 200:
            time.sleep(0.1)
        assert service.ask("/aggregates.csv") == (403, "ledger-failure")
        health = check_service(f"unix:{service.socket}")
        assert not health.ok and "refusing everything" in health.words
        # Nothing decided stands, and no copy stays where the web server reads.
        assert service.store is not None and not list(service.store.rglob("*.csv"))


def test_a_service_on_a_clone_sees_what_is_recorded_on_the_shared_ledger(world: World) -> None:
    """The README's set-up: the service decides on a clone and fetches from its remote; an
    approval, then its withdrawal, recorded by other offices reach its answers."""
    detention_workbook(world.root / "www" / "stats.xlsx", count=3)
    clone = world.root / "clone"
    cloned = run_approval("clone", world.ledger, clone)
    assert cloned.code == 0, cloned.output
    with Service(world.root / "www", clone, extra=("--fetch-every", "0.3")) as service:
        assert service.ask("/stats.xlsx") == (403, "protected")
        request = world.request(world.root / "www" / "stats.xlsx")
        for who in ("o.privacy", "s.senior"):
            assert world.sign(request, who).code == 0
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and service.ask("/stats.xlsx")[0] != 200:
            time.sleep(0.1)
        assert service.ask("/stats.xlsx") == (200, "approved")
        revoked = world.run("revoke", request, "--reason", "published by mistake", as_="o.privacy")
        assert revoked.code == 0, revoked.output
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and service.ask("/stats.xlsx")[0] != 403:
            time.sleep(0.1)
        assert service.ask("/stats.xlsx") == (403, "protected")


def test_a_service_without_a_store_must_be_asked_for_by_name(world: World) -> None:
    # Without a store the web server reads the file after the answer: a swap in between is
    # served undecided. So the service fails closed unless told otherwise, by name.
    result = world.run("serve", "--root", world.root / "www", "--check-config")
    assert result.code == 2
    assert "needs --store DIR" in result.stderr and "--no-store" in result.stderr
