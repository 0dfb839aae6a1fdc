"""Tables with ground truth: the detainee sheet that leaked, in every way a CSV can be written,
and the tables that must stay clean.

Every builder returns a ``Case``: rows to write, and the verdict and distinct-person counts a
correct scanner reports. Persons come from ``tests.corpus.people`` (synthetic, fixed seed).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.corpus.people import Person, people

Row = list[str]

# The columns of the 2022 sheet, as the agency's export named them.
LEAK_HEADER = [
    "A-Number",
    "Last Name",
    "First Name",
    "DOB",
    "Country of Citizenship",
    "Detention Facility",
    "Case Status",
    "Fear Result",
]


@dataclass(frozen=True)
class Case:
    name: str
    rows: list[Row]
    verdict: str  # clean | protected
    classes: dict[str, int] = field(default_factory=dict)  # class -> distinct persons

    def write_csv(
        self,
        path: Path,
        *,
        delimiter: str = ",",
        encoding: str = "utf-8",
        quoting: int = csv.QUOTE_MINIMAL,
        newline: str = "\r\n",
    ) -> Path:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=newline)
        writer.writerows(self.rows)
        path.write_bytes(buffer.getvalue().encode(encoding))
        return path


def leak_row(p: Person) -> Row:
    return [
        p.a_number,
        p.last.upper(),
        p.first,
        p.birthdate.strftime("%m/%d/%Y"),
        p.nationality,
        p.facility,
        "Detained",
        p.claim,
    ]


def detainee_sheet(count: int = 25, *, repeat: int = 0, header: bool = True) -> Case:
    """The leaked sheet: identifiers, attributes and the claim, one person per row.
    ``repeat`` rows list persons a second time (one person, two rows)."""
    persons = people(count)
    rows = [leak_row(p) for p in persons] + [leak_row(p) for p in persons[:repeat]]
    return Case(
        f"detainees-{count}{'-repeat' if repeat else ''}{'' if header else '-no-header'}",
        ([LEAK_HEADER] if header else []) + rows,
        "protected",
        {"protected-person": count},
    )


def split_names_sheet(count: int = 25, *, repeat: int = 0) -> Case:
    """The leaked sheet without its header row and without its A-numbers: last and first
    names in columns of their own, beside birthdate, nationality, facility, status and claim.
    The names are all that identify the persons (this once scanned clean)."""
    sheet = detainee_sheet(count, repeat=repeat, header=False)
    return Case(
        f"split-names-{count}{'-repeat' if repeat else ''}",
        [row[1:] for row in sheet.rows],
        "protected",
        {"protected-person": count},
    )


def spanish_split_names_sheet(count: int = 8) -> Case:
    """No header; a name in three columns (both surnames, then the given name), as Spanish
    rosters write it."""
    persons = people(count, seed=18)
    mothers = people(count, seed=19)
    rows = [
        [
            p.last.upper(),
            m.last.upper(),
            p.first,
            p.birthdate.strftime("%d/%m/%Y"),
            p.nationality,
            "Miedo creíble",
        ]
        for p, m in zip(persons, mothers, strict=True)
    ]
    return Case("spanish-split-names", rows, "protected", {"protected-person": count})


def personal_data_sheet(count: int = 12) -> Case:
    """Detainees without any claim: personal data, not protected-person data."""
    persons = people(count, seed=11)
    header = ["A#", "Subj Nm", "DOB", "Ctry of Citz", "Facility", "Book-in Date"]
    rows = [
        [
            p.a_number,
            p.last_first,
            p.birthdate.isoformat(),
            p.nationality,
            p.facility,
            "2022-10-01",
        ]
        for p in persons
    ]
    return Case("personal-data", [header, *rows], "protected", {"personal-data": count})


def loose_headers_sheet(count: int = 9) -> Case:
    """Headers as people abbreviate them; A-numbers as bare digits under ``Alien No.``."""
    persons = people(count, seed=12)
    header = ["Alien No.", "Subj Nm", "D.O.B.", "Ctry of Citz", "CFI Result"]
    rows = [
        [
            p.a_digits,
            p.name,
            p.birthdate.strftime("%d-%b-%Y"),
            p.nationality,
            "Positive",
        ]
        for p in persons
    ]
    return Case("loose-headers", [header, *rows], "protected", {"protected-person": count})


def spelled_a_numbers_sheet() -> Case:
    """Every common spelling of an A-number, one person each."""
    persons = people(6, seed=13)
    spellings = [
        persons[0].a_number,  # A212345678
        "A-{}-{}-{}".format(*_groups(persons[1].a_digits)),
        "A# {} {} {}".format(*_groups(persons[2].a_digits)),
        f"A {persons[3].a_digits}",
        persons[4].a_number.replace("A", "A#"),
        persons[5].a_number[0] + persons[5].a_digits[1:],  # 8 digits
    ]
    header = ["ID", "Claim Type"]
    rows = [[s, "Asylum"] for s in spellings]
    return Case("spelled", [header, *rows], "protected", {"protected-person": 6})


def _groups(digits: str) -> tuple[str, str, str]:
    return digits[:3], digits[3:6], digits[6:]


def names_only_sheet(count: int = 10) -> Case:
    """A list of names with nothing else: a name alone is not protected."""
    persons = people(count, seed=14)
    return Case("names-only", [["Name"], *[[p.name] for p in persons]], "clean")


def names_and_claims_sheet(count: int = 7) -> Case:
    """Names alone, but under a claim: protected (a name identifies a person)."""
    persons = people(count, seed=15)
    rows = [["Full Name", "Relief Sought"], *[[p.name, "Withholding of Removal"] for p in persons]]
    return Case("names-claims", rows, "protected", {"protected-person": count})


def non_latin_names_sheet() -> Case:
    names = ["Иван Петров", "王伟", "محمد أحمد", "Γιώργος Παπαδόπουλος", "Nguyễn Văn An"]
    rows = [["Nombre", "Solicitud de asilo"], *[[n, "Sí"] for n in names]]
    return Case("non-latin", rows, "protected", {"protected-person": len(names)})


def spanish_sheet(count: int = 5) -> Case:
    persons = people(count, seed=16)
    header = ["Número A", "Apellidos", "Nombre", "Fecha de nacimiento", "Nacionalidad", "Motivo"]
    rows = [
        [
            p.a_number,
            p.last,
            p.first,
            p.birthdate.strftime("%d/%m/%Y"),
            p.nationality,
            "Miedo creíble",
        ]
        for p in persons
    ]
    return Case("spanish", [header, *rows], "protected", {"protected-person": count})


def name_and_birthdate_sheet(count: int = 8) -> Case:
    """No A-numbers: persons are counted by name and birthdate (same name, two birthdates,
    two persons)."""
    persons = people(count, seed=17)
    twin = persons[0]
    rows = [["Detainee Name", "Date of Birth", "Nationality"]]
    rows += [[p.name, p.birthdate.isoformat(), p.nationality] for p in persons]
    rows.append([twin.name, "1999-12-31", twin.nationality])  # a namesake, another person
    rows.append([f"{twin.last.upper()}, {twin.first}", twin.birthdate.isoformat(), "GTM"])
    return Case("name-dob", rows, "protected", {"personal-data": count + 1})


# --- negatives: everything below must scan clean ------------------------------------------


def aggregate_stats_sheet() -> Case:
    """Statistics that mention asylum and countries but no person."""
    rows = [
        ["Country of Citizenship", "Asylum applications", "Credible fear referrals", "Granted"],
        ["Guatemala", "12,345", "4,321", "1,234"],
        ["Honduras", "9,876", "3,210", "987"],
        ["El Salvador", "7,654", "2,109", "765"],
        ["Total", "29,875", "9,640", "2,986"],
    ]
    return Case("aggregate", rows, "clean")


def facility_list_sheet() -> Case:
    rows = [
        ["Facility Name", "City", "State", "Capacity", "Type"],
        ["Adelanto ICE Processing Center", "Adelanto", "CA", "1940", "Contract"],
        ["Otay Mesa Detention Center", "San Diego", "CA", "1994", "Contract"],
        ["Krome North Service Processing Center", "Miami", "FL", "611", "Service"],
    ]
    return Case("facilities", rows, "clean")


def staff_directory_sheet() -> Case:
    rows = [
        ["Name", "Title", "Office", "Phone"],
        ["Jane Doe", "Supervisory Asylum Officer", "Houston Asylum Office", "(713) 555-0100"],
        ["John Roe", "Asylum Officer", "Houston Asylum Office", "713-555-0101"],
        ["Ana Lima", "Refugee Officer", "Refugee Affairs Division", "+1 202 555 0102"],
    ]
    return Case("staff", rows, "clean")


def invoices_sheet() -> Case:
    """Numbers that look like A-numbers but are labelled as something else."""
    rows = [
        ["Invoice No.", "Vendor", "Amount", "Phone"],
        ["212345678", "Acme Detention Services", "12,500.00", "2123456789"],
        ["INV-213456789", "Global Transport LLC", "3,200.00", "(212) 345-6789"],
        ["214567890", "Acme Detention Services", "980.00", "212.345.6789"],
    ]
    return Case("invoices", rows, "clean")


def court_calendar_sheet() -> Case:
    rows = [
        ["Court", "Judge", "Hearing Date", "Asylum cases", "Other cases"],
        ["Houston Immigration Court", "Hon. Maria Lopez", "2024-03-04", "14", "22"],
        ["San Diego Immigration Court", "Hon. James Park", "2024-03-05", "9", "31"],
        ["Miami Immigration Court", "Hon. Ruth Adams", "2024-03-06", "17", "12"],
    ]
    return Case("court-calendar", rows, "clean")


def staff_list_no_header_sheet() -> Case:
    """Staff without a header row: last and first names beside hire dates, job titles and
    offices. Names and dates, but no claim (an asylum officer is a job), no nationality."""
    rows = [
        ["Doe", "Jane", "03/02/2015", "Supervisory Asylum Officer", "Houston Asylum Office"],
        ["Roe", "John", "11/16/2009", "Asylum Officer", "Houston Asylum Office"],
        ["Lima", "Ana", "06/30/2012", "Refugee Officer", "Refugee Affairs Division"],
        ["Park", "James", "01/09/2018", "Asylum Officer", "Newark Asylum Office"],
        ["Adams", "Ruth", "08/21/2004", "Director", "Refugee Affairs Division"],
    ]
    return Case("staff-no-header", rows, "clean")


def monthly_stats_no_header_sheet() -> Case:
    """Statistics without a header row: month, city and county (two columns of capitalised
    words), country, claim and a count. The months repeat from row to row; birthdates of
    persons do not."""
    months = ["10/01/2019", "11/01/2019", "12/01/2019", "01/01/2020"]
    places = [("Houston", "Harris"), ("Dallas", "Tarrant"), ("Atlanta", "Fulton")]
    countries = ["Guatemala", "Honduras", "El Salvador"]
    rows = [
        [month, city, county, countries[(m + p) % 3], "Asylum", f"{(m + 1) * (p + 7) * 113:,}"]
        for m, month in enumerate(months)
        for p, (city, county) in enumerate(places)
    ]
    return Case("monthly-stats-no-header", rows, "clean")


def facility_list_no_header_sheet() -> Case:
    """Facilities without a header row: city and county beside the opening date, which has the
    shape of a birthdate. No claim, no nationality: nobody is described."""
    rows = [
        ["Stewart Detention Center", "Lumpkin", "Stewart", "10/01/2006", "1752"],
        ["Tacoma ICE Processing Center", "Tacoma", "Pierce", "04/01/2004", "1575"],
        ["Montgomery Processing Center", "Conroe", "Montgomery", "09/01/2018", "1000"],
        ["LaSalle ICE Processing Center", "Jena", "LaSalle", "07/15/2008", "1160"],
    ]
    return Case("facilities-no-header", rows, "clean")


# Redaction marks as FOIA releases and redacted exports write them: each stands for an empty
# value, never a person's name.
REDACTION_MARKS = (
    "[REDACTED]",
    "REDACTED",
    "XXXXX",
    "***",
    "[removed]",
    "(b)(6)",
    "(b)(7)(C)",
    "(b)(6), (b)(7)(C)",
)


def redacted_names_sheet() -> Case:
    """A release whose names were redacted: birthdate, country and claim of nobody."""
    persons = people(len(REDACTION_MARKS), seed=20)
    header = ["Name", "DOB", "Country of Citizenship", "Claim Type"]
    rows = [
        [mark, p.birthdate.isoformat(), p.nationality, p.claim]
        for mark, p in zip(REDACTION_MARKS, persons, strict=True)
    ]
    return Case("redacted-names", [header, *rows], "clean")


def redacted_split_names_sheet() -> Case:
    """The split-name sheet with both name columns redacted (and no header to say so)."""
    marks = REDACTION_MARKS
    rows = [
        [marks[i % len(marks)], marks[(i + 3) % len(marks)], *row[2:]]
        for i, row in enumerate(split_names_sheet(12).rows)
    ]
    return Case("redacted-split-names", rows, "clean")


NEGATIVES: tuple[Case, ...] = (
    aggregate_stats_sheet(),
    facility_list_sheet(),
    staff_directory_sheet(),
    invoices_sheet(),
    court_calendar_sheet(),
    names_only_sheet(),
    staff_list_no_header_sheet(),
    monthly_stats_no_header_sheet(),
    facility_list_no_header_sheet(),
    redacted_names_sheet(),
    redacted_split_names_sheet(),
)

POSITIVES: tuple[Case, ...] = (
    detainee_sheet(),
    detainee_sheet(10, repeat=4),
    detainee_sheet(8, header=False),
    split_names_sheet(),
    split_names_sheet(10, repeat=4),
    spanish_split_names_sheet(),
    personal_data_sheet(),
    loose_headers_sheet(),
    spelled_a_numbers_sheet(),
    names_and_claims_sheet(),
    non_latin_names_sheet(),
    spanish_sheet(),
    name_and_birthdate_sheet(),
)


def rows_to_text(rows: Sequence[Row]) -> str:
    return "\n".join(",".join(r) for r in rows)
