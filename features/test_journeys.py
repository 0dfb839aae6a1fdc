"""Steps for the publisher's and the officials' journeys: requesting, signing, expiry.

Every step drives the real CLI against a real ledger (git) with keys made by ssh-keygen.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pytest_bdd import given, parsers, scenarios, then, when

from approval.demo.synthetic import aggregate_csv, detention_workbook, people
from tests.world import World

scenarios("requesting.feature", "signing.feature", "expiry.feature")


def _file(story: dict[str, object]) -> Path:
    path = story["file"]
    assert isinstance(path, Path)
    return path


def _request(story: dict[str, object], which: str = "request") -> str:
    value = story[which]
    assert isinstance(value, str)
    return value


# -- given ----------------------------------------------------------------------------------


@given("a CSV of aggregate figures")
def aggregates(world: World, story: dict[str, object]) -> None:
    path = world.root / "aggregates.csv"
    aggregate_csv(path)
    story["file"] = path


@given("the publisher has requested approval to publish it")
def requested(world: World, story: dict[str, object]) -> None:
    story["request"] = world.request(_file(story))


@given(parsers.parse('"{who}" has requested approval to publish it'))
def requested_by(world: World, story: dict[str, object], who: str) -> None:
    # The same bytes as the publisher's request: a second request is made on purpose only.
    result = world.run(
        "request", _file(story), "--purpose", "FY2022 statistics", "--destination", "www",
        "--again", "--reason", "a second publisher asks for the same file", as_=who,
    )  # fmt: skip
    assert result.code == 0, result.output
    story["that request"] = result.stdout.strip().splitlines()[-1]


@given("a ledger whose approvals for a workbook were signed 31 days ago")
def old_approvals(world: World, story: dict[str, object]) -> None:
    from approval.detect.scan import scan_file
    from approval.policy import default_policy
    from approval.statements import now

    story["file"] = world.root / "detention-stats.xlsx"
    detention_workbook(story["file"], count=5)
    report = scan_file(_file(story), default_policy())
    start = now() - timedelta(days=32)
    adoption = world.init_at(start)
    request = world.append_at(
        "request",
        start + timedelta(minutes=1),
        "p.publisher",
        artifact={"sha256": report.sha256, "size": report.size, "name": _file(story).name},
        policy={"id": "8cfr208.6", "version": 1, "adoption": adoption},
        purpose="FY2022 statistics",
        destination="www",
        scan=report.summary(),
    )
    for who, role in (("o.privacy", "privacy-officer"), ("s.senior", "senior-official")):
        world.append_at(
            "signoff",
            start + timedelta(days=1),
            who,
            request=request,
            artifact_sha256=report.sha256,
            decision="approve",
            role=role,
        )
    story["request"] = request


# -- when -----------------------------------------------------------------------------------


@when("the publisher requests approval to publish it")
def request_it(world: World, story: dict[str, object]) -> None:
    result = world.run(
        "request", _file(story), "--purpose", "FY2022 statistics", "--destination",
        "www.example.gov/detention", as_="p.publisher",
    )  # fmt: skip
    if result.code == 0:
        story["request"] = result.stdout.strip().splitlines()[-1]


@when("someone whose key is not in the roster requests approval to publish it")
def stranger_requests(world: World, story: dict[str, object]) -> None:
    world.run("request", _file(story), "--purpose", "p", "--destination", "d", as_="z.stranger")


@when("one byte of the workbook changes")
def change_a_byte(story: dict[str, object]) -> None:
    path = _file(story)
    path.write_bytes(path.read_bytes() + b"\0")


@when(parsers.parse('"{who}" approves the request'))
def approves(world: World, story: dict[str, object], who: str) -> None:
    result = world.sign(_request(story), who)
    assert result.code == 0, result.output


@when(parsers.parse('"{who}" approves the request as "{role}"'))
def approves_as(world: World, story: dict[str, object], who: str, role: str) -> None:
    world.sign(_request(story), who, "--role", role)


@when(parsers.parse('"{who}" approves that request as "{role}"'))
def approves_that_as(world: World, story: dict[str, object], who: str, role: str) -> None:
    world.sign(_request(story, "that request"), who, "--role", role)


@when(parsers.parse('"{who}" refuses the request because "{why}"'))
def refuses(world: World, story: dict[str, object], who: str, why: str) -> None:
    result = world.sign(_request(story), who, "--reject", "--comment", why)
    assert result.code == 0, result.output


def _signoff_of(world: World, request: str, who: str, decision: str) -> str:
    from approval.ledger.session import load

    with load(world.ledger) as session:
        found = [
            s.id
            for s in session.state.signoffs_for(request)
            if s.signer == who and s.decision == decision and not session.state.is_revoked(s.id)
        ]
    assert len(found) == 1
    return found[0]


@when(parsers.parse('"{who}" withdraws the refusal because "{why}"'))
def withdraws_refusal(world: World, story: dict[str, object], who: str, why: str) -> None:
    signoff = _signoff_of(world, _request(story), who, "reject")
    result = world.run("revoke", signoff, "--reason", why, as_=who)
    assert result.code == 0, result.output


@when(parsers.parse('"{who}" withdraws the approval because "{why}"'))
def withdraws_approval(world: World, story: dict[str, object], who: str, why: str) -> None:
    signoff = _signoff_of(world, _request(story), who, "approve")
    result = world.run("revoke", signoff, "--reason", why, as_=who)
    assert result.code == 0, result.output


@when(parsers.parse('"{who}" signs the request without a terminal and without --yes'))
def signs_without_terminal(world: World, story: dict[str, object], who: str) -> None:
    world.run("sign", _request(story), as_=who)


@when("one admin alone adopts policy version 2 with a new roster")
def one_admin_adopts(world: World) -> None:
    world.run(
        "policy", "adopt", world.policy(version=2, name="policy2.yaml"), "--roster",
        world.roster(version=2, name="roster2.yaml"), as_="a.admin",
    )  # fmt: skip


@when(parsers.parse("two admins adopt policy version {version:d}"))
def two_admins_adopt(world: World, version: int) -> None:
    world.run(
        "policy", "adopt", world.policy(version=version, name=f"policy{version}.yaml"),
        "--roster", world.roster(), "--key", world.key("a.admin").private, as_="b.admin",
    )  # fmt: skip


# -- then -----------------------------------------------------------------------------------


@then(parsers.parse("the command fails with exit code {code:d}"))
def fails_with(world: World, code: int) -> None:
    assert world.last is not None
    assert world.last.code == code, world.last.output
    assert "Traceback" not in world.last.output


@then(parsers.parse('it says "{text}"'))
def it_says(world: World, text: str) -> None:
    assert world.last is not None
    assert text in world.last.output, world.last.output


@then("the request is recorded and its id is printed on the last line")
def id_printed(world: World, story: dict[str, object]) -> None:
    assert world.last is not None and world.last.code == 0, world.last and world.last.output
    request = _request(story)
    assert len(request) == 64 and all(c in "0123456789abcdef" for c in request)


@then(parsers.parse("the review screen shows {count:d} distinct protected persons"))
def review_persons(world: World, story: dict[str, object], count: int) -> None:
    result = world.run("show", _request(story)[:12])
    assert result.code == 0, result.output
    assert f"protected-person: {count} distinct persons" in result.stdout
    story["screen"] = result.stdout


@then("the review screen shows the hidden sheet")
def review_hidden(story: dict[str, object]) -> None:
    screen = str(story["screen"])
    assert "hidden parts:" in screen and "sheet Sheet2" in screen


@then("the review screen shows the purpose and the destination")
def review_purpose(story: dict[str, object]) -> None:
    screen = str(story["screen"])
    assert "purpose:" in screen and "FY2022 statistics" in screen
    assert "www.example.gov/detention" in screen


@then(parsers.parse('the status says sign-offs as "{first}" and "{second}" are missing'))
def missing_two(world: World, story: dict[str, object], first: str, second: str) -> None:
    result = world.run("status", _file(story))
    assert result.code == 1, result.output
    assert f"missing: {first}, {second}" in result.stdout


@then(parsers.parse('the status says only a sign-off as "{role}" is missing'))
def missing_one(world: World, story: dict[str, object], role: str) -> None:
    result = world.run("status", _file(story))
    assert result.code == 1, result.output
    assert f"missing: {role}\n" in result.stdout


@then("the status says the file may be exported")
def allowed(world: World, story: dict[str, object]) -> None:
    result = world.run("status", _file(story))
    assert result.code == 0, result.output
    assert ": allowed" in result.stdout


@then("the status says the file is blocked")
def blocked(world: World, story: dict[str, object]) -> None:
    result = world.run("status", _file(story))
    assert result.code == 1, result.output
    assert ": blocked" in result.stdout


@then(parsers.parse('the status says "{text}"'))
def status_says(world: World, story: dict[str, object], text: str) -> None:
    result = world.run("status", _file(story))
    assert text in result.stdout, result.output


@then(parsers.parse('the status of the changed workbook says "{text}"'))
def changed_status(world: World, story: dict[str, object], text: str) -> None:
    result = world.run("status", _file(story))
    assert result.code == 1
    assert text in result.stdout, result.output


@then("the ledger holds no name, A-number or birthdate from the file")
def nothing_leaked(world: World, story: dict[str, object]) -> None:
    import subprocess

    count = story["count"]
    assert isinstance(count, int)
    dump = subprocess.run(
        ["git", "--git-dir", str(world.ledger), "log", "-p", "--all"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "request" in dump  # the dump really holds the entries
    for person in people(count):
        assert person.a_number not in dump
        assert person.a_number[1:] not in dump
        assert person.name not in dump
        assert person.birthdate.isoformat() not in dump
