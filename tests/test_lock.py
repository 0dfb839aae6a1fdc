"""The committed lock is what pyproject.toml asks for: resolved from today's ranges (the
digest ``make lock`` records), and every pin inside its range."""

from __future__ import annotations

import re

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from requirements import stamp
from tests.support import ROOT

LOCK = ROOT / "requirements" / "lock.txt"
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)", re.M)


def test_the_lock_was_resolved_from_todays_ranges() -> None:
    assert stamp.recorded(LOCK) == stamp.digest(), (
        "pyproject.toml or requirements/build.in changed since the lock was made: run `make lock`"
    )


def test_every_requirement_is_pinned_inside_its_range() -> None:
    pins = {canonicalize_name(name): version for name, version in PIN.findall(LOCK.read_text())}
    for line in stamp.requirements():
        wanted = Requirement(line)
        name = canonicalize_name(wanted.name)
        assert name in pins, f"{wanted.name} is not in the lock"
        assert wanted.specifier.contains(pins[name], prereleases=True), (
            f"{wanted.name}=={pins[name]} is outside {wanted.specifier}"
        )
