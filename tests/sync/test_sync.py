"""Offices sharing one ledger through a bare git remote, through the real CLI: init --remote,
clone, automatic sync before deciding and after appending, --offline, an unreachable remote,
rebuilding one office's statements on another's, refusing a rewritten remote."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from approval.ledger import Ledger
from approval.ledger.remote import REJECTED, REPLACED, VERIFIED
from tests.ledger.envelopes import load_key, revocation
from tests.support import ROOT, run_approval
from tests.sync.conftest import Shared, git, server_hook, subjects


def _short(commit: str) -> str:
    return commit[:12]


# -- init --remote and clone ----------------------------------------------------------------


def test_init_with_a_remote_pushes_the_first_adoption(shared: Shared) -> None:
    hq = shared.offices["hq"]
    assert shared.remote_head() == hq.head()
    assert [s.split()[0] for s in shared.remote_statements()] == ["adoption"]
    assert git(hq.path, "config", "remote.origin.url") == str(shared.remote)
    # The clone remembers what it knows the remote holds.
    assert git(hq.path, "rev-parse", VERIFIED) == hq.head()


def test_init_refuses_a_remote_that_already_holds_a_ledger(shared: Shared) -> None:
    world = shared.world
    result = run_approval(
        "init", "--ledger", world.root / "second", "--policy", world.policy(),
        "--roster", world.roster(), "--key", world.key("a.admin").private,
        "--key", world.key("b.admin").private, "--remote", shared.remote, cwd=world.root,
    )  # fmt: skip
    assert result.code == 2, result.output
    assert "already holds a ledger" in result.stderr
    assert "approval clone" in result.stderr
    assert not (world.root / "second").exists()


def test_init_refuses_an_unreachable_remote_and_creates_nothing(shared: Shared) -> None:
    world = shared.world
    result = run_approval(
        "init", "--ledger", world.root / "second", "--policy", world.policy(),
        "--roster", world.roster(), "--key", world.key("a.admin").private,
        "--key", world.key("b.admin").private, "--remote", world.root / "nowhere.git",
        cwd=world.root,
    )  # fmt: skip
    assert result.code == 2, result.output
    assert "cannot reach the shared ledger" in result.stderr
    assert "Traceback" not in result.output
    assert not (world.root / "second").exists()


def test_clone_verifies_the_whole_history_and_tracks_the_remote(shared: Shared) -> None:
    result = run_approval("clone", shared.remote, shared.world.root / "b", cwd=shared.world.root)
    assert result.code == 0, result.output
    assert "1 statement and 2 signatures verified" in result.stdout
    clone = shared.world.root / "b"
    head = git(clone, "rev-parse", "refs/heads/ledger")
    assert head == shared.remote_head()
    assert git(clone, "rev-parse", VERIFIED) == head
    assert git(clone, "rev-parse", "refs/remotes/origin/ledger") == head
    audit = run_approval("audit", "--ledger", clone, cwd=shared.world.root)
    assert audit.code == 0, audit.output


def test_clone_refuses_a_ledger_that_does_not_verify_and_leaves_nothing(
    shared: Shared, tmp_path: Path
) -> None:
    # Someone with write access to the remote adds an entry signed by a key in no roster:
    # storage accepts any well-formed entry, only a verified replay can tell.
    forged = tmp_path / "forged.git"
    subprocess.run(["cp", "-a", str(shared.remote), str(forged)], check=True)
    stranger = load_key(shared.world.key("z.stranger").private)
    with Ledger(forged, forged) as ledger:
        ledger.append(revocation(stranger, "forged", seen_head=ledger.head(), signer="z.stranger"))
    target = tmp_path / "office-b"
    result = run_approval("clone", forged, target, cwd=tmp_path)
    assert result.code == 3, result.output
    assert "refusing to clone" in result.stderr
    assert "not in the roster" in result.stderr
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".office-b")]


def test_clone_refuses_a_non_empty_directory_and_an_unreachable_url(shared: Shared) -> None:
    root = shared.world.root
    (root / "full").mkdir()
    (root / "full" / "notes.txt").write_text("mine\n")
    result = run_approval("clone", shared.remote, root / "full", cwd=root)
    assert result.code == 2, result.output
    assert "not empty" in result.stderr
    result = run_approval("clone", root / "nowhere.git", root / "b", cwd=root)
    assert result.code == 2, result.output
    assert "cannot fetch the shared ledger" in result.stderr
    assert not (root / "b").exists()
    assert not [p for p in root.iterdir() if p.name.startswith(".b.")]


# -- automatic sync ------------------------------------------------------------------------------


def test_a_revocation_made_in_another_office_is_seen_before_deciding(shared: Shared) -> None:
    hq, b = shared.offices["hq"], shared.clone("b")
    file = shared.workbook()
    request = hq.request(file)
    assert b.sign(request, "o.privacy").code == 0
    assert hq.sign(request, "s.senior").code == 0
    assert b.run("status", file).code == 0  # b fetched s.senior's sign-off from hq
    signoff = next(s for s in hq.statements() if s.startswith("signoff")).split()[1]
    assert b.run("revoke", signoff, "--reason", "wrong sheet", as_="o.privacy").code == 0
    # hq never ran sync: its status fetches before deciding.
    status = hq.run("status", file)
    assert status.code == 1, status.output
    assert hq.head() == b.head() == shared.remote_head()


def test_offline_statements_wait_for_the_next_sync(shared: Shared) -> None:
    hq, b, c = shared.offices["hq"], shared.clone("b"), shared.clone("c")
    request = hq.request(shared.workbook())
    assert b.run("sync").code == 0
    signed = b.sign(request, "o.privacy", "--offline")
    assert signed.code == 0, signed.output
    assert "offline" in signed.stderr and "may be stale" in signed.stderr
    assert not any(s.startswith("signoff") for s in shared.remote_statements())
    synced = b.run("sync")
    assert synced.code == 0, synced.output
    assert "went out: 1 statement (1 sign-off)" in synced.stdout
    assert "came in: nothing" in synced.stdout
    assert shared.remote_head() == b.head()
    came = c.run("sync")
    assert came.code == 0, came.output
    assert "came in: 2 statements (1 request, 1 sign-off)" in came.stdout
    assert c.head() == b.head()


def test_an_unreachable_remote_keeps_statements_locally_and_the_gate_refuses(
    shared: Shared,
) -> None:
    hq, b = shared.offices["hq"], shared.clone("b")
    file = shared.workbook()
    request = hq.request(file)
    assert b.run("sync").code == 0
    hidden = shared.remote.with_name("moved-away.git")
    shared.remote.rename(hidden)
    try:
        signed = b.sign(request, "o.privacy")
        assert signed.code == 0, signed.output
        assert "cannot fetch the shared ledger" in signed.stderr
        assert "may be stale" in signed.stderr
        assert "kept in this clone" in signed.stderr
        assert "approval sync" in signed.stderr
        out = shared.world.root / "site"
        out.mkdir()
        export = b.run("export", file, "--to", out, as_="p.publisher")
        assert export.code == 2, export.output
        assert len(export.stderr.strip().splitlines()) == 2  # the message and its hint
        assert "refusing to decide" in export.stderr
        assert "--offline" in export.stderr
        assert list(out.iterdir()) == []
        status = b.run("status", file, "--offline")
        assert status.code == 1, status.output  # one sign-off of two: blocked, decided locally
        assert "may be stale" in status.stderr
    finally:
        hidden.rename(shared.remote)
    synced = b.run("sync")
    assert synced.code == 0, synced.output
    assert "went out: 1 statement (1 sign-off)" in synced.stdout
    assert shared.remote_head() == b.head()


# -- rebuilding one office's statements on another's -----------------------------------------


def test_offices_that_appended_at_once_both_land_and_audit_passes(shared: Shared) -> None:
    hq, b, c = shared.offices["hq"], shared.clone("b"), shared.clone("c")
    file = shared.workbook()
    request = hq.request(file)
    assert b.run("sync").code == 0 and c.run("sync").code == 0
    assert b.sign(request, "o.privacy", "--offline").code == 0
    assert c.sign(request, "s.senior", "--offline").code == 0
    mine = c.statements()[-1]
    assert b.run("sync").code == 0
    synced = c.run("sync")
    assert synced.code == 0, synced.output
    assert "came in: 1 statement (1 sign-off)" in synced.stdout
    assert "went out: 1 statement (1 sign-off)" in synced.stdout
    assert b.run("sync").code == 0 and hq.run("sync").code == 0
    # Rebuilt on b's, c's sign-off kept its statement id; every clone holds the same history.
    assert shared.remote_statements()[-1] == mine
    assert hq.head() == b.head() == c.head() == shared.remote_head()
    assert len(shared.remote_statements()) == 4
    for office in (hq, b, c):
        audit = office.run("audit")
        assert audit.code == 0, audit.output
    assert hq.run("status", file).code == 0


def test_a_statement_the_shared_ledger_now_refuses_is_set_aside_not_pushed(
    shared: Shared,
) -> None:
    hq, b = shared.offices["hq"], shared.clone("b")
    world = shared.world
    request = hq.request(shared.workbook())
    assert b.run("sync").code == 0
    signed = b.sign(request, "o.privacy", "--offline")
    assert signed.code == 0, signed.output
    signoff = b.statements()[-1].split()[1]
    # Meanwhile headquarters' admins adopt a roster without o.privacy.
    without = {k: v for k, v in _cast().items() if k != "o.privacy"}
    adopted = hq.run(
        "policy", "adopt", world.policy(version=2, name="policy2.yaml"),
        "--roster", world.roster(without, version=2, name="roster2.yaml"),
        "--key", world.key("a.admin").private, "--key", world.key("b.admin").private,
    )  # fmt: skip
    assert adopted.code == 0, adopted.output
    synced = b.run("sync")
    assert synced.code == 1, synced.output
    assert f"sign-off {signoff[:12]} was not shared" in synced.stderr
    assert "not in the roster in force" in synced.stderr
    assert f"{REJECTED}{signoff}" in synced.stderr
    # Kept out of the shared ledger and of b's branch, and kept whole under its ref.
    assert not any(signoff in s for s in shared.remote_statements())
    assert b.head() == shared.remote_head()
    kept = git(b.path, "rev-parse", f"{REJECTED}{signoff}")
    assert subjects(b.path, kept)[-1] == f"signoff {signoff}"
    assert b.run("audit").code == 0
    again = b.run("sync")
    assert again.code == 0, again.output
    assert "went out: nothing" in again.stdout


def _cast() -> dict[str, tuple[str, ...]]:
    from tests.world import CAST

    return {official: roles for official, (_, roles) in CAST.items()}


# -- refusing a rewritten remote ---------------------------------------------------------------


def test_a_remote_rewound_by_force_push_is_refused(shared: Shared) -> None:
    hq, b = shared.offices["hq"], shared.clone("b")
    first = shared.remote_head()
    hq.request(shared.workbook())
    assert b.run("sync").code == 0
    verified = b.head()
    # An administrator of the remote rewinds the branch (what a force-push does).
    git(shared.remote, "update-ref", "refs/heads/ledger", first)
    synced = b.run("sync")
    assert synced.code == 3, synced.output
    assert _short(first) in synced.stderr and _short(verified) in synced.stderr
    assert "rollback" in synced.stderr
    assert "--accept-rewrite" in synced.stderr
    assert b.head() == verified
    assert git(b.path, "rev-parse", VERIFIED) == verified
    # Every command that fetches refuses it too; --offline decides on the clone's copy.
    assert b.run("status", shared.world.root / "detention-stats.xlsx").code == 3
    offline = b.run("status", shared.world.root / "detention-stats.xlsx", "--offline")
    assert offline.code == 1, offline.output
    # An admin who knows why accepts the new history, verified in full.
    accepted = b.run("sync", "--accept-rewrite")
    assert accepted.code == 0, accepted.output
    assert "accepted the rewritten history" in accepted.stdout
    assert b.head() == first
    replaced = git(b.path, "for-each-ref", "--format=%(objectname)", REPLACED)
    assert replaced == verified  # the old history is kept, as evidence
    assert b.run("sync").code == 0


def test_a_remote_whose_ledger_branch_was_deleted_is_refused(shared: Shared) -> None:
    b = shared.clone("b")
    verified = b.head()
    git(shared.remote, "update-ref", "-d", "refs/heads/ledger")
    synced = b.run("sync")
    assert synced.code == 3, synced.output
    assert "no longer has a ledger branch" in synced.stderr
    assert _short(verified) in synced.stderr
    assert b.head() == verified


def test_sync_help_says_who_accept_rewrite_is_for() -> None:
    result = run_approval("sync", "--help")
    assert result.code == 0
    assert "--accept-rewrite" in result.stdout
    assert "admin who knows why" in " ".join(result.stdout.split())


def test_sync_without_a_remote_is_a_usage_error(shared: Shared, tmp_path: Path) -> None:
    result = run_approval("init", "--ledger", tmp_path / "alone", "--policy",
                          shared.world.policy(), "--roster", shared.world.roster(),
                          "--key", shared.world.key("a.admin").private,
                          "--key", shared.world.key("b.admin").private)  # fmt: skip
    assert result.code == 0, result.output
    synced = run_approval("sync", "--ledger", tmp_path / "alone")
    assert synced.code == 2
    assert "has no remote" in synced.stderr


# -- a push cut off half-way ----------------------------------------------------------------------

_HOOK = """#!/bin/sh
# Holds every push while {hold} exists, after telling the test it got this far.
touch {entered}
while [ -e {hold} ]; do sleep 0.05; done
"""


def test_a_push_killed_half_way_loses_nothing(
    shared: Shared, tmp_path: Path, over_ssh: Callable[[Path], str]
) -> None:
    """The remote, a server's (its hooks run there: one holds the push), and the push killed
    while the server holds it."""
    hq, b = shared.offices["hq"], shared.clone("b")
    git(b.path, "config", "remote.origin.url", over_ssh(shared.remote))
    request = hq.request(shared.workbook())
    assert b.run("sync").code == 0
    assert b.sign(request, "o.privacy", "--offline").code == 0
    signoff = b.statements()[-1]
    hold, entered = tmp_path / "hold", tmp_path / "entered"
    hook = shared.remote / "hooks" / "pre-receive"
    server_hook(shared.remote, _HOOK.format(hold=hold, entered=entered))
    hold.touch()
    env = {**os.environ, "APPROVAL_LEDGER": str(b.path)}
    push = subprocess.Popen(
        [sys.executable, "-m", "approval", "sync"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: git push and receive-pack die with it
    )
    try:
        deadline = time.monotonic() + 60
        while not entered.exists():
            assert time.monotonic() < deadline, "the push never reached the remote"
            assert push.poll() is None, "sync finished without pushing"
            time.sleep(0.02)
        os.killpg(push.pid, signal.SIGKILL)
        push.wait()
    finally:
        hold.unlink()
    assert signoff not in shared.remote_statements()
    assert b.statements()[-1] == signoff  # still in the clone
    hook.unlink()
    synced = b.run("sync")
    assert synced.code == 0, synced.output
    assert "went out: 1 statement (1 sign-off)" in synced.stdout
    assert shared.remote_statements().count(signoff) == 1
    assert b.head() == shared.remote_head()
