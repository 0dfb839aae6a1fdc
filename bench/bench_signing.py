"""Signing and verifying statements in process, against running ``ssh-keygen -Y verify``.

Target (issue 4): in-process verification at least 30x faster per signature than ssh-keygen.
Run: ``.venv/bin/python bench/bench_signing.py [--calls 50]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from approval.signing import load_private_key, sign, sign_statement, verify, verify_signature
from approval.signing.ssh_keygen import run_ssh_keygen
from approval.statements import NAMESPACE, STATEMENT_TYPE, signed_bytes

TARGET_RATIO = 30
PASSPHRASE = "bench pass"  # noqa: S105 - a throwaway key made and removed by this script
PASSPHRASE_VAR = "BENCH_PASSPHRASE"  # noqa: S105 - the name of a variable, not a secret
KINDS = {"ed25519": [], "ecdsa": ["-b", "256"], "rsa": ["-b", "3072"]}
STATEMENT = {
    "type": STATEMENT_TYPE,
    "kind": "signoff",
    "created": "2026-11-21T06:14:44Z",
    "seen_head": "a" * 40,
    "signer": "b.okafor",
    "request": "1" * 64,
    "artifact_sha256": "2" * 64,
    "decision": "approve",
    "role": "privacy-officer",
    "comment": "checked the summary: counts and column names only",
}


def per_call(function: Callable[[], object], calls: int, batches: int = 5) -> float:
    """Seconds per call: the median over batches, so one slow batch does not skew it."""
    times = []
    for _ in range(batches):
        start = time.perf_counter()
        for _ in range(calls):
            function()
        times.append((time.perf_counter() - start) / calls)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=50, help="ssh-keygen calls per key kind")
    parser.add_argument("--iterations", type=int, default=400, help="in-process calls per batch")
    options = parser.parse_args()
    data = signed_bytes(STATEMENT)
    print(f"statement: {len(data)} canonical bytes; namespace {NAMESPACE}")
    print(
        f"{'key':8} {'load us':>9} {'sign us':>9} {'verify us':>10} {'stmt us':>9}"
        f" {'ssh-keygen ms':>14} {'ratio':>7}"
    )
    worst = float("inf")
    with tempfile.TemporaryDirectory(prefix="bench-signing-") as scratch:
        directory = Path(scratch)
        for kind, extra in KINDS.items():
            path = directory / f"id_{kind}"
            done = run_ssh_keygen(["-q", "-t", kind, *extra, "-N", "", "-C", "bench", "-f", path])
            if done.returncode != 0:
                print(f"ssh-keygen -t {kind} failed: {done.stderr.decode()}", file=sys.stderr)
                return 1
            public = path.with_name(path.name + ".pub").read_text()
            key = load_private_key(path)
            armored = sign(data, key)
            signature = sign_statement(STATEMENT, key, "b.okafor")
            n = options.iterations
            # Loading is slow for RSA (cryptography checks the key); it happens once a command.
            load = per_call(partial(load_private_key, path), 10, batches=3)
            signing = per_call(partial(sign, data, key), n)
            checking = per_call(partial(verify, data, armored, public), n)
            statement = per_call(partial(verify_signature, STATEMENT, signature), n)

            message, sig_file, allowed = directory / "m", directory / "m.sig", directory / "allowed"
            message.write_bytes(data)
            sig_file.write_text(armored)
            allowed.write_text(f'b.okafor namespaces="{NAMESPACE}" {public}')
            args: list[str | Path] = ["-Y", "verify", "-f", allowed, "-I", "b.okafor"]
            args += ["-n", NAMESPACE, "-s", sig_file]

            def external(a: list[str | Path] = args) -> None:
                if run_ssh_keygen(a, input=data).returncode != 0:
                    raise SystemExit("ssh-keygen -Y verify refused our signature")

            ssh = per_call(external, options.calls, batches=1)
            ratio = ssh / checking
            worst = min(worst, ratio)
            print(
                f"{kind:8} {load * 1e6:9.0f} {signing * 1e6:9.0f} {checking * 1e6:10.0f}"
                f" {statement * 1e6:9.0f} {ssh * 1e3:14.2f} {ratio:6.0f}x"
            )
        protected = directory / "id_protected"
        run_ssh_keygen(["-q", "-t", "ed25519", "-N", PASSPHRASE, "-C", "bench", "-f", protected])
        os.environ[PASSPHRASE_VAR] = PASSPHRASE
        unlock = partial(load_private_key, protected, passphrase_env=PASSPHRASE_VAR)
        print(f"loading a passphrase-protected ed25519 key: {per_call(unlock, 5, 1) * 1e3:.0f} ms")
    verdict = "met" if worst >= TARGET_RATIO else "MISSED"
    print(
        f"in-process verify vs ssh-keygen: {worst:.0f}x or more (target {TARGET_RATIO}x: {verdict})"
    )
    print("(stmt us = verify_signature: canonical JSON of the statement plus verify)")
    return 0 if worst >= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
