"""Four offices append at once through their own clones to one bare remote: every statement
lands exactly once, and after a final sync every clone holds the same history, which passes a
full verified replay (the audit's, without any cache). DESIGN.md invariant 5."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from tests.support import KeyMaker
from tests.sync.offices import run_offices, settle_and_verify

OFFICES = 4
STATEMENTS = 100

# One office, in its own process, with its own clone: COUNT statements (requests for distinct
# files; every tenth withdraws the office's previous request, which may not be shared yet),
# each through the workflow as a command makes it: load (online: fetch and rebuild first),
# sign, append, push. About half are made offline, to be shared by a later statement or by an
# explicit sync (one in ten), so that rebuilding several statements on others' is raced too.
# Prints each statement id as it is recorded.
OFFICE = """
import hashlib, random, sys, time
from pathlib import Path
from approval.signing import load_private_key
from approval.statements import now
from approval.ledger.session import load, new_statement, sign_and_append
from approval.ledger.replication import Mode, sync_ledger, using

clone, key_path, official, count, go = sys.argv[1:]
clone, key = Path(clone), load_private_key(Path(key_path), interactive=False)
rng = random.Random(official)
SCAN = {"verdict": "protected", "format": "csv", "findings": [],
        "classes": {"protected-person": {"records": 3}}}
while not Path(go).exists():
    time.sleep(0.002)
previous = None
for i in range(int(count)):
    with using(Mode(online=rng.random() < 0.5, warn=lambda message: None)):
        with load(clone) as session:
            if previous is not None and i % 10 == 9:
                body = {"target": previous, "reason": f"superseded ({official}-{i})"}
                statement = new_statement(
                    "revocation", session.head, now(), signer=official, **body
                )
            else:
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
    if envelope.kind == "request":
        previous = envelope.id
    print(envelope.id, flush=True)
    if rng.random() < 0.1:
        sync_ledger(clone)
sync_ledger(clone)
"""


@pytest.mark.slow
def test_four_offices_appending_100_statements_each_all_land_exactly_once(
    tmp_path: Path, make_key: KeyMaker
) -> None:
    race = run_offices(tmp_path, make_key, OFFICE, "w", OFFICES, STATEMENTS, timeout=1800)

    shared = settle_and_verify(race)
    assert shared[0].startswith("adoption ")
    # The offices really raced: each one's statements are spread among the others'.
    ids = [subject.split()[1] for subject in shared]
    owners = [race.recorded.index(i) // STATEMENTS for i in ids[1:]]
    switches = sum(1 for one, two in itertools.pairwise(owners) if one != two)
    assert switches > 20
