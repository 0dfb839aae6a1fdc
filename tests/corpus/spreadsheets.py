"""Spreadsheets built by code from the synthetic persons, each with its ground truth.

One ``build_*`` function per case; each writes one file into ``directory`` and returns a
``Built``: the path, the verdict and distinct protected-person count a scan must report, and
the persons whose data is in the file. Workbooks are written with openpyxl where it can, and
by hand where it cannot (pivot caches, OLE2 containers, legacy .xls records, .ods XML), so
that every byte a reader meets is known.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from approval.detect.units import Limits, Reader, Source, Table, Text, Unscannable
from tests.corpus.people import Person, people

EPOCH = date(1899, 12, 30)  # Excel's day 0 (the 1900 leap-year bug folded in)
A_NUMBER_FORMAT = '"A"000000000'


@dataclass(frozen=True)
class Truth:
    verdict: str  # "protected" | "clean" | "unscannable"
    persons: int = 0  # distinct persons of class protected-person
    reason: str = ""  # an unscannable verdict's reason starts with this


@dataclass(frozen=True)
class Built:
    path: Path
    truth: Truth
    people: tuple[Person, ...] = ()


def serial(day: date) -> int:
    """The number Excel stores for ``day``."""
    return (day - EPOCH).days


def fear_result(person: Person) -> str:
    return "Positive" if "Negative" not in person.claim else "Negative"


def _aggregate_rows(persons: Sequence[Person]) -> list[list[object]]:
    counts = Counter(p.nationality for p in persons)
    return [[country, counts[country]] for country in sorted(counts)]


# ---------------------------------------------------------------------------------------------
# XLSX with openpyxl


def _workbook() -> Workbook:
    return Workbook()


def _summary(sheet: Worksheet, persons: Sequence[Person]) -> None:
    """An aggregate statistics sheet: no person in it."""
    sheet.title = "Summary"
    sheet.append(["Detention statistics, fiscal year 2023"])
    sheet.append(["Country of citizenship", "Book-ins"])
    for row in _aggregate_rows(persons):
        sheet.append(row)


DETAINEE_HEADER = [
    "Name",
    "A-Number",
    "Date of Birth",
    "Country of Citizenship",
    "Facility",
    "Case Status",
    "Fear Result",
]


def _detainee_row(person: Person) -> list[object]:
    return [
        person.last_first,
        person.a_number,
        person.birthdate,
        person.nationality,
        person.facility,
        person.claim,
        fear_result(person),
    ]


def _detainees(book: Workbook, title: str, persons: Sequence[Person], state: str) -> Worksheet:
    sheet = book.create_sheet(title)
    sheet.sheet_state = state
    sheet.append(DETAINEE_HEADER)
    for person in persons:
        sheet.append(_detainee_row(person))
    for (cell,) in sheet.iter_rows(min_row=2, min_col=3, max_col=3):
        cell.number_format = "mm/dd/yyyy"
    return sheet


def build_2022_leak(directory: Path, count: int = 40, suffix: str = ".xlsx") -> Built:
    """The shape of the 2022 leak: aggregate statistics on the first sheet, and on a hidden
    second sheet the persons' names, A-numbers, birthdates, nationalities, facilities, case
    status and fear-interview results."""
    persons = people(count)
    book = _workbook()
    _summary(book.active, persons)
    _detainees(book, "Detainees", persons, "hidden")
    path = directory / f"detention-stats-fy2023{suffix}"
    book.save(path)
    if suffix == ".xlsm":
        _rewrite_zip(
            path,
            {
                "[Content_Types].xml": lambda xml: xml.replace(
                    b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
                )
            },
        )
    return Built(path, Truth("protected", count), tuple(persons))


def build_very_hidden(directory: Path, count: int = 12) -> Built:
    """A veryHidden sheet (only a macro or an XML editor shows it) holding the persons."""
    persons = people(count, seed=11)
    book = _workbook()
    sheet = book.active
    sheet.title = "Facilities"
    sheet.append(["Facility", "Average daily population"])
    for number, facility in enumerate(sorted({p.facility for p in persons})):
        sheet.append([facility, 100 + number])
    _detainees(book, "Data", persons, "veryHidden")
    path = directory / "facilities.xlsx"
    book.save(path)
    return Built(path, Truth("protected", count), tuple(persons))


HIDDEN_ROWS_HEADER = ["Subj Nm", "A#", "Ctry of Citz", "Claim"]


def build_hidden_rows(directory: Path, count: int = 8) -> Built:
    """A visible sheet whose person rows (2 to count+1) are hidden; a total row shows."""
    persons = people(count, seed=12)
    book = _workbook()
    sheet = book.active
    sheet.title = "Cases"
    sheet.append(HIDDEN_ROWS_HEADER)
    for person in persons:
        sheet.append([person.last_first, person.a_number, person.nationality, person.claim])
    sheet.append(["Total", count, None, None])
    for row in range(2, count + 2):
        sheet.row_dimensions[row].hidden = True
    path = directory / "cases.xlsx"
    book.save(path)
    return Built(path, Truth("protected", count), tuple(persons))


HIDDEN_COLUMNS_HEADER = ["Name", "A-Number", "Facility", "Nationality", "Case Status"]


def build_hidden_columns(directory: Path, count: int = 10) -> Built:
    """Columns A (names) and B (A-numbers) hidden; facility, nationality and status show."""
    persons = people(count, seed=13)
    book = _workbook()
    sheet = book.active
    sheet.title = "Roster"
    sheet.append(HIDDEN_COLUMNS_HEADER)
    for p in persons:
        sheet.append([p.name, p.a_number, p.facility, p.nationality, p.claim])
    sheet.column_dimensions["A"].hidden = True
    sheet.column_dimensions["B"].hidden = True
    path = directory / "roster.xlsx"
    book.save(path)
    return Built(path, Truth("protected", count), tuple(persons))


def build_number_formats(directory: Path, count: int = 10) -> Built:
    """A-numbers stored as numbers (212345678) shown through ``"A"000000000``; beside them a
    plain count column, which must stay a number."""
    persons = people(count, seed=14)
    book = _workbook()
    sheet = book.active
    sheet.title = "Applicants"
    sheet.append(["Applicant", "A-Number", "Claim", "Hearings"])
    for number, p in enumerate(persons, start=1):
        sheet.append([p.name, int(p.a_digits), p.claim, number])
    for (cell,) in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.number_format = A_NUMBER_FORMAT
    path = directory / "applicants.xlsx"
    book.save(path)
    return Built(path, Truth("protected", count), tuple(persons))


def build_date_serials(directory: Path, count: int = 10) -> Built:
    """Birthdates stored as Excel serial numbers under a date format; no A-numbers: persons
    are told apart by name and birthdate."""
    persons = people(count, seed=15)
    book = _workbook()
    sheet = book.active
    sheet.title = "Interviews"
    sheet.append(["Name", "DOB", "Interview", "Result"])
    for p in persons:
        sheet.append([p.name, serial(p.birthdate), "Credible fear interview", fear_result(p)])
    for (cell,) in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.number_format = "mm/dd/yyyy"
    path = directory / "interviews.xlsx"
    book.save(path)
    return Built(path, Truth("protected", count), tuple(persons))


def comment_texts(persons: Sequence[Person]) -> list[str]:
    first, second = persons[0], persons[1]
    return [
        f"{first.name}, {first.a_number}: credible fear interview scheduled",
        f"{second.last_first} (DOB {second.birthdate:%m/%d/%Y}) filed an I-589 for asylum",
    ]


def build_comments(directory: Path) -> Built:
    """An aggregate sheet whose cell comments name two persons and their claims."""
    persons = people(2, seed=16)
    book = _workbook()
    _summary(book.active, people(30))
    sheet = book.active
    for cell, text in zip(("B3", "B4"), comment_texts(persons), strict=True):
        sheet[cell].comment = Comment(text, "Statistics unit")
    path = directory / "commented.xlsx"
    book.save(path)
    return Built(path, Truth("protected", 2), tuple(persons))


def build_defined_names(directory: Path) -> Built:
    """Defined names holding constants: one a string naming a person and their claim, one an
    array constant (a small table of two persons); and a print area, which is a reference."""
    persons = people(3, seed=17)
    book = _workbook()
    _summary(book.active, people(30))
    first = persons[0]
    scalar = f'"{first.last_first} {first.a_number} asylum claim pending"'
    rows = ";".join(f'"{p.last_first}","{p.a_number}","{p.claim}"' for p in persons[1:])
    array = '{"Name","A-Number","Claim";' + rows + "}"
    names = book.defined_names
    names["Applicant"] = DefinedName("Applicant", attr_text=scalar)
    names["Applicants"] = DefinedName("Applicants", attr_text=array)
    names["Report_Range"] = DefinedName("Report_Range", attr_text="Summary!$A$1:$B$10")
    path = directory / "names.xlsx"
    book.save(path)
    return Built(path, Truth("protected", 3), tuple(persons))


def build_clean_aggregates(directory: Path) -> Built:
    """Published aggregate statistics that mention asylum and countries: no person in it."""
    persons = people(60)
    book = _workbook()
    sheet = book.active
    sheet.title = "Asylum by country"
    sheet.append(["Affirmative asylum applications and credible fear referrals, FY2023"])
    sheet.append(["Country of nationality", "Asylum applications", "Credible fear referrals"])
    for country, number in _aggregate_rows(persons):
        sheet.append([country, number * 113, number * 41])
    notes = book.create_sheet("Notes")
    notes.append(["Counts of asylum, withholding of removal and CAT claims by country."])
    notes.append(["Figures under 10 are suppressed under 8 CFR 208.6."])
    path = directory / "asylum-statistics.xlsx"
    book.save(path)
    return Built(path, Truth("clean"))


# ---------------------------------------------------------------------------------------------
# A pivot cache whose source sheet was deleted (openpyxl cannot make pivots: written by hand)

PIVOT_SOURCE_SHEET = "Asylum detainees"
PIVOT_FIELDS = ["Name", "A-Number", "DOB", "Citizenship", "Claim", "Count"]


def _pivot_definition(persons: Sequence[Person]) -> bytes:
    countries = sorted({p.nationality for p in persons})
    claims = sorted({p.claim for p in persons})
    shared = {
        "Citizenship": "".join(f"<s v={quoteattr(c)}/>" for c in countries),
        "Claim": "".join(f"<s v={quoteattr(c)}/>" for c in claims),
    }
    fields = "".join(
        f'<cacheField name="{name}" numFmtId="0"><sharedItems'
        + (
            f' count="{shared[name].count("<s ")}">{shared[name]}</sharedItems>'
            if name in shared
            else "/>"
        )
        + "</cacheField>"
        for name in PIVOT_FIELDS
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<pivotCacheDefinition xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
        f' r:id="rId1" refreshOnLoad="1" recordCount="{len(persons)}">'
        f'<cacheSource type="worksheet"><worksheetSource ref="A1:F{len(persons) + 1}"'
        f" sheet={quoteattr(PIVOT_SOURCE_SHEET)}/></cacheSource>"
        f'<cacheFields count="{len(PIVOT_FIELDS)}">{fields}</cacheFields>'
        "</pivotCacheDefinition>"
    ).encode()


def _pivot_records(persons: Sequence[Person]) -> bytes:
    countries = sorted({p.nationality for p in persons})
    claims = sorted({p.claim for p in persons})
    records = "".join(
        f"<r><s v={quoteattr(p.last_first)}/><s v={quoteattr(p.a_number)}/>"
        f'<d v="{p.birthdate.isoformat()}T00:00:00"/>'
        f'<x v="{countries.index(p.nationality)}"/><x v="{claims.index(p.claim)}"/>'
        '<n v="1"/></r>'
        for p in persons
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<pivotCacheRecords xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        f' count="{len(persons)}">{records}</pivotCacheRecords>'
    ).encode()


def pivot_records(persons: Sequence[Person]) -> list[list[object]]:
    """The rows a reader must recover from the pivot cache, header first."""
    return [
        PIVOT_FIELDS,
        *(
            [p.last_first, p.a_number, p.birthdate.isoformat(), p.nationality, p.claim, 1]
            for p in persons
        ),
    ]


def build_orphan_pivot_cache(directory: Path, count: int = 25) -> Built:
    """A pivot table's cache whose source sheet was deleted: the visible sheet shows counts by
    citizenship, and the cache still holds every source record."""
    persons = people(count, seed=18)
    book = _workbook()
    sheet = book.active
    sheet.title = "Pivot"
    sheet.append(["Row Labels", "Count of Name"])
    for country, number in _aggregate_rows(persons):
        sheet.append([country, number])
    sheet.append(["Grand Total", count])
    path = directory / "pivot.xlsx"
    book.save(path)
    pivot_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    _rewrite_zip(
        path,
        {
            "xl/pivotCache/pivotCacheDefinition1.xml": _pivot_definition(persons),
            "xl/pivotCache/pivotCacheRecords1.xml": _pivot_records(persons),
            "xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'<Relationship Id="rId1" Type="{pivot_ns}/pivotCacheRecords"'
                ' Target="pivotCacheRecords1.xml"/></Relationships>'
            ).encode(),
            "xl/_rels/workbook.xml.rels": lambda xml: xml.replace(
                b"</Relationships>",
                f'<Relationship Id="rIdPivot1" Type="{pivot_ns}/pivotCacheDefinition"'
                ' Target="pivotCache/pivotCacheDefinition1.xml"/></Relationships>'.encode(),
            ),
            "xl/workbook.xml": lambda xml: xml.replace(
                b"</workbook>",
                b'<pivotCaches><pivotCache cacheId="1" r:id="rIdPivot1"/></pivotCaches></workbook>',
            ),
            "[Content_Types].xml": lambda xml: xml.replace(
                b"</Types>",
                (
                    '<Override PartName="/xl/pivotCache/pivotCacheDefinition1.xml"'
                    f' ContentType="{content_type}.pivotCacheDefinition+xml"/>'
                    '<Override PartName="/xl/pivotCache/pivotCacheRecords1.xml"'
                    f' ContentType="{content_type}.pivotCacheRecords+xml"/></Types>'
                ).encode(),
            ),
        },
    )
    return Built(path, Truth("protected", count), tuple(persons))


# ---------------------------------------------------------------------------------------------
# Unreadable workbooks


def build_encrypted(directory: Path) -> Built:
    """What Office writes for a workbook with a password to open: an OLE2 file holding an
    ``EncryptionInfo`` stream (small: in the mini stream) and the ``EncryptedPackage``."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<?xml version='1.0'?><encryption/>"
    package = struct.pack("<Q", 9000) + bytes((i * 131 + 7) % 256 for i in range(9008))
    path = directory / "protected.xlsx"
    path.write_bytes(ole_file({"EncryptionInfo": info, "EncryptedPackage": package}))
    return Built(path, Truth("unscannable", reason="encrypted"))


def build_truncated(directory: Path) -> Built:
    """A workbook cut short in transfer: the zip's central directory is missing."""
    whole = build_2022_leak(directory, count=5).path
    path = directory / "truncated.xlsx"
    data = whole.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    whole.unlink()
    return Built(path, Truth("unscannable", reason="corrupt"))


def build_corrupt_sheet(directory: Path) -> Built:
    """A valid zip whose sheet XML is broken half-way through a tag."""
    whole = build_2022_leak(directory, count=5)
    path = directory / "broken-sheet.xlsx"
    whole.path.rename(path)
    _rewrite_zip(path, {"xl/worksheets/sheet2.xml": lambda xml: xml[: len(xml) // 2]})
    return Built(path, Truth("unscannable", reason="corrupt"))


# ---------------------------------------------------------------------------------------------
# Zip and OLE2 writing


def _rewrite_zip(path: Path, changes: dict[str, bytes | Callable[[bytes], bytes]]) -> None:
    """Rewrite the zip at ``path`` with parts replaced, transformed or added."""
    with zipfile.ZipFile(path) as old:
        parts = {info.filename: old.read(info) for info in old.infolist()}
    for name, change in changes.items():
        parts[name] = change(parts[name]) if callable(change) else change
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in parts.items():
            new.writestr(name, data)


_FREE, _END, _FAT_SECTOR, _NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _directory_entry(
    name: str, kind: int, *, right: int = _NO_STREAM, child: int = _NO_STREAM, start: int = 0,
    size: int = 0,
) -> bytes:  # fmt: skip
    encoded = name.encode("utf-16-le") + b"\0\0" if name else b""
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBBIII", len(encoded), kind, 1, _NO_STREAM, right, child)
        + bytes(16 + 4 + 16)  # class id, state bits, creation and modification times
        + struct.pack("<IQ", start, size)
    )


def ole_file(streams: dict[str, bytes]) -> bytes:
    """A version-3 OLE2 compound file (512-byte sectors) with ``streams`` in its root storage.
    Streams under 4096 bytes live in the mini stream, as Office writes them."""
    sectors: list[bytes] = []
    fat: list[int] = []

    def place(data: bytes) -> int:
        if not data:
            return _END
        start, count = len(sectors), -(-len(data) // 512)
        for i in range(count):
            sectors.append(data[i * 512 : (i + 1) * 512].ljust(512, b"\0"))
            fat.append(start + i + 1 if i < count - 1 else _END)
        return start

    mini = bytearray()
    mini_fat: list[int] = []
    where: dict[str, tuple[int, int]] = {}
    for name, data in streams.items():
        if len(data) >= 4096:
            where[name] = (place(data), len(data))
            continue
        start, count = len(mini_fat), -(-len(data) // 64)
        mini_fat.extend(start + i + 1 if i < count - 1 else _END for i in range(count))
        mini += data.ljust(count * 64, b"\0")
        where[name] = (start if data else _END, len(data))
    root_start = place(bytes(mini))
    mini_fat_start = place(struct.pack(f"<{len(mini_fat)}I", *mini_fat)) if mini_fat else _END
    names = list(streams)
    entries = [_directory_entry("Root Entry", 5, child=1 if names else _NO_STREAM,
                                start=root_start, size=len(mini))]  # fmt: skip
    for i, name in enumerate(names):
        following = i + 2 if i + 1 < len(names) else _NO_STREAM
        entries.append(_directory_entry(name, 2, right=following, start=where[name][0],
                                        size=where[name][1]))  # fmt: skip
    while len(entries) % 4:
        entries.append(_directory_entry("", 0))
    directory_start = place(b"".join(entries))
    fat_count = 1
    while fat_count * 128 < len(sectors) + fat_count:
        fat_count += 1
    fat_ids = list(range(len(sectors), len(sectors) + fat_count))
    fat.extend([_FAT_SECTOR] * fat_count)
    table = struct.pack(f"<{len(fat)}I", *fat).ljust(fat_count * 512, b"\xff")
    sectors.extend(table[i * 512 : (i + 1) * 512] for i in range(fat_count))
    difat = fat_ids + [_FREE] * (109 - len(fat_ids))
    header = (
        OLE_MAGIC
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack(
            "<IIIIIIIII",
            0,
            fat_count,
            directory_start,
            0,
            4096,
            mini_fat_start,
            -(-len(mini_fat) * 4 // 512),
            _END,
            0,
        )
        + struct.pack("<109I", *difat)
    )
    return header + b"".join(sectors)


# ---------------------------------------------------------------------------------------------
# Legacy .xls (BIFF8), written record by record

_XF_GENERAL, _XF_A_NUMBER, _XF_DATE = 0, 1, 2


def _record(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _unicode(text: str, length_size: int = 2) -> bytes:
    return len(text).to_bytes(length_size, "little") + b"\x01" + text.encode("utf-16-le")


@dataclass(frozen=True)
class XlsSheet:
    name: str
    rows: Sequence[Sequence[object]]  # str, int/float, date (written as a date serial)
    state: int = 0  # 0 visible, 1 hidden, 2 veryHidden
    a_number_columns: frozenset[int] = frozenset()  # numbers shown through "A"000000000
    hidden_rows: frozenset[int] = frozenset()
    hidden_columns: frozenset[int] = frozenset()


def _sheet_records(sheet: XlsSheet) -> bytes:
    out = [_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 6))]
    for column in sorted(sheet.hidden_columns):
        out.append(_record(0x007D, struct.pack("<HHHHHH", column, column, 2560, 0, 1, 0)))
    for row, values in enumerate(sheet.rows):
        flags = 0x0100 | (0x20 if row in sheet.hidden_rows else 0)
        body = struct.pack("<HHHHHHHH", row, 0, len(values), 0x00FF, 0, 0, flags, 0x0F)
        out.append(_record(0x0208, body))
    for row, values in enumerate(sheet.rows):
        for column, value in enumerate(values):
            if isinstance(value, str):
                body = struct.pack("<HHH", row, column, _XF_GENERAL) + _unicode(value)
                out.append(_record(0x0204, body))
            elif isinstance(value, date):
                number = float(serial(value))
                out.append(_record(0x0203, struct.pack("<HHHd", row, column, _XF_DATE, number)))
            elif isinstance(value, int | float):
                xf = _XF_A_NUMBER if column in sheet.a_number_columns else _XF_GENERAL
                out.append(_record(0x0203, struct.pack("<HHHd", row, column, xf, float(value))))
    out.append(_record(0x000A, b""))
    return b"".join(out)


def xls_workbook(sheets: Sequence[XlsSheet], *, password: bool = False) -> bytes:
    """The ``Workbook`` stream of a BIFF8 workbook; ``password`` adds an RC4 FILEPASS record,
    as Excel writes for a workbook with a password to open."""
    head = [
        _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 6)),
        _record(0x0042, struct.pack("<H", 1200)),  # CODEPAGE: UTF-16
    ]
    if password:
        head.append(_record(0x002F, struct.pack("<HHH", 1, 1, 1) + bytes(48)))
    head.append(_record(0x041E, struct.pack("<H", 164) + _unicode(A_NUMBER_FORMAT)))
    for number_format in (0, 164, 14):  # the XFs: general, "A"000000000, m/d/yyyy
        head.append(_record(0x00E0, struct.pack("<HH", 0, number_format) + bytes(16)))
    bodies = [_sheet_records(sheet) for sheet in sheets]

    def bound(offset: int, sheet: XlsSheet) -> bytes:
        body = struct.pack("<IBB", offset, sheet.state, 0) + _unicode(sheet.name, length_size=1)
        return _record(0x0085, body)

    size = sum(map(len, head)) + sum(len(bound(0, s)) for s in sheets) + 4  # + EOF
    bounds, offset = [], size
    for sheet, body in zip(sheets, bodies, strict=True):
        bounds.append(bound(offset, sheet))
        offset += len(body)
    return b"".join([*head, *bounds, _record(0x000A, b""), *bodies])


def _xls_sheets(persons: Sequence[Person]) -> list[XlsSheet]:
    summary = XlsSheet(
        "Summary", [["Country of citizenship", "Book-ins"], *_aggregate_rows(persons)]
    )
    rows: list[list[object]] = [["Name", "A-Number", "DOB", "Citizenship", "Claim"]]
    rows += [[p.last_first, int(p.a_digits), p.birthdate, p.nationality, p.claim] for p in persons]
    detainees = XlsSheet(
        "Detainees",
        rows,
        state=1,
        a_number_columns=frozenset({1}),
        hidden_rows=frozenset({2}),
        hidden_columns=frozenset({2}),
    )
    return [summary, detainees]


def build_xls(directory: Path, count: int = 15) -> Built:
    """A legacy .xls of the 2022 shape: aggregates, and a hidden sheet of persons with
    A-numbers as numbers under ``"A"000000000``, one hidden row and a hidden DOB column."""
    persons = people(count, seed=19)
    path = directory / "detention-stats.xls"
    path.write_bytes(ole_file({"Workbook": xls_workbook(_xls_sheets(persons))}))
    return Built(path, Truth("protected", count), tuple(persons))


def build_xls_encrypted(directory: Path) -> Built:
    persons = people(5, seed=19)
    path = directory / "protected.xls"
    data = xls_workbook(_xls_sheets(persons), password=True)
    path.write_bytes(ole_file({"Workbook": data}))
    return Built(path, Truth("unscannable", reason="encrypted"))


def build_xls_corrupt(directory: Path) -> Built:
    """An OLE2 header whose sector tables point past the end of the file."""
    good = ole_file({"Workbook": xls_workbook(_xls_sheets(people(5, seed=19)))})
    path = directory / "broken.xls"
    path.write_bytes(good[:512] + b"\xff" * 100)
    return Built(path, Truth("unscannable", reason="corrupt"))


# ---------------------------------------------------------------------------------------------
# OpenDocument spreadsheets, written as XML

_ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"'
)
_ODS_STYLES = (
    '<style:style style:name="ta1" style:family="table">'
    '<style:table-properties table:display="true"/></style:style>'
    '<style:style style:name="ta2" style:family="table">'
    '<style:table-properties table:display="false"/></style:style>'
    '<number:number-style style:name="N100"><number:text>A</number:text>'
    '<number:number number:min-integer-digits="9"/></number:number-style>'
    '<style:style style:name="ce1" style:family="table-cell" style:data-style-name="N100"/>'
)


@dataclass(frozen=True)
class OdsSheet:
    name: str
    rows: Sequence[Sequence[object]]
    hidden: bool = False
    a_number_columns: frozenset[int] = frozenset()
    hidden_rows: frozenset[int] = frozenset()
    hidden_columns: frozenset[int] = frozenset()
    notes: dict[tuple[int, int], str] | None = None  # (row, column) -> comment


def _ods_cell(value: object, a_number: bool, note: str | None) -> str:
    annotation = ""
    if note is not None:
        annotation = (
            "<office:annotation><dc:creator>Records unit</dc:creator>"
            f"<text:p>{escape(note)}</text:p></office:annotation>"
        )
    if isinstance(value, str):
        return (
            f'<table:table-cell office:value-type="string">{annotation}'
            f"<text:p>{escape(value)}</text:p></table:table-cell>"
        )
    if isinstance(value, date):
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
            f"{annotation}<text:p>{value:%m/%d/%Y}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        style, shown = (' table:style-name="ce1"', f"A{value:09d}") if a_number else ("", value)
        return (
            f'<table:table-cell{style} office:value-type="float" office:value="{value}">'
            f"{annotation}<text:p>{shown}</text:p></table:table-cell>"
        )
    return f"<table:table-cell>{annotation}</table:table-cell>"


def _ods_table(sheet: OdsSheet) -> str:
    width = max((len(row) for row in sheet.rows), default=1)
    columns = "".join(
        '<table:table-column table:visibility="collapse"/>'
        if column in sheet.hidden_columns
        else "<table:table-column/>"
        for column in range(width)
    )
    rows = []
    notes = sheet.notes or {}
    for r, values in enumerate(sheet.rows):
        visibility = ' table:visibility="collapse"' if r in sheet.hidden_rows else ""
        cells = "".join(
            _ods_cell(value, c in sheet.a_number_columns, notes.get((r, c)))
            for c, value in enumerate(values)
        )
        rows.append(f"<table:table-row{visibility}>{cells}</table:table-row>")
    style = "ta2" if sheet.hidden else "ta1"
    return (
        f'<table:table table:name={quoteattr(sheet.name)} table:style-name="{style}">'
        f"{columns}{''.join(rows)}</table:table>"
    )


def ods_file(sheets: Sequence[OdsSheet], *, encrypted: bool = False) -> bytes:
    import io

    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<office:document-content {_ODS_NAMESPACES} office:version="1.2">'
        f"<office:automatic-styles>{_ODS_STYLES}</office:automatic-styles>"
        f"<office:body><office:spreadsheet>{''.join(map(_ods_table, sheets))}"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    encryption = (
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA">'
        '<manifest:algorithm manifest:algorithm-name="Blowfish CFB"'
        ' manifest:initialisation-vector="AAAA"/></manifest:encryption-data>'
        if encrypted
        else ""
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        f"{encryption}</manifest:file-entry></manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        # The mimetype entry comes first and uncompressed: that is how a sniffer knows an ODS.
        package.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        package.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _ods_sheets(persons: Sequence[Person]) -> list[OdsSheet]:
    summary = OdsSheet(
        "Summary", [["Country of citizenship", "Book-ins"], *_aggregate_rows(persons)]
    )
    rows: list[list[object]] = [["Name", "A-Number", "DOB", "Citizenship", "Claim"]]
    rows += [[p.last_first, int(p.a_digits), p.birthdate, p.nationality, p.claim] for p in persons]
    first = persons[0]
    detainees = OdsSheet(
        "Detainees",
        rows,
        hidden=True,
        a_number_columns=frozenset({1}),
        hidden_rows=frozenset({2}),
        hidden_columns=frozenset({2}),
        notes={(1, 0): f"{first.name}: credible fear interview positive"},
    )
    return [summary, detainees]


def build_ods(directory: Path, count: int = 15) -> Built:
    """The 2022 shape as .ods: aggregates, and a hidden sheet of persons with A-numbers shown
    as ``A`` + 9 digits, one hidden row, a hidden DOB column and a comment."""
    persons = people(count, seed=20)
    path = directory / "detention-stats.ods"
    path.write_bytes(ods_file(_ods_sheets(persons)))
    return Built(path, Truth("protected", count), tuple(persons))


def build_ods_clean(directory: Path) -> Built:
    persons = people(40)
    sheet = OdsSheet(
        "Asylum by country",
        [["Country of nationality", "Asylum applications"], *_aggregate_rows(persons)],
    )
    path = directory / "asylum-statistics.ods"
    path.write_bytes(ods_file([sheet]))
    return Built(path, Truth("clean"))


def build_ods_encrypted(directory: Path) -> Built:
    path = directory / "protected.ods"
    path.write_bytes(ods_file(_ods_sheets(people(5, seed=20)), encrypted=True))
    return Built(path, Truth("unscannable", reason="encrypted"))


def mutation_outcomes(reader: Reader, original: Path, count: int = 45) -> set[str]:
    """Read every damaged copy of ``original`` to the end: the outcomes seen, ``read`` or
    ``unscannable`` (with a reason of the expected kinds). Any other exception escapes."""
    outcomes = set()
    for data in mutations(original.read_bytes(), count):
        source = Source(original.name, lambda data=data: io.BytesIO(data), len(data))
        try:
            for unit in reader.read(source, Limits()):
                if isinstance(unit, Table):
                    list(unit.rows)
                elif isinstance(unit, Text):
                    list(unit.lines)
            outcomes.add("read")
        except Unscannable as e:
            assert e.reason.startswith(("corrupt: ", "encrypted", "unsupported format: "))
            outcomes.add("unscannable")
    return outcomes


def mutations(data: bytes, count: int, seed: int = 7) -> Iterator[bytes]:
    """Damaged copies of ``data``, the same for the same seed: bytes changed at random, the
    file cut short, or a run of it overwritten with noise."""
    rng = random.Random(seed)
    for number in range(count):
        damaged = bytearray(data)
        if number % 3 == 0:
            for _ in range(rng.randint(1, 20)):
                damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        elif number % 3 == 1:
            del damaged[rng.randrange(len(damaged)) :]
        else:
            at = rng.randrange(len(damaged))
            damaged[at : at + 50] = rng.randbytes(50)
        yield bytes(damaged)


def build_all(directory: Path) -> list[Built]:
    """Every case, for scanner-level tests and the benchmark's corpus."""
    builders: list[Callable[[Path], Built]] = [
        build_2022_leak,
        lambda d: build_2022_leak(d, suffix=".xlsm"),
        build_very_hidden,
        build_hidden_rows,
        build_hidden_columns,
        build_number_formats,
        build_date_serials,
        build_comments,
        build_defined_names,
        build_orphan_pivot_cache,
        build_clean_aggregates,
        build_encrypted,
        build_truncated,
        build_corrupt_sheet,
        build_xls,
        build_xls_encrypted,
        build_xls_corrupt,
        build_ods,
        build_ods_clean,
        build_ods_encrypted,
    ]
    out = []
    for number, build in enumerate(builders):
        folder = directory / f"{number:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        out.append(build(folder))
    return out
