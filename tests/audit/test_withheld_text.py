"""Text the audit warns of is shown by none of the tools that warn of it.

A rogue client (one that skips ``free_text``) can record a purpose, a destination, a file name
or a comment holding a person's name and A-number. The audit warns of it (exit 0: a detector's
judgement, never an integrity rule), and every view of the ledger withholds the field: the
audit's text, JSON and HTML, the index behind ``--artifact`` and ``--as-of``, ``show`` and
``inbox``. Honest ledgers render as before (the story's own tests pin that).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from approval.report.event import Event
from approval.report.personal import WITHHELD, withhold, withhold_event
from approval.statements import now
from tests.audit.conftest import Audit, Story, append, scan_summary
from tests.support import CliResult, run_approval

NAME, NUMBER = "Maria Garcia", "A212345678"
OTHER_NAME, OTHER_NUMBER = "Zed Quill", "A098765432"
ROGUE_SHA = "ef" * 32


@pytest.fixture
def rogue(story: Story, ledger: Path) -> str:
    """A request whose purpose, destination and file name hold personal data, and an approval
    of it whose comment does: appended raw, as a client without the checks could."""
    _, scan = scan_summary(story.workbook)
    request = append(
        ledger, story.world, "request", now(), "p.publisher",
        artifact={"sha256": ROGUE_SHA, "size": 1, "name": f"{OTHER_NAME}_{OTHER_NUMBER}.csv"},
        policy={"id": "8cfr208.6", "version": 2, "adoption": story.ids["adoption v2"]},
        purpose=f"release re {NAME} {NUMBER} asylum", destination=f"to consulate of {NAME}",
        scan=scan,
    )  # fmt: skip
    append(
        ledger, story.world, "signoff", now(), "o.privacy", request=request,
        artifact_sha256=ROGUE_SHA, decision="approve", role="privacy-officer",
        comment=f"{OTHER_NAME} checked, file {OTHER_NUMBER}",
    )  # fmt: skip
    return request


def _clean(result: CliResult, *, withheld: bool = True) -> None:
    """Neither name nor A-number anywhere in the output; the withholding said."""
    for secret in (NAME, NUMBER, OTHER_NAME, OTHER_NUMBER):
        assert secret not in result.output
    if withheld:
        assert WITHHELD in result.output, result.output


def test_the_audit_withholds_what_it_warns_of(
    ledger: Path, rogue: str, audit: Audit, tmp_path: Path
) -> None:
    html = tmp_path / "audit.html"
    text = audit(ledger, "--html", html)
    assert text.code == 0, text.output
    assert f"request {rogue[:12]}: its purpose seems to hold personal data" in text.stdout
    _clean(text)
    page = html.read_text("utf-8")
    assert NAME not in page and NUMBER not in page and OTHER_NAME not in page
    assert WITHHELD in page

    report = audit(ledger, "--format", "json")
    _clean(report)
    events = {e["id"]: e for e in json.loads(report.stdout)["timeline"]}
    assert events[rogue]["purpose"] == WITHHELD
    assert events[rogue]["destination"] == WITHHELD
    assert events[rogue]["artifact"]["name"] == WITHHELD
    (approval,) = [e for e in events.values() if e.get("request") == rogue]
    assert approval["comment"] == WITHHELD  # the sentence names the file: withheld too
    assert OTHER_NAME not in approval["text"] and WITHHELD in approval["text"]


def test_the_index_withholds_it_too(ledger: Path, rogue: str, audit: Audit) -> None:
    assert audit(ledger).code == 0  # builds the index
    for args in (("--artifact", ROGUE_SHA), ("--artifact", ROGUE_SHA, "--format", "json")):
        history = audit(ledger, *args)
        assert history.code == 0, history.output
        assert rogue[:12] in history.stdout
        _clean(history)
    moment = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for args in (("--as-of", moment), ("--as-of", moment, "--format", "json")):
        state = audit(ledger, *args)
        assert state.code == 0, state.output
        assert rogue[:12] in state.stdout  # the open request is listed, its texts withheld
        _clean(state)


def test_an_index_rebuilt_without_a_full_audit_withholds_it(
    ledger: Path, rogue: str, audit: Audit
) -> None:
    # No audit first: ``--artifact`` replays the ledger itself to build the index.
    history = audit(ledger, "--artifact", ROGUE_SHA, "--format", "json")
    assert history.code == 0, history.output
    _clean(history)
    assert json.loads(history.stdout)["names"] == [WITHHELD]


def test_show_and_inbox_withhold_it(ledger: Path, rogue: str, tmp_path: Path) -> None:
    for args in (("show", rogue[:12]), ("show", rogue[:12], "--format", "json")):
        shown = run_approval(*args, "--ledger", ledger, "--offline", cwd=tmp_path)
        assert shown.code in (0, 1), shown.output
        assert rogue in shown.stdout
        _clean(shown)
    for args in (("inbox", "--all"), ("inbox", "--all", "--format", "json")):
        waiting = run_approval(*args, "--ledger", ledger, "--offline", cwd=tmp_path)
        assert waiting.code in (0, 1), waiting.output  # 1: something waits
        assert rogue[:12] in waiting.stdout
        _clean(waiting)


def test_an_honest_ledger_withholds_nothing(ledger: Path, story: Story, audit: Audit) -> None:
    report = audit(ledger, "--format", "json")
    assert "withheld" not in report.stdout
    events = {e["id"]: e for e in json.loads(report.stdout)["timeline"]}
    assert events[story.ids["request"]]["purpose"] == "FY2022 statistics"
    assert events[story.ids["refusal"]]["comment"] == "names on the hidden sheet"


# -- the view itself ---------------------------------------------------------------------------


def _event(text: str, **details: object) -> Event:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    return Event(3, "c" * 40, "ab" * 32, "request", at, ("p",), text, (), dict(details))


def test_an_event_without_a_withheld_text_is_the_same_object() -> None:
    event = _event("p requested x.csv to www", purpose="stats", scan={"hidden": ["sheet S"]})
    assert withhold_event(event, ()) is event
    assert withhold_event(event, (f"for {NAME}",)) is event


def test_a_withheld_text_goes_from_the_sentence_and_every_fact() -> None:
    secret = f"sheet {NAME} {NUMBER}"
    event = _event(
        f"p requested x.csv ({secret})",
        purpose="stats",
        scan={"hidden": ["sheet S", f"part {secret}"], "reason": secret},
        removed=[secret, "column B"],
    )
    shown = withhold_event(event, (secret,))
    said = json.dumps(shown.to_dict())
    assert NAME not in said and NUMBER not in said
    assert shown.details["purpose"] == "stats"
    assert shown.details["scan"]["hidden"] == ["sheet S", f"part {WITHHELD}"]
    assert shown.details["removed"] == [WITHHELD, "column B"]
    assert event.details["scan"]["reason"] == secret  # the original is left alone


def test_the_longer_text_goes_whole() -> None:
    # Longest first (``PersonalData.withheld``): no piece of the longer one is left over.
    texts = (f"to the consulate of {NAME}", NAME)
    assert withhold(f"sent to the consulate of {NAME}", texts) == f"sent {WITHHELD}"
    assert withhold(f"{NAME} asked", texts) == f"{WITHHELD} asked"
