from __future__ import annotations

import pytest

from approval.policy.yamldoc import YamlError, format_path, load_yaml


def test_positions_point_at_keys_and_items() -> None:
    doc = load_yaml("a: 1\nrules:\n  - id: x\n    role: y\n", "f.yaml")
    assert doc.positions[("rules", 0, "role")] == (4, 5)
    assert doc.where(("rules", 0, "missing", 3)) == (3, 5)  # nearest ancestor


def test_timestamps_stay_strings() -> None:
    assert load_yaml("valid_until: 2027-06-30\n", "f").data == {"valid_until": "2027-06-30"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\nb: 2\na: 3\n", "f.yaml:3:1: duplicate key 'a' (first at line 1)"),
        ("x:\n  y: 1\n  y: 2\n", "f.yaml:3:3: x: duplicate key 'y' (first at line 2)"),
        ("!!python/object/apply:os.system ['true']\n", "f.yaml:1:1: unsafe or unknown YAML tag"),
        ("a: !!python/name:os.system\n", "f.yaml:1:4: unsafe or unknown YAML tag"),
        ("a: &x [1]\nb: *x\n", "aliases are not allowed"),
        ("a: [1, 2\n", "f.yaml:2:1:"),
        ("", "f.yaml:1:1: the document is empty"),
        ("a: 1\n---\nb: 2\n", "f.yaml:2:1:"),
    ],
)
def test_refused_documents(text: str, expected: str) -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml(text, "f.yaml")
    assert expected in str(caught.value)


def test_a_python_tag_is_never_constructed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    marker = tmp_path / "pwned"
    with pytest.raises(YamlError):
        load_yaml(f"!!python/object/apply:os.system ['touch {marker}']\n", "f")
    assert not marker.exists()


@pytest.mark.parametrize(
    ("path", "text"),
    [((), ""), (("rules", 0, "require", 1, "role"), "rules[0].require[1].role"), ((3,), "[3]")],
)
def test_format_path(path: tuple[str | int, ...], text: str) -> None:
    assert format_path(path) == text


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a: " + "[" * 5000, "f.yaml:1:53:"),
        ("a: " + "{" * 5000, "f.yaml:1:53:"),
        ("- " * 3000 + "1\n", "f.yaml:1:101:"),
        ("\n".join(" " * i + "k:" for i in range(1000)) + " 1\n", "f.yaml:50:50:"),
        ("a:\n" + "".join("  " * i + "- \n" for i in range(1, 200)) + "\n", "f.yaml:"),
    ],
    ids=["flow lists", "flow mappings", "block lists", "block mappings", "indented lists"],
)
def test_deep_nesting_is_one_problem_not_a_recursion_error(text: str, where: str) -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml(text, "f.yaml")
    message = str(caught.value)
    assert message.startswith(where)
    assert message.endswith("nested too deeply (more than 50 levels of lists and mappings)")


def test_nesting_a_policy_needs_is_fine() -> None:
    text = "a: " + "[" * 40 + "]" * 40 + "\n"
    assert load_yaml(text, "f").positions[("a",)] == (1, 1)


def test_too_many_values_is_one_problem() -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml("roles: [" + "1, " * 60_000 + "]\n", "f.yaml")
    assert str(caught.value) == (
        "f.yaml:1:150000: too many values (more than 50000) for a policy or roster"
    )
