"""Steps for exposure records: every step drives the real CLI (``approval exposure``) against a
real ledger with keys made by ssh-keygen."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

from pytest_bdd import given, parsers, scenarios, then, when

from approval.demo.synthetic import people
from tests.world import CAST, World

scenarios("exposure.feature")


def _file(story: dict[str, object]) -> Path:
    value = story["file"]
    assert isinstance(value, Path)
    return value


def _export(world: World, story: dict[str, object], directory: str) -> str:
    www = world.root / directory
    www.mkdir()
    done = world.run("export", _file(story), "--to", www, "--format", "json", as_="p.publisher")
    assert done.code == 0, done.output
    statement = json.loads(done.stdout)["statement"]
    assert isinstance(statement, str)
    return statement


def _ask(world: World, who: str, person: str) -> dict[str, Any]:
    done = world.run("exposure", "--person", person, "--format", "json", as_=who)
    assert done.code == 0, done.output
    answer = json.loads(done.stdout)
    assert isinstance(answer, dict)
    return answer


@given("the workbook was requested, approved and exported to the website")
def exported(world: World, story: dict[str, object]) -> None:
    request = world.request(_file(story))
    for who in ("o.privacy", "s.senior"):
        assert world.sign(request, who, "--file", str(_file(story))).code == 0
    story["export"] = _export(world, story, "www")


@when("the privacy officer asks which exports exposed the third person of the workbook")
def officer_asks(world: World, story: dict[str, object]) -> None:
    story["answer"] = _ask(world, "o.privacy", people(12)[2].a_number)


@when("the publisher asks which exports exposed the third person of the workbook")
def publisher_asks(world: World, story: dict[str, object]) -> None:
    story["done"] = world.run("exposure", "--person", people(12)[2].a_number, as_="p.publisher")


@when(parsers.parse('the privacy officer asks whom the workbook\'s exports exposed, into "{name}"'))
def officer_writes(world: World, story: dict[str, object], name: str) -> None:
    done = world.run(
        "exposure", "--artifact", _file(story), "--out", world.root / name, as_="o.privacy"
    )
    assert done.code == 0, done.output
    story["done"] = done


@when("the admins adopt a roster that adds a new privacy officer and drops another")
def new_roster(world: World) -> None:
    # The officials who approved keep their roles (their sign-offs still count); the new
    # officer n.privacy is added, q.publisher is no longer a privacy officer.
    officials = {o: roles for o, (_, roles) in CAST.items() if o != "q.publisher"}
    officials["n.privacy"] = ("privacy-officer",)
    roster = world.roster(officials, version=2, name="roster-2.yaml")
    done = world.run(
        "policy", "adopt", world.policy(), "--roster", roster,
        "--key", world.key("a.admin").private, "--key", world.key("b.admin").private,
    )  # fmt: skip
    assert done.code == 0, done.output


@when("the workbook is exported again to another directory")
def exported_again(world: World, story: dict[str, object]) -> None:
    story["second"] = _export(world, story, "www-2")


@then("one export is listed, to the website, by the publisher")
def one_export(world: World, story: dict[str, object]) -> None:
    answer = story["answer"]
    assert isinstance(answer, dict)
    exports = answer["exports"]
    assert [e["export"] for e in exports] == [story["export"]]
    assert exports[0]["exporter"] == "p.publisher"
    assert exports[0]["destination"].endswith("/www/detention-stats.xlsx")
    assert (exports[0]["matched"], exports[0]["persons"]) == (1, 12)


@then("it names the sign-offs of the privacy officer and the senior official")
def names_signoffs(story: dict[str, object]) -> None:
    answer = story["answer"]
    assert isinstance(answer, dict)
    signoffs = answer["exports"][0]["signoffs"]
    assert {(s["signer"], s["role"]) for s in signoffs} == {
        ("o.privacy", "privacy-officer"),
        ("s.senior", "senior-official"),
    }


@then(parsers.parse("it says {count:d} persons"))
def says_count(story: dict[str, object], count: int) -> None:
    done = story["done"]
    assert f": {count} persons (" in done.stdout  # type: ignore[attr-defined]


@then(parsers.parse('"{name}" is readable by its owner only and lists the 12 A-numbers'))
def private_file(world: World, name: str) -> None:
    path = world.root / name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # A line per person: the strongest key first, then the others, tab-separated.
    firsts = [line.split("\t")[0] for line in path.read_text().splitlines()]
    assert sorted(firsts) == sorted(p.a_number for p in people(12))


@then(parsers.parse('asking again into "{name}" is refused, and the file is unchanged'))
def refused_again(world: World, story: dict[str, object], name: str) -> None:
    path = world.root / name
    before = path.read_bytes()
    done = world.run("exposure", "--artifact", _file(story), "--out", path, as_="o.privacy")
    assert done.code == 2 and "exists" in done.stderr
    assert path.read_bytes() == before


@then(parsers.parse('it fails with exit 2 and one line "{line}"'))
def fails(story: dict[str, object], line: str) -> None:
    done = story["done"]
    assert done.code == 2  # type: ignore[attr-defined]
    assert line in done.stderr.splitlines()[0]  # type: ignore[attr-defined]
    assert "Traceback" not in done.stderr  # type: ignore[attr-defined]


@then("the line names no person")
def names_no_person(story: dict[str, object]) -> None:
    done = story["done"]
    for person in people(12):
        assert person.a_number not in done.output  # type: ignore[attr-defined]
        assert person.a_number[1:] not in done.output  # type: ignore[attr-defined]


@then("the new privacy officer finds that export, and not the one made before the change")
def new_officer(world: World, story: dict[str, object]) -> None:
    answer = _ask(world, "n.privacy", people(12)[2].a_number)
    assert [e["export"] for e in answer["exports"]] == [story["second"]]
    old = _ask(world, "o.privacy", people(12)[2].a_number)
    assert [e["export"] for e in old["exports"]] == [story["export"], story["second"]]
