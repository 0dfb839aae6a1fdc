"""A heading is text a reader sees: it is read for persons as well as governing what follows.

Before, a line that looked like a heading (``# ...`` in text, Markdown, mail; a Word heading
style or outline level; an ODF ``text:h``) only lent its claim words to the lines under it, and
a heading that named a person with an A-number and a claim passed clean.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.scan import scan_file
from approval.policy import Policy
from tests.corpus.documents import docx_bytes
from tests.corpus.hidden import odt_bytes

LINE = "Maria Elena Gonzalez - A212345678 - born 1985-03-14 - Honduras - asylum granted"
OTHER = "Jose Luis Ramirez - A209876543 - born 1990-07-02 - Guatemala - credible fear pending"
MAIL = (
    "From: a@example.org\r\nTo: b@example.org\r\nSubject: notes\r\nMIME-Version: 1.0\r\n"
    "Content-Type: text/plain\r\n\r\n"
)


@pytest.mark.parametrize(
    ("name", "data", "persons"),
    [
        ("list.txt", f"# {LINE}\n\n# {OTHER}\n".encode(), 2),
        ("case.md", f"## {LINE}\n\nInterview notes follow.\n".encode(), 1),
        ("nested.md", f"# Asylum office\n\n### {LINE}\n\nNotes.\n".encode(), 1),
        ("script.sh", f"#!/bin/sh\n   # {LINE}\necho hi\n".encode(), 1),
        ("notes.eml", f"{MAIL}# {LINE}\r\n\r\nregards\r\n".encode(), 1),
        ("heading.docx", docx_bytes([("h1", LINE), ("p", "Interview notes follow.")]), 1),
        ("title.docx", docx_bytes([("p", "Notes.")], title=LINE), 1),
        (
            "heading.odt",
            odt_bytes(
                f'<text:h text:outline-level="1">{LINE}</text:h><text:p>Interview notes.</text:p>'
            ),
            1,
        ),
    ],
)
def test_a_heading_that_names_a_protected_person_blocks(
    tmp_path: Path, policy: Policy, name: str, data: bytes, persons: int
) -> None:
    path = tmp_path / name
    path.write_bytes(data)

    report = scan_file(path, policy)

    assert report.verdict == "protected", report.reason
    assert report.classes["protected-person"] == persons


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report.md", b"# Asylum office - annual report 2023\n\nApplications rose by 4%.\n"),
        ("readme.md", b"# Maria Gonzalez\n\nMy notes on Python packaging.\n"),
        ("memo.docx", docx_bytes([("h1", "Credible fear statistics"), ("p", "Totals: 431.")])),
    ],
)
def test_headings_that_name_no_protected_person_stay_clean(
    tmp_path: Path, policy: Policy, name: str, data: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(data)

    assert scan_file(path, policy).verdict == "clean"


def test_a_heading_still_governs_the_lines_under_it(tmp_path: Path, policy: Policy) -> None:
    # A claim in the heading, persons in the lines: read as before.
    path = tmp_path / "granted.md"
    path.write_text("# Granted asylum\n\nMaria Gonzalez, A212345678, born 1985-03-14\n")

    report = scan_file(path, policy)

    assert report.verdict == "protected"
