"""DESIGN.md invariant 7: the ledger never stores the protected data itself.

Files named after persons (an A-number, ``LAST, First``, ``First Last``), with sheets and archive
members named after them too, go through every command that signs a statement about a file:
request, sign-off, rejection, revocation, export and redaction. Then every string of every
statement, the ledger's whole git history and what ``audit`` and ``show`` print are searched
for the names and numbers: none may appear. Real CLI, real git, real ssh-keygen keys.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.corpus import tabular
from tests.support import KeyMaker
from tests.world import World

# What the file names, sheet names and member names give away.
CSV_NAME = "A212345678 GARCIA, Maria.csv"
XLSX_NAME = "A212345679 Juan Lopez.xlsx"
# Names the gate lets a file be published under (a name alone is no protected data), which the
# ledger redacts all the same: the A-numbers would make them protected paths (export refuses).
CSV_OUT = "GARCIA, Maria.csv"
XLSX_OUT = "Juan Lopez.xlsx"
HIDDEN_SHEET = "A212345678 Garcia"
MEMBER = "asylum/A212345678_Garcia_Maria.png"
FORBIDDEN = ("212345678", "212345679", "garcia", "maria", "juan", "lopez")


def _hidden_sheet_workbook(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    summary.append(["Nationality", "Book-ins"])
    summary.append(["Mexico", 10])
    hidden = book.create_sheet(HIDDEN_SHEET)
    hidden.sheet_state = "hidden"
    hidden.append(["Name", "A-Number", "Claim"])
    hidden.append(["PEREZ, Ana", "A298765432", "asylum"])
    hidden.append(["SOTO, Luis", "A298765433", "credible fear"])
    book.save(path)
    return path


def _names_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(MEMBER, b"\x89PNG\r\n\x1a\n" + bytes(100))
        archive.writestr("asylum/applicants.csv", "Nationality,Count\nMexico,3\n")
    return path


def _ok(world: World, *args: str | Path, as_: str | None = None) -> str:
    result = world.run(*args, as_=as_)
    assert result.code == 0, result.output
    return result.stdout


def _id(stdout: str) -> str:
    return stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory, make_key: KeyMaker) -> dict[str, Any]:
    """One ledger that has seen every kind of statement about files named after persons."""
    world = World(tmp_path_factory.mktemp("names"), make_key)
    assert world.init().code == 0
    www = world.root / "www"
    www.mkdir()
    csv = tabular.detainee_sheet(3).write_csv(world.root / CSV_NAME)
    xlsx = _hidden_sheet_workbook(world.root / XLSX_NAME)
    names = _names_zip(world.root / "names.zip")
    outputs: dict[str, str] = {}

    # request, two approvals (one with a comment), export refused under the file's own name
    # (the A-number in it is protected data), then exported under a name that holds a name only
    request = world.request(csv)
    _ok(world, "sign", request, "--yes", "--comment", "checked the columns", as_="o.privacy")
    _ok(world, "sign", request, "--yes", as_="s.senior")
    refused = world.run("export", csv, "--to", www, as_="p.publisher")
    outputs["refused"] = refused.output
    outputs["refused code"] = str(refused.code)
    outputs["export"] = _ok(world, "export", csv, "--to", www / CSV_OUT, as_="p.publisher")

    # a rejection of the workbook, and its signed redaction into a directory
    rejected = world.request(xlsx)
    _ok(world, "sign", rejected, "--yes", "--reject", "--comment", "hidden sheet", as_="s.senior")
    public = world.root / "public"
    public.mkdir()
    outputs["redact"] = _ok(world, "redact", xlsx, "--out", public / XLSX_OUT, as_="p.publisher")

    # an archive that cannot be read whole, requested, then withdrawn
    withdrawn = world.request(names)
    _ok(world, "revoke", withdrawn, "--reason", "wrong archive", as_="p.publisher")

    outputs["show"] = _ok(world, "show", request) + _ok(world, "show", withdrawn)
    outputs["audit"] = _ok(world, "audit") + _ok(world, "audit", "--format", "json")
    # The path is the publisher's own (dashboards link to it); what is inside is not.
    inside = world.root / "hs.xlsx"
    inside.write_bytes(xlsx.read_bytes())
    outputs["scan"] = world.run("scan", inside, names, "--format", "sarif").stdout
    return {"world": world, "outputs": outputs, "www": www, "csv": csv}


def _statements(ledger: Path) -> list[dict[str, Any]]:
    from approval.ledger import Ledger

    with Ledger.open(ledger) as opened:
        return [entry.envelope.statement for entry in opened.entries()]


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a JSON value, keys included, with where it is."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}", key
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def _leaks(text: str) -> list[str]:
    return [word for word in FORBIDDEN if word in text.lower()]


def test_every_kind_of_statement_was_made(story: dict[str, Any]) -> None:
    kinds = {s["kind"] for s in _statements(story["world"].ledger)}
    assert {"request", "signoff", "revocation", "export", "redaction"} <= kinds


def test_no_string_of_any_statement_names_a_person(story: dict[str, Any]) -> None:
    found = [
        (statement["kind"], where, _leaks(text))
        for statement in _statements(story["world"].ledger)
        if statement["kind"] != "adoption"  # the policy and roster, typed by admins
        for where, text in _strings(statement)
        if _leaks(text)
    ]
    assert found == []


def test_the_statements_say_what_they_can_without_the_names(story: dict[str, Any]) -> None:
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for statement in _statements(story["world"].ledger):
        by_kind.setdefault(statement["kind"], []).append(statement)
    (export,) = by_kind["export"]
    assert export["artifact"]["name"] == "[redacted].csv"
    assert export["destination"] == str((story["www"] / "[redacted].csv").resolve())
    assert (story["www"] / CSV_OUT).exists()  # what the ledger redacted is the real name
    (redaction,) = by_kind["redaction"]
    assert redaction["source"]["name"] == redaction["derivative"]["name"] == "[redacted].xlsx"
    assert "sheet [redacted] (hidden), whole" in redaction["removed"]
    names_zip = next(r for r in by_kind["request"] if r["artifact"]["name"] == "names.zip")
    assert names_zip["scan"]["reason"] == (
        "names.zip/asylum/[redacted].png: unsupported format: image/png"
    )


def test_the_git_history_holds_no_name(story: dict[str, Any]) -> None:
    log = subprocess.run(
        ["git", "log", "--all", "-p", "--format=%H%n%B"],
        cwd=story["world"].ledger,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8", "replace")
    assert "[redacted].csv" in log  # the entries are there, and readable
    assert _leaks(log) == []


@pytest.mark.parametrize("command", ["show", "audit", "scan", "refused"])
def test_what_the_commands_print_names_no_one(story: dict[str, Any], command: str) -> None:
    output = story["outputs"][command]
    assert output.strip()
    assert _leaks(output) == []


def test_the_redaction_screen_names_places_not_persons(story: dict[str, Any]) -> None:
    screen = story["outputs"]["redact"]
    removed = screen[screen.index("removed:") :].split("recorded by")[0]
    assert "sheet [redacted] (hidden), whole" in removed
    assert _leaks(removed) == []


def test_the_file_is_exported_under_the_name_given_never_under_a_protected_one(
    story: dict[str, Any],
) -> None:
    # Redaction is for the ledger and the reports: the publisher's file keeps the name given.
    # A name that holds protected data (an A-number) is published data: export refuses it,
    # as check and serve do.
    csv: Path = story["csv"]
    assert story["outputs"]["refused code"] == "1"
    assert "its name holds protected data" in story["outputs"]["refused"]
    assert sorted(p.name for p in story["www"].iterdir()) == [CSV_OUT]
    assert (story["www"] / CSV_OUT).read_bytes() == csv.read_bytes()
    assert json.loads(story["outputs"]["scan"])["version"] == "2.1.0"


# -- free text the CLI refuses, and a file name that is not UTF-8 ---------------------------


def _run_bytes(world: World, *args: bytes) -> subprocess.CompletedProcess[bytes]:
    """The CLI with arguments as raw bytes, as a shell passes ``$'a\\xffb'``."""
    env = {**os.environ, "APPROVAL_LEDGER": str(world.ledger), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "approval", *args],
        cwd=world.root,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    world = World(tmp_path, make_key)
    assert world.init().code == 0
    return world


@pytest.mark.parametrize(
    ("purpose", "message"),
    [
        (b"file lists Maria Garcia", "error: --purpose seems to contain personal data: a person"),
        (b"ref 212345678", "error: --purpose seems to contain personal data: an 8-9 digit number"),
        (b"a\xffb", "error: --purpose is not valid UTF-8 text"),
    ],
)
def test_a_purpose_that_cannot_be_recorded_is_refused_in_one_line(
    world: World, purpose: bytes, message: str
) -> None:
    csv = tabular.detainee_sheet(3).write_csv(world.root / "detainees.csv")
    key = os.fsencode(world.key("p.publisher").private)
    head = _statements(world.ledger)
    done = _run_bytes(
        world, b"request", os.fsencode(csv), b"--purpose", purpose, b"--destination", b"www",
        b"--key", key,
    )  # fmt: skip
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, stderr
    assert stderr.splitlines()[0].startswith(message)
    assert "Traceback" not in stderr
    assert _leaks(stderr) == []
    assert _statements(world.ledger) == head  # nothing appended


def test_a_file_whose_name_is_not_utf8_can_be_requested_and_exported(world: World) -> None:
    rows = tabular.detainee_sheet(3).write_csv(world.root / "rows.csv").read_bytes()
    name = os.fsencode(world.root) + b"/caf\xe9.csv"  # Latin-1, as an old share names it
    Path(os.fsdecode(name)).write_bytes(rows)
    key = os.fsencode(world.key("p.publisher").private)
    done = _run_bytes(
        world, b"request", name, b"--purpose", b"FY2022 statistics", b"--destination", b"www",
        b"--key", key,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    request = done.stdout.decode("utf-8", "replace").strip().splitlines()[-1]
    for who in ("o.privacy", "s.senior"):
        assert world.sign(request, who).code == 0
    www = world.root / "www"
    www.mkdir()
    done = _run_bytes(world, b"export", name, b"--to", os.fsencode(www), b"--key", key)
    assert done.returncode == 0, done.stderr
    assert (os.fsencode(www) + b"/caf\xe9.csv") in [os.fsencode(p) for p in www.iterdir()]
    recorded = {
        s["kind"]: s for s in _statements(world.ledger) if s["kind"] in ("request", "export")
    }
    assert recorded["request"]["artifact"]["name"] == "caf\ufffd.csv"
    assert recorded["export"]["artifact"]["name"] == "caf\ufffd.csv"
    assert recorded["export"]["destination"].endswith("/www/caf\ufffd.csv")


# -- names in every position, in every case, with claim words around them (issue 13) -------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from approval.detect.gazetteer import NAMES  # noqa: E402
from approval.detect.strings import safe_file_name, safe_scan, safe_statement, safe_text  # noqa: E402
from approval.policy import default_policy  # noqa: E402

# Given names and surnames, some on the gazetteer's lists and some not (Ethiopian, Nepali,
# Tibetan, Yoruba, Persian names: found only by a claim beside them, or by Title Case).
GIVEN = ("maria", "jose", "kwame", "ousmane", "tenzin", "nasrin", "abebe", "lamine", "haile")
SURNAMES = ("hernandez", "garcia", "mensah", "ramirez", "dorje", "farahani", "bekele", "thapa")
CLAIMS = ("asylum", "credible fear", "refugee", "asylum interview", "i-589")
FORMS = (
    "{g}_{s}", "{g}-{s}", "{g}.{s}", "{g} {s}", "{s}, {g}", "{s}_{g}", "{g}_{s}_{s2}",
)  # fmt: skip


def _cased(word: str, case: str) -> str:
    return {"lower": word.lower(), "upper": word.upper(), "title": word.title()}[case]


@st.composite
def file_strings(draw: st.DrawFn) -> tuple[str, tuple[str, ...]]:
    """A string that comes with a file (a name, a member, a sheet) holding a person's name,
    and the words of that name."""
    given_name, surname, second = (
        draw(st.sampled_from(GIVEN)),
        draw(st.sampled_from(SURNAMES)),
        draw(st.sampled_from(SURNAMES)),
    )
    case = draw(st.sampled_from(("lower", "upper", "title")))
    form = draw(st.sampled_from(FORMS))
    words = (given_name, surname, second) if "{s2}" in form else (given_name, surname)
    known = all(w in NAMES for w in words)
    name = form.format(
        g=_cased(given_name, case),
        s=_cased(surname, "upper" if form.startswith("{s},") and case == "title" else case),
        s2=_cased(second, case),
    )
    claim = draw(st.sampled_from(CLAIMS))
    joint = draw(st.sampled_from(("_", " ", "-")))
    # A claim beside the name whenever the name's own words could not tell (not on the lists,
    # or not in Title Case): "with claim words around them".
    where = draw(st.sampled_from(("before", "after", "both") if not known else
                                 ("before", "after", "both", "none")))  # fmt: skip
    before = (
        f"{claim}{joint}"
        if where in ("before", "both")
        else draw(st.sampled_from(("", "notes_", "interview ")))
    )
    after = f"{joint}{claim}" if where in ("after", "both") else ""
    folder = draw(st.sampled_from(("", "asylum/", "2022/")))
    suffix = draw(st.sampled_from(("", ".pdf", ".zip", ".xlsx", ".png")))
    return f"{folder}{before}{name}{after}{suffix}", words


def _leaked(text: str, words: tuple[str, ...]) -> list[str]:
    folded = text.lower()
    return [w for w in words if w in folded]


def _every_kind(value: str) -> list[dict[str, Any]]:
    """One statement of each kind that holds strings from files, ``value`` in each of them."""
    artifact = {"sha256": "a" * 64, "size": 1, "name": value}
    location = {"sheet": value, "part": value, "header": value, "key": value, "column": value}
    scan = {
        "verdict": "unscannable", "format": "zip", "reason": f"{value}: unsupported format",
        "classes": {"protected-person": {"records": 1}},
        "findings": [{"class": "protected-person", "detector": "a-number",
                      "location": location, "count": 1}],
        "coverage": [{"part": value, "kind": "member", "bytes": 1, "read": "unread",
                      "reason": f"{value}: encrypted"}],
    }  # fmt: skip
    common = {"type": "t", "created": "2026-01-01T00:00:00Z", "seen_head": None, "signer": "x"}
    return [
        {**common, "kind": "request", "artifact": artifact, "scan": scan},
        {**common, "kind": "export", "artifact": artifact, "destination": f"/srv/www/{value}"},
        {**common, "kind": "redaction", "source": artifact, "derivative": artifact,
         "removed": [f"sheet {value} (hidden), whole", f"column {value}"]},
    ]  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(file_strings())
def test_no_name_in_any_position_survives_the_sanitiser(case: tuple[str, tuple[str, ...]]) -> None:
    value, words = case
    policy = default_policy()
    assert _leaked(safe_text(value, policy), words) == [], safe_text(value, policy)
    assert _leaked(safe_file_name(value, policy), words) == []
    for statement in _every_kind(value):
        made = json.dumps(safe_statement(statement, policy))
        assert _leaked(made, words) == [], (statement["kind"], made)
    scan = _every_kind(value)[0]["scan"]
    assert _leaked(json.dumps(safe_scan(scan, policy)), words) == []


@pytest.mark.parametrize(
    "text",
    [
        "detention-stats.xlsx", "detention-stats-v2.xlsx", "aggregates.csv", "names.zip",
        "asylum/applicants.csv", "FY2022 Detention Stats.xlsx", "Weekly Statistics.xlsx",
        "asylum grant rates 2022.xlsx", "credible_fear_outcomes_by_facility.csv",
        "names.zip/asylum/[redacted].png: unsupported format: image/png",
        "sheet [redacted] (hidden), whole", "Sheet2", "Detainees", "/srv/www/stats.xlsx",
    ],
)  # fmt: skip
def test_what_names_no_one_is_kept_as_it_is(text: str) -> None:
    assert safe_text(text, default_policy()) == text


# The same names through the real CLI: every statement kind, git log -p, every report.
NAMED_ZIP = "MARIA GARCIA asylum interview.zip"
NAMED_MEMBERS = ("notes_jose_hernandez_asylum.png", "asylum/tenzin_dorje_credible_fear.pdf")
NAMED_XLSX = "garcia-lopez, ana - asylum.xlsx"
NAMED_SHEET = "nasrin farahani asylum"
NAMED = ("maria", "garcia", "jose", "hernandez", "tenzin", "dorje", "lopez", "nasrin", "farahani")


@pytest.fixture(scope="module")
def named(tmp_path_factory: pytest.TempPathFactory, make_key: KeyMaker) -> dict[str, Any]:
    from openpyxl import Workbook

    world = World(tmp_path_factory.mktemp("caseless"), make_key)
    assert world.init().code == 0
    archive = world.root / NAMED_ZIP
    with zipfile.ZipFile(archive, "w") as out:
        for member in NAMED_MEMBERS:
            out.writestr(member, b"\x89PNG\r\n\x1a\n" + bytes(64))
    book = Workbook()
    book.active.append(["Nationality", "Count"])
    book.active.append(["Mexico", 3])
    hidden = book.create_sheet(NAMED_SHEET)
    hidden.sheet_state = "hidden"
    hidden.append(["Name", "A-Number", "Claim"])
    hidden.append(["PEREZ, Ana", "A298765432", "asylum"])
    workbook = world.root / NAMED_XLSX
    book.save(workbook)
    site = world.root / "site"
    site.mkdir()
    outputs: dict[str, str] = {}
    zipped = world.request(archive)
    outputs["show"] = world.run("show", zipped[:12]).stdout
    outputs["sign"] = _ok(world, "sign", zipped[:12], "--yes", as_="o.privacy")
    outputs["sign"] += _ok(world, "sign", zipped[:12], "--yes", as_="s.senior")
    outputs["status"] = _ok(world, "status", str(archive)) + _ok(world, "status", zipped[:12])
    # Under a name alone: with the claim words the archive's own name is a protected path.
    outputs["export"] = _ok(
        world, "export", str(archive), "--to", str(site / "MARIA GARCIA.zip"), as_="p.publisher"
    )
    refused = world.request(workbook)
    _ok(world, "sign", refused[:12], "--yes", "--reject", "--comment", "hidden", as_="s.senior")
    _ok(world, "revoke", refused[:12], "--reason", "withdrawn", as_="p.publisher")
    public = world.root / "public"
    public.mkdir()
    outputs["redact"] = world.run(
        "redact", str(workbook), "--out", str(public), as_="p.publisher"
    ).stdout
    outputs["audit"] = _ok(world, "audit") + _ok(world, "audit", "--format", "json")
    # The scanned path is the publisher's own; what is inside the file is what must not show.
    copies = [world.root / "a.zip", world.root / "b.xlsx"]
    copies[0].write_bytes(archive.read_bytes())
    copies[1].write_bytes(workbook.read_bytes())
    for fmt in ("text", "json", "sarif"):
        outputs[f"scan {fmt}"] = world.run("scan", *map(str, copies), "--format", fmt).stdout
    outputs["git log -p"] = subprocess.run(
        ["git", "log", "--all", "-p", "--format=%H%n%B"],
        cwd=world.ledger, capture_output=True, check=True,
    ).stdout.decode("utf-8", "replace")  # fmt: skip
    return {"world": world, "outputs": outputs}


def test_caseless_names_reach_no_statement(named: dict[str, Any]) -> None:
    statements = _statements(named["world"].ledger)
    assert {"request", "signoff", "revocation", "export", "redaction"} <= {
        s["kind"] for s in statements
    }
    found = [
        (s["kind"], where, text)
        for s in statements
        if s["kind"] != "adoption"
        for where, text in _strings(s)
        if _leaked(text, NAMED)
    ]
    assert found == []


@pytest.mark.parametrize(
    "report",
    ["show", "sign", "status", "export", "audit", "scan text", "scan json",
     "scan sarif", "git log -p"],
)  # fmt: skip
def test_caseless_names_reach_no_report(named: dict[str, Any], report: str) -> None:
    text = named["outputs"][report]
    assert text.strip()
    assert _leaked(text, NAMED) == []
