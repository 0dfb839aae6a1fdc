"""The one verifier: its rules in one place and order, a refused entry changing nothing, and a
verifier resumed at a head admitting what a replay from the first entry admits."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.ledger import Ledger
from approval.ledger.history import read_history
from approval.ledger.verifying import admit_entries, resume
from approval.trust.entry import Commit
from approval.trust.failure import AuditFailure, Rule
from approval.trust.state import Export
from approval.trust.verifier import ORDER, Verifier


def _commits(ledger: Path) -> list[Commit]:
    with Ledger.open(ledger) as opened:
        head = opened.head()
        assert head is not None
        return list(read_history(opened, head))


def test_the_rules_are_applied_in_the_documented_order() -> None:
    assert [rule.value for rule in ORDER] == [
        "schema", "canonical-form", "entry-file", "signature", "seen-head", "trust-chain",
        "export-allowed",
    ]  # fmt: skip


def test_a_rule_changed_in_the_verifier_changes_what_it_admits(ledger: Path) -> None:
    commits = _commits(ledger)
    assert len(list(Verifier().run(commits))) == len(commits)

    def never(_: Verifier, export: Export, __: object) -> str:
        return f"exported {export.artifact.name}, which this rule never allows"

    strict = Verifier(export_rule=never)
    with pytest.raises(AuditFailure) as refused:
        list(strict.run(commits))
    assert refused.value.rule is Rule.EXPORT
    assert "never allows" in refused.value.problem
    exported = next(n for n, c in enumerate(commits) if c.subject.startswith("export "))
    assert strict.count == exported  # everything before the export, nothing after


def test_a_refused_entry_leaves_the_verifier_as_it_was(ledger: Path) -> None:
    commits = _commits(ledger)
    verifier = Verifier()
    for commit in commits[:3]:
        verifier.admit(commit)
    state, head, signatures = verifier.state.records(), verifier.head, verifier.signatures
    with pytest.raises(AuditFailure) as refused:
        verifier.admit(commits[4])  # skips one: its seen head is not in this history yet
    assert refused.value.rule is Rule.SEEN_HEAD
    assert (verifier.state.records(), verifier.head, verifier.signatures) == (
        state,
        head,
        signatures,
    )
    assert verifier.admit(commits[3]).position == 4  # and it goes on from where it was


def test_a_resumed_verifier_admits_what_a_whole_replay_admits(ledger: Path) -> None:
    commits = _commits(ledger)
    whole = Verifier()
    for _ in whole.run(commits):
        pass
    first = Verifier()
    for commit in commits[:6]:
        first.admit(commit)
    six = [r.id for r in first.state.records()]
    with Ledger.open(ledger) as opened:
        head = opened.head()
        assert head is not None and first.head is not None
        resumed = resume(opened, first.head, first.state)
        assert resumed.count == 6
        came = [v.id for v in admit_entries(resumed, opened, head, since=first.head)]
    assert len(came) == len(commits) - 6
    assert [r.id for r in resumed.state.records()] == [r.id for r in whole.state.records()]
    back = whole.back(len(commits) - 6, commits[5].oid)
    assert back.count == 6 and back.head == commits[5].oid
    assert [r.id for r in back.state.records()] == six
    with pytest.raises(AuditFailure):  # the commits after the head it went back to are gone
        back.admit(commits[7])
