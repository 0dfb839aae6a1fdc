"""Steps for features/detection.feature: real files, scanned by the real CLI."""

from __future__ import annotations

import json
import re
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from pytest_bdd import given, parsers, scenarios, then, when

from tests.conftest import run_approval
from tests.corpus import tabular, text
from tests.corpus.people import people

scenarios("detection.feature")

DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Any]:
    return {"dir": tmp_path}


def _csv(world: dict[str, Any], case: tabular.Case, **kwargs: Any) -> None:
    world["path"] = case.write_csv(world["dir"] / f"{case.name}.csv", **kwargs)
    world["persons"] = people(len(case.rows))


# --- workbooks -------------------------------------------------------------------------------


@given("a workbook whose first sheet shows aggregate statistics")
def workbook_with_statistics(world: dict[str, Any]) -> None:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Summary"
    for row in tabular.aggregate_stats_sheet().rows:
        summary.append(row)
    world["book"] = book


@given(
    parsers.parse(
        "a hidden second sheet listing {count:d} detainees with their fear-interview results"
    )
)
def hidden_detainee_sheet(world: dict[str, Any], count: int) -> None:
    book: Workbook = world["book"]
    sheet = book.create_sheet("Detainees")
    sheet.sheet_state = "hidden"
    for row in tabular.detainee_sheet(count).rows:
        sheet.append(row)
    world["path"] = world["dir"] / "detention-statistics.xlsx"
    book.save(world["path"])


# --- tables ----------------------------------------------------------------------------------


@given(
    parsers.parse(
        "a CSV export of {count:d} detainees with A-numbers, birthdates, facilities and "
        "fear results"
    )
)
def detainee_csv(world: dict[str, Any], count: int) -> None:
    _csv(world, tabular.detainee_sheet(count))


@given(
    parsers.parse(
        "a CSV export of {count:d} detainees in which {repeat:d} of them are listed a second time"
    )
)
def repeated_csv(world: dict[str, Any], count: int, repeat: int) -> None:
    _csv(world, tabular.detainee_sheet(count, repeat=repeat))


@given(parsers.parse("a CSV export of {count:d} detainees without a header row"))
def headerless_csv(world: dict[str, Any], count: int) -> None:
    _csv(world, tabular.detainee_sheet(count, header=False))


@given(
    parsers.parse(
        "a CSV export of {count:d} detainees separated by {delimiter} and saved as {encoding}"
    )
)
def encoded_csv(world: dict[str, Any], count: int, delimiter: str, encoding: str) -> None:
    _csv(world, tabular.detainee_sheet(count), delimiter=DELIMITERS[delimiter], encoding=encoding)


@given(parsers.parse("a list of {count:d} names with nothing else about the persons"))
def names_only(world: dict[str, Any], count: int) -> None:
    _csv(world, tabular.names_only_sheet(count))


@given(parsers.parse("a list of {count:d} names with the relief each of them sought"))
def names_with_claims(world: dict[str, Any], count: int) -> None:
    _csv(world, tabular.names_and_claims_sheet(count))


@given(
    parsers.parse(
        "a list of {count:d} detainees with A-numbers, birthdates and facilities but no claim"
    )
)
def personal_data(world: dict[str, Any], count: int) -> None:
    _csv(world, tabular.personal_data_sheet(count))


@given(
    parsers.parse(
        'a table headed "Alien No.", "Subj Nm", "D.O.B.", "Ctry of Citz" and "CFI Result" '
        "for {count:d} persons"
    )
)
def loose_headers(world: dict[str, Any], count: int) -> None:
    _csv(world, tabular.loose_headers_sheet(count))


# --- prose -----------------------------------------------------------------------------------


@given(
    parsers.parse('a Markdown memo headed "Credible fear interviews" that lists {count:d} persons')
)
def fear_memo(world: dict[str, Any], count: int) -> None:
    world["path"] = text.fear_memo(count).write(world["dir"])


@given(
    parsers.parse(
        "a plain-text message to a foreign government naming {count:d} deportees who claimed "
        "fear of return"
    )
)
def removal_message(world: dict[str, Any], count: int) -> None:
    case = text.removal_email()
    assert case.classes == {"protected-person": count}
    world["path"] = case.write(world["dir"])


@given(
    parsers.parse(
        "a message to a foreign government confirming in plain sentences that {count:d} named "
        "persons sought asylum, beside named officials"
    )
)
def confirmation_message(world: dict[str, Any], count: int) -> None:
    case = text.confirmation_message()
    assert case.classes == {"protected-person": count}
    world["path"] = case.write(world["dir"])


@given(
    'an email whose subject is "Credible fear interview" and whose body names a person in '
    "the agency's LAST, First style"
)
def fear_email(world: dict[str, Any]) -> None:
    p = people(1, seed=41)[0]
    message = EmailMessage()
    message["From"] = "asylum.office@agency.example"
    message["To"] = "detention.unit@agency.example"
    message["Subject"] = "Credible fear interview"
    message.set_content(
        f"Please bring {p.last_first} to interview room 2 on Tuesday at 9:00.\n\nThanks.\n"
    )
    world["path"] = world["dir"] / "interview.eml"
    world["path"].write_bytes(bytes(message))


# --- negatives and odd files -------------------------------------------------------------------

NEGATIVE_FILES = {
    "aggregate statistics that mention asylum and countries": lambda d: (
        tabular.aggregate_stats_sheet().write_csv(d / "stats.csv")
    ),
    "a list of detention facilities": lambda d: tabular.facility_list_sheet().write_csv(
        d / "facilities.csv"
    ),
    'a staff directory whose titles say "Asylum Officer"': lambda d: text.staff_directory().write(
        d
    ),
    "a press release that names officials and mentions credible fear": lambda d: (
        text.press_release().write(d)
    ),
    "invoices and phone numbers that look like A-numbers": lambda d: (
        tabular.invoices_sheet().write_csv(d / "invoices.csv")
    ),
    "a public court calendar with counts of asylum hearings": lambda d: (
        tabular.court_calendar_sheet().write_csv(d / "calendar.csv")
    ),
    "a list of meeting attendees written LAST, First": lambda d: text.meeting_attendees().write(d),
}

ODD_FILES: dict[str, tuple[str, bytes]] = {
    "a photograph": ("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(2048)),
    "random bytes": ("blob", bytes(range(256)) * 64),
    "an empty file": ("empty.csv", b""),
    "a 5 MB line without a line break": ("long.txt", b"x" * (5 * 1024 * 1024)),
}


_DESCRIBED = "|".join(re.escape(d) for d in (*NEGATIVE_FILES, *ODD_FILES))


@given(parsers.re(f"(?P<description>{_DESCRIBED})"))
def described_file(world: dict[str, Any], description: str) -> None:
    if description in NEGATIVE_FILES:
        world["path"] = NEGATIVE_FILES[description](world["dir"])
    elif description in ODD_FILES:
        name, content = ODD_FILES[description]
        world["path"] = world["dir"] / name
        world["path"].write_bytes(content)
    else:
        raise AssertionError(f"no such file in the steps: {description}")


# --- scanning --------------------------------------------------------------------------------


@when("the publisher scans it")
@when("the publisher scans it as JSON")
def scan(world: dict[str, Any]) -> None:
    result = run_approval("scan", "--format", "json", world["path"])
    world["result"] = result
    (world["report"],) = json.loads(result.stdout)["files"]


@then(parsers.parse("the scan exits {code:d}"))
def exits(world: dict[str, Any], code: int) -> None:
    assert world["result"].code == code, world["result"].output


@then(parsers.re(r'the file is protected, with (?P<count>\d+) persons? of class "(?P<cls>[^"]+)"'))
def protected(world: dict[str, Any], count: str, cls: str) -> None:
    report = world["report"]
    assert report["verdict"] == "protected"
    assert report["classes"] == {cls: {"records": int(count)}}


@then("the file is clean")
def clean(world: dict[str, Any]) -> None:
    assert (world["report"]["verdict"], world["report"]["findings"]) == ("clean", [])


@then(parsers.parse('the file is unscannable because "{reason}"'))
def unscannable(world: dict[str, Any], reason: str) -> None:
    assert (world["report"]["verdict"], world["report"]["reason"]) == ("unscannable", reason)


@then(parsers.parse('the findings are marked hidden, on sheet "{sheet}"'))
def hidden(world: dict[str, Any], sheet: str) -> None:
    findings = world["report"]["findings"]
    assert findings
    assert all(f["location"]["sheet"] == sheet and f["location"]["hidden"] for f in findings)


@then(parsers.parse('the report shows the A-number column "{column}" with a redacted sample only'))
def a_number_column(world: dict[str, Any], column: str) -> None:
    (finding,) = [f for f in world["report"]["findings"] if f["detector"] == "a-number"]
    assert finding["location"]["column"] == column
    sample = finding["sample"]
    assert sample.startswith("A") and sample.count("*") == 6


@then("the claim is found in the heading")
def claim_in_heading(world: dict[str, Any]) -> None:
    (claim,) = [f for f in world["report"]["findings"] if f["detector"] == "protection-claim"]
    assert claim["location"] == {"context": "heading", "line": 1}
    assert claim["sample"] == "credible fear"


@then("nothing was printed as a traceback")
def no_traceback(world: dict[str, Any]) -> None:
    assert "Traceback" not in world["result"].output


@then("no name, A-number or birthdate of those persons appears in the output")
def nothing_disclosed(world: dict[str, Any]) -> None:
    output = world["result"].output
    for p in world["persons"]:
        for value in (p.a_number, p.a_digits, p.last.upper(), p.first, p.name):
            assert value not in output
        assert p.birthdate.strftime("%m/%d/%Y") not in output
