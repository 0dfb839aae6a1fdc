"""``approval incident`` through the real CLI against a real ledger, and the rules replay keeps
for an incident's statements (statements appended by hand, then ``approval audit``)."""

from __future__ import annotations

import json
import stat
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from approval.demo.synthetic import detention_workbook, people
from approval.statements import format_time, now
from tests.support import KeyMaker
from tests.world import World

COUNT = 40


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    world = World(tmp_path, make_key)
    assert world.init().code == 0
    return world


@pytest.fixture
def found(world: World) -> Path:
    path = world.root / "found-copy.xlsx"
    detention_workbook(path, count=COUNT)
    return path


def _ledger_text(world: World) -> str:
    done = subprocess.run(
        ["git", "--git-dir", str(world.ledger), "log", "-p", "--all", "--format=%B"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_a_privacy_officer_runs_an_incident_from_a_found_copy(world: World, found: Path) -> None:
    found_time = now() - timedelta(hours=2)
    opened = world.run(
        "incident", "open", "--file", found, "--found-at", "https://www.example.gov/stats",
        "--found-time", format_time(found_time), as_="o.privacy",
    )  # fmt: skip
    assert opened.code == 0, opened.output
    incident = opened.stdout.strip().splitlines()[-1]
    assert f"{COUNT} persons" in opened.stdout

    taken = world.run(
        "incident", "step", "taken-down", "--at", format_time(found_time + timedelta(hours=1)),
        as_="o.privacy",
    )  # fmt: skip
    assert taken.code == 0, taken.output
    scoped = world.run("incident", "scope", incident[:12], "--file", found, as_="o.privacy")
    assert scoped.code == 0, scoped.output
    assert f"{COUNT} persons" in scoped.stdout

    out = world.root / "notify.txt"
    listed = world.run("incident", "notify-list", "--file", found, "--out", out, as_="o.privacy")
    assert listed.code == 0, listed.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    lines = out.read_text().splitlines()
    assert len(lines) == COUNT
    assert {p.a_number for p in people(COUNT)} <= set(lines)
    again = world.run("incident", "notify-list", "--file", found, "--out", out, as_="o.privacy")
    assert again.code == 2 and "exists" in again.stderr

    closed = world.run(
        "incident", "close", "--summary", "taken down; letters sent", as_="o.privacy"
    )
    assert closed.code == 0, closed.output
    late = world.run("incident", "step", "other", incident, "--text", "late", as_="o.privacy")
    assert late.code == 2 and "closed" in late.stderr

    shown = world.run("incident", "show", "--format", "json")  # the latest, all closed
    assert shown.code == 0, shown.output
    document = json.loads(shown.stdout)
    assert document["time_to_contain_seconds"] == 3600
    assert document["status"] == "closed"
    assert [s["step"] for s in document["steps"]] == ["taken-down", "notify-list-made"]

    audit = world.run("audit")
    assert audit.code == 0, audit.output
    assert "1 h after it was found (time to contain)" in audit.stdout
    assert "time to contain 1 h" in audit.stdout
    history = world.run("audit", "--artifact", found)
    assert history.code == 0, history.output
    assert f"opened incident {incident[:12]}" in history.stdout
    page = world.root / "audit.html"
    assert world.run("audit", "--html", page).code == 0
    html = page.read_text()
    assert "Incidents" in html and "Time to contain (found to taken down)" in html
    # Stock ssh-keygen verifies the incident's statements too.
    bundle = world.root / "bundle"
    assert world.run("audit", "--export", bundle).code == 0
    assert len(list(bundle.glob("*-incident-*.json"))) == 5  # open, step, scope, list, close
    verified = subprocess.run(["sh", str(bundle / "verify.sh")], capture_output=True, check=False)
    assert verified.returncode == 0, verified.stderr

    # The ledger holds counts and hashes: no A-number, no name from the workbook.
    text = _ledger_text(world)
    for person in people(COUNT)[:10]:
        assert person.a_number not in text
        assert person.name.split(",")[0] not in text


def test_a_publisher_can_neither_open_nor_read_an_incident(world: World, found: Path) -> None:
    refused = world.run("incident", "open", "--file", found, as_="p.publisher")
    assert refused.code == 2
    assert "privacy-officer" in refused.stderr
    assert world.run("incident", "open", "--file", found, as_="o.privacy").code == 0
    out = world.root / "list.txt"
    for args in (
        ("scope", "--file", found),
        ("notify-list", "--file", found, "--out", out),
        ("step", "taken-down"),
    ):
        result = world.run("incident", *args, as_="p.publisher")
        assert result.code == 2, result.output
        assert "privacy-officer" in result.stderr
    assert not out.exists()
    # Bytes found outside the ledger have no exposure record: their persons come from the copy.
    unscoped = world.run("incident", "scope", as_="o.privacy")
    assert unscoped.code == 2 and "no exposure record says" in unscoped.stderr


def test_an_unknown_incident_points_to_the_list_of_incidents(world: World) -> None:
    for ref in ("ab" * 8, "not-an-id"):
        shown = world.run("incident", "show", ref)
        assert shown.code == 2, shown.output
        assert len(shown.stderr.strip().splitlines()) == 2  # the error and its hint
        assert "approval incident list" in shown.stderr
        assert "approval status" not in shown.stderr


def test_open_refuses_bytes_the_ledger_does_not_know_as_an_artifact(world: World) -> None:
    result = world.run("incident", "open", "--artifact", "ab" * 32, as_="o.privacy")
    assert result.code == 2
    assert "holds nothing" in result.stderr


def _by_hand(world: World, kind: str, signer: str, body: dict[str, Any]) -> str:
    """Sign and append a statement now through the ledger API, past the CLI's own checks."""
    from approval.ledger import Ledger
    from approval.ledger.session import new_statement
    from approval.signing import load_private_key, sign_statement
    from approval.statements import Envelope

    with Ledger.open(world.ledger) as ledger:
        statement = new_statement(kind, ledger.head(), now(), signer=signer, **body)
        key = load_private_key(world.key(signer).private)
        envelope = Envelope(statement, (sign_statement(statement, key, signer),))
        ledger.append(envelope)
    return envelope.id


def _open_by_hand(world: World, signer: str = "o.privacy") -> str:
    return _by_hand(
        world, "incident-open", signer,
        {"artifact_sha256": "cd" * 32, "size": 10, "source": "found",
         "found_time": format_time(now() - timedelta(hours=1))},
    )  # fmt: skip


def test_replay_refuses_an_incident_statement_by_a_publisher(world: World) -> None:
    _open_by_hand(world, "p.publisher")
    audit = world.run("audit")
    assert audit.code == 3
    assert "privacy-officer" in audit.output


def test_replay_refuses_a_step_after_the_close_and_one_on_no_incident(world: World) -> None:
    incident = _open_by_hand(world)
    body = {"incident": incident, "artifact_sha256": "cd" * 32}
    _by_hand(world, "incident-close", "o.privacy", {**body, "summary": "done"})
    assert world.run("audit").code == 0
    _by_hand(
        world, "incident-step", "o.privacy",
        {**body, "step": "other", "taken_at": format_time(now()), "text": "x"},
    )  # fmt: skip
    audit = world.run("audit")
    assert audit.code == 3
    assert "is closed" in audit.output


def test_replay_refuses_a_step_on_an_incident_never_opened(world: World) -> None:
    _by_hand(
        world, "incident-step", "o.privacy",
        {"incident": "ef" * 32, "artifact_sha256": "cd" * 32, "step": "taken-down",
         "taken_at": format_time(now())},
    )  # fmt: skip
    audit = world.run("audit")
    assert audit.code == 3
    assert "has not opened" in audit.output


def test_an_incident_on_an_export_is_scoped_from_its_exposure_records(world: World) -> None:
    path = world.root / "hearings.csv"
    persons = people(12)
    lines = ["Name,A-Number,DOB,Nationality,Facility,Case Status,Fear Result"]
    lines += [
        f'"{p.name}",{p.a_number},{p.birthdate},{p.nationality},{p.facility},'
        f"{p.case_status},{p.fear_result}"
        for p in persons
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    request = world.request(path)
    assert world.sign(request, "o.privacy", "--role", "privacy-officer").code == 0
    assert world.sign(request, "s.senior", "--role", "senior-official").code == 0
    site = world.root / "site"
    site.mkdir()
    assert world.run("export", path, "--to", site, as_="p.publisher").code == 0

    opened = world.run("incident", "open", "--artifact", path, as_="o.privacy")
    assert opened.code == 0, opened.output
    scoped = world.run("incident", "scope", "--format", "json", as_="o.privacy")
    assert scoped.code == 0, scoped.output
    document = json.loads(scoped.stdout)
    assert document["source"] == "ledger"
    assert len(document["scope"]["exports"]) == 1
    assert document["scope"]["persons"] == len(persons)
    (copy,) = document["copies"]
    assert copy["same_bytes"] and copy["ongoing"] and copy["destination"].endswith("hearings.csv")
    listed = world.run("incident", "list")
    assert listed.code == 0 and "open" in listed.stdout


def test_a_found_copy_that_cannot_be_read_is_one_line_not_a_hang(world: World) -> None:
    """A named pipe given as the found copy was read for ever; it is refused at once."""
    import os

    pipe = world.root / "found.csv"
    os.mkfifo(pipe)
    opened = world.run("incident", "open", "--file", pipe, as_="o.privacy")
    assert opened.code == 2, opened.output
    assert "not a regular file" in opened.stderr
    assert "Traceback" not in opened.output
