"""``approval scan`` as a user runs it: exit codes, the pinned JSON, SARIF, plain text when
piped, and never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from approval.policy import default_policy_path
from tests.conftest import run_approval
from tests.corpus import tabular, text
from tests.corpus.people import people


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return {
        "protected": tabular.detainee_sheet(25).write_csv(tmp_path / "detainees.csv"),
        "clean": tabular.aggregate_stats_sheet().write_csv(tmp_path / "stats.csv"),
        "memo": text.fear_memo().write(tmp_path),
    }


def test_clean_files_exit_0(files: dict[str, Path]) -> None:
    result = run_approval("scan", files["clean"])
    assert result.code == 0, result.output
    assert result.stdout.splitlines()[0] == f"{files['clean']}: clean (csv)"


def test_protected_files_exit_1_with_a_table_per_file(files: dict[str, Path]) -> None:
    result = run_approval("scan", files["protected"], files["clean"])
    assert result.code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"{files['protected']}: PROTECTED (csv) - protected-person: 25 persons"
    assert "  protected-person  a-number  column A (A-Number)  25  A" in lines[1]
    assert lines[-1] == "2 files: 1 protected, 0 unscannable, 1 clean"
    assert "─" not in result.stdout  # plain text when piped: no box drawing


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = run_approval("scan", tmp_path / "nope.csv")
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr.strip() == f"error: {tmp_path / 'nope.csv'}: no such file or directory"


def test_no_path_is_a_usage_error() -> None:
    result = run_approval("scan")
    assert result.code == 2
    assert "Traceback" not in result.output


def test_json_is_the_pinned_report(files: dict[str, Path], tmp_path: Path) -> None:
    result = run_approval("scan", "--format", "json", "detainees.csv", "stats.csv", cwd=tmp_path)
    assert result.code == 1
    doc = json.loads(result.stdout)
    assert [f["path"] for f in doc["files"]] == ["detainees.csv", "stats.csv"]
    protected, clean = doc["files"]
    assert protected["verdict"] == "protected"
    assert protected["classes"] == {"protected-person": {"records": 25}}
    assert {f["detector"] for f in protected["findings"]} == {
        "a-number",
        "person-name",
        "birthdate",
        "nationality",
        "detention-facility",
        "protection-claim",
    }
    assert clean == {
        "path": "stats.csv",
        "sha256": clean["sha256"],
        "format": "csv",
        "verdict": "clean",
        "classes": {},
        "findings": [],
        "coverage": [
            {"part": "body", "kind": "table", "bytes": clean["coverage"][0]["bytes"],
             "read": "parsed", "reason": ""}
        ],
    }  # fmt: skip


def test_sarif(files: dict[str, Path], tmp_path: Path) -> None:
    result = run_approval("scan", "--format", "sarif", ".", cwd=tmp_path)
    assert result.code == 1
    doc = json.loads(result.stdout)
    assert doc["version"] == "2.1.0"
    (run,) = doc["runs"]
    assert run["tool"]["driver"]["name"] == "approval"
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rule_ids == ["protected-person", "personal-data", "unscannable"]
    results = {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
        for r in run["results"]
    }
    assert results == {("protected-person", "detainees.csv"), ("protected-person", "fear-memo.md")}
    for r in run["results"]:
        assert r["level"] == "error"
        assert r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
        assert r["ruleIndex"] == rule_ids.index(r["ruleId"])
    memo = next(
        r
        for r in run["results"]
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "fear-memo.md"
    )
    assert memo["message"]["text"].startswith("6 persons in protected-person records: ")


@pytest.mark.parametrize("output", ["text", "json", "sarif"])
def test_no_value_from_a_file_is_ever_printed(files: dict[str, Path], output: str) -> None:
    result = run_approval("scan", "--format", output, files["protected"], files["memo"])
    for p in people(25) + people(6, seed=21):
        for value in (p.a_number, p.a_digits, p.last.upper(), p.first, p.last_first):
            assert value not in result.output
        for day in (p.birthdate.isoformat(), p.birthdate.strftime("%m/%d/%Y")):
            assert day not in result.output


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("empty.csv", b"", 0),
        ("random.bin", bytes(range(256)) * 64, 1),
        ("long.txt", b"A" * (5 * 1024 * 1024), 0),
        ("nul.csv", b"a,b\x00,c\n" * 100, 1),
        ("half.csv", "Name,Claim\nJosé,Asylum\n".encode("utf-16")[:-1], 1),
    ],
    # Named by file: a 5 MiB parameter in a test id reaches PYTEST_CURRENT_TEST, which the
    # kernel then refuses to pass to a child process (E2BIG).
    ids=["empty", "random", "long", "nul", "half"],
)
def test_never_a_traceback(tmp_path: Path, name: str, content: bytes, code: int) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = run_approval("scan", "--format", "json", path)
    assert "Traceback" not in result.output
    assert result.code == code, result.output
    (report,) = json.loads(result.stdout)["files"]
    assert report["verdict"] == ("clean" if code == 0 else report["verdict"])


def test_a_policy_file_replaces_the_default(tmp_path: Path) -> None:
    case = tabular.personal_data_sheet()
    path = case.write_csv(tmp_path / "detainees.csv")
    assert run_approval("scan", path).code == 1
    doc = yaml.safe_load(default_policy_path().read_text())
    doc["classes"] = [c for c in doc["classes"] if c["id"] != "personal-data"]
    doc["rules"] = [r for r in doc["rules"] if "personal-data" not in r["applies_to"]]
    narrow = tmp_path / "narrow.yaml"
    narrow.write_text(yaml.safe_dump(doc))
    result = run_approval("scan", "--policy", narrow, path)
    assert result.code == 0, result.output


def test_a_bad_policy_file_is_a_usage_error(tmp_path: Path, files: dict[str, Path]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n")
    result = run_approval("scan", "--policy", bad, files["clean"])
    assert result.code == 2
    assert "Traceback" not in result.output


def test_directories_are_scanned_recursively(tmp_path: Path) -> None:
    (tmp_path / "site" / "data").mkdir(parents=True)
    tabular.detainee_sheet(3).write_csv(tmp_path / "site" / "data" / "hidden.csv")
    (tmp_path / "site" / "index.md").write_text("# Statistics\n")
    result = run_approval("scan", "--format", "json", "site", cwd=tmp_path)
    assert result.code == 1
    paths = [f["path"] for f in json.loads(result.stdout)["files"]]
    assert paths == ["site/index.md", "site/data/hidden.csv"]


def test_reports_name_no_person_found_in_sheet_or_member_names(tmp_path: Path) -> None:
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Sheet2"
    hidden = book.create_sheet("A212345678 Garcia")
    hidden.sheet_state = "hidden"
    hidden.append(["Name", "A-Number", "Claim"])
    hidden.append(["PEREZ, Ana", "A298765432", "asylum"])
    book.save(tmp_path / "hs.xlsx")
    with zipfile.ZipFile(tmp_path / "names.zip", "w") as z:
        z.writestr("asylum/A212345678_Garcia_Maria.png", b"\x89PNG\r\n\x1a\n" + bytes(100))
    paths = (tmp_path / "hs.xlsx", tmp_path / "names.zip")
    text = run_approval("scan", *paths)
    assert text.code == 1
    assert "sheet [redacted], column B (A-Number), hidden" in text.stdout
    assert "names.zip/asylum/[redacted].png: unsupported format: image/png" in text.stdout
    for output in ("json", "sarif"):
        result = run_approval("scan", *paths, "--format", output)
        assert result.code == 1 and '"[redacted]"' in result.stdout
        assert "212345678" not in result.stdout and "Garcia" not in result.stdout
    assert "212345678" not in text.stdout and "Garcia" not in text.stdout


def test_text_says_how_many_parts_were_read_and_names_the_unread(tmp_path: Path) -> None:
    import tarfile

    buffer = tmp_path / "bundle.tar"
    with tarfile.open(buffer, "w") as tar:
        for name, data in (("a.txt", b"hello\n"), ("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(9))):
            (tmp_path / name).write_bytes(data)
            tar.add(tmp_path / name, arcname=name)
    tabular.aggregate_stats_sheet().write_csv(tmp_path / "stats.csv")
    result = run_approval("scan", "bundle.tar", "stats.csv", cwd=tmp_path)
    assert result.code == 1
    lines = result.stdout.splitlines()
    assert (
        lines[0] == "bundle.tar: UNSCANNABLE (bundle.tar/photo.png: unsupported format: image/png)"
    )
    assert "  read 3 of 4 parts" in lines  # the headers, a.txt, its body, and photo.png
    assert "  not read: photo.png (nested): unsupported format: image/png" in lines
    assert "  read 1 of 1 part" in lines  # stats.csv: its body, parsed


def test_sarif_carries_coverage_as_notifications(tmp_path: Path) -> None:
    import gzip

    (tmp_path / "x.gz").write_bytes(gzip.compress(b"\x89PNG\r\n\x1a\n" + bytes(9)))
    result = run_approval("scan", "--format", "sarif", "x.gz", cwd=tmp_path)
    assert result.code == 1
    (invocation,) = json.loads(result.stdout)["runs"][0]["invocations"]
    notes = [(n["descriptor"]["id"], n["level"], n["message"]["text"])
             for n in invocation["toolExecutionNotifications"]]  # fmt: skip
    assert notes == [
        ("coverage", "note", "1 of 2 parts read"),
        ("unread-part", "error", "not read: x (nested): unsupported format: image/png"),
    ]
