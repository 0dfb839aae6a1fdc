"""Redaction over the synthetic corpus: every protected file whose format has a redactor comes out
clean, without a single identifier of its persons in any byte, and says what it removed."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from approval.detect.scan import scan_file
from approval.errors import BlockedError, UsageError
from approval.policy import default_policy
from approval.redact import REDACTORS, plan_for, redactor
from approval.redact.base import MARK, strip_indices
from approval.workflow.redact import redact_file
from tests.corpus import spreadsheets, tabular, text
from tests.corpus.people import Person, people
from tests.corpus.spreadsheets import Built


def _bytes_of(path: Path) -> bytes:
    """Every byte a reader could recover: each part of a zip package, else the file."""
    data = path.read_bytes()
    if not zipfile.is_zipfile(path):
        return data
    with zipfile.ZipFile(path) as package:
        return b"".join(package.read(name) for name in package.namelist())


def _leaks(path: Path, persons: tuple[Person, ...] | list[Person]) -> list[str]:
    data = _bytes_of(path).decode("utf-8", "replace")
    found = []
    for p in persons:
        found += [v for v in (p.a_digits, p.name, p.last_first, p.last) if v in data]
    return found


XLSX_CASES: list[Callable[[Path], Built]] = [
    spreadsheets.build_2022_leak,
    spreadsheets.build_very_hidden,
    spreadsheets.build_hidden_rows,
    spreadsheets.build_hidden_columns,
    spreadsheets.build_number_formats,
    spreadsheets.build_date_serials,
    spreadsheets.build_comments,
    spreadsheets.build_defined_names,
    spreadsheets.build_orphan_pivot_cache,
]


@pytest.mark.parametrize("build", XLSX_CASES, ids=lambda b: b.__name__[6:])
def test_workbooks_come_out_clean_without_any_identifier(
    tmp_path: Path, build: Callable[[Path], Built]
) -> None:
    built = build(tmp_path)
    assert _leaks(built.path, built.people)  # the identifiers really are in the source
    out = tmp_path / f"public-{built.path.name}"
    done = redact_file(None, built.path, out)
    assert scan_file(out, default_policy()).verdict == "clean"
    assert _leaks(out, built.people) == []
    assert done.removed
    assert done.source_report.sha256 != done.report.sha256
    assert not any(p.a_digits in line for p in built.people for line in done.removed)


def test_the_2022_workbook_keeps_its_statistics(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    built = spreadsheets.build_2022_leak(tmp_path)
    out = tmp_path / "public.xlsx"
    done = redact_file(None, built.path, out)
    book = load_workbook(out)
    assert book.sheetnames == ["Summary"]  # the hidden sheet is gone
    source = load_workbook(built.path)
    assert [[c.value for c in r] for r in book["Summary"].iter_rows()] == [
        [c.value for c in r] for r in source["Summary"].iter_rows()
    ]
    assert done.removed == ("sheet Detainees (hidden), whole",)


def test_hidden_columns_and_identifying_columns_go_statistics_stay(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    built = spreadsheets.build_hidden_columns(tmp_path)
    out = tmp_path / "public.xlsx"
    done = redact_file(None, built.path, out)
    rows = [[c.value for c in r] for r in load_workbook(out)["Roster"].iter_rows()]
    assert rows[0] == ["Case Status"]
    assert {r[0] for r in rows[1:]} <= {p.claim for p in built.people}
    assert "column A (Name) of sheet Roster" in done.removed
    assert "2 hidden columns of sheet Roster (A, B)" in done.removed


def test_pivot_cache_and_comments_are_named_in_provenance(tmp_path: Path) -> None:
    pivot = spreadsheets.build_orphan_pivot_cache(tmp_path)
    done = redact_file(None, pivot.path, tmp_path / "p.xlsx")
    assert any(line.startswith("pivot cache 1") for line in done.removed)
    comments = spreadsheets.build_comments(tmp_path)
    done = redact_file(None, comments.path, tmp_path / "c.xlsx")
    assert "2 cell comments" in done.removed


CSV_CASES = [
    tabular.detainee_sheet(),
    tabular.personal_data_sheet(),
    tabular.loose_headers_sheet(),
    tabular.spanish_sheet(),
    tabular.name_and_birthdate_sheet(),
]


@pytest.mark.parametrize("case", CSV_CASES, ids=lambda c: c.name)
@pytest.mark.parametrize(("delimiter", "encoding"), [(",", "utf-8"), (";", "cp1252")])
def test_csv_identifying_columns_are_dropped(
    tmp_path: Path, case: tabular.Case, delimiter: str, encoding: str
) -> None:
    source = case.write_csv(tmp_path / f"{case.name}.csv", delimiter=delimiter, encoding=encoding)
    out = tmp_path / "public.csv"
    done = redact_file(None, source, out)
    assert scan_file(out, default_policy()).verdict == "clean"
    written = out.read_bytes().decode(encoding)
    kept_header = case.rows[0]
    removed_headers = {line.split("(", 1)[1].rstrip(")") for line in done.removed}
    assert written.splitlines()[0] == delimiter.join(
        h for h in kept_header if h not in removed_headers
    )
    assert len(written.splitlines()) == len(case.rows)  # every row is still there


def test_csv_keeps_the_columns_the_publication_needs(tmp_path: Path) -> None:
    case = tabular.detainee_sheet(count=5)
    source = case.write_csv(tmp_path / "detainees.csv")
    out = tmp_path / "public.csv"
    redact_file(None, source, out)
    assert out.read_text().splitlines()[0] == "Case Status,Fear Result"


def _json_people(path: Path, persons: list[Person]) -> None:
    records = [
        {"applicant": {"name": p.name, "a_number": p.a_number}, "dob": p.birthdate.isoformat(),
         "claim": p.claim, "hearings": n}
        for n, p in enumerate(persons)
    ]  # fmt: skip
    path.write_text(json.dumps({"title": "Asylum cases", "cases": records}, indent=2))


def test_json_identifying_keys_are_dropped(tmp_path: Path) -> None:
    persons = people(6, seed=40)
    source = tmp_path / "cases.json"
    _json_people(source, persons)
    assert scan_file(source, default_policy()).verdict == "protected"
    out = tmp_path / "public.json"
    done = redact_file(None, source, out)
    assert scan_file(out, default_policy()).verdict == "clean"
    assert _leaks(out, persons) == []
    cases = json.loads(out.read_text())["cases"]
    assert [c["hearings"] for c in cases] == list(range(6))  # the rest is untouched
    assert {c["claim"] for c in cases} <= {p.claim for p in persons}
    assert any(line.startswith("key applicant.a_number") for line in done.removed)


def test_ndjson_is_redacted_line_by_line(tmp_path: Path) -> None:
    persons = people(4, seed=41)
    source = tmp_path / "cases.ndjson"
    source.write_text(
        "".join(
            json.dumps({"name": p.last_first, "a_number": p.a_number, "claim": "asylum", "n": 1})
            + "\n"
            for p in persons
        )
    )
    out = tmp_path / "public.ndjson"
    redact_file(None, source, out)
    lines = out.read_text().splitlines()
    assert [json.loads(line) for line in lines] == [{"claim": "asylum", "n": 1}] * 4


TEXT_CASES = [
    text.fear_memo(),
    text.removal_email(),
    text.labelled_record(),
    text.spanish_memo(),
    text.non_latin_memo(),
    text.detainee_list(),
    text.markdown_table(),
]


@pytest.mark.parametrize("case", TEXT_CASES, ids=lambda c: c.name)
def test_text_identifiers_are_replaced(tmp_path: Path, case: text.TextCase) -> None:
    source = case.write(tmp_path)
    out = tmp_path / f"public{source.suffix}"
    done = redact_file(None, source, out)
    assert scan_file(out, default_policy()).verdict == "clean"
    assert done.removed
    written = out.read_text()
    assert MARK in written or "column" in done.removed[0]


def test_text_keeps_everything_but_the_identifiers(tmp_path: Path) -> None:
    p = people(1, seed=42)[0]
    source = tmp_path / "memo.txt"
    intro = "Removed after a negative credible fear interview:"
    source.write_text(f"{intro}\n- {p.last_first}, {p.a_number}\nTotal: 1\n")
    out = tmp_path / "public.txt"
    redact_file(None, source, out)
    assert out.read_text() == f"{intro}\n- {MARK}, {MARK}\nTotal: 1\n"


def test_an_unsupported_format_is_exit_2(tmp_path: Path) -> None:
    from tests.corpus.documents import build_all as documents

    policy = default_policy()
    protected = [b.path for b in documents(tmp_path) if b.verdict == "protected"]
    unsupported = [p for p in protected if scan_file(p, policy).format not in REDACTORS]
    assert unsupported
    source = unsupported[0]
    fmt = scan_file(source, policy).format
    out = tmp_path / f"out{source.suffix}"
    with pytest.raises(UsageError, match=f"cannot redact {fmt} files") as raised:
        redact_file(None, source, out)
    assert raised.value.exit_code == 2
    assert not out.exists()


def test_unscannable_and_clean_files_are_refused(tmp_path: Path) -> None:
    encrypted = spreadsheets.build_encrypted(tmp_path)
    with pytest.raises(UsageError, match="unscannable \\(encrypted\\)"):
        redact_file(None, encrypted.path, tmp_path / "out.xlsx")
    clean = spreadsheets.build_clean_aggregates(tmp_path)
    with pytest.raises(UsageError, match="nothing to redact"):
        redact_file(None, clean.path, tmp_path / "out.xlsx")
    assert list(tmp_path.glob("out*")) == []


def test_a_derivative_that_is_not_clean_is_never_written(tmp_path: Path) -> None:
    # Records keyed by A-number: the keys are the identifiers, and a redactor that drops keys
    # cannot drop them without losing the records. The rescan finds them: nothing is written.
    source = tmp_path / "by-a-number.json"
    persons = people(3, seed=43)
    source.write_text(
        json.dumps({p.a_number: {"name": p.last_first, "claim": "asylum"} for p in persons})
    )
    out = tmp_path / "public.json"
    with pytest.raises(BlockedError, match="would still hold protected-person") as raised:
        redact_file(None, source, out)
    assert raised.value.exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["by-a-number.json"]


def test_a_plan_is_all_a_redactor_removes(tmp_path: Path) -> None:
    source = tabular.detainee_sheet(count=5).write_csv(tmp_path / "detainees.csv")
    policy = default_policy()
    plan = plan_for(scan_file(source, policy), policy)
    assert plan.columns()
    buffer = io.BytesIO()
    found = redactor("csv")
    assert found is not None
    assert found.redact(source, buffer, type(plan)((), policy)) == []
    assert buffer.getvalue() == source.read_bytes()


def test_out_must_keep_the_extension(tmp_path: Path) -> None:
    built = spreadsheets.build_2022_leak(tmp_path, count=3)
    with pytest.raises(UsageError, match="must keep the extension"):
        redact_file(None, built.path, tmp_path / "public.csv")


def test_every_redactor_is_listed_and_importable() -> None:
    for name in REDACTORS:
        assert redactor(name) is not None
    assert redactor("pdf") is None


@pytest.mark.parametrize(
    ("key", "stripped"), [("aliases[0]", "aliases"), ("a[1].b", "a.b"), ("name", "name")]
)
def test_strip_indices(key: str, stripped: str) -> None:
    assert strip_indices(key) == stripped


def test_the_cli_prints_provenance_and_refuses_unsupported_formats(tmp_path: Path) -> None:
    from tests.corpus.documents import build_all as documents
    from tests.support import run_approval

    built = spreadsheets.build_2022_leak(tmp_path, count=4)
    out = tmp_path / "public.xlsx"
    done = run_approval("redact", built.path, "--out", out, env={"APPROVAL_LEDGER": ""})
    assert done.code == 0, done.output
    source = scan_file(built.path, default_policy()).sha256
    assert f"source:     sha256 {source}" in done.stdout
    assert f"derivative: sha256 {scan_file(out, default_policy()).sha256}" in done.stdout
    assert "- sheet Detainees (hidden), whole" in done.stdout
    assert _leaks(out, built.people) == []
    policy = default_policy()
    protected = [b.path for b in documents(tmp_path) if b.verdict == "protected"]
    other = next(p for p in protected if scan_file(p, policy).format not in REDACTORS)
    refused = run_approval("redact", other, "--out", tmp_path / f"o{other.suffix}")
    assert refused.code == 2
    assert refused.stderr.startswith(
        f"error: cannot redact {scan_file(other, policy).format} files"
    )
    assert "Traceback" not in refused.output


def test_a_visible_sheet_named_after_a_person_is_renamed(tmp_path: Path) -> None:
    """The scanner reads a sheet's title as context, not content: a derivative that scans
    clean could still carry "GARCIA, Maria" as a tab name."""
    from openpyxl import Workbook, load_workbook

    person = people(1, seed=77)[0]
    book = Workbook()
    totals = book.active
    totals.title = "Totals"
    totals.append(["Facility", "Average daily population"])
    totals.append(["Otay Mesa", 1200])
    named = book.create_sheet(person.last_first[:31])
    named.append(["Month", "Hearings"])
    named.append(["March", 4])
    hidden = book.create_sheet("Applicants")
    hidden.sheet_state = "hidden"
    hidden.append(["Name", "A-Number", "Claim"])
    hidden.append([person.name, person.a_number, "asylum"])
    source = tmp_path / "stats.xlsx"
    book.save(source)

    out = tmp_path / "public.xlsx"
    done = redact_file(None, source, out)
    assert load_workbook(out).sheetnames == ["Totals", "Sheet2"]
    assert "the title of visible sheet Sheet2, which named a person" in done.removed
    assert _leaks(out, [person]) == []
    assert not any(person.last in line for line in done.removed)
