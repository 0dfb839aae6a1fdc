"""Writers for the accuracy cases: each returns the ``make(path)`` a ``Case`` holds, and reuses
the corpus builders (``tests.corpus.documents``) so that every file is made by code the same
way the other fixtures are."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from tests.corpus.documents import Block, docx_bytes, eml_bytes, minimal_pdf
from tests.corpus.people import Person, people

Make = Callable[[Path], None]
Rows = Sequence[Sequence[object]]

# Persons of the accuracy cases: synthetic (Faker, fixed seed), apart from the other corpora's.
PERSONS = people(400, seed=19_2026)


def group(start: int, count: int) -> list[Person]:
    return PERSONS[start : start + count]


def us(day: date) -> str:
    return day.strftime("%m/%d/%Y")


def csv_file(rows: Rows, delimiter: str = ",") -> Make:
    def make(path: Path) -> None:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(
            [["" if v is None else str(v) for v in row] for row in rows]
        )
        path.write_bytes(buffer.getvalue().encode())

    return make


def xlsx_file(sheets: Sequence[tuple[str, Rows]]) -> Make:
    def make(path: Path) -> None:
        from openpyxl import Workbook

        book = Workbook()
        first = True
        for title, rows in sheets:
            sheet = book.active if first else book.create_sheet()
            assert sheet is not None
            sheet.title = title
            first = False
            for row in rows:
                sheet.append(list(row))
        book.save(path)

    return make


def text_file(lines: Sequence[str]) -> Make:
    def make(path: Path) -> None:
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    return make


def docx_file(blocks: Sequence[Block], **options: object) -> Make:
    def make(path: Path) -> None:
        path.write_bytes(docx_bytes(blocks, **options))  # type: ignore[arg-type]

    return make


def pdf_file(pages: Sequence[Sequence[str]], title: str | None = None) -> Make:
    def make(path: Path) -> None:
        path.write_bytes(minimal_pdf(pages, title))

    return make


def eml_file(subject: str, body: str) -> Make:
    def make(path: Path) -> None:
        path.write_bytes(eml_bytes(subject, body))

    return make


def html_table(title: str, header: Sequence[str], rows: Rows, intro: str = "") -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    return (
        f"<h2>{escape(title)}</h2>{intro}<table><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def html_file(title: str, body: str) -> Make:
    def make(path: Path) -> None:
        path.write_text(
            "<!DOCTYPE html><html><head><meta charset='utf-8'>"
            f"<title>{escape(title)}</title></head><body>{body}</body></html>",
            encoding="utf-8",
        )

    return make
