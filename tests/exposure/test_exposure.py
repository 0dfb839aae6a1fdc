"""``approval exposure``: requests and exports of protected files carry the persons, readable
by the privacy officers alone, and a privacy officer finds every export that exposed a person."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from approval.demo.synthetic import aggregate_csv, detention_workbook, people
from approval.detect import identity
from approval.errors import UsageError
from approval.exposure.sealing import ExposureError
from approval.ledger import Ledger
from approval.ledger.session import load
from approval.signing import load_private_key
from approval.workflow.export import export_file
from approval.workflow.exposure import (
    artifact_exposure,
    index_at,
    persons_exposures,
    read_person_file,
)
from tests.support import KeyMaker
from tests.world import World


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    world = World(tmp_path, make_key)
    assert world.init().code == 0
    return world


def _exported(world: World, count: int, name: str = "stats.xlsx") -> Path:
    source = world.root / name
    detention_workbook(source, count=count)
    request = world.request(source)
    for who in ("o.privacy", "s.senior"):
        assert world.sign(request, who, "--file", str(source)).code == 0
    www = world.root / "www"
    www.mkdir(exist_ok=True)
    done = export_file(world.ledger, source, www, world.key("p.publisher").private, None)
    assert done.exported
    return source


def test_request_and_export_carry_a_record_for_the_privacy_officers(world: World) -> None:
    _exported(world, 5)
    with load(world.ledger) as session:
        ledger = session.ledger
        docs = [e.envelope.statement for e in ledger.entries()]
    sealed = [d for d in docs if d["kind"] in ("request", "export")]
    assert [d["kind"] for d in sealed] == ["request", "export"]
    officers = {world.key(o).public for o in ("o.privacy", "q.publisher")}
    from approval.signing.keys import fingerprint

    for doc in sealed:
        assert doc["exposure"]["count"] == 5
        assert sorted(doc["exposure"]["recipients"]) == sorted(fingerprint(k) for k in officers)


def test_an_officer_finds_the_export_that_exposed_a_person(world: World) -> None:
    _exported(world, 5)
    person = people(5)[2].a_number
    found = persons_exposures(
        world.ledger, [person, "A999999999"], None, world.key("o.privacy").private, None
    )
    assert found.asked == 2 and len(found.hits) == 1
    hit = found.hits[0]
    assert (hit.matched, hit.persons, hit.exporter) == (1, 5, "p.publisher")
    assert {(s.signer, s.role) for s in hit.signoffs} == {
        ("o.privacy", "privacy-officer"),
        ("s.senior", "senior-official"),
    }
    nobody = persons_exposures(
        world.ledger, ["A999999999"], None, world.key("o.privacy").private, None
    )
    assert nobody.hits == ()


def test_a_publishers_key_cannot_read_exposure_records(world: World) -> None:
    _exported(world, 3)
    person = people(3)[0].a_number
    for who in ("p.publisher", "s.senior"):
        with pytest.raises(ExposureError, match="this key cannot read exposure records") as e:
            persons_exposures(world.ledger, [person], None, world.key(who).private, None)
        assert person not in e.value.message
        assert e.value.exit_code == 2


def test_the_persons_of_an_artifact_as_counts_and_a_private_file(world: World) -> None:
    source = _exported(world, 4)
    key = world.key("q.publisher").private
    answer = artifact_exposure(world.ledger, str(source), key, None)
    assert (answer.persons, answer.by_kind, answer.out) == (4, {"a-number": 4}, None)
    out = world.root / "persons.txt"
    artifact_exposure(world.ledger, answer.sha256, key, None, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    # A line per person: the strongest key, then the others the workbook linked to them
    # (a name with a facility only where no other person shares it).
    lines = sorted(line.split("\t") for line in out.read_text().splitlines())
    assert [line[0] for line in lines] == sorted(p.a_number for p in people(4))
    dated = {p.a_number: identity.name(p.name, p.birthdate.isoformat()) for p in people(4)}
    assert all(dated[first] in more for first, *more in lines)
    with pytest.raises(UsageError, match="exists"):
        artifact_exposure(world.ledger, answer.sha256, key, None, out)
    out.write_text("old")
    artifact_exposure(world.ledger, answer.sha256, key, None, out, force=True)
    assert len(out.read_text().splitlines()) == 4


def test_a_person_is_found_by_any_key_the_file_gave_them(world: World) -> None:
    """A workbook with A-numbers, names and birthdates: the record holds each person by all
    three keys, so a person file of names with birthdates finds the export, as A-numbers do,
    and the record still counts persons, not keys (issue 16)."""
    source = _exported(world, 5)
    with load(world.ledger) as session:
        docs = [e.envelope.statement for e in session.ledger.entries()]
    assert [d["exposure"]["count"] for d in docs if d["kind"] in ("request", "export")] == [5, 5]
    key = world.key("o.privacy").private
    asked = people(5)[:2]
    by_name = world.root / "by-name.csv"
    rows = "".join(f'"{p.name}",{p.birthdate.isoformat()}\n' for p in asked)
    by_name.write_text("name,dob\n" + rows)
    found = persons_exposures(world.ledger, [], by_name, key, None)
    assert [(h.artifact_name, h.matched, h.persons) for h in found.hits] == [(source.name, 2, 5)]
    by_number = persons_exposures(world.ledger, [asked[0].a_number], None, key, None)
    assert [(h.export, h.matched) for h in by_number.hits] == [(found.hits[0].export, 1)]
    # The same person by both keys is one person matched, not two.
    both = persons_exposures(world.ledger, [asked[0].a_number], by_name, key, None)
    assert [h.matched for h in both.hits] == [2]
    # A bare name is no key of a person who has a stronger one: it finds nothing.
    bare = world.root / "bare.csv"
    bare.write_text(f'name\n"{asked[0].name}"\n')
    assert persons_exposures(world.ledger, [], bare, key, None).hits == ()


def test_the_index_is_brought_up_to_date_and_a_damaged_one_is_rebuilt(world: World) -> None:
    _exported(world, 3)
    key = world.key("o.privacy").private
    first = people(3)[0].a_number
    assert len(persons_exposures(world.ledger, [first], None, key, None).hits) == 1
    # A second workbook holding the same persons (and more): found through the saved index.
    _exported(world, 6, name="stats-v2.xlsx")
    assert len(persons_exposures(world.ledger, [first], None, key, None).hits) == 2
    with Ledger.open(world.ledger) as ledger:
        for index in ledger.cache_dir.glob("exposure-*.idx"):
            data = bytearray(index.read_bytes())
            data[40] ^= 1
            index.write_bytes(bytes(data))
            assert stat.S_IMODE(index.stat().st_mode) == 0o600
    assert len(persons_exposures(world.ledger, [first], None, key, None).hits) == 2


def test_a_clean_export_is_recorded_without_persons(world: World) -> None:
    source = world.root / "aggregates.csv"
    aggregate_csv(source)
    www = world.root / "www"
    www.mkdir()
    done = export_file(world.ledger, source, www, world.key("p.publisher").private, None)
    assert done.statement is not None
    _exported(world, 2)
    with Ledger.open(world.ledger) as ledger:
        key = load_private_key(world.key("o.privacy").private)
        index = index_at(ledger, ledger.head(), key)
    clean = [e for e in index.exports if e.id == done.statement]
    assert clean and clean[0].record_sha256 is None and clean[0].request is None


def test_a_person_file_is_read_with_loose_headers(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "A-Number,Full Name,Date of Birth\n"
        "A-201-234-567,,\n"
        ',"GARCIA, María",1990-04-02\n'
        ",Maria Garcia,04/02/1990\n"
    )
    assert read_person_file(path) == {"A201234567", "N:garcia maria|B:1990-04-02"}
    bad = tmp_path / "bad.csv"
    bad.write_text("city\nParis\n")
    with pytest.raises(UsageError, match="no a_number or name column"):
        read_person_file(bad)


def test_a_record_that_does_not_match_its_signed_hash_is_an_integrity_failure(
    world: World,
) -> None:
    from datetime import UTC, datetime

    from approval.exposure.record import seal_persons

    with load(world.ledger) as session:
        adoption = session.state.current
    sealed = seal_persons(["A201234567"], [world.key("o.privacy").public]).to_dict()
    sealed["record_sha256"] = "0" * 64  # signed, but not the hash of the bytes beside it
    world.append_at(
        "request",
        datetime.now(UTC).replace(microsecond=0),
        "p.publisher",
        artifact={"sha256": "b" * 64, "size": 10, "name": "stats.xlsx"},
        policy={
            "id": adoption.policy.id,
            "version": adoption.policy.version,
            "adoption": adoption.id,
        },
        purpose="statistics",
        destination="www",
        scan={"verdict": "protected", "format": "xlsx", "classes": {}, "findings": []},
        exposure=sealed,
    )
    # Refused when admitted (every replay, every command), not only when an officer reads it.
    for done in (
        world.run("exposure", "--person", "A201234567", as_="o.privacy"),
        world.run("audit"),
    ):
        assert done.code == 3, done.output
        assert "does not match its sha256" in done.stderr and "A201234567" not in done.output
