"""Synthetic detention statistics for the demo. Every person here is made up.

The demo must run from the package alone (Faker is a test dependency only), so names come
from small fixed lists and a seeded random generator: the same world every time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

FIRST = (
    "María",
    "José",
    "Ana",
    "Luis",
    "Carmen",
    "Jorge",
    "Rosa",
    "Carlos",
    "Elena",
    "Miguel",
    "Sofía",
    "Andrés",
    "Lucía",
    "Pedro",
    "Daniela",
    "Ahmad",
    "Fatima",
    "Wei",
    "Olga",
    "Jean",
)
LAST = (
    "García",
    "Hernández",
    "López",
    "Martínez",
    "Pérez",
    "Ramírez",
    "Flores",
    "Morales",
    "Castillo",
    "Reyes",
    "Cruz",
    "Ortiz",
    "Gutiérrez",
    "Chávez",
    "Mendoza",
    "Romero",
    "Joseph",
    "Pierre",
    "Karimi",
    "Zhang",
)
NATIONALITIES = (
    "Guatemala",
    "Honduras",
    "El Salvador",
    "Mexico",
    "Venezuela",
    "Haiti",
    "Cuba",
    "Nicaragua",
    "Colombia",
    "Ecuador",
)
FACILITIES = (
    "Adelanto ICE Processing Center",
    "Otay Mesa Detention Center",
    "Port Isabel Service Processing Center",
    "Krome North Service Processing Center",
    "Stewart Detention Center",
    "LaSalle ICE Processing Center",
)
CASE_STATUS = ("Pending", "Closed", "Removal ordered", "Released on parole")
FEAR_RESULT = (
    "Credible fear - positive",
    "Credible fear - negative",
    "Reasonable fear - positive",
    "Asylum application (I-589) filed",
    "Withholding of removal claimed",
)


@dataclass(frozen=True)
class Person:
    name: str
    a_number: str
    birthdate: date
    nationality: str
    facility: str
    case_status: str
    fear_result: str


def people(count: int, seed: int = 2086) -> list[Person]:
    """``count`` distinct synthetic persons; the same list for the same seed."""
    rng = random.Random(seed)
    numbers = rng.sample(range(200_000_000, 240_000_000), count)
    return [
        Person(
            name=f"{rng.choice(LAST).upper()}, {rng.choice(FIRST)}",
            a_number=f"A{number:09d}",
            birthdate=date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 55)),
            nationality=rng.choice(NATIONALITIES),
            facility=rng.choice(FACILITIES),
            case_status=rng.choice(CASE_STATUS),
            fear_result=rng.choice(FEAR_RESULT),
        )
        for number in numbers
    ]


def detention_workbook(path: Path, count: int = 3000) -> None:
    """The 2022 shape: aggregate figures on the first sheet, persons on a hidden second one."""
    from openpyxl import Workbook

    persons = people(count)
    book = Workbook()
    summary = book.active
    summary.title = "FY2022 Summary"
    summary.append(["Nationality", "Book-ins", "Average daily population", "Asylum claims"])
    for nationality in NATIONALITIES:
        ins = sum(1 for p in persons if p.nationality == nationality)
        summary.append([nationality, ins, round(ins / 12, 1), ins // 3])
    detail = book.create_sheet("Sheet2")
    detail.sheet_state = "hidden"
    detail.append(
        ["Name", "A-Number", "DOB", "Nationality", "Facility", "Case Status", "Fear Result"]
    )
    for p in persons:
        detail.append(
            [
                p.name,
                p.a_number,
                p.birthdate,
                p.nationality,
                p.facility,
                p.case_status,
                p.fear_result,
            ]
        )
    book.save(path)


def aggregate_csv(path: Path) -> None:
    """A file that is safe to publish: counts only."""
    lines = ["Fiscal year,Nationality,Book-ins,Asylum claims"]
    rng = random.Random(7)
    lines += [f"2022,{n},{rng.randrange(100, 900)},{rng.randrange(10, 90)}" for n in NATIONALITIES]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
