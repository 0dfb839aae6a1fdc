"""What people type and what files are called, before it is signed into the ledger."""

from __future__ import annotations

import pytest

from approval.errors import UsageError
from approval.policy import default_policy
from approval.workflow.text import MAX_TEXT, REDACTED, free_text, safe_name, safe_summary

POLICY = default_policy()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("   ", "--purpose must say something"),
        ("x" * (MAX_TEXT + 1), f"--purpose is {MAX_TEXT + 1} characters long; at most {MAX_TEXT}"),
        ("line one\nline two", "must be one line of text without control characters"),
        ("release \x1b[2J", "must be one line"),
        ("publish the file for A212345678", "seems to contain personal data (a-number)"),
        ("about GARCIA, Maria", "seems to contain personal data (person-name)"),
    ],
)
def test_free_text_refusals(value: str, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        free_text("--purpose", value, POLICY)


def test_free_text_is_stripped() -> None:
    assert free_text("--purpose", "  FY2022 statistics  ", POLICY) == "FY2022 statistics"


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("detention-stats.xlsx", "detention-stats.xlsx"),
        ("A123456789-Maria-Gonzalez.zip", f"{REDACTED}.zip"),
        ("stats_A-212-345-678.csv", f"{REDACTED}.csv"),
        ("/srv/www/detention/stats.csv", "stats.csv"),
    ],
)
def test_safe_name(name: str, safe: str) -> None:
    assert safe_name(name, POLICY) == safe


def test_safe_summary_redacts_names_from_the_file_but_keeps_positions() -> None:
    summary = {
        "verdict": "protected",
        "format": "xlsx",
        "classes": {"protected-person": {"records": 1}},
        "findings": [
            {
                "class": "protected-person",
                "detector": "a-number",
                "location": {"sheet": "GARCIA, Maria A212345678", "column": "B", "hidden": True},
                "count": 1,
            },
            {
                "class": "protected-person",
                "detector": "person-name",
                "location": {"sheet": "Detainees", "column": "A", "header": "Name"},
                "count": 1,
            },
        ],
    }
    safe = safe_summary(summary, POLICY)
    assert safe["findings"][0]["location"] == {"sheet": REDACTED, "column": "B", "hidden": True}
    assert safe["findings"][1]["location"] == summary["findings"][1]["location"]
    assert summary["findings"][0]["location"]["sheet"].startswith("GARCIA")  # not mutated
