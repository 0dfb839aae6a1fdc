"""The gate behind a real nginx (``auth_request`` to ``approval serve`` on a Unix socket): what
a visitor of the site gets, through sign-offs, a revocation, a changed byte, an upload while
nginx runs, and a bounded load of mixed requests."""

from __future__ import annotations

import hashlib
import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from approval.demo.synthetic import aggregate_csv, detention_workbook
from tests.serve.servers import Nginx, Service, nginx_binary
from tests.support import KeyMaker
from tests.world import World


@pytest.fixture(scope="module")
def workbook_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The 2022-shaped workbook: 6,252 persons on a hidden second sheet (made once)."""
    path = tmp_path_factory.mktemp("workbook") / "detention-stats.xlsx"
    detention_workbook(path, count=6252)
    return path.read_bytes()


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    nginx_binary()  # skip before building a ledger for nothing
    world = World(tmp_path, make_key)
    assert world.init().code == 0
    return world


@pytest.fixture
def site(world: World, workbook_bytes: bytes) -> Path:
    site = world.root / "www"
    (site / "data").mkdir(parents=True)
    aggregate_csv(site / "data" / "aggregates.csv")
    (site / "index.html").write_text("<h1>Detention statistics</h1>\n")
    (site / "data" / "detention-stats.xlsx").write_bytes(workbook_bytes)
    return site


@pytest.fixture
def web(world: World, site: Path) -> Iterator[tuple[Service, Nginx]]:
    with (
        Service(site, world.ledger) as service,
        Nginx(site, service.socket, world.root / "nginx", store=service.store) as nginx,
    ):
        yield service, nginx


def eventually(check: object, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def test_the_2022_workbook_is_served_only_while_approved(
    world: World, site: Path, web: tuple[Service, Nginx]
) -> None:
    service, nginx = web
    workbook = "/data/detention-stats.xlsx"
    status, body, verdict = nginx.get("/data/aggregates.csv")
    assert (status, verdict) == (200, "clean")
    assert body == (site / "data" / "aggregates.csv").read_bytes()
    assert nginx.get("/")[0] == 200  # the index
    status, body, verdict = nginx.get(workbook)
    assert (status, verdict) == (403, "protected")
    assert b"A2" not in body  # nginx's error page, no byte of the file

    request = world.request(site / "data" / "detention-stats.xlsx")
    assert world.sign(request, "o.privacy").code == 0
    assert nginx.get(workbook)[0] == 403  # one of two sign-offs
    signed = world.sign(request, "s.senior")
    assert signed.code == 0
    assert eventually(lambda: nginx.get(workbook)[0] == 200)
    status, body, verdict = nginx.get(workbook)
    assert verdict == "approved"
    assert service.store is not None and len(list(service.store.rglob("*.xlsx"))) == 1
    assert (
        hashlib.sha256(body).hexdigest()
        == hashlib.sha256((site / "data" / "detention-stats.xlsx").read_bytes()).hexdigest()
    )

    # Withdrawn: stops within seconds (the service polls the ledger's head).
    revoked = world.run("revoke", request, "--reason", "published by mistake", as_="o.privacy")
    assert revoked.code == 0, revoked.output
    assert eventually(lambda: nginx.get(workbook)[0] == 403, seconds=5)
    # Its copy left the store with the approval.
    sha = hashlib.sha256((site / "data" / "detention-stats.xlsx").read_bytes()).hexdigest()
    assert service.store is not None
    assert not list(service.store.rglob(f"{sha}*"))

    # Approved again on a new request, then one byte changes: a new file, not approved.
    again = world.run(
        "request", site / "data" / "detention-stats.xlsx", "--purpose", "FY2022 statistics",
        "--destination", "www", "--again", "--reason", "the first was withdrawn",
        as_="p.publisher",
    )  # fmt: skip
    assert again.code == 0, again.output
    second = again.stdout.strip().splitlines()[-1]
    for who in ("o.privacy", "s.senior"):
        assert world.sign(second, who).code == 0
    assert eventually(lambda: nginx.get(workbook)[0] == 200)
    path = site / "data" / "detention-stats.xlsx"
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x01  # the zip's last byte (its comment length's high byte): still a workbook
    with path.open("r+b") as f:  # in place: the same inode
        f.seek(len(data) - 1)
        f.write(bytes(data[-1:]))
    status, _, verdict = nginx.get(workbook)
    assert status == 403, verdict

    refusals = "\n".join(service.refusals())
    assert '"verdict": "protected"' in refusals
    assert "A2" not in refusals  # no A-number, no name: hashes and verdicts only


def test_tricks_are_refused_by_the_gate_not_just_by_nginx(
    site: Path, web: tuple[Service, Nginx], tmp_path: Path
) -> None:
    service, nginx = web
    outside = tmp_path / "outside.xlsx"
    outside.write_bytes((site / "data" / "detention-stats.xlsx").read_bytes())
    (site / "data" / "link.xlsx").symlink_to(outside)
    (site / ".git").mkdir()
    (site / ".git" / "config").write_text("[core]\n")
    assert nginx.get("/data/link.xlsx")[0] == 403
    assert nginx.get("/.git/config")[0] == 403
    assert nginx.get("/data/detention%2Dstats.xlsx")[0] == 403  # decoded once: the workbook
    assert nginx.get("/data/aggregates%2Ecsv")[0] == 200  # decoded once, a clean file
    for target in (
        "/data/..%2fdata/detention-stats.xlsx",
        "/data%2Fdetention-stats.xlsx",
        "/data/detention-stats.xlsx%00.csv",
    ):
        assert service.ask(target)[0] == 403, target


def test_a_file_uploaded_while_nginx_runs_is_never_served_before_it_is_decided(
    site: Path, web: tuple[Service, Nginx], workbook_bytes: bytes
) -> None:
    """Requests hammer a path while the workbook is written into it slowly: every answer is
    403 or nginx's 404, never the bytes."""
    _, nginx = web
    target = site / "data" / "upload.xlsx"
    answers: list[int] = []
    stop = threading.Event()

    def hammer() -> None:
        while not stop.is_set():
            status, body, _ = nginx.get("/data/upload.xlsx")
            answers.append(status)
            assert status != 200, f"served {len(body)} bytes of an undecided upload"

    threads = [threading.Thread(target=hammer) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        with target.open("wb") as f:
            for start in range(0, len(workbook_bytes), 16 * 1024):
                f.write(workbook_bytes[start : start + 16 * 1024])
                f.flush()
                time.sleep(0.005)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and nginx.get("/data/upload.xlsx")[0] != 403:
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert answers and 200 not in answers
    assert nginx.get("/data/upload.xlsx")[:1] == (403,)


def test_a_bounded_load_of_mixed_requests(
    world: World, site: Path, web: tuple[Service, Nginx]
) -> None:
    """8 threads, 2,000 requests on loopback: clean files, the protected workbook, missing
    files and tricks. Every answer is the right one, and no request errs."""
    _, nginx = web
    for n in range(20):
        (site / "data" / f"page-{n}.html").write_text(f"<p>page {n}</p>\n")
    expected = {
        "/data/aggregates.csv": 200,
        "/data/detention-stats.xlsx": 403,
        "/missing.html": 403,
        "/data/../data/aggregates.csv": 403,
        **{f"/data/page-{n}.html": 200 for n in range(20)},
    }
    targets = list(expected)
    wrong: list[tuple[str, int]] = []
    count = [0]
    lock = threading.Lock()

    def load(seed: int) -> None:
        pick = random.Random(seed)
        for _ in range(250):
            path = pick.choice(targets)
            status = nginx.get(path)[0]
            with lock:
                count[0] += 1
                if status != expected[path] and not (
                    path.startswith("/data/../") and status == 400
                ):
                    wrong.append((path, status))

    threads = [threading.Thread(target=load, args=(n,)) for n in range(8)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    assert count[0] == 2000
    assert not wrong, wrong[:5]
    assert elapsed < 120, f"{count[0]} requests took {elapsed:.1f} s"
