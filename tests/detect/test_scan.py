"""scan_file and scan_paths: reader choice, nesting within limits, and failing closed.

Fake formats are small classes implementing ``approval.detect.units.Reader``."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from approval.detect.readers.csv import READER as CSV
from approval.detect.readers.text import READER as TEXT
from approval.detect.scan import guess_type, iter_files, scan_file, scan_paths
from approval.detect.units import Limits, Nested, Probe, Source, Table, Unit, Unscannable, Where
from approval.errors import UsageError
from approval.policy import Policy

PERSON_CSV = b"A-Number,Name,Claim Type\nA212345678,Juan Perez,Asylum\n"


class Bundle:
    """A fake archive: ``BUNDLE`` then members separated by ``\\x1e``, each ``name\\x1f
    bytes``; a member named ``*.bundle`` is itself a bundle."""

    name = "bundle"
    structured = True  # it reads every byte of its format (``readers.structured``)

    def accepts(self, probe: Probe) -> bool:
        return probe.head.startswith(b"BUNDLE")

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        with source.open() as f:
            data = f.read()[len(b"BUNDLE") :]
        for member in filter(None, data.split(b"\x1e")):
            name, _, content = member.partition(b"\x1f")
            part = f"{source.part or source.name}/{name.decode()}"
            yield Nested(
                Source(
                    name.decode(),
                    lambda content=content: io.BytesIO(content),
                    len(content),
                    depth=source.depth + 1,
                    part=part,
                ),
                Where(part=part),
            )


def bundle(*members: tuple[str, bytes]) -> bytes:
    return b"BUNDLE" + b"\x1e".join(n.encode() + b"\x1f" + c for n, c in members)


class Broken:
    """A reader that fails half-way with an error whose message quotes the file."""

    name = "broken"

    def __init__(self, error: Exception):
        self.error = error

    def accepts(self, probe: Probe) -> bool:
        return probe.head.startswith(b"BROKEN")

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        def rows() -> Iterator[list[str]]:
            yield ["A-Number", "Claim Type"]
            yield ["A212345678", "Asylum"]
            raise self.error

        yield Table(Where(), rows())


def test_an_empty_file_is_clean(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "empty.csv"
    path.touch()
    report = scan_file(path, policy)
    assert (report.verdict, report.format, report.size) == ("clean", "empty", 0)
    assert report.sha256 == hashlib.sha256(b"").hexdigest()


def test_hash_and_size_are_of_the_file(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(PERSON_CSV)
    report = scan_file(path, policy)
    assert report.sha256 == hashlib.sha256(PERSON_CSV).hexdigest()
    assert report.size == len(PERSON_CSV)
    assert report.path == str(path)


@pytest.mark.parametrize(
    ("content", "mime"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png"),
        (b"\xff\xd8\xff\xe0" + bytes(64), "image/jpeg"),
        (b"GIF89a" + bytes(64), "image/gif"),
        (bytes(range(256)) * 40, "application/octet-stream"),
        (b"\x7fELF" + bytes(64), "application/x-executable"),
    ],
)
def test_unsupported_formats_are_unscannable(
    tmp_path: Path, policy: Policy, content: bytes, mime: str
) -> None:
    path = tmp_path / "file"
    path.write_bytes(content)
    report = scan_file(path, policy)
    assert (report.verdict, report.reason) == ("unscannable", f"unsupported format: {mime}")
    assert guess_type(content) == mime


def test_an_encrypted_office_file_says_so(tmp_path: Path, policy: Policy) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)
    path = tmp_path / "secret.xlsx"
    path.write_bytes(ole + "EncryptedPackage".encode("utf-16-le") + bytes(500))
    report = scan_file(path, policy, readers=[])  # whatever readers say, the fallback knows
    assert (report.verdict, report.reason) == ("unscannable", "encrypted")


def test_random_bytes_never_raise(tmp_path: Path, policy: Policy) -> None:
    import random

    rng = random.Random(6)
    for i in range(30):
        path = tmp_path / f"r{i}{rng.choice(['', '.csv', '.txt', '.md'])}"
        path.write_bytes(rng.randbytes(rng.randrange(1, 20_000)))
        report = scan_file(path, policy)
        assert report.verdict in {"clean", "unscannable"}


@pytest.mark.parametrize("suffix", [".txt", ".csv", ".md", ""])
def test_a_5_mb_line_without_a_newline(tmp_path: Path, policy: Policy, suffix: str) -> None:
    path = tmp_path / f"long{suffix}"
    path.write_bytes(b"A" * (5 * 1024 * 1024))
    assert scan_file(path, policy).verdict == "clean"


def test_a_person_at_the_end_of_a_long_line_is_found(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "long.txt"
    path.write_bytes(b"asylum " * (200 * 1024) + b"GARCIA, Maria A212345678")
    assert dict(scan_file(path, policy).classes) == {"protected-person": 1}


def test_nested_sources_are_read_with_their_own_reader(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "outer.bin"
    inner = bundle(("deep.csv", PERSON_CSV))
    path.write_bytes(bundle(("readme.txt", b"hello"), ("inner.bundle", inner)))
    report = scan_file(path, policy, readers=[Bundle(), CSV, TEXT])
    assert (report.verdict, report.format, dict(report.classes)) == (
        "protected",
        "bundle",
        {"protected-person": 1},
    )
    assert report.findings[0].location["part"] == "outer.bin/inner.bundle/deep.csv"


def test_nesting_deeper_than_the_limit_is_unscannable(tmp_path: Path, policy: Policy) -> None:
    content = bundle(("x.csv", PERSON_CSV))
    for level in range(5):
        content = bundle((f"l{level}.bundle", content))
    path = tmp_path / "deep.bin"
    path.write_bytes(content)
    report = scan_file(path, policy, readers=[Bundle(), CSV], limits=Limits(max_depth=3))
    assert report.verdict == "unscannable"
    assert report.reason is not None and "nested more than 3 levels deep" in report.reason


def test_expanding_beyond_the_limit_is_unscannable(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "bomb.bin"
    path.write_bytes(bundle(*[(f"{i}.txt", b"x" * 1000) for i in range(10)]))
    report = scan_file(
        path, policy, readers=[Bundle(), TEXT], limits=Limits(max_expanded_bytes=5000)
    )
    assert (report.verdict, report.reason) == (
        "unscannable",
        "expands to more than 5000 bytes (limits.max_expanded_bytes)",
    )


def test_a_member_nobody_reads_makes_the_file_unscannable(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "with-image.bin"
    path.write_bytes(
        bundle(("a.csv", b"x,y\n1,2\n"), ("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(9)))
    )
    report = scan_file(path, policy, readers=[Bundle(), CSV])
    assert report.verdict == "unscannable"
    assert report.reason == "with-image.bin/photo.png: unsupported format: image/png"


@pytest.mark.parametrize(
    "error",
    [KeyError("A212345678"), ValueError("GARCIA, Maria"), RecursionError(), MemoryError()],
    ids=lambda e: type(e).__name__,
)
def test_a_failing_reader_fails_closed_without_quoting(
    tmp_path: Path, policy: Policy, error: Exception
) -> None:
    path = tmp_path / "x.broken"
    path.write_bytes(b"BROKEN")
    report = scan_file(path, policy, readers=[Broken(error)])
    assert report.verdict == "unscannable"
    assert report.reason == f"corrupt: cannot read as broken ({type(error).__name__})"


def test_a_reader_saying_unscannable_is_believed(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "x.broken"
    path.write_bytes(b"BROKEN")
    report = scan_file(path, policy, readers=[Broken(Unscannable("encrypted"))])
    assert (report.verdict, report.reason) == ("unscannable", "encrypted")


def test_a_reader_that_cannot_tell_does_not_accept(tmp_path: Path, policy: Policy) -> None:
    class Confused(Bundle):
        def accepts(self, probe: Probe) -> bool:
            raise ValueError("cannot tell")

    path = tmp_path / "p.csv"
    path.write_bytes(PERSON_CSV)
    assert scan_file(path, policy, readers=[Confused(), CSV]).format == "csv"


def test_scan_paths_walks_directories_in_order(tmp_path: Path, policy: Policy) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.csv").write_bytes(PERSON_CSV)
    (tmp_path / "b" / "a.txt").write_text("nothing here\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("[core]\n")
    (tmp_path / "top.md").write_text("# Title\n")
    seen: list[Path] = []
    reports = scan_paths([tmp_path], policy, progress=seen.append)
    names = [Path(r.path).relative_to(tmp_path).as_posix() for r in reports]
    assert names == ["top.md", "b/a.txt", "b/z.csv"]
    assert seen == [Path(r.path) for r in reports]
    assert [r.verdict for r in reports] == ["clean", "clean", "protected"]


def test_scan_paths_refuses_a_missing_path_before_scanning(tmp_path: Path, policy: Policy) -> None:
    (tmp_path / "ok.txt").write_text("x")
    seen: list[Path] = []
    with pytest.raises(UsageError, match="no such file or directory"):
        scan_paths([tmp_path / "ok.txt", tmp_path / "missing"], policy, progress=seen.append)
    assert seen == []


def test_a_named_pipe_is_not_read(tmp_path: Path, policy: Policy) -> None:
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    report = scan_file(fifo, policy)  # would block forever if it were opened
    assert (report.verdict, report.reason) == ("unscannable", "not a regular file")


def test_iter_files_does_not_follow_directory_links(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "f.txt").write_text("x")
    (tmp_path / "d" / "loop").symlink_to(tmp_path / "d")
    assert list(iter_files(tmp_path)) == [tmp_path / "d" / "f.txt"]


def test_persons_count_once_across_nested_sources(tmp_path: Path, policy: Policy) -> None:
    """The same person by A-number in one member, by name and birthdate in another, and by
    name in a third (nested deeper) is one person; a namesake born another day is another."""
    numbered = b"A-Number,Name,DOB,Claim Type\nA212345678,Juan Perez,03/04/1985,Asylum\n"
    named = b"Name,Date of Birth,Claim Type\nPEREZ, Juan,1985-03-04,Asylum\n"
    namesake = b"Name,Date of Birth,Claim Type\nJuan Perez,1990-01-01,Asylum\n"
    inner = bundle(("again.csv", named))
    path = tmp_path / "outer.bin"
    path.write_bytes(bundle(("a.csv", numbered), ("inner.bundle", inner), ("b.csv", named)))
    assert dict(scan_file(path, policy, readers=[Bundle(), CSV]).classes) == {"protected-person": 1}
    path.write_bytes(bundle(("a.csv", numbered), ("c.csv", namesake)))
    assert dict(scan_file(path, policy, readers=[Bundle(), CSV]).classes) == {"protected-person": 2}
