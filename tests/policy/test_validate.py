"""Each semantic check, on an edited copy of the shipped policy or roster."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from approval.errors import ProblemsError
from approval.policy import load_policy, load_roster, read_document
from tests.policy.conftest import POLICY, ROSTER

Edit = Callable[[Path, str, str], Path]


def problems_of(call: Callable[[], object]) -> list[str]:
    with pytest.raises(ProblemsError) as caught:
        call()
    return caught.value.problems


def test_shipped_policy_and_roster_are_valid() -> None:
    policy = load_policy(POLICY, ROSTER)
    roster = load_roster(ROSTER)
    assert policy.id == "8cfr208.6"
    assert [c.id for c in policy.classes] == ["protected-person", "personal-data"]
    assert policy.unscannable_as == "protected-person"
    assert roster.admin_threshold == 2
    assert {o.id for o in roster.holders("admin")} == {"a.chen", "d.patel"}


def test_unknown_role_is_named_with_file_line_and_path(edited: Edit) -> None:
    bad = edited(POLICY, "      - role: senior-official", "      - role: senior-oficial")
    (problem,) = problems_of(lambda: load_policy(bad))
    line = next(
        n for n, text in enumerate(bad.read_text().splitlines(), 1) if "senior-oficial" in text
    )
    assert problem == (
        f"{bad}:{line}:9: rules[0].require[1].role: "
        "'senior-oficial' is not a role defined in the roster or policy"
    )


def test_schema_problem_names_the_path(edited: Edit) -> None:
    bad = edited(POLICY, "valid_days: 30", "valid_days: thirty")
    (problem,) = problems_of(lambda: load_policy(bad))
    assert "rules[0].valid_days: 'thirty' is not of type 'integer'" in problem


def test_unknown_property_lists_the_allowed_ones(edited: Edit) -> None:
    bad = edited(POLICY, "    distinct_signers: true", "    distinct_signer: true")
    (problem,) = problems_of(lambda: load_policy(bad))
    assert "rules[0]: Additional properties are not allowed ('distinct_signer'" in problem
    assert "allowed: applies_to, cite, distinct_signers" in problem


def test_every_problem_is_listed_not_just_the_first(edited: Edit, tmp_path: Path) -> None:
    text = POLICY.read_text().replace("role: senior-official", "role: nobody")
    text = text.replace("applies_to: [personal-data]", "applies_to: [persnal-data]")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    problems = problems_of(lambda: load_policy(bad))
    assert len(problems) == 3  # unknown role, unknown class, personal-data left without a rule
    assert any("'persnal-data' is not a data class" in p for p in problems)
    assert any("no rule applies to data class 'personal-data'" in p for p in problems)


def test_duplicate_ids_are_refused(edited: Edit) -> None:
    bad = edited(POLICY, "  - id: personal-data-release", "  - id: protected-person-release")
    problems = problems_of(lambda: load_policy(bad))
    assert any("duplicate rule id 'protected-person-release' (first at line" in p for p in problems)


def test_threshold_the_roster_cannot_meet(edited: Edit) -> None:
    # Only a.chen is privacy-officer and senior-official: two distinct signers are impossible.
    roster = edited(ROSTER, "roles: [senior-official]", "roles: [publisher]")
    text = roster.read_text().replace(
        "roles: [privacy-officer, admin]", "roles: [privacy-officer, senior-official, admin]"
    )
    text = text.replace("roles: [privacy-officer]\n", "roles: [publisher]\n")
    roster.write_text(text)
    problems = problems_of(lambda: load_policy(POLICY, roster))
    assert len(problems) == 1
    assert (
        "rules[0].require: needs 2 distinct officials (privacy-officer, senior-official)"
        in (problems[0])
    )
    assert "can fill only 1" in problems[0]


def test_a_role_nobody_holds(edited: Edit) -> None:
    roster = edited(ROSTER, "roles: [senior-official]", "roles: [publisher]")
    problems = problems_of(lambda: load_policy(POLICY, roster))
    assert problems[0].endswith("holds the role 'senior-official'")


def test_roster_role_unknown_to_the_policy(edited: Edit) -> None:
    roster = edited(ROSTER, "roles: [publisher]", "roles: [publsher]")
    problems = problems_of(lambda: load_policy(POLICY, roster))
    assert any("roles[0]: 'publsher' is not a role defined in the policy" in p for p in problems)


def test_admin_threshold_above_the_admins(edited: Edit) -> None:
    roster = edited(ROSTER, "threshold: 2", "threshold: 3")
    (problem,) = problems_of(lambda: load_roster(roster))
    assert "admins.threshold: 3 admin signatures needed but only 2 officials hold" in problem


def test_key_that_does_not_parse(edited: Edit) -> None:
    roster = edited(ROSTER, "AAAAC3NzaC1lZDI1NTE5AAAAIK57", "AAAAC3NzaC1lZDI1NTE5AAAAIK58")
    roster.write_text(roster.read_text().replace("wVKS a.chen", "wVK a.chen"))
    (problem,) = problems_of(lambda: load_roster(roster))
    assert "officials[0].keys[0]: not a valid OpenSSH public key" in problem


def test_key_shared_by_two_officials(edited: Edit, tmp_path: Path) -> None:
    text = ROSTER.read_text()
    chen_key = text.split('keys: ["', 1)[1].split('"', 1)[0]
    okafor_key = text.split('keys: ["', 2)[2].split('"', 1)[0]
    bad = tmp_path / "roster.yaml"
    bad.write_text(text.replace(okafor_key, chen_key))
    (problem,) = problems_of(lambda: load_roster(bad))
    assert "officials[1].keys[0]: this key also belongs to 'a.chen'" in problem


def test_validity_window_must_be_ordered(edited: Edit) -> None:
    roster = edited(
        ROSTER, "valid_from: 2026-01-01", "valid_from: 2026-01-01\n    valid_until: 2025-12-31"
    )
    (problem,) = problems_of(lambda: load_roster(roster))
    assert "valid_until 2025-12-31 is not after valid_from 2026-01-01" in problem


def test_a_date_that_is_not_a_date(edited: Edit) -> None:
    roster = edited(ROSTER, "valid_until: 2027-06-30", "valid_until: next june")
    (problem,) = problems_of(lambda: load_roster(roster))
    assert "officials[0].valid_until: 'next june' is not a date (expected YYYY-MM-DD)" in problem


def test_duplicate_official_ids(edited: Edit) -> None:
    roster = edited(ROSTER, "id: b.okafor", "id: a.chen")
    problems = problems_of(lambda: load_roster(roster))
    assert any("duplicate official id 'a.chen'" in p for p in problems)


def test_a_list_at_the_top_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "x.yaml"
    bad.write_text("- 1\n- 2\n")
    (problem,) = problems_of(lambda: load_policy(bad))
    assert problem == f"{bad}:1:1: a policy must be a mapping at the top"


def test_read_document_refuses_binary_and_huge(tmp_path: Path) -> None:
    # Problems of the file's content, at a place, so that `policy check` goes on to the next.
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"a: 1\nb: \xff\xfe\x00garbage")
    (problem,) = problems_of(lambda: read_document(binary))
    assert problem == f"{binary}:2:4: not UTF-8 text (byte 8)"
    huge = tmp_path / "h.yaml"
    huge.write_bytes(b"a: 1\n" * 300_000)
    (problem,) = problems_of(lambda: read_document(huge))
    assert problem.startswith(f"{huge}:1:1: 1500000 bytes is too large for a policy or roster")


# -- every problem in one run, and never a crash on a malformed part ---------------------------


def test_an_impossible_date_is_a_problem_at_its_line(edited: Edit) -> None:
    roster = edited(ROSTER, "valid_until: 2027-06-30", "valid_until: 2026-02-30")
    (problem,) = problems_of(lambda: load_roster(roster))
    assert problem == (
        f"{roster}:12:5: officials[0].valid_until: '2026-02-30' is not a real date "
        "(day is out of range for month)"
    )


def test_impossible_dates_do_not_hide_the_other_problems(edited: Edit) -> None:
    roster = edited(
        ROSTER, "valid_from: 2026-01-01", "valid_from: 2026-13-01\n    valid_until: 2026-02-29"
    )
    roster.write_text(roster.read_text().replace("threshold: 2", "threshold: 3"))
    problems = problems_of(lambda: load_roster(roster))
    assert len(problems) == 3, problems
    assert "valid_from: '2026-13-01' is not a real date (month must be in 1..12)" in problems[0]
    assert "valid_until: '2026-02-29' is not a real date (day is out of range" in problems[1]
    assert "admins.threshold: 3 admin signatures needed but only 2 officials" in problems[2]


def test_the_last_day_of_time_is_a_valid_until(edited: Edit) -> None:
    roster = edited(ROSTER, "valid_until: 2027-06-30", "valid_until: 9999-12-31")
    chen = load_roster(roster).official("a.chen")
    assert chen is not None and chen.valid_until is not None
    assert chen.valid_until.year == 9999


def test_schema_and_semantic_problems_are_listed_together(edited: Edit) -> None:
    """Issue 2: every problem in one run. A schema error does not hide an unknown role."""
    bad = edited(POLICY, "\nversion: 1\n", '\nversion: "one"\n')
    text = bad.read_text().replace("role: senior-official", "role: senior-oficial", 1)
    bad.write_text(text.replace("valid_days: 30", "valid_days: -1", 1))
    problems = problems_of(lambda: load_policy(bad, ROSTER))
    assert [p.split(": ", 1)[1] for p in problems] == [
        "rules[0].valid_days: -1 is less than the minimum of 1",
        "version: 'one' is not of type 'integer'",
        "rules[0].require[1].role: 'senior-oficial' is not a role defined in the roster or policy",
    ]


def test_a_problem_is_reported_once_even_if_schema_and_semantics_both_see_it(
    edited: Edit,
) -> None:
    roster = edited(ROSTER, "valid_until: 2027-06-30", "valid_until: next june")
    roster.write_text(roster.read_text().replace('keys: ["ssh-ed25519 ', 'keys: ["ssh-dss ', 1))
    problems = problems_of(lambda: load_roster(roster))
    assert len(problems) == 2, problems
    assert "officials[0].keys[0]: not an OpenSSH public key line" in problems[0]
    assert "officials[0].valid_until: 'next june' is not a date" in problems[1]


def test_a_huge_sign_off_count_is_refused_without_building_it(edited: Edit) -> None:
    bad = edited(
        POLICY,
        "      - role: senior-official",
        "      - role: senior-official\n        count: 1000000000000",
    )
    (problem,) = problems_of(lambda: load_policy(bad, ROSTER))
    assert problem.endswith(
        f"rules[0].require: needs 1000000000001 distinct officials but the roster {ROSTER} "
        "has only 5 officials"
    )


WEIRD: tuple[object, ...] = (None, True, 0, -1, "x", [], {}, [[1]], {"id": ["a"]}, [{"role": 5}])


def _paths(
    data: object, items: int, path: tuple[str | int, ...] = ()
) -> list[tuple[str | int, ...]]:
    """Every path in a document, but only the first ``items`` of each list (the others have
    the same shape) so that the table stays a few hundred rows."""
    paths = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            paths += _paths(value, items, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data[:items]):
            paths += _paths(value, items, (*path, index))
    return paths


def _replaced(data: object, path: tuple[str | int, ...], value: object) -> object:
    import copy

    out = copy.deepcopy(data)
    target = out
    for part in path[:-1]:
        target = target[part]  # type: ignore[index]
    target[path[-1]] = value  # type: ignore[index]
    return out


@pytest.mark.parametrize("kind", ["policy", "roster"])
def test_any_malformed_part_is_a_problem_never_a_crash(kind: str) -> None:
    """Semantic checks run beside the schema's: each must skip what is not well-formed."""
    from approval.policy import document_from_data, parse_policy, parse_roster

    source = read_document(POLICY if kind == "policy" else ROSTER)
    roster = read_document(ROSTER)
    paths = [p for p in _paths(source.data, 2 if kind == "policy" else 5) if p]
    assert len(paths) > 40
    for path in paths:
        for value in WEIRD:
            doc = document_from_data(_replaced(source.data, path, value), "f.yaml")
            try:
                if kind == "policy":
                    parse_policy(doc, roster)
                else:
                    parse_roster(doc)
            except ProblemsError as e:
                assert e.problems, (path, value)
