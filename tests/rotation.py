"""A lost laptop, as a real ledger: the story features/policy.feature and the bundle tests tell.

A senior official (``s.senior``) approved a protected workbook last week. Two days ago her
laptop was lost; since then her old key approved another workbook (whoever holds the laptop
now). The admins adopt a roster (v2, same policy) with her new key that names the old one
compromised since the loss. Statements dated in the past are signed with the real keys and
appended through the ledger API (the CLI only ever signs with the current time); the roster
change itself goes through the real CLI.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from approval.demo.synthetic import detention_workbook
from approval.statements import format_time, now
from tests.support import CliResult
from tests.world import World

SENIOR = "s.senior"
NEW_KEY = "s.senior.new"  # the key pair on her new laptop (the roster still says s.senior)


@dataclass(frozen=True)
class LostLaptop:
    world: World
    last_week: Path  # approved last week by o.privacy and s.senior (old key)
    after_loss: Path  # approved after the loss by o.privacy and, with the old key, the thief
    first_request: str
    second_request: str
    thief_signoff: str
    loss: datetime  # when the laptop was lost: the compromise time

    def new_roster(self) -> Path:
        """Roster v2: the whole cast, her new key instead of the old, the old one compromised."""
        world = self.world
        old, new = world.key(SENIOR).public, world.key(NEW_KEY).public
        path = world.roster(version=2, name="roster-v2.yaml")
        text = path.read_text().replace(old, new)
        text += f'compromised:\n  - key: "{old}"\n    since: {format_time(self.loss)}\n'
        path.write_text(text)
        return path

    def adopt_new_roster(self, *extra: str) -> CliResult:
        """``approval policy adopt --roster roster-v2.yaml`` by two admins, no policy file."""
        world = self.world
        keys: list[str | Path] = []
        for admin in ("a.admin", "b.admin"):
            keys += ["--key", world.key(admin).private]
        return world.run("policy", "adopt", "--roster", self.new_roster(), *keys, *extra)


def _request(
    world: World, path: Path, adoption: str, at: datetime
) -> tuple[str, str, dict[str, Any]]:
    from approval.detect.scan import scan_file
    from approval.policy import default_policy

    report = scan_file(path, default_policy())
    request = world.append_at(
        "request", at, "p.publisher",
        artifact={"sha256": report.sha256, "size": report.size, "name": path.name},
        policy={"id": "8cfr208.6", "version": 1, "adoption": adoption},
        purpose="FY2022 statistics", destination="www", scan=report.summary(),
    )  # fmt: skip
    return request, report.sha256, report.summary()


def _approve(
    world: World,
    request: str,
    sha256: str,
    summary: dict[str, Any],
    who: str,
    role: str,
    at: datetime,
) -> str:
    from approval.trust.summaries import summary_digest

    return world.append_at(
        "signoff", at, who, request=request, artifact_sha256=sha256, decision="approve",
        role=role, rescanned=True, summary_sha256=summary_digest(summary),
    )  # fmt: skip


def lost_laptop(world: World) -> LostLaptop:
    """The ledger of the story up to the roster change (see the module doc)."""
    start = now() - timedelta(days=8)
    loss = now() - timedelta(days=2)
    last_week, after_loss = world.root / "fy2022-q3.xlsx", world.root / "fy2022-q4.xlsx"
    detention_workbook(last_week, count=12)
    detention_workbook(after_loss, count=13)
    adoption = world.init_at(start)
    first, sha, summary = _request(world, last_week, adoption, start + timedelta(minutes=1))
    day = start + timedelta(days=1)
    _approve(world, first, sha, summary, "o.privacy", "privacy-officer", day)
    _approve(world, first, sha, summary, SENIOR, "senior-official", day + timedelta(hours=1))
    second, sha, summary = _request(world, after_loss, adoption, loss + timedelta(hours=1))
    _approve(world, second, sha, summary, "o.privacy", "privacy-officer", loss + timedelta(hours=2))
    thief = _approve(
        world, second, sha, summary, SENIOR, "senior-official", loss + timedelta(hours=3)
    )
    return LostLaptop(world, last_week, after_loss, first, second, thief, loss)
