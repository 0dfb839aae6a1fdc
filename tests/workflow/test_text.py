"""What people type and what files are called, before it is signed into the ledger."""

from __future__ import annotations

import re

import pytest

from approval.errors import UsageError
from approval.freetext import (
    MAX_TEXT,
    REDACTED,
    free_text,
    safe_name,
    safe_summary,
    safe_text,
)
from approval.policy import default_policy

POLICY = default_policy()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("   ", "--purpose must say something"),
        ("x" * (MAX_TEXT + 1), f"--purpose is {MAX_TEXT + 1} characters long; at most {MAX_TEXT}"),
        ("line one\nline two", "must be one line of text without control characters"),
        ("release \x1b[2J", "must be one line"),
        (
            "publish the file for A212345678",
            "seems to contain personal data: an A-number, at word 5",
        ),
        ("about GARCIA, Maria", "personal data: a person's name (LAST, First in capitals, or"),
        ("file lists Maria Garcia", "personal data: a person's name (LAST, First in capitals, or"),
        (
            "ref 212345678",
            "personal data: an 8-9 digit number, which may be an A-number, at word 2",
        ),
        ("case 212-345-678 and A212345679", "number, which may be an A-number and an A-number"),
        ("a\udcffb", "--purpose is not valid UTF-8 text"),
    ],
)
def test_free_text_refusals(value: str, message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)) as refused:
        free_text("--purpose", value, POLICY)
    # One line, naming the option, never repeating the personal data.
    assert refused.value.message.startswith("--purpose ")
    assert "\n" not in refused.value.message
    for word in ("212345678", "212-345-678", "Garcia", "GARCIA", "Maria"):
        assert word not in refused.value.message


@pytest.mark.parametrize(
    "value",
    [
        "Weekly Statistics",
        "Public Affairs release",
        "FY2022 statistics for the website",
        "Houston Immigration Court calendar",
        "approved by Director Alice Chen",
        "data as of 20221128",
        "/srv/www/detention/",
    ],
)
def test_free_text_that_names_no_person_is_accepted(value: str) -> None:
    assert free_text("--purpose", value, POLICY) == value


def test_free_text_is_stripped() -> None:
    assert free_text("--purpose", "  FY2022 statistics  ", POLICY) == "FY2022 statistics"


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("detention-stats.xlsx", "detention-stats.xlsx"),
        ("A123456789-Maria-Gonzalez.zip", f"{REDACTED}.zip"),
        ("stats_A-212-345-678.csv", f"{REDACTED}.csv"),
        ("/srv/www/detention/stats.csv", "stats.csv"),
        ("A212345679 Juan Lopez.csv", f"{REDACTED}.csv"),
        ("Juan Lopez.csv", f"{REDACTED}.csv"),
        ("GARCIA, Maria.pdf", f"{REDACTED}.pdf"),
        ("stats_20221128.xlsx", "stats_20221128.xlsx"),
        ("212345678.pdf", f"{REDACTED}.pdf"),
        # Bytes that are not UTF-8 (a lone surrogate in Python) cannot be signed: replaced.
        ("a\udcffb.csv", "a\ufffdb.csv"),
        ("two\nlines.csv", "two\ufffdlines.csv"),
    ],
)
def test_safe_name(name: str, safe: str) -> None:
    assert safe_name(name, POLICY) == safe


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("sheet A212345678 Garcia (hidden), whole", f"sheet {REDACTED} (hidden), whole"),
        (
            "column B (GARCIA, Maria) of sheet Detainees",
            f"column B ({REDACTED}) of sheet Detainees",
        ),
        (
            "names.zip/asylum/A212345678_Garcia_Maria.png: unsupported format: image/png",
            f"names.zip/asylum/{REDACTED}.png: unsupported format: image/png",
        ),
        ("/srv/site/A212345679 Juan Lopez.csv", f"/srv/site/{REDACTED}.csv"),
        ("asylum/applicants.csv", "asylum/applicants.csv"),
        ("Sheet2", "Sheet2"),
        ("2 hidden rows of sheet Detainees", "2 hidden rows of sheet Detainees"),
        ("pivot cache 1 of sheet FY2022 Summary", "pivot cache 1 of sheet FY2022 Summary"),
    ],
)
def test_safe_text_redacts_the_person_and_keeps_the_place(text: str, safe: str) -> None:
    assert safe_text(text, POLICY) == safe


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


def test_safe_summary_redacts_the_reason_a_member_could_not_be_read() -> None:
    summary = {
        "verdict": "unscannable",
        "format": "zip",
        "reason": "names.zip/asylum/A212345678_Garcia_Maria.png: unsupported format: image/png",
        "classes": {},
        "findings": [],
    }
    assert safe_summary(summary, POLICY)["reason"] == (
        f"names.zip/asylum/{REDACTED}.png: unsupported format: image/png"
    )
