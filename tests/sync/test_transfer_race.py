"""Offices racing through one bare remote with ``approval sync``'s transfers, the ones that go
through GitPython (a progress given): every statement lands exactly once and every clone ends
with the same history, which verifies. The race of test_concurrency.py, on the other path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from approval.ledger import Ledger
from approval.workflow.audit import replay_ledger
from approval.workflow.sync import clone_ledger, sync_ledger
from tests.support import ROOT, KeyMaker
from tests.sync.conftest import bare_remote, subjects
from tests.world import World

OFFICES = 3
STATEMENTS = 10

# One office in its own process: each statement made offline, then shared by a sync whose
# fetches and pushes report their progress (counted, to show the path was taken).
OFFICE = """
import hashlib, sys, time
from pathlib import Path
from approval.signing import load_private_key
from approval.statements import now
from approval.workflow.ledger import load, new_statement, sign_and_append
from approval.workflow.sync import Mode, sync_ledger, using

class Counting:
    reports = 0
    def update(self, stage, done, total):
        Counting.reports += 1

clone, key_path, official, count, go = sys.argv[1:]
clone, key = Path(clone), load_private_key(Path(key_path), interactive=False)
SCAN = {"verdict": "protected", "format": "csv", "findings": [],
        "classes": {"protected-person": {"records": 3}}}
while not Path(go).exists():
    time.sleep(0.002)
for i in range(int(count)):
    with using(Mode(online=False, warn=lambda message: None)):
        with load(clone) as session:
            adoption = session.state.current
            name = f"{official}-{i}.csv"
            statement = new_statement(
                "request", session.head, now(), signer=official,
                artifact={"sha256": hashlib.sha256(name.encode()).hexdigest(),
                          "size": 100 + i, "name": name},
                policy={"id": adoption.policy.id, "version": adoption.policy.version,
                        "adoption": adoption.id},
                purpose="weekly figures", destination="www", scan=SCAN,
            )
            envelope = sign_and_append(session, statement, [(key, official)])
    print(envelope.id, flush=True)
    sync_ledger(clone, progress=Counting())
print("reports", Counting.reports, file=sys.stderr)
"""


@pytest.mark.slow
def test_offices_syncing_through_gitpython_at_once_land_every_statement_once(
    tmp_path: Path, make_key: KeyMaker
) -> None:
    world = World(tmp_path, make_key)
    officials = [f"g{n}.office" for n in range(OFFICES)]
    cast = {"a.admin": ("admin",), "b.admin": ("admin",), "o.privacy": ("privacy-officer",)}
    cast["s.senior"] = ("senior-official",)
    roster = world.roster({**cast, **dict.fromkeys(officials, ("publisher",))})
    remote = bare_remote(tmp_path / "remote.git")
    created = world.run(
        "init", "--policy", world.policy(), "--roster", roster,
        "--key", world.key("a.admin").private, "--key", world.key("b.admin").private,
        "--remote", remote,
    )  # fmt: skip
    assert created.code == 0, created.output
    clones = [clone_ledger(str(remote), tmp_path / official).path for official in officials]
    go = tmp_path / "go"
    offices = [
        subprocess.Popen(
            [sys.executable, "-c", OFFICE, clone, world.key(official).private, official,
             str(STATEMENTS), go],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for clone, official in zip(clones, officials, strict=True)
    ]  # fmt: skip
    go.touch()
    outputs = [office.communicate(timeout=600) for office in offices]
    for office, (_, err) in zip(offices, outputs, strict=True):
        assert office.returncode == 0, err
        assert int(err.split("reports")[-1]) > 0  # git's progress came through GitPython
    recorded = [line for out, _ in outputs for line in out.split()]
    assert len(recorded) == len(set(recorded)) == OFFICES * STATEMENTS

    everyone = [world.ledger, *clones]
    for clone in everyone:
        sync_ledger(clone)
    shared = subjects(remote)
    ids = [subject.split()[1] for subject in shared]
    assert len(ids) == len(set(ids)) == 1 + OFFICES * STATEMENTS
    assert set(ids[1:]) == set(recorded)
    for clone in everyone:
        assert subjects(clone) == shared
        with Ledger.open(clone) as ledger:
            report, state = replay_ledger(ledger, ledger.head())
        assert report.failure is None, report.failure.message
        assert len(state) == 1 + OFFICES * STATEMENTS
