"""The claim's vocabulary as headers, as codes and in other languages (red-team round 6:
F4, F5, F10, F11): every class is generated from its parts, not listed case by case."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from approval.detect.classify import Engine
from approval.detect.detectors import Element
from approval.detect.detectors.terms import (
    AccentBlind,
    TermMatcher,
    accent_blind,
    expand,
    spellings,
)
from approval.detect.scan import scan_file
from approval.detect.textnorm import norm_header
from approval.detect.vocabulary import HeaderIndex
from approval.policy import Policy
from tests.corpus.accuracy._files import csv_file, text_file
from tests.corpus.claim_sheets import (
    IDENTITY_HEADERS,
    NOT_CLAIM_COLUMNS,
    Sheet,
    claim_sheets,
    incident_workbook,
)
from tests.corpus.people import people

CLAIM = "protection-claim"
_PERSONS = people(24, seed=6_2026_1207)


@pytest.fixture(scope="module")
def index(policy: Policy) -> HeaderIndex:
    return HeaderIndex.from_policy(policy)


# --- the claim's terms and acronyms head its columns --------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        # A term or an acronym, alone or with words of a result.
        ("Miedo creíble", CLAIM),
        ("Resultado miedo creíble", CLAIM),
        ("Resultado entrevista miedo", CLAIM),  # "entrevista de miedo", function word aside
        ("Fear Interview Result", CLAIM),
        ("Entrevista de temor", CLAIM),
        ("Crainte crédible", CLAIM),
        ("Refugee", CLAIM),
        ("Refugees", CLAIM),
        ("Refugee status", CLAIM),
        ("CAT", CLAIM),
        ("CAT Result", CLAIM),
        ("NCF", CLAIM),
        ("CF POS", CLAIM),
        ("Asylbewerber", CLAIM),
        ("Убежище", CLAIM),
        # Words that name a claim's column only as the whole header.
        ("Withholding", CLAIM),
        ("Withholding (Y/N)", CLAIM),
        ("Fear", CLAIM),
        ("Fear?", CLAIM),
        ("Screening", CLAIM),
        ("Screening result", CLAIM),
        ("Interview Result", CLAIM),
        ("589", CLAIM),
        # ... and not beside other words, in lower case, or beside an office word.
        ("TB Screening", None),
        ("Tax Withholding", None),
        ("Job Interview", None),
        ("Interview Date", None),  # a hiring sheet's too
        ("Fear of flying", None),
        ("Cat", None),
        ("Category", None),
        ("Refugee Officer", None),
        ("Refugee Resettlement", None),
        ("Total CAT", None),
        ("Number of refugees", None),
        # Identity headers in the languages of the sheets.
        ("ФИО", "person-name"),
        ("Номер A", "a-number"),
        ("Fecha Nac.", "birthdate"),
        ("Дата рождения", "birthdate"),
        ("Staatsangehörigkeit", "nationality"),
    ],
)
def test_claim_words_head_a_claim_column(
    index: HeaderIndex, header: str, expected: str | None
) -> None:
    assert index.match(header) == expected


def test_every_claim_term_heads_a_claim_column(policy: Policy, index: HeaderIndex) -> None:
    vocab = policy.detector(CLAIM)
    assert vocab is not None
    offices = {w.casefold() for w in vocab.offices}
    missed = []
    for term in vocab.terms:
        words = norm_header(term).split()
        if len(words) > 4 or offices.intersection(words):
            continue  # a sentence, or a term that holds an office word
        for header in (term, f"{term} result", f"Resultado {term}"):
            if index.match(header) != CLAIM:
                missed.append(header)
    assert not missed


# --- codes and outcomes: every pair, in either order -------------------------------------------


def _code_outcome_pairs(policy: Policy) -> list[tuple[str, str]]:
    vocab = policy.detector(CLAIM)
    assert vocab is not None
    pairs = []
    for entry in vocab.acronyms:
        words = spellings(entry)
        if len(words) != 2:
            continue
        codes, outcomes = words
        if all(c.isupper() for c in codes) and len(outcomes) > 1:
            pairs += [(a, b) for a in codes for b in outcomes if b.islower()]
    return pairs


def test_codes_and_outcomes_match_as_every_pair_in_either_order(
    policy: Policy, detectors: dict[str, Element]
) -> None:
    pairs = _code_outcome_pairs(policy)
    codes = {a for a, _ in pairs}
    assert {"CF", "CFI", "RF", "RFI", "CFD", "RFD"} <= codes
    claim = detectors[CLAIM]
    missed = []
    for code, outcome in pairs:
        for spelled in (
            f"{code} {outcome}",
            f"{code}-{outcome.upper()}",
            f"{code}: {outcome.capitalize()}",
            f"{outcome.capitalize()} {code}",
            f"{outcome.upper()}/{code}",
            f"Parole basis: {outcome} {code}; released",
        ):
            if not claim.find(spelled):
                missed.append(spelled)
    assert not missed


@pytest.mark.parametrize(
    "text",
    [
        "cf. positive results elsewhere",  # "compare": a code is written in capitals
        "positive cf",
        "589 cases were closed",  # a bare number
        "Payroll: tax withholding",
        "Refugee Law Clinic",
        "passed the bar",
    ],
)
def test_what_codes_do_not_match(detectors: dict[str, Element], text: str) -> None:
    assert detectors[CLAIM].find(text) == []


def test_an_entry_shows_its_own_spelling(policy: Policy) -> None:
    assert expand("[CF,RF] [pos,neg]")[:2] == [("CF pos", "CF pos"), ("CF neg", "CF neg")]
    assert ("pos CF", "CF pos") in expand("[CF,RF] [pos,neg]")
    assert expand("[passed,failed] her CF") == [
        ("passed her CF", "passed her CF"),
        ("failed her CF", "failed her CF"),
    ]
    matcher = TermMatcher([], ["[CF,CFI] [pos,neg]"], [])
    assert [f.value for f in matcher.find("NEG CFI and CF-POS")] == ["CFI neg", "CF pos"]


# --- plain words, other languages and scripts ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "NCF, IJ affirmed, removed 12/2",
        "IJ VAC",
        "SP found",
        "No SP",
        "She passed her CF on 3/4.",
        "He failed his CFI and was removed.",
        "was granted withholding by the judge",
        "has a pending 589 and an EAD",
        "MPP nonrefoulement interview - positive",
        "Form I-870",
        "had requested protection in the United States before their removal",
        "solicitante de protección",
        "Crainte crédible: positif",
        "Asylbewerber",
        "Azil",
        "pè retounen",
        "просит убежища",
        "Статус беженца",
        "她于2021年申请庇护。",  # no spaces between words
        "طالب لجوء",
        "اللاجئين",  # a letter with a hamza: precomposed in the text
    ],
)
def test_claims_in_plain_words_and_other_languages(
    detectors: dict[str, Element], text: str
) -> None:
    assert detectors[CLAIM].find(text)


def test_a_letter_confirming_that_persons_sought_protection_is_protected(
    tmp_path: Path, policy: Policy
) -> None:
    names = [p.name for p in _PERSONS[:3]]
    path = tmp_path / "letter.txt"
    text_file(
        [
            "Dear Consul,",
            "",
            "This is to confirm that the following nationals of your country, removed on "
            "December 2, had requested protection in the United States before their removal:",
            "",
            *names,
            "",
            "Sincerely,",
        ]
    )(path)
    assert scan_file(path, policy).classes == {"protected-person": 3}


# --- the incident's sheet under every office's headers -----------------------------------------


@pytest.mark.parametrize("sheet", claim_sheets(), ids=lambda s: s.id)
def test_an_incident_sheet_under_any_claim_header_is_protected(
    tmp_path: Path, policy: Policy, sheet: Sheet
) -> None:
    path = tmp_path / "stats.xlsx"
    incident_workbook(_PERSONS[:12], sheet)(path)
    assert scan_file(path, policy).classes == {"protected-person": 12}


@pytest.mark.parametrize(("header", "values"), NOT_CLAIM_COLUMNS, ids=lambda v: str(v))
def test_an_incident_sheet_without_a_claim_is_personal_data(
    tmp_path: Path, policy: Policy, header: str, values: tuple[str, str]
) -> None:
    path = tmp_path / "stats.xlsx"
    incident_workbook(_PERSONS[:12], Sheet("en", header, values))(path)
    assert scan_file(path, policy).classes == {"personal-data": 12}


@pytest.mark.parametrize("header", ["Miedo creíble", "CAT", "Refugee", "Withholding", "589"])
def test_names_under_a_claim_word_header_are_protected(
    tmp_path: Path, policy: Policy, header: str
) -> None:
    rows = [["Name", header]] + [
        [p.name, ("Positive", "Negative")[i % 2]] for i, p in enumerate(_PERSONS[:6])
    ]
    path = tmp_path / "list.csv"
    csv_file(rows)(path)
    assert scan_file(path, policy).classes == {"protected-person": 6}


def test_identity_headers_of_every_language_name_their_elements(index: HeaderIndex) -> None:
    kinds = ("person-name", "a-number", "birthdate", "nationality")
    for language, headers in IDENTITY_HEADERS.items():
        assert [index.match(h) for h in headers[:4]] == list(kinds), language


# --- accented labels in text (F10) --------------------------------------------------------------


@pytest.mark.parametrize("label", ["Número de extranjero", "Numero de extranjero", "NÚMERO A"])
def test_an_accented_label_in_text_is_read(tmp_path: Path, policy: Policy, label: str) -> None:
    path = tmp_path / "note.txt"
    text_file([f"{label}: {_PERSONS[0].a_digits}", "Resultado: miedo creíble negativo"])(path)
    assert scan_file(path, policy).classes == {"protected-person": 1}


def test_both_forms_of_the_label_patterns_agree(engine: Engine) -> None:
    prefilter, inline = engine.label_prefilter, engine.inline_labels
    assert isinstance(prefilter, AccentBlind) and isinstance(inline, AccentBlind)
    rng = random.Random(10)
    pieces = ["Número", "numero", "de", "extranjero", "A", "Fecha", "de", "nacimiento", "DOB"]
    pieces += [":", " ", "212345678", "03/04/1985", "é", "x"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 7))) for _ in range(800)]
    for pattern in (prefilter, inline):
        for text in texts:
            whole = [m.span() for m in pattern.pattern.finditer(text)]
            assert [m.span() for m in pattern.finditer(text)] == whole, text
    assert prefilter.search("NÚMERO DE EXTRANJERO: 1") is not None
    assert accent_blind("número", accents=False) == "numero"
