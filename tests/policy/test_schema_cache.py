"""The schema-valid markers: speed only, never a different answer."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from approval.errors import ProblemsError
from approval.policy import load_policy, read_document, schemacache
from approval.policy.validate import schema_problems
from approval.schemas import load_schema
from tests.policy.conftest import POLICY


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "approval" / "schema-valid"


def _marker(path: Path) -> str:
    name = schemacache.key(load_schema("policy"), read_document(path).data)
    assert name is not None
    return name


def test_a_valid_policy_is_remembered_private_to_the_user(cache: Path) -> None:
    load_policy(POLICY)
    assert (cache / _marker(POLICY)).read_text() == _marker(POLICY)
    assert cache.stat().st_mode & 0o777 == 0o700
    assert cache.parent.stat().st_mode & 0o777 == 0o700


def test_an_invalid_policy_is_never_remembered_and_fails_alike(
    cache: Path, edited: Callable[[Path, str, str], Path]
) -> None:
    bad = edited(POLICY, "valid_days: 30", "valid_days: many")
    for _ in range(2):
        with pytest.raises(ProblemsError) as caught:
            load_policy(bad)
        assert "valid_days" in str(caught.value.problems)
    assert not (cache / _marker(bad)).exists()


def test_a_second_process_skips_jsonschema(cache: Path) -> None:
    code = (
        "import sys; from approval.policy import default_policy; default_policy(); "
        "print('jsonschema' in sys.modules)"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(cache.parent.parent)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    ]
    assert runs == ["True", "False"]


@pytest.mark.parametrize("spoil", ["content", "symlink", "group-writable", "directory"])
def test_a_doubtful_marker_is_not_believed(cache: Path, spoil: str) -> None:
    load_policy(POLICY)
    name = _marker(POLICY)
    marker = cache / name
    if spoil == "content":
        marker.write_text("0" * len(name))
    elif spoil == "symlink":
        target = cache.parent / "elsewhere"
        target.write_text(name)
        marker.unlink()
        marker.symlink_to(target)
    elif spoil == "group-writable":
        cache.chmod(0o770)
    else:
        marker.unlink()
        marker.mkdir()
    assert not schemacache.known_valid(name)
    # And the document is checked by jsonschema again: the same (empty) list of problems.
    assert schema_problems(read_document(POLICY), "policy") == []


@pytest.mark.parametrize(
    ("left", "right"),
    [({"a": True}, {"a": 1}), ({"a": 1.0}, {"a": 1}), ([None], []), ({"1": "x"}, {"1": "y"})],
)
def test_different_documents_never_share_a_marker(left: object, right: object) -> None:
    schema = load_schema("policy")
    made = schemacache.key(schema, left), schemacache.key(schema, right)
    assert None not in made
    assert made[0] != made[1]


@pytest.mark.parametrize("document", [{1: "x"}, {"a": float("nan")}])
def test_a_document_json_cannot_write_one_way_has_no_marker(document: object) -> None:
    # A non-string key would be written as "1" ({1: "x"} and {"1": "x"} alike); NaN has no JSON.
    assert schemacache.key(load_schema("policy"), document) is None


def test_a_forged_marker_never_decides_what_a_ledger_admits(cache: Path, tmp_path: Path) -> None:
    """Anything running as the user can write a marker for a document that breaks the schema.
    A file the user's own command reads may take it (the user could edit that file anyway);
    a policy from ledger data (an adoption replayed, a checkpoint's state) never does."""
    from approval.policy import parse_policy
    from approval.policy.yamldoc import load_yaml

    bad = tmp_path / "bad.yaml"
    bad.write_text(POLICY.read_text() + "no_such_section: true\n")
    doc = read_document(bad)
    name = schemacache.key(load_schema("policy"), doc.data)
    assert name is not None
    assert schema_problems(doc, "policy")  # it does break the schema
    schemacache.remember(name)  # the forgery: a marker saying it does not
    assert schema_problems(doc, "policy", cached=True) == []  # a local file takes it...
    from_ledger = load_yaml(bad.read_text(), "adoption")
    with pytest.raises(ProblemsError):  # ...data from a ledger never does
        parse_policy(from_ledger)
