"""Passport numbers: under a header or label only, one token mostly of digits."""

from __future__ import annotations

import pytest

from approval.detect.detectors import Element

UNDER_HEADER = [
    ("G31234567", "G31234567"),
    ("123456789", "123456789"),
    ("ab1234567", "AB1234567"),
    ("P1234567A", "P1234567A"),
    ("C01X00T47", "C01X00T47"),
    ("G 3123 4567", "G31234567"),
    ("12345", None),  # too short
    ("ABCDEF12", None),  # mostly letters: a code
    ("Guatemala", None),
    ("2024-01-03", None),
    ("N/A", None),
    ("pending", None),
]


@pytest.mark.parametrize(("value", "expected"), UNDER_HEADER)
def test_passport_under_a_header(
    detectors: dict[str, Element], value: str, expected: str | None
) -> None:
    assert detectors["passport-number"].canonical(value) == expected


def test_passport_needs_a_header(detectors: dict[str, Element]) -> None:
    passport = detectors["passport-number"]
    assert not passport.looks_like("G31234567")
    assert passport.find("Passport G31234567") == []  # labels are the scanner's, not find's


def test_passport_sample_is_redacted(detectors: dict[str, Element]) -> None:
    assert detectors["passport-number"].redact("G31234567") == "G3*****67"
