"""Distinct persons (issue 19, item 5): the same person met on two sheets, in two parts, in an
attachment and the body of its message, in two archive members or quoted again in a reply
counts once. Persons are told apart by identity keys: the A-number; else the name with the
birthdate; else the name with the detention facility. Two persons who share a name but not a
birthdate or an A-number are two.
"""

from __future__ import annotations

import csv
import io
import tarfile
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from openpyxl import Workbook

from tests.corpus.accuracy import PROTECTED, Case
from tests.corpus.accuracy.context import compressed
from tests.corpus.carriers import mbox
from tests.corpus.documents import docx_bytes, eml_bytes, minimal_pdf, us
from tests.corpus.people import Person, people

Writer = Callable[[Path], None]
_CLAIM = "Credible Fear - Positive"


def _case(name: str, filename: str, make: Writer, persons: int) -> Case:
    detectors = frozenset({"person-name", "protection-claim"})
    return Case(f"distinct/{name}", filename, make, PROTECTED, persons, detectors)


def _bytes(data: bytes) -> Writer:
    def write(path: Path) -> None:
        path.write_bytes(data)

    return write


# Row shapes: which identity keys a sheet gives its persons.
FULL, NAME_DOB, NAME_FACILITY, A_ONLY = "full", "name-dob", "name-facility", "a-only"
_HEADERS = {
    FULL: ["A-Number", "Last Name", "First Name", "DOB", "Facility", "Fear Result"],
    NAME_DOB: ["Name", "Date of Birth", "Fear Result"],
    NAME_FACILITY: ["Name", "Detention Facility", "Fear Result"],
    A_ONLY: ["A-Number", "Country", "Fear Result"],
}


def _row(p: Person, shape: str, variant: int) -> list[object]:
    dob = p.birthdate.isoformat() if variant % 2 else us(p)
    name = p.name if variant % 3 == 1 else p.last_first
    if shape == FULL:
        return [p.a_number, p.last.upper(), p.first, us(p), p.facility, _CLAIM]
    if shape == NAME_DOB:
        return [name, dob, _CLAIM]
    if shape == NAME_FACILITY:
        return [name, p.facility, _CLAIM]
    return [p.a_number, p.nationality, _CLAIM]


def _rows(persons: Sequence[Person], shape: str, variant: int) -> list[list[object]]:
    return [list(_HEADERS[shape]), *(_row(p, shape, variant) for p in persons)]


def _xlsx(sheets: Sequence[tuple[str, list[list[object]]]]) -> bytes:
    book = Workbook()
    first = True
    for title, rows in sheets:
        sheet = book.active if first else book.create_sheet()
        first = False
        sheet.title = title
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(rows: Sequence[Sequence[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def _zip(members: Sequence[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def _tar_gz(members: Sequence[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1_670_000_000
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


# --- sheets --------------------------------------------------------------------------------------


_PAIRS = (
    (FULL, FULL),
    (FULL, NAME_DOB),
    (NAME_DOB, FULL),
    (FULL, NAME_FACILITY),
    (NAME_FACILITY, FULL),
    (FULL, A_ONLY),
)


def two_sheets(variant: int) -> Case:
    """The same persons on two sheets, each sheet with its own identity keys."""
    first, second = _PAIRS[variant % len(_PAIRS)]
    persons = people(12 + variant * 3, seed=7000 + variant)
    data = _xlsx(
        [
            ("Referrals", _rows(persons, first, variant)),
            ("Copy", _rows(persons[::-1], second, variant)),
        ]
    )
    return _case(
        f"two-sheets-{first}-{second}-{variant}", "referrals.xlsx", _bytes(data), len(persons)
    )


def overlapping_sheets(variant: int) -> Case:
    """Two sheets that share some persons: the union counts."""
    persons = people(20 + variant * 4, seed=7100 + variant)
    cut = len(persons) // 3
    one, two = persons[: 2 * cut], persons[cut:]
    shape = (FULL, NAME_DOB, A_ONLY)[variant % 3]
    data = _xlsx([("Week 44", _rows(one, FULL, variant)), ("Week 45", _rows(two, shape, variant))])
    return _case(f"overlapping-sheets-{variant}", "weeks.xlsx", _bytes(data), len(persons))


def namesakes(variant: int) -> Case:
    """Persons who share a name are told apart by their birthdates or A-numbers."""
    persons = people(10, seed=7200 + variant)
    twins = [
        Person(
            p.first, persons[0].last, p.a_number, p.birthdate, p.nationality, p.facility, p.claim
        )
        for p in persons[:4]
    ]
    twins = [
        Person(
            persons[0].first, t.last, t.a_number, t.birthdate, t.nationality, t.facility, t.claim
        )
        for t in twins
    ]  # four persons called the same, different birthdates and A-numbers
    everyone = [*twins, *persons[4:]]
    shape = (FULL, NAME_DOB)[variant % 2]
    data = _xlsx([("Referrals", _rows(everyone, shape, variant))])
    return _case(f"namesakes-{variant}", "namesakes.xlsx", _bytes(data), len(everyone))


# --- archives and attachments --------------------------------------------------------------------


def archive_members(variant: int) -> Case:
    persons = people(15 + variant * 5, seed=7300 + variant)
    shape = (FULL, NAME_DOB, FULL, NAME_FACILITY)[variant % 4]
    one = _csv(_rows(persons, FULL, variant))
    two = _csv(_rows(persons[::-1], shape, variant))
    if variant % 2 == 0:
        data, name = (
            _zip([("week45/referrals.csv", one), ("week45/copy/referrals.csv", two)]),
            "bundle.zip",
        )
    else:
        data, name = (
            _tar_gz([("referrals.csv", one), ("backup/referrals-old.csv", two)]),
            "bundle.tar.gz",
        )
    return _case(f"archive-members-{shape}-{variant}", name, _bytes(data), len(persons))


def archive_mixed(variant: int) -> Case:
    """A workbook and the same persons as CSV, zipped together."""
    persons = people(10 + variant * 4, seed=7400 + variant)
    book = _xlsx([("Referrals", _rows(persons, FULL, variant))])
    flat = _csv(_rows(persons, (NAME_DOB, FULL)[variant % 2], variant))
    data = _zip([("referrals.xlsx", book), ("referrals.csv", flat)])
    return _case(f"archive-mixed-{variant}", "export.zip", _bytes(data), len(persons))


def attachment_and_body(variant: int) -> Case:
    """A message lists the persons in its body and attaches them as CSV."""
    persons = people(6 + variant * 2, seed=7500 + variant)
    body = (
        "Hello,\n\nCredible fear referrals for this week:\n\n"
        + "\n".join(
            f"{p.last_first}, {p.a_number}" if variant % 2 == 0 else f"{p.last_first}, DOB {us(p)}"
            for p in persons
        )
        + "\n\nThe list is attached.\n"
    )
    attached = _csv(_rows(persons, FULL, variant))
    data = eml_bytes("Referrals", body, attachments=[("referrals.csv", attached, "text/csv")])
    return _case(f"attachment-and-body-{variant}", "message.eml", _bytes(data), len(persons))


def forwarded_attachment(variant: int) -> Case:
    """A message attached to another (forwarded as a whole), both carrying the list."""
    persons = people(5 + variant * 3, seed=7600 + variant)
    lines = "\n".join(f"{p.last_first}, {p.a_number}, credible fear positive" for p in persons)
    inner = eml_bytes("CFI results", f"Results:\n\n{lines}\n")
    outer = eml_bytes("Fwd: CFI results", f"See below.\n\n{lines}\n", messages=[inner])
    return _case(f"forwarded-attachment-{variant}", "forward.eml", _bytes(outer), len(persons))


# --- quoted mail ---------------------------------------------------------------------------------


def quoted_twice(variant: int) -> Case:
    """A reply to a reply: the list is quoted, then quoted again."""
    persons = people(5 + variant * 2, seed=7700 + variant)
    original = [
        "The following were referred for credible fear interviews:",
        "",
        *(
            f"{p.last_first}, {p.a_number}" if variant % 2 == 0 else f"{p.name}, DOB {us(p)}"
            for p in persons
        ),
    ]
    reply = [
        "Confirmed, all scheduled.",
        "",
        "On Mon, Records Unit wrote:",
        *(f"> {t}" for t in original),
    ]
    again = ["Thanks.", "", "On Tue, Dana wrote:", *(f"> {t}" for t in reply)]
    data = eml_bytes("Re: Re: referrals", "\n".join(again) + "\n")
    return _case(f"quoted-twice-{variant}", "reply.eml", _bytes(data), len(persons))


def mailbox_repeats(variant: int) -> Case:
    """A mailbox in which each message of a thread repeats the list."""
    persons = people(4 + variant * 3, seed=7800 + variant)
    lines = "\n".join(f"{p.last_first}, {p.a_number}" for p in persons)
    messages = [
        eml_bytes(f"{'Re: ' * n}Credible fear referrals", f"Message {n + 1}.\n\n{lines}\n")
        for n in range(3 + variant % 2)
    ]
    return _case(f"mailbox-repeats-{variant}", "thread.mbox", _bytes(mbox(messages)), len(persons))


# --- parts of one document -----------------------------------------------------------------------


def docx_parts(variant: int) -> Case:
    """A Word memo: a table of persons, the same persons again in its comments."""
    persons = people(5 + variant * 2, seed=7900 + variant)
    table = [["Name", "A-Number", "DOB"], *([p.last_first, p.a_number, us(p)] for p in persons)]
    notes = [f"Check {p.last_first} ({p.a_number}) - credible fear" for p in persons]
    data = docx_bytes([("h1", "Credible fear referrals"), ("table", table)], comments=notes)
    return _case(f"docx-parts-{variant}", "memo.docx", _bytes(data), len(persons))


def pdf_repeated(variant: int) -> Case:
    """A PDF whose appendix repeats the table of its first pages."""
    persons = people(8 + variant * 4, seed=8000 + variant)
    rows = [f"{p.last_first}    {p.a_number}    {us(p)}" for p in persons]
    pages = [
        ["Credible fear referrals, week 45", *rows],
        ["Appendix: referrals by name", *sorted(rows)],
    ]
    return _case(
        f"pdf-repeated-{variant}",
        "referrals.pdf",
        _bytes(compressed(minimal_pdf(pages))),
        len(persons),
    )


def _cases() -> list[Case]:
    cases: list[Case] = []
    cases += [two_sheets(v) for v in range(12)]
    cases += [overlapping_sheets(v) for v in range(3)]
    cases += [namesakes(v) for v in range(2)]
    cases += [archive_members(v) for v in range(4)]
    cases += [archive_mixed(v) for v in range(2)]
    cases += [attachment_and_body(v) for v in range(2)]
    cases += [forwarded_attachment(v) for v in range(2)]
    cases += [quoted_twice(v) for v in range(2)]
    cases += [mailbox_repeats(v) for v in range(2)]
    cases += [docx_parts(v) for v in range(2)]
    cases += [pdf_repeated(v) for v in range(2)]
    return cases


CASES: list[Case] = _cases()
