"""``scan_file(identities=True)``: the persons a scan counts, as stable text, for exposure
records; and never in anything a scan shows or records."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import Workbook

from approval.detect import identity
from approval.detect.report import WEAK_KEYS, Tally
from approval.detect.sarif import to_sarif
from approval.detect.scan import scan_file
from approval.policy import Policy
from tests.corpus import spreadsheets as corpus
from tests.corpus.people import people


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def leak(tmp_path_factory: pytest.TempPathFactory) -> corpus.Built:
    """The 2022-shaped workbook: 6,252 persons on a hidden sheet (made once)."""
    return corpus.build_2022_leak(tmp_path_factory.mktemp("leak"), count=6252)


def test_the_leak_sized_workbook_gives_one_identity_per_person(
    leak: corpus.Built, policy: Policy
) -> None:
    report = scan_file(leak.path, policy, identities=True)
    assert report.classes == {"protected-person": 6252}
    assert len(report.identities) == sum(report.classes.values()) == report.persons
    assert set(report.identities) == {p.a_number for p in leak.people}
    assert report.identities_by_class == {"protected-person": report.identities}


def test_a_default_scan_carries_no_identities(leak: corpus.Built, policy: Policy) -> None:
    report = scan_file(leak.path, policy)
    assert report.classes == {"protected-person": 6252}
    assert report.identities == ()
    assert report.identities_by_class == {}


def test_the_same_person_on_two_sheets_is_one_identity(tmp_path: Path, policy: Policy) -> None:
    persons = people(12)
    book = Workbook()
    numbered = book.active
    numbered.title = "Cases"
    numbered.append(["Name", "A-Number", "Date of Birth", "Claim Type"])
    named = book.create_sheet("Follow-up")
    named.append(["Name", "Date of Birth", "Claim Type"])
    for p in persons:
        numbered.append([p.last_first, p.a_number, p.birthdate.isoformat(), "Asylum"])
        named.append([p.last_first, p.birthdate.isoformat(), "Asylum"])
    path = tmp_path / "two-sheets.xlsx"
    book.save(path)

    report = scan_file(path, policy, identities=True)
    assert report.classes == {"protected-person": 12}
    # Each by its strongest identity: the A-number the first sheet links the name to.
    assert sorted(report.identities) == sorted(p.a_number for p in persons)


def test_an_a_number_in_two_spellings_is_one_identity(tmp_path: Path, policy: Policy) -> None:
    path = _csv(
        tmp_path,
        "Name,A-Number,Claim Type\n"
        "Juan Perez,A212345678,Asylum\n"
        "Juan Perez,A-212-345-678,Asylum\n"
        "Ana Diaz,A 087 654 321,Asylum\n",
    )
    report = scan_file(path, policy, identities=True)
    assert report.classes == {"protected-person": 2}
    assert report.identities == ("A087654321", "A212345678")


def test_a_person_named_with_a_birthdate_is_keyed_by_both(tmp_path: Path, policy: Policy) -> None:
    path = _csv(
        tmp_path,
        "Name,Date of Birth,Claim Type\n"
        '"GARCIA, María",04/02/1990,Asylum\n'
        "Maria Garcia,1990-04-02,Asylum\n"
        '"LOPEZ, Ana",1985-11-30,Withholding\n',
    )
    report = scan_file(path, policy, identities=True)
    assert report.classes == {"protected-person": 2}
    assert report.identities == ("N:ana lopez|B:1985-11-30", "N:garcia maria|B:1990-04-02")
    assert report.identities[1] == identity.name("Maria GARCIA", "1990-04-02")


def test_identities_never_reach_a_report(leak: corpus.Built, policy: Policy) -> None:
    report = scan_file(leak.path, policy, identities=True)
    assert len(report.identities) == 6252
    shown = "\n".join(
        [
            json.dumps(report.to_dict()),
            json.dumps(report.summary()),
            json.dumps(to_sarif([report], policy)),
            repr(report),
        ]
    )
    digits = {text[1:] for text in report.identities}
    assert not any(text in shown for text in report.identities)
    assert not any(d in shown for d in digits)
    assert "identities" not in shown


def test_a_tally_gives_each_person_once_by_the_strongest_key_in_the_strictest_class() -> None:
    tally = Tally(["protected-person", "personal-data"], identities=True)
    names = tally.names
    assert names is not None
    ana, bo = WEAK_KEYS + 1, WEAK_KEYS + 2
    names.update({ana: identity.name("Ana Diaz", "1985-03-04"), bo: identity.name("Bo Li")})
    tally.add_person("personal-data", [ana])  # by name and birthdate only, on one sheet
    tally.add_person("protected-person", [212_345_678, ana])  # with her A-number on another
    tally.add_person("personal-data", [bo])
    tally.add_persons("personal-data", [12_345_678])
    assert tally.classes() == {"protected-person": 1, "personal-data": 2}
    assert tally.identities() == {
        "protected-person": ("A212345678",),
        "personal-data": ("A012345678", "N:bo li"),
    }
    assert Tally(["protected-person"]).identities() == {}


def test_a_tally_collecting_identities_gives_each_person_all_their_linked_keys() -> None:
    tally = Tally(["protected-person"], identities=True)
    names = tally.names
    assert names is not None
    dated, placed, bare = WEAK_KEYS + 1, WEAK_KEYS + 2, WEAK_KEYS + 3
    names.update(
        {
            dated: identity.name("Ana Diaz", "1985-03-04"),
            placed: identity.name("Ana Diaz", facility="Otay Mesa"),
            bare: identity.name("Ana Diaz"),
        }
    )
    tally.add_person("protected-person", [212_345_678, dated, placed, bare])
    tally.add_person("protected-person", [12_345_678])
    assert tally.identity_groups() == {
        "protected-person": (
            ("A012345678",),
            ("A212345678", "N:ana diaz|B:1985-03-04", "N:ana diaz|F:otay mesa"),
        )
    }
    assert tally.identities() == {"protected-person": ("A012345678", "A212345678")}
    assert tally.classes() == {"protected-person": 2}


def test_a_scan_links_a_numbers_to_names_with_birthdates(tmp_path: Path, policy: Policy) -> None:
    """A workbook past the alias budget of a default scan: every person still has their
    name-with-birthdate key when identities are collected."""
    from approval.demo.synthetic import detention_workbook
    from approval.demo.synthetic import people as synthetic_people

    path = tmp_path / "stats.xlsx"
    detention_workbook(path, count=6000)
    report = scan_file(path, policy, identities=True)
    assert [g[0] for g in report.identity_groups] == list(report.identities)
    assert len(report.identity_groups) == 6000
    dated = {
        p.a_number: identity.name(p.name, p.birthdate.isoformat()) for p in synthetic_people(6000)
    }
    # A name and birthdate two persons share links to neither (synthetic names repeat).
    shared = {k for k, n in Counter(dated.values()).items() if n > 1}
    assert all(dated[g[0]] in g[1:] or dated[g[0]] in shared for g in report.identity_groups)
    assert sum(dated[g[0]] in g[1:] for g in report.identity_groups) > 5900
    assert not any("|" not in k for g in report.identity_groups for k in g[1:])
    assert scan_file(path, policy).identity_groups == ()
