"""Time travel and one file's history, answered from the audit index; the index is rebuilt by a
full verified replay whenever it is missing, stale or not intact, and never built from a broken
ledger."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from approval.errors import IntegrityError, UsageError
from approval.ledger.snapshot import code_digest
from approval.report.index import META, PREFIX, Index, parse_moment, rows_for
from approval.statements import format_time, now
from approval.trust.failure import Rule
from approval.workflow.audit import (
    artifact_history,
    audit_ledger,
    audited,
    replay_ledger,
    state_as_of,
)
from tests.audit.conftest import Audit, Story, append, entries, rebuild, scan_summary
from tests.support import KeyMaker
from tests.world import World


def _at(story: Story, name: str, minutes: int = 0) -> str:
    return format_time(story.times[name] + timedelta(minutes=minutes))


def test_as_of_between_approval_and_export(ledger: Path, story: Story) -> None:
    state = state_as_of(ledger, _at(story, "senior", 1))
    assert state.adoption is not None and state.adoption.id == story.ids["adoption"]
    assert state.adoption.details["policy"] == {"id": "8cfr208.6", "version": 1}
    assert [r.id for r in state.open_requests] == [story.ids["request"]]
    assert [(a.signer, a.role) for a in state.approvals] == [
        ("o.privacy", "privacy-officer"),
        ("s.senior", "senior-official"),
    ]
    assert state.approvals[0].expires == format_time(story.times["privacy"] + timedelta(days=30))
    assert state.exports == () and state.refusals == ()
    assert state.statements == 4


def test_as_of_while_a_refusal_stood(ledger: Path, story: Story) -> None:
    state = state_as_of(ledger, _at(story, "refusal", 1))
    assert [r.id for r in state.refusals] == [story.ids["refusal"]]
    assert [e.id for e in state.exports] == [story.ids["export"]]
    assert [r.id for r in state.open_requests] == [story.ids["other request"]]
    assert len(state.approvals) == 2  # still valid: another export could use them


def test_as_of_the_end(ledger: Path, story: Story) -> None:
    state = state_as_of(ledger, _at(story, "redaction", 60))
    assert state.adoption is not None and state.adoption.id == story.ids["adoption v2"]
    assert state.refusals == ()  # withdrawn
    assert state.approvals == ()  # made under v1, or revoked
    assert [r.id for r in state.open_requests] == [story.ids["request v2"]]
    assert [(e.name, e.destination) for e in state.exports] == [
        ("detention-stats.xlsx", "www.example.gov/detention/detention-stats.xlsx")
    ]
    assert state.statements == 13


def test_as_of_before_anything(ledger: Path, story: Story) -> None:
    state = state_as_of(ledger, format_time(story.start - timedelta(days=1)))
    assert state.adoption is None and state.statements == 0


def test_as_of_in_the_terminal(ledger: Path, story: Story, audit: Audit) -> None:
    result = audit(ledger, "--as-of", _at(story, "senior", 1))
    assert result.code == 0, result.output
    out = result.stdout
    assert f"The ledger as of {_at(story, 'senior', 1)}" in out
    assert "policy in force:    8cfr208.6 v1" in out
    assert "Open requests (1)" in out and "Valid approvals (2)" in out
    assert "Exports so far (0)" in out
    assert "q.publisher  Quinn Publisher  publisher, privacy-officer" in out
    as_json = json.loads(audit(ledger, "--as-of", _at(story, "export"), "--format", "json").stdout)
    assert as_json["in_force"]["id"] == story.ids["adoption"]
    assert [e["id"] for e in as_json["exports"]] == [story.ids["export"]]


def test_a_date_means_the_end_of_that_day() -> None:
    assert format_time(parse_moment("2026-11-21")) == "2026-11-21T23:59:59Z"
    assert format_time(parse_moment("2026-11-21T06:14:44Z")) == "2026-11-21T06:14:44Z"
    assert format_time(parse_moment("2026-11-21T08:14:44+02:00")) == "2026-11-21T06:14:44Z"
    assert format_time(parse_moment("2026-11-21 06:14")) == "2026-11-21T06:14:00Z"


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01", "21/11/2026", ""])
def test_a_time_that_is_not_one(text: str, ledger: Path, audit: Audit) -> None:
    with pytest.raises(UsageError, match="not a date or time"):
        parse_moment(text)
    if text:
        result = audit(ledger, "--as-of", text)
        assert result.code == 2 and "not a date or time" in result.stderr


def test_artifact_history_of_a_file(ledger: Path, story: Story, audit: Audit) -> None:
    history = artifact_history(ledger, str(story.workbook))
    assert history.sha256 == story.sha256 and history.name == "detention-stats.xlsx"
    assert [e.id for e in history.events] == [
        story.ids[name] for name in ("request", "privacy", "senior", "export", "redaction")
    ]
    result = audit(ledger, "--artifact", story.workbook)
    assert result.code == 0, result.output
    out = result.stdout
    assert "purpose: FY2022 statistics" in out
    assert "scan: protected (xlsx), protected-person: 12 persons" in out
    assert "hidden: sheet Sheet2" in out
    assert "to www.example.gov/detention/detention-stats.xlsx" in out
    assert "exports:    1" in out


def test_artifact_history_by_sha256_and_as_of(ledger: Path, story: Story, audit: Audit) -> None:
    other = "ab" * 32
    history = artifact_history(ledger, other)
    kinds = [e.kind for e in history.events]
    assert kinds == ["request", "signoff", "revocation", "request", "signoff", "revocation"]
    assert history.events[1].details["decision"] == "reject"
    early = artifact_history(ledger, other.upper(), _at(story, "refusal"))
    assert [e.kind for e in early.events] == ["request", "signoff"]
    result = audit(ledger, "--artifact", other, "--format", "json")
    document = json.loads(result.stdout)
    assert document["names"] == ["fear-interviews.csv"]
    assert len(document["events"]) == 6


def test_a_derivative_has_its_redaction_in_its_history(ledger: Path) -> None:
    history = artifact_history(ledger, "cd" * 32)
    assert [e.kind for e in history.events] == ["redaction"]
    assert history.names == {"detention-stats-redacted.xlsx"}


def test_an_unknown_file_has_no_history(ledger: Path, tmp_path: Path, audit: Audit) -> None:
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("a,b\n1,2\n")
    result = audit(ledger, "--artifact", unknown)
    assert result.code == 0
    assert "the ledger holds nothing about this file" in result.stdout
    bad = audit(ledger, "--artifact", "not-a-file-nor-a-hash")
    assert bad.code == 2 and "no such file, and not a sha256" in bad.stderr


def test_the_index_is_built_once_and_reused(ledger: Path, story: Story) -> None:
    cache = _cache_dir(ledger)
    state_as_of(ledger, _at(story, "export"))
    meta = json.loads((cache / META).read_text())
    database = cache / meta["file"]
    built = database.stat().st_mtime_ns
    state_as_of(ledger, _at(story, "senior"))
    artifact_history(ledger, story.sha256)
    assert database.stat().st_mtime_ns == built
    assert meta["statements"] == 13 and len(meta["sha256"]) == 64


def test_a_stale_index_is_rebuilt(ledger: Path, story: Story) -> None:
    state_as_of(ledger, _at(story, "export"))
    later = story.times["redaction"] + timedelta(minutes=5)
    append(
        ledger, story.world, "revocation", later, "p.publisher",
        target=story.ids["request v2"], reason="no longer needed",
    )  # fmt: skip
    state = state_as_of(ledger, format_time(later))
    assert state.statements == 14
    assert state.open_requests == ()  # withdrawn by the new statement


def test_an_index_that_is_not_intact_is_not_trusted(ledger: Path, story: Story) -> None:
    cache = _cache_dir(ledger)
    state_as_of(ledger, _at(story, "export"))
    meta = json.loads((cache / META).read_text())
    database = cache / meta["file"]
    data = bytearray(database.read_bytes())
    at = data.find(b"www.example.gov/detention/detention-stats.xlsx")
    data[at : at + 3] = b"ftp"  # a destination changed in place
    database.write_bytes(bytes(data))
    state = state_as_of(ledger, _at(story, "export"))
    assert [e.destination for e in state.exports] == [
        "www.example.gov/detention/detention-stats.xlsx"
    ]
    rebuilt = json.loads((cache / META).read_text())
    assert rebuilt["sha256"] == meta["sha256"]  # the same bytes as first built
    assert (cache / rebuilt["file"]).read_bytes() != bytes(data)


def test_an_index_for_another_head_is_not_used(ledger: Path, story: Story) -> None:
    cache = _cache_dir(ledger)
    state_as_of(ledger, _at(story, "export"))
    meta = json.loads((cache / META).read_text())
    meta["head"] = "0" * 40
    (cache / META).write_text(json.dumps(meta))
    state = state_as_of(ledger, _at(story, "export"))
    assert len(state.exports) == 1
    assert json.loads((cache / META).read_text())["head"] != "0" * 40


def test_an_index_built_by_other_rules_is_rebuilt(ledger: Path, story: Story) -> None:
    """An upgrade that changes a rule must not answer from what the old rules admitted; one
    that leaves them alone keeps the index (keyed by the rules' digest, not the version)."""
    cache = _cache_dir(ledger)
    state_as_of(ledger, _at(story, "export"))
    meta = json.loads((cache / META).read_text())
    assert meta["rules"] == code_digest()
    database = cache / meta["file"]
    built = database.stat().st_mtime_ns
    state_as_of(ledger, _at(story, "senior"))
    assert database.stat().st_mtime_ns == built  # the same rules: used as it is
    (cache / META).write_text(json.dumps({**meta, "rules": "0" * 64}))
    state = state_as_of(ledger, _at(story, "export"))
    assert len(state.exports) == 1
    assert json.loads((cache / META).read_text())["rules"] == code_digest()
    assert database.stat().st_mtime_ns != built  # replayed and written again


def test_no_index_is_built_from_a_broken_ledger(
    ledger: Path, story: Story, tmp_path: Path, audit: Audit
) -> None:
    history = entries(ledger)
    rebuild(ledger, tmp_path / "scratch", history[:2] + history[3:])
    with pytest.raises(IntegrityError, match="rule seen-head"):
        state_as_of(ledger, _at(story, "export"))
    assert not (_cache_dir(ledger) / META).exists()
    result = audit(ledger, "--artifact", story.workbook)
    assert result.code == 3 and "rule seen-head" in result.stderr


def test_a_ledger_whose_cache_cannot_be_written_answers_from_memory(
    ledger: Path, story: Story
) -> None:
    cache = _cache_dir(ledger)
    if cache.exists():
        import shutil

        shutil.rmtree(cache)
    cache.write_text("not a directory")  # as unwritable as it gets, even for root
    state = state_as_of(ledger, _at(story, "export"))
    assert len(state.exports) == 1
    assert cache.read_text() == "not a directory"


def test_the_index_counts_an_approval_exactly_when_the_decision_does(
    tmp_path: Path, make_key: KeyMaker
) -> None:
    """Regression: the index kept its own expiry (the longest validity of the rules needing
    the role), so an approval that ``decide`` never counts (made without the rescan the rule
    requires) was listed as a valid approval for 30 days. It now stores ``counts_until``."""
    from approval.demo.synthetic import detention_workbook
    from approval.ledger import Ledger
    from approval.ledger.session import replay_verified
    from approval.trust.decision import decide
    from approval.trust.summaries import summary_digest

    world = World(tmp_path, make_key)
    workbook = tmp_path / "stats.xlsx"
    detention_workbook(workbook, count=3)
    artifact, scan = scan_summary(workbook)
    start = now() - timedelta(days=2)
    adoption = world.init_at(start)
    request = world.append_at(
        "request", start + timedelta(minutes=1), "p.publisher", artifact=artifact,
        policy={"id": "8cfr208.6", "version": 1, "adoption": adoption},
        purpose="FY2022 statistics", destination="www", scan=scan,
    )  # fmt: skip
    approve = {"request": request, "artifact_sha256": artifact["sha256"], "decision": "approve"}
    unseen = world.append_at(
        "signoff", start + timedelta(minutes=2), "o.privacy", **approve, role="privacy-officer"
    )
    seen = world.append_at(
        "signoff", start + timedelta(minutes=3), "s.senior", **approve, role="senior-official",
        rescanned=True, summary_sha256=summary_digest(scan),
    )  # fmt: skip
    moment = start + timedelta(hours=1)
    listed = {a.id for a in state_as_of(world.ledger, format_time(moment)).approvals}
    with Ledger.open(world.ledger) as ledger:
        state = replay_verified(ledger)
    decision = decide(state, artifact["sha256"], moment, request_id=request)
    assert not decision.allowed and decision.missing == ("privacy-officer",)
    assert any("o.privacy" in r and "rescan" in r for r in decision.reasons)
    assert listed == {seen}
    assert unseen not in listed


def test_an_index_finished_beside_the_report_is_the_one_written_at_once(
    ledger: Path, story: Story
) -> None:
    """``approval audit`` finishes the index in a thread while it writes its report: the same
    bytes as written at once, whole and in place when the block ends, nothing left beside."""
    cache = _cache_dir(ledger)
    assert audit_ledger(ledger).intact
    at_once = json.loads((cache / META).read_text())
    shutil.rmtree(cache)
    with audited(ledger) as report:
        assert report.intact and len(report.events) == 13
        written = [event.to_dict() for event in report.events]  # the report's work meanwhile
    assert len(written) == 13
    beside = json.loads((cache / META).read_text())
    assert beside == at_once
    database = cache / beside["file"]
    assert hashlib.sha256(database.read_bytes()).hexdigest() == beside["sha256"]
    assert [p.name for p in cache.glob(f"*{PREFIX}*")] == [database.name]
    assert list(cache.glob(f".{META}*")) == []
    state = state_as_of(ledger, _at(story, "export"))  # answered from it, not rebuilt
    assert len(state.exports) == 1
    assert database.exists() and (cache / META).read_text() == json.dumps(beside, indent=2) + "\n"


def test_a_statement_gone_fails_before_the_report_is_handed_over(
    ledger: Path, story: Story, tmp_path: Path
) -> None:
    """The check against the old index is made before the caller gets the report (so
    before anything is printed), and the old index stays as evidence."""
    cache = _cache_dir(ledger)
    assert audit_ledger(ledger).intact
    kept = (cache / META).read_bytes()
    database = cache / json.loads(kept)["file"]
    evidence = database.read_bytes()
    rebuild(ledger, tmp_path / "scratch", entries(ledger)[:-2])
    with audited(ledger) as report:
        assert report.failure is not None and report.failure.rule is Rule.KEPT
        assert report.failure.statement == story.ids["revocation"]
    assert (cache / META).read_bytes() == kept
    assert database.read_bytes() == evidence
    assert list(cache.glob(f".{PREFIX}*")) == []


def test_an_index_that_cannot_be_finished_is_left_out(ledger: Path) -> None:
    """The database lost between its rows and its end (a disk, a cleaner): no index, no
    meta file, no temporary file; the next question rebuilds it."""
    from approval.ledger import Ledger

    cache = _cache_dir(ledger)

    def after_a_loss(work: Callable[[], None]) -> None:
        building = list(cache.glob(f".{PREFIX}*.tmp"))
        assert len(building) == 1  # the rows are in it already
        building[0].unlink()
        work()

    with Ledger.open(ledger) as opened:
        report, state = replay_ledger(opened, opened.head())
    assert report.head is not None and report.intact
    events = report.events
    failure = Index.refresh(
        cache,
        report.head,
        (event.id for event in events),
        lambda: rows_for(events, state),
        finish=after_a_loss,
        rules=code_digest(),
    )
    assert failure is None
    assert not (cache / META).exists()
    assert list(cache.glob(f"*{PREFIX}*")) == [] and list(cache.glob(f".{META}*")) == []


def test_an_index_with_whole_indexes_answers_the_same(ledger: Path, story: Story) -> None:
    """Index files written before the partial indexes (whole ``by_target`` and
    ``by_request``) answer the same: the queries name the indexes, which either kind serves."""
    import sqlite3

    cache = _cache_dir(ledger)
    moments = [_at(story, name) for name in ("export", "senior", "redaction")]
    partial = [state_as_of(ledger, moment).to_dict() for moment in moments]
    meta = json.loads((cache / META).read_text())
    database = cache / meta["file"]
    with sqlite3.connect(database) as db:
        db.executescript(
            "DROP INDEX by_target; DROP INDEX by_request;"
            "CREATE INDEX by_target ON statements (target, at);"
            "CREATE INDEX by_request ON statements (request, kind, at);"
        )
    db.close()
    meta["sha256"] = hashlib.sha256(database.read_bytes()).hexdigest()
    (cache / META).write_text(json.dumps(meta))
    whole = [state_as_of(ledger, moment).to_dict() for moment in moments]
    assert json.loads((cache / META).read_text())["sha256"] == meta["sha256"]  # not rebuilt
    assert whole == partial
    assert any(answer["exports"] for answer in whole)


def _cache_dir(path: Path) -> Path:
    """The user's cache directory of the ledger at ``path``."""
    from approval.ledger import Ledger

    with Ledger.open(path) as opened:
        return opened.cache_dir
