"""Telephone numbers: under a header or label only, as people write them."""

from __future__ import annotations

import pytest

from approval.detect.detectors import Element

UNDER_HEADER = [
    ("+1 202 555 0100", "+12025550100"),
    ("(202) 555-0100", "2025550100"),
    ("202.555.0100", "2025550100"),
    ("202-555-0100 x12", "2025550100"),
    ("0044 20 7946 0000", "00442079460000"),
    ("+502 5555 1234", "+50255551234"),
    ("555-0100", "5550100"),
    ("12", None),  # a count
    ("1,250.00", None),  # an amount
    ("2024-01-03", None),  # a date
    ("03/01/2024", None),
    ("12345678901234567", None),  # longer than any number E.164 allows
    ("Asylum", None),
    ("N/A", None),
]


@pytest.mark.parametrize(("value", "expected"), UNDER_HEADER)
def test_phone_under_a_header(
    detectors: dict[str, Element], value: str, expected: str | None
) -> None:
    assert detectors["phone"].canonical(value) == expected


def test_phone_needs_a_header(detectors: dict[str, Element]) -> None:
    phone = detectors["phone"]
    assert not phone.looks_like("(202) 555-0100")
    assert phone.find("call (202) 555-0100 about asylum") == []


def test_phone_sample_keeps_two_digits(detectors: dict[str, Element]) -> None:
    assert detectors["phone"].redact("2025550100") == "********00"


def test_a_number_that_many_rows_share_is_an_offices(detectors: dict[str, Element]) -> None:
    values = ["(202) 555-0100"] * 3 + ["(202) 555-0111", "202-555-0111", "pending"]
    present = detectors["phone"].column(values, "\n".join(values))
    assert present == [False, False, False, True, True, False]  # a household shares one
