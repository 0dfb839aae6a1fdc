"""Fingerprint (FIN) and FBI numbers: under a header or label only; not a date."""

from __future__ import annotations

import pytest

from approval.detect.detectors import Element

UNDER_HEADER = [
    ("1100000131", "1100000131"),
    ("123456AB1", "123456AB1"),
    ("123456ab1", "123456AB1"),
    ("1100-000-131", "1100000131"),
    ("20240131", None),  # an end date ("Fin" in French and Spanish)
    ("2024-01-31", None),
    ("31/01/2024", None),
    ("12345", None),
    ("ABCDEF1", None),
    ("N/A", None),
]


@pytest.mark.parametrize(("value", "expected"), UNDER_HEADER)
def test_fin_under_a_header(
    detectors: dict[str, Element], value: str, expected: str | None
) -> None:
    assert detectors["fin"].canonical(value) == expected


def test_fin_needs_a_header(detectors: dict[str, Element]) -> None:
    assert not detectors["fin"].looks_like("1100000131")
    assert detectors["fin"].find("FIN 1100000131") == []
