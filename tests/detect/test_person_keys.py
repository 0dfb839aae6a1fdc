"""Records keyed by the person they are about: a JSON object or a YAML mapping whose key is a
name (``{"Lopez, Maria": {"status": "asylum pending"}}``, ``maria.lopez:``, ``maria_lopez``)
names that person as surely as a ``name`` field would. Keys of fields, of sections and of
statistics stay keys, and a package manifest's author and contributors stay its staff."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from approval.detect.scan import scan_file
from approval.policy import Policy

KEYED = [
    ("surname-given.json", {"Lopez, Maria": {"status": "asylum pending"}}),
    ("given-surname.json", {"Maria Lopez": {"status": "asylum pending"}}),
    ("dotted.json", {"maria.lopez": {"status": "asylum pending", "country": "Honduras"}}),
    ("snake.json", {"maria_lopez": {"claim": "asylum", "country": "Honduras"}}),
    ("kebab.json", {"jose-luis-ramirez": {"cf_result": "positive"}}),
    ("caps.json", {"LOPEZ, MARIA": {"notes": "credible fear positive"}}),
    (
        "values.json",
        {"cases": {"Lopez, Maria": "asylum pending", "Ramirez, Jose": "credible fear positive"}},
    ),
    ("one-value.json", {"cases": {"Lopez, Maria": "asylum pending"}}),
]

YAML_KEYED = [
    ("surname-given.yaml", "Lopez, Maria:\n  status: asylum pending\n"),
    ("given-surname.yaml", "Maria Lopez:\n  status: asylum pending\n"),
    ("dotted.yaml", "maria.lopez:\n  status: asylum pending\n"),
    ("snake.yaml", "maria_lopez:\n  claim: asylum\n  country: Honduras\n"),
    (
        "two.yaml",
        "Lopez, Maria:\n  status: asylum pending\nRamirez, Jose:\n  status: withholding granted\n",
    ),
]

CLEAN = [
    ("sections.json", {"Case Details": {"status": "asylum pending"}}),
    ("stats.json", {"asylum_pending": {"count": 4}, "credible_fear": {"count": 2}}),
    ("status-map.json", {"status": {"asylum": "pending"}, "office": "Service Center"}),
    ("office.json", {"Nebraska Service Center": {"asylum": 120, "withholding": 30}}),
    ("place.json", {"Paris, France": {"asylum": "pending"}}),
    ("a-name-alone.json", {"maria_lopez": {"email": "maria@example.org"}}),
    (
        "package.json",
        {
            "name": "asylum-tracker",
            "description": "Track asylum case statistics",
            "author": "Maria Lopez <maria@example.org>",
            "contributors": ["Jose Ramirez", "Ana Torres"],
            "maintainers": ["Olga Petrova"],
        },
    ),
]


def _scan(tmp_path: Path, policy: Policy, name: str, text: str) -> dict[str, int]:
    path = tmp_path / name
    path.write_text(text)
    return dict(scan_file(path, policy).classes)


@pytest.mark.parametrize(("name", "data"), KEYED, ids=[c[0] for c in KEYED])
def test_a_json_object_keyed_by_a_person_is_protected(
    tmp_path: Path, policy: Policy, name: str, data: object
) -> None:
    assert _scan(tmp_path, policy, name, json.dumps(data)).get("protected-person", 0) >= 1


@pytest.mark.parametrize(("name", "text"), YAML_KEYED, ids=[c[0] for c in YAML_KEYED])
def test_a_yaml_mapping_keyed_by_a_person_is_protected(
    tmp_path: Path, policy: Policy, name: str, text: str
) -> None:
    assert _scan(tmp_path, policy, name, text).get("protected-person", 0) >= 1


@pytest.mark.parametrize(("name", "data"), CLEAN, ids=[c[0] for c in CLEAN])
def test_keys_of_fields_places_and_staff_stay_clean(
    tmp_path: Path, policy: Policy, name: str, data: object
) -> None:
    assert "protected-person" not in _scan(tmp_path, policy, name, json.dumps(data))


def test_the_report_shows_the_key_without_the_name(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({"cases": {"Lopez, Maria": {"status": "asylum pending"}}}))
    report = scan_file(path, policy)
    assert report.verdict == "protected"
    keys = [f.location.get("key", "") for f in report.findings]
    assert keys and all(k == "cases.<name>.status" for k in keys)
