"""Lines that pair a key with its value other than by a colon (``key=value`` in logs, .ini and
.properties files, ``key -> value``, ``key => value``, quoted values) and fixed-width tables
without a rule of dashes under their headers: a reviewer found both read as clean. Config
files, message catalogues, logs without persons and code stay clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.report import FileReport
from approval.detect.scan import scan_file
from approval.policy import Policy
from tests.corpus.people import LISTED_NAMES

NAMES = list(LISTED_NAMES[:6])


def scan(tmp_path: Path, name: str, text: str, policy: Policy) -> FileReport:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return scan_file(path, policy)


def records(line: str, sep: str = "\n\n") -> str:
    return sep.join(line.format(name=n, n=k) for k, n in enumerate(NAMES)) + "\n"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("upper_eq.txt", records("Name={name}\nRelief=Asylum")),
        ("spaced_eq.txt", records("Name = {name}\nRelief = Asylum")),
        ("lower_eq.txt", records("name={name}\nrelief=asylum")),
        ("arrow.txt", records("name -> {name}\nrelief -> asylum")),
        ("fat_arrow.txt", records("'name' => '{name}', 'relief' => 'asylum'", "\n")),
        ("semicolons.txt", records("name={name}; relief=asylum", "\n")),
        ("unquoted_one_line.txt", records("name={name} relief=asylum status=filed", "\n")),
        ("cases.ini", records("[case{n}]\nname = {name}\nrelief = asylum")),
        (
            "app.log",
            records(
                '2024-03-0{n}T10:00:00Z INFO case updated name="{name}" relief=asylum status=ok',
                "\n",
            ),
        ),
        ("logfmt.log", records('ts=2024-03-01 name="{name}" cf_result=positive', "\n")),
        ("dict.log", records("INFO {{'name': '{name}', 'relief': 'asylum'}}", "\n")),
    ],
)
def test_key_value_lines_name_their_persons(
    tmp_path: Path, policy: Policy, name: str, text: str
) -> None:
    report = scan(tmp_path, name, text, policy)

    assert report.verdict == "protected"
    assert report.classes == {"protected-person": len(NAMES)}


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "app.ini",
            "[server]\nname = approval-gate\ntimeout=30\nretries = 5\n\n"
            "[asylum_module]\nenabled = true\nname = Asylum Office Intake\nowner = Records Team\n",
        ),
        (
            "messages.properties",
            "asylum.form.title=Application for Asylum and for Withholding of Removal\n"
            "applicant.name=Full name\napplicant.name.placeholder=Enter your full name\n"
            "applicant.family_name=Family name\napplicant.given_name=Given name\n"
            "relief.type=Type of relief sought\nrelief.asylum=Asylum\n"
            "credible_fear.result=Credible fear result\n",
        ),
        (
            "server.log",
            "2024-03-01T10:00:00Z INFO request path=/asylum/cases status=200 user=svc-batch\n"
            '2024-03-01T10:00:02Z WARN queue name="Credible Fear Queue" depth=30\n'
            "2024-03-01T10:00:03Z INFO host=app01 name=worker-3 case_type=asylum\n",
        ),
        (
            "check.py",
            "def check(name, relief):\n"
            '    if name == other_name and relief != "asylum":\n'
            "        return relief >= limit\n"
            "    return name\n",
        ),
        (
            # Markup read as text: ``name=`` names an element, not a person.
            "page.html",
            '<html><head><meta name=description content="Asylum statistics, FY2022: Country of'
            ' citizenship: Guatemala; Asylum applications: 12,345"></head><body><form>'
            "<input name=applicant><select name=relief><option>Asylum</option></select>"
            "</form></body></html>",
        ),
        (
            "contact.txt",
            "Name = Maria Lopez\nTitle = Supervisory Asylum Officer\n"
            "Office = Houston Asylum Office\n",
        ),
    ],
)
def test_key_value_lines_without_persons_of_record_stay_clean(
    tmp_path: Path, policy: Policy, name: str, text: str
) -> None:
    assert scan(tmp_path, name, text, policy).verdict == "clean"


def aligned(header: list[str], rows: list[list[str]], width: int = 14) -> str:
    return "\n".join("".join(c.ljust(width) for c in row).rstrip() for row in [header, *rows])


LAST_FIRST = [n.split()[::-1] for n in NAMES]


@pytest.mark.parametrize(
    "text",
    [
        aligned(["Name", "Relief"], [[n, "Asylum"] for n in NAMES], 22),
        aligned(["Last", "First", "Relief"], [[*p, "Asylum"] for p in LAST_FIRST]),
        aligned(
            ["LAST NAME", "FIRST NAME", "CF"], [[*map(str.upper, p), "POS"] for p in LAST_FIRST]
        ),
        "CREDIBLE FEAR REFERRALS\n\n"
        + aligned(
            ["LAST NAME", "FIRST NAME", "COUNTRY"],
            [[*map(str.upper, p), "MEXICO"] for p in LAST_FIRST],
        ),
        # A cell left empty in a row.
        aligned(["Name", "Notes", "Relief"], [[n, "", "Asylum"] for n in NAMES], 22),
    ],
)
def test_aligned_tables_without_a_rule_are_tables(
    tmp_path: Path, policy: Policy, text: str
) -> None:
    report = scan(tmp_path, "listing.txt", text + "\n", policy)

    assert report.verdict == "protected"
    assert report.classes == {"protected-person": len(NAMES)}
    assert any("column" in f.location for f in report.findings)


@pytest.mark.parametrize(
    "text",
    [
        # Statistics: counts by country and claim type.
        "ASYLUM DECISIONS BY NATIONALITY\n\n"
        + aligned(
            ["Country", "Asylum Granted", "Asylum Denied"],
            [["Mexico", "1,204", "3,210"], ["Honduras", "1,876", "2,455"], ["Haiti", "802", "977"]],
            18,
        ),
        # Grant rates per judge.
        aligned(
            ["Immigration Judge", "Court", "Asylum Grant Rate"],
            [["Maria Lopez", "Houston", "12%"], ["John Smith", "Newark", "45%"]],
            20,
        ),
        # A staff directory.
        aligned(
            ["Name", "Title"],
            [["Maria Lopez", "Supervisory Asylum Officer"], ["John Smith", "Asylum Officer"]],
            20,
        ),
    ],
    ids=["statistics", "judges", "staff"],
)
def test_aligned_tables_of_no_persons_of_record_stay_clean(
    tmp_path: Path, policy: Policy, text: str
) -> None:
    assert scan(tmp_path, "table.txt", text + "\n", policy).verdict == "clean"


def test_a_header_over_rows_not_under_it_is_read_as_the_lines_it_is(
    tmp_path: Path, policy: Policy
) -> None:
    # The rows' cells start where no header does: lines of a listing, each read whole (a cut
    # at the headers would split "STEPHENS, Ruby" and lose persons).
    text = "Asylum applicants - weekly referral list\n\nName    DOB    Country\n" + "\n".join(
        f"{n.split()[1].upper()}, {n.split()[0]}    DOB 0{k + 1}/02/1990    Mexico"
        for k, n in enumerate(NAMES)
    )

    report = scan(tmp_path, "listing.txt", text + "\n", policy)

    assert report.classes == {"protected-person": len(NAMES)}
