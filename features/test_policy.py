"""Steps for features/policy.feature: they drive the real CLI on real files."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from approval.policy import default_policy
from approval.report.bundle import ssh_time
from approval.statements import format_time
from tests.conftest import ROOT, CliResult, run_approval
from tests.rotation import NEW_KEY, SENIOR, LostLaptop, lost_laptop
from tests.support import KeyMaker
from tests.world import World

POLICY = ROOT / "policies" / "8cfr208.6.yaml"
ROSTER = ROOT / "policies" / "roster.example.yaml"

scenarios("policy.feature")


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Any]:
    return {"dir": tmp_path, "files": []}


@given("the shipped policy and the example roster")
def shipped_both(world: dict[str, Any]) -> None:
    world["files"] = [POLICY, ROSTER]


@given("the shipped policy")
def shipped_policy(world: dict[str, Any]) -> None:
    world["policy"] = default_policy()


@given(parsers.parse('the shipped policy with "{old}" changed to "{new}"'))
def changed_policy(world: dict[str, Any], old: str, new: str) -> None:
    path = world["dir"] / "policy.yaml"
    path.write_text(POLICY.read_text().replace(old, new, 1))
    world["files"] = [path]
    world["needle"] = new.split(": ", 1)[-1]


@given(
    "a roster in which one official is both the only privacy officer and the only senior official"
)
def roster_one_official(world: dict[str, Any]) -> None:
    text = ROSTER.read_text()
    text = text.replace(
        "roles: [privacy-officer, admin]", "roles: [privacy-officer, senior-official, admin]"
    )
    text = text.replace("roles: [senior-official]", "roles: [publisher]")
    text = text.replace("roles: [privacy-officer]\n", "roles: [publisher]\n")
    path = world["dir"] / "roster.yaml"
    path.write_text(text)
    world["roster"] = path


@given(parsers.parse('a policy file in which "{key}" appears twice'))
def duplicate_key(world: dict[str, Any], key: str) -> None:
    path = world["dir"] / "policy.yaml"
    path.write_text(POLICY.read_text().replace(f"\n{key}: 1\n", f"\n{key}: 1\n{key}: 2\n", 1))
    world["files"] = [path]


@given("a policy file that carries a Python object tag which would create a file")
def python_tag(world: dict[str, Any]) -> None:
    marker = world["dir"] / "created-by-yaml"
    path = world["dir"] / "policy.yaml"
    path.write_text(f"!!python/object/apply:os.system ['touch {marker}']\n")
    world["files"] = [path]
    world["marker"] = marker


@when("an administrator checks them")
@when("an administrator checks it")
def check(world: dict[str, Any]) -> None:
    world["result"] = run_approval("policy", "check", *world["files"])


@when("an administrator checks it with the example roster")
def check_with_roster(world: dict[str, Any]) -> None:
    world["result"] = run_approval("policy", "check", *world["files"], ROSTER)


@when("an administrator checks the shipped policy with it")
def check_shipped_with(world: dict[str, Any]) -> None:
    world["files"] = [POLICY]
    world["result"] = run_approval("policy", "check", POLICY, world["roster"])


@then("the check passes")
def passes(world: dict[str, Any]) -> None:
    result: CliResult = world["result"]
    assert result.code == 0, result.output


@then(parsers.parse("the check fails with exit code {code:d}"))
def fails(world: dict[str, Any], code: int) -> None:
    result: CliResult = world["result"]
    assert result.code == code, result.output
    assert "Traceback" not in result.output


@then(parsers.parse("it says the policy has {classes:d} data classes and {rules:d} rules"))
def says_policy(world: dict[str, Any], classes: int, rules: int) -> None:
    assert f"{classes} data classes, {rules} rules" in world["result"].stdout


@then(
    parsers.parse(
        "it says the roster has {officials:d} officials and an admin threshold of {threshold:d}"
    )
)
def says_roster(world: dict[str, Any], officials: int, threshold: int) -> None:
    assert f"{officials} officials, admin threshold {threshold}" in world["result"].stdout


@then(parsers.parse('the problem names the file, line and column of "{needle}"'))
def names_position(world: dict[str, Any], needle: str) -> None:
    path: Path = world["files"][0]
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if needle in text)
    column = path.read_text().splitlines()[line - 1].index("role") + 1
    assert f"{path}:{line}:{column}: " in world["result"].stderr


@then(parsers.parse('the problem says "{text}"'))
def problem_says(world: dict[str, Any], text: str) -> None:
    assert text in world["result"].stderr


@then("no file was created")
def nothing_created(world: dict[str, Any]) -> None:
    assert not world["marker"].exists()


@then(parsers.parse('files with protected-person data need sign-offs as "{first}" and "{second}"'))
def needs_roles(world: dict[str, Any], first: str, second: str) -> None:
    (rule,) = world["policy"].rules_for(["protected-person"])
    assert rule.roles == (first, second)
    world["rule"] = rule


@then("the two sign-offs must come from distinct officials")
def distinct(world: dict[str, Any]) -> None:
    assert world["rule"].distinct_signers


@then("the requester may not sign their own request")
def requester(world: dict[str, Any]) -> None:
    assert not world["rule"].requester_may_sign


@then(parsers.parse("an approval is valid for {days:d} days"))
def validity(world: dict[str, Any], days: int) -> None:
    assert world["rule"].valid_days == days


@then("a rejection blocks until it is withdrawn")
def rejection(world: dict[str, Any]) -> None:
    assert world["rule"].rejection_blocks


@then("unscannable files need the same sign-offs as protected-person files")
def unscannable(world: dict[str, Any]) -> None:
    policy = world["policy"]
    assert policy.rules_for(["unscannable"]) == policy.rules_for(["protected-person"])


@given(parsers.parse('its rule names the role "{role}"'))
def rule_names_role(world: dict[str, Any], role: str) -> None:
    path: Path = world["files"][0]
    path.write_text(path.read_text().replace("role: senior-official", f"role: {role}", 1))


@given(parsers.parse('a roster whose official\'s last valid day is "{day}"'))
def roster_valid_until(world: dict[str, Any], day: str) -> None:
    path = world["dir"] / "roster.yaml"
    path.write_text(ROSTER.read_text().replace("valid_until: 2027-06-30", f"valid_until: {day}"))
    world["files"].append(path)


@given("a policy file of 5000 opening brackets")
def deep_policy(world: dict[str, Any]) -> None:
    path = world["dir"] / "policy.yaml"
    path.write_text("a: " + "[" * 5000 + "\n")
    world["files"] = [path]


@when("an administrator checks them all with the example roster")
def check_all_with_roster(world: dict[str, Any]) -> None:
    world["result"] = run_approval("policy", "check", *world["files"], ROSTER)


@then("the example roster is still said to be valid")
def roster_still_valid(world: dict[str, Any]) -> None:
    assert f"{ROSTER}: ok: roster v1: 5 officials" in world["result"].stdout


# -- a lost laptop: a roster-only adoption replaces a key (tests/rotation.py tells the story) ---


@pytest.fixture
def agency(tmp_path: Path, make_key: KeyMaker) -> World:
    return World(tmp_path, make_key)


@given("a protected workbook that the privacy officer and the senior official approved last week")
@given("the senior official's laptop was lost two days ago")
def approved_last_week(agency: World, world: dict[str, Any]) -> None:
    if "story" not in world:
        world["story"] = lost_laptop(agency)


@given("since the loss her old key approved another protected workbook")
def thief_approved(world: dict[str, Any]) -> None:
    story: LostLaptop = world["story"]
    assert story.world.ledger.exists() and story.thief_signoff


@when(
    "the admins adopt a roster with her new key that names the old one compromised since the loss"
)
def adopt_new_roster(world: dict[str, Any]) -> None:
    world["result"] = world["story"].adopt_new_roster()


@then("the adoption says it is a roster change and that standing approvals are kept")
def says_roster_change(world: dict[str, Any]) -> None:
    result: CliResult = world["result"]
    assert result.code == 0, result.output
    assert "adopted roster v2 (8 officials, 1 key named compromised)" in result.stdout
    assert "a roster change, so standing requests and approvals are kept" in result.stdout


@then(parsers.parse("policy version {version:d} is still in force"))
def policy_still(world: dict[str, Any], version: int) -> None:
    story: LostLaptop = world["story"]
    status = story.world.run("status", story.last_week, "--format", "json")
    assert json.loads(status.stdout)["policy"] == {"id": "8cfr208.6", "version": version}


def _export(story: LostLaptop, file: Path) -> CliResult:
    www = story.world.root / "www"
    www.mkdir(exist_ok=True)
    return story.world.run("export", file, "--to", www, as_="p.publisher")


@then("the workbook she approved last week can be exported")
def last_week_exported(world: dict[str, Any]) -> None:
    story: LostLaptop = world["story"]
    result = _export(story, story.last_week)
    assert result.code == 0, result.output
    assert "s.senior (senior-official)" in result.stdout


@then(
    "the other workbook is blocked: the approval made with the old key after the loss does not "
    "count"
)
def other_blocked(world: dict[str, Any]) -> None:
    story: LostLaptop = world["story"]
    result = _export(story, story.after_loss)
    assert result.code == 1, result.output
    status = story.world.run("status", story.after_loss)
    assert status.code == 1
    assert "missing: senior-official" in status.stdout
    assert (
        "s.senior's approval as senior-official does not count: made on "
        f"{format_time(story.loss + timedelta(hours=3))} with a key reported compromised since "
        f"{format_time(story.loss)}"
    ) in status.stdout


@then("her old key can sign nothing more")
def old_key_refused(world: dict[str, Any]) -> None:
    story: LostLaptop = world["story"]
    result = story.world.sign(story.second_request, SENIOR)
    assert result.code == 2, result.output
    assert "is named compromised since" in result.stderr and "Traceback" not in result.output


@then("with her new key she can approve the other workbook, which can then be exported")
def new_key_approves(world: dict[str, Any]) -> None:
    story: LostLaptop = world["story"]
    signed = story.world.sign(story.second_request, NEW_KEY, "--file", str(story.after_loss))
    assert signed.code == 0, signed.output
    assert "s.senior approved" in signed.stdout
    result = _export(story, story.after_loss)
    assert result.code == 0, result.output


@then(
    "the auditor's bundle, checked with ssh-keygen alone, refuses the old key from the time of "
    "the loss"
)
def bundle_refuses(world: dict[str, Any]) -> None:
    story: LostLaptop = world["story"]
    out = story.world.root / "bundle"
    exported = story.world.run("audit", "--export", out)
    assert exported.code == 0, exported.output
    allowed = (out / "allowed_signers").read_text()
    old = story.world.key(SENIOR).public.rsplit(" ", 1)[0]
    cut = ssh_time(story.loss - timedelta(seconds=1))
    lines = [line for line in allowed.splitlines() if line.endswith(old)]
    assert lines and all(f'valid-before="{cut}"' in line for line in lines)
    done = subprocess.run(
        ["sh", str(out / "verify.sh"), "-q"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 void (a compromised key's), 0 failures" in done.stdout
