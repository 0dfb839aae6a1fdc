"""A heading or an intro line right above a list of names, with no blank line between, governs
the list (red-team finding 2): ``Asylum applicants:`` over names, ``CREDIBLE FEAR - POSITIVE``,
the 2022 message as a list, an inline ``Asylum seekers: A, B, C``, CRLF endings, HTML ``<br>``
lists and a Markdown ``**bold**`` heading. Lists of staff under a claim stay clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.detect.scan import scan_file
from approval.policy import Policy
from tests.corpus.people import people

PERSONS = people(6, seed=7101)
NAMES = [p.name for p in PERSONS]


def _lines(names: list[str], mark: str = "") -> str:
    return "".join(f"{mark}{n}\n" for n in names)


CLAIMED = [
    ("applicants.txt", "Asylum applicants:\n" + _lines(NAMES)),
    ("seekers.txt", "Asylum seekers:\n" + _lines(NAMES)),
    ("granted.txt", "Granted asylum:\n" + _lines(NAMES)),
    ("asylees.txt", "Asylees:\n" + _lines(NAMES)),
    ("refugees.txt", "Refugees resettled:\n" + _lines(NAMES)),
    ("cf.txt", "CREDIBLE FEAR - POSITIVE\n" + _lines(NAMES)),
    ("message.txt", "We confirm that the following people sought asylum:\n" + _lines(NAMES)),
    ("two-lines.txt", "Port Isabel, November\nAsylum applicants:\n" + _lines(NAMES)),
    ("crlf.txt", ("Asylum applicants:\n" + _lines(NAMES)).replace("\n", "\r\n")),
    ("last-first.txt", "Asylum applicants:\n" + "".join(f"{p.last}, {p.first}\n" for p in PERSONS)),
    ("inline.txt", "Asylum seekers: " + ", ".join(NAMES[:-1]) + f" and {NAMES[-1]}\n"),
    # A dash for the colon, an attribute in brackets, a surname alone with its country.
    ("inline-dash.txt", "Asylum seekers - " + ", ".join(NAMES) + "\n"),
    ("inline-en-dash.txt", "Withholding granted – " + "; ".join(NAMES) + "\n"),
    ("inline-countries.txt", "Asylum seekers: Maria Lopez (Honduras), Jose Ramirez (Guatemala)\n"),
    ("surnames.txt", "Asylum claims: Lopez (Honduras); Ramirez (Guatemala)\n"),
    # Typed without case.
    ("lower.txt", "asylum seekers:\nmaria lopez\njose ramirez\n"),
    ("caps.txt", "CREDIBLE FEAR - POSITIVE\nMARIA LOPEZ\nJOSE RAMIREZ\n"),
    (
        "inline-sentence.txt",
        "The following persons passed their credible fear interviews: " + ", ".join(NAMES) + ".\n",
    ),
    ("bold.md", "**Granted asylum**\n" + "".join(f"{n}  \n" for n in NAMES)),
    (
        "br.html",
        "<html><body><p>Asylum applicants:<br>" + "<br>".join(NAMES) + "</p></body></html>",
    ),
    (
        "br-strong.html",
        "<p><strong>Granted asylum</strong><br>" + "<br>".join(NAMES) + "</p>",
    ),
]

CLEAN = [
    ("staff.txt", "Asylum office staff:\n" + _lines(NAMES)),
    ("officers.txt", "Asylum Officers:\n" + _lines(NAMES)),
    ("speakers.txt", "Asylum law conference speakers:\n" + _lines(NAMES)),
    ("inline-staff.txt", "Asylum Division contacts: " + ", ".join(NAMES) + "\n"),
    ("director.txt", f"Director, Asylum Division: {NAMES[0]}\n"),
    ("no-claim.txt", "Attendees:\n" + _lines(NAMES)),
    ("org.txt", f"Asylum Access: {NAMES[0]}, {NAMES[1]}\n"),
    # A closing over a signature, under a sentence that mentions a claim.
    ("closing.txt", f"Thank you for your question about asylum.\nSincerely,\n{NAMES[0]}\n"),
    ("titles.txt", f"Granted asylum:\n{NAMES[0]}\nAsylum Officer\n"),
    # A dash after a claim over an office, a topic or a body, not persons.
    ("office.txt", "Withholding - Service Center\n"),
    ("nebraska.txt", "Asylum - Nebraska Service Center\n"),
    ("topics.txt", "Asylum seekers - Policy Guidance, Fact Sheet\n"),
    ("units.txt", "Credible fear - Training Unit, Asylum Division\n"),
    # Names of a project's maintainers under a heading about a claim.
    ("readme.md", "# credible fear tools\n\nMaintainers:\n- maria lopez\n- jose ramirez\n"),
    ("readme-title.md", "# Asylum statistics\n\nMaintainers: Maria Lopez, Jose Ramirez\n"),
    ("contributors.md", "# Asylum tracker\n\nContributors:\n" + _lines(NAMES)),
    # A heading above prose, not a list.
    ("prose.txt", "Asylum statistics\nApplications rose by 8 percent in the third quarter.\n"),
]


@pytest.mark.parametrize(("name", "text"), CLAIMED, ids=[c[0] for c in CLAIMED])
def test_a_claim_right_above_names_makes_them_claimants(
    tmp_path: Path, policy: Policy, name: str, text: str
) -> None:
    path = tmp_path / name
    path.write_bytes(text.encode())
    report = scan_file(path, policy)
    assert report.verdict == "protected"
    assert report.classes.get("protected-person", 0) >= 1


@pytest.mark.parametrize(("name", "text"), CLEAN, ids=[c[0] for c in CLEAN])
def test_staff_officials_and_topics_stay_clean(
    tmp_path: Path, policy: Policy, name: str, text: str
) -> None:
    path = tmp_path / name
    path.write_bytes(text.encode())
    assert "protected-person" not in scan_file(path, policy).classes


def test_every_listed_name_counts_once(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "applicants.txt"
    path.write_text("Asylum applicants:\n" + _lines(NAMES))
    assert scan_file(path, policy).classes["protected-person"] == len(NAMES)
