"""The names of published files as data: ``claims/Maria Garcia A212345678 credible fear
interview.txt`` tells who sought protection whatever the file holds. A web server lists and
serves a file under its path, so a gate over a web root reads each path as the ZIP reader reads
its members' names (``readers.zip``: one line of words per name, ``readers._names``), with the
same detectors, and blocks a file whose own path names a protected person (``approval check``
over a tree, ``approval serve`` before it scans).

Paths are read in two steps, because nearly every listing names nobody: the whole listing at
once, as a ZIP's member names are read (persons named across several paths count, as in an
archive); only when that finds protected data, each path alone, to tell which files to block.
A listing that names persons only across its paths (no single path does) blocks each path of
it, since the web server shows them together in a directory index.

What is reported of a name is redacted (``strings.safe_text``): the report of a file whose
name is the data must not repeat it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from approval.detect.classify import Classifier
from approval.detect.readers._names import name_words
from approval.detect.report import Tally
from approval.detect.scan import engine_for
from approval.detect.strings import safe_text
from approval.detect.units import Text, Where
from approval.policy import Policy

# The part findings name: where in the file the data is (its name, not its content).
NAME_PART = "file name"


@dataclass(frozen=True)
class NamedData:
    """A path whose words hold protected data: the classes found (never the words)."""

    path: str  # redacted, safe to show
    classes: tuple[str, ...]

    @property
    def reason(self) -> str:
        return f"its name holds protected data ({', '.join(self.classes)}): rename it"


def _classes(lines: Sequence[str], policy: Policy) -> tuple[str, ...]:
    tally = Tally((c.id for c in policy.classes), shown=lambda where: where)
    classifier = Classifier(engine_for(policy), tally)
    classifier.unit(Text(Where(part=NAME_PART), list(lines), ""))
    classifier.finish()
    return tuple(sorted(tally.classes()))


def protected_names(paths: Sequence[str], policy: Policy) -> dict[str, NamedData]:
    """The paths (relative, as published) whose words hold data of a class the policy
    protects, each with what was found; empty for nearly every listing, at the cost of one
    classification."""
    lines = [w for w in map(name_words, paths) if w]
    together = _classes(lines, policy) if lines else ()
    if not together:
        return {}
    found = {path: named for path in paths if (named := name_holds_data(path, policy))}
    if found:
        return found
    # Persons named across paths only: shown together, they block together.
    return {path: NamedData(safe_text(path, policy), together) for path in paths}


def name_holds_data(path: str, policy: Policy) -> NamedData | None:
    """``path`` alone, as ``protected_names`` reads each path (the web gate, per request)."""
    line = name_words(path)
    if not line:
        return None
    classes = _classes([line], policy)
    return NamedData(safe_text(path, policy), classes) if classes else None


def spelling_holds_data(spellings: Iterable[str], policy: Policy) -> NamedData | None:
    """The first of the ways one path is spelled (as given, and resolved: a link or a
    relative path can hide the folder that names a person) whose words hold protected data
    (``name_holds_data``), or None; an empty spelling is skipped, a repeated one read once."""
    for path in dict.fromkeys(spellings):
        if path and (named := name_holds_data(path, policy)) is not None:
            return named
    return None
