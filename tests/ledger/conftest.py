"""Fixtures for the ledger tests: a fresh ledger in a temporary directory, a real signing key,
and stock git to look at (and tamper with) what the ledger wrote."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from approval.ledger import Ledger
from approval.signing import PrivateKey
from approval.statements import Envelope
from tests.conftest import KeyMaker, KeyPair
from tests.ledger.envelopes import load_key, revocation

MakeStatement = Callable[..., Envelope]


@pytest.fixture(scope="session")
def clerk(make_key: KeyMaker) -> KeyPair:
    return make_key("clerk")


@pytest.fixture(scope="session")
def key(clerk: KeyPair) -> PrivateKey:
    return load_key(clerk.private)


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with Ledger.create(tmp_path / "ledger") as created:
        yield created


@pytest.fixture
def statement(key: PrivateKey) -> MakeStatement:
    """``statement(tag, **kw)``: a signed revocation, unique by tag."""

    def make(
        tag: str, *, created: datetime | None = None, seen_head: str | None = None
    ) -> Envelope:
        return revocation(key, tag, created=created, seen_head=seen_head)

    return make


def git(repo: Path, *args: str, input: bytes | None = None, **env: str) -> str:
    """Stock git on ``repo`` (a git directory), as a person would run it."""
    done = subprocess.run(
        ["git", "--git-dir", str(repo), *args],
        input=input,
        capture_output=True,
        check=True,
        env={**os.environ, **env},
    )
    return done.stdout.decode().strip()
