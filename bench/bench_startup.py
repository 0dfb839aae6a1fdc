"""How fast the command line starts: ``approval --help``, every ``COMMAND --help``, and a bare
interpreter for comparison, each the best of N runs in a fresh process (wall clock).

Target (issue 8): ``approval --help`` under 150 ms. Only click and the command modules load for
help; git, cryptography, jsonschema, yaml and the spreadsheet libraries load when a command runs
(tests/cli/test_registry.py and tests/cli/test_help.py check it).
Run: ``.venv/bin/python bench/bench_startup.py [--runs 10]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

TARGET_MS = 150.0


def best(command: list[str], runs: int) -> float:
    """The fastest of ``runs`` wall-clock times, in ms: the machine's noise only adds."""
    env = {**os.environ, "NO_COLOR": "1"}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def heaviest_imports(count: int = 5) -> list[tuple[int, str]]:
    """The modules that cost most (cumulative us) while ``approval --help`` runs."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "approval", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].strip()))
    return sorted(rows, reverse=True)[:count]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    options = parser.parse_args()
    from approval.cli import COMMANDS

    load = os.getloadavg()[0]
    print(f"load average {load:.1f} on {os.cpu_count()} cores (other work slows wall times)")
    bare = best([sys.executable, "-c", "pass"], options.runs)
    help_ms = best([sys.executable, "-m", "approval", "--help"], options.runs)
    version = best([sys.executable, "-m", "approval", "--version"], options.runs)
    print(f"python -c pass:          {bare:6.0f} ms (the interpreter alone)")
    print(f"approval --version:      {version:6.0f} ms")
    print(f"approval --help:         {help_ms:6.0f} ms (best of {options.runs})")
    slowest = max(
        (best([sys.executable, "-m", "approval", name, "--help"], min(options.runs, 5)), name)
        for name in COMMANDS
    )
    print(f"slowest COMMAND --help:  {slowest[0]:6.0f} ms (approval {slowest[1]} --help)")
    print("heaviest imports for --help (cumulative):")
    for micros, module in heaviest_imports():
        print(f"  {micros / 1000:6.1f} ms  {module}")
    met = help_ms < TARGET_MS
    print(f"approval --help under {TARGET_MS:.0f} ms: {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
