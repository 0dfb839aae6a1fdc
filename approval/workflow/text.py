"""What people type and what files are called, made safe to sign into the ledger.

Free text (purpose, destination, comments, reasons) is shown on review screens and kept
forever: one line, bounded, and free of personal data. Names that come from a file (its name,
its sheets and columns) may themselves be personal data; they are redacted, not refused,
because the publisher cannot always choose them.
"""

from __future__ import annotations

import unicodedata
from pathlib import PurePath
from typing import Any

from approval.detect.strings import personal_data_in
from approval.errors import UsageError
from approval.policy import Policy

MAX_TEXT = 2000  # the statement schema's limit
REDACTED = "[redacted]"
# Location values that are names from the file (numbers and letters like "B" are positions).
_NAMED = ("sheet", "part", "header", "key", "column")


def free_text(option: str, value: str, policy: Policy) -> str:
    """``value`` stripped, or a ``UsageError`` naming the option when it cannot be recorded."""
    text = value.strip()
    if not text:
        raise UsageError(f"{option} must say something: officials and auditors read it")
    if len(text) > MAX_TEXT:
        raise UsageError(f"{option} is {len(text)} characters long; at most {MAX_TEXT}")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in text):
        # A newline or a control character could fake a line on an official's review screen.
        raise UsageError(f"{option} must be one line of text without control characters")
    found = personal_data_in(text, policy)
    if found:
        raise UsageError(
            f"{option} seems to contain personal data ({', '.join(found)})",
            hint="describe the file without names or A-numbers: the ledger keeps no personal data",
        )
    return text


def safe_name(name: str, policy: Policy) -> str:
    """A file's base name, with the stem redacted when it holds personal data."""
    base = PurePath(name).name or name
    if not personal_data_in(base, policy):
        return base[:255]
    suffix = PurePath(base).suffix
    return f"{REDACTED}{suffix if len(suffix) <= 10 else ''}"


def safe_summary(summary: dict[str, Any], policy: Policy) -> dict[str, Any]:
    """A scan summary whose locations name no person (sheet, part, header, key, column)."""
    findings = []
    for finding in summary.get("findings", []):
        location = dict(finding.get("location", {}))
        for key in _NAMED:
            value = location.get(key)
            if isinstance(value, str) and (len(value) > 200 or personal_data_in(value, policy)):
                location[key] = REDACTED
        findings.append({**finding, "location": location})
    return {**summary, "findings": findings}
