"""^C ends a command the way shells expect: exit 130, one quiet line at most, no traceback."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.support import ROOT


def test_ctrl_c_exits_130_without_a_traceback(tmp_path: Path) -> None:
    tree = tmp_path / "site"
    tree.mkdir()
    for n in range(12_000):  # a cold check of this tree takes many times the moment we wait
        (tree / f"page{n}.csv").write_text(f"Country,Count\nMexico,{n}\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "c")}
    child = subprocess.Popen(
        [sys.executable, "-m", "approval", "check", str(tree)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.0)
    assert child.poll() is None, "the check ended before it could be interrupted"
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)

    assert child.returncode == 130, (out, err)
    assert "Traceback" not in err
