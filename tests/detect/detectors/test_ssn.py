"""Social Security Numbers: under a header or label in any grouping; without one only
``NNN-NN-NNNN``; either way only of the ranges the SSA issues."""

from __future__ import annotations

import pytest

from approval.detect.detectors import Element

UNDER_HEADER = [
    ("601-12-3401", "601-12-3401"),
    ("601 12 3401", "601-12-3401"),
    ("601123401", "601-12-3401"),
    ("601.12.3401", "601-12-3401"),
    ("000-12-3401", None),  # area 000 is never issued
    ("666-12-3401", None),
    ("912-70-1234", None),  # 9xx: an ITIN, not an SSN
    ("601-00-3401", None),
    ("601-12-0000", None),
    ("123-45-6789", None),  # examples of the format
    ("212-34-5678", None),
    ("987-65-4321", None),
    ("078-05-1120", None),  # the SSA's list of numbers never to use
    ("555-55-5555", None),
    ("123-48-6780", "123-48-6780"),  # a run of four is no example
    ("601-12-340", None),
    ("(202) 555-0100", None),
    ("2024-01-03", None),
    ("N/A", None),
]


@pytest.mark.parametrize(("value", "expected"), UNDER_HEADER)
def test_ssn_under_a_header(
    detectors: dict[str, Element], value: str, expected: str | None
) -> None:
    assert detectors["ssn"].canonical(value) == expected


IN_PROSE = [
    ("SSN 601-12-3401 on file", ["601-12-3401"]),
    ("reachable at 601-48-2719, claimed asylum", ["601-48-2719"]),
    ("SSN format 212-34-5678", []),
    ("601123401", []),  # nine digits without a label: an A-number, an order, an amount
    ("601 12 3401", []),
    ("form no. 123-45-678", []),
    ("part 123-45-67890", []),
    ("ZIP 20529-2100", []),
    ("call 202-555-0100", []),
    ("2024-12-2023", []),
    ("000-12-3401 is a placeholder", []),
    ("A-123-45-6789", []),  # inside a longer token
]


@pytest.mark.parametrize(("text", "expected"), IN_PROSE)
def test_ssn_in_prose(detectors: dict[str, Element], text: str, expected: list[str]) -> None:
    ssn = detectors["ssn"]
    found = [f.value for f in ssn.find(text)] if ssn.may_find(text) else []
    assert found == expected


def test_ssn_looks_like_only_the_dashed_form(detectors: dict[str, Element]) -> None:
    assert detectors["ssn"].looks_like(" 601-12-3401 ")
    assert not detectors["ssn"].looks_like("601123401")
    assert not detectors["ssn"].looks_like("SSN 601-12-3401")


def test_ssn_sample_keeps_two_digits(detectors: dict[str, Element]) -> None:
    sample = detectors["ssn"].redact("601-12-3401")
    assert sample == "***-**-**01"
