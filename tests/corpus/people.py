"""Synthetic persons with every element the detectors look for. Nobody here is real."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker

SEED = 208_6

# Names written as a listing writes them, accents and all (the red team's round-7 persons):
# for the layout tests, which need a few fixed names rather than a generated roster.
LISTED_NAMES = (
    "Ruby Stephens",
    "Megan Jones",
    "Ricardo Villaseñor",
    "Mark Smith",
    "Luis Tórrez",
    "Tammy Harper",
    "Estefanía Hill",
    "Jaqueline Gray",
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
    "India",
    "China",
    "Russia",
    "Afghanistan",
)
FACILITIES = (
    "Adelanto ICE Processing Center",
    "Otay Mesa Detention Center",
    "Port Isabel Service Processing Center",
    "South Texas Family Residential Center",
    "Krome North Service Processing Center",
    "Stewart Detention Center",
    "Tacoma ICE Processing Center",
    "LaSalle ICE Processing Center",
)
CLAIMS = (
    "Asylum",
    "Withholding of Removal",
    "CAT",
    "Credible Fear - Positive",
    "Credible Fear - Negative",
    "Reasonable Fear - Positive",
    "I-589 pending",
)


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    a_number: str  # canonical: "A" + 9 digits
    birthdate: date
    nationality: str
    facility: str
    claim: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def last_first(self) -> str:
        return f"{self.last.upper()}, {self.first}"

    @property
    def a_digits(self) -> str:
        return self.a_number[1:]


def people(count: int, seed: int = SEED) -> list[Person]:
    """``count`` distinct synthetic persons, the same list for the same seed."""
    fake = Faker(["en_US", "es_MX"])
    fake.seed_instance(seed)
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[Person] = []
    while len(out) < count:
        a_number = f"A{rng.randrange(200_000_000, 240_000_000):09d}"
        if a_number in seen:
            continue
        seen.add(a_number)
        out.append(
            Person(
                first=fake.first_name(),
                last=fake.last_name(),
                a_number=a_number,
                # Not Faker's date_of_birth: it counts back from today; the corpus must not move.
                birthdate=date(1946, 1, 1) + timedelta(days=rng.randrange(0, 365 * 76)),
                nationality=rng.choice(NATIONALITIES),
                facility=rng.choice(FACILITIES),
                claim=rng.choice(CLAIMS),
            )
        )
    return out
