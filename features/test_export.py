"""Steps for the gate: export, redact, and check in CI and pre-commit.

Every step drives the real CLI against a real ledger (git) with keys made by ssh-keygen; the
website is a directory, the website's repository a real git work tree.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from approval.demo.synthetic import aggregate_csv, detention_workbook
from tests.support import KeyMaker, run_approval
from tests.world import World

scenarios("export.feature")

YESTERDAY = b"yesterday's workbook"


@pytest.fixture
def story(world: World) -> dict[str, object]:
    www = world.root / "www"
    www.mkdir()
    return {"www": www}


def _path(story: dict[str, object], key: str) -> Path:
    value = story[key]
    assert isinstance(value, Path)
    return value


def _file(story: dict[str, object]) -> Path:
    return _path(story, "file")


def _www(story: dict[str, object]) -> Path:
    return _path(story, "www")


def _approve(world: World, file: Path) -> str:
    request = world.request(file)
    for who in ("o.privacy", "s.senior"):
        result = world.sign(request, who)
        assert result.code == 0, result.output
    return request


def _git(directory: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=directory, check=True, capture_output=True)


# -- given ----------------------------------------------------------------------------------


@given("a CSV of aggregate figures")
def aggregates(world: World, story: dict[str, object]) -> None:
    path = world.root / "aggregates.csv"
    aggregate_csv(path)
    story["file"] = path


@given("a workbook encrypted with a password")
def encrypted(world: World, story: dict[str, object]) -> None:
    from tests.corpus.spreadsheets import build_encrypted

    story["file"] = build_encrypted(world.root).path


@given("the website already holds yesterday's version of it")
def yesterday(story: dict[str, object]) -> None:
    (_www(story) / _file(story).name).write_bytes(YESTERDAY)


@given("the privacy officer and the senior official have approved it")
def approved(world: World, story: dict[str, object]) -> None:
    story["request"] = _approve(world, _file(story))


@given("a workbook whose approvals were signed 31 days ago")
def old_approvals(tmp_path: Path, make_key: KeyMaker, story: dict[str, object]) -> None:
    # A fresh ledger, dated in the past: the CLI only ever signs with the current time.
    world = World(tmp_path / "past", make_key)
    world.root.mkdir()
    path = world.root / "detention-stats.xlsx"
    detention_workbook(path, count=5)
    world.approved_long_ago(path)
    story["file"], story["world"] = path, world


@given(parsers.parse('a protected file named "{name}"'))
def named_after_a_person(world: World, story: dict[str, object], name: str) -> None:
    from tests.corpus import tabular

    story["file"] = tabular.detainee_sheet(3).write_csv(world.root / name)


@given(parsers.parse('a CSV of aggregate figures named "{name}"'))
def aggregates_named(world: World, story: dict[str, object], name: str) -> None:
    path = world.root / name
    aggregate_csv(path)
    story["file"] = path


@given(parsers.parse('the website has a folder named "{name}"'))
def folder(story: dict[str, object], name: str) -> None:
    story["folder"] = _www(story) / name
    _path(story, "folder").mkdir()


@given(parsers.parse('the senior official has rejected it because "{why}"'))
def rejected(world: World, story: dict[str, object], why: str) -> None:
    request = world.request(_file(story))
    result = world.sign(request, "s.senior", "--reject", "--comment", why)
    assert result.code == 0, result.output
    story["request"] = request


@given("the website's copy of it is a named pipe")
def a_pipe(story: dict[str, object]) -> None:
    # A pipe stands for any special file: tests never point an export at a real device.
    os.mkfifo(_www(story) / _file(story).name)


@given("a website repository with aggregate figures and the workbook")
def repository(world: World, story: dict[str, object]) -> None:
    site = world.root / "site"
    (site / "data").mkdir(parents=True)
    aggregate_csv(site / "data" / "aggregates.csv")
    detention_workbook(site / "data" / "detention-stats.xlsx", count=5)
    _git(site, "init", "-q")
    story["site"], story["file"] = site, site / "data" / "detention-stats.xlsx"


@given("the workbook is staged")
def staged(story: dict[str, object]) -> None:
    _git(_path(story, "site"), "add", "data/detention-stats.xlsx")


@given("the working copy of the workbook is replaced by a clean file")
def replaced_by_clean(story: dict[str, object]) -> None:
    aggregate_csv(_file(story))


# -- when -----------------------------------------------------------------------------------


def _world(world: World, story: dict[str, object]) -> World:
    other = story.get("world")
    return other if isinstance(other, World) else world


@when("the publisher exports it to the website")
def export_it(world: World, story: dict[str, object]) -> None:
    _world(world, story).run("export", _file(story), "--to", _www(story), as_="p.publisher")
    story["result"] = _world(world, story).last


@when(parsers.parse('the publisher exports it to the website as "{name}"'))
def export_as(world: World, story: dict[str, object], name: str) -> None:
    world.run("export", _file(story), "--to", _www(story) / name, as_="p.publisher")


@when("the publisher exports it into that folder")
def export_into_folder(world: World, story: dict[str, object]) -> None:
    world.run("export", _file(story), "--to", _path(story, "folder"), as_="p.publisher")


@when(parsers.parse('the publisher redacts it into the website as "{name}"'))
def redact_as(world: World, story: dict[str, object], name: str) -> None:
    world.run("redact", _file(story), "--out", _www(story) / name, as_="p.publisher")


@when("the publisher exports it into the ledger's own directory")
def export_into_ledger(world: World, story: dict[str, object]) -> None:
    refs = world.ledger / "refs" / "heads" / "ledger"
    story["ledger_head"] = refs.read_bytes()
    story["ledger_names"] = sorted(p.name for p in world.ledger.iterdir())
    world.run("export", _file(story), "--to", world.ledger, as_="p.publisher")


@when(parsers.parse("two admins adopt policy version {version:d}"))
def two_admins_adopt(world: World, version: int) -> None:
    result = world.run(
        "policy", "adopt", world.policy(version=version, name=f"policy{version}.yaml"),
        "--roster", world.roster(), "--key", world.key("a.admin").private, as_="b.admin",
    )  # fmt: skip
    assert result.code == 0, result.output


@when("one byte of the workbook changes")
def change_a_byte(story: dict[str, object]) -> None:
    path = _file(story)
    path.write_bytes(path.read_bytes() + b"\0")


@when(parsers.parse('the privacy officer withdraws the approval because "{why}"'))
def withdraw(world: World, story: dict[str, object], why: str) -> None:
    from approval.ledger.session import load

    request = story["request"]
    assert isinstance(request, str)
    with load(world.ledger) as session:
        (signoff,) = [s.id for s in session.state.signoffs_for(request) if s.signer == "o.privacy"]
    result = world.run("revoke", signoff, "--reason", why, as_="o.privacy")
    assert result.code == 0, result.output


@when("the publisher redacts it, signing the provenance")
def redact_it(world: World, story: dict[str, object]) -> None:
    out = world.root / "detention-stats-public.xlsx"
    result = world.run("redact", _file(story), "--out", out, as_="p.publisher")
    assert result.code == 0, result.output
    story["redacted"], story["redaction"] = out, result.stdout


@when("CI checks the website")
def ci_checks(world: World, story: dict[str, object]) -> None:
    site = _path(story, "site")
    world.last = None
    from tests.support import run_approval

    world.last = run_approval("check", ".", cwd=site, env={"APPROVAL_LEDGER": str(world.ledger)})


@when("the privacy officer and the senior official approve the workbook")
def approve_workbook(world: World, story: dict[str, object]) -> None:
    _approve(world, _file(story))


@when("the publisher replaces the workbook by its redacted version")
def replace_by_redacted(world: World, story: dict[str, object]) -> None:
    out = world.root / "public.xlsx"
    result = world.run("redact", _file(story), "--out", out)
    assert result.code == 0, result.output
    shutil.move(out, _file(story))


@when("the pre-commit hook runs")
def pre_commit(world: World, story: dict[str, object]) -> None:
    world.last = run_approval(
        "check", "--staged", cwd=_path(story, "site"), env={"APPROVAL_LEDGER": str(world.ledger)}
    )


@when("the clean file is staged")
def stage_clean(story: dict[str, object]) -> None:
    _git(_path(story, "site"), "add", "data/detention-stats.xlsx")


# -- then -----------------------------------------------------------------------------------


@then("the export succeeds")
def succeeds(world: World, story: dict[str, object]) -> None:
    last = _world(world, story).last
    assert last is not None and last.code == 0, last and last.output


@then("the export is refused")
def refused(world: World, story: dict[str, object]) -> None:
    last = _world(world, story).last
    assert last is not None
    assert last.code == 1, last.output
    assert "export refused" in last.stdout
    assert "Traceback" not in last.output


def _next_steps(world: World) -> list[str]:
    assert world.last is not None
    lines = world.last.stdout.splitlines()
    return [line.strip()[2:] for line in lines if line.strip().startswith("$ ")]


@then(
    "the next step it prints is a new request, because the approvals were made under the "
    "earlier policy"
)
def next_is_a_request(world: World, story: dict[str, object]) -> None:
    (step,) = _next_steps(world)
    assert step.startswith(f"approval request {_file(story)} --purpose")
    assert step.endswith("was made under an earlier policy")


@then("the next step it prints is to withdraw the rejection, by its official or an admin")
def next_is_a_revocation(world: World) -> None:
    revoke = _next_steps(world)[0]
    assert revoke.startswith("approval revoke ")
    assert revoke.endswith("# by s.senior or an admin who did not request it")


@then("it prints no command to sign")
def no_sign(world: World) -> None:
    assert not [step for step in _next_steps(world) if step.startswith("approval sign")]


@then("the export fails with one line saying it is a named pipe")
def fails_on_pipe(world: World) -> None:
    assert world.last is not None
    assert world.last.code == 2, world.last.output
    first = world.last.stderr.splitlines()[0]
    assert first.startswith("error: ") and "is a named pipe" in first
    assert "Traceback" not in world.last.output


@then("the export fails with one line saying the destination is inside the ledger")
def fails_into_ledger(world: World) -> None:
    assert world.last is not None
    assert world.last.code == 2, world.last.output
    (first,) = world.last.stderr.strip().splitlines()[:1]
    assert first.startswith("error: ") and "is inside the ledger" in first
    assert "Traceback" not in world.last.output


@then(parsers.parse("the {command} fails with one line saying its name holds protected data"))
def fails_on_name(world: World, command: str) -> None:
    assert world.last is not None
    assert world.last.code == 1, world.last.output
    first = world.last.stderr.splitlines()[0]
    assert first.startswith("error: ") and "its name holds protected data" in first
    assert "rename it" in first
    assert "Traceback" not in world.last.output


@then(parsers.parse('the error names no one: not "{a}", "{b}" or "{c}"'))
def names_no_one(world: World, a: str, b: str, c: str) -> None:
    assert world.last is not None
    assert "[redacted]" in world.last.stderr
    for word in (a, b, c):
        assert word not in world.last.output


@then("the website holds no file")
def no_file(story: dict[str, object]) -> None:
    assert [p for p in _www(story).rglob("*") if not p.is_dir()] == []


@then("the ledger records no redaction")
def no_redaction(world: World) -> None:
    from approval.ledger.session import load

    with load(world.ledger) as session:
        assert [r for r in session.state.records() if type(r).__name__ == "Redaction"] == []


@then(parsers.parse('the website\'s "{name}" is a byte-identical copy'))
def identical_as(story: dict[str, object], name: str) -> None:
    assert (_www(story) / name).read_bytes() == _file(story).read_bytes()


@then("the ledger is as it was before the export")
def ledger_unchanged(world: World, story: dict[str, object]) -> None:
    refs = world.ledger / "refs" / "heads" / "ledger"
    assert refs.read_bytes() == story["ledger_head"]
    assert sorted(p.name for p in world.ledger.iterdir()) == story["ledger_names"]


@then("the named pipe is still a named pipe")
def still_a_pipe(story: dict[str, object]) -> None:
    assert stat.S_ISFIFO((_www(story) / _file(story).name).lstat().st_mode)


@then(parsers.parse('the ledger records the export of "{name}" to the website\'s "{target}"'))
def export_named(world: World, story: dict[str, object], name: str, target: str) -> None:
    from approval.ledger.session import load

    with load(world.ledger) as session:
        (export,) = [r for r in session.state.records() if type(r).__name__ == "Export"]
        assert export.artifact.name == name  # type: ignore[union-attr]
        assert export.destination == str((_www(story) / target).resolve())  # type: ignore[union-attr]


@then(parsers.parse('nothing in the ledger\'s history holds "{a}", "{b}" or "{c}"'))
def history_holds_none(world: World, a: str, b: str, c: str) -> None:
    log = subprocess.run(
        ["git", "log", "--all", "-p", "--format=%B"], cwd=world.ledger, capture_output=True,
        check=True,
    ).stdout.decode("utf-8", "replace")  # fmt: skip
    assert "export" in log
    for word in (a, b, c):
        assert word not in log


@then("the website holds a byte-identical copy")
def identical(story: dict[str, object]) -> None:
    assert (_www(story) / _file(story).name).read_bytes() == _file(story).read_bytes()


@then("the website holds nothing")
def nothing(story: dict[str, object]) -> None:
    assert list(_www(story).iterdir()) == []


@then("the website still holds yesterday's version")
def still_yesterday(story: dict[str, object]) -> None:
    assert [p.name for p in _www(story).iterdir()] == [_file(story).name]
    assert (_www(story) / _file(story).name).read_bytes() == YESTERDAY


@then("the ledger records no export")
def no_export(world: World) -> None:
    from approval.ledger.session import load

    with load(world.ledger) as session:
        assert [r for r in session.state.records() if type(r).__name__ == "Export"] == []


@then("the ledger records the export, naming no request and no sign-off")
def clean_export_recorded(world: World) -> None:
    from approval.ledger.session import load

    with load(world.ledger) as session:
        exports = [r for r in session.state.records() if type(r).__name__ == "Export"]
    assert [(e.request, e.signoffs) for e in exports] == [(None, ())]  # type: ignore[union-attr]


@then("the ledger records the export, by the publisher, on both sign-offs")
def export_recorded(world: World, story: dict[str, object]) -> None:
    from approval.ledger.session import load

    request = story["request"]
    with load(world.ledger) as session:
        exports = [r for r in session.state.records() if type(r).__name__ == "Export"]
        assert len(exports) == 1
        export = exports[0]
        assert export.signer == "p.publisher"  # type: ignore[union-attr]
        assert export.request == request  # type: ignore[union-attr]
        signers = {session.state.get(s).signer for s in export.signoffs}  # type: ignore[union-attr]
        assert signers == {"o.privacy", "s.senior"}


@then(parsers.parse('it says sign-offs as "{first}" and "{second}" are missing'))
def says_missing(world: World, first: str, second: str) -> None:
    assert world.last is not None
    assert f"{first}  MISSING" in world.last.stdout
    assert f"{second}  MISSING" in world.last.stdout


@then("it prints the command to request approval")
def prints_request(world: World, story: dict[str, object]) -> None:
    assert world.last is not None
    assert f"$ approval request {_file(story)} --purpose" in world.last.stdout
    assert f"--key {world.key('p.publisher').private}" in world.last.stdout


@then(parsers.parse('it says "{text}"'))
def it_says(world: World, story: dict[str, object], text: str) -> None:
    last = _world(world, story).last
    assert last is not None
    assert text in last.output, last.output


@then("the redaction names the hidden sheet it removed and both files' sha256")
def redaction_words(story: dict[str, object]) -> None:
    from approval.detect.scan import scan_file
    from approval.policy import default_policy

    words = str(story["redaction"])
    assert "sheet Sheet2 (hidden), whole" in words
    policy = default_policy()
    assert scan_file(_file(story), policy).sha256 in words
    assert scan_file(_path(story, "redacted"), policy).sha256 in words


@then("the ledger records the redaction")
def redaction_recorded(world: World, story: dict[str, object]) -> None:
    from approval.detect.scan import scan_file
    from approval.ledger.session import load
    from approval.policy import default_policy

    sha = scan_file(_path(story, "redacted"), default_policy()).sha256
    with load(world.ledger) as session:
        (redaction,) = session.state.redactions_for(sha)
        assert redaction.signer == "p.publisher"
        assert redaction.removed == ("sheet Sheet2 (hidden), whole",)


@then("the redacted workbook exports with no approval")
def redacted_exports(world: World, story: dict[str, object]) -> None:
    redacted = _path(story, "redacted")
    result = world.run("export", redacted, "--to", _www(story), as_="p.publisher")
    assert result.code == 0, result.output
    assert "no approval needed" in result.stdout
    assert (_www(story) / redacted.name).read_bytes() == redacted.read_bytes()


@then("the check fails and names the workbook")
def check_fails(world: World) -> None:
    assert world.last is not None
    assert world.last.code == 1, world.last.output
    assert "data/detention-stats.xlsx: BLOCKED" in world.last.stdout


@then("the check passes")
def check_passes(world: World) -> None:
    assert world.last is not None
    assert world.last.code == 0, world.last.output
    assert "0 blocked" in world.last.stdout
