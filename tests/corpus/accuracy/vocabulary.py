"""The agency's own vocabulary of protection: screening codes with their outcomes (CFI, RFI, CF,
RF: POS, NEG, referred, vacated), withholding under INA 241(b)(3) and its abbreviations, CAT
deferral and withholding, asylee and derivative status, Form I-589, referral to and review by an
immigration judge; each in a header, a cell, a label or a sentence. And the words that name
officials, offices and programmes, which are no claim (a staff list of the Credible Fear Unit)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

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
from tests.corpus.people import Person

A, NAME, DOB, CLAIM = "a-number", "person-name", "birthdate", "protection-claim"


def _cycle(values: Sequence[str]) -> Callable[[int], str]:
    return lambda k: values[k % len(values)]


def _rows(persons: Sequence[Person], outcome: Callable[[int], str]) -> list[list[str]]:
    return [[p.a_number, p.last.upper(), p.first, outcome(k)] for k, p in enumerate(persons)]


def _case(
    name: str,
    filename: str,
    make: Make,
    persons: int,
    detectors: Sequence[str] = (A, CLAIM),
    cls: str | None = PROTECTED,
) -> Case:
    return Case(
        f"vocabulary/{name}",
        filename,
        make,
        cls,
        persons if cls else 0,
        frozenset(detectors) if cls else frozenset(),
    )


def _screening_codes() -> list[Case]:
    cases = []
    people = group(0, 12)
    header = ["A-Number", "Last Name", "First Name", "CFI"]
    rows = _rows(people, _cycle(["POS", "NEG", "POS", "Referred", "Vacated"]))
    cases.append(_case("cfi-column-csv-1", "cfi.csv", csv_file([header, *rows]), 12))
    people = group(12, 9)
    rows = [
        [p.name, us(p.birthdate), r]
        for p, r in zip(people, ["POS", "NEG", "Positive", "Negative", "POS"] * 2, strict=False)
    ]
    cases.append(
        _case(
            "rfi-column-xlsx-2",
            "rfi.xlsx",
            xlsx_file([("Screenings", [["Subject Name", "DOB", "RFI"], *rows])]),
            9,
            (NAME, DOB, CLAIM),
        )
    )
    people = group(21, 8)
    notes = _cycle(["CF POS", "CF-NEG", "RF referred", "CF vacated", "CFI-POS", "RFI/NEG"])
    rows = [[p.a_number, p.name, "Detained", notes(k)] for k, p in enumerate(people)]
    cases.append(
        _case(
            "cf-outcome-in-cell-csv-3",
            "log.csv",
            csv_file([["A#", "Name", "Status", "Notes"], *rows]),
            8,
        )
    )
    people = group(29, 7)
    header = ["A-Number", "Name", "CF Result"]
    rows = [
        [p.a_number, p.name, r]
        for p, r in zip(people, ["Positive", "Negative", "Referred"] * 3, strict=False)
    ]
    cases.append(
        _case("cf-result-header-xlsx-4", "cf.xlsx", xlsx_file([("CF", [header, *rows])]), 7)
    )
    people = group(36, 6)
    lines = ["Daily intake, 12/05/2022", ""]
    lines += [
        f"{p.last_first}    {p.a_number}    CFI: {r}"
        for p, r in zip(people, ["POS", "NEG"] * 3, strict=False)
    ]
    cases.append(_case("cfi-label-txt-5", "intake.txt", text_file(lines), 6))
    people = group(42, 5)
    lines = [f"{p.a_number}  {p.last_first}  RFI NEG  IJ review requested" for p in people]
    cases.append(_case("rfi-code-pdf-6", "rfi-log.pdf", pdf_file([["Screening log", *lines]]), 5))
    people = group(47, 4)
    body = "Updates for today:\n\n" + "\n".join(
        f"- {p.a_number}: CF positive, NTA to follow" for p in people
    )
    cases.append(
        _case("cf-terse-eml-7", "update.eml", eml_file("Intake updates", body), 4, (A, CLAIM))
    )
    people = group(51, 5)
    blocks: list[tuple[str, object]] = [("p", "Screening outcomes")]
    blocks.append(
        (
            "table",
            [["A-Number", "Name", "Outcome"]] + [[p.a_number, p.name, "POS CF"] for p in people],
        )
    )
    cases.append(_case("cf-code-docx-8", "outcomes.docx", docx_file(blocks), 5))
    # A screening log names its officers and their titles too: still a log of claims.
    people, officers = group(56, 6), group(190, 6)
    rows = [
        [p.name, us(p.birthdate), r, o.name, "Asylum Officer"]
        for p, o, r in zip(people, officers, ["POS", "NEG", "Referred"] * 2, strict=True)
    ]
    header = ["Applicant Name", "DOB", "CFI Result", "Interviewing Officer", "Title"]
    cases.append(
        _case(
            "cfi-log-with-officers-xlsx-9",
            "log.xlsx",
            xlsx_file([("Credible Fear Unit log", [header, *rows])]),
            6,
            (NAME, DOB, CLAIM),
        )
    )
    return cases


def _withholding() -> list[Case]:
    cases = []
    values = _cycle(
        [
            "WOR granted",
            "W/H 241(b)(3)",
            "Withholding under INA 241(b)(3)",
            "241(b)(3) denied",
            "statutory withholding",
        ]
    )
    people = group(60, 10)
    rows = [[p.a_number, p.name, values(k)] for k, p in enumerate(people)]
    cases.append(
        _case(
            "wor-cell-csv-1",
            "dispositions.csv",
            csv_file([["A-Number", "Name", "Disposition"], *rows]),
            10,
        )
    )
    people = group(70, 6)
    rows = [[p.last_first, p.a_number, "WOR"] for p in people]
    cases.append(
        _case(
            "wor-header-xlsx-2",
            "wor.xlsx",
            xlsx_file([("Decisions", [["Name", "A#", "WOR"], *rows])]),
            6,
        )
    )
    people = group(76, 5)
    blocks: list[tuple[str, object]] = [
        (
            "table",
            [["Name", "A-Number", "Relief granted"]]
            + [[p.name, p.a_number, "W/H"] for p in people],
        )
    ]
    cases.append(_case("wh-docx-3", "relief.docx", docx_file(blocks), 5))
    people = group(81, 4)
    lines = [
        f"{p.a_number} ({p.last_first}): IJ granted withholding under 241(b)(3); removal to "
        f"{p.nationality} withheld."
        for p in people
    ]
    cases.append(_case("241b3-txt-4", "decisions.txt", text_file(lines), 4))
    return cases


def _cat() -> list[Case]:
    cases = []
    values = _cycle(["CAT deferral", "CAT withholding", "Deferral under CAT", "CAT def", "CAT W/H"])
    people = group(90, 10)
    rows = [[p.a_number, p.name, values(k)] for k, p in enumerate(people)]
    cases.append(
        _case("cat-cell-csv-1", "cat.csv", csv_file([["A-Number", "Name", "Decision"], *rows]), 10)
    )
    people = group(100, 6)
    rows = [
        [p.name, us(p.birthdate), r]
        for p, r in zip(people, ["Granted", "Denied", "Pending"] * 2, strict=False)
    ]
    cases.append(
        _case(
            "cat-status-header-xlsx-2",
            "cat.xlsx",
            xlsx_file([("CAT", [["Name", "DOB", "CAT Status"], *rows])]),
            6,
            (NAME, DOB, CLAIM),
        )
    )
    people = group(106, 4)
    body = "".join(
        f"<p>{p.a_number}: deferral of removal under the Convention Against Torture.</p>"
        for p in people
    )
    cases.append(_case("cat-html-3", "cat.html", html_file("Decisions", body), 4))
    return cases


def _asylee() -> list[Case]:
    cases = []
    values = _cycle(["Asylee", "Derivative asylee", "Asylee derivative", "Principal asylee"])
    people = group(110, 8)
    rows = [[p.a_number, p.name, values(k)] for k, p in enumerate(people)]
    cases.append(
        _case(
            "asylee-status-csv-1",
            "status.csv",
            csv_file([["A-Number", "Name", "Immigration Status"], *rows]),
            8,
        )
    )
    people = group(118, 5)
    body = html_table(
        "Relative petitions",
        ["Beneficiary Name", "A-Number", "Basis"],
        [[p.name, p.a_number, "Derivative asylee (I-730)"] for p in people],
    )
    cases.append(
        _case("asylee-derivative-html-2", "petitions.html", html_file("Petitions", body), 5)
    )
    people = group(123, 4)
    lines = [f"{p.last_first}, {p.a_number}, asylee since 2019" for p in people]
    cases.append(_case("asylee-txt-3", "asylees.txt", text_file(lines), 4))
    return cases


def _i589() -> list[Case]:
    cases = []
    people = group(130, 8)
    rows = [[p.a_number, p.name, "2021-05-03"] for p in people]
    cases.append(
        _case(
            "i589-header-csv-1",
            "filings.csv",
            csv_file([["A-Number", "Name", "I-589 Receipt Date"], *rows]),
            8,
        )
    )
    people = group(138, 5)
    lines = [f"Form I589 filed 2021-05-03 for {p.last_first} ({p.a_number})." for p in people]
    cases.append(_case("i589-sentence-txt-2", "filings.txt", text_file(lines), 5))
    people = group(143, 4)
    rows = [[p.name, us(p.birthdate), "I 589 pending"] for p in people]
    cases.append(
        _case(
            "i589-cell-xlsx-3",
            "pending.xlsx",
            xlsx_file([("Pending", [["Name", "Date of Birth", "Notes"], *rows])]),
            4,
            (NAME, DOB, CLAIM),
        )
    )
    return cases


def _ij_referral() -> list[Case]:
    cases = []
    values = _cycle(["IJ review requested", "Referred to IJ", "IJ concurred", "IJ vacated"])
    people = group(150, 8)
    rows = [[p.a_number, p.name, values(k)] for k, p in enumerate(people)]
    cases.append(
        _case(
            "ij-review-csv-1",
            "reviews.csv",
            csv_file([["A-Number", "Name", "Next step"], *rows]),
            8,
        )
    )
    people = group(158, 3)
    body = "Team,\n\n" + "".join(
        f"{p.name} ({p.a_number}) was referred to an immigration judge after the interview.\n"
        for p in people
    )
    cases.append(_case("ij-referral-eml-2", "referrals.eml", eml_file("Referrals", body), 3))
    people = group(161, 4)
    rows = [[p.name, p.a_number, "Yes"] for p in people]
    cases.append(
        _case(
            "ij-review-header-xlsx-3",
            "ij.xlsx",
            xlsx_file([("Reviews", [["Name", "A-Number", "IJ Review"], *rows])]),
            4,
        )
    )
    return cases


def _spanish_codes() -> list[Case]:
    people = group(165, 5)
    rows = [[p.a_number, p.name, "Entrevista de miedo creíble: positivo"] for p in people]
    return [
        _case(
            "miedo-creible-csv-1",
            "entrevistas.csv",
            csv_file([["Número A", "Nombre", "Observaciones"], *rows]),
            5,
        )
    ]


# Officials, offices and programmes: no claim.
_UNITS = (
    "Credible Fear Unit",
    "Asylum Division",
    "Refugee, Asylum and International Operations",
    "Asylum Pre-Screening Section",
    "Fear Screening Branch",
    "Asylum Vetting Center",
)
_TITLES = (
    "Asylum Officer",
    "Supervisory Asylum Officer",
    "Refugee Officer",
    "Training Officer",
    "Section Chief",
    "Program Analyst",
)


def _officials() -> list[Case]:
    cases = []
    staff = group(200, 12)
    rows = [
        [p.name, _TITLES[k % 6], _UNITS[k % 6], f"(202) 555-{k:04d}"] for k, p in enumerate(staff)
    ]
    cases.append(
        _case(
            "offices-not-claims-csv-1",
            "staff.csv",
            csv_file([["Name", "Title", "Unit", "Phone"], *rows]),
            0,
            cls=None,
        )
    )
    staff = group(212, 8)
    rows = [[p.name, us(p.birthdate), _TITLES[k % 6], _UNITS[k % 6]] for k, p in enumerate(staff)]
    cases.append(
        _case(
            "offices-staff-birthdays-xlsx-2",
            "hr.xlsx",
            xlsx_file(
                [("Staff", [["Employee Name", "Date of Birth", "Position", "Office"], *rows])]
            ),
            8,
            (NAME, DOB),
            cls=PERSONAL,
        )
    )
    staff = group(220, 6)
    lines = ["Credible Fear Unit -- contact list", ""]
    lines += [f"- {p.last_first}, {_TITLES[k % 6]}, {_UNITS[k % 6]}" for k, p in enumerate(staff)]
    cases.append(_case("offices-list-txt-3", "contacts.txt", text_file(lines), 0, cls=None))
    staff = group(226, 5)
    blocks: list[tuple[str, object]] = [
        ("h1", "Refugee, Asylum and International Operations: organisation chart"),
        ("p", "Chief, Asylum Division: " + staff[0].name),
        ("p", "Deputy Chief, Credible Fear Unit: " + staff[1].name),
        ("p", "Asylum Pre-Screening Section lead: " + staff[2].name),
        ("table", [["Name", "Role"]] + [[p.name, "Asylum Officer"] for p in staff]),
    ]
    cases.append(_case("offices-org-chart-docx-4", "org.docx", docx_file(blocks), 0, cls=None))
    staff = group(231, 4)
    body = (
        "All,\n\nThe Asylum Division all-hands is on Friday. Speakers: "
        + ", ".join(f"{p.name} (Credible Fear Unit)" for p in staff)
        + ".\n\nRefugee Officers and Asylum Officers are welcome.\n"
    )
    cases.append(
        _case(
            "offices-all-hands-eml-5",
            "allhands.eml",
            eml_file("Asylum Division all-hands", body),
            0,
            cls=None,
        )
    )
    return cases


CASES: list[Case] = [
    *_screening_codes(),
    *_withholding(),
    *_cat(),
    *_asylee(),
    *_i589(),
    *_ij_referral(),
    *_spanish_codes(),
    *_officials(),
]
