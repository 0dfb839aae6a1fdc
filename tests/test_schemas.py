from __future__ import annotations

import jsonschema
import pytest

from approval.schemas import load_schema, schema_names


def test_every_document_kind_has_a_schema() -> None:
    # blocked: the proposed statement of approval serve (approval/serve/record.py).
    assert schema_names() == ["blocked", "policy", "roster", "statement"]


@pytest.mark.parametrize("name", ["blocked", "policy", "roster", "statement"])
def test_schemas_are_valid_2020_12(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(load_schema(name))
