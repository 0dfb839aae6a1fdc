"""Prose with ground truth: memos, emails, lists and press releases, in plain text and
Markdown. Positives tie named persons to a claim; negatives mention claims, countries and
officials without exposing anyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tests.corpus.people import Person, people


@dataclass(frozen=True)
class TextCase:
    name: str
    text: str
    verdict: str
    classes: dict[str, int] = field(default_factory=dict)
    suffix: str = ".md"

    def write(self, directory: Path, encoding: str = "utf-8") -> Path:
        path = directory / f"{self.name}{self.suffix}"
        path.write_bytes(self.text.encode(encoding))
        return path


def _groups(p: Person) -> str:
    d = p.a_digits
    return f"A-{d[:3]}-{d[3:6]}-{d[6:]}"


def fear_memo(count: int = 6) -> TextCase:
    """A Markdown memo: the heading names the claim, the list names the persons."""
    persons = people(count, seed=21)
    items = []
    for i, p in enumerate(persons):
        if i % 3 == 0:
            items.append(f"- {p.last_first} ({p.a_number})")
        elif i % 3 == 1:
            items.append(f"- {p.last_first}, DOB {p.birthdate.strftime('%m/%d/%Y')}")
        else:
            items.append(f"- {_groups(p)}, {p.nationality}")
    # The first person again, in another spelling: still one person.
    items.append(f"- {_groups(persons[0])} (second interview)")
    text = "\n".join(
        [
            "# Credible fear interviews, week 12",
            "",
            "Prepared for the privacy office.",
            "",
            "The following individuals were interviewed at Otay Mesa Detention Center:",
            "",
            *items,
            "",
        ]
    )
    return TextCase("fear-memo", text, "protected", {"protected-person": count})


def removal_email() -> TextCase:
    """The second 2022 disclosure: a plain message confirming that deportees sought
    protection."""
    persons = people(3, seed=22)
    lines = [
        "From: removals@agency.example",
        "To: liaison@embassy.example",
        "Date: Tue, 13 Dec 2022 09:12:00 -0500",
        "",
        "Colleagues,",
        "",
        "As requested, the following passengers on flight 4471 had claimed fear of return",
        "and were screened for credible fear before removal:",
        "",
        *[f"{p.last_first:<30} {p.a_number}" for p in persons],
        "",
        "Regards,",
        "Removals Liaison Unit",
        "",
    ]
    return TextCase("removal-email", "\n".join(lines), "protected", {"protected-person": 3}, ".txt")


def confirmation_message() -> TextCase:
    """The second 2022 disclosure in its plainest form: running prose, names in title case
    with no label and no A-number, confirming to a foreign government who sought protection.
    One person is named again by surname alone: still three persons."""
    a, b, c = people(3, seed=24)
    text = "\n".join(
        [
            "From: removals@agency.example",
            "To: consul@embassy.example",
            "Subject: Flight 4471",
            "",
            "Dear Consul,",
            "",
            f"As discussed by phone, we confirm that {a.name} and {b.name}, who are on",
            "the manifest for the flight of 14 December, had sought asylum in the United",
            f"States. Mr. {a.last} also had a credible fear interview in October. The asylum",
            f"application of {c.name} was denied by the immigration judge.",
            "",
            "Director Alice Chen will be at the airport; Robert Miller, Office of Public",
            "Affairs, said that 40 families sought asylum this month.",
            "",
            "Regards,",
            "Removals Liaison Unit",
            "",
        ]
    )
    return TextCase("confirmation-message", text, "protected", {"protected-person": 3}, ".txt")


def labelled_record() -> TextCase:
    """A case note written as label: value lines; the A-number is bare digits after its
    label. One person, though the name and the number are on different lines."""
    p = people(1, seed=23)[0]
    text = "\n".join(
        [
            "CASE NOTE",
            "",
            f"Name: {p.name}",
            f"Alien No. {p.a_digits}",
            f"Date of birth: {p.birthdate.strftime('%B %d, %Y')}",
            f"Nationality: {p.nationality}",
            "CFI result: positive",
            "",
        ]
    )
    return TextCase("case-note", text, "protected", {"protected-person": 1}, ".txt")


def spanish_memo() -> TextCase:
    persons = people(4, seed=24)
    items = [f"- {p.last_first} — {_groups(p)}" for p in persons]
    text = "\n".join(["## Solicitantes de asilo remitidos", "", *items, ""])
    return TextCase("spanish-memo", text, "protected", {"protected-person": 4})


def non_latin_memo() -> TextCase:
    text = "\n".join(
        [
            "# Refugee status interviews",
            "",
            "- ИВАНОВ, Иван",
            "- Name: 王伟",
            "- ΠΑΠΑΔΟΠΟΥΛΟΣ, Γιώργος",
            "",
        ]
    )
    return TextCase("non-latin-memo", text, "protected", {"protected-person": 3})


def detainee_list() -> TextCase:
    """Detainees with A-numbers and facilities and no claim: personal data."""
    persons = people(5, seed=25)
    lines = ["Detainees transferred this week", ""]
    lines += [f"{p.last_first}, {p.a_number}, {p.facility}" for p in persons]
    return TextCase(
        "detainee-list", "\n".join(lines) + "\n", "protected", {"personal-data": 5}, ".txt"
    )


def markdown_table() -> TextCase:
    persons = people(4, seed=26)
    rows = [f"| {p.a_number} | {p.name} | {p.nationality} |" for p in persons]
    text = "\n".join(
        [
            "# Reasonable fear referrals",
            "",
            "| A-Number | Name | Nationality |",
            "|---|---|---|",
            *rows,
            "",
            "End of list.",
            "",
        ]
    )
    return TextCase("md-table", text, "protected", {"protected-person": 4})


# --- negatives ----------------------------------------------------------------------------


def press_release() -> TextCase:
    text = "\n".join(
        [
            "FOR IMMEDIATE RELEASE",
            "",
            "WASHINGTON, D.C. — Secretary Jordan Blake today announced new measures to reduce",
            'the asylum backlog. "Every applicant deserves a fair and timely credible fear',
            'interview," said Secretary Blake. Director Ana Ruiz visited the Houston Asylum',
            "Office on Tuesday.",
            "",
            "HOUSTON, Texas — Asylum officers completed 4,210 interviews in FY2022.",
            "",
            "Media contact: Jane Smith, Press Secretary, (202) 555-0199",
            "",
        ]
    )
    return TextCase("press-release", text, "clean")


def aggregate_report() -> TextCase:
    text = "\n".join(
        [
            "# Asylum statistics, FY2022",
            "",
            "Credible fear referrals rose 12% to 93,204. Nationals of Honduras, Guatemala and",
            "El Salvador filed 41% of asylum applications (I-589). Refugees admitted: 25,465.",
            "",
            "| Country | Asylum applications | Granted |",
            "|---|---|---|",
            "| Honduras | 12,345 | 1,234 |",
            "| Guatemala | 9,876 | 987 |",
            "",
        ]
    )
    return TextCase("aggregate-report", text, "clean")


def staff_directory() -> TextCase:
    text = "\n".join(
        [
            "# Houston Asylum Office staff directory",
            "",
            "- Jane Doe, Supervisory Asylum Officer, (713) 555-0100",
            "- DOE, Jane: Supervisory Asylum Officer",
            "- ROE, John: Refugee Officer, Refugee Affairs Division",
            "",
        ]
    )
    return TextCase("staff-directory", text, "clean")


def facility_list() -> TextCase:
    text = "\n".join(
        [
            "Detention facilities under contract:",
            "",
            "- Adelanto ICE Processing Center, Adelanto, CA (capacity 1,940)",
            "- Otay Mesa Detention Center, San Diego, CA",
            "- Stewart Detention Center, Lumpkin, GA",
            "",
        ]
    )
    return TextCase("facility-list", text, "clean", suffix=".txt")


def court_calendar() -> TextCase:
    text = "\n".join(
        [
            "Houston Immigration Court, master calendar for March 4, 2024",
            "",
            "Judge Maria Lopez: 14 asylum hearings, 22 other hearings",
            "Judge James Park: 9 asylum hearings (withholding of removal: 3)",
            "",
        ]
    )
    return TextCase("court-calendar", text, "clean", suffix=".txt")


def invoice_text() -> TextCase:
    text = "\n".join(
        [
            "Invoice No. 212345678 for transport services, PO A-2023-0045.",
            "Questions: call 212-345-6789 or (212) 345-6789, ext. 21234567.",
            "Reference 213456789; account 2145678901.",
            "",
        ]
    )
    return TextCase("invoice", text, "clean", suffix=".txt")


def meeting_attendees() -> TextCase:
    """Names alone: not protected, even in LAST, First form."""
    text = "Attendees: SMITH, John; DOE, Jane; GARCIA LOPEZ, Maria\n\nNext meeting on Friday.\n"
    return TextCase("attendees", text, "clean", suffix=".txt")


NEGATIVES: tuple[TextCase, ...] = (
    press_release(),
    aggregate_report(),
    staff_directory(),
    facility_list(),
    court_calendar(),
    invoice_text(),
    meeting_attendees(),
)

POSITIVES: tuple[TextCase, ...] = (
    fear_memo(),
    removal_email(),
    confirmation_message(),
    labelled_record(),
    spanish_memo(),
    non_latin_memo(),
    detainee_list(),
    markdown_table(),
)
