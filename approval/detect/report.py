"""The scan of one file: what was found, where, and how many distinct persons per class.

``FileReport.to_dict()`` is the scan JSON that DESIGN.md pins; ``summary()`` is the same without
path, hash or any sample (``$defs/scan_summary`` in the statement schema), which is what the
ledger keeps in a request.

``coverage`` lists every part the readers met (``approval.detect.units.Part``): in the scan JSON
each as ``{"part", "kind", "bytes", "read", "reason"}`` (and ``"blocks"`` for an unread part:
whether it made the file unscannable); in a summary the same entries, every unread part and
the read ones up to ``SUMMARY_PARTS`` (the rest folded into one ``more`` entry that counts
them), so that a request records what was read and the review screen can show it. Part names
come from the file and are redacted by the scan as locations are.

Samples are redacted before they get here: a report is shown to people who may not see the
data.

A finding's ``location`` holds, where they apply: ``part`` (archive member, attachment,
"comments"), ``sheet``, ``column`` (the letter) and ``header``, ``hidden`` (always present for
table columns), ``key`` (a JSON/YAML key path), ``line`` (the first line in prose), and
``context`` ("title", "heading", "introduction", "paragraph") when the finding is the context
that governs the records rather than a value in them. Prose findings add up per part.

Names in a location come from the file and may name a person (a hidden sheet called
``A212345678 Garcia``, an archive member ``asylum/GARCIA, Maria.pdf``): the scan reports them
through ``Tally(shown=...)``, which redacts them (``approval.detect.strings.safe_location``), so
that the text, JSON and SARIF reports and the ledger all show ``[redacted]``. The names as the
file spells them stay in ``Finding.place``, inside the process, for a redactor to find the place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from approval.detect import identity
from approval.detect.persons import KeyStore, Links, ranges
from approval.detect.units import UNREAD, Part

Verdict = Literal["clean", "protected", "unscannable"]
CLEAN: Verdict = "clean"
PROTECTED: Verdict = "protected"
UNSCANNABLE: Verdict = "unscannable"
# A summary lists at most this many read parts (the rest are folded into one entry that counts
# them): a request for an archive of 10,000 members stays small. Unread parts are all listed.
SUMMARY_PARTS = 500
# Person keys from this value up are weaker than an A-number (names; see
# ``approval.detect.detectors.person_name.person_key``); below it, an A-number's digits.
WEAK_KEYS = 1 << 60


@dataclass(frozen=True)
class Finding:
    """One detector's hits in records of one class at one location."""

    cls: str
    detector: str
    location: Mapping[str, Any]  # sheet/column/hidden, part/line, key, ...: safe to show
    count: int
    sample: str  # redacted
    # The location as the file spells it, where names in ``location`` were redacted: to find
    # the place in the file (a redactor), never to show or record.
    place: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)

    def in_file(self) -> Finding:
        """This finding with the location as the file spells it (see ``place``)."""
        return self if self.place is None else replace(self, location=self.place, place=None)

    def to_dict(self, *, sample: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "class": self.cls,
            "detector": self.detector,
            "location": dict(self.location),
            "count": self.count,
        }
        if sample:
            out["sample"] = self.sample
        return out


@dataclass(frozen=True)
class FileReport:
    path: str
    sha256: str
    size: int
    format: str
    verdict: Verdict
    reason: str | None = None  # why a file is unscannable
    # class id -> distinct persons, each in the strictest class any record of theirs is in,
    # counted once across sheets, parts, members and attachments (``Tally``).
    classes: Mapping[str, int] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    # Every part the readers met, in the order met, merged across readers, names made safe.
    coverage: tuple[Part, ...] = ()
    # The persons counted in ``classes`` as stable text (``approval.detect.identity``), only
    # when the scan was asked for them (``scan_file(identities=True)``): each person once, by
    # the strongest identity the file gives them, in the strictest class they are in; sorted,
    # the strictest class's first. As many as ``sum(classes.values())`` (not ``persons``, the
    # largest class's count). Protected data: never in ``to_dict``, ``summary``, a repr or any
    # report; for an exposure record only.
    identities: tuple[str, ...] = field(default=(), compare=False, repr=False)
    # The same per class, in ``classes``' order: ``len(identities_by_class[c]) == classes[c]``.
    identities_by_class: Mapping[str, tuple[str, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # Each person of ``identities``, in its order, with every key the file linked to them:
    # ``identity_groups[i][0] == identities[i]``, then the A-number, name-with-birthdate and
    # name-with-facility keys that records aliased to it (never a bare name: too many share
    # one), sorted. So an exposure record finds a person by any of them (``Tally``).
    identity_groups: tuple[tuple[str, ...], ...] = field(default=(), compare=False, repr=False)

    @property
    def persons(self) -> int:
        """Distinct persons in the first (strictest) class found; 0 when clean."""
        return max(self.classes.values(), default=0)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "sha256": self.sha256,
            "format": self.format,
            "verdict": self.verdict,
        }
        if self.reason is not None:
            out["reason"] = self.reason
        out["classes"] = {c: {"records": n} for c, n in self.classes.items()}
        out["findings"] = [f.to_dict() for f in self.findings]
        out["coverage"] = [part_dict(p) for p in self.coverage]
        return out

    def summary(self) -> dict[str, Any]:
        """What the scan found without any value from the file, for the ledger."""
        out: dict[str, Any] = {"verdict": self.verdict, "format": self.format}
        if self.reason is not None:
            out["reason"] = self.reason
        out["classes"] = {c: {"records": n} for c, n in self.classes.items()}
        out["findings"] = [f.to_dict(sample=False) for f in self.findings]
        out["coverage"] = coverage_summary(self.coverage)
        return out

    @property
    def unread(self) -> tuple[Part, ...]:
        return tuple(p for p in self.coverage if p.read == UNREAD)


def part_dict(part: Part) -> dict[str, Any]:
    """A coverage entry of the scan JSON."""
    out: dict[str, Any] = {
        "part": part.part,
        "kind": part.kind,
        "bytes": part.bytes,
        "read": part.read,
        "reason": part.reason,
    }
    if part.read == UNREAD:
        out["blocks"] = part.blocks
    return out


def coverage_summary(parts: Iterable[Part]) -> list[dict[str, Any]]:
    """A summary's coverage (``$defs/scan_summary.coverage`` in the statement schema): every
    unread part, the read ones up to ``SUMMARY_PARTS``, then one ``more`` entry for the rest."""
    out: list[dict[str, Any]] = []
    more = more_bytes = 0
    for part in parts:
        if part.read == UNREAD or len(out) < SUMMARY_PARTS:
            out.append(part_dict(part))
        else:
            more += 1
            more_bytes += part.bytes
    if more:
        out.append(
            {"part": f"{more} more parts", "kind": "more", "bytes": more_bytes, "read": "parsed",
             "reason": "read; not listed, to keep the request small"}
        )  # fmt: skip
    return out


# Links of weaker identity keys to A-numbers made while nothing but A-numbers has been met in a
# file, at most: past it, a large table of A-numbers costs nothing more (a person named without
# an A-number after that may count twice: more, never fewer).
ALIAS_BUDGET = 10_000
ALIAS_LIMIT = 2_000_000  # memory: past it, persons may count twice (more, never fewer)
_AMBIGUOUS = -1  # an alias that two persons share (a name alone, said of two A-numbers)


class Tally:
    """Accumulates one file's classified records while its units stream past (mutable, and
    private to one scan).

    Distinct persons: each person is counted by the strongest identity key a record gives
    (``add_persons``: the A-number; else the name with the birthdate; else the name with the
    detention facility; else the name). A record that gives several keys of one person links
    the weaker to the stronger (``alias``), so that the same person met elsewhere by a weaker
    key only (a second sheet without A-numbers, a reply that names them by name and birthdate)
    is one person. A weaker key linked to two different persons links to neither. Each person
    counts once, in the strictest class any record of theirs falls in.

    Keys below ``WEAK_KEYS`` are an A-number's digits; the others are salted hashes of a name
    (``classify._name_keys``), whose stable text (``approval.detect.identity``) is noted in
    ``names`` where the key is made, when the scan collects identities."""

    def __init__(
        self,
        classes: Iterable[str],
        shown: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None,
        *,
        identities: bool = False,
        keys: Callable[[], KeyStore] = KeyStore,
    ):
        """``shown`` makes a location safe to show (the scan's: names that identify a person
        redacted); without it locations are reported as they are. ``identities``: note each
        name key's text, for ``identities()`` (None otherwise: a scan pays nothing for it).
        ``keys`` makes the store of one class's keys (tests make small ones, to spill)."""
        self.names: dict[int, str] | None = {} if identities else None
        self._groups: dict[str, tuple[tuple[str, ...], ...]] | None = None
        self.order = tuple(classes)
        self.shown = shown
        # Per class, its persons' keys: exact, in bounded memory (``approval.detect.persons``).
        self.persons: dict[str, KeyStore] = {c: keys() for c in self.order}
        self._keys = keys
        # Compact past its first links: a million names fit.
        self._aliases = Links(limit=ALIAS_LIMIT)
        self._linked = 0  # calls to ``alias``
        self._weak = False  # a person was counted by a key weaker than an A-number
        # (class, detector, location items) -> [count, sample, location]
        self._findings: dict[tuple[Any, ...], list[Any]] = {}

    def add_persons(self, cls: str, keys: Iterable[int]) -> None:
        """Count persons, each by its strongest key."""
        self.persons[cls].update(keys)

    def add_person(self, cls: str, keys: Sequence[int]) -> None:
        """Count one person, by the keys a record gives, strongest first."""
        if not keys:
            return
        self.persons[cls].add(keys[0])
        if keys[0] >= WEAK_KEYS:
            self._weak = True
        for weaker in keys[1:]:
            self.alias(weaker, keys[0])

    def alias(self, weaker: int, stronger: int) -> None:
        """Link a weaker identity key of a person to a stronger one."""
        self._linked += 1
        if weaker == stronger:
            return
        aliases = self._aliases
        known = aliases.setdefault(weaker, stronger)  # ``stronger`` when it was not linked
        if known != stronger and self._resolve(known) != self._resolve(stronger):
            aliases[weaker] = _AMBIGUOUS

    def counted_by_name(self) -> None:
        """Say that persons were counted by keys weaker than an A-number (``add_persons``)."""
        self._weak = True

    def wants_aliases(self) -> bool:
        """Whether a record keyed by its A-number should still link its weaker keys: always
        once a person was counted by a weaker key, or when the scan collects identities (an
        exposure record lists every key of a person), else within ``ALIAS_BUDGET``."""
        return self._weak or self.names is not None or self._linked < ALIAS_BUDGET

    def _resolve(self, key: int) -> int:
        aliases = self._aliases
        for _ in range(4):  # name -> name and birthdate -> A-number, at most
            stronger = aliases.get(key, _AMBIGUOUS)
            if stronger == _AMBIGUOUS:
                break
            key = stronger
        return key

    def add_finding(
        self,
        cls: str,
        detector: str,
        location: Mapping[str, Any],
        count: int,
        sample: str,
        *,
        group: Any = None,
    ) -> None:
        """Add ``count`` hits; hits with the same class, detector and ``group`` (by default
        the location itself) add up in one finding that keeps the first location and sample."""
        if count <= 0:
            return
        key = (cls, detector, tuple(location.items()) if group is None else group)
        entry = self._findings.get(key)
        if entry is None:
            self._findings[key] = [count, sample, dict(location)]
        else:
            entry[0] += count

    def has_finding(self, cls: str, detector: str, location: Mapping[str, Any]) -> bool:
        return (cls, detector, tuple(location.items())) in self._findings

    def classes(self) -> dict[str, int]:
        """Distinct persons per class, each in the strictest class they were found in."""
        out: dict[str, int] = {}
        for cls, keys in self._distinct():
            out[cls] = out.get(cls, 0) + len(keys)
        return {c: out[c] for c in self.order if c in out}

    def identities(self) -> dict[str, tuple[str, ...]]:
        """The persons ``classes()`` counts, as stable text (``approval.detect.identity``),
        each by the key it is counted by (its strongest, after aliasing), sorted per class.
        Empty unless the tally was made with ``identities=True``."""
        return {c: tuple(g[0] for g in groups) for c, groups in self.identity_groups().items()}

    def identity_groups(self) -> dict[str, tuple[tuple[str, ...], ...]]:
        """``identities()`` with, for each person, the keys linked to them after their own
        (A-number, name with birthdate, name with facility; a bare name never), sorted: in the
        order of ``identities()``. Empty unless the tally was made with ``identities=True``;
        computed once (counting resolves the stores in place)."""
        names = self.names
        if names is None:
            return {}
        if self._groups is not None:
            return self._groups

        def text(key: int) -> str:
            # Every name key is noted where it is made; "N:?" would be a key made elsewhere.
            return identity.a_number(key) if key < WEAK_KEYS else names.get(key, "N:?")

        # Every weaker key that resolves to another: its person's aliases. Only keys whose text
        # was noted can be aliases (A-number keys are always someone's strongest).
        aliases: dict[int, list[str]] = {}
        if self._aliases:
            for key, spelled in names.items():
                if "|" not in spelled:
                    continue  # a bare name: never a key a person is looked up by
                root = self._resolve(key)
                if root != key:
                    aliases.setdefault(root, []).append(spelled)
        out: dict[str, list[tuple[str, ...]]] = {}
        for cls, keys in self._distinct():
            groups = out.setdefault(cls, [])
            for key in keys:
                first = text(key)
                more = sorted(set(aliases.get(key, ())) - {first})
                groups.append((first, *more))
        self._groups = {c: tuple(sorted(out[c])) for c in self.order if c in out}
        return self._groups

    def _distinct(self) -> Iterator[tuple[str, set[int]]]:
        """Each class found, strictest first, with its persons (resolved through aliases)
        that no stricter class holds: range of keys by range of keys (``persons.ranges``), a
        class maybe more than once, so that the sets stay small whatever the persons."""
        if self._aliases and self._weak:
            # In place: a resolved key resolves to itself, and two copies of a million keys
            # would not fit the memory a count is allowed.
            for cls, store in self.persons.items():
                if store:
                    mapped = self._keys()
                    mapped.extend(map(self._resolve, store))
                    store.close()
                    self.persons[cls] = mapped
        found = [(c, self.persons[c]) for c in self.order if self.persons[c]]
        for lo, hi in ranges([store for _, store in found]):
            counted: set[int] = set()
            for n, (cls, store) in enumerate(found):
                keys = store.between(lo, hi)
                if counted:
                    keys = keys - counted
                if keys:
                    if n + 1 < len(found):  # no copy of the last (often the only) class's keys
                        counted |= keys
                    yield cls, keys

    def findings(self) -> tuple[Finding, ...]:
        rank = {c: i for i, c in enumerate(self.order)}
        items = sorted(self._findings.items(), key=lambda kv: rank.get(kv[0][0], len(rank)))
        return tuple(
            self._finding(cls, detector, location, count, sample)
            for (cls, detector, _), (count, sample, location) in items
        )

    def _finding(
        self, cls: str, detector: str, location: Mapping[str, Any], count: int, sample: str
    ) -> Finding:
        if self.shown is None:
            return Finding(cls, detector, location, count, sample)
        shown = self.shown(location)
        place = None if shown == location else location
        return Finding(cls, detector, shown, count, sample, place)
