"""The JSON reader: nested documents flattened into records, NDJSON line by line, large files
streamed, and hostile input refused with a reason."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import BinaryIO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approval.detect.readers.json import READER, JsonReader
from approval.detect.units import PARSED, Limits, Part, Probe, Records, Source
from tests.corpus import documents as docs
from tests.corpus.documents import dump, mangle, read_or_refuse, reason, source

CASE = {
    "title": "Credible fear interviews",
    "count": 2,
    "applicants": [
        {
            "name": "Ana Diaz",
            "a_number": 212345678,
            "dob": "1990-01-02",
            "aliases": ["Ana D", "AD"],
            "case": {
                "type": "asylum",
                "dependents": [{"name": "Luis Diaz", "a_number": 212345679}],
            },
        },
        {"name": "Bo Li", "a_number": 223456789, "flags": [[1, 2]]},
    ],
}


def _read(
    data: bytes, name: str = "x.json", reader: JsonReader = READER
) -> list[tuple[object, ...]]:
    return dump(reader.read(source(data, name), Limits()))


@pytest.mark.parametrize(
    ("head", "accepted"),
    [
        (b'{"name": "Ana"}', True),
        (b'  \n[{"a": 1}, {"b": ', True),  # cut by the 8 KiB head
        (b'{"a": 1}\n{"a": 2}\n', True),
        (b"\xef\xbb\xbf[1, 2, 3]", True),
        ('{"a": 1}'.encode("utf-16"), True),
        (b"[" * 10_000, True),
        (b'["a","b"]\n["c","d"]\n', True),  # NDJSON rows, whatever the file is called
        (b"[1] See the footnote.", False),
        (b"[1,2]\n3,4\n", False),
        (b"{a: 1, b: 2}\n", False),
        (b"{name} is a template", False),
        (b"name,a_number\nAna,1\n", False),
        (b"plain text", False),
        (b"", False),
    ],
)
def test_accepts_json_by_content_alone(head: bytes, accepted: bool) -> None:
    assert READER.accepts(Probe(head=head, size=len(head))) is accepted


def test_a_json_read_covers_the_text_csv_and_yaml_reads() -> None:
    assert {"text", "csv", "yaml"} <= READER.subsumes
    units = list(READER.read(source(b'{"a": 1}', "x"), Limits()))
    assert units[0] == Part("body", "json", 8, PARSED)


def test_objects_are_flattened_into_records_under_their_context() -> None:
    assert _read(json.dumps(CASE).encode()) == [
        ("records", "", None, False, [{"title": "Credible fear interviews", "count": 2}]),
        # An array's records make one unit; what its elements hold comes after them.
        (
            "records",
            "Credible fear interviews: applicants",
            None,
            False,
            [
                {
                    "name": "Ana Diaz",
                    "a_number": 212345678,  # still an integer
                    "dob": "1990-01-02",
                    "aliases[0]": "Ana D",
                    "aliases[1]": "AD",
                    "case.type": "asylum",
                },
                {"name": "Bo Li", "a_number": 223456789},
            ],
        ),
        (
            "records",
            "Credible fear interviews: applicants.case.dependents",
            None,
            False,
            [{"name": "Luis Diaz", "a_number": 212345679}],
        ),
        # An array of scalars is also a column of its own.
        (
            "table",
            "Credible fear interviews: applicants.aliases",
            None,
            False,
            [["Ana D"], ["AD"]],
        ),
        # Rows, under the fields of the record they were part of.
        (
            "table",
            "name = Bo Li; a_number = 223456789: Credible fear interviews: applicants.flags",
            None,
            False,
            [[1, 2]],
        ),
    ]


def test_a_top_level_array_of_objects_is_one_unit_of_records() -> None:
    data = json.dumps([{"name": f"P{n}", "a": n} for n in range(3)]).encode()

    assert _read(data) == [
        (
            "records",
            "",
            None,
            False,
            [{"name": "P0", "a": 0}, {"name": "P1", "a": 1}, {"name": "P2", "a": 2}],
        )
    ]


def test_arrays_of_rows_are_tables() -> None:
    data = b'{"rows": [["Name", "A-Number"], ["Ana Diaz", 212345678]], "ids": [1, 2]}'

    assert _read(data) == [
        ("records", "", None, False, [{"ids[0]": 1, "ids[1]": 2}]),
        ("table", "rows", None, False, [["Name", "A-Number"], ["Ana Diaz", 212345678]]),
        ("table", "IDS", None, False, [[1], [2]]),  # a code's short words read as acronyms
    ]
    assert _read(b'[["Name", "A-Number"], ["Ana Diaz", 212345678], "loose"]') == [
        ("table", "", None, False, [["Name", "A-Number"], ["Ana Diaz", 212345678], ["loose"]])
    ]


def test_a_map_keyed_by_identifiers_is_a_map_of_records() -> None:
    data = b'{"A212345678": {"name": "Ana"}, "A212345679": {"name": "Bo", "claim": "CAT"}}'

    assert _read(data) == [
        (
            "records",
            "",
            None,
            False,
            [
                {"@key": "A212345678", "name": "Ana"},
                {"@key": "A212345679", "name": "Bo", "claim": "CAT"},
            ],
        )
    ]


def test_scalars_and_empty_documents() -> None:
    assert _read(b"212345678") == [("records", "", None, False, [{"value": 212345678}])]
    assert _read(b"") == []
    assert _read(b" \n\t ") == []
    assert _read(b"{}") == []
    assert _read(b'{"a": null, "b": true, "c": 1.5}') == [
        ("records", "", None, False, [{"a": None, "b": True, "c": 1.5}])
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ('{"name": "José"}'.encode("utf-16"), "José"),
        (b'\xef\xbb\xbf{"name": "Jos\xc3\xa9"}', "José"),
        (b'{"name": "Jos\xe9"}', "José"),  # a legacy export in cp1252
        (b'\xef\xbb\xbf{"name": "Jos\xe9"}', "José"),
    ],
)
def test_encodings(data: bytes, expected: str) -> None:
    assert _read(data) == [("records", "", None, False, [{"name": expected}])]


def test_ndjson_is_read_line_by_line() -> None:
    data = b'{"alien_no": 212345678, "relief_sought": "Asylum"}\n\n{"alien_no": 212345679}\n'

    expected = [
        (
            "records",
            "",
            None,
            False,
            [{"alien_no": 212345678, "relief_sought": "Asylum"}, {"alien_no": 212345679}],
        )
    ]
    assert _read(data, "relief.ndjson") == expected
    assert _read(data, "relief.json") == expected  # sniffed: a whole value, then another line


def test_a_bad_ndjson_line_is_corrupt_after_the_good_ones() -> None:
    units = READER.read(source(b'{"a": 1}\n{"a": 2}\nnot json\n', "x.jsonl"), Limits())
    assert isinstance(next(units), Part)
    first = next(units)
    assert isinstance(first, Records)
    records = iter(first.records)

    assert next(records) == {"a": 1}
    assert next(records) == {"a": 2}
    assert reason(units) == "corrupt: NDJSON line 3 is not JSON"


def test_the_json_fixtures_read_as_their_builders_say(tmp_path: Path) -> None:
    built = docs.json_records(tmp_path)
    units = _read(built.path.read_bytes())
    (records,) = [u for u in units if u[1] == "Credible fear screenings, November 2022: records"]
    assert len(records[4]) == 6  # type: ignore[arg-type]
    assert all(isinstance(r["a_number"], int) for r in records[4])  # type: ignore[attr-defined]

    ndjson = _read(docs.ndjson_records(tmp_path).path.read_bytes(), "relief.ndjson")
    assert [len(u[4]) for u in ndjson] == [4]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "limits", "expected"),
    [
        (b"[" * 100_000 + b"]" * 100_000, Limits(), "too deeply nested: more than 64 levels"),
        (b"[" * 100_000, Limits(), "too deeply nested: more than 64 levels"),
        (b'{"a":' * 66 + b"1" + b"}" * 66, Limits(), "too deeply nested: more than 64 levels"),
        (b'{"a": {"b": [1]}}', Limits(max_nesting=2), "too deeply nested: more than 2 levels"),
        (b'{"name": "Ana Diaz", ', Limits(), "corrupt: invalid JSON at line 1"),
        (b'{"a": 1}\n\n{"name": "Ana Diaz" x}', Limits(), "corrupt: NDJSON line 3 is not JSON"),
        (b"[" + b"9" * 5000 + b"]", Limits(), "corrupt: a JSON number is too long"),
    ],
)
def test_hostile_json_is_refused_with_a_reason(data: bytes, limits: Limits, expected: str) -> None:
    assert reason(READER.read(source(data, "x.json"), limits)) == expected


def test_nesting_up_to_the_limit_is_read() -> None:
    data = b'{"a":' * 63 + b"1" + b"}" * 63

    ((_, _, _, _, records),) = _read(data)

    assert records == [{".".join(["a"] * 63): 1}]


def test_reasons_never_quote_the_document() -> None:
    refused = reason(READER.read(source(b'{"name": "GARCIA, Ana" A212345678}', "x.json"), Limits()))

    assert "GARCIA" not in refused
    assert "A212345678" not in refused


# Streaming: the same units from a file too large to parse whole, with tiny sizes here.

TINY = JsonReader(full_load_bytes=0, element_bytes=64, scalar_bytes=128, chunk_bytes=7)


def test_a_large_array_is_streamed_record_by_record() -> None:
    people = [{"name": f"Person {n}", "a_number": 212345000 + n} for n in range(50)]

    assert _read(json.dumps(people).encode(), reader=TINY) == _read(json.dumps(people).encode())


def test_a_large_object_is_streamed_member_by_member() -> None:
    document = {
        "title": "Credible fear interviews",
        "applicants": [{"name": f"Person {n}", "a_number": 212345000 + n} for n in range(20)],
        "count": 20,
    }

    units = _read(json.dumps(document, indent=1).encode(), reader=TINY)

    assert units == [
        ("records", "Credible fear interviews: applicants", None, False, document["applicants"]),
        ("records", "", None, False, [{"title": "Credible fear interviews", "count": 20}]),
    ]


def test_streaming_stops_at_the_first_problem() -> None:
    assert reason(TINY.read(source(b"[" + b'"x",' * 40 + b" x]", "x.json"), Limits())) == (
        "corrupt: invalid JSON"
    )
    assert reason(TINY.read(source(b"[1, 2] [3]", "x.json"), Limits())) == (
        "corrupt: invalid JSON (data after the end)"
    )
    assert reason(TINY.read(source(b'["' + b"x" * 1000 + b'"]', "x.json"), Limits())) == (
        "too large: one JSON value is over the size limit"
    )
    assert reason(TINY.read(source(b"[" * 100 + b"]" * 100, "x.json"), Limits())) == (
        "too deeply nested: more than 64 levels"
    )


def test_streaming_reads_no_further_than_it_needs() -> None:
    data = json.dumps([{"name": f"Person {n}", "a_number": n} for n in range(20_000)]).encode()
    reads: list[int] = []

    class Counting(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            chunk = super().read(size)
            reads.append(len(chunk))
            return chunk

    def open_counting() -> BinaryIO:
        return Counting(data)

    reader = JsonReader(full_load_bytes=1024, element_bytes=4096, chunk_bytes=1024)
    units = reader.read(Source("big.json", open_counting, len(data)), Limits())
    assert isinstance(next(units), Part)
    first = next(units)
    assert isinstance(first, Records)
    assert next(iter(first.records)) == {"name": "Person 0", "a_number": 0}

    assert sum(reads) < 10_000 < len(data)


# Mangled files: whatever bytes change or go missing, the reader reads or refuses with a reason.

SEED = json.dumps({"title": "x", "applicants": [{"n": 1, "aliases": [1, 2]}, {"n": "x"}]}).encode()
NAME = "x.json"
REASONS = ("corrupt", "too deeply nested", "too large")


@settings(max_examples=150, deadline=None)
@given(
    edits=st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), max_size=6),
    keep=st.integers(0, 1 << 20),
)
def test_a_mangled_file_is_read_or_refused_never_raises(
    edits: list[tuple[int, int]], keep: int
) -> None:
    refused = read_or_refuse(READER, mangle(SEED, edits, keep), NAME)

    assert refused is None or refused.split(":")[0] in REASONS
