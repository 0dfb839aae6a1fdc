"""The CSV reader: every delimiter, quoting style, encoding, header or none; streamed; chosen by
its bytes alone."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import pytest

from approval.detect.readers.csv import (
    _CHUNK_CHARS,
    READER,
    _visible_lines,
    sniff_delimiter,
    sniff_layout,
)
from approval.detect.scan import scan_file
from approval.detect.units import PARSED, Bound, Limits, Part, Probe, Source, Table
from approval.policy import Policy
from tests.corpus import tabular
from tests.corpus.people import people


def rows_of(path: Path) -> list[Sequence[str]]:
    source = Source(path.name, lambda: path.open("rb"), path.stat().st_size)
    units = list(READER.read(source, Limits()))
    assert units[0] == Part("body", "table", path.stat().st_size, PARSED)
    assert len(units) == 2 and isinstance(units[1], Table)
    return list(units[1].rows)


def probe_of(content: bytes) -> Probe:
    return Probe(head=content[:8192], size=len(content), tail=content[-8192:])


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_every_delimiter(tmp_path: Path, policy: Policy, delimiter: str) -> None:
    case = tabular.detainee_sheet()
    path = case.write_csv(tmp_path / "detainees.csv", delimiter=delimiter)
    assert rows_of(path) == case.rows
    report = scan_file(path, policy)
    assert (report.verdict, dict(report.classes)) == ("protected", {"protected-person": 25})


@pytest.mark.parametrize(
    "quoting", [csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC], ids=str
)
def test_quoting(tmp_path: Path, policy: Policy, quoting: int) -> None:
    case = tabular.detainee_sheet(12)
    path = case.write_csv(tmp_path / "q.csv", quoting=quoting)
    assert rows_of(path) == case.rows
    assert dict(scan_file(path, policy).classes) == {"protected-person": 12}


def test_quoted_fields_hold_delimiters_quotes_and_line_breaks(
    tmp_path: Path, policy: Policy
) -> None:
    p = people(1)[0]
    rows = [
        ["A-Number", "Name", "Notes", "Claim Type"],
        [p.a_number, p.last_first, 'said "afraid",\nsecond line; third', "Asylum"],
    ]
    path = tabular.Case("q", rows, "protected").write_csv(tmp_path / "q.csv")
    assert rows_of(path) == rows
    assert dict(scan_file(path, policy).classes) == {"protected-person": 1}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"])
def test_encodings(tmp_path: Path, policy: Policy, encoding: str) -> None:
    rows = [
        ["Número A", "Apellidos", "Nombre", "Motivo"],
        ["A212345678", "PÉREZ NÚÑEZ", "José", "Asilo"],
        ["A213456789", "GARCÍA", "María", "Miedo creíble"],
    ]
    path = tabular.Case("enc", rows, "protected").write_csv(tmp_path / "enc.csv", encoding=encoding)
    assert rows_of(path) == rows
    report = scan_file(path, policy)
    assert (report.format, dict(report.classes)) == ("csv", {"protected-person": 2})


def test_a_stray_byte_does_not_hide_a_name(tmp_path: Path) -> None:
    """UTF-8 with one Windows-1252 byte: the byte is read as cp1252, nothing is lost."""
    path = tmp_path / "mixed.csv"
    path.write_bytes("Name,Claim\nJosé Pérez,Asylum\n".encode() + b"Ren\xe9 Dubois,CAT\n")
    assert rows_of(path)[2] == ["René Dubois", "CAT"]


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"], ids=["crlf", "lf", "cr"])
def test_line_endings(tmp_path: Path, policy: Policy, newline: str) -> None:
    case = tabular.detainee_sheet(9)
    path = case.write_csv(tmp_path / "nl.csv", newline=newline)
    assert dict(scan_file(path, policy).classes) == {"protected-person": 9}


def test_without_a_header_row(tmp_path: Path, policy: Policy) -> None:
    case = tabular.detainee_sheet(8, header=False)
    path = case.write_csv(tmp_path / "noheader.csv")
    report = scan_file(path, policy)
    assert (report.verdict, dict(report.classes)) == ("protected", {"protected-person": 8})


def test_title_lines_above_the_header_govern_the_table(tmp_path: Path, policy: Policy) -> None:
    persons = people(4, seed=31)
    rows = [
        ["Credible fear referrals, FY2022", "", ""],
        ["", "", ""],
        ["A-Number", "Name", "Facility"],
        *[[p.a_number, p.name, p.facility] for p in persons],
    ]
    path = tabular.Case("title", rows, "protected").write_csv(tmp_path / "t.csv")
    report = scan_file(path, policy)
    assert dict(report.classes) == {"protected-person": 4}
    contexts = [f for f in report.findings if f.location.get("context") == "title"]
    assert [(f.detector, f.sample, f.count) for f in contexts] == [
        ("protection-claim", "credible fear", 4)
    ]


def test_ragged_rows(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text(
        "A-Number,Name,Claim Type\n"
        + "".join(f"A2{i:02}345678,Juan Perez,Removal\n" for i in range(30))
        + "A212345678,Juan Perez\nA213456789\nA214567890,Ana Ruiz,Asylum,extra,cells\n"
    )
    report = scan_file(path, policy)
    assert (report.format, report.verdict) == ("csv", "protected")


def test_ragged_lines_are_not_a_table_but_are_still_read(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text(
        "A-Number,Name,Claim Type\nA212345678,Juan Perez\nA213456789\n"
        "A214567890,Ana Ruiz,Asylum,extra,cells\n"
    )
    report = scan_file(path, policy)
    assert (report.format, report.verdict) == ("text", "protected")


@pytest.mark.parametrize(
    ("content", "accepted"),
    [
        (b"a,b\n1,2\n", True),
        (b"a\tb\n1\t2\n", True),
        ("A#\tName\tClaim\n".encode("utf-16") * 5, True),  # Excel "Unicode text"
        (b"A#|Name|Claim\nA212345678|Juan Perez|CAT\nx|y|z\n", True),
        (b"Dear all, thanks for coming, see you soon.\nBest, J.\n", False),
        (b"Dear all, thanks.\nBest, J.\n", False),  # prose commas have a space after them
        (b"| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n| 5 |\n# Notes\n", False),
        (bytes(range(256)) * 4, False),
        (b"a,b,c\n1,2,3\n4,5,6\n" + bytes(range(256)) * 4, True),  # a table, then anything
        (b"%PDF-1.4\n%x\n" + bytes(range(256)) * 4, False),
    ],
)
def test_accepts_by_content_alone(content: bytes, accepted: bool) -> None:
    assert READER.accepts(probe_of(content)) is accepted


def test_only_the_whole_file_may_be_two_lines(tmp_path: Path) -> None:
    two = b"a,b,c\n1,2,3\n"
    assert READER.accepts(probe_of(two))
    # The same two lines at the head of a longer, ragged file are not enough to call it a table.
    assert not READER.accepts(probe_of(two + b"x" * 9000))


def test_a_field_longer_than_the_bound_names_it(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_bytes(b"a,b,c\n1,2," + b"x" * 5000 + b"\n")
    source = Source(path.name, lambda: path.open("rb"), path.stat().st_size)
    _, table = READER.read(source, Limits(max_string_chars=1000))
    assert isinstance(table, Table)
    bound = r"^a field longer than 1000 characters \(limits.max_string_chars\)$"
    with pytest.raises(Bound, match=bound):
        list(table.rows)


@pytest.mark.parametrize(
    ("sample", "delimiter"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1,5;2,5;3\n", ";"),  # decimal commas
        ("a\tb, c\td\n1\t2\t3\n", "\t"),
        ("a|b|c\n1|2|3\n", "|"),
        ('"x, y";b\n"1, 2";3\n', ";"),
    ],
)
def test_sniff_delimiter(sample: str, delimiter: str) -> None:
    assert sniff_delimiter(sample)[0] == delimiter


def test_a_tsv_named_txt_is_a_table(tmp_path: Path, policy: Policy) -> None:
    case = tabular.detainee_sheet(6)
    path = case.write_csv(tmp_path / "export.txt", delimiter="\t", encoding="utf-16")
    report = scan_file(path, policy)
    assert (report.format, dict(report.classes)) == ("csv", {"protected-person": 6})


def test_memory_does_not_hold_the_file(tmp_path: Path) -> None:
    """Rows are produced lazily: reading the first row does not read the whole file."""
    path = tmp_path / "big.csv"
    with path.open("w") as f:
        f.write("A-Number,Name\n")
        for i in range(200_000):
            f.write(f"A{200000000 + i},Name Number\n")
    source = Source(path.name, lambda: path.open("rb"), path.stat().st_size)
    _, table = READER.read(source, Limits())
    assert isinstance(table, Table)
    rows = iter(table.rows)
    assert next(rows) == ["A-Number", "Name"]
    assert next(rows) == ["A200000000", "Name Number"]


@pytest.mark.parametrize("case", tabular.POSITIVES + tabular.NEGATIVES, ids=lambda c: c.name)
def test_corpus(tmp_path: Path, policy: Policy, case: tabular.Case) -> None:
    report = scan_file(case.write_csv(tmp_path / f"{case.name}.csv"), policy)
    assert (report.verdict, dict(report.classes)) == (case.verdict, case.classes)


# Title and preamble lines above the header, footers below the rows: the table is still read as
# a table under its header, and the lines above govern it as its title.
_CLAIM_TITLE = ["Credible fear referrals — week 45"]
_NEUTRAL_TITLE = ["Weekly list — week 45"]
_REPORT_HEAD = [
    "Credible fear referrals",
    "Run date: 11/08/2024",
    "",
    "Prepared by: Houston office, records unit",
    "",
]


def _titled_csv(
    path: Path, above: list[str], dates: str, footer: list[str], count: int = 6
) -> Path:
    header = ["Name", "A-Number", "Next hearing"] if dates else ["Name", "A-Number"]
    date = {"slash": "11/04/2024", "iso": "2024-11-04", "": ""}[dates]
    rows = [header] + [[p.name, p.a_number, date][: len(header)] for p in people(count, seed=77)]
    body = "".join(",".join(r) + "\r\n" for r in rows)
    path.write_text(
        "".join(f"{line}\r\n" for line in above) + body + "".join(f"{line}\r\n" for line in footer)
    )
    return path


@pytest.mark.parametrize(
    ("above", "dates", "footer", "cls"),
    [
        (_CLAIM_TITLE, "slash", [], "protected-person"),
        (_CLAIM_TITLE, "iso", [], "protected-person"),
        (_CLAIM_TITLE, "", [], "protected-person"),
        (_NEUTRAL_TITLE, "slash", [], "personal-data"),
        (_NEUTRAL_TITLE, "iso", ["Total: 6"], "personal-data"),
        (_REPORT_HEAD, "slash", [], "protected-person"),
        (_REPORT_HEAD, "iso", ["", "Total,6", "End of report"], "protected-person"),
        (["", "", *_CLAIM_TITLE, ""], "slash", ["Page 1 of 1"], "protected-person"),
    ],
    ids=lambda v: v if isinstance(v, str) else str(len(v)),
)
def test_lines_above_the_header_title_the_table(
    tmp_path: Path, policy: Policy, above: list[str], dates: str, footer: list[str], cls: str
) -> None:
    path = _titled_csv(tmp_path / "t.csv", above, dates, footer)
    report = scan_file(path, policy)
    assert (report.format, dict(report.classes)) == ("csv", {cls: 6})
    found = {f.detector for f in report.findings}
    assert {"person-name", "a-number"} <= found
    assert ("protection-claim" in found) is (cls == "protected-person")
    columns = {f.location.get("header") for f in report.findings if f.detector == "a-number"}
    assert columns == {"A-Number"}  # read under its header, not as lines of text


def test_sniff_layout_counts_the_lines_above_the_table() -> None:
    sample = (
        "Credible fear referrals\r\n\r\nPrepared by: J, K\r\nA,B,C\r\n1,2,3\r\n4,5,6\r\nTotal\r\n"
    )
    assert sniff_layout(sample) == (",", 1.0, 3, 3)


def test_the_lines_above_the_table_are_read_as_text_too(tmp_path: Path, policy: Policy) -> None:
    # Whatever the title lines say counts: a person named there is a person of the file.
    (extra,) = people(1, seed=78)
    above = [f"Re: {extra.last_first} {extra.a_number} and others", *_CLAIM_TITLE]
    path = _titled_csv(tmp_path / "t.csv", above, "slash", [])
    report = scan_file(path, policy)
    assert (report.format, dict(report.classes)) == ("csv", {"protected-person": 7})


def test_a_title_line_and_ragged_rows_are_still_read_as_text(
    tmp_path: Path, policy: Policy
) -> None:
    # Not a table by any delimiter: the lines are read as text, and what they hold counts.
    persons = people(4, seed=79)
    lines = [*_CLAIM_TITLE, "Name,A-Number,Next hearing"]
    lines += [f"{p.name},{p.a_number},11/04/2024{',x' * n}" for n, p in enumerate(persons)]
    path = tmp_path / "ragged.csv"
    path.write_text("\n".join(lines) + "\n")
    report = scan_file(path, policy)
    assert (report.format, dict(report.classes)) == ("text", {"protected-person": 4})


def test_zero_width_characters_in_cells_hide_nothing(tmp_path: Path, policy: Policy) -> None:
    # Shown the same as the plain text, so read the same: as prose is (``textio.visible``).
    persons = people(5, seed=80)
    rows = [["Name", "A-Number", "Claim"]]
    rows += [[p.name, p.a_number, "Asylum"] for p in persons]
    text = "".join(",".join(r) + "\r\n" for r in rows)
    path = tmp_path / "zw.csv"
    path.write_text("".join(ch + "\u200b" if ch.isalnum() else ch for ch in text))
    report = scan_file(path, policy)
    assert (report.format, dict(report.classes)) == ("csv", {"protected-person": 5})


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"], ids=["crlf", "lf", "cr"])
@pytest.mark.parametrize("shift", [0, 1, 2])
def test_lines_read_in_chunks_are_the_lines(newline: str, shift: int) -> None:
    # A chunk may end between the "\r" and the "\n" of a line break: still one line break.
    first = "x" * (_CHUNK_CHARS - 1 - shift) + newline  # its break at the chunk's end
    text = first + "".join(f"\u200bx{n},y{newline}" for n in range(5))
    expected = list(io.StringIO(text.replace("\u200b", ""), newline=""))
    assert list(_visible_lines(io.StringIO(text, newline=""))) == expected
