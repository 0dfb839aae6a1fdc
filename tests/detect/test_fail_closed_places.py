"""Fail closed, for the whole class: one payload of protected records, injected by code into
every kind of place of every supported container (``tests.corpus.inject``), must never scan
clean, under its own name or a misleading one; the same containers built with harmless
statistics must scan clean, or the gate blocks every deck and gets bypassed.

``protected`` and ``unscannable`` are both acceptable for the payload; which one each place gets
is published as the README's "what the scanner reads" table
(``python -m tests.detect.fail_closed_table``).
"""

from __future__ import annotations

import functools
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from approval.detect.report import FileReport
from approval.detect.scan import scan_file
from approval.policy import Policy
from tests.corpus.inject import (
    CASES,
    HARMLESS,
    PAYLOAD,
    RENAMES,
    Case,
    Content,
    a_numbers_in,
    file_name,
)
from tests.support import KeyMaker
from tests.world import World

# Cells that still fail, by case id (and "id@name" for a renamed file), with what was observed.
# Filled in only at the end of a work session, for what the readers do not do yet; strict, so
# that a cell that starts passing must be taken off the list.
PAYLOAD_XFAIL: dict[str, str] = {}
HARMLESS_XFAIL: dict[str, str] = {}


@functools.cache
def built(case: Case, content: Content) -> bytes:
    """The bytes of a case, built once per session (building is most of the cost)."""
    return case.build(content)


def _param(xfails: dict[str, str], key: str, *values: object) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=xfails[key])] if key in xfails else []
    return pytest.param(*values, id=key, marks=marks)


@dataclass
class Corpus:
    """Every case built once per session, under its own name and each misleading name; the
    scan under its own name kept for the renamed files to compare with."""

    root: Path
    reports: dict[str, FileReport] = field(default_factory=dict)

    def path(self, case: Case, content: Content, name: str | None = None) -> Path:
        directory = self.root / content.kind / f"{CASES.index(case):03d}"
        if not directory.exists():
            directory.mkdir(parents=True)
            data = built(case, content)
            for each in (file_name(case), *RENAMES):
                (directory / each).write_bytes(data)
        return directory / (name or file_name(case))

    def own(self, case: Case, policy: Policy) -> FileReport:
        if case.id not in self.reports:
            self.reports[case.id] = scan_file(self.path(case, PAYLOAD), policy)
        return self.reports[case.id]


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return Corpus(tmp_path_factory.mktemp("fail-closed"))


def _shown(report: FileReport) -> str:
    classes = ", ".join(f"{c}: {n}" for c, n in report.classes.items())
    return f"{report.verdict} ({report.format}) {classes or report.reason or ''}".strip()


# The ground under the table: the payload alone is protected, the statistics alone are clean,
# and the payload really is in every produced file.


def test_the_bare_payload_is_protected(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "payload.csv"
    path.write_text(PAYLOAD.csv())
    report = scan_file(path, policy)
    assert report.verdict == "protected"
    assert report.classes.get("protected-person") == len(PAYLOAD.rows) == 12


def test_the_bare_statistics_are_clean(tmp_path: Path, policy: Policy) -> None:
    for name, text in (("stats.csv", HARMLESS.csv()), ("stats.txt", HARMLESS.text())):
        path = tmp_path / name
        path.write_text(text)
        assert scan_file(path, policy).verdict == "clean", name


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_payload_is_really_there(case: Case) -> None:
    """By brute force, not by the scanner: every A-number of the payload is in the bytes,
    and none in the harmless build."""
    assert a_numbers_in(built(case, PAYLOAD)) == {row[1] for row in PAYLOAD.rows}
    assert a_numbers_in(built(case, HARMLESS)) == set()


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.fmt in ("xlsx", "docx", "pptx", "ods", "pdf")], ids=str
)
def test_the_documents_are_well_formed(case: Case) -> None:
    """Every XML part of a package parses, every PDF opens strictly: a place that is blocked
    must be blocked for what it holds, not because the builder wrote a broken file."""
    for content in (PAYLOAD, HARMLESS):
        data = built(case, content)
        if case.fmt == "pdf":
            reader = PdfReader(io.BytesIO(data), strict=True)
            if reader.is_encrypted:
                reader.decrypt("")
            assert [page.extract_text() for page in reader.pages]
            continue
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            assert package.testzip() is None
            for name in package.namelist():
                if name.endswith((".xml", ".rels")):
                    ElementTree.fromstring(package.read(name))  # noqa: S314 - our own bytes


def test_every_format_and_container_is_covered() -> None:
    formats = {c.fmt for c in CASES}
    assert formats >= {
        "csv", "text", "json", "yaml", "html", "eml", "mbox", "mhtml", "pdf", "xlsx", "docx",
        "pptx", "ods", "zip", "gzip", "bz2", "xz", "tar", "polyglot",
    }  # fmt: skip
    assert len({c.id for c in CASES}) == len(CASES), "case ids are unique"


# The class: no place of any format lets the payload through.


@pytest.mark.parametrize("case", [_param(PAYLOAD_XFAIL, c.id, c) for c in CASES])
def test_no_place_scans_clean(case: Case, corpus: Corpus, policy: Policy) -> None:
    report = corpus.own(case, policy)
    assert report.verdict in ("protected", "unscannable"), _shown(report)


@pytest.mark.parametrize(
    ("case", "name"),
    [_param(PAYLOAD_XFAIL, f"{c.id}@{name}", c, name) for c in CASES for name in RENAMES],
)
def test_a_misleading_name_reads_the_same(
    case: Case, name: str, corpus: Corpus, policy: Policy
) -> None:
    """Content decides the reader: under any name, the verdict is the one the file gets
    under its own name, and never clean."""
    own = corpus.own(case, policy)
    renamed = scan_file(corpus.path(case, PAYLOAD, name), policy)
    assert renamed.verdict != "clean", _shown(renamed)
    assert renamed.verdict == own.verdict, f"{_shown(renamed)}; as {file_name(case)}: {_shown(own)}"


# The other side: a gate that blocks every ordinary deck gets bypassed.

ORDINARY = [c for c in CASES if c.ordinary]


@pytest.mark.parametrize("case", [_param(HARMLESS_XFAIL, c.id, c) for c in ORDINARY])
def test_harmless_containers_pass(case: Case, corpus: Corpus, policy: Policy) -> None:
    report = scan_file(corpus.path(case, HARMLESS), policy)
    assert report.verdict == "clean", _shown(report)


# Through the command line, for a sample: one file of each format.

_SAMPLE = {c.fmt: c for c in reversed(CASES)}  # the first case of each format


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, make_key: KeyMaker) -> World:
    world = World(tmp_path_factory.mktemp("fail-closed-cli"), make_key)
    result = world.init()
    assert result.code == 0, result.output
    return world


def _site(world: World, content: Content) -> Path:
    site = world.root / content.kind
    site.mkdir(exist_ok=True)
    for fmt, case in _SAMPLE.items():
        (site / f"{fmt}{case.suffix}").write_bytes(built(case, content))
    return site


def test_the_cli_blocks_every_sample(world: World) -> None:
    site = _site(world, PAYLOAD)
    scanned = world.run("scan", site, "--format", "json")
    assert scanned.code != 0, scanned.output
    verdicts = {Path(f["path"]).name: f["verdict"] for f in json.loads(scanned.stdout)["files"]}
    assert len(verdicts) == len(_SAMPLE)
    assert [n for n, v in verdicts.items() if v == "clean"] == []
    checked = world.run("check", site, "--format", "json")
    assert checked.code == 1, checked.output
    statuses = {Path(f["path"]).name: f["status"] for f in json.loads(checked.stdout)["files"]}
    assert [n for n, s in statuses.items() if s != "blocked"] == []


def test_the_cli_passes_the_harmless_sample(world: World) -> None:
    site = _site(world, HARMLESS)
    for name in [p.name for p in site.iterdir()]:
        case = next(c for c in _SAMPLE.values() if name == f"{c.fmt}{c.suffix}")
        if not case.ordinary or case.id in HARMLESS_XFAIL:
            (site / name).unlink()
    checked = world.run("check", site)
    assert checked.code == 0, checked.output


def test_an_export_renamed_to_mail_is_refused(world: World) -> None:
    """The first attack of issue 12: a workbook exported under a mail name, byte for byte."""
    source = world.root / "detention-stats.xlsx"
    source.write_bytes(next(c for c in CASES if c.id == "xlsx:hidden sheet").build(PAYLOAD))
    www = world.root / "www"
    www.mkdir()
    for destination in (www / "stats.eml", www / "stats.html", www):
        result = world.run("export", source, "--to", destination, as_="p.publisher")
        assert result.code == 1, result.output
    assert list(www.iterdir()) == []
