"""Published paths read as data (``detect.names``), as the ZIP reader reads member names."""

from __future__ import annotations

import pytest

from approval.detect.names import name_holds_data, protected_names
from approval.policy import Policy


@pytest.mark.parametrize(
    ("path", "blocked"),
    [
        ("claims/Maria Garcia A212345678 credible fear interview.txt", True),
        ("asylum/Maria_Garcia.pdf", True),
        ("Stephens_Ruby_A218343183/I-589.pdf", True),
        ("team/Maria Garcia.jpg", False),
        ("stats/2022-detention-book-ins.csv", False),
        ("index.html", False),
    ],
)
def test_a_path_alone(policy: Policy, path: str, blocked: bool) -> None:
    named = name_holds_data(path, policy)
    assert (named is not None) == blocked
    if named is not None:
        assert "[redacted]" in named.path
        assert "Maria" not in named.path and "A21" not in named.path


def test_a_listing_names_the_paths_that_hold_data_and_no_others(policy: Policy) -> None:
    paths = [
        "index.html",
        "claims/Jose Hernandez A212345679 asylum application.txt",
        "stats/aggregates.csv",
    ]
    found = protected_names(paths, policy)
    assert list(found) == [paths[1]]
    assert found[paths[1]].classes == ("protected-person",)
    assert found[paths[1]].reason.startswith("its name holds protected data")


def test_a_listing_of_harmless_names_costs_one_reading(policy: Policy) -> None:
    assert protected_names([f"site/page-{n}.html" for n in range(500)], policy) == {}
