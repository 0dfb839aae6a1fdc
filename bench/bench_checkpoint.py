"""The first ``approval check FILE`` on a fresh clone, with and without a checkpoint (issue 17).

Targets: on a fresh clone of a 100k ledger with a checkpoint 100 entries from the head, under
5 s; without any checkpoint, under 60 s.

The ledger is built as ``bench_audit.py`` builds its own (signed statements written with one
``git fast-import``), by a cast with a witness, to ``--statements`` minus 100 entries; then a
witness's checkpoint of that head (the state replayed, serialized and signed in process) and
99 requests are appended by ``Ledger.append``. "Fresh clone": ``git clone --bare`` into a new
directory and an empty ``XDG_CACHE_HOME``, so no saved state exists; the command is
``approval check clean.csv`` in a new process. The ledger without a checkpoint is the same clone
with its branch set back to the head the checkpoint vouches for (``--statements`` - 100 entries,
no checkpoint in it). Each is run ``--rounds`` times, interleaved; medians; the load average
printed with each figure, and the command's CPU seconds (user and system, with the git
processes it waits for): on a shared host the wall time follows the load, the CPU time much
less, so a before/after comparison reads both.

A large state started from a checkpoint is saved to the cache by a detached child after the
command (``snapshot._save_detached``): the figure is the command's, and each round then waits
for that save (and prints when it landed) before the next command, so that no round runs
beside another's save.

``--baseline DIR`` runs, in each round just before this tree's command, the same command with
another copy of the package (``DIR/approval``, e.g. a copy taken before a change) first on
``PYTHONPATH``: a before/after comparison under the same load. ``--only-checkpoint`` skips the
runs without a checkpoint (a minute each at 100k).

Run: ``.venv/bin/python bench/bench_checkpoint.py [--statements 100000] [--keep DIR]
[--rounds 3] [--baseline DIR] [--only-checkpoint]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench_audit
from bench_audit import START, STEP, Cast, build, make_cast, signed, timed

from approval.ledger import Ledger
from approval.ledger.verifying import replay_from_first
from approval.statements import Envelope, format_time, kinds
from approval.trust.checkpoint import state_digest, state_to_document
from approval.trust.witness import FORMAT, carry

TARGET_WITH = 5.0
TARGET_WITHOUT = 60.0
AFTER = 100  # the checkpoint is this many entries from the head


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def witness_cast(directory: Path) -> Cast:
    """bench_audit's cast with a witness in its roster (the default policy names the role)."""
    saved = dict(bench_audit.CAST)
    bench_audit.CAST["w.witness"] = ("Wren Witness", ["witness"])
    try:
        return make_cast(directory)
    finally:
        bench_audit.CAST.clear()
        bench_audit.CAST.update(saved)


def checkpoint_and_after(ledger_dir: Path, cast: Cast, count: int) -> tuple[str, float]:
    """A witness's checkpoint of the head (the ``count``-th entry), then ``AFTER - 1``
    requests; the checkpointed head and the seconds the checkpoint took to make."""
    started = time.perf_counter()
    with Ledger.open(ledger_dir) as ledger:
        head = ledger.head()
        assert head is not None
        state = replay_from_first(ledger, head).state
        document = state_to_document(state)
        at = START + STEP * count
        statement = kinds.Checkpoint(
            created=at, seen_head=head, signer="w.witness", head=head, count=len(state),
            format=FORMAT, state_sha256=state_digest(document), state=carry(document),
        ).to_dict()  # fmt: skip
        envelope, _ = signed(cast, statement, "w.witness")
        ledger.append(envelope)
        made = time.perf_counter() - started
        adoption = state.adoptions[0]
        for n in range(AFTER - 1):
            at += STEP
            sha = f"{n:064x}"
            request = {
                "type": statement["type"], "kind": "request", "created": format_time(at),
                "seen_head": ledger.head(), "signer": "p.publisher",
                "artifact": {"sha256": sha, "size": 100 + n, "name": f"after-{n}.csv"},
                "policy": {"id": adoption.policy.id, "version": adoption.policy.version,
                           "adoption": adoption.id},
                "purpose": "FY2022 detention statistics", "destination": "www.example.gov",
                "scan": {"verdict": "protected", "format": "csv", "findings": [],
                         "classes": {"protected-person": {"records": 3}}},
            }  # fmt: skip
            signed_request: Envelope = signed(cast, request, "p.publisher")[0]
            ledger.append(signed_request)
    return head, made


def first_check(
    source: Path, work: Path, reset_to: str | None, package: Path | None = None
) -> tuple[float, float, int, str]:
    """Wall seconds of ``approval check clean.csv`` on a fresh bare clone of ``source`` (its
    branch set back to ``reset_to`` when given), an empty cache; its CPU seconds (user and
    system, with the git processes it waited for: less bound to the host's load than the wall
    time; the detached save is not counted); exit code, stderr tail.
    ``package``: a directory holding another ``approval`` package to run (``--baseline``)."""
    clone = work / "clone.git"
    cache = work / "xdg-cache"
    for path in (clone, cache):
        shutil.rmtree(path, ignore_errors=True)
    subprocess.run(["git", "clone", "--quiet", "--bare", str(source), str(clone)], check=True)
    if reset_to is not None:
        subprocess.run(
            ["git", "--git-dir", str(clone), "update-ref", "refs/heads/ledger", reset_to],
            check=True,
        )
    clean = work / "clean.csv"
    clean.write_text("year,count\n2022,6252\n")
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "XDG_CACHE_HOME": str(cache),
        "APPROVAL_LEDGER": str(clone),
    }
    if package is not None:
        env["PYTHONPATH"] = str(package)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "approval", "check", str(clean)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    saved = saved_after(cache, start)
    if saved is not None:
        print(f"  (the saved state landed {saved:.1f} s after the command started)")
    shutil.rmtree(cache, ignore_errors=True)
    return wall, cpu, done.returncode, done.stderr.strip()[-300:]


def saved_after(cache: Path, start: float, patience: float = 60.0) -> float | None:
    """Seconds from ``start`` until the cache under ``cache`` holds a saved state (a detached
    save: see the module doc); None when none lands within ``patience``."""
    while time.perf_counter() - start < patience:
        for database in cache.rglob("state.sqlite"):
            try:
                db = sqlite3.connect(database, timeout=0.1)
                try:
                    if db.execute("SELECT v FROM meta WHERE k='head'").fetchone():
                        return time.perf_counter() - start
                finally:
                    db.close()
            except sqlite3.Error:
                pass
        time.sleep(0.1)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the ledger here")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="a directory holding another approval")
    parser.add_argument("--only-checkpoint", action="store_true")
    options = parser.parse_args()
    count = options.statements
    print(f"start: {load()}")
    with tempfile.TemporaryDirectory(prefix="bench-checkpoint-") as scratch:
        directory = options.keep or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        ledger_dir = directory / f"checkpointed-{count}"
        head_file = directory / f"checkpointed-{count}.head"
        if not head_file.exists():
            shutil.rmtree(ledger_dir, ignore_errors=True)
            keys = directory / "keys"  # kept beside the ledger, for whoever extends it
            shutil.rmtree(keys, ignore_errors=True)
            keys.mkdir()
            cast = witness_cast(keys)
            seconds, _, _ = timed(build, ledger_dir, cast, count - AFTER)
            print(
                f"built {count - AFTER:,} signed statements by git fast-import in {seconds:.0f} s"
            )
            head, made = checkpoint_and_after(ledger_dir, cast, count - AFTER)
            print(f"checkpoint of entry {count - AFTER:,} made in {made:.1f} s, then {AFTER - 1}")
            head_file.write_text(head + "\n")
        head = head_file.read_text().strip()
        size = sum(f.stat().st_size for f in ledger_dir.rglob("*") if f.is_file())
        print(f"ledger: {count:,} entries, {size / 1e6:.0f} MB on disk")
        work = Path(scratch) / "work"
        work.mkdir()
        withs: list[float] = []
        withouts: list[float] = []
        baselines: list[float] = []
        cpus: dict[str, list[float]] = {"with": [], "without": [], "baseline": []}
        for n in range(options.rounds):
            if options.baseline is not None:
                wall, cpu, code, err = first_check(ledger_dir, work, None, options.baseline)
                print(f"round {n + 1}: baseline with a checkpoint: {wall:6.2f} s, "
                      f"cpu {cpu:5.2f} s (exit {code}; {load()})")  # fmt: skip
                if code != 0:
                    print(f"  {err}")
                baselines.append(wall)
                cpus["baseline"].append(cpu)
            wall, cpu, code, err = first_check(ledger_dir, work, None)
            print(f"round {n + 1}: with a checkpoint {AFTER} from the head: {wall:6.2f} s, "
                  f"cpu {cpu:5.2f} s (exit {code}; {load()})")  # fmt: skip
            if code != 0:
                print(f"  {err}")
            withs.append(wall)
            cpus["with"].append(cpu)
            if options.only_checkpoint:
                continue
            wall, cpu, code, err = first_check(ledger_dir, work, head)
            print(f"round {n + 1}: no checkpoint ({count - AFTER:,} entries): {wall:6.2f} s, "
                  f"cpu {cpu:5.2f} s (exit {code}; {load()})")  # fmt: skip
            if code != 0:
                print(f"  {err}")
            withouts.append(wall)
            cpus["without"].append(cpu)
        cpu_medians = {k: statistics.median(v) for k, v in cpus.items() if v}
        with_median = statistics.median(withs)
        without_median = statistics.median(withouts) if withouts else float("nan")
        if baselines:
            print(f"\nbaseline ({options.baseline}) with a checkpoint, median of "
                  f"{options.rounds}: {statistics.median(baselines):.2f} s, "
                  f"cpu {cpu_medians['baseline']:.2f} s")  # fmt: skip
        print(
            f"\nfirst `approval check FILE` on a fresh clone, medians of {options.rounds}:\n"
            f"  with a checkpoint {AFTER} entries from the head: {with_median:.2f} s, "
            f"cpu {cpu_medians['with']:.2f} s "
            f"(target < {TARGET_WITH:.0f} s: {'met' if with_median < TARGET_WITH else 'MISSED'})\n"
            + (
                f"  without any checkpoint: {without_median:.2f} s, "
                f"cpu {cpu_medians['without']:.2f} s (target < {TARGET_WITHOUT:.0f} s: "
                f"{'met' if without_median < TARGET_WITHOUT else 'MISSED'})"
                if withouts
                else "  without any checkpoint: not run (--only-checkpoint)"
            )
        )
        print(f"end: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
