"""Officials sign the bytes they checked (DESIGN.md invariant 10), not the requester's words.

The attack reproduced: a patched requester's client writes "1 person, nationality, visible
sheet" into the request for a workbook whose hidden sheet lists every person. Each test drives
the real CLI against a real ledger, with the real file in the official's directory, elsewhere,
or given with --file.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from approval.demo.synthetic import detention_workbook
from approval.detect.scan import scan_file
from approval.ledger import Ledger
from approval.policy import default_policy
from approval.statements import now
from approval.trust.summaries import summary_digest
from tests.support import KeyMaker
from tests.world import World

# What the patched client said of the workbook.
LIE: dict[str, Any] = {
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
PERSONS = 12


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    root = tmp_path / "office"
    root.mkdir()
    world = World(root, make_key)
    assert world.init().code == 0
    return world


@pytest.fixture
def workbook(world: World) -> Path:
    path = world.root / "detention-stats.xlsx"
    detention_workbook(path, count=PERSONS)
    return path


def _statements(world: World) -> list[dict[str, Any]]:
    with Ledger.open(world.ledger) as ledger:
        return [entry.envelope.statement for entry in ledger.entries()]


def _adoption(world: World) -> str:
    with Ledger.open(world.ledger) as ledger:
        return next(e.envelope.id for e in ledger.entries() if e.envelope.kind == "adoption")


def _lying_request(world: World, path: Path) -> str:
    """A request as a patched client makes it: the real bytes, a made-up summary."""
    report = scan_file(path, default_policy())
    return world.append_at(
        "request", now(), "p.publisher",
        artifact={"sha256": report.sha256, "size": report.size, "name": path.name},
        policy={"id": "8cfr208.6", "version": 1, "adoption": _adoption(world)},
        purpose="FY2022 statistics", destination="www", scan=LIE,
    )  # fmt: skip


def test_the_review_says_in_red_that_the_request_does_not_describe_the_bytes(
    world: World, workbook: Path
) -> None:
    request = _lying_request(world, workbook)
    shown = world.run("show", request[:12])
    assert shown.code == 1, shown.output
    text = shown.stdout
    assert "the request does NOT describe the bytes; do not approve it" in text
    assert f"protected-person: the request says 1 person, the bytes hold {PERSONS}" in text
    assert "hidden parts: the request names none, the rescan finds sheet Sheet2" in text
    assert "What your rescan of the bytes found" in text


def test_an_approval_of_a_false_description_is_refused_and_a_refusal_recorded(
    world: World, workbook: Path
) -> None:
    request = _lying_request(world, workbook)
    before = _statements(world)
    refused = world.sign(request[:12], "o.privacy")
    assert refused.code == 1
    first = refused.stderr.splitlines()[0]
    assert first.startswith(f"error: request {request[:12]} does not describe its file: ")
    assert "nothing was signed" in first and "Traceback" not in refused.stderr
    assert _statements(world) == before
    rejected = world.sign(request[:12], "s.senior", "--reject", "--comment", "hidden sheet")
    assert rejected.code == 0, rejected.output
    signoff = _statements(world)[-1]
    assert signoff["decision"] == "reject" and signoff["rescanned"] is True


def test_a_sign_off_records_its_rescan_and_the_summary_it_verified(
    world: World, workbook: Path
) -> None:
    request = world.request(workbook)
    signed = world.sign(request[:12], "o.privacy")
    assert signed.code == 0, signed.output
    assert "after a rescan of the bytes (found under" in signed.stdout
    asked, signoff = (s for s in _statements(world) if s["kind"] in ("request", "signoff"))
    assert signoff["rescanned"] is True
    assert signoff["summary_sha256"] == summary_digest(asked["scan"])


def test_without_the_bytes_an_approval_is_refused_with_the_way_to_give_them(
    world: World, workbook: Path, tmp_path: Path
) -> None:
    request = world.request(workbook)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    moved = Path(shutil.move(workbook, elsewhere / workbook.name))
    refused = world.sign(request[:12], "o.privacy")
    assert refused.code == 2
    assert "counts only a sign-off made after a rescan of the bytes" in refused.stderr
    assert f"approval sign {request[:12]} --file PATH" in refused.stderr
    other = tmp_path / "other.xlsx"
    detention_workbook(other, count=2)
    wrong = world.sign(request[:12], "o.privacy", "--file", str(other))
    assert wrong.code == 2 and "is not the file of request" in wrong.stderr
    given = world.sign(request[:12], "o.privacy", "--file", str(moved))
    assert given.code == 0, given.output
    assert "the file given with --file" in given.stdout
    shown = world.run("show", request[:12])
    assert shown.code == 0
    assert "Not rescanned: this screen shows the requester's description only" in shown.stdout


def _signoff(world: World, request: str, who: str, role: str, **extra: Any) -> str:
    sha = next(s for s in _statements(world) if s["kind"] == "request")["artifact"]["sha256"]
    return world.append_at(
        "signoff", now(), who, request=request, artifact_sha256=sha, decision="approve",
        role=role, **extra,
    )  # fmt: skip


def test_approvals_made_without_a_rescan_do_not_count_and_audit_flags_them(
    world: World, workbook: Path
) -> None:
    request = world.request(workbook)
    # An older client, or a patched one: no rescan recorded.
    _signoff(world, request, "o.privacy", "privacy-officer")
    assert world.sign(request[:12], "s.senior").code == 0
    status = world.run("status", str(workbook))
    assert status.code == 1
    assert (
        "o.privacy's approval as privacy-officer does not count: protected-person-release "
        "needs a sign-off made after a rescan of the bytes"
    ) in status.stdout
    audit = world.run("audit")
    assert audit.code == 0, audit.output
    assert "[FLAG: approved without a rescan of the bytes" in audit.stdout
    assert "flagged" in audit.stdout
    flags = json.loads(world.run("audit", "--format", "json").stdout)["flags"]
    assert len(flags) == 1 and "protected-person-release requires one" in flags[0]["flag"]


def test_export_refuses_bytes_that_hold_more_than_was_approved(
    world: World, workbook: Path
) -> None:
    request = _lying_request(world, workbook)
    digest = summary_digest(LIE)
    for who, role in (("o.privacy", "privacy-officer"), ("s.senior", "senior-official")):
        _signoff(world, request, who, role, rescanned=True, summary_sha256=digest)
    site = world.root / "site"
    site.mkdir()
    refused = world.run("export", str(workbook), "--to", str(site), as_="p.publisher")
    assert refused.code == 1, refused.output
    assert f"the file holds more than request {request[:12]} describes" in refused.stdout
    assert f"{PERSONS} persons of protected-person, where the request names 1 person" in (
        " ".join(refused.stdout.split())
    )
    assert list(site.iterdir()) == []
    assert not any(s["kind"] == "export" for s in _statements(world))


def test_a_second_request_for_the_same_bytes_names_the_live_one(
    world: World, workbook: Path
) -> None:
    first = world.request(workbook)
    again = world.run(
        "request", workbook, "--purpose", "FY2022", "--destination", "www", as_="p.publisher"
    )
    assert again.code == 1
    assert f"these bytes already have request {first[:12]} (open" in again.stderr
    assert "--again --reason" in again.stderr
    lone = world.run(
        "request", workbook, "--purpose", "x", "--destination", "www", "--again",
        as_="p.publisher",
    )  # fmt: skip
    assert lone.code == 2 and "--again needs --reason" in lone.stderr
    made = world.run(
        "request", workbook, "--purpose", "FY2022", "--destination", "www", "--again",
        "--reason", "the destination changed", as_="p.publisher",
    )  # fmt: skip
    assert made.code == 0, made.output
    assert _statements(world)[-1]["again"] == "the destination changed"


def test_a_request_withdrawn_or_lapsed_leaves_room_for_a_new_one(
    world: World, workbook: Path
) -> None:
    first = world.request(workbook)
    assert world.run("revoke", first[:12], "--reason", "wrong", as_="p.publisher").code == 0
    second = world.request(workbook)
    assert second != first


def test_review_search_is_bounded_and_says_so(tmp_path: Path) -> None:
    from approval.files import locate

    root = tmp_path / "tree"
    (root / ".git").mkdir(parents=True)
    (root / ".git" / "same").write_bytes(b"x" * 10)  # skipped: inside .git
    (root / "a").mkdir()
    for n in range(40):
        (root / "a" / f"f{n}").write_bytes(b"%010d" % n)  # right size, other bytes
    found = locate.find_by_digest(root, "0" * 64, 10)
    assert found.path is None
    assert f"hashed {locate.MAX_HASHED} files of the right size" in found.note
    target = root / "b" / "c" / "stats.xlsx"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"0123456789")
    sha = locate.sha256_of(target)
    assert locate.find_by_digest(root / "b", sha, 10).path == target
    assert locate.find_by_digest(root / "b", sha, 11).path is None  # only the exact size
    (root / ".git" / "stats.xlsx").write_bytes(b"0123456789")
    assert locate.find_by_digest(root / ".git", sha, 10).path == root / ".git" / "stats.xlsx"


def test_a_sign_off_without_the_new_fields_still_validates_and_replays(
    world: World, workbook: Path
) -> None:
    request = world.request(workbook)
    _signoff(world, request, "o.privacy", "privacy-officer")
    assert world.run("audit").code == 0
