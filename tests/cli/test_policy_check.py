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
    # The schema's problem first, then the semantic one that the schema error does not hide.
    assert len(problems) == 2
    assert "rules[0].valid_days: -1 is less than the minimum of 1" in problems[0]
    assert "'senior-oficial' is not a role defined in the roster or policy" in problems[1]
    assert result.stderr.splitlines()[-1] == "error: 2 problems found"


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


def test_an_impossible_date_is_a_problem_and_every_other_file_is_still_checked(
    tmp_path: Path,
) -> None:
    roster = tmp_path / "r.yaml"
    roster.write_text(
        ROSTER.read_text().replace("valid_until: 2027-06-30", "valid_until: 2026-02-30")
    )
    policy = tmp_path / "p.yaml"
    policy.write_text(POLICY.read_text().replace("\nversion: 1\n", '\nversion: "one"\n'))
    result = run_approval("policy", "check", POLICY, roster, policy, ROSTER)
    assert result.code == 2
    assert "internal error" not in result.output
    assert result.stdout.splitlines() == [
        f"{POLICY}: ok: policy 8cfr208.6 v1: 2 data classes, 2 rules, 12 detectors, "
        "unscannable files treated as protected-person",
        f"{ROSTER}: ok: roster v1: 5 officials, admin threshold 2 of 2",
    ]
    assert result.stderr.splitlines() == [
        f"{roster}:12:5: officials[0].valid_until: '2026-02-30' is not a real date "
        "(day is out of range for month)",
        f"{policy}:8:1: version: 'one' is not of type 'integer'",
        "error: 2 problems found",
    ]


def test_init_reports_an_impossible_date_the_same_way(tmp_path: Path) -> None:
    roster = tmp_path / "r.yaml"
    roster.write_text(
        ROSTER.read_text().replace("valid_until: 2027-06-30", "valid_until: 2026-02-30")
    )
    result = run_approval(
        "init",
        "--ledger",
        tmp_path / "ledger",
        "--policy",
        POLICY,
        "--roster",
        roster,
        "--key",
        tmp_path / "admin.key",
    )
    assert result.code == 2
    assert result.stderr.splitlines() == [
        f"{roster}:12:5: officials[0].valid_until: '2026-02-30' is not a real date "
        "(day is out of range for month)",
        "error: 1 problem found",
    ]
    assert not (tmp_path / "ledger").exists()


def test_a_deeply_nested_file_is_one_problem(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("a: " + "[" * 5000 + "\n")
    result = run_approval("policy", "check", deep, POLICY)
    assert result.code == 2
    assert result.stderr.splitlines() == [
        f"{deep}:1:53: nested too deeply (more than 50 levels of lists and mappings)",
        "error: 1 problem found",
    ]
    assert result.stdout.startswith(f"{POLICY}: ok: ")


def test_a_huge_or_binary_file_does_not_stop_the_others(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    huge.write_bytes(b"a: 1\n" * 300_000)
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00")
    result = run_approval("policy", "check", huge, binary, ROSTER)
    assert result.code == 2
    assert result.stdout == f"{ROSTER}: ok: roster v1: 5 officials, admin threshold 2 of 2\n"
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{huge}:1:1: 1500000 bytes is too large")
    assert lines[1] == f"{binary}:1:1: not UTF-8 text (byte 0)"
    assert lines[2] == "error: 2 problems found"
