"""Loose header matching against the policy's vocabulary."""

from __future__ import annotations

from typing import Any

import pytest

from approval.detect.detectors import Element
from approval.detect.textnorm import norm_header
from approval.detect.vocabulary import HeaderIndex, is_staff_directory
from approval.policy import Policy, default_policy

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


# --- the agency's vocabulary of protection, form by form ----------------------------------------


def _claim_groups(policy: Policy) -> list[dict[str, Any]]:
    assert policy.document is not None
    detector = next(d for d in policy.document["detectors"] if d["id"] == "protection-claim")
    groups: list[dict[str, Any]] = detector["vocabulary"]
    return groups


def _forms(kind: str) -> list[str]:
    return sorted(
        {form for group in _claim_groups(default_policy()) for form in group.get(kind, ())}
    )


def test_every_group_of_the_vocabulary_cites_its_provision(policy: Policy) -> None:
    groups = _claim_groups(policy)
    assert len(groups) >= 7
    assert all(group["cite"].strip() for group in groups)


@pytest.mark.parametrize("header", _forms("headers"))
def test_every_claim_header_names_a_claim(policy: Policy, header: str) -> None:
    index = HeaderIndex.from_policy(policy)
    assert index.match(header) == "protection-claim"
    assert index.match(header.upper()) == "protection-claim"


@pytest.mark.parametrize("term", _forms("terms"))
def test_every_claim_term_is_found_in_a_cell_and_a_sentence(
    detectors: dict[str, Element], term: str
) -> None:
    claim = detectors["protection-claim"]
    assert claim.find(term.upper()), "in a cell, in capitals"
    assert claim.find(f"Records show the person's {term} on 3 March."), "in a sentence"


@pytest.mark.parametrize("acronym", _forms("acronyms"))
def test_every_claim_code_is_found_as_written(detectors: dict[str, Element], acronym: str) -> None:
    claim = detectors["protection-claim"]
    assert claim.find(acronym)
    assert claim.find(f"A212345678 {acronym} 12/05")
    # Other separators people type between a code and its outcome.
    for spelled in (
        acronym.replace(" ", "-"),
        acronym.replace(" ", ": "),
        acronym.replace(" ", "/"),
    ):
        assert claim.find(spelled), spelled


@pytest.mark.parametrize(
    "text",
    [
        "CF POS",
        "CF-NEG",
        "CF: Positive",
        "RF referred",
        "RF vacated",
        "POS CF",
        "CFI-POS",
        "RFI/NEG",
        "WOR granted",
        "W/H",
        "INA 241(b)(3)",
        "withholding under INA § 241(b)(3)",
        "CAT deferral",
        "deferral under CAT",
        "CAT W/H",
        "Derivative asylee",
        "asylee derivative",
        "Form I589",
        "I-589 filed",
        "Referred to IJ",
        "IJ review requested",
        "she feared return",
        "solicitó asilo",
        "pediu asilo",
        "a demandé l'asile",
        "CFI POS; case manager assigned",  # an office word after punctuation is another note
    ],
)
def test_claim_codes_and_outcomes(detectors: dict[str, Element], text: str) -> None:
    assert detectors["protection-claim"].find(text)


@pytest.mark.parametrize(
    "text",
    [
        "Asylum Officer",
        "Supervisory Asylum Officer",
        "Asylum Division",
        "Credible Fear Unit",
        "Reasonable Fear Unit",
        "Fear Screening Section",
        "Asylum Pre-Screening Operation",
        "Refugee, Asylum and International Operations",
        "Houston Asylum Office",
        "Asylum Vetting Center",
        "Refugee Affairs Division",
        "Office of Refugee Resettlement",
        "credible fear training",
        "Credible fear scheduling contacts",
        "call the asylum hotline",
        "a list of asylum attorneys",
        "cf. the memo",  # "compare", in lower case: no code
        "RF engineering",  # radio frequency: a code needs its outcome
        "Payroll: Federal Withholding",
        "The cat sat",
    ],
)
def test_officials_offices_and_programmes_are_no_claim(
    detectors: dict[str, Element], text: str
) -> None:
    assert detectors["protection-claim"].find(text) == []


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("CFI", "protection-claim"),
        ("RFI", "protection-claim"),
        ("CF", "protection-claim"),
        ("CF Decision", "protection-claim"),
        ("RF Result", "protection-claim"),
        ("WOR", "protection-claim"),
        ("W/H", "protection-claim"),
        ("CAT Status", "protection-claim"),
        ("Asylee Status", "protection-claim"),
        ("I-589 Receipt Date", "protection-claim"),
        ("IJ Review", "protection-claim"),
        ("Employee", "person-name"),
        ("Employee Name", "person-name"),
        ("Date de naissance", "birthdate"),
        ("Data de Nascimento", "birthdate"),
        ("Nationalité", "nationality"),
        # Not a claim: payroll, categories, counts.
        ("Federal Withholding", None),
        ("Cat", None),
        ("Number of CFI", None),
        ("Total CAT", None),
    ],
)
def test_headers_of_the_new_vocabulary(policy: Policy, header: str, expected: str | None) -> None:
    assert HeaderIndex.from_policy(policy).match(header) == expected


STAFF = [["Jane Doe", "Supervisory Asylum Officer"], ["John Roe", "Section Chief"]]


@pytest.mark.parametrize(
    ("header", "rows", "expected"),
    [
        (["Name", "Title", "Office"], [[*r, "Credible Fear Unit"] for r in STAFF], True),
        (["Name", "Position"], STAFF, True),
        (["Nombre", "Puesto"], [["Ana Ruiz", "Oficial de asilo"]], True),
        # A title that is an honorific, or no job column at all: not a directory.
        (["Name", "Title"], [["Jane Doe", "Ms."], ["John Roe", "Mr."]], False),
        (["Name", "Office"], [["Jane Doe", "Credible Fear Unit"]], False),
        (["Name", "Claim"], [["Jane Doe", "Asylum"]], False),
    ],
)
def test_staff_directory(header: list[str], rows: list[list[str]], expected: bool) -> None:
    assert is_staff_directory(header, rows) is expected
