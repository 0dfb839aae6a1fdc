"""The RTF reader: text decoded as Word decodes it, tables as tables, revisions as Word shows
them, non-content groups skipped, embedded objects failing closed. Files are made here by code."""

from __future__ import annotations

import gzip
import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from approval.detect.readers.rtf import READER
from approval.detect.report import FileReport
from approval.detect.scan import scan_file
from approval.detect.units import (
    Limits,
    Nested,
    Part,
    Probe,
    Source,
    Table,
    Text,
    Unit,
    Unscannable,
)
from approval.policy import Policy
from tests.corpus.inject.package import png

HEADER = ["Name", "DOB", "Nationality", "Claim"]
PERSONS = [
    ["Асылбек Нурланов", "1990-03-04", "Russia", "credible fear"],
    ["Gülnara Isaeva", "1985-11-02", "Kazakhstan", "asylum"],
    ["Dmitri Volkov", "1979-07-21", "Russia", "credible fear"],
]
PROLOGUE = (
    "{\\rtf1\\ansi\\ansicpg1252\\uc1\\deff0{\\fonttbl{\\f0\\froman\\fcharset0 Times;}"
    "{\\f1\\fswiss\\fcharset204 Arial Cyr;}}{\\colortbl;\\red0\\green0\\blue0;}"
    "{\\stylesheet{\\s0 Normal;}}{\\*\\revtbl{Unknown;}{Reviewer One;}}"
)


def word_escape(text: str) -> str:
    """Non-ASCII as Word writes it: \\'hh in cp1252 where it can, else \\uN with a ? fallback."""
    out = []
    for ch in text:
        if ord(ch) < 128:
            out.append(ch)
        elif ch.encode("cp1252", "ignore"):
            out.append(f"\\'{ch.encode('cp1252')[0]:02x}")
        else:
            out.append(f"\\u{ord(ch) if ord(ch) < 32768 else ord(ch) - 65536}\\'3f")
    return "".join(out)


def table_rtf(rows: list[list[str]], split: bool = False) -> bytes:
    body = PROLOGUE + "{\\insrsid1 Credible fear referrals, FY2022}\\par\n"
    for row in rows:
        body += "\\trowd" + "".join(f"\\cellx{1500 * (k + 1)}" for k in range(len(row)))
        body += "\\pard\\intbl "
        for value in row:
            if split:  # a later edit session's group in the middle of the value
                half = len(value) // 2
                value = (
                    word_escape(value[:half]) + "}{\\rtlch\\insrsid7 " + word_escape(value[half:])
                )
            else:
                value = word_escape(value)
            body += f"{{\\rtlch\\fcs1 \\insrsid1 {value}}}{{\\insrsid1 \\cell }}"
        body += "{\\insrsid1 \\trowd \\row }\n"
    return (body + "\\pard After the table.\\par}").encode("ascii")


def units_of(data: bytes) -> list[Unit]:
    return list(READER.read(Source("x", lambda: io.BytesIO(data), len(data)), Limits()))


def tables(units: list[Unit]) -> list[list[list[object]]]:
    return [[list(row) for row in unit.rows] for unit in units if isinstance(unit, Table)]


def text(units: list[Unit], part: str | None = None) -> list[str]:
    return [
        line
        for unit in units
        if isinstance(unit, Text) and unit.where.part == part
        for line in unit.lines
    ]


def scan(tmp_path: Path, policy: Policy, data: bytes, name: str = "x.rtf") -> FileReport:
    path = tmp_path / name
    path.write_bytes(data)
    return scan_file(path, policy)


@pytest.mark.parametrize("split", [False, True])
def test_a_word_table_decodes_to_rows(split: bool) -> None:
    units = units_of(table_rtf([HEADER, *PERSONS], split))
    assert tables(units) == [[HEADER, *PERSONS]]
    body = text(units)
    assert body.index("Credible fear referrals, FY2022") < body.index("After the table.")
    assert all("Times" not in line and "Normal" not in line for line in body)  # tables skipped
    # ... from the body: their text is hidden text (a reviewer's name, a style's)
    assert {"Times;", "Normal;", "Reviewer One;"} <= set(text(units, "hidden text"))


@pytest.mark.parametrize("split", [False, True])
def test_the_table_is_protected_as_the_same_rows_in_csv(
    tmp_path: Path, policy: Policy, split: bool
) -> None:
    report = scan(tmp_path, policy, table_rtf([HEADER, *PERSONS], split), "table.doc")
    assert (report.verdict, report.format.split("+")[0]) == ("protected", "rtf")
    assert report.classes["protected-person"] == 3


def test_code_pages_follow_the_font_and_the_document() -> None:
    # \f1 is a Cyrillic font (fcharset204 -> cp1251); \'c8 there is И, in cp1252 it is È.
    data = (PROLOGUE + "{\\f1 \\'c8\\'e2\\'e0\\'ed} {\\'c8}\\par"
            "\\uc2 \\u1040\\'3f\\'3f\\uc1 \\u-10179?\\u-8704? B\\par}").encode()  # fmt: skip
    assert text(units_of(data))[:3] == ["Иван È", "", "А\U0001f600 B"]
    cp1251 = b"{\\rtf1\\ansi\\ansicpg1251 \\'c8\\'e2\\'e0\\'ed\\par}"
    assert text(units_of(cp1251))[0] == "Иван"


def test_a_code_point_past_the_last_one_is_no_character() -> None:
    # chr() raised for them (ValueError, OverflowError): the file was blocked for that alone.
    data = b"{\\rtf1 a\\u1114112? b\\u9999999999? c\\par}"
    assert text(units_of(data))[0] == "a\ufffd b\ufffd c"


def test_revisions_read_as_word_shows_them_and_deletions_too() -> None:
    data = (
        PROLOGUE + "Juan {\\deleted\\revauth1 Pedro }{\\revised\\revauth1 Perez}, A212345678\\par}"
    ).encode()
    units = units_of(data)
    assert text(units)[0] == "Juan Perez, A212345678"
    assert text(units, "revisions") == ["Juan Pedro , A212345678"]


def test_properties_fields_and_ignorable_groups_are_read_as_hidden_text() -> None:
    data = (
        PROLOGUE + "{\\info{\\title Case list}{\\author Ana Ruiz}}"
        "{\\field{\\*\\fldinst MERGEFIELD A212345678}{\\fldrslt shown}}"
        "{\\*\\mydata Juan Perez}\\par}"
    ).encode()
    units = units_of(data)
    assert text(units)[0] == "shown"
    hidden = text(units, "hidden text")
    assert {"Case list", "Ana Ruiz", "MERGEFIELD A212345678", "Juan Perez"} <= set(hidden)


def test_pictures_do_not_block_but_embedded_objects_do(tmp_path: Path, policy: Policy) -> None:
    picture = (PROLOGUE + "Monthly statistics.\\par{\\*\\shppict{\\pict\\pngblip "
               + png().hex() + "}}\\par}").encode()  # fmt: skip
    units = units_of(picture)
    assert any(isinstance(u, Part) and u.kind == "image" and not u.blocks for u in units)
    assert scan(tmp_path, policy, picture).verdict == "clean"
    embedded = (PROLOGUE + "{\\object\\objemb{\\*\\objclass Excel.Sheet.12}"
                "{\\*\\objdata 01050000020000000b000000457863656c2e5368656574}"
                "{\\result Chart}}\\par}").encode()  # fmt: skip
    report = scan(tmp_path, policy, embedded)
    assert report.verdict == "unscannable"
    assert "embedded object" in (report.reason or "")


def test_raw_binary_outside_a_picture_blocks(tmp_path: Path, policy: Policy) -> None:
    data = PROLOGUE.encode() + b"{\\bin6 \x00\xffJuan} text\\par}"
    units = units_of(data)
    assert any(isinstance(u, Part) and u.read == "unread" and u.blocks for u in units)
    assert text(units)[0] == "text"
    assert scan(tmp_path, policy, data).verdict == "unscannable"


@pytest.mark.parametrize(
    "data",
    [b"{\\rtf1 Juan Perez {\\b A212345678\\par}", b"{\\rtf1 {x}"],
)
def test_unbalanced_groups_are_unscannable(data: bytes) -> None:
    with pytest.raises(Unscannable, match="corrupt"):
        units_of(data)


def test_text_after_the_last_group_is_read_as_a_file_of_its_own(
    tmp_path: Path, policy: Policy
) -> None:
    data = b"{\\rtf1 Title\\par}\nJuan Perez A212345678, asylum}"
    units = units_of(data)
    assert [u.source.open().read() for u in units if isinstance(u, Nested)] == [
        b"\nJuan Perez A212345678, asylum}"
    ]
    assert "Juan Perez A212345678" not in " ".join(text(units))  # not the document's text
    assert scan(tmp_path, policy, data).verdict == "protected"
    padded = b"{\\rtf1 Title\\par}\r\n\x00"  # white space, a C string's end: nothing
    assert not any(isinstance(u, Nested) for u in units_of(padded))


@pytest.mark.parametrize(
    ("head", "accepted"),
    [(b"{\\rtf1\\ansi x}", True), (b"\r\n{\\rtf1 x}", True), (b"{\\rt", False), (b"rtf", False)],
)
def test_content_decides_what_is_rtf(head: bytes, accepted: bool) -> None:
    assert READER.accepts(Probe(head=head, size=len(head))) is accepted


SECRET = "Maria Lopez A123456789 asylum"


def table_csv() -> bytes:
    return "\n".join(",".join(row) for row in [HEADER, *PERSONS]).encode()


def without_rtf_syntax(make: object) -> bytes:
    """Compressed bytes holding no brace or backslash: the RTF tokeniser reads them as text."""
    assert callable(make)
    for salt in range(1_000):  # a first line whose length in bits moves everything after it
        data: bytes = make(
            ("\u00e9" * (salt % 9) + " " * (salt // 9) + "\n").encode() + table_csv()
        )
        if not any(c in data for c in b"{}\\"):
            return data
    raise AssertionError("no such payload")


def empty_compound() -> bytes:
    """An OLE2 compound file with nothing in it but its root: Word's data store."""
    free, end = 0xFFFFFFFF, 0xFFFFFFFE
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<109I", header, 76, 0, *[free] * 108)
    fat = struct.pack("<128I", 0xFFFFFFFD, end, *[free] * 126)
    name = "Root Entry".encode("utf-16-le") + b"\0\0"
    root = bytearray(128)
    root[: len(name)] = name
    struct.pack_into("<HBB", root, 64, len(name), 5, 1)
    struct.pack_into("<III", root, 68, free, free, free)
    struct.pack_into("<IQ", root, 116, end, 0)
    return bytes(header) + fat + bytes(root) + bytes(384)


def data_store(native: bytes) -> bytes:
    """An OLE1 embedded object as Word writes its data store: class, topic, item, data."""
    cls = b"Msxml2.SAXXMLReader.6.0\0"
    return (
        b"\x01\x05\x00\x00\x02\x00\x00\x00"
        + struct.pack("<I", len(cls))
        + cls
        + bytes(8)
        + struct.pack("<I", len(native))
        + native
    )


def wmf() -> bytes:
    """A Windows metafile as \\wmetafile8 holds it: the header, then the end record."""
    return struct.pack("<HHHIHIH", 1, 9, 0x300, 12, 0, 3, 0) + struct.pack("<IH", 3, 0)


def test_theme_and_data_store_parts_are_read_as_what_they_are(
    tmp_path: Path, policy: Policy
) -> None:
    theme = io.BytesIO()
    with zipfile.ZipFile(theme, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("theme/theme/theme1.xml", '<a:theme xmlns:a="urn:x" name="Office"/>')
    data = (
        PROLOGUE + "Hello.\\par{\\*\\themedata " + theme.getvalue().hex() + "}"
        "{\\*\\datastore " + data_store(empty_compound()).hex() + "}}"
    ).encode()
    report = scan(tmp_path, policy, data)
    assert report.verdict == "clean", report.reason
    read = {part.part: part.read for part in report.coverage}
    assert read["themedata"] == "parsed" and read["datastore"] == "text"
    assert read["themedata/theme/theme/theme1.xml"] == "parsed"


@pytest.mark.parametrize(
    "store",
    [
        zlib.compress(table_csv()),  # not a data store at all
        data_store(empty_compound() + zlib.compress(table_csv())),  # data after the file
        data_store(empty_compound() + bytes(512)),  # room for a stream
    ],
)
def test_a_data_store_that_holds_anything_is_read_as_a_file(
    tmp_path: Path, policy: Policy, store: bytes
) -> None:
    data = (PROLOGUE + "Hello.\\par{\\*\\datastore " + store.hex() + "}}").encode()
    report = scan(tmp_path, policy, data)
    assert report.verdict == "unscannable"
    assert "datastore" in (report.reason or "")


@pytest.mark.parametrize("compress", [zlib.compress, lambda data: gzip.compress(data, mtime=0)])
def test_compressed_bytes_after_the_document_are_read_not_decoded_as_text(
    tmp_path: Path, policy: Policy, compress: object
) -> None:
    payload = without_rtf_syntax(compress)
    report = scan(tmp_path, policy, b"{\\rtf1 hello\\par}" + payload)
    # gzip is read (and holds the list); a bare zlib stream is a format no reader reads
    assert report.verdict == ("unscannable" if compress is zlib.compress else "protected")


@pytest.mark.parametrize(
    "body",
    [b"hello \x01\x02\x03 world", b"hello \\'01\\'02\\'1f world", b"hello \\u1?\\u2? world"],
)
def test_control_bytes_in_the_text_block(tmp_path: Path, policy: Policy, body: bytes) -> None:
    data = b"{\\rtf1\\ansi " + body + b"\\par}"
    units = units_of(data)
    assert any(isinstance(u, Part) and u.kind == "binary" and u.blocks for u in units)
    assert scan(tmp_path, policy, data).verdict == "unscannable"
    assert scan(tmp_path, policy, b"{\\rtf1\\ansi hello\tworld\\par}").verdict == "clean"


# A list table as Word writes it: a bullet level (\'01 then the Symbol character) and a
# numbered level (\'02 \'00 .: a length, then the level's number placeholder).
BULLETS = "{\\leveltext\\leveltemplateid67698689\\'01\\u-3913 ?;}{\\levelnumbers;}"
NUMBERS = "{\\leveltext\\leveltemplateid67698703\\'02\\'00.;}{\\levelnumbers\\'01;}"


def list_rtf(levels: str, body: str = "Budget approved") -> bytes:
    table = (
        "{\\*\\listtable{\\list\\listtemplateid1{\\listlevel\\levelnfc0\\levelstartat1"
        + levels
        + "\\fi-360\\li720}{\\listname ;}\\listid1}}"
        "{\\*\\listoverridetable{\\listoverride\\listid1\\listoverridecount0\\ls1}}"
    )
    return (
        "{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}{\\f3 Symbol;}}"
        + table
        + f"\nWeekly minutes\\par\n\\pard\\ls1\\ilvl0 {body}\\par\n}}"
    ).encode()


@pytest.mark.parametrize("levels", [BULLETS, NUMBERS, BULLETS + NUMBERS])
def test_a_word_list_is_read_not_taken_for_binary_data(
    tmp_path: Path, policy: Policy, levels: str
) -> None:
    """A list level's length and placeholder bytes (\\'01, \\'00) are not binary data."""
    assert scan(tmp_path, policy, list_rtf(levels)).verdict == "clean"
    rows = "\\par ".join(", ".join(p) for p in PERSONS)
    listed = list_rtf(levels, "Credible fear referrals:\\par " + word_escape(rows))
    assert scan(tmp_path, policy, listed).verdict == "protected"


def test_binary_data_spelled_in_a_list_level_still_blocks(tmp_path: Path, policy: Policy) -> None:
    """Only a level's few bytes are let pass: more control bytes there are binary data."""
    payload = "".join(f"\\'{b:02x}" for b in gzip.compress(table_csv()))
    data = list_rtf("{\\leveltext\\'02\\'00." + payload + ";}{\\levelnumbers\\'01;}")
    assert scan(tmp_path, policy, data).verdict == "unscannable"
    nested = list_rtf("{\\leveltext\\'02\\'00.{\\'01\\'02\\'03};}")
    assert scan(tmp_path, policy, nested).verdict == "unscannable"


@pytest.mark.parametrize("group", ["\\colortbl", "\\stylesheet", "\\*\\mydata", "\\info"])
def test_binary_data_outside_a_picture_blocks_in_any_group(
    tmp_path: Path, policy: Policy, group: str
) -> None:
    payload = gzip.compress(table_csv())
    data = b"{\\rtf1\\ansi{%s\\bin%d %s}hello\\par}" % (group.encode(), len(payload), payload)
    units = units_of(data)
    assert [u.bytes for u in units if isinstance(u, Part) and u.kind == "binary"] == [len(payload)]
    assert scan(tmp_path, policy, data).verdict == "unscannable"


def picture_rtf(picture: bytes, binary: bool, prefix: str = "") -> bytes:
    head = b"{\\rtf1\\ansi " + prefix.encode() + b"{\\*\\shppict{\\pict"
    head += b"{\\*\\picprop{\\sp{\\sn shapeType}{\\sv 75}}}\\picw10\\pich10\\pngblip"
    head += b"{\\*\\blipuid 0123456789abcdef0123456789abcdef}"
    if binary:
        return head + b"\\bin%d " % len(picture) + picture + b"}}Chart.\\par}"
    return head + b"\n" + picture.hex().encode() + b"}}Chart.\\par}"


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("picture", [png(), png(text="Monthly chart"), wmf()])
def test_a_real_picture_is_an_unread_part_that_does_not_block(
    tmp_path: Path, policy: Policy, binary: bool, picture: bytes
) -> None:
    units = units_of(picture_rtf(picture, binary))
    pictures = [u for u in units if isinstance(u, Part) and u.part == "picture 1"]
    assert [(p.kind, p.bytes, p.blocks) for p in pictures] == [("image", len(picture), False)]
    assert "shapeType" in text(units, "hidden text")  # the picture's properties are read
    assert not any(isinstance(u, Nested) for u in units)
    assert scan(tmp_path, policy, picture_rtf(picture, binary)).verdict == "clean"


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize(
    ("picture", "verdict"),
    [
        (gzip.compress(table_csv()), "protected"),  # no picture at all: the list inside is read
        (png() + table_csv(), "unscannable"),  # a picture with a list glued after it
        (wmf() + table_csv(), "unscannable"),  # a metafile longer than it says
    ],
)
def test_a_picture_that_is_not_one_is_read_as_a_file(
    tmp_path: Path, policy: Policy, binary: bool, picture: bytes, verdict: str
) -> None:
    units = units_of(picture_rtf(picture, binary))
    assert [u.source.open().read() for u in units if isinstance(u, Nested)] == [picture]
    report = scan(tmp_path, policy, picture_rtf(picture, binary))
    assert report.verdict == verdict
    assert report.classes["protected-person"] == 3  # found only by reading the list inside


@pytest.mark.parametrize(
    "group",
    [
        "{\\stylesheet{\\s0 %s;}}",
        "{\\fonttbl{\\f0\\froman %s;}}",
        "{\\colortbl;\\red0 %s;}",
        "{\\*\\listtable{\\list{\\listname %s;}}}",
        "{\\upr{%s}{\\*\\ud{hello}}}",
        "{\\pict\\pngblip %s}",
    ],
)
def test_text_in_groups_word_does_not_show_is_read_as_hidden_text(
    tmp_path: Path, policy: Policy, group: str
) -> None:
    picture = png()
    data = (
        b"{\\rtf1\\ansi"
        + (group % SECRET).encode()
        + b"{\\pict\\pngblip\\bin%d " % len(picture)
        + picture
        + b"}hello\\par}"
    )
    assert SECRET in " ".join(text(units_of(data), "hidden text"))
    report = scan(tmp_path, policy, data)
    assert report.classes.get("protected-person") == 1, report.reason
