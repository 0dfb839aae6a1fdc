"""A refusal cannot be laundered by changing one byte: a request for a file with the same name,
or whose scan found the same (classes, persons, findings by detector and count), as a file an
official refused says so where officials review (``show``, ``inbox``) and in ``status``:
``refused before: <name> <sha short> by <official> on <date>: <reason>``. Information, not a
block. The matching (``trust.refusals``) is pure; the journeys run the real CLI on a real ledger.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from approval.demo.synthetic import detention_workbook
from approval.ledger import Ledger
from approval.ledger.session import replay_verified
from approval.statements import now
from approval.trust.refusals import SAME_FINDINGS, SAME_NAME, findings_key, refused_before
from approval.trust.state import Request
from tests.support import KeyMaker
from tests.world import World

REASON = "the hidden sheet names persons"


def _scan(*findings: tuple[str, str, int], persons: int = 20) -> dict[str, Any]:
    return {
        "verdict": "protected",
        "format": "xlsx",
        "classes": {"protected-person": {"records": persons}},
        "findings": [
            {"class": c, "detector": d, "count": n, "location": {"sheet": f"S{i}"}}
            for i, (c, d, n) in enumerate(findings)
        ],
    }


@pytest.mark.parametrize(
    ("other", "same"),
    [
        (_scan(("protected-person", "a-number", 20), ("protected-person", "name", 20)), True),
        # Where a finding is does not matter (a sheet renamed), nor the order they come in.
        (_scan(("protected-person", "name", 20), ("protected-person", "a-number", 20)), True),
        (_scan(("protected-person", "a-number", 21), ("protected-person", "name", 20)), False),
        (_scan(("protected-person", "a-number", 20)), False),
        (_scan(("protected-person", "a-number", 20), ("protected-person", "name", 20),
               persons=19), False),
        ({"verdict": "clean", "format": "csv", "classes": {}, "findings": []}, False),
        ({"verdict": "protected", "findings": "not a list"}, False),
    ],
)  # fmt: skip
def test_findings_key_compares_what_was_found_not_where(other: dict[str, Any], same: bool) -> None:
    mine = _scan(("protected-person", "a-number", 20), ("protected-person", "name", 20))
    assert findings_key(mine) is not None
    assert (findings_key(other) == findings_key(mine)) is same


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    world = World(tmp_path, make_key)
    assert world.init().code == 0, world.last
    return world


def _retouched(source: Path, target: Path) -> None:
    """``source`` with one aggregate figure changed: other bytes, the same persons found."""
    book = load_workbook(source)
    sheet = book["FY2022 Summary"]
    sheet["B2"] = int(sheet["B2"].value or 0) + 1
    book.save(target)


def _json(world: World, *args: str, code: int) -> dict[str, Any]:
    result = world.run(*args, "--format", "json")
    assert result.code == code, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_a_retouched_or_renamed_file_says_it_was_refused_before(world: World) -> None:
    first = world.root / "detainees.xlsx"
    detention_workbook(first, count=20)
    refused = world.request(first)
    assert world.sign(refused, "o.privacy", "--reject", "--comment", REASON).code == 0
    sha = json.loads(world.run("show", refused[:12], "--format", "json").stdout)["request"]
    line = (
        f"refused before: detainees.xlsx {sha['sha256'][:12]} by o.privacy "
        f"on {now():%Y-%m-%d}: {REASON}"
    )

    # One figure changed, another name: the same findings.
    retouched = world.root / "fy2022.xlsx"
    _retouched(first, retouched)
    again = world.request(retouched)
    assert _json(world, "show", again[:12], code=0)["refused_before"] == [line]
    shown = world.run("show", again[:12])
    assert "Refused before" in shown.stdout and line in shown.stdout, shown.output
    assert _json(world, "status", again[:12], code=1)["refused_before"] == [line]
    assert line in world.run("status", again[:12]).stdout
    assert line in world.run("status", retouched).stdout  # a file, scanned now
    waiting = _json(world, "inbox", "--all", code=1)["waiting"]
    assert [(w["id"], w["refused_before"]) for w in waiting] == [(again, [line])]
    assert line in world.run("inbox", "--all").stdout

    # Other persons, the same name: said too; an unrelated file says nothing.
    (world.root / "v2").mkdir()
    renamed = world.root / "v2" / "detainees.xlsx"
    detention_workbook(renamed, count=25)
    other = world.root / "other.xlsx"
    detention_workbook(other, count=30)
    by_name, unrelated = world.request(renamed), world.request(other)
    assert _json(world, "show", by_name[:12], code=0)["refused_before"] == [line]
    assert _json(world, "show", unrelated[:12], code=0)["refused_before"] == []
    # Not a block: the next official may approve a corrected file.
    assert world.sign(again, "o.privacy").code == 0

    # The pure function on the replayed state says why each is alike.
    with Ledger.open(world.ledger) as ledger:
        state = replay_verified(ledger, head=ledger.head())
    for request_id, alike in ((again, (SAME_FINDINGS,)), (by_name, (SAME_NAME,))):
        request = state.get(request_id)
        assert isinstance(request, Request)
        (prior,) = refused_before(
            state,
            name=request.artifact.name,
            sha256=request.sha256,
            scan=request.scan,
            at=now(),
            request_id=request.id,
        )
        assert prior.request.id == refused and prior.alike == alike
        assert prior.line() == line

    # A rejection withdrawn is no longer a refusal.
    signoff = _json(world, "show", refused[:12], code=0)["signoffs"][0]["id"]
    revoked = world.run("revoke", signoff, "--reason", "refused in error", as_="o.privacy")
    assert revoked.code == 0, revoked.output
    assert _json(world, "show", again[:12], code=0)["refused_before"] == []
