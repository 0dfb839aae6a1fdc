"""Files with exact ground truth, for the accuracy harness (tests/detect/test_accuracy.py).

Each topic module (``vocabulary``, ``context``, ``prose``, ``negatives``, ``distinct``,
``legacy``) exports ``CASES``: files made by code, several variants of each situation, each
with the verdict, the class and the number of distinct persons a privacy officer would give
it. The harness scans every case with the bundled policy, computes precision and recall per
class and per detector and the per-file person counts, prints the table, and fails on any
regression from ``tests/detect/accuracy_baseline.json``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROTECTED, PERSONAL = "protected-person", "personal-data"
TOPICS = ("legacy", "vocabulary", "context", "prose", "negatives", "distinct", "heldout")


@dataclass(frozen=True)
class Case:
    """One file and what it truly holds."""

    name: str  # unique, "<topic>/<situation>-<variant>", e.g. "vocabulary/cfi-codes-xlsx-2"
    filename: str  # the file's name when written (its extension matters to nobody but people)
    make: Callable[[Path], None]  # writes the file at the given path
    cls: str | None  # the highest class it holds: PROTECTED, PERSONAL, or None when clean
    persons: int  # distinct persons of that class (0 when clean)
    # Detectors that must fire on it (recall per detector); empty when clean.
    detectors: frozenset[str] = field(default_factory=frozenset)
    # The scan must refuse it as unscannable (an encrypted or corrupt file); cls is then None.
    # Any other case scanned as unscannable is an error of the harness's table.
    unscannable: bool = False

    @property
    def topic(self) -> str:
        return self.name.split("/", 1)[0]


_Make = Callable[[Path], None]


class Topic:
    """The cases of one topic, with persons drawn in turn from one list: no two cases share a
    person unless a case says so (the held-out sets draw from seeds of their own)."""

    def __init__(self, topic: str, persons: Sequence[Any]):
        self.topic = topic
        self._persons = list(persons)
        self._next = 0

    def take(self, count: int) -> list[Any]:
        chosen = self._persons[self._next : self._next + count]
        self._next += count
        return chosen

    def protected(self, name: str, filename: str, make: _Make, persons: int, *d: str) -> Case:
        return Case(f"{self.topic}/{name}", filename, make, PROTECTED, persons, frozenset(d))

    def personal(self, name: str, filename: str, make: _Make, persons: int, *d: str) -> Case:
        return Case(f"{self.topic}/{name}", filename, make, PERSONAL, persons, frozenset(d))

    def clean(self, name: str, filename: str, make: _Make) -> Case:
        return Case(f"{self.topic}/{name}", filename, make, None, 0)


def all_cases() -> list[Case]:
    """Every topic's cases, in a fixed order; a topic module not written yet is skipped."""
    cases: list[Case] = []
    for topic in TOPICS:
        try:
            module = importlib.import_module(f"{__name__}.{topic}")
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{topic}":
                raise
            continue
        cases.extend(module.CASES)
    names = [case.name for case in cases]
    duplicated = {name for name in names if names.count(name) > 1}
    if duplicated:
        raise ValueError(f"accuracy cases named twice: {sorted(duplicated)}")
    return cases
