"""Scanner throughput against the issue's targets.

Builds, in a temporary directory:

- a 200,000-row workbook of detainee records (the 2022 sheet, scaled up) and one of the same
  size with no personal data (monthly statistics), written as raw XML so that building them
  takes seconds;
- a 100 MB CSV of such records, and one of the same size with no personal data;
- the 6,252-row, 8-column workbook that leaked, scanned with ``approval scan`` (CLI start
  included);
- 20 MB of prose: paragraphs of running text, some naming a person with a birthdate, an
  A-number, a facility or a claim (memos and mail as an agency writes them).

Every measurement runs in a fresh subprocess, so that peak memory (VmHWM, else ru_maxrss) is
the scan's own. The baseline is the fastest plain read of the same cells: python-calamine for
workbooks, ``csv.reader`` for CSV. For prose it is reading the file as UTF-8 lines and
cutting each line into words with ``str.split``: the least any reader of prose does (names,
dates and claim terms are runs of words, so every detector must at least decode and
tokenise), done in C; a single regex (an A-number pattern runs at hundreds of MB/s) would
measure one detector, not reading. Prose has no target in the issue: it is reported.
Scan and baseline runs alternate, round by round, so that a slow spell of a shared machine
falls on both; the times are medians over the rounds and the ratio is the median of the
per-round ratios. Times are wall-clock and CPU (CPU is steadier on a shared machine); ratios
are given for both.

Targets (issue 17): xlsx <= 1.8x calamine on 100,000 rows (``--rows 100000``), CSV <= 2.5x
``csv.reader``, peak memory for the 100 MB CSV (about a million distinct persons) < 150 MB, the
6,252-row workbook in < 1 s with CLI start. The CSV is measured in process and as the whole
command as a user runs it (``approval scan --format json FILE``, Python's start, the imports,
the policy and the detectors included) against the whole command that reads the file with
``csv.reader``, alternated round by round, CPU from the children's rusage; the target applies to
both. If the xlsx reader cannot read the workbooks (not landed yet), the workbook lines say so
instead of a time.

    .venv/bin/python bench/bench_scan.py [--csv-mb 100] [--rows 200000] [--prose-mb 20]
                                         [--rounds 3] [--only prose] [--keep DIR]

``--only csv`` (repeatable: ``--only xlsx --only cli``) builds and measures those files only.
``--keep DIR --reuse`` measures the files a run before built in ``DIR`` with the same sizes
(``DIR/built.json`` records them, with this script's digest), instead of building them again.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from _bytecode import compile_package

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LEAK_HEADER = [
    "A-Number",
    "Last Name",
    "First Name",
    "DOB",
    "Country of Citizenship",
    "Detention Facility",
    "Case Status",
    "Fear Result",
]
CLEAN_HEADER = [
    "Fiscal Year",
    "Month",
    "Area of Responsibility",
    "Country of Citizenship",
    "Book-ins",
    "Book-outs",
    "Average Daily Population",
    "Average Length of Stay",
]
LAST = [
    "GARCIA",
    "LOPEZ",
    "MARTINEZ",
    "HERNANDEZ",
    "PEREZ",
    "GONZALEZ",
    "RODRIGUEZ",
    "SANCHEZ",
    "RAMIREZ",
    "CRUZ",
]
FIRST = [
    "Maria",
    "Jose",
    "Juan",
    "Ana",
    "Luis",
    "Carmen",
    "Carlos",
    "Rosa",
    "Jorge",
    "Elena",
    "Miguel",
    "Sofia",
]
COUNTRIES = [
    "Guatemala",
    "Honduras",
    "Mexico",
    "Venezuela",
    "Haiti",
    "Cuba",
    "Nicaragua",
    "Colombia",
    "Ecuador",
]
COUNTRIES += ["El Salvador", "India", "China"]
FACILITIES = [
    "Adelanto ICE Processing Center",
    "Otay Mesa Detention Center",
    "Port Isabel Service Processing Center",
    "Stewart Detention Center",
    "South Texas Family Residential Center",
]
CLAIMS = ["Credible Fear - Positive", "Credible Fear - Negative", "Asylum", "CAT", "Pending"]
AORS = [
    "Atlanta",
    "Baltimore",
    "Boston",
    "Chicago",
    "Dallas",
    "Denver",
    "Detroit",
    "Houston",
    "Miami",
    "Phoenix",
]
MONTHS = ["Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep"]


def person_rows(count: int, seed: int = 1) -> Iterator[list[str | int]]:
    """Detainee records; the DOB is an Excel serial (shown through a date format)."""
    rng = random.Random(seed)
    epoch = date(1899, 12, 30)
    for i in range(count):
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 55))
        yield [
            f"A{200_000_000 + i * 37 % 40_000_000:09d}",
            rng.choice(LAST),
            rng.choice(FIRST),
            (born - epoch).days,
            rng.choice(COUNTRIES),
            rng.choice(FACILITIES),
            "Detained",
            rng.choice(CLAIMS),
        ]


def clean_rows(count: int, seed: int = 2) -> Iterator[list[str | int]]:
    rng = random.Random(seed)
    for i in range(count):
        yield [
            f"FY{2015 + i % 9}",
            MONTHS[i % 12],
            rng.choice(AORS),
            rng.choice(COUNTRIES),
            rng.randrange(0, 5000),
            rng.randrange(0, 5000),
            rng.randrange(0, 2000),
            f"{rng.uniform(1, 90):.1f}",
        ]


FILLER = [
    "The office reviewed the quarterly figures and found that processing times fell in most areas.",
    "Staff completed the annual training on records management before the end of the fiscal year.",
    "Bed space at the processing centers rose slightly over the quarter, as the table shows.",
    "The working group will meet again in March to agree the schedule for the next release.",
    "Interpreters were available in Spanish, Portuguese, French and Haitian Creole at every site.",
    "Contract transport costs stayed within the budget agreed at the start of the year.",
    "Asylum officers completed more interviews than in the same month of the previous year.",
    "The regional director thanked the field offices for their work over the holiday period.",
    "Nationals of Honduras, Guatemala and El Salvador made up most of the book-ins this month.",
    "A new scheduling system will replace the paper calendars used at two of the courts.",
    "Please send comments on the draft to the policy unit by the end of next week.",
    "The average length of stay was 41 days, down from 47 days in the previous quarter.",
]
PERSON_SENTENCES = [
    "{name}, born {born}, was transferred to {facility} on {day}.",
    "{name} (A-Number {a}) told the officer that she feared persecution and asked for asylum.",
    "The credible fear interview of {name}, {a}, found a significant possibility of harm.",
    "{name}, a national of {country} born on {born}, remains detained at {facility}.",
    "On {day} {name} filed Form I-589 for asylum and withholding of removal.",
    "Mr. {last} was released from {facility} on {day} after posting bond.",
]


def prose_paragraphs(seed: int = 3) -> Iterator[str]:
    """Paragraphs of running text wrapped at about 90 characters; about one in four names a
    person with a birthdate, an A-number, a facility or a claim."""
    rng = random.Random(seed)
    epoch = date(1950, 1, 1)
    number = 0
    while True:
        sentences = [rng.choice(FILLER) for _ in range(rng.randint(3, 7))]
        if rng.random() < 0.25:
            last = rng.choice(LAST).title()
            sentences.insert(
                rng.randrange(len(sentences) + 1),
                rng.choice(PERSON_SENTENCES).format(
                    name=f"{rng.choice(FIRST)} {last}",
                    last=last,
                    born=(epoch + timedelta(days=rng.randrange(0, 365 * 55))).strftime("%m/%d/%Y"),
                    a=f"A{200_000_000 + number * 37 % 40_000_000:09d}",
                    facility=rng.choice(FACILITIES),
                    country=rng.choice(COUNTRIES),
                    day=f"{rng.choice(MONTHS)} {rng.randint(1, 28)}",
                ),
            )
            number += 1
        words = " ".join(sentences).split(" ")
        yield "\n".join(" ".join(words[i : i + 14]) for i in range(0, len(words), 14))


def write_prose(path: Path, megabytes: int) -> int:
    """Paragraphs (a blank line between) until the file holds ``megabytes``; returns how
    many paragraphs."""
    limit = megabytes * 1024 * 1024
    count = size = 0
    with path.open("w", encoding="utf-8") as f:
        for paragraph in prose_paragraphs():
            size += f.write(paragraph + "\n\n")
            count += 1
            if size >= limit:
                break
    return count


# --- writers ---------------------------------------------------------------------------------


_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "application/vnd.openxmlformats-package"
_SML = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_xml(
    header: list[str],
    rows: Iterator[list[str | int]],
    date_column: int | None,
    shared: dict[str, int] | None = None,
) -> Iterator[str]:
    """The sheet's XML; text as inline strings, or, given ``shared``, as indexes into the
    shared-string table (as Excel writes every text cell), each new string added to it."""
    yield (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheetData>"
    )
    letters = [_column(i) for i in range(len(header))]
    first: list[str | int] = list(header)
    # Streamed: a list of 200,000 rows would grow this process, and a child forked from it
    # inherits its resident size into ru_maxrss.
    for r, row in enumerate(itertools.chain([first], rows), start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{letters[c]}{r}"
            if isinstance(value, int):
                style = ' s="1"' if c == date_column and r > 1 else ""
                cells.append(f'<c r="{ref}"{style}><v>{value}</v></c>')
            elif shared is not None:
                index = shared.setdefault(value, len(shared))
                cells.append(f'<c r="{ref}" t="s"><v>{index}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
        yield f'<row r="{r}">{"".join(cells)}</row>'
    yield "</sheetData></worksheet>"


def write_workbook(
    path: Path,
    sheets: list[tuple[str, list[str], Iterator[list[str | int]], int | None, str]],
    *,
    shared_strings: bool = False,
) -> Path:
    """A minimal, valid .xlsx: ``sheets`` are (name, header, rows, date column, state); text
    in inline strings, or with ``shared_strings`` in a shared-string table, as Excel saves."""
    shared: dict[str, int] | None = {} if shared_strings else None
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    styles_id = len(sheets) + 1
    rels += f'<Relationship Id="rId{styles_id}" Type="{_REL}/styles" Target="styles.xml"/>'
    if shared is not None:
        rels += (
            f'<Relationship Id="rId{styles_id + 1}" Type="{_REL}/sharedStrings" '
            'Target="sharedStrings.xml"/>'
        )
    sheet_list = "".join(
        f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"'
        + (f' state="{state}"' if state != "visible" else "")
        + "/>"
        for i, (name, _, _, _, state) in enumerate(sheets, start=1)
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SML}.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="{_PACKAGE}.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_SML}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_SML}.styles+xml"/>'
            + (
                '<Override PartName="/xl/sharedStrings.xml" '
                f'ContentType="{_SML}.sharedStrings+xml"/>'
                if shared is not None
                else ""
            )
            + f"{overrides}</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<sheets>{sheet_list}</sheets></workbook>",
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>",
        )
        z.writestr(
            "xl/styles.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0"/>'
            '<xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
            "</styleSheet>",
        )
        for i, (_, header, rows, date_column, _) in enumerate(sheets, start=1):
            with z.open(f"xl/worksheets/sheet{i}.xml", "w") as f:
                buffer: list[str] = []
                for chunk in _sheet_xml(header, rows, date_column, shared):
                    buffer.append(chunk)
                    if len(buffer) >= 4096:
                        f.write("".join(buffer).encode())
                        buffer = []
                f.write("".join(buffer).encode())
        if shared is not None:
            with z.open("xl/sharedStrings.xml", "w") as f:
                f.write(
                    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                    f'count="{len(shared)}" uniqueCount="{len(shared)}">'.encode()
                )
                strings = iter(shared)  # in index order: dicts keep insertion order
                while texts := list(itertools.islice(strings, 4096)):
                    f.write("".join(f"<si><t>{escape(t)}</t></si>" for t in texts).encode())
                f.write(b"</sst>")
    return path


def write_csv(
    path: Path, header: list[str], rows: Iterator[list[str | int]], megabytes: int
) -> int:
    """Rows until the file holds ``megabytes``; returns the number of data rows."""
    limit = megabytes * 1024 * 1024
    epoch = date(1899, 12, 30)
    count = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for row in rows:
            if header is LEAK_HEADER:
                row = [
                    *row[:3],
                    (epoch + timedelta(days=int(row[3]))).strftime("%m/%d/%Y"),
                    *row[4:],
                ]
            writer.writerow(row)
            count += 1
            if count % 4096 == 0 and f.tell() >= limit:
                break
    return count


def built(
    work: Path, name: str, params: dict[str, Any], make: Callable[[Path], int], reuse: bool
) -> tuple[Path, int]:
    """``work/name`` made by ``make`` (which returns how many rows or paragraphs it wrote); with
    ``reuse``, the file an earlier run made with the same ``params`` and this same script, as
    ``work/built.json`` records, when its size and time are unchanged."""
    path = work / name
    manifest = work / "built.json"
    try:
        known: dict[str, Any] = json.loads(manifest.read_text())
    except (OSError, ValueError):
        known = {}
    want = {**params, "script": hashlib.sha256(Path(__file__).read_bytes()).hexdigest()}
    entry = known.get(name)
    if reuse and entry is not None and entry["params"] == want and path.exists():
        stat = path.stat()
        if (entry["size"], entry["mtime_ns"]) == (stat.st_size, stat.st_mtime_ns):
            return path, int(entry["count"])
    count = make(path)
    stat = path.stat()
    known[name] = {
        "params": want,
        "count": count,
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
    }
    manifest.write_text(json.dumps(known, indent=1))
    return path, count


# --- measuring ---------------------------------------------------------------------------------

_MEASURE = """
import json, resource, sys, time
kind, path = sys.argv[1], sys.argv[2]
wall, cpu = time.perf_counter(), time.process_time()
out = {}
if kind == "scan":
    from pathlib import Path
    from approval.detect.scan import scan_file
    from approval.policy import default_policy
    policy = default_policy()
    wall, cpu = time.perf_counter(), time.process_time()  # the scan, not the start-up
    report = scan_file(Path(path), policy)
    out = {"verdict": report.verdict, "reason": report.reason, "classes": dict(report.classes)}
elif kind == "calamine":
    from python_calamine import CalamineWorkbook
    book = CalamineWorkbook.from_path(path)
    cells = 0
    for name in book.sheet_names:
        for row in book.get_sheet_by_name(name).iter_rows():
            cells += len(row)
    out = {"cells": cells}
elif kind == "csv":
    import csv
    rows = 0
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            rows += 1
    out = {"rows": rows}
elif kind == "split":
    words = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            words += len(line.split())
    out = {"words": words}
out["wall"] = time.perf_counter() - wall
out["cpu"] = time.process_time() - cpu
# VmHWM is this program's own peak; on Linux ru_maxrss also keeps the resident size of the
# process it was forked from (the benchmark, which may be large), across exec.
try:
    with open("/proc/self/status") as status:
        hwm = [line.split()[1] for line in status if line.startswith("VmHWM:")]
    out["peak_mb"] = int(hwm[0]) / 1024
except (OSError, IndexError):
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def measure(kind: str, path: Path) -> dict[str, Any]:
    """One run in a fresh subprocess."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, kind, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@dataclass(frozen=True)
class Rounds:
    """Scan and baseline, alternated for ``rounds`` rounds: medians of each, and the median
    of the per-round ratios (each ratio of a scan and the baseline run beside it)."""

    scan: dict[str, Any]  # the last scan's verdict, reason and classes, and medians
    base: dict[str, float]
    ratio_wall: float
    ratio_cpu: float
    rounds: int


def measure_rounds(path: Path, baseline_kind: str, rounds: int) -> Rounds:
    scans: list[dict[str, Any]] = []
    bases: list[dict[str, Any]] = []
    for number in range(rounds):
        # Alternate which goes first too: neither always gets the warmer page cache.
        pair = [("scan", scans), (baseline_kind, bases)]
        for kind, into in pair if number % 2 == 0 else reversed(pair):
            into.append(measure(kind, path))
    scan = {**scans[-1]}
    for key in ("wall", "cpu", "peak_mb"):
        scan[key] = statistics.median(float(r[key]) for r in scans)
    base = {key: statistics.median(float(r[key]) for r in bases) for key in ("wall", "cpu")}
    return Rounds(
        scan,
        base,
        statistics.median(s["wall"] / b["wall"] for s, b in zip(scans, bases, strict=True)),
        statistics.median(s["cpu"] / b["cpu"] for s, b in zip(scans, bases, strict=True)),
        rounds,
    )


_CALAMINE_COMMAND = """
import sys
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_path(sys.argv[1])
sheets = (book.get_sheet_by_name(name) for name in book.sheet_names)
print(sum(len(row) for sheet in sheets for row in sheet.iter_rows()))
"""


def _command_seconds(command: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    return time.perf_counter() - start, done.stdout or done.stderr


def cli_seconds(path: Path, rounds: int = 3) -> tuple[float, float, float, str]:
    """Wall time of ``approval scan FILE`` as a user runs it (start-up included): the best of
    ``rounds``, and the median ratio to the whole command that reads the same cells with
    calamine (start-up included too), the two alternated round by round; with that median
    calamine time and the verdict."""
    scans: list[float] = []
    bases: list[float] = []
    verdict = ""
    scan_command = [sys.executable, "-m", "approval", "scan", "--format", "json", str(path)]
    base_command = [sys.executable, "-c", _CALAMINE_COMMAND, str(path)]
    for number in range(rounds):
        pair = [(scan_command, scans), (base_command, bases)]
        for command, into in pair if number % 2 == 0 else reversed(pair):
            seconds, out = _command_seconds(command)
            into.append(seconds)
            if command is scan_command:
                try:
                    verdict = json.loads(out)["files"][0]["verdict"]
                except (ValueError, KeyError, IndexError):
                    verdict = out.strip()[:200]
    ratio = statistics.median(s / b for s, b in zip(scans, bases, strict=True))
    return min(scans), ratio, statistics.median(bases), verdict


_CSV_COMMAND = """
import csv, sys
rows = 0
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    for row in csv.reader(f):
        rows += 1
print(rows)
"""


def _child_seconds(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user and system, from the children's rusage) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu


def whole_command(
    label: str,
    path: Path,
    rounds: int,
    target: float,
    baseline: tuple[str, str] = ("csv.reader", _CSV_COMMAND),
) -> None:
    """``approval scan`` of ``path`` as a user runs it, against the whole command that reads it
    with ``csv.reader`` (or ``baseline``: its name and script; Python's start in both),
    alternated round by round: medians, and the median of the per-round ratios."""
    scan_command = [sys.executable, "-m", "approval", "scan", "--format", "json", str(path)]
    base_command = [sys.executable, "-c", baseline[1], str(path)]
    scans: list[tuple[float, float]] = []
    bases: list[tuple[float, float]] = []
    for number in range(rounds):
        pair = [(scan_command, scans), (base_command, bases)]
        for command, into in pair if number % 2 == 0 else reversed(pair):
            into.append(_child_seconds(command))
    ratio_wall = statistics.median(s[0] / b[0] for s, b in zip(scans, bases, strict=True))
    ratio_cpu = statistics.median(s[1] / b[1] for s, b in zip(scans, bases, strict=True))
    ok = "ok" if ratio_cpu <= target else "OVER TARGET"
    print(
        f"{label:<28} whole command: scan {statistics.median(s[0] for s in scans):.2f} s wall "
        f"{statistics.median(s[1] for s in scans):.2f} s cpu, {baseline[0]} command "
        f"{statistics.median(b[0] for b in bases):.2f} s wall "
        f"{statistics.median(b[1] for b in bases):.2f} s cpu -> ratio {ratio_wall:.2f}x wall, "
        f"{ratio_cpu:.2f}x cpu (target <= {target:g}x: {ok}); median of {rounds} alternated "
        f"rounds; load {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )


def report(
    label: str,
    path: Path,
    count: int,
    unit: str,
    baseline_kind: str,
    target: float | None,
    rounds: int,
) -> None:
    """One line of figures for ``path`` against ``baseline_kind``; ``target`` is the largest
    CPU ratio the issue allows (None: reported, no target)."""
    size_mb = path.stat().st_size / 1024 / 1024
    measured = measure_rounds(path, baseline_kind, rounds)
    scan, base = measured.scan, measured.base
    if scan["verdict"] == "unscannable":
        print(f"{label:<28} {size_mb:7.1f} MB  not scanned: {scan['reason']}")
        print(f"{'':<28} {baseline_kind} plain read {base['wall']:.2f} s")
        return
    wall, cpu = scan["wall"], scan["cpu"]
    if target is None:
        ok = "no target"
    else:
        ok = f"target <= {target:g}x: " + ("ok" if measured.ratio_cpu <= target else "OVER TARGET")
    print(
        f"{label:<28} {size_mb:7.1f} MB  {count:>9,} {unit}  scan {wall:6.2f} s wall "
        f"{cpu:6.2f} s cpu  {count / wall:>9,.0f} {unit}/s  {size_mb / wall:6.1f} MB/s  "
        f"peak {scan['peak_mb']:6.1f} MB"
    )
    print(
        f"{'':<28} {baseline_kind} plain read {base['wall']:.2f} s wall {base['cpu']:.2f} s cpu "
        f"({size_mb / base['wall']:.1f} MB/s) -> ratio {measured.ratio_wall:.2f}x wall, "
        f"{measured.ratio_cpu:.2f}x cpu ({ok}); median of {measured.rounds} alternated rounds; "
        f"verdict {scan['verdict']} {scan['classes']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="rows of the big workbooks")
    parser.add_argument("--csv-mb", type=int, default=100, help="size of the big CSV files")
    parser.add_argument("--prose-mb", type=int, default=20, help="size of the prose file")
    parser.add_argument("--rounds", type=int, default=3, help="alternated rounds per file")
    parser.add_argument(
        "--only", choices=["xlsx", "csv", "prose", "cli"], action="append", help="these only"
    )
    parser.add_argument("--keep", type=Path, help="build the files here and keep them")
    parser.add_argument(
        "--reuse", action="store_true", help="with --keep: measure the files built there before"
    )
    args = parser.parse_args()
    compile_package()  # commands run from byte-code, as installed (bench/_bytecode.py)
    if args.reuse and args.keep is None:
        parser.error("--reuse needs --keep DIR")
    only = set(args.only or ["xlsx", "csv", "prose", "cli"])

    with tempfile.TemporaryDirectory(prefix="bench-scan-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        reuse = bool(args.reuse)
        rows = {"rows": args.rows}
        if "cli" in only:

            def leaked(p: Path) -> int:
                summary = ("Summary", CLEAN_HEADER, clean_rows(40), None, "visible")
                write_workbook(
                    p, [summary, ("Detainees", LEAK_HEADER, person_rows(6252), 3, "visible")]
                )
                return 6252

            leak, _ = built(work, "leak-6252.xlsx", {}, leaked, reuse)
        if "xlsx" in only:

            def workbook(
                sheet: str, header: list[str], people: bool, state: str, shared: bool
            ) -> Callable[[Path], int]:
                def make(p: Path) -> int:
                    source = person_rows(args.rows) if people else clean_rows(args.rows)
                    date_column = 3 if people else None
                    sheets = [(sheet, header, source, date_column, state)]
                    write_workbook(p, sheets, shared_strings=shared)
                    return int(args.rows)

                return make

            people_xlsx, _ = built(
                work,
                "people.xlsx",
                rows,
                workbook("Detainees", LEAK_HEADER, True, "hidden", False),
                reuse,
            )
            clean_xlsx, _ = built(
                work,
                "clean.xlsx",
                rows,
                workbook("Statistics", CLEAN_HEADER, False, "visible", False),
                reuse,
            )
            shared_xlsx, _ = built(
                work,
                "people-shared.xlsx",
                rows,
                workbook("Detainees", LEAK_HEADER, True, "visible", True),
                reuse,
            )
        if "csv" in only:
            size = {"csv_mb": args.csv_mb}
            people_csv, people_count = built(
                work,
                "people.csv",
                size,
                lambda p: write_csv(p, LEAK_HEADER, person_rows(10**9), args.csv_mb),
                reuse,
            )
            clean_csv, clean_count = built(
                work,
                "clean.csv",
                size,
                lambda p: write_csv(p, CLEAN_HEADER, clean_rows(10**9), args.csv_mb),
                reuse,
            )
        if "prose" in only:
            prose, paragraphs = built(
                work,
                "prose.txt",
                {"prose_mb": args.prose_mb},
                lambda p: write_prose(p, args.prose_mb),
                reuse,
            )
        print(f"built the files in {time.perf_counter() - started:.1f} s under {work}\n")

        rounds = args.rounds
        if "xlsx" in only:
            report("workbook, persons", people_xlsx, args.rows, "rows", "calamine", 1.8, rounds)
            whole_command("", people_xlsx, rounds, 1.8, ("calamine", _CALAMINE_COMMAND))
            report(
                "workbook, no personal data", clean_xlsx, args.rows, "rows", "calamine", 1.8, rounds
            )
            report(
                "workbook, shared strings", shared_xlsx, args.rows, "rows", "calamine", 1.8, rounds
            )
            whole_command("", shared_xlsx, rounds, 1.8, ("calamine", _CALAMINE_COMMAND))
        if "csv" in only:
            report("CSV, persons", people_csv, people_count, "rows", "csv", 2.5, rounds)
            whole_command("", people_csv, rounds, 2.5)
            report("CSV, no personal data", clean_csv, clean_count, "rows", "csv", 2.5, rounds)
            whole_command("", clean_csv, rounds, 2.5)
        if "prose" in only:
            report("prose, some persons", prose, paragraphs, "paras", "split", None, rounds)

        if "cli" in only:
            seconds, ratio, base, verdict = cli_seconds(leak, max(rounds, 3))
            ok = "ok" if seconds < 1 else "OVER TARGET"
            ok_ratio = "ok" if ratio <= 2 else "OVER TARGET"
            print(
                f"\n`approval scan` of the 6,252-row, 8-column workbook, CLI start included: "
                f"{seconds:.2f} s (target < 1 s: {ok}); verdict {verdict}\n"
                f"{'':<28} whole command against calamine's ({base:.2f} s, Python start "
                f"included): ratio {ratio:.2f}x wall (target <= 2x: {ok_ratio}); median of "
                f"{max(rounds, 3)} alternated rounds"
            )


if __name__ == "__main__":
    main()
