"""What must pass: staff directories (names with job titles, offices and units whose words
mention asylum, fear screening or protection), blank forms and templates, aggregate tables by
nationality or facility (small counts included), press releases quoting named officials, court
calendars naming judges, and batch and case numbers in the A-number range. Each is clean but
the batch reports whose USCIS receipt numbers sit beside asylum case types (a receipt number
points to one person's filing: protected, by the receipt number); a staff list that carries
the staff's birthdates is the officials' personal data, never a list of protected persons."""

from __future__ import annotations

from collections.abc import Sequence

from tests.corpus.accuracy import PERSONAL, PROTECTED, Case
from tests.corpus.accuracy._files import (
    Make,
    csv_file,
    docx_file,
    eml_file,
    group,
    html_file,
    html_table,
    pdf_file,
    text_file,
    us,
    xlsx_file,
)
from tests.corpus.people import FACILITIES, NATIONALITIES


def _clean(name: str, filename: str, make: Make) -> Case:
    return Case(f"negatives/{name}", filename, make, None, 0)


def _receipts(name: str, filename: str, make: Make, persons: int) -> Case:
    """Receipt numbers beside a claim: each is one person's filing (8 CFR 208.6)."""
    found = frozenset({"receipt-number", "protection-claim"})
    return Case(f"negatives/{name}", filename, make, PROTECTED, persons, found)


# --- staff directories ------------------------------------------------------------------------

_UNITS = (
    "Credible Fear Unit",
    "Fear Screening Section",
    "Asylum Pre-Screening Operation",
    "International Protection Branch",
    "Refugee, Asylum and International Operations",
    "Houston Asylum Office",
    "Asylum Vetting Center",
    "Reasonable Fear Unit",
)
_TITLES = (
    "Asylum Officer",
    "Supervisory Asylum Officer",
    "Section Chief",
    "Refugee Officer",
    "Management Analyst",
    "Training Officer",
    "Deputy Director",
    "Program Specialist",
)


def _directory_rows(start: int, count: int) -> list[list[str]]:
    staff = group(start, count)
    return [
        [
            p.name,
            _TITLES[k % len(_TITLES)],
            _UNITS[k % len(_UNITS)],
            f"(202) 555-{k + 100:04d}",
            f"{p.first[0].lower()}{p.last.lower()}@agency.example",
        ]
        for k, p in enumerate(staff)
    ]


_DIRECTORY_HEADER = ["Name", "Title", "Office", "Phone", "Email"]


def _staff() -> list[Case]:
    cases = [
        _clean(
            "staff-directory-csv-1",
            "directory.csv",
            csv_file([_DIRECTORY_HEADER, *_directory_rows(240, 40)]),
        ),
        _clean(
            "staff-directory-xlsx-2",
            "directory.xlsx",
            xlsx_file(
                [
                    ("Credible Fear Unit", [_DIRECTORY_HEADER, *_directory_rows(280, 16)]),
                    ("Asylum Division", [_DIRECTORY_HEADER, *_directory_rows(296, 16)]),
                ]
            ),
        ),
    ]
    rows = _directory_rows(312, 10)
    cases.append(
        _clean(
            "staff-directory-docx-3",
            "directory.docx",
            docx_file(
                [
                    ("h1", "Fear Screening Section: staff directory"),
                    ("p", "Call the section's main line for credible fear scheduling."),
                    ("table", [_DIRECTORY_HEADER, *rows]),
                ]
            ),
        )
    )
    rows = _directory_rows(322, 8)
    cases.append(
        _clean(
            "staff-directory-html-4",
            "staff.html",
            html_file(
                "Asylum Office staff",
                html_table("Asylum Pre-Screening Operation", _DIRECTORY_HEADER, rows),
            ),
        )
    )
    staff = group(330, 8)
    lines = ["Reasonable Fear Unit: who to call", ""]
    lines += [
        f"{p.last.upper()}, {p.first}    {_TITLES[k % 8]}    {_UNITS[k % 8]}"
        for k, p in enumerate(staff)
    ]
    cases.append(_clean("staff-directory-txt-5", "whotocall.txt", text_file(lines)))
    staff = group(338, 6)
    lines = [f"{p.name}, {_TITLES[k % 8]}, {_UNITS[k % 8]}" for k, p in enumerate(staff)]
    cases.append(
        _clean(
            "staff-directory-pdf-6",
            "contacts.pdf",
            pdf_file([["International Protection Branch contacts", *lines]]),
        )
    )
    staff = group(344, 5)
    body = "Hello all,\n\nThe Credible Fear Unit welcomes its new asylum officers:\n\n" + "".join(
        f"- {p.name}, Asylum Officer, Credible Fear Unit\n" for p in staff
    )
    cases.append(
        _clean(
            "staff-welcome-eml-7",
            "welcome.eml",
            eml_file("New asylum officers in the Credible Fear Unit", body),
        )
    )
    staff = group(360, 6)
    blocks: list[tuple[str, object]] = [
        ("h1", "Credible fear scheduling contacts"),
        ("p", "Asylum Officer contacts for the week; call the credible fear hotline first."),
        (
            "table",
            [["Name", "Phone"], *([p.name, f"(202) 555-{k:04d}"] for k, p in enumerate(staff))],
        ),
    ]
    cases.append(_clean("staff-contacts-docx-9", "contacts.docx", docx_file(blocks)))
    staff = group(349, 10)
    rows = [[p.name, us(p.birthdate), _TITLES[k % 8], _UNITS[k % 8]] for k, p in enumerate(staff)]
    cases.append(
        Case(
            "negatives/staff-birthdays-csv-8",
            "birthdays.csv",
            csv_file([["Employee", "Date of Birth", "Position", "Unit"], *rows]),
            PERSONAL,
            10,
            frozenset({"person-name", "birthdate"}),
        )
    )
    return cases


# --- blank forms and templates ----------------------------------------------------------------

_FORM_HEADER = [
    "Last Name",
    "First Name",
    "A-Number",
    "Date of Birth",
    "Country of Citizenship",
    "Detention Facility",
    "CFI Result",
]


def _blank_forms() -> list[Case]:
    placeholder = ["[Last]", "[First]", "A-_________", "MM/DD/YYYY", "[Country]", "", ""]
    empty = [""] * len(_FORM_HEADER)
    cases = [
        _clean(
            "blank-template-csv-1",
            "template.csv",
            csv_file([_FORM_HEADER, placeholder, empty, empty, empty]),
        ),
        _clean(
            "blank-template-xlsx-2",
            "template.xlsx",
            xlsx_file(
                [
                    (
                        "Intake",
                        [
                            ["Credible fear intake log (template)"],
                            ["Instructions: one row per person; use the drop-down lists."],
                            _FORM_HEADER,
                            ["Last, First", "", "A-_________", "", "", "", ""],
                            *[[None] * len(_FORM_HEADER) for _ in range(20)],
                        ],
                    ),
                    (
                        "Lists",
                        [
                            ["CFI Result", "Relief", "Status"],
                            ["Positive", "Asylum", "Detained"],
                            ["Negative", "Withholding of removal", "Released"],
                            ["Referred", "CAT deferral", "Removed"],
                            ["Vacated", "", ""],
                        ],
                    ),
                ]
            ),
        ),
    ]
    blocks: list[tuple[str, object]] = [
        ("h1", "Form I-589 worksheet: application for asylum and for withholding of removal"),
        (
            "p",
            "Complete every field. Write names as Last, First. Leave blank what you do not know.",
        ),
        ("p", "Name: ______________________   A-Number: A-_________"),
        ("p", "Date of birth (mm/dd/yyyy): __/__/____   Nationality: ____________"),
        ("p", "Credible fear result: [ ] Positive  [ ] Negative  [ ] Referred to IJ"),
        ("table", [_FORM_HEADER, ["[Name]", "", "A-", "", "", "", ""], [""] * 7, [""] * 7]),
    ]
    cases.append(_clean("blank-form-docx-3", "worksheet.docx", docx_file(blocks)))
    cases.append(
        _clean(
            "blank-form-pdf-4",
            "form.pdf",
            pdf_file(
                [
                    [
                        "CREDIBLE FEAR WORKSHEET",
                        "Applicant name (Last, First): ______________________",
                        "A-Number: A-___-___-___      Date of birth: ___/___/______",
                        "Country of nationality: ______________",
                        "Detention facility: ______________",
                        "Result:  POSITIVE  /  NEGATIVE",
                        "Asylum Officer signature: ______________",
                    ]
                ]
            ),
        )
    )
    cases.append(
        _clean(
            "blank-template-txt-5",
            "template.txt",
            text_file(
                [
                    "Subject: [Name]",
                    "A-Number: [A-Number]",
                    "DOB: [DOB]",
                    "CFI result: <<Positive/Negative>>",
                    "Dear {first_name} {last_name},",
                    "Your credible fear interview is scheduled for {date}.",
                ]
            ),
        )
    )
    body = html_table(
        "Screening log (blank)",
        ["Detainee Name", "A#", "DOB", "Nationality", "Facility", "Fear Result"],
        [["", "", "", "", "", ""]] * 5,
        intro="<p>Select a fear result: Positive, Negative, Referred, Vacated.</p>",
    )
    cases.append(_clean("blank-log-html-6", "log.html", html_file("Blank log", body)))
    cases.append(
        _clean(
            "blank-headers-only-xlsx-7",
            "headers.xlsx",
            xlsx_file(
                [
                    (
                        "Sheet1",
                        [["Applicant Name", "Family Name", "Given Name", "Fecha de nacimiento"]],
                    )
                ]
            ),
        )
    )
    return cases


# --- aggregates -------------------------------------------------------------------------------


def _aggregates() -> list[Case]:
    counts = [1, 2, 3, 7, 12, 1, 4, 2, 9, 5, 1, 3, 2, 6]
    by_country = [[c, n, max(0, n - 1), n // 2] for c, n in zip(NATIONALITIES, counts, strict=True)]
    header = ["Country of Citizenship", "Detainees", "CFI Positive", "CFI Negative"]
    by_facility = [[f, n * 3, n, 1] for f, n in zip(FACILITIES, counts, strict=False)]
    facility_header = ["Detention Facility", "Book-ins", "Asylum claims", "CAT claims"]
    cases = [
        _clean("aggregate-nationality-csv-1", "by-country.csv", csv_file([header, *by_country])),
        _clean(
            "aggregate-facility-xlsx-2",
            "by-facility.xlsx",
            xlsx_file(
                [
                    ("By facility", [facility_header, *by_facility]),
                    ("By country", [header, *by_country]),
                ]
            ),
        ),
        _clean(
            "aggregate-no-header-csv-3",
            "small.csv",
            csv_file([[c, "Asylum", n] for c, n in zip(NATIONALITIES, counts, strict=True)]),
        ),
    ]
    body = html_table("Credible fear screenings by nationality, FY2022", header, by_country)
    cases.append(_clean("aggregate-html-4", "stats.html", html_file("Statistics", body)))
    lines = ["Credible fear and reasonable fear outcomes by facility, November 2022", ""]
    lines += [
        f"{f:<45} {n:>4} {max(0, n - 1):>4}" for f, n in zip(FACILITIES, counts, strict=False)
    ]
    cases.append(_clean("aggregate-fixed-width-txt-5", "outcomes.txt", text_file(lines)))
    lines = ["Asylum applications by country of nationality"]
    lines += [
        f"{c}: {n} applications, {n // 2} granted asylum"
        for c, n in zip(NATIONALITIES, counts, strict=True)
    ]
    cases.append(_clean("aggregate-pdf-6", "report.pdf", pdf_file([lines])))
    return cases


# --- press releases, court calendars ----------------------------------------------------------

_PRESS = (
    "WASHINGTON — Secretary Jordan Blake today announced that the Credible Fear Unit completed "
    "4,210 screenings in November.",
    '"Every person who asks for asylum deserves a fair interview," said Maria Alvarez, Chief of '
    "the Asylum Division.",
    "Deputy Director Samuel Okafor visited the Otay Mesa Detention Center on Tuesday to meet "
    "asylum officers.",
    "Robert Miller, the agency's spokesperson, said that 40 families sought asylum at the border "
    "last week.",
    "Media contact: Jane Roe, Office of Public Affairs, (202) 555-0142.",
)


def _press() -> list[Case]:
    return [
        _clean(
            "press-release-txt-1", "release.txt", text_file(["FOR IMMEDIATE RELEASE", "", *_PRESS])
        ),
        _clean(
            "press-release-html-2",
            "release.html",
            html_file(
                "Press release",
                "<h1>Asylum Division expands credible fear staffing</h1>"
                + "".join(f"<p>{line}</p>" for line in _PRESS),
            ),
        ),
        _clean(
            "press-release-docx-3",
            "release.docx",
            docx_file([("h1", "Agency expands asylum processing"), *(("p", t) for t in _PRESS)]),
        ),
        _clean(
            "press-release-eml-4",
            "release.eml",
            eml_file("PRESS RELEASE: asylum processing", "\n\n".join(_PRESS) + "\n"),
        ),
        _clean("press-release-pdf-5", "release.pdf", pdf_file([list(_PRESS)])),
    ]


_JUDGES = ("Maria Lopez", "James Park", "Ruth Adams", "Daniel Ochoa", "Priya Raman")


def _court_calendars() -> list[Case]:
    rows = [
        [f"Hon. {judge}", f"Courtroom {k + 1}", "8:30 AM", kind, str(3 + k)]
        for k, judge in enumerate(_JUDGES)
        for kind in ("Master calendar", "Asylum merits", "Withholding of removal")
    ]
    header = ["Immigration Judge", "Courtroom", "Time", "Docket", "Cases"]
    lines = ["Houston Immigration Court, calendar for March 4, 2024", ""]
    lines += [
        f"Immigration Judge {judge}: {4 + k} asylum hearings, {2 + k} CAT hearings"
        for k, judge in enumerate(_JUDGES)
    ]
    return [
        _clean("court-calendar-csv-1", "calendar.csv", csv_file([header, *rows])),
        _clean(
            "court-calendar-xlsx-2",
            "calendar.xlsx",
            xlsx_file([("March 4", [["Houston Immigration Court"], header, *rows])]),
        ),
        _clean("court-calendar-txt-3", "calendar.txt", text_file(lines)),
        _clean("court-calendar-pdf-4", "calendar.pdf", pdf_file([lines])),
    ]


# --- numbers that are not A-numbers -----------------------------------------------------------


def _numbers() -> list[Case]:
    rows = [
        [f"EAC21900{12345 + k:05d}", f"2045{12345 + k * 7:05d}", f"{212345678 + k * 13}", kind]
        for k, kind in enumerate(["Asylum", "Withholding", "CAT", "Asylum", "Refugee"] * 3)
    ]
    lines = [
        "Batch report",
        "",
        "Receipt No. EAC2190012345 was received in Batch 204512345.",
        "Case # 212345678 and Case No. 213456789 were closed; see tracking 214-567-890.",
        "FOIA request 2023-212345678 covers asylum statistics.",
    ]
    return [
        _receipts(
            "receipt-batch-case-csv-1",
            "batches.csv",
            csv_file([["Receipt No.", "Batch", "Case #", "Case Type"], *rows]),
            len(rows),
        ),
        _receipts("receipt-batch-case-txt-2", "batches.txt", text_file(lines), 1),
        _receipts(
            "receipt-batch-case-xlsx-3",
            "batches.xlsx",
            xlsx_file([("Batches", [["Receipt Number", "Batch ID", "Case #", "Type"], *rows])]),
            len(rows),
        ),
        _receipts(
            "case-numbers-eml-4",
            "cases.eml",
            eml_file("Closed asylum cases", "\n".join(lines[2:]) + "\n"),
            1,
        ),
    ]


def _all() -> Sequence[Case]:
    return [*_staff(), *_blank_forms(), *_aggregates(), *_press(), *_court_calendars(), *_numbers()]


CASES: list[Case] = list(_all())
