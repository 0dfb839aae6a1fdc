"""The gate at scale: ``approval check`` over a tree of 5,000 files, cold and warm cache, and the
decision for one approved file in a ledger of 100k entries.

The tree is a git work tree of small clean CSV and text files and some protected CSVs, each
approved in its own small ledger. The big ledger is built fast with ``git fast-import`` (as
bench_ledger.py does) from statements that are validly signed by the officials of a real roster,
so that ``load`` accepts every one: an adoption, then requests, two sign-offs and an export per
artifact, ending with the approved file's request and sign-offs.

Targets (issue 5): a warm check at least 10x faster than the cold one, as the whole
``approval check`` command a user runs and as the check alone; deciding for one approved file
with 100k entries at most 150 ms more than hashing it. Every time is given as wall clock and as
CPU time (the process and the git processes it ran): on a machine shared with other work the
wall clock varies most.

The commands run as an installed package runs, from byte-code: with ``PYTHONDONTWRITEBYTECODE``
(set in some development shells) every run would compile the package's modules from source
first, a cost that pip's install-time compilation spares users; the bench compiles the package
once before it times anything (``bench/_bytecode.py``).
Also (issue 13): what following links and a submodule costs ``check`` (``--part links``), and
``approval export`` of the demo's 6,252-row workbook as a whole command, under 1 s
(``--part workbook``).

Run: ``.venv/bin/python bench/bench_gate.py [--files 5000] [--entries 100000] [--part check]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from _bytecode import compile_package
from bench_ledger import fast_import

from approval.demo.synthetic import FIRST, LAST, detention_workbook
from approval.detect.scan import scan_file
from approval.ledger import Ledger
from approval.ledger.cache import ValidEntries
from approval.ledger.session import new_statement
from approval.policy import Policy, load_policy, load_roster
from approval.signing import PrivateKey, load_private_key, sign_statement
from approval.statements import Envelope, statement_id
from approval.trust.decision import decide
from approval.trust.summaries import summary_digest

ROOT = Path(__file__).resolve().parent.parent
TARGET_WARM_RATIO = 10
# The scan summary every synthetic request of the big ledgers carries (bench_review.py too).
SCAN = {
    "verdict": "protected",
    "format": "xlsx",
    "classes": {"protected-person": {"records": 40}},
    "findings": [
        {"class": "protected-person", "detector": "a-number",
         "location": {"sheet": "Sheet2", "column": "B", "hidden": True}, "count": 40},
    ],
}  # fmt: skip
TARGET_DECIDE_MS = 150
TARGET_EXPORT_S = 1.0
OFFICIALS = {
    "a.admin": "admin",
    "b.admin": "admin",
    "p.publisher": "publisher",
    "o.privacy": "privacy-officer",
    "s.senior": "senior-official",
}


class Agency:
    """Keys, a roster and the policy; signs statements at given times."""

    def __init__(self, work: Path):
        self.keys: dict[str, PrivateKey] = {}
        self.paths: dict[str, Path] = {}
        lines = ["version: 1", "officials:"]
        for name, role in OFFICIALS.items():
            path = work / name
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)],
                check=True,
            )
            self.paths[name] = path
            self.keys[name] = load_private_key(path, interactive=False)
            lines += [
                f"  - id: {name}",
                f"    name: {name}",
                f"    roles: [{role}]",
                f'    keys: ["{self.keys[name].public_line}"]',
            ]
        roster = work / "roster.yaml"
        roster.write_text("\n".join([*lines, "admins:", "  threshold: 2", ""]))
        self.roster = load_roster(roster)
        self.policy: Policy = load_policy(ROOT / "policies" / "8cfr208.6.yaml", roster)
        self.adoption = ""
        # The ledger head every later statement names: the first entry's commit (``seen``,
        # set by ``genesis``); the rules check that it is an earlier commit of the history.
        self.seen: str | None = None

    def envelope(self, kind: str, at: datetime, *signers: str, **body: Any) -> Envelope:
        if kind != "adoption":
            body["signer"] = signers[0]
        statement = new_statement(kind, self.seen if self.adoption else None, at, **body)
        return Envelope(
            statement, tuple(sign_statement(statement, self.keys[s], s) for s in signers)
        )

    def adopt(self, at: datetime) -> Envelope:
        """The first entry; later statements name its commit (what ``fast_import`` makes of
        it: the same bytes, times and identity give the same commit id in any ledger)."""
        envelope = self.envelope(
            "adoption", at, "a.admin", "b.admin",
            policy=self.policy.to_dict(), roster=self.roster.to_dict(), previous=None,
        )  # fmt: skip
        self.adoption = statement_id(envelope.statement)
        with tempfile.TemporaryDirectory() as work, Ledger.create(Path(work) / "l") as scratch:
            fast_import(scratch, [envelope])
            self.seen = scratch.head()
        return envelope

    def approvals(
        self, artifact: dict[str, Any], scan: dict[str, Any], at: datetime, step: timedelta
    ) -> list[Envelope]:
        """A request for ``artifact`` and the two sign-offs it needs."""
        request = self.envelope(
            "request", at, "p.publisher", artifact=artifact, policy=self.policy_ref,
            purpose="weekly statistics", destination="www.example.gov/stats", scan=scan,
        )  # fmt: skip
        request_id = statement_id(request.statement)
        out = [request]
        signers = (("o.privacy", "privacy-officer"), ("s.senior", "senior-official"))
        for n, (who, role) in enumerate(signers, 1):
            body = {"request": request_id, "artifact_sha256": artifact["sha256"]}
            body |= {"decision": "approve", "role": role}
            # As officials sign now: after their own client rescanned the bytes (issue 13).
            body |= {"rescanned": True, "summary_sha256": summary_digest(scan)}
            out.append(self.envelope("signoff", at + step * n, who, **body))
        return out

    @property
    def policy_ref(self) -> dict[str, Any]:
        return {"id": self.policy.id, "version": self.policy.version, "adoption": self.adoption}


def protected_csv(index: int) -> str:
    """Three synthetic asylum applicants, with A-numbers unique to this file."""
    rows = [
        f'"{LAST[(index + k) % len(LAST)].upper()}, {FIRST[k]}",'
        f"A{200_000_000 + index * 3 + k:09d},Asylum\n"
        for k in range(3)
    ]
    return "Name,A-Number,Claim\n" + "".join(rows)


def build_tree(tree: Path, files: int, protected: int) -> list[Path]:
    """``files`` files in a git work tree, ``protected`` of them protected; returns those."""
    tree.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=tree, check=True)
    found = []
    for i in range(files):
        directory = tree / f"section-{i % 50:02d}"
        directory.mkdir(exist_ok=True)
        if i < protected:
            path = directory / f"cases-{i}.csv"
            path.write_text(protected_csv(i))
            found.append(path)
        elif i % 2:
            path = directory / f"figures-{i}.csv"
            path.write_text(
                "Nationality,Book-ins,Releases\n"
                + "".join(f"Country {k},{(i * k) % 97},{(i + k) % 13}\n" for k in range(20))
            )
        else:
            path = directory / f"notes-{i}.md"
            path.write_text(
                f"# Week {i}\n\nBook-ins rose by {i % 9} percent; {i % 5} facilities reported.\n"
            )
    return found


def approve_files(agency: Agency, ledger_dir: Path, files: list[Path]) -> None:
    """A small ledger holding an approval for each of ``files``."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    step = timedelta(seconds=1)
    envelopes = [agency.adopt(start)]
    for n, path in enumerate(files):
        report = scan_file(path, agency.policy)
        artifact = {"sha256": report.sha256, "size": report.size, "name": path.name}
        envelopes += agency.approvals(artifact, report.summary(), start + step * (3 * n + 1), step)
    with Ledger.create(ledger_dir) as ledger:
        _import(ledger, envelopes)


def _import(ledger: Ledger, envelopes: list[Envelope]) -> None:
    blobs = fast_import(ledger, envelopes)
    valid = ValidEntries(ledger.cache_dir)
    for blob in blobs:
        valid.add(blob)
    valid.save()


def big_ledger(agency: Agency, ledger_dir: Path, entries: int, workbook: Path) -> None:
    """``entries`` statements ending with the approval of ``workbook``."""
    end = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
    # ~100 entries a day, as bench_ledger.py: the day directories stay as small as in use.
    step = timedelta(days=1) / 100
    at = end - step * entries
    envelopes = [agency.adopt(at)]
    scan = SCAN
    report = scan_file(workbook, agency.policy)
    last = 3  # the workbook's request and two sign-offs
    i = 0
    start = time.perf_counter()
    while len(envelopes) < entries - last:
        sha = hashlib.sha256(b"artifact %d" % i).hexdigest()
        artifact = {"sha256": sha, "size": 180_000 + i, "name": f"stats-{i}.xlsx"}
        batch = agency.approvals(artifact, scan, at + step * len(envelopes), step)
        at_export = at + step * (len(envelopes) + 3)
        export = agency.envelope(
            "export", at_export, "p.publisher", artifact=artifact,
            destination="/srv/www/stats", request=statement_id(batch[0].statement),
            signoffs=[statement_id(e.statement) for e in batch[1:]], policy=agency.policy_ref,
        )  # fmt: skip
        envelopes += [*batch, export][: entries - last - len(envelopes)]
        i += 1
    artifact = {"sha256": report.sha256, "size": report.size, "name": workbook.name}
    envelopes += agency.approvals(artifact, report.summary(), end, timedelta(seconds=1))
    print(f"  signed {len(envelopes)} statements in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    with Ledger.create(ledger_dir) as ledger:
        _import(ledger, envelopes)
    print(f"  imported them with git fast-import in {time.perf_counter() - start:.1f} s")


def _children_cpu() -> float:
    """CPU time (user + system) of the processes this one has waited for, and theirs."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_cli(*args: str | Path, env: dict[str, str], cwd: Path) -> tuple[float, int, str]:
    took, _, code, output = run_cli_timed(*args, env=env, cwd=cwd)
    return took, code, output


def run_cli_timed(
    *args: str | Path, env: dict[str, str], cwd: Path
) -> tuple[float, float, int, str]:
    """Wall and CPU time of one ``approval`` command, its exit code and output."""
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "approval", *map(str, args)],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.perf_counter() - start
    return took, _children_cpu() - cpu, done.returncode, done.stdout + done.stderr


# A fresh process that times the check alone: what the cache changes, without the interpreter's
# start-up and the imports the command has made before the check starts (the CLI imports sync
# while it parses --offline), which every run pays alike. CPU time: this process's and that of
# the git processes it ran.
IN_PROCESS = (
    "import json, resource, sys, time\n"
    "from pathlib import Path\n"
    "from approval.workflow.check import check\n"
    "import approval.ledger.snapshot, approval.ledger.replication, approval.files.worktree\n"
    "def cpu():\n"
    "    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),"
    " resource.getrusage(resource.RUSAGE_CHILDREN)))\n"
    "start, start_cpu = time.perf_counter(), cpu()\n"
    "result = check(None, [Path('.')])\n"
    "took, took_cpu = time.perf_counter() - start, cpu() - start_cpu\n"
    "print(json.dumps([took, took_cpu, result.exit_code, result.scanned]))\n"
)


def in_process(tree: Path, env: dict[str, str]) -> tuple[float, float, int]:
    done = subprocess.run(
        [sys.executable, "-c", IN_PROCESS],
        cwd=tree,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    took, cpu, code, scanned = json.loads(done.stdout.strip().splitlines()[-1])
    assert code == 0, done.stdout
    return float(took), float(cpu), int(scanned)


def bench_check(work: Path, agency: Agency, files: int, protected: int, rounds: int) -> bool:
    print(f"\ncheck over a git work tree of {files} files ({protected} protected, approved)")
    tree = work / "site"
    approved = build_tree(tree, files, protected)
    ledger = work / "site-ledger"
    approve_files(agency, ledger, approved)
    code_env = {"APPROVAL_LEDGER": str(ledger)}
    # Untimed: brings the tree into the page cache, and the modules of both paths into memory,
    # for every run alike.
    for _ in range(2):  # cold, then warm: the modules of both
        env = {**code_env, "XDG_CACHE_HOME": str(work / "c-first")}
        took, code, output = run_cli("check", ".", env=env, cwd=tree)
        assert code == 0, output
    # Rounds of cold (a new, empty cache) then warm runs, interleaved so that other load on the
    # machine falls on both alike; the same for the CLI and for the check alone.
    cli: dict[str, list[tuple[float, float]]] = {"cold": [], "warm": []}
    alone: dict[str, list[tuple[float, float]]] = {"cold": [], "warm": []}
    for n in range(rounds):
        for runner, times in (("cli", cli), ("alone", alone)):
            env = {**code_env, "XDG_CACHE_HOME": str(work / f"c-{runner}{n}")}
            for phase in ("cold", "warm", "warm"):
                if runner == "cli":
                    took, cpu, code, output = run_cli_timed("check", ".", env=env, cwd=tree)
                    assert code == 0, output
                    scanned = int(output.rsplit("(", 1)[1].split()[0])
                else:
                    took, cpu, scanned = in_process(tree, env)
                if (scanned == files) == (phase == "cold"):
                    times[phase].append((took, cpu))
                else:  # the scanner's code changed under the run (a cache miss): not counted
                    print(f"  ({runner} {phase} run scanned {scanned} files: not counted)")
    ok = True
    for label, times in (("approval check (the command)", cli), ("the check alone", alone)):
        for unit, index in (("wall", 0), ("CPU", 1)):
            cold = statistics.median(t[index] for t in times["cold"])
            warm = statistics.median(t[index] for t in times["warm"])
            ratio = cold / warm
            print(
                f"  {label:28} {unit:4} cold {cold:6.2f} s, warm {warm:6.3f} s: {ratio:5.1f}x "
                f"(medians of {len(times['cold'])} and {len(times['warm'])})"
            )
            ok = ok and ratio >= TARGET_WARM_RATIO
    print(
        f"  target: warm >= {TARGET_WARM_RATIO}x faster, for the command and the check alone, "
        f"wall and CPU {'OK' if ok else 'MISSED'}"
    )
    return ok


def build_linked_tree(work: Path, files: int, linked: int) -> Path:
    """The tree of ``build_tree`` plus what a web server also publishes (issue 13): a link to
    a directory of ``linked`` files outside the tree, a link back up (a loop), a link to a
    file, and a submodule of ``linked`` files, committed as CI checks it out."""
    tree = work / "site-links"
    build_tree(tree, files, 0)
    shared = work / "shared-data"
    library = work / "library"
    for directory in (shared, library / "data"):
        directory.mkdir(parents=True)
        for i in range(linked):
            (directory / f"figures-{i}.csv").write_text(
                "Nationality,Book-ins\n"
                + "".join(f"Country {k},{(i * k) % 89}\n" for k in range(20))
            )
    (tree / "section-00" / "shared").symlink_to(shared, target_is_directory=True)
    (tree / "section-01" / "up").symlink_to("..", target_is_directory=True)
    (tree / "section-02" / "latest.csv").symlink_to(shared / "figures-0.csv")
    git = ["git", "-c", "protocol.file.allow=always"]
    subprocess.run([*git, "init", "-q"], cwd=library, check=True)
    subprocess.run([*git, "add", "."], cwd=library, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "data"], cwd=library, check=True)
    subprocess.run([*git, "submodule", "add", "-q", str(library), "vendor/library"], cwd=tree,
                   check=True)  # fmt: skip
    return tree


def bench_links(work: Path, agency: Agency, files: int, linked: int, rounds: int) -> bool:
    """What following links and submodules costs: ``check`` over the same tree with and
    without them (the plain one as ``bench_check``'s), cold and warm."""
    print(
        f"\ncheck over {files} files plus a linked directory and a submodule of {linked} files "
        "each, a loop and a file link"
    )
    ledger = work / "links-ledger"
    approve_files(agency, ledger, [])
    plain = work / "site-plain"
    build_tree(plain, files, 0)
    linked_tree = build_linked_tree(work, files, linked)
    code_env = {"APPROVAL_LEDGER": str(ledger)}
    times: dict[str, dict[str, list[tuple[float, float]]]] = {}
    for label, tree in (("plain", plain), ("links", linked_tree)):
        env = {**code_env, "XDG_CACHE_HOME": str(work / f"l-first-{label}")}
        took, code, output = run_cli("check", ".", env=env, cwd=tree)  # untimed: a warm-up
        assert code == 0, output
        times[label] = {"cold": [], "warm": []}
    # Interleaved, so that other load on the machine falls on both trees alike.
    for n in range(rounds):
        for label, tree in (("plain", plain), ("links", linked_tree)):
            env = {**code_env, "XDG_CACHE_HOME": str(work / f"l-{label}{n}")}
            for phase in ("cold", "warm", "warm"):
                took, cpu, code, output = run_cli_timed("check", ".", env=env, cwd=tree)
                assert code == 0, output
                times[label][phase].append((took, cpu))
            if n == 0:
                print(f"  {label:6} {output.strip().splitlines()[-1]}")
    ok = True
    for phase in ("cold", "warm"):
        for unit, index in (("wall", 0), ("CPU", 1)):
            base, more = (
                statistics.median(t[index] for t in times[k][phase]) for k in ("plain", "links")
            )
            print(
                f"  {phase} {unit:4}: plain tree {base:6.3f} s, with links and a submodule "
                f"{more:6.3f} s ({(more - base) * 1000:+.0f} ms for {2 * linked + 2} more files)"
            )
    for unit, index in (("wall", 0), ("CPU", 1)):
        cold = statistics.median(t[index] for t in times["links"]["cold"])
        warm = statistics.median(t[index] for t in times["links"]["warm"])
        ok = ok and cold / warm >= TARGET_WARM_RATIO
        print(f"  with links, warm vs cold ({unit}): {cold / warm:.1f}x")
    print(f"  target: warm >= {TARGET_WARM_RATIO}x cold with links {'OK' if ok else 'MISSED'}")
    return ok


def bench_workbook_export(work: Path, agency: Agency, rows: int, runs: int = 5) -> bool:
    """``approval export`` of the demo's workbook, approved, as the whole command a user runs:
    start-up, the copy staged unnamed, its scan, the decision and the signed export statement."""
    print(f"\nexport of the approved {rows:,}-row workbook, the whole command")
    workbook = work / "demo-workbook.xlsx"
    detention_workbook(workbook, count=rows)
    ledger = work / "workbook-ledger"
    approve_files(agency, ledger, [workbook])
    env = {"APPROVAL_LEDGER": str(ledger), "XDG_CACHE_HOME": str(work / "wb")}
    key = agency.paths["p.publisher"]
    www = work / "www-workbook"
    www.mkdir()
    took, code, output = run_cli("status", workbook, env=env, cwd=work)  # untimed: a warm-up
    times = []
    for n in range(runs):
        took, cpu, code, output = run_cli_timed(
            "export", workbook, "--to", www / f"copy-{n}.xlsx", "--key", key, env=env, cwd=work
        )
        assert code == 0, output
        times.append((took, cpu))
    wall = statistics.median(t[0] for t in times)
    cpu = statistics.median(t[1] for t in times)
    ok = wall < TARGET_EXPORT_S
    print(
        f"  {workbook.stat().st_size:,} bytes: wall {wall * 1000:.0f} ms, CPU {cpu * 1000:.0f} ms "
        f"(medians of {runs}); target < {TARGET_EXPORT_S:.0f} s wall {'OK' if ok else 'MISSED'}"
    )
    scanning, _ = timed(lambda: scan_file(workbook, agency.policy), runs=3)
    from approval.files.atomic import Staged, copy_hashing

    def stage() -> None:
        staged = Staged(www / "staged.xlsx")
        copy_hashing(workbook, staged.file)
        staged.commit()

    staging, _ = timed(stage, runs=5)
    print(
        f"  of which, in process: the scan {scanning * 1000:.0f} ms; the unnamed staging, copy "
        f"and commit (fsync included) {staging * 1000:.1f} ms"
    )
    return ok


def timed(function: Any, runs: int = 7) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def bench_export(work: Path, agency: Agency, entries: int) -> bool:
    from approval.ledger import session, snapshot
    from approval.ledger.session import load

    print(f"\nexport of one approved workbook with {entries} ledger entries")
    workbook = work / "detention-stats.xlsx"
    detention_workbook(workbook, count=40)
    ledger_dir = work / "big-ledger"
    big_ledger(agency, ledger_dir, entries, workbook)
    os.environ["XDG_CACHE_HOME"] = str(work / "cache-export")

    start = time.perf_counter()
    with Ledger.open(ledger_dir) as ledger:
        view = snapshot.open_view(ledger, ledger.head())
        view.close()
    print(
        f"  first command: full verified replay of {view.replayed} entries and saving the "
        f"state: {time.perf_counter() - start:.1f} s (once; the state is saved)"
    )

    data = workbook.read_bytes()
    hashing, _ = timed(lambda: hashlib.sha256(data).hexdigest())
    report = scan_file(workbook, agency.policy)
    classes = list(report.classes)

    def decide_once() -> bool:
        with session.gate(ledger_dir) as (_, view):
            state = view.state_for([report.sha256])
            return decide(state, report.sha256, datetime.now(UTC), classes=classes).allowed

    deciding, allowed = timed(decide_once)
    assert allowed
    extra = (deciding - hashing) * 1000
    ok = extra <= TARGET_DECIDE_MS
    print(f"  hashing the workbook ({len(data):,} bytes): {hashing * 1000:6.2f} ms")
    print(
        f"  deciding (open the ledger, restore the adoptions and the file's slice, decide): "
        f"{deciding * 1000:6.1f} ms; {extra:.1f} ms more than hashing "
        f"(target <= {TARGET_DECIDE_MS} ms) {'OK' if ok else 'MISSED'}"
    )

    www = work / "www"
    www.mkdir()
    env = {"APPROVAL_LEDGER": str(ledger_dir)}
    key = agency.paths["p.publisher"]
    # Not timed: a first command in a new process (it would replay, were the code different
    # from this process's, as it is while the code is being edited).
    took, code, output = run_cli("status", workbook, env=env, cwd=work)
    assert code == 0, output
    exports = []
    for n in range(3):
        took, code, output = run_cli(
            "export", workbook, "--to", www / f"copy-{n}.xlsx", "--key", key, env=env, cwd=work
        )
        assert code == 0, output
        exports.append(took)
    print(
        f"  approval export (CLI, scan, decision, signed export statement, copy): "
        f"{statistics.median(exports) * 1000:.0f} ms median of 3 (each one appends an entry: "
        "the next catches up by one)"
    )
    whole, _ = timed(lambda: load(ledger_dir).close(), runs=3)
    print(f"  the whole state restored from the saved slices (load): {whole:.2f} s")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--protected", type=int, default=50)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3, help="cold/warm rounds of check")
    parser.add_argument("--linked", type=int, default=250, help="files behind each link")
    parser.add_argument("--rows", type=int, default=6252, help="rows of the exported workbook")
    parser.add_argument(
        "--part", choices=["all", "check", "links", "export", "workbook"], default="all"
    )
    options = parser.parse_args()
    compile_package()  # commands run from byte-code, as installed (bench/_bytecode.py)
    work = Path(tempfile.mkdtemp(prefix="bench-gate-"))
    print(f"work directory {work}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    agency = Agency(work)
    results = []
    if options.part in ("all", "check"):
        results.append(bench_check(work, agency, options.files, options.protected, options.rounds))
    if options.part in ("all", "links"):
        results.append(bench_links(work, agency, options.files, options.linked, options.rounds))
    if options.part in ("all", "workbook"):
        results.append(bench_workbook_export(work, agency, options.rows))
    if options.part in ("all", "export"):
        results.append(bench_export(work, agency, options.entries))
    subprocess.run(["rm", "-rf", str(work)], check=False)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
