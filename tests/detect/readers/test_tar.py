"""tar archives, plain and compressed: every member read as a file is read, links and devices
accounted for, odd members blocking."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

from approval.detect.readers.tar import READER
from approval.detect.scan import scan_file
from approval.detect.units import Limits, Probe
from approval.policy import Policy

PERSON_CSV = b"A-Number,Name,Claim Type\nA212345678,Juan Perez,Asylum\nA213456789,Ana Ruiz,CAT\n"


def archive(*members: tuple[str, bytes | bytes], fmt: int = tarfile.PAX_FORMAT) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=fmt) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def special(tar_bytes: bytes, name: str, kind: bytes, **fields: str) -> bytes:
    """``tar_bytes`` with one more member of type ``kind`` (a link, a device, ...)."""
    buffer = io.BytesIO()
    with (
        tarfile.open(fileobj=io.BytesIO(tar_bytes)) as source,
        tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as tar,
    ):
        for member in source.getmembers():
            tar.addfile(member, source.extractfile(member))
        info = tarfile.TarInfo(name)
        info.type = kind
        for key, value in fields.items():
            setattr(info, key, value)
        tar.addfile(info)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", [tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT])
def test_accepts_tar_by_its_header(fmt: int) -> None:
    data = archive(("a.csv", PERSON_CSV), fmt=fmt)
    assert READER.accepts(Probe(head=data[:8192], size=len(data)))
    assert not READER.accepts(Probe(head=PERSON_CSV, size=len(PERSON_CSV)))


def test_a_v7_tar_without_magic_is_known_by_its_checksum() -> None:
    data = bytearray(archive(("a.csv", PERSON_CSV), fmt=tarfile.USTAR_FORMAT))
    data[257:265] = bytes(8)  # no "ustar": an old V7 header, whose checksum still adds up
    checksum = sum(data[:148]) + 8 * 32 + sum(data[156:512])
    data[148:156] = b"%06o\0 " % checksum
    assert READER.accepts(Probe(head=bytes(data[:8192]), size=len(data)))
    data[0] ^= 1
    assert not READER.accepts(Probe(head=bytes(data[:8192]), size=len(data)))


@pytest.mark.parametrize(
    ("suffix", "compress"),
    [
        (".tar", lambda data: data),
        (".tar.gz", gzip.compress),
        (".tar.bz2", bz2.compress),
        (".tar.xz", lzma.compress),
    ],
)
def test_members_are_read_plain_or_compressed(
    tmp_path: Path, policy: Policy, suffix: str, compress: Callable[[bytes], bytes]
) -> None:
    data = compress(archive(("readme.txt", b"hello\n"), ("data/people.csv", PERSON_CSV)))
    for name in (f"export{suffix}", "export.html"):
        path = tmp_path / name
        path.write_bytes(data)
        report = scan_file(path, policy)
        assert (report.verdict, dict(report.classes)) == ("protected", {"protected-person": 2})
        assert report.findings[0].location["part"].endswith("data/people.csv")
        read = {p.part for p in report.coverage if p.kind == "nested" and p.read == "parsed"}
        assert any(part.endswith("data/people.csv") for part in read)


def test_links_and_devices_are_parts_that_do_not_block(tmp_path: Path, policy: Policy) -> None:
    data = archive(("a.txt", b"hello\n"))
    data = special(data, "link", tarfile.SYMTYPE, linkname="a.txt")
    data = special(data, "hard", tarfile.LNKTYPE, linkname="a.txt")
    data = special(data, "fifo", tarfile.FIFOTYPE)
    path = tmp_path / "t.tar"
    path.write_bytes(data)
    report = scan_file(path, policy)
    assert report.verdict == "clean"
    unread = {(p.part, p.kind, p.blocks) for p in report.coverage if p.read == "unread"}
    assert unread == {
        ("link", "symbolic link", False),
        ("hard", "hard link", False),
        ("fifo", "FIFO", False),
    }


def test_a_member_of_an_unknown_type_blocks(tmp_path: Path, policy: Policy) -> None:
    data = special(archive(("a.txt", b"hello\n")), "odd", b"Z")
    path = tmp_path / "t.tar"
    path.write_bytes(data)
    report = scan_file(path, policy)
    assert (report.verdict, report.reason) == (
        "unscannable",
        "t.tar/odd: tar member of an unknown type",
    )


def test_a_member_nobody_reads_is_named(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "t.tar"
    path.write_bytes(archive(("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(50))))
    report = scan_file(path, policy)
    assert (report.verdict, report.reason) == (
        "unscannable",
        "t.tar/photo.png: unsupported format: image/png",
    )


def test_too_many_members_is_unscannable(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "many.tar"
    path.write_bytes(archive(*((f"{i}.txt", b"x\n") for i in range(12))))
    report = scan_file(path, policy, limits=Limits(max_entries=10))
    assert (report.verdict, report.reason) == (
        "unscannable",
        "more than 10 entries (limits.max_entries)",
    )


def test_a_truncated_archive_is_unscannable(tmp_path: Path, policy: Policy) -> None:
    data = archive(("people.csv", PERSON_CSV * 100))
    path = tmp_path / "cut.tar"
    path.write_bytes(data[:2000])
    report = scan_file(path, policy)
    assert report.verdict == "unscannable"
    assert report.reason is not None and "corrupt" in report.reason
