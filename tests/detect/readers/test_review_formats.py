"""Fail-opens an attacker review found in the data-format readers, by class, each with a clean
control: CSV formulas, weekday dates and quoted commas, JSON duplicate keys, padding and
garbage between compressed streams, transfer-encoded attached messages, mbox separators
without a blank line, and names in archive headers cut into words."""

from __future__ import annotations

import base64
import bz2
import csv
import gzip
import io
import json
import lzma
import quopri
import struct
import tarfile
import time
import zlib
from pathlib import Path

import pytest

from approval.detect.detectors import Element
from approval.detect.detectors.birthdate import parse_date
from approval.detect.readers._formulas import typed
from approval.detect.readers._names import name_words
from approval.detect.readers.csv import is_tabular
from approval.detect.readers.gzip import READER as GZIP
from approval.detect.readers.json import JsonReader, pairs
from approval.detect.readers.mbox import READER as MBOX
from approval.detect.readers.tar import READER as TAR
from approval.detect.report import FileReport
from approval.detect.scan import scan_file
from approval.detect.units import Limits, Records, Source, Text, Unit
from approval.policy import Policy
from tests.corpus.people import Person, people

P = people(10)
HEADER = ["Name", "A-Number", "DOB", "Nationality", "Facility", "Claim"]


def table(sep: str = ",") -> str:
    rows = [HEADER] + [
        [p.name, p.a_number, p.birthdate.isoformat(), p.nationality, p.facility, p.claim] for p in P
    ]
    return "\n".join(sep.join(r) for r in rows) + "\n"


def scan(tmp_path: Path, policy: Policy, name: str, data: bytes | str) -> FileReport:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return scan_file(path, policy)


def unread(report: FileReport) -> list[str]:
    return [p.part for p in report.unread if p.blocks]


def units_of(reader: object, data: bytes, name: str = "f") -> list[Unit]:
    """The reader's units, each consumed before the next is asked for (units are lazy)."""
    source = Source(name=name, open=lambda: io.BytesIO(data), size=len(data))
    out: list[Unit] = []
    for unit in reader.read(source, Limits()):  # type: ignore[attr-defined]
        if isinstance(unit, Records):
            unit.records = list(unit.records)
        elif isinstance(unit, Text):
            unit.lines = list(unit.lines)
        out.append(unit)
    return out


def text_lines(units: list[Unit]) -> list[str]:
    return [line for u in units if isinstance(u, Text) for line in u.lines]


# ---------------------------------------------------------------------------------------------
# 1. Formulas in CSV cells


@pytest.mark.parametrize(
    ("cell", "shown", "unread"),
    [
        ("=CHAR(65)&218343183", "A218343183", False),
        ('="R"&"uby Stephens"', "Ruby Stephens", False),
        ('+CHAR(65)&"1"', "A1", False),
        ('@LOWER("CREDIBLE FEAR")', "credible fear", False),
        ('=CONCAT("A";218343183)', "A218343183", False),  # LibreOffice's argument separator
        ('="00123"', "00123", False),  # the usual way to keep leading zeros
        ("=A2&B2", "=A2&B2", True),  # a join of cells this reader has no value for
        ('=TEXT(A2,"0")', '=TEXT(A2,"0")', True),
        ('=x?"', '=x?"', True),  # no formula this module parses, with a literal in it
        # Not formulas, or formulas that show only a number or another cell's value.
        ("-5", None, False),
        ("+1 555 0100", None, False),
        ("+44 (0) 20 7946 0958", None, False),
        ("-(555) 010-0100", None, False),
        ("@handle", None, False),
        ("=", None, False),
        ("=SUM(A1:A3)", None, False),
        ("=A2", None, False),
        ("- Smith & Co (urgent)", None, False),
        ("-Ruby Stephens", None, False),
        ("Ruby Stephens", None, False),
    ],
)
def test_what_a_spreadsheet_shows_for_a_csv_cell(
    cell: str, shown: str | None, unread: bool
) -> None:
    found = typed(cell)
    if shown is None:
        assert found is None
    else:
        assert found is not None and (found.shown, found.unread) == (shown, unread)


def test_a_formula_too_long_to_take_apart_blocks() -> None:
    found = typed("+" + "&".join(['"a"'] * 3000))
    assert found is not None and found.unread
    assert typed("- Smith & Co's (urgent)?") is None  # no formula: text as typed


def formula_csv(p: list[Person]) -> str:
    return "Client,Ref,Born\n" + "".join(
        f'"=""{x.first} ""&""{x.last}""","=CHAR(65)&{x.a_number[1:]}",{x.birthdate}\n' for x in p
    )


def test_names_and_a_numbers_built_by_formulas_are_read(tmp_path: Path, policy: Policy) -> None:
    report = scan(tmp_path, policy, "f.csv", formula_csv(P))
    assert (report.format, report.verdict) == ("csv", "protected")
    assert report.persons == len(P)


def test_a_link_shows_its_friendly_name(tmp_path: Path, policy: Policy) -> None:
    # ``HYPERLINK`` shows its name (else its address): a statistics table of sources is
    # clean, and a name written into a link's friendly name is read.
    def written(rows: list[list[str]]) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        return out.getvalue()

    sources = [
        ["Source", "Table", "Count"],
        ['=HYPERLINK("https://www.dhs.gov/ohss/topics/immigration","OHSS")', "Arrests", "5"],
        ['=HYPERLINK("https://www.uscis.gov/tools/reports-and-studies")', "Receipts", "7"],
    ]
    report = scan(tmp_path, policy, "s.csv", written(sources))
    assert (report.format, report.verdict) == ("csv", "clean"), report.reason
    people = [["Case", "Link", "Claim"]] + [
        [str(n), f'=HYPERLINK("https://example.org/{n}","{p.name} {p.a_number}")', p.claim]
        for n, p in enumerate(P)
    ]
    report = scan(tmp_path, policy, "p.csv", written(people))
    assert (report.format, report.verdict) == ("csv", "protected"), report.reason


def test_tsv_formulas_in_libreoffice_syntax_are_read(tmp_path: Path, policy: Policy) -> None:
    data = "Client\tRef\tStatus\n" + "".join(
        f'="{p.first[0]}"&"{p.first[1:]} {p.last}"\t=CONCAT("A";{p.a_number[1:]})'
        f'\t=LOWER("{p.claim.upper()}")\n'
        for p in P
    )
    assert scan(tmp_path, policy, "f.tsv", data).verdict == "protected"


def test_formulas_far_into_a_large_csv_are_read(tmp_path: Path, policy: Policy) -> None:
    # Cells are looked at only in rows parsed from a chunk of text (1 MiB) that may hold a
    # formula: formulas after two clean MiB, and across the chunks' boundaries, are read.
    filler = "".join(f"r{i},{i % 97},steady,ok\n" for i in range(120_000))
    assert len(filler) > 2 << 20
    formulas = "".join(
        f'"=""{p.first} ""&""{p.last}""","=CHAR(65)&{p.a_number[1:]}",{p.birthdate},x\n' for p in P
    )
    report = scan(tmp_path, policy, "big.csv", "Client,Ref,Born,Note\n" + filler + formulas)
    assert (report.format, report.verdict) == ("csv", "protected")


def test_a_formula_over_several_lines_of_a_quoted_cell_is_read(
    tmp_path: Path, policy: Policy
) -> None:
    data = "Client,Ref,Claim\n" + "".join(
        f'"+""{p.first} ""\n&""{p.last}""","+""A""\n&{p.a_number[1:]}",{p.claim}\n' for p in P
    )
    report = scan(tmp_path, policy, "m.csv", data)
    assert (report.verdict, report.persons) == ("protected", len(P))


def test_a_formula_that_may_build_text_blocks(tmp_path: Path, policy: Policy) -> None:
    data = "First,Last,Shown\n" + "".join(
        f"{p.first[:2]},{p.first[2:]},=A{i + 2}&B{i + 2}\n" for i, p in enumerate(P)
    )
    report = scan(tmp_path, policy, "f.csv", data)
    assert report.verdict == "unscannable"
    assert unread(report) == ["formulas"]


def test_formula_literals_are_read_beside_the_value(tmp_path: Path, policy: Policy) -> None:
    # LEFT(..., 0) shows nothing; the formula bar shows the literal.
    data = "Item,Note\n" + "".join(
        f'x{i},"=LEFT(""{p.name} {p.a_number} {p.claim}"",0)"\n' for i, p in enumerate(P)
    )
    report = scan(tmp_path, policy, "f.csv", data)
    assert report.verdict == "protected"
    assert any(p.part.endswith("formula literals") for p in report.coverage)


def test_ordinary_numbers_phones_and_handles_stay_clean(tmp_path: Path, policy: Policy) -> None:
    data = (
        "Item,Change,Phone,Contact,Total,Note\n"
        "Widget,-5,+1 555 0100,@acme,=SUM(B2:B4),=\n"
        "Gadget,+3,+44 (0) 20 7946 0958,@acme-support,=B2+B3,- see the summary\n"
        'Sprocket,-0.25,-(555) 010-0100,@ops,"=ROUND(B4,1)","- Smith & Co"\n'
    )
    report = scan(tmp_path, policy, "c.csv", data)
    assert (report.format, report.verdict, unread(report)) == ("csv", "clean", [])
    assert not any("formula" in p.part for p in report.coverage)


# ---------------------------------------------------------------------------------------------
# 2. Birthdates with a weekday; quoted commas in a two-column CSV


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Wednesday, March 14, 1999", "1999-03-14"),
        ("Wed 14/03/1999", "1999-03-14"),
        ("Thu, 14 Mar 1999", "1999-03-14"),
        ("miércoles, 14 de marzo de 1999", "1999-03-14"),
        ("sábado 1 de mayo de 1982", "1982-05-01"),
        ("Mar 14, 1999", "1999-03-14"),  # "mar" is a month and a weekday (martes)
        ("Sunday", None),
        ("Ruby Stephens", None),
        ("Wednesday, Ruby", None),
    ],
)
def test_dates_with_a_weekday(text: str, iso: str | None) -> None:
    day = parse_date(text)
    assert (day.isoformat() if day else None) == iso


def test_a_labelled_weekday_date_in_prose(detectors: dict[str, Element]) -> None:
    found = detectors["birthdate"].find("DOB: Wednesday, March 14, 1999. Seen on Monday.")
    assert [f.value for f in found] == ["1999-03-14"]


@pytest.mark.parametrize(
    "line", ['"{name}","{long}"', '"{name}",{short}', '"{name}",{ref},"{long}"']
)
def test_weekday_birthdates_in_a_csv(tmp_path: Path, policy: Policy, line: str) -> None:
    rows = "".join(
        line.format(
            name=p.name,
            long=p.birthdate.strftime("%A, %B %d, %Y"),
            short=p.birthdate.strftime("%a %d/%m/%Y"),
            ref=p.a_number[1:],
        )
        + "\n"
        for p in P
    )
    header = "Client,Ref,Born\n" if "{ref}" in line else "Client,Born\n"
    report = scan(tmp_path, policy, "d.csv", header + rows)
    assert (report.format, report.verdict) == ("csv", "protected")


def test_quoted_commas_do_not_make_a_table_prose() -> None:
    quoted = "Client,Born\n" + "".join(
        f'"{p.name}","{p.birthdate.strftime("%A, %B %d, %Y")}"\n' for p in P
    )
    assert is_tabular(quoted, whole=True)
    assert not is_tabular("Dear all, thanks.\nBest, J.\nSee you, then.\n", whole=True)


# ---------------------------------------------------------------------------------------------
# 3. JSON duplicate keys


def duplicated(p: Person) -> str:
    return (
        f'{{"name": {json.dumps(p.name)}, "a_number": "{p.a_number}", "dob": "{p.birthdate}",'
        f' "claim": {json.dumps(p.claim)}, "name": "", "a_number": "", "dob": "", "claim": ""}}'
    )


def test_every_value_of_a_repeated_key_is_kept() -> None:
    obj = pairs([("a", 1), ("a (2)", 2), ("a", 3), ("b", 4)])
    assert obj == {"a": 1, "a (2)": 2, "a (3)": 3, "b": 4}


@pytest.mark.parametrize("shape", ["array", "ndjson", "top"])
def test_duplicate_keys_are_read(tmp_path: Path, policy: Policy, shape: str) -> None:
    if shape == "array":
        data = "[" + ",\n".join(map(duplicated, P)) + "]"
    elif shape == "ndjson":
        data = "\n".join(map(duplicated, P)) + "\n"
    else:
        data = (
            "{"
            + ",\n".join(
                f'"record": {{"name": {json.dumps(p.name)}, "a_number": "{p.a_number}",'
                f' "dob": "{p.birthdate}", "claim": {json.dumps(p.claim)}}}'
                for p in P
            )
            + ',\n"record": null}'
        )
    report = scan(tmp_path, policy, "d.json", data)
    assert (report.format, report.verdict) == ("json", "protected")


def test_duplicate_keys_are_read_when_streamed() -> None:
    # An object too large to parse whole is walked key by key: a repeated key is kept too.
    data = (
        '{"name": "Ruby Stephens", "name": "", "list": [' + ",".join(map(duplicated, P)) + "]}"
    ).encode()
    reader = JsonReader(full_load_bytes=64, element_bytes=256, chunk_bytes=128)
    records = [r for u in units_of(reader, data) if isinstance(u, Records) for r in u.records]
    top = [r for r in records if "name" in r and "a_number" not in r]
    assert top == [{"name": "Ruby Stephens", "name (2)": ""}]
    assert {r["a_number"] for r in records if "a_number" in r} == {p.a_number for p in P}


def test_ordinary_json_stays_clean(tmp_path: Path, policy: Policy) -> None:
    data = json.dumps([{"month": m, "book_ins": 100 + m, "note": "steady"} for m in range(12)])
    report = scan(tmp_path, policy, "c.json", data)
    assert (report.format, report.verdict) == ("json", "clean")


# ---------------------------------------------------------------------------------------------
# 4. Padding and garbage between and after compressed streams


def tarred(data: bytes) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tf:
        info = tarfile.TarInfo("list.csv")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    return out.getvalue()


CSV = table().encode()
CLEAN = b"Month,Book-ins\nOct,120\nNov,95\nDec,101\n"


@pytest.mark.parametrize(
    "data",
    [
        lzma.compress(b"hello\n") + b"\0" * 4 + lzma.compress(CSV),
        lzma.compress(b"") + b"\0" * 8 + lzma.compress(tarred(CSV)),
        bz2.compress(b"hello\n") + b"\0" * 7 + bz2.compress(CSV),
        gzip.compress(b"hello\n") + b"\0" * 5 + gzip.compress(CSV),
    ],
    ids=["xz", "tar.xz", "bz2", "gzip"],
)
def test_a_stream_after_padding_is_read(tmp_path: Path, policy: Policy, data: bytes) -> None:
    assert scan(tmp_path, policy, "p", data).verdict == "protected"


@pytest.mark.parametrize(
    ("data", "part"),
    [
        (lzma.compress(CLEAN) + b"\0" * 4 + b"Ruby Stephens A218343183", "after the xz streams"),
        (bz2.compress(CLEAN) + b"garbage", "after the bzip2 streams"),
        (gzip.compress(CLEAN) + b"\0\0garbage", "after the gzip members"),
    ],
    ids=["xz", "bz2", "gzip"],
)
def test_bytes_after_the_streams_block(
    tmp_path: Path, policy: Policy, data: bytes, part: str
) -> None:
    report = scan(tmp_path, policy, "g", data)
    assert report.verdict == "unscannable"
    assert unread(report) == [part]


@pytest.mark.parametrize(
    "data",
    [
        lzma.compress(CLEAN),
        lzma.compress(CLEAN) + b"\0" * 8,
        lzma.compress(CLEAN[:20]) + lzma.compress(CLEAN[20:]),
        bz2.compress(CLEAN) + bz2.compress(CLEAN),
        gzip.compress(CLEAN) + b"\0" * 512,
    ],
    ids=["xz", "xz-padded", "xz-two", "bz2-two", "gzip-padded"],
)
def test_ordinary_streams_stay_clean(tmp_path: Path, policy: Policy, data: bytes) -> None:
    report = scan(tmp_path, policy, "c", data)
    assert (report.verdict, unread(report)) == ("clean", [])


# ---------------------------------------------------------------------------------------------
# 5. Attached messages and multiparts sent with a transfer encoding


def mail(part: str) -> bytes:
    return (
        "From: a@b.c\r\nTo: d@e.f\r\nSubject: fwd\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="XX"\r\n\r\n'
        "--XX\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--XX\r\n" + part + "\r\n--XX--\r\n"
    ).encode()


INNER_B64 = (
    "From: a@b.c\r\nSubject: list\r\nContent-Type: text/csv\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(CSV).decode()
)
INNER_PLAIN = "From: a@b.c\r\nSubject: list\r\nContent-Type: text/plain\r\n\r\n" + table()
NESTED_MULTIPART = (
    "--YY\r\nContent-Type: text/plain\r\n\r\nlist below\r\n--YY\r\nContent-Type: text/csv\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(CSV).decode() + "--YY--\r\n"
)


@pytest.mark.parametrize(
    "part",
    [
        "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(INNER_B64.encode()).decode(),
        "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(INNER_PLAIN.encode()).decode(),
        "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + quopri.encodestring(INNER_B64.encode()).decode(),
        'Content-Type: multipart/mixed; boundary="YY"\r\nContent-Transfer-Encoding: base64'
        "\r\n\r\n" + base64.encodebytes(NESTED_MULTIPART.encode()).decode(),
    ],
    ids=["rfc822-b64-b64", "rfc822-b64-plain", "rfc822-qp", "multipart-b64"],
)
def test_an_encoded_message_is_decoded_before_it_is_read(
    tmp_path: Path, policy: Policy, part: str
) -> None:
    report = scan(tmp_path, policy, "m.eml", mail(part))
    assert (report.format, report.verdict) == ("eml", "protected")


def test_an_encoded_message_that_does_not_decode_blocks(tmp_path: Path, policy: Policy) -> None:
    part = "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: x-secret\r\n\r\nabcd"
    report = scan(tmp_path, policy, "m.eml", mail(part))
    assert report.verdict == "unscannable"


def test_an_ordinary_attached_message_stays_clean(tmp_path: Path, policy: Policy) -> None:
    inner = "From: a@b.c\r\nSubject: lunch\r\nContent-Type: text/plain\r\n\r\nNoon on Friday?\r\n"
    for part in (
        "Content-Type: message/rfc822\r\n\r\n" + inner,
        "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(inner.encode()).decode(),
    ):
        report = scan(tmp_path, policy, "c.eml", mail(part))
        assert (report.verdict, unread(report)) == ("clean", [])


# ---------------------------------------------------------------------------------------------
# 6. mbox separators without a blank line before them

FIRST = "From a@b.c Mon Jan  1 00:00:00 2026\nFrom: a@b.c\nSubject: x\n\nhello\n"
SECOND = (
    "From b@c.d Mon Jan  1 00:00:00 2026\nFrom: b@c.d\nSubject: y\nMIME-Version: 1.0\n"
    "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
)


def test_a_separator_right_after_a_body_line_starts_a_message(
    tmp_path: Path, policy: Policy
) -> None:
    data = (FIRST + SECOND + base64.encodebytes(CSV).decode() + "\n").encode()
    parts = [u.part for u in units_of(MBOX, data) if hasattr(u, "part") and u.part]
    assert "message 2" in parts
    assert scan(tmp_path, policy, "box.mbox", data).verdict == "protected"


@pytest.mark.parametrize("gap", ["", "\n"])
def test_an_ordinary_mbox_stays_clean(tmp_path: Path, policy: Policy, gap: str) -> None:
    data = (FIRST + gap + SECOND + base64.encodebytes(CLEAN).decode() + "\n").encode()
    messages = [u for u in units_of(MBOX, data) if getattr(u, "kind", "") == "message"]
    assert len(messages) == 2
    # The blank line before a separator belongs to it, not to the message before.
    assert messages[0].bytes == len(FIRST.split("\n", 1)[1])  # type: ignore[union-attr]
    assert scan(tmp_path, policy, "c.mbox", data).verdict == "clean"


# ---------------------------------------------------------------------------------------------
# 7. Names in tar headers and in the gzip file name, cut into words as ZIP member names are

NAMES = [
    f"{p.first}_{p.last}_{p.a_number}_{p.birthdate}_{p.nationality}_{p.claim.replace(' ', '_')}"
    for p in P
]


def test_name_words() -> None:
    assert name_words("Stephens_Ruby/A218343183_I-589.pdf") == "Stephens Ruby A218343183 I-589.pdf"


def tar_of(kind: str, names: list[str]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tf:
        for k, n in enumerate(names):
            if kind == "file":
                info = tarfile.TarInfo(n + ".txt")
                tf.addfile(info, io.BytesIO(b""))
            elif kind == "dir":
                info = tarfile.TarInfo(n + "/")
                info.type = tarfile.DIRTYPE
                tf.addfile(info)
            else:
                info = tarfile.TarInfo(f"l{k}")
                info.type = tarfile.SYMTYPE
                info.linkname = n
                tf.addfile(info)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["file", "dir", "link"])
def test_tar_names_and_link_targets_are_cut_into_words(
    tmp_path: Path, policy: Policy, kind: str
) -> None:
    data = tar_of(kind, NAMES)
    lines = text_lines(units_of(TAR, data))
    assert name_words(NAMES[0]) in " ".join(lines)
    assert not any("_" in line for line in lines)
    assert scan(tmp_path, policy, "n.tar", data).verdict == "protected"


def test_ordinary_tar_names_stay_clean(tmp_path: Path, policy: Policy) -> None:
    data = tar_of("file", ["monthly_stats_2026_01", "monthly_stats_2026_02", "read_me"])
    assert scan(tmp_path, policy, "c.tar", data).verdict == "clean"


def gzip_named(name: str, data: bytes) -> bytes:
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = deflate.compress(data) + deflate.flush()
    header = b"\x1f\x8b\x08\x08\0\0\0\0\0\xff" + name.encode("latin-1", "replace") + b"\0"
    return header + body + struct.pack("<II", zlib.crc32(data), len(data))


def test_the_gzip_file_name_is_cut_into_words(tmp_path: Path, policy: Policy) -> None:
    data = gzip_named(NAMES[0] + ".csv", b"hello\n")
    assert text_lines(units_of(GZIP, data)) == [name_words(NAMES[0] + ".csv")]
    assert scan(tmp_path, policy, "n.gz", data).verdict == "protected"
    clean = gzip_named("monthly_stats_2026.csv", b"hello\n")
    assert scan(tmp_path, policy, "c.gz", clean).verdict == "clean"


def first_free(items: list[str]) -> list[str]:
    """The names a repeated key is given, counted from 2 for every copy (the reference)."""
    seen: set[str] = set()
    out = []
    for key in items:
        name, number = key, 1
        while name in seen:
            number += 1
            name = f"{key} ({number})"
        seen.add(name)
        out.append(name)
    return out


def test_repeated_keys_are_named_as_counting_from_two() -> None:
    # Real keys spelled like the names copies are given ("a (3)", "a (2) (2)") are passed over.
    keys = ["a", "a (3)", "a", "a", "a", "a (2)", "a (2)", "b", "a (2) (2)", "a (2)", "a", "b"]
    items = [(key, i) for i, key in enumerate(keys)]
    assert list(pairs(items)) == first_free(keys)
    assert list(pairs(items)) == [
        "a", "a (3)", "a (2)", "a (4)", "a (5)", "a (2) (2)", "a (2) (3)", "b",
        "a (2) (2) (2)", "a (2) (4)", "a (6)", "b (2)",
    ]  # fmt: skip


@pytest.mark.parametrize("streamed", [False, True])
def test_thousands_of_copies_of_a_key_are_named_in_linear_time(
    tmp_path: Path, policy: Policy, streamed: bool
) -> None:
    # Counting each copy's name from 2 took n²/2 steps: 5,000 copies took seconds (32,000: 70).
    p = P[0]
    data = (
        "{"
        + '"a": 0,' * 5000
        + f'"name": {json.dumps(p.name)}, "a_number": "{p.a_number}", "dob": "{p.birthdate}"}}'
    )
    start = time.monotonic()
    if streamed:
        reader = JsonReader(full_load_bytes=64, element_bytes=256, chunk_bytes=4096)
        units = units_of(reader, data.encode())
        records = [r for u in units if isinstance(u, Records) for r in u.records]
        assert [r["a_number"] for r in records if "a_number" in r] == [p.a_number]
        assert "a (5000)" in records[0]
    else:
        report = scan(tmp_path, policy, "d.json", data)
        assert (report.format, report.verdict) == ("json", "protected")
    assert time.monotonic() - start < 2
