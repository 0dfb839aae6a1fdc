"""Fixtures for features/: the same real keys, isolated git and CLI runner as tests/ (see
tests/support.py). pytest finds fixtures by name among this module's globals."""

from tests.conftest import *  # noqa: F403
