"""Text in statements is one line without control or format characters, whoever wrote it.

The CLI refuses such text when it writes a statement (``free_text``) or makes it printable
(``safe_statement``); these tests sign statements with officials' real keys and no such check,
as a rogue client appending with plain git would, and see the verifier refuse each one on
admission (exit 3), naming the statement and the field, never the text.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import rfc8785

from approval.errors import EXIT_INTEGRITY, UsageError
from approval.freetext import free_text
from approval.policy import default_policy
from approval.statements import format_time, now
from approval.trust import text
from approval.trust.failure import AuditFailure, Rule
from tests.audit.conftest import Audit, Story, append
from tests.trust.rogue import Rogue

MARK = "MARKER"  # the visible part of every injected text: never repeated by a message


Case = tuple[str, tuple[str, ...], dict[str, Any], str]


@pytest.fixture(scope="module")
def rogue(story: Story) -> Rogue:
    return Rogue.of(story)


@pytest.fixture(scope="module")
def cases(rogue: Rogue) -> dict[str, Case]:
    return _cases(rogue)


def _cases(rogue: Rogue) -> dict[str, Case]:
    """id -> (kind, signers, body, the field the failure must name)."""
    ids = rogue.story.ids
    bad = f"{MARK}\x1b[2K\r verdict: clean"
    scan = json.loads(json.dumps(rogue.scan))
    scan["findings"][0]["location"]["sheet"] = f"{MARK}\u202egpj.stats"
    coverage = json.loads(json.dumps(rogue.scan))
    coverage["coverage"][0]["kind"] = f"{MARK}\x1b[31m"
    classes = json.loads(json.dumps(rogue.scan))
    classes["classes"][f"{MARK}\x00"] = {"records": 1}
    incident = {"incident": "cd" * 32, "artifact_sha256": rogue.story.sha256}
    roster = rogue.story.world.roster()
    from approval.policy import load_policy, load_roster

    roster_doc = load_roster(roster).to_dict()
    roster_doc["officials"][0]["name"] = f"{MARK}\u2028Admin"
    roster_doc["version"] = 9
    artifact = {"sha256": rogue.story.sha256, "size": 1, "name": "stats.xlsx"}
    return {
        "purpose": ("request", ("p.publisher",), rogue.request(purpose=bad), "purpose"),
        "destination": (
            "request", ("p.publisher",), rogue.request(destination=f"{MARK}\r"), "destination",
        ),
        "again": ("request", ("p.publisher",), rogue.request(again=f"{MARK}\u2029"), "again"),
        "file name": (
            "request", ("p.publisher",),
            rogue.request(artifact={"sha256": "ef" * 32, "size": 1, "name": f"{MARK}\u202e.csv"}),
            "artifact.name",
        ),
        "sheet": ("request", ("p.publisher",), rogue.request(scan=scan),
                  "scan.findings[0].location.sheet"),
        "coverage kind": ("request", ("p.publisher",), rogue.request(scan=coverage),
                          "scan.coverage[0].kind"),
        "class name": ("request", ("p.publisher",), rogue.request(scan=classes),
                       "scan.classes (a key)"),
        "comment": (
            "signoff", ("s.senior",),
            {"request": ids["request v2"], "artifact_sha256": "ab" * 32, "decision": "reject",
             "role": "senior-official", "comment": bad},
            "comment",
        ),
        "reason": ("revocation", ("o.privacy",),
                   {"target": ids["privacy"], "reason": f"{MARK}\u200b"}, "reason"),
        "export destination": (
            "export", ("p.publisher",),
            {"artifact": artifact, "destination": f"{MARK}\x85", "request": None, "signoffs": [],
             "policy": {"id": "8cfr208.6", "version": 2, "adoption": ids["adoption v2"]}},
            "destination",
        ),
        "removed": (
            "redaction", ("p.publisher",),
            {"source": artifact, "derivative": {**artifact, "sha256": "12" * 32},
             "removed": ["sheet Sheet2", f"{MARK}\tPeople"]},
            "removed[1]",
        ),
        "site": (
            "blocked", ("p.publisher",),
            {"artifact": artifact, "verdict": "protected", "site": f"{MARK}\x1b]0;title\x07"},
            "site",
        ),
        "found at": (
            "incident-open", ("o.privacy",),
            {"artifact_sha256": rogue.story.sha256, "size": 1, "source": "ledger",
             "found_time": format_time(now()), "found_at": f"{MARK}\u2066"},
            "found_at",
        ),
        "step text": (
            "incident-step", ("o.privacy",),
            {**incident, "step": "other", "taken_at": format_time(now()), "text": bad},
            "text",
        ),
        "summary": ("incident-close", ("o.privacy",), {**incident, "summary": bad}, "summary"),
        "roster name": (
            "adoption", ("a.admin", "b.admin"),
            {"policy": load_policy(rogue.story.world.policy(version=2, name="policy2.yaml"),
                                   roster).to_dict(),
             "roster": roster_doc, "previous": ids["adoption v2"]},
            "roster.officials[0].name",
        ),
    }  # fmt: skip


CASES = (
    "purpose", "destination", "again", "file name", "sheet", "coverage kind", "class name",
    "comment", "reason", "export destination", "removed", "site", "found at", "step text",
    "summary", "roster name",
)  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_a_control_or_format_character_in_any_text_is_refused_on_admission(
    rogue: Rogue, cases: dict[str, Case], case: str
) -> None:
    kind, signers, body, field = cases[case]
    verifier = rogue.fresh()
    envelope = rogue.envelope(verifier, kind, *signers, **body)
    with pytest.raises(AuditFailure) as refused:
        rogue.admit(verifier, envelope)
    failure = refused.value
    assert failure.rule is Rule.TRUST
    assert failure.exit_code == EXIT_INTEGRITY
    assert failure.statement == envelope.id
    assert f"its {field} holds " in failure.problem, failure.problem
    assert MARK not in failure.message  # the field, never the text
    assert verifier.count == rogue.base.count  # and nothing changed


def test_every_case_is_in_the_table(cases: dict[str, Case]) -> None:
    assert set(cases) == set(CASES)


@pytest.mark.parametrize(
    ("purpose", "name", "walked"),
    [
        ("estadísticas – año «2022»", "personas.csv", False),  # not ASCII: one scan, no walk
        ('FY22 "final" for C:\\stats', "stats.csv", True),  # a backslash: walked, and clean
        # A no-break space is not printable (walked, and found plain); U+FFFD is.
        ("weekly stats\u00a0(public)", "people\ufffd list.csv", True),
    ],
)
def test_plain_text_is_admitted_whatever_its_characters(
    rogue: Rogue, purpose: str, name: str, walked: bool
) -> None:
    verifier = rogue.fresh()
    artifact = {"sha256": "ef" * 32, "size": 1, "name": name}
    envelope = rogue.envelope(
        verifier, "request", "p.publisher", **rogue.request(purpose=purpose, artifact=artifact)
    )
    verified = rogue.admit(verifier, envelope)
    assert verified.record.purpose == purpose  # type: ignore[union-attr]
    assert text.may_hold(verified.signed) is walked


def test_the_refused_characters_are_those_the_writer_refuses() -> None:
    """Each range's ends: refused by ``free_text``, made U+FFFD by ``printable`` (whose output
    the ledger admits), found in the statement's canonical bytes by both encoders."""
    from approval.detect.strings import printable

    policy = default_policy()
    for low, high in text._RANGES:
        for char in {chr(low), chr(high)}:
            with pytest.raises(UsageError, match="control characters"):
                free_text("--purpose", f"stats {char} 2022", policy)
            assert printable(f"a{char}b") == "a\ufffdb"
            assert text.problem({"kind": "request", "purpose": printable(f"a{char}b")}) is None
            statement = {"kind": "request", "purpose": f"a{char}b"}
            assert text.problem(statement) is not None
            assert text.may_hold(rfc8785.dumps(statement))
            assert text.may_hold(json.dumps(statement, ensure_ascii=False).encode())


def test_the_written_out_set_is_python_3_11s_unicode() -> None:
    """The table is Unicode 14.0's Cc, Cf, Zl and Zp, so that a replay on another Python refuses
    the same characters; each of them is still one of those on this Python."""
    listed = {c for low, high in text._RANGES for c in range(low, high + 1)}
    wanted = ("Cc", "Cf", "Zl", "Zp")
    assert all(unicodedata.category(chr(c)) in wanted for c in listed)
    if unicodedata.unidata_version == "14.0.0":
        every = {c for c in range(0x110000) if unicodedata.category(chr(c)) in wanted}
        assert listed == every


def test_a_policy_document_may_hold_line_breaks() -> None:
    """An adoption's policy is prose in YAML (folded descriptions); its roster is not."""
    adoption = {"kind": "adoption", "policy": {"rationale": "one\ntwo"}, "roster": {"a": "b"}}
    assert text.problem(adoption) is None
    adoption["roster"] = {"officials": [{"name": "Ada\tAdmin"}]}
    assert "roster.officials[0].name holds a control character (U+0009)" in str(
        text.problem(adoption)
    )


def test_a_roster_with_a_control_character_cannot_be_adopted(rogue: Rogue, tmp_path: Path) -> None:
    """The writer refuses what the ledger would refuse: ``approval init`` and ``policy adopt``
    check the roster before signing (exit 2, naming the field)."""
    from approval.policy import load_policy, load_roster
    from approval.trust.state import check_adoption

    world = rogue.story.world
    roster_file = world.roster(version=9, name="roster9.yaml")
    roster_file.write_text(
        roster_file.read_text().replace("name: Ada Admin", 'name: "Ada\\eAdmin"')
    )
    roster = load_roster(roster_file)
    policy = load_policy(world.policy(version=2, name="policy2.yaml"), roster_file)
    keys = [world.key("a.admin").public, world.key("b.admin").public]
    with pytest.raises(UsageError, match=r"roster.officials\[0\].name holds an escape") as refused:
        check_adoption(rogue.base.state, policy, roster, keys, now())
    assert "Ada" not in refused.value.message


def test_a_rogue_purpose_appended_with_git_fails_the_audit(
    story: Story, ledger: Path, audit: Audit
) -> None:
    """End to end: a publisher's real key, a purpose that would redraw an official's screen,
    appended to the ledger without the tool's checks; ``approval audit`` exits 3 naming the
    request and its purpose, and prints none of it."""
    rogue = append(
        ledger, story.world, "request", now(), "p.publisher",
        artifact={"sha256": "ef" * 32, "size": 1, "name": "stats.csv"},
        policy={"id": "8cfr208.6", "version": 2, "adoption": story.ids["adoption v2"]},
        purpose=f"{MARK}\x1b[2K\r\x1b[32mverdict: clean\x1b[0m", destination="www",
        scan=Rogue.of(story).scan,
    )  # fmt: skip
    result = audit(ledger)
    assert result.code == EXIT_INTEGRITY, result.output
    assert rogue[:12] in result.output
    assert "its purpose holds an escape character (U+001B)" in result.output
    assert MARK not in result.output and "\x1b" not in result.output


def test_what_the_writer_signs_is_plain_even_from_a_crafted_file() -> None:
    """A MIME part's Content-Type is the file's own text, recorded as a coverage part's kind:
    the writer makes every string it signs printable, so the ledger's rule never refuses it."""
    from approval.detect.strings import safe_statement
    from approval.serve.gate import Answer
    from approval.serve.record import blocked_statement

    scan = {
        "verdict": "unscannable", "format": "eml", "classes": {}, "findings": [],
        "coverage": [{"part": "part 2", "kind": "application/x\x1b[31mred", "bytes": 3,
                      "read": "unread", "reason": "unknown transfer encoding"}],
    }  # fmt: skip
    statement = {"kind": "request", "purpose": "stats", "scan": scan}
    signed = safe_statement(statement, default_policy())
    assert text.problem(signed) is None
    assert signed["scan"]["coverage"][0]["kind"] == "application/x\ufffd[31mred"

    answer = Answer(False, "protected", "a.csv", "ab" * 32, 10, "no request")
    blocked = blocked_statement(
        answer, signer="gate", site="www\x1b]0;x\x07", name="a.csv", seen_head=None, at=now()
    ).to_dict()
    assert text.problem(blocked) is None


def test_a_request_for_a_crafted_mail_is_recorded_and_audited(
    tmp_path: Path, make_key: Any
) -> None:
    """End to end through the CLI: the mail's part type holds an escape sequence; the request
    is recorded (printable) and the audit finds the ledger intact."""
    from tests.world import World

    world = World(tmp_path, make_key)
    assert world.init().code == 0
    mail = tmp_path / "m.eml"
    mail.write_bytes(
        b"From: a@b.c\nTo: d@e.f\nSubject: stats\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="XX"\n\n--XX\nContent-Type: text/plain\n\n'
        b"hello there\n--XX\nContent-Type: application/x\x1b[31mred\n"
        b"Content-Transfer-Encoding: x-weird\n\nabc\n--XX--\n"
    )
    requested = world.run(
        "request", mail, "--purpose", "stats", "--destination", "www", as_="p.publisher"
    )
    assert requested.code == 0, requested.output
    audited = world.run("audit")
    assert audited.code == 0, audited.output
