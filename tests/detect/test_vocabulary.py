"""Loose header matching against the policy's vocabulary."""

from __future__ import annotations

import pytest

from approval.detect.textnorm import norm_header
from approval.detect.vocabulary import HeaderIndex
from approval.policy import Policy

HEADERS = [
    ("A-Number", "a-number"),
    ("A#", "a-number"),
    ("A #", "a-number"),
    ("Alien No.", "a-number"),
    ("ALIEN_NUMBER", "a-number"),
    ("aNumber", "a-number"),
    ("Detainee A-Number", "a-number"),
    ("USCIS #", "a-number"),
    ("Número A", "a-number"),
    ("DOB", "birthdate"),
    ("D.O.B.", "birthdate"),
    ("dateOfBirth", "birthdate"),
    ("Detainee DOB", "birthdate"),
    ("Fecha de Nacimiento", "birthdate"),
    ("Ctry of Citz", "nationality"),
    ("Country of Citizenship", "nationality"),
    ("Applicant Country of Birth", "nationality"),
    ("Subj Nm", "person-name"),
    ("Detainee Last Name", "person-name"),
    ("Name", "person-name"),
    ("Nombre del detenido", "person-name"),
    ("Facility Name", "detention-facility"),
    ("Current Facility", "detention-facility"),
    ("CFI Result", "protection-claim"),
    ("Credible Fear Interview Date", "protection-claim"),
    ("Claim Type", "protection-claim"),
    # Not an element: aggregates, other identifiers, unrelated words.
    ("Number of asylum cases", None),
    ("# of Detainees", None),
    ("Total asylum claims", None),
    ("Asylum grant rate", None),
    ("Invoice No.", None),
    ("Phone", None),
    ("Court", None),
    ("Hearing Date", None),
    ("", None),
]


@pytest.mark.parametrize(("header", "expected"), HEADERS)
def test_header_names_its_element(policy: Policy, header: str, expected: str | None) -> None:
    assert HeaderIndex.from_policy(policy).match(header) == expected


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("Alien No.", "alien no"),
        ("A#", "a #"),
        ("D.O.B.", "dob"),
        ("dateOfBirth", "date of birth"),
        ("CFIResult", "cfi result"),
        ("Ctry_of_Citz", "ctry of citz"),
        ("País de ciudadanía", "pais de ciudadania"),
    ],
)
def test_header_normalisation(raw: str, normal: str) -> None:
    assert norm_header(raw) == normal
