"""Policies and rosters: loading, validation and the model.

Files are read with ``read_document``; ``parse_policy`` / ``parse_roster`` validate a document
(schema, then semantics) and build the model, raising ``ProblemsError`` with every problem.
The same functions validate documents read back from the ledger.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from approval.errors import ProblemsError, UsageError
from approval.policy.model import (
    KNOWN_DETECTORS,
    UNSCANNABLE,
    DataClass,
    Detector,
    Official,
    Policy,
    Requirement,
    Role,
    Roster,
    Rule,
)
from approval.policy.validate import merge, policy_problems, roster_problems, schema_problems
from approval.policy.yamldoc import Document, Problem, YamlError, load_yaml

__all__ = [
    "KNOWN_DETECTORS",
    "UNSCANNABLE",
    "DataClass",
    "Detector",
    "Document",
    "Official",
    "Policy",
    "Problem",
    "Requirement",
    "Role",
    "Roster",
    "Rule",
    "default_policy",
    "default_policy_path",
    "document_kind",
    "load_policy",
    "load_roster",
    "parse_policy",
    "parse_roster",
    "read_document",
]

# Policies and rosters are small; anything larger is not one, and is not parsed.
MAX_DOCUMENT_BYTES = 1024 * 1024


def read_document(path: Path | str) -> Document:
    """Read and safely parse one YAML file; raise ``ProblemsError`` / ``UsageError``."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, not a policy or roster file") from None
    except OSError as e:
        raise UsageError(f"{path}: cannot read: {e.strerror}") from e
    # What is wrong with the content is a problem of this file (``policy check`` goes on to
    # the next); a missing file is a usage error.
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise ProblemsError(
            [
                f"{path}:1:1: {len(raw)} bytes is too large for a policy or roster "
                f"(at most {MAX_DOCUMENT_BYTES} bytes)"
            ]
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        col = e.start - raw.rfind(b"\n", 0, e.start)
        raise ProblemsError([f"{path}:{line}:{col}: not UTF-8 text (byte {e.start})"]) from None
    try:
        return load_yaml(text, str(path))
    except YamlError as e:
        raise ProblemsError([str(e.problem)]) from None


def document_kind(doc: Document) -> str:
    """``roster`` or ``policy``, by the document's top-level keys."""
    if isinstance(doc.data, dict) and "officials" in doc.data:
        return "roster"
    return "policy"


def _require_mapping(doc: Document, kind: str) -> None:
    if not isinstance(doc.data, dict):
        raise ProblemsError([str(doc.problem((), f"a {kind} must be a mapping at the top"))])


def parse_roster(doc: Document, *, cached: bool = False) -> Roster:
    """Validate a roster document and build the model (``cached``: see ``schema_problems``)."""
    _require_mapping(doc, "roster")
    problems = merge(schema_problems(doc, "roster", cached=cached), roster_problems(doc))
    if problems:
        raise ProblemsError(map(str, problems))
    return Roster.from_dict(doc.data)


def parse_policy(doc: Document, roster: Document | None = None, *, cached: bool = False) -> Policy:
    """Validate a policy document (against ``roster`` when given) and build the model
    (``cached``: see ``schema_problems``)."""
    _require_mapping(doc, "policy")
    problems = merge(schema_problems(doc, "policy", cached=cached), policy_problems(doc, roster))
    if problems:
        raise ProblemsError(map(str, problems))
    return Policy.from_dict(doc.data)


def load_policy(path: Path | str, roster: Path | str | None = None) -> Policy:
    """Read, validate and build a policy from a file, cross-checked against a roster file."""
    roster_doc = read_document(roster) if roster is not None else None
    if roster_doc is not None:
        parse_roster(roster_doc, cached=True)
    return parse_policy(read_document(path), roster_doc, cached=True)


def load_roster(path: Path | str) -> Roster:
    """Read, validate and build a roster from a file."""
    return parse_roster(read_document(path), cached=True)


def default_policy_path() -> Path:
    """The default policy shipped with the package (``policies/8cfr208.6.yaml``)."""
    from importlib import resources

    return Path(str(resources.files(__name__).joinpath("default.yaml")))


def default_policy() -> Policy:
    """The default policy, validated. Used by ``scan`` when no ledger or policy is given."""
    return load_policy(default_policy_path())


def document_from_data(data: Any, source: str) -> Document:
    """A document for data that did not come from a file (a ledger entry): no positions."""
    return Document(source, data)
