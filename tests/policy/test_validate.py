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
    from approval.errors import UsageError

    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(UsageError, match="not UTF-8 text"):
        read_document(binary)
    huge = tmp_path / "h.yaml"
    huge.write_bytes(b"a: 1\n" * 300_000)
    with pytest.raises(UsageError, match="too large"):
        read_document(huge)
