"""The positives and negatives the suite already had, as accuracy cases: the 2022-shaped
workbook in every spreadsheet format, the detainee sheet in every way a CSV is written, the
memos, mails and documents that tie persons to a claim, detention lists without a claim
(personal data), and the files a website publishes every day that must stay clean (aggregate
statistics, staff lists, facility lists, court calendars, invoices, press releases).

Every file comes from the corpus builders (``tests.corpus.spreadsheets``, ``tabular``,
``text``, ``documents``), so these cases are the files the other tests scan, with their ground
truth restated as a ``Case``; a few variants write the same rows in another format or
encoding. ``detectors`` lists the elements each file plainly holds (a labelled column, a
standard spelling, an unmistakable sentence), which must all be found.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from tests.corpus import documents, spreadsheets, tabular, text
from tests.corpus.accuracy import PERSONAL, PROTECTED, Case

Make = Callable[[Path], None]

NAME, A_NUMBER, BIRTHDATE = "person-name", "a-number", "birthdate"
NATIONALITY, FACILITY, CLAIM = "nationality", "detention-facility", "protection-claim"
EVERY = frozenset({NAME, A_NUMBER, BIRTHDATE, NATIONALITY, FACILITY, CLAIM})


class _Built(Protocol):
    @property
    def path(self) -> Path: ...


def _built(build: Callable[[Path], _Built]) -> Make:
    """A corpus builder (which writes into a directory under a name of its own) as a
    ``make(path)``: built in a scratch directory, then moved to ``path``."""

    def make(path: Path) -> None:
        with tempfile.TemporaryDirectory(prefix="legacy-") as scratch:
            shutil.move(build(Path(scratch)).path, path)

    return make


def _csv(rows: Sequence[Sequence[str]], delimiter: str = ",", encoding: str = "utf-8") -> Make:
    def make(path: Path) -> None:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
        path.write_bytes(buffer.getvalue().encode(encoding))

    return make


def _xlsx(rows: Sequence[Sequence[str]], title: str = "Sheet1") -> Make:
    def make(path: Path) -> None:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = title
        for row in rows:
            sheet.append(list(row))
        book.save(path)

    return make


def _json_records(rows: Sequence[Sequence[str]]) -> Make:
    """A header row and data rows as a JSON array of objects keyed by the header."""

    def make(path: Path) -> None:
        header, *data = rows
        records = [dict(zip(header, row, strict=True)) for row in data]
        path.write_text(json.dumps(records, indent=1, ensure_ascii=False), encoding="utf-8")

    return make


def _markdown(rows: Sequence[Sequence[str]], heading: str) -> Make:
    def make(path: Path) -> None:
        header, *data = rows
        lines = [f"# {heading}", "", "| " + " | ".join(header) + " |"]
        lines.append("|" + "---|" * len(header))
        lines += ["| " + " | ".join(row) + " |" for row in data]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    return make


def _text(case: text.TextCase) -> Make:
    def make(path: Path) -> None:
        path.write_bytes(case.text.encode("utf-8"))

    return make


def _truth(classes: dict[str, int]) -> tuple[str | None, int]:
    """The strictest class of a corpus truth and its persons."""
    for cls in (PROTECTED, PERSONAL):
        if classes.get(cls):
            return cls, classes[cls]
    return None, 0


def _tabular(
    name: str, case: tabular.Case, make: Make, suffix: str, detectors: frozenset[str]
) -> Case:
    cls, persons = _truth(case.classes)
    return Case(f"legacy/{name}", f"{case.name}{suffix}", make, cls, persons, detectors)


def _prose(name: str, case: text.TextCase, detectors: frozenset[str]) -> Case:
    cls, persons = _truth(case.classes)
    return Case(f"legacy/{name}", f"{case.name}{case.suffix}", _text(case), cls, persons, detectors)


def _of(*detectors: str) -> frozenset[str]:
    return frozenset(detectors)


def _spreadsheets() -> list[Case]:
    s = spreadsheets
    protected = [
        ("2022-workbook-xlsx-1", "detention-stats-fy2023.xlsx", s.build_2022_leak, 40, EVERY),
        (
            "2022-workbook-xlsx-2",
            "detention-stats-fy2023.xlsx",
            lambda d: s.build_2022_leak(d, count=120),
            120,
            EVERY,
        ),
        (
            "2022-workbook-xlsm-1",
            "detention-stats-fy2023.xlsm",
            lambda d: s.build_2022_leak(d, suffix=".xlsm"),
            40,
            EVERY,
        ),
        (
            "2022-workbook-xls-1",
            "detention-stats.xls",
            s.build_xls,
            15,
            _of(NAME, A_NUMBER, BIRTHDATE, NATIONALITY, CLAIM),
        ),
        (
            "2022-workbook-ods-1",
            "detention-stats.ods",
            s.build_ods,
            15,
            _of(NAME, A_NUMBER, BIRTHDATE, NATIONALITY, CLAIM),
        ),
        ("2022-workbook-very-hidden-xlsx", "facilities.xlsx", s.build_very_hidden, 12, EVERY),
        (
            "hidden-rows-xlsx",
            "cases.xlsx",
            s.build_hidden_rows,
            8,
            _of(NAME, A_NUMBER, NATIONALITY, CLAIM),
        ),
        (
            "hidden-columns-xlsx",
            "roster.xlsx",
            s.build_hidden_columns,
            10,
            _of(NAME, A_NUMBER, FACILITY, NATIONALITY, CLAIM),
        ),
        (
            "a-number-formats-xlsx",
            "applicants.xlsx",
            s.build_number_formats,
            10,
            _of(NAME, A_NUMBER, CLAIM),
        ),
        (
            "birthdate-serials-xlsx",
            "interviews.xlsx",
            s.build_date_serials,
            10,
            _of(NAME, BIRTHDATE, CLAIM),
        ),
        (
            "cell-comments-xlsx",
            "commented.xlsx",
            s.build_comments,
            2,
            _of(NAME, A_NUMBER, BIRTHDATE, CLAIM),
        ),
        (
            "defined-names-xlsx",
            "names.xlsx",
            s.build_defined_names,
            3,
            _of(NAME, A_NUMBER, CLAIM),
        ),
        (
            "orphan-pivot-cache-xlsx",
            "pivot.xlsx",
            s.build_orphan_pivot_cache,
            25,
            _of(NAME, A_NUMBER, BIRTHDATE, NATIONALITY, CLAIM),
        ),
    ]
    cases = [
        Case(f"legacy/{name}", filename, _built(build), PROTECTED, persons, detectors)
        for name, filename, build, persons, detectors in protected
    ]
    cases += [
        Case(
            "legacy/aggregate-statistics-xlsx-1",
            "asylum-statistics.xlsx",
            _built(s.build_clean_aggregates),
            None,
            0,
        ),
        Case(
            "legacy/aggregate-statistics-ods-1",
            "asylum-statistics.ods",
            _built(s.build_ods_clean),
            None,
            0,
        ),
        Case(
            "legacy/encrypted-xlsx",
            "protected.xlsx",
            _built(s.build_encrypted),
            None,
            0,
            unscannable=True,
        ),
    ]
    return cases


def _tables() -> list[Case]:
    t = tabular
    leak = t.detainee_sheet()
    split = _of(NAME, BIRTHDATE, NATIONALITY, FACILITY, CLAIM)
    cases = [
        _tabular("detainee-sheet-csv-1", leak, _csv(leak.rows), ".csv", EVERY),
        _tabular(
            "detainee-sheet-csv-semicolon-bom",
            leak,
            _csv(leak.rows, ";", "utf-8-sig"),
            ".csv",
            EVERY,
        ),
        _tabular("detainee-sheet-tsv-utf16", leak, _csv(leak.rows, "\t", "utf-16"), ".tsv", EVERY),
        _tabular("detainee-sheet-pipe-cp1252", leak, _csv(leak.rows, "|", "cp1252"), ".txt", EVERY),
        _tabular("detainee-sheet-xlsx", leak, _xlsx(leak.rows, "Detainees"), ".xlsx", EVERY),
        _tabular("detainee-sheet-json", leak, _json_records(leak.rows), ".json", EVERY),
        _tabular(
            "detainee-sheet-markdown",
            leak,
            _markdown(leak.rows, "Detainees, November 2022"),
            ".md",
            EVERY,
        ),
    ]
    for name, case in (
        ("detainee-sheet-csv-2", t.detainee_sheet(60)),
        ("detainee-sheet-repeated-csv", t.detainee_sheet(10, repeat=4)),
        ("detainee-sheet-no-header-csv", t.detainee_sheet(8, header=False)),
    ):
        cases.append(_tabular(name, case, _csv(case.rows), ".csv", EVERY))
    for name, case, detectors in (
        ("split-names-csv-1", t.split_names_sheet(), split),
        ("split-names-repeated-csv", t.split_names_sheet(10, repeat=4), split),
        ("split-names-spanish-csv", t.spanish_split_names_sheet(), split - {FACILITY}),
        ("loose-headers-csv", t.loose_headers_sheet(), EVERY - {FACILITY}),
        ("a-number-spellings-csv", t.spelled_a_numbers_sheet(), _of(A_NUMBER, CLAIM)),
        ("names-with-relief-csv", t.names_and_claims_sheet(), _of(NAME, CLAIM)),
        ("non-latin-names-csv", t.non_latin_names_sheet(), _of(NAME, CLAIM)),
        ("spanish-headers-csv", t.spanish_sheet(), EVERY - {FACILITY}),
        ("detainees-without-claim-csv", t.personal_data_sheet(), EVERY - {CLAIM}),
        (
            "names-and-birthdates-csv",
            t.name_and_birthdate_sheet(),
            _of(NAME, BIRTHDATE, NATIONALITY),
        ),
    ):
        cases.append(_tabular(name, case, _csv(case.rows), ".csv", detectors))
    no_claim = t.personal_data_sheet()
    cases.append(
        _tabular(
            "detainees-without-claim-xlsx",
            no_claim,
            _xlsx(no_claim.rows, "Book-ins"),
            ".xlsx",
            EVERY - {CLAIM},
        )
    )
    for name, case in (
        ("aggregate-statistics-csv", t.aggregate_stats_sheet()),
        ("facility-list-csv", t.facility_list_sheet()),
        ("facility-list-no-header-csv", t.facility_list_no_header_sheet()),
        ("staff-list-csv", t.staff_directory_sheet()),
        ("staff-list-no-header-csv", t.staff_list_no_header_sheet()),
        ("invoices-csv", t.invoices_sheet()),
        ("court-calendar-csv", t.court_calendar_sheet()),
        ("names-only-csv", t.names_only_sheet()),
        ("monthly-statistics-no-header-csv", t.monthly_stats_no_header_sheet()),
        ("redacted-names-csv", t.redacted_names_sheet()),
        ("redacted-split-names-csv", t.redacted_split_names_sheet()),
    ):
        cases.append(_tabular(name, case, _csv(case.rows), ".csv", frozenset()))
    staff = t.staff_directory_sheet()
    cases.append(_tabular("staff-list-xlsx", staff, _xlsx(staff.rows, "Staff"), ".xlsx", _of()))
    return cases


def _texts() -> list[Case]:
    x = text
    return [
        _prose(
            "credible-fear-memo-md", x.fear_memo(), _of(NAME, A_NUMBER, BIRTHDATE, FACILITY, CLAIM)
        ),
        _prose("removal-confirmation-txt", x.removal_email(), _of(NAME, A_NUMBER, CLAIM)),
        _prose("confirmation-in-prose-txt", x.confirmation_message(), _of(NAME, CLAIM)),
        _prose("case-note-txt", x.labelled_record(), EVERY - {FACILITY}),
        _prose("spanish-memo-md", x.spanish_memo(), _of(NAME, A_NUMBER, CLAIM)),
        _prose("non-latin-memo-md", x.non_latin_memo(), _of(NAME, CLAIM)),
        _prose("referrals-table-md", x.markdown_table(), _of(NAME, A_NUMBER, NATIONALITY, CLAIM)),
        _prose("detainee-transfers-txt", x.detainee_list(), _of(NAME, A_NUMBER, FACILITY)),
        _prose("press-release-md", x.press_release(), _of()),
        _prose("aggregate-report-md", x.aggregate_report(), _of()),
        _prose("staff-list-md", x.staff_directory(), _of()),
        _prose("facility-list-txt", x.facility_list(), _of()),
        _prose("court-calendar-txt", x.court_calendar(), _of()),
        _prose("invoice-numbers-txt", x.invoice_text(), _of()),
        _prose("meeting-attendees-txt", x.meeting_attendees(), _of()),
    ]


def _documents() -> list[Case]:
    d = documents
    positives: list[tuple[str, str, Callable[[Path], _Built], str, int, frozenset[str]]] = [
        (
            "credible-fear-email-eml",
            "credible-fear-follow-up.eml",
            d.email_credible_fear,
            PROTECTED,
            1,
            _of(NAME, A_NUMBER, FACILITY, CLAIM),
        ),
        (
            "removal-confirmation-eml",
            "removal-flight-confirmation.eml",
            d.email_to_foreign_government,
            PROTECTED,
            3,
            _of(NAME, A_NUMBER, BIRTHDATE, CLAIM),
        ),
        (
            "confirmation-in-prose-eml",
            "re-passengers.eml",
            d.email_confirming_in_prose,
            PROTECTED,
            2,
            _of(NAME, CLAIM),
        ),
        ("detainee-sheet-attached-eml", "weekly-report.eml", d.email_with_csv, PROTECTED, 5, EVERY),
        (
            "receipt-in-zip-in-eml",
            "forwarded-case-files.eml",
            d.email_zip_email,
            PROTECTED,
            1,
            _of(NAME, A_NUMBER, CLAIM),
        ),
        (
            "applicants-table-html",
            "applicants.html",
            d.html_asylum_table,
            PROTECTED,
            4,
            EVERY - {FACILITY},
        ),
        (
            "screenings-json",
            "screenings.json",
            d.json_records,
            PROTECTED,
            6,
            EVERY - {FACILITY},
        ),
        (
            "relief-ndjson",
            "relief.ndjson",
            d.ndjson_records,
            PROTECTED,
            4,
            _of(NAME, A_NUMBER, BIRTHDATE, CLAIM),
        ),
        (
            "referrals-yaml",
            "referrals.yaml",
            d.yaml_records,
            PROTECTED,
            3,
            EVERY - {FACILITY},
        ),
        (
            "interview-schedule-pdf",
            "schedule.pdf",
            d.pdf_text,
            PROTECTED,
            4,
            _of(NAME, A_NUMBER, BIRTHDATE, CLAIM),  # the country stands in no labelled column
        ),
        (
            "applicants-docx",
            "applicants.docx",
            d.docx_applicants,
            PROTECTED,
            4,
            EVERY - {FACILITY},
        ),
        ("detainee-sheet-in-zip", "export.zip", d.zip_with_csv, PROTECTED, 3, EVERY),
        (
            "detention-roster-json",
            "roster.json",
            d.json_detainees,
            PERSONAL,
            3,
            _of(NAME, A_NUMBER, FACILITY),
        ),
    ]
    cases = [
        Case(f"legacy/{name}", filename, _built(build), cls, persons, detectors)
        for name, filename, build, cls, persons, detectors in positives
    ]
    for name, filename, build in (
        ("press-office-eml", "press-office.eml", d.email_press_office),
        ("press-release-html", "press-release.html", d.html_press_release),
        ("aggregate-statistics-json", "asylum-by-country.json", d.json_aggregate),
        ("staff-list-docx", "asylum-office-staff.docx", d.docx_staff_directory),
    ):
        cases.append(Case(f"legacy/{name}", filename, _built(build), None, 0))
    for name, filename, build in (
        ("encrypted-pdf", "schedule-encrypted.pdf", d.pdf_encrypted),
        ("image-only-pdf", "scanned.pdf", d.pdf_image_only),
        ("zip-bomb", "ratio-bomb.zip", d.zip_ratio_bomb),
    ):
        cases.append(Case(f"legacy/{name}", filename, _built(build), None, 0, unscannable=True))
    return cases


CASES: tuple[Case, ...] = (*_spreadsheets(), *_tables(), *_texts(), *_documents())
