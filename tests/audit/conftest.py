"""A ledger with the whole story in it, made once per session with real keys and copied for
each test that audits or tampers with it; and stock git to rewrite its history."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from approval.ledger import BRANCH
from approval.statements import now
from tests.support import CliResult, KeyMaker, run_approval
from tests.world import World


@dataclass
class Story:
    """The session's ledger and the ids of what is in it."""

    world: World
    workbook: Path  # the protected file that was requested, approved and exported
    sha256: str
    start: datetime
    ids: dict[str, str] = field(default_factory=dict)
    times: dict[str, datetime] = field(default_factory=dict)


def scan_summary(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(artifact, scan summary) of a file, as ``approval request`` records them."""
    from approval.detect.scan import scan_file
    from approval.policy import default_policy

    report = scan_file(path, default_policy())
    return {"sha256": report.sha256, "size": report.size, "name": path.name}, report.summary()


def tell(world: World, story: Story) -> None:
    """The journey, dated in the past: adoption v1; a workbook requested, approved by both
    roles and exported; another file refused, the refusal withdrawn; policy v2 adopted; a
    request under v2 approved then revoked; a redaction of the workbook."""
    from approval.detect.scan import scan_file  # noqa: F401 - warms the import once
    from approval.policy import load_policy, load_roster
    from approval.trust.summaries import summary_digest

    start = story.start
    step = iter(range(1, 1000))

    def at() -> datetime:
        return start + timedelta(minutes=10 * next(step))

    def put(name: str, kind: str, when: datetime, *signers: str, **body: Any) -> str:
        story.ids[name] = world.append_at(kind, when, *signers, **body)
        story.times[name] = when
        return story.ids[name]

    adoption = world.init_at(start)
    story.ids["adoption"], story.times["adoption"] = adoption, start
    artifact, scan = scan_summary(story.workbook)
    policy = {"id": "8cfr208.6", "version": 1, "adoption": adoption}
    request = put(
        "request", "request", at(), "p.publisher", artifact=artifact, policy=policy,
        purpose="FY2022 statistics", destination="www.example.gov/detention", scan=scan,
    )  # fmt: skip
    approve = {"request": request, "artifact_sha256": artifact["sha256"], "decision": "approve"}
    # As the officials' clients record it after rescanning the bytes (review.py).
    approve |= {"rescanned": True, "summary_sha256": summary_digest(scan)}
    first = put("privacy", "signoff", at(), "o.privacy", **approve, role="privacy-officer")
    second = put("senior", "signoff", at(), "s.senior", **approve, role="senior-official")
    put(
        "export", "export", at(), "p.publisher", artifact=artifact,
        destination="www.example.gov/detention/detention-stats.xlsx", request=request,
        signoffs=sorted([first, second]), policy=policy,
    )  # fmt: skip

    other = {"sha256": "ab" * 32, "size": 1234, "name": "fear-interviews.csv"}
    other_request = put(
        "other request", "request", at(), "q.publisher", artifact=other, policy=policy,
        purpose="answer to a records request", destination="records office", scan=scan,
    )  # fmt: skip
    refusal = put(
        "refusal", "signoff", at(), "s.senior", request=other_request,
        artifact_sha256=other["sha256"], decision="reject", role="senior-official",
        comment="names on the hidden sheet",
    )  # fmt: skip
    put("withdrawal", "revocation", at(), "s.senior", target=refusal, reason="reviewed again")

    roster = world.roster()
    version2 = put(
        "adoption v2", "adoption", at(), "a.admin", "b.admin",
        policy=load_policy(world.policy(version=2, name="policy2.yaml"), roster).to_dict(),
        roster=load_roster(roster).to_dict(), previous=adoption,
    )  # fmt: skip
    policy2 = {"id": "8cfr208.6", "version": 2, "adoption": version2}
    third = put(
        "request v2", "request", at(), "p.publisher", artifact=other, policy=policy2,
        purpose="answer to a records request", destination="records office", scan=scan,
    )  # fmt: skip
    approval = put(
        "approval v2", "signoff", at(), "o.privacy", request=third,
        artifact_sha256=other["sha256"], decision="approve", role="privacy-officer",
    )  # fmt: skip
    put("revocation", "revocation", at(), "o.privacy", target=approval, reason="wrong file")
    put(
        "redaction", "redaction", at(), "p.publisher", source=artifact,
        derivative={"sha256": "cd" * 32, "size": 999, "name": "detention-stats-redacted.xlsx"},
        removed=["sheet Sheet2", "column B (a-number)"],
    )  # fmt: skip


@pytest.fixture(scope="session")
def story(tmp_path_factory: pytest.TempPathFactory, make_key: KeyMaker) -> Story:
    from approval.demo.synthetic import detention_workbook

    root = tmp_path_factory.mktemp("story")
    world = World(root, make_key)
    workbook = root / "detention-stats.xlsx"
    detention_workbook(workbook, count=12)
    artifact, _ = scan_summary(workbook)
    told = Story(world, workbook, artifact["sha256"], now() - timedelta(days=3))
    tell(world, told)
    return told


@pytest.fixture
def ledger(story: Story, tmp_path: Path) -> Path:
    """A fresh copy of the story's ledger (audit writes its index inside it)."""
    copy = tmp_path / "ledger"
    shutil.copytree(story.world.ledger, copy)
    return copy


Audit = Callable[..., CliResult]


@pytest.fixture
def audit(tmp_path: Path) -> Audit:
    """``audit(ledger, *args)``: the real ``approval audit`` on a ledger."""

    def run(ledger: Path, *args: str | Path) -> CliResult:
        return run_approval("audit", "--ledger", ledger, *args, cwd=tmp_path)

    return run


# -- stock git, as someone rewriting the ledger by hand would use it ------------------------


def git(repo: Path, *args: str, input: bytes | None = None, **env: str) -> str:
    done = subprocess.run(
        ["git", "--git-dir", str(repo), *args],
        input=input,
        capture_output=True,
        check=True,
        env={**os.environ, **env},
    )
    return done.stdout.decode().strip()


@dataclass(frozen=True)
class Entry:
    """One commit of the ledger as stock git shows it."""

    commit: str
    path: str
    raw: bytes
    message: str
    author_date: str  # raw: "<seconds> +0000"
    committer_date: str


def entries(repo: Path) -> list[Entry]:
    found = []
    log = git(repo, "log", "--reverse", "--format=%H %at %ct", BRANCH)
    for line in log.splitlines():
        commit, authored, committed = line.split()
        path = git(repo, "diff-tree", "--no-commit-id", "--name-only", "-r", "--root", commit)
        raw = subprocess.run(
            ["git", "--git-dir", str(repo), "cat-file", "blob", f"{commit}:{path}"],
            capture_output=True,
            check=True,
        ).stdout
        message = git(repo, "log", "-1", "--format=%B", commit) + "\n"
        found.append(Entry(commit, path, raw, message, f"{authored} +0000", f"{committed} +0000"))
    return found


def rebuild(repo: Path, scratch: Path, history: list[Entry]) -> list[str]:
    """Write ``history`` as a new chain of commits with git's plumbing (a tree per commit made
    from the previous one plus the entry) and force the ledger branch onto it. Commits before
    the first change come out identical (same tree, parent, message, dates): a careful forger
    keeps all that can be kept."""
    scratch.mkdir(parents=True, exist_ok=True)
    index = {"GIT_INDEX_FILE": str(scratch / "rewrite-index"), "GIT_WORK_TREE": str(scratch)}
    git(repo, "read-tree", "--empty", **index)
    parent: str | None = None
    commits = []
    for entry in history:
        blob = git(repo, "hash-object", "-w", "--stdin", input=entry.raw)
        git(repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},{entry.path}", **index)
        tree = git(repo, "write-tree", **index)
        dated = {
            "GIT_AUTHOR_DATE": entry.author_date,
            "GIT_COMMITTER_DATE": entry.committer_date,
            "GIT_AUTHOR_NAME": "approval",
            "GIT_AUTHOR_EMAIL": "ledger@approval.invalid",
            "GIT_COMMITTER_NAME": "approval",
            "GIT_COMMITTER_EMAIL": "ledger@approval.invalid",
        }
        parents = ["-p", parent] if parent else []
        parent = git(
            repo, "commit-tree", *parents, "-F", "-", tree, input=entry.message.encode(), **dated
        )
        commits.append(parent)
    assert parent is not None
    git(repo, "update-ref", BRANCH, parent)
    (scratch / "rewrite-index").unlink()
    return commits


def forge(
    repo: Path,
    scratch: Path,
    files: dict[str, bytes | None],
    message: str,
    parents: list[str],
) -> str:
    """One commit on ``parents`` (the first one's tree, with ``files`` added, changed or
    removed), made with git's plumbing; the branch is moved onto it."""
    scratch.mkdir(parents=True, exist_ok=True)
    index = {"GIT_INDEX_FILE": str(scratch / "forge-index"), "GIT_WORK_TREE": str(scratch)}
    git(repo, "read-tree", parents[0], **index)
    for path, data in files.items():
        if data is None:
            git(repo, "update-index", "--force-remove", path, **index)
        else:
            blob = git(repo, "hash-object", "-w", "--stdin", input=data)
            git(repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", **index)
    tree = git(repo, "write-tree", **index)
    (scratch / "forge-index").unlink()
    args = [arg for parent in parents for arg in ("-p", parent)]
    commit = git(repo, "commit-tree", *args, "-F", "-", tree, input=message.encode())
    git(repo, "update-ref", BRANCH, commit)
    return commit


def append(ledger: Path, world: World, kind: str, at: datetime, *signers: str, **body: Any) -> str:
    """Sign with the world's keys (whoever they are) and append through the ledger API, as
    someone with write access to the ledger and without the tool's checks could."""
    from approval.ledger import Ledger
    from approval.ledger.session import new_statement
    from approval.signing import load_private_key, sign_statement
    from approval.statements import Envelope

    if kind != "adoption":
        body["signer"] = signers[0]
    with Ledger.open(ledger) as opened:
        statement = new_statement(kind, opened.head(), at, **body)
        envelope = Envelope(
            statement,
            tuple(
                sign_statement(statement, load_private_key(world.key(s).private), s)
                for s in signers
            ),
        )
        opened.append(envelope)
    return envelope.id
