"""Schema and semantic checks for policies and rosters, each problem at ``file:line:col``.

The schema checks shape; the checks here are what a schema cannot say: ids are unique, every
role and class a rule names exists, the roster can actually meet every threshold with distinct
officials, keys are real OpenSSH public keys, dates are real and validity windows ordered.

The semantic checks run even when the schema fails, so that one run lists every problem: each
looks only at the parts of the document that have the shape it needs (a rule that is not a
mapping, a role that is not a string, a date that does not parse are skipped: the schema, or
another check, reports them), and never assumes a key is present.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any

from approval.policy.model import UNSCANNABLE, parse_time
from approval.policy.yamldoc import Document, Path, Problem
from approval.words import plural

# The role of a gate's own key (``approval serve``): it signs ``blocked`` statements only
# (the trust rule is ``approval.trust.state``'s; these checks say so early, at file:line).
SERVICE = "service"
# A problem is one line; a schema message that quotes a huge value is cut to this.
MAX_MESSAGE = 300


def schema_problems(doc: Document, schema: str, *, cached: bool = False) -> list[Problem]:
    """Every way ``doc`` breaks the named JSON Schema, most specific first.

    ``cached``: a document found valid before (same data, same schema) needs no jsonschema
    (``schemacache``). Only for a file the user's own commands read (a scan's policy file):
    the marker is in the user's cache, which anything running as the user can write, so it
    never decides what a ledger admits (adoptions, checkpoints' states: DESIGN, caches are
    speed only)."""
    from approval.policy import schemacache
    from approval.schemas import load_schema

    marker = schemacache.key(load_schema(schema), doc.data) if cached else None
    if marker is not None and schemacache.known_valid(marker):
        return []

    import jsonschema

    from approval.schemas import validator

    problems = []
    errors = validator(schema).iter_errors(doc.data)
    for error in sorted(errors, key=lambda e: (list(map(str, e.absolute_path)), e.message)):
        # In a oneOf/anyOf the deepest sub-error says what was really wrong.
        best = jsonschema.exceptions.best_match([error])
        path: Path = tuple(best.absolute_path)
        problems.append(doc.problem(path, _shorten(_schema_message(best))))
    if not problems and marker is not None:
        schemacache.remember(marker)
    return problems


def merge(schema: list[Problem], semantic: list[Problem]) -> list[Problem]:
    """The schema's problems, then the semantic ones that do not repeat a problem already
    reported at the same place (a key that is not an OpenSSH line is one problem, not two)."""
    taken = {problem.path for problem in schema if problem.path}
    return schema + [problem for problem in semantic if problem.path not in taken]


def _shorten(message: str) -> str:
    if len(message) <= MAX_MESSAGE:
        return message
    return message[: MAX_MESSAGE - 20] + " ... " + message[-15:]


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


# -- the well-formed parts of a document that may have failed its schema ---------------------


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _entries(data: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    """(index, item) for each item of the list ``data[key]`` that is a mapping."""
    value = data.get(key) if isinstance(data, dict) else None
    return [(index, item) for index, item in enumerate(_list(value)) if isinstance(item, dict)]


def _strings(value: Any) -> list[tuple[int, str]]:
    """(index, item) for each item of the list ``value`` that is a string."""
    return [(index, item) for index, item in enumerate(_list(value)) if isinstance(item, str)]


def _text(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) else None


def _count(value: Any) -> int | None:
    """A positive integer (``True`` is not one, though Python says it is an int)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    return None


def _known(data: Any, key: str) -> set[str] | None:
    """The ids defined in the list ``data[key]``, or ``None`` when that list is missing or not
    a list: references to it cannot be checked then (the schema says what is wrong)."""
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        return None
    return {item_id for _, item in _entries(data, key) if (item_id := _text(item, "id"))}


def _duplicates(doc: Document, path: Path, items: Any, what: str) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for index, item in enumerate(_list(items)):
        item_id = _text(item, "id") if isinstance(item, dict) else None
        if item_id is None:
            continue
        if item_id in seen:
            first_line = doc.where((*path, seen[item_id]))[0]
            yield doc.problem(
                (*path, index, "id"),
                f"duplicate {what} id {item_id!r} (first at line {first_line})",
            )
        else:
            seen[item_id] = index


# -- policies -------------------------------------------------------------------------------


def policy_problems(doc: Document, roster: Document | None = None) -> list[Problem]:
    """Semantic problems of a policy, optionally against a roster that passed its checks."""
    data = doc.data
    if not isinstance(data, dict):
        return []
    problems: list[Problem] = []
    for key, what in (
        ("roles", "role"),
        ("detectors", "detector"),
        ("classes", "class"),
        ("rules", "rule"),
    ):
        problems += _duplicates(doc, (key,), data.get(key), what)

    detectors = _known(data, "detectors")
    classes = _known(data, "classes")
    roles = _known(data, "roles")
    if roles is not None and roster is not None:
        roles |= {
            r for _, o in _entries(roster.data, "officials") for _, r in _strings(o.get("roles"))
        }

    for ci, cls in _entries(data, "classes"):
        if detectors is None:
            break
        for ai, alternative in enumerate(_list(cls.get("identified_by"))):
            for di, detector in _strings(alternative):
                if detector not in detectors:
                    problems.append(
                        doc.problem(
                            ("classes", ci, "identified_by", ai, di),
                            f"{detector!r} is not a detector defined in the policy",
                        )
                    )
        for di, detector in _strings(cls.get("context")):
            if detector not in detectors:
                problems.append(
                    doc.problem(
                        ("classes", ci, "context", di),
                        f"{detector!r} is not a detector defined in the policy",
                    )
                )

    covered: set[str] = set()
    for ri, rule in _entries(data, "rules"):
        for ai, class_id in _strings(rule.get("applies_to")):
            if classes is not None and class_id not in classes and class_id != UNSCANNABLE:
                problems.append(
                    doc.problem(
                        ("rules", ri, "applies_to", ai),
                        f"{class_id!r} is not a data class defined in the policy",
                    )
                )
            covered.add(class_id)
        for qi, requirement in _entries(rule, "require"):
            role = _text(requirement, "role")
            if role == SERVICE:
                problems.append(
                    doc.problem(
                        ("rules", ri, "require", qi, "role"),
                        f"the role {SERVICE!r} is a gate's own key, which records refusals and "
                        "approves nothing: no rule may require it",
                    )
                )
            elif roles is not None and role is not None and role not in roles:
                problems.append(
                    doc.problem(
                        ("rules", ri, "require", qi, "role"),
                        f"{role!r} is not a role defined in the roster or policy",
                    )
                )

    checkpoints = data.get("checkpoints")
    witness = _text(checkpoints, "role") if isinstance(checkpoints, dict) else None
    if witness == SERVICE:
        problems.append(
            doc.problem(
                ("checkpoints", "role"),
                f"the role {SERVICE!r} is a gate's own key, which signs nothing but refusals: "
                "it may not vouch for the ledger's state",
            )
        )
    elif roles is not None and witness is not None and witness not in roles:
        problems.append(
            doc.problem(
                ("checkpoints", "role"),
                f"{witness!r} is not a role defined in the roster or policy",
            )
        )

    unscannable = data.get("unscannable")
    treat_as = _text(unscannable, "treat_as") if isinstance(unscannable, dict) else None
    if classes is not None and treat_as is not None and treat_as not in classes:
        problems.append(
            doc.problem(
                ("unscannable", "treat_as"),
                f"{treat_as!r} is not a data class defined in the policy",
            )
        )
    # Only when every rule says what it applies to: a broken rule might cover the class.
    rules = data.get("rules")
    if isinstance(rules, list) and all(
        isinstance(rule, dict) and isinstance(rule.get("applies_to"), list) for rule in rules
    ):
        for ci, cls in _entries(data, "classes"):
            defined = _text(cls, "id")
            if defined is not None and defined not in covered:
                problems.append(
                    doc.problem(
                        ("classes", ci, "id"),
                        f"no rule applies to data class {defined!r}: files holding it would "
                        "leave without any sign-off",
                    )
                )

    if roster is not None:
        problems += _roster_meets_policy(doc, roster)
    return problems


def _roster_meets_policy(policy: Document, roster: Document) -> Iterator[Problem]:
    """Every role the roster hands out exists, and every rule can be met by the roster."""
    policy_roles = _known(policy.data, "roles")
    officials = _entries(roster.data, "officials")
    if policy_roles is not None:
        for oi, official in officials:
            for ri, role in _strings(official.get("roles")):
                if role not in policy_roles:
                    yield roster.problem(
                        ("officials", oi, "roles", ri),
                        f"{role!r} is not a role defined in the policy {policy.file}",
                    )
    holding: dict[str, list[str]] = {}
    for _, official in officials:
        official_id = _text(official, "id")
        if official_id is None:
            continue
        for _, role in _strings(official.get("roles")):
            holding.setdefault(role, []).append(official_id)

    for ri, rule in _entries(policy.data, "rules"):
        require = rule.get("require")
        wanted: list[tuple[int, str, int]] = []
        for qi, requirement in _entries(rule, "require"):
            needed = _text(requirement, "role")
            count = _count(requirement.get("count", 1))
            if needed is None:
                continue
            if count is not None:
                wanted.append((qi, needed, count))
            # An undefined role is reported once, by policy_problems.
            undefined = policy_roles is not None and needed not in policy_roles
            if not holding.get(needed) and not undefined:
                yield policy.problem(
                    ("rules", ri, "require", qi, "role"),
                    f"no official in {roster.file} holds the role {needed!r}",
                )
        if rule.get("distinct_signers", True) is False:
            continue
        if not isinstance(require, list) or len(wanted) != len(require):
            continue  # a malformed requirement: the schema reports it; no count to check
        if not all(holding.get(role) for _, role, _ in wanted):
            continue  # reported above: the role nobody holds says it better
        total = sum(count for _, _, count in wanted)
        if total > len(officials):
            # Counted before any slot is made: a count of a billion must not build a list.
            yield policy.problem(
                ("rules", ri, "require"),
                f"needs {plural(total, 'distinct official')} but the roster {roster.file} has "
                f"only {plural(len(officials), 'official')}",
            )
            continue
        slots = [role for _, role, count in wanted for _ in range(count)]
        holders = {role: holding[role] for role in set(slots)}
        filled = _max_matching(slots, holders)
        if filled < len(slots):
            yield policy.problem(
                ("rules", ri, "require"),
                f"needs {len(slots)} distinct officials ({', '.join(slots)}) but the roster "
                f"{roster.file} can fill only {filled}: "
                + "; ".join(f"{role}: {', '.join(ids)}" for role, ids in sorted(holders.items())),
            )


def _max_matching(slots: list[str], holders: dict[str, list[str]]) -> int:
    """How many slots distinct officials can fill: augmenting paths found breadth first, so
    that a long rule cannot run out of stack as a recursive search would."""
    slot_of: dict[str, int] = {}  # official id -> the slot it fills
    official_in: dict[int, str] = {}  # slot -> the official filling it
    for start in range(len(slots)):
        reached_from: dict[str, int] = {}  # official -> the slot it was reached from
        queue, seen, free = deque([start]), {start}, None
        while queue and free is None:
            slot = queue.popleft()
            for official in holders[slots[slot]]:
                if official in reached_from:
                    continue
                reached_from[official] = slot
                if official not in slot_of:
                    free = official
                    break
                if slot_of[official] not in seen:
                    seen.add(slot_of[official])
                    queue.append(slot_of[official])
        # Shift each official on the path to the slot it was reached from.
        official_or_none = free
        while official_or_none is not None:
            slot = reached_from[official_or_none]
            previous = official_in.get(slot)
            slot_of[official_or_none], official_in[slot] = slot, official_or_none
            official_or_none = previous
    return len(official_in)


# -- rosters --------------------------------------------------------------------------------


def roster_problems(doc: Document) -> list[Problem]:
    """Semantic problems of a roster."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.serialization import load_ssh_public_key

    from approval.policy.model import key_identity

    data = doc.data
    if not isinstance(data, dict):
        return []
    problems = list(_duplicates(doc, ("officials",), data.get("officials"), "official"))
    owners: dict[str, str] = {}
    for oi, official in _entries(data, "officials"):
        official_id = _text(official, "id") or f"officials[{oi}]"
        for ki, key in _strings(official.get("keys")):
            path = ("officials", oi, "keys", ki)
            try:
                load_ssh_public_key(key.encode("ascii"))
            except (ValueError, UnicodeEncodeError, UnsupportedAlgorithm) as e:
                problems.append(
                    doc.problem(path, _shorten(f"not a valid OpenSSH public key ({e})"))
                )
                continue
            identity = key_identity(key)
            if identity in owners and owners[identity] != official_id:
                problems.append(doc.problem(path, f"this key also belongs to {owners[identity]!r}"))
            owners.setdefault(identity, official_id)
        held = [r for _, r in _strings(official.get("roles"))]
        if SERVICE in held and len(held) > 1:
            # A gate's key lives on a web server: stolen, it must sign nothing but refusals.
            problems.append(
                doc.problem(
                    ("officials", oi, "roles"),
                    f"the role {SERVICE!r} (a gate's own key) is held alone: give the web "
                    "gate an official of its own",
                )
            )
        window = {}
        for field in ("valid_from", "valid_until"):
            value = _text(official, field)
            if value is None:
                continue
            try:
                window[field] = parse_time(value, end_of_day=field == "valid_until")
            except ValueError as e:
                problems.append(
                    doc.problem(
                        ("officials", oi, field), _shorten(f"{value!r} is not a real date ({e})")
                    )
                )
        if len(window) == 2 and window["valid_from"] >= window["valid_until"]:
            problems.append(
                doc.problem(
                    ("officials", oi, "valid_until"),
                    f"valid_until {official['valid_until']} is not after "
                    f"valid_from {official['valid_from']}",
                )
            )
    problems += _compromise_problems(doc, owners)
    admins_section = data.get("admins")
    threshold = (
        _count(admins_section.get("threshold")) if isinstance(admins_section, dict) else None
    )
    if threshold is not None and isinstance(data.get("officials"), list):
        admins = [o for _, o in _entries(data, "officials") if "admin" in _list(o.get("roles"))]
        if threshold > len(admins):
            holds = "holds" if len(admins) == 1 else "hold"
            problems.append(
                doc.problem(
                    ("admins", "threshold"),
                    f"{plural(threshold, 'admin signature')} needed but only "
                    f"{plural(len(admins), 'official')} {holds} the role 'admin'",
                )
            )
    return problems


def _compromise_problems(doc: Document, owners: dict[str, str]) -> list[Problem]:
    """``compromised``: real keys and times, none named twice, none still an official's key
    (``owners``: key identity -> official id): a key reported stolen may sign nothing new."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.serialization import load_ssh_public_key

    from approval.policy.model import key_identity

    problems = []
    seen: dict[str, int] = {}
    for ci, entry in _entries(doc.data, "compromised"):
        key = _text(entry, "key")
        if key is not None:
            path = ("compromised", ci, "key")
            try:
                load_ssh_public_key(key.encode("ascii"))
            except (ValueError, UnicodeEncodeError, UnsupportedAlgorithm) as e:
                problems.append(
                    doc.problem(path, _shorten(f"not a valid OpenSSH public key ({e})"))
                )
            else:
                identity = key_identity(key)
                if identity in owners:
                    problems.append(
                        doc.problem(
                            path,
                            f"this key is named compromised but is still a key of "
                            f"{owners[identity]!r}: remove it from their keys",
                        )
                    )
                if identity in seen:
                    first_line = doc.where(("compromised", seen[identity]))[0]
                    problems.append(
                        doc.problem(
                            path,
                            f"this key is named compromised twice (first at line {first_line})",
                        )
                    )
                seen.setdefault(identity, ci)
        since = _text(entry, "since")
        if since is not None:
            try:
                parse_time(since)
            except ValueError as e:
                problems.append(
                    doc.problem(
                        ("compromised", ci, "since"),
                        _shorten(f"{since!r} is not a real date ({e})"),
                    )
                )
    return problems
