"""Claim words written with look-alike letters (red-team round 7, finding 6): a Cyrillic ``а``
in ``asylum``, a Greek Alpha in ``CAT``, fullwidth or mathematical letters, combining marks
over the letters. A word that reads as Latin is read as Latin, whatever script its letters
come from; a word of Russian or Greek is left as it is. Each class is tried with several of
its members, in cells, headers and prose, with near misses that must stay clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.confusables import CONFUSABLES
from approval.detect.detectors import Element
from approval.detect.scan import scan_file
from approval.detect.textnorm import fold, unconfuse
from approval.detect.vocabulary import HeaderIndex
from approval.policy import Policy
from tests.corpus.accuracy._files import csv_file, text_file
from tests.corpus.people import people

CLAIM = "protection-claim"
_PERSONS = people(8, seed=7_2026_1207)

# One member per kind of look-alike, each a function of a Latin text.
_CYRILLIC = str.maketrans("aeopcxyAEOPCXTHKMB", "аеорсхуАЕОРСХТНКМВ")
_GREEK = str.maketrans("oivAEIKMNOPTXYZ", "οινΑΕΙΚΜΝΟΡΤΧΥΖ")


def cyrillic(text: str) -> str:
    return text.translate(_CYRILLIC)


def greek(text: str) -> str:
    return text.translate(_GREEK)


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalpha() else c for c in text)


def bold(text: str) -> str:
    """Mathematical bold letters (U+1D400 on)."""
    out = []
    for c in text:
        if "A" <= c <= "Z":
            out.append(chr(0x1D400 + ord(c) - ord("A")))
        elif "a" <= c <= "z":
            out.append(chr(0x1D41A + ord(c) - ord("a")))
        else:
            out.append(c)
    return "".join(out)


def marked(text: str, mark: str = "\u0332") -> str:
    """Each letter with a combining mark (an underline by default)."""
    return "".join(c + mark if c.isalpha() else c for c in text)


def one_letter(text: str) -> str:
    """Only the first swappable letter in Cyrillic: the least an attacker changes."""
    for i, c in enumerate(text):
        swapped = c.translate(_CYRILLIC)
        if swapped != c:
            return text[:i] + swapped + text[i + 1 :]
    return text


DISGUISES = [cyrillic, greek, fullwidth, bold, marked, one_letter]


@pytest.fixture(scope="module")
def index(policy: Policy) -> HeaderIndex:
    return HeaderIndex.from_policy(policy)


# --- the table ------------------------------------------------------------------------------------


def test_the_table_reads_each_script_as_the_latin_letter_it_looks_like() -> None:
    assert {CONFUSABLES[c] for c in "аеоросху"} == set("aeopcxy")  # Cyrillic
    assert [CONFUSABLES[c] for c in "АВЕКМНОРСТХ"] == list("ABEKMHOPCTX")
    assert [CONFUSABLES[c] for c in "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ"] == list("ABEZHIKMNOPTYX")  # Greek
    # A capital that UTS #39 reads as "l" reads as the capital I it is drawn as.
    assert CONFUSABLES["І"] == CONFUSABLES["Ι"] == CONFUSABLES["Ⅰ"] == "I"
    assert CONFUSABLES["Ａ"] == "A" and CONFUSABLES["ａ"] == "a"  # fullwidth keeps its case
    assert all(len(v) == 1 and v.isascii() and v.isalpha() for v in CONFUSABLES.values())
    assert not any(k.isascii() for k in CONFUSABLES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("applied for \u0430sylum", "applied for asylum"),
        ("C\u0391\u03a4 granted", "CAT granted"),  # Greek capitals stay capitals
        ("ＣＡＴ ｄｅｆｅｒｒａｌ", "CAT deferral"),
        ("r\u0435fugié", "refugié"),  # an accented Latin letter beside a look-alike
        ("a\u0301sylum", "asylum"),
        ("\U0001d41a\U0001d42c\U0001d432\U0001d425\U0001d42e\U0001d426", "asylum"),
    ],
)
def test_a_word_that_reads_as_latin_is_written_in_latin(text: str, expected: str) -> None:
    assert unconfuse(text)[0] == expected
    assert fold(text) == fold(expected)


@pytest.mark.parametrize(
    "text",
    ["убежище", "Статус беженца", "Сергей Иванов", "προσφυγας", "申请庇护", "Número de caso"],
)
def test_a_word_in_its_own_script_is_left_alone(text: str) -> None:
    assert unconfuse(text) == (text, None)


def test_positions_are_the_texts_own_when_marks_are_removed() -> None:
    text = "Ju\u0301an said a\u0332s\u0332y\u0332l\u0332u\u0332m\u0332 twice"
    latin, where = unconfuse(text)
    assert latin == "Juan said asylum twice"
    assert where is not None and len(where) == len(latin) + 1
    start = latin.index("asylum")
    assert text[where[start] : where[start + len("asylum")]] == marked("asylum")
    assert text[where[latin.index("twice")] :] == "twice"


# --- the claim's words in any disguise ------------------------------------------------------------


@pytest.mark.parametrize("disguise", DISGUISES, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("Asylum case pending", "asylum"),
        ("credible fear positive", "credible fear"),
        ("applied for asylum in 2023", "applied for asylum"),
        ("Refugee status granted", "refugee status"),
    ],
)
def test_a_disguised_claim_word_is_found_where_it_stands(
    detectors: dict[str, Element], disguise: object, value: str, term: str
) -> None:
    claim = detectors[CLAIM]
    text = f"Note: {disguise(value)}."  # type: ignore[operator]
    found = claim.find(text)
    assert found, text
    # The span is the disguised text's own: it starts where the claim starts.
    assert text[found[0].start :].startswith(disguise(value).split()[0])  # type: ignore[operator]


@pytest.mark.parametrize("disguise", [cyrillic, greek, fullwidth, bold], ids=lambda f: f.__name__)
def test_an_acronym_in_disguise_keeps_its_capitals(
    detectors: dict[str, Element], disguise: object
) -> None:
    claim = detectors[CLAIM]
    assert claim.find(f"granted {disguise('CAT')}")  # type: ignore[operator]
    assert not claim.find(f"fed the {disguise('cat')}")  # type: ignore[operator]


def test_russian_and_greek_terms_and_texts_are_read_as_before(
    detectors: dict[str, Element],
) -> None:
    claim = detectors[CLAIM]
    assert claim.find("просит убежища")
    assert claim.find("СТАТУС БЕЖЕНЦА")
    assert not claim.find("Сергей сказал, что сор у ворот")  # look-alikes, no claim
    assert not claim.find("Ο κος Παπαδοπουλος")


# --- files ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("disguise", DISGUISES, ids=lambda f: f.__name__)
def test_a_notes_column_in_disguise_is_a_claim(
    tmp_path: Path, policy: Policy, disguise: object
) -> None:
    rows = [["Name", "Notes"]] + [
        [p.name, disguise("Asylum case pending")]  # type: ignore[operator]
        for p in _PERSONS
    ]
    path = tmp_path / "notes.csv"
    csv_file(rows)(path)
    assert scan_file(path, policy).classes == {"protected-person": len(_PERSONS)}


@pytest.mark.parametrize("disguise", [cyrillic, greek, one_letter], ids=lambda f: f.__name__)
def test_prose_in_disguise_ties_its_names(tmp_path: Path, policy: Policy, disguise: object) -> None:
    lines = [f"{p.name} {disguise('had sought asylum')} in 2023." for p in _PERSONS]  # type: ignore[operator]
    path = tmp_path / "note.txt"
    text_file(lines)(path)
    assert scan_file(path, policy).classes == {"protected-person": len(_PERSONS)}


@pytest.mark.parametrize("disguise", [cyrillic, fullwidth], ids=lambda f: f.__name__)
def test_a_header_in_disguise_names_the_claim(
    tmp_path: Path, policy: Policy, disguise: object
) -> None:
    rows = [["Name", disguise("Asylum")]] + [[p.name, "Y"] for p in _PERSONS]  # type: ignore[operator]
    path = tmp_path / "flags.csv"
    csv_file(rows)(path)
    assert scan_file(path, policy).classes == {"protected-person": len(_PERSONS)}


def test_notes_in_russian_without_a_claim_stay_clean(tmp_path: Path, policy: Policy) -> None:
    rows = [["Name", "Notes"]] + [[p.name, "Сор у ворот, ехо в коридоре"] for p in _PERSONS]
    path = tmp_path / "notes.csv"
    csv_file(rows)(path)
    assert scan_file(path, policy).classes == {}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (greek("CAT"), CLAIM),
        (f"{cyrillic('CAT')} Result", CLAIM),
        (fullwidth("CFI"), CLAIM),
        (cyrillic("Refugee status"), CLAIM),
        (marked("Asylum"), CLAIM),
        (cyrillic("Cat"), None),  # a category, in any script
        (cyrillic("Asylum office"), None),
    ],
)
def test_a_header_in_disguise_is_matched_as_written_in_latin(
    index: HeaderIndex, header: str, expected: str | None
) -> None:
    assert index.match(header) == expected
