"""Steps for running an incident from the ledger (issue 16): the real CLI, a real ledger, real
keys, the 2022 workbook at full size (6,252 persons).

The scope's search of other exports reads the exposure records each export carries (encrypted to
the privacy officers); the step that checks it (``2 earlier exports that share 103``) depends on
them being recorded by ``approval export``."""

from __future__ import annotations

import csv
import json
import re
import shutil
import stat
import subprocess
from datetime import timedelta
from pathlib import Path

from pytest_bdd import given, parsers, scenarios, then, when

from approval.demo.synthetic import Person, people
from approval.statements import format_time, now
from tests.world import World

scenarios("incident.feature")

FOUND_AT = "https://www.example.gov/detention-statistics"
COLUMNS = ["Name", "A-Number", "DOB", "Nationality", "Facility", "Case Status", "Fear Result"]


def _roster_file(world: World, name: str, persons: list[Person]) -> Path:
    path = world.root / name
    with path.open("w", newline="", encoding="utf-8") as file:
        out = csv.writer(file)
        out.writerow(COLUMNS)
        for p in persons:
            out.writerow(
                [p.name, p.a_number, p.birthdate.isoformat(), p.nationality, p.facility,
                 p.case_status, p.fear_result]
            )  # fmt: skip
    return path


def _ok(world: World, *args: str | Path, as_: str | None = None) -> str:
    result = world.run(*args, as_=as_)
    assert result.code == 0, result.output
    return result.stdout


@given(
    parsers.parse(
        "two earlier approved exports that hold {shared:d} of the same persons between them"
    )
)
def earlier_exports(world: World, story: dict[str, object], shared: int) -> None:
    count = story["count"]
    assert isinstance(count, int)
    leaked = people(count)
    numbers = {p.a_number for p in leaked}
    others = [p for p in people(80, seed=7) if p.a_number not in numbers]
    first, second = 60, shared - 60
    files = [
        _roster_file(world, "hearings-q3.csv", leaked[:first] + others[:20]),
        _roster_file(world, "transfers-q3.csv", leaked[500 : 500 + second] + others[20:40]),
    ]
    site = world.root / "partner"
    site.mkdir()
    for path in files:
        request = world.request(path)
        assert world.sign(request, "o.privacy", "--role", "privacy-officer").code == 0
        assert world.sign(request, "s.senior", "--role", "senior-official").code == 0
        _ok(world, "export", path, "--to", site, as_="p.publisher")
    story["earlier"] = files


@given("the workbook was published outside the gate and found five hours later")
def published(world: World, story: dict[str, object]) -> None:
    workbook = story["file"]
    assert isinstance(workbook, Path)
    www = world.root / "www"
    www.mkdir()
    # Uploaded past the gate: the ledger holds nothing about these bytes.
    shutil.copy(workbook, www / "detention-stats.xlsx")
    found = now() - timedelta(minutes=30)
    story["published"], story["found"] = found - timedelta(hours=5), found
    story["copy"] = www / "detention-stats.xlsx"


@when("the privacy officer opens an incident from the found copy, with where and when it was found")
def open_incident(world: World, story: dict[str, object]) -> None:
    found = story["found"]
    assert isinstance(found, type(now()))
    out = _ok(
        world, "incident", "open", "--file", str(story["copy"]), "--found-at", FOUND_AT,
        "--found-time", format_time(found), as_="o.privacy",
    )  # fmt: skip
    story["incident"] = out.strip().splitlines()[-1]


def _statements(world: World, kind: str) -> list[dict[str, object]]:
    """The statements of ``kind`` as git holds them (what any cloner reads)."""
    listing = subprocess.run(
        ["git", "--git-dir", str(world.ledger), "ls-tree", "-r", "--name-only", "ledger"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    found = []
    for path in listing:
        if f"-{kind}-" in path:
            blob = subprocess.run(
                ["git", "--git-dir", str(world.ledger), "show", f"ledger:{path}"],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            found.append(json.loads(blob)["statement"])
    return found


@then(
    parsers.parse(
        "the incident names the copy by its sha256 and counts {count:d} persons, "
        "and names no person"
    )
)
def incident_named(world: World, story: dict[str, object], count: int) -> None:
    import hashlib

    (statement,) = _statements(world, "incident-open")
    copy = story["copy"]
    assert isinstance(copy, Path)
    assert statement["artifact_sha256"] == hashlib.sha256(copy.read_bytes()).hexdigest()
    assert statement["persons"] == count
    assert statement["source"] == "found" and statement["found_at"] == FOUND_AT
    text = json.dumps(statement)
    for person in people(count)[:50]:
        assert person.a_number not in text and person.a_number[1:] not in text
        assert person.name.split(",")[0] not in text


@when("a publisher tries to scope the incident with their own key")
def publisher_scopes(world: World, story: dict[str, object]) -> None:
    story["refused"] = world.run(
        "incident", "scope", "--file", str(story["copy"]), as_="p.publisher"
    )


@then("it is refused: only a privacy officer scopes an incident")
def publisher_refused(story: dict[str, object]) -> None:
    result = story["refused"]
    assert result.code == 2, result.output  # type: ignore[attr-defined]
    assert "privacy-officer" in result.stderr  # type: ignore[attr-defined]


@when("the privacy officer scopes the incident")
def scope(world: World, story: dict[str, object]) -> None:
    story["scope"] = _ok(
        world, "incident", "scope", "--file", str(story["copy"]), "--format", "json",
        as_="o.privacy",
    )  # fmt: skip


@then(
    parsers.parse(
        "the scope counts {count:d} persons, and {exports:d} earlier exports that share "
        "{shared:d} of them"
    )
)
def scoped(world: World, story: dict[str, object], count: int, exports: int, shared: int) -> None:
    document = json.loads(str(story["scope"]))
    assert document["scope"]["persons"] == count
    # Depends on the exposure records of `approval export` (issue 16, items 1-2).
    assert len(document["scope"]["related"]) == exports, document["scope"]
    assert document["scope"]["shared"] == shared
    (statement,) = _statements(world, "incident-scope")
    assert statement["persons"] == count and statement["shared"] == shared
    text = json.dumps(statement)
    assert all(p.a_number not in text for p in people(count)[:50])


@when(
    parsers.parse(
        "the privacy officer records the take-down {minutes:d} minutes after the copy was found"
    )
)
def taken_down(world: World, story: dict[str, object], minutes: int) -> None:
    found = story["found"]
    assert isinstance(found, type(now()))
    at = format_time(found + timedelta(minutes=minutes))
    _ok(world, "incident", "step", "taken-down", "--at", at, "--text", "removed from the page",
        as_="o.privacy")  # fmt: skip


@when(parsers.parse("the privacy officer records claw-back letters sent to {count:d} downloaders"))
def claw_back(world: World, count: int) -> None:
    _ok(world, "incident", "step", "claw-back-sent", "--count", str(count), as_="o.privacy")


@when("a publisher asks for the list of persons to notify")
def publisher_list(world: World, story: dict[str, object]) -> None:
    out = world.root / "publisher-list.txt"
    story["publisher_list"] = out
    story["refused"] = world.run(
        "incident", "notify-list", "--file", str(story["copy"]), "--out", out, as_="p.publisher"
    )


@then("it is refused, and no list is written")
def list_refused(story: dict[str, object]) -> None:
    result = story["refused"]
    assert result.code == 2, result.output  # type: ignore[attr-defined]
    out = story["publisher_list"]
    assert isinstance(out, Path) and not out.exists()


@when("the privacy officer writes the list of persons to notify")
def notify_list(world: World, story: dict[str, object]) -> None:
    out = world.root / "notify.txt"
    _ok(world, "incident", "notify-list", "--file", str(story["copy"]), "--out", out,
        as_="o.privacy")  # fmt: skip
    story["list"] = out


@then(parsers.parse("the list holds the {count:d} persons, and only its owner can read it"))
def list_written(story: dict[str, object], count: int) -> None:
    out = story["list"]
    assert isinstance(out, Path)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    lines = out.read_text().splitlines()
    assert len(lines) == count
    assert {p.a_number for p in people(count)} == set(lines)


@when("the privacy officer records that the persons were notified")
def notified(world: World, story: dict[str, object]) -> None:
    _ok(world, "incident", "step", "persons-notified", "--count", str(story["count"]),
        as_="o.privacy")  # fmt: skip


@when("the privacy officer closes the incident with a summary")
def close(world: World) -> None:
    _ok(world, "incident", "close", "--summary", "taken down; claw-back letters; all notified",
        as_="o.privacy")  # fmt: skip


@then("nothing more can be recorded on the incident")
def nothing_more(world: World, story: dict[str, object]) -> None:
    result = world.run(
        "incident", "step", "other", str(story["incident"]), "--text", "late", as_="o.privacy"
    )
    assert result.code == 2 and "closed" in result.stderr, result.output


@then(
    parsers.parse(
        "approval audit verifies every statement and shows the incident with time to contain "
        "{contain}"
    )
)
def audited(world: World, story: dict[str, object], contain: str) -> None:
    audit = _ok(world, "audit")
    assert "the ledger is intact" in audit.lower()
    assert f"{contain} after it was found (time to contain)" in audit
    # Found 30 minutes before the scenario's steps ran; notified at their end.
    assert re.search(rf"time to contain {contain}, time to notify 3[0-9] min", audit), audit
    shown = json.loads(_ok(world, "incident", "show", str(story["incident"]), "--format", "json"))
    assert shown["status"] == "closed"
    assert shown["time_to_contain_seconds"] == 12 * 60
    steps = [s["step"] for s in shown["steps"]]
    assert steps == [
        "taken-down", "claw-back-sent", "notify-list-made", "persons-notified",
    ]  # fmt: skip
