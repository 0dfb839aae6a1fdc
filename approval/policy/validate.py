"""Schema and semantic checks for policies and rosters, each problem at ``file:line:col``.

The schema checks shape; the checks here are what a schema cannot say: ids are unique, every
role and class a rule names exists, the roster can actually meet every threshold with distinct
officials, keys are real OpenSSH public keys, validity windows are ordered.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from approval.policy.model import UNSCANNABLE, parse_time
from approval.policy.yamldoc import Document, Path, Problem
from approval.schemas import validator


def schema_problems(doc: Document, schema: str) -> list[Problem]:
    """Every way ``doc`` breaks the named JSON Schema, most specific first."""
    import jsonschema

    problems = []
    errors = validator(schema).iter_errors(doc.data)
    for error in sorted(errors, key=lambda e: (list(map(str, e.absolute_path)), e.message)):
        # In a oneOf/anyOf the deepest sub-error says what was really wrong.
        best = jsonschema.exceptions.best_match([error])
        path: Path = tuple(best.absolute_path)
        problems.append(doc.problem(path, _schema_message(best)))
    return problems


def _schema_message(error: Any) -> str:
    if error.validator == "additionalProperties":
        return f"{error.message} (allowed: {', '.join(sorted(error.schema['properties']))})"
    if error.validator == "pattern" and error.schema.get("pattern", "").startswith("^[0-9]{4}"):
        return f"{error.instance!r} is not a date (expected YYYY-MM-DD)"
    if error.validator == "pattern" and error.schema.get("pattern", "").startswith("^(ssh-"):
        return "not an OpenSSH public key line (expected 'ssh-ed25519 AAAA... comment')"
    if error.validator == "pattern":
        return f"{error.instance!r} is not a valid id (lower-case letters, digits, '.', '_', '-')"
    return str(error.message)


def _duplicates(doc: Document, path: Path, items: list[Any], what: str) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict) or "id" not in item:
            continue
        if item["id"] in seen:
            first_line = doc.where((*path, seen[item["id"]]))[0]
            yield doc.problem(
                (*path, index, "id"),
                f"duplicate {what} id {item['id']!r} (first at line {first_line})",
            )
        else:
            seen[item["id"]] = index


def policy_problems(doc: Document, roster: Document | None = None) -> list[Problem]:
    """Semantic problems of a policy that passed its schema, optionally against a roster."""
    data = doc.data
    problems: list[Problem] = []
    for key, what in (
        ("roles", "role"),
        ("detectors", "detector"),
        ("classes", "class"),
        ("rules", "rule"),
    ):
        problems += _duplicates(doc, (key,), data[key], what)

    detectors = {d["id"] for d in data["detectors"]}
    classes = {c["id"] for c in data["classes"]}
    roles = {r["id"] for r in data["roles"]}
    if roster is not None:
        roles |= {r for o in roster.data["officials"] for r in o["roles"]}

    for ci, cls in enumerate(data["classes"]):
        for ai, alternative in enumerate(cls["identified_by"]):
            for di, detector in enumerate(alternative):
                if detector not in detectors:
                    problems.append(
                        doc.problem(
                            ("classes", ci, "identified_by", ai, di),
                            f"{detector!r} is not a detector defined in the policy",
                        )
                    )
        for di, detector in enumerate(cls.get("context", ())):
            if detector not in detectors:
                problems.append(
                    doc.problem(
                        ("classes", ci, "context", di),
                        f"{detector!r} is not a detector defined in the policy",
                    )
                )

    covered: set[str] = set()
    for ri, rule in enumerate(data["rules"]):
        for ai, class_id in enumerate(rule["applies_to"]):
            if class_id not in classes and class_id != UNSCANNABLE:
                problems.append(
                    doc.problem(
                        ("rules", ri, "applies_to", ai),
                        f"{class_id!r} is not a data class defined in the policy",
                    )
                )
            covered.add(class_id)
        for qi, requirement in enumerate(rule["require"]):
            if requirement["role"] not in roles:
                problems.append(
                    doc.problem(
                        ("rules", ri, "require", qi, "role"),
                        f"{requirement['role']!r} is not a role defined in the roster or policy",
                    )
                )

    unscannable = data.get("unscannable")
    if unscannable and unscannable["treat_as"] not in classes:
        problems.append(
            doc.problem(
                ("unscannable", "treat_as"),
                f"{unscannable['treat_as']!r} is not a data class defined in the policy",
            )
        )
    for ci, cls in enumerate(data["classes"]):
        if cls["id"] not in covered:
            problems.append(
                doc.problem(
                    ("classes", ci, "id"),
                    f"no rule applies to data class {cls['id']!r}: files holding it would "
                    "leave without any sign-off",
                )
            )

    if roster is not None:
        problems += _roster_meets_policy(doc, roster)
    return problems


def _roster_meets_policy(policy: Document, roster: Document) -> Iterator[Problem]:
    """Every role the roster hands out exists, and every rule can be met by the roster."""
    policy_roles = {r["id"] for r in policy.data["roles"]}
    officials = roster.data["officials"]
    for oi, official in enumerate(officials):
        for ri, role in enumerate(official["roles"]):
            if role not in policy_roles:
                yield roster.problem(
                    ("officials", oi, "roles", ri),
                    f"{role!r} is not a role defined in the policy {policy.file}",
                )
    for ri, rule in enumerate(policy.data["rules"]):
        slots = [q["role"] for q in rule["require"] for _ in range(q.get("count", 1))]
        holders = {role: [o["id"] for o in officials if role in o["roles"]] for role in set(slots)}
        for qi, requirement in enumerate(rule["require"]):
            # An undefined role is reported once, by policy_problems.
            if not holders[requirement["role"]] and requirement["role"] in policy_roles:
                yield policy.problem(
                    ("rules", ri, "require", qi, "role"),
                    f"no official in {roster.file} holds the role {requirement['role']!r}",
                )
        if not rule.get("distinct_signers", True):
            continue
        filled = _max_matching(slots, holders)
        if filled < len(slots) and all(holders.values()):
            yield policy.problem(
                ("rules", ri, "require"),
                f"needs {len(slots)} distinct officials ({', '.join(slots)}) but the roster "
                f"{roster.file} can fill only {filled}: "
                + "; ".join(f"{role}: {', '.join(ids)}" for role, ids in sorted(holders.items())),
            )


def _max_matching(slots: list[str], holders: dict[str, list[str]]) -> int:
    """How many slots distinct officials can fill (Kuhn's augmenting paths; rosters are small)."""
    assigned: dict[str, int] = {}  # official id -> slot index

    def place(slot: int, visited: set[str]) -> bool:
        for official in holders[slots[slot]]:
            if official in visited:
                continue
            visited.add(official)
            if official not in assigned or place(assigned[official], visited):
                assigned[official] = slot
                return True
        return False

    return sum(place(slot, set()) for slot in range(len(slots)))


def roster_problems(doc: Document) -> list[Problem]:
    """Semantic problems of a roster that passed its schema."""
    from cryptography.hazmat.primitives.serialization import load_ssh_public_key

    from approval.policy.model import key_identity

    data = doc.data
    problems = list(_duplicates(doc, ("officials",), data["officials"], "official"))
    owners: dict[str, str] = {}
    for oi, official in enumerate(data["officials"]):
        for ki, key in enumerate(official["keys"]):
            path = ("officials", oi, "keys", ki)
            try:
                load_ssh_public_key(key.encode("ascii"))
            except (ValueError, UnicodeEncodeError) as e:
                problems.append(doc.problem(path, f"not a valid OpenSSH public key ({e})"))
                continue
            identity = key_identity(key)
            if identity in owners and owners[identity] != official["id"]:
                problems.append(doc.problem(path, f"this key also belongs to {owners[identity]!r}"))
            owners.setdefault(identity, official["id"])
        if "valid_from" in official and "valid_until" in official:
            start = parse_time(official["valid_from"])
            end = parse_time(official["valid_until"], end_of_day=True)
            if start >= end:
                problems.append(
                    doc.problem(
                        ("officials", oi, "valid_until"),
                        f"valid_until {official['valid_until']} is not after "
                        f"valid_from {official['valid_from']}",
                    )
                )
    admins = [o["id"] for o in data["officials"] if "admin" in o["roles"]]
    threshold = data["admins"]["threshold"]
    if threshold > len(admins):
        problems.append(
            doc.problem(
                ("admins", "threshold"),
                f"{threshold} admin signatures needed but only {len(admins)} official"
                f"{'s hold' if len(admins) != 1 else ' holds'} the role 'admin'",
            )
        )
    return problems
