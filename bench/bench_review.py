"""Officials' commands at scale: ``approval status FILE``, ``status REQUEST``, ``show REQUEST``,
``inbox --key KEY`` and ``sign REQUEST --yes`` on a ledger of 100k entries once the saved state
is warm, as whole CLI commands and in process, wall clock and CPU time (the process's and its
children's: git).

The ledger is built fast with ``git fast-import`` (bench_ledger.py's ``fast_import``) from
statements validly signed by the officials of a real roster (bench_gate.py's ``Agency``): an
adoption, then a request, two sign-offs and an export per artifact, ending with a workbook's
request that the privacy officer has signed and the senior official has not, and as many other
such requests as there are ``sign`` runs (each run signs a new one as the senior official).

``--baseline REF`` times the package as it is at git ``REF`` (extracted with ``git archive``, put
first on ``PYTHONPATH``) on the same ledger, runs interleaved with the working tree's, each with
its own saved state (the state is keyed by the code that made it). A ``sign`` appends: the next
command of either code catches up on the entries after its saved state, as in real use. The
commands run with compiled bytecode (``PYTHONPYCACHEPREFIX`` in the work directory, whatever
``PYTHONDONTWRITEBYTECODE`` says), as an installed tool does: compiling the package's sources
again on every command costs ~100 ms of CPU that no user pays.

Target: each command well under 1 s as a whole CLI command with 100k entries, the cache warm.
Run: ``.venv/bin/python bench/bench_review.py [--entries 100000] [--runs 5] [--baseline HEAD]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench_gate import SCAN, Agency
from bench_ledger import fast_import

from approval.demo.synthetic import detention_workbook
from approval.detect.scan import scan_file
from approval.ledger import Ledger
from approval.ledger.cache import ValidEntries
from approval.statements import Envelope, statement_id

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 1.0
COMMANDS = (
    "status FILE",
    "status REQUEST",
    "show REQUEST",
    "inbox --key KEY",
    "sign REQUEST --yes",
)


def half_approved(
    agency: Agency, artifact: dict[str, Any], scan: dict[str, Any], at: datetime
) -> list[Envelope]:
    """A request for ``artifact`` and the privacy officer's sign-off: the senior one is missing."""
    return agency.approvals(artifact, scan, at, timedelta(seconds=1))[:2]


def build(agency: Agency, ledger_dir: Path, entries: int, workbook: Path, pending: int) -> str:
    """``entries`` statements; returns the workbook's request id. The last ``2 * (pending + 1)``
    are the half-approved requests (the workbook's first)."""
    end = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
    step = timedelta(days=1) / 100  # ~100 entries a day, as bench_ledger.py and bench_gate.py
    tail = 2 * (pending + 1)
    at = end - step * entries
    envelopes: list[Envelope] = [agency.adopt(at)]
    start = time.perf_counter()
    i = 0
    while len(envelopes) < entries - tail:
        sha = hashlib.sha256(b"artifact %d" % i).hexdigest()
        artifact = {"sha256": sha, "size": 180_000 + i, "name": f"stats-{i}.xlsx"}
        batch = agency.approvals(artifact, SCAN, at + step * len(envelopes), step)
        export = agency.envelope(
            "export", at + step * (len(envelopes) + 3), "p.publisher", artifact=artifact,
            destination="/srv/www/stats", request=statement_id(batch[0].statement),
            signoffs=[statement_id(e.statement) for e in batch[1:]], policy=agency.policy_ref,
        )  # fmt: skip
        envelopes += [*batch, export][: entries - tail - len(envelopes)]
        i += 1
    report = scan_file(workbook, agency.policy)
    artifact = {"sha256": report.sha256, "size": report.size, "name": workbook.name}
    when = end
    mine = half_approved(agency, artifact, report.summary(), when)
    envelopes += mine
    for n in range(pending):
        when += timedelta(seconds=3)
        # Real files beside the workbook: the policy counts only sign-offs made after a rescan
        # of the bytes, which `sign` finds under its working directory by their sha256.
        path = workbook.with_name(f"pending-{n}.xlsx")
        detention_workbook(path, count=41 + n)
        scanned = scan_file(path, agency.policy)
        other = {"sha256": scanned.sha256, "size": scanned.size, "name": path.name}
        envelopes += half_approved(agency, other, scanned.summary(), when)
    print(f"  signed {len(envelopes)} statements in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    with Ledger.create(ledger_dir) as ledger:
        blobs = fast_import(ledger, envelopes)
        valid = ValidEntries(ledger.cache_dir)
        for blob in blobs:
            valid.add(blob)
        valid.save()
    print(f"  imported them with git fast-import in {time.perf_counter() - start:.1f} s")
    return statement_id(mine[0].statement)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int, str]:
    """Wall and CPU seconds (the process and what it waited for), exit code, output."""
    environment = {**os.environ, **env}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    cpu, start = children_cpu(), time.perf_counter()
    done = subprocess.run(
        command, cwd=cwd, env=environment, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    return wall, children_cpu() - cpu, done.returncode, done.stdout + done.stderr


# A fresh process that times the workflow function alone (after importing what it will use):
# what the command costs without the interpreter's start-up and the imports.
IN_PROCESS = """
import json, resource, sys, time
from pathlib import Path
import approval.trust.decision, approval.ledger, approval.signing, approval.detect.scan
import approval.ledger.snapshot, approval.ledger.replication
from approval.workflow import inbox, review

def cpu():
    me, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

what, subject, key = sys.argv[1:4]
calls = {
    "status": lambda: review.status(None, subject),
    "show": lambda: review.show_request(None, subject),
    "inbox": lambda: inbox.inbox(None, Path(key)),
    "sign": lambda: review.sign_request(
        None, subject, Path(key), None, role=None, reject=False, comment=None,
        confirm=lambda _review, _role: None, search=Path.cwd(),
    ),
}
before, start = cpu(), time.perf_counter()
calls[what]()
print(json.dumps([time.perf_counter() - start, cpu() - before]))
"""


class Code:
    """One version of the package: the working tree, or a git ref extracted to a directory."""

    def __init__(self, name: str, work: Path, ledger: Path, source: Path | None):
        self.name = name
        self.env = {
            "APPROVAL_LEDGER": str(ledger),
            "XDG_CACHE_HOME": str(work / f"cache-{name}"),
            "PYTHONPYCACHEPREFIX": str(work / f"bytecode-{name}"),
            "NO_COLOR": "1",
        }
        if source is not None:
            self.env["PYTHONPATH"] = str(source)
        self.cli: dict[str, list[tuple[float, float]]] = {c: [] for c in COMMANDS}
        self.alone: dict[str, list[tuple[float, float]]] = {c: [] for c in COMMANDS}
        self.to_sign: list[str] = []

    def where(self, cwd: Path) -> str:
        script = "import approval; print(approval.__file__)"
        return run([sys.executable, "-c", script], self.env, cwd)[3].strip()


def alone(code: Code, cwd: Path, what: str, subject: str, key: str) -> tuple[float, float]:
    done = run([sys.executable, "-c", IN_PROCESS, what, subject, key], code.env, cwd)
    assert done[2] == 0, done[3]
    wall, cpu = json.loads(done[3].strip().splitlines()[-1])
    return float(wall), float(cpu)


def extract(ref: str, directory: Path) -> Path:
    directory.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "approval"], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(directory)], input=archive.stdout, check=True)
    return directory


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each command")
    parser.add_argument("--baseline", help="also time the package as at this git ref")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-review-"))
    print(f"work directory {work}")
    os.environ["XDG_CACHE_HOME"] = str(work / "cache-build")  # not the user's own
    agency = Agency(work)
    key = agency.paths["s.senior"]
    workbook = work / "detention-stats.xlsx"
    detention_workbook(workbook, count=40)
    ledger = work / "ledger"
    codes = [Code("working-tree", work, ledger, None)]
    if options.baseline:
        source = extract(options.baseline, work / "baseline")
        codes.insert(0, Code(f"baseline-{options.baseline}", work, ledger, source))
    pending = len(codes) * options.runs * 2
    print(f"\na ledger of {options.entries} entries ({pending} requests to sign at its end)")
    request = build(agency, ledger, options.entries, workbook, pending)
    with Ledger.open(ledger) as opened:
        to_sign = [
            e.envelope.id for e in opened.entries(opened.head()) if e.envelope.kind == "request"
        ][-pending:]
    approval = [sys.executable, "-m", "approval"]

    for code in codes:
        print(f"\n{code.name}: {code.where(work)}")
        wall, cpu, status, output = run([*approval, "show", request[:12]], code.env, work)
        assert status == 0, output
        print(f"  first command (replays every entry and saves the state): {wall:.1f} s wall, "
              f"{cpu:.1f} s CPU")  # fmt: skip
        # The inbox's first run restores the whole state once to find the artifacts with a
        # live request, and keeps them (workflow/inbox.py); later runs read only those.
        wall, cpu, status, output = run([*approval, "inbox", "--key", str(key)], code.env, work)
        assert status in (0, 1), output
        print(f"  first inbox (finds the artifacts with live requests): {wall:.1f} s wall, "
              f"{cpu:.1f} s CPU")  # fmt: skip

    for n, code in enumerate(codes):
        code.to_sign = to_sign[n * options.runs * 2 : (n + 1) * options.runs * 2]
    subjects = {
        "status FILE": ["status", str(workbook)],
        "status REQUEST": ["status", request[:12]],
        "show REQUEST": ["show", request[:12]],
        # The senior official's inbox: every half-approved request at the ledger's end waits.
        "inbox --key KEY": ["inbox", "--key", str(key)],
    }
    # Round-robin: other load on the machine falls on every code and command alike.
    for _ in range(options.runs):
        for code in codes:
            for label, args in subjects.items():
                wall, cpu, status, output = run([*approval, *args], code.env, work)
                assert status in (0, 1), output
                code.cli[label].append((wall, cpu))
                subject = args[1] if args[0] != "inbox" else ""
                code.alone[label].append(alone(code, work, args[0], subject, str(key)))
            target = code.to_sign.pop()[:12]
            wall, cpu, status, output = run(
                [*approval, "sign", target, "--key", str(key), "--yes"], code.env, work
            )
            assert status == 0, output
            code.cli["sign REQUEST --yes"].append((wall, cpu))
            target = code.to_sign.pop()[:12]
            code.alone["sign REQUEST --yes"].append(alone(code, work, "sign", target, str(key)))

    print(f"\nmedians of {options.runs} runs, wall / CPU (process and children), warm state")
    print(f"  {'':28}" + "".join(f"{c.name[:30]:>32}" for c in codes))
    ok = True
    for label in COMMANDS:
        for kind in ("CLI", "in process"):
            row = f"  {label + ' ' + ('' if kind == 'CLI' else '(alone)'):28}"
            for code in codes:
                times = (code.cli if kind == "CLI" else code.alone)[label]
                wall = statistics.median(t[0] for t in times)
                cpu = statistics.median(t[1] for t in times)
                row += f"{wall * 1000:14.0f} ms / {cpu * 1000:5.0f} ms CPU"
                if kind == "CLI" and code is codes[-1]:
                    ok = ok and wall < TARGET_S
            print(row)
    print(f"  target: every whole command under {TARGET_S:.0f} s (working tree) "
          f"{'OK' if ok else 'MISSED'}")  # fmt: skip
    shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
