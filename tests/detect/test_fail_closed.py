"""The scanner's fail-closed core: the bytes choose the readers (never the file's name, nor the
destination's), every reader that accepts reads, the worst verdict stands, coverage merges,
and the bounds on what is decoded hold for every reader.

Fake formats are small classes implementing ``approval.detect.units.Reader``."""

from __future__ import annotations

import gzip
import io
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from approval.detect.readers.csv import READER as CSV
from approval.detect.scan import limits_for, probe, scan_file, subsume, zip_members
from approval.detect.units import (
    PARSED,
    UNREAD,
    Limits,
    Nested,
    Part,
    Probe,
    Records,
    Source,
    Table,
    Text,
    Unit,
    Unscannable,
    Where,
)
from approval.policy import Policy
from tests.corpus import tabular

PERSON_CSV = b"A-Number,Name,Claim Type\nA212345678,Juan Perez,Asylum\nA213456789,Ana Ruiz,CAT\n"
NAMES = ["stats.xlsx", "stats.eml", "site.html", "letter.docx", "page.mht", "x.pdf", "noname"]


class Fake:
    """A reader of sources that start with ``magic``: it yields ``units`` (fresh per read)
    and counts its reads."""

    def __init__(
        self, name: str, magic: bytes, *units: Unit, subsumes: frozenset[str] = frozenset()
    ):
        self.name = name
        self.magic = magic
        self.units = units
        self.subsumes = subsumes
        self.reads = 0

    def accepts(self, probe: Probe) -> bool:
        return probe.head.startswith(self.magic)

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        self.reads += 1
        for unit in self.units:
            if isinstance(unit, Table):
                yield replace(unit, rows=list(unit.rows))
            else:
                yield unit


class Failing(Fake):
    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        yield from super().read(source, limits)
        raise Unscannable("corrupt: broken on purpose")


def _person_table() -> Table:
    return Table(Where(), [["A-Number", "Claim Type"], ["A212345678", "Asylum"]])


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ---- content decides


@pytest.mark.parametrize(
    "data",
    [
        PERSON_CSV,
        gzip.compress(PERSON_CSV),
        b'[{"name": "Juan Perez", "a_number": "A212345678", "claim": "asylum"}]',
    ],
    ids=["csv", "csv.gz", "json"],
)
def test_the_same_bytes_under_any_name_give_the_same_report(
    tmp_path: Path, policy: Policy, data: bytes
) -> None:
    reports = [scan_file(_write(tmp_path, name, data), policy) for name in NAMES]
    assert {(r.verdict, r.format, tuple(r.classes.items())) for r in reports} == {
        (reports[0].verdict, reports[0].format, tuple(reports[0].classes.items()))
    }
    assert reports[0].verdict == "protected"


def test_a_staged_copy_is_read_by_its_bytes_not_the_destinations_name(
    tmp_path: Path, policy: Policy
) -> None:
    # ``export --to site/stats.eml`` scans the staged copy, named as the destination.
    source = _write(tmp_path, "people.csv", PERSON_CSV)
    for destination in ("stats.eml", "stats.html", "stats.docx", "stats.mht", "stats.zip"):
        staged = tmp_path / destination
        shutil.copyfile(source, staged)
        report = scan_file(staged, policy, display_name=str(source))
        assert (report.verdict, report.format, report.path) == ("protected", "csv", str(source))


def test_every_reader_that_accepts_reads_and_the_worst_verdict_stands(
    tmp_path: Path, policy: Policy
) -> None:
    clean = Fake("clean", b"MAGIC", Part("a", "thing", 1, PARSED))
    finds = Fake("finds", b"MAGIC", _person_table(), Part("b", "thing", 1, PARSED))
    path = _write(tmp_path, "x", b"MAGIC")
    report = scan_file(path, policy, readers=[clean, finds])
    assert (report.verdict, report.format) == ("protected", "clean+finds")
    assert (clean.reads, finds.reads) == (1, 1)
    assert [p.part for p in report.coverage] == ["a", "b"]
    failing = Failing("failing", b"MAGIC")
    report = scan_file(path, policy, readers=[finds, failing])
    assert (report.verdict, report.reason) == ("unscannable", "corrupt: broken on purpose")


def test_a_subsumed_reader_reads_only_where_the_other_does_not_accept(
    tmp_path: Path, policy: Policy
) -> None:
    wide = Fake("wide", b"AB", subsumes=frozenset({"narrow"}))
    narrow = Fake("narrow", b"A")
    scan_file(_write(tmp_path, "ab", b"AB"), policy, readers=[wide, narrow])
    assert (wide.reads, narrow.reads) == (1, 0)
    scan_file(_write(tmp_path, "ac", b"AC"), policy, readers=[wide, narrow])
    assert (wide.reads, narrow.reads) == (1, 1)


def test_two_readers_claiming_each_other_both_read() -> None:
    one = Fake("one", b"", subsumes=frozenset({"two"}))
    two = Fake("two", b"", subsumes=frozenset({"one"}))
    three = Fake("three", b"", subsumes=frozenset({"one", "two"}))
    assert subsume([one, two]) == [one, two]
    assert subsume([one, two, three]) == [three]


def test_csv_and_json_subsume_the_text_read(tmp_path: Path, policy: Policy) -> None:
    assert scan_file(_write(tmp_path, "p.txt", PERSON_CSV), policy).format == "csv"
    text = scan_file(_write(tmp_path, "n.csv", b"Hello there.\nNothing to see.\n"), policy)
    assert (text.format, [(p.part, p.read) for p in text.coverage]) == ("text", [("body", "text")])


def test_a_polyglot_csv_with_a_pdf_appended_is_protected(tmp_path: Path, policy: Policy) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    pdf = io.BytesIO()
    writer.write(pdf)
    data = PERSON_CSV.replace(b"Claim Type", b"%PDF-1.7 Claim Type") + pdf.getvalue()
    for name in ("poly.pdf", "poly.csv", "poly"):
        report = scan_file(_write(tmp_path, name, data), policy)
        assert report.verdict == "protected", (name, report.reason)


def test_a_table_followed_by_binary_is_still_read_as_a_table(
    tmp_path: Path, policy: Policy
) -> None:
    # The table is read (its persons are found), and the binary data after it, which no
    # reader of its format read, blocks the file as unscannable (``readers._binary``).
    data = PERSON_CSV + bytes(range(256)) * 64
    report = scan_file(_write(tmp_path, "x.bin", data), policy)
    assert report.verdict == "unscannable"
    assert report.format.startswith("csv")
    assert report.classes["protected-person"] == 2
    at = len(PERSON_CSV)
    assert report.reason == (
        f"x.bin/binary data: binary data after byte {at} of text, which no reader reads"
    )


# ---- coverage


def test_a_part_read_by_any_reader_is_read(tmp_path: Path, policy: Policy) -> None:
    knows = Fake("knows", b"M", Part("extra.xml", "xml", 5, PARSED))
    ignores = Fake("ignores", b"M", Part("extra.xml", "xml", 5, UNREAD, "unknown part"))
    report = scan_file(_write(tmp_path, "m", b"M"), policy, readers=[ignores, knows])
    assert report.verdict == "clean"
    assert [(p.part, p.read) for p in report.coverage] == [("extra.xml", "parsed")]
    report = scan_file(_write(tmp_path, "m", b"M"), policy, readers=[ignores])
    assert (report.verdict, report.reason) == ("unscannable", "m/extra.xml: unknown part")


def test_an_unread_part_that_holds_no_data_does_not_block(tmp_path: Path, policy: Policy) -> None:
    link = Fake("links", b"L", Part("link", "symbolic link", 0, UNREAD, "no data", blocks=False))
    report = scan_file(_write(tmp_path, "l", b"L"), policy, readers=[link])
    assert report.verdict == "clean"
    assert report.to_dict()["coverage"] == [
        {"part": "link", "kind": "symbolic link", "bytes": 0, "read": "unread",
         "reason": "no data", "blocks": False}
    ]  # fmt: skip


def test_a_nested_source_nobody_reads_is_an_unread_part_whatever_else_says(
    tmp_path: Path, policy: Policy
) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(20)
    inner = Source("photo.png", lambda: io.BytesIO(png), len(png), depth=1, part="a.box/photo.png")
    box = Fake("box", b"BOX", Part("photo.png", "member", len(png), PARSED), Nested(inner, Where()))
    report = scan_file(_write(tmp_path, "a.box", b"BOX"), policy, readers=[box, CSV])
    assert (report.verdict, report.reason) == (
        "unscannable",
        "a.box/photo.png: unsupported format: image/png",
    )
    assert ("photo.png", "nested", "unread") in {(p.part, p.kind, p.read) for p in report.coverage}


def test_coverage_names_that_identify_a_person_are_redacted(tmp_path: Path, policy: Policy) -> None:
    part = Part("asylum/GARCIA, Maria A212345678.pdf", "member", 1, UNREAD, "encrypted")
    report = scan_file(_write(tmp_path, "z", b"Z"), policy, readers=[Fake("z", b"Z", part)])
    text = repr(report.to_dict()) + repr(report.summary())
    assert "GARCIA" not in text and "212345678" not in text
    assert report.coverage[0].part.startswith("asylum/[redacted]")


def test_the_summary_carries_coverage_within_the_ledger_schema(
    tmp_path: Path, policy: Policy
) -> None:
    from tests.detect.test_report import summary_validator

    parts = [Part(f"p{i}", "member", 1, PARSED) for i in range(600)]
    parts.append(Part("late", "member", 1, UNREAD, "unknown"))
    report = scan_file(_write(tmp_path, "w", b"W"), policy, readers=[Fake("w", b"W", *parts)])
    summary = report.summary()
    summary_validator().validate(summary)
    coverage = summary["coverage"]
    assert len(coverage) == 502  # 500 read, the unread one, and one entry for the rest
    assert coverage[-1]["part"] == "100 more parts"
    assert {"part": "late", "kind": "member", "bytes": 1, "read": "unread", "reason": "unknown",
            "blocks": True} in coverage  # fmt: skip


# ---- bounds


def _rows(count: int, width: int) -> Table:
    return Table(Where(), ([str(c) for c in range(width)] for _ in range(count)))


@pytest.mark.parametrize(
    ("unit", "limits", "reason"),
    [
        (_rows(3000, 2), Limits(max_rows=2500), "more than 2500 rows (limits.max_rows)"),
        (_rows(2000, 10), Limits(max_cells=15_000), "more than 15000 cells (limits.max_cells)"),
        (
            Text(Where(), ["x" * 100] * 50),
            Limits(max_text_chars=1000),
            "more than 1000 characters of text (limits.max_text_chars)",
        ),
        (
            Text(Where(), ["x" * 100]),
            Limits(max_string_chars=50),
            "a line longer than 50 characters (limits.max_string_chars)",
        ),
        (
            Records(Where(), [{"a": "x" * 100}]),
            Limits(max_string_chars=50),
            "a value longer than 50 characters (limits.max_string_chars)",
        ),
        (_rows(10, 2), Limits(max_seconds=0), "took more than 0 seconds (limits.max_seconds)"),
    ],
    ids=["rows", "cells", "text", "line", "value", "time"],
)
def test_past_a_bound_the_file_is_unscannable_and_the_reason_names_it(
    tmp_path: Path, policy: Policy, unit: Unit, limits: Limits, reason: str
) -> None:
    class Once:
        name = "once"

        def accepts(self, probe: Probe) -> bool:
            return True

        def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
            yield unit

    report = scan_file(_write(tmp_path, "b", b"B"), policy, readers=[Once()], limits=limits)
    assert (report.verdict, report.reason) == ("unscannable", reason)


def test_the_bounds_come_from_the_policy(tmp_path: Path, policy: Policy) -> None:
    strict = replace(policy, limits={**policy.limits, "max_rows": 3})
    assert limits_for(strict).max_rows == 3
    assert limits_for(policy) == Limits()  # the default policy states the defaults
    path = tabular.detainee_sheet(10).write_csv(tmp_path / "d.csv")
    report = scan_file(path, strict)
    assert (report.verdict, report.reason) == ("unscannable", "more than 3 rows (limits.max_rows)")


def test_a_cell_bomb_is_refused_in_bounded_memory(tmp_path: Path, policy: Policy) -> None:
    """A small file that decodes to a huge number of empty cells (a CSV of commas) is stopped
    by the core's cell count, whatever the reader."""
    path = tmp_path / "bomb.csv"
    with gzip.open(path, "wb") as out:
        out.write((b"," * 999 + b"\n") * 10_000)
    report = scan_file(path, policy, limits=Limits(max_cells=1_000_000, max_ratio=10_000))
    assert (report.verdict, report.reason) == (
        "unscannable",
        "more than 1000000 cells (limits.max_cells)",
    )
    assert path.stat().st_size < 200_000


# ---- the probe


def test_the_probe_finds_zip_members_even_after_prepended_bytes(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("people.csv", PERSON_CSV)
    padding = b"x" * 9000  # past the head: the probe has a tail too
    for data in (buffer.getvalue(), PERSON_CSV + padding + buffer.getvalue()):
        path = _write(tmp_path, "z", data)
        seen = probe(Source("z", lambda path=path: path.open("rb"), len(data)))
        assert seen.members == frozenset({"xl/workbook.xml", "people.csv"})
        assert seen.size == len(data)
        # The last 8 KiB after the head: the two never overlap.
        assert seen.tail == data[max(8192, len(data) - 8192) :]
        with path.open("rb") as f:
            assert zip_members(f, len(data)) == seen.members
    assert probe(Source("c", lambda: io.BytesIO(PERSON_CSV), 5)).members is None


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"7z\xbc\xaf\x27\x1c" + bytes(64), "unsupported format: application/x-7z-compressed"),
        (b"Rar!\x1a\x07\x01\x00" + bytes(64), "unsupported format: application/vnd.rar"),
        (b"(\xb5/\xfd" + bytes(64), "unsupported format: application/zstd"),
        (b"\x04\x22\x4d\x18" + bytes(64), "unsupported format: application/x-lz4"),
        (b"\x1f\x9d\x90" + bytes(64), "unsupported format: application/x-compress"),
    ],
    ids=["7z", "rar", "zstd", "lz4", "compress"],
)
def test_archives_without_a_reader_say_what_they_are(
    tmp_path: Path, policy: Policy, data: bytes, reason: str
) -> None:
    report = scan_file(_write(tmp_path, "a.zip", data), policy)
    assert (report.verdict, report.reason) == ("unscannable", reason)


def test_legacy_word_and_powerpoint_say_what_they_are(tmp_path: Path, policy: Policy) -> None:
    from tests.corpus.spreadsheets import ole_file

    for stream, what in (
        ("WordDocument", "legacy Word document (.doc)"),
        ("PowerPoint Document", "legacy PowerPoint presentation (.ppt)"),
    ):
        path = _write(tmp_path, "file.xls", ole_file({stream: bytes(5000)}))
        report = scan_file(path, policy)
        assert (report.verdict, report.reason) == ("unscannable", f"unsupported format: {what}")


def _empty_cell_workbook(path: Path, rows: int, columns: int) -> None:
    """An xlsx whose one sheet is ``rows`` x ``columns`` cells with nothing in them: small once
    deflated, large once decoded."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    package = "http://schemas.openxmlformats.org/package/2006"
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            f'<Types xmlns="{package}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.worksheet+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{package}/relationships"><Relationship Id="rId1" '
            f'Type="{office}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{office}"><sheets>'
            '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{package}/relationships"><Relationship Id="rId1" '
            f'Type="{office}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with z.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<worksheet xmlns="{main}"><sheetData>'.encode())
            # Cells without references follow each other; a space looks empty on screen.
            row = ("<row>" + '<c t="inlineStr"><is><t> </t></is></c>' * columns + "</row>").encode()
            for _ in range(rows):
                sheet.write(row)
            sheet.write(b"</sheetData></worksheet>")


def test_a_workbook_of_empty_cells_is_bounded_by_the_core(tmp_path: Path) -> None:
    """Whatever the spreadsheet reader does, the cells it passes on are counted: past the bound
    the file is unscannable, and the scan stays far below 512 MB (measured in a child)."""
    import resource
    import subprocess
    import sys

    path = tmp_path / "empty.xlsx"
    _empty_cell_workbook(path, rows=40_000, columns=50)
    assert path.stat().st_size < 1024 * 1024
    script = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from approval.detect.scan import scan_file\n"
        "from approval.detect.units import Limits\n"
        "from approval.policy import default_policy\n"
        # A ratio past any ZIP bound: the cells, not the deflate ratio, are what is tested.
        "limits = Limits(max_cells=1_000_000, max_ratio=1e6)\n"
        "r = scan_file(Path(sys.argv[1]), default_policy(), limits=limits)\n"
        "print(r.verdict, r.reason, sep='|')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
    )
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    verdict, reason = done.stdout.strip().split("|")
    assert verdict == "unscannable"
    # The spreadsheet reader may see the span before the core counts the cells: either names it.
    assert reason.endswith("more than 1000000 cells (limits.max_cells)")
    assert peak_mb < 512


def test_a_staged_copy_names_parts_after_the_file_the_user_knows(
    tmp_path: Path, policy: Policy
) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(20)
    staged = _write(tmp_path, ".approval-stage-1234", gzip.compress(png))
    report = scan_file(staged, policy, display_name="site/photo.png.gz")
    assert (report.path, report.reason) == (
        "site/photo.png.gz",
        "photo.png.gz/photo.png: unsupported format: image/png",
    )
