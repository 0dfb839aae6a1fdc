"""A rule changed in one place changes replay, sync, the gate and the audit alike.

The same story is told under two policies that differ in one parameter (how long an approval
counts): approvals, then an export two days later naming them. Under 30 days the export was
allowed; under 1 day it was not. Every reader of the ledger must say so: a command's replay,
a clone that syncs the export in, the gate deciding on the file, and the audit. They all go
through the one verifier (``approval.trust.verifier``) and the one ``decide``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from approval.errors import IntegrityError
from approval.ledger import Ledger
from approval.ledger.replication import sync_ledger
from approval.ledger.session import replay_verified
from approval.statements import now
from approval.trust.failure import AuditFailure, Rule
from approval.workflow.audit import audit_ledger
from approval.workflow.clone import clone_ledger
from tests.audit.conftest import scan_summary
from tests.support import KeyMaker, run_approval
from tests.world import POLICY, World


def _tell(world: World, valid_days: int, workbook: Path) -> None:
    """Adoption of the policy with ``valid_days``, a request and both approvals, three days
    ago, and an export of the file two days after the approvals, naming them."""
    from approval.policy import load_policy, load_roster
    from approval.trust.summaries import summary_digest

    policy_file = world.root / "policy.yaml"
    policy_file.write_text(
        POLICY.read_text().replace("valid_days: 30", f"valid_days: {valid_days}")
    )
    roster = world.roster()
    start = now() - timedelta(days=3)
    adoption = world.append_at(
        "adoption", start, "a.admin", "b.admin",
        policy=load_policy(policy_file, roster).to_dict(),
        roster=load_roster(roster).to_dict(), previous=None,
    )  # fmt: skip
    artifact, scan = scan_summary(workbook)
    request = world.append_at(
        "request", start + timedelta(minutes=1), "p.publisher", artifact=artifact,
        policy={"id": "8cfr208.6", "version": 1, "adoption": adoption},
        purpose="FY2022 statistics", destination="www", scan=scan,
    )  # fmt: skip
    approve = {
        "request": request, "artifact_sha256": artifact["sha256"], "decision": "approve",
        "rescanned": True, "summary_sha256": summary_digest(scan),
    }  # fmt: skip
    roles = (("o.privacy", "privacy-officer"), ("s.senior", "senior-official"))
    used = [
        world.append_at("signoff", start + timedelta(minutes=m), who, **approve, role=role)
        for m, (who, role) in enumerate(roles, start=2)
    ]
    world.append_at(
        "export", start + timedelta(days=2), "p.publisher", artifact=artifact,
        destination="www.example.gov/stats", request=request, signoffs=sorted(used),
        policy={"id": "8cfr208.6", "version": 1, "adoption": adoption},
    )  # fmt: skip


@pytest.mark.parametrize(("valid_days", "allowed"), [(30, True), (1, False)])
def test_one_rule_parameter_changes_replay_sync_gate_and_audit_alike(
    tmp_path: Path, make_key: KeyMaker, valid_days: int, allowed: bool
) -> None:
    from approval.demo.synthetic import detention_workbook

    world = World(tmp_path / "hq", make_key)
    world.root.mkdir()
    workbook = tmp_path / "stats.xlsx"
    detention_workbook(workbook, count=3)
    # The story up to the approvals, in the shared ledger; the export comes last.
    _tell(world, valid_days, workbook)
    with Ledger.open(world.ledger) as ledger:
        head = ledger.head()
        assert head is not None
        before = ledger.resolve(f"{head}~1")
        assert before is not None
    # An office cloned the shared ledger before the export was appended there.
    office_remote = tmp_path / "shared.git"
    _copy_up_to(world.ledger, office_remote, before)
    office = tmp_path / "office"
    clone_ledger(str(office_remote), office)

    # The gate, on the office's clone (which does not hold the export): the file may leave
    # while its approvals count, and not once they expired.
    gate = run_approval("check", workbook, env={"APPROVAL_LEDGER": str(office)})
    assert gate.code == (0 if allowed else 1), gate.output

    # Sync: the export reaches the office's remote, and the office syncs it in.
    _copy_up_to(world.ledger, office_remote, head)
    if allowed:
        synced = sync_ledger(office)
        assert synced.came_in == ("export",)
    else:
        with pytest.raises(IntegrityError, match="when it was not allowed"):
            sync_ledger(office)

    # A command's replay of the shared ledger, and the audit.
    with Ledger.open(world.ledger) as ledger:
        if allowed:
            assert len(replay_verified(ledger)) == 5
        else:
            with pytest.raises(AuditFailure) as replayed:
                replay_verified(ledger)
            assert replayed.value.rule is Rule.EXPORT
    report = audit_ledger(world.ledger)
    if allowed:
        assert report.failure is None
    else:
        assert report.failure is not None and report.failure.rule is Rule.EXPORT
        assert "expired" in report.failure.problem


def _copy_up_to(ledger: Path, remote: Path, commit: str) -> None:
    """Make ``remote`` (a bare repository) hold the ledger's branch at ``commit``."""
    import subprocess

    if not remote.exists():
        subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    subprocess.run(
        ["git", "--git-dir", str(ledger), "push", "--quiet", "--force", str(remote),
         f"{commit}:refs/heads/ledger"],
        check=True, capture_output=True,
    )  # fmt: skip
