"""Birthdates in Spanish, Portuguese and French prose: after a birth cue of those languages
(``nacida el``, ``nascido em``, ``née le``, ``fecha de nacimiento``, ``F. nac.``), a date with its
month in letters (accents or none) and its day, and optionally its year, in figures or in words.
Without a cue a date is an event, as in English."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.detectors import Element
from approval.detect.detectors.birthdate import words_number
from approval.detect.scan import scan_file
from approval.policy import Policy

# Every day of a month, written out, as each language writes it; variants after a slash.
ES_DAYS = (
    "uno/primero/un/primer dos tres cuatro cinco seis siete ocho nueve diez once doce trece "
    "catorce quince dieciséis/dieciseis/diez_y_seis diecisiete dieciocho diecinueve veinte "
    "veintiuno/veintiún/veinte_y_uno veintidós/veintidos veintitrés veinticuatro veinticinco "
    "veintiséis veintisiete veintiocho veintinueve treinta treinta_y_uno/treinta_y_un"
)
PT_DAYS = (
    "um/primeiro dois três/tres quatro cinco seis sete oito nove dez onze doze treze "
    "catorze/quatorze quinze dezasseis/dezesseis dezassete/dezessete dezoito dezanove/dezenove "
    "vinte vinte_e_um vinte_e_dois vinte_e_três vinte_e_quatro vinte_e_cinco vinte_e_seis "
    "vinte_e_sete vinte_e_oito vinte_e_nove trinta trinta_e_um"
)
FR_DAYS = (
    "un/premier deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze "
    "quinze seize dix-sept/dix_sept dix-huit dix-neuf vingt vingt-et-un/vingt_et_un/vingt_un "
    "vingt-deux vingt-trois vingt-quatre vingt-cinq vingt-six vingt-sept vingt-huit vingt-neuf "
    "trente trente-et-un/trente_et_un"
)


def _days(table: str) -> list[tuple[str, int]]:
    return [
        (spelling.replace("_", " "), day)
        for day, spellings in enumerate(table.split(), 1)
        for spelling in spellings.split("/")
    ]


DAY_WORDS = [*_days(ES_DAYS), *_days(PT_DAYS), *_days(FR_DAYS)]


def test_every_day_of_the_month_is_spelled_in_each_language() -> None:
    for table in (ES_DAYS, PT_DAYS, FR_DAYS):
        assert sorted({day for _, day in _days(table)}) == list(range(1, 32))


@pytest.mark.parametrize(("words", "day"), DAY_WORDS, ids=[w for w, _ in DAY_WORDS])
def test_day_in_words(words: str, day: int) -> None:
    assert words_number(words) == day
    assert words_number(words.upper()) == day


@pytest.mark.parametrize(
    ("words", "number"),
    [
        ("1º", 1),
        ("1.º", 1),
        ("1er", 1),
        ("mil novecientos ochenta y siete", 1987),
        ("mil novecentos e oitenta e sete", 1987),
        ("mil neuf cent quatre-vingt-sept", 1987),
        ("dix-neuf cent quatre-vingt-dix-neuf", 1999),
        ("mille neuf cent soixante-dix", 1970),
        ("dos mil uno", 2001),
        ("dois mil e cinco", 2005),
        ("deux mille dix", 2010),
        ("trois chats", None),
        ("veinte gatos", None),
    ],
)
def test_romance_numbers(words: str, number: int | None) -> None:
    assert words_number(words) == number


MONTHS = {
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre/setiembre octubre "
    "noviembre diciembre",
    "pt": "janeiro fevereiro março/marco/MARÇO abril maio junho julho agosto setembro outubro "
    "novembro dezembro",
    "fr": "janvier février/fevrier/FÉVRIER mars avril mai juin juillet août/aout septembre "
    "octobre novembre décembre/decembre",
}
_CUE = {
    "es": "nacida el 3 de {} de 1987",
    "pt": "nascido em 3 de {} de 1987",
    "fr": "née le 3 {} 1987",
}
MONTH_CASES = [
    (_CUE[lang].format(spelling), f"1987-{month:02d}-03")
    for lang, table in MONTHS.items()
    for month, spellings in enumerate(table.split(), 1)
    for spelling in spellings.split("/")
]


@pytest.mark.parametrize(("text", "expected"), MONTH_CASES, ids=[t for t, _ in MONTH_CASES])
def test_every_month_name(detectors: dict[str, Element], text: str, expected: str) -> None:
    assert [f.value for f in detectors["birthdate"].find(text)] == [expected]


IN_PROSE = [
    # Spanish: cues, days in words and in figures, years in words.
    ("Ana Ruiz, nacida el tres de marzo de 1987, fue entrevistada.", "1987-03-03"),
    ("Nacido el veintitrés de octubre de 1979 en Colón.", "1979-10-23"),
    ("nació el 21 de septiembre del 1985", "1985-09-21"),
    ("nacida el día primero de enero de 1990", "1990-01-01"),
    ("nacido el 1º de mayo de 1990", "1990-05-01"),
    ("nacido el 1.º de mayo de 1990", "1990-05-01"),
    ("nacido/a el 3 de marzo de 1987", "1987-03-03"),
    ("Fecha de nacimiento: 3 de marzo de 1987", "1987-03-03"),
    ("F. nac.: 03/03/1987", "1987-03-03"),
    ("F. nac. treinta y uno de diciembre de 1969", "1969-12-31"),
    ("fecha de nacimiento: tres de marzo de mil novecientos ochenta y siete", "1987-03-03"),
    ("nacida en San Pedro Sula el 3 de marzo de 1987", "1987-03-03"),
    # Portuguese.
    ("João Pereira, nascido em três de março de 1987, foi transferido.", "1987-03-03"),
    ("nascida a 3 de Março de 1987", "1987-03-03"),
    ("nascido no dia vinte e um de maio de 1988", "1988-05-21"),
    ("nasceu em 1º de janeiro de 1990", "1990-01-01"),
    ("nascido(a) em dezessete de julho de 1992", "1992-07-17"),
    ("Data de nascimento: 3 de marco de 1987", "1987-03-03"),
    ("Data nasc.: 12 de dezembro de 1975", "1975-12-12"),
    ("nascida em Luanda em trinta e um de outubro de 1980", "1980-10-31"),
    ("nascido em 2 de fevereiro de mil novecentos e oitenta e sete", "1987-02-02"),
    # French.
    ("Amina Diallo, née le vingt-et-un février 1985, a été transférée.", "1985-02-21"),
    ("né le 3 mars 1987", "1987-03-03"),
    ("Né le 1er aout 1990", "1990-08-01"),
    ("né(e) le premier août 1990", "1990-08-01"),
    ("née à Kinshasa le dix-sept juillet 1992", "1992-07-17"),
    ("Date de naissance : 3 mars 1987", "1987-03-03"),
    ("Naissance : trente et un décembre 1969", "1969-12-31"),
    ("née le 3 mars mil neuf cent quatre-vingt-sept", "1987-03-03"),
    ("né le 9 juin dix-neuf cent soixante-dix", "1970-06-09"),
    # The English forms still work, with a place of birth too.
    ("born on the third of March 1990", "1990-03-03"),
    ("born in Lagos, Nigeria, on 3 March 1990", "1990-03-03"),
    # A person called April, or Marzo: the name is no month.
    ("April Rivera, nacida el 3 de abril de 1987, llegó.", "1987-04-03"),
    ("Luis Marzo, né le 2 mai 1980, est arrivé.", "1980-05-02"),
    # Without a birth cue a date is an event: a meeting, a hearing, a transfer.
    ("El 3 de marzo de 2024 se reunió el comité.", None),
    ("el tres de marzo de 1987 se firmó el acuerdo", None),
    ("Le 3 mars 1987, la réunion a eu lieu.", None),
    ("le 3 mars", None),
    ("em 3 de março de 1987 foi assinado o contrato", None),
    ("Nacionalidad: 3 de marzo de 1987", None),
    ("Audiencia: 3 de marzo de 2024", None),
    ("April Marzo was interviewed on 3 March 1990.", None),
    # A cue without a full date, or with a day no month has.
    ("nacida el tres de marzo", None),
    ("née en 1987", None),
    ("nacida el treinta y dos de marzo de 1987", None),
    ("nascido em 3 de martes de 1987", None),
    ("née le 3 mars 2999", None),
    # The cue must be a word of its own.
    ("renacida el 3 de marzo de 1987", None),
]


@pytest.mark.parametrize(("text", "expected"), IN_PROSE, ids=[t for t, _ in IN_PROSE])
def test_birthdate_in_romance_prose(
    detectors: dict[str, Element], text: str, expected: str | None
) -> None:
    assert [f.value for f in detectors["birthdate"].find(text)] == ([expected] if expected else [])


def test_text_without_a_birth_cue_is_skipped_by_the_prefilter(
    detectors: dict[str, Element],
) -> None:
    birthdate = detectors["birthdate"]
    assert not birthdate.may_find("El 3 de marzo de 2024 se reunió el comité.")
    assert not birthdate.may_find("Le 3 mars 1987, la réunion a eu lieu.")
    assert birthdate.may_find("née le 3 mars 1987")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3 de março de 1987", "1987-03-03"),
        ("tres de marzo de 1987", "1987-03-03"),
        ("21 février 1985", "1985-02-21"),
        ("vingt-et-un février 1985", "1985-02-21"),
        ("Marzo", None),
        ("April", None),
        ("mars", None),
    ],
)
def test_date_in_words_under_a_birth_header(
    detectors: dict[str, Element], value: str, expected: str | None
) -> None:
    assert detectors["birthdate"].canonical(value) == expected


@pytest.mark.parametrize("value", ["3 de março de 1987", "3 mars 1987", "tres de marzo de 1987"])
def test_words_without_a_header_are_no_birthdate(detectors: dict[str, Element], value: str) -> None:
    assert not detectors["birthdate"].looks_like(value)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Amina Diallo, née le vingt-et-un février 1985, a été transférée hier.\n", "fr.txt"),
        ("João Pereira, nascido em três de março de 1987, foi transferido ontem.\n", "pt.txt"),
    ],
)
def test_a_name_with_a_birthdate_in_words_is_personal_data(
    policy: Policy, tmp_path: Path, text: str, name: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = scan_file(path, policy)
    assert report.classes == {"personal-data": 1}
    assert "birthdate" in {f.detector for f in report.findings}


def test_month_names_in_a_header_row_are_no_birthdates(policy: Policy, tmp_path: Path) -> None:
    path = tmp_path / "mensual.csv"
    path.write_text(
        "Nacionalidad,Enero,Febrero,Marzo,Abril\nHonduras,12,7,9,4\nGuatemala,3,5,8,1\n",
        encoding="utf-8",
    )
    assert scan_file(path, policy).verdict == "clean"
    staff = tmp_path / "personal.csv"
    staff.write_text("Nombre,Apellido,Oficina\nLuis,Marzo,Houston\nApril,Rivera,Miami\n")
    assert "birthdate" not in {f.detector for f in scan_file(staff, policy).findings}
