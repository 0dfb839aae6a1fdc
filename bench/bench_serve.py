"""``approval serve`` behind a real nginx on this machine (issue 18).

Three measurements:

1. ``latency``: what a cached decision adds to a static file request at about 1,000 requests/s.
   The same nginx serves the same file on two ports, one with ``auth_request`` to the service
   and one without; rounds alternate between them (so that the machine's other work falls on
   both alike), each round paced at the target rate by client threads on keep-alive
   connections. Reported: each side's p50 and p99 per round, and the medians over rounds; the
   added p99 is the median gated p99 minus the median bare p99 (target: under 2 ms).
2. ``cold``: the first decision of the 2022-shaped workbook (6,252 persons), a fresh service
   each round (its scanner loaded, as after start-up): the time of the first request for it
   through nginx (target: under 1 s).
3. ``replace``: a clean and a protected file swapped at one path, by rename and by writing in
   place, as fast as a loop can, while threads request it through nginx: every 200's body is
   hashed, and a 200 carrying the protected bytes is a failure.

Run: ``.venv/bin/python bench/bench_serve.py [--part latency|cold|replace] [--rate 1000]``.
Needs Debian's nginx (``apt-get install --no-install-recommends nginx``).
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from approval.demo.synthetic import aggregate_csv, detention_workbook, people
from tests.serve.servers import Nginx, Service
from tests.support import KeyPair
from tests.world import World


def key_maker(directory: Path):  # type: ignore[no-untyped-def]
    cache: dict[str, KeyPair] = {}

    def make(name: str, kind: str = "ed25519", passphrase: str = "") -> KeyPair:
        if name not in cache:
            path = directory / name
            subprocess.run(
                ["ssh-keygen", "-q", "-t", kind, "-N", passphrase, "-C", name, "-f", str(path)],
                check=True,
                capture_output=True,
            )
            cache[name] = KeyPair(path, path.with_name(path.name + ".pub").read_text().strip())
        return cache[name]

    return make


def setup(base: Path) -> tuple[World, Path]:
    keys = base / "keys"
    keys.mkdir()
    world = World(base, key_maker(keys))
    result = world.init()
    assert result.code == 0, result.output
    site = base / "www"
    (site / "data").mkdir(parents=True)
    (site / "index.html").write_text("<h1>Detention statistics</h1>\n" + "<p>figures</p>\n" * 120)
    aggregate_csv(site / "data" / "aggregates.csv")
    detention_workbook(site / "data" / "detention-stats.xlsx", count=6252)
    return world, site


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def paced_round(
    nginx: Nginx, path: str, *, bare: bool, rate: float, seconds: float, threads: int
) -> tuple[list[float], int, float]:
    """Latencies (s) of GET ``path`` paced at ``rate`` per second; errors; achieved rate."""
    port = nginx.bare_port if bare else nginx.port
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start = time.perf_counter() + 0.05
    interval = threads / rate
    count = int(rate * seconds / threads)

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine: list[float] = []
        for n in range(count):
            due = start + (n + offset / threads) * interval
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            sent = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                connection.close()
                ok = False
            mine.append(time.perf_counter() - sent)
            if not ok:
                with lock:
                    errors[0] += 1
        connection.close()
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - start
    return latencies, errors[0], len(latencies) / elapsed


def latency(world: World, site: Path, args: argparse.Namespace) -> None:
    with (
        Service(site, world.ledger) as service,
        Nginx(site, service.socket, world.root / "nginx", store=service.store) as nginx,
    ):
        assert nginx.get("/index.html")[:1] == (200,)
        # Warm both paths (connections, the decision cache).
        for bare in (True, False):
            paced_round(nginx, "/index.html", bare=bare, rate=200, seconds=1, threads=args.threads)
        rows: dict[bool, list[tuple[float, float, float]]] = {True: [], False: []}
        for n in range(args.rounds):
            for bare in (n % 2 == 0, n % 2 == 1):
                lat, errors, achieved = paced_round(
                    nginx, "/index.html", bare=bare, rate=args.rate, seconds=args.seconds,
                    threads=args.threads,
                )  # fmt: skip
                assert errors == 0, f"{errors} failed requests"
                p50, p99 = percentile(lat, 0.5) * 1000, percentile(lat, 0.99) * 1000
                rows[bare].append((p50, p99, achieved))
                side = "bare " if bare else "gated"
                print(
                    f"round {n + 1} {side}: {achieved:6.0f} req/s  p50 {p50:6.3f} ms  "
                    f"p99 {p99:6.3f} ms"
                )
        med = {
            bare: (
                statistics.median(r[0] for r in rows[bare]),
                statistics.median(r[1] for r in rows[bare]),
            )
            for bare in rows
        }
        print(
            f"median of rounds: bare p50 {med[True][0]:.3f} ms p99 {med[True][1]:.3f} ms; "
            f"gated p50 {med[False][0]:.3f} ms p99 {med[False][1]:.3f} ms"
        )
        added = med[False][1] - med[True][1]
        added_p50 = med[False][0] - med[True][0]
        print(f"added by the gate at p99: {added:.3f} ms (p50: {added_p50:.3f} ms)")


def cold(world: World, site: Path, args: argparse.Namespace) -> None:
    times = []
    for _ in range(args.cold_rounds):
        with (
            Service(site, world.ledger) as service,
            Nginx(site, service.socket, world.root / "nginx", store=service.store) as nginx,
        ):
            started = time.perf_counter()
            status, _, verdict = nginx.get("/data/detention-stats.xlsx")
            took = time.perf_counter() - started
            assert (status, verdict) == (403, "protected"), (status, verdict)
            warm_start = time.perf_counter()
            nginx.get("/data/detention-stats.xlsx")
            warm = time.perf_counter() - warm_start
            times.append(took)
            print(
                f"cold decision of the 6,252-row workbook: {took:.3f} s "
                f"(then warm {warm * 1000:.2f} ms)"
            )
    print(f"median cold decision: {statistics.median(times):.3f} s (target < 1 s)")


A_NUMBER = re.compile(rb"A[0-9]{9}")


def protected_csv(path: Path) -> None:
    lines = ["Name,A-Number,DOB,Nationality,Fear Result"]
    lines += [
        f"{p.name},{p.a_number},{p.birthdate},{p.nationality},{p.fear_result}" for p in people(50)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def replace(world: World, site: Path, args: argparse.Namespace) -> None:
    clean_file, protected_file = world.root / "clean.csv", world.root / "protected.csv"
    aggregate_csv(clean_file)
    protected_csv(protected_file)
    clean_bytes, protected_bytes = clean_file.read_bytes(), protected_file.read_bytes()
    protected_sha = hashlib.sha256(protected_bytes).hexdigest()
    target = site / "data" / "swap.csv"
    target.write_bytes(clean_bytes)
    counts = {"200 clean": 0, "200 PROTECTED": 0, "403": 0, "other": 0}
    lock = threading.Lock()
    stop = threading.Event()
    swaps = [0]

    def swapper() -> None:
        n = 0
        while not stop.is_set():
            data = protected_bytes if n % 2 == 0 else clean_bytes
            if n % 4 < 2:  # by rename
                staged = site / "data" / f".swap-{n % 2}.tmp"
                staged.write_bytes(data)
                staged.replace(target)
            else:  # in place
                with target.open("r+b") as f:
                    f.truncate(0)
                    f.write(data)
            n += 1
            swaps[0] = n
            time.sleep(args.swap_pause)

    def requester() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", nginx.port, timeout=10)
        while not stop.is_set():
            try:
                connection.request("GET", "/data/swap.csv")
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                connection.close()
                with lock:
                    counts["other"] += 1
                continue
            if response.status == 200:
                word = (
                    "200 PROTECTED"
                    # The protected bytes, or any part of them (a read racing a write).
                    if hashlib.sha256(body).hexdigest() == protected_sha or A_NUMBER.search(body)
                    else "200 clean"
                )
            else:
                word = "403" if response.status == 403 else "other"
            with lock:
                counts[word] += 1
        connection.close()

    with (
        Service(site, world.ledger, store=not args.no_store) as service,
        Nginx(site, service.socket, world.root / "nginx", store=service.store) as nginx,
    ):
        threads = [threading.Thread(target=requester) for _ in range(args.threads)]
        threads.append(threading.Thread(target=swapper))
        for thread in threads:
            thread.start()
        time.sleep(args.replace_seconds)
        stop.set()
        for thread in threads:
            thread.join()
    total = sum(counts.values())
    mode = "plain auth_request" if args.no_store else "with --store"
    print(
        f"concurrent replacement ({mode}): {swaps[0]} swaps, {total} requests in "
        f"{args.replace_seconds:.0f} s: " + ", ".join(f"{k} {v}" for k, v in counts.items())
    )
    if counts["200 PROTECTED"]:
        print("FAILED: a protected, unapproved file was answered 200")
        sys.exit(1)
    print("no protected unapproved file was answered 200")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["latency", "cold", "replace"], action="append")
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--seconds", type=float, default=3.0, help="per latency round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--cold-rounds", type=int, default=3)
    parser.add_argument("--replace-seconds", type=float, default=20.0)
    parser.add_argument("--swap-pause", type=float, default=0.0005)
    parser.add_argument(
        "--no-store",
        action="store_true",
        help="plain auth_request: nginx reads the document root (shows the race the store closes)",
    )
    args = parser.parse_args()
    parts = args.part or ["latency", "cold", "replace"]
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as directory:
        os.environ["XDG_CACHE_HOME"] = str(Path(directory) / "cache")
        world, site = setup(Path(directory))
        for part in parts:
            {"latency": latency, "cold": cold, "replace": replace}[part](world, site, args)


if __name__ == "__main__":
    main()
