"""The bytes a report names are the bytes its readers parsed (``scan.scan_fd``).

A file rewritten in place while it is scanned (its mtime set back with ``utime``, its size
kept) must not leave a report whose sha256 names bytes nobody parsed: the scan says it
changed (unscannable, no sha256), for a small file read once into memory and for a large
one read through its descriptor. The edit is made by a fake reader (our own ``Reader``
interface, plugged in with ``readers=``) at the moment it reads, so the timing is exact."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from approval.detect.report import CLEAN, PROTECTED, UNSCANNABLE
from approval.detect.scan import CHANGED_WHILE_SCANNED, SNAPSHOT_BYTES, _opener, scan_file
from approval.detect.units import Limits, Probe, Source, Table, Unit, Where
from approval.policy import Policy

HEADER = b"ROWS\nA-Number,Name,Claim Type\n"
TAIL = b"A212345678,Juan Perez,Asylum\nA212345679,Ana Lopez,Asylum\n"
HARMLESS = b"0,x,y\n" * (len(TAIL) // 6) + b"z" * (len(TAIL) % 6)


def _content(size: int) -> bytes:
    """The header, harmless padding to about ``size`` bytes, then the protected rows."""
    pad = b"0,x,y\n" * max(0, (size - len(HEADER) - len(TAIL)) // 6)
    return HEADER + pad + TAIL


class Rows:
    """A fake format: ``ROWS`` then comma-separated lines; yields the header and the last
    rows (where the protected ones sit). ``edit`` runs before it reads, ``after`` once it
    has read: the uploader's moves, made at the worst moment."""

    name = "rows"
    subsumes = frozenset({"text"})

    def __init__(self, edit: object = None, after: object = None):
        self.edit, self.after = edit, after
        self.seen = b""

    def accepts(self, probe: Probe) -> bool:
        return probe.head.startswith(b"ROWS")

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        if callable(self.edit):
            self.edit()
        with source.open() as f:
            self.seen = f.read()
        if callable(self.after):
            self.after()
        lines = self.seen.splitlines()
        rows = [line.decode().split(",") for line in [lines[1], *lines[-2:]]]
        yield Table(Where(), rows)


def _rewrite_tail(path: Path, tail: bytes) -> None:
    """The attack: new bytes at the end, in place, and the mtime set back."""
    st = path.stat()
    fd = os.open(path, os.O_WRONLY)
    try:
        os.pwrite(fd, tail, st.st_size - len(tail))
    finally:
        os.close(fd)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


SIZES = pytest.mark.parametrize(
    "size", [1000, SNAPSHOT_BYTES + 4096], ids=["in-memory", "through-descriptor"]
)


@SIZES
def test_untouched_the_fake_format_finds_the_protected_rows(
    tmp_path: Path, policy: Policy, size: int
) -> None:
    path = tmp_path / "stats.rows"
    path.write_bytes(_content(size))
    report = scan_file(path, policy, readers=[Rows()])
    assert report.verdict == PROTECTED
    assert report.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


@SIZES
def test_a_tail_rewritten_during_the_scan_is_changed_not_clean(
    tmp_path: Path, policy: Policy, size: int
) -> None:
    path = tmp_path / "stats.rows"
    path.write_bytes(_content(size))
    reader = Rows(edit=lambda: _rewrite_tail(path, HARMLESS))
    report = scan_file(path, policy, readers=[reader])
    assert report.verdict == UNSCANNABLE
    assert report.reason == CHANGED_WHILE_SCANNED
    assert report.sha256 == ""  # names no bytes: no cache keeps it, no approval matches it
    assert report.verdict != CLEAN


@SIZES
def test_bytes_changed_and_put_back_during_the_scan_are_changed(
    tmp_path: Path, policy: Policy, size: int
) -> None:
    path = tmp_path / "stats.rows"
    original = _content(size)
    path.write_bytes(original)
    reader = Rows(
        edit=lambda: _rewrite_tail(path, HARMLESS), after=lambda: _rewrite_tail(path, TAIL)
    )
    report = scan_file(path, policy, readers=[reader])
    assert path.read_bytes() == original
    assert (report.verdict, report.reason, report.sha256) == (
        UNSCANNABLE,
        CHANGED_WHILE_SCANNED,
        "",
    )


@SIZES
def test_another_file_renamed_onto_the_path_is_not_what_is_read(
    tmp_path: Path, policy: Policy, size: int
) -> None:
    path = tmp_path / "stats.rows"
    original = _content(size)
    path.write_bytes(original)
    other = tmp_path / "other.rows"
    other.write_bytes(original[: -len(TAIL)] + HARMLESS)
    reader = Rows(edit=lambda: other.replace(path))
    report = scan_file(path, policy, readers=[reader])
    # The readers read the inode opened and hashed, not the file now at the path (which the
    # rename unlinked: its ctime moved, so the scan says so rather than decide).
    assert reader.seen == original
    assert (report.verdict, report.reason) == (UNSCANNABLE, CHANGED_WHILE_SCANNED)


@pytest.mark.parametrize("proc", [True, False], ids=["proc-fd", "pread"])
def test_each_reader_gets_its_own_offset_on_the_same_inode(tmp_path: Path, proc: bool) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(bytes(range(256)) * 64)
    fd = os.open(path, os.O_RDONLY)
    try:
        opener = _opener(fd, proc=proc)
        _write(tmp_path).replace(path)  # readers still read the inode opened
        with opener() as a, opener() as b:
            assert a.read(3) == b"\x00\x01\x02"
            assert b.read(2) == b"\x00\x01"
            assert a.read(1) == b"\x03"
            b.seek(-2, os.SEEK_END)
            assert b.read() == b"\xfe\xff"
            assert a.tell() == 4
        os.fstat(fd)  # closing a reader's file leaves the descriptor open
    finally:
        os.close(fd)


def _write(tmp_path: Path) -> Path:
    other = tmp_path / "replacement.bin"
    other.write_bytes(b"other bytes")
    return other


def test_a_pipe_is_not_opened_for_ever(tmp_path: Path, policy: Policy) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    report = scan_file(fifo, policy)
    assert (report.verdict, report.reason) == (UNSCANNABLE, "not a regular file")
