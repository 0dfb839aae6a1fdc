"""JSON and YAML maps keyed by persons' names (``{"asylum": {"Ruby Stephens": "pending"}}``)
and FHIR-style names (``"name": [{"given": [...], "family": ...}]``, ``[{"text": ...}]``): a
reviewer found them read as clean. A map's name keys are values too, read as a table under the
key that holds the map; a lone name object in an array is a part of its record. Title-case
field names, message catalogues, figures per name, JSON Schemas and OpenAPI specs stay clean."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from approval.detect.readers.json import Flattener
from approval.detect.report import FileReport
from approval.detect.scan import scan_file
from approval.detect.units import Limits
from approval.policy import Policy
from tests.corpus.people import LISTED_NAMES

NAMES = list(LISTED_NAMES[:6])


def scan(tmp_path: Path, name: str, text: str, policy: Policy) -> FileReport:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return scan_file(path, policy)


def given_family(name: str) -> dict[str, Any]:
    first, last = name.split()
    return {"use": "official", "given": [first], "family": last}


@pytest.mark.parametrize(
    "document",
    [
        {"asylum": dict.fromkeys(NAMES, "pending")},
        {"credible_fear_positive": {n: ["2024-01-01", "Houston"] for n in NAMES}},
        dict.fromkeys(NAMES, "asylum"),
        {n: ["asylum", "2024-01-01"] for n in NAMES},
        {"report": {"cases": {"withholding_of_removal": dict.fromkeys(NAMES, "granted")}}},
        [{"name": [given_family(n)], "relief": "asylum"} for n in NAMES],
        [{"name": [{"text": n}], "relief": "asylum"} for n in NAMES],
        [{"name": {"text": n}, "claim": "credible fear"} for n in NAMES],
        [{"patient": {"name": [given_family(n)]}, "relief": "asylum"} for n in NAMES],
    ],
    ids=[
        "in-claim-key",
        "lists-in-claim-key",
        "top-level",
        "top-level-lists",
        "nested",
        "fhir-given-family",
        "fhir-text",
        "text-object",
        "fhir-nested",
    ],
)
def test_names_as_keys_and_name_objects_are_persons(
    tmp_path: Path, policy: Policy, document: object
) -> None:
    report = scan(tmp_path, "cases.json", json.dumps(document), policy)

    assert report.verdict == "protected"
    assert report.classes == {"protected-person": len(NAMES)}


def test_names_as_keys_in_yaml(tmp_path: Path, policy: Policy) -> None:
    text = "asylum_cases:\n" + "".join(f"  {n}: pending\n" for n in NAMES)

    report = scan(tmp_path, "cases.yaml", text, policy)

    assert report.classes == {"protected-person": len(NAMES)}


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "messages.json",
            json.dumps(
                {
                    lang: {
                        "Asylum Application": f"{lang} 1",
                        "Full Name": f"{lang} 2",
                        "Credible Fear": f"{lang} 3",
                        "Date Of Birth": f"{lang} 4",
                    }
                    for lang in ("en", "es")
                }
            ),
        ),
        (
            "rates.json",
            json.dumps({"asylum_grant_rate_by_judge": {"Maria Lopez": 0.12, "John Smith": 0.45}}),
        ),
        (
            "staff.yaml",
            "asylum_office_staff:\n  Maria Lopez: Supervisory Asylum Officer\n"
            "  John Smith: Asylum Officer\n  Ana Garcia: Asylum Officer\n",
        ),
        (
            "openapi.yaml",
            "openapi: 3.0.0\ninfo:\n  title: Asylum Case API\n"
            "components:\n  schemas:\n    HumanName:\n      type: object\n"
            "      properties:\n        text: {type: string}\n"
            "        given: {type: array, items: {type: string}}\n"
            "        family: {type: string}\n    Case:\n      type: object\n"
            "      properties:\n        name:\n          type: array\n"
            "          items: {$ref: '#/components/schemas/HumanName'}\n"
            "        relief: {type: string, example: asylum}\n",
        ),
    ],
    ids=["catalogue", "figures-per-judge", "staff", "openapi"],
)
def test_maps_that_name_no_persons_of_record_stay_clean(
    tmp_path: Path, policy: Policy, name: str, text: str
) -> None:
    assert scan(tmp_path, name, text, policy).verdict == "clean"


def items(document: object) -> list[tuple[str, object]]:
    return list(Flattener(Limits()).value(document, "", 0))


def test_a_name_map_is_a_table_under_its_key_beside_its_record() -> None:
    found = items({"asylum": {"Ruby Stephens": "pending", "Megan Jones": ["a", "b"]}})

    assert found[:3] == [
        (
            "",
            {
                "asylum.Ruby Stephens": "pending",
                "asylum.Megan Jones[0]": "a",
                "asylum.Megan Jones[1]": "b",
            },
        ),
        ("asylum", ["Ruby Stephens", "pending"]),
        ("asylum", ["Megan Jones", "a", "b"]),
    ]


@pytest.mark.parametrize(
    "document",
    [
        {"Last Name": "DIAZ", "First Name": "Ana", "Fear Result": "Positive"},
        {"Maria Lopez": 12, "John Smith": 45},  # figures per name
        {"Ruby Stephens": {"claim": "asylum"}, "Megan Jones": {"claim": "asylum"}},  # records
    ],
)
def test_no_table_of_names_for_other_maps(document: dict[str, object]) -> None:
    assert not [item for item in items(document) if isinstance(item[1], list)]


def test_a_lone_name_object_is_part_of_its_record_a_dependent_is_not() -> None:
    record = {
        "name": [{"given": ["Ruby"], "family": "Stephens", "period": {"start": "2020"}}],
        "label": [{"text": "Case 7"}],
        "dependents": [{"name": "Luis Diaz", "a_number": 212345679}],
    }

    first = items(record)[0][1]

    assert isinstance(first, dict)
    assert first["name[0].given[0]"] == "Ruby" and first["name[0].family"] == "Stephens"
    assert first["label[0]"] == "Case 7"  # ``text``: named by the object's key
    assert not any(key.startswith("dependents") for key in first)
