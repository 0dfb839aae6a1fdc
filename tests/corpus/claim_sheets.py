"""The 2022 incident's sheet in the shapes it takes in other offices: the persons' names,
A-numbers, birthdates, nationalities, facilities and case status, then a column of fear
results under the office's own header, in its own language and codes.

Each sheet is made from parts (a language's identity headers, a claim header, a pair of result
values), so that a test tries the class, every part against every other, not one file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tests.corpus.accuracy._files import Make, xlsx_file
from tests.corpus.people import Person

# Headers of the identity columns, per language: name, A-number, birthdate, nationality,
# facility, case status.
IDENTITY_HEADERS: dict[str, tuple[str, ...]] = {
    "en": ("Name", "A-Number", "DOB", "Nationality", "Facility", "Case Status"),
    "es": ("Nombre", "Número A", "Fecha Nac.", "Nacionalidad", "Centro", "Estatus"),
    "fr": ("Nom", "Numéro A", "Date de naissance", "Nationalité", "Centre", "Statut"),
    "pt": ("Nome", "Número A", "Data de nascimento", "Nacionalidade", "Centro", "Situação"),
    "de": ("Name", "A-Nummer", "Geburtsdatum", "Staatsangehörigkeit", "Einrichtung", "Status"),
    "ru": ("ФИО", "Номер A", "Дата рождения", "Гражданство", "Учреждение", "Статус"),
}

# Headers of a column of fear results, as offices write them, with the values under them.
CLAIM_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, str]]] = {
    "en": (
        (
            "Fear Interview",
            "Fear",
            "Fear?",
            "FOF",
            "Screening",
            "Interview Result",
            "AO Determination",
            "Fear Interview Result",
            "Withholding",
            "CAT",
            "Refugee",
            "589",
        ),
        ("Pos", "Neg"),
    ),
    "es": (
        ("Miedo creíble", "Resultado entrevista miedo", "Entrevista de temor"),
        ("Positivo", "Negativo"),
    ),
    "fr": (("Entretien de crainte", "Crainte crédible"), ("Positif", "Négatif")),
    "pt": (("Medo crível", "Entrevista de medo"), ("Positivo", "Negativo")),
    "de": (("Asylantrag", "Asyl"), ("Positiv", "Negativ")),
    "ru": (("Убежище",), ("Положительно", "Отрицательно")),
}

# Headers that hold a claim word beside words that make it something else: a sheet of detainees
# with them is personal data, not a list of claims.
NOT_CLAIM_COLUMNS: tuple[tuple[str, tuple[str, str]], ...] = (
    ("TB Screening", ("Negative", "Negative")),
    ("Tax Withholding", ("120.50", "98.10")),
    ("Cat", ("A", "B")),
    ("Job Interview", ("Passed", "Failed")),
    ("Refugee Officer", ("J. Smith", "K. Jones")),
)


@dataclass(frozen=True)
class Sheet:
    language: str
    header: str
    values: tuple[str, str]

    @property
    def id(self) -> str:
        return f"{self.language}:{self.header}"


def claim_sheets() -> list[Sheet]:
    """Every claim header of every language, with that language's identity headers."""
    return [
        Sheet(language, header, values)
        for language, (headers, values) in CLAIM_COLUMNS.items()
        for header in headers
    ]


def incident_workbook(persons: Sequence[Person], sheet: Sheet) -> Make:
    """The incident's workbook: a summary sheet of totals, then the persons' sheet."""
    head = [*IDENTITY_HEADERS[sheet.language], sheet.header]
    rows: list[list[object]] = [head]
    for i, p in enumerate(persons):
        rows.append(
            [
                p.last_first,
                p.a_number,
                p.birthdate,
                p.nationality,
                p.facility,
                "Active",
                sheet.values[i % 2],
            ]
        )
    return xlsx_file([("Summary", [["Total", len(persons)]]), ("Sheet2", rows)])
