"""Fixtures for scanner tests: the default policy and its detectors, built once."""

from __future__ import annotations

import pytest

from approval.detect.classify import Engine
from approval.detect.detectors import Element, build
from approval.policy import Policy, default_policy


@pytest.fixture(scope="session")
def policy() -> Policy:
    return default_policy()


@pytest.fixture(scope="session")
def detectors(policy: Policy) -> dict[str, Element]:
    return build(policy)


@pytest.fixture(scope="session")
def engine(policy: Policy) -> Engine:
    return Engine(policy)
