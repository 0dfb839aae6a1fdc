"""Steps for the auditor: audit, time travel, one file's history, the stock-tool bundle, and the
ways of changing the record that the audit catches.

The journey is made once with the real CLI (init, request, two sign-offs, export through the
gate) and copied for each scenario. Tampering uses stock git and real keys; every audit is the
real ``approval audit``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from approval.statements import Envelope, Signature, parse_statement_time
from tests.audit.conftest import Entry, append, entries, git, rebuild, scan_summary
from tests.support import CliResult, KeyMaker, run_approval
from tests.world import CAST, World

scenarios("audit.feature")


@dataclass(frozen=True)
class Journey:
    """The session's journey ledger and what was made in it."""

    world: World
    workbook: Path
    site: Path


@pytest.fixture(scope="session")
def journey(tmp_path_factory: pytest.TempPathFactory, make_key: KeyMaker) -> Journey:
    from approval.demo.synthetic import detention_workbook

    world = World(tmp_path_factory.mktemp("audit-journey"), make_key)
    assert world.init().code == 0
    workbook = world.root / "detention-stats.xlsx"
    detention_workbook(workbook, count=12)
    request = world.request(workbook)
    for who in ("o.privacy", "s.senior"):
        signed = world.sign(request, who)
        assert signed.code == 0, signed.output
    site = world.root / "www"
    site.mkdir()
    time.sleep(1.1)  # the export a second after the last approval: "as it stood" is exact
    exported = world.run("export", workbook, "--to", site, as_="p.publisher")
    assert exported.code == 0, exported.output
    return Journey(world, workbook, site)


@pytest.fixture
def case(journey: Journey, tmp_path: Path) -> dict[str, Any]:
    return {"tmp": tmp_path}


def _ledger(case: dict[str, Any]) -> Path:
    path = case["ledger"]
    assert isinstance(path, Path)
    return path


def _world(case: dict[str, Any]) -> World:
    world = case["world"]
    assert isinstance(world, World)
    return world


def _audit(case: dict[str, Any], ledger: Path, *args: str | Path) -> CliResult:
    result = run_approval("audit", "--ledger", ledger, *args, cwd=case["tmp"])
    case["result"] = result
    return result


def _timeline(case: dict[str, Any]) -> list[dict[str, Any]]:
    document = json.loads(_audit(case, _ledger(case), "--format", "json").stdout)
    timeline: list[dict[str, Any]] = document["timeline"]
    return timeline


# -- given ------------------------------------------------------------------------------------


@given(
    "the ledger of a workbook that was requested, approved by the privacy officer and the "
    "senior official, and exported through the gate"
)
def journey_ledger(journey: Journey, case: dict[str, Any]) -> None:
    copy = case["tmp"] / "ledger"
    shutil.copytree(journey.world.ledger, copy)
    case["ledger"] = copy
    case["world"] = journey.world
    case["workbook"] = journey.workbook


@given("the auditor keeps a clone of the ledger")
def clone(case: dict[str, Any]) -> None:
    target = case["tmp"] / "clone"
    git(_ledger(case), "clone", "--quiet", "--bare", str(_ledger(case)), str(target))
    case["clone"] = target


@given("the auditor has audited the clone")
def audited_clone(case: dict[str, Any]) -> None:
    assert _audit(case, case["clone"]).code == 0


# -- when -------------------------------------------------------------------------------------


@when("the auditor audits the ledger")
def audits(case: dict[str, Any]) -> None:
    _audit(case, _ledger(case))


@when("the auditor audits the clone")
def audits_clone(case: dict[str, Any]) -> None:
    _audit(case, case["clone"])


@when("the auditor asks for the ledger as it stood when the senior official approved")
def as_of_last_approval(case: dict[str, Any]) -> None:
    timeline = _timeline(case)
    senior = next(e for e in timeline if e["kind"] == "signoff" and e["who"] == ["s.senior"])
    result = _audit(case, _ledger(case), "--as-of", senior["at"])
    assert result.code == 0, result.output


@when("the auditor asks for the history of the workbook")
def history(case: dict[str, Any]) -> None:
    result = _audit(case, _ledger(case), "--artifact", case["workbook"])
    assert result.code == 0, result.output


@when("the auditor exports the ledger for stock tools")
def export_bundle(case: dict[str, Any]) -> None:
    case["bundle"] = case["tmp"] / "for-ssh-keygen"
    result = _audit(case, _ledger(case), "--export", case["bundle"])
    assert result.code == 0, result.output


@when("one byte of an exported statement is changed")
def change_a_byte(case: dict[str, Any]) -> None:
    target = sorted(Path(case["bundle"]).glob("*-export-*.json"))[0]
    data = bytearray(target.read_bytes())
    at = data.index(b"detention-stats.xlsx")
    data[at] = ord("D")
    target.write_bytes(bytes(data))
    case["changed"] = target


@when("the clone takes the rewritten history by force")
def force_fetch(case: dict[str, Any]) -> None:
    git(case["clone"], "fetch", "--quiet", "--force", str(_ledger(case)),
        "+refs/heads/ledger:refs/heads/ledger")  # fmt: skip


def _envelope(entry: Entry) -> Envelope:
    return Envelope.from_dict(json.loads(entry.raw))


def _replaced(entry: Entry, envelope: Envelope, path: str | None = None) -> Entry:
    from approval.ledger.layout import commit_message

    path = path or entry.path
    return Entry(entry.commit, path, envelope.to_json(), commit_message(envelope, path),
                 entry.author_date, entry.committer_date)  # fmt: skip


def _state(case: dict[str, Any]) -> Any:
    from approval.ledger import Ledger
    from approval.ledger.session import replay_verified

    with Ledger.open(_ledger(case)) as ledger:
        return replay_verified(ledger)


def _later(case: dict[str, Any], minutes: int = 1) -> Any:
    latest = max(parse_statement_time(e["at"]) for e in _timeline(case))
    return latest + timedelta(minutes=minutes)


def changes_the_purpose(case: dict[str, Any]) -> None:
    history = entries(_ledger(case))
    old = _envelope(history[1])
    changed = Envelope({**old.statement, "purpose": "routine website update"}, old.signatures)
    history[1] = Entry(history[1].commit, history[1].path, changed.to_json(), history[1].message,
                       history[1].author_date, history[1].committer_date)  # fmt: skip
    rebuild(_ledger(case), case["tmp"] / "scratch", history)


def removes_the_approval(case: dict[str, Any]) -> None:
    history = entries(_ledger(case))
    assert _envelope(history[2]).statement["signer"] == "o.privacy"
    rebuild(_ledger(case), case["tmp"] / "scratch", history[:2] + history[3:])


def swaps_the_approvals(case: dict[str, Any]) -> None:
    history = entries(_ledger(case))
    history[2], history[3] = history[3], history[2]
    rebuild(_ledger(case), case["tmp"] / "scratch", history)


def changes_the_signature(case: dict[str, Any]) -> None:
    history = entries(_ledger(case))
    envelope = _envelope(history[2])
    signature = envelope.signatures[0]
    lines = signature.signature.split("\n")
    lines[2] = lines[2][:20] + ("A" if lines[2][20] != "A" else "B") + lines[2][21:]
    forged = Signature(signature.signer, signature.key, "\n".join(lines))
    history[2] = _replaced(history[2], Envelope(envelope.statement, (forged,)))
    rebuild(_ledger(case), case["tmp"] / "scratch", history)


def resigns_with_own_key(case: dict[str, Any]) -> None:
    from approval.signing import load_private_key, sign_statement

    history = entries(_ledger(case))
    envelope = _envelope(history[2])
    mine = load_private_key(_world(case).key("z.stranger").private)
    forged = sign_statement(envelope.statement, mine, "o.privacy")
    history[2] = _replaced(history[2], Envelope(envelope.statement, (forged,)))
    rebuild(_ledger(case), case["tmp"] / "scratch", history)


def adds_own_key(case: dict[str, Any]) -> None:
    from approval.policy import load_policy, load_roster

    world, state = _world(case), _state(case)
    officials = {o: roles for o, (_, roles) in CAST.items()}
    roster = world.roster({**officials, "z.stranger": ("admin", "privacy-officer")},
                          version=2, name="roster-z.yaml")  # fmt: skip
    append(
        _ledger(case), world, "adoption", _later(case), "a.admin", "z.stranger",
        policy=load_policy(world.policy(version=2, name="policy-z.yaml"), roster).to_dict(),
        roster=load_roster(roster).to_dict(), previous=state.current.id,
    )  # fmt: skip


def readopts(case: dict[str, Any]) -> None:
    from approval.policy import load_policy, load_roster

    world, state = _world(case), _state(case)
    roster = world.roster()
    append(
        _ledger(case), world, "adoption", _later(case), "a.admin", "b.admin",
        policy=load_policy(world.policy(), roster).to_dict(),
        roster=load_roster(roster).to_dict(), previous=state.current.id,
    )  # fmt: skip


def exports_unapproved(case: dict[str, Any]) -> None:
    world, state = _world(case), _state(case)
    _, scan = scan_summary(case["workbook"])
    artifact = {"sha256": "ef" * 32, "size": 4096, "name": "detainees-full.xlsx"}
    adoption = state.current
    policy = {"id": adoption.policy.id, "version": adoption.policy.version,
              "adoption": adoption.id}  # fmt: skip
    at = _later(case)
    request = append(
        _ledger(case), world, "request", at, "p.publisher", artifact=artifact, policy=policy,
        purpose="routine update", destination="www", scan=scan,
    )  # fmt: skip
    append(
        _ledger(case), world, "export", at + timedelta(minutes=1), "p.publisher",
        artifact=artifact, destination="www", request=request, signoffs=[], policy=policy,
    )  # fmt: skip


def cuts_the_last(case: dict[str, Any]) -> None:
    history = entries(_ledger(case))
    rebuild(_ledger(case), case["tmp"] / "scratch", history[:-1])


TAMPERING = {
    "changes the request's purpose in its file and rewrites the history": changes_the_purpose,
    "removes the privacy officer's approval from the history": removes_the_approval,
    "swaps the two approvals in the history": swaps_the_approvals,
    "changes one character of the privacy officer's signature": changes_the_signature,
    "re-signs the privacy officer's approval with a key of their own": resigns_with_own_key,
    "adds their own key to the roster with a single admin's signature": adds_own_key,
    "has two admins adopt the same policy version again": readopts,
    "is the publisher and records an export of a file nobody approved": exports_unapproved,
    "cuts the last statement from the history": cuts_the_last,
}


@when(parsers.parse("someone {tampering}"))
def tamper(case: dict[str, Any], tampering: str) -> None:
    assert _audit(case, _ledger(case)).code == 0  # intact before
    TAMPERING[tampering](case)


# -- then -------------------------------------------------------------------------------------


def _result(case: dict[str, Any]) -> CliResult:
    result = case["result"]
    assert isinstance(result, CliResult)
    return result


@then("the audit passes")
def passes(case: dict[str, Any]) -> None:
    result = _result(case)
    assert result.code == 0, result.output
    assert "Audit: the ledger is intact" in result.stdout
    assert "exports:          1, each allowed when it was made" in result.stdout


@then(parsers.parse('the timeline says "{first}" and "{second}"'))
def timeline_says(case: dict[str, Any], first: str, second: str) -> None:
    lines = _result(case).stdout.splitlines()
    assert any(first in line and second in line for line in lines), _result(case).stdout


@then(parsers.parse('policy "{policy}" was in force'))
def in_force(case: dict[str, Any], policy: str) -> None:
    assert f"policy in force:    {policy}" in _result(case).stdout


@then(parsers.parse("the request was open, with {count:d} valid approvals"))
def open_request(case: dict[str, Any], count: int) -> None:
    out = _result(case).stdout
    assert "Open requests (1)" in out and "detention-stats.xlsx" in out
    assert f"Valid approvals ({count})" in out


@then("nothing had been exported yet")
def nothing_exported(case: dict[str, Any]) -> None:
    assert "Exports so far (0)" in _result(case).stdout


@then(
    parsers.parse(
        "it lists the request, the {count:d} approvals and the export, with where it went"
    )
)
def lists_history(case: dict[str, Any], count: int) -> None:
    out = _result(case).stdout
    assert "p.publisher requested approval to export detention-stats.xlsx" in out
    assert out.count("approved request") == count
    www = str((case["world"].root / "www" / "detention-stats.xlsx").resolve())
    assert re.search(rf"p\.publisher exported detention-stats\.xlsx .* to {re.escape(www)}", out)
    assert "scan: protected (xlsx), protected-person: 12 persons" in out


def _verify(case: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", str(Path(case["bundle"]) / "verify.sh"), "-q"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@then("verify.sh passes")
def verify_passes(case: dict[str, Any]) -> None:
    done = _verify(case)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "6 signatures verified, 0 failures" in done.stdout


@then("verify.sh fails, naming that statement")
def verify_fails(case: dict[str, Any]) -> None:
    done = _verify(case)
    assert done.returncode == 1
    assert Path(case["changed"]).name in done.stderr


@then(
    parsers.parse(
        'the audit fails with exit code 3, naming the commit, the statement and the rule "{rule}"'
    )
)
def fails_naming(case: dict[str, Any], rule: str) -> None:
    result = _result(case)
    assert result.code == 3, result.output
    assert "Traceback" not in result.output
    assert re.search(r"ledger commit [0-9a-f]{12}, entry \d+, [a-z-]+ [0-9a-f]{12}", result.stderr)
    assert f"(rule {rule}:" in result.stderr, result.stderr


@then(parsers.parse('the audit fails with exit code 3, naming the rule "{rule}"'))
def fails_rule(case: dict[str, Any], rule: str) -> None:
    result = _result(case)
    assert result.code == 3, result.output
    assert f"(rule {rule}:" in result.stderr, result.stderr


@then(parsers.parse('the audit says "{text}"'))
def audit_says(case: dict[str, Any], text: str) -> None:
    assert text in _result(case).stderr, _result(case).stderr
