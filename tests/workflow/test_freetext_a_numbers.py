"""A-numbers however written, and surnames that an honorific or a family makes a person's,
never reach the ledger: what people type (request ``--purpose``, sign ``--comment``, revoke
``--reason``) is refused in one line that does not repeat it (exit 2, nothing appended), and a
file's name in the gate's refusal log is redacted. The free-text checks use the scanner's own
recogniser (``a_number.spelled``, ``bare_numbers``). Real CLI, real git, real keys."""

from __future__ import annotations

import asyncio
import io
import json
import re
import subprocess
from pathlib import Path

import pytest

from approval.errors import UsageError
from approval.freetext import free_text, safe_name
from approval.policy import default_policy
from approval.serve.follower import Follower
from approval.serve.gate import Gate
from approval.serve.refusals import RefusalLog
from tests.corpus import tabular
from tests.support import KeyMaker
from tests.world import World

POLICY = default_policy()
DIGITS = re.compile(r"\d")

SPELLED = [
    "A.N. 212,345,678 credible fear",
    "ok per A21234 5678",
    "A 2 1 2 3 4 5 6 7 9 withdrew consent",
    "per A-No. 212,345,678",
    "see Alien File No. 212-345-678",
    "AR # 212345678 file",
    "USCIS No. 212 345 678",
    "EOIR case no. 212-345-678",
]
BARE = [
    "ref 212 345 678",
    "ref 212_345_678",
    "ref 2 1 2 3 4 5 6 7 8",
    "ref 21234 5678",
]
NAMES = [
    "per Sr. Garcia",
    "consent of Mr. Garcia",
    "for the garcia family",
    "familia Garcia",
    "the Garcia-Lopez family",
    "Sra. Lopez withdrew",
]


@pytest.mark.parametrize("value", SPELLED + BARE + NAMES)
def test_free_text_refuses_without_repeating(value: str) -> None:
    with pytest.raises(UsageError, match="seems to contain personal data") as refused:
        free_text("--comment", value, POLICY)
    message = refused.value.message
    assert message.startswith("--comment ") and "\n" not in message
    assert "212" not in message and "345" not in message and "garcia" not in message.lower()


@pytest.mark.parametrize(
    "value",
    [
        "FY2024 budget of 212,345,678 dollars",  # an amount
        "questions to (202) 555-0123",
        "mail to Washington, DC 20529-2100",  # ZIP+4
        "data as of 2022-11-28",
        "data as of 20221128",
        "SSN format 212-34-5678 in the template",
        "row A 1 2 3 4 5 6 7 8 9 of the seating chart",  # counting
        "steps 1-2-3-4-5-6-7-8 of the guide",
        "order PO A-2023-00451",
        "approved by Director Alice Chen",
        "Garcia County detention statistics",  # a surname alone is a place here
        "the product family",
        "Sr. Analyst review",
        "12,345 asylum cases, 120 340 560 780 by quarter",
    ],
)
def test_free_text_that_only_looks_like_it_is_accepted(value: str) -> None:
    assert free_text("--comment", value, POLICY) == value


@pytest.mark.parametrize(
    "name",
    [
        "A.N. 212,345,678.csv",
        "A21234 5678.csv",
        "A 2 1 2 3 4 5 6 7 8.csv",
        "212_345_678.csv",
        "Alien-File-No-212-345-678.pdf",
        "Sr. Garcia asylum.docx",
    ],
)
def test_file_names_are_redacted(name: str) -> None:
    safe = safe_name(name, POLICY)
    assert safe.startswith("[redacted]")
    assert not DIGITS.search(safe) and "garcia" not in safe.lower()


# -- the CLI: every path that signs typed text ------------------------------------------------


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory, make_key: KeyMaker) -> dict[str, object]:
    """A ledger with one request for a protected file and one approval of it."""
    world = World(tmp_path_factory.mktemp("freetext"), make_key)
    assert world.init().code == 0
    csv = tabular.detainee_sheet(3).write_csv(world.root / "detainees.csv")
    request = world.request(csv)
    done = world.sign(request, "o.privacy")
    assert done.code == 0, done.output
    return {"world": world, "csv": csv, "request": request}


def _count(world: World) -> int:
    out = subprocess.run(
        ["git", "-C", str(world.ledger), "rev-list", "--count", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout)


def _refused(world: World, args: list[str | Path], as_: str, value: str) -> None:
    before = _count(world)
    done = world.run(*args, as_=as_)
    assert done.code == 2, done.output
    first = done.stderr.strip().splitlines()[0]
    assert first.startswith("error: ") and "seems to contain personal data" in first
    for part in re.findall(r"\d{3,}|[Gg]arcia", value):
        assert part not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert _count(world) == before  # nothing signed into the ledger


@pytest.mark.parametrize("value", ["A.N. 212,345,678 credible fear", "the garcia family"])
def test_request_purpose_is_refused(signed: dict[str, object], value: str) -> None:
    world, csv = signed["world"], signed["csv"]
    assert isinstance(world, World) and isinstance(csv, Path)
    args: list[str | Path] = ["request", csv, "--purpose", value, "--destination", "www"]
    _refused(world, args, "p.publisher", value)


@pytest.mark.parametrize("value", ["ok per A21234 5678", "ok per Sr. Garcia"])
def test_sign_comment_is_refused(signed: dict[str, object], value: str) -> None:
    world, request = signed["world"], signed["request"]
    assert isinstance(world, World) and isinstance(request, str)
    args: list[str | Path] = ["sign", request, "--yes", "--comment", value]
    _refused(world, args, "s.senior", value)


@pytest.mark.parametrize("value", ["A 2 1 2 3 4 5 6 7 9 withdrew consent", "per 212 345 678"])
def test_revoke_reason_is_refused(signed: dict[str, object], value: str) -> None:
    world, request = signed["world"], signed["request"]
    assert isinstance(world, World) and isinstance(request, str)
    _refused(world, ["revoke", request, "--reason", value], "p.publisher", value)


# -- the gate's refusal log -------------------------------------------------------------------


def test_the_refusal_log_redacts_a_numbers_in_file_names(tmp_path: Path) -> None:
    site = tmp_path / "www"
    site.mkdir()
    names = ["A.N. 212,345,678.csv", "A21234 5678.csv", "A 2 1 2 3 4 5 6 7 8.csv"]
    for i, name in enumerate(names):
        # Different bytes each: the log has one line per file.
        (site / name).write_text(f"name,a_number,claim\nAna Soto,A29876543{i},asylum\n")
    stream = io.StringIO()
    follower = Follower(None)

    async def main() -> None:
        gate = Gate(site, follower, on_refusal=RefusalLog(stream, lambda: follower.policy))
        await gate.start()
        try:
            for name in names:
                answer = await gate.answer(f"/{name}".replace(" ", "%20").encode())
                assert not answer.allowed
        finally:
            await gate.stop()

    asyncio.run(main())
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == len(names)
    assert {line["path"] for line in lines} == {"[redacted].csv"}
    assert "212" not in stream.getvalue() and "345" not in stream.getvalue()
