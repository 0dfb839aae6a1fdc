"""What people type and what files are called, made safe to sign into the ledger.

Free text (purpose, destination, comments, reasons) is shown on review screens and kept
forever: one line of UTF-8, bounded, and free of personal data; what breaks a rule is refused
with a message that names the option and the rule, never the text. Names that come from a file
(its name, its sheets and columns, a destination path ending in it) may themselves be personal
data; they are redacted, not refused, because the publisher cannot always choose them. Both use
the same test of what identifies a person (``approval.detect.strings``).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from approval.detect.strings import (
    KINDS,
    REDACTED,
    identifying,
    safe_file_name,
    safe_location,
    safe_text,
)
from approval.errors import UsageError
from approval.policy import Policy

MAX_TEXT = 2000  # the statement schema's limit
MAX_NAME = 255  # the statement schema's limit for a file's name
__all__ = [
    "MAX_TEXT",
    "REDACTED",
    "free_text",
    "safe_name",
    "safe_summary",
    "safe_text",
]


def free_text(option: str, value: str, policy: Policy) -> str:
    """``value`` stripped, or a ``UsageError`` naming the option when it cannot be recorded."""
    if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        # Bytes that are not UTF-8 reach Python as lone surrogates; no signature can hold them.
        raise UsageError(
            f"{option} is not valid UTF-8 text", hint="type it again in a UTF-8 terminal"
        )
    text = value.strip()
    if not text:
        raise UsageError(f"{option} must say something: officials and auditors read it")
    if len(text) > MAX_TEXT:
        raise UsageError(f"{option} is {len(text)} characters long; at most {MAX_TEXT}")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in text):
        # A newline or a control character could fake a line on an official's review screen.
        raise UsageError(f"{option} must be one line of text without control characters")
    spans = identifying(text, policy)
    if spans:
        # Where, by word, not what: the message must not repeat the personal data.
        words = sorted({_word_number(text, s.start) for s in spans})
        kinds = " and ".join(KINDS[k] for k in dict.fromkeys(s.kind for s in spans))
        raise UsageError(
            f"{option} seems to contain personal data: {kinds}, "
            f"at word{'s' if len(words) > 1 else ''} {', '.join(map(str, words))}",
            hint="describe the file without names or identifying numbers: the ledger keeps no "
            "personal data (write a date as 2022-11-28, a title in lower case)",
        )
    return text


def _word_number(text: str, at: int) -> int:
    """The 1-based number of the word ``text[at]`` is in."""
    before = text[:at]
    inside = bool(before) and not before[-1].isspace()
    return len(before.split()) + (0 if inside else 1)


def safe_name(name: str, policy: Policy) -> str:
    """A file's base name, with the stem redacted when it holds personal data, and bytes that
    are not UTF-8 replaced (such a file can still be requested)."""
    return safe_file_name(name, policy)  # one sanitiser for every name from a file


def safe_summary(summary: dict[str, Any], policy: Policy) -> dict[str, Any]:
    """A scan summary that names no person: its locations (sheet, part, header, key, column)
    and the reason a file is unscannable (which may name an archive member) are made safe.

    The scanner already reports them so (``approval.detect.scan``); this is the ledger's own
    check, for summaries from anywhere."""
    findings = [
        {**finding, "location": safe_location(finding.get("location", {}), policy)}
        for finding in summary.get("findings", [])
    ]
    out = {**summary, "findings": findings}
    if isinstance(summary.get("reason"), str):
        out["reason"] = safe_text(summary["reason"], policy, MAX_TEXT)
    return out
