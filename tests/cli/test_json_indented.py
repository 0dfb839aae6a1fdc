"""``approval.cli.output.indented`` writes what ``json.dumps(indent=2, ensure_ascii=False)``
writes, byte for byte: every command's JSON goes through it, and scripts (and the pinned output
tests) read those bytes. The cases are the ones its fast path and its hand-over to ``json``
differ on: empty and nested containers, escapes, values that are not plain types."""

from __future__ import annotations

import collections
import enum
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from approval.cli.output import indented
from approval.report.event import Event
from approval.statements import format_time


class _Level(enum.IntEnum):
    HIGH = 3


class _Name(str):
    pass


CASES: list[Any] = [
    {},
    [],
    (),
    "plain",
    7,
    None,
    True,
    {"a": [], "b": {}, "c": [[]], "d": [{}], "e": ""},
    {"text": 'quote " backslash \\ newline \n tab \t nul \x00 line sep \u2028 é 名前'},
    {"\n key": "value\r\n", "nested": {"deeper": {"deepest": [1, -2, 0, 10**30]}}},
    [1.5, -0.0, 1e300, float("nan"), float("inf"), float("-inf")],
    {2: "int key", 2.5: "float key", True: "bool key", None: "null key"},
    {"keys": {"inner": {3: [1, {"x": None}]}}},
    {"enum": _Level.HIGH, "str subclass": _Name("a\nb"), "bools": [True, False, None]},
    collections.OrderedDict(first=[1, (2, 3)], second={"k": "v"}),
    [(1, (2, (3, ()))), {"t": ()}],
]


@pytest.mark.parametrize("value", CASES, ids=range(len(CASES)))
def test_indented_is_json_dumps_byte_for_byte(value: Any) -> None:
    assert indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_an_audit_like_document_is_the_same_bytes() -> None:
    event = {"entry": 1, "commit": "c" * 40, "who": ["a.chen", "b.ortiz"], "artifacts": [],
             "scan": {"classes": {"protected-person": 12}, "hidden": ["sheet Sheet2"]},
             "policy": {"id": "8cfr208.6", "version": 1}}  # fmt: skip
    body = {"schema": "approval/audit/v1", "intact": True, "problem": None, "flags": [],
            "timeline": [dict(event, entry=n) for n in range(1, 50)]}  # fmt: skip
    assert indented(body) == json.dumps(body, indent=2, ensure_ascii=False)


def test_what_json_cannot_write_still_fails_as_json_does() -> None:
    with pytest.raises(TypeError):
        indented({"when": datetime(2026, 1, 1, tzinfo=UTC)})


def test_an_events_time_is_formatted_once_and_the_event_stays_frozen() -> None:
    at = datetime(2026, 11, 21, 6, 14, 44, tzinfo=UTC)
    event = Event(1, "c" * 40, "i" * 64, "request", at, ("a.chen",), "text", (), {"k": 1})
    assert event.when == format_time(at) == "2026-11-21T06:14:44Z"
    assert event.when is event.when  # the same string: kept, not made again
    assert event.to_dict()["at"] == "2026-11-21T06:14:44Z"
    twin = Event(1, "c" * 40, "i" * 64, "request", at, ("a.chen",), "text", (), {"k": 1})
    assert event == twin and hash(event) == hash(twin)  # the kept time is not a field
    with pytest.raises(AttributeError):
        event.kind = "export"  # type: ignore[misc]
