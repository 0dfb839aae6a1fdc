"""Persons named in running text as claimants: the message of December 2022 ("we confirm that
... had sought asylum"), and the prose that names officials beside claims and must stay clean."""

from __future__ import annotations

import pytest

from approval.detect.claimants import claimants, persons
from approval.detect.detectors import Element
from approval.detect.detectors.person_name import PersonName
from approval.detect.detectors.protection_claim import ProtectionClaim

CLAIMANTS = [
    (
        "We confirm that Juan Carlos Mendoza Reyes and Maria Elena Gutierrez, who are on the "
        "manifest for the flight of 14 November, had sought asylum.",
        ["Juan Carlos Mendoza Reyes", "Maria Elena Gutierrez"],
    ),
    ("Asylum seeker Ana Lucía Torres was transferred on Monday.", ["Ana Lucía Torres"]),
    (
        "The asylum application of Pedro Alvarez de la Cruz is pending.",
        ["Pedro Alvarez de la Cruz"],
    ),
    ("Pedro Alvarez's credible fear interview took place in October.", ["Pedro Alvarez"]),
    ("Pedro Alvarez, an asylum seeker from Honduras, arrived Tuesday.", ["Pedro Alvarez"]),
    ("The court granted withholding of removal to Samir Haddad.", ["Samir Haddad"]),
    ("Olga Petrova was granted asylum in 2021.", ["Olga Petrova"]),
    ("José Hernández solicitó asilo en la frontera.", ["José Hernández"]),
    (
        "Last week, Maria Gonzalez and her son Luis Gonzalez applied for asylum.",
        ["Maria Gonzalez", "Luis Gonzalez"],
    ),
    ("Mr. Perez had a credible fear interview on 3 March.", ["Perez"]),
    # Wrapped over lines the way a message body is.
    ("We confirm that Olga\nPetrova had sought\nasylum.", ["Olga Petrova"]),
    # Typed carelessly: a given name and a surname in lower case or in capitals.
    ("maria lopez applied for asylum last year.", ["maria lopez"]),
    ("Intake notes: jose luis ramirez sought asylum at the port.", ["jose luis ramirez"]),
    ("MARIA LOPEZ applied for asylum on 3 March.", ["MARIA LOPEZ"]),
    ("We confirm that JOSE RAMIREZ had a credible fear interview.", ["JOSE RAMIREZ"]),
    # The claim in the sentence after the name, told of her or him.
    (
        "We met Maria Lopez on Monday. She told the officer she fears return to Honduras.",
        ["Maria Lopez"],
    ),
    ("We met Olga Petrova on Monday. She applied for asylum last year.", ["Olga Petrova"]),
    ("Samir Haddad came to the office. Later, he sought asylum.", ["Samir Haddad"]),
    ("we met maria lopez at the shelter. she applied for asylum.", ["maria lopez"]),
    # Named in full, then by surname: one person.
    (
        "Samir Haddad applied for asylum. Mr. Haddad passed his credible fear interview.",
        ["Samir Haddad"],
    ),
]

OFFICIALS_AND_PLACES = [
    "Director Alice Chen announced that 3,000 people had sought asylum.",
    "Robert Miller said that 40 families sought asylum in Texas.",
    "Jane Smith, Press Secretary, said the asylum backlog fell.",
    "Judge Maria Lopez granted asylum to 14 applicants.",
    "Asylum officer Jane Doe interviewed 12 applicants who sought asylum.",
    "Applicants in Otay Mesa sought asylum last year.",
    "Nationals of Honduras, Guatemala and El Salvador filed 41% of asylum applications.",
    "Secretary Jordan Blake said every applicant deserves a fair credible fear interview.",
    "Please RSVP to Robert Miller, Office of Public Affairs, about the asylum figures.",
    "The New York Times reported that 5,000 people applied for asylum.",
    "Human Rights Watch said that migrants who sought asylum were returned.",
    "Under Secretary Robert Smith reviewed the asylum cases.",
    "Congresswoman Jane Roe asked how many people sought asylum.",
    "Sen. John Roe asked how many people sought asylum.",
    "The Refugee Act of 1980 created the asylum system.",
    "Customs and Border Protection referred 5,000 asylum seekers.",
    "Catholic Charities staff helped 300 people who applied for asylum.",
    # A name and a claim in different sentences are not tied.
    "Maria Gonzalez visited the office. Asylum applications rose by 8 percent.",
    # No claim at all.
    "Juan Carlos Mendoza Reyes was transferred on Monday.",
    # Lower case or capitals: an official is an official, common words are no name.
    "asylum officer maria lopez reviewed the file and found 12 applicants sought asylum.",
    "JUDGE MARIA LOPEZ granted asylum to 14 applicants.",
    "grace and mercy applied for asylum in the story.",
    # Words of the gazetteer, but no given name and surname: two given names (pink light).
    "rosa luz applied for asylum.",
    "ROSA LUZ applied for asylum.",
    # A pronoun after a name: the next sentence says nothing of a claim that is hers, or the
    # sentence before names two people and the pronoun is either's.
    "We met Maria Lopez on Monday. She is our new asylum officer.",
    "We met Maria Lopez on Monday. She told us that asylum applications rose by 8 percent.",
    "Maria Lopez met Jose Ramirez on Monday. She applied for asylum.",
    "We met Maria Lopez on Monday. The officer said he sought asylum in 2019.",
    "Director Alice Chen spoke on Monday. She said 3,000 people sought asylum.",
]


@pytest.fixture(scope="module")
def names(detectors: dict[str, Element]) -> PersonName:
    found = detectors["person-name"]
    assert isinstance(found, PersonName)
    return found


@pytest.fixture(scope="module")
def claim(detectors: dict[str, Element]) -> ProtectionClaim:
    found = detectors["protection-claim"]
    assert isinstance(found, ProtectionClaim)
    return found


def found_in(text: str, names: PersonName, claim: ProtectionClaim) -> list[str]:
    text = " ".join(text.split("\n"))
    return [f.value for f in claimants(text, claim.spans(text), names)]


@pytest.mark.parametrize(("text", "expected"), CLAIMANTS)
def test_a_person_named_as_the_claimant_is_found(
    text: str, expected: list[str], names: PersonName, claim: ProtectionClaim
) -> None:
    assert found_in(text, names, claim) == expected


@pytest.mark.parametrize("text", OFFICIALS_AND_PLACES)
def test_officials_places_and_untied_names_are_not_claimants(
    text: str, names: PersonName, claim: ProtectionClaim
) -> None:
    assert found_in(text, names, claim) == []


def test_positions_point_at_the_name(names: PersonName, claim: ProtectionClaim) -> None:
    text = "Yesterday Olga Petrova was granted asylum."
    (found,) = claimants(text, claim.spans(text), names)
    assert text[found.start : found.end] == "Olga Petrova"


def test_a_long_run_of_capitals_costs_linear_time(
    names: PersonName, claim: ProtectionClaim
) -> None:
    text = ("Ana " * 50_000) + "sought asylum."
    assert found_in(text, names, claim) == []  # a 200 kB "sentence" is no sentence


# --- reported speech, other languages, and persons anchored by what their sentence gives them ---

REPORTED = [
    ("Maria Garcia told the officer she feared return to Honduras.", ["Maria Garcia"]),
    ("Juan Lopez said that he was afraid to return.", ["Juan Lopez"]),
    ("Ana Torres explained to the interviewer that she fears persecution.", ["Ana Torres"]),
    (
        "Samir Haddad, through an interpreter, told agents he feared torture if removed.",
        ["Samir Haddad"],
    ),
    ("Juan López dijo al oficial que tenía miedo de regresar.", ["Juan López"]),
    ("Marie Dubois a déclaré qu'elle craignait de retourner.", ["Marie Dubois"]),
    ("João Silva pediu asilo na fronteira.", ["João Silva"]),
    ("Marie Dubois a demandé l'asile en 2021.", ["Marie Dubois"]),
    ("Ana Perez fears persecution in her home town.", ["Ana Perez"]),
]

SPEAKERS = [
    # What officials say about others stays theirs.
    "Robert Miller said that 40 families sought asylum in Texas.",
    "Robert Miller said asylum seekers must wait.",
    "Jane Roe told reporters that many people feared return.",
    "Director Alice Chen told the committee she expects more asylum claims.",
    "Juan Pérez dijo que 40 familias solicitaron asilo.",
]


@pytest.mark.parametrize(("text", "expected"), REPORTED)
def test_reported_speech_about_oneself_makes_a_claimant(
    text: str, expected: list[str], names: PersonName, claim: ProtectionClaim
) -> None:
    assert found_in(text, names, claim) == expected


@pytest.mark.parametrize("text", SPEAKERS)
def test_speakers_about_others_are_not_claimants(
    text: str, names: PersonName, claim: ProtectionClaim
) -> None:
    assert found_in(text, names, claim) == []


ANCHORED = [
    ("Ana Perez, born 03/04/1985, was transferred on Monday.", ["Ana Perez"]),
    ("Ana Perez was born on the third of March 1990 in Tegucigalpa.", ["Ana Perez"]),
    ("Juan Lopez (A212345678) missed his appointment.", ["Juan Lopez"]),
    ("Detainee Juan Lopez is held at the Otay Mesa Detention Center.", ["Juan Lopez"]),
    (
        "The officer moved Ana Perez and Juan Lopez to the Stewart Detention Center.",
        ["Ana Perez", "Juan Lopez"],
    ),
    # Officials beside a facility stay officials; places are no persons.
    ("Director Alice Chen visited the Otay Mesa Detention Center.", []),
    ("Jane Roe, the facility's administrator, toured the Stewart Detention Center.", []),
    ("Robert Miller said the Adelanto ICE Processing Center has 1,940 beds.", []),
    ("Warden John Brown runs the Stewart Detention Center.", []),
    # Without anything beside it, a name is nobody's data.
    ("Ana Perez visited the office on Monday.", []),
]


@pytest.mark.parametrize(("text", "expected"), ANCHORED)
def test_a_name_beside_an_identifier_or_attribute_is_a_person(
    text: str, expected: list[str], detectors: dict[str, Element], names: PersonName
) -> None:
    anchors = [
        f for d in ("a-number", "birthdate", "detention-facility") for f in detectors[d].find(text)
    ]
    assert [f.value for f in persons(text, [], anchors, names)] == expected
