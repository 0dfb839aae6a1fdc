"""``approval check`` as a user runs it, over a tree of files it has not scanned before: one
process (``--jobs 1``) against two (``--jobs 2``), and the warm run that follows (every scan from
the cache).

The tree: ``--files`` files of mixed kinds and sizes, as a statistics site holds them:
workbooks in the 2022 shape (aggregates, then persons on a hidden sheet), CSVs of persons, clean
CSVs of figures, small aggregate tables and Markdown pages (12 MB at 40 files, about 1.3 s of
CPU to scan on one core). The ledger is a real one, made by ``approval init``; the protected
files are not approved, so the check exits 1 each time, with the same answer whatever the
number of jobs (checked every round).

The pool's worth shows in the CPU columns: ``own`` is the command's process (the files it
scans itself, git), ``pool`` the fork server and workers, which run beside it; the longer of
the two is what the wall clock approaches on idle cores.

Each round runs both cold checks, in alternating order, each with a cache directory of its own
(``XDG_CACHE_HOME``), then the warm check on one of them; medians over the rounds. Times are
wall clock and CPU: the command and every process under it, the fork server and workers of the
pool included (this process is their subreaper, so their CPU time is counted when they end).
On a machine shared with other work the wall clock varies most; the load average, and the
cores two busy processes get between them, are printed at the start and the end.

Run: ``.venv/bin/python bench/bench_check.py [--files 40] [--rounds 5] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _bytecode import compile_package

from approval.demo.synthetic import aggregate_csv, detention_workbook, people

ROOT = Path(__file__).resolve().parent.parent
_PR_SET_CHILD_SUBREAPER = 36


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f} on {os.cpu_count()} cores"


_SPIN = "import time\nend = time.perf_counter() + {0}\nwhile time.perf_counter() < end: pass\n"


def cores_available(processes: int = 2, seconds: float = 1.5) -> float:
    """Cores that ``processes`` busy processes get between them right now: on a machine
    shared with other work, what a pool of that size can hope for."""
    cpu = children_cpu()
    start = time.perf_counter()
    spinners = [
        subprocess.Popen([sys.executable, "-c", _SPIN.format(seconds)]) for _ in range(processes)
    ]
    for spinner in spinners:
        spinner.wait()
    return (children_cpu() - cpu) / (time.perf_counter() - start)


def become_subreaper() -> bool:
    """Processes that outlive their parent under this one (a fork server) come back to it, so
    that their CPU time is counted once they are reaped (Linux only)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def reap() -> None:
    """Wait for every process left under this one (a fork server ends once its parent has)."""
    while True:
        try:
            os.wait()
        except ChildProcessError:
            return


@dataclass(frozen=True)
class Ran:
    """One command: wall seconds; CPU seconds of every process under it (``cpu``) and of the
    command alone with the processes it waited for, git's (``own``); exit code; stdout."""

    wall: float
    cpu: float
    own: float
    code: int
    stdout: str

    @property
    def pool(self) -> float:
        """CPU seconds of the processes the command left to end on their own: a pool's fork
        server and workers (and multiprocessing's resource tracker)."""
        return max(0.0, self.cpu - self.own)


def run_command(args: list[str], env: dict[str, str], cwd: Path) -> Ran:
    cpu = children_cpu()
    start = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        command = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=errors)
        assert command.stdout is not None
        # Read to the end: a fork server holds the pipe open until it ends, after the command.
        stdout = command.stdout.read().decode()
        command.stdout.close()
        _, status, usage = os.wait4(command.pid, 0)
        command.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    reap()
    own = usage.ru_utime + usage.ru_stime
    return Ran(wall, children_cpu() - cpu, own, command.returncode, stdout)


def run(args: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int, str]:
    """Wall and CPU seconds of one command (and of every process under it), its exit code and
    standard output."""
    ran = run_command(args, env, cwd)
    return ran.wall, ran.cpu, ran.code, ran.stdout


# -- the tree and the ledger ----------------------------------------------------------------


def build_tree(tree: Path, files: int) -> int:
    """``files`` files of mixed kinds and sizes under ``tree``; their bytes in all."""
    rng = random.Random(17)
    (tree / "data").mkdir(parents=True, exist_ok=True)
    for n in range(files):
        kind = n % 5
        if kind == 0:
            detention_workbook(
                tree / "data" / f"detention-{n}.xlsx", count=rng.choice([1000, 6252])
            )
        elif kind == 1:
            persons = people(rng.choice([2000, 20000, 50000]), seed=n)
            rows = [f"{p.name},{p.a_number},{p.birthdate},{p.nationality}" for p in persons]
            text = "Name,A-Number,DOB,Nationality\n" + "\n".join(rows) + "\n"
            (tree / "data" / f"cases-{n}.csv").write_text(text)
        elif kind == 2:
            count = rng.choice([5_000, 50_000])
            rows = [
                f"{2000 + i % 23},F{i % 97:03d},{i * 7 % 1000},{i * 3 % 1000}" for i in range(count)
            ]
            text = "Fiscal year,Facility,Book-ins,Releases\n" + "\n".join(rows) + "\n"
            (tree / "data" / f"figures-{n}.csv").write_text(text)
        elif kind == 3:
            aggregate_csv(tree / "data" / f"aggregates-{n}.csv")
        else:
            body = "\n\n".join(
                f"Paragraph {i}: book-ins rose in fiscal year 20{i % 23:02d}." for i in range(200)
            )
            (tree / f"page-{n}.md").write_text(f"# Detention statistics {n}\n\n{body}\n")
    return sum(f.stat().st_size for f in tree.rglob("*") if f.is_file())


def make_ledger(work: Path, env: dict[str, str]) -> Path:
    """A real ledger, made as an agency makes one: keys, a roster, ``approval init``."""
    lines = ["version: 1", "officials:"]
    keys = []
    cast = (
        ("a.admin", "admin"),
        ("b.admin", "admin"),
        ("p.publisher", "publisher"),
        ("o.privacy", "privacy-officer"),
        ("s.senior", "senior-official"),
    )
    for name, role in cast:
        key = work / name
        for old in (key, key.with_name(key.name + ".pub")):
            old.unlink(missing_ok=True)  # ssh-keygen would ask before overwriting
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True
        )
        public = key.with_name(key.name + ".pub").read_text().strip()
        lines += [
            f"  - id: {name}",
            f"    name: {name}",
            f"    roles: [{role}]",
            f'    keys: ["{public}"]',
        ]
        keys.append(key)
    roster = work / "roster.yaml"
    roster.write_text("\n".join([*lines, "admins:", "  threshold: 2", ""]))
    ledger = work / "ledger"
    args = [sys.executable, "-m", "approval", "init", "--ledger", str(ledger)]
    args += ["--policy", str(ROOT / "policies" / "8cfr208.6.yaml"), "--roster", str(roster)]
    for key in keys[:2]:
        args += ["--key", str(key)]
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"approval init failed: {done.stderr}")
    return ledger


# -- measuring -------------------------------------------------------------------------------


def answer(stdout: str) -> list[Any]:
    """What must not change with the number of jobs: each file's path, status and report."""
    doc = json.loads(stdout)
    files = doc.get("files", doc.get("data", {}).get("files"))
    return [{k: v for k, v in f.items() if k != "cached"} for f in files]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2, help="the pool's size to compare with 1")
    parser.add_argument("--keep", type=Path, help="work here (kept) instead of a temporary dir")
    options = parser.parse_args()
    compile_package()  # commands run from byte-code, as installed (bench/_bytecode.py)
    print(f"start: {load()}; two busy processes get {cores_available():.2f} cores")
    reaper = become_subreaper()
    if not reaper:
        print("(not a subreaper here: the CPU time of a pool's fork server is not counted)")
    with tempfile.TemporaryDirectory(prefix="bench-check-") as scratch:
        work = options.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "NO_COLOR": "1"}
        tree = work / "site"
        if not tree.exists():
            size = build_tree(tree, options.files)
        else:
            size = sum(f.stat().st_size for f in tree.rglob("*") if f.is_file())
        ledger = work / "ledger" if (work / "ledger").exists() else make_ledger(work, env)
        print(f"tree: {options.files} files, {size / 1e6:.1f} MB; ledger from approval init")
        command = [sys.executable, "-m", "approval", "check", "--ledger", str(ledger), str(tree)]
        command += ["--format", "json"]
        # One untimed run writes the byte-code.
        run([*command, "--jobs", "1"], {**env, "XDG_CACHE_HOME": str(work / "cache-0")}, work)
        jobs = (1, options.jobs)
        cold: dict[int, list[Ran]] = {j: [] for j in jobs}
        warm: list[Ran] = []
        expected: list[Any] | None = None
        for r in range(options.rounds):
            for j in jobs if r % 2 == 0 else jobs[::-1]:
                cache = work / f"cache-{r}-{j}"
                shutil.rmtree(cache, ignore_errors=True)
                round_env = {**env, "XDG_CACHE_HOME": str(cache)}
                ran = run_command([*command, "--jobs", str(j)], round_env, work)
                got = answer(ran.stdout)
                expected = expected if expected is not None else got
                if ran.code != 1 or got != expected:
                    raise SystemExit(f"--jobs {j}: exit {ran.code}, or an answer that differs")
                cold[j].append(ran)
                if j == jobs[1]:
                    ran = run_command([*command, "--jobs", str(j)], round_env, work)
                    if ran.code != 1 or answer(ran.stdout) != expected:
                        raise SystemExit("warm: a different answer")
                    warm.append(ran)
                shutil.rmtree(cache, ignore_errors=True)
        print(
            f"medians of {options.rounds} interleaved rounds, seconds: wall; CPU of every "
            "process; the command's own CPU\n(with git's); the pool's (fork server, workers); "
            "the longer of the two, what the wall\nclock would be near on idle cores:"
        )
        print(f"{'':>15} {'wall':>7} {'CPU':>7} {'own':>7} {'pool':>7} {'longer':>7}")

        def line(label: str, runs: list[Ran]) -> tuple[float, float, float]:
            wall = statistics.median(r.wall for r in runs)
            cpu = statistics.median(r.cpu for r in runs)
            own = statistics.median(r.own for r in runs)
            pool = statistics.median(r.pool for r in runs)
            longer = statistics.median(max(r.own, r.pool) for r in runs)
            print(f"{label:>15} {wall:7.2f} {cpu:7.2f} {own:7.2f} {pool:7.2f} {longer:7.2f}")
            return wall, cpu, longer

        one = line("cold --jobs 1", cold[1])
        many = line(f"cold --jobs {options.jobs}", cold[options.jobs])
        line("warm (cached)", warm)
        print(
            f"--jobs {options.jobs} against --jobs 1: wall {one[0] / many[0]:.2f}x as fast here; "
            f"CPU {many[1] / one[1]:.2f}x (starting the pool); longer process "
            f"{one[2] / many[2]:.2f}x as fast"
        )
        ratios = [a.wall / b.wall for a, b in zip(cold[1], cold[options.jobs], strict=True)]
        print("per-round wall ratio: " + " ".join(f"{x:.2f}" for x in ratios))
        print(
            "(on a machine busy with other work, two processes get little more CPU than one:\n"
            "the wall clock gains only what the cores measured at the start and end allow)"
        )
    print(f"end: {load()}; two busy processes get {cores_available():.2f} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
