from __future__ import annotations

from datetime import UTC, datetime

import pytest

from approval.policy import UNSCANNABLE, default_policy, default_policy_path, load_roster
from approval.policy.model import key_identity, parse_time
from tests.policy.conftest import POLICY, ROSTER


def test_default_policy_is_the_shipped_file() -> None:
    assert default_policy_path().read_bytes() == POLICY.read_bytes()


def test_rules_for_classes_and_unscannable() -> None:
    policy = default_policy()
    assert [r.id for r in policy.rules_for(["protected-person"])] == ["protected-person-release"]
    assert [r.id for r in policy.rules_for(["personal-data"])] == ["personal-data-release"]
    # Fail closed: an unreadable file needs what a protected-person file needs.
    assert policy.rules_for([UNSCANNABLE]) == policy.rules_for(["protected-person"])
    assert policy.rules_for([]) == ()


def test_protected_person_rule_encodes_the_regulation() -> None:
    rule = default_policy().rules_for(["protected-person"])[0]
    assert rule.roles == ("privacy-officer", "senior-official")
    assert rule.distinct_signers and not rule.requester_may_sign and rule.rejection_blocks
    assert rule.valid_days == 30
    assert rule.cite.startswith("8 CFR 208.6")


def test_identification_alternatives() -> None:
    policy = default_policy()
    protected = policy.data_class("protected-person")
    personal = policy.data_class("personal-data")
    assert protected is not None and personal is not None
    assert protected.identifies({"a-number"}) and protected.context == ("protection-claim",)
    assert not personal.identifies({"person-name"})  # a name alone is not personal data
    assert personal.identifies({"person-name", "birthdate"})


def test_validity_window_covers_the_whole_last_day() -> None:
    roster = load_roster(ROSTER)
    chen = roster.official("a.chen")
    assert chen is not None
    assert chen.valid_at(datetime(2027, 6, 30, 23, 59, tzinfo=UTC))
    assert not chen.valid_at(datetime(2027, 7, 1, tzinfo=UTC))
    patel = roster.official("d.patel")
    assert patel is not None and not patel.valid_at(datetime(2025, 12, 31, tzinfo=UTC))


def test_key_lookup_ignores_the_comment() -> None:
    roster = load_roster(ROSTER)
    chen = roster.official("a.chen")
    assert chen is not None
    bare = key_identity(chen.keys[0])
    assert roster.by_key(bare + " another-comment") == chen
    assert roster.by_key("ssh-ed25519 AAAAnotakey") is None


def test_parse_time() -> None:
    assert parse_time("2026-11-21") == datetime(2026, 11, 21, tzinfo=UTC)
    assert parse_time("2026-11-21", end_of_day=True) == datetime(2026, 11, 22, tzinfo=UTC)
    assert parse_time("2026-11-21T10:00:00+02:00") == datetime(2026, 11, 21, 8, tzinfo=UTC)


@pytest.mark.parametrize(
    "text", ["2026-02-30", "2026-13-01", "next june", "0001-01-01T00:00:00+01:00", ""]
)
def test_parse_time_raises_value_error_for_what_is_not_a_real_time(text: str) -> None:
    with pytest.raises(ValueError):
        parse_time(text)


def test_the_end_of_the_last_day_does_not_overflow() -> None:
    assert parse_time("9999-12-31", end_of_day=True) == datetime.max.replace(tzinfo=UTC)
