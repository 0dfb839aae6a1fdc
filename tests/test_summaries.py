"""A request's scan summary against a rescan of its bytes: what understates, what does not."""

from __future__ import annotations

from typing import Any

import pytest

from approval.trust.summaries import compare, exceeds, summary_digest


def summary(
    persons: dict[str, int] | None = None,
    hidden: tuple[str, ...] = (),
    unread: tuple[str, ...] | None = None,
    verdict: str = "protected",
    fmt: str = "xlsx",
) -> dict[str, Any]:
    classes = persons if persons is not None else {"protected-person": 3000}
    out: dict[str, Any] = {
        "verdict": verdict,
        "format": fmt,
        "classes": {c: {"records": n} for c, n in classes.items()},
        "findings": [
            {"class": "protected-person", "detector": "a-number",
             "location": {"sheet": sheet, "column": "B", "hidden": True}, "count": 1}
            for sheet in hidden
        ] + [{"class": "protected-person", "detector": "nationality",
              "location": {"sheet": "Sheet1", "column": "D"}, "count": 1}],
    }  # fmt: skip
    if unread is not None:
        out["coverage"] = [
            {"part": p, "kind": "member", "bytes": 1, "read": "unread"} for p in unread
        ] + [{"part": "xl/workbook.xml", "kind": "workbook", "bytes": 9, "read": "parsed"}]
    return out


REAL = summary(hidden=("Sheet2",), unread=())


@pytest.mark.parametrize(
    ("claimed", "words", "understates"),
    [
        (summary({"protected-person": 1}, hidden=("Sheet2",), unread=()),
         "protected-person: the request says 1 person, the bytes hold 3000 persons", True),
        (summary({}, hidden=("Sheet2",), unread=()),
         "the request leaves out protected-person (3000 persons in the bytes)", True),
        (summary(unread=()),
         "hidden parts: the request names none, the rescan finds sheet Sheet2", True),
        (summary(hidden=("Sheet3",), unread=()),
         "hidden parts: the request names sheet Sheet3, the rescan finds sheet Sheet2", True),
        (summary(hidden=("Sheet2",), unread=("xl/vbaProject.bin",)),
         "unread parts: the request names xl/vbaProject.bin, the rescan finds none", True),
        (summary(hidden=("Sheet2",), unread=(), fmt="csv"),
         "the request says format csv, the rescan reads xlsx", True),
        (summary(hidden=("Sheet2",), unread=(), verdict="clean"),
         "the request says clean, the rescan finds protected", True),
        (summary({"protected-person": 4000}, hidden=("Sheet2",), unread=()),
         "protected-person: the request says 4000 persons, the rescan finds 3000 persons", False),
        (summary({"protected-person": 3000, "personal-data": 5}, hidden=("Sheet2",), unread=()),
         "the request names personal-data, which the rescan does not find", False),
    ],
)  # fmt: skip
def test_each_difference_is_named_and_judged(
    claimed: dict[str, Any], words: str, understates: bool
) -> None:
    differences = compare(claimed, REAL)
    assert [(d.words, d.understates) for d in differences] == [(words, understates)]


def test_the_same_summary_has_no_difference_and_one_digest() -> None:
    assert compare(REAL, dict(REAL)) == ()
    assert summary_digest(REAL) == summary_digest(dict(reversed(list(REAL.items()))))
    assert summary_digest(REAL) != summary_digest(summary())


def test_a_request_from_before_coverage_is_compared_on_what_it_says() -> None:
    old = summary(hidden=("Sheet2",))  # no coverage recorded
    assert compare(old, REAL) == ()
    blocked = summary(hidden=("Sheet2",), unread=("word/vbaProject.bin",))
    assert [d.understates for d in compare(old, blocked)] == [True]


def test_export_refuses_what_the_request_did_not_name() -> None:
    assert exceeds(REAL, REAL) == ()
    assert exceeds(summary({"protected-person": 1}), REAL) == (
        "3000 persons of protected-person, where the request names 1 person",
    )
    assert exceeds(summary({"personal-data": 3}), REAL) == (
        "protected-person (3000 persons), which the request does not name",
    )
    assert exceeds(summary({"protected-person": 4000}), REAL) == ()  # fewer: approved more
    assert exceeds(summary(verdict="protected"), summary(verdict="unscannable")) == (
        "a verdict of unscannable, where the request says protected",
    )
