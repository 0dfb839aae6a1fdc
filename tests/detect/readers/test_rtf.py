"""The RTF reader: text decoded as Word decodes it, tables as tables, revisions as Word shows
them, non-content groups skipped, embedded objects failing closed. Files are made here by code."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from approval.detect.readers.rtf import READER
from approval.detect.report import FileReport
from approval.detect.scan import scan_file
from approval.detect.units import Limits, Part, Probe, Source, Table, Text, Unit, Unscannable
from approval.policy import Policy

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
    assert not text(units, "hidden text")  # the revision table is skipped, not read


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
               + "89504e470d0a1a0a" * 8 + "}}\\par}").encode()  # fmt: skip
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
    [b"{\\rtf1 Juan Perez {\\b A212345678\\par}", b"{\\rtf1 x}}\\par}"],
)
def test_unbalanced_groups_are_unscannable(data: bytes) -> None:
    with pytest.raises(Unscannable, match="corrupt"):
        units_of(data)


def test_text_after_the_last_group_is_read() -> None:
    units = units_of(b"{\\rtf1 Title\\par}\nJuan Perez A212345678")
    assert "Juan Perez A212345678" in text(units)


@pytest.mark.parametrize(
    ("head", "accepted"),
    [(b"{\\rtf1\\ansi x}", True), (b"\r\n{\\rtf1 x}", True), (b"{\\rt", False), (b"rtf", False)],
)
def test_content_decides_what_is_rtf(head: bytes, accepted: bool) -> None:
    assert READER.accepts(Probe(head=head, size=len(head))) is accepted


def test_theme_and_data_store_parts_are_read_as_what_they_are(
    tmp_path: Path, policy: Policy
) -> None:
    theme = io.BytesIO()
    with zipfile.ZipFile(theme, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("theme/theme/theme1.xml", '<a:theme xmlns:a="urn:x" name="Office"/>')
    data = (
        PROLOGUE + "Hello.\\par{\\*\\themedata " + theme.getvalue().hex() + "}"
        "{\\*\\datastore 0105000002000000180000004d73786d6c322e534158584d4c}}"
    ).encode()
    report = scan(tmp_path, policy, data)
    assert report.verdict == "clean", report.reason
    read = {part.part: part.read for part in report.coverage}
    assert read["themedata"] == "parsed" and read["datastore"] == "text"
    assert read["themedata/theme/theme/theme1.xml"] == "parsed"
