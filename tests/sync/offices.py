"""Offices racing through one bare remote, each in its own process with its own clone: the
set-up and the checks that the races in test_concurrency.py and test_transfer_race.py share."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from approval.ledger import Ledger
from approval.ledger.replication import sync_ledger
from approval.workflow.audit import replay_ledger
from approval.workflow.clone import clone_ledger
from tests.support import ROOT, KeyMaker
from tests.sync.conftest import bare_remote, subjects
from tests.world import World


@dataclass
class Race:
    world: World
    remote: Path
    clones: list[Path]
    errors: list[str]  # each office's standard error
    recorded: list[str]  # statement ids, in each office's order, office after office


def run_offices(
    tmp_path: Path,
    make_key: KeyMaker,
    script: str,
    prefix: str,
    offices: int,
    statements: int,
    timeout: float,
) -> Race:
    """Start ``offices`` processes running ``script`` (argv: clone, key, official, count, go
    file) at once, wait for them, and check each exited 0 and printed distinct ids."""
    world = World(tmp_path, make_key)
    officials = [f"{prefix}{n}.office" for n in range(offices)]
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
    running = [
        subprocess.Popen(
            [sys.executable, "-c", script, clone, world.key(official).private, official,
             str(statements), go],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for clone, official in zip(clones, officials, strict=True)
    ]  # fmt: skip
    go.touch()
    outputs = [office.communicate(timeout=timeout) for office in running]
    for office, (_, err) in zip(running, outputs, strict=True):
        assert office.returncode == 0, err
    recorded = [line for out, _ in outputs for line in out.split()]
    assert len(recorded) == len(set(recorded)) == offices * statements
    return Race(world, remote, clones, [err for _, err in outputs], recorded)


def settle_and_verify(race: Race) -> list[str]:
    """One more sync everywhere (offices that finished first have not seen the others' last
    statements; headquarters made none), then every clone holds the remote's history exactly,
    each statement once, and passes a full verified replay. The remote's subjects."""
    everyone = [race.world.ledger, *race.clones]
    for clone in everyone:
        sync_ledger(clone)
    shared = subjects(race.remote)
    ids = [subject.split()[1] for subject in shared]
    assert len(ids) == len(set(ids)) == 1 + len(race.recorded)  # exactly once each
    assert set(ids[1:]) == set(race.recorded)
    for clone in everyone:
        assert subjects(clone) == shared
        with Ledger.open(clone) as ledger:
            report, state = replay_ledger(ledger, ledger.head())
        assert report.failure is None, report.failure.message
        assert len(state) == 1 + len(race.recorded)
    return shared
