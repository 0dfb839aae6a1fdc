"""JSON and YAML documents whose shape, not their keys' words, holds the persons: identifiers and
names as keys, lists of names under a claim's key, the layouts pandas writes (``to_json``'s
orients) and ordinary configuration and API files that must stay clean. Each builder writes one
file and says what a scan of it must find (``documents.Built``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from tests.corpus.documents import PROTECTED, Built
from tests.corpus.people import people

PERSONS = people(40)[1:9]
PERSONAL = "personal-data"
CFI = ("Positive", "Negative")


def _json(directory: Path, name: str, document: Any) -> Path:
    path = directory / name
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def _columns() -> dict[str, list[str]]:
    return {
        "name": [p.name for p in PERSONS],
        "dob": [p.birthdate.isoformat() for p in PERSONS],
        "nationality": [p.nationality for p in PERSONS],
        "cfi_result": [CFI[n % 2] for n in range(len(PERSONS))],
    }


# Persons: each builder's file must be protected, with every person counted.


def a_number_key(directory: Path) -> Built:
    document = {PERSONS[0].a_number: "credible fear positive"}
    return Built(_json(directory, "a_number_key.json", document), "protected", {PROTECTED: 1})


def a_number_keys_under_claim(directory: Path) -> Built:
    document = {"asylum_cases": {p.a_number: "pending" for p in PERSONS}}
    path = _json(directory, "a_number_keys.json", document)
    return Built(path, "protected", {PROTECTED: len(PERSONS)})


def a_number_keys_beside_fields(directory: Path) -> Built:
    document: dict[str, Any] = {"report": "Credible fear referrals", "generated": "2022-11-28"}
    document |= {p.a_number: {"facility": p.facility} for p in PERSONS}
    path = _json(directory, "a_number_keys_mixed.json", document)
    return Built(path, "protected", {PROTECTED: len(PERSONS)})


def name_keys(directory: Path) -> Built:
    document = {p.name: {"dob": p.birthdate.isoformat(), "claim": "asylum"} for p in PERSONS}
    return Built(_json(directory, "name_keys.json", document), "protected", {PROTECTED: 8})


def name_keys_under_claim(directory: Path) -> Built:
    document = {"asylum_applicants": {p.name: {"dob": p.birthdate.isoformat()} for p in PERSONS}}
    return Built(_json(directory, "name_keys_nested.json", document), "protected", {PROTECTED: 8})


def names_under_claim_key(directory: Path) -> Built:
    document = {"cfi_positive": [p.name for p in PERSONS]}
    return Built(_json(directory, "cfi_positive.json", document), "protected", {PROTECTED: 8})


# A record keeps its lists as its own values too (a person's "relief": ["asylum"]), as it
# always did: a record of several names is then one more person, whose name is all of them.
PHANTOM = 1


def names_beside_claim_field(directory: Path) -> Built:
    document = {"names": [p.name for p in PERSONS], "claim": "asylum"}
    path = _json(directory, "names_claim.json", document)
    return Built(path, "protected", {PROTECTED: 8 + PHANTOM})


def names_in_two_lists(directory: Path) -> Built:
    half = len(PERSONS) // 2
    document = {
        "credible_fear": {
            "positive": [p.name for p in PERSONS[:half]],
            "negative": [p.name for p in PERSONS[half:]],
        }
    }
    return Built(_json(directory, "two_lists.json", document), "protected", {PROTECTED: 8})


def claims_listed_in_a_person(directory: Path) -> Built:
    document = [
        {"name": p.name, "a_number": p.a_number, "relief_sought": ["asylum", "withholding"]}
        for p in PERSONS
    ]
    return Built(_json(directory, "relief_lists.json", document), "protected", {PROTECTED: 8})


def sections_of_one_person(directory: Path) -> Built:
    p = PERSONS[0]
    document = {
        "Personal Info": {"name": p.name, "dob": p.birthdate.isoformat()},
        "Case Details": {"claim": "asylum", "office": "Houston"},
    }
    return Built(_json(directory, "sections.json", document), "protected", {PROTECTED: 1})


def pandas_split(directory: Path) -> Built:
    columns = _columns()
    document = {
        "columns": list(columns),
        "index": list(range(len(PERSONS))),
        "data": [[columns[k][i] for k in columns] for i in range(len(PERSONS))],
    }
    return Built(_json(directory, "orient_split.json", document), "protected", {PROTECTED: 8})


def pandas_columns(directory: Path) -> Built:
    document = {k: {str(i): v for i, v in enumerate(vs)} for k, vs in _columns().items()}
    return Built(_json(directory, "orient_columns.json", document), "protected", {PROTECTED: 8})


def pandas_index(directory: Path) -> Built:
    columns = _columns()
    document = {str(i): {k: columns[k][i] for k in columns} for i in range(len(PERSONS))}
    return Built(_json(directory, "orient_index.json", document), "protected", {PROTECTED: 8})


def pandas_list(directory: Path) -> Built:
    path = _json(directory, "orient_list.json", _columns())
    return Built(path, "protected", {PROTECTED: 8 + PHANTOM})


def yaml_name_keys(directory: Path) -> Built:
    # Under a key: a file that starts with a name and a colon is not taken for YAML (it reads
    # as prose, a letter's "Dear Ana Diaz:"), which is the YAML reader's choice, not this shape's.
    document = {
        "cases": {p.name: {"nationality": p.nationality, "claim": "asylum"} for p in PERSONS}
    }
    path = directory / "name_keys.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return Built(path, "protected", {PROTECTED: 8})


# Files of no person: each must stay clean.


def package_json(directory: Path) -> Built:
    document = {
        "name": "case-dashboard",
        "version": "1.4.2",
        "description": "Dashboards of the office's case workloads",
        "keywords": ["immigration", "case management", "dashboard"],
        "author": "Jane Smith <jane@example.org>",
        "contributors": ["John Roe <john@example.org>", "Ana Lopez <ana@example.org>"],
        "scripts": {"build": "tsc -p .", "test": "jest"},
        "dependencies": {"react": "^18.2.0", "date-fns": "^2.30.0"},
        "files": ["dist", "README.md"],
    }
    return Built(_json(directory, "package.json", document), "clean")


def tsconfig(directory: Path) -> Built:
    document = {
        "compilerOptions": {"target": "ES2020", "strict": True, "lib": ["dom", "es2020"]},
        "include": ["src/**/*.ts"],
        "exclude": ["node_modules"],
    }
    return Built(_json(directory, "tsconfig.json", document), "clean")


def geojson(directory: Path) -> Built:
    facilities = [("Otay Mesa Detention Center", -116.9, 32.6), ("Port Isabel", -97.4, 26.1)]
    document = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [x, y]},
                "properties": {"name": name, "kind": "facility", "beds": 1000 + n},
            }
            for n, (name, x, y) in enumerate(facilities)
        ],
    }
    return Built(_json(directory, "sites.geojson", document), "clean")


def i18n_message_ids(directory: Path) -> Built:
    document = {
        "en": {"app.title": "Asylum Case Tracker", "nav.home": "Home", "form.submit": "Submit"},
        "es": {"app.title": "Seguimiento de asilo", "nav.home": "Inicio", "form.submit": "Enviar"},
    }
    return Built(_json(directory, "messages.json", document), "clean")


def i18n_source_strings(directory: Path) -> Built:
    document = {
        "Save Changes": "Guardar cambios",
        "Apply for Asylum": "Solicitar asilo",
        "Credible Fear Interview": "Entrevista de miedo creíble",
        "Sign Out": "Cerrar sesión",
    }
    return Built(_json(directory, "es.json", document), "clean")


def bare_number_keys(directory: Path) -> Built:
    document = {"invoices": {f"21234567{n}": "asylum program grant, paid" for n in range(6)}}
    return Built(_json(directory, "invoices.json", document), "clean")


def aggregate_frame(directory: Path) -> Built:
    nationalities = ["Honduras", "Guatemala", "Mexico"]
    document = {
        "nationality": {str(i): v for i, v in enumerate(nationalities)},
        "asylum_claims": {str(i): 100 + 7 * i for i in range(len(nationalities))},
    }
    return Built(_json(directory, "claims_by_country.json", document), "clean")


BUILDERS: tuple[Callable[[Path], Built], ...] = (
    a_number_key,
    a_number_keys_under_claim,
    a_number_keys_beside_fields,
    name_keys,
    name_keys_under_claim,
    names_under_claim_key,
    names_beside_claim_field,
    names_in_two_lists,
    claims_listed_in_a_person,
    sections_of_one_person,
    pandas_split,
    pandas_columns,
    pandas_index,
    pandas_list,
    yaml_name_keys,
    package_json,
    tsconfig,
    geojson,
    i18n_message_ids,
    i18n_source_strings,
    bare_number_keys,
    aggregate_frame,
)
