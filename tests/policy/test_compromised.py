"""The roster's ``compromised`` keys (issue 14, key rotation): the model and each check."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from approval.errors import ProblemsError
from approval.policy import load_policy, load_roster
from tests.policy.conftest import POLICY, ROSTER

Edit = Callable[[Path, str, str], Path]
LAST_LINE = "  threshold: 2\n"
CHEN = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK57MhZbvouPVs354SZo2y5kuiaN3kpN7htL/1J3wVKS"


def lost_key() -> str:
    """A real OpenSSH public key line that no official in the example roster holds."""
    public = Ed25519PrivateKey.generate().public_key()
    return public.public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode() + " old-laptop"


def with_compromised(edited: Edit, entries: str) -> Path:
    assert ROSTER.read_text().endswith(LAST_LINE)
    return edited(ROSTER, LAST_LINE, LAST_LINE + "compromised:\n" + entries)


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ProblemsError) as caught:
        load_roster(path)
    return caught.value.problems


def test_a_roster_without_compromised_keys_names_none() -> None:
    roster = load_roster(ROSTER)
    assert roster.compromised == ()
    assert roster.compromised_since(CHEN) is None


def test_a_compromised_key_and_its_time(edited: Edit) -> None:
    key = lost_key()
    path = with_compromised(edited, f'  - key: "{key}"\n    since: 2026-11-30T12:00:00Z\n')
    roster = load_roster(path)
    since = datetime(2026, 11, 30, 12, tzinfo=UTC)
    (compromise,) = roster.compromised
    assert compromise.key == key.rsplit(" ", 1)[0] and compromise.since == since
    # Found whatever the comment, and only from its time on.
    bare = key.rsplit(" ", 1)[0]
    assert roster.compromised_since(bare + " another-comment") == since
    assert roster.compromised_at(bare, since) == since
    assert roster.compromised_at(bare, datetime(2026, 11, 30, 11, 59, 59, tzinfo=UTC)) is None
    # The document is kept as written: it is what the adoption signs.
    assert roster.to_dict()["compromised"] == [{"key": key, "since": "2026-11-30T12:00:00Z"}]
    # A policy is still checked against the roster as before.
    assert load_policy(POLICY, path).version == 1


def test_a_bare_date_means_the_start_of_that_day(edited: Edit) -> None:
    path = with_compromised(edited, f'  - key: "{lost_key()}"\n    since: 2026-11-30\n')
    assert load_roster(path).compromised[0].since == datetime(2026, 11, 30, tzinfo=UTC)


def test_a_key_still_held_by_an_official_cannot_be_compromised(edited: Edit) -> None:
    path = with_compromised(edited, f'  - key: "{CHEN} stolen"\n    since: 2026-11-30\n')
    (problem,) = problems_of(path)
    line = len(path.read_text().splitlines()) - 1
    assert problem == (
        f"{path}:{line}:5: compromised[0].key: this key is named compromised but is still a key "
        "of 'a.chen': remove it from their keys"
    )


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("    since: 2026-02-30\n", "compromised[0].since: '2026-02-30' is not a real date"),
        ("    since: yesterday\n", "compromised[0].since: 'yesterday' is not a date"),
        ("", "compromised[0]: 'since' is a required property"),
        ("    since: 2026-11-30\n    why: lost\n", "Additional properties are not allowed"),
    ],
)
def test_each_wrong_entry_is_a_problem(edited: Edit, entry: str, expected: str) -> None:
    path = with_compromised(edited, f'  - key: "{lost_key()}"\n' + entry)
    problems = problems_of(path)
    assert any(expected in p for p in problems), problems


def test_a_key_that_is_not_an_openssh_key_is_a_problem(edited: Edit) -> None:
    path = with_compromised(edited, '  - key: "ssh-ed25519 AAAA"\n    since: 2026-11-30\n')
    assert any("compromised[0].key: not a valid OpenSSH public key" in p for p in problems_of(path))


def test_the_same_key_named_twice_is_a_problem(edited: Edit) -> None:
    key = lost_key()
    twice = f'  - key: "{key}"\n    since: 2026-11-30\n  - key: "{key}"\n    since: 2026-12-01\n'
    path = with_compromised(edited, twice)
    (problem,) = problems_of(path)
    assert "compromised[1].key: this key is named compromised twice (first at line" in problem
