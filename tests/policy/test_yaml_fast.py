"""libyaml reads plain policies: only where it and PyYAML agree to the position and the word."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from approval.policy import yamldoc
from approval.policy.yamldoc import YamlError, load_yaml
from tests.policy.conftest import POLICY, ROSTER

pytestmark = pytest.mark.skipif(
    yamldoc._fast_loader_class() is None, reason="PyYAML built without libyaml"
)


def _outcome(loader_class: type, text: str) -> tuple[object, ...]:
    try:
        doc = yamldoc._load(loader_class, text, "f.yaml")
    except YamlError as e:
        return ("error", str(e))
    return ("ok", doc.data, doc.positions)


@pytest.mark.parametrize("path", [POLICY, ROSTER])
def test_shipped_files_take_the_fast_path_and_read_the_same(path: Path) -> None:
    text = path.read_text("utf-8")
    assert yamldoc.fast_path(text)  # the default policy is what every scan reads
    fast = _outcome(yamldoc._fast_loader_class(), text)  # type: ignore[arg-type]
    assert fast == _outcome(yamldoc._loader_class(), text)
    assert fast[0] == "ok"


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: [1? , 2]\n",  # libyaml takes '?' in a flow plain scalar, PyYAML refuses it
        "a: {? : y}\n",
        "l: >#-\n  folded\n",  # a comment glued to a block header
        "a:\n- ! : c\n",  # an empty tag: '' for libyaml, None for PyYAML
        "a: 1\tb\n",
        "a: b\r\n",
        "a: \u2028b\n",
        "\ufeffa: b\n",
        "a: \U0001f600\n",
        'a: "\\/"\n',
        "a: |\n  x\n",
        "a: &x 1\nb: *x\n",
        "%YAML 1.1\n---\na: b\n",
    ],
)
def test_the_corners_where_the_parsers_differ_go_to_the_pure_loader(text: str) -> None:
    assert not yamldoc.fast_path(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\nb: 2\na: 3\n", "f.yaml:3:1: duplicate key 'a' (first at line 1)"),
        ("a: [1, 2\n", "f.yaml:2:1: expected ',' or ']', but got '<stream end>'"),
        ("a: b\n c: d\n", "f.yaml:2:3: mapping values are not allowed here"),
    ],
)
def test_errors_are_worded_by_the_pure_loader(text: str, expected: str) -> None:
    assert yamldoc.fast_path(text)
    with pytest.raises(YamlError) as caught:
        load_yaml(text, "f.yaml")
    assert str(caught.value) == expected
    assert _outcome(yamldoc._loader_class(), text) == ("error", expected)


def test_mutated_policies_read_the_same_by_both_parsers() -> None:
    """Where the fast path is taken, libyaml's reading is PyYAML's, to the position (random
    edits of the default policy; tens of thousands of them found no difference)."""
    base = POLICY.read_text("utf-8").split("\n")[:120]
    snippets = [": ", "- ", "[", "]", ",", '"', "'", "#", "\n", "  ", ">-", ">", "é", "---\n"]
    rng = random.Random(20261207)
    fast, pure = yamldoc._fast_loader_class(), yamldoc._loader_class()
    compared = 0
    for _ in range(300):
        chars = list("\n".join(base))
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(chars))
            if rng.random() < 0.6:
                chars.insert(at, rng.choice(snippets))
            else:
                del chars[at]
        text = "".join(chars)
        if not yamldoc.fast_path(text):
            continue
        outcome = _outcome(fast, text)  # type: ignore[arg-type]
        if outcome[0] == "ok":
            compared += 1
            assert outcome == _outcome(pure, text), text
    assert compared > 50
