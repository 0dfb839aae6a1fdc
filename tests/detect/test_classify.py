"""Record-level classification on units built by hand (no reader involved): tables with
hidden parts and number formats, key/value records, and prose."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from approval.detect.classify import Classifier, Engine, cell_text, column_letters
from approval.detect.report import Tally
from approval.detect.units import Cell, Records, Table, Text, Where
from approval.policy import Policy
from tests.corpus import tabular
from tests.corpus.people import people


def classify(engine: Engine, *units: Table | Records | Text) -> Tally:
    tally = Tally(c.id for c in engine.policy.classes)
    classifier = Classifier(engine, tally)
    for unit in units:
        classifier.unit(unit)
    return tally


def table(rows: Sequence[Sequence[Cell]], **kwargs: Any) -> Table:
    return Table(where=kwargs.pop("where", Where()), rows=rows, **kwargs)


def test_a_hidden_sheet_is_scanned_and_marked(engine: Engine) -> None:
    rows = [["A-Number", "Name", "Claim Type"]]
    rows += [[p.a_number, p.name, "Asylum"] for p in people(30)]
    where = Where(sheet="Detainees", hidden=True)
    tally = classify(engine, table(rows, where=where, column_names=["A", "B", "C"]))
    assert tally.classes() == {"protected-person": 30}
    (a_number,) = [f for f in tally.findings() if f.detector == "a-number"]
    assert dict(a_number.location) == {
        "sheet": "Detainees",
        "column": "A",
        "header": "A-Number",
        "hidden": True,
    }
    assert a_number.count == 30


def test_a_first_row_of_data_is_not_taken_for_a_header(engine: Engine) -> None:
    rows = [["Asylum", p.name, p.nationality] for p in people(6)]
    assert classify(engine, table(rows)).classes() == {"protected-person": 6}


def test_hidden_rows_and_columns_are_findings_of_their_own(engine: Engine) -> None:
    persons = people(10)
    rows: list[list[Cell]] = [["Name", "A-Number", "Claim Type"]]
    rows += [[p.name, p.a_number, "CAT"] for p in persons]
    unit = table(rows, hidden_rows=frozenset({1, 2, 3}), hidden_columns=frozenset({1}))
    tally = classify(engine, unit)
    assert tally.classes() == {"protected-person": 10}
    found = {(f.detector, f.location["hidden"]): f.count for f in tally.findings()}
    assert found[("person-name", False)] == 7
    assert found[("person-name", True)] == 3  # rows 1-3 are hidden
    assert found[("a-number", True)] == 10  # column B is hidden


def test_a_number_stored_as_a_number_with_a_format(engine: Engine) -> None:
    """``"A"000000000``: the cell holds 212345678, whoever opens the file sees A212345678."""
    persons = people(5)
    rows: list[list[Cell]] = [["ID", "Relief"]]
    rows += [[float(p.a_digits), "Asylum"] for p in persons]
    tally = classify(engine, table(rows, formats={0: '"A"000000000'}))
    assert tally.classes() == {"protected-person": 5}


def test_per_cell_formats(engine: Engine) -> None:
    rows: list[list[Cell]] = [["ID", "Relief"], [212345678, "Asylum"], [212345679, "Asylum"]]
    unit = table(rows, cell_formats=lambda r, c: '"A"000000000' if c == 0 else None)
    assert classify(engine, unit).classes() == {"protected-person": 2}


def test_without_the_format_a_bare_number_is_not_an_a_number(engine: Engine) -> None:
    rows: list[list[Cell]] = [["ID", "Relief"], [212345678, "Asylum"], [212345679, "Asylum"]]
    assert classify(engine, table(rows)).classes() == {}


def test_the_sheet_title_ties_the_rows_to_a_claim(engine: Engine) -> None:
    rows = [["A-Number", "Name"], *[[p.a_number, p.name] for p in people(4)]]
    tally = classify(engine, table(rows, title="Asylum seekers"))
    assert tally.classes() == {"protected-person": 4}
    tally = classify(engine, table(rows, title="Transfers"))
    assert tally.classes() == {"personal-data": 4}


def test_a_column_header_ties_its_values_to_a_claim(engine: Engine) -> None:
    rows = [["Asylum Applicant Name"], *[[p.name] for p in people(3)]]
    assert classify(engine, table(rows)).classes() == {"protected-person": 3}


def test_the_same_person_twice_is_one_person(engine: Engine) -> None:
    p = people(1)[0]
    d = p.a_digits
    rows = [
        ["A-Number", "Name", "Claim Type"],
        [p.a_number, p.name, "Asylum"],
        [f"A-{d[:3]}-{d[3:6]}-{d[6:]}", p.last_first, "CAT"],
        [d, p.name.upper(), "Credible fear"],
    ]
    assert classify(engine, table(rows)).classes() == {"protected-person": 1}


def test_a_claim_column_saying_no(engine: Engine) -> None:
    rows = [["A-Number", "Asylum Claim"], ["A212345678", "Yes"], ["A212345679", "No"]]
    assert classify(engine, table(rows)).classes() == {
        "protected-person": 1,
        "personal-data": 1,
    }


def test_free_text_notes_are_read(engine: Engine) -> None:
    rows = [
        ["Case", "Notes"],
        ["1", "Spoke with GARCIA, Maria about her asylum application"],
        ["2", "Routine transfer, nothing to note"],
        ["3", "A-212-345-678 requested a credible fear interview"],
    ]
    assert classify(engine, table(rows)).classes() == {"protected-person": 2}


def test_many_batches_and_a_late_first_person(engine: Engine) -> None:
    """A clean start does not make a table clean: the person in row 5,000 is found."""
    rows: list[list[Cell]] = [["Country", "Count", "Notes"]]
    rows += [["Guatemala", str(i), ""] for i in range(5000)]
    rows.append(["Guatemala", "1", "A212345678 applied for asylum"])
    assert classify(engine, table(rows)).classes() == {"protected-person": 1}


def test_records_name_split_over_keys_is_one_person(engine: Engine) -> None:
    records = [
        {
            "subject.first_name": p.first,
            "subject.last_name": p.last,
            "dob": p.birthdate.isoformat(),
            "fear_result": "Positive",
        }
        for p in people(4)
    ]
    unit = Records(where=Where(part="x.json"), records=records, title="screenings")
    tally = classify(engine, unit)
    assert tally.classes() == {"protected-person": 4}
    keys = {f.location["key"] for f in tally.findings()}
    assert keys == {"subject.first_name", "subject.last_name", "dob", "fear_result"}


def test_records_integers_as_a_numbers_under_their_key(engine: Engine) -> None:
    records: list[dict[str, Cell]] = [{"alien_no": 212345678, "relief": "Asylum"}]
    records.append({"invoice_no": 212345679, "relief": "Asylum"})
    unit = Records(where=Where(), records=records)
    assert classify(engine, unit).classes() == {"protected-person": 1}


def test_records_title_is_context(engine: Engine) -> None:
    records: list[dict[str, Cell]] = [{"a_number": "A212345678", "name": "Juan Perez"}]
    unit = Records(where=Where(), records=records, title="asylum_applicants")
    assert classify(engine, unit).classes() == {"protected-person": 1}


def test_text_unit_title_is_context(engine: Engine) -> None:
    unit = Text(where=Where(part="mail"), lines=["GARCIA, Maria"], title="Re: her asylum case")
    tally = classify(engine, unit)
    assert tally.classes() == {"protected-person": 1}
    (context,) = [f for f in tally.findings() if f.detector == "protection-claim"]
    assert dict(context.location) == {"part": "mail", "context": "title"}


def test_text_records_are_paragraphs_and_list_items(engine: Engine) -> None:
    lines = [
        "PEREZ, Juan was transferred.",
        "",
        "- GARCIA, Maria: asylum",
        "- LOPEZ, Ana: transfer",
    ]
    tally = classify(engine, Text(where=Where(), lines=lines))
    assert tally.classes() == {"protected-person": 1}


def test_a_pipe_table_in_text_is_a_table(engine: Engine) -> None:
    lines = ["| Name | Claim Type |", "| --- | --- |", "| Juan Perez | CAT |", "", "after"]
    assert classify(engine, Text(where=Where(), lines=lines)).classes() == {"protected-person": 1}


def test_a_very_long_paragraph_is_cut_but_all_of_it_is_read(engine: Engine) -> None:
    lines = ["Credible fear interview list:"] + [f"GARCIA, Maria A2{i:08d}" for i in range(1000)]
    assert classify(engine, Text(where=Where(), lines=lines)).classes() == {
        "protected-person": 1000
    }


@pytest.mark.parametrize(
    ("value", "fmt", "text"),
    [
        (None, None, ""),
        (True, None, "TRUE"),  # a yes/no flag as a spreadsheet shows it
        (False, None, "FALSE"),
        ("x", None, "x"),
        (212345678.0, None, "212345678"),
        (212345678, '"A"000000000', "A212345678"),
        (1.5, None, "1.5"),
    ],
)
def test_cell_text(value: Cell, fmt: str | None, text: str) -> None:
    assert cell_text(value, fmt) == text


def test_column_letters() -> None:
    assert [column_letters(i) for i in (0, 1, 25, 26, 27, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


def test_classes_come_from_the_policy(policy: Policy) -> None:
    """A policy that only cares about A-numbers with a claim: names are nothing to it."""
    doc = policy.to_dict()
    doc = {
        **doc,
        "classes": [
            {
                "id": "claims",
                "cite": "test",
                "rationale": "test",
                "identified_by": [["a-number"]],
                "context": ["protection-claim"],
            }
        ],
        "rules": [{**doc["rules"][0], "applies_to": ["claims"]}],
        "unscannable": {**doc["unscannable"], "treat_as": "claims"},
    }
    narrow = Engine(Policy.from_dict(doc))
    rows = [["A-Number", "Name", "Claim Type"], ["A212345678", "Juan Perez", "CAT"]]
    rows.append(["", "Ana Ruiz", "CAT"])
    assert classify(narrow, table(rows)).classes() == {"claims": 1}


# --- a name split over columns of a table without a header -----------------------------------


def test_a_name_split_over_columns_without_a_header(engine: Engine) -> None:
    """The leaked sheet without header and A-numbers: the names are in two columns."""
    case = tabular.split_names_sheet(12)
    tally = classify(engine, table(case.rows))
    assert tally.classes() == case.classes == {"protected-person": 12}
    names = {f.location["column"]: f.count for f in tally.findings() if f.detector == "person-name"}
    assert names == {"A": 12, "B": 12}


def test_a_split_name_is_one_person_with_its_birthdate(engine: Engine) -> None:
    p = people(1, seed=47)[0]
    row = [p.last.upper(), p.first, p.birthdate.strftime("%m/%d/%Y"), p.nationality, "Asylum"]
    namesake = [p.last.upper(), p.first, "01/02/1970", p.nationality, "CAT"]
    others = [list(r) for r in tabular.split_names_sheet(4).rows]
    others = [[r[0], r[1], r[2], r[3], r[-1]] for r in others]
    tally = classify(engine, table([row, row, namesake, *others]))
    assert tally.classes() == {"protected-person": 6}


def test_categorical_columns_beside_split_names_are_not_names(engine: Engine) -> None:
    """Sex and status are one capitalised word each, like a name part; they are no part of
    the person (who would otherwise count twice when the status changes)."""
    persons = people(6, seed=41)
    rows = [
        [p.last.upper(), p.first, p.birthdate.isoformat(), sex, status, "Asylum"]
        for p, sex, status in zip(
            persons,
            ["Male", "Female"] * 3,
            ["Pending", "Released", "Detained", "Pending", "Released", "Detained"],
            strict=True,
        )
    ]
    rows.append([*rows[0][:4], "Released", "Asylum"])  # the first person again, released
    tally = classify(engine, table(rows))
    assert tally.classes() == {"protected-person": 6}
    columns = {f.location["column"] for f in tally.findings() if f.detector == "person-name"}
    assert columns == {"A", "B"}


# Without a birthdate, a claim anchors parts that hold common names (``GARCIA | Maria |
# Asylum``): see test_classify_name_parts.py.
@pytest.mark.parametrize(
    ("keep", "why"),
    [([0, 1, 2, 3], "no claim, no nationality, no facility")],
)
def test_split_names_need_a_birthdate_and_a_claim(
    engine: Engine, keep: list[int], why: str
) -> None:
    persons = people(8, seed=42)
    rows = [
        [p.last.upper(), p.first, p.birthdate.isoformat(), "Detained", "Asylum"] for p in persons
    ]
    assert classify(engine, table(rows)).classes() == {"protected-person": 8}
    cut = [[row[c] for c in keep] for row in rows]
    assert classify(engine, table(cut)).classes() == {}, why


def test_split_names_with_nationality_and_facility_are_personal_data(engine: Engine) -> None:
    """Without a claim, the shape of a detainee roster (birthdate, nationality, facility)."""
    persons = people(7, seed=43)
    rows = [
        [p.last.upper(), p.first, p.birthdate.isoformat(), p.nationality, p.facility]
        for p in persons
    ]
    assert classify(engine, table(rows)).classes() == {"personal-data": 7}


def test_a_claim_in_the_title_ties_split_names(engine: Engine) -> None:
    persons = people(5, seed=44)
    rows = [[p.last.upper(), p.first, p.birthdate.isoformat()] for p in persons]
    assert classify(engine, table(rows)).classes() == {}
    tally = classify(engine, table(rows, title="Credible fear referrals"))
    assert tally.classes() == {"protected-person": 5}


def test_a_header_outside_the_vocabulary_is_judged_as_no_header(engine: Engine) -> None:
    """Headers that say nothing known leave the columns to their values, as without a header;
    only headers naming officials or outsiders ("Interpreter") explain names away."""
    persons = people(6, seed=45)
    body = [[p.last.upper(), p.first, p.birthdate.isoformat(), "Asylum"] for p in persons]
    assert classify(engine, table(body)).classes() == {"protected-person": 6}
    rows = [["Code", "Label", "DOB", "Claim Type"], *body]
    assert classify(engine, table(rows)).classes() == {"protected-person": 6}
    named = [[p.name, "Asylum"] for p in persons]
    assert classify(engine, table([["Person", "Claim Type"], *named])).classes() == {
        "protected-person": 6
    }
    assert classify(engine, table([["Interpreter", "Claim Type"], *named])).classes() == {}


@pytest.mark.parametrize(
    "case",
    [c for c in tabular.NEGATIVES if "no-header" in c.name or "redacted" in c.name],
    ids=lambda c: c.name,
)
def test_header_less_negatives_stay_clean(engine: Engine, case: tabular.Case) -> None:
    assert classify(engine, table(case.rows)).classes() == {}


# --- redaction marks ----------------------------------------------------------------------------


@pytest.mark.parametrize("mark", tabular.REDACTION_MARKS)
def test_a_redacted_name_column_identifies_nobody(engine: Engine, mark: str) -> None:
    persons = people(5, seed=46)
    rows = [["Name", "DOB", "Claim Type"]]
    rows += [[mark, p.birthdate.isoformat(), "Asylum"] for p in persons]
    assert classify(engine, table(rows)).classes() == {}
    # One real name among the marks is one person.
    rows[3][0] = persons[2].name
    assert classify(engine, table(rows)).classes() == {"protected-person": 1}


@pytest.mark.parametrize("mark", tabular.REDACTION_MARKS)
def test_a_redacted_claim_ties_nobody_to_a_claim(engine: Engine, mark: str) -> None:
    rows = [["A-Number", "Claim Type"], ["A212345678", mark], ["A212345679", "Asylum"]]
    assert classify(engine, table(rows)).classes() == {
        "protected-person": 1,
        "personal-data": 1,
    }


@pytest.mark.parametrize("mark", tabular.REDACTION_MARKS)
def test_a_redacted_name_in_records_identifies_nobody(engine: Engine, mark: str) -> None:
    records: list[dict[str, Cell]] = [
        {"name": mark, "first_name": mark, "dob": "1985-03-02", "relief": "Asylum"},
        {"name": "Juan Perez", "dob": "1985-03-02", "relief": "Asylum"},
    ]
    unit = Records(where=Where(), records=records)
    assert classify(engine, unit).classes() == {"protected-person": 1}


@pytest.mark.parametrize("mark", tabular.REDACTION_MARKS)
def test_a_redacted_name_in_text_identifies_nobody(engine: Engine, mark: str) -> None:
    lines = [f"Name: {mark}", "DOB: 03/02/1985", "Relief sought: asylum"]
    assert classify(engine, Text(where=Where(), lines=lines)).classes() == {}
    lines[0] = "Name: Juan Perez"
    assert classify(engine, Text(where=Where(), lines=lines)).classes() == {"protected-person": 1}


# --- locations fit the ledger's schema ------------------------------------------------------------


def _location_schema() -> dict[str, Any]:
    from approval.schemas import load_schema

    scan = load_schema("statement")["$defs"]["scan_summary"]
    schema: dict[str, Any] = scan["properties"]["findings"]["items"]["properties"]["location"]
    return schema


def test_long_names_in_locations_are_cut_to_the_schema() -> None:
    import jsonschema

    from approval.policy import default_policy

    engine = Engine(default_policy())
    schema = _location_schema()
    long_sheet, long_part = "S" * 400, "p/" * 400
    rows = [["A-Number", "Asylum claim " + "h" * 300], ["A212345678", "Yes"]]
    key = "applicants." + "k" * 300 + ".a_number"
    units: list[Table | Records | Text] = [
        table(rows, where=Where(part=long_part, sheet=long_sheet, hidden=True)),
        Records(
            where=Where(part=long_part, sheet=long_sheet),
            records=[{key: "A212345678", "relief": "Asylum"}],
        ),
        Text(
            where=Where(part=long_part),
            lines=["GARCIA, Maria A212345678"],
            title="Asylum " + "t" * 300,
        ),
    ]
    tally = classify(engine, *units)
    findings = tally.findings()
    assert {f.detector for f in findings} >= {"a-number", "protection-claim"}
    assert {k for f in findings for k in f.location} == {
        "part",
        "sheet",
        "column",
        "header",
        "hidden",
        "key",
        "line",
        "context",
    }
    for finding in findings:
        jsonschema.validate(dict(finding.location), schema)
    limits = {"sheet": 200, "part": 500, "header": 200, "key": 200}
    for name, limit in limits.items():
        assert max(len(f.location[name]) for f in findings if name in f.location) <= limit


def test_every_location_key_the_scanner_emits_is_in_the_schema(engine: Engine) -> None:
    """Scan the tables and prose corpora; every location must validate as the ledger will."""
    import jsonschema

    from tests.corpus import text as prose

    schema = _location_schema()
    units: list[Table | Records | Text] = [
        table(c.rows, where=Where(sheet="Sheet1")) for c in tabular.POSITIVES
    ]
    units += [
        Text(where=Where(part=c.name), lines=c.text.splitlines(), title=c.name)
        for c in prose.POSITIVES
    ]
    units.append(
        Records(
            where=Where(part="x.json", hidden=True),
            records=[{"people[0].name": "Juan Perez", "people[0].relief": "CAT"}],
        )
    )
    tally = classify(engine, *units)
    keys = {k for f in tally.findings() for k in f.location}
    assert keys <= set(schema["properties"])
    assert {"sheet", "column", "header", "hidden", "part", "line", "context", "key"} <= keys
    for finding in tally.findings():
        jsonschema.validate(dict(finding.location), schema)


def test_an_outcome_that_sounds_like_a_mark_is_still_a_claim(engine: Engine) -> None:
    """ "Removed" under a claim header is what became of the claim, not a redaction."""
    rows = [["A-Number", "Asylum Status"], ["A212345678", "Removed"], ["A212345679", "[removed]"]]
    assert classify(engine, table(rows)).classes() == {
        "protected-person": 1,
        "personal-data": 1,
    }


# --- context that carries (issue 19) ----------------------------------------------------------


def _rows_text(persons: Sequence[Any]) -> list[str]:
    return [f"{p.last_first}    {p.a_number}    {p.birthdate:%m/%d/%Y}" for p in persons]


@pytest.mark.parametrize(
    ("heading", "cls"),
    [("CREDIBLE FEAR REFERRALS, WEEK 45", "protected-person"), ("Transfer list", "personal-data")],
)
def test_a_heading_line_governs_the_paragraphs_after_it(
    engine: Engine, heading: str, cls: str
) -> None:
    persons = people(12)
    lines = [heading, "", *_rows_text(persons[:6]), "", "Page 2", "", *_rows_text(persons[6:])]
    tally = classify(engine, Text(Where(), lines))
    assert tally.classes() == {cls: 12}


def test_the_next_heading_line_ends_the_previous_one(engine: Engine) -> None:
    persons = people(8)
    lines = ["Credible fear referrals", "", *_rows_text(persons[:3])]
    lines += ["", "Transfers to Otay Mesa", "", *_rows_text(persons[3:])]
    tally = classify(engine, Text(Where(), lines))
    assert tally.classes() == {"protected-person": 3, "personal-data": 5}


def test_a_sentence_standing_alone_is_no_heading(engine: Engine) -> None:
    persons = people(4)
    lines = ["He said he fears asylum officers.", "", *_rows_text(persons)]
    assert classify(engine, Text(Where(), lines)).classes() == {"personal-data": 4}


def test_a_heading_governs_the_pages_that_continue_its_table(engine: Engine) -> None:
    persons = people(30)
    pages = [
        Text(
            Where(part=f"page {n + 1}"),
            (["Credible fear referrals, week 45"] if n == 0 else []) + _rows_text(persons[n::3]),
            flow="pages",
            continues=n > 0,
        )
        for n in range(3)
    ]
    assert classify(engine, *pages).classes() == {"protected-person": 30}
    # Without the flow, each page is read on its own.
    alone = [Text(p.where, list(p.lines)) for p in pages]
    assert classify(engine, *alone).classes() == {"protected-person": 10, "personal-data": 20}


def test_a_fixed_width_report_is_a_table_titled_by_its_page_header(engine: Engine) -> None:
    persons = people(25)
    widths = (22, 12, 12)

    def row(*values: str) -> str:
        return "".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    lines: list[str] = []
    for page, start in enumerate(range(0, 25, 10), 1):
        lines += [
            ("\f" if page > 1 else "") + f"RUN DATE 12/05/22      DHS      PAGE {page}",
            "CREDIBLE FEAR REFERRAL REPORT",
            "",
            row("NAME", "A-NUMBER", "BIRTH DATE"),
            row("-" * 20, "-" * 10, "-" * 10),
        ]
        lines += [
            row(p.last_first.upper(), p.a_number, f"{p.birthdate:%m/%d/%Y}")
            for p in persons[start : start + 10]
        ]
        lines.append("")
    lines += ["TOTAL RECORDS: 25", "The report ends here and nothing else is listed below it."]
    tally = classify(engine, Text(Where(), lines))
    assert tally.classes() == {"protected-person": 25}
    columns = {f.location.get("header") for f in tally.findings() if "column" in f.location}
    assert {"NAME", "A-NUMBER", "BIRTH DATE"} <= columns


def test_quoted_replies_keep_their_structure(engine: Engine) -> None:
    persons = people(5)
    lines = ["Thanks, see below.", "", "On Monday, Records wrote:"]
    lines += ["> # Asylum referrals", ">"] + [f"> {t}" for t in _rows_text(persons)]
    assert classify(engine, Text(Where(), lines)).classes() == {"protected-person": 5}


def test_a_quoted_subject_governs_what_follows(engine: Engine) -> None:
    persons = people(4)
    lines = ["FYI.", "", "-----Original Message-----", "From: Intake", "Subject: CFI results", ""]
    lines += _rows_text(persons)
    assert classify(engine, Text(Where(), lines)).classes() == {"protected-person": 4}


# --- distinct persons (issue 19) --------------------------------------------------------------


def test_the_same_persons_by_a_number_and_by_name_and_birthdate_count_once(
    engine: Engine,
) -> None:
    persons = people(15)
    full = [["A-Number", "Name", "DOB", "Claim"]]
    full += [[p.a_number, p.last_first, f"{p.birthdate:%m/%d/%Y}", "Asylum"] for p in persons]
    named = [["Name", "Date of Birth", "Claim"]]
    named += [[p.name, p.birthdate.isoformat(), "Asylum"] for p in persons]
    for order in ((full, named), (named, full)):
        tally = classify(engine, *(table(rows) for rows in order))
        assert tally.classes() == {"protected-person": 15}


def test_the_same_persons_by_name_and_facility_count_once(engine: Engine) -> None:
    persons = people(10)
    full = [["A-Number", "Name", "Detention Facility", "Claim"]]
    full += [[p.a_number, p.last_first, p.facility, "Asylum"] for p in persons]
    named = [["Name", "Detention Facility", "Claim"]]
    named += [[p.last_first, p.facility, "Asylum"] for p in persons]
    tally = classify(engine, table(named), table(full))
    assert tally.classes() == {"protected-person": 10}


def test_namesakes_with_other_birthdates_are_other_persons(engine: Engine) -> None:
    persons = people(6)
    rows = [["Name", "Date of Birth", "Claim"]]
    rows += [["GARCIA, Maria", p.birthdate.isoformat(), "Asylum"] for p in persons]
    assert classify(engine, table(rows)).classes() == {"protected-person": 6}


def test_a_person_counts_once_in_the_strictest_class(engine: Engine) -> None:
    persons = people(6)
    claimed = [["A-Number", "Name", "Claim"]] + [[p.a_number, p.name, "Asylum"] for p in persons]
    plain = [["A-Number", "Name"]] + [[p.a_number, p.name] for p in people(9)]
    tally = classify(engine, table(claimed), table(plain))
    assert tally.classes() == {"protected-person": 6, "personal-data": 3}


def test_prose_pairs_a_name_with_the_birthdate_on_its_line(engine: Engine) -> None:
    persons = people(4)
    lines = ["Asylum referrals:", ""]
    lines += [f"{p.last_first}, DOB {p.birthdate:%m/%d/%Y}" for p in persons]
    rows = [["Name", "DOB", "A-Number", "Claim"]]
    rows += [[p.name, p.birthdate.isoformat(), p.a_number, "Asylum"] for p in persons]
    tally = classify(engine, Text(Where(), lines), table(rows))
    assert tally.classes() == {"protected-person": 4}


def test_a_name_alone_links_to_the_one_person_who_bears_it() -> None:
    from approval.detect.detectors.person_name import person_key

    ana, bo = person_key("Ana Diaz"), person_key("DIAZ, Bo")
    tally = Tally(["protected-person"])
    tally.add_person("protected-person", [212345678, person_key("Ana Diaz", "1985-03-04"), ana])
    tally.add_person("protected-person", [ana])  # Ana again, by name only
    assert tally.classes() == {"protected-person": 1}
    # Two persons called Bo Diaz: the name alone is neither of them.
    tally.add_person("protected-person", [212345679, bo])
    tally.add_person("protected-person", [212345670, bo])
    tally.add_person("protected-person", [bo])
    assert tally.classes() == {"protected-person": 4}


# System exports abbreviate their headers: ANUM, ALIEN_NO, A#; LAST and FIRST for a name.
@pytest.mark.parametrize(
    ("a_header", "last", "first"),
    [
        ("ANUM", "LAST", "FIRST"),
        ("A_NUM", "LNAME", "FNAME"),
        ("alien_no", "last_nm", "first_nm"),
        ("A#", "Surname", "Given"),
        ("ALIEN NUMBER", "last", "first"),
        ("A-FILE", "LST_NM", "FST_NM"),
        ("AXXXXXXXX", "Last", "First"),
        ("Anbr", "family", "given names"),
    ],
)
def test_abbreviated_headers_of_a_numbers_and_name_parts(
    engine: Engine, a_header: str, last: str, first: str
) -> None:
    persons = people(5, seed=91)
    rows: list[list[Cell]] = [[last, first, a_header, "STATUS"]]
    rows += [[p.last.upper(), p.first, p.a_number[1:], "GRANTED"] for p in persons]
    tally = classify(engine, table(rows, title="Asylum grants"))
    assert tally.classes() == {"protected-person": 5}
    headers = {f.detector: f.location.get("header") for f in tally.findings()}
    assert headers["a-number"] == a_header
    assert headers["person-name"] in {last, first}


@pytest.mark.parametrize("header", ["RECEIPT_NO", "CASE_NUM", "BATCH #", "LAST_RUN", "FIRST_ID"])
def test_bare_numbers_under_other_headers_are_no_a_numbers(engine: Engine, header: str) -> None:
    # Receipt, case and batch numbers have nine digits too: only an A-number header makes
    # bare digits A-numbers.
    rows: list[list[Cell]] = [["OFFICE", header, "STATUS"]]
    rows += [["Houston", p.a_number[1:], "GRANTED"] for p in people(5, seed=92)]
    tally = classify(engine, table(rows, title="Asylum grants"))
    assert (tally.classes(), list(tally.findings())) == ({}, [])


def test_a_header_that_begins_with_last_is_no_name(engine: Engine) -> None:
    # "Last" and "First" name a part of a name only as the whole header.
    rows: list[list[Cell]] = [["A-Number", "Last updated", "First hearing"]]
    rows += [[p.a_number, "Houston", "Dallas"] for p in people(5, seed=93)]
    tally = classify(engine, table(rows))
    assert tally.classes() == {"personal-data": 5}
    assert {f.detector for f in tally.findings()} == {"a-number"}


def test_name_parts_beside_a_numbers_without_a_header(engine: Engine) -> None:
    rows: list[list[Cell]] = [[p.last.upper(), p.first, p.a_number, p.facility] for p in people(6)]
    tally = classify(engine, table(rows))
    assert tally.classes() == {"personal-data": 6}
    assert {f.detector for f in tally.findings()} >= {"a-number", "person-name"}


def test_a_preamble_of_several_cells_above_the_header(engine: Engine) -> None:
    # "Prepared by:" and a name in two cells, a date in two more: the report's head, not data.
    persons = people(4, seed=94)
    rows: list[list[Cell]] = [
        ["Credible fear referrals", "", ""],
        ["Prepared by:", "records unit", ""],
        ["Run date:", "11/08/2024", ""],
        ["Name", "ANUM", "Facility"],
        *[[p.name, p.a_number[1:], p.facility] for p in persons],
    ]
    tally = classify(engine, table(rows))
    assert tally.classes() == {"protected-person": 4}
    (a_number,) = [f for f in tally.findings() if f.detector == "a-number"]
    assert a_number.location.get("header") == "ANUM"
