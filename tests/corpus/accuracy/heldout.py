"""A held-out set, written from the issue's text alone without reading the detectors or the
policy's vocabulary: files a privacy officer at the agency meets, worded in the officer's own
words rather than the detectors' authors'. Protected files name the claim in free phrasing
(screening outcomes, relief granted, derivative status, filings, other languages), or carry it
from a distance (a title far above the rows, a sheet name, a heading on the page before, a
mail subject or a reply in a thread, a page header of a fixed-width listing); personal-data
files hold detainees without any claim; clean files are staff lists, blank forms, statistics,
press releases, court calendars, receipt numbers and facility lists.

Persons come from their own seed, apart from every other corpus's."""

from __future__ import annotations

from collections.abc import Sequence

from tests.corpus.accuracy import Case, Topic
from tests.corpus.accuracy._files import (
    csv_file,
    docx_file,
    eml_file,
    html_file,
    html_table,
    pdf_file,
    text_file,
    us,
    xlsx_file,
)
from tests.corpus.people import FACILITIES, Person, people

_TOPIC = Topic("heldout", people(320, seed=4_0419_2026))


NAME, ANUM, BIRTH, NAT, FAC, CLAIM = (
    "person-name",
    "a-number",
    "birthdate",
    "nationality",
    "detention-facility",
    "protection-claim",
)


def _dashed(person: Person) -> str:
    """An A-number as the old paper files write it: A-212-345-678."""
    d = person.a_digits
    return f"A-{d[:3]}-{d[3:6]}-{d[6:]}"


def _long(person: Person) -> str:
    return person.birthdate.strftime("%d %B %Y")


# Protected: the claim in the officer's own words.


def _vocabulary() -> list[Case]:
    cases: list[Case] = []

    group = _TOPIC.take(6)
    rows: list[list[object]] = [["Full name", "A#", "DOB", "Interview outcome"]]
    for n, p in enumerate(group):
        outcome = (
            "positive credible fear determination, served 02/14/2024"
            if n % 2 == 0
            else "negative credible fear finding; requested IJ review"
        )
        rows.append([p.name, p.a_number, us(p.birthdate), outcome])
    cases.append(
        _TOPIC.protected(
            "cf-outcome-sentence-csv", "screening.csv", csv_file(rows), 6, NAME, ANUM, CLAIM
        )
    )

    group = _TOPIC.take(5)
    rows = [["Subject", "Alien no.", "Nationality", "Disposition"]]
    for p in group:
        rows.append(
            [
                p.last_first,
                p.a_digits,
                p.nationality,
                "NTA issued after negative RFI, IJ review req.",
            ]
        )
    cases.append(
        _TOPIC.protected(
            "rfi-nta-xlsx", "rfi_followup.xlsx", xlsx_file([("Sheet1", rows)]), 5, ANUM, CLAIM
        )
    )

    group = _TOPIC.take(4)
    table = [["Respondent", "A-Number", "Decision (IJ)"]]
    table += [[p.name, _dashed(p), "Granted withholding of removal"] for p in group]
    cases.append(
        _TOPIC.protected(
            "wor-granted-docx",
            "decisions.docx",
            docx_file([("p", "Decisions received this month."), ("table", table)]),
            4,
            ANUM,
            CLAIM,
        )
    )

    group = _TOPIC.take(5)
    lines = ["Relief summary", "NAME                        A-NUMBER     RELIEF"]
    lines += [f"{p.last_first:<28}{p.a_number:<13}CAT deferral granted 2021" for p in group]
    cases.append(
        _TOPIC.protected("cat-deferral-pdf", "relief.pdf", pdf_file([lines]), 5, ANUM, CLAIM)
    )

    group = _TOPIC.take(6)
    body = html_table(
        "Household members",
        ["Name", "A-Number", "Date of birth", "Relationship / status"],
        [
            [p.name, p.a_number, us(p.birthdate), "principal asylee"]
            if n == 0
            else [p.name, p.a_number, us(p.birthdate), "derivative asylee (spouse)"]
            if n == 1
            else [p.name, p.a_number, us(p.birthdate), "derivative asylee (child)"]
            for n, p in enumerate(group)
        ],
    )
    cases.append(
        _TOPIC.protected(
            "derivative-asylee-html",
            "household.html",
            html_file("Household", body),
            6,
            NAME,
            ANUM,
            CLAIM,
        )
    )

    group = _TOPIC.take(4)
    lines = [
        f"{p.name}, A{p.a_digits}, born {us(p.birthdate)}: I-589 filed 03/2023, "
        "biometrics done, awaiting interview."
        for p in group
    ]
    cases.append(
        _TOPIC.protected(
            "i589-filed-txt", "status_notes.txt", text_file(lines), 4, NAME, ANUM, CLAIM
        )
    )

    group = _TOPIC.take(3)
    body = (
        "Team,\n\nThe following received an asylum officer referral to the immigration court:\n\n"
    )
    body += "".join(f"  - {p.name} ({p.a_number})\n" for p in group)
    body += "\nFiles are in the shared drive.\nThanks,\nK.\n"
    cases.append(
        _TOPIC.protected(
            "ao-referral-eml",
            "referrals.eml",
            eml_file("Referrals this week", body),
            3,
            NAME,
            ANUM,
            CLAIM,
        )
    )

    group = _TOPIC.take(5)
    rows = [["LAST", "FIRST", "ANUM", "RELIEF_CD", "STATUS"]]
    for p in group:
        rows.append([p.last.upper(), p.first, p.a_digits, "241(b)(3)", "GRANTED"])
    cases.append(
        _TOPIC.protected(
            "ina-241b3-code-xlsx",
            "relief_codes.xlsx",
            xlsx_file([("Export", rows)]),
            5,
            ANUM,
            CLAIM,
        )
    )

    group = _TOPIC.take(6)
    codes = ["CF POS", "CF NEG - IJ VAC", "RF POS", "RF NEG - IJ AFF", "CF POS", "CF NEG"]
    rows = [["Name", "A Number", "Facility", "Screen"]]
    rows += [[p.name, p.a_number, p.facility, code] for p, code in zip(group, codes, strict=True)]
    cases.append(
        _TOPIC.protected(
            "screen-codes-csv", "screens.csv", csv_file(rows, ";"), 6, NAME, ANUM, CLAIM
        )
    )

    group = _TOPIC.take(3)
    rows = [["Name", "A-Number", "Comments"]]
    rows += [
        [group[0].name, group[0].a_number, "Asylee status since 2019; applying for LPR"],
        [group[1].name, group[1].a_number, "Withholding-only proceedings pending"],
        [group[2].name, group[2].a_number, "CAT withholding granted by IJ, DHS did not appeal"],
    ]
    cases.append(
        _TOPIC.protected(
            "mixed-relief-comments-csv", "comments.csv", csv_file(rows), 3, NAME, ANUM, CLAIM
        )
    )
    return cases


# Protected: prose, other languages, reported speech.


def _prose() -> list[Case]:
    cases: list[Case] = []

    a, b = _TOPIC.take(2)
    lines = [
        "Nota de entrevista",
        "",
        f"El señor {a.name}, nacido el {us(a.birthdate)}, declaró que teme regresar a su país "
        "porque fue amenazado por una pandilla, y pidió asilo en la frontera.",
        f"Su hermana {b.name} (A{b.a_digits}) también solicitó asilo el mismo día.",
    ]
    cases.append(_TOPIC.protected("spanish-fear-txt", "nota.txt", text_file(lines), 2, NAME, CLAIM))

    (a,) = _TOPIC.take(1)
    blocks = [
        ("h2", "Compte rendu"),
        (
            "p",
            f"{a.name} (numéro A {a.a_number}) a déposé une demande d'asile le 12 mars 2023 "
            "et affirme craindre des persécutions en raison de ses opinions politiques.",
        ),
    ]
    cases.append(
        _TOPIC.protected(
            "french-claim-docx", "compte_rendu.docx", docx_file(blocks), 1, NAME, CLAIM
        )
    )

    a, b = _TOPIC.take(2)
    body = (
        "Prezados,\n\n"
        f"{a.name}, nascido em {us(a.birthdate)}, está detido em {a.facility} e pediu refúgio "
        "alegando medo de perseguição religiosa.\n"
        f"{b.name}, A{b.a_digits}, teve o pedido de asilo reconhecido em 2022.\n\n"
        "Atenciosamente\n"
    )
    cases.append(
        _TOPIC.protected(
            "portuguese-claim-eml",
            "mensagem.eml",
            eml_file("Atualização de casos", body),
            2,
            NAME,
            CLAIM,
        )
    )

    (a,) = _TOPIC.take(1)
    lines = [
        "Officer's note, 11/02/2023",
        f"{a.name}, A-number {a.a_number}, is held at {a.facility}. She told the officer she "
        "could not go back because her former partner, a police officer, had threatened to "
        "kill her; the officer found that she had established a significant possibility of "
        "persecution and referred her case on.",
    ]
    cases.append(
        _TOPIC.protected("reported-speech-txt", "note.txt", text_file(lines), 1, NAME, ANUM, CLAIM)
    )

    (a,) = _TOPIC.take(1)
    blocks = [
        (
            "p",
            f"The applicant, {a.name}, born on the fourth of July nineteen eighty-eight, "
            "appeared for her affirmative asylum interview at the Arlington office and "
            "testified about her fear of returning to her country.",
        )
    ]
    cases.append(
        _TOPIC.protected("birth-in-words-docx", "interview.docx", docx_file(blocks), 1, NAME, CLAIM)
    )
    return cases


# Protected: context that carries from a distance.


def _context() -> list[Case]:
    cases: list[Case] = []

    group = _TOPIC.take(8)
    rows: list[list[object]] = [
        ["Affirmative asylum applications pending interview - Houston"],
        ["Prepared by the records unit, not for release"],
        [],
        [],
        [],
        ["Name", "A-Number", "DOB", "Country"],
    ]
    rows += [[p.name, p.a_number, us(p.birthdate), p.nationality] for p in group]
    cases.append(
        _TOPIC.protected(
            "title-far-above-xlsx",
            "pending.xlsx",
            xlsx_file([("Report", rows)]),
            8,
            NAME,
            ANUM,
            CLAIM,
        )
    )

    group = _TOPIC.take(5)
    rows = [["Name", "A#", "Detained at"]]
    rows += [[p.name, p.a_number, p.facility] for p in group]
    cases.append(
        _TOPIC.protected(
            "sheet-named-claim-xlsx",
            "transfers_q3.xlsx",
            xlsx_file([("Positive Fear Referrals", rows)]),
            5,
            NAME,
            ANUM,
            CLAIM,
        )
    )

    group = _TOPIC.take(7)
    page1 = [
        "Reasonable Fear Screenings",
        "Positive determinations, Southern District, quarter ending 06/30/2024",
        "Listing follows on the next page.",
    ]
    page2 = ["Name                       A-Number      Date of Birth"]
    page2 += [f"{p.name:<27}{p.a_number:<14}{us(p.birthdate)}" for p in group]
    cases.append(
        _TOPIC.protected(
            "pdf-heading-page-before",
            "rfs.pdf",
            pdf_file([page1, page2]),
            7,
            ANUM,
            CLAIM,
        )
    )

    group = _TOPIC.take(4)
    table = [["Name", "A-Number", "Country"]]
    table += [[p.name, p.a_number, p.nationality] for p in group]
    blocks = [
        ("h1", "Withholding-only cases"),
        ("p", "The cases below are before the court for withholding only."),
        ("p", "Counsel has been notified; hearings are set for the spring."),
        ("table", table),
    ]
    cases.append(
        _TOPIC.protected(
            "docx-heading-table", "wo_cases.docx", docx_file(blocks), 4, NAME, ANUM, CLAIM
        )
    )

    first, added = _TOPIC.take(2), _TOPIC.take(1)
    body = (
        "Adding one more below.\n\n"
        f"also add {added[0].name} {added[0].a_number}, same situation\n\n"
        "J.\n\n"
        "On Tue, Dec 13, 2022, Intake <intake@agency.example> wrote:\n"
        "> Please hold the following; both had a positive CFI last week:\n"
        + "".join(f"> {p.name}, {p.a_number}\n" for p in first)
        + "> \n"
    )
    cases.append(
        _TOPIC.protected(
            "thread-also-add-eml",
            "thread.eml",
            eml_file("RE: hold list", body),
            3,
            NAME,
            ANUM,
            CLAIM,
        )
    )

    group = _TOPIC.take(9)
    header = [
        "RUN 2024-03-04  ASYLUM PENDING CASE LISTING - AFFIRMATIVE            PAGE {page}",
        "",
        "A-NUMBER   LAST NAME        FIRST NAME       DOB         NAT",
        "---------  ---------------  ---------------  ----------  ----------",
    ]
    lines: list[str] = []
    for page, chunk in enumerate((group[:5], group[5:]), start=1):
        lines += [h.format(page=page) for h in header]
        lines += [
            f"{p.a_digits:<11}{p.last.upper()[:15]:<17}{p.first.upper()[:15]:<17}"
            f"{us(p.birthdate):<12}{p.nationality.upper()[:10]}"
            for p in chunk
        ]
        lines.append("\f")
    cases.append(
        _TOPIC.protected(
            "fixed-width-page-header-txt", "LISTING.TXT", text_file(lines), 9, ANUM, CLAIM
        )
    )

    group = _TOPIC.take(5)
    body = html_table(
        "Applicants granted asylum, FY2024",
        ["Name", "A-Number", "Date of birth"],
        [[p.name, p.a_number, us(p.birthdate)] for p in group],
        intro="<p>Internal list. Contact the records unit for corrections.</p>",
    )
    cases.append(
        _TOPIC.protected(
            "html-heading-table", "granted.html", html_file("List", body), 5, NAME, ANUM, CLAIM
        )
    )

    group = _TOPIC.take(4)
    table = [["Name", "A#", "Facility"]]
    table += [[p.name, p.a_number, p.facility] for p in group]
    cases.append(
        _TOPIC.protected(
            "docx-page-header",
            "results.docx",
            docx_file(
                [("table", table)],
                header=["CONFIDENTIAL 8 CFR 208.6 - credible fear determinations, week 41"],
            ),
            4,
            ANUM,
            CLAIM,
        )
    )

    group = _TOPIC.take(4)
    body = "Please arrange transport for the following:\n\n"
    body += "".join(f"{p.last_first}\t{p.a_number}\t{p.facility}\n" for p in group)
    cases.append(
        _TOPIC.protected(
            "subject-carries-eml",
            "transport.eml",
            eml_file("Positive CFI results - transport to hearing", body),
            4,
            ANUM,
            CLAIM,
        )
    )

    group = _TOPIC.take(6)
    rows = [
        ["Defensive asylum cases before EOIR - week 12"],
        ["Name", "A-Number", "Next hearing"],
    ]
    rows += [[p.name, p.a_number, "04/22/2024"] for p in group]
    cases.append(
        _TOPIC.protected(
            "csv-title-line", "defensive_wk12.csv", csv_file(rows), 6, NAME, ANUM, CLAIM
        )
    )

    group = _TOPIC.take(4)
    cases.append(
        _TOPIC.protected(
            "docx-title-property",
            "list.docx",
            docx_file(
                [("table", [["Name", "A-Number"], *([p.name, p.a_number] for p in group)])],
                title="Asylum applicants scheduled for interview",
            ),
            4,
            ANUM,
            CLAIM,
        )
    )
    return cases


# Personal data without any claim.


def _personal_cases() -> list[Case]:
    cases: list[Case] = []

    group = _TOPIC.take(10)
    rows: list[list[object]] = [["Detainee", "A-Number", "DOB", "Facility", "Book-in"]]
    rows += [[p.name, p.a_number, us(p.birthdate), p.facility, "11/03/2024"] for p in group]
    cases.append(
        _TOPIC.personal("detention-roster-csv", "roster.csv", csv_file(rows), 10, NAME, ANUM)
    )

    group = _TOPIC.take(6)
    rows = [["Name", "A#", "From", "To", "Transfer date"]]
    rows += [
        [p.name, p.a_number, p.facility, FACILITIES[n % len(FACILITIES)], "12/01/2024"]
        for n, p in enumerate(group)
    ]
    cases.append(
        _TOPIC.personal(
            "transfer-list-xlsx",
            "transfers.xlsx",
            xlsx_file([("Transfers", rows)]),
            6,
            NAME,
            ANUM,
        )
    )

    group = _TOPIC.take(5)
    lines = ["Medical appointments - week of 12/02/2024", "NAME                       A-NUMBER"]
    lines += [f"{p.name:<27}{p.a_number}" for p in group]
    cases.append(_TOPIC.personal("medical-log-pdf", "medical.pdf", pdf_file([lines]), 5, ANUM))

    (a,) = _TOPIC.take(1)
    lines = [
        f"{a.name}, born {_long(a)}, was booked into {a.facility} on 10/19/2024 "
        "after a traffic stop and is awaiting a bond hearing."
    ]
    cases.append(_TOPIC.personal("booking-prose-txt", "booking.txt", text_file(lines), 1, NAME))

    group = _TOPIC.take(4)
    table = [["Visitor for", "A-Number", "Visit date"]]
    table += [[p.name, _dashed(p), "11/30/2024"] for p in group]
    cases.append(
        _TOPIC.personal(
            "visitation-log-docx",
            "visits.docx",
            docx_file([("h2", "Visitation log"), ("table", table)]),
            4,
            ANUM,
        )
    )

    group = _TOPIC.take(3)
    body = "Please move the following detainees to Stewart on Thursday:\n\n"
    body += "".join(f"{p.name} - {p.a_number}\n" for p in group)
    cases.append(
        _TOPIC.personal(
            "transfer-request-eml",
            "move.eml",
            eml_file("Bed space", body),
            3,
            NAME,
            ANUM,
        )
    )
    return cases


# Clean: what must pass.

_STAFF = (
    ("Dolores Whitcombe", "Supervisory Asylum Officer", "Credible Fear Section"),
    ("Peter Vasquez-Lund", "Asylum Officer", "Affirmative Asylum Unit"),
    ("Nadia Okonkwo-Reyes", "Training Officer", "Refugee and Asylum Operations"),
    ("Thomas Arbuckle", "Administrative Assistant", "Front Office"),
    ("Grace Maalouf", "Asylum Officer", "Reasonable Fear Team"),
    ("Rafael Sondheim", "Section Chief", "Fear Screening Section"),
)


def _clean_cases() -> list[Case]:
    cases: list[Case] = []

    rows: list[Sequence[object]] = [
        ["Newark Asylum Office - staff phone list"],
        ["Name", "Title", "Section", "Phone", "Email"],
    ]
    rows += [
        [name, title, section, f"(201) 555-01{n:02d}", f"{name.split()[0].lower()}@agency.example"]
        for n, (name, title, section) in enumerate(_STAFF)
    ]
    cases.append(_TOPIC.clean("staff-phone-list-csv", "phones.csv", csv_file(rows)))

    rows = [["Officer", "Unit", "Course", "Completed"]]
    rows += [
        [name, section, "Credible fear refresher (CFR-2024)", f"09/1{n}/2024"]
        for n, (name, _, section) in enumerate(_STAFF)
    ]
    cases.append(
        _TOPIC.clean(
            "training-roster-xlsx",
            "training.xlsx",
            xlsx_file([("Asylum officer training", rows)]),
        )
    )

    rows = [
        ["Credible fear intake - template"],
        ["Applicant name", "A-Number", "Date of birth", "Nationality", "Claim (asylum/WOR/CAT)"],
        ["LAST, First", "A#########", "MM/DD/YYYY", "<country>", "<select>"],
        [],
        [],
    ]
    cases.append(
        _TOPIC.clean("blank-intake-xlsx", "intake_template.xlsx", xlsx_file([("Intake", rows)]))
    )

    blocks = [
        ("h1", "Asylum interview worksheet"),
        ("p", "Applicant's full name: ______________________"),
        ("p", "A-Number: A__________   Date of birth: ___/___/______"),
        ("p", "Country of nationality: ____________________"),
        ("p", "Basis of fear (check one): [ ] race [ ] religion [ ] political opinion"),
        ("p", "Interviewing officer: ______________________"),
    ]
    cases.append(_TOPIC.clean("blank-worksheet-docx", "worksheet.docx", docx_file(blocks)))

    stats: list[Sequence[object]] = [
        ["Nationality", "CF referrals", "Positive", "Negative", "Pending"],
        ["Honduras", 14, 9, 3, 2],
        ["Guatemala", 11, 6, 4, 1],
        ["Venezuela", 3, 2, 1, 0],
        ["Haiti", 2, 1, 0, 1],
        ["Afghanistan", 1, 1, 0, 0],
        ["Total", 31, 19, 8, 4],
    ]
    cases.append(_TOPIC.clean("weekly-stats-nationality-csv", "weekly_stats.csv", csv_file(stats)))

    press = (
        "<h1>Agency announces faster asylum processing</h1>"
        "<p>WASHINGTON - The agency today announced new steps to reduce the affirmative "
        "asylum backlog. &#8220;Every applicant deserves a timely decision,&#8221; said "
        "Director Marisol Quenby. &#8220;We are adding asylum officers in Houston and "
        "Chicago,&#8221; added Deputy Director Alan Fairweather.</p>"
        "<p>Media contact: Public Affairs, (202) 555-0188.</p>"
    )
    cases.append(
        _TOPIC.clean("press-release-html", "release.html", html_file("Press release", press))
    )

    lines = [
        "Executive Office for Immigration Review - Master calendar, 12/09/2024",
        "Courtroom 1   Immigration Judge Harold P. Winsome     9:00 AM  Master (detained)",
        "Courtroom 2   Immigration Judge Corinne Ashdown        9:00 AM  Individual hearings",
        "Courtroom 3   Assistant Chief IJ Bernard Lisowski      1:00 PM  Master (non-detained)",
    ]
    cases.append(_TOPIC.clean("court-calendar-pdf", "calendar.pdf", pdf_file([lines])))

    rows = [["Receipt number", "Batch", "Court case no.", "Received"]]
    rows += [
        [
            f"IOE09{n:08d}",
            f"{209_114_300 + n * 17}",
            f"2024-CV-{211_000_000 + n}",
            f"03/0{n}/2024",
        ]
        for n in range(1, 8)
    ]
    cases.append(
        _TOPIC.clean("receipt-numbers-xlsx", "receipts.xlsx", xlsx_file([("Batch", rows)]))
    )

    rows = [["Facility", "City", "State", "Capacity", "Average daily population"]]
    rows += [
        [facility, city, state, cap, adp]
        for facility, city, state, cap, adp in (
            (FACILITIES[0], "Adelanto", "CA", 1940, 1312),
            (FACILITIES[1], "San Diego", "CA", 1994, 1420),
            (FACILITIES[4], "Miami", "FL", 611, 598),
            (FACILITIES[5], "Lumpkin", "GA", 1752, 1608),
        )
    ]
    cases.append(_TOPIC.clean("facility-capacity-csv", "facilities.csv", csv_file(rows)))

    rows = [["Facility", "Positive CF", "Negative CF", "Referred to IJ"]]
    rows += [[f, 3, 1, 1] for f in FACILITIES[:4]]
    cases.append(
        _TOPIC.clean(
            "facility-cf-counts-xlsx", "cf_by_facility.xlsx", xlsx_file([("Counts", rows)])
        )
    )

    blocks = [
        ("h1", "Memorandum: processing of credible fear referrals"),
        (
            "p",
            "Effective January 1, asylum officers will record each positive credible fear "
            "determination in the case system within two business days. Supervisors review "
            "negative determinations before service.",
        ),
        ("p", "Signed, Rafael Sondheim, Section Chief"),
    ]
    cases.append(_TOPIC.clean("policy-memo-docx", "memo.docx", docx_file(blocks)))

    body = (
        "All,\n\nLet's meet Thursday at 10 to review the asylum backlog figures and the "
        "withholding caseload for Q1.\n\nDolores Whitcombe\nSupervisory Asylum Officer\n"
        "Credible Fear Section\n"
    )
    cases.append(
        _TOPIC.clean("backlog-meeting-eml", "meeting.eml", eml_file("Backlog review", body))
    )

    lines = [
        "ASYLUM DIVISION WEEKLY COUNTS                         PAGE 1",
        "OFFICE        RECEIVED  INTERVIEWED  GRANTED  REFERRED",
        "ARLINGTON           42           31        9        12",
        "HOUSTON             57           40       11        17",
        "NEWARK               4            3        1         0",
    ]
    cases.append(_TOPIC.clean("fixed-width-stats-txt", "COUNTS.TXT", text_file(lines)))
    return cases


# Distinct persons across sheets and quoted mail.


def _distinct() -> list[Case]:
    cases: list[Case] = []

    group = _TOPIC.take(5)
    first: list[Sequence[object]] = [["Name", "A-Number", "Outcome"]]
    first += [[p.name, p.a_number, "positive fear found"] for p in group]
    second: list[Sequence[object]] = [["A-Number", "Name", "Follow-up"]]
    second += [[p.a_number, p.name, "hearing set"] for p in reversed(group)]
    cases.append(
        _TOPIC.protected(
            "two-sheets-same-people-xlsx",
            "followup.xlsx",
            xlsx_file([("Referrals", first), ("Follow-up", second)]),
            5,
            ANUM,
            CLAIM,
        )
    )

    (a,) = _TOPIC.take(1)
    original = f"{a.name} ({a.a_number}) was granted asylum by the IJ on 10/02/2024."
    body = (
        "FYI, see below.\n\n"
        "---------- Forwarded message ---------\n"
        f"{original}\n\n"
        "On Mon, Oct 7, 2024, Counsel wrote:\n"
        f"> {original}\n"
        "> Please update the case system.\n"
    )
    cases.append(
        _TOPIC.protected(
            "quoted-twice-eml", "fwd.eml", eml_file("Fwd: decision", body), 1, NAME, ANUM, CLAIM
        )
    )
    return cases


# A second round: carriers the first round left out (tracked changes, comments, footers,
# Markdown, terse replies, grounds of persecution, a title line over a CSV of detainees) and
# look-alikes that must not be taken for claims.


def _second_round() -> list[Case]:
    cases: list[Case] = []

    group = _TOPIC.take(4)
    table = [["Name", "A-Number", "Hearing"]]
    table += [[p.name, p.a_number, "01/15/2025"] for p in group]
    blocks = [
        ("p", "Hearing list for the detained docket."),
        ("deleted", "Everyone on this list passed the credible fear screening."),
        ("table", table),
    ]
    cases.append(
        _TOPIC.protected(
            "docx-tracked-deletion", "docket.docx", docx_file(blocks), 4, NAME, ANUM, CLAIM
        )
    )

    group = _TOPIC.take(3)
    table = [["Name", "A-Number"]] + [[p.name, p.a_number] for p in group]
    cases.append(
        _TOPIC.protected(
            "docx-comment",
            "hold.docx",
            docx_file(
                [("p", "Hold list."), ("table", table)],
                comments=["These three are the CAT cases - do not release to the consulate."],
            ),
            3,
            ANUM,
            CLAIM,
        )
    )

    group = _TOPIC.take(4)
    table = [["Name", "A#", "Country"]] + [[p.name, p.a_number, p.nationality] for p in group]
    cases.append(
        _TOPIC.protected(
            "docx-footer",
            "schedule.docx",
            docx_file(
                [("table", table)],
                footer=["Asylum interview schedule - protected under 8 CFR 208.6"],
            ),
            4,
            ANUM,
            CLAIM,
        )
    )

    group = _TOPIC.take(5)
    lines = [
        "# Asylee adjustment queue",
        "",
        "Cases waiting for the I-485 decision, one year after the grant.",
        "",
        "| Name | A-Number | Granted |",
        "|---|---|---|",
    ]
    lines += [f"| {p.name} | {p.a_number} | 2023 |" for p in group]
    cases.append(
        _TOPIC.protected("markdown-heading", "queue.md", text_file(lines), 5, NAME, ANUM, CLAIM)
    )

    first, added = _TOPIC.take(2), _TOPIC.take(1)
    body = (
        f"+1: {added[0].last_first} {added[0].a_number} CF pos\n\n"
        "-----Original Message-----\n"
        "From: Intake\n"
        "Subject: CF positives to transfer\n\n"
        + "".join(f"{p.last_first} {p.a_number} {p.facility}\n" for p in first)
    )
    cases.append(
        _TOPIC.protected(
            "terse-reply-eml",
            "reply.eml",
            eml_file("RE: CF positives to transfer", body),
            3,
            ANUM,
            CLAIM,
        )
    )

    group = _TOPIC.take(5)
    grounds = (
        "political opinion",
        "particular social group (family)",
        "religion",
        "PSG - domestic violence",
        "race / nationality",
    )
    rows: list[Sequence[object]] = [["Name", "A-Number", "Protected ground claimed"]]
    rows += [[p.name, p.a_number, g] for p, g in zip(group, grounds, strict=True)]
    cases.append(
        _TOPIC.protected(
            "grounds-of-persecution-xlsx",
            "grounds.xlsx",
            xlsx_file([("Interviews", rows)]),
            5,
            NAME,
            ANUM,
            CLAIM,
        )
    )

    group = _TOPIC.take(4)
    rows = [["Nombre", "Número A", "Fecha de nacimiento", "¿Solicitó asilo?"]]
    rows += [[p.name, p.a_number, us(p.birthdate), "Sí"] for p in group]
    cases.append(
        _TOPIC.protected(
            "spanish-header-xlsx",
            "casos.xlsx",
            xlsx_file([("Casos", rows)]),
            4,
            NAME,
            ANUM,
            CLAIM,
        )
    )

    group = _TOPIC.take(5)
    rows = [["Detention roster 12/01/2024"], ["Name", "A-Number", "Facility"]]
    rows += [[p.name, p.a_number, p.facility] for p in group]
    cases.append(
        _TOPIC.personal("csv-title-line-roster", "roster_1201.csv", csv_file(rows), 5, NAME, ANUM)
    )

    (a,) = _TOPIC.take(1)
    body = (
        "Medical,\n\n"
        f"{a.name}, DOB {us(a.birthdate)}, at {a.facility}, needs a dental follow-up "
        "before Friday.\n\nThanks\n"
    )
    cases.append(
        _TOPIC.personal("medical-prose-eml", "dental.eml", eml_file("Follow-up", body), 1, NAME)
    )

    pages = [
        [
            "Credible Fear Screening Record (blank)",
            "Name of applicant: ______________________",
            "A-Number: A-___-___-___     Date of birth: MM/DD/YYYY",
            "Facility: ______________________",
            "Determination:  [ ] Positive   [ ] Negative",
        ]
    ]
    cases.append(_TOPIC.clean("blank-form-pdf", "cf_form_blank.pdf", pdf_file(pages)))

    body = html_table(
        "Asylum grants by country of nationality, FY2024",
        ["Country", "Grants", "Denials", "Referrals"],
        [["Eritrea", 2, 0, 1], ["Cameroon", 1, 1, 0], ["Nepal", 3, 0, 0], ["Tajikistan", 1, 0, 0]],
    )
    cases.append(_TOPIC.clean("grants-by-country-html", "grants.html", html_file("Grants", body)))

    table = [
        ["Name", "Position", "Office"],
        ["Dolores Whitcombe", "Refugee Officer", "International Protection Division"],
        ["Rafael Sondheim", "Asylum Division Chief", "Asylum Division"],
        ["Grace Maalouf", "Program Analyst", "Credible Fear and Reasonable Fear Program"],
    ]
    cases.append(
        _TOPIC.clean(
            "staff-directory-docx",
            "directory.docx",
            docx_file([("h1", "Protection Directorate - who's who"), ("table", table)]),
        )
    )
    return cases


CASES: list[Case] = [
    *_vocabulary(),
    *_prose(),
    *_context(),
    *_personal_cases(),
    *_clean_cases(),
    *_distinct(),
    *_second_round(),
]
