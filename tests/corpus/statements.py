"""Files whose claim is stated away from the persons, and records of one person written on
one line or in one paragraph, with their ground truth (``Case``).

- ``stated_elsewhere()``: a claim stated once about the persons a file lists, anywhere in it (a
  closing paragraph, a line under a CSV, a legend under a names-only table, a Readme sheet, a
  paragraph far above the table), and files that must stay as they are (statistics beside a
  roster, a country report beside one, a staff directory of the Asylum Division);
- ``single_records()``: one record on one line or in one short paragraph (``NAME,DOB,Asylum``;
  ``Re: NAME - credible fear interview negative``; ``NAME (Honduras) - fear interview
  positive``), in CSV, TSV, text, Markdown, HTML and Word, and lines that name an official
  or nobody beside a claim.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook

from tests.corpus.documents import docx_bytes
from tests.corpus.people import Person, people

CLEAN, PERSONAL, PROTECTED = "clean", "personal-data", "protected-person"
PERSONS = people(8, seed=6_1207)


@dataclass(frozen=True)
class Case:
    name: str  # the file name: its suffix is a label only, the bytes choose the reader
    data: bytes
    want: str  # the strictest class, or clean
    persons: int = 0  # persons of that class


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[Sequence[object]]]]) -> bytes:
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _lines(rows: Sequence[Sequence[str]], sep: str = ",") -> str:
    return "".join(sep.join(row) + "\n" for row in rows)


def _roster(ps: Sequence[Person]) -> list[list[str]]:
    return [["Name", "Nationality"], *([p.name, p.nationality] for p in ps)]


def stated_elsewhere(ps: Sequence[Person] = PERSONS) -> list[Case]:
    n = len(ps)
    roster = _roster(ps)
    names_only = [["Name", "Result"], *([p.name, "1"] for p in ps)]
    closing = "All persons listed above applied for asylum."
    return [
        Case(
            "docx-closing-paragraph.docx",
            docx_bytes([("table", roster), ("p", closing)]),
            PROTECTED,
            n,
        ),
        Case(
            "docx-paragraph-far-above.docx",
            docx_bytes(
                [
                    ("p", "This memo concerns the credible fear interviews held in November."),
                    ("p", "Background: staffing was limited that month."),
                    ("table", roster),
                ]
            ),
            PROTECTED,
            n,
        ),
        Case(
            "csv-closing-line.csv", (_lines(roster) + "\n" + closing + "\n").encode(), PROTECTED, n
        ),
        Case(
            "csv-legend-under-names.csv",
            (_lines(names_only) + "\nLegend: 1 = positive credible fear determination\n").encode(),
            PROTECTED,
            n,
        ),
        Case(
            "csv-footnote-codes.csv",
            (
                _lines([["Name", "A-Number", "Result*"], *([p.name, p.a_number, "1"] for p in ps)])
                + "\n* 1 = positive credible fear, 2 = negative credible fear\n"
            ).encode(),
            PROTECTED,
            n,
        ),
        Case(
            "xlsx-readme-sheet.xlsx",
            xlsx_bytes(
                [
                    ("Roster", roster),
                    (
                        "Readme",
                        [["This workbook lists the credible fear interviews held in November."]],
                    ),
                ]
            ),
            PROTECTED,
            n,
        ),
        Case(
            "xlsx-closing-row.xlsx",
            xlsx_bytes(
                [("Roster", [*roster, [], ["All persons listed above applied for asylum."]])]
            ),
            PROTECTED,
            n,
        ),
        Case(
            "txt-list-then-statement.txt",
            (
                "Hi all,\n\nThe following people were interviewed today:\n\n"
                + "".join(f"{p.name}\n" for p in ps)
                + "\nAll persons listed above received positive credible fear determinations.\n"
            ).encode(),
            PROTECTED,
            n,
        ),
        # Must stay as they are: claims said of nobody in particular, and officials.
        Case(
            "xlsx-statistics-beside-roster.xlsx",
            xlsx_bytes(
                [
                    ("CFI stats", [["Nationality", "CFI POS", "CFI NEG"], ["Ecuador", 2, 1]]),
                    (
                        "Roster",
                        [
                            ["Name", "A-Number", "Facility"],
                            *([p.name, p.a_number, p.facility] for p in ps),
                        ],
                    ),
                ]
            ),
            PERSONAL,
            n,
        ),
        Case(
            "docx-country-report-beside-roster.docx",
            docx_bytes(
                [
                    ("h1", "Detention roster, November"),
                    ("table", roster),
                    ("p", "Asylum seekers from Honduras cite threats; credible fear rates fell."),
                ]
            ),
            PERSONAL,
            n,
        ),
        Case(
            "csv-names-country-report-line.csv",
            (
                _lines(names_only) + "\nAsylum seekers from Honduras cite threats by gangs.\n"
            ).encode(),
            CLEAN,
        ),
        Case("csv-names-alone.csv", _lines(names_only).encode(), CLEAN),
        Case(
            "docx-asylum-division-staff.docx",
            docx_bytes(
                [
                    ("h1", "Asylum Division - Houston"),
                    ("table", [["Name", "Title"], *([p.name, "Asylum Officer"] for p in ps)]),
                    (
                        "p",
                        "All staff listed above work in the Asylum Division's credible fear unit.",
                    ),
                ]
            ),
            CLEAN,
        ),
    ]


def single_records(ps: Sequence[Person] = PERSONS) -> list[Case]:
    p, q = ps[0], ps[1]
    paragraphs = [
        f"{x.name} ({x.nationality}) – fear interview positive, released on parole." for x in ps
    ]
    blocks = "\n\n".join(f"{x.name}\n{x.nationality}\nCredible fear: positive" for x in ps)
    one: list[tuple[str, str]] = [
        ("csv-name-dob-claim.csv", f"{p.name},{p.birthdate.isoformat()},Asylum\n"),
        ("csv-name-nationality-claim.csv", f"{p.name},{p.nationality},Asylum\n"),
        ("tsv-name-nationality-fear.tsv", f"{p.name}\t{p.nationality}\tCredible fear - positive\n"),
        ("csv-name-claim.csv", f"{p.name},Asylum\n"),
        ("txt-re-line.txt", f"Re: {p.name} - credible fear interview negative\n"),
        (
            "txt-subject-line.txt",
            f"Subject: {p.name}. Credible fear interview held at Otay Mesa; negative.\n",
        ),
        ("txt-last-first.txt", f"{q.last_first}: credible fear interview positive, paroled.\n"),
        ("txt-name-dash-claim.txt", f"{p.name} - asylum seeker\n"),
    ]
    cases = [Case(name, text.encode(), PROTECTED, 1) for name, text in one]
    cases += [
        Case(
            "txt-paragraph-records.txt",
            ("Weekly results\n\n" + "\n\n".join(paragraphs) + "\n").encode(),
            PROTECTED,
            len(ps),
        ),
        Case(
            "md-bold-records.md",
            (
                "# Weekly\n\n"
                + "\n\n".join(
                    f"**{x.name}** ({x.nationality}) — CFI positive; paroled." for x in ps
                )
                + "\n"
            ).encode(),
            PROTECTED,
            len(ps),
        ),
        Case(
            "html-paragraph-records.html",
            (
                "<h2>Weekly</h2>"
                + "".join(
                    f"<p><b>{x.name}</b> ({x.nationality}) — CFI positive; paroled.</p>" for x in ps
                )
            ).encode(),
            PROTECTED,
            len(ps),
        ),
        Case(
            "docx-paragraph-records.docx",
            docx_bytes([("p", "Weekly results"), *(("p", t) for t in paragraphs)]),
            PROTECTED,
            len(ps),
        ),
        Case("txt-name-nationality-blocks.txt", (blocks + "\n").encode(), PROTECTED, len(ps)),
        # No person's record: officials, a signature, a report that quotes a researcher.
        Case(
            "txt-judge-line.txt",
            f"Judge {p.name} - credible fear reviews, courtroom 4\n".encode(),
            CLEAN,
        ),
        Case(
            "txt-speaker-line.txt",
            f"{p.name} said credible fear pass rates fell.\n".encode(),
            CLEAN,
        ),
        Case(
            "txt-title-apposition.txt",
            f"{p.name}, Supervisory Officer - credible fear program review\n".encode(),
            CLEAN,
        ),
        Case(
            "txt-moderator-label.txt",
            f"Moderator: {p.name} - credible fear screening in practice\n".encode(),
            CLEAN,
        ),
        Case(
            "txt-country-report.txt",
            (
                "Country conditions: Honduras\n\nGang violence remains widespread. Asylum seekers "
                f"from Honduras cite threats. According to researcher {p.name}, credible fear "
                "pass rates fell.\n"
            ).encode(),
            CLEAN,
        ),
        Case(
            "txt-sentence-with-commas.txt",
            b"We met, as planned, to discuss asylum, and then left.\n",
            CLEAN,
        ),
    ]
    return cases


Builder = Callable[[Sequence[Person]], list[Case]]
