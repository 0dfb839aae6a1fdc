"""Memory of distinct-person counting: the whole ``approval scan`` command on a CSV of many
distinct persons (issue 17: a 100 MB CSV of 1 million distinct persons under 150 MB peak RSS).

Builds, in a temporary directory, a CSV of detainee records, each row a person of their own
(``--kind numbered``: an A-number, a name, a birthdate...; ``--kind named``: the same without
the A-number, so that persons are counted by name and birthdate), until it holds ``--mb``
megabytes. Then runs ``approval scan --format json FILE`` as a user does (start-up included),
each run from a small wrapper process that reports its only child's peak RSS
(``RUSAGE_CHILDREN.ru_maxrss``) and CPU time, so that the figure is the command's own; and a
plain ``csv.reader`` pass over the same file as the floor. Scan and floor alternate, round by
round; figures are medians.

    .venv/bin/python bench/bench_persons.py [--mb 100] [--persons 1000000] [--kind numbered]
                                            [--rounds 3] [--root DIR] [--keep DIR]

``--root`` runs the command from another checkout (a copy before a change, to compare).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_MB = 150

LAST = ["GARCIA", "LOPEZ", "HERNANDEZ", "MARTINEZ", "GONZALEZ", "PEREZ", "RAMIREZ", "CRUZ"]
LAST += ["FLORES", "MORALES", "REYES", "TORRES", "RIVERA", "DIAZ", "ORTIZ", "CASTILLO"]
FIRST = ["Maria", "Jose", "Juan", "Ana", "Luis", "Carlos", "Rosa", "Miguel", "Sofia", "Elena"]
FIRST += ["Jorge", "Lucia", "Pedro", "Carmen", "Diego", "Marta"]
COUNTRIES = ["Guatemala", "Honduras", "Mexico", "Venezuela", "Haiti", "Cuba", "Nicaragua"]
FACILITIES = ["Adelanto ICE Processing Center", "Otay Mesa Detention Center"]
FACILITIES += ["Port Isabel Service Processing Center", "Stewart Detention Center"]
CLAIMS = ["Credible Fear - Positive", "Credible Fear - Negative", "Asylum", "CAT", "Pending"]
HEADER = ["A-Number", "Name", "Date of Birth", "Country of Citizenship", "Facility", "Claim"]


def rows(kind: str, seed: int = 1) -> Iterator[list[str]]:
    """Distinct persons: a distinct A-number each, and (for ``named``, which has none) a
    distinct name and birthdate each (a middle name made of the row's number)."""
    rng = random.Random(seed)
    for i in range(10**9):
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 55))
        first = rng.choice(FIRST)
        name = f"{rng.choice(LAST)}, {first}"
        if kind == "named":
            # A second given name spelled from the row's number: distinct persons by name.
            name += " " + "".join("bcdfghjklm"[int(d)] for d in str(i)).capitalize() + "a"
        row = [
            f"A{100_000_000 + i:09d}",
            name,
            born.isoformat(),
            rng.choice(COUNTRIES),
            rng.choice(FACILITIES),
            rng.choice(CLAIMS),
        ]
        yield row[1:] if kind == "named" else row


def write_csv(path: Path, kind: str, megabytes: int, persons: int) -> int:
    """Rows until the file holds ``megabytes`` (padded with a note column to reach it with
    ``persons`` rows); returns the number of rows."""
    limit = megabytes * 1024 * 1024
    header = HEADER[1:] if kind == "named" else HEADER
    sample = sum(len(",".join(r)) + 2 for _, r in zip(range(1000), rows(kind), strict=False))
    pad = max(0, limit // persons - sample // 1000 - 1)
    count = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow([*header, "Notes"])
        note = "x" * pad
        for row in rows(kind):
            if count >= persons:
                break
            writer.writerow([*row, note])
            count += 1
    return count


_WRAPPER = """
import json, resource, subprocess, sys, time
wall = time.perf_counter()
done = subprocess.run(sys.argv[2:], capture_output=True, text=True, cwd=sys.argv[1])
wall = time.perf_counter() - wall
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": done.returncode, "stdout": done.stdout[-4000:],
                  "stderr": done.stderr[-2000:], "wall": wall,
                  "cpu": use.ru_utime + use.ru_stime, "peak_mb": use.ru_maxrss / 1024}))
"""

_FLOOR = """
import csv, sys
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    for row in csv.reader(f):
        pass
"""


def measure(root: Path, command: list[str]) -> dict[str, Any]:
    """One run of ``command`` (cwd ``root``) as the only child of a small wrapper."""
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, str(root), *command],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=100, help="size of the CSV")
    parser.add_argument("--persons", type=int, default=1_000_000, help="distinct persons")
    parser.add_argument("--kind", choices=["numbered", "named"], default="numbered")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout to run from")
    parser.add_argument("--keep", type=Path, help="build the file here and keep it")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-persons-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        path = work / f"persons-{args.kind}-{args.persons}.csv"
        started = time.perf_counter()
        if not path.exists():
            count = write_csv(path, args.kind, args.mb, args.persons)
        else:
            count = args.persons
        size_mb = path.stat().st_size / 1024 / 1024
        took = time.perf_counter() - started
        print(f"{path.name}: {size_mb:.1f} MB, {count:,} persons (made in {took:.1f} s)")

        python = str(Path(sys.executable))
        scan = [python, "-m", "approval", "scan", "--format", "json", str(path)]
        floor = [python, "-c", _FLOOR, str(path)]
        scans: list[dict[str, Any]] = []
        floors: list[dict[str, Any]] = []
        for number in range(args.rounds):
            pair = [(scan, scans), (floor, floors)]
            for command, into in pair if number % 2 == 0 else reversed(pair):
                into.append(measure(args.root.resolve(), command))
        last = scans[-1]
        try:
            found = json.loads(last["stdout"])["files"][0]
            verdict = f"{found['verdict']} {json.dumps(found['classes'])}"
        except (ValueError, KeyError, IndexError):
            verdict = f"exit {last['rc']}: {last['stderr'].strip()[-300:]}"
        peak = statistics.median(r["peak_mb"] for r in scans)
        wall = statistics.median(r["wall"] for r in scans)
        cpu = statistics.median(r["cpu"] for r in scans)
        floor_wall = statistics.median(r["wall"] for r in floors)
        floor_cpu = statistics.median(r["cpu"] for r in floors)
        ok = "ok" if peak < TARGET_MB else "OVER TARGET"
        runs = ", ".join(f"{r['peak_mb']:.1f}" for r in scans)
        load = os.getloadavg()
        print(
            f"approval scan (whole command): peak {peak:.1f} MB (target < {TARGET_MB} MB: {ok}; "
            f"runs {runs}), {wall:.2f} s wall "
            f"{cpu:.2f} s cpu; csv.reader {floor_wall:.2f} s wall {floor_cpu:.2f} s cpu "
            f"-> {wall / floor_wall:.2f}x wall, {cpu / floor_cpu:.2f}x cpu; median of "
            f"{args.rounds} alternated rounds; load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
        )
        print(f"verdict {verdict}")


if __name__ == "__main__":
    main()
