"""The ledger's storage at 1k, 10k and 100k entries: append latency, read rate, size per entry,
and how fast the stored statements verify in process against ``ssh-keygen -Y verify``.

Large ledgers are built fast with ``git fast-import``, in the layout and with the commit
messages that ``Ledger.append`` writes (``Ledger.entries`` checks both), from signed statements
of a realistic mix (request, two sign-offs, export; now and then a revocation) at ~100 a day,
ending now. Appends are then timed round-robin across the ledgers, so that other load on the
machine falls on every size alike.

A ledger is also grown by real appends (``--grown``, one ``Ledger.append`` each, with the
scheduled repacks they trigger), since git packs it differently from a fast-imported one.

Targets (issue 4): append at 100k within 1.3x of the latency at 1k; under 2 KB per entry after
``git gc``; in-process verification at least 30x faster than ``ssh-keygen -Y verify``. Issue 17:
a ledger grown by real appends under 1,300 B per entry after ``git gc``.
Run: ``.venv/bin/python bench/bench_ledger.py [--sizes 1000,10000,100000] [--appends 30]``.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from approval.ledger import Ledger, entry_path
from approval.ledger.cache import ValidEntries
from approval.ledger.layout import IDENTITY_EMAIL, IDENTITY_NAME, commit_message
from approval.signing import PrivateKey, load_private_key, sign_statement, verify_signature
from approval.statements import (
    NAMESPACE,
    STATEMENT_TYPE,
    Envelope,
    format_time,
    signed_bytes,
)

PER_DAY = 100
SPACING = timedelta(days=1) / PER_DAY
TARGET_APPEND_RATIO = 1.3
TARGET_BYTES_PER_ENTRY = 2048  # a fast-imported ledger after git gc
TARGET_GROWN_BYTES = 1300  # a ledger grown by real appends, after git gc (issue 17)
TARGET_VERIFY_RATIO = 30
OFFICIALS = ("p.lee", "a.chen", "b.okafor")


def make_keys(directory: Path) -> dict[str, PrivateKey]:
    keys = {}
    for name in OFFICIALS:
        path = directory / name
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)],
            check=True,
        )
        keys[name] = load_private_key(path, interactive=False)
    return keys


def hexdigest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def statements(count: int, end: datetime) -> Iterator[dict[str, Any]]:
    """``count`` statements, one every SPACING, the last at ``end``: request, approve,
    approve, export, and a revocation every 25th."""
    artifact: dict[str, Any] = {}
    request = ""
    for i in range(count):
        base: dict[str, Any] = {
            "type": STATEMENT_TYPE,
            "created": format_time(end - SPACING * (count - 1 - i)),
            "seen_head": hexdigest("head", i)[:40],
        }
        step = i % 4
        if i % 25 == 24:
            yield {
                **base,
                "kind": "revocation",
                "signer": "a.chen",
                "target": hexdigest("signoff", i),
                "reason": "approved under the wrong role; signing again as senior official",
            }
        elif step == 0:
            artifact = {"sha256": hexdigest("file", i), "size": 180_000 + i, "name": f"s{i}.xlsx"}
            request = hexdigest("request", i)
            yield {
                **base,
                "kind": "request",
                "signer": "p.lee",
                "artifact": artifact,
                "policy": {"id": "8cfr208.6", "version": 3, "adoption": hexdigest("policy")},
                "purpose": "monthly detention statistics for the public website",
                "destination": "https://www.example.gov/detention-statistics",
                "scan": {
                    "verdict": "protected",
                    "format": "xlsx",
                    "classes": {"protected-person": {"records": 6252 + i % 97}},
                    "findings": [
                        {
                            "class": "protected-person",
                            "detector": detector,
                            "location": {"sheet": "Detainees", "column": column, "hidden": True},
                            "count": 6252 + i % 97,
                        }
                        for detector, column in (("a-number", "B"), ("protection-claim", "H"))
                    ],
                },
            }
        elif step in (1, 2):
            yield {
                **base,
                "kind": "signoff",
                "signer": OFFICIALS[step],
                "request": request,
                "artifact_sha256": artifact["sha256"],
                "decision": "approve",
                "role": ("privacy-officer", "senior-official")[step - 1],
                "comment": "reviewed: counts and column names only, destination as requested",
            }
        else:
            yield {
                **base,
                "kind": "export",
                "signer": "p.lee",
                "artifact": artifact,
                "destination": "https://www.example.gov/detention-statistics",
                "request": request,
                "signoffs": [hexdigest("signoff", i - 2), hexdigest("signoff", i - 1)],
                "policy": {"id": "8cfr208.6", "version": 3, "adoption": hexdigest("policy")},
            }


def sign(statement: dict[str, Any], keys: dict[str, PrivateKey]) -> Envelope:
    signer = statement["signer"]
    return Envelope(statement, (sign_statement(statement, keys[signer], signer),))


def fast_import(ledger: Ledger, envelopes: list[Envelope]) -> list[str]:
    """Write ``envelopes`` as the ledger's history with `git fast-import`; return the blob ids
    (to tell the ledger's cache that these files are valid: they are made by to_json)."""
    blobs = []
    process = subprocess.Popen(
        ["git", "--git-dir", str(ledger.git_dir), "fast-import", "--quiet", "--done"],
        stdin=subprocess.PIPE,
    )
    assert process.stdin is not None
    write = process.stdin.write
    for envelope in envelopes:
        raw = envelope.to_json()
        path = entry_path(envelope)
        message = commit_message(envelope, path).encode()
        when = int(envelope.created.timestamp())
        who = f"{IDENTITY_NAME} <{IDENTITY_EMAIL}>"
        write(f"commit refs/heads/ledger\nauthor {who} {when} +0000\n".encode())
        write(f"committer {who} {when + 1} +0000\n".encode())
        write(b"data %d\n%s\n" % (len(message), message))
        write(b"M 100644 inline %s\ndata %d\n%s\n\n" % (path.encode(), len(raw), raw))
        blobs.append(hashlib.sha1(b"blob %d\x00%s" % (len(raw), raw), usedforsecurity=False))
    write(b"done\n")
    process.stdin.close()
    if process.wait() != 0:
        raise SystemExit("git fast-import failed")
    return [blob.hexdigest() for blob in blobs]


def per_call(function: Callable[[], object], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        function()
    return (time.perf_counter() - start) / calls


def settle(ledger: Ledger) -> None:
    """Wait for a detached repack of ``ledger`` (it holds the repack lock until it exits)."""
    from approval.ledger.locks import turn
    from approval.ledger.storage import REPACK_LOCK_FILE

    with turn(ledger.git_dir / REPACK_LOCK_FILE, wait=3600):
        pass


def repository_bytes(git_dir: Path) -> int:
    objects = git_dir / "objects"
    return sum(p.stat().st_size for p in objects.rglob("*") if p.is_file())


def git(git_dir: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "--git-dir", str(git_dir), *args], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--appends", type=int, default=30, help="timed appends per ledger")
    parser.add_argument("--grown", type=int, default=3000, help="entries appended one by one")
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",")]
    work = Path(tempfile.mkdtemp(prefix="bench-ledger-"))
    print(f"work directory {work}; git {git(work, 'version').split()[-1]}")
    keys = make_keys(work)
    largest = max(sizes)
    end = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)

    start = time.perf_counter()
    envelopes = [sign(statement, keys) for statement in statements(largest, end)]
    took = time.perf_counter() - start
    print(f"signed {largest} statements in {took:.1f} s ({took / largest * 1e6:.0f} us each)")

    ledgers: dict[int, Ledger] = {}
    for size in sizes:
        ledger = Ledger.create(work / f"ledger-{size}")
        start = time.perf_counter()
        blobs = fast_import(ledger, envelopes[-size:])  # every size ends at the same day
        took = time.perf_counter() - start
        valid = ValidEntries(ledger.cache_dir)
        for blob in blobs:
            valid.add(blob)
        valid.save()
        print(f"built {size} entries with fast-import in {took:.1f} s")
        ledgers[size] = ledger

    # -- append latency ---------------------------------------------------------------------
    fresh = statements((options.appends * 2 + 1) * len(sizes), datetime.now(UTC))
    for ledger in ledgers.values():  # warm-up: starts the long-lived cat-file and mktree
        ledger.append(sign(next(fresh), keys))
    warm: dict[int, list[float]] = {size: [] for size in sizes}
    cold: dict[int, list[float]] = {size: [] for size in sizes}
    for _ in range(options.appends):
        for size, ledger in ledgers.items():
            envelope = sign(next(fresh), keys)
            start = time.perf_counter()
            ledger.append(envelope)
            warm[size].append(time.perf_counter() - start)
            # As a CLI command does: open, append once, close (two more processes to start).
            envelope = sign(next(fresh), keys)
            start = time.perf_counter()
            with Ledger.open(ledger.path) as once:
                once.append(envelope)
            cold[size].append(time.perf_counter() - start)
    print(f"\nappend latency (median of {options.appends}, round-robin across sizes)")
    for size in sizes:
        print(
            f"  {size:>7} entries: {statistics.median(warm[size]) * 1000:6.1f} ms warm "
            f"(p90 {statistics.quantiles(warm[size], n=10)[-1] * 1000:.1f}), "
            f"{statistics.median(cold[size]) * 1000:6.1f} ms open+append+close"
        )
    ratio = statistics.median(warm[largest]) / statistics.median(warm[min(sizes)])
    cold_ratio = statistics.median(cold[largest]) / statistics.median(cold[min(sizes)])
    print(
        f"  {largest} vs {min(sizes)}: {ratio:.2f}x warm, {cold_ratio:.2f}x cold "
        f"(target <= {TARGET_APPEND_RATIO}x) {'OK' if ratio <= TARGET_APPEND_RATIO else 'MISSED'}"
    )

    # -- reading ----------------------------------------------------------------------------
    print("\nreading every entry (git log + cat-file --batch, each entry checked)")
    for size, ledger in ledgers.items():
        start = time.perf_counter()
        count = sum(1 for _ in ledger.entries())
        took = time.perf_counter() - start
        print(f"  {size:>7} entries: {count / took:8.0f} entries/s with the validity cache")
    middle = sorted(sizes)[len(sizes) // 2]
    start = time.perf_counter()
    count = sum(1 for _ in ledgers[middle].entries(use_cache=False))
    took = time.perf_counter() - start
    print(f"  {middle:>7} entries: {count / took:8.0f} entries/s without it (schema on each)")

    # -- size -------------------------------------------------------------------------------
    print("\nrepository size per entry")
    grown = Ledger.create(work / "grown")
    start = time.perf_counter()
    for statement in statements(options.grown, datetime.now(UTC)):
        grown.append(sign(statement, keys))
    took = time.perf_counter() - start
    print(
        f"  {options.grown} appends one by one in {took:.1f} s "
        f"({took / options.grown * 1000:.1f} ms each), scheduled repacks included: "
        f"{repository_bytes(grown.git_dir) / options.grown:.0f} B/entry"
    )
    settle(grown)  # the scheduled full repack runs detached: wait for it, as time would
    print(
        f"  the same once its scheduled full repack is done: "
        f"{repository_bytes(grown.git_dir) / options.grown:.0f} B/entry"
    )
    git(grown.git_dir, "gc", "--quiet")
    grown_per_entry = repository_bytes(grown.git_dir) / options.grown
    print(
        f"  the same after git gc: {grown_per_entry:.0f} B/entry "
        f"(target < {TARGET_GROWN_BYTES}) "
        f"{'OK' if grown_per_entry < TARGET_GROWN_BYTES else 'MISSED'}"
    )
    ledger = ledgers[largest]
    count = int(git(ledger.git_dir, "rev-list", "--count", "refs/heads/ledger"))
    start = time.perf_counter()
    git(ledger.git_dir, "gc", "--quiet")
    took = time.perf_counter() - start
    per_entry = repository_bytes(ledger.git_dir) / count
    print(
        f"  {count} entries after git gc ({took:.1f} s): {per_entry:.0f} B/entry "
        f"(target < {TARGET_BYTES_PER_ENTRY}) "
        f"{'OK' if per_entry < TARGET_BYTES_PER_ENTRY else 'MISSED'}"
    )

    # -- verification -----------------------------------------------------------------------
    print("\nverifying stored statements")
    stored = [entry.envelope for entry in ledgers[middle].entries()]
    start = time.perf_counter()
    for envelope in stored:
        for signature in envelope.signatures:
            verify_signature(envelope.statement, signature)
    in_process = (time.perf_counter() - start) / len(stored)
    allowed = work / "allowed_signers"
    allowed.write_text(
        "".join(f'{name} namespaces="{NAMESPACE}" {keys[name].public_line}\n' for name in keys)
    )
    sample = stored[:20]
    start = time.perf_counter()
    for envelope in sample:
        signature = envelope.signatures[0]
        armored = work / "statement.sig"
        armored.write_text(signature.signature)
        subprocess.run(
            [
                *("ssh-keygen", "-Y", "verify", "-f", str(allowed), "-I", signature.signer),
                *("-n", NAMESPACE, "-s", str(armored)),
            ],
            input=signed_bytes(envelope.statement),
            capture_output=True,
            check=True,
        )
    external = (time.perf_counter() - start) / len(sample)
    verify_ratio = external / in_process
    print(f"  in process: {1 / in_process:8.0f} statements/s ({in_process * 1e6:.0f} us each)")
    print(f"  ssh-keygen -Y verify: {1 / external:8.0f} statements/s ({external * 1e3:.1f} ms)")
    print(
        f"  ratio {verify_ratio:.0f}x (target >= {TARGET_VERIFY_RATIO}x) "
        f"{'OK' if verify_ratio >= TARGET_VERIFY_RATIO else 'MISSED'}"
    )

    for ledger in (*ledgers.values(), grown):
        ledger.close()
    subprocess.run(["rm", "-rf", str(work)], check=False)
    ok = (
        ratio <= TARGET_APPEND_RATIO
        and per_entry < TARGET_BYTES_PER_ENTRY
        and grown_per_entry < TARGET_GROWN_BYTES
        and verify_ratio >= TARGET_VERIFY_RATIO
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
