"""The fast shape checks agree with the authorities: the compiled schema checker with
jsonschema, the fast canonical form with ``rfc8785``."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from approval.errors import IntegrityError
from approval.schemas import load_schema, validator
from approval.trust.shape import (
    Unsupported,
    canonical,
    check_entry,
    compile_schema,
    parse,
    statement_check,
)
from tests.audit.conftest import Story, entries


@pytest.fixture(scope="module")
def documents(story: Story) -> list[dict[str, Any]]:
    """Every entry of the story's ledger: every kind of statement, one to three signatures."""
    found = [json.loads(entry.raw) for entry in entries(story.world.ledger)]
    assert {doc["statement"]["kind"] for doc in found} == {
        "adoption", "request", "signoff", "revocation", "export", "redaction",
    }  # fmt: skip
    return found


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


def mutations(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Documents one change away from ``doc``: a key removed or added, a value of another type
    or out of its range."""
    replacements: list[Any] = [None, True, 0, -1, 2**60, "", "x", "A" * 3000, [], {}, ["x"]]
    for path in _paths(doc):
        if path[1:2] in (("policy",), ("roster",)) and len(path) > 3:
            continue  # inside an adopted document: the policy and roster schemas check it
        if path:
            removed = copy.deepcopy(doc)
            parent = _get(removed, path[:-1])
            del parent[path[-1]]
            yield removed
            for replacement in replacements:
                changed = copy.deepcopy(doc)
                _get(changed, path[:-1])[path[-1]] = replacement
                yield changed
        if isinstance(_get(doc, path), dict):
            added = copy.deepcopy(doc)
            _get(added, path)["unexpected"] = "value"
            yield added


def _jsonschema_valid(doc: Any) -> bool:
    return bool(validator("statement").is_valid(doc))


def test_the_statement_schema_compiles() -> None:
    assert statement_check() is not None


def test_the_fast_check_agrees_with_jsonschema(documents: list[dict[str, Any]]) -> None:
    check = statement_check()
    assert check is not None
    compared = invalid = 0
    for doc in documents:
        assert check(doc) is not None
        for mutated in mutations(doc):
            fast = check(mutated) is not None
            assert fast == _jsonschema_valid(mutated), json.dumps(mutated)[:300]
            compared += 1
            invalid += not fast
    assert compared > 2000 and invalid > 1000  # the mutations did reach the rules


def test_an_integer_written_as_a_float_is_left_to_jsonschema(
    documents: list[dict[str, Any]],
) -> None:
    """JSON Schema's "integer" takes 1.0; the fast check is unsure and says no, and the entry
    is then judged by jsonschema (and refused by the canonical form, which writes 1)."""
    request = next(d for d in documents if d["statement"]["kind"] == "request")
    doc = copy.deepcopy(request)
    doc["statement"]["artifact"]["size"] = float(doc["statement"]["artifact"]["size"])
    check = statement_check()
    assert check is not None and check(doc) is None
    assert _jsonschema_valid(doc)
    check_entry(doc)  # no error: jsonschema has the last word


def test_check_entry_names_what_is_wrong(documents: list[dict[str, Any]]) -> None:
    doc = copy.deepcopy(documents[1])
    doc["statement"]["seen_head"] = "not a commit"
    with pytest.raises(IntegrityError, match="statement/seen_head"):
        check_entry(doc)


@pytest.mark.parametrize(
    "schema",
    [
        {"patternProperties": {"^a": {"type": "string"}}},
        {"type": "object", "unevaluatedProperties": {"type": "string"}},
        {"$ref": "https://example.com/other.json"},
        {"enum": [{"a": 1}]},
        {"type": "decimal"},
    ],
)
def test_a_keyword_it_does_not_implement_is_refused(schema: dict[str, Any]) -> None:
    with pytest.raises(Unsupported):
        compile_schema(schema)


def test_the_compiled_checker_tracks_unevaluated_properties() -> None:
    schema = {
        "type": "object",
        "properties": {"kind": {"enum": ["a", "b"]}},
        "allOf": [
            {"if": {"properties": {"kind": {"const": "a"}}}, "then": {"properties": {"x": {}}}},
            {"if": {"properties": {"kind": {"const": "b"}}}, "then": {"properties": {"y": {}}}},
        ],
        "unevaluatedProperties": False,
    }
    check = compile_schema(schema)
    assert check({"kind": "a", "x": 1}) is not None
    assert check({"kind": "a", "y": 1}) is None
    assert check({"kind": "b", "y": 1}) is not None
    assert check({"kind": "c"}) is None


# Values that break one rule or another: wrong types, empty, too long, a final newline (which
# JSON Schema's "$" lets through), text from outside ASCII.
_ODD = st.sampled_from(
    [None, True, 0, -1, 1.0, 2**60, "", "x", "A" * 3000, [], {}, ["x"], "\u00e9", "a.b\n"]
)


def _maybe(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly ``valid``, one time in twenty something odd."""
    # Not n == 0: hypothesis favours the ends of a range.
    return st.integers(0, 19).flatmap(lambda n: _ODD if n == 7 else valid)


_HEX = "0123456789abcdef"
_TIME = r"20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z"
_SHA256 = st.text(_HEX, min_size=64, max_size=64)
_OFFICIAL = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,12}", fullmatch=True)
_TEXT = st.text(min_size=1, max_size=40)
_ARTIFACT = st.fixed_dictionaries(
    {"sha256": _maybe(_SHA256), "size": _maybe(st.integers(0, 10**9)), "name": _maybe(_TEXT)}
)
_POLICY_REF = st.fixed_dictionaries(
    {"id": _maybe(_TEXT), "version": _maybe(st.integers(1, 9)), "adoption": _maybe(_SHA256)}
)
_LOCATION = st.dictionaries(
    st.sampled_from(["sheet", "part", "column", "header", "key", "row", "line", "hidden", "x"]),
    st.one_of(st.text(max_size=5), st.integers(-3, 3), st.booleans()),
    max_size=4,
)
_FINDING = st.fixed_dictionaries(
    {"class": _maybe(_TEXT), "detector": _maybe(_TEXT), "location": _maybe(_LOCATION),
     "count": _maybe(st.integers(0, 99))}
)  # fmt: skip
_SCAN = st.fixed_dictionaries(
    {
        "verdict": _maybe(st.sampled_from(["clean", "protected", "unscannable"])),
        "format": _maybe(_TEXT),
        "classes": _maybe(
            st.dictionaries(_TEXT, _maybe(st.fixed_dictionaries({"records": st.integers(0, 9)})))
        ),
        "findings": _maybe(st.lists(_FINDING, max_size=3)),
    },
    optional={"reason": _maybe(_TEXT)},
)
_BODIES: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "adoption": {"policy": st.just({"id": "p"}), "roster": st.just({}),
                 "previous": st.one_of(st.none(), _SHA256)},
    "request": {"signer": _OFFICIAL, "artifact": _ARTIFACT, "policy": _POLICY_REF,
                "purpose": _TEXT, "destination": _TEXT, "scan": _SCAN},
    "signoff": {"signer": _OFFICIAL, "request": _SHA256, "artifact_sha256": _SHA256,
                "decision": st.sampled_from(["approve", "reject"]), "role": _OFFICIAL,
                "comment": _TEXT},
    "revocation": {"signer": _OFFICIAL, "target": _SHA256, "reason": _TEXT},
    "export": {"signer": _OFFICIAL, "artifact": _ARTIFACT, "destination": _TEXT,
               "request": st.one_of(st.none(), _SHA256), "signoffs": st.lists(_SHA256, max_size=2),
               "policy": _POLICY_REF},
    "redaction": {"signer": _OFFICIAL, "source": _ARTIFACT, "derivative": _ARTIFACT,
                  "removed": st.lists(st.text(max_size=9), max_size=2)},
}  # fmt: skip


@st.composite
def statements(draw: st.DrawFn) -> dict[str, Any]:
    """A ledger entry of any kind, each field most often right and sometimes wrong, a field
    of another kind or an unknown one now and then, a required one left out."""
    kind = draw(st.sampled_from(sorted(_BODIES)))
    fields = dict(_BODIES[kind])
    if draw(st.integers(0, 5)) == 3:  # a field that belongs to another kind
        other = draw(st.sampled_from(sorted(_BODIES)))
        name = draw(st.sampled_from(sorted(_BODIES[other])))
        fields.setdefault(name, _BODIES[other][name])
    statement = {name: draw(_maybe(value)) for name, value in fields.items()}
    statement.update(
        type=draw(_maybe(st.just("https://approval.invalid/statement/v1"))),
        kind=draw(_maybe(st.just(kind))),
        created=draw(_maybe(st.from_regex(_TIME, fullmatch=True))),
        seen_head=draw(_maybe(st.one_of(st.none(), st.text(_HEX, min_size=40, max_size=40)))),
    )
    if draw(st.integers(0, 5)) == 3:
        del statement[draw(st.sampled_from(sorted(statement)))]
    if draw(st.integers(0, 7)) == 3:
        statement["unexpected"] = "value"
    signature = {
        "signer": draw(_maybe(_OFFICIAL)),
        "key": draw(_maybe(st.just("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH"))),
        "signature": draw(
            _maybe(
                st.just("-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n")
            )
        ),
    }
    return {"statement": statement, "signatures": draw(_maybe(st.just([signature])))}


@settings(max_examples=1000, deadline=None)
@given(statements())
def test_generated_statements_are_judged_as_jsonschema_judges_them(doc: dict[str, Any]) -> None:
    """The compiled checker is the fast path, jsonschema the authority: what the checker passes
    jsonschema passes, and ``check_entry`` (the checker, then jsonschema when unsure) refuses
    exactly what jsonschema refuses."""
    check = statement_check()
    assert check is not None
    valid = _jsonschema_valid(doc)
    if check(doc) is not None:
        assert valid
    try:
        check_entry(doc)
    except IntegrityError:
        assert not valid
    else:
        assert valid


@pytest.mark.parametrize(
    ("change", "valid"),
    [
        ({}, True),
        ({"kind": "signoff"}, False),  # the other kind's required fields are missing
        ({"kind": None}, False),
        ({"kind": ["request"]}, False),
        ({"kind": "unknown"}, False),
        ({"kind": "request", "role": "privacy-officer"}, False),  # evaluated by no branch
        ({"unexpected": 1}, False),
        ({"signer": "Not An Id"}, False),
    ],
)
def test_the_branch_for_each_kind_is_found_by_its_kind(
    documents: list[dict[str, Any]], change: dict[str, Any], valid: bool
) -> None:
    request = copy.deepcopy(next(d for d in documents if d["statement"]["kind"] == "request"))
    request["statement"].update(change)
    check = statement_check()
    assert check is not None
    assert (check(request) is not None) == valid == _jsonschema_valid(request)


def test_a_statement_without_a_kind_is_left_to_jsonschema(documents: list[dict[str, Any]]) -> None:
    """Without ``kind`` every ``if`` of the schema holds and every branch applies: the checker
    does not try, and jsonschema refuses it (``kind`` is required)."""
    request = copy.deepcopy(next(d for d in documents if d["statement"]["kind"] == "request"))
    del request["statement"]["kind"]
    check = statement_check()
    assert check is not None and check(request) is None
    assert not _jsonschema_valid(request)


def test_a_pattern_ending_in_dollar_is_checked_narrower_never_wider() -> None:
    """``$`` lets a final newline through; the checker refuses it and jsonschema decides."""
    check = compile_schema({"type": "string", "pattern": "^[a-z]+$"})
    assert check("abc") is not None
    assert check("abc\n") is None
    assert check("ab1") is None
    loose = compile_schema({"type": "string", "pattern": "[a-z]$"})
    assert loose("1a") is not None and loose("a\n") is not None


# -- canonical form ---------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)


def _rfc8785(value: Any) -> bytes | None:
    try:
        data: bytes = rfc8785.dumps(value)
    except rfc8785.CanonicalizationError:
        return None
    return data


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_the_fast_canonical_form_is_rfc8785(value: Any) -> None:
    expected = _rfc8785(value)
    if expected is None:  # e.g. an integer beyond 2**53: not canonical JSON at all
        return
    assert canonical(value) == expected
    parsed = parse(expected)
    try:
        again = parsed.canonical(parsed.doc)
    except IntegrityError:  # 2.0**53 reads back as an integer RFC 8785 cannot write
        assert _rfc8785(parsed.doc) is None
    else:
        assert again == expected


@pytest.mark.parametrize(
    "text",
    [
        '{"b":1,"a":2}',  # keys out of order
        '{"a":1.0}',  # a float RFC 8785 writes as 1
        '{"a":1e+16}',
        '{"a":"\\u00e9"}',  # an escape RFC 8785 does not make
        '{"\ue000":1,"\U0001f600":2}',  # code point order, not UTF-16 order
        '{"a": 1}',
        '{"a":9007199254740993}',  # beyond 2**53
    ],
)
def test_a_document_not_in_canonical_form_is_told_apart(text: str) -> None:
    raw = text.encode()
    parsed = parse(raw)
    try:
        produced = parsed.canonical(parsed.doc)
    except IntegrityError:
        assert _rfc8785(parsed.doc) is None  # no canonical form at all: refused as such
        return
    assert produced != raw
    assert produced == rfc8785.dumps(parsed.doc)


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ('{"a":9007199254740991}', True),  # 2**53 - 1: the largest the C encoder may write
        ('{"a":-9007199254740991}', True),
        ('{"a":9007199254740992}', False),
        ('{"a":[1,-90071992547409930]}', False),
        ('{"a":"9007199254740993"}', True),  # digits in a string: only looked at closer
        ('{"a":"9007199254740993","b":12345678901234567890}', False),
        ('{"a":123456789012345}', True),  # 15 digits: never beyond 2**53
        ('{"a":1.5}', False),
        ('{"a":NaN}', False),
    ],
)
def test_a_parse_tells_which_numbers_rfc8785_writes_otherwise(text: str, plain: bool) -> None:
    assert parse(text.encode()).plain is plain


def test_the_ledger_entries_are_canonical(story: Story) -> None:
    for entry in entries(story.world.ledger):
        parsed = parse(entry.raw)
        assert parsed.canonical(parsed.doc) + b"\n" == entry.raw


def test_not_json(tmp_path: Path) -> None:
    with pytest.raises(IntegrityError, match="not JSON"):
        parse(b"{\xff}")
    with pytest.raises(IntegrityError, match="not JSON"):
        parse(b'{"a":')
    assert load_schema("statement")["type"] == "object"


def test_a_file_nested_past_the_stack_is_not_json() -> None:
    """Deep nesting raises RecursionError in the decoder: it must be an integrity failure of
    that entry (exit 3), never an internal error."""
    from approval.trust.shape import parse

    deep = b'{"signatures":' + b"[" * 100_000 + b"]" * 100_000 + b',"statement":{}}\n'
    with pytest.raises(IntegrityError, match="nested too deeply"):
        parse(deep)
