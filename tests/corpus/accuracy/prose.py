"""Persons in running text: a name with a birthdate (in figures or in words), an A-number or a
facility in its sentence is personal data; told beside a claim, directly, in reported speech,
or in Spanish, Portuguese or French, it is protected. Every variant is a memo, a message or a
page written as people write them, from the synthetic persons."""

from __future__ import annotations

from collections.abc import Sequence

from tests.corpus.accuracy import PERSONAL, PROTECTED, Case
from tests.corpus.accuracy._files import (
    Make,
    docx_file,
    eml_file,
    group,
    html_file,
    pdf_file,
    text_file,
    us,
)
from tests.corpus.people import Person

A, NAME, DOB, FACILITY, CLAIM = (
    "a-number",
    "person-name",
    "birthdate",
    "detention-facility",
    "protection-claim",
)

# Every day of a month, also for tests.detect.heldout, which writes days past the 28th.
ORDINALS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
    "twenty-first",
    "twenty-second",
    "twenty-third",
    "twenty-fourth",
    "twenty-fifth",
    "twenty-sixth",
    "twenty-seventh",
    "twenty-eighth",
    "twenty-ninth",
    "thirtieth",
    "thirty-first",
]
_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TENS = {4: "forty", 5: "fifty", 6: "sixty", 7: "seventy", 8: "eighty", 9: "ninety"}
_MONTHS_ES = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]
_MONTHS_PT = [
    "janeiro",
    "fevereiro",
    "março",
    "abril",
    "maio",
    "junho",
    "julho",
    "agosto",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
]
_MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def _year_words(year: int) -> str:
    """1990 -> nineteen ninety; 1985 -> nineteen eighty-five (the years of the persons)."""
    if not 1940 <= year <= 1999:
        return str(year)
    tens, units = divmod(year - 1900, 10)
    words = _TENS.get(tens, "")
    return f"nineteen {words}-{_UNITS[units - 1]}" if units else f"nineteen {words}"


def _day(p: Person) -> int:
    return min(p.birthdate.day, 28)


def in_words(p: Person) -> str:
    """``the third of March 1990``."""
    return f"the {ORDINALS[_day(p) - 1]} of {p.birthdate.strftime('%B')} {p.birthdate.year}"


def month_first_words(p: Person) -> str:
    """``March third, nineteen ninety``."""
    return f"{p.birthdate.strftime('%B')} {ORDINALS[_day(p) - 1]}, {_year_words(p.birthdate.year)}"


def _case(
    name: str, filename: str, make: Make, cls: str, persons: int, detectors: Sequence[str]
) -> Case:
    return Case(f"prose/{name}", filename, make, cls, persons, frozenset(detectors))


def _paragraphs(parts: Sequence[str]) -> list[str]:
    lines: list[str] = []
    for part in parts:
        lines += [part, ""]
    return lines


def _personal() -> list[Case]:
    """No claim anywhere: a name with a birthdate, an A-number or a facility is personal data."""
    cases = []
    people = group(0, 3)
    text = [
        f"{p.name}, born {us(p.birthdate)}, was transferred on Monday and is awaiting a hearing."
        for p in people
    ]
    cases.append(
        _case(
            "dob-figures-txt-1",
            "transfers.txt",
            text_file(_paragraphs(text)),
            PERSONAL,
            3,
            (NAME, DOB),
        )
    )
    people = group(3, 3)
    text = [
        f"{p.name} was born on {in_words(p)} and arrived at the port of entry last week."
        for p in people
    ]
    cases.append(
        _case(
            "dob-words-docx-2",
            "arrivals.docx",
            docx_file([("p", t) for t in text]),
            PERSONAL,
            3,
            (NAME, DOB),
        )
    )
    people = group(6, 2)
    body = "Hello,\n\n" + "\n\n".join(
        f"{p.name} ({p.a_number}) missed the reporting appointment on Tuesday." for p in people
    )
    cases.append(
        _case(
            "a-number-eml-3",
            "missed.eml",
            eml_file("Missed appointments", body + "\n\nThanks\n"),
            PERSONAL,
            2,
            (A,),
        )
    )
    people = group(8, 3)
    text = [f"{p.name} is detained at the {p.facility} pending transfer." for p in people]
    cases.append(
        _case(
            "facility-docx-4",
            "holds.docx",
            docx_file([("p", "Weekly holds"), *(("p", t) for t in text)]),
            PERSONAL,
            3,
            (NAME, FACILITY),
        )
    )
    people = group(11, 2)
    text = [
        f"Her date of birth is {month_first_words(people[0])}; {people[0].name} asked for a "
        "medical visit.",
        f"{people[1].name}, D.O.B. {people[1].birthdate.strftime('%d %B %Y')}, was released on "
        "bond.",
    ]
    cases.append(_case("dob-mixed-pdf-5", "notes.pdf", pdf_file([text]), PERSONAL, 2, (NAME, DOB)))
    people = group(13, 3)
    body = "".join(
        f"<p>{p.name} (DOB {us(p.birthdate)}) was moved to the {p.facility}.</p>" for p in people
    )
    cases.append(
        _case(
            "dob-facility-html-6",
            "moves.html",
            html_file("Movements", body),
            PERSONAL,
            3,
            (NAME, DOB),
        )
    )
    return cases


def _protected_direct() -> list[Case]:
    cases = []
    people = group(20, 3)
    text = [
        f"{p.name}, born {us(p.birthdate)}, applied for asylum at the San Ysidro port of entry."
        for p in people
    ]
    cases.append(
        _case(
            "dob-claim-txt-1",
            "applications.txt",
            text_file(_paragraphs(text)),
            PROTECTED,
            3,
            (NAME, DOB, CLAIM),
        )
    )
    people = group(23, 2)
    text = [
        f"{people[0].name} was born on {in_words(people[0])}. She received a positive credible "
        "fear determination on Friday.",
        f"{people[1].name}, date of birth {month_first_words(people[1])}, is scheduled for a "
        "credible fear interview.",
    ]
    cases.append(
        _case(
            "dob-words-claim-docx-2",
            "interviews.docx",
            docx_file([("p", t) for t in text]),
            PROTECTED,
            2,
            (NAME, DOB, CLAIM),
        )
    )
    people = group(25, 3)
    text = [
        f"{p.name} is held at the {p.facility}. {p.name.split()[0]} has a pending asylum claim."
        for p in people
    ]
    cases.append(
        _case(
            "facility-claim-txt-3",
            "pending.txt",
            text_file(_paragraphs(text)),
            PROTECTED,
            3,
            (NAME, FACILITY, CLAIM),
        )
    )
    people = group(28, 2)
    body = "\n\n".join(
        f"{p.name} ({p.a_number}) feared persecution and was referred for a screening."
        for p in people
    )
    cases.append(
        _case(
            "a-number-fear-pdf-4",
            "referrals.pdf",
            pdf_file([body.split("\n")]),
            PROTECTED,
            2,
            (A, CLAIM),
        )
    )
    people = group(30, 3)
    lines = ["# Credible fear interviews, week 49", ""]
    lines += _paragraphs(
        [f"{p.name}, born {in_words(p)}, was interviewed on Tuesday." for p in people]
    )
    cases.append(
        _case("heading-claim-md-5", "week49.md", text_file(lines), PROTECTED, 3, (NAME, DOB, CLAIM))
    )
    return cases


def _reported_speech() -> list[Case]:
    cases = []
    people = group(40, 2)
    body = (
        "Supervisor,\n\n"
        f"{people[0].name} told the officer she feared return to {people[0].nationality}.\n\n"
        f"{people[1].name} said that he was afraid to return because of threats.\n\n"
        "Both are on tomorrow's list.\n"
    )
    cases.append(
        _case(
            "told-officer-eml-1",
            "intake.eml",
            eml_file("Intake notes", body),
            PROTECTED,
            2,
            (NAME, CLAIM),
        )
    )
    people = group(42, 3)
    text = [
        f"{p.name}, born on {in_words(p)}, informed the agent that she feared persecution."
        for p in people
    ]
    cases.append(
        _case(
            "told-agent-dob-pdf-2",
            "encounters.pdf",
            pdf_file([text]),
            PROTECTED,
            3,
            (NAME, DOB, CLAIM),
        )
    )
    people = group(45, 2)
    text = [
        f"During processing, {people[0].name} (DOB {us(people[0].birthdate)}) was quiet. Later "
        "she told the officer she was afraid to return.",
        f"{people[1].name} explained to the interviewer that he fears return to his village.",
    ]
    cases.append(
        _case(
            "reported-docx-3",
            "processing.docx",
            docx_file([("p", t) for t in text]),
            PROTECTED,
            2,
            (NAME, CLAIM),
        )
    )
    return cases


def _languages() -> list[Case]:
    cases = []
    people = group(50, 3)
    text = [
        f"{p.name}, nacido el {_day(p)} de {_MONTHS_ES[p.birthdate.month - 1]} de "
        f"{p.birthdate.year}, solicitó asilo en la frontera."
        for p in people
    ]
    cases.append(
        _case(
            "spanish-asilo-txt-1",
            "frontera.txt",
            text_file(_paragraphs(text)),
            PROTECTED,
            3,
            (NAME, DOB, CLAIM),
        )
    )
    people = group(53, 2)
    text = [
        f"{p.name} dijo al oficial que tenía miedo de regresar a {p.nationality}." for p in people
    ]
    cases.append(
        _case(
            "spanish-miedo-docx-2",
            "entrevista.docx",
            docx_file([("p", t) for t in text]),
            PROTECTED,
            2,
            (NAME, CLAIM),
        )
    )
    people = group(55, 2)
    body = "Bom dia,\n\n" + "\n\n".join(
        f"{p.name}, nascido em {_day(p)} de {_MONTHS_PT[p.birthdate.month - 1]} de "
        f"{p.birthdate.year}, pediu asilo ontem."
        for p in people
    )
    cases.append(
        _case(
            "portuguese-asilo-eml-3",
            "pedido.eml",
            eml_file("Pedidos", body + "\n"),
            PROTECTED,
            2,
            (NAME, DOB, CLAIM),
        )
    )
    people = group(57, 2)
    body = "".join(
        f"<p>{p.name}, née le {_day(p)} {_MONTHS_FR[p.birthdate.month - 1]} "
        f"{p.birthdate.year}, a demandé l'asile le mois dernier.</p>"
        for p in people
    )
    cases.append(
        _case(
            "french-asile-html-4",
            "demandes.html",
            html_file("Demandes", body),
            PROTECTED,
            2,
            (NAME, DOB, CLAIM),
        )
    )
    people = group(59, 2)
    text = [
        f"{p.name} ({p.a_number}) solicitó asilo y tiene una entrevista de miedo creíble."
        for p in people
    ]
    cases.append(
        _case("spanish-a-number-pdf-5", "citas.pdf", pdf_file([text]), PROTECTED, 2, (A, CLAIM))
    )
    return cases


CASES: list[Case] = [*_personal(), *_protected_direct(), *_reported_speech(), *_languages()]
