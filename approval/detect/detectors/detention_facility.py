"""Where a person is or was detained: any value under a facility header, or a facility named
by the policy's terms (``... Processing Center``, ``... County Jail``) in a value or in prose.

A facility is an attribute, never an identifier: a list of facilities is public.
"""

from __future__ import annotations

from approval.detect.detectors.base import Element, Found
from approval.detect.detectors.terms import TermMatcher
from approval.detect.textnorm import is_count, is_null
from approval.policy import Detector, Policy


class DetentionFacility(Element):
    id = "detention-facility"

    def __init__(self, vocab: Detector, policy: Policy):
        super().__init__(vocab, policy)
        self.terms = TermMatcher(vocab.terms, vocab.acronyms, vocab.not_terms, vocab.offices)

    def may_find(self, text: str) -> bool:
        # The matcher's own test: it picks the cheaper of its two patterns for the text.
        return self.terms.search(text)

    def canonical(self, value: str) -> str | None:
        value = value.strip()
        if len(value) > 200 or is_null(value) or is_count(value):
            return None
        return value

    def looks_like(self, value: str) -> bool:
        return bool(self.terms.find(value))

    def find(self, text: str) -> list[Found]:
        return self.terms.find(text)
