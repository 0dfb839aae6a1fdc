"""The ZIP reader: members as nested sources, and every hostile archive refused with its reason,
from the directory alone."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path
from typing import BinaryIO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approval.detect.readers.zip import RATIO_GRACE_BYTES, READER
from approval.detect.units import Limits, Nested, Part, Probe, Source, Text, Unscannable
from tests.corpus import documents as docs
from tests.corpus.documents import (
    dump,
    mangle,
    read_or_refuse,
    reason,
    source,
    with_encrypted_flag,
    zip_bytes,
)


def _nested(data: bytes, name: str = "export.zip", **kwargs: object) -> list[Nested]:
    units = list(READER.read(source(data, name, **kwargs), Limits()))  # type: ignore[arg-type]
    # The members' names are read as text of their own (a listing shows them).
    listing = [
        u for u in units if isinstance(u, Part | Text) and u_part(u).endswith("member names")
    ]
    assert len(listing) in (0, 2)
    units = [u for u in units if u not in listing]
    parts = [unit for unit in units if isinstance(unit, Part)]
    nested = [unit for unit in units if isinstance(unit, Nested)]
    assert len(parts) + len(nested) == len(units)
    # Every member is accounted for: one coverage entry each, next to its nested source.
    assert [p.part for p in parts] == [n.where.part for n in nested]
    return nested


def u_part(unit: Part | Text) -> str:
    return unit.part if isinstance(unit, Part) else unit.where.part or ""


def test_member_names_are_read_as_a_listing() -> None:
    data = zip_bytes([("asylum/Maria_Garcia_A212345678.pdf", b""), ("b.csv", b"x")])
    units = list(READER.read(source(data, "x.zip"), Limits()))
    (listing,) = [u for u in units if isinstance(u, Text)]

    assert list(listing.lines) == ["asylum Maria Garcia A212345678.pdf", "b.csv"]


def _patch_sizes(data: bytes, *, declared: int | None = None, method: int | None = None) -> bytes:
    """Rewrites the declared uncompressed size or the method of the first member, in its local
    header and in the directory, as a hostile archiver would."""
    out = bytearray(data)
    local = out.find(b"PK\x03\x04")
    central = out.find(b"PK\x01\x02")
    if declared is not None:
        struct.pack_into("<I", out, local + 22, declared)
        struct.pack_into("<I", out, central + 24, declared)
    if method is not None:
        struct.pack_into("<H", out, local + 8, method)
        struct.pack_into("<H", out, central + 10, method)
    return bytes(out)


@pytest.mark.parametrize(
    ("data", "accepted"),
    [
        (zip_bytes([("a.csv", b"x")]), True),
        (zip_bytes([]), True),  # only the end-of-directory record
        # Office packages are ZIPs too: the package readers subsume this one (see below).
        (zip_bytes([("[Content_Types].xml", b"<Types/>")]), True),
        (zip_bytes([("mimetype", b"application/epub+zip")], 0), True),
        (b"%PDF-1.4\n", False),
        (b"", False),
    ],
)
def test_accepts_archives_by_content(data: bytes, accepted: bool) -> None:
    probe = Probe(head=data[:8192], size=len(data), tail=data[-8192:])
    assert READER.accepts(probe) is accepted


def test_bytes_before_an_archive_do_not_hide_it() -> None:
    data = b"Name,A-Number\n" + zip_bytes([("people.csv", b"a,b\n")])
    members = frozenset({"people.csv"})  # the scanner finds the directory from the end
    assert READER.accepts(Probe(head=data[:8192], size=len(data), members=members))


def test_each_member_is_a_nested_source_with_its_location() -> None:
    data = zip_bytes([("README.txt", b"hello\n"), ("data/", b""), ("data/people.csv", b"a,b\n")])

    units = _nested(data)

    assert [(u.source.name, u.source.part, u.source.depth, u.where.part) for u in units] == [
        ("README.txt", "export.zip/README.txt", 1, "README.txt"),
        ("data/people.csv", "export.zip/data/people.csv", 1, "data/people.csv"),
    ]
    assert [u.source.size for u in units] == [6, 4]
    with units[1].source.open() as member:
        assert member.read() == b"a,b\n"
    with units[1].source.open() as member:  # opens afresh, as often as asked
        assert member.seek(2) == 2
        assert member.read() == b"b\n"


def test_a_nested_archive_names_its_members_from_the_top_level_file() -> None:
    inner = zip_bytes([("people.csv", b"a,b\n")])
    outer = _nested(zip_bytes([("inner.zip", inner)]), "outer.zip")

    (member,) = _nested(inner, "inner.zip", depth=1, part=outer[0].source.part)

    assert member.source.part == "outer.zip/inner.zip/people.csv"
    assert member.source.depth == 2


def test_an_archive_at_the_depth_limit_is_refused() -> None:
    data = zip_bytes([("people.csv", b"a,b\n")])

    assert len(_nested(data, depth=3)) == 1
    refused = reason(READER.read(source(data, "x.zip", depth=4), Limits()))
    assert refused == "zip bomb: archives nested more than 4 deep"


def test_archives_nested_too_deep_are_refused_on_the_way_down(tmp_path: Path) -> None:
    built = docs.zip_depth_bomb(tmp_path)
    current = Source(built.path.name, lambda: built.path.open("rb"), built.path.stat().st_size)
    seen = 0
    with pytest.raises(Unscannable, match=r"^zip bomb: archives nested more than 4 deep$"):
        while True:
            (unit,) = [u for u in READER.read(current, Limits()) if isinstance(u, Nested)]
            assert isinstance(unit, Nested)
            current = unit.source
            seen += 1
    assert seen == 4


def test_a_member_that_expands_too_far_is_refused(tmp_path: Path) -> None:
    built = docs.zip_ratio_bomb(tmp_path)
    data = built.path.read_bytes()

    assert reason(READER.read(source(data, "ratio-bomb.zip"), Limits())) == (
        "zip bomb: a member expands more than 200 times its size"
    )
    assert built.verdict == "unscannable"
    assert built.reason == "zip bomb"


class _Counting(io.BytesIO):
    """A file that remembers how many bytes were read from it."""

    total = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        _Counting.total += len(data)
        return data


def test_a_bomb_is_refused_without_expanding_a_byte() -> None:
    data = zip_bytes([("zeros.csv", bytes(64 * 1024 * 1024))])
    assert len(data) > 50_000
    _Counting.total = 0

    def open_counting() -> BinaryIO:
        return _Counting(data)

    with pytest.raises(Unscannable, match="zip bomb"):
        list(READER.read(Source("bomb.zip", open_counting, len(data)), Limits()))

    assert _Counting.total < 1_000  # the directory, never the 64 KiB of deflated zeros


def test_a_declared_size_is_checked_before_anything_is_read() -> None:
    data = _patch_sizes(zip_bytes([("a.csv", b"a,b\n" * 1000)]), declared=0xFFFFFFFF)

    assert reason(READER.read(source(data, "x.zip"), Limits())).startswith("zip bomb:")


def test_small_members_expand_as_much_as_they_like() -> None:
    data = zip_bytes([("spaces.txt", b" " * (RATIO_GRACE_BYTES - 1))])

    (unit,) = _nested(data)

    with unit.source.open() as member:
        assert len(member.read()) == RATIO_GRACE_BYTES - 1


def test_too_many_entries_are_refused(tmp_path: Path) -> None:
    data = zip_bytes([(f"f{n}.txt", b"") for n in range(6)])

    assert reason(READER.read(source(data, "x.zip"), Limits(max_entries=5))) == (
        "zip bomb: more than 5 entries"
    )
    built = docs.zip_entries_bomb(tmp_path)
    assert reason(READER.read(source(built.path.read_bytes(), "e.zip"), Limits())) == (
        "zip bomb: more than 10000 entries"
    )


def test_a_total_expansion_over_the_limit_is_refused() -> None:
    data = zip_bytes([("a.bin", bytes(range(256)) * 3), ("b.bin", bytes(range(256)) * 3)])
    limits = Limits(max_expanded_bytes=1000)

    assert reason(READER.read(source(data, "x.zip"), limits)) == (
        "zip bomb: expands to more than 1000 bytes"
    )


def test_an_encrypted_member_makes_the_archive_unscannable(tmp_path: Path) -> None:
    built = docs.zip_encrypted(tmp_path)

    assert reason(READER.read(source(built.path.read_bytes(), "e.zip"), Limits())) == "encrypted"


def test_an_unknown_compression_method_is_unsupported() -> None:
    data = _patch_sizes(zip_bytes([("a.csv", b"a,b\n")]), method=99)

    assert reason(READER.read(source(data, "x.zip"), Limits())) == (
        "unsupported format: zip compression method 99"
    )


@pytest.mark.parametrize(
    "data",
    [
        zip_bytes([("a.csv", b"a,b\n" * 100)])[:60],  # truncated: no directory
        b"PK\x03\x04" + bytes(200),
        b"PK\x05\x06" + b"\xff" * 18,  # an end record pointing nowhere
    ],
)
def test_a_corrupt_archive_is_unscannable(data: bytes) -> None:
    assert reason(READER.read(source(data, "x.zip"), Limits())).startswith("corrupt: ")


def test_a_member_that_fails_its_checksum_is_corrupt_when_opened() -> None:
    data = bytearray(zip_bytes([("people.csv", b"Name,A-Number\n" * 10)], zipfile.ZIP_STORED))
    data[40] ^= 0xFF  # a byte of the stored member
    (unit,) = _nested(bytes(data))

    with pytest.raises(Unscannable) as raised:
        unit.source.open()

    assert raised.value.reason.startswith("corrupt: bad CRC-32")


def test_a_member_that_lies_about_its_size_expands_no_further() -> None:
    data = _patch_sizes(zip_bytes([("people.csv", b"Name,A-Number\n" * 1000)]), declared=100)
    (unit,) = _nested(data)

    assert unit.source.size == 100
    with pytest.raises(Unscannable, match=r"^corrupt: bad CRC-32"):
        unit.source.open()


def test_members_that_share_a_name_are_each_read() -> None:
    data = zip_bytes([("data.csv", b"Name,A-Number\nAna,A212345678\n"), ("data.csv", b"x\n")])

    first, second = _nested(data)

    with first.source.open() as one, second.source.open() as two:
        assert (one.read(), two.read()) == (b"Name,A-Number\nAna,A212345678\n", b"x\n")


def test_a_directory_entry_that_holds_data_is_read() -> None:
    data = zip_bytes([("hidden/", b"Name,A-Number\nAna,A212345678\n")])

    (member,) = _nested(data)

    with member.source.open() as stream:
        assert stream.read() == b"Name,A-Number\nAna,A212345678\n"


def test_an_empty_archive_has_no_units() -> None:
    assert dump(READER.read(source(zip_bytes([]), "empty.zip"), Limits())) == []


def test_reasons_never_quote_member_names() -> None:
    secret = "GARCIA, Ana A212345678.csv"
    data = with_encrypted_flag(zip_bytes([(secret, b"x")]))
    corrupt = bytearray(zip_bytes([(secret, b"Name\n" * 10)], zipfile.ZIP_STORED))
    corrupt[len(secret) + 35] ^= 0xFF
    (unit,) = _nested(bytes(corrupt))

    with pytest.raises(Unscannable) as raised:
        unit.source.open()

    assert "A212345678" not in reason(READER.read(source(data, "x.zip"), Limits()))
    assert "A212345678" not in raised.value.reason


# Mangled files: whatever bytes change or go missing, the reader reads or refuses with a reason.

SEED = zip_bytes([("a.csv", b"a,b\n" * 50), ("b/c.txt", b"x" * 100)])
NAME = "x.zip"
REASONS = ("corrupt", "zip bomb", "encrypted", "unsupported format")


@settings(max_examples=150, deadline=None)
@given(
    edits=st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), max_size=6),
    keep=st.integers(0, 1 << 20),
)
def test_a_mangled_file_is_read_or_refused_never_raises(
    edits: list[tuple[int, int]], keep: int
) -> None:
    refused = read_or_refuse(READER, mangle(SEED, edits, keep), NAME)

    assert refused is None or refused.split(":")[0] in REASONS
