"""Scripts that build a page's text: what a browser computes from constants alone, and every
string literal of a script joined end to end (``_carriers.computed_literals``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.readers._carriers import _JS, FOLD_DEPTH, MAX_FOLDED, computed_literals
from approval.detect.scan import scan_file
from approval.policy import Policy

SENTENCE = (
    "Maria Gonzalez, A212345678, born 1985-03-14, a national of Honduras, was granted asylum."
)


def _pieces(text: str, size: int = 3) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def _quoted(piece: str) -> str:
    return '"' + piece.replace('"', '\\"') + '"'


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ('document.write("Mar" + "ia " + \'Gon\');', "Maria Gon"),
        ("x.textContent = String.fromCharCode(77, 97, 0x72);", "Mar"),
        ("s = String.fromCharCode.apply(null, [65, 66]);", "AB"),
        ("s = String.fromCodePoint(...[65, 67]);", "AC"),
        ('a = ["A2", "123", "45678"].join("");', "A212345678"),
        ('a = ["a", "b"].join();', "a,b"),
        ("t = `A2123${'45'}678`;", "A212345678"),
        ('t = `A2123${ /* a */ "45" }678`;', "A212345678"),
        ('e = "\\x41\\u0032" + 12345678;', "A212345678"),
        ('c = "a".concat("b", "c") + ("d" + "e");', "abcde"),
        ('v = "A2123"; w = "45678"; el.textContent = v + w;', "A212345678"),
    ],
)
def test_what_a_script_computes_from_constants(code: str, value: str) -> None:
    assert value in computed_literals(code)


def test_nothing_computed_nothing_more() -> None:
    assert computed_literals('var officer = "Alice Chen"; f(x + y);') == []


@pytest.mark.parametrize("bracket", ["(", "[", "String.fromCharCode("])
def test_brackets_past_the_depth_are_passed_over(bracket: str) -> None:
    deep = 50_000
    code = bracket * deep + '"a" + "b"' + ")" * deep
    assert "ab" in computed_literals(code)  # no recursion past ``FOLD_DEPTH``
    assert deep > FOLD_DEPTH


def _page(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "page.html"
    path.write_text(f"<html><body><p id=x></p>{body}</body></html>\n")
    return path


CODES = {
    "write of joined literals": "<script>document.write("
    + "+".join(map(_quoted, _pieces(SENTENCE)))
    + ");</script>",
    "fromCharCode": '<script>document.getElementById("x").textContent=String.fromCharCode('
    + ",".join(str(ord(c)) for c in SENTENCE)
    + ");</script>",
    "array join": "<script>x.innerHTML=["
    + ",".join(map(_quoted, _pieces(SENTENCE)))
    + '].join("");</script>',
    "escapes": "<script>document.write("
    + "+".join('"' + "".join(f"\\x{ord(c):02x}" for c in p) + '"' for p in _pieces(SENTENCE))
    + ");</script>",
    "variables": "<script>"
    + "".join(f"var v{i} = {_quoted(p)};" for i, p in enumerate(_pieces(SENTENCE, 4)))
    + "show(v0, v1);</script>",
    "an event handler": "<img src=a.png onload='this.title="
    + "+".join(_quoted(p).replace("'", "") for p in _pieces(SENTENCE))
    + "'>",
}


@pytest.mark.parametrize("case", sorted(CODES))
def test_text_a_script_builds_is_read(tmp_path: Path, policy: Policy, case: str) -> None:
    report = scan_file(_page(tmp_path, CODES[case]), policy)
    assert report.verdict == "protected"
    assert "protected-person" in dict(report.classes)


def test_an_ordinary_page_script_stays_clean(tmp_path: Path, policy: Policy) -> None:
    script = """<script>
      window.dataLayer = window.dataLayer || [];
      function gtag(){dataLayer.push(arguments);}
      gtag('js', new Date()); gtag('config', 'G-AB12345678');
      var cfg = {"site": "smithjones", "lang": "en-US", "build": "20240314"};
      document.write("<p>" + "Welcome" + " to our site" + "</p>");
      var links = ["Terms", "Privacy", "Contact"].join(" | ");
      var hi = String.fromCharCode(72, 105);
    </script>
    <h1>About Smith &amp; Jones</h1><p>We&nbsp;help with asylum applications.</p>
    <button onclick="alert('Thanks' + ' for ' + 'visiting')">Go</button>"""
    assert scan_file(_page(tmp_path, script), policy).verdict == "clean"


def _join_of_joins(levels: int) -> str:
    code = '"x"'
    for _ in range(levels):
        code = f'["","","",""].join({code})'
    return code


def test_a_join_of_joins_is_computed_within_its_bound() -> None:
    # Each level triples the string: 21 levels of 448 bytes asked for 3**21 characters.
    code = _join_of_joins(21)
    out = computed_literals(code)
    assert all(len(value) <= MAX_FOLDED for value in out)
    assert sum(map(len, out)) <= len(code) + 2 * MAX_FOLDED
    # A few levels are still computed whole: what the bound leaves alone is read as before.
    assert computed_literals(_join_of_joins(3)) == ["x" * 27]


def test_every_character_of_a_script_is_a_token() -> None:
    # Blanks and comments before an operator the tokens do not name (!, *, &, <) were scanned
    # again from each of their positions: 99 KB of comments took 55 s.
    code = "0" + "//\n" * 1000 + "!b"
    kinds = [match.lastgroup for match in _JS.finditer(code)]
    assert kinds == ["number", "other", "name"]
