"""Each detector against a table of values: (value, what it should find)."""

from __future__ import annotations

from datetime import date

import pytest

from approval.detect.detectors import DETECTORS, Element
from approval.detect.detectors.birthdate import words_number
from approval.policy import KNOWN_DETECTORS


def test_registry_lists_every_known_detector_once() -> None:
    ids = [d.id for d in DETECTORS]
    assert sorted(ids) == sorted(KNOWN_DETECTORS)
    assert len(set(ids)) == len(ids)


def test_every_policy_detector_is_built(detectors: dict[str, Element]) -> None:
    assert set(detectors) == set(KNOWN_DETECTORS)


# --- A-number -------------------------------------------------------------------------------

A_NUMBER_IN_TEXT = [
    ("A212345678", "A212345678"),
    ("A-212-345-678", "A212345678"),
    ("A# 212 345 678", "A212345678"),
    ("A#212345678", "A212345678"),
    ("A 212345678", "A212345678"),
    ("A-212345678", "A212345678"),
    ("A12345678", "A012345678"),  # 8 digits: the same person as A012345678
    ("file A212345678.", "A212345678"),
    ("(A212345678)", "A212345678"),
    ("A2123456789", None),  # 10 digits
    ("QA212345678", None),  # inside a word
    ("212345678", None),  # bare digits need a label
    ("a212345678", "A212345678"),  # glued to its digits, a lower-case a is no article
    ("a 212345678", None),  # a lower-case a before a space is an article
    ("(212) 345-6789", None),
    ("PO A-2023-0045", None),
    ("Invoice 212345678", None),
    ("A 2023 report", None),
    # A comma-separated line without spaces: the comma ends the number, the next field follows.
    ("Maria Garcia,A212345678,11/04/2024", "A212345678"),
    ("A212345678,2024-11-04", "A212345678"),
    ("A212345678.5", None),  # a decimal, not an A-number
]


@pytest.mark.parametrize(("text", "expected"), A_NUMBER_IN_TEXT)
def test_a_number_in_text(detectors: dict[str, Element], text: str, expected: str | None) -> None:
    found = [f.value for f in detectors["a-number"].find(text)]
    assert found == ([expected] if expected else [])


A_NUMBER_LABELLED = [
    ("212345678", "A212345678"),
    ("21234567", "A021234567"),
    ("212-345-678", "A212345678"),
    ("212345678.0", "A212345678"),  # through a spreadsheet as a float
    ("a212345678", "A212345678"),
    (" A 212 345 678 ", "A212345678"),
    ("2123456789", None),
    ("1234567", None),
    ("N/A", None),
    ("", None),
    ("unknown", None),
]


@pytest.mark.parametrize(("value", "expected"), A_NUMBER_LABELLED)
def test_a_number_under_a_header(
    detectors: dict[str, Element], value: str, expected: str | None
) -> None:
    assert detectors["a-number"].canonical(value) == expected


def test_a_number_sample_is_redacted(detectors: dict[str, Element]) -> None:
    assert detectors["a-number"].redact("A212345678") == "A2******78"


# --- person name -----------------------------------------------------------------------------

NAMES_IN_TEXT = [
    ("GARCIA LOPEZ, Maria was interviewed", "GARCIA LOPEZ, Maria"),
    ("PEREZ, Juan Carlos", "PEREZ, Juan Carlos"),
    ("Prepared by SMITH, John", "SMITH, John"),
    ("O'BRIEN, Sean", "O'BRIEN, Sean"),
    ("ИВАНОВ, Иван", "ИВАНОВ, Иван"),
    ("ΠΑΠΑΔΟΠΟΥΛΟΣ, Γιώργος", "ΠΑΠΑΔΟΠΟΥΛΟΣ, Γιώργος"),
    ("SMITH, Jordan", "SMITH, Jordan"),  # a given name that is also a country
    ("HOUSTON, Texas — officers", None),  # a dateline
    ("EL PASO, TX", None),
    ("WASHINGTON, D.C.", None),
    ("SAN SALVADOR, El Salvador", None),
    ("GUATEMALA, Honduras", None),
    ("The cat, Mary and", None),  # not upper case
    ("DEPARTMENT OF HOMELAND SECURITY, Office", None),
    ("ASYLUM, Refugee", None),
    ("Jane Doe", None),  # no LAST, First form: prose names need it or a label
]


@pytest.mark.parametrize(("text", "expected"), NAMES_IN_TEXT)
def test_person_name_in_text(
    detectors: dict[str, Element], text: str, expected: str | None
) -> None:
    found = [f.value for f in detectors["person-name"].find(text)]
    assert found == ([expected] if expected else [])


NAMES_LABELLED = [
    ("Juan Perez", True),
    ("PEREZ GARCIA, JUAN CARLOS", True),
    ("María de la Luz Hernández", True),
    ("Nguyễn Văn An", True),
    ("王伟", True),
    ("محمد أحمد", True),
    ("Perez", True),  # a surname column
    ("Houston Immigration Court", False),
    ("Asylum Statistics", False),
    ("Unit 4B", False),
    ("jdoe@agency.gov", False),
    ("N/A", False),
    ("", False),
]


@pytest.mark.parametrize(("value", "should_flag"), NAMES_LABELLED)
def test_person_name_under_a_header(
    detectors: dict[str, Element], value: str, should_flag: bool
) -> None:
    assert (detectors["person-name"].canonical(value) is not None) is should_flag


NAMES_UNLABELLED = [
    ("Juan Perez", True),
    ("PEREZ, Juan", True),
    ("王伟", True),
    ("San Diego", False),
    ("El Paso", False),
    ("Houston", False),
    ("Otay Mesa Detention Center", False),
    ("Guatemala", False),
    ("juan perez", False),
]


@pytest.mark.parametrize(("value", "should_flag"), NAMES_UNLABELLED)
def test_person_name_shape_without_header(
    detectors: dict[str, Element], value: str, should_flag: bool
) -> None:
    assert detectors["person-name"].looks_like(value) is should_flag


def test_person_name_sample_is_redacted(detectors: dict[str, Element]) -> None:
    assert detectors["person-name"].redact("John Smith") == "J*** S****"


# --- birthdate -------------------------------------------------------------------------------

BIRTHDATES = [
    ("1985-03-02", "1985-03-02"),
    ("1985/03/02", "1985-03-02"),
    ("03/02/1985", "1985-03-02"),  # US order
    ("25/12/1985", "1985-12-25"),  # the first number cannot be a month
    ("3/2/85", "1985-03-02"),
    ("03-02-1985", "1985-03-02"),
    ("02.03.1985", "1985-02-03"),
    ("2 March 1985", "1985-03-02"),
    ("March 2, 1985", "1985-03-02"),
    ("Mar 2 1985", "1985-03-02"),
    ("02-Mar-1985", "1985-03-02"),
    ("2nd March 1985", "1985-03-02"),
    ("2 de marzo de 1985", "1985-03-02"),
    ("19850302", "1985-03-02"),
    ("1985-03-02 00:00:00", "1985-03-02"),
    ("1985-03-02T00:00:00Z", "1985-03-02"),
    ("31108", "1985-03-02"),  # a spreadsheet serial under a DOB header
    ("1899-12-31", None),  # not a plausible birth year
    ("2999-01-01", None),
    ("1985-02-30", None),
    ("13/13/1985", None),
    ("yesterday", None),
    ("", None),
]


@pytest.mark.parametrize(("value", "expected"), BIRTHDATES)
def test_birthdate_under_a_header(
    detectors: dict[str, Element], value: str, expected: str | None
) -> None:
    assert detectors["birthdate"].canonical(value) == expected


def test_birthdate_without_header_needs_an_age(detectors: dict[str, Element]) -> None:
    this_year = date.today().year
    assert detectors["birthdate"].looks_like("1985-03-02")
    assert not detectors["birthdate"].looks_like(f"{this_year}-01-02")  # a hearing date
    assert not detectors["birthdate"].looks_like("19850302")  # digits need a label


def test_birthdate_sample_is_redacted(detectors: dict[str, Element]) -> None:
    assert detectors["birthdate"].redact("1985-03-02") == "19**-**-**"


BIRTHDATES_IN_PROSE = [
    ("Maria Garcia, born 03/04/1985, was moved.", "1985-03-04"),
    ("Maria Garcia (DOB 3/4/85) was moved.", "1985-03-04"),
    ("D.O.B.: 1985-03-04", "1985-03-04"),
    ("born on the third of March 1990", "1990-03-03"),
    ("born on the 3rd of March, 1990", "1990-03-03"),
    ("Her date of birth is March third, nineteen ninety.", "1990-03-03"),
    ("born March twenty-first, nineteen eighty-five", "1985-03-21"),
    ("born on the fifth of June, two thousand and one", "2001-06-05"),
    ("date of birth: the ninth of May nineteen oh five", "1905-05-09"),
    ("nacido el 3 de marzo de 1990", "1990-03-03"),
    ("nascido em 12 de maio de 1988", "1988-05-12"),
    ("née le 3 mars 1990", "1990-03-03"),
    ("Fecha de nacimiento: 12/05/1988", "1988-12-05"),
    # Without a birth label a date is an event, and a birth needs its year.
    ("The hearing on March 3, 1990 was postponed.", None),
    ("the third of March 1990", None),
    ("She was born in 1990.", None),
    ("born on March 3", None),
    ("born on the third of Smarch 1990", None),
    ("born on the thirty-second of March 1990", None),
]


@pytest.mark.parametrize(("text", "expected"), BIRTHDATES_IN_PROSE)
def test_birthdate_in_prose(detectors: dict[str, Element], text: str, expected: str | None) -> None:
    found = [f.value for f in detectors["birthdate"].find(text)]
    assert found == ([expected] if expected else [])


@pytest.mark.parametrize(
    ("words", "number"),
    [
        ("third", 3),
        ("the twenty-third", 23),
        ("thirty-first", 31),
        ("nineteen ninety", 1990),
        ("nineteen eighty-five", 1985),
        ("nineteen oh five", 1905),
        ("nineteen hundred and ninety", 1990),
        ("two thousand and five", 2005),
        ("two thousand five", 2005),
        ("twenty ten", 2010),
        ("3rd", 3),
        ("fifth third", None),
        ("banana", None),
    ],
)
def test_numbers_in_words(words: str, number: int | None) -> None:
    assert words_number(words) == number


# --- nationality -----------------------------------------------------------------------------

NATIONALITIES = [
    ("Guatemala", True, True),
    ("GUATEMALA", True, True),
    ("El Salvador", True, True),
    ("GTM", True, True),
    ("HN", True, False),  # two letters are too ambiguous without a header
    ("México", True, True),
    ("Guatemalan", True, False),  # a demonym, only under a header
    ("12", False, False),
    ("N/A", False, False),
]


@pytest.mark.parametrize(("value", "labelled", "unlabelled"), NATIONALITIES)
def test_nationality(
    detectors: dict[str, Element], value: str, labelled: bool, unlabelled: bool
) -> None:
    assert (detectors["nationality"].canonical(value) is not None) is labelled
    assert detectors["nationality"].looks_like(value) is unlabelled


# --- detention facility -----------------------------------------------------------------------

FACILITIES = [
    ("Otay Mesa Detention Center", "detention center"),
    ("Port Isabel Service Processing Center", "service processing center"),
    ("Harris County Jail", "county jail"),
    ("South Texas Family Residential Center", "family residential center"),
    ("Centro de Detención de Tijuana", "centro de detención"),
    ("Acme Detention Services", None),
    ("Houston Asylum Office", None),
]


@pytest.mark.parametrize(("text", "term"), FACILITIES)
def test_detention_facility_terms(
    detectors: dict[str, Element], text: str, term: str | None
) -> None:
    found = [f.value for f in detectors["detention-facility"].find(text)]
    assert found == ([term] if term else [])


# --- protection claim ------------------------------------------------------------------------

CLAIMS = [
    ("applied for asylum in 2021", "applied for asylum"),
    ("Asylum", "asylum"),
    ("ASYLUM SEEKERS", "asylum seekers"),
    ("asylum-seekers", "asylum seekers"),
    ("Withholding of Removal", "withholding of removal"),
    ("CAT", "CAT"),
    ("CFI: positive", "CFI positive"),  # a code and its outcome
    ("credible-fear interview", "credible fear interview"),
    ("Reasonable Fear - Negative", "reasonable fear"),
    ("Form I-589 pending", "form i-589"),
    ("refugee status", "refugee status"),
    ("solicitante de asilo", "solicitante de asilo"),
    ("miedo creíble", "miedo creíble"),
    ("MIEDO CREIBLE", "miedo creíble"),
    ("Convención contra la Tortura", "convención contra la tortura"),
    ("Supervisory Asylum Officer", None),
    ("Houston Asylum Office", None),
    ("Refugee Affairs Division", None),
    ("the cat sat", None),
    ("Catalog", None),
    ("asylums", None),
]


@pytest.mark.parametrize(("text", "term"), CLAIMS)
def test_protection_claim_terms(detectors: dict[str, Element], text: str, term: str | None) -> None:
    found = [f.value for f in detectors["protection-claim"].find(text)]
    assert found[:1] == ([term] if term else [])


CLAIM_VALUES = [
    ("Positive", True),
    ("Yes", True),
    ("Sí", True),
    ("2022-10-01", True),  # the date of a fear interview ties the person to it
    ("No", False),
    ("N", False),
    ("", False),
    ("14", False),  # a count of cases is an aggregate
    ("1,234", False),
]


@pytest.mark.parametrize(("value", "should_flag"), CLAIM_VALUES)
def test_protection_claim_under_a_header(
    detectors: dict[str, Element], value: str, should_flag: bool
) -> None:
    assert (detectors["protection-claim"].canonical(value) is not None) is should_flag


# --- redaction marks -------------------------------------------------------------------------

# What FOIA releases and redacted exports put where a value was: an empty value to every
# detector, never a name, a claim, a country or a facility.
REDACTION_MARKS = [
    "[REDACTED]",
    "REDACTED",
    "redacted",
    "XXXXX",
    "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",  # longer than any listed mark
    "***",
    "[removed]",
    "(b)(6)",
    "(b)(7)(C)",
    "(b)(6), (b)(7)(C)",
    "(b)(6);(b)(7)(c)",
    "b6, b7c",
    "[Redacted per FOIA (b)(6)]",
    "REDACTED - (b)(6)",
    "[NAME WITHHELD]",
    "█████",
]


@pytest.mark.parametrize("mark", REDACTION_MARKS)
@pytest.mark.parametrize("detector", sorted(KNOWN_DETECTORS))
def test_a_redaction_mark_is_an_empty_value(
    detectors: dict[str, Element], detector: str, mark: str
) -> None:
    element = detectors[detector]
    assert element.canonical(mark) is None
    assert element.canonical(f"  {mark} ") is None
    assert not element.looks_like(mark)
    assert element.find(mark) == []


@pytest.mark.parametrize("mark", REDACTION_MARKS)
@pytest.mark.parametrize("detector", sorted(KNOWN_DETECTORS))
def test_a_redaction_mark_is_absent_from_a_column(
    detectors: dict[str, Element], detector: str, mark: str
) -> None:
    """Every detector's one-call column test sees the mark, whatever the other values."""
    plain = {
        "a-number": "A212345678",
        "birthdate": "1985-03-02",
        "nationality": "Guatemala",
        "detention-facility": "Otay Mesa Detention Center",
        "person-name": "Juan Perez",
        "protection-claim": "Asylum",
        "email": "ruby.stephens@gmail.com",
        "ssn": "601-12-3401",
        "passport-number": "G31234567",
        "receipt-number": "ZLA2412345678",
        "phone": "(202) 555-0101",
        "fin": "1100000131",
    }[detector]
    values = [plain, mark, plain]
    assert detectors[detector].column(values, "\n".join(values)) == [True, False, True]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("REDACTED, XXXXX was interviewed", []),
        ("XXXXX, Xxxxx", []),
        ("REDACTED, Maria", ["REDACTED, Maria"]),  # what is left may still identify
    ],
)
def test_a_redacted_name_in_text(
    detectors: dict[str, Element], text: str, expected: list[str]
) -> None:
    assert [f.value for f in detectors["person-name"].find(text)] == expected


@pytest.mark.parametrize(
    ("value", "should_flag"),
    [("Maria XXXXX", True), ("XXXXX XXXXX", False), ("[REDACTED] [REDACTED]", False)],
)
def test_a_partly_redacted_name_is_still_a_name(
    detectors: dict[str, Element], value: str, should_flag: bool
) -> None:
    assert (detectors["person-name"].canonical(value) is not None) is should_flag


# --- parts of a name (tables without a header) ------------------------------------------------

NAME_PARTS = [
    ("GARCIA", True),
    ("Maria", True),
    ("O'Brien", True),
    ("GARCIA-LOPEZ", True),
    ("Villaseñor", True),
    ("Иван", True),
    ("王", True),  # a script without case
    ("garcia", False),  # lower case
    ("J", False),  # an initial
    ("Juan Perez", False),  # two words: a whole name, not a part
    ("Detained", False),  # a status
    ("Female", False),
    ("Pending", False),
    ("Houston", True),  # a city has a name's shape: the classifier needs more than this
    ("Texas", False),
    ("TX", False),
    ("Oct", False),
    ("Guatemala", False),
    ("JORDAN", True),  # a surname that is also a country
    ("MEX", False),
    ("Asylum", False),  # a term of the policy
    ("Court", False),
    ("XXXXX", False),
    ("REDACTED", False),
    ("A212345678", False),
]


@pytest.mark.parametrize(("value", "should_flag"), NAME_PARTS)
def test_person_name_part(detectors: dict[str, Element], value: str, should_flag: bool) -> None:
    from approval.detect.detectors.person_name import PersonName

    detector = detectors["person-name"]
    assert isinstance(detector, PersonName)
    assert detector.looks_like_part(value) is should_flag


@pytest.mark.parametrize(
    "column",
    [
        ["Last, First", "", ""],  # a template's placeholder
        ["[Name]", "[Name]"],
        ["Maria Garcia", "Last Name", "Juan Lopez"],  # a header row repeated in the data
        ["Nombre", "Apellido"],
    ],
)
def test_a_column_header_or_placeholder_is_never_a_name(
    detectors: dict[str, Element], column: list[str]
) -> None:
    names = detectors["person-name"]
    present = names.column(column, "\n".join(column))
    assert present is not None
    placeholders = [v for v in column if v not in ("Maria Garcia", "Juan Lopez")]
    assert not any(p for p, v in zip(present, column, strict=True) if v in placeholders)


def test_a_sentence_holding_a_name_is_no_name_field(detectors: dict[str, Element]) -> None:
    names = detectors["person-name"]
    assert names.looks_like("GARCIA, Maria")
    assert not names.looks_like("A212345678 (GARCIA, Maria): IJ granted withholding under 241")
