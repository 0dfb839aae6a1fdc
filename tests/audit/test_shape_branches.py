"""The compiled schema check: the keywords the shipped schemas use, and a kind's branch that
uses one it does not implement costs that kind the slow path (jsonschema), not every kind."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from approval.schemas import load_schema
from approval.trust.shape import compile_schema

_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["kind"],
    "properties": {"kind": {"enum": ["a", "b"]}},
    "allOf": [
        {
            "if": {"properties": {"kind": {"const": "a"}}},
            "then": {
                "properties": {
                    "items": {"type": "array", "minItems": 1, "maxItems": 2},
                    "n": {"type": "integer", "maximum": 9, "exclusiveMinimum": 0},
                    "x": {"exclusiveMaximum": 5},
                }
            },
        },
        {
            "if": {"properties": {"kind": {"const": "b"}}},
            "then": {"patternProperties": {"^z": {"type": "string"}}},
        },
    ],
    "unevaluatedProperties": False,
}


@pytest.mark.parametrize(
    "doc",
    [
        {"kind": "a", "items": [1]},
        {"kind": "a", "items": [1, 2, 3]},
        {"kind": "a", "items": []},
        {"kind": "a", "n": 9},
        {"kind": "a", "n": 10},
        {"kind": "a", "n": 0},
        {"kind": "a", "x": 4.5},
        {"kind": "a", "x": 5},
        {"kind": "a", "x": "five"},
        {"kind": "a", "n": True},
        {"kind": "a", "other": 1},
    ],
)
def test_bounds_agree_with_jsonschema(doc: dict[str, Any]) -> None:
    check = compile_schema(_SCHEMA)
    assert (check(doc) is not None) == jsonschema.Draft202012Validator(_SCHEMA).is_valid(doc)


def test_a_branch_it_cannot_compile_is_left_to_jsonschema() -> None:
    check = compile_schema(_SCHEMA)
    assert check({"kind": "a", "n": 1}) is not None  # the other kind stays fast
    # Valid for jsonschema, unsure here: the caller asks jsonschema (shape.check_entry).
    doc = {"kind": "b", "z1": "text"}
    assert jsonschema.Draft202012Validator(_SCHEMA).is_valid(doc)
    assert check(doc) is None


@pytest.mark.parametrize("name", ["statement", "blocked"])
def test_every_kind_of_the_shipped_schemas_compiles(name: str) -> None:
    """A schema edit that brings a keyword the checker lacks fails here, not as a replay
    five times slower: every branch is compiled, none left to jsonschema."""
    from approval.trust import shape

    compiler = shape._Compiler(load_schema(name))
    compiler.branch = compiler.function_of  # type: ignore[method-assign]
    compiler.function_of(load_schema(name), annotate=False)
