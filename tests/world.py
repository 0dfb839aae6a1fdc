"""A small agency for the journeys: real keys, a roster, a real ledger, and the real CLI.

Features and workflow tests build one ``World`` each; every command goes through the real CLI
in a subprocess, as a user would type it. Statements that must be dated in the past (an
approval that has expired) are signed with the same keys and appended through the ledger API,
because the CLI itself only ever signs with the current time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.support import ROOT, CliResult, KeyMaker, KeyPair, run_approval

POLICY = ROOT / "policies" / "8cfr208.6.yaml"

# id -> (name, roles)
CAST: dict[str, tuple[str, tuple[str, ...]]] = {
    "a.admin": ("Ada Admin", ("admin",)),
    "b.admin": ("Ben Admin", ("admin",)),
    "c.admin": ("Cy Admin", ("admin",)),
    "p.publisher": ("Pat Publisher", ("publisher",)),
    "q.publisher": ("Quinn Publisher", ("publisher", "privacy-officer")),
    "o.privacy": ("Olu Privacy", ("privacy-officer",)),
    "s.senior": ("Sam Senior", ("senior-official",)),
    "t.senior": ("Tam Senior", ("senior-official",)),
}


@dataclass
class World:
    root: Path
    make_key: KeyMaker
    keys: dict[str, KeyPair] = field(default_factory=dict)
    last: CliResult | None = None

    @property
    def ledger(self) -> Path:
        return self.root / "ledger"

    def key(self, official: str) -> KeyPair:
        if official not in self.keys:
            self.keys[official] = self.make_key(official)
        return self.keys[official]

    def roster(
        self,
        officials: dict[str, tuple[str, ...]] | None = None,
        *,
        threshold: int = 2,
        version: int = 1,
        name: str = "roster.yaml",
    ) -> Path:
        """Write a roster of ``officials`` (id -> roles; default: the whole cast)."""
        chosen = officials or {official: roles for official, (_, roles) in CAST.items()}
        lines = [f"version: {version}", "officials:"]
        for official, roles in chosen.items():
            display = CAST.get(official, (official.title(), ()))[0]
            lines += [
                f"  - id: {official}",
                f"    name: {display}",
                f"    roles: [{', '.join(roles)}]",
                f'    keys: ["{self.key(official).public}"]',
            ]
        lines += ["admins:", f"  threshold: {threshold}"]
        path = self.root / name
        path.write_text("\n".join(lines) + "\n")
        return path

    def policy(self, *, version: int = 1, name: str = "policy.yaml") -> Path:
        path = self.root / name
        path.write_text(POLICY.read_text().replace("\nversion: 1\n", f"\nversion: {version}\n"))
        return path

    def run(self, *args: str | Path, as_: str | None = None, input: str | None = None) -> CliResult:
        """``approval ARGS`` against this world's ledger, signing as ``as_`` when given."""
        extra: list[str | Path] = ["--key", self.key(as_).private] if as_ else []
        self.last = run_approval(
            *args, *extra, cwd=self.root, env={"APPROVAL_LEDGER": str(self.ledger)}, input=input
        )
        return self.last

    def init(self, *admins: str) -> CliResult:
        keys: list[str | Path] = []
        for admin in admins or ("a.admin", "b.admin"):
            keys += ["--key", self.key(admin).private]
        return self.run("init", "--policy", self.policy(), "--roster", self.roster(), *keys)

    def request(self, file: Path, as_: str = "p.publisher") -> str:
        """Request approval for ``file``; the request id (the last line of stdout)."""
        result = self.run(
            "request", file, "--purpose", "FY2022 statistics", "--destination", "www", as_=as_
        )
        assert result.code == 0, result.output
        return result.stdout.strip().splitlines()[-1]

    def sign(self, request: str, as_: str, *extra: str) -> CliResult:
        return self.run("sign", request, "--yes", *extra, as_=as_)

    def append_at(self, kind: str, at: datetime, *signers: str, **body: Any) -> str:
        """Sign and append a statement dated ``at`` (in the past) through the ledger API.

        With one signer the statement names it (``signer``); an adoption names none.
        """
        from approval.ledger import Ledger
        from approval.ledger.session import new_statement
        from approval.signing import load_private_key, sign_statement
        from approval.statements import Envelope

        if kind != "adoption":
            body["signer"] = signers[0]
        if not self.ledger.exists():
            Ledger.create(self.ledger).close()
        with Ledger.open(self.ledger) as ledger:
            statement = new_statement(kind, ledger.head(), at, **body)
            envelope = Envelope(
                statement,
                tuple(
                    sign_statement(statement, load_private_key(self.key(s).private), s)
                    for s in signers
                ),
            )
            ledger.append(envelope)
        return envelope.id

    def init_at(self, at: datetime) -> str:
        """The first adoption, dated ``at``, signed by two admins."""
        from approval.policy import load_policy, load_roster

        roster = self.roster()
        return self.append_at(
            "adoption",
            at,
            "a.admin",
            "b.admin",
            policy=load_policy(self.policy(), roster).to_dict(),
            roster=load_roster(roster).to_dict(),
            previous=None,
        )

    def approved_long_ago(self, path: Path, days: int = 32) -> str:
        """A fresh ledger adopted ``days`` ago, with a request for ``path`` and both sign-offs
        a day later, so that under a 30-day policy its approvals have expired (the CLI only
        ever signs with the current time). The request's id."""
        from datetime import timedelta

        from approval.detect.scan import scan_file
        from approval.policy import default_policy
        from approval.statements import now
        from approval.trust.summaries import summary_digest

        report = scan_file(path, default_policy())
        start = now() - timedelta(days=days)
        adoption = self.init_at(start)
        request = self.append_at(
            "request", start + timedelta(minutes=1), "p.publisher",
            artifact={"sha256": report.sha256, "size": report.size, "name": path.name},
            policy={"id": "8cfr208.6", "version": 1, "adoption": adoption},
            purpose="FY2022 statistics", destination="www", scan=report.summary(),
        )  # fmt: skip
        for who, role in (("o.privacy", "privacy-officer"), ("s.senior", "senior-official")):
            self.append_at(
                "signoff", start + timedelta(days=1), who, request=request,
                artifact_sha256=report.sha256, decision="approve", role=role,
                rescanned=True, summary_sha256=summary_digest(report.summary()),
            )  # fmt: skip
        return request
