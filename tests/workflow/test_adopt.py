"""``approval policy adopt`` for a roster-only change (issue 14): the real CLI, a real ledger."""

from __future__ import annotations

import json
from pathlib import Path

from approval.demo.synthetic import detention_workbook
from tests.support import KeyMaker
from tests.world import World


def _admins(world: World) -> list[str | Path]:
    return ["--key", world.key("a.admin").private, "--key", world.key("b.admin").private]


def test_a_roster_change_with_the_policy_in_force_keeps_approvals(
    tmp_path: Path, make_key: KeyMaker
) -> None:
    world = World(tmp_path, make_key)
    assert world.init().code == 0
    workbook = tmp_path / "stats.xlsx"
    detention_workbook(workbook, count=5)
    request = world.request(workbook)
    for who in ("o.privacy", "s.senior"):
        assert world.sign(request, who, "--file", str(workbook)).code == 0
    # A new official joins: the same policy file, a new roster version.
    officials = {"t.new": ("senior-official",)} | {
        o: roles for o, roles in _cast(world).items() if o != "t.senior"
    }
    roster = world.roster(officials, version=2, name="roster-v2.yaml")
    adopted = world.run("policy", "adopt", world.policy(), "--roster", roster, *_admins(world),
                        "--format", "json")  # fmt: skip
    assert adopted.code == 0, adopted.output
    data = json.loads(adopted.stdout)
    assert data["change"] == "roster" and data["approvals_kept"] is True
    assert data["policy"] == "8cfr208.6 v1" and data["roster_version"] == 2
    status = world.run("status", workbook)
    assert status.code == 0, status.output
    # A policy edited under the same version is refused, named for what it is.
    edited = tmp_path / "edited.yaml"
    edited.write_text(world.policy().read_text().replace("\ntitle: ", "\ntitle: Edited ", 1))
    roster3 = world.roster(officials, version=3, name="roster-v3.yaml")
    refused = world.run("policy", "adopt", edited, "--roster", roster3, *_admins(world))
    assert refused.code == 2, refused.output
    assert "policy version 1 is the version in force, but the policy differs from it" in (
        refused.stderr
    )
    # The same roster again: nothing changes, so nothing is adopted.
    again = world.run("policy", "adopt", "--roster", roster, *_admins(world))
    assert again.code == 2 and "roster version 2 is not higher" in again.stderr


def _cast(world: World) -> dict[str, tuple[str, ...]]:
    from tests.world import CAST

    return {official: roles for official, (_, roles) in CAST.items()}
