"""The audit report for people (``approval audit --html``): one self-contained, escaped,
accessible HTML document, checked as text and as a real browser renders it.

The browser is Debian's headless Chromium (``make system-packages`` installs it). Without
it, these tests are skipped, saying so, on a workstation; in CI (``CI=true``) they fail
instead, so a missing browser can never pass as a green run.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from approval.report.event import Event
from approval.report.html import AuditFacts, render
from tests.support import KeyMaker
from tests.world import World

HOSTILE = "<img src=x onerror=alert(1)><script>alert('x')</script>&amp;\"'.csv"
# A file name holds no "/": the markup a publisher can put in one.
HOSTILE_FILE = "<img src=x onerror=alert(1)><script>alert('x')<b onclick=x>&amp;\"'.csv"
AT = datetime(2026, 11, 21, 14, 3, tzinfo=UTC)


def _event(position: int, kind: str, text: str, **details: Any) -> Event:
    sha = "ab" * 32
    who = ("o.privacy",) if kind != "adoption" else ("a.admin", "b.admin")
    artifacts = () if kind == "adoption" else (sha,)
    return Event(position, "c" * 40, f"{position:064x}", kind, AT, who, text, artifacts, details)


ROSTER = {
    "version": 1,
    "admin_threshold": 2,
    "officials": [
        {
            "id": "o.privacy",
            "name": HOSTILE,
            "roles": ["privacy-officer"],
            "valid_from": None,
            "valid_until": None,
        },
    ],
}


def _facts(failure: dict[str, Any] | None = None) -> AuditFacts:
    sha = "ab" * 32
    events = (
        _event(
            1,
            "adoption",
            "a.admin, b.admin adopted policy 8cfr208.6 v1",
            policy={"id": "8cfr208.6", "version": 1},
            roster=ROSTER,
            previous=None,
        ),
        _event(
            2,
            "request",
            f"p.publisher requested approval to export {HOSTILE}",
            artifact={"sha256": sha, "size": 10, "name": HOSTILE},
            purpose=HOSTILE,
            destination=HOSTILE,
        ),
        _event(
            3,
            "signoff",
            f"o.privacy refused request 000 ({HOSTILE})",
            request=f"{2:064x}",
            decision="reject",
            role="privacy-officer",
            comment=HOSTILE,
            artifact={"sha256": sha, "name": HOSTILE},
        ),
        _event(
            4,
            "revocation",
            f"o.privacy revoked their own refusal: {HOSTILE}",
            target=f"{3:064x}",
            reason=HOSTILE,
        ),
    )
    return AuditFacts(
        ledger="/srv/<ledger>",
        head="d" * 40,
        events=events,
        failure=failure,
        signatures=5,
        generated=AT,
        version="0.1.0",
        namespace="approval-ledger-v1@approval.invalid",
    )


class _Outline(HTMLParser):
    """The elements of a page, as a browser's parser sees the tags."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _outline(page: str) -> _Outline:
    parser = _Outline()
    parser.feed(page)
    return parser


def test_every_text_from_the_ledger_is_escaped() -> None:
    page = render(_facts())
    outline = _outline(page)
    names = [tag for tag, _ in outline.tags]
    assert "script" not in names and "img" not in names
    assert not any(name.startswith("on") for _, attrs in outline.tags for name in attrs)
    # The hostile name is there, as text a reader sees.
    assert HOSTILE in "".join(outline.text)


def test_nothing_is_loaded_from_anywhere() -> None:
    page = render(_facts())
    outline = _outline(page)
    for tag, attrs in outline.tags:
        assert tag not in ("link", "iframe", "object", "embed", "img", "base", "form"), tag
        for name in ("src", "href", "action"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (tag, name, value)
    policy = [a for t, a in outline.tags if t == "meta" and a.get("http-equiv")]
    assert policy and "default-src 'none'" in (policy[0].get("content") or "")


def test_the_document_is_structured_for_people_and_readers() -> None:
    page = render(_facts())
    outline = _outline(page)
    html = [attrs for tag, attrs in outline.tags if tag == "html"]
    assert html == [{"lang": "en"}]
    levels = [int(tag[1]) for tag, _ in outline.tags if re.fullmatch(r"h[1-6]", tag)]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels
    tables = page.count("<table")
    assert tables >= 5 and page.count("<caption>") == tables
    headers = [attrs for tag, attrs in outline.tags if tag == "th"]
    assert headers and all(attrs.get("scope") in ("col", "row") for attrs in headers)
    assert "@media print" in page


def test_a_broken_ledger_says_so_first() -> None:
    failure = {
        "rule": "signature",
        "rule_text": "every signature verifies",
        "commit": "e" * 40,
        "entry": 3,
        "statement": "f" * 64,
        "message": "a signature does not verify",
        "problem": "",
        "kind": "signoff",
    }
    page = render(_facts(failure))
    assert "<title>Audit of the approval ledger: NOT intact</title>" in page
    assert page.index("The ledger is NOT intact.") < page.index('id="timeline"')
    assert "every signature verifies" in page
    assert "The ledger is intact." not in page


# -- the real command, in a real browser ------------------------------------------------------

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        reason = "headless Chromium is not installed: run `make system-packages`"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; in CI the browser tests must run")
        pytest.skip(reason)
    return found


def _browse(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    return subprocess.run(
        [_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, make_key: KeyMaker) -> Path:
    """A journey whose file has a hostile name: requested, refused, the refusal revoked,
    approved, exported; then ``approval audit --html``."""
    world = World(tmp_path_factory.mktemp("agency"), make_key)
    assert world.init().code == 0
    file = world.root / HOSTILE_FILE
    file.write_text("Name,A-Number\nMaria Lopez Garcia,A123456789\n")
    request = world.request(file)
    refused = world.sign(
        request, "o.privacy", "--reject", "--comment", HOSTILE, "--file", str(file)
    )
    assert refused.code == 0, refused.output
    refusal = refused.stdout.split("sign-off ")[1].split()[0]
    assert world.run("revoke", refusal, "--reason", "signed too soon", as_="o.privacy").code == 0
    for official, role in (("o.privacy", "privacy-officer"), ("s.senior", "senior-official")):
        world.sign(request, official, "--role", role, "--file", str(file))
    site = world.root / "site"
    site.mkdir()
    exported = world.run("export", file, "--to", site, as_="p.publisher")
    assert exported.code == 0, exported.output
    target = world.root / "audit.html"
    result = world.run("audit", "--html", target)
    assert result.code == 0, result.output
    assert f"written to {target}" in result.stdout
    return target


def test_the_command_writes_one_self_contained_file(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "The ledger is intact." in page
    assert "<script" not in page and "<img" not in page
    for part in (
        "Policies and rosters",
        "Files: from request to export",
        "Refusals",
        "Revocations",
        "Timeline",
        "Verify it yourself",
        "ssh-keygen -Y verify",
    ):
        assert part in page, part


def test_chromium_renders_the_dom_as_written(report: Path, tmp_path: Path) -> None:
    done = _browse(tmp_path, "--dump-dom", report.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = _outline(done.stdout)
    names = [tag for tag, _ in dom.tags]
    assert not {"script", "img", "b"} & set(names), "a file name became markup"
    text = "".join(dom.text)
    assert "Audit of the approval ledger: intact" in text
    assert HOSTILE_FILE in text, "the hostile name is shown as text"
    assert names.count("h1") == 1 and names.count("table") >= 5
    assert names.count("caption") == names.count("table")


def test_chromium_takes_a_screenshot_and_prints_it(report: Path, tmp_path: Path) -> None:
    shot, pdf = tmp_path / "report.png", tmp_path / "report.pdf"
    done = _browse(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", report.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 20_000
    done = _browse(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", report.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one: str, other: str) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_every_colour_pair_has_a_contrast_of_at_least_7() -> None:
    """WCAG 2 AAA for normal text: each rule that sets a text colour on a background, and every
    text colour on the page's white."""
    from approval.report.html import _CSS

    rules = re.findall(r"([^{}]+)\{([^}]*)\}", _CSS)
    pairs = 0
    for selector, body in rules:
        text = re.search(r"(?<![-\w])color:\s*(#[0-9a-f]{6})", body)
        back = re.search(r"background:\s*(#[0-9a-f]{6})", body)
        if text is not None:
            behind = back.group(1) if back else "#ffffff"
            ratio = _contrast(text.group(1), behind)
            assert ratio >= 7, f"{selector.strip()}: {text.group(1)} on {behind} is {ratio:.1f}:1"
            pairs += 1
    assert pairs >= 6
