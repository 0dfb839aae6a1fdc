"""Text helpers: null markers and redaction marks."""

from __future__ import annotations

import re
import unicodedata

import pytest

from approval.detect.textnorm import fold, is_null, is_redaction, may_hold_redactions

MARKS = [
    "[REDACTED]",
    "REDACTED",
    "Redacted",
    "<redacted>",
    "[ redacted ]",
    "XXXXX",
    "xxxxx",
    "Xxxxx",
    "XXX-XX-XXXX",
    "X" * 40,
    "***",
    "*" * 30,
    "[removed]",
    "[Withheld]",
    "Name withheld",
    "(b)(6)",
    "(b) (6)",
    "b(6)",
    "(b)(7)(C)",
    "(B)(7)(c)",
    "(b)(6), (b)(7)(C)",
    "(b)(6)(b)(7)(C)",
    "b6",
    "B7C",
    "b6, b7c",
    "[NAME REDACTED]",
    "PII withheld",
    "REDACTED - (b)(6)",
    "[Redacted per FOIA (b)(6)]",
    "████",
    "  [REDACTED]  ",
]
NOT_MARKS = [
    "",
    "Rex",
    "Xavier",
    "Maxx",
    "XXL",
    "Redacted Smith",  # a mark word beside something else is not a mark
    "Maria XXXXX",
    "(b)(6) Juan",
    "b",
    "(b)",
    "b8x",
    "(b)(6)(b)",
    "Name",
    "PII",
    "per FOIA",
    "*",
    "1985",
    "Removal",
    "Removed",  # an outcome under a claim header ("Asylum Status: Removed"), not a mark
    "Withheld",
    "(Removed)",
    "Deleted Scenes",
    "(713) 555-0100",
    "CAT",
    "Perez",
]


@pytest.mark.parametrize("value", MARKS)
def test_redaction_marks(value: str) -> None:
    assert is_redaction(value)
    assert is_null(value)


@pytest.mark.parametrize("value", NOT_MARKS)
def test_not_redaction_marks(value: str) -> None:
    assert not is_redaction(value)


@pytest.mark.parametrize("value", MARKS)
def test_a_column_holding_a_mark_is_not_fast_pathed(value: str) -> None:
    """The cheap column test either finds the mark's characters or the raw mark is a null:
    no mark slips through a column's one-call answer."""
    from approval.detect.textnorm import NULLS

    joined = "\n".join(["Juan Perez", value, "Ana Ruiz"])
    assert may_hold_redactions(joined) or value in NULLS


def test_plain_values_keep_the_fast_path() -> None:
    assert not may_hold_redactions("GARCIA\nLOPEZ\nMexico\nOtay Mesa Detention Center")


def test_fold_of_ascii_text_is_what_the_general_fold_gives() -> None:
    # ``fold`` takes a short cut for ASCII text: exact, since ASCII has no decomposition and
    # no combining mark.
    every = "".join(map(chr, range(128)))
    for text in (every, every[::-1], "GARCIA, María", "Ab\u0301c", "Maria Garcia"):
        general = re.sub("[\u0300-\u036f]", "", unicodedata.normalize("NFKD", text)).lower()
        assert fold(text) == general, repr(text)
