"""The scanner's accuracy over the fixture corpus with ground truth (``tests.corpus.accuracy``):
precision and recall per class and per detector, per-file person counts, unscannable verdicts,
and the regressions from the committed baseline (``tests/detect/accuracy_baseline.json``).

    .venv/bin/python -m tests.detect.accuracy                    # the table
    .venv/bin/python -m tests.detect.accuracy --markdown         # the README's table
    .venv/bin/python -m tests.detect.accuracy --update-baseline  # rewrite the baseline and the
                                                                 # README's table from this run

How a file counts (one file, one vote; the scan's own verdict and classes decide):

- its label is ``unscannable`` when the scan refused it, else the strictest class the scan
  found (``FileReport.classes`` is in the policy's order), else ``clean``; the truth's label is
  the case's ``cls`` (``clean`` when None; ``unscannable`` when the case expects a refusal);
- per class, a file is a true positive when both labels are the class, a miss (recall) when only
  the truth's is, a false alarm (precision) when only the scan's is: a protected file reported
  as personal data is a miss for ``protected-person`` and a false alarm for ``personal-data``;
- per detector, recall over the files whose truth lists the detector (it must fire); precision
  over the files where it fired with a finding of a stricter class than the truth's (any finding
  on a clean file, a ``protected-person`` finding on a personal-data file): such a firing is a
  false alarm unless the truth lists it. A firing the truth does not list on a file whose class
  it matches is neither (the lists name what must fire, not all that may);
- persons: the scan's count in the truth's class is within 2% of the truth's, or within one
  person under 50 persons, and exact for a file without persons;
- a case is right when its labels agree, its person count is within that, and every detector it
  lists fired. The baseline records each case as right or as known-wrong with the reason, and
  the figures; a case that was right and is now wrong, a new case that is wrong, or a figure
  below the baseline's is a regression.

Reasons and tables hold class ids, detector ids and counts only, never a value from a file.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from approval.detect.report import FileReport
from approval.detect.scan import scan_file
from approval.policy import Policy, default_policy
from tests.corpus.accuracy import TOPICS, Case, all_cases

ROOT = Path(__file__).resolve().parents[2]
BASELINE = Path(__file__).with_name("accuracy_baseline.json")
README = ROOT / "README.md"
COMMAND = "python -m tests.detect.accuracy --update-baseline"
CLEAN, UNSCANNABLE = "clean", "unscannable"
OK = "ok"
# The README's table sits between these two lines.
README_START = "<!-- accuracy table: python -m tests.detect.accuracy --update-baseline -->"
README_END = "<!-- /accuracy table -->"
PLACES = 4  # figures are rounded to this many decimal places, in the baseline and the tables


@dataclass(frozen=True)
class Outcome:
    """What the scan said of one case, beside the truth: labels, persons, detectors."""

    name: str
    expected: str  # a class id, "clean" or "unscannable"
    got: str
    persons_expected: int
    persons_got: int  # the scan's persons in the truth's class (all persons for a clean truth)
    detectors_expected: frozenset[str]
    fired: frozenset[str]  # detectors with a finding
    alarms: frozenset[str]  # detectors with a finding of a stricter class than the truth's
    reason: str = ""  # why the scan refused the file (a scan's reasons quote no value)

    @property
    def persons_ok(self) -> bool:
        return abs(self.persons_got - self.persons_expected) <= tolerance(self.persons_expected)

    @property
    def missing(self) -> frozenset[str]:
        return self.detectors_expected - self.fired

    @property
    def right(self) -> bool:
        return self.expected == self.got and self.persons_ok and not self.missing

    def why(self) -> str:
        """Why the case is wrong ("" when right): labels, counts and detector ids only."""
        reasons = []
        if self.expected != self.got:
            refused = f" ({self.reason})" if self.reason and self.got == UNSCANNABLE else ""
            reasons.append(f"got {self.got}{refused}, want {self.expected}")
        elif not self.persons_ok:
            reasons.append(f"{self.persons_got} persons, want {self.persons_expected}")
        if self.missing:
            reasons.append("missed " + ", ".join(sorted(self.missing)))
        return "; ".join(reasons)


def tolerance(persons: int) -> float:
    """Persons a count may be off by: none without persons, one under 50, else 2%."""
    if persons == 0:
        return 0
    return 1 if persons < 50 else 0.02 * persons


def label_of(report: FileReport) -> str:
    if report.verdict == UNSCANNABLE:
        return UNSCANNABLE
    return next(iter(report.classes), CLEAN)


def outcome(case: Case, report: FileReport, classes: Sequence[str]) -> Outcome:
    """The outcome of ``case`` from its scan; ``classes`` are the policy's, strictest first."""
    expected = UNSCANNABLE if case.unscannable else case.cls or CLEAN
    rank = {c: i for i, c in enumerate(classes)}
    below = rank.get(expected, len(rank))  # a finding of a class ranked before it is an alarm
    if case.cls is None:
        persons_got = sum(report.classes.values())
    else:
        persons_got = report.classes.get(case.cls, 0)
    return Outcome(
        name=case.name,
        expected=expected,
        got=label_of(report),
        persons_expected=case.persons,
        persons_got=persons_got,
        detectors_expected=case.detectors,
        fired=frozenset(f.detector for f in report.findings),
        alarms=frozenset(f.detector for f in report.findings if rank.get(f.cls, below) < below),
        reason=report.reason or "",
    )


# --- the figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """Counts of one class or detector over files."""

    support: int  # files whose truth is the class / lists the detector
    hits: int  # ... and the scan agrees
    claimed: int  # files the scan puts in the class / where the detector's firing counts

    @property
    def precision(self) -> float | None:
        return self.hits / self.claimed if self.claimed else None

    @property
    def recall(self) -> float | None:
        return self.hits / self.support if self.support else None


def class_scores(outcomes: Sequence[Outcome], labels: Sequence[str]) -> dict[str, Score]:
    return {
        label: Score(
            support=sum(o.expected == label for o in outcomes),
            hits=sum(o.expected == label == o.got for o in outcomes),
            claimed=sum(o.got == label for o in outcomes),
        )
        for label in labels
    }


def detector_scores(outcomes: Sequence[Outcome], detectors: Sequence[str]) -> dict[str, Score]:
    scores = {}
    for detector in detectors:
        hits = sum(detector in o.detectors_expected and detector in o.fired for o in outcomes)
        alarms = sum(
            detector in o.alarms and detector not in o.detectors_expected for o in outcomes
        )
        scores[detector] = Score(
            support=sum(detector in o.detectors_expected for o in outcomes),
            hits=hits,
            claimed=hits + alarms,
        )
    return scores


@dataclass(frozen=True)
class Table:
    """Every figure of one run."""

    outcomes: tuple[Outcome, ...]
    classes: dict[str, Score]
    detectors: dict[str, Score]

    @property
    def persons_ok(self) -> int:
        return sum(o.persons_ok for o in self.outcomes)

    @property
    def wrong(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.right]

    @property
    def unscannable_errors(self) -> int:
        """Files refused that should have been read."""
        return sum(o.got == UNSCANNABLE != o.expected for o in self.outcomes)

    def figures(self) -> dict[str, float]:
        """The figures the baseline keeps (rounded), each one that must not go down."""
        out: dict[str, float] = {}
        for kind, scores in (("class", self.classes), ("detector", self.detectors)):
            for key, score in scores.items():
                for measure in ("precision", "recall"):
                    value = getattr(score, measure)
                    if value is not None:
                        out[f"{kind} {key} {measure}"] = round(value, PLACES)
        if self.outcomes:
            out["persons within tolerance"] = round(self.persons_ok / len(self.outcomes), PLACES)
        return out


def tabulate(outcomes: Iterable[Outcome], policy: Policy) -> Table:
    outcomes = tuple(outcomes)
    labels = [c.id for c in policy.classes] + [CLEAN, UNSCANNABLE]
    detectors = [d.id for d in policy.detectors]
    return Table(outcomes, class_scores(outcomes, labels), detector_scores(outcomes, detectors))


# --- scanning ------------------------------------------------------------------------------------


def scan_cases(
    cases: Sequence[Case], directory: Path, policy: Policy
) -> list[tuple[Case, FileReport]]:
    """Write each case in a directory of its own under ``directory`` and scan it."""
    out = []
    for number, case in enumerate(cases):
        folder = directory / f"{number:04d}"
        folder.mkdir(parents=True)
        path = folder / case.filename
        case.make(path)
        out.append((case, scan_file(path, policy)))
    return out


def run(policy: Policy, cases: Sequence[Case], directory: Path) -> Table:
    classes = [c.id for c in policy.classes]
    scanned = scan_cases(cases, directory, policy)
    return tabulate((outcome(case, report, classes) for case, report in scanned), policy)


# --- the baseline --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    figures: dict[str, float]
    cases: dict[str, str]  # name -> "ok" or the reason it is known to be wrong

    @classmethod
    def of(cls, table: Table) -> Baseline:
        return cls(table.figures(), {o.name: o.why() or OK for o in table.outcomes})

    @classmethod
    def load(cls, path: Path = BASELINE) -> Baseline:
        if not path.exists():
            return cls({}, {})
        doc = json.loads(path.read_text(encoding="utf-8"))
        return cls(dict(doc["figures"]), dict(doc["cases"]))

    def dumps(self) -> str:
        """Sorted, one figure and one case a line, so a change reads as a short diff."""
        doc = {
            "regenerate": COMMAND,
            "figures": dict(sorted(self.figures.items())),
            "cases": dict(sorted(self.cases.items())),
        }
        return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def regressions(table: Table, baseline: Baseline) -> list[str]:
    """What got worse than the baseline, one line each (empty when nothing did)."""
    problems = []
    for o in table.wrong:
        known = baseline.cases.get(o.name)
        if known is None:
            problems.append(f"{o.name}: a new case, wrong: {o.why()}")
        elif known == OK:
            problems.append(f"{o.name}: was right, now wrong: {o.why()}")
    figures = table.figures()
    for key, before in sorted(baseline.figures.items()):
        now = figures.get(key)
        if now is None:
            problems.append(f"{key}: {before:.{PLACES}f} in the baseline, no longer measured")
        elif now < before:
            problems.append(f"{key}: {now:.{PLACES}f}, below the baseline's {before:.{PLACES}f}")
    return problems


def improvements(table: Table, baseline: Baseline) -> list[str]:
    """Known-wrong cases now right and cases the baseline does not know: for its next update."""
    out = []
    new = 0
    for o in table.outcomes:
        known = baseline.cases.get(o.name)
        if o.right and known is not None and known != OK:
            out.append(f"{o.name}: now right (the baseline says: {known})")
        new += o.right and known is None
    if new:
        out.append(f"{new} new cases, right")
    return out


# --- rendering -----------------------------------------------------------------------------------


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.{PLACES}f}"


def _topics(table: Table) -> str:
    counts = dict.fromkeys(TOPICS, 0)
    right = dict(counts)
    for o in table.outcomes:
        topic = o.name.split("/", 1)[0]
        counts[topic] = counts.get(topic, 0) + 1
        right[topic] = right.get(topic, 0) + o.right
    return ", ".join(f"{t} {right[t]}/{n}" for t, n in counts.items() if n)


def summary(table: Table) -> str:
    n = len(table.outcomes)
    expected = sum(o.expected == UNSCANNABLE for o in table.outcomes)
    refused = sum(o.got == UNSCANNABLE for o in table.outcomes)
    return (
        f"{n} files, {n - len(table.wrong)} right ({_topics(table)}); person counts within "
        f"tolerance on {table.persons_ok}/{n}; unscannable: {refused} "
        f"({expected} expected, {table.unscannable_errors} where a verdict was due)"
    )


def text_table(table: Table) -> str:
    lines = [summary(table), ""]
    lines.append(
        f"{'class':<20} {'files':>5} {'found':>5} {'claimed':>7} {'precision':>9} {'recall':>7}"
    )
    for key, s in table.classes.items():
        lines.append(
            f"{key:<20} {s.support:>5} {s.hits:>5} {s.claimed:>7} "
            f"{_figure(s.precision):>9} {_figure(s.recall):>7}"
        )
    lines.append("")
    lines.append(
        f"{'detector':<20} {'files':>5} {'found':>5} {'claimed':>7} {'precision':>9} {'recall':>7}"
    )
    for key, s in table.detectors.items():
        lines.append(
            f"{key:<20} {s.support:>5} {s.hits:>5} {s.claimed:>7} "
            f"{_figure(s.precision):>9} {_figure(s.recall):>7}"
        )
    if table.wrong:
        lines.append("")
        lines.append(f"wrong ({len(table.wrong)}):")
        lines += [f"  {o.name}: {o.why()}" for o in table.wrong]
    return "\n".join(lines)


def markdown_table(table: Table) -> str:
    lines = [
        "| class | files | found | precision | recall |",
        "|---|---:|---:|---:|---:|",
    ]
    for key, s in table.classes.items():
        lines.append(
            f"| {key} | {s.support} | {s.hits} | {_figure(s.precision)} | {_figure(s.recall)} |"
        )
    lines += [
        "",
        "| detector | files | found | precision | recall |",
        "|---|---:|---:|---:|---:|",
    ]
    for key, s in table.detectors.items():
        lines.append(
            f"| {key} | {s.support} | {s.hits} | {_figure(s.precision)} | {_figure(s.recall)} |"
        )
    lines += ["", summary(table) + "."]
    return "\n".join(lines)


_README_BLOCK = re.compile(re.escape(README_START) + r"\n(.*?)" + re.escape(README_END), re.S)


def readme_block(text: str) -> str | None:
    """The table the README shows now, or None when it has no marked table."""
    match = _README_BLOCK.search(text)
    return None if match is None else match.group(1).strip("\n")


def with_readme_block(text: str, block: str) -> str:
    if _README_BLOCK.search(text) is None:
        raise ValueError(f"README.md has no {README_START!r} ... {README_END!r} block")
    return _README_BLOCK.sub(lambda _: f"{README_START}\n\n{block}\n\n{README_END}", text, count=1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="the README's table")
    parser.add_argument(
        "--update-baseline",
        action="store_true",
        help=f"rewrite {BASELINE.name} and the README's table from this run",
    )
    args = parser.parse_args(argv)
    policy = default_policy()
    with tempfile.TemporaryDirectory(prefix="accuracy-") as root:
        table = run(policy, all_cases(), Path(root))
    if args.markdown:
        print(markdown_table(table))
        return 0
    print(text_table(table))
    baseline = Baseline.load()
    if args.update_baseline:
        try:
            readme = with_readme_block(README.read_text(encoding="utf-8"), markdown_table(table))
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        BASELINE.write_text(Baseline.of(table).dumps(), encoding="utf-8")
        README.write_text(readme, encoding="utf-8")
        print(f"\nwrote {BASELINE.relative_to(ROOT)} and the table in {README.name}")
        return 0
    problems = regressions(table, baseline)
    for line in improvements(table, baseline):
        print(f"better than the baseline: {line}")
    if problems:
        print(f"\nregressions from {BASELINE.relative_to(ROOT)}:")
        print("\n".join(f"  {p}" for p in problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
