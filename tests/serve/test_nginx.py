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


# Names nginx and the gate could read differently; each file's bytes are its own.
_NAMES = (
    "A.csv", "%41.csv", "a#b.csv", "a;b.csv", "100%.csv", "café.csv", "cafe\u0301.csv",
    "sp ace.csv", "plus+.csv", "q?.csv", "trail.csv.", "\uff0e\uff0e/x.csv",
)  # fmt: skip
_TARGETS = (
    "/data/A.csv", "/data/%41.csv", "/data/%2541.csv", "/data/a%23b.csv", "/data/a#b.csv",
    "/data/a;b.csv", "/data/a%3Bb.csv", "/data/100%25.csv", "/data/caf%C3%A9.csv",
    "/data/cafe%CC%81.csv", "/data/%EF%BC%8E%EF%BC%8E/x.csv", "/data/sp%20ace.csv",
    "/data/plus+.csv", "/data/plus%2B.csv", "/data/q%3F.csv", "/data/q?.csv",
    "/data/trail.csv.", "/data/trail.csv", "/data//A.csv", "/data/A.csv;x", "/data/A.csv%00",
    "/data/%C0%AE%C0%AE/data/A.csv", "/data/A.csv/", "/DATA/A.csv", "/data/x/../A.csv",
    "/data/A.csv%3F/../a;b.csv", "/data/A.csv%23/../a;b.csv", "/data/A.csv#/../a;b.csv",
    "/data/A.csv?/../a;b.csv", "/data/%2e%2e/data/A.csv", "/data/A%2ecsv", "/data/A.csv%20",
)  # fmt: skip


def test_the_gate_decides_the_file_nginx_would_open_or_refuses(
    site: Path, web: tuple[Service, Nginx]
) -> None:
    """Differential: for each raw target, the file the gate maps it to, against the bytes
    nginx itself (the ungated server on the same root) serves for it. Where the gate maps a
    file, nginx serves that file or nothing; through the gate, a 200 is that file's bytes."""
    import os

    from approval.serve.paths import Mapped, locate

    _, nginx = web
    for n, name in enumerate(_NAMES):
        path = site / "data" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(f"Nationality,Book-ins\nMexico,{n}\n".encode())
    root = os.path.realpath(site)
    mapped_any = agreed = 0
    for target in _TARGETS:
        mapped = locate(root, target.encode())
        bare_status, bare_body, _ = nginx.get(target, bare=True)
        gated_status, gated_body, _ = nginx.get(target)
        if isinstance(mapped, Mapped):
            mapped_any += 1
            decided = Path(mapped.real).read_bytes()
            assert bare_status != 200 or bare_body == decided, target
            assert gated_status != 200 or gated_body == decided, target
            agreed += bare_status == 200 and gated_status == 200
        else:
            assert gated_status != 200, target
    assert mapped_any >= 15 and agreed >= 15  # most names map and are served, as nginx would


def test_target_headers_a_client_sends_do_not_reach_the_gate(
    site: Path, web: tuple[Service, Nginx]
) -> None:
    _, nginx = web
    import http.client

    for header in ("X-Original-URI", "X-Forwarded-Uri"):
        connection = http.client.HTTPConnection("127.0.0.1", nginx.port, timeout=30)
        try:
            connection.request(
                "GET", "/data/detention-stats.xlsx", headers={header: "/data/aggregates.csv"}
            )
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        assert response.status == 403, header
        assert b"PK" not in body[:2]


def test_precompressed_variants_nginx_sends_are_gated_like_their_files(
    world: World, site: Path
) -> None:
    """``gzip_static on`` without a store: nginx sends ``X.gz`` for ``X`` to a client that
    accepts gzip. A clean file with a protected ``.gz`` beside it is refused until the ``.gz``
    itself is approved; a clean ``.gz`` beside a clean file is served."""
    import gzip

    data = site / "data"
    protected = (
        b"name,a_number,dob,nationality,claim\n"
        b"Maria Lopez,A212345678,1990-01-02,Honduras,asylum granted\n"
        b"Jose Perez,A098765432,1985-03-04,Guatemala,withholding of removal\n"
    )
    (data / "aggregates.csv.gz").write_bytes(gzip.compress(protected))
    (site / "index.html.gz").write_bytes(gzip.compress((site / "index.html").read_bytes()))
    accepts = {"Accept-Encoding": "gzip"}
    with (
        Service(site, world.ledger, store=False) as service,
        Nginx(site, service.socket, world.root / "nginx", gzip_static=True) as nginx,
    ):
        # Ungated, nginx does send the .gz: the question is real.
        status, body, _ = nginx.get("/data/aggregates.csv", bare=True, headers=accepts)
        assert status == 200 and gzip.decompress(body) == protected
        status, body, verdict = nginx.get("/data/aggregates.csv", headers=accepts)
        assert (status, verdict) == (403, "protected")
        assert b"A212345678" not in body and not body.startswith(b"\x1f\x8b")
        assert nginx.get("/data/aggregates.csv")[0] == 403  # whatever the client accepts
        status, body, verdict = nginx.get("/", headers=accepts)  # index.html and its clean .gz
        assert (status, verdict) == (200, "clean") and body.startswith(b"\x1f\x8b")

        request = world.request(data / "aggregates.csv.gz")
        for who in ("o.privacy", "s.senior"):
            assert world.sign(request, who).code == 0
        assert eventually(lambda: nginx.get("/data/aggregates.csv", headers=accepts)[0] == 200)
        status, body, verdict = nginx.get("/data/aggregates.csv", headers=accepts)
        assert (status, verdict) == (200, "clean")  # the file asked; its variant approved
        assert gzip.decompress(body) == protected
        refusals = "\n".join(service.refusals())
        assert '"path": "data/aggregates.csv.gz"' in refusals
        assert "precompressed variant" in refusals and "A212345678" not in refusals
