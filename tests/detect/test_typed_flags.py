"""Yes/no claim flags stored as typed values: an xlsx or ODS ``TRUE``, a JSON or YAML ``true``,
a ``1`` in a JSON record, under ``Asylum claimed``, ``credible_fear``, ``isAsylee``... are the
same flags as a typed ``Y`` (red team, finding 1). A ``FALSE`` or a ``0`` is a "no"; a number
that counts (a statistics table's 12, 7, 30) is an aggregate still.

Files are made by code and scanned whole (``scan_file``)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from approval.detect.classify import cell_text
from approval.detect.scan import scan_file
from approval.policy import Policy
from tests.corpus.people import people
from tests.corpus.spreadsheets import OdsSheet, ods_file

PERSONS = people(40)[10:16]
HEADERS = [
    "Asylum claimed",
    "Credible fear",
    "Fear of return",
    "Asylum",
    "Is asylee",
    "hasCredibleFear",
]
KEYS = [
    "asylum",
    "credible_fear",
    "fear_claimed",
    "isAsylee",
    "hasCredibleFear",
    "i589Filed",
    "asylumClaimed",
]


def _classes(path: Path, policy: Policy) -> dict[str, int]:
    return dict(scan_file(path, policy).classes)


def _scan_json(tmp_path: Path, policy: Policy, document: Any) -> dict[str, int]:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return _classes(path, policy)


@pytest.mark.parametrize(
    ("value", "text"), [(True, "TRUE"), (False, "FALSE"), (1, "1"), (0, "0"), (None, "")]
)
def test_a_boolean_renders_as_a_spreadsheet_shows_it(value: object, text: str) -> None:
    assert cell_text(value) == text  # type: ignore[arg-type]


def _workbook(path: Path, header: str, values: list[object]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", header])
    for person, value in zip(PERSONS, values, strict=True):
        sheet.append([person.name, value])
    book.save(path)
    return path


@pytest.mark.parametrize("header", HEADERS)
def test_true_in_a_workbook_is_a_claim(tmp_path: Path, policy: Policy, header: str) -> None:
    path = _workbook(tmp_path / "b.xlsx", header, [True] * len(PERSONS))
    assert _classes(path, policy) == {"protected-person": len(PERSONS)}


@pytest.mark.parametrize("header", HEADERS)
def test_false_in_a_workbook_is_a_no(tmp_path: Path, policy: Policy, header: str) -> None:
    assert _classes(_workbook(tmp_path / "b.xlsx", header, [False] * len(PERSONS)), policy) == {}
    mixed = [n % 2 == 0 for n in range(len(PERSONS))]  # only the TRUE rows' persons
    assert _classes(_workbook(tmp_path / "m.xlsx", header, mixed), policy) == {
        "protected-person": len(PERSONS) // 2
    }


def _ods(path: Path, values: list[str]) -> Path:
    """An ODS sheet of names over boolean cells, written as Calc writes them."""
    rows: list[list[object]] = [["Name", "Credible fear"]]
    rows += [[p.name, f"@@{v}@@"] for p, v in zip(PERSONS, values, strict=True)]
    data = ods_file([OdsSheet("Sheet1", rows)])
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        members = {name: package.read(name) for name in package.namelist()}
    content = members["content.xml"].decode()
    for value in ("true", "false"):
        content = content.replace(
            f'<table:table-cell office:value-type="string"><text:p>@@{value}@@</text:p>',
            f'<table:table-cell office:value-type="boolean" office:boolean-value="{value}">'
            f"<text:p>{value.upper()}</text:p>",
        )
    members["content.xml"] = content.encode()
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("mimetype", members.pop("mimetype"))
        for name, member in members.items():
            package.writestr(name, member, zipfile.ZIP_DEFLATED)
    return path


def test_booleans_in_an_ods_sheet(tmp_path: Path, policy: Policy) -> None:
    yes = _ods(tmp_path / "yes.ods", ["true"] * len(PERSONS))
    assert _classes(yes, policy) == {"protected-person": len(PERSONS)}
    assert _classes(_ods(tmp_path / "no.ods", ["false"] * len(PERSONS)), policy) == {}


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("value", [True, 1])
def test_true_or_one_in_json_records_is_a_claim(
    tmp_path: Path, policy: Policy, key: str, value: object
) -> None:
    records = [{"name": p.name, key: value} for p in PERSONS]
    assert _scan_json(tmp_path, policy, records) == {"protected-person": len(PERSONS)}


@pytest.mark.parametrize("key", ["asylum", "credible_fear", "isAsylee"])
@pytest.mark.parametrize("value", [False, 0])
def test_false_or_zero_in_json_records_is_a_no(
    tmp_path: Path, policy: Policy, key: str, value: object
) -> None:
    records = [{"name": p.name, key: value} for p in PERSONS]
    assert _scan_json(tmp_path, policy, records) == {}


def test_an_a_number_with_a_boolean_claim_is_protected_not_only_personal(
    tmp_path: Path, policy: Policy
) -> None:
    """With an A-number present, a lost flag dropped the file to ``personal-data`` and skipped
    the senior official's sign-off."""
    records = [{"a_number": int(p.a_number[1:]), "credible_fear": True} for p in PERSONS]
    assert _scan_json(tmp_path, policy, records) == {"protected-person": len(PERSONS)}
    records = [{"a_number": int(p.a_number[1:]), "credible_fear": False} for p in PERSONS]
    assert _scan_json(tmp_path, policy, records) == {"personal-data": len(PERSONS)}


@pytest.mark.parametrize(
    "document",
    [
        # pandas ``to_json``: orient="columns" and orient="split".
        {
            "name": {str(n): p.name for n, p in enumerate(PERSONS)},
            "asylum": {str(n): True for n in range(len(PERSONS))},
        },
        {
            "columns": ["name", "asylum"],
            "index": list(range(len(PERSONS))),
            "data": [[p.name, True] for p in PERSONS],
        },
        {
            "columns": ["name", "credible_fear"],
            "index": list(range(len(PERSONS))),
            "data": [[p.name, 1] for p in PERSONS],
        },
    ],
)
def test_pandas_exports_with_boolean_columns(
    tmp_path: Path, policy: Policy, document: dict[str, Any]
) -> None:
    assert _scan_json(tmp_path, policy, document) == {"protected-person": len(PERSONS)}


def test_yaml_booleans(tmp_path: Path, policy: Policy) -> None:
    # (A "no" in YAML is not tested here: the file is read as text too, where its line
    # ``asylum: false`` names the claim beside the name on the next line.)
    path = tmp_path / "cases.yaml"
    records = [{"name": p.name, "asylum": True} for p in PERSONS]
    path.write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")
    assert _classes(path, policy) == {"protected-person": len(PERSONS)}


# Near misses: numbers that count, booleans of settings, a staff list.
CLEAN_DOCUMENTS = [
    [
        {"country": "Honduras", "claim_type": "Asylum", "asylum": 120, "withholding": 30},
        {"country": "Guatemala", "claim_type": "Asylum", "asylum": 1, "withholding": 0},
        {"country": "Mexico", "claim_type": "CAT", "asylum": 0, "withholding": 1},
    ],
    [{"office": "Houston", "asylum": 1, "credible_fear": 0, "active": True}],
    {"asylum": {"enabled": True, "offices": 8}, "credible_fear": {"enabled": False}},
    [
        {"name": "Dana Whitfield", "title": "Asylum Officer", "isActive": True, "remote": False},
        {"name": "Omar Keane", "title": "Supervisory Asylum Officer", "isActive": True},
    ],
    [
        {"judge": "Hon. Ruth Alvarez", "asylum": 12, "grant_rate": 0.31},
        {"judge": "Hon. Peter Lund", "asylum": 7, "grant_rate": 0.18},
        {"judge": "Hon. Mae Ortiz", "asylum": 30, "grant_rate": 0.44},
    ],
]


@pytest.mark.parametrize("document", CLEAN_DOCUMENTS)
def test_counts_settings_and_staff_stay_clean(
    tmp_path: Path, policy: Policy, document: Any
) -> None:
    assert _scan_json(tmp_path, policy, document) == {}


def test_a_statistics_workbook_of_booleans_and_counts_stays_clean(
    tmp_path: Path, policy: Policy
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Country", "Asylum", "Credible fear", "Published"])
    for country, count in (("Honduras", 120), ("Haiti", 80), ("Cuba", 45)):
        sheet.append([country, count, count // 3, True])
    path = tmp_path / "stats.xlsx"
    book.save(path)
    assert _classes(path, policy) == {}
