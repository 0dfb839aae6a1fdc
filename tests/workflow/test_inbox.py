"""``approval inbox``: what waits for an official's sign-off, from the real CLI on a real ledger.

Listed only what the official could sign now; exit 1 when something waits, 0 when nothing does.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from approval.demo.synthetic import detention_workbook
from tests.support import CliResult, KeyMaker
from tests.world import World


def workbook(world: World, name: str, count: int) -> Path:
    path = world.root / name
    detention_workbook(path, count=count)
    return path


def inbox(world: World, official: str | None, *args: str) -> CliResult:
    """``approval inbox`` as ``official`` (by the .pub of their key), JSON."""
    key: list[str | Path] = ["--key", world.key(official).public_path] if official else []
    return world.run("inbox", *key, "--format", "json", *args)


def waiting(result: CliResult) -> list[str]:
    document = json.loads(result.stdout)
    assert document["schema"] == "approval/inbox/v1"
    return [item["id"] for item in document["waiting"]]


def test_a_request_waits_for_each_role_it_misses_until_signed(world: World) -> None:
    first = world.request(workbook(world, "a.xlsx", 30))
    second = world.request(workbook(world, "b.xlsx", 31))
    result = inbox(world, "o.privacy")
    assert result.code == 1, result.output
    assert waiting(result) == [first, second]  # oldest first
    item = json.loads(result.stdout)["waiting"][0]
    assert item["mine"] == ["privacy-officer"]
    assert set(item["missing"]) == {"privacy-officer", "senior-official"}
    assert item["persons"] == 30 and item["file"] == "a.xlsx"
    assert item["hidden"] and item["purpose"] == "FY2022 statistics"
    assert world.sign(first, "o.privacy").code == 0
    assert waiting(inbox(world, "o.privacy")) == [second]
    senior = json.loads(inbox(world, "s.senior").stdout)["waiting"]
    assert [(i["id"], i["missing"]) for i in senior] == [
        (first, ["senior-official"]),
        (second, ["privacy-officer", "senior-official"]),
    ]
    assert world.sign(first, "s.senior").code == 0
    assert world.sign(second, "o.privacy").code == 0
    assert world.sign(second, "s.senior").code == 0
    done = inbox(world, "o.privacy")
    assert (done.code, waiting(done)) == (0, [])


def test_what_can_no_longer_be_signed_is_not_listed(world: World) -> None:
    own = world.request(workbook(world, "own.xlsx", 32), as_="q.publisher")
    refused = world.request(workbook(world, "refused.xlsx", 33))
    withdrawn = world.request(workbook(world, "withdrawn.xlsx", 34))
    assert world.sign(refused, "s.senior", "--reject", "--comment", "names visible").code == 0
    revoked = world.run("revoke", withdrawn, "--reason", "wrong file", as_="p.publisher")
    assert revoked.code == 0, revoked.output
    # q.publisher holds privacy-officer, but made `own`; o.privacy may sign it.
    assert waiting(inbox(world, "q.publisher")) == []
    assert waiting(inbox(world, "o.privacy")) == [own]
    everyone = inbox(world, None, "--all")
    assert everyone.code == 1 and waiting(everyone) == [own]


def test_text_output_and_the_key_from_the_environment(world: World) -> None:
    request = world.request(workbook(world, "a.xlsx", 30))
    from tests.support import run_approval

    result = run_approval(
        "inbox",
        cwd=world.root,
        env={
            "APPROVAL_LEDGER": str(world.ledger),
            "APPROVAL_KEY": str(world.key("s.senior").private),  # the private file works too
        },
    )
    assert result.code == 1, result.output
    assert result.stdout.startswith("1 request waiting for s.senior (senior-official)")
    assert f"$ approval show {request[:12]}" in result.stdout
    assert "persons:     30 persons" in result.stdout


def test_approvals_expiring(world: World) -> None:
    request = world.request(workbook(world, "a.xlsx", 30))
    for who in ("o.privacy", "s.senior"):
        assert world.sign(request, who).code == 0
    soon = inbox(world, None, "--all", "--expiring", "60")
    assert soon.code == 1, soon.output
    expiring = json.loads(soon.stdout)["expiring"]
    assert [(e["id"], e["signers"], e["exported"]) for e in expiring] == [
        (request, ["o.privacy", "s.senior"], False)
    ]
    later = inbox(world, None, "--all", "--expiring", "7")
    assert later.code == 0 and json.loads(later.stdout)["expiring"] == []


def test_a_key_not_in_the_roster(world: World, make_key: KeyMaker) -> None:
    stranger = make_key("stranger")
    result = world.run("inbox", "--key", stranger.public_path)
    assert result.code == 2
    assert "belongs to no official in the roster in force" in result.stderr
    assert result.stderr.count("\n") <= 2


def test_a_request_whose_approvals_lapsed_is_not_listed(tmp_path: Path, make_key: KeyMaker) -> None:
    world = World(tmp_path, make_key)
    old = workbook(world, "old.xlsx", 35)
    lapsed = world.approved_long_ago(old, days=40)
    fresh = world.request(workbook(world, "new.xlsx", 36))
    everyone = inbox(world, None, "--all")
    assert waiting(everyone) == [fresh]
    assert lapsed not in everyone.stdout


def test_a_damaged_or_stale_candidate_cache_gives_the_same_inbox(world: World) -> None:
    """The kept set of artifacts with live requests is speed only (workflow/inbox.py)."""
    from approval.ledger import Ledger
    from approval.workflow.inbox import CANDIDATES_FILE

    first = world.request(workbook(world, "a.xlsx", 30))
    assert waiting(inbox(world, "o.privacy")) == [first]
    with Ledger.open(world.ledger) as ledger:
        kept = ledger.cache_dir / CANDIDATES_FILE
    assert kept.exists()
    document = json.loads(kept.read_text())
    document["candidates"] = []  # forgets the artifact, digest left as it was
    kept.write_text(json.dumps(document))
    assert waiting(inbox(world, "o.privacy")) == [first]
    kept.write_text("{not json")
    second = world.request(workbook(world, "b.xlsx", 31))
    assert waiting(inbox(world, "o.privacy")) == [first, second]
    kept.unlink()
    assert waiting(inbox(world, "o.privacy")) == [first, second]


# -- the pure core, on plain values (tests/test_state.py's Book) ---------------------------------


def _inbox_of(book: Any, who: str | None, at: datetime, days: int | None = None) -> Any:
    from approval.workflow.inbox import inbox_of

    official = book.state.current.roster.official(who) if who else None
    return inbox_of(book.state, official, at, days)


def test_an_official_with_both_roles_is_asked_once_and_not_to_count_twice() -> None:
    from tests.test_state import T0, new_book

    book = new_book()
    request = book.request()  # by c.ruiz
    at = T0 + timedelta(hours=1)
    found = _inbox_of(book, "f.silva", at)
    assert [(w.request, w.mine) for w in found.waiting] == [
        (request, ("privacy-officer", "senior-official"))
    ]
    book.sign("f.silva", request, "privacy-officer", at)
    # Her approval as senior official would not count: each role needs a distinct official.
    assert _inbox_of(book, "f.silva", at + timedelta(minutes=1)).waiting == ()
    assert [w.mine for w in _inbox_of(book, "b.okafor", at + timedelta(minutes=1)).waiting] == [
        ("senior-official",)
    ]


def test_waiting_items_carry_what_an_official_reads_and_age() -> None:
    from tests.test_state import T0, new_book

    book = new_book()
    request = book.request()
    found = _inbox_of(book, "a.chen", T0 + timedelta(days=3, hours=1))
    (item,) = found.waiting
    assert item.persons == 6252 and item.age.days == 3
    assert item.to_dict()["missing"] == ["privacy-officer", "senior-official"]
    assert found.to_dict()["official"] == "a.chen" and found.expiring is None
    assert _inbox_of(book, "c.ruiz", T0 + timedelta(hours=1)).waiting == ()  # a publisher
    assert request.id in [
        w.request.id for w in _inbox_of(book, None, T0 + timedelta(hours=1)).waiting
    ]


def test_expiry_and_lapse_on_plain_values() -> None:
    from tests.test_state import T0, new_book

    book = new_book()
    request = book.request()
    book.sign("a.chen", request, "privacy-officer", T0 + timedelta(hours=1))
    book.sign("b.okafor", request, "senior-official", T0 + timedelta(hours=2))
    day_25 = T0 + timedelta(days=25)
    assert [e.request for e in _inbox_of(book, None, day_25, 7).expiring] == [request]
    assert _inbox_of(book, None, day_25, 3).expiring == ()
    lapsed = _inbox_of(book, None, T0 + timedelta(days=31), 7)
    assert lapsed.waiting == () and lapsed.expiring == ()
