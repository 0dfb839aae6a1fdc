"""Every command has a man page, made from the CLI, and the committed pages are current
(``make man`` makes them again)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from approval.cli import cli
from approval.cli.manpages import commands, page_name, pages
from tests.support import ROOT

MAN = ROOT / "docs" / "man"


def test_every_command_has_a_page() -> None:
    made = pages(cli)
    paths = [path for path, _ in commands(cli)]
    assert ("approval", "policy", "adopt") in paths and ("approval", "doctor") in paths
    assert sorted(made) == sorted(page_name(path) for path in paths)
    for name, text in made.items():
        assert text.startswith(f'.TH "{name.removesuffix(".1").upper()}" "1"'), name
        for section in (".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH EXIT STATUS"):
            assert section in text, (name, section)


def test_the_committed_pages_are_current() -> None:
    made = pages(cli)
    committed = {p.name: p.read_text(encoding="utf-8") for p in MAN.glob("approval*.1")}
    stale = sorted(n for n in made if committed.get(n) != made[n])
    gone = sorted(set(committed) - set(made))
    assert not stale and not gone, f"run `make man`: stale {stale}, of no command {gone}"


@pytest.mark.skipif(shutil.which("man") is None, reason="man is not installed")
def test_man_reads_a_page_without_warnings(tmp_path: Path) -> None:
    page = tmp_path / "approval-scan.1"
    page.write_text(pages(cli)["approval-scan.1"], encoding="utf-8")
    done = subprocess.run(
        ["man", "--warnings", "-l", str(page)],
        capture_output=True,
        text=True,
        env={"MANWIDTH": "80", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "approval scan [OPTIONS] PATHS..." in done.stdout
    assert "--quiet" in done.stdout.replace("‐", "-")
    assert done.stderr == "", done.stderr
