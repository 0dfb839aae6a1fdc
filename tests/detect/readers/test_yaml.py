"""The YAML reader: safe loading, flattened as JSON is, and hostile documents refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approval.detect.readers.yaml import READER, YamlReader
from approval.detect.units import PARSED, Limits, Part, Probe
from tests.corpus import documents as docs
from tests.corpus.documents import dump, mangle, read_or_refuse, reason, source


def _read(text: str | bytes, reader: YamlReader = READER) -> list[tuple[object, ...]]:
    data = text.encode() if isinstance(text, str) else text
    return dump(reader.read(source(data, "x.yaml"), Limits()))


@pytest.mark.parametrize(
    ("head", "accepted"),
    [
        (b"---\nname: Ana\n", True),
        (b"%YAML 1.2\n---\n", True),
        (b"name: Ana\nclaim: asylum\n", True),  # a block mapping, whatever the file's name
        (b"- name: Ana\n  a_number: A212345678\n", True),
        (b"---\na: 1\n---\nb: 2\n", True),
        (b"---\ntitle: Notes\n---\n# Applicants\n", False),  # Markdown front matter
        (b"---\ntitle: Notes\n---\nSome prose.\n", False),
        (b"--- a horizontal rule in prose", False),
        (b"Dear all,\nsee below: the list.\n- one\n", False),  # does not parse
        (b"plain text\n", False),  # a scalar
        (b'{"a": 1}\n', False),  # a flow mapping: JSON's
        (b"a,b,c\n1,2,3\n", False),
    ],
)
def test_accepts_yaml_by_content_alone(head: bytes, accepted: bool) -> None:
    assert READER.accepts(Probe(head=head, size=len(head))) is accepted


def test_the_head_is_judged_by_whole_lines() -> None:
    head = b"name: Ana\nclaim: asy"  # cut by the head: the cut line is left out
    assert READER.accepts(Probe(head=head, size=100_000))


def test_a_yaml_read_is_a_parsed_part() -> None:
    units = list(READER.read(source(b"a: 1\n", "x"), Limits()))
    assert units[0] == Part("body", "yaml", 5, PARSED)
    assert "text" not in getattr(READER, "subsumes", frozenset())  # comments are not values


def test_documents_are_flattened_into_records(tmp_path: Path) -> None:
    built = docs.yaml_records(tmp_path)

    units = _read(built.path.read_bytes())

    assert units[0] == ("records", "", None, False, [{"title": "Reasonable fear referrals"}])
    assert units[1][1] == "Reasonable fear referrals: cases"
    person = docs.PERSONS[24]
    assert units[1][4][0] == {  # type: ignore[index]
        "name": person.name,
        "a_number": person.a_number,
        "date_of_birth": person.birthdate.isoformat(),  # the text as written, not a date
        "nationality": person.nationality,
        "fear_result": "Reasonable Fear - Positive",
    }
    assert len(units[1][4]) == 3  # type: ignore[arg-type]


def test_scalars_resolve_by_the_yaml_1_2_core_schema() -> None:
    text = (
        "nationality: NO\nconsent: yes\nfile: 0212345678\na_number: 212345678\n"
        "ratio: 1.5\nnothing: ~\nflag: true\nborn: 1990-01-02\nwhen: 2022-11-28 10:15:00\n"
    )

    assert _read(text) == [
        (
            "records",
            "",
            None,
            False,
            [
                {
                    "nationality": "NO",  # Norway, not false
                    "consent": "yes",
                    "file": "0212345678",  # keeps its leading zero
                    "a_number": 212345678,
                    "ratio": 1.5,
                    "nothing": None,
                    "flag": True,
                    "born": "1990-01-02",
                    "when": "2022-11-28 10:15:00",
                }
            ],
        )
    ]


def test_tags_are_read_as_data_and_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "constructed"
    text = (
        f"run: !!python/object/apply:os.system ['touch {marker}']\n"
        "person: !applicant {name: Ana Diaz, claim: asylum}\n"
        "ids: !!set {A212345678, A212345679}\n"
        "blob: !!binary QW5hIERpYXo=\n"
    )

    fields = "person.name = Ana Diaz; person.claim = asylum; blob = Ana Diaz"
    assert _read(text) == [
        (
            "records",
            "",
            None,
            False,
            [
                {
                    "run[0]": f"touch {marker}",
                    "person.name": "Ana Diaz",
                    "person.claim": "asylum",
                    "ids[0]": "A212345678",
                    "ids[1]": "A212345679",
                    "blob": "Ana Diaz",
                }
            ],
        ),
        # Each list is also a column of its own (``readers.json._list_tables``).
        ("table", f"{fields}: RUN", None, False, [[f"touch {marker}"]]),
        ("table", f"{fields}: IDS", None, False, [["A212345678"], ["A212345679"]]),
    ]
    assert not marker.exists()


def test_every_document_of_a_stream_is_read() -> None:
    assert _read("---\nname: Ana\n---\nname: Bo\n...\n---\n") == [
        ("records", "", None, False, [{"name": "Ana"}, {"name": "Bo"}])
    ]


def test_anchors_and_merge_keys_expand_as_written() -> None:
    text = "base: &b {facility: Otay Mesa}\nperson:\n  <<: *b\n  name: Ana Diaz\n"

    assert _read(text) == [
        (
            "records",
            "",
            None,
            False,
            [
                {
                    "base.facility": "Otay Mesa",
                    "person.facility": "Otay Mesa",
                    "person.name": "Ana Diaz",
                }
            ],
        )
    ]


def test_an_alias_bomb_is_refused(tmp_path: Path) -> None:
    built = docs.yaml_alias_bomb(tmp_path)

    assert reason(READER.read(source(built.path.read_bytes(), "b.yaml"), Limits())) == (
        "alias bomb: aliases expand the document too far"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[" * 100_000, "too deeply nested: more than 64 levels"),
        ("a: " + "{b: " * 70 + "1" + "}" * 70, "too deeply nested: more than 64 levels"),
        ("a: &a [*a]\n", "too deeply nested: more than 64 levels"),
        ("name: Ana: Diaz\n", "corrupt: invalid YAML at line 1"),
        ('name: "Ana Diaz\n', "corrupt: invalid YAML at line 2"),
        ("name:\n  - Ana Diaz\n claim: asylum\n", "corrupt: invalid YAML at line 3"),
        ("? [a, b]\n: unhashable key\n", "corrupt: invalid YAML at line 1"),
    ],
)
def test_hostile_yaml_is_refused_with_a_reason(text: str, expected: str) -> None:
    refused = reason(READER.read(source(text.encode(), "x.yaml"), Limits()))

    assert refused == expected
    assert "Ana" not in refused


def test_a_file_over_the_size_limit_is_refused() -> None:
    assert reason(YamlReader(max_bytes=100).read(source(b"a: 1\n" * 30, "x.yaml"), Limits())) == (
        "too large: YAML over 100 bytes"
    )


@pytest.mark.parametrize(
    "data",
    [b"", b"---\n", "name: José\n".encode("utf-16"), b"name: Jos\xe9\n"],
)
def test_empty_documents_and_encodings(data: bytes) -> None:
    units = _read(data)

    assert units in ([], [("records", "", None, False, [{"name": "José"}])])


def test_comments_are_read_as_prose() -> None:
    units = _read(b"# only a comment\nkind: report  # GARCIA, Maria\nurl: 'a#b'\n")
    assert units[0] == ("text", "", "comments", False, ["only a comment", "GARCIA, Maria"])


# Mangled files: whatever bytes change or go missing, the reader reads or refuses with a reason.

SEED = b"title: x\ncases:\n  - name: a\n    n: &x [1, 2]\n  - m: *x\n"
NAME = "x.yaml"
REASONS = ("corrupt", "too deeply nested", "alias bomb", "too large")


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
