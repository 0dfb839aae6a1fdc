"""The gate decides on what is there now: bytes that moved while they were scanned leave no
report behind; a ledger whose remote cannot be fetched from goes stale; a document root given
as a link follows the link; what the service may not read is unscannable, not a change; and a
bad option is one usage line, before any server starts (the red-team round on the gate)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from approval.demo.synthetic import aggregate_csv
from approval.detect.report import PROTECTED, FileReport
from approval.policy import default_policy
from approval.serve.follower import Follower
from approval.serve.gate import STALE, Gate, _Changed, scan_exact, stat_key
from approval.serve.paths import MISSING
from tests.detect.test_scan_identity import HARMLESS, Rows, _content, _rewrite_tail
from tests.serve.servers import run
from tests.support import KeyMaker, run_approval
from tests.world import World

# -- the bytes scanned are the bytes kept ----------------------------------------------------


@pytest.mark.parametrize("size", [1000, 9 * 1024 * 1024], ids=["small", "large"])
def test_a_file_rewritten_while_scanned_is_changed_and_its_scan_not_kept(
    tmp_path: Path, size: int
) -> None:
    path = tmp_path / "stats.rows"
    path.write_bytes(_content(size))
    key = stat_key(path.stat())
    known: dict[str, FileReport] = {}
    reader = Rows(edit=lambda: _rewrite_tail(path, HARMLESS))
    with pytest.raises(_Changed):
        scan_exact(
            str(path), key, default_policy(), known, str(tmp_path), readers=[reader], adoption=""
        )
    # Nothing kept by sha256: the next request for the protected bytes scans them again.
    assert known == {}


def test_an_untouched_file_is_scanned_once_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "stats.rows"
    path.write_bytes(_content(1000))
    known: dict[str, FileReport] = {}
    report = scan_exact(
        str(path),
        stat_key(path.stat()),
        default_policy(),
        known,
        str(tmp_path),
        readers=[Rows()],
        adoption="a1",
    )
    assert report.verdict == PROTECTED
    assert list(known) == [f"a1:{report.sha256}:.rows"]


# -- a remote it cannot fetch from: stale ----------------------------------------------------


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    world = World(tmp_path, make_key)
    assert world.init().code == 0
    return world


def test_approvals_stop_when_no_fetch_from_the_remote_succeeds(world: World) -> None:
    site = world.root / "www"
    site.mkdir()
    people = site / "people.csv"
    people.write_text(
        "name,a_number,birthdate,case_status\n"
        "Maria Garcia,A212345678,1985-03-02,credible fear found\n"
        "Jose Hernandez,A212345679,1990-07-14,credible fear pending\n"
    )
    request = world.request(people)
    for who in ("o.privacy", "s.senior"):
        assert world.sign(request, who).code == 0
    clone = world.root / "clone"
    assert run_approval("clone", world.ledger, clone).code == 0
    follower = Follower(clone, fetch_every=0.1)
    gate = Gate(site, follower, poll=0.1, fetch_stale_after=1.0)
    moved = world.root / "ledger-moved"

    async def body(gate: Gate) -> list[str]:
        words = [(await gate.answer(b"/people.csv")).word]
        world.ledger.rename(moved)  # the web host can no longer reach the shared ledger
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not gate.stale():
            await asyncio.sleep(0.1)
        words.append((await gate.answer(b"/people.csv")).word)
        words.append("stale: " + (gate.staleness() or ""))
        moved.rename(world.ledger)  # reachable again: fresh again
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and gate.stale():
            await asyncio.sleep(0.1)
        words.append((await gate.answer(b"/people.csv")).word)
        return words

    words = run(gate, body)
    assert words[:2] == ["approved", STALE]
    assert "no fetch from the ledger's remote has succeeded" in words[2]
    assert words[3] == "approved"


def test_a_service_whose_remote_is_gone_at_start_approves_nothing(world: World) -> None:
    site = world.root / "www"
    site.mkdir()
    clone = world.root / "clone"
    assert run_approval("clone", world.ledger, clone).code == 0
    world.ledger.rename(world.root / "gone")
    gate = Gate(site, Follower(clone, fetch_every=0.1), poll=0.1)

    async def body(gate: Gate) -> str | None:
        return gate.staleness()

    assert run(gate, body) == "no fetch from the ledger's remote has succeeded yet"


# -- a document root given as a link ---------------------------------------------------------


def test_a_root_given_as_a_link_follows_a_deploy(tmp_path: Path) -> None:
    for release in ("1", "2"):
        (tmp_path / "releases" / release).mkdir(parents=True)
    aggregate_csv(tmp_path / "releases" / "1" / "stats.csv")
    (tmp_path / "releases" / "2" / "index.html").write_text("<h1>release 2</h1>")
    www = tmp_path / "www"
    www.symlink_to("releases/1")
    gate = Gate(www, Follower(None))

    async def body(gate: Gate) -> list[str]:
        words = [(await gate.answer(b"/stats.csv")).word]
        switch = tmp_path / "www.new"
        switch.symlink_to("releases/2")
        switch.replace(www)  # an atomic deploy
        words.append((await gate.answer(b"/stats.csv")).word)
        words.append((await gate.answer(b"/")).word)
        return words

    assert run(gate, body) == ["clean", MISSING, "clean"]
    assert gate.root == str((tmp_path / "releases" / "2").resolve())


# -- what the service may not read -----------------------------------------------------------

_UNPRIVILEGED = (
    ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-all"]
    if os.geteuid() == 0
    else []
)


def test_permissions_are_obeyed_not_taken_for_a_change(tmp_path: Path) -> None:
    """Run without the capabilities that let root ignore file modes (as a web service runs)."""
    if _UNPRIVILEGED and not Path("/usr/bin/setpriv").exists():
        pytest.skip("setpriv is needed to drop root's capabilities")
    root = tmp_path / "www"
    (root / "private").mkdir(parents=True)
    aggregate_csv(root / "private" / "stats.csv")
    (root / "private").chmod(0o311)  # traverse only, as a web root's directories may be
    aggregate_csv(root / "secret.csv")
    (root / "secret.csv").chmod(0)
    script = textwrap.dedent(
        f"""
        import asyncio
        from pathlib import Path
        from approval.serve.follower import Follower
        from approval.serve.gate import Gate

        async def main():
            gate = Gate(Path({str(root)!r}), Follower(None))
            await gate.start()
            try:
                for target in (b"/private/stats.csv", b"/secret.csv"):
                    answer = await gate.answer(target)
                    print(answer.word, answer.reason)
            finally:
                await gate.stop()

        asyncio.run(main())
        """
    )
    result = subprocess.run(
        [*_UNPRIVILEGED, sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["clean ", "unscannable cannot read: permission denied"]


# -- options ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--listen", "unix:/nonexistent/dir/s.sock"], "cannot make a socket in /nonexistent/dir"),
        (["--wait", "-1"], "--wait and --poll more than 0"),
        (["--poll", "0"], "--wait and --poll more than 0"),
        (["--fetch-every", "-1"], "--fetch-every must be 0"),
    ],
)
def test_a_bad_option_is_one_usage_line_before_anything_starts(
    tmp_path: Path, extra: list[str], words: str
) -> None:
    (tmp_path / "www").mkdir()
    result = run_approval(
        "serve", "--no-store", "--root", tmp_path / "www", *extra, env={"APPROVAL_LEDGER": ""}
    )
    assert result.code == 2
    assert "Traceback" not in result.output
    assert result.stderr.startswith("error: ")
    assert words in result.stderr.splitlines()[0]


# -- names ----------------------------------------------------------------------------------------


def test_a_file_named_after_a_protected_person_is_refused_before_it_is_read(
    tmp_path: Path,
) -> None:
    from urllib.parse import quote

    site = tmp_path / "www"
    (site / "claims").mkdir(parents=True)
    named = "Maria Garcia A212345678 credible fear interview.txt"
    (site / "claims" / named).write_text("Interview notes to follow.\n")
    aggregate_csv(site / "claims" / "aggregates.csv")
    refused: list[tuple[str, str]] = []
    gate = Gate(site, Follower(None), on_refusal=lambda a: refused.append((a.word, a.reason)))

    async def body(gate: Gate) -> list[str]:
        words = [(await gate.answer(quote(f"/claims/{named}").encode())).word]
        words.append((await gate.answer(b"/claims/aggregates.csv")).word)
        return words

    assert run(gate, body) == [PROTECTED, "clean"]
    assert refused == [(PROTECTED, "its name holds protected data (protected-person): rename it")]
    assert gate.decided == 1  # the named file was refused before any scan or decision


def test_a_link_to_a_folder_named_after_a_protected_person_is_refused(tmp_path: Path) -> None:
    # The path asked names no one; the folder it resolves to (and a listing shows) does.
    site = tmp_path / "www"
    folder = site / "claims" / "Maria Garcia A212345678 credible fear"
    folder.mkdir(parents=True)
    aggregate_csv(folder / "aggregates.csv")
    (site / "latest").symlink_to(folder, target_is_directory=True)
    refused: list[tuple[str, str]] = []
    gate = Gate(site, Follower(None), on_refusal=lambda a: refused.append((a.word, a.reason)))

    async def body(gate: Gate) -> str:
        return (await gate.answer(b"/latest/aggregates.csv")).word

    assert run(gate, body) == PROTECTED
    assert refused == [(PROTECTED, "its name holds protected data (protected-person): rename it")]


def test_doctor_hears_that_a_service_cut_off_from_its_remote_approves_nothing(
    world: World,
) -> None:
    from approval.workflow.serve import check_service
    from tests.serve.servers import Service

    (world.root / "www").mkdir()
    clone = world.root / "clone"
    assert run_approval("clone", world.ledger, clone).code == 0
    world.ledger.rename(world.root / "gone")
    extra = ("--fetch-every", "0.5")
    with Service(world.root / "www", clone, extra=extra, healthy=False) as service:
        health = check_service(f"unix:{service.socket}")
    assert not health.ok
    assert "answering, but no approval stands" in health.words
    assert "no fetch from the ledger's remote has succeeded yet" in health.words
