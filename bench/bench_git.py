"""Where the ledger drives git through GitPython and where through its own plain-git wrapper
(approval/ledger/git.py), by measure: the cost of importing GitPython, an up-to-date fetch in a
fresh process either way, reading every entry back through our pipelined ``cat-file`` or
GitPython's persistent one, a config read and repository discovery.

Each pair is timed interleaved (A, B, A, B...), so that other load on the machine falls on both.
Run: ``.venv/bin/python bench/bench_git.py [--entries 10000] [--runs 10]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench_ledger import fast_import, make_keys, sign, statements

from approval.ledger import Ledger
from approval.ledger import remote as git_remote
from approval.ledger.git import GitObject, ObjectReader

FETCH = """
import sys
from pathlib import Path
from approval.ledger import Ledger
from approval.ledger import remote as git_remote
from approval.ledger.git import Quiet
with Ledger.open(Path(sys.argv[1])) as ledger:
    git_remote.fetch(ledger, "origin", progress=Quiet() if sys.argv[2] == "gitpython" else None)
"""


class GitPythonReader:
    """The ledger's object-reader interface over GitPython's persistent ``cat-file``, which
    answers one object per round trip (it has no way to send several requests at once)."""

    def __init__(self, repo: Any):
        self._git = repo.git
        self._asked: list[str] = []

    def request(self, names: list[str]) -> None:
        self._asked.extend(names)

    def response(self) -> GitObject | None:
        name = self._asked.pop(0)
        try:
            oid, kind, _, data = self._git.get_object_data(name)
        except ValueError:  # "<name> missing"
            return None
        return GitObject(_text(oid), _text(kind), data)

    def get(self, name: str) -> GitObject | None:
        self.request([name])
        return self.response()

    def close(self) -> None:
        self._git.clear_cache()


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def fresh_process(code: str, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], check=True, cwd=Path(__file__).parent)
    return time.perf_counter() - start


def paired(runs: int, **timers: Callable[[], float]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in timers}
    for _ in range(runs):
        for name, timer in timers.items():
            times[name].append(timer())
    return times


def show(unit: str, scale: float, times: dict[str, list[float]]) -> None:
    for name, values in times.items():
        best, median = min(values) * scale, statistics.median(values) * scale
        print(f"  {name:34s} best {best:9.1f} {unit}   median {median:9.1f} {unit}")


def read_back(path: Path, through_gitpython: bool) -> float:
    """Seconds per entry for reading every entry (validity cache warm)."""
    import git

    with Ledger.open(path) as ledger:
        if through_gitpython:
            reader = GitPythonReader(git.Repo(str(ledger.git_dir)))
            ledger._reader = reader  # type: ignore[assignment]
            ledger._open.append(reader)  # type: ignore[arg-type]
        start = time.perf_counter()
        count = sum(1 for _ in ledger.entries())
        return (time.perf_counter() - start) / count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=10)
    options = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"load average {load:.1f} on {os.cpu_count()} cores (other work slows wall times)")
    with tempfile.TemporaryDirectory(prefix="bench-git-") as work:
        root = Path(work)
        keys = make_keys(root)
        with Ledger.create(root / "shared") as shared:
            envelopes = [sign(s, keys) for s in statements(options.entries, datetime.now(UTC))]
            fast_import(shared, envelopes)
        with Ledger.create(root / "office") as office:
            git_remote.set_url(office, str(root / "shared"))
            git_remote.fetch(office, str(root / "shared"))
            head = git_remote.ref(office, git_remote.FETCHED)
            assert head is not None
            office.set_head(head, expect=None)
        office_path = str(root / "office")

        print("\nstarting a process (python -c), fresh each time")
        show("ms", 1e3, paired(
            options.runs,
            **{
                "import approval.ledger.remote": lambda: fresh_process(
                    "import approval.ledger.remote"
                ),
                "  and GitPython (import git)": lambda: fresh_process(
                    "import approval.ledger.remote, git"
                ),
            },
        ))  # fmt: skip

        print("\nan up-to-date fetch from a local remote, in a fresh process")
        show("ms", 1e3, paired(
            options.runs,
            **{
                "plain git (the gate, share)": lambda: fresh_process(FETCH, office_path, "plain"),
                "through GitPython (sync, clone)": lambda: fresh_process(
                    FETCH, office_path, "gitpython"
                ),
            },
        ))  # fmt: skip

        print(f"\nreading every entry back ({options.entries} entries, validity cache warm)")
        read_back(root / "office", False)  # fills the validity cache
        times = paired(
            max(3, options.runs // 2),
            **{
                "our cat-file, 256 requests a write": lambda: read_back(root / "office", False),
                "GitPython's cat-file": lambda: read_back(root / "office", True),
            },
        )
        show("us/entry", 1e6, times)
        for name, values in times.items():
            print(f"  {name:34s} best {1 / min(values):9.0f} entries/s")

        print("\none object at a time (the round trip)")
        import git

        blobs = [entry.blob for entry in Ledger.open(root / "office").entries()][:2000]

        def one_by_one(reader: ObjectReader | GitPythonReader) -> float:
            start = time.perf_counter()
            for blob in blobs:
                reader.get(blob)
            reader.close()
            return (time.perf_counter() - start) / len(blobs)

        def pipelined() -> float:
            reader = ObjectReader(Ledger.open(root / "office")._git)
            start = time.perf_counter()
            for i in range(0, len(blobs), 256):
                chunk = blobs[i : i + 256]
                reader.request(chunk)
                for _ in chunk:
                    reader.response()
            reader.close()
            return (time.perf_counter() - start) / len(blobs)

        show("us/object", 1e6, paired(
            options.runs,
            **{
                "ours, 256 requests a write": pipelined,
                "ours, one at a time": lambda: one_by_one(
                    ObjectReader(Ledger.open(root / "office")._git)
                ),
                "GitPython's get_object_data": lambda: one_by_one(
                    GitPythonReader(git.Repo(office_path))
                ),
            },
        ))  # fmt: skip

        print("\nreading the remote's URL; opening the ledger (after GitPython is imported)")
        office_ledger = Ledger.open(root / "office")
        calls = 100

        def per_call(function: Callable[[], object]) -> Callable[[], float]:
            def timer() -> float:
                start = time.perf_counter()
                for _ in range(calls):
                    function()
                return (time.perf_counter() - start) / calls

            return timer

        show("ms", 1e3, paired(
            options.runs,
            **{
                "git config --get (remote.url)": per_call(lambda: git_remote.url(office_ledger)),
                "GitPython Repo + config_reader": per_call(
                    lambda: git.Repo(office_path)
                    .config_reader("repository")
                    .get_value('remote "origin"', "url")
                ),
                "Ledger.open (reads HEAD)": per_call(lambda: Ledger.open(root / "office")),
                "git.Repo(path)": per_call(lambda: git.Repo(office_path)),
            },
        ))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
