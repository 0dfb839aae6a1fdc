"""Counted nouns: no screen says "1 files" or "1 persons"."""

from __future__ import annotations

import pytest

from approval.words import plural


@pytest.mark.parametrize(
    ("count", "noun", "many", "expected"),
    [
        (1, "person", None, "1 person"),
        (0, "person", None, "0 persons"),
        (2, "file", None, "2 files"),
        (1, "data class", None, "1 data class"),
        (3, "data class", None, "3 data classes"),
        (1, "entry", "entries", "1 entry"),
        (2, "entry", "entries", "2 entries"),
        (6252, "person", None, "6252 persons"),
    ],
)
def test_plural(count: int, noun: str, many: str | None, expected: str) -> None:
    assert plural(count, noun, many) == expected
