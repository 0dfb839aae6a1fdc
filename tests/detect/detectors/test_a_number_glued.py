"""A-numbers glued to their neighbours (``Stephens_Ruby_A218343183_I-589.pdf``), written with a
look-alike of the letter A (Cherokee Ꭺ, Lisu ꓮ, small capital ᴀ: Unicode's confusables), with
thousands commas that a CSV reader splits into three cells (``A218,343,183``), and after a
label in prose that names a record's number (``File No.: 212345678``). Digests, UUIDs, base64,
product codes, versions, dated file names, paper sizes, cell references and amounts stay out."""

from __future__ import annotations

import base64
import hashlib
import unicodedata
import uuid
from collections.abc import Sequence
from pathlib import Path

import pytest

from approval.detect.detectors.a_number import (
    A_LIKE_LOWER,
    A_LIKE_UPPER,
    spelled,
    spread_over_cells,
)
from approval.detect.scan import scan_file
from approval.detect.vocabulary import record_numbers
from approval.policy import Policy

A = "A218343183"

# (text, the A-number found, or None)
GLUED = [
    ("Stephens_Ruby_A218343183_I-589.pdf", A),
    ("Ruby-Stephens-A218343183", A),
    ("StephensRubyA218343183", A),
    ("STEPHENS_Ruby_A218343183.pdf", A),
    ("STEPHENSA218343183", A),
    ("WuA218343183", A),
    ("QA218343183", None),  # a code's two capitals
    ("CA21834318", None),
    ("cases/Stephens_A218343183/I-589.pdf", A),
    ("stephens_ruby_a218343183.pdf", A),  # a file name in lower case
    ("A218343183_I-589.pdf", A),
    ("A218343183_2023-01-05.pdf", A),  # a date after it is the next field
    ("Ruby_A-218-343-183_notes.txt", A),
    ("RubyA_218343183", A),
    ("Stephens_A21834318.pdf", "A021834318"),
    ("see A218,343,183 for the file", A),  # thousands commas right after the A
    ("Maria Garcia,A218343183,Honduras", A),
    # Digests, UUIDs, codes: digits or hex letters around the number.
    ("a218343183f0c2d9e1b7", None),
    ("f0a218343183", None),
    ("9fA218343183", None),
    ("DEADBEEFA218343183", None),
    ("deadbeefa218343183", None),
    ("x9A21834318", None),
    ("123e4567-e89b-12d3-a456-426614174000", None),
    ("SKU-A218343183X", None),
    ("PN_A218343183B2", None),
    ("QUJDA218343183+z/w==", None),  # base64
    ("A21834318-001", None),  # a longer serial
    ("A21834318.5", None),
    ("Stephens_A2183431834.pdf", None),  # ten digits
    ("report_2023-01-05_v2.pdf", None),
    ("release-v1.2.3-A1.tar.gz", None),
    ("paper A4, 210x297", None),
    ("=SUM(A1:A12345)", None),
    ("A$218,343,183", None),  # Australian dollars
    ("a218,343,183", None),  # lower case with commas: a figure
    ("EA123456789US", None),  # a postal tracking number
]


@pytest.mark.parametrize(("text", "expected"), GLUED)
def test_glued_spellings(text: str, expected: str | None) -> None:
    found = {f.value for f in spelled(text)}
    assert found == ({expected} if expected else set())


def test_a_glued_span_covers_the_a_and_digits() -> None:
    text = "Stephens_Ruby_A218-343-183_I-589.pdf"
    (found,) = spelled(text)
    assert text[found.start : found.end] == "A218-343-183"


def test_digests_uuids_and_base64_stay_out() -> None:
    """A sweep over real digests: no A-number glued inside any of them."""
    for i in range(1000):
        digest = hashlib.sha256(str(i).encode()).hexdigest()
        texts = [
            digest,
            digest.upper(),
            str(uuid.UUID(digest[:32])),
            base64.b64encode(hashlib.sha512(str(i).encode()).digest()).decode(),
            f"sha256:{digest}",
        ]
        for text in texts:
            assert spelled(text) == [], text


# -- look-alikes of the letter A


def test_the_look_alike_table_holds_letters_that_read_as_a() -> None:
    for ch in A_LIKE_UPPER + A_LIKE_LOWER:
        name = unicodedata.name(ch)
        # Cherokee GO, the syllabics' GHO and Miao's ZZYA are drawn as an A.
        assert " A" in name or "ALPHA" in name or name.endswith(("GO", "GHO", "ZZYA")), name
    for ch in "\u13aa\ua4ee\u15c5\u1d00\u0410\u0391\uff21\U0001d400\U0001d670":
        assert ch in A_LIKE_UPPER
    for ch in "\u0430\u03b1\u0251\uff41\U0001d41a":
        assert ch in A_LIKE_LOWER


@pytest.mark.parametrize("letter", list(A_LIKE_UPPER + A_LIKE_LOWER))
def test_every_look_alike_starts_an_a_number(letter: str) -> None:
    assert [f.value for f in spelled(f"Ruby Stephens {letter}218343183 Honduras")] == [A]
    assert [f.value for f in spelled(f"Stephens_Ruby_{letter}218343183.pdf")] == [A]


@pytest.mark.parametrize("letter", ["\u13aa", "\ua4ee", "\u15c5", "\u1d00", "\U0001d400"])
def test_a_list_with_look_alike_letters_is_protected(
    tmp_path: Path, policy: Policy, letter: str
) -> None:
    path = tmp_path / "list.txt"
    lines = [f"Ruby Stephens {letter}21834318{i}\n" for i in range(5)]
    path.write_text("Credible fear list\n" + "".join(lines), encoding="utf-8")
    report = scan_file(path, policy)
    assert report.verdict == "protected"
    assert report.classes.get("protected-person") == 5


# -- files


def test_file_names_in_a_listing_are_protected(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "files.txt"
    names = ["Stephens_Ruby", "Lopez-Maria", "GarciaJose", "NGUYEN_An", "Okafor_Chidi"]
    lines = [f"{n}_A21834318{i}_I-589.pdf\n" for i, n in enumerate(names)]
    path.write_text("Credible fear interviews, case files:\n" + "".join(lines))
    report = scan_file(path, policy)
    assert report.verdict == "protected"
    assert report.classes.get("protected-person") == 5


def test_a_csv_of_file_names_is_protected(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "files.csv"
    rows = [f"Stephens_Ruby_A21834318{i}_I-589.pdf,12,2026-01-0{i + 1}\n" for i in range(5)]
    path.write_text("File,Pages,Uploaded\n" + "".join(rows))
    assert scan_file(path, policy).verdict == "protected"


def test_file_names_with_digests_versions_and_dates_stay_clean(
    tmp_path: Path, policy: Policy
) -> None:
    path = tmp_path / "manifest.txt"
    lines = [
        "Release manifest (credible fear training materials)",
        f"asylum_training_{hashlib.sha256(b'x').hexdigest()}.zip",
        "report_2023-01-05_v2.pdf",
        "slides-v1.2.3-A4.pdf",
        f"build-{uuid.UUID(int=0x123E4567E89B12D3A456426614174000)}.log",
        "SKU-A218343183X toner, 12 boxes",
        "Budget: A$218,343,183; cells A1:A20",
    ]
    path.write_text("\n".join(lines) + "\n")
    assert scan_file(path, policy).verdict == "clean"


# -- spread over cells


def _columns(rows: list[list[str]]) -> tuple[list[tuple[str, ...]], int]:
    width = max(map(len, rows))
    padded = [r + [""] * (width - len(r)) for r in rows]
    return list(zip(*padded, strict=True)), width


def _spread(rows: list[list[str]], header: Sequence[str] | None = None) -> list[tuple[int, str]]:
    columns, width = _columns(rows)
    found = spread_over_cells(lambda c: (columns[c], "\n".join(columns[c])), width, header)
    return sorted((row, number) for row, _, number in found)


def test_an_a_number_spread_over_three_cells() -> None:
    rows = [
        ["Maria Garcia", "A218", "343", "183", "Honduras"],
        ["Jose Lopez   A21", "234", "567   Guatemala"],  # a table printed as text
        ["Ana Ruiz", "\u13aa218", "343", "184"],
        ["Category", "A12", "345", "678", "910"],  # a fourth group: a longer figure
        ["Seats", "A12", " 345", " 678"],  # a list
        ["Code", "XA218", "343", "183"],  # inside a word
        ["Rate", "A218", "343", "183.5"],
        ["Plain", "218", "343", "183"],
    ]
    assert _spread(rows) == [(0, A), (1, "A021234567"), (2, "A218343184")]


def test_a_header_that_names_the_cells_keeps_them_apart() -> None:
    rows = [["A12", "345", "678"]]
    assert _spread(rows, ["Section", "Count", "Total"]) == []
    assert _spread(rows, ["A-Number", "Count", "Total"]) == [(0, "A012345678")]
    assert _spread(rows, ["Alien numbers"]) == [(0, "A012345678")]


@pytest.mark.parametrize(
    "text",
    [
        "Alien numbers\n" + "".join(f"A218,343,18{i}\n" for i in range(5)),
        "Re: credible fear referrals\n\n"
        + "".join(f"Ruby Stephens{i}   A218,343,18{i}   Honduras\n" for i in range(5)),
        "Name,A-Number,Claim\n" + "".join(f"R{i},A218,343,18{i},credible fear\n" for i in range(5)),
    ],
)
def test_a_numbers_with_thousands_commas_in_a_csv_are_found(
    tmp_path: Path, policy: Policy, text: str
) -> None:
    path = tmp_path / "list.txt"
    path.write_text(text)
    assert scan_file(path, policy).verdict == "protected"


def test_sections_and_counts_in_a_csv_stay_clean(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "counts.csv"
    path.write_text("Section,Credible fear,Total\nA12,345,678\nA13,346,679\n")
    assert scan_file(path, policy).verdict == "clean"


# -- a label that names a record's number, in prose


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("File No.: 212345678", ["A212345678"]),
        ("Re: Case #: 212-345-678; filed 2023", ["A212345678"]),
        ("Record ID: A212345678 (scanned)", ["A212345678"]),
        ("Registration No.: 212 345 678", ["A212345678"]),
        ("case_no: 212345678", ["A212345678"]),
        ("Order No.: 212345678", []),
        ("file no: 2023-0001", []),
        ("Total case number: 212345678", []),
        ("File No.: 212,345,678", []),  # an amount's commas
        ("File No. 212345678", []),  # no colon: a label's value only after one
    ],
)
def test_record_numbers_after_labels(line: str, expected: list[str]) -> None:
    assert record_numbers(line) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Credible fear referral\n\nFile No.: 212345678\n"
        "The applicant was found to have a credible fear of persecution.\n",
        "Credible fear referrals\n\nFile No.: 212345678\n",
    ],
)
def test_a_record_number_label_beside_a_claim_is_protected(
    tmp_path: Path, policy: Policy, text: str
) -> None:
    path = tmp_path / "memo.txt"
    path.write_text(text)
    report = scan_file(path, policy)
    assert report.verdict == "protected"
    assert report.classes.get("protected-person") == 1


def test_a_record_number_label_without_a_claim_stays_clean(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "memo.txt"
    path.write_text("Inventory\n\nFile No.: 212345678\nThe paper was delivered.\n")
    assert scan_file(path, policy).verdict == "clean"
