"""Personal data in a statement's text is a warning of the audit, never an integrity failure.

Whether text holds a name or an A-number is a detector's judgement, which changes from release to
release; an integrity rule built on it would fail old, honest ledgers. So ``approval audit`` says
which statement and which field seem to hold some (never the text) and still exits 0.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from approval.detect.strings import safe_statement
from approval.policy import default_policy
from approval.report.personal import PersonalData
from approval.statements import now
from tests.audit.conftest import Audit, Story, append, scan_summary

NAME, NUMBER = "Maria Garcia", "A212345678"


def test_the_audit_warns_of_a_name_and_an_a_number_in_a_purpose(
    story: Story, ledger: Path, audit: Audit
) -> None:
    _, scan = scan_summary(story.workbook)
    rogue = append(
        ledger, story.world, "request", now(), "p.publisher",
        artifact={"sha256": "ef" * 32, "size": 1, "name": "stats.csv"},
        policy={"id": "8cfr208.6", "version": 2, "adoption": story.ids["adoption v2"]},
        purpose=f"for {NAME} {NUMBER}", destination="www", scan=scan,
    )  # fmt: skip
    text = audit(ledger)
    assert text.code == 0, text.output  # a warning, not a failure
    assert "Audit: the ledger is intact" in text.stdout
    assert f"request {rogue[:12]}: its purpose seems to hold personal data" in text.stdout
    assert NAME not in text.output and NUMBER not in text.output

    report = audit(ledger, "--format", "json")
    assert report.code == 0
    document = json.loads(report.stdout)
    assert document["intact"] is True
    (warning,) = document["warnings"]
    assert (warning["id"], warning["kind"], warning["field"]) == (rogue, "request", "purpose")
    assert set(warning["found"]) == {"a-number", "person-name"}
    said = json.dumps(document["warnings"])  # (the timeline lists the purpose as recorded)
    assert NAME not in said and NUMBER not in said


def test_the_honest_story_has_no_warning(ledger: Path, audit: Audit) -> None:
    document = json.loads(audit(ledger, "--format", "json").stdout)
    assert document["intact"] is True
    assert document["warnings"] == []


STATEMENTS: list[tuple[dict[str, Any], list[str]]] = [
    ({"kind": "request", "purpose": f"for {NAME}", "destination": "www",
      "artifact": {"name": "stats.csv"}}, ["purpose"]),
    ({"kind": "request", "purpose": "stats", "destination": "www", "again": f"file {NUMBER}",
      "artifact": {"name": f"{NAME.replace(' ', '_')}_{NUMBER}.csv"}}, ["again", "artifact.name"]),
    ({"kind": "signoff", "comment": f"{NAME} is on sheet 2"}, ["comment"]),
    ({"kind": "revocation", "reason": f"wrong file, see {NUMBER}"}, ["reason"]),
    ({"kind": "export", "destination": f"/srv/www/{NUMBER}.csv",
      "artifact": {"name": "stats.csv"}}, ["destination"]),
    ({"kind": "redaction", "source": {"name": "a.xlsx"}, "derivative": {"name": "b.xlsx"},
      "removed": ["sheet Sheet2", f"sheet {NUMBER}"]}, ["removed[1]"]),
    ({"kind": "request", "purpose": "stats", "destination": "www",
      "artifact": {"name": "stats.xlsx"},
      "scan": {"verdict": "protected", "reason": f"sheet {NAME} {NUMBER}",
               "findings": [{"location": {"sheet": f"{NAME} {NUMBER}", "header": "A-Number"}}],
               "coverage": [{"part": f"xl/{NAME} {NUMBER}.xml", "kind": "sheet",
                             "reason": f"{NAME} {NUMBER}"}]}},
     ["scan.findings[0].location.sheet", "scan.reason", "scan.coverage[0].part",
      "scan.coverage[0].reason"]),
    ({"kind": "blocked", "site": "www", "artifact": {"name": "x.csv"},
      "reason": f"sheet {NAME} {NUMBER}"}, ["reason"]),
    ({"kind": "incident-step", "text": f"called {NAME}"}, ["text"]),
    ({"kind": "incident-close", "summary": "taken down within the hour"}, []),
    ({"kind": "adoption", "policy": {"title": NAME}, "roster": {}}, []),
]  # fmt: skip


@pytest.mark.parametrize(("statement", "fields"), STATEMENTS)
def test_each_text_field_is_judged_as_the_writer_judges_it(
    statement: dict[str, Any], fields: list[str]
) -> None:
    found = PersonalData().warnings(statement, "ab" * 32, 7, default_policy())
    assert sorted(w.field for w in found) == sorted(fields)
    for warning in found:
        assert warning.position == 7
        assert NAME not in warning.message and NUMBER not in warning.message


@pytest.mark.parametrize(("statement", "fields"), STATEMENTS)
def test_the_writer_leaves_nothing_the_audit_would_warn_of(
    statement: dict[str, Any], fields: list[str]
) -> None:
    """What comes with a file is made safe by the writer (``safe_statement``) from the same
    list the audit reads (``file_strings``): the two cannot drift apart."""
    policy = default_policy()
    safe = safe_statement(statement, policy)
    typed = {"purpose", "again", "comment", "reason", "text", "site", "summary", "found_at"}
    left = [w.field for w in PersonalData().warnings(safe, "ab" * 32, 7, policy)]
    kind = statement["kind"]
    assert [f for f in left if f not in typed or kind == "blocked"] == []


def test_each_distinct_text_is_judged_once() -> None:
    personal = PersonalData()
    policy = default_policy()
    statement = {"kind": "signoff", "comment": f"{NAME} is on sheet 2"}
    first = personal.warnings(statement, "ab" * 32, 1, policy)
    assert len(personal._seen) == 1
    again = personal.warnings(statement, "cd" * 32, 2, policy)
    assert len(personal._seen) == 1
    assert [w.found for w in first] == [w.found for w in again]
