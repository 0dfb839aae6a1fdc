"""gzip, bzip2 and xz streams: the content is read as a file is read, within the limits."""

from __future__ import annotations

import bz2
import gzip
import lzma
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from approval.detect.readers.bz2 import READER as BZ2
from approval.detect.readers.gzip import READER as GZIP
from approval.detect.readers.xz import READER as XZ
from approval.detect.scan import scan_file
from approval.detect.units import Limits, Nested, Probe, Reader
from approval.policy import Policy
from tests.corpus.documents import source

PERSON_CSV = b"A-Number,Name,Claim Type\nA212345678,Juan Perez,Asylum\nA213456789,Ana Ruiz,CAT\n"
FORMATS: list[tuple[str, Reader, Callable[[bytes], bytes]]] = [
    ("gzip", GZIP, gzip.compress),
    ("bz2", BZ2, bz2.compress),
    ("xz", XZ, lzma.compress),
    ("xz", XZ, lambda data: lzma.compress(data, format=lzma.FORMAT_ALONE)),
]
IDS = ["gzip", "bz2", "xz", "lzma"]


def probe_of(data: bytes) -> Probe:
    return Probe(head=data[:8192], size=len(data))


@pytest.mark.parametrize(("name", "reader", "compress"), FORMATS, ids=IDS)
def test_accepts_its_own_bytes_only(
    name: str, reader: Reader, compress: Callable[[bytes], bytes]
) -> None:
    data = compress(PERSON_CSV)
    assert reader.accepts(probe_of(data))
    others = [r for _, r, c in FORMATS if r is not reader]
    assert not any(other.accepts(probe_of(data)) for other in others)
    assert not reader.accepts(probe_of(PERSON_CSV))


@pytest.mark.parametrize(("name", "reader", "compress"), FORMATS, ids=IDS)
@pytest.mark.parametrize("file_name", ["people.csv.gz", "site.html", "x.eml", "noname"])
def test_the_content_is_read_whatever_the_name(
    tmp_path: Path,
    policy: Policy,
    name: str,
    reader: Reader,
    compress: Callable[[bytes], bytes],
    file_name: str,
) -> None:
    path = tmp_path / file_name
    path.write_bytes(compress(PERSON_CSV))
    report = scan_file(path, policy)
    assert (report.verdict, report.format, dict(report.classes)) == (
        "protected",
        name,
        {"protected-person": 2},
    )
    kinds = {(p.kind, p.read) for p in report.coverage}
    stream = "bzip2" if name == "bz2" else name
    assert {(f"{stream} stream", "parsed"), ("table", "parsed")} <= kinds


def test_the_content_is_named_from_the_file_name_and_opened_afresh() -> None:
    units = GZIP.read(source(gzip.compress(PERSON_CSV), "people.csv.gz"), Limits())
    part = next(units)
    nested = next(units)
    assert isinstance(nested, Nested)
    assert (part.part, nested.source.name, nested.source.size) == (  # type: ignore[union-attr]
        "people.csv",
        "people.csv",
        len(PERSON_CSV),
    )
    for _ in range(2):
        with nested.source.open() as stream:
            assert stream.read() == PERSON_CSV


@pytest.mark.parametrize(("name", "reader", "compress"), FORMATS, ids=IDS)
def test_a_bomb_is_refused_by_its_ratio(
    tmp_path: Path, policy: Policy, name: str, reader: Reader, compress: Callable[[bytes], bytes]
) -> None:
    path = tmp_path / "bomb"
    path.write_bytes(compress(b"\0" * (20 * 1024 * 1024)))
    report = scan_file(path, policy)
    assert report.verdict == "unscannable"
    assert report.reason is not None and report.reason.endswith(
        "bomb: expands more than 200 times its size (limits.max_ratio)"
    )


def test_expanded_bytes_count_across_the_file(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "x.gz"
    path.write_bytes(gzip.compress(PERSON_CSV * 20))
    report = scan_file(path, policy, limits=Limits(max_expanded_bytes=1000))
    assert (report.verdict, report.reason) == (
        "unscannable",
        "gzip stream expands to more than 1000 bytes (limits.max_expanded_bytes)",
    )


def test_nesting_is_bounded_across_containers(tmp_path: Path, policy: Policy) -> None:
    data = PERSON_CSV
    for compress in (gzip.compress, bz2.compress, lzma.compress, gzip.compress, bz2.compress):
        data = compress(data)
    path = tmp_path / "deep"
    path.write_bytes(data)
    report = scan_file(path, policy, limits=Limits(max_depth=3))
    assert report.verdict == "unscannable"
    assert report.reason is not None and report.reason.endswith(
        "nested more than 3 levels deep (limits.max_depth)"
    )
    assert scan_file(path, policy).verdict == "unscannable"  # 5 > the default 4
    path.write_bytes(gzip.compress(bz2.compress(PERSON_CSV)))
    assert scan_file(path, policy).verdict == "protected"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (gzip.compress(PERSON_CSV)[:-12], "corrupt: bad gzip stream"),
        (
            gzip.compress(PERSON_CSV) + b"trailing junk",
            "c/after the gzip members: bytes after the last gzip member that are no gzip"
            " member: not read",
        ),
        (bz2.compress(PERSON_CSV)[:-10], "corrupt: bad bzip2 stream"),
        (lzma.compress(PERSON_CSV)[:-10], "corrupt: bad xz stream"),
    ],
    ids=["gzip-truncated", "gzip-trailing", "bz2-truncated", "xz-truncated"],
)
def test_a_corrupt_stream_is_unscannable(
    tmp_path: Path, policy: Policy, data: bytes, reason: str
) -> None:
    path = tmp_path / "c"
    path.write_bytes(data)
    assert (scan_file(path, policy).verdict, scan_file(path, policy).reason) == (
        "unscannable",
        reason,
    )


def test_content_nobody_reads_is_named(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "photo.png.gz"
    path.write_bytes(gzip.compress(b"\x89PNG\r\n\x1a\n" + bytes(100)))
    report = scan_file(path, policy)
    assert (report.verdict, report.reason) == (
        "unscannable",
        "photo.png.gz/photo.png: unsupported format: image/png",
    )


def test_an_empty_stream_is_clean(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "empty.gz"
    path.write_bytes(gzip.compress(b""))
    assert scan_file(path, policy).verdict == "clean"


def _gzip_with_header(data: bytes, *, name: bytes = b"", comment: bytes = b"") -> bytes:
    """A gzip member with FNAME and FCOMMENT fields, as ``gzip -N`` and other tools write."""
    flags = (0x08 if name else 0) | (0x10 if comment else 0)
    header = b"\x1f\x8b\x08" + bytes([flags]) + bytes(4) + b"\x00\xff"
    header += (name + b"\0" if name else b"") + (comment + b"\0" if comment else b"")
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = deflate.compress(data) + deflate.flush()
    trailer = zlib.crc32(data).to_bytes(4, "little") + len(data).to_bytes(4, "little")
    return header + body + trailer


def test_every_member_and_every_header_field_is_read(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "x.gz"
    harmless = _gzip_with_header(b"Monthly statistics.\n", name=b"stats.txt")
    path.write_bytes(harmless + _gzip_with_header(PERSON_CSV))
    assert scan_file(path, policy).verdict == "protected"  # the second member too
    path.write_bytes(_gzip_with_header(b"Monthly statistics.\n", comment=PERSON_CSV))
    report = scan_file(path, policy)
    assert report.verdict == "protected"
    assert ("header", "text") in {(p.part, p.read) for p in report.coverage}


def test_a_member_whose_checksum_is_wrong_is_corrupt(tmp_path: Path, policy: Policy) -> None:
    data = bytearray(_gzip_with_header(PERSON_CSV))
    data[-6] ^= 0xFF
    path = tmp_path / "x.gz"
    path.write_bytes(bytes(data))
    assert scan_file(path, policy).reason == "corrupt: bad gzip stream"
