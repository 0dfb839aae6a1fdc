"""Steps for officials who review the bytes they sign (features/review.feature).

Every step drives the real CLI against a real ledger with keys made by ssh-keygen; the one
thing the CLI cannot do, a patched requester's program, is a request signed with the
publisher's real key and a made-up scan summary, appended through the ledger API.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from approval.detect.scan import scan_file
from approval.ledger import Ledger
from approval.policy import default_policy
from approval.statements import now
from approval.trust.summaries import summary_digest
from tests.support import KeyMaker
from tests.world import World

scenarios("review.feature")

ONE_VISIBLE_PERSON: dict[str, Any] = {
    "verdict": "protected",
    "format": "xlsx",
    "classes": {"protected-person": {"records": 1}},
    "findings": [
        {
            "class": "protected-person",
            "detector": "nationality",
            "location": {"sheet": "Sheet1", "column": "B"},
            "count": 1,
        }
    ],
}


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    root = tmp_path / "office"
    root.mkdir()
    return World(root, make_key)


def _statements(world: World) -> list[dict[str, Any]]:
    with Ledger.open(world.ledger) as ledger:
        return [entry.envelope.statement for entry in ledger.entries()]


# -- given ----------------------------------------------------------------------------------


@given("the publisher has requested approval to publish it")
def requested(world: World, story: dict[str, Any]) -> None:
    story["request"] = world.request(story["file"])


@given("a patched program has requested approval, describing it as 1 person on a visible sheet")
def patched_request(world: World, story: dict[str, Any]) -> None:
    report = scan_file(story["file"], default_policy())
    with Ledger.open(world.ledger) as ledger:
        adoption = next(e.envelope.id for e in ledger.entries() if e.envelope.kind == "adoption")
    story["request"] = world.append_at(
        "request", now(), "p.publisher",
        artifact={"sha256": report.sha256, "size": report.size, "name": story["file"].name},
        policy={"id": "8cfr208.6", "version": 1, "adoption": adoption},
        purpose="FY2022 statistics", destination="www", scan=ONE_VISIBLE_PERSON,
    )  # fmt: skip


@given("two officials' approvals of that request were recorded as if after a rescan")
def approvals_as_if(world: World, story: dict[str, Any]) -> None:
    sha = scan_file(story["file"], default_policy()).sha256
    for who, role in (("o.privacy", "privacy-officer"), ("s.senior", "senior-official")):
        world.append_at(
            "signoff", now(), who, request=story["request"], artifact_sha256=sha,
            decision="approve", role=role, rescanned=True,
            summary_sha256=summary_digest(ONE_VISIBLE_PERSON),
        )  # fmt: skip


@given("the workbook is not in the official's directory")
def moved_away(world: World, story: dict[str, Any]) -> None:
    elsewhere = world.root.parent / "elsewhere"
    elsewhere.mkdir()
    story["file"] = Path(shutil.move(story["file"], elsewhere / story["file"].name))


# -- when -----------------------------------------------------------------------------------


@when(parsers.parse('"{who}" opens the review screen with the file at hand'))
def opens_review(world: World, story: dict[str, Any], who: str) -> None:
    story["screen"] = world.run("show", story["request"][:12], "--file", str(story["file"]))
    story["before"] = _statements(world)


@when(parsers.parse('"{who}" approves the request'))
def approves(world: World, story: dict[str, Any], who: str) -> None:
    story.setdefault("before", _statements(world))
    world.sign(story["request"][:12], who)


@when(parsers.parse('"{who}" refuses the request because "{why}"'))
def refuses(world: World, story: dict[str, Any], who: str, why: str) -> None:
    result = world.sign(story["request"][:12], who, "--reject", "--comment", why)
    assert result.code == 0, result.output


@when("the publisher exports the workbook to the site")
def exports(world: World, story: dict[str, Any]) -> None:
    site = world.root / "site"
    site.mkdir()
    story["site"] = site
    world.run("export", str(story["file"]), "--to", str(site), as_="p.publisher")


@when("the publisher requests approval to publish it again")
def requests_again(world: World, story: dict[str, Any]) -> None:
    world.run(
        "request", story["file"], "--purpose", "FY2022 statistics", "--destination", "www",
        as_="p.publisher",
    )  # fmt: skip


@when("the publisher changes one figure of the workbook and requests approval for it")
def changes_one_figure(world: World, story: dict[str, Any]) -> None:
    from openpyxl import load_workbook

    book = load_workbook(story["file"])
    sheet = book["FY2022 Summary"]
    sheet["B2"] = int(sheet["B2"].value or 0) + 1
    book.save(story["file"])
    story["request"] = world.request(story["file"])


# -- then -----------------------------------------------------------------------------------


@then("the screen says in red that the request does not describe the bytes")
def screen_says_red(story: dict[str, Any]) -> None:
    screen = story["screen"]
    assert screen.code == 1, screen.output
    assert "Rescanned: the request does NOT describe the bytes; do not approve it" in screen.stdout
    assert "hidden parts: the request names none, the rescan finds sheet Sheet2" in screen.stdout


@then(
    parsers.parse(
        "the screen shows the {count:d} persons on the hidden sheet that the rescan found"
    )
)
def screen_shows_persons(story: dict[str, Any], count: int) -> None:
    stdout = story["screen"].stdout
    rescan = stdout[stdout.index("What your rescan of the bytes found") :]
    assert f"protected-person: {count} distinct persons" in rescan
    assert "hidden parts:     sheet Sheet2" in rescan


@then(parsers.parse("the command fails with exit code {code:d}"))
def fails_with(world: World, code: int) -> None:
    assert world.last is not None
    assert world.last.code == code, world.last.output
    assert "Traceback" not in world.last.output


@then(parsers.parse('it says "{text}"'))
def it_says(world: World, text: str) -> None:
    assert world.last is not None
    assert text in " ".join(world.last.output.split()), world.last.output


@then("nothing was signed")
def nothing_signed(world: World, story: dict[str, Any]) -> None:
    assert _statements(world) == story["before"]


@then("the refusal says its official rescanned the bytes")
def refusal_rescanned(world: World) -> None:
    last = _statements(world)[-1]
    assert last["kind"] == "signoff" and last["decision"] == "reject"
    assert last["rescanned"] is True


@then("the approval says its official rescanned the bytes and which description they checked")
def approval_rescanned(world: World) -> None:
    assert world.last is not None and world.last.code == 0, world.last and world.last.output
    request, signoff = (s for s in _statements(world) if s["kind"] in ("request", "signoff"))
    assert signoff["rescanned"] is True
    assert signoff["summary_sha256"] == summary_digest(request["scan"])


@then("the site is empty")
def site_empty(story: dict[str, Any]) -> None:
    assert list(story["site"].iterdir()) == []
