"""Shapes whose structure, not their keys' words, holds the persons: identifiers as keys, lists
under a claim's key, the frames pandas writes; and configuration files that stay clean."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from approval.detect.readers.json import READER, JsonReader
from approval.detect.readers.yaml import READER as YAML
from approval.detect.scan import scan_file
from approval.detect.units import Limits
from approval.policy import Policy
from tests.corpus import json_shapes
from tests.corpus.documents import Built, dump, reason, source


def _read(document: object, reader: JsonReader = READER) -> list[tuple[object, ...]]:
    return dump(reader.read(source(json.dumps(document).encode(), "x.json"), Limits()))


@pytest.mark.parametrize("build", json_shapes.BUILDERS, ids=lambda b: b.__name__)
def test_each_shape_scans_as_its_builder_says(
    tmp_path: Path, policy: Policy, build: Callable[[Path], Built]
) -> None:
    built = build(tmp_path)

    report = scan_file(built.path, policy)

    assert (report.verdict, dict(report.classes)) == (built.verdict, built.persons)


def test_an_a_number_key_is_a_column_of_the_record_its_value_forms() -> None:
    document = {
        "report": "Referrals",
        "A212345678": "credible fear positive",
        "A-212-345-679": {"result": "negative"},
        "A212345680": ["CAT", "withholding"],
    }

    assert _read(document) == [
        ("records", "", None, False, [{"report": "Referrals"}]),
        (
            "records",
            "report = Referrals: ",
            None,
            False,
            [
                {"@key": "A212345678", "value": "credible fear positive"},
                {"@key": "A-212-345-679", "result": "negative"},
                {"@key": "A212345680", "value[0]": "CAT", "value[1]": "withholding"},
            ],
        ),
    ]


def test_a_nested_map_of_a_numbers_is_a_column_titled_by_its_key() -> None:
    document = {"count": 2, "asylum_cases": {"A212345678": "pending", "A212345679": "closed"}}

    assert _read(document)[1] == (
        "records",
        "count = 2: asylum_cases",
        None,
        False,
        [
            {"@key": "A212345678", "asylum_cases": "pending"},
            {"@key": "A212345679", "asylum_cases": "closed"},
        ],
    )
    # Alone, the same map is a frame's column (pandas' orient=columns), indexed by A-number.
    assert _read({"asylum_cases": document["asylum_cases"]}) == [
        (
            "table",
            "",
            None,
            False,
            [["", "asylum_cases"], ["A212345678", "pending"], ["A212345679", "closed"]],
        )
    ]


@pytest.mark.parametrize(
    "key",
    ["212345678", "2023-000451", "A-2023-00451", "a1b2c3d4e5", "SKU-A218343183X", "v1.2.3"],
)
def test_keys_that_are_not_a_numbers_stay_fields(key: str) -> None:
    assert _read({key: "asylum"}) == [("records", "", None, False, [{key: "asylum"}])]


def test_a_repeated_a_number_key_keeps_both_records() -> None:
    data = b'{"A212345678": "positive", "A212345678": "negative"}'

    assert dump(READER.read(source(data, "x.json"), Limits())) == [
        (
            "records",
            "",
            None,
            False,
            [
                {"@key": "A212345678", "value": "positive"},
                {"@key": "A212345678", "value": "negative"},
            ],
        )
    ]


def test_a_streamed_object_keeps_its_a_number_keys() -> None:
    tiny = JsonReader(full_load_bytes=0, element_bytes=64, scalar_bytes=128, chunk_bytes=7)
    document = {"title": "CF", **{f"A21234567{n}": f"case {n}" for n in range(6)}}

    units = _read(document, reader=tiny)

    keyed = [r for u in units for r in u[4] if isinstance(r, dict) and "@key" in r]  # type: ignore[attr-defined]
    assert [r["@key"] for r in keyed] == [f"A21234567{n}" for n in range(6)]
    assert {u[1] for u in units if u[4] and "@key" in u[4][0]} == {"CF: "}  # type: ignore[index]


def test_objects_keyed_by_names_with_shared_fields_are_records() -> None:
    document = {
        "Maria GARCIA": {"dob": "1990-01-02", "claim": "asylum"},
        "LOPEZ, Jose": {"dob": "1985-03-04", "claim": "asylum", "note": "x"},
    }

    assert _read(document) == [
        (
            "records",
            "",
            None,
            False,
            [
                {"@key": "Maria GARCIA", "dob": "1990-01-02", "claim": "asylum"},
                {"@key": "LOPEZ, Jose", "dob": "1985-03-04", "claim": "asylum", "note": "x"},
            ],
        )
    ]


@pytest.mark.parametrize(
    "document",
    [
        # Sections of one record: no field in common.
        {"Personal Info": {"name": "Ana Diaz"}, "Case Details": {"claim": "asylum"}},
        # Title-case field names over scalars are a record's fields.
        {"Last Name": "DIAZ", "First Name": "Ana", "Fear Result": "Positive"},
    ],
)
def test_title_case_keys_of_one_record_stay_one_record(document: dict[str, object]) -> None:
    ((kind, _, _, _, records),) = _read(document)

    assert kind == "records"
    assert len(records) == 1  # type: ignore[arg-type]


def test_a_list_under_a_key_is_a_column_titled_by_it() -> None:
    assert _read({"cfi_positive": ["Ana Diaz", "Bo Li"]}) == [
        ("records", "", None, False, [{"cfi_positive[0]": "Ana Diaz", "cfi_positive[1]": "Bo Li"}]),
        ("table", "CFI_positive", None, False, [["Ana Diaz"], ["Bo Li"]]),
    ]


def test_lists_are_titled_by_their_record_and_lists_of_one_length_are_zipped() -> None:
    document = {"claim": "asylum", "name": ["Ana Diaz", "Bo Li"], "dob": ["1990-01-02", "x"]}

    assert _read(document)[1:] == [
        ("table", "claim = asylum: name", None, False, [["Ana Diaz"], ["Bo Li"]]),
        ("table", "claim = asylum: DOB", None, False, [["1990-01-02"], ["x"]]),
        (
            "table",
            "claim = asylum: ",
            None,
            False,
            [["name", "dob"], ["Ana Diaz", "1990-01-02"], ["Bo Li", "x"]],
        ),
    ]


def test_a_list_is_titled_by_its_record_s_fields_title_like_first() -> None:
    units = _read({"office": "Houston", "program": "Credible fear", "names": ["Ana Diaz"]})

    ((_, title, _, _, rows),) = [u for u in units if u[0] == "table"]
    assert title == "program = Credible fear; office = Houston: names"
    assert rows == [["Ana Diaz"]]


def test_pandas_orient_split_is_a_table() -> None:
    document = {
        "columns": ["name", "cfi"],
        "index": [10, 11],
        "data": [["Ana Diaz", "POS"], ["Bo Li", "NEG"]],
    }

    assert _read(document) == [
        (
            "table",
            "",
            None,
            False,
            [["", "name", "cfi"], [10, "Ana Diaz", "POS"], [11, "Bo Li", "NEG"]],
        )
    ]


def test_a_schema_of_fields_heads_its_rows() -> None:
    document = {
        "title": "CF",
        "fields": [{"name": "name"}, {"name": "cfi"}],
        "rows": [["Ana", "P"]],
    }

    assert _read(document) == [
        ("table", "", None, False, [["name", "cfi"], ["Ana", "P"]]),
        ("records", "", None, False, [{"title": "CF"}]),
    ]


def test_rows_narrower_than_the_columns_are_not_split_orient() -> None:
    units = _read({"columns": ["a", "b"], "data": [["x"]]})

    assert [u[0] for u in units] == ["records", "table", "table"]  # columns, rows, columns


def test_pandas_orient_columns_is_a_table_and_orient_index_records() -> None:
    columns = {"name": {"0": "Ana Diaz", "1": "Bo Li"}, "cfi": {"0": "POS", "1": "NEG"}}
    index = {"0": {"name": "Ana Diaz", "cfi": "POS"}, "1": {"name": "Bo Li", "cfi": "NEG"}}

    assert _read(columns) == [
        (
            "table",
            "",
            None,
            False,
            [["", "name", "cfi"], ["0", "Ana Diaz", "POS"], ["1", "Bo Li", "NEG"]],
        )
    ]
    assert _read(index) == [
        (
            "records",
            "",
            None,
            False,
            [
                {"@key": "0", "name": "Ana Diaz", "cfi": "POS"},
                {"@key": "1", "name": "Bo Li", "cfi": "NEG"},
            ],
        )
    ]


def test_a_frame_nested_in_a_record_is_titled_by_the_record() -> None:
    document = {"report": "CF", "frame": {"name": {"0": "Ana Diaz", "1": "Bo Li"}}}

    assert _read(document)[1] == (
        "table",
        "report = CF: frame",
        None,
        False,
        [["", "name"], ["0", "Ana Diaz"], ["1", "Bo Li"]],
    )


def test_only_a_code_path_is_read_in_capitals() -> None:
    titles = [
        u[1]
        for u in _read(
            {
                "rfi_neg": ["Ana Diaz"],
                "Cat photos": ["Bo Li", "Cy Wu"],
                "people": [{"name": "Ana"}],
            }
        )
    ]

    assert titles == ["", "people", "RFI_NEG", "Cat photos"]


def test_nesting_under_an_a_number_key_is_bounded() -> None:
    data = b'{"A212345678": ' + b'{"a": ' * 70 + b"1" + b"}" * 70 + b"}"

    assert reason(READER.read(source(data, "x.json"), Limits())) == (
        "too deeply nested: more than 64 levels"
    )


@pytest.mark.parametrize("key", ["a", "A212345678"])
def test_lists_nested_past_the_limit_in_a_record_are_refused_not_recursed(key: str) -> None:
    # Deep enough for the parser, too deep for a recursive walk of the record's lists.
    data = b'{"' + key.encode() + b'": ' + b"[" * 900 + b"]" * 900 + b"}"

    assert reason(READER.read(source(data, "x.json"), Limits())) == (
        "too deeply nested: more than 64 levels"
    )


def test_aliases_that_expand_a_record_s_list_are_an_alias_bomb() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        lines.append(
            f"l{level}: &l{level} ["
            + ", ".join([f"*{'a' if level == 1 else f'l{level - 1}'}"] * 10)
            + "]"
        )
    text = "\n".join([*lines, "record:", "  name: x", "  deep: *l8", ""])

    assert reason(YAML.read(source(text.encode(), "x.yaml"), Limits())) == (
        "alias bomb: aliases expand the document too far"
    )


def test_an_array_s_records_stay_one_unit_whatever_their_lists() -> None:
    people = [{"name": f"Person {n}", "relief": ["asylum", "CAT"]} for n in range(3)]

    units = _read({"program": "Credible fear", "people": people})

    assert [(u[0], u[1], len(u[4])) for u in units] == [  # type: ignore[arg-type]
        ("records", "", 1),
        ("records", "Credible fear: people", 3),
        ("table", "Credible fear: people.relief", 6),
    ]
