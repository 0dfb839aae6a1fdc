"""Every detector, listed explicitly; ``tests/detect/test_detectors.py`` checks that this list
and ``approval.policy.KNOWN_DETECTORS`` name the same elements.

A detector is built from the policy's vocabulary for its element (``build``); a detector the
policy does not configure is not used.
"""

from __future__ import annotations

from approval.detect.detectors.a_number import ANumber
from approval.detect.detectors.base import Element, Found
from approval.detect.detectors.birthdate import Birthdate
from approval.detect.detectors.detention_facility import DetentionFacility
from approval.detect.detectors.email import Email
from approval.detect.detectors.fin import FingerprintNumber
from approval.detect.detectors.nationality import Nationality
from approval.detect.detectors.passport import Passport
from approval.detect.detectors.person_name import PersonName
from approval.detect.detectors.phone import Phone
from approval.detect.detectors.protection_claim import ProtectionClaim
from approval.detect.detectors.receipt_number import ReceiptNumber
from approval.detect.detectors.ssn import SSN
from approval.policy import Policy

DETECTORS: tuple[type[Element], ...] = (
    PersonName,
    ANumber,
    Email,
    SSN,
    Passport,
    ReceiptNumber,
    Phone,
    FingerprintNumber,
    Birthdate,
    Nationality,
    DetentionFacility,
    ProtectionClaim,
)

# Identifiers that key a person on their own, besides the A-number and the name: a record
# that holds one of them and a claim is a protected person's (``classify`` counts each value
# as one person where nothing else names them).
OTHER_IDENTIFIERS = frozenset(
    {Email.id, SSN.id, Passport.id, ReceiptNumber.id, Phone.id, FingerprintNumber.id}
)

__all__ = ["DETECTORS", "OTHER_IDENTIFIERS", "Element", "Found", "build"]


def build(policy: Policy) -> dict[str, Element]:
    """The detectors the policy configures, by id, in the policy's order."""
    by_id = {d.id: d for d in DETECTORS}
    return {v.id: by_id[v.id](v, policy) for v in policy.detectors if v.id in by_id}
