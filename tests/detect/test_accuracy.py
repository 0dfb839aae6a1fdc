"""The accuracy harness: every case of ``tests.corpus.accuracy`` scanned once per module, the
table printed (shown by ``pytest -s`` or ``-rA``, and with a failure), and no regression from
the committed baseline; and the harness's own arithmetic, on outcomes made by hand."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pytest

from approval.detect.report import FileReport, Finding
from approval.policy import Policy
from tests.corpus.accuracy import PERSONAL, PROTECTED, TOPICS, Case, all_cases
from tests.detect.accuracy import (
    BASELINE,
    OK,
    README,
    Baseline,
    Outcome,
    Table,
    class_scores,
    detector_scores,
    markdown_table,
    outcome,
    readme_block,
    regressions,
    run,
    tabulate,
    text_table,
    tolerance,
    with_readme_block,
)

CASES = all_cases()


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory, policy: Policy) -> Table:
    """Every case written once and scanned with the bundled policy."""
    return run(policy, CASES, tmp_path_factory.mktemp("accuracy"))


def test_no_regression_from_the_baseline(table: Table) -> None:
    print("\n" + text_table(table))
    problems = regressions(table, Baseline.load())
    assert problems == [], (
        f"{len(problems)} regressions from {BASELINE.name} (if intended, run "
        "`python -m tests.detect.accuracy --update-baseline` and review the diff):\n"
        + "\n".join(problems)
    )


def test_the_readme_shows_this_table(table: Table) -> None:
    shown = readme_block(README.read_text(encoding="utf-8"))
    assert shown is not None, "README.md lost its accuracy table markers"
    assert shown == markdown_table(table), (
        "README.md's accuracy table is stale: run "
        "`python -m tests.detect.accuracy --update-baseline`"
    )


def test_the_baseline_is_in_its_reviewable_form() -> None:
    """Sorted, one case a line, figures rounded: what ``--update-baseline`` writes."""
    text = BASELINE.read_text(encoding="utf-8")
    baseline = Baseline.load()
    assert baseline.dumps() == text
    assert all(round(v, 4) == v for v in baseline.figures.values())
    for name in baseline.cases:
        assert f'\n  "{name}": "' in text, name


def test_every_case_is_well_formed(policy: Policy) -> None:
    classes = {c.id for c in policy.classes}
    detectors = {d.id for d in policy.detectors}
    names = [c.name for c in CASES]
    assert len(names) == len(set(names))
    for case in CASES:
        assert case.topic in TOPICS, case.name
        assert case.cls is None or case.cls in classes, case.name
        assert (case.persons == 0) == (case.cls is None), case.name
        assert case.detectors <= detectors, (case.name, case.detectors - detectors)
        assert case.cls is not None or not case.detectors, case.name
        assert not case.unscannable or case.cls is None, case.name


def test_the_legacy_cases_cover_every_verdict() -> None:
    legacy = [c for c in CASES if c.topic == "legacy"]
    assert 40 <= len(legacy) <= 100
    kinds = {("unscannable" if c.unscannable else c.cls) for c in legacy}
    assert kinds == {PROTECTED, PERSONAL, None, "unscannable"}
    assert any(c.persons >= 50 for c in legacy)  # the 2% tolerance is exercised


def test_a_truth_the_scan_contradicts_is_wrong(tmp_path: Path, policy: Policy) -> None:
    """End to end on real files: the same file under a false truth is counted wrong."""
    leak = next(c for c in CASES if c.name == "legacy/detainee-sheet-csv-1")
    staff = next(c for c in CASES if c.name == "legacy/staff-list-csv")
    cases = [
        leak,
        replace(leak, name="t/class", cls=PERSONAL),
        replace(leak, name="t/count", persons=leak.persons + 2),
        replace(staff, name="t/staff", cls=PROTECTED, persons=3, detectors=frozenset({"a-number"})),
    ]
    table = run(policy, cases, tmp_path)
    assert [(o.right, o.why()) for o in table.outcomes] == [
        (True, ""),
        (False, f"got {PROTECTED}, want {PERSONAL}"),
        (False, f"{leak.persons} persons, want {leak.persons + 2}"),
        (False, f"got clean, want {PROTECTED}; missed a-number"),
    ]


# --- the arithmetic, on hand-made outcomes -------------------------------------------------------


def _outcome(
    name: str,
    expected: str,
    got: str,
    persons: tuple[int, int] = (0, 0),
    detectors: Iterable[str] = (),
    fired: Iterable[str] = (),
    alarms: Iterable[str] = (),
) -> Outcome:
    return Outcome(
        name,
        expected,
        got,
        persons[0],
        persons[1],
        frozenset(detectors),
        frozenset(fired),
        frozenset(alarms),
    )


LABELS = [PROTECTED, PERSONAL, "clean", "unscannable"]


def test_a_protected_file_as_personal_data_is_a_miss_and_a_false_alarm() -> None:
    outcomes = [
        _outcome("t/a", PROTECTED, PROTECTED, (5, 5)),
        _outcome("t/b", PROTECTED, PERSONAL, (5, 0)),
        _outcome("t/c", PERSONAL, PERSONAL, (3, 3)),
        _outcome("t/d", "clean", PERSONAL, (0, 2)),
        _outcome("t/e", "clean", "clean"),
        _outcome("t/f", PROTECTED, "unscannable", (4, 0)),
    ]
    scores = class_scores(outcomes, LABELS)
    protected, personal, clean = scores[PROTECTED], scores[PERSONAL], scores["clean"]
    assert (protected.precision, protected.recall) == (1.0, 1 / 3)
    assert (personal.precision, personal.recall) == (1 / 3, 1.0)
    assert (clean.precision, clean.recall) == (1.0, 0.5)
    assert (scores["unscannable"].precision, scores["unscannable"].recall) == (0.0, None)
    table = Table(tuple(outcomes), scores, {})
    assert [o.name for o in table.wrong] == ["t/b", "t/d", "t/f"]
    assert table.unscannable_errors == 1
    assert table.figures()["class personal-data precision"] == 0.3333


def test_detector_precision_counts_only_firings_beyond_the_truth() -> None:
    outcomes = [
        # Listed and fired: a hit.
        _outcome("t/a", PROTECTED, PROTECTED, (1, 1), ["a-number"], ["a-number", "birthdate"]),
        # Fired unlisted within the truth's class: neither a hit nor an alarm.
        _outcome("t/b", PERSONAL, PERSONAL, (1, 1), ["a-number"], ["a-number", "birthdate"]),
        # Listed, not fired: a miss.
        _outcome("t/c", PROTECTED, PROTECTED, (1, 1), ["a-number", "birthdate"], ["a-number"]),
        # Fired on a clean file: an alarm.
        _outcome("t/d", "clean", PERSONAL, (0, 1), [], ["birthdate"], ["birthdate"]),
    ]
    scores = detector_scores(outcomes, ["a-number", "birthdate"])
    assert (scores["a-number"].precision, scores["a-number"].recall) == (1.0, 1.0)
    assert (scores["birthdate"].support, scores["birthdate"].hits) == (1, 0)
    assert (scores["birthdate"].precision, scores["birthdate"].recall) == (0.0, 0.0)
    assert not outcomes[2].right and outcomes[2].why() == "missed birthdate"


@pytest.mark.parametrize(
    ("expected", "got", "ok"),
    [
        (0, 0, True),
        (0, 1, False),
        (10, 11, True),
        (10, 9, True),
        (10, 12, False),
        (49, 50, True),
        (50, 51, True),
        (50, 52, False),
        (100, 102, True),
        (100, 97, False),
        (6252, 6377, True),
        (6252, 6378, False),
    ],
)
def test_person_counts_within_two_percent_or_one(expected: int, got: int, ok: bool) -> None:
    assert _outcome("t/x", PROTECTED, PROTECTED, (expected, got)).persons_ok is ok
    assert tolerance(expected) >= 0


def _report(
    verdict: str, classes: dict[str, int], findings: Iterable[tuple[str, str]]
) -> FileReport:
    return FileReport(
        "x",
        "0" * 64,
        1,
        "csv",
        verdict,  # type: ignore[arg-type]
        classes=classes,
        findings=tuple(Finding(cls, detector, {}, 1, "") for cls, detector in findings),
    )


def _case(cls: str | None, persons: int, *detectors: str, unscannable: bool = False) -> Case:
    return Case("t/x", "x.csv", lambda path: None, cls, persons, frozenset(detectors), unscannable)


def test_an_outcome_reads_the_scan_s_verdict_and_classes() -> None:
    classes = [PROTECTED, PERSONAL]
    report = _report(
        "protected",
        {PROTECTED: 3, PERSONAL: 2},
        [(PROTECTED, "a-number"), (PROTECTED, "protection-claim"), (PERSONAL, "birthdate")],
    )
    o = outcome(_case(PERSONAL, 5, "birthdate"), report, classes)
    assert (o.expected, o.got, o.persons_got) == (PERSONAL, PROTECTED, 2)
    assert o.alarms == {"a-number", "protection-claim"}
    assert o.why() == f"got {PROTECTED}, want {PERSONAL}"
    o = outcome(_case(None, 0), report, classes)
    assert (o.expected, o.persons_got, o.alarms) == ("clean", 5, o.fired)
    o = outcome(_case(PROTECTED, 3, "a-number"), report, classes)
    assert o.right and o.alarms == frozenset()
    refused = replace(_report("unscannable", {}, []), reason="encrypted")
    assert outcome(_case(None, 0, unscannable=True), refused, classes).right
    o = outcome(_case(None, 0), refused, classes)
    assert (o.got, o.right, o.why()) == (
        "unscannable",
        False,
        "got unscannable (encrypted), want clean",
    )


def test_regressions_from_a_baseline() -> None:
    outcomes = [
        _outcome("t/was-right", PROTECTED, PERSONAL, (1, 1)),
        _outcome("t/known-wrong", PROTECTED, PERSONAL, (1, 1)),
        _outcome("t/new-wrong", "clean", PERSONAL, (0, 1)),
        _outcome("t/new-right", "clean", "clean"),
        _outcome("t/right", PROTECTED, PROTECTED, (1, 1)),
    ]
    from approval.policy import default_policy

    table = tabulate(outcomes, default_policy())
    figures = table.figures()
    baseline = Baseline(
        {**figures, "class clean recall": 1.0, "class gone recall": 0.5},
        {"t/was-right": OK, "t/known-wrong": "got personal-data", "t/right": OK},
    )
    problems = regressions(table, baseline)
    assert [p.split(":")[0] for p in problems] == [
        "t/was-right",
        "t/new-wrong",
        "class clean recall",
        "class gone recall",
    ]
    assert regressions(table, Baseline.of(table)) == []


def test_the_readme_block_is_replaced_and_nothing_else(tmp_path: Path) -> None:
    from tests.detect.accuracy import README_END, README_START

    text = f"# Title\n\nbefore\n\n{README_START}\n\nold | table\n\n{README_END}\n\nafter\n"
    new = with_readme_block(text, "| new |")
    assert readme_block(new) == "| new |"
    assert new.startswith("# Title\n\nbefore\n\n") and new.endswith("\n\nafter\n")
    assert with_readme_block(new, "| new |") == new
    with pytest.raises(ValueError, match="no"):
        with_readme_block("# no markers\n", "| new |")
