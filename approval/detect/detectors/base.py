"""What every detector provides. A detector knows one data element (its value shapes) and is
driven by the policy's vocabulary for it; it knows nothing of file formats.

A detector answers four questions, from the cheapest to the dearest:

- ``column(values)``: which values of a column whose header names this element are present
  (one call per column and batch of rows, so that clean files stay fast);
- ``canonical(value)``: a value under a header or label that names this element, as one
  canonical string (``A212345678``, ``1985-03-02``), or None when it is not one;
- ``looks_like(value)``: whether an unlabelled value has this element's shape (tables without
  a header row are classified from their values);
- ``find(text)``: occurrences in prose, without any label.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from approval.detect.textnorm import NULLS, is_null, may_hold_redactions, redact_tokens
from approval.policy import Detector, Policy


@dataclass(frozen=True)
class Found:
    """One occurrence in text: the canonical value and where it is in the string."""

    value: str
    start: int
    end: int


class Element:
    """A detector; subclasses set ``id`` and override what their element needs."""

    id: ClassVar[str]
    # A cheap regex that every string ``find`` could match also matches; None when ``find``
    # finds nothing without a label. Used to skip whole batches of cells at C speed.
    prefilter: re.Pattern[str] | None = None
    # A string every text ``find`` could match contains; tested first, at memchr speed.
    gate: str | None = None

    def __init__(self, vocab: Detector, policy: Policy):
        self.vocab = vocab

    def may_find(self, text: str) -> bool:
        """Whether ``find`` may find something in ``text`` (cheap; false positives allowed)."""
        if self.prefilter is None or (self.gate is not None and self.gate not in text):
            return False
        return self.prefilter.search(text) is not None

    # Raw cell values that never hold this element (redaction marks among them); one C-level
    # set test per column.
    absent: frozenset[str] = NULLS

    def column(self, values: Sequence[str], joined: str) -> list[bool] | None:
        """Which values of a column under this element's header are present; None means
        all of them (the fast answer). ``joined`` is ``"\\n".join(values)``."""
        if self.absent.isdisjoint(values) and not may_hold_redactions(joined):
            return None
        return [self.canonical(v) is not None for v in values]

    def canonical(self, value: str) -> str | None:
        value = value.strip()
        return None if is_null(value) else value

    def looks_like(self, value: str) -> bool:
        return False

    def find(self, text: str) -> list[Found]:
        return []

    def redact(self, canonical: str) -> str:
        """A sample safe to show to people who may not see the data."""
        return redact_tokens(canonical)


def grouped_token(
    value: str, longest: int, grouped: re.Pattern[str], token: re.Pattern[str]
) -> str | None:
    """A labelled document number as one token: written whole or in groups (``AB 123 456``,
    ``AB-123-456``), at most ``longest`` characters as written; None when it is not one."""
    value = value.strip()
    if is_null(value) or len(value) > longest:
        return None
    if grouped.fullmatch(value):
        value = value.replace("-", "").replace(" ", "")
    return value if token.fullmatch(value) else None
