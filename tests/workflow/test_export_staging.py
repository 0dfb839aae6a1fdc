"""The bytes an export scans have no name in DEST before the decision: a kill at any moment
(SIGKILL, the OOM killer, a CI timeout's SIGTERM) leaves nothing that another user, such as the
web server, could read. Before (issue 13) the copy sat in DEST as ``.approval-<hex>-<name>``,
mode 0644, from before the scan until a ``finally`` that a kill never runs."""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from approval.demo.synthetic import detention_workbook
from approval.files.atomic import STAGING_PREFIX, Staged, clean_leftovers, copy_hashing
from tests.support import KeyMaker
from tests.world import World


def _names(directory: Path | str) -> list[str]:
    return sorted(p.name for p in Path(directory).iterdir())


def _mask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def exposed(dest: Path) -> list[str]:
    """Every regular file under ``dest`` that a user other than its owner could read: every
    directory on the way searchable, and the file readable, by group or others."""
    found = []
    for root, dirs, files in os.walk(dest):
        on_the_way = [dest, *(dest / part for part in _prefixes(Path(root).relative_to(dest)))]
        reachable = all(p.stat().st_mode & 0o011 for p in on_the_way)
        for name in files:
            mode = Path(root, name).lstat().st_mode
            if reachable and stat.S_ISREG(mode) and mode & 0o044:
                found.append(str(Path(root, name).relative_to(dest)))
        dirs[:] = [d for d in dirs if not Path(root, d).is_symlink()]
    return found


def _prefixes(relative: Path) -> list[Path]:
    parts = relative.parts
    return [Path(*parts[: i + 1]) for i in range(len(parts))]


def holding(dest: Path, data: bytes) -> list[str]:
    """Files under ``dest``, under any name, holding the first bytes of ``data``."""
    head = data[:4096]
    found = []
    for root, _, files in os.walk(dest):
        for name in files:
            path = Path(root, name)
            try:
                if path.is_file() and path.read_bytes()[:4096] == head:
                    found.append(str(path.relative_to(dest)))
            except PermissionError:
                found.append(str(path.relative_to(dest)))
    return found


@pytest.mark.parametrize("unnamed", [True, False], ids=["O_TMPFILE", "private-directory"])
def test_staged_bytes_have_no_readable_name_in_dest(tmp_path: Path, unnamed: bool) -> None:
    dest = tmp_path / "www"
    dest.mkdir()
    source = tmp_path / "source.csv"
    source.write_bytes(b"Name,A-Number\n" * 1000)
    stage = Staged(dest / "stats.csv", unnamed=unnamed)
    try:
        copy_hashing(source, stage.file)
        # The scanner reads the bytes at a path named as the destination.
        assert stage.path.name == "stats.csv"
        assert stage.path.read_bytes() == source.read_bytes()
        assert exposed(dest) == []
        if unnamed:
            assert stage.unnamed and _names(dest) == []
        else:
            (private,) = _names(dest)
            assert private.startswith(STAGING_PREFIX)
            assert stat.S_IMODE((dest / private).stat().st_mode) == 0o700
            assert stat.S_IMODE(stage.path.stat().st_mode) == 0o600
    finally:
        stage.discard()
    assert _names(dest) == []


@pytest.mark.parametrize("unnamed", [True, False], ids=["O_TMPFILE", "private-directory"])
def test_a_commit_gives_the_mode_a_new_file_gets_and_replaces(
    tmp_path: Path, unnamed: bool
) -> None:
    source = tmp_path / "source.bin"
    source.write_bytes(b"x" * 3_000_000)
    final = tmp_path / "www" / "final.bin"
    final.parent.mkdir()
    for content in (None, b"yesterday's file"):  # a new file, then one replaced
        if content is not None:
            final.write_bytes(content)
        stage = Staged(final, unnamed=unnamed)
        sha256, size = copy_hashing(source, stage.file)
        assert size == 3_000_000 and len(sha256) == 64
        stage.commit()
        stage.discard()
        assert final.read_bytes() == source.read_bytes()
        assert stat.S_IMODE(final.stat().st_mode) == 0o666 & ~_mask()
        assert _names(final.parent) == ["final.bin"]


@pytest.mark.parametrize("unnamed", [True, False], ids=["O_TMPFILE", "private-directory"])
def test_a_failed_commit_leaves_the_target_and_nothing_else(tmp_path: Path, unnamed: bool) -> None:
    blocked = tmp_path / "blocked"
    stage = Staged(blocked, unnamed=unnamed)
    stage.file.write(b"bytes")
    blocked.mkdir()  # the target became a directory
    (blocked / "inside").write_text("kept")
    with pytest.raises(OSError):
        stage.commit()
    stage.discard()
    assert (blocked / "inside").read_text() == "kept"
    assert sorted(_names(tmp_path)) == ["blocked"]


def test_a_writer_may_close_its_file_without_ending_the_staging(tmp_path: Path) -> None:
    """redact closes what it wrote before scanning it: the unnamed file must survive that."""
    stage = Staged(tmp_path / "out.csv")
    stage.file.write(b"a,b\n")
    stage.file.close()
    assert stage.path.read_bytes() == b"a,b\n"
    stage.commit()
    assert (tmp_path / "out.csv").read_bytes() == b"a,b\n"


def test_leftovers_of_killed_stagings_go_and_live_ones_stay(tmp_path: Path) -> None:
    live = Staged(tmp_path / "other.csv", unnamed=False)  # another export, under way
    dead = tmp_path / f"{STAGING_PREFIX}0123456789ab"
    dead.mkdir(mode=0o700)
    (dead / "stats.xlsx").write_bytes(b"unapproved")
    old = tmp_path / ".approval-0123456789ab-stats.xlsx"  # as versions before this one left it
    old.write_bytes(b"unapproved")
    mine = tmp_path / ".approval-notes.txt"  # not a name staging makes: kept
    mine.write_text("kept")
    try:
        assert clean_leftovers(tmp_path) == []  # too fresh: perhaps not locked yet
        a_while_ago = time.time() - 120
        for path in (dead, old, live.path.parent):
            os.utime(path, (a_while_ago, a_while_ago))
        assert sorted(clean_leftovers(tmp_path)) == [old.name, dead.name]
        assert live.path.exists() and mine.exists()
        # A new staging in the same directory cleans up by itself.
        dead.mkdir(mode=0o700)
        os.utime(dead, (a_while_ago, a_while_ago))
        Staged(tmp_path / "stats.csv").discard()
        assert not dead.exists() and live.path.exists()
    finally:
        live.discard()


_STAGE_AND_WAIT = """
import sys, time
from pathlib import Path
from approval.files.atomic import Staged, copy_hashing
stage = Staged(Path(sys.argv[1]), unnamed=sys.argv[3] == "unnamed")
copy_hashing(Path(sys.argv[2]), stage.file)
print("staged", flush=True)
time.sleep(60)
"""


@pytest.mark.parametrize("way", ["unnamed", "private-directory"])
def test_sigkill_while_staged_leaves_nothing_readable(tmp_path: Path, way: str) -> None:
    dest = tmp_path / "www"
    dest.mkdir()
    source = tmp_path / "people.csv"
    source.write_bytes(b"A-Number,Name\n" + b"A012345678,GARCIA Maria\n" * 10_000)
    process = subprocess.Popen(
        [sys.executable, "-c", _STAGE_AND_WAIT, str(dest / "people.csv"), str(source), way],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "staged\n"
    process.kill()
    process.wait()
    assert exposed(dest) == []
    if way == "unnamed":
        assert _names(dest) == []  # the kernel freed the unnamed file with the process
    # The next staging in DEST removes what the killed one left (once a minute old).
    for path in dest.iterdir():
        os.utime(path, (time.time() - 120, time.time() - 120))
    Staged(dest / "other.csv").discard()
    assert _names(dest) == []


# -- the real command, killed at many points ---------------------------------------------------


@pytest.fixture(scope="module")
def agency(tmp_path_factory: pytest.TempPathFactory, make_key: KeyMaker) -> World:
    world = World(tmp_path_factory.mktemp("agency"), make_key)
    assert world.init().code == 0
    return world


def _export(world: World, source: Path, dest: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "APPROVAL_LEDGER": str(world.ledger), "NO_COLOR": "1"}
    key = world.key("p.publisher").private
    command = ["export", str(source), "--to", str(dest), "--key", str(key)]
    return subprocess.Popen(
        [sys.executable, "-m", "approval", *command],
        cwd=world.root,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _staging(pid: int, dest: Path) -> bool:
    """Whether the process holds a staged file of ``dest`` open (it is being scanned)."""
    try:
        links = [str(fd.readlink()) for fd in Path(f"/proc/{pid}/fd").iterdir()]
    except OSError:
        return False
    return any(link.startswith(f"{dest}/") for link in links)


def test_the_export_killed_at_many_points_leaves_no_byte_readable(
    agency: World, tmp_path: Path
) -> None:
    """SIGKILL and SIGTERM at random moments, half of them while the copy is being scanned:
    DEST never holds a readable byte of the unapproved workbook, under any name; SIGTERM exits
    143 and leaves nothing at all."""
    source = tmp_path / "detention-stats.xlsx"
    detention_workbook(source, count=6252)
    data = source.read_bytes()
    chance = random.Random(os.environ.get("PYTEST_XDIST_WORKER", "") + str(time.time_ns()))
    during_scan = 0
    for n in range(8):
        dest = tmp_path / f"www-{n}"
        dest.mkdir()
        process = _export(agency, source, dest)
        if n % 2:
            deadline = time.monotonic() + 30
            while not _staging(process.pid, dest) and process.poll() is None:
                assert time.monotonic() < deadline
                time.sleep(0.002)
            during_scan += process.poll() is None
            time.sleep(chance.uniform(0, 0.05))
        else:
            time.sleep(chance.uniform(0.2, 1.5))
        sent = signal.SIGKILL if n % 4 < 2 else signal.SIGTERM
        process.send_signal(sent)
        code = process.wait(timeout=60)
        assert exposed(dest) == [] and holding(dest, data) == [], (n, sent, code)
        if sent == signal.SIGTERM:
            # 143 from the handler; 1 if it had already refused; -15 if it came before the
            # handler was set (Python still starting), when nothing was staged yet.
            assert code in (143, 1, -15), code
            assert _names(dest) == []
    assert during_scan >= 3  # the kills did fall while the copy was scanned


def test_sigterm_and_sighup_during_the_scan_exit_with_their_codes(
    agency: World, tmp_path: Path
) -> None:
    source = tmp_path / "detention-stats.xlsx"
    detention_workbook(source, count=6252)
    for sent, code in ((signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGINT, 130)):
        dest = tmp_path / f"www-{sent.name}"
        dest.mkdir()
        process = _export(agency, source, dest)
        deadline = time.monotonic() + 30
        while not _staging(process.pid, dest):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.002)
        process.send_signal(sent)
        assert process.wait(timeout=60) == code
        assert _names(dest) == []
