"""``approval check --jobs N``: files not scanned before are scanned on several processes, with
the very result of a run on one (same files, same order, same reports and decisions); a worker
that raises or dies fails its own file closed, never another's, and never passes it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

from approval.demo.synthetic import aggregate_csv, detention_workbook, people
from approval.files.pool import DIED, Failed, map_ordered
from approval.workflow.check import CheckResult, check
from tests.corpus.spreadsheets import build_truncated
from tests.support import KeyMaker
from tests.world import World

# -- the pool, on tasks of our own ----------------------------------------------------------
#
# This process takes the largest item first (item 0 here) while the pool starts; the tasks
# below hold it there until a worker has begun every other item, so that which items the
# workers get is known.


class Shared(NamedTuple):
    markers: str  # a directory: a worker leaves a file named for each item it begins
    caller: int  # the test's process
    others: int  # how many items the workers must begin before item 0 ends here


def _begin(shared: Shared, item: int) -> None:
    if os.getpid() != shared.caller:
        Path(shared.markers, str(item)).touch()
    elif item == 0:
        deadline = time.monotonic() + 60
        while (
            len(list(Path(shared.markers).iterdir())) < shared.others
            and time.monotonic() < deadline
        ):
            time.sleep(0.01)


def _where(shared: Shared, item: int) -> tuple[int, int]:
    """The item squared, and the process that computed it."""
    _begin(shared, item)
    return item * item, os.getpid()


def _raises(shared: Shared, item: int) -> int:
    _begin(shared, item)
    if item == 2:
        # A message quoting what was read must never reach a report.
        raise ValueError("A123456789 GARCIA, Maria")
    return item


def _dies(shared: Shared, item: int) -> int:
    _begin(shared, item)
    if item == 3 and os.getpid() != shared.caller:
        os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
    return item


def _apply(shared: Callable[[int], int], item: int) -> int:
    return shared(item)


def _shared(tmp_path: Path, items: int) -> Shared:
    return Shared(str(tmp_path), os.getpid(), items - 1)


def _largest_first(count: int) -> list[int]:
    return [count - n for n in range(count)]


def test_results_come_in_the_items_order_from_here_and_a_worker(tmp_path: Path) -> None:
    count = 8
    results = map_ordered(
        _where, _shared(tmp_path, count), range(count), jobs=2, sizes=_largest_first(count)
    )
    assert [r[0] for r in results if not isinstance(r, Failed)] == [i * i for i in range(count)]
    pids = [r[1] for r in results if not isinstance(r, Failed)]
    assert pids[0] == os.getpid()
    assert os.getpid() not in pids[1:]
    assert len(set(pids[1:])) == 1  # jobs 2: this process and one worker


@pytest.mark.parametrize(("count", "jobs"), [(2, 4), (8, 1)])
def test_one_job_or_few_items_run_here(tmp_path: Path, count: int, jobs: int) -> None:
    results = map_ordered(_where, _shared(tmp_path, 0), range(count), jobs=jobs)
    assert results == [(i * i, os.getpid()) for i in range(count)]
    assert not list(tmp_path.iterdir())


def test_an_item_that_raises_fails_alone_without_its_message(tmp_path: Path) -> None:
    count = 5
    shared = _shared(tmp_path, count)
    results = map_ordered(_raises, shared, range(count), jobs=2, sizes=_largest_first(count))
    assert results[2] == Failed("failed (ValueError)")  # in a worker
    assert [r for n, r in enumerate(results) if n != 2] == [0, 1, 3, 4]
    assert "A123456789" not in repr(results)
    here = map_ordered(_raises, shared._replace(others=0), range(count), jobs=1)
    assert here == results


def test_an_item_whose_worker_dies_fails_alone(tmp_path: Path) -> None:
    count = 7
    shared = _shared(tmp_path, count)
    results = map_ordered(_dies, shared, range(count), jobs=2, sizes=_largest_first(count))
    assert results[3] == Failed(DIED)
    # Those in flight beside it were tried again, alone, and gave their results.
    assert [r for n, r in enumerate(results) if n != 3] == [0, 1, 2, 4, 5, 6]


def test_without_a_pool_the_items_run_here() -> None:
    # A lambda cannot be sent to a worker: no worker can start, and nothing is lost.
    assert map_ordered(_apply, lambda n: n + 1, range(5), jobs=2) == [1, 2, 3, 4, 5]


# -- the check ------------------------------------------------------------------------------


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    world = World(tmp_path, make_key)
    assert world.init().code == 0, world.last
    return world


def _numbers(path: Path, rows: int) -> None:
    """A clean table of figures, large enough (with others) for a pool to start."""
    lines = ["Fiscal year,Facility code,Book-ins,Releases"]
    lines += [f"{2000 + n % 23},F{n % 97:03d},{n * 7 % 1000},{n * 3 % 1000}" for n in range(rows)]
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture
def site(world: World) -> Path:
    """Clean, protected and unscannable files, over 1 MiB in all: checked on a pool."""
    site = world.root / "site"
    (site / "data").mkdir(parents=True)
    aggregate_csv(site / "data" / "aggregates.csv")
    (site / "index.md").write_text("# Detention statistics\n\nFigures by nationality.\n")
    detention_workbook(site / "data" / "stats.xlsx", count=5)
    build_truncated(site / "data")
    _numbers(site / "data" / "figures-a.csv", 32_000)
    _numbers(site / "data" / "figures-b.csv", 32_000)
    assert sum(f.stat().st_size for f in site.rglob("*") if f.is_file()) > 1024 * 1024
    return site


def _cold(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, *args: object, **kw: object
) -> CheckResult:
    """A check with an empty scan cache (a cache directory of its own)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / f"cache-{name}"))
    return check(*args, **kw)  # type: ignore[arg-type]


def test_a_pool_gives_the_result_of_one_process(
    world: World, site: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    request = world.request(site / "data" / "stats.xlsx")
    for who in ("o.privacy", "s.senior"):
        assert world.sign(request, who).code == 0
    one = _cold(monkeypatch, tmp_path, "one", world.ledger, [site], jobs=1)
    two = _cold(monkeypatch, tmp_path, "two", world.ledger, [site], jobs=2)
    assert one.scanned == two.scanned == 6
    assert _comparable(two) == _comparable(one)
    statuses = {Path(f.path).name: f.status for f in two.files}
    assert statuses["stats.xlsx"] == "approved"
    assert statuses["truncated.xlsx"] == "blocked"
    assert statuses["figures-a.csv"] == "clean"
    # Warm: only the unscannable file is scanned again (never cached); the same answer.
    warm = check(world.ledger, [site], jobs=2)
    assert warm.scanned == 1
    assert warm.unchanged == 5
    assert _comparable(warm) == _comparable(one)


def test_relative_paths_are_read_from_the_current_directory(
    world: World, site: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(site)
    one = _cold(monkeypatch, tmp_path, "one", None, [Path("data"), Path("index.md")], jobs=1)
    two = _cold(monkeypatch, tmp_path, "two", None, [Path("data"), Path("index.md")], jobs=2)
    assert all(f.path.startswith(("data", "index.md")) for f in two.files)
    assert _comparable(two) == _comparable(one)
    assert two.exit_code == 1
    assert all(f.report.sha256 for f in two.files if f.report.verdict != "unscannable")


def test_staged_bytes_on_a_pool(
    world: World, site: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for args in (["init", "-q"], ["add", "."]):
        subprocess.run(["git", *args], cwd=site, check=True, capture_output=True)
    # The work tree changes after staging: the staged bytes are what is checked.
    (site / "data" / "figures-a.csv").write_text("name,a_number\nGARCIA Maria,A123456789\n")
    monkeypatch.chdir(site)
    one = _cold(monkeypatch, tmp_path, "one", world.ledger, [], staged=True, jobs=1)
    two = _cold(monkeypatch, tmp_path, "two", world.ledger, [], staged=True, jobs=2)
    assert _comparable(two) == _comparable(one)
    assert {Path(f.path).name: f.status for f in two.files}["figures-a.csv"] == "clean"


def test_the_cli_takes_jobs(world: World, site: Path) -> None:
    outputs = []
    for jobs in ("1", "2"):
        result = world.run("check", site, "--jobs", jobs, "--format", "json")
        assert result.code == 1, result.output
        doc = json.loads(result.stdout)
        outputs.append([(f["path"], f["status"], f["sha256"]) for f in doc["files"]])
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) == 6
    refused = world.run("check", site, "--jobs", "0")
    assert refused.code == 2
    assert "Traceback" not in refused.output


def test_ctrl_c_stops_the_pool_quietly(world: World, site: Path, tmp_path: Path) -> None:
    """^C in a terminal reaches the whole process group: the command, the fork server and
    the workers. The command exits 130 (or dies of SIGINT, when it comes as Python exits;
    a shell says 130 for both), and no process prints a traceback."""
    for n in range(12):  # seconds of scanning, so that ^C comes while the pool works
        rows = [f"{p.name},{p.a_number},{p.nationality}" for p in people(20_000, seed=n)]
        (site / f"cases-{n}.csv").write_text("Name,A-Number,Nationality\n" + "\n".join(rows))
    env = {**os.environ, "NO_COLOR": "1", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "approval", "check", "--ledger", str(world.ledger), str(site)]

    def interruptible() -> None:
        # As a shell starts a command in the foreground, even when this test runs where ^C
        # is ignored (a background job): ^C has its default meaning.
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    running = subprocess.Popen(
        [*command, "--jobs", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=interruptible,
        process_group=0,  # its own group, as a shell's job: ^C reaches the group
    )
    # Interrupted as the pool starts (its fork server has just been started), the moment when
    # processes are least ready for it.
    deadline = time.monotonic() + 60
    while running.poll() is None and time.monotonic() < deadline:
        if any(b"forkserver" in command for command in _children(running.pid)):
            break
        time.sleep(0.005)
    else:
        pytest.fail("the check never started a pool")
    os.killpg(running.pid, signal.SIGINT)
    _, stderr = running.communicate(timeout=60)
    assert running.returncode in (130, -signal.SIGINT), stderr
    assert "Traceback" not in stderr


def _children(pid: int) -> list[bytes]:
    """The command lines of a process's children, started by any of its threads (Linux)."""
    commands = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            for child in (task / "children").read_text().split():
                commands.append(Path(f"/proc/{child}/cmdline").read_bytes())
        except OSError:
            continue  # ended meanwhile
    return commands


def _comparable(result: CheckResult) -> object:
    """The check as JSON, less what a cache changes (whether each scan came from it)."""
    doc = result.to_dict()
    for entry in doc["files"]:
        entry.pop("cached")
    doc["summary"].pop("scanned")
    return doc
