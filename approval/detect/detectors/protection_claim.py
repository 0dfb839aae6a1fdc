"""A claim for protection: asylum, withholding, CAT, credible or reasonable fear, refugee
status, Form I-589, in every language the policy lists.

Terms match whole words, case- and accent-blind; acronyms (``CAT``, ``CFI``) match in capitals
only, so that a cat is not the Convention Against Torture. The policy's ``not_terms`` win over
its terms where they overlap: an ``Asylum Officer`` is a job title, not a claim. Look-alike
letters of other scripts read as the Latin letters they look like (``CΑT`` with a Greek
Alpha). Under a claim header (``Claim Type``, ``CFI Result``) any value ties the person to a
claim except an empty one (a redaction mark is empty), a plain "no", or a number: a count of
cases is an aggregate, not a person's claim.

The sample shown for a claim is the policy's term, not the file's text.
"""

from __future__ import annotations

from approval.detect.detectors.base import Element, Found
from approval.detect.detectors.terms import TermMatcher
from approval.detect.textnorm import NEGATIONS, NULLS, fold, is_count, is_null
from approval.policy import Detector, Policy

# "No" as people type it in a claim column.
_NEGATIONS_RAW = frozenset(v for n in NEGATIONS for v in (n, n.upper(), n.capitalize(), n.title()))


class ProtectionClaim(Element):
    id = "protection-claim"
    absent = NULLS | _NEGATIONS_RAW

    def __init__(self, vocab: Detector, policy: Policy):
        super().__init__(vocab, policy)
        self.terms = TermMatcher(vocab.terms, vocab.acronyms, vocab.not_terms, vocab.offices)

    def may_find(self, text: str) -> bool:
        # The matcher's own test: it picks the cheaper of its two patterns for the text.
        return self.terms.search(text)

    def canonical(self, value: str) -> str | None:
        value = value.strip()
        if len(value) > 500 or is_null(value) or fold(value) in NEGATIONS or is_count(value):
            return None
        found = self.terms.find(value)
        return found[0].value if found else "claim"

    def looks_like(self, value: str) -> bool:
        return bool(self.terms.find(value))

    def find(self, text: str) -> list[Found]:
        return self.terms.find(text)

    def spans(self, text: str) -> list[Found]:
        """Every occurrence of a claim in ``text``, for tying named persons to it."""
        return self.terms.spans(text)

    def redact(self, canonical: str) -> str:
        return canonical
