"""What a request says a file holds, against what a scan of the bytes finds. Pure values.

A request carries the scan summary its requester's client wrote, and a patched client writes
what it likes ("1 person, nationality, visible sheet" for a hidden sheet of 3,000). Officials
therefore rescan the bytes with their own client (``approval show``/``sign`` with the file at
hand) and the gate rescans what it exports; both compare the two summaries here.

A difference *understates* when the request says less than the bytes hold: fewer persons of a
class, a class left out, a worse verdict, hidden parts or unread parts it does not name, another
format. Those refuse a sign-off and an export. A request that says more than the bytes hold (a
scanner of another version found fewer persons) is shown, and refuses nothing: approving more
than was there lets nothing out that the officials did not approve.

Hidden and unread parts are compared as *sets*, both ways: the official approves the parts the
screen names, and a request that names other parts describes another file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from approval.statements import canonical_json
from approval.words import plural

_VERDICT_RANK = {"clean": 0, "protected": 1, "unscannable": 2}


@dataclass(frozen=True)
class Difference:
    """One way the request's summary is not the rescan's, in words that name no value."""

    words: str
    understates: bool  # the request says less than the bytes hold: refuse


def summary_digest(summary: Mapping[str, Any]) -> str:
    """The hex sha256 of a summary's canonical JSON: what a sign-off says its signer verified."""
    return hashlib.sha256(canonical_json(dict(summary))).hexdigest()


def persons(summary: Mapping[str, Any]) -> dict[str, int]:
    """Class -> distinct persons, as the summary says."""
    classes = summary.get("classes") or {}
    return {
        str(cls): int(info.get("records", 0)) if isinstance(info, Mapping) else 0
        for cls, info in classes.items()
    }


def hidden_parts(summary: Mapping[str, Any]) -> frozenset[str]:
    """The hidden sheets or parts its findings are in (``sheet Sheet2``, ``part xl/...``)."""
    found = set()
    for finding in summary.get("findings") or ():
        location = finding.get("location") or {}
        if location.get("hidden"):
            found.add(_place(location))
    return frozenset(found)


def unread_parts(summary: Mapping[str, Any]) -> frozenset[str]:
    """The parts its coverage names as unread (a summary without coverage names none)."""
    return frozenset(
        str(part.get("part", "?"))
        for part in summary.get("coverage") or ()
        if isinstance(part, Mapping) and part.get("read") == "unread"
    )


def _place(location: Mapping[str, Any]) -> str:
    for key in ("part", "sheet"):
        if location.get(key):
            return f"{key} {location[key]}"
    keys = ("column", "row", "line", "key")
    return ", ".join(f"{k} {location[k]}" for k in keys if location.get(k) not in (None, ""))


def compare(claimed: Mapping[str, Any], found: Mapping[str, Any]) -> tuple[Difference, ...]:
    """How the request's summary ``claimed`` differs from the rescan's ``found``."""
    out: list[Difference] = []
    said, seen = str(claimed.get("verdict")), str(found.get("verdict"))
    if said != seen:
        worse = _VERDICT_RANK.get(seen, 3) > _VERDICT_RANK.get(said, 3)
        out.append(Difference(f"the request says {said}, the rescan finds {seen}", worse))
    if claimed.get("format") != found.get("format"):
        out.append(
            Difference(
                f"the request says format {claimed.get('format')}, the rescan reads "
                f"{found.get('format')}",
                True,
            )
        )
    asked, there = persons(claimed), persons(found)
    for cls, count in there.items():
        if cls not in asked:
            out.append(
                Difference(
                    f"the request leaves out {cls} ({plural(count, 'person')} in the bytes)", True
                )
            )
        elif count > asked[cls]:
            out.append(
                Difference(
                    f"{cls}: the request says {plural(asked[cls], 'person')}, the bytes hold "
                    f"{plural(count, 'person')}",
                    True,
                )
            )
        elif count < asked[cls]:
            out.append(
                Difference(
                    f"{cls}: the request says {plural(asked[cls], 'person')}, the rescan finds "
                    f"{plural(count, 'person')}",
                    False,
                )
            )
    for cls in asked.keys() - there.keys():
        out.append(Difference(f"the request names {cls}, which the rescan does not find", False))
    for label, parts in (("hidden", hidden_parts), ("unread", unread_parts)):
        mine, theirs = parts(claimed), parts(found)
        if label == "unread" and "coverage" not in claimed and "coverage" not in found:
            continue
        if mine != theirs:
            out.append(Difference(_sets(label, mine, theirs), True))
    return tuple(out)


def _sets(label: str, claimed: frozenset[str], found: frozenset[str]) -> str:
    def named(parts: frozenset[str]) -> str:
        return "; ".join(sorted(parts)) if parts else "none"

    return f"{label} parts: the request names {named(claimed)}, the rescan finds {named(found)}"


def exceeds(approved: Mapping[str, Any], found: Mapping[str, Any]) -> tuple[str, ...]:
    """What a scan ``found`` holds beyond the request's summary ``approved``: a class it does
    not name, or more persons of a class (the export gate's test)."""
    asked = persons(approved)
    out = []
    for cls, count in persons(found).items():
        if cls not in asked:
            out.append(f"{cls} ({plural(count, 'person')}), which the request does not name")
        elif count > asked[cls]:
            out.append(
                f"{plural(count, 'person')} of {cls}, where the request names "
                f"{plural(asked[cls], 'person')}"
            )
    if _VERDICT_RANK.get(str(found.get("verdict")), 3) > _VERDICT_RANK.get(
        str(approved.get("verdict")), 3
    ):
        out.append(
            f"a verdict of {found.get('verdict')}, where the request says {approved.get('verdict')}"
        )
    return tuple(out)


__all__ = [
    "Difference",
    "compare",
    "exceeds",
    "hidden_parts",
    "persons",
    "summary_digest",
    "unread_parts",
]
