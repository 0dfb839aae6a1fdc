"""A ZIP member's extra fields are read (``zip.extras``): Info-ZIP's Unicode path and comment,
which ``unzip -l`` and ``unzip -z`` show in place of the names ``zipfile`` reads, and the text
of any field no tool fills with numbers."""

from __future__ import annotations

import io
import struct
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from approval.detect.scan import scan_file
from approval.policy import Policy
from tests.corpus.carriers import payload_csv, payload_persons


def _field(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _archive(extras: list[bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for number, extra in enumerate(extras):
            info = zipfile.ZipInfo(f"scan_{number:03d}.txt", time.localtime()[:6])
            info.extra = extra
            archive.writestr(info, "weekly facility count: 12\n")
    return out.getvalue()


def _unicode_path(text: str, shown: str) -> bytes:
    return _field(0x7075, b"\x01" + struct.pack("<I", zlib.crc32(shown.encode())) + text.encode())


PEOPLE = payload_persons()
CASES = {
    "unicode path": [
        _unicode_path(f"credible_fear/{p.last}_{p.first}_{p.a_number}.txt", f"scan_{n:03d}.txt")
        for n, p in enumerate(PEOPLE)
    ],
    "private field": [_field(0x4B50, payload_csv())],
    "unix times and ids only": [_field(0x5455, b"\x03" + bytes(8)) + _field(0x7875, bytes(11))],
}


@pytest.mark.parametrize(("case", "verdict"), [
    ("unicode path", "protected"), ("private field", "protected"),
    ("unix times and ids only", "clean"),
])  # fmt: skip
def test_extra_fields_are_read(tmp_path: Path, policy: Policy, case: str, verdict: str) -> None:
    path = tmp_path / "scans.zip"
    path.write_bytes(_archive(CASES[case]))
    report = scan_file(path, policy)
    assert report.verdict == verdict, (case, report.reason)
