"""Files carried in table cells and as bare base64 (``approval.detect.carried``,
``approval.detect.blobs``): a CSV or workbook cell holding a ``data:`` URI or a base64 blob of a
roster is a roster; a cell of base64 that decodes to no file (a hash, a signature, a token) is
ordinary data."""

from __future__ import annotations

import base64
import csv
import gzip
import hashlib
import io
import json
import random
import uuid
from pathlib import Path

import pytest
from openpyxl import Workbook

from approval.detect import blobs
from approval.detect.carried import Carrier
from approval.detect.scan import guess_type, scan_file
from approval.detect.signatures import SIGNATURES
from approval.detect.units import Bound, Limits
from approval.policy import Policy
from tests.conftest import run_approval
from tests.corpus.carriers import payload_csv

LIST = payload_csv()
B64 = base64.b64encode(LIST).decode()
URI = f"data:text/csv;base64,{B64}"
WRAPPED = base64.encodebytes(LIST).decode()  # 76 columns a line, as base64 and MIME write it
PEM = "\n".join(B64[at : at + 64] for at in range(0, len(B64), 64))  # 64, as PEM does
HEADER = ["Case", "Office", "Attachment", "Status"]


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode()


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [HEADER, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rows(carried: str) -> list[list[str]]:
    """Ten ordinary rows, the fourth (row 5 under the header) carrying ``carried``."""
    rows = [[f"C-{n:04d}", "Field office", "", "open"] for n in range(10)]
    rows[3][2] = carried
    return rows


CARRIED = {
    "data URI": URI,
    "data URI in capitals": f"DATA:text/csv;base64,{B64}",
    "percent-encoded data URI": "data:text/csv," + "".join(f"%{b:02X}" for b in LIST),
    "bare base64": B64,
    "bare URL-safe base64": base64.urlsafe_b64encode(LIST).decode(),
    "bare base64 of a gzip": base64.b64encode(gzip.compress(LIST, mtime=0)).decode(),
    "bare base64 of UTF-16": base64.b64encode(LIST.decode().encode("utf-16")).decode(),
    # Excel's "CSV" on Windows: a name with an accent is no UTF-8.
    "bare base64 of Windows-1252": base64.b64encode(LIST.decode().encode("cp1252")).decode(),
    # A cell of several lines (a quoted CSV field; a workbook cell with line breaks).
    "bare base64 wrapped at 76 columns": WRAPPED,
}


@pytest.mark.parametrize("kind", sorted(CARRIED))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_list_carried_in_a_cell_blocks_and_names_its_cell(
    tmp_path: Path, policy: Policy, kind: str, fmt: str
) -> None:
    path = tmp_path / f"cases.{fmt}"
    rows = _rows(CARRIED[kind])
    path.write_bytes(_csv(rows) if fmt == "csv" else _xlsx(rows))
    report = scan_file(path, policy)
    assert report.verdict == "protected", (kind, report.reason)
    assert report.classes.get("protected-person") == 6
    prefix = "data-uri-1" if "URI" in kind else "base64-1"
    parts = {part.part for part in report.coverage}
    assert f"{prefix} in cell C5" in parts, parts
    found = [f for f in report.findings if "cell C5" in str(f.location.get("part", ""))]
    assert found, [f.location for f in report.findings]


def test_through_the_command(tmp_path: Path) -> None:
    (tmp_path / "uri.csv").write_bytes(_csv(_rows(URI)))
    (tmp_path / "bare.xlsx").write_bytes(_xlsx(_rows(B64)))
    (tmp_path / "clean.csv").write_bytes(_csv(_rows("pending review")))
    result = run_approval("scan", "--format", "json", tmp_path)
    assert "Traceback" not in result.output
    files = {Path(f["path"]).name: f for f in json.loads(result.stdout)["files"]}
    assert {name: f["verdict"] for name, f in files.items()} == {
        "uri.csv": "protected",
        "bare.xlsx": "protected",
        "clean.csv": "clean",
    }
    places = [str(f["location"].get("part")) for f in files["uri.csv"]["findings"]]
    assert any(place.endswith("data-uri-1 in cell C5") for place in places), places
    # The redacted samples only: no name or A-number of the list in the output.
    assert B64[:40] not in result.stdout


def _ordinary_tokens() -> list[str]:
    rng = random.Random(7)
    return [
        hashlib.sha256(b"a").hexdigest() * 4,  # hex digests, joined: 256 characters
        hashlib.sha512(b"b").hexdigest() * 2,
        str(uuid.UUID(int=rng.getrandbits(128))) * 8,
        base64.b64encode(rng.randbytes(256)).decode(),  # an RSA signature
        base64.urlsafe_b64encode(rng.randbytes(300)).decode().rstrip("="),  # a token
        base64.b64encode(b"\x00\x00\x00\x07ssh-rsa" + rng.randbytes(270)).decode(),  # a key
        "x" * 300,  # a run of letters, not base64 of anything
        "A" * 4 + "/" * 250,
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_ordinary_base64_looking_cells_do_not_block(
    tmp_path: Path, policy: Policy, fmt: str
) -> None:
    rows = [
        [f"C-{n:04d}", "Field office", token, "open"] for n, token in enumerate(_ordinary_tokens())
    ]
    rows.append(["C-9999", "http://example.org/a:b", "2024-01-01T12:00:00", "Status: a: done"])
    path = tmp_path / f"tokens.{fmt}"
    path.write_bytes(_csv(rows) if fmt == "csv" else _xlsx(rows))
    report = scan_file(path, policy)
    assert report.verdict == "clean", report.reason


BARE_ELSEWHERE = {
    "notes.txt": f"Attached roster:\n{B64}\n",
    "export.json": json.dumps({"report": "weekly", "attachment": B64}),
    "notes.md": f"# Notes\n\n`{B64}`\n",
    "wrapped.txt": f"Attached roster:\n\n{WRAPPED}\nRegards\n",
    "wrapped.json": json.dumps({"report": "weekly", "attachment": WRAPPED}),
    "roster.pem": f"-----BEGIN ROSTER-----\n{PEM}\n-----END ROSTER-----\n",
}


def test_wrapped_base64_of_no_file_stays_data(tmp_path: Path, policy: Policy) -> None:
    # A certificate's DER and a list of digests, one a line: base64 (and hex) that is no file.
    der = base64.encodebytes(random.Random(7).randbytes(1500)).decode()
    digests = "\n".join(hashlib.sha256(bytes([n])).hexdigest() for n in range(40))
    path = tmp_path / "keys.txt"
    path.write_text(f"-----BEGIN CERTIFICATE-----\n{der}-----END CERTIFICATE-----\n\n{digests}\n")
    report = scan_file(path, policy)
    assert report.verdict == "clean", report.reason


@pytest.mark.parametrize("name", sorted(BARE_ELSEWHERE))
def test_bare_base64_in_lines_and_values_is_read(tmp_path: Path, policy: Policy, name: str) -> None:
    path = tmp_path / name
    path.write_text(BARE_ELSEWHERE[name])
    report = scan_file(path, policy)
    assert report.verdict == "protected", (name, report.reason)
    assert any(part.part.endswith("base64-1") for part in report.coverage)


def test_a_known_format_no_reader_reads_blocks(tmp_path: Path, policy: Policy) -> None:
    """Bytes that start as a 7-Zip archive are a file, unread: the scan fails closed."""
    blob = base64.b64encode(b"7z\xbc\xaf\x27\x1c" + random.Random(1).randbytes(300)).decode()
    path = tmp_path / "cases.csv"
    path.write_bytes(_csv(_rows(blob)))
    report = scan_file(path, policy)
    assert report.verdict == "unscannable"
    assert "base64-1 in cell C5" in (report.reason or "")


# The list's base64 with both ``+`` and ``/`` in it (B64 has neither).
SIGNS = base64.b64encode(LIST + b"\n???~~~").decode()


RUNS = [
    (B64, True),
    (B64[:-4], True),  # unpadded tail: still decodes
    (B64 + "A", False),  # more after the padding: no run
    (B64.rstrip("=")[:-1], False),  # a length no base64 has (4n + 1)
    (B64.replace("A", "-", 1).replace("B", "+", 1), False),  # two alphabets
    (SIGNS, True),
    (SIGNS.replace("+", "-").replace("/", "_"), True),  # URL-safe
    (SIGNS.replace("+", "-"), False),  # two alphabets, the same bytes in either
    (base64.b64encode(LIST.decode().encode("cp1252")).decode(), True),
    (base64.b64encode(("氏名 マリア・ゴンサレス 庇護申請中\n" * 8).encode("cp932")).decode(), True),
    (base64.b64encode(random.Random(2).randbytes(400)).decode(), False),
    (base64.b64encode(b"%PDF-1.7\n" + bytes(300)).decode(), True),
    (B64[: blobs.MIN_CHARS - 4], False),  # too short to be taken
    # Hexadecimal (an RTF picture, a hex dump) whose base64 decoding would read as text.
    (bytes(300).hex(), False),
    (b"".join(n.to_bytes(4, "little") for n in range(100)).hex(), False),
]


@pytest.mark.parametrize(("run", "taken"), RUNS)
def test_which_runs_are_files(run: str, taken: bool) -> None:
    assert "+" in SIGNS and "/" in SIGNS
    assert any(blobs.decode(r) is not None for r in blobs.runs(f"file: {run}.")) is taken


@pytest.mark.parametrize(
    ("offset", "magic", "mime"), [row for row in SIGNATURES if len(row[1]) > 2], ids=repr
)
def test_bytes_the_scan_names_by_signature_are_a_file(offset: int, magic: bytes, mime: str) -> None:
    """Random bytes but for a signature the scan core names (``scan.guess_type``: read, or
    blocked as unsupported, an MP3 or an Ogg file too) are a file, never left as data."""
    noise = random.Random(offset).randbytes(400)
    data = noise[:offset] + magic + noise[offset:]
    assert guess_type(data) == mime
    assert not blobs.is_file(noise)
    assert blobs.is_file(data)
    run = base64.b64encode(data).decode()
    assert [blobs.decode(r) for r in blobs.runs(f"attachment: {run}")] == [data]


def test_too_many_carried_files_stop_the_scan() -> None:
    carrier = Carrier(Limits(max_entries=3))
    with pytest.raises(Bound, match="more than 3 "):
        for _ in range(4):
            carrier.value(B64)
    big = Carrier(Limits(max_expanded_bytes=len(LIST) * 2))
    with pytest.raises(Bound, match="bytes"):
        for _ in range(3):
            big.value(B64)


def test_a_cell_bomb_of_blobs_stops_the_scan(tmp_path: Path, policy: Policy) -> None:
    many = Limits().max_entries + 1
    small = base64.b64encode(b"monthly statistics regenerated, " * 6).decode()
    path = tmp_path / "bomb.csv"
    path.write_bytes(_csv([["C", "o", small, "open"] for _ in range(many)]))
    report = scan_file(path, policy)
    assert report.verdict == "unscannable"
    assert "base64" in (report.reason or "")
