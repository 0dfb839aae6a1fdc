"""Offices racing through one bare remote with ``approval sync``'s transfers, the ones that go
through GitPython (a progress given): every statement lands exactly once and every clone ends
with the same history, which verifies. The race of test_concurrency.py, on the other path."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import KeyMaker
from tests.sync.offices import run_offices, settle_and_verify

OFFICES = 3
STATEMENTS = 10

# One office in its own process: each statement made offline, then shared by a sync whose
# fetches and pushes report their progress (counted, to show the path was taken).
OFFICE = """
import hashlib, sys, time
from pathlib import Path
from approval.signing import load_private_key
from approval.statements import now
from approval.ledger.session import load, new_statement, sign_and_append
from approval.ledger.replication import Mode, sync_ledger, using

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
    race = run_offices(tmp_path, make_key, OFFICE, "g", OFFICES, STATEMENTS, timeout=600)

    for err in race.errors:
        assert int(err.split("reports")[-1]) > 0  # git's progress came through GitPython
    settle_and_verify(race)
