"""Redactors: one module per file format, each writing a derivative of a file without the
identifying data its scan found. Listed explicitly, by the format name the scanner reports.

A redactor knows a format and nothing about policy: what to remove comes in a ``Plan`` built
from the scan (``approval.redact.base``). Whether the result is clean is not the redactor's word:
the workflow scans it again, and refuses it unless the scan is clean.
"""

from __future__ import annotations

import importlib

from approval.redact.base import Plan, Redactor, plan_for

REDACTORS: dict[str, str] = {
    "xlsx": "approval.redact.xlsx",  # rebuilt from visible values: allow-list, nothing else kept
    "csv": "approval.redact.csv",  # identifying columns dropped
    "json": "approval.redact.json",  # identifying keys dropped
    "text": "approval.redact.text",  # identifiers replaced by [REDACTED]
    "eml": "approval.redact.text",  # an email as text: its headers and body lines
}

__all__ = ["REDACTORS", "Plan", "Redactor", "plan_for", "redactor"]


def redactor(format_name: str) -> Redactor | None:
    """The redactor for a format the scanner reported, or None when there is none."""
    module = REDACTORS.get(format_name)
    if module is None:
        return None
    found: Redactor = importlib.import_module(module).REDACTOR
    return found
