"""A scan made under one policy is never used under another: the gate keeps scans by the
adoption whose policy made them, so a scan still running when a new adoption clears the
reports leaves its report where no request under the new policy looks (the red-team round on
the gate: the old-policy scan was stored after the clear and served as clean)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import yaml

from approval.detect.report import CLEAN, PROTECTED, FileReport
from approval.policy import (
    Policy,
    default_policy,
    default_policy_path,
    document_from_data,
    parse_policy,
)
from approval.serve.follower import Decided, Generation
from approval.serve.gate import CHANGED, Gate, scan_exact, stat_key
from tests.detect.test_scan_identity import Rows

CASES = b"ROWS\nA-Number,Case\nA212345678,asylum claim pending\nA212345679,asylum claim granted\n"


def lenient() -> Policy:
    """The default policy, but an A-number alone identifies no one: CASES is clean under it."""
    doc: dict[str, Any] = yaml.safe_load(default_policy_path().read_text())
    for c in doc["classes"]:
        c["identified_by"] = [ids for ids in c["identified_by"] if ids != ["a-number"]]
    return parse_policy(document_from_data(doc, "lenient.yaml"))


class Adopting:
    """A follower without a ledger (our own small class with the interface the gate uses) that
    moves from one adoption to another when told to, as a new head would."""

    path = None
    fetch_every = 0.0

    def __init__(self, old: Policy, new: Policy):
        self.generation = Generation(1, "h1", "adoption-1", old)
        self.new = new
        self.broken: str | None = None
        self.checked = time.monotonic()
        self.fetching = False
        self.fetched: float | None = None
        self.moved = False

    @property
    def policy(self) -> Policy | None:
        return self.generation.policy

    def open(self) -> Generation:
        return self.generation

    def close(self) -> None:
        pass

    def poll(self) -> bool:
        moved, self.moved = self.moved, False
        self.checked = time.monotonic()
        return moved

    def due(self) -> bool:
        return False

    def turn(self) -> bool:
        return False

    def adopt(self) -> None:
        self.generation = Generation(2, "h2", "adoption-2", self.new)
        self.moved = True

    def decide(self, report: FileReport) -> Decided:
        return Decided(None, None)


def test_a_scan_that_ends_after_an_adoption_is_not_used_under_it(tmp_path: Path) -> None:
    site = tmp_path / "www"
    site.mkdir()
    (site / "cases.rows").write_bytes(CASES)
    follower = Adopting(lenient(), default_policy())
    scans: list[str] = []

    def adopt_meanwhile() -> None:
        # In the scan thread, once the bytes are read: the ledger thread sees a new adoption
        # and clears what was decided, before this scan stores its report.
        scans.append(follower.generation.adoption)
        if len(scans) == 1:
            follower.adopt()
            gate._ledger_pool.submit(gate._poll_once).result()

    gate = Gate(site, follower, racy=0.0, poll=3600.0, readers=[Rows(after=adopt_meanwhile)])  # type: ignore[arg-type]

    async def main() -> list[tuple[bool, str]]:
        await gate.start()
        try:
            answers = [await gate.answer(b"/cases.rows") for _ in range(3)]
            return [(a.allowed, a.word) for a in answers]
        finally:
            await gate.stop()

    # The first, scanned under the old policy, is not decided under the new one; the next is
    # scanned again under the new policy (the old scan is not found) and refused; the third
    # is the second's answer, warm.
    assert asyncio.run(main()) == [(False, CHANGED), (False, PROTECTED), (False, PROTECTED)]
    assert scans == ["adoption-1", "adoption-2"]
    assert {k.split(":")[0] for k in gate._reports} <= {"adoption-1", "adoption-2"}


def test_scans_are_kept_by_the_adoption_they_were_made_under(tmp_path: Path) -> None:
    path = tmp_path / "cases.rows"
    path.write_bytes(CASES)
    key = stat_key(path.stat())
    known: dict[str, FileReport] = {}
    root = str(tmp_path)
    old = scan_exact(str(path), key, lenient(), known, root, [Rows()], adoption="a1")
    new = scan_exact(str(path), key, default_policy(), known, root, [Rows()], adoption="a2")
    again = scan_exact(str(path), key, default_policy(), known, root, [Rows()], adoption="a1")
    assert (old.verdict, new.verdict) == (CLEAN, PROTECTED)
    assert again is old  # found, under its own adoption only
    assert sorted(known) == [f"a1:{old.sha256}:.rows", f"a2:{old.sha256}:.rows"]
