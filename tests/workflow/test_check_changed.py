"""``approval check`` keeps a scan in its lasting cache only for the bytes the readers parsed:
a file whose tail is rewritten in place while it is scanned (its mtime set back), then put
back, is never passed on the strength of the scan of the harmless tail."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from approval.detect.scan import SNAPSHOT_BYTES
from tests.support import ROOT, KeyMaker, run_approval
from tests.world import World

PEOPLE = (
    b"Maria Garcia,A212345678,1985-03-02,credible fear found\n"
    b"Jose Hernandez,A212345679,1990-07-14,credible fear pending\n"
)
# The same length as PEOPLE, line for line: nothing anyone would protect.
FILLER = b"".join(b"-,-,-," + b"x" * (len(line) - 6) + b"\n" for line in PEOPLE.splitlines())


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    world = World(tmp_path, make_key)
    assert world.init().code == 0
    return world


def _opened_by(pid: int, path: Path) -> int:
    """How many descriptors process ``pid`` and its children hold on ``path`` now."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    count = 0
    for p in pids:
        try:
            links = list(Path(f"/proc/{p}/fd").iterdir())
        except OSError:
            continue
        for link in links:
            try:
                count += link.readlink() == path
            except OSError:
                continue
    return count


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to time the edit")
def test_a_tail_rewritten_during_the_scan_is_not_kept_as_clean(world: World) -> None:
    assert len(PEOPLE) == len(FILLER)
    site = world.root / "www"
    site.mkdir()
    stats = site / "stats.csv"
    head = b"name,a_number,birthdate,case_status\n"
    rows = b"".join(b"-,-,-,row %d pending\n" % n for n in range(SNAPSHOT_BYTES // 20))
    protected = head + rows + PEOPLE
    stats.write_bytes(protected)
    st = stats.stat()
    env = {**os.environ, "APPROVAL_LEDGER": str(world.ledger)}
    check = subprocess.Popen(
        [sys.executable, "-m", "approval", "check", str(site)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        # The check opens the file to hash it, then to scan it; the scanner hashes it from
        # its descriptor, and its readers read it through a second one (the same inode):
        # two descriptors at once mean the readers are parsing.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and _opened_by(check.pid, stats) < 2:
            time.sleep(0.001)
        fd = os.open(stats, os.O_WRONLY)
        try:
            os.pwrite(fd, FILLER, len(protected) - len(FILLER))
        finally:
            os.close(fd)
        os.utime(stats, ns=(st.st_atime_ns, st.st_mtime_ns))
    finally:
        first = check.communicate(timeout=180)[0].decode()
    # Edited during its scan: the check says so and blocks.
    assert check.returncode == 1, first
    assert "changed while it was scanned" in first
    # The protected rows are back, unchanged to the eye (same size, same mtime).
    fd = os.open(stats, os.O_WRONLY)
    try:
        os.pwrite(fd, PEOPLE, len(protected) - len(PEOPLE))
    finally:
        os.close(fd)
    os.utime(stats, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert stats.read_bytes() == protected
    again = run_approval("check", site, env={"APPROVAL_LEDGER": str(world.ledger)})
    assert again.code == 1, again.output
    assert "0 clean" in again.stdout
