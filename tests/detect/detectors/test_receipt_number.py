"""USCIS receipt numbers: any three letters and ten digits under a header or label; without
one, only with the prefix of a service center or an asylum office."""

from __future__ import annotations

import pytest

from approval.detect.detectors import Element

PREFIXES = ["EAC", "WAC", "LIN", "SRC", "NBC", "MSC", "YSC", "IOE", "ZLA", "ZAR", "ZNY", "ZHN"]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_receipt_number_with_an_office_prefix_is_found_anywhere(
    detectors: dict[str, Element], prefix: str
) -> None:
    receipt = detectors["receipt-number"]
    text = f"Receipt {prefix}2412345678 (Form I-589) was received."
    assert receipt.may_find(text)
    assert [f.value for f in receipt.find(text)] == [f"{prefix}2412345678"]
    assert receipt.looks_like(f"{prefix}2412345678")
    assert receipt.canonical(f"{prefix}-24-123-45678") == f"{prefix}2412345678"


IN_PROSE = [
    ("EAC-24-123-45678", ["EAC2412345678"]),
    ("ZLA 2412345678", ["ZLA2412345678"]),
    ("ABC2412345678", []),  # no office's prefix
    ("INV2024000123", []),  # an invoice
    ("EAC241234567", []),  # nine digits
    ("EAC24123456789", []),  # eleven
    ("XEAC2412345678", []),  # inside a word
    ("EAC2412345678.5", []),
    ("PO-2024-00451", []),
]


@pytest.mark.parametrize(("text", "expected"), IN_PROSE)
def test_receipt_number_in_prose(
    detectors: dict[str, Element], text: str, expected: list[str]
) -> None:
    receipt = detectors["receipt-number"]
    found = [f.value for f in receipt.find(text)] if receipt.may_find(text) else []
    assert found == expected


UNDER_HEADER = [
    ("ZLA2400007919", "ZLA2400007919"),
    ("zla2400007919", "ZLA2400007919"),
    ("ABC2412345678", "ABC2412345678"),  # the header vouches for another office's letters
    ("EAC#2412345678", "EAC2412345678"),
    ("2412345678", None),
    ("INV-2024-000123", None),
    ("2024-03-01", None),
    ("N/A", None),
]


@pytest.mark.parametrize(("value", "expected"), UNDER_HEADER)
def test_receipt_number_under_a_header(
    detectors: dict[str, Element], value: str, expected: str | None
) -> None:
    assert detectors["receipt-number"].canonical(value) == expected


def test_receipt_number_sample_is_redacted(detectors: dict[str, Element]) -> None:
    assert detectors["receipt-number"].redact("ZLA2412345678") == "ZLA*******678"
