"""The typed statements and the statement schema, checked against each other, and the round
trip of every valid statement through its class."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from approval.schemas import load_schema
from approval.statements import KINDS, STATEMENT_TYPE, format_time, validate_envelope
from approval.statements import kinds as typed
from approval.statements.kinds import CLASSES, Artifact, PolicyRef, Statement

SCHEMA = load_schema("statement")
DEFS = SCHEMA["$defs"]
COMMON = SCHEMA["properties"]["statement"]
ARMOR = "-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n"
SIGNATURE = {"signer": "a.chen", "key": "ssh-ed25519 AAAA", "signature": ARMOR}


def _branches() -> dict[str, dict[str, Any]]:
    """kind -> the schema's subschema for it (the ``if kind == ... then $ref`` branches)."""
    found = {}
    for branch in COMMON["allOf"]:
        kind = branch["if"]["properties"]["kind"]["const"]
        found[kind] = DEFS[branch["then"]["$ref"].rsplit("/", 1)[1]]
    return found


def test_every_kind_has_one_class_and_one_schema_branch() -> None:
    assert tuple(cls.KIND for cls in CLASSES) == KINDS
    assert tuple(COMMON["properties"]["kind"]["enum"]) == KINDS
    assert set(_branches()) == set(KINDS)


@pytest.mark.parametrize("cls", CLASSES, ids=[cls.KIND for cls in CLASSES])
def test_a_class_has_exactly_the_fields_of_its_schema(cls: type[Statement]) -> None:
    branch = _branches()[cls.KIND]
    in_schema = set(COMMON["properties"]) | set(branch["properties"])
    in_class = {f.name for f in dataclasses.fields(cls)} | {"type", "kind"}
    assert in_class == in_schema
    assert cls.required() == set(COMMON["required"]) | set(branch["required"])
    assert cls.optional() == in_schema - cls.required()


@pytest.mark.parametrize(("cls", "definition"), [(Artifact, "artifact"), (PolicyRef, "policy_ref")])
def test_a_nested_value_has_exactly_the_fields_of_its_schema(cls: type, definition: str) -> None:
    schema = DEFS[definition]
    names = {f.name for f in dataclasses.fields(cls)}
    assert names == set(schema["properties"]) == set(schema["required"])
    assert schema["additionalProperties"] is False


# -- generated statements -------------------------------------------------------------------

_HEX = "0123456789abcdef"
_sha = st.text(_HEX, min_size=64, max_size=64)
_commit = st.text(_HEX, min_size=40, max_size=40)
_official = st.from_regex(r"\A[a-z0-9][a-z0-9._-]{0,20}\Z")
_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=40)
_times = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).map(lambda t: t.replace(microsecond=0))
_artifacts = st.builds(
    Artifact, sha256=_sha, size=st.integers(0, 2**40), name=st.text(min_size=1, max_size=30)
)
_policies = st.builds(PolicyRef, id=_official, version=st.integers(1, 99), adoption=_sha)
_scan = st.fixed_dictionaries(
    {
        "verdict": st.sampled_from(["clean", "protected", "unscannable"]),
        "format": st.sampled_from(["csv", "xlsx"]),
        "classes": st.dictionaries(
            st.sampled_from(["protected-person", "personal-data"]),
            st.fixed_dictionaries({"records": st.integers(0, 10_000)}),
        ),
        "findings": st.just([]),
    }
)
_common = {"created": _times, "seen_head": _commit}
_optional_text = st.none() | _text
_counts = st.none() | st.integers(0, 10_000)
_incident = {"signer": _official, "incident": _sha, "artifact_sha256": _sha}
_INCIDENT_STRATEGIES: dict[str, st.SearchStrategy[Statement]] = {
    "incident-open": st.builds(
        typed.IncidentOpen,
        **_common,
        signer=_official,
        artifact_sha256=_sha,
        size=st.integers(0, 2**40),
        source=st.sampled_from(["ledger", "blocked", "found"]),
        found_time=_times.map(format_time),
        found_at=_optional_text,
        blocked=st.none() | _sha,
        persons=_counts,
    ),
    "incident-scope": st.builds(
        typed.IncidentScope,
        **_common,
        **_incident,
        exports=st.lists(_sha, max_size=3).map(tuple),
        related=st.lists(_sha, max_size=3).map(tuple),
        persons=_counts,
        shared=_counts,
    ),
    "incident-step": st.builds(
        typed.IncidentStep,
        **_common,
        **_incident,
        step=st.sampled_from(["taken-down", "claw-back-sent", "other"]),
        taken_at=_times.map(format_time),
        text=_optional_text,
        count=_counts,
    ),
    "incident-close": st.builds(typed.IncidentClose, **_common, **_incident, summary=_text),
}
STRATEGIES: dict[str, st.SearchStrategy[Statement]] = {
    "adoption": st.builds(
        typed.Adoption,
        created=_times,
        seen_head=st.none() | _commit,
        policy=st.just({"id": "p", "version": 1}),
        roster=st.just({"officials": []}),
        previous=st.none() | _sha,
    ),
    "request": st.builds(
        typed.Request,
        **_common,
        signer=_official,
        artifact=_artifacts,
        policy=_policies,
        purpose=_text,
        destination=_text,
        scan=_scan,
        again=_optional_text,
    ),
    "signoff": st.builds(
        typed.SignOff,
        **_common,
        signer=_official,
        request=_sha,
        artifact_sha256=_sha,
        decision=st.sampled_from(["approve", "reject"]),
        role=_official,
        comment=_optional_text,
        rescanned=st.none() | st.booleans(),
        summary_sha256=st.none() | _sha,
    ),
    "revocation": st.builds(
        typed.Revocation, **_common, signer=_official, target=_sha, reason=_text
    ),
    "export": st.builds(
        typed.Export,
        **_common,
        signer=_official,
        artifact=_artifacts,
        destination=_text,
        request=st.none() | _sha,
        signoffs=st.lists(_sha, max_size=3).map(tuple),
        policy=_policies,
    ),
    "redaction": st.builds(
        typed.Redaction,
        **_common,
        signer=_official,
        source=_artifacts,
        derivative=_artifacts,
        removed=st.lists(st.text(max_size=20), max_size=3).map(tuple),
    ),
    "blocked": st.builds(
        typed.Blocked,
        **_common,
        signer=_official,
        artifact=_artifacts,
        verdict=st.sampled_from(["protected", "unscannable"]),
        site=_text,
        reason=_optional_text,
    ),
    "checkpoint": st.builds(
        typed.Checkpoint,
        **_common,
        signer=_official,
        head=_commit,
        count=st.integers(min_value=1, max_value=10**6),
        format=st.just("approval-state/1"),
        state_sha256=_sha,
        state=st.none() | st.text(min_size=1, max_size=40),
    ),
    **_INCIDENT_STRATEGIES,
}


def test_every_kind_is_generated() -> None:
    assert set(STRATEGIES) == set(KINDS)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(*STRATEGIES.values()))
def test_every_statement_round_trips_and_is_schema_valid(statement: Statement) -> None:
    doc = statement.to_dict()
    validate_envelope({"statement": doc, "signatures": [SIGNATURE]})
    assert type(statement).from_dict(doc) == statement
    assert typed.from_dict(doc) == statement
    assert typed.from_dict(doc).to_dict() == doc


def _request_doc(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "type": STATEMENT_TYPE,
        "kind": "request",
        "created": "2026-11-21T06:00:00Z",
        "seen_head": "a" * 40,
        "signer": "p.lee",
        "artifact": {"sha256": "b" * 64, "size": 10, "name": "stats.xlsx"},
        "policy": {"id": "8cfr208.6", "version": 1, "adoption": "c" * 64},
        "purpose": "statistics",
        "destination": "www",
        "scan": {"verdict": "protected", "format": "xlsx", "classes": {}, "findings": []},
    }
    return {**doc, **changes}


@pytest.mark.parametrize(
    "doc",
    [
        _request_doc(),
        _request_doc(again="the first was made on the wrong file"),
        {
            "type": STATEMENT_TYPE,
            "kind": "signoff",
            "created": "2026-11-21T06:00:00Z",
            "seen_head": "a" * 40,
            "signer": "o.privacy",
            "request": "b" * 64,
            "artifact_sha256": "c" * 64,
            "decision": "approve",
            "role": "privacy-officer",
            "rescanned": False,  # absent and false are different documents: both kept
        },
    ],
)
def test_a_valid_document_comes_back_the_same(doc: dict[str, Any]) -> None:
    validate_envelope({"statement": doc, "signatures": [SIGNATURE]})
    assert typed.from_dict(doc).to_dict() == doc


@pytest.mark.parametrize(
    ("doc", "error"),
    [
        (_request_doc(colour="red"), ValueError),  # a field the kind does not have
        ({k: v for k, v in _request_doc().items() if k != "purpose"}, KeyError),
        (_request_doc(kind="memo"), ValueError),
        (_request_doc(artifact={"sha256": "b" * 64, "size": 1}), ValueError),
    ],
)
def test_what_is_not_a_statement_of_its_kind_is_refused(doc: dict[str, Any], error: type) -> None:
    with pytest.raises(error):
        typed.from_dict(doc)


# -- blocked: a gate's refusal, recorded ------------------------------------------------------


def _blocked_doc(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "type": STATEMENT_TYPE,
        "kind": "blocked",
        "created": "2026-12-07T01:00:00Z",
        "seen_head": "a" * 40,
        "signer": "web.gate",
        "artifact": {"sha256": "b" * 64, "size": 10, "name": "stats.xlsx"},
        "verdict": "protected",
        "site": "www",
    }
    return {**doc, **changes}


def test_a_blocked_statement_comes_back_the_same() -> None:
    for doc in (_blocked_doc(), _blocked_doc(reason="no request", verdict="unscannable")):
        validate_envelope({"statement": doc, "signatures": [SIGNATURE]})
        statement = typed.from_dict(doc)
        assert isinstance(statement, typed.Blocked)
        assert statement.to_dict() == doc


@pytest.mark.parametrize(
    "doc",
    [
        _blocked_doc(verdict="clean"),  # a record of a refusal, nothing else
        _blocked_doc(verdict="approved"),
        _blocked_doc(sample="A1******89"),  # no value from the file rides along
        _blocked_doc(content="Garcia, Maria"),
        _blocked_doc(artifact={"sha256": "b" * 64, "size": 10, "name": "x", "rows": []}),
        _blocked_doc(site=""),
        _blocked_doc(reason="x" * 501),
        {k: v for k, v in _blocked_doc().items() if k != "site"},
    ],
)
def test_a_blocked_statement_holds_nothing_but_its_fields(doc: dict[str, Any]) -> None:
    from approval.errors import IntegrityError

    with pytest.raises(IntegrityError):
        validate_envelope({"statement": doc, "signatures": [SIGNATURE]})
