"""`approval policy check` through the real CLI."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_approval
from tests.policy.conftest import POLICY, ROSTER


def test_valid_files_exit_0_with_a_line_each() -> None:
    result = run_approval("policy", "check", POLICY, ROSTER)
    assert result.code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{POLICY}: ok: policy 8cfr208.6 v1: 2 data classes, 2 rules")
    assert lines[1] == f"{ROSTER}: ok: roster v1: 5 officials, admin threshold 2 of 2"


def test_broken_copy_exits_2_with_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "policy.yaml"
    bad.write_text(
        POLICY.read_text()
        .replace("role: senior-official", "role: senior-oficial")
        .replace("valid_days: 30", "valid_days: -1", 1)
    )
    result = run_approval("policy", "check", bad, ROSTER)
    assert result.code == 2
    assert "Traceback" not in result.output
    problems = [line for line in result.stderr.splitlines() if line.startswith(str(bad))]
    assert len(problems) == 1  # the schema error is reported first; semantics wait for it
    assert "rules[0].valid_days: -1 is less than the minimum of 1" in problems[0]
    assert result.stderr.splitlines()[-1] == "error: 1 problem found"


def test_python_tag_is_refused_safely(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    bad = tmp_path / "evil.yaml"
    bad.write_text(f"!!python/object/apply:os.system ['touch {marker}']\n")
    result = run_approval("policy", "check", bad)
    assert result.code == 2
    assert "unsafe or unknown YAML tag refused" in result.stderr
    assert not marker.exists()


def test_missing_file_is_one_line() -> None:
    result = run_approval("policy", "check", "no/such.yaml")
    assert result.code == 2
    assert result.stderr == "error: no/such.yaml: no such file\n"


def test_no_arguments_is_a_usage_error() -> None:
    result = run_approval("policy", "check")
    assert result.code == 2
    assert "Missing argument" in result.stderr
