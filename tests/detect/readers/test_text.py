"""Plain text and Markdown: encodings, structure, long lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.readers.html import BLOCK_ELEMENTS
from approval.detect.readers.text import READER
from approval.detect.scan import scan_file
from approval.detect.textio import MAX_LINE_CHARS, sniff_encoding, visible
from approval.detect.units import AS_TEXT, Limits, Part, Source, Text
from approval.policy import Policy
from tests.corpus import text


def lines_of(path: Path) -> list[str]:
    source = Source(path.name, lambda: path.open("rb"), path.stat().st_size)
    part, unit = READER.read(source, Limits())
    assert part == Part("body", "text", path.stat().st_size, AS_TEXT)
    assert isinstance(unit, Text)
    return list(unit.lines)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_encodings(tmp_path: Path, policy: Policy, encoding: str) -> None:
    case = text.spanish_memo()
    path = case.write(tmp_path, encoding=encoding.replace("cp1252", "utf-8"))
    if encoding == "cp1252":  # the em dash exists in cp1252 too
        path.write_bytes(case.text.encode("cp1252"))
    assert lines_of(path) == case.text.splitlines()
    assert dict(scan_file(path, policy).classes) == case.classes


@pytest.mark.parametrize(
    ("head", "encoding"),
    [
        (b"plain ascii\n", "utf-8"),
        ("caf\u00e9\n".encode(), "utf-8"),
        (b"\xef\xbb\xbfbom\n", "utf-8-sig"),
        ("hello".encode("utf-16"), "utf-16"),
        ("hello world, long enough".encode("utf-16-le"), "utf-16-le"),
        ("caf\u00e9 na\u00efve".encode("cp1252"), "cp1252"),
        (("x" * 8190).encode() + "é".encode()[:1], "utf-8"),  # cut inside a character
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None),
        (bytes(range(256)), None),
    ],
)
def test_sniff_encoding(head: bytes, encoding: str | None) -> None:
    assert sniff_encoding(head) == encoding


def test_a_long_line_comes_in_pieces(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("x" * (MAX_LINE_CHARS * 2 + 5))
    pieces = lines_of(path)
    assert [len(p) for p in pieces] == [MAX_LINE_CHARS, MAX_LINE_CHARS, 5]


def test_a_name_split_by_a_piece_boundary_is_still_scanned(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "long.txt"
    path.write_text("x " * 600_000 + "credible fear: GARCIA, Maria A212345678\n")
    report = scan_file(path, policy)
    assert dict(report.classes) == {"protected-person": 1}


def test_markdown_headings_govern_the_lists_below_them(tmp_path: Path, policy: Policy) -> None:
    doc = "\n".join(
        [
            "# Detainees",
            "",
            "## Credible fear referrals",
            "",
            "- GARCIA, Maria (A212345678)",
            "",
            "## Transfers",
            "",
            "- PEREZ, Juan (A213456789)",
            "",
        ]
    )
    path = tmp_path / "doc.md"
    path.write_text(doc)
    report = scan_file(path, policy)
    assert dict(report.classes) == {"protected-person": 1, "personal-data": 1}
    heading = [f for f in report.findings if f.location.get("context") == "heading"]
    assert [(f.detector, f.location["line"]) for f in heading] == [("protection-claim", 3)]


def test_an_introducing_sentence_governs_its_list(tmp_path: Path, policy: Policy) -> None:
    doc = (
        "These persons applied for asylum:\n\n- GARCIA, Maria\n- PEREZ, Juan\n\n"
        "Unrelated paragraph.\n\nLOPEZ, Ana attended.\n"
    )
    path = tmp_path / "doc.txt"
    path.write_text(doc)
    assert dict(scan_file(path, policy).classes) == {"protected-person": 2}


@pytest.mark.parametrize("case", text.POSITIVES + text.NEGATIVES, ids=lambda c: c.name)
def test_corpus(tmp_path: Path, policy: Policy, case: text.TextCase) -> None:
    report = scan_file(case.write(tmp_path), policy)
    assert (report.verdict, dict(report.classes)) == (case.verdict, case.classes)
    # Memos with mail headers are mail by their bytes; lines of comma-separated fields under a
    # title are a table with its title (the CSV reader's); the rest is plain text.
    data = case.write(tmp_path).read_bytes()
    table = case.name == "detainee-list"
    assert report.format == ("eml" if data.startswith(b"From:") else "csv" if table else "text")


@pytest.mark.parametrize(
    "spelled",
    [
        "".join(ch + "\u200b" if ch.isalnum() else ch for ch in "GARCIA, Maria A212345678"),
        "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in "A212345678"),
    ],
    ids=["zero-width", "full-width"],
)
def test_text_is_read_as_a_person_sees_it(tmp_path: Path, policy: Policy, spelled: str) -> None:
    path = tmp_path / "memo.txt"
    path.write_text(f"# Asylum applicants\n\n- {spelled}, credible fear\n", encoding="utf-8")
    assert scan_file(path, policy).verdict == "protected"


def test_visible_drops_invisible_characters_and_folds_compatibility_forms() -> None:
    assert visible("G\u200bA\u00adR\ufeffC\u2060IA") == "GARCIA"
    assert visible("Ａ２１２") == "A212"
    assert visible("plain ascii") == "plain ascii"


def test_a_page_on_one_line_is_cut_before_each_block_a_browser_lays_out(tmp_path: Path) -> None:
    # The blocks are the HTML reader's (``html.BLOCK_ELEMENTS``); a row's cells stay together.
    blocks = sorted(BLOCK_ELEMENTS - {"td", "th", "html"})
    path = tmp_path / "page.html"
    page = "".join(f"<{tag}>in {tag} " for tag in blocks) + "<tr><td>a</td><td>b</td></tr>"
    path.write_text(f"<html>{page}\n")
    shown = [f"<{tag}>in {tag} " for tag in blocks] + ["<tr><td>a</td><td>b</td></tr>"]
    shown[0] = "<html>" + shown[0]  # a piece with no text joins the next
    assert [line for line in lines_of(path) if line] == shown
