"""OLE property sets [MS-OLEPS], value by value: every byte read as text, carried as a file of
its own, or reported unread; streams built by tests/detect/readers/propsets.py."""

from __future__ import annotations

import datetime
import struct

import pytest

from approval.detect.readers._propset import PropertySet, read_property_set
from tests.detect.readers import propsets as ps

RECORD = "Maria Lopez A212345678 asylum granted"


def one(value: bytes, codepage: int = 1252, names: dict[int, str] | None = None) -> PropertySet:
    """A stream whose one section holds ``value`` as property 2."""
    section = ps.section({2: value}, names, codepage)
    found = read_property_set(ps.property_set((ps.SUMMARY, section)))
    assert not found.unread, found.unread
    return found


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (ps.lpstr(RECORD), [RECORD]),
        (ps.lpwstr("Łukasz Żółw"), ["Łukasz Żółw"]),
        (ps.typed(0x08, ps.code_page_string("Jane Smith")), ["Jane Smith"]),  # VT_BSTR
        (ps.lpstr("Jane Smith\0A212345678"), ["Jane Smith", "A212345678"]),  # after a NUL
        (ps.lpstr("line one\r\nline two"), ["line one", "line two"]),
        (ps.i2(-5), ["-5"]),
        (ps.i4(212345678), ["212345678"]),
        (ps.typed(0x13, struct.pack("<I", 4000000000)), ["4000000000"]),  # VT_UI4
        (ps.typed(0x14, struct.pack("<q", -(1 << 40))), [str(-(1 << 40))]),  # VT_I8
        (ps.typed(0x11, struct.pack("<B", 7)), ["7"]),  # VT_UI1
        (ps.r8(2.5), ["2.5"]),
        (ps.r8(3.0), ["3"]),
        (ps.typed(0x06, struct.pack("<q", 123456)), ["12.3456"]),  # VT_CY: 1/10000 units
        (ps.typed(0x0E, struct.pack("<HBBIQ", 0, 2, 0x80, 0, 12345)), ["-123.45"]),  # DECIMAL
        (ps.boolean(True), ["Yes"]),
        (ps.boolean(False), ["No"]),
        (ps.filetime(datetime.datetime(1985, 3, 2)), ["1985-03-02"]),
        (ps.filetime(datetime.datetime(2024, 5, 2, 14, 31, 7)), ["2024-05-02 14:31:07"]),
        (ps.typed(0x40, struct.pack("<Q", 600 * 10**7)), ["0:10:00"]),  # an editing time
        (ps.ole_date(datetime.date(1985, 3, 2)), ["1985-03-02"]),
        (
            ps.typed(0x48, bytes(range(16))),  # VT_CLSID
            ["{03020100-0504-0706-0809-0A0B0C0D0E0F}"],
        ),
        (ps.typed(0x00, b""), []),  # VT_EMPTY
        (
            ps.vector(0x1E, [ps.code_page_string(t) for t in ("Summary", "Maria Lopez")]),
            ["Summary", "Maria Lopez"],
        ),
        (ps.vector(0x1F, [ps.unicode_string(t) for t in ("A212345678", "")]), ["A212345678"]),
        (ps.vector(0x0C, [ps.lpstr("Worksheets"), ps.i4(2)]), ["Worksheets", "2"]),
        (ps.vector(0x02, [struct.pack("<h", n) for n in (1, 2, 3)]), ["1", "2", "3"]),
        (
            ps.vector(0x0C, [ps.vector(0x1E, [ps.code_page_string(RECORD)])]),  # nested
            [RECORD],
        ),
    ],
    ids=lambda v: v[:6].hex() if isinstance(v, bytes) else None,
)
def test_every_type_is_read_as_an_application_shows_it(value: bytes, shown: list[str]) -> None:
    assert one(value).values == shown


@pytest.mark.parametrize(
    ("codepage", "text"),
    [(1251, "Мария Лопес"), (932, "マリア"), (ps.UNICODE, "Мария Łopez"), (65001, "María")],
)
def test_strings_and_names_in_the_section_code_page(codepage: int, text: str) -> None:
    encoding = {ps.UNICODE: "utf-16-le", 65001: "utf-8"}.get(codepage, f"cp{codepage}")
    value = ps.lpstr(text, encoding)
    if codepage == ps.UNICODE:  # a code page string's size is in bytes, even then
        raw = (text + "\0").encode("utf-16-le")
        value = ps.typed(0x1E, ps.padded(struct.pack("<I", len(raw)) + raw))
    names = {2: text} if codepage != 65001 else None
    found = one(value, codepage=codepage, names=names)
    assert (found.named if names else found.values) == ([f"{text}: {text}"] if names else [text])


def test_custom_properties_are_named_by_the_dictionary() -> None:
    stream = ps.excel_doc_summary(
        ["Summary", "Detainees"],
        {
            RECORD: ps.boolean(True),  # the record in a name
            "Reviewer": ps.lpwstr(RECORD),  # in a value
            "DOB": ps.filetime(datetime.datetime(1985, 3, 1, 23)),  # local midnight, UTC+1
            "Born": ps.filetime(datetime.datetime(1985, 3, 2, 5)),  # local midnight, UTC-5
            "Case": ps.i4(42),
        },
    )
    found = read_property_set(stream)
    assert not found.unread
    assert found.named == [
        f"{RECORD}: Yes",
        f"Reviewer: {RECORD}",
        "DOB: 1985-03-02",
        "Born: 1985-03-02",
        "Case: 42",
    ]
    assert found.values == [
        "Agency", "No", "No", "Summary", "Detainees", "Worksheets", "2", "No", "No", "786432",
    ]  # fmt: skip


def test_a_name_without_a_value_and_unicode_names() -> None:
    values = {2: ps.lpwstr("x")}
    names = {2: "Claim", 3: RECORD}
    stream = ps.property_set((ps.USER_DEFINED, ps.section(values, names, ps.UNICODE)))
    found = read_property_set(stream)
    assert not found.unread
    assert found.named == ["Claim: x", RECORD]


def test_blobs_and_clipboard_data_are_carried() -> None:
    picture = ps.wmf("Maria Lopez")
    dib = struct.pack("<IiiHHIIiiII", 40, 1, 1, 1, 24, 0, 4, 0, 0, 0, 0) + bytes(4)
    emf = b"\x01\x00\x00\x00" + bytes(36) + b" EMF" + bytes(40)
    values = {
        2: ps.blob(RECORD.encode()),
        3: ps.clipboard(struct.pack("<hhhH", 8, 100, 100, 0) + picture),  # CF_METAFILEPICT
        4: ps.clipboard(dib, fmt=8),  # CF_DIB
        5: ps.clipboard(emf, fmt=14),  # CF_ENHMETAFILE
        6: ps.clipboard(b"PNG\x89data", tag=3, fmt=None),  # a format given by name
    }
    found = read_property_set(ps.property_set((ps.SUMMARY, ps.section(values))))
    assert not found.unread
    carried = {c.name: c.data for c in found.carried}
    assert carried["section 1 property 2"] == RECORD.encode()
    assert carried["section 1 property 3"] == picture  # a WMF file, as a picture reader reads
    bmp = carried["section 1 property 4"]
    assert bmp[:2] == b"BM" and struct.unpack_from("<I4xI", bmp, 2) == (14 + len(dib), 14 + 40)
    assert carried["section 1 property 5"] == emf
    assert carried["section 1 property 6"] == b"\x89data"
    assert found.values == ["PNG"]


def test_an_empty_stream_holds_nothing() -> None:
    assert read_property_set(b"") == PropertySet()
    assert read_property_set(bytes(512)) == PropertySet()


def test_garbage_in_padding_is_read_as_text() -> None:
    # Excel leaves what was in memory in the padding after a string ("smao\0" + "\0t\0").
    stream = bytearray(ps.excel_summary(author="smao"))
    at = stream.index(b"smao\0") + 6
    stream[at] = ord("t")
    found = read_property_set(bytes(stream))
    assert not found.unread
    assert found.padding == ["t"]


def test_a_string_vector_without_padding_is_read() -> None:
    # Some writers do not pad the strings of a vector: "Sheet1\0" then the next size.
    raw = b"".join(struct.pack("<I", len(t) + 1) + t.encode() + b"\0" for t in ("Sheet1", "Data"))
    found = one(ps.typed(0x101E, struct.pack("<I", 2) + raw))
    assert found.values == ["Sheet1", "Data"]


def test_a_table_that_counts_one_property_too_many() -> None:
    # A BIFF5 writer's DocumentSummaryInformation: nine entries counted, eight written; the
    # first value starts where the ninth entry would be.
    good = ps.section({2: ps.lpstr("Sheet1")})
    size, count = struct.unpack_from("<II", good)
    broken = struct.pack("<II", size, count + 1) + good[8:]
    found = read_property_set(ps.property_set((ps.SUMMARY, broken)))
    assert not found.unread
    assert found.values == ["Sheet1"]


def _unread(stream: bytes) -> list[str]:
    return [u.reason for u in read_property_set(stream).unread]


def _with(values: dict[int, bytes]) -> bytes:
    return ps.property_set((ps.SUMMARY, ps.section(values)))


def _patched(stream: bytes, at: int, raw: bytes) -> bytes:
    return stream[:at] + raw + stream[at + len(raw) :]


GOOD = _with({2: ps.lpstr(RECORD)})
SECTION = 48  # where the only section starts
STRING = GOOD.index(RECORD.encode()) - 8  # the string's TypedPropertyValue


@pytest.mark.parametrize(
    ("stream", "reason"),
    [
        (_with({2: ps.typed(0x42, ps.code_page_string("Stream1"))}), "type 0x0042"),  # VT_STREAM
        (_with({2: ps.typed(0x2003, bytes(8))}), "type 0x2003"),  # VT_ARRAY | VT_I4
        (_with({2: ps.typed(0x49, bytes(20))}), "type 0x0049"),  # VT_VERSIONED_STREAM
        (_patched(GOOD, STRING + 4, struct.pack("<I", 5000)), "beyond its section"),
        (_patched(GOOD, SECTION + 20, struct.pack("<I", 5000)), "offset out of its section"),
        (_patched(GOOD, SECTION, struct.pack("<I", 5000)), "size does not add up"),
        (_patched(GOOD, 44, struct.pack("<I", 5000)), "beyond the end of the stream"),
        (_patched(GOOD, 0, b"\xff\xfe"), "not a property set stream"),
        (GOOD[:40], "shorter than its header"),
        (GOOD + RECORD.encode(), "no property holds"),  # after the last section
        (_with({2: ps.typed(0x101E, struct.pack("<I", 1 << 30) + bytes(8))}), "more elements"),
    ],
    ids=[
        "stream",
        "array",
        "versioned",
        "string-size",
        "offset",
        "section-size",
        "section-offset",
        "byte-order",
        "short",
        "after",
        "vector-count",
    ],
)
def test_what_does_not_add_up_is_unread(stream: bytes, reason: str) -> None:
    reasons = _unread(stream)
    assert reasons and any(reason in r for r in reasons), reasons


def test_bytes_between_properties_are_unread() -> None:
    # A section whose size leaves room after its values: text hidden there is not a property.
    body = ps.section({2: ps.i4(1)})
    hidden = RECORD.encode()
    size = struct.unpack_from("<I", body)[0] + len(hidden) + 3
    section = struct.pack("<I", size) + body[4:] + hidden + bytes(3)
    found = read_property_set(ps.property_set((ps.SUMMARY, section)))
    [unread] = found.unread
    assert unread.reason == "bytes that no property holds" and unread.size == len(hidden) + 3
    assert RECORD not in repr(found.unread)  # the report names bytes, never their text


def test_a_dictionary_beyond_its_section_is_unread() -> None:
    section = bytearray(ps.section({2: ps.i4(1)}, {2: "Claim"}))
    at = section.index(b"Claim\0") - 4
    struct.pack_into("<I", section, at, 4000)  # the name's length
    found = read_property_set(ps.property_set((ps.SUMMARY, bytes(section))))
    assert [u.name for u in found.unread] == ["section 1 dictionary"]


def test_values_over_the_same_bytes_are_bounded() -> None:
    # Every property a long vector over the same bytes: quadratic work unless bounded.
    count = 2000
    elements = ps.vector(0x11, [b"\x01"] * 4000)
    table = 8 + 8 * count
    ids = b"".join(struct.pack("<II", 2 + i, table) for i in range(count))
    section = struct.pack("<II", table + len(elements), count) + ids + elements
    found = read_property_set(ps.property_set((ps.SUMMARY, section)))
    assert any("more values" in u.reason for u in found.unread)
    assert len(found.unread) <= 64
