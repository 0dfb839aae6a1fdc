"""``approval check`` answers CI and pre-commit in plain lines, without loading what only a
terminal's rendering needs, and leaves the process's garbage collector as it found it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_a_piped_check_writes_plain_lines_without_rich(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("# Week 3\n\nBook-ins rose by 2 percent.\n")
    code = (
        "import gc, sys; from approval.cli import main\n"
        f"try: main(['check', {str(tmp_path)!r}])\n"
        "except SystemExit as e: print('exit', e.code)\n"
        "print('rich' in sys.modules)\n"
        "print('frozen', gc.get_freeze_count())\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("APPROVAL_LEDGER", "FORCE_COLOR")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    *answer, exit_line, rich, frozen = done.stdout.splitlines()
    assert answer == ["1 file: 1 clean, 0 approved, 0 blocked (1 scanned, 0 unchanged)"]
    assert exit_line == "exit 0"
    assert rich == "False"  # only a terminal's wrapping needs it
    assert frozen == "frozen 0"
