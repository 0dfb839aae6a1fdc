"""The scan report: the pinned JSON, the ledger's summary, and redaction."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from approval.detect.report import FileReport, Finding, Tally
from approval.detect.scan import scan_file
from approval.policy import Policy
from approval.schemas import load_schema
from tests.corpus import tabular
from tests.corpus.people import people


def summary_validator() -> Any:
    schema = load_schema("statement")
    wrapper = {"$defs": schema["$defs"], "$ref": "#/$defs/scan_summary"}
    cls = jsonschema.validators.validator_for(schema)
    return cls(wrapper)


def test_to_dict_is_the_pinned_shape(tmp_path: Path, policy: Policy) -> None:
    path = tabular.detainee_sheet(5).write_csv(tmp_path / "stats.csv")
    doc = scan_file(path, policy, display_name="stats.csv").to_dict()
    assert list(doc) == ["path", "sha256", "format", "verdict", "classes", "findings", "coverage"]
    assert doc["coverage"] == [
        {
            "part": "body",
            "kind": "table",
            "bytes": path.stat().st_size,
            "read": "parsed",
            "reason": "",
        }
    ]
    assert doc["path"] == "stats.csv"
    assert len(doc["sha256"]) == 64
    assert (doc["format"], doc["verdict"]) == ("csv", "protected")
    assert doc["classes"] == {"protected-person": {"records": 5}}
    first = doc["findings"][0]
    assert first == {
        "class": "protected-person",
        "detector": "a-number",
        "location": {"column": "A", "header": "A-Number", "hidden": False},
        "count": 5,
        "sample": first["sample"],
    }
    assert first["sample"][:2] == "A2" and "******" in first["sample"]
    json.dumps(doc)  # serialisable as is


def test_unscannable_has_a_reason(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    doc = scan_file(path, policy).to_dict()
    assert doc["verdict"] == "unscannable"
    assert doc["reason"] == "unsupported format: image/png"
    assert list(doc) == [
        "path", "sha256", "format", "verdict", "reason", "classes", "findings", "coverage"
    ]  # fmt: skip
    assert doc["coverage"] == []  # no reader met a part


def test_summary_matches_the_ledger_schema_and_holds_no_sample(
    tmp_path: Path, policy: Policy
) -> None:
    validator = summary_validator()
    for case in (tabular.detainee_sheet(5), tabular.aggregate_stats_sheet()):
        report = scan_file(case.write_csv(tmp_path / f"{case.name}.csv"), policy)
        summary = report.summary()
        validator.validate(summary)
        assert "sample" not in json.dumps(summary)
        assert "path" not in summary and "sha256" not in summary
    unscannable = tmp_path / "x.bin"
    unscannable.write_bytes(bytes(range(256)) * 8)
    validator.validate(scan_file(unscannable, policy).summary())


def test_no_value_from_the_file_appears_in_the_report(tmp_path: Path, policy: Policy) -> None:
    case = tabular.detainee_sheet(25)
    text = json.dumps(scan_file(case.write_csv(tmp_path / "d.csv"), policy).to_dict())
    for p in people(25):
        for value in (p.a_number, p.a_digits, p.last.upper(), p.first, p.name):
            assert value not in text
        assert p.birthdate.strftime("%m/%d/%Y") not in text
        assert p.birthdate.isoformat() not in text


def test_tally_adds_up_findings_and_counts_distinct_persons() -> None:
    tally = Tally(["protected-person", "personal-data"])
    location = {"column": "A", "hidden": False}
    tally.add_persons("protected-person", [1, 2, 2, 3])
    tally.add_finding("protected-person", "a-number", location, 2, "A1******01")
    tally.add_finding("protected-person", "a-number", location, 3, "A1******02")
    tally.add_finding("protected-person", "a-number", location, 0, "ignored")
    assert tally.classes() == {"protected-person": 3}
    assert tally.findings() == (Finding("protected-person", "a-number", location, 5, "A1******01"),)


def test_persons_is_the_largest_class() -> None:
    report = FileReport("x", "0" * 64, 1, "csv", "protected", classes={"a": 2, "b": 7})
    assert report.persons == 7
    assert FileReport("x", "0" * 64, 1, "csv", "clean").persons == 0


# -- names from the file that identify a person: redacted where the report is made --------

HIDDEN = "A212345678 Garcia"


def _hidden_sheet_workbook(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Sheet2"
    book.active.append(["Nationality", "Book-ins"])
    book.active.append(["Mexico", 10])
    hidden = book.create_sheet(HIDDEN)
    hidden.sheet_state = "hidden"
    hidden.append(["Name", "A-Number", "Claim"])
    hidden.append(["PEREZ, Ana", "A298765432", "asylum"])
    hidden.append(["SOTO, Luis", "A298765433", "credible fear"])
    book.save(path)
    return path


def _leaked(text: str) -> list[str]:
    return [w for w in ("212345678", "garcia", "maria") if w in text.lower()]


def test_a_sheet_named_after_a_person_is_redacted_in_every_report(
    tmp_path: Path, policy: Policy
) -> None:
    from approval.detect.sarif import to_sarif

    report = scan_file(_hidden_sheet_workbook(tmp_path / "hs.xlsx"), policy)
    doc = report.to_dict()
    assert list(doc) == ["path", "sha256", "format", "verdict", "classes", "findings", "coverage"]
    in_sheets = [f for f in doc["findings"] if "sheet" in f["location"]]
    assert {f["location"]["sheet"] for f in in_sheets} == {"[redacted]"}
    assert list(in_sheets[0]["location"]) == ["sheet", "column", "header", "hidden"]
    for text in (
        json.dumps(doc),
        json.dumps(report.summary()),
        json.dumps(to_sarif([report], policy)),
    ):
        assert _leaked(text) == []
    # The redactor still finds the sheet by the name the file gives it.
    in_file = [f.in_file().location for f in report.findings]
    assert {where["sheet"] for where in in_file if "sheet" in where} == {HIDDEN}


def test_an_archive_member_named_after_a_person_is_redacted_but_others_stay_readable(
    tmp_path: Path, policy: Policy
) -> None:
    import zipfile

    rows = tabular.detainee_sheet(3).write_csv(tmp_path / "rows.csv").read_bytes()
    archive = tmp_path / "names.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("asylum/applicants.csv", rows)
        z.writestr("asylum/A212345678_Garcia_Maria.csv", rows)
    parts = {f.location["part"] for f in scan_file(archive, policy).findings}
    assert parts == {
        "names.zip/asylum/applicants.csv",
        "names.zip/asylum/[redacted].csv",
        "names.zip/member names",  # the listing names a person too
    }

    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("asylum/A212345678_Garcia_Maria.png", b"\x89PNG\r\n\x1a\n" + bytes(100))
    report = scan_file(archive, policy)
    assert report.reason == "names.zip/asylum/[redacted].png: unsupported format: image/png"
    assert report.summary()["reason"] == report.reason


def test_a_tally_reports_locations_as_shown() -> None:
    tally = Tally(["protected-person"], shown=lambda where: {**where, "sheet": "[redacted]"})
    location = {"sheet": HIDDEN, "column": "B", "hidden": True}
    tally.add_finding("protected-person", "a-number", location, 2, "A2******78")
    (finding,) = tally.findings()
    assert finding.location == {"sheet": "[redacted]", "column": "B", "hidden": True}
    assert finding.to_dict()["location"]["sheet"] == "[redacted]"
    assert finding.place == location and finding.in_file().location == location
