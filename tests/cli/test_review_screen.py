"""The review screen's rescan and coverage sections, from plain values."""

from __future__ import annotations

from typing import Any

from approval.cli.views import coverage_section


def _part(name: str, read: str, kind: str = "member") -> dict[str, Any]:
    return {"part": name, "kind": kind, "bytes": 1, "read": read, "reason": "encrypted"}


def test_parts_read_and_unread_are_counted_with_the_ones_not_listed() -> None:
    coverage = [
        _part("xl/workbook.xml", "parsed"),
        _part("xl/vbaProject.bin", "unread"),
        {"part": "498 more parts", "kind": "more", "bytes": 9, "read": "parsed"},
    ]
    section = coverage_section(coverage)
    assert section.facts == [("parts", "500"), ("read", "499"), ("unread", "1")]
    assert section.rows == [("xl/vbaProject.bin", "member", "encrypted")]
    assert section.style == "red"


def test_a_file_read_whole_is_green() -> None:
    section = coverage_section([_part("body", "parsed", "table")])
    assert section.facts == [("parts", "1"), ("read", "1"), ("unread", "0")]
    assert section.style == "green" and not section.rows
