"""The full audit of an intact ledger, the append-only rules of its history, and the check that
every export was allowed when it was made."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from approval.ledger import Ledger
from approval.statements import now
from approval.trust.failure import AuditFailure, Rule
from approval.trust.summaries import summary_digest
from approval.workflow.audit import audit_ledger, replay_ledger
from tests.audit.conftest import Audit, Story, append, entries, forge, git, scan_summary
from tests.support import KeyMaker
from tests.world import World

# -- an intact ledger -------------------------------------------------------------------------


def test_the_story_audits_intact_with_a_readable_timeline(
    ledger: Path, story: Story, audit: Audit
) -> None:
    result = audit(ledger)
    assert result.code == 0, result.output
    out = result.stdout
    request = story.ids["request"][:12]
    for sentence in (
        "a.admin, b.admin adopted policy 8cfr208.6 v1 with roster v1 (8 officials",
        f"p.publisher requested approval to export detention-stats.xlsx (sha256 "
        f"{story.sha256[:12]}) to www.example.gov/detention: request {request} (protected; "
        "protected-person 12 persons; hidden: sheet Sheet2)",
        f"o.privacy approved request {request} (detention-stats.xlsx) as privacy-officer",
        f"s.senior approved request {request} (detention-stats.xlsx) as senior-official",
        "p.publisher exported detention-stats.xlsx",
        "to www.example.gov/detention/detention-stats.xlsx on request "
        f"{request}, approved by o.privacy (privacy-officer), s.senior (senior-official)",
        "as senior-official: names on the hidden sheet",
        "s.senior revoked their own refusal",
        "replacing policy 8cfr208.6 v1",
        "o.privacy revoked their own approval",
        "into detention-stats-redacted.xlsx (sha256 cdcdcdcdcdcd), removing 2 parts",
        "Audit: the ledger is intact",
        "statements:       13 verified",
        "signatures:       15 verified",
        "exports:          1, each allowed when it was made",
    ):
        assert sentence in out, sentence
    lines = [line for line in out.splitlines() if line[:2] == "20"]
    assert len(lines) == 13
    assert lines[0].startswith(story.times["adoption"].strftime("%Y-%m-%dT%H:%M:%SZ"))


def test_the_json_timeline_lists_every_statement(ledger: Path, story: Story, audit: Audit) -> None:
    result = audit(ledger, "--format", "json")
    assert result.code == 0, result.output
    report = json.loads(result.stdout)
    assert report["intact"] is True and report["problem"] is None
    assert report["statements"] == 13 and report["signatures"] == 15
    timeline = report["timeline"]
    assert [e["entry"] for e in timeline] == list(range(1, 14))
    export = next(e for e in timeline if e["kind"] == "export")
    assert export["id"] == story.ids["export"]
    assert export["destination"] == "www.example.gov/detention/detention-stats.xlsx"
    assert sorted(export["signoffs"]) == sorted([story.ids["privacy"], story.ids["senior"]])
    assert export["who"] == ["p.publisher"]
    assert export["artifacts"] == [story.sha256]


def test_an_empty_ledger_is_no_proof_of_anything(tmp_path: Path, audit: Audit) -> None:
    """A reviewer's find: a ledger whose branch was deleted audited "intact" (exit 0)."""
    Ledger.create(tmp_path / "empty").close()
    result = audit(tmp_path / "empty")
    assert result.code == 3, result.output
    assert "the ledger holds no statements" in result.output
    assert "Traceback" not in result.output


def test_a_deleted_branch_is_not_an_empty_ledger(ledger: Path, audit: Audit) -> None:
    assert audit(ledger).code == 0
    subprocess.run(["git", "-C", str(ledger), "update-ref", "-d", "refs/heads/ledger"], check=True)
    result = audit(ledger)
    assert result.code == 3, result.output
    assert "its branch was deleted" in result.output


def test_no_ledger_is_bad_input(tmp_path: Path, audit: Audit) -> None:
    result = audit(tmp_path / "nowhere")
    assert result.code == 2
    assert "no ledger at" in result.stderr and "Traceback" not in result.output


def test_the_audit_reads_no_cache(ledger: Path) -> None:
    from approval.ledger.cache import ValidEntries

    """A forged entry is caught even where the ledger's own read cache says the file is fine."""
    with Ledger.open(ledger) as opened:
        sum(1 for _ in opened.entries())  # fills the ValidEntries cache
    history = entries(ledger)
    doc = json.loads(history[1].raw)
    doc["note"] = "added later"  # the schema allows nothing beside statement and signatures
    import rfc8785

    raw = rfc8785.dumps(doc) + b"\n"
    blob = git(ledger, "hash-object", "-w", "--stdin", input=raw)
    [cache] = _cache_dir(ledger).glob("valid-entries-*")
    with cache.open("a") as lines:  # tagged as this user's own client would tag it
        lines.write(f"{blob} {ValidEntries(cache.parent)._tag(blob.encode()).decode()}\n")
    scratch = ledger.parent / "scratch"
    forge(ledger, scratch, {history[1].path: raw}, history[1].message, [history[0].commit])
    with Ledger.open(ledger) as opened:
        assert sum(1 for _ in opened.entries()) == 2  # the ledger's own read trusts its cache
    report = audit_ledger(ledger)
    assert report.failure is not None
    assert report.failure.rule is Rule.SCHEMA
    assert "'note' was unexpected" in report.failure.problem
    assert len(report.events) == 1  # the adoption before it was verified


# -- the history's append-only rules ---------------------------------------------------------


def _failure(ledger: Path) -> AuditFailure:
    report = audit_ledger(ledger)
    assert report.failure is not None, "the audit found nothing wrong"
    return report.failure


def test_a_commit_that_changes_an_earlier_entry(ledger: Path, story: Story) -> None:
    history = entries(ledger)
    head = history[-1].commit
    envelope = json.loads(history[-1].raw)
    envelope["statement"]["created"] = envelope["statement"]["created"]  # same statement
    new = history[-1]
    extra = {f"{new.path[:-5]}x.json": b"{}"}  # a second file is caught too, but first:
    commit = forge(
        ledger, ledger.parent / "scratch", {history[2].path: history[3].raw, **extra}, "x", [head]
    )
    failure = _failure(ledger)
    assert failure.rule is Rule.ONE_ENTRY
    assert failure.commit == commit
    assert f"changes {history[2].path}, which an earlier entry added" in failure.problem


def test_a_commit_that_removes_an_earlier_entry(ledger: Path) -> None:
    history = entries(ledger)
    forge(ledger, ledger.parent / "scratch", {history[4].path: None}, "x", [history[-1].commit])
    failure = _failure(ledger)
    assert failure.rule is Rule.ONE_ENTRY
    assert f"removes {history[4].path}" in failure.problem
    assert failure.position == 14


def test_a_commit_that_adds_two_entries(ledger: Path, story: Story) -> None:
    history = entries(ledger)
    files = {
        history[3].path.replace("signoff", "export"): history[3].raw,
        history[2].path.replace("signoff", "export"): history[2].raw,
    }
    forge(ledger, ledger.parent / "scratch", files, "x", [history[-1].commit])
    failure = _failure(ledger)
    assert failure.rule is Rule.ONE_ENTRY
    assert "adds 2 files, not exactly one entry" in failure.problem


def test_a_merge_that_smuggles_an_entry_in(ledger: Path, story: Story) -> None:
    """A side branch from an early commit carries a statement; a merge brings it in."""
    history = entries(ledger)
    scratch = ledger.parent / "scratch"
    side = forge(ledger, scratch, {}, "side", [history[4].commit])
    merge = forge(ledger, scratch, {}, "merge", [history[-1].commit, side])
    failure = _failure(ledger)
    assert failure.rule is Rule.HISTORY
    assert failure.commit == merge
    assert "is a merge of 2 histories" in failure.problem
    assert side not in failure.message


def test_a_file_that_is_not_an_entry(ledger: Path) -> None:
    history = entries(ledger)
    forge(ledger, ledger.parent / "scratch", {"README.md": b"hello"}, "x", [history[-1].commit])
    failure = _failure(ledger)
    assert failure.rule is Rule.ENTRY_FILE
    assert "'README.md', which is not an entry path" in failure.problem


def test_an_entry_not_in_canonical_form(ledger: Path) -> None:
    history = entries(ledger)
    pretty = json.dumps(json.loads(history[-1].raw), indent=1).encode()
    message = history[-1].message
    forge(ledger, ledger.parent / "scratch", {history[-1].path: pretty}, message,
          [history[-2].commit])  # fmt: skip
    failure = _failure(ledger)
    assert failure.rule is Rule.CANONICAL
    assert failure.position == 13


def test_an_entry_that_is_not_json(ledger: Path) -> None:
    history = entries(ledger)
    forge(ledger, ledger.parent / "scratch", {history[-1].path: b"{\xff"}, history[-1].message,
          [history[-2].commit])  # fmt: skip
    failure = _failure(ledger)
    assert failure.rule is Rule.SCHEMA
    assert "not JSON" in failure.problem


# -- every export was allowed when it was made ------------------------------------------------


@pytest.fixture
def small(
    tmp_path: Path, make_key: KeyMaker, story: Story
) -> tuple[World, dict[str, str], datetime]:
    """A ledger with one request and both approvals, an hour ago; no export yet."""
    world = World(tmp_path / "small", make_key)
    world.root.mkdir()
    start = now() - timedelta(hours=1)
    adoption = world.init_at(start)
    artifact, scan = scan_summary(story.workbook)
    policy = {"id": "8cfr208.6", "version": 1, "adoption": adoption}
    request = world.append_at(
        "request", start + timedelta(minutes=1), "p.publisher", artifact=artifact,
        policy=policy, purpose="statistics", destination="www", scan=scan,
    )  # fmt: skip
    ids = {"adoption": adoption, "request": request, "sha256": artifact["sha256"]}
    for who, role, minute in (
        ("o.privacy", "privacy-officer", 2),
        ("s.senior", "senior-official", 3),
    ):
        ids[who] = world.append_at(
            "signoff", start + timedelta(minutes=minute), who, request=request,
            artifact_sha256=artifact["sha256"], decision="approve", role=role,
            rescanned=True, summary_sha256=summary_digest(scan),
        )  # fmt: skip
    return world, ids, start


def _export(world: World, ids: dict[str, str], at: datetime, **changes: object) -> str:
    from approval.demo.synthetic import detention_workbook  # noqa: F401 - same artifact as story

    body: dict[str, object] = {
        "artifact": {"sha256": ids["sha256"], "size": 1, "name": "detention-stats.xlsx"},
        "destination": "www.example.gov/detention",
        "request": ids["request"],
        "signoffs": sorted([ids["o.privacy"], ids["s.senior"]]),
        "policy": {"id": "8cfr208.6", "version": 1, "adoption": ids["adoption"]},
        **changes,
    }
    return append(world.ledger, world, "export", at, "p.publisher", **body)


def test_an_export_on_both_approvals_is_intact(
    small: tuple[World, dict[str, str], datetime],
) -> None:
    world, ids, start = small
    _export(world, ids, start + timedelta(minutes=4))
    with Ledger.open(world.ledger) as opened:
        report, _ = replay_ledger(opened, opened.head())
    assert report.failure is None
    assert report.exports == 1


def test_an_export_before_the_second_approval_was_not_allowed(
    small: tuple[World, dict[str, str], datetime],
) -> None:
    world, ids, start = small
    # Made (by its clock) a minute before the senior official signed, within the clock skew.
    _export(world, ids, start + timedelta(minutes=2, seconds=30), signoffs=[ids["o.privacy"]])
    failure = _failure(world.ledger)
    assert failure.rule is Rule.EXPORT
    assert "when it was not allowed" in failure.problem
    assert "missing: a sign-off as senior-official" in failure.problem
    assert failure.kind == "export"


def test_an_export_that_does_not_name_a_signoff_it_used(
    small: tuple[World, dict[str, str], datetime],
) -> None:
    world, ids, start = small
    _export(world, ids, start + timedelta(minutes=4), signoffs=[ids["o.privacy"]])
    failure = _failure(world.ledger)
    assert failure.rule is Rule.EXPORT
    assert "does not name the sign-offs the decision used" in failure.problem
    assert "s.senior's approval as senior-official" in failure.problem


def test_an_export_on_a_revoked_approval(small: tuple[World, dict[str, str], datetime]) -> None:
    world, ids, start = small
    append(world.ledger, world, "revocation", start + timedelta(minutes=4), "o.privacy",
           target=ids["o.privacy"], reason="wrong file")  # fmt: skip
    _export(world, ids, start + timedelta(minutes=5))
    failure = _failure(world.ledger)
    assert failure.rule is Rule.EXPORT
    assert "revoked by o.privacy" in failure.problem


def test_an_export_that_names_no_request_for_a_protected_file(
    small: tuple[World, dict[str, str], datetime],
) -> None:
    world, ids, start = small
    _export(world, ids, start + timedelta(minutes=4), request=None, signoffs=[])
    failure = _failure(world.ledger)
    assert failure.rule is Rule.EXPORT
    assert "naming no request, but request" in failure.problem
    assert "protected-person" in failure.problem


def test_an_export_of_a_file_the_ledger_knows_nothing_about(
    small: tuple[World, dict[str, str], datetime],
) -> None:
    """A clean file needs no approval: the export names no request, and that is fine."""
    world, ids, start = small
    clean = {"sha256": "ee" * 32, "size": 10, "name": "aggregates.csv"}
    _export(world, ids, start + timedelta(minutes=4), artifact=clean, request=None, signoffs=[])
    with Ledger.open(world.ledger) as opened:
        report, _ = replay_ledger(opened, opened.head())
    assert report.failure is None
    assert "needing no approval" in report.events[-1].text


def test_a_refused_export_leaves_the_state_as_it_was(
    small: tuple[World, dict[str, str], datetime],
) -> None:
    """``approval sync`` admits entries one by one with ``Replay.verify`` and keeps going with
    the state when one is refused."""
    from approval.ledger.history import read_history
    from approval.trust.replay import Replay

    world, ids, start = small
    _export(world, ids, start + timedelta(minutes=4), signoffs=[ids["o.privacy"]])
    replay = Replay()
    with Ledger.open(world.ledger) as opened, pytest.raises(AuditFailure) as raised:
        for commit in read_history(opened, opened.head() or ""):
            replay.verify(commit)
    assert raised.value.rule is Rule.EXPORT
    assert len(replay.state) == 4  # the adoption, the request and both approvals
    assert replay.signatures == 5


def _cache_dir(path: Path) -> Path:
    """The user's cache directory of the ledger at ``path``."""
    with Ledger.open(path) as opened:
        return opened.cache_dir


def test_records_and_decisions_built_without_init_are_what_init_makes(ledger: Path) -> None:
    """Replay builds its records, their artifacts and each export's decision without a frozen
    dataclass's ``__init__`` (``approval.statements.kinds.built``): each is the value, with its
    fields in the order, that ``__init__`` makes of the same fields."""
    import dataclasses

    from approval.trust.decision import decide
    from approval.trust.state import Export

    def same_as_init(value: object) -> None:
        again = dataclasses.replace(value)  # type: ignore[type-var]
        assert again == value and list(vars(again)) == list(vars(value)), type(value)

    with Ledger.open(ledger) as opened:
        report, state = replay_ledger(opened, opened.head())
    assert report.failure is None
    kinds = set()
    for record in state.records():
        same_as_init(record)
        kinds.add(type(record).__name__)
        artifact = getattr(record, "artifact", None)
        if artifact is not None:
            same_as_init(artifact)
        if isinstance(record, Export) and record.request is not None:
            decision = decide(state, record.artifact.sha256, record.at, request_id=record.request)
            same_as_init(decision)
            assert decision.allowed and decision.used
    assert {"Request", "SignOff", "Revocation", "Export"} <= kinds
