"""Every command a screen suggests is one that would succeed, and names the live request.

A second request for the same bytes, withdrawn after it was made (the "withdrawn duplicate"),
used to be the one ``status``, ``check`` and ``export`` chose, and their hints said to sign it,
which fails. Here each suggested command is run as the right person would run it (KEY, DEST,
FILE and "..." filled in), until the file leaves.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from approval.demo.synthetic import detention_workbook
from tests.support import KeyMaker
from tests.world import World

BY_ROLE = {"privacy-officer": "o.privacy", "senior-official": "s.senior"}


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    world = World(tmp_path, make_key)
    assert world.init().code == 0
    return world


def _steps(output: str) -> list[str]:
    """The suggested commands of a screen: its ``$ approval ...`` lines, or ``next:`` ones."""
    steps = []
    for line in output.splitlines():
        text = line.strip()
        if text.startswith("$ approval "):
            steps.append(text[2:])
        elif text.startswith("next: approval "):
            steps.append(text[len("next: ") :])
    return steps


def _run_step(world: World, step: str, file: Path, site: Path) -> tuple[int, str]:
    """Run one suggested command as its person would: the role's official signs, the named
    official revokes, the publisher requests and exports."""
    words = shlex.split(step, comments=True)
    assert words[0] == "approval"
    comment = step.partition("#")[2]
    if words[1] == "sign":
        who = BY_ROLE[words[words.index("--role") + 1]]
    elif words[1] == "revoke" and "# by " in step:
        who = comment.split("by ", 1)[1].split()[0].rstrip(",")
    else:
        who = "p.publisher"
    filled = {"KEY": str(world.key(who).private), "DEST": str(site), "FILE": str(file)}
    args = [filled.get(w, "reviewed again" if w == "..." else w) for w in words[1:]]
    if words[1] == "sign":
        args.append("--yes")  # the official at a terminal types the id instead
    result = world.run(*args)
    return result.code, result.output


def _follow(world: World, file: Path, site: Path) -> list[str]:
    """Follow the hints of ``status FILE`` until the export succeeds; the commands run."""
    ran: list[str] = []
    for _ in range(8):
        status = world.run("status", str(file))
        steps = [s for s in _steps(status.stdout) if "once the file is changed" not in s]
        assert steps, status.output
        for step in steps:
            code, output = _run_step(world, step, file, site)
            expected = (0, 1) if step.startswith("approval status") else (0,)
            assert code in expected, f"{step}\n{output}"
            ran.append(step)
            if step.startswith("approval export"):
                return ran
    raise AssertionError(f"the hints never led to an export: {ran}")


def test_a_withdrawn_duplicate_is_not_the_request_hints_name(world: World) -> None:
    file = world.root / "stats.xlsx"
    detention_workbook(file, count=5)
    site = world.root / "site"
    site.mkdir()
    live = world.request(file)
    again = world.run(
        "request", file, "--purpose", "FY2022", "--destination", "www", "--again",
        "--reason", "asked twice", as_="p.publisher",
    )  # fmt: skip
    assert again.code == 0, again.output
    duplicate = again.stdout.strip().splitlines()[-1]
    assert world.run("revoke", duplicate[:12], "--reason", "duplicate", as_="p.publisher").code == 0

    status = world.run("status", str(file))
    assert f"approval sign {live[:12]} --file" in status.stdout
    assert duplicate[:12] not in " ".join(_steps(status.stdout))
    on_duplicate = world.run("status", duplicate[:12])
    assert _steps(on_duplicate.stdout) == [
        f"approval status {live[:12]}   # {duplicate[:12]} was withdrawn; this is the live "
        "request for the same bytes"
    ]
    check = world.run("check", str(file))
    assert f"next: approval status {live[:12]}" in check.stdout
    refused = world.run("export", str(file), "--to", str(site), as_="p.publisher")
    assert refused.code == 1
    assert all(duplicate[:12] not in step for step in _steps(refused.stdout))

    ran = _follow(world, file, site)
    assert [s.split()[1] for s in ran] == ["sign", "sign", "export"]
    assert (site / file.name).read_bytes() == file.read_bytes()


def test_a_refusal_on_a_withdrawn_duplicate_is_named_with_its_fix(world: World) -> None:
    file = world.root / "stats.xlsx"
    detention_workbook(file, count=5)
    site = world.root / "site"
    site.mkdir()
    world.request(file)
    again = world.run(
        "request", file, "--purpose", "FY2022", "--destination", "www", "--again",
        "--reason", "asked twice", as_="p.publisher",
    )  # fmt: skip
    duplicate = again.stdout.strip().splitlines()[-1]
    refusal = world.sign(duplicate[:12], "s.senior", "--reject", "--comment", "hidden sheet")
    assert refusal.code == 0, refusal.output
    assert world.run("revoke", duplicate[:12], "--reason", "duplicate", as_="p.publisher").code == 0
    status = world.run("status", str(file))
    assert status.code == 1
    assert "# by s.senior or an admin" in status.stdout  # the refusal still blocks: its fix
    ran = _follow(world, file, site)
    assert [s.split()[1] for s in ran] == ["revoke", "sign", "sign", "export"]


def test_a_file_named_after_a_person_is_file_in_the_hints(world: World) -> None:
    file = world.root / "notes_jose_hernandez_asylum.xlsx"
    detention_workbook(file, count=5)
    world.request(file)
    status = world.run("status", str(file))
    assert "hernandez" not in status.output.lower()
    assert any("--file FILE" in step for step in _steps(status.stdout))
    site = world.root / "site"
    site.mkdir()
    # Its own name (a person and a claim) is never published: DEST names the file anew.
    kept = world.run("export", str(file), "--to", str(site), as_="p.publisher")
    assert kept.code == 1 and "its name holds protected data" in kept.stderr, kept.output
    _follow(world, file, site / "detention-stats.xlsx")
    assert [p.name for p in site.iterdir()] == ["detention-stats.xlsx"]
